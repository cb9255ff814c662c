"""Enter N sheets through urne's JSON API as fast as a few secretaries' clients
can: T threads, each with one keep-alive connection and a slice of the bureaux.
Prints the wall time and the rate. Usage: enter_sheets.py PORT ELECTION N T TOKEN"""
import http.client
import json
import sys
import threading
import time

port, election, n, nthreads, token = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
errors = []


def worker(k):
    c = http.client.HTTPConnection("127.0.0.1", port)
    h = {"Content-Type": "application/json", "Authorization": "Bearer " + token}
    for i in range(k, n, nthreads):
        v = [100 + i % 50, 80 + i % 30, 60, 40, 30, 20, 15, 10, 8, 5, 3]
        body = json.dumps({"inscrits": 1500, "votants": sum(v) + 7, "blancs": 5, "nuls": 2, "votes": v})
        c.request("POST", f"/api/elections/{election}/bureaux/{i}/sheet", body=body, headers=h)
        r = c.getresponse()
        r.read()
        if r.status != 200:
            errors.append((i, r.status))


t0 = time.time()
threads = [threading.Thread(target=worker, args=(k,)) for k in range(nthreads)]
for t in threads:
    t.start()
for t in threads:
    t.join()
dt = time.time() - t0
print(f"entry: {n} sheets through the API in {dt:.1f} s ({n / dt:,.0f} sheets/s, {nthreads} clients), "
      f"{len(errors)} refused")
sys.exit(1 if errors else 0)
