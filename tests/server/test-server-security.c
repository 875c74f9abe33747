/* test-server-security.c: the authorization matrix, the bad-input table, the
 * OpenAPI contract against the routes, limits, and what must never leak
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-server"

#include <string.h>

#include "handoff-server-private.h"
#include "handoff-token.h"
#include "server-fixture.h"

enum { ANON, CALLER, OWNER, TARGET, OTHER, N_ACTORS };

/* 'A' authorized (anything but 401/403 and below 500), '1' 401, '3' 403. */
typedef struct {
  const char *method;
  const char *path;      /* {call} {other_call} {caller} {transfer} substituted */
  const char *body;
  const char expect[N_ACTORS + 1];
} MatrixRow;

static const MatrixRow matrix[] = {
  { "GET", "/api/v1/agents", NULL, "11AAA" },
  { "PUT", "/api/v1/agents/me/status", "{\"status\":\"busy\"}", "11AAA" },
  { "GET", "/api/v1/calls/{call}", NULL, "1AAAA" },
  { "GET", "/api/v1/calls/{other_call}", NULL, "13AAA" },
  { "POST", "/api/v1/calls/{call}/accept", NULL, "11AAA" },
  { "POST", "/api/v1/calls/{call}/decline", NULL, "11AAA" },
  { "POST", "/api/v1/calls/{call}/rejoin", NULL, "11A33" },
  { "POST", "/api/v1/calls/{other_call}/end", NULL, "133A3" },
  { "GET", "/api/v1/callers/{caller}/history", NULL, "11AAA" },
  { "POST", "/api/v1/transfers", "{\"call_id\":\"{call}\",\"target_agent_id\":\"{carol}\","
    "\"summary\":{\"text\":\"t\"}}", "11A33" },
  { "GET", "/api/v1/transfers", NULL, "11AAA" },
  { "GET", "/api/v1/transfers/{transfer}", NULL, "11AA3" },
  { "POST", "/api/v1/transfers/{transfer}/connect", NULL, "11A33" },
  { "POST", "/api/v1/transfers/{transfer}/complete", NULL, "11A33" },
  { "POST", "/api/v1/transfers/{transfer}/rating", "{\"score\":3}", "11AA3" },
  { "POST", "/api/v1/transfers/{transfer}/ready", NULL, "113A3" },
  { "POST", "/api/v1/transfers/{transfer}/accept", NULL, "113A3" },
  { "POST", "/api/v1/transfers/{transfer}/decline", NULL, "113A3" },
  { "POST", "/api/v1/transfers/{transfer}/cancel", NULL, "11A33" },
  { "GET", "/api/v1/analytics?range=30d", NULL, "11AAA" },
  { "GET", "/api/v1/analytics/export?range=1d&format=csv", NULL, "11AAA" },
  { "GET", "/api/v1/events", NULL, "11AAA" },
  { "POST", "/livekit/webhook", "{\"event\":\"room_finished\"}", "11111" },
  { "POST", "/api/v1/calls/{call}/end", NULL, "1AA33" },
  { "POST", "/api/v1/sessions/refresh", NULL, "11AAA" },
  { "DELETE", "/api/v1/sessions", NULL, "11AAA" },
};

static char *
substitute (const char  *text,
            const char **keys,
            const char **values)
{
  g_autoptr(GString) s = g_string_new (text);

  for (guint i = 0; keys[i] != NULL; i++)
    g_string_replace (s, keys[i], values[i], 0);
  return g_string_free (g_steal_pointer (&s), FALSE);
}

static void
test_authorization_matrix (void)
{
  Fixture f;
  g_autofree char *caller_token = NULL;
  g_autofree char *call_id = NULL;
  g_autofree char *other_caller = NULL;
  g_autofree char *other_call = NULL;
  g_autofree char *transfer_id = NULL;
  g_autofree char *caller_id = NULL;
  const char *actors[N_ACTORS];
  guint status;

  if (!fixture_start (&f, NULL))
    return;
  call_id = active_call (&f, f.alice, &caller_token);
  {
    /* bob's call: the caller of call_id must not see it */
    g_autofree char *s = set_available (&f, f.bob);

    other_call = create_call (&f, &other_caller);
    json_node_unref (call_action (&f, other_call, "accept", f.bob, NULL));
  }
  {
    g_autofree char *path = g_strdup_printf ("/api/v1/calls/%s", call_id);
    g_autoptr(JsonNode) r = http (&f, "GET", path, f.alice, NULL, NULL, &status);
    caller_id = g_strdup (member_string (r, "caller_id"));
  }
  transfer_id = start_transfer_with (&f, call_id, f.alice, f.bob_id,
                                     "\"summary\":{\"text\":\"needs tech\"}");

  actors[ANON] = NULL;
  actors[CALLER] = caller_token;
  for (guint row = 0; row < G_N_ELEMENTS (matrix); row++)
    {
      const char *keys[] = { "{call}", "{other_call}", "{caller}", "{transfer}", "{carol}", NULL };
      const char *values[] = { call_id, other_call, caller_id, transfer_id, f.carol_id, NULL };
      g_autofree char *path = substitute (matrix[row].path, keys, values);
      g_autofree char *body = matrix[row].body ? substitute (matrix[row].body, keys, values)
                                               : NULL;

      /* Signing out and refreshing end a session: give each agent a
       * throwaway one. */
      if (g_str_has_prefix (matrix[row].path, "/api/v1/sessions"))
        {
          actors[OWNER] = tmp (sign_in (&f, "alice", ALICE_PASSWORD, NULL));
          actors[TARGET] = tmp (sign_in (&f, "bob", BOB_PASSWORD, NULL));
          actors[OTHER] = tmp (sign_in (&f, "carol", CAROL_PASSWORD, NULL));
        }
      else
        {
          actors[OWNER] = f.alice;
          actors[TARGET] = f.bob;
          actors[OTHER] = f.carol;
        }
      for (guint a = 0; a < N_ACTORS; a++)
        {
          g_autoptr(JsonNode) r = http (&f, matrix[row].method, path, actors[a], NULL, body,
                                        &status);
          char want = matrix[row].expect[a];

          g_test_message ("%s %s as actor %u: %u (want %c)", matrix[row].method, path, a, status,
                          want);
          if (want == '1')
            {
              g_assert_cmpuint (status, ==, 401);
              assert_error (r, "unauthorized");
            }
          else if (want == '3')
            {
              g_assert_cmpuint (status, ==, 403);
              assert_error (r, "forbidden");
            }
          else
            {
              g_assert_cmpuint (status, !=, 401);
              g_assert_cmpuint (status, !=, 403);
              g_assert_cmpuint (status, <, 500);
            }
        }
    }
  /* Signed out is signed out: the throwaway sessions are dead now. */
  {
    g_autoptr(JsonNode) r = http (&f, "GET", "/api/v1/agents", actors[OTHER], NULL, NULL,
                                  &status);
    g_assert_cmpuint (status, ==, 401);
    assert_error (r, "unauthorized");
  }
  /* The public routes answer anyone. */
  {
    g_autoptr(JsonNode) r = http (&f, "GET", "/healthz", NULL, NULL, NULL, &status);
    g_assert_cmpuint (status, ==, 200);
    g_assert_cmpstr (member_string (r, "status"), ==, "ok");
  }
  fixture_stop (&f);
}

typedef struct {
  const char *what;
  const char *method;
  const char *path;
  const char *auth;          /* "alice", "forged", "expired", "caller-forged", NULL */
  const char *content_type;
  const char *body;          /* "@big" = an oversized body */
  guint status;
  const char *code;
} BadInput;

static const BadInput bad_inputs[] = {
  { "malformed JSON", "POST", "/api/v1/sessions", NULL, NULL, "{\"username\":", 400,
    "invalid_json" },
  { "array body", "POST", "/api/v1/sessions", NULL, NULL, "[]", 400, "invalid_json" },
  { "wrong type", "POST", "/api/v1/sessions", NULL, NULL,
    "{\"username\":5,\"password\":\"x\"}", 400, "invalid_field" },
  { "missing field", "POST", "/api/v1/sessions", NULL, NULL, "{\"username\":\"alice\"}", 400,
    "missing_field" },
  { "bad content type", "POST", "/api/v1/sessions", NULL, "text/plain",
    "{\"username\":\"alice\",\"password\":\"x\"}", 415, "unsupported_media_type" },
  { "form content type", "POST", "/api/v1/calls", NULL, "application/x-www-form-urlencoded",
    "name=x", 415, "unsupported_media_type" },
  { "wrong password", "POST", "/api/v1/sessions", NULL, NULL,
    "{\"username\":\"alice\",\"password\":\"guess\"}", 401, "unauthorized" },
  { "unknown user", "POST", "/api/v1/sessions", NULL, NULL,
    "{\"username\":\"mallory\",\"password\":\"guess\"}", 401, "unauthorized" },
  { "unknown route", "GET", "/api/v1/nope", "alice", NULL, NULL, 404, "not_found" },
  { "unknown version", "GET", "/api/v2/agents", "alice", NULL, NULL, 404, "not_found" },
  { "wrong method", "DELETE", "/api/v1/agents", "alice", NULL, NULL, 405, "method_not_allowed" },
  { "bad id characters", "GET", "/api/v1/calls/a%20b", "alice", NULL, NULL, 404, "not_found" },
  { "empty name", "POST", "/api/v1/calls", NULL, NULL, "{\"name\":\"\"}", 400, "invalid_field" },
  { "oversized body", "POST", "/api/v1/calls", NULL, NULL, "@big", 413, "payload_too_large" },
  { "bad status value", "PUT", "/api/v1/agents/me/status", "alice", NULL,
    "{\"status\":\"asleep\"}", 400, "invalid_field" },
  { "forged session", "GET", "/api/v1/agents", "forged", NULL, NULL, 401, "unauthorized" },
  { "refresh without session", "POST", "/api/v1/sessions/refresh", NULL, NULL, NULL, 401,
    "unauthorized" },
  { "refresh forged session", "POST", "/api/v1/sessions/refresh", "forged", NULL, NULL, 401,
    "unauthorized" },
  { "refresh expired session", "POST", "/api/v1/sessions/refresh", "expired", NULL, NULL, 401,
    "unauthorized" },
  { "refresh with caller token", "POST", "/api/v1/sessions/refresh", "caller-forged", NULL, NULL,
    401, "unauthorized" },
  { "expired session", "GET", "/api/v1/agents", "expired", NULL, NULL, 401, "unauthorized" },
  { "forged caller token", "GET", "/api/v1/calls/{call}", "caller-forged", NULL, NULL, 401,
    "unauthorized" },
  { "expired caller token", "GET", "/api/v1/calls/{call}", "caller-expired", NULL, NULL, 401,
    "unauthorized" },
  { "agent token as caller", "GET", "/api/v1/calls/{call}", "agent-jwt", NULL, NULL, 401,
    "unauthorized" },
  { "summary not an object", "POST", "/api/v1/transfers", "alice", NULL,
    "{\"call_id\":\"{call}\",\"target_agent_id\":\"x\",\"summary\":\"text\"}", 400,
    "invalid_field" },
  { "unknown call", "POST", "/api/v1/transfers", "alice", NULL,
    "{\"call_id\":\"0000\",\"target_agent_id\":\"x\",\"summary\":{\"text\":\"t\"}}", 404,
    "not_found" },
  { "unknown target", "POST", "/api/v1/transfers", "alice", NULL,
    "{\"call_id\":\"{call}\",\"target_agent_id\":\"nobody\",\"summary\":{\"text\":\"t\"}}", 404,
    "not_found" },
  { "transfer to self", "POST", "/api/v1/transfers", "alice", NULL,
    "{\"call_id\":\"{call}\",\"target_agent_id\":\"{alice}\",\"summary\":{\"text\":\"t\"}}",
    400, "invalid_field" },
  { "limit out of range", "GET", "/api/v1/transfers?limit=0", "alice", NULL, NULL, 400,
    "invalid_field" },
  { "limit not a number", "GET", "/api/v1/transfers?limit=ten", "alice", NULL, NULL, 400,
    "invalid_field" },
  { "bad since", "GET", "/api/v1/transfers?since=yesterday", "alice", NULL, NULL, 400,
    "invalid_field" },
  { "bad outcome", "GET", "/api/v1/transfers?outcome=great", "alice", NULL, NULL, 400,
    "invalid_field" },
  { "bad range", "GET", "/api/v1/analytics?range=2d", "alice", NULL, NULL, 400, "invalid_field" },
  { "bad export format", "GET", "/api/v1/analytics/export?format=xml", "alice", NULL, NULL, 400,
    "invalid_field" },
  { "rating as string", "POST", "/api/v1/transfers/none/rating", "alice", NULL,
    "{\"score\":\"5\"}", 400, "invalid_field" },
  { "unknown transfer", "POST", "/api/v1/transfers/none/accept", "alice", NULL, NULL, 404,
    "not_found" },
  { "events without upgrade", "GET", "/api/v1/events", "alice", NULL, NULL, 400,
    "invalid_field" },
  { "events without session", "GET", "/api/v1/events", NULL, NULL, NULL, 401, "unauthorized" },
  { "webhook unsigned", "POST", "/livekit/webhook", NULL, "application/webhook+json",
    "{\"event\":\"room_finished\",\"room\":{\"name\":\"call-{call}\"}}", 401, "unauthorized" },
  { "webhook forged", "POST", "/livekit/webhook", "webhook-forged", "application/webhook+json",
    "{\"event\":\"room_finished\",\"room\":{\"name\":\"call-{call}\"}}", 401, "unauthorized" },
  { "webhook tampered", "POST", "/livekit/webhook", "webhook-other-body",
    "application/webhook+json", "{\"event\":\"room_finished\",\"room\":{\"name\":\"call-{call}\"}}",
    401, "unauthorized" },
  { "webhook content type", "POST", "/livekit/webhook", "webhook", "text/plain",
    "{\"event\":\"room_finished\"}", 415, "unsupported_media_type" },
  { "webhook not JSON", "POST", "/livekit/webhook", "webhook", "application/webhook+json",
    "not json", 400, "invalid_json" },
};

static char *
sign_webhook (const char *secret,
              const char *body)
{
  g_autofree char *hash = NULL;
  guint8 digest[32];
  gsize len = sizeof digest;
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree char *payload = NULL;

  /* handoff-token has no webhook signer (the server never sends webhooks):
   * build one the way LiveKit does, with libjwt. */
  g_checksum_update (sum, (const guint8 *) body, strlen (body));
  g_checksum_get_digest (sum, digest, &len);
  hash = g_base64_encode (digest, len);
  payload = g_strdup_printf ("{\"sha256\":\"%s\"}", hash);
  return handoff_test_sign_claims (secret, payload);
}

static void
test_bad_input_table (void)
{
  Fixture f;
  g_autofree char *call_id = NULL;
  g_autofree char *caller_token = NULL;
  g_autofree char *big = NULL;
  g_autofree char *agent_jwt = NULL;
  gint64 calls_before;
  guint status;

  if (!fixture_start (&f, NULL))
    return;
  call_id = active_call (&f, f.alice, &caller_token);
  big = g_strnfill (300 * 1024, 'x');
  big[0] = '{';
  {
    /* an expired session, as the store would hold it */
    g_autofree char *hash = handoff_sha256_hex ("expired-session-token-0123456789");
    g_assert_cmpint (handoff_store_exec (handoff_server_get_store (f.server),
                                         "INSERT INTO sessions VALUES (?, ?, 0, 1)",
                                         g_variant_new ("(ss)", hash, f.alice_id), NULL), ==, 1);
  }
  {
    g_autofree char *room = g_strconcat ("call-", call_id, NULL);
    agent_jwt = handoff_token_mint_participant (HANDOFF_TEST_API_KEY, HANDOFF_TEST_API_SECRET,
                                                HANDOFF_TOKEN_ROLE_AGENT, "agent-alice", "A",
                                                room, 60, NULL);
  }
  calls_before = handoff_store_query_int (handoff_server_get_store (f.server),
                                          "SELECT count(*) FROM calls", NULL, -1, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (bad_inputs); i++)
    {
      const BadInput *b = &bad_inputs[i];
      const char *keys[] = { "{call}", "{alice}", NULL };
      const char *values[] = { call_id, f.alice_id, NULL };
      g_autofree char *path = substitute (b->path, keys, values);
      g_autofree char *body = b->body == NULL ? NULL
                              : strcmp (b->body, "@big") == 0 ? g_strdup (big)
                              : substitute (b->body, keys, values);
      g_autofree char *auth = NULL;
      g_autoptr(JsonNode) r = NULL;

      if (g_strcmp0 (b->auth, "alice") == 0)
        auth = g_strdup (f.alice);
      else if (g_strcmp0 (b->auth, "forged") == 0)
        auth = g_strdup ("Zm9yZ2VkLXNlc3Npb24tdG9rZW4tMDEyMzQ1Njc4OQ");
      else if (g_strcmp0 (b->auth, "expired") == 0)
        auth = g_strdup ("expired-session-token-0123456789");
      else if (g_strcmp0 (b->auth, "agent-jwt") == 0)
        auth = g_strdup (agent_jwt);
      else if (g_strcmp0 (b->auth, "caller-forged") == 0 || g_strcmp0 (b->auth, "caller-expired") == 0)
        {
          g_autofree char *room = g_strconcat ("call-", call_id, NULL);
          g_autofree char *identity = g_strconcat ("caller-", call_id, NULL);
          gboolean forged = strcmp (b->auth, "caller-forged") == 0;
          g_autofree char *claims = g_strdup_printf (
            "{\"iss\":\"%s\",\"sub\":\"%s\",\"exp\":%" G_GINT64_FORMAT ","
            "\"video\":{\"room\":\"%s\",\"roomJoin\":true}}", HANDOFF_TEST_API_KEY, identity,
            g_get_real_time () / G_USEC_PER_SEC + (forged ? 600 : -600), room);
          auth = handoff_test_sign_claims (forged ? "forged-secret-0123456789abcdef0123456"
                                                  : HANDOFF_TEST_API_SECRET, claims);
        }
      else if (g_strcmp0 (b->auth, "webhook") == 0)
        auth = sign_webhook (HANDOFF_TEST_API_SECRET, body);
      else if (g_strcmp0 (b->auth, "webhook-forged") == 0)
        auth = sign_webhook ("forged-secret-0123456789abcdef0123456", body);
      else if (g_strcmp0 (b->auth, "webhook-other-body") == 0)
        auth = sign_webhook (HANDOFF_TEST_API_SECRET, "{\"event\":\"room_started\"}");

      r = http (&f, b->method, path, auth, b->content_type, body, &status);
      g_test_message ("%s: %u", b->what, status);
      g_assert_cmpuint (status, ==, b->status);
      assert_error (r, b->code);
    }

  /* Still up, nothing half-written: the call is as it was. */
  {
    g_autofree char *path = g_strdup_printf ("/api/v1/calls/%s", call_id);
    g_autoptr(JsonNode) r = http (&f, "GET", "/healthz", NULL, NULL, NULL, &status);
    g_autoptr(JsonNode) c = http (&f, "GET", path, f.alice, NULL, NULL, &status);
    g_assert_cmpuint (status, ==, 200);
    g_assert_cmpstr (member_string (c, "state"), ==, "active");
  }
  g_assert_cmpint (handoff_store_query_int (handoff_server_get_store (f.server),
                                            "SELECT count(*) FROM calls", NULL, -1, NULL), ==,
                   calls_before);
  g_assert_cmpint (handoff_store_query_int (handoff_server_get_store (f.server),
                                            "SELECT count(*) FROM transfers", NULL, -1, NULL), ==,
                   0);
  fixture_stop (&f);
}

/* Every route of the server is in openapi.yaml, and every path+method there
 * is a route; and each one is really answered (not the unknown-route 404). */
static void
test_openapi_matches_routes (void)
{
  Fixture f;
  g_autofree char *path = g_build_filename (g_getenv ("HANDOFF_SOURCE_ROOT"), "src", "server",
                                            "openapi.yaml", NULL);
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GHashTable) documented = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) served = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  const HandoffServerRouteInfo *routes = handoff_server_routes ();
  g_autofree char *current = NULL;
  gboolean in_paths = FALSE;
  GHashTableIter iter;
  gpointer key;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *l = lines[i];

      if (strcmp (l, "paths:") == 0)
        in_paths = TRUE;
      else if (in_paths && l[0] != ' ' && l[0] != '\0')
        in_paths = FALSE;
      else if (in_paths && g_str_has_prefix (l, "  /") && g_str_has_suffix (l, ":"))
        {
          g_free (current);
          current = g_strndup (l + 2, strlen (l) - 3);
        }
      else if (in_paths && current != NULL && g_str_has_prefix (l, "    ")
               && l[4] != ' ' && g_str_has_suffix (l, ":"))
        {
          g_autofree char *method = g_ascii_strup (l + 4, strlen (l) - 5);
          if (g_strv_contains ((const char *[]) { "GET", "POST", "PUT", "DELETE", "PATCH",
                                                  NULL }, method))
            g_hash_table_add (documented, g_strdup_printf ("%s %s", method, current));
        }
    }
  for (guint i = 0; routes[i].method != NULL; i++)
    g_hash_table_add (served, g_strdup_printf ("%s %s", routes[i].method, routes[i].path));

  g_assert_cmpuint (g_hash_table_size (documented), >, 20);
  g_hash_table_iter_init (&iter, served);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_hash_table_contains (documented, key))
      g_error ("route %s is not in openapi.yaml", (char *) key);
  g_hash_table_iter_init (&iter, documented);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_hash_table_contains (served, key))
      g_error ("openapi.yaml documents %s, which the server does not serve", (char *) key);

  if (!fixture_start (&f, NULL))
    return;
  for (guint i = 0; routes[i].method != NULL; i++)
    {
      const char *keys[] = { "{id}", NULL };
      const char *values[] = { "probe", NULL };
      g_autofree char *p = substitute (routes[i].path, keys, values);
      guint status;
      g_autoptr(JsonNode) r = http (&f, routes[i].method, p, f.alice, NULL, NULL, &status);

      g_test_message ("%s %s -> %u", routes[i].method, p, status);
      g_assert_cmpuint (status, !=, 405);
      g_assert_false (status == 404 && g_strcmp0 (member_string (r, "message"),
                                                  "No such route") == 0);
    }
  fixture_stop (&f);
}

static void
test_nothing_leaks (void)
{
  Fixture f;
  static const char *debug_paths[] = {
    "/debug/env", "/env", "/config", "/debug/vars", "/api/v1/config", "/api/v1/debug/env",
    "/.env", "/api/v1/env", NULL,
  };
  static const char *get_paths[] = {
    "/healthz", "/metrics", "/api/v1/agents", "/api/v1/transfers", "/api/v1/analytics?range=90d",
    "/api/v1/analytics/export?range=90d&format=json", "/api/v1/analytics/export?format=csv",
    NULL,
  };
  guint status;

  if (!fixture_start (&f, NULL))
    return;
  g_free (active_call (&f, f.alice, NULL));
  for (guint i = 0; debug_paths[i] != NULL; i++)
    {
      g_autoptr(JsonNode) r = http (&f, "GET", debug_paths[i], f.alice, NULL, NULL, &status);
      g_assert_cmpuint (status, ==, 404);
    }
  for (guint i = 0; get_paths[i] != NULL; i++)
    {
      g_autofree char *url = g_strconcat (f.base, get_paths[i], NULL);
      g_autoptr(GBytes) body = http_raw (&f, "GET", url, f.alice, NULL, NULL, &status, NULL);
      g_autofree char *text = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));

      g_assert_cmpuint (status, ==, 200);
      g_assert_null (strstr (text, HANDOFF_TEST_API_SECRET));
      g_assert_null (strstr (text, ALICE_PASSWORD));
      g_assert_null (strstr (text, "password_hash"));
      g_assert_null (strstr (text, "$y$"));
      g_assert_null (strstr (text, f.bob));
    }
  fixture_stop (&f);
}

static void
chunked_sent (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GBytes **out = user_data;

  *out = soup_session_send_and_read_finish (SOUP_SESSION (source), result, NULL);
  if (*out == NULL)
    *out = g_bytes_new (NULL, 0);
}

/* A body without a length is refused before it is read. */
static void
test_chunked_body_refused (void)
{
  Fixture f;
  g_autofree char *url = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GBytes) reply = NULL;
  g_autofree char *text = NULL;
  g_autoptr(JsonNode) node = NULL;

  if (!fixture_start (&f, NULL))
    return;
  url = g_strconcat (f.base, "/api/v1/calls", NULL);
  msg = soup_message_new ("POST", url);
  stream = g_memory_input_stream_new_from_data ("{\"name\":\"Chunky\"}", 17, NULL);
  soup_message_set_request_body (msg, "application/json", stream, -1);
  soup_session_send_and_read_async (f.session, msg, G_PRIORITY_DEFAULT, NULL, chunked_sent,
                                    &reply);
  while (reply == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 411);
  text = g_strndup (g_bytes_get_data (reply, NULL), g_bytes_get_size (reply));
  node = json_from_string (text, NULL);
  assert_error (node, "length_required");
  g_assert_cmpint (handoff_store_query_int (handoff_server_get_store (f.server),
                                            "SELECT count(*) FROM calls", NULL, -1, NULL), ==, 0);
  fixture_stop (&f);
}

static void
test_rate_limit (void)
{
  Fixture f;
  FixtureOptions options = { .calls_per_minute = 3 };
  guint status;

  if (!fixture_start (&f, &options))
    return;
  for (guint i = 0; i < 3; i++)
    g_free (create_call (&f, NULL));
  {
    g_autoptr(JsonNode) r = http (&f, "POST", "/api/v1/calls", NULL, NULL, "{\"name\":\"D\"}",
                                  &status);
    g_assert_cmpuint (status, ==, 429);
    assert_error (r, "rate_limited");
  }
  g_assert_cmpint (handoff_store_query_int (handoff_server_get_store (f.server),
                                            "SELECT count(*) FROM calls", NULL, -1, NULL), ==, 3);
  fixture_stop (&f);
}

static void
test_livekit_unreachable (void)
{
  Fixture f;
  FixtureOptions options = { .no_livekit = TRUE };
  guint status;

  if (!fixture_start (&f, &options))
    return;
  {
    g_autoptr(JsonNode) r = http (&f, "POST", "/api/v1/calls", NULL, NULL, "{\"name\":\"E\"}",
                                  &status);
    g_assert_cmpuint (status, ==, 502);
    assert_error (r, "upstream_failed");
  }
  /* Nothing confirmed, nothing stored. */
  g_assert_cmpint (handoff_store_query_int (handoff_server_get_store (f.server),
                                            "SELECT count(*) FROM calls", NULL, -1, NULL), ==, 0);
  fixture_stop (&f);
}

int
main (int    argc,
      char **argv)
{
  int rc;

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/server/security/authorization-matrix", test_authorization_matrix);
  g_test_add_func ("/server/security/bad-input-table", test_bad_input_table);
  g_test_add_func ("/server/security/openapi-matches-routes", test_openapi_matches_routes);
  g_test_add_func ("/server/security/nothing-leaks", test_nothing_leaks);
  g_test_add_func ("/server/security/chunked-body-refused", test_chunked_body_refused);
  g_test_add_func ("/server/security/rate-limit", test_rate_limit);
  g_test_add_func ("/server/security/livekit-unreachable", test_livekit_unreachable);
  rc = g_test_run ();
  fixture_livekit_free ();
  return rc;
}
