/* test-server-departures.c: an agent's app leaves the call room in the middle
 * of things (crash, network gone): the real livekit-server posts the webhook,
 * handoff-server ends, completes or re-offers, commits, and keeps it across a
 * restart
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-server"

#include <string.h>

#include "server-fixture.h"

/* LiveKit notices a vanished signal connection within seconds; generous. */
#define DEPARTURE_MS 45000

static JsonNode *
get (Fixture    *f,
     const char *token,
     const char *prefix,
     const char *id)
{
  g_autofree char *path = g_strconcat (prefix, id, NULL);
  guint status;
  JsonNode *r = http (f, "GET", path, token, NULL, NULL, &status);

  g_assert_cmpuint (status, ==, 200);
  return r;
}

/* The app dies: its signal connection goes away without a LeaveRequest. */
static void
signal_drop (SoupWebsocketConnection *conn)
{
  GIOStream *stream = soup_websocket_connection_get_io_stream (conn);

  g_io_stream_close (stream, NULL, NULL);
  spin (50);
  g_object_unref (conn);
}

typedef struct {
  SoupWebsocketConnection *caller;
  SoupWebsocketConnection *a;
  char *caller_token;
  char *call_id;
} Call;

/* A caller and alice in the room of a call alice accepted. */
static void
call_setup (Fixture *f,
            Call    *call)
{
  g_autofree char *a_token = NULL;

  call->call_id = active_call_full (f, f->alice, &call->caller_token, &a_token);
  call->caller = signal_join (f, call->caller_token);
  call->a = signal_join (f, a_token);
}

static void
call_teardown (Call *call)
{
  if (call->caller != NULL)
    signal_leave (call->caller);
  if (call->a != NULL)
    signal_leave (call->a);
  g_free (call->caller_token);
  g_free (call->call_id);
}

static gint64
int_member (JsonNode   *node,
            const char *object,
            const char *member)
{
  JsonObject *o = json_node_get_object (node);

  if (object != NULL)
    o = json_object_get_object_member (o, object);
  return json_object_get_int_member_with_default (o, member, -1);
}

static gint64
accepted_webhooks (Fixture *f)
{
  g_autofree char *url = g_strconcat (f->base, "/metrics", NULL);
  guint status;
  g_autoptr(GBytes) body = http_raw (f, "GET", url, NULL, NULL, NULL, &status, NULL);
  g_autofree char *text = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  const char *line = strstr (text, "handoff_webhooks_total{result=\"accepted\"} ");

  g_assert_nonnull (line);
  return g_ascii_strtoll (strchr (line, '}') + 2, NULL, 10);
}

static gboolean
metric_has (Fixture    *f,
            const char *line)
{
  g_autofree char *url = g_strconcat (f->base, "/metrics", NULL);
  guint status;
  g_autoptr(GBytes) body = http_raw (f, "GET", url, NULL, NULL, NULL, &status, NULL);
  g_autofree char *text = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));

  return strstr (text, line) != NULL;
}

/* A's app dies while B has not answered yet: the transfer fails
 * (initiator_left), B is told, the caller's call is offered to the next agent
 * — and all of it is in the store after a restart. */
static void
test_initiator_left_offered (void)
{
  Fixture f;
  Call call = { 0 };
  g_autofree char *id = NULL;
  g_autofree char *carol_status = NULL;
  EventStream *a, *b, *c;
  guint ca = 0, cb = 0, cc = 0, status;
  JsonNode *event;

  if (!fixture_start (&f, NULL))
    return;
  a = events_open (&f, f.alice, -1);
  b = events_open (&f, f.bob, -1);
  c = events_open (&f, f.carol, -1);
  call_setup (&f, &call);
  carol_status = set_available (&f, f.carol);
  id = start_transfer (&f, call.call_id, f.alice, f.bob_id);
  g_assert_nonnull (events_wait (b, "transfer_offered", &cb, 5000));

  signal_drop (g_steal_pointer (&call.a));

  event = events_wait (b, "transfer_ended", &cb, DEPARTURE_MS);
  g_assert_nonnull (event);
  g_assert_cmpstr (member_string (event, "data.transfer.id"), ==, id);
  g_assert_cmpstr (member_string (event, "data.transfer.outcome"), ==, "failed");
  g_assert_cmpstr (member_string (event, "data.transfer.failure_reason"), ==, "initiator_left");
  event = events_wait (a, "call_requeued", &ca, 5000);
  g_assert_nonnull (event);
  g_assert_cmpstr (member_string (event, "data.reason"), ==, "agent_left");
  g_assert_cmpstr (member_string (event, "data.call.state"), ==, "waiting");
  /* The call went to the next available agent, not back to the lost app. */
  event = events_wait (c, "call_offered", &cc, 5000);
  g_assert_nonnull (event);
  g_assert_cmpstr (member_string (event, "data.call.id"), ==, call.call_id);
  {
    /* B can no longer take a transfer whose initiator is gone. */
    g_autoptr(JsonNode) r = transfer_action (&f, id, "accept", f.bob, &status);
    g_assert_cmpuint (status, ==, 409);
    g_assert_cmpstr (member_string (r, "state"), ==, "failed");
  }
  g_assert_true (metric_has (&f, "handoff_transfers_ended_total{outcome=\"failed\"} 1\n"));
  g_assert_true (metric_has (&f, "handoff_calls_requeued_total 1\n"));

  events_close (a);
  events_close (b);
  events_close (c);
  fixture_restart (&f);
  {
    g_autoptr(JsonNode) t = get (&f, f.alice, "/api/v1/transfers/", id);
    g_autoptr(JsonNode) k = get (&f, f.carol, "/api/v1/calls/", call.call_id);

    g_assert_cmpstr (member_string (t, "outcome"), ==, "failed");
    g_assert_cmpstr (member_string (t, "failure_reason"), ==, "initiator_left");
    g_assert_cmpstr (member_string (k, "state"), ==, "waiting");
    g_assert_cmpstr (member_string (k, "offered_to"), ==, f.carol_id);
  }
  {
    g_autofree char *token = accept_call (&f, call.call_id, f.carol);
    g_autoptr(JsonNode) k = get (&f, f.carol, "/api/v1/calls/", call.call_id);

    g_assert_nonnull (token);
    g_assert_cmpstr (member_string (k, "state"), ==, "active");
    g_assert_cmpstr (member_string (k, "agent_id"), ==, f.carol_id);
  }

  /* History, analytics and export count the failure. */
  {
    g_autoptr(JsonNode) r = http (&f, "GET", "/api/v1/transfers?outcome=failed", f.bob, NULL,
                                  NULL, &status);
    JsonArray *rows = json_object_get_array_member (json_node_get_object (r), "transfers");

    g_assert_cmpuint (status, ==, 200);
    g_assert_cmpint (int_member (r, NULL, "total"), ==, 1);
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (rows, 0),
                                                    "failure_reason"), ==, "initiator_left");
  }
  {
    g_autoptr(JsonNode) r = http (&f, "GET", "/api/v1/analytics?range=1d", f.bob, NULL, NULL,
                                  &status);
    JsonArray *agents = json_object_get_array_member (json_node_get_object (r), "per_agent");

    g_assert_cmpuint (status, ==, 200);
    g_assert_cmpint (int_member (r, "by_outcome", "failed"), ==, 1);
    g_assert_cmpint (int_member (r, "failure_reasons", "initiator_left"), ==, 1);
    g_assert_cmpfloat (json_object_get_double_member (json_node_get_object (r), "success_rate"),
                       ==, 0.0);
    for (guint i = 0; i < json_array_get_length (agents); i++)
      {
        JsonObject *row = json_array_get_object_element (agents, i);
        gboolean alice = strcmp (json_object_get_string_member (row, "username"), "alice") == 0;

        g_assert_cmpint (json_object_get_int_member (row, "failed"), ==, alice ? 1 : 0);
      }
  }
  {
    g_autofree char *url = g_strconcat (f.base, "/api/v1/analytics/export?range=1d&format=csv",
                                        NULL);
    g_autoptr(GBytes) body = http_raw (&f, "GET", url, f.bob, NULL, NULL, &status, NULL);
    g_autofree char *text = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
    g_autofree char *row = g_strdup_printf ("%s,%s,%s,%s,failed,failed,initiator_left,", id,
                                            call.call_id, f.alice_id, f.bob_id);

    g_assert_cmpuint (status, ==, 200);
    g_assert_true (g_str_has_prefix (text, "id,call_id,from_agent_id,to_agent_id,state,outcome,"
                                           "failure_reason,"));
    g_assert_nonnull (strstr (text, row));
  }
  {
    g_autofree char *url = g_strconcat (f.base, "/api/v1/analytics/export?range=1d&format=json",
                                        NULL);
    g_autoptr(GBytes) body = http_raw (&f, "GET", url, f.bob, NULL, NULL, &status, NULL);
    g_autofree char *text = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));

    g_assert_nonnull (strstr (text, "\"failure_reason\":\"initiator_left\""));
  }
  call_teardown (&call);
  fixture_stop (&f);
}

/* A's app dies while B consults with A: B keeps the caller. */
static void
test_initiator_left_consulting (void)
{
  Fixture f;
  Call call = { 0 };
  g_autofree char *id = NULL;
  g_autofree char *b_token = NULL;
  SoupWebsocketConnection *b_conn;
  EventStream *b;
  guint cb = 0, status;
  JsonNode *event;

  if (!fixture_start (&f, NULL))
    return;
  b = events_open (&f, f.bob, -1);
  call_setup (&f, &call);
  id = start_transfer (&f, call.call_id, f.alice, f.bob_id);
  b_token = accept_transfer (&f, id, f.bob);
  b_conn = signal_join (&f, b_token);
  {
    g_autoptr(JsonNode) r = transfer_action (&f, id, "ready", f.bob, &status);
    g_assert_cmpuint (status, ==, 200);
    g_assert_cmpstr (member_string (r, "transfer.state"), ==, "consulting");
  }

  signal_drop (g_steal_pointer (&call.a));

  event = events_wait (b, "transfer_completed", &cb, DEPARTURE_MS);
  g_assert_nonnull (event);
  g_assert_cmpstr (member_string (event, "data.transfer.outcome"), ==, "completed");
  g_assert_cmpstr (member_string (event, "data.transfer.failure_reason"), ==, "initiator_left");
  events_close (b);

  fixture_restart (&f);
  {
    g_autoptr(JsonNode) t = get (&f, f.bob, "/api/v1/transfers/", id);
    g_autoptr(JsonNode) k = get (&f, f.bob, "/api/v1/calls/", call.call_id);

    g_assert_cmpstr (member_string (t, "outcome"), ==, "completed");
    g_assert_cmpstr (member_string (t, "failure_reason"), ==, "initiator_left");
    g_assert_cmpint (int_member (t, NULL, "consult_ms"), >=, 0);
    g_assert_cmpstr (member_string (k, "state"), ==, "active");
    g_assert_cmpstr (member_string (k, "agent_id"), ==, f.bob_id);
  }
  {
    /* bob owns the call: alice's late hang-up is refused, bob's is not. */
    g_autofree char *path = g_strdup_printf ("/api/v1/calls/%s/end", call.call_id);
    g_autoptr(JsonNode) late = http (&f, "POST", path, f.alice, NULL, NULL, &status);
    g_autoptr(JsonNode) ended = NULL;

    g_assert_cmpuint (status, ==, 403);
    ended = http (&f, "POST", path, f.bob, NULL, NULL, &status);
    g_assert_cmpuint (status, ==, 200);
    g_assert_cmpstr (member_string (ended, "end_reason"), ==, "agent_ended");
  }
  signal_leave (b_conn);
  call_teardown (&call);
  fixture_stop (&f);
}

/* B's app dies during the consult: the transfer fails (target_left), A is
 * told and keeps the call. */
static void
test_target_left_consulting (void)
{
  Fixture f;
  Call call = { 0 };
  g_autofree char *id = NULL;
  g_autofree char *b_token = NULL;
  EventStream *a;
  guint ca = 0, status;
  JsonNode *event;

  if (!fixture_start (&f, NULL))
    return;
  a = events_open (&f, f.alice, -1);
  call_setup (&f, &call);
  id = start_transfer (&f, call.call_id, f.alice, f.bob_id);
  b_token = accept_transfer (&f, id, f.bob);
  {
    SoupWebsocketConnection *b_conn = signal_join (&f, b_token);
    g_autoptr(JsonNode) r = transfer_action (&f, id, "ready", f.bob, &status);

    g_assert_cmpuint (status, ==, 200);
    signal_drop (b_conn);
  }

  event = events_wait (a, "transfer_ended", &ca, DEPARTURE_MS);
  g_assert_nonnull (event);
  g_assert_cmpstr (member_string (event, "data.transfer.outcome"), ==, "failed");
  g_assert_cmpstr (member_string (event, "data.transfer.failure_reason"), ==, "target_left");
  {
    /* A, back with the caller, cannot complete; a new transfer may start. */
    g_autoptr(JsonNode) r = transfer_action (&f, id, "connect", f.alice, &status);
    g_assert_cmpuint (status, ==, 409);
    g_assert_cmpstr (member_string (r, "state"), ==, "failed");
  }
  events_close (a);

  fixture_restart (&f);
  {
    g_autoptr(JsonNode) t = get (&f, f.alice, "/api/v1/transfers/", id);
    g_autoptr(JsonNode) k = get (&f, f.alice, "/api/v1/calls/", call.call_id);
    g_autoptr(JsonNode) r = http (&f, "GET", "/api/v1/analytics?range=1d", f.alice, NULL, NULL,
                                  &status);
    JsonArray *agents = json_object_get_array_member (json_node_get_object (r), "per_agent");
    g_autofree char *again = NULL;

    g_assert_cmpstr (member_string (t, "outcome"), ==, "failed");
    g_assert_cmpstr (member_string (t, "failure_reason"), ==, "target_left");
    g_assert_cmpstr (member_string (k, "state"), ==, "active");
    g_assert_cmpstr (member_string (k, "agent_id"), ==, f.alice_id);
    g_assert_cmpint (int_member (r, "failure_reasons", "target_left"), ==, 1);
    for (guint i = 0; i < json_array_get_length (agents); i++)
      {
        JsonObject *row = json_array_get_object_element (agents, i);
        gboolean bob = strcmp (json_object_get_string_member (row, "username"), "bob") == 0;

        g_assert_cmpint (json_object_get_int_member (row, "failed"), ==, bob ? 1 : 0);
      }
    again = start_transfer (&f, call.call_id, f.alice, f.carol_id);
    g_assert_nonnull (again);
  }
  call_teardown (&call);
  fixture_stop (&f);
}

/* alice's app dies in a plain call and nobody else is available: the call
 * waits (across a restart) and goes to the first agent who becomes
 * available. alice's own late hang-up still ends it. */
static void
test_agent_left_active_call (void)
{
  Fixture f;
  Call call = { 0 };
  /* agent_rejoin_grace = 0: requeued as soon as LiveKit reports it. */
  FixtureOptions options = { .agent_rejoin_grace = -1 };
  g_autofree char *carol_status = NULL;
  EventStream *a, *c;
  guint ca = 0, cc = 0, status;
  JsonNode *event;

  if (!fixture_start (&f, &options))
    return;
  a = events_open (&f, f.alice, -1);
  call_setup (&f, &call);

  signal_drop (g_steal_pointer (&call.a));

  event = events_wait (a, "call_requeued", &ca, DEPARTURE_MS);
  g_assert_nonnull (event);
  g_assert_cmpstr (member_string (event, "data.call.id"), ==, call.call_id);
  {
    g_autoptr(JsonNode) k = get (&f, f.bob, "/api/v1/calls/", call.call_id);

    g_assert_cmpstr (member_string (k, "state"), ==, "waiting");
    g_assert_cmpstr (member_string (k, "agent_id"), ==, f.alice_id);
    g_assert_null (member_string (k, "offered_to"));
  }
  events_close (a);

  fixture_restart (&f);
  c = events_open (&f, f.carol, -1);
  carol_status = set_available (&f, f.carol);
  event = events_wait (c, "call_offered", &cc, 5000);
  g_assert_nonnull (event);
  g_assert_cmpstr (member_string (event, "data.call.id"), ==, call.call_id);
  {
    /* The hang-up alice's app posted as it went: the call ends, carol is
     * told her offer is gone. */
    g_autofree char *path = g_strdup_printf ("/api/v1/calls/%s/end", call.call_id);
    g_autoptr(JsonNode) ended = http (&f, "POST", path, f.alice, NULL, NULL, &status);

    g_assert_cmpuint (status, ==, 200);
    g_assert_cmpstr (member_string (ended, "end_reason"), ==, "agent_ended");
  }
  event = events_wait (c, "call_ended", &cc, 5000);
  g_assert_nonnull (event);
  events_close (c);
  call_teardown (&call);
  fixture_stop (&f);
}

/* alice's app vanishes from an active call. For [timeouts]
 * agent_rejoin_grace the call stays hers (active, nobody else offered it,
 * GET says when the grace ends); her rejoin ends the grace and the call is
 * still hers after the deadline passed. She vanishes again: the grace
 * survives a server restart and then the call is requeued. */
#define GRACE_S 6
static void
test_agent_away_grace (void)
{
  Fixture f;
  Call call = { 0 };
  FixtureOptions options = { .agent_rejoin_grace = GRACE_S };
  g_autofree char *bob_status = NULL;
  g_autofree char *a_token = NULL;
  gpointer args[2];
  EventStream *a, *b;
  guint ca = 0, cb = 0, status;
  JsonNode *event;

  if (!fixture_start (&f, &options))
    return;
  a = events_open (&f, f.alice, -1);
  call_setup (&f, &call);
  /* bob is free to take it, so a requeue would reach him at once. */
  bob_status = set_available (&f, f.bob);
  b = events_open (&f, f.bob, -1);
  args[0] = &f;
  args[1] = call.call_id;

  signal_drop (g_steal_pointer (&call.a));
  /* The departure has reached the server when GET shows the grace. */
  g_assert_true (wait_for (call_agent_away, args, DEPARTURE_MS));
  {
    g_autoptr(JsonNode) k = get (&f, f.bob, "/api/v1/calls/", call.call_id);

    g_assert_cmpstr (member_string (k, "state"), ==, "active");
    g_assert_cmpstr (member_string (k, "agent_id"), ==, f.alice_id);
  }
  g_assert_null (events_wait (b, "call_offered", &cb, 1000));
  {
    g_autoptr(JsonNode) r = call_action (&f, call.call_id, "rejoin", f.alice, &status);

    g_assert_cmpuint (status, ==, 200);
    g_assert_null (member_string (r, "call.agent_away_until"));
    a_token = g_strdup (member_string (r, "token"));
  }
  call.a = signal_join (&f, a_token);
  /* Well past the deadline: still hers, never requeued, nobody offered. */
  spin ((GRACE_S + 2) * 1000);
  {
    g_autoptr(JsonNode) k = get (&f, f.bob, "/api/v1/calls/", call.call_id);

    g_assert_cmpstr (member_string (k, "state"), ==, "active");
    g_assert_cmpstr (member_string (k, "agent_id"), ==, f.alice_id);
    g_assert_null (member_string (k, "agent_away_until"));
  }
  g_assert_null (events_wait (a, "call_requeued", &ca, 10));
  g_assert_null (events_wait (b, "call_offered", &cb, 10));

  /* Gone again, and the server restarts during the grace. */
  signal_drop (g_steal_pointer (&call.a));
  g_assert_true (wait_for (call_agent_away, args, DEPARTURE_MS));
  events_close (a);
  events_close (b);
  fixture_restart (&f);
  /* From the start of the stream: the restored timer may fire before the
   * streams are open. */
  ca = cb = 0;
  a = events_open (&f, f.alice, 0);
  b = events_open (&f, f.bob, 0);
  event = events_wait (a, "call_requeued", &ca, (GRACE_S + 5) * 1000);
  g_assert_nonnull (event);
  g_assert_cmpstr (member_string (event, "data.reason"), ==, "agent_left");
  event = events_wait (b, "call_offered", &cb, 5000);
  g_assert_nonnull (event);
  g_assert_cmpstr (member_string (event, "data.call.id"), ==, call.call_id);
  {
    g_autoptr(JsonNode) k = get (&f, f.bob, "/api/v1/calls/", call.call_id);
    g_autoptr(JsonNode) r = call_action (&f, call.call_id, "rejoin", f.alice, &status);

    g_assert_cmpstr (member_string (k, "state"), ==, "waiting");
    g_assert_null (member_string (k, "agent_away_until"));
    /* Too late to rejoin: the call is waiting for someone else. */
    g_assert_cmpuint (status, ==, 409);
  }
  events_close (a);
  events_close (b);
  call_teardown (&call);
  fixture_stop (&f);
}

/* Leaving the room after the server itself removed you (A after complete,
 * B after cancel) changes nothing. */
static void
test_expected_departures (void)
{
  Fixture f;
  Call call = { 0 };
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *b_token = NULL;
  SoupWebsocketConnection *b_conn;
  gint64 seen;
  guint status;

  if (!fixture_start (&f, NULL))
    return;
  call_setup (&f, &call);

  /* B joins, A cancels: the server removes B from the room. */
  first = start_transfer (&f, call.call_id, f.alice, f.bob_id);
  b_token = accept_transfer (&f, first, f.bob);
  b_conn = signal_join (&f, b_token);
  spin (500);
  seen = accepted_webhooks (&f);
  {
    g_autoptr(JsonNode) r = transfer_action (&f, first, "cancel", f.alice, &status);
    g_assert_cmpuint (status, ==, 200);
  }
  for (guint i = 0; i < 200 && accepted_webhooks (&f) == seen; i++)
    spin (100);
  g_assert_cmpint (accepted_webhooks (&f), >, seen);
  spin (300);
  {
    g_autoptr(JsonNode) t = get (&f, f.alice, "/api/v1/transfers/", first);
    g_autoptr(JsonNode) k = get (&f, f.alice, "/api/v1/calls/", call.call_id);

    g_assert_cmpstr (member_string (t, "outcome"), ==, "cancelled");
    g_assert_cmpstr (member_string (k, "state"), ==, "active");
    g_assert_cmpstr (member_string (k, "agent_id"), ==, f.alice_id);
  }
  g_object_unref (b_conn);

  /* A completes: the server removes A; the call stays bob's. */
  second = start_transfer (&f, call.call_id, f.alice, f.bob_id);
  g_free (b_token);
  b_token = accept_transfer (&f, second, f.bob);
  b_conn = signal_join (&f, b_token);
  json_node_unref (transfer_action (&f, second, "ready", f.bob, NULL));
  json_node_unref (transfer_action (&f, second, "connect", f.alice, NULL));
  spin (300);
  seen = accepted_webhooks (&f);
  {
    g_autoptr(JsonNode) r = transfer_action (&f, second, "complete", f.alice, &status);
    g_assert_cmpuint (status, ==, 200);
  }
  for (guint i = 0; i < 200 && accepted_webhooks (&f) == seen; i++)
    spin (100);
  g_assert_cmpint (accepted_webhooks (&f), >, seen);
  spin (300);
  {
    g_autoptr(JsonNode) t = get (&f, f.bob, "/api/v1/transfers/", second);
    g_autoptr(JsonNode) k = get (&f, f.bob, "/api/v1/calls/", call.call_id);

    g_assert_cmpstr (member_string (t, "outcome"), ==, "completed");
    g_assert_null (member_string (t, "failure_reason"));
    g_assert_cmpstr (member_string (k, "state"), ==, "active");
    g_assert_cmpstr (member_string (k, "agent_id"), ==, f.bob_id);
  }
  signal_leave (b_conn);
  g_clear_object (&call.a);
  call_teardown (&call);
  fixture_stop (&f);
}

/* An app that reconnects joins again under the same identity; LiveKit drops
 * the old participant (DUPLICATE_IDENTITY). That is not the agent leaving. */
static void
test_rejoin_is_not_leaving (void)
{
  Fixture f;
  Call call = { 0 };
  g_autofree char *a_token = NULL;
  SoupWebsocketConnection *again;
  gint64 seen;

  if (!fixture_start (&f, NULL))
    return;
  call.call_id = active_call_full (&f, f.alice, &call.caller_token, &a_token);
  call.caller = signal_join (&f, call.caller_token);
  call.a = signal_join (&f, a_token);
  spin (500);
  seen = accepted_webhooks (&f);
  /* As a restarted app does: a new grant for the call, not a new accept. */
  {
    guint status;
    g_autofree char *path = g_strdup_printf ("/api/v1/calls/%s/rejoin", call.call_id);
    g_autoptr(JsonNode) other = http (&f, "POST", path, f.bob, NULL, NULL, &status);
    g_autoptr(JsonNode) r = NULL;

    g_assert_cmpuint (status, ==, 403);
    r = http (&f, "POST", path, f.alice, NULL, NULL, &status);
    g_assert_cmpuint (status, ==, 200);
    g_assert_cmpstr (member_string (r, "identity"), ==, "agent-alice");
    g_assert_cmpstr (member_string (r, "call.state"), ==, "active");
    g_free (a_token);
    a_token = g_strdup (member_string (r, "token"));
  }
  again = signal_join (&f, a_token);
  for (guint i = 0; i < 100 && accepted_webhooks (&f) < seen + 1; i++)
    spin (100);
  spin (500);
  {
    g_autoptr(JsonNode) k = get (&f, f.alice, "/api/v1/calls/", call.call_id);

    g_assert_cmpstr (member_string (k, "state"), ==, "active");
    g_assert_cmpstr (member_string (k, "agent_id"), ==, f.alice_id);
  }
  signal_leave (again);
  {
    /* An ended call cannot be rejoined. */
    guint status;
    g_autofree char *end = g_strdup_printf ("/api/v1/calls/%s/end", call.call_id);
    g_autofree char *path = g_strdup_printf ("/api/v1/calls/%s/rejoin", call.call_id);
    g_autoptr(JsonNode) ended = http (&f, "POST", end, f.alice, NULL, NULL, &status);
    g_autoptr(JsonNode) r = NULL;

    g_assert_cmpuint (status, ==, 200);
    r = http (&f, "POST", path, f.alice, NULL, NULL, &status);
    g_assert_cmpuint (status, ==, 409);
    assert_error (r, "conflict");
  }
  call_teardown (&call);
  fixture_stop (&f);
}

int
main (int    argc,
      char **argv)
{
  int rc;

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/server/departures/initiator-left-offered", test_initiator_left_offered);
  g_test_add_func ("/server/departures/initiator-left-consulting",
                   test_initiator_left_consulting);
  g_test_add_func ("/server/departures/target-left-consulting", test_target_left_consulting);
  g_test_add_func ("/server/departures/agent-left-active-call", test_agent_left_active_call);
  g_test_add_func ("/server/departures/agent-away-grace", test_agent_away_grace);
  g_test_add_func ("/server/departures/expected-departures", test_expected_departures);
  g_test_add_func ("/server/departures/rejoin-is-not-leaving", test_rejoin_is_not_leaving);
  rc = g_test_run ();
  fixture_livekit_free ();
  return rc;
}
