"""A European Citizens' Initiative on a store (issue 18): the member states'
seats come with the rules (`seats Malta = 6`), so that each state's minimum
(seats x 720, or x 2 here to keep the numbers small) is known on the counter page,
in the counts' CSV and at the close.

- Rules per seat or given without any territory's figure are refused at creation
  (`territory-figures`), in English and French; a figure of the wrong kind
  (`figure-unused`) names its line and field.
- examples/initiative-eci.txt (the 27 states, their seats 2024-2029) is accepted
  by the API; its counter page lists every state with its minimum (Germany 69,120,
  Malta 4,320) before any roll.
- A scaled ECI created from a rules file by `urne initiative create`: a roll line
  of a state the rules give no seats is refused, naming it, nothing written; the
  roll of three states imported (anonymous codes refused for a state without
  seats, made for one with); signatures; the counter page's territories table
  and counts.csv give each state's minimum; the JSON says reached only when the
  national count and the states at their minimum are both there (exactly, not one
  short); two such initiatives closed after their window: exactly at the minimums
  -> reached, one state one signature short -> expired; `urne audit verify` passes."""
import calendar
import os
import re
import time

from lib import *

KEY = "22" * 32


def moment(t):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


# Scaled: 2 signatures a seat, 10 in all, 2 states of the 4 the rules name.
# The window ends during the test: the close is asked after it. What comes before
# takes some 2.5 s (about 8 s under the sanitizers); the rest is waited for.
CLOSES = int(time.time()) + 20
SCALED = ("preset = eci\nnational = 10\nterritory = 2 per-seat\nterritories = 2\n"
          f"opens = 2020-01-01\ncloses = {moment(CLOSES)}\nstop-at-threshold = no\n"
          "seats Malta = 2\nseats Luxembourg = 1\nseats Estonia = 3\nseats Cyprus = 1\n")
GIVEN = ["Anne", "Paul", "Marie", "Jean", "Luc", "Eva"]


def roll(states):
    """A roll of electors per state: {state: n} -> CSV lines."""
    return "".join(f"Borg,{GIVEN[k]},1970-01-0{k + 1},{state}town,{state}\n"
                   for state, n in states.items() for k in range(n))


srv = Server()
admin_db(srv)
rules_file = os.path.join(srv.dir, "eci.txt")
with open(rules_file, "w") as f:
    f.write(SCALED)
for title in ("ECI exactly", "ECI one short"):  # before the server starts: it loads them
    run("initiative", "create", "--db", srv.db, "--user", "admin", "--title", title, "--rules", rules_file,
        "--authority-key", KEY)
srv.start()
try:
    admin = admin_client(srv)
    public = srv.client()

    # -- refusals at creation --
    for rules, what in (("preset = eci\nopens = 2026-01-01\n", "the preset alone"),
                        ("preset = territories\nterritory = given\nopens = 2026-01-01\n", "given, and no minimum")):
        st, d = admin.post("/api/initiatives", {"title": "ECI", "rules": rules, "authority_key": KEY})
        check(st == 400 and d.get("field") == "rules" and d.get("rule") == "territory-figures"
              and "seats Malta = 6" in d.get("error", ""), f"{what}: refused, saying the line to add: {st} {d}")
    st, d = admin.post("/api/initiatives", {"title": "ECI", "rules": "preset = eci\nopens = 2026-01-01\n",
                                            "authority_key": KEY}, headers={"Accept-Language": "fr"})
    check(st == 400 and "sièges Malta" not in d.get("error", "") and "seats Malta = 6" in d.get("error", "")
          and "\u00a0" in d.get("error", ""), f"in French, the rules' words kept: {st} {d}")
    st, d = admin.post("/api/initiatives", {"title": "ECI", "rules": "preset = eci\nopens = 2026-01-01\n"
                                            "minimum Malta = 4320\n", "authority_key": KEY})
    check(st == 400 and d.get("rule") == "rules" and "Malta" in d.get("error", "")
          and [(e["line"], e["field"], e["rule"]) for e in d.get("errors", [])] == [(0, "minimum Malta",
                                                                                     "figure-unused")],
          f"a minimum under rules per seat: refused, naming the state, its field and rule: {st} {d}")
    st, d = admin.post("/api/initiatives", {"title": "ECI", "rules": "preset = eci\nopens = 2026-01-01\n"
                                            "seats Malta = 6\nseats Malta = 7\nseats = 3\n", "authority_key": KEY})
    check(st == 400 and [(e["line"], e["field"], e["rule"]) for e in d.get("errors", [])]
          == [(4, "seats Malta", "key-repeated"), (5, "seats", "territory-name")],
          f"every faulty line named: {st} {d}")

    # -- the real ECI: 27 states, each with its minimum, before any roll --
    with open(os.path.join(EXAMPLES, "initiative-eci.txt")) as f:
        eci = f.read()
    st, d = admin.post("/api/initiatives", {"title": "Real ECI", "rules": eci, "authority_key": KEY})
    check(st == 201 and d.get("id") == 3, f"examples/initiative-eci.txt: created: {st} {d}")
    real = d.get("id", 3)
    st, d = public.get(f"/api/initiatives/{real}")
    states = {t["name"]: t for t in d.get("territories", [])} if st == 200 else {}
    check(len(states) == 27 and states.get("Germany", {}).get("minimum") == 69120
          and states.get("Malta", {}).get("minimum") == 4320 and d.get("threshold") == 1000000,
          f"its 27 states and their minimums: {st} {len(states)} {states.get('Germany')}")
    st, page = public.get(f"/initiatives/{real}?lang=en")
    check(st == 200 and re.search(r"<td>Germany</td>.*?69,120", page, re.S) is not None
          and re.search(r"<td>Malta</td>.*?4,320", page, re.S) is not None,
          f"the counter page's table gives each state's minimum: {st}")
    out = run("initiative", "rules", "--rules", os.path.join(EXAMPLES, "initiative-eci.txt"))
    check("  Germany: 96 seats, a minimum of 69,120" in out.stdout, f"`urne initiative rules` lists them: {out.stdout}")

    # -- the scaled ECIs, created from the file: a roll line of a state without seats --
    st, d = admin.post("/api/initiatives/1/roll", {"csv": "name,given,birth,commune,territory\n"
                                                   + roll({"Malta": 1}) + "Borg,Anne,1970-01-01,Rome,Italy\n"})
    check(st == 400 and d.get("rule") == "file" and any(
        c.get("line") == 3 and c.get("rule") == "territory-figures" and "Italy" in c.get("message", "")
        and "seats Italy = N" in c.get("message", "") for c in d.get("errors", [])),
        f"a state the rules give no seats: refused, naming its line: {st} {d}")
    st, d = public.get("/api/initiatives/1")
    check(st == 200 and sum(t["electors"] for t in d.get("territories", [])) == 0, f"nothing written: {d}")

    st, d = admin.post("/api/initiatives/1/codes", {"territory": "Italy", "count": 2})
    check(st == 400 and d.get("field") == "territory" and d.get("rule") == "territory-figures",
          f"anonymous codes for a state the rules give no seats: refused: {st} {d}")
    st, d = admin.post("/api/initiatives/1/codes", {"territory": "Cyprus", "count": 1})
    check(st == 200 and d.count("\n") == 2 and ",Cyprus," in d, f"for a state they name: made: {st} {d}")

    electors = {"Malta": 5, "Luxembourg": 3, "Estonia": 6}  # minimums 4, 2, 6; Cyprus 2, no roll
    coms = {}
    for n in (1, 2):
        make_users(admin, {f"com{n}": ("commission", 1)})
        com = Client(srv.port)
        com.login(f"com{n}", bearer=True)
        coms[n] = com
        st, d = admin.post(f"/api/initiatives/{n}/roll", {"csv": "name,given,birth,commune,territory\n"
                                                          + roll(electors)})
        check(st == 200 and d.get("electors") == 14, f"initiative {n}: its roll of 14: {st} {d}")
        for who, path, body in ((admin, "transition", {"event": "submit"}), (com, "decision", {"decision": "admit"}),
                                (admin, "transition", {"event": "open"})):
            st, d = who.post(f"/api/initiatives/{n}/{path}", body)
            check(st == 200, f"initiative {n}: {body}: {st} {d}")

    def sign(n, state, k):
        st, d = public.post(f"/api/initiatives/{n}/signatures", {"name": "Borg", "given": GIVEN[k],
                                                                 "birth": f"1970-01-0{k + 1}",
                                                                 "commune": f"{state}town"})
        check(st == 201, f"initiative {n}: {GIVEN[k]} of {state} signs: {st} {d}")

    def counts(n, signatures):
        """The counts of initiative n once they show that many signatures (the
        page cache keeps them a second at most), or the last seen."""
        for _ in range(40):
            st, d = public.get(f"/api/initiatives/{n}")
            if st != 200 or d.get("signatures") == signatures:
                break
            time.sleep(0.1)
        return st, d

    # 1: Malta 4 (its minimum), Luxembourg 2 (its minimum), Estonia 3: 9 in all, one short nationally.
    for state, count in (("Malta", 4), ("Luxembourg", 2), ("Estonia", 3)):
        for k in range(count):
            sign(1, state, k)
    st, d = counts(1, 9)
    by = {t["name"]: t for t in d.get("territories", [])}
    check(st == 200 and d.get("signatures") == 9 and d.get("threshold") == 10 and d.get("reached") is False
          and by.get("Malta", {}).get("reached") is True and by.get("Luxembourg", {}).get("reached") is True
          and by.get("Estonia", {}).get("reached") is False and by.get("Cyprus", {}).get("minimum") == 2
          and by.get("Cyprus", {}).get("electors") == 1,
          f"two states at their minimum, one signature short nationally: not reached: {d}")
    sign(1, "Estonia", 3)
    st, d = counts(1, 10)
    check(st == 200 and d.get("signatures") == 10 and d.get("reached") is True and d.get("state") == "collecting",
          f"the tenth: reached (collecting until the window's end): {d}")
    # 2: Malta 4, Luxembourg 1 (one short of its 2), Estonia 5: 10 in all, one state at its minimum.
    for state, count in (("Malta", 4), ("Luxembourg", 1), ("Estonia", 5)):
        for k in range(count):
            sign(2, state, k)
    st, d = counts(2, 10)
    check(st == 200 and d.get("signatures") == 10 and d.get("reached") is False,
          f"10 in all, but Luxembourg one short: not reached: {d}")

    for lang, words in (("en", ("Minimum", "Reached", "yes", "no", "Luxembourg")),
                        ("fr", ("Minimum", "Atteint", "oui", "non", "Luxembourg"))):
        st, page = public.get(f"/initiatives/2?lang={lang}")
        start = page.find("<table class=stack><caption>" + ("Territories" if lang == "en" else "Territoires"))
        table = page[start:page.find("</table>", start)] if st == 200 and start >= 0 else ""
        rows = dict(re.findall(r"<tr><td>(\w+)</td>(.*?)</tr>", table))
        check(all(w in table for w in words) and re.search(r">2 <progress", rows.get("Luxembourg", "")) is not None
              and re.search(r">6 <progress", rows.get("Estonia", "")) is not None, f"{lang}: the table: {table}")
    st, csv = public.get("/api/initiatives/2/counts.csv")
    check(st == 200 and "Luxembourg,3,1,2,no" in csv and "Malta,5,4,4,yes" in csv and "Cyprus,0,0,2,no" in csv
          and "Estonia,6,5,6,no" in csv,
          f"counts.csv gives the minimums: {csv}")

    # -- the close, after the window: exactly there -> reached; one short -> expired --
    st, d = admin.post("/api/initiatives/1/transition", {"event": "close"})
    early = time.time() < CLOSES
    check(not early or (st == 409 and d.get("rule") == "still-open"), f"no close before the window's end: {st} {d}")
    while time.time() < CLOSES + 1:
        time.sleep(0.5)
    st, d = admin.post("/api/initiatives/1/transition", {"event": "close"})
    check(st == 200 and d.get("state") == "reached", f"closed exactly at the minimums: reached: {st} {d}")
    st, d = admin.post("/api/initiatives/2/transition", {"event": "close"})
    check(st == 200 and d.get("state") == "expired", f"closed with a state one short: expired: {st} {d}")
finally:
    srv.stop()

out = run("audit", "verify", "--db", srv.db, ok=False)
check(out.returncode == 0, f"audit verify: {out.stdout} {out.stderr}")
srv.start()
try:
    st, d = srv.client().get("/api/initiatives/2")
    by = {t["name"]: t for t in d.get("territories", [])}
    check(st == 200 and d.get("state") == "expired" and by.get("Luxembourg", {}).get("minimum") == 2
          and len(by) == 4, f"after a restart, the same: {d}")
finally:
    srv.stop()
done()
