"""Post/redirect/get: every HTML form that succeeds is answered 303 See Other to
the page its act concerns, which shows the act's message once (the flash); the
message waits on the server, the urne_flash cookie only names it, and another
session, a forged name or a second visit shows nothing. A refused form is shown
again (4xx) with its message and what was typed, never redirected."""
import re
import urllib.parse

from lib import *

FLASH = re.compile(r'<p class="flash (ok|bad)" role=\w+>(.*?)</p>', re.S)


def flashes(page):
    return [m.group(2) for m in FLASH.finditer(page if isinstance(page, str) else "")]


def sent_on(c, st, where, message, what):
    """A 303 to `where` whose page shows `message` once."""
    check(st == 303 and c.location == where, f"{what}: 303 to {where}: {st} {c.location}")
    cookie = c.cookies.get("urne_flash", "")
    check(re.fullmatch(r"[0-9a-f]{32}", cookie) is not None, f"{what}: the cookie names the message only: {cookie!r}")
    st, page = c.follow()
    shown = flashes(page)
    check(st == 200 and any(message in f for f in shown), f"{what}: '{message}' shown there: {st} {shown}")
    check("urne_flash" not in c.cookies, f"{what}: the page cleared the cookie")
    st, again = c.get(where)
    check(not any(message in f for f in flashes(again)), f"{what}: shown once, not on the next visit")
    return page


srv = federation_server()
try:
    api = admin_client(srv)
    make_users(api, {"sec": ("secretary", 1), "com": ("commission", 1), "nat": ("commission", 2)})

    # ---- logging in and out ----
    sec = srv.client()
    st, page = sec.form("/login", {"user": "sec", "password": "wrong-password"})
    check(st == 401 and sec.location is None, f"a wrong password: 401, not redirected: {st}")
    check('name=user autocomplete=username required value="sec"' in page and "wrong-password" not in page,
          "the name typed is kept, never the password")
    check(any("Identifiant ou mot de passe incorrect" in f or "mot de passe" in f for f in flashes(page)),
          f"with the message: {flashes(page)}")
    st, page = sec.form("/login", {"user": "sec", "password": PASSWORD})
    check(sec.cookie is not None, "the session cookie set with the redirect")
    sent_on(sec, st, "/", "Connecté en tant que sec.", "login")
    sec.csrf = re.search(r'name=csrf value="([0-9a-f]+)"', sec.get("/")[1]).group(1)

    # Another session given this browser's flash name sees nothing; a forged one
    # neither, and the answer clears the cookie.
    com = srv.client()
    st, _ = com.form("/login", {"user": "com", "password": PASSWORD})
    name = com.cookies.get("urne_flash")
    thief = srv.client()
    thief.login("nat")
    thief.cookies["urne_flash"] = name
    st, page = thief.get("/")
    check(st == 200 and flashes(page) == [], f"another session's flash is not shown: {flashes(page)}")
    check("urne_flash" not in thief.cookies, "and its cookie is cleared")
    thief.cookies["urne_flash"] = "0" * 32
    st, page = thief.get("/")
    check(flashes(page) == [] and "urne_flash" not in thief.cookies, "a forged name shows nothing")
    com.csrf = re.search(r'name=csrf value="([0-9a-f]+)"', com.get("/")[1]).group(1)

    # ---- the secretary's sheet ----
    st, page = sec.form("/e/1/b/5/sheet", {"inscrits": 90, "votants": 95, "blancs": 1, "nuls": 1,
                                            "votes.0": 30, "votes.1": 30, "votes.2": 33})
    check(st == 403, f"a bureau not assigned: refused: {st}")
    api.post("/api/assignments", {"user": "sec", "election": 1, "first": 5})
    st, page = sec.form("/e/1/b/5/sheet", {"inscrits": 90, "votants": 95, "blancs": 1, "nuls": 1,
                                            "votes.0": 30, "votes.1": 30, "votes.2": 33})
    check(st == 422 and sec.location is None and 'name=votants inputmode=numeric pattern="[0-9]*" value="95"' in page,
          f"a sheet failing its checks: 422, shown again as typed: {st}")
    check("les votants (95) sont plus nombreux que les inscrits (90)" in page and "exceed" not in page,
          "the checks broken are listed in the page's language")
    st, _ = sec.form("/e/1/b/5/sheet", {"inscrits": 90, "votants": 61, "blancs": 1, "nuls": 1,
                                         "votes.0": 20, "votes.1": 21, "votes.2": 18})
    sent_on(sec, st, "/e/1/b/5", "Procès-verbal enregistré et compté.", "sheet")

    # ---- contest, decide, appeal ----
    st, page = com.form("/e/1/b/5/contest", {"reason": "x"})
    check(st == 400 and 'name=reason required>x</textarea>' in page, f"a reason too short: 400, kept: {st}")
    st, _ = com.form("/e/1/b/5/contest", {"reason": "Signatures manquantes"})
    sent_on(com, st, "/e/1/b/5", "Bureau contesté", "contest")
    st, d = api.get("/api/elections/1/disputes")
    did = d[-1]["id"]
    fields = {"back": "recolement", "decision": "correct", "reason": "recompté", "inscrits": 90, "votants": 95,
              "blancs": 1, "nuls": 1, "votes.0": 30, "votes.1": 30, "votes.2": 33}
    st, page = com.form(f"/e/1/disputes/{did}/decide", fields)
    check(st == 422 and "<details open>" in page and 'value="recompté"' in page and
          "<option value=correct selected>" in page and 'value="95"' in page,
          f"a correction failing its checks: 422, the form open again as typed: {st}")
    check("Récolement" in page, "on the page the form came from (the récolement)")
    fields.update({"votants": 62, "votes.0": 21, "votes.1": 21, "votes.2": 18})
    st, _ = com.form(f"/e/1/disputes/{did}/decide", fields)
    sent_on(com, st, "/e/1/recolement", "Décision enregistrée\u00a0: chiffres corrigés.", "decide, from the récolement")
    st, _ = com.form(f"/e/1/disputes/{did}/escalate", {"bureau": "5", "reason": "appel"})
    sent_on(com, st, "/e/1/b/5", "la commission supérieure", "escalate, from the bureau's page")
    st, d = api.get("/api/elections/1/disputes")
    up = d[-1]["id"]
    nat = srv.client()
    nat.login("nat")
    st, _ = nat.form(f"/e/1/disputes/{up}/decide", {"bureau": "5", "decision": "validate", "reason": "conforme"})
    page = sent_on(nat, st, "/e/1/b/5", "Décision enregistrée\u00a0: chiffres validés.", "decide, from the bureau's page")
    check("<strong>chiffres validés</strong>" in page and "<strong>chiffres corrigés</strong>" in page
          and "<strong>validate</strong>" not in page, "the disputes' decisions are worded in French, not as codes")

    # ---- the administrator's forms ----
    admin = srv.client()
    admin.login("admin")
    st, page = admin.form("/admin/users", {"name": "sec", "password": "Vb7-quartz-Lamp-92", "role": "observer",
                                            "tier": "1"})
    check(st == 409 and 'name=name required value="sec"' in page and "Vb7-quartz" not in page and
          "<option value=observer selected>" in page, f"a name taken: 409, the form as typed, no password: {st}")
    st, _ = admin.form("/admin/users", {"name": "olga", "password": "Vb7-quartz-Lamp-92", "role": "observer",
                                         "tier": "1"})
    sent_on(admin, st, "/admin", "Compte olga créé (observer).", "account")

    st, page = admin.form("/admin/grants", {"user": "olga", "space": "bad space", "role": "commission"})
    check(st == 400 and 'value="bad space"' in page and '<option value="olga" selected>' in page,
          f"a bad space: 400, the form as typed: {st}")
    st, _ = admin.form("/admin/grants", {"user": "olga", "space": "org/nord", "role": "commission", "tier": "1"})
    page = sent_on(admin, st, "/admin", "olga est désormais commission dans org/nord.", "grant")
    check(re.search(r"<td>olga</td><td data-label=\"Espace\"><code>org/nord</code>", page) is not None,
          "the grant listed")
    st, page = admin.form("/admin/grants/delete", {"user": "olga", "space": "org/sud"})
    check(st == 409 and any("olga n’a aucun rôle dans org/sud" in f for f in flashes(page)),
          f"nothing to take back: 409: {st} {flashes(page)}")
    st, _ = admin.form("/admin/grants/delete", {"user": "olga", "space": "org/nord"})
    sent_on(admin, st, "/admin", "olga n’a plus de rôle dans org/nord.", "take back")

    st, _ = admin.form("/admin/assign", {"election": "1", "user": "sec", "bureaux.4": "4"})
    sent_on(admin, st, "/admin/assign?election=1", "1 bureau(x) attribué(s) à sec.", "assign")

    st, page = admin.form("/admin/elections", {"title": "Sans candidats", "levels": "commune, bureau",
                                                "candidates": "", "bureaux": "Montval;1;100"})
    check(st == 400 and 'name=title required value="Sans candidats"' in page and "Montval;1;100</textarea>" in page,
          f"a new election refused: 400, the form as typed: {st}")
    st, _ = admin.form("/admin/elections", {"title": "Conseil", "rules": "single", "levels": "commune, bureau",
                                             "candidates": "Ana\nBen", "bureaux": "Montval;1;100\nMontval;2;120"})
    page = sent_on(admin, st, "/e/2", "Élection 2 créée.", "new election")
    check("Conseil" in page, "on the new election's results page")
    native = open(os.path.join(EXAMPLES, "federation-designation.csv"), encoding="utf-8").read()
    st, _ = admin.form("/admin/elections", {"file": native, "source": "fed.csv", "format": "auto", "title": "Import"})
    sent_on(admin, st, "/e/3", "Élection 3 créée.", "import")
    st, page = admin.form("/admin/elections", {"file": "not;a\nresults file", "source": "x.csv", "format": "auto",
                                                "title": "Broken"})
    check(st == 422 and 'name=title value="Broken"' in page and "results file</textarea>" in page,
          f"a broken file: 422, the form as sent: {st}")

    st, page = admin.form("/e/2/publish", {})
    digest = api.get("/api/elections/2")[1].get("published", {}).get("digest", "?")
    sent_on(admin, st, "/admin", f"Résultats publiés\u00a0; empreinte SHA-256 {digest}.", "publish")

    # ---- logging out: the message for a browser without a session, never cached ----
    st, _ = sec.form("/logout", {})
    check(sec.cookie is None, "the session cookie cleared")
    sent_on(sec, st, "/", "Déconnecté.", "logout")
    st, page = srv.client().get("/")
    check(flashes(page) == [], "another visitor's home page (the cache's) has no message")
finally:
    srv.stop()
done()
