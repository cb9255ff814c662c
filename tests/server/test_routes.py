"""Every route x every role, driven by the server's own route table (`urne routes
--json`): a role the table does not name is refused (401 when not logged in, 403
otherwise) on pages and API alike; a role it names is never refused for who it is
(an empty body is then refused for its content: 400, 404, 409, 422). And docs/API.md's
role table is the table's own Markdown (`urne routes --markdown`), so the docs cannot
drift from what the server does."""
import json
import os
import re

from lib import *

routes = json.loads(run("routes", "--json").stdout)
check(len(routes) >= 40, f"the table lists the routes: {len(routes)}")
check(all(r["method"] in ("GET", "POST") for r in routes), "every route is GET or POST")
patterns = {(r["method"], r["pattern"]) for r in routes}
check(len(patterns) == len(routes), "no route is listed twice")

# docs/API.md holds the table's Markdown between markers, byte for byte.
doc = open(os.path.join(SOURCE, "docs", "API.md"), encoding="utf-8").read()
block = re.search(r"<!-- routes:begin.*?-->\n(.*?)<!-- routes:end -->", doc, re.S)
markdown = run("routes", "--markdown").stdout
check(block is not None and block.group(1) == markdown,
      "docs/API.md's role table is `urne routes --markdown` (regenerate it with that command)")

srv = federation_server()
try:
    admin = admin_client(srv)
    make_users(admin, {"sec": ("secretary", 1), "com": ("commission", 1), "obs": ("observer", 1)})
    st, _ = admin.post("/api/assignments", {"user": "sec", "election": 1, "first": 5})
    check(st == 200, "assign a bureau to the secretary")
    com = srv.client()
    com.login("com", bearer=True)
    st, d = com.post("/api/elections/1/bureaux/0/contest", {"reason": "procès-verbal illisible"})
    check(st == 200, f"a dispute to act on: {st} {d}")

    clients = {"public": srv.client()}
    for role, name in (("observer", "obs"), ("secretary", "sec"), ("commission", "com"), ("admin", "admin")):
        c = srv.client()
        check(c.login(name, bearer=True)[0] == 200, f"{name} logs in")
        clients[role] = c

    def concrete(pattern):
        """The first star is election 1; the second a bureau (5, the secretary's) or dispute 1."""
        n = [0]

        def star(_):
            n[0] += 1
            return "1" if n[0] == 1 else ("1" if "/disputes/" in pattern else "5")
        return re.sub(r"\*", star, pattern)

    # Logging out ends the client's session: those routes go last.
    ordered = sorted(routes, key=lambda r: r["pattern"].endswith("/logout"))
    cases = 0
    for route in ordered:
        path = concrete(route["pattern"])
        for role, c in clients.items():
            if route["pattern"].endswith("/publish") and role == "admin":
                continue  # would publish for real: the story test does it
            if route["pattern"].endswith("/logout") and role != "public":
                continue  # would end the session the other cases need; checked below
            if route["method"] == "GET":
                st, d = c.get(path)
            elif path.startswith("/api/"):
                st, d = c.post(path, {})
            else:
                st, d = c.request("POST", path, raw=b"", content_type="application/x-www-form-urlencoded")
            cases += 1
            if role in route["roles"]:
                check(st not in (401, 403), f"{route['method']} {path} as {role}: allowed, got {st}")
            else:
                want = 401 if role == "public" else 403
                check(st == want, f"{route['method']} {path} as {role}: expected {want}, got {st}")
    print(f"route x role: {cases} cases")

    # Unknown paths and methods.
    st, _ = clients["public"].get("/api/nothing-here")
    check(st == 404, f"an unknown API path is 404: {st}")
    st, _ = clients["public"].get("/nothing-here")
    check(st == 404, f"an unknown page is 404: {st}")
    st, _ = clients["public"].get("/api/elections/1/publish")
    check(st == 405, f"GET on a POST-only API route is 405: {st}")
    st, d = clients["observer"].post("/api/logout", {})
    check(st == 200, f"logout: {st}")
    st, _ = clients["observer"].get("/api/me")
    check(st == 401, f"after logout the session's token is refused: {st}")
finally:
    srv.stop()
done()
