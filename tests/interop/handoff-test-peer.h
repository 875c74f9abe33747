/* handoff-test-peer.h: a room participant in a process of its own, speaking JSON lines
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Two kinds share one command line and one event vocabulary (see
 * tests/interop/browser-peer.mjs): a livekit-client in headless Chromium, and
 * handoff-peer, our own client (LkRoom). Tests and benchmarks start them, wait
 * for their events on the thread-default main context, and measure their
 * processes.
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef enum {
  HANDOFF_TEST_PEER_BROWSER,
  HANDOFF_TEST_PEER_HANDOFF,
} HandoffTestPeerKind;

typedef struct _HandoffTestPeer HandoffTestPeer;

typedef struct {
  double cpu_seconds;   /* utime + stime, all of the participant's processes */
  gsize  pss_kb;        /* Pss from smaps_rollup, summed */
  gsize  rss_kb;        /* VmRSS, summed (double-counts shared pages) */
  guint  n_processes;
} HandoffTestPeerUsage;

/* FALSE (and why) when this machine cannot run that kind of peer. */
gboolean          handoff_test_peer_available   (HandoffTestPeerKind kind,
                                                 char              **why);
/* Skips the test when the peer cannot run, unless HANDOFF_REQUIRE_LIVEKIT is set
 * (CI), where a missing browser is a failure. */
gboolean          handoff_test_peer_available_or_skip (HandoffTestPeerKind kind);

/* Starts one participant joining @room as @identity. @args: more options
 * (e.g. "--tone", "440"), NULL-terminated, or NULL. */
HandoffTestPeer  *handoff_test_peer_spawn       (HandoffTestPeerKind  kind,
                                                 const char          *ws_url,
                                                 const char          *room,
                                                 const char          *identity,
                                                 const char * const  *args,
                                                 GError             **error);

/* A browser caller (always HANDOFF_TEST_PEER_BROWSER) calling through
 * handoff-server's public call route at @server_url under @name, as a
 * caller's web page does: the server gives it the room and its token.
 * Its first event of note is "placed" {call_id, room, identity}. */
HandoffTestPeer  *handoff_test_peer_spawn_caller (const char         *server_url,
                                                  const char         *name,
                                                  const char * const *args,
                                                  GError            **error);

/* The earliest event named @event (and, if @from is not NULL, with "from"
 * equal to it) not returned before; waits up to @timeout_ms. NULL on timeout,
 * on an "error" event, or when the process ends (@error says which). */
JsonObject       *handoff_test_peer_next        (HandoffTestPeer  *self,
                                                 const char       *event,
                                                 const char       *from,
                                                 guint             timeout_ms,
                                                 GError          **error);

/* Every event so far, oldest first (JsonObject *). */
GPtrArray        *handoff_test_peer_get_events  (HandoffTestPeer *self);
const char       *handoff_test_peer_get_identity (HandoffTestPeer *self);
GPid              handoff_test_peer_get_pid     (HandoffTestPeer *self);

/* Sums the participant's processes: handoff-peer itself, or every Chromium
 * process under browser-peer.mjs (Node, the driver, is left out). */
gboolean          handoff_test_peer_get_usage   (HandoffTestPeer      *self,
                                                 HandoffTestPeerUsage *usage);

/* Asks the peer to leave and waits for it to exit (killing it after
 * @timeout_ms). Returns its exit status, or -1 when it had to be killed. */
int               handoff_test_peer_quit        (HandoffTestPeer *self,
                                                 guint            timeout_ms);
void              handoff_test_peer_free        (HandoffTestPeer *self);

/* Runs the thread-default main context for @ms milliseconds. */
void              handoff_test_peer_run_for     (guint ms);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HandoffTestPeer, handoff_test_peer_free)

G_END_DECLS
