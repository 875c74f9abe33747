/* handoff-server-events.c: per-agent event stream over WebSocket, resumable by seq
 *
 * Events are rows of the store, written in the same transaction as the state
 * change they report, so a client that reconnects with ?since=<seq> gets
 * exactly what it missed, even across a server restart.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "handoff-server"

#include "handoff-server-private.h"

#include <string.h>

#define EVENT_RETENTION_MS (7 * 24 * 3600 * (gint64) 1000)
#define REPLAY_LIMIT 10000

static char *
event_text (gint64      seq,
            const char *type,
            gint64      time_ms,
            JsonNode   *data)
{
  g_autoptr(JsonObject) obj = json_object_new ();
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *time = handoff_time_format_ms (time_ms);

  json_object_set_int_member (obj, "seq", seq);
  json_object_set_string_member (obj, "type", type);
  json_object_set_string_member (obj, "time", time);
  json_object_set_member (obj, "data", json_node_copy (data));
  json_node_set_object (node, obj);
  return json_to_string (node, FALSE);
}

gboolean
handoff_server_event (HandoffServer *self,
                      const char    *agent_id,
                      const char    *type,
                      JsonObject    *data,
                      GError       **error)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *data_text = NULL;
  gint64 now = handoff_now_ms ();
  char **pending;

  if (agent_id == NULL)
    return TRUE;
  json_node_set_object (node, data);
  data_text = json_to_string (node, FALSE);
  if (handoff_store_exec (self->store,
                          "INSERT INTO events (agent_id, type, time, data) VALUES (?, ?, ?, ?)",
                          g_variant_new ("(ssxs)", agent_id, type, now, data_text), error) != 1)
    return FALSE;
  pending = g_new0 (char *, 4);
  pending[0] = g_strdup (agent_id);
  pending[1] = event_text (handoff_store_last_insert_rowid (self->store), type, now, node);
  pending[2] = g_strdup (type);
  g_ptr_array_add (self->pending_events, pending);
  return TRUE;
}

void
handoff_server_events_discard (HandoffServer *self)
{
  g_ptr_array_set_size (self->pending_events, 0);
}

void
handoff_server_events_flush (HandoffServer *self)
{
  gboolean presence_affected = FALSE;

  for (guint i = 0; i < self->pending_events->len; i++)
    {
      char **pending = g_ptr_array_index (self->pending_events, i);
      GPtrArray *sockets = g_hash_table_lookup (self->sockets, pending[0]);

      presence_affected |= handoff_server_presence_affected_by (pending[2]);

      for (guint j = 0; sockets != NULL && j < sockets->len; j++)
        {
          SoupWebsocketConnection *conn = g_ptr_array_index (sockets, j);

          if (soup_websocket_connection_get_state (conn) == SOUP_WEBSOCKET_STATE_OPEN)
            {
              soup_websocket_connection_send_text (conn, pending[1]);
              self->metrics.events_sent++;
            }
        }
    }
  g_ptr_array_set_size (self->pending_events, 0);
  /* After the change itself went out (it is committed), and with the pending
   * list empty: telling everyone appends and flushes events of its own. */
  if (presence_affected)
    handoff_server_presence_check (self);
}

void
handoff_server_event_all (HandoffServer *self,
                          const char    *type,
                          JsonObject    *data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) agents = handoff_store_query (self->store, "SELECT id FROM agents", NULL,
                                                     &error);

  if (agents == NULL || !handoff_store_begin (self->store, &error))
    goto fail;
  for (guint i = 0; i < json_array_get_length (agents); i++)
    {
      JsonObject *row = json_array_get_object_element (agents, i);
      if (!handoff_server_event (self, json_object_get_string_member (row, "id"), type, data,
                                 &error))
        {
          handoff_store_rollback (self->store);
          goto fail;
        }
    }
  if (!handoff_store_commit (self->store, &error))
    goto fail;
  handoff_server_events_flush (self);
  return;

fail:
  handoff_server_events_discard (self);
  g_warning ("Could not record %s events: %s", type, error ? error->message : "?");
}

gboolean
handoff_server_agent_online (HandoffServer *self,
                             const char    *agent_id)
{
  GPtrArray *sockets = g_hash_table_lookup (self->sockets, agent_id);

  return sockets != NULL && sockets->len > 0;
}

/* One event stream, bound to the session it was opened with. */
typedef struct {
  HandoffServer           *server;
  SoupWebsocketConnection *conn;          /* not owned: lives while connected */
  char                    *agent_id;
  char                    *session_hash;
  guint                    expiry_id;
} SocketData;

#define SOCKET_DATA_KEY "handoff-socket"

static void schedule_expiry (SocketData *data,
                             gint64      expires_ms);

static gboolean
session_expired (gpointer user_data)
{
  SocketData *data = user_data;
  gint64 expires = handoff_store_query_int (data->server->store,
                                            "SELECT expires_at FROM sessions WHERE token_hash = ?",
                                            g_variant_new ("(s)", data->session_hash), 0, NULL);

  data->expiry_id = 0;
  if (expires > handoff_now_ms ())
    schedule_expiry (data, expires);
  else if (soup_websocket_connection_get_state (data->conn) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (data->conn, 4401, "session expired");
  return G_SOURCE_REMOVE;
}

static void
schedule_expiry (SocketData *data,
                 gint64      expires_ms)
{
  gint64 wait = MAX (expires_ms - handoff_now_ms (), 0) + 20;

  g_clear_handle_id (&data->expiry_id, g_source_remove);
  data->expiry_id = g_timeout_add ((guint) MIN (wait, G_MAXINT), session_expired, data);
}

static void
socket_closed (SoupWebsocketConnection *conn,
               gpointer                 user_data)
{
  SocketData *data = user_data;
  GPtrArray *sockets = g_hash_table_lookup (data->server->sockets, data->agent_id);

  g_clear_handle_id (&data->expiry_id, g_source_remove);
  if (sockets != NULL)
    {
      g_ptr_array_remove (sockets, conn);
      if (sockets->len == 0)
        g_hash_table_remove (data->server->sockets, data->agent_id);
    }
}

/* Owned by the connection (its qdata), so it lives exactly as long. */
static void
socket_data_free (gpointer user_data)
{
  SocketData *data = user_data;

  g_clear_handle_id (&data->expiry_id, g_source_remove);
  g_free (data->agent_id);
  g_free (data->session_hash);
  g_free (data);
}

/* Calls `func` for every open stream of the session `hash`. */
static void
foreach_session_socket (HandoffServer *self,
                        const char    *hash,
                        void         (*func) (SocketData *data, gpointer user_data),
                        gpointer       user_data)
{
  g_autoptr(GPtrArray) matching = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->sockets);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      GPtrArray *sockets = value;

      for (guint i = 0; i < sockets->len; i++)
        {
          SocketData *data = g_object_get_data (sockets->pdata[i], SOCKET_DATA_KEY);

          if (data != NULL && g_strcmp0 (data->session_hash, hash) == 0)
            g_ptr_array_add (matching, data);
        }
    }
  /* Collected first: closing a socket changes the table. */
  for (guint i = 0; i < matching->len; i++)
    func (matching->pdata[i], user_data);
}

typedef struct {
  const char *hash;
  gint64 expires_ms;
} Move;

static void
move_socket (SocketData *data,
             gpointer    user_data)
{
  Move *move = user_data;

  g_free (data->session_hash);
  data->session_hash = g_strdup (move->hash);
  schedule_expiry (data, move->expires_ms);
}

void
handoff_server_events_move_session (HandoffServer *self,
                                    const char    *old_hash,
                                    const char    *new_hash,
                                    gint64         expires_ms)
{
  Move move = { new_hash, expires_ms };

  foreach_session_socket (self, old_hash, move_socket, &move);
}

static void
end_socket (SocketData *data,
            gpointer    user_data)
{
  if (soup_websocket_connection_get_state (data->conn) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (data->conn, 4401, user_data);
}

void
handoff_server_events_end_session (HandoffServer *self,
                                   const char    *hash,
                                   const char    *reason)
{
  foreach_session_socket (self, hash, end_socket, (gpointer) reason);
}

static void
websocket_callback (SoupServer              *soup,
                    SoupServerMessage       *msg,
                    const char              *path,
                    SoupWebsocketConnection *conn,
                    gpointer                 user_data)
{
  HandoffServer *self = HANDOFF_SERVER (user_data);
  g_autoptr(JsonObject) agent = NULL;
  g_autoptr(JsonArray) rows = NULL;
  g_autoptr(GHashTable) params = NULL;
  const char *query = g_uri_get_query (soup_server_message_get_uri (msg));
  const char *since_text;
  GPtrArray *sockets;
  SocketData *data;
  guint64 since = 0;
  const char *agent_id;
  g_autofree char *hash = NULL;

  agent = handoff_server_lookup_session (
    self, soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                        "Authorization"), &hash);
  if (agent == NULL)
    {
      /* The early handler checked already; the session ended in between. */
      soup_websocket_connection_close (conn, 4401, "unauthorized");
      return;
    }
  agent_id = json_object_get_string_member (agent, "id");
  if (query != NULL)
    params = g_uri_parse_params (query, -1, "&", G_URI_PARAMS_NONE, NULL);
  since_text = params ? g_hash_table_lookup (params, "since") : NULL;
  if (since_text != NULL
      && !g_ascii_string_to_unsigned (since_text, 10, 0, G_MAXINT64, &since, NULL))
    {
      soup_websocket_connection_close (conn, SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION,
                                       "since must be a sequence number");
      return;
    }

  soup_websocket_connection_set_keepalive_interval (conn, 30);
  if (since_text != NULL)
    {
      rows = handoff_store_query (self->store,
                                  "SELECT seq, type, time, data FROM events "
                                  "WHERE agent_id = ? AND seq > ? ORDER BY seq LIMIT 10000",
                                  g_variant_new ("(sx)", agent_id, (gint64) since), NULL);
      for (guint i = 0; rows != NULL && i < json_array_get_length (rows); i++)
        {
          g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
          g_autofree char *text = NULL;

          json_node_set_object (node, json_array_get_object_element (rows, i));
          text = json_to_string (node, FALSE);
          soup_websocket_connection_send_text (conn, text);
          self->metrics.events_sent++;
        }
    }

  sockets = g_hash_table_lookup (self->sockets, agent_id);
  if (sockets == NULL)
    {
      sockets = g_ptr_array_new_with_free_func (g_object_unref);
      g_hash_table_insert (self->sockets, g_strdup (agent_id), sockets);
    }
  g_ptr_array_add (sockets, g_object_ref (conn));
  data = g_new0 (SocketData, 1);
  data->server = self;
  data->conn = conn;
  data->agent_id = g_strdup (agent_id);
  data->session_hash = g_steal_pointer (&hash);
  g_object_set_data_full (G_OBJECT (conn), SOCKET_DATA_KEY, data, socket_data_free);
  schedule_expiry (data, handoff_store_query_int (self->store,
                                                  "SELECT expires_at FROM sessions "
                                                  "WHERE token_hash = ?",
                                                  g_variant_new ("(s)", data->session_hash),
                                                  0, NULL));
  g_signal_connect (conn, "closed", G_CALLBACK (socket_closed), data);
}

void
handoff_server_events_setup (HandoffServer *self)
{
  handoff_store_exec (self->store, "DELETE FROM events WHERE time < ?",
                      g_variant_new ("(x)", handoff_now_ms () - EVENT_RETENTION_MS), NULL);
  soup_server_add_websocket_handler (self->soup, "/api/v1/events", NULL, NULL,
                                     websocket_callback, self, NULL);
}

void
handoff_server_events_close (HandoffServer *self)
{
  g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func (g_object_unref);
  GHashTableIter iter;
  gpointer value;

  if (self->sockets == NULL)
    return;
  g_hash_table_iter_init (&iter, self->sockets);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      GPtrArray *sockets = value;
      for (guint i = 0; i < sockets->len; i++)
        g_ptr_array_add (all, g_object_ref (g_ptr_array_index (sockets, i)));
    }
  for (guint i = 0; i < all->len; i++)
    {
      SoupWebsocketConnection *conn = g_ptr_array_index (all, i);
      SocketData *data = g_object_get_data (G_OBJECT (conn), SOCKET_DATA_KEY);

      if (data != NULL)
        g_clear_handle_id (&data->expiry_id, g_source_remove);
      g_signal_handlers_disconnect_matched (conn, G_SIGNAL_MATCH_FUNC, 0, 0, NULL, socket_closed,
                                            NULL);
      if (soup_websocket_connection_get_state (conn) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_close (conn, SOUP_WEBSOCKET_CLOSE_GOING_AWAY, "shutting down");
    }
  g_hash_table_remove_all (self->sockets);
}
