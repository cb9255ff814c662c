"""Creating an initiative and importing its roll from the pages (issue 18,
src/web/initiative_forms.c): the form on /initiatives only for whoever may
manage initiatives somewhere (its space filled for an organiser of one space),
and the roll's form on the initiative's page only while the roll may change.
Refused and nothing written (the store's rows, the audit log): the public (sent
to log in), an observer, a commission, an organiser in a space not its own, a
POST without the CSRF token; missing fields, a rules text over its bound, a
body over the forms' limit, rules the engine refuses (each error with its line,
field and rule, in French and in English), a roll with errors (each named, the
first 50 listed), a roll once the collection is open. What was typed is shown
again, escaped. Done: a 303 to the initiative's page with its flash, the act in
the audit log by its author."""
import re
import socket

from lib import *

KEY = "22" * 32
RULES = "preset = territories\nnational = 3\nterritory = 1\nterritories = 1\n" \
        "opens = 2020-01-01\ncloses = 2099-01-01\nstop-at-threshold = no\n"
ROLL = "nom;prenoms;naissance;commune;territoire\nDupont;Jean;1970-03-04;Lille;Nord\nMartin;Paul;1960-06-01;Lille;Nord\n"
NBSP = "\u00a0"


def plain(page):
    """The page with its no-break spaces as plain ones, its entities for quotes read."""
    return page.replace(NBSP, " ").replace("\u202f", " ").replace("&#39;", "'")


def section(page, label):
    m = re.search(r"<section class=card aria-labelledby=%s>.*?</section>" % label, page, re.S)
    return m.group(0) if m else ""


def checks(page):
    """The errors a refused form lists."""
    m = re.search(r"<ul class=checks>(.*?)</ul>", page, re.S)
    return re.findall(r"<li>(.*?)</li>", m.group(1), re.S) if m else []


def announced(srv, path, client):
    """The head of the answer to a POST of path announcing a 2 MiB form, sent
    with client's cookie (if any) and nothing of its body."""
    cookie = b"Cookie: " + client.cookie.encode() + b"\r\n" if client.cookie else b""
    sock = socket.create_connection(("127.0.0.1", srv.port))
    sock.sendall(b"POST " + path + b" HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                 + cookie + b"Content-Length: 2097152\r\n\r\n")
    head = sock.recv(4096).decode()
    sock.close()
    return head


srv = Server()
admin_db(srv)
srv.start()
try:
    api = admin_client(srv)
    make_users(api, {"orga": ("observer", 1), "obs": ("observer", 1), "com": ("commission", 1)})
    st, d = api.post("/api/grants", {"user": "orga", "space": "org/ville", "role": "admin"})
    check(st == 200, f"orga: administrator of org/ville: {st} {d}")
    org, obs, com, public, site = srv.client(), srv.client(), srv.client(), srv.client(), srv.client()
    for c, name in ((org, "orga"), (obs, "obs"), (com, "com"), (site, "admin")):
        check(c.login(name)[0] == 200, f"{name} logs in (a browser: cookie and CSRF token)")

    def written():
        """What the store and the log hold of initiatives: rows, roll entries, audit actions."""
        rows = store_query(srv.db, "SELECT count(*) FROM initiatives")[0][0]
        roll = store_query(srv.db, "SELECT count(*) FROM initiative_roll")[0][0]
        st, log = api.get("/api/audit")
        acts = [e.get("action") for e in log] if isinstance(log, list) else None
        return rows, roll, acts

    # -- who sees the creation form --
    for c, who in ((public, "the public"), (obs, "an observer"), (com, "a commission")):
        st, page = c.get("/initiatives")
        check(st == 200 and section(page, "new-initiative") == "" and 'action="/initiatives"' not in page,
              f"{who}: no creation form: {st}")
    st, page = org.get("/initiatives?lang=en")
    sec = section(page, "new-initiative")
    check(st == 200 and "<h2 id=new-initiative>New initiative</h2>" in sec and 'name=csrf value="%s"' % org.csrf in sec
          and re.search(r'<input name=space [^>]*required value="org/ville">', sec) is not None
          and '<option value="org/ville">' in sec,
          f"orga: the form, its space its own (org/ville): {sec}")
    check("preset = local-petition\nopens = " in sec and all(f'<option value="{p}"' in sec for p in
                                                          ("49-3-citoyen", "rip", "local-petition", "eci", "territories")),
          "the rules start from a preset; every preset of the engine offered")
    check(">Local petition — a fifth of the commune&#39;s electors, 12 months</option>" in sec
          and ">European citizens&#39; initiative — " in sec, "each preset named and said in words, in English")
    st, page = org.get("/initiatives?preset=eci")
    sec = section(page, "new-initiative")
    check("preset = eci\n" in sec and "seats Malta = 6\n" in sec and "seats Germany = 96\n" in sec
          and sec.count("\nseats ") == 27 and "Nouvelle initiative" in sec and ">Pétition locale — " in sec,
          f"?preset=eci: its rules with the 27 member states' seats, in French: {sec[:3000]}")
    # The form's seats are written twice in the sources (web/initiative_forms.c and the
    # example the CLI takes): both must say the same, state by state.
    with open(os.path.join(EXAMPLES, "initiative-eci.txt"), encoding="utf-8") as f:
        example_seats = sorted(l.strip() for l in f if l.startswith("seats "))
    form_seats = sorted(l.strip() for l in sec.split("\n") if l.startswith("seats "))
    check(len(example_seats) == 27 and form_seats == example_seats,
          f"the form's seats are examples/initiative-eci.txt's: {set(form_seats) ^ set(example_seats)}")
    st, page = site.get("/initiatives")
    check(re.search(r'<input name=space [^>]*value="">', section(page, "new-initiative")) is not None,
          "a site's administrator: the space left empty (the whole site), not required")

    before = written()
    check(before[0] == "0" and before[2] is not None, f"nothing yet: {before}")
    good = {"title": "Eau en régie", "space": "org/ville", "rules": RULES, "authority_key": KEY}

    # -- refused before anything is read: who, and the CSRF token --
    st, page = public.form("/initiatives", good)
    check(st == 401 and "/login" in page, f"the public: sent to log in: {st}")
    for c, who in ((obs, "an observer"), (com, "a commission")):
        st, page = c.form("/initiatives", good)
        check(st == 403, f"{who}: 403: {st}")
    st, page = org.form("/initiatives", good, csrf=False)
    check(st == 403 and "CSRF" in page, f"without the CSRF token: 403: {st}")
    st, page = org.form("/initiatives?lang=en", dict(good, space="org/autre"))
    check(st == 403 and "may not do this" in plain(page), f"orga in a space not its own: refused by the use case: {st}")
    check(written() == before, "nothing written by the refused")

    # -- missing fields, an oversized text --
    for field, words in (("title", "Field 'title': empty."), ("authority_key", "Field 'authority_key'"),
                         ("rules", "The rules are refused, nothing was created: 2 errors.")):
        fields = dict(good)
        del fields[field]
        st, page = org.form("/initiatives?lang=en", fields)
        check(st == 400 and words in plain(page), f"without {field}: 400 naming it: {st} {plain(page)[:1500]}")
    st, page = org.form("/initiatives?lang=en", dict(good, title="<b>Eau</b>", authority_key="xyz"))
    check(st == 400 and "Field 'authority_key'" in plain(page) and 'value="&lt;b&gt;Eau&lt;/b&gt;"' in page
          and "<b>Eau" not in page and 'value="xyz"' in page,
          f"a bad key: refused, the title typed kept, escaped: {st}")
    big = "preset = rip\nopens = 2026-01-01\n" + "# " + "x" * 65536 + "\n"
    st, page = org.form("/initiatives?lang=en", dict(good, rules=big))
    check(st == 400 and f"Field 'rules': {len(big)} bytes, more than the 65536 allowed; shorten it." in plain(page),
          f"a rules text over 64 KiB: refused, its size said: {st} {plain(page)[:1500]}")
    st, page = org.form("/initiatives", dict(good, rules=big))
    check(st == 400 and f"Champ « rules » : {len(big)} octets" in plain(page), f"and in French: {plain(page)[:1500]}")
    check(announced(srv, b"/initiatives", org).startswith("HTTP/1.1 413"),
          "an organiser's body over the forms' 1 MiB to the creation form: 413 before it is read")
    check(written() == before, "nothing written by the refused")

    # -- rules the engine refuses: each error with its line, field and rule --
    bad = "preset = local-petition\nopens = 2026-13-01\nnational = <b>beaucoup</b>\n"
    st, page = org.form("/initiatives?lang=en", dict(good, rules=bad))
    errs = [plain(e) for e in checks(page)]
    check(st == 400 and "The rules are refused, nothing was created: 2 errors." in plain(page) and len(errs) == 2
          and errs[0].startswith("Line 2, field 'opens': '2026-13-01' is not a date") and "<code>bad-date</code>" in errs[0]
          and errs[1].startswith("Line 3, field 'national':") and "&lt;b&gt;beaucoup&lt;/b&gt;" in errs[1],
          f"two errors, each named, escaped: {st} {errs}")
    check("<b>beaucoup" not in page and "national = &lt;b&gt;beaucoup&lt;/b&gt;\n</textarea>" in page,
          "the rules typed kept in the textarea, escaped")
    st, page = org.form("/initiatives", dict(good, rules=bad))
    errs = [plain(e) for e in checks(page)]
    check(st == 400 and "Règles refusées, rien n’a été créé : 2 erreurs." in plain(page)
          and errs and errs[0].startswith("Ligne 2, champ « opens » : « 2026-13-01 » n’est ni une date")
          and "(règle <code>bad-date</code>)" in errs[0], f"in French: {errs}")
    st, page = org.form("/initiatives?lang=en", dict(good, rules="preset = rip\n"))
    check(st == 400 and "say when the collection opens" in plain(page), f"rules without an opening: {st}")
    check(written() == before, "nothing written by the refused")

    # -- created --
    st, page = org.form("/initiatives", good)
    check(st == 303 and org.location == "/initiatives/1", f"created: 303 to its page: {st} {org.location}")
    st, page = org.follow()
    check(st == 200 and "Initiative 1 créée, en brouillon" in plain(page) and "<h1>Eau en régie</h1>" in page,
          f"its page with the flash: {plain(page)[:1500]}")
    st, d = api.get("/api/initiatives/1")
    check(d.get("space") == "org/ville" and d.get("state") == "draft" and "preset = territories" in d.get("rules", ""),
          f"the API: in org/ville, a draft: {d}")
    rows, roll, acts = written()
    check(rows == "1" and acts.count("initiative.create") == 1, f"one row, one audit entry: {rows} {acts}")
    st, log = api.get("/api/audit")
    check(any(e.get("action") == "initiative.create" and "orga" in str(e) for e in log), "the entry names orga")
    st, page = org.get("/initiatives")
    check('<a href="/initiatives/1">Eau en régie</a>' in page, "listed")

    # -- the roll's form: who sees it, who may send it --
    st, page = org.get("/initiatives/1?lang=en")
    manage = section(page, "manage")
    check('action="/initiatives/1/roll"' in manage and "Import the roll" in manage
          and "data-into=csv" in manage and "<textarea name=csv" in manage,
          f"orga: the roll's form in the Manage section: {manage}")
    for c, who in ((public, "the public"), (obs, "an observer"), (com, "a commission")):
        st, page = c.get("/initiatives/1")
        check('action="/initiatives/1/roll"' not in page, f"{who}: no roll form")
    st, d = api.post("/api/initiatives", {"title": "Ailleurs", "space": "org/autre", "rules": RULES, "authority_key": KEY})
    other = d.get("id")
    st, page = org.get(f"/initiatives/{other}")
    check(f'action="/initiatives/{other}/roll"' not in page, "orga: no roll form in another space")
    before = written()
    st, page = public.form("/initiatives/1/roll", {"csv": ROLL})
    check(st == 401, f"the public's roll: 401: {st}")
    for c, who, code in ((obs, "an observer", 403), (com, "a commission", 403)):
        st, page = c.form("/initiatives/1/roll", {"csv": ROLL})
        check(st == code, f"{who}'s roll: {code}: {st}")
    st, page = org.form(f"/initiatives/{other}/roll", {"csv": ROLL})
    check(st == 403, f"orga's roll in another space: 403: {st}")
    st, page = org.form("/initiatives/1/roll", {"csv": ROLL}, csrf=False)
    check(st == 403 and "CSRF" in page, f"without the CSRF token: 403: {st}")
    st, page = org.form("/initiatives/1/roll?lang=en", {"source": "liste.csv"})
    check(st == 400 and "Choose the roll's file (CSV), or paste its lines." in plain(page), f"no roll: 400: {st}")
    check(written() == before, "nothing written by the refused")

    # -- a bad roll: every error named, nothing imported --
    bad_roll = ROLL + "Petit;Hugo;1978-13-14;Lille;Nord\nDu<b>bois;Léa;1999-11-20;Lille;Nord\nMoreau;;1999-11-20;Lille;Nord\n"
    st, page = org.form("/initiatives/1/roll?lang=en", {"csv": bad_roll, "source": "liste.csv"})
    errs = [plain(e) for e in checks(page)]
    check(st == 400 and "The roll is refused, no line was imported: 3 errors." in plain(page) and len(errs) == 3
          and errs[0].startswith("Line 4, field 'birth':") and "birth-no-such-date" in errs[0]
          and errs[1].startswith("Line 5, field 'name':") and errs[2].startswith("Line 6, field 'given':"),
          f"three errors, each with its line, field and rule: {st} {errs}")
    check("Du<b>bois" not in page and "Du&lt;b&gt;bois;Léa" in page and 'value="liste.csv"' in page,
          "the roll's lines kept in the form, escaped, and its file's name")
    check(written() == before, f"nothing written: {written()} {before}")
    st, page = org.form("/initiatives/1/roll", {"csv": bad_roll})
    errs = [plain(e) for e in checks(page)]
    check(st == 400 and "Liste refusée, aucune ligne n’a été importée : 3 erreurs." in plain(page)
          and errs and errs[0].startswith("Ligne 4, champ « birth » :"), f"in French: {errs}")
    many = "name,given,birth,commune,territory\n" + "".join(f"N{i},G,1970-02-30,Lille,Nord\n" for i in range(60))
    st, page = org.form("/initiatives/1/roll?lang=en", {"csv": many})
    check(st == 400 and len(checks(page)) == 50 and "60 errors" in page and "Only the first errors are listed" in page,
          f"60 errors: the first 50 listed, the rest said: {st} {len(checks(page))}")
    check(written() == before, "nothing written by the refused")

    # -- the roll imported --
    st, page = org.form("/initiatives/1/roll", {"csv": ROLL, "source": "liste.csv"})
    check(st == 303 and org.location == "/initiatives/1", f"imported: 303: {st}")
    st, page = org.follow()
    check("Liste importée : 2 électeurs ajoutés." in plain(page), f"its flash: {plain(page)[:1500]}")
    rows, roll, acts = written()
    check(roll == "2" and acts.count("initiative.roll") == 1, f"2 entries, one audit entry: {roll} {acts}")
    st, page = org.form("/initiatives/1/roll?lang=en", {"csv": ROLL})
    errs = [plain(e) for e in checks(page)]
    check(st == 400 and errs and "duplicate-elector" in errs[0] and errs[0].startswith("Line 2"),
          f"the same electors again: refused, named: {errs}")
    check(written()[1] == "2", "still 2 entries")

    # -- once collecting: no form, and the POST refused --
    committee = srv.client()
    check(committee.login("com", bearer=True)[0] == 200, "com logs in (bearer)")
    for who, path, body in ((api, "transition", {"event": "submit"}),
                            (committee, "decision", {"decision": "admit", "reasons": "ok"}),
                            (api, "transition", {"event": "open"})):
        st, d = who.post(f"/api/initiatives/1/{path}", body)
        check(st == 200, f"{body}: {st} {d}")
    st, page = org.get("/initiatives/1")
    check('action="/initiatives/1/roll"' not in page, "collecting: no roll form")
    before = written()
    st, page = org.form("/initiatives/1/roll?lang=en", {"csv": ROLL.replace("Dupont", "Durand")})
    check(st == 409 and "The roll cannot change once the collection has opened." in plain(page),
          f"collecting: refused: {st}")
    check(written() == before, "nothing written")

    # -- a roll's body: the import's room for an account, the forms' for the public --
    head = announced(srv, b"/initiatives/1/roll", public)
    check(head.startswith("HTTP/1.1 413"), f"the public's 2 MiB to a roll: 413: {head[:40]}")
    st, d = api.post(f"/api/initiatives/{other}/roll", {"csv": ROLL + "x" * (2 << 20)})
    check(st == 400 and d.get("rule") == "file", f"an organiser's 2 MiB roll is read (and judged): {st}")
finally:
    check(srv.stop() == 0, "server stops cleanly")

p = run("audit", "verify", "--db", srv.db, ok=False)
check(p.returncode == 0 and "audit log intact" in p.stdout, f"urne audit verify passes: {p.stdout} {p.stderr}")
done()
