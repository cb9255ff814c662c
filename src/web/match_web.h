/*
 * match_web: what the matching's routes (match_routes.c: the table, the API,
 * the words) and its pages (match_pages.c) share. Not for other components.
 */
#ifndef URNE_WEB_MATCH_WEB_H
#define URNE_WEB_MATCH_WEB_H

#include <jansson.h>

#include "../app/match.h"
#include "actions.h"
#include "web.h"

/* A campaign's state in the request's language. */
const char *urne_match_state_words(const urne_req *r, const char *state);
/* A count typed in a field (places): `absent` when the field is missing or empty,
 * its value when the whole field is a whole number from 0, else -1 (which the use
 * case refuses, naming the field), never a part of it ("1O" is no 1). */
int64_t urne_match_field_count(const char *s, int64_t absent);
/* The outcome of a matching use case in words, into res. */
void urne_match_word(const urne_req *r, const urne_app_outcome *o, urne_result *res);
/* A campaign's row and figures as JSON (NULL: the store failed). Under the read lock. */
json_t *urne_match_figures_json(urne_req *r, int64_t id, const urne_match_campaign_row *c);
/* A pupil's placement as JSON. */
json_t *urne_match_placement_json(const urne_match_placement *v);

/* The pages (match_pages.c). */
enum MHD_Result urne_match_page_list(urne_req *r, int64_t a, int64_t b);
enum MHD_Result urne_match_page_one(urne_req *r, int64_t id, int64_t b);
enum MHD_Result urne_match_form_act(urne_req *r, int64_t id, int64_t b);
enum MHD_Result urne_match_page_pupils(urne_req *r, int64_t id, int64_t b);
enum MHD_Result urne_match_form_wishes(urne_req *r, int64_t id, int64_t b);
enum MHD_Result urne_match_page_host(urne_req *r, int64_t id, int64_t b);
enum MHD_Result urne_match_form_host(urne_req *r, int64_t id, int64_t b);
enum MHD_Result urne_match_page_placement(urne_req *r, int64_t id, int64_t b);
enum MHD_Result urne_match_form_placement(urne_req *r, int64_t id, int64_t b);

/* A host ranking its applicants (match_ranks.c): the host page's section, and
 * the form's answer into res (the page then shown with it). */
void urne_match_ranks_html(urne_buf *b, urne_req *r, const urne_match_campaign_row *c, const char *host, const char *code);
void urne_match_ranks_post(urne_req *r, int64_t id, const char *code, urne_result *res);

/* The downloads (match_csv.c). */
enum MHD_Result urne_match_csv_assignment(urne_req *r, int64_t id, int64_t b);
enum MHD_Result urne_match_csv_hosts(urne_req *r, int64_t id, int64_t b);
enum MHD_Result urne_match_csv_explanations(urne_req *r, int64_t id, int64_t b);
enum MHD_Result urne_match_csv_host(urne_req *r, int64_t id, int64_t b);
enum MHD_Result urne_match_json_report(urne_req *r, int64_t id, int64_t b);

#endif
