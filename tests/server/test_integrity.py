"""Nothing wrong is ever counted, through the server: impossible figures refused even
when confirmed (API and form), overflowing sheets refused, over-long fields refused
with their limit instead of cut short, a publication reopened by a contest (said in the
API and on the page, old digest kept, new one on republication), CSV cells that a
spreadsheet would run as formulas written as text, and hostile level and candidate
names escaped on every page."""
import csv
import io
import os
import re
import urllib.parse

from lib import *

INT64_MAX = 9223372036854775807

srv = federation_server()
try:
    admin = admin_client(srv)
    make_users(admin, {"alice": ("secretary", 1), "com": ("commission", 1)})
    st, _ = admin.post("/api/assignments", {"user": "alice", "election": 1, "first": 0, "last": 5})
    check(st == 200, "assign every section to alice")
    alice, com = srv.client(), srv.client()
    alice.login("alice")
    com.login("com")

    def figures(b):
        st, d = srv.client().get(f"/api/elections/1/bureaux/{b}")
        return d.get("state"), d.get("figures")

    # ---- impossible figures: refused even when confirmed ----
    negative = {"inscrits": 90, "votants": 61, "blancs": -1, "nuls": 1, "votes": [20, 21, 20], "confirm": True}
    st, d = alice.post("/api/elections/1/bureaux/5/sheet", negative)
    rules = [c["rule"] for c in d.get("checks", [])] if isinstance(d, dict) else []
    check(st == 422 and "no-negative-count" in rules, f"a negative count confirmed is refused (API): {st} {d}")
    check(figures(5)[0] == "missing", "nothing recorded for the negative sheet")

    # The same through the HTML form (cookie session, CSRF field).
    st, page = alice.get("/e/1/b/5")
    token = re.search(r'name=csrf value="([0-9a-f]+)"', page)
    check(token is not None, "the bureau page carries a CSRF field")
    form = {"csrf": token.group(1) if token else "", "inscrits": "90", "votants": "61", "blancs": "-1",
            "nuls": "1", "votes.0": "20", "votes.1": "21", "votes.2": "20", "confirm": "1"}
    st, page = alice.request("POST", "/e/1/b/5/sheet", raw=urllib.parse.urlencode(form).encode(),
                             content_type="application/x-www-form-urlencoded")
    check(st == 422 and "no-negative-count" in page, f"a negative count confirmed is refused (form): {st}")
    check(figures(5)[0] == "missing", "nothing recorded for the negative form")

    # Not a whole number: refused with the field named.
    st, d = alice.post("/api/elections/1/bureaux/5/sheet", dict(negative, blancs=1.5))
    check(st == 400 and "blancs" in d.get("error", ""), f"1.5 blank ballots refused: {st} {d}")

    # Overflow: figures that add up in int64 arithmetic only by wrapping.
    huge = {"inscrits": INT64_MAX, "votants": INT64_MAX, "blancs": 0, "nuls": 0,
            "votes": [INT64_MAX, 0, 0], "confirm": True}
    st, d = alice.post("/api/elections/1/bureaux/5/sheet", huge)
    rules = [c["rule"] for c in d.get("checks", [])] if isinstance(d, dict) else []
    check(st == 422 and "count-bound" in rules, f"INT64_MAX figures refused even confirmed: {st} {d}")
    at_bound = {"inscrits": 10000000000, "votants": 10000000000, "blancs": 0, "nuls": 0,
                "votes": [10000000000, 0, 0]}
    st, d = alice.post("/api/elections/1/bureaux/5/sheet", dict(at_bound, inscrits=10000000001,
                                                                 votants=10000000001, votes=[10000000001, 0, 0]))
    check(st == 422, f"one above the bound refused: {st} {d}")
    check(figures(5)[0] == "missing", "nothing recorded for the overflowing sheets")
    st, d = srv.client().get("/api/elections/1/results?level=federation")
    inscrits = d["units"][0]["inscrits"] if st == 200 else -1
    check(inscrits == 698, f"the federation's inscrits are untouched: {inscrits}")

    # The same sheets in a file: refused on import, nothing created.
    text = ("# levels: total, bureau\nbureau;inscrits;votants;blancs;nuls;X;Y\n"
            f"A;{INT64_MAX};{INT64_MAX};0;0;{INT64_MAX};0\nB;{INT64_MAX};{INT64_MAX};0;0;0;{INT64_MAX}\n")
    st, d = admin.request("POST", "/api/elections?format=native&title=overflow", raw=text.encode(),
                          content_type="text/csv")
    check(st in (400, 422) and "count-bound" in json.dumps(d), f"an overflowing file is refused: {st} {d}")
    st, d = admin.get("/api/elections")
    check(len(d) == 1, f"no election created from it: {len(d)}")

    # A contest with more candidates than the 64 the server once held is imported
    # whole, on the server and by the command line (test_many_candidates.py enters
    # and counts such sheets).
    many = ["C%02d" % i for i in range(70)]
    text = ("# levels: total, bureau\nbureau;inscrits;votants;blancs;nuls;" + ";".join(many) + "\n"
            + "B1;1000;70;0;0;" + ";".join("1" for _ in many) + "\n")
    st, d = admin.request("POST", "/api/elections?format=native&title=many", raw=text.encode(),
                          content_type="text/csv")
    check(st == 201, f"70 candidates imported: {st} {d}")
    path = os.path.join(srv.dir, "many.csv")
    open(path, "w").write(text)
    p = run("election", "import", "--db", os.path.join(srv.dir, "other.db"), path, ok=False)
    check(p.returncode == 0, f"the CLI imports it too: {p.stderr}")

    # Figures written only one way: digits, in their place, once.
    base = {"inscrits": 90, "votants": 61, "blancs": 1, "nuls": 1, "votes": [20, 21, 18]}
    for bad, what in ((dict(base, votants=True), "a boolean"), (dict(base, votes=[20, 21, 18, 999]), "a 4th vote"),
                      (dict(base, exprimes=-1), "exprimes -1"), (dict(base, inscrits=" +90"), "' +90'"),
                      (dict(base, nuls="1\n"), "'1\\n'"), (dict(base, blancs="1e0"), "'1e0'")):
        st, d = alice.post("/api/elections/1/bureaux/5/sheet", bad)
        check(st == 400, f"{what} refused: {st} {d}")
    form = "inscrits=90&votants=61&blancs=1&nuls=1&votes.0=20&votes.1=21&votes.2=18"
    for bad, what in ((form + "&inscrits=500", "a repeated field"), (form.replace("nuls=1", "nuls=%+1"), "'%+1'"),
                      (form + "&votes.3=5", "votes.3"), (form + "&note=bad%FF%FE", "invalid UTF-8"),
                      (form + "&note=a%07b", "a control character")):
        st, d = alice.request("POST", "/api/elections/1/bureaux/5/sheet", raw=bad.encode(),
                              content_type="application/x-www-form-urlencoded")
        check(st == 400, f"form with {what} refused: {st} {d}")
    check(figures(5)[0] == "missing", "nothing recorded from the malformed sheets")
    # A reason that is not text cannot hide a dispute or break the log.
    st, d = com.request("POST", "/api/elections/1/bureaux/1/contest", raw=b"reason=bad%FF%FE%0D%0Aline2%07",
                        content_type="application/x-www-form-urlencoded")
    check(st == 400, f"a reason with broken bytes refused: {st} {d}")
    check(figures(1)[0] == "entered", "the bureau was not contested by it")
    st, d = admin.post("/api/users", {"name": "t4", "password": "Vb7-quartz-Lamp-92", "role": "commission",
                                      "tier": 4294967298})
    check(st == 400 and "tier" in d.get("error", ""), f"tier 4294967298 refused, not read as 2: {st} {d}")
    for path in ("/e/01", "/api/elections/01", "/e/1?level=01", "/api/elections/1/results?level=%2B0"):
        st, _ = srv.client().get(path)
        check(st in (400, 404), f"{path}: one spelling per number ({st})")

    # A bureau name longer than a page's line is shortened at a character, with a mark.
    text = ("# levels: total, section\nsection;inscrits;votants;blancs;nuls;A;B\n" + "a" * 190 + "é" + "b"
            + ";100;10;0;0;5;5\n")
    st, d = admin.request("POST", "/api/elections?format=native&title=long", raw=text.encode(), content_type="text/csv")
    check(st == 201, f"an election with a long section name: {st} {d}")
    lid = d.get("id")
    st, d = srv.client().get(f"/api/elections/{lid}/bureaux/0")
    check(st == 200 and d.get("name", "").endswith("…"), f"its bureau is served, the name marked as cut: {st}")
    st, _ = admin.post(f"/api/elections/{lid}/publish")
    st, d = com.post(f"/api/elections/{lid}/bureaux/0/contest", {"reason": "nom très long"})
    check(st == 200, f"it can be contested after publication: {st} {d}")

    # A real sheet still goes in.
    st, d = alice.post("/api/elections/1/bureaux/5/sheet",
                       {"inscrits": 90, "votants": 61, "blancs": 1, "nuls": 1, "votes": [20, 21, 18]})
    check(st == 200 and d.get("state") == "entered", f"a sound sheet is entered: {st} {d}")

    # ---- over-long fields: refused with the limit, never cut ----
    long_title = "T" * 10000
    st, d = admin.post("/api/elections", {"title": long_title, "rules": "single", "levels": "total, bureau",
                                          "candidates": "A\nB", "bureaux": "X;100"})
    check(st in (400, 422) and "255" in d.get("error", "") and "title" in d.get("error", ""),
          f"a 10 kB title is refused with its limit: {st} {d}")
    st, d = com.post("/api/elections/1/bureaux/0/contest", {"reason": "R" * 10000})
    check(st == 400 and "511" in d.get("error", ""), f"a 10 kB reason is refused with its limit: {st} {d}")
    check(figures(0)[0] == "entered", "the bureau was not contested by the refused request")

    st, d = admin.post("/api/elections", {"title": "T\n# rules: coop", "rules": "single", "levels": "total, bureau",
                                          "candidates": "A\nB", "bureaux": "X;Y;100"})
    check(st == 400 and "control character" in d.get("error", ""), f"a title with a line break is refused: {st} {d}")

    # ---- a reopened publication ----
    st, pub = admin.post("/api/elections/1/publish")
    check(st == 200, f"publish: {st} {pub}")
    first_digest = pub.get("digest")
    st, d = com.post("/api/elections/1/bureaux/2/contest", {"reason": "urne non scellée"})
    check(st == 200, f"contest after publication: {st} {d}")
    st, d = srv.client().get("/api/elections/1")
    p = d.get("published") or {}
    check(p.get("final") is False and p.get("digest") == first_digest and p.get("reopened")
          and "urne non scellée" in p["reopened"]["reason"] and "Montval-Centre" in p["reopened"]["reason"],
          f"the API says the publication is reopened and why: {p}")
    st, d = srv.client().get("/api/elections/1/results?level=federation")
    check((d.get("published") or {}).get("final") is False, "the results JSON says it too")
    st, page = srv.client().get("/e/1")
    check("Publication rouverte" in page and "urne non scellée" in page and first_digest in page,
          "the French results page says published on, reopened on, because, with the old digest")
    st, page = srv.client().get("/e/1?lang=en")
    check("Publication reopened" in page and "reopened on" in page, "the English page says it too")
    st, page = srv.client().get("/e/1?level=circonscription")
    check(st == 200 and "Publication rouverte" in page, "every page of the election says it, not only the top")
    st, audit = admin.get("/api/audit")
    check(any(e["action"] == "election.reopen" for e in audit), "the reopening is in the audit log")
    st, disputes = com.get("/api/elections/1/disputes")
    did = [x["id"] for x in disputes if x["bureau"] == 2][0]
    st, d = com.post(f"/api/elections/1/disputes/{did}/decide",
                     {"decision": "correct", "reason": "recompté", "inscrits": 126, "votants": 85, "blancs": 1,
                      "nuls": 0, "votes": [40, 44, 0]})
    check(st == 200, f"decide: {st} {d}")
    st, pub2 = admin.post("/api/elections/1/publish")
    check(st == 200 and pub2.get("digest") != first_digest, f"published again with a new digest: {pub2}")
    st, d = srv.client().get("/api/elections/1")
    p = d.get("published") or {}
    check(p.get("final") is True and p.get("reopened") is None and p.get("digest") == pub2.get("digest")
          and (p.get("previous") or {}).get("digest") == first_digest
          and "urne non scellée" in (p.get("previous") or {}).get("reason", ""),
          f"the new publication stands, the reopened one kept as previous: {p}")
    st, page = srv.client().get("/e/1")
    check("Publication rouverte" not in page and "Publication précédente" in page and first_digest in page,
          "the page shows the new publication and the previous one")

    # ---- CSV exports: formulas written as text ----
    st, d = admin.post("/api/elections", {"title": "Formules", "rules": "single", "levels": "total, bureau",
                                          "candidates": "=HYPERLINK(\"http://x\",\"clic\")\n+33 Liste\n@Sum\n-Moins\nSûr",
                                          "bureaux": "Total;=cmd|' /C calc'!A0;100"})
    check(st == 201, f"an election with formula-like names: {st} {d}")
    eid = d.get("id")
    st, text = srv.client().get(f"/api/elections/{eid}/results.csv?level=bureau")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    cells = [c for row in rows[1:] for c in row]
    check(st == 200 and any(c.startswith("'=HYPERLINK") for c in cells) and any(c == "'+33 Liste" for c in cells)
          and any(c == "'@Sum" for c in cells) and any(c == "'-Moins" for c in cells)
          and any(c.startswith("'=cmd") for c in cells) and "Sûr" in cells,
          f"formula-like cells start with an apostrophe: {rows[1:] if st == 200 else text}")
    check(not any(c[:1] in "=+@" for c in cells if c and not c[0].isdigit()), "no cell starts with a formula sign")

    # ---- hostile names are text on every page ----
    payload = '<svg/onload=alert(1)>'
    st, d = admin.post("/api/elections", {"title": "<script>alert(1)</script>", "rules": "single",
                                          "levels": f"{payload}, <img src=x onerror=alert(2)>",
                                          "candidates": "<b>gras</b>\nNormal",
                                          "bureaux": "T;<i>bureau</i>;100"})
    check(st == 201, f"an election with hostile names: {st} {d}")
    xid = d.get("id")
    for path in (f"/e/{xid}", f"/e/{xid}?level=1", "/", f"/e/{xid}/b/0"):
        st, page = srv.client().get(path)
        check(st == 200 and "<svg/onload" not in page and "<img src=x" not in page and "<script>alert" not in page
              and "<b>gras" not in page and "<i>bureau" not in page, f"{path}: hostile names escaped")
    st, page = srv.client().get(f"/e/{xid}")
    check("&lt;svg/onload=alert(1)&gt;" in page, "the level name is shown as text")
    st, page = admin.get("/admin")
    check(st == 200 and "<script>alert" not in page and "&lt;script&gt;" in page, "the admin page escapes titles")

    # A large import's audit entry is shown shortened on the page, with where to read it whole.
    rhone = os.path.join(SOURCE, "..", "shared", "data", "fr_pres2017_2022_rhone69_bureaux", "PR17_BVot_T1_dept69.txt")
    st, d = admin.request("POST", "/api/elections?format=ministry", raw=open(rhone, "rb").read(),
                          content_type="text/csv")
    check(st == 201, f"the Rhône file imported: {st}")
    st, page = admin.get("/audit")
    check(st == 200 and "octets en tout" in page and len(page) < 100000,
          f"the audit page shortens the import's entry and says so ({len(page)} bytes)")
    st, entries = admin.get("/api/audit")
    big = [e for e in entries if e["action"] == "election.create" and len(json.dumps(e["after"])) > 50000]
    check(len(big) == 1, "the API gives the import's entry whole")
finally:
    srv.stop()

# The log covers all of it: reopened and republished, refused requests left no trace.
p = run("audit", "verify", "--db", srv.db, ok=False)
check(p.returncode == 0, f"audit verify after the story: {p.returncode} {p.stdout} {p.stderr}")
done()
