/* handoff-call-session.c: one call as one party sees it
 *
 * Holds the state the views bind to: who is in the call, what was said, the
 * timers and the state in words. Media goes through HandoffCallMedia; when no
 * media is attached (tests of the logic, or a build without the LiveKit
 * client) the session still follows the server and the data it is given.
 *
 * The caller's window learns what happens from the room: an agent joining
 * means "talking to <agent>", and the owning agent's app sends a small status
 * message (topic handoff.status, to the caller only) on hold and after a
 * transfer, so the caller reads "we are bringing in a colleague" rather than
 * guessing from silence.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "handoff-call"

#include "config.h"

#include <glib/gi18n.h>

#include "handoff-call-session.h"
#include "handoff-core-error.h"
#include "handoff-transcript.h"

#define PATH_CALLS "/api/v1/calls"

enum {
  PROP_0,
  PROP_ROLE,
  PROP_CALL_ID,
  PROP_CALLER_NAME,
  PROP_STATE,
  PROP_STATUS_TEXT,
  PROP_AGENT_NAME,
  PROP_DURATION,
  PROP_HOLD_SECONDS,
  PROP_MUTED,
  PROP_ON_HOLD,
  PROP_OUTCOME,
  N_PROPS
};
static GParamSpec *props[N_PROPS];

struct _HandoffCallSession
{
  GObject              parent_instance;

  HandoffServerClient *client;
  HandoffCallRole      role;
  JsonObject          *info;
  char                *call_id;
  char                *caller_name;
  char                *reason;
  char                *local_identity;
  char                *caller_identity;
  char                *agent_name;
  char                *outcome;
  char                *status_text;
  char                *hold_music;

  HandoffCallState     state;
  gboolean             muted;
  gboolean             on_hold;
  gint64               started_us;
  gint64               hold_started_us;
  guint                tick_id;
  guint                poll_id;
  gboolean             polling;

  GListStore          *parties;
  HandoffTranscript   *transcript;
  guint                next_segment;
  HandoffCallMedia    *media;
  GCancellable        *cancellable;
};

G_DEFINE_FINAL_TYPE (HandoffCallSession, handoff_call_session, G_TYPE_OBJECT)

GType
handoff_call_state_get_type (void)
{
  static gsize type;

  if (g_once_init_enter (&type))
    {
      static const GEnumValue values[] = {
        { HANDOFF_CALL_CONNECTING, "HANDOFF_CALL_CONNECTING", "connecting" },
        { HANDOFF_CALL_WAITING, "HANDOFF_CALL_WAITING", "waiting" },
        { HANDOFF_CALL_TALKING, "HANDOFF_CALL_TALKING", "talking" },
        { HANDOFF_CALL_ON_HOLD, "HANDOFF_CALL_ON_HOLD", "on-hold" },
        { HANDOFF_CALL_CONSULTING, "HANDOFF_CALL_CONSULTING", "consulting" },
        { HANDOFF_CALL_THREE_WAY, "HANDOFF_CALL_THREE_WAY", "three-way" },
        { HANDOFF_CALL_RECONNECTING, "HANDOFF_CALL_RECONNECTING", "reconnecting" },
        { HANDOFF_CALL_ENDED, "HANDOFF_CALL_ENDED", "ended" },
        { HANDOFF_CALL_FAILED, "HANDOFF_CALL_FAILED", "failed" },
        { 0, NULL, NULL },
      };
      g_once_init_leave (&type, g_enum_register_static ("HandoffCallState", values));
    }
  return type;
}

static void
replace_str (char       **field,
             const char  *value)
{
  if (*field == value)
    return;
  g_free (*field);
  *field = g_strdup (value);
}

static char *
compute_status_text (HandoffCallSession *self)
{
  const char *caller = self->caller_name ? self->caller_name : _("the caller");
  const char *agent = self->agent_name ? self->agent_name : _("an agent");

  if (self->role == HANDOFF_CALL_ROLE_CALLER)
    {
      switch (self->state)
        {
        case HANDOFF_CALL_CONNECTING: return g_strdup (_("Connecting…"));
        case HANDOFF_CALL_WAITING: return g_strdup (_("Waiting for an agent…"));
        case HANDOFF_CALL_TALKING:
        case HANDOFF_CALL_THREE_WAY: return g_strdup_printf (_("Talking to %s"), agent);
        case HANDOFF_CALL_ON_HOLD:
        case HANDOFF_CALL_CONSULTING: return g_strdup (_("On hold — we are bringing in a colleague"));
        case HANDOFF_CALL_RECONNECTING: return g_strdup (_("Reconnecting…"));
        case HANDOFF_CALL_ENDED: return g_strdup (_("Call ended"));
        case HANDOFF_CALL_FAILED: return g_strdup (_("The call could not be connected"));
        default: g_assert_not_reached ();
        }
    }
  switch (self->state)
    {
    case HANDOFF_CALL_CONNECTING: return g_strdup (_("Connecting…"));
    case HANDOFF_CALL_WAITING: return g_strdup_printf (_("%s is waiting"), caller);
    case HANDOFF_CALL_TALKING: return g_strdup_printf (_("Talking to %s"), caller);
    case HANDOFF_CALL_ON_HOLD: return g_strdup_printf (_("%s is on hold"), caller);
    case HANDOFF_CALL_CONSULTING: return g_strdup_printf (_("Consulting privately — %s is on hold"), caller);
    case HANDOFF_CALL_THREE_WAY: return g_strdup_printf (_("Three-way call with %s"), caller);
    case HANDOFF_CALL_RECONNECTING: return g_strdup (_("Reconnecting…"));
    case HANDOFF_CALL_ENDED: return g_strdup (_("Call ended"));
    case HANDOFF_CALL_FAILED: return g_strdup (_("The call failed"));
    default: g_assert_not_reached ();
    }
}

static void
update_status_text (HandoffCallSession *self)
{
  g_autofree char *text = compute_status_text (self);

  if (g_strcmp0 (text, self->status_text) == 0)
    return;
  g_free (self->status_text);
  self->status_text = g_steal_pointer (&text);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_STATUS_TEXT]);
}

static gboolean
tick_cb (gpointer user_data)
{
  HandoffCallSession *self = user_data;

  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_DURATION]);
  if (self->hold_started_us != 0)
    g_object_notify_by_pspec (G_OBJECT (self), props[PROP_HOLD_SECONDS]);
  return G_SOURCE_CONTINUE;
}

void
handoff_call_session_set_state (HandoffCallSession *self,
                                HandoffCallState    state)
{
  g_autoptr(HandoffCallSession) keep = NULL;
  gboolean holding;

  g_return_if_fail (HANDOFF_IS_CALL_SESSION (self));
  if (self->state == state)
    return;
  /* A handler of notify::state may drop the last reference. */
  keep = g_object_ref (self);
  if (self->state == HANDOFF_CALL_ENDED || self->state == HANDOFF_CALL_FAILED)
    return;   /* final */

  self->state = state;
  if (self->started_us == 0 && state >= HANDOFF_CALL_TALKING && state <= HANDOFF_CALL_THREE_WAY)
    {
      self->started_us = g_get_monotonic_time ();
      if (self->tick_id == 0)
        self->tick_id = g_timeout_add_seconds (1, tick_cb, self);
    }
  holding = state == HANDOFF_CALL_ON_HOLD || state == HANDOFF_CALL_CONSULTING;
  if (holding && self->hold_started_us == 0)
    self->hold_started_us = g_get_monotonic_time ();
  else if (!holding && state != HANDOFF_CALL_RECONNECTING)
    self->hold_started_us = 0;
  if (state == HANDOFF_CALL_ENDED || state == HANDOFF_CALL_FAILED)
    {
      g_clear_handle_id (&self->tick_id, g_source_remove);
      g_clear_handle_id (&self->poll_id, g_source_remove);
    }

  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_STATE]);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_HOLD_SECONDS]);
  update_status_text (self);
}

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

static void
caller_follow_agents (HandoffCallSession *self)
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
      replace_str (&self->agent_name, last_agent);
      g_object_notify_by_pspec (G_OBJECT (self), props[PROP_AGENT_NAME]);
    }
  handoff_call_session_set_state (self, HANDOFF_CALL_TALKING);
  update_status_text (self);
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
    caller_follow_agents (self);
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
    caller_follow_agents (self);
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
      replace_str (&self->agent_name, agent);
      g_object_notify_by_pspec (G_OBJECT (self), props[PROP_AGENT_NAME]);
    }
  if (g_str_equal (state, "on_hold"))
    handoff_call_session_set_state (self, HANDOFF_CALL_ON_HOLD);
  else if (g_str_equal (state, "talking"))
    handoff_call_session_set_state (self, HANDOFF_CALL_TALKING);
  else if (g_str_equal (state, "ended"))
    handoff_call_session_end (self, handoff_json_get_string (obj, "outcome", "ended"));
  update_status_text (self);
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
      g_autofree char *own_id = id ? NULL : g_strdup_printf ("%s-%u", sender, ++self->next_segment);
      g_autoptr(HandoffSegment) seg = handoff_segment_new (sender, NULL, id ? id : own_id,
                                                           handoff_json_get_string (obj, "text", ""),
                                                           handoff_json_get_int (obj, "start_ms", g_get_real_time () / 1000),
                                                           handoff_json_get_int (obj, "end_ms", g_get_real_time () / 1000),
                                                           json_object_get_boolean_member_with_default (obj, "final", TRUE));
      handoff_transcript_add_segment (self->transcript, seg);
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
  if (g_str_equal (state, "active") && agent != NULL &&
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
  path = g_strdup_printf (PATH_CALLS "/%s", self->call_id);
  handoff_server_client_request_async (self->client, "GET", path, NULL, self->cancellable,
                                       on_poll_done, g_object_ref (self));
  return G_SOURCE_CONTINUE;
}

/* ---- joining ---- */

static void
on_media_connected (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  HandoffCallSession *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;

  if (!handoff_call_media_connect_finish (HANDOFF_CALL_MEDIA (source), result, &error))
    {
      handoff_call_session_set_state (self, HANDOFF_CALL_FAILED);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (self->role == HANDOFF_CALL_ROLE_CALLER)
    {
      handoff_call_session_set_state (self, HANDOFF_CALL_WAITING);
      caller_follow_agents (self);
    }
  else
    handoff_call_session_set_state (self, HANDOFF_CALL_TALKING);
  g_task_return_boolean (task, TRUE);
}

void
handoff_call_session_join_async (HandoffCallSession  *self,
                                 const char          *url,
                                 const char          *token,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (HANDOFF_IS_CALL_SESSION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, handoff_call_session_join_async);
  if (self->media == NULL)
    {
      /* No media layer in this build: follow the server only. */
      handoff_call_session_set_state (self, self->role == HANDOFF_CALL_ROLE_CALLER
                                              ? HANDOFF_CALL_WAITING : HANDOFF_CALL_TALKING);
      g_task_return_boolean (task, TRUE);
      return;
    }
  if (url == NULL || token == NULL)
    {
      handoff_call_session_set_state (self, HANDOFF_CALL_FAILED);
      g_task_return_new_error (task, HANDOFF_API_ERROR, HANDOFF_API_ERROR_PROTOCOL,
                               _("The server gave no room to join"));
      return;
    }
  handoff_call_media_connect_async (self->media, url, token, cancellable,
                                    on_media_connected, g_steal_pointer (&task));
}

gboolean
handoff_call_session_join_finish (HandoffCallSession  *self,
                                  GAsyncResult        *result,
                                  GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
take_grant (HandoffCallSession *self,
            JsonObject         *obj,
            const char        **url,
            const char        **token)
{
  *url = handoff_json_get_string (obj, "livekit_url", handoff_json_get_string (obj, "url", NULL));
  *token = handoff_json_get_string (obj, "token", handoff_json_get_string (obj, "livekit_token", NULL));
  if (handoff_json_get_string (obj, "identity", NULL))
    replace_str (&self->local_identity, handoff_json_get_string (obj, "identity", NULL));
}

/* The accept answer carries the caller with previous calls: keep it for the
 * caller card. */
static void
adopt_call_info (HandoffCallSession *self,
                 JsonObject         *answer)
{
  JsonNode *caller = json_object_get_member (answer, "caller");
  JsonNode *call = json_object_get_member (answer, "call");

  if (caller && JSON_NODE_HOLDS_OBJECT (caller))
    json_object_set_member (self->info, "caller", json_node_copy (caller));
  if (call && JSON_NODE_HOLDS_OBJECT (call))
    {
      JsonObject *c = json_node_get_object (call);
      if (self->caller_identity == NULL && handoff_json_get_string (c, "caller_identity", NULL))
        self->caller_identity = g_strdup (handoff_json_get_string (c, "caller_identity", NULL));
      if (self->caller_name == NULL && handoff_json_get_string (c, "caller_name", NULL))
        {
          self->caller_name = g_strdup (handoff_json_get_string (c, "caller_name", NULL));
          g_object_notify_by_pspec (G_OBJECT (self), props[PROP_CALLER_NAME]);
        }
    }
  update_status_text (self);
}

static void
on_joined_forward (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!handoff_call_session_join_finish (HANDOFF_CALL_SESSION (source), result, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else if (g_task_get_source_tag (task) == handoff_call_session_place_async)
    g_task_return_pointer (task, g_object_ref (source), g_object_unref);
  else
    g_task_return_boolean (task, TRUE);
}

static void
on_place_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  HandoffCallMedia *media = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(HandoffCallSession) self = NULL;
  const char *url, *token;

  root = handoff_server_client_request_finish (HANDOFF_SERVER_CLIENT (source), result, &error);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      if (error == NULL)
        error = g_error_new (HANDOFF_API_ERROR, HANDOFF_API_ERROR_PROTOCOL, _("The server sent no call"));
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  self = handoff_call_session_new (HANDOFF_SERVER_CLIENT (source), HANDOFF_CALL_ROLE_CALLER,
                                   json_node_get_object (root));
  if (media)
    handoff_call_session_set_media (self, media);
  take_grant (self, json_node_get_object (root), &url, &token);
  /* The caller's LiveKit token is also its credential for GET /calls/{id}. */
  handoff_server_client_set_token (HANDOFF_SERVER_CLIENT (source), token);
  self->poll_id = g_timeout_add_seconds (2, poll_cb, self);
  handoff_call_session_join_async (self, url, token, g_task_get_cancellable (task),
                                   on_joined_forward, g_object_ref (task));
}

void
handoff_call_session_place_async (HandoffServerClient *client,
                                  const char          *name,
                                  const char          *reason,
                                  HandoffCallMedia    *media,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(JsonNode) body = NULL;

  g_return_if_fail (HANDOFF_IS_SERVER_CLIENT (client));
  g_return_if_fail (name != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, handoff_call_session_place_async);
  if (media)
    g_task_set_task_data (task, g_object_ref (media), g_object_unref);
  {
    g_autofree char *trimmed = g_strstrip (g_strdup (name));
    if (trimmed[0] == '\0')
      {
        g_task_return_new_error (task, HANDOFF_API_ERROR, HANDOFF_API_ERROR_INVALID,
                                 _("Please enter your name"));
        return;
      }
  }
  body = handoff_json_object_node ("name", 's', name, "reason", 's', reason ? reason : "", NULL);
  handoff_server_client_request_async (client, "POST", PATH_CALLS, body, cancellable,
                                       on_place_done, g_steal_pointer (&task));
}

HandoffCallSession *
handoff_call_session_place_finish (GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
on_accept_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  HandoffCallSession *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  const char *url, *token;

  root = handoff_server_client_request_finish (HANDOFF_SERVER_CLIENT (source), result, &error);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      if (error == NULL)
        error = g_error_new (HANDOFF_API_ERROR, HANDOFF_API_ERROR_PROTOCOL, _("The server sent no room"));
      handoff_call_session_set_state (self, HANDOFF_CALL_FAILED);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  take_grant (self, json_node_get_object (root), &url, &token);
  adopt_call_info (self, json_node_get_object (root));
  handoff_call_session_join_async (self, url, token, g_task_get_cancellable (task),
                                   on_joined_forward, g_object_ref (task));
}

void
handoff_call_session_accept_async (HandoffCallSession  *self,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *path = NULL;

  g_return_if_fail (HANDOFF_IS_CALL_SESSION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, handoff_call_session_accept_async);
  path = g_strdup_printf (PATH_CALLS "/%s/accept", self->call_id);
  handoff_server_client_request_async (self->client, "POST", path, NULL, cancellable,
                                       on_accept_done, g_steal_pointer (&task));
}

gboolean
handoff_call_session_accept_finish (HandoffCallSession  *self,
                                    GAsyncResult        *result,
                                    GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
handoff_call_session_end (HandoffCallSession *self,
                          const char         *outcome)
{
  g_autoptr(HandoffCallSession) keep = NULL;

  g_return_if_fail (HANDOFF_IS_CALL_SESSION (self));
  keep = g_object_ref (self);

  if (self->state == HANDOFF_CALL_ENDED || self->state == HANDOFF_CALL_FAILED)
    return;
  if (self->outcome == NULL)
    {
      self->outcome = g_strdup (outcome ? outcome : "ended");
      g_object_notify_by_pspec (G_OBJECT (self), props[PROP_OUTCOME]);
    }
  if (self->media)
    handoff_call_media_disconnect (self->media);
  handoff_call_session_set_state (self, HANDOFF_CALL_ENDED);
}

void
handoff_call_session_hang_up (HandoffCallSession *self)
{
  g_autofree char *path = NULL;

  g_return_if_fail (HANDOFF_IS_CALL_SESSION (self));

  if (self->state == HANDOFF_CALL_ENDED || self->state == HANDOFF_CALL_FAILED)
    return;
  if (self->call_id != NULL)
    {
      path = g_strdup_printf (PATH_CALLS "/%s/end", self->call_id);
      handoff_server_client_request_async (self->client, "POST", path, NULL, NULL, NULL, NULL);
    }
  handoff_call_session_end (self, "hung_up");
}

/* ---- transcript ---- */

void
handoff_call_session_add_segment (HandoffCallSession *self,
                                  const char         *id,
                                  const char         *speaker,
                                  const char         *text,
                                  gboolean            final)
{
  g_autoptr(HandoffSegment) seg = NULL;
  g_autofree char *own_id = NULL;
  gint64 now_ms = g_get_real_time () / 1000;

  g_return_if_fail (HANDOFF_IS_CALL_SESSION (self));

  if (id == NULL)
    id = own_id = g_strdup_printf ("call-%u", ++self->next_segment);
  seg = handoff_segment_new (speaker, NULL, id, text ? text : "", now_ms, now_ms, final);
  handoff_transcript_add_segment (self->transcript, seg);
}

void
handoff_call_session_add_segment_object (HandoffCallSession *self,
                                         HandoffSegment     *segment)
{
  g_return_if_fail (HANDOFF_IS_CALL_SESSION (self));
  g_return_if_fail (HANDOFF_IS_SEGMENT (segment));
  handoff_transcript_add_segment (self->transcript, segment);
}

HandoffTranscript *
handoff_call_session_get_transcript_model (HandoffCallSession *self)
{
  g_return_val_if_fail (HANDOFF_IS_CALL_SESSION (self), NULL);
  return self->transcript;
}

char *
handoff_call_session_dup_transcript_text (HandoffCallSession *self)
{
  GString *s = g_string_new (NULL);
  guint n;

  g_return_val_if_fail (HANDOFF_IS_CALL_SESSION (self), NULL);
  n = g_list_model_get_n_items (G_LIST_MODEL (self->transcript));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(HandoffSegment) seg = g_list_model_get_item (G_LIST_MODEL (self->transcript), i);
      if (!handoff_segment_get_final (seg))
        continue;
      g_string_append_printf (s, "%s: %s\n", handoff_segment_get_speaker (seg), handoff_segment_get_text (seg));
    }
  return g_string_free (s, FALSE);
}

void
handoff_call_session_send_status (HandoffCallSession *self,
                                  const char         *state,
                                  const char         *agent_name)
{
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  const char *dest[2] = { self->caller_identity, NULL };
  char *text;

  g_return_if_fail (HANDOFF_IS_CALL_SESSION (self));
  if (self->media == NULL)
    return;
  node = handoff_json_object_node ("state", 's', state, "agent", 's', agent_name, NULL);
  text = json_to_string (node, FALSE);
  bytes = g_bytes_new_take (text, strlen (text));
  if (!handoff_call_media_send_data (self->media, HANDOFF_TOPIC_STATUS, bytes,
                                     self->caller_identity ? dest : NULL, &error))
    g_message ("Could not tell the caller: %s", error->message);
}

/* ---- GObject ---- */

static void
handoff_call_session_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  HandoffCallSession *self = HANDOFF_CALL_SESSION (object);

  switch (prop_id)
    {
    case PROP_ROLE: g_value_set_int (value, self->role); break;
    case PROP_CALL_ID: g_value_set_string (value, self->call_id); break;
    case PROP_CALLER_NAME: g_value_set_string (value, self->caller_name); break;
    case PROP_STATE: g_value_set_enum (value, self->state); break;
    case PROP_STATUS_TEXT: g_value_set_string (value, self->status_text); break;
    case PROP_AGENT_NAME: g_value_set_string (value, self->agent_name); break;
    case PROP_DURATION: g_value_set_uint (value, handoff_call_session_get_duration (self)); break;
    case PROP_HOLD_SECONDS: g_value_set_uint (value, handoff_call_session_get_hold_seconds (self)); break;
    case PROP_MUTED: g_value_set_boolean (value, self->muted); break;
    case PROP_ON_HOLD: g_value_set_boolean (value, self->on_hold); break;
    case PROP_OUTCOME: g_value_set_string (value, self->outcome); break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
handoff_call_session_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  HandoffCallSession *self = HANDOFF_CALL_SESSION (object);

  switch (prop_id)
    {
    case PROP_MUTED: handoff_call_session_set_muted (self, g_value_get_boolean (value)); break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
handoff_call_session_dispose (GObject *object)
{
  HandoffCallSession *self = HANDOFF_CALL_SESSION (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->tick_id, g_source_remove);
  g_clear_handle_id (&self->poll_id, g_source_remove);
  handoff_call_session_set_media (self, NULL);
  G_OBJECT_CLASS (handoff_call_session_parent_class)->dispose (object);
}

static void
handoff_call_session_finalize (GObject *object)
{
  HandoffCallSession *self = HANDOFF_CALL_SESSION (object);

  g_clear_object (&self->client);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->parties);
  g_clear_object (&self->transcript);
  g_clear_pointer (&self->info, json_object_unref);
  g_free (self->call_id);
  g_free (self->caller_name);
  g_free (self->reason);
  g_free (self->local_identity);
  g_free (self->caller_identity);
  g_free (self->agent_name);
  g_free (self->outcome);
  g_free (self->status_text);
  g_free (self->hold_music);
  G_OBJECT_CLASS (handoff_call_session_parent_class)->finalize (object);
}

static void
handoff_call_session_class_init (HandoffCallSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->get_property = handoff_call_session_get_property;
  object_class->set_property = handoff_call_session_set_property;
  object_class->dispose = handoff_call_session_dispose;
  object_class->finalize = handoff_call_session_finalize;

  props[PROP_ROLE] = g_param_spec_int ("role", NULL, NULL, 0, 1, 0, ro);
  props[PROP_CALL_ID] = g_param_spec_string ("call-id", NULL, NULL, NULL, ro);
  props[PROP_CALLER_NAME] = g_param_spec_string ("caller-name", NULL, NULL, NULL, ro);
  props[PROP_STATE] = g_param_spec_enum ("state", NULL, NULL, HANDOFF_TYPE_CALL_STATE,
                                         HANDOFF_CALL_CONNECTING, ro);
  props[PROP_STATUS_TEXT] = g_param_spec_string ("status-text", NULL, NULL, NULL, ro);
  props[PROP_AGENT_NAME] = g_param_spec_string ("agent-name", NULL, NULL, NULL, ro);
  props[PROP_DURATION] = g_param_spec_uint ("duration", NULL, NULL, 0, G_MAXUINT, 0, ro);
  props[PROP_HOLD_SECONDS] = g_param_spec_uint ("hold-seconds", NULL, NULL, 0, G_MAXUINT, 0, ro);
  props[PROP_MUTED] = g_param_spec_boolean ("muted", NULL, NULL, FALSE,
                                            G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  props[PROP_ON_HOLD] = g_param_spec_boolean ("on-hold", NULL, NULL, FALSE, ro);
  props[PROP_OUTCOME] = g_param_spec_string ("outcome", NULL, NULL, NULL, ro);
  g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
handoff_call_session_init (HandoffCallSession *self)
{
  self->parties = g_list_store_new (HANDOFF_TYPE_PARTY);
  self->transcript = handoff_transcript_new ();
  self->cancellable = g_cancellable_new ();
}

HandoffCallSession *
handoff_call_session_new (HandoffServerClient *client,
                          HandoffCallRole      role,
                          JsonObject          *info)
{
  HandoffCallSession *self;
  JsonObject *caller = NULL;

  g_return_val_if_fail (HANDOFF_IS_SERVER_CLIENT (client), NULL);

  self = g_object_new (HANDOFF_TYPE_CALL_SESSION, NULL);
  self->client = g_object_ref (client);
  self->role = role;
  self->info = info ? json_object_ref (info) : json_object_new ();
  if (json_object_has_member (self->info, "caller") &&
      JSON_NODE_HOLDS_OBJECT (json_object_get_member (self->info, "caller")))
    caller = json_object_get_object_member (self->info, "caller");
  if (json_object_has_member (self->info, "call") &&
      JSON_NODE_HOLDS_OBJECT (json_object_get_member (self->info, "call")))
    {
      /* An event's {"call": {...}}: flatten what we read. */
      JsonObject *c = json_object_get_object_member (self->info, "call");
      JsonObjectIter iter;
      const char *k;
      JsonNode *v;

      json_object_iter_init (&iter, c);
      while (json_object_iter_next (&iter, &k, &v))
        if (!json_object_has_member (self->info, k))
          json_object_set_member (self->info, k, json_node_copy (v));
    }
  self->call_id = g_strdup (handoff_json_get_string (self->info, "call_id",
                                                     handoff_json_get_string (self->info, "id", NULL)));
  self->caller_name = g_strdup (handoff_json_get_string (caller, "name",
                                handoff_json_get_string (self->info, "caller_name",
                                handoff_json_get_string (self->info, "name", NULL))));
  self->reason = g_strdup (handoff_json_get_string (self->info, "reason", handoff_json_get_string (caller, "reason", NULL)));
  self->caller_identity = g_strdup (handoff_json_get_string (caller, "identity",
                                    handoff_json_get_string (self->info, "caller_identity", NULL)));
  /* handoff-server names callers caller-<call id> (openapi.yaml). */
  if ((self->caller_identity == NULL || self->caller_identity[0] == '\0') && self->call_id != NULL)
    {
      g_free (self->caller_identity);
      self->caller_identity = g_strdup_printf ("caller-%s", self->call_id);
    }
  update_status_text (self);
  return self;
}

HandoffCallRole
handoff_call_session_get_role (HandoffCallSession *self)
{
  g_return_val_if_fail (HANDOFF_IS_CALL_SESSION (self), 0);
  return self->role;
}

const char *
handoff_call_session_get_call_id (HandoffCallSession *self)
{
  g_return_val_if_fail (HANDOFF_IS_CALL_SESSION (self), NULL);
  return self->call_id;
}

const char *
handoff_call_session_get_caller_name (HandoffCallSession *self)
{
  g_return_val_if_fail (HANDOFF_IS_CALL_SESSION (self), NULL);
  return self->caller_name;
}

const char *
handoff_call_session_get_reason (HandoffCallSession *self)
{
  g_return_val_if_fail (HANDOFF_IS_CALL_SESSION (self), NULL);
  return self->reason;
}

JsonObject *
handoff_call_session_get_info (HandoffCallSession *self)
{
  g_return_val_if_fail (HANDOFF_IS_CALL_SESSION (self), NULL);
  return self->info;
}

HandoffCallState
handoff_call_session_get_state (HandoffCallSession *self)
{
  g_return_val_if_fail (HANDOFF_IS_CALL_SESSION (self), HANDOFF_CALL_FAILED);
  return self->state;
}

const char *
handoff_call_session_get_status_text (HandoffCallSession *self)
{
  g_return_val_if_fail (HANDOFF_IS_CALL_SESSION (self), NULL);
  return self->status_text;
}

const char *
handoff_call_session_get_agent_name (HandoffCallSession *self)
{
  g_return_val_if_fail (HANDOFF_IS_CALL_SESSION (self), NULL);
  return self->agent_name;
}

const char *
handoff_call_session_get_local_identity (HandoffCallSession *self)
{
  g_return_val_if_fail (HANDOFF_IS_CALL_SESSION (self), NULL);
  return self->local_identity;
}

const char *
handoff_call_session_get_caller_identity (HandoffCallSession *self)
{
  g_return_val_if_fail (HANDOFF_IS_CALL_SESSION (self), NULL);
  return self->caller_identity;
}

guint
handoff_call_session_get_duration (HandoffCallSession *self)
{
  g_return_val_if_fail (HANDOFF_IS_CALL_SESSION (self), 0);
  if (self->started_us == 0)
    return 0;
  return (guint) ((g_get_monotonic_time () - self->started_us) / G_USEC_PER_SEC);
}

guint
handoff_call_session_get_hold_seconds (HandoffCallSession *self)
{
  g_return_val_if_fail (HANDOFF_IS_CALL_SESSION (self), 0);
  if (self->hold_started_us == 0)
    return 0;
  return (guint) ((g_get_monotonic_time () - self->hold_started_us) / G_USEC_PER_SEC);
}

gboolean
handoff_call_session_get_muted (HandoffCallSession *self)
{
  g_return_val_if_fail (HANDOFF_IS_CALL_SESSION (self), FALSE);
  return self->muted;
}

void
handoff_call_session_set_muted (HandoffCallSession *self,
                                gboolean            muted)
{
  g_return_if_fail (HANDOFF_IS_CALL_SESSION (self));
  muted = !!muted;
  if (self->muted == muted)
    return;
  self->muted = muted;
  if (self->media)
    handoff_call_media_set_muted (self->media, muted);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_MUTED]);
}

gboolean
handoff_call_session_get_on_hold (HandoffCallSession *self)
{
  g_return_val_if_fail (HANDOFF_IS_CALL_SESSION (self), FALSE);
  return self->on_hold;
}

gboolean
handoff_call_session_set_on_hold (HandoffCallSession  *self,
                                  gboolean             on_hold,
                                  GError             **error)
{
  const char *caller[2] = { NULL, NULL };

  g_return_val_if_fail (HANDOFF_IS_CALL_SESSION (self), FALSE);
  on_hold = !!on_hold;
  if (self->on_hold == on_hold)
    return TRUE;
  if (self->state != HANDOFF_CALL_TALKING && self->state != HANDOFF_CALL_ON_HOLD)
    {
      g_set_error (error, HANDOFF_TRANSFER_ERROR, HANDOFF_TRANSFER_ERROR_WRONG_STATE,
                   _("Hold is not possible right now"));
      return FALSE;
    }
  if (self->media)
    {
      /* On hold nobody hears our microphone; the caller hears the music. */
      caller[0] = self->caller_identity;
      if (!handoff_call_media_set_mic_audience (self->media, !on_hold, NULL, error) ||
          !handoff_call_media_set_hold_music (self->media, on_hold && caller[0] ? caller : NULL,
                                              self->hold_music, error))
        return FALSE;
    }
  self->on_hold = on_hold;
  handoff_call_session_set_state (self, on_hold ? HANDOFF_CALL_ON_HOLD : HANDOFF_CALL_TALKING);
  handoff_call_session_send_status (self, on_hold ? "on_hold" : "talking", NULL);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_ON_HOLD]);
  return TRUE;
}

const char *
handoff_call_session_get_outcome (HandoffCallSession *self)
{
  g_return_val_if_fail (HANDOFF_IS_CALL_SESSION (self), NULL);
  return self->outcome;
}

GListModel *
handoff_call_session_get_parties (HandoffCallSession *self)
{
  g_return_val_if_fail (HANDOFF_IS_CALL_SESSION (self), NULL);
  return G_LIST_MODEL (self->parties);
}

GListModel *
handoff_call_session_get_transcript (HandoffCallSession *self)
{
  g_return_val_if_fail (HANDOFF_IS_CALL_SESSION (self), NULL);
  return G_LIST_MODEL (self->transcript);
}

HandoffCallMedia *
handoff_call_session_get_media (HandoffCallSession *self)
{
  g_return_val_if_fail (HANDOFF_IS_CALL_SESSION (self), NULL);
  return self->media;
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
    }
}

const char *
handoff_call_session_get_hold_music (HandoffCallSession *self)
{
  g_return_val_if_fail (HANDOFF_IS_CALL_SESSION (self), NULL);
  return self->hold_music;
}

void
handoff_call_session_set_hold_music (HandoffCallSession *self,
                                     const char         *file)
{
  g_return_if_fail (HANDOFF_IS_CALL_SESSION (self));
  replace_str (&self->hold_music, file && *file ? file : NULL);
}
