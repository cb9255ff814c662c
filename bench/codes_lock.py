"""How long making one-time codes over the API holds the application (issue 18):
POST /api/initiatives/1/codes with count=N on a fresh store (SQLite, or
PostgreSQL with URNE_TEST_DB_URL), while a public client reads
GET /api/initiatives/1 in a loop; prints the request's time, the reads made
meanwhile and their longest wait (what the lock held them: one batch of codes
now, the whole generation before), and the server's peak RSS.

    python3 bench/codes_lock.py BUILD/urne SOURCE_DIR [N]
"""
import os
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "server"))
from lib import *  # noqa: E402

N = int(sys.argv[3]) if len(sys.argv) > 3 else 100000
srv = Server()
admin_db(srv)
key = run("initiative", "keygen", "--secret-key", os.path.join(srv.dir, "k")).stdout.strip()
rules = os.path.join(srv.dir, "rules.txt")
open(rules, "w").write("preset = local-petition\nnational = 3\nopens = 2020-01-01\ncloses = 2099-01-01\n")
run("initiative", "create", "--db", srv.db, "--user", "admin", "--title", "Bench", "--rules", rules,
    "--authority-key", key)
srv.start()
try:
    admin = admin_client(srv)
    reads, starts, stop = [], [], threading.Event()

    def reader():
        while not stop.is_set():
            t = time.monotonic()
            try:
                srv.client().get("/api/initiatives/1")  # a new connection each time: none is closed idle
            except OSError:
                continue
            reads.append(time.monotonic() - t)
            starts.append(t)
            time.sleep(0.005)

    th = threading.Thread(target=reader)
    th.start()
    time.sleep(0.3)
    t0 = time.monotonic()
    st, text = admin.post("/api/initiatives/1/codes", {"count": str(N), "territory": "Somme"})
    took = time.monotonic() - t0
    stop.set()
    th.join()
    rss = srv.rss_kb()
finally:
    srv.stop()
lines = len(text.splitlines()) if isinstance(text, str) else 0
print(f"codes request {took:.2f} s (status {st}, {lines - 1} codes answered)")
print(f"public reads meanwhile: {len(reads)}, longest {max(reads) * 1000:.1f} ms, "
      f"median {sorted(reads)[len(reads) // 2] * 1000:.1f} ms")
if os.environ.get("CODES_LOCK_TRACE"):
    for t, r in zip(starts, reads):
        if r > 0.05:
            print(f"  read at {t - t0:+.2f} s waited {r * 1000:.0f} ms")
print(f"server peak RSS {rss / 1024:.0f} MB; load {os.getloadavg()[0]:.1f}")
