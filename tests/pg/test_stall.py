"""A PostgreSQL that stops answering without closing its connections (issue 17; run
by tests/pg/run.sh, which starts the throwaway cluster and sets URNE_TEST_DB_URL).
Every process of the cluster is stopped (SIGSTOP: to urne, a frozen server or a
host behind a cut that drops packets) under a server whose deadline is 2 s
(URNE_PG_TIMEOUT=2), while a secretary enters sheets one after another:

- the server's connections name themselves "urne" to PostgreSQL (libpq's
  fallback_application_name, set with urne's keepalive defaults);
- the requests that need the database answer 503 with Retry-After instead of
  waiting for ever: the entries of the stream, a login, an entry; an anonymous
  page answers too (from memory, or 503), the server holding no request on its
  lock longer than the deadline;
- the log says once that PostgreSQL did not answer within 2 s, with its time;
- once the cluster goes on (SIGCONT), without restarting urne: requests succeed
  again, the log says the connection is open again;
- the entry whose COMMIT was sent before the stop and whose answer never came
  (its fate unknown to urne: the frozen server ran it when it woke) is not lost
  between memory and the database: every bureau the server shows entered is
  entered in the database and the other way round, every entry acknowledged
  (200) is in the database, and `urne audit verify` finds the chain intact;
- a URNE_PG_TIMEOUT that is not a number of seconds (0 to 3600) is refused at start.

No speed is asserted: the client's own timeout (60 s) only makes a server that
hangs fail the test instead of holding it."""
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.parse

sys.path.insert(0, os.path.join(sys.argv[2] if len(sys.argv) > 2 else ".", "tests", "server"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib import *  # noqa: E402,F403
from multi import *  # noqa: E402,F403

require_db()
CLUSTER = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(TEST_DB_URL).query))["host"]
N = 400  # bureaux: more than the stream can enter

os.environ["URNE_PG_TIMEOUT"] = "2"  # the server's deadline; the commands run here set none


# The line app/watch.c writes when the watch's connection meets the deadline.
WATCH_LOST = (r"did not answer within 2 s; the connection is closed; the other servers' changes are not heard until "
              r"it is open again")

def cluster_pids():
    """The postmaster's pid and its children's (the sessions, the background workers)."""
    with open(os.path.join(CLUSTER, "data", "postmaster.pid")) as f:
        main = int(f.readline())
    kids = subprocess.run(["pgrep", "-P", str(main)], capture_output=True, text=True).stdout.split()
    return [main] + [int(k) for k in kids]


def signal_all(pids, sig):
    for pid in pids:
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            pass


srv = Server()
admin_db(srv)
town_election(srv, "Stall", N, 100)
srv.start()
log = os.path.join(srv.dir, "server.log")
acked, answers, stop = [], [], threading.Event()


def stream():
    """Sheets entered one after another until stopped, as a secretary would: a
    sheet answered 503 is sent again a moment later. (bureau, status) each."""
    i = 0
    while i < N - 1 and not stop.is_set():
        st, _ = sec.post(f"/api/elections/1/bureaux/{i}/sheet", sheet_for(i))
        answers.append((i, st))
        if st == 503:
            time.sleep(0.1)
            continue
        if st == 200:
            acked.append(i)
        i += 1


try:
    admin = admin_client(srv)
    make_users(admin, {"sec": ("secretary", 1)})
    st, _ = admin.post("/api/assignments", {"user": "sec", "election": 1, "first": 0, "last": N - 1})
    check(st == 200, "assign every bureau")
    sec, entry = srv.client(), srv.client()
    check(sec.login("sec", bearer=True)[0] == 200, "sec logs in")
    check(entry.login("sec", bearer=True)[0] == 200, "sec logs in a second time (the entry sent meanwhile)")
    named = store_query(srv.db, "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'urne' AND"
                                " datname = current_database()")
    check(int(named[0][0]) >= 2, f"the server's connections (its store's, its watch's) name urne to PostgreSQL: {named}")
    writer = threading.Thread(target=stream, daemon=True)
    writer.start()
    check(poll(lambda: len(acked) >= 20, 30), f"the stream of entries runs: {answers[-3:]}")

    pids = cluster_pids()
    signal_all(pids, signal.SIGSTOP)
    try:
        stopped_at = len(answers)
        check(poll(lambda: any(st == 503 for _, st in answers[stopped_at:]), 40),
              f"an entry of the stream sent while the database is stopped: 503: {answers[stopped_at:]}")
        c = srv.client()
        st, d = c.login("sec")
        check(st == 503 and c.last_headers.get("retry-after"), f"a login meanwhile: 503 with Retry-After: {st} {d}")
        st, d = entry.post(f"/api/elections/1/bureaux/{N - 1}/sheet", sheet_for(N - 1))
        check(st == 503 and entry.last_headers.get("retry-after"), f"an entry meanwhile: 503 with Retry-After: {st} {d}")
        public = srv.client()
        st, _ = public.get("/api/elections/1?lang=fr")
        check(st in (200, 503), f"an anonymous page never asked before answers (from memory, or 503): {st}")
        check(srv.proc.poll() is None, "the server is still running")
        said = open(log).read()
        lost = [l for l in said.splitlines() if "did not answer within 2 s" in l and "until it answers" in l]
        check(len(lost) == 1 and re.match(r"urne: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ ", lost[0]),
              f"the log says once, with its time, that PostgreSQL did not answer: {said}")
        # The watch's own line (app/watch.c), whichever of its round trips met the deadline: its
        # read of the log (every second), or its announcement of the sheets entered here. Held
        # frozen until it comes, so that a quick run does not thaw the database first.
        check(poll(lambda: re.search(WATCH_LOST, open(log).read()) is not None, 30),
              f"the watch's connection given up on too: {open(log).read()}")
    finally:
        signal_all(reversed(pids), signal.SIGCONT)
    back = poll(lambda: srv.client().login("sec")[0] == 200, 40)
    check(back, "once the database goes on, requests succeed again without a restart")
    time.sleep(1)  # a few entries of the stream land after the return
    stop.set()
    writer.join(70)
    check(not writer.is_alive(), "the stream of entries ended")
    check(any(st == 200 for i, st in answers[stopped_at:]), f"the stream's entries land again: {answers[-3:]}")
    st, d = entry.post(f"/api/elections/1/bureaux/{N - 1}/sheet", sheet_for(N - 1))
    check(st == 200, f"the entry refused meanwhile, sent again, lands: {st} {d}")
    said = open(log).read()
    check("it is open again" in said, f"the log says the connection is open again: {said}")

    def agree():
        """Bureaux entered in the database and in the server's memory: the same."""
        stored = {int(r[0]) for r in store_query(srv.db, "SELECT idx FROM bureaux WHERE election_id = 1 AND"
                                                         " state = 'entered'")}
        shown = {i for i in range(N) if bureau_state(sec, i) == "entered"}
        return stored == shown, stored, shown

    def bureau_state(client, i):
        st, d = client.get(f"/api/elections/1/bureaux/{i}")
        return d.get("state") if st == 200 else None

    same = poll(lambda: agree()[0], 30, 0.5)
    ok, stored, shown = agree()
    check(ok, f"memory and the database agree on the bureaux entered: only stored {sorted(stored - shown)}, "
              f"only shown {sorted(shown - stored)}")
    check(set(acked) <= stored, f"every entry acknowledged is stored: missing {sorted(set(acked) - stored)}")
    doubt = sorted({i for i, st in answers if st == 503 and i in stored})
    print(f"entries answered 503 and yet committed by the frozen server when it woke: {doubt}; the answers to "
          f"them sent again: {[(i, st) for i, st in answers if i in doubt and st != 503]}")
    said = open(log).read()
    check(not doubt or "a commit's answer was lost with it: every election is reloaded" in said,
          f"an entry whose COMMIT's answer was lost has the server reload every election: {said}")
    check("the session that did not answer is ended" in said, f"the session left behind is ended: {said}")
finally:
    stop.set()
    check(srv.stop() == 0, "the server stops cleanly")
p = run("audit", "verify", "--db", srv.db, ok=False)
check(p.returncode == 0, f"urne audit verify: the chain is intact: {p.stdout} {p.stderr}")
lines = [l for l in open(log).read().splitlines() if l.strip()]
check(all(l.startswith("urne: ") for l in lines), f"every line on standard error is urne's own: {lines}")
print("\n".join(lines))

# A deadline that is not a number of seconds: `urne serve` refuses to start, saying so.
for bad in ("abc", "-1", "3601", "2s"):
    p = subprocess.run([URNE, "serve", "--db", srv.db, "--listen", f"127.0.0.1:{free_port()}"], capture_output=True,
                       text=True, timeout=60, env=dict(os.environ, URNE_PG_TIMEOUT=bad))
    check(p.returncode == 1 and "URNE_PG_TIMEOUT: not a number of seconds from 0 to 3600" in p.stderr,
          f"URNE_PG_TIMEOUT={bad}: refused: {p.returncode} {p.stderr}")
done()
