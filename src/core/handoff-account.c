/* handoff-account.c: the signed-in agent, presence, directory and event stream
 *
 * Signing in and out, and the session: its token is kept in the keyring,
 * refreshed before it expires (HandoffSessionKeeper), and the new token
 * replaces the old one in the keyring. The event stream, directory and
 * presence are in handoff-account-events.c.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "handoff-account"

#include "config.h"

#include <glib/gi18n.h>

#include "handoff-account-private.h"

static GParamSpec *props[N_PROPS];

enum {
  SIGNAL_EVENT,
  N_SIGNALS
};
static guint signals[N_SIGNALS];


G_DEFINE_FINAL_TYPE (HandoffAccount, handoff_account, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (HandoffAccountState, handoff_account_state,
  G_DEFINE_ENUM_VALUE (HANDOFF_ACCOUNT_SIGNED_OUT, "signed-out"),
  G_DEFINE_ENUM_VALUE (HANDOFF_ACCOUNT_SIGNING_IN, "signing-in"),
  G_DEFINE_ENUM_VALUE (HANDOFF_ACCOUNT_ONLINE, "online"),
  G_DEFINE_ENUM_VALUE (HANDOFF_ACCOUNT_RECONNECTING, "reconnecting"))

void
handoff_account_notify (HandoffAccount     *self,
                        HandoffAccountProp  prop)
{
  g_object_notify_by_pspec (G_OBJECT (self), props[prop]);
}

void
handoff_account_emit_event (HandoffAccount *self,
                            const char     *type,
                            JsonObject     *data)
{
  g_signal_emit (self, signals[SIGNAL_EVENT], g_quark_from_string (type), type, data);
}


void
handoff_account_set_state (HandoffAccount      *self,
                           HandoffAccountState  state)
{
  if (self->state == state)
    return;
  self->state = state;
  handoff_account_notify (self, PROP_STATE);
}

void
handoff_account_set_problem (HandoffAccount *self,
                             const char     *problem)
{
  if (g_strcmp0 (self->problem, problem) == 0)
    return;
  g_free (self->problem);
  self->problem = g_strdup (problem);
  handoff_account_notify (self, PROP_PROBLEM);
}

void
handoff_account_set_string_prop (HandoffAccount      *self,
                                 char               **field,
                                 const char          *value,
                                 HandoffAccountProp   prop)
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
  handoff_account_set_string_prop (self, &self->username, handoff_json_get_string (agent, "username", username), PROP_USERNAME);
  g_free (self->agent_id);
  self->agent_id = g_strdup (handoff_json_get_string (agent, "id", self->username));
  g_free (self->identity);
  self->identity = g_strdup (handoff_json_get_string (agent, "identity", NULL));
  if (self->identity == NULL)
    self->identity = g_strdup_printf ("agent-%s", self->username);
  handoff_account_set_string_prop (self, &self->display_name,
                   handoff_json_get_string (agent, "display_name", self->username), PROP_DISPLAY_NAME);
  handoff_account_set_string_prop (self, &self->presence, handoff_json_get_string (agent, "status", "available"), PROP_PRESENCE);
  return TRUE;
}

static void
on_token_saved (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data);

static void
on_session_refreshed (HandoffSessionKeeper *keeper,
                      const char           *token,
                      HandoffAccount       *self)
{
  g_autofree char *acct = secret_account (self, self->username);

  handoff_secret_store_save_async (self->secrets, HANDOFF_SECRET_SESSION, acct, token,
                                   NULL, on_token_saved, NULL);
}

static void
on_session_expired (HandoffSessionKeeper *keeper,
                    const char           *message,
                    HandoffAccount       *self)
{
  handoff_account_set_problem (self, message);
  handoff_account_sign_out (self);
}

/* expires_at NULL (a remembered token): the keeper refreshes at once, which
 * also tells when the session ends. */
static void
keep_session (HandoffAccount *self,
              const char     *expires_at)
{
  if (self->keeper == NULL)
    {
      self->keeper = handoff_session_keeper_new (self->client);
      g_signal_connect (self->keeper, "refreshed", G_CALLBACK (on_session_refreshed), self);
      g_signal_connect (self->keeper, "expired", G_CALLBACK (on_session_expired), self);
    }
  handoff_session_keeper_start (self->keeper, expires_at);
}

static void
go_online (HandoffAccount *self)
{
  handoff_account_set_state (self, HANDOFF_ACCOUNT_ONLINE);
  self->backoff = 0;
  handoff_account_connect_events (self);
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
      handoff_account_set_state (self, HANDOFF_ACCOUNT_SIGNED_OUT);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  token = JSON_NODE_HOLDS_OBJECT (root) ? handoff_json_get_string (json_node_get_object (root), "token", NULL) : NULL;
  if (token == NULL)
    {
      handoff_account_set_state (self, HANDOFF_ACCOUNT_SIGNED_OUT);
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
  keep_session (self, handoff_json_get_string (json_node_get_object (root), "expires_at", NULL));
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
  handoff_account_set_problem (self, NULL);
  handoff_account_set_state (self, HANDOFF_ACCOUNT_SIGNING_IN);
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
      handoff_account_set_state (self, HANDOFF_ACCOUNT_SIGNED_OUT);
      if (error == NULL)
        error = g_error_new (HANDOFF_API_ERROR, HANDOFF_API_ERROR_PROTOCOL, _("The server does not know this agent"));
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  keep_session (self, NULL);
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
      handoff_account_set_state (self, HANDOFF_ACCOUNT_SIGNED_OUT);
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
  handoff_account_set_state (self, HANDOFF_ACCOUNT_SIGNING_IN);
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
  handoff_account_stop_events (self);
  if (self->keeper != NULL)
    handoff_session_keeper_stop (self->keeper);
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
  handoff_account_set_state (self, HANDOFF_ACCOUNT_SIGNED_OUT);
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

  handoff_account_stop_events (self);
  if (self->keeper != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->keeper, self);
      handoff_session_keeper_stop (self->keeper);
      g_clear_object (&self->keeper);
    }
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
  return id ? handoff_account_find_agent (self, id, NULL) : NULL;
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
