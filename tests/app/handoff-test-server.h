/* handoff-test-server.h: a real handoff-server --dev for tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "handoff-test-livekit.h"

G_BEGIN_DECLS

typedef struct _HandoffTestServer HandoffTestServer;

/* Starts handoff-server --dev (demo agents alice/bob) on a free port with its
 * own database, pointed at @livekit. NULL with @error when it cannot. */
HandoffTestServer *handoff_test_server_start   (HandoffTestLivekit *livekit,
                                                GError            **error);
/* The same with settings of a key file (e.g. "[timeouts]\nsession_ttl=6\n"). */
HandoffTestServer *handoff_test_server_start_with_config (HandoffTestLivekit *livekit,
                                                          const char         *key_file,
                                                          GError            **error);
const char        *handoff_test_server_get_url (HandoffTestServer  *self);
void               handoff_test_server_stop    (HandoffTestServer  *self);
gboolean           handoff_test_server_restart (HandoffTestServer  *self,
                                                GError            **error);
void               handoff_test_server_free    (HandoffTestServer  *self);

#define HANDOFF_TEST_ALICE_PASSWORD "alice-demo-password"
#define HANDOFF_TEST_BOB_PASSWORD   "bob-demo-password"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HandoffTestServer, handoff_test_server_free)

G_END_DECLS
