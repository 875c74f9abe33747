/* lk-room-session.c: LkRoom's session with the server — join, resume after
 * a lost signal connection, leave (the public connect/disconnect calls)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-room"

#include <string.h>

#include "lk-participant-private.h"
#include "lk-room-private.h"
#include "lk-track-private.h"

/* How long the room keeps trying to resume a dropped signal connection. */
#define RESUME_BUDGET_S 20
#define RESUME_ATTEMPT_TIMEOUT_MS 4000
#define MEDIA_START_TIMEOUT_MS 5000

/* ---- the server ends the session, or we lose it ---- */

void
lk_room_handle_leave (LkRoom                      *self,
                      const Livekit__LeaveRequest *leave)
{
  g_autoptr(GError) error = NULL;
  LkDisconnectReason reason = (LkDisconnectReason) leave->reason;

  g_message ("the server asks us to leave (reason %d, action %d)", leave->reason, leave->action);
  if (self->state != LK_CONNECTION_STATE_CONNECTED && self->state != LK_CONNECTION_STATE_RECONNECTING)
    return;
  if (leave->action == LIVEKIT__LEAVE_REQUEST__ACTION__RESUME)
    {
      if (self->state != LK_CONNECTION_STATE_CONNECTED || self->rejoining)
        return;  /* already on the way back */
      lk_signal_client_close (self->signal);
      lk_room_start_resume (self);
      return;
    }
  if (leave->action == LIVEKIT__LEAVE_REQUEST__ACTION__RECONNECT)
    {
      lk_room_start_rejoin (self, reason, "the server asks for a full reconnect");
      return;
    }
  /* A server going down (a restart, a deploy) is no verdict on this call:
   * livekit-server says DISCONNECT then, but the same URL usually works
   * again seconds later; the re-join gives up after its budget. */
  if (reason == LK_DISCONNECT_REASON_SERVER_SHUTDOWN)
    {
      lk_room_start_rejoin (self, reason, "the server is shutting down");
      return;
    }
  error = g_error_new (LK_ERROR, LK_ERROR_DISCONNECTED, "the server ended the session (%s)",
                       lk_disconnect_reason_to_string (reason));
  lk_room_fail (self, reason, error);
}

void
lk_room_fail (LkRoom             *self,
              LkDisconnectReason  reason,
              const GError       *error)
{
  gboolean was_connected = self->state != LK_CONNECTION_STATE_DISCONNECTED;

  g_object_ref (self);
  lk_room_teardown (self);
  if (was_connected)
    g_signal_emit_by_name (self, "disconnected", reason, error);
  g_object_unref (self);
}

/* ---- join ---- */

void
lk_room_apply_join (LkRoom                *self,
                    Livekit__JoinResponse *join)
{
  if (join->room != NULL)
    {
      g_free (self->name);
      self->name = g_strdup (join->room->name);
      g_free (self->sid);
      self->sid = g_strdup (join->room->sid);
    }
  self->n_signal_connects++;
  for (gsize i = 0; i < join->n_other_participants; i++)
    lk_room_apply_participant (self, join->other_participants[i], self->rejoining);
  self->ping_interval = join->ping_interval > 0 ? join->ping_interval : 5;
  self->ping_timeout = join->ping_timeout > 0 ? join->ping_timeout : 15;
  lk_room_connect_signal_handlers (self);
  lk_signal_client_start_keepalive (self->signal, self->ping_interval, self->ping_timeout);
  if (self->permissions != NULL)
    lk_signal_client_send_packed (self->signal, self->permissions, NULL);
  lk_room_media_joined (self, join->ice_servers, join->n_ice_servers);
  g_message ("joined room %s as %s (server %s, protocol %d)", self->name,
             lk_participant_get_identity (self->local),
             join->server_info ? join->server_info->version : "?",
             join->server_info ? join->server_info->protocol : 0);
}

static void
on_joined (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  LkRoom *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  Livekit__SignalResponse *response;

  response = lk_signal_client_connect_finish (LK_SIGNAL_CLIENT (source), result, &error);
  if (self->connect_task != task)
    {
      /* Disconnected while joining. */
      if (response != NULL)
        livekit__signal_response__free_unpacked (response, NULL);
      return;
    }
  g_clear_object (&self->connect_task);
  if (response == NULL)
    {
      lk_room_teardown (self);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (response->message_case != LIVEKIT__SIGNAL_RESPONSE__MESSAGE_JOIN || response->join->participant == NULL)
    {
      livekit__signal_response__free_unpacked (response, NULL);
      lk_room_teardown (self);
      g_task_return_new_error (task, LK_ERROR, LK_ERROR_PROTOCOL, "the server did not answer with a join");
      return;
    }
  self->local = lk_participant_new (response->join->participant, TRUE);
  lk_room_apply_join (self, response->join);
  livekit__signal_response__free_unpacked (response, NULL);

  lk_room_set_state (self, LK_CONNECTION_STATE_CONNECTED);
  g_object_notify (G_OBJECT (self), "local-participant");
  g_task_return_boolean (task, TRUE);
}

/* The WebSocket opens once the pipeline really plays: until its own change
 * to PLAYING completes (sinks preroll asynchronously), the bin would also
 * start the elements webrtcbin adds for the first offer before it links
 * them (seen under ASan: nicesrc "not-linked", a dead subscriber). */
static gboolean
open_signal_when_playing (gpointer user_data)
{
  GTask *task = user_data;
  LkRoom *self = g_task_get_source_object (task);
  GstState state = GST_STATE_NULL;
  GstStateChangeReturn ret;
  gint64 deadline_ms = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (task), "lk-media-deadline"));

  if (self->connect_task != task || self->pipeline == NULL)
    {
      g_object_unref (task);  /* disconnected meanwhile; already answered */
      return G_SOURCE_REMOVE;
    }
  ret = gst_element_get_state (GST_ELEMENT (self->pipeline), &state, NULL, 0);
  if (ret == GST_STATE_CHANGE_ASYNC && g_get_monotonic_time () / 1000 < deadline_ms)
    return G_SOURCE_CONTINUE;
  if (ret == GST_STATE_CHANGE_FAILURE || state != GST_STATE_PLAYING)
    {
      g_clear_object (&self->connect_task);
      lk_room_teardown (self);
      g_task_return_new_error (task, LK_ERROR, LK_ERROR_MEDIA,
                               "the audio pipeline does not start (audio device?)");
      g_object_unref (task);
      return G_SOURCE_REMOVE;
    }
  lk_signal_client_connect_async (self->signal, self->url, self->token, NULL,
                                  g_task_get_cancellable (task), on_joined, task);
  return G_SOURCE_REMOVE;
}

void
lk_room_connect_async (LkRoom              *self,
                       const char          *url,
                       const char          *token,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (LK_IS_ROOM (self));
  g_return_if_fail (url != NULL && token != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, lk_room_connect_async);
  if (self->state != LK_CONNECTION_STATE_DISCONNECTED || self->local != NULL)
    {
      g_task_return_new_error (task, LK_ERROR, LK_ERROR_INVALID_ARGUMENT,
                               "a room connects once; make a new LkRoom");
      return;
    }
  self->url = g_strdup (url);
  self->token = g_strdup (token);
  self->leaving = FALSE;
  lk_room_set_state (self, LK_CONNECTION_STATE_CONNECTING);

  /* The pipeline plays before the WebSocket opens: the server's first
   * subscriber offer follows the join within ~20 ms (facts §10). */
  if (!lk_room_media_start (self, &error))
    {
      lk_room_teardown (self);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  self->signal = lk_signal_client_new ();
  lk_signal_client_set_auto_subscribe (self->signal, self->auto_subscribe);
  self->connect_task = g_object_ref (task);
  g_object_set_data (G_OBJECT (task), "lk-media-deadline",
                     GSIZE_TO_POINTER ((gsize) (g_get_monotonic_time () / 1000 + MEDIA_START_TIMEOUT_MS)));
  {
    GTask *owned = g_steal_pointer (&task);

    if (open_signal_when_playing (owned))
      g_timeout_add (10, open_signal_when_playing, owned);
  }
}

gboolean
lk_room_connect_finish (LkRoom        *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (LK_IS_ROOM (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- resume ---- */

static void resume_attempt (LkRoom *self);

static gboolean
resume_retry (gpointer user_data)
{
  LkRoom *self = user_data;

  self->resume_id = 0;
  resume_attempt (self);
  return G_SOURCE_REMOVE;
}

static void
on_resumed (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(LkRoom) self = user_data;
  g_autoptr(GError) error = NULL;
  Livekit__SignalResponse *response;

  response = lk_signal_client_connect_finish (LK_SIGNAL_CLIENT (source), result, &error);
  if (self->state != LK_CONNECTION_STATE_RECONNECTING || LK_SIGNAL_CLIENT (source) != self->signal)
    {
      if (response != NULL)
        livekit__signal_response__free_unpacked (response, NULL);
      return;
    }
  if (response != NULL && response->message_case == LIVEKIT__SIGNAL_RESPONSE__MESSAGE_RECONNECT)
    {
      livekit__signal_response__free_unpacked (response, NULL);
      self->n_signal_connects++;
      lk_signal_client_start_keepalive (self->signal, self->ping_interval, self->ping_timeout);
      lk_room_set_state (self, LK_CONNECTION_STATE_CONNECTED);
      /* What we told the server just before the drop may be lost with the
       * old connection; both are idempotent. */
      if (self->permissions != NULL)
        lk_signal_client_send_packed (self->signal, self->permissions, NULL);
      lk_room_send_held_subscriptions (self);
      lk_room_media_resumed (self);
      g_message ("resumed the session");
      g_signal_emit_by_name (self, "reconnected");
      return;
    }
  if (response != NULL)
    {
      livekit__signal_response__free_unpacked (response, NULL);
      error = g_error_new (LK_ERROR, LK_ERROR_PROTOCOL, "the server answered a resume with a new join");
    }

  /* The server cannot resume this session (it restarted, or dropped us
   * meanwhile) and asks for a full re-join: leave(STATE_MISMATCH, RECONNECT)
   * as its first message. */
  {
    int reason = 0, action = 0;

    if (response == NULL && lk_signal_client_get_refusal (self->signal, &reason, &action) &&
        action == LIVEKIT__LEAVE_REQUEST__ACTION__RECONNECT)
      {
        g_autofree char *why = g_strdup_printf ("the resume was refused (%s)", error->message);

        lk_room_start_rejoin (self, (LkDisconnectReason) reason, why);
        return;
      }
  }
  /* A refusal is final; an unreachable server is worth another try. */
  if (g_error_matches (error, LK_ERROR, LK_ERROR_SERVER_UNREACHABLE) &&
      g_get_monotonic_time () < self->resume_deadline_us)
    {
      g_debug ("resume failed, retrying: %s", error->message);
      self->resume_id = g_timeout_add (500, resume_retry, self);
      return;
    }
  g_prefix_error (&error, "cannot resume the session: ");
  lk_room_fail (self, LK_DISCONNECT_REASON_SIGNAL_CLOSE, error);
}

static void
resume_attempt (LkRoom *self)
{
  g_clear_object (&self->resume_cancellable);
  self->resume_cancellable = g_cancellable_new ();
  lk_signal_client_set_connect_timeout (self->signal, RESUME_ATTEMPT_TIMEOUT_MS);
  lk_signal_client_connect_async (self->signal, self->url, self->token,
                                  lk_participant_get_sid (self->local), self->resume_cancellable,
                                  on_resumed, g_object_ref (self));
}

void
lk_room_start_resume (LkRoom *self)
{
  if (self->state == LK_CONNECTION_STATE_RECONNECTING)
    return;
  lk_room_set_state (self, LK_CONNECTION_STATE_RECONNECTING);
  self->resume_deadline_us = g_get_monotonic_time () + RESUME_BUDGET_S * G_USEC_PER_SEC;
  g_signal_emit_by_name (self, "reconnecting");
  if (self->state == LK_CONNECTION_STATE_RECONNECTING)
    resume_attempt (self);
}

/* ---- leave ---- */

void
lk_room_teardown (LkRoom *self)
{
  g_autoptr(GError) error = g_error_new (LK_ERROR, LK_ERROR_DISCONNECTED, "the room is disconnected");

  self->leaving = TRUE;
  lk_room_stop_rejoin (self);
  lk_room_forget_away (self);
  g_clear_handle_id (&self->resume_id, g_source_remove);
  if (self->resume_cancellable != NULL)
    g_cancellable_cancel (self->resume_cancellable);
  g_clear_object (&self->resume_cancellable);
  if (self->signal != NULL)
    {
      g_clear_signal_handler (&self->signal_message_id, self->signal);
      g_clear_signal_handler (&self->signal_closed_id, self->signal);
      lk_signal_client_close (self->signal);
      g_clear_object (&self->signal);
    }
  lk_room_media_fail_pending (self, error);
  lk_room_media_stop (self);
  while (g_list_model_get_n_items (G_LIST_MODEL (self->remotes)) > 0)
    {
      g_autoptr(LkParticipant) p = g_list_model_get_item (G_LIST_MODEL (self->remotes), 0);
      g_list_store_remove (self->remotes, 0);
      g_hash_table_remove (self->by_identity, lk_participant_get_identity (p));
    }
  lk_room_set_state (self, LK_CONNECTION_STATE_DISCONNECTED);
}

void
lk_room_disconnect_async (LkRoom              *self,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Livekit__SignalRequest req = LIVEKIT__SIGNAL_REQUEST__INIT;
  Livekit__LeaveRequest leave = LIVEKIT__LEAVE_REQUEST__INIT;
  gboolean was_connected;

  g_return_if_fail (LK_IS_ROOM (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, lk_room_disconnect_async);
  was_connected = self->state != LK_CONNECTION_STATE_DISCONNECTED;

  if (self->connect_task != NULL)
    {
      GTask *pending = g_steal_pointer (&self->connect_task);
      g_task_return_new_error (pending, G_IO_ERROR, G_IO_ERROR_CANCELLED, "disconnected while joining");
      g_object_unref (pending);
    }
  if (self->signal != NULL && lk_signal_client_is_open (self->signal))
    {
      leave.reason = LIVEKIT__DISCONNECT_REASON__CLIENT_INITIATED;
      leave.action = LIVEKIT__LEAVE_REQUEST__ACTION__DISCONNECT;
      req.message_case = LIVEKIT__SIGNAL_REQUEST__MESSAGE_LEAVE;
      req.leave = &leave;
      lk_room_send_request (self, &req, NULL);
    }
  g_object_ref (self);
  lk_room_teardown (self);
  if (was_connected)
    g_signal_emit_by_name (self, "disconnected", LK_DISCONNECT_REASON_CLIENT_INITIATED, NULL);
  g_object_unref (self);
  g_task_return_boolean (task, TRUE);
}

gboolean
lk_room_disconnect_finish (LkRoom        *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (LK_IS_ROOM (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

