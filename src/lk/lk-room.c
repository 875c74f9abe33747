/* lk-room.c: the public face of the LiveKit client — connection, resume,
 * participants, data, permissions (media lives in lk-room-media.c)
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

enum {
  PROP_0,
  PROP_CONNECTION_STATE,
  PROP_LOCAL_PARTICIPANT,
  PROP_AUDIO_SINK,
  PROP_JITTER_LATENCY,
  PROP_AUTO_SUBSCRIBE,
  PROP_N_SIGNAL_CONNECTS,
  PROP_N_ICE_RESTARTS,
  N_PROPS
};

static GParamSpec *props[N_PROPS];

enum {
  SIGNAL_PARTICIPANT_CONNECTED,
  SIGNAL_PARTICIPANT_DISCONNECTED,
  SIGNAL_PARTICIPANT_UPDATED,
  SIGNAL_ACTIVE_SPEAKERS_CHANGED,
  SIGNAL_TRACK_PUBLISHED,
  SIGNAL_TRACK_UNPUBLISHED,
  SIGNAL_TRACK_SUBSCRIBED,
  SIGNAL_TRACK_UNSUBSCRIBED,
  SIGNAL_TRACK_MUTED,
  SIGNAL_DATA_RECEIVED,
  SIGNAL_TEXT_RECEIVED,
  SIGNAL_RECONNECTING,
  SIGNAL_RECONNECTED,
  SIGNAL_DISCONNECTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (LkRoom, lk_room, G_TYPE_OBJECT)

static void teardown (LkRoom *self);
static void start_resume (LkRoom *self);

void
lk_room_set_state (LkRoom            *self,
                   LkConnectionState  state)
{
  if (self->state == state)
    return;
  g_debug ("%s → %s", lk_connection_state_to_string (self->state),
           lk_connection_state_to_string (state));
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_CONNECTION_STATE]);
}

gboolean
lk_room_send_request (LkRoom                       *self,
                      const Livekit__SignalRequest *request,
                      GError                      **error)
{
  if (self->signal == NULL)
    {
      g_set_error (error, LK_ERROR, LK_ERROR_DISCONNECTED, "not connected");
      return FALSE;
    }
  return lk_signal_client_send (self->signal, request, error);
}

LkTrack *
lk_room_find_remote_track (LkRoom         *self,
                           const char     *track_sid,
                           LkParticipant **owner)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->remotes));

  if (track_sid == NULL)
    return NULL;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(LkParticipant) p = g_list_model_get_item (G_LIST_MODEL (self->remotes), i);
      LkTrack *track = lk_participant_lookup_track (p, track_sid);

      if (track != NULL)
        {
          if (owner != NULL)
            *owner = p;
          return track;
        }
    }
  return NULL;
}

void
lk_room_emit_track_signal (LkRoom     *self,
                           const char *signal,
                           LkTrack    *track)
{
  LkParticipant *owner = lk_room_lookup_participant (self, lk_track_get_participant_identity (track));

  if (owner != NULL)
    g_signal_emit_by_name (self, signal, owner, track);
}

/* ---- signal messages ---- */

static void
handle_leave (LkRoom                     *self,
              const Livekit__LeaveRequest *leave)
{
  g_autoptr(GError) error = NULL;

  g_message ("the server asks us to leave (reason %d, action %d)", leave->reason, leave->action);
  if (leave->action == LIVEKIT__LEAVE_REQUEST__ACTION__RESUME && self->state == LK_CONNECTION_STATE_CONNECTED)
    {
      lk_signal_client_close (self->signal);
      start_resume (self);
      return;
    }
  /* RECONNECT would need a fresh join with every track published again; we
   * report it as a disconnect and let the application join again. */
  error = g_error_new (LK_ERROR, LK_ERROR_DISCONNECTED, "the server ended the session (%s%s)",
                       lk_disconnect_reason_to_string ((LkDisconnectReason) leave->reason),
                       leave->action == LIVEKIT__LEAVE_REQUEST__ACTION__RECONNECT ? ", reconnect asked" : "");
  lk_room_fail (self, (LkDisconnectReason) leave->reason, error);
}

static void
on_signal_message (LkSignalClient          *signal,
                   Livekit__SignalResponse *msg,
                   LkRoom                  *self)
{
  g_object_ref (self);
  switch (msg->message_case)
    {
    case LIVEKIT__SIGNAL_RESPONSE__MESSAGE_ANSWER:
      lk_room_media_handle_answer (self, msg->answer);
      break;
    case LIVEKIT__SIGNAL_RESPONSE__MESSAGE_OFFER:
      lk_room_media_handle_offer (self, msg->offer);
      break;
    case LIVEKIT__SIGNAL_RESPONSE__MESSAGE_TRICKLE:
      lk_room_media_handle_trickle (self, msg->trickle);
      break;
    case LIVEKIT__SIGNAL_RESPONSE__MESSAGE_UPDATE:
      for (gsize i = 0; i < msg->update->n_participants; i++)
        lk_room_apply_participant (self, msg->update->participants[i], TRUE);
      lk_room_media_attach_pending (self);
      break;
    case LIVEKIT__SIGNAL_RESPONSE__MESSAGE_TRACK_PUBLISHED:
      lk_room_media_track_published (self, msg->track_published);
      break;
    case LIVEKIT__SIGNAL_RESPONSE__MESSAGE_LEAVE:
      handle_leave (self, msg->leave);
      break;
    case LIVEKIT__SIGNAL_RESPONSE__MESSAGE_MUTE:
      {
        GListModel *tracks = self->local ? lk_participant_get_tracks (self->local) : NULL;
        for (guint i = 0; tracks != NULL && i < g_list_model_get_n_items (tracks); i++)
          {
            g_autoptr(LkTrack) track = g_list_model_get_item (tracks, i);
            if (g_strcmp0 (lk_track_get_sid (track), msg->mute->sid) == 0)
              {
                lk_track_set_muted_internal (track, msg->mute->muted);
                g_signal_emit (self, signals[SIGNAL_TRACK_MUTED], 0, self->local, track);
              }
          }
        break;
      }
    case LIVEKIT__SIGNAL_RESPONSE__MESSAGE_SPEAKERS_CHANGED:
      lk_room_apply_speakers (self, msg->speakers_changed);
      break;
    case LIVEKIT__SIGNAL_RESPONSE__MESSAGE_ROOM_UPDATE:
      if (msg->room_update->room != NULL && msg->room_update->room->sid != NULL &&
          *msg->room_update->room->sid != '\0')
        {
          g_free (self->sid);
          self->sid = g_strdup (msg->room_update->room->sid);
        }
      break;
    case LIVEKIT__SIGNAL_RESPONSE__MESSAGE_REFRESH_TOKEN:
      g_free (self->token);
      self->token = g_strdup (msg->refresh_token);
      break;
    case LIVEKIT__SIGNAL_RESPONSE__MESSAGE_TRACK_UNPUBLISHED:
      g_debug ("the server unpublished our track %s", msg->track_unpublished->track_sid);
      break;
    case LIVEKIT__SIGNAL_RESPONSE__MESSAGE_REQUEST_RESPONSE:
      lk_room_media_request_refused (self, msg->request_response);
      break;
    case LIVEKIT__SIGNAL_RESPONSE__MESSAGE_SUBSCRIPTION_PERMISSION_UPDATE:
      {
        const Livekit__SubscriptionPermissionUpdate *u = msg->subscription_permission_update;

        g_debug ("permission for %s: %s", u->track_sid, u->allowed ? "allowed" : "denied");
        /* We auto-subscribe: a grant that reaches us has been applied, so
         * ask for the track now instead of waiting for the server's 3 s
         * reconcile tick (facts §10). */
        if (u->allowed && self->auto_subscribe &&
            !g_hash_table_contains (self->app_unsubscribed, u->track_sid) &&
            lk_room_find_remote_track (self, u->track_sid, NULL) != NULL)
          {
            const char *sids[] = { u->track_sid, NULL };
            lk_room_update_subscription (self, sids, TRUE);
          }
        break;
      }
    case LIVEKIT__SIGNAL_RESPONSE__MESSAGE_JOIN:
    case LIVEKIT__SIGNAL_RESPONSE__MESSAGE_RECONNECT:
    case LIVEKIT__SIGNAL_RESPONSE__MESSAGE_PONG:
    case LIVEKIT__SIGNAL_RESPONSE__MESSAGE_PONG_RESP:
    case LIVEKIT__SIGNAL_RESPONSE__MESSAGE_SUBSCRIPTION_RESPONSE:
    case LIVEKIT__SIGNAL_RESPONSE__MESSAGE_TRACK_SUBSCRIBED:
    case LIVEKIT__SIGNAL_RESPONSE__MESSAGE__NOT_SET:
    default:
      break;
    }
  g_object_unref (self);
}

static void
on_signal_closed (LkSignalClient *signal,
                  GError         *error,
                  LkRoom         *self)
{
  g_message ("signal connection lost: %s", error ? error->message : "closed");
  if (self->state == LK_CONNECTION_STATE_CONNECTED && !self->leaving)
    start_resume (self);
}

/* ---- connect, resume, disconnect ---- */

void
lk_room_fail (LkRoom             *self,
              LkDisconnectReason  reason,
              const GError       *error)
{
  gboolean was_connected = self->state != LK_CONNECTION_STATE_DISCONNECTED;

  g_object_ref (self);
  teardown (self);
  if (was_connected)
    g_signal_emit (self, signals[SIGNAL_DISCONNECTED], 0, reason, error);
  g_object_unref (self);
}

static void
connect_signal_handlers (LkRoom *self)
{
  self->signal_message_id = g_signal_connect (self->signal, "message", G_CALLBACK (on_signal_message), self);
  self->signal_closed_id = g_signal_connect (self->signal, "closed", G_CALLBACK (on_signal_closed), self);
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
  Livekit__JoinResponse *join;

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
      teardown (self);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (response->message_case != LIVEKIT__SIGNAL_RESPONSE__MESSAGE_JOIN || response->join->participant == NULL)
    {
      livekit__signal_response__free_unpacked (response, NULL);
      teardown (self);
      g_task_return_new_error (task, LK_ERROR, LK_ERROR_PROTOCOL, "the server did not answer with a join");
      return;
    }
  join = response->join;
  if (join->room != NULL)
    {
      self->name = g_strdup (join->room->name);
      self->sid = g_strdup (join->room->sid);
    }
  self->n_signal_connects++;
  self->local = lk_participant_new (join->participant, TRUE);
  for (gsize i = 0; i < join->n_other_participants; i++)
    lk_room_apply_participant (self, join->other_participants[i], FALSE);
  self->ping_interval = join->ping_interval > 0 ? join->ping_interval : 5;
  self->ping_timeout = join->ping_timeout > 0 ? join->ping_timeout : 15;
  connect_signal_handlers (self);
  lk_signal_client_start_keepalive (self->signal, self->ping_interval, self->ping_timeout);
  if (self->permissions != NULL)
    lk_signal_client_send_packed (self->signal, self->permissions, NULL);
  lk_room_media_joined (self, join->ice_servers, join->n_ice_servers);
  g_message ("joined room %s as %s (server %s, protocol %d)", self->name,
             lk_participant_get_identity (self->local),
             join->server_info ? join->server_info->version : "?",
             join->server_info ? join->server_info->protocol : 0);
  livekit__signal_response__free_unpacked (response, NULL);

  lk_room_set_state (self, LK_CONNECTION_STATE_CONNECTED);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_LOCAL_PARTICIPANT]);
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
      teardown (self);
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
      teardown (self);
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
      lk_room_media_resumed (self);
      g_message ("resumed the session");
      g_signal_emit (self, signals[SIGNAL_RECONNECTED], 0);
      return;
    }
  if (response != NULL)
    {
      livekit__signal_response__free_unpacked (response, NULL);
      error = g_error_new (LK_ERROR, LK_ERROR_PROTOCOL, "the server answered a resume with a new join");
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

static void
start_resume (LkRoom *self)
{
  if (self->state == LK_CONNECTION_STATE_RECONNECTING)
    return;
  lk_room_set_state (self, LK_CONNECTION_STATE_RECONNECTING);
  self->resume_deadline_us = g_get_monotonic_time () + RESUME_BUDGET_S * G_USEC_PER_SEC;
  g_signal_emit (self, signals[SIGNAL_RECONNECTING], 0);
  if (self->state == LK_CONNECTION_STATE_RECONNECTING)
    resume_attempt (self);
}

static void
teardown (LkRoom *self)
{
  g_autoptr(GError) error = g_error_new (LK_ERROR, LK_ERROR_DISCONNECTED, "the room is disconnected");

  self->leaving = TRUE;
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
  teardown (self);
  if (was_connected)
    g_signal_emit (self, signals[SIGNAL_DISCONNECTED], 0, LK_DISCONNECT_REASON_CLIENT_INITIATED, NULL);
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

/* ---- accessors ---- */

void
lk_room_set_auto_subscribe (LkRoom   *self,
                            gboolean  auto_subscribe)
{
  g_return_if_fail (LK_IS_ROOM (self));
  self->auto_subscribe = !!auto_subscribe;
}

LkConnectionState
lk_room_get_connection_state (LkRoom *self)
{
  g_return_val_if_fail (LK_IS_ROOM (self), LK_CONNECTION_STATE_DISCONNECTED);
  return self->state;
}

const char *
lk_room_get_name (LkRoom *self)
{
  g_return_val_if_fail (LK_IS_ROOM (self), NULL);
  return self->name;
}

const char *
lk_room_get_sid (LkRoom *self)
{
  g_return_val_if_fail (LK_IS_ROOM (self), NULL);
  return self->sid;
}

LkParticipant *
lk_room_get_local_participant (LkRoom *self)
{
  g_return_val_if_fail (LK_IS_ROOM (self), NULL);
  return self->local;
}

GListModel *
lk_room_get_remote_participants (LkRoom *self)
{
  g_return_val_if_fail (LK_IS_ROOM (self), NULL);
  return G_LIST_MODEL (self->remotes);
}

LkParticipant *
lk_room_lookup_participant (LkRoom     *self,
                            const char *identity)
{
  g_return_val_if_fail (LK_IS_ROOM (self), NULL);
  g_return_val_if_fail (identity != NULL, NULL);

  if (self->local != NULL && g_strcmp0 (identity, lk_participant_get_identity (self->local)) == 0)
    return self->local;
  return g_hash_table_lookup (self->by_identity, identity);
}

void
lk_room_set_audio_sink (LkRoom     *self,
                        GstElement *sink)
{
  g_return_if_fail (LK_IS_ROOM (self));
  g_return_if_fail (sink == NULL || GST_IS_ELEMENT (sink));

  if (sink != NULL)
    gst_object_ref_sink (sink);
  g_clear_object (&self->audio_sink);
  self->audio_sink = sink;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_AUDIO_SINK]);
}

GstElement *
lk_room_get_audio_sink (LkRoom *self)
{
  g_return_val_if_fail (LK_IS_ROOM (self), NULL);
  return self->audio_sink;
}

GstPipeline *
lk_room_get_pipeline (LkRoom *self)
{
  g_return_val_if_fail (LK_IS_ROOM (self), NULL);
  return self->pipeline;
}

/* ---- lifecycle ---- */

static void
lk_room_get_property (GObject    *object,
                      guint       prop_id,
                      GValue     *value,
                      GParamSpec *pspec)
{
  LkRoom *self = LK_ROOM (object);

  switch (prop_id)
    {
    case PROP_CONNECTION_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_LOCAL_PARTICIPANT:
      g_value_set_object (value, self->local);
      break;
    case PROP_AUDIO_SINK:
      g_value_set_object (value, self->audio_sink);
      break;
    case PROP_JITTER_LATENCY:
      g_value_set_uint (value, self->jitter_latency_ms);
      break;
    case PROP_AUTO_SUBSCRIBE:
      g_value_set_boolean (value, self->auto_subscribe);
      break;
    case PROP_N_SIGNAL_CONNECTS:
      g_value_set_uint (value, self->n_signal_connects);
      break;
    case PROP_N_ICE_RESTARTS:
      g_value_set_uint (value, self->n_ice_restarts);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lk_room_set_property (GObject      *object,
                      guint         prop_id,
                      const GValue *value,
                      GParamSpec   *pspec)
{
  LkRoom *self = LK_ROOM (object);

  switch (prop_id)
    {
    case PROP_AUDIO_SINK:
      lk_room_set_audio_sink (self, g_value_get_object (value));
      break;
    case PROP_JITTER_LATENCY:
      self->jitter_latency_ms = g_value_get_uint (value);
      break;
    case PROP_AUTO_SUBSCRIBE:
      lk_room_set_auto_subscribe (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lk_room_dispose (GObject *object)
{
  LkRoom *self = LK_ROOM (object);

  if (self->state != LK_CONNECTION_STATE_DISCONNECTED || self->pipeline != NULL)
    {
      Livekit__SignalRequest req = LIVEKIT__SIGNAL_REQUEST__INIT;
      Livekit__LeaveRequest leave = LIVEKIT__LEAVE_REQUEST__INIT;

      if (self->signal != NULL && lk_signal_client_is_open (self->signal))
        {
          leave.reason = LIVEKIT__DISCONNECT_REASON__CLIENT_INITIATED;
          req.message_case = LIVEKIT__SIGNAL_REQUEST__MESSAGE_LEAVE;
          req.leave = &leave;
          lk_room_send_request (self, &req, NULL);
        }
      teardown (self);
    }
  g_clear_object (&self->connect_task);
  g_clear_object (&self->local);
  g_clear_object (&self->audio_sink);

  G_OBJECT_CLASS (lk_room_parent_class)->dispose (object);
}

static void
lk_room_finalize (GObject *object)
{
  LkRoom *self = LK_ROOM (object);

  g_clear_object (&self->remotes);
  g_hash_table_unref (self->by_identity);
  g_hash_table_unref (self->mid_track);
  g_hash_table_unref (self->mid_pads);
  g_hash_table_unref (self->mid_attached);
  g_ptr_array_unref (self->local_tracks);
  g_ptr_array_unref (self->remote_channels);
  lk_text_stream_reader_free (self->reader);
  g_clear_pointer (&self->permissions, g_bytes_unref);
  g_hash_table_unref (self->app_unsubscribed);
  g_free (self->url);
  if (self->token != NULL)
    memset (self->token, 0, strlen (self->token));
  g_free (self->token);
  g_free (self->name);
  g_free (self->sid);

  G_OBJECT_CLASS (lk_room_parent_class)->finalize (object);
}

static void
lk_room_class_init (LkRoomClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GType type = G_TYPE_FROM_CLASS (klass);

  object_class->get_property = lk_room_get_property;
  object_class->set_property = lk_room_set_property;
  object_class->dispose = lk_room_dispose;
  object_class->finalize = lk_room_finalize;

  props[PROP_CONNECTION_STATE] =
    g_param_spec_enum ("connection-state", NULL, NULL, LK_TYPE_CONNECTION_STATE,
                       LK_CONNECTION_STATE_DISCONNECTED,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  props[PROP_LOCAL_PARTICIPANT] =
    g_param_spec_object ("local-participant", NULL, NULL, LK_TYPE_PARTICIPANT,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  props[PROP_AUDIO_SINK] =
    g_param_spec_object ("audio-sink", NULL, NULL, GST_TYPE_ELEMENT,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* Jitterbuffer latency of received audio, in ms. 50 ms: on loopback/LAN
   * jitter stays far below it, mouth-to-ear drops from ~250 ms (webrtcbin's
   * 200 ms default) to ~100 ms (facts §10), and Opus PLC hides the rare
   * late packet. Raise it for lossy WAN links. */
  props[PROP_JITTER_LATENCY] =
    g_param_spec_uint ("jitter-latency", NULL, NULL, 0, 2000, 50,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  props[PROP_AUTO_SUBSCRIBE] =
    g_param_spec_boolean ("auto-subscribe", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  /* For tests: WebSocket sessions opened (join + resumes), ICE restarts made. */
  props[PROP_N_SIGNAL_CONNECTS] =
    g_param_spec_uint ("n-signal-connects", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  props[PROP_N_ICE_RESTARTS] =
    g_param_spec_uint ("n-ice-restarts", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);

  signals[SIGNAL_PARTICIPANT_CONNECTED] =
    g_signal_new ("participant-connected", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, LK_TYPE_PARTICIPANT);
  signals[SIGNAL_PARTICIPANT_DISCONNECTED] =
    g_signal_new ("participant-disconnected", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, LK_TYPE_PARTICIPANT);
  signals[SIGNAL_PARTICIPANT_UPDATED] =
    g_signal_new ("participant-updated", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, LK_TYPE_PARTICIPANT);
  signals[SIGNAL_ACTIVE_SPEAKERS_CHANGED] =
    g_signal_new ("active-speakers-changed", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_PTR_ARRAY);
  signals[SIGNAL_TRACK_PUBLISHED] =
    g_signal_new ("track-published", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, LK_TYPE_PARTICIPANT, LK_TYPE_TRACK);
  signals[SIGNAL_TRACK_UNPUBLISHED] =
    g_signal_new ("track-unpublished", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, LK_TYPE_PARTICIPANT, LK_TYPE_TRACK);
  signals[SIGNAL_TRACK_SUBSCRIBED] =
    g_signal_new ("track-subscribed", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, LK_TYPE_PARTICIPANT, LK_TYPE_TRACK);
  signals[SIGNAL_TRACK_UNSUBSCRIBED] =
    g_signal_new ("track-unsubscribed", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, LK_TYPE_PARTICIPANT, LK_TYPE_TRACK);
  signals[SIGNAL_TRACK_MUTED] =
    g_signal_new ("track-muted", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, LK_TYPE_PARTICIPANT, LK_TYPE_TRACK);
  signals[SIGNAL_DATA_RECEIVED] =
    g_signal_new ("data-received", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_BYTES);
  signals[SIGNAL_TEXT_RECEIVED] =
    g_signal_new ("text-received", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 5, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_HASH_TABLE,
                  G_TYPE_STRING);
  signals[SIGNAL_RECONNECTING] =
    g_signal_new ("reconnecting", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_RECONNECTED] =
    g_signal_new ("reconnected", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_DISCONNECTED] =
    g_signal_new ("disconnected", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, LK_TYPE_DISCONNECT_REASON, G_TYPE_ERROR);
}

static void
lk_room_init (LkRoom *self)
{
  self->remotes = g_list_store_new (LK_TYPE_PARTICIPANT);
  self->by_identity = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->mid_track = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->mid_pads = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, gst_object_unref);
  self->mid_attached = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->local_tracks = g_ptr_array_new_with_free_func (g_object_unref);
  self->remote_channels = g_ptr_array_new_with_free_func (g_object_unref);
  self->reader = lk_text_stream_reader_new ();
  self->jitter_latency_ms = 50;
  self->auto_subscribe = TRUE;
  self->app_unsubscribed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_queue_init (&self->publish_queue);
  g_queue_init (&self->pending_sends);
}

LkRoom *
lk_room_new (void)
{
  return g_object_new (LK_TYPE_ROOM, NULL);
}
