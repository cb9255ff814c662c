"""The language of a page and of the API from the Accept-Language header, read as
RFC 9110 (12.5.4) says: weights (q) count, q=0 refuses, "*" stands for the
languages not named, and ?lang= and the urne_lang cookie come first. Pages speak
French and the API English when the header asks for neither."""
import re

from lib import *


def page_lang(client, header, path="/"):
    st, page = client.get(path, headers={"Accept-Language": header} if header is not None else {})
    m = re.match(r"<!doctype html><html lang=(\w+)>", page if isinstance(page, str) else "")
    return m.group(1) if m else f"? ({st})"


def api_lang(client, header):
    """The language of the API's answer to a login without its fields: its error message."""
    st, d = client.request("POST", "/api/login", body={},
                           headers={"Accept-Language": header} if header is not None else {})
    msg = d.get("error", "") if isinstance(d, dict) else ""
    return "fr" if msg.startswith("Indiquez") else "en" if msg.startswith("Give") else f"? ({st} {d})"


srv = Server()
admin_db(srv)
srv.start()
try:
    c = srv.client()
    cases = [  # (Accept-Language, the page's language, the API's)
        (None, "fr", "en"),
        ("fr", "fr", "fr"),
        ("en", "en", "en"),
        ("en;q=0.5, fr", "fr", "fr"),             # the brief's example: the heavier weight wins
        ("en-GB;q=0.9, fr-FR;q=0.95", "fr", "fr"),  # regional tags, three decimals
        ("fr;q=0.2, en;q=0.8", "en", "en"),
        ("fr-CA, en;q=0.1", "fr", "fr"),
        ("de, en;q=0.7, fr;q=0.3", "en", "en"),   # a language urne does not speak is passed over
        ("fr;q=0, *", "en", "en"),                # q=0: not French; "*" takes English
        ("en;q=0, *;q=0.5", "fr", "fr"),
        ("*", "fr", "en"),                        # both through "*": the default
        ("en, fr", "en", "en"),                   # a tie: the one named first
        ("fr, en", "fr", "fr"),
        ("*;q=1, en;q=1", "en", "en"),            # a tie: the one named before one "*" stands for
        ("de, it", "fr", "en"),                   # neither: the default
        ("fr;q=0, en;q=0", "fr", "en"),
        ("en;q=2, fr;q=0.1", "fr", "fr"),         # a weight over 1 is no weight: that range is ignored
        ("en;q=abc, fr;q=0.1", "fr", "fr"),
        ("en;q=abc, *;q=0.5, fr;q=0.4", "en", "en"),  # the ignored range leaves English to "*"
        ("  EN ; Q=0.6 ,FR;q=0.5", "en", "en"),   # spaces and case
    ]
    for header, page, api in cases:
        got = page_lang(c, header)
        check(got == page, f"page, Accept-Language {header!r}: {got}, want {page}")
        got = api_lang(c, header)
        check(got == api, f"API, Accept-Language {header!r}: {got}, want {api}")
    check(page_lang(c, "fr", "/?lang=en") == "en", "?lang= before the header")
    st, _ = c.get("/?lang=en")
    c.cookies["urne_lang"] = "en"
    check(page_lang(c, "fr;q=1, en;q=0") == "en", "the urne_lang cookie before the header")
finally:
    srv.stop()
done()
