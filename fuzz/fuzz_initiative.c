/* libFuzzer target for the initiative engine's text inputs: the same bytes as a
 * rules text (when accepted, written back and read again into the same rules), as
 * a counts CSV (when accepted, tallied under every preset), and as a name and a
 * birth date to normalise and check. Never a crash, a leak or an out-of-bounds
 * access; a refusal always says why; the rules' text round-trips. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../src/initiative/identity.h"
#include "../src/initiative/rules.h"
#include "../src/initiative/tally.h"
#include "../src/io/initiative_io.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void rules(const char *text, size_t size) {
    urne_initiative_rules r, back;
    urne_diags d;
    urne_diags_init(&d, "fuzz");
    if (urne_initiative_rules_parse(text, size, &r, &d) != 0) {
        if (d.errors == 0) abort();
        urne_diags_free(&d);
        return;
    }
    char out[1024];
    size_t n = urne_initiative_rules_write(&r, out, sizeof out);
    if (n >= sizeof out) abort(); /* every field is bounded: the text always fits */
    if (urne_initiative_rules_parse(out, n, &back, &d) != 0) abort();
    char again[1024];
    if (urne_initiative_rules_write(&back, again, sizeof again) != n || memcmp(out, again, n) != 0) abort();
    urne_diags_free(&d);
}

static void counts(const char *text, size_t size) {
    urne_initiative_counts c;
    urne_diags d;
    urne_diags_init(&d, "fuzz");
    if (urne_io_parse_initiative_counts(text, size, &c, &d) != 0) {
        if (d.errors == 0) abort();
        urne_diags_free(&d);
        return;
    }
    urne_initiative_territory_result *t = calloc(c.n, sizeof *t);
    for (size_t i = 0; t && urne_initiative_preset_name(i); i++) {
        urne_initiative_rules r;
        urne_initiative_tally out;
        urne_initiative_rules_preset(urne_initiative_preset_name(i), &r);
        if (urne_initiative_tally_evaluate(&r, c.items, c.n, t, &out) != URNE_INITIATIVE_TALLY_OK &&
            out.why.fmt == NULL)
            abort();
    }
    free(t);
    urne_initiative_counts_free(&c);
    urne_diags_free(&d);
}

static void identity(const char *text, size_t size) {
    char out[URNE_INITIATIVE_NAME_MAX];
    size_t at;
    urne_initiative_name_status st = urne_initiative_name_normalise(text, size, out, sizeof out, &at);
    if (st == URNE_INITIATIVE_NAME_OK && (out[0] == ' ' || out[strlen(out) - 1] == ' ' || strstr(out, "  "))) abort();
    if (st != URNE_INITIATIVE_NAME_OK && out[0] != 0) abort();
    if ((st == URNE_INITIATIVE_NAME_UTF8 || st == URNE_INITIATIVE_NAME_CHARACTER) && at >= size) abort();
    char *z = malloc(size + 1); /* the lines as the identity's NUL-terminated fields */
    if (z == NULL) return;
    memcpy(z, text, size);
    z[size] = 0;
    char *field[4] = {z, "", "", ""};
    for (int k = 1; k < 4; k++) {
        char *nl = strchr(field[k - 1], '\n');
        if (nl == NULL) break;
        *nl = 0;
        field[k] = nl + 1;
    }
    urne_initiative_identity id;
    urne_initiative_identity_fault f;
    if (urne_initiative_identity_make(field[0], field[1], field[2], field[3], 1764892800, &id, &f) == 0) {
        char key[URNE_INITIATIVE_KEY_MAX];
        urne_initiative_identity_key(&id, key, sizeof key);
        urne_initiative_match m = urne_initiative_roll_match(&id, &id, 1);
        if (m.code != URNE_INITIATIVE_MATCHED) abort(); /* an identity matches itself */
    } else if (f.rule == NULL) {
        abort();
    }
    free(z);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    rules((const char *)data, size);
    counts((const char *)data, size);
    identity((const char *)data, size);
    return 0;
}
