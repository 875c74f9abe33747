/* handoff-lk-media-absence.c: HandoffLkMedia notices a participant whose
 * audio stopped, and plays hold music into our own speaker
 *
 * When an agent's app dies (or its network goes), LiveKit reports the
 * departure only after ~20 s; until then the caller would read "Talking to
 * <agent>" over dead air. Our apps send steady Opus packets (no DTX, and
 * mute is signalled: the track is then muted), so a participant with a
 * track we are subscribed to and that is not muted, but none of whose
 * tracks gave us audio for STALL_MS, has lost its connection — that is
 * what the caller hears, whatever the cause. The speaker meters' taps
 * (-meters.c) already stamp every buffer of every track we hear; this
 * part reads those stamps, so it adds no tap of its own.
 *
 * The local hold music fills the wait with something better than
 * silence: the music an agent's app publishes is gone with that app, so
 * the caller's app plays the built-in tune itself, into the room's own mix
 * (lk_room_add_playback_source: the same speaker as the call).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "handoff-media"

#include "config.h"

#include "handoff-lk-media-private.h"

/* Long enough for a hold to start or end (the agent's microphone stops
 * reaching us, its music starts) without looking like a loss. */
#define STALL_MS 2500
#define WATCH_INTERVAL_MS 250

typedef struct {
  char     *identity;
  GWeakRef  track;
  TapMeter *meter;
} HeardTrack;

void
handoff_lk_media_heard_track_free (gpointer data)
{
  HeardTrack *heard = data;

  g_free (heard->identity);
  g_weak_ref_clear (&heard->track);
  g_rc_box_release (heard->meter);
  g_free (heard);
}

void
handoff_lk_media_watch_track (HandoffLkMedia *self,
                              LkTrack        *track,
                              TapMeter       *meter)
{
  HeardTrack *heard = g_new0 (HeardTrack, 1);

  heard->identity = g_strdup (lk_track_get_participant_identity (track));
  g_weak_ref_init (&heard->track, track);
  heard->meter = g_rc_box_acquire (meter);
  g_ptr_array_add (self->heard, heard);
}

static const char *
local_identity (HandoffLkMedia *self)
{
  LkParticipant *me = lk_room_get_local_participant (self->room);

  return me ? lk_participant_get_identity (me) : "?";
}

typedef struct {
  gboolean expected;   /* a subscribed, unmuted track: audio should come */
  gint     last_ms;    /* the newest buffer of any of its tracks; 0: none yet */
} Presence;

static gboolean
watch_stalls (gpointer user_data)
{
  HandoffLkMedia *self = user_data;
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  gint now = (gint) (g_get_monotonic_time () / 1000);
  GHashTableIter iter;
  gpointer key, value;

  for (guint i = 0; i < self->heard->len; i++)
    {
      HeardTrack *heard = g_ptr_array_index (self->heard, i);
      g_autoptr(LkTrack) track = g_weak_ref_get (&heard->track);
      Presence *p = g_hash_table_lookup (seen, heard->identity);
      gint stamp = g_atomic_int_get (&heard->meter->stamp_ms);

      if (p == NULL)
        {
          p = g_new0 (Presence, 1);
          g_hash_table_insert (seen, heard->identity, p);
        }
      if (track != NULL && lk_track_is_subscribed (track) && !lk_track_get_muted (track))
        p->expected = TRUE;
      if (stamp != 0 && (p->last_ms == 0 || stamp - p->last_ms > 0))
        p->last_ms = stamp;
    }

  /* Those who stalled and those who are back (or gone: no longer expected). */
  g_hash_table_iter_init (&iter, seen);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      Presence *p = value;
      gboolean stalled = p->expected && p->last_ms != 0 && now - p->last_ms > STALL_MS;

      if (stalled == g_hash_table_contains (self->stalled, key))
        continue;
      if (stalled)
        g_hash_table_add (self->stalled, g_strdup (key));
      else
        g_hash_table_remove (self->stalled, key);
      g_message ("%s: %s's audio %s (last heard %d ms ago)", local_identity (self),
                 (const char *) key, stalled ? "stopped" : "is back", now - p->last_ms);
      g_signal_emit_by_name (self, "participant-stalled", key, stalled);
    }
  return G_SOURCE_CONTINUE;
}

void
handoff_lk_media_start_stall_watch (HandoffLkMedia *self)
{
  if (self->stall_watch_id == 0)
    self->stall_watch_id = g_timeout_add (WATCH_INTERVAL_MS, watch_stalls, self);
}

void
handoff_lk_media_absence_clear (HandoffLkMedia *self)
{
  g_clear_handle_id (&self->stall_watch_id, g_source_remove);
  handoff_lk_media_set_local_music (HANDOFF_CALL_MEDIA (self), FALSE);
}

/* The speaker meter shows what we hear, and that includes this music:
 * its level, measured on its way into the mixer (S16: LK_TRACK_TAP_CAPS, to
 * which the room pins its playback sources). */
static GstPadProbeReturn
measure_music (GstPad          *pad,
               GstPadProbeInfo *info,
               gpointer         user_data)
{
  GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);
  GstMapInfo map;

  if (buf == NULL || !gst_buffer_map (buf, &map, GST_MAP_READ))
    return GST_PAD_PROBE_OK;
  handoff_lk_media_meter_write (user_data, (const gint16 *) map.data, map.size / sizeof (gint16));
  gst_buffer_unmap (buf, &map);
  return GST_PAD_PROBE_OK;
}

static void
stop_local_music (HandoffLkMedia *self)
{
  g_autoptr(GstElement) music = g_steal_pointer (&self->local_music);

  /* FALSE when the room's media went first (it took the music along). */
  if (self->room != NULL)
    lk_room_remove_playback_source (self->room, music);
  if (self->local_music_meter != NULL)
    {
      g_mutex_lock (&self->meters_lock);
      g_ptr_array_remove (self->speaker_meters, self->local_music_meter);
      g_mutex_unlock (&self->meters_lock);
      self->local_music_meter = NULL;
    }
}

void
handoff_lk_media_set_local_music (HandoffCallMedia *media,
                                  gboolean          on)
{
  HandoffLkMedia *self = HANDOFF_LK_MEDIA (media);
  g_autoptr(GError) error = NULL;
  g_autoptr(GstPad) src = NULL;

  if (!on)
    {
      if (self->local_music != NULL)
        {
          g_message ("Local hold music stops");
          stop_local_music (self);
        }
      return;
    }
  if (self->local_music != NULL)
    return;
  /* Into the room's own mix: what we play there is heard exactly like the
   * call (same sink, same clock), and goes when the room goes. */
  if (self->room == NULL || lk_room_get_pipeline (self->room) == NULL)
    {
      g_message ("No local hold music: the room has no audio output yet");
      return;
    }
  self->local_music = handoff_lk_media_make_music_source (NULL, &error);
  if (self->local_music == NULL)
    {
      g_warning ("Local hold music: %s", error->message);
      return;
    }
  gst_object_ref_sink (self->local_music);
  if (!lk_room_add_playback_source (self->room, self->local_music, &error))
    {
      g_warning ("Local hold music: %s", error->message);
      stop_local_music (self);
      return;
    }
  /* The room pins a playback source to the mixer's format (S16). */
  src = gst_element_get_static_pad (self->local_music, "src");
  self->local_music_meter = g_rc_box_new0 (TapMeter);
  gst_pad_add_probe (src, GST_PAD_PROBE_TYPE_BUFFER, measure_music,
                     g_rc_box_acquire (self->local_music_meter), (GDestroyNotify) g_rc_box_release);
  g_mutex_lock (&self->meters_lock);
  g_ptr_array_add (self->speaker_meters, self->local_music_meter);   /* owns it */
  g_mutex_unlock (&self->meters_lock);
  g_message ("Local hold music plays");
}
