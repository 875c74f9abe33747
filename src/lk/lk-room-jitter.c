/* lk-room-jitter.c: LkRoom's jitterbuffer latency, raised when the network's
 * jitter breaks the audio
 *
 * Received audio is played jitter-latency ms after its time, plus a fixed
 * part (the decoder's FEC packet, the mixer, the sink). Every ms of it is
 * a ms of mouth-to-ear delay, so a call starts low. When packets come later
 * than that, webrtcbin's jitterbuffer (slave mode) moves its timeline later
 * for them and then slowly back; once the audio is 20–40 ms ahead of where
 * the mixer laid it, the mixer drops what overlaps and the listener hears a
 * click (bench-calls --net-jitter-ms 40, 26 s calls: 4–12 dropped buffers
 * at 20 ms, 0–3 at 50). LkTrack sees the timeline step back at the mixer's
 * input; when that happens in two separate seconds out of ten (or three
 * in all), the room raises the
 * latency by the largest step (forward: how much later than the latency
 * the packets came) plus some headroom. It is not lowered again
 * during the call: each change is itself a short gap, and a network that
 * was jittery tends to be so again. One stall (of this process, or of the
 * network) is not jitter: its steps back, in one second or two in a row,
 * raise nothing.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-room"

#include <string.h>

#include "lk-room-private.h"
#include "lk-track-private.h"

#define TICK_MS 1000
#define MIN_STEP_MS 20
#define HEADROOM_MS 10

/* Two separate late seconds, or three in all. One stall (of this process,
 * of the network) re-times packets once, but its catching up can straddle
 * a tick: two late seconds in a row alone are not jitter (bench-calls, a
 * quiet machine: one 199 ms hiccup raised a call from 20 to 200 ms, 90 →
 * 282 ms mouth to ear, for good). */
gboolean
lk_room_jitter_recurs (const guint *back_us,
                       guint        n_ticks)
{
  guint late = 0, runs = 0;

  for (guint i = 0; i < n_ticks; i++)
    if (back_us[i] > 0)
      {
        late++;
        if (i == 0 || back_us[i - 1] == 0)
          runs++;
      }
  return late >= 3 || runs >= 2;
}

static gboolean
watch_jitter (gpointer user_data)
{
  LkRoom *self = user_data;
  guint back_us = 0, forward_us = 0, late_ticks = 0, largest_us = 0, wanted;
  GHashTableIter iter;
  gpointer track;

  g_hash_table_iter_init (&iter, self->mid_attached);
  while (g_hash_table_iter_next (&iter, NULL, &track))
    {
      guint back, forward;

      lk_track_take_timeline_steps (track, &back, &forward);
      back_us = MAX (back_us, back);
      forward_us = MAX (forward_us, forward);
    }
  memmove (self->jitter_back + 1, self->jitter_back, sizeof self->jitter_back - sizeof self->jitter_back[0]);
  memmove (self->jitter_forward + 1, self->jitter_forward, sizeof self->jitter_forward - sizeof self->jitter_forward[0]);
  self->jitter_back[0] = back_us;
  self->jitter_forward[0] = forward_us;

  for (guint i = 0; i < LK_ROOM_JITTER_TICKS; i++)
    {
      if (self->jitter_back[i] > 0)
        late_ticks++;
      largest_us = MAX (largest_us, MAX (self->jitter_back[i], self->jitter_forward[i]));
    }
  if (!lk_room_jitter_recurs (self->jitter_back, LK_ROOM_JITTER_TICKS) ||
      self->jitter_latency_ms >= self->jitter_latency_max_ms)
    return G_SOURCE_CONTINUE;
  /* The steps forward say how much later than the latency packets came
   * (the jitterbuffer re-timed them by that much): that much more. */
  wanted = self->jitter_latency_ms + MAX ((largest_us / 1000 + 9) / 10 * 10 + HEADROOM_MS, MIN_STEP_MS);
  wanted = MIN (wanted, self->jitter_latency_max_ms);
  g_message ("[%s] received audio was re-timed by up to %u ms in %u of the last %d s (packets later "
             "than the jitterbuffer waits): its latency %u ms, now %u ms",
             self->local ? lk_participant_get_identity (self->local) : "?", largest_us / 1000,
             late_ticks, LK_ROOM_JITTER_TICKS, self->jitter_latency_ms, wanted);
  memset (self->jitter_back, 0, sizeof self->jitter_back);
  memset (self->jitter_forward, 0, sizeof self->jitter_forward);
  lk_room_set_jitter_latency (self, wanted);
  return G_SOURCE_CONTINUE;
}

void
lk_room_watch_jitter (LkRoom   *self,
                      gboolean  on)
{
  g_clear_handle_id (&self->jitter_watch_id, g_source_remove);
  memset (self->jitter_back, 0, sizeof self->jitter_back);
  memset (self->jitter_forward, 0, sizeof self->jitter_forward);
  if (on)
    self->jitter_watch_id = g_timeout_add (TICK_MS, watch_jitter, self);
}

void
lk_room_set_jitter_latency (LkRoom *self,
                            guint   ms)
{
  if (self->jitter_latency_ms == ms)
    return;
  self->jitter_latency_ms = ms;
  if (self->pipeline != NULL)
    {
      /* The mixer first: it then waits for the later audio instead of
       * mixing without it until the pipeline's latency is recomputed. */
      g_object_set (self->mixer, "min-upstream-latency",
                    (guint64) (ms * GST_MSECOND + LK_TRACK_DECODER_HOLD), NULL);
      for (guint i = 0; i < 2; i++)
        {
          LkPeerTransport *t = i == 0 ? self->subscriber : self->publisher;
          if (t != NULL)
            g_object_set (lk_peer_transport_get_webrtcbin (t), "latency", ms, NULL);
        }
      gst_bin_recalculate_latency (GST_BIN (self->pipeline));
    }
  g_object_notify (G_OBJECT (self), "jitter-latency");
}
