"""The state a notification carries to the other servers (run by tests/pg/run.sh,
which starts the throwaway cluster and sets URNE_TEST_DB_URL).

A sheet entered through one server is announced with its audit entry's seq, hash and
`after` text (the "sheet" record: the bureau's row as written), and a server that
hears it patches its memory from that record instead of reading the row back
(store/pg_watch.c, app/watch.c). Two servers A and B on one database; the
notifications below are sent by hand (pg_notify, as urne sends them, from an
origin that is neither server's):

- a well-formed record, newer than anything B holds of the sheet, is applied as
  carried, with no read: B shows the record's figures, not the row's (the row was
  changed by hand, unannounced, to tell the two apart);
- a record that is not as urne writes it (not JSON, no "sheet", another bureau,
  a state urne does not know, a count that is not an integer, votes the contest
  does not have, no seq, no hash or a short one), or one whose seq is not above what B already holds of
  the sheet (an older record arriving after a newer state), is never applied: B
  reads the row back and shows what the database holds;
- after all that, a real stream of entries through A, carried to B, leaves B's
  results those of a server started fresh on the database.

Every wait is a poll with a deadline of a few seconds: what is asserted is what B
ends up showing, not how fast."""
import json
import os
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(sys.argv[2] if len(sys.argv) > 2 else ".", "tests", "server"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib import *  # noqa: E402,F403
from multi import *  # noqa: E402,F403

require_db()
poll_defaults(5.0, 0.01)

N = 80  # bureaux


def psql(db, statement):
    return subprocess.run(["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", db, "-c", statement], check=True,
                          capture_output=True, text=True).stdout.strip()


a = Server()
admin_db(a)
town_election(a, "Carried state", N, 10)
a.start()
b = Server(db=a.db).start()
try:
    admin = admin_client(a)
    make_users(admin, {"sec": ("secretary", 1)})
    check(admin.post("/api/assignments", {"user": "sec", "election": 1, "first": 0, "last": N - 1})[0] == 200,
          "assign every bureau")
    sec_a, sec_b = a.client(), b.client()
    check(sec_a.login("sec", bearer=True)[0] == 200 and sec_b.login("sec", bearer=True)[0] == 200, "sec logs in")

    # Bureaux 0..19 entered through A and seen on B (its first changes of the
    # election are read back; then B knows where its memory stands).
    for i in range(20):
        check(sec_a.post(f"/api/elections/1/bureaux/{i}/sheet", sheet_for(i))[0] == 200, f"entry {i} on A")
    check(poll(lambda: all(votes_on(sec_b, i) == sheet_for(i)["votes"] for i in range(20))),
          "B sees the 20 entries made through A")

    def record_of(i):
        """The audit entry of bureau i's entry: (seq, hash, after as a dict)."""
        seq, hash_, after = psql(a.db, f"SELECT seq, hash, after FROM audit WHERE object = 'election/1/bureau/{i}' "
                                       "AND action = 'sheet.enter' ORDER BY seq DESC LIMIT 1").split("|", 2)
        return int(seq), hash_, json.loads(after)

    def row_votes(i, votes):
        """Bureau i's row changed by hand, announced to nobody: its votes."""
        fig = dict(sheet_for(i), exprimes=None, votes=votes)
        fig["votants"] = sum(votes) + 2
        psql(a.db, f"UPDATE bureaux SET figures = {sql_text(json.dumps(fig))} WHERE election_id = 1 AND idx = {i}")

    def announce(i, tail):
        payload = f"by-hand election/1/bureau/{i}" + tail
        psql(a.db, f"SELECT pg_notify('urne_sheet', {sql_text(payload)})")

    # A well-formed record newer than B's memory: applied as carried, no read.
    seq, hash_, after = record_of(0)
    carried = [111, 222]
    after["sheet"]["figures"]["votes"] = carried
    row_votes(0, [333, 444])
    announce(0, f"\n{10 ** 9} {hash_} " + json.dumps(after))
    check(poll(lambda: votes_on(sec_b, 0) == carried), f"B applies the carried record: {votes_on(sec_b, 0)}")

    # What must never be applied: B reads the row back instead.
    def garbled(i, how):
        seq, hash_, after = record_of(i)
        after["sheet"]["figures"]["votes"] = [1, 2]  # what B must not show
        rec = after["sheet"]
        if how == "not json":
            return f"\n{10 ** 9} {hash_} " + json.dumps(after)[:-3]
        if how == "no hash":
            return f"\n{10 ** 9} " + json.dumps(after)
        if how == "a short hash":
            return f"\n{10 ** 9} {hash_[:40]} " + json.dumps(after)
        if how == "no sheet":
            del after["sheet"]
        if how == "another bureau":
            rec["bureau"] = i + 1
        if how == "unknown state":
            rec["state"] = "frobbed"
        if how == "a count as text":
            rec["figures"]["inscrits"] = "1000"
        if how == "a vote too many":
            rec["figures"]["votes"] = [1, 2, 3]
        if how == "no seq":
            return f"\n {hash_} " + json.dumps(after)
        if how == "an older seq":
            return f"\n{seq} {hash_} " + json.dumps(after)  # B holds this sheet as of at least seq
        return f"\n{10 ** 9} {hash_} " + json.dumps(after)

    cases = ["not json", "no hash", "a short hash", "no sheet", "another bureau", "unknown state",
             "a count as text", "a vote too many", "no seq", "an older seq"]
    for k, how in enumerate(cases):
        i = 1 + k
        stored = [400 + k, 500 + k]
        row_votes(i, stored)
        announce(i, garbled(i, how))
        check(poll(lambda: votes_on(sec_b, i) == stored),
              f"{how}: B reads bureau {i} back from the database: {votes_on(sec_b, i)}")
        check(votes_on(sec_b, i) != [1, 2], f"{how}: the carried figures were not applied")

    # A real stream through A, carried to B: B's results are a fresh server's.
    for i in range(20, N):
        check(sec_a.post(f"/api/elections/1/bureaux/{i}/sheet", sheet_for(i))[0] == 200, f"entry {i} on A")
    check(poll(lambda: all(votes_on(sec_b, i) == sheet_for(i)["votes"] for i in range(20, N))),
          "B sees every entry made through A")
    # B's audit head, taken from the seq and hash the entries carried (the forged
    # one above forgotten at B's next read of the head, which the garbled ones
    # made), is the database's.
    db_head = psql(a.db, "SELECT seq || ' ' || hash FROM audit_head")

    def head_of(srv):
        st, d = srv.client().get("/api/audit/head")
        return f"{d.get('seq')} {d.get('hash')}" if st == 200 else None

    check(poll(lambda: head_of(b) == db_head), f"B's audit head is the database's: {head_of(b)} {db_head}")
    row_votes(0, sheet_for(0)["votes"])  # the hand-made differences undone, announced
    announce(0, "")
    check(poll(lambda: votes_on(sec_b, 0) == sheet_for(0)["votes"]), "B reads bureau 0 back when nothing is carried")
    for k in range(len(cases)):
        row_votes(1 + k, sheet_for(1 + k)["votes"])
        announce(1 + k, "")
    c = Server(db=a.db).start()
    try:
        fresh = c.client().get("/api/elections/1/results")
        check(fresh[0] == 200 and poll(lambda: b.client().get("/api/elections/1/results") == fresh),
              "B's results, patched from the records carried, equal a fresh server's")
    finally:
        check(c.stop() == 0, "C stops cleanly")
        shutil.rmtree(c.dir, ignore_errors=True)
finally:
    check(a.stop() == 0, "A stops cleanly")
    check(b.stop() == 0, "B stops cleanly")
if not failures:
    shutil.rmtree(a.dir, ignore_errors=True)
    shutil.rmtree(b.dir, ignore_errors=True)
done()
