/* test-lk-reconnect.c: the session itself is lost and LkRoom joins again as
 * a new one (full re-join) — livekit-server killed or shut down and started
 * again on the same ports, the participant removed while its signal
 * connection was away (the server then answers the resume with
 * leave(STATE_MISMATCH, RECONNECT)), the server gone for good; and the
 * refreshed token carrying a resume past the original token's expiry
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-lk-reconnect"

#include <gio/gio.h>
#include <gst/gst.h>
#include <libsoup/soup.h>
#include <string.h>

#include "lk-test-call.h"

#if defined(__SANITIZE_ADDRESS__)
#define REJOIN_HEARING_BOUND_S 45
#else
#define REJOIN_HEARING_BOUND_S 15
#endif

static gboolean
saw_alice_leave (gpointer data)
{
  return lk_test_client_has_event (data, "participant-disconnected:alice");
}

/* Buffers seen by a tap on the local microphone. */
static GstPadProbeReturn
count_buffer (GstPad          *pad,
              GstPadProbeInfo *info,
              gpointer         user_data)
{
  g_atomic_int_inc ((gint *) user_data);
  return GST_PAD_PROBE_OK;
}

static GstElement *
make_counting_tap (gint *counter)
{
  GstElement *tap = gst_element_factory_make ("fakesink", NULL);
  g_autoptr(GstPad) sink = gst_element_get_static_pad (tap, "sink");

  g_object_set (tap, "sync", FALSE, "async", FALSE, NULL);
  gst_pad_add_probe (sink, GST_PAD_PROBE_TYPE_BUFFER, count_buffer, counter, NULL);
  return tap;
}

/* Both hear each other, measured on what arrives from now on, for a
 * few seconds in a row (a dead transport may carry the first moments). */
static double
wait_both_hear (LkTestClient *a,
                LkTestClient *b,
                double        timeout_s)
{
  gint64 start = g_get_monotonic_time ();

  lk_test_client_forget (a);
  lk_test_client_forget (b);
  g_assert_true (lk_test_client_wait_hears (a, 660, timeout_s));
  g_assert_true (lk_test_client_wait_hears (b, 440, timeout_s));
  return (g_get_monotonic_time () - start) / 1000.0;
}

static void
check_still_hearing (LkTestClient *a,
                     LkTestClient *b,
                     int           seconds)
{
  for (int s = 1; s <= seconds; s++)
    {
      lk_test_sleep (1.0);
      g_assert_true (lk_test_client_hears_now (a, 660));
      g_assert_true (lk_test_client_hears_now (b, 440));
    }
}

typedef enum {
  SERVER_KILLED,     /* SIGKILL: the signal just drops */
  SERVER_SHUT_DOWN,  /* SIGTERM (twice): leave(SERVER_SHUTDOWN, DISCONNECT) */
} ServerEnd;

/* livekit-server goes away mid-call and comes back on the same ports: the
 * new one knows nothing of the call. Both clients join it again as new
 * sessions, publish again and hear each other; the app does nothing. */
static void
check_server_comes_back (ServerEnd how)
{
  g_autoptr(HandoffTestLivekit) lk = handoff_test_livekit_start_or_skip (NULL);
  g_autoptr(LkTestClient) a = NULL;
  g_autoptr(LkTestClient) b = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *old_sid = NULL;
  LkTrack *mic;
  gint tapped = 0, tapped_before;
  gint64 back;
  double ms;

  if (lk == NULL)
    return;
  a = lk_test_client_new ("alice");
  b = lk_test_client_new ("bob");
  lk_test_client_join (a, lk, "comeback", NULL);
  lk_test_client_join (b, lk, "comeback", NULL);
  mic = lk_test_client_publish_tone (a, 440);
  /* Per-track permissions name the track's sid, which the new session
   * changes: they must follow it (the warm transfer's privacy and
   * hearing depend on them). */
  {
    const char *sids[] = { lk_track_get_sid (mic), NULL };
    LkTrackPermission only_bob = { "bob", FALSE, sids };

    g_assert_true (lk_room_set_track_permissions (a->room, FALSE, &only_bob, 1, &error));
    g_assert_no_error (error);
  }
  /* The app's mic tap (level meter, transcriber) must not notice. */
  g_assert_true (lk_track_add_tap (mic, make_counting_tap (&tapped), &error));
  g_assert_no_error (error);
  lk_test_client_publish_tone (b, 660);
  g_assert_true (lk_test_client_wait_hears (a, 660, 45));
  g_assert_true (lk_test_client_wait_hears (b, 440, 45));
  old_sid = g_strdup (lk_track_get_sid (mic));

  if (how == SERVER_KILLED)
    {
      handoff_test_livekit_kill (lk);
      g_assert_true (lk_test_wait (lk_test_client_saw_reconnecting, a, 20));
      g_assert_true (lk_test_wait (lk_test_client_saw_reconnecting, b, 20));
      lk_test_sleep (1.0);
      g_assert_true (handoff_test_livekit_respawn (lk, &error));
    }
  else
    g_assert_true (handoff_test_livekit_restart (lk, &error));
  g_assert_no_error (error);
  back = g_get_monotonic_time ();
  g_test_message ("server back; alice: %s", lk_connection_state_to_string (lk_room_get_connection_state (a->room)));

  g_assert_true (lk_test_wait (lk_test_client_saw_reconnected, a, 45));
  g_assert_true (lk_test_wait (lk_test_client_saw_reconnected, b, 45));
  tapped_before = g_atomic_int_get (&tapped);
  ms = wait_both_hear (a, b, 20);
  g_test_message ("both hear each other again %.0f ms after the server was back (%.0f ms of it "
                  "after both reconnected)", (g_get_monotonic_time () - back) / 1000.0, ms);
  /* The bound: 0.6–1.0 s measured plain (load 3–16); under ASan 0.9–19 s
   * at load ~15, where a first join takes as long (DTLS retransmissions
   * back off 1, 2, 4 s when the first flights come late). */
  g_assert_cmpint (g_get_monotonic_time () - back, <, REJOIN_HEARING_BOUND_S * G_USEC_PER_SEC);
  check_still_hearing (a, b, 3);

  g_assert_false (a->disconnected);
  g_assert_false (b->disconnected);
  /* Each came back as a new session; to the other it is the same person
   * (an app ends the call when the caller leaves). */
  g_assert_false (lk_test_client_has_event (a, "participant-disconnected:bob"));
  g_assert_false (lk_test_client_has_event (b, "participant-disconnected:alice"));
  g_assert_cmpint (lk_room_get_connection_state (a->room), ==, LK_CONNECTION_STATE_CONNECTED);
  g_assert_cmpuint (lk_test_client_room_uint (a, "n-rejoins"), >=, 1);
  g_assert_cmpuint (lk_test_client_room_uint (b, "n-rejoins"), >=, 1);
  /* Published again: the same LkTrack, a new sid from the new server. */
  g_assert_nonnull (lk_track_get_sid (mic));
  g_assert_cmpstr (lk_track_get_sid (mic), !=, old_sid);
  g_assert_true (lk_participant_lookup_track (lk_room_get_local_participant (a->room),
                                              lk_track_get_sid (mic)) == mic);
  /* The tap kept receiving the microphone through it all. */
  g_assert_cmpint (g_atomic_int_get (&tapped), >, tapped_before);
  g_test_message ("alice: %u re-joins, %u signal connects; bob: %u re-joins",
                  lk_test_client_room_uint (a, "n-rejoins"), lk_test_client_room_uint (a, "n-signal-connects"),
                  lk_test_client_room_uint (b, "n-rejoins"));
  /* The new session signals: metadata goes through. */
  g_assert_true (lk_room_set_metadata (a->room, "after-rejoin", &error));
  g_assert_no_error (error);
}

static void
test_server_killed (void)
{
  check_server_comes_back (SERVER_KILLED);
}

static void
test_server_restarted (void)
{
  check_server_comes_back (SERVER_SHUT_DOWN);
}

/* The server does not come back: a clear end with a reason, no crash. */
static void
check_server_gone (ServerEnd how)
{
  g_autoptr(HandoffTestLivekit) lk = handoff_test_livekit_start_or_skip (NULL);
  g_autoptr(LkTestClient) a = NULL;
  gint64 gone;

  if (lk == NULL)
    return;
  a = lk_test_client_new ("alice");
  lk_test_client_join (a, lk, "gone", NULL);
  lk_test_client_publish_tone (a, 440);

  if (how == SERVER_KILLED)
    handoff_test_livekit_kill (lk);
  else
    handoff_test_livekit_shut_down (lk);
  gone = g_get_monotonic_time ();
  g_assert_true (lk_test_wait (lk_test_client_is_disconnected, a, 60));
  g_assert_nonnull (a->disconnect_error);
  /* Killed: the resume attempts find nobody for their whole budget;
   * shut down: the re-join it asked for finds nobody. */
  g_assert_true (a->disconnect_error->domain == LK_ERROR);
  g_assert_cmpint (a->disconnect_error->code, ==,
                   how == SERVER_KILLED ? LK_ERROR_SERVER_UNREACHABLE : LK_ERROR_DISCONNECTED);
  g_test_message ("%.1f s after the server went: %s (%s)", (g_get_monotonic_time () - gone) / 1e6,
                  a->disconnect_error->message, lk_disconnect_reason_to_string (a->reason));
  g_assert_cmpint (a->reason, ==, how == SERVER_KILLED ? LK_DISCONNECT_REASON_SIGNAL_CLOSE
                                                       : LK_DISCONNECT_REASON_SERVER_SHUTDOWN);
  g_assert_cmpuint (a->reconnecting, ==, 1);
  g_assert_cmpuint (a->reconnected, ==, 0);
  g_assert_cmpint (lk_room_get_connection_state (a->room), ==, LK_CONNECTION_STATE_DISCONNECTED);
}

static void
test_server_killed_for_good (void)
{
  check_server_gone (SERVER_KILLED);
}

static void
test_server_shut_down_for_good (void)
{
  check_server_gone (SERVER_SHUT_DOWN);
}

/* A real leave(RECONNECT) from a running server: alice's signal connection
 * is cut, and while it is away the room's admin removes her. Her resume
 * then reaches a server that no longer knows the session, and it answers
 * leave(STATE_MISMATCH, RECONNECT) — she joins again as a new session. */
static void
test_removed_while_away (void)
{
  g_autoptr(HandoffTestLivekit) lk = handoff_test_livekit_start_or_skip (NULL);
  g_autoptr(LkTestCall) call = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *old_sid = NULL;
  LkTestClient *a, *b;
  gint64 back;

  if (lk == NULL)
    return;
  call = lk_test_call_new (lk, "removed");
  a = call->a;
  b = call->b;
  old_sid = g_strdup (lk_participant_get_sid (lk_room_get_local_participant (a->room)));

  lk_test_proxy_kill (call->proxy);
  g_assert_true (lk_test_wait (lk_test_client_saw_reconnecting, a, 20));
  g_assert_true (handoff_test_livekit_twirp (lk, "removed", "RemoveParticipant",
                                             "{\"room\": \"removed\", \"identity\": \"alice\"}", &error));
  g_assert_no_error (error);
  g_assert_true (lk_test_wait (saw_alice_leave, b, 10));
  lk_test_proxy_start (call->proxy);
  back = g_get_monotonic_time ();

  g_assert_true (lk_test_wait (lk_test_client_saw_reconnected, a, 30));
  g_assert_cmpuint (lk_test_client_room_uint (a, "n-rejoins"), ==, 1);
  g_assert_cmpstr (lk_participant_get_sid (lk_room_get_local_participant (a->room)), !=, old_sid);
  wait_both_hear (a, b, 20);
  g_test_message ("removed while away: both hear each other %.0f ms after the signal path was back",
                  (g_get_monotonic_time () - back) / 1000.0);
  check_still_hearing (a, b, 3);
  g_assert_false (a->disconnected);
  /* Bob saw alice leave and come back; his session was never touched. */
  g_assert_true (lk_test_client_has_event (b, "participant-disconnected:alice"));
  g_assert_cmpuint (b->reconnecting, ==, 0);
}

/* ---- refresh_token ---- */

/* 200 when livekit-server would accept @token for a new connection. */
static guint
validate_token (HandoffTestLivekit *lk,
                const char         *token)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *url = g_strdup_printf ("%s/rtc/validate?protocol=15", handoff_test_livekit_get_http_url (lk));
  g_autofree char *bearer = g_strdup_printf ("Bearer %s", token);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(GBytes) body = NULL;

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", bearer);
  body = soup_session_send_and_read (session, msg, NULL, NULL);
  return soup_message_get_status (msg);
}

/* Joined with a token about to expire: livekit-server sends a fresh one
 * (refresh_token, at once and every 5 min). Once the original has expired
 * (the server allows 1 min of leeway, so it is minted already 35 s past
 * its expiry), a signal cut still resumes — with the refreshed token. */
static void
test_refresh_token (void)
{
  g_autoptr(HandoffTestLivekit) lk = handoff_test_livekit_start_or_skip (NULL);
  g_autoptr(LkTestClient) a = NULL;
  g_autoptr(LkTestClient) b = NULL;
  g_autoptr(LkTestProxy) proxy = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  g_autofree char *url = NULL;
  gint64 deadline;

  if (lk == NULL)
    return;
  proxy = lk_test_proxy_new_started (lk);
  token = handoff_test_mint_token ("alice", "refresh", -35, NULL);
  g_assert_cmpuint (validate_token (lk, token), ==, 200);
  a = lk_test_client_new ("alice");
  b = lk_test_client_new ("bob");
  url = lk_test_proxy_get_url (proxy);
  g_assert_true (lk_test_client_connect (a, url, token, &error));
  g_assert_no_error (error);
  lk_test_client_join (b, lk, "refresh", NULL);
  lk_test_client_publish_tone (a, 440);
  lk_test_client_publish_tone (b, 660);
  g_assert_true (lk_test_client_wait_hears (a, 660, 45));
  g_assert_cmpuint (lk_test_client_room_uint (a, "n-token-refreshes"), >=, 1);

  /* Until the server itself refuses the original token. */
  deadline = g_get_monotonic_time () + 40 * G_USEC_PER_SEC;
  while (validate_token (lk, token) == 200 && g_get_monotonic_time () < deadline)
    lk_test_sleep (1.0);
  g_assert_cmpuint (validate_token (lk, token), ==, 401);
  g_test_message ("the original token is refused now (401); cutting the signal");

  lk_test_proxy_kill (proxy);
  g_assert_true (lk_test_wait (lk_test_client_saw_reconnecting, a, 20));
  lk_test_sleep (1.0);
  lk_test_proxy_start (proxy);
  g_assert_true (lk_test_wait (lk_test_client_saw_reconnected, a, 15));
  g_assert_false (a->disconnected);
  g_assert_cmpuint (lk_test_client_room_uint (a, "n-rejoins"), ==, 0);
  g_assert_cmpuint (lk_test_client_room_uint (a, "n-signal-connects"), ==, 2);
  wait_both_hear (a, b, 10);
}

/* No candidate at all for the publisher: libnice's relay-only mode with no
 * relay to use. webrtcbin then leaves its ICE at "new" for good. */
static void
force_relay_on_publisher (LkRoom *room)
{
  g_autoptr(GstElement) publisher = gst_bin_get_by_name (GST_BIN (lk_room_get_pipeline (room)), "publisher");
  g_autoptr(GObject) ice = NULL;
  g_autoptr(GObject) agent = NULL;

  g_assert_nonnull (publisher);
  g_object_get (publisher, "ice-agent", &ice, NULL);
  g_object_get (ice, "agent", &agent, NULL);
  g_object_set (agent, "force-relay", TRUE, NULL);
}

/* The publisher's ICE never comes up. An ICE restart cannot help
 * (webrtcbin 1.22 does not gather again), nor can the resume livekit-server
 * asks for after ~15 s: without the watch, nobody ever hears alice. The
 * room joins again with new transports after 8 s, and she is heard. */
static void
test_publisher_ice_never_up (void)
{
  g_autoptr(HandoffTestLivekit) lk = handoff_test_livekit_start_or_skip (NULL);
  g_autoptr(LkTestClient) a = NULL;
  g_autoptr(LkTestClient) b = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  gint64 joined;

  if (lk == NULL)
    return;
  a = lk_test_client_new ("alice");
  token = handoff_test_mint_token ("alice", "no-ice", 600, NULL);
  /* The pipeline exists as soon as the connect starts; candidates are
   * gathered only once the join is answered. */
  lk_room_connect_async (a->room, handoff_test_livekit_get_ws_url (lk), token, NULL, lk_test_keep_result, &result);
  force_relay_on_publisher (a->room);
  g_assert_true (lk_test_wait (lk_test_has_result, &result, 30));
  g_assert_true (lk_room_connect_finish (a->room, result, &error));
  g_assert_no_error (error);
  joined = g_get_monotonic_time ();

  b = lk_test_client_new_joined ("bob", lk, "no-ice");
  lk_test_client_publish_tone (a, 440);
  lk_test_client_publish_tone (b, 660);
  g_assert_true (lk_test_client_wait_hears (b, 440, 30));
  g_test_message ("bob hears alice %.1f s after her join",
                  (g_get_monotonic_time () - joined) / (double) G_USEC_PER_SEC);
  g_assert_cmpint (g_get_monotonic_time () - joined, <, 15 * G_USEC_PER_SEC);
  g_assert_cmpuint (lk_test_client_room_uint (a, "n-publisher-rejoins"), ==, 1);
  g_assert_true (lk_test_client_wait_hears (a, 660, 10));
  check_still_hearing (a, b, 3);
  g_assert_false (a->disconnected);
}

int
main (int   argc,
      char *argv[])
{
  lk_test_setup (&argc, &argv);
  g_test_add_func ("/lk/reconnect/server-killed", test_server_killed);
  g_test_add_func ("/lk/reconnect/server-restarted", test_server_restarted);
  g_test_add_func ("/lk/reconnect/removed-while-away", test_removed_while_away);
  g_test_add_func ("/lk/reconnect/refresh-token", test_refresh_token);
  g_test_add_func ("/lk/reconnect/publisher-ice-never-up", test_publisher_ice_never_up);
  g_test_add_func ("/lk/reconnect/server-killed-for-good", test_server_killed_for_good);
  g_test_add_func ("/lk/reconnect/server-shut-down-for-good", test_server_shut_down_for_good);
  return lk_test_run ();
}
