/* handoff-account.c: the signed-in agent, presence, directory and event stream
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

#include "handoff-account.h"

/* handoff-server routes (src/server/openapi.yaml). */
#define PATH_SESSIONS  "/api/v1/sessions"
#define PATH_PRESENCE  "/api/v1/agents/me/status"
#define PATH_AGENTS    "/api/v1/agents"
#define PATH_EVENTS    "/api/v1/events"

enum {
  PROP_0,
  PROP_CLIENT,
  PROP_SECRETS,
  PROP_STATE,
  PROP_USERNAME,
  PROP_DISPLAY_NAME,
  PROP_PRESENCE,
  PROP_PROBLEM,
  N_PROPS
};
static GParamSpec *props[N_PROPS];

enum {
  SIGNAL_EVENT,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

struct _HandoffAccount
{
  GObject                  parent_instance;

  HandoffServerClient     *client;
  HandoffSecretStore      *secrets;
  HandoffAccountState      state;
  char                    *username;
  char                    *display_name;
  char                    *presence;
  char                    *problem;
  char                    *agent_id;
  char                    *identity;
  GListStore              *directory;

  SoupWebsocketConnection *events;
  GCancellable            *cancellable;   /* everything of the current session */
  gint64                   last_seq;
  guint                    backoff;
  guint                    reconnect_id;
};

G_DEFINE_FINAL_TYPE (HandoffAccount, handoff_account, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (HandoffAccountState, handoff_account_state,
  G_DEFINE_ENUM_VALUE (HANDOFF_ACCOUNT_SIGNED_OUT, "signed-out"),
  G_DEFINE_ENUM_VALUE (HANDOFF_ACCOUNT_SIGNING_IN, "signing-in"),
  G_DEFINE_ENUM_VALUE (HANDOFF_ACCOUNT_ONLINE, "online"),
  G_DEFINE_ENUM_VALUE (HANDOFF_ACCOUNT_RECONNECTING, "reconnecting"))

static void connect_events (HandoffAccount *self);

static void
set_state (HandoffAccount      *self,
           HandoffAccountState  state)
{
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_STATE]);
}

static void
set_problem (HandoffAccount *self,
             const char     *problem)
{
  if (g_strcmp0 (self->problem, problem) == 0)
    return;
  g_free (self->problem);
  self->problem = g_strdup (problem);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_PROBLEM]);
}

static void
set_string_prop (HandoffAccount *self,
                 char          **field,
                 const char     *value,
                 int             prop)
{
  if (g_strcmp0 (*field, value) == 0)
    return;
  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), props[prop]);
}

static char *
secret_account (HandoffAccount *self,
                const char     *username)
{
  return g_strdup_printf ("%s@%s", username, handoff_server_client_get_base_url (self->client));
}

static HandoffAgentInfo *
find_agent (HandoffAccount *self,
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

static void
apply_agent_json (HandoffAccount *self,
                  JsonObject     *obj)
{
  const char *id = handoff_json_get_string (obj, "id", handoff_json_get_string (obj, "username", NULL));
  HandoffAgentInfo *a;

  if (id == NULL)
    return;
  a = find_agent (self, id, NULL);
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
  connect_events (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_reconnect (HandoffAccount *self)
{
  if (self->state == HANDOFF_ACCOUNT_SIGNED_OUT || self->reconnect_id != 0)
    return;
  set_state (self, HANDOFF_ACCOUNT_RECONNECTING);
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
      apply_agent_json (self, agent);
      if (g_strcmp0 (handoff_json_get_string (agent, "username", NULL), self->username) == 0 &&
          json_object_has_member (agent, "status"))
        set_string_prop (self, &self->presence, handoff_json_get_string (agent, "status", NULL), PROP_PRESENCE);
    }
  g_debug ("event %s seq %" G_GINT64_FORMAT, type, seq);
  g_signal_emit (self, signals[SIGNAL_EVENT], g_quark_from_string (type), type, data);
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
  set_problem (self, _("Connection to the server lost"));
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
          set_problem (self, _("Your session expired; please sign in again"));
          handoff_account_sign_out (self);
          return;
        }
      set_problem (self, error->message);
      schedule_reconnect (self);
      return;
    }
  self->events = conn;
  self->backoff = 0;
  g_signal_connect (conn, "message", G_CALLBACK (on_events_message), self);
  g_signal_connect (conn, "closed", G_CALLBACK (on_events_closed), self);
  set_problem (self, NULL);
  set_state (self, HANDOFF_ACCOUNT_ONLINE);
  /* Presence may have changed while we were away. */
  handoff_account_refresh_directory (self);
}

static void
connect_events (HandoffAccount *self)
{
  g_autofree char *path = NULL;

  if (self->state == HANDOFF_ACCOUNT_SIGNED_OUT || self->events != NULL)
    return;
  path = g_strdup_printf (PATH_EVENTS "?since=%" G_GINT64_FORMAT, self->last_seq);
  handoff_server_client_websocket_async (self->client, path, self->cancellable,
                                         on_events_connected, g_object_ref (self));
}

static void
stop_events (HandoffAccount *self)
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

/* ---- sign in ---- */

static gboolean
apply_identity (HandoffAccount *self,
                JsonNode       *root,
                const char     *username)
{
  JsonObject *obj, *agent;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return FALSE;
  obj = json_node_get_object (root);
  agent = json_object_has_member (obj, "agent") &&
          JSON_NODE_HOLDS_OBJECT (json_object_get_member (obj, "agent"))
          ? json_object_get_object_member (obj, "agent") : obj;
  set_string_prop (self, &self->username, handoff_json_get_string (agent, "username", username), PROP_USERNAME);
  g_free (self->agent_id);
  self->agent_id = g_strdup (handoff_json_get_string (agent, "id", self->username));
  g_free (self->identity);
  self->identity = g_strdup (handoff_json_get_string (agent, "identity", NULL));
  if (self->identity == NULL)
    self->identity = g_strdup_printf ("agent-%s", self->username);
  set_string_prop (self, &self->display_name,
                   handoff_json_get_string (agent, "display_name", self->username), PROP_DISPLAY_NAME);
  set_string_prop (self, &self->presence, handoff_json_get_string (agent, "status", "available"), PROP_PRESENCE);
  return TRUE;
}

static void
go_online (HandoffAccount *self)
{
  set_state (self, HANDOFF_ACCOUNT_ONLINE);
  self->backoff = 0;
  connect_events (self);
  handoff_account_refresh_directory (self);
}

static void
on_token_saved (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!handoff_secret_store_save_finish (HANDOFF_SECRET_STORE (source), result, &error))
    g_message ("The session could not be remembered: %s", error->message);
}

static void
on_login_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  HandoffAccount *self = g_task_get_source_object (task);
  const char *username = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  const char *token;

  root = handoff_server_client_request_finish (HANDOFF_SERVER_CLIENT (source), result, &error);
  if (root == NULL)
    {
      if (error == NULL)
        error = g_error_new (HANDOFF_API_ERROR, HANDOFF_API_ERROR_PROTOCOL, _("The server sent no session"));
      else if (g_error_matches (error, HANDOFF_API_ERROR, HANDOFF_API_ERROR_UNAUTHORIZED))
        {
          g_clear_error (&error);
          error = g_error_new_literal (HANDOFF_API_ERROR, HANDOFF_API_ERROR_UNAUTHORIZED,
                                       _("Wrong user name or password"));
        }
      set_state (self, HANDOFF_ACCOUNT_SIGNED_OUT);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  token = JSON_NODE_HOLDS_OBJECT (root) ? handoff_json_get_string (json_node_get_object (root), "token", NULL) : NULL;
  if (token == NULL)
    {
      set_state (self, HANDOFF_ACCOUNT_SIGNED_OUT);
      g_task_return_new_error (task, HANDOFF_API_ERROR, HANDOFF_API_ERROR_PROTOCOL,
                               _("The server sent no session"));
      return;
    }
  handoff_server_client_set_token (self->client, token);
  apply_identity (self, root, username);
  {
    g_autofree char *acct = secret_account (self, username);
    handoff_secret_store_save_async (self->secrets, HANDOFF_SECRET_SESSION, acct, token,
                                     NULL, on_token_saved, NULL);
  }
  go_online (self);
  g_task_return_boolean (task, TRUE);
}

void
handoff_account_sign_in_async (HandoffAccount      *self,
                               const char          *username,
                               const char          *password,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(JsonNode) body = NULL;

  g_return_if_fail (HANDOFF_IS_ACCOUNT (self));
  g_return_if_fail (username != NULL && password != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, handoff_account_sign_in_async);
  g_task_set_task_data (task, g_strdup (username), g_free);

  if (username[0] == '\0' || password[0] == '\0')
    {
      g_task_return_new_error (task, HANDOFF_API_ERROR, HANDOFF_API_ERROR_INVALID,
                               _("Enter your user name and password"));
      return;
    }
  handoff_account_sign_out (self);
  set_problem (self, NULL);
  set_state (self, HANDOFF_ACCOUNT_SIGNING_IN);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  body = handoff_json_object_node ("username", 's', username, "password", 's', password, NULL);
  handoff_server_client_set_token (self->client, NULL);
  handoff_server_client_request_async (self->client, "POST", PATH_SESSIONS, body, cancellable,
                                       on_login_done, g_steal_pointer (&task));
}

gboolean
handoff_account_sign_in_finish (HandoffAccount  *self,
                                GAsyncResult    *result,
                                GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
on_me_done (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  HandoffAccount *self = g_task_get_source_object (task);
  const char *username = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonNode) me = NULL;
  JsonObject *obj;

  /* No "who am I" route: the directory lists us; a 401 means the token died. */
  root = handoff_server_client_request_finish (HANDOFF_SERVER_CLIENT (source), result, &error);
  obj = root && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  if (obj && json_object_has_member (obj, "agents") &&
      JSON_NODE_HOLDS_ARRAY (json_object_get_member (obj, "agents")))
    {
      JsonArray *arr = json_object_get_array_member (obj, "agents");
      for (guint i = 0; i < json_array_get_length (arr); i++)
        {
          JsonNode *n = json_array_get_element (arr, i);
          if (JSON_NODE_HOLDS_OBJECT (n) &&
              g_strcmp0 (handoff_json_get_string (json_node_get_object (n), "username", NULL), username) == 0)
            me = json_node_copy (n);
        }
    }
  if (me == NULL || !apply_identity (self, me, username))
    {
      if (g_error_matches (error, HANDOFF_API_ERROR, HANDOFF_API_ERROR_UNAUTHORIZED))
        {
          g_autofree char *acct = secret_account (self, username);
          handoff_secret_store_clear_async (self->secrets, HANDOFF_SECRET_SESSION, acct, NULL, NULL, NULL);
        }
      handoff_server_client_set_token (self->client, NULL);
      set_state (self, HANDOFF_ACCOUNT_SIGNED_OUT);
      if (error == NULL)
        error = g_error_new (HANDOFF_API_ERROR, HANDOFF_API_ERROR_PROTOCOL, _("The server does not know this agent"));
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  go_online (self);
  g_task_return_boolean (task, TRUE);
}

static void
on_token_found (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  HandoffAccount *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;

  token = handoff_secret_store_lookup_finish (HANDOFF_SECRET_STORE (source), result, &error);
  if (token == NULL)
    {
      set_state (self, HANDOFF_ACCOUNT_SIGNED_OUT);
      if (error == NULL)
        error = g_error_new (HANDOFF_API_ERROR, HANDOFF_API_ERROR_UNAUTHORIZED, _("No remembered session"));
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  handoff_server_client_set_token (self->client, token);
  memset (token, 0, strlen (token));
  handoff_server_client_request_async (self->client, "GET", PATH_AGENTS, NULL,
                                       g_task_get_cancellable (task), on_me_done, g_object_ref (task));
}

void
handoff_account_restore_async (HandoffAccount      *self,
                               const char          *username,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *acct = NULL;

  g_return_if_fail (HANDOFF_IS_ACCOUNT (self));
  g_return_if_fail (username != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, handoff_account_restore_async);
  g_task_set_task_data (task, g_strdup (username), g_free);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  set_state (self, HANDOFF_ACCOUNT_SIGNING_IN);
  acct = secret_account (self, username);
  handoff_secret_store_lookup_async (self->secrets, HANDOFF_SECRET_SESSION, acct, cancellable,
                                     on_token_found, g_steal_pointer (&task));
}

gboolean
handoff_account_restore_finish (HandoffAccount  *self,
                                GAsyncResult    *result,
                                GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
handoff_account_sign_out (HandoffAccount *self)
{
  g_return_if_fail (HANDOFF_IS_ACCOUNT (self));

  if (self->state == HANDOFF_ACCOUNT_SIGNED_OUT)
    return;
  stop_events (self);
  g_cancellable_cancel (self->cancellable);
  if (handoff_server_client_get_token (self->client) != NULL)
    {
      /* Revoke server-side; the answer does not matter. */
      handoff_server_client_request_async (self->client, "DELETE", PATH_SESSIONS, NULL, NULL, NULL, NULL);
    }
  if (self->username != NULL)
    {
      g_autofree char *acct = secret_account (self, self->username);
      handoff_secret_store_clear_async (self->secrets, HANDOFF_SECRET_SESSION, acct, NULL, NULL, NULL);
    }
  handoff_server_client_set_token (self->client, NULL);
  g_list_store_remove_all (self->directory);
  self->last_seq = 0;
  set_state (self, HANDOFF_ACCOUNT_SIGNED_OUT);
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
  set_string_prop (self, &self->presence, g_task_get_task_data (task), PROP_PRESENCE);
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
      apply_agent_json (self, json_array_get_object_element (arr, i));
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
  connect_events (self);
}

/* ---- GObject ---- */

static void
handoff_account_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  HandoffAccount *self = HANDOFF_ACCOUNT (object);

  switch (prop_id)
    {
    case PROP_CLIENT: g_value_set_object (value, self->client); break;
    case PROP_SECRETS: g_value_set_object (value, self->secrets); break;
    case PROP_STATE: g_value_set_enum (value, self->state); break;
    case PROP_USERNAME: g_value_set_string (value, self->username); break;
    case PROP_DISPLAY_NAME: g_value_set_string (value, self->display_name); break;
    case PROP_PRESENCE: g_value_set_string (value, self->presence); break;
    case PROP_PROBLEM: g_value_set_string (value, self->problem); break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
handoff_account_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  HandoffAccount *self = HANDOFF_ACCOUNT (object);

  switch (prop_id)
    {
    case PROP_CLIENT: self->client = g_value_dup_object (value); break;
    case PROP_SECRETS: self->secrets = g_value_dup_object (value); break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
handoff_account_dispose (GObject *object)
{
  HandoffAccount *self = HANDOFF_ACCOUNT (object);

  stop_events (self);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (handoff_account_parent_class)->dispose (object);
}

static void
handoff_account_finalize (GObject *object)
{
  HandoffAccount *self = HANDOFF_ACCOUNT (object);

  g_clear_object (&self->client);
  g_clear_object (&self->secrets);
  g_clear_object (&self->directory);
  g_free (self->username);
  g_free (self->display_name);
  g_free (self->presence);
  g_free (self->problem);
  g_free (self->agent_id);
  g_free (self->identity);
  G_OBJECT_CLASS (handoff_account_parent_class)->finalize (object);
}

static void
handoff_account_class_init (HandoffAccountClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = handoff_account_get_property;
  object_class->set_property = handoff_account_set_property;
  object_class->dispose = handoff_account_dispose;
  object_class->finalize = handoff_account_finalize;

  props[PROP_CLIENT] = g_param_spec_object ("client", NULL, NULL, HANDOFF_TYPE_SERVER_CLIENT,
                                            G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  props[PROP_SECRETS] = g_param_spec_object ("secrets", NULL, NULL, HANDOFF_TYPE_SECRET_STORE,
                                             G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  props[PROP_STATE] = g_param_spec_enum ("state", NULL, NULL, HANDOFF_TYPE_ACCOUNT_STATE,
                                         HANDOFF_ACCOUNT_SIGNED_OUT,
                                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  props[PROP_USERNAME] = g_param_spec_string ("username", NULL, NULL, NULL,
                                              G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  props[PROP_DISPLAY_NAME] = g_param_spec_string ("display-name", NULL, NULL, NULL,
                                                  G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  props[PROP_PRESENCE] = g_param_spec_string ("presence", NULL, NULL, NULL,
                                              G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  props[PROP_PROBLEM] = g_param_spec_string ("problem", NULL, NULL, NULL,
                                             G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);

  /* Detailed by the event type, e.g. "event::transfer.offered". */
  signals[SIGNAL_EVENT] = g_signal_new ("event", G_TYPE_FROM_CLASS (klass),
                                        G_SIGNAL_RUN_LAST | G_SIGNAL_DETAILED, 0, NULL, NULL, NULL,
                                        G_TYPE_NONE, 2, G_TYPE_STRING, JSON_TYPE_OBJECT);
}

static void
handoff_account_init (HandoffAccount *self)
{
  self->directory = g_list_store_new (HANDOFF_TYPE_AGENT_INFO);
  self->cancellable = g_cancellable_new ();
}

HandoffAccount *
handoff_account_new (HandoffServerClient *client,
                     HandoffSecretStore  *secrets)
{
  g_return_val_if_fail (HANDOFF_IS_SERVER_CLIENT (client), NULL);
  return g_object_new (HANDOFF_TYPE_ACCOUNT, "client", client,
                       "secrets", secrets ? secrets : handoff_secret_store_get_default (), NULL);
}

HandoffServerClient *
handoff_account_get_client (HandoffAccount *self)
{
  g_return_val_if_fail (HANDOFF_IS_ACCOUNT (self), NULL);
  return self->client;
}

HandoffAccountState
handoff_account_get_state (HandoffAccount *self)
{
  g_return_val_if_fail (HANDOFF_IS_ACCOUNT (self), HANDOFF_ACCOUNT_SIGNED_OUT);
  return self->state;
}

const char *
handoff_account_get_username (HandoffAccount *self)
{
  g_return_val_if_fail (HANDOFF_IS_ACCOUNT (self), NULL);
  return self->username;
}

const char *
handoff_account_get_display_name (HandoffAccount *self)
{
  g_return_val_if_fail (HANDOFF_IS_ACCOUNT (self), NULL);
  return self->display_name;
}

const char *
handoff_account_get_agent_id (HandoffAccount *self)
{
  g_return_val_if_fail (HANDOFF_IS_ACCOUNT (self), NULL);
  return self->agent_id;
}

const char *
handoff_account_get_identity (HandoffAccount *self)
{
  g_return_val_if_fail (HANDOFF_IS_ACCOUNT (self), NULL);
  return self->identity;
}

HandoffAgentInfo *
handoff_account_lookup_agent (HandoffAccount *self,
                              const char     *id)
{
  g_return_val_if_fail (HANDOFF_IS_ACCOUNT (self), NULL);
  return id ? find_agent (self, id, NULL) : NULL;
}

const char *
handoff_account_get_presence (HandoffAccount *self)
{
  g_return_val_if_fail (HANDOFF_IS_ACCOUNT (self), NULL);
  return self->presence;
}

gint64
handoff_account_get_last_seq (HandoffAccount *self)
{
  g_return_val_if_fail (HANDOFF_IS_ACCOUNT (self), 0);
  return self->last_seq;
}

GListModel *
handoff_account_get_directory (HandoffAccount *self)
{
  g_return_val_if_fail (HANDOFF_IS_ACCOUNT (self), NULL);
  return G_LIST_MODEL (self->directory);
}

const char *
handoff_account_get_problem (HandoffAccount *self)
{
  g_return_val_if_fail (HANDOFF_IS_ACCOUNT (self), NULL);
  return self->problem;
}
