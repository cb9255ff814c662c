"""The results JSON of a large level is sent gzip-compressed to a client that asks
for it (Accept-Encoding), its units kept compressed by chunks and made again when
one changes (app/results_live.c): decompressed, it must be the very bytes of the
plain answer, before and after sheets come in (entered, missing ones filled), and
a client that does not take gzip (no header, "gzip;q=0", another coding) gets the
plain bytes. Small answers and pages go through the page cache, which keeps a
gzip copy beside a body from the first client that takes gzip on: decompressed,
the very bytes of the plain page, the audit log's head in its footer included
when the head moves (the copy is laid out from parts around the head)."""
import gzip
import http.client
import os

from lib import *

NB = 7500  # bureaux: the bureau level is over 8 MB, so it is streamed


def read(srv, path, accept=None):
    c = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=120)
    c.request("GET", path, headers={"Accept-Encoding": accept} if accept else {})
    r = c.getresponse()
    body = r.read()
    c.close()
    check(r.status == 200, f"{path}: {r.status}")
    return body, {k.lower(): v for k, v in r.getheaders()}


def both(srv, path, what, ratio=4):
    plain, h = read(srv, path)
    check("content-encoding" not in h, f"{what}: the plain answer is not encoded")
    packed, h = read(srv, path, "deflate, gzip, br")
    check(h.get("content-encoding") == "gzip", f"{what}: gzip asked for, gzip sent ({h.get('content-encoding')})")
    check(h.get("vary") == "Accept-Encoding", f"{what}: Vary: Accept-Encoding ({h.get('vary')})")
    check(len(packed) * ratio < len(plain), f"{what}: compressed ({len(packed)} of {len(plain)} bytes)")
    try:
        text = gzip.decompress(packed)  # checks the CRC-32 and the length too
    except Exception as e:
        text = b""
        check(False, f"{what}: not a valid gzip stream: {e}")
    check(text == plain, f"{what}: decompressed, the same bytes as the plain answer")
    return plain


srv = Server()
admin_db(srv)
srv.start()
try:
    admin = srv.client()
    admin.login("admin", bearer=True)
    make_users(admin, {"sec": ("secretary", 1)})
    rows = ["# election: Grande élection", "# levels: national, commune, bureau",
            "national;commune;bureau;inscrits;votants;blancs;nuls;exprimes;" + ";".join(f"C{j}" for j in range(11))]
    missing = set(range(0, NB, 97))
    for i in range(NB):
        v = [100 + i % 50, 80 + i % 30, 60, 40, 30, 20, 15, 10, 8, 5, 3]
        if i in missing:
            rows.append(f"FR;{i // 50};{i};1500;;;;" + ";" * 11)
        else:
            rows.append(f"FR;{i // 50};{i};1500;{sum(v) + 7};5;2;{sum(v)};" + ";".join(map(str, v)))
    st, d = admin.request("POST", "/api/elections?format=native", raw="\n".join(rows).encode() + b"\n",
                          content_type="text/csv")
    check(st == 201, f"imported: {st} {d}")
    eid = d.get("id")
    st, d = admin.post("/api/assignments", {"user": "sec", "election": eid, "first": 0, "last": NB - 1})
    check(st == 200, f"assigned: {st} {d}")
    path = f"/api/elections/{eid}/results?level=bureau"
    first = both(srv, path, "bureau level")
    check(len(first) > 8 << 20, f"the bureau level is over 8 MB (streamed): {len(first)} bytes")
    check(b'"rule":"partial"' in first, "the missing bureaux are warned of")
    again = both(srv, path, "bureau level, read again (chunks kept)")
    check(again == first, "nothing changed, the same answer")
    sec = srv.client()
    sec.login("sec", bearer=True)
    for i in [0, 1, 33, 3200, NB - 1] + sorted(missing)[:5]:
        v = [7, 6, 5, 4, 3, 2, 1, 1, 1, 1, 1]
        st, d = sec.post(f"/api/elections/{eid}/bureaux/{i}/sheet",
                         {"inscrits": 1500, "votants": sum(v) + 3, "blancs": 2, "nuls": 1, "votes": v})
        check(st == 200, f"bureau {i} entered: {st} {d}")
    after = both(srv, path, "bureau level after entries")
    check(after != first, "the entries show")
    for accept in ("gzip;q=0", "identity", "x-gzip", "gzipper"):
        plain, h = read(srv, path, accept)
        check("content-encoding" not in h and plain == after, f"Accept-Encoding: {accept}: the plain answer")
    for level in ("national", "commune"):
        path = f"/api/elections/{eid}/results?level={level}"
        read(srv, path)  # rendered and kept
        both(srv, path, f"{level} level, from the page cache", ratio=1.5)

    # A page of another election, kept while sheets go into the first: the head
    # in its footer moves with each entry, and so must its gzip copy's.
    st, d = admin.request("POST", "/api/elections?format=native",
                          raw=("# election: Petite élection\n# levels: national, bureau\n"
                               "national;bureau;inscrits;votants;blancs;nuls;exprimes;A;B\n"
                               "FR;1;100;60;1;1;58;30;28\n").encode(), content_type="text/csv")
    check(st == 201, f"second election imported: {st} {d}")
    other = f"/e/{d.get('id')}"
    read(srv, other)
    before = both(srv, other, "another election's page, from the page cache", ratio=1.5)
    check(b"</html>" in before, "the page is whole")
    for round_ in range(3):
        v = [9, 8, 7, 6, 5, 4, 3, 2, 1, 1, 1]
        st, d = sec.post(f"/api/elections/{eid}/bureaux/{round_ + 2}/sheet",
                         {"inscrits": 1500, "votants": sum(v) + 3, "blancs": 2, "nuls": 1, "votes": v})
        check(st == 200, f"entry {round_}: {st} {d}")
        plain, h = read(srv, other)
        check(h.get("x-cache") == "hit", f"entry {round_}: the other election's page stays kept")
        check(plain != before, f"entry {round_}: its footer shows the new head")
        packed, h = read(srv, other, "gzip")
        check(h.get("content-encoding") == "gzip" and h.get("x-cache") == "hit", f"entry {round_}: gzip, kept")
        try:
            text = gzip.decompress(packed)
        except Exception as e:
            text = b""
            check(False, f"entry {round_}: not a valid gzip stream: {e}")
        check(text == plain, f"entry {round_}: the gzip copy shows the head the plain page shows")
        before = plain
    tiny, h = read(srv, "/static/favicon.svg", "gzip")
    tiny, h = read(srv, "/static/favicon.svg", "gzip")
    check(len(tiny) >= 1024 or "content-encoding" not in h, "an answer under 1 KiB is sent as it is")
finally:
    srv.stop()
done()
