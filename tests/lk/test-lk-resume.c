/* test-lk-resume.c: the signal connection drops (a TCP proxy the test
 * kills) and the session resumes, also with our publisher's ICE failed
 * (restarted by the resume); handoff-cli join (server restarts and full
 * re-joins are in test-lk-reconnect.c)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-lk-resume"

#include <gio/gio.h>
#include <gmodule.h>
#include <gst/webrtc/webrtc.h>
#include <gst/gst.h>
#include <json-glib/json-glib.h>
#include <signal.h>
#include <string.h>

#include "lk-test-call.h"

static void
check_resume_after_signal_drop (double outage_s)
{
  g_autoptr(HandoffTestLivekit) lk = handoff_test_livekit_start_or_skip (NULL);
  g_autoptr(LkTestClient) a = NULL;
  g_autoptr(LkTestClient) b = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(LkTestProxy) proxy = NULL;
  gint64 restarted;
  LkTrack *mic;

  if (lk == NULL)
    return;
  proxy = lk_test_proxy_new_started (lk);

  /* The long outage as the app has it: a sound-card-like (syncing) sink. */
  a = lk_test_client_new_full ("alice", outage_s > 2);
  b = lk_test_client_new ("bob");
  lk_test_client_join_through (a, proxy, "resume");
  lk_test_client_join (b, lk, "resume", NULL);
  mic = lk_test_client_publish_tone (a, 440);
  if (outage_s > 2)
    {
      /* ... and a level meter on the microphone, as the app has. */
      GstElement *meter = gst_parse_bin_from_description ("appsink sync=false max-buffers=4 drop=true",
                                                          TRUE, &error);
      g_assert_no_error (error);
      g_assert_true (lk_track_add_tap (mic, meter, &error));
      g_assert_no_error (error);
    }
  lk_test_client_publish_tone (b, 660);
  g_assert_true (lk_test_client_wait_hears (a, 660, 45));
  g_assert_true (lk_test_client_wait_hears (b, 440, 45));
  g_assert_cmpuint (lk_test_client_room_uint (a, "n-remote-ice-restarts"), ==, 0);

  lk_test_proxy_kill (proxy);
  g_assert_true (lk_test_wait (lk_test_client_saw_reconnecting, a, 20));
  g_assert_cmpint (lk_room_get_connection_state (a->room), ==, LK_CONNECTION_STATE_RECONNECTING);
  /* Meanwhile every reconnect is refused. */
  lk_test_sleep (outage_s);
  lk_test_proxy_start (proxy);
  restarted = g_get_monotonic_time ();

  g_assert_true (lk_test_wait (lk_test_client_saw_reconnected, a, 10));
  g_assert_cmpint (lk_room_get_connection_state (a->room), ==, LK_CONNECTION_STATE_CONNECTED);
  /* Audio flows both ways again, within 5 s of the proxy coming back:
   * measured on what arrives from now on only. */
  lk_test_client_forget (a);
  lk_test_client_forget (b);
  g_assert_true (lk_test_client_wait_hears (a, 660, 5));
  g_assert_true (lk_test_client_wait_hears (b, 440, 5));
  g_assert_cmpint (g_get_monotonic_time () - restarted, <, 5 * G_USEC_PER_SEC);
  g_test_message ("resumed and hearing %.0f ms after the proxy came back",
                  (g_get_monotonic_time () - restarted) / 1000.0);
  /* The server restarted the subscriber's ICE with the resume (new
   * credentials in its offer), exactly once ... */
  g_assert_cmpuint (lk_test_client_room_uint (a, "n-remote-ice-restarts"), ==, 1);
  /* ... and audio keeps flowing. A client that does not follow the
   * restart hears the first moments after the resume and then nothing
   * (the app's agent went deaf that way, c2e90a4). */
  for (int second = 1; second <= 4; second++)
    {
      double rms = 0, f;

      lk_test_sleep (1.0);
      f = lk_test_client_dominant (a, 1.0, &rms);
      g_test_message ("%d s later: alice hears %.0f Hz (rms %.3f)", second, f, rms);
      g_assert_true (lk_test_client_hears_now (a, 660));
      g_assert_true (lk_test_client_hears_now (b, 440));
    }
  g_assert_false (a->disconnected);
  g_assert_cmpuint (lk_test_client_room_uint (a, "n-signal-connects"), ==, 2);
  /* The resumed session still signals: metadata goes through. */
  g_assert_true (lk_room_set_metadata (a->room, "after-resume", &error));
  g_assert_no_error (error);

  lk_test_client_free (g_steal_pointer (&a));
}

static void
test_resume_after_signal_drop (void)
{
  check_resume_after_signal_drop (1.0);
}

/* Long enough for the server to give up on the subscriber's media. */
static void
test_resume_after_long_outage (void)
{
  check_resume_after_signal_drop (6.0);
}

/* ---- our publisher's ICE restart ---- */

/* libnice (webrtcbin's agent), reached at run time: no -dev package. */
typedef gboolean (*RestartStreamFunc) (GObject *agent, guint stream_id);
typedef gpointer (*ParseCandidateFunc) (GObject *agent, guint stream_id, const char *sdp);
typedef int (*SetCandidatesFunc) (GObject *agent, guint stream_id, guint component_id,
                                  const GSList *candidates);
typedef void (*FreeCandidateFunc) (gpointer candidate);

static GstWebRTCICEConnectionState
publisher_ice_state (LkTestClient *c)
{
  g_autoptr(GstElement) webrtcbin = gst_bin_get_by_name (GST_BIN (lk_room_get_pipeline (c->room)),
                                                         "publisher");
  GstWebRTCICEConnectionState state = GST_WEBRTC_ICE_CONNECTION_STATE_NEW;

  g_object_get (webrtcbin, "ice-connection-state", &state, NULL);
  return state;
}

static gboolean
publisher_ice_failed (gpointer c)
{
  return publisher_ice_state (c) == GST_WEBRTC_ICE_CONNECTION_STATE_FAILED;
}

/* @c's publisher ICE fails: its agent restarts on our side only (new
 * credentials the server never hears of) and may only try a port where
 * nothing answers, so its checks fail within ~5 s. (libnice keeps sending
 * the media on the pair it had, so the other side still hears us.)
 * A real outage does not get there with webrtcbin 1.22: its libnice runs
 * neither consent freshness nor keepalive checks (both off), so a dead
 * path never moves the state off "completed" — a 20 s SIGSTOP of
 * livekit-server did not. */
static void
break_publisher_ice (LkTestClient *c)
{
  g_autoptr(GstElement) webrtcbin = gst_bin_get_by_name (GST_BIN (lk_room_get_pipeline (c->room)),
                                                         "publisher");
  g_autoptr(GObject) ice = NULL;
  g_autoptr(GObject) agent = NULL;
  GModule *nice = g_module_open ("libnice.so.10", G_MODULE_BIND_LAZY | G_MODULE_BIND_LOCAL);
  RestartStreamFunc restart_stream = NULL;
  ParseCandidateFunc parse_candidate = NULL;
  SetCandidatesFunc set_candidates = NULL;
  FreeCandidateFunc free_candidate = NULL;
  gpointer nowhere;
  GSList list = { NULL, NULL };

  g_assert_nonnull (nice);
  g_assert_true (g_module_symbol (nice, "nice_agent_restart_stream", (gpointer *) &restart_stream));
  g_assert_true (g_module_symbol (nice, "nice_agent_parse_remote_candidate_sdp",
                                  (gpointer *) &parse_candidate));
  g_assert_true (g_module_symbol (nice, "nice_agent_set_remote_candidates", (gpointer *) &set_candidates));
  g_assert_true (g_module_symbol (nice, "nice_candidate_free", (gpointer *) &free_candidate));
  g_object_get (webrtcbin, "ice-agent", &ice, NULL);
  g_object_get (ice, "agent", &agent, NULL);
  g_assert_nonnull (agent);
  /* One bundled stream per webrtcbin: the first. */
  g_assert_true (restart_stream (agent, 1));
  nowhere = parse_candidate (agent, 1, "a=candidate:1 1 UDP 2013266431 127.0.0.1 9 typ host");
  g_assert_nonnull (nowhere);
  list.data = nowhere;
  g_assert_cmpint (set_candidates (agent, 1, 1, &list), ==, 1);
  free_candidate (nowhere);
  g_module_close (nice);
}

/* alice's publisher ICE has failed when her signal drops: the resume
 * restarts it (lk_room_media_resumed: a new offer with ice-restart), it
 * connects again with the server, and both hear each other. */
static void
test_publisher_ice_restart (void)
{
  g_autoptr(HandoffTestLivekit) lk = handoff_test_livekit_start_or_skip (NULL);
  g_autoptr(LkTestCall) call = NULL;
  LkTestClient *a, *b;
  gint64 back;

  if (lk == NULL)
    return;
  call = lk_test_call_new (lk, "ice-restart");
  a = call->a;
  b = call->b;
  g_assert_cmpuint (lk_test_client_room_uint (a, "n-ice-restarts"), ==, 0);

  break_publisher_ice (a);
  g_assert_true (lk_test_wait (publisher_ice_failed, a, 30));
  lk_test_proxy_kill (call->proxy);
  g_assert_true (lk_test_wait (lk_test_client_saw_reconnecting, a, 20));
  lk_test_sleep (1.0);
  lk_test_proxy_start (call->proxy);
  back = g_get_monotonic_time ();
  g_assert_true (lk_test_wait (lk_test_client_saw_reconnected, a, 20));
  g_assert_cmpuint (lk_test_client_room_uint (a, "n-ice-restarts"), ==, 1);
  g_assert_cmpuint (lk_test_client_room_uint (a, "n-rejoins"), ==, 0);

  lk_test_client_forget (a);
  lk_test_client_forget (b);
  g_assert_true (lk_test_client_wait_hears (b, 440, 15));
  g_assert_true (lk_test_client_wait_hears (a, 660, 15));
  g_test_message ("both hear each other %.0f ms after the signal was back (publisher ICE state %d)",
                  (g_get_monotonic_time () - back) / 1000.0, publisher_ice_state (a));
  lk_test_sleep (2.0);
  g_assert_true (lk_test_client_hears_now (b, 440));
  g_assert_true (lk_test_client_hears_now (a, 660));
  /* Not restarted, the agent would stay failed: it could not take any
   * other path the server offers. */
  g_assert_true (publisher_ice_state (a) == GST_WEBRTC_ICE_CONNECTION_STATE_CONNECTED ||
                 publisher_ice_state (a) == GST_WEBRTC_ICE_CONNECTION_STATE_COMPLETED);
  g_assert_false (a->disconnected);
}

/* Two tones as loud: whichever dominates, 550 Hz is there too. */
static gboolean
hears_second_tone (gpointer data)
{
  return lk_test_client_tone_power (data, 1.0, 550) > lk_test_client_tone_power (data, 1.0, 440) / 10;
}

/* An offer that went into a connection which then died gets no answer: made
 * again on the resume, or our publisher waits for that answer forever and
 * no later publish or unpublish of ours reaches the room. */
static void
test_unanswered_offer (void)
{
  g_autoptr(HandoffTestLivekit) lk = handoff_test_livekit_start_or_skip (NULL);
  g_autoptr(LkTestCall) call = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  LkTestClient *a, *b;
  LkTrack *second;

  if (lk == NULL)
    return;
  call = lk_test_call_new (lk, "unanswered-offer");
  a = call->a;
  b = call->b;
  second = lk_test_client_publish_tone_named (a, "second", 550);
  g_assert_true (lk_test_wait (hears_second_tone, b, 15));

  /* The unpublish's offer goes into a connection that carries nothing. */
  lk_test_proxy_freeze (call->proxy);
  lk_room_unpublish_track_async (a->room, second, NULL, lk_test_keep_result, &result);
  lk_test_sleep (1.0);
  g_assert_null (result);
  g_assert_false (lk_test_client_saw_reconnecting (a));
  lk_test_proxy_kill (call->proxy);
  g_assert_true (lk_test_wait (lk_test_client_saw_reconnecting, a, 20));
  lk_test_sleep (0.5);
  lk_test_proxy_start (call->proxy);
  g_assert_true (lk_test_wait (lk_test_client_saw_reconnected, a, 20));

  g_assert_true (lk_test_wait (lk_test_has_result, &result, 10));
  g_assert_true (lk_room_unpublish_track_finish (a->room, result, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (lk_test_client_room_uint (a, "n-offers-resent"), ==, 1);
  g_assert_cmpuint (lk_test_client_room_uint (a, "n-rejoins"), ==, 0);

  /* And the publisher takes new work again. */
  lk_test_client_publish_tone_named (a, "third", 770);
  lk_test_client_forget (b);
  g_assert_true (lk_test_client_wait_hears (b, 770, 15));
  /* Alice's microphone too, as loud (one tone dominates a mix of two). */
  g_assert_cmpfloat (lk_test_client_tone_power (b, 1.0, 440), >,
                     lk_test_client_tone_power (b, 1.0, 770) / 10);
  g_assert_false (a->disconnected);
}

/* What the app changes while the signal is away (who may hear us, whom we
 * hear) is not lost: it reaches the server with the resume. Lost, a
 * transfer's privacy step would leave the wrong people hearing each other,
 * or someone deaf, for the rest of the call. */
static void
test_changes_while_away (void)
{
  g_autoptr(HandoffTestLivekit) lk = handoff_test_livekit_start_or_skip (NULL);
  g_autoptr(LkTestClient) a = NULL;
  g_autoptr(LkTestClient) b = NULL;
  g_autoptr(LkTestClient) c = NULL;
  g_autoptr(LkTestProxy) proxy = NULL;
  g_autoptr(GError) error = NULL;
  const char *only_bob[] = { "bob", NULL };
  const char *bob_mic[] = { NULL, NULL };

  if (lk == NULL)
    return;
  proxy = lk_test_proxy_new_started (lk);
  a = lk_test_client_new ("alice");
  lk_test_client_join_through (a, proxy, "away");
  b = lk_test_client_new_joined ("bob", lk, "away");
  c = lk_test_client_new_joined ("carol", lk, "away");
  lk_test_client_publish_tone (a, 440);
  bob_mic[0] = lk_track_get_sid (lk_test_client_publish_tone (b, 660));
  g_assert_true (lk_test_client_wait_hears (a, 660, 45));
  g_assert_true (lk_test_client_wait_hears (b, 440, 45));
  g_assert_true (lk_test_client_wait_hears (c, 440, 45));

  lk_test_proxy_kill (proxy);
  g_assert_true (lk_test_wait (lk_test_client_saw_reconnecting, a, 20));
  /* Only Bob may hear Alice now, and Alice stops hearing Bob. */
  g_assert_true (lk_room_set_subscription_permissions (a->room, FALSE, only_bob, &error));
  g_assert_no_error (error);
  g_assert_true (lk_room_update_subscription (a->room, bob_mic, FALSE));
  lk_test_sleep (0.5);
  lk_test_proxy_start (proxy);
  g_assert_true (lk_test_wait (lk_test_client_saw_reconnected, a, 10));

  lk_test_sleep (2.0);
  lk_test_client_forget (a);
  lk_test_client_forget (b);
  lk_test_client_forget (c);
  lk_test_sleep (2.0);
  g_assert_true (lk_test_client_hears_now (b, 440));
  /* Carol still hears Bob, but no more Alice. */
  g_assert_true (lk_test_client_hears_now (c, 660));
  g_assert_cmpfloat (lk_test_client_tone_power (c, 1.0, 440), <, lk_test_client_tone_power (c, 1.0, 660) / 100);
  g_assert_true (lk_test_client_is_silent (a));

  /* And back, with the signal up: the room re-subscribes Carol's side on the
   * grant, Alice's own subscribe brings Bob back. */
  g_assert_true (lk_room_set_subscription_permissions (a->room, TRUE, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (lk_room_update_subscription (a->room, bob_mic, TRUE));
  g_assert_true (lk_test_client_wait_hears (c, 440, 10));
  g_assert_true (lk_test_client_wait_hears (a, 660, 10));

  lk_test_client_free (g_steal_pointer (&a));
}

/* ---- handoff-cli join ---- */

typedef struct {
  GString *out;
  gboolean eof;
} CliOut;

static void
on_line (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  CliOut *o = user_data;
  g_autofree char *line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (source),
                                                                     result, NULL, NULL);
  if (line == NULL)
    {
      o->eof = TRUE;
      return;
    }
  g_string_append_printf (o->out, "%s\n", line);
  g_data_input_stream_read_line_async (G_DATA_INPUT_STREAM (source), G_PRIORITY_DEFAULT, NULL,
                                       on_line, o);
}

static gboolean
cli_done (gpointer data)
{
  return ((CliOut *) data)->eof;
}

static gboolean
cli_printed_subscribed (gpointer data)
{
  return strstr (((CliOut *) data)->out->str, "\"track_subscribed\"") != NULL;
}

static void
test_cli_join (void)
{
  g_autoptr(HandoffTestLivekit) lk = handoff_test_livekit_start_or_skip (NULL);
  g_autoptr(LkTestClient) a = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) cli = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  g_autofree char *exe = NULL;
  g_auto(GStrv) events = NULL;
  CliOut out = { g_string_new (NULL), FALSE };
  gboolean joined = FALSE, connected = FALSE, left = FALSE;

  if (lk == NULL)
    return;
  exe = g_build_filename (g_getenv ("HANDOFF_BUILD_ROOT"), "src", "cli", "handoff-cli", NULL);
  a = lk_test_client_new ("alice");
  lk_test_client_join (a, lk, "cli", NULL);
  lk_test_client_publish_tone (a, 330);

  token = handoff_test_mint_token ("cli-bot", "cli", 600, NULL);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_setenv (launcher, "HANDOFF_AUDIO_SINK", "fakesink", TRUE);
  cli = g_subprocess_launcher_spawn (launcher, &error, exe, "join", handoff_test_livekit_get_ws_url (lk),
                                     token, "--tone", "770", "--seconds", "120", NULL);
  g_assert_no_error (error);
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (cli));
  g_data_input_stream_read_line_async (lines, G_PRIORITY_DEFAULT, NULL, on_line, &out);

  /* alice hears the command's tone; the command reports alice's track,
   * and leaves cleanly on SIGTERM. Generous waits: two sanitized processes
   * share two cores. */
  g_assert_true (lk_test_client_wait_hears (a, 770, 60));
  g_assert_true (lk_test_wait (cli_printed_subscribed, &out, 60));
  g_subprocess_send_signal (cli, SIGTERM);
  g_assert_true (lk_test_wait (cli_done, &out, 60));
  g_assert_true (g_subprocess_wait_check (cli, NULL, &error));
  g_assert_no_error (error);

  events = g_strsplit (out.out->str, "\n", -1);
  for (guint i = 0; events[i] != NULL && *events[i] != '\0'; i++)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      JsonObject *obj;
      const char *event;

      g_assert_true (json_parser_load_from_data (parser, events[i], -1, NULL));
      obj = json_node_get_object (json_parser_get_root (parser));
      event = json_object_get_string_member (obj, "event");
      g_assert_true (json_object_has_member (obj, "t"));
      if (g_str_equal (event, "joined"))
        {
          joined = TRUE;
          g_assert_cmpstr (json_object_get_string_member (obj, "identity"), ==, "cli-bot");
          g_assert_cmpstr (json_object_get_string_member (obj, "room"), ==, "cli");
        }
      else if (g_str_equal (event, "track_subscribed"))
        connected = g_strcmp0 (json_object_get_string_member (obj, "identity"), "alice") == 0;
      else if (g_str_equal (event, "disconnected"))
        left = g_strcmp0 (json_object_get_string_member (obj, "reason"), "client_initiated") == 0;
    }
  g_assert_true (joined);
  g_assert_true (connected);
  g_assert_true (left);
  g_string_free (out.out, TRUE);
}

int
main (int   argc,
      char *argv[])
{
  lk_test_setup (&argc, &argv);
  g_test_add_func ("/lk/resume/signal-drop", test_resume_after_signal_drop);
  g_test_add_func ("/lk/resume/long-signal-outage", test_resume_after_long_outage);
  g_test_add_func ("/lk/resume/changes-while-away", test_changes_while_away);
  g_test_add_func ("/lk/resume/publisher-ice-restart", test_publisher_ice_restart);
  g_test_add_func ("/lk/resume/unanswered-offer", test_unanswered_offer);
  g_test_add_func ("/lk/cli/join", test_cli_join);
  return lk_test_run ();
}
