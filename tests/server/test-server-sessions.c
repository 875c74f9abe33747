/* test-server-sessions.c: a session outlives its TTL only by being refreshed
 *
 * The server runs with a 5 s session lifetime. An agent that refreshes keeps
 * working and its event stream stays open (and keeps delivering) past the
 * first session's expiry; an agent that does not is refused and its stream
 * closed. Expired, forged and missing sessions cannot refresh, and no token
 * (old or new) reaches a log line.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-server"

#include <string.h>

#include "handoff-server-private.h"
#include "handoff-store.h"
#include "server-fixture.h"

#define TTL 5

static GString *logged;

static GLogWriterOutput
record_log (GLogLevelFlags   level,
            const GLogField *fields,
            gsize            n_fields,
            gpointer         user_data)
{
  for (gsize i = 0; i < n_fields; i++)
    if (g_strcmp0 (fields[i].key, "MESSAGE") == 0 || g_strcmp0 (fields[i].key, "GLIB_DOMAIN") == 0)
      {
        if (fields[i].length < 0)
          g_string_append (logged, fields[i].value);
        else
          g_string_append_len (logged, fields[i].value, fields[i].length);
        g_string_append_c (logged, '\n');
      }
  return g_log_writer_default (level, fields, n_fields, user_data);
}

static char *
refresh (Fixture    *f,
         const char *token,
         guint       want_status)
{
  guint status;
  g_autoptr(JsonNode) r = http (f, "POST", "/api/v1/sessions/refresh", token, NULL, NULL, &status);

  g_assert_cmpuint (status, ==, want_status);
  if (want_status != 201)
    {
      assert_error (r, "unauthorized");
      return NULL;
    }
  g_assert_nonnull (member_string (r, "expires_at"));
  g_assert_cmpstr (member_string (r, "agent.username"), ==, "alice");
  g_assert_cmpstr (member_string (r, "token"), !=, token);
  return g_strdup (member_string (r, "token"));
}

static guint
agents_status (Fixture    *f,
               const char *token)
{
  guint status;
  g_autoptr(JsonNode) r = http (f, "GET", "/api/v1/agents", token, NULL, NULL, &status);

  return status;
}

/* Bob (a fresh session each time) changes presence: every agent's stream
 * gets an agent_status event. */
static void
bob_says (Fixture    *f,
          const char *status_value)
{
  g_autofree char *bob = sign_in (f, "bob", BOB_PASSWORD, NULL);
  g_autofree char *body = g_strdup_printf ("{\"status\":\"%s\"}", status_value);
  guint status;
  g_autoptr(JsonNode) r = http (f, "PUT", "/api/v1/agents/me/status", bob, NULL, body, &status);

  g_assert_cmpuint (status, ==, 200);
}

/* When the store says the session of `token` ends (ms since the epoch). */
static gint64
session_expiry (Fixture    *f,
                const char *token)
{
  g_autofree char *hash = handoff_sha256_hex (token);

  return handoff_store_query_int (handoff_server_get_store (f->server),
                                  "SELECT expires_at FROM sessions WHERE token_hash = ?",
                                  g_variant_new ("(s)", hash), 0, NULL);
}

static gboolean
stream_closed (gpointer data)
{
  return ((EventStream *) data)->closed;
}

static void
test_refresh_outlives_ttl (void)
{
  Fixture f;
  FixtureOptions options = { .session_ttl = TTL };
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *third = NULL;
  g_autofree char *carol = NULL;
  EventStream *mine, *carols;
  guint cursor = 0;
  gint64 old_expiry, now;

  if (!fixture_start (&f, &options))
    return;
  first = sign_in (&f, "alice", ALICE_PASSWORD, NULL);
  carol = sign_in (&f, "carol", CAROL_PASSWORD, NULL);
  mine = events_open (&f, first, -1);
  carols = events_open (&f, carol, -1);

  /* Refreshed halfway: the new token works; the old one only for its grace,
   * which never reaches past its own expiry. */
  spin (TTL * 1000 / 2);
  second = refresh (&f, first, 201);
  g_assert_cmpuint (agents_status (&f, second), ==, 200);
  g_assert_cmpuint (agents_status (&f, first), ==, 200);
  old_expiry = session_expiry (&f, first);
  now = g_get_real_time () / 1000;
  g_assert_cmpint (old_expiry, >, now);
  g_assert_cmpint (old_expiry, <=, now + TTL * 1000);

  /* Past the first session's end: it is refused, also for refreshing, and
   * carol's stream (never refreshed) is closed as expired. Mine is open. */
  spin ((guint) (old_expiry - g_get_real_time () / 1000) + 300);
  g_assert_cmpuint (agents_status (&f, first), ==, 401);
  g_assert_null (refresh (&f, first, 401));
  g_assert_true (wait_for (stream_closed, carols, 3000));
  g_assert_cmpint (soup_websocket_connection_get_close_code (carols->conn), ==, 4401);
  g_assert_cmpstr (soup_websocket_connection_get_close_data (carols->conn), ==, "session expired");
  g_assert_false (mine->closed);
  bob_says (&f, "available");
  g_assert_nonnull (events_wait (mine, "agent_status", &cursor, 5000));

  /* And once more: past the second session's end the third carries on;
   * when the third ends unrefreshed, so does the stream. */
  third = refresh (&f, second, 201);
  spin ((guint) (session_expiry (&f, second) - g_get_real_time () / 1000) + 300);
  g_assert_cmpuint (agents_status (&f, second), ==, 401);
  g_assert_cmpuint (agents_status (&f, third), ==, 200);
  g_assert_false (mine->closed);
  bob_says (&f, "away");
  g_assert_nonnull (events_wait (mine, "agent_status", &cursor, 5000));
  g_assert_true (wait_for (stream_closed, mine, (TTL + 3) * 1000));
  g_assert_cmpstr (soup_websocket_connection_get_close_data (mine->conn), ==, "session expired");
  g_assert_null (refresh (&f, third, 401));

  events_close (carols);
  events_close (mine);
  fixture_stop (&f);

  /* No token, old or new, in any log line. */
  g_assert_null (strstr (logged->str, first));
  g_assert_null (strstr (logged->str, second));
  g_assert_null (strstr (logged->str, third));
  g_assert_null (strstr (logged->str, carol));
}

/* Events keep flowing on a refreshed stream, and signing out closes it. */
static void
test_sign_out_closes_stream (void)
{
  Fixture f;
  FixtureOptions options = { .session_ttl = 60 };
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  EventStream *mine;
  guint cursor = 0;
  guint status;

  if (!fixture_start (&f, &options))
    return;
  first = sign_in (&f, "alice", ALICE_PASSWORD, NULL);
  mine = events_open (&f, first, -1);
  second = refresh (&f, first, 201);
  bob_says (&f, "away");
  g_assert_nonnull (events_wait (mine, "agent_status", &cursor, 5000));
  {
    g_autoptr(JsonNode) r = http (&f, "DELETE", "/api/v1/sessions", second, NULL, NULL, &status);
    g_assert_cmpuint (status, ==, 204);
  }
  g_assert_true (wait_for (stream_closed, mine, 3000));
  g_assert_cmpint (soup_websocket_connection_get_close_code (mine->conn), ==, 4401);
  g_assert_cmpuint (agents_status (&f, second), ==, 401);
  g_assert_null (refresh (&f, second, 401));
  events_close (mine);
  fixture_stop (&f);
}

int
main (int    argc,
      char **argv)
{
  int rc;

  g_test_init (&argc, &argv, NULL);
  logged = g_string_new (NULL);
  g_log_set_writer_func (record_log, NULL, NULL);
  g_test_add_func ("/server/sessions/refresh-outlives-ttl", test_refresh_outlives_ttl);
  g_test_add_func ("/server/sessions/sign-out-closes-stream", test_sign_out_closes_stream);
  rc = g_test_run ();
  fixture_livekit_free ();
  g_string_free (logged, TRUE);
  return rc;
}
