/* test-e2e-transfer.c: what each party hears in each step of a warm transfer
 *
 * Real livekit-server, real handoff-server --dev, three clients built on
 * src/core with the LiveKit client: the caller speaks a 440 Hz tone, Alice
 * (A) 550 Hz, Bob (B) 660 Hz, and A's hold music is the built-in G3+D4 chord
 * (196 + 294 Hz). Each party's speaker is an appsink; the test measures the
 * power of every party's frequency in the last second it heard.
 *
 *   talking     caller <-> A
 *   hold        caller hears the hold music and not A
 *   consult     A <-> B; the caller hears neither
 *   three-way   everyone hears everyone
 *   completed   caller <-> B, A gone
 *
 * The caller's room connection is the same object throughout (it never
 * reconnects).
 *
 * The caller's privacy is checked from the moment B joins, not only once
 * things settle: B's ear keeps everything it hears from the accept until
 * A's Connect, and no 20 ms window of it may hold the caller's tone; nor may
 * B's room ever have attached a track of the caller before Connect. B joins
 * with auto-subscribe, so livekit-server subscribes it to the caller at the
 * join and again when it turns active; what keeps the caller out is B's
 * unsubscribe going out before B answers the server's offer (HandoffLkMedia
 * on the announcement and on the consult audience, LkRoom again for each
 * offer that brings the track back). Sent 300 ms late, the caller's track is
 * attached in every run and heard in 6-15 windows.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gst/app/gstappsink.h>
#include <gst/gst.h>
#include <math.h>

#include "e2e-party-kit.h"
#include "handoff-test-audio.h"
#include "lk-room.h"
#include "lk-test-client.h"

#define RATE 48000

typedef struct {
  const char     *name;
  GMutex          lock;
  GArray         *heard;
  HandoffLkMedia *media;   /* for its speaker meter */
  gboolean        keeping;
  GArray         *diary;   /* everything heard while keeping */
} Ear;

static GstFlowReturn
on_sample (GstAppSink *sink,
           gpointer    user_data)
{
  Ear *ear = user_data;
  g_autoptr(GstSample) sample = gst_app_sink_pull_sample (sink);
  GstBuffer *buf = sample ? gst_sample_get_buffer (sample) : NULL;
  GstMapInfo map;

  if (buf == NULL || !gst_buffer_map (buf, &map, GST_MAP_READ))
    return GST_FLOW_OK;
  g_mutex_lock (&ear->lock);
  g_array_append_vals (ear->heard, map.data, map.size / sizeof (float));
  if (ear->keeping)
    g_array_append_vals (ear->diary, map.data, map.size / sizeof (float));
  if (ear->heard->len > RATE * 2)
    g_array_remove_range (ear->heard, 0, ear->heard->len - RATE * 2);
  g_mutex_unlock (&ear->lock);
  gst_buffer_unmap (buf, &map);
  return GST_FLOW_OK;
}

static HandoffLkMedia *
party_media (Ear    *ear,
             double  freq)
{
  g_autofree char *src_desc = g_strdup_printf ("audiotestsrc is-live=true wave=sine freq=%g volume=0.3", freq);
  g_autoptr(GError) error = NULL;
  GstElement *src = gst_parse_bin_from_description (src_desc, TRUE, &error);
  GstElement *sink;
  g_autoptr(GstElement) appsink = NULL;
  GstAppSinkCallbacks callbacks = { .new_sample = on_sample };

  g_assert_no_error (error);
  sink = gst_parse_bin_from_description ("audioconvert ! audioresample ! "
                                         "audio/x-raw,format=F32LE,channels=1,rate=48000 ! "
                                         "appsink name=ear sync=false", TRUE, &error);
  g_assert_no_error (error);
  appsink = gst_bin_get_by_name (GST_BIN (sink), "ear");
  gst_app_sink_set_callbacks (GST_APP_SINK (appsink), &callbacks, ear, NULL);
  ear->media = e2e_kit_media (src, sink);
  return ear->media;
}

static double
power (Ear    *ear,
       double  freq)
{
  double p = 0;

  g_mutex_lock (&ear->lock);
  if (ear->heard->len >= RATE)
    p = handoff_test_tone_power ((float *) ear->heard->data + ear->heard->len - RATE, RATE, RATE, freq);
  g_mutex_unlock (&ear->lock);
  return p;
}

/* @want: frequencies that must be heard; @not: ones that must not.
 * Heard = at least 5 % of the loudest wanted one; not heard = under 1 %.
 * While something is heard the speaker meter moves, as the app's window
 * shows it. */
static gboolean
hears (Ear          *ear,
       const double *want,
       const double *not)
{
  double loudest = 0;
  double meter = handoff_lk_media_get_speaker_level (ear->media);

  for (const double *f = want; *f > 0; f++)
    loudest = MAX (loudest, power (ear, *f));
  if (loudest < 1e-5 || meter <= 0)
    return FALSE;
  for (const double *f = want; *f > 0; f++)
    if (power (ear, *f) < loudest * 0.05)
      return FALSE;
  for (const double *f = not; *f > 0; f++)
    if (power (ear, *f) > loudest * 0.01)
      return FALSE;
  return TRUE;
}

static void
report (Ear *ear)
{
  g_test_message ("%s hears: caller %.2g  A %.2g  B %.2g  music %.2g (speaker meter %.3f)", ear->name,
                  power (ear, 440), power (ear, 550), power (ear, 660), power (ear, 196),
                  ear->media ? handoff_lk_media_get_speaker_level (ear->media) : 0);
}

/* Hann-windowed tone power of one short window: without the window, 550 Hz
 * leaks into a 20 ms window's 440 Hz bin (50 Hz bins) at ~2 %. */
static double
window_power (const float *samples,
              gsize        n,
              double       freq)
{
  g_autofree float *w = g_new (float, n);

  for (gsize i = 0; i < n; i++)
    w[i] = samples[i] * (0.5 - 0.5 * cos (2 * G_PI * i / (n - 1)));
  return handoff_test_tone_power (w, n, RATE, freq);
}

#define WINDOW (RATE / 50)   /* 20 ms */
/* A 0.3 tone gives ~5e-3 through the Hann window. Under ASan, B's audio of
 * A alone showed steady 440 Hz near 5e-5 and glitches up to 6e-4 with no
 * caller track attached, so "heard" is 1e-3 (20 % of the caller's tone); the
 * exact evidence is the attach count below. */
#define WINDOW_HEARD 1e-3
/* B must have heard A in more windows than this (half a second) */
#define A_WINDOWS 50

/* Counts the 20 ms windows (10 ms apart) of @ear's diary in which @freq is
 * heard; the loudest window's power in @max. With @splatter, a window
 * counts only if @freq stands well above @splatter: a gap or a click in
 * A's 550 Hz tone (seen under ASan) spreads power evenly to 440 and 660 Hz
 * (equally far from 550; B never hears 660, its own tone), a caller's
 * tone does not. */
static guint
diary_windows_with (Ear    *ear,
                    double  freq,
                    double  splatter,
                    double *max)
{
  guint n = 0, loudest_at = 0;
  double loudest_splatter = 0;

  *max = 0;
  g_mutex_lock (&ear->lock);
  for (guint at = 0; at + WINDOW <= ear->diary->len; at += WINDOW / 2)
    {
      const float *w = (const float *) ear->diary->data + at;
      double p = window_power (w, WINDOW, freq);
      double s = splatter > 0 ? window_power (w, WINDOW, splatter) : 0;

      if (p > *max)
        {
          *max = p;
          loudest_at = at;
          loudest_splatter = s;
        }
      /* Only a tone that must not be heard is worth naming window by window. */
      if (p > WINDOW_HEARD && p > 4 * s && n++ < 10 && splatter > 0)
        g_test_message ("  %.0f Hz at %.2f s: %.2g (%.0f Hz: %.2g)", freq, at / (double) RATE, p,
                        splatter, s);
    }
  if (splatter > 0)
    g_test_message ("  loudest %.0f Hz window at %.2f s: %.2g (%.0f Hz: %.2g)", freq,
                    loudest_at / (double) RATE, *max, splatter, loudest_splatter);
  g_mutex_unlock (&ear->lock);
  return n;
}

typedef struct {
  const char *caller_identity;
  guint       caller_tracks;   /* attached in B's room */
} Subscriptions;

static void
on_b_track_subscribed (gpointer       room,
                       LkParticipant *p,
                       LkTrack       *track,
                       Subscriptions *subs)
{
  if (g_strcmp0 (lk_participant_get_identity (p), subs->caller_identity) == 0)
    subs->caller_tracks++;
}

#define HEARS(ear, ...) \
  ({ static const double _w[] = { __VA_ARGS__ }; _w; })

static Ear caller_ear = { "caller" }, a_ear = { "A" }, b_ear = { "B" };

static void
report_all (void)
{
  report (&caller_ear);
  report (&a_ear);
  report (&b_ear);
}

static void
test_warm_transfer_audio (void)
{
  g_autoptr(HandoffTestLivekit) lk = handoff_test_livekit_start_or_skip (NULL);
  g_autoptr(HandoffTestServer) server = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(E2eKitAgent) a = NULL;
  g_autoptr(E2eKitAgent) b = NULL;
  g_autoptr(HandoffLkMedia) caller_media = NULL;
  g_autoptr(HandoffLkMedia) a_media = NULL;
  g_autoptr(HandoffLkMedia) b_media = NULL;
  g_autoptr(HandoffCallSession) caller = NULL;
  g_autoptr(HandoffTransferSession) transfer = NULL;
  HandoffAgentInfo *bob_info = NULL;
  gpointer caller_room;
  E2eKitResult r = { 0 };
  Subscriptions b_subs = { 0 };
  gulong b_subs_id;
  guint leaked, heard_a;
  double max_caller, max_a;
  static const double none[] = { 0 };
  static const double music[] = { 196, 0 };

  if (lk == NULL)
    return;
  server = handoff_test_server_start (lk, &error);
  g_assert_no_error (error);

  a = e2e_kit_agent_new (server, "alice", HANDOFF_TEST_ALICE_PASSWORD, "available");
  b = e2e_kit_agent_new (server, "bob", HANDOFF_TEST_BOB_PASSWORD, "away");

  caller_media = party_media (&caller_ear, 440);
  a_media = party_media (&a_ear, 550);
  b_media = party_media (&b_ear, 660);

  /* Talking: caller <-> A. */
  caller = e2e_kit_place (server, "Carol", "charged twice", caller_media);
  caller_room = handoff_lk_media_get_room (caller_media);
  e2e_kit_accept (a, a_media);
  E2E_WAIT_FOR (hears (&caller_ear, HEARS (, 550, 0), HEARS (, 660, 196, 0)), 20);
  E2E_WAIT_FOR (hears (&a_ear, HEARS (, 440, 0), HEARS (, 660, 196, 0)), 20);
  E2E_WAIT_FOR (g_strcmp0 (handoff_call_session_get_agent_name (caller), "Alice Example") == 0, 10);
  report (&caller_ear); report (&a_ear);

  /* Hold: A sends the transfer to B. The caller hears the music, not A. */
  e2e_kit_set_presence (b->account, "available");
  E2E_WAIT_FOR ((bob_info = handoff_account_lookup_agent (a->account, handoff_account_get_agent_id (b->account))) != NULL, 20);
  transfer = handoff_transfer_session_new_outgoing (a->client, a->offered);
  handoff_transfer_session_send_async (transfer, handoff_agent_info_get_id (bob_info),
                                       handoff_agent_info_get_identity (bob_info),
                                       handoff_agent_info_get_name (bob_info), FALSE, "Carol, charged twice",
                                       NULL, e2e_kit_on_action, &r);
  e2e_kit_finish (&r, 20);
  a->transfer = g_object_ref (transfer);
  E2E_WAIT_FOR (hears (&caller_ear, music, HEARS (, 550, 660, 0)), 20);
  E2E_WAIT_FOR (handoff_call_session_get_state (caller) == HANDOFF_CALL_ON_HOLD, 10);
  /* This hold brings in a colleague, and the caller's window says so. */
  E2E_WAIT_FOR (g_strcmp0 (handoff_call_session_get_status_text (caller),
                           "On hold — we are bringing in a colleague") == 0, 10);
  report (&caller_ear);

  /* Consult: B accepts and joins privately. A <-> B; the caller hears only music. */
  E2E_WAIT_FOR (b->transfer != NULL, 20);
  {
    /* As the window does: the offer names A by id; the directory has the rest. */
    HandoffAgentInfo *from = NULL;
    E2E_WAIT_FOR ((from = handoff_account_lookup_agent (b->account, handoff_transfer_session_get_peer_id (b->transfer))) != NULL, 20);
    handoff_transfer_session_set_peer (b->transfer, handoff_agent_info_get_name (from),
                                       handoff_agent_info_get_identity (from));
  }
  b_subs.caller_identity = lk_participant_get_identity (lk_room_get_local_participant (caller_room));
  b_subs_id = g_signal_connect (handoff_lk_media_get_room (b_media), "track-subscribed",
                                G_CALLBACK (on_b_track_subscribed), &b_subs);
  g_mutex_lock (&b_ear.lock);
  b_ear.keeping = TRUE;
  g_mutex_unlock (&b_ear.lock);
  r = (E2eKitResult) { 0 };
  handoff_transfer_session_accept_async (b->transfer, HANDOFF_CALL_MEDIA (b_media), NULL, e2e_kit_on_action, &r);
  e2e_kit_finish (&r, 30);
  E2E_WAIT_FOR (hears (&b_ear, HEARS (, 550, 0), HEARS (, 440, 196, 0)), 20);
  E2E_WAIT_FOR (hears (&a_ear, HEARS (, 660, 0), HEARS (, 440, 0)), 20);
  E2E_WAIT_FOR (hears (&caller_ear, music, HEARS (, 550, 660, 0)), 20);
  /* B's diary is evidence only if B's ear was working while it was kept:
   * under load the checks above can pass on B's first fraction of a second
   * of A, so the consult goes on until A fills enough of B's windows. */
  E2E_WAIT_FOR (diary_windows_with (&b_ear, 550, 0, &max_a) > A_WINDOWS, 20);
  report_all ();

  /* Three-way: B ready, A connects; everyone hears everyone, music gone. */
  r = (E2eKitResult) { 0 };
  handoff_transfer_session_ready_async (b->transfer, NULL, e2e_kit_on_action, &r);
  e2e_kit_finish (&r, 20);
  E2E_WAIT_FOR (handoff_transfer_session_get_peer_ready (transfer), 20);
  /* Everything B heard from its join until now: A, never the caller. */
  g_mutex_lock (&b_ear.lock);
  b_ear.keeping = FALSE;
  g_mutex_unlock (&b_ear.lock);
  g_signal_handler_disconnect (handoff_lk_media_get_room (b_media), b_subs_id);
  leaked = diary_windows_with (&b_ear, 440, 660, &max_caller);
  heard_a = diary_windows_with (&b_ear, 550, 0, &max_a);
  g_test_message ("B from join to Connect: %.2f s; caller in %u windows (max %.2g), A in %u (max %.2g); "
                  "caller tracks attached %u", b_ear.diary->len / (double) RATE, leaked, max_caller,
                  heard_a, max_a, b_subs.caller_tracks);
  g_assert_cmpuint (b_subs.caller_tracks, ==, 0);
  g_assert_cmpuint (leaked, ==, 0);
  g_assert_cmpuint (heard_a, >, A_WINDOWS);
  r = (E2eKitResult) { 0 };
  handoff_transfer_session_connect_async (transfer, NULL, e2e_kit_on_action, &r);
  e2e_kit_finish (&r, 20);
  E2E_WAIT_FOR (hears (&caller_ear, HEARS (, 550, 660, 0), music), 20);
  E2E_WAIT_FOR (hears (&a_ear, HEARS (, 440, 660, 0), none), 20);
  E2E_WAIT_FOR (hears (&b_ear, HEARS (, 440, 550, 0), none), 20);
  report_all ();

  /* Completed: A leaves; caller <-> B. */
  r = (E2eKitResult) { 0 };
  handoff_transfer_session_complete_async (transfer, NULL, e2e_kit_on_action, &r);
  e2e_kit_finish (&r, 20);
  E2E_WAIT_FOR (hears (&caller_ear, HEARS (, 660, 0), HEARS (, 550, 196, 0)), 20);
  E2E_WAIT_FOR (hears (&b_ear, HEARS (, 440, 0), HEARS (, 550, 0)), 20);
  E2E_WAIT_FOR (g_strcmp0 (handoff_call_session_get_agent_name (caller), "Bob Example") == 0, 10);
  report (&caller_ear); report (&b_ear);
  /* The caller never reconnected. */
  g_assert_true (handoff_lk_media_get_room (caller_media) == caller_room);
  g_assert_cmpint (handoff_call_session_get_state (caller), ==, HANDOFF_CALL_TALKING);

  handoff_call_session_hang_up (caller);
  g_clear_pointer (&a, e2e_kit_agent_free);
  g_clear_pointer (&b, e2e_kit_agent_free);
  e2e_kit_settle ();
}

/* A plain hold (the agent's Hold button, Ctrl+H): the caller hears the hold
 * music and not A, and is told the agent will be right back — no colleague
 * is coming; off hold, caller and A hear each other again. */
static void
test_plain_hold (void)
{
  g_autoptr(HandoffTestLivekit) lk = handoff_test_livekit_start_or_skip (NULL);
  g_autoptr(HandoffTestServer) server = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(E2eKitAgent) a = NULL;
  g_autoptr(HandoffLkMedia) caller_media = NULL;
  g_autoptr(HandoffLkMedia) a_media = NULL;
  g_autoptr(HandoffCallSession) caller = NULL;
  static const double music[] = { 196, 0 };

  if (lk == NULL)
    return;
  server = handoff_test_server_start (lk, &error);
  g_assert_no_error (error);
  for (Ear *e = &caller_ear; e; e = e == &caller_ear ? &a_ear : NULL)
    {
      g_mutex_lock (&e->lock);
      g_array_set_size (e->heard, 0);
      g_mutex_unlock (&e->lock);
    }
  a = e2e_kit_agent_new (server, "alice", HANDOFF_TEST_ALICE_PASSWORD, "available");
  caller_media = party_media (&caller_ear, 440);
  a_media = party_media (&a_ear, 550);
  caller = e2e_kit_place (server, "Carol", "charged twice", caller_media);
  e2e_kit_accept (a, a_media);
  E2E_WAIT_FOR (hears (&caller_ear, HEARS (, 550, 0), HEARS (, 196, 0)), 20);
  E2E_WAIT_FOR (g_strcmp0 (handoff_call_session_get_status_text (caller),
                           "Talking to Alice Example") == 0, 10);

  g_assert_true (handoff_call_session_set_on_hold (a->offered, TRUE, &error));
  g_assert_no_error (error);
  E2E_WAIT_FOR (hears (&caller_ear, music, HEARS (, 550, 0)), 20);
  E2E_WAIT_FOR (handoff_call_session_get_state (caller) == HANDOFF_CALL_ON_HOLD, 10);
  g_assert_cmpstr (handoff_call_session_get_status_text (caller), ==,
                   "On hold — your agent will be right back");
  /* What A hears meanwhile is reported, not asserted (first runs: nothing,
   * speaker meter 0). */
  report (&caller_ear); report (&a_ear);

  g_assert_true (handoff_call_session_set_on_hold (a->offered, FALSE, &error));
  g_assert_no_error (error);
  E2E_WAIT_FOR (hears (&caller_ear, HEARS (, 550, 0), music), 20);
  E2E_WAIT_FOR (hears (&a_ear, HEARS (, 440, 0), music), 20);
  E2E_WAIT_FOR (g_strcmp0 (handoff_call_session_get_status_text (caller),
                           "Talking to Alice Example") == 0, 10);
  report (&caller_ear); report (&a_ear);

  handoff_call_session_hang_up (caller);
  g_clear_pointer (&a, e2e_kit_agent_free);
  e2e_kit_settle ();
}

int
main (int   argc,
      char *argv[])
{
  e2e_kit_init (&argc, &argv, report_all);
  for (Ear *e = &caller_ear; e; e = e == &caller_ear ? &a_ear : e == &a_ear ? &b_ear : NULL)
    {
      g_mutex_init (&e->lock);
      e->heard = g_array_new (FALSE, FALSE, sizeof (float));
      e->diary = g_array_new (FALSE, FALSE, sizeof (float));
    }
  g_test_add_func ("/e2e/warm-transfer-audio", test_warm_transfer_audio);
  g_test_add_func ("/e2e/plain-hold", test_plain_hold);
  return lk_test_run ();
}
