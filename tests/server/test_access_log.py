"""The access log written through a buffer (web/server.c): one JSON line for
every request, none lost. Eight clients at once, each making its requests one
after the other: once they are all answered and the server is at rest, every
line is in the file (the last request out flushes it); then more requests from
clients still at it when SIGTERM arrives, and after the clean stop every one of
those answered is in the file too (flushed at the stop). A path with a quote, a
backslash, broken UTF-8 or a control character still makes a line of JSON."""
import threading

from lib import *

CLIENTS, EACH = 8, 40


def hammer(srv, tag, answered):
    c = srv.client()
    for i in range(EACH):
        try:
            st, _ = c.get(f"/{tag}-{i}")
        except OSError:
            return  # the server stopping: not answered
        if st == 404:  # a page of no one's: answered, and logged by its path
            answered.append(f"/{tag}-{i}")


def logged(srv, prefix):
    return [l for l in srv.access_log() if l.get("path", "").startswith(prefix)]


srv = Server().start()
try:
    answered = []
    threads = [threading.Thread(target=hammer, args=(srv, f"a{k}", answered)) for k in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    check(len(answered) == CLIENTS * EACH, f"every request answered: {len(answered)}")
    # The line is written just after the answer is sent: waited for, not timed.
    for _ in range(100):
        if len(logged(srv, "/a")) >= len(answered):
            break
        time.sleep(0.1)
    lines = logged(srv, "/a")
    check(sorted(l["path"] for l in lines) == sorted(answered),
          f"at rest, every request has its line in the file: {len(lines)} of {len(answered)}")
    check(all(l["status"] == 404 and l["method"] == "GET" for l in lines), "each line says what was answered")

    # A request left in flight (a POST whose body never comes): the lines of the
    # requests answered meanwhile still reach the file within a second or so
    # (the watchdog's flush), not when the slow one ends.
    import socket
    slow = socket.create_connection(("127.0.0.1", srv.port))
    slow.sendall(b"POST /api/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                 b"Content-Length: 100\r\n\r\n{")
    time.sleep(0.3)
    c = srv.client()
    for i in range(3):
        c.get(f"/c-{i}")
    for _ in range(50):
        if len(logged(srv, "/c-")) == 3:
            break
        time.sleep(0.1)
    check(len(logged(srv, "/c-")) == 3, f"with a request in flight, the lines answered reach the file: {len(logged(srv, '/c-'))} of 3")
    slow.close()

    more = []
    threads = [threading.Thread(target=hammer, args=(srv, f"b{k}", more)) for k in range(CLIENTS)]
    for t in threads:
        t.start()
    while len(more) < CLIENTS * 5:
        time.sleep(0.01)
    code = srv.stop()
    for t in threads:
        t.join()
    check(code == 0, f"SIGTERM stops the server cleanly (exit {code})")
    lines = logged(srv, "/b")
    got = {l["path"] for l in lines}
    check(len(more) >= CLIENTS * 5 and all(p in got for p in more),
          f"after a clean stop under load, every request answered has its line: {len(got)} logged, {len(more)} answered")
    check(len(lines) == len(got), "no line written twice")
finally:
    srv.stop()

# Written without a JSON library: a quote, a backslash, a letter beyond ASCII,
# broken UTF-8 and a control character all leave a line of JSON.
srv = Server().start()
try:
    c = srv.client()
    codes = [c.get(p)[0] for p in ("/q%22b%5Cc%C3%A9", "/q%FFy", "/q%01z")]
finally:
    srv.stop()
raw = [l for l in open(os.path.join(srv.dir, "access.log"), encoding="utf-8") if '"path":"/q' in l]
paths = []
for l in raw:
    try:
        paths.append(json.loads(l)["path"])
    except ValueError:
        check(False, f"a line that is no JSON: {l!r}")
check(sorted(paths) == sorted(['/q"b\\cé', "/q?y", "/q?z"]), f"the paths as requested, odd bytes as '?': {paths} {codes}")
done()
