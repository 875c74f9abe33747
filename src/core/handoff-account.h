/* handoff-account.h: the signed-in agent, presence, directory and event stream
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "handoff-agent-info.h"
#include "handoff-secret-store.h"
#include "handoff-server-client.h"

G_BEGIN_DECLS

typedef enum {
  HANDOFF_ACCOUNT_SIGNED_OUT,
  HANDOFF_ACCOUNT_SIGNING_IN,
  HANDOFF_ACCOUNT_ONLINE,
  HANDOFF_ACCOUNT_RECONNECTING,
} HandoffAccountState;

#define HANDOFF_TYPE_ACCOUNT_STATE (handoff_account_state_get_type ())
GType handoff_account_state_get_type (void);

#define HANDOFF_TYPE_ACCOUNT (handoff_account_get_type ())
G_DECLARE_FINAL_TYPE (HandoffAccount, handoff_account, HANDOFF, ACCOUNT, GObject)

HandoffAccount      *handoff_account_new                (HandoffServerClient *client,
                                                         HandoffSecretStore  *secrets);
HandoffServerClient *handoff_account_get_client         (HandoffAccount      *self);
HandoffAccountState  handoff_account_get_state          (HandoffAccount      *self);
const char          *handoff_account_get_username       (HandoffAccount      *self);
const char          *handoff_account_get_display_name   (HandoffAccount      *self);
const char          *handoff_account_get_agent_id       (HandoffAccount      *self);
const char          *handoff_account_get_identity       (HandoffAccount      *self);
/* An agent of the directory by id (borrowed), or NULL. */
HandoffAgentInfo    *handoff_account_lookup_agent       (HandoffAccount      *self,
                                                         const char          *id);
/* available, busy, away or wrap_up */
const char          *handoff_account_get_presence       (HandoffAccount      *self);
gint64               handoff_account_get_last_seq       (HandoffAccount      *self);
GListModel          *handoff_account_get_directory      (HandoffAccount      *self);
/* The last connection error of the event stream, for a banner; NULL when fine. */
const char          *handoff_account_get_problem        (HandoffAccount      *self);

void                 handoff_account_sign_in_async      (HandoffAccount      *self,
                                                         const char          *username,
                                                         const char          *password,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);
gboolean             handoff_account_sign_in_finish     (HandoffAccount      *self,
                                                         GAsyncResult        *result,
                                                         GError             **error);
/* Signs in with the token remembered in the keyring for username. */
void                 handoff_account_restore_async      (HandoffAccount      *self,
                                                         const char          *username,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);
gboolean             handoff_account_restore_finish     (HandoffAccount      *self,
                                                         GAsyncResult        *result,
                                                         GError             **error);
void                 handoff_account_sign_out           (HandoffAccount      *self);

void                 handoff_account_set_presence_async  (HandoffAccount      *self,
                                                          const char          *presence,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
gboolean             handoff_account_set_presence_finish (HandoffAccount      *self,
                                                          GAsyncResult        *result,
                                                          GError             **error);
void                 handoff_account_refresh_directory   (HandoffAccount      *self);
/* Reconnect the event stream now instead of waiting for the backoff. */
void                 handoff_account_retry               (HandoffAccount      *self);

G_END_DECLS
