"""Sheets entered through one server are announced to the others at most once per
window (run by tests/pg/run.sh, which starts the throwaway cluster and sets
URNE_TEST_DB_URL).

An entry commits with no notification of its own; the server's watch announces
the sheets it entered on the channel urne_log, at once when its last announcement
is a window old (50 ms), else when the window ends; a server that hears it reads
the sheets entered since from the audit log, with their records, as notifications
used to carry them (store/pg_watch.c). A server also reads the log once a second
when it heard nothing, so that the sheets a server committed and could not
announce (killed within its window) reach the others all the same. Here A's
window is 60 s (URNE_PG_ANNOUNCE_MS), so that what is asserted rests on no timing:

- a burst of entries through A is one announcement (a listener of the test's own
  counts those on urne_log: the burst's first entry's), and B shows every entry
  of the burst all the same, from the log (what the others hear within a second);
- A killed (-9) with entries acknowledged and not announced: B shows them;
- B, with the default window, reaches a server started after (C) the same way;
- `urne audit verify` finds the chain intact and the rows as its log says.

Every wait is a poll with a deadline of some seconds: what is asserted is what
the servers end up showing, not how fast."""
import os
import shutil
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(sys.argv[2] if len(sys.argv) > 2 else ".", "tests", "server"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib import *  # noqa: E402,F403
from multi import *  # noqa: E402,F403

require_db()
poll_defaults(10.0, 0.02)

N = 60  # bureaux


def shows(client, bureaux):
    return all(votes_on(client, i) == sheet_for(i)["votes"] for i in bureaux)


def listener(db):
    """A psql session listening on urne_log; ended by heard(), which returns the
    payloads of the notifications it got."""
    p = subprocess.Popen(["psql", "-X", "-q", "-At", db], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, text=True)
    p.stdin.write("LISTEN urne_log;\nSELECT 'listening';\n")
    p.stdin.flush()
    check(p.stdout.readline().strip() == "listening", "the test's listener listens")
    return p


def heard(p):
    out, _ = p.communicate("SELECT 'done';\n", timeout=30)
    return [line for line in out.splitlines() if line.startswith('Asynchronous notification "urne_log"')]


a = Server()
admin_db(a)
town_election(a, "Announced in windows", N, 10)
os.environ["URNE_PG_ANNOUNCE_MS"] = "60000"
a.start()
del os.environ["URNE_PG_ANNOUNCE_MS"]
b = Server(db=a.db).start()
c = None
try:
    admin = admin_client(a)
    make_users(admin, {"sec": ("secretary", 1)})
    check(admin.post("/api/assignments", {"user": "sec", "election": 1, "first": 0, "last": N - 1})[0] == 200,
          "assign every bureau")
    sec_a, sec_b = a.client(), b.client()
    check(sec_a.login("sec", bearer=True)[0] == 200 and sec_b.login("sec", bearer=True)[0] == 200,
          "the secretary logs in on both")

    # 1. A burst through A: one announcement, every entry seen by B.
    lst = listener(a.db)
    burst = range(0, 20)
    for i in burst:
        check(sec_a.post(f"/api/elections/1/bureaux/{i}/sheet", sheet_for(i))[0] == 200, f"entry {i} on A")
    check(poll(lambda: shows(sec_b, burst)), "B shows every entry of A's burst")
    got = heard(lst)
    check(len(got) == 1, f"A's burst of {len(burst)} entries was announced once in its window: {got}")

    # 2. A killed with entries acknowledged, not announced (its window runs): B has them.
    late = range(20, 30)
    for i in late:
        check(sec_a.post(f"/api/elections/1/bureaux/{i}/sheet", sheet_for(i))[0] == 200, f"entry {i} on A")
    a.stop(signal.SIGKILL)
    check(poll(lambda: shows(sec_b, late)), "B shows the entries A acknowledged and never announced")

    # 3. B's entries (the default window) reach C, a server started after.
    c = Server(db=a.db).start()
    sec_c = c.client()
    check(sec_c.login("sec", bearer=True)[0] == 200, "the secretary logs in on C")
    rest = range(30, N)
    for i in rest:
        check(sec_b.post(f"/api/elections/1/bureaux/{i}/sheet", sheet_for(i))[0] == 200, f"entry {i} on B")
    check(poll(lambda: shows(sec_c, rest)), "C shows every entry made through B")
    check(poll(lambda: shows(sec_c, range(0, 30))), "C shows A's entries (read at its start)")

    p = subprocess.run([URNE, "audit", "verify", "--db", a.db], capture_output=True, text=True)
    check(p.returncode == 0 and "intact" in p.stdout, f"the audit chain is intact: {p.stdout} {p.stderr}")
finally:
    a.stop()  # killed above, unless a failure came first
    check(b.stop() == 0, "B stops cleanly")
    if c:
        check(c.stop() == 0, "C stops cleanly")
if not failures:
    for s in (a, b, c):
        shutil.rmtree(s.dir, ignore_errors=True)
done()
