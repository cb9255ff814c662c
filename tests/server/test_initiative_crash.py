"""Crash safety of the initiatives' signatures: kill -9 the server in the middle
of a stream of signatures. On restart every acknowledged signature is there (its
receipt checks and is counted), the counts rebuilt from the rows equal a recount
and are between the acknowledged and the attempted, and the audit chain
verifies."""
import signal
import threading
import time

from lib import *

N = 2000
srv = Server()
admin_db(srv)
srv.start()
admin = admin_client(srv)
open_initiative(admin, "Crash", "".join(
    f"Nom{chr(65 + i % 26)}{chr(65 + i // 26 % 26)}{chr(65 + i // 676)},Jean,1970-01-01,Ville,T{i % 7}\n"
    for i in range(N)), N)

acked = []
stop = threading.Event()


def stream():
    c = srv.client()
    for i in range(N):
        if stop.is_set():
            return
        name = f"Nom{chr(65 + i % 26)}{chr(65 + i // 26 % 26)}{chr(65 + i // 676)}"
        try:
            st, d = c.post("/api/initiatives/1/signatures",
                           {"name": name, "given": "Jean", "birth": "1970-01-01", "commune": "Ville"})
        except OSError:
            return  # the server died under us: this one was not acknowledged
        if st == 201:
            acked.append(d["receipt"])


t = threading.Thread(target=stream)
t.start()
deadline = time.time() + 120
while len(acked) < 200 and time.time() < deadline and t.is_alive():
    time.sleep(0.01)
srv.proc.send_signal(signal.SIGKILL)  # in the middle of the stream
srv.proc.wait()
stop.set()
t.join()
print(f"{len(acked)} signatures acknowledged before kill -9")
check(200 <= len(acked) < N, f"the kill came mid-stream ({len(acked)} of {N})")

srv.start()
try:
    c = srv.client()
    lost = [r for r in acked if c.post("/api/initiatives/1/receipt", {"code": r})[1].get("counted") is not True]
    check(not lost, f"every acknowledged signature survived ({len(lost)} lost)")
    st, d = c.get("/api/initiatives/1")
    counted = d["signatures"]
    check(counted in (len(acked), len(acked) + 1), f"counted after restart: {counted}, acknowledged {len(acked)}")
    check(sum(x["signatures"] for x in d["territories"]) == counted, f"the territories sum to the count: {d}")
finally:
    check(srv.stop() == 0, "clean stop after restart")
p = run("initiative", "recount", "--db", srv.db, "--id", "1")
check(f"{counted} valid signature(s)" in p.stdout, f"a recount from the rows agrees: {p.stdout}")
p = run("initiative", "export", "--db", srv.db, "--id", "1")
check('"burst-address"' in p.stdout, "signatures in a burst from one address are marked for the authority")
p = run("audit", "verify", "--db", srv.db, ok=False)
check(p.returncode == 0, f"audit chain verifies after the crash: {p.stdout}{p.stderr}")
done()
