"""Helpers for the server tests: start `urne serve` on a free loopback port with a
fresh database, and talk to it as a browser (cookie + CSRF token) or as an API
client (bearer token). Standard library only."""
import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import time

URNE = sys.argv[1] if len(sys.argv) > 1 else "build/urne"
SOURCE = sys.argv[2] if len(sys.argv) > 2 else "."
EXAMPLES = os.path.join(SOURCE, "examples")
PASSWORD = "test-password-1"
failures = []


def check(cond, what):
    """Record a failed expectation (the test goes on, and exits 1 at the end)."""
    if not cond:
        failures.append(what)
        print("FAIL:", what, flush=True)


def done():
    if failures:
        print(f"{len(failures)} failure(s)")
        sys.exit(1)
    print("all passed")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def run(*args, stdin=None, ok=True):
    p = subprocess.run([URNE, *args], input=stdin, capture_output=True, text=True)
    if ok and p.returncode != 0:
        raise RuntimeError(f"urne {' '.join(args)} failed ({p.returncode}): {p.stderr}")
    return p


# URNE_TEST_DB_URL: the URL of a PostgreSQL database (tests/pg/run.sh sets it to the
# "postgres" database of its throwaway cluster). When set, each Server without a db
# of its own stores in a fresh database of that cluster instead of a SQLite file.
TEST_DB_URL = os.environ.get("URNE_TEST_DB_URL")


def fresh_pg_database():
    """A new, empty database beside TEST_DB_URL's; its URL."""
    import urllib.parse
    import uuid
    name = "urne_" + uuid.uuid4().hex[:16]
    subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", TEST_DB_URL, "-c", f"CREATE DATABASE {name}"],
                   check=True, capture_output=True)
    return urllib.parse.urlsplit(TEST_DB_URL)._replace(path="/" + name).geturl()


# ---- the store by hand, as someone with the database would (either backend) ----

def sql_text(value):
    """value as an SQL string literal (both dialects: quotes doubled)."""
    return "'" + str(value).replace("'", "''") + "'"


def _psql(url, *statements, query=False):
    args = ["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1"]
    if query:
        args += ["-F", "\x1f", "-R", "\x1e", "-P", "null=\x1d"]
    args.append(url)
    for st in statements:
        args += ["-c", st]
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def store_copy(srv, name):
    """A copy of the (idle) store of srv, named name ([a-z0-9_]): a SQLite file made
    by `urne backup`, or on PostgreSQL a database made from it as a template. Its
    --db."""
    if not srv.db.startswith("postgresql:"):
        path = os.path.join(srv.dir, name + ".db")
        run("backup", "--db", srv.db, path)
        return path
    import urllib.parse
    url = urllib.parse.urlsplit(srv.db)
    copy = url.path.lstrip("/") + "_" + name
    _psql(TEST_DB_URL, f"CREATE DATABASE {copy} TEMPLATE {url.path.lstrip('/')}")
    return url._replace(path="/" + copy).geturl()


def store_sql(db, *statements):
    """Run statements on the store db by hand, in one session, foreign keys not
    enforced (a plain sqlite3 session does not; on PostgreSQL a superuser's replica
    session skips them, as a hand would)."""
    if db.startswith("postgresql:"):
        _psql(db, "SET session_replication_role = replica", *statements)
        return
    import sqlite3
    con = sqlite3.connect(db)
    for st in statements:
        con.execute(st)
    con.commit()
    con.close()


def store_query(db, sql):
    """The rows of a query on the store db, each a tuple of strings (None: NULL)."""
    if db.startswith("postgresql:"):
        out = _psql(db, sql, query=True).rstrip("\n")
        return [tuple(None if v == "\x1d" else v for v in rec.split("\x1f"))
                for rec in out.split("\x1e") if rec.strip("\n")]
    import sqlite3
    con = sqlite3.connect(db)
    rows = [tuple(None if v is None else str(v) for v in r) for r in con.execute(sql)]
    con.close()
    return rows


def tampered(srv, name, statements):
    """A copy of srv's store with statements run on it by hand; `urne audit verify`'s
    result on the copy."""
    copy = store_copy(srv, name)
    store_sql(copy, *statements)
    return run("audit", "verify", "--db", copy, ok=False)


def check_tampered(srv, cases):
    """For each (what, statements, expected) in cases: on its own copy of srv's
    store, changed by hand, `urne audit verify` exits 1 and its errors hold
    `expected` (a text or a list of texts)."""
    for n, (what, statements, expected) in enumerate(cases):
        p = tampered(srv, f"t{n}", [statements] if isinstance(statements, str) else statements)
        wanted = [expected] if isinstance(expected, str) else expected
        check(p.returncode == 1 and all(w in p.stderr for w in wanted),
              f"{what}: verify names it: {p.returncode} {p.stderr}")


class Server:
    def __init__(self, db=None, args=()):
        """args: more options for `urne serve` (e.g. ["--trusted-proxy", "127.0.0.1"])."""
        self.dir = tempfile.mkdtemp(prefix="urne-test-")
        self.db = db or (fresh_pg_database() if TEST_DB_URL else os.path.join(self.dir, "urne.db"))
        self.port = None
        self.proc = None
        self.args = list(args)

    def start(self):
        self.port = free_port()
        self.log = open(os.path.join(self.dir, "server.log"), "a")
        self.proc = subprocess.Popen([URNE, "serve", "--db", self.db, "--listen", f"127.0.0.1:{self.port}",
                                      "--access-log", os.path.join(self.dir, "access.log"), *self.args],
                                     stdout=self.log, stderr=self.log)
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.1).close()
                return self
            except OSError:
                if self.proc.poll() is not None:
                    raise RuntimeError("urne serve exited: " + open(self.log.name).read())
                time.sleep(0.05)
        raise RuntimeError("urne serve did not start")

    def stop(self, sig=None):
        if self.proc and self.proc.poll() is None:
            if sig:
                self.proc.send_signal(sig)
            else:
                self.proc.terminate()
            self.proc.wait(timeout=30)
        return self.proc.returncode

    def client(self, source=None):
        return Client(self.port, source)

    def rss_kb(self):
        """The server's resident memory (VmRSS, kB), read from /proc."""
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return 0

    def access_log(self):
        """The access log's lines, parsed (JSON, one per line)."""
        path = os.path.join(self.dir, "access.log")
        if not os.path.exists(path):
            return []
        out = []
        for line in open(path, encoding="utf-8", errors="replace"):
            try:
                out.append(json.loads(line))
            except ValueError:
                pass
        return out


class KeepAlive:
    """One connection kept open for every request, as a browser keeps it (Client
    opens one per request, whose cost, libmicrohttpd's pool mapped and unmapped,
    would be half of what a benchmark measures). post answers the status."""

    def __init__(self, port):
        self.c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def post(self, path, body):
        self.c.request("POST", path, body=json.dumps(body), headers={"Content-Type": "application/json"})
        r = self.c.getresponse()
        r.read()
        return r.status


class Client:
    """A user agent. login() uses the browser's way (cookie, then X-CSRF-Token on
    POSTs) unless bearer=True. source: the loopback address to connect from
    (127.0.0.2...), to be another client address for the server."""

    def __init__(self, port, source=None):
        self.port = port
        self.source = source
        self.cookie = None
        self.csrf = None
        self.token = None
        self.last_headers = {}
        self.cookies = {}  # the flash of a form (urne_flash), kept like a browser (not urne_lang: tests pick theirs)
        self.location = None  # the last answer's Location, if any

    def request(self, method, path, body=None, headers=None, raw=None, content_type=None):
        h = dict(headers or {})
        jar = ([self.cookie] if self.cookie else []) + [f"{k}={v}" for k, v in self.cookies.items()]
        if jar:
            h["Cookie"] = "; ".join(jar)
        if self.token:
            h["Authorization"] = "Bearer " + self.token
        data = raw
        if body is not None:
            data = json.dumps(body).encode()
            h["Content-Type"] = "application/json"
        elif content_type:
            h["Content-Type"] = content_type
        if method == "POST" and self.csrf and "X-CSRF-Token" not in h and not self.token:
            h["X-CSRF-Token"] = self.csrf
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60,
                                       source_address=(self.source, 0) if self.source else None)
        c.request(method, path, body=data, headers=h)
        r = c.getresponse()
        text = r.read().decode("utf-8", "replace")
        c.close()
        self.last_headers = {k.lower(): v for k, v in r.getheaders()}
        self.location = self.last_headers.get("location")
        for k, v in r.getheaders():
            if k.lower() == "set-cookie" and v.startswith("urne_session="):
                val = v.split(";")[0]
                self.cookie = None if val == "urne_session=" else val
            elif k.lower() == "set-cookie" and v.startswith("urne_flash="):
                name, _, value = v.split(";")[0].partition("=")
                if value and "max-age=0" not in v.lower():
                    self.cookies[name] = value
                else:
                    self.cookies.pop(name, None)
        try:
            data = json.loads(text)
        except ValueError:
            data = text
        return r.status, data

    def form(self, path, fields, csrf=True):
        """POST an HTML form as a browser does (urlencoded, the CSRF token as the
        form's field, not a header). Returns (status, body)."""
        import urllib.parse
        data = dict(fields)
        if csrf and self.csrf:
            data.setdefault("csrf", self.csrf)
        token, self.csrf = self.csrf, None  # the field, not the header
        try:
            return self.request("POST", path, raw=urllib.parse.urlencode(data).encode(),
                                content_type="application/x-www-form-urlencoded")
        finally:
            self.csrf = token

    def follow(self):
        """GET the last answer's Location (a 303 after a form), as a browser does,
        with the cookies it set. Returns (status, body)."""
        return self.get(self.location)

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, body=None, **kw):
        return self.request("POST", path, body=body if body is not None else {}, **kw)

    def login(self, user, password=PASSWORD, bearer=False, headers=None):
        st, d = self.request("POST", "/api/login", body={"user": user, "password": password}, headers=headers)
        if st == 200:
            self.csrf = d["csrf"]
            if bearer:
                self.token = d["token"]
                self.cookie = None
        return st, d


def admin_db(server, name="admin"):
    run("admin", "create", "--db", server.db, "--user", name, stdin=PASSWORD + "\n")


def federation_server(double_entry=False):
    """A started server with the account "admin" and the federation example imported
    as election 1 (typed twice before it counts when double_entry)."""
    srv = Server()
    admin_db(srv)
    extra = ("--double-entry",) if double_entry else ()
    run("election", "import", "--db", srv.db, *extra, os.path.join(EXAMPLES, "federation-designation.csv"))
    srv.start()
    return srv


def admin_client(srv):
    """A client logged in as "admin" with a bearer token (checked)."""
    admin = srv.client()
    check(admin.login("admin", bearer=True)[0] == 200, "admin logs in")
    return admin


def make_users(admin, roles):
    """Create users name -> (role, tier) through the API."""
    for name, (role, tier) in roles.items():
        st, d = admin.post("/api/users", {"name": name, "password": PASSWORD, "role": role, "tier": tier})
        if st != 200:
            raise RuntimeError(f"creating {name}: {st} {d}")


INITIATIVE_RULES = ("preset = territories\nnational = 1%\nterritory = 1\nterritories = 1\n"
                    "opens = 2020-01-01\ncloses = 2099-01-01\nstop-at-threshold = no\n")


def open_initiative(admin, title, roll, electors, rules=INITIATIVE_RULES, committee="com"):
    """An initiative created by `admin` (an authority key of 0x22 bytes), its roll
    (`roll`: the CSV's lines after its header name,given,birth,commune,territory)
    imported with `electors` electors, submitted, admitted by a new commission
    member `committee`, opened, each step checked; the committee member's client
    (bearer). The initiative's id is the client's `initiative` (1 for the first)."""
    make_users(admin, {committee: ("commission", 1)})
    com = Client(admin.port)
    com.login(committee, bearer=True)
    st, d = admin.post("/api/initiatives", {"title": title, "rules": rules, "authority_key": "22" * 32})
    check(st == 201 and isinstance(d.get("id"), int), f"created: {st} {d}")
    com.initiative = d["id"]
    st, d = admin.post(f"/api/initiatives/{com.initiative}/roll",
                       {"csv": "name,given,birth,commune,territory\n" + roll})
    check(st == 200 and d.get("electors") == electors, f"a roll of {electors}: {st} {d}")
    for who, path, body in ((admin, "transition", {"event": "submit"}), (com, "decision", {"decision": "admit"}),
                            (admin, "transition", {"event": "open"})):
        st, d = who.post(f"/api/initiatives/{com.initiative}/{path}", body)
        check(st == 200, f"{body}: {st} {d}")
    return com


def primary_writer_server():
    """A started server with the account "admin", the primary's second round as
    election 1, and the secretary "alice" assigned its bureaux 0 to 3; the server
    and a client logged in as alice (bearer)."""
    live = Server()
    admin_db(live)
    run("election", "import", "--db", live.db, os.path.join(EXAMPLES, "primary-round2.csv"))
    live.start()
    a = live.client()
    a.login("admin", bearer=True)
    make_users(a, {"alice": ("secretary", 1)})
    a.post("/api/assignments", {"user": "alice", "election": 1, "first": 0, "last": 3})
    w = live.client()
    w.login("alice", bearer=True)
    return live, w


class EntryStream:
    """Sheets entered without pause by `client` (primary_writer_server's alice) on
    bureaux 0 to 3 of election 1, in a thread, from start() until stop()."""

    def __init__(self, client):
        import threading
        self.client, self.done, self.sent = client, threading.Event(), 0
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self.done.is_set():
            v = 170 + self.sent % 7
            self.client.post(f"/api/elections/1/bureaux/{self.sent % 4}/sheet",
                             {"inscrits": 1210, "votants": 402, "blancs": 4, "nuls": 2, "votes": [v, 396 - v]})
            self.sent += 1

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        """Stop and wait; the number of sheets sent. Safe to call twice."""
        self.done.set()
        if self.thread.is_alive():
            self.thread.join()
        return self.sent

