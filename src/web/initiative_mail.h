/*
 * initiative_mail (web): the pages, API and mail of e-mail confirmation for
 * lighter petitions (app/initiative_mail.h has the use cases).
 */
#ifndef URNE_WEB_INITIATIVE_MAIL_H
#define URNE_WEB_INITIATIVE_MAIL_H

#include "../app/initiative.h"
#include "../core/urne_buf.h"
#include "routes.h"

/* The signing form of initiative h confirmed by e-mail, with what was typed
 * (NULL: nothing): name, given names, commune, the birth date when the rules
 * ask an age, the e-mail address. */
void urne_initiative_mail_form(urne_buf *b, const urne_req *r, const urne_initiative_held *h, const char *name,
                               const char *given, const char *birth, const char *commune, const char *email);

/* The page of initiative id, as every initiative's page opens: under the read
 * lock, the held initiative found (else the not-found page), the page begun
 * titled `title` (NULL: the initiative's own title), its body written by
 * fn(b, r, h, ctx), then sent with `status`. The counter page
 * (initiative_routes.c) and the mail's pages (initiative_mail.c) are built on
 * it. */
typedef void (*urne_initiative_page_body)(urne_buf *b, urne_req *r, const urne_initiative_held *h, void *ctx);
enum MHD_Result urne_initiative_page(urne_req *r, int64_t id, const char *title, unsigned status,
                                     urne_initiative_page_body fn, void *ctx);

/* Initiative id's counter page with a message and the e-mail form's typed
 * values shown again (initiative_routes.c). */
enum MHD_Result urne_initiative_mail_page(urne_req *r, int64_t id, unsigned status, const char *message,
                                          const char *name, const char *given, const char *birth,
                                          const char *commune, const char *email);

extern const urne_route_table urne_initiative_mail_routes;

#endif
