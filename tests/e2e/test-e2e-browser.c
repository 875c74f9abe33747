/* test-e2e-browser.c: a browser caller transferred warmly, as it hears it
 *
 * The caller is livekit-client in headless Chromium (tests/interop's
 * browser-peer.mjs in caller mode): its page places the call through
 * handoff-server's public call route, exactly as a caller's web page does,
 * and joins the room with the token that route returns. Agents A (550 Hz)
 * and B (660 Hz) are e2e-party processes on src/core, against a real
 * livekit-server and a real handoff-server (tests/e2e/e2e-stack). The
 * browser speaks 440 Hz and mixes every remote track it receives, as its
 * speaker would; a WebAudio analyser reports the power at each tone of the
 * call (and the 196 + 294 Hz hold-music chord) every half second.
 *
 * Suite `interop` (Chromium; the sanitized CI run skips it, as for every
 * browser test).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "e2e-browser"

#include "config.h"

#include "e2e-stack.h"
#include "handoff-test-peer.h"

#define C  E2E_CALLER_HZ
#define A  E2E_A_HZ
#define B  E2E_B_HZ
#define M1 E2E_MUSIC_LOW_HZ
#define M2 E2E_MUSIC_HIGH_HZ

/* How long a change of who hears whom may take (see test-e2e.c), a little
 * more for a browser on a loaded machine. */
#define SETTLE 20.0
#define OFFER_TIMEOUT 30

/* Levels in dB of the browser's analyser (a 0.3 sine arrives at about
 * -25 dB). Heard: within 15 dB of the loudest expected tone; not heard: at
 * least 30 dB below it (what is not mixed in is at the analyser's floor,
 * below -100 dB); the loudest expected tone must be above FLOOR_DB. */
#define HEARD_DB     15.0
#define NOT_HEARD_DB 30.0
#define FLOOR_DB     -60.0
/* Consecutive matching reports (0.5 s apart, 0.68 s windows) per phase. */
#define STEADY 2

static E2eStack *stack;

static double
band_db (JsonObject *mix,
         guint       hz)
{
  g_autofree char *key = g_strdup_printf ("%u", hz);
  JsonObject *bands = json_object_get_object_member (mix, "bands");

  return bands ? json_object_get_double_member_with_default (bands, key, -200) : -200;
}

static gboolean
check_mix (JsonObject  *mix,
           const guint *hears,
           const guint *not_hears,
           GString     *why)
{
  double loudest = -200;
  gboolean ok = TRUE;

  for (guint i = 0; hears[i]; i++)
    loudest = MAX (loudest, band_db (mix, hears[i]));
  if (loudest < FLOOR_DB)
    {
      g_string_append (why, "hears (almost) nothing; ");
      ok = FALSE;
    }
  for (guint i = 0; hears[i]; i++)
    if (band_db (mix, hears[i]) < loudest - HEARD_DB)
      {
        g_string_append_printf (why, "does not hear %u Hz; ", hears[i]);
        ok = FALSE;
      }
  for (guint i = 0; not_hears[i]; i++)
    if (band_db (mix, not_hears[i]) > loudest - NOT_HEARD_DB)
      {
        g_string_append_printf (why, "hears %u Hz; ", not_hears[i]);
        ok = FALSE;
      }
  return ok;
}

/* Waits until the browser's mix holds the tones @hears (0-terminated) and
 * none of @not_hears in STEADY consecutive fresh reports. */
static void
browser_expect (HandoffTestPeer *browser,
                const char      *phase,
                const guint     *hears,
                const guint     *not_hears)
{
  gint64 start = g_get_monotonic_time ();
  gint64 deadline = start + (gint64) (SETTLE * G_USEC_PER_SEC);
  g_autoptr(GString) why = g_string_new (NULL);
  g_autofree char *figures = NULL;
  JsonObject *stale;
  guint steady = 0;

  /* Only what is heard from now on counts. */
  while ((stale = handoff_test_peer_next (browser, "mix", NULL, 0, NULL)) != NULL)
    json_object_unref (stale);
  while (steady < STEADY)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonObject) mix = handoff_test_peer_next (browser, "mix", NULL, 5000, &error);

      if (mix == NULL)
        g_error ("%s: the browser reports nothing: %s", phase, error->message);
      g_free (figures);
      figures = g_strdup_printf ("tracks %" G_GINT64_FORMAT " rms %.3f; dB 440 %.1f 550 %.1f 660 %.1f "
                                 "196 %.1f 294 %.1f",
                                 json_object_get_int_member_with_default (mix, "tracks", 0),
                                 json_object_get_double_member_with_default (mix, "rms", 0),
                                 band_db (mix, C), band_db (mix, A), band_db (mix, B),
                                 band_db (mix, M1), band_db (mix, M2));
      g_string_truncate (why, 0);
      if (check_mix (mix, hears, not_hears, why))
        steady++;
      else
        steady = 0;
      if (steady == 0 && g_get_monotonic_time () > deadline)
        g_error ("%s: after %.0f s the browser still %s(%s)", phase, SETTLE, why->str, figures);
    }
  g_test_message ("%s: the browser hears as expected after %.1f s: %s", phase,
                  (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC, figures);
}

static JsonObject *
browser_wait (HandoffTestPeer *browser,
              const char      *event,
              const char      *from,
              guint            timeout_ms)
{
  g_autoptr(GError) error = NULL;
  JsonObject *obj = handoff_test_peer_next (browser, event, from, timeout_ms, &error);

  if (obj == NULL)
    g_error ("browser: no '%s'%s%s: %s", event, from ? " from " : "", from ? from : "",
             error->message);
  return obj;
}

/* How often the browser's room connection reached @state. */
static guint
count_connection (HandoffTestPeer *browser,
                  const char      *state)
{
  GPtrArray *events = handoff_test_peer_get_events (browser);
  guint n = 0;

  for (guint i = 0; i < events->len; i++)
    {
      JsonObject *o = g_ptr_array_index (events, i);

      if (g_strcmp0 (json_object_get_string_member_with_default (o, "event", ""), "connection") == 0
          && g_strcmp0 (json_object_get_string_member_with_default (o, "state", ""), state) == 0)
        n++;
    }
  return n;
}

static void
test_browser_caller_warm_transfer (void)
{
  const char *caller_args[] = { "--tone", "440", "--amplitude", "0.3", "--report-ms", "500",
                                "--bands", "196,294,440,550,660", NULL };
  g_autoptr(HandoffTestPeer) browser = NULL;
  g_autoptr(E2eParty) a = NULL;
  g_autoptr(E2eParty) b = NULL;
  g_autoptr(JsonObject) placed = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *identity = NULL;

  if (stack == NULL)
    return g_test_skip ("livekit-server is not installed");
  if (!handoff_test_peer_available_or_skip (HANDOFF_TEST_PEER_BROWSER))
    return;

  a = e2e_party_start (stack, "A", A, "alice", "alice-e2e-password");
  b = e2e_party_start (stack, "B", B, "bob", "bob-e2e-password");
  json_object_unref (e2e_party_wait (a, "signed-in", NULL, NULL, 20));
  json_object_unref (e2e_party_wait (b, "signed-in", NULL, NULL, 20));
  /* Only A takes calls; B stays away (a transfer may still go to B). */
  e2e_party_send (a, "presence available");
  json_object_unref (e2e_party_wait (a, "done", "cmd", "presence", 10));

  /* The browser calls through the public route and joins its room. */
  browser = handoff_test_peer_spawn_caller (stack->server_url, "Dana Browser", caller_args, &error);
  g_assert_no_error (error);
  placed = browser_wait (browser, "placed", NULL, 60000);
  identity = g_strdup (json_object_get_string_member (placed, "identity"));
  g_assert_true (g_str_has_prefix (identity, "caller-"));
  json_object_unref (browser_wait (browser, "joined", NULL, 60000));

  /* A is offered the call and takes it: the browser hears A, A the browser. */
  json_object_unref (e2e_party_wait (a, "call-offered", NULL, NULL, 30));
  e2e_party_send (a, "accept-call");
  json_object_unref (e2e_party_wait (a, "done", "cmd", "accept-call", 30));
  browser_expect (browser, "talking", (guint[]) { A, 0 }, (guint[]) { B, M1, M2, 0 });
  {
    E2eExpect talking[] = { { a, { C }, { A, B, M1, M2 } } };
    e2e_expect_hearing (talking, G_N_ELEMENTS (talking), "talking (A)", SETTLE);
  }

  /* A sends the transfer: the browser hears the hold music only. */
  e2e_party_send (a, "transfer bob");
  json_object_unref (e2e_party_wait (a, "done", "cmd", "transfer", 20));
  json_object_unref (e2e_party_wait (b, "transfer-offered", NULL, NULL, 20));
  browser_expect (browser, "hold", (guint[]) { M1, M2, 0 }, (guint[]) { A, B, 0 });
  {
    E2eExpect hold[] = { { a, { 0 }, { C, A, B, M1, M2 } } };
    e2e_expect_hearing (hold, G_N_ELEMENTS (hold), "hold (A)", SETTLE);
  }

  /* B accepts: A and B consult privately; the browser still hears only the
   * music, and neither agent hears the browser. */
  e2e_party_send (b, "accept-transfer");
  json_object_unref (e2e_party_wait (b, "done", "cmd", "accept-transfer", 30));
  json_object_unref (e2e_party_wait (a, "transfer", "state", "consulting", 20));
  {
    E2eExpect consult[] = {
      { a, { B }, { C, A, M1, M2 } },
      { b, { A }, { C, B, M1, M2 } },
    };
    e2e_expect_hearing (consult, G_N_ELEMENTS (consult), "consult (agents)", SETTLE);
  }
  browser_expect (browser, "consult", (guint[]) { M1, M2, 0 }, (guint[]) { A, B, 0 });

  /* B is ready, A connects: the browser hears A and B, no music. */
  e2e_party_send (b, "ready");
  json_object_unref (e2e_party_wait (b, "done", "cmd", "ready", 20));
  e2e_party_send (a, "connect");
  json_object_unref (e2e_party_wait (a, "done", "cmd", "connect", 20));
  browser_expect (browser, "three-way", (guint[]) { A, B, 0 }, (guint[]) { M1, M2, 0 });
  {
    E2eExpect three_way[] = {
      { a, { C, B }, { A, M1, M2 } },
      { b, { C, A }, { B, M1, M2 } },
    };
    e2e_expect_hearing (three_way, G_N_ELEMENTS (three_way), "three-way (agents)", SETTLE);
  }

  /* A leaves: the browser sees A go and hears B only; B hears the browser. */
  e2e_party_send (a, "complete");
  json_object_unref (e2e_party_wait (a, "done", "cmd", "complete", 20));
  json_object_unref (e2e_party_wait (b, "transfer", "state", "completed", 20));
  json_object_unref (browser_wait (browser, "participant-left", NULL, 20000));
  browser_expect (browser, "complete", (guint[]) { B, 0 }, (guint[]) { A, M1, M2, 0 });
  {
    E2eExpect complete[] = { { b, { C }, { A, B, M1, M2 } } };
    e2e_expect_hearing (complete, G_N_ELEMENTS (complete), "complete (B)", SETTLE);
  }

  /* The browser's connection was made once and never re-established: as
   * livekit-client saw it... */
  g_assert_cmpuint (count_connection (browser, "connected"), ==, 1);
  g_assert_cmpuint (count_connection (browser, "signal-connected"), ==, 1);
  g_assert_cmpuint (count_connection (browser, "reconnecting"), ==, 0);
  g_assert_cmpuint (count_connection (browser, "signal-reconnecting"), ==, 0);
  g_assert_cmpuint (count_connection (browser, "reconnected"), ==, 0);
  g_assert_cmpuint (count_connection (browser, "disconnected"), ==, 0);
  g_assert_cmpuint (count_connection (browser, "moved"), ==, 0);
  /* ...and as livekit-server saw it: one RTC session, no reconnect, no ICE
   * restart (see test-e2e.c). */
  {
    g_autofree char *who = g_ascii_strdown (identity, -1);

    g_assert_cmpuint (e2e_stack_count_log (stack, "starting rtc session", who), ==, 1);
    g_assert_cmpuint (e2e_stack_count_log (stack, "\"reconnect\": true", who), ==, 0);
    g_assert_cmpuint (e2e_stack_count_log (stack, "ice restart", who), ==, 0);
    g_assert_cmpuint (e2e_stack_count_log (stack, "icerestart\": true", who), ==, 0);
    g_assert_cmpuint (e2e_stack_count_log (stack, "restarting ice", who), ==, 0);
  }
  handoff_test_peer_quit (browser, 10000);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/e2e-browser/warm-transfer", test_browser_caller_warm_transfer);

  stack = e2e_stack_start (OFFER_TIMEOUT);
  ret = g_test_run ();
  g_clear_pointer (&stack, e2e_stack_free);
  return ret;
}
