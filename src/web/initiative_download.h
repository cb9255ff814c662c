/*
 * initiative_download: an initiative's CSV downloads (initiative_download.c),
 * apart from its pages: the counts per territory (routes.h), and the letters of
 * one-time codes answered once to the organisers.
 */
#ifndef URNE_WEB_INITIATIVE_DOWNLOAD_H
#define URNE_WEB_INITIATIVE_DOWNLOAD_H

#include "../app/initiative.h"
#include "routes.h"

/* An urne_initiative_letter_fn appending one letter to the urne_buf `ctx` as a
 * CSV line (letter,territory,code; the header first when the buffer is empty):
 * 0, or -1 when memory lacks. */
int urne_initiative_letter_csv(const char *letter, const char *territory, const char *code, void *ctx);

/* Answer r with the letters in b as a CSV attachment (200; 500 when b ran out of
 * memory), then wipe b's bytes (the codes' only copy leaves with the answer) and
 * free it. */
enum MHD_Result urne_initiative_letters_send(urne_req *r, int64_t id, urne_buf *b);

#endif
