"""Each role's home page (/, where logging in leads): a secretary's bureaux with
their states ('à saisir' while nobody typed them, never 'Saisi le' with the
import's time), a commission's open disputes with the contested figures beside
the typed ones and their deadlines, what waits for an administrator; and the
assignment of bureaux by name (the search, the accounts to pick from, the API's
list). Pages in French, as a browser without Accept-Language gets them."""
import re

from lib import *


def section(page, cls):
    """The <section class=CLS> of a page, or ''."""
    m = re.search(r'<section class=%s>(.*?)</section>' % cls, page, re.S)
    return m.group(1) if m else ""


def item(page, href):
    """The <li> that links to href, or ''."""
    m = re.search(r'<li><a href="%s">.*?</li>' % re.escape(href), page, re.S)
    return m.group(0) if m else ""


srv = federation_server()
try:
    api = admin_client(srv)
    make_users(api, {"sec": ("secretary", 1), "com": ("commission", 1), "nat": ("commission", 2),
                     "obs": ("observer", 1)})
    admin, sec, com, nat, obs = (srv.client() for _ in range(5))
    for c, n in ((admin, "admin"), (sec, "sec"), (com, "com"), (nat, "nat"), (obs, "obs")):
        c.login(n)

    # ---- assignment by name ----
    st, page = admin.get("/admin/assign?election=1&q=brignais")
    check(st == 200 and 'name="bureaux.5"' in page and "section Brignais" in page,
          f"the search finds Brignais by name: {st}")
    check('name="bureaux.4"' not in page and "Vaugneray" not in page, "and only it")
    st, page = admin.get("/admin/assign?election=1&q=" + "PRESQU%27ILE")
    check(st == 200 and 'name="bureaux.1"' in page and 'name="bureaux.0"' not in page,
          f"case and accents ignored: 'PRESQU'ILE' finds Presqu'île: {st}")
    st, page = admin.get("/admin/assign?election=1")
    picker = re.search(r"<select name=user required>(.*?)</select>", page, re.S)
    options = re.findall(r'<option value="([^"]*)"', picker.group(1) if picker else "")
    check(options == ["", "sec"], f"the accounts to pick from: those who may enter sheets: {options}")
    check(page.count('type=checkbox name="bureaux.') == 6 and "data-filter=bureaux" in page,
          "every bureau listed, with the filter a script narrows")
    check("<input name=first" not in page and "<input name=election" not in page, "no number to type")

    st, page = admin.form("/admin/assign", {"election": "1", "user": "com", "bureaux.5": "5"})
    check(st == 409 and "flash bad" in page and 'name="bureaux.5" value=5 checked' in page,
          f"a commission member cannot be assigned: 409, the box still ticked: {st}")
    st, page = admin.form("/admin/assign", {"election": "1", "user": "sec", "bureaux.5": "5", "bureaux.2": "2"})
    check(st == 303 and admin.location == "/admin/assign?election=1",
          f"assigned by name: 303 to the election's assignments: {st} {admin.location}")
    st, page = admin.follow()
    check(st == 200 and "2 bureau(x) attribué(s) à sec." in page, f"the message shown there: {st}")
    li = re.search(r'<li data-find="section Brignais[^"]*">.*?</li>', page, re.S)
    check(li is not None and "attribué à\u00a0: sec" in li.group(0), "Brignais shows who has it")

    st, d = api.post("/api/assignments", {"user": "sec", "election": 1, "bureaux": [3, 3]})
    check(st == 200 and d.get("assigned") == 1 and d.get("bureaux") == [3, 3],
          f"the API takes a list of bureaux: {st} {d}")
    st, d = api.post("/api/assignments", {"user": "sec", "election": 1, "bureaux": [4, 9]})
    check(st == 400 and "bureau 9" in d.get("error", ""), f"a bureau the election lacks refuses the list: {st} {d}")
    st, page = admin.get("/admin/assign?election=1")
    li = re.search(r'<li data-find="section Vaugneray[^"]*">.*?</li>', page, re.S)
    check(li is not None and "attribué à" not in li.group(0), "none of a refused list was assigned")
    st, d = api.post("/api/assignments", {"user": "sec", "election": 1, "first": 0, "last": 0})
    check(st == 200 and d.get("first") == 0 and d.get("last") == 0, f"the range still works: {st} {d}")

    # ---- the secretary's home ----
    st, home = sec.get("/")
    mine = section(home, "home-secretary")
    check(st == 200 and "Mes bureaux à saisir" in mine, f"the secretary's section: {st}")
    brignais = item(mine, "/e/1/b/5")
    check("section Brignais" in brignais and "à saisir" in brignais and "s-missing" in brignais,
          f"Brignais, never entered: à saisir: {brignais}")
    centre = item(mine, "/e/1/b/2")
    check("à saisir" in centre and "saisi<" not in centre,
          f"Montval-Centre, figures only imported, nobody typed them: à saisir: {centre}")
    check(item(mine, "/e/1/b/4") == "", "a bureau not assigned is not listed")
    check("home-commission" not in home and "home-admin" not in home, "no other role's section")
    st, page = sec.get("/e/1/b/5")
    check(st == 200 and "Saisi le" not in page and "Importé" not in page and "à saisir" in page,
          f"Brignais' page says nothing was entered: {st}")
    st, page = sec.get("/e/1/b/2")
    check(st == 200 and "Saisi le" not in page and "Importé d’un fichier le <time" in page,
          f"Montval-Centre's page: imported, not 'Saisi le' the import's time: {st}")
    st, d = sec.get("/api/elections/1/bureaux/2")
    check(d.get("imported") is True, f"the API says so: {d.get('imported')}")

    st, page = sec.form("/e/1/b/5/sheet", {"inscrits": 90, "votants": 61, "blancs": 1, "nuls": 1,
                                            "votes.0": 20, "votes.1": 21, "votes.2": 18})
    check(st == 303 and sec.location == "/e/1/b/5", f"entered: sent to the bureau: {st} {sec.location}")
    st, page = sec.follow()
    check("Procès-verbal enregistré et compté." in page and "Saisi le <time" in page,
          f"the bureau page: the message, and now 'Saisi le': {st}")
    st, d = sec.get("/api/elections/1/bureaux/5")
    check(d.get("imported") is False, "typed, no longer imported")
    brignais = item(section(sec.get("/")[1], "home-secretary"), "/e/1/b/5")
    check("s-entered" in brignais and "à saisir" not in brignais, f"entered now: {brignais}")

    # ---- the commission's home ----
    st, home = com.get("/")
    check("Contestations en cours" in section(home, "home-commission") and "Aucune contestation en cours." in home,
          "a commission member sees the section, empty")
    st, _ = com.form("/e/1/b/0/contest", {"reason": "Écart de 3 voix"})
    check(st == 303, f"contested Croix-Rousse: {st}")
    st, _ = com.form("/e/1/b/5/contest", {"reason": "Signature manquante"})
    check(st == 303, f"contested Brignais: {st}")
    st, home = com.get("/")
    disputes = section(home, "home-commission")
    arts = re.findall(r'<article class="card dispute">.*?</article>', disputes, re.S)
    check(len(arts) == 2, f"both open disputes listed: {len(arts)}")
    croix = next((a for a in arts if "/e/1/b/0" in a), "")
    check("Écart de 3 voix" in croix and "À décider avant le <time datetime=" in croix,
          "the reason and the deadline")
    check(re.search(r"<th>Votants</th><td class=num>148</td><td class=num>—</td>", croix) is not None,
          "Croix-Rousse: 148 contested, nothing typed (imported)")
    check("Personne n’a saisi ce procès-verbal" in croix, "and it says why")
    brig = next((a for a in arts if "/e/1/b/5" in a), "")
    check(re.search(r"<th>Votants</th><td class=num>61</td><td class=num>61</td>", brig) is not None,
          "Brignais: the contested figures beside the typed ones")
    check(' href="/e/1/b/5">Décider</a>' in brig, "a link to decide it")
    st, home = obs.get("/")
    check("home-commission" not in home and "home-secretary" not in home and "Élections" in home,
          "an observer has no work: the elections only")

    # A correction, appealed: the higher commission sees the corrected figures
    # beside the typed ones, the difference marked; the first commission no
    # longer lists it.
    st, d = com.get("/api/elections/1/disputes")
    did = next(x["id"] for x in d if x["bureau"] == 5 and x["state"] == "open")
    st, _ = com.form(f"/e/1/disputes/{did}/decide", {"bureau": "5", "decision": "correct", "reason": "recompté",
                                                     "inscrits": 90, "votants": 62, "blancs": 1, "nuls": 1,
                                                     "votes.0": 21, "votes.1": 21, "votes.2": 18})
    check(st == 303 and com.location == "/e/1/b/5", f"corrected: back to the bureau: {st} {com.location}")
    st, _ = com.form(f"/e/1/disputes/{did}/escalate", {"bureau": "5", "reason": "appel de la liste"})
    check(st == 303, f"appealed: {st}")
    st, home = nat.get("/")
    art = next((a for a in re.findall(r'<article class="card dispute">.*?</article>', home, re.S)
                if "/e/1/b/5" in a), "")
    check("Commission supérieure" in art and "appel de la liste" in art, "the appeal, for the higher commission")
    check(re.search(r'<tr class=differs><th>Votants</th><td class=num>62</td><td class=num>61</td>', art) is not None,
          f"62 contested (the correction) beside 61 typed, marked: {art[:300]}")
    st, home = com.get("/")
    check("appel de la liste" not in home, "the first commission does not decide an appeal")

    # ---- the administrator's home ----
    st, home = admin.get("/")
    waits = section(home, "home-admin")
    row = re.search(r"<tr><td><a href=\"/e/1\">.*?</tr>", waits, re.S)
    row = row.group(0) if row else ""
    check("En attente" in waits and row, f"what waits, election 1 listed: {st}")
    # The administrator counts what the secretaries have to type as they see it:
    # sec's bureaux never typed, Montval-Centre's figures only imported among them,
    # are to enter on both home pages; Brignais, typed above, on neither.
    st, home = sec.get("/")
    listed = [int(b) for b in re.findall(r'<li><a href="/e/1/b/(\d+)">', section(home, "home-secretary"))]
    states = {b: sec.get(f"/api/elections/1/bureaux/{b}")[1] for b in listed}
    mine = [b for b, d in states.items() if d.get("imported") or d.get("state") in ("missing", "revote")]
    left = re.search(r'<a href="/e/1/entry">.*?<small>(\d+) à saisir ou à corriger</small>', home, re.S)
    count = re.search(r'data-label="À saisir" class=num>(\d+)', row)
    check(2 in mine and 5 not in mine and left and count and int(left.group(1)) == int(count.group(1)) == len(mine),
          f"to enter: the secretary's {left and left.group(1)}, the administrator's {count and count.group(1)}, "
          f"never typed and assigned {mine} of {listed}")
    st, home = admin.get("/?lang=en")
    check(re.search(r'<tr><td><a href="/e/1">.*?data-label="To enter" class=num>%d <a href="/admin/assign' % len(mine), home, re.S),
          "the same count in English")
    check(re.search(r'<a href="/e/1/recolement">2</a>', row) is not None, "two open disputes, to the récolement")
    check("non publié" in row and "gelé" in row, "not published, frozen")
    st, page = admin.form("/e/1/publish", {})
    check(st == 409 and "flash bad" in page, f"publishing a frozen election refused, the page shown again: {st}")
    st, home = srv.client().get("/")
    check("home-admin" not in home and "<h1>Élections</h1>" in home, "the public: the elections only")
finally:
    srv.stop()
done()
