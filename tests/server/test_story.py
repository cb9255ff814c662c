"""The whole récolement story, end to end, through the API: entry, double entry
disagreement, contest, freeze, decision, escalation, publication; then the audit
chain verifies, and fails on a hand-altered row and on a removed one."""
import os
import shutil

from lib import *

srv = federation_server(double_entry=True)
try:
    admin = admin_client(srv)
    make_users(admin, {"alice": ("secretary", 1), "bruno": ("secretary", 1), "com": ("commission", 1),
                       "nat": ("commission", 2)})
    for who in ("alice", "bruno"):
        st, _ = admin.post("/api/assignments", {"user": who, "election": 1, "first": 5})
        check(st == 200, f"assign Brignais to {who}")
    alice, bruno, com, nat = (srv.client() for _ in range(4))
    for c, n in ((alice, "alice"), (bruno, "bruno"), (com, "com"), (nat, "nat")):
        c.login(n)  # browser-style sessions: cookie + CSRF header

    def unit_status(level, key):
        st, d = srv.client().get(f"/api/elections/1/results?level={level}")
        return {u["key"]: u["status"] for u in d["units"]}.get(key)

    check(unit_status("federation", "Rhône") == "partial", "before entry the federation is partial")
    st, page = srv.client().get("/e/1?lang=fr")
    check("Provisoire tant que les résultats de chaque section ne sont pas tous arrivés." in page,
          "a partial result says so in French that agrees with any level's gender")

    # A sheet failing its checks is refused with the rule named, then accepted when confirmed.
    bad = {"inscrits": 90, "votants": 95, "blancs": 1, "nuls": 1, "votes": [30, 30, 33]}
    st, d = alice.post("/api/elections/1/bureaux/5/sheet", bad)
    rules = [c["rule"] for c in d.get("checks", [])]
    check(st == 422 and "votants-le-inscrits" in rules, f"votants > inscrits refused: {st} {rules}")
    st, d = alice.post("/api/elections/1/bureaux/5/sheet", bad, headers={"Accept-Language": "fr"})
    msgs = [c.get("message", "") for c in d.get("checks", [])]
    check(st == 422 and any("les votants (95) sont plus nombreux que les inscrits (90)" in m for m in msgs)
          and not any("exceed" in m for m in msgs), f"the checks' messages in the client's language: {msgs}")

    # Double entry: alice, then bruno disagrees, then bruno corrects.
    sheet = {"inscrits": 90, "votants": 61, "blancs": 1, "nuls": 1, "votes": [20, 21, 18]}
    st, d = alice.post("/api/elections/1/bureaux/5/sheet", sheet)
    check(st == 200 and d["state"] == "pending", f"first entry waits for the second: {d}")
    wrong = dict(sheet, votes=[21, 20, 18])
    st, d = bruno.post("/api/elections/1/bureaux/5/sheet", wrong)
    check(st == 200 and d["state"] == "mismatch" and "Amina BENALI: 20 / 21" in d.get("differences", ""),
          f"second entry differs, differences named: {d}")
    st, page = alice.get("/e/1/b/5?lang=en")
    check("Amina BENALI: 21 / 20" in page, "the differences are shown to the first secretary too")
    # In French, worded the French way (the figure's label, a no-break space before the colon).
    st, page = alice.get("/e/1/b/5?lang=fr")
    check("Les deux saisies diffèrent" in page and "Amina BENALI\u00a0: 21 / 20" in page
          and "Amina BENALI:" not in page, "the differences are worded in French on a French page")
    big = dict(sheet, inscrits=1500, votants=1200, votes=[600, 580, 18])
    st, d = alice.post("/api/elections/1/bureaux/5/sheet", big, headers={"Accept-Language": "fr"})
    msg = d.get("message", "") if isinstance(d, dict) else ""
    check(st == 200 and d.get("state") == "mismatch" and "Inscrits\u00a0: 90 / 1\u202f500" in msg
          and "Votants\u00a0: 61 / 1\u202f200" in msg and "\u00a0; " in msg,
          f"the API's message words the differences in French, numbers grouped: {d}")
    check("inscrits: 90 / 1500" in d.get("differences", ""), f"the API's differences stay data-like: {d}")
    st, d = alice.post("/api/elections/1/bureaux/5/sheet", sheet)
    check(st == 200 and d["state"] == "mismatch", f"alice back to her first figures: {d}")
    check(unit_status("federation", "Rhône") == "partial", "a mismatch does not count")
    st, d = bruno.post("/api/elections/1/bureaux/5/sheet", sheet)
    check(st == 200 and d["state"] == "entered", f"agreeing entries count: {d}")
    check(unit_status("federation", "Rhône") == "final", "all sheets in: final")

    # Contest two sections of the 1re circonscription: it freezes, and so does everything above.
    for b, reason in ((0, "écart de 3 voix signalé par un assesseur"), (1, "signatures manquantes au PV")):
        st, d = com.post(f"/api/elections/1/bureaux/{b}/contest", {"reason": reason})
        check(st == 200 and d["deadline"] > d["opened_at"], f"contest bureau {b}: {st} {d}")
    check(unit_status("circonscription", "Rhône/1re") == "frozen", "1re circonscription frozen")
    st, page = srv.client().get("/e/1/b/0?lang=fr")
    check('<span class="badge s-contested">contesté</span>' in page,
          "one contested bureau's badge says « contesté », not « contesté(s) »")
    check(unit_status("circonscription", "Rhône/3e") == "final", "3e circonscription untouched")
    check(unit_status("federation", "Rhône") == "frozen", "the federation is frozen, never final")
    st, d = admin.post("/api/elections/1/publish")
    check(st == 409, f"publication refused while frozen: {st} {d}")
    st, d = alice.post("/api/elections/1/bureaux/0/sheet", sheet)
    check(st in (403, 409), "nobody enters over a contested sheet")
    st, d = com.get("/api/elections/1/anomalies")
    check(st == 200, "anomalies readable by the commission")

    # Decide: correct bureau 0 (old figures kept), annul... no: validate bureau 1.
    new = {"decision": "correct", "reason": "recompte : 3 voix reportées à tort",
           "inscrits": 212, "votants": 148, "blancs": 2, "nuls": 1, "votes": [58, 55, 32]}
    st, d = com.post("/api/elections/1/disputes/1/decide", {"decision": "frobnicate", "reason": "x"},
                     headers={"Accept-Language": "fr"})
    check(st == 400 and d.get("error") == "champ «\u00a0decision\u00a0»\u00a0: attendu validate, correct, annul ou revote",
          f"an unknown decision refused in French: {st} {d}")
    st, d = com.post("/api/elections/1/disputes/1/decide", new)
    check(st == 200 and d["bureau_state"] == "validated", f"correct bureau 0: {st} {d}")
    st, d = com.post("/api/elections/1/disputes/2/decide", {"decision": "validate", "reason": "PV conforme"})
    check(st == 200, f"validate bureau 1: {st}")
    st, d = com.get("/api/elections/1/disputes")
    first = [x for x in d if x["id"] == 1][0]
    check(first["figures_before"]["votes"] == [61, 52, 32] and first["figures_after"]["votes"] == [58, 55, 32],
          "the correction keeps the old figures beside the new")
    check(unit_status("circonscription", "Rhône/1re") == "final", "decided: final again")
    st, d = srv.client().get("/api/elections/1/bureaux/0")
    check(d["figures"]["votes"] == [58, 55, 32], "the corrected figures count")

    # Escalation: the higher commission overrules the correction.
    st, d = com.post("/api/elections/1/disputes/1/escalate", {"reason": "appel de la candidate MARCHAND"})
    check(st == 200 and d["tier"] == 2, f"escalate: {st} {d}")
    check(unit_status("circonscription", "Rhône/1re") == "frozen", "escalated: frozen again")
    st, d = com.post("/api/elections/1/disputes/3/decide", {"decision": "validate", "reason": "x" * 5})
    check(st == 403, f"the first commission cannot decide the appeal: {st}")
    back = dict(new, reason="le PV d'origine fait foi", votes=[61, 52, 32])
    st, d = nat.post("/api/elections/1/disputes/3/decide", back)
    check(st == 200, f"national commission overrules: {st} {d}")
    st, d = srv.client().get("/api/elections/1/bureaux/0")
    check(d["figures"]["votes"] == [61, 52, 32] and d["state"] == "validated", "the overruling decision counts")
    st, d = com.get("/api/elections/1/anomalies")
    check(any(a["kind"] == "changed-after-validation" and a["bureau"] == 0 for a in d),
          "a change after validation is an anomaly")

    # Publication, with its digest in the audit log and on the public page.
    st, d = admin.post("/api/elections/1/publish")
    check(st == 200 and len(d["digest"]) == 64, f"publish: {st} {d}")
    digest = d["digest"]
    st, page = srv.client().get("/e/1")
    check(digest in page and "définitif" in page, "the public page shows the digest and the final state")
    st, log = admin.get("/api/audit")
    check(any(e["action"] == "election.publish" and e["after"]["digest"] == digest for e in log),
          "the audit log records the published digest")
    actions = [e["action"] for e in log]
    for a in ("sheet.enter", "bureau.contest", "dispute.decide", "bureau.escalate", "election.publish"):
        check(a in actions, f"audit has {a}")
    st, head = srv.client().get("/api/audit/head")
    check(head["seq"] == log[-1]["seq"] and head["hash"] == log[-1]["hash"], "the head is the last entry")
finally:
    check(srv.stop() == 0, "server stops cleanly")

p = run("audit", "verify", "--db", srv.db, ok=False)
check(p.returncode == 0 and "intact" in p.stdout, f"audit verifies: {p.stdout} {p.stderr}")

# Alter one row by hand (on a copy of the store, SQLite or PostgreSQL): verify names it.
seq = store_query(srv.db, "SELECT seq FROM audit WHERE action = 'dispute.decide' ORDER BY seq LIMIT 1")[0][0]
p = tampered(srv, "altered", [f"UPDATE audit SET after = replace(after, '58', '59') WHERE seq = {seq}"])
check(p.returncode == 1 and f"entry {seq} was altered" in p.stderr, f"altered row named: {p.stderr}")

# Remove one row: verify names it.
p = tampered(srv, "removed", ["DELETE FROM audit WHERE seq = 4"])
check(p.returncode == 1 and "entry 4 was removed" in p.stderr, f"removed row named: {p.stderr}")

# Remove the last row: the recorded head catches it.
p = tampered(srv, "tail", ["DELETE FROM audit WHERE seq = (SELECT max(seq) FROM audit)"])
check(p.returncode == 1 and "removed from the end" in p.stderr, f"truncated log caught: {p.stderr}")
shutil.rmtree(srv.dir, ignore_errors=True)
done()
