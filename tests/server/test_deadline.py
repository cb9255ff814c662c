"""An election's entry deadline, as people write it and read it: the form's local time
(Paris) or an explicit offset is kept in UTC, pages show it worded in the reader's
language, what is not a moment is refused with the field named and nothing created,
and a sheet entered after the deadline is listed as late."""
import urllib.parse

from lib import *

text = ("# levels: commune, bureau\n"
        "commune;bureau;inscrits;votants;blancs;nuls;Claire DUVAL;Marc PEYRON\n"
        "Montval;1;1210;1005;12;8;512;473\n"
        "Ribes;1;875;640;5;5;330;300\n")


def create(admin, title, deadline):
    q = urllib.parse.urlencode({"format": "native", "title": title, "deadline": deadline})
    return admin.request("POST", "/api/elections?" + q, raw=text.encode(), content_type="text/csv")


def count_elections(client):
    st, d = client.get("/api/elections")
    return len(d) if st == 200 and isinstance(d, list) else -1


srv = Server()
admin_db(srv)
srv.start()
try:
    admin = admin_client(srv)

    # Paris time in summer (UTC+2), and the same moment written with its offset.
    st, d = create(admin, "Printemps", "2027-04-10T20:00")
    check(st == 201, f"created with a local deadline: {st} {d}")
    spring = d.get("id")
    st, d = admin.get(f"/api/elections/{spring}")
    check(d.get("deadline") == "2027-04-10T18:00:00Z", f"20:00 in Paris in April is 18:00 UTC: {d.get('deadline')}")
    st, d = create(admin, "Décalage", "2027-04-10T14:00-04:00")
    st, d = admin.get(f"/api/elections/{d.get('id')}")
    check(d.get("deadline") == "2027-04-10T18:00:00Z", f"an explicit offset is honoured: {d.get('deadline')}")

    # The bureau page words it, in each language; never the stored ISO text alone.
    st, page = srv.client().get(f"/e/{spring}/b/0?lang=fr")
    check(st == 200 and '<time datetime="2027-04-10T18:00:00Z">10 avril 2027 à 20\u00a0h\u00a000</time>' in page,
          "the French page says 10 avril 2027 à 20\u00a0h\u00a000")
    st, page = srv.client().get(f"/e/{spring}/b/0?lang=en")
    check(st == 200 and ">10 April 2027, 20:00</time>" in page, "the English page says 10 April 2027, 20:00")

    # The same moment written day first, as the form asks for it in either language.
    for written in ("10/04/2027 20:00", "10/04/2027 à 20 h 00"):
        st, d = create(admin, "Jour d'abord", written)
        st, d = admin.get(f"/api/elections/{d.get('id')}")
        check(d.get("deadline") == "2027-04-10T18:00:00Z", f"{written!r} is 18:00 UTC: {d.get('deadline')}")

    # The administrator's form asks for a local time, day first in the page's words (not
    # the browser's date control, which follows the browser's locale), and says which.
    st, page = admin.get("/admin?lang=fr")
    check(st == 200 and 'name=deadline id=deadline-new type=text' in page and 'placeholder="jj/mm/aaaa hh:mm"' in page
          and "abord, par exemple 14/06/2030 à 20\u00a0h\u00a000.</small>" in page and "heure de Paris" in page
          and "datetime-local" not in page, "the French form's deadline is a local date and time, day first")
    st, page = admin.get("/admin?lang=en")
    check(st == 200 and 'placeholder="dd/mm/yyyy hh:mm"' in page and "aria-describedby=deadline-import-hint" in page
          and "id=deadline-import-hint>Day first, e.g. 14/06/2030 20:00.</small>" in page,
          "the English form asks the same, in English")

    # Not a moment: refused, the field and the value named, nothing created.
    before = count_elections(admin)
    for bad in ("demain", "2027-02-29T20:00", "2027-04-10T25:00", "31/04/2027 20:00", "04/10/2027 8:00 PM"):
        st, d = create(admin, "Refusée", bad)
        msg = d.get("error", "") if isinstance(d, dict) else str(d)
        check(st == 422 and "deadline" in msg and bad in msg, f"deadline {bad!r} refused: {st} {d}")
    check(count_elections(admin) == before, "no election was created by the refused imports")

    # The command line refuses it the same way.
    p = run("election", "import", "--db", srv.db, "--deadline", "2027-04-31T20:00",
            os.path.join(EXAMPLES, "federation-designation.csv"), ok=False)
    check(p.returncode != 0 and "deadline" in p.stderr and "2027-04-31T20:00" in p.stderr,
          f"the command line refuses 31 April: {p.returncode} {p.stderr}")

    # A deadline passed: the sheet entered now is late, and listed so.
    st, d = create(admin, "Passée", "2020-03-01T20:00")
    past = d.get("id")
    make_users(admin, {"sec": ("secretary", 1), "com": ("commission", 1)})
    st, _ = admin.post("/api/assignments", {"user": "sec", "election": past, "first": 0})
    check(st == 200, f"bureau 0 assigned: {st}")
    sec, com = srv.client(), srv.client()
    sec.login("sec")
    com.login("com")

    def late():
        st, d = com.get(f"/api/elections/{past}/anomalies")
        return [a for a in d if a.get("kind") == "late"] if st == 200 else None

    check(late() == [], f"nothing late before an entry: {late()}")
    st, d = sec.post(f"/api/elections/{past}/bureaux/0/sheet",
                     {"inscrits": 1210, "votants": 1005, "blancs": 12, "nuls": 8, "votes": [512, 473]})
    check(st == 200, f"sheet entered: {st} {d}")
    got = late()
    check(got is not None and [a["bureau"] for a in got] == [0] and got[0].get("deadline") == "2020-03-01T19:00:00Z"
          and got[0].get("entered_at", "") > got[0]["deadline"], f"bureau 0 is late, after 19:00 UTC: {got}")
    check(got and "after the deadline of 1 March 2020, 20:00" in got[0]["message"],
          f"the API's message says it in English, in Paris time: {got}")
    st, d = com.get(f"/api/elections/{past}/anomalies?lang=fr")
    fr = [a for a in d if a.get("kind") == "late"] if st == 200 else []
    check(fr and fr[0]["message"].startswith("saisi le ")
          and fr[0]["message"].endswith(", après la date limite du 1er mars 2020 à 20\u00a0h\u00a000"),
          f"and in French with ?lang=fr: {fr}")
    st, page = com.get(f"/e/{past}/recolement?lang=fr")
    check(st == 200 and 'data-kind="late"' in page and "1er mars 2020 à 20\u00a0h\u00a000" in page,
          "the récolement page lists it, the deadline in Paris time")
finally:
    srv.stop()
done()
