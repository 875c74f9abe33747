/* test-server-hold.c: the server's side of the warm transfer, heard by real
 * livekit-client participants in headless Chromium: the caller stops
 * receiving agent A when the transfer starts (hold), never receives agent B
 * during the consult, and receives both again as soon as they merge
 *
 * Suite `interop` (browsers; not run under the sanitizers). The browsers'
 * tokens come from the interop harness with the identities the server uses
 * (caller-<call>, agent-<username>); the server's own tokens are checked in
 * test-server-flow.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-server"

#include <math.h>
#include <string.h>

#include "handoff-test-peer.h"
#include "server-fixture.h"

static JsonObject *
wait_event (HandoffTestPeer *peer,
            const char      *event,
            const char      *from,
            guint            timeout_ms)
{
  g_autoptr(GError) error = NULL;
  JsonObject *obj = handoff_test_peer_next (peer, event, from, timeout_ms, &error);

  if (obj == NULL)
    g_error ("%s: no '%s' from %s within %u ms: %s", handoff_test_peer_get_identity (peer), event,
             from ? from : "anyone", timeout_ms, error ? error->message : "timeout");
  return obj;
}

/* Waits until `peer` hears `from` at about `hz`. */
static void
wait_heard (HandoffTestPeer *peer,
            const char      *from,
            double           hz,
            guint            timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (g_get_monotonic_time () < deadline)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonObject) heard = handoff_test_peer_next (peer, "heard", from, 1000, &error);

      if (heard != NULL && fabs (json_object_get_double_member (heard, "dominant") - hz) < 30
          && json_object_get_double_member (heard, "rms") > 0.005)
        return;
    }
  g_error ("%s never heard %s at %.0f Hz", handoff_test_peer_get_identity (peer), from, hz);
}

static void
test_hold_and_merge (void)
{
  Fixture f;
  g_autofree char *call_id = NULL;
  g_autofree char *room = NULL;
  g_autofree char *caller_identity = NULL;
  g_autofree char *transfer = NULL;
  g_autoptr(HandoffTestPeer) caller = NULL;
  g_autoptr(HandoffTestPeer) a = NULL;
  g_autoptr(HandoffTestPeer) b = NULL;
  g_autoptr(GError) error = NULL;
  const char *tone_a[] = { "--tone", "440", "--report-ms", "250", NULL };
  const char *tone_b[] = { "--tone", "660", "--report-ms", "250", NULL };
  const char *listen[] = { "--report-ms", "250", NULL };
  gint64 t0;

  if (!handoff_test_peer_available_or_skip (HANDOFF_TEST_PEER_BROWSER))
    return;
  if (!fixture_start (&f, NULL))
    return;
  call_id = active_call (&f, f.alice, NULL);
  room = g_strconcat ("call-", call_id, NULL);
  caller_identity = g_strconcat ("caller-", call_id, NULL);

  caller = handoff_test_peer_spawn (HANDOFF_TEST_PEER_BROWSER,
                                    handoff_test_livekit_get_ws_url (f.lk), room, caller_identity,
                                    listen, &error);
  g_assert_no_error (error);
  a = handoff_test_peer_spawn (HANDOFF_TEST_PEER_BROWSER, handoff_test_livekit_get_ws_url (f.lk),
                               room, "agent-alice", tone_a, &error);
  g_assert_no_error (error);
  json_object_unref (wait_event (caller, "subscribed", "agent-alice", 60000));
  wait_heard (caller, "agent-alice", 440, 20000);

  /* Initiate: the server puts the caller on hold at the SFU. */
  transfer = start_transfer_with (&f, call_id, f.alice, f.bob_id,
                                  "\"summary\":{\"text\":\"hold test\"}");
  json_object_unref (wait_event (caller, "unsubscribed", "agent-alice", 10000));

  /* B accepts and joins; B's own app would set "agents only" before
   * publishing. This peer cannot, so the caller briefly gets B's track, and
   * `ready` must take it away. */
  json_node_unref (transfer_action (&f, transfer, "accept", f.bob, NULL));
  b = handoff_test_peer_spawn (HANDOFF_TEST_PEER_BROWSER, handoff_test_livekit_get_ws_url (f.lk),
                               room, "agent-bob", tone_b, &error);
  g_assert_no_error (error);
  json_object_unref (wait_event (a, "subscribed", "agent-bob", 60000));
  json_object_unref (wait_event (caller, "subscribed", "agent-bob", 30000));
  json_node_unref (transfer_action (&f, transfer, "ready", f.bob, NULL));
  json_object_unref (wait_event (caller, "unsubscribed", "agent-bob", 10000));
  /* The consult: A hears B. */
  wait_heard (a, "agent-bob", 660, 20000);

  /* Connect: the caller hears A again at once (not on LiveKit's 3 s tick),
   * and B as soon as B's app says its grant is open. */
  t0 = g_get_monotonic_time ();
  json_node_unref (transfer_action (&f, transfer, "connect", f.alice, NULL));
  json_object_unref (wait_event (caller, "subscribed", "agent-alice", 10000));
  g_test_message ("caller re-subscribed to A %.0f ms after connect",
                  (g_get_monotonic_time () - t0) / 1000.0);
  json_node_unref (transfer_action (&f, transfer, "ready", f.bob, NULL));
  json_object_unref (wait_event (caller, "subscribed", "agent-bob", 10000));
  wait_heard (caller, "agent-alice", 440, 20000);
  wait_heard (caller, "agent-bob", 660, 20000);

  /* Complete: the server removes A; the caller stays with B. */
  json_node_unref (transfer_action (&f, transfer, "complete", f.alice, NULL));
  json_object_unref (wait_event (caller, "participant-left", NULL, 10000));
  wait_heard (caller, "agent-bob", 660, 10000);

  handoff_test_peer_quit (caller, 10000);
  handoff_test_peer_quit (a, 10000);
  handoff_test_peer_quit (b, 10000);
  fixture_stop (&f);
}

int
main (int    argc,
      char **argv)
{
  int rc;

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/server/hold/hold-consult-merge", test_hold_and_merge);
  rc = g_test_run ();
  fixture_livekit_free ();
  return rc;
}
