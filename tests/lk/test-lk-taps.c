/* test-lk-taps.c: taps on the local microphone never cost the user what
 * they hear — the remote audio keeps playing while level meters,
 * transcribers and slow consumers hang off the microphone
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-lk-taps"

#include <gst/gst.h>

#include "lk-test-client.h"

#define RATE 48000

/* The kinds of branch the app hangs off its microphone. */
typedef enum {
  TAP_METER,        /* appsink as the level meter builds it (async, drops) */
  TAP_TRANSCRIBER,  /* a bin: queue ! appsink async=false, like src/stt */
  TAP_SLOW,         /* a consumer five times slower than real time */
  TAP_SYNCING,      /* a recorder whose sink syncs to the clock */
} TapKind;

static GstElement *
make_tap (TapKind    kind,
          LkTestTap *t)
{
  switch (kind)
    {
    case TAP_METER:
      return lk_test_tap_new_branch (t, "appsink name=s sync=false max-buffers=4 drop=true");
    case TAP_TRANSCRIBER:
      return lk_test_tap_new_branch (t, "queue leaky=downstream ! audioconvert ! audioresample ! "
                                        "audio/x-raw,rate=16000 ! audioresample ! audio/x-raw,rate=48000 ! "
                                        "appsink name=s sync=false async=false max-buffers=0");
    case TAP_SLOW:
      return lk_test_tap_new_branch (t, "appsink name=s sync=false");
    case TAP_SYNCING:
      return lk_test_tap_new_branch (t, "appsink name=s sync=true");
    default:
      g_assert_not_reached ();
    }
}

typedef struct {
  LkTestTap *t;
  double frequency;
} TapHears;

static gboolean
tap_hears (gpointer data)
{
  TapHears *h = data;

  return lk_test_tap_hears (h->t, h->frequency, 0.5);
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

/* Taps on the microphone right after publishing, before anyone else is
 * in the room (the app's order: publish, then meter and transcriber). */
static void
check_taps_before_remote (gboolean sync)
{
  g_autoptr(HandoffTestLivekit) lk = handoff_test_livekit_start_or_skip (NULL);
  g_autoptr(LkTestClient) a = NULL;
  g_autoptr(LkTestClient) b = NULL;
  g_autoptr(GError) error = NULL;
  LkTestTap meter, transcriber, slow;
  TapHears h = { &meter, 440 };
  LkTrack *mic;

  if (lk == NULL)
    return;
  lk_test_tap_init (&meter, 0);
  lk_test_tap_init (&transcriber, 0);
  lk_test_tap_init (&slow, 50);
  a = lk_test_client_new_full ("alice", sync);
  b = lk_test_client_new_full ("bob", sync);
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
  lk_test_tap_clear (&meter);
  lk_test_tap_clear (&transcriber);
  lk_test_tap_clear (&slow);
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
  LkTestTap caps[4], remote_cap;
  GstElement *taps[4], *remote_tap;
  TapHears h = { NULL, 440 };
  LkTrack *mic, *bob_mic, *remote;

  if (lk == NULL)
    return;
  a = lk_test_client_new_joined_full ("alice", TRUE, lk, "taps-mid");
  b = lk_test_client_new_joined ("bob", lk, "taps-mid");
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
          lk_test_tap_init (&caps[k], k == TAP_SLOW ? 50 : 0);
          taps[k] = make_tap ((TapKind) k, &caps[k]);
          g_assert_true (lk_track_add_tap (mic, taps[k], &error));
          g_assert_no_error (error);
        }
      lk_test_tap_init (&remote_cap, 0);
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
          lk_test_tap_clear (&caps[k]);
        }
      lk_track_remove_tap (remote, remote_tap);
      lk_test_tap_clear (&remote_cap);
      assert_keeps_hearing (b, 440, 1);
    }
  assert_keeps_hearing (a, 660, 2);
}

/* The agent changes microphone and speakers in the middle of a call: the
 * other side hears the new microphone on the same track, the mix moves to
 * the new output, and nothing is left behind by the devices that went. */
static void
test_devices_mid_call (void)
{
  g_autoptr(HandoffTestLivekit) lk = handoff_test_livekit_start_or_skip (NULL);
  g_autoptr(LkTestClient) a = NULL;
  g_autoptr(LkTestClient) b = NULL;
  g_autoptr(GError) error = NULL;
  LkTestTap speakers;
  TapHears h = { &speakers, 660 };
  GstElement *headset_mic, *new_speakers;
  LkTrack *mic;
  guint64 old_sink_total;

  if (lk == NULL)
    return;
  a = lk_test_client_new_joined_full ("alice", TRUE, lk, "devices-mid");
  b = lk_test_client_new_joined ("bob", lk, "devices-mid");
  mic = lk_test_client_publish_tone (a, 440);
  lk_test_client_publish_tone (b, 660);
  g_assert_true (lk_test_client_wait_hears (b, 440, 10));
  assert_keeps_hearing (a, 660, 1);

  headset_mic = gst_parse_bin_from_description ("audiotestsrc is-live=true wave=sine freq=880 volume=0.4",
                                                TRUE, &error);
  g_assert_no_error (error);
  g_assert_true (lk_track_replace_source (mic, headset_mic, &error));
  g_assert_no_error (error);
  g_assert_true (lk_test_client_wait_hears (b, 880, 5));
  assert_keeps_hearing (b, 880, 2);
  g_assert_cmpuint (lk_test_client_room_uint (a, "n-rejoins"), ==, 0);

  lk_test_tap_init (&speakers, 0);
  new_speakers = lk_test_tap_new_branch (&speakers, "audioconvert ! audioresample ! "
                                                    "audio/x-raw,format=S16LE,channels=1,rate=48000 ! "
                                                    "appsink name=s sync=true");
  g_assert_true (lk_room_switch_audio_sink (a->room, new_speakers, &error));
  g_assert_no_error (error);
  g_assert_true (lk_test_wait (tap_hears, &h, 5));
  /* The old sink hears nothing more once the new one plays. */
  old_sink_total = heard_samples (a);
  lk_test_sleep (1);
  g_assert_cmpuint (heard_samples (a), ==, old_sink_total);
  lk_test_sleep (1);
  g_assert_true (lk_test_tap_hears (&speakers, 660, 1));
  assert_keeps_hearing (b, 880, 1);

  lk_test_client_leave_and_check_freed (a);
  lk_test_tap_clear (&speakers);
}

int
main (int   argc,
      char *argv[])
{
  lk_test_setup (&argc, &argv);
  g_test_add_func ("/lk/taps/before-remote", test_taps_before_remote);
  g_test_add_func ("/lk/taps/before-remote-syncing-sink", test_taps_before_remote_sync);
  g_test_add_func ("/lk/taps/mid-call", test_taps_mid_call);
  g_test_add_func ("/lk/taps/devices-mid-call", test_devices_mid_call);
  return lk_test_run ();
}
