/* handoff-server-presence.c: "on a call", derived from the calls and transfers
 *
 * The presence an agent sets (available, busy, away, wrap-up) says whether
 * they want calls; whether they are talking to someone is a fact the server
 * knows better than any app: they own an active call (also while their app
 * is away within the rejoin grace), or they are the target of a transfer
 * they accepted and that has not ended. The directory shows both, and every
 * agent is told (an agent_status event) when the derived part changes, so
 * colleagues do not pick someone who is talking to a caller.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "handoff-server"

#include "handoff-server-private.h"

#include <string.h>

gboolean
handoff_server_agent_on_call (HandoffServer *self,
                              const char    *agent_id)
{
  return handoff_store_query_int (self->store,
                                  "SELECT EXISTS (SELECT 1 FROM calls "
                                  "               WHERE agent_id = ?1 AND state = 'active') "
                                  "    OR EXISTS (SELECT 1 FROM transfers WHERE to_agent_id = ?1 "
                                  "               AND state IN ('accepted', 'consulting', "
                                  "                             'connected'))",
                                  g_variant_new ("(s)", agent_id), 0, NULL) == 1;
}

/* Only call and transfer events can change who is on a call. */
gboolean
handoff_server_presence_affected_by (const char *event_type)
{
  return g_str_has_prefix (event_type, "call_") || g_str_has_prefix (event_type, "transfer_");
}

/* Every agent on a call now, by one query (both tables are indexed by state):
 * a transfer's events go to some of its agents only, so the recipients of an
 * event do not tell whose state changed. */
static GHashTable *
agents_on_call (HandoffServer *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) rows = handoff_store_query (self->store,
                                                   "SELECT agent_id AS id FROM calls "
                                                   "WHERE state = 'active' AND agent_id IS NOT NULL "
                                                   "UNION SELECT to_agent_id FROM transfers "
                                                   "WHERE state IN ('accepted', 'consulting', "
                                                   "                'connected')",
                                                   NULL, &error);
  GHashTable *set = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  if (rows == NULL)
    {
      g_warning ("Could not read who is on a call: %s", error->message);
      return set;
    }
  for (guint i = 0; i < json_array_get_length (rows); i++)
    g_hash_table_add (set, g_strdup (json_object_get_string_member (
                             json_array_get_object_element (rows, i), "id")));
  return set;
}

static void
tell (HandoffServer *self,
      const char    *id)
{
  g_autoptr(JsonObject) agent = handoff_server_get_agent (self, id);

  if (agent != NULL)
    handoff_server_event_all (self, "agent_status", agent);
}

void
handoff_server_presence_check (HandoffServer *self)
{
  g_autoptr(GHashTable) now = agents_on_call (self);
  g_autoptr(GPtrArray) changed = g_ptr_array_new_with_free_func (g_free);
  GHashTableIter iter;
  gpointer id;

  /* self->on_call is what the agents were last told; nothing yet counts as
   * "not on a call" (after a restart the apps read the directory afresh). */
  g_hash_table_iter_init (&iter, self->on_call);
  while (g_hash_table_iter_next (&iter, &id, NULL))
    if (!g_hash_table_contains (now, id))
      g_ptr_array_add (changed, g_strdup (id));
  g_hash_table_iter_init (&iter, now);
  while (g_hash_table_iter_next (&iter, &id, NULL))
    if (!g_hash_table_contains (self->on_call, id))
      g_ptr_array_add (changed, g_strdup (id));
  g_hash_table_unref (self->on_call);
  self->on_call = g_steal_pointer (&now);
  for (guint i = 0; i < changed->len; i++)
    tell (self, g_ptr_array_index (changed, i));
}
