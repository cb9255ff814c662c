"""One-time codes by letter bound to the electors of the roll (issue 18), on
either store: `urne initiative codes --roll` writes each elector's letter (name,
given names, commune, code) and keeps the code's hash on that elector's roll
entry, so that a signature by code and one in the elector's name are one (the
second TAKEN, whichever comes first); a code signs under the same age and roll
rules as a name, with the same messages; a territory has anonymous codes or
electors of the roll, never both (anonymous codes refused where the roll has
electors, signatures in a name and letters refused where anonymous codes are);
letters for an elector not on the roll, or twice, refuse the whole file and keep
nothing; the authority's export names the letter each code signature came from,
never the code; the audit chain verifies and the recount agrees."""
import json
import os

from lib import *

RULES = ("preset = local-petition\nnational = 3\nopens = 2020-01-01\ncloses = 2099-01-01\n"
         "stop-at-threshold = no\nage-min = 18\n")
ROLL = ("nom;prenoms;naissance;commune;territoire\n"
        "Dupont;Jean Pierre;1970-03-04;Montval;Nord\n"
        "Bernard;Anne;1980-05-06;Lille;Nord\n"
        "Martin;Léa;2015-02-03;Lille;Nord\n"
        "Petit;Luc;1990-07-08;Amiens;Somme\n")
OISE = "nom;prenoms;naissance;commune;territoire\nRoux;Marc;1975-01-02;Beauvais;Oise\n"

srv = Server()
admin_db(srv)
SECRET = os.path.join(srv.dir, "authority.key")
KEY = run("initiative", "keygen", "--secret-key", SECRET).stdout.strip()


def write(name, text):
    path = os.path.join(srv.dir, name)
    open(path, "w").write(text)
    return path


def create(rules):
    p = run("initiative", "create", "--db", srv.db, "--user", "admin", "--title", "Halle", "--rules",
            write("rules.txt", rules), "--authority-key", KEY)
    check(" created" in p.stdout, f"created: {p.stdout}")


def letters_of(path):
    rows = [r.split(",") for r in open(path).read().splitlines()]
    return rows[0], {r[2].strip('"') + " " + r[3].strip('"'): [f.strip('"') for f in r] for r in rows[1:]}


create(RULES)
roll = write("roll.csv", ROLL)
p = run("initiative", "import-roll", "--db", srv.db, "--user", "admin", "--id", "1", roll)
check("4 elector(s) added" in p.stdout, f"the roll: {p.stdout}")

out = os.path.join(srv.dir, "bad-letters.csv")
stranger = write("stranger.csv", ROLL.splitlines()[0] + "\nDurand;Paul;1950-01-01;Lille;Nord\n" + ROLL.splitlines()[1] + "\n")
p = run("initiative", "codes", "--db", srv.db, "--user", "admin", "--id", "1", "--roll", stranger, "--out", out,
        ok=False)
check(p.returncode == 1 and "stranger.csv:2" in p.stderr and "not on the initiative's roll" in p.stderr
      and not os.path.exists(out), f"an elector not on the roll: the file refused, no letters: {p.returncode} {p.stderr}")
p = run("initiative", "codes", "--db", srv.db, "--user", "admin", "--id", "1", "--roll", roll, "--count", "3",
        "--out", out, ok=False)
check(p.returncode == 2, f"--roll and --count together: a usage error: {p.returncode}")

letters = os.path.join(srv.dir, "letters.csv")
p = run("initiative", "codes", "--db", srv.db, "--user", "admin", "--id", "1", "--roll", roll, "--out", letters)
check("4 letter(s) for electors of the roll" in p.stdout, f"the letters: {p.stdout} {p.stderr}")
head, byname = letters_of(letters)
check(head == ["letter", "territory", "name", "given", "commune", "code"] and len(byname) == 4
      and byname["DUPONT JEAN PIERRE"][1] == "Nord" and byname["DUPONT JEAN PIERRE"][4] == "MONTVAL",
      f"a letter per elector, with names, commune and code: {head} {list(byname)}")
code = {k: v[5] for k, v in byname.items()}
p = run("initiative", "codes", "--db", srv.db, "--user", "admin", "--id", "1", "--roll", roll, "--out",
        os.path.join(srv.dir, "again.csv"), ok=False)
check(p.returncode == 1 and "has a letter already" in p.stderr and not os.path.exists(os.path.join(srv.dir, "again.csv")),
      f"letters twice for the same electors: refused: {p.stderr}")
p = run("initiative", "codes", "--db", srv.db, "--user", "admin", "--id", "1", "--count", "2", "--territory", "Nord",
        "--out", os.path.join(srv.dir, "anon.csv"), ok=False)
check(p.returncode == 1 and "territory Nord" in p.stderr and "made from the roll" in p.stderr,
      f"no anonymous codes where the roll has electors: {p.stderr}")
p = run("initiative", "codes", "--db", srv.db, "--user", "admin", "--id", "1", "--count", "2", "--territory", "Oise",
        "--out", os.path.join(srv.dir, "oise.csv"))
check("2 code(s) for Oise" in p.stdout, f"anonymous codes for a territory without a roll: {p.stdout}")
oise = [r.split(",")[2].strip('"') for r in open(os.path.join(srv.dir, "oise.csv")).read().splitlines()[1:]]
oise_roll = write("oise-roll.csv", OISE)
p = run("initiative", "import-roll", "--db", srv.db, "--user", "admin", "--id", "1", oise_roll, ok=False)
check(p.returncode == 1 and "oise-roll.csv:2: error: field 'territory': territory Oise has anonymous codes" in p.stderr
      and "[codes-anonymous]" in p.stderr and "nothing was written" in p.stderr,
      f"no elector of Oise on the roll after its codes (they could never sign in their name): {p.stderr}")
p = run("initiative", "codes", "--db", srv.db, "--user", "admin", "--id", "1", "--roll", oise_roll, "--out",
        os.path.join(srv.dir, "oise-letters.csv"), ok=False)
check(p.returncode == 1 and "territory Oise" in p.stderr and "anonymous codes" in p.stderr,
      f"no letter from the roll where anonymous codes are: {p.stderr}")

# A second initiative whose rules ask for the roll of Nord.
create(RULES + "roll = Nord\n")
run("initiative", "import-roll", "--db", srv.db, "--user", "admin", "--id", "2", roll)
letters2 = os.path.join(srv.dir, "letters2.csv")
run("initiative", "codes", "--db", srv.db, "--user", "admin", "--id", "2", "--roll", roll, "--out", letters2)
code2 = {k: v[5] for k, v in letters_of(letters2)[1].items()}

# A file of more letters than one batch (2,000) whose last line is refused: the
# batches stored before it are taken back, and the same file without that line
# then makes every letter.
create(RULES)
def word(i):
    return "".join("abcdefghijklmnopqrstuvwxyz"[(i // 26 ** k) % 26] for k in range(3))


many = "".join(f"Nom{word(i)};Prenom;1960-01-01;Laon;Aisne\n" for i in range(2100))
big = write("big.csv", "nom;prenoms;naissance;commune;territoire\n" + many)
run("initiative", "import-roll", "--db", srv.db, "--user", "admin", "--id", "3", big)
bad = write("big-bad.csv", "nom;prenoms;naissance;commune;territoire\n" + many + "Inconnu;Paul;1960-01-01;Laon;Aisne\n")
out3 = os.path.join(srv.dir, "letters3.csv")
p = run("initiative", "codes", "--db", srv.db, "--user", "admin", "--id", "3", "--roll", bad, "--out", out3, ok=False)
check(p.returncode == 1 and "big-bad.csv:2102" in p.stderr and not os.path.exists(out3),
      f"the last line of the third batch refused: nothing kept: {p.returncode} {p.stderr[-300:]}")
p = run("initiative", "codes", "--db", srv.db, "--user", "admin", "--id", "3", "--roll", big, "--out", out3)
check("2100 letter(s)" in p.stdout and len(open(out3).read().splitlines()) == 2101,
      f"the first batches were taken back: every letter made again: {p.stdout} {p.stderr[-300:]}")

srv.start()
try:
    admin = admin_client(srv)
    make_users(admin, {"com": ("commission", 1)})
    com = srv.client()
    com.login("com", bearer=True)
    for i in (1, 2, 3):
        admin.post(f"/api/initiatives/{i}/transition", {"event": "submit"})
        com.post(f"/api/initiatives/{i}/decision", {"decision": "admit", "reasons": "Recevable."})
        st, d = admin.post(f"/api/initiatives/{i}/transition", {"event": "open"})
        check(st == 200 and d.get("state") == "collecting", f"initiative {i} collecting: {st} {d}")
    public = srv.client()
    dupont = {"name": "Dupont", "given": "Jean Pierre", "birth": "1970-03-04", "commune": "Montval"}
    bernard = {"name": "Bernard", "given": "Anne", "birth": "1980-05-06", "commune": "Lille"}
    st, d = public.post("/api/initiatives/1/signatures", {"code": code["DUPONT JEAN PIERRE"]})
    check(st == 201 and d.get("territory") == "Nord", f"Dupont signs with his letter: {st} {d}")
    st, d = public.post("/api/initiatives/1/signatures", dupont)
    check(st == 409 and d.get("rule") == "already-signed", f"then in his name: TAKEN, not counted: {st} {d}")
    st, d = public.post("/api/initiatives/1/signatures", bernard)
    check(st == 201, f"Bernard signs in her name: {st} {d}")
    st, d = public.post("/api/initiatives/1/signatures", {"code": code["BERNARD ANNE"]})
    check(st == 409 and d.get("rule") == "code-used" and "signed in their name" in d.get("error", ""),
          f"then with her letter: TAKEN, not counted, told why: {st} {d}")
    st, d = public.post("/api/initiatives/1/signatures", {"code": code["MARTIN LEA"]})
    st2, d2 = public.post("/api/initiatives/1/signatures",
                          {"name": "Martin", "given": "Léa", "birth": "2015-02-03", "commune": "Lille"})
    check(st == 400 and d.get("rule") == "under-age" and d.get("field") == "birth" and st2 == 400
          and d2.get("error") == d.get("error"), f"a minor's letter: refused as her name is: {st} {d} / {d2}")
    st, d = public.post("/api/initiatives/1/signatures", {"code": oise[0]})
    check(st == 201 and d.get("territory") == "Oise", f"an anonymous code of Oise signs: {st} {d}")
    st, d = public.post("/api/initiatives/1/signatures",
                        {"name": "Roux", "given": "Marc", "birth": "1975-01-02", "commune": "Beauvais"})
    check(st == 400 and d.get("rule") == "not-on-roll",
          f"no signature in a name where anonymous codes are (the roll refused Roux): {st} {d}")
    st, d = public.post("/api/initiatives/2/signatures", {"code": code2["PETIT LUC"]})
    st2, d2 = public.post("/api/initiatives/2/signatures",
                          {"name": "Petit", "given": "Luc", "birth": "1990-07-08", "commune": "Amiens"})
    check(st == 400 and d.get("rule") == "other-roll" and st2 == 400 and d2.get("error") == d.get("error"),
          f"a letter of Somme where the rules ask Nord's roll: refused as the name is: {st} {d} / {d2}")
    st, d = public.post("/api/initiatives/2/signatures", {"code": code2["BERNARD ANNE"]})
    check(st == 201, f"Nord's letter signs initiative 2: {st} {d}")
    st, d = public.post("/api/initiatives/2/signatures", {"code": code["DUPONT JEAN PIERRE"]})
    check(st == 400 and d.get("rule") == "unknown-code", f"a letter of initiative 1 is no code of 2: {st} {d}")
    st, d = public.get("/api/initiatives/1")
    check(d.get("signatures") == 3, f"three signatures on 1 (Dupont, Bernard, Oise): {d.get('signatures')}")
finally:
    check(srv.stop() == 0, "server stops cleanly")

p = run("initiative", "export", "--db", srv.db, "--id", "1", "--secret-key", SECRET)
rows = p.stdout.splitlines()
check(rows[0] == "id,territory,signed_at,marks,invalid,letter,name,given,birth,commune", f"the header: {rows[0]}")
dup = [r for r in rows if "DUPONT" in r]
ber = [r for r in rows if "BERNARD" in r]
check(len(dup) == 1 and byname["DUPONT JEAN PIERRE"][0] in dup[0] and len(ber) == 1 and ',"",' in ber[0]
      and not any(c in p.stdout for c in list(code.values()) + oise),
      f"the export names Dupont's letter, none for Bernard's signature in her name, never a code: {rows}")
p = run("audit", "verify", "--db", srv.db, ok=False)
check(p.returncode == 0 and "audit log intact" in p.stdout, f"urne audit verify passes: {p.stdout} {p.stderr}")
p = run("initiative", "recount", "--db", srv.db, "--id", "1")
check("3 valid signature(s)" in p.stdout, f"recount: {p.stdout}")
done()
