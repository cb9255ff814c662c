/*
 * page_admin: the administrator's pages: accounts, elections (publication, and
 * new ones by form or by importing a results file), roles in spaces on /admin, and the
 * assignment of an election's bureaux to secretaries on /admin/assign.
 *
 * A form that succeeded has sent the browser on with its message (flash.h); one
 * that failed comes back here with its status and message, and the form it came
 * from is filled with what was typed (never a password).
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "../app/grants.h"
#include "../app/queries.h"
#include "../app/results_view.h"
#include "page_parts.h"
#include "view.h"

/* What was typed in field `key` of the form posted to `url`, when this answer is
 * that form's, refused; "" otherwise. */
static const char *typed(const urne_req *r, const char *url, const char *key) {
    if (strcmp(r->method, "POST") != 0 || strcmp(r->url, url) != 0) return "";
    const char *v = urne_req_param(r, key);
    return v ? v : "";
}

/* " selected" when `typed` is `value` (an option of a refused form). */
static const char *sel(const char *typed, const char *value) {
    return strcmp(typed, value) == 0 ? " selected" : "";
}

/* ---- /admin ---- */

static void accounts_table(urne_buf *b, urne_req *r) {
    json_t *users = urne_users_json(&r->srv->app);
    urne_html(b, "<section><h2>%s</h2><table class=stack><thead><tr><th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>",
              _(r, "Accounts"), _(r, "Name"), _(r, "Role"), _(r, "Commission"));
    size_t i;
    json_t *u;
    json_array_foreach(users, i, u) {
        const char *role = json_string_value(json_object_get(u, "role"));
        urne_role ro;
        urne_html_trusted(b, "<tr><td>");
        urne_html_text(b, json_string_value(json_object_get(u, "name")));
        urne_html(b, "</td><td data-label=\"%s\">%s</td><td data-label=\"%s\">%lld</td></tr>", _(r, "Role"),
                  role && urne_role_parse(role, &ro) == 0 ? urne_page_role(r, ro) : role, _(r, "Commission"),
                  (long long)json_integer_value(json_object_get(u, "tier")));
    }
    json_decref(users);
    urne_html_trusted(b, "</tbody></table>");
}

static void account_form(urne_buf *b, urne_req *r) {
    const char *role = typed(r, "/admin/users", "role"), *tier = typed(r, "/admin/users", "tier");
    urne_html_trusted(b, "<form method=post action=\"/admin/users\" class=card>");
    urne_page_csrf(b, r);
    urne_html(b, "<h3>%s</h3><label>%s<input name=name required value=\"%s\"></label><label>%s<input name=password "
                 "type=password minlength=8 required autocomplete=new-password></label><label>%s<select name=role>"
                 "<option value=secretary%s>%s</option><option value=commission%s>%s</option>"
                 "<option value=observer%s>%s</option><option value=admin%s>%s</option></select></label>",
              _(r, "New account"), _(r, "Name"), typed(r, "/admin/users", "name"), _(r, "Password"), _(r, "Role"),
              sel(role, "secretary"), _(r, "section secretary"), sel(role, "commission"), _(r, "commission member"),
              sel(role, "observer"), _(r, "observer"), sel(role, "admin"), _(r, "administrator"));
    urne_html(b, "<label>%s<select name=tier><option value=1>1</option><option value=2%s>2</option></select></label>"
                 "<button>%s</button></form></section>",
              _(r, "Commission (1: federation, 2: national)"), sel(tier, "2"), _(r, "Create"));
}

/* The roles accounts hold in spaces below the site, each with the button that
 * takes it back, then the form that gives one. */
static void grants_section(urne_buf *b, urne_req *r) {
    json_t *users = urne_users_json(&r->srv->app);
    urne_html(b, "<section id=grants><h2>%s</h2><p class=meta>", _(r, "Roles in spaces"));
    const char *const spaces[] = {_(r, "org/NAME"), "election/N"};
    urne_page_text_codes(b,
                         _(r, "A role in a space (an organisation, %s, or an election, %s) holds there only, "
                              "besides the account's own role over the site."),
                         spaces, 2);
    urne_html_trusted(b, "</p>");
    size_t i, rows = 0;
    json_t *u;
    json_array_foreach(users, i, u) {
        const char *name = json_string_value(json_object_get(u, "name"));
        urne_app_outcome o;
        json_t *grants = urne_app_grants_json(&r->srv->app, &r->user, name, &o);
        urne_app_outcome_free(&o);
        size_t k;
        json_t *g;
        json_array_foreach(grants, k, g) {
            const char *role = json_string_value(json_object_get(g, "role")), *space = json_string_value(json_object_get(g, "space"));
            urne_role ro;
            if (rows++ == 0)
                urne_html(b, "<table class=stack><thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr></thead>"
                             "<tbody>",
                          _(r, "Account"), _(r, "Space"), _(r, "Role"), _(r, "Take back"));
            urne_html(b, "<tr><td>%s</td><td data-label=\"%s\"><code>%s</code></td><td data-label=\"%s\">%s (%lld)</td>"
                         "<td data-label=\"%s\"><form method=post class=inline action=\"/admin/grants/delete\">",
                      name, _(r, "Space"), space, _(r, "Role"),
                      role && urne_role_parse(role, &ro) == 0 ? urne_page_role(r, ro) : role,
                      (long long)json_integer_value(json_object_get(g, "tier")), _(r, "Take back"));
            urne_page_csrf(b, r);
            urne_html(b, "<input type=hidden name=user value=\"%s\"><input type=hidden name=space value=\"%s\">"
                         "<button>%s</button></form></td></tr>",
                      name, space, _(r, "Take back"));
        }
        json_decref(grants);
    }
    if (rows) urne_html_trusted(b, "</tbody></table>");
    else urne_html(b, "<p>%s</p>", _(r, "No account holds a role in a space."));
    const char *who = typed(r, "/admin/grants", "user"), *role = typed(r, "/admin/grants", "role");
    urne_html_trusted(b, "<form method=post action=\"/admin/grants\" class=card>");
    urne_page_csrf(b, r);
    urne_html(b, "<h3>%s</h3><label>%s<select name=user required><option value=\"\">%s</option>", _(r, "Give a role in a space"),
              _(r, "Account"), _(r, "Choose an account"));
    json_array_foreach(users, i, u) {
        const char *name = json_string_value(json_object_get(u, "name"));
        urne_html(b, "<option value=\"%s\"%s>%s</option>", name, sel(who, name), name);
    }
    urne_html(b, "</select></label><label>%s<input name=space required placeholder=\"org/federation-nord\" value=\"%s\">"
                 "</label><label>%s<select name=role><option value=secretary%s>%s</option><option value=commission%s>%s"
                 "</option><option value=observer%s>%s</option><option value=admin%s>%s</option></select></label>",
              _(r, "Space"), typed(r, "/admin/grants", "space"), _(r, "Role"), sel(role, "secretary"),
              _(r, "section secretary"), sel(role, "commission"), _(r, "commission member"), sel(role, "observer"),
              _(r, "observer"), sel(role, "admin"), _(r, "administrator"));
    urne_html(b, "<label>%s<select name=tier><option value=1>1</option><option value=2%s>2</option></select></label>"
                 "<button>%s</button></form></section>",
              _(r, "Commission (1: federation, 2: national)"), sel(typed(r, "/admin/grants", "tier"), "2"),
              _(r, "Give"));
    json_decref(users);
}

/* One election's row: its counted sheets, its publication, where to assign its
 * bureaux, and the button that publishes it. */
static void election_row(urne_buf *b, urne_req *r, const urne_election *e) {
    long long id = (long long)e->meta.id;
    size_t by[URNE_SHEET_NSTATES], counted = 0;
    urne_election_unit_state(e, URNE_NONE, NULL, by);
    for (int s = 0; s < URNE_SHEET_NSTATES; s++)
        if (urne_sheet_state_counts((urne_sheet_state)s)) counted += by[s];
    urne_html(b, "<tr><td>#%lld</td><td data-label=\"%s\"><a href=\"/e/%lld\">", id, _(r, "Election"), id);
    urne_html_text(b, e->meta.title);
    urne_html(b, "</a></td><td data-label=\"%s\">", _(r, "Bureaux"));
    urne_page_int(b, r, (int64_t)counted);
    urne_html_trusted(b, " / ");
    urne_page_int(b, r, (int64_t)e->round->nsheets);
    urne_html(b, " <a href=\"/admin/assign?election=%lld\">%s</a></td><td data-label=\"%s\">", id,
              _(r, "Assign bureaux"), _(r, "Publication"));
    if (e->meta.published_at[0]) {
        urne_page_time(b, r, e->meta.published_at, e->meta.zone);
        urne_html(b, " <code>%.16s…</code>", e->meta.published_digest);
    } else
        urne_html(b, "%s", _(r, "not published"));
    if (e->meta.reopened_at[0]) {
        urne_html(b, " <strong class=warn>%s ", _(r, "reopened on"));
        urne_page_time(b, r, e->meta.reopened_at, e->meta.zone);
        urne_html_trusted(b, "</strong>");
    }
    urne_html(b, "</td><td data-label=\"%s\"><form method=post class=inline action=\"/e/%lld/publish\">",
              _(r, "Publish"), id);
    urne_page_csrf(b, r);
    urne_html(b, "<button>%s</button></form></td></tr>", _(r, "Publish"));
}

static void elections_table(urne_buf *b, urne_req *r) {
    urne_server *srv = r->srv;
    urne_html(b, "<section><h2>%s</h2>", _(r, "Elections"));
    if (srv->app.nelections == 0) {
        urne_html(b, "<p>%s</p>", _(r, "No election yet."));
        return;
    }
    urne_html(b, "<table class=stack><thead><tr><th>#</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr></thead>"
                 "<tbody>",
              _(r, "Election"), _(r, "Bureaux"), _(r, "Publication"), _(r, "Publish"));
    for (size_t k = 0; k < srv->app.nelections; k++) election_row(b, r, srv->app.elections[k]);
    urne_html_trusted(b, "</tbody></table>");
}

/* The rules presets a form offers, most used first (src/results/rules.c). */
static const char *const presets[] = {"party", "primary", "legislative", "presidential", "coop", "single"};

/* The zones an election may be held in, as a form's choice named by their place
 * ("heure de Nouméa"), Europe/Paris first and chosen unless `typed` says another. */
static void zone_select(urne_buf *b, urne_req *r, const char *typed) {
    urne_html(b, "<label>%s<select name=zone>", _(r, "Time zone of the vote"));
    for (size_t i = 0; urne_i18n_zone_at(i); i++) {
        const char *z = urne_i18n_zone_at(i);
        if (strcmp(z, "Etc/UTC") == 0) continue; /* UTC's other name: one choice is enough */
        urne_html(b, "<option value=\"%s\"%s>%s</option>", z, sel(typed, z), urne_i18n_zone_label(r->lang, z));
    }
    urne_html_trusted(b, "</select></label>");
}

static void election_form(urne_buf *b, urne_req *r) {
    /* The two forms post to the same address: the candidates say it was this one. */
    int mine = urne_req_param(r, "candidates") != NULL;
#define T(k) (mine ? typed(r, "/admin/elections", k) : "")
    const char *rules = T("rules");
    urne_html_trusted(b, "<form method=post action=\"/admin/elections\" class=card>");
    urne_page_csrf(b, r);
    urne_html(b, "<h3>%s</h3><label>%s<input name=title required value=\"%s\"></label><label>%s<select name=rules>",
              _(r, "New election"), _(r, "Title"), T("title"), _(r, "Rules"));
    for (size_t i = 0; i < sizeof presets / sizeof presets[0]; i++)
        urne_html(b, "<option value=%s%s>%s (%s)</option>", presets[i], sel(rules, presets[i]),
                  urne_words_preset(r->lang, presets[i]), urne_words_preset_rule(r->lang, presets[i]));
    urne_html(b, "</select></label><label>%s<input name=round value=\"%s\"></label><label>%s<input name=levels "
                 "value=\"%s\"></label><label>%s<textarea name=candidates required>%s</textarea></label>",
              _(r, "Round"), mine ? T("round") : "1", _(r, "Levels, top to bottom"),
              mine ? T("levels") : "commune, bureau", _(r, "Candidates, one per line"), T("candidates"));
    urne_html(b, "<label>%s<textarea name=bureaux required placeholder=\"Montval;1;1210\">%s</textarea></label>"
                 "<label><input type=checkbox name=double_entry value=1%s> %s</label>",
              _(r, "Bureaux, one per line: one name per level separated by ';', then the registered voters"),
              T("bureaux"), *T("double_entry") ? " checked" : "", _(r, "Double entry"));
    zone_select(b, r, T("zone"));
    urne_page_date_input(b, r, "deadline", "deadline-new", _(r, "Entry deadline (the vote's local time)"), 1, 0,
                         T("deadline"));
    urne_html(b, "<button>%s</button></form>", _(r, "Create"));
#undef T
}

/* A file kept in the refused form up to this size: beyond, it is chosen again. */
#define IMPORT_KEPT (256 * 1024)

static void import_form(urne_buf *b, urne_req *r) {
    int mine = urne_req_param(r, "candidates") == NULL;
#define T(k) (mine ? typed(r, "/admin/elections", k) : "")
    const char *format = T("format"), *file = T("file");
    urne_html_trusted(b, "<form method=post action=\"/admin/elections\" class=card>");
    urne_page_csrf(b, r);
    /* The file field's own button and "no file chosen" are the browser's, in the
     * browser's language ("Choose File" on a French page): the field is hidden
     * (still focusable, its focus shown on the button) behind a label worded by
     * the page, and the script writes the chosen file's name beside it. */
    const char *source = T("source");
    urne_html(b, "<h3>%s</h3><div class=file-pick><span class=file-label>%s</span><input type=file id=import-file "
                 "class=file-input data-into=file data-name=import-file-name accept=\".csv,.txt\">"
                 "<label for=import-file class=pick>%s</label> <span id=import-file-name aria-live=polite>%s</span>"
                 "</div>",
              _(r, "Import a results file"), _(r, "File"), _(r, "Choose a file"),
              source[0] ? source : _(r, "no file chosen"));
    urne_html(b, "<textarea name=file hidden>%s</textarea><input type=hidden name=source value=\"%s\">"
                 "<label>%s<select name=format><option value=auto>%s</option>",
              strlen(file) <= IMPORT_KEPT ? file : "", source, _(r, "Format"), urne_words_format(r->lang, "auto"));
    static const char *const formats[] = {"ministry", "legislative", "native"};
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++)
        urne_html(b, "<option value=%s%s>%s</option>", formats[i], sel(format, formats[i]),
                  urne_words_format(r->lang, formats[i]));
    const char *rules = T("rules");
    urne_html(b, "</select></label><label>%s<input name=title value=\"%s\"></label><label>%s<select name=rules>"
                 "<option value=\"\">%s</option>",
              _(r, "Title (optional)"), T("title"), _(r, "Rules"), _(r, "as the file says (else by its shape)"));
    for (size_t i = 0; i < sizeof presets / sizeof presets[0]; i++)
        urne_html(b, "<option value=%s%s>%s (%s)</option>", presets[i], sel(rules, presets[i]),
                  urne_words_preset(r->lang, presets[i]), urne_words_preset_rule(r->lang, presets[i]));
    urne_html(b, "</select></label><label><input type=checkbox name=double_entry value=1%s> %s</label>",
              *T("double_entry") ? " checked" : "", _(r, "Double entry"));
    zone_select(b, r, T("zone"));
    urne_page_date_input(b, r, "deadline", "deadline-import", _(r, "Entry deadline (the vote's local time)"), 1, 0,
                         T("deadline"));
    urne_html(b, "<button>%s</button></form></section>", _(r, "Import"));
#undef T
}

enum MHD_Result urne_page_admin(urne_req *r, unsigned status, const char *message) {
    if (!urne_page_may(r, URNE_ACT_MANAGE_ELECTIONS, 0)) return urne_page_denied(r);
    urne_buf b = {0};
    urne_page_begin(&b, r, _(r, "Administration"));
    urne_html(&b, "<h1>%s</h1>", _(r, "Administration"));
    if (message) urne_page_flash(&b, status, message);
    urne_app_read_begin(&r->srv->app);
    accounts_table(&b, r);
    account_form(&b, r);
    elections_table(&b, r);
    urne_app_read_end(&r->srv->app);
    election_form(&b, r);
    import_form(&b, r);
    urne_app_read_begin(&r->srv->app);
    grants_section(&b, r);
    urne_app_read_end(&r->srv->app);
    return urne_page_send(r, status, &b);
}

/* ---- /admin/assign ---- */

/* The election the page is about: the refused form's, else ?election=; 0 when
 * none is named. */
static int64_t assign_election(const urne_req *r) {
    const char *v = strcmp(r->method, "POST") == 0 ? urne_req_param(r, "election") : urne_req_query(r, "election");
    char *end;
    long long id = v && *v ? strtoll(v, &end, 10) : 0;
    return v && *v && *end == 0 && id > 0 ? (int64_t)id : 0;
}

/* The election picker: works without a script (a GET form). */
static void election_picker(urne_buf *b, urne_req *r, int64_t chosen) {
    urne_html(b, "<form method=get action=\"/admin/assign\" class=\"card inline-form\"><label>%s<select name=election>",
              _(r, "Election"));
    for (size_t k = 0; k < r->srv->app.nelections; k++) {
        const urne_election *e = r->srv->app.elections[k];
        urne_html(b, "<option value=%lld%s>#%lld ", (long long)e->meta.id, e->meta.id == chosen ? " selected" : "",
                  (long long)e->meta.id);
        urne_html_text(b, e->meta.title);
        urne_html_trusted(b, "</option>");
    }
    urne_html(b, "</select></label><button>%s</button></form>", _(r, "Choose"));
}

/* The accounts that may enter this election's sheets, as a list to pick from:
 * the refused form's choice kept. How many there are; -1, said on the page, when
 * the accounts could not be read. */
static long secretary_select(urne_buf *b, urne_req *r, int64_t election) {
    urne_user *all;
    size_t nall;
    if (urne_app_users_list(&r->srv->app, &all, &nall) != 0) {
        urne_html(b, "<p class=\"flash bad\" role=alert>%s</p>", _(r, "The accounts could not be read; try again."));
        return -1;
    }
    const char *chosen = typed(r, "/admin/assign", "user");
    long shown = 0;
    urne_html(b, "<label>%s<select name=user required><option value=\"\">%s</option>", _(r, "Secretary"),
              _(r, "Choose an account"));
    for (size_t i = 0; i < nall; i++) {
        urne_user *u = &all[i];
        urne_app_outcome o;
        urne_app_outcome_init(&o);
        int may = urne_app_may(&r->srv->app, u, URNE_ACT_ENTER_SHEET, election, &o) == URNE_APP_OK;
        urne_app_outcome_free(&o);
        if (!may) continue; /* the use case would refuse it */
        urne_html(b, "<option value=\"%s\"%s>%s (%s)</option>", u->name, sel(chosen, u->name), u->name,
                  urne_page_role(r, u->role));
        shown++;
    }
    urne_html_trusted(b, "</select></label>");
    free(all);
    return shown;
}

/* Was bureau i ticked in the refused form? */
static int ticked(const urne_req *r, size_t i) {
    char key[40];
    snprintf(key, sizeof key, "bureaux.%zu", i);
    return *typed(r, "/admin/assign", key) != 0;
}

/* What a script matches the filter against: every name the server searches. */
static void find_text(urne_buf *b, const urne_election *e, size_t i, const char *name) {
    const urne_sheet *s = &e->round->sheets[i];
    urne_html(b, " data-find=\"%s", name);
    for (size_t l = 0; l < e->round->nlevels; l++) {
        const char *parts[3] = {s->key[l], s->code[l], s->label[l]};
        for (int k = 0; k < 3; k++) /* each once: a key is often its code and label too */
            if (parts[k] && !strstr(name, parts[k]) && (k < 1 || !parts[0] || strcmp(parts[k], parts[0])) &&
                (k < 2 || !parts[1] || strcmp(parts[k], parts[1])))
                urne_html(b, " %s", parts[k]);
    }
    urne_html_trusted(b, "\"");
}

#define ASSIGN_SHOWN 2000 /* bureaux listed at most: beyond, the search narrows them */

/* The bureaux that match the search, each to tick, with its state and who has
 * it already. */
static void bureaux_list(urne_buf *b, urne_req *r, const urne_election *e, const char *q) {
    size_t *found = malloc(ASSIGN_SHOWN * sizeof *found);
    size_t n = found ? urne_election_bureaux_find(e, q, found, ASSIGN_SHOWN) : 0;
    size_t shown = n < ASSIGN_SHOWN ? n : ASSIGN_SHOWN;
    urne_app_assignment *as = NULL;
    long nas = urne_app_assignments(&r->srv->app, e->meta.id, &as), k = 0;
    urne_html(b, "<fieldset><legend>%s (", _(r, "Bureaux"));
    urne_page_int(b, r, (int64_t)n);
    urne_html_trusted(b, " / ");
    urne_page_int(b, r, (int64_t)e->round->nsheets);
    urne_html(b, ")</legend><ul class=pick id=bureaux%s>", (q == NULL || !*q) && n <= shown ? " data-complete=1" : "");
    for (size_t j = 0; j < shown; j++) {
        size_t i = found[j];
        char name[200];
        urne_election_bureau_name(e, i, name, sizeof name);
        urne_html_trusted(b, "<li");
        find_text(b, e, i, name);
        urne_html(b, "><label><input type=checkbox name=\"bureaux.%zu\" value=%zu%s> ", i, i,
                  ticked(r, i) ? " checked" : "");
        urne_html_text(b, name);
        urne_html_trusted(b, "</label> ");
        urne_page_entry_badge(b, r, &e->info[i]);
        while (k < nas && as[k].bureau < i) k++;
        if (k < nas && as[k].bureau == i) {
            urne_html(b, " <small>%s", _(r, "assigned to:"));
            for (long first = k; k < nas && as[k].bureau == i; k++)
                urne_html(b, "%s%s", k == first ? " " : ", ", as[k].name);
            urne_html_trusted(b, "</small>");
        }
        urne_html_trusted(b, "</li>");
    }
    urne_html_trusted(b, "</ul>");
    if (n == 0) urne_html(b, "<p>%s</p>", _(r, "No bureau of this election has that name."));
    if (n > shown)
        urne_html(b, "<p>%s</p>", _(r, "More bureaux match than are listed: narrow the search."));
    urne_html_trusted(b, "</fieldset>");
    free(as);
    free(found);
}

static void assign_forms(urne_buf *b, urne_req *r, const urne_election *e) {
    long long id = (long long)e->meta.id;
    const char *q = strcmp(r->method, "GET") == 0 ? urne_req_query(r, "q") : NULL;
    urne_html_trusted(b, "<h2>");
    urne_html_text(b, e->meta.title);
    urne_html(b, "</h2><form method=get action=\"/admin/assign\" class=\"card inline-form\" role=search>"
                 "<input type=hidden name=election value=%lld><label>%s<input type=search name=q value=\"%s\" "
                 "data-filter=bureaux autocomplete=off></label><button>%s</button></form>",
              id, _(r, "Find a bureau by name"), q ? q : "", _(r, "Search"));
    urne_html(b, "<form method=post action=\"/admin/assign\" class=card><input type=hidden name=election value=%lld>",
              id);
    urne_page_csrf(b, r);
    if (secretary_select(b, r, e->meta.id) == 0)
        urne_html(b, "<p class=\"flash bad\">%s</p>",
                  _(r, "No account may enter this election's sheets: create a secretary first."));
    bureaux_list(b, r, e, q);
    urne_html(b, "<button>%s</button></form>", _(r, "Assign"));
}

enum MHD_Result urne_page_assign(urne_req *r, unsigned status, const char *message) {
    if (!urne_page_may(r, URNE_ACT_MANAGE_ELECTIONS, 0)) return urne_page_denied(r);
    urne_buf b = {0};
    urne_page_begin(&b, r, _(r, "Assign bureaux"));
    urne_html(&b, "<nav class=crumbs><a href=\"/admin\">%s</a></nav><h1>%s</h1>", _(r, "Administration"),
              _(r, "Assign bureaux"));
    if (message) urne_page_flash(&b, status, message);
    urne_app_read_begin(&r->srv->app);
    int64_t id = assign_election(r);
    const urne_election *e = id ? urne_app_election(&r->srv->app, id) : NULL;
    if (r->srv->app.nelections == 0)
        urne_html(&b, "<p>%s</p>", _(r, "No election yet."));
    else
        election_picker(&b, r, id);
    if (e) assign_forms(&b, r, e);
    else if (id)
        urne_html(&b, "<p class=\"flash bad\">%s</p>", _(r, "No such election."));
    urne_app_read_end(&r->srv->app);
    return urne_page_send(r, e || !id ? status : 404, &b);
}
