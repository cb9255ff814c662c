"""A POST sent from another site is refused (origin.c): the public's forms have
no session and no CSRF token, so a hostile page could make its visitors'
browsers sign an initiative in names it chooses.

- The signing form with a foreign Origin: 403, a page in the visitor's language
  saying why (French by default, English when asked), nothing counted; with
  "Origin: null", with a foreign Referer and no Origin, with the same host on
  another port: refused too.
- The same Origin (the Host's), the same Referer, neither header (curl): signed.
- Behind a proxy passing `Host: urne.example.org` (README's nginx): the https
  origin of that host is ours (a Host without a port: the scheme's default
  port); on port 8443 it is not.
- Started again with --public-url: its origin is ours, and no other, not even
  the Host's (a hostile name resolved to urne's address, DNS rebinding, brings
  an Origin equal to its Host); another scheme is refused.
- Sec-Fetch-Site: cross-site refused even without Origin and Referer (a browser
  that sent no Origin, a page that withheld its Referer); same-origin accepted.
- The receipt's form, the login form, a logged-in form with its CSRF token, and
  the API (a form body needs no preflight, so it is guarded the same; a JSON body
  with a foreign Origin too; without any Origin, as API clients send, accepted)."""
import urllib.parse

from lib import *

srv = Server()
admin_db(srv)
srv.start()
try:
    admin = admin_client(srv)
    ours = f"http://127.0.0.1:{srv.port}"
    open_initiative(admin, "Origine", "".join(f"Martin,{g},1960-06-0{k + 1},Arras,Nord\n"
                                              for k, g in enumerate(["Paul", "Anne", "Jean", "Marie", "Luc",
                                                                     "Eva", "Zoé"])), 7)
    visitor = srv.client()

    def sign(given, k, headers, path="/initiatives/1/sign", lang=None):
        body = urllib.parse.urlencode({"name": "Martin", "given": given, "birth": f"1960-06-0{k + 1}",
                                       "commune": "Arras"}).encode()
        return visitor.request("POST", path + (f"?lang={lang}" if lang else ""), raw=body, headers=headers,
                               content_type="application/x-www-form-urlencoded")

    def count():
        st, d = admin.get("/api/initiatives/1")
        return d.get("signatures") if st == 200 else None

    for headers, what in (({"Origin": "http://evil.example"}, "a foreign Origin"),
                          ({"Origin": "null"}, "Origin: null"),
                          ({"Referer": "http://evil.example/page.html"}, "a foreign Referer, no Origin"),
                          ({"Origin": "http://127.0.0.1:1"}, "the same host on another port"),
                          ({"Origin": "http://evil.example", "Referer": ours + "/initiatives/1"},
                           "a foreign Origin, whatever the Referer says"),
                          ({"Referer": "ftp://127.0.0.1/x"}, "a Referer that is no http(s) URL")):
        st, page = sign("Paul", 0, headers)
        check(st == 403 and "envoyé depuis un autre site" in page and "<form" not in page,
              f"{what}: refused, in French: {st} {page[:300]}")
    st, page = sign("Paul", 0, {"Origin": "http://evil.example"}, lang="en")
    check(st == 403 and "sent from another site" in page, f"in English when asked: {st} {page[:300]}")
    check(count() == 0, f"nothing counted: {count()}")

    for given, k, headers, what in (("Paul", 0, {"Origin": ours}, "the same Origin"),
                                    ("Anne", 1, {"Referer": ours + "/initiatives/1"}, "the same Referer, no Origin"),
                                    ("Jean", 2, {}, "neither header (curl, a stripping proxy)"),
                                    ("Marie", 3, {"Host": "URNE.example.org", "Origin": "https://urne.EXAMPLE.org"},
                                     "the Host's name in another case")):
        st, _ = sign(given, k, headers)
        check(st == 303, f"{what}: signed: {st}")
    check(count() == 4, f"four counted: {count()}")

    # Behind the proxy: the Host it passes through, the browser's https origin.
    st, _ = sign("Luc", 4, {"Host": "urne.example.org", "Origin": "https://urne.example.org"})
    check(st == 303, f"Host without a port, the https origin of that host: signed: {st}")
    st, page = sign("Eva", 5, {"Host": "urne.example.org", "Origin": "https://urne.example.org:8443"})
    check(st == 403, f"the same host on port 8443, not the Host's: refused: {st}")
    st, page = sign("Eva", 5, {"Sec-Fetch-Site": "cross-site"})
    check(st == 403, f"Sec-Fetch-Site cross-site, no Origin nor Referer: refused: {st}")
    st, page = sign("Eva", 5, {"Sec-Fetch-Site": "same-site", "Origin": ours})
    check(st == 403, f"Sec-Fetch-Site same-site (a sibling site), whatever the Origin: refused: {st}")

    # With a public URL, it alone is ours.
    srv.stop()
    srv.args = ["--public-url", "https://vote.example.net:8443"]
    srv.start()  # on another port: the clients made again
    admin, visitor, ours = admin_client(srv), srv.client(), f"http://127.0.0.1:{srv.port}"
    st, _ = sign("Eva", 5, {"Host": "urne.example.org", "Origin": "https://vote.example.net:8443",
                            "Sec-Fetch-Site": "same-origin"})
    check(st == 303, f"the server's --public-url: ours: {st}")
    st, _ = sign("Zoé", 6, {"Origin": "http://vote.example.net:8443"})
    check(st == 403, f"the public URL's host in another scheme: refused: {st}")
    st, _ = sign("Zoé", 6, {"Host": "evil.example", "Origin": "http://evil.example"})
    check(st == 403, f"an Origin equal to the Host, not the public URL (DNS rebinding): refused: {st}")
    st, _ = sign("Zoé", 6, {"Origin": ours})
    check(st == 403, f"the Host's own origin, not the public URL: refused: {st}")
    check(count() == 6, f"six counted: {count()}")

    # The other forms and the API.
    st, page = visitor.request("POST", "/initiatives/1/receipt", raw=b"code=AAAAA-AAAAA-AAAAA-AAAAA",
                               headers={"Origin": "http://evil.example"},
                               content_type="application/x-www-form-urlencoded")
    check(st == 403, f"the receipt's form: refused: {st}")
    st, page = visitor.request("POST", "/login", raw=f"user=admin&password={PASSWORD}".encode(),
                               headers={"Origin": "http://evil.example"},
                               content_type="application/x-www-form-urlencoded")
    check(st == 403 and "urne_session" not in visitor.last_headers.get("set-cookie", ""),
          f"the login form (a forged login): refused, no session: {st}")
    browser = srv.client()
    check(browser.login("admin")[0] == 200, "admin logs in (cookie)")
    st, _ = browser.request("POST", "/initiatives/1/transition", raw=f"event=close&csrf={browser.csrf}".encode(),
                            headers={"Origin": "http://evil.example"},
                            content_type="application/x-www-form-urlencoded")
    check(st == 403, f"a logged-in form with its CSRF token, from another site: refused: {st}")
    st, d = visitor.request("POST", "/api/initiatives/1/signatures",
                            raw=urllib.parse.urlencode({"name": "Martin", "given": "Zoé", "birth": "1960-06-07",
                                                        "commune": "Arras"}).encode(),
                            headers={"Origin": "http://evil.example"},
                            content_type="application/x-www-form-urlencoded")
    check(st == 403 and "another site" in d.get("error", ""), f"the API with a form body: refused: {st} {d}")
    st, d = visitor.post("/api/initiatives/1/signatures", {"name": "Martin", "given": "Zoé", "birth": "1960-06-07",
                                                           "commune": "Arras"},
                         headers={"Origin": "http://evil.example"})
    check(st == 403, f"the API with JSON, from another site: refused: {st} {d}")
    check(count() == 6, f"nothing more counted: {count()}")
    st, d = visitor.post("/api/initiatives/1/signatures", {"name": "Martin", "given": "Zoé", "birth": "1960-06-07",
                                                           "commune": "Arras"})
    check(st == 201, f"the API without an Origin (a script): signed: {st} {d}")
finally:
    srv.stop()
done()
