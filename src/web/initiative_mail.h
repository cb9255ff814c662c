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

/* Initiative id's counter page with a message and the e-mail form's typed
 * values shown again (initiative_routes.c). */
enum MHD_Result urne_initiative_mail_page(urne_req *r, int64_t id, unsigned status, const char *message,
                                          const char *name, const char *given, const char *birth,
                                          const char *commune, const char *email);

extern const urne_route_table urne_initiative_mail_routes;

#endif
