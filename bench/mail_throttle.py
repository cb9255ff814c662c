"""CPU of `urne serve` per POST /api/initiatives/1/mail (SQLite, no relay), each
request from its own /24 (so that the throttle never refuses), for the binaries
given, alternated (mail18b: the mail throttle and the purge thread cost nothing
measurable). Usage: python3 bench/mail_throttle.py SRC N ROUNDS URNE...
The request is sent from 127.X.Y.1: Linux answers the whole 127/8 on loopback."""
import os, sys, time
src, n, rounds, bins = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4:]
sys.argv = [sys.argv[0], bins[0], src]
sys.path.insert(0, os.path.join(src, "tests/server"))
import lib
from lib import *

RULES = ("preset = local-petition\nidentity = email\nnational = 3\nopens = 2020-01-01\ncloses = 2099-01-01\n"
         "stop-at-threshold = no\n")

def cpu(pid):
    f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")

def one(binary):
    lib.URNE = binary
    srv = Server()
    admin_db(srv)
    key = run("initiative", "keygen", "--secret-key", os.path.join(srv.dir, "a.key")).stdout.strip()
    rules = os.path.join(srv.dir, "rules.txt")
    open(rules, "w").write(RULES)
    run("initiative", "create", "--db", srv.db, "--user", "admin", "--title", "Bench", "--rules", rules,
        "--authority-key", key)
    srv.start()
    try:
        admin = admin_client(srv)
        admin.post("/api/initiatives/1/transition", {"event": "submit"})
        make_users(admin, {"com": ("commission", 1)})
        com = srv.client(); com.login("com", bearer=True)
        com.post("/api/initiatives/1/decision", {"decision": "admit", "reasons": "ok"})
        admin.post("/api/initiatives/1/transition", {"event": "open"})
        clients = [srv.client(source=f"127.{1 + i // 250}.{i % 250}.1") for i in range(n)]
        c0 = cpu(srv.proc.pid); t0 = time.time()
        bad = 0
        for i, c in enumerate(clients):
            st, _ = c.post("/api/initiatives/1/mail", {"name": "Nom", "given": "Un", "birth": "1980-01-01", "commune": "Amiens",
                                                       "email": f"b{i}@example.org"})
            bad += st != 202
        c1 = cpu(srv.proc.pid); t1 = time.time()
        return (c1 - c0) / n * 1e6, (t1 - t0) / n * 1e6, bad
    finally:
        srv.stop()

for r in range(rounds):
    for b in bins:
        us, wall, bad = one(b)
        print(f"round {r} {b}: {us:.0f} us CPU/request, {wall:.0f} us wall/request, {bad} not 202, load {os.getloadavg()[0]:.2f}", flush=True)
