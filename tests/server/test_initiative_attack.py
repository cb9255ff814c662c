"""The initiatives' newest surfaces, attacked as an attacker would (src/web/body.c,
initiative_forms.c, initiative_routes.c).

The import's room: a roll's body (like an election's file or a matching's) is read
whole before the route and the roles are checked, so its 256 MiB room was given to
any account with a session. Accounts are many (a federation's secretaries and
observers): an observer held 200 MiB per connection, 64 connections per address.
Now the room is for an account that may import into that object (the organiser of
the initiative's space); the others, an organiser of another space included, are
refused 413 before a byte of their body is read, and the server's memory does not
move under them. Whoever may import, the bodies larger than a form share one
budget for the whole server (512 MiB): a body declared beyond it is refused at
once, 503 with Retry-After, in the visitor's language; one sent in chunks as soon
as it outgrows it; small bodies are never held back, and once a large body ends
its room is free again.

Signing: an e-mail petition signed by name is refused in words (it answered its
bare code); hostile fields (10,000 characters, HTML, a right-to-left override, a
birth in 2090, a NUL, invalid UTF-8) refused with their rule, and what was typed
shown again escaped. An id past int64's range in a path is no id (it was read as
the largest)."""
import http.client
import json
import socket
import time

from lib import *

MIB = 1 << 20
RULES = ("preset = territories\nnational = 3\nterritory = 1\nterritories = 1\n"
         "opens = 2020-01-01\ncloses = 2099-01-01\nstop-at-threshold = no\n")
ROLL = "name,given,birth,commune,territory\nDupont,Jean,1970-03-04,Lille,Nord\n"


def announce(port, path, auth, length, ctype=b"application/json", extra=b""):
    """A connection that sent a POST's headers, announcing `length` bytes of body
    (auth: an Authorization or Cookie header line, or b""), and none of it."""
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(b"POST " + path + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: " + ctype + b"\r\n" + auth + extra
              + b"Content-Length: " + str(length).encode() + b"\r\n\r\n")
    return s


def answer_head(s, wait=2.0):
    """What the server answered on s within `wait` seconds ("" when nothing yet)."""
    s.settimeout(wait)
    try:
        return s.recv(8192).decode("utf-8", "replace")
    except (socket.timeout, OSError):
        return ""


def refused_at_once(port, path, auth, length, **kw):
    s = announce(port, path, auth, length, **kw)
    head = answer_head(s)
    s.close()
    return head


def bearer(token):
    return b"Authorization: Bearer " + token.encode() + b"\r\n"


srv = Server(args=["--connection-timeout", "60"])
admin_db(srv)
run("election", "import", "--db", srv.db, os.path.join(EXAMPLES, "federation-designation.csv"))
srv.start()
held = []
try:
    port = srv.port
    api = admin_client(srv)
    make_users(api, {"obs": ("observer", 1), "sec": ("secretary", 1), "com": ("commission", 1),
                     "orga": ("observer", 1)})
    st, d = api.post("/api/grants", {"user": "orga", "space": "org/ville", "role": "admin"})
    check(st == 200, f"orga: administrator of org/ville: {st} {d}")
    st, d = api.post("/api/initiatives", {"title": "Eau", "space": "org/ville", "rules": RULES,
                                          "authority_key": "22" * 32})
    check(st == 201 and d.get("id") == 1, f"an initiative in org/ville, a draft: {st} {d}")
    st, d = api.post("/api/initiatives", {"title": "Autre", "space": "org/autre", "rules": RULES,
                                          "authority_key": "22" * 32})
    check(st == 201 and d.get("id") == 2, f"another in org/autre: {st} {d}")
    tokens = {}
    for name in ("obs", "sec", "com", "orga"):
        c = srv.client()
        check(c.login(name, bearer=True)[0] == 200, f"{name} logs in")
        tokens[name] = c.token
    browser = srv.client()
    check(browser.login("obs")[0] == 200, "obs logs in with a browser too (a cookie)")

    # -- The import's room: only for whoever may import; the others refused before reading --
    for who in ("obs", "sec", "com"):
        for path in (b"/api/initiatives/1/roll", b"/initiatives/1/roll", b"/api/elections", b"/admin/elections",
                     b"/api/match/1/import"):
            head = refused_at_once(port, path, bearer(tokens[who]), 200 * MIB)
            check(head.startswith("HTTP/1.1 413"),
                  f"{who} (who may not import) announcing 200 MiB to {path.decode()}: 413 at once: {head[:40]!r}")
    head = refused_at_once(port, b"/initiatives/1/roll", b"Cookie: " + browser.cookie.encode() + b"\r\n", 200 * MIB,
                           ctype=b"application/x-www-form-urlencoded")
    check(head.startswith("HTTP/1.1 413") and "<html lang=fr>" in head and "Requête trop grande\u00a0: au plus 1 Mio ici." in head,
          f"an observer's browser: the roll's form refused 413, a page in French: {head[-300:]!r}")

    # The server's memory, under an observer's four connections each sending 64 MiB.
    before = srv.rss_kb()
    chunk = b"x" * MIB
    socks = []
    for _ in range(4):
        s = announce(port, b"/api/initiatives/1/roll", bearer(tokens["obs"]), 64 * MIB)
        try:
            for _ in range(64):
                s.sendall(chunk)
        except OSError:
            pass  # refused and closed by the server: what is expected
        socks.append(s)
    time.sleep(0.3)
    grown = (srv.rss_kb() - before) / 1024
    for s in socks:
        s.close()
    print(f"an observer's 4 connections of 64 MiB each: the server grew by {grown:.1f} MiB")
    check(grown < 32, f"an observer's 4 x 64 MiB to a roll grew the server by {grown:.1f} MiB (it must hold none)")

    # An organiser (an administrator in the initiative's space) has the room; not for
    # another space's initiative, though administering somewhere.
    head = refused_at_once(port, b"/api/initiatives/2/roll", bearer(tokens["orga"]), 200 * MIB)
    check(head.startswith("HTTP/1.1 413"), f"orga announcing 200 MiB to org/autre's roll: 413 at once: {head[:40]!r}")
    org = srv.client()
    org.token = tokens["orga"]
    st, d = org.post("/api/initiatives/1/roll", {"csv": ROLL + "x" * (2 * MIB)})
    check(st == 400 and d.get("rule") == "file", f"the organiser's 2 MiB roll is read (and judged): {st} {d}")

    # -- One budget for every large body at once, whoever sends them --
    admin_auth = bearer(api.token)
    for _ in range(2):  # two imports at their largest: the budget (512 MiB) is taken
        s = announce(port, b"/api/initiatives/1/roll", admin_auth, 256 * MIB - 1)
        check(answer_head(s, 0.5) == "", "a large roll announced by the administrator is being read")
        held.append(s)
    for who, auth in (("the administrator", admin_auth), ("the organiser", bearer(tokens["orga"]))):
        head = refused_at_once(port, b"/api/initiatives/1/roll", auth, 2 * MIB)
        body = head.split("\r\n\r\n", 1)[-1]
        try:
            d = json.loads(body)
        except ValueError:
            d = {}
        check(head.startswith("HTTP/1.1 503") and "\r\nRetry-After: 60\r\n" in head and d.get("retry_after") == 60
              and "other large files" in d.get("error", ""),
              f"{who}'s third large body, beyond the budget: 503 at once, Retry-After 60, said: {head!r}")
    head = refused_at_once(port, b"/initiatives/1/roll?lang=en", admin_auth, 2 * MIB,
                           ctype=b"application/x-www-form-urlencoded")
    check(head.startswith("HTTP/1.1 503") and "Retry-After: 60" in head and "<html lang=en>" in head
          and "receiving other large files just now" in head and "Send it again in a minute." in head,
          f"the roll's form: the same refusal, a page in English: {head[-500:]!r}")
    head = refused_at_once(port, b"/initiatives/1/roll", admin_auth, 2 * MIB,
                           ctype=b"application/x-www-form-urlencoded", extra=b"Accept-Language: fr\r\n")
    check(head.startswith("HTTP/1.1 503") and "<html lang=fr>" in head and "fichiers volumineux" in head,
          f"and in French for a French visitor: {head[-500:]!r}")
    st, d = api.post("/api/initiatives/1/roll", {"csv": ROLL})
    check(st == 200 and d.get("electors") == 1, f"a small body is not held back meanwhile: {st} {d}")
    st, _ = api.get("/api/initiatives/1")
    check(st == 200, "nor is a page")

    # A body sent in chunks, with no length announced: refused once it outgrows the budget.
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    c.putrequest("POST", "/api/initiatives/1/roll")
    c.putheader("Authorization", "Bearer " + api.token)
    c.putheader("Content-Type", "application/json")
    c.putheader("Transfer-Encoding", "chunked")
    c.endheaders()
    try:
        for _ in range(8):
            c.send(b"100000\r\n" + b" " * MIB + b"\r\n")
        c.send(b"0\r\n\r\n")
        r = c.getresponse()
        st, text, retry = r.status, r.read().decode(), r.getheader("Retry-After")
    except OSError as e:
        st, text, retry = str(e), "", None
    c.close()
    check(st == 503 and retry == "60" and "other large files" in text,
          f"a chunked body of 8 MiB beside the two held: 503 once past the budget: {st} {retry} {text[:200]}")

    # Once a large body ends, its room is free again.
    held.pop().close()
    st = None
    for _ in range(50):
        st, d = org.post("/api/initiatives/1/roll", {"csv": ROLL + "x" * (2 * MIB)})
        if st != 503:
            break
        time.sleep(0.1)
    check(st == 400 and d.get("rule") == "file", f"one large body closed: a large roll is read again: {st} {d}")

    # -- Signing: the refusals worded, whatever is sent --
    mail_rules = ("preset = local-petition\nidentity = email\nnational = 500\nopens = 2020-01-01\n"
                  "closes = 2099-01-01\n")
    st, d = api.post("/api/initiatives", {"title": "Pétition", "rules": mail_rules, "authority_key": "22" * 32})
    check(st == 201 and d.get("id") == 3, f"a petition confirmed by e-mail: {st} {d}")
    committee = srv.client()
    committee.token = tokens["com"]
    for who, path, body in ((api, "transition", {"event": "submit"}), (committee, "decision", {"decision": "admit"}),
                            (api, "transition", {"event": "open"})):
        st, d = who.post(f"/api/initiatives/3/{path}", body)
        check(st == 200, f"{body}: {st} {d}")
    public = srv.client()
    signer = {"name": "Durand", "given": "Marie", "birth": "1980-01-01", "commune": "Lille"}
    st, d = public.post("/api/initiatives/3/signatures", signer)
    check(st == 409 and d.get("rule") == "by-email" and d.get("error", "").startswith("This initiative's signatures "
                                                                                         "are confirmed by e-mail"),
          f"signing an e-mail petition by name: 409 in words, not the bare code: {st} {d}")
    st, d = public.post("/api/initiatives/3/signatures", signer, headers={"Accept-Language": "fr"})
    check(st == 409 and "sont confirmées par courriel" in d.get("error", ""), f"and in French: {st} {d}")
    st, page = public.form("/initiatives/3/sign", signer)
    check(st == 409 and "role=alert>by-email<" not in page and "sont confirmées par courriel" in page,
          f"the signing form posted to it: its page says why in words: {st}")
    st, d = public.post("/api/initiatives/3/mail", dict(signer, email="marie@example.org"))
    check(st == 202, f"its own way, by e-mail: {st} {d}")

    # Hostile fields: refused with their rule, nothing echoed unescaped.
    for what, fields, rule in (("a 10,000-character name", dict(signer, name="A" * 10000), "too-long"),
                               ("HTML in the commune", dict(signer, commune="<img src=x onerror=1>"), "character"),
                               ("a right-to-left override", dict(signer, name="\u202eDurand"), "character"),
                               ("born in 2090", dict(signer, birth="2090-01-01"), "birth-future")):
        st, d = public.post("/api/initiatives/3/mail", dict(fields, email="x@example.org"))
        check(st == 400 and d.get("rule") == rule, f"{what}: 400 {rule}: {st} {d}")
    st, page = public.form("/initiatives/3/mail", dict(signer, commune='"><script>alert(1)</script>',
                                                       email="x@example.org"))
    check(st == 400 and "<script>alert(1)" not in page and "&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in page,
          f"the typed commune shown again, escaped: {st}")
    for raw, what in ((b'{"name":"Dur\\u0000and","given":"M","birth":"1980-01-01","commune":"Lille"}', "a NUL"),
                      (b'{"name":"Dur\xffand","given":"M","birth":"1980-01-01","commune":"Lille"}', "invalid UTF-8")):
        st, d = public.request("POST", "/api/initiatives/3/mail", raw=raw, content_type="application/json")
        check(st == 400, f"{what} in a name: 400: {st} {d}")

    # -- An id past int64's range is no id (it was read as 9223372036854775807) --
    for method, path in (("GET", "/api/initiatives/99999999999999999999"),
                         ("POST", "/api/initiatives/99999999999999999999/signatures"),
                         ("GET", "/api/initiatives/18446744073709551617/counts.csv")):
        st, d = public.request(method, path, body=signer if method == "POST" else None)
        check(st == 404 and "9223372036854775807" not in str(d) and "no such route" in str(d),
              f"{method} {path}: no such route: {st} {d}")
    st, d = public.get("/api/initiatives/9223372036854775807")
    check(st == 404 and "No initiative 9223372036854775807" in str(d), f"the largest id is read as itself: {st} {d}")
finally:
    for s in held:
        s.close()
    check(srv.stop() == 0, "server stops cleanly")
done()
