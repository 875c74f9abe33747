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
  pending = g_new0 (char *, 3);
  pending[0] = g_strdup (agent_id);
  pending[1] = event_text (handoff_store_last_insert_rowid (self->store), type, now, node);
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
  for (guint i = 0; i < self->pending_events->len; i++)
    {
      char **pending = g_ptr_array_index (self->pending_events, i);
      GPtrArray *sockets = g_hash_table_lookup (self->sockets, pending[0]);

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

typedef struct {
  HandoffServer *server;
  char *agent_id;
} SocketData;

static void
socket_closed (SoupWebsocketConnection *conn,
               gpointer                 user_data)
{
  SocketData *data = user_data;
  GPtrArray *sockets = g_hash_table_lookup (data->server->sockets, data->agent_id);

  if (sockets != NULL)
    {
      g_ptr_array_remove (sockets, conn);
      if (sockets->len == 0)
        g_hash_table_remove (data->server->sockets, data->agent_id);
    }
}

static void
socket_data_free (gpointer  user_data,
                  GClosure *closure)
{
  SocketData *data = user_data;

  g_free (data->agent_id);
  g_free (data);
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

  agent = handoff_server_lookup_session (
    self, soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                        "Authorization"), NULL);
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
  data->agent_id = g_strdup (agent_id);
  g_signal_connect_data (conn, "closed", G_CALLBACK (socket_closed), data, socket_data_free, 0);
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

      g_signal_handlers_disconnect_matched (conn, G_SIGNAL_MATCH_FUNC, 0, 0, NULL, socket_closed,
                                            NULL);
      if (soup_websocket_connection_get_state (conn) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_close (conn, SOUP_WEBSOCKET_CLOSE_GOING_AWAY, "shutting down");
    }
  g_hash_table_remove_all (self->sockets);
}
