"""Enter N sheets through urne's JSON API as a few secretaries' clients would: T
threads, each with one keep-alive connection and a slice of the bureaux. Without
RATE, as fast as they can; with RATE, at RATE sheets a second in all (each thread
keeps to its share of a steady pace), for the figures read while entries stream in.
Prints the wall time and the rate. PORT may be a comma-separated list (several
servers on one database): thread k talks to the (k mod count)-th.
Usage: enter_sheets.py PORT[,PORT...] ELECTION N T TOKEN [RATE]"""
import http.client
import json
import sys
import threading
import time

ports = [int(p) for p in sys.argv[1].split(",")]
election, n, nthreads, token = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
rate = float(sys.argv[6]) if len(sys.argv) > 6 else 0.0
errors = []


def worker(k, t0):
    c = http.client.HTTPConnection("127.0.0.1", ports[k % len(ports)])
    h = {"Content-Type": "application/json", "Authorization": "Bearer " + token}
    for i in range(k, n, nthreads):
        if rate:
            wait = t0 + i / rate - time.time()  # sheet i is due at i / RATE seconds
            if wait > 0:
                time.sleep(wait)
        v = [100 + i % 50, 80 + i % 30, 60, 40, 30, 20, 15, 10, 8, 5, 3]
        body = json.dumps({"inscrits": 1500, "votants": sum(v) + 7, "blancs": 5, "nuls": 2, "votes": v})
        c.request("POST", f"/api/elections/{election}/bureaux/{i}/sheet", body=body, headers=h)
        r = c.getresponse()
        r.read()
        if r.status != 200:
            errors.append((i, r.status))


t0 = time.time()
threads = [threading.Thread(target=worker, args=(k, t0)) for k in range(nthreads)]
for t in threads:
    t.start()
for t in threads:
    t.join()
dt = time.time() - t0
print(f"entry: {n} sheets through the API in {dt:.1f} s ({n / dt:,.0f} sheets/s, {nthreads} clients), "
      f"{len(errors)} refused")
sys.exit(1 if errors else 0)
