"""The initiative component (issue 18) through the server: an administrator
creates an initiative from its rules and imports its roll (a bad roll refused
whole, naming line, field and rule); the committee (a commission) declares it
admissible; it opens; anyone signs: matched on the roll, answered a receipt code,
the same elector a second time refused and counted once (also from 20
connections at once); the receipt checks; the counts per territory on the API
and on the live counter page, in French and English, escaped, under the CSP; the
committee invalidates a signature and the counts follow; the counters kept in
the page cache a second at most after a signature; every role refused what
is not its own (401, 403); `urne audit verify` passes; the counts are the same
after a restart (rebuilt from the rows)."""
import hashlib
import html
import os
import re
import subprocess
import threading
import time

from lib import *

RULES = "preset = territories\nnational = 3\nterritory = 1\nterritories = 2\n" \
        "opens = 2020-01-01\ncloses = 2099-01-01\nstop-at-threshold = no\n"
ROLL = ("nom;prenoms;naissance;commune;territoire\n"
        "Dupont;Jean Pierre;1970-03-04;Montval;Nord\n"
        "N'Diaye;Awa;02/01/1990;Lille;Nord\n"
        "Lefèvre;Élodie;1985-12-31;Arras;Pas-de-Calais\n"
        "Martin;Paul;1960-06-01;Arras;Pas-de-Calais\n")
TITLE = "Eau en régie <script>alert(1)</script>"

srv = Server()
admin_db(srv)
SECRET = os.path.join(srv.dir, "authority.key")
KEY = run("initiative", "keygen", "--secret-key", SECRET).stdout.strip()  # the authority's, kept off the server
srv.start()
try:
    public = srv.client()
    st, page = public.get("/initiatives")
    check(st == 200 and "<h1>Initiatives citoyennes</h1>" in page and "Aucune initiative" in page,
          f"GET /initiatives in French: {st}")
    check('href="/initiatives"' in page, "the navigation links to /initiatives")
    st, page = public.get("/initiatives?lang=en")
    check(st == 200 and "<h1>Citizens&#39; initiatives</h1>" in page, f"?lang=en: {st}")

    admin = admin_client(srv)
    make_users(admin, {"obs": ("observer", 1), "sec": ("secretary", 1), "com": ("commission", 1)})
    com = srv.client()
    check(com.login("com", bearer=True)[0] == 200, "com logs in")

    create = {"title": TITLE, "rules": RULES, "authority_key": KEY}
    for name in ("obs", "sec", "com"):
        c = srv.client()
        c.login(name, bearer=True)
        st, d = c.post("/api/initiatives", create)
        check(st == 403, f"{name} may not create an initiative: {st} {d}")
    st, d = public.post("/api/initiatives", create)
    check(st == 401, f"nobody logged in: 401: {st} {d}")
    st, d = admin.post("/api/initiatives", dict(create, rules="preset = rip\nnational = 120%\n"))
    check(st == 400 and d.get("field") == "rules", f"rules the engine refuses: 400 naming the field: {st} {d}")
    st, d = admin.post("/api/initiatives", dict(create, authority_key="abc"))
    check(st == 400 and d.get("field") == "authority_key" and d.get("rule") == "authority-key",
          f"a bad authority key: 400: {st} {d}")
    st, d = admin.post("/api/initiatives", create)
    check(st == 201 and d.get("id") == 1, f"admin creates initiative 1: {st} {d}")

    bad = "name,given,birth,commune\nMartin,Paul,1960-06-01,Arras\nDurand,Zoé,2090-01-01,Lille\n"
    st, d = admin.post("/api/initiatives/1/roll", {"csv": bad})
    errs = d.get("errors", []) if isinstance(d, dict) else []
    check(st == 400 and errs and errs[0]["line"] == 3 and errs[0]["field"] == "birth"
          and errs[0]["rule"] == "birth-future", f"a roll with a birth in 2090: 400 naming line, field, rule: {st} {d}")
    st, d = admin.get("/api/initiatives/1")
    check(st == 200 and d["territories"] == [], f"nothing of the bad roll written: {d}")
    st, d = com.post("/api/initiatives/1/roll", {"csv": ROLL})
    check(st == 403, f"the committee does not import rolls: {st}")
    st, d = admin.post("/api/initiatives/1/roll", {"csv": ROLL})
    check(st == 200 and d.get("electors") == 4, f"the roll imported: {st} {d}")

    signer = {"name": "dupont", "given": "jean-pierre", "birth": "1970-03-04", "commune": "MONTVAL"}
    st, d = public.post("/api/initiatives/1/signatures", signer)
    check(st == 409 and d.get("rule") == "not-collecting", f"no signature in draft: {st} {d}")

    st, d = admin.post("/api/initiatives/1/transition", {"event": "submit"})
    check(st == 200 and d.get("state") == "submitted", f"submitted: {st} {d}")
    st, d = admin.post("/api/initiatives/1/decision", {"decision": "admit"})
    check(st == 403, f"an administrator is not the committee: {st}")
    st, d = com.post("/api/initiatives/1/decision", {"decision": "reject"})
    check(st == 409 and d.get("rule") == "no-reasons", f"inadmissible without reasons: 409: {st} {d}")
    st, d = com.post("/api/initiatives/1/decision", {"decision": "admit", "reasons": "Conforme."})
    check(st == 200 and d.get("state") == "admissible", f"admissible: {st} {d}")
    st, d = com.post("/api/initiatives/1/transition", {"event": "open"})
    check(st == 403, f"the committee does not open the collection: {st}")
    st, d = admin.post("/api/initiatives/1/transition", {"event": "launch"})
    check(st == 400 and d.get("rule") == "event", f"an unknown event: 400: {st} {d}")
    st, d = admin.post("/api/initiatives/1/transition", {"event": "open"})
    check(st == 200 and d.get("state") == "collecting", f"collecting: {st} {d}")

    st, d = public.post("/api/initiatives/1/signatures", signer)
    check(st == 201 and re.fullmatch(r"%d-[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{5}" % d.get("id", 0),
                                     d.get("receipt", "")) and d.get("territory") == "Nord",
          f"signed, a receipt code answered (its signature's id, then its random part): {st} {d}")
    receipt = d.get("receipt", "")
    st, d = public.post("/api/initiatives/1/signatures", dict(signer, name="DUPONT", given="Jean Pierre"))
    check(st == 409 and d.get("rule") == "already-signed", f"the same elector again: 409: {st} {d}")
    st, d = public.post("/api/initiatives/1/signatures", dict(signer, name="Durand"))
    check(st == 400 and d.get("rule") == "not-on-roll", f"not on the roll: 400: {st} {d}")
    st, d = public.post("/api/initiatives/1/signatures", dict(signer, birth="2090-01-01"))
    check(st == 400 and d.get("field") == "birth" and d.get("rule") == "birth-future", f"born in 2090: {st} {d}")
    st, d = public.post("/api/initiatives/1/signatures", dict(signer, birth="1971-03-04"),
                        headers={"Accept-Language": "fr"})
    check(st == 400 and d.get("rule") == "homonym" and "prénoms" in d.get("error", ""),
          f"a homonym, told in French: {st} {d}")
    st, d = public.post("/api/initiatives/1/signatures", {"name": "Martin"})
    check(st == 400 and d.get("field") == "given", f"missing fields: 400 naming the first: {st} {d}")

    # One elector from 20 connections at once: one signature.
    answers = []
    def sign_once():
        answers.append(srv.client().post("/api/initiatives/1/signatures",
                                         {"name": "N-Diaye", "given": "awa", "birth": "1990-01-02",
                                          "commune": "lille"})[0])
    threads = [threading.Thread(target=sign_once) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    check(sorted(answers) == [201] + [409] * 19, f"20 connections, one signature: {sorted(answers)}")

    st, d = public.post("/api/initiatives/1/receipt", {"code": receipt.lower()})
    check(st == 200 and d.get("counted") is True and d.get("territory") == "Nord", f"the receipt checks: {st} {d}")
    st, d = public.post("/api/initiatives/1/receipt", {"code": "AAAAA-AAAAA-AAAAA-AAAAA"})
    check(st == 400 and d.get("rule") == "unknown-receipt", f"an unknown receipt: 400: {st} {d}")

    st, d = public.get("/api/initiatives/1")
    nord = [t for t in d.get("territories", []) if t["name"] == "Nord"]
    check(st == 200 and d["signatures"] == 2 and d["threshold"] == 3 and d["state"] == "collecting"
          and nord and nord[0]["signatures"] == 2 and nord[0]["electors"] == 2 and nord[0]["reached"] is True
          and d["reached"] is False, f"the counts: {d}")

    st, page = public.get("/initiatives/1")
    check(st == 200 and "<script>alert(1)</script>" not in page and html.escape(TITLE, quote=True) in page,
          f"the counter page escapes the title: {st}")
    check("en collecte" in page and "Pas-de-Calais" in page and "<progress" in page, "the counter in French")
    csp = public.last_headers.get("content-security-policy", "")
    check("script-src 'self'" in csp and "unsafe-inline" not in csp, f"the page's CSP: {csp}")
    st, page = public.get("/initiatives/1?lang=en")
    check(st == 200 and "collecting signatures" in page and "The threshold is not reached yet." in page,
          "the counter in English")
    st, page = public.get("/initiatives/9")
    check(st == 404, f"no initiative 9: {st}")

    st, d = admin.post("/api/initiatives/1/signatures/1/invalidate", {"reason": "x"})
    check(st == 403, f"an administrator does not invalidate: {st}")
    st, d = com.post("/api/initiatives/1/signatures/1/invalidate", {"reason": ""})
    check(st == 400 and d.get("rule") == "reason", f"an invalidation without its reason: {st} {d}")
    st, d = com.post("/api/initiatives/1/signatures/1/invalidate", {"reason": "Signature contestée."})
    check(st == 200, f"the committee invalidates signature 1: {st} {d}")
    st, d = public.post("/api/initiatives/1/receipt", {"code": receipt})
    check(st == 200 and d.get("counted") is False and d.get("invalidated") == "Signature contestée.",
          f"the receipt says it is not counted, and why: {d}")
    st, d = public.get("/api/initiatives/1")
    check(d["signatures"] == 1 and d["invalidated"] == 1, f"the counts follow: {d}")

    # The page's forms, as a browser without an account: signing, sent back to the
    # page whose flash shows the receipt once; a refusal shown with what was typed.
    browser = srv.client()
    st, page = browser.get("/initiatives/1")
    check('action="/initiatives/1/sign"' in page and 'action="/initiatives/1/receipt"' in page,
          "the counter page has the signing and receipt forms while collecting")
    st, page = browser.form("/initiatives/1/sign", {"name": "<b>Martin", "given": "Paul", "birth": "1960-06-01",
                                                     "commune": "Arras"})
    check(st == 400 and "flash bad" in page and "&lt;b&gt;Martin" in page and "<b>Martin" not in page,
          f"a refused form: 400, the reason and what was typed, escaped: {st}")
    st, _ = browser.form("/initiatives/1/sign", {"name": "Martin", "given": "Paul", "birth": "1960-06-01",
                                                 "commune": "Arras"})
    check(st == 303 and browser.location == "/initiatives/1", f"signed by the form, sent back: {st} {browser.location}")
    st, page = browser.follow()
    m = re.search(r"récépissé\u00a0: (\d+-[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{5})", page)
    check(st == 200 and "flash ok" in page and m, f"the page shows the receipt once: {st}")
    st, page = browser.get("/initiatives/1")
    check(m is None or m.group(1) not in page, "and not again")
    st, page = browser.form("/initiatives/1/receipt", {"code": m.group(1) if m else "x"})
    check(st == 200 and "comptée" in page, f"the receipt checked by the form: {st}")
    st, page = browser.form("/initiatives/1/sign", {"name": "MARTIN", "given": "paul", "birth": "01/06/1960",
                                                    "commune": "ARRAS"})
    check(st == 409 and "déjà signé" in page, f"the same elector by the form: 409: {st}")

    # A signature is no change of the pages': the counters are kept as they were
    # made, a second at most, then show it.
    anon = srv.client()
    time.sleep(1.2)  # past the lag of what the reads above left in the cache
    st, d = anon.get("/api/initiatives/1")
    st, d2 = anon.get("/api/initiatives/1")
    check(anon.last_headers.get("x-cache") == "hit" and d2 == d and d["signatures"] == 2,
          f"the counter's JSON is served from the cache: {anon.last_headers} {d2}")
    st, _ = public.post("/api/initiatives/1/signatures", {"name": "Lefevre", "given": "Elodie",
                                                           "birth": "1985-12-31", "commune": "Arras"})
    check(st == 201, f"a third elector signs: {st}")
    time.sleep(1.2)
    st, d = anon.get("/api/initiatives/1")
    pdc = [t for t in d.get("territories", []) if t["name"] == "Pas-de-Calais"]
    check(d["signatures"] == 3 and pdc and pdc[0]["signatures"] == 2 and d["reached"] is True,
          f"a second later, the counter shows it: {d}")
    st, page = anon.get("/initiatives/1")
    check(st == 200 and re.search(r"\b3\b", page), "and so does the page")
    # The chart over time: the per-day figures add up to the count, drawn as SVG
    # with its title, description and table, in both languages, no script.
    days = d.get("per_day", [])
    check(sum(x["valid"] for x in days) == 3 and all(re.match(r"^\d{4}-\d\d-\d\d$", x["day"]) for x in days),
          f"the signatures per UTC day on the API add up to the count: {days}")
    check('<svg class=chart role=img aria-labelledby="chart-t1 chart-d1"' in page and "<title id=chart-t1>" in page
          and "<desc id=chart-d1>" in page and "<polyline" in page and "Signatures au fil du temps" in page
          and "Total en fin de journée" in page and "<script" not in page.split("<svg class=chart")[1].split("</svg>")[0],
          "the counter page draws the signatures over time, in French, with its table")
    st, en = anon.get("/initiatives/1?lang=en")
    check("Signatures over time" in en and "Threshold 3" in en.replace("\u202f", " ")
          and re.search(r"Valid signatures added up day by day \(UTC\), from [-0-9]+ to [-0-9]+: 3 on", en),
          "in English, the threshold drawn and the description saying the total")
    st, text = anon.get("/api/initiatives/1/counts.csv")
    rows = text.splitlines() if isinstance(text, str) else []
    want = ["territory,electors,signatures,minimum,reached"] + [
        f"{t['name']},{t['electors']},{t['signatures']},{t['minimum']},{'yes' if t['reached'] else 'no'}"
        for t in d["territories"]]
    check(st == 200 and anon.last_headers.get("content-type", "").startswith("text/csv") and rows == want
          and "attachment" in anon.last_headers.get("content-disposition", ""),
          f"the counts as CSV, the JSON's figures: {st} {rows}")
    check('href="/api/initiatives/1/counts.csv"' in page, "the page links the CSV")
    st, _ = anon.get("/api/initiatives/9/counts.csv")
    check(st == 404, f"no initiative 9's CSV: {st}")

    st, d = admin.post("/api/initiatives/1/transition", {"event": "close"})
    check(st == 409 and d.get("rule") == "still-open", f"no close before the window ends: {st} {d}")

    st, log = admin.get("/api/audit")
    acts = [e["action"] for e in log if e["action"].startswith("initiative.")]
    check(acts[:6] == ["initiative.create", "initiative.roll", "initiative.submit", "initiative.admit",
                       "initiative.open", "initiative.invalidate"] or sorted(acts) == sorted(
        ["initiative.create", "initiative.roll", "initiative.submit", "initiative.admit", "initiative.open",
         "initiative.invalidate"]), f"each transition is in the audit log: {acts}")
finally:
    check(srv.stop() == 0, "server stops cleanly")

p = run("audit", "verify", "--db", srv.db, ok=False)
check(p.returncode == 0 and "audit log intact" in p.stdout and ", 1 initiative(s) compared" in p.stdout,
      f"urne audit verify passes, the initiative compared with the log: {p.stdout} {p.stderr}")

# Rows changed behind the log's back, each on a copy: verify names them.
check_tampered(srv, (
        ("a state rewritten", "UPDATE initiatives SET state = 'reached' WHERE id = 1",
         'initiative 1: state: stored "reached", logged "collecting"'),
        ("the committee's reasons rewritten", "UPDATE initiatives SET reasons = 'Non conforme.' WHERE id = 1",
         'initiative 1: reasons: stored "Non conforme.", logged "Conforme."'),
        ("a signature invalidated by hand", "UPDATE initiative_signatures SET invalid = 'fraude' WHERE invalid = ''",
         ['initiative 1, signature ', ': invalid: stored "fraude", logged (valid)']),
        ("an invalidation undone by hand", "UPDATE initiative_signatures SET invalid = '' WHERE id = 1",
         'initiative 1, signature 1: invalid: stored (valid), logged "Signature contestée."')))

# The command line on the same store: the authority's export, sealed and opened
# with its secret key (offline); a recount from the rows; a receipt.
p = run("initiative", "export", "--db", srv.db, "--id", "1")
check(p.stdout.startswith("id,territory,signed_at,marks,invalid,letter,sealed\n") and "NDIAYE" not in p.stdout
      and len(p.stdout.splitlines()) == 5, f"the export without the key: sealed: {p.stdout}")
p = run("initiative", "export", "--db", srv.db, "--id", "1", "--secret-key", SECRET)
check('"Signature contestée."' in p.stdout and '"DUPONT","JEAN PIERRE","1970-03-04","MONTVAL"' in p.stdout
      and '"AWA","1990-01-02","LILLE"' in p.stdout, f"the export opened with the authority's key: {p.stdout}")
p = run("initiative", "recount", "--db", srv.db, "--id", "1")
check("3 valid signature(s), 1 invalidated" in p.stdout and "Nord: 1 signature(s), 2 elector(s)" in p.stdout
      and "Pas-de-Calais: 2 signature(s), 2 elector(s)" in p.stdout,
      f"the recount: {p.stdout}")
p = run("initiative", "receipt", "--db", srv.db, "--id", "1", receipt)
check(p.returncode == 0 and "invalidated, not counted: Signature contestée." in p.stdout, f"the receipt: {p.stdout}")
# A receipt made before migration 15 (its 20 characters alone, their SHA-256 in
# `receipt`, no proof), as that migration leaves its row: still checked, by the
# command line, the API and the form.
OLD = "K3M9Q-7TVWX-01234-56789"
old_sid = store_query(srv.db, "SELECT max(id) FROM initiative_signatures WHERE initiative_id = 1 AND invalid = ''")[0][0]
store_sql(srv.db, "UPDATE initiative_signatures SET receipt = %s, proof = '' WHERE id = %s"
          % (sql_text(hashlib.sha256(OLD.replace("-", "").encode()).hexdigest()), old_sid))
p = run("initiative", "receipt", "--db", srv.db, "--id", "1", "k3m9q 7tvwx o1234 56789")
check(p.returncode == 0 and f"Signature {old_sid} of " in p.stdout and p.stdout.endswith(": counted\n"),
      f"an old receipt, by the command line: {p.stdout}")
p = run("initiative", "receipt", "--db", srv.db, "--id", "1", f"{old_sid}-{OLD}", ok=False)
check(p.returncode == 1, f"its row's id before it is no receipt (that row has no proof): {p.returncode} {p.stdout}")
p = subprocess.run([URNE, "initiative", "import-roll", "--db", srv.db, "--user", "admin", "--id", "1", SECRET],
                   capture_output=True, text=True, env=dict(os.environ, LANGUAGE="en", LC_ALL="C.UTF-8"))
check(p.returncode == 1 and "The roll cannot change once the collection has opened." in p.stderr,
      f"no roll once collecting, from the command line either: {p.returncode} {p.stderr}")

srv.start()
try:
    st, d = srv.client().get("/api/initiatives/1")
    check(st == 200 and d["signatures"] == 3 and d["invalidated"] == 1 and d["state"] == "collecting",
          f"after a restart, the counts rebuilt from the rows: {d}")
    st, d = srv.client().post("/api/initiatives/1/receipt", {"code": OLD.lower()})
    check(st == 200 and d.get("counted") is True and d.get("id") == int(old_sid), f"an old receipt, by the API: {st} {d}")
    st, page = srv.client().form("/initiatives/1/receipt", {"code": OLD})
    check(st == 200 and f"signature {old_sid}" in page, f"an old receipt, by the form: {st}")
finally:
    check(srv.stop() == 0, "server stops cleanly")

# The authority's verification sample: drawn by the committee (logged, replayed by
# its seed), filled with a verdict per signature, recorded (the invalid one
# invalidated), and the valid count projected.
p = run("initiative", "sample", "--db", srv.db, "--user", "admin", "--id", "1", "--size", "2", "--seed", "7", ok=False)
check(p.returncode == 1, f"an administrator does not draw the sample: {p.returncode} {p.stderr}")
p = run("initiative", "sample", "--db", srv.db, "--user", "com", "--id", "1", "--size", "4", "--seed", "7", ok=False)
check(p.returncode == 1 and "3 valid signature(s)" in p.stderr, f"a sample larger than the valid ones: {p.stderr}")
p = run("initiative", "sample", "--db", srv.db, "--user", "com", "--id", "1", "--size", "2", "--seed", "7",
        "--secret-key", SECRET)
lines = p.stdout.splitlines()
check(len(lines) == 4 and re.match(r"# sample \d+ of initiative 1: 2 of 3 valid signatures, drawn with seed 7$", lines[0])
      and lines[1] == "signature,territory,signed_at,marks,name,given,birth,commune,verdict,reason"
      and all(l.endswith('",,') for l in lines[2:]), f"the sample to fill, identities opened: {p.stdout}")
again = run("initiative", "sample", "--db", srv.db, "--user", "com", "--id", "1", "--size", "2", "--seed", "7").stdout
drawn = [l.split(",")[0] for l in lines[2:]]
check([l.split(",")[0] for l in again.splitlines()[2:]] == drawn and again.splitlines()[0] != lines[0],
      f"the same seed draws the same signatures (a second entry in the log): {again}")
filled = os.path.join(srv.dir, "verdicts.csv")
def verdicts(rows, first=lines[0]):
    with open(filled, "w") as f:
        f.write(first + "\n" + lines[1] + "\n" + "".join(r + "\n" for r in rows))
    return run("initiative", "verify-sample", "--db", srv.db, "--user", "com", "--id", "1", filled, ok=False)
invalid_row = lines[2][:-2] + ',invalid,"Signature imitée"'
valid_row = lines[3][:-2] + ",valid,"
for rows, first, want in (([invalid_row], lines[0], "has no verdict"),
                          ([invalid_row, valid_row, valid_row], lines[0], "judged twice"),
                          ([lines[2][:-2] + ",invalid,", valid_row], lines[0], "needs its reason"),
                          ([invalid_row, "999" + valid_row[valid_row.index(","):]], lines[0], "not in the sample"),
                          ([invalid_row, valid_row], "# sample 1", "no verification sample"),
                          ([invalid_row, valid_row], "sample", "first line")):
    p = verdicts(rows, first)
    check(p.returncode == 1 and want in p.stderr, f"verdicts refused ({want}): {p.returncode} {p.stderr}")
p = run("initiative", "recount", "--db", srv.db, "--id", "1")
check("3 valid signature(s), 1 invalidated" in p.stdout, f"nothing written by the refused verdicts: {p.stdout}")
p = verdicts([invalid_row, valid_row])
check(p.returncode == 0 and re.search(r"Sample \d+: 1 of 2 signature\(s\) checked are valid \(50\.00 %\); valid "
                                      r"signatures projected: 2 of 3, 95 % interval \d+ to \d+", p.stdout),
      f"the verdicts recorded, the count projected: {p.stdout} {p.stderr}")
p = run("initiative", "recount", "--db", srv.db, "--id", "1")
check("2 valid signature(s), 2 invalidated" in p.stdout, f"the invalid one invalidated: {p.stdout}")
p = verdicts([invalid_row, valid_row])
check(p.returncode == 0, f"recorded again (the invalid one already invalidated): {p.stderr}")
p = run("audit", "verify", "--db", srv.db, ok=False)
check(p.returncode == 0 and "audit log intact" in p.stdout, f"the sample's entries verify: {p.stdout} {p.stderr}")
done()
