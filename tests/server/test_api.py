"""API tests against a real server on a loopback port: every mutating route
refused for every role that may not use it, scope, CSRF, sessions, throttling."""
import os

from lib import *

srv = federation_server()
try:
    admin = admin_client(srv)
    make_users(admin, {"sec": ("secretary", 1), "other": ("secretary", 1), "com": ("commission", 1),
                       "nat": ("commission", 2), "obs": ("observer", 1)})
    st, d = admin.post("/api/assignments", {"user": "sec", "election": 1, "first": 5})
    check(st == 200, f"assign Brignais to sec: {st} {d}")

    # One open dispute and one decided, so that decide and escalate have something to act on.
    com = srv.client()
    com.login("com", bearer=True)
    st, d = com.post("/api/elections/1/bureaux/0/contest", {"reason": "procès-verbal illisible"})
    check(st == 200 and d["id"] == 1, f"contest bureau 0: {st} {d}")

    clients = {"public": srv.client()}
    for name in ("obs", "other", "com", "admin"):
        c = srv.client()
        check(c.login(name, bearer=True)[0] == 200, f"{name} logs in")
        clients[name] = c
    role_of = {"public": "public", "obs": "observer", "other": "secretary", "com": "commission", "admin": "admin"}

    # route -> roles that may use it. An allowed role sends an empty body and is
    # refused for its content (400/409/422), never for who it is.
    mutating = {
        "/api/users": {"admin"},
        "/api/assignments": {"admin"},
        "/api/elections": {"admin"},
        "/api/elections/1/bureaux/5/sheet": set(),  # only the assigned secretary, tested below
        "/api/elections/1/bureaux/1/contest": {"commission"},
        "/api/elections/1/disputes/1/decide": {"commission"},
        "/api/elections/1/disputes/1/escalate": {"commission", "admin"},
        "/api/elections/1/publish": {"admin"},
    }
    table = []
    for route, allowed in mutating.items():
        for who, c in clients.items():
            if route.endswith("/publish") and role_of[who] == "admin":
                continue  # would publish for real; tested in the story
            st, d = c.post(route, {})
            role = role_of[who]
            if role in allowed:
                ok = st not in (401, 403)
            else:
                ok = st == (401 if role == "public" else 403)
            table.append((route, role, st))
            check(ok, f"POST {route} as {role}: got {st} {d}")
    print(f"route x role: {len(table)} cases")

    # Scope: a secretary enters only the bureaux assigned to them.
    sec = srv.client()
    sec.login("sec", bearer=True)
    sheet = {"inscrits": 90, "votants": 60, "blancs": 1, "nuls": 1, "votes": [20, 20, 18]}
    st, d = clients["other"].post("/api/elections/1/bureaux/5/sheet", sheet)
    check(st == 403, f"unassigned secretary refused: {st} {d}")
    st, d = sec.post("/api/elections/1/bureaux/4/sheet", sheet)
    check(st == 403, f"secretary refused on a bureau not theirs: {st} {d}")
    st, d = sec.post("/api/elections/1/bureaux/5/sheet", sheet)
    check(st == 200 and d["state"] == "entered", f"assigned secretary enters: {st} {d}")
    st, d = sec.post("/api/elections/1/bureaux/0/sheet", sheet)
    check(st == 403, f"secretary cannot touch a contested bureau not theirs: {st}")

    # Reads for the récolement: observers, commission, admin; not the public, not secretaries.
    for path in ("/api/elections/1/anomalies", "/api/elections/1/disputes", "/api/audit"):
        for who, c in clients.items():
            st, _ = c.get(path)
            role = role_of[who]
            want = 401 if role == "public" else 403 if role == "secretary" else 200
            check(st == want, f"GET {path} as {role}: {st}, expected {want}")
    st, _ = clients["obs"].get("/api/users")
    check(st == 403, "observer cannot list users")
    st, d = clients["public"].get("/api/elections/1/results")
    check(st == 200 and d["units"][0]["status"] == "frozen", f"public results readable and frozen: {st}")

    # CSRF: a browser session must send its token with every POST.
    b = srv.client()
    st, d = b.login("com")
    check(st == 200 and b.cookie and b.cookie.startswith("urne_session="), "cookie session opened")
    token = b.csrf
    b.csrf = None
    st, d = b.post("/api/elections/1/bureaux/1/contest", {"reason": "test"})
    check(st == 403 and "CSRF" in d["error"], f"POST without CSRF token refused: {st} {d}")
    st, d = b.post("/api/elections/1/bureaux/1/contest", {"reason": "test"}, headers={"X-CSRF-Token": "0" * 32})
    check(st == 403, f"POST with a wrong CSRF token refused: {st}")
    st, d = b.request("POST", "/e/1/b/1/contest", raw=b"reason=form+without+token",
                      content_type="application/x-www-form-urlencoded")
    check(st == 403, f"form POST without its csrf field refused: {st}")
    st, d = b.request("POST", "/e/1/b/1/contest", raw=f"reason=recount+asked&csrf={token}".encode(),
                      content_type="application/x-www-form-urlencoded", headers={"X-CSRF-Token": token})
    check(st == 303 and b.location == "/e/1/b/1", f"form POST with its token accepted, sent on: {st} {b.location}")
    st, d = b.follow()
    check(st == 200 and "gelés" in d, f"form POST with its token accepted: {st}")

    # Sessions: a forged or closed session is nobody.
    f = srv.client()
    f.cookie = "urne_session=" + "ab" * 32
    st, _ = f.post("/api/elections/1/publish")
    check(st == 401, f"forged session cookie is not a login: {st}")
    b.csrf = token
    st, _ = b.post("/api/logout")
    old = "urne_session=" + "0" * 64
    check(st == 200 and b.cookie is None, "logout clears the cookie")
    st, _ = b.get("/api/me")
    check(st == 401, f"after logout /api/me is 401: {st}")

    # Cookies are HttpOnly and SameSite.
    c = http.client.HTTPConnection("127.0.0.1", srv.port)
    c.request("POST", "/api/login", body=json.dumps({"user": "obs", "password": PASSWORD}),
              headers={"Content-Type": "application/json"})
    r = c.getresponse()
    r.read()
    cookie = r.getheader("Set-Cookie") or ""
    check("HttpOnly" in cookie and "SameSite=Strict" in cookie, f"session cookie flags: {cookie}")

    # Throttling: five wrong passwords, then even the right one waits.
    t = srv.client()
    for i in range(5):
        st, _ = t.login("obs", "wrong-password")
        check(st == 401, f"wrong password {i + 1}: {st}")
    st, d = t.login("obs")
    check(st == 429, f"sixth attempt throttled: {st} {d}")
    wait = d.get("retry_after", 0) if isinstance(d, dict) else 0
    check(0 < wait <= 60 and str(wait) in d.get("error", ""), f"the wait is the throttle's and said: {d}")
    c = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=10)
    c.request("POST", "/api/login", body=json.dumps({"user": "obs", "password": PASSWORD}),
              headers={"Content-Type": "application/json"})
    resp = c.getresponse()
    resp.read()
    c.close()
    header = int(resp.getheader("Retry-After") or 0)
    check(resp.status == 429 and 0 < header <= 60, f"Retry-After is the remaining wait: {resp.status} {header}")
    st, _ = srv.client().login("nat")
    check(st == 200, "another account is not throttled")

    # Elections: by importing a file (the body), by form fields, and a broken file's message.
    text = open(os.path.join(EXAMPLES, "primary-round2.csv"), "rb").read()
    st, d = admin.request("POST", "/api/elections?double_entry=1&source=primary-round2.csv", raw=text,
                          content_type="text/csv")
    check(st == 201 and d["id"] == 2, f"import a file as the body: {st} {d}")
    st, d = admin.get("/api/elections/2")
    check(d.get("double_entry") is True and d.get("state") == "final" and d.get("bureaux") == 4,
          f"imported election as stated: {d}")
    st, d = admin.post("/api/elections", {"title": "Conseil citoyen de Montval", "rules": "single",
                                          "levels": "commune, bureau",
                                          "candidates": "Liste A\nListe B",
                                          "bureaux": "Montval;1;800\nMontval;2;750"})
    check(st == 201, f"create an election from fields: {st} {d}")
    st, e = admin.get(f"/api/elections/{d.get('id')}")
    check(e.get("bureaux") == 2 and e.get("state") == "partial" and
          [c["name"] for c in e["contests"][0]["candidates"]] == ["Liste A", "Liste B"],
          f"the form's election: {e}")
    st, b = admin.get(f"/api/elections/{d.get('id')}/bureaux/1")
    check(b.get("inscrits") == 750 and b.get("state") == "missing", f"a form bureau waits with its inscrits: {b}")
    broken = b"# levels: commune, bureau\ncommune;bureau;inscrits;votants;blancs;nuls;A\nX;1;100;120;0;0;120\n"
    st, d = admin.request("POST", "/api/elections?format=native&source=broken.csv", raw=broken,
                          content_type="text/csv")
    check(st == 422 and "broken.csv:3" in d["error"] and "votants-le-inscrits" in d["error"],
          f"a broken file is refused with its line and rule: {st} {d}")
    st, d = admin.request("POST", "/api/elections?format=native&source=broken.csv", raw=broken,
                          content_type="text/csv", headers={"Accept-Language": "fr"})
    check(st == 422 and d["error"].startswith("1 erreur(s) dans broken.csv\u00a0:") and "broken.csv:3" in d["error"]
          and "erreur" in d["error"].split("\n")[1] and "votants-le-inscrits" in d["error"],
          f"the same refusal in French for a French reader: {st} {d}")
    st, all_e = admin.get("/api/elections")
    check(len(all_e) == 3, "nothing of the broken file was kept")

    # Request size limit.
    # (announced, then refused before the body is read)
    sock = socket.create_connection(("127.0.0.1", srv.port))
    sock.sendall(b"POST /api/users HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                 b"Content-Length: 2097152\r\n\r\n")
    head = sock.recv(4096).decode()
    sock.close()
    check(head.startswith("HTTP/1.1 413") and "Request too large: at most 1 MiB here." in head,
          f"2 MiB body refused with 413, the room said: {head}")
    # An import's room (256 MiB) is for a logged-in account: the public's 2 MiB to an
    # import's path is refused before it is read, whatever the path looks like.
    for path in (b"/api/elections", b"/admin/elections", b"/api/match/1/import", b"/match/x/zzz/act"):
        sock = socket.create_connection(("127.0.0.1", srv.port))
        sock.sendall(b"POST " + path + b" HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     b"Content-Length: 2097152\r\n\r\n")
        head = sock.recv(4096).decode()
        sock.close()
        check(head.startswith("HTTP/1.1 413"), f"the public's 2 MiB to {path}: 413: {head[:40]}")
    big = "x" * (2 << 20)
    st, d = admin.request("POST", "/api/elections", raw=big.encode(), content_type="text/csv")
    check(st not in (413, 0), f"an administrator's 2 MiB import is read (and judged on its content): {st}")
    st, _ = admin.get("/api/nothing")
    check(st == 404, "unknown route is 404")
finally:
    code = srv.stop()
    check(code == 0, f"SIGTERM stops the server cleanly (exit {code})")
    log = open(os.path.join(srv.dir, "access.log")).read().splitlines()
    check(len(log) > 50 and all(json.loads(l)["status"] > 0 for l in log), "access log has one JSON line per request")
done()
