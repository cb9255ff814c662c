/*
 * page_admin: the administrator's page: accounts, assignments of bureaux to
 * secretaries, new elections (by form or by importing a results file), and
 * publication.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "../app/queries.h"
#include "../app/results_view.h"
#include "page_parts.h"
#include "view.h"

enum MHD_Result urne_page_admin(urne_req *r, unsigned status, const char *message) {
    if (!urne_page_may(r, URNE_ACT_MANAGE_ELECTIONS, 0)) return urne_page_denied(r);
    urne_server *srv = r->srv;
    urne_buf b = {0};
    urne_page_begin(&b, r, _(r, "Administration"));
    urne_html(&b, "<h1>%s</h1>", _(r, "Administration"));
    if (message) urne_page_flash(&b, status, message);
    urne_app_read_begin(&srv->app);
    json_t *users = urne_users_json(&srv->app);
    urne_html(&b, "<section><h2>%s</h2><table class=stack><thead><tr><th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>",
                    _(r, "Accounts"), _(r, "Name"), _(r, "Role"),
                    _(r, "Commission"));
    size_t i;
    json_t *u;
    json_array_foreach(users, i, u) {
        const char *role = json_string_value(json_object_get(u, "role"));
        urne_role ro;
        urne_html_trusted(&b, "<tr><td>");
        urne_html_text(&b, json_string_value(json_object_get(u, "name")));
        urne_html(&b, "</td><td data-label=\"%s\">%s</td><td data-label=\"%s\">%lld</td></tr>", _(r, "Role"),
                  role && urne_role_parse(role, &ro) == 0 ? urne_page_role(r, ro) : role, _(r, "Commission"),
                  (long long)json_integer_value(json_object_get(u, "tier")));
    }
    json_decref(users);
    urne_html_trusted(&b, "</tbody></table>");
    urne_html_trusted(&b, "<form method=post action=\"/admin/users\" class=card>");
    urne_page_csrf(&b, r);
    urne_html(&b, "<h3>%s</h3><label>%s<input name=name required></label><label>%s<input name=password "
                        "type=password minlength=8 required autocomplete=new-password></label><label>%s<select name=role>"
                        "<option value=secretary>%s</option><option value=commission>%s</option>"
                        "<option value=observer>%s</option><option value=admin>%s</option></select></label>"
                        "<label>%s<select name=tier><option value=1>1</option><option value=2>2</option></select></label>"
                        "<button>%s</button></form>",
                    _(r, "New account"), _(r, "Name"), _(r, "Password"),
                    _(r, "Role"), _(r, "section secretary"),
                    _(r, "commission member"), _(r, "observer"),
                    _(r, "administrator"),
                    _(r, "Commission (1: federation, 2: national)"),
                    _(r, "Create"));
    urne_html_trusted(&b, "<form method=post action=\"/admin/assign\" class=card>");
    urne_page_csrf(&b, r);
    urne_html(&b, "<h3>%s</h3><label>%s<input name=user required></label><label>%s<input name=election "
                        "inputmode=numeric required></label><label>%s<input name=first inputmode=numeric required></label>"
                        "<label>%s<input name=last inputmode=numeric></label><button>%s</button></form></section>",
                    _(r, "Assign bureaux"), _(r, "Secretary"),
                    _(r, "Election #"), _(r, "First bureau #"),
                    _(r, "Last bureau #"), _(r, "Assign"));

    urne_html(&b, "<section><h2>%s</h2><table class=stack><thead><tr><th>#</th><th>%s</th><th>%s</th><th>%s</th></tr></thead>"
                  "<tbody>",
                    _(r, "Elections"), _(r, "Election"), _(r, "Publication"),
                    _(r, "Publish"));
    for (size_t k = 0; k < srv->app.nelections; k++) {
        const urne_election *e = srv->app.elections[k];
        urne_html(&b, "<tr><td>#%lld</td><td data-label=\"%s\"><a href=\"/e/%lld\">", (long long)e->meta.id,
                  _(r, "Election"), (long long)e->meta.id);
        urne_html_text(&b, e->meta.title);
        urne_html(&b, "</a></td><td data-label=\"%s\">", _(r, "Publication"));
        if (e->meta.published_at[0])
            urne_html(&b, "%s <code>%.16s…</code>", e->meta.published_at, e->meta.published_digest);
        if (e->meta.reopened_at[0])
            urne_html(&b, " <strong class=warn>%s %s</strong>", _(r, "reopened on"), e->meta.reopened_at);
        urne_html(&b, "</td><td data-label=\"%s\"><form method=post class=inline action=\"/e/%lld/publish\">",
                  _(r, "Publish"), (long long)e->meta.id);
        urne_page_csrf(&b, r);
        urne_html(&b, "<button>%s</button></form></td></tr>", _(r, "Publish"));
    }
    urne_html_trusted(&b, "</tbody></table>");
    urne_app_read_end(&srv->app);

    urne_html_trusted(&b, "<form method=post action=\"/admin/elections\" class=card>");
    urne_page_csrf(&b, r);
    urne_html(&b, "<h3>%s</h3><label>%s<input name=title required></label><label>%s<select name=rules>"
                        "<option>party</option><option>primary</option><option>legislative</option>"
                        "<option>presidential</option><option>coop</option><option>single</option></select></label>"
                        "<label>%s<input name=round value=1></label><label>%s<input name=levels value=\"commune, bureau\">"
                        "</label><label>%s<textarea name=candidates required></textarea></label><label>%s"
                        "<textarea name=bureaux required placeholder=\"Montval;1;1210\"></textarea></label>"
                        "<label><input type=checkbox name=double_entry value=1> %s</label><label>%s<input name=deadline "
                        "placeholder=\"2027-04-10T20:00:00Z\"></label><button>%s</button></form>",
                    _(r, "New election"), _(r, "Title"), _(r, "Rules"),
                    _(r, "Round"), _(r, "Levels, top to bottom"),
                    _(r, "Candidates, one per line"),
                    _(r, "Bureaux, one per line: one name per level separated by ';', then the registered voters"),
                    _(r, "Double entry"), _(r, "Entry deadline (UTC)"),
                    _(r, "Create"));
    urne_html_trusted(&b, "<form method=post action=\"/admin/elections\" class=card>");
    urne_page_csrf(&b, r);
    urne_html(&b, "<h3>%s</h3><label>%s<input type=file data-into=file accept=\".csv,.txt\"></label>"
                        "<textarea name=file hidden></textarea><input type=hidden name=source>"
                        "<label>%s<select name=format><option value=auto>auto</option><option>ministry</option>"
                        "<option>legislative</option><option>native</option></select></label>"
                        "<label>%s<input name=title></label><label>%s<input name=rules></label>"
                        "<label><input type=checkbox name=double_entry value=1> %s</label><button>%s</button></form>"
                        "</section>",
                    _(r, "Import a results file"), _(r, "File"),
                    _(r, "Format"), _(r, "Title (optional)"),
                    _(r, "Rules (optional)"), _(r, "Double entry"),
                    _(r, "Import"));
    return urne_page_send(r, status, &b);
}
