/*
 * results_csv: units written in the Ministry of the Interior's layout, so that what
 * urne computes can be read by the tools that read the official files: ';' separated,
 * comma decimals, the unit's code and label columns with the Ministry's names, the
 * counts and their percentages, then one group per candidate (N°Panneau;Sexe;Nom;
 * Prénom;Voix;% Voix/Ins;% Voix/Exp) or, for totals by nuance, Nuance;Voix;% Voix/Ins;
 * % Voix/Exp. Like the official file, the header names the first group only.
 * Levels that do not nest in the one asked for are left out (a commune's row names
 * no circonscription, since Lyon spans several). Lines end with CRLF. The style adds
 * what a spreadsheet needs to open the file right by a double click: UTF-8's
 * byte-order mark (without it Excel reads the bytes in the machine's code page, and
 * "Prénom" becomes "PrÃ©nom"), and the decimal separator of the reader's language.
 */
#include <string.h>

#include "results_io.h"
#include "write_common.h"

/* One cell, quoted when it holds a separator or a quote; `first` omits the leading ';'.
 * A name that a spreadsheet would run as a formula (starting with = + - @, a tab
 * or a carriage return: "=HYPERLINK(...)" typed as a candidate's name) is written
 * behind an apostrophe, which spreadsheets show as text. Counts never pass here. */
static void cell_at(FILE *out, const char *s, int first) {
    if (!first) fputc(';', out);
    if (s == NULL || s[0] == 0 || strchr("=+-@\t\r", s[0]) == NULL) {
        urne_write_csv_cell(out, s, ';');
        return;
    }
    int quote = strpbrk(s, ";\"\r\n") != NULL;
    fputs(quote ? "\"'" : "'", out);
    for (; *s; s++) {
        if (*s == '"') fputc('"', out);
        fputc(*s, out);
    }
    if (quote) fputc('"', out);
}

static void cell(FILE *out, const char *s) { cell_at(out, s, 0); }

static void count(FILE *out, int64_t v) { fprintf(out, ";%lld", (long long)v); }

static void percent(FILE *out, urne_wide num, urne_wide den, char decimal) {
    char p[48];
    urne_num_pct(num, den, decimal, p, sizeof p);
    fprintf(out, ";%s", p);
}

static void level_names(const char *level, const char **code, const char **label) {
    static const struct { const char *level, *code, *label; } known[] = {
        {"departement", "Code du département", "Libellé du département"},
        {"circonscription", "Code de la circonscription", "Libellé de la circonscription"},
        {"commune", "Code de la commune", "Libellé de la commune"},
        {"bureau", "Code du b.vote", NULL},
    };
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (strcmp(level, known[i].level) == 0) {
            *code = known[i].code;
            *label = known[i].label;
            return;
        }
    *code = level;
    *label = "Libellé";
}

int urne_io_write_ministry_csv(FILE *out, const urne_report *rep) {
    return urne_io_write_ministry_csv_styled(out, rep, &(urne_csv_style){0, ','});
}

int urne_io_write_ministry_csv_styled(FILE *out, const urne_report *rep, const urne_csv_style *style) {
    const urne_round *r = rep->round;
    char dec = style->decimal == '.' ? '.' : ',';
    if (style->bom) fputs("\xEF\xBB\xBF", out); /* Excel then reads UTF-8, not the machine's code page */
    size_t L = rep->tally->level;
    int keep[URNE_MAX_LEVELS] = {0};
    int any_col = 0;
    for (size_t l = 1; l <= L; l++) {
        int n = l == L ? 1 : urne_results_nests(r, l, L);
        if (n < 0) return -1;
        keep[l] = n;
    }
    /* Header: every cell after the first is written with its leading ';'. */
    int first = 1;
    for (size_t l = 1; l <= L; l++) {
        if (!keep[l]) continue;
        const char *code, *label;
        level_names(r->levels[l], &code, &label);
        cell_at(out, code, first); /* a level's name comes from the file: a cell like any other */
        first = 0;
        if (label) cell(out, label);
        any_col = 1;
    }
    if (!any_col) fprintf(out, "Libellé");
    fputs(";Inscrits;Abstentions;% Abs/Ins;Votants;% Vot/Ins;Blancs;% Blancs/Ins;% Blancs/Vot;Nuls;% Nuls/Ins;"
          "% Nuls/Vot;Exprimés;% Exp/Ins;% Exp/Vot", out);
    int by_group = rep->tally->nunits > 0 && rep->tally->units[0].contest == URNE_NONE;
    fputs(by_group ? ";Nuance;Voix;% Voix/Ins;% Voix/Exp\r\n" : ";N°Panneau;Sexe;Nom;Prénom;Voix;% Voix/Ins;% Voix/Exp\r\n",
          out);
    for (size_t i = 0; i < rep->tally->nunits; i++) {
        const urne_unit *u = &rep->tally->units[i];
        first = 1;
        for (size_t l = 1; l <= L; l++) {
            if (!keep[l]) continue;
            const char *code, *label;
            level_names(r->levels[l], &code, &label);
            const char *c = u->first->code[l] ? u->first->code[l] : u->first->key[l];
            cell_at(out, c, first);
            first = 0;
            if (label) cell(out, u->first->label[l]);
        }
        if (!any_col) cell_at(out, u->label, 1);
        int64_t basis = urne_results_basis(u, rep->rules);
        count(out, u->inscrits);
        count(out, u->inscrits - u->votants);
        percent(out, u->inscrits - u->votants, u->inscrits, dec);
        count(out, u->votants);
        percent(out, u->votants, u->inscrits, dec);
        count(out, u->blancs);
        percent(out, u->blancs, u->inscrits, dec);
        percent(out, u->blancs, u->votants, dec);
        count(out, u->nuls);
        percent(out, u->nuls, u->inscrits, dec);
        percent(out, u->nuls, u->votants, dec);
        count(out, basis);
        percent(out, basis, u->inscrits, dec);
        percent(out, basis, u->votants, dec);
        for (size_t j = 0; j < u->nlines; j++) {
            const urne_line *ln = &u->lines[j];
            if (by_group) {
                cell(out, ln->name);
            } else {
                const urne_candidate *c = &r->candidates[ln->candidate];
                if (c->panel > 0) fprintf(out, ";%d", c->panel);
                else fputc(';', out);
                cell(out, c->sex);
                cell(out, c->last_name ? c->last_name : c->name);
                cell(out, c->first_name);
            }
            count(out, ln->voix);
            percent(out, ln->voix, u->inscrits, dec);
            percent(out, ln->voix, basis, dec);
        }
        fputs("\r\n", out);
    }
    return ferror(out) ? -1 : 0;
}
