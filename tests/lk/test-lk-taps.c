/* test-lk-taps.c: taps on the local microphone never cost the user what
 * they hear — the remote audio keeps playing while level meters,
 * transcribers and slow consumers hang off the microphone
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-lk-taps"

#include <gst/app/gstappsink.h>
#include <gst/gst.h>

#include "handoff-test-audio.h"

#include "lk-test-client.h"

#define RATE 48000

typedef struct {
  GMutex lock;
  GArray *samples;   /* float, the last two seconds */
  guint64 total;
  guint delay_ms;    /* > 0: a consumer slower than real time */
} Capture;

static GstFlowReturn
on_sample (GstAppSink *sink,
           gpointer    user_data)
{
  Capture *t = user_data;
  g_autoptr(GstSample) sample = gst_app_sink_pull_sample (sink);
  GstBuffer *buf = sample ? gst_sample_get_buffer (sample) : NULL;
  GstMapInfo map;

  if (buf == NULL || !gst_buffer_map (buf, &map, GST_MAP_READ))
    return GST_FLOW_OK;
  g_mutex_lock (&t->lock);
  for (gsize i = 0; i < map.size / 2; i++)
    {
      float v = ((const gint16 *) map.data)[i] / 32768.0f;
      g_array_append_val (t->samples, v);
    }
  t->total += map.size / 2;
  if (t->samples->len > RATE * 2)
    g_array_remove_range (t->samples, 0, t->samples->len - RATE * 2);
  g_mutex_unlock (&t->lock);
  gst_buffer_unmap (buf, &map);
  if (t->delay_ms > 0)
    g_usleep (t->delay_ms * 1000);
  return GST_FLOW_OK;
}

static void
capture_init (Capture *t,
              guint    delay_ms)
{
  g_mutex_init (&t->lock);
  t->samples = g_array_new (FALSE, FALSE, sizeof (float));
  t->delay_ms = delay_ms;
}

static void
capture_clear (Capture *t)
{
  g_array_unref (t->samples);
  g_mutex_clear (&t->lock);
}

/* The kinds of branch the app hangs off its microphone. */
typedef enum {
  TAP_METER,        /* appsink as the level meter builds it (async, drops) */
  TAP_TRANSCRIBER,  /* a bin: queue ! appsink async=false, like src/stt */
  TAP_SLOW,         /* a consumer five times slower than real time */
  TAP_SYNCING,      /* a recorder whose sink syncs to the clock */
} TapKind;

static GstElement *
make_tap (TapKind  kind,
          Capture *t)
{
  GstAppSinkCallbacks callbacks = { .new_sample = on_sample };
  g_autoptr(GError) error = NULL;
  g_autoptr(GstElement) appsink = NULL;
  const char *desc = NULL;
  GstElement *tap;

  switch (kind)
    {
    case TAP_METER:
      desc = "appsink name=s sync=false max-buffers=4 drop=true";
      break;
    case TAP_TRANSCRIBER:
      desc = "queue leaky=downstream ! audioconvert ! audioresample ! audio/x-raw,rate=16000 ! "
             "audioresample ! audio/x-raw,rate=48000 ! appsink name=s sync=false async=false max-buffers=0";
      break;
    case TAP_SLOW:
      desc = "appsink name=s sync=false";
      break;
    case TAP_SYNCING:
      desc = "appsink name=s sync=true";
      break;
    default:
      g_assert_not_reached ();
    }
  tap = gst_parse_bin_from_description (desc, TRUE, &error);
  g_assert_no_error (error);
  appsink = gst_bin_get_by_name (GST_BIN (tap), "s");
  gst_app_sink_set_callbacks (GST_APP_SINK (appsink), &callbacks, t, NULL);
  return tap;
}

typedef struct {
  Capture *t;
  double frequency;
} TapHears;

static gboolean
tap_hears (gpointer data)
{
  TapHears *h = data;
  double f = 0, rms = 0;

  g_mutex_lock (&h->t->lock);
  if (h->t->samples->len >= RATE / 2)
    {
      const float *s = &g_array_index (h->t->samples, float, h->t->samples->len - RATE / 2);
      f = handoff_test_dominant_frequency (s, RATE / 2, RATE, 100, 2000);
      rms = handoff_test_rms (s, RATE / 2);
    }
  g_mutex_unlock (&h->t->lock);
  return rms > 0.01 && f > h->frequency * 0.98 && f < h->frequency * 1.02;
}

static guint64
heard_samples (LkTestClient *c)
{
  guint64 n;

  g_mutex_lock (&c->lock);
  n = c->total_heard;
  g_mutex_unlock (&c->lock);
  return n;
}

/* What the user notices: the remote voice keeps coming, in real time, for
 * a few seconds — not a first glimpse and then silence. */
static void
assert_keeps_hearing (LkTestClient *c,
                      double        frequency,
                      double        seconds)
{
  guint64 before;
  double got;

  g_assert_true (lk_test_client_wait_hears (c, frequency, 45));
  before = heard_samples (c);
  lk_test_sleep (seconds);
  got = (heard_samples (c) - before) / (double) RATE;
  g_test_message ("[%s] %.2f s of audio in %.2f s", c->identity, got, seconds);
  /* A stalled sink gets nothing; a loaded machine delivers most of it. */
  g_assert_cmpfloat (got, >, seconds * 0.6);
  g_assert_true (lk_test_client_wait_hears (c, frequency, 1));
}

static LkTestClient *
client (const char *identity,
        gboolean    sync)
{
  return lk_test_client_new_full (identity, sync);
}

/* Taps on the microphone right after publishing, before anyone else is
 * in the room (the app's order: publish, then meter and transcriber). */
static void
check_taps_before_remote (gboolean sync)
{
  g_autoptr(HandoffTestLivekit) lk = handoff_test_livekit_start_or_skip (NULL);
  g_autoptr(LkTestClient) a = NULL;
  g_autoptr(LkTestClient) b = NULL;
  g_autoptr(GError) error = NULL;
  Capture meter, transcriber, slow;
  TapHears h = { &meter, 440 };
  LkTrack *mic;

  if (lk == NULL)
    return;
  capture_init (&meter, 0);
  capture_init (&transcriber, 0);
  capture_init (&slow, 50);
  a = client ("alice", sync);
  b = client ("bob", sync);
  lk_test_client_join (a, lk, "taps", NULL);
  mic = lk_test_client_publish_tone (a, 440);
  g_assert_true (lk_track_add_tap (mic, make_tap (TAP_METER, &meter), &error));
  g_assert_no_error (error);
  g_assert_true (lk_track_add_tap (mic, make_tap (TAP_TRANSCRIBER, &transcriber), &error));
  g_assert_no_error (error);
  g_assert_true (lk_track_add_tap (mic, make_tap (TAP_SLOW, &slow), &error));
  g_assert_no_error (error);

  lk_test_client_join (b, lk, "taps", NULL);
  lk_test_client_publish_tone (b, 660);

  assert_keeps_hearing (a, 660, 3);
  assert_keeps_hearing (b, 440, 1);
  g_assert_true (lk_test_wait (tap_hears, &h, 10));
  h.t = &transcriber;
  g_assert_true (lk_test_wait (tap_hears, &h, 10));
  h.t = &slow;
  g_assert_true (lk_test_wait (tap_hears, &h, 10));

  lk_test_client_free (g_steal_pointer (&a));
  capture_clear (&meter);
  capture_clear (&transcriber);
  capture_clear (&slow);
}

static void
test_taps_before_remote (void)
{
  check_taps_before_remote (FALSE);
}

static void
test_taps_before_remote_sync (void)
{
  check_taps_before_remote (TRUE);
}

/* Taps come and go on the microphone (and on the remote voice) while the
 * call is running; the remote voice must not stop, nor our microphone. */
static void
test_taps_mid_call (void)
{
  g_autoptr(HandoffTestLivekit) lk = handoff_test_livekit_start_or_skip (NULL);
  g_autoptr(LkTestClient) a = NULL;
  g_autoptr(LkTestClient) b = NULL;
  g_autoptr(GError) error = NULL;
  Capture caps[4], remote_cap;
  GstElement *taps[4], *remote_tap;
  TapHears h = { NULL, 440 };
  LkTrack *mic, *bob_mic, *remote;

  if (lk == NULL)
    return;
  a = client ("alice", TRUE);
  b = client ("bob", FALSE);
  lk_test_client_join (a, lk, "taps-mid", NULL);
  lk_test_client_join (b, lk, "taps-mid", NULL);
  mic = lk_test_client_publish_tone (a, 440);
  bob_mic = lk_test_client_publish_tone (b, 660);
  assert_keeps_hearing (a, 660, 1);
  remote = lk_participant_lookup_track (lk_room_lookup_participant (a->room, "bob"),
                                        lk_track_get_sid (bob_mic));
  g_assert_nonnull (remote);

  for (guint round = 0; round < 3; round++)
    {
      for (guint k = 0; k < G_N_ELEMENTS (taps); k++)
        {
          capture_init (&caps[k], k == TAP_SLOW ? 50 : 0);
          taps[k] = make_tap ((TapKind) k, &caps[k]);
          g_assert_true (lk_track_add_tap (mic, taps[k], &error));
          g_assert_no_error (error);
        }
      capture_init (&remote_cap, 0);
      remote_tap = make_tap (TAP_METER, &remote_cap);
      g_assert_true (lk_track_add_tap (remote, remote_tap, &error));
      g_assert_no_error (error);
      assert_keeps_hearing (a, 660, 2);
      for (guint k = 0; k < G_N_ELEMENTS (taps); k++)
        {
          h.t = &caps[k];
          h.frequency = 440;
          g_assert_true (lk_test_wait (tap_hears, &h, 10));
        }
      h.t = &remote_cap;
      h.frequency = 660;
      g_assert_true (lk_test_wait (tap_hears, &h, 10));
      for (guint k = 0; k < G_N_ELEMENTS (taps); k++)
        {
          lk_track_remove_tap (mic, taps[k]);
          capture_clear (&caps[k]);
        }
      lk_track_remove_tap (remote, remote_tap);
      capture_clear (&remote_cap);
      assert_keeps_hearing (b, 440, 1);
    }
  assert_keeps_hearing (a, 660, 2);
}

int
main (int   argc,
      char *argv[])
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);
  lk_test_init ();
  g_test_add_func ("/lk/taps/before-remote", test_taps_before_remote);
  g_test_add_func ("/lk/taps/before-remote-syncing-sink", test_taps_before_remote_sync);
  g_test_add_func ("/lk/taps/mid-call", test_taps_mid_call);
  return lk_test_run ();
}
