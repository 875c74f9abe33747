/* handoff-history.h: the transfer history, filtered on the server, as a
 * list model of HandoffTransferRecord (newest first)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "handoff-server-client.h"
#include "handoff-transfer-record.h"

G_BEGIN_DECLS

#define HANDOFF_TYPE_HISTORY (handoff_history_get_type ())
G_DECLARE_FINAL_TYPE (HandoffHistory, handoff_history, HANDOFF, HISTORY, GObject)

HandoffHistory *handoff_history_new            (HandoffServerClient *client);
/* The filters apply at the next refresh. NULL: any outcome / any agent
 * (as initiator or target) / no bound. */
void            handoff_history_set_outcome    (HandoffHistory      *self,
                                                const char          *outcome);
void            handoff_history_set_agent_id   (HandoffHistory      *self,
                                                const char          *agent_id);
void            handoff_history_set_range      (HandoffHistory      *self,
                                                GDateTime           *since,
                                                GDateTime           *until);
/* How many transfers match on the server (the model holds the newest 200). */
guint           handoff_history_get_total      (HandoffHistory      *self);
/* Asks the server; on success the model holds the answer. An answer that
 * a later refresh overtook is dropped. */
void            handoff_history_refresh_async  (HandoffHistory      *self,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
gboolean        handoff_history_refresh_finish (HandoffHistory      *self,
                                                GAsyncResult        *result,
                                                GError             **error);

G_END_DECLS
