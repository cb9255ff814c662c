"""The page cache keeps what a change did not touch (web/cache.c): a sheet entered
into one election drops that election's pages and the pages of no election (the
home page, the lists), and keeps every other election's (and the static files),
whose footer then shows the audit log's new head, written into the kept bytes.
A kept page must be the very bytes a fresh rendering gives (a request with a
cookie, never cached, is rendered afresh: the anonymous page, as no session
matches it). Any other change (an account made) drops everything; a page showing
the head twice (the procès-verbal) is never kept across a change."""
import os

from lib import *

FRESH = {"Cookie": "urne_session=0000"}  # no such session: the public's page, rendered, never cached


def get(c, path, headers=None):
    st, body = c.get(path, headers=headers)
    check(st == 200, f"GET {path}: {st}")
    return body, c.last_headers.get("x-cache")


def head(c):
    """The head as the footer shows it, and as the JSON does."""
    st, h = c.get("/api/audit/head")
    return f"#{h['seq']} {h['hash']}", h


srv = Server()
admin_db(srv)
srv.start()
try:
    admin = srv.client()
    admin.login("admin", bearer=True)
    make_users(admin, {"sec": ("secretary", 1)})
    ids = []
    for name in ("federation-designation.csv", "blank-majority.csv"):
        text = open(os.path.join(EXAMPLES, name), "rb").read()
        st, d = admin.request("POST", "/api/elections?format=native", raw=text, content_type="text/csv")
        check(st == 201, f"{name} imported: {st} {d}")
        ids.append(d["id"])
        n = admin.get(f"/api/elections/{d['id']}")[1]["bureaux"]
        st, d = admin.post("/api/assignments", {"user": "sec", "election": d["id"], "first": 0, "last": n - 1})
        check(st == 200, f"assigned: {st} {d}")
    one, two = ids
    sec = srv.client()
    sec.login("sec", bearer=True)
    anon = srv.client()
    pages = [f"/e/{one}", f"/e/{one}?level=1", f"/api/elections/{one}/results", f"/api/elections/{one}", "/",
             f"/e/{two}", f"/e/{one}/pv", "/static/urne.css"]
    for p in pages:
        get(anon, p)
    for p in pages:
        check(get(anon, p)[1] == "hit", f"{p}: kept")

    def enter(eid, bureau, votes):
        st, b = sec.get(f"/api/elections/{eid}/bureaux/{bureau}")
        f = b.get("figures") or {}
        v = list(f.get("votes") or votes)
        v[0] += 1
        body = {"inscrits": f.get("inscrits", b.get("inscrits")), "votants": sum(v) + 3, "blancs": 2, "nuls": 1,
                "votes": v}
        st, d = sec.post(f"/api/elections/{eid}/bureaux/{bureau}/sheet", body)
        check(st == 200, f"sheet entered into {eid}/{bureau}: {st} {d}")

    before = get(anon, f"/e/{two}")[0]
    enter(two, 0, [10, 10])
    page_head, json_head = head(anon)
    # The other election's pages: kept, with the new head, as a fresh rendering.
    check(get(anon, "/static/urne.css")[1] == "hit", "the style sheet: kept across an entry")
    for p in (f"/e/{one}", f"/e/{one}?level=1", f"/api/elections/{one}/results"):
        kept, how = get(anon, p)
        fresh, how_fresh = get(anon, p, FRESH)
        check(how == "hit", f"{p}: kept across an entry into another election ({how})")
        check(how_fresh is None, f"{p} with a cookie: rendered ({how_fresh})")
        check(kept == fresh, f"{p}: the kept page is what a fresh rendering gives")
        shown = kept.get("audit_head") == json_head if isinstance(kept, dict) else page_head in kept
        check(shown, f"{p}: shows the new head")
    # The entered election's pages and the pages of no election: made again.
    for p in (f"/e/{two}", "/", f"/e/{one}/pv"):
        now, how = get(anon, p)
        check(how != "hit", f"{p}: not kept across the entry ({how})")
        check(page_head in now, f"{p}: shows the new head")
    check(get(anon, f"/e/{two}")[0] != before, "the entered election's page changed")
    # An entry into the first election drops its pages.
    for p in pages:
        get(anon, p)
    enter(one, 0, [10, 10, 10])
    for p in (f"/e/{one}", f"/api/elections/{one}/results", f"/api/elections/{one}", "/"):
        check(get(anon, p)[1] != "hit", f"{p}: not kept across an entry into its election")
    check(get(anon, f"/e/{two}")[1] == "hit", f"/e/{two}: kept across an entry into the other election")
    # Any other change drops everything.
    for p in pages:
        get(anon, p)
    make_users(admin, {"obs": ("observer", 1)})
    for p in pages[:-1]:
        now, how = get(anon, p)
        check(how != "hit", f"{p}: not kept across an account made ({how})")
    check(head(anon)[0] in get(anon, f"/e/{two}")[0], "the head after the account made")
    # A kept page's response is made once and sent for every hit (cache.c): two
    # clients asking in turn get the same bytes; and a request's headers of 8 KiB
    # (a connection's memory is 36 KiB: web/server.c) are still read and answered.
    other = srv.client()
    first, second = get(anon, f"/e/{two}"), get(other, f"/e/{two}")
    check(first == second and second[1] == "hit", "the one kept response, sent to two clients alike")
    pad = {f"X-Pad-{i}": "p" * 1000 for i in range(8)}
    check(get(other, f"/e/{two}", headers=pad) == second, "a request with 8 KiB of headers: answered, the kept page")
finally:
    srv.stop()
done()
