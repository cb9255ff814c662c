"""The results as a download French Excel opens right: ?format=excel gives UTF-8 with
its byte-order mark, ';' between cells, decimal commas (points in English), CRLF line
ends, and a Content-Disposition naming the election and the level safely (an ASCII
slug, and the name as written in RFC 5987's filename*). The plain results.csv stays
as it was; the results page links to the Excel one in its own language."""
import csv
import http.client
import io
import urllib.parse

from lib import *

TITLE = 'Municipales "Montval" / Ribes — 1er tour'
text = ("# levels: total, commune, bureau\n"
        "commune;bureau;inscrits;votants;blancs;nuls;Claire DUVAL;Marc PEYRON\n"
        "Montval;1;1210;1005;12;8;512;473\n"
        "Montval;2;2340;1872;20;10;1001;841\n"
        "Ribes;1;875;640;5;5;330;300\n")


def raw_get(port, path, headers=None):
    """Status, headers (lower-case names) and the body's bytes, as sent."""
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    c.request("GET", path, headers=headers or {})
    r = c.getresponse()
    body = r.read()
    c.close()
    return r.status, {k.lower(): v for k, v in r.getheaders()}, body


srv = Server()
admin_db(srv)
srv.start()
try:
    admin = srv.client()
    check(admin.login("admin", bearer=True)[0] == 200, "admin logs in")
    st, d = admin.request("POST", "/api/elections?format=native&title=" + urllib.parse.quote(TITLE),
                          raw=text.encode(), content_type="text/csv")
    check(st == 201, f"imported: {st} {d}")
    eid = d.get("id") if isinstance(d, dict) else None
    base = f"/api/elections/{eid}/results.csv?level=commune"

    # The Excel download, in French (twice: the second from the cache, headers and all).
    for attempt in ("computed", "cached"):
        st, h, body = raw_get(srv.port, base + "&format=excel&lang=fr")
        check(st == 200, f"{attempt}: excel download {st}")
        check(h.get("content-type") == "text/csv; charset=utf-8", f"{attempt}: type {h.get('content-type')}")
        check(body.startswith(b"\xef\xbb\xbf"), f"{attempt}: starts with UTF-8's BOM: {body[:8]!r}")
        check(body.count(b"\r\n") == 3 and body.count(b"\n") == 3 and body.endswith(b"\r\n"),
              f"{attempt}: three lines, each ending with CRLF: {body!r}")
        disp = h.get("content-disposition", "")
        check(disp.startswith('attachment; filename="municipales-montval-ribes-1er-tour-communes.csv"; '
                              "filename*=UTF-8''"), f"{attempt}: attachment with an ASCII slug: {disp}")
        star = disp.split("filename*=UTF-8''", 1)[-1]
        check(all(c.isascii() and c not in ' ";\\' for c in star), f"{attempt}: filename* percent-encoded: {star}")
        check(urllib.parse.unquote(star, encoding="utf-8", errors="strict") ==
              'Municipales "Montval" - Ribes — 1er tour - communes.csv', f"{attempt}: filename* decodes: {star}")
    rows = list(csv.reader(io.StringIO(body[3:].decode("utf-8")), delimiter=";"))
    check(rows[0][:4] == ["Code de la commune", "Libellé de la commune", "Inscrits", "Abstentions"],
          f"';' separates the cells: {rows[0][:4]}")
    montval = dict(zip(rows[0], rows[1]))
    check(montval.get("Inscrits") == "3550" and montval.get("Votants") == "2877", f"Montval's figures: {montval}")
    check(montval.get("% Vot/Ins") == "81,04" and montval.get("% Abs/Ins") == "18,96",
          f"decimal commas in French: {montval.get('% Vot/Ins')} {montval.get('% Abs/Ins')}")
    check(rows[1][rows[0].index("Nom")] == "Claire DUVAL" and rows[1][rows[0].index("% Voix/Exp")] == "53,52",
          f"the first candidate's share with a comma: {rows[1]}")

    # In English: the same file but decimal points; the separator stays ';'.
    st, h, body = raw_get(srv.port, base + "&format=excel&lang=en")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    check(st == 200 and body.startswith(b"\xef\xbb\xbf"), f"english: {st}, BOM {body[:3]!r}")
    check(dict(zip(rows[0], rows[1])).get("% Vot/Ins") == "81.04", f"decimal points in English: {rows[1][:8]}")
    check("attachment;" in h.get("content-disposition", ""), "english: a download too")

    # The plain CSV, as before: no BOM, no Content-Disposition; the cache keeps them apart.
    st, h, body = raw_get(srv.port, base)
    check(st == 200 and body.startswith(b"Code de la commune;"), f"plain CSV unchanged: {st} {body[:24]!r}")
    check("content-disposition" not in h, f"plain CSV: no Content-Disposition: {h.get('content-disposition')}")
    st, h, body2 = raw_get(srv.port, base + "&format=csv")
    check(st == 200 and body2 == body, f"format=csv is the plain CSV: {st}")
    st, h, body = raw_get(srv.port, base + "&format=xlsx")
    check(st == 400 and b"unknown format 'xlsx'" in body, f"an unknown format refused: {st} {body!r}")

    # A title with nothing to slug: the election's number names the file.
    st, d = admin.request("POST", "/api/elections?format=native&title=" + urllib.parse.quote("« — »"),
                          raw=text.encode(), content_type="text/csv")
    other = d.get("id") if isinstance(d, dict) else None
    st, h, body = raw_get(srv.port, f"/api/elections/{other}/results.csv?format=excel")
    check(h.get("content-disposition", "").startswith(f'attachment; filename="election-{other}-total.csv"; '
                                                      f"filename*=UTF-8''election-{other}%20-%20total.csv"),
          f"fallback name: {h.get('content-disposition')}")

    # The page's link is the Excel download, in the page's language.
    for lang in ("fr", "en"):
        st, page = srv.client().get(f"/e/{eid}?level=commune&unit=Montval&lang={lang}")
        check(st == 200 and f"results.csv?level=1&amp;format=excel&amp;lang={lang}" in page,
              f"the {lang} page links to the Excel CSV: {st}")
finally:
    srv.stop()
done()
