/* test-server-history.c: analytics figures and exports on a store with known
 * transfers (medians, p90, success rate, per-agent rows, calls per hour, CSV)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-server"

#include <string.h>

#include "handoff-store.h"
#include "server-fixture.h"

static void
insert_transfer (HandoffStore *store,
                 const char   *id,
                 const char   *from,
                 const char   *to,
                 const char   *state,
                 gint64        created,
                 gint64        accept_ms,
                 gint64        consult_ms,
                 const char   *summary_text,
                 gint64        rating)
{
  g_autoptr(JsonNode) text = json_node_new (JSON_NODE_VALUE);
  g_autofree char *escaped = NULL;
  g_autofree char *summary = NULL;
  gboolean accepted = accept_ms >= 0;
  gboolean connected = consult_ms >= 0;

  json_node_set_string (text, summary_text);
  escaped = json_to_string (text, FALSE);
  summary = g_strdup_printf ("{\"text\":%s}", escaped);
  g_assert_cmpint (handoff_store_exec (
                     store,
                     "INSERT INTO transfers (id, call_id, from_agent_id, to_agent_id, state, "
                     "summary, created_at, accepted_at, consulting_at, connected_at, ended_at, "
                     "rating) VALUES (?, 'c', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                     g_variant_new ("(sssssx@mx@mx@mxx@mx)", id, from, to, state, summary, created,
                                    g_variant_new_maybe (G_VARIANT_TYPE_INT64, accepted
                                      ? g_variant_new_int64 (created + accept_ms) : NULL),
                                    g_variant_new_maybe (G_VARIANT_TYPE_INT64, accepted
                                      ? g_variant_new_int64 (created + accept_ms) : NULL),
                                    g_variant_new_maybe (G_VARIANT_TYPE_INT64, connected
                                      ? g_variant_new_int64 (created + accept_ms + consult_ms)
                                      : NULL),
                                    created + 100000,
                                    g_variant_new_maybe (G_VARIANT_TYPE_INT64, rating > 0
                                      ? g_variant_new_int64 (rating) : NULL)),
                     NULL), ==, 1);
}

static double
quantile (JsonNode   *analytics,
          const char *metric,
          const char *which)
{
  JsonObject *q = json_object_get_object_member (json_node_get_object (analytics), metric);

  return json_object_get_double_member (q, which);
}

static void
test_analytics_figures (void)
{
  Fixture f;
  HandoffStore *store;
  gint64 now = handoff_now_ms ();
  gint64 day = 24 * 3600 * (gint64) 1000;
  g_autoptr(GDateTime) utc_now = g_date_time_new_now_utc ();
  guint status;

  if (!fixture_start (&f, NULL))
    return;
  store = handoff_server_get_store (f.server);

  /* Ten transfers today: accept after 1..10 s; consult 20 s for the
   * completed ones. alice -> bob 6 times, bob -> carol 4 times. */
  for (int i = 1; i <= 10; i++)
    {
      g_autofree char *id = g_strdup_printf ("t%02d", i);
      const char *state = i <= 6 ? "completed" : i <= 8 ? "declined" : i == 9 ? "no_answer"
                                                                             : "cancelled";
      gboolean from_alice = i <= 6;

      insert_transfer (store, id, from_alice ? f.alice_id : f.bob_id,
                       from_alice ? f.bob_id : f.carol_id, state, now - 3600 * 1000,
                       i <= 8 && i != 7 && i != 8 ? i * 1000 : (i == 10 ? 10000 : -1),
                       i <= 6 ? 20000 : -1, "plain", i <= 2 ? 4 + i % 2 : 0);
    }
  /* 40 days ago: outside 30d, inside 90d. */
  insert_transfer (store, "old", f.carol_id, f.alice_id, "completed", now - 40 * day, 500, 1000,
                   "old one", 0);
  /* Two calls at the current UTC hour. */
  for (int i = 0; i < 2; i++)
    {
      g_autofree char *id = g_strdup_printf ("call%d", i);
      g_assert_cmpint (handoff_store_exec (store,
                                           "INSERT INTO calls (id, caller_id, caller_name, state, "
                                           "created_at, ended_at) VALUES (?, 'x', 'X', 'ended', ?, ?)",
                                           g_variant_new ("(sxx)", id, now, now), NULL), ==, 1);
    }

  {
    g_autoptr(JsonNode) r = http (&f, "GET", "/api/v1/analytics?range=1d", f.alice, NULL, NULL,
                                  &status);
    JsonObject *o = json_node_get_object (r);
    JsonObject *by = json_object_get_object_member (o, "by_outcome");
    JsonArray *hours = json_object_get_array_member (o, "calls_per_hour");
    JsonArray *agents = json_object_get_array_member (o, "per_agent");

    g_assert_cmpuint (status, ==, 200);
    g_assert_cmpint (json_object_get_int_member (o, "total"), ==, 10);
    g_assert_cmpint (json_object_get_int_member (by, "completed"), ==, 6);
    g_assert_cmpint (json_object_get_int_member (by, "declined"), ==, 2);
    g_assert_cmpint (json_object_get_int_member (by, "no_answer"), ==, 1);
    g_assert_cmpint (json_object_get_int_member (by, "cancelled"), ==, 1);
    g_assert_cmpfloat_with_epsilon (json_object_get_double_member (o, "success_rate"), 0.6, 1e-9);
    /* accepted: 1..6 s and 10 s → median 4 s, p90 (nearest rank 7 of 7) 10 s */
    g_assert_cmpfloat (quantile (r, "time_to_accept_ms", "median"), ==, 4000);
    g_assert_cmpfloat (quantile (r, "time_to_accept_ms", "p90"), ==, 10000);
    g_assert_cmpfloat (quantile (r, "consult_ms", "median"), ==, 20000);
    g_assert_cmpfloat (quantile (r, "total_ms", "median"), ==, 100000);
    g_assert_cmpint (json_array_get_int_element (hours, g_date_time_get_hour (utc_now)), ==, 2);
    for (guint i = 0; i < json_array_get_length (agents); i++)
      {
        JsonObject *a = json_array_get_object_element (agents, i);
        const char *user = json_object_get_string_member (a, "username");

        if (strcmp (user, "alice") == 0)
          {
            /* The name people know her by, for the table. */
            g_assert_cmpstr (json_object_get_string_member (a, "display_name"), ==, "Alice");
            g_assert_cmpint (json_object_get_int_member (a, "initiated"), ==, 6);
            g_assert_cmpint (json_object_get_int_member (a, "completed"), ==, 6);
            g_assert_cmpfloat (json_object_get_double_member (a, "average_rating"), ==, 4.5);
          }
        else if (strcmp (user, "carol") == 0)
          {
            g_assert_cmpint (json_object_get_int_member (a, "received"), ==, 4);
            g_assert_cmpint (json_object_get_int_member (a, "declined"), ==, 2);
            g_assert_cmpint (json_object_get_int_member (a, "no_answer"), ==, 1);
            g_assert_true (json_object_get_null_member (a, "average_rating"));
          }
      }
  }
  {
    g_autoptr(JsonNode) r30 = http (&f, "GET", "/api/v1/analytics?range=30d", f.alice, NULL, NULL,
                                    &status);
    g_autoptr(JsonNode) r90 = http (&f, "GET", "/api/v1/analytics?range=90d", f.alice, NULL, NULL,
                                    &status);
    g_assert_cmpint (json_object_get_int_member (json_node_get_object (r30), "total"), ==, 10);
    g_assert_cmpint (json_object_get_int_member (json_node_get_object (r90), "total"), ==, 11);
  }
  fixture_stop (&f);
}

static void
test_csv_export (void)
{
  Fixture f;
  HandoffStore *store;
  gint64 now = handoff_now_ms ();
  g_autofree char *url = NULL;
  g_autofree char *type = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GBytes) body = NULL;
  g_auto(GStrv) lines = NULL;
  guint status;

  if (!fixture_start (&f, NULL))
    return;
  store = handoff_server_get_store (f.server);
  insert_transfer (store, "a1", f.alice_id, f.bob_id, "completed", now - 2000, 1000, 500,
                   "Refund, \"urgent\"", 5);
  insert_transfer (store, "a2", f.alice_id, f.bob_id, "declined", now - 1000, -1, -1,
                   "=HYPERLINK(\"http://evil\")", 0);

  url = g_strconcat (f.base, "/api/v1/analytics/export?range=1d&format=csv", NULL);
  body = http_raw (&f, "GET", url, f.alice, NULL, NULL, &status, &type);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (type, ==, "text/csv");
  text = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  lines = g_strsplit (text, "\r\n", -1);
  g_assert_true (g_str_has_prefix (lines[0], "id,call_id,from_agent_id,to_agent_id,state,outcome,"));
  g_assert_true (g_str_has_prefix (lines[1], "a1,c,"));
  /* quoted and doubled quotes */
  g_assert_true (g_str_has_suffix (lines[1], ",5,\"Refund, \"\"urgent\"\"\""));
  g_assert_nonnull (strstr (lines[1], ",1000,500,"));
  /* a formula is defused */
  g_assert_true (g_str_has_suffix (lines[2], ",\"'=HYPERLINK(\"\"http://evil\"\")\""));
  g_assert_cmpstr (lines[3], ==, "");

  {
    g_autoptr(JsonNode) r = http (&f, "GET", "/api/v1/analytics/export?range=1d&format=json",
                                  f.alice, NULL, NULL, &status);
    JsonArray *rows = json_object_get_array_member (json_node_get_object (r), "transfers");

    g_assert_cmpuint (status, ==, 200);
    g_assert_cmpuint (json_array_get_length (rows), ==, 2);
    g_assert_cmpstr (member_string (json_array_get_element (rows, 1), "summary.text"), ==,
                     "=HYPERLINK(\"http://evil\")");
  }
  fixture_stop (&f);
}

int
main (int    argc,
      char **argv)
{
  int rc;

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/server/history/analytics-figures", test_analytics_figures);
  g_test_add_func ("/server/history/csv-export", test_csv_export);
  rc = g_test_run ();
  fixture_livekit_free ();
  return rc;
}
