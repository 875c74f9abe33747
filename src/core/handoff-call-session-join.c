/* handoff-call-session-join.c: placing, accepting, joining and ending a call
 *
 * The caller places a call through the server's public endpoint and joins
 * with the LiveKit grant it answers; an agent accepts an offered call the same
 * way. Either side ends the call by hanging up or because the call ended
 * elsewhere.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "handoff-call"

#include "config.h"

#include <glib/gi18n.h>

#include "handoff-call-session-private.h"
#include "handoff-core-error.h"
#include "handoff-transcript.h"

/* ---- joining ---- */

static void
on_media_connected (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  HandoffCallSession *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;

  if (!handoff_call_media_connect_finish (HANDOFF_CALL_MEDIA (source), result, &error))
    {
      handoff_call_session_set_state (self, HANDOFF_CALL_FAILED);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (self->role == HANDOFF_CALL_ROLE_CALLER)
    {
      handoff_call_session_set_state (self, HANDOFF_CALL_WAITING);
      handoff_call_session_follow_agents (self);
    }
  else
    handoff_call_session_set_state (self, HANDOFF_CALL_TALKING);
  g_task_return_boolean (task, TRUE);
}

void
handoff_call_session_join_async (HandoffCallSession  *self,
                                 const char          *url,
                                 const char          *token,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (HANDOFF_IS_CALL_SESSION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, handoff_call_session_join_async);
  if (self->media == NULL)
    {
      /* No media layer in this build: follow the server only. */
      handoff_call_session_set_state (self, self->role == HANDOFF_CALL_ROLE_CALLER
                                              ? HANDOFF_CALL_WAITING : HANDOFF_CALL_TALKING);
      g_task_return_boolean (task, TRUE);
      return;
    }
  if (url == NULL || token == NULL)
    {
      handoff_call_session_set_state (self, HANDOFF_CALL_FAILED);
      g_task_return_new_error (task, HANDOFF_API_ERROR, HANDOFF_API_ERROR_PROTOCOL,
                               _("The server gave no room to join"));
      return;
    }
  handoff_call_media_connect_async (self->media, url, token, cancellable,
                                    on_media_connected, g_steal_pointer (&task));
}

gboolean
handoff_call_session_join_finish (HandoffCallSession  *self,
                                  GAsyncResult        *result,
                                  GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
take_grant (HandoffCallSession *self,
            JsonObject         *obj,
            const char        **url,
            const char        **token)
{
  *url = handoff_json_get_string (obj, "livekit_url", handoff_json_get_string (obj, "url", NULL));
  *token = handoff_json_get_string (obj, "token", handoff_json_get_string (obj, "livekit_token", NULL));
  if (handoff_json_get_string (obj, "identity", NULL))
    handoff_call_session_replace_str (&self->local_identity, handoff_json_get_string (obj, "identity", NULL));
}

/* The accept answer carries the caller with previous calls: keep it for the
 * caller card. It also says how long the call has been answered: after a
 * rejoin (the app was restarted) the timer goes on from there instead of
 * starting again at 0:00. */
static void
adopt_call_info (HandoffCallSession *self,
                 JsonObject         *answer)
{
  JsonNode *caller = json_object_get_member (answer, "caller");
  JsonNode *call = json_object_get_member (answer, "call");
  JsonNode *elapsed = json_object_get_member (answer, "elapsed_ms");

  if (elapsed && JSON_NODE_HOLDS_VALUE (elapsed) && json_node_get_int (elapsed) > 0)
    {
      self->answered_before_us = json_node_get_int (elapsed) * 1000;
      if (self->started_us != 0)
        self->started_us = MIN (self->started_us, g_get_monotonic_time () - self->answered_before_us);
    }

  if (caller && JSON_NODE_HOLDS_OBJECT (caller))
    json_object_set_member (self->info, "caller", json_node_copy (caller));
  if (call && JSON_NODE_HOLDS_OBJECT (call))
    {
      JsonObject *c = json_node_get_object (call);
      if (self->caller_identity == NULL && handoff_json_get_string (c, "caller_identity", NULL))
        self->caller_identity = g_strdup (handoff_json_get_string (c, "caller_identity", NULL));
      if (self->caller_name == NULL && handoff_json_get_string (c, "caller_name", NULL))
        {
          self->caller_name = g_strdup (handoff_json_get_string (c, "caller_name", NULL));
          handoff_call_session_notify (self, PROP_CALLER_NAME);
        }
    }
  handoff_call_session_update_status_text (self);
}

static void
on_joined_forward (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!handoff_call_session_join_finish (HANDOFF_CALL_SESSION (source), result, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else if (g_task_get_source_tag (task) == handoff_call_session_place_async)
    g_task_return_pointer (task, g_object_ref (source), g_object_unref);
  else
    g_task_return_boolean (task, TRUE);
}

static void
on_place_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  HandoffCallMedia *media = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(HandoffCallSession) self = NULL;
  const char *url, *token;

  root = handoff_server_client_request_finish (HANDOFF_SERVER_CLIENT (source), result, &error);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      if (error == NULL)
        error = g_error_new (HANDOFF_API_ERROR, HANDOFF_API_ERROR_PROTOCOL, _("The server sent no call"));
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  self = handoff_call_session_new (HANDOFF_SERVER_CLIENT (source), HANDOFF_CALL_ROLE_CALLER,
                                   json_node_get_object (root));
  if (media)
    handoff_call_session_set_media (self, media);
  take_grant (self, json_node_get_object (root), &url, &token);
  /* The caller's LiveKit token is also its credential for GET /calls/{id}. */
  handoff_server_client_set_token (HANDOFF_SERVER_CLIENT (source), token);
  handoff_call_session_start_polling (self);
  handoff_call_session_join_async (self, url, token, g_task_get_cancellable (task),
                                   on_joined_forward, g_object_ref (task));
}

void
handoff_call_session_place_async (HandoffServerClient *client,
                                  const char          *name,
                                  const char          *reason,
                                  const char          *caller_id,
                                  HandoffCallMedia    *media,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(JsonNode) body = NULL;

  g_return_if_fail (HANDOFF_IS_SERVER_CLIENT (client));
  g_return_if_fail (name != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, handoff_call_session_place_async);
  if (media)
    g_task_set_task_data (task, g_object_ref (media), g_object_unref);
  {
    g_autofree char *trimmed = g_strstrip (g_strdup (name));
    if (trimmed[0] == '\0')
      {
        g_task_return_new_error (task, HANDOFF_API_ERROR, HANDOFF_API_ERROR_INVALID,
                                 _("Please enter your name"));
        return;
      }
  }
  body = handoff_json_object_node ("name", 's', name, "reason", 's', reason ? reason : "", NULL);
  if (caller_id != NULL && *caller_id != '\0')
    json_object_set_string_member (json_node_get_object (body), "caller_id", caller_id);
  handoff_server_client_request_async (client, "POST", HANDOFF_PATH_CALLS, body, cancellable,
                                       on_place_done, g_steal_pointer (&task));
}

HandoffCallSession *
handoff_call_session_place_finish (GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
on_accept_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  HandoffCallSession *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  const char *url, *token;

  root = handoff_server_client_request_finish (HANDOFF_SERVER_CLIENT (source), result, &error);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      if (error == NULL)
        error = g_error_new (HANDOFF_API_ERROR, HANDOFF_API_ERROR_PROTOCOL, _("The server sent no room"));
      handoff_call_session_set_state (self, HANDOFF_CALL_FAILED);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  take_grant (self, json_node_get_object (root), &url, &token);
  adopt_call_info (self, json_node_get_object (root));
  handoff_call_session_join_async (self, url, token, g_task_get_cancellable (task),
                                   on_joined_forward, g_object_ref (task));
}

/* POST /calls/{id}/<verb>, then join with the grant it answers. */
static void
post_and_join (HandoffCallSession  *self,
               const char          *verb,
               gpointer             source_tag,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autofree char *path = g_strdup_printf (HANDOFF_PATH_CALLS "/%s/%s", self->call_id, verb);

  g_task_set_source_tag (task, source_tag);
  handoff_server_client_request_async (self->client, "POST", path, NULL, cancellable,
                                       on_accept_done, g_steal_pointer (&task));
}

void
handoff_call_session_accept_async (HandoffCallSession  *self,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_return_if_fail (HANDOFF_IS_CALL_SESSION (self));
  post_and_join (self, "accept", handoff_call_session_accept_async, cancellable, callback, user_data);
}

void
handoff_call_session_rejoin_async (HandoffCallSession  *self,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_return_if_fail (HANDOFF_IS_CALL_SESSION (self));
  post_and_join (self, "rejoin", handoff_call_session_rejoin_async, cancellable, callback, user_data);
}

/* Finishes accept_async and rejoin_async. */
gboolean
handoff_call_session_accept_finish (HandoffCallSession  *self,
                                    GAsyncResult        *result,
                                    GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
handoff_call_session_end (HandoffCallSession *self,
                          const char         *outcome)
{
  g_autoptr(HandoffCallSession) keep = NULL;

  g_return_if_fail (HANDOFF_IS_CALL_SESSION (self));
  keep = g_object_ref (self);

  if (self->state == HANDOFF_CALL_ENDED || self->state == HANDOFF_CALL_FAILED)
    return;
  if (self->outcome == NULL)
    {
      self->outcome = g_strdup (outcome ? outcome : "ended");
      handoff_call_session_notify (self, PROP_OUTCOME);
    }
  if (self->media)
    handoff_call_media_disconnect (self->media);
  handoff_call_session_set_state (self, HANDOFF_CALL_ENDED);
}

void
handoff_call_session_hang_up (HandoffCallSession *self)
{
  g_autofree char *path = NULL;

  g_return_if_fail (HANDOFF_IS_CALL_SESSION (self));

  if (self->state == HANDOFF_CALL_ENDED || self->state == HANDOFF_CALL_FAILED)
    return;
  if (self->call_id != NULL)
    {
      path = g_strdup_printf (HANDOFF_PATH_CALLS "/%s/end", self->call_id);
      handoff_server_client_request_async (self->client, "POST", path, NULL, NULL, NULL, NULL);
    }
  handoff_call_session_end (self, "hung_up");
}

