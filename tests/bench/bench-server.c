/* bench-server.c: handoff-server throughput with wrk on loopback (figures, not
 * pass/fail)
 *
 *   1. POST /api/v1/calls: create the LiveKit room, store the call, mint the
 *      caller token; beside it the same endpoint as a minimal Node server with
 *      livekit-server-sdk (tests/bench/bench-server-node.cjs), same run, same
 *      livekit-server.
 *   2. GET /api/v1/transfers (first page of 50) on a store with 100k transfers.
 *
 * Environment: BENCH_SECONDS (default 10), BENCH_CONNECTIONS (default 16),
 * BENCH_TRANSFERS (default 100000).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "bench-server"

#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "handoff-server.h"
#include "handoff-store.h"
#include "handoff-test-livekit.h"

typedef struct {
  double rps;
  double p50_ms;
  double p99_ms;
  guint64 non_2xx;
} Figures;

static double
to_ms (const char *value)
{
  double v = g_ascii_strtod (value, NULL);

  if (g_str_has_suffix (value, "us"))
    return v / 1000;
  if (g_str_has_suffix (value, "ms"))
    return v;
  if (g_str_has_suffix (value, "s"))
    return v * 1000;
  return v;
}

static gboolean
run_wrk (const char *url,
         const char *authorization,
         const char *script,
         Figures    *out)
{
  g_autofree char *seconds = g_strdup_printf ("%ss", g_getenv ("BENCH_SECONDS")
                                                     ? g_getenv ("BENCH_SECONDS") : "10");
  const char *connections = g_getenv ("BENCH_CONNECTIONS") ? g_getenv ("BENCH_CONNECTIONS")
                                                            : "16";
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *header = authorization ? g_strconcat ("Authorization: Bearer ", authorization,
                                                         NULL) : NULL;
  g_autofree char *output = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = NULL;
  int status;

  g_ptr_array_add (argv, "wrk");
  g_ptr_array_add (argv, "-t2");
  g_ptr_array_add (argv, "-c");
  g_ptr_array_add (argv, (char *) connections);
  g_ptr_array_add (argv, "-d");
  g_ptr_array_add (argv, seconds);
  g_ptr_array_add (argv, "--latency");
  if (header != NULL)
    {
      g_ptr_array_add (argv, "-H");
      g_ptr_array_add (argv, header);
    }
  if (script != NULL)
    {
      g_ptr_array_add (argv, "-s");
      g_ptr_array_add (argv, (char *) script);
    }
  g_ptr_array_add (argv, (char *) url);
  g_ptr_array_add (argv, NULL);
  if (!g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &output,
                     NULL, &status, &error))
    {
      g_printerr ("wrk: %s\n", error->message);
      return FALSE;
    }
  memset (out, 0, sizeof *out);
  lines = g_strsplit (output, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) words = g_strsplit_set (g_strstrip (lines[i]), " \t", -1);
      g_autoptr(GPtrArray) w = g_ptr_array_new ();

      for (guint j = 0; words[j] != NULL; j++)
        if (*words[j] != '\0')
          g_ptr_array_add (w, words[j]);
      if (w->len == 2 && strcmp (g_ptr_array_index (w, 0), "Requests/sec:") == 0)
        out->rps = g_ascii_strtod (g_ptr_array_index (w, 1), NULL);
      else if (w->len == 2 && strcmp (g_ptr_array_index (w, 0), "50%") == 0)
        out->p50_ms = to_ms (g_ptr_array_index (w, 1));
      else if (w->len == 2 && strcmp (g_ptr_array_index (w, 0), "99%") == 0)
        out->p99_ms = to_ms (g_ptr_array_index (w, 1));
      else if (w->len >= 4 && strcmp (g_ptr_array_index (w, 0), "Non-2xx") == 0)
        out->non_2xx = g_ascii_strtoull (g_ptr_array_index (w, w->len - 1), NULL, 10);
    }
  return out->rps > 0;
}

static GSubprocess *
spawn_reading_line (const char * const *argv,
                    char              **envp,
                    const char         *prefix,
                    char              **rest)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (
    G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  GSubprocess *p;

  if (envp != NULL)
    g_subprocess_launcher_set_environ (launcher, envp);
  p = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (p));
  for (;;)
    {
      g_autofree char *line = g_data_input_stream_read_line_utf8 (lines, NULL, NULL, &error);

      g_assert_nonnull (line);
      if (g_str_has_prefix (line, prefix))
        {
          *rest = g_strdup (line + strlen (prefix));
          return p;
        }
    }
}

static void
seed_transfers (const char *db,
                guint       count)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HandoffStore) store = handoff_store_new (db, FALSE, &error);
  g_autoptr(JsonArray) agents = NULL;
  gint64 now = handoff_now_ms ();
  const char *outcomes[] = { "completed", "completed", "completed", "declined", "no_answer",
                             "cancelled", "caller_abandoned" };

  g_assert_no_error (error);
  g_assert_true (handoff_server_agent_add (store, "bench-a", "Bench A", "bench-password-a", "",
                                           "", &error));
  g_assert_true (handoff_server_agent_add (store, "bench-b", "Bench B", "bench-password-b", "",
                                           "", &error));
  agents = handoff_server_agent_list (store, &error);
  g_assert_true (handoff_store_begin (store, &error));
  for (guint i = 0; i < count; i++)
    {
      g_autofree char *id = g_strdup_printf ("%016x", i);
      gint64 created = now - (gint64) (count - i) * 20000;

      handoff_store_exec (store,
                          "INSERT INTO transfers (id, call_id, from_agent_id, to_agent_id, state, "
                          "summary, transcript, created_at, accepted_at, consulting_at, "
                          "connected_at, ended_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                          g_variant_new ("(ssssssxxxxxx)", id, id,
                                         json_object_get_string_member (
                                           json_array_get_object_element (agents, i % 2), "id"),
                                         json_object_get_string_member (
                                           json_array_get_object_element (agents, 1 - i % 2), "id"),
                                         outcomes[i % G_N_ELEMENTS (outcomes)],
                                         "{\"text\":\"Caller needs help with an invoice; "
                                         "verified identity; wants a refund\"}",
                                         "[{\"speaker\":\"caller\",\"text\":\"Hello, I have a "
                                         "question about my bill\"}]",
                                         created, created + 4000, created + 6000,
                                         created + 60000, created + 90000), &error);
      g_assert_no_error (error);
    }
  g_assert_true (handoff_store_commit (store, &error));
}

static char *
sign_in (const char *base)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *url = g_strconcat (base, "/api/v1/sessions", NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
  const char *body = "{\"username\":\"bench-a\",\"password\":\"bench-password-a\"}";
  g_autoptr(GBytes) request = g_bytes_new_static (body, strlen (body));
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *text = NULL;

  soup_message_set_request_body_from_bytes (msg, "application/json", request);
  reply = soup_session_send_and_read (session, msg, NULL, NULL);
  g_assert_nonnull (reply);
  text = g_strndup (g_bytes_get_data (reply, NULL), g_bytes_get_size (reply));
  node = json_from_string (text, NULL);
  return g_strdup (json_object_get_string_member (json_node_get_object (node), "token"));
}

static void
print_row (const char *what,
           Figures    *f)
{
  printf ("%-44s %10.0f %10.2f %10.2f %8" G_GUINT64_FORMAT "\n", what, f->rps, f->p50_ms,
          f->p99_ms, f->non_2xx);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HandoffTestLivekit) lk = NULL;
  g_autofree char *dir = g_dir_make_tmp ("handoff-bench-XXXXXX", &error);
  g_autofree char *db = g_build_filename (dir, "bench.db", NULL);
  g_autofree char *config_path = g_build_filename (dir, "server.ini", NULL);
  g_autofree char *config = NULL;
  g_autofree char *base = NULL;
  g_autofree char *node_port = NULL;
  g_autofree char *node_url = NULL;
  g_autofree char *token = NULL;
  g_autofree char *calls_url = NULL;
  g_autofree char *list_url = NULL;
  g_autofree char *script = g_build_filename (g_getenv ("HANDOFF_SOURCE_ROOT"), "tests", "bench",
                                              "bench-server-post.lua", NULL);
  g_autofree char *node_script = g_build_filename (g_getenv ("HANDOFF_SOURCE_ROOT"), "tests",
                                                   "bench", "bench-server-node.cjs", NULL);
  const char *binary = g_getenv ("HANDOFF_SERVER_BINARY");
  guint transfers = g_getenv ("BENCH_TRANSFERS") ? atoi (g_getenv ("BENCH_TRANSFERS")) : 100000;
  g_autoptr(GSubprocess) server = NULL;
  g_autoptr(GSubprocess) node = NULL;
  g_auto(GStrv) env = g_get_environ ();
  Figures ours_call = { 0 }, node_call = { 0 }, ours_list = { 0 };
  gint64 t0;

  g_assert_no_error (error);
  lk = handoff_test_livekit_start (NULL, &error);
  if (lk == NULL)
    {
      printf ("livekit-server unavailable (%s): benchmark skipped\n", error->message);
      return 77;
    }
  t0 = g_get_monotonic_time ();
  seed_transfers (db, transfers);
  printf ("seeded %u transfers in %.1f s\n", transfers,
          (g_get_monotonic_time () - t0) / 1e6);
  config = g_strdup_printf ("[server]\nport=0\ndatabase=%s\n"
                            "[livekit]\nurl=%s\napi_key=%s\napi_secret=%s\n"
                            "[limits]\ncalls_per_minute=1000000\n",
                            db, handoff_test_livekit_get_ws_url (lk), HANDOFF_TEST_API_KEY,
                            HANDOFF_TEST_API_SECRET);
  g_assert_true (g_file_set_contents (config_path, config, -1, NULL));
  {
    const char *args[] = { binary, "--config", config_path, NULL };
    server = spawn_reading_line (args, NULL, "handoff-server listening on ", &base);
  }
  {
    const char *args[] = { "node", node_script, NULL };
    env = g_environ_setenv (env, "LK_URL", handoff_test_livekit_get_http_url (lk), TRUE);
    env = g_environ_setenv (env, "LK_KEY", HANDOFF_TEST_API_KEY, TRUE);
    env = g_environ_setenv (env, "LK_SECRET", HANDOFF_TEST_API_SECRET, TRUE);
    env = g_environ_setenv (env, "NODE_PATH", "/opt/handoff/npm/node_modules", TRUE);
    node = spawn_reading_line (args, env, "listening on ", &node_port);
  }
  token = sign_in (base);
  calls_url = g_strconcat (base, "/api/v1/calls", NULL);
  node_url = g_strdup_printf ("http://127.0.0.1:%s/api/v1/calls", node_port);
  list_url = g_strconcat (base, "/api/v1/transfers", NULL);

  run_wrk (calls_url, NULL, script, &ours_call);
  run_wrk (node_url, NULL, script, &node_call);
  run_wrk (list_url, token, NULL, &ours_list);

  printf ("\nwrk -t2 -c%s -d%ss on loopback; livekit-server %s on the same machine\n",
          g_getenv ("BENCH_CONNECTIONS") ? g_getenv ("BENCH_CONNECTIONS") : "16",
          g_getenv ("BENCH_SECONDS") ? g_getenv ("BENCH_SECONDS") : "10",
          handoff_test_livekit_get_http_url (lk));
  printf ("%-44s %10s %10s %10s %8s\n", "endpoint", "req/s", "p50 ms", "p99 ms", "non-2xx");
  print_row ("handoff-server POST /api/v1/calls", &ours_call);
  print_row ("node livekit-server-sdk POST /api/v1/calls", &node_call);
  print_row ("handoff-server GET /api/v1/transfers (100k)", &ours_list);
  if (node_call.rps > 0 && node_call.p50_ms > 0)
    printf ("\nratio handoff/node: throughput %.2fx, p50 %.2fx, p99 %.2fx\n",
            ours_call.rps / node_call.rps, ours_call.p50_ms / node_call.p50_ms,
            ours_call.p99_ms / node_call.p99_ms);

  g_subprocess_send_signal (server, SIGTERM);
  g_subprocess_wait (server, NULL, NULL);
  g_subprocess_force_exit (node);
  g_subprocess_wait (node, NULL, NULL);
  {
    g_autofree char *wal = g_strconcat (db, "-wal", NULL);
    g_autofree char *shm = g_strconcat (db, "-shm", NULL);
    g_unlink (db);
    g_unlink (wal);
    g_unlink (shm);
    g_unlink (config_path);
    g_rmdir (dir);
  }
  return 0;
}
