"""CPU per entry of `urne serve` on PostgreSQL, URNE_PG_TIMEOUT=0 (libpq's own wait,
as before the deadline) against 10 (poll(2) on the socket): runs alternated
(bench/RESULTS.md, "a deadline on every answer awaited from PostgreSQL").

    URNE_TEST_DB_URL=postgresql://... python3 bench/pg_deadline.py URNE SOURCE [ENTRIES [ROUNDS [strace]]]

With "strace", the server's system calls are counted (strace -c -f) during the
entries, and printed per entry."""
import os, sys, time, subprocess
N = int(sys.argv[3]) if len(sys.argv) > 3 else 600
ROUNDS = int(sys.argv[4]) if len(sys.argv) > 4 else 1
STRACE = len(sys.argv) > 5 and sys.argv[5] == "strace"
sys.argv = [sys.argv[0], sys.argv[1], sys.argv[2]]
sys.path.insert(0, os.path.join(sys.argv[2], "tests", "server"))
sys.path.insert(0, os.path.join(sys.argv[2], "tests", "pg"))
from lib import *
from multi import *
def cpu(pid):
    f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")
res = {"0": [], "10": []}
for rnd in range(ROUNDS):
    for t in ("0", "10"):
        os.environ["URNE_PG_TIMEOUT"] = t
        srv = Server(); admin_db(srv); town_election(srv, "B", N, 100); srv.start()
        admin = admin_client(srv)
        make_users(admin, {"sec": ("secretary", 1)})
        admin.post("/api/assignments", {"user": "sec", "election": 1, "first": 0, "last": N - 1})
        sec = srv.client(); sec.login("sec", bearer=True)
        sec.post("/api/elections/1/bureaux/0/sheet", sheet_for(0))
        perf = STRACE and subprocess.Popen(["strace", "-c", "-f", "-p", str(srv.proc.pid)], stderr=subprocess.PIPE,
                                           text=True)
        time.sleep(0.3)
        c0 = cpu(srv.proc.pid); w0 = time.monotonic()
        for i in range(1, N):
            st, _ = sec.post(f"/api/elections/1/bureaux/{i}/sheet", sheet_for(i))
            assert st == 200, st
        c1 = cpu(srv.proc.pid); w1 = time.monotonic()
        out = ""
        if perf:
            perf.send_signal(2)
            out = perf.communicate()[1]
        ins = {}
        for l in out.splitlines():
            f = l.split()
            if len(f) >= 5 and f[0][0].isdigit() and f[-1] != "total":
                ins[f[-1]] = int(f[3])
        print({k: round(v / (N - 1), 2) for k, v in sorted(ins.items()) if v >= N // 2})
        srv.stop()
        res[t].append(((c1 - c0) / (N - 1) * 1e6, (w1 - w0) / (N - 1) * 1e6, sum(ins.values()) / (N - 1)))
        print(t, res[t][-1], os.getloadavg(), flush=True)
for t, v in res.items():
    print(f"URNE_PG_TIMEOUT={t}: CPU/entry us {[round(a) for a, _, _ in v]}, wall/entry us {[round(b) for _, b, _ in v]}, "
          f"syscalls/entry (whole server, under strace) {[round(c) for _, _, c in v]}")
