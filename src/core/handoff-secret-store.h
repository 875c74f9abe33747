/* handoff-secret-store.h: session tokens and API keys in the keyring
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define HANDOFF_SECRET_SESSION "session"
#define HANDOFF_SECRET_AI_KEY  "ai-key"
/* Account: handoff_transcriber_key_account (backend, endpoint URL). */
#define HANDOFF_SECRET_STT_KEY "transcription-key"

#define HANDOFF_TYPE_SECRET_STORE (handoff_secret_store_get_type ())
G_DECLARE_FINAL_TYPE (HandoffSecretStore, handoff_secret_store, HANDOFF, SECRET_STORE, GObject)

HandoffSecretStore *handoff_secret_store_new             (void);
HandoffSecretStore *handoff_secret_store_get_default     (void);
gboolean            handoff_secret_store_is_persistent   (HandoffSecretStore  *self);

void                handoff_secret_store_save_async      (HandoffSecretStore  *self,
                                                          const char          *kind,
                                                          const char          *account,
                                                          const char          *secret,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
gboolean            handoff_secret_store_save_finish     (HandoffSecretStore  *self,
                                                          GAsyncResult        *result,
                                                          GError             **error);
void                handoff_secret_store_lookup_async    (HandoffSecretStore  *self,
                                                          const char          *kind,
                                                          const char          *account,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
char               *handoff_secret_store_lookup_finish   (HandoffSecretStore  *self,
                                                          GAsyncResult        *result,
                                                          GError             **error);
void                handoff_secret_store_clear_async     (HandoffSecretStore  *self,
                                                          const char          *kind,
                                                          const char          *account,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
gboolean            handoff_secret_store_clear_finish    (HandoffSecretStore  *self,
                                                          GAsyncResult        *result,
                                                          GError             **error);

G_END_DECLS
