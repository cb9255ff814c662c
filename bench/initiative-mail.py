"""The cost of e-mail confirmation (issue 18's lighter petitions) on one server:
N requests over the API (each a pending row and a mail in the outbox, one
transaction), the sender delivering them to a real SMTP sink (aiosmtpd) on
loopback, then N confirmations. Figures: CPU of the server per request and per
confirmation (utime + stime from /proc/PID/stat, which the shared machine's
load does not inflate as it does wall time), the wall time until the last mail
arrived, and the load average with them. Each client keeps its connection open.

    python3 bench/initiative-mail.py URNE SOURCE_DIR [N]     (URNE_TEST_DB_URL: on PostgreSQL)

With BENCH_NO_SMTP=1 the server has no relay: the requests alone (their mails wait),
to tell their cost from the sender's.
"""
import os
import re
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "server"))
try:
    from aiosmtpd.controller import Controller
except ImportError:
    sys.path.append("/usr/lib/python3/dist-packages")
    from aiosmtpd.controller import Controller
from lib import *

N = int(sys.argv[3]) if len(sys.argv) > 3 else 1000
CLIENTS = 8


class Sink:
    def __init__(self, port):
        self.tokens = []
        self.controller = Controller(self, hostname="127.0.0.1", port=port)

    async def handle_DATA(self, server, session, envelope):
        import email
        body = email.message_from_bytes(envelope.content).get_payload(decode=True).decode()
        self.tokens.append(re.search(r"token=([0-9a-f]{64})", body).group(1))
        return "250 OK"


def cpu(pid):
    f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")


def spread(fn):
    threads = [threading.Thread(target=fn, args=(k,)) for k in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


port = free_port()
sink = Sink(port)
sink.controller.start()
NO_SMTP = os.environ.get("BENCH_NO_SMTP") == "1"
srv = Server(args=(["--smtp", f"smtp://127.0.0.1:{port}"] if not NO_SMTP else []) + ["--access-log", "none"]
             + ["--mail-per-address", "0", "--mail-per-network", "0"])  # one client asks them all
admin_db(srv)
key = run("initiative", "keygen", "--secret-key", os.path.join(srv.dir, "a.key")).stdout.strip()
rules = os.path.join(srv.dir, "rules.txt")
open(rules, "w").write("preset = local-petition\nidentity = email\nnational = 1000000\nopens = 2020-01-01\n"
                       "closes = 2099-01-01\nstop-at-threshold = no\nage-min = 0\n")
run("initiative", "create", "--db", srv.db, "--user", "admin", "--title", "Bench", "--rules", rules,
    "--authority-key", key)
srv.start()
try:
    admin = admin_client(srv)
    make_users(admin, {"com": ("commission", 1)})
    com = srv.client()
    com.login("com", bearer=True)
    admin.post("/api/initiatives/1/transition", {"event": "submit"})
    com.post("/api/initiatives/1/decision", {"decision": "admit", "reasons": "ok"})
    admin.post("/api/initiatives/1/transition", {"event": "open"})
    bad = []

    def ask(k):
        c = KeepAlive(srv.port)
        for i in range(k, N, CLIENTS):
            st = c.post("/api/initiatives/1/mail", {"name": "Nom", "given": "Prénom", "commune": "Amiens",
                                                    "email": f"signer{i}@example.org"})
            if st != 202:
                bad.append(st)

    c0, t0 = cpu(srv.proc.pid), time.time()
    spread(ask)
    c1, t1 = cpu(srv.proc.pid), time.time()
    while not NO_SMTP and len(sink.tokens) < N and time.time() - t1 < 600:
        time.sleep(0.05)
    c2, t2 = cpu(srv.proc.pid), time.time()
    tokens = list(sink.tokens)

    def confirm(k):
        c = KeepAlive(srv.port)
        for i in range(k, len(tokens), CLIENTS):
            st = c.post("/api/initiatives/1/confirm", {"token": tokens[i]})
            if st != 201:
                bad.append(st)

    spread(confirm)
    c3, t3 = cpu(srv.proc.pid), time.time()
    load = open("/proc/loadavg").read().split()[:3]
    print(f"store: {'PostgreSQL' if TEST_DB_URL else 'SQLite'}; {N} requests, {CLIENTS} clients; load {' '.join(load)}")
    print(f"requests: {N / (t1 - t0):.0f}/s wall, server CPU {1e6 * (c1 - c0) / N:.0f} us each")
    print(f"mails: the last arrived {t2 - t0:.1f} s after the first request ({len(tokens)} received); "
          f"sender's CPU after the requests {1e6 * (c2 - c1) / max(1, len(tokens)):.0f} us a mail")
    print(f"confirmations: {len(tokens) / (t3 - t2):.0f}/s wall, server CPU {1e6 * (c3 - c2) / max(1, len(tokens)):.0f} us each")
    print(f"refused or failed: {len(bad)}")
finally:
    srv.stop()
    sink.controller.stop()
