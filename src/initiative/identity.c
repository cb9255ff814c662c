/*
 * initiative identity: normalisation, identities, matching and eligibility (see
 * identity.h).
 *
 * The letters are folded by tables indexed by code point, U+00C0..U+00FF
 * (Latin-1), U+0100..U+017F (Latin Extended-A), U+01A0..U+023F (the accented
 * letters of Latin Extended-B: Romanian Ș Ț, Vietnamese Ơ Ư) and U+1E00..U+1EFF
 * (Latin Extended Additional: Vietnamese ễ ạ, Welsh ŵ ẁ), each giving the
 * capital base letter, '#' where the letter becomes two (Æ, Þ, ß, ẞ, Ĳ, Œ) and
 * '?' where the code point is no letter (× ÷) or no accented Latin letter (Ə,
 * ǅ: refused rather than guessed). The later two tables give the base letter of
 * each letter's canonical decomposition (a letter and combining accents), which
 * is what a name typed with combining accents folds to already. Reading the
 * tables is reading Unicode's charts in order: the comment over each row says
 * where it starts.
 */
#include <assert.h>
#include <string.h>

#include "identity.h"

/* U+00C0..U+00FF */
static const char latin1[] = "AAAAAA#CEEEEIIII" /* C0 À..Ï */
                             "DNOOOOO?OUUUUY##" /* D0 Ð..ß */
                             "AAAAAA#CEEEEIIII" /* E0 à..ï */
                             "DNOOOOO?OUUUUY#Y"; /* F0 ð..ÿ */
/* U+0100..U+017F */
static const char latin_a[] = "AAAAAACCCCCCCCDDDDEEEEEEEEEEGGGGGGGGHHHHIIIIIIIIII" /* 0100 Ā..ı */
                              "##JJKKKLLLLLLLLLLNNNNNNNNNOOOOOO##" /* 0132 Ĳ..œ */
                              "RRRRRRSSSSSSSSTTTTTTUUUUUUUUUUUUWWYYYZZZZZZS"; /* 0154 Ŕ..ſ */
/* U+01A0..U+023F: the accented letters of Latin Extended-B */
static const char latin_b[] = "OO?????????????U" /* 01A0 Ơ..Ư */
                              "U???????????????" /* 01B0 ư..ƿ */
                              "?????????????AAI" /* 01C0 ǀ..Ǐ */
                              "IOOUUUUUUUUUU?AA" /* 01D0 ǐ..ǟ */
                              "AA????GGKKOOOO??" /* 01E0 Ǡ..ǯ */
                              "J???GG??NNAA????" /* 01F0 ǰ..ǿ */
                              "AAAAEEEEIIIIOOOO" /* 0200 Ȁ..ȏ */
                              "RRRRUUUUSSTT??HH" /* 0210 Ȑ..ȟ */
                              "??????AAEEOOOOOO" /* 0220 Ƞ..ȯ */
                              "OOYY????????????"; /* 0230 Ȱ..ȿ */
/* U+1E00..U+1EFF: Latin Extended Additional */
static const char latin_add[] = "AABBBBBBCCDDDDDD" /* 1E00 Ḁ..ḏ */
                                "DDDDEEEEEEEEEEFF" /* 1E10 Ḑ..ḟ */
                                "GGHHHHHHHHHHIIII" /* 1E20 Ḡ..ḯ */
                                "KKKKKKLLLLLLLLMM" /* 1E30 Ḱ..ḿ */
                                "MMMMNNNNNNNNOOOO" /* 1E40 Ṁ..ṏ */
                                "OOOOPPPPRRRRRRRR" /* 1E50 Ṑ..ṟ */
                                "SSSSSSSSSSTTTTTT" /* 1E60 Ṡ..ṯ */
                                "TTUUUUUUUUUUVVVV" /* 1E70 Ṱ..ṿ */
                                "WWWWWWWWWWXXXXYY" /* 1E80 Ẁ..ẏ */
                                "ZZZZZZHTWY????#?" /* 1E90 Ẑ..ẟ */
                                "AAAAAAAAAAAAAAAA" /* 1EA0 Ạ..ắ */
                                "AAAAAAAAEEEEEEEE" /* 1EB0 Ằ..ế */
                                "EEEEEEEEIIIIOOOO" /* 1EC0 Ề..ỏ */
                                "OOOOOOOOOOOOOOOO" /* 1ED0 Ố..ở */
                                "OOOOUUUUUUUUUUUU" /* 1EE0 Ỡ..ữ */
                                "UUYYYYYYYY??????"; /* 1EF0 Ự..ỿ */
_Static_assert(sizeof latin1 == 65, "one letter per code point of U+00C0..U+00FF");
_Static_assert(sizeof latin_a == 129, "one letter per code point of U+0100..U+017F");
_Static_assert(sizeof latin_b == 161, "one letter per code point of U+01A0..U+023F");
_Static_assert(sizeof latin_add == 257, "one letter per code point of U+1E00..U+1EFF");

/* The two letters of a code point marked '#'. */
static const char *two_letters(unsigned cp) {
    switch (cp) {
    case 0xC6: case 0xE6: return "AE";
    case 0xDE: case 0xFE: return "TH";
    case 0xDF: case 0x1E9E: return "SS";
    case 0x132: case 0x133: return "IJ";
    default: return "OE"; /* U+0152, U+0153 */
    }
}

/* Strict UTF-8: the sequence's length at s[0..len) with *cp, or 0. */
static size_t utf8_decode(const unsigned char *s, size_t len, unsigned *cp) {
    unsigned c = s[0];
    size_t n;
    unsigned min;
    if (c < 0x80) return *cp = c, 1;
    if (c >= 0xC2 && c <= 0xDF) n = 2, min = 0x80, c &= 0x1F;
    else if (c >= 0xE0 && c <= 0xEF) n = 3, min = 0x800, c &= 0x0F;
    else if (c >= 0xF0 && c <= 0xF4) n = 4, min = 0x10000, c &= 0x07;
    else return 0;
    if (n > len) return 0;
    for (size_t k = 1; k < n; k++) {
        if ((s[k] & 0xC0) != 0x80) return 0;
        c = (c << 6) | (s[k] & 0x3F);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) return 0;
    return *cp = c, n;
}

static int is_separator(unsigned cp) {
    switch (cp) {
    case ' ': case '\t': case '-': case '\'': case '.': case ',':
    case 0xA0:   /* no-break space */
    case 0x2BC:  /* modifier letter apostrophe */
    case 0x2010: case 0x2011: /* hyphen, non-breaking hyphen */
    case 0x2019: /* right single quotation mark, the typographic apostrophe */
    case 0x202F: /* narrow no-break space */
        return 1;
    default: return 0;
    }
}

/* The letters cp folds to ("" when it is dropped), or NULL when it is no letter. */
static const char *fold(unsigned cp, char one[2]) {
    one[1] = 0;
    if (cp >= 'a' && cp <= 'z') return one[0] = (char)(cp - 'a' + 'A'), one;
    if (cp >= 'A' && cp <= 'Z') return one[0] = (char)cp, one;
    if (cp >= 0x300 && cp <= 0x36F) return ""; /* combining accents */
    char c = 0;
    if (cp >= 0xC0 && cp <= 0xFF) c = latin1[cp - 0xC0];
    else if (cp >= 0x100 && cp <= 0x17F) c = latin_a[cp - 0x100];
    else if (cp >= 0x1A0 && cp <= 0x23F) c = latin_b[cp - 0x1A0];
    else if (cp >= 0x1E00 && cp <= 0x1EFF) c = latin_add[cp - 0x1E00];
    if (c == 0 || c == '?') return NULL;
    if (c == '#') return two_letters(cp);
    return one[0] = c, one;
}

/* Normalise a name, or with `digits` a place (a commune's code, "2A004", or name). */
static urne_initiative_name_status normalise(const char *s, size_t len, int digits, char *out, size_t size,
                                             size_t *at) {
    assert(s != NULL && out != NULL && size >= 1 && at != NULL);
    const unsigned char *u = (const unsigned char *)s;
    size_t w = 0;
    int pending_space = 0;
    *at = 0;
    out[0] = 0;
    for (size_t i = 0; i < len;) {
        unsigned cp;
        size_t n = utf8_decode(u + i, len - i, &cp);
        if (n == 0) return out[0] = 0, *at = i, URNE_INITIATIVE_NAME_UTF8;
        i += n;
        if (is_separator(cp)) {
            pending_space = w > 0; /* none before the first letter */
            continue;
        }
        char one[2] = {(char)cp, 0};
        const char *letters = digits && cp >= '0' && cp <= '9' ? one : fold(cp, one);
        if (letters == NULL) {
            out[0] = 0;
            return *at = i - n, URNE_INITIATIVE_NAME_CHARACTER;
        }
        if (letters[0]) { /* "" for a combining accent: dropped */
            size_t k = strlen(letters);
            if (w + pending_space + k + 1 > size) return out[0] = 0, URNE_INITIATIVE_NAME_TOO_LONG;
            if (pending_space) out[w++] = ' ';
            memcpy(out + w, letters, k);
            w += k;
            pending_space = 0;
        }
    }
    out[w] = 0;
    return w == 0 ? URNE_INITIATIVE_NAME_EMPTY : URNE_INITIATIVE_NAME_OK;
}

urne_initiative_name_status urne_initiative_name_normalise(const char *s, size_t len, char *out, size_t size,
                                                           size_t *at) {
    return normalise(s, len, 0, out, size, at);
}

urne_initiative_name_status urne_initiative_place_normalise(const char *s, size_t len, char *out, size_t size,
                                                            size_t *at) {
    return normalise(s, len, 1, out, size, at);
}

int urne_initiative_name_same(const char *a, const char *b) {
    assert(a != NULL && b != NULL);
    for (;;) {
        while (*a == ' ') a++;
        while (*b == ' ') b++;
        if (*a != *b) return 0;
        if (*a == 0) return 1;
        a++, b++;
    }
}

int urne_initiative_given_fits(const char *signer, const char *roll) {
    assert(signer != NULL && roll != NULL);
    size_t n = strlen(signer);
    if (n == 0 || strncmp(signer, roll, n) != 0) return 0;
    return roll[n] == 0 || roll[n] == ' '; /* whole words: "JEAN" does not fit "JEANNE" */
}

/* The character at byte `at` of valid UTF-8 text, described in f (nth, what). */
static void describe_character(const char *text, size_t at, urne_initiative_identity_fault *f) {
    const unsigned char *u = (const unsigned char *)text;
    size_t nth = 1, n = 0;
    unsigned cp = 0;
    for (size_t i = 0; i < at; i += n, nth++) {
        n = utf8_decode(u + i, at - i, &cp);
        if (n == 0) break; /* not reached: the text before `at` was read whole */
    }
    n = utf8_decode(u + at, strlen(text + at), &cp);
    assert(n > 0);
    f->nth = nth;
    int shown = !(cp < 0x20 || (cp >= 0x7F && cp < 0xA0) || cp == 0xAD || (cp >= 0x200B && cp <= 0x200F) ||
                  (cp >= 0x2028 && cp <= 0x202E) || (cp >= 0x2060 && cp <= 0x206F) || cp == 0xFEFF);
    char *w = f->what; /* at most 4 + 3 + 8 + 1 bytes of 24 */
    if (shown) memcpy(w, text + at, n), w += n, memcpy(w, " (", 2), w += 2;
    memcpy(w, "U+", 2), w += 2;
    int digits = cp > 0xFFFF ? (cp > 0xFFFFF ? 6 : 5) : 4;
    for (int k = digits - 1; k >= 0; k--) *w++ = "0123456789ABCDEF"[(cp >> (4 * k)) & 0xF];
    if (shown) *w++ = ')';
    *w = 0;
}

/* Normalise one field of an identity. 0, or -1 with *f set. */
static int make_field(const char *text, const char *field, char *out, urne_initiative_identity_fault *f) {
    size_t at;
    const char *t = text ? text : "";
    urne_initiative_name_status st = normalise(t, strlen(t), strcmp(field, "commune") == 0, out,
                                               URNE_INITIATIVE_NAME_MAX, &at);
    f->field = field;
    f->at = at;
    f->nth = 0;
    f->what[0] = 0;
    switch (st) {
    case URNE_INITIATIVE_NAME_OK: return 0;
    case URNE_INITIATIVE_NAME_EMPTY:
        f->rule = URNE_INITIATIVE_ID_EMPTY;
        urne_phrase_set(&f->why, "this field is empty");
        break;
    case URNE_INITIATIVE_NAME_UTF8:
        f->rule = URNE_INITIATIVE_ID_UTF8;
        urne_phrase_set(&f->why, "this field is not valid UTF-8 at byte %zu", at + 1);
        break;
    case URNE_INITIATIVE_NAME_CHARACTER:
        f->rule = URNE_INITIATIVE_ID_CHARACTER;
        describe_character(t, at, f);
        urne_phrase_set(&f->why, "its character %zu, %s, is not a letter a name may hold", f->nth, f->what);
        break;
    case URNE_INITIATIVE_NAME_TOO_LONG:
        f->rule = URNE_INITIATIVE_ID_TOO_LONG;
        urne_phrase_set(&f->why, "this field is longer than %d letters", URNE_INITIATIVE_NAME_MAX - 1);
        break;
    }
    return -1;
}

/* Read and check a birth date. 0, or -1 with *f set. */
static int make_birth(const char *text, int64_t now, urne_initiative_date *out, urne_initiative_identity_fault *f) {
    const char *t = text ? text : "";
    f->field = "birth";
    f->at = 0;
    int rc = urne_initiative_date_parse(t, strlen(t), out);
    if (rc == -1) {
        f->rule = URNE_INITIATIVE_ID_BIRTH_FORMAT;
        urne_phrase_set(&f->why, "the birth date '%s' is not written YYYY-MM-DD or DD/MM/YYYY", t);
        return -1;
    }
    if (rc == -2) {
        f->rule = URNE_INITIATIVE_ID_BIRTH_DATE;
        urne_phrase_set(&f->why, "the birth date '%s' does not exist", t);
        return -1;
    }
    urne_initiative_date today = urne_initiative_date_of(now);
    if (urne_initiative_date_days(*out) > urne_initiative_date_days(today)) {
        f->rule = URNE_INITIATIVE_ID_BIRTH_FUTURE;
        urne_phrase_set(&f->why, "the birth date '%s' is after today", t);
        return -1;
    }
    if (urne_initiative_date_age(*out, today) > URNE_INITIATIVE_AGE_MAX) {
        f->rule = URNE_INITIATIVE_ID_BIRTH_PAST;
        urne_phrase_set(&f->why, "the birth date '%s' is more than %d years ago", t, URNE_INITIATIVE_AGE_MAX);
        return -1;
    }
    return 0;
}

int urne_initiative_identity_make(const char *name, const char *given, const char *birth, const char *commune,
                                  int64_t now, urne_initiative_identity *out, urne_initiative_identity_fault *fault) {
    assert(out != NULL && fault != NULL);
    memset(out, 0, sizeof *out);
    memset(fault, 0, sizeof *fault);
    if (make_field(name, "name", out->name, fault) < 0 || make_field(given, "given", out->given, fault) < 0 ||
        make_birth(birth, now, &out->birth, fault) < 0 || make_field(commune, "commune", out->commune, fault) < 0) {
        memset(out, 0, sizeof *out);
        return -1;
    }
    memset(fault, 0, sizeof *fault);
    return 0;
}

static size_t put_number(char *buf, size_t k, int v, int width) {
    for (int i = width - 1; i >= 0; i--, v /= 10) buf[k + (size_t)i] = (char)('0' + v % 10);
    return k + (size_t)width;
}

size_t urne_initiative_identity_key(const urne_initiative_identity *id, char *buf, size_t size) {
    assert(id != NULL && buf != NULL && size >= URNE_INITIATIVE_KEY_MAX);
    assert(urne_initiative_date_valid(id->birth));
    size_t k = 0;
    for (const char *p = id->name; *p; p++)
        if (*p != ' ') buf[k++] = *p;
    buf[k++] = '|';
    size_t g = strlen(id->given);
    memcpy(buf + k, id->given, g);
    k += g;
    buf[k++] = '|';
    k = put_number(buf, k, id->birth.year, 4);
    buf[k++] = '-';
    k = put_number(buf, k, id->birth.month, 2);
    buf[k++] = '-';
    k = put_number(buf, k, id->birth.day, 2);
    buf[k++] = '|';
    size_t c = strlen(id->commune);
    memcpy(buf + k, id->commune, c);
    k += c;
    buf[k] = 0;
    assert(k < size);
    return k;
}

size_t urne_initiative_identity_index_key(const urne_initiative_identity *id, char *buf, size_t size) {
    assert(id != NULL && buf != NULL && size >= URNE_INITIATIVE_KEY_MAX);
    size_t k = 0;
    for (const char *p = id->name; *p; p++)
        if (*p != ' ') buf[k++] = *p;
    buf[k++] = '|';
    size_t c = strlen(id->commune);
    memcpy(buf + k, id->commune, c);
    k += c;
    buf[k] = 0;
    return k;
}

urne_initiative_match urne_initiative_roll_match(const urne_initiative_identity *signer,
                                                 const urne_initiative_identity *roll, size_t n) {
    assert(signer != NULL && (n == 0 || roll != NULL));
    urne_initiative_match m;
    memset(&m, 0, sizeof m);
    size_t fits = 0, homonyms = 0, first = 0;
    for (size_t i = 0; i < n; i++) {
        const urne_initiative_identity *e = &roll[i];
        if (!urne_initiative_name_same(signer->name, e->name) || !urne_initiative_given_fits(signer->given, e->given) ||
            strcmp(signer->commune, e->commune) != 0)
            continue;
        homonyms++;
        if (memcmp(&signer->birth, &e->birth, sizeof e->birth) != 0) continue;
        if (fits++ == 0) first = i;
    }
    if (fits == 1) {
        m.code = URNE_INITIATIVE_MATCHED, m.index = first, m.count = 1;
        urne_phrase_set(&m.why, "%s %s is on the roll of %s", signer->given, signer->name, signer->commune);
    } else if (fits > 1) {
        m.code = URNE_INITIATIVE_AMBIGUOUS, m.count = fits;
        urne_phrase_set(&m.why, "%zu electors of %s fit %s %s and this birth date: give all your given names", fits,
                        signer->commune, signer->given, signer->name);
    } else if (homonyms > 0) {
        m.code = URNE_INITIATIVE_HOMONYM, m.count = homonyms;
        urne_phrase_set(&m.why, "%s %s is on the roll of %s with another birth date: check the date given",
                        signer->given, signer->name, signer->commune);
    } else {
        m.code = URNE_INITIATIVE_NOT_ON_ROLL;
        urne_phrase_set(&m.why, "%s %s is not on the roll of %s", signer->given, signer->name, signer->commune);
    }
    return m;
}

urne_initiative_eligibility urne_initiative_eligible(const urne_initiative_rules *r,
                                                     const urne_initiative_identity *id,
                                                     const char *roll_territory, int is_member, int64_t now) {
    assert(r != NULL && id != NULL && urne_initiative_date_valid(id->birth));
    if (urne_initiative_date_age(id->birth, urne_initiative_date_of(now)) < r->age_min)
        return URNE_INITIATIVE_UNDER_AGE;
    if (r->roll_territory[0] && (roll_territory == NULL || strcmp(roll_territory, r->roll_territory) != 0))
        return URNE_INITIATIVE_OTHER_ROLL;
    if (r->organisation[0] && !is_member) return URNE_INITIATIVE_NOT_MEMBER;
    return URNE_INITIATIVE_ELIGIBLE;
}
