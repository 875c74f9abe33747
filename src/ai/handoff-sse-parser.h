/* handoff-sse-parser.h: incremental text/event-stream parser
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _HandoffSseParser HandoffSseParser;

/* Called once per dispatched event with its data (the "data:" lines joined by "\n").
 * Return FALSE to stop parsing the rest of the chunk. */
typedef gboolean (*HandoffSseEventFunc) (const char *event,
                                         const char *data,
                                         gpointer    user_data);

HandoffSseParser *handoff_sse_parser_new    (HandoffSseEventFunc func,
                                             gpointer            user_data);
void              handoff_sse_parser_free   (HandoffSseParser   *self);
gboolean          handoff_sse_parser_feed   (HandoffSseParser   *self,
                                             const char         *data,
                                             gsize               len,
                                             GError            **error);
void              handoff_sse_parser_finish (HandoffSseParser   *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HandoffSseParser, handoff_sse_parser_free)

G_END_DECLS
