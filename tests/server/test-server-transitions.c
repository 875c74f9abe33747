/* test-server-transitions.c: every transfer action from every state it can
 * be in, by the agent allowed to do it: the legal ones move the state, the
 * others answer 409 with the state unchanged
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-server"

#include <string.h>

#include "server-fixture.h"

typedef struct {
  const char *state;
  const char *path[5];     /* actions that lead there from `offered` */
} Start;

static const Start starts[] = {
  { "offered", { NULL } },
  { "accepted", { "accept", NULL } },
  { "consulting", { "accept", "ready", NULL } },
  { "connected", { "accept", "ready", "connect", NULL } },
  { "completed", { "accept", "ready", "connect", "complete", NULL } },
  { "declined", { "decline", NULL } },
  { "cancelled", { "cancel", NULL } },
};

static const char *actions[] = { "accept", "decline", "ready", "connect", "complete", "cancel",
                                 NULL };

/* The state machine, as documented in openapi.yaml: the state after `action`
 * from `state`, or NULL when it is not allowed. */
static const char *
expected (const char *state,
          const char *action)
{
  static const struct { const char *from, *action, *to; } legal[] = {
    { "offered", "accept", "accepted" },
    { "offered", "decline", "declined" },
    { "accepted", "ready", "consulting" },
    { "connected", "ready", "connected" },
    { "consulting", "connect", "connected" },
    { "connected", "complete", "completed" },
    { "offered", "cancel", "cancelled" },
    { "accepted", "cancel", "cancelled" },
    { "consulting", "cancel", "cancelled" },
    { "connected", "cancel", "cancelled" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (legal); i++)
    if (strcmp (legal[i].from, state) == 0 && strcmp (legal[i].action, action) == 0)
      return legal[i].to;
  return NULL;
}

static const char *
actor (Fixture    *f,
       const char *action)
{
  /* B accepts, declines and says ready; A does the rest. */
  if (strcmp (action, "accept") == 0 || strcmp (action, "decline") == 0
      || strcmp (action, "ready") == 0)
    return f->bob;
  return f->alice;
}

static void
test_every_action_from_every_state (void)
{
  Fixture f;
  guint status, checked = 0;

  if (!fixture_start (&f, NULL))
    return;
  for (guint s = 0; s < G_N_ELEMENTS (starts); s++)
    for (guint a = 0; actions[a] != NULL; a++)
      {
        g_autofree char *caller_token = NULL;
        g_autofree char *call_id = active_call (&f, f.alice, &caller_token);
        g_autofree char *transfer = start_transfer_with (&f, call_id, f.alice, f.bob_id,
                                                         "\"summary\":{\"text\":\"t\"}");
        g_autoptr(JsonNode) r = NULL;
        const char *want = expected (starts[s].state, actions[a]);

        for (guint p = 0; starts[s].path[p] != NULL; p++)
          json_node_unref (transfer_action (&f, transfer, starts[s].path[p],
                                            actor (&f, starts[s].path[p]), NULL));

        r = transfer_action (&f, transfer, actions[a], actor (&f, actions[a]), &status);
        g_test_message ("%s --%s--> %u %s", starts[s].state, actions[a], status,
                        member_string (r, want ? "transfer.state" : "state"));
        if (want != NULL)
          {
            g_assert_cmpuint (status, ==, 200);
            g_assert_cmpstr (member_string (r, "transfer.state"), ==, want);
          }
        else
          {
            g_assert_cmpuint (status, ==, 409);
            assert_error (r, "conflict");
            g_assert_cmpstr (member_string (r, "state"), ==, starts[s].state);
          }
        checked++;
        /* The caller hangs up; alice is free for the next call. */
        json_node_unref (call_action (&f, call_id, "end", caller_token, NULL));
      }
  g_assert_cmpuint (checked, ==, 42);
  fixture_stop (&f);
}

int
main (int    argc,
      char **argv)
{
  int rc;

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/server/transitions/every-action-from-every-state",
                   test_every_action_from_every_state);
  rc = g_test_run ();
  fixture_livekit_free ();
  return rc;
}
