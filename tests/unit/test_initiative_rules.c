/*
 * test_initiative_rules: every preset's threshold at its edges (exactly the
 * minimum, one short; territories reaching and missing their minimums), the
 * tally's refusals (overflow, more signatures than electors, missing seats),
 * exact percentages, the windows' dates, and the rules text's reader with the
 * error each bad line gets.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../src/initiative/calendar.h"
#include "../../src/initiative/rules.h"
#include "../../src/initiative/tally.h"

static urne_initiative_rules preset(const char *name) {
    urne_initiative_rules r;
    assert_int_equal(urne_initiative_rules_preset(name, &r), 0);
    urne_diags d;
    urne_diags_init(&d, NULL);
    assert_int_equal(urne_initiative_rules_check(&r, &d), 0);
    urne_diags_free(&d);
    return r;
}

static urne_initiative_count one(const char *name, int64_t electorate, int64_t signatures) {
    urne_initiative_count c = {name, electorate, signatures, -1, -1};
    return c;
}

/* Tally one national territory; returns whether reached, with the threshold in *threshold. */
static int national(const urne_initiative_rules *r, int64_t electorate, int64_t signatures, int64_t *threshold) {
    urne_initiative_count c = one("FR", electorate, signatures);
    urne_initiative_territory_result t;
    urne_initiative_tally out;
    assert_int_equal(urne_initiative_tally_evaluate(r, &c, 1, &t, &out), URNE_INITIATIVE_TALLY_OK);
    *threshold = out.national_threshold;
    assert_int_equal(out.signatures, signatures);
    assert_int_equal(out.electorate, electorate);
    return out.reached;
}

static void test_presets_national(void **state) {
    (void)state;
    const struct {
        const char *preset;
        int64_t electorate, threshold;
    } cases[] = {
        /* 1 % of 47,173,949 is 471,739.49: a law's 1 % needs 471,740. */
        {"49-3-citoyen", 47173949, 471740},
        {"49-3-citoyen", 47173900, 471739}, /* exactly 1 % */
        /* 10 %: 4,717,395.5 rounded up; and a whole tenth. */
        {"rip", 47173955, 4717396},
        {"rip", 47173950, 4717395},
        /* a fifth of a commune's electors */
        {"local-petition", 1003, 201},
        {"local-petition", 1000, 200},
        {"local-petition", 1, 1},
        {"eci", 400000000, 1000000},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        urne_initiative_rules r = preset(cases[i].preset);
        r.territory.basis = URNE_INITIATIVE_NONE; /* the national rule alone */
        r.territories.basis = URNE_INITIATIVE_NONE;
        int64_t th = 0;
        int at = national(&r, cases[i].electorate, cases[i].threshold, &th);
        if (th != cases[i].threshold) fail_msg("%s: threshold %lld, expected %lld", cases[i].preset, (long long)th,
                                                (long long)cases[i].threshold);
        if (!at) fail_msg("%s: exactly the threshold is not reached", cases[i].preset);
        if (national(&r, cases[i].electorate, cases[i].threshold - 1, &th))
            fail_msg("%s: one short is reached", cases[i].preset);
    }
    urne_initiative_rules r = preset("rip");
    assert_int_equal(r.window_months, 9);
    assert_int_equal(r.supporters, URNE_INITIATIVE_PUBLIC);
    assert_int_equal(r.stop_at_threshold, 0);
    assert_int_equal(urne_initiative_rules_preset("rip2", &r), -1);
    size_t n = 0;
    while (urne_initiative_preset_name(n)) n++;
    assert_int_equal(n, 5);
}

/* The ECI: 1,000,000 signatures and 7 member states each above MEPs x 720. */
static void test_eci(void **state) {
    (void)state;
    urne_initiative_rules r = preset("eci");
    /* seats of eight states; minimums 96*720 = 69,120, 81*720 = 58,320 ... */
    static const int64_t seats[8] = {96, 81, 61, 53, 31, 21, 21, 6};
    urne_initiative_count c[8];
    urne_initiative_territory_result t[8];
    urne_initiative_tally out;
    int64_t total = 0;
    for (int i = 0; i < 8; i++) {
        c[i] = one("state", 50000000, seats[i] * 720); /* each exactly at its minimum */
        c[i].seats = seats[i];
        total += c[i].signatures;
    }
    c[7].signatures = 1000000 - (total - c[7].signatures); /* the total exactly 1,000,000 */
    assert_int_equal(urne_initiative_tally_evaluate(&r, c, 8, t, &out), URNE_INITIATIVE_TALLY_OK);
    assert_int_equal(t[0].minimum, 69120);
    assert_int_equal(t[7].minimum, 4320);
    assert_int_equal(out.signatures, 1000000);
    assert_int_equal(out.territories_needed, 7);
    assert_int_equal(out.territories_reaching, 8);
    assert_true(out.reached);
    /* One short nationally. */
    c[7].signatures--;
    assert_int_equal(urne_initiative_tally_evaluate(&r, c, 8, t, &out), URNE_INITIATIVE_TALLY_OK);
    assert_false(out.reached);
    assert_false(out.national_reached);
    c[7].signatures++;
    /* Two states one short of their minimum: 6 reach theirs, not enough, though 1,000,000 is. */
    c[0].signatures--, c[1].signatures--, c[7].signatures += 2;
    assert_int_equal(urne_initiative_tally_evaluate(&r, c, 8, t, &out), URNE_INITIATIVE_TALLY_OK);
    assert_false(t[0].reached);
    assert_true(t[2].reached); /* exactly its minimum */
    assert_int_equal(out.territories_reaching, 6);
    assert_true(out.national_reached);
    assert_false(out.territories_met);
    assert_false(out.reached);
    /* One back: 7 states, reached. */
    c[1].signatures++, c[7].signatures--;
    assert_int_equal(urne_initiative_tally_evaluate(&r, c, 8, t, &out), URNE_INITIATIVE_TALLY_OK);
    assert_int_equal(out.territories_reaching, 7);
    assert_true(out.reached);
    /* A state without its seats cannot be judged. */
    c[3].seats = -1;
    assert_int_equal(urne_initiative_tally_evaluate(&r, c, 8, t, &out), URNE_INITIATIVE_TALLY_NO_SEATS);
    assert_int_equal(out.fault_index, 3);
    assert_false(out.reached);
    assert_non_null(out.why.fmt);
    /* Minimums given state by state instead. */
    r.territory.basis = URNE_INITIATIVE_GIVEN;
    c[3].seats = 53;
    for (int i = 0; i < 8; i++) c[i].minimum = c[i].seats * 720;
    assert_int_equal(urne_initiative_tally_evaluate(&r, c, 8, t, &out), URNE_INITIATIVE_TALLY_OK);
    assert_int_equal(out.territories_reaching, 7);
    c[5].minimum = -1;
    assert_int_equal(urne_initiative_tally_evaluate(&r, c, 8, t, &out), URNE_INITIATIVE_TALLY_NO_MINIMUM);
    assert_int_equal(out.fault_index, 5);
}

/* Interpellation by territories: 1 % nationally, 1 % in each, in half of them. */
static void test_territories(void **state) {
    (void)state;
    urne_initiative_rules r = preset("territories");
    urne_initiative_count c[4] = {one("A", 10000, 100), one("B", 10001, 101), one("C", 20000, 199), one("D", 5000, 0)};
    urne_initiative_territory_result t[4];
    urne_initiative_tally out;
    /* national: 45,001 electors -> 451; 400 signed; territories: A and B reach 100 and 101 (1 % of 10,001 is 100.01). */
    assert_int_equal(urne_initiative_tally_evaluate(&r, c, 4, t, &out), URNE_INITIATIVE_TALLY_OK);
    assert_int_equal(t[1].minimum, 101);
    assert_int_equal(t[2].minimum, 200);
    assert_true(t[0].reached && t[1].reached);
    assert_false(t[2].reached || t[3].reached);
    assert_int_equal(out.territories_needed, 2);
    assert_true(out.territories_met);
    assert_int_equal(out.national_threshold, 451);
    assert_false(out.reached);
    c[3].signatures = 51; /* 451 nationally, exactly */
    assert_int_equal(urne_initiative_tally_evaluate(&r, c, 4, t, &out), URNE_INITIATIVE_TALLY_OK);
    assert_true(out.reached);
    assert_int_equal(out.territories_reaching, 3); /* D: 51 of 5,000 is above its 50 */
    c[0].signatures = 99, c[1].signatures = 105, c[2].signatures = 199, c[3].signatures = 49; /* only B: 1 of 4 */
    assert_int_equal(urne_initiative_tally_evaluate(&r, c, 4, t, &out), URNE_INITIATIVE_TALLY_OK);
    assert_int_equal(out.signatures, 452);
    assert_true(out.national_reached);
    assert_int_equal(out.territories_reaching, 1);
    assert_false(out.reached);
    /* Minimums without a number of territories: every territory must reach its own. */
    r.territories.basis = URNE_INITIATIVE_NONE;
    c[0].signatures = 100, c[2].signatures = 200, c[3].signatures = 50; /* 455 */
    assert_int_equal(urne_initiative_tally_evaluate(&r, c, 4, t, &out), URNE_INITIATIVE_TALLY_OK);
    assert_int_equal(out.territories_needed, 4);
    assert_true(out.reached);
    c[3].signatures = 49;
    assert_int_equal(urne_initiative_tally_evaluate(&r, c, 4, t, &out), URNE_INITIATIVE_TALLY_OK);
    assert_false(out.reached);
}

static void test_tally_refusals(void **state) {
    (void)state;
    urne_initiative_rules r = preset("rip");
    urne_initiative_territory_result t[3];
    urne_initiative_tally out;
    urne_initiative_count big[3] = {one("A", INT64_MAX / 2, 1), one("B", INT64_MAX / 2, 1), one("C", 2, 1)};
    assert_int_equal(urne_initiative_tally_evaluate(&r, big, 3, t, &out), URNE_INITIATIVE_TALLY_OVERFLOW);
    assert_int_equal(out.fault_index, 2);
    assert_false(out.reached);
    big[2].electorate = 1; /* INT64_MAX exactly: fits, and 10 % of it is computed in 128 bits */
    assert_int_equal(urne_initiative_tally_evaluate(&r, big, 3, t, &out), URNE_INITIATIVE_TALLY_OK);
    assert_int_equal(out.electorate, INT64_MAX);
    assert_int_equal(out.national_threshold, INT64_MAX / 10 + 1);
    urne_initiative_count more = one("A", 10, 11);
    assert_int_equal(urne_initiative_tally_evaluate(&r, &more, 1, t, &out), URNE_INITIATIVE_TALLY_EXCEEDS);
    urne_initiative_count neg = one("A", -1, 0);
    assert_int_equal(urne_initiative_tally_evaluate(&r, &neg, 1, t, &out), URNE_INITIATIVE_TALLY_NEGATIVE);
    assert_int_equal(urne_initiative_tally_evaluate(&r, NULL, 0, NULL, &out), URNE_INITIATIVE_TALLY_NO_TERRITORIES);
    /* A minimum per seat beyond int64. */
    urne_initiative_rules e = preset("eci");
    urne_initiative_count huge = one("X", 10, 1);
    huge.seats = INT64_MAX / 100;
    assert_int_equal(urne_initiative_tally_evaluate(&e, &huge, 1, t, &out), URNE_INITIATIVE_TALLY_OVERFLOW);
    int64_t v = 0;
    urne_initiative_threshold per = {URNE_INITIATIVE_PER_SEAT, 720, 0, 0};
    assert_int_equal(urne_initiative_threshold_resolve(&per, 0, INT64_MAX / 720 + 1, -1, &v),
                     URNE_INITIATIVE_RESOLVE_OVERFLOW);
    assert_int_equal(urne_initiative_threshold_resolve(&per, 0, INT64_MAX / 720, -1, &v), URNE_INITIATIVE_RESOLVED);
    assert_int_equal(v, INT64_MAX / 720 * 720);
}

static void test_percentages(void **state) {
    (void)state;
    urne_initiative_rules r = preset("local-petition"); /* a fifth */
    const struct {
        int64_t electorate, signatures, share_bp, progress_bp;
    } cases[] = {
        {8, 1, 1250, 5000},        /* 12.5 %; threshold 2 */
        {3, 1, 3333, 10000},       /* 33.33 %; threshold 1 */
        {3, 2, 6667, 20000},       /* 66.67 %, half up from 66.666... */
        {20000, 1, 1, 3},          /* 0.005 % is half a basis point: up; 1/4000 of the threshold is 2.5 bp: up */
        {80000, 1, 0, 1},          /* 0.00125 %: down; 1/16000 is 0.625 bp: 1 */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        urne_initiative_count c = one("C", cases[i].electorate, cases[i].signatures);
        urne_initiative_territory_result t;
        urne_initiative_tally out;
        assert_int_equal(urne_initiative_tally_evaluate(&r, &c, 1, &t, &out), URNE_INITIATIVE_TALLY_OK);
        if (out.national_share_bp != cases[i].share_bp || out.national_progress_bp != cases[i].progress_bp)
            fail_msg("case %zu: share %lld progress %lld, expected %lld %lld", i, (long long)out.national_share_bp,
                     (long long)out.national_progress_bp, (long long)cases[i].share_bp,
                     (long long)cases[i].progress_bp);
        assert_int_equal(t.share_bp, out.national_share_bp);
    }
}

static int64_t at(const char *iso) {
    int64_t t;
    assert_int_equal(urne_initiative_moment_parse(iso, strlen(iso), &t), 0);
    return t;
}

static void test_calendar_and_window(void **state) {
    (void)state;
    urne_initiative_date epoch = {1970, 1, 1}, leap = {2000, 2, 29}, early = {1, 1, 1};
    assert_int_equal(urne_initiative_date_days(epoch), 0);
    assert_int_equal(urne_initiative_date_days(leap), 11016);
    for (int64_t d = urne_initiative_date_days(early); d < 2900000; d += 997) /* to year 9909 */ {
        urne_initiative_date x = urne_initiative_date_from_days(d);
        assert_true(urne_initiative_date_valid(x));
        assert_int_equal(urne_initiative_date_days(x), d);
    }
    assert_int_equal(at("2019-06-13T00:00:00Z"), 1560384000);
    int64_t t;
    assert_int_equal(urne_initiative_moment_parse("2019-06-13T24:00:00Z", 20, &t), -2);
    assert_int_equal(urne_initiative_moment_parse("2019-02-29", 10, &t), -2);
    assert_int_equal(urne_initiative_moment_parse("13/06/2019", 10, &t), -1);
    /* An age counts whole years; one born on 29 February is a year older on 1 March. */
    urne_initiative_date on1 = {2018, 2, 28}, on2 = {2018, 3, 1};
    assert_int_equal(urne_initiative_date_age(leap, on1), 17);
    assert_int_equal(urne_initiative_date_age(leap, on2), 18);

    /* The RIP's 9 months: from 13 June 2019 to 13 March 2020 (the ADP referendum's window). */
    urne_initiative_rules r = preset("rip");
    assert_int_equal(urne_initiative_rules_close(&r, at("2019-06-13T00:00:00Z"), &t), 0);
    assert_int_equal(t, at("2020-03-13T00:00:00Z"));
    /* A month's end clamps: 31 May + 9 months is 29 February in a leap year, 28 otherwise. */
    assert_int_equal(urne_initiative_rules_close(&r, at("2027-05-31T10:30:00Z"), &t), 0);
    assert_int_equal(t, at("2028-02-29T10:30:00Z"));
    assert_int_equal(urne_initiative_rules_close(&r, at("2026-05-31T10:30:00Z"), &t), 0);
    assert_int_equal(t, at("2027-02-28T10:30:00Z"));
    r.window_months = 0, r.window_days = 30;
    assert_int_equal(urne_initiative_rules_close(&r, at("2026-12-05T00:00:00Z"), &t), 0);
    assert_int_equal(t, at("2027-01-04T00:00:00Z"));
    r.window_days = 0;
    assert_int_equal(urne_initiative_rules_close(&r, at("2026-12-05T00:00:00Z"), &t), -1);
    r.closes_at = at("2027-01-01");
    assert_int_equal(urne_initiative_rules_close(&r, at("2026-12-05T00:00:00Z"), &t), 0);
    assert_int_equal(t, r.closes_at);
}

/* Parse text; expect success, or the first error's line, field and rule. */
static void parse_case(const char *text, long line, const char *field, const char *rule, urne_initiative_rules *r) {
    urne_diags d;
    urne_diags_init(&d, "rules.txt");
    int rc = urne_initiative_rules_parse(text, strlen(text), r, &d);
    if (rule == NULL) {
        if (rc != 0) fail_msg("'%s': refused: %s [%s]", text, d.items[0].message, d.items[0].rule);
    } else {
        if (rc == 0) fail_msg("'%s': accepted, expected %s", text, rule);
        assert_true(d.count >= 1);
        if (d.items[0].line != line || strcmp(d.items[0].field, field) != 0 || strcmp(d.items[0].rule, rule) != 0)
            fail_msg("'%s': got line %ld field %s rule %s, expected %ld %s %s", text, d.items[0].line,
                     d.items[0].field, d.items[0].rule, line, field, rule);
        assert_non_null(d.items[0].phrase.fmt);
    }
    urne_diags_free(&d);
}

static void test_rules_text(void **state) {
    (void)state;
    urne_initiative_rules r;
    parse_case("# the RIP, shorter\npreset = rip\nwindow = 6 months\n", 0, NULL, NULL, &r);
    assert_string_equal(r.preset, "rip");
    assert_int_equal(r.window_months, 6);
    assert_int_equal(r.national.num, 10);
    parse_case("national = 0,5 %\nwindow = 1 year\nterritory = 720 per-seat\nterritories = 7\n"
               "supporters = public\nage-min = 16\nroll = FR\norganisation = Attac\nstop-at-threshold = yes\n",
               0, NULL, NULL, &r);
    assert_int_equal(r.national.basis, URNE_INITIATIVE_SHARE);
    assert_int_equal(r.national.num, 5);
    assert_int_equal(r.national.den, 1000);
    assert_int_equal(r.window_months, 12);
    assert_int_equal(r.territory.basis, URNE_INITIATIVE_PER_SEAT);
    assert_int_equal(r.territories.count, 7);
    assert_int_equal(r.age_min, 16);
    assert_string_equal(r.organisation, "Attac");
    parse_case("national = 1 000 000\nwindow = 12 months\nopens = 2026-01-01\ncloses = 2027-01-01T00:00:00Z\n", 0,
               NULL, NULL, &r);
    assert_int_equal(r.national.count, 1000000);
    assert_int_equal(r.closes_at, at("2027-01-01"));

    parse_case("preset = rip\nnationl = 3\n", 2, "", "unknown-key", &r);
    parse_case("preset = rip\nnational = abc\n", 2, "national", "bad-value", &r);
    parse_case("preset = referendum\n", 1, "preset", "unknown-preset", &r);
    parse_case("window = 3 months\npreset = rip\n", 2, "preset", "preset-not-first", &r);
    parse_case("preset = rip\nwindow = 3 months\nwindow = 4 months\n", 3, "window", "key-repeated", &r);
    parse_case("preset = rip\njust words\n", 2, "", "line-syntax", &r);
    parse_case("preset = rip\nwindow = 9 weeks\n", 2, "window", "bad-value", &r);
    parse_case("preset = rip\nwindow = 9 months 9\n", 2, "window", "bad-value", &r);
    parse_case("preset = rip\nwindow = 1 month 2 days 3 days\n", 2, "window", "bad-value", &r);
    parse_case("preset = rip\nwindow = 1 year 15 days\n", 0, NULL, NULL, &r);
    assert_int_equal(r.window_months, 12);
    assert_int_equal(r.window_days, 15);
    parse_case("preset = rip\nopens = 2026-02-30\n", 2, "opens", "bad-date", &r);
    parse_case("preset = rip\nage-min = 131\n", 2, "age-min", "bad-value", &r);
    parse_case("preset = rip\nsupporters = secret\n", 2, "supporters", "bad-value", &r);
    /* Then the rules as a whole. */
    parse_case("preset = rip\nnational = 150%\n", 0, "national", "share-out-of-range", &r);
    parse_case("preset = rip\nnational = 0\n", 0, "national", "must-be-positive", &r);
    parse_case("national = 1%\n", 0, "window", "window-missing", &r);
    parse_case("preset = rip\nnational = none\n", 0, "national", "no-threshold", &r);
    parse_case("preset = rip\nterritories = 3\n", 0, "territories", "territories-without-minimum", &r);
    parse_case("preset = rip\nterritories = 2 per-seat\n", 2, "territories", "bad-value", &r);
    parse_case("preset = rip\nopens = 2026-06-01\ncloses = 2026-06-01\n", 0, "closes", "closes-before-opens", &r);
}

static void test_threshold_text(void **state) {
    (void)state;
    const struct {
        urne_initiative_threshold t;
        const char *text;
    } cases[] = {
        {{URNE_INITIATIVE_SHARE, 0, 1, 100}, "1%"},       {{URNE_INITIATIVE_SHARE, 0, 10, 100}, "10%"},
        {{URNE_INITIATIVE_SHARE, 0, 5, 1000}, "0.5%"},    {{URNE_INITIATIVE_SHARE, 0, 125, 10000}, "1.25%"},
        {{URNE_INITIATIVE_SHARE, 0, 50, 1000}, "5.0%"},     {{URNE_INITIATIVE_SHARE, 0, 1, 5}, "1/5"},
        {{URNE_INITIATIVE_ABSOLUTE, 1000000, 0, 0}, "1000000"},
        {{URNE_INITIATIVE_PER_SEAT, 720, 0, 0}, "720 per-seat"},
        {{URNE_INITIATIVE_GIVEN, 0, 0, 0}, "given"},      {{URNE_INITIATIVE_NONE, 0, 0, 0}, "none"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char buf[64];
        urne_initiative_threshold_text(&cases[i].t, buf, sizeof buf);
        assert_string_equal(buf, cases[i].text);
        /* and it reads back as the same threshold */
        char text[96];
        snprintf(text, sizeof text, "preset = eci\nterritory = %s\n", buf);
        urne_initiative_rules r;
        urne_diags d;
        urne_diags_init(&d, NULL);
        int rc = urne_initiative_rules_parse(text, strlen(text), &r, &d);
        if (cases[i].t.basis == URNE_INITIATIVE_NONE) {
            assert_int_equal(rc, -1); /* eci counts territories: none is refused, as it should */
        } else {
            assert_int_equal(rc, 0);
            assert_int_equal(r.territory.basis, cases[i].t.basis);
            assert_int_equal(r.territory.count, cases[i].t.count);
            assert_int_equal(r.territory.num, cases[i].t.num); /* the same fraction, not only its value */
            assert_int_equal(r.territory.den, cases[i].t.den);
        }
        urne_diags_free(&d);
    }
}

static int same_threshold(const urne_initiative_threshold *a, const urne_initiative_threshold *b) {
    return a->basis == b->basis && a->count == b->count && a->num == b->num && a->den == b->den;
}

static int same_figures(const urne_initiative_rules *a, const urne_initiative_rules *b) {
    if (a->nfigures != b->nfigures) return 0;
    for (size_t i = 0; i < a->nfigures; i++)
        if (strcmp(a->figures[i].territory, b->figures[i].territory) != 0 || a->figures[i].seats != b->figures[i].seats ||
            a->figures[i].minimum != b->figures[i].minimum)
            return 0;
    return 1;
}

/* Field by field: a struct's padding is not its value. */
static int same_rules(const urne_initiative_rules *a, const urne_initiative_rules *b) {
    return strcmp(a->preset, b->preset) == 0 && same_threshold(&a->national, &b->national) &&
           same_threshold(&a->territory, &b->territory) && same_threshold(&a->territories, &b->territories) &&
           a->opens_at == b->opens_at && a->closes_at == b->closes_at && a->window_months == b->window_months &&
           a->window_days == b->window_days && a->stop_at_threshold == b->stop_at_threshold &&
           a->age_min == b->age_min && strcmp(a->roll_territory, b->roll_territory) == 0 &&
           strcmp(a->organisation, b->organisation) == 0 && a->supporters == b->supporters &&
           a->identity == b->identity && same_figures(a, b);
}

/* Every preset, and adjusted rules, written and read back into the same rules. */
static void test_rules_write(void **state) {
    (void)state;
    for (size_t i = 0; urne_initiative_preset_name(i); i++) {
        urne_initiative_rules r = preset(urne_initiative_preset_name(i)), back;
        if (i == 1) { /* adjusted: every key with a value of its own */
            r.opens_at = at("2026-01-31T09:30:05Z");
            r.closes_at = at("2026-11-01");
            r.window_months = 2, r.window_days = 10;
            strcpy(r.roll_territory, "FR-75");
            strcpy(r.organisation, "Les Amis de la Terre");
            r.territory.basis = URNE_INITIATIVE_GIVEN;
            r.territories.basis = URNE_INITIATIVE_SHARE, r.territories.num = 3, r.territories.den = 7;
        }
        char text[1024];
        size_t n = urne_initiative_rules_write(&r, text, sizeof text);
        assert_int_equal(n, strlen(text));
        assert_int_equal(urne_initiative_rules_write(&r, NULL, 0), n);
        urne_diags d;
        urne_diags_init(&d, NULL);
        if (urne_initiative_rules_parse(text, n, &back, &d) != 0)
            fail_msg("%s: its text is refused: %s\n%s", r.preset, d.items[0].message, text);
        urne_diags_free(&d);
        if (!same_rules(&r, &back)) fail_msg("%s: read back as other rules:\n%s", r.preset, text);
        /* cut short: still terminated, the length still the whole */
        char small[16];
        assert_int_equal(urne_initiative_rules_write(&r, small, sizeof small), n);
        assert_int_equal(strlen(small), sizeof small - 1);
    }
    /* A name the text could not hold is refused by the checks. */
    urne_initiative_rules r = preset("rip");
    strcpy(r.organisation, "Attac #1");
    urne_diags d;
    urne_diags_init(&d, NULL);
    assert_int_equal(urne_initiative_rules_check(&r, &d), -1);
    assert_string_equal(d.items[0].field, "organisation");
    assert_string_equal(d.items[0].rule, "text-character");
    urne_diags_free(&d);
}

/* identity = email: read and written back; shares, minimums and a roll
 * refused with it (no electorate is known); the tally lets signatures pass an
 * electorate of 0 then, and only then. */
static void test_identity_email(void **state) {
    (void)state;
    urne_initiative_rules r;
    parse_case("preset = local-petition\nidentity = email\nnational = 500\n", 0, NULL, NULL, &r);
    assert_int_equal(r.identity, URNE_INITIATIVE_BY_EMAIL);
    char text[1024];
    urne_initiative_rules_write(&r, text, sizeof text);
    assert_non_null(strstr(text, "identity = email\n"));
    urne_initiative_rules back;
    parse_case(text, 0, NULL, NULL, &back);
    assert_true(same_rules(&r, &back));
    parse_case("preset = rip\nidentity = roll\n", 0, NULL, NULL, &r);
    assert_int_equal(r.identity, URNE_INITIATIVE_BY_ROLL);
    urne_initiative_rules_write(&r, text, sizeof text);
    assert_null(strstr(text, "identity")); /* the roll: the texts written before e-mail existed */
    parse_case("preset = rip\nidentity = letter\n", 2, "identity", "bad-value", &r);
    parse_case("preset = local-petition\nidentity = email\n", 0, "identity", "email-counts-only", &r); /* a fifth */
    parse_case("preset = rip\nidentity = email\nnational = 10\nterritory = 5\n", 0, "identity",
               "email-counts-only", &r);
    parse_case("preset = rip\nidentity = email\nnational = 10\nroll = FR-80\n", 0, "identity",
               "email-counts-only", &r);
    /* The tally: 3 confirmed signatures in a commune of 0 known electors. */
    parse_case("preset = local-petition\nidentity = email\nnational = 3\n", 0, NULL, NULL, &r);
    urne_initiative_count c = {"AMIENS", 0, 3, -1, -1};
    urne_initiative_territory_result res;
    urne_initiative_tally t;
    assert_int_equal(urne_initiative_tally_evaluate(&r, &c, 1, &res, &t), URNE_INITIATIVE_TALLY_OK);
    assert_int_equal(t.national_threshold, 3);
    assert_true(t.reached);
    r.identity = URNE_INITIATIVE_BY_ROLL;
    assert_int_equal(urne_initiative_tally_evaluate(&r, &c, 1, &res, &t), URNE_INITIATIVE_TALLY_EXCEEDS);
}

/* The territories' figures in the rules text (rules.h): read, checked, written
 * back, and used by the tally when the counts give none, at the edge. */
static void test_figures(void **state) {
    (void)state;
    urne_initiative_rules r, back;
    parse_case("preset = eci\nnational = 30\nterritories = 2\nseats Malta = 6\nseats  Pays de la Loire  = 10\n"
               "seats Austria=2\n",
               0, NULL, NULL, &r);
    assert_int_equal(r.nfigures, 3);
    assert_string_equal(r.figures[1].territory, "Pays de la Loire");
    assert_int_equal(r.figures[1].seats, 10);
    assert_int_equal(r.figures[1].minimum, -1);
    assert_int_equal(r.figures[2].seats, 2);
    assert_non_null(urne_initiative_rules_figure(&r, "Malta"));
    assert_null(urne_initiative_rules_figure(&r, "malta"));
    assert_true(urne_initiative_rules_need_figures(&r));
    char text[2048];
    size_t n = urne_initiative_rules_write(&r, text, sizeof text);
    assert_non_null(strstr(text, "seats Pays de la Loire = 10\n"));
    parse_case(text, 0, NULL, NULL, &back);
    assert_int_equal(n, strlen(text));
    assert_true(same_rules(&r, &back));

    /* Tally by the rules' seats, with 4 per seat: Malta 24, Austria 8, Pays de la Loire 40. */
    r.territory.count = 4;
    urne_initiative_count c[3] = {one("Malta", 100, 24), one("Austria", 100, 8), one("Pays de la Loire", 100, 0)};
    urne_initiative_territory_result t[3];
    urne_initiative_tally out;
    assert_int_equal(urne_initiative_tally_evaluate(&r, c, 3, t, &out), URNE_INITIATIVE_TALLY_OK);
    assert_int_equal(t[0].minimum, 24);
    assert_int_equal(t[1].minimum, 8);
    assert_int_equal(t[2].minimum, 40);
    assert_int_equal(out.territories_reaching, 2);
    assert_true(out.reached); /* 32 of 30 nationally, 2 states of 2 */
    c[1].signatures = 7; /* Austria one short */
    assert_int_equal(urne_initiative_tally_evaluate(&r, c, 3, t, &out), URNE_INITIATIVE_TALLY_OK);
    assert_false(t[1].reached);
    assert_false(out.territories_met);
    assert_false(out.reached);
    /* The counts' own seats agree, or the tally refuses. */
    c[1].seats = 2;
    assert_int_equal(urne_initiative_tally_evaluate(&r, c, 3, t, &out), URNE_INITIATIVE_TALLY_OK);
    c[1].seats = 3;
    assert_int_equal(urne_initiative_tally_evaluate(&r, c, 3, t, &out), URNE_INITIATIVE_TALLY_FIGURES_DIFFER);
    assert_int_equal(out.fault_index, 1);
    assert_non_null(out.why.fmt);
    /* A territory neither gives: no seats. */
    c[1].seats = -1;
    c[2].name = "Bretagne";
    assert_int_equal(urne_initiative_tally_evaluate(&r, c, 3, t, &out), URNE_INITIATIVE_TALLY_NO_SEATS);
    assert_int_equal(out.fault_index, 2);

    /* Given minimums. */
    parse_case("preset = eci\nterritory = given\nterritories = 1\nminimum Corse = 3 000\n", 0, NULL, NULL, &r);
    assert_int_equal(r.figures[0].minimum, 3000);
    urne_initiative_count corse = one("Corse", 10000, 3000);
    r.national.count = 3000;
    assert_int_equal(urne_initiative_tally_evaluate(&r, &corse, 1, t, &out), URNE_INITIATIVE_TALLY_OK);
    assert_true(out.reached);
    corse.signatures--;
    assert_int_equal(urne_initiative_tally_evaluate(&r, &corse, 1, t, &out), URNE_INITIATIVE_TALLY_OK);
    assert_false(out.reached);
    corse.minimum = 2000;
    assert_int_equal(urne_initiative_tally_evaluate(&r, &corse, 1, t, &out), URNE_INITIATIVE_TALLY_FIGURES_DIFFER);

    /* Their errors, by line, field and rule. */
    parse_case("preset = eci\nseats Malta = 6\nseats Malta = 7\n", 3, "seats Malta", "key-repeated", &r);
    parse_case("preset = eci\nseats = 6\n", 2, "seats", "territory-name", &r);
    parse_case("preset = eci\nseats Malta = six\n", 2, "seats Malta", "bad-value", &r);
    parse_case("preset = eci\nseats Malta = 0\n", 0, "seats Malta", "must-be-positive", &r);
    parse_case("preset = eci\nminimum Malta = 4320\n", 0, "minimum Malta", "figure-unused", &r);
    parse_case("preset = rip\nseats Malta = 6\n", 0, "seats Malta", "figure-unused", &r);
    parse_case("seats Malta = 6\npreset = eci\n", 2, "preset", "preset-not-first", &r);
    parse_case("preset = eci\nseatsMalta = 6\n", 2, "", "unknown-key", &r);
    char many[8192];
    size_t k = (size_t)snprintf(many, sizeof many, "preset = eci\n");
    for (int i = 0; i <= URNE_INITIATIVE_FIGURES_MAX; i++)
        k += (size_t)snprintf(many + k, sizeof many - k, "seats T%d = 1\n", i);
    parse_case(many, URNE_INITIATIVE_FIGURES_MAX + 2, "seats T128", "too-many-figures", &r);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_identity_email),
        cmocka_unit_test(test_presets_national), cmocka_unit_test(test_eci),
        cmocka_unit_test(test_territories),      cmocka_unit_test(test_tally_refusals),
        cmocka_unit_test(test_percentages),      cmocka_unit_test(test_calendar_and_window),
        cmocka_unit_test(test_rules_text),       cmocka_unit_test(test_threshold_text),
        cmocka_unit_test(test_rules_write),      cmocka_unit_test(test_figures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
