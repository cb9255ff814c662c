/*
 * initiative_forms: creating an initiative and importing its roll from the
 * pages (issue 18), beside the API's routes and the command line that did it
 * alone.
 *
 * An organiser (manage-initiatives in some space: a town's administrators, a
 * cooperative's, an ESS network's) finds on /initiatives a form to create one:
 * its title, its space, its rules as text and the verification authority's
 * public key. The rules start from a preset the engine knows (a GET form picks
 * one, so that it works without a script): the textarea is then filled with
 * "preset = NAME" and an opening date (the first day of next month, by the
 * clock: the engine requires one), and for the ECI the seats of the 27 member
 * states in the Parliament of 2024-2029 (Council Decision (EU) 2023/2061, art.
 * 3), which the rules must carry (rules.h): a starting point to check and
 * adjust, not a table the engine reads. On an initiative's page, in its
 * "Manage" section, the same organiser finds the roll's form while the roll may
 * still change (draft, submitted, admissible): a CSV file, read by the page's
 * script into the form's textarea as the results' import does (urne.js), or
 * pasted into that textarea when there is no script; the form is then sent as
 * the urlencoded form the server parses.
 *
 * Each form posts to a page route that calls the API's use case
 * (urne_app_initiative_create, urne_app_initiative_roll): the application owns
 * the authorisation in the space named, the transaction and the audit entry;
 * this file only translates. Done: post/redirect/get to the initiative's page
 * with a flash. Refused: the page again (4xx) with the refusal in the page's
 * language, each error the engine or the roll's parser found listed with its
 * line, its field and its rule (escaped: a roll's field is whatever the file
 * held), and what was typed kept in the form (a roll up to ROLL_KEPT bytes;
 * beyond, its file is chosen again). Nothing is written when refused: the use
 * cases write every row or none.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../app/grants.h"
#include "../app/initiative.h"
#include "actions.h"
#include "flash.h"
#include "initiative_forms.h"
#include "initiative_words.h"
#include "outcome.h"
#include "page_parts.h"
#include "reply.h"

/* A roll kept in the refused form up to this size: beyond, it is chosen again. */
#define ROLL_KEPT (256 * 1024)
/* The errors listed under a refusal; how many more there are is said. */
#define CHECKS_SHOWN 50

/* What the refused form of this request had typed: field `name` of a POST, or
 * "" (a GET's page is a fresh form). */
static const char *typed(const urne_req *r, const char *name) {
    const char *v = strcmp(r->method, "POST") == 0 ? urne_req_param(r, name) : NULL;
    return v ? v : "";
}

/* ---- the errors, listed ---- */

/* One error's place and words: "Line 2, field 'opens': ..." and its rule. */
static void check_html(urne_buf *b, const urne_req *r, const urne_diag *d) {
    char words[700];
    urne_outcome_check(r->lang, d, words, sizeof words);
    urne_html_trusted(b, "<li>");
    if (d->line > 0 && d->field[0])
        urne_html(b, _(r, "Line %ld, field '%s': %s"), d->line, d->field, words);
    else if (d->line > 0)
        urne_html(b, _(r, "Line %ld: %s"), d->line, words);
    else if (d->field[0])
        urne_html(b, _(r, "Field '%s': %s"), d->field, words);
    else
        urne_html(b, "%s", words);
    urne_html(b, " <span class=rule>(%s <code>%s</code>)</span></li>", _(r, "rule"), d->rule);
}

void urne_initiative_checks_html(urne_buf *b, const urne_req *r, unsigned status, const char *message,
                                 const urne_diags *checks) {
    if (checks == NULL || checks->count == 0) {
        if (message) urne_page_flash(b, status, message);
        return;
    }
    urne_html(b, "<div class=\"flash bad\" role=alert><p>%s</p><ul class=checks>", message ? message : "");
    size_t shown = 0;
    for (size_t i = 0; i < checks->count && shown < CHECKS_SHOWN; i++, shown++) check_html(b, r, &checks->items[i]);
    urne_html_trusted(b, "</ul>");
    size_t all = checks->errors + checks->warnings;
    if (all > shown) urne_html(b, "<p>%s</p>", _(r, "Only the first errors are listed; correct them and send again."));
    urne_html_trusted(b, "</div>");
}

/* The refusal of o in words into res: the count of errors when it lists some
 * (what the list then says), else the component's sentence. */
static void refusal(const urne_req *r, const urne_app_outcome *o, const char *what, urne_result *res) {
    size_t n = o->checks.errors;
    if (o->status == URNE_APP_BAD_INPUT && o->checks.count > 0 && strcmp(what, "rules") == 0)
        urne_result_set(res, 400,
                        urne_i18n_plural(r->lang, "The rules are refused, nothing was created: %zu error.",
                                         "The rules are refused, nothing was created: %zu errors.", n),
                        n);
    else if (o->status == URNE_APP_BAD_INPUT && o->checks.count > 0)
        urne_result_set(res, 400,
                        urne_i18n_plural(r->lang, "The roll is refused, no line was imported: %zu error.",
                                         "The roll is refused, no line was imported: %zu errors.", n),
                        n);
    else
        urne_initiative_word(r, o, res);
}

/* ---- the new initiative ---- */

/* The presets the engine knows, each named and said in a few words in the
 * page's language (the engine's names, urne_initiative_preset_name's, are the
 * options' values and the rules' "preset ="; a preset not worded here is
 * listed by that name alone). */
static const struct {
    const char *name, *label, *en;
} preset_words[] = {
    {"49-3-citoyen", N_("Citizens' 49-3"), N_("1 % of the electorate, 12 months, ends when reached")},
    {"rip", N_("Shared-initiative referendum"), N_("10 % of the electorate, 9 months, supporters public")},
    {"local-petition", N_("Local petition"), N_("a fifth of the commune's electors, 12 months")},
    {"eci", N_("European citizens' initiative"),
     N_("1,000,000 signatures and 7 member states above their minimum, 12 months")},
    {"territories", N_("By territories"),
     N_("1 % nationally and in each territory, in half of the territories, 12 months")},
};

/* Preset `name`'s option: its label and its words, or its name alone. */
static void preset_option(urne_buf *b, const urne_req *r, const char *name, int selected) {
    for (size_t i = 0; i < sizeof preset_words / sizeof preset_words[0]; i++)
        if (strcmp(name, preset_words[i].name) == 0) {
            urne_html(b, "<option value=\"%s\"%s>%s — %s</option>", name, selected ? " selected" : "",
                      _(r, preset_words[i].label), _(r, preset_words[i].en));
            return;
        }
    urne_html(b, "<option value=\"%s\"%s>%s</option>", name, selected ? " selected" : "", name);
}

/* The ECI's figures: each member state's seats in the Parliament of 2024-2029
 * (Council Decision (EU) 2023/2061, art. 3; 720 in all), named as a roll's
 * territory column would name it; examples/initiative-eci.txt says the same (and
 * tests/server/test_initiative_forms.py checks that both agree). */
static const struct {
    const char *state;
    int seats;
} eci_seats[] = {
    {"Belgium", 22},  {"Bulgaria", 17},    {"Czechia", 21}, {"Denmark", 15},  {"Germany", 96},   {"Estonia", 7},
    {"Ireland", 14},  {"Greece", 21},      {"Spain", 61},   {"France", 81},   {"Croatia", 12},   {"Italy", 76},
    {"Cyprus", 6},    {"Latvia", 9},       {"Lithuania", 11}, {"Luxembourg", 6}, {"Hungary", 21}, {"Malta", 6},
    {"Netherlands", 31}, {"Austria", 20},  {"Poland", 53},  {"Portugal", 21}, {"Romania", 33},   {"Slovenia", 9},
    {"Slovakia", 15}, {"Finland", 15},     {"Sweden", 21},
};

/* The preset named `name` if the engine knows it, else the default one. */
static const char *preset_chosen(const char *name) {
    for (size_t i = 0; name && urne_initiative_preset_name(i); i++)
        if (strcmp(name, urne_initiative_preset_name(i)) == 0) return urne_initiative_preset_name(i);
    return "local-petition";
}

/* The rules a fresh form starts from, into out[size] (2 KiB hold the longest):
 * the preset, an opening date (the first day of the next month, UTC), and the
 * ECI's seats. */
static void preset_template(char *out, size_t size, const char *preset) {
    time_t now = time(NULL);
    struct tm t;
    gmtime_r(&now, &t);
    int year = t.tm_year + 1900, month = t.tm_mon + 2; /* next month, 1-based */
    if (month > 12) month = 1, year++;
    size_t n = (size_t)snprintf(out, size, "preset = %s\nopens = %04d-%02d-01\n", preset, year, month);
    for (size_t i = 0; strcmp(preset, "eci") == 0 && i < sizeof eci_seats / sizeof eci_seats[0] && n < size; i++)
        n += (size_t)snprintf(out + n, size - n, "seats %s = %d\n", eci_seats[i].state, eci_seats[i].seats);
}

#define SPACES_LISTED 32

/* The spaces below the site r's user may create initiatives in (their grants
 * there), the first SPACES_LISTED, into spaces; how many. */
static size_t spaces_of(const urne_req *r, char spaces[][96]) {
    urne_app_outcome o;
    urne_app_outcome_init(&o);
    json_t *grants = urne_app_grants_json(&r->srv->app, &r->user, r->user.name, &o);
    urne_app_outcome_free(&o);
    size_t i, n = 0;
    json_t *g;
    json_array_foreach(grants, i, g) {
        const char *space = json_string_value(json_object_get(g, "space"));
        if (n == SPACES_LISTED || space == NULL || !space[0] || strlen(space) >= 96) continue;
        urne_app_outcome_init(&o);
        if (urne_app_authorize_space(&r->srv->app, &r->user, URNE_ACT_MANAGE_INITIATIVES, space, &o) == URNE_APP_OK)
            snprintf(spaces[n++], 96, "%s", space);
        urne_app_outcome_free(&o);
    }
    json_decref(grants);
    return n;
}

void urne_initiative_create_form_html(urne_buf *b, urne_req *r) {
    if (r->user.id <= 0) return;
    urne_app_outcome o;
    urne_app_outcome_init(&o);
    int somewhere = urne_app_authorize_somewhere(&r->srv->app, &r->user, URNE_ACT_MANAGE_INITIATIVES, &o) == URNE_APP_OK;
    urne_app_outcome_free(&o);
    if (!somewhere) return;
    urne_app_outcome_init(&o);
    int site = urne_app_authorize_space(&r->srv->app, &r->user, URNE_ACT_MANAGE_INITIATIVES, "", &o) == URNE_APP_OK;
    urne_app_outcome_free(&o);
    int posted = strcmp(r->method, "POST") == 0;
    const char *preset = preset_chosen(posted ? NULL : urne_req_query(r, "preset"));
    urne_html(b, "<section class=card aria-labelledby=new-initiative><h2 id=new-initiative>%s</h2>"
                 "<form method=get action=\"/initiatives#new-initiative\" class=inline-form><label>%s<select "
                 "name=preset>",
              _(r, "New initiative"), _(r, "Rules to start from"));
    for (size_t i = 0; urne_initiative_preset_name(i); i++)
        preset_option(b, r, urne_initiative_preset_name(i), strcmp(urne_initiative_preset_name(i), preset) == 0);
    urne_html(b, "</select></label><button>%s</button></form>", _(r, "Use these rules"));
    urne_html_trusted(b, "<form method=post action=\"/initiatives\">");
    urne_page_csrf(b, r);
    char spaces[SPACES_LISTED][96];
    size_t nspaces = spaces_of(r, spaces);
    urne_html(b, "<label>%s<input name=title required maxlength=%d value=\"%s\"></label>", _(r, "Title"),
              URNE_STORE_INITIATIVE_TITLE_MAX, typed(r, "title"));
    urne_html(b, "<label>%s<span class=hint>%s</span><input name=space list=initiative-spaces maxlength=95 "
                 "autocomplete=off spellcheck=false%s value=\"%s\"></label>",
              _(r, "Space"),
              site ? _(r, "Empty: the whole site; or the space it belongs to, such as org/NAME.")
                   : _(r, "The space it belongs to, one you administer, such as org/NAME."),
              site ? "" : " required", posted ? typed(r, "space") : site || nspaces == 0 ? "" : spaces[0]);
    urne_html_trusted(b, "<datalist id=initiative-spaces>");
    for (size_t i = 0; i < nspaces; i++) urne_html(b, "<option value=\"%s\">", spaces[i]);
    urne_html_trusted(b, "</datalist>");
    char template[2048];
    if (!posted) preset_template(template, sizeof template, preset);
    /* The hints name the rules' keys and the command as code: they are typed as
     * they are, whatever the page's language. */
    static const char *const keys[] = {"preset", "national = 500", "window = 6 months"};
    urne_html(b, "<label>%s<span class=hint>", _(r, "Rules"));
    urne_page_text_codes(b, _(r, "One rule a line: %s first, then what changes (%s, %s...). The rules cannot change "
                              "once the initiative is created."),
                         keys, 3);
    urne_html(b, "</span><textarea name=rules required rows=10 maxlength=%d spellcheck=false>%s</textarea></label>",
              URNE_INITIATIVE_RULES_TEXT_MAX, posted ? typed(r, "rules") : template);
    static const char *const keygen[] = {"urne initiative keygen"};
    urne_html(b, "<label>%s<span class=hint>", _(r, "The verification authority's public key"));
    urne_page_text_codes(b, _(r, "64 hexadecimal digits, from %s: the authority keeps the secret key, away from this "
                              "server."),
                         keygen, 1);
    urne_html(b, "</span><input name=authority_key required maxlength=64 pattern=\"[0-9a-fA-F]{64}\" autocomplete=off "
                 "spellcheck=false value=\"%s\"></label><button>%s</button></form></section>",
              typed(r, "authority_key"), _(r, "Create the initiative"));
}

enum MHD_Result urne_initiative_form_create(urne_req *r, int64_t a, int64_t b) {
    (void)a, (void)b;
    urne_initiative_new in = {urne_req_param(r, "title"), urne_req_param(r, "space"), urne_req_param(r, "rules"),
                              urne_req_param(r, "authority_key")};
    urne_app_outcome o;
    if (urne_app_initiative_create(&r->srv->app, &r->user, &in, &o) == URNE_APP_OK) {
        char location[64], message[300];
        snprintf(location, sizeof location, "/initiatives/%lld", (long long)o.id);
        snprintf(message, sizeof message,
                 _(r, "Initiative %lld created, as a draft: import its roll below, then submit it to the committee."),
                 (long long)o.id);
        urne_app_outcome_free(&o);
        return urne_flash_redirect(r, location, 201, message, NULL);
    }
    urne_result res = {0};
    refusal(r, &o, "rules", &res);
    enum MHD_Result ret = urne_initiative_list_page(r, res.status, res.message, &o.checks);
    urne_app_outcome_free(&o);
    return ret;
}

/* ---- the roll ---- */

int urne_initiative_roll_form_shown(const urne_req *r, const urne_initiative_held *h) {
    /* Signers confirmed by e-mail are on no roll: no form to fill for nothing. */
    return h->rules.identity != URNE_INITIATIVE_BY_EMAIL &&
           urne_app_initiative_roll_allowed(&r->srv->app, &r->user, h->row.id);
}

void urne_initiative_roll_form_html(urne_buf *b, const urne_req *r, const urne_initiative_held *h) {
    if (!urne_initiative_roll_form_shown(r, h)) return;
    const char *csv = typed(r, "csv"), *source = typed(r, "source");
    int kept = strlen(csv) <= ROLL_KEPT;
    urne_html(b, "<h3>%s</h3><form method=post action=\"/initiatives/%lld/roll\">", _(r, "Import the roll"),
              (long long)h->row.id);
    urne_page_csrf(b, r);
    /* The file field's own words are the browser's, in the browser's language: it
     * is hidden behind a label of the page's (as the results' import form). */
    static const char *const columns[] = {"name", "nom", "given", "prenoms", "birth", "naissance", "commune",
                                          "territory", "territoire"};
    urne_html_trusted(b, "<p class=hint>");
    urne_page_text_codes(b, _(r, "A CSV file, a line per elector, its columns %s (or %s), %s (or %s), %s (or %s), %s, "
                              "and %s (or %s) when there are several territories. Every line is imported, or none."),
                         columns, 9);
    urne_html(b, "</p><div class=file-pick><span class=file-label>%s</span><input type=file "
                 "id=roll-file class=file-input data-into=csv data-name=roll-file-name accept=\".csv,.txt,text/csv\">"
                 "<label for=roll-file class=pick>%s</label> <span id=roll-file-name aria-live=polite>%s</span></div>",
              _(r, "File"), _(r, "Choose a file"), source[0] && kept ? source : _(r, "no file chosen"));
    urne_html(b, "<input type=hidden name=source value=\"%s\"><label>%s<span class=hint>%s</span><textarea name=csv "
                 "rows=6 spellcheck=false autocomplete=off>%s</textarea></label><button>%s</button></form>",
              kept ? source : "", _(r, "The roll's lines"),
              _(r, "Filled from the chosen file, or pasted here."), kept ? csv : "", _(r, "Import the roll"));
}

/* The name the roll's errors and its audit entry give it: the chosen file's,
 * when it is a plain name, else "form". */
static const char *roll_source(const urne_req *r) {
    const char *s = urne_req_param(r, "source");
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n > 100) return "form";
    for (const char *c = s; *c; c++)
        if ((unsigned char)*c < ' ' || *c == '/' || *c == '\\') return "form";
    return s;
}

enum MHD_Result urne_initiative_form_roll(urne_req *r, int64_t id, int64_t b) {
    (void)b;
    const char *csv = urne_req_param(r, "csv");
    if (csv == NULL || !csv[0])
        return urne_initiative_checks_page(r, id, 400, _(r, "Choose the roll's file (CSV), or paste its lines."),
                                           NULL);
    urne_app_outcome o;
    if (urne_app_initiative_roll(&r->srv->app, &r->user, id, csv, strlen(csv), roll_source(r), &o) == URNE_APP_OK) {
        char location[64], message[300];
        unsigned long n = o.number > 0 ? (unsigned long)o.number : 0;
        snprintf(location, sizeof location, "/initiatives/%lld", (long long)id);
        snprintf(message, sizeof message,
                 urne_i18n_plural(r->lang, "Roll imported: %lu elector added.", "Roll imported: %lu electors added.",
                                  n),
                 n);
        urne_app_outcome_free(&o);
        return urne_flash_redirect(r, location, 200, message, NULL);
    }
    urne_result res = {0};
    refusal(r, &o, "roll", &res);
    enum MHD_Result ret = urne_initiative_checks_page(r, id, res.status, res.message, &o.checks);
    urne_app_outcome_free(&o);
    return ret;
}
