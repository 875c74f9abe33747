/* test-server-cors.c: a caller page on another origin may use the caller
 * routes, and nothing else
 *
 * What a browser does: for a request with Authorization or a JSON body it
 * first sends OPTIONS with Origin and Access-Control-Request-Method, and lets
 * the page read an answer only when Access-Control-Allow-Origin names the
 * page's origin. So the test checks those headers, per route and origin.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-server"

#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>

#include "server-fixture.h"

#define PAGE  "https://calls.example.com"
#define EVIL  "https://calls.example.com.evil.test"

typedef struct {
  guint status;
  char *allow_origin;     /* Access-Control-Allow-Origin, or NULL */
  char *allow_methods;
  char *allow_headers;
  char *vary;
  char *body;
} Answer;

static void
answer_clear (Answer *a)
{
  g_free (a->allow_origin);
  g_free (a->allow_methods);
  g_free (a->allow_headers);
  g_free (a->vary);
  g_free (a->body);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Answer, answer_clear)

/* origin NULL: no Origin header. preflight_for: send OPTIONS asking for that
 * method (method is then ignored). */
static void
ask (Fixture    *f,
     const char *method,
     const char *path,
     const char *origin,
     const char *preflight_for,
     const char *bearer,
     const char *body,
     Answer     *a)
{
  g_autofree char *url = g_strconcat (f->base, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (preflight_for ? "OPTIONS" : method, url);
  SoupMessageHeaders *req = soup_message_get_request_headers (msg);
  SoupMessageHeaders *res = soup_message_get_response_headers (msg);
  g_autoptr(GBytes) reply = NULL;

  if (origin != NULL)
    soup_message_headers_replace (req, "Origin", origin);
  if (preflight_for != NULL)
    {
      soup_message_headers_replace (req, "Access-Control-Request-Method", preflight_for);
      soup_message_headers_replace (req, "Access-Control-Request-Headers",
                                    "authorization, content-type");
    }
  if (bearer != NULL)
    {
      g_autofree char *value = g_strdup_printf ("Bearer %s", bearer);
      soup_message_headers_replace (req, "Authorization", value);
    }
  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));
      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }
  reply = http_send (f, msg);
  a->status = soup_message_get_status (msg);
  a->allow_origin = g_strdup (soup_message_headers_get_one (res, "Access-Control-Allow-Origin"));
  a->allow_methods = g_strdup (soup_message_headers_get_one (res, "Access-Control-Allow-Methods"));
  a->allow_headers = g_strdup (soup_message_headers_get_one (res, "Access-Control-Allow-Headers"));
  a->vary = g_strdup (soup_message_headers_get_list (res, "Vary"));
  a->body = reply ? g_strndup (g_bytes_get_data (reply, NULL), g_bytes_get_size (reply)) : NULL;
}

/* No CORS grant at all (the browser keeps the answer from the page). */
static void
assert_refused (Answer *a)
{
  g_assert_null (a->allow_origin);
  g_assert_null (a->allow_methods);
}

static void
assert_preflight_ok (Answer     *a,
                     const char *method)
{
  g_assert_cmpuint (a->status, ==, 204);
  g_assert_cmpstr (a->allow_origin, ==, PAGE);
  g_assert_cmpstr (a->allow_methods, ==, method);
  g_assert_nonnull (strstr (a->allow_headers, "Authorization"));
  g_assert_nonnull (strstr (a->allow_headers, "Content-Type"));
  g_assert_nonnull (strstr (a->vary, "Origin"));
}

static void
test_cors (void)
{
  Fixture f;
  FixtureOptions options = { .allowed_origin = PAGE };
  g_autofree char *call_path = NULL;
  g_autofree char *end_path = NULL;
  g_autofree char *caller_token = NULL;
  g_autofree char *call_id = NULL;
  g_autofree char *status_text = NULL;
  JsonNode *node;

  if (!fixture_start (&f, &options))
    return;

  /* The page's preflights for the three caller routes are granted. */
  {
    g_auto(Answer) a = { 0 };
    ask (&f, NULL, "/api/v1/calls", PAGE, "POST", NULL, NULL, &a);
    assert_preflight_ok (&a, "POST");
  }
  {
    g_auto(Answer) a = { 0 };
    ask (&f, NULL, "/api/v1/calls/abc123", PAGE, "GET", NULL, NULL, &a);
    assert_preflight_ok (&a, "GET");
  }
  {
    g_auto(Answer) a = { 0 };
    ask (&f, NULL, "/api/v1/calls/abc123/end", PAGE, "POST", NULL, NULL, &a);
    assert_preflight_ok (&a, "POST");
  }

  /* The page places a call, follows it and hangs up, and may read every
   * answer. */
  {
    g_auto(Answer) a = { 0 };
    ask (&f, "POST", "/api/v1/calls", PAGE, NULL, NULL, "{\"name\":\"Web Caller\"}", &a);
    g_assert_cmpuint (a.status, ==, 201);
    g_assert_cmpstr (a.allow_origin, ==, PAGE);
    node = json_from_string (a.body, NULL);
    call_id = g_strdup (member_string (node, "call_id"));
    caller_token = g_strdup (member_string (node, "token"));
    json_node_unref (node);
  }
  call_path = g_strconcat ("/api/v1/calls/", call_id, NULL);
  end_path = g_strconcat (call_path, "/end", NULL);
  {
    g_auto(Answer) a = { 0 };
    ask (&f, "GET", call_path, PAGE, NULL, caller_token, NULL, &a);
    g_assert_cmpuint (a.status, ==, 200);
    g_assert_cmpstr (a.allow_origin, ==, PAGE);
  }
  {
    /* An error answer is readable too (the page shows why). */
    g_auto(Answer) a = { 0 };
    ask (&f, "GET", "/api/v1/calls/nosuchcall", PAGE, NULL, caller_token, NULL, &a);
    g_assert_cmpuint (a.status, ==, 403);
    g_assert_cmpstr (a.allow_origin, ==, PAGE);
  }

  /* Another origin, even one that starts with the page's: nothing. */
  {
    g_auto(Answer) a = { 0 };
    ask (&f, NULL, "/api/v1/calls", EVIL, "POST", NULL, NULL, &a);
    assert_refused (&a);
    g_assert_cmpuint (a.status, ==, 405);
  }
  {
    g_auto(Answer) a = { 0 };
    ask (&f, "GET", call_path, EVIL, NULL, caller_token, NULL, &a);
    g_assert_cmpuint (a.status, ==, 200);    /* not a browser: it gets the answer, */
    assert_refused (&a);                     /* a browser would not show it */
    g_assert_nonnull (strstr (a.vary, "Origin"));
  }
  {
    g_auto(Answer) a = { 0 };
    ask (&f, NULL, "/api/v1/calls", "null", "POST", NULL, NULL, &a);
    assert_refused (&a);
  }

  /* A preflight for a method the route does not take is not granted. */
  {
    g_auto(Answer) a = { 0 };
    ask (&f, NULL, call_path, PAGE, "DELETE", NULL, NULL, &a);
    assert_refused (&a);
  }

  /* Agent routes: never, not even for the allowed page. */
  status_text = set_available (&f, f.alice);
  {
    static const struct { const char *method; const char *path; } agent_routes[] = {
      { "GET", "/api/v1/agents" },
      { "POST", "/api/v1/sessions" },
      { "PUT", "/api/v1/agents/me/status" },
      { "POST", "/api/v1/calls/{id}/accept" },
      { "POST", "/api/v1/calls/{id}/rejoin" },
      { "GET", "/api/v1/callers/{id}/history" },
      { "GET", "/api/v1/transfers" },
      { "GET", "/api/v1/analytics" },
      { "GET", "/metrics" },
    };

    for (guint i = 0; i < G_N_ELEMENTS (agent_routes); i++)
      {
        g_auto(GStrv) parts = g_strsplit (agent_routes[i].path, "{id}", -1);
        g_autofree char *path = g_strjoinv (call_id, parts);
        g_auto(Answer) pre = { 0 };
        g_auto(Answer) real = { 0 };

        ask (&f, NULL, path, PAGE, agent_routes[i].method, NULL, NULL, &pre);
        assert_refused (&pre);
        ask (&f, agent_routes[i].method, path, PAGE, NULL, f.alice, NULL, &real);
        g_test_message ("%s %s: %u", agent_routes[i].method, path, real.status);
        assert_refused (&real);
      }
  }

  /* The caller hangs up from the page. */
  {
    g_auto(Answer) a = { 0 };
    ask (&f, "POST", end_path, PAGE, NULL, caller_token, NULL, &a);
    g_assert_cmpuint (a.status, ==, 200);
    g_assert_cmpstr (a.allow_origin, ==, PAGE);
  }
  fixture_stop (&f);

  /* A server without allowed_origins grants nothing, to anyone. */
  if (!fixture_start (&f, NULL))
    return;
  {
    g_auto(Answer) a = { 0 };
    ask (&f, NULL, "/api/v1/calls", PAGE, "POST", NULL, NULL, &a);
    assert_refused (&a);
    g_assert_cmpuint (a.status, ==, 405);
  }
  {
    g_auto(Answer) a = { 0 };
    ask (&f, "POST", "/api/v1/calls", PAGE, NULL, NULL, "{\"name\":\"Web Caller\"}", &a);
    g_assert_cmpuint (a.status, ==, 201);
    assert_refused (&a);
  }
  fixture_stop (&f);
}

/* The setting: origins only, several at once; a wildcard, a path or
 * another scheme is a configuration error naming the setting. */
static void
test_cors_config (void)
{
  static const char *bad[] = {
    "*", "https://calls.example.com/", "https://calls.example.com/page", "ftp://example.com",
    "calls.example.com", "https://user@calls.example.com",
  };
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("handoff-cors-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "server.conf", NULL);
  g_autoptr(HandoffServerConfig) config = NULL;

  g_assert_no_error (error);
  g_file_set_contents (path, "[server]\nallowed_origins = https://Calls.Example.com, "
                             "http://localhost:8000;https://b.example\n", -1, &error);
  g_assert_no_error (error);
  config = handoff_server_config_load (path, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (config->allowed_origins), ==, 3);
  g_assert_true (g_strv_contains ((const char * const *) config->allowed_origins, PAGE));
  g_assert_true (g_strv_contains ((const char * const *) config->allowed_origins,
                                  "http://localhost:8000"));

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *text = g_strdup_printf ("[server]\nallowed_origins = %s\n", bad[i]);
      g_autoptr(HandoffServerConfig) refused = NULL;

      g_file_set_contents (path, text, -1, NULL);
      refused = handoff_server_config_load (path, TRUE, &error);
      g_assert_null (refused);
      g_assert_nonnull (strstr (error->message, "allowed_origins"));
      g_clear_error (&error);
    }
  g_unlink (path);
  g_rmdir (dir);
}

/* The binary: --allow-origin adds an origin; a bad one exits 2. */
static void
test_cors_flag (void)
{
  const char *binary = g_getenv ("HANDOFF_SERVER_BINARY");
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *db = NULL;
  g_autofree char *line = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  Fixture f = { 0 };

  if (binary == NULL)
    return g_test_skip ("HANDOFF_SERVER_BINARY is not set");
  dir = g_dir_make_tmp ("handoff-cors-XXXXXX", &error);
  db = g_build_filename (dir, "store.db", NULL);
  proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                           &error, binary, "--dev", "--port", "0", "--database", db,
                           "--allow-origin", "*", NULL);
  g_assert_no_error (error);
  g_subprocess_wait (proc, NULL, &error);
  g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 2);
  g_clear_object (&proc);

  proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                           &error, binary, "--dev", "--port", "0", "--database", db,
                           "--allow-origin", PAGE, NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (proc));
  /* --dev prints its demo agents first. */
  do
    {
      g_free (line);
      line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
      g_assert_no_error (error);
      g_assert_nonnull (line);
    }
  while (!g_str_has_prefix (line, "handoff-server listening on "));
  g_assert_true (g_str_has_prefix (line, "handoff-server listening on "));
  f.base = g_strdup (line + strlen ("handoff-server listening on "));
  f.session = soup_session_new ();
  {
    g_auto(Answer) a = { 0 };
    ask (&f, NULL, "/api/v1/calls/abc123/end", PAGE, "POST", NULL, NULL, &a);
    assert_preflight_ok (&a, "POST");
  }
  {
    g_auto(Answer) a = { 0 };
    ask (&f, NULL, "/api/v1/agents", PAGE, "GET", NULL, NULL, &a);
    assert_refused (&a);
  }
  g_subprocess_send_signal (proc, SIGTERM);
  g_subprocess_wait (proc, NULL, NULL);
  g_clear_object (&f.session);
  g_free (f.base);
  g_unlink (db);
  g_rmdir (dir);
}

int
main (int    argc,
      char **argv)
{
  int rc;

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/server/security/cors", test_cors);
  g_test_add_func ("/server/security/cors-config", test_cors_config);
  g_test_add_func ("/server/security/cors-flag", test_cors_flag);
  rc = g_test_run ();
  fixture_livekit_free ();
  return rc;
}
