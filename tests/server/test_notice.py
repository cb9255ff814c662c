"""The notice component (the example a new component copies): anyone reads /notices
(French and English) and /api/notices; an administrator publishes by the API and by
the page's form (CSRF, then sent back to the page with a flash); other roles are
refused (403; 401 when not logged in); the engine's rules come back as 400 naming
the field and the rule; what was typed is escaped on the page; `urne audit
verify` passes on a database with notices, compares them with the log, and names
a notice rewritten, removed or added behind its back."""
import html
import os
import re
import urllib.parse

from lib import *

srv = Server()
admin_db(srv)
srv.start()
try:
    public = srv.client()
    st, page = public.get("/notices")
    check(st == 200 and "<h1>Annonces</h1>" in page and "Aucune annonce" in page, f"GET /notices in French: {st}")
    check('href="/notices"' in page, "the navigation links to /notices")
    st, page = public.get("/notices", headers={"Accept-Language": "en"})
    check(st == 200 and "<h1>Notices</h1>" in page and "No notice yet." in page, f"Accept-Language: en: {st}")
    st, page = public.get("/notices?lang=en")
    check(st == 200 and "<h1>Notices</h1>" in page, f"?lang=en: {st}")
    check('name=title' not in page, "the public sees no form")
    st, d = public.get("/api/notices")
    check(st == 200 and d == [], f"GET /api/notices, none yet: {st} {d}")

    admin = srv.client()
    check(admin.login("admin", bearer=True)[0] == 200, "admin logs in")
    make_users(admin, {"obs": ("observer", 1), "sec": ("secretary", 1), "com": ("commission", 1)})

    # The API: an administrator publishes.
    st, d = admin.post("/api/notices", {"title": "Dépouillement à 20 h", "body": "Salle des fêtes.\nEntrée libre."})
    check(st == 201 and d.get("id") == 1, f"admin publishes by the API: {st} {d}")
    xss = "<script>alert(1)</script>"
    st, d = admin.post("/api/notices", {"title": xss, "body": "a & b <b>bold</b>"})
    check(st == 201 and d.get("id") == 2, f"a title with markup is accepted as text: {st} {d}")
    st, d = public.get("/api/notices")
    check(st == 200 and [n["id"] for n in d] == [2, 1], f"listed newest first: {d}")
    check(d and d[0]["title"] == xss and d[1]["body"] == "Salle des fêtes.\nEntrée libre."
          and d[1]["published_by"] == "admin" and d[1]["published_at"].endswith("Z"), f"the API gives the texts: {d}")
    st, page = public.get("/notices")
    check(st == 200 and xss not in page and html.escape(xss, quote=True) in page, "the title is escaped on the page")
    check("a &amp; b &lt;b&gt;bold&lt;/b&gt;" in page, "the body is escaped on the page")
    check("Salle des fêtes.<br>Entrée libre." in page, "the body's lines are lines")
    check(page.index(html.escape(xss, quote=True)) < page.index("Dépouillement"), "the page shows the newest first")

    # Other roles: 403; nobody: 401; on the API and the form alike.
    for name in ("obs", "sec", "com"):
        c = srv.client()
        c.login(name, bearer=True)
        st, d = c.post("/api/notices", {"title": "t", "body": "b"})
        check(st == 403, f"{name} may not publish by the API: {st} {d}")
        c2 = srv.client()
        c2.login(name)
        st, _ = c2.request("POST", "/notices", raw=b"title=t&body=b", content_type="application/x-www-form-urlencoded")
        check(st == 403, f"{name} may not publish by the form: {st}")
    st, d = public.post("/api/notices", {"title": "t", "body": "b"})
    check(st == 401, f"nobody logged in: 401: {st} {d}")
    st, _ = public.request("POST", "/notices", raw=b"title=t&body=b", content_type="application/x-www-form-urlencoded")
    check(st == 401, f"nobody logged in, the form: 401: {st}")

    # The engine's rules, by field.
    st, d = admin.post("/api/notices", {"title": "", "body": "b"})
    check(st == 400 and d.get("field") == "title" and d.get("rule") == "title-length" and "'title'" in d["error"],
          f"an empty title: 400 naming the field: {st} {d}")
    st, d = admin.post("/api/notices", {"body": "b"})
    check(st == 400 and d.get("field") == "title", f"no title: 400: {st} {d}")
    st, d = admin.post("/api/notices", {"title": "t", "body": "x" * 5001})
    check(st == 400 and d.get("field") == "body" and d.get("rule") == "body-length" and "5001" in d["error"]
          and "5000" in d["error"], f"a body of 5001 bytes: 400: {st} {d}")
    st, d = admin.post("/api/notices", {"title": "t", "body": "x" * 5000})
    check(st == 201, f"a body of 5000 bytes: 201: {st} {d}")
    st, d = admin.post("/api/notices", {"title": "é" * 101, "body": "b"})
    check(st == 400 and d.get("rule") == "title-length", f"a title of 202 bytes: 400: {st} {d}")
    st, d = admin.post("/api/notices", {"title": "t", "body": "a\tb"})
    check(st == 400 and d.get("rule") == "body-control", f"a tab in the body: 400: {st} {d}")
    st, d = admin.post("/api/notices", {"title": "t", "body": ""}, headers={"Accept-Language": "fr"})
    check(st == 400 and "«\u00a0body\u00a0»\u00a0: vide" in d.get("error", ""), f"the refusal in French: {d}")

    # The form, as a browser: cookie and CSRF token; sent back to the page with a flash.
    browser = srv.client()
    browser.login("admin")
    st, page = browser.get("/notices")
    check(st == 200 and 'action="/notices"' in page and "name=csrf" in page, "the administrator sees the form")
    form = urllib.parse.urlencode({"title": "Résultats à 22 h", "body": "Ligne 1\r\nLigne 2"}).encode()
    st, _ = browser.request("POST", "/notices", raw=form, content_type="application/x-www-form-urlencoded",
                            headers={"X-CSRF-Token": "wrong"})
    check(st == 403, f"a form without the right CSRF token: 403: {st}")
    token, browser.csrf = browser.csrf, None  # as the page's form sends it: a field, not a header
    st, _ = browser.request("POST", "/notices", raw=form + b"&csrf=" + token.encode(),
                            content_type="application/x-www-form-urlencoded")
    browser.csrf = token
    location = browser.last_headers.get("location", "")
    check(st == 303 and re.fullmatch(r"/notices\?published=\d+", location), f"published, sent back: {st} {location}")
    st, page = browser.get(location)
    check(st == 200 and "flash ok" in page and "publiée" in page and "Ligne 1<br>Ligne 2" in page,
          f"the page's flash and the notice, its lines made \\n: {st}")
    form = urllib.parse.urlencode({"title": "", "body": "kept <i>"}).encode()
    st, page = browser.request("POST", "/notices", raw=form, content_type="application/x-www-form-urlencoded")
    check(st == 400 and "flash bad" in page and "«\u00a0title\u00a0»" in page and "kept &lt;i&gt;" in page,
          f"a refused form: 400, the message and what was typed, escaped: {st}")
    st, d = public.get("/api/notices")
    check(st == 200 and len(d) == 4 and d[0]["body"] == "Ligne 1\nLigne 2", f"four notices: {len(d)}")

    st, log = admin.get("/api/audit")
    pub = [e for e in log if e["action"] == "notice.publish"]
    check(len(pub) == 4 and pub[0]["object"] == "notice/1" and pub[0]["after"]["title"] == "Dépouillement à 20 h",
          f"each publication is in the audit log: {pub[:1]}")
finally:
    check(srv.stop() == 0, "server stops cleanly")

p = run("audit", "verify", "--db", srv.db, ok=False)
check(p.returncode == 0 and "audit log intact" in p.stdout and "the stored state matches the log" in p.stdout,
      f"urne audit verify passes with notices: {p.returncode} {p.stdout} {p.stderr}")
check(", 4 notice(s) compared" in p.stdout, f"the notices are compared with the log: {p.stdout}")

# Notices changed behind the log's back, each on a copy: verify names them.
check_tampered(srv, (
        ("a title rewritten", "UPDATE notices SET title = 'Dépouillement annulé' WHERE id = 1",
         'notice 1: title: stored "Dépouillement annulé", logged "Dépouillement à 20 h"'),
        ("an author changed", "UPDATE notices SET published_by = 'observateur' WHERE id = 1",
         'notice 1: published_by: stored "observateur", logged "admin"'),
        ("a notice removed", "DELETE FROM notices WHERE id = 1",
         'notice 1: row: stored (no row), logged "Dépouillement à 20 h"'),
        ("a notice added", "INSERT INTO notices(title, body, published_at, published_by)"
                           " VALUES ('Faux', 'x', '2026-12-05T10:00:00Z', 'admin')",
         'notice 5: row: stored "Faux", logged (no row)')))
done()
