/* test-server-presence.c: "on a call" is derived by the server from the calls
 * and transfers, shown in the directory and pushed to every agent
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-server"

#include <string.h>

#include "server-fixture.h"

static JsonObject *
directory_entry (JsonNode   *agents,
                 const char *id)
{
  JsonArray *list = json_object_get_array_member (json_node_get_object (agents), "agents");

  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonObject *agent = json_array_get_object_element (list, i);
      if (g_strcmp0 (json_object_get_string_member (agent, "id"), id) == 0)
        return agent;
    }
  g_assert_not_reached ();
}

/* GET /agents as `token` sees it: is `id` on a call, with which presence? */
static gboolean
listed_on_call (Fixture    *f,
                const char *token,
                const char *id,
                const char *status_expected)
{
  guint status;
  g_autoptr(JsonNode) agents = http (f, "GET", "/api/v1/agents", token, NULL, NULL, &status);
  JsonObject *agent;

  g_assert_cmpuint (status, ==, 200);
  agent = directory_entry (agents, id);
  g_assert_true (json_object_has_member (agent, "on_call"));
  g_assert_cmpstr (json_object_get_string_member (agent, "status"), ==, status_expected);
  return json_object_get_boolean_member (agent, "on_call");
}

/* The next agent_status about `id` in `s`: its on_call (the set presence
 * must be untouched). */
static gboolean
next_status_of (EventStream *s,
                guint       *cursor,
                const char  *id,
                const char  *status_expected)
{
  for (;;)
    {
      JsonNode *event = events_wait (s, "agent_status", cursor, 5000);
      JsonObject *agent;

      g_assert_nonnull (event);
      agent = json_object_get_object_member (json_node_get_object (event), "data");
      if (g_strcmp0 (json_object_get_string_member (agent, "id"), id) != 0)
        continue;
      g_assert_true (json_object_has_member (agent, "on_call"));
      g_assert_cmpstr (json_object_get_string_member (agent, "status"), ==, status_expected);
      return json_object_get_boolean_member (agent, "on_call");
    }
}

/* No agent_status about `id` arrives within `ms`. */
static void
assert_no_status_of (EventStream *s,
                     guint        cursor,
                     const char  *id,
                     guint        ms)
{
  spin (ms);
  for (JsonNode *event; (event = events_wait (s, "agent_status", &cursor, 0)) != NULL;)
    g_assert_cmpstr (member_string (event, "data.id"), !=, id);
}

static void
test_on_call_through_a_transfer (void)
{
  Fixture f;
  g_autofree char *call_id = NULL;
  g_autofree char *transfer_id = NULL;
  g_autofree char *bob_status = NULL;
  EventStream *carol;
  guint cursor = 0;

  if (!fixture_start (&f, NULL))
    return;
  carol = events_open (&f, f.carol, -1);

  /* Alice answers a call: on a call, still "available" as she set it. */
  call_id = active_call (&f, f.alice, NULL);
  g_assert_false (next_status_of (carol, &cursor, f.alice_id, "available"));  /* her own change */
  g_assert_true (next_status_of (carol, &cursor, f.alice_id, "available"));
  g_assert_true (listed_on_call (&f, f.carol, f.alice_id, "available"));
  g_assert_false (listed_on_call (&f, f.carol, f.bob_id, "away"));

  /* Bob is offered a transfer: ringing is not talking. */
  bob_status = set_available (&f, f.bob);
  g_assert_false (next_status_of (carol, &cursor, f.bob_id, "available"));
  transfer_id = start_transfer (&f, call_id, f.alice, f.bob_id);
  assert_no_status_of (carol, cursor, f.bob_id, 300);
  g_assert_false (listed_on_call (&f, f.carol, f.bob_id, "available"));

  /* He accepts: both on a call (consult, then three-way). */
  json_node_unref (transfer_action (&f, transfer_id, "accept", f.bob, NULL));
  g_assert_true (next_status_of (carol, &cursor, f.bob_id, "available"));
  g_assert_true (listed_on_call (&f, f.carol, f.bob_id, "available"));
  json_node_unref (transfer_action (&f, transfer_id, "ready", f.bob, NULL));
  json_node_unref (transfer_action (&f, transfer_id, "connect", f.alice, NULL));
  assert_no_status_of (carol, cursor, f.alice_id, 200);
  g_assert_true (listed_on_call (&f, f.carol, f.alice_id, "available"));

  /* Alice leaves: she is free, the call is Bob's. */
  json_node_unref (transfer_action (&f, transfer_id, "complete", f.alice, NULL));
  g_assert_false (next_status_of (carol, &cursor, f.alice_id, "available"));
  g_assert_false (listed_on_call (&f, f.carol, f.alice_id, "available"));
  g_assert_true (listed_on_call (&f, f.carol, f.bob_id, "available"));

  /* Bob hangs up: free again. */
  {
    g_autofree char *path = g_strdup_printf ("/api/v1/calls/%s/end", call_id);
    guint status;
    g_autoptr(JsonNode) r = http (&f, "POST", path, f.bob, NULL, NULL, &status);

    g_assert_cmpuint (status, ==, 200);
  }
  g_assert_false (next_status_of (carol, &cursor, f.bob_id, "available"));
  g_assert_false (listed_on_call (&f, f.carol, f.bob_id, "available"));
  events_close (carol);
  fixture_stop (&f);
}

static void
test_declined_transfer_never_on_call (void)
{
  Fixture f;
  g_autofree char *call_id = NULL;
  g_autofree char *transfer_id = NULL;
  g_autofree char *bob_status = NULL;
  EventStream *carol;
  guint cursor = 0;

  if (!fixture_start (&f, NULL))
    return;
  call_id = active_call (&f, f.alice, NULL);
  bob_status = set_available (&f, f.bob);
  carol = events_open (&f, f.carol, -1);
  transfer_id = start_transfer (&f, call_id, f.alice, f.bob_id);
  json_node_unref (transfer_action (&f, transfer_id, "decline", f.bob, NULL));
  assert_no_status_of (carol, cursor, f.bob_id, 300);
  assert_no_status_of (carol, cursor, f.alice_id, 0);
  g_assert_false (listed_on_call (&f, f.carol, f.bob_id, "available"));
  g_assert_true (listed_on_call (&f, f.carol, f.alice_id, "available"));
  events_close (carol);
  fixture_stop (&f);
}

int
main (int    argc,
      char **argv)
{
  int rc;

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/server/presence/on-call-through-a-transfer", test_on_call_through_a_transfer);
  g_test_add_func ("/server/presence/declined-transfer-never-on-call",
                   test_declined_transfer_never_on_call);
  rc = g_test_run ();
  fixture_livekit_free ();
  return rc;
}
