/* handoff-test-server.c: a real handoff-server --dev for tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <sys/prctl.h>

#include "handoff-test-server.h"

struct _HandoffTestServer
{
  GSubprocess        *proc;
  HandoffTestLivekit *livekit;
  guint16             port;
  char               *dir;
  char               *db;
  char               *url;
  char               *config;   /* key file, or NULL */
};

/* A failed assertion aborts the test: the server must not outlive it
 * holding the test's stderr open (meson then waits for the timeout). */
static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static gboolean
spawn (HandoffTestServer  *self,
       GError            **error)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *bin = NULL;
  g_autofree char *port = g_strdup_printf ("%u", self->port);
  const char *build = g_getenv ("HANDOFF_BUILD_ROOT");
  const char *lk_url;
  gboolean up = FALSE;

  bin = g_build_filename (build ? build : ".", "src", "server", "handoff-server", NULL);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  /* A UI test may put its own proxy in front of livekit-server's signal port
   * (to cut one party's signal connection); the server hands that URL out. */
  lk_url = g_getenv ("HANDOFF_TEST_LIVEKIT_PROXY_URL");
  g_subprocess_launcher_setenv (launcher, "LIVEKIT_URL",
                                lk_url ? lk_url : handoff_test_livekit_get_ws_url (self->livekit), TRUE);
  g_subprocess_launcher_setenv (launcher, "LIVEKIT_API_KEY", HANDOFF_TEST_API_KEY, TRUE);
  g_subprocess_launcher_setenv (launcher, "LIVEKIT_API_SECRET", HANDOFF_TEST_API_SECRET, TRUE);
  if (self->config != NULL)
    self->proc = g_subprocess_launcher_spawn (launcher, error, bin, "--dev", "--config", self->config,
                                              "--port", port, "--database", self->db, NULL);
  else
    self->proc = g_subprocess_launcher_spawn (launcher, error, bin, "--dev", "--port", port,
                                              "--database", self->db, NULL);
  if (self->proc == NULL)
    return FALSE;
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (self->proc));
  for (int i = 0; i < 20 && !up; i++)
    {
      g_autofree char *line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, NULL);
      if (line == NULL)
        break;
      up = g_str_has_prefix (line, "handoff-server listening on ");
    }
  if (!up)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "handoff-server did not start");
      return FALSE;
    }
  return TRUE;
}

void
handoff_test_server_stop (HandoffTestServer *self)
{
  if (self->proc == NULL)
    return;
  g_subprocess_send_signal (self->proc, SIGTERM);
  g_subprocess_wait (self->proc, NULL, NULL);
  g_clear_object (&self->proc);
}

/* Same port, same database: clients' sessions survive. */
gboolean
handoff_test_server_restart (HandoffTestServer  *self,
                             GError            **error)
{
  handoff_test_server_stop (self);
  return spawn (self, error);
}

HandoffTestServer *
handoff_test_server_start (HandoffTestLivekit  *livekit,
                           GError             **error)
{
  return handoff_test_server_start_with_config (livekit, NULL, error);
}

HandoffTestServer *
handoff_test_server_start_with_config (HandoffTestLivekit  *livekit,
                                       const char          *key_file,
                                       GError             **error)
{
  g_autoptr(HandoffTestServer) self = g_new0 (HandoffTestServer, 1);

  self->livekit = livekit;
  self->dir = g_dir_make_tmp ("handoff-test-server-XXXXXX", error);
  if (self->dir == NULL)
    return NULL;
  if (key_file != NULL)
    {
      self->config = g_build_filename (self->dir, "handoff-server.conf", NULL);
      if (!g_file_set_contents (self->config, key_file, -1, error))
        return NULL;
    }
  self->db = g_build_filename (self->dir, "handoff.db", NULL);
  self->port = handoff_test_free_port (FALSE);
  self->url = g_strdup_printf ("http://127.0.0.1:%u", self->port);
  if (!spawn (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

const char *
handoff_test_server_get_url (HandoffTestServer *self)
{
  return self->url;
}

void
handoff_test_server_free (HandoffTestServer *self)
{
  if (self == NULL)
    return;
  handoff_test_server_stop (self);
  if (self->db)
    {
      g_autofree char *wal = g_strconcat (self->db, "-wal", NULL);
      g_autofree char *shm = g_strconcat (self->db, "-shm", NULL);
      g_remove (self->db);
      g_remove (wal);
      g_remove (shm);
    }
  if (self->config)
    g_remove (self->config);
  if (self->dir)
    g_rmdir (self->dir);
  g_free (self->config);
  g_free (self->dir);
  g_free (self->db);
  g_free (self->url);
  g_free (self);
}
