/* e2e-stack.c: a real livekit-server, a real handoff-server and party
 * processes for the end-to-end tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "e2e"

#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <sys/prctl.h>
#include <string.h>

#include "e2e-stack.h"

/* A tone is heard when it has at least this share of the loudest expected
 * tone, and not heard below NOT_HEARD of it (20 dB down): Opus and the
 * mixer leave other tones at digital silence, so the margins are wide. */
#define HEARD     0.1
#define NOT_HEARD 0.01
/* Below this the loudest expected tone is silence (a 0.3 sine gives ~0.02). */
#define FLOOR     1e-4
#define LISTEN_MS 1200
/* Speaker meter (RMS, 0..1): a 0.3 sine reads ~0.2, silence 0. */
#define METER_MOVES 0
#define METER_RESTS 0.01

/* If the test dies (a failed assertion aborts it), its children must not
 * outlive it holding the test log open. */
static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static GSubprocess *
spawn (GSubprocessLauncher  *launcher,
       GError              **error,
       const char          *first,
       ...) G_GNUC_NULL_TERMINATED;

static GSubprocess *
spawn (GSubprocessLauncher  *launcher,
       GError              **error,
       const char          *first,
       ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  va_list ap;

  g_ptr_array_add (args, (gpointer) first);
  va_start (ap, first);
  for (const char *a = va_arg (ap, const char *); a; a = va_arg (ap, const char *))
    g_ptr_array_add (args, (gpointer) a);
  va_end (ap);
  g_ptr_array_add (args, NULL);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  return g_subprocess_launcher_spawnv (launcher, (const char * const *) args->pdata, error);
}

static void
add_agent (E2eStack   *stack,
           const char *bin,
           const char *user,
           const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) p = NULL;
  g_autofree char *password = g_strdup_printf ("%s-e2e-password\n", user);

  p = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error,
                        bin, "--config", stack->config, "agent", "add", user, "--name", name, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (p, password, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (p));
  g_assert_cmpint (g_subprocess_get_exit_status (p), ==, 0);
}

E2eStack *
e2e_stack_start (guint transfer_offer_seconds)
{
  g_autoptr(E2eStack) stack = g_new0 (E2eStack, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *webhook = NULL;
  g_autofree char *ini = NULL;
  g_autofree char *db = NULL;
  g_autofree char *bin = NULL;
  const char *build = g_getenv ("HANDOFF_BUILD_ROOT");
  HandoffTestLivekitOptions options = { 0 };
  guint16 port = handoff_test_free_port (FALSE);

  /* livekit-server needs the webhook URL when it starts, handoff-server the
   * LiveKit URL: so handoff-server's port is chosen first. */
  webhook = g_strdup_printf ("http://127.0.0.1:%u/livekit/webhook", port);
  options.webhook_url = webhook;
  stack->livekit = handoff_test_livekit_start (&options, &error);
  if (stack->livekit == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND)
      && g_getenv ("HANDOFF_REQUIRE_LIVEKIT") == NULL)
    return NULL;
  g_assert_no_error (error);

  stack->dir = g_dir_make_tmp ("handoff-e2e-XXXXXX", &error);
  g_assert_no_error (error);
  db = g_build_filename (stack->dir, "handoff.db", NULL);
  stack->config = g_build_filename (stack->dir, "handoff-server.conf", NULL);
  ini = g_strdup_printf ("[server]\nlisten=127.0.0.1\nport=%u\ndatabase=%s\n"
                         "[livekit]\nurl=%s\napi_key=%s\napi_secret=%s\n"
                         "[timeouts]\ntransfer_offer=%u\ncall_offer=30\n"
                         /* /e2e/agent-back-after-departure relies on it. */
                         "agent_rejoin_grace=" G_STRINGIFY (E2E_AGENT_REJOIN_GRACE) "\n"
                         /* Every party signs in from 127.0.0.1: the transfer
                         * benchmark signs in 40 agents in well under a minute. */
                         "[limits]\nsign_ins_per_minute=600\ncalls_per_minute=600\n",
                         port, db, handoff_test_livekit_get_ws_url (stack->livekit),
                         HANDOFF_TEST_API_KEY, HANDOFF_TEST_API_SECRET, transfer_offer_seconds);
  g_file_set_contents_full (stack->config, ini, -1, G_FILE_SET_CONTENTS_NONE, 0600, &error);
  g_assert_no_error (error);

  bin = g_build_filename (build ? build : ".", "src", "server", "handoff-server", NULL);
  add_agent (stack, bin, "alice", "Alice");
  add_agent (stack, bin, "bob", "Bob");

  {
    g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
    stack->server = spawn (launcher, &error, bin, "--config", stack->config, NULL);
  }
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (stack->server));
  while (stack->server_url == NULL)
    {
      g_autofree char *line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);

      g_assert_no_error (error);
      g_assert_nonnull (line);
      if (g_str_has_prefix (line, "handoff-server listening on "))
        stack->server_url = g_strdup (line + strlen ("handoff-server listening on "));
    }
  return g_steal_pointer (&stack);
}

void
e2e_stack_free (E2eStack *stack)
{
  if (stack->server)
    {
      g_subprocess_send_signal (stack->server, SIGTERM);
      g_subprocess_wait (stack->server, NULL, NULL);
      g_clear_object (&stack->server);
    }
  if (stack->livekit)
    handoff_test_livekit_free (stack->livekit);
  if (stack->dir)
    {
      const char *names[] = { "handoff.db", "handoff.db-wal", "handoff.db-shm", "handoff-server.conf" };

      for (guint i = 0; i < G_N_ELEMENTS (names); i++)
        {
          g_autofree char *path = g_build_filename (stack->dir, names[i], NULL);
          g_remove (path);
        }
      g_rmdir (stack->dir);
    }
  g_free (stack->dir);
  g_free (stack->config);
  g_free (stack->server_url);
  g_free (stack);
}

guint
e2e_stack_count_log (E2eStack   *stack,
                     const char *needle,
                     const char *also)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  guint n = 0;

  if (!g_file_get_contents (handoff_test_livekit_get_log_path (stack->livekit), &text, NULL, NULL))
    return 0;
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    {
      g_autofree char *lower = g_ascii_strdown (lines[i], -1);

      if (strstr (lower, needle) && (also == NULL || strstr (lower, also)))
        n++;
    }
  return n;
}

/* ---- parties ---- */

static void read_next (E2eParty *party);

static void
on_line (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  E2eParty *party = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (source),
                                                                     result, NULL, &error);
  g_autoptr(JsonNode) node = NULL;

  party->reading = FALSE;
  if (line == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      /* Not always the end: a line we cannot read also ends up here. */
      if (error != NULL)
        g_test_message ("%s: reading its output failed: %s", party->name, error->message);
      party->eof = TRUE;
      return;
    }
  node = json_from_string (line, NULL);
  if (node && JSON_NODE_HOLDS_OBJECT (node))
    {
      g_test_message ("%s: %s", party->name, line);
      g_queue_push_tail (&party->events, json_object_ref (json_node_get_object (node)));
    }
  read_next (party);
}

static void
read_next (E2eParty *party)
{
  party->reading = TRUE;
  g_data_input_stream_read_line_async (party->out, G_PRIORITY_DEFAULT, party->cancellable,
                                       on_line, party);
}

E2eParty *
e2e_party_start (E2eStack   *stack,
                 const char *name,
                 guint       tone_hz,
                 const char *user,
                 const char *password)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *src = NULL;
  g_autofree char *bin = g_test_build_filename (G_TEST_BUILT, "e2e", "e2e-party", NULL);
  E2eParty *party = g_new0 (E2eParty, 1);

  party->name = g_strdup (name);
  party->cancellable = g_cancellable_new ();
  g_queue_init (&party->events);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  src = g_strdup_printf ("audiotestsrc is-live=true wave=sine freq=%u volume=0.3", tone_hz);
  g_subprocess_launcher_setenv (launcher, "HANDOFF_AUDIO_SRC", src, TRUE);
  g_subprocess_launcher_setenv (launcher, "HANDOFF_SECRETS", "memory", TRUE);
  party->proc = spawn (launcher, &error, bin, stack->server_url, user, password, NULL);
  g_assert_no_error (error);
  party->in = g_object_ref (g_subprocess_get_stdin_pipe (party->proc));
  party->out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (party->proc));
  read_next (party);
  return party;
}

void
e2e_party_send (E2eParty   *party,
                const char *format,
                ...)
{
  g_autofree char *line = NULL;
  g_autoptr(GError) error = NULL;
  va_list ap;

  va_start (ap, format);
  line = g_strdup_vprintf (format, ap);
  va_end (ap);
  g_test_message ("-> %s: %s", party->name, line);
  g_output_stream_printf (party->in, NULL, NULL, &error, "%s\n", line);
  g_assert_no_error (error);
}

static gboolean
wake (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

static JsonObject *
find_event (E2eParty   *party,
            const char *ev,
            const char *key,
            const char *value,
            gboolean    fatal)
{
  for (GList *l = party->events.head; l; l = l->next)
    {
      JsonObject *o = l->data;
      const char *what = json_object_get_string_member_with_default (o, "ev", "");

      if (fatal && g_str_equal (what, "error"))
        g_error ("%s: %s failed: %s", party->name,
                 json_object_get_string_member_with_default (o, "what", "?"),
                 json_object_get_string_member_with_default (o, "message", "?"));
      if (!g_str_equal (what, ev))
        continue;
      if (key && g_strcmp0 (json_object_get_string_member_with_default (o, key, NULL), value) != 0)
        continue;
      g_queue_delete_link (&party->events, l);
      return o;
    }
  return NULL;
}

/* " (it exited: ...)" once the party's process is gone, else NULL. */
static char *
party_exit_status (E2eParty *party)
{
  if (!party->eof)
    return NULL;
  /* Its stdout closed; the process itself ends right after. */
  g_subprocess_wait (party->proc, NULL, NULL);
  if (g_subprocess_get_if_signaled (party->proc))
    return g_strdup_printf (" (it exited: killed by signal %d)", g_subprocess_get_term_sig (party->proc));
  return g_strdup_printf (" (it exited: status %d)", g_subprocess_get_exit_status (party->proc));
}

static JsonObject *
wait_event (E2eParty   *party,
            const char *ev,
            const char *key,
            const char *value,
            double      seconds,
            gboolean    fatal)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) (seconds * G_USEC_PER_SEC);
  guint id = g_timeout_add (50, wake, NULL);
  JsonObject *found = NULL;

  while ((found = find_event (party, ev, key, value, fatal)) == NULL
         && g_get_monotonic_time () < deadline && !party->eof)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (id);
  if (found == NULL && fatal && g_getenv ("E2E_GDB") && !party->eof)
    {
      /* Debugging aid: where is the party stuck? */
      g_autofree char *cmd = g_strdup_printf ("gdb -p %s -batch -ex 'thread apply all bt 12'",
                                              g_subprocess_get_identifier (party->proc));
      g_autofree char *out = NULL;
      g_spawn_command_line_sync (cmd, &out, NULL, NULL, NULL);
      g_printerr ("%s\n", out ? out : "");
    }
  if (found == NULL && fatal)
    {
      g_autofree char *how = party_exit_status (party);

      g_error ("%s: no %s%s%s%s after %.0f s%s", party->name, ev, key ? " " : "", key ? key : "",
               value ? value : "", seconds, how ? how : "");
    }
  return found;
}

JsonObject *
e2e_party_wait (E2eParty   *party,
                const char *ev,
                const char *key,
                const char *value,
                double      seconds)
{
  return wait_event (party, ev, key, value, seconds, TRUE);
}

JsonObject *
e2e_party_try_wait (E2eParty   *party,
                    const char *ev,
                    const char *key,
                    const char *value,
                    double      seconds)
{
  return wait_event (party, ev, key, value, seconds, FALSE);
}

void
e2e_party_kill (E2eParty *party)
{
  g_test_message ("killing %s", party->name);
  g_subprocess_send_signal (party->proc, SIGKILL);
  g_subprocess_wait (party->proc, NULL, NULL);
  party->killed = TRUE;
}

void
e2e_party_free (E2eParty *party)
{
  if (!party->killed)
    {
      g_output_stream_close (party->in, NULL, NULL);
      /* It hangs up and leaves the room; give it a moment, then insist. */
      for (int i = 0; i < 60 && !party->eof; i++)
        {
          guint id = g_timeout_add (50, wake, NULL);
          g_main_context_iteration (NULL, TRUE);
          g_source_remove (id);
        }
      g_subprocess_send_signal (party->proc, SIGKILL);
      g_subprocess_wait (party->proc, NULL, NULL);
    }
  /* No read may outlive the party: a late one would mark whatever party
   * got this memory next as ended (in a plain build: "caller ... (it
   * exited)" for a caller that was alive; under ASan: a use after free). */
  if (party->reading)
    {
      g_cancellable_cancel (party->cancellable);
      while (party->reading)
        g_main_context_iteration (NULL, TRUE);
    }
  g_clear_object (&party->cancellable);
  g_queue_clear_full (&party->events, (GDestroyNotify) json_object_unref);
  g_clear_object (&party->in);
  g_clear_object (&party->out);
  g_clear_object (&party->proc);
  g_free (party->name);
  g_free (party);
}

/* ---- hearing ---- */

static double
power_of (JsonObject *heard,
          guint       hz)
{
  g_autofree char *key = g_strdup_printf ("%u", hz);

  return json_object_get_double_member_with_default (heard, key, 0);
}

static gboolean
check_hearing (E2eExpect  *e,
               JsonObject *heard,
               GString    *why)
{
  double loudest = 0;
  gboolean ok = TRUE;

  double meter = json_object_get_double_member_with_default (heard, "meter", 0);

  for (guint i = 0; e->hears[i]; i++)
    loudest = MAX (loudest, power_of (heard, e->hears[i]));
  if (e->hears[0] == 0)
    /* Expecting silence: measure against what a voice would give. */
    loudest = 0.02;
  else if (loudest < FLOOR)
    {
      g_string_append_printf (why, "%s hears (almost) nothing; ", e->party->name);
      ok = FALSE;
    }
  /* The speaker meter (level taps on the remote tracks, as the app shows
   * it) moves with what is heard, and rests when nothing is. */
  if (e->hears[0] != 0 && meter <= METER_MOVES)
    {
      g_string_append_printf (why, "%s's speaker meter does not move; ", e->party->name);
      ok = FALSE;
    }
  else if (e->hears[0] == 0 && meter > METER_RESTS)
    {
      g_string_append_printf (why, "%s's speaker meter moves in silence; ", e->party->name);
      ok = FALSE;
    }
  for (guint i = 0; e->hears[i]; i++)
    if (power_of (heard, e->hears[i]) < HEARD * loudest)
      {
        g_string_append_printf (why, "%s does not hear %u Hz; ", e->party->name, e->hears[i]);
        ok = FALSE;
      }
  for (guint i = 0; e->not_hears[i]; i++)
    if (power_of (heard, e->not_hears[i]) > NOT_HEARD * loudest)
      {
        g_string_append_printf (why, "%s hears %u Hz; ", e->party->name, e->not_hears[i]);
        ok = FALSE;
      }
  return ok;
}

void
e2e_expect_hearing (E2eExpect  *expect,
                    guint       n,
                    const char *phase,
                    double      seconds)
{
  gint64 start = g_get_monotonic_time ();
  gint64 deadline = start + (gint64) (seconds * G_USEC_PER_SEC);
  g_autoptr(GString) why = g_string_new (NULL);
  g_autoptr(GString) figures = g_string_new (NULL);
  gboolean ok = FALSE;

  while (!ok)
    {
      ok = TRUE;
      g_string_truncate (why, 0);
      g_string_truncate (figures, 0);
      for (guint i = 0; i < n; i++)
        e2e_party_send (expect[i].party, "hear %d", LISTEN_MS);
      for (guint i = 0; i < n; i++)
        {
          g_autoptr(JsonObject) heard = e2e_party_wait (expect[i].party, "heard", NULL, NULL, 10);

          g_string_append_printf (figures, "%s: rms %.3f meter %.3f 440 %.2e 550 %.2e 660 %.2e 196 %.2e 294 %.2e; ",
                                  expect[i].party->name,
                                  json_object_get_double_member_with_default (heard, "rms", 0),
                                  json_object_get_double_member_with_default (heard, "meter", 0),
                                  power_of (heard, 440), power_of (heard, 550), power_of (heard, 660),
                                  power_of (heard, 196), power_of (heard, 294));
          if (!check_hearing (&expect[i], heard, why))
            ok = FALSE;
        }
      g_test_message ("%s: %s", phase, figures->str);
      if (!ok && g_get_monotonic_time () > deadline)
        g_error ("%s: after %.0f s still %s(%s)", phase, seconds, why->str, figures->str);
    }
  g_test_message ("%s: as expected after %.1f s", phase,
                  (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC);
}
