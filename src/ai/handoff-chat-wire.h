/* handoff-chat-wire.h: the OpenAI chat completions wire format
 *
 * Messages, request bodies, streamed chunks, answers and error bodies as the
 * OpenAI-compatible endpoints (Groq, OpenAI, llama.cpp, Ollama...) speak them.
 * Pure functions, so the format is testable without a server.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

typedef struct {
  char *role;     /* "system", "user" or "assistant" */
  char *content;
} HandoffChatMessage;

#define HANDOFF_TYPE_CHAT_MESSAGE (handoff_chat_message_get_type ())
GType               handoff_chat_message_get_type (void) G_GNUC_CONST;
HandoffChatMessage *handoff_chat_message_new      (const char               *role,
                                                   const char               *content);
HandoffChatMessage *handoff_chat_message_copy     (const HandoffChatMessage *message);
void                handoff_chat_message_free     (HandoffChatMessage       *message);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HandoffChatMessage, handoff_chat_message_free)

/**
 * HandoffChatFlags:
 * @HANDOFF_CHAT_NONE: one JSON answer
 * @HANDOFF_CHAT_STREAM: ask for server-sent events; deltas are reported as they arrive
 * @HANDOFF_CHAT_JSON_OBJECT: ask for `response_format: json_object` (Groq refuses it with
 *   streaming, so use it only without @HANDOFF_CHAT_STREAM there)
 */
typedef enum {
  HANDOFF_CHAT_NONE        = 0,
  HANDOFF_CHAT_STREAM      = 1 << 0,
  HANDOFF_CHAT_JSON_OBJECT = 1 << 1,
} HandoffChatFlags;

GBytes  *handoff_chat_wire_build_request  (const char         *model,
                                           GPtrArray          *messages,
                                           HandoffChatFlags    flags,
                                           double              temperature,
                                           guint               max_tokens);
gint64   handoff_chat_wire_retry_after_ms (SoupMessageHeaders *headers);
void     handoff_chat_wire_parse_error    (const char         *data,
                                           gsize               len,
                                           char              **message_out,
                                           char              **code_out);
gboolean handoff_chat_wire_parse_chunk    (const char         *data,
                                           char              **delta_out,
                                           char              **finish_reason_out,
                                           char              **error_message_out);
gboolean handoff_chat_wire_endpoint_usable (const char        *base_url,
                                            const char        *model);
gboolean handoff_chat_wire_is_loopback    (const char         *url);
guint    handoff_chat_wire_backoff_ms     (guint               attempt,
                                           guint               max_ms);
char    *handoff_chat_wire_scrub          (const char         *text,
                                           const char         *secret);
GError  *handoff_chat_wire_http_error     (guint               status,
                                           const char         *body,
                                           gsize               len,
                                           const char         *model,
                                           const char         *base_url,
                                           const char         *secret,
                                           gboolean           *retryable_out);
char    *handoff_chat_wire_parse_answer   (const char         *data,
                                           gsize               len,
                                           GError            **error);

/* Type-checked member access: NULL when absent or of another type (input is untrusted). */
const char *handoff_ai_json_string (JsonObject *object,
                                     const char *name);
JsonObject *handoff_ai_json_object (JsonObject *object,
                                     const char *name);
JsonArray  *handoff_ai_json_array  (JsonObject *object,
                                     const char *name);

G_END_DECLS
