/* handoff-server-client.c: JSON over HTTP(S) and the event socket of handoff-server
 *
 * One SoupSession per client. Every call is async and cancellable; errors are
 * mapped onto HANDOFF_API_ERROR codes an agent can act on (wrong password,
 * server unreachable, certificate not trusted), keeping the server's own
 * human message when it sent one. Tokens are never logged.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "handoff-api"

#include "config.h"

#include <glib/gi18n.h>

#include "handoff-server-client.h"

/* Bound how much of an answer we buffer: a misbehaving server cannot make
 * the app allocate without limit. */
#define MAX_ANSWER_BYTES (8 * 1024 * 1024)

enum {
  PROP_0,
  PROP_BASE_URL,
  PROP_TOKEN,
  N_PROPS
};
static GParamSpec *props[N_PROPS];

struct _HandoffServerClient
{
  GObject      parent_instance;

  SoupSession *session;
  char        *base_url;
  char        *token;
};

G_DEFINE_FINAL_TYPE (HandoffServerClient, handoff_server_client, G_TYPE_OBJECT)

JsonNode *
handoff_json_object_node (const char *first_key,
                          ...)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  va_list ap;

  json_builder_begin_object (b);
  va_start (ap, first_key);
  for (const char *key = first_key; key != NULL; key = va_arg (ap, const char *))
    {
      /* Keys are followed by a type char and a value: 's' string, 'i' int, 'b' bool,
       * 'n' JsonNode (taken). */
      int type = va_arg (ap, int);

      json_builder_set_member_name (b, key);
      switch (type)
        {
        case 's':
          {
            const char *v = va_arg (ap, const char *);
            if (v != NULL)
              json_builder_add_string_value (b, v);
            else
              json_builder_add_null_value (b);
          }
          break;
        case 'i':
          json_builder_add_int_value (b, va_arg (ap, gint64));
          break;
        case 'b':
          json_builder_add_boolean_value (b, va_arg (ap, gboolean));
          break;
        case 'n':
          json_builder_add_value (b, va_arg (ap, JsonNode *));
          break;
        default:
          g_assert_not_reached ();
        }
    }
  va_end (ap);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

const char *
handoff_json_get_string (JsonObject *object,
                         const char *member,
                         const char *fallback)
{
  JsonNode *node;

  if (object == NULL || (node = json_object_get_member (object, member)) == NULL)
    return fallback;
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return json_node_get_string (node);
  return fallback;
}

gint64
handoff_json_get_int (JsonObject *object,
                      const char *member,
                      gint64      fallback)
{
  JsonNode *node;

  if (object == NULL || (node = json_object_get_member (object, member)) == NULL ||
      !JSON_NODE_HOLDS_VALUE (node))
    return fallback;
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    return json_node_get_int (node);
  if (json_node_get_value_type (node) == G_TYPE_DOUBLE)
    return (gint64) json_node_get_double (node);
  return fallback;
}

static char *
build_url (HandoffServerClient *self,
           const char          *path,
           gboolean             websocket)
{
  g_autofree char *base = g_strdup (self->base_url);
  gsize len = strlen (base);

  while (len > 0 && base[len - 1] == '/')
    base[--len] = '\0';
  if (websocket)
    {
      if (g_str_has_prefix (base, "https://"))
        return g_strconcat ("wss://", base + 8, path, NULL);
      if (g_str_has_prefix (base, "http://"))
        return g_strconcat ("ws://", base + 7, path, NULL);
    }
  return g_strconcat (base, path, NULL);
}

static GError *
map_transport_error (const GError *error)
{
  if (error->domain == G_TLS_ERROR)
    return g_error_new (HANDOFF_API_ERROR, HANDOFF_API_ERROR_TLS,
                        _("The server's certificate is not trusted (%s)"), error->message);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_error_copy (error);
  return g_error_new (HANDOFF_API_ERROR, HANDOFF_API_ERROR_UNREACHABLE,
                      _("The server cannot be reached (%s)"), error->message);
}

static GError *
map_status_error (guint       status,
                  JsonObject *answer)
{
  const char *message = handoff_json_get_string (answer, "message", NULL);
  const char *code = handoff_json_get_string (answer, "error", NULL);
  int ecode;

  switch (status)
    {
    case SOUP_STATUS_UNAUTHORIZED: ecode = HANDOFF_API_ERROR_UNAUTHORIZED; break;
    case SOUP_STATUS_FORBIDDEN: ecode = HANDOFF_API_ERROR_FORBIDDEN; break;
    case SOUP_STATUS_NOT_FOUND: ecode = HANDOFF_API_ERROR_NOT_FOUND; break;
    case SOUP_STATUS_CONFLICT: ecode = HANDOFF_API_ERROR_CONFLICT; break;
    default:
      ecode = status >= 500 ? HANDOFF_API_ERROR_SERVER : HANDOFF_API_ERROR_INVALID;
      break;
    }
  if (message == NULL)
    message = code;
  if (message == NULL)
    message = soup_status_get_phrase (status);
  return g_error_new (HANDOFF_API_ERROR, ecode, "%s", message ? message : _("Request failed"));
}

typedef struct {
  SoupMessage *msg;
  gboolean     raw;   /* return the body's bytes, not JSON */
} RequestData;

static void
request_data_free (RequestData *d)
{
  g_clear_object (&d->msg);
  g_free (d);
}

static void
on_request_done (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  RequestData *d = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root = NULL;
  guint status;
  gsize size = 0;
  const char *data;

  bytes = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  if (bytes == NULL)
    {
      g_task_return_error (task, map_transport_error (error));
      return;
    }
  status = soup_message_get_status (d->msg);
  data = g_bytes_get_data (bytes, &size);
  if (size > MAX_ANSWER_BYTES)
    {
      g_task_return_new_error (task, HANDOFF_API_ERROR, HANDOFF_API_ERROR_PROTOCOL,
                               _("The server's answer is too large"));
      return;
    }
  if (d->raw && SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      g_task_return_pointer (task, g_bytes_ref (bytes), (GDestroyNotify) g_bytes_unref);
      return;
    }
  if (size > 0 && json_parser_load_from_data (parser, data, size, NULL))
    root = json_parser_get_root (parser);

  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      JsonObject *obj = root && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
      g_task_return_error (task, map_status_error (status, obj));
      return;
    }
  if (size > 0 && root == NULL)
    {
      g_task_return_new_error (task, HANDOFF_API_ERROR, HANDOFF_API_ERROR_PROTOCOL,
                               _("The server's answer is not JSON"));
      return;
    }
  g_task_return_pointer (task, root ? json_node_copy (root) : NULL, (GDestroyNotify) json_node_unref);
}

static void
start_request (HandoffServerClient *self,
               const char          *method,
               const char          *path,
               JsonNode            *body,
               gboolean             raw,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             user_data,
               gpointer             source_tag)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *url = NULL;
  RequestData *d;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);
  url = build_url (self, path, FALSE);

  d = g_new0 (RequestData, 1);
  d->raw = raw;
  d->msg = soup_message_new (method, url);
  g_task_set_task_data (task, d, (GDestroyNotify) request_data_free);
  if (d->msg == NULL)
    {
      g_task_return_new_error (task, HANDOFF_API_ERROR, HANDOFF_API_ERROR_UNREACHABLE,
                               _("“%s” is not a valid server address"), self->base_url);
      return;
    }
  soup_message_headers_replace (soup_message_get_request_headers (d->msg), "Accept", "application/json");
  if (self->token != NULL && self->token[0] != '\0')
    {
      g_autofree char *auth = g_strdup_printf ("Bearer %s", self->token);
      soup_message_headers_replace (soup_message_get_request_headers (d->msg), "Authorization", auth);
    }
  if (body != NULL)
    {
      char *text = json_to_string (body, FALSE);
      g_autoptr(GBytes) b = g_bytes_new_take (text, strlen (text));

      soup_message_set_request_body_from_bytes (d->msg, "application/json", b);
    }
  soup_session_send_and_read_async (self->session, d->msg, G_PRIORITY_DEFAULT, cancellable,
                                    on_request_done, g_steal_pointer (&task));
}

void
handoff_server_client_request_async (HandoffServerClient *self,
                                     const char          *method,
                                     const char          *path,
                                     JsonNode            *body,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_return_if_fail (HANDOFF_IS_SERVER_CLIENT (self));
  g_return_if_fail (method != NULL && path != NULL && path[0] == '/');
  start_request (self, method, path, body, FALSE, cancellable, callback, user_data,
                 handoff_server_client_request_async);
}

void
handoff_server_client_get_bytes_async (HandoffServerClient *self,
                                       const char          *path,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_return_if_fail (HANDOFF_IS_SERVER_CLIENT (self));
  g_return_if_fail (path != NULL && path[0] == '/');
  start_request (self, "GET", path, NULL, TRUE, cancellable, callback, user_data,
                 handoff_server_client_get_bytes_async);
}

GBytes *
handoff_server_client_get_bytes_finish (HandoffServerClient *self,
                                        GAsyncResult        *result,
                                        GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

JsonNode *
handoff_server_client_request_finish (HandoffServerClient *self,
                                      GAsyncResult        *result,
                                      GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
on_websocket_done (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  SoupWebsocketConnection *conn;
  RequestData *d = g_task_get_task_data (task);

  conn = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &error);
  if (conn == NULL)
    {
      guint status = soup_message_get_status (d->msg);

      if (status == SOUP_STATUS_UNAUTHORIZED || status == SOUP_STATUS_FORBIDDEN)
        g_task_return_error (task, map_status_error (status, NULL));
      else
        g_task_return_error (task, map_transport_error (error));
      return;
    }
  /* The server's events can be large (a summary and a transcript). */
  soup_websocket_connection_set_max_incoming_payload_size (conn, MAX_ANSWER_BYTES);
  soup_websocket_connection_set_keepalive_interval (conn, 15);
  g_task_return_pointer (task, conn, g_object_unref);
}

void
handoff_server_client_websocket_async (HandoffServerClient *self,
                                       const char          *path,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *url = NULL;
  RequestData *d;

  g_return_if_fail (HANDOFF_IS_SERVER_CLIENT (self));
  g_return_if_fail (path != NULL && path[0] == '/');

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, handoff_server_client_websocket_async);
  url = build_url (self, path, TRUE);
  d = g_new0 (RequestData, 1);
  d->msg = soup_message_new ("GET", url);
  g_task_set_task_data (task, d, (GDestroyNotify) request_data_free);
  if (d->msg == NULL)
    {
      g_task_return_new_error (task, HANDOFF_API_ERROR, HANDOFF_API_ERROR_UNREACHABLE,
                               _("“%s” is not a valid server address"), self->base_url);
      return;
    }
  if (self->token != NULL)
    {
      g_autofree char *auth = g_strdup_printf ("Bearer %s", self->token);
      soup_message_headers_replace (soup_message_get_request_headers (d->msg), "Authorization", auth);
    }
  soup_session_websocket_connect_async (self->session, d->msg, NULL, NULL, G_PRIORITY_DEFAULT,
                                        cancellable, on_websocket_done, g_steal_pointer (&task));
}

SoupWebsocketConnection *
handoff_server_client_websocket_finish (HandoffServerClient *self,
                                        GAsyncResult        *result,
                                        GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
handoff_server_client_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  HandoffServerClient *self = HANDOFF_SERVER_CLIENT (object);

  switch (prop_id)
    {
    case PROP_BASE_URL:
      g_value_set_string (value, self->base_url);
      break;
    case PROP_TOKEN:
      g_value_set_string (value, self->token);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
handoff_server_client_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  HandoffServerClient *self = HANDOFF_SERVER_CLIENT (object);

  switch (prop_id)
    {
    case PROP_BASE_URL:
      handoff_server_client_set_base_url (self, g_value_get_string (value));
      break;
    case PROP_TOKEN:
      handoff_server_client_set_token (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
handoff_server_client_finalize (GObject *object)
{
  HandoffServerClient *self = HANDOFF_SERVER_CLIENT (object);

  g_clear_object (&self->session);
  g_clear_pointer (&self->base_url, g_free);
  if (self->token)
    memset (self->token, 0, strlen (self->token));
  g_clear_pointer (&self->token, g_free);
  G_OBJECT_CLASS (handoff_server_client_parent_class)->finalize (object);
}

static void
handoff_server_client_class_init (HandoffServerClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = handoff_server_client_get_property;
  object_class->set_property = handoff_server_client_set_property;
  object_class->finalize = handoff_server_client_finalize;

  props[PROP_BASE_URL] = g_param_spec_string ("base-url", NULL, NULL, NULL,
                                              G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  props[PROP_TOKEN] = g_param_spec_string ("token", NULL, NULL, NULL,
                                           G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
handoff_server_client_init (HandoffServerClient *self)
{
  self->session = soup_session_new_with_options ("timeout", 20, "idle-timeout", 60,
                                                 "user-agent", "handoff/" PACKAGE_VERSION, NULL);
}

HandoffServerClient *
handoff_server_client_new (const char *base_url)
{
  return g_object_new (HANDOFF_TYPE_SERVER_CLIENT, "base-url", base_url, NULL);
}

const char *
handoff_server_client_get_base_url (HandoffServerClient *self)
{
  g_return_val_if_fail (HANDOFF_IS_SERVER_CLIENT (self), NULL);
  return self->base_url;
}

void
handoff_server_client_set_base_url (HandoffServerClient *self,
                                    const char          *base_url)
{
  g_return_if_fail (HANDOFF_IS_SERVER_CLIENT (self));
  if (g_strcmp0 (self->base_url, base_url) == 0)
    return;
  g_free (self->base_url);
  self->base_url = g_strdup (base_url);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_BASE_URL]);
}

const char *
handoff_server_client_get_token (HandoffServerClient *self)
{
  g_return_val_if_fail (HANDOFF_IS_SERVER_CLIENT (self), NULL);
  return self->token;
}

void
handoff_server_client_set_token (HandoffServerClient *self,
                                 const char          *token)
{
  g_return_if_fail (HANDOFF_IS_SERVER_CLIENT (self));
  if (g_strcmp0 (self->token, token) == 0)
    return;
  if (self->token)
    memset (self->token, 0, strlen (self->token));
  g_free (self->token);
  self->token = g_strdup (token);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_TOKEN]);
}
