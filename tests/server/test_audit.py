"""What the audit log covers: the state the server serves. Sheets entered (double
entry), contested, decided, appealed and published through the API; then `urne
audit verify` says intact; then rows changed by hand behind the log's back (SQL
on a copy of the store, SQLite or PostgreSQL: lib.py's tampered): verify exits 1 and names the row, the field, the
stored value and the logged one; the untouched database still verifies."""
import hashlib
import json
import os
import shutil

from lib import *

srv = federation_server(double_entry=True)
try:
    admin = admin_client(srv)
    make_users(admin, {"alice": ("secretary", 1), "bruno": ("secretary", 1), "com": ("commission", 1),
                       "nat": ("commission", 2)})
    for who in ("alice", "bruno"):
        st, _ = admin.post("/api/assignments", {"user": who, "election": 1, "first": 5})
        check(st == 200, f"assign Brignais to {who}")
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
        st, d = com.post(f"/api/elections/1/bureaux/{b}/contest", {"reason": "écart signalé"})
        check(st == 200, f"contest bureau {b}: {st} {d}")
    st, d = com.post("/api/elections/1/disputes/1/decide",
                     {"decision": "correct", "reason": "recompte", "inscrits": 212, "votants": 148, "blancs": 2,
                      "nuls": 1, "votes": [58, 55, 32]})
    check(st == 200, f"correct bureau 0: {st} {d}")
    st, d = com.post("/api/elections/1/disputes/2/decide", {"decision": "annul", "reason": "PV non signé"})
    check(st == 200 and d["bureau_state"] == "annulled", f"annul bureau 1: {st} {d}")
    st, d = com.post("/api/elections/1/disputes/1/escalate", {"reason": "appel de la candidate"})
    check(st == 200, f"escalate: {st} {d}")
    st, d = nat.post("/api/elections/1/disputes/3/decide", {"decision": "validate", "reason": "le PV fait foi"})
    check(st == 200, f"the higher commission validates: {st} {d}")
    st, d = admin.post("/api/elections/1/publish")
    check(st == 200, f"publish: {st} {d}")
    first_digest = d.get("digest", "")
    # Contested after publication: the publication is reopened; decided; published again.
    st, d = com.post("/api/elections/1/bureaux/2/contest", {"reason": "réclamation tardive"})
    check(st == 200, f"contest after publication: {st} {d}")
    st, d = com.post("/api/elections/1/disputes/4/decide", {"decision": "validate", "reason": "PV conforme"})
    check(st == 200, f"validate bureau 2: {st} {d}")
    st, d = admin.post("/api/elections/1/publish")
    check(st == 200, f"publish again: {st} {d}")
    digest = d.get("digest", "")
    st, log = admin.get("/api/audit")
    enter = [e for e in log if e["action"] == "sheet.enter"]
    check(enter and enter[-1]["after"]["state"] == "entered" and enter[-1]["after"]["sheet"]["state"] == "entered",
          "sheet.enter keeps its keys and records the resulting sheet")
    # While the server runs: the log and the rows are read as of one moment.
    p = run("audit", "verify", "--db", srv.db, ok=False)
    check(p.returncode == 0 and "the stored state matches the log:" in p.stdout, f"verify while serving: {p.stderr}")
    decide = [e for e in log if e["action"] == "dispute.decide"]
    check(decide and decide[0]["after"]["decision"] == "correct" and
          decide[0]["after"]["dispute"]["figures_after"]["votes"] == [58, 55, 32], "dispute.decide records the dispute")
finally:
    check(srv.stop() == 0, "server stops cleanly")

p = run("audit", "verify", "--db", srv.db, ok=False)
check(p.returncode == 0 and "audit log intact" in p.stdout and "the stored state matches the log" in p.stdout
      and "not compared:" not in p.stdout, f"the untouched database verifies: {p.returncode} {p.stdout} {p.stderr}")
check("4 dispute(s)" in p.stdout and "3 typed entries" in p.stdout and "2 assignment(s)" in p.stdout,
      f"every dispute and typed entry compared: {p.stdout}")


# Figures: the served votants of Brignais (bureau 5).
p = tampered(srv, "figures", ["UPDATE bureaux SET figures = replace(figures, '\"votants\":61', '\"votants\":71')"
                         " WHERE election_id = 1 AND idx = 5"])
check(p.returncode == 1 and "election 1, bureau 5 (" in p.stderr and "Brignais" in p.stderr and
      "figures.votants: stored 71, logged 61" in p.stderr and "1 difference(s)" in p.stderr,
      f"altered figures named: {p.returncode} {p.stderr}")
check("chain is broken" not in p.stderr, "the chain itself is intact")

# A state: an annulled bureau counted again.
p = tampered(srv, "state", ["UPDATE bureaux SET state = 'entered' WHERE election_id = 1 AND idx = 1"])
check(p.returncode == 1 and "election 1, bureau 1 (" in p.stderr and
      'state: stored "entered", logged "annulled"' in p.stderr, f"altered state named: {p.stderr}")

# A decision rewritten.
p = tampered(srv, "decision", ["UPDATE disputes SET decision = 'revote' WHERE id = 3"])
check(p.returncode == 1 and 'election 1, dispute 3: decision: stored "revote", logged "validate"' in p.stderr,
      f"altered decision named: {p.stderr}")

# A typed entry deleted: the double entry's record of who typed what.
p = tampered(srv, "entry", ["DELETE FROM entries WHERE id = (SELECT min(id) FROM entries)"])
check(p.returncode == 1 and "election 1, bureau 5 (" in p.stderr and
      "typed entry 1: row: stored (no row), logged by user 2: inscrits 90, votants 61" in p.stderr and
      "1 difference(s)" in p.stderr, f"deleted typed entry named: {p.stderr}")

# The reopened publication kept as the previous one.
p = tampered(srv, "previous", ["UPDATE elections SET previous_digest = 'y', previous_reopened_reason = NULL"])
check(p.returncode == 1 and f'previous_digest: stored "y", logged "{first_digest}"' in p.stderr and
      'previous_reopened_reason: stored "", logged "' in p.stderr and "réclamation tardive" in p.stderr,
      f"previous publication named: {p.stderr}")

# The publication's digest, an account's role, the election's title.
p = tampered(srv, "meta", ["UPDATE elections SET published_digest = 'x', title = 'Autre' WHERE id = 1",
                      "UPDATE users SET role = 'admin' WHERE name = 'alice'"])
check(p.returncode == 1 and f'published_digest: stored "x", logged "{digest}"' in p.stderr and
      'title: stored "Autre"' in p.stderr and 'role: stored "admin", logged "secretary"' in p.stderr and
      "3 difference(s)" in p.stderr, f"publication, title and role named: {p.stderr}")

# Two candidates' names swapped: their votes would change hands.
p = tampered(srv, "names", ["UPDATE candidates SET name = CASE idx WHEN 0 THEN (SELECT name FROM candidates WHERE idx = 1)"
                       " ELSE (SELECT name FROM candidates WHERE idx = 0) END WHERE election_id = 1 AND idx IN (0, 1)"])
check(p.returncode == 1 and "election 1: structure (levels, contests, candidates, colleges, bureau names): stored"
      in p.stderr, f"swapped names caught: {p.stderr}")

# A bureau assigned by hand, another unassigned: who may enter what.
p = tampered(srv, "assigned", ["INSERT INTO assignments(user_id, election_id, bureau_idx) VALUES (2, 1, 0)",
                          "DELETE FROM assignments WHERE user_id = 3"])
check(p.returncode == 1 and "election 1, bureau 0, assignment: user 2: stored assigned, logged (no row)" in p.stderr
      and "election 1, bureau 5, assignment: user 3: stored (no row), logged assigned (as of entry" in p.stderr
      and "2 difference(s)" in p.stderr, f"assignments named: {p.stderr}")

# A bureau's row deleted (foreign keys not enforced by a hand: lib.py's store_sql).
p = tampered(srv, "deleted", ["DELETE FROM bureaux WHERE election_id = 1 AND idx = 2"])
check(p.returncode == 1 and "election 1, bureau 2: row: stored (no row), logged validated" in p.stderr,
      f"deleted bureau named: {p.stderr}")

# An audit entry deleted: the chain says so first, as before.
p = tampered(srv, "chain", ["DELETE FROM audit WHERE seq = 3"])
check(p.returncode == 1 and "entry 3 was removed" in p.stderr, f"removed entry: {p.stderr}")

# An old database: the same story as the previous urne logged it (no resulting rows),
# the chain sealed again as that urne would have. It verifies, and says what it could
# not compare instead of calling those rows intact.
def seal(rows):
    prev, out = "0" * 64, []
    for seq, at, actor, action, obj, before, after in rows:
        h = hashlib.sha256()
        for field in ("urne-audit-1", str(seq), at, actor, action, obj, before, after, prev):
            b = field.encode()
            h.update(f"{len(b)}:".encode() + b)
        out.append((seq, after, prev, h.hexdigest()))
        prev = h.hexdigest()
    return out


old = store_copy(srv, "old")
rows = []
for seq, at, actor, action, obj, before, after in store_query(
        old, "SELECT seq, at, actor, action, object, before, after FROM audit ORDER BY seq"):
    a = json.loads(after)
    if isinstance(a, dict):
        for k in ("sheet", "dispute", "sheets", "round", "settings", "double_entry", "deadline", "created_at"):
            a.pop(k, None)
        after = json.dumps(a, ensure_ascii=False, separators=(",", ":"))
    rows.append((seq, at, actor, action, obj, before, after))
resealed = [f"UPDATE audit SET after = {sql_text(after)}, prev = '{prev}', hash = '{h}' WHERE seq = {seq}"
            for seq, after, prev, h in seal(rows)]
store_sql(old, *resealed, f"UPDATE audit_head SET hash = '{seal(rows)[-1][3]}'",
          "UPDATE bureaux SET figures = replace(figures, '\"votants\":61', '\"votants\":71') WHERE idx = 5")
p = run("audit", "verify", "--db", old, ok=False)
check(p.returncode == 0 and "audit log intact" in p.stdout, f"an old log verifies: {p.stdout} {p.stderr}")
check("not compared: election 1: created by entry 2 before urne recorded imported figures in the log" in p.stdout
      and "bureau(x) not compared (0, 1, 2, 5)" in p.stdout and "row(s) not compared (above)" in p.stdout and
      "matches the log where the log records it: 1 election(s), 0 bureau(x)" in p.stdout, f"what an old log cannot vouch for is said: {p.stdout}")

# Verify while the server writes: the log and the rows are read as of one moment, so
# an entry committed in between is not taken for tampering (nor the head for a cut log).
live, w = primary_writer_server()
busy = []
try:
    stream = EntryStream(w).start()
    for _ in range(10):
        p = run("audit", "verify", "--db", live.db, ok=False)
        if p.returncode != 0:
            busy.append(p.stderr)
finally:
    sent = stream.stop()
    live.stop()
check(sent > 0, f"the stream entered sheets meanwhile: {sent}")
check(not busy, f"verify while the server writes: {len(busy)} false alarm(s): {busy[:1]}")
shutil.rmtree(live.dir, ignore_errors=True)

# Restored: the original still verifies.
p = run("audit", "verify", "--db", srv.db, ok=False)
check(p.returncode == 0 and "intact" in p.stdout, f"the untouched database still verifies: {p.stdout} {p.stderr}")
shutil.rmtree(srv.dir, ignore_errors=True)
done()
