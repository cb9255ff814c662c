"""Does the time of POST /api/initiatives/ID/mail tell what the address is?
(issue 18's lighter petitions; bench/initiative-mail-timing.sh prints its line.)

The answer's words are the same whether a link was mailed (a new address), one was
mailed less than 10 minutes ago (asked lately) or the address signed already: a
stranger typing an address must not learn which. This measures whether the time
tells it. Every binary given gets its own server and database (SQLite; the mail
limits off; no relay, the mails waiting in the outbox, or with BENCH_SMTP=1 a
relay of its own on loopback, aiosmtpd, taking every mail), all started together; then
STEPS times, for each server in a random order, three requests in a random order
on one kept-alive connection: a new address, one that signed (confirmed during the
setup, drawn at random from SIGNED), one asked lately (a new address of the
previous 8 minutes). Each request's time is taken twice: round trip at the
client (what a stranger sees) and the server's own ("ms" of its access log).

For each binary, each measure and each pair of kinds: the medians, and how often
a stranger guesses the kind of ONE request from its time: the best threshold
found on half of the requests (even steps), its accuracy counted on the other
half (odd steps), both kinds equally many (50 %: the time tells nothing). An
address that signed, or asked lately, can be asked again and again (the answer
stays what it is for 10 minutes at least): for that pair the guess from the
median of 10 requests is counted too (a new address is new once: its first
answer mails a link).

    python3 bench/mail_timing.py SRC STEPS OUT URNE [URNE...]

Standard output: one line per binary, "key=value" fields (the shell script reads
them); standard error: the details. OUT: a directory for the raw times (CSV).
"""
import os
import random
import re
import statistics
import sys
import time

src, steps, out, bins = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4:]
sys.argv = [sys.argv[0], bins[0], src]
sys.path.insert(0, os.path.join(src, "tests/server"))
import lib  # noqa: E402
from lib import KeepAlive, Server, admin_db, admin_client, free_port, make_users, run, store_query  # noqa: E402

SMTP = os.environ.get("BENCH_SMTP") == "1"
if SMTP:
    try:
        from aiosmtpd.controller import Controller
    except ImportError:
        sys.path.append("/usr/lib/python3/dist-packages")
        from aiosmtpd.controller import Controller

SIGNED = 100
RECENT_WINDOW = 8 * 60  # seconds: an address asked this recently still gets "asked lately" (10 min)
RULES = ("preset = local-petition\nidentity = email\nnational = 1000000\nopens = 2020-01-01\n"
         "closes = 2099-01-01\nstop-at-threshold = no\n")
KINDS = ("new", "signed", "recent")


class Sink:
    """A relay on loopback keeping the links of the mails it takes."""

    def __init__(self):
        self.port = free_port()
        self.tokens = []
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    async def handle_DATA(self, server, session, envelope):
        import email
        body = email.message_from_bytes(envelope.content).get_payload(decode=True).decode()
        self.tokens.append(re.search(r"token=([0-9a-f]{64})", body).group(1))
        return "250 OK"


class Target:
    """One binary's server, its initiative open, SIGNED addresses signed."""

    def __init__(self, binary, tag):
        lib.URNE = binary
        self.binary, self.tag = binary, tag
        self.sink = Sink() if SMTP else None
        relay = ["--smtp", f"smtp://127.0.0.1:{self.sink.port}"] if SMTP else []
        self.srv = Server(args=["--mail-per-address", "0", "--mail-per-network", "0", *relay])
        admin_db(self.srv)
        key = run("initiative", "keygen", "--secret-key", os.path.join(self.srv.dir, "a.key")).stdout.strip()
        rules = os.path.join(self.srv.dir, "rules.txt")
        open(rules, "w").write(RULES)
        run("initiative", "create", "--db", self.srv.db, "--user", "admin", "--title", "Bench", "--rules", rules,
            "--authority-key", key)
        self.srv.start()

    def setup(self):
        admin = admin_client(self.srv)
        make_users(admin, {"com": ("commission", 1)})
        com = self.srv.client()
        com.login("com", bearer=True)
        admin.post("/api/initiatives/1/transition", {"event": "submit"})
        com.post("/api/initiatives/1/decision", {"decision": "admit", "reasons": "ok"})
        admin.post("/api/initiatives/1/transition", {"event": "open"})
        self.c = KeepAlive(self.srv.port)
        self.signed = [f"signed{i}@example.org" for i in range(SIGNED)]
        for a in self.signed:
            self.ask(a)
        tokens = self.links()
        for t in tokens:
            st = self.c.post("/api/initiatives/1/confirm", {"token": t})
            if st != 201:
                raise RuntimeError(f"{tag}: a confirmation answered {st}")
        self.fresh = 0
        self.asked = []  # (time, address) of the new addresses asked, oldest first
        for _ in range(20):  # a first few asked lately
            self.ask(self.new_address(), new=True)
        self.kinds = []  # the kind of every measured request, in order
        self.client_us = []

    def links(self):
        """The links of the SIGNED first mails: from the relay, else from the
        outbox (no relay: every mail waits there)."""
        if not SMTP:
            bodies = store_query(self.srv.db, "SELECT body FROM mail_outbox WHERE state = 'waiting'")
            return [re.search(r"token=([0-9a-f]{64})", b).group(1) for (b,) in bodies]
        end = time.time() + 60
        while len(self.sink.tokens) < SIGNED and time.time() < end:
            time.sleep(0.05)
        return list(self.sink.tokens)

    def stop(self):
        self.srv.stop()
        if self.sink:
            self.sink.controller.stop()

    def new_address(self):
        self.fresh += 1
        return f"new{self.fresh}@example.org"

    def ask(self, address, new=False):
        t0 = time.perf_counter()
        st = self.c.post("/api/initiatives/1/mail", {"name": "Nom", "given": "Prénom", "birth": "1980-01-01",
                                                     "commune": "Amiens", "email": address})
        t1 = time.perf_counter()
        if st != 202:
            raise RuntimeError(f"{self.tag}: asking for {address} answered {st}")
        if new:
            self.asked.append((time.time(), address))
        return (t1 - t0) * 1e6

    def measure(self, kind):
        if kind == "new":
            address = self.new_address()
        elif kind == "signed":
            address = random.choice(self.signed)
        else:
            now = time.time()
            while now - self.asked[0][0] > RECENT_WINDOW:
                self.asked.pop(0)
            address = random.choice(self.asked)[1]
        self.kinds.append(kind)
        self.client_us.append(self.ask(address, new=kind == "new"))

    def server_us(self):
        """The server's time of each measured request, from its access log (read
        once it stopped: every line written), in order."""
        lines = [e for e in self.srv.access_log() if e.get("path") == "/api/initiatives/1/mail"]
        lines = lines[-len(self.kinds):]
        return [float(e["ms"]) * 1000 for e in lines]


def accuracy(xs, ys):
    """Held-out accuracy of the best threshold between samples xs and ys: the
    threshold (and its side) chosen on the even-indexed ones by a sweep over
    them sorted, counted on the odd, each kind weighing one half."""
    tx, ty, vx, vy = xs[0::2], ys[0::2], xs[1::2], ys[1::2]
    if not tx or not ty or not vx or not vy:
        return 0.5
    events = sorted([(v, 0) for v in tx] + [(v, 1) for v in ty])
    nx = ny = 0  # xs and ys at or below the cut
    best, at, below = -1.0, events[0][0] - 1, True
    for i, (v, k) in enumerate(events):
        nx += k == 0
        ny += k == 1
        if i + 1 < len(events) and events[i + 1][0] == v:
            continue
        t = v if i + 1 == len(events) else (v + events[i + 1][0]) / 2
        a = (nx / len(tx) + (len(ty) - ny) / len(ty)) / 2
        for score, side in ((a, True), (1 - a, False)):
            if score > best:
                best, at, below = score, t, side
    a = (sum(v <= at for v in vx) / len(vx) + sum(v > at for v in vy) / len(vy)) / 2
    return a if below else 1 - a


def groups(xs, k):
    return [statistics.median(xs[i:i + k]) for i in range(0, len(xs) - k + 1, k)]


def report(t, measure, us):
    by = {k: [v for kk, v in zip(t.kinds, us) if kk == k] for k in KINDS}
    med = {k: statistics.median(by[k]) for k in KINDS}
    acc = {
        "signed_new": accuracy(by["signed"], by["new"]),
        "recent_new": accuracy(by["recent"], by["new"]),
        "signed_recent": accuracy(by["signed"], by["recent"]),
        "signed_recent_10": accuracy(groups(by["signed"], 10), groups(by["recent"], 10)),
    }
    q = {k: statistics.quantiles(by[k], n=20) for k in KINDS}
    print(f"bench: {t.tag} ({t.binary}), {measure} time: " +
          ", ".join(f"{k} median {med[k]:.0f} µs (5-95 %: {q[k][0]:.0f}-{q[k][-1]:.0f}, n={len(by[k])})"
                    for k in KINDS) +
          "; one request's kind guessed: " + ", ".join(f"{k} {100 * v:.1f} %" for k, v in acc.items()),
          file=sys.stderr, flush=True)
    fields = {f"{measure}_median_{k}": f"{med[k]:.0f}" for k in KINDS}
    fields.update({f"{measure}_acc_{k}": f"{100 * v:.1f}" for k, v in acc.items()})
    return fields


def main():
    os.makedirs(out, exist_ok=True)
    targets = []
    try:
        for i, b in enumerate(bins):
            targets.append(Target(b, f"binary{i + 1}"))
            targets[-1].setup()
        t0 = time.time()
        for step in range(steps):
            order = list(targets)
            random.shuffle(order)
            for t in order:
                kinds = list(KINDS)
                random.shuffle(kinds)
                for k in kinds:
                    t.measure(k)
        took = time.time() - t0
    finally:
        for t in targets:
            t.stop()
    print(f"bench: {steps} steps of 3 requests a server, {len(targets)} server(s), "
          f"{'a relay on loopback' if SMTP else 'no relay'}, {took:.1f} s; "
          f"load {' '.join(f'{x:.2f}' for x in os.getloadavg())}", file=sys.stderr)
    for t in targets:
        server = t.server_us()
        if len(server) != len(t.kinds):
            raise RuntimeError(f"{t.tag}: {len(server)} lines in the access log for {len(t.kinds)} requests")
        with open(os.path.join(out, f"{t.tag}.csv"), "w") as f:
            f.write("kind,client_us,server_us\n")
            for k, c, s in zip(t.kinds, t.client_us, server):
                f.write(f"{k},{c:.1f},{s:.1f}\n")
        fields = {"binary": t.binary}
        fields.update(report(t, "client", t.client_us))
        fields.update(report(t, "server", server))
        print(" ".join(f"{k}={v}" for k, v in fields.items()), flush=True)


main()
