/* handoff-summary-draft.h: what the app writes when no AI is at hand
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "handoff-call-session.h"

G_BEGIN_DECLS

/* Numbers, IDs and e-mail addresses said in the call, in order, no repeats. */
GPtrArray *handoff_find_entities       (const char         *text);
/* A plain summary from the call's facts and transcript (the offline summary). */
char      *handoff_draft_summary       (HandoffCallSession *call);

G_END_DECLS
