"""The PostgreSQL store on its own ground (run by tests/pg/run.sh, which starts the
throwaway cluster and sets URNE_TEST_DB_URL):

- the récolement story of tests/server/test_audit.py through the API, then `urne
  audit verify` intact on PostgreSQL;
- (rows changed by hand behind the log's back are test_audit.py's, test_story.py's,
  test_spaces.py's and test_notice.py's, which run.sh runs here too: lib.py's
  tampered copies a PostgreSQL database as a template);
- several processes writing at once (a server taking entries, `urne admin create`
  beside it): the chain stays one chain, and verify while they write sees one moment;
- the first writes of all, several processes at once on an empty database: each
  lands, in one chain;
- migration 15 on a database of signatures made at 14: counts equal, old receipts
  checked, the receipts' constraint replaced by a unique index of the old rows;
- a database newer than this urne refused; `urne backup` pointing at pg_dump; the
  URNE_DB variable; a password never echoed;
- the database restarted under a running server: it reconnects by itself."""
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.join(sys.argv[2] if len(sys.argv) > 2 else ".", "tests", "server"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib import *  # noqa: E402,F403
from multi import require_db  # noqa: E402

require_db()


def psql(url, *statements):
    """Run statements on the database at url (as the cluster's superuser); the output."""
    args = ["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", url]
    for s in statements:
        args += ["-c", s]
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout.strip()


def dbname(url):
    return urllib.parse.urlsplit(url).path.lstrip("/")


def copy_of(url, name):
    """A copy of the (idle) database at url, named name; its URL."""
    psql(TEST_DB_URL, f"CREATE DATABASE {name} TEMPLATE {dbname(url)}")
    return urllib.parse.urlsplit(url)._replace(path="/" + name).geturl()


def story(srv):
    """test_audit.py's story: double entry, contests, decisions, an appeal, two
    publications around a reopening. The digests of the publications."""
    admin = admin_client(srv)
    make_users(admin, {"alice": ("secretary", 1), "bruno": ("secretary", 1), "com": ("commission", 1),
                       "nat": ("commission", 2)})
    for who in ("alice", "bruno"):
        check(admin.post("/api/assignments", {"user": who, "election": 1, "first": 5})[0] == 200, f"assign {who}")
    alice, bruno, com, nat = (srv.client() for _ in range(4))
    for c, n in ((alice, "alice"), (bruno, "bruno"), (com, "com"), (nat, "nat")):
        c.login(n)
    sheet = {"inscrits": 90, "votants": 61, "blancs": 1, "nuls": 1, "votes": [20, 21, 18]}
    st, d = alice.post("/api/elections/1/bureaux/5/sheet", sheet)
    check(st == 200 and d["state"] == "pending", f"first entry: {st} {d}")
    st, d = bruno.post("/api/elections/1/bureaux/5/sheet", dict(sheet, votes=[21, 20, 18]))
    check(st == 200 and d["state"] == "mismatch", f"second entry differs: {st} {d}")
    st, d = bruno.post("/api/elections/1/bureaux/5/sheet", sheet)
    check(st == 200 and d["state"] == "entered", f"entries agree: {st} {d}")
    for b in (0, 1):
        check(com.post(f"/api/elections/1/bureaux/{b}/contest", {"reason": "écart signalé"})[0] == 200,
              f"contest bureau {b}")
    st, d = com.post("/api/elections/1/disputes/1/decide",
                     {"decision": "correct", "reason": "recompte", "inscrits": 212, "votants": 148, "blancs": 2,
                      "nuls": 1, "votes": [58, 55, 32]})
    check(st == 200, f"correct bureau 0: {st} {d}")
    st, d = com.post("/api/elections/1/disputes/2/decide", {"decision": "annul", "reason": "PV non signé"})
    check(st == 200 and d["bureau_state"] == "annulled", f"annul bureau 1: {st} {d}")
    check(com.post("/api/elections/1/disputes/1/escalate", {"reason": "appel"})[0] == 200, "escalate")
    st, d = nat.post("/api/elections/1/disputes/3/decide", {"decision": "validate", "reason": "le PV fait foi"})
    check(st == 200, f"the higher commission validates: {st} {d}")
    st, d = admin.post("/api/elections/1/publish")
    check(st == 200, f"publish: {st} {d}")
    check(com.post("/api/elections/1/bureaux/2/contest", {"reason": "réclamation tardive"})[0] == 200,
          "contest after publication")
    check(com.post("/api/elections/1/disputes/4/decide", {"decision": "validate", "reason": "PV conforme"})[0] == 200,
          "validate bureau 2")
    st, d = admin.post("/api/elections/1/publish")
    check(st == 200, f"publish again: {st} {d}")
    return d.get("digest", "")


srv = federation_server(double_entry=True)
try:
    digest = story(srv)
    st, log = admin_client(srv).get("/api/audit")
    check(st == 200 and len(log) > 10, f"the log is served: {st}")
finally:
    check(srv.stop() == 0, "server stops cleanly")

p = run("audit", "verify", "--db", srv.db, ok=False)
check(p.returncode == 0 and "audit log intact" in p.stdout and "the stored state matches the log" in p.stdout
      and "4 dispute(s)" in p.stdout and "3 typed entries" in p.stdout and "2 assignment(s)" in p.stdout,
      f"the story verifies on PostgreSQL: {p.returncode} {p.stdout} {p.stderr}")
seq = int(psql(srv.db, "SELECT seq FROM audit_head"))
check(seq == len(log) and psql(srv.db, "SELECT count(*) FROM audit") == str(seq),
      f"the head is the last of {len(log)} entries: {seq}")
# The last migration: the version a new SQLite store reaches (the two backends
# number their migrations alike), so that no migration's number is written here.
def last_migration():
    import sqlite3
    import tempfile
    path = os.path.join(tempfile.mkdtemp(prefix="urne-pg-schema-"), "s.db")
    run("admin", "create", "--db", path, "--user", "schema", stdin=PASSWORD + "\n")
    con = sqlite3.connect(path)
    version = con.execute("PRAGMA user_version").fetchone()[0]
    con.close()
    return version


LAST = last_migration()
check(LAST >= 6, f"a new SQLite store's schema version: {LAST}")
check(psql(srv.db, "SELECT version FROM urne_schema") == str(LAST), "the schema is at the last migration")


# A database from a newer urne is refused, not opened; the original is untouched.
url = copy_of(srv.db, dbname(srv.db) + "_newer")
psql(url, "UPDATE urne_schema SET version = 99")
p = run("audit", "verify", "--db", url, ok=False)
check(p.returncode == 1 and f"schema version 99, newer than this urne knows ({LAST}): upgrade urne" in p.stderr,
      f"a newer database refused: {p.stderr}")
check(psql(url, "SELECT version FROM urne_schema") == "99", "and left as it was")

# A database another account owns (createdb run as postgres), where urne's account may
# not create tables (PostgreSQL 15's default for the schema public, made explicit here
# whatever the version): refused with the reason and what to do, not the statement's
# text; made its owner, the same account migrates it.
guest_role, guest_db = f"urne_not_owner_{os.getpid()}", f"urne_not_owned_{os.getpid()}"
psql(TEST_DB_URL, f"CREATE ROLE {guest_role} LOGIN", f"CREATE DATABASE {guest_db}")
owned = urllib.parse.urlsplit(TEST_DB_URL)._replace(path=f"/{guest_db}").geturl()
psql(owned, "REVOKE CREATE ON SCHEMA public FROM PUBLIC")
guest = urllib.parse.urlsplit(owned)._replace(netloc=f"{guest_role}@").geturl()
p = run("audit", "verify", "--db", guest, ok=False)
check(p.returncode == 1 and "permission denied for schema public" in p.stderr and
      "make it the database's owner (createdb -O ACCOUNT DBNAME, or ALTER DATABASE DBNAME OWNER TO ACCOUNT)" in p.stderr
      and "LINE 1" not in p.stderr and "CREATE TABLE" not in p.stderr and len(p.stderr.splitlines()) == 1,
      f"a database urne's account may not create tables in: said, with what to do: {p.stderr}")
psql(TEST_DB_URL, f"ALTER DATABASE {guest_db} OWNER TO {guest_role}")
psql(owned, f"ALTER SCHEMA public OWNER TO {guest_role}")
p = run("audit", "verify", "--db", guest, ok=False)
check(p.returncode == 0 and "audit log intact, 0 entries" in p.stdout, f"its owner, it migrates: {p.stdout} {p.stderr}")

# Migrations 15 and 16 on a database of signatures made at 14 (receipts unique by
# a table constraint, kept as their codes' SHA-256; the count index and the index
# by time): the same counts after them, the old
# receipts still checked, the constraint gone (a receipt left empty by the rows
# made since is no duplicate) and the old rows' receipts unique still. The
# constraint is found by its columns: here it was renamed (as a restore or an
# administrator may), and the migration drops it all the same.
import hashlib  # noqa: E402
url = copy_of(srv.db, dbname(srv.db) + "_sig14")
secret = os.path.join(srv.dir, "authority.key")
key = run("initiative", "keygen", "--secret-key", secret).stdout.strip()
rules = os.path.join(srv.dir, "rules.txt")
open(rules, "w").write("preset = local-petition\nnational = 3\nopens = 2020-01-01\ncloses = 2099-01-01\n"
                       "stop-at-threshold = no\n")
p = run("initiative", "create", "--db", url, "--user", "admin", "--title", "Avant 15", "--rules", rules,
        "--authority-key", key)
iid = int(re.search(r"initiative (\d+) created", p.stdout).group(1))
roll = os.path.join(srv.dir, "roll14.csv")
open(roll, "w").write("nom;prenoms;naissance;commune;territoire\nDupont;Jean;1970-03-04;Lille;Nord\n"
                      "Martin;Léa;1980-01-02;Arras;Pas-de-Calais\nPetit;Zoé;1990-05-06;Roubaix;Nord\n")
run("initiative", "import-roll", "--db", url, "--user", "admin", "--id", str(iid), roll)
ROLL_KEPT = (f"SELECT string_agg(territory || ' ' || electors, ';' ORDER BY territory)"
             f" FROM initiative_roll_territories WHERE initiative_id = {iid}")
check(psql(url, ROLL_KEPT) == "Nord 2;Pas-de-Calais 1", "18: the roll's counts kept as it is imported")
old_codes = ["K3M9Q7TVWX0123456789", "ABCDEFGHJKMNPQRSTVWX", "00000111112222233333"]
rows = ",".join("(%d, 'd%d', 'Lille', 'sealed', '%s', '2026-12-06T10:00:0%dZ', '', '%s', '')"
                % (iid, i, hashlib.sha256(c.encode()).hexdigest(), i, "Contestée." if i == 1 else "")
                for i, c in enumerate(old_codes))
psql(url, "DROP INDEX initiative_signatures_receipt",
     "DROP INDEX initiative_signatures_tally",  # 14's indexes, 16 replaced them
     "CREATE INDEX initiative_signatures_count ON initiative_signatures(initiative_id, territory, invalid)",
     "CREATE INDEX initiative_signatures_valid ON initiative_signatures(initiative_id, invalid, signed_at) INCLUDE (id)",
     "ALTER TABLE initiative_signatures DROP COLUMN proof",
     "ALTER TABLE initiative_signatures ALTER COLUMN receipt DROP DEFAULT",
     "ALTER TABLE initiative_signatures ADD CONSTRAINT receipts_renamed_by_hand UNIQUE(initiative_id, receipt)",
     "INSERT INTO initiative_signatures(initiative_id, dedup, territory, sealed, receipt, signed_at, marks, invalid,"
     " letter) VALUES " + rows,
     "DROP TABLE initiative_roll_territories",  # 18's
     "UPDATE urne_schema SET version = 14")
p = run("initiative", "recount", "--db", url, "--id", str(iid))
check("2 valid signature(s), 1 invalidated" in p.stdout, f"migrated from 14: the same counts: {p.stdout}")
check(psql(url, "SELECT version FROM urne_schema") == str(LAST), "at the last migration")
# 18: the roll's counts per territory, counted from the roll by the migration
# (the roll imported above, before the store was taken back to 14).
KEPT = ("SELECT string_agg(initiative_id || ' ' || territory || ' ' || electors || ' ' || anonymous, ';'"
        " ORDER BY initiative_id, territory) FROM initiative_roll_territories WHERE electors > 0")
GROUPED = ("SELECT string_agg(initiative_id || ' ' || territory || ' ' || n || ' ' || a, ';'"
           " ORDER BY initiative_id, territory) FROM (SELECT initiative_id, territory, count(*) AS n,"
           " sum(CASE WHEN code_hash = '' AND letter <> '' THEN 1 ELSE 0 END) AS a FROM initiative_roll"
           " GROUP BY initiative_id, territory) g")
kept, grouped = psql(url, KEPT), psql(url, GROUPED)
check(kept == grouped == f"{iid} Nord 2 0;{iid} Pas-de-Calais 1 0",
      f"18: the roll's counts counted by the migration equal the roll grouped: {kept!r} {grouped!r}")
check(psql(url, "SELECT string_agg(indexname, ',' ORDER BY indexname) FROM pg_indexes WHERE tablename ="
           " 'initiative_signatures'")
      == "initiative_signatures_initiative_id_dedup_key,initiative_signatures_pkey,initiative_signatures_receipt,"
      "initiative_signatures_tally", "16: the count and time indexes replaced by one")
sids = psql(url, f"SELECT id FROM initiative_signatures WHERE initiative_id = {iid} ORDER BY id").split()
p = run("initiative", "receipt", "--db", url, "--id", str(iid), "k3m9q-7tvwx-o1234-56789")
check(p.returncode == 0 and f"Signature {sids[0]} of " in p.stdout and p.stdout.endswith(": counted\n"),
      f"an old receipt checked after the migration: {p.stdout}")
p = run("initiative", "receipt", "--db", url, "--id", str(iid), "ABCDE-FGHJK-MNPQR-STVWX")
check(p.returncode == 0 and "invalidated, not counted: Contestée." in p.stdout, f"and the invalidated one: {p.stdout}")
p = run("initiative", "receipt", "--db", url, "--id", str(iid), f"{sids[2]}-00000-11111-22222-33333", ok=False)
check(p.returncode == 1, f"an old row's id before its code is no receipt: {p.returncode} {p.stdout}")
check(psql(url, "SELECT count(*) FROM pg_constraint WHERE conname = 'receipts_renamed_by_hand'") == "0",
      "the receipts' constraint dropped, renamed as it was")
psql(url, f"INSERT INTO initiative_signatures(initiative_id, dedup, territory, sealed, signed_at, proof) VALUES"
          f" ({iid}, 'n1', 'Lille', 's', '2026-12-06T11:00:00Z', 'p1'), ({iid}, 'n2', 'Lille', 's',"
          f" '2026-12-06T11:00:01Z', 'p2')")
dup = subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", url, "-c",
                      f"UPDATE initiative_signatures SET receipt = (SELECT receipt FROM initiative_signatures"
                      f" WHERE id = {sids[0]}) WHERE id = {sids[1]}"], capture_output=True, text=True)
check(dup.returncode != 0 and "initiative_signatures_receipt" in dup.stderr,
      f"two old rows of one receipt still refused: {dup.stderr}")

# An import whose bureaux are sent pipelined, one of them refused past the first
# batch (a constraint added by hand): the import fails naming it, and nothing of it
# is written; without the constraint the same file imports and verifies.
rhone = os.path.join(SOURCE, "..", "shared", "data", "fr_pres2017_2022_rhone69_bureaux", "PR17_BVot_T1_dept69.txt")
url = copy_of(srv.db, dbname(srv.db) + "_import")
before = psql(url, "SELECT count(*) FROM elections") + "/" + psql(url, "SELECT count(*) FROM audit")
psql(url, "ALTER TABLE bureaux ADD CONSTRAINT below_1000 CHECK (election_id = 1 OR idx < 1000)")
p = run("election", "import", "--db", url, rhone, ok=False)
check(p.returncode == 1 and "storing a bureau" in p.stderr and "below_1000" in p.stderr,
      f"a refused bureau fails the import, named: {p.stderr[:300]}")
after = psql(url, "SELECT count(*) FROM elections") + "/" + psql(url, "SELECT count(*) FROM audit")
check(after == before and psql(url, "SELECT count(*) FROM bureaux WHERE election_id = 2") == "0",
      f"nothing of it written: {before} then {after}")
psql(url, "ALTER TABLE bureaux DROP CONSTRAINT below_1000")
p = run("election", "import", "--db", url, rhone, ok=False)
check(p.returncode == 0 and psql(url, "SELECT count(*) FROM bureaux WHERE election_id = 3") == "1287",
      f"the 1,287 bureaux imported: {p.stderr}")
p = run("audit", "verify", "--db", url, ok=False)
check(p.returncode == 0 and "2 election(s), 1293 bureau(x)" in p.stdout, f"and verified: {p.stdout} {p.stderr}")

# Backup: pg_dump's job. URNE_DB stands for --db. A password is never echoed.
p = run("backup", "--db", srv.db, os.path.join(srv.dir, "copy.db"), ok=False)
check(p.returncode == 1 and "pg_dump" in p.stderr and not os.path.exists(os.path.join(srv.dir, "copy.db")),
      f"backup points at pg_dump: {p.stderr}")
env = dict(os.environ, URNE_DB=srv.db)
q = subprocess.run([URNE, "audit", "verify"], capture_output=True, text=True, env=env)
check(q.returncode == 0 and "audit log intact" in q.stdout, f"URNE_DB opens the store: {q.stdout} {q.stderr}")
secret = urllib.parse.urlsplit(srv.db)._replace(netloc="urne:s3cr3t-pw@", path="/no_such_db").geturl()
p = run("audit", "verify", "--db", secret, ok=False)
check(p.returncode == 1 and "s3cr3t-pw" not in p.stderr + p.stdout and "urne:***@" in p.stderr and
      "no_such_db" in p.stderr, f"the connection failure is named without the password: {p.stderr}")

# Several writers at once: a server taking entries, `urne admin create` processes
# beside it, verify reading while they write; the chain is one chain at the end.
live, w = primary_writer_server()
busy, made = [], []
try:
    stream = EntryStream(w).start()
    procs = [subprocess.Popen([URNE, "admin", "create", "--db", live.db, "--user", f"op{k}", "--role", "observer"],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for k in range(8)]
    for k, pr in enumerate(procs):
        out, err = pr.communicate(PASSWORD + "\n", timeout=120)
        made.append(pr.returncode == 0 or f"op{k}: {err}")
    for _ in range(5):
        p = run("audit", "verify", "--db", live.db, ok=False)
        if p.returncode != 0:
            busy.append(p.stderr)
finally:
    sent = stream.stop()
    check(live.stop() == 0, "the busy server stops cleanly")
check(all(m is True for m in made), f"every account created beside the server: {made}")
check(sent > 0, f"the stream entered sheets meanwhile: {sent}")
check(not busy, f"verify while several write: {len(busy)} false alarm(s): {busy[:1]}")
p = run("audit", "verify", "--db", live.db, ok=False)
check(p.returncode == 0 and "audit log intact" in p.stdout and "the stored state matches the log" in p.stdout,
      f"the chain of several writers verifies: {p.stdout} {p.stderr}")
actions = psql(live.db, "SELECT count(*) FROM audit WHERE action = 'user.create'")
check(actions == "10", f"2 + 8 accounts, each logged once: {actions}")
shutil.rmtree(live.dir, ignore_errors=True)

# The first writes of all, eight processes at once on an empty database: the head's
# row does not exist yet when they lock it (pg_store.c's begin reads none and the
# append reads it again under the lock); each lands, in one chain.
empty = fresh_pg_database()
run("audit", "verify", "--db", empty)  # migrated: the processes race on the first append, not the schema
# urne's write lock held by hand until the eight queue for it, the table still
# empty; then let go.
holder = subprocess.Popen(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", empty], stdin=subprocess.PIPE,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
holder.stdin.write("BEGIN; SELECT pg_advisory_xact_lock(1970433637);\n")
holder.stdin.flush()


def advisory(granted):
    return int(psql(empty, f"SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted = {granted}"))


deadline = time.monotonic() + 60
while advisory("true") != 1 and time.monotonic() < deadline:
    time.sleep(0.05)
check(advisory("true") == 1, "the lock is taken by hand")
procs = [subprocess.Popen([URNE, "admin", "create", "--db", empty, "--user", f"first{k}", "--role", "observer"],
                          stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
         for k in range(8)]
for pr in procs:
    pr.stdin.write(PASSWORD + "\n")
    pr.stdin.close()
while advisory("false") < 8 and time.monotonic() < deadline + 60:
    time.sleep(0.05)
check(advisory("false") == 8, "the eight writers queue for the lock")
holder.communicate("COMMIT;\n", timeout=60)
firsts = []
for k, pr in enumerate(procs):
    pr.wait(timeout=120)
    firsts.append(pr.returncode == 0 or f"first{k}: {pr.stderr.read()}")
check(all(f is True for f in firsts), f"eight first writers on an empty database, each lands: {firsts}")
p = run("audit", "verify", "--db", empty, ok=False)
check(p.returncode == 0 and "audit log intact, 8 entries" in p.stdout,
      f"the first writers' chain verifies, 8 entries: {p.stdout} {p.stderr}")

# The audit hash is PostgreSQL's on this store (pg_audit.c): byte for byte C's,
# which `urne audit verify` recomputes, with texts outside ASCII in the actor and
# the entry (two-, three- and four-byte UTF-8). An entry sends the sheet's row as
# the server holds it and PostgreSQL checks it in the same round trip (a failed
# cast naming urne's reason, in the cluster's log, when it differs): re-entering counted sheets (their
# figures compared) finds no difference where there is none; a row changed by
# hand, unheard, is found changed, and the entry is refused as the stored state
# refuses it, nothing written; a row whose text differs but not its figures is
# read under the lock and written.
cluster = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(TEST_DB_URL).query))["host"]


def stale_seen():
    return open(os.path.join(cluster, "server.log"), errors="replace").read().count("urne: a bureau row changed by another server, read again: 0")


uni, _ = primary_writer_server()
try:
    a = uni.client()
    a.login("admin", bearer=True)
    make_users(a, {"zoé-ŝ€😀": ("secretary", 1)})
    check(a.post("/api/assignments", {"user": "zoé-ŝ€😀", "election": 1, "first": 0, "last": 3})[0] == 200,
          "assign the secretary whose name is not ASCII")
    z = uni.client()
    z.login("zoé-ŝ€😀", bearer=True)
    before = stale_seen()
    for k in range(8):
        st, d = z.post(f"/api/elections/1/bureaux/{k % 4}/sheet",
                       {"inscrits": 1210, "votants": 402, "blancs": 4, "nuls": 2, "votes": [170 + k, 226 - k]})
        check(st == 200 and d["state"] == "entered", f"entry {k} by a name outside ASCII: {st} {d}")
    check(stale_seen() == before, f"re-entries of counted sheets: no difference found: {stale_seen() - before}")
    psql(uni.db, "UPDATE bureaux SET state = 'contested' WHERE election_id = 1 AND idx = 2")
    entries = psql(uni.db, "SELECT count(*) FROM entries")
    st, d = z.post("/api/elections/1/bureaux/2/sheet",
                   {"inscrits": 1210, "votants": 402, "blancs": 4, "nuls": 2, "votes": [200, 196]})
    check(st == 409 or st == 422 or st == 403, f"the entry on a bureau contested by hand is refused: {st} {d}")
    check(stale_seen() == before + 1, f"the row changed by hand found changed in the entry's round trip: "
                                      f"{stale_seen() - before}")
    check(psql(uni.db, "SELECT count(*) FROM entries") == entries, "nothing written")
    psql(uni.db, "UPDATE bureaux SET state = 'entered' WHERE election_id = 1 AND idx = 2")
    # The same figures written otherwise (jsonb's spacing and key order): the text
    # differs, the figures do not. Found different in the round trip, then the same
    # when read under the lock: the entry is written, as if nothing had changed.
    psql(uni.db, "UPDATE bureaux SET figures = (figures::jsonb)::text WHERE election_id = 1 AND idx = 0")
    entries = psql(uni.db, "SELECT count(*) FROM entries")
    st, d = z.post("/api/elections/1/bureaux/0/sheet",
                   {"inscrits": 1210, "votants": 402, "blancs": 4, "nuls": 2, "votes": [201, 195]})
    check(st == 200 and d["state"] == "entered", f"an entry on figures stored in other words: {st} {d}")
    check(stale_seen() == before + 2, f"their text found different: {stale_seen() - before}")
    check(psql(uni.db, "SELECT count(*) FROM entries") == str(int(entries) + 1), "the entry written")
finally:
    check(uni.stop() == 0, "the server stops cleanly")
named = int(psql(uni.db, "SELECT count(*) FROM audit WHERE after LIKE '%zoé-ŝ€😀%'"))
check(named >= 1, f"the name in an entry's text too (the account's creation): {named}")
check(psql(uni.db, "SELECT count(*) FROM audit WHERE actor = 'zoé-ŝ€😀'") == "9", "nine entries by zoé")
p = run("audit", "verify", "--db", uni.db, ok=False)
check(p.returncode == 0 and "audit log intact" in p.stdout and "the stored state matches the log" in p.stdout,
      f"the chain PostgreSQL sealed verifies in C: {p.stdout} {p.stderr}")
shutil.rmtree(uni.dir, ignore_errors=True)

# The database restarted under a running server (its sessions cut): the server opens
# its connection again by itself, says so once, and goes on serving and writing.
back = federation_server()
try:
    a = admin_client(back)
    check(a.get("/api/users")[0] == 200, "the accounts are served before the restart")
    subprocess.run(["sh", os.path.join(SOURCE, "tests", "pg", "cluster.sh"), "restart", cluster], check=True)
    after = [a.get("/api/users")[0] for _ in range(3)]
    check(after == [200, 200, 200], f"served again right after the restart: {after}")
    st, d = a.post("/api/users", {"name": "after", "password": PASSWORD, "role": "observer", "tier": 1})
    check(st == 200, f"a write after the restart: {st} {d}")
finally:
    check(back.stop() == 0, "the server stops cleanly after the restart")
said = open(os.path.join(back.dir, "server.log")).read()
check(said.count("was lost; it is open again") == 1, f"the reconnection said once: {said}")
p = run("audit", "verify", "--db", back.db, ok=False)
check(p.returncode == 0 and "audit log intact" in p.stdout, f"the chain across the restart verifies: {p.stderr}")
shutil.rmtree(back.dir, ignore_errors=True)
shutil.rmtree(srv.dir, ignore_errors=True)
done()
