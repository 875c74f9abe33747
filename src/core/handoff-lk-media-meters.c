/* handoff-lk-media-meters.c: HandoffLkMedia's level meters — the
 * microphone's (a tap on the published track) and the speaker's (taps on
 * the remote tracks we hear)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "handoff-media"

#include "config.h"

#include <gst/app/gstappsink.h>
#include <math.h>

#include "handoff-lk-media-private.h"

static gint
now_ms (void)
{
  return (gint) (g_get_monotonic_time () / 1000);
}

/* Writes the RMS of @n S16 samples into @meter, stamped now. */
void
handoff_lk_media_meter_write (TapMeter     *meter,
                              const gint16 *samples,
                              gsize         n)
{
  double sum = 0;

  for (gsize i = 0; i < n; i++)
    {
      double v = samples[i] / 32768.0;
      sum += v * v;
    }
  g_atomic_int_set (&meter->level_milli, n ? (gint) (sqrt (sum / n) * 1000) : 0);
  g_atomic_int_set (&meter->stamp_ms, now_ms ());
}

static GstFlowReturn
on_level_sample (GstAppSink *sink,
                 gpointer    user_data)
{
  TapMeter *meter = user_data;
  g_autoptr(GstSample) sample = gst_app_sink_pull_sample (sink);
  GstBuffer *buf = sample ? gst_sample_get_buffer (sample) : NULL;
  GstMapInfo map;

  if (buf == NULL || !gst_buffer_map (buf, &map, GST_MAP_READ))
    return GST_FLOW_OK;
  handoff_lk_media_meter_write (meter, (const gint16 *) map.data, map.size / sizeof (gint16));
  gst_buffer_unmap (buf, &map);
  return GST_FLOW_OK;
}

/* A level tap on @track (LK_TRACK_TAP_CAPS: S16 mono); NULL if it cannot be
 * added. The meter lives as long as the tap or the caller's reference. */
TapMeter *
handoff_lk_media_add_level_tap (LkTrack     *track,
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
  meter = handoff_lk_media_add_level_tap (track, &tap);
  if (meter == NULL)
    return G_SOURCE_REMOVE;
  g_object_set_data (G_OBJECT (track), "handoff-meter", tap);
  /* A call has a handful of tracks: a meter stays until the call ends (an
   * unsubscribed track keeps its tap for when it is heard again). */
  g_mutex_lock (&self->meters_lock);
  g_ptr_array_add (self->speaker_meters, meter);
  g_mutex_unlock (&self->meters_lock);
  handoff_lk_media_watch_track (self, track, meter);
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

void
handoff_lk_media_enable_speaker_meter (HandoffLkMedia *self)
{
  g_return_if_fail (HANDOFF_IS_LK_MEDIA (self));
  if (self->speaker_meter_on || g_strcmp0 (g_getenv ("HANDOFF_MIC_TAPS"), "0") == 0)
    return;
  self->speaker_meter_on = TRUE;
  g_signal_connect (self->room, "track-subscribed", G_CALLBACK (on_track_subscribed_meter), self);
  g_signal_connect (self->room, "track-unsubscribed", G_CALLBACK (on_track_unsubscribed_meter), self);
  handoff_lk_media_start_stall_watch (self);
}
