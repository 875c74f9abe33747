/* test-server-durability.c: the handoff-server binary under kill -9, SIGTERM,
 * bad configuration, --dev, and its log (which must hold no secret)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-server"

#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>

#include "handoff-store.h"
#include "server-fixture.h"

typedef struct {
  GSubprocess *process;
  char *log_path;
} Running;

static char *test_dir;
static char *config_path;
static char *log_all;          /* every log of every run, for the secret scan */

static const char *
binary (void)
{
  return g_getenv ("HANDOFF_SERVER_BINARY");
}

static GSubprocess *
run_binary (const char * const *argv,
            const char         *stdin_text,
            char              **out,
            char              **err,
            int                *exit_status)
{
  g_autoptr(GError) error = NULL;
  GSubprocess *p = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDIN_PIPE
                                      | G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                      | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);

  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (p, stdin_text, NULL, out, err, &error));
  g_assert_no_error (error);
  *exit_status = g_subprocess_get_if_exited (p) ? g_subprocess_get_exit_status (p) : -1;
  return p;
}

static void
add_agent (const char *username,
           const char *password)
{
  const char *argv[] = { binary (), "--config", config_path, "agent", "add", username,
                         "--skills", "general", NULL };
  g_autofree char *out = NULL, *err = NULL;
  g_autofree char *line = g_strconcat (password, "\n", NULL);
  int status;
  g_autoptr(GSubprocess) p = run_binary (argv, line, &out, &err, &status);

  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (out, username));
}

static Running *
start_server (Fixture *f)
{
  const char *argv[] = { binary (), "--config", config_path, "--verbose", NULL };
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (
    G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  g_autofree char *line = NULL;
  Running *r = g_new0 (Running, 1);
  static guint runs;

  r->log_path = g_strdup_printf ("%s/server-%u.log", test_dir, runs++);
  g_subprocess_launcher_set_stderr_file_path (launcher, r->log_path);
  r->process = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (r->process));
  line = g_data_input_stream_read_line_utf8 (lines, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_assert_true (g_str_has_prefix (line, "handoff-server listening on http://127.0.0.1:"));
  g_free (f->base);
  f->base = g_strdup (line + strlen ("handoff-server listening on "));
  return r;
}

static void
collect_log (Running *r)
{
  g_autofree char *text = NULL;

  if (g_file_get_contents (r->log_path, &text, NULL, NULL))
    {
      char *joined = g_strconcat (log_all ? log_all : "", text, NULL);
      g_free (log_all);
      log_all = joined;
    }
}

static int
stop_server_full (Running *r,
                  gboolean hard,
                  gboolean signalled)
{
  g_autoptr(GError) error = NULL;
  int status;

  if (hard)
    g_subprocess_force_exit (r->process);
  else if (!signalled)
    g_subprocess_send_signal (r->process, SIGTERM);
  g_assert_true (g_subprocess_wait (r->process, NULL, &error));
  status = g_subprocess_get_if_exited (r->process) ? g_subprocess_get_exit_status (r->process)
                                                   : -g_subprocess_get_term_sig (r->process);
  collect_log (r);
  g_object_unref (r->process);
  g_free (r->log_path);
  g_free (r);
  return status;
}

static int
stop_server (Running *r,
             gboolean hard)
{
  return stop_server_full (r, hard, FALSE);
}

typedef struct {
  GPtrArray *confirmed;     /* call ids answered 201 */
  guint answered;
  guint failed;
} Load;

typedef struct {
  Load *load;
  SoupMessage *msg;
} LoadRequest;

static void
load_sent (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  LoadRequest *req = user_data;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, NULL);

  req->load->answered++;
  if (body != NULL && soup_message_get_status (req->msg) == 201)
    {
      g_autofree char *text = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
      g_autoptr(JsonNode) node = json_from_string (text, NULL);
      g_ptr_array_add (req->load->confirmed, g_strdup (member_string (node, "call_id")));
    }
  else
    req->load->failed++;
  g_object_unref (req->msg);
  g_free (req);
}

static void
test_kill9_under_load (void)
{
  Fixture f = { 0 };
  Running *server;
  Load load = { g_ptr_array_new_with_free_func (g_free), 0, 0 };
  g_autofree char *alice = NULL, *bob = NULL, *alice_id = NULL, *bob_id = NULL;
  g_autofree char *call_id = NULL, *transfer_id = NULL;
  g_autofree char *url = NULL;
  const guint total = 60;
  guint status;

  f.lk = fixture_livekit ();
  if (f.lk == NULL)
    return;
  f.session = soup_session_new_with_options ("timeout", 20, "max-conns", 64,
                                             "max-conns-per-host", 32, NULL);
  add_agent ("alice", ALICE_PASSWORD);
  add_agent ("bob", BOB_PASSWORD);
  server = start_server (&f);
  alice = sign_in (&f, "alice", ALICE_PASSWORD, &alice_id);
  bob = sign_in (&f, "bob", BOB_PASSWORD, &bob_id);
  call_id = active_call (&f, alice, NULL);
  transfer_id = start_transfer_with (&f, call_id, alice, bob_id,
                                     "\"summary\":{\"text\":\"in flight at the crash\"}");

  /* bob takes calls: the first of the load is offered to him (3 s timer). */
  g_free (set_available (&f, bob));

  /* Many calls at once; the server is killed while some are in flight. */
  url = g_strconcat (f.base, "/api/v1/calls", NULL);
  for (guint i = 0; i < total; i++)
    {
      LoadRequest *req = g_new0 (LoadRequest, 1);
      g_autoptr(GBytes) body = g_bytes_new_static ("{\"name\":\"Load\"}", 15);

      req->load = &load;
      req->msg = soup_message_new ("POST", url);
      soup_message_set_request_body_from_bytes (req->msg, "application/json", body);
      soup_session_send_and_read_async (f.session, req->msg, G_PRIORITY_DEFAULT, NULL, load_sent,
                                        req);
    }
  while (load.confirmed->len < 10)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (stop_server (server, TRUE), ==, -SIGKILL);
  while (load.answered < total)
    g_main_context_iteration (NULL, TRUE);
  g_test_message ("confirmed %u of %u calls before kill -9", load.confirmed->len, total);
  g_assert_cmpuint (load.failed, >, 0);   /* the kill really cut requests off */

  server = start_server (&f);
  /* Every confirmed call is there, and sessions survived. */
  for (guint i = 0; i < load.confirmed->len; i++)
    {
      g_autofree char *path = g_strdup_printf ("/api/v1/calls/%s",
                                               (char *) g_ptr_array_index (load.confirmed, i));
      g_autoptr(JsonNode) r = http (&f, "GET", path, bob, NULL, NULL, &status);
      g_assert_cmpuint (status, ==, 200);
      g_assert_cmpstr (member_string (r, "state"), ==, "waiting");
    }
  {
    /* The transfer's offer timer (3 s) was restored: it ends as no_answer. */
    g_autofree char *path = g_strdup_printf ("/api/v1/transfers/%s", transfer_id);
    gint64 deadline = g_get_monotonic_time () + 15 * G_USEC_PER_SEC;
    g_autofree char *state = NULL;

    do
      {
        g_autoptr(JsonNode) r = http (&f, "GET", path, alice, NULL, NULL, &status);
        g_assert_cmpuint (status, ==, 200);
        g_free (state);
        state = g_strdup (member_string (r, "state"));
        if (strcmp (state, "offered") != 0)
          break;
        spin (200);
      }
    while (g_get_monotonic_time () < deadline);
    g_assert_cmpstr (state, ==, "no_answer");
  }
  {
    g_autofree char *path = g_strdup_printf ("/api/v1/calls/%s", call_id);
    g_autoptr(JsonNode) r = http (&f, "GET", path, alice, NULL, NULL, &status);
    g_assert_cmpstr (member_string (r, "state"), ==, "active");
  }
  {
    /* bob's call offer timer was restored too: the offer made before the
     * crash is withdrawn for timeout, and bob's stream replays both. */
    EventStream *events = events_open (&f, bob, 0);
    guint cursor = 0;
    JsonNode *offered = events_wait (events, "call_offered", &cursor, 5000);
    JsonNode *withdrawn = NULL;

    g_assert_nonnull (offered);
    withdrawn = events_wait (events, "call_offer_withdrawn", &cursor, 10000);
    g_assert_nonnull (withdrawn);
    g_assert_cmpstr (member_string (withdrawn, "data.reason"), ==, "timeout");
    g_assert_cmpstr (member_string (withdrawn, "data.call_id"), ==,
                     member_string (offered, "data.call.id"));
    events_close (events);
  }
  g_assert_cmpint (stop_server (server, FALSE), ==, 0);
  g_ptr_array_unref (load.confirmed);
  g_clear_object (&f.session);
  g_free (f.base);
}

static void
on_closed (SoupWebsocketConnection *conn,
           gpointer                 user_data)
{
  *(gushort *) user_data = soup_websocket_connection_get_close_code (conn);
}

static void
test_sigterm_graceful (void)
{
  Fixture f = { 0 };
  Running *server;
  g_autofree char *alice = NULL;
  EventStream *events;
  gushort close_code = 0;
  gint64 start;

  f.lk = fixture_livekit ();
  if (f.lk == NULL)
    return;
  f.session = soup_session_new ();
  server = start_server (&f);
  alice = sign_in (&f, "alice", ALICE_PASSWORD, NULL);
  events = events_open (&f, alice, 0);
  g_signal_connect (events->conn, "closed", G_CALLBACK (on_closed), &close_code);
  start = g_get_monotonic_time ();
  g_subprocess_send_signal (server->process, SIGTERM);
  while (close_code == 0 && g_get_monotonic_time () - start < 5 * G_USEC_PER_SEC)
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpint (stop_server_full (server, FALSE, TRUE), ==, 0);
  g_assert_cmpuint (close_code, ==, SOUP_WEBSOCKET_CLOSE_GOING_AWAY);
  events_close (events);
  g_clear_object (&f.session);
  g_free (f.base);
}

static void
test_bad_config_exits (void)
{
  g_autofree char *bad = g_build_filename (test_dir, "bad.ini", NULL);
  g_autofree char *missing = g_build_filename (test_dir, "missing.ini", NULL);
  static const struct { const char *text; const char *says; } cases[] = {
    { "[livekit]\nurl=ws://127.0.0.1:1\napi_key=k\n", "secret" },
    { "[server]\nport=99999\n", "port" },
    { "[livekit]\nurl=mqtt://x\napi_key=k\napi_secret=s\n", "URL" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const char *argv[] = { binary (), "--config", bad, NULL };
      g_autofree char *out = NULL, *err = NULL;
      g_auto(GStrv) env = g_get_environ ();
      int status;
      g_autoptr(GSubprocess) p = NULL;

      g_assert_true (g_file_set_contents (bad, cases[i].text, -1, NULL));
      p = run_binary (argv, NULL, &out, &err, &status);
      g_test_message ("%s", err);
      g_assert_cmpint (status, ==, 2);
      g_assert_nonnull (strstr (err, cases[i].says));
    }
  {
    const char *argv[] = { binary (), "--config", missing, NULL };
    g_autofree char *out = NULL, *err = NULL;
    int status;
    g_autoptr(GSubprocess) p = run_binary (argv, NULL, &out, &err, &status);

    g_assert_cmpint (status, ==, 2);
    g_assert_nonnull (strstr (err, "missing.ini"));
  }
}

static void
test_dev_mode (void)
{
  g_autofree char *db = g_build_filename (test_dir, "dev.db", NULL);
  const char *argv[] = { binary (), "--dev", "--port", "0", "--database", db, NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) p = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                                | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error);
  g_autoptr(GDataInputStream) lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (p));
  g_autoptr(GString) seen = g_string_new (NULL);
  Fixture f = { 0 };
  guint status;

  g_assert_no_error (error);
  for (;;)
    {
      g_autofree char *line = g_data_input_stream_read_line_utf8 (lines, NULL, NULL, &error);
      g_assert_nonnull (line);
      g_string_append_printf (seen, "%s\n", line);
      if (g_str_has_prefix (line, "handoff-server listening on "))
        {
          f.base = g_strdup (line + strlen ("handoff-server listening on "));
          break;
        }
    }
  g_assert_nonnull (strstr (seen->str, "dev agent: alice / alice-demo-password"));
  g_assert_nonnull (strstr (seen->str, "dev agent: bob / bob-demo-password"));
  f.session = soup_session_new ();
  {
    g_autoptr(JsonNode) r = http (&f, "POST", "/api/v1/sessions", NULL, NULL,
                                  "{\"username\":\"bob\",\"password\":\"bob-demo-password\"}",
                                  &status);
    g_assert_cmpuint (status, ==, 201);
    g_assert_cmpstr (member_string (r, "agent.identity"), ==, "agent-bob");
  }
  g_subprocess_send_signal (p, SIGTERM);
  g_assert_true (g_subprocess_wait_check (p, NULL, &error));
  g_clear_object (&f.session);
  g_free (f.base);
}

static gboolean
accept_any_certificate (SoupMessage          *msg,
                        GTlsCertificate      *certificate,
                        GTlsCertificateFlags  errors,
                        gpointer              user_data)
{
  /* The test's own self-signed certificate; checked by fingerprint below. */
  *(GTlsCertificate **) user_data = g_object_ref (certificate);
  return TRUE;
}

static void
test_tls (void)
{
  g_autofree char *cert = g_build_filename (test_dir, "cert.pem", NULL);
  g_autofree char *key = g_build_filename (test_dir, "key.pem", NULL);
  g_autofree char *ini = g_build_filename (test_dir, "tls.ini", NULL);
  g_autofree char *db = g_build_filename (test_dir, "tls.db", NULL);
  g_autofree char *text = NULL;
  g_autofree char *openssl = g_find_program_in_path ("openssl");
  g_autofree char *base = NULL;
  g_autofree char *url = NULL;
  g_autofree char *plain_url = NULL;
  g_autoptr(GSubprocess) server = NULL;
  g_autoptr(GSubprocess) gen = NULL;
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 10, NULL);
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(SoupMessage) plain = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GBytes) plain_body = NULL;
  g_autoptr(GTlsCertificate) seen = NULL;
  g_autoptr(GTlsCertificate) ours = NULL;
  g_autoptr(GError) error = NULL;

  if (openssl == NULL)
    {
      g_test_skip ("openssl not installed");
      return;
    }
  gen = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                          &error, openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                          "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=127.0.0.1",
                          NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_wait_check (gen, NULL, &error));
  text = g_strdup_printf ("[server]\nport=0\ndatabase=%s\ntls_certificate=%s\ntls_key=%s\n"
                          "[livekit]\nurl=ws://127.0.0.1:1\napi_key=k\n"
                          "api_secret=tls-test-secret-0123456789abcdef0123\n", db, cert, key);
  g_assert_true (g_file_set_contents (ini, text, -1, NULL));
  {
    const char *argv[] = { binary (), "--config", ini, NULL };
    g_autoptr(GDataInputStream) lines = NULL;
    g_autofree char *line = NULL;

    g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (
      G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
    g_autofree char *asan = g_strconcat (g_getenv ("ASAN_OPTIONS") ? g_getenv ("ASAN_OPTIONS")
                                                                   : "", ":detect_leaks=0", NULL);

    /* Under ASan, LeakSanitizer's tracer itself crashes (SIGSEGV in
     * stop-the-world) at exit once GnuTLS has run; the same server code is
     * leak-checked by the other tests, which run without TLS. */
    g_subprocess_launcher_setenv (launcher, "ASAN_OPTIONS", asan, TRUE);
    server = g_subprocess_launcher_spawnv (launcher, argv, &error);
    g_assert_no_error (error);
    lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server));
    line = g_data_input_stream_read_line_utf8 (lines, NULL, NULL, &error);
    g_assert_nonnull (line);
    g_assert_true (g_str_has_prefix (line, "handoff-server listening on https://127.0.0.1:"));
    base = g_strdup (line + strlen ("handoff-server listening on "));
  }
  url = g_strconcat (base, "/healthz", NULL);
  msg = soup_message_new ("GET", url);
  g_signal_connect (msg, "accept-certificate", G_CALLBACK (accept_any_certificate), &seen);
  body = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
  ours = g_tls_certificate_new_from_file (cert, &error);
  g_assert_no_error (error);
  g_assert_nonnull (seen);
  g_assert_true (g_tls_certificate_is_same (seen, ours));

  /* Plain HTTP on the TLS port gets nothing useful. */
  plain_url = g_strconcat ("http://", base + strlen ("https://"), "/healthz", NULL);
  plain = soup_message_new ("GET", plain_url);
  plain_body = soup_session_send_and_read (session, plain, NULL, NULL);
  g_assert_cmpuint (soup_message_get_status (plain), !=, 200);

  g_subprocess_send_signal (server, SIGTERM);
  g_assert_true (g_subprocess_wait_check (server, NULL, &error));
}

static void
test_agent_commands (void)
{
  g_autofree char *db = g_build_filename (test_dir, "agents.db", NULL);
  g_autofree char *out = NULL, *err = NULL;
  int status;

  {
    const char *argv[] = { binary (), "--database", db, "agent", "add", "dora", "--name",
                           "Dora D", "--skills", "billing, spanish", "--languages", "es,en",
                           NULL };
    g_autoptr(GSubprocess) p = run_binary (argv, "dora-password-1\n", &out, &err, &status);
    g_assert_cmpint (status, ==, 0);
  }
  {
    /* twice: refused, the first one stays */
    const char *argv[] = { binary (), "--database", db, "agent", "add", "dora", NULL };
    g_autofree char *o = NULL, *e = NULL;
    g_autoptr(GSubprocess) p = run_binary (argv, "other\n", &o, &e, &status);
    g_assert_cmpint (status, ==, 2);
    g_assert_nonnull (strstr (e, "exists"));
  }
  {
    const char *argv[] = { binary (), "--database", db, "agent", "add", "Bad Name", NULL };
    g_autofree char *o = NULL, *e = NULL;
    g_autoptr(GSubprocess) p = run_binary (argv, "pw\n", &o, &e, &status);
    g_assert_cmpint (status, ==, 2);
  }
  {
    const char *argv[] = { binary (), "--database", db, "agent", "list", NULL };
    g_autofree char *o = NULL, *e = NULL;
    g_autoptr(GSubprocess) p = run_binary (argv, NULL, &o, &e, &status);
    g_autoptr(JsonNode) list = json_from_string (o, NULL);
    JsonObject *dora;

    g_assert_cmpint (status, ==, 0);
    g_assert_nonnull (list);
    g_assert_cmpuint (json_array_get_length (json_node_get_array (list)), ==, 1);
    dora = json_array_get_object_element (json_node_get_array (list), 0);
    g_assert_cmpstr (json_object_get_string_member (dora, "display_name"), ==, "Dora D");
    g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (dora, "skills"),
                                                    1), ==, "spanish");
    g_assert_null (strstr (o, "password"));
    g_assert_null (strstr (o, "$y$"));
  }
  {
    const char *argv[] = { binary (), "--database", db, "agent", "passwd", "dora", NULL };
    g_autofree char *o = NULL, *e = NULL;
    g_autoptr(GSubprocess) p = run_binary (argv, "dora-password-2\n", &o, &e, &status);
    g_autoptr(GError) error = NULL;
    g_autoptr(HandoffStore) store = NULL;
    g_autoptr(JsonObject) row = NULL;

    g_assert_cmpint (status, ==, 0);
    store = handoff_store_new (db, FALSE, &error);
    g_assert_no_error (error);
    row = handoff_store_query_one (store, "SELECT password_hash AS h FROM agents", NULL, NULL);
    /* stored as yescrypt, never plain */
    g_assert_true (g_str_has_prefix (json_object_get_string_member (row, "h"), "$y$"));
    g_assert_null (strstr (json_object_get_string_member (row, "h"), "dora-password"));
  }
  {
    const char *argv[] = { binary (), "--database", db, "agent", "remove", "dora", NULL };
    const char *again[] = { binary (), "--database", db, "agent", "remove", "dora", NULL };
    g_autofree char *o = NULL, *e = NULL, *o2 = NULL, *e2 = NULL;
    g_autoptr(GSubprocess) p = run_binary (argv, NULL, &o, &e, &status);
    g_autoptr(GSubprocess) p2 = NULL;

    g_assert_cmpint (status, ==, 0);
    p2 = run_binary (again, NULL, &o2, &e2, &status);
    g_assert_cmpint (status, ==, 2);
    g_assert_nonnull (strstr (e2, "dora"));
  }
}

/* Runs last: everything the binary logged across the tests above. */
static void
test_log_has_no_secrets (void)
{
  const char *needles[] = { HANDOFF_TEST_API_SECRET, ALICE_PASSWORD, BOB_PASSWORD, "$y$",
                            "eyJ", NULL };

  if (log_all == NULL)
    {
      g_test_skip ("no server ran");
      return;
    }
  g_assert_nonnull (strstr (log_all, "POST /api/v1/sessions 201"));
  for (guint i = 0; needles[i] != NULL; i++)
    {
      g_test_message ("looking for %s", i == 0 ? "the API secret" : needles[i]);
      g_assert_null (strstr (log_all, needles[i]));
    }
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  int rc;

  g_test_init (&argc, &argv, NULL);
  test_dir = g_dir_make_tmp ("handoff-durability-XXXXXX", &error);
  g_assert_no_error (error);
  config_path = g_build_filename (test_dir, "server.ini", NULL);
  if (fixture_livekit () != NULL)
    {
      g_autofree char *config = g_strdup_printf (
        "[server]\nport=%u\ndatabase=%s/store.db\n"
        "[livekit]\nurl=%s\napi_key=%s\napi_secret=%s\n"
        "[timeouts]\ntransfer_offer=3\ncall_offer=3\n[limits]\ncalls_per_minute=100000\n",
        fixture_server_port (), test_dir,
        handoff_test_livekit_get_ws_url (fixture_livekit ()), HANDOFF_TEST_API_KEY,
        HANDOFF_TEST_API_SECRET);
      g_assert_true (g_file_set_contents (config_path, config, -1, NULL));
    }
  g_test_add_func ("/server/durability/kill9-under-load", test_kill9_under_load);
  g_test_add_func ("/server/durability/sigterm-graceful", test_sigterm_graceful);
  g_test_add_func ("/server/durability/bad-config-exits", test_bad_config_exits);
  g_test_add_func ("/server/durability/dev-mode", test_dev_mode);
  g_test_add_func ("/server/durability/tls", test_tls);
  g_test_add_func ("/server/durability/agent-commands", test_agent_commands);
  g_test_add_func ("/server/durability/log-has-no-secrets", test_log_has_no_secrets);
  rc = g_test_run ();
  fixture_livekit_free ();
  if (g_getenv ("HANDOFF_TEST_KEEP_LOGS") == NULL)
    {
      g_autoptr(GDir) dir = g_dir_open (test_dir, 0, NULL);
      const char *name;

      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (test_dir, name, NULL);
          g_unlink (child);
        }
      g_rmdir (test_dir);
    }
  g_free (log_all);
  g_free (config_path);
  g_free (test_dir);
  return rc;
}
