/* handoff-server-grace.c: an agent's app that left an active call may come back
 *
 * LiveKit reports a crashed or disconnected app ~20 s after it vanished. An
 * agent whose app restarts, or whose laptop changes networks, often needs
 * longer than that to be back, and taking the call away from them at once
 * hands the caller to a stranger who must start again. So for
 * `[timeouts] agent_rejoin_grace` seconds (default 30; 0 = requeue at once)
 * after the departure the call stays the agent's: it stays `active`, nobody
 * else is offered it. POST /calls/{id}/rejoin (a restarted app) or the agent
 * joining the room again with the grant it had (LkRoom re-joins by itself
 * when its session was lost) ends the grace. When it runs out, the call is
 * requeued as before.
 *
 * The caller hears silence meanwhile: the only party that could play them
 * anything (hold music comes from the agent's app) is the one that is gone,
 * and the server has no media path of its own. The caller's window learns
 * from GET /calls/{id} (`agent_away_until`) that the agent is coming back and
 * says so.
 *
 * The departure is a row of call_departures (the call itself does not
 * change), so a restarted server restores the timer.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "handoff-server"

#include "handoff-server-private.h"

#include <string.h>

static HandoffServer *grace_server;

static char *
grace_key (const char *call_id)
{
  return g_strconcat ("away:", call_id, NULL);
}

static gboolean
grace_expired (gpointer user_data)
{
  const char *call_id = user_data;
  HandoffServer *self = grace_server;
  g_autoptr(JsonObject) row = NULL;
  g_autoptr(GError) error = NULL;

  row = handoff_store_query_one (self->store,
                                 "SELECT agent_id FROM call_departures WHERE call_id = ?",
                                 g_variant_new ("(s)", call_id), NULL);
  if (row == NULL)
    return G_SOURCE_REMOVE;
  /* requeue_call changes nothing unless the call is still active and still
   * this agent's (the caller may have hung up meanwhile). */
  if (!handoff_server_requeue_call (self, call_id, json_object_get_string_member (row, "agent_id"),
                                    "agent_left", &error) && error != NULL)
    {
      g_autofree char *key = grace_key (call_id);

      /* The store failed: try again shortly rather than leave the caller. */
      g_warning ("Could not requeue call %s after its agent's grace: %s", call_id, error->message);
      handoff_server_set_timer (self, key, handoff_now_ms () + 1000, grace_expired,
                                g_strdup (call_id));
      return G_SOURCE_REMOVE;
    }
  handoff_store_exec (self->store, "DELETE FROM call_departures WHERE call_id = ?",
                      g_variant_new ("(s)", call_id), NULL);
  return G_SOURCE_REMOVE;
}

gboolean
handoff_server_agent_away (HandoffServer *self,
                           const char    *call_id,
                           const char    *agent_id,
                           GError       **error)
{
  gint64 now = handoff_now_ms ();
  gint64 due = now + (gint64) self->config->agent_rejoin_grace * 1000;
  g_autofree char *key = grace_key (call_id);

  g_return_val_if_fail (HANDOFF_IS_SERVER (self), FALSE);

  if (self->config->agent_rejoin_grace == 0)
    return handoff_server_requeue_call (self, call_id, agent_id, "agent_left", error);
  /* A second departure (left, then aborted) keeps the first deadline. */
  if (handoff_store_exec (self->store,
                          "INSERT INTO call_departures (call_id, agent_id, left_at, due) "
                          "VALUES (?, ?, ?, ?) ON CONFLICT (call_id) DO NOTHING",
                          g_variant_new ("(ssxx)", call_id, agent_id, now, due), error) < 0)
    return FALSE;
  due = handoff_store_query_int (self->store, "SELECT due FROM call_departures WHERE call_id = ?",
                                 g_variant_new ("(s)", call_id), due, NULL);
  g_message ("Call %s: its agent's app left; keeping the call for it %u s",
             call_id, self->config->agent_rejoin_grace);
  handoff_server_set_timer (self, key, due, grace_expired, g_strdup (call_id));
  return TRUE;
}

void
handoff_server_agent_back (HandoffServer *self,
                           const char    *call_id,
                           const char    *agent_id)
{
  g_autofree char *key = grace_key (call_id);

  g_return_if_fail (HANDOFF_IS_SERVER (self));

  if (handoff_store_exec (self->store,
                          "DELETE FROM call_departures WHERE call_id = ? AND agent_id = ?",
                          g_variant_new ("(ss)", call_id, agent_id), NULL) > 0)
    {
      g_message ("Call %s: its agent is back", call_id);
      handoff_server_clear_timer (self, key);
    }
}

void
handoff_server_restore_departures (HandoffServer *self)
{
  g_autoptr(JsonArray) rows = NULL;

  grace_server = self;
  rows = handoff_store_query (self->store, "SELECT call_id, due FROM call_departures", NULL, NULL);
  for (guint i = 0; rows != NULL && i < json_array_get_length (rows); i++)
    {
      JsonObject *row = json_array_get_object_element (rows, i);
      const char *id = json_object_get_string_member (row, "call_id");
      g_autofree char *key = grace_key (id);

      handoff_server_set_timer (self, key, json_object_get_int_member (row, "due"),
                                grace_expired, g_strdup (id));
    }
}
