/* handoff-lk-media.c: HandoffCallMedia over the LiveKit client (LkRoom)
 *
 * Privacy is per track: during hold and consult our microphone may be heard
 * by the other agent only, while our hold-music track may be heard by the
 * caller only. Both lists are kept here and turned into one LiveKit
 * SubscriptionPermission whenever either changes; until the music track has
 * a sid the caller is allowed nothing (silence rather than a leak).
 *
 * The level meters are in handoff-lk-media-meters.c, the transcript lines
 * in handoff-lk-media-transcript.c.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "handoff-media"

#include "config.h"

#include <glib/gi18n.h>

#include "handoff-core-error.h"
#include "handoff-lk-media-private.h"

static void handoff_lk_media_iface_init (HandoffCallMediaInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (HandoffLkMedia, handoff_lk_media, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (HANDOFF_TYPE_CALL_MEDIA, handoff_lk_media_iface_init))

static gboolean
apply_permissions (HandoffLkMedia  *self,
                   GError         **error)
{
  g_autoptr(GArray) perms = g_array_new (FALSE, TRUE, sizeof (LkTrackPermission));
  g_autoptr(GPtrArray) sid_lists = g_ptr_array_new_with_free_func (g_free);
  const char *mic_sid = self->mic ? lk_track_get_sid (self->mic) : NULL;
  const char *music_sid = self->music ? lk_track_get_sid (self->music) : NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  if (self->mic_all && self->music_audience == NULL)
    return lk_room_set_subscription_permissions (self->room, TRUE, NULL, error);

  /* One entry per identity: its tracks (mic, music or both). */
  for (int pass = 0; pass < 2; pass++)
    {
      GStrv list = pass == 0 ? self->mic_allowed : self->music_audience;

      for (guint i = 0; list && list[i]; i++)
        {
          const char *who = list[i];
          gboolean mic = self->mic_all || (self->mic_allowed
                                          && g_strv_contains ((const char * const *) self->mic_allowed, who));
          gboolean music = self->music_audience && g_strv_contains ((const char * const *) self->music_audience, who);
          const char **sids;
          guint n = 0;
          LkTrackPermission p = { 0 };

          if (g_hash_table_contains (seen, who))
            continue;
          g_hash_table_add (seen, (gpointer) who);
          sids = g_new0 (const char *, 3);
          if (mic && mic_sid)
            sids[n++] = mic_sid;
          if (music && music_sid)
            sids[n++] = music_sid;
          p.participant_identity = who;
          p.all_tracks = FALSE;
          p.track_sids = sids;
          g_ptr_array_add (sid_lists, sids);
          g_array_append_val (perms, p);
        }
    }
  return lk_room_set_track_permissions (self->room, FALSE, (const LkTrackPermission *) perms->data,
                                        perms->len, error);
}

/* While we talk privately (our microphone is not for everyone) we hear only
 * those who may hear us: so neither agent hears the caller during hold and
 * consult. Unsubscribing is the subscriber's own choice, so it takes effect
 * at once, and so does subscribing again. */
static gboolean
may_hear (HandoffLkMedia *self,
          const char     *identity)
{
  return self->mic_all || (self->mic_allowed != NULL
                           && g_strv_contains ((const char * const *) self->mic_allowed, identity));
}

static void
apply_hearing (HandoffLkMedia *self)
{
  GListModel *remote = lk_room_get_remote_participants (self->room);
  g_autoptr(GPtrArray) on = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) off = g_ptr_array_new_with_free_func (g_free);

  if (lk_room_get_connection_state (self->room) != LK_CONNECTION_STATE_CONNECTED)
    return;
  for (guint i = 0; i < g_list_model_get_n_items (remote); i++)
    {
      g_autoptr(LkParticipant) p = g_list_model_get_item (remote, i);
      GListModel *tracks = lk_participant_get_tracks (p);
      gboolean hear = may_hear (self, lk_participant_get_identity (p));

      for (guint j = 0; j < g_list_model_get_n_items (tracks); j++)
        {
          g_autoptr(LkTrack) t = g_list_model_get_item (tracks, j);

          /* Not other agents' hold music. */
          if (hear && g_strcmp0 (lk_track_get_name (t), "hold-music") == 0)
            continue;
          g_ptr_array_add (hear ? on : off, g_strdup (lk_track_get_sid (t)));
        }
    }
  g_ptr_array_add (on, NULL);
  g_ptr_array_add (off, NULL);
  if (off->len > 1)
    lk_room_update_subscription (self->room, (const char * const *) off->pdata, FALSE);
  if (on->len > 1 && self->mic_all)
    lk_room_update_subscription (self->room, (const char * const *) on->pdata, TRUE);
}

/* ---- room signals -> interface signals ---- */

static void
on_track_published (LkRoom         *room,
                    LkParticipant  *p,
                    LkTrack        *track,
                    HandoffLkMedia *self)
{
  const char *sids[] = { lk_track_get_sid (track), NULL };

  if (!may_hear (self, lk_participant_get_identity (p)) && sids[0] != NULL)
    lk_room_update_subscription (self->room, sids, FALSE);
}

static void
on_participant_connected (LkRoom         *room,
                          LkParticipant  *p,
                          HandoffLkMedia *self)
{
  g_signal_emit_by_name (self, "participant-joined", lk_participant_get_identity (p), lk_participant_get_name (p));
}

static void
on_participant_disconnected (LkRoom         *room,
                             LkParticipant  *p,
                             HandoffLkMedia *self)
{
  g_signal_emit_by_name (self, "participant-left", lk_participant_get_identity (p));
}

static void
on_data (LkRoom         *room,
         const char     *identity,
         const char     *topic,
         GBytes         *payload,
         HandoffLkMedia *self)
{
  g_signal_emit_by_name (self, "data-received", identity, topic, payload);
}

static void
on_reconnecting (LkRoom         *room,
                 HandoffLkMedia *self)
{
  g_signal_emit_by_name (self, "connection-lost");
}

static void
on_reconnected (LkRoom         *room,
                HandoffLkMedia *self)
{
  g_signal_emit_by_name (self, "reconnected");
}

/* ---- connect ---- */

static void
on_mic_published (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  HandoffLkMedia *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  GListModel *remote;

  self->mic = lk_room_publish_audio_finish (LK_ROOM (source), result, &error);
  /* HANDOFF_MIC_TAPS=0: no level meters (to measure what taps cost). */
  if (self->mic != NULL && g_strcmp0 (g_getenv ("HANDOFF_MIC_TAPS"), "0") != 0)
    self->mic_meter = handoff_lk_media_add_level_tap (self->mic, NULL);
  if (self->mic != NULL)
    handoff_lk_media_start_transcribing (self);
  if (self->mic == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (self->muted)
    lk_track_set_muted (self->mic, TRUE, NULL);
  /* The agent chose another microphone while we were publishing. */
  if (self->mic_choice != self->mic_choice_published && self->mic_source != NULL &&
      !lk_track_replace_source (self->mic, self->mic_source, &error))
    {
      g_warning ("The chosen microphone: %s", error->message);
      g_clear_error (&error);
    }
  if (!apply_permissions (self, &error))
    g_warning ("Permissions: %s", error->message);
  apply_hearing (self);
  /* Whoever was there before us. */
  remote = lk_room_get_remote_participants (self->room);
  for (guint i = 0; i < g_list_model_get_n_items (remote); i++)
    {
      g_autoptr(LkParticipant) p = g_list_model_get_item (remote, i);
      on_participant_connected (self->room, p, self);
    }
  g_task_return_boolean (task, TRUE);
}

static void
on_room_connected (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  HandoffLkMedia *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;

  if (!lk_room_connect_finish (LK_ROOM (source), result, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  self->mic_choice_published = self->mic_choice;
  lk_room_publish_audio_async (self->room, "microphone", LK_TRACK_SOURCE_MICROPHONE, self->mic_source,
                               g_task_get_cancellable (task), on_mic_published, g_object_ref (task));
}

static void
lk_media_connect_async (HandoffCallMedia    *media,
                        const char          *url,
                        const char          *token,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  HandoffLkMedia *self = HANDOFF_LK_MEDIA (media);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, lk_media_connect_async);
  /* Permissions set before connecting are sent right after the join, so an
   * agent who joins "agents only" is never heard by the caller. */
  lk_room_connect_async (self->room, url, token, cancellable, on_room_connected, g_steal_pointer (&task));
}

static gboolean
lk_media_connect_finish (HandoffCallMedia  *media,
                         GAsyncResult      *result,
                         GError           **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
lk_media_disconnect (HandoffCallMedia *media)
{
  HandoffLkMedia *self = HANDOFF_LK_MEDIA (media);

  if (lk_room_get_connection_state (self->room) != LK_CONNECTION_STATE_DISCONNECTED)
    lk_room_disconnect_async (self->room, NULL, NULL, NULL);
}

static void
lk_media_set_muted (HandoffCallMedia *media,
                    gboolean          muted)
{
  HandoffLkMedia *self = HANDOFF_LK_MEDIA (media);

  self->muted = muted;
  handoff_lk_media_tap_transcriber (self, !muted);
  if (self->mic)
    lk_track_set_muted (self->mic, muted, NULL);
}

static gboolean
lk_media_set_mic_audience (HandoffCallMedia    *media,
                           gboolean             all,
                           const char * const  *allowed,
                           GError             **error)
{
  HandoffLkMedia *self = HANDOFF_LK_MEDIA (media);

  self->mic_all = all;
  g_strfreev (self->mic_allowed);
  self->mic_allowed = allowed ? g_strdupv ((char **) allowed) : NULL;
  handoff_lk_media_update_transcript_audience (self);
  apply_hearing (self);
  return apply_permissions (self, error);
}

static void
on_music_published (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(HandoffLkMedia) self = user_data;
  g_autoptr(GError) error = NULL;
  LkTrack *track = lk_room_publish_audio_finish (LK_ROOM (source), result, &error);

  self->music_pending = FALSE;
  if (track == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Hold music: %s", error->message);
      return;
    }
  self->music = track;
  if (self->music_audience == NULL)
    /* Hold ended while we were publishing. */
    lk_track_set_muted (self->music, TRUE, NULL);
  if (!apply_permissions (self, &error))
    g_warning ("Permissions: %s", error->message);
}

GstElement *
handoff_lk_media_make_music_source (const char  *file,
                                    GError     **error)
{
  g_autofree char *desc = NULL;

  if (file != NULL && g_file_test (file, G_FILE_TEST_EXISTS))
    {
      g_autofree char *uri = g_filename_to_uri (file, NULL, NULL);
      desc = g_strdup_printf ("uridecodebin uri=%s ! audioconvert ! audioresample", uri);
    }
  else
    /* The built-in tune: a soft two-note chord (G3 + D4) with its own
     * spectrum, so tests tell it from any voice or tone. */
    desc = g_strdup ("audiotestsrc is-live=true wave=sine freq=196 volume=0.12 ! audiomixer name=m "
                     "! audioconvert ! audioresample "
                     "audiotestsrc is-live=true wave=sine freq=294 volume=0.08 ! m.");
  return gst_parse_bin_from_description (desc, TRUE, error);
}

static gboolean
lk_media_set_hold_music (HandoffCallMedia    *media,
                         const char * const  *audience,
                         const char          *file,
                         GError             **error)
{
  HandoffLkMedia *self = HANDOFF_LK_MEDIA (media);

  g_strfreev (self->music_audience);
  self->music_audience = audience && audience[0] ? g_strdupv ((char **) audience) : NULL;

  if (self->music_audience == NULL)
    {
      /* Muted, not unpublished: LkRoom's unpublish can deadlock the main
       * thread (its source branch is set to NULL while its streaming thread
       * is blocked pushing into webrtcbin), and the next hold of this call
       * reuses the track. Muted, it is silence for whoever may still hear it. */
      if (self->music)
        lk_track_set_muted (self->music, TRUE, NULL);
      return apply_permissions (self, error);
    }
  if (self->music != NULL)
    lk_track_set_muted (self->music, FALSE, NULL);
  if (self->music == NULL && !self->music_pending)
    {
      GstElement *src = handoff_lk_media_make_music_source (file, error);

      if (src == NULL)
        return FALSE;
      self->music_pending = TRUE;
      /* The server grants agents the microphone source only; a second
       * microphone-source track named "hold-music" is allowed. */
      lk_room_publish_audio_async (self->room, "hold-music", LK_TRACK_SOURCE_MICROPHONE, src,
                                   self->cancellable, on_music_published, g_object_ref (self));
    }
  return apply_permissions (self, error);
}

static void
lk_media_resubscribe (HandoffCallMedia *media)
{
  HandoffLkMedia *self = HANDOFF_LK_MEDIA (media);
  GListModel *remote = lk_room_get_remote_participants (self->room);
  g_autoptr(GPtrArray) sids = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < g_list_model_get_n_items (remote); i++)
    {
      g_autoptr(LkParticipant) p = g_list_model_get_item (remote, i);
      GListModel *tracks = lk_participant_get_tracks (p);

      for (guint j = 0; j < g_list_model_get_n_items (tracks); j++)
        {
          g_autoptr(LkTrack) t = g_list_model_get_item (tracks, j);
          /* Not other agents' hold music. */
          if (g_strcmp0 (lk_track_get_name (t), "hold-music") != 0)
            g_ptr_array_add (sids, g_strdup (lk_track_get_sid (t)));
        }
    }
  g_ptr_array_add (sids, NULL);
  if (sids->len > 1)
    lk_room_update_subscription (self->room, (const char * const *) sids->pdata, TRUE);
}

static gboolean
lk_media_send_data (HandoffCallMedia    *media,
                    const char          *topic,
                    GBytes              *payload,
                    const char * const  *destinations,
                    GError             **error)
{
  HandoffLkMedia *self = HANDOFF_LK_MEDIA (media);

  if (lk_room_get_connection_state (self->room) != LK_CONNECTION_STATE_CONNECTED)
    {
      g_set_error (error, HANDOFF_API_ERROR, HANDOFF_API_ERROR_UNREACHABLE, _("Not connected to the call"));
      return FALSE;
    }
  lk_room_send_data_async (self->room, payload, topic, destinations, TRUE, NULL, NULL, NULL);
  return TRUE;
}

static void
handoff_lk_media_iface_init (HandoffCallMediaInterface *iface)
{
  iface->connect_async = lk_media_connect_async;
  iface->connect_finish = lk_media_connect_finish;
  iface->disconnect = lk_media_disconnect;
  iface->set_muted = lk_media_set_muted;
  iface->set_mic_audience = lk_media_set_mic_audience;
  iface->set_hold_music = lk_media_set_hold_music;
  iface->resubscribe = lk_media_resubscribe;
  iface->send_data = lk_media_send_data;
  iface->set_local_music = handoff_lk_media_set_local_music;
}

static void
handoff_lk_media_dispose (GObject *object)
{
  HandoffLkMedia *self = HANDOFF_LK_MEDIA (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->publisher);
  if (self->transcriber)
    {
      g_signal_handlers_disconnect_by_data (self->transcriber, self);
      handoff_lk_media_tap_transcriber (self, FALSE);
      g_clear_object (&self->transcriber);
    }
  g_clear_pointer (&self->mic_meter, g_rc_box_release);
  handoff_lk_media_absence_clear (self);
  if (self->room)
    {
      g_signal_handlers_disconnect_by_data (self->room, self);
      lk_media_disconnect (HANDOFF_CALL_MEDIA (self));
    }
  g_clear_object (&self->mic);
  g_clear_object (&self->music);
  gst_clear_object (&self->mic_source);
  g_clear_object (&self->room);
  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (handoff_lk_media_parent_class)->dispose (object);
}

static void
handoff_lk_media_finalize (GObject *object)
{
  HandoffLkMedia *self = HANDOFF_LK_MEDIA (object);

  g_strfreev (self->mic_allowed);
  g_strfreev (self->music_audience);
  g_ptr_array_unref (self->speaker_meters);
  g_ptr_array_unref (self->heard);
  g_hash_table_unref (self->stalled);
  g_mutex_clear (&self->meters_lock);
  g_free (self->music_file);
  G_OBJECT_CLASS (handoff_lk_media_parent_class)->finalize (object);
}

static void
handoff_lk_media_class_init (HandoffLkMediaClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = handoff_lk_media_dispose;
  object_class->finalize = handoff_lk_media_finalize;
}

static void
handoff_lk_media_init (HandoffLkMedia *self)
{
  self->cancellable = g_cancellable_new ();
  self->mic_all = TRUE;
  self->room = lk_room_new ();
  g_mutex_init (&self->meters_lock);
  self->speaker_meters = g_ptr_array_new_with_free_func (g_rc_box_release);
  self->heard = g_ptr_array_new_with_free_func (handoff_lk_media_heard_track_free);
  self->stalled = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  g_signal_connect (self->room, "participant-connected", G_CALLBACK (on_participant_connected), self);
  g_signal_connect (self->room, "participant-disconnected", G_CALLBACK (on_participant_disconnected), self);
  g_signal_connect (self->room, "data-received", G_CALLBACK (on_data), self);
  g_signal_connect (self->room, "track-published", G_CALLBACK (on_track_published), self);
  /* LkRoom re-subscribes by itself when the server reports a grant, which
   * can arrive after we unsubscribed: undo that too. */
  g_signal_connect (self->room, "track-subscribed", G_CALLBACK (on_track_published), self);
  g_signal_connect (self->room, "text-received", G_CALLBACK (handoff_lk_media_on_text), self);
  g_signal_connect (self->room, "reconnecting", G_CALLBACK (on_reconnecting), self);
  g_signal_connect (self->room, "reconnected", G_CALLBACK (on_reconnected), self);
}

HandoffLkMedia *
handoff_lk_media_new (void)
{
  return g_object_new (HANDOFF_TYPE_LK_MEDIA, NULL);
}

gpointer
handoff_lk_media_get_room (HandoffLkMedia *self)
{
  g_return_val_if_fail (HANDOFF_IS_LK_MEDIA (self), NULL);
  return self->room;
}

void
handoff_lk_media_set_devices (HandoffLkMedia *self,
                              GstElement     *microphone,
                              GstElement     *speaker)
{
  g_return_if_fail (HANDOFF_IS_LK_MEDIA (self));
  if (microphone)
    {
      gst_object_ref_sink (microphone);
      gst_clear_object (&self->mic_source);
      self->mic_source = microphone;
    }
  if (speaker)
    lk_room_set_audio_sink (self->room, speaker);
}

gboolean
handoff_lk_media_use_microphone (HandoffLkMedia  *self,
                                 GstElement      *microphone,
                                 GError         **error)
{
  g_return_val_if_fail (HANDOFF_IS_LK_MEDIA (self), FALSE);

  if (microphone == NULL)
    microphone = gst_element_factory_make ("autoaudiosrc", NULL);
  if (microphone == NULL)
    {
      g_set_error (error, LK_ERROR, LK_ERROR_MEDIA, "no default microphone (autoaudiosrc is missing)");
      return FALSE;
    }
  gst_object_ref_sink (microphone);
  gst_clear_object (&self->mic_source);
  self->mic_source = microphone;
  self->mic_choice++;
  if (self->mic == NULL)
    return TRUE;
  self->mic_choice_published = self->mic_choice;
  return lk_track_replace_source (self->mic, microphone, error);
}

gboolean
handoff_lk_media_use_speaker (HandoffLkMedia  *self,
                              GstElement      *speaker,
                              GError         **error)
{
  g_return_val_if_fail (HANDOFF_IS_LK_MEDIA (self), FALSE);

  if (speaker == NULL)
    speaker = gst_element_factory_make ("autoaudiosink", NULL);
  if (speaker == NULL)
    {
      g_set_error (error, LK_ERROR, LK_ERROR_MEDIA, "no default speaker (autoaudiosink is missing)");
      return FALSE;
    }
  return lk_room_switch_audio_sink (self->room, speaker, error);
}
