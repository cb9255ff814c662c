"""A running server sees what the command line writes to its store (issue 18):
with `urne serve` running, `urne initiative create`, `urne initiative
import-roll`, `urne initiative codes`, `urne election import`, `urne admin
create` and `urne admin grant` each become visible through the server's API and
pages without a restart (polled with a generous bound: how soon is the
README's, not this test's); the server says on its standard error which
election or initiative it read again, and never for its own changes (an
initiative created, its roll, its transitions, codes made and signed through
the server's API: none of them read back); `urne audit verify` passes. On
SQLite the store's watch reads the log (store/sqlite_watch.c); on PostgreSQL
(tests/pg/run.sh) the same through its notifications (store/pg_watch.c)."""
import os
import re
import time

from lib import *

RULES = "preset = local-petition\nnational = 3\nopens = 2020-01-01\ncloses = 2099-01-01\nstop-at-threshold = no\n"
ROLL = ("nom;prenoms;naissance;commune;territoire\n"
        "Dupont;Jean Pierre;1970-03-04;Montval;Nord\n"
        "N'Diaye;Awa;02/01/1990;Lille;Nord\n"
        "Lefèvre;Élodie;1985-12-31;Arras;Pas-de-Calais\n")
BOUND = 30  # seconds: a bound no working server nears, never a measure
READ_AGAIN = re.compile(r"^urne: \S+ (election|initiative) (\d+), changed by another process, read again$")

srv = Server()
admin_db(srv)
SECRET = os.path.join(srv.dir, "authority.key")
KEY = run("initiative", "keygen", "--secret-key", SECRET).stdout.strip()
rules = os.path.join(srv.dir, "rules.txt")
open(rules, "w").write(RULES)
roll = os.path.join(srv.dir, "roll.csv")
open(roll, "w").write(ROLL)


def read_again():
    """The (what, id) the server said it read again, in order."""
    srv.log.flush()
    lines = open(os.path.join(srv.dir, "server.log"), errors="replace").read().splitlines()
    return [(m.group(1), int(m.group(2))) for m in map(READ_AGAIN.match, lines) if m]


def until(what, probe):
    """Poll probe() (a truthy answer ends it) every 50 ms up to BOUND seconds;
    check that it came, and return its last answer."""
    deadline = time.monotonic() + BOUND
    while True:
        got = probe()
        if got or time.monotonic() > deadline:
            check(got, f"{what}: seen by the running server")
            return got
        time.sleep(0.05)


def api(client, path):
    st, d = client.get(path)
    return d if st == 200 else None


srv.start()
try:
    admin = admin_client(srv)
    public = srv.client()

    # The server's own changes: an initiative, its codes, its transitions and
    # signatures, an account, all through the API; none is read back.
    make_users(admin, {"com": ("commission", 1)})
    com = srv.client()
    com.login("com", bearer=True)
    st, d = admin.post("/api/initiatives", {"title": "Piscine", "rules": RULES, "authority_key": KEY})
    check(st == 201 and d.get("id") == 1, f"the server creates initiative 1: {st} {d}")
    st, text = admin.post("/api/initiatives/1/codes", {"count": "12", "territory": "Oise"})
    codes = [r.split(",")[2] for r in text.splitlines()[1:]] if st == 200 and isinstance(text, str) else []
    check(len(codes) == 12, f"12 codes made through the server: {st}")
    admin.post("/api/initiatives/1/transition", {"event": "submit"})
    com.post("/api/initiatives/1/decision", {"decision": "admit", "reasons": "Recevable."})
    st, d = admin.post("/api/initiatives/1/transition", {"event": "open"})
    check(st == 200 and d.get("state") == "collecting", f"collecting: {st} {d}")
    signed = sum(public.post("/api/initiatives/1/signatures", {"code": c})[0] == 201 for c in codes)
    check(signed == 12, f"12 signatures through the server: {signed}")
    st, page = public.get("/initiatives")  # the list, now in the page cache
    check(st == 200 and "Piscine" in page, f"the list page: {st}")
    time.sleep(1.5)  # several of the watch's turns over the server's own changes (a wrong reload would show)
    check(read_again() == [], f"the server's own changes are not read again: {read_again()}")

    # The command line, beside the running server.
    p = run("initiative", "create", "--db", srv.db, "--user", "admin", "--title", "Marché couvert", "--rules", rules,
            "--authority-key", KEY)
    check("initiative 2 created" in p.stdout, f"the command line creates initiative 2: {p.stdout}")
    d = until("an initiative created by the command line", lambda: api(public, "/api/initiatives/2"))
    check(d and d.get("title") == "Marché couvert" and d.get("state") == "draft", f"initiative 2 as created: {d}")
    until("the list page shows it (the cached page dropped)",
          lambda: "Marché couvert" in (public.get("/initiatives")[1] or ""))

    p = run("initiative", "import-roll", "--db", srv.db, "--user", "admin", "--id", "2", roll)
    check("3 elector(s) added" in p.stdout, f"the command line imports a roll: {p.stdout}")
    until("a roll imported by the command line",
          lambda: {t["name"]: t["electors"] for t in (api(public, "/api/initiatives/2") or {}).get("territories", [])}
          == {"Nord": 2, "Pas-de-Calais": 1})

    p = run("initiative", "create", "--db", srv.db, "--user", "admin", "--title", "Lettres", "--rules", rules,
            "--authority-key", KEY)
    check("initiative 3 created" in p.stdout, f"initiative 3: {p.stdout}")
    letters = os.path.join(srv.dir, "letters.csv")
    p = run("initiative", "codes", "--db", srv.db, "--user", "admin", "--id", "3", "--count", "7", "--territory",
            "Somme", "--out", letters)
    check("7 code(s) for Somme written to" in p.stdout, f"the command line makes letter codes: {p.stdout}")
    until("letter codes made by the command line",
          lambda: {t["name"]: t["electors"] for t in (api(public, "/api/initiatives/3") or {}).get("territories", [])}
          == {"Somme": 7})
    # The letters' codes sign through the server once it opens the collection.
    admin.post("/api/initiatives/3/transition", {"event": "submit"})
    com.post("/api/initiatives/3/decision", {"decision": "admit", "reasons": "Recevable."})
    admin.post("/api/initiatives/3/transition", {"event": "open"})
    code = open(letters).read().splitlines()[1].split(",")[2].strip('"')
    st, d = public.post("/api/initiatives/3/signatures", {"code": code})
    check(st == 201 and d.get("territory") == "Somme", f"a code the command line made signs: {st} {d}")

    check(api(public, "/api/elections") == [], "no election yet")
    run("election", "import", "--db", srv.db, os.path.join(EXAMPLES, "federation-designation.csv"))
    got = until("an election imported by the command line", lambda: api(public, "/api/elections"))
    check(got and len(got) == 1 and got[0].get("id") == 1, f"election 1 listed: {got}")
    st, d = public.get("/api/elections/1")
    check(st == 200 and isinstance(d, dict), f"its page: {st}")
    until("the home page shows it", lambda: "/e/1" in (public.get("/")[1] or ""))

    run("admin", "create", "--db", srv.db, "--user", "bob", "--role", "observer", stdin=PASSWORD + "\n")
    until("an account made by the command line",
          lambda: any(u.get("name") == "bob" for u in (api(admin, "/api/users") or [])))
    bob = srv.client()
    check(bob.login("bob", bearer=True)[0] == 200, "bob logs in")
    run("admin", "grant", "--db", srv.db, "--user", "bob", "--space", "org/ville", "--role", "admin")
    until("a grant made by the command line",
          lambda: "org/ville" in str(api(admin, "/api/grants?user=bob")))

    said = read_again()
    check(("initiative", 2) in said and ("initiative", 3) in said and ("election", 1) in said,
          f"the server says what it read again: {said}")
    check(("initiative", 1) not in said and len(said) <= 5,
          f"never its own initiative; at most once per command (create, roll, create, codes, import): {said}")
    before = len(said)
    st, d = admin.post("/api/initiatives", {"title": "Encore", "rules": RULES, "authority_key": KEY})
    check(st == 201 and d.get("id") == 4, f"the server creates initiative 4: {st} {d}")
    time.sleep(1.5)
    check(len(read_again()) == before, f"the server's own change after the others' is not read again: {read_again()}")
finally:
    check(srv.stop() == 0, "server stops cleanly")

p = run("audit", "verify", "--db", srv.db, ok=False)
check(p.returncode == 0 and "audit log intact" in p.stdout, f"urne audit verify passes: {p.stdout} {p.stderr}")
done()
