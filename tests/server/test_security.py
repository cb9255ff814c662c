"""Issue 13, "nobody forged in, nobody locked out", against a real server on loopback
addresses: the security headers on every kind of response; one address holding 2,100
half-sent requests while another is served; the page cache bounded whatever the junk
in the query; failed logins that lock out nobody else (per account and address,
X-Forwarded-For believed from a trusted proxy only); common passwords refused with
the reason; control characters and broken UTF-8 in a path refused.

Other client addresses are loopback ones (127.0.0.2, 127.0.0.3...): Linux answers on
all of 127.0.0.0/8. Every loop is bounded."""
import http.client
import os
import re
import resource
import socket
import time

from lib import *

SECURITY = {
    "content-security-policy": ["default-src 'self'", "script-src 'self'", "frame-ancestors 'none'",
                                "base-uri 'none'", "form-action 'self'"],
    "x-content-type-options": ["nosniff"],
    "x-frame-options": ["DENY"],
    "referrer-policy": [""],
}


def raw(port, method, path, headers=None, body=None, source=None, timeout=30):
    """One request on its own connection: (status, lower-cased headers, body text)."""
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout,
                                   source_address=(source, 0) if source else None)
    c.request(method, path, body=body, headers=headers or {})
    r = c.getresponse()
    text = r.read().decode("utf-8", "replace")
    c.close()
    return r.status, {k.lower(): v for k, v in r.getheaders()}, text


def check_headers(what, h):
    for name, parts in SECURITY.items():
        v = h.get(name)
        check(v is not None and all(p in v for p in parts), f"{what}: {name} is {v!r}")
    csp = h.get("content-security-policy", "")
    check("unsafe-inline" not in csp, f"{what}: the CSP allows no inline script: {csp}")


def server_log(server):
    """What the server wrote on standard error (and standard output)."""
    return open(os.path.join(server.dir, "server.log"), encoding="utf-8", errors="replace").read()


def big_election(path, bureaux):
    """A native results file with many bureaux, so that a page of it weighs."""
    with open(path, "w") as f:
        f.write("# election: Municipales de Grandville\n# rules: single\n# levels: commune, bureau\n")
        f.write("commune,bureau,inscrits,votants,blancs,nuls,exprimes,Liste A,Liste B\n")
        for i in range(bureaux):
            f.write(f"Grandville,{i + 1},1000,600,5,5,590,300,290\n")


# ---- a server without trusted proxy ----

srv = Server()
admin_db(srv)
run("election", "import", "--db", srv.db, os.path.join(EXAMPLES, "federation-designation.csv"))
big = os.path.join(srv.dir, "grandville.csv")
big_election(big, 150)
run("election", "import", "--db", srv.db, big)
srv.start()
try:
    port = srv.port
    admin = srv.client()
    check(admin.login("admin", bearer=True)[0] == 200, "admin logs in")

    # -- Security headers on every kind of response --
    kinds = [("GET", "/", None, None, 200, "page"),
             ("GET", "/", None, None, 200, "page, from the cache"),
             ("GET", "/api/elections", None, None, 200, "API JSON"),
             ("GET", "/api/elections", None, None, 200, "API JSON, from the cache"),
             ("GET", "/e/1", None, None, 200, "results page"),
             ("GET", "/e/1", None, None, 200, "results page, from the cache"),
             ("GET", "/nowhere", None, None, 404, "404 page"),
             ("GET", "/api/nowhere", None, None, 404, "404 JSON"),
             ("GET", "/e/1%00/b/1", None, None, 400, "400"),
             ("PUT", "/", None, None, 405, "405"),
             ("POST", "/login", {"Content-Type": "application/x-www-form-urlencoded"},
              "user=admin&password=" + PASSWORD, 303, "redirect"),
             ("POST", "/api/login", {"Content-Type": "application/json"},
              '{"user": "nobody-here", "password": "x-wrong-x"}', 401, "401 JSON"),
             ("GET", "/static/urne.css", None, None, 200, "static CSS"),
             ("GET", "/static/urne.css", None, None, 200, "static CSS, from the cache")]
    for method, path, headers, body, want, what in kinds:
        st, h, _ = raw(port, method, path, headers, body)
        check(st == want, f"{what}: {method} {path} answers {st}, expected {want}")
        check_headers(what, h)
        if "from the cache" in what:
            check(h.get("x-cache") == "hit", f"{what}: served from the cache ({h.get('x-cache')})")
    st, h, _ = raw(port, "GET", "/e/1", {"Authorization": "Bearer " + admin.token})
    check(st == 200, f"a logged-in page: {st}")
    check_headers("logged-in page", h)
    check(h.get("cache-control") == "no-store", f"a logged-in page is not stored: {h.get('cache-control')}")

    # -- Control characters and broken UTF-8 in a path or query: 400 --
    for path in ("/e/1%00/b/1", "/e/1%00", "/e/1%01/b/1", "/e/1%0a/b/1", "/e/1%0D", "/e/1%7f", "/e/1%1b",
                 "/e/%ff", "/e/1%c3", "/e/%c0%af", "/e/%ed%a0%80", "/api/elections/1%00",
                 "/e/1?unit=%00", "/e/1?level=%01", "/?x=%ff"):
        st, h, text = raw(port, "GET", path)
        check(st == 400, f"GET {path}: {st}, expected 400 ({text[:80]!r})")
    st, _, text = raw(port, "GET", "/api/elections/1%00")
    check(text.startswith("{") and '"status":400' in text.replace(" ", ""), f"an API path's 400 is JSON: {text}")
    for path, want in (("/e/1/b/1", 200), ("/e/%C3%A9", 404), ("/e/1?unit=Rh%C3%B4ne", 200)):
        st, _, _ = raw(port, "GET", path)
        check(st == want, f"GET {path}: {st}, expected {want} (clean UTF-8 is not refused)")
    st, _, _ = raw(port, "GET", "/e/1/b/1")
    check(st == 200, "the server still answers after the refusals")

    # -- Passwords: the common and the trivial are refused, with the reason --
    refused = {"password": "dictionary", "azertyuiop": "dictionary", "        ": "blank",
               "short": "at least 8", "qwertyuiop": "dictionary", "12345678": "simplistic"}
    for i, (pw, why) in enumerate(refused.items()):
        st, d = admin.post("/api/users", {"name": f"user{i}", "password": pw, "role": "observer", "tier": 1})
        msg = d.get("error", "") if isinstance(d, dict) else str(d)
        check(st == 400 and why in msg, f"password {pw!r} refused with the reason ({why}): {st} {d}")
    st, d = admin.post("/api/users", {"name": "marguerite-lenoir", "password": "marguerite-lenoir",
                                      "role": "observer", "tier": 1})
    check(st == 400 and "user name" in str(d), f"the user name as password refused: {st} {d}")
    st, d = admin.post("/api/users", {"name": "gaston", "password": "Gaston123", "role": "observer", "tier": 1})
    check(st == 400 and "too easy to guess" in str(d), f"the user name with digits refused: {st} {d}")
    for name, pw in (("dominique", PASSWORD), ("claude", "browser-pass-1"), ("camille", "demo-pass-2026")):
        st, d = admin.post("/api/users", {"name": name, "password": pw, "role": "observer", "tier": 1})
        check(st == 200, f"a fair password ({pw}) is accepted: {st} {d}")
    p = run("admin", "create", "--db", srv.db, "--user", "someone", stdin="password\n", ok=False)
    check(p.returncode != 0 and "dictionary" in p.stderr, f"urne admin create refuses 'password': {p.stderr}")

    # -- The page cache: junk query arguments make no new entries; memory stays bounded --
    path = "/api/elections/2/results?level=bureau"
    st, _, first = raw(port, "GET", path)
    check(st == 200 and len(first) > 40000, f"a heavy page to cache: {st}, {len(first)} bytes")
    for _ in range(3):
        raw(port, "GET", path)
    before = srv.rss_kb()
    same = hits = 0
    for i in range(1000):
        st, h, text = raw(port, "GET", f"{path}&format=f{i}&junk{i % 7}=x{i}")
        same += st == 200 and text == first
        hits += h.get("x-cache") == "hit"
    after = srv.rss_kb()
    check(same == 1000, f"every junk variant got the same page ({same} of 1000)")
    check(hits == 1000, f"every junk variant was the one cached page ({hits} hits of 1000)")
    grown = (after - before) / 1024
    print(f"cache: a {len(first) // 1024} KiB page, 1000 junk variants: RSS {before} -> {after} kB "
          f"({grown:.1f} MiB)")
    # One entry per variant (as before issue 13) would be 1000 x 86 KiB; the margin is
    # for the allocator and the sanitizer build's quarantine of freed memory.
    check(grown < 24, f"1000 junk query variants grew the server by {grown:.1f} MiB (the cache must not)")

    # -- Failed logins without a trusted proxy: X-Forwarded-For is ignored --
    for i in range(30):
        st, _ = srv.client("127.0.0.2").login(f"ghost{i}", "not-the-password",
                                              headers={"X-Forwarded-For": f"10.1.0.{i}"})
        check(st == 401, f"failure {i + 1} for a non-existent user from 127.0.0.2: {st}")
    st, d = srv.client("127.0.0.3").login("admin")
    check(st == 200, f"the administrator logs in from another address after 30 failures: {st} {d}")
    for i in range(5):
        st, _ = srv.client("127.0.0.4").login("dominique", "wrong-guess-1",
                                              headers={"X-Forwarded-For": f"10.2.0.{i}"})
        check(st == 401, f"wrong guess {i + 1} for dominique from 127.0.0.4: {st}")
    st, d = srv.client("127.0.0.4").login("dominique", headers={"X-Forwarded-For": "10.2.9.9"})
    check(st == 429, f"X-Forwarded-For from an untrusted peer changes nothing: the pair still waits: {st} {d}")
    st, d = srv.client("127.0.0.5").login("dominique")
    check(st == 200, f"the correct password from an address that did not fail: {st} {d}")
    log = srv.access_log()
    check(not any(l.get("remote", "").startswith("10.") for l in log),
          "the access log never names an address taken from an untrusted X-Forwarded-For")
    check(re.search(r'login throttled: address 127\.0\.0\.4, account "dominique", 5 failures, wait [1-9]',
                    server_log(srv)), "the throttling is logged with address, account and wait")

    # -- One address holding 2,100 half-sent requests (the figure) does not starve another --
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < 2400 and hard >= 2400:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 4096), hard))
    idle = []
    for i in range(2100):
        s = socket.socket()
        s.settimeout(5)
        try:
            s.connect(("127.0.0.1", port))
            s.send(b"GET /e/1 HTTP/1.1\r\nHost: loc")
        except OSError:
            pass
        idle.append(s)
    # Three tries at most, each given one second: all are over long before the idle
    # connections' time-out could free anything.
    best = None
    for _ in range(3):
        t0 = time.monotonic()
        try:
            st, _, _ = raw(port, "GET", "/api/audit/head", source="127.0.0.2", timeout=1)
        except OSError as e:
            st = str(e)
        dt = time.monotonic() - t0
        if st == 200 and (best is None or dt < best):
            best = dt
    check(best is not None and best < 0.1,
          f"another address is served in under 100 ms while 127.0.0.1 holds 2,100 idle connections: {best}")
    try:
        st, _, _ = raw(port, "GET", "/api/audit/head", timeout=1)
    except OSError:
        st = "refused"
    check(st == "refused", f"the address holding them gets no more: {st}")
    for s in idle:
        s.close()
    served = False
    for _ in range(100):
        try:
            served = raw(port, "GET", "/api/audit/head")[0] == 200
        except OSError:
            pass
        if served:
            break
        time.sleep(0.05)
    check(served, "once its connections are closed, 127.0.0.1 is served again")
finally:
    srv.stop()

# ---- a server behind a trusted proxy (127.0.0.1): X-Forwarded-For names the client ----

proxied = Server(args=["--trusted-proxy", "127.0.0.1", "--trusted-proxy", "10.9.0.0/16", "--cache-size", "1"])
admin_db(proxied)
big = os.path.join(proxied.dir, "grandville.csv")
big_election(big, 1200)
run("election", "import", "--db", proxied.db, big)
proxied.start()
try:
    # -- The cache holds at most --cache-size (1 MiB here), the least recently used going first --
    pages = [f"/e/1/b/{i}" for i in range(1200)]  # some 4 MB of pages in all
    st, _, text = raw(proxied.port, "GET", pages[0])
    check(st == 200 and len(text) > 1000, f"a bureau page: {st}, {len(text)} bytes")
    rss0 = proxied.rss_kb()
    for p in pages:
        raw(proxied.port, "GET", p)
        raw(proxied.port, "GET", pages[-1] if p == pages[0] else pages[0])  # the first page stays in use
    rss1 = proxied.rss_kb()
    check(raw(proxied.port, "GET", pages[0])[1].get("x-cache") == "hit", "the page in constant use is kept")
    check(raw(proxied.port, "GET", pages[-2])[1].get("x-cache") == "hit", "a page just seen is kept")
    check(raw(proxied.port, "GET", pages[1])[1].get("x-cache") != "hit", "the least recently used page went first")
    # (Memory is not compared here: 2,400 pages rendered leave the allocator, and the
    # sanitizer's quarantine, holding more than the cache does.)
    print(f"cache: 1200 pages of {len(text)} bytes, --cache-size 1: RSS {rss0} -> {rss1} kB")

    def xff(addr, user, password=PASSWORD):
        return proxied.client().login(user, password, headers={"X-Forwarded-For": addr})[0]

    a = proxied.client()
    check(a.login("admin", bearer=True)[0] == 200, "admin logs in behind the proxy")
    make_users(a, {"obs": ("observer", 1)})
    for i in range(30):
        st = xff("10.0.0.66", f"ghost{i}", "not-the-password")
        check(st == 401, f"failure {i + 1} for a non-existent user from 10.0.0.66: {st}")
    check(xff("10.0.0.1", "admin") == 200, "the administrator logs in from another address after 30 failures")
    check(xff("10.0.0.66", "admin") == 200,
          "even from the failing address, an account it did not fail on is not refused")
    check(xff("10.0.0.66", "ghost3", "not-the-password") == 429,
          "after 30 failures from an address, a pair that failed there waits after one failure")
    for i in range(5):
        check(xff("10.0.0.7", "obs", "wrong-guess-1") == 401, f"wrong guess {i + 1} for obs from 10.0.0.7")
    check(xff("10.0.0.8", "obs") == 200, "the correct password from an address that did not fail is accepted")
    check(xff("10.0.0.7", "obs") == 429, "the pair that failed five times waits, even with the right password")
    check(xff("10.0.0.7, 10.0.0.9", "obs") == 200,
          "the right-most address counts (a client cannot pass for the address that failed)")
    check(xff("10.0.0.9, 10.0.0.7", "obs") == 429,
          "a client cannot hide behind a forged left-hand X-Forwarded-For")
    check(xff("10.0.0.7, 127.0.0.1", "obs") == 429 and xff("10.0.0.7, 10.9.3.4, 127.0.0.1", "obs") == 429,
          "trusted proxies in the chain are skipped")
    check(xff("10.0.0.7:51234", "obs") == 429, "an entry with a port is the address")
    for i in range(5):
        check(xff("[2001:db8::7]:443", "obs", "wrong-guess-1") == 401, f"wrong guess {i + 1} from 2001:db8::7")
    check(xff("2001:db8::7", "obs") == 429, "an IPv6 pair waits like any other")
    check(xff("2001:db8::8", "obs") == 200, "another IPv6 address is not held back")
    st, d = proxied.client("127.0.0.2").login("obs", headers={"X-Forwarded-For": "10.0.0.7"})
    check(st == 200, f"from a peer that is not a trusted proxy X-Forwarded-For is ignored: {st} {d}")
    log = proxied.access_log()
    check(re.search(r'login throttled: address 10\.0\.0\.7, account "obs"', server_log(proxied)),
          "the throttling is logged with the forwarded address")
    check(re.search(r'address throttled: address 10\.0\.0\.66, 30 failures', server_log(proxied)),
          "the address's own limit is logged")
    check(any(l.get("remote") == "10.0.0.8" and l.get("peer") == "127.0.0.1" for l in log),
          "the access log names the client and the proxy it came through")
finally:
    proxied.stop()

# Slow headers: a client that sends one byte a second is never idle, yet gets no more
# than the connection timeout (here 2 s) to finish its headers; a keep-alive client
# that sends a whole request in time is served.
slow = Server(args=["--connection-timeout", "2"])
slow.start()
try:
    s = socket.create_connection(("127.0.0.1", slow.port), timeout=10)
    start = time.monotonic()
    closed_after = None
    for ch in b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 20:
        try:
            s.send(bytes([ch]))
            time.sleep(0.25)
            s.setblocking(False)
            try:
                if s.recv(1) == b"":
                    closed_after = time.monotonic() - start
                    break
            except BlockingIOError:
                pass
            finally:
                s.setblocking(True)
        except OSError:
            closed_after = time.monotonic() - start
            break
        if time.monotonic() - start > 8:
            break
    s.close()
    check(closed_after is not None and closed_after < 6,
          f"a client trickling its headers is cut after the timeout ({closed_after})")
    st, _ = slow.client().get("/")
    check(st == 200, "a normal client is served by the same server")
finally:
    slow.stop()

p = run("serve", "--help")
for opt in ("--max-connections-per-address", "--connection-timeout", "--trusted-proxy", "--cache-size"):
    check(opt in p.stdout, f"urne serve --help shows {opt}")
p = run("serve", "--trusted-proxy", "not-an-address", "--db", os.path.join(srv.dir, "x.db"), ok=False)
check(p.returncode != 0 and "--trusted-proxy not-an-address" in p.stderr, f"a bad --trusted-proxy: {p.stderr}")
done()
