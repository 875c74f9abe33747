/* handoff-test-watchdog.h: thread stacks of a test that is about to time out
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* When HANDOFF_TEST_TIMEOUT (meson's timeout for this test, in seconds) is
 * set, a thread waits until shortly before it; if the test is still running
 * then, it prints the running test's path and every thread's stack (gdb) to
 * stderr and aborts. Meson's own timeout kills silently, which left hangs
 * unexplained. Safe to call more than once. */
void handoff_test_watchdog_arm (void);

/* Every thread's stack (gdb, attached to this process) on stderr. */
void handoff_test_print_thread_stacks (void);

/* A fatal critical or warning (G_DEBUG=fatal-criticals: GLib raises
 * SIGTRAP) prints every thread's stack (gdb) before the process ends, so a
 * rare one in CI is explained by its log. */
void handoff_test_stacks_on_fatal_log (void);

G_END_DECLS
