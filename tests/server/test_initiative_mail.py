"""E-mail confirmation for lighter petitions (issue 18), with a real SMTP server
(aiosmtpd, started here as a sink on a free port): sign -> pending, not counted
-> the mail received, in the signer's language, with an absolute link -> the
link's page and its button -> counted, with a receipt; following it twice is
harmless; a second signature with the same address (another spelling, other
names) counts nothing; asking again within 10 minutes mails nothing more; the
relay down -> the mail kept in the outbox, tried again past the old cap of
tries, shown waiting with its next try, and sent when it comes back; a mail the
relay refuses (550 5.1.1) fails for good at once, shown to administrators, while
one refused by the relay's configuration (550 5.7.1) is tried again; an expired
link counts nothing, and a server without a relay purges it all the same; bad
addresses get a message naming the field and rule; no address or link in clear
left in the store once the mail left; the rules refuse shares with e-mail; one
client asks at most 20 links an hour, one network as many as --mail-per-network
says (429, Retry-After, the form's page, in French and English)."""
import base64
import email
import os
import re
import threading
import time

try:
    from aiosmtpd.controller import Controller
except ImportError:  # Debian's python3-aiosmtpd, under a python3 that is not Debian's
    import sys
    sys.path.append("/usr/lib/python3/dist-packages")
    from aiosmtpd.controller import Controller

from lib import *

RULES = ("preset = local-petition\nidentity = email\nnational = 3\nopens = 2020-01-01\ncloses = 2099-01-01\n"
         "stop-at-threshold = no\n")


class Sink:
    """An SMTP server keeping every message it receives."""

    def __init__(self, port):
        self.messages = []
        self.port = port
        self.controller = Controller(self, hostname="127.0.0.1", port=port)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("lea@"):  # a mailbox the relay refuses for good
            return "550 5.1.1 No such user here"
        if address.startswith("noe@"):  # the relay's own configuration: mended by its administrator
            return "550 5.7.1 Relaying denied"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, email.message_from_bytes(envelope.content)))
        return "250 OK"

    def start(self):
        self.controller.start()
        return self

    def stop(self):
        self.controller.stop()


def wait_for(cond, seconds=30):
    end = time.time() + seconds
    while time.time() < end:
        if cond():
            return True
        time.sleep(0.1)
    return False


def body_of(msg):
    return msg.get_payload(decode=True).decode("utf-8")


def subject_of(msg):
    return str(email.header.make_header(email.header.decode_header(msg["Subject"])))


smtp_port = free_port()
sink = Sink(smtp_port).start()
srv = Server(args=["--smtp", f"smtp://127.0.0.1:{smtp_port}", "--mail-from", "petitions@example.org",
                   "--public-url", "https://petitions.example.org/"])
admin_db(srv)
KEY = run("initiative", "keygen", "--secret-key", os.path.join(srv.dir, "authority.key")).stdout.strip()
rules = os.path.join(srv.dir, "rules.txt")
open(rules, "w").write(RULES)
p = run("initiative", "create", "--db", srv.db, "--user", "admin", "--title", "Marché couvert", "--rules", rules,
        "--authority-key", KEY)
check("initiative 1 created" in p.stdout, f"created: {p.stdout}")
open(rules, "w").write(RULES.replace("national = 3", "national = 10%"))
p = run("initiative", "create", "--db", srv.db, "--user", "admin", "--title", "Share", "--rules", rules,
        "--authority-key", KEY, ok=False)
check(p.returncode != 0 and "confirmation by e-mail knows no electorate" in p.stderr,
      f"e-mail confirmation with a share of an unknown electorate: refused, naming the rule: {p.stderr}")

srv.start()
try:
    check("mail requests are held back per client address; behind a reverse proxy on 127.0.0.1"
          in open(os.path.join(srv.dir, "server.log")).read(),
          "mail on, listening on loopback, no --trusted-proxy: the server says the limits would count the proxy")
    admin = admin_client(srv)
    for e in ("submit",):
        admin.post("/api/initiatives/1/transition", {"event": e})
    make_users(admin, {"com": ("commission", 1)})
    com = srv.client()
    com.login("com", bearer=True)
    com.post("/api/initiatives/1/decision", {"decision": "admit", "reasons": "Recevable."})
    st, d = admin.post("/api/initiatives/1/transition", {"event": "open"})
    check(st == 200 and d.get("state") == "collecting", f"opened: {st} {d}")

    pub = srv.client()
    st, page = pub.get("/initiatives/1", headers={"Accept-Language": "en"})
    check(st == 200 and 'name=email' in page and 'action="/initiatives/1/mail"' in page and "Code from the letter" not in page,
          "the counter page offers the e-mail form, not the roll's nor the code's")
    st, d = pub.post("/api/initiatives/1/signatures", {"name": "Martin", "given": "Jean", "birth": "1970-01-01",
                                                        "commune": "Amiens"})
    check(st == 409 and d.get("rule") == "by-email", f"signing by name is refused, saying why: {st} {d}")

    # Bad addresses: the field and the rule named.
    for addr, rule in [("", "email-empty"), ("jean.martin", "email-at"), ("a@b@c.org", "email-at"),
                       ("jean..martin@example.org", "email-local"), ("jean@localhost", "email-domain"),
                       ("jéan@example.org", "email-not-ascii"), ("jean@exa mple.org", "email-domain"),
                       ("x@example.org\r\nBcc: y@example.org", "email-at"), ("x@exam\nple.org", "email-domain")]:
        st, d = pub.post("/api/initiatives/1/mail", {"name": "Martin", "given": "Jean", "birth": "1970-01-01",
                                                      "commune": "Amiens", "email": addr})
        check(st == 400 and d.get("field") == "email" and d.get("rule") == rule,
              f"{addr!r}: 400 naming field email and rule {rule}: {st} {d}")
    st, d = pub.post("/api/initiatives/1/mail", {"name": "Martin", "given": "Jean", "birth": "2015-01-01",
                                                  "commune": "Amiens", "email": "young@example.org"})
    check(st == 400 and d.get("field") == "birth" and d.get("rule") == "under-age", f"under age: {st} {d}")
    check(sink.messages == [], "no mail for a refused request")

    # Sign -> pending, not counted -> the mail.
    st, d = pub.post("/api/initiatives/1/mail", {"name": "Martin", "given": "Jean", "birth": "1970-01-01",
                                                  "commune": "Amiens", "email": "Jean.Martin@Example.org"},
                     headers={"Accept-Language": "fr"})
    check(st == 202 and d.get("pending") is True, f"pending: {st} {d}")
    first_answer = d
    st, d = pub.get("/api/initiatives/1")
    check(d.get("signatures") == 0, f"pending counts nothing: {d.get('signatures')}")
    check(wait_for(lambda: len(sink.messages) == 1), f"one mail received: {len(sink.messages)}")
    to, msg = sink.messages[0] if sink.messages else ([], None)
    text = body_of(msg) if msg else ""
    check(to == ["jean.martin@example.org"] and msg["From"] == "<petitions@example.org>",
          f"to the normalised address, from --mail-from: {to} {msg and msg['From']}")
    check(msg is not None and "Marché couvert" in subject_of(msg) and "Confirmez" in subject_of(msg)
          and "Martin" in text and "Amiens" in text, f"in French, naming the initiative and the signer: {text}")
    link = re.search(r"https://petitions\.example\.org/initiatives/1/confirm\?token=([0-9a-f]{64})", text)
    check(link is not None, f"an absolute link with a 64-digit token: {text}")
    token = link.group(1) if link else "0" * 64

    # Asking again within 10 minutes mails nothing more.
    st, d = pub.post("/api/initiatives/1/mail", {"name": "Martin", "given": "Jean", "birth": "1970-01-01",
                                                  "commune": "Amiens", "email": "jean.martin@example.org"})
    # The answer is the first's, word for word: whoever types an address learns
    # nothing of whether it asked lately (nor, below, whether it signed).
    check(st == 202 and d == {**first_answer, "message": d.get("message")} and "resend_in" not in d,
          f"asked again at once: the same answer: {st} {d}")
    time.sleep(1.5)
    check(len(sink.messages) == 1, f"still one mail: {len(sink.messages)}")

    # The link's page: a button, then counted with a receipt.
    st, page = pub.get(f"/initiatives/1/confirm?token={token}", headers={"Accept-Language": "en"})
    check(st == 200 and f'value="{token}"' in page and "Confirm my signature" in page, "the link's page has the button")
    st, d = pub.get("/api/initiatives/1")
    check(d.get("signatures") == 0, "opening the link's page counts nothing (a mail scanner confirms nothing)")
    st, _ = pub.form("/initiatives/1/confirm", {"token": token})
    check(st == 303, f"confirmed by the button: sent back to the page: {st}")
    st, page = pub.follow()
    receipt = re.search(r"(\d+-[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{5})", page if isinstance(page, str) else "")
    check(st == 200 and receipt is not None, "the receipt is shown once")
    check(wait_for(lambda: pub.get("/api/initiatives/1")[1].get("signatures") == 1, 5), "counted (the counter a second late at most)")
    st, d = pub.get("/api/initiatives/1")
    check(d.get("signatures") == 1 and d["territories"][0]["name"] == "AMIENS", f"counted once, in its commune: {d}")
    if receipt:
        st, d = pub.post("/api/initiatives/1/receipt", {"code": receipt.group(1)})
        check(st == 200 and d.get("counted") is True, f"its receipt checks: {st} {d}")
    st, d = pub.post("/api/initiatives/1/confirm", {"token": token})
    check(st == 200 and d.get("already_confirmed") is True, f"the link followed twice is harmless: {st} {d}")
    time.sleep(1.2)  # the counter's page is kept a second
    st, d = pub.get("/api/initiatives/1")
    check(d.get("signatures") == 1, "still counted once")

    # The same address again, other names: nothing counted.
    st, d = pub.post("/api/initiatives/1/mail", {"name": "Autre", "given": "Paul", "birth": "1980-01-01",
                                                  "commune": "Lille", "email": " JEAN.MARTIN@example.ORG "})
    check(st == 202 and set(d) == set(first_answer) and d.get("pending") is True and d.get("id") == 0,
          f"one signature per address, the answer telling nothing of it: {st} {d}")
    time.sleep(1.5)
    check(len(sink.messages) == 1, f"no mail for an address that signed: {len(sink.messages)}")
    st, d = pub.post("/api/initiatives/1/confirm", {"token": "f" * 64})
    check(st == 400 and d.get("field") == "token" and d.get("rule") == "unknown-link", f"unknown link: {st} {d}")

    # The form in English, its "check your mail" page.
    en = srv.client()
    st, _ = en.request("POST", "/initiatives/1/mail", raw=b"name=Durand&given=Anne&birth=1990-05-05&commune=Abbeville"
                       b"&email=anne%40example.org", content_type="application/x-www-form-urlencoded",
                       headers={"Accept-Language": "en"})
    check(st == 303 and en.location == "/initiatives/1/mail-sent", f"the form sends to the check-your-mail page: {st}")
    st, page = en.request("GET", "/initiatives/1/mail-sent", headers={"Accept-Language": "en"})
    check(st == 200 and "Check your mail" in page and "7 days" in page, "the check-your-mail page")
    check(wait_for(lambda: len(sink.messages) == 2), "Anne's mail received")
    msg = sink.messages[-1][1]
    check("Confirm your signature" in subject_of(msg) and "before" in body_of(msg), "in English for an English form")
    st, page = en.request("GET", "/initiatives/1/confirm?token=x", headers={"Accept-Language": "fr"})
    check(st == 200 and "Confirmer ma signature" in page, "the link's page in French")

    # The relay down: the mail kept, sent when it comes back.
    sink.stop()
    st, d = pub.post("/api/initiatives/1/mail", {"name": "Petit", "given": "Luc", "birth": "1960-02-02",
                                                  "commune": "Amiens", "email": "luc@example.org"})
    check(st == 202 and d.get("pending") is True, f"pending while the relay is down: {st} {d}")
    # Connection refused is worth another try: past 3 tries (the cap this test
    # once gave) the mail still waits, its next try shown.
    check(wait_for(lambda: any(m["tries"] >= 4 and m["state"] == "waiting" and m.get("next_at", 0) > 0
                               for m in admin.get("/api/mail/unsent")[1].get("mails", [])), 40),
          "tries failed: the mail waits in the outbox, tried again, visible to administrators")
    st, page = admin.get("/admin/mail", headers={"Accept-Language": "en"})
    check(st == 200 and "Next try (UTC)" in page and "waiting" in page and "onnect" in page,
          "the administrators' page says it waits, when it is tried next, and why")
    st, d = pub.get("/api/mail/unsent")
    check(st in (401, 403), f"the outbox is the administrators': {st}")
    sink = Sink(smtp_port).start()
    check(wait_for(lambda: any("luc@example.org" in m[0] for m in sink.messages), 30),
          "sent once the relay is back")

    # A mail the relay refuses (550): failed for good at its first try, logged, shown to administrators.
    pub.post("/api/initiatives/1/mail", {"name": "Roux", "given": "Léa", "birth": "1975-03-03",
                                         "commune": "Amiens", "email": "lea@example.org"})
    check(wait_for(lambda: any(m["state"] == "failed" for m in admin.get("/api/mail/unsent")[1].get("mails", [])), 20),
          "refused by the relay: failed for good")
    failed = [m for m in admin.get("/api/mail/unsent")[1].get("mails", []) if m["state"] == "failed"]
    check(len(failed) == 1 and failed[0]["tries"] == 1 and failed[0]["error"].startswith("550"),
          f"at its first try, the relay's reply kept: {failed}")
    st, page = admin.get("/admin/mail", headers={"Accept-Language": "en"})
    check(st == 200 and "failed" in page and "initiative/1/pending/" in page and "lea@" not in page,
          "the administrators' page shows it, without the address")
    st, page = admin.get("/admin/mail", headers={"Accept-Language": "fr"})
    check(st == 200 and "échoué" in page and "Courriels non envoyés" in page, "and in French")
    check(wait_for(lambda: "refused by the relay, failed for good: 550" in open(os.path.join(srv.dir, "server.log")).read(), 5),
          "the failure is said in the server's log")

    # The relay refusing to relay (550 5.7.1): its configuration, not the address: tried again, not failed.
    pub.post("/api/initiatives/1/mail", {"name": "Blanc", "given": "Noé", "birth": "1981-04-04",
                                         "commune": "Amiens", "email": "noe@example.org"})
    relaying = lambda: [m for m in admin.get("/api/mail/unsent")[1].get("mails", [])
                        if m["state"] != "failed" and "5.7.1" in m.get("error", "")]
    check(wait_for(lambda: any(m["tries"] >= 2 and m["state"] == "waiting" for m in relaying()), 20),
          f"a relay refusing to relay: the mail waits and is tried again, the reply kept: {relaying()}")
    failed = [m for m in admin.get("/api/mail/unsent")[1].get("mails", []) if m["state"] == "failed"]
    check(len(failed) == 1, f"only the refused mailbox's mail failed for good: {failed}")
finally:
    srv.stop()

# Nothing in clear once the mails left: no address of a sent mail, no token.
rows = store_query(srv.db, "SELECT recipient, body FROM mail_outbox WHERE state <> 'waiting'")
check(rows and all(r == ("", "") for r in rows), f"sent and failed mails keep no address nor link: {rows}")
pend = store_query(srv.db, "SELECT email_hash, sealed, token_hash FROM initiative_pending")
check(pend and not any("example.org" in "".join(r) for r in pend) and token not in str(pend),
      "pending rows hold no address nor token in clear")

# Expiry: a link older than 7 days counts nothing (and says so for a day).
store_sql(srv.db, f"UPDATE initiative_pending SET expires_at = {int(time.time()) - 60} WHERE state = 'pending'")
relay = srv.args
srv.args = []  # no relay
srv.start()
try:
    anne = re.search(r"token=([0-9a-f]{64})", body_of(msg))
    st, d = srv.client().post("/api/initiatives/1/confirm", {"token": anne.group(1) if anne else ""})
    check(st == 409 and d.get("rule") == "link-expired", f"an expired link: refused, nothing counted: {st} {d}")
    st, d = srv.client().get("/api/initiatives/1")
    check(d.get("signatures") == 1, f"still one signature: {d.get('signatures')}")
finally:
    srv.stop()
    sink.stop()
# A day after their expiry, the requests are purged by a server without a relay too.
store_sql(srv.db, "UPDATE initiative_pending SET expires_at = 1 WHERE state = 'pending'")
srv.start()
try:
    check(wait_for(lambda: store_query(srv.db, "SELECT count(*) FROM initiative_pending WHERE expires_at = 1")
                   == [("0",)], 10), "no expired request left in the store, without --smtp")
    st, d = srv.client().post("/api/initiatives/1/confirm", {"token": anne.group(1) if anne else ""})
    check(st == 400 and d.get("rule") == "unknown-link", f"the purged request's link is unknown: {st} {d}")
finally:
    srv.stop()
# Without --smtp: the mail waits in the outbox, said on the terminal; a server
# started with a relay later sends it (the server stopped in between: nothing lost).
srv.start()
try:
    st, d = srv.client().post("/api/initiatives/1/mail", {"name": "Blanc", "given": "Zoé", "birth": "1999-09-09",
                                                           "commune": "Amiens", "email": "zoe@example.org"})
    check(st == 202 and d.get("pending") is True, f"pending without a relay: {st} {d}")
    check(wait_for(lambda: "no --smtp relay is given" in open(os.path.join(srv.dir, "server.log")).read(), 5),
          "the log says the mail waits for a relay")
    # Asked again at once: no mail, and the same line (the log, as the answer, tells nothing of it).
    said = open(os.path.join(srv.dir, "server.log")).read().count("no --smtp relay is given")
    st, d = srv.client().post("/api/initiatives/1/mail", {"name": "Blanc", "given": "Zoé", "birth": "1999-09-09",
                                                           "commune": "Amiens", "email": "zoe@example.org"})
    check(st == 202 and wait_for(lambda: open(os.path.join(srv.dir, "server.log")).read()
                                 .count("no --smtp relay is given") == said + 1, 5),
          f"a request that mails nothing says the same line: {st} {d}")
finally:
    srv.stop()
srv.start()
srv.stop()
check("1 mail(s) wait in the outbox" in open(os.path.join(srv.dir, "server.log")).read(),
      "at start without a relay, the mails waiting are said")
sink = Sink(smtp_port).start()
srv.args = relay
srv.start()
try:
    check(wait_for(lambda: any("zoe@example.org" in m[0] for m in sink.messages), 30),
          "sent by the server started with a relay")
finally:
    srv.stop()
    sink.stop()
# Mail requests held back: 20 an hour from a client address (the default), 100 from
# its network (127.0.0.x: one /24; --mail-per-network, the default being 500); a
# mistyped address counts nothing. No relay: the mails wait.
srv.args = ["--mail-per-network", "100"]
srv.start()
try:
    def ask_from(client, n, lang="en"):
        return client.post("/api/initiatives/1/mail", {"name": "Nom", "given": "Un", "birth": "1980-01-01",
                                                        "commune": "Amiens", "email": f"t{n}@example.org"},
                           headers={"Accept-Language": lang})
    one = srv.client(source="127.0.0.2")
    n = 0
    answers = []
    for k in range(21):
        if k == 10:  # a mistyped address: refused, not counted
            answers.append(one.post("/api/initiatives/1/mail", {"name": "Nom", "given": "Un", "birth": "1980-01-01",
                                                                "commune": "Amiens", "email": "mistyped"})[0])
            continue
        n += 1
        answers.append(ask_from(one, n)[0])
    check(answers == [202] * 10 + [400] + [202] * 10, f"20 links asked from one address, a mistyped one refused: {answers}")
    st, d = ask_from(one, 999)
    retry = one.last_headers.get("retry-after", "")
    check(st == 429 and d.get("rule") == "too-many-mails" and 0 < d.get("retry_after", 0) <= 3601
          and retry == str(d.get("retry_after")) and "in the last hour" in d.get("error", ""),
          f"the 21st: 429, Retry-After, said why: {st} {d} {retry}")
    st, d = ask_from(one, 999, "fr")
    check(st == 429 and "dans l’heure écoulée" in d.get("error", ""), f"and in French: {d}")
    st, page = one.request("POST", "/initiatives/1/mail", raw=b"name=Nom&given=Un&birth=1980-01-01&commune=Amiens"
                           b"&email=t999%40example.org", content_type="application/x-www-form-urlencoded",
                           headers={"Accept-Language": "fr"})
    check(st == 429 and "réessayez dans" in page and 'value="t999@example.org"' in page,
          f"the form: its page again, as typed, saying the wait in French: {st}")
    check("mail requests refused: address 127.0.0.2" in open(os.path.join(srv.dir, "server.log")).read(),
          "the refusal is said in the server's log")
    answers = []
    for k in range(80):  # other addresses of the network: 100 in all
        n += 1
        answers.append(ask_from(srv.client(source=f"127.0.0.{3 + k // 20}"), n)[0])
    check(answers == [202] * 80, f"the network's other addresses: 80 more: {answers}")
    st, d = ask_from(srv.client(source="127.0.0.9"), 1000)
    check(st == 429 and d.get("rule") == "too-many-mails", f"the network's 101st, from a fresh address: 429: {st} {d}")
    st, d = ask_from(srv.client(source="127.0.1.2"), 1001)
    check(st == 202, f"another network: not held back: {st} {d}")
    # Requests served at once from one fresh address: taking a place and checking
    # the limit are one step, so exactly 20 pass, whatever the threads' order.
    answers, lock = [], threading.Lock()
    def one_of_many(k):
        st, _ = ask_from(srv.client(source="127.0.2.2"), 2000 + k)
        with lock:
            answers.append(st)
    threads = [threading.Thread(target=one_of_many, args=(k,)) for k in range(40)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    check(sorted(answers) == [202] * 20 + [429] * 20, f"40 at once from one address: 20 served, 20 held back: "
          f"{sorted(answers)}")
finally:
    srv.stop()
p = run("audit", "verify", "--db", srv.db)
check(p.returncode == 0, f"audit verify passes: {p.stdout} {p.stderr}")
done()
