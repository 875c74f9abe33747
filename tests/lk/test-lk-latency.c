/* test-lk-latency.c: how late the room plays what it receives — the
 * configured latency of the playout pipeline, and the mouth-to-ear delay
 * before and after the whole process stalls
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-lk-latency"

#include <gst/app/gstappsink.h>
#include <gst/gst.h>
#include <math.h>
#include <signal.h>
#include <unistd.h>

#include "handoff-test-jitter.h"
#include "lk-room-private.h"
#include "lk-test-client.h"

#define RATE 48000

/* ---- the configured latency ---- */

static GstClockTime
sink_latency (LkTestClient *c)
{
  GstPipeline *pipeline = lk_room_get_pipeline (c->room);
  g_autoptr(GstElement) sink = NULL;
  g_autoptr(GstQuery) query = gst_query_new_latency ();
  g_autoptr(GstIterator) it = gst_bin_iterate_all_by_element_factory_name (GST_BIN (pipeline), "appsink");
  GValue item = G_VALUE_INIT;
  GstClockTime min = 0, max = 0;
  gboolean live = FALSE;

  /* The room's sink is the appsink named "capture" (lk-test-client). */
  while (gst_iterator_next (it, &item) == GST_ITERATOR_OK)
    {
      GstElement *e = g_value_get_object (&item);
      if (g_strcmp0 (GST_OBJECT_NAME (e), "capture") == 0)
        sink = gst_object_ref (e);
      g_value_reset (&item);
    }
  g_value_unset (&item);
  g_assert_nonnull (sink);
  g_assert_true (gst_element_query (sink, query));
  gst_query_parse_latency (query, &live, &min, &max);
  g_assert_true (live);
  return min;
}

/* What the room adds on purpose to received audio: the jitterbuffer, one
 * Opus packet that the decoder keeps back for FEC, the mixer's 10 ms
 * buffer, the sink's processing deadline (20 ms) — not the 120 ms opusdec
 * claims with FEC on (it was 200 ms in all). */
static void
test_configured (void)
{
  g_autoptr(HandoffTestLivekit) lk = handoff_test_livekit_start_or_skip (NULL);
  g_autoptr(LkTestClient) a = NULL;
  g_autoptr(LkTestClient) b = NULL;
  GstClockTime latency;
  guint jitter = 0;

  if (lk == NULL)
    return;
  a = lk_test_client_new_joined_full ("alice", TRUE, lk, "latency");
  b = lk_test_client_new_joined_full ("bob", TRUE, lk, "latency");
  lk_test_client_publish_tone (a, 440);
  g_assert_true (lk_test_client_wait_hears (b, 440, 45));
  lk_test_sleep (0.5);
  latency = sink_latency (b);
  g_object_get (b->room, "jitter-latency", &jitter, NULL);
  g_test_message ("playout latency %.1f ms (jitterbuffer %u ms)", latency / 1e6, jitter);
  g_assert_cmpuint (latency, <=, (jitter + 60) * GST_MSECOND);
}

/* ---- mouth to ear ---- */

typedef struct {
  GMutex lock;
  gint64 onset_us;       /* monotonic time the sink rendered the first loud buffer */
  gboolean loud;
} Onset;

static GstFlowReturn
on_rendered (GstAppSink *sink,
             gpointer    user_data)
{
  Onset *o = user_data;
  g_autoptr(GstSample) sample = gst_app_sink_pull_sample (sink);
  GstBuffer *buf = sample ? gst_sample_get_buffer (sample) : NULL;
  GstMapInfo map;
  gint64 now = g_get_monotonic_time ();

  if (buf == NULL || !gst_buffer_map (buf, &map, GST_MAP_READ))
    return GST_FLOW_OK;
  for (gsize i = 0; i < map.size / sizeof (float); i++)
    {
      float v = ((const float *) map.data)[i];
      if (v > 0.1f || v < -0.1f)
        {
          g_mutex_lock (&o->lock);
          if (!o->loud && o->onset_us == 0)
            o->onset_us = now + (gint64) i * G_USEC_PER_SEC / RATE;
          o->loud = TRUE;
          g_mutex_unlock (&o->lock);
          break;
        }
    }
  gst_buffer_unmap (buf, &map);
  return GST_FLOW_OK;
}

static gboolean
has_onset (gpointer data)
{
  Onset *o = data;
  gboolean done;

  g_mutex_lock (&o->lock);
  done = o->onset_us != 0;
  g_mutex_unlock (&o->lock);
  return done;
}

/* One burst: the sender's tone goes from silent to loud; the delay is from
 * then until the receiving sink renders it (±10 ms: the source's buffer). */
static double
measure (GstElement *tone,
         Onset      *o)
{
  gint64 start;
  double ms;

  g_object_set (tone, "volume", 0.0, NULL);
  lk_test_sleep (0.4);
  g_mutex_lock (&o->lock);
  o->onset_us = 0;
  o->loud = FALSE;
  g_mutex_unlock (&o->lock);
  start = g_get_monotonic_time ();
  g_object_set (tone, "volume", 0.5, NULL);
  g_assert_true (lk_test_wait (has_onset, o, 10));
  ms = (o->onset_us - start) / 1000.0;
  lk_test_sleep (0.2);
  return ms;
}

static double
median_of (double *v,
           guint   n)
{
  for (guint i = 1; i < n; i++)
    for (guint k = i; k > 0 && v[k - 1] > v[k]; k--)
      {
        double t = v[k];
        v[k] = v[k - 1];
        v[k - 1] = t;
      }
  return v[n / 2];
}

static double
measure_median (GstElement *tone,
                Onset      *o,
                const char *label)
{
  double v[7];

  for (guint i = 0; i < G_N_ELEMENTS (v); i++)
    v[i] = measure (tone, o);
  g_test_message ("%s: %.0f %.0f %.0f %.0f %.0f %.0f %.0f ms", label, v[0], v[1], v[2], v[3], v[4], v[5], v[6]);
  return median_of (v, G_N_ELEMENTS (v));
}

/* The whole process (sender, receiver, every thread) is stopped for a
 * while, as on an overloaded machine; afterwards the delay must come back
 * to what it was, not keep the stall. */
static void
stall (double seconds)
{
  g_autofree char *cmd = g_strdup_printf ("kill -STOP %d; sleep %.2f; kill -CONT %d",
                                          (int) getpid (), seconds, (int) getpid ());
  g_autoptr(GError) error = NULL;
  char *argv[] = { (char *) "/bin/sh", (char *) "-c", cmd, NULL };

  g_assert_true (g_spawn_async (NULL, argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  lk_test_sleep (seconds + 0.5);
}



static void
test_mouth_to_ear (void)
{
  g_autoptr(HandoffTestLivekit) lk = g_test_perf () ? handoff_test_livekit_start_or_skip (NULL) : NULL;
  g_autoptr(LkTestClient) a = NULL;
  g_autoptr(LkTestClient) b = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GstElement) tone = NULL;
  g_autoptr(GstElement) capture = NULL;
  GstAppSinkCallbacks callbacks = { .new_sample = on_rendered };
  GstElement *src;
  Onset o = { 0 };
  double before, after;
  GAsyncResult *result = NULL;
  LkTrack *track;

  if (!g_test_perf ())
    {
      g_test_skip ("a measurement: run with -m perf (meson test --benchmark lk-latency)");
      return;
    }
  if (lk == NULL)
    return;
  g_mutex_init (&o.lock);
  a = lk_test_client_new_joined_full ("alice", TRUE, lk, "mouth-to-ear");
  b = lk_test_client_new_joined_full ("bob", TRUE, lk, "mouth-to-ear");
  src = gst_parse_bin_from_description ("audiotestsrc name=tone is-live=true samplesperbuffer=480 freq=1000 volume=0",
                                        TRUE, &error);
  g_assert_no_error (error);
  tone = gst_bin_get_by_name (GST_BIN (src), "tone");
  lk_room_publish_audio_async (a->room, "microphone", LK_TRACK_SOURCE_MICROPHONE, src, NULL,
                               lk_test_keep_result, &result);
  g_assert_true (lk_test_wait (lk_test_has_result, &result, 30));
  track = lk_room_publish_audio_finish (a->room, result, &error);
  g_clear_object (&result);
  g_assert_no_error (error);
  g_object_unref (track);
  capture = gst_bin_get_by_name (GST_BIN (lk_room_get_pipeline (b->room)), "capture");
  g_assert_nonnull (capture);
  gst_app_sink_set_callbacks (GST_APP_SINK (capture), &callbacks, &o, NULL);

  lk_test_sleep (3);
  before = measure_median (tone, &o, "before");
  stall (0.5);
  lk_test_sleep (2);
  after = measure_median (tone, &o, "after a 0.5 s stall");
  g_test_message ("mouth to ear: %.0f ms, after a stall %.0f ms", before, after);
  /* Figures, not pass/fail (a loaded machine moves them by 100s of ms);
   * only a stall kept for good (+500 ms) fails. */
  g_assert_cmpfloat (after, <, before + 400);
  g_mutex_clear (&o.lock);
}

/* ---- a jittery network ---- */

/* Clicks in a steady tone, counted where the room's sink gets its audio:
 * per 10 ms block, the tone's amplitude and phase against one continuous
 * oscillator. Audio the mixer dropped moves the phase; a gap drops the
 * amplitude. */
#define BLOCK 480

typedef struct {
  GMutex lock;
  double omega;
  guint64 n;            /* samples seen */
  double i, q;          /* this block's sums */
  double last_phase, last_amplitude;
  gboolean have_last;
  guint clicks;
} Clicks;

static double
wrap_angle (double a)
{
  while (a > G_PI)
    a -= 2 * G_PI;
  while (a < -G_PI)
    a += 2 * G_PI;
  return a;
}

static void
end_block (Clicks *c)
{
  double amplitude = 2 * sqrt (c->i * c->i + c->q * c->q) / BLOCK;
  double phase = atan2 (c->q, c->i);

  if (c->have_last && c->last_amplitude > 0.01 &&
      (amplitude < 0.3 * c->last_amplitude || fabs (wrap_angle (phase - c->last_phase)) > 0.5))
    c->clicks++;
  c->last_phase = phase;
  c->last_amplitude = amplitude;
  c->have_last = TRUE;
  c->i = c->q = 0;
}

static GstPadProbeReturn
listen_for_clicks (GstPad          *pad,
                   GstPadProbeInfo *info,
                   gpointer         user_data)
{
  Clicks *c = user_data;
  GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);
  GstMapInfo map;

  if (!gst_buffer_map (buf, &map, GST_MAP_READ))
    return GST_PAD_PROBE_OK;
  g_mutex_lock (&c->lock);
  for (gsize k = 0; k < map.size / sizeof (float); k++, c->n++)
    {
      double x = ((const float *) map.data)[k];
      double angle = c->omega * (double) (c->n % RATE);

      c->i += x * cos (angle);
      c->q += x * sin (angle);
      if ((c->n + 1) % BLOCK == 0)
        end_block (c);
    }
  g_mutex_unlock (&c->lock);
  gst_buffer_unmap (buf, &map);
  return GST_PAD_PROBE_OK;
}

static guint
clicks_take (Clicks *c)
{
  guint n;

  g_mutex_lock (&c->lock);
  n = c->clicks;
  c->clicks = 0;
  g_mutex_unlock (&c->lock);
  return n;
}

static guint
jitter_latency (LkTestClient *c)
{
  guint ms = 0;

  g_object_get (c->room, "jitter-latency", &ms, NULL);
  return ms;
}

/* Bob's network delays 5 % of his packets by up to 50 ms. His room starts
 * at its low latency, sees Alice's audio re-timed by its jitterbuffer,
 * raises the latency, and plays her tone on at the new one. */
static void
test_jitter (void)
{
  g_autoptr(HandoffTestLivekit) lk = handoff_test_livekit_start_or_skip (NULL);
  g_autoptr(LkTestClient) a = NULL;
  g_autoptr(LkTestClient) b = NULL;
  g_autoptr(GstElement) capture = NULL;
  g_autoptr(GstPad) capture_pad = NULL;
  Clicks clicks = { .omega = 2 * G_PI * 440 / RATE };
  guint clean, during, after, start_ms, ms;
  gint64 deadline, settled_at;
  GstClockTime playout;

  if (lk == NULL)
    return;
  g_mutex_init (&clicks.lock);
  a = lk_test_client_new_joined_full ("alice", TRUE, lk, "jitter");
  b = lk_test_client_new_joined_full ("bob", TRUE, lk, "jitter");
  g_object_set (b->room, "jitter-latency", 20, "jitter-latency-max", 200, NULL);
  capture = gst_bin_get_by_name (GST_BIN (lk_room_get_pipeline (b->room)), "capture");
  capture_pad = gst_element_get_static_pad (capture, "sink");
  gst_pad_add_probe (capture_pad, GST_PAD_PROBE_TYPE_BUFFER, listen_for_clicks, &clicks, NULL);
  lk_test_client_publish_tone (a, 440);
  g_assert_true (lk_test_client_wait_hears (b, 440, 45));
  lk_test_sleep (2);
  clicks_take (&clicks);
  lk_test_sleep (5);
  clean = clicks_take (&clicks);
  start_ms = jitter_latency (b);

  handoff_test_jitter_received (lk_room_get_pipeline (b->room), 50, 0.05);
  /* Raised, then left alone for 15 s. */
  deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  settled_at = 0;
  ms = start_ms;
  while (g_get_monotonic_time () < deadline)
    {
      lk_test_sleep (1);
      if (jitter_latency (b) != ms)
        {
          ms = jitter_latency (b);
          settled_at = g_get_monotonic_time ();
        }
      else if (settled_at != 0 && g_get_monotonic_time () - settled_at > 15 * G_USEC_PER_SEC)
        break;
    }
  during = clicks_take (&clicks);
  g_test_message ("clicks in 5 s before the jitter: %u; while the room adapted: %u (latency %u → %u ms)",
                  clean, during, start_ms, ms);
  g_assert_cmpuint (ms, >, start_ms);
  /* The jitter goes on: under load (a sanitized build on a busy machine)
   * it can grow past the first raise and be met by another during the
   * 20 s. The late packets that called for that raise click too, so
   * those 20 s say nothing of the latency the room settled on: listen
   * again at the new one. */
  for (guint round = 0;; round++)
    {
      lk_test_sleep (20);
      after = clicks_take (&clicks);
      g_test_message ("clicks in the next 20 s at %u ms: %u", ms, after);
      if (jitter_latency (b) == ms || round == 2)
        break;
      ms = jitter_latency (b);
      g_test_message ("raised again meanwhile: %u ms", ms);
    }
  /* The raise reached the playout, and the tone plays on through it. */
  ms = jitter_latency (b);
  playout = sink_latency (b);
  g_test_message ("playout latency now %.1f ms", playout / 1e6);
  g_assert_cmpuint (playout, >=, (ms + 40) * GST_MSECOND);
  g_assert_cmpuint (playout, <=, (ms + 60) * GST_MSECOND);
  g_assert_true (lk_test_client_wait_hears (b, 440, 5));
  /* Not a check that clicks are gone (at this jitter a fixed 20 ms makes
   * 0–3 in 20 s, bench-calls measures the difference): a check that the
   * raised latency does not break the audio up. The bound is the plain
   * build's. Under AddressSanitizer both rooms of this process run a few
   * times slower, and their own late work clicks too (6 in 20 s at a
   * steady 70 ms in one CI run, 0–2 in others): that run is here for the
   * memory of the raise, and the figure is printed above. */
#ifndef __SANITIZE_ADDRESS__
  g_assert_cmpuint (after, <=, 5);
#endif
  /* The probe is bob's pipeline's until it stops. */
  g_clear_pointer (&b, lk_test_client_free);
  g_mutex_clear (&clicks.lock);
}

/* The rule that tells a jittery network from one stall, on the seconds'
 * largest steps back (newest first). */
static void
test_one_stall_is_not_jitter (void)
{
  const guint quiet[LK_ROOM_JITTER_TICKS] = { 0 };
  const guint one_second[LK_ROOM_JITTER_TICKS] = { 0, 0, 199000, 0 };
  const guint straddling[LK_ROOM_JITTER_TICKS] = { 0, 0, 150000, 199000, 0 };
  const guint two_stalls[LK_ROOM_JITTER_TICKS] = { 0, 40000, 0, 0, 0, 30000, 0 };
  const guint three_in_a_row[LK_ROOM_JITTER_TICKS] = { 20000, 35000, 12000 };
  const guint at_the_edges[LK_ROOM_JITTER_TICKS] = { 5000, 0, 0, 0, 0, 0, 0, 0, 0, 5000 };

  g_assert_false (lk_room_jitter_recurs (quiet, LK_ROOM_JITTER_TICKS));
  g_assert_false (lk_room_jitter_recurs (one_second, LK_ROOM_JITTER_TICKS));
  g_assert_false (lk_room_jitter_recurs (straddling, LK_ROOM_JITTER_TICKS));
  g_assert_true (lk_room_jitter_recurs (two_stalls, LK_ROOM_JITTER_TICKS));
  g_assert_true (lk_room_jitter_recurs (three_in_a_row, LK_ROOM_JITTER_TICKS));
  g_assert_true (lk_room_jitter_recurs (at_the_edges, LK_ROOM_JITTER_TICKS));
}

int
main (int   argc,
      char *argv[])
{
  lk_test_setup (&argc, &argv);
  g_test_add_func ("/lk/latency/one-stall-is-not-jitter", test_one_stall_is_not_jitter);
  g_test_add_func ("/lk/latency/configured", test_configured);
  g_test_add_func ("/lk/latency/jitter-raises-it", test_jitter);
  g_test_add_func ("/lk/latency/mouth-to-ear-after-stall", test_mouth_to_ear);
  return lk_test_run ();
}
