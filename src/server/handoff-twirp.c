/* handoff-twirp.c: LiveKit RoomService over Twirp (JSON), server-side only
 *
 * Each request carries its own short-lived token with exactly the grant that
 * method needs (roomCreate, or roomAdmin of one room).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "handoff-twirp"

#include "handoff-twirp.h"

#include <libsoup/soup.h>
#include <string.h>

#include "handoff-token.h"

G_DEFINE_QUARK (handoff-twirp-error-quark, handoff_twirp_error)

struct _HandoffTwirp {
  GObject parent_instance;

  SoupSession *session;
  char *api_url;
  char *api_key;
  char *api_secret;
};

G_DEFINE_TYPE (HandoffTwirp, handoff_twirp, G_TYPE_OBJECT)

static const struct {
  const char *code;
  HandoffTwirpError error;
} code_table[] = {
  { "not_found", HANDOFF_TWIRP_ERROR_NOT_FOUND },
  { "invalid_argument", HANDOFF_TWIRP_ERROR_INVALID_ARGUMENT },
  { "malformed", HANDOFF_TWIRP_ERROR_INVALID_ARGUMENT },
  { "bad_route", HANDOFF_TWIRP_ERROR_INVALID_ARGUMENT },
  { "unauthenticated", HANDOFF_TWIRP_ERROR_UNAUTHENTICATED },
  { "permission_denied", HANDOFF_TWIRP_ERROR_PERMISSION_DENIED },
  { "already_exists", HANDOFF_TWIRP_ERROR_ALREADY_EXISTS },
  { "unimplemented", HANDOFF_TWIRP_ERROR_UNIMPLEMENTED },
  { "unavailable", HANDOFF_TWIRP_ERROR_UNAVAILABLE },
  { "internal", HANDOFF_TWIRP_ERROR_INTERNAL },
};

static HandoffTwirpError
error_from_status (guint status)
{
  switch (status)
    {
    case 400: return HANDOFF_TWIRP_ERROR_INVALID_ARGUMENT;
    case 401: return HANDOFF_TWIRP_ERROR_UNAUTHENTICATED;
    case 403: return HANDOFF_TWIRP_ERROR_PERMISSION_DENIED;
    case 404: return HANDOFF_TWIRP_ERROR_NOT_FOUND;
    case 409: return HANDOFF_TWIRP_ERROR_ALREADY_EXISTS;
    case 501: return HANDOFF_TWIRP_ERROR_UNIMPLEMENTED;
    case 503: return HANDOFF_TWIRP_ERROR_UNAVAILABLE;
    case 500: return HANDOFF_TWIRP_ERROR_INTERNAL;
    default: return HANDOFF_TWIRP_ERROR_OTHER;
    }
}

typedef struct {
  char *method;
  SoupMessage *msg;
} CallData;

static void
call_data_free (CallData *data)
{
  g_free (data->method);
  g_clear_object (&data->msg);
  g_free (data);
}

static void
call_sent (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CallData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result,
                                                                &error);
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root = NULL;
  guint status;

  if (body == NULL)
    {
      g_task_return_new_error (task, HANDOFF_TWIRP_ERROR, HANDOFF_TWIRP_ERROR_NETWORK,
                               "LiveKit %s: %s", data->method, error->message);
      return;
    }
  status = soup_message_get_status (data->msg);
  if (g_bytes_get_size (body) > 0
      && json_parser_load_from_data (parser, g_bytes_get_data (body, NULL),
                                     (gssize) g_bytes_get_size (body), NULL))
    root = json_parser_get_root (parser);

  if (status < 200 || status >= 300)
    {
      HandoffTwirpError code = error_from_status (status);
      const char *msg = NULL;

      if (root != NULL && JSON_NODE_HOLDS_OBJECT (root))
        {
          JsonObject *obj = json_node_get_object (root);
          const char *twirp_code = json_object_get_string_member_with_default (obj, "code", NULL);

          msg = json_object_get_string_member_with_default (obj, "msg", NULL);
          for (guint i = 0; twirp_code != NULL && i < G_N_ELEMENTS (code_table); i++)
            if (strcmp (twirp_code, code_table[i].code) == 0)
              code = code_table[i].error;
        }
      g_task_return_new_error (task, HANDOFF_TWIRP_ERROR, code, "LiveKit %s failed (%u): %s",
                               data->method, status, msg != NULL ? msg : "no detail");
      return;
    }
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_task_return_new_error (task, HANDOFF_TWIRP_ERROR, HANDOFF_TWIRP_ERROR_OTHER,
                               "LiveKit %s answered something other than a JSON object",
                               data->method);
      return;
    }
  g_task_return_pointer (task, json_object_ref (json_node_get_object (root)),
                         (GDestroyNotify) json_object_unref);
}

void
handoff_twirp_call_async (HandoffTwirp        *self,
                          const char          *method,
                          const char          *room,
                          JsonObject          *request,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *url = NULL;
  g_autofree char *token = NULL;
  g_autofree char *bearer = NULL;
  g_autoptr(GBytes) body = NULL;
  CallData *data;
  char *json;

  g_return_if_fail (HANDOFF_IS_TWIRP (self));
  g_return_if_fail (method != NULL && request != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, handoff_twirp_call_async);
  token = handoff_token_mint_admin (self->api_key, self->api_secret, room, 60, &error);
  if (token == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  url = g_strdup_printf ("%s/twirp/livekit.RoomService/%s", self->api_url, method);
  data = g_new0 (CallData, 1);
  data->method = g_strdup (method);
  data->msg = soup_message_new ("POST", url);
  g_task_set_task_data (task, data, (GDestroyNotify) call_data_free);
  if (data->msg == NULL)
    {
      g_task_return_new_error (task, HANDOFF_TWIRP_ERROR, HANDOFF_TWIRP_ERROR_NETWORK,
                               "LiveKit URL is not valid");
      return;
    }
  bearer = g_strconcat ("Bearer ", token, NULL);
  soup_message_headers_replace (soup_message_get_request_headers (data->msg), "Authorization",
                                bearer);
  json_node_set_object (node, request);
  json = json_to_string (node, FALSE);
  body = g_bytes_new_take (json, strlen (json));
  soup_message_set_request_body_from_bytes (data->msg, "application/json", body);
  soup_session_send_and_read_async (self->session, data->msg, G_PRIORITY_DEFAULT, cancellable,
                                    call_sent, g_steal_pointer (&task));
}

JsonObject *
handoff_twirp_call_finish (HandoffTwirp  *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (HANDOFF_IS_TWIRP (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
handoff_twirp_create_room_async (HandoffTwirp *self, const char *room, guint empty_timeout,
                                 guint max_participants, GCancellable *cancellable,
                                 GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(JsonObject) req = json_object_new ();

  json_object_set_string_member (req, "name", room);
  if (empty_timeout > 0)
    json_object_set_int_member (req, "empty_timeout", empty_timeout);
  if (max_participants > 0)
    json_object_set_int_member (req, "max_participants", max_participants);
  handoff_twirp_call_async (self, "CreateRoom", NULL, req, cancellable, callback, user_data);
}

void
handoff_twirp_delete_room_async (HandoffTwirp *self, const char *room,
                                 GCancellable *cancellable,
                                 GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(JsonObject) req = json_object_new ();

  json_object_set_string_member (req, "room", room);
  handoff_twirp_call_async (self, "DeleteRoom", NULL, req, cancellable, callback, user_data);
}

void
handoff_twirp_list_participants_async (HandoffTwirp *self, const char *room,
                                       GCancellable *cancellable,
                                       GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(JsonObject) req = json_object_new ();

  json_object_set_string_member (req, "room", room);
  handoff_twirp_call_async (self, "ListParticipants", room, req, cancellable, callback,
                            user_data);
}

void
handoff_twirp_remove_participant_async (HandoffTwirp *self, const char *room,
                                        const char *identity, GCancellable *cancellable,
                                        GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(JsonObject) req = json_object_new ();

  json_object_set_string_member (req, "room", room);
  json_object_set_string_member (req, "identity", identity);
  handoff_twirp_call_async (self, "RemoveParticipant", room, req, cancellable, callback,
                            user_data);
}

void
handoff_twirp_update_participant_async (HandoffTwirp *self, const char *room,
                                        const char *identity, const char *metadata,
                                        JsonObject *attributes, GCancellable *cancellable,
                                        GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(JsonObject) req = json_object_new ();

  json_object_set_string_member (req, "room", room);
  json_object_set_string_member (req, "identity", identity);
  if (metadata != NULL)
    json_object_set_string_member (req, "metadata", metadata);
  if (attributes != NULL)
    json_object_set_object_member (req, "attributes", json_object_ref (attributes));
  handoff_twirp_call_async (self, "UpdateParticipant", room, req, cancellable, callback,
                            user_data);
}

static JsonArray *
strv_to_array (const char * const *strv)
{
  JsonArray *array = json_array_new ();

  for (guint i = 0; strv != NULL && strv[i] != NULL; i++)
    json_array_add_string_element (array, strv[i]);
  return array;
}

void
handoff_twirp_update_subscriptions_async (HandoffTwirp *self, const char *room,
                                          const char *identity,
                                          const char * const *track_sids, gboolean subscribe,
                                          GCancellable *cancellable,
                                          GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(JsonObject) req = json_object_new ();

  json_object_set_string_member (req, "room", room);
  json_object_set_string_member (req, "identity", identity);
  json_object_set_array_member (req, "track_sids", strv_to_array (track_sids));
  json_object_set_boolean_member (req, "subscribe", subscribe);
  handoff_twirp_call_async (self, "UpdateSubscriptions", room, req, cancellable, callback,
                            user_data);
}

void
handoff_twirp_mute_published_track_async (HandoffTwirp *self, const char *room,
                                          const char *identity, const char *track_sid,
                                          gboolean muted, GCancellable *cancellable,
                                          GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(JsonObject) req = json_object_new ();

  json_object_set_string_member (req, "room", room);
  json_object_set_string_member (req, "identity", identity);
  json_object_set_string_member (req, "track_sid", track_sid);
  json_object_set_boolean_member (req, "muted", muted);
  handoff_twirp_call_async (self, "MutePublishedTrack", room, req, cancellable, callback,
                            user_data);
}

void
handoff_twirp_send_data_async (HandoffTwirp *self, const char *room, GBytes *data,
                               const char *topic, const char * const *destination_identities,
                               GCancellable *cancellable,
                               GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(JsonObject) req = json_object_new ();
  g_autofree char *b64 = NULL;
  gsize len;
  const guint8 *bytes = g_bytes_get_data (data, &len);

  b64 = g_base64_encode (bytes, len);
  json_object_set_string_member (req, "room", room);
  json_object_set_string_member (req, "data", b64);
  json_object_set_string_member (req, "kind", "RELIABLE");
  if (topic != NULL)
    json_object_set_string_member (req, "topic", topic);
  if (destination_identities != NULL)
    json_object_set_array_member (req, "destination_identities",
                                  strv_to_array (destination_identities));
  handoff_twirp_call_async (self, "SendData", room, req, cancellable, callback, user_data);
}

static void
handoff_twirp_finalize (GObject *object)
{
  HandoffTwirp *self = HANDOFF_TWIRP (object);

  g_clear_object (&self->session);
  g_free (self->api_url);
  g_free (self->api_key);
  if (self->api_secret != NULL)
    memset (self->api_secret, 0, strlen (self->api_secret));
  g_free (self->api_secret);
  G_OBJECT_CLASS (handoff_twirp_parent_class)->finalize (object);
}

static void
handoff_twirp_class_init (HandoffTwirpClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = handoff_twirp_finalize;
}

static void
handoff_twirp_init (HandoffTwirp *self)
{
  self->session = soup_session_new_with_options ("timeout", 10, "max-conns-per-host", 32, NULL);
}

HandoffTwirp *
handoff_twirp_new (const char *api_url,
                   const char *api_key,
                   const char *api_secret)
{
  HandoffTwirp *self;

  g_return_val_if_fail (api_url != NULL && api_key != NULL && api_secret != NULL, NULL);

  self = g_object_new (HANDOFF_TYPE_TWIRP, NULL);
  self->api_url = g_strdup (api_url);
  self->api_key = g_strdup (api_key);
  self->api_secret = g_strdup (api_secret);
  return self;
}
