"""The initiative as its users meet it (audit18): what a newcomer, an
organiser and a signer tripped on, each checked so that it cannot come back.

- Rules without an opening date (the README's rules file had `window = 12
  months` and no `opens`) made an initiative that could never open (the rules
  never change once created): creation now refuses them, naming the field and
  the rule, in English and in French.
- Rules whose territories' minimum is per seat or given (the ECI preset) made
  an initiative that could never reach its threshold (the roll gives no seats
  nor minimum per territory): refused at creation too, unless the rules give
  the territories' figures (test_initiative_eci.py).
- The authority's export and sample of a petition by e-mail left out the
  address sealed for it: a column now.
- Names in Latin Extended-B and Additional (Romanian Ș Ț, an ECI's member state;
  Vietnamese ễ) were refused as "no letter"; they match the roll as their base
  letters now, on the roll and at signing alike.
- A refused character is named in the message (the character and its place
  among the characters), not as a byte offset a signer cannot count.
- A roll imported into a territory that has anonymous codes is refused, naming
  its line: its electors could never have signed (a territory is one or the
  other), where the import used to say nothing.
- The list of initiatives says "1 signature", not "1 signatures".
- The counter page did not say until when one may sign: it gives the window.
- The territories' table said "Reached: no" where the rules ask no minimum per
  territory (now —), and "Electors: 0" for a petition by e-mail (no roll: —)."""
import os
import re
import subprocess

from lib import *

KEY = "22" * 32
DATED = "opens = 2020-01-01\ncloses = 2099-01-01\nstop-at-threshold = no\n"

srv = Server()
admin_db(srv)
srv.start()
try:
    admin = admin_client(srv)
    public = srv.client()

    # -- rules that could never open --
    for rules, what in (("preset = eci\nwindow = 12 months\n", "a window without its opening"),
                        ("preset = rip\n", "a preset alone"),
                        ("preset = local-petition\nidentity = email\nnational = 500\n", "a petition by e-mail"),
                        ("preset = rip\ncloses = 2099-01-01\n", "a close without an opening")):
        st, d = admin.post("/api/initiatives", {"title": "Sans date", "rules": rules, "authority_key": KEY})
        check(st == 400 and d.get("field") == "rules" and d.get("rule") == "no-opening"
              and "opens = YYYY-MM-DD" in d.get("error", ""), f"{what}: refused at creation: {st} {d}")
    for rules in ("preset = eci\n" + DATED, "preset = territories\nterritory = given\n" + DATED):
        st, d = admin.post("/api/initiatives", {"title": "ECI", "rules": rules, "authority_key": KEY})
        check(st == 400 and d.get("field") == "rules" and d.get("rule") == "territory-figures"
              and "seats Malta = 6" in d.get("error", ""),
              f"a minimum per seat or given, and no territory's figure in the rules: refused: {st} {d}")
    st, d = admin.post("/api/initiatives", {"title": "Sans date", "rules": "preset = rip\n", "authority_key": KEY},
                       headers={"Accept-Language": "fr"})
    check(st == 400 and "opens = AAAA-MM-JJ" in d.get("error", "") and "\u00a0:" in d.get("error", ""),
          f"in French, with its no-break space: {st} {d}")
    st, d = admin.get("/api/initiatives")
    check(st == 200 and d == [], f"nothing created: {d}")
    undated = os.path.join(srv.dir, "undated.txt")
    with open(undated, "w") as f:
        f.write("preset = rip\nwindow = 9 months\n")
    out = run("initiative", "create", "--db", srv.db, "--user", "admin", "--title", "T", "--rules", undated,
              "--authority-key", KEY, ok=False)
    check(out.returncode == 1 and "opens = YYYY-MM-DD" in out.stderr,
          f"the command line says the same: {out.returncode} {out.stderr}")
    st, d = admin.post("/api/initiatives", {"title": "Datée", "rules": "preset = rip\nopens = 2026-01-01\n",
                                            "authority_key": KEY})
    check(st == 201 and d.get("id") == 1, f"with its opening date, created: {st} {d}")

    # -- names beyond Latin-1 and Latin Extended-A; a refused character named --
    com = open_initiative(admin, "Apa", "Ștefănescu,Ion,1980-02-03,Iași,RO\n"
                                        "Nguyễn,Thị Hoa,1975-05-06,Lille,FR\n"
                                        "Martin,Paul,1960-06-01,Lille,FR\n", 3, rules="preset = eci\nnational = 2\n"
                          "territory = none\nterritories = none\n" + DATED)
    n = com.initiative
    for signer, what in (({"name": "Stefanescu", "given": "Ion", "birth": "1980-02-03", "commune": "IASI"},
                          "Ștefănescu signs as Stefanescu, Iasi"),
                         ({"name": "Nguyễn", "given": "Thị Hoa", "birth": "1975-05-06", "commune": "Lille"},
                          "Nguyễn signs as the roll writes her")):
        st, d = public.post(f"/api/initiatives/{n}/signatures", signer)
        check(st == 201 and d.get("receipt"), f"{what}: {st} {d}")
    st, d = public.post(f"/api/initiatives/{n}/signatures",
                        {"name": "Ştefănescu", "given": "Ion", "birth": "1980-02-03", "commune": "Iaşi"})
    check(st == 409 and d.get("rule") == "already-signed",
          f"the same elector with the cedilla (U+015F) is the same elector: {st} {d}")
    bad = {"name": "Martin", "given": "Pa\u0443l", "birth": "1960-06-01", "commune": "Lille"}  # a Cyrillic u
    st, d = public.post(f"/api/initiatives/{n}/signatures", bad)
    check(st == 400 and d.get("field") == "given" and d.get("rule") == "character"
          and d.get("error") == "Given names: its character 3, \u0443 (U+0443), is not a letter a name may hold.",
          f"the refused character named with its place, the field by the form's label: {st} {d}")
    st, d = public.post(f"/api/initiatives/{n}/signatures", bad, headers={"Accept-Language": "fr"})
    check(st == 400 and d.get("error") == "Prénoms\u00a0: son caractère n\u00b0\u00a03, \u0443 (U+0443), "
          "n’est pas une lettre qu’un nom peut contenir.", f"and in French, the label French too: {st} {d}")
    st, d = public.post(f"/api/initiatives/{n}/signatures", dict(bad, name=" - "), headers={"Accept-Language": "fr"})
    check(st == 400 and d.get("field") == "name" and d.get("rule") == "empty"
          and d.get("error") == "Nom de famille\u00a0: à remplir.", f"an empty name, in French words: {st} {d}")
    st, d = public.post(f"/api/initiatives/{n}/signatures", dict(bad, given="Pa\u200bul"))
    check(st == 400 and "its character 3, U+200B, is not" in d.get("error", ""),
          f"an invisible character named by its code point alone: {st} {d}")
    st, page = public.form(f"/initiatives/{n}/sign", dict(bad, given="Pa<b>ul"))
    if st == 303:
        st, page = public.follow()
    check(st == 400 and "<b>" not in page and "Prénoms\u00a0: son caractère n\u00b0\u00a03, &lt; (U+003C), n’est pas" in page,
          f"a character shown on the page is escaped: {st} {page[:3000]}")

    st, d = admin.post("/api/initiatives", {"title": "Rôle", "rules": "preset = rip\n" + DATED, "authority_key": KEY})
    st, d = admin.post(f"/api/initiatives/{d['id']}/roll", {"csv": "name,given,birth,commune\n"
                                                                  "Martin,Paul,1960-06-01,Lille\n"
                                                                  "Petrov,Иван,1960-06-01,Lille\n"})
    errs = d.get("errors", []) if isinstance(d, dict) else []
    check(st == 400 and len(errs) == 1 and errs[0]["line"] == 3 and errs[0]["field"] == "given"
          and errs[0]["rule"] == "character"
          and "its character 1, \u0418 (U+0418), is not a letter a name may hold" in errs[0]["message"],
          f"a roll's refused character named on its line: {st} {d}")

    st, d = admin.post("/api/initiatives", {"title": "Entête", "rules": "preset = rip\n" + DATED, "authority_key": KEY})
    st, d = admin.post(f"/api/initiatives/{d['id']}/roll", {"csv": "nom;prenoms;commune\nMartin;Paul;Lille\n"})
    errs = d.get("errors", []) if isinstance(d, dict) else []
    check(st == 400 and len(errs) == 1 and errs[0]["line"] == 1 and errs[0]["rule"] == "header"
          and "birth or naissance" in errs[0]["message"],
          f"a French header without its birth dates: the message names the French column too: {st} {d}")

    # -- the authority's export and sample with a key that is not the initiative's --
    wrong = os.path.join(srv.dir, "wrong.key")
    wrong_pub = run("initiative", "keygen", "--secret-key", wrong).stdout.strip()
    st, head = public.get("/api/audit/head")
    for args in (("export", "--db", srv.db, "--id", str(n), "--secret-key", wrong),
                 ("sample", "--db", srv.db, "--user", "com", "--id", str(n), "--size", "1", "--seed", "7",
                  "--secret-key", wrong)):
        p = run("initiative", *args, ok=False)
        check(p.returncode == 1 and p.stdout == "" and "this secret key is not the authority's of initiative" in p.stderr
              and wrong_pub in p.stderr and KEY in p.stderr and "nothing was done" in p.stderr,
              f"initiative {args[0]} with another key: refused before anything is read or drawn: {p.returncode} "
              f"{p.stdout!r} {p.stderr}")
    st, after = public.get("/api/audit/head")
    check(after == head, f"no sample drawn nor logged with the wrong key: {head} {after}")

    # -- a roll line in a territory that signs with anonymous codes --
    st, d = admin.post("/api/initiatives", {"title": "Codes", "rules": "preset = rip\n" + DATED,
                                            "authority_key": KEY})
    m = d.get("id")
    st, d = admin.post(f"/api/initiatives/{m}/codes", {"count": 2, "territory": "Somme"})
    check(st in (200, 201), f"two anonymous codes for Somme: {st}")
    st, d = admin.post(f"/api/initiatives/{m}/roll", {"csv": "name,given,birth,commune,territory\n"
                                                             "Martin,Paul,1960-06-01,Lille,Nord\n"
                                                             "Dupont,Jean,1970-01-02,Amiens,Somme\n"})
    errs = d.get("errors", []) if isinstance(d, dict) else []
    check(st == 400 and len(errs) == 1 and errs[0]["line"] == 3 and errs[0]["field"] == "territory"
          and errs[0]["rule"] == "codes-anonymous" and "Somme" in errs[0]["message"],
          f"the roll's line in Somme refused, naming line, field and rule: {st} {d}")
    st, d = admin.get(f"/api/initiatives/{m}")
    check([t["name"] for t in d.get("territories", [])] == ["Somme"], f"nothing of the roll written: {d}")

    # -- the counter page says when signatures are taken --
    st, page = public.get(f"/initiatives/{n}?lang=fr")
    check(re.search('<p class=meta>Collecte\u00a0: du <time datetime="2020-01-01T00:00:00Z">1er janvier 2020[^<]*</time> '
                    'au <time datetime="2099-01-01T00:00:00Z">1er janvier 2099[^<]*</time></p>', page),
          f"the collection window on the counter page, in French: {page[:1500]}")
    st, page = public.get(f"/initiatives/{n}?lang=en")
    check('<p class=meta>Collection: from <time datetime="2020-01-01T00:00:00Z">' in page, "and in English")

    # -- the territories' table: nothing to reach is not "no"; an e-mail petition has no electors --
    st, page = public.get(f"/initiatives/{n}?lang=en")
    cells = re.findall(r'<td data-label="Reached">([^<]*)</td>', page)
    check(st == 200 and cells and all(c == "—" for c in cells),
          f"rules without a minimum per territory: Reached is — (not 'no'): {cells}")
    authority = os.path.join(srv.dir, "authority.key")
    authority_pub = run("initiative", "keygen", "--secret-key", authority).stdout.strip()
    st, d = admin.post("/api/initiatives", {"title": "Marché", "authority_key": authority_pub,
                                            "rules": "preset = local-petition\nidentity = email\nnational = 5\n"
                                                     "age-min = 0\n" + DATED})
    mail = d.get("id")
    for path, body in (("transition", {"event": "submit"}), ("decision", {"decision": "admit"}),
                       ("transition", {"event": "open"})):
        st, d = (com if path == "decision" else admin).post(f"/api/initiatives/{mail}/{path}", body)
        check(st == 200, f"the petition by e-mail: {body}: {st} {d}")
    st, d = public.post(f"/api/initiatives/{mail}/mail", {"name": "Martin", "given": "Zoé", "commune": "Amiens",
                                                            "email": "zoe@example.org"})
    check(st == 202, f"a link asked: {st} {d}")
    rows = store_query(srv.db, "SELECT body FROM mail_outbox ORDER BY id DESC LIMIT 1")
    token = re.search(r"token=([0-9a-f]{64})", rows[0][0] if rows else "")
    st, d = public.post(f"/api/initiatives/{mail}/confirm", {"token": token.group(1) if token else ""})
    check(st == 201, f"confirmed: {st} {d}")
    st, page = public.get(f"/initiatives/{mail}?lang=fr")
    row = re.search(r'<tr><td>AMIENS</td><td class=num data-label="Électeurs">([^<]*)</td>', page)
    check(row is not None and row.group(1) == "—", f"an e-mail petition's territory: electors —, not 0: {row and row.group(0)}")
    # The address sealed for the authority is in its export and its sample (it was sealed, never shown).
    p = run("initiative", "export", "--db", srv.db, "--id", str(mail), "--secret-key", authority)
    lines = p.stdout.splitlines()
    check(lines[0] == "id,territory,signed_at,marks,invalid,letter,name,given,birth,commune,email"
          and lines[1].endswith(',"MARTIN","ZOE","","AMIENS","zoe@example.org"'),
          f"the export of a petition by e-mail has the address: {lines}")
    p = run("initiative", "sample", "--db", srv.db, "--user", "com", "--id", str(mail), "--size", "1", "--seed", "1",
            "--secret-key", authority)
    lines = p.stdout.splitlines()
    check(lines[1] == "signature,territory,signed_at,marks,name,given,birth,commune,email,verdict,reason"
          and lines[2].endswith('"zoe@example.org",,'), f"and its sample: {lines}")
    filled = os.path.join(srv.dir, "verdicts.csv")
    with open(filled, "w") as f:
        f.write("\n".join(lines[:2] + [lines[2][:-2] + ",valid,"]) + "\n")
    p = run("initiative", "verify-sample", "--db", srv.db, "--user", "com", "--id", str(mail), filled, ok=False)
    check(p.returncode == 0 and "1 of 1 signature(s) checked are valid" in p.stdout,
          f"the verdicts read beside the address: {p.returncode} {p.stdout} {p.stderr}")
    p = run("initiative", "export", "--db", srv.db, "--id", str(n), "--secret-key", authority, ok=False)
    check(p.returncode == 1 and p.stdout == "", "(a roll's initiative sealed to another key: refused, as above)")

    # -- a receipt mistyped: said so, not "no signature has it" --
    for code in ("1-91MRW-DM6NN-7XG1A", "hello", "1-91MRW-DM6NN-7XG1A-SAB59-XXXXX"):
        st, d = public.post(f"/api/initiatives/{n}/receipt", {"code": code})
        check(st == 400 and d.get("rule") == "unknown-receipt" and d.get("error", "").startswith(
              "This is not a receipt code: a receipt is your signature's number, then 20 letters"),
              f"{code!r}: not shaped as a receipt, told how one reads: {st} {d}")
    st, d = public.post(f"/api/initiatives/{n}/receipt", {"code": "1-91MRW-DM6NN-7XG1A-SAB59"})
    check(st == 400 and d.get("error") == "No signature of this initiative has that receipt code.",
          f"a well-shaped code that is no receipt: as before: {st} {d}")
    st, page = public.form(f"/initiatives/{n}/receipt", {"code": "hello"})
    check(st == 400 and "Ce n’est pas un code de récépissé\u00a0: un récépissé est le numéro" in page,
          f"the page's form, in French: {st}")

    # -- the recount's state in the reader's words --
    p = run("initiative", "recount", "--db", srv.db, "--id", str(n))
    check(p.stdout.startswith(f"Initiative {n} (collecting signatures): 2 valid signature(s)"), f"recount: {p.stdout}")
    p = subprocess.run([URNE, "initiative", "recount", "--db", srv.db, "--id", str(n)], capture_output=True, text=True,
                       env=dict(os.environ, LANG="fr_FR.UTF-8", LANGUAGE="fr", LC_ALL=""))
    check(p.stdout.startswith(f"Initiative {n} (en collecte)"), f"recount in French, the state French too: {p.stdout}")

    # -- the list's plural --
    one = open_initiative(admin, "Une seule", "Martin,Paul,1960-06-01,Lille,FR\n", 1,
                          rules="preset = rip\n" + DATED, committee="com2")
    st, d = public.post(f"/api/initiatives/{one.initiative}/signatures",
                        {"name": "Martin", "given": "Paul", "birth": "1960-06-01", "commune": "Lille"})
    check(st == 201, f"one signature: {st} {d}")
    for lang, words in (("en", ("1 signature<", "2 signatures<", "0 signatures<")),
                        ("fr", ("1 signature<", "2 signatures<", "0 signature<"))):
        st, page = public.get(f"/initiatives?lang={lang}")
        items = dict(re.findall(r'<a href="/initiatives/\d+">([^<]+)</a> — [^<]*?, (\d+ [a-z]+)</li>', page))
        check(st == 200 and items.get("Une seule") + "<" == words[0] and items.get("Apa") + "<" == words[1]
              and items.get("Codes") + "<" == words[2], f"{lang}: the list's counts agree with their nouns: {items}")
finally:
    srv.stop()
done()
