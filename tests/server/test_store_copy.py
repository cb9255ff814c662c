"""`urne store copy`: a whole store copied into an empty one.

A SQLite store is filled through the server (accounts, a grant, assignments, double
entry with a mismatch, contests, decisions, an appeal, two publications around a
reopening, a notice), then copied: to PostgreSQL and back to SQLite when
URNE_TEST_DB_URL is set (tests/pg/run.sh, with its throwaway cluster), else SQLite
to SQLite twice. Back in SQLite, every table holds the source's rows, value for
value. At each copy: the API answers the same (elections, results,
disputes, bureaux, accounts, grants, notices, the audit log and its head), `urne
audit verify` says the same, the old passwords log in, and the server writes on
after the copy (new ids follow the copied ones, the chain goes on). Then: a copy
into a store that is not empty is refused and leaves it as it was; a copy that
fails half-way (a row the destination refuses, a row the source cannot read)
leaves the destination empty (a SQLite file it made, removed); a bad destination, a missing source, an empty
source are refused with a message."""
import os
import re
import shutil
import sqlite3
import tempfile

from lib import *  # noqa: F403

work = tempfile.mkdtemp(prefix="urne-copy-")


def sqlite_path(name):
    return os.path.join(work, name)


def story(srv):
    admin = admin_client(srv)
    make_users(admin, {"alice": ("secretary", 1), "bruno": ("secretary", 1), "com": ("commission", 1),
                       "nat": ("commission", 2), "obs": ("observer", 1)})
    for who in ("alice", "bruno"):
        check(admin.post("/api/assignments", {"user": who, "election": 1, "first": 5})[0] == 200, f"assign {who}")
    check(admin.post("/api/grants", {"user": "obs", "space": "org/a", "role": "commission"})[0] == 200, "grant")
    check(admin.post("/api/notices", {"title": "Dépouillement à 20 h", "body": "Salle des fêtes.\nEntrée \\ libre."}
                     )[0] == 201, "a notice (newline, backslash)")
    alice, bruno, com, nat = (srv.client() for _ in range(4))
    for c, n in ((alice, "alice"), (bruno, "bruno"), (com, "com"), (nat, "nat")):
        c.login(n)
    sheet = {"inscrits": 90, "votants": 61, "blancs": 1, "nuls": 1, "votes": [20, 21, 18]}
    check(alice.post("/api/elections/1/bureaux/5/sheet", sheet)[0] == 200, "first entry")
    check(bruno.post("/api/elections/1/bureaux/5/sheet", dict(sheet, votes=[21, 20, 18]))[0] == 200, "mismatch")
    check(bruno.post("/api/elections/1/bureaux/5/sheet", sheet)[0] == 200, "entries agree")
    for b in (0, 1):
        check(com.post(f"/api/elections/1/bureaux/{b}/contest", {"reason": "écart signalé"})[0] == 200, f"contest {b}")
    check(com.post("/api/elections/1/disputes/1/decide",
                   {"decision": "correct", "reason": "recompte", "inscrits": 212, "votants": 148, "blancs": 2,
                    "nuls": 1, "votes": [58, 55, 32]})[0] == 200, "correct bureau 0")
    check(com.post("/api/elections/1/disputes/2/decide", {"decision": "annul", "reason": "PV non signé"})[0] == 200,
          "annul bureau 1")
    check(com.post("/api/elections/1/disputes/1/escalate", {"reason": "appel"})[0] == 200, "escalate")
    check(nat.post("/api/elections/1/disputes/3/decide", {"decision": "validate", "reason": "le PV fait foi"}
                   )[0] == 200, "the higher commission validates")
    check(admin.post("/api/elections/1/publish")[0] == 200, "publish")
    check(com.post("/api/elections/1/bureaux/2/contest", {"reason": "réclamation tardive"})[0] == 200, "contest again")
    check(com.post("/api/elections/1/disputes/4/decide", {"decision": "validate", "reason": "PV conforme"})[0] == 200,
          "validate bureau 2")
    check(admin.post("/api/elections/1/publish")[0] == 200, "publish again")


PATHS = ["/api/elections", "/api/elections/1", "/api/elections/1/results", "/api/elections/1/results.csv",
         "/api/elections/1/disputes", "/api/elections/1/anomalies", "/api/elections/1/bureaux/5",
         "/api/elections/1/bureaux/0", "/api/users", "/api/grants", "/api/notices", "/api/audit", "/api/audit/head"]


def snapshot(db):
    """What the API answers on the store at db (a server started on it, stopped after)."""
    srv = Server(db=db).start()
    try:
        admin = admin_client(srv)
        out = {p: admin.get(p) for p in PATHS}
        alice = srv.client()
        out["alice logs in"] = alice.login("alice")[0]
    finally:
        check(srv.stop() == 0, f"server on {db} stops cleanly")
    return out


def verified(db):
    """`urne audit verify` on db: its output with the store's name taken out."""
    p = run("audit", "verify", "--db", db, ok=False)
    check(p.returncode == 0, f"audit verify {db}: {p.returncode} {p.stdout} {p.stderr}")
    return p.stdout.replace(db, "DB")


def copied(src, dst):
    """Copy src to dst (checked); the counts it reports, by table."""
    p = run("store", "copy", "--from", src, "--to", dst, ok=False)
    check(p.returncode == 0, f"copy {src} -> {dst}: {p.returncode} {p.stdout} {p.stderr}")
    counts = {m.group(1): int(m.group(2)) for m in re.finditer(r"^  (\w+) +(\d+)$", p.stdout, re.M)}
    columns = {m.start(2) - m.start(0) for m in re.finditer(r"^  (\w+) +(\d+)$", p.stdout, re.M)}
    check(len(columns) == 1, f"the counts in one column, whatever the tables' names: {p.stdout}")
    check("the audit chain verifies at the destination" in p.stdout, f"the copy says the chain verifies: {p.stdout}")
    return counts


def refused(src, dst, why):
    p = run("store", "copy", "--from", src, "--to", dst, ok=False)
    check(p.returncode == 1 and why in p.stderr, f"copy {src} -> {dst} refused ({why}): {p.returncode} {p.stderr}")


def new_store(name):
    return fresh_pg_database() if TEST_DB_URL else sqlite_path(name)


# The source: a SQLite store filled through the server.
source = sqlite_path("a.db")
srv = Server(db=source)
admin_db(srv)
run("election", "import", "--db", source, "--double-entry", os.path.join(EXAMPLES, "federation-designation.csv"))
srv.start()
try:
    story(srv)
finally:
    check(srv.stop() == 0, "server stops cleanly")
want = snapshot(source)
want_verify = verified(source)
check(want["alice logs in"] == 200 and len(want["/api/audit"][1]) > 10, "the source's story")

# The round trip: to the middle store (PostgreSQL under tests/pg/run.sh), and back to SQLite.
middle = new_store("b.db")
back = sqlite_path("c.db")
counts = copied(source, middle)
db = sqlite3.connect(source)
for table, n in counts.items():
    check(db.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == n, f"{table}: {n} rows reported")
check("sessions" not in counts, "sessions are not copied")
db.close()
check(counts.get("audit") == len(want["/api/audit"][1]) and counts.get("entries", 0) >= 3, f"counts: {counts}")
check(copied(middle, back) == counts, "the copy back reports the same counts")
# Back in SQLite, every copied table holds the source's rows, value for value and type for type.
a, b = sqlite3.connect(source), sqlite3.connect(back)
for table in counts:
    q = f"SELECT * FROM {table} ORDER BY 1, 2"
    typed = f"SELECT {', '.join(f'typeof({c[1]})' for c in a.execute(f'PRAGMA table_info({table})'))} FROM {table}"
    check(a.execute(q).fetchall() == b.execute(q).fetchall(), f"{table}: the same rows after the round trip")
    check(sorted(a.execute(typed).fetchall()) == sorted(b.execute(typed).fetchall()), f"{table}: the same types")
a.close()
b.close()
for db in (middle, back):
    check(verified(db) == want_verify, f"audit verify says the same on {db}")
    got = snapshot(db)
    for k in want:
        check(got[k] == want[k], f"{k} the same on {db}: {got[k]} != {want[k]}")

# Copying into a store that is not empty is refused, and leaves it as it was.
refused(source, middle, "is not empty")
check(verified(middle) == want_verify, "the refused copy left the destination as it was")

# The copy writes on: new ids after the copied ones, the chain going on.
srv = Server(db=middle).start()
try:
    admin = admin_client(srv)
    users = want["/api/users"][1]
    st, d = admin.post("/api/users", {"name": "zoe", "password": PASSWORD, "role": "observer", "tier": 1})
    check(st == 200, f"a new account on the copy: {st} {d}")
    st, listed = admin.get("/api/users")
    ids = sorted(u["id"] for u in listed)
    check(ids == sorted([u["id"] for u in users] + [max(u["id"] for u in users) + 1]), f"the new account's id: {ids}")
    st, d = admin.post("/api/notices", {"title": "après la copie", "body": "."})
    check(st == 201 and d.get("id") == len(want["/api/notices"][1]) + 1, f"the next notice's id: {st} {d}")
    com = srv.client()
    com.login("com")
    st, d = com.post("/api/elections/1/bureaux/3/contest", {"reason": "après la copie"})
    check(st == 200, f"a contest on the copy: {st} {d}")
    st, disputes = admin.get("/api/elections/1/disputes")
    check(len(disputes) == len(want["/api/elections/1/disputes"][1]) + 1, f"the new dispute is listed: {disputes}")
finally:
    check(srv.stop() == 0, "server stops cleanly")
p = run("audit", "verify", "--db", middle, ok=False)
check(p.returncode == 0, f"the chain goes on after the copy: {p.stdout} {p.stderr}")

# A copy failing half-way leaves nothing: a typed entry by an account that does not
# exist (the destination's foreign key refuses it), a flag that is not a number (the
# source cannot read it).
for n, statement in enumerate(["UPDATE entries SET user_id = 999 WHERE id = (SELECT max(id) FROM entries)",
                               "UPDATE bureaux SET validated_once = 'yes' WHERE idx = 4"]):
    bad = sqlite_path(f"bad{n}.db")
    shutil.copy(source, bad)
    db = sqlite3.connect(bad)  # foreign keys off: as a hand edit would be
    db.execute(statement)
    db.commit()
    db.close()
    dst = new_store(f"dst{n}.db")
    p = run("store", "copy", "--from", bad, "--to", dst, ok=False)
    check(p.returncode == 1 and "nothing was written" in p.stderr, f"copy of bad{n} refused: {p.returncode} {p.stderr}")
    check(("validated_once" in p.stderr) == (n == 1), f"the failure named: {p.stderr}")
    check(TEST_DB_URL or not os.path.exists(dst), "a SQLite file the failed copy made is removed")
    counts = copied(source, dst)  # only an empty store takes a copy
    check(counts.get("audit") == len(want["/api/audit"][1]), f"the failed copy left {dst} empty")

# Bad stores are refused with a message.
refused(source, "foo://x", "unknown store backend 'foo'")
refused(source, "postgresql://urne@/nodb?host=" + os.path.join(work, "no-such-dir"), "cannot connect to PostgreSQL")
refused(sqlite_path("missing.db"), sqlite_path("x.db"), "missing.db does not exist")
check(not os.path.exists(sqlite_path("missing.db")), "a missing source is not created")
empty = sqlite_path("empty.db")
run("audit", "verify", "--db", empty, ok=False)  # opening it makes an empty store
refused(empty, sqlite_path("y.db"), "the source holds nothing to copy")
p = run("store", "copy", "--from", source, ok=False)
check(p.returncode == 2 and "Usage: urne store copy" in p.stderr, f"no --to: usage: {p.returncode} {p.stderr}")

shutil.rmtree(work, ignore_errors=True)
done()
