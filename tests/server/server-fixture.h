/* server-fixture.h: a handoff-server in the test process, a real livekit-server
 * beside it, and a real SoupSession to talk to both
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libsoup/soup.h>
#include <json-glib/json-glib.h>

#include "handoff-server.h"
#include "handoff-test-livekit.h"

G_BEGIN_DECLS

#define ALICE_PASSWORD "alice-password-7f3a"
#define BOB_PASSWORD   "bob-password-91c2"
#define CAROL_PASSWORD "carol-password-55d0"

typedef struct {
  guint call_offer_timeout;
  guint transfer_offer_timeout;
  guint calls_per_minute;
  guint session_ttl;          /* seconds; 0: the default */
  int agent_rejoin_grace;     /* seconds; 0: the default (30), < 0: none (requeue at once) */
  const char *allowed_origin; /* [server] allowed_origins, one origin; NULL: none */
  gboolean no_livekit;        /* point at a port where nothing listens */
} FixtureOptions;

typedef struct {
  HandoffTestLivekit *lk;     /* shared by every test of the process */
  HandoffServerConfig *config;
  FixtureOptions options;
  HandoffServer *server;
  SoupSession *session;
  char *dir;
  char *base;
  char *alice, *bob, *carol;              /* session tokens */
  char *alice_id, *bob_id, *carol_id;
} Fixture;

/* NULL (and the test skipped) when livekit-server is not installed. */
HandoffTestLivekit *fixture_livekit      (void);
void                fixture_livekit_free (void);
/* The port LiveKit's webhooks go to; servers of this process listen there. */
guint16             fixture_server_port  (void);
gboolean            fixture_start        (Fixture *f, const FixtureOptions *options);
void                fixture_stop         (Fixture *f);
/* Shuts the server down and starts a new one on the same store and port
 * (sessions, calls, transfers and timers come back from the store). */
void                fixture_restart      (Fixture *f);

/* One request; runs the main loop (the server lives in this thread) until the
 * answer is in. body may be NULL; content_type NULL means application/json. */
JsonNode *http       (Fixture *f, const char *method, const char *path, const char *bearer,
                      const char *content_type, const char *body, guint *status);
GBytes   *http_raw   (Fixture *f, const char *method, const char *url, const char *bearer,
                      const char *content_type, GBytes *body, guint *status,
                      char **response_type);
/* Sends a prepared message (any headers) to the server; returns the body. */
GBytes   *http_send  (Fixture *f, SoupMessage *msg);
/* Asserts `node` is {"error": code, "message": non-empty}. */
void      assert_error (JsonNode *node, const char *code);
const char *member_string (JsonNode *node, const char *path);
gboolean  wait_for   (gboolean (*check) (gpointer), gpointer data, guint timeout_ms);
void      spin       (guint ms);

/* POST /api/v1/sessions (must answer 201): a new session token of
 * `username`, and its agent id in *id_out unless id_out is NULL. */
char     *sign_in     (Fixture *f, const char *username, const char *password, char **id_out);
/* The caller of a new call, and the active call accepted by alice. */
char     *create_call (Fixture *f, char **caller_token);
char     *active_call (Fixture *f, const char *agent_token, char **caller_token);
/* active_call, also giving the LiveKit token the accept granted the agent
 * (agent_lk_token may be NULL). */
char     *active_call_full (Fixture *f, const char *agent_token, char **caller_token,
                            char **agent_lk_token);

/* POST /api/v1/calls/<id>/<action> or /api/v1/transfers/<id>/<action> as
 * `token` (no body). With status NULL the answer must be 200; otherwise it is
 * the caller's to check. */
JsonNode *call_action     (Fixture *f, const char *call_id, const char *action,
                           const char *token, guint *status);
JsonNode *transfer_action (Fixture *f, const char *transfer_id, const char *action,
                           const char *token, guint *status);
/* Accepts an offered call or transfer (must answer 200); returns the LiveKit
 * token it granted. */
char     *accept_call     (Fixture *f, const char *call_id, const char *token);
char     *accept_transfer (Fixture *f, const char *transfer_id, const char *token);
/* POST /api/v1/transfers of `call_id` from the agent of `from_token` to agent
 * `to_id` (must answer 201, offered); returns the transfer id. `details` are
 * the JSON members after call_id and target_agent_id (at least "summary");
 * start_transfer gives a one-line summary. */
char     *start_transfer_with (Fixture *f, const char *call_id, const char *from_token,
                               const char *to_id, const char *details);
char     *start_transfer      (Fixture *f, const char *call_id, const char *from_token,
                               const char *to_id);
char     *set_available (Fixture *f, const char *token);
/* A condition for wait_for or lk_test_wait, @args = { Fixture *, call id }:
 * GET /api/v1/calls/<call id> (as bob) shows the agent away
 * (agent_away_until); asked every 0.2 s, not in a tight loop. */
gboolean  call_agent_away (gpointer args);

/* A signal-only LiveKit participant: joins over /rtc, leaves with a
 * LeaveRequest. Enough for LiveKit to send participant webhooks. */
SoupWebsocketConnection *signal_join  (Fixture *f, const char *token);
void                     signal_leave (SoupWebsocketConnection *conn);

G_END_DECLS

G_BEGIN_DECLS

/* A client of /api/v1/events collecting every event it receives. */
typedef struct {
  SoupWebsocketConnection *conn;
  GPtrArray *events;          /* JsonNode */
  gboolean closed;
} EventStream;

EventStream *events_open   (Fixture *f, const char *token, gint64 since);
void         events_close  (EventStream *s);
/* Waits for the next event of `type` after index *cursor (moved past it). */
JsonNode    *events_wait   (EventStream *s, const char *type, guint *cursor, guint timeout_ms);
gint64       event_seq     (JsonNode *event);

G_END_DECLS

G_BEGIN_DECLS
/* Keeps `s` until the end of the test process; for strings built inside
 * assertions. */
const char *tmp (char *s);
G_END_DECLS

G_BEGIN_DECLS
/* An HS256 JWT of `claims_json` (with iss and exp added when absent). */
char *handoff_test_sign_claims (const char *secret, const char *claims_json);
G_END_DECLS
