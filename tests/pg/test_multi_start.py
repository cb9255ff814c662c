"""A server starting beside another on one PostgreSQL database hears what the other
commits while it loads (run by tests/pg/run.sh). A server loads what it holds
first and listens for the others' changes after (web/server.c): a change
committed in between is in no load and in no notification, unless the watch
finds that something committed since the store was opened and has everything
reloaded (store/pg_watch.c, URNE_WATCH_MISSED).

The window is held open for as long as the test needs, at a moment it knows:
B is started with URNE_TEST_HOLD_WATCH (store/pg_start.c), which makes it stop
after its load, before its watch listens, until the test says go (and again,
listening, before the reload it makes, when asked). Then:

- held with nothing committed meanwhile, B reloads nothing (its log says no
  such reload, checked once a change made after has reached it, so that its
  watch has taken its first turns);
- held while A commits a sheet entered (announced later, on urne_log, and read
  from the audit log), a bureau contested (a dispute opened: the bureau frozen)
  and a signature (which writes no audit entry), B, once it serves, shows all
  three: the sheet, the bureau contested, the initiative's count;
- held a second time, listening but before the reload it then makes, while A
  commits another signature: B hears it and its reload reads it, and counts it
  once (the store marks it seen by the reload);
- what B holds is what a server started afterwards loads from the database (the
  election's results and the initiative's counts, territory by territory, day
  by day);
- and it hears A's changes after that as any server does, signatures sent by
  several clients at once included.

Autovacuum is off while B is held: its ANALYZE writes statistics, a transaction
that would make B reload with nothing of urne's changed (harmless, but this test
asserts that nothing is reloaded when nothing moved). Every wait is a poll with
a deadline: what is asserted is that the change arrives, not how fast."""
import os
import shutil
import subprocess
import sys
import tempfile
import threading

sys.path.insert(0, os.path.join(sys.argv[2] if len(sys.argv) > 2 else ".", "tests", "server"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib import *  # noqa: E402,F403
from multi import *  # noqa: E402,F403

require_db()
poll_defaults(10.0, 0.02)

N = 20  # bureaux
ELECTORS = 30
MISSED = "committed in the database while this server loaded"


def sql(statement):
    return subprocess.run(["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", TEST_DB_URL, "-c", statement],
                          check=True, capture_output=True, text=True).stdout.strip()


def autovacuum(on):
    """Autovacuum on or off for the whole cluster; off: until no worker is left."""
    sql(f"ALTER SYSTEM SET autovacuum = {'on' if on else 'off'}")
    sql("SELECT pg_reload_conf()")
    if not on:
        check(poll(lambda: sql("SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'autovacuum worker'")
                   == "0" and sql("SHOW autovacuum") == "off"),
              "autovacuum is off, its workers gone")


def bureau(client, i):
    st, d = client.get(f"/api/elections/1/bureaux/{i}")
    return d if st == 200 else {}


def entered(client, i):
    d = bureau(client, i)
    return d.get("state") == "entered" and d.get("figures", {}).get("votes") == sheet_for(i)["votes"]


def results(client):
    st, d = client.get("/api/elections/1")
    return {k: d.get(k) for k in ("sheets", "results", "state")} if st == 200 else {}


def held_start(db, at_load, at_reload=None):
    """A server on db started with its watch held (URNE_TEST_HOLD_WATCH,
    store/pg_start.c): once held after its load, before it listens, at_load()
    runs; then, with at_reload, once held listening, before the reload it then
    makes, at_reload() runs (without, that stage is let through). The server,
    serving, is returned."""
    hold = tempfile.mkdtemp(prefix="urne-hold-")
    mark = lambda name: open(os.path.join(hold, name), "w").close()  # noqa: E731
    if at_reload is None:
        mark("reload.go")
    srv = Server(db=db)
    os.environ["URNE_TEST_HOLD_WATCH"] = hold
    box = {}
    t = threading.Thread(target=lambda: box.update(srv=srv.start()))
    t.start()
    try:
        check(poll(lambda: os.path.exists(os.path.join(hold, "load.held")), seconds=20),
              "the new server holds between its load and its watch")
        at_load()
        mark("load.go")
        if at_reload is not None:
            check(poll(lambda: os.path.exists(os.path.join(hold, "reload.held")), seconds=20),
                  "the new server holds, listening, before its reload")
            at_reload()
    finally:
        del os.environ["URNE_TEST_HOLD_WATCH"]
        for name in ("load.go", "reload.go"):
            mark(name)
        t.join()
        # The directory removed once the server went on from each stage it reached
        # (it removes STAGE.held then), not while it may still look for STAGE.go.
        check(poll(lambda: not os.path.exists(os.path.join(hold, "load.held")) and
                   not os.path.exists(os.path.join(hold, "reload.held")), seconds=20),
              "the new server went on from its holds")
        shutil.rmtree(hold)
    if "srv" not in box:
        raise RuntimeError("the held server did not start: " + open(os.path.join(srv.dir, "server.log")).read())
    return srv


def log_of(srv):
    return open(os.path.join(srv.dir, "server.log"), encoding="utf-8", errors="replace").read()


a = Server()
admin_db(a)
town_election(a, "Start in the window", N, 5)
key = authority_key(a)
a.start()
servers = [a]
try:
    admin = admin_client(a)
    make_users(admin, {"sec": ("secretary", 1), "com": ("commission", 1)})
    st, _ = admin.post("/api/assignments", {"user": "sec", "election": 1, "first": 0, "last": N - 1})
    check(st == 200, "assign every bureau")
    sec_a, com_a, public_a = a.client(), a.client(), a.client()
    check(sec_a.login("sec", bearer=True)[0] == 200, "sec logs in on A")
    check(com_a.login("com", bearer=True)[0] == 200, "com logs in on A")
    open_initiative(admin, com_a, 1, "Au démarrage", key, ELECTORS)
    for i in range(3):
        st, d = public_a.post("/api/initiatives/1/signatures", signer(i))
        check(st == 201, f"signature {i} on A: {st} {d}")
    for i in (1, 2):
        st, d = sec_a.post(f"/api/elections/1/bureaux/{i}/sheet", sheet_for(i))
        check(st == 200, f"bureau {i} entered on A before anything starts: {st} {d}")

    # 1. Held with nothing committed: no reload. Then a change reaches it (its
    # watch has taken its turns), and its log says no reload.
    autovacuum(False)
    try:
        quiet = held_start(a.db, lambda: None)
    finally:
        autovacuum(True)
    servers.append(quiet)
    st, d = sec_a.post("/api/elections/1/bureaux/3/sheet", sheet_for(3))
    check(st == 200, f"bureau 3 entered on A: {st} {d}")
    check(poll(lambda: entered(quiet.client(), 3)), "the server started with nothing missed hears A's entry")
    check(MISSED not in log_of(quiet), f"nothing moved while it was held: no reload ({log_of(quiet)[-300:]})")
    check(quiet.stop() == 0, "it stops cleanly")
    servers.remove(quiet)

    # 2. Held while A commits a sheet, a contest and a signature.
    def in_the_window():
        st, d = sec_a.post("/api/elections/1/bureaux/0/sheet", sheet_for(0))
        check(st == 200, f"bureau 0 entered on A in the window: {st} {d}")
        st, d = com_a.post("/api/elections/1/bureaux/1/contest", {"reason": "procès-verbal illisible"})
        check(st == 200, f"bureau 1 contested on A in the window: {st} {d}")
        st, d = public_a.post("/api/initiatives/1/signatures", signer(3))
        check(st == 201, f"a signature on A in the window: {st} {d}")

    # ... and, B listening but not yet reloaded, a signature: both heard and in
    # what the reload reads, to be counted once.
    def before_the_reload():
        st, d = public_a.post("/api/initiatives/1/signatures", signer(4))
        check(st == 201, f"a signature on A before B's reload: {st} {d}")

    b = held_start(a.db, in_the_window, before_the_reload)
    servers.append(b)
    public_b = b.client()
    check(poll(lambda: entered(public_b, 0)), f"B shows the sheet A entered in the window: {bureau(public_b, 0)}")
    check(poll(lambda: bureau(public_b, 1).get("state") == "contested"),
          f"B shows the bureau A contested in the window: {bureau(public_b, 1)}")
    check(poll(lambda: figures(public_b).get("signatures") == 5),
          f"B counts the signatures made on A in the window, each once: {figures(public_b).get('signatures')}")
    check(MISSED in log_of(b), "B says why it reloads")

    # 3. What B holds is what the database holds: a server started afterwards.
    c = Server(db=a.db).start()
    servers.append(c)
    public_c = c.client()
    check(results(public_b) == results(public_c),
          f"B's election is a fresh server's: {results(public_b)} {results(public_c)}")
    fb, fc = figures(public_b), figures(public_c)
    check(fb.get("signatures") == fc.get("signatures") == 5 and fb.get("territories") == fc.get("territories")
          and fb.get("per_day") == fc.get("per_day"), f"B's initiative counts are a fresh server's: {fb} {fc}")
    check(c.stop() == 0, "C stops cleanly")
    servers.remove(c)

    # 4. And B hears A afterwards, as any server: an entry, and signatures sent
    # to A at once by several clients (committed in groups: two of one
    # territory in one transaction are two announcements, never folded).
    st, d = sec_a.post("/api/elections/1/bureaux/4/sheet", sheet_for(4))
    check(st == 200, f"bureau 4 entered on A after: {st} {d}")
    answers = []
    def stream(first):
        client = a.client()
        for i in range(first, ELECTORS, 6):
            answers.append(client.post("/api/initiatives/1/signatures", signer(i))[0])
    threads = [threading.Thread(target=stream, args=(k,)) for k in range(5, 11)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    check(answers.count(201) == ELECTORS - 5, f"every signature after acknowledged: {sorted(set(answers))}")
    check(poll(lambda: entered(public_b, 4)), "B hears A's entry made after it started")
    check(poll(lambda: figures(public_b).get("signatures") == ELECTORS),
          f"B counts A's signatures made after it started: {figures(public_b).get('signatures')}")
    c = Server(db=a.db).start()
    servers.append(c)
    fb, fc = figures(public_b), figures(c.client())
    check(fb.get("signatures") == fc.get("signatures") == ELECTORS and fb.get("territories") == fc.get("territories"),
          f"B's counts are still a fresh server's: {fb} {fc}")
finally:
    for s in servers:
        check(s.stop() == 0, "a server stops cleanly")
done()
