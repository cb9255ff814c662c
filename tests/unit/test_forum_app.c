/*
 * test_forum_app: the forum's use cases (app/forum.h) on a real SQLite store,
 * allowed and refused; every refusal writes nothing (no audit entry, no change
 * hook, no row). The story: an administrator creates a forum on an initiative
 * (an observer and a moderator may not); a visitor posts through the form (its
 * stamp signed, filled slowly enough): it waits, the author's private link says
 * so; the forum's moderator approves it and it is read publicly; a reply is
 * rejected with a reason the author reads by the link; a moderator of another
 * forum is refused; an edit is shown beside its note; a hide; a ban refuses the
 * author's next post. The signals: the honeypot, a missing or forged stamp, too
 * many links, the same text twice, the rate per address, each reaching the queue
 * with its reason, never refused. Bad input: an empty message, one of 1 MB,
 * invalid UTF-8, a title of spaces: each refused naming field and rule. The
 * queue across forums, oldest first, and its waiting figures. The clock is the
 * test's.
 */
#include "helpers.h"

#include <sodium.h>
#include <unistd.h>

#include "../../src/app/app.h"
#include "app_fixture.h"
#include "../../src/app/forum.h"
#include "../../src/app/forum_internal.h"
#include "../../src/app/grants.h"
#include "../../src/app/users.h"

#define PASSWORD APP_FIXTURE_PASSWORD

static int64_t test_now = 1800000000;
static int64_t clock_now(void) { return test_now; }

typedef struct fixture {
    char dir[64];
    urne_store *store;
    urne_app app;
    int changes;
    urne_user nobody, admin, obs, mod1, mod2, member;
    int64_t forum1, forum2;
} fixture;

static void count_change(void *ctx) { ((fixture *)ctx)->changes++; }

static void user(fixture *f, const char *name, urne_role role, urne_user *out) {
    app_fixture_user(f->store, name, role, 1, out);
}

static int64_t create_forum(fixture *f, const char *attached, const char *mode, int visitors) {
    urne_forum_new in = {attached, "Débat", mode, visitors};
    urne_app_outcome o;
    assert_int_equal(urne_app_forum_create(&f->app, &f->admin, &in, &o), URNE_APP_OK);
    int64_t id = o.id;
    urne_app_outcome_free(&o);
    return id;
}

static void grant(fixture *f, const char *name, const char *space) {
    urne_app_outcome o;
    assert_int_equal(urne_app_grant_put(&f->app, &f->admin, name, space, URNE_ROLE_MODERATOR, 1, &o), URNE_APP_OK);
    urne_app_outcome_free(&o);
}

static int setup(void **state) {
    fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    f->store = app_fixture_store(f->dir, "forum");
    user(f, "admin", URNE_ROLE_ADMIN, &f->admin);
    user(f, "obs", URNE_ROLE_OBSERVER, &f->obs);
    user(f, "mod1", URNE_ROLE_OBSERVER, &f->mod1);
    user(f, "mod2", URNE_ROLE_OBSERVER, &f->mod2);
    user(f, "member", URNE_ROLE_OBSERVER, &f->member);
    f->nobody.role = URNE_ROLE_PUBLIC;
    app_fixture_open(&f->app, f->store, count_change, f);
    urne_app_forum_clock(&f->app, clock_now);
    f->forum1 = create_forum(f, "initiative/2", NULL, 1);
    f->forum2 = create_forum(f, "page/charte", "a-posteriori", 1);
    grant(f, "mod1", "forum/1");
    grant(f, "mod2", "forum/2");
    *state = f;
    return 0;
}

static int teardown(void **state) {
    fixture *f = *state;
    int rc = app_fixture_close(&f->app, f->store, f->dir);
    free(f);
    return rc;
}

/* A use case expected to be refused with `want` (and reason `why` when not
 * NULL), nothing written. */
#define REFUSED(f, want, reason, call)                                                                       \
    do {                                                                                                  \
        int64_t seq_ = app_fixture_audit_seq((f)->store);                                                                      \
        int changes_ = (f)->changes;                                                                      \
        urne_app_outcome o_;                                                                              \
        urne_app_outcome *out = &o_;                                                                      \
        assert_int_equal((call), (want));                                                                 \
        if ((reason) != NULL) assert_string_equal(o_.why, (const char *)(reason));                        \
        assert_int_equal(app_fixture_audit_seq((f)->store), seq_);                                                             \
        assert_int_equal((f)->changes, changes_);                                                         \
        urne_app_outcome_free(&o_);                                                                       \
    } while (0)

/* A visitor's post through the form, shown `waited` seconds before. */
static urne_app_status visit(fixture *f, int64_t forum, int64_t parent, const char *title, const char *message,
                             int64_t waited, urne_post_row *row, char token[URNE_FORUM_TOKEN_HEX],
                             urne_app_outcome *o) {
    char stamp[URNE_FORUM_STAMP_MAX];
    int64_t now = test_now;
    test_now -= waited;
    urne_app_forum_form_stamp(&f->app, stamp);
    test_now = now;
    urne_forum_post_in in = {forum, parent, title, message, "Ana", "ana@example.org", "", stamp, "192.0.2.1"};
    return urne_app_forum_post(&f->app, &f->nobody, &in, row, token, o);
}

/* A visitor's post as `email` from `address`, the form shown a minute before. */
static urne_app_status visit_as(fixture *f, int64_t forum, const char *email, const char *address, const char *message,
                                urne_post_row *row, urne_app_outcome *o) {
    char stamp[URNE_FORUM_STAMP_MAX], token[URNE_FORUM_TOKEN_HEX];
    int64_t now = test_now;
    test_now -= 60;
    urne_app_forum_form_stamp(&f->app, stamp);
    test_now = now;
    urne_forum_post_in in = {forum, 0, "Sujet", message, "Visiteur", email, "", stamp, address};
    return urne_app_forum_post(&f->app, &f->nobody, &in, row, token, o);
}

/* The counts the application keeps equal a recount of the store's rows. */
static void assert_counts(fixture *f, int64_t forum, int64_t messages, int64_t people) {
    urne_app_outcome o;
    int64_t m = -1, p = -1, rm = -1, rp = -1;
    assert_int_equal(urne_app_forum_counts(&f->app, forum, &m, &p, &o), URNE_APP_OK);
    assert_int_equal(urne_store_forum_counts(f->store, forum, &rm, &rp), 0);
    assert_int_equal(m, messages);
    assert_int_equal(p, people);
    assert_int_equal(rm, messages);
    assert_int_equal(rp, people);
}

/* The counts of messages and participants, read once and then moved by each act
 * that publishes or withdraws a post (app/forum_tally.c), never counted again. */
static void test_counts_follow_acts(void **state) {
    fixture *f = *state;
    urne_post_row *row = malloc(sizeof *row);
    assert_non_null(row);
    urne_app_outcome o;
    assert_counts(f, f->forum1, 0, 0); /* read now: every move below is applied to it */
    assert_counts(f, f->forum2, 0, 0);

    /* A posteriori: published at once; one author twice is one participant. */
    assert_int_equal(visit_as(f, f->forum2, "ana@example.org", "192.0.2.10", "Premier avis.", row, &o), URNE_APP_OK);
    assert_string_equal(row->state, "published");
    assert_int_equal(visit_as(f, f->forum2, "ANA@example.org", "192.0.2.11", "Second avis.", row, &o), URNE_APP_OK);
    assert_int_equal(visit_as(f, f->forum2, "bea@example.org", "192.0.2.12", "Un autre avis.", row, &o), URNE_APP_OK);
    int64_t bea = o.id;
    assert_counts(f, f->forum2, 3, 2);

    /* A priori: nothing counts until approved; hiding withdraws, approving again returns. */
    assert_int_equal(visit_as(f, f->forum1, "ana@example.org", "192.0.2.13", "En attente.", row, &o), URNE_APP_OK);
    int64_t ana = o.id;
    assert_string_equal(row->state, "waiting");
    assert_counts(f, f->forum1, 0, 0);
    assert_int_equal(urne_app_forum_moderate(&f->app, &f->mod1, ana, URNE_MOD_APPROVE, NULL, NULL, &o), URNE_APP_OK);
    assert_counts(f, f->forum1, 1, 1);
    assert_int_equal(visit_as(f, f->forum1, "cid@example.org", "192.0.2.14", "Moi aussi.", row, &o), URNE_APP_OK);
    int64_t cid = o.id;
    assert_int_equal(urne_app_forum_moderate(&f->app, &f->mod1, cid, URNE_MOD_APPROVE, NULL, NULL, &o), URNE_APP_OK);
    assert_counts(f, f->forum1, 2, 2);
    assert_int_equal(urne_app_forum_moderate(&f->app, &f->mod1, ana, URNE_MOD_EDIT, "Coquille.", "En attente !", &o),
                     URNE_APP_OK);
    assert_counts(f, f->forum1, 2, 2); /* an edit keeps the state */
    assert_int_equal(urne_app_forum_moderate(&f->app, &f->mod1, ana, URNE_MOD_HIDE, NULL, NULL, &o), URNE_APP_OK);
    assert_counts(f, f->forum1, 1, 1);
    assert_int_equal(urne_app_forum_moderate(&f->app, &f->mod1, ana, URNE_MOD_APPROVE, NULL, NULL, &o), URNE_APP_OK);
    assert_counts(f, f->forum1, 2, 2);
    /* A rejection of a waiting post moves nothing; a refused act moves nothing. */
    assert_int_equal(visit_as(f, f->forum1, "dan@example.org", "192.0.2.15", "Hors sujet.", row, &o), URNE_APP_OK);
    assert_int_equal(urne_app_forum_moderate(&f->app, &f->mod1, o.id, URNE_MOD_REJECT, "Hors sujet.", NULL, &o),
                     URNE_APP_OK);
    REFUSED(f, URNE_APP_STATE, URNE_WHY_POST_STATE,
            urne_app_forum_moderate(&f->app, &f->mod1, cid, URNE_MOD_APPROVE, NULL, NULL, out));
    assert_counts(f, f->forum1, 2, 2);
    /* The other forum's counts did not move. */
    assert_int_equal(urne_app_forum_moderate(&f->app, &f->mod2, bea, URNE_MOD_HIDE, NULL, NULL, &o), URNE_APP_OK);
    assert_counts(f, f->forum2, 2, 1);
    assert_counts(f, f->forum1, 2, 2);
    free(row);
}

static void test_create_refused(void **state) {
    fixture *f = *state;
    urne_forum_new in = {"initiative/2", "Débat", NULL, 1};
    REFUSED(f, URNE_APP_FORBIDDEN, NULL, urne_app_forum_create(&f->app, &f->obs, &in, out));
    REFUSED(f, URNE_APP_FORBIDDEN, NULL, urne_app_forum_create(&f->app, &f->mod1, &in, out));
    REFUSED(f, URNE_APP_LOGIN_NEEDED, NULL, urne_app_forum_create(&f->app, &f->nobody, &in, out));
    urne_forum_new blank = {"initiative/2", "   ", NULL, 1}, mode = {"initiative/2", "Débat", "open", 1},
                   where = {"Initiative 2", "Débat", NULL, 1};
    REFUSED(f, URNE_APP_BAD_INPUT, URNE_FORUM_BLANK, urne_app_forum_create(&f->app, &f->admin, &blank, out));
    REFUSED(f, URNE_APP_BAD_INPUT, URNE_WHY_FORUM_MODE, urne_app_forum_create(&f->app, &f->admin, &mode, out));
    REFUSED(f, URNE_APP_BAD_INPUT, URNE_WHY_FORUM_ATTACHED, urne_app_forum_create(&f->app, &f->admin, &where, out));
    urne_forum_row row;
    urne_app_outcome o;
    assert_int_equal(urne_app_forum_get(&f->app, f->forum1, &row, &o), URNE_APP_OK);
    assert_string_equal(row.mode, "a-priori");
    assert_string_equal(row.attached, "initiative/2");
    assert_int_equal(urne_app_forum_get(&f->app, 99, &row, &o), URNE_APP_NO_FORUM);
    /* Configure: the administrator closes it; a moderator may not. */
    urne_forum_new closed = {NULL, "Débat clos", "closed", 0};
    REFUSED(f, URNE_APP_FORBIDDEN, NULL, urne_app_forum_configure(&f->app, &f->mod1, f->forum1, &closed, out));
    int64_t seq = app_fixture_audit_seq((f)->store);
    assert_int_equal(urne_app_forum_configure(&f->app, &f->admin, f->forum1, &closed, &o), URNE_APP_OK);
    assert_int_equal(app_fixture_audit_seq((f)->store), seq + 1);
    assert_int_equal(urne_app_forum_get(&f->app, f->forum1, &row, &o), URNE_APP_OK);
    assert_string_equal(row.mode, "closed");
    assert_int_equal(row.visitors, 0);
}

static void test_story(void **state) {
    fixture *f = *state;
    urne_post_row *row = calloc(1, sizeof *row), *seen = calloc(1, sizeof *seen);
    char token[URNE_FORUM_TOKEN_HEX], reply_token[URNE_FORUM_TOKEN_HEX];
    urne_app_outcome o;
    int64_t seq = app_fixture_audit_seq((f)->store);
    assert_int_equal(visit(f, f->forum1, 0, "Eau", "Bonjour {{tous}}", 60, row, token, &o), URNE_APP_OK);
    int64_t first = o.id;
    assert_string_equal(row->state, "waiting");
    assert_string_equal(row->flags, "");
    assert_int_equal(app_fixture_audit_seq((f)->store), seq); /* a post is not an audit entry */
    assert_int_equal(strlen(token), 64);
    assert_int_equal(urne_app_forum_post_status(&f->app, token, seen, &o), URNE_APP_OK);
    assert_int_equal(seen->id, first);
    assert_string_equal(seen->state, "waiting");
    assert_int_equal(urne_app_forum_post_status(&f->app, "0000", seen, &o), URNE_APP_NO_POST);

    /* A moderator of forum 2 may not approve it; forum 1's may. */
    REFUSED(f, URNE_APP_FORBIDDEN, NULL,
            urne_app_forum_moderate(&f->app, &f->mod2, first, URNE_MOD_APPROVE, NULL, NULL, out));
    REFUSED(f, URNE_APP_LOGIN_NEEDED, NULL,
            urne_app_forum_moderate(&f->app, &f->nobody, first, URNE_MOD_APPROVE, NULL, NULL, out));
    REFUSED(f, URNE_APP_STATE, URNE_WHY_POST_STATE,
            urne_app_forum_moderate(&f->app, &f->mod1, first, URNE_MOD_HIDE, NULL, NULL, out));
    assert_int_equal(urne_app_forum_moderate(&f->app, &f->mod1, first, URNE_MOD_APPROVE, NULL, NULL, &o),
                     URNE_APP_OK);
    assert_int_equal(app_fixture_audit_seq((f)->store), seq + 1);
    REFUSED(f, URNE_APP_STATE, URNE_WHY_POST_STATE,
            urne_app_forum_moderate(&f->app, &f->mod1, first, URNE_MOD_APPROVE, NULL, NULL, out));
    int64_t messages, people;
    assert_int_equal(urne_app_forum_counts(&f->app, f->forum1, &messages, &people, &o), URNE_APP_OK);
    assert_int_equal(messages, 1);
    assert_int_equal(people, 1);

    /* A reply, rejected with a reason the author reads by the link. */
    assert_int_equal(visit(f, f->forum1, first, NULL, "Je réponds.", 60, row, reply_token, &o), URNE_APP_OK);
    int64_t reply = o.id;
    assert_int_equal(row->thread, first);
    REFUSED(f, URNE_APP_BAD_INPUT, URNE_FORUM_LENGTH,
            urne_app_forum_moderate(&f->app, &f->mod1, reply, URNE_MOD_REJECT, "", NULL, out));
    assert_int_equal(urne_app_forum_moderate(&f->app, &f->mod1, reply, URNE_MOD_REJECT, "Hors sujet.", NULL, &o),
                     URNE_APP_OK);
    assert_int_equal(urne_app_forum_post_status(&f->app, reply_token, seen, &o), URNE_APP_OK);
    assert_string_equal(seen->state, "rejected");
    assert_string_equal(seen->reason, "Hors sujet.");

    /* An edit, shown beside its note; then hidden. */
    assert_int_equal(
        urne_app_forum_moderate(&f->app, &f->mod1, first, URNE_MOD_EDIT, "Lien retiré.", "Bonjour à tous", &o),
        URNE_APP_OK);
    assert_int_equal(urne_app_forum_post_status(&f->app, token, seen, &o), URNE_APP_OK);
    assert_string_equal(seen->state, "published");
    assert_string_equal(seen->edited_body, "Bonjour à tous");
    assert_string_equal(seen->edit_note, "Lien retiré.");
    assert_string_equal(seen->body, "Bonjour {{tous}}"); /* the author's text kept */
    assert_int_equal(urne_app_forum_moderate(&f->app, &f->mod1, first, URNE_MOD_HIDE, NULL, NULL, &o), URNE_APP_OK);
    assert_int_equal(urne_app_forum_counts(&f->app, f->forum1, &messages, &people, &o), URNE_APP_OK);
    assert_int_equal(messages, 0);

    /* A ban of the author: the next post is refused, nothing written. */
    REFUSED(f, URNE_APP_FORBIDDEN, NULL, urne_app_forum_ban(&f->app, &f->mod2, first, "author", 0, NULL, out));
    REFUSED(f, URNE_APP_FORBIDDEN, NULL, urne_app_forum_ban(&f->app, &f->mod1, first, "author", 1, NULL, out));
    REFUSED(f, URNE_APP_BAD_INPUT, URNE_WHY_BAN_KIND,
            urne_app_forum_ban(&f->app, &f->mod1, first, "everyone", 0, NULL, out));
    assert_int_equal(urne_app_forum_ban(&f->app, &f->mod1, first, "author", 0, "Spam", &o), URNE_APP_OK);
    REFUSED(f, URNE_APP_STATE, URNE_WHY_BANNED,
            visit(f, f->forum1, 0, "Encore", "Encore moi", 60, row, token, out));
    /* ...in that forum only. */
    assert_int_equal(visit(f, f->forum2, 0, "Ailleurs", "Ailleurs, moi", 60, row, token, &o), URNE_APP_OK);
    free(row);
    free(seen);
}

static void test_bad_input(void **state) {
    fixture *f = *state;
    urne_post_row *row = calloc(1, sizeof *row);
    char token[URNE_FORUM_TOKEN_HEX];
    REFUSED(f, URNE_APP_BAD_INPUT, URNE_FORUM_LENGTH, visit(f, f->forum1, 0, "Titre", "", 60, row, token, out));
    char *big = malloc(1 << 20);
    memset(big, 'a', (1 << 20) - 1);
    big[(1 << 20) - 1] = 0;
    urne_app_outcome o;
    assert_int_equal(visit(f, f->forum1, 0, "Titre", big, 60, row, token, &o), URNE_APP_BAD_INPUT);
    assert_string_equal(o.field, "message");
    assert_string_equal(o.why, URNE_FORUM_LENGTH);
    assert_int_equal(o.id, URNE_FORUM_MESSAGE_MAX);
    free(big);
    REFUSED(f, URNE_APP_BAD_INPUT, URNE_FORUM_UTF8,
            visit(f, f->forum1, 0, "Titre", "caf\xc3(", 60, row, token, out));
    REFUSED(f, URNE_APP_BAD_INPUT, URNE_FORUM_BLANK, visit(f, f->forum1, 0, "   ", "Bonjour", 60, row, token, out));
    REFUSED(f, URNE_APP_BAD_INPUT, URNE_WHY_NO_PARENT,
            visit(f, f->forum1, 999, NULL, "Bonjour", 60, row, token, out));
    REFUSED(f, URNE_APP_NO_FORUM, NULL, visit(f, 999, 0, "Titre", "Bonjour", 60, row, token, out));
    /* Members only: a visitor is refused, a member posts. */
    urne_forum_new members = {NULL, "Débat", "a-priori", 0};
    urne_app_outcome c;
    assert_int_equal(urne_app_forum_configure(&f->app, &f->admin, f->forum1, &members, &c), URNE_APP_OK);
    REFUSED(f, URNE_APP_BAD_INPUT, URNE_FORUM_VISITORS,
            visit(f, f->forum1, 0, "Titre", "Bonjour", 60, row, token, out));
    urne_forum_post_in in = {f->forum1, 0, "Titre", "Bonjour", NULL, NULL, NULL, NULL, "192.0.2.2"};
    assert_int_equal(urne_app_forum_post(&f->app, &f->member, &in, row, token, &c), URNE_APP_OK);
    assert_string_equal(row->author_key, "user/5");
    assert_string_equal(row->flags, "too-fast"); /* no form stamp */
    free(row);
}

typedef struct queue_page {
    int64_t ids[16];
    int n;
} queue_page;

static int collect(const urne_post_row *p, void *ctx) {
    queue_page *g = ctx;
    if (g->n < 16) g->ids[g->n++] = p->id;
    return 0;
}

/* A form's stamp holds a day: one kept longer (to post again and again without
 * waiting) is taken for none, and the message waits. */
static void test_stamp_age(void **state) {
    fixture *f = *state;
    urne_post_row *row = calloc(1, sizeof *row);
    char token[URNE_FORUM_TOKEN_HEX];
    urne_app_outcome o;
    assert_int_equal(visit(f, f->forum2, 0, "Sujet", "Gardé un jour.", 24 * 3600, row, token, &o), URNE_APP_OK);
    assert_string_equal(row->flags, "");
    assert_string_equal(row->state, "published");
    urne_app_outcome_free(&o);
    assert_int_equal(visit(f, f->forum2, 0, "Sujet", "Gardé plus longtemps.", 24 * 3600 + 1, row, token, &o),
                     URNE_APP_OK);
    assert_string_equal(row->flags, "too-fast");
    assert_string_equal(row->state, "waiting");
    urne_app_outcome_free(&o);
    free(row);
}

/* Each showing of the form gives its own stamp, even in the same second; a stamp
 * posted with once more counts as none ("too-fast"), so that a robot keeping one
 * stamp is flagged from its second message. */
static void test_stamp_reused(void **state) {
    fixture *f = *state;
    urne_post_row *row = calloc(1, sizeof *row);
    char token[URNE_FORUM_TOKEN_HEX], one[URNE_FORUM_STAMP_MAX], other[URNE_FORUM_STAMP_MAX];
    urne_app_outcome o;
    int64_t now = test_now;
    test_now -= 60;
    urne_app_forum_form_stamp(&f->app, one);
    urne_app_forum_form_stamp(&f->app, other);
    test_now = now;
    assert_string_not_equal(one, other);
    urne_forum_post_in in = {f->forum2, 0, "Sujet", "Premier.", "Ana", "ana@example.org", "", one, "192.0.2.1"};
    assert_int_equal(urne_app_forum_post(&f->app, &f->nobody, &in, row, token, &o), URNE_APP_OK);
    assert_string_equal(row->flags, "");
    in.stamp = other, in.message = "Une autre personne, la même seconde.", in.email = "bea@example.org";
    assert_int_equal(urne_app_forum_post(&f->app, &f->nobody, &in, row, token, &o), URNE_APP_OK);
    assert_string_equal(row->flags, "");
    assert_string_equal(row->state, "published");
    in.stamp = one, in.message = "Encore, avec le même formulaire.", in.email = "cid@example.org";
    assert_int_equal(urne_app_forum_post(&f->app, &f->nobody, &in, row, token, &o), URNE_APP_OK);
    assert_string_equal(row->flags, "too-fast");
    assert_string_equal(row->state, "waiting");
    /* A stamp altered in its nonce is not ours. */
    char forged[URNE_FORUM_STAMP_MAX];
    int64_t prev = test_now;
    test_now -= 60;
    urne_app_forum_form_stamp(&f->app, forged);
    test_now = prev;
    char *nonce = strchr(forged, '.') + 1;
    nonce[0] = nonce[0] == 'a' ? 'b' : 'a';
    in.stamp = forged, in.message = "Un nonce changé.", in.email = "dan@example.org";
    assert_int_equal(urne_app_forum_post(&f->app, &f->nobody, &in, row, token, &o), URNE_APP_OK);
    assert_string_equal(row->flags, "too-fast");
    free(row);
}

/* A ban of an IPv6 sender's address holds for its /64, the block one subscriber
 * is given; not for the next /64. IPv4 and IPv4-mapped addresses are themselves. */
static void test_ipv6_network(void **state) {
    fixture *f = *state;
    char n[URNE_FORUM_NETWORK_MAX];
    urne_app_forum_network("2001:db8:1:2:aaaa:bbbb:cccc:dddd", n);
    assert_string_equal(n, "2001:db8:1:2::/64");
    urne_app_forum_network("2001:DB8:1:2::1", n);
    assert_string_equal(n, "2001:db8:1:2::/64");
    urne_app_forum_network("::ffff:192.0.2.7", n);
    assert_string_equal(n, "192.0.2.7");
    urne_app_forum_network("192.0.2.7", n);
    assert_string_equal(n, "192.0.2.7");
    urne_app_forum_network("", n);
    assert_string_equal(n, "");

    urne_post_row *row = calloc(1, sizeof *row);
    urne_app_outcome o;
    assert_int_equal(visit_as(f, f->forum1, "bot@example.org", "2001:db8:1:2::10", "Pub.", row, &o), URNE_APP_OK);
    assert_int_equal(urne_app_forum_ban(&f->app, &f->mod1, o.id, "address", 0, "Robot", &o), URNE_APP_OK);
    REFUSED(f, URNE_APP_STATE, URNE_WHY_BANNED,
            visit_as(f, f->forum1, "bot2@example.org", "2001:db8:1:2:ffff::99", "Pub encore.", row, out));
    assert_int_equal(visit_as(f, f->forum1, "voisin@example.org", "2001:db8:1:3::10", "Bonjour.", row, &o),
                     URNE_APP_OK);
    /* The rate per address counts the /64 as one sender: the 21st message of the hour is flagged. */
    char email[64], text[64], address[64];
    for (int i = 0; i < 21; i++) {
        snprintf(email, sizeof email, "p%d@example.org", i);
        snprintf(text, sizeof text, "Message numéro %d.", i);
        snprintf(address, sizeof address, "2001:db8:9:9::%x", i + 1);
        assert_int_equal(visit_as(f, f->forum2, email, address, text, row, &o), URNE_APP_OK);
        assert_string_equal(row->flags, i < 20 ? "" : "address-rate");
    }
    free(row);
}

/* The forms' key is the database's: a form shown by one server (or before a
 * restart) is posted to another without being taken for a stamp not ours. */
static void test_stamp_shared(void **state) {
    fixture *f = *state;
    char stamp[URNE_FORUM_STAMP_MAX], token[URNE_FORUM_TOKEN_HEX], key[URNE_STORE_FORM_KEY];
    int64_t now = test_now;
    test_now -= 60;
    urne_app_forum_form_stamp(&f->app, stamp);
    test_now = now;
    urne_app other;
    app_fixture_open(&other, f->store, NULL, NULL);
    urne_app_forum_clock(&other, clock_now);
    urne_post_row *row = calloc(1, sizeof *row);
    urne_app_outcome o;
    urne_forum_post_in in = {f->forum2, 0, "Sujet", "Écrit sur l'autre.", "Ana", "ana@example.org", "", stamp,
                             "192.0.2.1"};
    assert_int_equal(urne_app_forum_post(&other, &f->nobody, &in, row, token, &o), URNE_APP_OK);
    assert_string_equal(row->flags, "");
    assert_string_equal(row->state, "published");
    urne_app_close(&other);
    /* The key stays the first one kept, whatever key a later server draws. */
    char fresh[URNE_STORE_FORM_KEY];
    memset(fresh, 'a', URNE_STORE_FORM_KEY - 1);
    fresh[URNE_STORE_FORM_KEY - 1] = 0;
    assert_int_equal(urne_store_form_key(f->store, fresh, key), 0);
    assert_int_equal(strlen(key), 64);
    assert_string_not_equal(key, fresh);
    free(row);
}

static void test_signals(void **state) {
    fixture *f = *state;
    urne_post_row *row = calloc(1, sizeof *row);
    char token[URNE_FORUM_TOKEN_HEX];
    urne_app_outcome o;
    /* A posteriori, no signal: published at once. */
    assert_int_equal(visit(f, f->forum2, 0, "Sujet", "Un message ordinaire.", 60, row, token, &o), URNE_APP_OK);
    assert_string_equal(row->state, "published");
    /* Too fast: waits with its reason. */
    assert_int_equal(visit(f, f->forum2, 0, "Sujet", "Vite écrit.", 1, row, token, &o), URNE_APP_OK);
    assert_string_equal(row->state, "waiting");
    assert_string_equal(row->flags, "too-fast");
    /* The same text again. */
    assert_int_equal(visit(f, f->forum2, 0, "Sujet", "Un  message\nordinaire.", 60, row, token, &o), URNE_APP_OK);
    assert_string_equal(row->flags, "duplicate");
    /* Links. */
    assert_int_equal(visit(f, f->forum2, 0, "Sujet",
                           "[a->https://a.example] [b->https://b.example] [c->https://c.example] [d->https://d.example]",
                           60, row, token, &o),
                     URNE_APP_OK);
    assert_string_equal(row->flags, "links");
    assert_int_equal(row->links, 4);
    assert_true(row->score > 0);
    /* The honeypot, and a forged stamp. */
    char stamp[URNE_FORUM_STAMP_MAX];
    urne_app_forum_form_stamp(&f->app, stamp);
    stamp[strlen(stamp) - 1] = stamp[strlen(stamp) - 1] == '0' ? '1' : '0';
    test_now += 600;
    urne_forum_post_in in = {f->forum2, 0, "Sujet", "Un robot.", "Bot", "bot@example.org", "http://x", stamp,
                             "192.0.2.9"};
    assert_int_equal(urne_app_forum_post(&f->app, &f->nobody, &in, row, token, &o), URNE_APP_OK);
    assert_string_equal(row->flags, "honeypot,too-fast");
    /* The rate per author: the 11th post of the hour by the same e-mail. */
    for (int i = 0; i < 8; i++) {
        char text[32];
        snprintf(text, sizeof text, "Message %d", i);
        assert_int_equal(visit(f, f->forum2, 0, "Sujet", text, 60, row, token, &o), URNE_APP_OK);
    }
    assert_string_equal(row->flags, "author-rate");

    /* The queue across forums for an administrator, oldest first; mod2's is forum 2's. */
    int64_t count, median, oldest;
    assert_int_equal(urne_app_forum_waiting(&f->app, &f->mod2, 0, &count, &median, &oldest, &o), URNE_APP_OK);
    assert_int_equal(count, 6); /* too fast, duplicate, links, honeypot, and the 11th and 12th of the hour */
    assert_int_equal(oldest, 600);
    /* The queue by pages of 4: 4, then the 2 after the last id seen, oldest first. */
    queue_page g = {.n = 0};
    assert_int_equal(urne_app_forum_queue(&f->app, &f->mod2, 0, 0, 4, collect, &g, &o), URNE_APP_OK);
    assert_int_equal(g.n, 4);
    assert_true(g.ids[0] < g.ids[1] && g.ids[1] < g.ids[2] && g.ids[2] < g.ids[3]);
    int64_t last = g.ids[3];
    g.n = 0;
    assert_int_equal(urne_app_forum_queue(&f->app, &f->mod2, f->forum2, last, 4, collect, &g, &o), URNE_APP_OK);
    assert_int_equal(g.n, 2);
    assert_true(g.ids[0] > last);
    g.n = 0;
    assert_int_equal(urne_app_forum_queue(&f->app, &f->mod1, 0, 0, 100, collect, &g, &o), URNE_APP_OK);
    assert_int_equal(g.n, 0); /* forum 1's moderator sees none of forum 2's */
    REFUSED(f, URNE_APP_FORBIDDEN, NULL, urne_app_forum_queue(&f->app, &f->mod1, f->forum2, 0, 4, collect, &g, out));
    REFUSED(f, URNE_APP_FORBIDDEN, NULL,
            urne_app_forum_waiting(&f->app, &f->mod2, f->forum1, &count, &median, &oldest, out));
    REFUSED(f, URNE_APP_FORBIDDEN, NULL,
            urne_app_forum_waiting(&f->app, &f->obs, 0, &count, &median, &oldest, out));
    free(row);
}

/* The queue across forums: one who moderates every forum reads it in one pass;
 * one who moderates some reads their forums' queues merged by id, by pages. */
static void test_queue_across(void **state) {
    fixture *f = *state;
    urne_post_row *row = calloc(1, sizeof *row);
    char token[URNE_FORUM_TOKEN_HEX];
    urne_app_outcome o;
    int64_t made[5];
    int64_t where[5] = {f->forum1, f->forum2, f->forum1, f->forum2, f->forum2};
    for (int i = 0; i < 5; i++) {
        char text[32];
        snprintf(text, sizeof text, "En attente %d.", i);
        /* forum 1 waits a priori; forum 2's wait because sent too fast */
        assert_int_equal(visit(f, where[i], 0, "Sujet", text, 1, row, token, &o), URNE_APP_OK);
        assert_string_equal(row->state, "waiting");
        made[i] = o.id;
    }
    queue_page g = {.n = 0};
    assert_int_equal(urne_app_forum_queue(&f->app, &f->admin, 0, 0, 10, collect, &g, &o), URNE_APP_OK);
    assert_int_equal(g.n, 5);
    for (int i = 0; i < 5; i++) assert_int_equal(g.ids[i], made[i]);
    g.n = 0;
    assert_int_equal(urne_app_forum_queue(&f->app, &f->mod2, 0, 0, 2, collect, &g, &o), URNE_APP_OK);
    assert_int_equal(g.n, 2);
    assert_int_equal(g.ids[0], made[1]);
    assert_int_equal(g.ids[1], made[3]);
    g.n = 0;
    assert_int_equal(urne_app_forum_queue(&f->app, &f->mod2, 0, made[3], 2, collect, &g, &o), URNE_APP_OK);
    assert_int_equal(g.n, 1);
    assert_int_equal(g.ids[0], made[4]);
    g.n = 0;
    assert_int_equal(urne_app_forum_queue(&f->app, &f->mod1, 0, 0, 10, collect, &g, &o), URNE_APP_OK);
    assert_int_equal(g.n, 2);
    assert_int_equal(g.ids[0], made[0]);
    assert_int_equal(g.ids[1], made[2]);
    int64_t count, median, oldest;
    assert_int_equal(urne_app_forum_waiting(&f->app, &f->admin, 0, &count, &median, &oldest, &o), URNE_APP_OK);
    assert_int_equal(count, 5);
    assert_int_equal(urne_app_forum_waiting(&f->app, &f->mod2, 0, &count, &median, &oldest, &o), URNE_APP_OK);
    assert_int_equal(count, 3);
    assert_int_equal(urne_app_forum_waiting(&f->app, &f->mod1, 0, &count, &median, &oldest, &o), URNE_APP_OK);
    assert_int_equal(count, 2);
    free(row);
}

int main(void) {
    assert_true(sodium_init() >= 0);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_create_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_story, setup, teardown),
        cmocka_unit_test_setup_teardown(test_counts_follow_acts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_input, setup, teardown),
        cmocka_unit_test_setup_teardown(test_signals, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stamp_age, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stamp_reused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stamp_shared, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ipv6_network, setup, teardown),
        cmocka_unit_test_setup_teardown(test_queue_across, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
