/* handoff-server-calls.c: calls, callers, offering to agents, LiveKit webhooks
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "handoff-server"

#include "handoff-server-private.h"

#include <string.h>

#define CALL_COLUMNS \
  "id, 'call-' || id AS room, state, caller_id, caller_name, " \
  "'caller-' || id AS caller_identity, reason, offered_to, agent_id, created_at, " \
  "accepted_at, ended_at, end_reason, " \
  "(SELECT due FROM call_departures WHERE call_departures.call_id = calls.id) " \
  "AS agent_away_until"

/* What the agent's caller card shows of each earlier call: who had it last,
 * and the brief written when it was handed over — the one B accepted when a
 * transfer completed, else the last one written — with that transfer's
 * outcome. A call never transferred has no summary (null). */
#define LAST_TRANSFER_OF_CALL \
  "FROM transfers WHERE transfers.call_id = calls.id " \
  "ORDER BY transfers.state = 'completed' DESC, transfers.created_at DESC, transfers.id DESC " \
  "LIMIT 1"
#define PREVIOUS_CALL_COLUMNS \
  "(SELECT display_name FROM agents WHERE agents.id = calls.agent_id) AS agent_name, " \
  "(SELECT summary " LAST_TRANSFER_OF_CALL ") AS summary, " \
  "(SELECT CASE WHEN state IN ('offered', 'accepted', 'consulting', 'connected') THEN NULL " \
  "  ELSE state END " LAST_TRANSFER_OF_CALL ") AS transfer_outcome"

/* Rooms close by themselves if nobody ever joins. */
#define ROOM_EMPTY_TIMEOUT 300

JsonObject *
handoff_server_get_call (HandoffServer *self,
                         const char    *id)
{
  return handoff_store_query_one (self->store, "SELECT " CALL_COLUMNS " FROM calls WHERE id = ?",
                                  g_variant_new ("(s)", id), NULL);
}

static JsonObject *
get_caller (HandoffServer *self,
            const char    *caller_id)
{
  JsonObject *caller = handoff_store_query_one (self->store,
                                                "SELECT id, name, created_at FROM callers "
                                                "WHERE id = ?",
                                                g_variant_new ("(s)", caller_id), NULL);
  JsonArray *calls;

  if (caller == NULL)
    return NULL;
  calls = handoff_store_query (self->store,
                               "SELECT " CALL_COLUMNS ", " PREVIOUS_CALL_COLUMNS
                               " FROM calls WHERE caller_id = ? "
                               "ORDER BY created_at DESC LIMIT 50",
                               g_variant_new ("(s)", caller_id), NULL);
  json_object_set_array_member (caller, "previous_calls", calls ? calls : json_array_new ());
  return caller;
}

/* ---- offering ---------------------------------------------------------- */

static gboolean call_offer_expired (gpointer user_data);

static gboolean
offer_call (HandoffServer *self,
            JsonObject    *call)
{
  const char *call_id = json_object_get_string_member (call, "id");
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) agent = NULL;
  g_autoptr(JsonObject) offered = NULL;
  g_autoptr(JsonObject) data = json_object_new ();
  g_autofree char *key = NULL;
  gint64 expires = handoff_now_ms () + (gint64) self->config->call_offer_timeout * 1000;

  /* Longest idle first: available the longest, holding no other call. */
  agent = handoff_store_query_one (self->store,
                                   "SELECT id FROM agents WHERE status = 'available' "
                                   "AND id NOT IN (SELECT offered_to FROM calls WHERE "
                                   "  state = 'waiting' AND offered_to IS NOT NULL) "
                                   "AND id NOT IN (SELECT agent_id FROM calls WHERE "
                                   "  state = 'active') "
                                   "AND id NOT IN (SELECT value FROM calls, "
                                   "  json_each(calls.declined_by) WHERE calls.id = ?) "
                                   "ORDER BY status_since, id LIMIT 1",
                                   g_variant_new ("(s)", call_id), NULL);
  if (agent == NULL)
    return FALSE;
  if (!handoff_store_begin (self->store, &error))
    goto fail;
  if (handoff_store_exec (self->store,
                          "UPDATE calls SET offered_to = ?, offer_expires_at = ? "
                          "WHERE id = ? AND state = 'waiting' AND offered_to IS NULL",
                          g_variant_new ("(sxs)", json_object_get_string_member (agent, "id"),
                                         expires, call_id), &error) != 1)
    {
      handoff_store_rollback (self->store);
      goto fail;
    }
  offered = handoff_server_get_call (self, call_id);
  json_object_set_object_member (data, "call", json_object_ref (offered));
  json_object_set_object_member (data, "caller",
                                 get_caller (self, json_object_get_string_member (offered,
                                                                                  "caller_id")));
  if (!handoff_server_event (self, json_object_get_string_member (agent, "id"), "call_offered",
                             data, &error)
      || !handoff_store_commit (self->store, &error))
    {
      handoff_store_rollback (self->store);
      goto fail;
    }
  handoff_server_events_flush (self);
  key = g_strconcat ("call:", call_id, NULL);
  handoff_server_set_timer (self, key, expires, call_offer_expired, g_strdup (call_id));
  return TRUE;

fail:
  handoff_server_events_discard (self);
  if (error != NULL)
    g_warning ("Could not offer call %s: %s", call_id, error->message);
  return FALSE;
}

void
handoff_server_dispatch_calls (HandoffServer *self)
{
  g_autoptr(JsonArray) calls = NULL;

  g_return_if_fail (HANDOFF_IS_SERVER (self));

  calls = handoff_store_query (self->store,
                               "SELECT id FROM calls WHERE state = 'waiting' "
                               "AND offered_to IS NULL ORDER BY created_at LIMIT 100", NULL, NULL);
  for (guint i = 0; calls != NULL && i < json_array_get_length (calls); i++)
    if (!offer_call (self, json_array_get_object_element (calls, i)))
      break;
}

/* Takes the offer back from its agent (timeout or decline) and offers the
 * call to the next one. */
static gboolean
withdraw_offer (HandoffServer *self,
                const char    *call_id,
                const char    *agent_id,
                const char    *why,
                GError       **error)
{
  g_autoptr(JsonObject) data = json_object_new ();
  g_autofree char *key = g_strconcat ("call:", call_id, NULL);

  if (!handoff_store_begin (self->store, error))
    return FALSE;
  if (handoff_store_exec (self->store,
                          "UPDATE calls SET declined_by = json_insert(declined_by, '$[#]', "
                          "offered_to), offered_to = NULL, offer_expires_at = NULL "
                          "WHERE id = ? AND state = 'waiting' AND offered_to = ?",
                          g_variant_new ("(ss)", call_id, agent_id), error) != 1)
    {
      handoff_store_rollback (self->store);
      return FALSE;
    }
  json_object_set_string_member (data, "call_id", call_id);
  json_object_set_string_member (data, "reason", why);
  if (!handoff_server_event (self, agent_id, "call_offer_withdrawn", data, error)
      || !handoff_store_commit (self->store, error))
    {
      handoff_store_rollback (self->store);
      handoff_server_events_discard (self);
      return FALSE;
    }
  handoff_server_events_flush (self);
  handoff_server_clear_timer (self, key);
  handoff_server_dispatch_calls (self);
  return TRUE;
}

static HandoffServer *timer_server;

static gboolean
call_offer_expired (gpointer user_data)
{
  const char *call_id = user_data;
  g_autoptr(JsonObject) call = handoff_server_get_call (timer_server, call_id);

  if (call != NULL && !json_object_get_null_member (call, "offered_to"))
    withdraw_offer (timer_server, call_id, json_object_get_string_member (call, "offered_to"),
                    "timeout", NULL);
  return G_SOURCE_REMOVE;
}

void
handoff_server_restore_calls (HandoffServer *self)
{
  g_autoptr(JsonArray) calls = NULL;

  timer_server = self;
  calls = handoff_store_query (self->store,
                               "SELECT id, offer_expires_at AS due FROM calls "
                               "WHERE state = 'waiting' AND offered_to IS NOT NULL", NULL, NULL);
  for (guint i = 0; calls != NULL && i < json_array_get_length (calls); i++)
    {
      JsonObject *row = json_array_get_object_element (calls, i);
      const char *id = json_object_get_string_member (row, "id");
      g_autofree char *key = g_strconcat ("call:", id, NULL);

      handoff_server_set_timer (self, key, json_object_get_int_member (row, "due"),
                                call_offer_expired, g_strdup (id));
    }
  handoff_server_dispatch_calls (self);
}

/* ---- routes ------------------------------------------------------------ */

typedef struct {
  char *call_id;
  char *caller_id;
  gboolean new_caller;
} CreateData;

static void
room_created (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  HandoffCtx *ctx = user_data;
  HandoffServer *self = ctx->server;
  CreateData *data = g_object_get_data (G_OBJECT (ctx->msg), "handoff-create");
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) room = handoff_twirp_call_finish (HANDOFF_TWIRP (source), result, &error);
  g_autoptr(JsonObject) reply = json_object_new ();
  g_autofree char *room_name = g_strconcat ("call-", data->call_id, NULL);
  g_autofree char *identity = g_strconcat ("caller-", data->call_id, NULL);
  g_autofree char *token = NULL;
  const char *name = handoff_request_string (ctx->body, "name");
  const char *reason = handoff_request_string (ctx->body, "reason");
  gint64 now = handoff_now_ms ();

  if (room == NULL)
    {
      self->metrics.twirp_errors++;
      g_message ("CreateRoom for a new call failed: %s", error->message);
      handoff_reply_status (ctx, 502, "upstream_failed", "LiveKit could not create the room");
      handoff_ctx_unref (ctx);
      return;
    }
  token = handoff_server_mint (self, TRUE, identity, name, room_name, &error);
  if (token == NULL || !handoff_store_begin (self->store, &error))
    goto fail;
  if ((data->new_caller
       && handoff_store_exec (self->store,
                              "INSERT INTO callers (id, name, created_at) VALUES (?, ?, ?)",
                              g_variant_new ("(ssx)", data->caller_id, name, now), &error) != 1)
      || handoff_store_exec (self->store,
                             "INSERT INTO calls (id, caller_id, caller_name, reason, state, "
                             "created_at) VALUES (?, ?, ?, ?, 'waiting', ?)",
                             g_variant_new ("(ssssx)", data->call_id, data->caller_id, name,
                                            reason ? reason : "", now), &error) != 1
      || !handoff_store_commit (self->store, &error))
    {
      handoff_store_rollback (self->store);
      goto fail;
    }
  self->metrics.calls_created++;
  json_object_set_string_member (reply, "call_id", data->call_id);
  json_object_set_string_member (reply, "room", room_name);
  json_object_set_string_member (reply, "livekit_url", self->config->livekit_url);
  json_object_set_string_member (reply, "token", token);
  json_object_set_string_member (reply, "identity", identity);
  json_object_set_string_member (reply, "caller_id", data->caller_id);
  handoff_reply_object (ctx, 201, reply);
  handoff_server_dispatch_calls (self);
  handoff_ctx_unref (ctx);
  return;

fail:
  handoff_reply_error (ctx, error);
  handoff_ctx_unref (ctx);
}

static void
create_data_free (CreateData *data)
{
  g_free (data->call_id);
  g_free (data->caller_id);
  g_free (data);
}

void
handoff_route_calls_create (HandoffCtx *ctx)
{
  HandoffServer *self = ctx->server;
  const char *caller_id = handoff_request_string (ctx->body, "caller_id");
  CreateData *data = g_new0 (CreateData, 1);
  g_autofree char *room = NULL;

  data->call_id = handoff_random_id (8);
  if (caller_id != NULL
      && handoff_store_query_int (self->store, "SELECT count(*) FROM callers WHERE id = ?",
                                  g_variant_new ("(s)", caller_id), 0, NULL) > 0)
    data->caller_id = g_strdup (caller_id);
  else
    {
      /* An unknown caller_id is not an error: it may come from another
       * deployment. The caller gets a fresh one, which the caller's app keeps
       * and sends with its next call; it links that caller's calls, so it is
       * long enough not to be guessed. */
      data->caller_id = handoff_random_id (16);
      data->new_caller = TRUE;
    }
  g_object_set_data_full (G_OBJECT (ctx->msg), "handoff-create", data,
                          (GDestroyNotify) create_data_free);
  room = g_strconcat ("call-", data->call_id, NULL);
  handoff_ctx_pause (ctx);
  handoff_twirp_create_room_async (self->twirp, room, ROOM_EMPTY_TIMEOUT, 0, self->cancellable,
                                   room_created, handoff_ctx_ref (ctx));
}

void
handoff_route_calls_get (HandoffCtx *ctx)
{
  g_autoptr(JsonObject) call = handoff_server_get_call (ctx->server, ctx->id);

  if (ctx->caller_call_id != NULL && g_strcmp0 (ctx->caller_call_id, ctx->id) != 0)
    {
      handoff_reply_status (ctx, 403, "forbidden", "A caller may only see their own call");
      return;
    }
  if (call == NULL)
    {
      handoff_reply_status (ctx, 404, "not_found", "No such call");
      return;
    }
  handoff_reply_object (ctx, 200, call);
}

static const char *
str_or_null (JsonObject *obj,
             const char *member)
{
  JsonNode *node = json_object_get_member (obj, member);

  return node != NULL && !JSON_NODE_HOLDS_NULL (node) ? json_node_get_string (node) : NULL;
}

/* The signed-in agent's LiveKit grant for the call's room. */
static char *
agent_grant (HandoffCtx  *ctx,
             JsonObject  *call,
             char       **identity_out,
             GError     **error)
{
  *identity_out = g_strconcat ("agent-", json_object_get_string_member (ctx->agent, "username"),
                               NULL);
  return handoff_server_mint (ctx->server, FALSE, *identity_out,
                              json_object_get_string_member (ctx->agent, "display_name"),
                              json_object_get_string_member (call, "room"), error);
}

/* What an agent joins the call with: {call, livekit_url, token, identity,
 * caller, elapsed_ms}. Takes `call`. elapsed_ms is how long the call has been
 * answered, by the server's clock: an app that rejoins after a restart
 * continues its call timer from there, and the app's clock need not agree
 * with ours (accepted_at alone would need that). */
static void
reply_grant (HandoffCtx *ctx,
             JsonObject *call,
             gint64      accepted_at,
             const char *token,
             const char *identity)
{
  g_autoptr(JsonObject) reply = json_object_new ();

  json_object_set_int_member (reply, "elapsed_ms", MAX (0, handoff_now_ms () - accepted_at));
  json_object_set_string_member (reply, "livekit_url", ctx->server->config->livekit_url);
  json_object_set_string_member (reply, "token", token);
  json_object_set_string_member (reply, "identity", identity);
  json_object_set_object_member (reply, "caller",
                                 get_caller (ctx->server, json_object_get_string_member (call,
                                                                                         "caller_id")));
  json_object_set_object_member (reply, "call", call);
  handoff_reply_object (ctx, 200, reply);
}

void
handoff_route_calls_accept (HandoffCtx *ctx)
{
  HandoffServer *self = ctx->server;
  const char *agent_id = json_object_get_string_member (ctx->agent, "id");
  g_autoptr(JsonObject) call = handoff_server_get_call (self, ctx->id);
  g_autoptr(JsonObject) data = json_object_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *identity = NULL;
  g_autofree char *token = NULL;
  g_autofree char *key = g_strconcat ("call:", ctx->id, NULL);
  JsonObject *updated;
  gint64 now = handoff_now_ms ();

  if (call == NULL)
    {
      handoff_reply_status (ctx, 404, "not_found", "No such call");
      return;
    }
  if (strcmp (json_object_get_string_member (call, "state"), "waiting") != 0)
    {
      handoff_reply_conflict (ctx, json_object_get_string_member (call, "state"),
                              "The call is no longer waiting");
      return;
    }
  if (g_strcmp0 (str_or_null (call, "offered_to"), agent_id) != 0)
    {
      handoff_reply_status (ctx, 403, "forbidden", "The call is not offered to you");
      return;
    }

  token = agent_grant (ctx, call, &identity, &error);
  if (token == NULL || !handoff_store_begin (self->store, &error))
    {
      handoff_reply_error (ctx, error);
      return;
    }
  if (handoff_store_exec (self->store,
                          "UPDATE calls SET state = 'active', agent_id = ?, accepted_at = ?, "
                          "offered_to = NULL, offer_expires_at = NULL "
                          "WHERE id = ? AND state = 'waiting' AND offered_to = ?",
                          g_variant_new ("(sxss)", agent_id, now, ctx->id, agent_id),
                          &error) != 1)
    {
      handoff_store_rollback (self->store);
      handoff_reply_error (ctx, error);
      return;
    }
  updated = handoff_server_get_call (self, ctx->id);
  json_object_set_object_member (data, "call", json_object_ref (updated));
  if (!handoff_server_event (self, agent_id, "call_accepted", data, &error)
      || !handoff_store_commit (self->store, &error))
    {
      handoff_store_rollback (self->store);
      handoff_server_events_discard (self);
      json_object_unref (updated);
      handoff_reply_error (ctx, error);
      return;
    }
  handoff_server_events_flush (self);
  handoff_server_clear_timer (self, key);
  reply_grant (ctx, updated, now, token, identity);
}

/* The owning agent's app lost its room (it was restarted, or its machine
 * rebooted) while the call goes on: a fresh grant for the same room and
 * identity. Nothing about the call changes, and no event is sent. LiveKit
 * replaces a participant that joins again under its identity, and the
 * server ignores that departure (DUPLICATE_IDENTITY). */
void
handoff_route_calls_rejoin (HandoffCtx *ctx)
{
  HandoffServer *self = ctx->server;
  const char *agent_id = json_object_get_string_member (ctx->agent, "id");
  g_autoptr(JsonObject) call = handoff_server_get_call (self, ctx->id);
  g_autoptr(GError) error = NULL;
  g_autofree char *identity = NULL;
  g_autofree char *token = NULL;
  gint64 accepted_at;

  if (call == NULL)
    {
      handoff_reply_status (ctx, 404, "not_found", "No such call");
      return;
    }
  if (g_strcmp0 (str_or_null (call, "agent_id"), agent_id) != 0)
    {
      handoff_reply_status (ctx, 403, "forbidden", "This is not your call");
      return;
    }
  if (strcmp (json_object_get_string_member (call, "state"), "active") != 0)
    {
      handoff_reply_conflict (ctx, json_object_get_string_member (call, "state"),
                              "The call is not going on any more");
      return;
    }
  token = agent_grant (ctx, call, &identity, &error);
  if (token == NULL)
    {
      handoff_reply_error (ctx, error);
      return;
    }
  handoff_server_agent_back (self, ctx->id, agent_id);
  g_clear_pointer (&call, json_object_unref);
  call = handoff_server_get_call (self, ctx->id);
  accepted_at = handoff_store_query_int (self->store, "SELECT accepted_at FROM calls WHERE id = ?",
                                        g_variant_new ("(s)", ctx->id), 0, NULL);
  reply_grant (ctx, g_steal_pointer (&call), accepted_at ? accepted_at : handoff_now_ms (),
               token, identity);
}

void
handoff_route_calls_decline (HandoffCtx *ctx)
{
  HandoffServer *self = ctx->server;
  const char *agent_id = json_object_get_string_member (ctx->agent, "id");
  g_autoptr(JsonObject) call = handoff_server_get_call (self, ctx->id);
  g_autoptr(JsonObject) updated = NULL;
  g_autoptr(GError) error = NULL;

  if (call == NULL)
    {
      handoff_reply_status (ctx, 404, "not_found", "No such call");
      return;
    }
  if (strcmp (json_object_get_string_member (call, "state"), "waiting") != 0)
    {
      handoff_reply_conflict (ctx, json_object_get_string_member (call, "state"),
                              "The call is no longer waiting");
      return;
    }
  if (g_strcmp0 (str_or_null (call, "offered_to"), agent_id) != 0)
    {
      handoff_reply_status (ctx, 403, "forbidden", "The call is not offered to you");
      return;
    }
  if (!withdraw_offer (self, ctx->id, agent_id, "declined", &error))
    {
      handoff_reply_error (ctx, error);
      return;
    }
  updated = handoff_server_get_call (self, ctx->id);
  handoff_reply_object (ctx, 200, updated);
}

gboolean
handoff_server_end_call (HandoffServer *self,
                         const char    *call_id,
                         const char    *reason,
                         GError       **error)
{
  g_autoptr(JsonObject) call = handoff_server_get_call (self, call_id);
  g_autoptr(JsonObject) data = json_object_new ();
  g_autofree char *key = g_strconcat ("call:", call_id, NULL);
  JsonObject *ended;
  gboolean by_caller = g_str_has_prefix (reason, "caller_");

  if (call == NULL || strcmp (json_object_get_string_member (call, "state"), "ended") == 0)
    return FALSE;
  if (!handoff_store_begin (self->store, error))
    return FALSE;
  if (handoff_store_exec (self->store,
                          "UPDATE calls SET state = 'ended', ended_at = ?, end_reason = ?, "
                          "offered_to = NULL, offer_expires_at = NULL "
                          "WHERE id = ? AND state != 'ended'",
                          g_variant_new ("(xss)", handoff_now_ms (), reason, call_id),
                          error) != 1)
    {
      handoff_store_rollback (self->store);
      return FALSE;
    }
  ended = handoff_server_get_call (self, call_id);
  json_object_set_object_member (data, "call", ended);
  if (!handoff_server_event (self, str_or_null (call, "agent_id"), "call_ended", data, error)
      || !handoff_server_event (self, str_or_null (call, "offered_to"), "call_ended", data, error)
      || !handoff_store_commit (self->store, error))
    {
      handoff_store_rollback (self->store);
      handoff_server_events_discard (self);
      return FALSE;
    }
  handoff_server_events_flush (self);
  self->metrics.calls_ended++;
  handoff_server_clear_timer (self, key);
  handoff_server_end_transfers_of_call (self, call_id, by_caller ? "caller_abandoned"
                                                                 : "cancelled");
  handoff_twirp_delete_room_async (self->twirp, json_object_get_string_member (call, "room"),
                                   self->cancellable, NULL, NULL);
  return TRUE;
}

/* The agent's app left the room of an active call it owned (crash, network
 * gone, closed without hanging up): the caller must not stay alone in an
 * "active" call nobody will ever take. The call goes back to `waiting` and is
 * offered to the next available agent. agent_id stays on the waiting call: it
 * names who had it, and that agent may still end it (an app that hangs up
 * leaves the room and posts /end at the same time, and LiveKit's webhook may
 * come first). The agent is recorded as having declined, so the dead app is
 * not offered the call again. */
gboolean
handoff_server_requeue_call (HandoffServer *self,
                             const char    *call_id,
                             const char    *agent_id,
                             const char    *reason,
                             GError       **error)
{
  g_autoptr(JsonObject) data = json_object_new ();

  g_return_val_if_fail (HANDOFF_IS_SERVER (self), FALSE);

  if (!handoff_store_begin (self->store, error))
    return FALSE;
  if (handoff_store_exec (self->store,
                          "UPDATE calls SET state = 'waiting', offered_to = NULL, "
                          "offer_expires_at = NULL, "
                          "declined_by = json_insert(declined_by, '$[#]', agent_id) "
                          "WHERE id = ? AND state = 'active' AND agent_id = ?",
                          g_variant_new ("(ss)", call_id, agent_id), error) != 1)
    {
      handoff_store_rollback (self->store);
      return FALSE;
    }
  json_object_set_object_member (data, "call", handoff_server_get_call (self, call_id));
  json_object_set_string_member (data, "reason", reason);
  if (!handoff_server_event (self, agent_id, "call_requeued", data, error)
      || !handoff_store_commit (self->store, error))
    {
      handoff_store_rollback (self->store);
      handoff_server_events_discard (self);
      return FALSE;
    }
  handoff_server_events_flush (self);
  self->metrics.calls_requeued++;
  g_message ("Call %s is waiting again (%s)", call_id, reason);
  handoff_server_dispatch_calls (self);
  return TRUE;
}

void
handoff_route_calls_end (HandoffCtx *ctx)
{
  HandoffServer *self = ctx->server;
  g_autoptr(JsonObject) call = handoff_server_get_call (self, ctx->id);
  g_autoptr(JsonObject) ended = NULL;
  g_autoptr(GError) error = NULL;

  if (ctx->caller_call_id != NULL && g_strcmp0 (ctx->caller_call_id, ctx->id) != 0)
    {
      handoff_reply_status (ctx, 403, "forbidden", "A caller may only end their own call");
      return;
    }
  if (call == NULL)
    {
      handoff_reply_status (ctx, 404, "not_found", "No such call");
      return;
    }
  if (ctx->agent != NULL
      && g_strcmp0 (str_or_null (call, "agent_id"),
                    json_object_get_string_member (ctx->agent, "id")) != 0)
    {
      handoff_reply_status (ctx, 403, "forbidden", "Only the agent on the call may end it");
      return;
    }
  if (strcmp (json_object_get_string_member (call, "state"), "ended") == 0)
    {
      handoff_reply_conflict (ctx, "ended", "The call has ended already");
      return;
    }
  if (!handoff_server_end_call (self, ctx->id, ctx->agent ? "agent_ended" : "caller_ended",
                                &error))
    {
      if (error == NULL)
        {
          handoff_reply_conflict (ctx, "ended", "The call has ended already");
          return;
        }
      handoff_reply_error (ctx, error);
      return;
    }
  ended = handoff_server_get_call (self, ctx->id);
  handoff_reply_object (ctx, 200, ended);
}

void
handoff_route_callers_history (HandoffCtx *ctx)
{
  g_autoptr(JsonObject) caller = get_caller (ctx->server, ctx->id);

  if (caller == NULL)
    {
      handoff_reply_status (ctx, 404, "not_found", "No such caller");
      return;
    }
  handoff_reply_object (ctx, 200, caller);
}

static JsonObject *
member_object (JsonObject *obj,
               const char *name)
{
  JsonNode *node = obj ? json_object_get_member (obj, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

/* The same identity joined again (an app reconnecting from scratch): LiveKit
 * drops the old participant with DUPLICATE_IDENTITY. Nobody left. */
static gboolean
replaced_by_rejoin (JsonObject *participant)
{
  JsonNode *node = json_object_get_member (participant, "disconnectReason");

  if (node == NULL)
    node = json_object_get_member (participant, "disconnect_reason");
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  if (json_node_get_value_type (node) == G_TYPE_STRING)
    return g_strcmp0 (json_node_get_string (node), "DUPLICATE_IDENTITY") == 0;
  return json_node_get_int (node) == 2;
}

static void
agent_joined (HandoffServer *self,
              const char    *call_id,
              const char    *username)
{
  g_autoptr(JsonObject) agent = handoff_store_query_one (self->store,
                                                         "SELECT id FROM agents WHERE username = ?",
                                                         g_variant_new ("(s)", username), NULL);

  if (agent != NULL)
    handoff_server_agent_back (self, call_id, json_object_get_string_member (agent, "id"));
}

void
handoff_route_webhook (HandoffCtx *ctx)
{
  HandoffServer *self = ctx->server;
  const char *event = handoff_request_string (ctx->body, "event");
  JsonObject *participant = member_object (ctx->body, "participant");
  JsonObject *room = member_object (ctx->body, "room");
  const char *identity = participant ? handoff_request_string (participant, "identity") : NULL;
  const char *room_name = room ? handoff_request_string (room, "name") : NULL;
  g_autoptr(GError) error = NULL;

  self->metrics.webhooks_ok++;
  if (event == NULL)
    {
      handoff_reply_status (ctx, 400, "missing_field", "Field 'event' is required");
      return;
    }
  g_debug ("LiveKit webhook %s", event);
  if (room_name != NULL && g_str_has_prefix (room_name, "call-"))
    {
      const char *call_id = room_name + 5;

      /* The caller hanging up (or the room closing) ends the call and any
       * transfer in progress as caller_abandoned. */
      gboolean left = strcmp (event, "participant_left") == 0
                      || strcmp (event, "participant_connection_aborted") == 0;

      if (left && identity != NULL && g_str_has_prefix (identity, "caller-")
          && strcmp (identity + 7, call_id) == 0)
        handoff_server_end_call (self, call_id, "caller_left", &error);
      /* An agent's app left: its transfer or its call must not hang. */
      else if (left && identity != NULL && g_str_has_prefix (identity, "agent-")
               && !replaced_by_rejoin (participant))
        handoff_server_agent_left (self, call_id, identity + 6, &error);
      /* The agent's app is back in the room with the grant it had (LkRoom
       * re-joins by itself after losing its session): its departure is over. */
      else if (strcmp (event, "participant_joined") == 0 && identity != NULL
               && g_str_has_prefix (identity, "agent-"))
        agent_joined (self, call_id, identity + 6);
      else if (strcmp (event, "room_finished") == 0)
        handoff_server_end_call (self, call_id, "caller_left", &error);
      if (strcmp (event, "participant_joined") == 0 || strcmp (event, "track_published") == 0)
        handoff_server_hold_again (self, call_id);
    }
  if (error != NULL)
    {
      handoff_reply_error (ctx, error);
      return;
    }
  handoff_reply_text (ctx, 200, "application/json", g_strdup ("{}"));
}
