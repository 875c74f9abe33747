/* handoff-call-session-room.c: HandoffCallSession follows the room
 *
 * Who is in the call comes from the room (participant joined/left), and so
 * does the caller's picture of the call: an agent joining means "talking to
 * <agent>", and the owning agent's status message (topic handoff.status)
 * says "on hold" and who took over. The caller also polls the call on the
 * server, which tells it when the call ended even if the room did not.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "handoff-call"

#include "config.h"

#include <glib/gi18n.h>

#include "handoff-call-session-private.h"
#include "handoff-core-error.h"
#include "handoff-transcript.h"

/* ---- parties and data from the room ---- */

static HandoffParty *
find_party (HandoffCallSession *self,
            const char         *identity,
            guint              *position)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->parties));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(HandoffParty) p = g_list_model_get_item (G_LIST_MODEL (self->parties), i);
      if (g_strcmp0 (handoff_party_get_identity (p), identity) == 0)
        {
          if (position)
            *position = i;
          return p;
        }
    }
  return NULL;
}

void
handoff_call_session_follow_agents (HandoffCallSession *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->parties));
  const char *last_agent = NULL;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(HandoffParty) p = g_list_model_get_item (G_LIST_MODEL (self->parties), i);
      if (g_str_equal (handoff_party_get_kind (p), "agent"))
        last_agent = handoff_party_get_name (p);
    }
  if (self->state == HANDOFF_CALL_ON_HOLD || self->state == HANDOFF_CALL_CONSULTING)
    return;   /* the owning agent tells us when hold ends */
  if (last_agent == NULL)
    {
      if (self->state == HANDOFF_CALL_TALKING)
        handoff_call_session_set_state (self, HANDOFF_CALL_WAITING);
      return;
    }
  if (self->agent_name == NULL)
    {
      handoff_call_session_replace_str (&self->agent_name, last_agent);
      handoff_call_session_notify (self, PROP_AGENT_NAME);
    }
  handoff_call_session_set_state (self, HANDOFF_CALL_TALKING);
  handoff_call_session_update_status_text (self);
}

/* ---- the caller's agent gone: say so, and play hold music ---- */

/* Dropped: the agents we should hear are silent against their will (not
 * muted, not held away from us). On hold that is the agent who owns the
 * call (its music; a colleague in the room is not ours to hear yet);
 * otherwise every agent in the room. With no agent in the room it stays as
 * it was: the departure LiveKit reports ~20 s later does not end the wait,
 * an agent joining (back) does. */
static gboolean
compute_dropped (HandoffCallSession *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->parties));
  gboolean holding = self->state == HANDOFF_CALL_ON_HOLD || self->state == HANDOFF_CALL_CONSULTING;
  guint agents = 0, stalled = 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(HandoffParty) p = g_list_model_get_item (G_LIST_MODEL (self->parties), i);
      gboolean silent;

      if (!g_str_equal (handoff_party_get_kind (p), "agent"))
        continue;
      silent = g_hash_table_contains (self->stalled, handoff_party_get_identity (p));
      if (holding && g_strcmp0 (handoff_party_get_name (p), self->agent_name) == 0)
        return silent;
      agents++;
      stalled += silent;
    }
  return agents > 0 ? stalled == agents : self->agent_dropped;
}

/* A call centre keeps a waiting caller company. The music of the agent's
 * app went with that app, so the caller's app plays its own while the
 * agent's connection is down or the server keeps the call for the agent to
 * come back (agent_rejoin_grace); it stops the moment an agent is heard
 * again, or when the call is handed to the queue or ends. The caller's
 * words follow agent_dropped (update_status_text after this). */
void
handoff_call_session_follow_absence (HandoffCallSession *self)
{
  gboolean dropped, want;

  if (self->role != HANDOFF_CALL_ROLE_CALLER)
    return;
  dropped = compute_dropped (self);
  if (dropped != self->agent_dropped)
    {
      self->agent_dropped = dropped;
      g_message ("The agent's audio %s", dropped ? "stopped: the caller is told and hears hold music"
                                                 : "is back");
    }
  /* While our own connection is being restored the window says so, and
   * nobody's audio reaches us: that is not the agent gone. */
  want = self->media != NULL && self->state != HANDOFF_CALL_ENDED &&
         self->state != HANDOFF_CALL_FAILED && self->state != HANDOFF_CALL_RECONNECTING &&
         (self->agent_dropped || (self->agent_away && self->state == HANDOFF_CALL_WAITING));
  if (want == self->local_music)
    return;
  self->local_music = want;
  handoff_call_media_set_local_music (self->media, want);
}

static void
on_participant_stalled (HandoffCallMedia *media,
                        const char       *identity,
                        gboolean          stalled,
                        gpointer          user_data)
{
  HandoffCallSession *self = user_data;

  if (self->role != HANDOFF_CALL_ROLE_CALLER)
    return;
  if (stalled)
    g_hash_table_add (self->stalled, g_strdup (identity));
  else
    g_hash_table_remove (self->stalled, identity);
  handoff_call_session_follow_absence (self);
  handoff_call_session_update_status_text (self);
}

static void
on_participant_joined (HandoffCallMedia *media,
                       const char       *identity,
                       const char       *name,
                       gpointer          user_data)
{
  HandoffCallSession *self = user_data;
  g_autoptr(HandoffParty) p = NULL;

  if (find_party (self, identity, NULL) != NULL)
    return;
  p = handoff_party_new (identity, name);
  g_list_store_append (self->parties, p);
  if (name && *name)
    handoff_transcript_set_speaker_name (self->transcript, identity, name);
  if (self->role == HANDOFF_CALL_ROLE_CALLER)
    {
      /* A session that joins (again) starts with nothing stalled; the
       * window's words follow from who is in the room. */
      g_hash_table_remove (self->stalled, identity);
      handoff_call_session_follow_absence (self);
      handoff_call_session_follow_agents (self);
      handoff_call_session_update_status_text (self);
    }
  else if (g_strcmp0 (identity, self->caller_identity) == 0 || self->caller_identity == NULL)
    {
      if (self->caller_identity == NULL && g_str_equal (handoff_party_get_kind (p), "caller"))
        self->caller_identity = g_strdup (identity);
    }
}

static void
on_participant_left (HandoffCallMedia *media,
                     const char       *identity,
                     gpointer          user_data)
{
  HandoffCallSession *self = user_data;
  HandoffParty *p;
  guint pos;

  p = find_party (self, identity, &pos);
  if (p == NULL)
    return;
  if (self->role == HANDOFF_CALL_ROLE_CALLER && g_strcmp0 (handoff_party_get_name (p), self->agent_name) == 0)
    g_clear_pointer (&self->agent_name, g_free);
  g_list_store_remove (self->parties, pos);
  if (self->role == HANDOFF_CALL_ROLE_CALLER)
    {
      g_hash_table_remove (self->stalled, identity);
      handoff_call_session_follow_absence (self);
      handoff_call_session_follow_agents (self);
      handoff_call_session_update_status_text (self);
    }
  else if (g_strcmp0 (identity, self->caller_identity) == 0)
    handoff_call_session_end (self, "caller_hung_up");
}

static void
apply_status (HandoffCallSession *self,
              JsonObject         *obj)
{
  const char *state = handoff_json_get_string (obj, "state", "");
  const char *agent = handoff_json_get_string (obj, "agent", NULL);

  if (agent != NULL)
    {
      handoff_call_session_replace_str (&self->agent_name, agent);
      handoff_call_session_notify (self, PROP_AGENT_NAME);
    }
  /* Set before the state, which writes the status text. */
  self->hold_for_transfer =
    g_str_equal (state, "on_hold")
    && g_strcmp0 (handoff_json_get_string (obj, "for", NULL), "transfer") == 0;
  if (g_str_equal (state, "on_hold"))
    handoff_call_session_set_state (self, HANDOFF_CALL_ON_HOLD);
  else if (g_str_equal (state, "talking"))
    handoff_call_session_set_state (self, HANDOFF_CALL_TALKING);
  else if (g_str_equal (state, "ended"))
    handoff_call_session_end (self, handoff_json_get_string (obj, "outcome", "ended"));
  handoff_call_session_follow_absence (self);
  handoff_call_session_update_status_text (self);
}

static void
on_data_received (HandoffCallMedia *media,
                  const char       *sender,
                  const char       *topic,
                  GBytes           *payload,
                  gpointer          user_data)
{
  HandoffCallSession *self = user_data;
  g_autoptr(JsonParser) parser = json_parser_new ();
  gsize size;
  const char *data = g_bytes_get_data (payload, &size);
  JsonObject *obj;

  if (!json_parser_load_from_data (parser, data, size, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return;
  obj = json_node_get_object (json_parser_get_root (parser));
  if (g_strcmp0 (topic, HANDOFF_TOPIC_STATUS) == 0 && self->role == HANDOFF_CALL_ROLE_CALLER)
    apply_status (self, obj);
  else if (g_strcmp0 (topic, HANDOFF_TOPIC_TRANSCRIPT) == 0)
    {
      const char *id = handoff_json_get_string (obj, "id", NULL);
      const char *who = handoff_json_get_string (obj, "identity", sender);
      const char *name = handoff_json_get_string (obj, "speaker", NULL);
      g_autofree char *own_id = id ? NULL : g_strdup_printf ("%s-%u", sender, ++self->next_segment);
      g_autoptr(HandoffSegment) seg = handoff_segment_new (who, NULL, id ? id : own_id,
                                                           handoff_json_get_string (obj, "text", ""),
                                                           handoff_json_get_int (obj, "start_ms", g_get_real_time () / 1000),
                                                           handoff_json_get_int (obj, "end_ms", g_get_real_time () / 1000),
                                                           json_object_get_boolean_member_with_default (obj, "final", TRUE));
      handoff_transcript_add_segment (self->transcript, seg);
      /* Our own lines carry our name; others' come from participant-joined. */
      if (name != NULL && *name && g_strcmp0 (handoff_segment_get_speaker (seg), who) == 0)
        handoff_transcript_set_speaker_name (self->transcript, who, name);
    }
}

static void
on_connection_lost (HandoffCallMedia *media,
                    gpointer          user_data)
{
  handoff_call_session_set_state (HANDOFF_CALL_SESSION (user_data), HANDOFF_CALL_RECONNECTING);
}

static void
on_reconnected (HandoffCallMedia *media,
                gpointer          user_data)
{
  HandoffCallSession *self = user_data;

  handoff_call_session_set_state (self, self->on_hold ? HANDOFF_CALL_ON_HOLD : HANDOFF_CALL_TALKING);
}

/* ---- the caller follows the call on the server ---- */

static void
on_poll_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(HandoffCallSession) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *call;
  const char *state, *agent;
  gboolean away;

  self->polling = FALSE;
  root = handoff_server_client_request_finish (HANDOFF_SERVER_CLIENT (source), result, &error);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return;   /* the room tells us too; try again on the next tick */
  call = json_node_get_object (root);
  state = handoff_json_get_string (call, "state", "");
  agent = handoff_json_get_string (call, "agent_id", NULL);
  if (g_str_equal (state, "ended"))
    {
      handoff_call_session_end (self, handoff_json_get_string (call, "end_reason", "ended"));
      return;
    }
  /* The agent's app left and the server keeps the call for it for a while
   * (agent_rejoin_grace): nobody talks to the caller, who should hear why
   * and not hang up. */
  away = g_str_equal (state, "active") && handoff_json_get_string (call, "agent_away_until", NULL);
  /* Back in the queue (the grace ran out): no agent is coming back. */
  if (g_str_equal (state, "waiting") && self->agent_dropped)
    {
      self->agent_dropped = FALSE;
      handoff_call_session_update_status_text (self);
    }
  if (away != self->agent_away)
    {
      self->agent_away = away;
      handoff_call_session_update_status_text (self);
    }
  handoff_call_session_follow_absence (self);
  handoff_call_session_update_status_text (self);
  /* Accepted before the agent is in the room; not after an agent left
   * (started_us set): then only the room says someone is back. */
  if (g_str_equal (state, "active") && agent != NULL && !away && self->started_us == 0 &&
      (self->state == HANDOFF_CALL_WAITING || self->state == HANDOFF_CALL_CONNECTING))
    {
      /* The server gives the agent's id only; the room gives the name. */
      handoff_call_session_set_state (self, HANDOFF_CALL_TALKING);
    }
}

static gboolean
poll_cb (gpointer user_data)
{
  HandoffCallSession *self = user_data;
  g_autofree char *path = NULL;

  if (self->polling || self->call_id == NULL)
    return G_SOURCE_CONTINUE;
  self->polling = TRUE;
  path = g_strdup_printf (HANDOFF_PATH_CALLS "/%s", self->call_id);
  handoff_server_client_request_async (self->client, "GET", path, NULL, self->cancellable,
                                       on_poll_done, g_object_ref (self));
  return G_SOURCE_CONTINUE;
}

void
handoff_call_session_start_polling (HandoffCallSession *self)
{
  if (self->poll_id == 0)
    self->poll_id = g_timeout_add_seconds (2, poll_cb, self);
}

void
handoff_call_session_set_media (HandoffCallSession *self,
                                HandoffCallMedia   *media)
{
  g_return_if_fail (HANDOFF_IS_CALL_SESSION (self));
  if (self->media == media)
    return;
  if (self->media)
    {
      g_signal_handlers_disconnect_by_data (self->media, self);
      g_clear_object (&self->media);
    }
  if (media)
    {
      self->media = g_object_ref (media);
      g_signal_connect (media, "participant-joined", G_CALLBACK (on_participant_joined), self);
      g_signal_connect (media, "participant-left", G_CALLBACK (on_participant_left), self);
      g_signal_connect (media, "data-received", G_CALLBACK (on_data_received), self);
      g_signal_connect (media, "connection-lost", G_CALLBACK (on_connection_lost), self);
      g_signal_connect (media, "reconnected", G_CALLBACK (on_reconnected), self);
      g_signal_connect (media, "participant-stalled", G_CALLBACK (on_participant_stalled), self);
    }
}
