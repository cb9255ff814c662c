"""The results JSON of a large level is sent gzip-compressed to a client that asks
for it (Accept-Encoding), its units kept compressed by chunks and made again when
one changes (app/results_live.c): decompressed, it must be the very bytes of the
plain answer, before and after sheets come in (entered, missing ones filled), and
a client that does not take gzip (no header, "gzip;q=0", another coding) gets the
plain bytes. Small answers go through the page cache and are never compressed."""
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


def both(srv, path, what):
    plain, h = read(srv, path)
    check("content-encoding" not in h, f"{what}: the plain answer is not encoded")
    packed, h = read(srv, path, "deflate, gzip, br")
    check(h.get("content-encoding") == "gzip", f"{what}: gzip asked for, gzip sent ({h.get('content-encoding')})")
    check(h.get("vary") == "Accept-Encoding", f"{what}: Vary: Accept-Encoding ({h.get('vary')})")
    check(len(packed) * 4 < len(plain), f"{what}: compressed ({len(packed)} of {len(plain)} bytes)")
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
        small, h = read(srv, f"/api/elections/{eid}/results?level={level}", "gzip")
        check("content-encoding" not in h, f"{level}: a small answer (cached) is not compressed")
finally:
    srv.stop()
done()
