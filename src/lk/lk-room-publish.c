/* lk-room-publish.c: LkRoom's local tracks — AddTrack, the publisher
 * offer that carries them, mute, unpublish
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-room"

#include <gst/sdp/sdp.h>
#include <string.h>

#include "lk-participant-private.h"
#include "lk-room-private.h"
#include "lk-track-private.h"

#define PUBLISH_TIMEOUT_S 15

static void start_next_publish (LkRoom *self);

/* Our publisher offer with a=msid naming each track's cid: webrtcbin writes
 * none, and the server matches AddTrackRequests by it (facts §3, §10). */
char *
lk_room_munge_publisher_offer (LkRoom     *self,
                               const char *text)
{
  GstSDPMessage *sdp = lk_room_sdp_parse (text);
  guint k = 0;
  char *out;

  if (sdp == NULL)
    return g_strdup (text != NULL ? text : "");
  for (guint i = 0; i < gst_sdp_message_medias_len (sdp); i++)
    {
      GstSDPMedia *media = (GstSDPMedia *) gst_sdp_message_get_media (sdp, i);
      LkTrack *track;
      const char *cid;
      g_autofree char *msid = NULL;

      if (g_strcmp0 (gst_sdp_media_get_media (media), "audio") != 0)
        continue;
      if (k >= self->local_tracks->len)
        break;
      track = g_ptr_array_index (self->local_tracks, k++);
      cid = lk_track_get_cid (track);
      msid = g_strdup_printf ("%s %s", cid, cid);
      for (guint a = gst_sdp_media_attributes_len (media); a > 0; a--)
        {
          const GstSDPAttribute *attr = gst_sdp_media_get_attribute (media, a - 1);
          if (g_strcmp0 (attr->key, "msid") == 0)
            gst_sdp_media_remove_attribute (media, a - 1);
          else if (g_strcmp0 (attr->key, "ssrc") == 0 && attr->value != NULL && strstr (attr->value, " msid:"))
            {
              GstSDPAttribute repl;
              g_autofree char *ssrc = g_strndup (attr->value, strchr (attr->value, ' ') - attr->value);
              g_autofree char *value = g_strdup_printf ("%s msid:%s", ssrc, msid);
              gst_sdp_attribute_set (&repl, "ssrc", value);
              gst_sdp_media_replace_attribute (media, a - 1, &repl);
            }
        }
      gst_sdp_media_add_attribute (media, "msid", msid);
    }
  self->n_audio_mlines_sent = k;
  out = gst_sdp_message_as_text (sdp);
  gst_sdp_message_free (sdp);
  return out;
}

/* ---- publishing ---- */

static gboolean
send_mute (LkTrack   *track,
           gboolean   muted,
           gpointer   user_data,
           GError   **error)
{
  Livekit__SignalRequest req = LIVEKIT__SIGNAL_REQUEST__INIT;
  Livekit__MuteTrackRequest mute = LIVEKIT__MUTE_TRACK_REQUEST__INIT;

  mute.sid = (char *) lk_track_get_sid (track);
  mute.muted = muted;
  req.message_case = LIVEKIT__SIGNAL_REQUEST__MESSAGE_MUTE;
  req.mute = &mute;
  return lk_room_send_request (user_data, &req, error);
}


static void
publish_op_free (LkPublishOp *op)
{
  g_clear_handle_id (&op->timeout_id, g_source_remove);
  g_clear_object (&op->task);
  g_clear_object (&op->track);
  if (op->source != NULL)
    gst_object_unref (op->source);
  g_free (op);
}

void
lk_room_publish_op_finish (LkRoom      *self,
                           LkPublishOp *op,
                           GError      *error)
{
  if (self->publishing == op)
    self->publishing = NULL;
  else
    g_queue_remove (&self->publish_queue, op);
  if (error != NULL)
    {
      if (op->track != NULL)
        {
          lk_track_detach (op->track);
          if (self->local != NULL)
            lk_participant_remove_track (self->local, op->track);
        }
      if (op->task != NULL)
        g_task_return_error (op->task, error);
      else
        {
          /* A re-publication after a re-join: nobody waits for it. */
          g_warning ("track %s was not published again: %s", lk_track_get_cid (op->track), error->message);
          g_error_free (error);
        }
    }
  else
    {
      lk_track_set_sending (op->track, TRUE);
      if (op->task != NULL)
        g_task_return_pointer (op->task, g_object_ref (op->track), g_object_unref);
    }
  publish_op_free (op);
  if (self->pipeline != NULL)
    start_next_publish (self);
}

static gboolean
on_publish_timeout (gpointer user_data)
{
  LkPublishOp *op = user_data;

  op->timeout_id = 0;
  lk_room_publish_op_finish (op->room, op,
                     g_error_new (LK_ERROR, LK_ERROR_NEGOTIATION_TIMEOUT,
                                  "the server did not accept the track within %d s", PUBLISH_TIMEOUT_S));
  return G_SOURCE_REMOVE;
}

/* A full reference, as the app's own source is held once taken. */
static GstElement *
make_source (GError **error)
{
  const char *desc = g_getenv ("HANDOFF_AUDIO_SRC");
  GstElement *source;

  if (desc != NULL && *desc != '\0')
    source = gst_parse_bin_from_description (desc, TRUE, error);
  else
    source = gst_element_factory_make ("autoaudiosrc", NULL);
  return source != NULL ? gst_object_ref_sink (source) : NULL;
}

static void
send_add_track (LkPublishOp *op)
{
  LkRoom *self = op->room;
  Livekit__SignalRequest req = LIVEKIT__SIGNAL_REQUEST__INIT;
  Livekit__AddTrackRequest add = LIVEKIT__ADD_TRACK_REQUEST__INIT;
  g_autoptr(GError) error = NULL;

  g_debug ("[%s] adding track %s", lk_participant_get_identity (self->local),
           lk_track_get_cid (op->track));
  add.cid = (char *) lk_track_get_cid (op->track);
  add.name = (char *) lk_track_get_name (op->track);
  add.type = LIVEKIT__TRACK_TYPE__AUDIO;
  add.source = (Livekit__TrackSource) lk_track_get_source (op->track);
  add.muted = lk_track_get_muted (op->track);
  /* We send plain Opus: no RED, and no DTX (steady packets keep the
   * receivers' jitterbuffers and level meters simple). */
  add.disable_red = TRUE;
  add.disable_dtx = TRUE;
  req.message_case = LIVEKIT__SIGNAL_REQUEST__MESSAGE_ADD_TRACK;
  req.add_track = &add;
  if (!lk_room_send_request (self, &req, &error))
    lk_room_publish_op_finish (self, op, g_steal_pointer (&error));
}

static void
start_next_publish (LkRoom *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *cid = NULL;
  LkPublishOp *op;
  GstElement *source;
  gboolean built;

  /* During a re-join the queue waits for the new session. */
  if (self->publishing != NULL || g_queue_is_empty (&self->publish_queue) || self->rejoining)
    return;
  op = g_queue_pop_head (&self->publish_queue);
  self->publishing = op;
  if (op->republish)
    {
      if (!lk_track_relink_sender (op->track, lk_peer_transport_get_webrtcbin (self->publisher), &error))
        {
          lk_room_publish_op_finish (self, op, g_steal_pointer (&error));
          return;
        }
      op->timeout_id = g_timeout_add_seconds (PUBLISH_TIMEOUT_S, on_publish_timeout, op);
      send_add_track (op);
      return;
    }

  source = op->source != NULL ? g_steal_pointer (&op->source) : make_source (&error);
  if (source == NULL)
    {
      if (error == NULL)
        error = g_error_new (LK_ERROR, LK_ERROR_MEDIA, "no audio source (autoaudiosrc missing)");
      lk_room_publish_op_finish (self, op, g_steal_pointer (&error));
      return;
    }
  cid = g_strdup_printf ("handoff-audio-%u", ++self->cid_counter);
  op->track = lk_track_new_local (g_object_get_data (G_OBJECT (op->task), "lk-name"),
                                  GPOINTER_TO_INT (g_object_get_data (G_OBJECT (op->task), "lk-source")),
                                  lk_participant_get_identity (self->local), cid);
  built = lk_track_build_local (op->track, GST_BIN (self->pipeline), source,
                                lk_peer_transport_get_webrtcbin (self->publisher), &error);
  /* The pipeline and the track hold their own references once built. */
  gst_object_unref (source);
  if (!built)
    {
      lk_room_publish_op_finish (self, op, g_steal_pointer (&error));
      return;
    }
  if (lk_track_get_transceiver (op->track) != NULL)
    g_ptr_array_add (self->local_tracks, g_object_ref (op->track));
  lk_track_set_mute_func (op->track, send_mute, self);
  op->timeout_id = g_timeout_add_seconds (PUBLISH_TIMEOUT_S, on_publish_timeout, op);
  send_add_track (op);
}

void
lk_room_media_track_published (LkRoom                                *self,
                               const Livekit__TrackPublishedResponse *response)
{
  LkPublishOp *op = self->publishing;

  if (op == NULL || op->published || g_strcmp0 (response->cid, lk_track_get_cid (op->track)) != 0 ||
      response->track == NULL)
    return;
  g_debug ("[%s] track %s published as %s", lk_participant_get_identity (self->local),
           response->cid, response->track->sid);
  op->published = TRUE;
  if (op->republish)
    {
      g_autofree char *old_sid = g_strdup (lk_track_get_sid (op->track));

      lk_track_set_sid (op->track, response->track->sid);
      lk_room_rename_permission_track (self, old_sid, response->track->sid);
    }
  else
    {
      lk_track_set_sid (op->track, response->track->sid);
      lk_participant_add_track (self->local, op->track);
    }
  lk_peer_transport_negotiate (self->publisher, FALSE);
}

void
lk_room_media_request_refused (LkRoom                         *self,
                               const Livekit__RequestResponse *response)
{
  LkPublishOp *op = self->publishing;

  if (response->reason == 0)
    return;
  g_warning ("the server refused a request: %s", response->message ? response->message : "");
  if (op != NULL && response->request_case == LIVEKIT__REQUEST_RESPONSE__REQUEST_ADD_TRACK &&
      g_strcmp0 (response->add_track->cid, lk_track_get_cid (op->track)) == 0)
    lk_room_publish_op_finish (self, op, g_error_new (LK_ERROR, LK_ERROR_NOT_ALLOWED, "the server refused the track: %s",
                                              response->message ? response->message : "not allowed"));
}

void
lk_room_publish_interrupted (LkRoom *self)
{
  g_autoptr(GError) error = g_error_new (LK_ERROR, LK_ERROR_DISCONNECTED,
                                         "the session was lost while the track was being published");
  GList *l = self->publish_queue.head;

  /* Re-publications of an earlier re-join: the next one redoes them. */
  while (l != NULL)
    {
      GList *next = l->next;
      LkPublishOp *op = l->data;

      if (op->republish)
        {
          g_queue_delete_link (&self->publish_queue, l);
          publish_op_free (op);
        }
      l = next;
    }
  if (self->publishing != NULL && self->publishing->republish)
    publish_op_free (g_steal_pointer (&self->publishing));
  /* The app's own publication in flight has no place in the new session;
   * it learns that it failed (queued ones wait and run afterwards). */
  else if (self->publishing != NULL)
    lk_room_publish_op_finish (self, self->publishing, g_steal_pointer (&error));
}

void
lk_room_republish_track (LkRoom  *self,
                         LkTrack *track)
{
  LkPublishOp *op = g_new0 (LkPublishOp, 1);
  guint pos = 0;

  op->room = self;
  op->track = g_object_ref (track);
  op->republish = TRUE;
  /* Behind the other re-publications, ahead of what the app had queued:
   * the new publisher's m-lines must come in local_tracks order
   * (lk_room_munge_publisher_offer). */
  while (pos < g_queue_get_length (&self->publish_queue) &&
         ((LkPublishOp *) g_queue_peek_nth (&self->publish_queue, pos))->republish)
    pos++;
  g_queue_push_nth (&self->publish_queue, op, pos);
  start_next_publish (self);
}

void
lk_room_publish_audio_async (LkRoom              *self,
                             const char          *name,
                             LkTrackSource        source,
                             GstElement          *source_element,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  LkPublishOp *op;

  g_return_if_fail (LK_IS_ROOM (self));
  g_return_if_fail (source_element == NULL || GST_IS_ELEMENT (source_element));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, lk_room_publish_audio_async);
  if (source_element != NULL)
    gst_object_ref_sink (source_element);
  if (self->state != LK_CONNECTION_STATE_CONNECTED)
    {
      if (source_element != NULL)
        gst_object_unref (source_element);
      g_task_return_new_error (task, LK_ERROR, LK_ERROR_DISCONNECTED, "not connected");
      return;
    }
  g_object_set_data_full (G_OBJECT (task), "lk-name", g_strdup (name ? name : "microphone"), g_free);
  g_object_set_data (G_OBJECT (task), "lk-source", GINT_TO_POINTER (source));
  op = g_new0 (LkPublishOp, 1);
  op->room = self;
  op->task = g_steal_pointer (&task);
  op->source = source_element;
  g_queue_push_tail (&self->publish_queue, op);
  start_next_publish (self);
}

LkTrack *
lk_room_publish_audio_finish (LkRoom        *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (LK_IS_ROOM (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
on_track_held (LkTrack  *track,
               gpointer  user_data)
{
  GTask *task = user_data;
  LkRoom *self = g_task_get_source_object (task);
  GPtrArray *tasks = g_object_get_data (G_OBJECT (self), "lk-unpublish-tasks");

  if (self->publisher == NULL || tasks == NULL || lk_track_get_transceiver (track) == NULL)
    {
      g_task_return_new_error (task, LK_ERROR, LK_ERROR_DISCONNECTED, "the room is disconnected");
      g_object_unref (task);
      return;
    }
  /* webrtcbin does not renegotiate on its own for this (facts §10). */
  g_object_set (lk_track_get_transceiver (track), "direction",
                GST_WEBRTC_RTP_TRANSCEIVER_DIRECTION_INACTIVE, NULL);
  lk_track_detach (track);
  if (self->local != NULL)
    lk_participant_remove_track (self->local, track);
  g_ptr_array_add (tasks, task);
  lk_peer_transport_negotiate (self->publisher, FALSE);
}

void
lk_room_unpublish_track_async (LkRoom              *self,
                               LkTrack             *track,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (LK_IS_ROOM (self));
  g_return_if_fail (LK_IS_TRACK (track));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, lk_room_unpublish_track_async);
  if (!lk_track_is_local (track) || !g_ptr_array_find (self->local_tracks, track, NULL) ||
      self->state != LK_CONNECTION_STATE_CONNECTED)
    {
      g_task_return_new_error (task, LK_ERROR, LK_ERROR_INVALID_ARGUMENT,
                               "not a track this room publishes");
      return;
    }
  /* First hold our own streaming thread at the payloader, so no push is
   * inside webrtcbin when the transceiver turns inactive (webrtcbin then
   * parks such a push forever, and stopping the branch would deadlock). */
  g_object_set_data_full (G_OBJECT (task), "lk-track", g_object_ref (track), g_object_unref);
  lk_track_hold (track, on_track_held, g_steal_pointer (&task));
}

gboolean
lk_room_unpublish_track_finish (LkRoom        *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

