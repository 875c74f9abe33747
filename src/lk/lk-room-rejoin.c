/* lk-room-rejoin.c: LkRoom's full re-join — when the session itself is lost
 * (leave with action RECONNECT, a resume the server refuses because it
 * restarted or dropped us, a server shutting down), a new session replaces
 * it without the application doing anything
 *
 * What stays: the pipeline, the mixer and the audio sink, every local
 * track's source and its taps (the app's level meter or transcriber keep
 * running), the LkParticipant and LkTrack objects of whoever is still there.
 * What is new: the signal connection (a join, not a resume), both
 * webrtcbins, the data channels, the local tracks' encoders (published
 * again, one after the other), the decoders of the remote tracks (the
 * server subscribes us again; their taps wait for them).
 * The app sees reconnecting … reconnected, as for a resume; remote
 * participants who left meanwhile (or, after a server restart, whose
 * session is new) are reported as they would be in a running call.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-room"

#include "lk-participant-private.h"
#include "lk-room-private.h"
#include "lk-track-private.h"

#include <string.h>

/* livekit-server comes back from a restart in 1–3 s on this machine; a
 * deploy or a failover may take longer. Past this the call is over. */
#define REJOIN_BUDGET_S LK_ROOM_AWAY_GRACE_S
#define REJOIN_ATTEMPT_TIMEOUT_MS 4000
#define REJOIN_RETRY_MS 500

static void rejoin_attempt (LkRoom *self);

void
lk_room_stop_rejoin (LkRoom *self)
{
  self->rejoining = FALSE;
  g_clear_handle_id (&self->rejoin_id, g_source_remove);
  if (self->rejoin_cancellable != NULL)
    g_cancellable_cancel (self->rejoin_cancellable);
  g_clear_object (&self->rejoin_cancellable);
  g_clear_error (&self->rejoin_error);
  g_clear_pointer (&self->resubscribe, g_ptr_array_unref);
  g_clear_pointer (&self->carried, g_hash_table_unref);
}

/* What self->carried holds for a key. */
#define CARRY_SUBSCRIBE GINT_TO_POINTER (1)
#define CARRY_UNSUBSCRIBE GINT_TO_POINTER (2)

char *
lk_room_carry_key (LkParticipant *owner,
                   LkTrack       *track)
{
  return g_strdup_printf ("%s/%s", lk_participant_get_identity (owner),
                          lk_track_get_name (track) ? lk_track_get_name (track) : "");
}

/* A restarted server knows nothing of what we had asked for, and everyone's
 * tracks come back with new sids: a track the app had subscribed to (with
 * auto-subscribe off) is asked for again, one it had unsubscribed from
 * (with auto-subscribe on: the new server subscribes us to everything) is
 * dropped again, when its owner publishes a track of the same name — while
 * the others may still be coming back. */
void
lk_room_carry_subscription (LkRoom        *self,
                            LkParticipant *owner,
                            LkTrack       *track)
{
  g_autofree char *key = NULL;
  const char *sids[] = { lk_track_get_sid (track), NULL };
  gpointer what;

  if (self->carried == NULL || g_hash_table_size (self->carried) == 0 || sids[0] == NULL)
    return;
  if (g_get_monotonic_time () >= self->swap_until_us)
    {
      g_hash_table_remove_all (self->carried);
      return;
    }
  key = lk_room_carry_key (owner, track);
  what = g_hash_table_lookup (self->carried, key);
  /* Not connected yet: restore_subscriptions tries again. */
  if (what != NULL && lk_room_update_subscription (self, sids, what == CARRY_SUBSCRIBE))
    g_hash_table_remove (self->carried, key);
}

/* The app's unsubscribes of tracks still there, or whose owner is away
 * (the server shut down and took everyone's tracks first): their owner and
 * name, for the new session. */
static void
carry_unsubscribes (LkRoom *self)
{
  GHashTableIter iter;
  gpointer sid, key;

  g_hash_table_iter_init (&iter, self->app_unsubscribed);
  while (g_hash_table_iter_next (&iter, &sid, &key))
    {
      gboolean present = key != NULL && lk_room_find_remote_track (self, sid, NULL) != NULL;
      GHashTableIter away;
      gpointer identity;

      g_hash_table_iter_init (&away, self->away);
      while (key != NULL && !present && g_hash_table_iter_next (&away, &identity, NULL))
        present = g_str_has_prefix (key, identity) && ((char *) key)[strlen (identity)] == '/';
      if (present)
        g_hash_table_insert (self->carried, g_strdup (key), CARRY_UNSUBSCRIBE);
    }
}

static gboolean
release_now (gpointer data)
{
  return G_SOURCE_REMOVE;  /* the source's destroy notify unrefs it */
}

/* The old signal client may be the one emitting right now (a leave). */
static void
drop_signal (LkRoom *self)
{
  GSource *source;

  if (self->signal == NULL)
    return;
  g_clear_signal_handler (&self->signal_message_id, self->signal);
  g_clear_signal_handler (&self->signal_closed_id, self->signal);
  lk_signal_client_close (self->signal);
  source = g_idle_source_new ();
  g_source_set_callback (source, release_now, g_steal_pointer (&self->signal), g_object_unref);
  g_source_attach (source, g_main_context_get_thread_default ());
  g_source_unref (source);
}

static void
reset_media (LkRoom *self)
{
  GPtrArray *unpublishing = g_object_get_data (G_OBJECT (self), "lk-unpublish-tasks");
  g_autoptr(GPtrArray) keep = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) attached = g_ptr_array_new_with_free_func (g_object_unref);
  GHashTableIter iter;
  gpointer value;

  lk_room_publish_interrupted (self);
  /* Unpublished here already; the new session never hears of them. */
  for (guint i = 0; unpublishing != NULL && i < unpublishing->len; i++)
    g_task_return_boolean (g_ptr_array_index (unpublishing, i), TRUE);
  if (unpublishing != NULL)
    g_ptr_array_set_size (unpublishing, 0);

  /* Remote tracks: their decoders go; their taps wait for them. */
  g_hash_table_iter_init (&iter, self->mid_attached);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (attached, g_object_ref (value));
  g_hash_table_remove_all (self->mid_attached);
  lk_room_detach_remote_tracks (self);
  for (guint i = 0; i < attached->len; i++)
    {
      LkTrack *track = g_ptr_array_index (attached, i);

      /* With auto-subscribe off the server only sends what we ask for
       * (an unsubscribe whose offer has not come yet stands). */
      if (!self->auto_subscribe && lk_track_get_sid (track) != NULL &&
          !g_hash_table_contains (self->app_unsubscribed, lk_track_get_sid (track)))
        {
          LkParticipant *owner = NULL;

          g_ptr_array_add (self->resubscribe, g_strdup (lk_track_get_sid (track)));
          if (lk_room_find_remote_track (self, lk_track_get_sid (track), &owner) == track)
            g_hash_table_insert (self->carried, lk_room_carry_key (owner, track), CARRY_SUBSCRIBE);
        }
      lk_room_emit_track_signal (self, "track-unsubscribed", track);
    }
  carry_unsubscribes (self);

  /* Local tracks still published keep their source (and taps); it stops
   * feeding the encoder before the old webrtcbin stops. The others (an
   * unpublished track keeps its inactive m-line) are done. */
  for (guint i = 0; i < self->local_tracks->len; i++)
    {
      LkTrack *track = g_ptr_array_index (self->local_tracks, i);
      const char *sid = lk_track_get_sid (track);

      if (sid != NULL && self->local != NULL && lk_participant_lookup_track (self->local, sid) == track)
        {
          lk_track_cut_sender (track);
          g_ptr_array_add (keep, g_object_ref (track));
        }
    }
  /* Stopping the webrtcbins releases any push of ours parked inside. */
  lk_room_media_close_transports (self);
  g_ptr_array_set_size (self->local_tracks, 0);
  for (guint i = 0; i < keep->len; i++)
    {
      LkTrack *track = g_ptr_array_index (keep, i);

      lk_track_unlink_sender (track);
      g_ptr_array_add (self->local_tracks, g_object_ref (track));
    }

  /* The pipeline is steadily PLAYING: new elements follow it at once. */
  lk_room_media_new_transports (self);
  gst_element_sync_state_with_parent (lk_peer_transport_get_webrtcbin (self->publisher));
  gst_element_sync_state_with_parent (lk_peer_transport_get_webrtcbin (self->subscriber));
}

static void
rejoin_give_up (LkRoom *self)
{
  g_autoptr(GError) error = NULL;
  LkDisconnectReason reason = self->rejoin_reason;

  error = g_error_new (LK_ERROR, LK_ERROR_DISCONNECTED,
                       "the session was lost (%s) and a new one could not be joined within %d s: %s",
                       lk_disconnect_reason_to_string (reason), REJOIN_BUDGET_S,
                       self->rejoin_error != NULL ? self->rejoin_error->message : "no answer");
  lk_room_fail (self, reason, error);
}

static gboolean
rejoin_retry (gpointer user_data)
{
  LkRoom *self = user_data;

  self->rejoin_id = 0;
  rejoin_attempt (self);
  return G_SOURCE_REMOVE;
}

static void
carry_track (LkRoom        *self,
             LkParticipant *owner,
             LkTrack       *track,
             gpointer       data)
{
  lk_room_carry_subscription (self, owner, track);
}

/* What the app had set up about others' tracks survives the new session. */
static void
restore_subscriptions (LkRoom *self)
{
  lk_room_send_held_subscriptions (self);
  if (self->resubscribe != NULL && self->resubscribe->len > 0)
    {
      g_ptr_array_add (self->resubscribe, NULL);
      lk_room_update_subscription (self, (const char * const *) self->resubscribe->pdata, TRUE);
    }
  /* Whoever is back already with new tracks (a restarted server). */
  if (self->carried != NULL && g_hash_table_size (self->carried) > 0)
    lk_room_foreach_remote_track (self, carry_track, NULL);
}

static void
on_rejoined (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(LkRoom) self = user_data;
  g_autoptr(GError) error = NULL;
  Livekit__SignalResponse *response;
  Livekit__JoinResponse *join;

  response = lk_signal_client_connect_finish (LK_SIGNAL_CLIENT (source), result, &error);
  if (!self->rejoining || LK_SIGNAL_CLIENT (source) != self->signal)
    {
      if (response != NULL)
        livekit__signal_response__free_unpacked (response, NULL);
      return;
    }
  if (response != NULL &&
      (response->message_case != LIVEKIT__SIGNAL_RESPONSE__MESSAGE_JOIN || response->join->participant == NULL))
    {
      livekit__signal_response__free_unpacked (response, NULL);
      response = NULL;
      error = g_error_new (LK_ERROR, LK_ERROR_PROTOCOL, "the server did not answer the re-join with a join");
    }
  if (response == NULL)
    {
      g_clear_error (&self->rejoin_error);
      self->rejoin_error = g_error_copy (error);
      /* Down, still restarting, or a draining server turning us away:
       * worth another try. A refused token or a room gone is final. */
      if ((g_error_matches (error, LK_ERROR, LK_ERROR_SERVER_UNREACHABLE) ||
           g_error_matches (error, LK_ERROR, LK_ERROR_DISCONNECTED)) &&
          g_get_monotonic_time () < self->rejoin_deadline_us)
        {
          g_debug ("re-join failed, retrying: %s", error->message);
          self->rejoin_id = g_timeout_add (REJOIN_RETRY_MS, rejoin_retry, self);
          return;
        }
      rejoin_give_up (self);
      return;
    }

  join = response->join;
  /* Our new session (a new sid), then whoever is there now. A restarted
   * server made the room anew (a new room sid). */
  lk_room_apply_participant (self, join->participant, FALSE);
  lk_room_prune_participants (self, join->other_participants, join->n_other_participants,
                              join->room != NULL && g_strcmp0 (join->room->sid, self->sid) != 0,
                              REJOIN_BUDGET_S);
  lk_room_apply_join (self, join);
  livekit__signal_response__free_unpacked (response, NULL);
  self->n_rejoins++;

  self->rejoining = FALSE;
  g_clear_handle_id (&self->rejoin_id, g_source_remove);
  g_clear_object (&self->rejoin_cancellable);
  g_clear_error (&self->rejoin_error);
  lk_room_set_state (self, LK_CONNECTION_STATE_CONNECTED);
  restore_subscriptions (self);
  g_clear_pointer (&self->resubscribe, g_ptr_array_unref);
  for (guint i = 0; i < self->local_tracks->len; i++)
    lk_room_republish_track (self, g_ptr_array_index (self->local_tracks, i));
  g_message ("re-joined as a new session (%u local tracks to publish again)", self->local_tracks->len);
  g_signal_emit_by_name (self, "reconnected");
}

static void
rejoin_attempt (LkRoom *self)
{
  drop_signal (self);
  g_clear_object (&self->rejoin_cancellable);
  self->rejoin_cancellable = g_cancellable_new ();
  self->signal = lk_signal_client_new ();
  lk_signal_client_set_auto_subscribe (self->signal, self->auto_subscribe);
  lk_signal_client_set_connect_timeout (self->signal, REJOIN_ATTEMPT_TIMEOUT_MS);
  lk_signal_client_connect_async (self->signal, self->url, self->token, NULL, self->rejoin_cancellable,
                                  on_rejoined, g_object_ref (self));
}

void
lk_room_start_rejoin (LkRoom             *self,
                      LkDisconnectReason  reason,
                      const char         *why)
{
  if (self->leaving || self->rejoining || self->pipeline == NULL || self->local == NULL ||
      (self->state != LK_CONNECTION_STATE_CONNECTED && self->state != LK_CONNECTION_STATE_RECONNECTING))
    return;
  g_message ("joining again as a new session: %s", why);
  self->rejoining = TRUE;
  self->rejoin_reason = reason;
  self->rejoin_deadline_us = g_get_monotonic_time () + REJOIN_BUDGET_S * G_USEC_PER_SEC;
  self->resubscribe = g_ptr_array_new_with_free_func (g_free);
  if (self->carried == NULL)
    self->carried = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  /* No more resume attempts: that session is gone. */
  g_clear_handle_id (&self->resume_id, g_source_remove);
  if (self->resume_cancellable != NULL)
    g_cancellable_cancel (self->resume_cancellable);
  g_clear_object (&self->resume_cancellable);
  drop_signal (self);

  if (self->state != LK_CONNECTION_STATE_RECONNECTING)
    {
      lk_room_set_state (self, LK_CONNECTION_STATE_RECONNECTING);
      g_signal_emit_by_name (self, "reconnecting");
      if (self->state != LK_CONNECTION_STATE_RECONNECTING || !self->rejoining)
        return;  /* the app disconnected meanwhile */
    }
  reset_media (self);
  rejoin_attempt (self);
}
