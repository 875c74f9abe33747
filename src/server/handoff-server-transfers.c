/* handoff-server-transfers.c: the warm-transfer state machine
 *
 *   offered --accept(B)--> accepted --ready(B)--> consulting --connect(A)--> connected
 *   connected --complete(A)--> completed
 *   offered --decline(B)--> declined; offered --timeout--> no_answer
 *   any live state --cancel(A)--> cancelled; --caller hangs up--> caller_abandoned
 *   A's app leaves the room (LiveKit webhook): offered --> failed (initiator_left, the
 *   call goes back to waiting); accepted|consulting|connected --> completed
 *   (failure_reason initiator_left: B owns the call)
 *   B's app leaves: accepted|consulting|connected --> failed (target_left)
 *
 * Every transition is one compare-and-set UPDATE (WHERE state = <expected>)
 * committed together with its events, so two racing requests cannot both win
 * and the loser gets 409 with the state that won. The LiveKit side effects
 * (hold, re-subscribe, removing a participant) follow the commit.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "handoff-server"

#include "handoff-server-private.h"

#include <string.h>

#define TRANSFER_COLUMNS \
  "id, call_id, 'call-' || call_id AS room, from_agent_id, to_agent_id, state, " \
  "CASE WHEN state IN ('offered', 'accepted', 'consulting', 'connected') THEN NULL " \
  "  ELSE state END AS outcome, failure_reason, decline_reason, summary, transcript, notes, " \
  "urgent, rating, rating_comment, created_at, offer_expires_at, accepted_at, consulting_at, " \
  "connected_at, ended_at, accepted_at - created_at AS time_to_accept_ms, " \
  "connected_at - COALESCE(consulting_at, accepted_at) AS consult_ms, " \
  "ended_at - created_at AS total_ms"

#define LIVE_STATES "('offered', 'accepted', 'consulting', 'connected')"

typedef enum { ROLE_OWNER, ROLE_TARGET } Role;
typedef enum { TO_OWNER = 1, TO_TARGET = 2, TO_BOTH = 3 } Recipients;

typedef struct {
  const char *action;
  Role role;
  const char *from;      /* states it may start from, "a|b" */
  const char *sql;       /* ?1 now, ?2 text argument, ?3 transfer id */
  const char *event;
  Recipients recipients;
} Action;

static const Action actions[] = {
  { "accept", ROLE_TARGET, "offered",
    "UPDATE transfers SET state = 'accepted', accepted_at = ?1, offer_expires_at = NULL "
    "WHERE id = ?3 AND state = 'offered'", "transfer_accepted", TO_OWNER },
  { "decline", ROLE_TARGET, "offered",
    "UPDATE transfers SET state = 'declined', decline_reason = ?2, ended_at = ?1, "
    "offer_expires_at = NULL WHERE id = ?3 AND state = 'offered'", "transfer_declined", TO_BOTH },
  { "connect", ROLE_OWNER, "consulting",
    "UPDATE transfers SET state = 'connected', connected_at = ?1 "
    "WHERE id = ?3 AND state = 'consulting'", "transfer_connected", TO_BOTH },
  { "complete", ROLE_OWNER, "connected",
    "UPDATE transfers SET state = 'completed', ended_at = ?1 "
    "WHERE id = ?3 AND state = 'connected'", "transfer_completed", TO_BOTH },
  { "cancel", ROLE_OWNER, "offered|accepted|consulting|connected",
    "UPDATE transfers SET state = 'cancelled', ended_at = ?1, offer_expires_at = NULL "
    "WHERE id = ?3 AND state IN " LIVE_STATES, "transfer_cancelled", TO_BOTH },
  { "ready", ROLE_TARGET, "accepted",
    "UPDATE transfers SET state = 'consulting', consulting_at = ?1 "
    "WHERE id = ?3 AND state = 'accepted'", "transfer_ready", TO_OWNER },
};

static HandoffServer *timer_server;

JsonObject *
handoff_server_get_transfer (HandoffServer *self,
                             const char    *id)
{
  return handoff_store_query_one (self->store,
                                  "SELECT " TRANSFER_COLUMNS " FROM transfers WHERE id = ?",
                                  g_variant_new ("(s)", id), NULL);
}

static void
count_outcome (HandoffServer *self,
               const char    *outcome)
{
  for (guint i = 0; handoff_outcomes[i] != NULL; i++)
    if (strcmp (handoff_outcomes[i], outcome) == 0)
      self->metrics.outcomes[i]++;
}

static char *
agent_identity (HandoffServer *self,
                const char    *agent_id)
{
  g_autoptr(JsonObject) row = handoff_store_query_one (self->store,
                                                       "SELECT username FROM agents WHERE id = ?",
                                                       g_variant_new ("(s)", agent_id), NULL);

  return row ? g_strconcat ("agent-", json_object_get_string_member (row, "username"), NULL)
             : NULL;
}

/* ---- LiveKit side effects --------------------------------------------- */

/* Hold (subscribe FALSE) or release: the caller's subscriptions to every
 * track `agent_id` publishes in the call's room (applied in order, see
 * handoff-server-subscriptions.c). */
static void
set_caller_subscription (HandoffServer *self,
                         const char    *call_id,
                         const char    *agent_id,
                         gboolean       subscribe)
{
  g_autofree char *publisher = agent_identity (self, agent_id);

  if (publisher != NULL)
    handoff_server_subscribe_caller (self, call_id, publisher, subscribe);
}

static void
removed_participant (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) reply = handoff_twirp_call_finish (HANDOFF_TWIRP (source), result,
                                                           &error);

  /* not_found: the agent had left already, which is what we wanted. */
  if (reply == NULL && !g_error_matches (error, HANDOFF_TWIRP_ERROR, HANDOFF_TWIRP_ERROR_NOT_FOUND)
      && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_message ("RemoveParticipant failed: %s", error->message);
}

static void
remove_agent (HandoffServer *self,
              const char    *call_id,
              const char    *agent_id)
{
  g_autofree char *identity = agent_identity (self, agent_id);
  g_autofree char *room = g_strconcat ("call-", call_id, NULL);

  if (identity != NULL)
    handoff_twirp_remove_participant_async (self->twirp, room, identity, self->cancellable,
                                            removed_participant, NULL);
}

/* ---- transitions ------------------------------------------------------- */

static gboolean
emit (HandoffServer *self,
      JsonObject    *transfer,
      const char    *event,
      Recipients     recipients,
      GError       **error)
{
  g_autoptr(JsonObject) data = json_object_new ();

  json_object_set_object_member (data, "transfer", json_object_ref (transfer));
  if ((recipients & TO_OWNER)
      && !handoff_server_event (self, json_object_get_string_member (transfer, "from_agent_id"),
                                event, data, error))
    return FALSE;
  if ((recipients & TO_TARGET)
      && !handoff_server_event (self, json_object_get_string_member (transfer, "to_agent_id"),
                                event, data, error))
    return FALSE;
  return TRUE;
}

/* Runs `sql` as a compare-and-set and records `event`; returns the updated
 * transfer, or NULL with *lost set when another transition came first. */
static JsonObject *
transition (HandoffServer *self,
            const char    *id,
            const char    *sql,
            const char    *argument,
            const char    *event,
            Recipients     recipients,
            gboolean       hand_over,
            gboolean      *lost,
            GError       **error)
{
  g_autoptr(JsonObject) updated = NULL;
  gint64 changed;

  *lost = FALSE;
  if (!handoff_store_begin (self->store, error))
    return NULL;
  changed = handoff_store_exec (self->store, sql,
                                g_variant_new ("(xmss)", handoff_now_ms (), argument, id), error);
  if (changed != 1)
    {
      handoff_store_rollback (self->store);
      *lost = changed == 0;
      return NULL;
    }
  updated = handoff_server_get_transfer (self, id);
  /* A completed transfer gives the call to B in the same commit, so a crash
   * cannot leave a completed transfer on a call A still owns. */
  if (updated != NULL && hand_over
      && handoff_store_exec (self->store, "UPDATE calls SET agent_id = ? WHERE id = ?",
                             g_variant_new ("(ss)",
                                            json_object_get_string_member (updated,
                                                                           "to_agent_id"),
                                            json_object_get_string_member (updated, "call_id")),
                             error) != 1)
    {
      handoff_store_rollback (self->store);
      return NULL;
    }
  if (updated == NULL || !emit (self, updated, event, recipients, error)
      || !handoff_store_commit (self->store, error))
    {
      handoff_store_rollback (self->store);
      handoff_server_events_discard (self);
      return NULL;
    }
  handoff_server_events_flush (self);
  return g_steal_pointer (&updated);
}

/* Ends a live transfer with `outcome`; FALSE (error unset) when it had
 * ended already. */
static gboolean
end_transfer (HandoffServer *self,
              const char    *id,
              const char    *outcome,
              const char    *reason,
              GError       **error_out)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) after = NULL;
  g_autofree char *key = g_strconcat ("transfer:", id, NULL);
  gboolean lost;

  after = transition (self, id,
                      strcmp (outcome, "no_answer") == 0
                      ? "UPDATE transfers SET state = 'no_answer', failure_reason = ?2, "
                        "ended_at = ?1, offer_expires_at = NULL WHERE id = ?3 AND state = 'offered'"
                      : strcmp (outcome, "caller_abandoned") == 0
                      ? "UPDATE transfers SET state = 'caller_abandoned', failure_reason = ?2, "
                        "ended_at = ?1, offer_expires_at = NULL WHERE id = ?3 AND state IN "
                        LIVE_STATES
                      : strcmp (outcome, "cancelled") == 0
                      ? "UPDATE transfers SET state = 'cancelled', failure_reason = ?2, "
                        "ended_at = ?1, offer_expires_at = NULL WHERE id = ?3 AND state IN "
                        LIVE_STATES
                      : "UPDATE transfers SET state = 'failed', failure_reason = ?2, "
                        "ended_at = ?1, offer_expires_at = NULL WHERE id = ?3 AND state IN "
                        LIVE_STATES,
                      reason, "transfer_ended", TO_BOTH, FALSE, &lost, &error);
  if (after == NULL)
    {
      if (error != NULL)
        {
          g_warning ("Could not end transfer %s: %s", id, error->message);
          g_propagate_error (error_out, g_steal_pointer (&error));
        }
      return FALSE;
    }
  handoff_server_clear_timer (self, key);
  count_outcome (self, outcome);
  /* A is still with the caller: take the caller off hold. */
  if (strcmp (outcome, "no_answer") == 0
      || (strcmp (outcome, "failed") == 0 && g_strcmp0 (reason, "target_left") == 0))
    set_caller_subscription (self, json_object_get_string_member (after, "call_id"),
                             json_object_get_string_member (after, "from_agent_id"), TRUE);
  return TRUE;
}

static gboolean
transfer_offer_expired (gpointer user_data)
{
  end_transfer (timer_server, user_data, "no_answer", "offer timed out", NULL);
  return G_SOURCE_REMOVE;
}

void
handoff_server_end_transfers_of_call (HandoffServer *self,
                                      const char    *call_id,
                                      const char    *outcome)
{
  g_autoptr(JsonArray) live = handoff_store_query (self->store,
                                                   "SELECT id FROM transfers WHERE call_id = ? "
                                                   "AND state IN " LIVE_STATES,
                                                   g_variant_new ("(s)", call_id), NULL);

  for (guint i = 0; live != NULL && i < json_array_get_length (live); i++)
    end_transfer (self, json_object_get_string_member (json_array_get_object_element (live, i),
                                                       "id"),
                  outcome, strcmp (outcome, "caller_abandoned") == 0 ? "caller hung up"
                                                                     : "call ended", NULL);
}

/* A's app left while B is with A (or on the way): B keeps the caller. The
 * transfer completes as if A had pressed Complete, and the caller is given
 * B's tracks at once (B's app opens its grant on transfer_completed; LiveKit
 * would retry a denied subscription only every few seconds). */
static gboolean
complete_for_target (HandoffServer *self,
                     const char    *id,
                     GError       **error)
{
  g_autoptr(JsonObject) after = NULL;
  g_autofree char *key = g_strconcat ("transfer:", id, NULL);
  gboolean lost;

  after = transition (self, id,
                      "UPDATE transfers SET state = 'completed', failure_reason = ?2, "
                      "ended_at = ?1, offer_expires_at = NULL, "
                      "connected_at = COALESCE(connected_at, ?1) "
                      "WHERE id = ?3 AND state IN ('accepted', 'consulting', 'connected')",
                      "initiator_left", "transfer_completed", TO_BOTH, TRUE, &lost, error);
  if (after == NULL)
    return FALSE;
  handoff_server_clear_timer (self, key);
  count_outcome (self, "completed");
  set_caller_subscription (self, json_object_get_string_member (after, "call_id"),
                           json_object_get_string_member (after, "to_agent_id"), TRUE);
  return TRUE;
}

gboolean
handoff_server_agent_left (HandoffServer *self,
                           const char    *call_id,
                           const char    *username,
                           GError       **error)
{
  g_autoptr(JsonObject) agent = NULL;
  g_autoptr(JsonObject) live = NULL;
  g_autoptr(JsonObject) call = NULL;
  const char *agent_id, *state;

  g_return_val_if_fail (HANDOFF_IS_SERVER (self), FALSE);

  agent = handoff_store_query_one (self->store, "SELECT id FROM agents WHERE username = ?",
                                   g_variant_new ("(s)", username), NULL);
  if (agent == NULL)
    return FALSE;
  agent_id = json_object_get_string_member (agent, "id");
  live = handoff_store_query_one (self->store,
                                  "SELECT id, state, from_agent_id, to_agent_id FROM transfers "
                                  "WHERE call_id = ? AND state IN " LIVE_STATES,
                                  g_variant_new ("(s)", call_id), NULL);
  if (live != NULL)
    {
      const char *id = json_object_get_string_member (live, "id");

      state = json_object_get_string_member (live, "state");
      if (strcmp (json_object_get_string_member (live, "from_agent_id"), agent_id) == 0)
        {
          g_message ("Transfer %s: its initiator left the room (%s)", id, state);
          if (strcmp (state, "offered") != 0)
            return complete_for_target (self, id, error);
          /* Nobody is with the caller: B is told, the call is offered again. */
          if (!end_transfer (self, id, "failed", "initiator_left", error))
            return FALSE;
          return handoff_server_requeue_call (self, call_id, agent_id, "agent_left", error);
        }
      /* B can only be in the room once it accepted. */
      if (strcmp (json_object_get_string_member (live, "to_agent_id"), agent_id) == 0
          && strcmp (state, "offered") != 0)
        {
          g_message ("Transfer %s: its target left the room (%s)", id, state);
          return end_transfer (self, id, "failed", "target_left", error);
        }
      return FALSE;
    }
  call = handoff_server_get_call (self, call_id);
  if (call == NULL || strcmp (json_object_get_string_member (call, "state"), "active") != 0
      || json_object_get_null_member (call, "agent_id")
      || strcmp (json_object_get_string_member (call, "agent_id"), agent_id) != 0)
    return FALSE;
  return handoff_server_agent_away (self, call_id, agent_id, error);
}

void
handoff_server_restore_transfers (HandoffServer *self)
{
  g_autoptr(JsonArray) offered = NULL;

  timer_server = self;
  offered = handoff_store_query (self->store,
                                 "SELECT id, offer_expires_at AS due FROM transfers "
                                 "WHERE state = 'offered'", NULL, NULL);
  for (guint i = 0; offered != NULL && i < json_array_get_length (offered); i++)
    {
      JsonObject *row = json_array_get_object_element (offered, i);
      const char *id = json_object_get_string_member (row, "id");
      g_autofree char *key = g_strconcat ("transfer:", id, NULL);

      handoff_server_set_timer (self, key, json_object_get_int_member (row, "due"),
                                transfer_offer_expired, g_strdup (id));
    }
}

/* ---- routes ------------------------------------------------------------ */

void
handoff_route_transfers_create (HandoffCtx *ctx)
{
  HandoffServer *self = ctx->server;
  const char *me = json_object_get_string_member (ctx->agent, "id");
  const char *call_id = handoff_request_string (ctx->body, "call_id");
  const char *target = handoff_request_string (ctx->body, "target_agent_id");
  JsonNode *summary = json_object_get_member (ctx->body, "summary");
  JsonNode *transcript = json_object_get_member (ctx->body, "transcript");
  const char *notes = handoff_request_string (ctx->body, "notes");
  g_autoptr(JsonObject) call = handoff_server_get_call (self, call_id);
  g_autoptr(JsonObject) target_agent = NULL;
  g_autoptr(JsonObject) live = NULL;
  g_autoptr(JsonObject) transfer = NULL;
  g_autoptr(JsonObject) reply = json_object_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *id = handoff_random_id (8);
  g_autofree char *summary_text = json_to_string (summary, FALSE);
  g_autofree char *transcript_text = transcript && !JSON_NODE_HOLDS_NULL (transcript)
                                     ? json_to_string (transcript, FALSE) : g_strdup ("[]");
  g_autofree char *key = g_strconcat ("transfer:", id, NULL);
  gint64 now = handoff_now_ms ();
  gint64 expires = now + (gint64) self->config->transfer_offer_timeout * 1000;
  JsonNode *owner;

  if (call == NULL)
    {
      handoff_reply_status (ctx, 404, "not_found", "No such call");
      return;
    }
  owner = json_object_get_member (call, "agent_id");
  if (JSON_NODE_HOLDS_NULL (owner) || strcmp (json_node_get_string (owner), me) != 0)
    {
      handoff_reply_status (ctx, 403, "forbidden", "Only the agent on the call may "
                                                   "transfer it");
      return;
    }
  if (strcmp (json_object_get_string_member (call, "state"), "active") != 0)
    {
      handoff_reply_conflict (ctx, json_object_get_string_member (call, "state"),
                              "Only an active call can be transferred");
      return;
    }
  if (strcmp (target, me) == 0)
    {
      handoff_reply_status (ctx, 400, "invalid_field",
                            "Field 'target_agent_id' must be another agent");
      return;
    }
  target_agent = handoff_server_get_agent (self, target);
  if (target_agent == NULL)
    {
      handoff_reply_status (ctx, 404, "not_found", "No such target agent");
      return;
    }
  live = handoff_store_query_one (self->store,
                                  "SELECT state FROM transfers WHERE call_id = ? AND state IN "
                                  LIVE_STATES, g_variant_new ("(s)", call_id), NULL);
  if (live != NULL)
    {
      handoff_reply_conflict (ctx, json_object_get_string_member (live, "state"),
                              "The call has a transfer in progress");
      return;
    }

  if (!handoff_store_begin (self->store, &error))
    {
      handoff_reply_error (ctx, error);
      return;
    }
  if (handoff_store_exec (self->store,
                          "INSERT INTO transfers (id, call_id, from_agent_id, to_agent_id, state, "
                          "summary, transcript, notes, urgent, created_at, offer_expires_at) "
                          "VALUES (?, ?, ?, ?, 'offered', ?, ?, ?, ?, ?, ?)",
                          g_variant_new ("(sssssssbxx)", id, call_id, me, target, summary_text,
                                         transcript_text, notes ? notes : "",
                                         handoff_request_bool (ctx->body, "urgent"), now,
                                         expires), &error) != 1
      || (transfer = handoff_server_get_transfer (self, id)) == NULL
      || !emit (self, transfer, "transfer_offered", TO_TARGET, &error)
      || !handoff_store_commit (self->store, &error))
    {
      handoff_store_rollback (self->store);
      handoff_server_events_discard (self);
      handoff_reply_error (ctx, error);
      return;
    }
  handoff_server_events_flush (self);
  self->metrics.transfers_created++;
  handoff_server_set_timer (self, key, expires, transfer_offer_expired, g_strdup (id));
  /* Hold: the caller stops hearing A at the SFU, whatever A's app does. */
  set_caller_subscription (self, call_id, me, FALSE);
  json_object_set_object_member (reply, "transfer", g_steal_pointer (&transfer));
  handoff_reply_object (ctx, 201, reply);
}

static gboolean
may_see (HandoffCtx *ctx,
         JsonObject *transfer)
{
  const char *me = json_object_get_string_member (ctx->agent, "id");

  return strcmp (json_object_get_string_member (transfer, "from_agent_id"), me) == 0
         || strcmp (json_object_get_string_member (transfer, "to_agent_id"), me) == 0;
}

void
handoff_route_transfers_get (HandoffCtx *ctx)
{
  g_autoptr(JsonObject) transfer = handoff_server_get_transfer (ctx->server, ctx->id);

  if (transfer == NULL)
    {
      handoff_reply_status (ctx, 404, "not_found", "No such transfer");
      return;
    }
  if (!may_see (ctx, transfer))
    {
      handoff_reply_status (ctx, 403, "forbidden", "Only its two agents may see a transfer");
      return;
    }
  handoff_reply_object (ctx, 200, transfer);
}

static gboolean
state_in (const char *state,
          const char *list)
{
  g_auto(GStrv) states = g_strsplit (list, "|", -1);

  return g_strv_contains ((const char * const *) states, state);
}

void
handoff_route_transfers_action (HandoffCtx *ctx)
{
  HandoffServer *self = ctx->server;
  const char *path = g_uri_get_path (soup_server_message_get_uri (ctx->msg));
  const char *name = strrchr (path, '/') + 1;
  const char *me = json_object_get_string_member (ctx->agent, "id");
  g_autoptr(JsonObject) transfer = handoff_server_get_transfer (self, ctx->id);
  g_autoptr(JsonObject) after = NULL;
  g_autoptr(JsonObject) reply = json_object_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *key = g_strconcat ("transfer:", ctx->id, NULL);
  const Action *action = NULL;
  const char *state, *owner, *target, *call_id;
  gboolean lost;

  for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
    if (strcmp (actions[i].action, name) == 0)
      action = &actions[i];
  g_assert (action != NULL);

  if (transfer == NULL)
    {
      handoff_reply_status (ctx, 404, "not_found", "No such transfer");
      return;
    }
  state = json_object_get_string_member (transfer, "state");
  owner = json_object_get_string_member (transfer, "from_agent_id");
  target = json_object_get_string_member (transfer, "to_agent_id");
  call_id = json_object_get_string_member (transfer, "call_id");

  if (strcmp (name, "ready") == 0 && strcmp (state, "connected") == 0
      && (strcmp (me, owner) == 0 || strcmp (me, target) == 0))
    {
      set_caller_subscription (self, call_id, me, TRUE);
      json_object_set_object_member (reply, "transfer", g_steal_pointer (&transfer));
      handoff_reply_object (ctx, 200, reply);
      return;
    }
  if (strcmp (me, action->role == ROLE_OWNER ? owner : target) != 0)
    {
      handoff_reply_status (ctx, 403, "forbidden",
                            action->role == ROLE_OWNER
                            ? "Only the agent who started the transfer may do that"
                            : "Only the transfer's target may do that");
      return;
    }
  if (!state_in (state, action->from))
    {
      handoff_reply_conflict (ctx, state, "Not allowed in the transfer's current state");
      return;
    }

  after = transition (self, ctx->id, action->sql,
                      ctx->body ? handoff_request_string (ctx->body, "reason") : NULL,
                      action->event, action->recipients, strcmp (name, "complete") == 0,
                      &lost, &error);
  if (after == NULL)
    {
      g_autoptr(JsonObject) now = NULL;

      if (!lost)
        {
          handoff_reply_error (ctx, error);
          return;
        }
      now = handoff_server_get_transfer (self, ctx->id);
      handoff_reply_conflict (ctx, now ? json_object_get_string_member (now, "state")
                                       : state,
                              "Another change came first");
      return;
    }

  if (strcmp (name, "accept") == 0)
    {
      g_autofree char *identity = agent_identity (self, me);
      g_autofree char *room = g_strconcat ("call-", call_id, NULL);
      g_autofree char *token = handoff_server_mint (self, FALSE, identity,
                                                    json_object_get_string_member (ctx->agent,
                                                                                   "display_name"),
                                                    room, &error);
      handoff_server_clear_timer (self, key);
      if (token == NULL)
        {
          handoff_reply_error (ctx, error);
          return;
        }
      json_object_set_string_member (reply, "livekit_url", self->config->livekit_url);
      json_object_set_string_member (reply, "token", token);
      json_object_set_string_member (reply, "identity", identity);
    }
  else if (strcmp (name, "decline") == 0)
    {
      handoff_server_clear_timer (self, key);
      count_outcome (self, "declined");
      set_caller_subscription (self, call_id, owner, TRUE);
    }
  else if (strcmp (name, "ready") == 0)
    set_caller_subscription (self, call_id, target, FALSE);
  else if (strcmp (name, "connect") == 0)
    set_caller_subscription (self, call_id, owner, TRUE);
  else if (strcmp (name, "complete") == 0)
    {
      count_outcome (self, "completed");
      remove_agent (self, call_id, owner);
    }
  else if (strcmp (name, "cancel") == 0)
    {
      handoff_server_clear_timer (self, key);
      count_outcome (self, "cancelled");
      if (strcmp (state, "offered") != 0)
        remove_agent (self, call_id, target);
      set_caller_subscription (self, call_id, owner, TRUE);
    }
  json_object_set_object_member (reply, "transfer", g_steal_pointer (&after));
  handoff_reply_object (ctx, 200, reply);
}

void
handoff_route_transfers_rating (HandoffCtx *ctx)
{
  HandoffServer *self = ctx->server;
  g_autoptr(JsonObject) transfer = handoff_server_get_transfer (self, ctx->id);
  g_autoptr(JsonObject) after = NULL;
  g_autoptr(JsonObject) reply = json_object_new ();
  g_autoptr(GError) error = NULL;
  const char *comment = handoff_request_string (ctx->body, "comment");
  gint64 changed;

  if (transfer == NULL)
    {
      handoff_reply_status (ctx, 404, "not_found", "No such transfer");
      return;
    }
  if (!may_see (ctx, transfer))
    {
      handoff_reply_status (ctx, 403, "forbidden", "Only its two agents may rate a transfer");
      return;
    }
  if (json_object_get_null_member (transfer, "outcome"))
    {
      handoff_reply_conflict (ctx, json_object_get_string_member (transfer, "state"),
                              "A transfer can be rated once it has ended");
      return;
    }
  changed = handoff_store_exec (self->store,
                                "UPDATE transfers SET rating = ?, rating_comment = ? WHERE id = ? "
                                "AND state NOT IN " LIVE_STATES,
                                g_variant_new ("(xmss)", handoff_request_int (ctx->body, "score", 0),
                                               comment, ctx->id), &error);
  if (changed < 0)
    {
      handoff_reply_error (ctx, error);
      return;
    }
  if (changed == 0)
    {
      handoff_reply_conflict (ctx, json_object_get_string_member (transfer, "state"),
                              "A transfer can be rated once it has ended");
      return;
    }
  after = handoff_server_get_transfer (self, ctx->id);
  json_object_set_object_member (reply, "transfer", g_steal_pointer (&after));
  handoff_reply_object (ctx, 200, reply);
}
