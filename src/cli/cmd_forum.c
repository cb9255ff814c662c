/*
 * cmd_forum: `urne forum render [--info]`, the forum's renderer alone (forum/markup.h):
 * a message's text on standard input, its HTML fragment on standard output, so
 * that anyone can try the grammar, or feed it a corpus, without a server. With
 * --info, what the rendering found (links, refused links, bytes replaced) goes to
 * standard error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../forum/markup.h"
#include "cli.h"

/* All of standard input, malloc'ed, its length in *n; NULL when it could not be
 * read (errno's message said) or memory ran out. */
static char *read_all(FILE *in, size_t *n) {
    size_t cap = 1 << 16;
    char *buf = malloc(cap);
    *n = 0;
    while (buf) {
        *n += fread(buf + *n, 1, cap - *n, in);
        if (*n < cap) break;
        char *more = cap < ((size_t)1 << 40) ? realloc(buf, 2 * cap) : NULL;
        if (more == NULL) {
            free(buf);
            return NULL;
        }
        buf = more;
        cap *= 2;
    }
    if (buf && ferror(in)) {
        free(buf);
        return NULL;
    }
    return buf;
}

static int render(int info) {
    size_t n;
    char *text = read_all(stdin, &n);
    if (text == NULL) {
        fprintf(stderr, _("urne forum render: standard input could not be read (or memory ran out)\n"));
        return URNE_EXIT_REJECTED;
    }
    size_t len;
    urne_forum_render_info found;
    char *html = urne_forum_render(text, n, &len, &found);
    free(text);
    if (html == NULL) {
        fprintf(stderr, _("urne forum render: out of memory\n"));
        return URNE_EXIT_REJECTED;
    }
    fwrite(html, 1, len, stdout);
    fputc('\n', stdout);
    free(html);
    if (info)
        fprintf(stderr, _("urne forum render: %zu link(s), %zu refused link(s), %zu byte(s) replaced\n"), found.links,
                found.refused_links, found.replaced);
    return fflush(stdout) == 0 ? URNE_EXIT_OK : URNE_EXIT_REJECTED;
}

int urne_cli_forum(int argc, char **argv) {
    const char *what = argc > 1 ? argv[1] : "";
    if (strcmp(what, "--help") == 0 || strcmp(what, "-h") == 0 || argc < 2) {
        printf(_("Usage: urne forum render [--info] < MESSAGE\n\n"
                 "Render a forum message's text to its HTML fragment: {{bold}}, {italic},\n"
                 "[text->https://...], <quote>, <code>, <q>, <del>, <ins>, paragraphs at blank\n"
                 "lines; everything else is shown as text. --info says on standard error how\n"
                 "many links were rendered or refused and how many bytes were replaced.\n"));
        return argc < 2 ? URNE_EXIT_USAGE : URNE_EXIT_OK;
    }
    int info = argc == 3 && strcmp(argv[2], "--info") == 0;
    if (strcmp(what, "render") != 0 || (argc > 2 && !info)) {
        fprintf(stderr, _("urne forum: unknown command or option '%s' (see urne forum --help)\n"),
                strcmp(what, "render") != 0 ? what : argv[2]);
        return URNE_EXIT_USAGE;
    }
    return render(info);
}
