/* test-server-flow.c: calls, transfers, events, webhooks and LiveKit against a
 * real livekit-server, through a real SoupSession
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-server"

#include <string.h>

#include "handoff-token.h"
#include "handoff-twirp.h"
#include "server-fixture.h"

static gboolean
have_node (void)
{
  g_autofree char *node = g_find_program_in_path ("node");

  return node != NULL;
}

/* The details of every transfer here: each optional field, as the app
 * sends them. */
static const char full_details[] =
  "\"summary\":{\"text\":\"Caller disputes a double charge\",\"customer\":\"Carla\","
  "\"key_facts\":[\"charged twice on 3 Nov\"]},"
  "\"transcript\":[{\"speaker\":\"caller\",\"text\":\"I was charged twice\"}],"
  "\"notes\":\"prefers email\",\"urgent\":true";

/* How many rooms of that name livekit-server has (ListRooms needs roomList,
 * which the server never grants anyone: the test signs its own token). */
static guint
rooms_named (Fixture    *f,
             const char *room)
{
  g_autofree char *token = handoff_test_mint_token ("test", "", 60, "{\"roomList\": true}");
  g_autofree char *url = g_strdup_printf ("%s/twirp/livekit.RoomService/ListRooms",
                                          handoff_test_livekit_get_http_url (f->lk));
  g_autofree char *body = g_strdup_printf ("{\"names\": [\"%s\"]}", room);
  g_autoptr(GBytes) request = g_bytes_new (body, strlen (body));
  g_autoptr(GBytes) reply = NULL;
  g_autofree char *text = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonObject *obj;
  guint status;

  reply = http_raw (f, "POST", url, token, NULL, request, &status, NULL);
  g_assert_cmpuint (status, ==, 200);
  text = g_strndup (g_bytes_get_data (reply, NULL), g_bytes_get_size (reply));
  node = json_from_string (text, NULL);
  obj = json_node_get_object (node);
  return json_object_has_member (obj, "rooms")
         ? json_array_get_length (json_object_get_array_member (obj, "rooms")) : 0;
}

static void
test_call_lifecycle (void)
{
  Fixture f;
  g_autofree char *caller_token = NULL;
  g_autofree char *call_id = NULL;
  g_autofree char *path = NULL;
  g_autofree char *caller_id = NULL;
  g_autofree char *second = NULL;
  g_autoptr(JsonNode) call = NULL;
  g_autoptr(JsonNode) ended = NULL;
  g_autoptr(JsonNode) again = NULL;
  g_autoptr(JsonNode) history = NULL;
  JsonArray *previous;
  guint status;

  if (!fixture_start (&f, NULL))
    return;
  call_id = active_call (&f, f.alice, &caller_token);
  path = g_strdup_printf ("/api/v1/calls/%s", call_id);

  /* The caller sees their own call with their LiveKit token. */
  call = http (&f, "GET", path, caller_token, NULL, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (member_string (call, "state"), ==, "active");
  g_assert_cmpstr (member_string (call, "agent_id"), ==, f.alice_id);
  g_assert_cmpstr (member_string (call, "room"), ==, tmp (g_strconcat ("call-", call_id, NULL)));
  g_assert_nonnull (member_string (call, "accepted_at"));
  caller_id = g_strdup (member_string (call, "caller_id"));

  /* The room exists while the call does, and goes when it ends. */
  g_assert_cmpuint (rooms_named (&f, member_string (call, "room")), ==, 1);
  g_free (path);
  path = g_strdup_printf ("/api/v1/calls/%s/end", call_id);
  ended = http (&f, "POST", path, caller_token, NULL, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  for (guint i = 0; i < 50 && rooms_named (&f, member_string (call, "room")) > 0; i++)
    spin (100);
  g_assert_cmpuint (rooms_named (&f, member_string (call, "room")), ==, 0);
  g_assert_cmpstr (member_string (ended, "state"), ==, "ended");
  g_assert_cmpstr (member_string (ended, "end_reason"), ==, "caller_ended");
  again = http (&f, "POST", path, f.alice, NULL, NULL, &status);
  g_assert_cmpuint (status, ==, 409);
  assert_error (again, "conflict");
  g_assert_cmpstr (member_string (again, "state"), ==, "ended");

  /* A returning caller: the new call links to the same caller record. */
  {
    g_autofree char *body = g_strdup_printf ("{\"name\":\"Carla Caller\",\"caller_id\":\"%s\"}",
                                             caller_id);
    g_autoptr(JsonNode) reply = http (&f, "POST", "/api/v1/calls", NULL, NULL, body, &status);
    g_assert_cmpuint (status, ==, 201);
    g_assert_cmpstr (member_string (reply, "caller_id"), ==, caller_id);
    second = g_strdup (member_string (reply, "call_id"));
  }
  g_free (path);
  path = g_strdup_printf ("/api/v1/callers/%s/history", caller_id);
  history = http (&f, "GET", path, f.bob, NULL, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  previous = json_object_get_array_member (json_node_get_object (history), "previous_calls");
  g_assert_cmpuint (json_array_get_length (previous), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (previous, 0),
                                                  "id"), ==, second);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (previous, 1),
                                                  "state"), ==, "ended");
  fixture_stop (&f);
}

static void
test_call_offering (void)
{
  Fixture f;
  FixtureOptions options = { .call_offer_timeout = 1 };
  g_autofree char *s1 = NULL, *s2 = NULL;
  g_autofree char *call_id = NULL;
  g_autofree char *path = NULL;
  g_autofree char *decline = NULL;
  EventStream *alice_events, *bob_events;
  guint ca = 0, cb = 0, status;
  JsonNode *event;

  if (!fixture_start (&f, &options))
    return;
  alice_events = events_open (&f, f.alice, -1);
  bob_events = events_open (&f, f.bob, -1);
  /* alice has been available longest: she is offered the call first. */
  s1 = set_available (&f, f.alice);
  spin (5);
  s2 = set_available (&f, f.bob);
  call_id = create_call (&f, NULL);
  event = events_wait (alice_events, "call_offered", &ca, 5000);
  g_assert_nonnull (event);
  g_assert_cmpstr (member_string (event, "data.call.id"), ==, call_id);
  g_assert_cmpstr (member_string (event, "data.caller.name"), ==, "Carla Caller");

  /* bob may not accept what was not offered to him. */
  path = g_strdup_printf ("/api/v1/calls/%s/accept", call_id);
  {
    g_autoptr(JsonNode) reply = http (&f, "POST", path, f.bob, NULL, NULL, &status);
    g_assert_cmpuint (status, ==, 403);
    assert_error (reply, "forbidden");
  }
  decline = g_strdup_printf ("/api/v1/calls/%s/decline", call_id);
  {
    g_autoptr(JsonNode) reply = http (&f, "POST", decline, f.alice, NULL, NULL, &status);
    g_assert_cmpuint (status, ==, 200);
    g_assert_cmpstr (member_string (reply, "offered_to"), ==, f.bob_id);
  }
  g_assert_nonnull (events_wait (bob_events, "call_offered", &cb, 5000));
  /* bob does not answer: after the 1 s offer timeout the offer is withdrawn,
   * and with alice having declined nobody else is left. */
  event = events_wait (bob_events, "call_offer_withdrawn", &cb, 5000);
  g_assert_nonnull (event);
  g_assert_cmpstr (member_string (event, "data.reason"), ==, "timeout");
  {
    g_autofree char *get = g_strdup_printf ("/api/v1/calls/%s", call_id);
    g_autoptr(JsonNode) reply = http (&f, "GET", get, f.carol, NULL, NULL, &status);
    g_assert_cmpuint (status, ==, 200);
    g_assert_cmpstr (member_string (reply, "state"), ==, "waiting");
    g_assert_null (member_string (reply, "offered_to"));
  }
  /* carol becomes available: the waiting call goes to her. */
  {
    guint cc = 0;
    EventStream *carol_events = events_open (&f, f.carol, -1);
    g_autofree char *s3 = set_available (&f, f.carol);
    g_assert_nonnull (events_wait (carol_events, "call_offered", &cc, 5000));
    events_close (carol_events);
  }
  events_close (alice_events);
  events_close (bob_events);
  fixture_stop (&f);
}

static void
test_transfer_complete (void)
{
  Fixture f;
  g_autofree char *call_id = NULL;
  g_autofree char *id = NULL;
  EventStream *a, *b;
  guint ca = 0, cb = 0, status;
  JsonNode *event;

  if (!fixture_start (&f, NULL))
    return;
  a = events_open (&f, f.alice, -1);
  b = events_open (&f, f.bob, -1);
  {
    /* Presence: an open event stream means online. */
    g_autoptr(JsonNode) r = http (&f, "GET", "/api/v1/agents", f.carol, NULL, NULL, &status);
    JsonArray *agents = json_object_get_array_member (json_node_get_object (r), "agents");

    g_assert_cmpuint (json_array_get_length (agents), ==, 3);
    for (guint i = 0; i < 3; i++)
      {
        JsonObject *agent = json_array_get_object_element (agents, i);
        const char *user = json_object_get_string_member (agent, "username");

        g_assert_cmpint (json_object_get_boolean_member (agent, "online"), ==,
                         strcmp (user, "carol") != 0);
        g_assert_true (g_str_has_prefix (json_object_get_string_member (agent, "identity"),
                                         "agent-"));
        g_assert_false (json_object_has_member (agent, "password_hash"));
      }
  }
  call_id = active_call (&f, f.alice, NULL);
  id = start_transfer_with (&f, call_id, f.alice, f.bob_id, full_details);

  event = events_wait (b, "transfer_offered", &cb, 5000);
  g_assert_nonnull (event);
  g_assert_cmpstr (member_string (event, "data.transfer.summary.text"), ==,
                   "Caller disputes a double charge");
  g_assert_cmpstr (member_string (event, "data.transfer.notes"), ==, "prefers email");

  {
    g_autoptr(JsonNode) r = transfer_action (&f, id, "accept", f.bob, &status);
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonObject) claims = NULL;

    g_assert_cmpuint (status, ==, 200);
    g_assert_cmpstr (member_string (r, "transfer.state"), ==, "accepted");
    g_assert_cmpstr (member_string (r, "identity"), ==, "agent-bob");
    claims = handoff_token_verify (HANDOFF_TEST_API_KEY, HANDOFF_TEST_API_SECRET,
                                   member_string (r, "token"), &error);
    g_assert_no_error (error);
    g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (claims,
                                                                                   "video"),
                                                    "room"), ==,
                     tmp (g_strconcat ("call-", call_id, NULL)));
  }
  g_assert_nonnull (events_wait (a, "transfer_accepted", &ca, 5000));
  {
    g_autoptr(JsonNode) r = transfer_action (&f, id, "ready", f.bob, &status);
    g_assert_cmpuint (status, ==, 200);
    g_assert_cmpstr (member_string (r, "transfer.state"), ==, "consulting");
  }
  g_assert_nonnull (events_wait (a, "transfer_ready", &ca, 5000));
  {
    /* B may not connect: only A merges. */
    g_autoptr(JsonNode) r = transfer_action (&f, id, "connect", f.bob, &status);
    g_assert_cmpuint (status, ==, 403);
  }
  {
    g_autoptr(JsonNode) r = transfer_action (&f, id, "connect", f.alice, &status);
    g_assert_cmpuint (status, ==, 200);
    g_assert_cmpstr (member_string (r, "transfer.state"), ==, "connected");
  }
  g_assert_nonnull (events_wait (b, "transfer_connected", &cb, 5000));
  {
    g_autoptr(JsonNode) r = transfer_action (&f, id, "ready", f.bob, &status);
    g_assert_cmpuint (status, ==, 200);
    g_assert_cmpstr (member_string (r, "transfer.state"), ==, "connected");
  }
  {
    g_autoptr(JsonNode) r = transfer_action (&f, id, "complete", f.alice, &status);
    g_assert_cmpuint (status, ==, 200);
    g_assert_cmpstr (member_string (r, "transfer.outcome"), ==, "completed");
  }
  event = events_wait (b, "transfer_completed", &cb, 5000);
  g_assert_nonnull (event);
  {
    /* Illegal after the end: 409 with the current state. */
    g_autoptr(JsonNode) r = transfer_action (&f, id, "cancel", f.alice, &status);
    g_assert_cmpuint (status, ==, 409);
    assert_error (r, "conflict");
    g_assert_cmpstr (member_string (r, "state"), ==, "completed");
  }
  {
    /* bob owns the call now. */
    g_autofree char *path = g_strdup_printf ("/api/v1/calls/%s", call_id);
    g_autoptr(JsonNode) r = http (&f, "GET", path, f.bob, NULL, NULL, &status);
    g_assert_cmpstr (member_string (r, "agent_id"), ==, f.bob_id);
  }
  {
    g_autofree char *path = g_strdup_printf ("/api/v1/transfers/%s/rating", id);
    g_autoptr(JsonNode) r = http (&f, "POST", path, f.bob, NULL, "{\"score\":4}", &status);
    g_assert_cmpuint (status, ==, 200);
  }
  {
    g_autoptr(JsonNode) r = http (&f, "GET", "/api/v1/analytics?range=1d", f.carol, NULL, NULL,
                                  &status);
    JsonObject *o = json_node_get_object (r);
    g_assert_cmpuint (status, ==, 200);
    g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (o, "by_outcome"),
                                                 "completed"), ==, 1);
    g_assert_cmpfloat (json_object_get_double_member (o, "success_rate"), ==, 1.0);
    g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (
                       o, "time_to_accept_ms"), "count"), ==, 1);
  }
  {
    /* Prometheus text: HELP/TYPE lines and the counters this flow moved. */
    g_autofree char *url = g_strconcat (f.base, "/metrics", NULL);
    g_autofree char *type = NULL;
    g_autoptr(GBytes) body = http_raw (&f, "GET", url, NULL, NULL, NULL, &status, &type);
    g_autofree char *text = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));

    g_assert_cmpuint (status, ==, 200);
    g_assert_cmpstr (type, ==, "text/plain");
    g_assert_nonnull (strstr (text, "# TYPE handoff_transfers_ended_total counter\n"));
    g_assert_nonnull (strstr (text, "handoff_transfers_ended_total{outcome=\"completed\"} 1\n"));
    g_assert_nonnull (strstr (text, "handoff_transfers_created_total 1\n"));
    g_assert_nonnull (strstr (text, "handoff_calls_created_total 1\n"));
    g_assert_nonnull (strstr (text, "handoff_event_streams 2\n"));
  }
  {
    /* The same caller calls again (their app sends the caller_id it got):
     * the agent offered the new call sees the first one with the brief B
     * accepted, who had it last, and how the transfer ended. */
    g_autofree char *path = g_strdup_printf ("/api/v1/calls/%s", call_id);
    g_autofree char *end = g_strdup_printf ("/api/v1/calls/%s/end", call_id);
    g_autofree char *caller_id = NULL;
    g_autofree char *body = NULL;
    g_autofree char *history_path = NULL;
    g_autofree char *s1 = NULL;
    g_autoptr(JsonNode) first = http (&f, "GET", path, f.bob, NULL, NULL, &status);
    g_autoptr(JsonNode) ended = http (&f, "POST", end, f.bob, NULL, NULL, &status);
    g_autoptr(JsonNode) second = NULL;
    g_autoptr(JsonNode) history = NULL;
    JsonArray *previous;
    JsonObject *earlier = NULL;

    g_assert_cmpuint (status, ==, 200);
    caller_id = g_strdup (member_string (first, "caller_id"));
    body = g_strdup_printf ("{\"name\":\"Carla Caller\",\"caller_id\":\"%s\"}", caller_id);
    second = http (&f, "POST", "/api/v1/calls", NULL, NULL, body, &status);
    g_assert_cmpuint (status, ==, 201);
    g_assert_cmpstr (member_string (second, "caller_id"), ==, caller_id);
    s1 = set_available (&f, f.alice);
    event = events_wait (a, "call_offered", &ca, 5000);
    g_assert_nonnull (event);
    previous = json_object_get_array_member (
      json_object_get_object_member (json_object_get_object_member (json_node_get_object (event),
                                                                    "data"), "caller"),
      "previous_calls");
    for (guint i = 0; i < json_array_get_length (previous); i++)
      if (g_strcmp0 (json_object_get_string_member (json_array_get_object_element (previous, i),
                                                    "id"), call_id) == 0)
        earlier = json_array_get_object_element (previous, i);
    g_assert_nonnull (earlier);
    g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (earlier,
                                                                                   "summary"),
                                                    "text"), ==, "Caller disputes a double charge");
    g_assert_cmpstr (json_object_get_string_member (earlier, "transfer_outcome"), ==, "completed");
    g_assert_cmpstr (json_object_get_string_member (earlier, "agent_name"), ==, "Bob");
    g_assert_cmpstr (json_object_get_string_member (earlier, "end_reason"), ==, "agent_ended");
    /* The new call has no brief yet. */
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (previous, 0),
                                                    "id"), ==, member_string (second, "call_id"));
    g_assert_true (json_object_get_null_member (json_array_get_object_element (previous, 0),
                                                "summary"));
    /* The same list on the caller's history page. */
    history_path = g_strdup_printf ("/api/v1/callers/%s/history", caller_id);
    history = http (&f, "GET", history_path, f.carol, NULL, NULL, &status);
    g_assert_cmpuint (status, ==, 200);
    previous = json_object_get_array_member (json_node_get_object (history), "previous_calls");
    g_assert_cmpuint (json_array_get_length (previous), ==, 2);
    g_assert_cmpstr (json_object_get_string_member (
                       json_object_get_object_member (json_array_get_object_element (previous, 1),
                                                      "summary"), "text"), ==,
                     "Caller disputes a double charge");
  }
  events_close (a);
  events_close (b);
  fixture_stop (&f);
}

static void
test_transfer_decline_and_timeout (void)
{
  Fixture f;
  FixtureOptions options = { .transfer_offer_timeout = 1 };
  g_autofree char *call_id = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  EventStream *a;
  guint ca = 0, status;
  JsonNode *event;

  if (!fixture_start (&f, &options))
    return;
  a = events_open (&f, f.alice, -1);
  call_id = active_call (&f, f.alice, NULL);
  first = start_transfer_with (&f, call_id, f.alice, f.bob_id, full_details);
  {
    /* A second transfer while one is live: 409. */
    g_autofree char *body = g_strdup_printf ("{\"call_id\":\"%s\",\"target_agent_id\":\"%s\","
                                             "\"summary\":{\"text\":\"x\"}}", call_id, f.carol_id);
    g_autoptr(JsonNode) r = http (&f, "POST", "/api/v1/transfers", f.alice, NULL, body, &status);
    g_assert_cmpuint (status, ==, 409);
    g_assert_cmpstr (member_string (r, "state"), ==, "offered");
  }
  {
    /* Only the target declines. */
    g_autoptr(JsonNode) r = transfer_action (&f, first, "decline", f.carol, &status);
    g_assert_cmpuint (status, ==, 403);
  }
  {
    g_autofree char *path = g_strdup_printf ("/api/v1/transfers/%s/decline", first);
    g_autoptr(JsonNode) r = http (&f, "POST", path, f.bob, NULL, "{\"reason\":\"in a meeting\"}",
                                  &status);
    g_assert_cmpuint (status, ==, 200);
    g_assert_cmpstr (member_string (r, "transfer.outcome"), ==, "declined");
    g_assert_cmpstr (member_string (r, "transfer.decline_reason"), ==, "in a meeting");
  }
  event = events_wait (a, "transfer_declined", &ca, 5000);
  g_assert_nonnull (event);

  second = start_transfer_with (&f, call_id, f.alice, f.carol_id, full_details);
  event = events_wait (a, "transfer_ended", &ca, 6000);
  g_assert_nonnull (event);
  g_assert_cmpstr (member_string (event, "data.transfer.id"), ==, second);
  g_assert_cmpstr (member_string (event, "data.transfer.outcome"), ==, "no_answer");
  {
    g_autoptr(JsonNode) r = transfer_action (&f, second, "accept", f.carol, &status);
    g_assert_cmpuint (status, ==, 409);
    g_assert_cmpstr (member_string (r, "state"), ==, "no_answer");
  }
  {
    g_autoptr(JsonNode) r = http (&f, "GET", "/api/v1/transfers?outcome=no_answer", f.alice, NULL,
                                  NULL, &status);
    g_assert_cmpuint (status, ==, 200);
    g_assert_cmpint (json_object_get_int_member (json_node_get_object (r), "total"), ==, 1);
  }
  {
    g_autofree char *path = g_strdup_printf ("/api/v1/transfers?agent=%s&limit=1", f.carol_id);
    g_autoptr(JsonNode) all = http (&f, "GET", "/api/v1/transfers", f.alice, NULL, NULL, &status);
    g_autoptr(JsonNode) carol = http (&f, "GET", path, f.alice, NULL, NULL, &status);
    JsonArray *rows = json_object_get_array_member (json_node_get_object (carol), "transfers");

    g_assert_cmpint (json_object_get_int_member (json_node_get_object (all), "total"), ==, 2);
    g_assert_cmpint (json_object_get_int_member (json_node_get_object (carol), "total"), ==, 1);
    g_assert_cmpuint (json_array_get_length (rows), ==, 1);
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (rows, 0),
                                                    "id"), ==, second);
  }
  {
    g_autoptr(JsonNode) r = http (&f, "GET", "/api/v1/transfers?outcome=declined&limit=1&offset=1",
                                  f.alice, NULL, NULL, &status);
    g_assert_cmpint (json_object_get_int_member (json_node_get_object (r), "total"), ==, 1);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (
                        json_node_get_object (r), "transfers")), ==, 0);
  }
  events_close (a);
  fixture_stop (&f);
}

static void
test_events_resume (void)
{
  Fixture f;
  g_autofree char *call_id = NULL;
  EventStream *b;
  guint cb = 0, status;
  gint64 last;
  g_autoptr(GPtrArray) missed = g_ptr_array_new_with_free_func (g_free);

  if (!fixture_start (&f, NULL))
    return;
  b = events_open (&f, f.bob, -1);
  call_id = active_call (&f, f.alice, NULL);
  g_ptr_array_add (missed, start_transfer_with (&f, call_id, f.alice, f.bob_id, full_details));
  last = event_seq (events_wait (b, "transfer_offered", &cb, 5000));
  events_close (b);

  /* While bob is away: a cancel, a new offer, and carol's status change. */
  {
    g_autoptr(JsonNode) r = transfer_action (&f, g_ptr_array_index (missed, 0), "cancel", f.alice,
                                             &status);
    g_assert_cmpuint (status, ==, 200);
  }
  g_ptr_array_add (missed, start_transfer_with (&f, call_id, f.alice, f.bob_id, full_details));
  g_free (set_available (&f, f.carol));

  b = events_open (&f, f.bob, last);
  cb = 0;
  g_assert_nonnull (events_wait (b, "transfer_cancelled", &cb, 5000));
  g_assert_cmpstr (member_string (g_ptr_array_index (b->events, cb - 1), "data.transfer.id"), ==,
                   g_ptr_array_index (missed, 0));
  g_assert_nonnull (events_wait (b, "transfer_offered", &cb, 5000));
  g_assert_cmpstr (member_string (g_ptr_array_index (b->events, cb - 1), "data.transfer.id"), ==,
                   g_ptr_array_index (missed, 1));
  g_assert_nonnull (events_wait (b, "agent_status", &cb, 5000));
  /* Exactly what was missed, in order, nothing before `last`. */
  for (guint i = 0; i < b->events->len; i++)
    {
      g_assert_cmpint (event_seq (g_ptr_array_index (b->events, i)), >, last);
      if (i > 0)
        g_assert_cmpint (event_seq (g_ptr_array_index (b->events, i)), >,
                         event_seq (g_ptr_array_index (b->events, i - 1)));
    }
  g_assert_cmpuint (b->events->len, ==, 3);
  events_close (b);
  fixture_stop (&f);
}

static gboolean
call_has_ended (gpointer data)
{
  gpointer *args = data;
  guint status;
  g_autofree char *path = g_strdup_printf ("/api/v1/calls/%s", (char *) args[1]);
  g_autoptr(JsonNode) r = http (args[0], "GET", path, ((Fixture *) args[0])->alice, NULL, NULL,
                                &status);

  return g_strcmp0 (member_string (r, "state"), "ended") == 0;
}

/* The real livekit-server posts participant_left when the caller hangs up;
 * the server verifies it and ends the call and the transfer. */
static void
test_webhook_caller_hangs_up (void)
{
  Fixture f;
  g_autofree char *caller_token = NULL;
  g_autofree char *call_id = NULL;
  g_autofree char *id = NULL;
  SoupWebsocketConnection *caller;
  EventStream *b;
  guint cb = 0, status;
  gpointer args[2];
  JsonNode *event;

  if (!fixture_start (&f, NULL))
    return;
  b = events_open (&f, f.bob, -1);
  call_id = active_call (&f, f.alice, &caller_token);
  caller = signal_join (&f, caller_token);
  id = start_transfer_with (&f, call_id, f.alice, f.bob_id, full_details);
  g_assert_nonnull (events_wait (b, "transfer_offered", &cb, 5000));
  {
    g_autoptr(JsonNode) r = transfer_action (&f, id, "accept", f.bob, &status);
    g_assert_cmpuint (status, ==, 200);
  }
  signal_leave (caller);

  args[0] = &f;
  args[1] = call_id;
  g_assert_true (wait_for (call_has_ended, args, 20000));
  event = events_wait (b, "transfer_ended", &cb, 5000);
  g_assert_nonnull (event);
  g_assert_cmpstr (member_string (event, "data.transfer.outcome"), ==, "caller_abandoned");
  {
    g_autofree char *path = g_strdup_printf ("/api/v1/calls/%s", call_id);
    g_autoptr(JsonNode) r = http (&f, "GET", path, f.alice, NULL, NULL, &status);
    g_assert_cmpstr (member_string (r, "end_reason"), ==, "caller_left");
  }
  events_close (b);
  fixture_stop (&f);
}

static gboolean
webhook_forged_rejected (Fixture *f)
{
  const char *body = "{\"event\":\"participant_left\",\"room\":{\"name\":\"call-x\"}}";
  g_autofree char *url = g_strconcat (f->base, "/livekit/webhook", NULL);
  g_autofree char *forged = handoff_token_mint_admin (HANDOFF_TEST_API_KEY,
                                                      "not-the-secret-0123456789abcdef012345",
                                                      NULL, 60, NULL);
  g_autoptr(GBytes) bytes = g_bytes_new_static (body, strlen (body));
  guint status;
  g_autoptr(GBytes) reply = NULL;
  g_autofree char *bearer_less = g_strdup (forged);

  /* LiveKit sends the bare JWT; http_raw adds "Bearer ", which we accept too. */
  reply = http_raw (f, "POST", url, bearer_less, "application/webhook+json", bytes, &status,
                   NULL);
  return status == 401;
}

static void
test_tokens_against_livekit_and_sdk (void)
{
  Fixture f;
  g_autofree char *caller_token = NULL;
  g_autofree char *call_id = NULL;
  const char *tokens[2];
  guint status;

  if (!fixture_start (&f, NULL))
    return;
  call_id = active_call (&f, f.alice, &caller_token);
  tokens[0] = caller_token;
  {
    /* an agent token, from a second call accepted by bob */
    g_autofree char *s = set_available (&f, f.bob);
    g_autofree char *second = create_call (&f, NULL);
    g_autofree char *path = g_strdup_printf ("/api/v1/calls/%s/accept", second);
    g_autoptr(JsonNode) r = http (&f, "POST", path, f.bob, NULL, NULL, &status);
    g_autofree char *agent_token = g_strdup (member_string (r, "token"));

    g_assert_cmpuint (status, ==, 200);
    tokens[1] = agent_token;
    for (guint i = 0; i < 2; i++)
      {
        g_autofree char *url = g_strdup_printf ("%s/rtc/validate",
                                                handoff_test_livekit_get_http_url (f.lk));
        g_autoptr(GBytes) body = http_raw (&f, "GET", url, tokens[i], NULL, NULL, &status, NULL);
        g_autofree char *out = NULL;
        g_autofree char *err = NULL;
        g_autofree char *script = g_build_filename (g_getenv ("G_TEST_SRCDIR"), "server",
                                                    "lk-sdk-check.cjs", NULL);
        const char *argv[] = { "node", script, "verify", tokens[i], NULL };
        g_autoptr(JsonNode) claims = NULL;
        int wait_status;
        g_auto(GStrv) env = g_get_environ ();

        /* livekit-server itself accepts it */
        g_assert_cmpuint (status, ==, 200);
        /* and LiveKit's Node SDK reads the same claims */
        env = g_environ_setenv (env, "LK_KEY", HANDOFF_TEST_API_KEY, TRUE);
        env = g_environ_setenv (env, "LK_SECRET", HANDOFF_TEST_API_SECRET, TRUE);
        if (!have_node ())
          {
            g_test_message ("node missing; SDK cross-check skipped");
            continue;
          }
        g_assert_true (g_spawn_sync (NULL, (char **) argv, env, G_SPAWN_SEARCH_PATH, NULL, NULL,
                                     &out, &err, &wait_status, NULL));
        g_test_message ("sdk: %s %s", out, err);
        g_assert_true (g_spawn_check_wait_status (wait_status, NULL));
        claims = json_from_string (out, NULL);
        g_assert_nonnull (claims);
        g_assert_cmpstr (member_string (claims, "video.room"), ==,
                         i == 0 ? tmp (g_strconcat ("call-", call_id, NULL))
                                : tmp (g_strconcat ("call-", second, NULL)));
        g_assert_cmpstr (member_string (claims, "sub"), ==,
                         i == 0 ? tmp (g_strconcat ("caller-", call_id, NULL))
                                : "agent-bob");
        g_assert_cmpstr (member_string (claims, "attributes.handoff.role"), ==, NULL);
        {
          JsonObject *video = json_object_get_object_member (json_node_get_object (claims),
                                                             "video");
          g_assert_false (json_object_has_member (video, "roomAdmin"));
          g_assert_false (json_object_has_member (video, "roomCreate"));
          g_assert_false (json_object_has_member (video, "roomList"));
          g_assert_true (json_object_get_boolean_member (video, "roomJoin"));
          g_assert_cmpstr (json_object_get_string_member (
                             json_object_get_object_member (json_node_get_object (claims),
                                                            "attributes"), "handoff.role"), ==,
                           i == 0 ? "caller" : "agent");
        }
      }
  }
  {
    /* A webhook the SDK signed is accepted; a forged one is not. */
    g_autofree char *script = g_build_filename (g_getenv ("G_TEST_SRCDIR"), "server",
                                                "lk-sdk-check.cjs", NULL);
    g_autofree char *body_path = g_build_filename (f.dir, "webhook.json", NULL);
    const char *body = "{\"event\":\"room_finished\",\"room\":{\"name\":\"call-none\"}}";
    const char *argv[] = { "node", script, "sign-webhook", body_path, NULL };
    g_autofree char *out = NULL;
    g_auto(GStrv) env = g_get_environ ();
    int wait_status;

    g_assert_true (g_file_set_contents (body_path, body, -1, NULL));
    env = g_environ_setenv (env, "LK_KEY", HANDOFF_TEST_API_KEY, TRUE);
    env = g_environ_setenv (env, "LK_SECRET", HANDOFF_TEST_API_SECRET, TRUE);
    if (have_node ())
      {
        g_assert_true (g_spawn_sync (NULL, (char **) argv, env, G_SPAWN_SEARCH_PATH, NULL, NULL,
                                     &out, NULL, &wait_status, NULL));
        g_assert_true (g_spawn_check_wait_status (wait_status, NULL));
        g_assert_true (handoff_webhook_verify (HANDOFF_TEST_API_KEY, HANDOFF_TEST_API_SECRET, out,
                                               (const guint8 *) body, strlen (body), NULL));
        g_assert_false (handoff_webhook_verify (HANDOFF_TEST_API_KEY, HANDOFF_TEST_API_SECRET,
                                                out, (const guint8 *) "{}", 2, NULL));
      }
  }
  g_assert_true (webhook_forged_rejected (&f));
  fixture_stop (&f);
}

typedef struct {
  JsonObject *reply;
  GError *error;
  gboolean done;
} TwirpResult;

static void
twirp_done (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  TwirpResult *r = user_data;

  r->reply = handoff_twirp_call_finish (HANDOFF_TWIRP (source), result, &r->error);
  r->done = TRUE;
}

#define TWIRP(call) G_STMT_START { \
    memset (&r, 0, sizeof r); \
    call; \
    while (!r.done) g_main_context_iteration (NULL, TRUE); \
  } G_STMT_END

static void
twirp_reset (TwirpResult *r)
{
  g_clear_pointer (&r->reply, json_object_unref);
  g_clear_error (&r->error);
}

static void
test_twirp_against_livekit (void)
{
  Fixture f;
  g_autoptr(HandoffTwirp) twirp = NULL;
  g_autoptr(HandoffTwirp) forged = NULL;
  g_autoptr(HandoffTwirp) down = NULL;
  g_autoptr(GBytes) data = g_bytes_new_static ("hello", 5);
  g_autofree char *down_url = NULL;
  g_autofree char *token = NULL;
  g_autoptr(JsonObject) attributes = json_object_new ();
  SoupWebsocketConnection *peer;
  const char *everyone[] = { "peer-1", NULL };
  const char *sids[] = { "TR_nonexistent", NULL };
  TwirpResult r;
  JsonArray *participants;

  if (!fixture_start (&f, NULL))
    return;
  twirp = handoff_twirp_new (handoff_test_livekit_get_http_url (f.lk), HANDOFF_TEST_API_KEY,
                             HANDOFF_TEST_API_SECRET);
  TWIRP (handoff_twirp_create_room_async (twirp, "twirp-room", 60, 5, NULL, twirp_done, &r));
  g_assert_no_error (r.error);
  g_assert_cmpstr (json_object_get_string_member (r.reply, "name"), ==, "twirp-room");
  g_assert_cmpint (json_object_get_int_member (r.reply, "max_participants"), ==, 5);
  twirp_reset (&r);

  token = handoff_test_mint_token ("peer-1", "twirp-room", 300, NULL);
  peer = signal_join (&f, token);
  spin (300);
  TWIRP (handoff_twirp_list_participants_async (twirp, "twirp-room", NULL, twirp_done, &r));
  g_assert_no_error (r.error);
  participants = json_object_get_array_member (r.reply, "participants");
  g_assert_cmpuint (json_array_get_length (participants), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (participants, 0),
                                                  "identity"), ==, "peer-1");
  twirp_reset (&r);

  json_object_set_string_member (attributes, "handoff.role", "agent");
  TWIRP (handoff_twirp_update_participant_async (twirp, "twirp-room", "peer-1", "{\"m\":1}",
                                                 attributes, NULL, twirp_done, &r));
  g_assert_no_error (r.error);
  g_assert_cmpstr (json_object_get_string_member (
                     json_object_get_object_member (r.reply, "attributes"), "handoff.role"), ==,
                   "agent");
  twirp_reset (&r);

  TWIRP (handoff_twirp_send_data_async (twirp, "twirp-room", data, "handoff", everyone, NULL,
                                        twirp_done, &r));
  g_assert_no_error (r.error);
  twirp_reset (&r);

  TWIRP (handoff_twirp_mute_published_track_async (twirp, "twirp-room", "peer-1", "TR_nothing",
                                                   TRUE, NULL, twirp_done, &r));
  /* LiveKit answers an unknown track with no track rather than an error. */
  g_assert_no_error (r.error);
  g_assert_true (json_object_get_null_member (r.reply, "track"));
  twirp_reset (&r);

  TWIRP (handoff_twirp_update_subscriptions_async (twirp, "twirp-room", "peer-1", sids, FALSE,
                                                   NULL, twirp_done, &r));
  g_assert_no_error (r.error);
  twirp_reset (&r);
  /* An identity not in the room: LiveKit finds no participant to route to. */
  TWIRP (handoff_twirp_update_subscriptions_async (twirp, "twirp-room", "nobody", sids, FALSE,
                                                   NULL, twirp_done, &r));
  g_assert_error (r.error, HANDOFF_TWIRP_ERROR, HANDOFF_TWIRP_ERROR_UNAVAILABLE);
  twirp_reset (&r);

  TWIRP (handoff_twirp_remove_participant_async (twirp, "twirp-room", "peer-1", NULL, twirp_done,
                                                 &r));
  g_assert_no_error (r.error);
  twirp_reset (&r);
  TWIRP (handoff_twirp_remove_participant_async (twirp, "twirp-room", "peer-1", NULL, twirp_done,
                                                 &r));
  g_assert_error (r.error, HANDOFF_TWIRP_ERROR, HANDOFF_TWIRP_ERROR_NOT_FOUND);
  twirp_reset (&r);
  signal_leave (peer);

  TWIRP (handoff_twirp_delete_room_async (twirp, "twirp-room", NULL, twirp_done, &r));
  g_assert_no_error (r.error);
  twirp_reset (&r);

  forged = handoff_twirp_new (handoff_test_livekit_get_http_url (f.lk), HANDOFF_TEST_API_KEY,
                              "wrong-secret-0123456789abcdef0123456789");
  TWIRP (handoff_twirp_create_room_async (forged, "x", 0, 0, NULL, twirp_done, &r));
  g_assert_error (r.error, HANDOFF_TWIRP_ERROR, HANDOFF_TWIRP_ERROR_UNAUTHENTICATED);
  twirp_reset (&r);

  down_url = g_strdup_printf ("http://127.0.0.1:%u", handoff_test_free_port (FALSE));
  down = handoff_twirp_new (down_url, HANDOFF_TEST_API_KEY, HANDOFF_TEST_API_SECRET);
  TWIRP (handoff_twirp_delete_room_async (down, "x", NULL, twirp_done, &r));
  g_assert_error (r.error, HANDOFF_TWIRP_ERROR, HANDOFF_TWIRP_ERROR_NETWORK);
  twirp_reset (&r);
  fixture_stop (&f);
}

int
main (int    argc,
      char **argv)
{
  int rc;

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/server/flow/call-lifecycle", test_call_lifecycle);
  g_test_add_func ("/server/flow/call-offering", test_call_offering);
  g_test_add_func ("/server/flow/transfer-complete", test_transfer_complete);
  g_test_add_func ("/server/flow/transfer-decline-and-timeout", test_transfer_decline_and_timeout);
  g_test_add_func ("/server/flow/events-resume", test_events_resume);
  g_test_add_func ("/server/flow/webhook-caller-hangs-up", test_webhook_caller_hangs_up);
  g_test_add_func ("/server/flow/tokens-livekit-and-sdk", test_tokens_against_livekit_and_sdk);
  g_test_add_func ("/server/flow/twirp", test_twirp_against_livekit);
  rc = g_test_run ();
  fixture_livekit_free ();
  return rc;
}
