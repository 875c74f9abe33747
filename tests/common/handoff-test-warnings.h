/* handoff-test-warnings.h: third-party warnings known to be harmless, kept
 * from aborting a test
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* After g_test_init, and again in every test case that runs webrtcbin (GLib
 * forgets a test's fatal handler at the start of each test case): the known
 * webrtcbin warning is reported as a test message instead of aborting the
 * test; every other warning and critical stays fatal. */
void handoff_test_tolerate_known_warnings (void);

G_END_DECLS
