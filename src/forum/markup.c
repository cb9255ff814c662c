/*
 * markup: a forum message rendered to safe HTML (see markup.h for the grammar).
 *
 * Three passes over the message, each linear:
 *
 * 1. The text made clean: "\r\n" becomes "\n", and every byte that is not valid
 *    UTF-8, every control character but newline and tab, becomes U+FFFD. After
 *    this the renderer reasons on characters it can print as they are. For speed,
 *    printable ASCII is checked eight bytes at a time, and a text that needs no
 *    cleaning (nearly every message) is read in place, not copied.
 * 2. The block markers: every <code>...</code> span (its content is never read as
 *    markup, blank lines in it included) and every <quote> and </quote>, paired
 *    with a stack. A marker that finds no partner is left in the text, where it
 *    will be shown as typed.
 * 3. The rendering: the text between paired quote markers is cut into paragraphs
 *    at blank lines, and each paragraph's inline markers are read into tokens,
 *    paired with a stack as they come: an opener is pushed; a closer is one only
 *    when it closes the element on top of the stack ("}" closes {italic}, "}}"
 *    {{bold}}, so that {{{x}}} reads as bold italic); openers still on the stack
 *    at the paragraph's end had no partner and are shown as text. Since a closer
 *    only ever matches the top, the pairs nest, and an element is never left
 *    open: the output is well nested whatever the input.
 *
 * A link's text is rendered the same way, alone and without links inside. A
 * link is looked for up to the next "[" or "]" only, so that a message full of
 * "[" costs no more than one pass. Everything between markers is escaped (& < > "
 * ') as text, the link's address too, inside its attribute. The output's room is
 * reserved once, from the text's length, rather than grown step by step.
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../core/urne_buf.h"
#include "../core/urne_mem.h"
#include "markup.h"

/* ---- 1. the text made clean ---- */

/* The length of the valid UTF-8 sequence at s (n bytes available) that is not a
 * control character, 0 when there is none. */
static size_t printable_utf8(const unsigned char *s, size_t n) {
    unsigned c = s[0];
    if (c < 0x80) return c >= 0x20 && c != 0x7f ? 1 : 0;
    size_t need;
    unsigned lo = 0x80, hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf)
        need = 2;
    else if (c >= 0xe0 && c <= 0xef) {
        need = 3;
        if (c == 0xe0) lo = 0xa0;
        if (c == 0xed) hi = 0x9f; /* no surrogates */
    } else if (c >= 0xf0 && c <= 0xf4) {
        need = 4;
        if (c == 0xf0) lo = 0x90;
        if (c == 0xf4) hi = 0x8f;
    } else
        return 0;
    if (n < need || s[1] < lo || s[1] > hi) return 0;
    for (size_t k = 2; k < need; k++)
        if (s[k] < 0x80 || s[k] > 0xbf) return 0;
    if (c == 0xc2 && s[1] <= 0x9f) return 0; /* C1 controls */
    return need;
}

/* 1 when the eight bytes at s are all printable ASCII (0x20 to 0x7e). */
static int word_plain(const unsigned char *s) {
    uint64_t w;
    memcpy(&w, s, 8);
    uint64_t high = w & 0x8080808080808080u;                        /* a byte >= 0x80 */
    uint64_t low = (w - 0x2020202020202020u) & ~w & 0x8080808080808080u; /* a byte < 0x20 */
    uint64_t x = w ^ 0x7f7f7f7f7f7f7f7fu;
    uint64_t del = (x - 0x0101010101010101u) & ~x & 0x8080808080808080u; /* a byte == 0x7f */
    return !(high | low | del);
}

/* How many bytes at the start of s are printable ASCII or newline: the common
 * case, checked eight at a time, one at a time only around an odd byte. */
static size_t plain_prefix(const unsigned char *s, size_t n) {
    size_t i = 0;
    for (;;) {
        while (i + 8 <= n && word_plain(s + i)) i += 8;
        size_t stop = i + 8 < n ? i + 8 : n;
        for (; i < stop; i++)
            if (!((s[i] >= 0x20 && s[i] < 0x7f) || s[i] == '\n')) return i;
        if (i >= n) return n;
    }
}

/* The length of the longest start of the text that needs no cleaning. */
static size_t clean_prefix(const unsigned char *s, size_t len) {
    size_t i = 0;
    while (i < len) {
        i += plain_prefix(s + i, len - i);
        if (i == len) break;
        size_t k = s[i] == '\t' ? 1 : printable_utf8(s + i, len - i);
        if (k == 0) break;
        i += k;
    }
    return i;
}

/* The text made clean into out, from byte `from` on (what comes before is clean). */
static void clean(const char *text, size_t len, size_t from, urne_buf *out, size_t *replaced) {
    const unsigned char *s = (const unsigned char *)text;
    urne_buf_reserve(out, len + len / 8 + 16);
    urne_buf_put(out, text, from);
    for (size_t i = from; i < len;) {
        size_t j = i + clean_prefix(s + i, len - i);
        urne_buf_put(out, (const char *)s + i, j - i);
        i = j;
        if (i == len) break;
        if (s[i] == '\r') { /* "\r\n" is one line break, a lone "\r" too */
            urne_buf_put(out, "\n", 1);
            i += i + 1 < len && s[i + 1] == '\n' ? 2 : 1;
        } else {
            urne_buf_put(out, "\xef\xbf\xbd", 3);
            ++*replaced;
            i++;
        }
    }
}

/* ---- 2. the block markers ---- */

typedef enum { EV_QUOTE_OPEN, EV_QUOTE_CLOSE, EV_CODE } event_kind;

typedef struct event {
    size_t pos, end; /* the marker's bytes; for a code span, "<code>" to "</code>" included */
    event_kind kind;
    int paired; /* quotes: found its partner */
} event;

typedef struct renderer {
    const char *t;
    size_t n;
    event *ev;
    size_t nev, cap;
    urne_buf out;
    urne_forum_render_info info;
    int oom;
} renderer;

/* 1 when the text at i starts with `lit` (lowercase ASCII), whatever the case. */
static int at_ci(const renderer *r, size_t i, const char *lit) {
    size_t k = strlen(lit);
    if (r->n - i < k) return 0;
    for (size_t j = 0; j < k; j++) {
        char c = r->t[i + j];
        if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
        if (c != lit[j]) return 0;
    }
    return 1;
}

static void add_event(renderer *r, size_t pos, size_t end, event_kind kind) {
    event *ev = urne_mem_room(r->ev, r->nev, &r->cap, sizeof *ev, 16);
    if (ev == NULL) {
        r->oom = 1;
        return;
    }
    r->ev = ev;
    r->ev[r->nev++] = (event){pos, end, kind, 0};
}

/* Where "</code>" starts at or after `from`, or r->n when it does not. */
static size_t code_close(const renderer *r, size_t from) {
    for (size_t i = from; i < r->n; i++)
        if (r->t[i] == '<' && at_ci(r, i, "</code>")) return i;
    return r->n;
}

static void find_blocks(renderer *r) {
    int no_close = 0; /* once a "<code>" found no "</code>", none after it will */
    for (size_t i = 0; i < r->n && !r->oom; i++) {
        if (r->t[i] != '<') continue;
        if (!no_close && at_ci(r, i, "<code>")) {
            size_t close = code_close(r, i + 6);
            if (close == r->n) {
                no_close = 1;
                continue;
            }
            add_event(r, i, close + 7, EV_CODE);
            i = close + 6;
        } else if (at_ci(r, i, "<quote>")) {
            add_event(r, i, i + 7, EV_QUOTE_OPEN);
            i += 6;
        } else if (at_ci(r, i, "</quote>")) {
            add_event(r, i, i + 8, EV_QUOTE_CLOSE);
            i += 7;
        }
    }
    /* Pair the quotes: a closer pairs with the last opener still open. */
    size_t *stack = r->oom ? NULL : malloc((r->nev + 1) * sizeof *stack), depth = 0;
    if (stack == NULL) {
        r->oom = 1;
        return;
    }
    for (size_t k = 0; k < r->nev; k++) {
        if (r->ev[k].kind == EV_QUOTE_OPEN)
            stack[depth++] = k;
        else if (r->ev[k].kind == EV_QUOTE_CLOSE && depth > 0) {
            r->ev[stack[--depth]].paired = 1;
            r->ev[k].paired = 1;
        }
    }
    free(stack);
}

/* The first event at or after pos (events are in order of position). */
static size_t event_from(const renderer *r, size_t pos) {
    size_t lo = 0, hi = r->nev;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (r->ev[mid].pos < pos)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* ---- 3. inline: tokens paired as they come ---- */

typedef enum { TK_OPEN, TK_CLOSE, TK_CODE, TK_LINK } token_kind;
typedef enum { EL_STRONG, EL_EM, EL_Q, EL_DEL, EL_INS } element;

static const char *const open_tag[] = {"<strong>", "<em>", "<q>", "<del>", "<ins>"};
static const char *const close_tag[] = {"</strong>", "</em>", "</q>", "</del>", "</ins>"};

typedef struct token {
    token_kind kind;
    element el;
    size_t pos, end;   /* the marker's bytes (a link's or a code span's: all of it) */
    size_t a, b;       /* a link's text, a code span's content */
    size_t ua, ub;     /* a link's address */
    int paired;        /* an opener that found its closer */
} token;

typedef struct tokens {
    token *v;
    size_t n, cap;
    size_t *stack; /* indices of the openers not yet closed */
    size_t depth, stack_cap;
} tokens;

static int push_token(renderer *r, tokens *tk, token t) {
    token *v = urne_mem_room(tk->v, tk->n, &tk->cap, sizeof *v, 16);
    if (v == NULL) return r->oom = 1, -1;
    tk->v = v;
    tk->v[tk->n++] = t;
    return 0;
}

static void open_element(renderer *r, tokens *tk, element el, size_t pos, size_t len) {
    size_t *s = urne_mem_room(tk->stack, tk->depth, &tk->stack_cap, sizeof *s, 16);
    if (s == NULL) {
        r->oom = 1;
        return;
    }
    tk->stack = s;
    if (push_token(r, tk, (token){.kind = TK_OPEN, .el = el, .pos = pos, .end = pos + len}) == 0)
        tk->stack[tk->depth++] = tk->n - 1;
}

/* The element open on top, or -1. */
static int top(const tokens *tk) { return tk->depth ? (int)tk->v[tk->stack[tk->depth - 1]].el : -1; }

static void close_element(renderer *r, tokens *tk, size_t pos, size_t len) {
    assert(tk->depth > 0);
    size_t opener = tk->stack[--tk->depth];
    if (push_token(r, tk, (token){.kind = TK_CLOSE, .el = tk->v[opener].el, .pos = pos, .end = pos + len}) == 0)
        tk->v[opener].paired = 1;
}

/* 1 when [a, b) is an address a link may have: http://, https:// or mailto:
 * followed by something, without blanks, quotes, angle brackets or backslashes. */
static int address_ok(const char *t, size_t a, size_t b) {
    static const char *const schemes[] = {"http://", "https://", "mailto:"};
    int scheme = 0;
    for (size_t k = 0; k < 3 && !scheme; k++) {
        size_t m = strlen(schemes[k]);
        if (b - a <= m) continue;
        scheme = 1;
        for (size_t j = 0; j < m && scheme; j++) {
            char c = t[a + j];
            if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
            scheme = c == schemes[k][j];
        }
    }
    if (!scheme) return 0;
    for (size_t i = a; i < b; i++) {
        unsigned char c = (unsigned char)t[i];
        if (c <= 0x20 || c == '"' || c == '\'' || c == '<' || c == '>' || c == '\\' || c == '`') return 0;
    }
    return 1;
}

static int blank(char c) { return c == ' ' || c == '\t' || c == '\n'; }

/* A link "[text->address]" at i (t[i] == '['), within [i, b): 1 with its token
 * filled, 0 when there is none there. Looks no further than the next '[' or the
 * first ']', and never across a code span (the event at index k is the first at
 * or after i). */
static int find_link(renderer *r, size_t i, size_t b, size_t k, token *out) {
    const char *t = r->t;
    size_t arrow = 0, j;
    for (j = i + 1; j < b && !arrow; j++) {
        if (t[j] == '[' || t[j] == ']') return 0;
        if (t[j] == '-' && j + 1 < b && t[j + 1] == '>') arrow = j;
    }
    if (!arrow) return 0;
    size_t close = 0;
    for (j = arrow + 2; j < b; j++) {
        if (t[j] == '[') return 0;
        if (t[j] == ']') {
            close = j;
            break;
        }
    }
    if (!close) return 0;
    if (k < r->nev && r->ev[k].pos < close) return 0; /* a code span inside */
    size_t ua = arrow + 2, ub = close;
    while (ua < ub && blank(t[ua])) ua++;
    while (ub > ua && blank(t[ub - 1])) ub--;
    if (!address_ok(t, ua, ub)) {
        r->info.refused_links++;
        return 0;
    }
    *out = (token){.kind = TK_LINK, .pos = i, .end = close + 1, .a = i + 1, .b = arrow, .ua = ua, .ub = ub};
    return 1;
}

/* The bytes that may start an inline marker. */
static const unsigned char special[256] = {['{'] = 1, ['}'] = 1, ['<'] = 1, ['['] = 1};

/* The inline markers of [a, b) read into tk: 0, or -1 when memory ran out. */
static int read_inline(renderer *r, size_t a, size_t b, int links, tokens *tk) {
    const char *t = r->t;
    size_t k = event_from(r, a);
    for (size_t i = a; i < b && !r->oom;) {
        while (k < r->nev && r->ev[k].pos < i) k++;
        if (k < r->nev && r->ev[k].pos == i && r->ev[k].kind == EV_CODE && r->ev[k].end <= b) {
            push_token(r, tk, (token){.kind = TK_CODE, .pos = i, .end = r->ev[k].end, .a = i + 6,
                                      .b = r->ev[k].end - 7});
            i = r->ev[k].end;
            continue;
        }
        char c = t[i];
        if (!special[(unsigned char)c]) { /* a run of ordinary text: to the next marker or code span */
            size_t limit = k < r->nev && r->ev[k].pos < b ? r->ev[k].pos : b;
            do
                i++;
            while (i < limit && !special[(unsigned char)t[i]]);
            continue;
        }
        token link;
        if (c == '{') {
            int two = i + 1 < b && t[i + 1] == '{';
            open_element(r, tk, two ? EL_STRONG : EL_EM, i, two ? 2 : 1);
            i += two ? 2 : 1;
        } else if (c == '}' && top(tk) == EL_EM) {
            close_element(r, tk, i, 1);
            i++;
        } else if (c == '}' && top(tk) == EL_STRONG && i + 1 < b && t[i + 1] == '}') {
            close_element(r, tk, i, 2);
            i += 2;
        } else if (c == '<') {
            static const struct { const char *open, *close; element el; } tags[] = {
                {"<q>", "</q>", EL_Q}, {"<del>", "</del>", EL_DEL}, {"<ins>", "</ins>", EL_INS}};
            size_t step = 1;
            for (size_t m = 0; m < 3; m++) {
                size_t lo = strlen(tags[m].open), lc = strlen(tags[m].close);
                if (b - i >= lo && at_ci(r, i, tags[m].open)) {
                    open_element(r, tk, tags[m].el, i, lo);
                    step = lo;
                    break;
                }
                if (b - i >= lc && at_ci(r, i, tags[m].close) && top(tk) == (int)tags[m].el) {
                    close_element(r, tk, i, lc);
                    step = lc;
                    break;
                }
            }
            i += step;
        } else if (c == '[' && links && find_link(r, i, b, k, &link)) {
            push_token(r, tk, link);
            i = link.end;
        } else
            i++;
    }
    return r->oom ? -1 : 0;
}

static void escape(renderer *r, size_t a, size_t b) {
    if (b > a) urne_buf_html_n(&r->out, r->t + a, b - a);
}

static void render_inline(renderer *r, size_t a, size_t b, int links);

static void write_link(renderer *r, const token *x) {
    r->info.links++;
    urne_buf_puts(&r->out, "<a href=\"");
    escape(r, x->ua, x->ub);
    urne_buf_puts(&r->out, "\" rel=\"nofollow ugc noopener\">");
    size_t a = x->a, b = x->b;
    while (a < b && blank(r->t[a])) a++;
    while (b > a && blank(r->t[b - 1])) b--;
    if (a < b)
        render_inline(r, a, b, 0);
    else
        escape(r, x->ua, x->ub); /* [->url]: the address is the text */
    urne_buf_puts(&r->out, "</a>");
}

/* Render [a, b), one paragraph's content or a link's text, links allowed or not. */
static void render_inline(renderer *r, size_t a, size_t b, int links) {
    tokens tk = {0};
    if (read_inline(r, a, b, links, &tk) == 0) {
        size_t at = a;
        for (size_t i = 0; i < tk.n; i++) {
            const token *x = &tk.v[i];
            escape(r, at, x->pos);
            switch (x->kind) {
            case TK_OPEN:
                if (x->paired)
                    urne_buf_puts(&r->out, open_tag[x->el]);
                else
                    escape(r, x->pos, x->end); /* no partner: as typed */
                break;
            case TK_CLOSE: urne_buf_puts(&r->out, close_tag[x->el]); break;
            case TK_CODE:
                urne_buf_puts(&r->out, "<code>");
                escape(r, x->a, x->b);
                urne_buf_puts(&r->out, "</code>");
                break;
            case TK_LINK: write_link(r, x); break;
            }
            at = x->end;
        }
        escape(r, at, b);
    }
    free(tk.v);
    free(tk.stack);
}

/* ---- 3. blocks: quotes around paragraphs ---- */

static void paragraph(renderer *r, size_t a, size_t b) {
    while (a < b && blank(r->t[a])) a++;
    while (b > a && blank(r->t[b - 1])) b--;
    if (a == b) return;
    urne_buf_puts(&r->out, "<p>");
    render_inline(r, a, b, 1);
    urne_buf_puts(&r->out, "</p>");
}

/* The paragraphs of [a, b), cut at blank lines outside code spans. */
static void paragraphs(renderer *r, size_t a, size_t b) {
    size_t start = a, k = event_from(r, a);
    for (size_t i = a; i < b;) {
        while (k < r->nev && r->ev[k].pos < i) k++;
        if (k < r->nev && r->ev[k].pos == i && r->ev[k].kind == EV_CODE) {
            i = r->ev[k].end;
            continue;
        }
        /* To the next line break, or the next code span if it comes first. */
        size_t limit = k < r->nev && r->ev[k].pos < b ? r->ev[k].pos : b;
        if (limit <= i) limit = i + 1; /* a quote marker here, left as text: step over it */
        const char *nl = memchr(r->t + i, '\n', limit - i);
        if (nl == NULL) {
            i = limit;
            continue;
        }
        i = (size_t)(nl - r->t);
        size_t j = i + 1;
        while (j < b && (r->t[j] == ' ' || r->t[j] == '\t')) j++;
        if (j < b && r->t[j] == '\n') {
            paragraph(r, start, i);
            while (j < b && blank(r->t[j])) j++;
            start = j;
        }
        i = j;
    }
    paragraph(r, start, b);
}

char *urne_forum_render(const char *text, size_t len, size_t *out_len, urne_forum_render_info *info) {
    assert(text != NULL || len == 0);
    renderer r = {0};
    urne_buf src = {0};
    if (text == NULL) text = "";
    /* A text that needs no cleaning (nearly all) is read where it is. */
    size_t ok = clean_prefix((const unsigned char *)text, len);
    if (ok == len) {
        r.t = text;
        r.n = len;
    } else {
        clean(text, len, ok, &src, &r.info.replaced);
        r.t = src.data ? src.data : "";
        r.n = src.len;
        r.oom = src.oom;
    }
    urne_buf_reserve(&r.out, r.n + r.n / 4 + 64);
    if (!r.oom) find_blocks(&r);
    size_t start = 0;
    for (size_t k = 0; k < r.nev && !r.oom; k++) {
        const event *e = &r.ev[k];
        if (e->kind == EV_CODE || !e->paired) continue; /* inline, or text */
        paragraphs(&r, start, e->pos);
        urne_buf_puts(&r.out, e->kind == EV_QUOTE_OPEN ? "<blockquote>" : "</blockquote>");
        start = e->end;
    }
    if (!r.oom) paragraphs(&r, start, r.n);
    free(r.ev);
    urne_buf_free(&src);
    if (r.oom || r.out.oom) {
        urne_buf_free(&r.out);
        return NULL;
    }
    if (info) *info = r.info;
    size_t n = 0;
    char *html;
    if (r.out.len)
        html = urne_buf_take(&r.out, &n);
    else { /* an empty fragment (the room reserved goes) */
        urne_buf_free(&r.out);
        html = calloc(1, 1);
    }
    if (out_len) *out_len = html ? n : 0;
    return html;
}
