/*
 * api: the JSON API's handlers (docs/API.md), one per route. The route tables
 * (core_routes.c, results_routes.c) say which roles reach each; a handler checks
 * only what depends on the object (it exists, the scope, the state), through the
 * actions. Errors are {"error": "...", "status": N} with the HTTP status.
 *
 * Every handler has the urne_handler shape: the request and the numbers the
 * route's pattern matched (the election, then a bureau or a dispute).
 */
#ifndef URNE_API_H
#define URNE_API_H

#include "web.h"

/* The shell: sessions, the audit log, accounts. */
enum MHD_Result urne_api_me(urne_req *r, int64_t a, int64_t b);
enum MHD_Result urne_api_audit_head(urne_req *r, int64_t a, int64_t b);
enum MHD_Result urne_api_audit(urne_req *r, int64_t a, int64_t b);
enum MHD_Result urne_api_users(urne_req *r, int64_t a, int64_t b);
enum MHD_Result urne_api_login(urne_req *r, int64_t a, int64_t b);
enum MHD_Result urne_api_logout(urne_req *r, int64_t a, int64_t b);
enum MHD_Result urne_api_user_create(urne_req *r, int64_t a, int64_t b);

/* Results: elections, sheets, récolement, publication. */
enum MHD_Result urne_api_elections(urne_req *r, int64_t a, int64_t b);
enum MHD_Result urne_api_election(urne_req *r, int64_t election, int64_t b);
enum MHD_Result urne_api_bureau(urne_req *r, int64_t election, int64_t bureau);
enum MHD_Result urne_api_results(urne_req *r, int64_t election, int64_t b);
enum MHD_Result urne_api_results_csv(urne_req *r, int64_t election, int64_t b);
enum MHD_Result urne_api_anomalies(urne_req *r, int64_t election, int64_t b);
enum MHD_Result urne_api_disputes(urne_req *r, int64_t election, int64_t b);
enum MHD_Result urne_api_election_create(urne_req *r, int64_t a, int64_t b);
enum MHD_Result urne_api_assign(urne_req *r, int64_t a, int64_t b);
enum MHD_Result urne_api_sheet(urne_req *r, int64_t election, int64_t bureau);
enum MHD_Result urne_api_contest(urne_req *r, int64_t election, int64_t bureau);
enum MHD_Result urne_api_decide(urne_req *r, int64_t election, int64_t dispute);
enum MHD_Result urne_api_escalate(urne_req *r, int64_t election, int64_t dispute);
enum MHD_Result urne_api_publish(urne_req *r, int64_t election, int64_t b);

#endif
