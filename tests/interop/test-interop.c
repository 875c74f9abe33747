/* test-interop.c: Handoff and a client nobody here wrote, in one real room
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The other client is livekit-client (npm) in headless Chromium, driven by
 * browser-peer.mjs; ours is handoff-peer (LkRoom). Each publishes an oscillator
 * as its microphone and reports the dominant frequency of what it hears from
 * each remote participant: the browser with a WebAudio AnalyserNode, ours at
 * the room's audio sink.
 */
#define G_LOG_DOMAIN "test-interop"

#include <math.h>

#include "handoff-test-livekit.h"
#include "handoff-test-peer.h"

/* Loud enough to be the tone, far above Opus DTX comfort noise. */
#define MIN_TONE_RMS 0.05
#define N_REPORTS    5

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

/* Waits for the first loud report from @from, then requires the median of
 * N_REPORTS consecutive reports within 2 % of @expected, each of them loud. */
static void
assert_hears (HandoffTestPeer *listener,
              const char      *from,
              double           expected)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  double frequencies[N_REPORTS];
  guint n = 0;

  while (n < N_REPORTS)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonObject) heard = handoff_test_peer_next (listener, "heard", from, 30000, &error);
      double rms, dominant;

      g_assert_no_error (error);
      rms = json_object_get_double_member (heard, "rms");
      dominant = json_object_get_double_member (heard, "dominant");
      if (n == 0 && rms < MIN_TONE_RMS)
        {
          g_assert_cmpint (g_get_monotonic_time (), <, deadline);
          continue;
        }
      g_test_message ("%s hears %s: %.1f Hz, rms %.3f", handoff_test_peer_get_identity (listener),
                      from, dominant, rms);
      g_assert_cmpfloat (rms, >=, MIN_TONE_RMS);
      frequencies[n++] = dominant;
    }
  qsort (frequencies, N_REPORTS, sizeof (double), compare_doubles);
  g_assert_cmpfloat (fabs (frequencies[N_REPORTS / 2] - expected), <=, 0.02 * expected);
}

static HandoffTestPeer *
spawn_peer (HandoffTestLivekit  *lk,
            HandoffTestPeerKind  kind,
            const char          *room,
            const char          *identity,
            const char          *tone)
{
  const char *args[] = { "--tone", tone, NULL };
  g_autoptr(GError) error = NULL;
  HandoffTestPeer *peer = handoff_test_peer_spawn (kind, handoff_test_livekit_get_ws_url (lk), room,
                                                   identity, args, &error);

  g_assert_no_error (error);
  return peer;
}

static void
assert_joined (HandoffTestPeer *peer)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) joined = handoff_test_peer_next (peer, "joined", NULL, 40000, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (joined, "identity"), ==,
                   handoff_test_peer_get_identity (peer));
}

/* The harness is proven first: two browsers hear each other. */
static void
test_browser_hears_browser (void)
{
  g_autoptr(HandoffTestLivekit) lk = NULL;
  g_autoptr(HandoffTestPeer) a = NULL;
  g_autoptr(HandoffTestPeer) b = NULL;

  if (!handoff_test_peer_available_or_skip (HANDOFF_TEST_PEER_BROWSER))
    return;
  lk = handoff_test_livekit_start_or_skip (NULL);
  if (lk == NULL)
    return;

  a = spawn_peer (lk, HANDOFF_TEST_PEER_BROWSER, "b2b", "browser-a", "440");
  b = spawn_peer (lk, HANDOFF_TEST_PEER_BROWSER, "b2b", "browser-b", "660");
  assert_joined (a);
  assert_joined (b);
  assert_hears (a, "browser-b", 660);
  assert_hears (b, "browser-a", 440);

  g_assert_cmpint (handoff_test_peer_quit (a, 15000), ==, 0);
  g_assert_cmpint (handoff_test_peer_quit (b, 15000), ==, 0);
}

#ifdef HANDOFF_PEER_PATH
/* Our client and livekit-client: each hears the other's tone. */
static void
test_handoff_and_browser (void)
{
  g_autoptr(HandoffTestLivekit) lk = NULL;
  g_autoptr(HandoffTestPeer) ours = NULL;
  g_autoptr(HandoffTestPeer) browser = NULL;

  if (!handoff_test_peer_available_or_skip (HANDOFF_TEST_PEER_HANDOFF)
      || !handoff_test_peer_available_or_skip (HANDOFF_TEST_PEER_BROWSER))
    return;
  lk = handoff_test_livekit_start_or_skip (NULL);
  if (lk == NULL)
    return;

  ours = spawn_peer (lk, HANDOFF_TEST_PEER_HANDOFF, "h2b", "handoff", "440");
  browser = spawn_peer (lk, HANDOFF_TEST_PEER_BROWSER, "h2b", "browser", "660");
  assert_joined (ours);
  assert_joined (browser);
  assert_hears (browser, "handoff", 440);
  assert_hears (ours, "browser", 660);

  g_assert_cmpint (handoff_test_peer_quit (browser, 15000), ==, 0);
  g_assert_cmpint (handoff_test_peer_quit (ours, 15000), ==, 0);
}
#endif

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/interop/browser-hears-browser", test_browser_hears_browser);
#ifdef HANDOFF_PEER_PATH
  g_test_add_func ("/interop/handoff-and-browser", test_handoff_and_browser);
#endif
  return g_test_run ();
}
