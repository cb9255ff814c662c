"""The matching component (issue 20) through the server: a coordinator (an
administrator of org/nord) creates a campaign; a bad pupils file is refused
whole, naming file, line and rule, nothing stored; the files imported, every
host and pupil given a code once; a teacher (a secretary of the campaign's
school) edits a wish, another school's teacher and an observer refused; a host
edits its capacity by account and by its private link; the round is run and
published; a pupil's code shows the placement and its explanation (each higher
wish's cutoff) in French and English, escaped; a wrong code finds nothing; the
pupil refuses, and the next round gives the place to the next in the host's
order; every other role refused (401, 403); assignment.csv downloaded; a
generated département's files imported and run; a table of distances between
communes and a maximum distance set (a bad file refused whole, naming file, line,
field and rule; a second table replacing the first) and honoured by the round as
`urne match run --distances --max-km` honours it, report.json byte for byte;
hosts and pupils added after a round (late joiners: every line or none, an id
already there refused) and placed in the next; a host's ranking corrected
between rounds (never leaving out a pupil who holds a place there);
`urne audit verify` passes and
names a capacity changed behind the log's back; `urne store copy` carries it all."""
import json
import os
import re
import tempfile
import urllib.request

from lib import *

HOSTS = ("id,capacity,weeks,name,commune\n"
         "A,1,,Ressourcerie <b>du Nord</b>,Lille\n"
         "B,1,,\"Épicerie, solidaire\",Roubaix\n"
         "C,1,,Atelier vélo,Lille\n")
PUPILS = ("id;wishes;priority;lottery;school\n"
          "p1;A>B;1;1;Collège Jean-Macé\n"
          "p2;A>C;0;2;Collège Jean-Macé\n"
          "p3;A;0;3;Collège Verlaine\n")

srv = Server()
admin_db(srv)
srv.start()
try:
    public = srv.client()
    st, page = public.get("/match")
    check(st == 200 and "Affectations" in page and "Aucune campagne" in page, f"GET /match in French: {st}")
    st, page = public.get("/match?lang=en")
    check(st == 200 and "No campaign yet." in page, f"GET /match in English: {st}")

    admin = admin_client(srv)
    make_users(admin, {"coord": ("observer", 1), "teach": ("observer", 1), "teach2": ("observer", 1),
                       "hostacct": ("observer", 1), "obs": ("observer", 1), "sec": ("secretary", 1)})
    st, d = admin.post("/api/grants", {"user": "coord", "space": "org/nord", "role": "admin"})
    check(st == 200, f"coord administers org/nord: {st} {d}")
    clients = {}
    for name in ("coord", "teach", "teach2", "hostacct", "obs", "sec"):
        c = srv.client()
        check(c.login(name, bearer=True)[0] == 200, f"{name} logs in")
        clients[name] = c
    coord, teach, obs = clients["coord"], clients["teach"], clients["obs"]

    create = {"name": "Stages de 3e <i>Nord</i>", "space": "org/nord", "seed": "7"}
    check(public.post("/api/match", create)[0] == 401, "the public may not create a campaign")
    for name in ("obs", "sec", "teach"):
        st, d = clients[name].post("/api/match", create)
        check(st == 403, f"{name} may not create a campaign: {st} {d}")
    st, d = coord.post("/api/match", dict(create, space="org/sud"))
    check(st == 403, f"coord may not create in org/sud: {st} {d}")
    st, d = coord.post("/api/match", dict(create, method="gale"))
    check(st == 400 and d.get("rule") == "match-method", f"an unknown method: 400: {st} {d}")
    st, d = coord.post("/api/match", create)
    check(st == 201 and d.get("id") == 1, f"coord creates campaign 1: {st} {d}")

    for space, user, role in (("match/1/school/college-jean-mace", "teach", "secretary"),
                              ("match/1/school/college-verlaine", "teach2", "secretary"),
                              ("match/1/host/a", "hostacct", "admin")):
        st, d = admin.post("/api/grants", {"user": user, "space": space, "role": role})
        check(st == 200, f"{user} is {role} in {space}: {st} {d}")

    bad = "id;wishes\np1;A>Z\np2;A>A\n"
    st, d = coord.post("/api/match/1/import", {"hosts": HOSTS, "pupils": bad})
    errs = d.get("errors", []) if isinstance(d, dict) else []
    check(st == 400 and len(errs) >= 2 and errs[0]["file"] == "pupils.csv" and errs[0]["line"] == 2
          and errs[1]["line"] == 3, f"a bad pupils file: 400 naming file and lines: {st} {d}")
    st, d = coord.get("/api/match/1")
    check(st == 200 and d["state"] == "draft", f"nothing of the bad file written: {d}")
    st, d = obs.post("/api/match/1/import", {"hosts": HOSTS, "pupils": PUPILS})
    check(st == 403, f"an observer does not import: {st}")
    st, d = coord.post("/api/match/1/import", {"hosts": HOSTS, "pupils": PUPILS})
    check(st == 200 and len(d["codes"]["pupils"]) == 3 and len(d["codes"]["hosts"]) == 3,
          f"imported, the codes answered once: {st} {d}")
    code = {x["pupil"]: x["code"] for x in d["codes"]["pupils"]}
    hcode = {x["host"]: x["code"] for x in d["codes"]["hosts"]}

    # A teacher edits their school's pupil; another school's teacher and an observer are refused.
    st, d = teach.post("/api/match/1/wishes", {"pupil": "p1", "wishes": "A>B>C"})
    check(st == 200, f"the teacher edits p1's wishes: {st} {d}")
    st, d = clients["teach2"].post("/api/match/1/wishes", {"pupil": "p1", "wishes": "C"})
    check(st == 403, f"another school's teacher is refused: {st} {d}")
    check(obs.post("/api/match/1/wishes", {"pupil": "p1", "wishes": "C"})[0] == 403, "an observer is refused")
    st, d = teach.post("/api/match/1/wishes", {"pupil": "p2", "wishes": "A>Z"})
    check(st == 400 and d.get("rule") == "match-wish", f"a wish for an unknown host: 400: {st} {d}")
    st, d = teach.post("/api/match/1/wishes", {"pupil": "p1", "wishes": "A>" + "Z" * 300})
    check(st == 400 and d.get("rule") == "match-wish", f"a wish longer than any host's id: 400, not 500: {st} {d}")
    st, d = teach.post("/api/match/1/wishes", {"pupil": "p" * 300, "wishes": "A"})
    check(st == 403, f"a pupil's id longer than any is no pupil of the teacher's school: 403, not 500: {st} {d}")
    st, page = teach.get("/match/1/pupils")
    check(st == 200 and "p1" in page and "p3" not in page, f"the teacher's page lists their school's pupils: {st}")
    st, page = clients["sec"].get("/match/1/pupils")
    check(st == 200 and "<td>p1</td>" in page and "<td>p3</td>" in page, f"a secretary of the site sees every school's: {st}")
    st, page = obs.get("/match/1/pupils")
    check(st == 403, f"an observer sees no pupil: {st}")

    # A host edits its capacity: by account, and by its private link.
    st, d = clients["hostacct"].post("/api/match/1/places", {"host": "A", "capacity": "1"})
    check(st == 200, f"host A's account edits its places: {st} {d}")
    st, d = clients["hostacct"].post("/api/match/1/places", {"host": "B", "capacity": "3"})
    check(st == 403, f"host A's account may not edit B: {st} {d}")
    st, page = public.get("/match/1/host?code=" + hcode["B"])
    check(st == 200 and "Épicerie, solidaire" in page, f"host B's private link: {st}")
    check(public.last_headers.get("cache-control") == "no-store" and "x-cache" not in public.last_headers,
          f"the page of a private link is never kept: {public.last_headers.get('cache-control')}")
    public.get("/match/1/host?code=" + hcode["B"])
    check("x-cache" not in public.last_headers, "...nor served from the server's cache")
    st, d = public.post("/api/match/1/host", {"code": hcode["B"], "capacity": "1", "reserved": "2"})
    check(st == 400 and d.get("rule") == "match-capacity", f"reserved beyond capacity: 400: {st} {d}")
    st, d = public.post("/api/match/1/host", {"code": hcode["B"], "capacity": "1", "weeks": ""})
    check(st == 200, f"host B edits its capacity by its link: {st} {d}")
    for typed in ("1O", "abc", "-1", "99999999999999999999"):
        st, d = public.post("/api/match/1/host", {"code": hcode["B"], "capacity": typed})
        check(st == 400 and d.get("field") == "capacity", f"capacity {typed!r}: 400, never a part of it: {st} {d}")
    st, d = public.post("/api/match/1/host", {"code": "wrong", "capacity": "9"})
    check(st == 404, f"a wrong host code: 404: {st} {d}")

    # Host rankings given after the import: every line or none, each error named; a host ranked keeps its ranking.
    bad = "host,pupil,rank\nZ,p1,1\nA,p9,1\nA,p1,x\n"
    st, d = coord.post("/api/match/1/rankings", {"rankings": bad})
    errs = d.get("errors", []) if isinstance(d, dict) else []
    check(st == 400 and [(e["file"], e["line"], e["rule"]) for e in errs] ==
          [("host_rankings.csv", 2, "unknown-host"), ("host_rankings.csv", 3, "unknown-pupil"),
           ("host_rankings.csv", 4, "count-format")] if len(errs) == 3 else False,
          f"a bad rankings file: 400 naming file, lines and rules: {st} {d}")
    check(public.post("/api/match/1/rankings", {"rankings": "host,pupil,rank\nC,p2,1\n"})[0] == 401,
          "the public may not give rankings")
    check(teach.post("/api/match/1/rankings", {"rankings": "host,pupil,rank\nC,p2,1\n"})[0] == 403,
          "a teacher may not give rankings")
    st, d = coord.post("/api/match/1/rankings", {"rankings": "host,pupil,rank\nC,p2,1\n"})
    check(st == 200 and d["rankings"] == 1 and d["hosts_ranked"] == 1, f"C ranks its applicant: {st} {d}")
    st, d = coord.post("/api/match/1/rankings", {"rankings": "host,pupil,rank\nB,p1,1\nC,p3,1\n"})
    errs = d.get("errors", []) if isinstance(d, dict) else []
    check(st == 400 and len(errs) == 1 and errs[0]["line"] == 3 and errs[0]["rule"] == "host-ranked-already",
          f"C ranked before: refused at its line, B not added either: {st} {d}")
    st, page = coord.form("/match/1/act?lang=en", {"do": "rankings", "rankings": "host,pupil,rank\nQ,p1,1\n"})
    check(st == 400 and "host_rankings.csv" in page and "Q" in page, f"the form names the file and the host: {st}")

    # Run and publish.
    check(teach.post("/api/match/1/run", {})[0] == 403, "a teacher does not run the round")
    st, d = coord.post("/api/match/1/run", {})
    check(st == 200 and d["round"] == 1 and d["placed"] == 2, f"round 1: {st} {d}")
    st, d = coord.post("/api/match/1/rankings", {"rankings": "host,pupil,rank\nB,p1,1\n"})
    check(st == 409, f"no rankings once a round is run: {st} {d}")
    st, d = coord.post("/api/match/1/publish", {"deadline": "2001-01-01T00:00"})
    check(st == 400 and d.get("field") == "deadline", f"a deadline past: 400: {st} {d}")
    st, d = coord.post("/api/match/1/publish", {"deadline": "2099-01-01T00:00"})
    check(st == 200 and d["offers"] == 2, f"round 1 published: {st} {d}")
    st, page = coord.get("/match/1")
    check(st == 200 and "Stages de 3e &lt;i&gt;Nord&lt;/i&gt;" in page and "Élèves affectés\u00a0:" in page,
          f"the campaign's page in French, escaped, with its figures: {st}")
    check("avant le <time datetime=\"2098-12-31T23:00:00Z\">1er janvier 2099 à 0\u00a0h\u00a000</time>" in page,
          f"the deadline, typed in Paris time, shown the French way: {page[page.find('avant') - 20:page.find('avant') + 160]}")
    st, page = public.get("/match/1?lang=en")
    check(st == 200 and "Pupils placed:" in page and "/act" not in page, f"the public sees the figures, no forms: {st}")

    # A pupil's code shows the placement and its explanation.
    st, d = public.post("/api/match/1/placement", {"code": code["p3"]})
    check(st == 200 and d["host"] == "" and d["explanation"][0]["host"] == "A"
          and d["explanation"][0]["cutoff_lottery"] == 1 and d["explanation"][0]["cutoff_priority"] == 1,
          f"p3 unplaced, A's cutoff explained: {st} {d}")
    st, page = public.form("/match/1/placement", {"code": code["p3"]}, csrf=False)
    check(st == 200 and "Vous n’êtes pas affecté" in page and "le numéro de tirage" in page,
          f"p3's placement page in French: {st} {page[:300] if isinstance(page, str) else page}")
    st, page = public.form("/match/1/placement?lang=en", {"code": code["p1"]}, csrf=False)
    check(st == 200 and "You are placed with" in page and "Accept" in page, f"p1's page in English: {st}")
    st, d = public.post("/api/match/1/placement", {"code": "not-a-code"})
    check(st == 404, f"a wrong code finds nothing: {st} {d}")

    # p1 refuses; the next round gives A to the next in line, p3.
    st, page = public.form("/match/1/placement", {"code": code["p1"], "answer": "refuse"}, csrf=False)
    check(st == 200 and "Votre réponse est enregistrée." in page, f"p1 refuses by the form: {st}")
    st, d = public.post("/api/match/1/answer", {"code": code["p1"], "answer": "accept"})
    check(st == 409 and d.get("rule") == "match-offer", f"an offer is answered once: {st} {d}")
    st, d = coord.post("/api/match/1/run", {})
    check(st == 200 and d["round"] == 2 and d["placed"] == 1, f"round 2: {st} {d}")
    check(coord.post("/api/match/1/publish", {"deadline": "01/02/2099 à 00 h 00"})[0] == 200,
          "round 2 published, its deadline typed day first")
    st, d = public.post("/api/match/1/placement", {"code": code["p3"]})
    check(st == 200 and d["round"] == 2 and d["host"] == "A" and d["wish"] == 1 and d["offer"]["state"] == "offered",
          f"A goes to p3 at round 2: {st} {d}")

    # explanations.csv: each wish above the one obtained, as the placement's explanation gives it.
    st, text = coord.get("/match/1/explanations.csv")
    lines = text.splitlines() if isinstance(text, str) else []
    st2, pl = public.post("/api/match/1/placement", {"code": code["p2"]})
    want = [f"p2,{pl['round']},{w['wish']},{w['host']},{w['why']},{w.get('cutoff_priority', '')},"
            f"{w.get('cutoff_lottery', '')},{w.get('own_priority', '')},{w.get('own_lottery', '')}"
            for w in pl.get("explanation", [])]
    check(st == 200 and lines[:1] == ["pupil,round,wish,host,reason,cutoff_priority,cutoff_lottery,own_priority,own_lottery"]
          and want and [l for l in lines if l.startswith("p2,")] == want
          and "explanations-1.csv" in coord.last_headers.get("content-disposition", ""),
          f"explanations.csv gives p2's explanation as its placement does: {st} {lines} {want}")
    check(public.get("/match/1/explanations.csv")[0] == 401 and obs.get("/match/1/explanations.csv")[0] == 403
          and teach.get("/match/1/explanations.csv")[0] == 403, "only the coordinator reads every explanation")
    st, text = coord.get("/match/1/assignment.csv")
    check(st == 200 and text.startswith("pupil,host,wish,round,lottery\n") and "p3,A,1,2,3" in text,
          f"assignment.csv: {st} {text!r}")
    check(public.get("/match/1/assignment.csv")[0] == 401, "the public may not download the assignment")
    check(obs.get("/match/1/assignment.csv")[0] == 403, "an observer may not download the assignment")

    # report.json: the run's own record (the engine's figures, the seed, the inputs' hash); the coordinator's only.
    st, rep = coord.get("/match/1/report.json")
    check(st == 200 and isinstance(rep, dict) and rep["seed"] == 7 and rep["method"] == "da"
          and re.fullmatch(r"[0-9a-f]{64}", rep["inputs_sha256"]) and rep["pupils"] == 3 and rep["placed"] == 2
          and rep["round"] == {"later": True, "kept": 1, "refused": 1},
          f"report.json of round 2: p2 keeps C, p1 refused, p3 placed: {st} {rep}")
    check("report-1.json" in coord.last_headers.get("content-disposition", ""), "report.json is a download")
    st, rep1 = coord.get("/match/1/report.json?round=1")
    check(st == 200 and rep1["placed"] == 2 and rep1["rank_distribution"] == [1, 1, 0]
          and rep1["priority_pupils"] == {"pupils": 1, "placed": 1, "first_wish": 1}
          and rep1["other_pupils"] == {"pupils": 2, "placed": 1, "first_wish": 0}
          and rep1["round"]["later"] is False and rep1["inputs_sha256"] != rep["inputs_sha256"],
          f"report.json of round 1, as it was then: {st} {rep1}")
    # Round 1's report is the command line's on the files the round read (the rows as the files): byte for byte.
    g1 = tempfile.mkdtemp(prefix="urne-match-report-")
    files1 = {"h.csv": "id,capacity,reserved,weeks\nA,1,0,\nB,1,0,\nC,1,0,\n",
              "p.csv": "id,wishes,priority,lottery,week\np1,A>B>C,1,1,\np2,A>C,0,2,\np3,A,0,3,\n",
              "r.csv": "host,pupil,rank\nC,p2,1\n"}
    for name, body in files1.items():
        with open(os.path.join(g1, name), "w") as f:
            f.write(body)
    run("match", "run", "--hosts", os.path.join(g1, "h.csv"), "--pupils", os.path.join(g1, "p.csv"),
        "--host-rankings", os.path.join(g1, "r.csv"), "--seed", "7", "--out", os.path.join(g1, "out"))
    cli_report = json.load(open(os.path.join(g1, "out", "report.json"), encoding="utf-8"))
    raw1 = urllib.request.urlopen(urllib.request.Request(f"http://127.0.0.1:{srv.port}/match/1/report.json?round=1",
                                  headers={"Authorization": "Bearer " + coord.token})).read().decode()
    check(raw1 == open(os.path.join(g1, "out", "report.json"), encoding="utf-8").read() and cli_report == rep1,
          f"the server's report of round 1 is urne match run's on the same files: {raw1!r}")
    st, d = coord.get("/match/1/report.json?round=3")
    check(st == 409, f"no round 3 run: 409: {st} {d}")
    check(public.get("/match/1/report.json")[0] == 401, "the public may not read the report")
    for name in ("obs", "teach", "hostacct"):
        st, d = clients[name].get("/match/1/report.json")
        check(st == 403, f"{name} may not read the report: {st} {d}")

    # Each host's list: the coordinator's whole, a host's own by its link, nobody else's.
    st, text = coord.get("/match/1/hosts.csv")
    check(st == 200 and text == "host,pupil,school,wish,priority,lottery,round,state\n"
          "A,p3,Collège Verlaine,1,0,3,2,offered\nC,p2,Collège Jean-Macé,2,0,2,1,offered\n",
          f"hosts.csv: A holds p3 (round 2), C holds p2 (round 1), p1's refusal gone: {st} {text!r}")
    st, text = public.get("/match/1/host.csv?code=" + hcode["A"])
    check(st == 200 and text == "host,pupil,school,wish,priority,lottery,round,state\nA,p3,Collège Verlaine,1,0,3,2,offered\n",
          f"host A's own list by its link, no other host's pupil: {st} {text!r}")
    check(public.last_headers.get("cache-control") == "no-store", "a private link's list is never kept")
    st, text = public.get("/match/1/host.csv?code=" + hcode["B"])
    check(st == 200 and text == "host,pupil,school,wish,priority,lottery,round,state\n", f"B holds nobody: {st} {text!r}")
    for path in ("/match/1/host.csv?code=wrong", "/match/1/host.csv", "/match/9/host.csv?code=" + hcode["A"]):
        st, d = public.get(path)
        check(st == 404, f"{path}: a wrong or missing code, another campaign: 404: {st} {d}")
    check(public.get("/match/1/hosts.csv")[0] == 401, "the public may not read every host's list")
    for name in ("obs", "teach", "hostacct"):
        st, d = clients[name].get("/match/1/hosts.csv")
        check(st == 403, f"{name} may not read every host's list: {st} {d}")
    st, page = public.get("/match/1/host?code=" + hcode["A"])
    check(st == 200 and "<td>p3</td>" in page and "<td>p2</td>" not in page and "host.csv?code=" in page,
          f"host A's page lists its pupil, and its list's download: {st}")
    st, page = teach.get("/match/1/pupils?lang=en")
    check(st == 200 and "C, wish 2" in page and "Why not a wish above" in page and "lottery number" in page
          and "<td>p3</td>" not in page, f"the teacher sees their pupils' placements and cutoffs, no other school's: {st}")
    p1_row = page[page.index("<td>p1</td>"):page.index("</tr>", page.index("<td>p1</td>"))]
    check("A, wish 1" in p1_row and "Refused: the place goes to the next in line." in p1_row,
          f"p1's place at A is said refused, not shown as p1's: {p1_row}")
    p2_row = page[page.index("<td>p2</td>"):page.index("</tr>", page.index("<td>p2</td>"))]
    check("C, wish 2" in p2_row and "offered, not yet answered" in p2_row, f"p2's place at C awaits p2's answer: {p2_row}")

    # Formulas neutralised in the web's downloads: a pupil "=HYPERLINK(...)", a host "+cmd".
    st, d = coord.post("/api/match", {"name": "Formules", "space": "org/nord", "seed": "1"})
    check(st == 201 and d["id"] == 2, f"campaign 2: {st} {d}")
    evil_hosts = "id,capacity\n+cmd,1\n@SUM(A1),1\n"
    evil_pupils = 'id,wishes,school\n"=HYPERLINK(""http://evil.example"",""x"")",+cmd,-2+3\nplain,@SUM(A1),"\tTab"\n'
    st, d = coord.post("/api/match/2/import", {"hosts": evil_hosts, "pupils": evil_pupils})
    check(st == 200, f"the formulas are ids like any other: {st} {d}")
    hcode2 = {x["host"]: x["code"] for x in d["codes"]["hosts"]}
    # A host ranks its own applicants from its private link (before the first round, once).
    st, page = public.get("/match/2/host?lang=en&code=" + hcode2["+cmd"])
    check(st == 200 and "Rank your applicants" in page and "name=rank-1" in page and "HYPERLINK" in page
          and "name=rank-2" not in page, f"+cmd's page lists its one applicant with a rank to give: {st}")
    evil = '=HYPERLINK("http://evil.example","x")'
    form = {"code": hcode2["+cmd"], "do": "ranks", "n": "1", "pupil-1": evil}
    st, page = public.form("/match/2/host?lang=en", dict(form, **{"rank-1": "x"}), csrf=False)
    check(st == 400 and "a whole number from 1" in page, f"a rank that is no number: 400: {st}")
    st, page = public.form("/match/2/host?lang=en", dict(form, **{"rank-1": ""}), csrf=False)
    check(st == 400 and "No rank given" in page, f"no rank at all: 400: {st}")
    st, page = public.form("/match/2/host?lang=en", dict(form, code="wrong", **{"rank-1": "1"}), csrf=False)
    check(st == 404, f"a wrong code ranks nothing: {st}")
    st, page = public.form("/match/2/host?lang=en", dict(form, **{"rank-1": "1"}), csrf=False)
    check(st == 200 and "Your ranking is given" in page and "name=rank-1" not in page, f"+cmd ranks its applicant: {st}")
    st, page = public.form("/match/2/host?lang=en", dict(form, **{"rank-1": "2"}), csrf=False)
    check(st == 400 and "already ranks its applicants" in page, f"a ranking is given once: {st}")
    st, page = public.get("/match/2/host?code=" + hcode2["@SUM(A1)"])
    check(st == 200 and "Classez vos candidats" in page and "name=rank-1" in page, f"@SUM(A1)'s own form, in French: {st}")
    check(coord.post("/api/match/2/run", {})[0] == 200, "campaign 2 run")
    st, text = coord.get("/match/2/assignment.csv")
    check(st == 200 and "\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\",'+cmd,1," in text
          and "\nplain,'@SUM(A1),1," in text and "\n=" not in text and ",+" not in text,
          f"assignment.csv: each formula after a quote: {st} {text!r}")
    st, text = coord.get("/match/2/hosts.csv")
    check(st == 200 and "'+cmd,\"'=HYPERLINK(" in text and ",'-2+3,1," in text and ",'\tTab," in text
          and text.endswith(",computed\n"), f"hosts.csv: formulas neutralised, the round computed shown: {st} {text!r}")
    st, text = public.get("/match/2/host.csv?code=" + hcode2["+cmd"])
    check(st == 200 and text == "host,pupil,school,wish,priority,lottery,round,state\n",
          f"a host never sees a round not yet published: {st} {text!r}")
    g0 = tempfile.mkdtemp(prefix="urne-match-cli-")
    with open(os.path.join(g0, "h.csv"), "w") as f:
        f.write(evil_hosts)
    with open(os.path.join(g0, "p.csv"), "w") as f:
        f.write(evil_pupils)
    run("match", "run", "--hosts", os.path.join(g0, "h.csv"), "--pupils", os.path.join(g0, "p.csv"), "--seed", "1",
        "--out", os.path.join(g0, "out"))
    cli = open(os.path.join(g0, "out", "assignment.csv"), encoding="utf-8").read()
    check("\"=HYPERLINK(" in cli and ",+cmd," in cli, f"the command line's files keep the ids exact: {cli!r}")
    p = run("match", "check", "--hosts", os.path.join(g0, "h.csv"), "--pupils", os.path.join(g0, "p.csv"),
            "--assignment", os.path.join(g0, "out", "assignment.csv"), ok=False)
    check(p.returncode == 0, f"...which urne match check reads back: {p.stdout} {p.stderr}")

    # A generated département: imported and run.
    g = tempfile.mkdtemp(prefix="urne-match-")
    subprocess.run(["python3", os.path.join(SOURCE, "bench", "gen_match.py"), "300", "30", "5", "4", g], check=True)
    st, d = coord.post("/api/match", {"name": "Département généré", "space": "org/nord"})
    check(st == 201 and d["id"] == 3, f"campaign 3: {st} {d}")
    hosts, pupils = (open(os.path.join(g, f), encoding="utf-8").read() for f in ("hosts.csv", "pupils.csv"))
    st, d = coord.post("/api/match/3/import", {"hosts": hosts, "pupils": pupils})
    check(st == 200 and len(d["codes"]["pupils"]) == 300, f"300 pupils imported: {st}")
    st, d = coord.post("/api/match/3/run", {})
    check(st == 200 and d["placed"] > 200, f"the generated round placed most pupils: {st} {d}")
    st, d = coord.get("/api/match/3")
    check(st == 200 and d["placed"] + d["unplaced"] == 300 and sum(d["placed_at_wish"]) + d["placed_further"] == d["placed"],
          f"the figures add up: {d}")
    check(coord.post("/api/match/3/publish", {"deadline": "2099-01-01T00:00"})[0] == 200, "campaign 3 published")
    st, text = coord.get("/match/3/hosts.csv")
    import csv, io
    rows = list(csv.DictReader(io.StringIO(text)))
    check(st == 200 and len(rows) == d["placed"] and all(int(x["wish"]) >= 1 and x["state"] == "offered" for x in rows)
          and rows == sorted(rows, key=lambda x: (x["host"].encode(), -int(x["priority"]), int(x["lottery"]))),
          f"hosts.csv of a département: every pupil placed, with their wish, host after host in its order: {st} {len(rows)}")

    # A host wished by more pupils than its page can rank is told so; no form holds only some of them.
    st, d = coord.post("/api/match", {"name": "Très demandé", "space": "org/nord", "seed": "4"})
    check(st == 201 and d["id"] == 4, f"campaign 4: {st} {d}")
    many = "id,wishes\n" + "".join(f"q{i},Big\n" for i in range(2001))
    st, d = coord.post("/api/match/4/import", {"hosts": "id,capacity\nBig,10\n", "pupils": many})
    check(st == 200, f"2,001 pupils wishing one host: {st}")
    big = {x["host"]: x["code"] for x in d["codes"]["hosts"]}["Big"]
    st, page = public.get("/match/4/host?lang=en&code=" + big)
    check(st == 200 and "2,001" in page.replace("\u202f", ",").replace("\u00a0", ",") and "too many to rank on this page" in page
          and "name=rank-1" not in page, f"the host is told its 2,001 applicants are too many for the page: {st}")

    # The distances between communes and a maximum distance: set before the first round, replaced whole when
    # sent again, honoured by the round exactly as `urne match run --distances --max-km` does on the same files.
    st, d = coord.post("/api/match", {"name": "Distances", "space": "org/nord", "seed": "3"})
    check(st == 201 and d["id"] == 5, f"campaign 5: {st} {d}")
    dhosts = "id,capacity,name,commune\nN1,1,Ressourcerie,Lille\nN2,1,Épicerie,Roubaix\nF,2,Port,Dunkerque\n"
    dpupils = ("id,wishes,lottery,commune,school\nq1,F>N1,1,Lille,Jean-Macé\nq2,F>N2,2, Roubaix ,Jean-Macé\n"
               "q3,N1>F,3,,Verlaine\nq4,N2,4,Lille,Verlaine\n")
    table = "commune_a;commune_b;km\nRoubaix;Lille;12\nLille;Dunkerque;80\n"
    st, d = coord.post("/api/match/5/distances", {"distances": table, "max_km": "50"})
    check(st == 409 and d.get("rule") == "match-state", f"no distances while the campaign is a draft: {st} {d}")
    st, d = coord.post("/api/match/5/import", {"hosts": dhosts, "pupils": dpupils})
    check(st == 200, f"campaign 5 imported, communes among the kept columns: {st} {d}")
    st, d = coord.post("/api/match/5/distances", {"distances": "commune_a,commune_b,km\nLille,Roubaix,x\nLille,,3\n"
                                                  "Roubaix,Lille,1\nLille,Roubaix,2\n", "max_km": "50"})
    errs = d.get("errors", []) if isinstance(d, dict) else []
    check(st == 400 and [(e["file"], e["line"], e["field"], e["rule"]) for e in errs]
          == [("distances.csv", 2, "km", "count-format"), ("distances.csv", 3, "commune_b", "commune-empty"),
              ("distances.csv", 5, "commune_b", "duplicate-distance")],
          f"a bad distances.csv: 400, every error by file, line, field and rule: {st} {d}")
    for bad_km in ("", "-1", "x"):
        st, d = coord.post("/api/match/5/distances", {"distances": table, "max_km": bad_km})
        check(st == 400 and d.get("rule") == "match-max-km" and d.get("field") == "max_km",
              f"max_km {bad_km!r}: 400: {st} {d}")
    check(public.post("/api/match/5/distances", {"distances": table, "max_km": "50"})[0] == 401,
          "the public sets no distances")
    for name in ("obs", "teach", "hostacct"):
        st, d = clients[name].post("/api/match/5/distances", {"distances": table, "max_km": "50"})
        check(st == 403, f"{name} sets no distances: {st} {d}")
    st, d = coord.post("/api/match/5/distances", {"distances": "commune_a,commune_b,km\nLille,Dunkerque,5\n",
                                                  "max_km": "1000"})
    check(st == 200 and d.get("distances") == 1, f"a first table: {st} {d}")
    st, d = coord.post("/api/match/5/distances", {"distances": table, "max_km": "50"})
    check(st == 200 and d.get("distances") == 2, f"the table sent again replaces the first: {st} {d}")
    st, page = coord.get("/match/5?lang=en")
    check(st == 200 and "Set the distances between communes" in page and "name=max_km" in page,
          f"the coordinator's page has the distances' form: {st}")
    st, page = coord.form("/match/5/act?lang=en", {"do": "distances", "distances": table, "max_km": "km"})
    check(st == 400 and "Field &#39;max_km&#39;" in page.replace("'", "&#39;"), f"the form refuses a bad max_km: {st}")
    st, d = coord.post("/api/match/5/run", {})
    check(st == 200 and d["placed"] == 3, f"campaign 5 run: {st} {d}")
    st, text = coord.get("/match/5/assignment.csv")
    server_rows = sorted((x[0], x[1], x[2], x[4]) for x in (l.split(",") for l in text.splitlines()[1:]))
    check(st == 200 and server_rows == [("q1", "N1", "2", "1"), ("q2", "N2", "2", "2"), ("q3", "F", "2", "3"),
                                        ("q4", "", "0", "4")],
          f"Dunkerque too far for Lille (80 km) and Roubaix (no distance); q3 has no commune: {st} {text!r}")
    st, text = coord.get("/match/5/explanations.csv")
    check(st == 200 and "\nq1,1,1,F,too-far," in text and "\nq2,1,1,F,too-far," in text, f"the reason said: {text!r}")
    st, d = coord.post("/api/match/5/distances", {"distances": table, "max_km": "100"})
    check(st == 409 and d.get("rule") == "match-state", f"no new table after the first round: {st} {d}")
    # The command line on the files the round read (the rows as the files): report.json byte for byte.
    g5 = tempfile.mkdtemp(prefix="urne-match-distances-")
    files5 = {"h.csv": "id,capacity,reserved,weeks,commune\nF,2,0,,Dunkerque\nN1,1,0,,Lille\nN2,1,0,,Roubaix\n",
              "p.csv": "id,wishes,priority,lottery,week,commune\nq1,F>N1,0,1,,Lille\nq2,F>N2,0,2,,Roubaix\n"
                       "q3,N1>F,0,3,,\nq4,N2,0,4,,Lille\n",
              "d.csv": "commune_a,commune_b,km\nDunkerque,Lille,80\nLille,Roubaix,12\n",
              "h0.csv": dhosts, "p0.csv": dpupils, "d0.csv": table}
    for name, body in files5.items():
        with open(os.path.join(g5, name), "w") as f:
            f.write(body)
    for suffix in ("", "0"):
        out = os.path.join(g5, "out" + suffix)
        run("match", "run", "--hosts", os.path.join(g5, f"h{suffix}.csv"), "--pupils", os.path.join(g5, f"p{suffix}.csv"),
            "--distances", os.path.join(g5, f"d{suffix}.csv"), "--max-km", "50", "--seed", "3", "--out", out)
        cli_rows = sorted((x[0], x[1], x[2] or "0", x[4]) for x in
                          (l.split(",") for l in open(os.path.join(out, "assignment.csv")).read().splitlines()[1:]))
        check(cli_rows == server_rows, f"the command line on the {'imported' if suffix else 'stored'} files places alike "
              f"(its unplaced wish empty, the server's 0): "
              f"{cli_rows} {server_rows}")
    raw5 = urllib.request.urlopen(urllib.request.Request(f"http://127.0.0.1:{srv.port}/match/5/report.json",
                                  headers={"Authorization": "Bearer " + coord.token})).read().decode()
    check(raw5 == open(os.path.join(g5, "out", "report.json"), encoding="utf-8").read(),
          f"the server's report.json is urne match run's on the rows as files, distances included: {raw5!r}")

    # A ranking given is corrected by the coordinator before the next round: each host's lines replace its
    # ranking whole; a host that gave none, or a correction leaving out a pupil who holds a place there, refused.
    st, d = coord.post("/api/match/1/rankings/correct", {"rankings": "host,pupil,rank\nA,p1,1\nC,p1,1\n"})
    errs = d.get("errors", []) if isinstance(d, dict) else []
    check(st == 400 and [(e["file"], e["line"], e["field"], e["rule"]) for e in errs]
          == [("host_rankings.csv", 2, "host", "host-not-ranked"), ("host_rankings.csv", 3, "pupil", "holder-not-ranked")],
          f"A gave no ranking; p2 holds C and would be left out: refused at their lines: {st} {d}")
    check(teach.post("/api/match/1/rankings/correct", {"rankings": "host,pupil,rank\nC,p2,1\n"})[0] == 403,
          "a teacher corrects no ranking")
    check(public.post("/api/match/1/rankings/correct", {"rankings": "host,pupil,rank\nC,p2,1\n"})[0] == 401,
          "the public corrects no ranking")
    st, d = coord.post("/api/match/1/rankings/correct", {"rankings": "host,pupil,rank\nC,p1,1\nC,p2,2\n"})
    check(st == 200 and d["rankings"] == 2 and d["hosts_corrected"] == 1, f"C's ranking corrected: {st} {d}")
    st, page = coord.get("/match/1?lang=en")
    check(st == 200 and "Correct a host&#39;s ranking" in page.replace("'", "&#39;"), f"the correction's form: {st}")
    st, page = coord.form("/match/1/act?lang=en", {"do": "correct", "rankings": "host,pupil,rank\nC,p3,1\n"})
    check(st == 400 and "holds a place there" in page, f"the form refuses it alike, naming the pupil held: {st}")

    # Hosts and pupils who join late: added after a round is published (every line or none, an id already
    # there refused), placed in the next round on the places left; a round waiting to be published takes none.
    st, d = coord.post("/api/match/5/add", {"pupils": "id,wishes,lottery\nq5,N1,5\n"})
    check(st == 409 and d.get("rule") == "match-state", f"nothing added while a round waits to be published: {st} {d}")
    check(coord.post("/api/match/5/publish", {"deadline": "2099-01-01T00:00"})[0] == 200, "campaign 5 published")
    st, d = coord.post("/api/match/5/add", {"hosts": "id,capacity\nN1,3\nG,-1\n",
                                            "pupils": "id,wishes,lottery\nq1,N1,9\nq5,G>Z,5\n"})
    errs = d.get("errors", []) if isinstance(d, dict) else []
    check(st == 400 and [(e["file"], e["line"], e["field"], e["rule"]) for e in errs]
          == [("hosts.csv", 3, "capacity", "out-of-range")],
          f"a bad hosts.csv refuses the addition, named first: {st} {d}")
    st, d = coord.post("/api/match/5/add", {"hosts": "id,capacity\nN1,3\nG,1\n"})
    errs = d.get("errors", []) if isinstance(d, dict) else []
    check(st == 400 and [(e["file"], e["line"], e["field"], e["rule"]) for e in errs]
          == [("hosts.csv", 2, "id", "host-exists")], f"a host already there is refused, not updated: {st} {d}")
    st, d = coord.post("/api/match/5/add", {"hosts": "id,capacity\nG,1\n",
                                            "pupils": "id,wishes,lottery\nq1,N1,9\nq5,G>Z,5\n"})
    errs = d.get("errors", []) if isinstance(d, dict) else []
    check(st == 400 and [(e["file"], e["line"], e["field"], e["rule"]) for e in errs]
          == [("pupils.csv", 3, "wishes", "unknown-host")],
          f"a wish for no host: refused at its line (G, added with it, is known): {st} {d}")
    st, d = coord.post("/api/match/5/add", {"hosts": "id,capacity\nG,1\n",
                                            "pupils": "id,wishes,lottery\nq1,N1,9\nq5,G>N1,5\nq2,F,10\n"})
    errs = d.get("errors", []) if isinstance(d, dict) else []
    check(st == 400 and [(e["file"], e["line"], e["field"], e["rule"]) for e in errs]
          == [("pupils.csv", 2, "id", "pupil-exists"), ("pupils.csv", 4, "id", "pupil-exists")],
          f"pupils already there: refused at their lines, not updated: {st} {d}")
    st, d = coord.post("/api/match/5/add", {"pupils": "id,wishes\nq5,N1\n"})
    check(st == 400 and [e["rule"] for e in d.get("errors", [])] == ["lottery-all-or-none"],
          f"the campaign's pupils have lottery numbers: those added too: {st} {d}")
    st, d = coord.post("/api/match/5/add", {})
    check(st == 400, f"no file at all: 400: {st} {d}")
    check(obs.post("/api/match/5/add", {"pupils": "id,wishes,lottery\nq5,N1,5\n"})[0] == 403, "an observer adds nobody")
    st, d = coord.get("/api/match/5")
    check(st == 200 and d["pupils"] == 4, f"nothing of the refused files written: {d}")
    st, d = coord.post("/api/match/5/add", {"hosts": "id,capacity,name,commune\nG,1,Garage,Lille\n"})
    check(st == 200 and [x["host"] for x in d["codes"]["hosts"]] == ["G"] and d["codes"]["pupils"] == [],
          f"a host added alone, its code answered: {st} {d}")
    st, d = coord.post("/api/match/5/add", {"hosts": "id,capacity\nH,1\n", "pupils":
                                            "id,wishes,lottery,commune,school\nq5,G>N1,5,Lille,Collège Verlaine\n"
                                            "q6,F,6,Dunkerque,Collège Verlaine\nq7,H>G,7,,Collège Verlaine\n"})
    check(st == 200 and [x["host"] for x in d["codes"]["hosts"]] == ["H"]
          and [x["pupil"] for x in d["codes"]["pupils"]] == ["q5", "q6", "q7"]
          and all(x["school"] == "Collège Verlaine" for x in d["codes"]["pupils"]),
          f"a host and pupils added together, wishing it and the others: {st} {d}")
    q6 = {x["pupil"]: x["code"] for x in d["codes"]["pupils"]}["q6"]
    st, page = coord.get("/match/5?lang=en")
    check(st == 200 and "Add hosts and pupils who join late" in page, f"the addition's form on the page: {st}")
    st, page = coord.form("/match/5/act?lang=en", {"do": "add", "pupils": "id,wishes,lottery\nq8,N2,8\n"})
    check(st == 200 and "<td>q8</td>" in page and "shown only now" in page, f"added by the form, its code shown: {st}")
    st, d = coord.post("/api/match/5/run", {})
    check(st == 200 and d["round"] == 2 and d["placed"] == 3, f"round 2 places q5 (G), q6 (F), q7 (H): {st} {d}")
    st, text = coord.get("/match/5/assignment.csv")
    rows2 = sorted((x[0], x[1]) for x in (l.split(",") for l in text.splitlines()[1:]))
    check(st == 200 and rows2 == [("q4", ""), ("q5", "G"), ("q6", "F"), ("q7", "H"), ("q8", "")],
          f"the late joiners placed on the places left, those holding a place not in the round: {st} {text!r}")
    st, d = public.post("/api/match/5/placement", {"code": q6})
    check(st == 200 and d["pupil"] == "q6", f"a late joiner's code works: {st} {d}")

    p = run("audit", "verify", "--db", srv.db, ok=False)
    check(p.returncode == 0 and "5 matching campaign(s) compared" in p.stdout,
          f"urne audit verify passes, the campaigns compared with the log: {p.stdout} {p.stderr}")
finally:
    srv.stop()

# `urne store copy` carries the campaigns' rows: the copy verifies alike.
copy = os.path.join(tempfile.mkdtemp(prefix="urne-match-copy-"), "copy.db")
p = run("store", "copy", "--from", srv.db, "--to", copy, ok=False)
check(p.returncode == 0, f"urne store copy: {p.stdout} {p.stderr}")
p = run("audit", "verify", "--db", copy, ok=False)
check(p.returncode == 0 and "5 matching campaign(s) compared" in p.stdout, f"the copy verifies: {p.stdout} {p.stderr}")

check_tampered(srv, [("a capacity changed behind the log's back", ["UPDATE match_hosts SET capacity = 7 WHERE key = 'C'"],
                      ["matching campaign 1", "rows (digest)"]),
                     ("a distance changed behind the log's back", ["UPDATE match_distances SET km = 10 WHERE km = 80"],
                      ["matching campaign 5", "rows (digest)"]),
                     ("the maximum distance changed behind the log's back", ["UPDATE match_limits SET max_km = 90"],
                      ["matching campaign 5", "rows (digest)"]),
                     ("a round's report changed behind the log's back",
                      ["UPDATE match_runs SET report = '{}' WHERE campaign_id = 1 AND round = 1"],
                      ["matching campaign 1", "rows (digest)"])])
done()
