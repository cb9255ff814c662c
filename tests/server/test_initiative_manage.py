"""The organisers' and the committee's forms on an initiative's page (issue 18):
an organiser (an administrator) sees one button per transition the state
allows and moves the initiative by the form (the state checked through the
API, the act in the audit log, the flash in the page's language); the committee
(a commission) declares it admissible with reasons, and an inadmissibility
without reasons is refused with its message; it invalidates a signature by the
form and the counts follow; a refused form shows the page again with what was
typed, escaped; the authority's answer is published by its textarea; the public
and an observer see no Manage section and their POSTs are refused (the login
page, 403), as is a POST without the session's CSRF token; the pages' texts in
French and in English."""
import html
import re

from lib import *

KEY = "22" * 32
RULES = "preset = territories\nnational = 3\nterritory = 1\nterritories = 1\n" \
        "opens = 2020-01-01\ncloses = 2099-01-01\nstop-at-threshold = no\n"
ROLL = "name,given,birth,commune,territory\n" \
       "Dupont,Jean,1970-03-04,Lille,Nord\nMartin,Paul,1960-06-01,Lille,Nord\n"
NBSP = "\u00a0"


def manage(page):
    """The Manage section of a page ("" when there is none)."""
    m = re.search(r"<section class=card aria-labelledby=manage>.*?</section>", page, re.S)
    return m.group(0) if m else ""


def events(section):
    """The events the section's transition buttons send, in order."""
    return re.findall(r"<input type=hidden name=event value=\"?([a-z]+)", section)


srv = Server()
admin_db(srv)
srv.start()
try:
    api = admin_client(srv)
    make_users(api, {"com": ("commission", 1), "obs": ("observer", 1)})
    st, d = api.post("/api/initiatives", {"title": "Eau <b>en</b> régie", "rules": RULES, "authority_key": KEY})
    check(st == 201 and d.get("id") == 1, f"initiative 1 created: {st} {d}")
    st, d = api.post("/api/initiatives/1/roll", {"csv": ROLL})
    check(st == 200 and d.get("electors") == 2, f"its roll: {st} {d}")

    org, com, obs, public = srv.client(), srv.client(), srv.client(), srv.client()
    for c, name in ((org, "admin"), (com, "com"), (obs, "obs")):
        check(c.login(name)[0] == 200, f"{name} logs in (a browser: cookie and CSRF token)")

    def state():
        return api.get("/api/initiatives/1")[1].get("state")

    # -- the organiser: the transitions the state allows, and only them --
    st, page = org.get("/initiatives/1?lang=en")
    sec = manage(page)
    check(st == 200 and "<h2 id=manage>Manage</h2>" in sec and events(sec) == ["submit"]
          and "Submit to the committee" in sec and 'action="/initiatives/1/transition"' in sec,
          f"a draft: the organiser's one button, submit: {events(sec)} {sec}")
    check("/decision" not in sec and "/invalidate" not in sec and "name=text" not in sec,
          f"no committee's form, no answer for the organiser of a draft: {sec}")
    check('name=csrf value="%s"' % org.csrf in sec, "each form carries the session's CSRF token")
    st, page = org.get("/initiatives/1")
    sec = manage(page)
    check(f"<h2 id=manage>Gérer</h2>" in sec and "Soumettre au comité" in sec, f"in French: {sec}")

    st, page = org.form("/initiatives/1/transition", {"event": "submit"}, csrf=False)
    check(st == 403 and "CSRF" in page and state() == "draft", f"a POST without the CSRF token: refused: {st}")

    st, page = org.form("/initiatives/1/transition", {"event": "submit"})
    check(st == 303 and org.location == "/initiatives/1", f"submitted by the form: 303 to the page: {st} {org.location}")
    st, page = org.follow()
    check(st == 200 and f"C’est fait. État de l’initiative{NBSP}: déposée." in page,
          f"the flash says it, in French: {st} {page[:2000]}")
    check(state() == "submitted", f"the API says submitted: {state()}")
    st, log = api.get("/api/audit")
    sub = [e for e in log if e.get("action") == "initiative.submit"] if isinstance(log, list) else []
    check(len(sub) == 1 and "admin" in str(sub[0]), f"the form's act is in the audit log, by admin: {sub}")
    sec = manage(page)
    check(events(sec) == [] and 'action="/initiatives/1/roll"' in sec and "/decision" not in sec,
          f"submitted: no transition left for the organiser, only the roll's form (it may still change): {sec}")
    st, page = org.form("/initiatives/1/transition?lang=en", {"event": "open"})
    check(st == 409 and "Not possible while the initiative is submitted." in page and state() == "submitted",
          f"a transition the state does not allow, posted anyway: refused in English: {st}")
    st, page = org.form("/initiatives/1/transition", {"event": "admit"})
    check(st == 400 and "Événement inconnu" in page,
          f"the committee's event through the organisers' form: 400: {st}")
    check(state() == "submitted", "nothing moved")
    st, page = org.form("/initiatives/1/decision", {"decision": "admit", "reasons": "x"})
    check(st == 403 and state() == "submitted", f"an administrator is not the committee: 403: {st}")

    # -- the committee: its decision --
    st, page = com.get("/initiatives/1?lang=en")
    sec = manage(page)
    check(st == 200 and "The committee&#39;s decision" in sec and 'action="/initiatives/1/decision"' in sec
          and "Declare admissible" in sec and "Declare inadmissible" in sec and "textarea name=reasons required" in sec
          and events(sec) == [], f"awaiting its decision: the committee's form, no transition: {sec}")
    check("/invalidate" not in sec, "no signature yet: no invalidation form")
    st, page = com.form("/initiatives/1/decision", {"decision": "reject", "reasons": ""})
    check(st == 409 and "Une décision d’irrecevabilité doit donner ses motifs." in html.unescape(page)
          and state() == "submitted",
          f"inadmissible without reasons: refused with its message, in French: {st}")
    st, page = com.form("/initiatives/1/decision?lang=en", {"decision": "reject"})
    check(st == 409 and "A decision of inadmissibility must give its reasons." in page,
          f"and in English: {st}")
    st, page = com.form("/initiatives/1/decision?lang=en", {"decision": "admit", "reasons": "Conforme <à> la loi."})
    check(st == 303, f"admissible with reasons: {st}")
    st, page = com.follow()
    check(st == 200 and "Done. The initiative&#39;s state: admissible." in page
          and "Conforme &lt;à&gt; la loi." in page and "<à>" not in page,
          f"the flash in English, the reasons published, escaped: {st} {page[:3000]}")
    st, d = api.get("/api/initiatives/1")
    check(d.get("state") == "admissible" and d.get("reasons") == "Conforme <à> la loi.",
          f"the API: admissible, its reasons: {d}")
    check(manage(page) == "", "decided: nothing left for the committee until there are signatures")

    # -- the organiser opens; close is refused before the window's end --
    st, page = org.get("/initiatives/1?lang=en")
    check(events(manage(page)) == ["open"], f"admissible: open only: {events(manage(page))}")
    st, page = org.form("/initiatives/1/transition", {"event": "open"})
    check(st == 303 and state() == "collecting", f"opened by the form: {st} {state()}")
    st, page = org.get("/initiatives/1?lang=en")
    check(events(manage(page)) == ["close"] and "Close the collection" in page,
          f"collecting: close only: {events(manage(page))}")
    st, page = org.form("/initiatives/1/transition?lang=en", {"event": "close"})
    check(st == 409 and "The collection window is still open." in page and state() == "collecting",
          f"closed before the window's end: refused with its reason: {st}")

    # -- the committee invalidates a signature by the form --
    sigs = []
    for who in (("Dupont", "Jean", "1970-03-04"), ("Martin", "Paul", "1960-06-01")):
        st, d = public.post("/api/initiatives/1/signatures",
                            {"name": who[0], "given": who[1], "birth": who[2], "commune": "Lille"})
        check(st == 201, f"{who[0]} signs: {st} {d}")
        sigs.append(d.get("id"))
    st, page = com.get("/initiatives/1?lang=en")
    sec = manage(page)
    check('action="/initiatives/1/invalidate"' in sec and "Invalidate a signature" in sec
          and "/decision" not in sec and events(sec) == [],
          f"signatures: the invalidation's form, no decision any more: {sec}")
    st, page = com.form("/initiatives/1/invalidate", {"signature": "999", "reason": "<b>doublon</b>"})
    check(st == 400 and "Pas de signature 999 dans cette initiative." in page
          and "&lt;b&gt;doublon&lt;/b&gt;</textarea>" in page and "<b>doublon" not in page
          and 'value="999"' in page, f"no such signature: refused, what was typed shown again, escaped: {st}")
    st, page = com.form("/initiatives/1/invalidate", {"signature": "1x", "reason": "r"})
    check(st == 400 and "un nombre entier" in page, f"a signature number that is no number: 400: {st}")
    st, page = com.form("/initiatives/1/invalidate?lang=en", {"signature": str(sigs[0]), "reason": "Same person."})
    check(st == 303, f"invalidated by the form: {st}")
    st, page = com.follow()
    check(st == 200 and f"Signature {sigs[0]} invalidated; the counts follow." in page, f"its flash: {page[:2000]}")
    st, d = api.get("/api/initiatives/1")
    check(d.get("signatures") == 1 and d.get("invalidated") == 1, f"the counts follow: {d}")
    st, page = com.form("/initiatives/1/invalidate", {"signature": str(sigs[0]), "reason": "again"})
    check(st == 409 and "Cette signature est déjà invalidée." in page, f"invalidated twice: refused: {st}")
    st, d = api.get("/api/initiatives/1")
    check(d.get("signatures") == 1 and d.get("invalidated") == 1, f"counted once: {d}")
    st, log = api.get("/api/audit")
    inv = [e for e in log if e.get("action") == "initiative.invalidate"] if isinstance(log, list) else []
    check(len(inv) == 1, f"one invalidation in the audit log: {inv}")

    # -- the public and an observer: no section, their POSTs refused --
    for c, who, code in ((public, "the public", 401), (obs, "an observer", 403)):
        st, page = c.get("/initiatives/1")
        check(st == 200 and manage(page) == "" and "/transition" not in page and "/invalidate" not in page,
              f"{who}: no Manage section: {st}")
        for path, fields in (("transition", {"event": "close"}), ("decision", {"decision": "admit", "reasons": "r"}),
                             ("invalidate", {"signature": str(sigs[1]), "reason": "r"})):
            st, page = c.form(f"/initiatives/1/{path}", fields)
            check(st == code, f"{who} POSTs /{path}: {code}: {st}")
    st, page = public.form("/initiatives/1/transition", {"event": "close"})
    check("/login" in page, "the public is sent to log in")
    st, d = api.get("/api/initiatives/1")
    check(d.get("state") == "collecting" and d.get("signatures") == 1, f"nothing moved: {d}")

    # -- transmit and the authority's answer (an initiative that stops at its threshold) --
    st, d = api.post("/api/initiatives", {"title": "Seuil", "authority_key": KEY,
                                          "rules": RULES.replace("national = 3", "national = 1")
                                          .replace("stop-at-threshold = no", "stop-at-threshold = yes")})
    two = d.get("id")
    api.post(f"/api/initiatives/{two}/roll", {"csv": ROLL})
    for form, c, fields in (("transition", org, {"event": "submit"}), ("decision", com, {"decision": "admit",
                                                                                         "reasons": "ok"}),
                            ("transition", org, {"event": "open"})):
        st, page = c.form(f"/initiatives/{two}/{form}", fields)
        check(st == 303, f"{fields} by the form: {st}")
    st, d = public.post(f"/api/initiatives/{two}/signatures",
                        {"name": "Dupont", "given": "Jean", "birth": "1970-03-04", "commune": "Lille"})
    st, d = api.get(f"/api/initiatives/{two}")
    check(d.get("state") == "reached", f"the threshold reached: {d.get('state')}")
    st, page = org.get(f"/initiatives/{two}?lang=en")
    check(events(manage(page)) == ["transmit"] and "Transmit to the authority" in page,
          f"reached: transmit only: {events(manage(page))}")
    st, page = org.form(f"/initiatives/{two}/transition", {"event": "transmit"})
    check(st == 303, f"transmitted by the form: {st}")
    st, page = org.follow()
    sec = manage(page)
    check("Transmettre" not in sec and "textarea name=text required" in sec and "Publier la réponse" in sec
          and "La réponse de l’autorité" in sec and events(sec) == ["answer"],
          f"transmitted: the answer's textarea: {sec}")
    st, page = org.form(f"/initiatives/{two}/transition?lang=en", {"event": "answer", "text": ""})
    check(st == 400 and "give the reasons (or the answer)" in page, f"an empty answer: refused: {st}")
    st, page = org.form(f"/initiatives/{two}/transition", {"event": "answer", "text": "Adoptée <i>le 3</i>."})
    check(st == 303, f"answered by the form: {st}")
    st, page = org.follow()
    check(f"État de l’initiative{NBSP}: réponse publiée." in page and "Adoptée &lt;i&gt;le 3&lt;/i&gt;." in page
          and manage(page) == "", f"the answer published, escaped; nothing left to do: {page[:3000]}")
    st, d = api.get(f"/api/initiatives/{two}")
    check(d.get("state") == "answered" and d.get("answer") == "Adoptée <i>le 3</i>.", f"the API: {d}")
    check("script" not in manage(page), "no script in the section")

    # -- an organiser of one space: the section and the acts there, not elsewhere --
    make_users(api, {"orga": ("observer", 1)})
    st, d = api.post("/api/grants", {"user": "orga", "space": "org/a", "role": "admin"})
    check(st == 200, f"orga: administrator of org/a: {st} {d}")
    ids = {}
    for space in ("org/a", "org/b"):
        st, d = api.post("/api/initiatives", {"title": space, "space": space, "rules": RULES, "authority_key": KEY})
        check(st == 201, f"an initiative in {space}: {st} {d}")
        ids[space] = d.get("id")
    orga = srv.client()
    check(orga.login("orga")[0] == 200, "orga logs in")
    st, page = orga.get(f"/initiatives/{ids['org/a']}")
    check(events(manage(page)) == ["submit"], f"orga, in its space: the submit button: {events(manage(page))}")
    st, page = orga.get(f"/initiatives/{ids['org/b']}")
    check(st == 200 and manage(page) == "", "orga, in another space: no Manage section")
    st, page = orga.form(f"/initiatives/{ids['org/b']}/transition", {"event": "submit"})
    check(st == 403 and api.get(f"/api/initiatives/{ids['org/b']}")[1].get("state") == "draft",
          f"orga's POST in another space: refused by the use case: {st}")
    st, page = orga.form(f"/initiatives/{ids['org/a']}/transition", {"event": "submit"})
    check(st == 303 and api.get(f"/api/initiatives/{ids['org/a']}")[1].get("state") == "submitted",
          f"orga submits in its space: {st}")
finally:
    check(srv.stop() == 0, "server stops cleanly")

p = run("audit", "verify", "--db", srv.db, ok=False)
check(p.returncode == 0 and "audit log intact" in p.stdout, f"urne audit verify passes: {p.stdout} {p.stderr}")
done()
