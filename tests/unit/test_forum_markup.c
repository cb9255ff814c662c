/*
 * The forum's renderer (forum/markup.h): a table of inputs and the exact HTML
 * expected (every shortcut, nesting, markers left open or closed out of turn, the
 * SPIP examples, links refused, bytes replaced), then properties on generated
 * inputs: whatever the text, the fragment is well nested and holds only what the
 * renderer may write (tests/forum/html_check.h, the fuzzer's check too).
 */
#include "helpers.h"

#include <stdint.h>

#include "../../src/forum/markup.h"
#include "../forum/html_check.h"

static const struct {
    const char *in, *out;
} table[] = {
    {"", ""},
    {"   \n\n \t\n", ""},
    {"Bonjour", "<p>Bonjour</p>"},
    {"un\n\ndeux", "<p>un</p><p>deux</p>"},
    {"un\n \t\n\n\ndeux", "<p>un</p><p>deux</p>"},
    {"une ligne\npuis une autre", "<p>une ligne\npuis une autre</p>"},
    {"{{gras}}", "<p><strong>gras</strong></p>"},
    {"{italique}", "<p><em>italique</em></p>"},
    {"{{{les deux}}}", "<p><strong><em>les deux</em></strong></p>"},
    {"{{gras {et italique}}}", "<p><strong>gras <em>et italique</em></strong></p>"},
    {"{italique {{et gras}}}", "<p><em>italique <strong>et gras</strong></em></p>"},
    /* markers with no partner are text */
    {"{{ouvert", "<p>{{ouvert</p>"},
    {"fermé}}", "<p>fermé}}</p>"},
    {"{ouvert", "<p>{ouvert</p>"},
    {"{{a {b}} c}", "<p>{{a <em>b</em>} c}</p>"},
    {"{{gras\n\nsuite}}", "<p>{{gras</p><p>suite}}</p>"},
    /* the HTML kept */
    {"<q>cité</q> <del>barré</del> <ins>ajouté</ins>", "<p><q>cité</q> <del>barré</del> <ins>ajouté</ins></p>"},
    {"<Q>cité</Q>", "<p><q>cité</q></p>"},
    {"<del>a <q>b</del> c</q>", "<p>&lt;del&gt;a <q>b&lt;/del&gt; c</q></p>"},
    {"<q class=x>non</q>", "<p>&lt;q class=x&gt;non&lt;/q&gt;</p>"},
    {"</q>seul", "<p>&lt;/q&gt;seul</p>"},
    /* everything else is text */
    {"<script>alert(1)</script>", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"},
    {"<b onclick=\"x()\">b</b>", "<p>&lt;b onclick=&quot;x()&quot;&gt;b&lt;/b&gt;</p>"},
    {"a & b 'c'", "<p>a &amp; b &#39;c&#39;</p>"},
    {"&lt;déjà&gt;", "<p>&amp;lt;déjà&amp;gt;</p>"},
    /* links */
    {"[le site->https://example.org]",
     "<p><a href=\"https://example.org\" rel=\"nofollow ugc noopener\">le site</a></p>"},
    {"[{{gras}}->http://a.fr/?x=1&y=2]",
     "<p><a href=\"http://a.fr/?x=1&amp;y=2\" rel=\"nofollow ugc noopener\"><strong>gras</strong></a></p>"},
    {"[->mailto:x@y.fr]", "<p><a href=\"mailto:x@y.fr\" rel=\"nofollow ugc noopener\">mailto:x@y.fr</a></p>"},
    {"[ écrire -> mailto:x@y.fr ]",
     "<p><a href=\"mailto:x@y.fr\" rel=\"nofollow ugc noopener\">écrire</a></p>"},
    {"[x->javascript:alert(1)]", "<p>[x-&gt;javascript:alert(1)]</p>"},
    {"[x->JavaScript:alert(1)]", "<p>[x-&gt;JavaScript:alert(1)]</p>"},
    {"[x->data:text/html,<b>]", "<p>[x-&gt;data:text/html,&lt;b&gt;]</p>"},
    {"[x->http://a.fr/\"onmouseover=\"x]", "<p>[x-&gt;http://a.fr/&quot;onmouseover=&quot;x]</p>"},
    {"[x->https://a b]", "<p>[x-&gt;https://a b]</p>"},
    {"[x->https://]", "<p>[x-&gt;https://]</p>"},
    {"[a [b->https://c.fr] d]", "<p>[a <a href=\"https://c.fr\" rel=\"nofollow ugc noopener\">b</a> d]</p>"},
    {"[[x->https://c.fr]->https://d.fr]",
     "<p>[<a href=\"https://c.fr\" rel=\"nofollow ugc noopener\">x</a>-&gt;https://d.fr]</p>"},
    {"[lien\n\nsuite->https://a.fr]", "<p>[lien</p><p>suite-&gt;https://a.fr]</p>"},
    {"{{a [b->https://c.fr] d}}",
     "<p><strong>a <a href=\"https://c.fr\" rel=\"nofollow ugc noopener\">b</a> d</strong></p>"},
    {"[{{b->https://c.fr]}}", "<p><a href=\"https://c.fr\" rel=\"nofollow ugc noopener\">{{b</a>}}</p>"},
    /* code: content as typed, blank lines included */
    {"<code>{{pas}} <b> [x->https://a.fr]</code>",
     "<p><code>{{pas}} &lt;b&gt; [x-&gt;https://a.fr]</code></p>"},
    {"<code>un\n\ndeux</code>", "<p><code>un\n\ndeux</code></p>"},
    {"<code>ouvert", "<p>&lt;code&gt;ouvert</p>"},
    {"{{a <code>}}</code> b}}", "<p><strong>a <code>}}</code> b</strong></p>"},
    /* quotes: blocks around paragraphs */
    {"<quote>cité</quote>", "<blockquote><p>cité</p></blockquote>"},
    {"avant<quote>un\n\ndeux</quote>après", "<p>avant</p><blockquote><p>un</p><p>deux</p></blockquote><p>après</p>"},
    {"<quote>a<quote>b</quote>c</quote>",
     "<blockquote><p>a</p><blockquote><p>b</p></blockquote><p>c</p></blockquote>"},
    {"<quote>ouvert", "<p>&lt;quote&gt;ouvert</p>"},
    {"fermé</quote>", "<p>fermé&lt;/quote&gt;</p>"},
    {"{{a<quote>b}}</quote>", "<p>{{a</p><blockquote><p>b}}</p></blockquote>"},
    {"<code><quote></code>x</quote>", "<p><code>&lt;quote&gt;</code>x&lt;/quote&gt;</p>"},
    /* the SPIP forum's own words */
    {"Ce forum est modéré a priori : votre contribution n'apparaîtra qu'après avoir été validée par un "
     "administrateur du site.",
     "<p>Ce forum est modéré a priori : votre contribution n&#39;apparaîtra qu&#39;après avoir été validée par "
     "un administrateur du site.</p>"},
    /* bytes that are not text */
    {"a\xff" "b", "<p>a\xef\xbf\xbd" "b</p>"},
    {"a\x01" "b\x7f", "<p>a\xef\xbf\xbd" "b\xef\xbf\xbd</p>"},
    {"\xed\xa0\x80", "<p>\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd</p>"},
    {"un\r\n\r\ndeux", "<p>un</p><p>deux</p>"},
};

static void test_table(void **state) {
    (void)state;
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        size_t n;
        char *html = urne_forum_render(table[i].in, strlen(table[i].in), &n, NULL);
        assert_non_null(html);
        if (strcmp(html, table[i].out) != 0)
            fail_msg("row %zu: %s\n  gave %s\n  wanted %s", i, table[i].in, html, table[i].out);
        assert_int_equal(n, strlen(html));
        const char *bad = urne_html_check(html, n);
        if (bad) fail_msg("row %zu: %s: %s", i, table[i].in, bad);
        free(html);
    }
}

static void test_info_and_nul(void **state) {
    (void)state;
    urne_forum_render_info info;
    static const char text[] = "[a->https://a.fr] [b->ftp://b.fr] [c->mailto:c@d.fr]\0x\x80";
    size_t n;
    char *html = urne_forum_render(text, sizeof text - 1, &n, &info);
    assert_non_null(html);
    assert_int_equal(info.links, 2);
    assert_int_equal(info.refused_links, 1);
    assert_int_equal(info.replaced, 2); /* the NUL and the stray continuation byte */
    assert_null(strstr(html, "ftp://b.fr\""));
    assert_null(urne_html_check(html, n));
    free(html);
    html = urne_forum_render(NULL, 0, &n, &info);
    assert_non_null(html);
    assert_string_equal(html, "");
    assert_int_equal(n, 0);
    free(html);
}

/* A small generator: texts made of the grammar's pieces and their broken forms. */
static uint64_t next(uint64_t *s) {
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static void test_generated_well_nested(void **state) {
    (void)state;
    static const char *const pieces[] = {
        "{{", "}}", "{", "}", "[", "]", "->", "https://a.fr", "javascript:x", "<quote>", "</quote>", "<code>",
        "</code>", "<q>", "</q>", "<del>", "</del>", "<ins>", "</ins>", "\n\n", "\n", " ", "mot", "é", "<",
        ">", "&", "\"", "'", "<script>", "onerror=", "\xff", "\r",
    };
    uint64_t seed = 0x9e3779b97f4a7c15u;
    char text[600];
    for (int round = 0; round < 20000; round++) {
        size_t len = 0, pieces_n = next(&seed) % 40;
        for (size_t k = 0; k < pieces_n; k++) {
            const char *p = pieces[next(&seed) % (sizeof pieces / sizeof pieces[0])];
            size_t m = strlen(p);
            if (len + m >= sizeof text) break;
            memcpy(text + len, p, m);
            len += m;
        }
        size_t n;
        char *html = urne_forum_render(text, len, &n, NULL);
        assert_non_null(html);
        const char *bad = urne_html_check(html, n);
        if (bad) fail_msg("%.*s\n  gave %s\n  %s", (int)len, text, html, bad);
        assert_null(strstr(html, "<script"));
        free(html);
    }
}

/* Deep nesting and long runs of markers: still linear, still well nested. */
static void test_pathological(void **state) {
    (void)state;
    size_t big = 200000;
    char *text = malloc(big);
    assert_non_null(text);
    const char *const fills[] = {"[", "{", "{{", "[x->", "<quote>", "<code>", "<q>"};
    for (size_t f = 0; f < sizeof fills / sizeof fills[0]; f++) {
        size_t m = strlen(fills[f]), len = 0;
        while (len + m <= big) {
            memcpy(text + len, fills[f], m);
            len += m;
        }
        size_t n;
        char *html = urne_forum_render(text, len, &n, NULL);
        assert_non_null(html);
        assert_true(n >= len); /* nothing dropped: every marker shown as text */
        free(html);
    }
    free(text);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_info_and_nul),
        cmocka_unit_test(test_generated_well_nested),
        cmocka_unit_test(test_pathological),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
