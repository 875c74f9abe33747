/* test-server-departures-media.c: what the caller hears when an agent's app
 * is killed in the middle of a warm transfer
 *
 * Real media through a real livekit-server: the caller and one agent are
 * LkRooms in this process, the agent whose app dies is a `handoff-cli join`
 * child killed with SIGKILL. Each party publishes its own tone (caller 440 Hz,
 * A 550 Hz, B 660 Hz); the caller's decoded audio says whom it hears. Nobody
 * sets track permissions here, so the only thing that keeps the caller from
 * hearing an agent is the server's UpdateSubscriptions, and the only thing
 * that gives the agent back is the server acting on LiveKit's webhook.
 * Also here: the server's hold leaves A's hold-music track to the caller, and
 * holds the caller again after livekit-server itself restarts.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-server"

#include <math.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>

#include "lk-test-client.h"
#include "server-fixture.h"

#define CALLER_HZ 440.0
#define A_HZ      550.0
#define B_HZ      660.0
#define MUSIC_HZ  196.0

static LkTestClient *
join (Fixture    *f,
      const char *identity,
      const char *token,
      double      tone)
{
  LkTestClient *c = lk_test_client_new (identity);
  g_autoptr(GError) error = NULL;

  g_assert_true (lk_test_client_connect (c, handoff_test_livekit_get_ws_url (f->lk), token,
                                         &error));
  g_assert_no_error (error);
  lk_test_client_publish_tone (c, tone);
  return c;
}

static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

/* An agent app as its own process, so it can really die. */
static GSubprocess *
join_child (Fixture    *f,
            const char *token,
            double      tone)
{
  const char *cli = g_getenv ("HANDOFF_CLI");
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (
    G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  g_autofree char *hz = g_strdup_printf ("%g", tone);
  g_autoptr(GError) error = NULL;
  GSubprocess *child;

  g_assert_nonnull (cli);
  g_subprocess_launcher_setenv (launcher, "HANDOFF_AUDIO_SINK", "fakesink", TRUE);
  g_subprocess_launcher_unsetenv (launcher, "HANDOFF_AUDIO_SRC");
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  child = g_subprocess_launcher_spawn (launcher, &error, cli, "join",
                                       handoff_test_livekit_get_ws_url (f->lk), token,
                                       "--tone", hz, "--seconds", "300", NULL);
  g_assert_no_error (error);
  return child;
}

static void
kill_child (GSubprocess *child)
{
  g_subprocess_send_signal (child, SIGKILL);
  g_subprocess_wait (child, NULL, NULL);
  g_object_unref (child);
}

typedef struct {
  LkTestClient *c;
  double hz;
} Tone;

static gboolean
hearing_tone (gpointer data)
{
  Tone *t = data;

  return lk_test_client_tone_power (t->c, 0.6, t->hz) > 1e-3;
}

/* The caller hears `hz` among other tones. */
static gboolean
wait_tone (LkTestClient *c,
                   double        hz,
                   double        timeout_s)
{
  Tone t = { c, hz };

  return lk_test_wait (hearing_tone, &t, timeout_s);
}

static gboolean
not_hearing (gpointer data)
{
  Tone *t = data;
  double rms = 0;
  double dominant = lk_test_client_dominant (t->c, 0.6, &rms);

  return rms < 0.01 || fabs (dominant - t->hz) > t->hz * 0.05;
}

/* The caller stops hearing `hz` (a hold the SFU enforces). */
static void
assert_stops_hearing (LkTestClient *c,
                      double        hz)
{
  Tone t = { c, hz };

  /* Let 0.6 s of the new state fill the window before it counts. */
  g_assert_true (lk_test_wait (not_hearing, &t, 15));
  lk_test_sleep (0.8);
  g_assert_true (not_hearing (&t));
}

/* A's app is killed while B consults with A: the server completes the
 * transfer to B and gives the caller B's audio, which the SFU had withheld
 * since B said ready. */
static void
test_a_killed_caller_hears_b (void)
{
  Fixture f;
  g_autofree char *caller_token = NULL;
  g_autofree char *a_token = NULL;
  g_autofree char *b_token = NULL;
  g_autofree char *call_id = NULL;
  g_autofree char *id = NULL;
  g_autofree char *caller_identity = NULL;
  LkTestClient *caller, *b;
  GSubprocess *a;
  EventStream *events;
  guint cursor = 0;
  JsonNode *event;

  if (!fixture_start (&f, NULL))
    return;
  events = events_open (&f, f.bob, -1);
  call_id = active_call_full (&f, f.alice, &caller_token, &a_token);
  caller_identity = g_strconcat ("caller-", call_id, NULL);
  caller = join (&f, caller_identity, caller_token, CALLER_HZ);
  a = join_child (&f, a_token, A_HZ);
  g_assert_true (lk_test_client_wait_hears (caller, A_HZ, 30));

  id = start_transfer (&f, call_id, f.alice, f.bob_id);
  assert_stops_hearing (caller, A_HZ);
  b_token = accept_transfer (&f, id, f.bob);
  b = join (&f, "agent-bob", b_token, B_HZ);
  /* B is in: until B's ready the caller is subscribed to B like anyone. */
  g_assert_true (lk_test_client_wait_hears (caller, B_HZ, 30));
  json_node_unref (transfer_action (&f, id, "ready", f.bob, NULL));
  assert_stops_hearing (caller, B_HZ);

  kill_child (a);
  event = events_wait (events, "transfer_completed", &cursor, 45000);
  g_assert_nonnull (event);
  g_assert_cmpstr (member_string (event, "data.transfer.failure_reason"), ==, "initiator_left");
  g_assert_true (lk_test_client_wait_hears (caller, B_HZ, 15));
  g_assert_true (lk_test_client_wait_hears (b, CALLER_HZ, 5));

  events_close (events);
  lk_test_client_free (b);
  lk_test_client_free (caller);
  fixture_stop (&f);
}

/* B's app is killed during the consult: the transfer fails and the server
 * takes the caller off hold, back to A. */
static void
test_b_killed_caller_hears_a (void)
{
  Fixture f;
  g_autofree char *caller_token = NULL;
  g_autofree char *a_token = NULL;
  g_autofree char *b_token = NULL;
  g_autofree char *call_id = NULL;
  g_autofree char *id = NULL;
  g_autofree char *caller_identity = NULL;
  LkTestClient *caller, *a;
  GSubprocess *b;
  EventStream *events;
  guint cursor = 0;
  JsonNode *event;

  if (!fixture_start (&f, NULL))
    return;
  events = events_open (&f, f.alice, -1);
  call_id = active_call_full (&f, f.alice, &caller_token, &a_token);
  caller_identity = g_strconcat ("caller-", call_id, NULL);
  caller = join (&f, caller_identity, caller_token, CALLER_HZ);
  a = join (&f, "agent-alice", a_token, A_HZ);
  g_assert_true (lk_test_client_wait_hears (caller, A_HZ, 30));

  id = start_transfer (&f, call_id, f.alice, f.bob_id);
  assert_stops_hearing (caller, A_HZ);
  b_token = accept_transfer (&f, id, f.bob);
  b = join_child (&f, b_token, B_HZ);
  g_assert_true (lk_test_client_wait_hears (caller, B_HZ, 30));
  json_node_unref (transfer_action (&f, id, "ready", f.bob, NULL));
  assert_stops_hearing (caller, B_HZ);
  assert_stops_hearing (caller, A_HZ);

  kill_child (b);
  event = events_wait (events, "transfer_ended", &cursor, 45000);
  g_assert_nonnull (event);
  g_assert_cmpstr (member_string (event, "data.transfer.outcome"), ==, "failed");
  g_assert_cmpstr (member_string (event, "data.transfer.failure_reason"), ==, "target_left");
  g_assert_true (lk_test_client_wait_hears (caller, A_HZ, 15));

  events_close (events);
  lk_test_client_free (a);
  lk_test_client_free (caller);
  fixture_stop (&f);
}

static gboolean
call_back (gpointer data)
{
  return !call_agent_away (data);
}

/* A's app loses the call (killed) and LiveKit reports it gone; the call is
 * kept for A (agent_rejoin_grace). A comes back into the room with the grant
 * it had, without the rejoin route (as LkRoom's own re-join does): LiveKit's
 * participant_joined ends the grace, the call is still A's after the
 * deadline, and the caller hears A. */
#define GRACE_S 8
static void
test_agent_back_with_its_grant (void)
{
  Fixture f;
  FixtureOptions options = { .agent_rejoin_grace = GRACE_S };
  g_autofree char *caller_token = NULL;
  g_autofree char *a_token = NULL;
  g_autofree char *call_id = NULL;
  g_autofree char *caller_identity = NULL;
  gpointer args[2];
  LkTestClient *caller;
  GSubprocess *a;

  if (!fixture_start (&f, &options))
    return;
  call_id = active_call_full (&f, f.alice, &caller_token, &a_token);
  args[0] = &f;
  args[1] = call_id;
  caller_identity = g_strconcat ("caller-", call_id, NULL);
  caller = join (&f, caller_identity, caller_token, CALLER_HZ);
  a = join_child (&f, a_token, A_HZ);
  g_assert_true (lk_test_client_wait_hears (caller, A_HZ, 30));

  kill_child (a);
  g_assert_true (lk_test_wait (call_agent_away, args, 45));
  a = join_child (&f, a_token, A_HZ);
  g_assert_true (lk_test_wait (call_back, args, 30));
  lk_test_sleep (GRACE_S + 2);
  {
    g_autofree char *path = g_strconcat ("/api/v1/calls/", call_id, NULL);
    guint status;
    g_autoptr(JsonNode) k = http (&f, "GET", path, f.bob, NULL, NULL, &status);

    g_assert_cmpstr (member_string (k, "state"), ==, "active");
    g_assert_cmpstr (member_string (k, "agent_id"), ==, f.alice_id);
  }
  g_assert_true (lk_test_client_wait_hears (caller, A_HZ, 30));

  kill_child (a);
  lk_test_client_free (caller);
  fixture_stop (&f);
}

typedef struct {
  GAsyncResult *result;
} Published;

static void
on_published (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Published *p = user_data;

  p->result = g_object_ref (result);
}

static gboolean
published (gpointer data)
{
  return ((Published *) data)->result != NULL;
}

/* A second microphone-source track named as src/core names A's hold music. */
static void
publish_hold_music (LkTestClient *c)
{
  Published p = { NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *desc = g_strdup_printf ("audiotestsrc is-live=true volume=0.4 freq=%g", MUSIC_HZ);
  GstElement *src = gst_parse_bin_from_description (desc, TRUE, &error);
  g_autoptr(LkTrack) track = NULL;

  g_assert_no_error (error);
  lk_room_publish_audio_async (c->room, "hold-music", LK_TRACK_SOURCE_MICROPHONE, src, NULL,
                               on_published, &p);
  g_assert_true (lk_test_wait (published, &p, 30));
  track = lk_room_publish_audio_finish (c->room, p.result, &error);
  g_object_unref (p.result);
  g_assert_no_error (error);
  g_assert_nonnull (track);
}

/* Hold takes A's voice from the caller but not A's hold music: A's app
 * publishes the music as the transfer starts (or still has it from an
 * earlier hold), so the server's ListParticipants may already list it.
 * Nobody sets permissions here: what the caller hears is what the server
 * left it subscribed to. */
static void
test_hold_keeps_hold_music (void)
{
  Fixture f;
  g_autofree char *caller_token = NULL;
  g_autofree char *a_token = NULL;
  g_autofree char *call_id = NULL;
  g_autofree char *id = NULL;
  g_autofree char *caller_identity = NULL;
  LkTestClient *caller, *a;

  if (!fixture_start (&f, NULL))
    return;
  call_id = active_call_full (&f, f.alice, &caller_token, &a_token);
  caller_identity = g_strconcat ("caller-", call_id, NULL);
  caller = join (&f, caller_identity, caller_token, CALLER_HZ);
  a = join (&f, "agent-alice", a_token, A_HZ);
  /* As in the app, the music comes during an established call (a second
   * track published while the first is still being negotiated made
   * GStreamer's rtpsession trip over its own source table under ASan). */
  g_assert_true (lk_test_client_wait_hears (caller, A_HZ, 30));
  publish_hold_music (a);
  /* Both of A's tracks reach the caller before the hold. */
  g_assert_true (wait_tone (caller, MUSIC_HZ, 30));
  g_assert_true (wait_tone (caller, A_HZ, 30));

  id = start_transfer (&f, call_id, f.alice, f.bob_id);
  assert_stops_hearing (caller, A_HZ);
  g_assert_true (lk_test_client_wait_hears (caller, MUSIC_HZ, 15));
  lk_test_sleep (3.5);   /* longer than LiveKit's 3 s subscription tick */
  g_assert_cmpfloat (lk_test_client_tone_power (caller, 1.0, MUSIC_HZ), >, 1e-3);
  g_assert_cmpfloat (lk_test_client_tone_power (caller, 1.0, A_HZ), <, 1e-5);

  lk_test_client_free (a);
  lk_test_client_free (caller);
  fixture_stop (&f);
}

/* The power of A's and of B's tone at the caller stays below @limit over the
 * last @seconds. */
static gboolean
caller_hears_neither (LkTestClient *caller,
                      double        seconds,
                      double        limit)
{
  return lk_test_client_tone_power (caller, seconds, A_HZ) < limit &&
         lk_test_client_tone_power (caller, seconds, B_HZ) < limit;
}

static gboolean
held_from_both (gpointer data)
{
  return caller_hears_neither (data, 1.0, 1e-5);
}

static gboolean
all_back (gpointer data)
{
  LkTestClient **c = data;

  for (guint i = 0; c[i] != NULL; i++)
    if (!lk_test_client_saw_reconnected (c[i]))
      return FALSE;
  return TRUE;
}

/* livekit-server is killed and started again during the consult (the
 * caller held from A and B). Everyone's LkRoom joins the new server's room
 * as a new session, with new track sids, and the new server subscribes the
 * caller to everything. The caller must still hear neither agent while A
 * and B hear each other again; Connect then gives the caller A. Nobody sets
 * track permissions: only the server's UpdateSubscriptions hold the caller. */
static void
test_hold_survives_livekit_restart (void)
{
  Fixture f;
  g_autofree char *caller_token = NULL;
  g_autofree char *a_token = NULL;
  g_autofree char *b_token = NULL;
  g_autofree char *call_id = NULL;
  g_autofree char *id = NULL;
  g_autofree char *caller_identity = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) reply = NULL;
  LkTestClient *parties[4] = { NULL, };
  LkTestClient *caller, *a, *b;
  gboolean respawned;
  gint64 back;

  if (!fixture_start (&f, NULL))
    return;
  call_id = active_call_full (&f, f.alice, &caller_token, &a_token);
  caller_identity = g_strconcat ("caller-", call_id, NULL);
  caller = join (&f, caller_identity, caller_token, CALLER_HZ);
  a = join (&f, "agent-alice", a_token, A_HZ);
  g_assert_true (lk_test_client_wait_hears (caller, A_HZ, 30));
  id = start_transfer (&f, call_id, f.alice, f.bob_id);
  assert_stops_hearing (caller, A_HZ);
  b_token = accept_transfer (&f, id, f.bob);
  b = join (&f, "agent-bob", b_token, B_HZ);
  g_assert_true (wait_tone (caller, B_HZ, 30));
  json_node_unref (transfer_action (&f, id, "ready", f.bob, NULL));
  g_assert_true (lk_test_wait (held_from_both, caller, 15));
  /* A hears the caller too: B's tone need not be the loudest. */
  g_assert_true (wait_tone (a, B_HZ, 30));

  handoff_test_livekit_kill (f.lk);
  parties[0] = caller;
  parties[1] = a;
  parties[2] = b;
  g_assert_true (lk_test_wait (lk_test_client_saw_reconnecting, caller, 20));
  lk_test_sleep (1.0);
  respawned = handoff_test_livekit_respawn (f.lk, &error);
  g_assert_no_error (error);
  g_assert_true (respawned);
  back = g_get_monotonic_time ();
  g_assert_true (lk_test_wait (all_back, parties, 45));
  g_assert_cmpuint (lk_test_client_room_uint (caller, "n-rejoins"), ==, 1);
  /* The consult goes on in the new room. */
  lk_test_client_forget (a);
  lk_test_client_forget (b);
  g_assert_true (wait_tone (a, B_HZ, 30));
  g_assert_true (wait_tone (b, A_HZ, 30));
  g_test_message ("A and B hear each other again %.0f ms after the server was back; "
                  "the caller since: A %.3g, B %.3g", (g_get_monotonic_time () - back) / 1000.0,
                  lk_test_client_tone_power (caller, 4.0, A_HZ),
                  lk_test_client_tone_power (caller, 4.0, B_HZ));
  /* Held again (a moment of the new server's subscriptions may play), and
   * past LiveKit's 3 s subscription tick it stays so. */
  g_assert_true (lk_test_wait (held_from_both, caller, 15));
  g_test_message ("the caller is held again %.0f ms after the server was back",
                  (g_get_monotonic_time () - back) / 1000.0);
  lk_test_sleep (3.5);
  g_test_message ("the caller's last 3 s: A %.3g, B %.3g",
                  lk_test_client_tone_power (caller, 3.0, A_HZ),
                  lk_test_client_tone_power (caller, 3.0, B_HZ));
  g_assert_true (caller_hears_neither (caller, 3.0, 1e-5));
  g_assert_false (caller->disconnected);

  /* The server's own subscriptions follow the new sids: Connect gives the
   * caller A again (the call is still in its transfer). */
  reply = transfer_action (&f, id, "connect", f.alice, NULL);
  g_assert_true (lk_test_client_wait_hears (caller, A_HZ, 15));

  lk_test_client_free (b);
  lk_test_client_free (a);
  lk_test_client_free (caller);
  fixture_stop (&f);
}

int
main (int    argc,
      char **argv)
{
  int rc;

  g_test_init (&argc, &argv, NULL);
  gst_init (&argc, &argv);
  /* webrtcbin 1.22's known jitterbuffer warning is not fatal (a re-join
   * makes new jitterbuffers: seen under ASan in hold-survives-livekit-restart). */
  lk_test_init ();
  g_test_add_func ("/server/departures-media/a-killed-caller-hears-b",
                   test_a_killed_caller_hears_b);
  g_test_add_func ("/server/departures-media/b-killed-caller-hears-a",
                   test_b_killed_caller_hears_a);
  g_test_add_func ("/server/departures-media/agent-back-with-its-grant",
                   test_agent_back_with_its_grant);
  g_test_add_func ("/server/departures-media/hold-keeps-hold-music",
                   test_hold_keeps_hold_music);
  g_test_add_func ("/server/departures-media/hold-survives-livekit-restart",
                   test_hold_survives_livekit_restart);
  rc = g_test_run ();
  fixture_livekit_free ();
  return rc;
}
