"""A contest of 100 candidates, beyond the 64 a sheet once held on the server:
imported from a native file, a sheet entered through the API with votes.0 to
votes.99 (form fields, as the page sends them), and the counted results read
back with every candidate's votes."""
import os

from lib import *

N = 100
names = ["Candidat %03d" % (i + 1) for i in range(N)]
first = [i % 10 for i in range(N)]          # bureau B1, imported counted
typed = [(i * 7) % 13 for i in range(N)]     # bureau B2, entered through the API
typed[N - 1] = 40                            # the last candidate leads: a lost vote would show
text = ("# election: Cent candidats\n# round: 1\n# levels: total, bureau\n"
        + "total;bureau;inscrits;votants;blancs;nuls;" + ";".join(names) + "\n"
        + "Tout;B1;1000;%d;1;2;" % (sum(first) + 3) + ";".join(map(str, first)) + "\n"
        + "Tout;B2;1000;;;;" + ";" * (N - 1) + "\n")

srv = Server()
admin_db(srv)
srv.start()
try:
    admin = srv.client()
    check(admin.login("admin", bearer=True)[0] == 200, "admin logs in")
    st, d = admin.request("POST", "/api/elections?format=native&title=cent", raw=text.encode(),
                          content_type="text/csv")
    check(st == 201, f"100 candidates imported: {st} {d}")
    eid = d.get("id") if isinstance(d, dict) else None
    st, d = srv.client().get(f"/api/elections/{eid}")
    cands = [c["name"] for c in d["contests"][0]["candidates"]] if st == 200 else []
    check(cands == names, f"every candidate kept, in order: {len(cands)}")

    make_users(admin, {"sec": ("secretary", 1), "com": ("commission", 1)})
    st, d = admin.post("/api/assignments", {"user": "sec", "election": eid, "first": 1})
    check(st == 200, f"B2 assigned: {st} {d}")
    sec = srv.client()
    check(sec.login("sec", bearer=True)[0] == 200, "the secretary logs in")

    votants = sum(typed) + 2
    form = f"inscrits=1000&votants={votants}&blancs=1&nuls=1&" + "&".join(
        f"votes.{j}={v}" for j, v in enumerate(typed))
    # One vote missing, or one too many: refused, naming the field.
    short = form.rsplit("&", 1)[0]
    st, d = sec.request("POST", f"/api/elections/{eid}/bureaux/1/sheet", raw=short.encode(),
                        content_type="application/x-www-form-urlencoded")
    check(st == 400 and "votes.99" in d.get("error", ""), f"99 votes for 100 candidates refused: {st} {d}")
    st, d = sec.request("POST", f"/api/elections/{eid}/bureaux/1/sheet", raw=(form + "&votes.100=1").encode(),
                        content_type="application/x-www-form-urlencoded")
    check(st == 400, f"101 votes for 100 candidates refused: {st} {d}")
    # A far index is refused as a gap, without allocating for it.
    st, d = sec.request("POST", f"/api/elections/{eid}/bureaux/1/sheet", raw=(form + "&votes.2000000000=1").encode(),
                        content_type="application/x-www-form-urlencoded")
    check(st == 400 and "votes.100" in d.get("error", ""), f"votes.2000000000 refused as a gap: {st} {d}")

    st, d = sec.request("POST", f"/api/elections/{eid}/bureaux/1/sheet", raw=form.encode(),
                        content_type="application/x-www-form-urlencoded")
    check(st == 200, f"the sheet of 100 votes entered: {st} {d}")

    st, d = srv.client().get(f"/api/elections/{eid}/bureaux/1")
    got = d.get("figures", {}).get("votes") if st == 200 else None
    check(got == typed, f"the bureau's figures read back whole: {st} {got}")

    st, d = srv.client().get(f"/api/elections/{eid}/results?level=total")
    check(st == 200, f"results: {st}")
    unit = d["units"][0] if st == 200 and d.get("units") else {}
    votes = {c.get("name"): c.get("voix") for c in unit.get("candidates", [])}
    want = {names[j]: first[j] + typed[j] for j in range(N)}
    check(votes == want, f"every candidate counted from both bureaux: {len(votes)} candidates, "
                         f"last {votes.get(names[-1])} (want {want[names[-1]]})")
    check(unit.get("status") == "final", f"both bureaux counted: {unit.get('status')}")
    ranking = d["outcomes"][0].get("ranking", []) if st == 200 and d.get("outcomes") else []
    check(len(ranking) == N and ranking[0]["name"] == names[-1],
          f"the 100th candidate leads the ranking: {ranking[:1]}")

    # The commission contests the sheet and corrects it: the dispute keeps both
    # figures of 100 votes.
    com = srv.client()
    check(com.login("com", bearer=True)[0] == 200, "the commission logs in")
    st, d = com.post(f"/api/elections/{eid}/bureaux/1/contest", {"reason": "une voix mal reportée"})
    check(st == 200, f"bureau B2 contested: {st} {d}")
    did = d.get("id") if isinstance(d, dict) else None
    fixed = list(typed)
    fixed[0] += 1
    corr = f"decision=correct&reason=recompté&inscrits=1000&votants={votants + 1}&blancs=1&nuls=1&" + "&".join(
        f"votes.{j}={v}" for j, v in enumerate(fixed))
    st, d = com.request("POST", f"/api/elections/{eid}/disputes/{did}/decide", raw=corr.encode(),
                        content_type="application/x-www-form-urlencoded")
    check(st == 200, f"corrected with 100 votes: {st} {d}")
    st, d = srv.client().get(f"/api/elections/{eid}/bureaux/1")
    got = d.get("figures", {}).get("votes") if st == 200 else None
    check(got == fixed, f"the corrected figures read back whole: {st}")
    st, d = com.get(f"/api/elections/{eid}/disputes")
    disp = d[0] if st == 200 and isinstance(d, list) and d else {}
    check(disp.get("figures_before", {}).get("votes") == typed and disp.get("figures_after", {}).get("votes") == fixed,
          f"the dispute keeps both figures of 100 votes: {st} {str(d)[:200]}")

    # The audit log replays the entry of 100 votes: nothing differs.
    srv.stop()
    p = run("audit", "verify", "--db", srv.db, ok=False)
    check(p.returncode == 0, f"audit verify passes: {p.returncode} {p.stdout[-400:]} {p.stderr[-400:]}")
finally:
    srv.stop()
done()
