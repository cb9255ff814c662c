/*
 * notice (app): the example component's use cases: an administrator publishes a
 * notice; anyone lists them.
 *
 * The whole of a use case is here, as app.h asks of every component: who may
 * (the URNE_ACT_PUBLISH_NOTICE policy, asked through urne_app_may), whether the
 * input is acceptable (the engine, notice/notice.h, whose rule codes come back
 * as outcome.why), the change and its audit entry in one transaction, and the
 * change hook (the web adapter's page cache). Adapters word the outcome.
 */
#ifndef URNE_APP_NOTICE_H
#define URNE_APP_NOTICE_H

#include "../notice/notice.h"
#include "app.h"

/* An administrator publishes a notice: `title` and `body` (NUL-terminated, NULL
 * counting as empty; newlines as "\n", see urne_notice_newlines). In order:
 *   LOGIN_NEEDED, FORBIDDEN   urne_app_may's refusals;
 *   BAD_INPUT                 outcome.field "title" or "body", outcome.why the
 *                             engine's rule (URNE_NOTICE_TITLE_LENGTH...); for a
 *                             -length rule outcome.number is the most allowed and
 *                             outcome.detail the length given, for the others
 *                             outcome.number is the offset of the byte at fault;
 *   STORE, NO_MEMORY          nothing written.
 * OK with outcome.id the notice's id and outcome.at its time. The audit entry is
 * "notice.publish" on "notice/<id>", recording the row (id, title, body,
 * published_at, published_by). */
urne_app_status urne_app_notice_publish(urne_app *app, const urne_user *actor, const char *title, const char *body,
                                        urne_app_outcome *out);

/* Every notice, newest first (store_notices.h: urne_store_notice_each), under
 * the application's lock (recursive: a page may call it inside its read hold).
 * Anyone may read them: no actor is asked for. */
int urne_app_notices_each(urne_app *app, int (*fn)(const urne_notice *n, void *ctx), void *ctx);

#endif
