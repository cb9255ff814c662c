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
    urne_page_begin(&b, r, L(r, "Administration", "Administration"));
    urne_html(&b, "<h1>%s</h1>", L(r, "Administration", "Administration"));
    if (message) urne_page_flash(&b, status, message);
    urne_app_read_begin(&srv->app);
    json_t *users = urne_users_json(&srv->app);
    urne_html(&b, "<section><h2>%s</h2><table class=stack><thead><tr><th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>",
                    L(r, "Comptes", "Accounts"), L(r, "Nom", "Name"), L(r, "Rôle", "Role"),
                    L(r, "Commission", "Commission"));
    size_t i;
    json_t *u;
    json_array_foreach(users, i, u) {
        const char *role = json_string_value(json_object_get(u, "role"));
        urne_role ro;
        urne_html_trusted(&b, "<tr><td>");
        urne_html_text(&b, json_string_value(json_object_get(u, "name")));
        urne_html(&b, "</td><td data-label=\"%s\">%s</td><td data-label=\"%s\">%lld</td></tr>", L(r, "Rôle", "Role"),
                  role && urne_role_parse(role, &ro) == 0 ? urne_page_role(r, ro) : role, L(r, "Commission", "Commission"),
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
                    L(r, "Nouveau compte", "New account"), L(r, "Nom", "Name"), L(r, "Mot de passe", "Password"),
                    L(r, "Rôle", "Role"), L(r, "secrétaire de section", "section secretary"),
                    L(r, "membre de commission", "commission member"), L(r, "observateur", "observer"),
                    L(r, "administrateur", "administrator"),
                    L(r, "Commission (1 : fédérale, 2 : nationale)", "Commission (1: federation, 2: national)"),
                    L(r, "Créer", "Create"));
    urne_html_trusted(&b, "<form method=post action=\"/admin/assign\" class=card>");
    urne_page_csrf(&b, r);
    urne_html(&b, "<h3>%s</h3><label>%s<input name=user required></label><label>%s<input name=election "
                        "inputmode=numeric required></label><label>%s<input name=first inputmode=numeric required></label>"
                        "<label>%s<input name=last inputmode=numeric></label><button>%s</button></form></section>",
                    L(r, "Attribuer des bureaux", "Assign bureaux"), L(r, "Secrétaire", "Secretary"),
                    L(r, "Élection n°", "Election #"), L(r, "Premier bureau n°", "First bureau #"),
                    L(r, "Dernier bureau n°", "Last bureau #"), L(r, "Attribuer", "Assign"));

    urne_html(&b, "<section><h2>%s</h2><table class=stack><thead><tr><th>#</th><th>%s</th><th>%s</th><th>%s</th></tr></thead>"
                  "<tbody>",
                    L(r, "Élections", "Elections"), L(r, "Scrutin", "Election"), L(r, "Publication", "Publication"),
                    L(r, "Publier", "Publish"));
    for (size_t k = 0; k < srv->app.nelections; k++) {
        const urne_election *e = srv->app.elections[k];
        urne_html(&b, "<tr><td>#%lld</td><td data-label=\"%s\"><a href=\"/e/%lld\">", (long long)e->meta.id,
                  L(r, "Scrutin", "Election"), (long long)e->meta.id);
        urne_html_text(&b, e->meta.title);
        urne_html(&b, "</a></td><td data-label=\"%s\">", L(r, "Publication", "Publication"));
        if (e->meta.published_at[0])
            urne_html(&b, "%s <code>%.16s…</code>", e->meta.published_at, e->meta.published_digest);
        if (e->meta.reopened_at[0])
            urne_html(&b, " <strong class=warn>%s %s</strong>", L(r, "rouverte le", "reopened on"), e->meta.reopened_at);
        urne_html(&b, "</td><td data-label=\"%s\"><form method=post class=inline action=\"/e/%lld/publish\">",
                  L(r, "Publier", "Publish"), (long long)e->meta.id);
        urne_page_csrf(&b, r);
        urne_html(&b, "<button>%s</button></form></td></tr>", L(r, "Publier", "Publish"));
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
                    L(r, "Nouvelle élection", "New election"), L(r, "Titre", "Title"), L(r, "Règles", "Rules"),
                    L(r, "Tour", "Round"), L(r, "Niveaux, du haut vers le bas", "Levels, top to bottom"),
                    L(r, "Candidats, un par ligne", "Candidates, one per line"),
                    L(r, "Bureaux, un par ligne : un nom par niveau séparés par ';', puis les inscrits",
                      "Bureaux, one per line: one name per level separated by ';', then the registered voters"),
                    L(r, "Double saisie", "Double entry"), L(r, "Date limite de saisie (UTC)", "Entry deadline (UTC)"),
                    L(r, "Créer", "Create"));
    urne_html_trusted(&b, "<form method=post action=\"/admin/elections\" class=card>");
    urne_page_csrf(&b, r);
    urne_html(&b, "<h3>%s</h3><label>%s<input type=file data-into=file accept=\".csv,.txt\"></label>"
                        "<textarea name=file hidden></textarea><input type=hidden name=source>"
                        "<label>%s<select name=format><option value=auto>auto</option><option>ministry</option>"
                        "<option>legislative</option><option>native</option></select></label>"
                        "<label>%s<input name=title></label><label>%s<input name=rules></label>"
                        "<label><input type=checkbox name=double_entry value=1> %s</label><button>%s</button></form>"
                        "</section>",
                    L(r, "Importer un fichier de résultats", "Import a results file"), L(r, "Fichier", "File"),
                    L(r, "Format", "Format"), L(r, "Titre (facultatif)", "Title (optional)"),
                    L(r, "Règles (facultatif)", "Rules (optional)"), L(r, "Double saisie", "Double entry"),
                    L(r, "Importer", "Import"));
    return urne_page_send(r, status, &b);
}
