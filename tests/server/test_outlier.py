"""An annulled bureau counts as reported with no votes: a turnout of 0 % that says
nothing of its voters. It is not flagged as a turnout outlier, nor does it drag
its commune's turnout down so that the others look like outliers; a bureau really
far from the rest still is."""
import re

from lib import *

TEXT = """# election: Turnout
# levels: commune, bureau
commune,bureau,inscrits,votants,blancs,nuls,exprimes,A,B
Val,1,1000,500,0,0,500,250,250
Val,2,1000,510,0,0,510,260,250
Val,3,1000,490,0,0,490,240,250
Val,4,1000,505,0,0,505,255,250
"""

srv = Server()
admin_db(srv)
srv.start()
try:
    admin = srv.client()
    admin.login("admin", bearer=True)
    make_users(admin, {"com": ("commission", 1)})
    com = srv.client()
    com.login("com", bearer=True)
    st, d = admin.request("POST", "/api/elections?format=native", raw=TEXT.encode(), content_type="text/csv")
    check(st == 201, f"imported: {st} {d}")
    eid = d.get("id")

    def outliers():
        st, d = com.get(f"/api/elections/{eid}/anomalies")
        check(st == 200, f"anomalies read: {st}")
        return sorted(a["bureau"] for a in d if a["kind"] == "turnout-outlier")

    check(outliers() == [], "four bureaux near 50 %: no outlier")
    st, d = com.post(f"/api/elections/{eid}/bureaux/3/contest", {"reason": "urne ouverte"})
    st, d = com.post(f"/api/elections/{eid}/disputes/{d.get('id')}/decide", {"decision": "annul", "reason": "annulé"})
    check(st == 200 and d.get("bureau_state") == "annulled", f"bureau 4 annulled: {st} {d}")
    st, b = com.get(f"/api/elections/{eid}/bureaux/3")
    check(b.get("figures", {}).get("votants") == 0, f"counted with no votes: {b.get('figures')}")
    check(outliers() == [], f"the annulled bureau (0 %) is no outlier, nor are the others: {outliers()}")
    page = srv.client()
    page.login("com")
    st, html = page.get(f"/e/{eid}/recolement")
    check(st == 200 and 'data-kind="turnout-outlier"' not in html, "the récolement page lists none")

    # A bureau far from the rest is still flagged: bureau 1 corrected to 75 %.
    st, d = com.post(f"/api/elections/{eid}/bureaux/0/contest", {"reason": "recompte"})
    st, d = com.post(f"/api/elections/{eid}/disputes/{d.get('id')}/decide",
                     {"decision": "correct", "reason": "recompté", "inscrits": 1000, "votants": 750, "blancs": 0,
                      "nuls": 0, "votes": [375, 375]})
    check(st == 200, f"bureau 1 corrected: {st} {d}")
    check(outliers() == [0], f"bureau 1 at 75 % against 50 %: flagged, and only it: {outliers()}")
    # The API's message in the reader's language, the level named as the pages name it.
    for lang, want in (("en", "turnout 75.00%, against 50.00% in the rest of municipality Val"),
                       ("fr", "75,00\u00a0%")):
        st, d = com.get(f"/api/elections/{eid}/anomalies?lang={lang}")
        said = [a["message"] for a in d if a["kind"] == "turnout-outlier"] if st == 200 else []
        check(len(said) == 1 and want in said[0], f"the outlier's message in {lang}: {said}")
    st, d = com.request("GET", f"/api/elections/{eid}/anomalies", headers={"Accept-Language": "fr-FR,fr;q=0.9"})
    said = [a["message"] for a in d if a["kind"] == "turnout-outlier"] if st == 200 else []
    check(len(said) == 1 and "municipality" not in said[0] and "turnout" not in said[0],
          f"Accept-Language: fr gives French too: {said}")
    st, html = page.get(f"/e/{eid}/recolement")
    check(html.count('data-kind="turnout-outlier"') == 1, "listed once on the récolement page")
    # Its level names worded as the page's language names levels, not as the file's codes.
    st, html = page.get(f"/e/{eid}/recolement?lang=en")
    check("turnout 75.00%, against 50.00% in the rest of municipality Val" in html,
          f"in English, 'commune' is a municipality: {re.findall(r'turnout [^<]*', html)}")
    st, html = page.get(f"/e/{eid}/recolement?lang=fr")
    check("dans le reste de «\u00a0commune Val\u00a0»" in html, "in French, a commune")
finally:
    srv.stop()
done()
