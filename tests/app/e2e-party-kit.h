/* e2e-party-kit.h: what the in-process end-to-end tests of tests/app share —
 * agents signed in and following their offers, calls placed and accepted,
 * each party's media wired as the app wires it, and waiting on the main
 * context with a picture of the test when a wait times out
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gst/gst.h>

#include "handoff-account.h"
#include "handoff-call-session.h"
#include "handoff-lk-media.h"
#include "handoff-test-server.h"
#include "handoff-transfer-session.h"

G_BEGIN_DECLS

/* gst_init, g_test_init, an in-memory keyring, webrtcbin's known harmless
 * warning not fatal (handoff-test-warnings.h). @report (may be NULL) tells
 * what the test sees when a wait times out; with E2E_GDB set, every
 * thread's stack follows. */
void e2e_kit_init      (int    *argc,
                        char ***argv,
                        void  (*report) (void));
/* Reports, then fails the test: @what did not come true in time. */
G_NORETURN void e2e_kit_timed_out (const char *what);

/* Iterates the main context until @cond holds; fails after @secs. */
#define E2E_WAIT_FOR(cond, secs) \
  G_STMT_START { \
    gint64 _end = g_get_monotonic_time () + (secs) * G_USEC_PER_SEC; \
    while (!(cond) && g_get_monotonic_time () < _end) \
      g_main_context_iteration (NULL, TRUE); \
    if (!(cond)) \
      e2e_kit_timed_out (#cond); \
  } G_STMT_END

/* An asynchronous call's outcome: pass e2e_kit_on_action (a transfer
 * session's action) and the result, then e2e_kit_finish. */
typedef struct {
  gboolean done;
  GError  *error;
} E2eKitResult;

void e2e_kit_on_action (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data);
/* Waits for @r and asserts it succeeded. */
void e2e_kit_finish    (E2eKitResult *r,
                        double        secs);

/* An agent as the app has one: signed in, with the first call offered to it
 * and the first transfer offered to it (or set by the test, for A's own),
 * which the account's events then drive. */
typedef struct {
  HandoffAccount         *account;
  HandoffServerClient    *client;    /* the account's */
  HandoffCallSession     *offered;
  HandoffTransferSession *transfer;
} E2eKitAgent;

E2eKitAgent *e2e_kit_agent_new   (HandoffTestServer *server,
                                  const char        *user,
                                  const char        *password,
                                  const char        *presence);
void         e2e_kit_agent_free  (E2eKitAgent       *agent);
void         e2e_kit_set_presence (HandoffAccount   *account,
                                   const char       *presence);

/* A party's media with these devices (floating refs taken) and the speaker
 * meter on, as the app has it. */
HandoffLkMedia     *e2e_kit_media  (GstElement        *microphone,
                                    GstElement        *speaker);
/* A caller calls the server's public endpoint (asserting success). */
HandoffCallSession *e2e_kit_place  (HandoffTestServer *server,
                                    const char        *name,
                                    const char        *reason,
                                    HandoffLkMedia    *media);
/* The agent takes its offered call with @media (asserting success). */
void                e2e_kit_accept (E2eKitAgent       *agent,
                                    HandoffLkMedia    *media);
/* Lets the last hang-up and leave messages go out before the test ends. */
void                e2e_kit_settle (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (E2eKitAgent, e2e_kit_agent_free)

G_END_DECLS
