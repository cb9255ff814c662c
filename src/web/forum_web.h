/*
 * forum_web: what the forum's route table (forum_routes.c: the API, the words)
 * and its pages (forum_pages.c: HTML and the Atom feed) share. Not for other
 * components.
 */
#ifndef URNE_WEB_FORUM_WEB_H
#define URNE_WEB_FORUM_WEB_H

#include <jansson.h>

#include "../app/forum.h"
#include "actions.h"
#include "web.h"

/* The outcome in words (the forum's own reasons, else urne_outcome_word). */
void urne_forum_word(const urne_req *r, const urne_app_outcome *o, urne_result *res);
/* A spam signal's name, a post's state, in the request's language. */
const char *urne_forum_flag_words(const urne_req *r, const char *flag);
const char *urne_forum_state_words(const urne_req *r, const char *state);
/* A decimal id of 0 or more: the value, 0 for NULL or "", -1 for anything else. */
int64_t urne_forum_number(const char *text);
/* Post what the request carries (fields title, message, parent, name, email,
 * website: the honeypot, stamp) in `forum`, from the sender's address. */
urne_app_status urne_forum_post_from(urne_req *r, int64_t forum, urne_post_row *row, char token[URNE_FORUM_TOKEN_HEX],
                                     urne_app_outcome *o);
/* The moderator's act the request names (field act) on post `post`. */
urne_app_status urne_forum_act_from(urne_req *r, int64_t post, urne_app_outcome *o);
/* A post as the API shows it; with its signals and original text for moderators. */
json_t *urne_forum_post_json(const urne_post_row *p, int moderator);

/* The pages (forum_pages.c). */
enum MHD_Result urne_forum_page_index(urne_req *r, int64_t a, int64_t b);
enum MHD_Result urne_forum_page_create(urne_req *r, int64_t a, int64_t b);
enum MHD_Result urne_forum_page_forum(urne_req *r, int64_t id, int64_t b);
enum MHD_Result urne_forum_page_post(urne_req *r, int64_t id, int64_t b);
enum MHD_Result urne_forum_page_write(urne_req *r, int64_t id, int64_t b);
enum MHD_Result urne_forum_page_thread(urne_req *r, int64_t forum, int64_t thread);
enum MHD_Result urne_forum_page_status(urne_req *r, int64_t a, int64_t b);
enum MHD_Result urne_forum_page_queue(urne_req *r, int64_t a, int64_t b);
enum MHD_Result urne_forum_page_act(urne_req *r, int64_t post, int64_t b);
enum MHD_Result urne_forum_atom(urne_req *r, int64_t id, int64_t b);

#endif
