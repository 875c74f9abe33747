/* handoff-test-watchdog.c: thread stacks of a test that is about to time out
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "handoff-test"

#include "handoff-test-watchdog.h"

#include <gio/gio.h>

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct {
  guint timeout_s;
  guint fire_after_s;
} Watchdog;

void
handoff_test_print_thread_stacks (void)
{
  g_autofree char *pid = g_strdup_printf ("%d", (int) getpid ());
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_INHERIT);
  g_autoptr(GSubprocess) gdb = NULL;
  g_autoptr(GError) error = NULL;

  /* gdb stops every thread of ours, this one too: it must write straight to
   * our stderr, never into a pipe that we would have to drain. */
  g_subprocess_launcher_take_stdout_fd (launcher, dup (STDERR_FILENO));
  gdb = g_subprocess_launcher_spawn (launcher, &error,
                                     "gdb", "-p", pid, "-batch", "-nx",
                                     "-iex", "set debuginfod enabled off",
                                     "-ex", "set pagination off",
                                     "-ex", "thread apply all bt 30",
                                     NULL);
  if (gdb == NULL || !g_subprocess_wait (gdb, NULL, &error))
    g_printerr ("watchdog: no stacks: %s\n", error->message);
}

/* Meson's clock starts with the process, not with our first call. */
static double
process_age_s (void)
{
  g_autofree char *stat = NULL;
  g_autofree char *uptime = NULL;
  const char *after_name;
  g_auto(GStrv) fields = NULL;

  if (!g_file_get_contents ("/proc/self/stat", &stat, NULL, NULL)
      || !g_file_get_contents ("/proc/uptime", &uptime, NULL, NULL)
      || (after_name = strrchr (stat, ')')) == NULL)
    return 0;
  /* Field 22 (starttime) is the 20th after the command name. */
  fields = g_strsplit (after_name + 2, " ", 0);
  if (g_strv_length (fields) < 20)
    return 0;
  return g_ascii_strtod (uptime, NULL)
         - g_ascii_strtod (fields[19], NULL) / sysconf (_SC_CLK_TCK);
}

static gpointer
watch (gpointer data)
{
  Watchdog *dog = data;
  double wait_s = dog->fire_after_s - process_age_s ();

  if (wait_s > 0)
    g_usleep ((gulong) (wait_s * G_USEC_PER_SEC));
  /* g_test_get_path () is only read here; a torn read would at worst print
   * the wrong test's name on the way to an abort. */
  g_printerr ("\nwatchdog: still running after %u s (meson stops it at %u s), in %s; "
              "the stack of every thread follows\n",
              dog->fire_after_s, dog->timeout_s, g_test_get_path ());
  handoff_test_print_thread_stacks ();
  abort ();
  return NULL;
}

void
handoff_test_watchdog_arm (void)
{
  static gsize armed = 0;

  if (g_once_init_enter (&armed))
    {
      const char *timeout = g_getenv ("HANDOFF_TEST_TIMEOUT");
      guint64 timeout_s = timeout != NULL ? g_ascii_strtoull (timeout, NULL, 10) : 0;

      if (timeout_s >= 60 && timeout_s < G_MAXUINT / 2)
        {
          Watchdog *dog = g_new0 (Watchdog, 1);

          dog->timeout_s = (guint) timeout_s;
          /* Room for gdb to attach and walk a sanitized process's threads. */
          dog->fire_after_s = dog->timeout_s - MAX (25, dog->timeout_s / 8);
          g_thread_unref (g_thread_new ("test-watchdog", watch, dog));
        }
      g_once_init_leave (&armed, 1);
    }
}

static void
on_trap (int sig)
{
  /* Not async-signal-safe, but this process is ending anyway: a stack is
   * worth more than a clean death. */
  g_printerr ("\nfatal log message (signal %d) in process %d; the stack of every thread follows\n",
              sig, (int) getpid ());
  handoff_test_print_thread_stacks ();
  signal (sig, SIG_DFL);
  raise (sig);
}

void
handoff_test_stacks_on_fatal_log (void)
{
  struct sigaction action = { 0 };

  action.sa_handler = on_trap;
  sigemptyset (&action.sa_mask);
  sigaction (SIGTRAP, &action, NULL);
}
