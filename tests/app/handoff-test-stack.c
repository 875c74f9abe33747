/* handoff-test-stack.c: a real livekit-server and handoff-server --dev for
 * the UI tests (which are Python and drive the windows)
 *
 * Starts livekit-server through the shared harness (free ports, always
 * stopped) and handoff-server --dev pointed at it, prints
 *   LIVEKIT_URL=ws://...
 *   HANDOFF_SERVER_URL=http://...
 * and keeps both running until its standard input closes or it gets
 * SIGTERM/SIGINT. Exits 77 (skip) when livekit-server is not installed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gio/gio.h>
#include <glib-unix.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <unistd.h>

#include "handoff-test-livekit.h"

static gboolean
on_quit (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

static gboolean
on_stdin (GIOChannel   *channel,
          GIOCondition  condition,
          gpointer      user_data)
{
  char buf[256];
  gssize n = read (0, buf, sizeof buf);

  if (n <= 0)
    {
      g_main_loop_quit (user_data);
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HandoffTestLivekit) lk = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) server = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GIOChannel) in = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *db = NULL;
  g_autofree char *server_bin = NULL;
  g_autofree char *url = NULL;
  const char *build = g_getenv ("HANDOFF_BUILD_ROOT");

  lk = handoff_test_livekit_start (NULL, &error);
  if (lk == NULL)
    {
      g_printerr ("livekit-server: %s\n", error->message);
      return g_getenv ("HANDOFF_REQUIRE_LIVEKIT") ? 1 : 77;
    }
  dir = g_dir_make_tmp ("handoff-ui-XXXXXX", &error);
  g_assert_no_error (error);
  db = g_build_filename (dir, "handoff.db", NULL);
  server_bin = g_build_filename (build ? build : ".", "src", "server", "handoff-server", NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_setenv (launcher, "LIVEKIT_URL", handoff_test_livekit_get_ws_url (lk), TRUE);
  g_subprocess_launcher_setenv (launcher, "LIVEKIT_API_KEY", HANDOFF_TEST_API_KEY, TRUE);
  g_subprocess_launcher_setenv (launcher, "LIVEKIT_API_SECRET", HANDOFF_TEST_API_SECRET, TRUE);
  server = g_subprocess_launcher_spawn (launcher, &error, server_bin, "--dev", "--port", "0",
                                        "--database", db, NULL);
  if (server == NULL)
    {
      g_printerr ("handoff-server: %s\n", error->message);
      return 1;
    }
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server));
  for (int i = 0; i < 20 && url == NULL; i++)
    {
      g_autofree char *line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
      if (line == NULL)
        break;
      if (g_str_has_prefix (line, "handoff-server listening on "))
        url = g_strdup (line + strlen ("handoff-server listening on "));
    }
  if (url == NULL)
    {
      g_printerr ("handoff-server did not start\n");
      g_subprocess_force_exit (server);
      return 1;
    }
  printf ("LIVEKIT_URL=%s\nHANDOFF_SERVER_URL=%s\n", handoff_test_livekit_get_ws_url (lk), url);
  fflush (stdout);

  in = g_io_channel_unix_new (0);
  g_io_add_watch (in, G_IO_IN | G_IO_HUP | G_IO_ERR, on_stdin, loop);
  g_unix_signal_add (SIGTERM, on_quit, loop);
  g_unix_signal_add (SIGINT, on_quit, loop);
  g_main_loop_run (loop);

  g_subprocess_send_signal (server, SIGTERM);
  g_subprocess_wait (server, NULL, NULL);
  handoff_test_livekit_stop (lk);
  g_remove (db);
  {
    g_autofree char *wal = g_strconcat (db, "-wal", NULL);
    g_autofree char *shm = g_strconcat (db, "-shm", NULL);
    g_remove (wal);
    g_remove (shm);
  }
  g_rmdir (dir);
  return 0;
}
