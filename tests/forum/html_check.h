/*
 * html_check: does a fragment the forum's renderer wrote (forum/markup.h) hold only
 * what the renderer may write, well nested? Shared by the unit test and the fuzzer
 * (fuzz/fuzz_forum.c), so that both hold the renderer to one definition.
 *
 * Allowed: <p> and <blockquote> at block level (a <blockquote> holds blocks);
 * <strong>, <em>, <q>, <del>, <ins>, <code> and <a href="..." rel="nofollow ugc
 * noopener"> inside a paragraph, an <a> never inside another; every element closed,
 * in order. Text never holds a raw '>', '"' or '\''; an address starts with
 * http://, https:// or mailto:. Returns NULL when the fragment is sound, else what
 * is wrong (a static sentence).
 */
#ifndef URNE_TESTS_HTML_CHECK_H
#define URNE_TESTS_HTML_CHECK_H

#include <stddef.h>
#include <string.h>
#include <strings.h>

static const char *urne_html_check(const char *h, size_t n) {
    static const char *const inline_tags[] = {"strong", "em", "q", "del", "ins", "code", "a"};
    enum { DEPTH = 16384 }; /* beyond any nesting the fuzzer's 8 KB inputs can make */
    static char stack[DEPTH][12];
    size_t depth = 0, in_p = 0, in_a = 0;
    for (size_t i = 0; i < n; i++) {
        char c = h[i];
        if (c == '>' || c == '"' || c == '\'') return "a raw '>' or quote in text";
        if (c != '<') continue;
        const char *end = memchr(h + i, '>', n - i);
        if (end == NULL) return "a tag left open";
        size_t len = (size_t)(end - (h + i)) + 1;
        const char *tag = h + i;
        int closing = tag[1] == '/';
        char name[12];
        size_t k = 0, p = closing ? 2 : 1;
        while (p < len && tag[p] != '>' && tag[p] != ' ' && k < sizeof name - 1) name[k++] = tag[p++];
        name[k] = 0;
        int is_inline = 0;
        for (size_t m = 0; m < sizeof inline_tags / sizeof inline_tags[0]; m++) is_inline |= strcmp(name, inline_tags[m]) == 0;
        int is_block = strcmp(name, "p") == 0 || strcmp(name, "blockquote") == 0;
        if (!is_inline && !is_block) return "a tag the renderer never writes";
        if (closing) {
            if (len != k + 3) return "a closing tag with more in it";
            if (depth == 0 || strcmp(stack[depth - 1], name) != 0) return "a misnested closing tag";
            depth--;
            if (strcmp(name, "p") == 0) in_p = 0;
            if (strcmp(name, "a") == 0) in_a = 0;
        } else {
            if (strcmp(name, "a") == 0) {
                static const char rel[] = "\" rel=\"nofollow ugc noopener\">";
                const char *href = tag + 2;
                if (strncmp(href, " href=\"", 7) != 0) return "a link without its href first";
                const char *v = href + 7;
                if (strncasecmp(v, "http://", 7) != 0 && strncasecmp(v, "https://", 8) != 0 &&
                    strncasecmp(v, "mailto:", 7) != 0)
                    return "a link to another scheme";
                const char *q = memchr(v, '"', (size_t)(end - v));
                if (q == NULL || (size_t)(h + n - q) < sizeof rel - 1 || strncmp(q, rel, sizeof rel - 1) != 0 ||
                    q + sizeof rel - 2 != end)
                    return "a link whose attributes are not href then rel=\"nofollow ugc noopener\"";
                for (const char *x = v; x < q; x++)
                    if (*x == '<' || *x == '>' || *x == ' ' || *x == '\'') return "a raw character in an address";
                if (in_a) return "a link inside a link";
                in_a = 1;
            } else if (len != k + 2)
                return "an opening tag with attributes";
            if (is_block && in_p) return "a block inside a paragraph";
            if (is_inline && !in_p) return "an inline element outside a paragraph";
            if (strcmp(name, "p") == 0) in_p = 1;
            if (depth == DEPTH) return "nested too deep for the check";
            memcpy(stack[depth++], name, k + 1);
        }
        i += len - 1;
    }
    return depth ? "an element left open" : NULL;
}

#endif
