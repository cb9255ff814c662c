/*
 * page_words: the names of things the data names by code, in the page's language.
 *
 * A file calls its levels "national", "departement", "bureau": identifiers, written
 * without accents, that a page must not show as they are. The levels French
 * results use are known here with their French and English names, singular and
 * plural; a level urne does not know is shown as the file names it.
 */
#include <string.h>

#include "page_parts.h"

typedef struct level_words {
    const char *code;
    const char *one, *many; /* English, and msgids of their French */
} level_words;

static const level_words levels[] = {
    {"national", NC_("level", "national"), NC_("level", "national")},
    {"region", NC_("level", "region"), NC_("level", "regions")},
    {"departement", NC_("level", "département"), NC_("level", "départements")},
    {"circonscription", NC_("level", "constituency"), NC_("level", "constituencies")},
    {"canton", NC_("level", "canton"), NC_("level", "cantons")},
    {"arrondissement", NC_("level", "arrondissement"), NC_("level", "arrondissements")},
    {"commune", NC_("level", "municipality"), NC_("level", "municipalities")},
    {"bureau", NC_("level", "polling station"), NC_("level", "polling stations")},
    {"federation", NC_("level", "federation"), NC_("level", "federations")},
    {"section", NC_("level", "section"), NC_("level", "sections")},
    {"college", NC_("level", "college"), NC_("level", "colleges")},
};

const char *urne_page_level(const urne_req *r, const char *code, int plural) {
    for (size_t i = 0; code && i < sizeof levels / sizeof levels[0]; i++)
        if (strcmp(levels[i].code, code) == 0)
            return plural ? C_(r, "level", levels[i].many) : C_(r, "level", levels[i].one);
    return code ? code : "";
}
