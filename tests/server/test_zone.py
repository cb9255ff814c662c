"""An election's time zone (issue 15): chosen at import (API, form, command line),
Europe/Paris by default, a zone urne does not know refused with the field and the
zones it knows named; the deadline typed without an offset read in the election's
zone; every moment of its pages written in that zone, which the page names when it
is not Paris; `urne audit verify` noticing a zone changed behind the log's back.
And the refusals of an import or an API read worded in the reader's language:
French for a French reader, English for an English one."""
import datetime
import os
import re
import subprocess
import urllib.parse

from lib import *

text = ("# levels: commune, bureau\n"
        "commune;bureau;inscrits;votants;blancs;nuls;Claire DUVAL;Marc PEYRON\n"
        "Nouville;1;1210;1005;12;8;512;473\n"
        "Ducos;1;875;;;;;\n")
FED = os.path.join(EXAMPLES, "federation-designation.csv")
FR = {"Accept-Language": "fr-FR,fr;q=0.9"}
EN = {"Accept-Language": "en-GB,en;q=0.9"}
MONTHS_FR = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
             "novembre", "décembre"]


def create(admin, title, headers=None, **fields):
    q = urllib.parse.urlencode({"format": "native", "title": title, **fields})
    return admin.request("POST", "/api/elections?" + q, raw=text.encode(), content_type="text/csv", headers=headers)


def count_elections(client):
    st, d = client.get("/api/elections")
    return len(d) if st == 200 and isinstance(d, list) else -1


def french(iso, hours):
    """The French words of a UTC moment at a fixed offset of `hours`."""
    t = datetime.datetime.strptime(iso, "%Y-%m-%dT%H:%M:%SZ") + datetime.timedelta(hours=hours)
    day = "1er" if t.day == 1 else str(t.day)
    return f"{day} {MONTHS_FR[t.month - 1]} {t.year} à {t.hour}\u00a0h\u00a0{t.minute:02d}"


def cli(lang, *args):
    env = dict(os.environ, LANGUAGE=lang, LC_ALL="C.UTF-8")
    return subprocess.run([URNE, *args], capture_output=True, text=True, env=env)


srv = Server()
admin_db(srv)
srv.start()
try:
    admin = admin_client(srv)

    # Nouméa (UTC+11, no summer time): 20:00 there is 09:00 UTC.
    st, d = create(admin, "Provinciales", zone="Pacific/Noumea", deadline="2027-04-10T20:00")
    check(st == 201, f"created in Nouméa's zone: {st} {d}")
    nou = d.get("id")
    st, d = admin.get(f"/api/elections/{nou}")
    check(d.get("zone") == "Pacific/Noumea", f"the API gives the zone: {d.get('zone')}")
    check(d.get("deadline") == "2027-04-10T09:00:00Z", f"20:00 in Nouméa is 09:00 UTC: {d.get('deadline')}")
    rows = store_query(srv.db, f"SELECT created_at FROM elections WHERE id = {nou}")
    created = rows[0][0] if rows else ""

    # Its pages write the deadline in Nouméa's time, and say so; in each language.
    st, page = srv.client().get(f"/e/{nou}/b/0?lang=fr")
    check(st == 200 and '<time datetime="2027-04-10T09:00:00Z">10 avril 2027 à 20\u00a0h\u00a000</time> '
          '<small class=zone>(heure de Nouméa)</small>' in page,
          "the French bureau page gives the deadline in Nouméa's time, named")
    st, page_en = srv.client().get(f"/e/{nou}/b/0?lang=en")
    check(st == 200 and '>10 April 2027, 20:00</time> <small class=zone>(Nouméa time)</small>' in page_en,
          "the English bureau page gives the deadline in Nouméa's time, named")
    # The figures imported with the election: their time too.
    check(created and f'<time datetime="{created}">{french(created, 11)}</time> <small class=zone>' in page,
          f"the import's time in Nouméa's time ({created}, {french(created, 11) if created else ''})")
    check("heure de Paris" not in page, "no Paris time on Nouméa's page")

    # Europe/Paris by default, unnamed on the pages.
    st, d = create(admin, "Municipales", deadline="2027-01-10T20:00")
    paris = d.get("id")
    st, d = admin.get(f"/api/elections/{paris}")
    check(d.get("zone") == "Europe/Paris" and d.get("deadline") == "2027-01-10T19:00:00Z",
          f"Europe/Paris by default, the deadline read there: {d.get('zone')} {d.get('deadline')}")
    st, page = srv.client().get(f"/e/{paris}/b/0?lang=fr")
    check('<time datetime="2027-01-10T19:00:00Z">10 janvier 2027 à 20\u00a0h\u00a000</time>' in page,
          "a Paris election's page gives its times without naming the zone")

    # The administrator's form: the zones as places, the deadline read in the zone chosen.
    st, page = admin.get("/admin?lang=fr")
    check(st == 200 and '<select name=zone><option value="Europe/Paris">heure de Paris</option>' in page
          and '<option value="America/Cayenne">heure de la Guyane</option>' in page,
          "the form offers the zones by their places, Paris first")
    st, _ = admin.form("/admin/elections?lang=fr", {
        "title": "Territoriales", "rules": "party", "round": "1", "levels": "commune, bureau",
        "candidates": "Ana\nBruno", "bureaux": "Cayenne;1;900\nKourou;1;700", "zone": "America/Cayenne",
        "deadline": "2027-04-10T20:00"})
    check(st in (200, 303), f"the form creates an election in Cayenne's zone: {st}")
    st, els = admin.get("/api/elections")
    cay = [e for e in els if e.get("title") == "Territoriales"]
    cay = cay[0]["id"] if cay else 0
    st, d = admin.get(f"/api/elections/{cay}")
    check(d.get("zone") == "America/Cayenne" and d.get("deadline") == "2027-04-10T23:00:00Z",
          f"the form's 20:00 is Cayenne's (UTC-3): {d.get('zone')} {d.get('deadline')}")
    st, page = srv.client().get(f"/e/{cay}/b/0?lang=fr")
    check(">10 avril 2027 à 20\u00a0h\u00a000</time> <small class=zone>(heure de la Guyane)</small>" in page,
          "Cayenne's bureau page gives the deadline in Guyane's time")

    # A zone urne does not know: refused, the field, the value and the zones named, nothing created.
    before = count_elections(admin)
    st, d = create(admin, "Martienne", headers=EN, zone="Mars/Olympus")
    msg = d.get("error", "") if isinstance(d, dict) else str(d)
    check(st == 422 and "Field 'zone'" in msg and "Mars/Olympus" in msg and "is not a time zone urne knows" in msg
          and "Pacific/Noumea" in msg and "America/Cayenne" in msg, f"an unknown zone refused (en): {st} {msg}")
    st, d = create(admin, "Martienne", headers=FR, zone="Mars/Olympus")
    msg = d.get("error", "") if isinstance(d, dict) else str(d)
    check(st == 422 and "Champ «\u00a0zone\u00a0»" in msg and "n’est pas un fuseau horaire connu d’urne" in msg
          and "Pacific/Noumea" in msg, f"an unknown zone refused (fr): {st} {msg}")
    check(count_elections(admin) == before, "no election was created by the refused zones")

    # The other refusals of an import, in each language (the field named, the value given).
    refusals = [
        ("a title too long", {"title": "T" * 300},
         "Field 'title': 300 bytes, more than the 255 allowed; shorten it.",
         "Champ «\u00a0title\u00a0»\u00a0: 300 octets, plus que les 255 permis\u00a0; abrégez."),
        ("a bad deadline", {"deadline": "demain"},
         "Field 'deadline': 'demain' is not a moment",
         "Champ «\u00a0deadline\u00a0»\u00a0: «\u00a0demain\u00a0» n’est pas une date et heure"),
        ("a bad space", {"space": "Org/B"},
         "Field 'space': 'Org/B' is not a space name: use a-z, 0-9, '/', '_' and '-' (byte 0 is code 79).",
         "Champ «\u00a0space\u00a0»\u00a0: «\u00a0Org/B\u00a0» n’est pas un nom d’espace"),
        ("a space too long", {"space": "o" * 96},
         "Field 'space': a space name has at most 95 bytes.",
         "Champ «\u00a0space\u00a0»\u00a0: un nom d’espace a au plus 95 octets."),
        ("an unknown format", {"format": "excel"},
         "Field 'format': 'excel' is not a results format; expected ministry, legislative or native.",
         "Champ «\u00a0format\u00a0»\u00a0: «\u00a0excel\u00a0» n’est pas un format de résultats"),
        ("a rules setting refused", {"set": "rounds=3"},
         "Field 'rules': the rules are refused: 'rounds=3': rounds is 1 or 2",
         "Champ «\u00a0rules\u00a0»\u00a0: règles refusées\u00a0: «\u00a0rounds=3\u00a0»\u00a0: rounds (nombre de tours) "
         "vaut 1 ou 2"),
        ("an unknown rules preset", {"rules": "plurality"},
         "Field 'rules': the rules are refused: unknown rules preset 'plurality'",
         "Champ «\u00a0rules\u00a0»\u00a0: règles refusées\u00a0: jeu de règles «\u00a0plurality\u00a0» inconnu"),
    ]
    for what, fields, en, fr in refusals:
        fields = {"title": "Refusée", **fields}
        title = fields.pop("title")
        for headers, want in ((EN, en), (FR, fr)):
            st, d = create(admin, title, headers=headers, **fields)
            msg = d.get("error", "") if isinstance(d, dict) else str(d)
            check(st in (400, 422) and want in msg, f"{what} ({headers['Accept-Language'][:2]}): {st} {msg!r}")
    check(count_elections(admin) == before, "no election was created by the refused imports")

    # The form's refusal, on a French page, is French.
    st, page = admin.form("/admin/elections?lang=fr", {
        "title": "Territoriales", "rules": "party", "round": "1", "levels": "commune, bureau",
        "candidates": "Ana\nBruno", "bureaux": "Cayenne;1;900", "zone": "America/Cayenne", "deadline": "demain"})
    check(st == 422 and "n’est pas une date et heure" in page and "is not a moment" not in page,
          f"the form's bad deadline refused in French: {st}")

    # A grant's bad space, through the API, in each language.
    make_users(admin, {"coma": ("commission", 1)})
    st, d = admin.request("POST", "/api/grants", {"user": "coma", "space": "Org/A", "role": "commission"},
                          headers=FR)
    check(st == 400 and "n’est pas un nom d’espace" in d.get("error", ""), f"a grant's bad space (fr): {st} {d}")
    st, d = admin.request("POST", "/api/grants", {"user": "coma", "space": "", "role": "commission"}, headers=EN)
    check(st == 400 and "give a space below the site" in d.get("error", ""), f"a grant's empty space (en): {st} {d}")

    # An account refused, in each language: a short password, a guessable one, a name taken.
    for headers, short, weak, taken in (
            (EN, "The password must have at least 8 characters.",
             "The password is too easy to guess: it is based on a dictionary word.",
             "A user named 'coma' already exists."),
            (FR, "Le mot de passe doit avoir au moins 8 caractères.",
             "Le mot de passe est trop facile à deviner\u00a0: il est fondé sur un mot du dictionnaire.",
             "Un utilisateur nommé «\u00a0coma\u00a0» existe déjà.")):
        lang = headers["Accept-Language"][:2]
        for pw, want, status in (("short", short, 400), ("azertyuiop", weak, 400)):
            st, d = admin.request("POST", "/api/users", {"name": "zoe", "password": pw, "role": "observer"},
                                  headers=headers)
            check(st == status and d.get("error") == want, f"password {pw!r} refused ({lang}): {st} {d}")
        st, d = admin.request("POST", "/api/users", {"name": "coma", "password": PASSWORD, "role": "observer"},
                              headers=headers)
        check(st == 409 and d.get("error") == taken, f"a name taken ({lang}): {st} {d}")

    # Bureaux the election does not have, and a count that is no whole number, in French.
    make_users(admin, {"sec": ("secretary", 1)})
    st, d = admin.request("POST", "/api/assignments", {"user": "sec", "election": nou, "first": 0, "last": 7},
                          headers=FR)
    check(st == 400 and d.get("error") == f"Bureaux 0..7\u00a0: l’élection {nou} n’a que les bureaux 0 à 1.",
          f"bureaux out of range (fr): {st} {d}")
    st, d = admin.request("POST", "/api/assignments", {"user": "sec", "election": nou, "first": 1, "last": 1},
                          headers=FR)
    check(st == 200, f"bureau 1 assigned: {st} {d}")
    sec = srv.client()
    sec.login("sec")
    sheet = {"inscrits": 875, "votants": 640, "blancs": 1.5, "nuls": 5, "votes": [330, 300]}
    st, d = sec.request("POST", f"/api/elections/{nou}/bureaux/1/sheet", sheet, headers=FR)
    check(st == 400 and d.get("error") == "Champ «\u00a0blancs\u00a0»\u00a0: pas un nombre entier (des chiffres "
          "seulement).", f"1.5 blank ballots refused in French: {st} {d}")
    st, d = sec.request("POST", f"/api/elections/{nou}/bureaux/1/sheet", sheet, headers=EN)
    check(st == 400 and d.get("error") == "Field 'blancs': not a whole number (digits only).",
          f"1.5 blank ballots refused in English: {st} {d}")

    # A contest: its deadline, in the message and on the page, in Nouméa's time.
    make_users(admin, {"com": ("commission", 1)})
    com = srv.client()
    com.login("com")
    st, _ = com.form(f"/e/{nou}/b/0/contest?lang=fr", {"reason": "Procès-verbal illisible"})
    st, page = com.follow()
    rows = store_query(srv.db, f"SELECT deadline FROM disputes WHERE election_id = {nou}")
    due = rows[0][0] if rows else ""
    check(due and f"(avant le {french(due, 11)} (heure de Nouméa))" in page,
          f"the contest's message gives its deadline in Nouméa's time: {due}")
    check(due and f'<time datetime="{due}">{french(due, 11)}</time> <small class=zone>(heure de Nouméa)</small>'
          in page, "the dispute's deadline on the bureau page, in Nouméa's time")

    # A body the server cannot read, in each language.
    for headers, want in ((FR, "Champ «\u00a0user\u00a0» donné deux fois."), (EN, "Field 'user' is given twice.")):
        st, d = srv.client().request("POST", "/api/login", raw=b"user=a&user=b", headers=headers,
                                     content_type="application/x-www-form-urlencoded")
        check(st == 400 and d.get("error") == want, f"a field given twice ({headers['Accept-Language'][:2]}): {st} {d}")

    # An election that does not exist, in each language.
    st, d = srv.client().request("GET", "/api/elections/999", headers=FR)
    check(st == 404 and d.get("error") == "aucune élection 999", f"no election 999 (fr): {st} {d}")
    st, d = srv.client().request("GET", "/api/elections/999", headers=EN)
    check(st == 404 and d.get("error") == "no election 999", f"no election 999 (en): {st} {d}")
    st, d = srv.client().request("GET", "/api/elections/999/results", headers=FR)
    check(st == 404 and "aucune élection 999" in d.get("error", ""), f"no election 999's results (fr): {st} {d}")

    # The site's audit log: every entry's time in Paris's (the site's zone), even those of
    # Nouméa's election, the French way in French and the English way in English.
    from zoneinfo import ZoneInfo
    st, entries = admin.get("/api/audit")
    at = entries[-1]["at"] if st == 200 and entries else ""
    t = datetime.datetime.strptime(at, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc)
    hours = int(t.astimezone(ZoneInfo("Europe/Paris")).utcoffset().total_seconds() // 3600)
    st, page = admin.get("/audit?lang=fr")
    check(st == 200 and f'<time datetime="{at}">{french(at, hours)}</time></td>' in page,
          f"the audit page gives {at} in Paris's time, in French")
    check(re.search(r">\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ<", page) is None and "heure de" not in page,
          "no raw UTC time, and no zone named, on the French audit page")
    st, page = admin.get("/audit?lang=en")
    check(st == 200 and f'<time datetime="{at}">' in page and " à " not in page, "the English audit page too")
finally:
    srv.stop()

# The command line: --zone, refused in the reader's language when unknown.
p = cli("fr", "election", "import", "--db", srv.db, "--zone", "Mars/Olympus", FED)
check(p.returncode != 0 and "Champ «\u00a0zone\u00a0»" in p.stderr and "Pacific/Noumea" in p.stderr,
      f"the command line refuses an unknown zone, in French: {p.returncode} {p.stderr}")
p = cli("en", "election", "import", "--db", srv.db, "--zone", "Mars/Olympus", FED)
check(p.returncode != 0 and "Field 'zone': 'Mars/Olympus' is not a time zone urne knows" in p.stderr,
      f"the command line refuses an unknown zone, in English: {p.returncode} {p.stderr}")
p = cli("fr", "election", "import", "--db", srv.db, "--space", "Org/B", FED)
check(p.returncode != 0 and "n’est pas un nom d’espace" in p.stderr,
      f"the command line refuses a bad space, in French: {p.returncode} {p.stderr}")
p = cli("en", "election", "import", "--db", srv.db, "--zone", "Indian/Reunion", "--deadline", "2027-04-10T20:00",
        "--title", "Régionales", FED)
check(p.returncode == 0, f"the command line imports in Réunion's zone: {p.returncode} {p.stderr}")
rows = store_query(srv.db, "SELECT zone, deadline FROM elections WHERE title = 'Régionales'")
check(rows and tuple(rows[0]) == ("Indian/Reunion", "2027-04-10T16:00:00Z"),
      f"stored with its zone, the deadline read in it (UTC+4): {rows}")

# The log vouches for the zone: verify passes, and notices it changed by hand.
p = run("audit", "verify", "--db", srv.db, ok=False)
check(p.returncode == 0, f"audit verify passes: {p.returncode} {p.stderr}")
check_tampered(srv, [
    ("Nouméa's election moved to Paris", f"UPDATE elections SET zone = 'Europe/Paris' WHERE id = {nou}",
     ["zone", "Pacific/Noumea", "Europe/Paris"]),
])
done()
