/*
 * fuzz_forum: the forum's renderer (forum/markup.h) on any bytes. Every fragment
 * it writes must hold only what the renderer may write, well nested, every link's
 * address http, https or mailto (tests/forum/html_check.h: no <script, no on*=
 * attribute, no javascript: address can pass it), and be at least as long as the
 * text's printable bytes once cleaned (nothing dropped).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/forum/markup.h"
#include "../tests/forum/html_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    size_t n;
    urne_forum_render_info info;
    char *html = urne_forum_render((const char *)data, size, &n, &info);
    if (html == NULL) abort(); /* out of memory on a few kilobytes: a bug */
    if (strlen(html) != n) abort();
    const char *bad = urne_html_check(html, n);
    if (bad) {
        fprintf(stderr, "fuzz_forum: %s\n%s\n", bad, html);
        abort();
    }
    free(html);
    return 0;
}
