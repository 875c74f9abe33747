/* handoff-call-session.c: one call as one party sees it
 *
 * Holds the state the views bind to: who is in the call, what was said, the
 * timers and the state in words. Media goes through HandoffCallMedia; when no
 * media is attached (tests of the logic, or a build without the LiveKit
 * client) the session still follows the server and the data it is given.
 * Following the room is in -room.c, joining and ending the call in -join.c.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "handoff-call"

#include "config.h"

#include <glib/gi18n.h>

#include "handoff-call-session-private.h"
#include "handoff-core-error.h"
#include "handoff-transcript.h"

static GParamSpec *props[N_PROPS];

G_DEFINE_FINAL_TYPE (HandoffCallSession, handoff_call_session, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (HandoffCallState, handoff_call_state,
  G_DEFINE_ENUM_VALUE (HANDOFF_CALL_CONNECTING, "connecting"),
  G_DEFINE_ENUM_VALUE (HANDOFF_CALL_WAITING, "waiting"),
  G_DEFINE_ENUM_VALUE (HANDOFF_CALL_TALKING, "talking"),
  G_DEFINE_ENUM_VALUE (HANDOFF_CALL_ON_HOLD, "on-hold"),
  G_DEFINE_ENUM_VALUE (HANDOFF_CALL_CONSULTING, "consulting"),
  G_DEFINE_ENUM_VALUE (HANDOFF_CALL_THREE_WAY, "three-way"),
  G_DEFINE_ENUM_VALUE (HANDOFF_CALL_RECONNECTING, "reconnecting"),
  G_DEFINE_ENUM_VALUE (HANDOFF_CALL_ENDED, "ended"),
  G_DEFINE_ENUM_VALUE (HANDOFF_CALL_FAILED, "failed"))

void
handoff_call_session_notify (HandoffCallSession     *self,
                             HandoffCallSessionProp  prop)
{
  g_object_notify_by_pspec (G_OBJECT (self), props[prop]);
}

void
handoff_call_session_replace_str (char       **field,
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
        case HANDOFF_CALL_WAITING:
          if (self->agent_away)
            return g_strdup (_("Your agent lost the connection and is coming back — please stay on the line"));
          if (self->agent_dropped)
            return g_strdup (_("The connection to your agent dropped — please stay on the line"));
          return g_strdup (_("Waiting for an agent…"));
        case HANDOFF_CALL_TALKING:
        case HANDOFF_CALL_THREE_WAY:
        case HANDOFF_CALL_ON_HOLD:
        case HANDOFF_CALL_CONSULTING:
          /* Before LiveKit reports the departure (~20 s): the audio stopped. */
          if (self->agent_dropped)
            return g_strdup (_("The connection to your agent dropped — please stay on the line"));
          if (self->state == HANDOFF_CALL_TALKING || self->state == HANDOFF_CALL_THREE_WAY)
            return g_strdup_printf (_("Talking to %s"), agent);
          /* Only a transfer's hold brings in a colleague; a plain hold
           * (the agent's Hold button) is the agent stepping away. */
          if (self->hold_for_transfer)
            return g_strdup (_("On hold — we are bringing in a colleague"));
          return g_strdup (_("On hold — your agent will be right back"));
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

void
handoff_call_session_update_status_text (HandoffCallSession *self)
{
  g_autofree char *text = compute_status_text (self);

  if (g_strcmp0 (text, self->status_text) == 0)
    return;
  g_free (self->status_text);
  self->status_text = g_steal_pointer (&text);
  handoff_call_session_notify (self, PROP_STATUS_TEXT);
}

static gboolean
tick_cb (gpointer user_data)
{
  HandoffCallSession *self = user_data;

  handoff_call_session_notify (self, PROP_DURATION);
  if (self->hold_started_us != 0)
    handoff_call_session_notify (self, PROP_HOLD_SECONDS);
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
      self->started_us = g_get_monotonic_time () - self->answered_before_us;
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

  handoff_call_session_follow_absence (self);
  handoff_call_session_notify (self, PROP_STATE);
  handoff_call_session_notify (self, PROP_HOLD_SECONDS);
  handoff_call_session_update_status_text (self);
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

/* {"state": ..., "agent": ..., "for": "transfer"?} to the caller only. */
static void
send_status (HandoffCallSession *self,
             const char         *state,
             const char         *agent_name,
             gboolean            for_transfer)
{
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  const char *dest[2] = { self->caller_identity, NULL };
  char *text;

  if (self->media == NULL)
    return;
  node = handoff_json_object_node ("state", 's', state, "agent", 's', agent_name, NULL);
  if (for_transfer)
    json_object_set_string_member (json_node_get_object (node), "for", "transfer");
  text = json_to_string (node, FALSE);
  bytes = g_bytes_new_take (text, strlen (text));
  if (!handoff_call_media_send_data (self->media, HANDOFF_TOPIC_STATUS, bytes,
                                     self->caller_identity ? dest : NULL, &error))
    g_message ("Could not tell the caller: %s", error->message);
}

void
handoff_call_session_send_status (HandoffCallSession *self,
                                  const char         *state,
                                  const char         *agent_name)
{
  g_return_if_fail (HANDOFF_IS_CALL_SESSION (self));
  send_status (self, state, agent_name, FALSE);
}

void
handoff_call_session_send_transfer_hold (HandoffCallSession *self)
{
  g_return_if_fail (HANDOFF_IS_CALL_SESSION (self));
  send_status (self, "on_hold", NULL, TRUE);
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
  g_clear_pointer (&self->stalled, g_hash_table_unref);
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
  self->stalled = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
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
  handoff_call_session_update_status_text (self);
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

static JsonObject *
info_caller (HandoffCallSession *self)
{
  JsonNode *caller = json_object_get_member (self->info, "caller");

  return caller != NULL && JSON_NODE_HOLDS_OBJECT (caller) ? json_node_get_object (caller) : NULL;
}

const char *
handoff_call_session_get_caller_id (HandoffCallSession *self)
{
  g_return_val_if_fail (HANDOFF_IS_CALL_SESSION (self), NULL);
  return handoff_json_get_string (self->info, "caller_id",
                                  handoff_json_get_string (info_caller (self), "id", NULL));
}

JsonArray *
handoff_call_session_dup_previous_calls (HandoffCallSession *self)
{
  JsonArray *previous = json_array_new ();
  JsonObject *caller;
  JsonNode *calls;

  g_return_val_if_fail (HANDOFF_IS_CALL_SESSION (self), previous);

  caller = info_caller (self);
  calls = caller != NULL ? json_object_get_member (caller, "previous_calls") : NULL;
  if (calls == NULL || !JSON_NODE_HOLDS_ARRAY (calls))
    return previous;
  /* The server's list includes the call being offered. */
  for (guint i = 0; i < json_array_get_length (json_node_get_array (calls)); i++)
    {
      JsonNode *c = json_array_get_element (json_node_get_array (calls), i);

      if (JSON_NODE_HOLDS_OBJECT (c)
          && g_strcmp0 (handoff_json_get_string (json_node_get_object (c), "id", NULL),
                        self->call_id) != 0)
        json_array_add_element (previous, json_node_copy (c));
    }
  return previous;
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
  handoff_call_session_notify (self, PROP_MUTED);
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
  handoff_call_session_notify (self, PROP_ON_HOLD);
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
  handoff_call_session_replace_str (&self->hold_music, file && *file ? file : NULL);
}
