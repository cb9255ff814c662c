"""Crash safety: kill -9 the server in the middle of a stream of entries. On
restart every acknowledged entry is there, and the audit chain verifies."""
import os
import signal
import threading
import time

from lib import *

N = 3000
srv = Server()
admin_db(srv)
native = os.path.join(srv.dir, "town.csv")
with open(native, "w") as f:
    f.write("# election: Crash test\n# levels: commune, bureau\n")
    f.write("commune;bureau;inscrits;votants;blancs;nuls;exprimes;A;B\n")
    for i in range(N):
        f.write(f"T{i // 100};{i};1000;;;;;;\n")
run("election", "import", "--db", srv.db, native)
srv.start()
admin = srv.client()
admin.login("admin", bearer=True)
make_users(admin, {"sec": ("secretary", 1)})
st, _ = admin.post("/api/assignments", {"user": "sec", "election": 1, "first": 0, "last": N - 1})
check(st == 200, "assign every bureau")

acked = []
stop = threading.Event()


def stream():
    c = srv.client()
    c.login("sec", bearer=True)
    for i in range(N):
        if stop.is_set():
            return
        sheet = {"inscrits": 1000, "votants": 500 + i % 100, "blancs": 1, "nuls": 1,
                 "votes": [300, 198 + i % 100]}
        try:
            st, d = c.post(f"/api/elections/1/bureaux/{i}/sheet", sheet)
        except OSError:
            return  # the server died under us: this entry was not acknowledged
        if st == 200:
            acked.append((i, sheet))


t = threading.Thread(target=stream)
t.start()
deadline = time.time() + 60
while len(acked) < 300 and time.time() < deadline and t.is_alive():
    time.sleep(0.01)
srv.proc.send_signal(signal.SIGKILL)  # in the middle of the stream
srv.proc.wait()
stop.set()
t.join()
print(f"{len(acked)} entries acknowledged before kill -9")
check(300 <= len(acked) < N, f"the kill came mid-stream ({len(acked)} of {N})")

srv.start()
c = srv.client()
c.login("admin", bearer=True)
missing = 0
for i, sheet in acked:
    st, d = c.get(f"/api/elections/1/bureaux/{i}")
    if st != 200 or d["state"] != "entered" or d["figures"]["votes"] != sheet["votes"]:
        missing += 1
check(missing == 0, f"every acknowledged entry survived ({missing} lost)")
st, d = c.get("/api/elections/1")
counted = d["sheets"].get("entered", 0)
check(counted in (len(acked), len(acked) + 1), f"entered after restart: {counted}, acknowledged {len(acked)}")
sec = srv.client()
sec.login("sec", bearer=True)
st, d = sec.post("/api/elections/1/bureaux/%d/sheet" % (N - 1),
                 {"inscrits": 1000, "votants": 3, "blancs": 1, "nuls": 0, "votes": [1, 1]})
check(st == 200 and d["state"] == "entered", f"the restarted server takes entries: {st} {d}")
check(srv.stop() == 0, "clean stop after restart")
p = run("audit", "verify", "--db", srv.db, ok=False)
check(p.returncode == 0, f"audit chain verifies after the crash: {p.stdout}{p.stderr}")
done()
