/* handoff-account-events.c: the agent's event stream, directory and presence
 *
 * The event stream is one WebSocket per agent. Every event carries a `seq`;
 * on reconnect the account asks for everything after the last one it saw, so
 * a dropped connection loses no offer. Duplicates (seq <= last) are dropped.
 * Reconnects back off 1, 2, 4 ... 15 s; a 401 signs the agent out.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "handoff-account"

#include "config.h"

#include <glib/gi18n.h>

#include "handoff-account-private.h"

HandoffAgentInfo *
handoff_account_find_agent (HandoffAccount *self,
                            const char     *id,
                            guint          *position)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->directory));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(HandoffAgentInfo) a = g_list_model_get_item (G_LIST_MODEL (self->directory), i);
      if (g_strcmp0 (handoff_agent_info_get_id (a), id) == 0)
        {
          if (position)
            *position = i;
          return a;
        }
    }
  return NULL;
}

void
handoff_account_apply_agent (HandoffAccount *self,
                             JsonObject     *obj)
{
  const char *id = handoff_json_get_string (obj, "id", handoff_json_get_string (obj, "username", NULL));
  HandoffAgentInfo *a;

  if (id == NULL)
    return;
  a = handoff_account_find_agent (self, id, NULL);
  if (a != NULL)
    handoff_agent_info_update (a, obj);
  else
    {
      g_autoptr(HandoffAgentInfo) n = handoff_agent_info_new_from_json (obj);
      g_list_store_append (self->directory, n);
    }
}

/* ---- event stream ---- */

static void
schedule_reconnect (HandoffAccount *self);

static gboolean
reconnect_cb (gpointer user_data)
{
  HandoffAccount *self = user_data;

  self->reconnect_id = 0;
  handoff_account_connect_events (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_reconnect (HandoffAccount *self)
{
  if (self->state == HANDOFF_ACCOUNT_SIGNED_OUT || self->reconnect_id != 0)
    return;
  handoff_account_set_state (self, HANDOFF_ACCOUNT_RECONNECTING);
  self->backoff = self->backoff == 0 ? 1 : MIN (self->backoff * 2, 15);
  self->reconnect_id = g_timeout_add_seconds (self->backoff, reconnect_cb, self);
}

static void
handle_event (HandoffAccount *self,
              JsonObject     *event)
{
  gint64 seq = handoff_json_get_int (event, "seq", -1);
  const char *type = handoff_json_get_string (event, "type", NULL);
  JsonObject *data = NULL;

  if (type == NULL)
    return;
  if (seq >= 0)
    {
      if (seq <= self->last_seq)
        return;   /* replayed after a resume */
      self->last_seq = seq;
    }
  if (json_object_has_member (event, "data") &&
      JSON_NODE_HOLDS_OBJECT (json_object_get_member (event, "data")))
    data = json_object_get_object_member (event, "data");
  else
    data = event;

  if (g_str_equal (type, "agent_status"))
    {
      JsonObject *agent = data;

      if (json_object_has_member (data, "agent") && JSON_NODE_HOLDS_OBJECT (json_object_get_member (data, "agent")))
        agent = json_object_get_object_member (data, "agent");
      handoff_account_apply_agent (self, agent);
      if (g_strcmp0 (handoff_json_get_string (agent, "username", NULL), self->username) == 0 &&
          json_object_has_member (agent, "status"))
        handoff_account_set_string_prop (self, &self->presence, handoff_json_get_string (agent, "status", NULL), PROP_PRESENCE);
    }
  g_debug ("event %s seq %" G_GINT64_FORMAT, type, seq);
  handoff_account_emit_event (self, type, data);
}

static void
on_events_message (SoupWebsocketConnection *conn,
                   int                      type,
                   GBytes                  *message,
                   gpointer                 user_data)
{
  HandoffAccount *self = user_data;
  g_autoptr(JsonParser) parser = json_parser_new ();
  gsize size;
  const char *data = g_bytes_get_data (message, &size);
  JsonNode *root;

  if (type != SOUP_WEBSOCKET_DATA_TEXT ||
      !json_parser_load_from_data (parser, data, size, NULL))
    {
      g_warning ("Ignoring a malformed event from the server");
      return;
    }
  root = json_parser_get_root (parser);
  if (JSON_NODE_HOLDS_ARRAY (root))
    {
      JsonArray *arr = json_node_get_array (root);
      for (guint i = 0; i < json_array_get_length (arr); i++)
        if (JSON_NODE_HOLDS_OBJECT (json_array_get_element (arr, i)))
          handle_event (self, json_array_get_object_element (arr, i));
    }
  else if (JSON_NODE_HOLDS_OBJECT (root))
    handle_event (self, json_node_get_object (root));
}

static void
on_events_closed (SoupWebsocketConnection *conn,
                  gpointer                 user_data)
{
  HandoffAccount *self = user_data;

  g_signal_handlers_disconnect_by_data (conn, self);
  g_clear_object (&self->events);
  if (self->state == HANDOFF_ACCOUNT_SIGNED_OUT)
    return;
  handoff_account_set_problem (self, _("Connection to the server lost"));
  schedule_reconnect (self);
}

static void
on_events_connected (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(HandoffAccount) self = user_data;
  g_autoptr(GError) error = NULL;
  SoupWebsocketConnection *conn;

  conn = handoff_server_client_websocket_finish (HANDOFF_SERVER_CLIENT (source), result, &error);
  if (conn == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      if (g_error_matches (error, HANDOFF_API_ERROR, HANDOFF_API_ERROR_UNAUTHORIZED))
        {
          handoff_account_set_problem (self, _("Your session expired; please sign in again"));
          handoff_account_sign_out (self);
          return;
        }
      handoff_account_set_problem (self, error->message);
      schedule_reconnect (self);
      return;
    }
  self->events = conn;
  self->backoff = 0;
  g_signal_connect (conn, "message", G_CALLBACK (on_events_message), self);
  g_signal_connect (conn, "closed", G_CALLBACK (on_events_closed), self);
  handoff_account_set_problem (self, NULL);
  handoff_account_set_state (self, HANDOFF_ACCOUNT_ONLINE);
  /* Presence may have changed while we were away. */
  handoff_account_refresh_directory (self);
}

void
handoff_account_connect_events (HandoffAccount *self)
{
  g_autofree char *path = NULL;

  if (self->state == HANDOFF_ACCOUNT_SIGNED_OUT || self->events != NULL)
    return;
  path = g_strdup_printf (PATH_EVENTS "?since=%" G_GINT64_FORMAT, self->last_seq);
  handoff_server_client_websocket_async (self->client, path, self->cancellable,
                                         on_events_connected, g_object_ref (self));
}

void
handoff_account_stop_events (HandoffAccount *self)
{
  g_clear_handle_id (&self->reconnect_id, g_source_remove);
  if (self->events != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->events, self);
      if (soup_websocket_connection_get_state (self->events) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_close (self->events, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
      g_clear_object (&self->events);
    }
}

/* ---- presence and directory ---- */

static void
on_presence_done (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  HandoffAccount *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;

  root = handoff_server_client_request_finish (HANDOFF_SERVER_CLIENT (source), result, &error);
  if (error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  handoff_account_set_string_prop (self, &self->presence, g_task_get_task_data (task), PROP_PRESENCE);
  g_task_return_boolean (task, TRUE);
}

void
handoff_account_set_presence_async (HandoffAccount      *self,
                                    const char          *presence,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(JsonNode) body = NULL;

  g_return_if_fail (HANDOFF_IS_ACCOUNT (self));
  g_return_if_fail (presence != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, handoff_account_set_presence_async);
  g_task_set_task_data (task, g_strdup (presence), g_free);
  body = handoff_json_object_node ("status", 's', presence, NULL);
  handoff_server_client_request_async (self->client, "PUT", PATH_PRESENCE, body, cancellable,
                                       on_presence_done, g_steal_pointer (&task));
}

gboolean
handoff_account_set_presence_finish (HandoffAccount  *self,
                                     GAsyncResult    *result,
                                     GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
on_directory_done (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(HandoffAccount) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonArray *arr = NULL;

  root = handoff_server_client_request_finish (HANDOFF_SERVER_CLIENT (source), result, &error);
  if (root == NULL)
    {
      if (error && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_message ("Directory: %s", error->message);
      return;
    }
  if (JSON_NODE_HOLDS_ARRAY (root))
    arr = json_node_get_array (root);
  else if (JSON_NODE_HOLDS_OBJECT (root) &&
           json_object_has_member (json_node_get_object (root), "agents"))
    arr = json_object_get_array_member (json_node_get_object (root), "agents");
  if (arr == NULL)
    return;
  for (guint i = 0; i < json_array_get_length (arr); i++)
    if (JSON_NODE_HOLDS_OBJECT (json_array_get_element (arr, i)))
      handoff_account_apply_agent (self, json_array_get_object_element (arr, i));
}

void
handoff_account_refresh_directory (HandoffAccount *self)
{
  g_return_if_fail (HANDOFF_IS_ACCOUNT (self));
  if (self->state == HANDOFF_ACCOUNT_SIGNED_OUT)
    return;
  handoff_server_client_request_async (self->client, "GET", PATH_AGENTS, NULL, self->cancellable,
                                       on_directory_done, g_object_ref (self));
}

void
handoff_account_retry (HandoffAccount *self)
{
  g_return_if_fail (HANDOFF_IS_ACCOUNT (self));
  if (self->state != HANDOFF_ACCOUNT_RECONNECTING)
    return;
  g_clear_handle_id (&self->reconnect_id, g_source_remove);
  self->backoff = 0;
  handoff_account_connect_events (self);
}
