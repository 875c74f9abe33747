/* handoff-chat-wire.c: the OpenAI chat completions wire format
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "handoff-ai"

#include <json-glib/json-glib.h>
#include <string.h>

#include "handoff-ai-error.h"
#include "handoff-chat-wire.h"

G_DEFINE_BOXED_TYPE (HandoffChatMessage, handoff_chat_message,
                     handoff_chat_message_copy, handoff_chat_message_free)

const char *
handoff_ai_json_string (JsonObject *object,
                         const char *name)
{
  JsonNode *node = object ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

JsonObject *
handoff_ai_json_object (JsonObject *object,
                         const char *name)
{
  JsonNode *node = object ? json_object_get_member (object, name) : NULL;

  return (node != NULL && JSON_NODE_HOLDS_OBJECT (node)) ? json_node_get_object (node) : NULL;
}

JsonArray *
handoff_ai_json_array (JsonObject *object,
                        const char *name)
{
  JsonNode *node = object ? json_object_get_member (object, name) : NULL;

  return (node != NULL && JSON_NODE_HOLDS_ARRAY (node)) ? json_node_get_array (node) : NULL;
}

HandoffChatMessage *
handoff_chat_message_new (const char *role,
                          const char *content)
{
  HandoffChatMessage *message;

  g_return_val_if_fail (role != NULL, NULL);

  message = g_new0 (HandoffChatMessage, 1);
  message->role = g_strdup (role);
  message->content = g_strdup (content ? content : "");
  return message;
}

HandoffChatMessage *
handoff_chat_message_copy (const HandoffChatMessage *message)
{
  g_return_val_if_fail (message != NULL, NULL);

  return handoff_chat_message_new (message->role, message->content);
}

void
handoff_chat_message_free (HandoffChatMessage *message)
{
  if (message == NULL)
    return;
  g_free (message->role);
  g_free (message->content);
  g_free (message);
}

/* The request body of POST /chat/completions. */
GBytes *
handoff_chat_wire_build_request (const char       *model,
                                 GPtrArray        *messages,
                                 HandoffChatFlags  flags,
                                 double            temperature,
                                 guint             max_tokens)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  char *text;
  gsize len;

  g_return_val_if_fail (model != NULL, NULL);
  g_return_val_if_fail (messages != NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "model");
  json_builder_add_string_value (builder, model);
  json_builder_set_member_name (builder, "messages");
  json_builder_begin_array (builder);
  for (guint i = 0; i < messages->len; i++)
    {
      HandoffChatMessage *m = g_ptr_array_index (messages, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "role");
      json_builder_add_string_value (builder, m->role);
      json_builder_set_member_name (builder, "content");
      json_builder_add_string_value (builder, m->content);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "stream");
  json_builder_add_boolean_value (builder, (flags & HANDOFF_CHAT_STREAM) != 0);
  json_builder_set_member_name (builder, "temperature");
  json_builder_add_double_value (builder, temperature);
  if (max_tokens > 0)
    {
      json_builder_set_member_name (builder, "max_tokens");
      json_builder_add_int_value (builder, max_tokens);
    }
  if (flags & HANDOFF_CHAT_JSON_OBJECT)
    {
      json_builder_set_member_name (builder, "response_format");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "type");
      json_builder_add_string_value (builder, "json_object");
      json_builder_end_object (builder);
    }
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, &len);
  return g_bytes_new_take (text, len);
}

/* Retry-After is seconds or an HTTP date; some endpoints add retry-after-ms.
 * Returns -1 when absent or unparsable. */
gint64
handoff_chat_wire_retry_after_ms (SoupMessageHeaders *headers)
{
  const char *ms = soup_message_headers_get_one (headers, "retry-after-ms");
  const char *value = soup_message_headers_get_one (headers, "Retry-After");
  g_autoptr(GDateTime) when = NULL;
  char *end = NULL;
  double seconds;

  if (ms != NULL)
    {
      double v = g_ascii_strtod (ms, &end);
      if (end != ms && v >= 0)
        return (gint64) v;
    }
  if (value == NULL)
    return -1;
  seconds = g_ascii_strtod (value, &end);
  if (end != value && *end == '\0' && seconds >= 0)
    return (gint64) (seconds * 1000);
  when = soup_date_time_new_from_http_string (value);
  if (when != NULL)
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
      return MAX (0, g_date_time_difference (when, now) / 1000);
    }
  return -1;
}

/* {"error": {"message", "type", "code"}}, {"error": "text"} or {"message": "text"}. */
void
handoff_chat_wire_parse_error (const char *data,
                               gsize       len,
                               char      **message_out,
                               char      **code_out)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;
  JsonObject *object;

  *message_out = NULL;
  *code_out = NULL;
  if (data == NULL || len == 0 || !json_parser_load_from_data (parser, data, len, NULL))
    return;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return;
  object = json_node_get_object (root);
  if (json_object_has_member (object, "error"))
    {
      JsonNode *error = json_object_get_member (object, "error");

      if (JSON_NODE_HOLDS_OBJECT (error))
        {
          JsonObject *e = json_node_get_object (error);
          JsonNode *code = json_object_get_member (e, "code");

          *message_out = g_strdup (handoff_ai_json_string (e, "message"));
          if (code != NULL && JSON_NODE_HOLDS_VALUE (code)
              && json_node_get_value_type (code) == G_TYPE_STRING)
            *code_out = g_strdup (json_node_get_string (code));
          else
            *code_out = g_strdup (handoff_ai_json_string (e, "type"));
        }
      else if (JSON_NODE_HOLDS_VALUE (error) && json_node_get_value_type (error) == G_TYPE_STRING)
        *message_out = g_strdup (json_node_get_string (error));
    }
  else
    *message_out = g_strdup (handoff_ai_json_string (object, "message"));
}

/* One streamed "chat.completion.chunk". Returns FALSE when @data is not a JSON
 * object; a chunk carrying an "error" member sets @error_message_out. */
gboolean
handoff_chat_wire_parse_chunk (const char *data,
                               char      **delta_out,
                               char      **finish_reason_out,
                               char      **error_message_out)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *chunk;
  JsonArray *choices;

  *delta_out = NULL;
  *finish_reason_out = NULL;
  *error_message_out = NULL;
  if (!json_parser_load_from_data (parser, data, -1, NULL)
      || json_parser_get_root (parser) == NULL
      || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return FALSE;
  chunk = json_node_get_object (json_parser_get_root (parser));
  if (json_object_has_member (chunk, "error"))
    {
      g_autofree char *code = NULL;

      handoff_chat_wire_parse_error (data, strlen (data), error_message_out, &code);
      if (*error_message_out == NULL)
        *error_message_out = g_strdup (code ? code : "unknown error");
      return TRUE;
    }
  choices = handoff_ai_json_array (chunk, "choices");
  if (choices != NULL && json_array_get_length (choices) > 0
      && JSON_NODE_HOLDS_OBJECT (json_array_get_element (choices, 0)))
    {
      JsonObject *choice = json_array_get_object_element (choices, 0);
      JsonObject *delta = handoff_ai_json_object (choice, "delta");

      if (delta != NULL)
        *delta_out = g_strdup (handoff_ai_json_string (delta, "content"));
      *finish_reason_out = g_strdup (handoff_ai_json_string (choice, "finish_reason"));
    }
  return TRUE;
}

/* A whole (non-streamed) answer: choices[0].message.content. */
char *
handoff_chat_wire_parse_answer (const char *data,
                                gsize       len,
                                GError    **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *object;
  JsonArray *choices;
  JsonObject *message = NULL;
  const char *content = NULL;

  if (!json_parser_load_from_data (parser, data, len, NULL)
      || json_parser_get_root (parser) == NULL
      || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_set_error_literal (error, HANDOFF_AI_ERROR, HANDOFF_AI_ERROR_INVALID_RESPONSE,
                           "The AI endpoint's answer is not JSON");
      return NULL;
    }
  object = json_node_get_object (json_parser_get_root (parser));
  choices = handoff_ai_json_array (object, "choices");
  if (choices != NULL && json_array_get_length (choices) > 0
      && JSON_NODE_HOLDS_OBJECT (json_array_get_element (choices, 0)))
    message = handoff_ai_json_object (json_array_get_object_element (choices, 0), "message");
  if (message != NULL)
    content = handoff_ai_json_string (message, "content");
  if (content == NULL)
    {
      g_set_error_literal (error, HANDOFF_AI_ERROR, HANDOFF_AI_ERROR_INVALID_RESPONSE,
                           "The AI endpoint's answer has no choices[0].message.content");
      return NULL;
    }
  return g_strdup (content);
}

/* Text that came from the endpoint, without the key (some echo a part of it)
 * and short enough for a notification. */
char *
handoff_chat_wire_scrub (const char *text,
                         const char *secret)
{
  g_autoptr(GString) out = g_string_new (text ? text : "");

  if (secret != NULL && strlen (secret) >= 4)
    g_string_replace (out, secret, "[key]", 0);
  if (g_utf8_strlen (out->str, -1) > 300)
    {
      g_string_truncate (out, g_utf8_offset_to_pointer (out->str, 300) - out->str);
      g_string_append (out, "…");
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* One HANDOFF_AI_ERROR for an HTTP failure, the endpoint's own message
 * included; @retryable_out says whether waiting may help (429 except an
 * exhausted plan, and the 5xx that mean "overloaded" or "try again"). */
GError *
handoff_chat_wire_http_error (guint       status,
                              const char *body,
                              gsize       len,
                              const char *model,
                              const char *base_url,
                              const char *secret,
                              gboolean   *retryable_out)
{
  g_autofree char *server_message = NULL;
  g_autofree char *code = NULL;
  g_autofree char *detail = NULL;

  handoff_chat_wire_parse_error (body, len, &server_message, &code);
  detail = handoff_chat_wire_scrub (server_message ? server_message
                                                   : soup_status_get_phrase (status),
                                    secret);
  *retryable_out = (status == 429 || status == 500 || status == 502 || status == 503
                    || status == 504 || status == 529);
  /* OpenAI answers 429 for an exhausted plan too; waiting does not help then. */
  if (status == 429 && g_strcmp0 (code, "insufficient_quota") == 0)
    *retryable_out = FALSE;

  switch (status)
    {
    case 401:
    case 403:
      return g_error_new (HANDOFF_AI_ERROR, HANDOFF_AI_ERROR_UNAUTHORIZED,
                          "The AI endpoint refused the API key (HTTP %u): %s", status, detail);
    case 404:
      return g_error_new (HANDOFF_AI_ERROR, HANDOFF_AI_ERROR_MODEL_NOT_FOUND,
                          "Model “%s” not found at %s (HTTP 404): %s", model, base_url, detail);
    case 429:
      return g_error_new (HANDOFF_AI_ERROR, HANDOFF_AI_ERROR_QUOTA,
                          "The AI endpoint's rate limit or quota is exhausted (HTTP 429): %s",
                          detail);
    case 400:
    case 413:
    case 422:
      return g_error_new (HANDOFF_AI_ERROR, HANDOFF_AI_ERROR_BAD_REQUEST,
                          "The AI endpoint refused the request (HTTP %u): %s", status, detail);
    default:
      if (status >= 500)
        return g_error_new (HANDOFF_AI_ERROR, HANDOFF_AI_ERROR_SERVER,
                            "The AI endpoint failed (HTTP %u): %s", status, detail);
      return g_error_new (HANDOFF_AI_ERROR, HANDOFF_AI_ERROR_FAILED,
                          "Unexpected answer from the AI endpoint (HTTP %u): %s", status, detail);
    }
}

/* An http(s) base URL that parses, and a model name. */
gboolean
handoff_chat_wire_endpoint_usable (const char *base_url,
                                   const char *model)
{
  g_autoptr(GUri) uri = NULL;

  if (base_url == NULL || model == NULL || *model == '\0')
    return FALSE;
  uri = g_uri_parse (base_url, G_URI_FLAGS_NONE, NULL);
  return uri != NULL && g_uri_get_host (uri) != NULL && *g_uri_get_host (uri) != '\0'
         && (g_strcmp0 (g_uri_get_scheme (uri), "http") == 0
             || g_strcmp0 (g_uri_get_scheme (uri), "https") == 0);
}

/* llama.cpp, Ollama and similar on this machine need no key. */
gboolean
handoff_chat_wire_is_loopback (const char *url)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  const char *host = uri ? g_uri_get_host (uri) : NULL;

  return host != NULL && (strcmp (host, "localhost") == 0 || g_str_has_prefix (host, "127.")
                          || strcmp (host, "::1") == 0);
}

/* 0.5 s, 1 s, 2 s... when the endpoint gives no Retry-After. */
guint
handoff_chat_wire_backoff_ms (guint attempt,
                              guint max_ms)
{
  guint64 delay = (guint64) 500 << MIN (attempt, 10u);

  return (guint) MIN (delay, (guint64) max_ms);
}
