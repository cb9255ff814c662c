"""A unit's procès-verbal (GET /e/N/pv?level=&unit=) and the favicon.

The procès-verbal shows, for the unit the results page shows, the figures the API
gives (inscrits, abstentions, votants, blancs, nuls, exprimés; each candidate's
votes, % of valid votes and % of inscrits) as French or English write them, the outcome
where the contest is decided, the signature block (the commission's president above
a bureau, the bureau's below), the results' SHA-256 (the published digest, once
published) and the audit log's head; a result that is not final says it is no
proclamation, and the page follows the figures as sheets come in (the page cache
drops). Its readers are exactly the results page's (the route table says so; every
role reads it); an unknown election, level or unit is 404. Names are escaped.
The favicon is SVG, with one Cache-Control that lets it be kept, for anyone."""
import http.client
import os
import json
import re

from lib import *

NBSP, NNBSP = "\u00a0", "\u202f"  # before "%"; between French digit groups


def fr_pct(p):
    return p.replace(".", ",") + NBSP + "%"


def raw_get(port, path, headers=None):
    """Status, every header as sent (repeats kept) and the body's bytes."""
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    c.request("GET", path, headers=headers or {})
    r = c.getresponse()
    body = r.read()
    c.close()
    return r.status, r.getheaders(), body


def section(page, start, end):
    """The part of page between the first `start` and the next `end` after it."""
    i = page.find(start)
    j = page.find(end, i + 1) if i >= 0 else -1
    return page[i:j] if i >= 0 and j >= 0 else ""


routes = json.loads(run("routes", "--json").stdout)
roles = {(r["method"], r["pattern"]): sorted(r["roles"]) for r in routes}
check(("GET", "/e/*/pv") in roles, "the route table has GET /e/*/pv")
check(roles.get(("GET", "/e/*/pv")) == roles.get(("GET", "/e/*")),
      f"the procès-verbal has the results page's readers: {roles.get(('GET', '/e/*/pv'))} {roles.get(('GET', '/e/*'))}")

srv = federation_server()
try:
    admin = admin_client(srv)
    make_users(admin, {"sec": ("secretary", 1), "com": ("commission", 1), "obs": ("observer", 1)})
    st, _ = admin.post("/api/assignments", {"user": "sec", "election": 1, "first": 5})
    check(st == 200, f"the secretary gets Brignais: {st}")
    public = srv.client()
    clients = {"public": public, "admin": admin}
    for name in ("sec", "com", "obs"):
        c = srv.client()
        check(c.login(name, bearer=True)[0] == 200, f"{name} logs in")
        clients[name] = c

    unit = "Rh%C3%B4ne%2F1re"  # the 1re circonscription
    pv1 = f"/e/1/pv?level=1&unit={unit}"
    for who, c in clients.items():
        st, page = c.get(pv1)
        check(st == 200 and "Procès-verbal de recensement" in page, f"{who} reads the procès-verbal: {st}")

    # The figures are the API's, written the French way.
    st, res = public.get("/api/elections/1/results?level=1")
    u = next(x for x in res["units"] if x["key"] == "Rhône/1re")
    check((u["inscrits"], u["votants"], u["blancs"], u["nuls"], u["exprimes"]) == (399, 269, 3, 1, 265),
          f"the API's figures are the file's: {u}")
    st, page = public.get(pv1)
    check(st == 200 and page.startswith("<!doctype html><html lang=fr>"), f"GET {pv1}: {st}")
    head = section(page, "<div class=doc-head>", "</div>")
    check("<h1>Désignation fédérale — Fédération du Rhône</h1>" in head and "circonscription <strong>1re</strong>" in head
          and "tour 1" in head, f"the title names the election, the level and the unit: {head}")
    figures = section(page, "<table class=\"pv-figures stack\">", "</table>")
    for label, v, of_inscrits, of_votants in (
            ("Inscrits", u["inscrits"], None, None),
            ("Abstentions", u["abstentions"], u["pct_abstentions_inscrits"], None),
            ("Votants", u["votants"], u["pct_votants_inscrits"], None),
            ("Blancs", u["blancs"], "0.75", u["pct_blancs_votants"]),
            ("Nuls", u["nuls"], "0.25", u["pct_nuls_votants"]),
            ("Exprimés", u["exprimes"], u["pct_exprimes_inscrits"], u["pct_exprimes_votants"])):
        cells = re.findall(r"<td[^>]*>([^<]*)</td>", section(figures, f"<th scope=row>{label}</th>", "</tr>"))
        want = [str(v), fr_pct(of_inscrits) if of_inscrits else "", fr_pct(of_votants) if of_votants else ""]
        check(cells == want, f"{label}: {cells} == {want}")
    cands = section(page, "<table class=\"results stack\">", "</table>")
    for c in u["candidates"]:
        cells = re.findall(r"<td[^>]*>([^<]*)</td>", section(cands, f"<tr><td>{c['name']}</td>", "</tr>"))
        want = [c["name"], str(c["voix"]), fr_pct(c["pct_exprimes"]), fr_pct(c["pct_inscrits"])]
        check(cells == want, f"{c['name']}: {cells} == {want}")
    check("L’issue du scrutin se décide au niveau\u00a0: fédération." in page,
          "a circonscription of a federal contest says where the outcome is decided")
    check("Le président de la commission de recensement" in page and "Le secrétaire" in page
          and all(f"Assesseur {i}" in page for i in (1, 2, 3, 4)) and "Fait à <span class=blank>" in page,
          "the signature block: the commission's president, the secretary, four assessors, place and date")
    check("class=status" not in page, "the 1re circonscription is final: no warning")
    st, audit = public.get("/api/audit/head")
    check(f"<code>#{audit['seq']} {audit['hash']}</code>" in page, f"the audit log's head: {audit}")
    check("résultats non publiés" in page, "not published yet")
    check(re.search(r"Empreinte SHA-256 des résultats de l’élection</dt><dd><code>[0-9a-f]{64}</code>", page),
          "the results' SHA-256")
    st, results = public.get(f"/e/1?level=1&unit={unit}")
    check(f'<a class=pv-link href="/e/1/pv?level=1&amp;unit={unit}">' in results, "the results page links to it")
    check(f'href="?lang=en&amp;level=1&amp;unit={unit}" lang=en hreflang=en>English</a>' in page,
          "the language link stays on this unit")

    # English, another level, the bureau's officers below, the unit's path.
    st, page = public.get(f"/e/1/pv?level=2&unit=Rh%C3%B4ne%2F1re%2FPresqu%27%C3%AEle&lang=en")
    check(st == 200 and page.startswith("<!doctype html><html lang=en>") and "Record of the voting operations" in page
          and "The president of the polling station" in page and "Assessor 4" in page,
          f"a section's procès-verbal in English: {st}")
    check("constituency 1re › section <strong>Presqu&#39;île</strong>" in page,
          "the unit's path, its name escaped (an apostrophe)")
    check(re.search(r"<th scope=row>Registered</th><td[^>]*>187</td><td[^>]*></td><td[^>]*></td>", page),
          "the figures in English")

    # The top: partial (Brignais has not sent its sheet), then final once it is in.
    st, page = public.get("/e/1/pv")
    check(st == 200 and "Résultat partiel\u00a0: tous les bureaux ne sont pas comptés. Ce document n’est pas une "
          "proclamation." in page, "a partial result is no proclamation")
    check("<h2>Issue</h2>" in page and "<strong>indécis</strong>" in page, "the outcome, where it is decided: undecided")
    st, d = clients["sec"].post("/api/elections/1/bureaux/5/sheet",
                                {"inscrits": 90, "votants": 61, "blancs": 1, "nuls": 1, "votes": [20, 21, 18]})
    check(st == 200, f"Brignais comes in: {st} {d}")
    st, page = public.get("/e/1/pv")
    check(st == 200 and "class=status" not in page and "Ce document n’est pas une proclamation" not in page,
          "the page follows the figures: final now, no warning")
    check(re.search(r"<th scope=row>Inscrits</th><td[^>]*>788</td>", page), "the top's inscrits with Brignais: 788")
    check("<h2>Issue</h2>" in page and "<strong>indécis</strong>" not in page and "<strong>second tour</strong>" in page,
          "the outcome once every section is in: a second round")
    st, d = admin.post("/api/elections/1/publish", {})
    check(st == 200 and len(d.get("digest", "")) == 64, f"admin publishes: {st} {d}")
    st, page = public.get("/e/1/pv")
    check(f"<code>{d.get('digest')}</code><br>identique à l’empreinte publiée" in page,
          "the procès-verbal shows the published digest, and says it is the same")
    check("publiés le " in page and "résultats non publiés" not in page, "and when it was published")

    # Nothing there: 404.
    for path in ("/e/9/pv", "/e/1/pv?level=7", "/e/1/pv?level=1&unit=nowhere", "/e/1/pv/x"):
        st, _ = public.get(path)
        check(st == 404, f"GET {path}: 404, got {st}")

    # Names are text.
    hostile = {"title": '<script>alert("t")</script> & Co', "levels": "commune, bureau",
               "candidates": "<img src=x onerror=alert(1)>\nO'Brien \"Bob\"", "bureaux": "Montval;<b>B1</b>;12345"}
    st, d = admin.post("/api/elections", {"rules": "single", **hostile})
    check(st == 201, f"an election with markup in its names: {st} {d}")
    eid = d.get("id")
    st, _ = admin.post("/api/assignments", {"user": "sec", "election": eid, "first": 0})
    st, d = clients["sec"].post(f"/api/elections/{eid}/bureaux/0/sheet",
                                {"inscrits": 12345, "votants": 10000, "blancs": 100, "nuls": 50, "votes": [6000, 3850]})
    check(st == 200, f"its sheet: {st} {d}")
    st, page = public.get(f"/e/{eid}/pv?level=1&unit=Montval%2F%3Cb%3EB1%3C%2Fb%3E")
    check(st == 200, f"its bureau's procès-verbal: {st}")
    for raw in ("<script>alert", "<img src=x", "<b>B1</b>", "O'Brien \"Bob\""):
        check(raw not in page, f"{raw!r} is not in the page as markup")
    for esc in ("&lt;script&gt;alert(&quot;t&quot;)&lt;/script&gt; &amp; Co", "&lt;img src=x onerror=alert(1)&gt;",
                "&lt;b&gt;B1&lt;/b&gt;", "O&#39;Brien &quot;Bob&quot;"):
        check(esc in page, f"{esc!r} is in the page as text")
    check(re.search(rf"<th scope=row>Inscrits</th><td[^>]*>12{NNBSP}345</td>", page),
          "French groups digits with a narrow no-break space")
    check(f"<td class=num data-label=\"Voix\">6{NNBSP}000</td><td class=num data-label=\"% exprimés\">60,91{NBSP}%</td>"
          f"<td class=num data-label=\"% inscrits\">48,60{NBSP}%</td>" in page, "a candidate's votes and shares")
    st, page = public.get(f"/e/{eid}/pv?level=1&unit=Montval%2F%3Cb%3EB1%3C%2Fb%3E&lang=en")
    check(re.search(r"<th scope=row>Registered</th><td[^>]*>12,345</td>", page), "English groups with commas")

    # The favicon: SVG, one Cache-Control that keeps it a day, for anyone.
    st, page = public.get("/")
    check('<link rel=icon href="/static/favicon.svg" type="image/svg+xml">' in page, "every page's head names the icon")
    st, tok = srv.client().login("obs")
    cookie = {"Cookie": "urne_session=" + tok.get("token", "")}
    bodies = []
    for path in ("/static/favicon.svg", "/favicon.ico"):
        for who, h in (("public", None), ("logged in", cookie)):
            st, headers, body = raw_get(srv.port, path, h)
            types = [v for k, v in headers if k.lower() == "content-type"]
            caches = [v for k, v in headers if k.lower() == "cache-control"]
            check(st == 200 and types == ["image/svg+xml"], f"{path} ({who}): 200 image/svg+xml: {st} {types}")
            check(caches == ["public, max-age=86400"], f"{path} ({who}): one Cache-Control, a day: {caches}")
            check(body.startswith(b"<svg xmlns=\"http://www.w3.org/2000/svg\"") and body.rstrip().endswith(b"</svg>"),
                  f"{path} ({who}): an SVG document: {body[:60]!r}")
            bodies.append(body)
    check(len(set(bodies)) == 1, "the same icon at both addresses")
    st, headers, _ = raw_get(srv.port, "/static/urne.css", cookie)
    caches = [v for k, v in headers if k.lower() == "cache-control"]
    check(caches == ["public, max-age=3600"], f"the style sheet, logged in: one Cache-Control: {caches}")
    st, headers, _ = raw_get(srv.port, "/e/1/pv", cookie)
    caches = [v for k, v in headers if k.lower() == "cache-control"]
    check(caches == ["no-store"], f"a page, logged in: no-store: {caches}")
finally:
    check(srv.stop() == 0, "server stops cleanly")
done()
