/* handoff-lk-media.c: HandoffCallMedia over the LiveKit client (LkRoom)
 *
 * Privacy is per track: during hold and consult our microphone may be heard
 * by the other agent only, while our hold-music track may be heard by the
 * caller only. Both lists are kept here and turned into one LiveKit
 * SubscriptionPermission whenever either changes; until the music track has
 * a sid the caller is allowed nothing (silence rather than a leak).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "handoff-media"

#include "config.h"

#include <glib/gi18n.h>

#include "handoff-call-session.h"
#include "handoff-core-error.h"
#include "handoff-lk-media.h"
#include "handoff-server-client.h"
#include "lk-room.h"
#include "handoff-transcriber.h"
#include "handoff-transcript-publisher.h"

#include <gst/app/gstappsink.h>
#include <math.h>


/* The level a tap last saw: written by its streaming thread, read by the UI
 * on its own clock. Shared by the tap (freed with it) and us. */
typedef struct {
  gint level_milli;   /* RMS x 1000 */
  gint stamp_ms;      /* monotonic, when it was written */
} TapMeter;

struct _HandoffLkMedia
{
  GObject       parent_instance;

  LkRoom       *room;
  GstElement   *mic_source;   /* NULL: HANDOFF_AUDIO_SRC or the default */
  LkTrack      *mic;
  LkTrack      *music;
  GCancellable *cancellable;
  gboolean      muted;
  gboolean      mic_all;
  GStrv         mic_allowed;
  GStrv         music_audience;
  TapMeter     *mic_meter;
  GMutex        meters_lock;
  GPtrArray    *speaker_meters;  /* TapMeter, one per remote track heard */
  HandoffTranscriber *transcriber;   /* our own microphone, NULL: none */
  HandoffTranscriptPublisher *publisher;
  gboolean      transcriber_tapped;
  gboolean      speaker_meter_on;
  char         *music_file;
  gboolean      music_pending;
};

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

/* Our words reach those who may hear us, no one else. */
static void
update_transcript_audience (HandoffLkMedia *self)
{
  static const char *const nobody[] = { "", NULL };

  if (self->publisher == NULL)
    return;
  if (self->mic_all)
    handoff_transcript_publisher_set_destinations (self->publisher, NULL);
  else
    handoff_transcript_publisher_set_destinations (self->publisher,
                                                   self->mic_allowed && self->mic_allowed[0]
                                                     ? (const char * const *) self->mic_allowed : nobody);
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

/* A transcript line for the call session: the interface carries it as a
 * data packet on HANDOFF_TOPIC_TRANSCRIPT. An empty final removes the line
 * its partials showed. */
static void
emit_segment (HandoffLkMedia *self,
              const char     *identity,
              const char     *id,
              const char     *text,
              gboolean        final,
              gint64          start_ms,
              gint64          end_ms,
              const char     *speaker_name)
{
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GBytes) bytes = NULL;
  char *json;

  node = handoff_json_object_node ("id", 's', id, "identity", 's', identity, "text", 's', text,
                                   "final", 'b', final, "start_ms", 'i', start_ms, "end_ms", 'i', end_ms,
                                   speaker_name && *speaker_name ? "speaker" : NULL, 's', speaker_name,
                                   NULL);
  json = json_to_string (node, FALSE);
  bytes = g_bytes_new_take (json, strlen (json));
  g_signal_emit_by_name (self, "data-received", identity, HANDOFF_TOPIC_TRANSCRIPT, bytes);
}

static gint64
attr_ms (GHashTable *attributes,
         const char *key,
         gint64      fallback)
{
  const char *value = attributes ? g_hash_table_lookup (attributes, key) : NULL;
  gint64 v;

  if (value == NULL || !g_ascii_string_to_signed (value, 10, 0, G_MAXINT64, &v, NULL))
    return fallback;
  return v;
}

/* LiveKit transcription text streams (ours as HandoffTranscriptPublisher
 * sends them, or any LiveKit agent's) become transcript lines. */
static void
on_text (LkRoom         *room,
         const char     *identity,
         const char     *topic,
         const char     *text,
         GHashTable     *attributes,
         const char     *stream_id,
         HandoffLkMedia *self)
{
  const char *id, *final, *speaker;
  gint64 now_ms = g_get_real_time () / 1000;
  gint64 start_ms;

  if (g_strcmp0 (topic, LK_TOPIC_TRANSCRIPTION) != 0)
    return;
  id = attributes ? g_hash_table_lookup (attributes, LK_ATTR_SEGMENT_ID) : NULL;
  final = attributes ? g_hash_table_lookup (attributes, LK_ATTR_TRANSCRIPTION_FINAL) : NULL;
  /* Someone transcribing another party (an agent's app for a phone caller). */
  speaker = attributes ? g_hash_table_lookup (attributes, HANDOFF_ATTR_SPEAKER) : NULL;
  start_ms = attr_ms (attributes, HANDOFF_ATTR_START_MS, now_ms);
  emit_segment (self, speaker && *speaker ? speaker : identity, id ? id : stream_id, text,
                g_strcmp0 (final, "false") != 0, start_ms,
                attr_ms (attributes, HANDOFF_ATTR_END_MS, MAX (start_ms, now_ms)), NULL);
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

/* ---- levels ---- */

static gint
now_ms (void)
{
  return (gint) (g_get_monotonic_time () / 1000);
}

static GstFlowReturn
on_level_sample (GstAppSink *sink,
                 gpointer    user_data)
{
  TapMeter *meter = user_data;
  g_autoptr(GstSample) sample = gst_app_sink_pull_sample (sink);
  GstBuffer *buf = sample ? gst_sample_get_buffer (sample) : NULL;
  GstMapInfo map;
  double sum = 0;
  gsize n;

  if (buf == NULL || !gst_buffer_map (buf, &map, GST_MAP_READ))
    return GST_FLOW_OK;
  n = map.size / sizeof (gint16);
  for (gsize i = 0; i < n; i++)
    {
      double v = ((const gint16 *) map.data)[i] / 32768.0;
      sum += v * v;
    }
  gst_buffer_unmap (buf, &map);
  g_atomic_int_set (&meter->level_milli, n ? (gint) (sqrt (sum / n) * 1000) : 0);
  g_atomic_int_set (&meter->stamp_ms, now_ms ());
  return GST_FLOW_OK;
}

/* A level tap on @track (LK_TRACK_TAP_CAPS: S16 mono); NULL if it cannot be
 * added. The meter lives as long as the tap or the caller's reference. */
static TapMeter *
add_level_tap (LkTrack     *track,
               GstElement **tap_out)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GstElement) appsink = NULL;
  GstElement *bin = gst_parse_bin_from_description ("appsink name=level sync=false max-buffers=4 drop=true",
                                                    TRUE, &error);
  GstAppSinkCallbacks callbacks = { .new_sample = on_level_sample };
  TapMeter *meter;

  if (bin == NULL)
    return NULL;
  meter = g_rc_box_new0 (TapMeter);
  appsink = gst_bin_get_by_name (GST_BIN (bin), "level");
  gst_app_sink_set_callbacks (GST_APP_SINK (appsink), &callbacks, g_rc_box_acquire (meter),
                              (GDestroyNotify) g_rc_box_release);
  if (!lk_track_add_tap (track, bin, &error))
    {
      g_message ("No level meter: %s", error->message);
      g_rc_box_release (meter);
      return NULL;
    }
  if (tap_out != NULL)
    *tap_out = bin;
  return meter;
}

/* A level not refreshed lately is a track that went quiet for good. */
static double
meter_level (TapMeter *meter)
{
  if (meter == NULL || now_ms () - g_atomic_int_get (&meter->stamp_ms) > 500)
    return 0;
  return g_atomic_int_get (&meter->level_milli) / 1000.0;
}

double
handoff_lk_media_get_mic_level (HandoffLkMedia *self)
{
  g_return_val_if_fail (HANDOFF_IS_LK_MEDIA (self), 0);
  return self->muted ? 0 : meter_level (self->mic_meter);
}

double
handoff_lk_media_get_speaker_level (HandoffLkMedia *self)
{
  double level = 0;

  g_return_val_if_fail (HANDOFF_IS_LK_MEDIA (self), 0);
  g_mutex_lock (&self->meters_lock);
  for (guint i = 0; i < self->speaker_meters->len; i++)
    level = MAX (level, meter_level (g_ptr_array_index (self->speaker_meters, i)));
  g_mutex_unlock (&self->meters_lock);
  return level;
}

typedef struct {
  GWeakRef self;
  GWeakRef track;
} PendingMeter;

static void
pending_meter_free (gpointer data)
{
  PendingMeter *pending = data;

  g_weak_ref_clear (&pending->self);
  g_weak_ref_clear (&pending->track);
  g_free (pending);
}

/* What we hear: a meter on every remote track (the speaker plays their mix;
 * the loudest is what the bar shows). */
static gboolean
add_speaker_meter (gpointer data)
{
  PendingMeter *pending = data;
  g_autoptr(HandoffLkMedia) self = g_weak_ref_get (&pending->self);
  g_autoptr(LkTrack) track = g_weak_ref_get (&pending->track);
  GstElement *tap = NULL;
  TapMeter *meter;

  if (self == NULL || track == NULL || !lk_track_is_subscribed (track) ||
      g_object_get_data (G_OBJECT (track), "handoff-meter") != NULL)
    return G_SOURCE_REMOVE;
  meter = add_level_tap (track, &tap);
  if (meter == NULL)
    return G_SOURCE_REMOVE;
  g_object_set_data (G_OBJECT (track), "handoff-meter", tap);
  /* A call has a handful of tracks: a meter stays until the call ends (an
   * unsubscribed track keeps its tap for when it is heard again). */
  g_mutex_lock (&self->meters_lock);
  g_ptr_array_add (self->speaker_meters, meter);
  g_mutex_unlock (&self->meters_lock);
  return G_SOURCE_REMOVE;
}

/* An unsubscribed track's tap would be relinked when it is heard again,
 * which could stop its audio: the meter's tap comes off now and a new one
 * goes on at the next subscription. */
static void
on_track_unsubscribed_meter (LkRoom         *room,
                             LkParticipant  *p,
                             LkTrack        *track,
                             HandoffLkMedia *self)
{
  GstElement *tap = g_object_get_data (G_OBJECT (track), "handoff-meter");

  if (tap == NULL)
    return;
  g_object_set_data (G_OBJECT (track), "handoff-meter", NULL);
  lk_track_remove_tap (track, tap);
}

/* Not at once: a tap linked to a remote track's tee in the moment its
 * stream starts got data before the stream-start event (a GStreamer
 * warning, seen under ASan); a second later the stream is flowing. */
static void
on_track_subscribed_meter (LkRoom         *room,
                           LkParticipant  *p,
                           LkTrack        *track,
                           HandoffLkMedia *self)
{
  PendingMeter *pending;

  if (g_object_get_data (G_OBJECT (track), "handoff-meter") != NULL)
    return;
  pending = g_new0 (PendingMeter, 1);
  g_weak_ref_init (&pending->self, self);
  g_weak_ref_init (&pending->track, track);
  g_timeout_add_full (G_PRIORITY_DEFAULT, 1000, add_speaker_meter, pending, pending_meter_free);
}

/* ---- our own words ---- */

/* Into our own transcript, as if they came from the room; the publisher
 * sends them to the others. */
static void
on_own_segment (HandoffTranscriber *transcriber,
                HandoffSegment     *segment,
                HandoffLkMedia     *self)
{
  LkParticipant *me = lk_room_get_local_participant (self->room);
  const char *identity = me ? lk_participant_get_identity (me) : NULL;

  if (identity == NULL)
    return;
  emit_segment (self, identity, handoff_segment_get_id (segment), handoff_segment_get_text (segment),
                handoff_segment_get_final (segment), handoff_segment_get_start_ms (segment),
                handoff_segment_get_end_ms (segment), lk_participant_get_name (me));
}

/* While muted the recogniser hears nothing at all (LkTrack's mute acts after
 * its taps): its tap comes off, and back on when we speak again. */
static void
tap_transcriber (HandoffLkMedia *self,
                 gboolean        on)
{
  g_autoptr(GError) error = NULL;

  if (self->transcriber == NULL || self->mic == NULL || self->transcriber_tapped == on)
    return;
  if (!on)
    lk_track_remove_tap (self->mic, handoff_transcriber_get_sink_bin (self->transcriber));
  else if (!lk_track_add_tap (self->mic, handoff_transcriber_get_sink_bin (self->transcriber), &error))
    {
      g_message ("No transcript of the microphone: %s", error->message);
      return;
    }
  self->transcriber_tapped = on;
}

static void
start_transcribing (HandoffLkMedia *self)
{
  LkParticipant *me = lk_room_get_local_participant (self->room);

  if (self->transcriber == NULL)
    return;
  if (me != NULL)
    handoff_transcriber_set_identity (self->transcriber, lk_participant_get_identity (me));
  handoff_transcriber_set_track_id (self->transcriber, lk_track_get_sid (self->mic));
  g_signal_connect (self->transcriber, "segment", G_CALLBACK (on_own_segment), self);
  self->publisher = handoff_transcript_publisher_new (self->room, self->transcriber);
  update_transcript_audience (self);
  tap_transcriber (self, !self->muted);
}

void
handoff_lk_media_set_transcriber (HandoffLkMedia *self,
                                  gpointer        transcriber)
{
  g_return_if_fail (HANDOFF_IS_LK_MEDIA (self));
  g_return_if_fail (transcriber == NULL || HANDOFF_IS_TRANSCRIBER (transcriber));
  g_return_if_fail (self->mic == NULL);
  g_set_object (&self->transcriber, transcriber);
}

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
    self->mic_meter = add_level_tap (self->mic, NULL);
  if (self->mic != NULL)
    start_transcribing (self);
  if (self->mic == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (self->muted)
    lk_track_set_muted (self->mic, TRUE, NULL);
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
  tap_transcriber (self, !muted);
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
  update_transcript_audience (self);
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

static GstElement *
make_music_source (const char  *file,
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
      GstElement *src = make_music_source (file, error);

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
      tap_transcriber (self, FALSE);
      g_clear_object (&self->transcriber);
    }
  g_clear_pointer (&self->mic_meter, g_rc_box_release);
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

  g_signal_connect (self->room, "participant-connected", G_CALLBACK (on_participant_connected), self);
  g_signal_connect (self->room, "participant-disconnected", G_CALLBACK (on_participant_disconnected), self);
  g_signal_connect (self->room, "data-received", G_CALLBACK (on_data), self);
  g_signal_connect (self->room, "track-published", G_CALLBACK (on_track_published), self);
  /* LkRoom re-subscribes by itself when the server reports a grant, which
   * can arrive after we unsubscribed: undo that too. */
  g_signal_connect (self->room, "track-subscribed", G_CALLBACK (on_track_published), self);
  g_signal_connect (self->room, "text-received", G_CALLBACK (on_text), self);
  g_signal_connect (self->room, "reconnecting", G_CALLBACK (on_reconnecting), self);
  g_signal_connect (self->room, "reconnected", G_CALLBACK (on_reconnected), self);
}

void
handoff_lk_media_enable_speaker_meter (HandoffLkMedia *self)
{
  g_return_if_fail (HANDOFF_IS_LK_MEDIA (self));
  if (self->speaker_meter_on || g_strcmp0 (g_getenv ("HANDOFF_MIC_TAPS"), "0") == 0)
    return;
  self->speaker_meter_on = TRUE;
  g_signal_connect (self->room, "track-subscribed", G_CALLBACK (on_track_subscribed_meter), self);
  g_signal_connect (self->room, "track-unsubscribed", G_CALLBACK (on_track_unsubscribed_meter), self);
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
