"""One-time codes sent by letter (issue 18), through the command line and the
server: `urne initiative codes` writes the letters once, to a new file of mode
0600, and the store's files never hold a code in clear; a code signs once over
the API (a second use refused with its reason, counted never), also from 20
connections at once; an unknown or malformed code is refused; the live counter
page offers the code's form in English and French and a code signs through it;
the administrators' action (POST /api/initiatives/1/codes) answers
its codes once as a CSV attachment, refused to the committee and while
collecting; `urne audit verify` passes with the generation's entry, which names the count
and the territory, not the codes; the counts are the same from a recount."""
import json
import os
import re
import stat
import threading

from lib import *

RULES = "preset = local-petition\nnational = 3\nopens = 2020-01-01\ncloses = 2099-01-01\nstop-at-threshold = no\n"
CODE = re.compile(r"^[2-9A-HJ-NP-Z]{4}(-[2-9A-HJ-NP-Z]{4}){3}$")

srv = Server()
admin_db(srv)
SECRET = os.path.join(srv.dir, "authority.key")
KEY = run("initiative", "keygen", "--secret-key", SECRET).stdout.strip()
rules = os.path.join(srv.dir, "rules.txt")
open(rules, "w").write(RULES)
p = run("initiative", "create", "--db", srv.db, "--user", "admin", "--title", "Marché couvert", "--rules", rules,
        "--authority-key", KEY)
check("initiative 1 created" in p.stdout, f"created: {p.stdout}")

letters = os.path.join(srv.dir, "letters.csv")
p = run("initiative", "codes", "--db", srv.db, "--user", "admin", "--id", "1", "--count", "0", "--territory", "Somme",
        "--out", letters, ok=False)
check(p.returncode == 2 and "--count needs a positive whole number" in p.stderr, f"--count 0: {p.returncode} {p.stderr}")
p = run("initiative", "codes", "--db", srv.db, "--user", "admin", "--id", "9", "--count", "3", "--territory", "Somme",
        "--out", letters, ok=False)
check(p.returncode == 1 and not os.path.exists(letters) and not [f for f in os.listdir(srv.dir) if ".tmp-" in f],
      f"no initiative 9: refused, no file left: {p.returncode} {p.stderr}")
p = run("initiative", "codes", "--db", srv.db, "--user", "admin", "--id", "1", "--count", "30", "--territory", "Somme",
        "--out", letters)
check("30 code(s) for Somme written to" in p.stdout, f"30 codes made: {p.stdout}")
rows = open(letters).read().splitlines()
check(rows[0] == "letter,territory,code" and len(rows) == 31, f"a header and 30 letters: {rows[:2]} {len(rows)}")
codes = [r.split(",")[2].strip('"') for r in rows[1:]]
check(all(CODE.match(c) for c in codes) and len(set(codes)) == 30, f"printable, distinct codes: {codes[:3]}")
check(stat.S_IMODE(os.stat(letters).st_mode) == 0o600, "the letters file is the owner's alone")
p = run("initiative", "codes", "--db", srv.db, "--user", "admin", "--id", "1", "--count", "3", "--territory", "Somme",
        "--out", letters, ok=False)
check(p.returncode == 1 and "exists already" in p.stderr and len(open(letters).read().splitlines()) == 31,
      f"the letters are written once: an existing file refused, left as it was: {p.stderr}")
if not TEST_DB_URL:
    blob = b"".join(open(os.path.join(srv.dir, f), "rb").read() for f in os.listdir(srv.dir) if f.startswith("urne.db"))
    check(not any(c.encode() in blob or c.replace("-", "").encode() in blob for c in codes),
          "no code in clear in the store's files")

srv.start()
try:
    admin = admin_client(srv)
    make_users(admin, {"com": ("commission", 1)})
    com = srv.client()
    com.login("com", bearer=True)
    st, d = com.post("/api/initiatives/1/codes", {"count": "5", "territory": "Oise"})
    check(st == 403, f"the committee makes no codes: {st} {d}")
    st, d = admin.post("/api/initiatives/1/codes", {"count": "many", "territory": "Oise"})
    check(st == 400 and d.get("rule") == "code-count", f"a count that is no number: 400: {st} {d}")
    st, text = admin.post("/api/initiatives/1/codes", {"count": "5", "territory": "Oise"})
    web = text.splitlines() if isinstance(text, str) else []
    check(st == 200 and admin.last_headers.get("content-type", "").startswith("text/csv")
          and "attachment" in admin.last_headers.get("content-disposition", "")
          and admin.last_headers.get("cache-control") == "no-store"
          and web[0] == "letter,territory,code" and len(web) == 6
          and all(CODE.match(r.split(",")[2]) for r in web[1:]),
          f"the administrators' action answers 5 codes for Oise as CSV: {st} {web[:2]}")
    oise = [r.split(",")[2] for r in web[1:]]
    st, d = admin.get("/api/initiatives/1")
    check(st == 200 and {t["name"]: t["electors"] for t in d["territories"]} == {"Oise": 5, "Somme": 30},
          f"30 electors in Somme, 5 in Oise: {d}")
    admin.post("/api/initiatives/1/transition", {"event": "submit"})
    com.post("/api/initiatives/1/decision", {"decision": "admit", "reasons": "Recevable."})
    st, d = admin.post("/api/initiatives/1/transition", {"event": "open"})
    check(st == 200 and d.get("state") == "collecting", f"collecting: {st} {d}")
    st, d = admin.post("/api/initiatives/1/codes", {"count": "5", "territory": "Oise"})
    check(st == 409 and d.get("rule") == "roll-closed", f"no more codes once collecting: {st} {d}")

    public = srv.client()
    st, d = public.post("/api/initiatives/1/signatures", {"code": codes[0].lower().replace("-", " ")})
    check(st == 201 and d.get("territory") == "Somme" and re.fullmatch(r"\d+-[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{5}", d.get("receipt", "")),
          f"a code signs, typed in small letters: {st} {d}")
    st, d = public.post("/api/initiatives/1/signatures", {"code": codes[0]})
    check(st == 409 and d.get("rule") == "code-used" and "already been used" in d.get("error", ""),
          f"the same code again: 409 with its reason: {st} {d}")
    st, d = public.post("/api/initiatives/1/signatures", {"code": "2222-3333-4444-5555"})
    check(st == 400 and d.get("rule") == "unknown-code" and d.get("field") == "code", f"an unknown code: {st} {d}")
    st, d = public.post("/api/initiatives/1/signatures", {"code": "O0O0-1111"}, headers={"Accept-Language": "fr"})
    check(st == 400 and d.get("rule") == "code-format" and "16" in d.get("error", ""),
          f"a malformed code, told in French: {st} {d}")
    guesser = srv.client(source="127.0.0.9")  # an address of its own: its own count of wrong codes
    for i in range(10):
        st, d = guesser.post("/api/initiatives/1/signatures", {"code": "2222-3333-4444-" + "ABCDEFGHJK"[i] * 4})
        check(st == 400 and d.get("rule") == "unknown-code", f"wrong code {i + 1}: {st} {d}")
    st, d = guesser.post("/api/initiatives/1/signatures", {"code": codes[1]})
    check(st == 429 and d.get("rule") == "code-attempts" and "minute" in d.get("error", ""),
          f"the eleventh attempt after ten wrong codes: 429 (too many requests), a right code refused too: {st} {d}")

    answers = []
    def sign_once():
        answers.append(srv.client().post("/api/initiatives/1/signatures", {"code": codes[1]})[0])
    threads = [threading.Thread(target=sign_once) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    check(sorted(answers) == [201] + [409] * 19, f"one code from 20 connections: one signature: {sorted(answers)}")

    for lang, words in (("en", "Sign with the code from your letter"), ("fr", "Signer avec le code de votre lettre")):
        st, page = public.get(f"/initiatives/1?lang={lang}")
        check(st == 200 and words in page and 'name=code' in page, f"the code's form in {lang}: {st}")
    browser = srv.client()
    st, page = browser.form("/initiatives/1/sign", {"code": codes[2]})
    check(st == 303, f"the form signs with a code: {st}")
    st, page = browser.follow()
    check(st == 200 and "flash ok" in page and re.search(r"récépissé\u00a0: \d+-[0-9A-Z]{5}-", page),
          f"the receipt shown: {st}")
    st, page = browser.form("/initiatives/1/sign", {"code": codes[2]})
    check(st == 409 and "Ce code a déjà servi" in page and codes[2] in page,
          f"the form, the same code again: 409, the code typed shown again: {st}")

    st, d = public.post("/api/initiatives/1/signatures", {"code": oise[0]})
    check(st == 201 and d.get("territory") == "Oise", f"a code from the web's letters signs for Oise: {st} {d}")
    st, d = public.get("/api/initiatives/1")
    check(d.get("signatures") == 4, f"four codes, four signatures: {d.get('signatures')}")
    st, log = admin.get("/api/audit")
    entries = [e for e in log if e["action"] == "initiative.codes"]
    logged = json.dumps(entries)
    check(len(entries) == 2 and '"count":30' in logged.replace(" ", "").replace('\\"', '"')
          and "Somme" in logged and "Oise" in logged and not any(c in logged for c in codes + oise),
          f"the generations' entries, the count and territory without codes: {entries}")
finally:
    check(srv.stop() == 0, "server stops cleanly")

p = run("audit", "verify", "--db", srv.db, ok=False)
check(p.returncode == 0 and "audit log intact" in p.stdout, f"urne audit verify passes: {p.stdout} {p.stderr}")
p = run("initiative", "recount", "--db", srv.db, "--id", "1")
check("Somme" in p.stdout, f"recount: {p.stdout}")
# A second initiative: a territory typed like a formula comes out as text in
# the letters file (a quote before it, inside its cell), so that a spreadsheet
# never runs it.
p = run("initiative", "create", "--db", srv.db, "--user", "admin", "--title", "Formules", "--rules", rules,
        "--authority-key", KEY)
check("initiative 2 created" in p.stdout, f"created: {p.stdout}")
formula = os.path.join(srv.dir, "formula.csv")
p = run("initiative", "codes", "--db", srv.db, "--user", "admin", "--id", "2", "--count", "1", "--territory",
        "=HYPERLINK(\"http://x\")", "--out", formula)
frows = open(formula).read().splitlines()
check(len(frows) == 2 and frows[1].split(",")[1] == '"\'=HYPERLINK(""http://x"")"'
      and frows[1].startswith('"\'=HYPERLINK('), f"a formula-like cell neutralised: {frows}")
done()
