"""The database stopped under a running server, as its administrator meets it (run
by tests/pg/run.sh, which starts the throwaway cluster and sets URNE_TEST_DB_URL):

- a login while the database is down, with the right password, is a 503 with
  Retry-After (the API's and the form's), never "wrong user name or password",
  and is not counted as a failure: six tries meanwhile hold nobody back, and the
  same account logs in at once when the database is back;
- the database back but urne's account refused there (a password changed): 503,
  and the log says why the connections cannot be opened again, once each;
- a database host that never answers: `urne serve` and the commands give up after
  urne's default connect_timeout and say so, instead of waiting for ever;
- what the server says on standard error is its own lines, each one line
  beginning with "urne:" (libpq's raw "FATAL: terminating connection..." that
  PostgreSQL sends its sessions as it stops is not printed beside them): the
  connection lost, the listener lost, both open again, each with its time, and
  the lines of return with how long it was out of reach.

tests/pg/test_multi.py stops the cluster under two servers for the other requests
(entries, contests, reads); this one is about logging in and the log."""
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.join(sys.argv[2] if len(sys.argv) > 2 else ".", "tests", "server"))
from lib import *  # noqa: E402,F403

if not TEST_DB_URL:
    print("FAIL: URNE_TEST_DB_URL is not set: run this through tests/pg/run.sh, which starts PostgreSQL")
    sys.exit(1)

CLUSTER = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(TEST_DB_URL).query))["host"]


def cluster(what):
    subprocess.run(["sh", os.path.join(SOURCE, "tests", "pg", "cluster.sh"), what, CLUSTER], check=True)


def poll(fn, seconds=10.0):
    """fn() until it is true or seconds have passed: (whether it was, its last value)."""
    end = time.monotonic() + seconds
    while True:
        v = fn()
        if v or time.monotonic() > end:
            return bool(v), v
        time.sleep(0.05)


srv = federation_server()
log = os.path.join(srv.dir, "server.log")
try:
    admin = srv.client()
    check(admin.login("admin")[0] == 200, "the administrator logs in before the outage")
    cluster("halt")
    try:
        tries = []
        for _ in range(6):
            c = srv.client()
            st, d = c.login("admin")
            tries.append((st, c.last_headers.get("retry-after"), d.get("error") if isinstance(d, dict) else d))
        check(all(st == 503 and retry for st, retry, _ in tries),
              f"a login with the right password while the database is down: 503 with Retry-After: {tries}")
        check(all("cannot be reached" in str(why) and "Wrong" not in str(why) for _, _, why in tries),
              f"it says the database is out of reach, not that the password is wrong: {tries[0][2]}")
        form = srv.client()
        st, page = form.form("/login?lang=en", {"user": "admin", "password": PASSWORD}, csrf=False)
        check(st == 503 and form.last_headers.get("retry-after"), f"the login form meanwhile: {st}")
        check("cannot be reached" in str(page) and "name=password" in str(page),
              "the form is shown again with the reason")
        st, page = form.form("/login?lang=fr", {"user": "admin", "password": PASSWORD}, csrf=False)
        check(st == 503 and "injoignable" in str(page), f"and in French: {st}")
        # A page asked with a session while its session cannot be read: the refusal's
        # page, in the visitor's language with the site's style, not a bare line.
        st, page = admin.get("/?lang=fr")
        check(st == 503 and admin.last_headers.get("retry-after") and "<html lang=fr>" in str(page)
              and "/static/urne.css" in str(page) and "injoignable" in str(page),
              f"a page while the database is down: 503, a page in French: {st} {str(page)[:400]}")
        check(srv.proc.poll() is None, "the server is still running")
    finally:
        cluster("resume")
    back, got = poll(lambda: srv.client().login("admin")[0] != 503)
    st, d = srv.client().login("admin")
    check(st == 200, f"once the database is back the same account logs in at once (not held back): {st} {d}")
    poll(lambda: "reloading every election" in open(log).read())
finally:
    check(srv.stop() == 0, "the server stops cleanly")
said = open(log).read()
check("login throttled" not in said and "login refused" not in said, f"no login was counted as failed: {said}")
lines = [l for l in said.splitlines() if l.strip()]
strays = [l for l in lines if not l.startswith("urne: ")]
check(not strays, f"every line on standard error is urne's own: {strays}")
check(not any("  " in l or "\t" in l for l in lines), f"each on one line, libpq's breaks made '; ': {lines}")
check(any("is lost" in l and "requests get 503" in l for l in lines), f"the connection's loss said: {lines}")
check(any("listens for changes was lost" in l for l in lines), f"the listener's loss said: {lines}")
check(any(re.search(r"was lost; it is open again \(\d+ s after the loss was found\)", l) for l in lines),
      f"the connection back said: {lines}")
check(any("hears the other servers' changes is open again (lost for " in l for l in lines),
      f"the listener back said, with how long it was lost: {lines}")
about = [l for l in lines if "lost" in l or "open again" in l]
check(len(about) == 4 and all(re.match(r"urne: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ ", l) for l in about),
      f"each line about the connections says when: {about}")
shutil.rmtree(srv.dir, ignore_errors=True)

# The database back, but urne's account refused there (a password changed, pg_hba.conf,
# here NOLOGIN, which leaves the sessions open until the restart): requests get 503, and
# the log says why the connections cannot be opened again (once, not at each try); once
# the account is let in again, the server serves without a restart.
psql = lambda url, *sql: subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", url] +
                                        [a for q in sql for a in ("-c", q)], check=True, capture_output=True)
who = f"urne_outage_{os.getpid()}"  # its own names: the cluster may have run this before
psql(TEST_DB_URL, f"CREATE ROLE {who} LOGIN", f"CREATE DATABASE {who} OWNER {who}")
db = urllib.parse.urlsplit(TEST_DB_URL)._replace(netloc=f"{who}@", path=f"/{who}").geturl()
srv = Server(db=db)
admin_db(srv)
srv.start()
log = os.path.join(srv.dir, "server.log")
try:
    a = srv.client()
    check(a.login("admin", bearer=True)[0] == 200, "logged in, as an account that owns its database")
    psql(TEST_DB_URL, f"ALTER ROLE {who} NOLOGIN")
    cluster("restart")
    answers = []
    for _ in range(3):
        answers.append(a.get("/api/users")[0])
        time.sleep(0.4)
    check(answers == [503, 503, 503], f"refused by the database: 503: {answers}")
    said, _ = poll(lambda: "listen for changes" in open(log).read() and "not permitted to log in" in open(log).read())
    psql(TEST_DB_URL, f"ALTER ROLE {who} LOGIN")
    back, _ = poll(lambda: a.get("/api/users")[0] == 200)
    check(back, "let in again: served without a restart")
finally:
    check(srv.stop() == 0, "the server stops cleanly")
lines = open(log).read().splitlines()
why = [l for l in lines if "cannot be opened again" in l]
check(len(why) == 1 and f'role "{who}" is not permitted to log in' in why[0] and
      "requests get 503" in why[0], f"the reason said once, though tried at each request: {why}")
heard = [l for l in lines if "cannot connect to PostgreSQL to listen for changes" in l and "not permitted" in l]
check(len(heard) == 1, f"the listener's reason said once, though tried every second: {heard}")
check(any("was lost; it is open again" in l for l in lines), f"and back: {lines}")
shutil.rmtree(srv.dir, ignore_errors=True)

# A database host that takes the connection and never answers (a frozen server; to a
# client, like a host behind a cut that drops packets): libpq would wait for ever;
# urne gives up after its default connect_timeout (10 s) and says so, at `urne serve`'s
# start as in a command. (The subprocess's own timeout only guards the test.)
import socket
import threading
mute = socket.socket()
mute.bind(("127.0.0.1", 0))
mute.listen(16)
held = []
threading.Thread(target=lambda: [held.append(mute.accept()) for _ in range(16)], daemon=True).start()
dead = f"postgresql://urne@127.0.0.1:{mute.getsockname()[1]}/urne?sslmode=disable"
env = {k: v for k, v in os.environ.items() if k != "PGCONNECT_TIMEOUT"}
for args in (["audit", "verify", "--db", dead], ["serve", "--db", dead, "--listen", f"127.0.0.1:{free_port()}"]):
    try:
        p = subprocess.run([URNE, *args], capture_output=True, text=True, env=env, timeout=120)
        check(p.returncode == 1 and "cannot connect to PostgreSQL" in p.stderr and "timeout expired" in p.stderr,
              f"urne {args[0]} on a database that never answers gives up and says so: {p.returncode} {p.stderr}")
    except subprocess.TimeoutExpired:
        check(False, f"urne {args[0]} on a database that never answers waits for ever")
mute.close()
done()
