/* handoff-chat-client.h: OpenAI-compatible chat completions client
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "handoff-chat-wire.h"
#include "handoff-secret-store.h"

G_BEGIN_DECLS

/* Groq's OpenAI-compatible endpoint and a current production model; both are
 * settings (ai-base-url, ai-model) in the app. */
#define HANDOFF_CHAT_DEFAULT_BASE_URL "https://api.groq.com/openai/v1"
#define HANDOFF_CHAT_DEFAULT_MODEL    "llama-3.3-70b-versatile"

/* Called on the caller's main context for each piece of text, in order. */
typedef void (*HandoffChatDeltaFunc) (const char *delta,
                                      gpointer    user_data);

#define HANDOFF_TYPE_CHAT_CLIENT (handoff_chat_client_get_type ())
G_DECLARE_FINAL_TYPE (HandoffChatClient, handoff_chat_client, HANDOFF, CHAT_CLIENT, GObject)

HandoffChatClient *handoff_chat_client_new                   (const char         *base_url,
                                                              const char         *model,
                                                              const char         *api_key);
const char        *handoff_chat_client_get_base_url          (HandoffChatClient  *self);
void               handoff_chat_client_set_base_url          (HandoffChatClient  *self,
                                                              const char         *base_url);
const char        *handoff_chat_client_get_model             (HandoffChatClient  *self);
void               handoff_chat_client_set_model             (HandoffChatClient  *self,
                                                              const char         *model);
void               handoff_chat_client_set_api_key           (HandoffChatClient  *self,
                                                              const char         *api_key);
gboolean           handoff_chat_client_has_api_key           (HandoffChatClient  *self);
gboolean           handoff_chat_client_is_configured         (HandoffChatClient  *self);
guint              handoff_chat_client_get_timeout_ms        (HandoffChatClient  *self);
void               handoff_chat_client_set_timeout_ms        (HandoffChatClient  *self,
                                                              guint               timeout_ms);
guint              handoff_chat_client_get_max_retries       (HandoffChatClient  *self);
void               handoff_chat_client_set_max_retries       (HandoffChatClient  *self,
                                                              guint               max_retries);
void               handoff_chat_client_set_max_retry_delay_ms (HandoffChatClient *self,
                                                               guint              delay_ms);
void               handoff_chat_client_set_temperature       (HandoffChatClient  *self,
                                                              double              temperature);
void               handoff_chat_client_set_max_tokens        (HandoffChatClient  *self,
                                                              guint               max_tokens);
void               handoff_chat_client_bind_settings         (HandoffChatClient  *self,
                                                              GSettings          *settings);
/* Keeps the key in step with @store (see the function's comment). */
void               handoff_chat_client_follow_secret_store   (HandoffChatClient  *self,
                                                              HandoffSecretStore *store);

/* Reads the key the app saved for this base URL (HANDOFF_SECRET_AI_KEY, account
 * = base URL); finishes TRUE when one was found and set. */
void               handoff_chat_client_load_key_async        (HandoffChatClient  *self,
                                                              HandoffSecretStore *store,
                                                              GCancellable       *cancellable,
                                                              GAsyncReadyCallback callback,
                                                              gpointer            user_data);
gboolean           handoff_chat_client_load_key_finish       (HandoffChatClient  *self,
                                                              GAsyncResult       *result,
                                                              GError            **error);

void               handoff_chat_client_complete_async        (HandoffChatClient   *self,
                                                              GPtrArray           *messages,
                                                              HandoffChatFlags     flags,
                                                              HandoffChatDeltaFunc delta_func,
                                                              gpointer             delta_data,
                                                              GCancellable        *cancellable,
                                                              GAsyncReadyCallback  callback,
                                                              gpointer             user_data);
char              *handoff_chat_client_complete_finish       (HandoffChatClient   *self,
                                                              GAsyncResult        *result,
                                                              GError             **error);

G_END_DECLS
