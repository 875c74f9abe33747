/* handoff-test-chat-server.c: a local OpenAI-compatible chat completions stand-in
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-chat-server"

#include <string.h>

#include "handoff-test-chat-server.h"

typedef enum {
  STEP_REPLY,
  STEP_ERROR,
  STEP_HANG,
  STEP_RAW_SSE,
  STEP_JSON,
} StepKind;

typedef struct {
  StepKind kind;
  char    *text;
  guint    delta_chars;
  guint    first_ms;
  guint    interval_ms;
  guint    status;
  char    *retry_after;
} Step;

/* One answer being written. */
typedef struct {
  HandoffTestChatServer *server;
  SoupServerMessage     *msg;
  GPtrArray             *pieces;  /* char*, written one per tick */
  guint                  next;
  guint                  first_ms;
  guint                  interval_ms;
  guint                  source_id;
  gboolean               finished;
} Writer;

struct _HandoffTestChatServer
{
  SoupServer *server;
  char       *base_url;
  GPtrArray  *steps;
  guint       next_step;
  GPtrArray  *requests;
  GPtrArray  *writers;
  GPtrArray  *held;     /* SoupServerMessage, hanging */
};

static void
step_free (gpointer data)
{
  Step *step = data;

  g_free (step->text);
  g_free (step->retry_after);
  g_free (step);
}

static void
request_free (gpointer data)
{
  HandoffTestChatRequest *req = data;

  g_free (req->authorization);
  g_free (req->accept);
  g_clear_pointer (&req->body, json_node_unref);
  g_free (req);
}

static void
writer_free (gpointer data)
{
  Writer *w = data;

  g_clear_handle_id (&w->source_id, g_source_remove);
  g_ptr_array_unref (w->pieces);
  g_object_unref (w->msg);
  g_free (w);
}

static char *
chunk_event (const char *content,
             const char *finish_reason)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *json = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_string_value (b, "chatcmpl-standin");
  json_builder_set_member_name (b, "object");
  json_builder_add_string_value (b, "chat.completion.chunk");
  json_builder_set_member_name (b, "model");
  json_builder_add_string_value (b, "standin");
  json_builder_set_member_name (b, "choices");
  json_builder_begin_array (b);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "index");
  json_builder_add_int_value (b, 0);
  json_builder_set_member_name (b, "delta");
  json_builder_begin_object (b);
  if (content != NULL)
    {
      json_builder_set_member_name (b, "content");
      json_builder_add_string_value (b, content);
    }
  json_builder_end_object (b);
  json_builder_set_member_name (b, "finish_reason");
  if (finish_reason)
    json_builder_add_string_value (b, finish_reason);
  else
    json_builder_add_null_value (b);
  json_builder_end_object (b);
  json_builder_end_array (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  json = json_generator_to_data (gen, NULL);
  return g_strdup_printf ("data: %s\r\n\r\n", json);
}

static char *
answer_json (const char *content)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "object");
  json_builder_add_string_value (b, "chat.completion");
  json_builder_set_member_name (b, "choices");
  json_builder_begin_array (b);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "index");
  json_builder_add_int_value (b, 0);
  json_builder_set_member_name (b, "message");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "role");
  json_builder_add_string_value (b, "assistant");
  json_builder_set_member_name (b, "content");
  json_builder_add_string_value (b, content);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "finish_reason");
  json_builder_add_string_value (b, "stop");
  json_builder_end_object (b);
  json_builder_end_array (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  return json_generator_to_data (gen, NULL);
}

static gboolean
writer_tick (gpointer user_data)
{
  Writer *w = user_data;
  SoupMessageBody *body = soup_server_message_get_response_body (w->msg);

  w->source_id = 0;
  if (w->finished)
    return G_SOURCE_REMOVE;
  if (w->next < w->pieces->len)
    {
      const char *piece = g_ptr_array_index (w->pieces, w->next++);
      soup_message_body_append (body, SOUP_MEMORY_COPY, piece, strlen (piece));
    }
  if (w->next >= w->pieces->len)
    soup_message_body_complete (body);
  else
    w->source_id = g_timeout_add (w->interval_ms, writer_tick, w);
  soup_server_message_unpause (w->msg);
  return G_SOURCE_REMOVE;
}

static void
on_writer_finished (SoupServerMessage *msg,
                    gpointer           user_data)
{
  Writer *w = user_data;

  w->finished = TRUE;
  g_clear_handle_id (&w->source_id, g_source_remove);
  g_ptr_array_remove (w->server->writers, w);
}

static void
start_writer (HandoffTestChatServer *self,
              SoupServerMessage     *msg,
              GPtrArray             *pieces,
              guint                  first_ms,
              guint                  interval_ms)
{
  Writer *w = g_new0 (Writer, 1);
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  w->server = self;
  w->msg = g_object_ref (msg);
  w->pieces = pieces;
  w->interval_ms = interval_ms;
  soup_server_message_set_status (msg, 200, NULL);
  soup_message_headers_set_encoding (headers, SOUP_ENCODING_CHUNKED);
  soup_message_headers_set_content_type (headers, "text/event-stream", NULL);
  soup_message_headers_replace (headers, "Cache-Control", "no-cache");
  g_ptr_array_add (self->writers, w);
  g_signal_connect (msg, "finished", G_CALLBACK (on_writer_finished), w);
  soup_server_message_pause (msg);
  w->source_id = g_timeout_add (first_ms, writer_tick, w);
}

/* Cuts every event in two mid-line, so the client sees lines split across reads. */
static GPtrArray *
reply_pieces (const char *text,
              guint       delta_chars)
{
  GPtrArray *pieces = g_ptr_array_new_with_free_func (g_free);
  const char *p = text;
  g_autofree char *last = NULL;

  while (*p != '\0')
    {
      const char *end = p;
      g_autofree char *delta = NULL;
      g_autofree char *event = NULL;
      gsize half;

      for (guint i = 0; i < delta_chars && *end != '\0'; i++)
        end = g_utf8_next_char (end);
      delta = g_strndup (p, end - p);
      event = chunk_event (delta, NULL);
      half = strlen (event) / 2;
      g_ptr_array_add (pieces, g_strndup (event, half));
      g_ptr_array_add (pieces, g_strdup (event + half));
      p = end;
    }
  last = chunk_event (NULL, "stop");
  g_ptr_array_add (pieces, g_strdup (last));
  /* "[DONE]" split between "data: [DO" and "NE]\n\n". */
  g_ptr_array_add (pieces, g_strdup (": keep-alive comment\n\ndata: [DO"));
  g_ptr_array_add (pieces, g_strdup ("NE]\n\n"));
  return pieces;
}

static void
on_held_finished (SoupServerMessage *msg,
                  gpointer           user_data)
{
  HandoffTestChatServer *self = user_data;

  g_ptr_array_remove (self->held, msg);
}

static void
handle_chat (SoupServer        *server,
             SoupServerMessage *msg,
             const char        *path,
             GHashTable        *query,
             gpointer           user_data)
{
  HandoffTestChatServer *self = user_data;
  SoupMessageHeaders *req_headers = soup_server_message_get_request_headers (msg);
  SoupMessageBody *req_body = soup_server_message_get_request_body (msg);
  HandoffTestChatRequest *req = g_new0 (HandoffTestChatRequest, 1);
  g_autoptr(JsonParser) parser = json_parser_new ();
  gboolean stream = FALSE;
  Step *step;

  req->received_us = g_get_monotonic_time ();
  req->authorization = g_strdup (soup_message_headers_get_one (req_headers, "Authorization"));
  req->accept = g_strdup (soup_message_headers_get_one (req_headers, "Accept"));
  if (req_body->length > 0 && json_parser_load_from_data (parser, req_body->data, req_body->length,
                                                          NULL))
    {
      req->body = json_node_copy (json_parser_get_root (parser));
      if (JSON_NODE_HOLDS_OBJECT (req->body))
        stream = json_object_get_boolean_member_with_default (json_node_get_object (req->body),
                                                              "stream", FALSE);
    }
  g_ptr_array_add (self->requests, req);

  if (strcmp (soup_server_message_get_method (msg), "POST") != 0)
    {
      soup_server_message_set_status (msg, 405, NULL);
      return;
    }
  if (self->steps->len == 0)
    {
      soup_server_message_set_status (msg, 500, NULL);
      return;
    }
  step = g_ptr_array_index (self->steps, MIN (self->next_step, self->steps->len - 1));
  self->next_step++;

  switch (step->kind)
    {
    case STEP_REPLY:
    case STEP_JSON:
      if (stream && step->kind == STEP_REPLY)
        start_writer (self, msg, reply_pieces (step->text, step->delta_chars), step->first_ms,
                      step->interval_ms);
      else
        {
          g_autofree char *json = answer_json (step->text);
          soup_server_message_set_status (msg, 200, NULL);
          soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, json,
                                            strlen (json));
        }
      break;
    case STEP_ERROR:
      soup_server_message_set_status (msg, step->status, NULL);
      if (step->retry_after != NULL)
        soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                      "Retry-After", step->retry_after);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, step->text,
                                        strlen (step->text));
      break;
    case STEP_HANG:
      g_ptr_array_add (self->held, g_object_ref (msg));
      g_signal_connect (msg, "finished", G_CALLBACK (on_held_finished), self);
      soup_server_message_pause (msg);
      break;
    case STEP_RAW_SSE:
      {
        GPtrArray *pieces = g_ptr_array_new_with_free_func (g_free);
        gsize len = strlen (step->text);

        for (gsize off = 0; off < len; off += step->delta_chars)
          g_ptr_array_add (pieces, g_strndup (step->text + off, step->delta_chars));
        start_writer (self, msg, pieces, 1, 1);
      }
      break;
    default:
      g_assert_not_reached ();
    }
}

HandoffTestChatServer *
handoff_test_chat_server_new (void)
{
  HandoffTestChatServer *self = g_new0 (HandoffTestChatServer, 1);
  g_autoptr(GError) error = NULL;
  GSList *uris;
  GUri *uri;

  self->steps = g_ptr_array_new_with_free_func (step_free);
  self->requests = g_ptr_array_new_with_free_func (request_free);
  self->writers = g_ptr_array_new_with_free_func (writer_free);
  self->held = g_ptr_array_new_with_free_func (g_object_unref);
  self->server = soup_server_new ("server-header", "standin ", NULL);
  soup_server_add_handler (self->server, "/v1/chat/completions", handle_chat, self, NULL);
  if (!soup_server_listen_local (self->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error))
    g_error ("stand-in cannot listen: %s", error->message);
  uris = soup_server_get_uris (self->server);
  uri = uris->data;
  self->base_url = g_strdup_printf ("http://127.0.0.1:%d/v1", g_uri_get_port (uri));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  return self;
}

void
handoff_test_chat_server_free (HandoffTestChatServer *self)
{
  if (self == NULL)
    return;
  /* Writers hold their message; release them before the server goes. */
  for (guint i = 0; i < self->writers->len; i++)
    {
      Writer *w = g_ptr_array_index (self->writers, i);
      w->finished = TRUE;
      g_signal_handlers_disconnect_by_data (w->msg, w);
    }
  for (guint i = 0; i < self->held->len; i++)
    g_signal_handlers_disconnect_by_data (g_ptr_array_index (self->held, i), self);
  g_ptr_array_unref (self->writers);
  g_ptr_array_unref (self->held);
  soup_server_disconnect (self->server);
  g_object_unref (self->server);
  g_ptr_array_unref (self->steps);
  g_ptr_array_unref (self->requests);
  g_free (self->base_url);
  g_free (self);
}

const char *
handoff_test_chat_server_get_base_url (HandoffTestChatServer *self)
{
  return self->base_url;
}

void
handoff_test_chat_server_push_reply (HandoffTestChatServer *self,
                                     const char            *text,
                                     guint                  delta_chars,
                                     guint                  first_ms,
                                     guint                  interval_ms)
{
  Step *step = g_new0 (Step, 1);

  step->kind = STEP_REPLY;
  step->text = g_strdup (text);
  step->delta_chars = MAX (delta_chars, 1);
  step->first_ms = first_ms;
  step->interval_ms = interval_ms;
  g_ptr_array_add (self->steps, step);
}

void
handoff_test_chat_server_push_reply_json (HandoffTestChatServer *self,
                                          const char            *text)
{
  Step *step = g_new0 (Step, 1);

  step->kind = STEP_JSON;
  step->text = g_strdup (text);
  g_ptr_array_add (self->steps, step);
}

void
handoff_test_chat_server_push_error (HandoffTestChatServer *self,
                                     guint                  status,
                                     const char            *json_body,
                                     const char            *retry_after)
{
  Step *step = g_new0 (Step, 1);

  step->kind = STEP_ERROR;
  step->status = status;
  step->text = g_strdup (json_body ? json_body : "");
  step->retry_after = g_strdup (retry_after);
  g_ptr_array_add (self->steps, step);
}

void
handoff_test_chat_server_push_hang (HandoffTestChatServer *self)
{
  Step *step = g_new0 (Step, 1);

  step->kind = STEP_HANG;
  g_ptr_array_add (self->steps, step);
}

void
handoff_test_chat_server_push_raw_sse (HandoffTestChatServer *self,
                                       const char            *raw,
                                       guint                  piece)
{
  Step *step = g_new0 (Step, 1);

  step->kind = STEP_RAW_SSE;
  step->text = g_strdup (raw);
  step->delta_chars = MAX (piece, 1);
  g_ptr_array_add (self->steps, step);
}

guint
handoff_test_chat_server_get_n_requests (HandoffTestChatServer *self)
{
  return self->requests->len;
}

HandoffTestChatRequest *
handoff_test_chat_server_get_request (HandoffTestChatServer *self,
                                      guint                  index)
{
  g_assert_cmpuint (index, <, self->requests->len);
  return g_ptr_array_index (self->requests, index);
}

guint
handoff_test_chat_server_get_n_open (HandoffTestChatServer *self)
{
  return self->writers->len + self->held->len;
}
