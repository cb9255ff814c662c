/*
 * forum: the forum component's rules (issue 19): what a contribution must be, the
 * signals that send it to the moderators with its reasons, the state it starts in
 * under each moderation mode, what each moderation act may change, and the
 * moderators' waiting-time figures. The renderer is markup.h.
 *
 * A forum is attached to anything people decide together (an election, an
 * initiative, a council, a page) and is moderated a priori (the default: nothing is
 * shown before a moderator approves it, as our users' own forums always did), a
 * posteriori (shown at once, unless a signal holds it back), or closed. A
 * contribution comes from a member, logged in, or from a visitor who gives a name
 * and an e-mail address, when the forum lets visitors write.
 *
 * Nothing is silently dropped: a message that looks like spam (the hidden field
 * filled, the form sent faster than a person types, too many links, the same text
 * again, an address or an author over the rate) goes to the queue with its
 * reasons, and a moderator decides.
 *
 * Pure: no I/O, no clock (times are given, in seconds), no allocation, no
 * globals. Refusals are codes with their parameters; the adapters word them.
 */
#ifndef URNE_FORUM_H
#define URNE_FORUM_H

#include <stddef.h>
#include <stdint.h>

#define URNE_FORUM_TITLE_MAX 200     /* bytes */
#define URNE_FORUM_MESSAGE_MAX 20000 /* bytes: a long post is some 10,000 */
#define URNE_FORUM_NAME_MAX 100
#define URNE_FORUM_EMAIL_MAX 254 /* RFC 5321's path limit */
#define URNE_FORUM_REASON_MAX 1000

typedef enum { URNE_FORUM_A_PRIORI, URNE_FORUM_A_POSTERIORI, URNE_FORUM_CLOSED } urne_forum_mode;

typedef enum { URNE_POST_WAITING, URNE_POST_PUBLISHED, URNE_POST_REJECTED, URNE_POST_HIDDEN } urne_post_state;

typedef enum { URNE_MOD_APPROVE, URNE_MOD_REJECT, URNE_MOD_HIDE, URNE_MOD_EDIT } urne_moderation;

/* "a-priori", "a-posteriori", "closed"; "waiting", "published", "rejected",
 * "hidden"; "approve", "reject", "hide", "edit". NULL for a value out of range. */
const char *urne_forum_mode_name(urne_forum_mode m);
const char *urne_post_state_name(urne_post_state s);
const char *urne_moderation_name(urne_moderation a);
/* The value of a name: 0, or -1 when it is none. */
int urne_forum_mode_parse(const char *name, urne_forum_mode *out);
int urne_post_state_parse(const char *name, urne_post_state *out);

/* ---- a contribution ---- */

/* The rules' codes (urne_forum_fault.rule), each for one field. */
#define URNE_FORUM_LENGTH "length"     /* empty, or more bytes than the field's maximum */
#define URNE_FORUM_BLANK "blank"       /* only spaces, tabs and line breaks */
#define URNE_FORUM_UTF8 "utf8"         /* not valid UTF-8 */
#define URNE_FORUM_CONTROL "control"   /* a control character (a line break too, but in a message) */
#define URNE_FORUM_EMAIL "email"       /* not of the form local@domain.tld */
#define URNE_FORUM_VISITORS "visitors" /* the forum takes members' contributions only: log in */
#define URNE_FORUM_CLOSED_RULE "closed" /* the forum is closed */

typedef struct urne_forum_fault {
    const char *field; /* "title", "message", "name", "email", "reason", "forum" */
    const char *rule;  /* one of the codes above */
    size_t at;         /* length: the length in bytes; utf8, control: the offending byte's offset */
    size_t limit;      /* length: the most allowed; 0 otherwise */
} urne_forum_fault;

typedef struct urne_forum_contribution {
    const char *title;   /* a thread's first message needs one; a reply may have none (NULL or "") */
    const char *message; /* NUL-terminated */
    int reply;           /* 1 when it answers another message */
    int member;          /* 1 when a logged-in member writes it; else a visitor */
    const char *name;    /* a visitor's name and e-mail address (ignored for a member) */
    const char *email;
} urne_forum_contribution;

/* May this contribution be taken into a forum in `mode` that does (visitors 1) or
 * does not let visitors write? Checked in this order: the forum (closed, members
 * only), the title, the message, the visitor's name then e-mail; within a field
 * the length, then blankness, then the bytes. 0 when acceptable; -1 with the
 * first rule broken in *fault. */
int urne_forum_contribution_check(const urne_forum_contribution *c, urne_forum_mode mode, int visitors,
                                  urne_forum_fault *fault);

/* A moderator's reason (a rejection's, sent to the author; an edit's, shown beside
 * it): 1 to URNE_FORUM_REASON_MAX bytes, not blank, valid UTF-8, line breaks
 * allowed. 0, or -1 with the fault (field "reason"). */
int urne_forum_reason_check(const char *reason, urne_forum_fault *fault);

/* ---- spam and abuse: signals, never a silent refusal ---- */

typedef enum {
    URNE_FORUM_FLAG_HONEYPOT = 1u << 0,     /* the hidden field was filled: a robot fills every field */
    URNE_FORUM_FLAG_TOO_FAST = 1u << 1,     /* sent sooner after the form was shown than a person writes */
    URNE_FORUM_FLAG_LINKS = 1u << 2,        /* more links than the forum's rules allow */
    URNE_FORUM_FLAG_DUPLICATE = 1u << 3,    /* the same text was sent lately */
    URNE_FORUM_FLAG_ADDRESS_RATE = 1u << 4, /* over the rate for the sender's address */
    URNE_FORUM_FLAG_AUTHOR_RATE = 1u << 5,  /* over the rate for the author */
} urne_forum_flag;
#define URNE_FORUM_NFLAGS 6

/* "honeypot", "too-fast", "links", "duplicate", "address-rate", "author-rate", for
 * one flag bit; NULL otherwise. */
const char *urne_forum_flag_name(unsigned flag);

/* What the application found about one contribution (it counts and remembers;
 * the rules here decide). */
typedef struct urne_forum_signals {
    int honeypot;           /* the hidden field holds something */
    int64_t fill_seconds;   /* from the form shown to it sent; negative when unknown */
    size_t links;           /* the renderer's count (markup.h) */
    int duplicate;          /* the same normalised text within the forum's memory */
    size_t from_address;    /* contributions from the sender's address within the last hour, this one included */
    size_t from_author;     /* the same for the author (a member, or a visitor's e-mail) */
} urne_forum_signals;

typedef struct urne_forum_limits {
    int64_t min_fill_seconds; /* default 3 */
    size_t max_links;         /* default 3 */
    size_t per_address_hour;  /* default 20 */
    size_t per_author_hour;   /* default 10 */
} urne_forum_limits;

/* The default limits above. */
urne_forum_limits urne_forum_limits_default(void);

/* The flags the signals raise under `limits` (bits of urne_forum_flag), and a spam
 * score in *score when not NULL: the sum of each raised flag's weight (honeypot
 * 50, too fast 20, links 10 plus 5 per link over, duplicate 20, each rate 15),
 * for ordering the queue. */
unsigned urne_forum_flags(const urne_forum_signals *s, const urne_forum_limits *limits, int *score);

/* The state a contribution starts in: waiting under moderation a priori, and under
 * a posteriori when a flag is raised; published under a posteriori without flags,
 * or when one of the forum's moderators writes it without flags. -1 for a closed
 * forum (urne_forum_contribution_check refuses it before). */
int urne_forum_initial_state(urne_forum_mode mode, unsigned flags, int by_moderator, urne_post_state *out);

/* ---- moderation ---- */

/* What `act` makes of a contribution in state `from`: approve a waiting or hidden
 * one (published), reject a waiting one (rejected), hide a published one (hidden),
 * edit one that is waiting, published or hidden (its state kept). 0 with the new
 * state in *to; -1 when the act does not apply to that state. */
int urne_forum_moderate(urne_post_state from, urne_moderation act, urne_post_state *to);

/* The moderators' waiting-time figures over the `n` waiting contributions sent at
 * `sent[i]` (seconds): the median age (the mean of the two middle ones when n is
 * even, rounded down) and the oldest at `now`, in seconds (0 and 0 when none). Sorts `sent` in place (a copy is the caller's to make). An age in the
 * future (a clock set back) counts as 0. */
void urne_forum_waiting(int64_t *sent, size_t n, int64_t now, int64_t *median, int64_t *oldest);

#endif
