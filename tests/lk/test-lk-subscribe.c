/* test-lk-subscribe.c: what a participant hears when it chooses itself
 * (auto-subscribe off — the warm transfer's target must not hear the caller
 * until allowed; an unsubscribe with auto-subscribe on), also across a
 * restarted server, and reliable data sent while the session is re-joined
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-lk-subscribe"

#include <gio/gio.h>
#include <gst/gst.h>
#include <string.h>

#include "lk-test-call.h"

#define RATE 48000

static gboolean
knows_alice_track (gpointer data)
{
  gpointer *args = data;
  LkParticipant *alice = lk_room_lookup_participant (((LkTestClient *) args[0])->room, "alice");

  return alice != NULL && lk_participant_lookup_track (alice, args[1]) != NULL;
}

/* Nothing of @frequency in everything @c's sink has recorded so far (the
 * recording keeps 4 s; it must not have lost its start). */
static void
assert_never_heard (LkTestClient *c,
                    double        frequency)
{
  double rms;

  g_assert_cmpuint (c->total_heard, >, RATE);
  g_assert_cmpuint (c->total_heard, <=, 4 * RATE);
  lk_test_client_dominant (c, 4.0, &rms);
  g_test_message ("[%s] %.2f s recorded: rms %.5f, %g Hz power %.3g", c->identity,
                  c->total_heard / (double) RATE, rms, frequency,
                  lk_test_client_tone_power (c, 4.0, frequency));
  g_assert_cmpfloat (rms, <, 0.001);
  g_assert_cmpfloat (lk_test_client_tone_power (c, 4.0, frequency), <, 1e-6);
}

/* bob joins with auto-subscribe off while alice's 440 Hz plays: silence
 * (from the sink's very first buffer) until he subscribes, 440 Hz then,
 * silence again once he unsubscribes. */
static void
test_auto_subscribe_off (void)
{
  g_autoptr(HandoffTestLivekit) lk = handoff_test_livekit_start_or_skip (NULL);
  g_autoptr(LkTestClient) a = NULL;
  g_autoptr(LkTestClient) b = NULL;
  const char *sids[] = { NULL, NULL };
  gpointer args[2];
  gboolean auto_subscribe = TRUE;
  LkTrack *mic;
  gint64 t0;

  if (lk == NULL)
    return;
  a = lk_test_client_new_joined ("alice", lk, "choose");
  mic = lk_test_client_publish_tone (a, 440);
  sids[0] = lk_track_get_sid (mic);

  b = lk_test_client_new ("bob");
  g_object_set (b->room, "auto-subscribe", FALSE, NULL);
  g_object_get (b->room, "auto-subscribe", &auto_subscribe, NULL);
  g_assert_false (auto_subscribe);
  lk_test_client_join (b, lk, "choose", NULL);
  args[0] = b;
  args[1] = (gpointer) sids[0];
  g_assert_true (lk_test_wait (knows_alice_track, args, 10));
  /* With auto-subscribe on, bob hears alice ~0.35 s after joining. */
  lk_test_sleep (2.5);
  g_assert_false (lk_test_client_has_event (b, "track-subscribed:alice"));
  assert_never_heard (b, 440);

  t0 = g_get_monotonic_time ();
  g_assert_true (lk_room_update_subscription (b->room, sids, TRUE));
  g_assert_true (lk_test_client_wait_event (b, "track-subscribed:alice", 10));
  g_assert_true (lk_test_client_wait_hears (b, 440, 10));
  g_test_message ("bob hears alice %.0f ms after subscribing", (g_get_monotonic_time () - t0) / 1000.0);
  g_assert_cmpint (g_get_monotonic_time () - t0, <, 5 * G_USEC_PER_SEC);

  t0 = g_get_monotonic_time ();
  g_assert_true (lk_room_update_subscription (b->room, sids, FALSE));
  g_assert_true (lk_test_client_wait_event (b, "track-unsubscribed:alice", 10));
  g_assert_true (lk_test_wait (lk_test_client_is_silent, b, 10));
  g_test_message ("bob silent %.0f ms after unsubscribing", (g_get_monotonic_time () - t0) / 1000.0);
  /* And stays so: nothing of alice in the next 2 s. */
  lk_test_client_forget (b);
  lk_test_sleep (2.0);
  g_assert_cmpfloat (lk_test_client_tone_power (b, 2.0, 440), <, 1e-6);
  g_assert_cmpuint (lk_test_client_count_events (b, "track-subscribed:alice"), ==, 1);
}

/* As the app does for whom it may not hear: alice's new tracks are let go
 * as soon as they are announced. */
static void
let_go_of_alice (LkRoom        *room,
                 LkParticipant *owner,
                 LkTrack       *track,
                 gpointer       user_data)
{
  const char *sids[] = { lk_track_get_sid (track), NULL };

  if (g_strcmp0 (lk_participant_get_identity (owner), "alice") == 0 && sids[0] != NULL)
    lk_room_update_subscription (room, sids, FALSE);
}

/* What the app chose not to hear is never played: here alice's microphone
 * published anew (a new sid, as a caller's after a re-join during a hold),
 * to which the server would subscribe bob by itself. The unsubscribe sent
 * on the announcement lands first: livekit-server 1.13.5 never offered bob
 * the new track (session 6), so LkRoom needs no guard of its own. */
static void
test_unsubscribed_never_plays (void)
{
  g_autoptr(HandoffTestLivekit) lk = handoff_test_livekit_start_or_skip (NULL);
  g_autoptr(LkTestClient) a = NULL;
  g_autoptr(LkTestClient) b = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  const char *sids[] = { NULL, NULL };
  LkTrack *mic;

  if (lk == NULL)
    return;
  a = lk_test_client_new_joined ("alice", lk, "refuse");
  b = lk_test_client_new_joined ("bob", lk, "refuse");
  mic = lk_test_client_publish_tone (a, 440);
  sids[0] = lk_track_get_sid (mic);
  g_assert_true (lk_test_client_wait_hears (b, 440, 45));
  g_signal_connect (b->room, "track-published", G_CALLBACK (let_go_of_alice), b);
  g_assert_true (lk_room_update_subscription (b->room, sids, FALSE));
  g_assert_true (lk_test_wait (lk_test_client_is_silent, b, 10));

  lk_room_unpublish_track_async (a->room, mic, NULL, lk_test_keep_result, &result);
  g_assert_true (lk_test_wait (lk_test_has_result, &result, 20));
  g_assert_true (lk_room_unpublish_track_finish (a->room, result, &error));
  g_assert_no_error (error);
  lk_test_client_forget (b);
  lk_test_client_publish_tone (a, 440);
  lk_test_sleep (3.0);
  g_test_message ("bob, 3 s after alice's new microphone: 440 Hz power %.3g",
                  lk_test_client_tone_power (b, 3.0, 440));
  g_assert_cmpfloat (lk_test_client_tone_power (b, 3.0, 440), <, 1e-6);
  g_assert_cmpuint (lk_test_client_count_events (b, "track-subscribed:alice"), ==, 1);
}

/* ---- an explicit subscription across a lost session ---- */

typedef enum {
  SIGNAL_CUT,      /* the signal drops for 1 s: the session is resumed */
  SERVER_KILLED,   /* livekit-server killed and started again: re-joined */
} Outage;

/* bob (auto-subscribe off) asked for alice's microphone; after the outage
 * he hears it again without asking anew — and alice's hold music, which he
 * never asked for, stays unheard. */
static void
check_subscription_survives (Outage how)
{
  g_autoptr(HandoffTestLivekit) lk = handoff_test_livekit_start_or_skip (NULL);
  g_autoptr(LkTestClient) a = NULL;
  g_autoptr(LkTestClient) b = NULL;
  g_autoptr(LkTestProxy) proxy = NULL;
  g_autoptr(GError) error = NULL;
  const char *sids[] = { NULL, NULL };
  gpointer args[2];
  LkTrack *mic;
  gint64 back;

  if (lk == NULL)
    return;
  proxy = lk_test_proxy_new_started (lk);
  a = lk_test_client_new_joined ("alice", lk, "keep");
  mic = lk_test_client_publish_tone (a, 440);
  lk_test_client_publish_tone_named (a, "hold-music", 660);
  sids[0] = lk_track_get_sid (mic);

  b = lk_test_client_new ("bob");
  lk_room_set_auto_subscribe (b->room, FALSE);
  lk_test_client_join_through (b, proxy, "keep");
  args[0] = b;
  args[1] = (gpointer) sids[0];
  g_assert_true (lk_test_wait (knows_alice_track, args, 10));
  g_assert_true (lk_room_update_subscription (b->room, sids, TRUE));
  g_assert_true (lk_test_client_wait_hears (b, 440, 45));

  if (how == SIGNAL_CUT)
    {
      lk_test_proxy_kill (proxy);
      g_assert_true (lk_test_wait (lk_test_client_saw_reconnecting, b, 20));
      lk_test_sleep (1.0);
      lk_test_proxy_start (proxy);
    }
  else
    {
      handoff_test_livekit_kill (lk);
      lk_test_proxy_kill (proxy);
      g_assert_true (lk_test_wait (lk_test_client_saw_reconnecting, b, 20));
      lk_test_sleep (1.0);
      g_assert_true (handoff_test_livekit_respawn (lk, &error));
      g_assert_no_error (error);
      lk_test_proxy_start (proxy);
    }
  back = g_get_monotonic_time ();
  g_assert_true (lk_test_wait (lk_test_client_saw_reconnected, b, 45));
  lk_test_client_forget (b);
  g_assert_true (lk_test_client_wait_hears (b, 440, 20));
  g_test_message ("bob hears alice's microphone again %.0f ms after the outage ended",
                  (g_get_monotonic_time () - back) / 1000.0);
  lk_test_sleep (2.0);
  g_assert_true (lk_test_client_hears_now (b, 440));
  /* Not subscribed, the hold music would be as loud as the microphone. */
  g_assert_cmpfloat (lk_test_client_tone_power (b, 3.0, 660), <, lk_test_client_tone_power (b, 3.0, 440) / 100);
  g_assert_false (b->disconnected);
}

static void
test_subscription_survives_resume (void)
{
  check_subscription_survives (SIGNAL_CUT);
}

static void
test_subscription_survives_rejoin (void)
{
  check_subscription_survives (SERVER_KILLED);
}

/* ---- an unsubscribe across a restarted server ---- */

/* alice's hold music is at most a hundredth of her microphone. */
static gboolean
hold_music_unheard (gpointer data)
{
  LkTestClient *c = data;

  return lk_test_client_tone_power (c, 1.0, 660) < lk_test_client_tone_power (c, 1.0, 440) / 100 &&
         lk_test_client_hears_now (c, 440);
}

static gboolean
hears_both (gpointer data)
{
  LkTestClient *c = data;
  double mic = lk_test_client_tone_power (c, 1.0, 440);
  double music = lk_test_client_tone_power (c, 1.0, 660);

  return mic > 1e-4 && music > mic / 10 && music < mic * 10;
}

/* bob (auto-subscribe on) hears alice's microphone and her hold music
 * until he unsubscribes from the music. livekit-server is killed and
 * started again: the new server subscribes everyone to everything, and
 * alice's tracks have new sids. bob must still not hear the music, and
 * hear her microphone. @alice_late: alice comes back after bob (her tracks
 * are published into his new session), else before (they are there when
 * he joins). */
static void
check_unsubscribe_survives (gboolean alice_late)
{
  g_autoptr(HandoffTestLivekit) lk = handoff_test_livekit_start_or_skip (NULL);
  g_autoptr(LkTestClient) a = NULL;
  g_autoptr(LkTestClient) b = NULL;
  g_autoptr(LkTestProxy) proxy = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *music_sid = NULL;
  const char *sids[] = { NULL, NULL };
  LkTestClient *first, *last;
  LkParticipant *alice;
  LkTrack *music;
  gint64 back;

  if (lk == NULL)
    return;
  /* The one behind the proxy comes back last. */
  proxy = lk_test_proxy_new_started (lk);
  a = lk_test_client_new ("alice");
  b = lk_test_client_new ("bob");
  if (alice_late)
    {
      lk_test_client_join_through (a, proxy, "unsub");
      lk_test_client_join (b, lk, "unsub", NULL);
    }
  else
    {
      lk_test_client_join (a, lk, "unsub", NULL);
      lk_test_client_join_through (b, proxy, "unsub");
    }
  first = alice_late ? b : a;
  last = alice_late ? a : b;
  lk_test_client_publish_tone (a, 440);
  music = lk_test_client_publish_tone_named (a, "hold-music", 660);
  /* The track's sid changes when alice publishes it again. */
  music_sid = g_strdup (lk_track_get_sid (music));
  sids[0] = music_sid;
  g_assert_true (lk_test_wait (hears_both, b, 45));
  g_assert_true (lk_room_update_subscription (b->room, sids, FALSE));
  g_assert_true (lk_test_wait (hold_music_unheard, b, 10));

  handoff_test_livekit_kill (lk);
  lk_test_proxy_kill (proxy);
  g_assert_true (lk_test_wait (lk_test_client_saw_reconnecting, a, 20));
  g_assert_true (lk_test_wait (lk_test_client_saw_reconnecting, b, 20));
  lk_test_sleep (1.0);
  g_assert_true (handoff_test_livekit_respawn (lk, &error));
  g_assert_no_error (error);
  g_assert_true (lk_test_wait (lk_test_client_saw_reconnected, first, 45));
  lk_test_sleep (1.5);
  g_assert_false (last->reconnected);
  lk_test_proxy_start (proxy);
  back = g_get_monotonic_time ();
  g_assert_true (lk_test_wait (lk_test_client_saw_reconnected, last, 45));
  g_assert_cmpuint (lk_test_client_room_uint (a, "n-rejoins"), ==, 1);
  g_assert_cmpuint (lk_test_client_room_uint (b, "n-rejoins"), ==, 1);

  lk_test_client_forget (b);
  g_assert_true (lk_test_client_wait_hears (b, 440, 20));
  g_test_message ("bob hears alice's microphone again %.0f ms after the last one was back",
                  (g_get_monotonic_time () - back) / 1000.0);
  alice = lk_room_lookup_participant (b->room, "alice");
  g_assert_nonnull (alice);
  g_assert_null (lk_participant_lookup_track (alice, music_sid));
  g_assert_nonnull (lk_participant_lookup_track (alice, lk_track_get_sid (music)));
  /* What he heard since the re-join (the last 4 s at most): the new
   * server's subscription to the music may play for a moment. */
  g_test_message ("[bob] since the re-join: 440 Hz power %.3g, 660 Hz %.3g",
                  lk_test_client_tone_power (b, 4.0, 440), lk_test_client_tone_power (b, 4.0, 660));
  lk_test_sleep (3.0);
  g_test_message ("[bob] the 3 s after: 440 Hz power %.3g, 660 Hz %.3g",
                  lk_test_client_tone_power (b, 3.0, 440), lk_test_client_tone_power (b, 3.0, 660));
  g_assert_true (lk_test_client_hears_now (b, 440));
  /* Subscribed, the music would be as loud as the microphone. */
  g_assert_cmpfloat (lk_test_client_tone_power (b, 3.0, 660), <, lk_test_client_tone_power (b, 3.0, 440) / 100);
  g_assert_false (a->disconnected);
  g_assert_false (b->disconnected);
}

static void
test_unsubscribe_survives_rejoin (void)
{
  check_unsubscribe_survives (FALSE);
}

static void
test_unsubscribe_survives_rejoin_late (void)
{
  check_unsubscribe_survives (TRUE);
}

/* ---- data across a re-join ---- */

static gboolean
bob_got_it (gpointer data)
{
  return lk_test_client_count_data (data, "alice|handoff|while-away") > 0;
}

static void
on_sent (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  *(gboolean *) user_data = lk_room_send_data_finish (LK_ROOM (source), result, &error);
  g_assert_no_error (error);
}

/* livekit-server is killed mid-call and started again. While alice's
 * session is lost (reconnecting), she sends a reliable packet. It must
 * reach bob once alice is in the new server's room — not be written into
 * the dead session's data channel, and not twice. alice reaches the server
 * through a proxy kept cut until bob is back, so bob is there to receive. */
static void
test_data_during_rejoin (void)
{
  g_autoptr(HandoffTestLivekit) lk = handoff_test_livekit_start_or_skip (NULL);
  g_autoptr(LkTestCall) call = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) payload = g_bytes_new_static ("while-away", 10);
  LkTestClient *a, *b;
  gboolean sent = FALSE;
  gint64 back;

  if (lk == NULL)
    return;
  call = lk_test_call_new (lk, "data");
  a = call->a;
  b = call->b;

  /* The proxy would keep alice's side of the signal open (she would
   * notice only by the 19 s ping timeout): it goes with the server. */
  handoff_test_livekit_kill (lk);
  lk_test_proxy_kill (call->proxy);
  g_assert_true (lk_test_wait (lk_test_client_saw_reconnecting, a, 20));
  g_assert_true (lk_test_wait (lk_test_client_saw_reconnecting, b, 20));
  lk_room_send_data_async (a->room, payload, "handoff", NULL, TRUE, NULL, on_sent, &sent);
  lk_test_sleep (1.0);
  g_assert_true (handoff_test_livekit_respawn (lk, &error));
  g_assert_no_error (error);
  g_assert_true (lk_test_wait (lk_test_client_saw_reconnected, b, 45));
  /* bob's new subscriber transport (which carries data to him) is
   * negotiated right after his join; 1.5 s is ample margin. */
  lk_test_sleep (1.5);
  g_assert_false (a->reconnected);
  lk_test_proxy_start (call->proxy);
  back = g_get_monotonic_time ();

  g_assert_true (lk_test_wait (lk_test_client_saw_reconnected, a, 30));
  g_assert_cmpuint (lk_test_client_room_uint (a, "n-rejoins"), ==, 1);
  g_assert_true (lk_test_wait (bob_got_it, b, 20));
  g_test_message ("bob got alice's packet %.0f ms after her signal path was back",
                  (g_get_monotonic_time () - back) / 1000.0);
  g_assert_true (sent);
  /* Exactly once, also when the new session has been up a while. */
  g_assert_true (lk_test_client_wait_hears (b, 440, 20));
  lk_test_sleep (1.0);
  g_assert_cmpuint (lk_test_client_count_data (b, "alice|handoff|while-away"), ==, 1);
  g_assert_false (a->disconnected);
  g_assert_false (b->disconnected);
}

int
main (int   argc,
      char *argv[])
{
  lk_test_setup (&argc, &argv);
  g_test_add_func ("/lk/subscribe/auto-subscribe-off", test_auto_subscribe_off);
  g_test_add_func ("/lk/subscribe/unsubscribed-never-plays", test_unsubscribed_never_plays);
  g_test_add_func ("/lk/subscribe/survives-resume", test_subscription_survives_resume);
  g_test_add_func ("/lk/subscribe/survives-rejoin", test_subscription_survives_rejoin);
  g_test_add_func ("/lk/subscribe/unsubscribe-survives-rejoin", test_unsubscribe_survives_rejoin);
  g_test_add_func ("/lk/subscribe/unsubscribe-survives-rejoin-published-late",
                   test_unsubscribe_survives_rejoin_late);
  g_test_add_func ("/lk/subscribe/data-during-rejoin", test_data_during_rejoin);
  return lk_test_run ();
}
