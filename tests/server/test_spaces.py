"""Roles held per space: two elections, in org/a and org/b. An account granted the
commission in org/a contests and decides in election A and gets 403 in B; a
secretary granted in org/b is assigned and enters B's bureaux, not A's; an
administrator grants and takes back (the grant stops holding at once); an
administrator of org/a grants in org/a and its elections only, and sees only
those grants; spaces nest (a grant in org/a holds in org/a/nord, never in
org/ab); a non-administrator cannot grant; a bad space name is 400 naming the field; then
`urne audit verify` passes on the database."""
import os

from lib import *

FED = os.path.join(EXAMPLES, "federation-designation.csv")
srv = Server()
admin_db(srv)
run("election", "import", "--db", srv.db, "--space", "org/a", "--title", "A", FED)
run("election", "import", "--db", srv.db, "--space", "org/b", "--title", "B", FED)
run("election", "import", "--db", srv.db, "--space", "org/a/nord", "--title", "A Nord", FED)
run("election", "import", "--db", srv.db, "--space", "org/ab", "--title", "AB", FED)
p = run("election", "import", "--db", srv.db, "--space", "Org/B", FED, ok=False)
check(p.returncode != 0 and "space" in p.stderr, f"the command line refuses a bad space: {p.returncode} {p.stderr}")
srv.start()
try:
    admin = srv.client()
    admin.login("admin", bearer=True)
    st, els = admin.get("/api/elections")
    check(st == 200 and [e["space"] for e in els] == ["org/a", "org/b", "org/a/nord", "org/ab"], f"elections in their spaces: {els}")
    # Accounts whose site-wide role gives them no récolement right.
    make_users(admin, {"coma": ("observer", 1), "secb": ("observer", 1), "plain": ("secretary", 1)})
    coma, secb, plain = srv.client(), srv.client(), srv.client()
    for c, n in ((coma, "coma"), (secb, "secb"), (plain, "plain")):
        check(c.login(n, bearer=True)[0] == 200, f"{n} logs in")

    # Before any grant: the observer may not contest anywhere.
    st, d = coma.post("/api/elections/1/bureaux/0/contest", {"reason": "écart signalé"})
    check(st == 403, f"no grant yet: 403, got {st} {d}")

    # A non-administrator cannot grant.
    st, d = plain.post("/api/grants", {"user": "plain", "space": "org/a", "role": "admin"})
    check(st == 403, f"a secretary cannot grant: {st} {d}")
    st, d = coma.post("/api/grants", {"user": "coma", "space": "org/a", "role": "commission"})
    check(st == 403, f"an observer cannot grant: {st} {d}")

    # Bad input names its field.
    for space in ("Org/A", "org/a b", "x" * 96, ""):
        st, d = admin.post("/api/grants", {"user": "coma", "space": space, "role": "commission"})
        check(st == 400 and "space" in d.get("error", ""), f"bad space {space[:20]!r}: 400 naming the field: {st} {d}")
    st, d = admin.post("/api/grants", {"user": "coma", "space": "org/a", "role": "emperor"})
    check(st == 400 and "role" in d.get("error", ""), f"bad role: {st} {d}")
    st, d = admin.post("/api/grants", {"user": "coma", "space": "org/a", "role": "commission", "tier": "3"})
    check(st == 400 and "tier" in d.get("error", ""), f"bad tier: {st} {d}")
    st, d = admin.post("/api/grants", {"user": "nobody", "space": "org/a", "role": "commission"})
    check(st == 404, f"unknown user: {st} {d}")

    # The grants.
    st, d = admin.post("/api/grants", {"user": "coma", "space": "org/a", "role": "commission", "tier": 1})
    check(st == 200 and d.get("space") == "org/a" and d.get("replaced") is False, f"grant coma: {st} {d}")
    st, d = admin.post("/api/grants", {"user": "secb", "space": "org/b", "role": "secretary"})
    check(st == 200, f"grant secb: {st} {d}")
    st, d = admin.get("/api/grants?user=coma")
    check(st == 200 and d.get("grants") == [{"space": "org/a", "role": "commission", "tier": 1}],
          f"coma's grants: {st} {d}")

    # The commission of org/a: election A yes, election B no.
    st, d = coma.post("/api/elections/1/bureaux/0/contest", {"reason": "écart signalé"})
    check(st == 200, f"commission in org/a contests in A: {st} {d}")
    st, d = coma.post("/api/elections/2/bureaux/0/contest", {"reason": "écart signalé"})
    check(st == 403, f"commission in org/a contests in B: 403, got {st} {d}")
    st, d = coma.post("/api/elections/3/bureaux/0/contest", {"reason": "écart signalé"})
    check(st == 200, f"commission in org/a contests in org/a/nord, nested in it: {st} {d}")
    st, d = coma.post("/api/elections/4/bureaux/0/contest", {"reason": "écart signalé"})
    check(st == 403, f"commission in org/a contests in org/ab, a name that merely begins the same: {st} {d}")
    st, d = coma.post("/api/elections/1/disputes/1/decide", {"decision": "validate", "reason": "le PV fait foi"})
    check(st == 200, f"commission in org/a decides in A: {st} {d}")
    st, d = coma.get("/api/elections/1/disputes")
    check(st == 200, f"and reads A's disputes: {st}")

    # The secretary of org/b: assigned in B, enters there; A is not theirs.
    st, d = admin.post("/api/assignments", {"user": "secb", "election": 2, "first": 5})
    check(st == 200, f"assign a bureau of B to secb: {st} {d}")
    st, d = admin.post("/api/assignments", {"user": "secb", "election": 1, "first": 5})
    check(st == 409, f"secb is no secretary in A: 409, got {st} {d}")
    sheet = {"inscrits": 90, "votants": 61, "blancs": 1, "nuls": 1, "votes": [20, 21, 18]}
    st, d = secb.post("/api/elections/2/bureaux/5/sheet", sheet)
    check(st == 200 and d.get("state") == "entered", f"secretary in org/b enters in B: {st} {d}")
    st, d = secb.post("/api/elections/1/bureaux/5/sheet", sheet)
    check(st == 403, f"secretary in org/b enters in A: 403, got {st} {d}")
    st, d = secb.post("/api/elections/2/bureaux/0/contest", {"reason": "écart signalé"})
    check(st == 403, f"secretary in org/b may not contest in B: {st} {d}")

    # Replaced, then taken back: it stops holding at once.
    st, d = admin.post("/api/grants", {"user": "coma", "space": "org/a", "role": "commission", "tier": 2})
    check(st == 200 and d.get("replaced") is True, f"grant replaced: {st} {d}")
    st, d = plain.post("/api/grants/delete", {"user": "coma", "space": "org/a"})
    check(st == 403, f"a secretary cannot take a grant back: {st} {d}")
    st, d = admin.post("/api/grants/delete", {"user": "coma", "space": "org/a"})
    check(st == 200, f"take back coma's grant: {st} {d}")
    st, d = admin.post("/api/grants/delete", {"user": "coma", "space": "org/a"})
    check(st == 409 and d.get("error") == "no grant in 'org/a' to take back", f"nothing left to take back: {st} {d}")
    st, d = admin.request("POST", "/api/grants/delete", body={"user": "coma", "space": "org/a"},
                          headers={"Accept-Language": "fr"})
    check(st == 409 and d.get("error") == "aucun rôle dans «\u00a0org/a\u00a0» à retirer", f"the same in French: {st} {d}")
    st, d = coma.post("/api/elections/1/bureaux/1/contest", {"reason": "écart signalé"})
    check(st == 403, f"after the grant is taken back: 403, got {st} {d}")

    st, log = admin.get("/api/audit")
    acts = [e["action"] for e in log]
    check(acts.count("user.grant") == 3 and acts.count("user.ungrant") == 1, f"grants in the log: {acts}")
    ungrant = [e for e in log if e["action"] == "user.ungrant"]
    check(ungrant and ungrant[0]["before"] == {"space": "org/a", "role": "commission", "tier": 2},
          f"the ungrant records the grant taken back: {ungrant}")

    # An administrator of org/a grants in org/a and its elections, nowhere else,
    # and sees only the grants it administers.
    make_users(admin, {"adma": ("observer", 1)})
    st, d = admin.post("/api/grants", {"user": "adma", "space": "org/a", "role": "admin"})
    check(st == 200, f"adma administers org/a: {st} {d}")
    adma = srv.client()
    check(adma.login("adma", bearer=True)[0] == 200, "adma logs in")
    for space, want in (("org/a", 200), ("election/1", 200), ("org/a/nord", 200), ("election/3", 200),
                        ("org/b", 403), ("election/2", 403), ("org/ab", 403), ("election/4", 403),
                        ("org", 403), ("election/99", 403), ("Org/A", 403)):
        st, d = adma.post("/api/grants", {"user": "coma", "space": space, "role": "commission"})
        check(st == want, f"org/a's administrator grants in {space}: {want}, got {st} {d}")
    st, d = coma.post("/api/elections/1/bureaux/2/contest", {"reason": "écart signalé"})
    check(st == 200, f"the commission granted by org/a's administrator contests in A: {st} {d}")
    st, d = adma.get("/api/grants?user=coma")
    check(st == 200 and sorted(g["space"] for g in d.get("grants", [])) == ["election/1", "election/3", "org/a", "org/a/nord"],
          f"adma sees coma's grants in org/a: {st} {d}")
    st, d = adma.get("/api/grants?user=secb")
    check(st == 200 and d.get("grants") == [], f"adma does not see secb's grant in org/b: {st} {d}")
    st, d = admin.get("/api/grants?user=secb")
    check(st == 200 and len(d.get("grants", [])) == 1, f"the site's administrator does: {st} {d}")
    st, d = adma.post("/api/grants/delete", {"user": "secb", "space": "org/b"})
    check(st == 403, f"adma cannot take back a grant in org/b: {st} {d}")
    for space in ("election/1", "election/3", "org/a", "org/a/nord"):
        st, d = adma.post("/api/grants/delete", {"user": "coma", "space": space})
        check(st == 200, f"adma takes back coma's grant in {space}: {st} {d}")
    st, d = coma.post("/api/grants", {"user": "coma", "space": "org/a", "role": "admin"})
    check(st == 403, f"a commission member of nowhere cannot grant: {st} {d}")
    st, d = adma.post("/api/users", {"name": "intrus", "password": "a-long-password-1", "role": "admin"})
    check(st == 403, f"org/a's administrator creates no account over the site: {st} {d}")
    st, d = adma.post("/admin/grants", {"user": "coma", "space": "org/a", "role": "commission"})
    check(st == 403, f"the administration page's forms stay the site's: {st}")
finally:
    check(srv.stop() == 0, "server stops cleanly")

# The command line grants too.
p = run("admin", "grant", "--db", srv.db, "--user", "plain", "--space", "org/b", "--role", "commission", ok=False)
check(p.returncode == 0, f"urne admin grant: {p.returncode} {p.stderr}")
p = run("admin", "grant", "--db", srv.db, "--user", "plain", "--space", "org/B", "--role", "commission", ok=False)
check(p.returncode != 0 and "space" in p.stderr, f"urne admin grant refuses a bad space: {p.stderr}")

p = run("audit", "verify", "--db", srv.db, ok=False)
check(p.returncode == 0 and "audit log intact" in p.stdout and "the stored state matches the log" in p.stdout
      and "not compared:" not in p.stdout, f"verify after grants: {p.returncode} {p.stdout} {p.stderr}")
check("3 grant(s) compared" in p.stdout, f"the grants are compared: {p.stdout}")

# Grants changed behind the log's back, each on a copy: verify names them.
check_tampered(srv, (
        ("a tier raised", "UPDATE grants SET tier = 2 WHERE space = 'org/b' AND user_id = 3",
         "grant in: org/b: stored secretary, tier 2, logged secretary, tier 1"),
        ("a grant added", "INSERT INTO grants VALUES (2, 'org/b', 'admin', 1)",
         "grant in: org/b: stored admin, tier 1, logged (no row)"),
        ("a grant removed", "DELETE FROM grants WHERE user_id = 4",
         "grant in: org/b: stored (no row), logged commission, tier 1"),
        ("an election moved to another space", "UPDATE elections SET space = 'org/b' WHERE id = 1",
         "election 1: space: stored \"org/b\", logged \"org/a\"")))
done()
