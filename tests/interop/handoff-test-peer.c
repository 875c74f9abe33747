/* handoff-test-peer.c: a room participant in a process of its own, speaking JSON lines
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "handoff-test-peer"

#include "handoff-test-peer.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "handoff-test-livekit.h"

typedef struct {
  JsonObject *object;
  gboolean taken;
} PeerEvent;

struct _HandoffTestPeer {
  HandoffTestPeerKind kind;
  char *identity;
  GSubprocess *process;
  GDataInputStream *stdout_lines;
  GOutputStream *stdin_pipe;
  GCancellable *cancellable;
  GArray *events;          /* PeerEvent */
  GPtrArray *event_objects;
  char *last_error;
  gboolean exited;
  int exit_status;
  gboolean stdout_closed;
};

static char *
npm_modules_dir (void)
{
  const char *tools = g_getenv ("HANDOFF_TOOLS");

  if (g_getenv ("HANDOFF_NPM_MODULES") != NULL)
    return g_strdup (g_getenv ("HANDOFF_NPM_MODULES"));
  return g_build_filename (tools ? tools : "/opt/handoff", "npm", "node_modules", NULL);
}

static char *
find_node (void)
{
  if (g_getenv ("HANDOFF_NODE") != NULL)
    return g_strdup (g_getenv ("HANDOFF_NODE"));
  return g_find_program_in_path ("node");
}

static const char *
chromium_path (void)
{
  const char *env = g_getenv ("HANDOFF_CHROMIUM");

  return env != NULL ? env : "/usr/bin/chromium";
}

gboolean
handoff_test_peer_available (HandoffTestPeerKind   kind,
                             char                **why)
{
  g_autofree char *node = NULL;
  g_autofree char *modules = NULL;
  g_autofree char *playwright = NULL;
  g_autofree char *lk_client = NULL;

  if (kind == HANDOFF_TEST_PEER_HANDOFF)
    {
#ifdef HANDOFF_PEER_PATH
      if (g_file_test (HANDOFF_PEER_PATH, G_FILE_TEST_IS_EXECUTABLE))
        return TRUE;
      *why = g_strdup_printf ("%s is not built", HANDOFF_PEER_PATH);
#else
      *why = g_strdup ("handoff-peer is not part of this build");
#endif
      return FALSE;
    }

  node = find_node ();
  modules = npm_modules_dir ();
  playwright = g_build_filename (modules, "playwright-core", "package.json", NULL);
  lk_client = g_build_filename (modules, "livekit-client", "dist", "livekit-client.umd.js", NULL);
  if (node == NULL)
    *why = g_strdup ("node is not installed");
  else if (!g_file_test (chromium_path (), G_FILE_TEST_IS_EXECUTABLE))
    *why = g_strdup_printf ("%s is not installed", chromium_path ());
  else if (!g_file_test (playwright, G_FILE_TEST_EXISTS) || !g_file_test (lk_client, G_FILE_TEST_EXISTS))
    *why = g_strdup_printf ("npm peers missing in %s (run build-aux/setup.sh)", modules);
  else
    return TRUE;
  return FALSE;
}

gboolean
handoff_test_peer_available_or_skip (HandoffTestPeerKind kind)
{
  g_autofree char *why = NULL;

  if (handoff_test_peer_available (kind, &why))
    return TRUE;
  if (g_getenv ("HANDOFF_REQUIRE_LIVEKIT") != NULL)
    g_error ("%s", why);
  g_test_skip (why);
  return FALSE;
}

/* If the test dies, its peers leave and close their browsers. */
static void
term_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

static void read_next_line (HandoffTestPeer *self);

static void
on_line (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  HandoffTestPeer *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *line = NULL;
  PeerEvent ev = { 0 };

  line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (source), result, NULL, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (line == NULL)
    {
      self->stdout_closed = TRUE;
      return;
    }
  node = json_from_string (line, NULL);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_printerr ("[%s] %s\n", self->identity, line);
    }
  else
    {
      const char *name;

      ev.object = json_object_ref (json_node_get_object (node));
      name = json_object_get_string_member_with_default (ev.object, "event", "");
      /* The test log tells what each peer went through; the frequent
       * measurements only when asked. */
      if (g_getenv ("HANDOFF_TEST_PEER_VERBOSE") != NULL
          || (g_strcmp0 (name, "heard") != 0 && g_strcmp0 (name, "onset") != 0
              && g_strcmp0 (name, "burst") != 0 && g_strcmp0 (name, "mix") != 0))
        g_printerr ("[%s] %s\n", self->identity, line);
      g_array_append_val (self->events, ev);
      g_ptr_array_add (self->event_objects, json_object_ref (ev.object));
      if (g_strcmp0 (name, "error") == 0)
        {
          g_free (self->last_error);
          self->last_error = g_strdup (json_object_get_string_member_with_default (ev.object, "message", "?"));
        }
    }
  read_next_line (self);
}

static void
read_next_line (HandoffTestPeer *self)
{
  g_data_input_stream_read_line_async (self->stdout_lines, G_PRIORITY_DEFAULT, self->cancellable,
                                       on_line, self);
}

static void
on_exited (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  HandoffTestPeer *self = user_data;
  GSubprocess *process = G_SUBPROCESS (source);

  if (!g_subprocess_wait_finish (process, result, NULL))
    return;  /* cancelled: the peer struct may be gone */
  self->exited = TRUE;
  self->exit_status = g_subprocess_get_if_exited (process) ? g_subprocess_get_exit_status (process) : -1;
}

static HandoffTestPeer *
spawn_peer (HandoffTestPeerKind  kind,
            const char          *ws_url,
            const char          *room,
            const char          *identity,
            const char          *call_server,
            const char * const  *args,
            GError             **error)
{
  g_autoptr(HandoffTestPeer) self = g_new0 (HandoffTestPeer, 1);
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *node = NULL;

  self->kind = kind;
  self->identity = g_strdup (identity);
  self->events = g_array_new (FALSE, TRUE, sizeof (PeerEvent));
  self->event_objects = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  self->cancellable = g_cancellable_new ();

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_set_child_setup (launcher, term_with_parent, NULL, NULL);
  g_subprocess_launcher_setenv (launcher, "HANDOFF_LK_URL", ws_url, TRUE);
  if (kind == HANDOFF_TEST_PEER_BROWSER)
    {
      /* The browser's token is minted by livekit-server-sdk, not by us; a
       * caller's comes from handoff-server, and it never sees the secret. */
      node = find_node ();
      if (call_server == NULL)
        {
          g_subprocess_launcher_setenv (launcher, "HANDOFF_LK_API_KEY", HANDOFF_TEST_API_KEY, TRUE);
          g_subprocess_launcher_setenv (launcher, "HANDOFF_LK_API_SECRET", HANDOFF_TEST_API_SECRET, TRUE);
        }
      else
        {
          g_subprocess_launcher_unsetenv (launcher, "HANDOFF_LK_API_KEY");
          g_subprocess_launcher_unsetenv (launcher, "HANDOFF_LK_API_SECRET");
        }
      g_subprocess_launcher_unsetenv (launcher, "HANDOFF_LK_TOKEN");
      g_ptr_array_add (argv, g_strdup (node ? node : "node"));
      g_ptr_array_add (argv, g_strdup (HANDOFF_BROWSER_PEER_SCRIPT));
      if (call_server != NULL)
        {
          g_ptr_array_add (argv, g_strdup ("--call-server"));
          g_ptr_array_add (argv, g_strdup (call_server));
          g_ptr_array_add (argv, g_strdup ("--call-name"));
          g_ptr_array_add (argv, g_strdup (identity));
        }
    }
  else
    {
      g_autofree char *token = handoff_test_mint_token (identity, room, 600, NULL);

      g_subprocess_launcher_setenv (launcher, "HANDOFF_LK_TOKEN", token, TRUE);
#ifdef HANDOFF_PEER_PATH
      g_ptr_array_add (argv, g_strdup (HANDOFF_PEER_PATH));
#else
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "handoff-peer is not part of this build");
      return NULL;
#endif
    }
  g_ptr_array_add (argv, g_strdup ("--room"));
  g_ptr_array_add (argv, g_strdup (room));
  g_ptr_array_add (argv, g_strdup ("--identity"));
  g_ptr_array_add (argv, g_strdup (identity));
  for (guint i = 0; args != NULL && args[i] != NULL; i++)
    g_ptr_array_add (argv, g_strdup (args[i]));
  g_ptr_array_add (argv, NULL);

  self->process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, error);
  if (self->process == NULL)
    return NULL;
  self->stdin_pipe = g_object_ref (g_subprocess_get_stdin_pipe (self->process));
  self->stdout_lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (self->process));
  g_subprocess_wait_async (self->process, self->cancellable, on_exited, self);
  read_next_line (self);
  return g_steal_pointer (&self);
}

HandoffTestPeer *
handoff_test_peer_spawn (HandoffTestPeerKind  kind,
                         const char          *ws_url,
                         const char          *room,
                         const char          *identity,
                         const char * const  *args,
                         GError             **error)
{
  return spawn_peer (kind, ws_url, room, identity, NULL, args, error);
}

HandoffTestPeer *
handoff_test_peer_spawn_caller (const char          *server_url,
                                const char          *name,
                                const char * const  *args,
                                GError             **error)
{
  return spawn_peer (HANDOFF_TEST_PEER_BROWSER, "", "-", name, server_url, args, error);
}

static gboolean
on_timeout (gpointer user_data)
{
  gboolean *expired = user_data;

  *expired = TRUE;
  return G_SOURCE_REMOVE;
}

void
handoff_test_peer_run_for (guint ms)
{
  gboolean expired = FALSE;
  guint id = g_timeout_add (ms, on_timeout, &expired);

  while (!expired)
    g_main_context_iteration (NULL, TRUE);
  (void) id;
}

static PeerEvent *
find_event (HandoffTestPeer *self,
            const char      *event,
            const char      *from)
{
  for (guint i = 0; i < self->events->len; i++)
    {
      PeerEvent *ev = &g_array_index (self->events, PeerEvent, i);

      if (ev->taken)
        continue;
      if (g_strcmp0 (json_object_get_string_member_with_default (ev->object, "event", ""), event) != 0)
        continue;
      if (from != NULL
          && g_strcmp0 (json_object_get_string_member_with_default (ev->object, "from", ""), from) != 0)
        continue;
      return ev;
    }
  return NULL;
}

JsonObject *
handoff_test_peer_next (HandoffTestPeer  *self,
                        const char       *event,
                        const char       *from,
                        guint             timeout_ms,
                        GError          **error)
{
  gboolean expired = FALSE;
  guint id = g_timeout_add (timeout_ms, on_timeout, &expired);
  JsonObject *found = NULL;

  for (;;)
    {
      PeerEvent *ev = find_event (self, event, from);

      if (ev != NULL)
        {
          ev->taken = TRUE;
          found = json_object_ref (ev->object);
          break;
        }
      if (self->last_error != NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s: %s", self->identity, self->last_error);
          break;
        }
      if (self->stdout_closed && self->exited)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_CLOSED, "%s exited (status %d) before '%s'",
                       self->identity, self->exit_status, event);
          break;
        }
      if (expired)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "%s: no '%s'%s%s within %u ms",
                       self->identity, event, from ? " from " : "", from ? from : "", timeout_ms);
          break;
        }
      g_main_context_iteration (NULL, TRUE);
    }
  if (!expired)
    g_source_remove (id);
  return found;
}

GPtrArray *
handoff_test_peer_get_events (HandoffTestPeer *self)
{
  return self->event_objects;
}

const char *
handoff_test_peer_get_identity (HandoffTestPeer *self)
{
  return self->identity;
}

GPid
handoff_test_peer_get_pid (HandoffTestPeer *self)
{
  const char *id = g_subprocess_get_identifier (self->process);

  return id != NULL ? (GPid) g_ascii_strtoll (id, NULL, 10) : 0;
}

/* Fields after the command name in /proc/PID/stat, which may contain spaces. */
static gboolean
read_stat (int      pid,
           int     *ppid,
           double  *cpu_seconds)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", pid);
  g_autofree char *text = NULL;
  g_auto(GStrv) fields = NULL;
  const char *rest;
  double ticks = (double) sysconf (_SC_CLK_TCK);

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return FALSE;
  rest = strrchr (text, ')');
  if (rest == NULL)
    return FALSE;
  fields = g_strsplit (rest + 2, " ", -1);
  /* fields[0] is the state (field 3): ppid is 4, utime..cstime are 14..17. */
  if (g_strv_length (fields) < 16)
    return FALSE;
  *ppid = (int) g_ascii_strtoll (fields[1], NULL, 10);
  *cpu_seconds = (g_ascii_strtod (fields[11], NULL) + g_ascii_strtod (fields[12], NULL)
                  + g_ascii_strtod (fields[13], NULL) + g_ascii_strtod (fields[14], NULL)) / ticks;
  return TRUE;
}

static gsize
read_kb_field (const char *path,
               const char *field)
{
  g_autofree char *text = NULL;
  const char *at;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return 0;
  at = strstr (text, field);
  if (at == NULL)
    return 0;
  return (gsize) g_ascii_strtoull (at + strlen (field), NULL, 10);
}

gboolean
handoff_test_peer_get_usage (HandoffTestPeer      *self,
                             HandoffTestPeerUsage *usage)
{
  g_autoptr(GDir) dir = g_dir_open ("/proc", 0, NULL);
  g_autoptr(GHashTable) parent_of = g_hash_table_new (NULL, NULL);
  g_autoptr(GHashTable) cpu_of = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  g_autoptr(GHashTable) members = g_hash_table_new (NULL, NULL);
  int root = handoff_test_peer_get_pid (self);
  const char *name;
  gboolean grew = TRUE;
  GHashTableIter iter;
  gpointer key;

  memset (usage, 0, sizeof *usage);
  if (dir == NULL || root <= 0 || self->exited)
    return FALSE;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      int pid = (int) g_ascii_strtoll (name, NULL, 10);
      int ppid;
      double cpu;

      if (pid <= 0 || !read_stat (pid, &ppid, &cpu))
        continue;
      g_hash_table_insert (parent_of, GINT_TO_POINTER (pid), GINT_TO_POINTER (ppid));
      g_hash_table_insert (cpu_of, GINT_TO_POINTER (pid), g_memdup2 (&cpu, sizeof cpu));
    }

  /* Descendants of the peer's process. */
  g_hash_table_add (members, GINT_TO_POINTER (root));
  while (grew)
    {
      gpointer value;

      grew = FALSE;
      g_hash_table_iter_init (&iter, parent_of);
      while (g_hash_table_iter_next (&iter, &key, &value))
        if (g_hash_table_contains (members, value) && !g_hash_table_contains (members, key))
          {
            g_hash_table_add (members, key);
            grew = TRUE;
          }
    }
  /* Node only drives the browser; it is not part of the participant. */
  if (self->kind == HANDOFF_TEST_PEER_BROWSER)
    g_hash_table_remove (members, GINT_TO_POINTER (root));

  g_hash_table_iter_init (&iter, members);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      int pid = GPOINTER_TO_INT (key);
      g_autofree char *rollup = g_strdup_printf ("/proc/%d/smaps_rollup", pid);
      g_autofree char *status = g_strdup_printf ("/proc/%d/status", pid);
      double *cpu = g_hash_table_lookup (cpu_of, key);

      usage->cpu_seconds += cpu != NULL ? *cpu : 0;
      usage->pss_kb += read_kb_field (rollup, "\nPss:");
      usage->rss_kb += read_kb_field (status, "\nVmRSS:");
      usage->n_processes++;
    }
  return usage->n_processes > 0;
}

int
handoff_test_peer_quit (HandoffTestPeer *self,
                        guint            timeout_ms)
{
  gboolean expired = FALSE;
  guint id;

  if (self->stdin_pipe != NULL)
    {
      g_output_stream_write_all (self->stdin_pipe, "quit\n", 5, NULL, NULL, NULL);
      g_output_stream_close (self->stdin_pipe, NULL, NULL);
      g_clear_object (&self->stdin_pipe);
    }
  id = g_timeout_add (timeout_ms, on_timeout, &expired);
  while (!self->exited && !expired)
    g_main_context_iteration (NULL, TRUE);
  if (!expired)
    g_source_remove (id);
  if (self->exited)
    return self->exit_status;

  g_printerr ("[%s] did not leave within %u ms; killing it\n", self->identity, timeout_ms);
  g_subprocess_send_signal (self->process, SIGTERM);
  expired = FALSE;
  id = g_timeout_add (3000, on_timeout, &expired);
  while (!self->exited && !expired)
    g_main_context_iteration (NULL, TRUE);
  if (!expired)
    g_source_remove (id);
  if (!self->exited)
    {
      g_subprocess_force_exit (self->process);
      while (!self->exited)
        g_main_context_iteration (NULL, TRUE);
    }
  return -1;
}

void
handoff_test_peer_free (HandoffTestPeer *self)
{
  if (self == NULL)
    return;
  if (self->process != NULL && !self->exited)
    handoff_test_peer_quit (self, 5000);
  g_cancellable_cancel (self->cancellable);
  /* Let the cancelled reads and waits finish before their user_data goes. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  for (guint i = 0; self->events != NULL && i < self->events->len; i++)
    json_object_unref (g_array_index (self->events, PeerEvent, i).object);
  g_clear_pointer (&self->events, g_array_unref);
  g_clear_pointer (&self->event_objects, g_ptr_array_unref);
  g_clear_object (&self->stdin_pipe);
  g_clear_object (&self->stdout_lines);
  g_clear_object (&self->process);
  g_clear_object (&self->cancellable);
  g_free (self->last_error);
  g_free (self->identity);
  g_free (self);
}
