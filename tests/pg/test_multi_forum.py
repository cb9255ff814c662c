"""A forum through two servers on one PostgreSQL database (run by tests/pg/run.sh).
Each server keeps each forum's counts of published messages and participants in
memory (app/forum_tally.c), read from the store once: a post published on one
server, and a moderator's act withdrawing or publishing one, is announced in its
transaction and moves the other server's counts; the other's cached forum page
goes with it. Both servers show the counts a recount of the rows gives (a third
server started afterwards reads them from the store). A form shown by one server
is posted to the other (the forms' key is the database's). The rates of the hour
and the duplicates are the site's: a post sent to one server counts on the other,
so an author sending to each in turn is flagged at the 11th message of the hour,
and a text sent to A then to B is a duplicate on B.

Every wait is a poll with a deadline: what is asserted is that the change
arrives, not how fast."""
import os
import sys
import time

sys.path.insert(0, os.path.join(sys.argv[2] if len(sys.argv) > 2 else ".", "tests", "server"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib import *  # noqa: E402,F403
from multi import *  # noqa: E402,F403

require_db()
poll_defaults(10.0, 0.05)


def counts(client):
    st, d = client.get("/api/forums/1")
    return (d.get("messages"), d.get("participants")) if st == 200 else None


def stamps(client, n):
    """n form stamps from this server (each server signs its own), aged past the
    minimum time to fill the form."""
    out = [client.get("/api/forums/1")[1]["stamp"] for _ in range(n)]
    time.sleep(3.2)  # a person takes longer than the minimum (not a timing assertion)
    return out


def post(client, stamp, who, text):
    st, d = client.post("/api/forums/1/posts", {"title": "Avis", "message": text, "name": who.capitalize(),
                                                "email": f"{who}@example.org", "stamp": stamp, "website": ""})
    check(st == 201 and d.get("state") == "published", f"{who} publishes at once: {st} {d}")
    return d["id"]


a = Server()
admin_db(a)
a.start()
b = Server(db=a.db).start()
try:
    admin_a, admin_b = admin_client(a), admin_client(b)
    st, d = admin_a.post("/api/forums", {"attached": "page/charte", "title": "Charte", "mode": "a-posteriori",
                                          "visitors": True})
    check(st == 201, f"a forum a posteriori created on A: {st} {d}")
    va, vb = a.client(), b.client()
    check(poll(lambda: counts(vb) == (0, 0)), f"B knows the forum, no message: {counts(vb)}")
    st, page = vb.get("/forums/1")
    check(st == 200 and "0 messages" in page, f"B's forum page, cached, says 0: {st}")

    sa = stamps(va, 3)
    ids = [post(va, sa[0], "ana", "Premier avis."), post(va, sa[1], "ana", "Second avis."),
           post(va, sa[2], "bea", "Un autre avis.")]
    check(counts(va) == (3, 2), f"A counts its own posts: {counts(va)}")
    check(poll(lambda: counts(vb) == (3, 2)), f"B hears A's posts: {counts(vb)}")
    check(poll(lambda: "3 messages" in vb.get("/forums/1")[1]), "B's cached forum page went with them")

    sb = stamps(vb, 2)
    post(vb, sb[0], "cid", "Depuis B.")
    post(vb, sb[1], "ana", "Encore moi, depuis B.")
    check(poll(lambda: counts(va) == (5, 3)), f"A hears B's posts: {counts(va)}")

    st, d = admin_b.post(f"/api/posts/{ids[2]}/moderate", {"act": "hide"})
    check(st == 200, f"B's moderator hides bea's post: {st} {d}")
    check(counts(vb) == (4, 2), f"B counts the hidden post out: {counts(vb)}")
    check(poll(lambda: counts(va) == (4, 2)), f"A hears it: {counts(va)}")
    st, d = admin_a.post(f"/api/posts/{ids[2]}/moderate", {"act": "approve"})
    check(st == 200, f"A's moderator publishes it again: {st} {d}")
    check(poll(lambda: counts(vb) == (5, 3) and counts(va) == (5, 3)),
          f"both count it again: {counts(va)} {counts(vb)}")

    # A form shown by A, posted to B.
    st, d = vb.post("/api/forums/1/posts", {"title": "Avis", "message": "Formulaire de A, envoyé à B.",
                                            "name": "Fay", "email": "fay@example.org", "stamp": stamps(va, 1)[0]})
    check(st == 201 and d.get("flags") == "" and d.get("state") == "published",
          f"a stamp of A is good on B: {st} {d}")

    # The rates of the hour count both servers' posts (not across an hour's end).
    into_hour = time.time() % 3600
    if into_hour > 3600 - 90:
        time.sleep(3600 - into_hour + 1)
    st_all = stamps(va, 12)
    flags = []
    for i in range(11):
        if i == 10:
            # A has heard B's five (the counts of published messages come in the same
            # notifications, after the posts' marks): then the 11th.
            check(poll(lambda: counts(va) == (16, 5)), f"A has heard eve's messages sent to B: {counts(va)}")
        client = va if i % 2 == 0 else vb
        st, d = client.post("/api/forums/1/posts", {"title": "Avis", "message": f"Message {i} d'Eve.", "name": "Eve",
                                                    "email": "eve@example.org", "stamp": st_all[i]})
        check(st == 201, f"eve's message {i}: {st} {d}")
        flags.append(d.get("flags"))
    check(flags[:10] == [""] * 10 and flags[10] == "author-rate",
          f"the 11th message of the hour, sent to each server in turn, is flagged: {flags}")
    st, d = vb.post("/api/forums/1/posts", {"title": "Avis", "message": "Un  texte\nrépété.", "name": "Gus",
                                            "email": "gus@example.org", "stamp": st_all[11]})
    check(st == 201 and d.get("state") == "published", f"gus's text on B: {st} {d}")
    sb2 = stamps(vb, 1)[0]
    check(poll(lambda: counts(va) == (17, 6)), f"A has heard gus's text sent to B: {counts(va)}")
    st, d = va.post("/api/forums/1/posts", {"title": "Avis", "message": "Un texte répété.", "name": "Hal",
                                            "email": "hal@example.org", "stamp": sb2})
    check(st == 201 and "duplicate" in d.get("flags", ""), f"a text sent to B then to A is a duplicate on A: {st} {d}")
finally:
    check(a.stop() == 0, "A stops cleanly")
    check(b.stop() == 0, "B stops cleanly")

c = Server(db=a.db).start()
try:
    fc = counts(c.client())
    check(fc == (5 + 1 + 10 + 1, 3 + 3), f"a server started afterwards reads the same from the rows: {fc}")
finally:
    check(c.stop() == 0, "C stops cleanly")
done()
