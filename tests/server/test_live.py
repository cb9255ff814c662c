"""The results of every level are kept up to date sheet by sheet (app/results_live.c):
after entries, contests, corrections and annulments, each level's JSON must be the
very bytes a server that has just loaded the same store writes from scratch, and
so must every unit's results page and procès-verbal, which read the same kept
levels (the units below with their states, the bureaux not counted, the outcome
from the kept sums). Three
elections: a partial one on three levels (missing sections, their warnings), one
with the blank vote recognised, one weighing colleges."""
import http.client
import json
import os
import urllib.parse

from lib import *


def read_all(srv, eid, levels):
    out = {}
    for lv in levels:
        c = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=60)
        c.request("GET", f"/api/elections/{eid}/results?level={lv}")
        r = c.getresponse()
        body = r.read().decode()
        c.close()
        check(r.status == 200, f"election {eid} level {lv}: {r.status}")
        out[lv] = body
    return out


def unit_keys(srv, eid, levels):
    return {lv: [u["key"] for u in json.loads(read_all(srv, eid, [lv])[lv])["units"]] for lv in levels}


def read_pages(srv, eid, keys):
    """Every unit's results page and procès-verbal at each level, read anonymously."""
    out = {}
    for lv, units in keys.items():
        c = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=60)
        for key in units:
            for page in ("", "/pv"):
                path = f"/e/{eid}{page}?level={lv}&unit={urllib.parse.quote(key)}"
                c.request("GET", path, headers={"Accept-Language": "fr"})
                r = c.getresponse()
                out[path] = (r.status, r.read().decode())
        c.close()
    check(all(st == 200 for st, _ in out.values()), f"election {eid}: every unit's page answers")
    return out


srv = Server()
admin_db(srv)
srv.start()
files = {"federation-designation.csv": ["federation", "circonscription", "section", "0"],
         "blank-majority.csv": ["commune", "bureau"], "coop-assembly.csv": ["assemblee", "college"]}
ids = {}
try:
    admin = srv.client()
    admin.login("admin", bearer=True)
    make_users(admin, {"sec": ("secretary", 1), "com": ("commission", 2)})
    for name in files:
        text = open(os.path.join(EXAMPLES, name), "rb").read()
        st, d = admin.request("POST", "/api/elections?format=native", raw=text, content_type="text/csv")
        check(st == 201, f"{name} imported: {st} {d}")
        ids[name] = d.get("id")
        n = admin.get(f"/api/elections/{ids[name]}")[1]["bureaux"]
        st, d = admin.post("/api/assignments", {"user": "sec", "election": ids[name], "first": 0, "last": n - 1})
        check(st == 200, f"assigned: {st} {d}")
    keys = {name: unit_keys(srv, ids[name], levels) for name, levels in files.items()}
    # Started again, so that nothing is kept yet; then the pages of every election
    # are read first, and the API's report of two of them: blank-majority's levels
    # are kept for its pages alone (no JSON), the others' for both.
    srv.stop()
    srv.start()
    admin = srv.client()
    admin.login("admin", bearer=True)
    first_pages = {name: read_pages(srv, ids[name], keys[name]) for name in files}
    for name in ("federation-designation.csv", "coop-assembly.csv"):
        read_all(srv, ids[name], files[name])  # every level kept from now on
    sec = srv.client()
    sec.login("sec", bearer=True)
    com = srv.client()
    com.login("com", bearer=True)
    fed = ids["federation-designation.csv"]
    st, e = admin.get(f"/api/elections/{fed}")
    missing = [i for i in range(e["bureaux"]) if com.get(f"/api/elections/{fed}/bureaux/{i}")[1]["state"] == "missing"]
    check(missing != [], f"the federation has sections not in yet: {missing}")
    first = read_all(srv, fed, files["federation-designation.csv"])
    check('"rule":"partial"' in first["section"], "the missing sections are warned of")
    for i in missing:
        st, d = sec.post(f"/api/elections/{fed}/bureaux/{i}/sheet",
                         {"inscrits": 200, "votants": 150, "blancs": 2, "nuls": 1, "votes": [70, 50, 27]})
        check(st == 200, f"section {i} entered: {st} {d}")
    now = read_all(srv, fed, files["federation-designation.csv"])
    check(now["section"] != first["section"] and '"rule":"partial"' not in now["section"],
          "the entered sections count, and no warning is left")
    for name, levels in files.items():
        eid = ids[name]
        st, d = com.post(f"/api/elections/{eid}/bureaux/0/contest", {"reason": "recompte"})
        check(st == 200, f"{name}: bureau 0 contested: {st} {d}")
        frozen = read_all(srv, eid, levels)
        check('"status":"frozen"' in frozen[levels[-1]], f"{name}: the contested bureau's unit is frozen")
        st, b = com.get(f"/api/elections/{eid}/bureaux/0")
        f = b.get("figures", {})
        votes = list(f.get("votes", []))
        votes[0] += 1
        st, d = com.post(f"/api/elections/{eid}/disputes/{d.get('id')}/decide",
                         {"decision": "correct", "reason": "recompté", "inscrits": f.get("inscrits"),
                          "votants": f.get("votants") + 1, "blancs": f.get("blancs"), "nuls": f.get("nuls"),
                          "votes": votes})
        check(st == 200, f"{name}: bureau 0 corrected: {st} {d}")
    kept_pages = {name: read_pages(srv, ids[name], keys[name]) for name in files}
    kept = {name: read_all(srv, ids[name], levels) for name, levels in files.items()}
    fed_top = f"/e/{fed}?level=federation&unit=" + urllib.parse.quote(
        json.loads(read_all(srv, fed, ["federation"])["federation"])["units"][0]["key"])
    check("class=missing" in first_pages["federation-designation.csv"][fed_top][1] and
          "class=missing" not in kept_pages["federation-designation.csv"][fed_top][1],
          "the federation's page listed the sections not counted, and no longer does once they are entered")
    srv.stop()
    srv.start()  # loads the store afresh: every level made from scratch
    for name, levels in files.items():
        fresh = read_all(srv, ids[name], levels)
        for lv in levels:
            check(kept[name][lv] == fresh[lv], f"{name} level {lv}: kept up to date = made afresh")
        fresh_pages = read_pages(srv, ids[name], keys[name])
        check(sorted(fresh_pages) == sorted(kept_pages[name]), f"{name}: the same units' pages")
        for path, (st, body) in fresh_pages.items():
            check(kept_pages[name].get(path, (0, ""))[1] == body, f"{name} {path}: page kept up to date = made afresh")
    # An annulled bureau counts with no votes, at once (its inscrits stay in memory
    # until the store is loaded again, as before: not compared across a restart).
    com = srv.client()
    com.login("com", bearer=True)
    for name, levels in files.items():
        eid = ids[name]
        if com.get(f"/api/elections/{eid}/bureaux/1")[0] != 200:
            continue  # one bureau only
        st, d = com.post(f"/api/elections/{eid}/bureaux/1/contest", {"reason": "urne ouverte"})
        st, d = com.post(f"/api/elections/{eid}/disputes/{d.get('id')}/decide", {"decision": "annul", "reason": "annulé"})
        check(st == 200, f"{name}: bureau 1 annulled: {st} {d}")
        st, b = com.get(f"/api/elections/{eid}/bureaux/1")
        st, res = com.get(f"/api/elections/{eid}/results?level={levels[-1] if levels[-1] != '0' else levels[-2]}")
        unit = next((u for u in res["units"] if u["key"] == b["units"][res["level"]]), {})
        check(unit.get("votants") == 0 and unit.get("bureaux", {}).get("reported") == 1,
              f"{name}: the annulled bureau's unit counts it with no votes: {unit}")
finally:
    srv.stop()
done()
