/* handoff-server-private.h: what the route files of handoff-server share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libsoup/soup.h>

#include "handoff-request.h"
#include "handoff-server-error.h"
#include "handoff-server.h"
#include "handoff-store.h"
#include "handoff-twirp.h"

G_BEGIN_DECLS

typedef struct {
  guint64 requests_2xx, requests_4xx, requests_5xx;
  guint64 calls_created, calls_ended, calls_requeued;
  guint64 transfers_created;
  guint64 outcomes[6];
  guint64 webhooks_ok, webhooks_rejected;
  guint64 twirp_errors;
  guint64 rate_limited;
  guint64 events_sent;
} HandoffServerMetrics;

struct _HandoffServer {
  GObject parent_instance;

  HandoffServerConfig *config;
  HandoffStore *store;
  HandoffTwirp *twirp;
  SoupServer *soup;
  GCancellable *cancellable;
  char *base_url;
  guint16 port;

  GHashTable *timers;        /* "call:<id>" / "transfer:<id>" / "away:<id>" -> source id */
  GHashTable *sockets;       /* agent id -> GPtrArray of SoupWebsocketConnection */
  GHashTable *buckets;       /* "<kind>:<address>" -> RateBucket */
  GPtrArray *pending_events; /* committed-soon events to push: PendingEvent */
  GHashTable *subscription_queues; /* room -> GQueue of changes, head in flight */
  GHashTable *on_call;       /* set of agent ids the agents were told are on a call */
  HandoffServerMetrics metrics;
};

typedef enum {
  HANDOFF_AUTH_PUBLIC,
  HANDOFF_AUTH_AGENT,
  HANDOFF_AUTH_AGENT_OR_CALLER,
  HANDOFF_AUTH_WEBHOOK,
} HandoffAuth;

typedef struct {
  HandoffServer *server;
  SoupServerMessage *msg;
  char *id;                 /* the {id} path parameter */
  JsonObject *agent;        /* signed-in agent (id, username, ...) */
  char *session_hash;       /* sha256 of the session token */
  char *caller_call_id;     /* the call a caller token is for */
  JsonObject *body;         /* validated request body */
  GHashTable *query;
  gint ref_count;
} HandoffCtx;

typedef void (*HandoffRouteFunc) (HandoffCtx *ctx);

typedef struct {
  const char *method;
  const char *path;
  HandoffAuth auth;
  const char *schema;       /* body schema or NULL */
  gboolean body_optional;
  HandoffRouteFunc func;
} HandoffRoute;

/* Outcomes, in the order of metrics.outcomes. */
extern const char * const handoff_outcomes[];

/* handoff-server.c */
HandoffCtx *handoff_ctx_ref          (HandoffCtx *ctx);
void        handoff_ctx_unref        (HandoffCtx *ctx);
/* For routes that wait on LiveKit: pause now, answer later (which unpauses). */
void        handoff_ctx_pause        (HandoffCtx *ctx);
void        handoff_reply_json       (HandoffCtx *ctx, guint status, JsonNode *node);
void        handoff_reply_object     (HandoffCtx *ctx, guint status, JsonObject *object);
void        handoff_reply_error      (HandoffCtx *ctx, const GError *error);
void        handoff_reply_status     (HandoffCtx *ctx, guint status, const char *code,
                                      const char *message);
void        handoff_reply_conflict   (HandoffCtx *ctx, const char *state, const char *message);
void        handoff_reply_text       (HandoffCtx *ctx, guint status, const char *content_type,
                                      char *text);
JsonObject *handoff_server_lookup_session (HandoffServer *self, const char *authorization,
                                           char **hash_out);
char       *handoff_server_mint        (HandoffServer *self, gboolean caller,
                                        const char *identity, const char *name,
                                        const char *room, GError **error);
void        handoff_server_twirp_logged (HandoffServer *self, GObject *source,
                                         GAsyncResult *result, const char *what);
void        handoff_server_set_timer   (HandoffServer *self, const char *key, gint64 due_ms,
                                        GSourceFunc func, char *id);
void        handoff_server_clear_timer (HandoffServer *self, const char *key);
char       *handoff_sha256_hex         (const char *text);

/* handoff-server-ops.c */
void        handoff_route_healthz         (HandoffCtx *ctx);
void        handoff_route_metrics         (HandoffCtx *ctx);
void        handoff_server_request_finished (SoupServer *soup, SoupServerMessage *msg,
                                             HandoffServer *self);
/* Token bucket per client address: `per_minute` requests, refilled evenly. */
gboolean    handoff_server_rate_allow     (HandoffServer *self, const char *kind,
                                           const char *address, guint per_minute);

/* handoff-server-agents.c */
void        handoff_route_sessions_create (HandoffCtx *ctx);
void        handoff_route_sessions_delete (HandoffCtx *ctx);
void        handoff_route_sessions_refresh (HandoffCtx *ctx);
void        handoff_route_agents_list     (HandoffCtx *ctx);
void        handoff_route_agents_status   (HandoffCtx *ctx);
JsonObject *handoff_server_agent_public   (JsonObject *row);
JsonObject *handoff_server_get_agent      (HandoffServer *self, const char *id);

/* handoff-server-calls.c */
void        handoff_route_calls_create    (HandoffCtx *ctx);
void        handoff_route_calls_get       (HandoffCtx *ctx);
void        handoff_route_calls_accept    (HandoffCtx *ctx);
void        handoff_route_calls_rejoin    (HandoffCtx *ctx);
void        handoff_route_calls_decline   (HandoffCtx *ctx);
void        handoff_route_calls_end       (HandoffCtx *ctx);
void        handoff_route_callers_history (HandoffCtx *ctx);
void        handoff_route_webhook         (HandoffCtx *ctx);
JsonObject *handoff_server_get_call       (HandoffServer *self, const char *id);
/* Offers waiting calls nobody holds to available agents. */
void        handoff_server_dispatch_calls (HandoffServer *self);
/* Ends a call (commit, events, room deletion); FALSE if it had ended. */
gboolean    handoff_server_end_call       (HandoffServer *self, const char *call_id,
                                           const char *reason, GError **error);
void        handoff_server_restore_calls  (HandoffServer *self);
/* The active call's agent left the room: back to waiting, offered again. */
gboolean    handoff_server_requeue_call   (HandoffServer *self, const char *call_id,
                                           const char *agent_id, const char *reason,
                                           GError **error);

/* handoff-server-cors.c: CORS headers for an allowed caller page on the
 * caller routes; TRUE when it answered a preflight (OPTIONS) itself. */
gboolean    handoff_server_cors           (HandoffServer *self, SoupServerMessage *msg,
                                           const char *path);

/* handoff-server-grace.c: the owning agent's app left an active call; the
 * call stays theirs for [timeouts] agent_rejoin_grace, then is requeued. */
gboolean    handoff_server_agent_away     (HandoffServer *self, const char *call_id,
                                           const char *agent_id, GError **error);
/* The agent is back (rejoin route, or in the room again): the grace ends. */
void        handoff_server_agent_back     (HandoffServer *self, const char *call_id,
                                           const char *agent_id);
void        handoff_server_restore_departures (HandoffServer *self);

/* handoff-server-transfers.c */
void        handoff_route_transfers_create  (HandoffCtx *ctx);
void        handoff_route_transfers_get     (HandoffCtx *ctx);
void        handoff_route_transfers_action  (HandoffCtx *ctx);
void        handoff_route_transfers_rating  (HandoffCtx *ctx);
JsonObject *handoff_server_get_transfer     (HandoffServer *self, const char *id);
/* Ends the live transfer of a call, if any, with `outcome`. */
void        handoff_server_end_transfers_of_call (HandoffServer *self, const char *call_id,
                                                  const char *outcome);
void        handoff_server_restore_transfers (HandoffServer *self);
/* LiveKit says agent-<username> left the room of `call_id`: ends or completes
 * its live transfer, or puts its call back to waiting. */
gboolean    handoff_server_agent_left        (HandoffServer *self, const char *call_id,
                                              const char *username, GError **error);

/* handoff-server-subscriptions.c: the caller of `call_id` subscribed to
 * (or unsubscribed from) every track of `publisher` (an identity) except its
 * hold music; the changes of one room reach LiveKit in the order made. */
void        handoff_server_subscribe_caller  (HandoffServer *self, const char *call_id,
                                              const char *publisher, gboolean subscribe);
/* Someone joined or published in the room of `call_id`: the hold of a
 * transfer in progress is applied again (a restarted livekit-server
 * subscribes the caller to everyone's new tracks). */
void        handoff_server_hold_again        (HandoffServer *self, const char *call_id);

/* handoff-server-presence.c: whether an agent is on a call (owns an active
 * call, or accepted a transfer that is still live); derived, never stored. */
gboolean    handoff_server_agent_on_call       (HandoffServer *self, const char *agent_id);
gboolean    handoff_server_presence_affected_by (const char *event_type);
/* Tells every agent (agent_status) about each agent whose on-a-call state
 * changed since they were last told. */
void        handoff_server_presence_check      (HandoffServer *self);

/* handoff-server-history.c */
void        handoff_route_transfers_list  (HandoffCtx *ctx);
void        handoff_route_analytics       (HandoffCtx *ctx);
void        handoff_route_export          (HandoffCtx *ctx);

/* handoff-server-events.c */
void        handoff_server_events_setup   (HandoffServer *self);
void        handoff_server_events_close   (HandoffServer *self);
/* Event streams live as long as the session they were opened with: a
 * refresh moves them to the new session, a sign-out ends them. */
#define SESSION_REFRESH_GRACE_MS (30 * (gint64) 1000)
void        handoff_server_events_move_session (HandoffServer *self,
                                                const char    *old_hash,
                                                const char    *new_hash,
                                                gint64         expires_ms);
void        handoff_server_events_end_session  (HandoffServer *self,
                                                const char    *hash,
                                                const char    *reason);
/* Appends an event for one agent inside the caller's transaction; sent to
 * its sockets after the commit by handoff_server_events_flush (). */
gboolean    handoff_server_event          (HandoffServer *self, const char *agent_id,
                                           const char *type, JsonObject *data,
                                           GError **error);
void        handoff_server_event_all      (HandoffServer *self, const char *type,
                                           JsonObject *data);
void        handoff_server_events_flush   (HandoffServer *self);
/* After a rollback: forget events appended since the last flush. */
void        handoff_server_events_discard (HandoffServer *self);
gboolean    handoff_server_agent_online   (HandoffServer *self, const char *agent_id);

G_END_DECLS
