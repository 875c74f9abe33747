/* lk-signal-client.c: LiveKit's signal connection (WebSocket + protobuf)
 *
 * Protocol version: we announce 15. The server (v1.13.5) speaks 17; what a
 * client version changes is which server behaviour it opts into. 15 gives
 * everything we rely on (subscriber-primary with fast start >7, disconnect
 * updates on resume >8, packed stream ids, identity-based reconnection >11,
 * OK request responses >14, which we simply ignore). 16 adds room moves
 * (RoomMovedResponse, a LiveKit Cloud feature we do not implement) and 17 the
 * single-PC era's extras; announcing them would promise handling we lack.
 * It is also the version the probe of livekit-facts.md §10 validated.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-signal"

#include "config.h"

#include <libsoup/soup.h>
#include <string.h>

#include "lk-error.h"
#include "lk-main-context.h"
#include "lk-signal-client.h"

#define DEFAULT_CONNECT_TIMEOUT_MS 10000
/* A JoinResponse for a crowded room is larger than libsoup's 128 KiB default. */
#define MAX_INCOMING_PAYLOAD (8 * 1024 * 1024)

enum {
  SIGNAL_MESSAGE,
  SIGNAL_CLOSED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

struct _LkSignalClient {
  GObject parent_instance;

  SoupSession *session;
  SoupWebsocketConnection *ws;
  gulong message_id;
  gulong closed_id;
  guint connect_timeout_ms;

  GTask *connect_task;       /* waiting for the first message */
  GError *ws_error;          /* last "error" of the WebSocket */

  guint keepalive_id;
  guint ping_timeout_s;
  gint64 last_rx_us;
  gint64 rtt_ms;
  gboolean closed_emitted;
  gboolean auto_subscribe;
  /* A leave as the first message: what the server asked for (-1: none). */
  int refusal_reason;
  int refusal_action;
};

G_DEFINE_FINAL_TYPE (LkSignalClient, lk_signal_client, G_TYPE_OBJECT)

typedef struct {
  char *http_url;
  char *token;
  SoupMessage *msg;
  GCancellable *internal;
  GCancellable *caller;
  gulong caller_id;
  guint timeout_id;
  gboolean timed_out;
} ConnectData;

static void
connect_data_free (ConnectData *data)
{
  if (data->caller != NULL && data->caller_id != 0)
    g_cancellable_disconnect (data->caller, data->caller_id);
  g_clear_handle_id (&data->timeout_id, g_source_remove);
  g_clear_object (&data->caller);
  g_clear_object (&data->internal);
  g_clear_object (&data->msg);
  g_free (data->http_url);
  /* The token is a credential: wipe it before freeing. */
  if (data->token != NULL)
    memset (data->token, 0, strlen (data->token));
  g_free (data->token);
  g_free (data);
}

static char *
build_url (const char *url,
           const char *path,
           const char *resume_sid,
           gboolean    auto_subscribe);

char *
lk_signal_client_build_url (const char *url,
                            const char *path,
                            const char *resume_sid)
{
  return build_url (url, path, resume_sid, TRUE);
}

static char *
build_url (const char *url,
           const char *path,
           const char *resume_sid,
           gboolean    auto_subscribe)
{
  g_autoptr(GString) s = NULL;
  const char *rest;

  g_return_val_if_fail (url != NULL, NULL);

  /* Both the WebSocket and the validate request go over http(s). */
  if (g_str_has_prefix (url, "wss://"))
    {
      s = g_string_new ("https://");
      rest = url + 6;
    }
  else if (g_str_has_prefix (url, "ws://"))
    {
      s = g_string_new ("http://");
      rest = url + 5;
    }
  else if (g_str_has_prefix (url, "https://"))
    {
      s = g_string_new ("https://");
      rest = url + 8;
    }
  else if (g_str_has_prefix (url, "http://"))
    {
      s = g_string_new ("http://");
      rest = url + 7;
    }
  else
    return NULL;
  g_string_append (s, rest);
  while (s->len > 0 && s->str[s->len - 1] == '/')
    g_string_truncate (s, s->len - 1);
  g_string_append (s, path);
  g_string_append_printf (s, "?protocol=%d&sdk=cpp&version=%s&os=linux&auto_subscribe=%d"
                          "&adaptive_stream=0",
                          LK_SIGNAL_PROTOCOL_VERSION, PACKAGE_VERSION, auto_subscribe ? 1 : 0);
  if (resume_sid != NULL)
    {
      g_autofree char *sid = g_uri_escape_string (resume_sid, NULL, FALSE);
      g_string_append_printf (s, "&reconnect=1&sid=%s", sid);
    }
  return g_string_free (g_steal_pointer (&s), FALSE);
}

static void
emit_closed (LkSignalClient *self,
             GError         *error)
{
  if (self->closed_emitted)
    return;
  self->closed_emitted = TRUE;
  g_clear_handle_id (&self->keepalive_id, g_source_remove);
  g_signal_emit (self, signals[SIGNAL_CLOSED], 0, error);
}

static void
drop_ws (LkSignalClient *self)
{
  if (self->ws == NULL)
    return;
  g_clear_signal_handler (&self->message_id, self->ws);
  g_clear_signal_handler (&self->closed_id, self->ws);
  g_signal_handlers_disconnect_by_data (self->ws, self);
  if (soup_websocket_connection_get_state (self->ws) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (self->ws, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
  g_clear_object (&self->ws);
}

/* A failure of the connection itself: finish a pending connect, or tell the
 * room the session is gone. */
static void
fail (LkSignalClient *self,
      GError         *error)
{
  drop_ws (self);
  if (self->connect_task != NULL)
    {
      GTask *task = g_steal_pointer (&self->connect_task);
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  emit_closed (self, error);
  g_error_free (error);
}

static void
free_response (gpointer response)
{
  livekit__signal_response__free_unpacked (response, NULL);
}

static void
on_ws_message (SoupWebsocketConnection *ws,
               int                      type,
               GBytes                  *message,
               gpointer                 user_data)
{
  LkSignalClient *self = user_data;
  Livekit__SignalResponse *response;
  gsize len;
  const guint8 *data = g_bytes_get_data (message, &len);

  self->last_rx_us = g_get_monotonic_time ();
  if (type != SOUP_WEBSOCKET_DATA_BINARY)
    {
      fail (self, g_error_new (LK_ERROR, LK_ERROR_PROTOCOL,
                               "the server sent a text frame; expected binary protobuf"));
      return;
    }
  response = livekit__signal_response__unpack (NULL, len, data);
  if (response == NULL || response->message_case == LIVEKIT__SIGNAL_RESPONSE__MESSAGE__NOT_SET)
    {
      /* NOT_SET also covers messages newer than our subset: those are
       * ignored, but only once we are joined; as a first message they
       * cannot be a join. */
      if (response != NULL && self->connect_task == NULL)
        {
          livekit__signal_response__free_unpacked (response, NULL);
          return;
        }
      if (response != NULL)
        livekit__signal_response__free_unpacked (response, NULL);
      fail (self, g_error_new (LK_ERROR, LK_ERROR_PROTOCOL,
                               "the server sent %" G_GSIZE_FORMAT " bytes that are not a "
                               "LiveKit SignalResponse", len));
      return;
    }

  if (self->connect_task != NULL)
    {
      GTask *task = g_steal_pointer (&self->connect_task);

      switch (response->message_case)
        {
        case LIVEKIT__SIGNAL_RESPONSE__MESSAGE_JOIN:
        case LIVEKIT__SIGNAL_RESPONSE__MESSAGE_RECONNECT:
          g_task_return_pointer (task, response, free_response);
          break;
        case LIVEKIT__SIGNAL_RESPONSE__MESSAGE_LEAVE:
          self->refusal_reason = response->leave->reason;
          self->refusal_action = response->leave->action;
          g_task_return_new_error (task, LK_ERROR, LK_ERROR_DISCONNECTED,
                                   "the server refused the session (leave, reason %d, action %d)",
                                   response->leave->reason, response->leave->action);
          livekit__signal_response__free_unpacked (response, NULL);
          drop_ws (self);
          break;
        default:
          g_task_return_new_error (task, LK_ERROR, LK_ERROR_PROTOCOL,
                                   "unexpected first message %d from the server",
                                   response->message_case);
          livekit__signal_response__free_unpacked (response, NULL);
          drop_ws (self);
          break;
        }
      g_object_unref (task);
      return;
    }

  if (response->message_case == LIVEKIT__SIGNAL_RESPONSE__MESSAGE_PONG_RESP)
    self->rtt_ms = g_get_real_time () / 1000 - response->pong_resp->last_ping_timestamp;

  g_object_ref (self);
  g_signal_emit (self, signals[SIGNAL_MESSAGE], 0, response);
  g_object_unref (self);
  livekit__signal_response__free_unpacked (response, NULL);
}

static void
on_ws_error (SoupWebsocketConnection *ws,
             GError                  *error,
             gpointer                 user_data)
{
  LkSignalClient *self = user_data;

  g_clear_error (&self->ws_error);
  self->ws_error = g_error_copy (error);
}

static void
on_ws_closed (SoupWebsocketConnection *ws,
              gpointer                 user_data)
{
  LkSignalClient *self = user_data;
  gushort code = soup_websocket_connection_get_close_code (ws);

  fail (self, g_error_new (LK_ERROR, LK_ERROR_DISCONNECTED,
                           "the signal connection closed (code %u%s%s)", code,
                           self->ws_error ? ": " : "",
                           self->ws_error ? self->ws_error->message : ""));
}

/* The server's refusal, fit for an error message: livekit-server quotes the
 * whole token ("invalid token: <jwt>, error: ..."), which must not travel
 * further than this function. */
static char *
scrub_reason (const char *body,
              gsize       len,
              const char *token)
{
  g_autoptr(GString) s = g_string_new_len (body, MIN (len, 64 * 1024));
  char *out;

  if (token != NULL && *token != '\0')
    g_string_replace (s, token, "<token>", 0);
  if (s->len > 400)
    g_string_truncate (s, 400);
  out = g_string_free (g_steal_pointer (&s), FALSE);
  return g_strstrip (out);
}

static void
on_validated (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ConnectData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  g_autofree char *reason = NULL;
  guint status;

  if (body == NULL)
    {
      g_task_return_new_error (task, LK_ERROR, LK_ERROR_SERVER_UNREACHABLE,
                               "the server refused the WebSocket and its reason could not be read: %s",
                               error->message);
      return;
    }
  status = soup_message_get_status (msg);
  reason = scrub_reason (g_bytes_get_data (body, NULL), g_bytes_get_size (body), data->token);
  if (!g_utf8_validate (reason, -1, NULL))
    {
      g_free (reason);
      reason = g_strdup ("(unreadable reason)");
    }

  switch (status)
    {
    case SOUP_STATUS_UNAUTHORIZED:
    case SOUP_STATUS_FORBIDDEN:
      g_task_return_new_error (task, LK_ERROR, LK_ERROR_UNAUTHORIZED,
                               "the server refused the token: %s", reason);
      break;
    case SOUP_STATUS_NOT_FOUND:
      g_task_return_new_error (task, LK_ERROR, LK_ERROR_ROOM_NOT_FOUND,
                               "the room does not exist: %s", reason);
      break;
    case SOUP_STATUS_SERVICE_UNAVAILABLE:
      g_task_return_new_error (task, LK_ERROR, LK_ERROR_ROOM_FULL,
                               "the room or server is full: %s", reason);
      break;
    case SOUP_STATUS_OK:
      /* livekit-server starts the session before it upgrades: a failure
       * there (a room at its participant limit is one) is a 500 whose
       * reason libsoup does not hand over, and the token checks out. */
      if (SOUP_STATUS_IS_SERVER_ERROR (soup_message_get_status (data->msg)))
        g_task_return_new_error (task, LK_ERROR, LK_ERROR_FAILED,
                                 "the server could not start the session (HTTP %u; a full room "
                                 "is answered so)", soup_message_get_status (data->msg));
      else
        g_task_return_new_error (task, LK_ERROR, LK_ERROR_PROTOCOL,
                                 "the server accepted the request but refused the WebSocket "
                                 "upgrade (HTTP %u)", soup_message_get_status (data->msg));
      break;
    default:
      g_task_return_new_error (task, LK_ERROR, LK_ERROR_FAILED,
                               "the server refused the connection (HTTP %u): %s", status, reason);
      break;
    }
}

static void
on_ws_connected (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  LkSignalClient *self = g_task_get_source_object (task);
  ConnectData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  SoupWebsocketConnection *ws;
  guint status;

  ws = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &error);
  if (ws == NULL)
    {
      if (data->timed_out)
        {
          g_task_return_new_error (task, LK_ERROR, LK_ERROR_SERVER_UNREACHABLE,
                                   "no answer from the server within %u ms",
                                   self->connect_timeout_ms);
          return;
        }
      if (g_cancellable_is_cancelled (data->caller))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      status = soup_message_get_status (data->msg);
      if (status >= 300)
        {
          /* The refusal's body is not readable from a failed upgrade; ask
           * the validate endpoint, which checks the same things and says why. */
          g_autofree char *url = NULL;
          g_autoptr(SoupMessage) msg = NULL;
          g_autofree char *bearer = g_strdup_printf ("Bearer %s", data->token);
          const char *query = strchr (data->http_url, '?');

          url = g_strdup_printf ("%.*s/validate%s", (int) (query - data->http_url),
                                 data->http_url, query);
          msg = soup_message_new ("GET", url);
          soup_message_headers_append (soup_message_get_request_headers (msg), "Authorization", bearer);
          memset (bearer, 0, strlen (bearer));
          soup_session_send_and_read_async (self->session, msg, G_PRIORITY_DEFAULT, data->internal,
                                            on_validated, g_steal_pointer (&task));
          return;
        }
      g_task_return_new_error (task, LK_ERROR, LK_ERROR_SERVER_UNREACHABLE,
                               "cannot reach the server: %s", error->message);
      return;
    }

  drop_ws (self);
  self->ws = ws;
  self->closed_emitted = FALSE;
  g_clear_error (&self->ws_error);
  soup_websocket_connection_set_max_incoming_payload_size (ws, MAX_INCOMING_PAYLOAD);
  self->message_id = g_signal_connect (ws, "message", G_CALLBACK (on_ws_message), self);
  self->closed_id = g_signal_connect (ws, "closed", G_CALLBACK (on_ws_closed), self);
  g_signal_connect (ws, "error", G_CALLBACK (on_ws_error), self);
  self->last_rx_us = g_get_monotonic_time ();

  /* The first message decides; the timeout stays armed until it arrives. */
  g_clear_object (&self->connect_task);
  self->connect_task = g_steal_pointer (&task);
}

static gboolean
on_connect_timeout (gpointer user_data)
{
  GTask *task = user_data;
  LkSignalClient *self = g_task_get_source_object (task);
  ConnectData *data = g_task_get_task_data (task);

  data->timeout_id = 0;
  data->timed_out = TRUE;
  g_cancellable_cancel (data->internal);
  if (self->connect_task == task)
    fail (self, g_error_new (LK_ERROR, LK_ERROR_SERVER_UNREACHABLE,
                             "the server did not answer the join within %u ms",
                             self->connect_timeout_ms));
  return G_SOURCE_REMOVE;
}

static void
on_caller_cancelled (GCancellable *cancellable,
                     gpointer      user_data)
{
  ConnectData *data = user_data;

  g_cancellable_cancel (data->internal);
}

static gboolean
cancel_pending_connect (gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  LkSignalClient *self = g_task_get_source_object (task);

  if (self->connect_task == task)
    fail (self, g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED, "connect cancelled"));
  return G_SOURCE_REMOVE;
}

static void
on_caller_cancelled_main (GCancellable *cancellable,
                          GTask        *task)
{
  /* Runs in the canceller's thread; finish in ours. */
  lk_main_context_invoke (g_task_get_context (task), G_PRIORITY_DEFAULT, cancel_pending_connect,
                          g_object_ref (task), NULL);
}

void
lk_signal_client_connect_async (LkSignalClient      *self,
                                const char          *url,
                                const char          *token,
                                const char          *resume_sid,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *bearer = NULL;
  ConnectData *data;

  g_return_if_fail (LK_IS_SIGNAL_CLIENT (self));
  g_return_if_fail (url != NULL);
  g_return_if_fail (token != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, lk_signal_client_connect_async);
  self->refusal_reason = self->refusal_action = -1;

  data = g_new0 (ConnectData, 1);
  data->http_url = build_url (url, "/rtc", resume_sid, self->auto_subscribe);
  data->token = g_strdup (token);
  data->internal = g_cancellable_new ();
  g_task_set_task_data (task, data, (GDestroyNotify) connect_data_free);
  if (data->http_url == NULL)
    {
      g_task_return_new_error (task, LK_ERROR, LK_ERROR_INVALID_ARGUMENT,
                               "not a ws://, wss://, http:// or https:// URL: %s", url);
      return;
    }
  if (self->connect_task != NULL)
    {
      g_task_return_new_error (task, LK_ERROR, LK_ERROR_FAILED, "already connecting");
      return;
    }
  drop_ws (self);

  if (cancellable != NULL)
    {
      data->caller = g_object_ref (cancellable);
      data->caller_id = g_cancellable_connect (cancellable, G_CALLBACK (on_caller_cancelled),
                                               data, NULL);
      g_signal_connect_object (cancellable, "cancelled", G_CALLBACK (on_caller_cancelled_main),
                               task, 0);
    }
  data->timeout_id = g_timeout_add (self->connect_timeout_ms, on_connect_timeout, task);

  data->msg = soup_message_new ("GET", data->http_url);
  bearer = g_strdup_printf ("Bearer %s", token);
  soup_message_headers_append (soup_message_get_request_headers (data->msg), "Authorization", bearer);
  memset (bearer, 0, strlen (bearer));
  soup_session_websocket_connect_async (self->session, data->msg, NULL, NULL, G_PRIORITY_DEFAULT,
                                        data->internal, on_ws_connected, g_steal_pointer (&task));
}

Livekit__SignalResponse *
lk_signal_client_connect_finish (LkSignalClient  *self,
                                 GAsyncResult    *result,
                                 GError         **error)
{
  g_return_val_if_fail (LK_IS_SIGNAL_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static gboolean
on_keepalive (gpointer user_data)
{
  LkSignalClient *self = user_data;
  Livekit__SignalRequest req = LIVEKIT__SIGNAL_REQUEST__INIT;
  Livekit__Ping ping = LIVEKIT__PING__INIT;
  gint64 silent_s = (g_get_monotonic_time () - self->last_rx_us) / G_USEC_PER_SEC;

  if (self->ping_timeout_s > 0 && silent_s >= self->ping_timeout_s)
    {
      self->keepalive_id = 0;
      fail (self, g_error_new (LK_ERROR, LK_ERROR_SERVER_UNREACHABLE,
                               "no message from the server for %" G_GINT64_FORMAT " s", silent_s));
      return G_SOURCE_REMOVE;
    }
  ping.timestamp = g_get_real_time () / 1000;
  ping.rtt = self->rtt_ms;
  req.message_case = LIVEKIT__SIGNAL_REQUEST__MESSAGE_PING_REQ;
  req.ping_req = &ping;
  lk_signal_client_send (self, &req, NULL);
  return G_SOURCE_CONTINUE;
}

void
lk_signal_client_start_keepalive (LkSignalClient *self,
                                  guint           interval_s,
                                  guint           timeout_s)
{
  g_return_if_fail (LK_IS_SIGNAL_CLIENT (self));

  g_clear_handle_id (&self->keepalive_id, g_source_remove);
  self->ping_timeout_s = timeout_s;
  /* Check often enough to notice the timeout within a second of it. */
  if (interval_s == 0)
    interval_s = 5;
  self->keepalive_id = g_timeout_add_seconds (MIN (interval_s, MAX (timeout_s / 3, 1)),
                                              on_keepalive, self);
}

gint64
lk_signal_client_get_rtt_ms (LkSignalClient *self)
{
  g_return_val_if_fail (LK_IS_SIGNAL_CLIENT (self), 0);
  return self->rtt_ms;
}

gboolean
lk_signal_client_send (LkSignalClient               *self,
                       const Livekit__SignalRequest *request,
                       GError                      **error)
{
  gsize len;
  g_autofree guint8 *buf = NULL;

  g_return_val_if_fail (LK_IS_SIGNAL_CLIENT (self), FALSE);
  g_return_val_if_fail (request != NULL, FALSE);

  if (!lk_signal_client_is_open (self))
    {
      g_set_error (error, LK_ERROR, LK_ERROR_DISCONNECTED, "the signal connection is not open");
      return FALSE;
    }
  len = livekit__signal_request__get_packed_size (request);
  buf = g_malloc (MAX (len, 1));
  livekit__signal_request__pack (request, buf);
  soup_websocket_connection_send_binary (self->ws, buf, len);
  return TRUE;
}

gboolean
lk_signal_client_send_packed (LkSignalClient  *self,
                              GBytes          *packed,
                              GError         **error)
{
  gsize len;
  const guint8 *data;

  g_return_val_if_fail (LK_IS_SIGNAL_CLIENT (self), FALSE);

  if (!lk_signal_client_is_open (self))
    {
      g_set_error (error, LK_ERROR, LK_ERROR_DISCONNECTED, "the signal connection is not open");
      return FALSE;
    }
  data = g_bytes_get_data (packed, &len);
  soup_websocket_connection_send_binary (self->ws, data, len);
  return TRUE;
}

gboolean
lk_signal_client_is_open (LkSignalClient *self)
{
  g_return_val_if_fail (LK_IS_SIGNAL_CLIENT (self), FALSE);
  return self->ws != NULL && soup_websocket_connection_get_state (self->ws) == SOUP_WEBSOCKET_STATE_OPEN;
}

void
lk_signal_client_close (LkSignalClient *self)
{
  g_return_if_fail (LK_IS_SIGNAL_CLIENT (self));

  self->closed_emitted = TRUE;
  g_clear_handle_id (&self->keepalive_id, g_source_remove);
  drop_ws (self);
}

void
lk_signal_client_set_connect_timeout (LkSignalClient *self,
                                      guint           timeout_ms)
{
  g_return_if_fail (LK_IS_SIGNAL_CLIENT (self));
  self->connect_timeout_ms = timeout_ms > 0 ? timeout_ms : DEFAULT_CONNECT_TIMEOUT_MS;
}

static void
lk_signal_client_dispose (GObject *object)
{
  LkSignalClient *self = LK_SIGNAL_CLIENT (object);

  lk_signal_client_close (self);
  if (self->connect_task != NULL)
    {
      GTask *task = g_steal_pointer (&self->connect_task);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "signal client disposed");
      g_object_unref (task);
    }
  g_clear_object (&self->session);
  g_clear_error (&self->ws_error);

  G_OBJECT_CLASS (lk_signal_client_parent_class)->dispose (object);
}

static void
lk_signal_client_class_init (LkSignalClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = lk_signal_client_dispose;

  /* (Livekit__SignalResponse *): valid during the emission only. */
  signals[SIGNAL_MESSAGE] = g_signal_new ("message", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
  signals[SIGNAL_CLOSED] = g_signal_new ("closed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                         0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
lk_signal_client_init (LkSignalClient *self)
{
  self->session = soup_session_new_with_options ("user-agent", "handoff/" PACKAGE_VERSION, NULL);
  self->connect_timeout_ms = DEFAULT_CONNECT_TIMEOUT_MS;
  self->auto_subscribe = TRUE;
  self->refusal_reason = self->refusal_action = -1;
}

gboolean
lk_signal_client_get_refusal (LkSignalClient *self,
                              int            *reason,
                              int            *action)
{
  g_return_val_if_fail (LK_IS_SIGNAL_CLIENT (self), FALSE);

  if (self->refusal_action < 0)
    return FALSE;
  if (reason != NULL)
    *reason = self->refusal_reason;
  if (action != NULL)
    *action = self->refusal_action;
  return TRUE;
}

void
lk_signal_client_set_auto_subscribe (LkSignalClient *self,
                                     gboolean        auto_subscribe)
{
  g_return_if_fail (LK_IS_SIGNAL_CLIENT (self));
  self->auto_subscribe = !!auto_subscribe;
}

LkSignalClient *
lk_signal_client_new (void)
{
  return g_object_new (LK_TYPE_SIGNAL_CLIENT, NULL);
}
