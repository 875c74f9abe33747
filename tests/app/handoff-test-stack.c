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

#include "handoff-test-server.h"

static gboolean
on_quit (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

static GMainLoop *loop;
static HandoffTestServer *server;

/* Commands, one per line: "stop-server", "start-server" (same port and
 * database); each answered with "ok" or "error <message>". */
static gboolean
on_stdin (GIOChannel   *channel,
          GIOCondition  condition,
          gpointer      user_data)
{
  g_autofree char *line = NULL;
  g_autoptr(GError) error = NULL;

  if (g_io_channel_read_line (channel, &line, NULL, NULL, NULL) != G_IO_STATUS_NORMAL)
    {
      g_main_loop_quit (loop);
      return G_SOURCE_REMOVE;
    }
  g_strstrip (line);
  if (g_str_equal (line, "stop-server"))
    handoff_test_server_stop (server);
  else if (g_str_equal (line, "start-server") && !handoff_test_server_restart (server, &error))
    {
      printf ("error %s\n", error->message);
      fflush (stdout);
      return G_SOURCE_CONTINUE;
    }
  printf ("ok\n");
  fflush (stdout);
  return G_SOURCE_CONTINUE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HandoffTestLivekit) lk = NULL;

  g_autoptr(GIOChannel) in = NULL;
  g_autofree char *url = NULL;

  loop = g_main_loop_new (NULL, FALSE);
  lk = handoff_test_livekit_start (NULL, &error);
  if (lk == NULL)
    {
      g_printerr ("livekit-server: %s\n", error->message);
      return g_getenv ("HANDOFF_REQUIRE_LIVEKIT") ? 1 : 77;
    }
  server = handoff_test_server_start (lk, &error);
  if (server == NULL)
    {
      g_printerr ("handoff-server: %s\n", error->message);
      return 1;
    }
  url = g_strdup (handoff_test_server_get_url (server));
  printf ("LIVEKIT_URL=%s\nHANDOFF_SERVER_URL=%s\n", handoff_test_livekit_get_ws_url (lk), url);
  fflush (stdout);

  in = g_io_channel_unix_new (0);
  g_io_add_watch (in, G_IO_IN | G_IO_HUP | G_IO_ERR, on_stdin, loop);
  g_unix_signal_add (SIGTERM, on_quit, loop);
  g_unix_signal_add (SIGINT, on_quit, loop);
  g_main_loop_run (loop);

  g_clear_pointer (&server, handoff_test_server_free);
  handoff_test_livekit_stop (lk);
  g_main_loop_unref (loop);
  return 0;
}
