/*
 * test_store_mail: store_mail.h's contracts, the pending signatures of e-mail
 * confirmation and the mails' outbox: one pending row per initiative and
 * address, renewed unless confirmed, confirmed once; a mail put, due at its
 * moment, claimed by one caller only, tried again, sent or failed with its
 * address and text emptied, dropped when its link is replaced, listed for the
 * administrators without address nor text; a text too long refused, not cut;
 * a row written again as read changes nothing, and nothing once another
 * request changed it; a mail withheld is ended at once, without its texts; a
 * query of the outbox run again from inside its own rows' callback.
 * On SQLite in memory by default; with URNE_TEST_DB set (a PostgreSQL URL) the
 * same contracts run there, on a fresh database. And io/smtp's message: base64
 * body, the subject encoded when not ASCII.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <sodium.h>

#include "../../src/io/smtp.h"
#include "../../src/store/store.h"

static urne_store *open_store(void) {
    char err[600];
    const char *where = getenv("URNE_TEST_DB");
    urne_store *s = urne_store_open(where && where[0] ? where : ":memory:", err, sizeof err);
    if (s == NULL) fail_msg("%s", err);
    return s;
}

static int64_t initiative(urne_store *s) {
    urne_initiative_row *i = calloc(1, sizeof *i);
    snprintf(i->title, sizeof i->title, "Marché couvert");
    snprintf(i->rules, sizeof i->rules, "preset = local-petition\nidentity = email\nnational = 3\n");
    snprintf(i->state, sizeof i->state, "collecting");
    snprintf(i->created_at, sizeof i->created_at, "2026-01-01T00:00:00Z");
    snprintf(i->changed_at, sizeof i->changed_at, "2026-01-01T00:00:00Z");
    snprintf(i->created_by, sizeof i->created_by, "admin");
    assert_int_equal(urne_store_begin(s), 0);
    int64_t id = urne_store_initiative_put(s, i);
    assert_int_equal(urne_store_commit(s), 0);
    free(i);
    assert_true(id > 0);
    return id;
}

static void pending(urne_initiative_pending *p, int64_t id, const char *email, const char *token) {
    memset(p, 0, sizeof *p);
    p->initiative = id;
    snprintf(p->email_hash, sizeof p->email_hash, "%s", email);
    snprintf(p->token_hash, sizeof p->token_hash, "%s", token);
    snprintf(p->territory, sizeof p->territory, "AMIENS");
    snprintf(p->sealed, sizeof p->sealed, "sealed-box");
    snprintf(p->state, sizeof p->state, "pending");
    p->requested_at = 1000;
    p->expires_at = 1000 + 7 * 86400;
}

static void test_pending(void **state) {
    (void)state;
    urne_store *s = open_store();
    int64_t id = initiative(s);
    urne_initiative_pending p, got;
    pending(&p, id, "e1", "t1");
    assert_int_equal(urne_store_begin(s), 0);
    int64_t pid = urne_store_pending_put(s, &p);
    assert_true(pid > 0);
    pending(&p, id, "e1", "t2");
    assert_int_equal(urne_store_pending_put(s, &p), 0); /* one row per initiative and address */
    assert_int_equal(urne_store_commit(s), 0);
    assert_int_equal(urne_store_pending_by_email(s, id, "e1", &got), 1);
    assert_int_equal(got.id, pid);
    assert_string_equal(got.token_hash, "t1");
    assert_int_equal(got.expires_at, 1000 + 7 * 86400);
    assert_int_equal(urne_store_pending_by_token(s, id, "t2", &got), 0);
    assert_int_equal(urne_store_pending_by_email(s, id + 1, "e1", &got), 0);
    p.id = pid;
    p.requested_at = 2000;
    assert_int_equal(urne_store_begin(s), 0);
    assert_int_equal(urne_store_pending_renew(s, &p), 1); /* a new link: the old one dies */
    assert_int_equal(urne_store_commit(s), 0);
    assert_int_equal(urne_store_pending_by_token(s, id, "t1", &got), 0);
    assert_int_equal(urne_store_pending_by_token(s, id, "t2", &got), 1);
    assert_int_equal(got.requested_at, 2000);
    assert_int_equal(urne_store_begin(s), 0);
    assert_int_equal(urne_store_pending_confirm(s, pid, 42), 1);
    assert_int_equal(urne_store_pending_confirm(s, pid, 43), 0); /* once */
    assert_int_equal(urne_store_pending_renew(s, &p), 0);        /* a confirmed row stays so */
    assert_int_equal(urne_store_commit(s), 0);
    assert_int_equal(urne_store_pending_by_email(s, id, "e1", &got), 1);
    assert_string_equal(got.state, "confirmed");
    assert_int_equal(got.signature, 42);
    urne_store_close(s);
}

/* A row written again as it was read: unchanged; once renewed or confirmed
 * by another request since, not written (what was read is stale). */
static void test_pending_rewrite(void **state) {
    (void)state;
    urne_store *s = open_store();
    int64_t id = initiative(s);
    urne_initiative_pending p, read, got;
    pending(&p, id, "e1", "r1"); /* tokens of their own: on PostgreSQL the tests share one database */
    assert_int_equal(urne_store_begin(s), 0);
    p.id = urne_store_pending_put(s, &p);
    assert_int_equal(urne_store_commit(s), 0);
    assert_int_equal(urne_store_pending_by_email(s, id, "e1", &read), 1);
    assert_int_equal(urne_store_begin(s), 0);
    assert_int_equal(urne_store_pending_rewrite(s, &read), 1);
    assert_int_equal(urne_store_commit(s), 0);
    assert_int_equal(urne_store_pending_by_email(s, id, "e1", &got), 1);
    assert_memory_equal(&got, &read, sizeof got); /* every field as it was */
    snprintf(p.token_hash, sizeof p.token_hash, "r2"); /* renewed by another request */
    p.requested_at = 2000;
    assert_int_equal(urne_store_begin(s), 0);
    assert_int_equal(urne_store_pending_renew(s, &p), 1);
    assert_int_equal(urne_store_pending_rewrite(s, &read), 0); /* the link r1 not brought back */
    assert_int_equal(urne_store_commit(s), 0);
    assert_int_equal(urne_store_pending_by_token(s, id, "r2", &got), 1);
    assert_int_equal(got.requested_at, 2000);
    assert_int_equal(urne_store_pending_by_email(s, id, "e1", &read), 1);
    assert_int_equal(urne_store_begin(s), 0);
    assert_int_equal(urne_store_pending_confirm(s, p.id, 42), 1); /* confirmed by another request */
    assert_int_equal(urne_store_pending_rewrite(s, &read), 0);     /* not made pending again */
    assert_int_equal(urne_store_commit(s), 0);
    assert_int_equal(urne_store_pending_by_email(s, id, "e1", &got), 1);
    assert_string_equal(got.state, "confirmed");
    assert_int_equal(urne_store_pending_by_email(s, id, "e1", &read), 1);
    assert_int_equal(urne_store_begin(s), 0);
    assert_int_equal(urne_store_pending_rewrite(s, &read), 1); /* a confirmed row written again: still confirmed */
    assert_int_equal(urne_store_commit(s), 0);
    assert_int_equal(urne_store_pending_by_email(s, id, "e1", &got), 1);
    assert_memory_equal(&got, &read, sizeof got);
    urne_store_close(s);
}

static void mail(urne_mail_row *m, const char *object, int64_t next_at) {
    memset(m, 0, sizeof *m);
    snprintf(m->object, sizeof m->object, "%s", object);
    snprintf(m->recipient, sizeof m->recipient, "jean@example.org");
    snprintf(m->subject, sizeof m->subject, "Confirmez votre signature");
    snprintf(m->body, sizeof m->body, "https://x.example/initiatives/1/confirm?token=abc\n");
    snprintf(m->created_at, sizeof m->created_at, "2026-01-01T00:00:00Z");
    m->next_at = next_at;
    m->expires_at = next_at + 100;
}

static int collect(const urne_mail_row *m, void *ctx) {
    urne_mail_row *out = ctx;
    while (out->id) out++;
    *out = *m;
    return 0;
}

static void test_outbox(void **state) {
    (void)state;
    urne_store *s = open_store();
    urne_mail_row m, got;
    mail(&m, "initiative/1/pending/1", 100);
    int64_t a = urne_store_mail_put(s, &m);
    mail(&m, "initiative/1/pending/2", 50);
    int64_t b = urne_store_mail_put(s, &m);
    assert_true(a > 0 && b > a);
    assert_int_equal(urne_store_mail_due(s, 49, &got), 0);
    assert_int_equal(urne_store_mail_due(s, 100, &got), 1);
    assert_int_equal(got.id, b); /* the one due first */
    assert_string_equal(got.recipient, "jean@example.org");
    assert_int_equal(urne_store_mail_claim(s, b, 50, 220), 1);
    assert_int_equal(urne_store_mail_claim(s, b, 50, 230), 0); /* another sender read it too: not twice */
    assert_int_equal(urne_store_mail_due(s, 100, &got), 1);
    assert_int_equal(got.id, a);
    /* a failed try: waits, with its error; then sent: its address and text emptied */
    assert_int_equal(urne_store_mail_done(s, b, "waiting", 1, 300, "2026-01-01T00:01:00Z", "connection refused"), 1);
    assert_int_equal(urne_store_mail_done(s, b, "sent", 2, 300, "2026-01-01T00:06:00Z", ""), 1);
    assert_int_equal(urne_store_mail_done(s, b, "sent", 3, 300, "2026-01-01T00:06:00Z", ""), 0);
    assert_int_equal(urne_store_mail_done(s, a, "failed", 12, 100, "2026-01-01T01:00:00Z", "550 no such user"), 1);
    mail(&m, "initiative/1/pending/3", 10);
    int64_t c = urne_store_mail_put(s, &m);
    assert_int_equal(urne_store_mail_drop(s, "initiative/1/pending/3", "2026-01-01T00:00:00Z", "2026-01-01T00:00:10Z"),
                     0); /* made at the live link's time: kept */
    assert_int_equal(urne_store_mail_drop(s, "initiative/1/pending/3", "2026-01-01T00:00:01Z", "2026-01-01T00:00:10Z"),
                     1);
    assert_int_equal(urne_store_mail_due(s, 1000000, &got), 0);
    urne_mail_row list[8];
    memset(list, 0, sizeof list);
    assert_int_equal(urne_store_mail_each_unsent(s, 10, collect, list), 0);
    assert_int_equal(list[0].id, a); /* failed: listed; sent and dropped: not */
    assert_int_equal(list[1].id, 0);
    assert_string_equal(list[0].state, "failed");
    assert_string_equal(list[0].error, "550 no such user");
    assert_string_equal(list[0].recipient, "");
    assert_string_equal(list[0].body, "");
    assert_int_equal(list[0].tries, 12);
    (void)c;
    /* the mails whose link died waiting: dropped in one statement, texts emptied */
    mail(&m, "initiative/1/pending/5", 10); /* expires at 110 */
    int64_t d = urne_store_mail_put(s, &m);
    mail(&m, "initiative/1/pending/6", 10000); /* expires at 10100 */
    int64_t e = urne_store_mail_put(s, &m);
    assert_true(d > 0 && e > d);
    assert_int_equal(urne_store_mail_drop_expired(s, 109, "2026-01-01T00:00:11Z"), 0);
    assert_int_equal(urne_store_mail_drop_expired(s, 110, "2026-01-01T00:00:11Z"), 1);
    assert_int_equal(urne_store_mail_drop_expired(s, 110, "2026-01-01T00:00:12Z"), 0); /* once */
    assert_int_equal(urne_store_mail_due(s, 1000000, &got), 1);
    assert_int_equal(got.id, e); /* the live one only */
    /* a text longer than its column holds: refused, not cut */
    mail(&m, "initiative/1/pending/4", 10);
    memset(m.body, 'x', sizeof m.body); /* no NUL inside */
    assert_int_equal(urne_store_mail_put(s, &m), -1);
    urne_store_close(s);
}

/* The unsent mails listed again from inside each of their rows (the same
 * query): c[0] the store, c[1] the count of calls, c[2] the list read at the
 * outer level. */
static int nested(const urne_mail_row *m, void *ctx) {
    void **c = ctx;
    urne_mail_row inner[16];
    const urne_mail_row *outer = c[2];
    memset(inner, 0, sizeof inner);
    assert_int_equal(urne_store_mail_each_unsent(c[0], 10, collect, inner), 0);
    for (int i = 0; i < 16; i++) assert_int_equal(inner[i].id, outer[i].id); /* the same rows, inside */
    assert_int_equal(m->id, outer[*(int *)c[1] % 2].id); /* and the outer goes on where it was */
    return ++*(int *)c[1] > 8; /* read again and again (its statement reset inside): stopped */
}

/* A mail withheld: ended at once, no text kept, never due nor listed; and a
 * query of the outbox run again inside its own rows (a statement kept for its
 * text cannot be the one being read). On PostgreSQL the tests share one
 * database: the other tests' mails are there too. */
static void test_withheld_and_nested(void **state) {
    (void)state;
    urne_store *s = open_store();
    urne_mail_row m;
    mail(&m, "initiative/9/pending/1", 100);
    int64_t w = urne_store_mail_withheld(s, &m);
    assert_true(w > 0);
    assert_int_equal(urne_store_mail_claim(s, w, 100, 200), 0); /* not waiting: never sent */
    assert_int_equal(urne_store_mail_drop(s, "initiative/9/pending/1", "2026-01-02T00:00:00Z", "2026-01-02T00:00:00Z"),
                     0); /* ended */
    urne_mail_row list[16];
    memset(list, 0, sizeof list);
    assert_int_equal(urne_store_mail_each_unsent(s, 2, collect, list), 0);
    for (int i = 0; list[i].id; i++) assert_true(list[i].id != w); /* nor listed */
    int64_t a = urne_store_mail_put(s, &m);
    int64_t b = urne_store_mail_put(s, &m);
    assert_true(a > w && b > a);
    memset(list, 0, sizeof list);
    assert_int_equal(urne_store_mail_each_unsent(s, 10, collect, list), 0);
    assert_int_equal(list[0].id, b);
    assert_int_equal(list[1].id, a);
    int calls = 0;
    void *ctx[3] = {s, &calls, list};
    for (int round = 0; round < 2; round++) { /* the second: the statements kept by the first */
        calls = 0;
        assert_int_equal(urne_store_mail_each_unsent(s, 2, nested, ctx), 0);
        assert_int_equal(calls, 2);
    }
    urne_store_close(s);
}

static void test_message(void **state) {
    (void)state;
    assert_true(sodium_init() >= 0);
    char *msg = urne_smtp_message("petitions@example.org", "jean@example.org", "Confirmez : Marché",
                                  "Bonjour,\nle lien.\n", "Sun, 06 Dec 2026 20:00:00 +0000", "abc");
    assert_non_null(msg);
    assert_non_null(strstr(msg, "From: <petitions@example.org>\r\nTo: <jean@example.org>\r\n"));
    assert_non_null(strstr(msg, "Subject: =?UTF-8?B?"));
    assert_non_null(strstr(msg, "Message-ID: <abc@example.org>\r\n"));
    assert_non_null(strstr(msg, "Content-Transfer-Encoding: base64\r\n\r\nQm9uam91ciwKbGUgbGllbi4K\r\n"));
    free(msg);
    msg = urne_smtp_message("a@b.org", "c@d.org", "Plain", "x", "d", "i");
    assert_non_null(strstr(msg, "Subject: Plain\r\n"));
    free(msg);
}

/* Which refusals fail a mail for good: the recipient's only. */
static void test_judge_reply(void **state) {
    (void)state;
    struct { const char *stage; long code; const char *reply; urne_smtp_result r; } cases[] = {
        {"RCPT", 550, "550 5.1.1 No such user here", URNE_SMTP_PERMANENT},
        {"RCPT", 552, "552-5.2.2 Mailbox full", URNE_SMTP_PERMANENT},
        {"RCPT", 550, "550 No such user", URNE_SMTP_PERMANENT},          /* no enhanced code: by the code */
        {"RCPT", 553, "553 mailbox name not allowed", URNE_SMTP_PERMANENT},
        {"RCPT", 554, "554 Transaction failed", URNE_SMTP_TRANSIENT},
        {"RCPT", 550, "550 5.7.1 Relaying denied", URNE_SMTP_TRANSIENT}, /* the relay's configuration */
        {"RCPT", 530, "530 5.7.0 Authentication required", URNE_SMTP_TRANSIENT},
        {"RCPT", 450, "450 4.2.1 Try later", URNE_SMTP_TRANSIENT},
        {"MAIL", 553, "553 5.1.8 Sender address rejected", URNE_SMTP_TRANSIENT}, /* --mail-from, mended */
        {"", 554, "554 5.7.1 Access denied", URNE_SMTP_TRANSIENT},        /* the greeting */
        {"", 530, "530 Must issue a STARTTLS command first", URNE_SMTP_TRANSIENT},
        {"RCPT", 550, "", URNE_SMTP_PERMANENT},
        {"RCPT", 550, NULL, URNE_SMTP_PERMANENT},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        if (urne_smtp_judge_reply(cases[i].stage, cases[i].code, cases[i].reply) != cases[i].r)
            fail_msg("%s %ld \"%s\": judged otherwise", cases[i].stage, cases[i].code,
                     cases[i].reply ? cases[i].reply : "(null)");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_judge_reply),
        cmocka_unit_test(test_pending),
        cmocka_unit_test(test_pending_rewrite),
        cmocka_unit_test(test_outbox),
        cmocka_unit_test(test_withheld_and_nested),
        cmocka_unit_test(test_message),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
