/* test-lk-room.c: LkRoom against a real livekit-server — audio both ways,
 * participants, speaking, data, text streams
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-lk-room"

#include <gst/gst.h>

#include "lk-test-client.h"

static void
test_two_clients_hear_each_other (void)
{
  g_autoptr(HandoffTestLivekit) lk = handoff_test_livekit_start_or_skip (NULL);
  g_autoptr(LkTestClient) a = NULL;
  g_autoptr(LkTestClient) b = NULL;
  double p_own, p_other;

  if (lk == NULL)
    return;
  a = lk_test_client_new ("alice");
  b = lk_test_client_new ("bob");
  lk_test_client_join (a, lk, "tones", NULL);
  lk_test_client_join (b, lk, "tones", NULL);
  lk_test_client_publish_tone (a, 440);
  lk_test_client_publish_tone (b, 660);

  g_assert_true (lk_test_client_wait_hears (a, 660, 30));
  g_assert_true (lk_test_client_wait_hears (b, 440, 30));
  /* Measured over a further full second of audio, not just the first hit. */
  lk_test_sleep (1.0);
  g_assert_cmpfloat_with_epsilon (lk_test_client_dominant (a, 1.0, NULL), 660, 660 * 0.02);
  g_assert_cmpfloat_with_epsilon (lk_test_client_dominant (b, 1.0, NULL), 440, 440 * 0.02);
  /* Nobody hears themselves. */
  p_own = lk_test_client_tone_power (a, 1.0, 440);
  p_other = lk_test_client_tone_power (a, 1.0, 660);
  g_assert_cmpfloat (p_own, <, p_other / 100);
  p_own = lk_test_client_tone_power (b, 1.0, 660);
  p_other = lk_test_client_tone_power (b, 1.0, 440);
  g_assert_cmpfloat (p_own, <, p_other / 100);
  g_assert_true (lk_test_client_has_event (a, "track-subscribed:bob"));
  g_assert_true (lk_test_client_has_event (b, "track-subscribed:alice"));
}

int
main (int   argc,
      char *argv[])
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);
  /* libsoup and GStreamer's debug chatter would bury the test's own log. */
  if (g_getenv ("LK_TEST_DEBUG") == NULL)
    g_log_set_debug_enabled (FALSE);
  g_test_add_func ("/lk/room/two-clients-hear-each-other", test_two_clients_hear_each_other);
  return g_test_run ();
}
