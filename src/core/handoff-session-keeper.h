/* handoff-session-keeper.h: keeps an agent's server session alive
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "handoff-server-client.h"

G_BEGIN_DECLS

#define HANDOFF_TYPE_SESSION_KEEPER (handoff_session_keeper_get_type ())
G_DECLARE_FINAL_TYPE (HandoffSessionKeeper, handoff_session_keeper, HANDOFF, SESSION_KEEPER, GObject)

/* Swaps the client's session token for a new one (POST /sessions/refresh)
 * before it expires, and sets the new one on the client. Signals:
 *   refreshed (const char *token)   store it where the old one was kept
 *   expired   (const char *message) the session is gone; sign in again */
HandoffSessionKeeper *handoff_session_keeper_new         (HandoffServerClient  *client);
/* expires_at: the server's ISO 8601 time; NULL or unreadable: refresh now,
 * which also tells when the session ends (a token from the keyring). */
void                  handoff_session_keeper_start       (HandoffSessionKeeper *self,
                                                          const char           *expires_at);
void                  handoff_session_keeper_stop        (HandoffSessionKeeper *self);
/* Real time (µs) the current session ends, 0 when unknown. */
gint64                handoff_session_keeper_get_expires (HandoffSessionKeeper *self);

G_END_DECLS
