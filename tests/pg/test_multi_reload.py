"""One initiative read again alone by a server, while another server's signatures
are on their way to it, counts each of them once (run by tests/pg/run.sh).

A server counts a signature made elsewhere from its notification, without a
read (app/watch.c); any other change to an initiative (here an invalidation)
makes it read that initiative again, row and counts. A signature committed
before that read and heard after it is in both: the read counts it, and the
notification must not count it again (the store marks it seen: the reload
reads in one snapshot and tells the watch so, store/pg_watch.c), while a
signature of ANOTHER initiative committed at the same moment, which that read
did not hold, must still be counted.

The order is made certain by freezing B (SIGSTOP) while A commits, in order:
an invalidation of initiative 1 (B reads 1 again when it hears it), a signature
of 1, and a signature of 2. B, let go (SIGCONT), hears the three in the order
committed, the two signatures after its read of 1 has seen them. Then:

- initiative 1 on B has A's counts, territory by territory and day by day (its
  chart over time): the signature the read saw is not counted a second time;
- initiative 2 on B has A's counts too: its signature, which the read of 1 did
  not hold, is counted (not taken for seen);
- and both are what a server started afterwards loads from the database.

Every wait is a poll with a deadline: what is asserted is that the change
arrives, not how fast."""
import os
import signal
import sys

sys.path.insert(0, os.path.join(sys.argv[2] if len(sys.argv) > 2 else ".", "tests", "server"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib import *  # noqa: E402,F403
from multi import *  # noqa: E402,F403

require_db()
poll_defaults(10.0, 0.02)

ELECTORS = 12
COUNTS = ("signatures", "invalidated", "territories", "per_day")


def counts(client, n):
    d = figures(client, n)
    return {k: d.get(k) for k in COUNTS}


def sign(client, n, i):
    st, d = client.post(f"/api/initiatives/{n}/signatures", signer(i))
    check(st == 201, f"elector {i} signs initiative {n}: {st} {d}")


a = Server()
admin_db(a)
key = authority_key(a)
a.start()
b = Server(db=a.db).start()
servers = [a, b]
frozen = False
try:
    admin = admin_client(a)
    make_users(admin, {"com": ("commission", 1)})
    com_a = a.client()
    check(com_a.login("com", bearer=True)[0] == 200, "com logs in on A")
    for n in (1, 2):
        open_initiative(admin, com_a, n, f"Relue seule {n}", key, ELECTORS)
    public_a, public_b = a.client(), b.client()
    for n in (1, 2):
        for i in range(4):
            sign(public_a if i % 2 else public_b, n, i)
    for n in (1, 2):
        check(poll(lambda: counts(public_a, n) == counts(public_b, n) and counts(public_b, n)["signatures"] == 4),
              f"A and B count initiative {n}'s signatures alike: {counts(public_a, n)} {counts(public_b, n)}")

    # B frozen while A commits: an invalidation of 1, a signature of 1, one of 2.
    b.proc.send_signal(signal.SIGSTOP)
    frozen = True
    st, d = com_a.post("/api/initiatives/1/signatures/1/invalidate", {"reason": "Signature contestée."})
    check(st == 200, f"a signature of 1 invalidated on A: {st} {d}")
    sign(public_a, 1, 4)
    sign(public_a, 2, 4)
    b.proc.send_signal(signal.SIGCONT)
    frozen = False

    # Heard in the order committed: once B counts 2's signature, it has applied
    # the two changes to 1 before it.
    check(poll(lambda: figures(public_b, 2).get("signatures") == 5),
          f"B counts the signature of 2 committed before its read of 1: {counts(public_b, 2)}")
    check(poll(lambda: figures(public_b, 1).get("invalidated") == 1),
          f"B reads 1 again after the invalidation: {counts(public_b, 1)}")
    fa, fb = counts(public_a, 1), counts(public_b, 1)
    check(fb["signatures"] == 4 and fb == fa,
          f"B counts the signature its read of 1 saw once, by territory and by day: A {fa}, B {fb}")
    check(counts(public_b, 2) == counts(public_a, 2),
          f"B's initiative 2 is A's: {counts(public_a, 2)} {counts(public_b, 2)}")

    # What B holds is what the database holds: a server started afterwards.
    c = Server(db=a.db).start()
    servers.append(c)
    public_c = c.client()
    for n in (1, 2):
        check(counts(public_b, n) == counts(public_c, n),
              f"B's initiative {n} is a fresh server's: {counts(public_b, n)} {counts(public_c, n)}")
finally:
    if frozen:
        b.proc.send_signal(signal.SIGCONT)
    for s in servers:
        check(s.stop() == 0, "a server stops cleanly")
done()
