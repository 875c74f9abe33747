/* handoff-chat-request.c: one chat completion, with its retries, timeouts and stream
 *
 * One POST to {base-url}/chat/completions per attempt. Streaming answers are
 * server-sent events ("data: {chunk}" ... "data: [DONE]"); each chunk's
 * choices[0].delta.content is handed to the caller as it arrives. Failures the
 * endpoint tells us are temporary (429, 5xx) and connection failures before any
 * text arrived are retried, honouring Retry-After; everything else becomes one
 * HANDOFF_AI_ERROR with a message an agent can act on. The key never appears
 * in a log line or an error message. The request keeps its own copy of the
 * client's settings, so a settings change mid-answer does not affect it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "handoff-ai"

#include <string.h>

#include "handoff-ai-error.h"
#include "handoff-chat-request.h"
#include "handoff-sse-parser.h"

#define MAX_ERROR_BODY  (64 * 1024)
#define MAX_ANSWER_BODY (4 * 1024 * 1024)
#define READ_SIZE       16384

typedef struct {
  SoupSession         *session;
  char                *base_url;
  char                *model;
  char                *api_key;
  guint                timeout_ms;
  guint                max_retries;
  guint                max_retry_delay_ms;
  char                *url;
  GBytes              *body;
  HandoffChatFlags     flags;
  HandoffChatDeltaFunc delta_func;
  gpointer             delta_data;

  GCancellable        *op_cancel;
  GCancellable        *user_cancel;
  gulong               user_cancel_id;

  guint                attempt;
  SoupMessage         *msg;
  GInputStream        *stream;
  guint                status;
  gboolean             is_sse;
  HandoffSseParser    *parser;
  GByteArray          *raw;
  GString             *text;
  gboolean             done;
  gboolean             finished;
  char                *finish_reason;
  GError              *stream_error;

  GSource             *timeout_source;
  gboolean             timed_out;
  GSource             *retry_source;
  GSource             *retry_cancel_source;
} Request;

static void start_attempt (GTask *task);
static void read_next     (GTask *task);

static void
destroy_source (GSource **source)
{
  if (*source == NULL)
    return;
  g_source_destroy (*source);
  g_clear_pointer (source, g_source_unref);
}

static void
request_free (gpointer data)
{
  Request *req = data;

  destroy_source (&req->timeout_source);
  destroy_source (&req->retry_source);
  destroy_source (&req->retry_cancel_source);
  if (req->user_cancel_id != 0)
    g_cancellable_disconnect (req->user_cancel, req->user_cancel_id);
  g_clear_object (&req->user_cancel);
  g_clear_object (&req->op_cancel);
  g_clear_object (&req->msg);
  g_clear_object (&req->stream);
  g_clear_pointer (&req->parser, handoff_sse_parser_free);
  g_clear_pointer (&req->raw, g_byte_array_unref);
  if (req->text)
    g_string_free (req->text, TRUE);
  g_clear_pointer (&req->body, g_bytes_unref);
  g_clear_error (&req->stream_error);
  g_free (req->finish_reason);
  g_clear_object (&req->session);
  g_free (req->base_url);
  g_free (req->model);
  if (req->api_key != NULL)
    memset (req->api_key, 0, strlen (req->api_key));
  g_free (req->api_key);
  g_free (req->url);
  g_free (req);
}

static void
finish_request (GTask  *task,
                GError *error)
{
  Request *req = g_task_get_task_data (task);

  if (req->finished)
    {
      g_clear_error (&error);
      return;
    }
  req->finished = TRUE;
  destroy_source (&req->timeout_source);
  destroy_source (&req->retry_source);
  destroy_source (&req->retry_cancel_source);
  if (req->stream != NULL)
    g_input_stream_close_async (req->stream, G_PRIORITY_DEFAULT, NULL, NULL, NULL);

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, g_strdup (req->text->str), g_free);
}

static gboolean
on_timeout (gpointer user_data)
{
  GTask *task = user_data;
  Request *req = g_task_get_task_data (task);

  req->timed_out = TRUE;
  g_clear_pointer (&req->timeout_source, g_source_unref);
  g_cancellable_cancel (req->op_cancel);
  return G_SOURCE_REMOVE;
}

/* The timeout covers the wait for the headers and every silence between two
 * chunks, so a slow but steady stream is fine and a hung one is not. */
static void
arm_timeout (GTask *task)
{
  Request *req = g_task_get_task_data (task);

  destroy_source (&req->timeout_source);
  req->timeout_source = g_timeout_source_new (req->timeout_ms);
  g_source_set_callback (req->timeout_source, on_timeout, g_object_ref (task), g_object_unref);
  g_source_attach (req->timeout_source, g_task_get_context (task));
}

static void
on_user_cancelled (GCancellable *cancellable,
                   gpointer      user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
}

static gboolean
on_retry_due (gpointer user_data)
{
  GTask *task = user_data;
  Request *req = g_task_get_task_data (task);

  g_clear_pointer (&req->retry_source, g_source_unref);
  destroy_source (&req->retry_cancel_source);
  start_attempt (task);
  return G_SOURCE_REMOVE;
}

static gboolean
on_retry_cancelled (GCancellable *cancellable,
                    gpointer      user_data)
{
  GTask *task = user_data;
  Request *req = g_task_get_task_data (task);

  g_clear_pointer (&req->retry_cancel_source, g_source_unref);
  destroy_source (&req->retry_source);
  finish_request (task, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                             "Operation was cancelled"));
  return G_SOURCE_REMOVE;
}

static void
schedule_retry (GTask *task,
                guint  delay_ms)
{
  Request *req = g_task_get_task_data (task);

  g_debug ("Retrying chat request in %u ms (attempt %u)", delay_ms, req->attempt + 2);
  destroy_source (&req->timeout_source);
  g_clear_object (&req->stream);
  g_clear_object (&req->msg);
  g_clear_pointer (&req->raw, g_byte_array_unref);
  g_clear_pointer (&req->parser, handoff_sse_parser_free);
  req->attempt++;

  /* The sources hold the task: nothing else does while we wait. */
  req->retry_source = g_timeout_source_new (delay_ms);
  g_source_set_callback (req->retry_source, on_retry_due, g_object_ref (task), g_object_unref);
  g_source_attach (req->retry_source, g_task_get_context (task));

  req->retry_cancel_source = g_cancellable_source_new (req->op_cancel);
  g_source_set_callback (req->retry_cancel_source, G_SOURCE_FUNC (on_retry_cancelled),
                         g_object_ref (task), g_object_unref);
  g_source_attach (req->retry_cancel_source, g_task_get_context (task));
}


static void
handle_http_error (GTask *task)
{
  Request *req = g_task_get_task_data (task);
  gboolean retryable = FALSE;
  GError *error;

  error = handoff_chat_wire_http_error (req->status,
                                        req->raw ? (const char *) req->raw->data : NULL,
                                        req->raw ? req->raw->len : 0,
                                        req->model, req->base_url, req->api_key, &retryable);
  if (retryable && req->attempt < req->max_retries)
    {
      gint64 after = handoff_chat_wire_retry_after_ms (
        soup_message_get_response_headers (req->msg));

      /* A Retry-After longer than we may wait fails at once: the transfer
       * must not hang on a rate limit. */
      if (after < 0 || after <= req->max_retry_delay_ms)
        {
          g_error_free (error);
          schedule_retry (task, after >= 0 ? (guint) after
                                         : handoff_chat_wire_backoff_ms (req->attempt,
                                                                         req->max_retry_delay_ms));
          return;
        }
    }
  finish_request (task, error);
}

static void
handle_transport_error (GTask  *task,
                        GError *error)
{
  Request *req = g_task_get_task_data (task);
  g_autoptr(GError) owned = error;
  g_autofree char *detail = NULL;

  if (req->timed_out)
    {
      finish_request (task, g_error_new (HANDOFF_AI_ERROR, HANDOFF_AI_ERROR_TIMEOUT,
                                         "No answer from the AI endpoint for %u ms",
                                         req->timeout_ms));
      return;
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      finish_request (task, g_steal_pointer (&owned));
      return;
    }
  /* A retry after text was shown would repeat it. */
  if (req->text->len == 0 && req->attempt < req->max_retries)
    {
      schedule_retry (task, handoff_chat_wire_backoff_ms (req->attempt, req->max_retry_delay_ms));
      return;
    }
  detail = handoff_chat_wire_scrub (error->message, req->api_key);
  finish_request (task, g_error_new (HANDOFF_AI_ERROR, HANDOFF_AI_ERROR_NETWORK,
                                     "Could not reach the AI endpoint %s: %s",
                                     req->base_url, detail));
}

static void
append_delta (Request    *req,
              const char *delta)
{
  if (delta == NULL || *delta == '\0')
    return;
  g_string_append (req->text, delta);
  if (req->delta_func != NULL)
    req->delta_func (delta, req->delta_data);
}

static gboolean
on_sse_event (const char *event,
              const char *data,
              gpointer    user_data)
{
  GTask *task = user_data;
  Request *req = g_task_get_task_data (task);
  g_autofree char *delta = NULL;
  g_autofree char *reason = NULL;
  g_autofree char *message = NULL;

  if (strcmp (data, "[DONE]") == 0)
    {
      req->done = TRUE;
      return FALSE;
    }
  if (!handoff_chat_wire_parse_chunk (data, &delta, &reason, &message))
    {
      req->stream_error = g_error_new_literal (HANDOFF_AI_ERROR, HANDOFF_AI_ERROR_INVALID_RESPONSE,
                                               "The AI endpoint streamed something that is not "
                                               "a JSON object");
      return FALSE;
    }
  if (message != NULL)
    {
      g_autofree char *detail = handoff_chat_wire_scrub (message, req->api_key);

      req->stream_error = g_error_new (HANDOFF_AI_ERROR, HANDOFF_AI_ERROR_SERVER,
                                       "The AI endpoint failed mid-answer: %s", detail);
      return FALSE;
    }
  append_delta (req, delta);
  if (reason != NULL)
    {
      g_free (req->finish_reason);
      req->finish_reason = g_steal_pointer (&reason);
    }
  return TRUE;
}

static void
finish_plain_answer (GTask *task)
{
  Request *req = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *content = NULL;

  content = handoff_chat_wire_parse_answer ((const char *) req->raw->data, req->raw->len, &error);
  if (content == NULL)
    {
      finish_request (task, g_steal_pointer (&error));
      return;
    }
  append_delta (req, content);
  finish_request (task, NULL);
}

static void
on_eof (GTask *task)
{
  Request *req = g_task_get_task_data (task);

  if (req->status < 200 || req->status >= 300)
    {
      handle_http_error (task);
      return;
    }
  if (!req->is_sse)
    {
      finish_plain_answer (task);
      return;
    }
  handoff_sse_parser_finish (req->parser);
  if (req->stream_error != NULL)
    finish_request (task, g_steal_pointer (&req->stream_error));
  else if (req->done || req->finish_reason != NULL)
    finish_request (task, NULL);
  else
    finish_request (task, g_error_new_literal (HANDOFF_AI_ERROR, HANDOFF_AI_ERROR_INVALID_RESPONSE,
                                               "The AI endpoint's stream ended before the answer "
                                               "was complete"));
}

static void
on_read (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Request *req = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  gsize size;
  const char *data;

  bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &error);
  if (req->finished)
    return;
  if (bytes == NULL)
    {
      handle_transport_error (task, g_steal_pointer (&error));
      return;
    }
  data = g_bytes_get_data (bytes, &size);
  if (size == 0)
    {
      on_eof (task);
      return;
    }

  if (req->status >= 200 && req->status < 300 && req->is_sse)
    {
      if (!handoff_sse_parser_feed (req->parser, data, size, &error))
        {
          finish_request (task, g_steal_pointer (&error));
          return;
        }
      if (req->stream_error != NULL)
        {
          finish_request (task, g_steal_pointer (&req->stream_error));
          return;
        }
      if (req->done)
        {
          finish_request (task, NULL);
          return;
        }
    }
  else
    {
      gboolean ok = req->status >= 200 && req->status < 300;

      if (req->raw->len + size > (ok ? MAX_ANSWER_BODY : MAX_ERROR_BODY))
        {
          if (ok)
            {
              finish_request (task, g_error_new_literal (HANDOFF_AI_ERROR,
                                                         HANDOFF_AI_ERROR_INVALID_RESPONSE,
                                                         "The AI endpoint's answer is too large"));
              return;
            }
          /* Enough of an error body to classify it. */
          on_eof (task);
          return;
        }
      g_byte_array_append (req->raw, (const guint8 *) data, size);
    }
  read_next (task);
}

static void
read_next (GTask *task)
{
  Request *req = g_task_get_task_data (task);

  arm_timeout (task);
  g_input_stream_read_bytes_async (req->stream, READ_SIZE, G_PRIORITY_DEFAULT, req->op_cancel,
                                   on_read, g_object_ref (task));
}

static void
on_sent (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Request *req = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  const char *content_type;

  req->stream = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  if (req->finished)
    return;
  if (req->stream == NULL)
    {
      handle_transport_error (task, g_steal_pointer (&error));
      return;
    }
  req->status = soup_message_get_status (req->msg);
  content_type = soup_message_headers_get_content_type (
    soup_message_get_response_headers (req->msg), NULL);
  req->is_sse = g_strcmp0 (content_type, "text/event-stream") == 0;
  req->raw = g_byte_array_new ();
  if (req->is_sse)
    req->parser = handoff_sse_parser_new (on_sse_event, task);
  read_next (task);
}

static void
start_attempt (GTask *task)
{
  Request *req = g_task_get_task_data (task);
  SoupMessageHeaders *headers;

  req->msg = soup_message_new ("POST", req->url);
  headers = soup_message_get_request_headers (req->msg);
  if (req->api_key != NULL && *req->api_key != '\0')
    {
      g_autofree char *bearer = g_strdup_printf ("Bearer %s", req->api_key);
      soup_message_headers_replace (headers, "Authorization", bearer);
    }
  soup_message_headers_replace (headers, "Accept", (req->flags & HANDOFF_CHAT_STREAM)
                                                     ? "text/event-stream"
                                                     : "application/json");
  soup_message_set_request_body_from_bytes (req->msg, "application/json", req->body);
  req->status = 0;
  req->done = FALSE;
  g_clear_pointer (&req->finish_reason, g_free);

  arm_timeout (task);
  soup_session_send_async (req->session, req->msg, G_PRIORITY_DEFAULT, req->op_cancel,
                           on_sent, g_object_ref (task));
}


void
handoff_chat_request_run (GTask                          *task,
                          const HandoffChatRequestConfig *config,
                          GBytes                         *body,
                          HandoffChatFlags                flags,
                          HandoffChatDeltaFunc            delta_func,
                          gpointer                        delta_data,
                          GCancellable                   *cancellable)
{
  Request *req = g_new0 (Request, 1);

  req->session = g_object_ref (config->session);
  req->base_url = g_strdup (config->base_url);
  req->model = g_strdup (config->model);
  req->api_key = g_strdup (config->api_key);
  req->timeout_ms = config->timeout_ms;
  req->max_retries = config->max_retries;
  req->max_retry_delay_ms = config->max_retry_delay_ms;
  req->url = g_strconcat (config->base_url, "/chat/completions", NULL);
  req->body = g_bytes_ref (body);
  req->flags = flags;
  req->delta_func = delta_func;
  req->delta_data = delta_data;
  req->text = g_string_new (NULL);
  req->op_cancel = g_cancellable_new ();
  g_task_set_task_data (task, req, request_free);

  if (cancellable != NULL)
    {
      req->user_cancel = g_object_ref (cancellable);
      req->user_cancel_id = g_cancellable_connect (cancellable, G_CALLBACK (on_user_cancelled),
                                                   g_object_ref (req->op_cancel),
                                                   g_object_unref);
    }
  start_attempt (task);
}
