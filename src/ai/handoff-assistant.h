/* handoff-assistant.h: the agent's assistant chat, with the live transcript as context
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "handoff-chat-client.h"
#include "handoff-redact.h"

G_BEGIN_DECLS

typedef enum {
  HANDOFF_ASSISTANT_PROMPT_SUMMARISE,
  HANDOFF_ASSISTANT_PROMPT_SUGGEST_REPLY,
  HANDOFF_ASSISTANT_PROMPT_NEXT_QUESTION,
} HandoffAssistantPrompt;

/* Turns (a question and its answer) sent back as memory. */
#define HANDOFF_ASSISTANT_MEMORY_TURNS 12

#define HANDOFF_TYPE_ASSISTANT (handoff_assistant_get_type ())
G_DECLARE_FINAL_TYPE (HandoffAssistant, handoff_assistant, HANDOFF, ASSISTANT, GObject)

HandoffAssistant *handoff_assistant_new                (HandoffChatClient      *client);
void              handoff_assistant_set_client         (HandoffAssistant       *self,
                                                        HandoffChatClient      *client);
void              handoff_assistant_set_redact         (HandoffAssistant       *self,
                                                        HandoffRedactFlags      flags);
/* Redaction follows the app's "redact" key. */
void              handoff_assistant_bind_settings      (HandoffAssistant       *self,
                                                        GSettings              *settings);
/* (element-type HandoffUtterance) copied and redacted; call again as the transcript grows */
void              handoff_assistant_set_transcript     (HandoffAssistant       *self,
                                                        GPtrArray              *utterances);
/* Follows a live transcript model (e.g. HandoffTranscript): read at each question. */
void              handoff_assistant_set_transcript_model (HandoffAssistant     *self,
                                                          GListModel           *model);
gboolean          handoff_assistant_get_online         (HandoffAssistant       *self);
const char       *handoff_assistant_get_offline_reason (HandoffAssistant       *self);
/* (element-type HandoffChatMessage) the conversation so far, oldest first */
GPtrArray        *handoff_assistant_get_history        (HandoffAssistant       *self);
void              handoff_assistant_clear_history      (HandoffAssistant       *self);

const char       *handoff_assistant_prompt_text        (HandoffAssistantPrompt  prompt);

/* Streams the answer through @delta_func. Offline, a free question fails with
 * HANDOFF_AI_ERROR_NOT_CONFIGURED (or the error that made us offline). */
void              handoff_assistant_ask_async          (HandoffAssistant       *self,
                                                        const char             *question,
                                                        HandoffChatDeltaFunc    delta_func,
                                                        gpointer                delta_data,
                                                        GCancellable           *cancellable,
                                                        GAsyncReadyCallback     callback,
                                                        gpointer                user_data);
/* Quick prompts answer even offline, from the transcript, saying so. */
void              handoff_assistant_ask_prompt_async   (HandoffAssistant       *self,
                                                        HandoffAssistantPrompt  prompt,
                                                        HandoffChatDeltaFunc    delta_func,
                                                        gpointer                delta_data,
                                                        GCancellable           *cancellable,
                                                        GAsyncReadyCallback     callback,
                                                        gpointer                user_data);
char             *handoff_assistant_ask_finish         (HandoffAssistant       *self,
                                                        GAsyncResult           *result,
                                                        gboolean               *offline_answer,
                                                        GError                **error);

G_END_DECLS
