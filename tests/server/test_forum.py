"""The forum component end to end (issue 19), on SQLite and, through tests/pg/run.sh,
on PostgreSQL: an administrator creates two forums; a visitor posts through the
page's form (the stamp it carries, the honeypot left empty, "Qui êtes-vous ?"),
is sent to the private status link that says the message awaits moderation; the
public does not see it; a moderator of the other forum is refused (403); the
forum's moderator approves it and the public reads it, rendered; a reply is
rejected with a reason the author reads through the link; a ban refuses the
author's next message. Bad input (an empty message, 1 MB, invalid UTF-8, a
title of spaces) is refused naming the field, nothing stored. The spam signals
(honeypot, too fast, links, duplicate, rate) reach the queue with their
reasons. The Atom feed is XML with the texts escaped. The threads paginate.
`urne audit verify` passes after it all."""
import os
import json
import re
import socket
import time
import urllib.parse
import xml.etree.ElementTree as ET

from lib import *

srv = Server()
admin_db(srv)
srv.start()
try:
    admin = admin_client(srv)
    make_users(admin, {"mod1": ("observer", 1), "mod2": ("observer", 1), "obs": ("observer", 1)})
    st, d = admin.post("/api/forums", {"attached": "initiative/2", "title": "Débat sur l'eau", "visitors": True})
    check(st == 201 and d.get("id") == 1, f"admin creates forum 1: {st} {d}")
    st, d = admin.post("/api/forums", {"attached": "page/charte", "title": "Charte", "mode": "a-posteriori",
                                       "visitors": True})
    check(st == 201 and d.get("id") == 2, f"admin creates forum 2: {st} {d}")
    st, d = admin.post("/api/forums", {"attached": "page/x", "title": "   "})
    check(st == 400 and d.get("field") == "title" and d.get("rule") == "blank", f"a title of spaces: {st} {d}")
    for name, space in (("mod1", "forum/1"), ("mod2", "forum/2")):
        st, d = admin.post("/api/grants", {"user": name, "space": space, "role": "moderator"})
        check(st == 200, f"{name} moderates {space}: {st} {d}")
    obs = srv.client()
    obs.login("obs", bearer=True)
    st, d = obs.post("/api/forums", {"attached": "page/y", "title": "Non"})
    check(st == 403, f"an observer may not create a forum: {st} {d}")

    # A visitor posts through the form, after reading the page (its stamp).
    visitor = srv.client()
    st, page = visitor.get("/forums/1")
    check(st == 200 and 'href="/forums/1/write"' in page, f"the forum's page links to the form: {st}")
    st, page = visitor.get("/forums/1/write")
    check(st == 200 and "Qui êtes-vous" in page and 'name=website' in page and 'class=hp' in page,
          f"the form has the question and the honeypot: {st}")
    stamp = re.search(r'name=stamp value="([^"]+)"', page).group(1)
    time.sleep(3.2)  # a person takes longer than the minimum to fill the form (not a timing assertion)
    fields = {"stamp": stamp, "parent": "0", "title": "L'eau <b>potable</b>", "message": "Bonjour {{à tous}}",
              "name": "Ana", "email": "ana@example.org", "website": ""}
    st, _ = visitor.form("/forums/1", dict(fields, preview="1"))
    check(st == 200, f"preview: {st}")
    st, page = visitor.form("/forums/1", fields)
    check(st == 303 and visitor.location.startswith("/forums/status?t="), f"sent to the status link: {st} {visitor.location}")
    link = visitor.location
    st, page = visitor.get(link)
    check(st == 200 and "attend la modération" in page, f"the author sees it awaits moderation: {st}")
    token = urllib.parse.parse_qs(urllib.parse.urlparse(link).query)["t"][0]
    st, d = visitor.get("/api/forums/status?t=" + token)
    check(st == 200 and d["state"] == "waiting" and d["id"] == 1, f"the API says waiting: {st} {d}")
    public = srv.client()
    st, d = public.get("/api/forums/1")
    check(st == 200 and d["posts"] == [] and d["messages"] == 0, f"the public sees nothing yet: {st} {d}")

    # Moderators: of another forum refused, of this one approves.
    m2 = srv.client()
    m2.login("mod2", bearer=True)
    st, d = m2.post("/api/posts/1/moderate", {"act": "approve"})
    check(st == 403 and "needs: moderator" in d.get("error", ""),
          f"a moderator of another forum is refused, told a moderator's role is needed: {st} {d}")
    st, d = m2.get("/api/forums/queue?forum=1")
    check(st == 403, f"...and does not read its queue: {st} {d}")
    m1 = srv.client()
    m1.login("mod1", bearer=True)
    st, d = m1.get("/api/forums/queue")
    check(st == 200 and d["waiting"]["count"] == 1 and [p["id"] for p in d["posts"]] == [1]
          and d["waiting"]["oldest_seconds"] >= 0, f"mod1's queue: {st} {d}")
    st, d = m1.post("/api/posts/1/moderate", {"act": "approve"})
    check(st == 200, f"mod1 approves: {st} {d}")
    st, page = public.get("/forums/1/t/1")
    check(st == 200 and "<strong>à tous</strong>" in page and "L&#39;eau &lt;b&gt;potable&lt;/b&gt;" in page,
          f"the public reads it rendered, its title escaped: {st}")
    check("Ana <span class=visitor>(visiteur)</span>" in page, "a visitor's name is marked as a visitor's")
    st, _ = public.get("/forums/2/t/1")
    check(st == 404, f"forum 1's thread is not shown under forum 2: {st}")
    st, d = public.get("/api/forums/1")
    check(st == 200 and d["messages"] == 1 and d["participants"] == 1 and [p["id"] for p in d["posts"]] == [1],
          f"the counts and the thread: {d}")

    # A reply rejected with a reason; the author reads it.
    st, d = visitor.post("/api/forums/1/posts", {"parent": 1, "message": "Hors sujet total", "name": "Ana",
                                                 "email": "ana@example.org", "stamp": stamp})
    check(st == 201 and d["state"] == "waiting", f"a reply by the API: {st} {d}")
    reply_token = d["token"]
    st, d = m1.post(f"/api/posts/{d['id']}/moderate", {"act": "reject", "reason": ""})
    check(st == 400 and d.get("field") == "reason", f"a rejection needs a reason: {st} {d}")
    st, d = m1.post("/api/posts/2/moderate", {"act": "reject", "reason": "Hors sujet, désolé."})
    check(st == 200, f"rejected with a reason: {st} {d}")
    st, page = visitor.get("/forums/status?t=" + reply_token)
    check(st == 200 and "Hors sujet, désolé." in page and "rejeté" in page, f"the author reads the reason: {st}")

    # Bad input: clear messages, nothing stored.
    before = m1.get("/api/forums/queue")[1]["waiting"]["count"]
    bad = (({"title": "t", "message": ""}, "message", "length"),
           ({"title": "   ", "message": "Bonjour"}, "title", "blank"))
    for body, field, rule in bad:
        st, d = visitor.post("/api/forums/1/posts", dict(body, name="Ana", email="ana@example.org", stamp=stamp))
        check(st == 400 and d.get("field") == field and d.get("rule") == rule, f"{field} {rule}: {st} {d}")
    raw = b'{"title":"t","message":"caf\xc3(","name":"Ana","email":"ana@example.org"}'
    st, d = visitor.request("POST", "/api/forums/1/posts", raw=raw, content_type="application/json")
    check(st == 400, f"invalid UTF-8 is refused: {st} {d}")
    # A message of 1 MB: the server refuses the request's size (413) before reading it.
    sock = socket.create_connection(("127.0.0.1", srv.port))
    sock.sendall(b"POST /api/forums/1/posts HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                 b"Content-Length: %d\r\n\r\n" % ((1 << 20) + 64))
    head = sock.recv(4096).decode()
    sock.close()
    check(head.startswith("HTTP/1.1 413"), f"a message of 1 MB is refused: {head[:40]}")
    # Just over the message's own limit, within the request's: 400 naming the field and its limit.
    st, d = visitor.post("/api/forums/1/posts", {"title": "t", "message": "a" * 20001, "name": "Ana",
                                                 "email": "ana@example.org"})
    check(st == 400 and d.get("field") == "message" and d.get("rule") == "length" and "20000" in d["error"],
          f"a message over 20,000 bytes: {st} {d}")
    check(m1.get("/api/forums/queue")[1]["waiting"]["count"] == before, "nothing was stored")

    # Spam signals reach the queue with their reasons (forum 2, a posteriori).
    bot = srv.client()
    st, d = bot.post("/api/forums/2/posts", {"title": "Promo", "message": "Achetez", "name": "Bot",
                                             "email": "bot@example.org", "website": "http://spam.example"})
    check(st == 201 and d["state"] == "waiting" and d["flags"] == "honeypot,too-fast", f"honeypot, no stamp: {st} {d}")
    m2stamp = bot.get("/api/forums/2")[1]["stamp"]
    st, d = bot.post("/api/forums/2/posts", {"title": "Liens", "name": "Bot", "email": "bot2@example.org",
                                             "stamp": m2stamp,
                                             "message": " ".join(f"[x->https://{i}.example]" for i in range(5))})
    check(st == 201 and "links" in d["flags"] and "too-fast" in d["flags"], f"links, too fast: {st} {d}")
    st, d = bot.post("/api/forums/2/posts", {"title": "Liens", "name": "Bot", "email": "bot3@example.org",
                                             "message": " ".join(f"[x->https://{i}.example]" for i in range(5))})
    check(st == 201 and "duplicate" in d["flags"], f"the same text again: {st} {d}")
    for i in range(20):
        st, d = bot.post("/api/forums/2/posts", {"title": f"n{i}", "message": f"message {i}", "name": "Bot",
                                                 "email": f"b{i}@example.org"})
    check(st == 201 and "address-rate" in d["flags"], f"the rate per address: {st} {d}")
    st, d = m2.get("/api/forums/queue?forum=2&limit=2")
    check(st == 200 and d["posts"][0]["flags"] == "honeypot,too-fast" and d["posts"][0]["score"] > 0
          and len(d["posts"]) == 2 and d["next"] == d["posts"][1]["id"], f"the queue, its reasons, by pages: {d}")
    st, d2 = m2.get(f"/api/forums/queue?forum=2&limit=2&after={d['next']}")
    check(st == 200 and d2["posts"][0]["id"] > d["next"], f"the next page: {d2}")
    st, page = m2.get("/forums/moderation?lang=fr")
    check(st == 200 and "champ caché rempli" in page, f"the queue page words the signals: {st}")

    # A ban: the author's next message is refused.
    st, d = m1.post("/api/posts/1/moderate", {"act": "ban-author", "reason": "Essai"})
    check(st == 200, f"mod1 bans post 1's author: {st} {d}")
    st, log = admin.get("/api/audit")
    bans = [e for e in log if e["action"] == "forum.ban"] if isinstance(log, list) else []
    check(bans and "ana@example.org" not in json.dumps(bans) and "sha256:" in json.dumps(bans),
          f"the ban's record in the log holds the address's hash, never the address: {bans}")
    st, d = visitor.post("/api/forums/1/posts", {"title": "Encore", "message": "Me revoilà", "name": "Ana",
                                                 "email": "ana@example.org"})
    check(st == 403, f"the banned author is refused: {st} {d}")
    st, d = visitor.post("/api/forums/1/posts", {"title": "Encore", "message": "Me revoilà", "name": "Ana",
                                                 "email": "Ana@Example.ORG"})
    check(st == 403, f"...and so is the same address in capitals: {st} {d}")

    # Pagination of threads, and the Atom feed.
    for i in range(35):
        admin.post("/api/forums/2/posts", {"title": f"Sujet {i} <&>", "message": f"Texte {i} & <i>"})
    # The rates flag most of these (one address, one author): the site's administrator approves them all.
    st, d = admin.get("/api/forums/queue?forum=2&limit=1000")
    for p in d["posts"]:
        admin.post(f"/api/posts/{p['id']}/moderate", {"act": "approve"})
    st, d = admin.get("/api/forums/queue?forum=2")
    check(st == 200 and d["waiting"]["count"] == 0, f"the queue emptied: {d['waiting']}")
    st, d = public.get("/api/forums/2")
    check(st == 200 and len(d["posts"]) == 50 and d["next"] == d["posts"][-1]["id"], f"threads by pages of 50: {st}")
    st, d2 = public.get(f"/api/forums/2?before={d['next']}")
    check(st == 200 and d2["posts"] and d2["posts"][0]["id"] < d["next"], f"the next page of threads: {st}")
    st, page = public.get("/forums/2")
    check(st == 200 and "before=" in page, f"the page links to older threads: {st}")
    older = re.search(r'href="(/forums/2\?before=\d+)"', page).group(1)
    st, page2 = public.get(older.replace("&amp;", "&"))
    check(st == 200 and "Sujet 0" in page2, f"older threads: {st}")
    st, feed = public.get("/forums/2/atom")
    check(st == 200 and public.last_headers["content-type"].startswith("application/atom+xml"), f"Atom: {st}")
    root = ET.fromstring(feed.encode())
    entries = root.findall("{http://www.w3.org/2005/Atom}entry")
    check(len(entries) > 0 and entries[0].find("{http://www.w3.org/2005/Atom}title").text.startswith("Sujet 34 <&>"),
          f"the feed is XML, its texts escaped: {len(entries)}")
    content = entries[0].find("{http://www.w3.org/2005/Atom}content").text
    check(content == "<p>Texte 34 &amp; &lt;i&gt;</p>", f"the entry's HTML, the <i> typed shown as text: {content!r}")
    # One message left waiting, as its author wrote it: verify does not compare it.
    st, d = srv.client().post("/api/forums/1/posts", {"title": "Dernier", "message": "En attente", "name": "Léa",
                                                      "email": "lea@example.org"})
    check(st == 201 and d["state"] == "waiting", f"a last message waits: {st} {d}")
    last_waiting = d["id"]
finally:
    check(srv.stop() == 0, "server stops cleanly")

p = run("audit", "verify", "--db", srv.db, ok=False)
check(p.returncode == 0 and "audit log intact" in p.stdout and "forum row(s) compared" in p.stdout
      and "not compared" in p.stdout, f"urne audit verify passes, comparing the forums: {p.returncode} {p.stdout} {p.stderr}")

# `urne store copy` carries the forums' tables whole: the copy verifies the same.
copy_to = os.path.join(srv.dir, "copy.db")
p = run("store", "copy", "--from", srv.db, "--to", copy_to, ok=False)
counts = {m.group(1): int(m.group(2)) for m in re.finditer(r"^  (\w+) +(\d+)$", p.stdout, re.M)}
check(p.returncode == 0 and counts.get("forums") == 2 and counts.get("forum_bans") == 1
      and counts.get("forum_posts", 0) > 60, f"the copy holds the forums' rows: {p.returncode} {counts} {p.stderr}")
p2 = run("audit", "verify", "--db", copy_to, ok=False)
check(p2.returncode == 0 and "forum row(s) compared" in p2.stdout, f"the copy verifies: {p2.stdout} {p2.stderr}")

# Rows changed behind the log's back, each on a copy: verify names them.
check_tampered(srv, (
    ("a rejected reply published", "UPDATE forum_posts SET state = 'published' WHERE id = 2",
     'forum message 2: state: stored "published", logged "rejected"'),
    ("a rejection's reason rewritten", "UPDATE forum_posts SET reason = 'Spam' WHERE id = 2",
     "forum message 2: reason"),
    ("a waiting message rejected without an act",
     f"UPDATE forum_posts SET state = 'rejected' WHERE id = {last_waiting}",
     f"forum message {last_waiting}: state: stored rejected, logged (no act)"),
    ("a forum's mode changed", "UPDATE forums SET mode = 'a-posteriori' WHERE id = 1",
     'forum 1: mode: stored "a-posteriori", logged "a-priori"'),
    ("a ban removed", "DELETE FROM forum_bans WHERE id = 1", "forum ban 1: row: stored (no row)"),
))
done()
