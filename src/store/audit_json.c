/*
 * audit_json: the JSON the store and the audit log share, written and read in one
 * place: a sheet's figures (the bureaux' and disputes' columns hold them, entries
 * record them), and the records of resulting rows that audit entries carry so
 * that the log can be replayed (store_audit.h lists them; audit/replay.h says why).
 *
 * Writing and reading sit side by side so that the format cannot drift between
 * the server that writes an entry and `urne audit verify` that reads it years
 * later. No SQL here.
 *
 * Size: election.create records every bureau as one compact array. On the Rhône
 * file of the 2017 presidential election's first round (PR17_BVot_T1_dept69.txt,
 * 1,287 bureaux, 11 candidates) the whole entry is 77,867 bytes (60 a bureau); a
 * synthetic national file of 70,000 bureaux and 12 candidates writes one entry of
 * 4.8 MB, once, and `urne audit verify` then takes about 1.2 s of CPU and 125 MB.
 */
#include <assert.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"
#include "store_backend.h"

/* ---- figures ---- */

static json_t *figures_object(const urne_figures *f) {
    json_t *o = json_object(), *v = json_array();
    json_object_set_new(o, "inscrits", json_integer(f->inscrits));
    json_object_set_new(o, "votants", json_integer(f->votants));
    json_object_set_new(o, "blancs", json_integer(f->blancs));
    json_object_set_new(o, "nuls", json_integer(f->nuls));
    json_object_set_new(o, "exprimes", f->exprimes >= 0 ? json_integer(f->exprimes) : json_null());
    for (size_t j = 0; j < f->nvotes; j++) json_array_append_new(v, json_integer(f->votes[j]));
    json_object_set_new(o, "votes", v);
    return o;
}

/* Lenient, as the store has always read its own column: absent counts read 0.
 * out (a valid value) is replaced. 0; -1 when o is not an object; -2 when out of
 * memory. */
static int figures_from_object(const json_t *o, urne_figures *out) {
    urne_figures_free(out);
    if (!json_is_object(o)) return -1;
    json_t *e = json_object_get(o, "exprimes");
    out->inscrits = json_integer_value(json_object_get(o, "inscrits"));
    out->votants = json_integer_value(json_object_get(o, "votants"));
    out->blancs = json_integer_value(json_object_get(o, "blancs"));
    out->nuls = json_integer_value(json_object_get(o, "nuls"));
    out->exprimes = json_is_integer(e) ? json_integer_value(e) : -1;
    json_t *v = json_object_get(o, "votes");
    size_t n = json_array_size(v);
    if (urne_figures_alloc(out, n) < 0) return -2;
    for (size_t j = 0; j < n; j++) out->votes[j] = json_integer_value(json_array_get(v, j));
    return 0;
}

static char *dump(json_t *o) {
    char *text = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    json_decref(o);
    return text;
}

char *urne_figures_json(const urne_figures *f) {
    assert(f->nvotes == 0 || f->votes);
    char *text = dump(figures_object(f));
    assert(text == NULL || strlen(text) <= URNE_FIGURES_JSON_MAX(f->nvotes));
    return text;
}

int urne_figures_parse_json(const char *text, urne_figures *out) {
    json_t *o = json_loads(text, 0, NULL);
    int rc = figures_from_object(o, out);
    json_decref(o);
    return rc;
}

/* ---- writing the records ---- */

char *urne_audit_sheet_record(size_t bureau, const urne_bureau_info *b, const urne_figures *stored) {
    json_t *o = json_object();
    json_object_set_new(o, "bureau", json_integer((json_int_t)bureau));
    json_object_set_new(o, "state", json_string(urne_sheet_state_name(b->state)));
    json_object_set_new(o, "figures", stored ? figures_object(stored) : json_null());
    json_object_set_new(o, "entered_at", json_string(b->entered_at));
    json_object_set_new(o, "entered_by", json_integer(b->entered_by > 0 ? b->entered_by : 0));
    json_object_set_new(o, "validated_once", json_integer(b->validated_once != 0));
    json_object_set_new(o, "changed_after_validation", json_integer(b->changed_after_validation != 0));
    return dump(o);
}

/* A figures column's text as a JSON value: the object, or null when empty. */
static json_t *figures_value(const char *text) {
    json_t *v = text && text[0] ? json_loads(text, 0, NULL) : NULL;
    return v ? v : json_null();
}

char *urne_audit_dispute_record(const urne_dispute *d) {
    json_t *o = json_object();
    json_object_set_new(o, "id", json_integer(d->id));
    json_object_set_new(o, "election", json_integer(d->election));
    json_object_set_new(o, "bureau", json_integer(d->bureau));
    json_object_set_new(o, "tier", json_integer(d->tier));
    const char *texts[][2] = {{"state", d->state},         {"reason", d->reason},
                              {"opened_by", d->opened_by}, {"opened_at", d->opened_at},
                              {"deadline", d->deadline},   {"decision", d->decision},
                              {"decision_reason", d->decision_reason}, {"decided_by", d->decided_by},
                              {"decided_at", d->decided_at}};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
        json_object_set_new(o, texts[i][0], json_string(texts[i][1]));
    json_object_set_new(o, "figures_before", figures_value(d->figures_before));
    json_object_set_new(o, "figures_after", figures_value(d->figures_after));
    json_object_set_new(o, "escalated_from", json_integer(d->escalated_from > 0 ? d->escalated_from : 0));
    return dump(o);
}

char *urne_audit_json_add(char *object, const char *key, char *value) {
    json_t *o = object ? json_loads(object, 0, NULL) : NULL;
    json_t *v = value ? json_loads(value, JSON_DECODE_ANY, NULL) : NULL;
    free(object);
    free(value);
    if (!json_is_object(o) || v == NULL) {
        json_decref(o);
        json_decref(v);
        return NULL;
    }
    json_object_set_new(o, key, v);
    return dump(o);
}

/* A growing text (for the one entry that can be megabytes long). */
typedef struct text {
    char *p;
    size_t len, cap;
    int failed;
} text;

static void put_text(text *t, const char *fmt, long long v, const char *s) {
    char tmp[64];
    int k = s ? snprintf(tmp, sizeof tmp, fmt, s) : snprintf(tmp, sizeof tmp, fmt, v);
    if (t->failed || k < 0 || (size_t)k >= sizeof tmp) {
        t->failed = 1;
        return;
    }
    if (t->len + (size_t)k + 1 > t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 4096;
        while (cap < t->len + (size_t)k + 1) cap *= 2;
        char *p = realloc(t->p, cap);
        if (p == NULL) {
            t->failed = 1;
            return;
        }
        t->p = p;
        t->cap = cap;
    }
    memcpy(t->p + t->len, tmp, (size_t)k + 1);
    t->len += (size_t)k;
}

/* ,"sheets":[[state,inscrits,votants,blancs,nuls,exprimes|null,votes...],...] */
static void put_sheets(text *t, const urne_round *round, const urne_sheet_state *states) {
    put_text(t, "%s", 0, ",\"sheets\":[");
    urne_figures f = {0};
    for (size_t i = 0; i < round->nsheets; i++) {
        if (urne_figures_from_sheet(round, &round->sheets[i], &f) < 0) {
            t->failed = 1;
            break;
        }
        put_text(t, "%s", 0, i ? ",[\"" : "[\"");
        put_text(t, "%s\"", 0, urne_sheet_state_name(states ? states[i] : URNE_SHEET_MISSING));
        const int64_t counts[] = {f.inscrits, f.votants, f.blancs, f.nuls};
        for (size_t k = 0; k < 4; k++) put_text(t, ",%lld", (long long)counts[k], NULL);
        if (f.exprimes >= 0)
            put_text(t, ",%lld", (long long)f.exprimes, NULL);
        else
            put_text(t, "%s", 0, ",null");
        for (size_t j = 0; j < f.nvotes; j++) put_text(t, ",%lld", (long long)f.votes[j], NULL);
        put_text(t, "%s", 0, "]");
    }
    urne_figures_free(&f);
    put_text(t, "%s", 0, "]}");
}

char *urne_audit_created_record(const urne_election_meta *m, const urne_round *round, const urne_sheet_state *states,
                                const char *source, const char *sha256, const char *structure) {
    size_t imported = 0;
    for (size_t i = 0; states && i < round->nsheets; i++) imported += states[i] == URNE_SHEET_ENTERED;
    json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:s, s:i, s:s, s:i, s:s, s:s, s:s}", "title",
                          m->title, "space", m->space, "zone", m->zone, "rules",
                          m->preset, "source", source ? source : "", "bureaux", (json_int_t)round->nsheets,
                          "imported", (json_int_t)imported, "sha256", sha256, "round", m->round, "settings",
                          m->settings, "double_entry", m->double_entry, "deadline", m->deadline, "created_at",
                          m->created_at, "structure", structure);
    char *head = dump(o);
    if (head == NULL) return NULL;
    size_t n = strlen(head);
    text t = {0};
    put_text(&t, "%s", 0, ""); /* allocate */
    if (!t.failed && n > 1) {
        char *p = realloc(t.p, n + 4096);
        if (p == NULL)
            t.failed = 1;
        else {
            memcpy(p, head, n - 1); /* without the closing brace */
            p[n - 1] = 0;
            t.p = p;
            t.len = n - 1;
            t.cap = n + 4096;
        }
    }
    free(head);
    put_sheets(&t, round, states);
    if (t.failed) {
        free(t.p);
        return NULL;
    }
    return t.p;
}

/* ---- reading them back: folding an entry into the replay ---- */

/* What an entry's object names: "election/E", "election/E/bureau/B",
 * "election/E/dispute/D", "user/U". */
typedef enum { OBJ_OTHER, OBJ_ELECTION, OBJ_BUREAU, OBJ_DISPUTE, OBJ_USER } obj_kind;

static obj_kind parse_object(const char *object, int64_t *election, int64_t *id) {
    long long a = 0, b = 0;
    int n = -1;
    *election = *id = 0;
    if (sscanf(object, "election/%lld/bureau/%lld%n", &a, &b, &n) == 2 && object[n] == 0 && b >= 0) {
        *election = a;
        *id = b;
        return OBJ_BUREAU;
    }
    n = -1;
    if (sscanf(object, "election/%lld/dispute/%lld%n", &a, &b, &n) == 2 && object[n] == 0) {
        *election = a;
        *id = b;
        return OBJ_DISPUTE;
    }
    n = -1;
    if (sscanf(object, "election/%lld%n", &a, &n) == 1 && object[n] == 0) {
        *election = a;
        return OBJ_ELECTION;
    }
    n = -1;
    if (sscanf(object, "user/%lld%n", &a, &n) == 1 && object[n] == 0) {
        *id = a;
        return OBJ_USER;
    }
    return OBJ_OTHER;
}

static int bad(urne_audit_replay *r, const urne_audit_entry *e, const char *what) {
    char msg[240];
    snprintf(msg, sizeof msg, "%s (%s on %s)", what, e->action, e->object);
    return urne_audit_replay_refuse(r, e->seq, msg);
}

/* The string `key` of o into out (size bytes): 0, or -1 when it is not a string
 * or is too long for out (a record no urne writes: refused, never cut). */
static int copy_str(const json_t *o, const char *key, char *out, size_t size) {
    const json_t *v = json_object_get(o, key);
    if (!json_is_string(v) || json_string_length(v) >= size || strlen(json_string_value(v)) >= size) return -1;
    memcpy(out, json_string_value(v), json_string_length(v) + 1);
    return 0;
}

static int get_int(const json_t *o, const char *key, int64_t *out) {
    const json_t *v = json_object_get(o, key);
    if (!json_is_integer(v)) return -1;
    *out = json_integer_value(v);
    return 0;
}

/* A figures value of a record: object, or null. */
static int figures_value_read(const json_t *v, int *has, urne_figures *f) {
    if (json_is_null(v)) {
        *has = 0;
        urne_figures_free(f);
        return 0;
    }
    *has = 1;
    return figures_from_object(v, f);
}

static int read_sheet(const json_t *o, size_t *bureau, urne_audit_sheet *s) {
    int64_t b, v, c;
    memset(s, 0, sizeof *s);
    if (!json_is_object(o) || get_int(o, "bureau", &b) < 0 || b < 0 ||
        copy_str(o, "state", s->state, sizeof s->state) < 0 ||
        figures_value_read(json_object_get(o, "figures"), &s->has_figures, &s->figures) < 0 ||
        copy_str(o, "entered_at", s->entered_at, sizeof s->entered_at) < 0 ||
        get_int(o, "entered_by", &s->entered_by) < 0 || get_int(o, "validated_once", &v) < 0 ||
        get_int(o, "changed_after_validation", &c) < 0)
        return -1;
    *bureau = (size_t)b;
    s->validated_once = (int)v;
    s->changed_after_validation = (int)c;
    return 0;
}

/* Strict, unlike figures_from_object: a figures object exactly as figures_object
 * writes it (every count an integer, exprimes one or null, votes integers). */
static int figures_as_written(const json_t *o) {
    if (json_is_null(o)) return 1;
    const char *keys[] = {"inscrits", "votants", "blancs", "nuls"};
    const json_t *e = json_object_get(o, "exprimes"), *v = json_object_get(o, "votes");
    int ok = json_is_object(o) && json_object_size(o) == 6 && (json_is_integer(e) || json_is_null(e)) &&
             json_is_array(v);
    for (size_t k = 0; ok && k < 4; k++) ok = json_is_integer(json_object_get(o, keys[k]));
    for (size_t j = 0; ok && j < json_array_size(v); j++) ok = json_is_integer(json_array_get(v, j));
    return ok;
}

int urne_audit_sheet_after(const char *after, size_t *bureau, urne_bureau_info *info, urne_figures *f,
                           int *has_figures) {
    json_t *o = after ? json_loads(after, JSON_REJECT_DUPLICATES, NULL) : NULL;
    const json_t *rec = json_object_get(o, "sheet");
    urne_audit_sheet s = {0};
    int ok = json_is_object(rec) && figures_as_written(json_object_get(rec, "figures")) &&
             read_sheet(rec, bureau, &s) == 0;
    json_decref(o);
    memset(info, 0, sizeof *info);
    if (!ok || urne_sheet_state_parse(s.state, &info->state) < 0 || s.entered_by < 0) {
        urne_figures_free(&s.figures);
        return -1;
    }
    snprintf(info->entered_at, sizeof info->entered_at, "%s", s.entered_at);
    info->entered_by = s.entered_by;
    info->validated_once = s.validated_once != 0;
    info->changed_after_validation = s.changed_after_validation != 0;
    *has_figures = s.has_figures;
    *f = s.figures;
    return 0;
}

static int read_dispute(const json_t *o, urne_audit_dispute *d) {
    int64_t tier;
    memset(d, 0, sizeof *d);
    if (!json_is_object(o) || get_int(o, "id", &d->id) < 0 || get_int(o, "election", &d->election) < 0 ||
        get_int(o, "bureau", &d->bureau) < 0 || get_int(o, "tier", &tier) < 0 ||
        get_int(o, "escalated_from", &d->escalated_from) < 0)
        return -1;
    d->tier = (int)tier;
    struct { const char *key; char *out; size_t size; } texts[] = {
        {"state", d->state, sizeof d->state},
        {"reason", d->reason, sizeof d->reason},
        {"opened_by", d->opened_by, sizeof d->opened_by},
        {"opened_at", d->opened_at, sizeof d->opened_at},
        {"deadline", d->deadline, sizeof d->deadline},
        {"decision", d->decision, sizeof d->decision},
        {"decision_reason", d->decision_reason, sizeof d->decision_reason},
        {"decided_by", d->decided_by, sizeof d->decided_by},
        {"decided_at", d->decided_at, sizeof d->decided_at},
    };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
        if (copy_str(o, texts[i].key, texts[i].out, texts[i].size) < 0) return -1;
    if (figures_value_read(json_object_get(o, "figures_before"), &d->has_before, &d->before) < 0 ||
        figures_value_read(json_object_get(o, "figures_after"), &d->has_after, &d->after) < 0)
        return -1;
    return 0;
}

/* One bureau of election.create's "sheets": [state, inscrits, votants, blancs,
 * nuls, exprimes|null, votes...]. Its entered_at is the election's creation time
 * when the state counts, as urne_store_election_create writes it. */
static int read_created_sheet(const json_t *a, const char *created_at, urne_audit_sheet *s) {
    size_t n = json_array_size(a);
    memset(s, 0, sizeof *s);
    if (!json_is_array(a) || n < 6 || !json_is_string(json_array_get(a, 0)) ||
        strlen(json_string_value(json_array_get(a, 0))) >= sizeof s->state || strlen(created_at) >= sizeof s->entered_at)
        return -1;
    snprintf(s->state, sizeof s->state, "%s", json_string_value(json_array_get(a, 0)));
    for (size_t k = 1; k < n; k++)
        if (!json_is_integer(json_array_get(a, k)) && !(k == 5 && json_is_null(json_array_get(a, k)))) return -1;
    if (urne_figures_alloc(&s->figures, n - 6) < 0) return -1;
    s->has_figures = 1;
    s->figures.inscrits = json_integer_value(json_array_get(a, 1));
    s->figures.votants = json_integer_value(json_array_get(a, 2));
    s->figures.blancs = json_integer_value(json_array_get(a, 3));
    s->figures.nuls = json_integer_value(json_array_get(a, 4));
    s->figures.exprimes = json_is_null(json_array_get(a, 5)) ? -1 : json_integer_value(json_array_get(a, 5));
    for (size_t j = 0; j < n - 6; j++) s->figures.votes[j] = json_integer_value(json_array_get(a, 6 + j));
    urne_sheet_state st;
    if (urne_sheet_state_parse(s->state, &st) == 0 && urne_sheet_state_counts(st))
        snprintf(s->entered_at, sizeof s->entered_at, "%s", created_at);
    return 0;
}

static int fold_created(urne_audit_replay *r, const urne_audit_entry *e, int64_t election, const json_t *a) {
    urne_audit_election m = {.id = election};
    int64_t n, round, de;
    if (copy_str(a, "title", m.title, sizeof m.title) < 0 || copy_str(a, "rules", m.preset, sizeof m.preset) < 0 ||
        get_int(a, "bureaux", &n) < 0 || n < 0)
        return bad(r, e, "its record has no title, rules or number of bureaux");
    m.nbureaux = (size_t)n;
    const json_t *sheets = json_object_get(a, "sheets");
    if (sheets) {
        if (json_array_size(sheets) != (size_t)n || get_int(a, "round", &round) < 0 ||
            copy_str(a, "settings", m.settings, sizeof m.settings) < 0 || get_int(a, "double_entry", &de) < 0 ||
            copy_str(a, "deadline", m.deadline, sizeof m.deadline) < 0 ||
            copy_str(a, "created_at", m.created_at, sizeof m.created_at) < 0)
            return bad(r, e, "its record of the election is malformed");
        /* Absent from the first entries that recorded sheets: the names are then not compared. */
        if (json_object_get(a, "structure") && copy_str(a, "structure", m.structure, sizeof m.structure) < 0)
            return bad(r, e, "its digest of the election's names is malformed");
        /* Absent from the entries written before the space was recorded: then not compared. */
        if (json_object_get(a, "space")) {
            if (copy_str(a, "space", m.space, sizeof m.space) < 0)
                return bad(r, e, "its record of the election's space is malformed");
            m.has_space = 1;
        }
        /* Absent from the entries written before an election had a zone: all were
         * then held in Europe/Paris, as migration 5 records them. */
        snprintf(m.zone, sizeof m.zone, "Europe/Paris");
        if (json_object_get(a, "zone") && (copy_str(a, "zone", m.zone, sizeof m.zone) < 0 || m.zone[0] == 0))
            return bad(r, e, "its record of the election's time zone is malformed");
        m.full = 1;
        m.round = (int)round;
        m.double_entry = (int)de;
    }
    if (urne_audit_replay_created(r, e->seq, &m, NULL) < 0) return -1;
    for (size_t i = 0; sheets && i < (size_t)n; i++) {
        urne_audit_sheet s = {0};
        if (read_created_sheet(json_array_get(sheets, i), m.created_at, &s) < 0) {
            urne_audit_sheet_free(&s);
            char what[80];
            snprintf(what, sizeof what, "its record of bureau %zu is malformed", i);
            return bad(r, e, what);
        }
        int rc = urne_audit_replay_sheet(r, e->seq, election, i, &s);
        urne_audit_sheet_free(&s);
        if (rc < 0) return -1;
    }
    return 0;
}

/* sheet.enter, bureau.contest, bureau.escalate on election/E/bureau/B. */
static int fold_bureau(urne_audit_replay *r, const urne_audit_entry *e, int64_t election, size_t bureau,
                       const json_t *a) {
    int opens = strcmp(e->action, "sheet.enter") != 0, appeal = strcmp(e->action, "bureau.escalate") == 0;
    const json_t *sheet = json_object_get(a, "sheet");
    int64_t id = 0;
    if (opens && get_int(a, "id", &id) < 0) return bad(r, e, "its record does not name the dispute");
    if (sheet == NULL) { /* written before urne recorded resulting rows */
        if (urne_audit_replay_sheet(r, e->seq, election, bureau, NULL) < 0) return -1;
        if (!opens) return urne_audit_replay_typed(r, e->seq, election, bureau, NULL);
        if (urne_audit_replay_dispute(r, e->seq, election, bureau, id, NULL) < 0) return -1;
        return appeal ? urne_audit_replay_appeal_unrecorded(r, e->seq, election, bureau) : 0;
    }
    urne_audit_sheet s = {0};
    size_t b;
    int rc = read_sheet(sheet, &b, &s) < 0 || b != bureau ? bad(r, e, "its \"sheet\" record is malformed")
                                                         : urne_audit_replay_sheet(r, e->seq, election, bureau, &s);
    int64_t typist = s.entered_by;
    urne_audit_sheet_free(&s);
    if (rc < 0) return -1;
    if (!opens) { /* the typed entry: who (the sheet's entered_by) typed what ("figures") */
        urne_audit_typed t = {.user = typist, .has_figures = 1};
        rc = figures_from_object(json_object_get(a, "figures"), &t.figures) < 0
                 ? bad(r, e, "its record of the typed figures is malformed")
                 : urne_audit_replay_typed(r, e->seq, election, bureau, &t);
        urne_figures_free(&t.figures);
        return rc;
    }
    urne_audit_dispute d = {0};
    rc = read_dispute(a, &d) < 0 || d.election != election || d.bureau != (int64_t)bureau
             ? bad(r, e, "its record of the dispute is malformed")
             : urne_audit_replay_dispute(r, e->seq, election, bureau, d.id, &d);
    urne_audit_dispute_free(&d);
    return rc;
}

/* dispute.decide on election/E/dispute/D. */
static int fold_decide(urne_audit_replay *r, const urne_audit_entry *e, int64_t election, int64_t id,
                       const json_t *a) {
    const json_t *sheet = json_object_get(a, "sheet"), *dispute = json_object_get(a, "dispute");
    if (sheet == NULL || dispute == NULL) {
        size_t bureau;
        if (urne_audit_replay_dispute_bureau(r, election, id, &bureau) < 0)
            return bad(r, e, "it decides a dispute that no entry before it opened");
        if (urne_audit_replay_sheet(r, e->seq, election, bureau, NULL) < 0) return -1;
        return urne_audit_replay_dispute(r, e->seq, election, bureau, id, NULL);
    }
    urne_audit_sheet s = {0};
    urne_audit_dispute d = {0};
    size_t b;
    int rc;
    if (read_sheet(sheet, &b, &s) < 0 || read_dispute(dispute, &d) < 0 || d.id != id || d.election != election ||
        d.bureau != (int64_t)b)
        rc = bad(r, e, "its \"sheet\" or \"dispute\" record is malformed");
    else
        rc = urne_audit_replay_sheet(r, e->seq, election, b, &s) < 0
                 ? -1
                 : urne_audit_replay_dispute(r, e->seq, election, b, id, &d);
    urne_audit_sheet_free(&s);
    urne_audit_dispute_free(&d);
    return rc;
}

/* An action this urne does not know: whatever it names is no longer comparable. */
static int fold_unknown(urne_audit_replay *r, const urne_audit_entry *e, obj_kind kind, int64_t election,
                        int64_t id) {
    size_t bureau;
    switch (kind) {
    case OBJ_ELECTION: return urne_audit_replay_election_unrecorded(r, e->seq, election);
    case OBJ_BUREAU:
        if (urne_audit_replay_sheet(r, e->seq, election, (size_t)id, NULL) < 0 ||
            urne_audit_replay_typed(r, e->seq, election, (size_t)id, NULL) < 0)
            return -1;
        return urne_audit_replay_appeal_unrecorded(r, e->seq, election, (size_t)id);
    case OBJ_DISPUTE:
        if (urne_audit_replay_dispute_bureau(r, election, id, &bureau) < 0)
            return bad(r, e, "it changes a dispute that no entry before it opened");
        if (urne_audit_replay_sheet(r, e->seq, election, bureau, NULL) < 0) return -1;
        return urne_audit_replay_dispute(r, e->seq, election, bureau, id, NULL);
    case OBJ_USER: return urne_audit_replay_user(r, e->seq, id, NULL);
    default: return bad(r, e, "this urne does not know what such an entry changes");
    }
}

int urne_audit_fold(urne_audit_replay *r, const urne_audit_entry *e) {
    int64_t election, id;
    obj_kind kind = parse_object(e->object ? e->object : "", &election, &id);
    const char *act = e->action ? e->action : "";
    json_t *a = json_loads(e->after ? e->after : "null", JSON_DECODE_ANY, NULL);
    int rc;
    if (strcmp(act, "election.create") == 0 && kind == OBJ_ELECTION && json_is_object(a))
        rc = fold_created(r, e, election, a);
    else if ((strcmp(act, "sheet.enter") == 0 || strcmp(act, "bureau.contest") == 0 ||
              strcmp(act, "bureau.escalate") == 0) && kind == OBJ_BUREAU && json_is_object(a))
        rc = fold_bureau(r, e, election, (size_t)id, a);
    else if (strcmp(act, "dispute.decide") == 0 && kind == OBJ_DISPUTE && json_is_object(a))
        rc = fold_decide(r, e, election, id, a);
    else if (strcmp(act, "election.publish") == 0 && kind == OBJ_ELECTION && json_is_object(a)) {
        const char *at = json_string_value(json_object_get(a, "at"));
        const char *dg = json_string_value(json_object_get(a, "digest"));
        rc = at && dg ? urne_audit_replay_published(r, e->seq, election, at, dg)
                      : bad(r, e, "its record has no time or digest");
    } else if (strcmp(act, "election.reopen") == 0 && kind == OBJ_ELECTION && json_is_object(a)) {
        const char *at = json_string_value(json_object_get(a, "reopened_at")),
                   *why = json_string_value(json_object_get(a, "reason"));
        rc = at && why ? urne_audit_replay_reopened(r, e->seq, election, at, why)
                       : bad(r, e, "its record has no time or reason");
    } else if (strcmp(act, "user.assign") == 0 && kind == OBJ_USER && json_is_object(a)) {
        int64_t el, first, last;
        rc = get_int(a, "election", &el) < 0 || get_int(a, "first", &first) < 0 || get_int(a, "last", &last) < 0 ||
                     first < 0 || last < 0
                 ? bad(r, e, "its record of the bureaux assigned is malformed")
                 : urne_audit_replay_assigned(r, e->seq, id, el, (size_t)first, (size_t)last);
    } else if (strcmp(act, "user.create") == 0 && kind == OBJ_USER && json_is_object(a)) {
        urne_audit_user u = {.id = id};
        int64_t tier;
        rc = copy_str(a, "name", u.name, sizeof u.name) < 0 || copy_str(a, "role", u.role, sizeof u.role) < 0 ||
                     get_int(a, "tier", &tier) < 0
                 ? bad(r, e, "its record of the account is malformed")
                 : (u.tier = (int)tier, urne_audit_replay_user(r, e->seq, id, &u));
    } else if (strcmp(act, "notice.publish") == 0)
        /* A notice (the example component) changes none of the rows the replay
         * compares (results, disputes, accounts), so there is nothing to fold;
         * its entry records the whole row, for a replay of notices to come. */
        rc = 0;
    else if (strncmp(act, "initiative.", 11) == 0)
        /* An initiative's entries (app/initiative.h: create, roll, each transition,
         * invalidate) change none of the rows this replay compares (results,
         * disputes, accounts); the initiatives' own replay folds them
         * (urne_audit_fold_initiative). */
        rc = 0;
    else if (strncmp(act, "match.", 6) == 0)
        /* A matching campaign's entries (app/match.h) change none of the rows
         * this replay compares; the campaigns' own replay folds them
         * (urne_audit_fold_match). */
        rc = 0;
    else if (strncmp(act, "forum.", 6) == 0 || strncmp(act, "post.", 5) == 0)
        /* A forum's entries (app/forum.h: create, configure, ban, and each
         * moderator's act on a post) change none of the rows this replay compares
         * (results, disputes, accounts); the forums' own replay folds them
         * (urne_audit_fold_forum). */
        rc = 0;
    else if ((strcmp(act, "user.grant") == 0 || strcmp(act, "user.ungrant") == 0) && kind == OBJ_USER)
        /* A role in a space (app/grants.c) changes a grants row, not the account's:
         * the account stays comparable. The grants rows are replayed apart, by
         * urne_audit_fold_grant (audit_grants_json.c, audit/replay_grants.h). */
        rc = 0;
    else
        rc = fold_unknown(r, e, kind, election, id);
    json_decref(a);
    return rc;
}

char *urne_audit_election_text(urne_audit_election *m, const char *column, size_t *size) {
    struct { const char *name; char *out; size_t size; } texts[] = {
        {"title", m->title, sizeof m->title},
        {"space", m->space, sizeof m->space},
        {"zone", m->zone, sizeof m->zone},
        {"preset", m->preset, sizeof m->preset},
        {"settings", m->settings, sizeof m->settings},
        {"deadline", m->deadline, sizeof m->deadline},
        {"created_at", m->created_at, sizeof m->created_at},
        {"published_at", m->published_at, sizeof m->published_at},
        {"published_digest", m->published_digest, sizeof m->published_digest},
        {"reopened_at", m->reopened_at, sizeof m->reopened_at},
        {"reopened_reason", m->reopened_reason, sizeof m->reopened_reason},
        {"previous_published_at", m->previous_published_at, sizeof m->previous_published_at},
        {"previous_digest", m->previous_digest, sizeof m->previous_digest},
        {"previous_reopened_at", m->previous_reopened_at, sizeof m->previous_reopened_at},
        {"previous_reopened_reason", m->previous_reopened_reason, sizeof m->previous_reopened_reason},
    };
    for (size_t k = 0; k < sizeof texts / sizeof texts[0]; k++)
        if (strcmp(column, texts[k].name) == 0) {
            *size = texts[k].size;
            return texts[k].out;
        }
    return NULL;
}
