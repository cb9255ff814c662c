"""An initiative through two servers on one PostgreSQL database (run by
tests/pg/run.sh). A and B, each holding the initiatives and their counts in
memory:

- an initiative created, its roll imported, declared admissible and opened
  through A is seen by B (B then takes signatures: it knows the collection is
  open);
- signatures through both at once are each counted by both: a signature made on
  one server is announced (it writes no audit entry) and counted by the other
  without a reload, so both show the same counts, equal to a recount from the rows;
- an invalidation by the committee on B is seen by A (the initiative read again);
- a server started after all that loads the same counts.

Every wait is a poll with a deadline: what is asserted is that the change
arrives, not how fast."""
import os
import sys
import threading
import time

sys.path.insert(0, os.path.join(sys.argv[2] if len(sys.argv) > 2 else ".", "tests", "server"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib import *  # noqa: E402,F403
from multi import *  # noqa: E402,F403

require_db()
poll_defaults(10.0, 0.05)

ELECTORS = 120


a = Server()
admin_db(a)
key = authority_key(a)
a.start()
b = Server(db=a.db).start()
try:
    admin = admin_client(a)
    make_users(admin, {"com": ("commission", 1)})
    com_a, com_b = a.client(), b.client()
    check(com_a.login("com", bearer=True)[0] == 200 and com_b.login("com", bearer=True)[0] == 200, "com logs in")
    open_initiative(admin, com_a, 1, "Deux serveurs", key, ELECTORS)

    public_a, public_b = a.client(), b.client()
    seen = poll(lambda: figures(public_b).get("state") == "collecting" and
                figures(public_b).get("territories") and
                sum(t["electors"] for t in figures(public_b)["territories"]) == ELECTORS)
    check(seen, f"B sees the initiative A opened, with its roll: {figures(public_b)}")

    # Signatures through both servers at once, each elector once.
    answers = []
    def stream(srv, first):
        c = srv.client()
        for i in range(first, ELECTORS, 2):
            answers.append(c.post("/api/initiatives/1/signatures", signer(i))[0])
    threads = [threading.Thread(target=stream, args=(a, 0)), threading.Thread(target=stream, args=(b, 1))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    check(answers.count(201) == ELECTORS, f"every signature acknowledged: {sorted(set(answers))}")
    both = poll(lambda: figures(public_a).get("signatures") == ELECTORS and
                figures(public_b).get("signatures") == ELECTORS)
    fa, fb = figures(public_a), figures(public_b)
    check(both and fa["territories"] == fb["territories"],
          f"both servers count every signature, by territory: {fa.get('signatures')} {fb.get('signatures')}")
    check(all(t["signatures"] == t["electors"] for t in fb.get("territories", [])),
          f"each territory's count on B is its electors': {fb.get('territories')}")

    # The committee invalidates on B; A reads the initiative again.
    st, d = com_b.post("/api/initiatives/1/signatures/1/invalidate", {"reason": "Signature contestée."})
    check(st == 200, f"invalidated on B: {st} {d}")
    check(poll(lambda: figures(public_a).get("signatures") == ELECTORS - 1 and
               figures(public_a).get("invalidated") == 1),
          f"A sees the invalidation: {figures(public_a)}")
    st, d = public_a.post("/api/initiatives/1/signatures", signer(0))
    check(st == 409, f"an elector who signed on A already is refused: {st}")
    st, d = public_b.post("/api/initiatives/1/signatures", signer(1))
    check(st == 409, f"one who signed on B, refused on B: {st}")
    final = poll(lambda: figures(public_b).get("invalidated") == 1 and figures(public_b)) or {}
finally:
    check(a.stop() == 0, "A stops cleanly")
    check(b.stop() == 0, "B stops cleanly")

c = Server(db=a.db).start()
try:
    fc = figures(c.client())
    check(fc.get("signatures") == ELECTORS - 1 and fc.get("invalidated") == 1
          and fc.get("territories") == final.get("territories"),
          f"a server started afterwards loads the counts B held: {fc} {final}")
finally:
    check(c.stop() == 0, "C stops cleanly")
done()
