/* test-harness.c: the livekit-server harness and the audio measures work
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-harness"

#include <libsoup/soup.h>
#include <math.h>
#include <string.h>

#include "handoff-test-audio.h"
#include "handoff-test-livekit.h"

static guint
validate_status (HandoffTestLivekit *lk,
                 const char         *token,
                 char              **body_out)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *url = g_strdup_printf ("%s/rtc/validate", handoff_test_livekit_get_http_url (lk));
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autofree char *bearer = g_strdup_printf ("Bearer %s", token);
  g_autoptr(GBytes) body = NULL;

  soup_message_headers_append (soup_message_get_request_headers (msg), "Authorization", bearer);
  body = soup_session_send_and_read (session, msg, NULL, NULL);
  g_assert_nonnull (body);
  *body_out = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  return soup_message_get_status (msg);
}

static void
test_livekit_accepts_minted_token (void)
{
  g_autoptr(HandoffTestLivekit) lk = handoff_test_livekit_start_or_skip (NULL);
  g_autofree char *good = NULL;
  g_autofree char *expired = NULL;
  g_autofree char *body = NULL;
  g_autofree char *body2 = NULL;

  if (lk == NULL)
    return;
  good = handoff_test_mint_token ("alice", "harness-room", 600, NULL);
  g_assert_cmpuint (validate_status (lk, good, &body), ==, 200);
  g_assert_true (g_str_has_prefix (body, "success"));

  /* Outside the server's one-minute leeway. */
  expired = handoff_test_mint_token ("alice", "harness-room", -600, NULL);
  g_assert_cmpuint (validate_status (lk, expired, &body2), ==, 401);
}

static void
test_livekit_restart_keeps_port (void)
{
  g_autoptr(HandoffTestLivekit) lk = handoff_test_livekit_start_or_skip (NULL);
  g_autoptr(GError) error = NULL;
  guint16 port;

  if (lk == NULL)
    return;
  port = handoff_test_livekit_get_port (lk);
  g_assert_true (handoff_test_livekit_restart (lk, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (handoff_test_livekit_get_port (lk), ==, port);
}

/* A server that cannot start says why, in the error, after trying other
 * ports (what a port taken by another process needs). */
static void
test_livekit_start_failure_says_why (void)
{
  HandoffTestLivekitOptions options = { .extra_yaml = "port: not-a-port\n" };
  g_autoptr(HandoffTestLivekit) lk = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *binary = g_find_program_in_path ("livekit-server");

  if (binary == NULL && g_getenv ("HANDOFF_REQUIRE_LIVEKIT") == NULL)
    {
      g_test_skip ("livekit-server not installed");
      return;
    }
  lk = handoff_test_livekit_start (&options, &error);
  g_assert_null (lk);
  g_assert_nonnull (error);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "its log ends: "));
  g_assert_nonnull (strstr (error->message, "could not parse config"));
}

static void
test_dominant_frequency (void)
{
  const guint rate = 48000;
  g_autofree float *samples = g_new (float, rate);

  for (guint i = 0; i < rate; i++)
    samples[i] = 0.5f * sinf (2.0f * G_PI * 440.0f * i / rate)
                 + 0.1f * sinf (2.0f * G_PI * 660.0f * i / rate);
  g_assert_cmpfloat_with_epsilon (handoff_test_dominant_frequency (samples, rate, rate, 100, 2000),
                                  440.0, 2.0);
  g_assert_cmpfloat (handoff_test_tone_power (samples, rate, rate, 440),
                     >, 10 * handoff_test_tone_power (samples, rate, rate, 660));
  g_assert_cmpfloat_with_epsilon (handoff_test_rms (samples, rate), sqrt (0.125 + 0.005), 0.01);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/harness/audio/dominant-frequency", test_dominant_frequency);
  g_test_add_func ("/harness/livekit/accepts-minted-token", test_livekit_accepts_minted_token);
  g_test_add_func ("/harness/livekit/restart-keeps-port", test_livekit_restart_keeps_port);
  g_test_add_func ("/harness/livekit/start-failure-says-why", test_livekit_start_failure_says_why);
  return g_test_run ();
}
