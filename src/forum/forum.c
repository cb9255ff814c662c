/*
 * forum: the forum component's rules (see forum.h).
 *
 * Each field is read once, decoding UTF-8 strictly (core/urne_text's decoder of
 * what people type), so that the offset a refusal reports is the first byte at
 * fault whichever rule it breaks. The spam signals are weighed, not obeyed: the
 * score orders the moderators' queue, the flags say why a message is in it.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "../core/urne_text.h"
#include "forum.h"

static const char *const mode_names[] = {"a-priori", "a-posteriori", "closed"};
static const char *const state_names[] = {"waiting", "published", "rejected", "hidden"};
static const char *const act_names[] = {"approve", "reject", "hide", "edit"};
static const char *const flag_names[URNE_FORUM_NFLAGS] = {"honeypot",  "too-fast",     "links",
                                                          "duplicate", "address-rate", "author-rate"};

const char *urne_forum_mode_name(urne_forum_mode m) { return (unsigned)m < 3 ? mode_names[m] : NULL; }
const char *urne_post_state_name(urne_post_state s) { return (unsigned)s < 4 ? state_names[s] : NULL; }
const char *urne_moderation_name(urne_moderation a) { return (unsigned)a < 4 ? act_names[a] : NULL; }

static int parse(const char *name, const char *const *names, size_t n) {
    for (size_t i = 0; name && i < n; i++)
        if (strcmp(name, names[i]) == 0) return (int)i;
    return -1;
}

int urne_forum_mode_parse(const char *name, urne_forum_mode *out) {
    int i = parse(name, mode_names, 3);
    if (i >= 0) *out = (urne_forum_mode)i;
    return i >= 0 ? 0 : -1;
}

int urne_post_state_parse(const char *name, urne_post_state *out) {
    int i = parse(name, state_names, 4);
    if (i >= 0) *out = (urne_post_state)i;
    return i >= 0 ? 0 : -1;
}

const char *urne_forum_flag_name(unsigned flag) {
    for (unsigned k = 0; k < URNE_FORUM_NFLAGS; k++)
        if (flag == 1u << k) return flag_names[k];
    return NULL;
}

/* ---- a contribution ---- */

static int fault(urne_forum_fault *f, const char *field, const char *rule, size_t at, size_t limit) {
    *f = (urne_forum_fault){field, rule, at, limit};
    return -1;
}

/* One field: 1 to max bytes, not blank, valid UTF-8, no control character (line
 * breaks allowed when `lines`). 0, or -1 with the fault. */
static int check_text(const char *text, const char *field, size_t max, int lines, urne_forum_fault *f) {
    const char *s = text ? text : "";
    size_t len = strlen(s);
    if (len == 0 || len > max) return fault(f, field, URNE_FORUM_LENGTH, len, max);
    if (strspn(s, " \t\r\n") == len) return fault(f, field, URNE_FORUM_BLANK, len, 0);
    for (size_t i = 0; i < len;) {
        unsigned cp;
        size_t n = urne_text_utf8_char(s + i, len - i, &cp);
        if (n == 0) return fault(f, field, URNE_FORUM_UTF8, i, 0);
        if (urne_text_is_control(cp) && !(lines && (cp == '\n' || cp == '\r' || cp == '\t')))
            return fault(f, field, URNE_FORUM_CONTROL, i, 0);
        i += n;
    }
    return 0;
}

/* An address of the form local@domain.tld: one '@', something before it, a dot in
 * the domain neither first nor last, no blank, quote, angle bracket or control
 * character anywhere. Deliverability is the confirmation mail's to tell. */
static int email_ok(const char *s, size_t len) {
    const char *at = strchr(s, '@');
    if (at == NULL || at == s || strchr(at + 1, '@')) return 0;
    const char *domain = at + 1, *dot = strrchr(domain, '.');
    if (dot == NULL || dot == domain || dot[1] == 0 || domain[0] == '.') return 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c <= 0x20 || c == 0x7f || c == '"' || c == '<' || c == '>' || c == '(' || c == ')' || c == ',' ||
            c == ';' || c == '\\')
            return 0;
    }
    return 1;
}

int urne_forum_contribution_check(const urne_forum_contribution *c, urne_forum_mode mode, int visitors,
                                  urne_forum_fault *f) {
    assert(c != NULL && f != NULL);
    if (mode == URNE_FORUM_CLOSED) return fault(f, "forum", URNE_FORUM_CLOSED_RULE, 0, 0);
    if (!c->member && !visitors) return fault(f, "forum", URNE_FORUM_VISITORS, 0, 0);
    if (!c->reply || (c->title && c->title[0]))
        if (check_text(c->title, "title", URNE_FORUM_TITLE_MAX, 0, f) < 0) return -1;
    if (check_text(c->message, "message", URNE_FORUM_MESSAGE_MAX, 1, f) < 0) return -1;
    if (c->member) return 0;
    if (check_text(c->name, "name", URNE_FORUM_NAME_MAX, 0, f) < 0) return -1;
    if (check_text(c->email, "email", URNE_FORUM_EMAIL_MAX, 0, f) < 0) return -1;
    if (!email_ok(c->email, strlen(c->email))) return fault(f, "email", URNE_FORUM_EMAIL, 0, 0);
    return 0;
}

int urne_forum_reason_check(const char *reason, urne_forum_fault *f) {
    return check_text(reason, "reason", URNE_FORUM_REASON_MAX, 1, f);
}

/* ---- spam and abuse ---- */

urne_forum_limits urne_forum_limits_default(void) {
    return (urne_forum_limits){.min_fill_seconds = 3, .max_links = 3, .per_address_hour = 20, .per_author_hour = 10};
}

unsigned urne_forum_flags(const urne_forum_signals *s, const urne_forum_limits *limits, int *score) {
    assert(s != NULL && limits != NULL);
    unsigned flags = 0;
    int points = 0;
    if (s->honeypot) flags |= URNE_FORUM_FLAG_HONEYPOT, points += 50;
    if (s->fill_seconds >= 0 && s->fill_seconds < limits->min_fill_seconds)
        flags |= URNE_FORUM_FLAG_TOO_FAST, points += 20;
    if (s->links > limits->max_links) {
        flags |= URNE_FORUM_FLAG_LINKS;
        size_t over = s->links - limits->max_links;
        points += 10 + (over > 100 ? 500 : 5 * (int)over); /* bounded: a score, not a count */
    }
    if (s->duplicate) flags |= URNE_FORUM_FLAG_DUPLICATE, points += 20;
    if (s->from_address > limits->per_address_hour) flags |= URNE_FORUM_FLAG_ADDRESS_RATE, points += 15;
    if (s->from_author > limits->per_author_hour) flags |= URNE_FORUM_FLAG_AUTHOR_RATE, points += 15;
    if (score) *score = points;
    return flags;
}

int urne_forum_initial_state(urne_forum_mode mode, unsigned flags, int by_moderator, urne_post_state *out) {
    switch (mode) {
    case URNE_FORUM_CLOSED: return -1;
    case URNE_FORUM_A_PRIORI: *out = by_moderator && !flags ? URNE_POST_PUBLISHED : URNE_POST_WAITING; return 0;
    case URNE_FORUM_A_POSTERIORI: *out = flags ? URNE_POST_WAITING : URNE_POST_PUBLISHED; return 0;
    }
    return -1;
}

/* ---- moderation ---- */

int urne_forum_moderate(urne_post_state from, urne_moderation act, urne_post_state *to) {
    int ok = 0;
    urne_post_state next = from;
    switch (act) {
    case URNE_MOD_APPROVE:
        ok = from == URNE_POST_WAITING || from == URNE_POST_HIDDEN;
        next = URNE_POST_PUBLISHED;
        break;
    case URNE_MOD_REJECT:
        ok = from == URNE_POST_WAITING;
        next = URNE_POST_REJECTED;
        break;
    case URNE_MOD_HIDE:
        ok = from == URNE_POST_PUBLISHED;
        next = URNE_POST_HIDDEN;
        break;
    case URNE_MOD_EDIT: ok = from != URNE_POST_REJECTED; break;
    }
    if (!ok) return -1;
    *to = next;
    return 0;
}

static int by_time(const void *a, const void *b) {
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

void urne_forum_waiting(int64_t *sent, size_t n, int64_t now, int64_t *median, int64_t *oldest) {
    *median = *oldest = 0;
    if (n == 0) return;
    qsort(sent, n, sizeof *sent, by_time);
    /* Ages in the reverse order of times: the oldest message is sent[0]. */
    int64_t a = now - sent[(n - 1) / 2], b = now - sent[n / 2];
    if (a < 0) a = 0;
    if (b < 0) b = 0;
    *median = a / 2 + b / 2 + (a % 2 + b % 2) / 2; /* the mean of the two middle ones, rounded down, without overflow */
    *oldest = now - sent[0] > 0 ? now - sent[0] : 0;
}
