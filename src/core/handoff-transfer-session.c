/* handoff-transfer-session.c: one warm transfer, from A's or B's side
 *
 * The server is the source of truth: a user action is applied once the
 * server confirmed it, and server events move the state too (B accepted,
 * declined, timed out, the caller hung up). Every state has one media
 * configuration (handoff_transfer_compute_audience) which is applied on
 * entry, so whatever path led to a state, the SFU enforces the same privacy.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "handoff-transfer"

#include "config.h"

#include <glib/gi18n.h>

#include "handoff-core-error.h"
#include "handoff-transfer-session-private.h"

static GParamSpec *props[N_PROPS];

G_DEFINE_FINAL_TYPE (HandoffTransferSession, handoff_transfer_session, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (HandoffTransferState, handoff_transfer_state,
  G_DEFINE_ENUM_VALUE (HANDOFF_TRANSFER_IDLE, "idle"),
  G_DEFINE_ENUM_VALUE (HANDOFF_TRANSFER_OFFERED, "offered"),
  G_DEFINE_ENUM_VALUE (HANDOFF_TRANSFER_CONSULTING, "consulting"),
  G_DEFINE_ENUM_VALUE (HANDOFF_TRANSFER_THREE_WAY, "three-way"),
  G_DEFINE_ENUM_VALUE (HANDOFF_TRANSFER_COMPLETED, "completed"),
  G_DEFINE_ENUM_VALUE (HANDOFF_TRANSFER_ENDED, "ended"))

void
handoff_transfer_session_notify (HandoffTransferSession     *self,
                                 HandoffTransferSessionProp  prop)
{
  g_object_notify_by_pspec (G_OBJECT (self), props[prop]);
}

void
handoff_transfer_session_update_text (HandoffTransferSession *self)
{
  const char *peer = self->peer_name ? self->peer_name : _("your colleague");
  g_autofree char *text = NULL;

  switch (self->state)
    {
    case HANDOFF_TRANSFER_IDLE:
      text = self->role == HANDOFF_TRANSFER_ROLE_TARGET
             ? g_strdup_printf (_("%s wants to transfer a call to you"), peer)
             : g_strdup (_("Choose a colleague"));
      break;
    case HANDOFF_TRANSFER_OFFERED:
      text = self->role == HANDOFF_TRANSFER_ROLE_INITIATOR
             ? g_strdup_printf (_("Waiting for %s to accept"), peer)
             : g_strdup_printf (_("%s wants to transfer a call to you"), peer);
      break;
    case HANDOFF_TRANSFER_CONSULTING:
      text = self->peer_ready && self->role == HANDOFF_TRANSFER_ROLE_INITIATOR
             ? g_strdup_printf (_("%s has read the briefing and is ready"), peer)
             : g_strdup_printf (_("Consulting privately with %s"), peer);
      break;
    case HANDOFF_TRANSFER_THREE_WAY:
      text = g_strdup (_("Three-way call"));
      break;
    case HANDOFF_TRANSFER_COMPLETED:
      text = self->role == HANDOFF_TRANSFER_ROLE_INITIATOR
             ? g_strdup_printf (_("Transferred to %s"), peer)
             : g_strdup (_("The call is yours"));
      break;
    case HANDOFF_TRANSFER_ENDED:
      /* Each side in its own words: B declined, A was declined. */
      if (g_strcmp0 (self->outcome, "declined") == 0)
        text = self->role == HANDOFF_TRANSFER_ROLE_INITIATOR
               ? g_strdup_printf (_("%s declined the transfer"), peer)
               : g_strdup (_("You declined the transfer"));
      else if (g_strcmp0 (self->outcome, "no_answer") == 0)
        text = self->role == HANDOFF_TRANSFER_ROLE_INITIATOR
               ? g_strdup_printf (_("%s did not answer"), peer)
               : g_strdup_printf (_("The transfer from %s was not answered in time"), peer);
      else if (g_strcmp0 (self->outcome, "caller_abandoned") == 0)
        text = g_strdup (_("The caller hung up"));
      else if (g_strcmp0 (self->outcome, "cancelled") == 0)
        text = self->role == HANDOFF_TRANSFER_ROLE_INITIATOR
               ? g_strdup (_("Transfer cancelled"))
               : g_strdup_printf (_("%s cancelled the transfer"), peer);
      else
        text = g_strdup_printf (_("Transfer failed (%s)"), self->outcome ? self->outcome : "?");
      break;
    default:
      g_assert_not_reached ();
    }
  if (g_strcmp0 (text, self->status_text) != 0)
    {
      g_free (self->status_text);
      self->status_text = g_steal_pointer (&text);
      handoff_transfer_session_notify (self, PROP_STATUS_TEXT);
    }
}
void
handoff_transfer_session_enter_state (HandoffTransferSession *self,
                                      HandoffTransferState    state)
{
  g_autoptr(HandoffTransferSession) keep = NULL;
  HandoffCallState call_state = HANDOFF_CALL_TALKING;

  if (self->state == state)
    return;
  /* A handler may drop the last reference while we still notify. */
  keep = g_object_ref (self);
  /* Terminal states stay. */
  if (self->state == HANDOFF_TRANSFER_COMPLETED || self->state == HANDOFF_TRANSFER_ENDED)
    return;
  self->state = state;
  /* Before anyone hears of the new state: a handler reads the text (the
   * window's toast at the end of a transfer). */
  handoff_transfer_session_update_text (self);
  handoff_transfer_session_apply_media (self);

  if (self->call != NULL)
    {
      switch (state)
        {
        case HANDOFF_TRANSFER_IDLE: call_state = handoff_call_session_get_state (self->call); break;
        case HANDOFF_TRANSFER_OFFERED: call_state = HANDOFF_CALL_ON_HOLD; break;
        case HANDOFF_TRANSFER_CONSULTING: call_state = HANDOFF_CALL_CONSULTING; break;
        case HANDOFF_TRANSFER_THREE_WAY: call_state = HANDOFF_CALL_THREE_WAY; break;
        case HANDOFF_TRANSFER_COMPLETED:
          call_state = self->role == HANDOFF_TRANSFER_ROLE_INITIATOR ? HANDOFF_CALL_ENDED : HANDOFF_CALL_TALKING;
          break;
        case HANDOFF_TRANSFER_ENDED:
          call_state = self->role == HANDOFF_TRANSFER_ROLE_INITIATOR ? HANDOFF_CALL_TALKING : HANDOFF_CALL_ENDED;
          break;
        default:
          g_assert_not_reached ();
        }

      /* What the caller's window says. A tells; B only after it owns the call. */
      if (self->role == HANDOFF_TRANSFER_ROLE_INITIATOR)
        {
          if (state == HANDOFF_TRANSFER_OFFERED)
            handoff_call_session_send_transfer_hold (self->call);
          else if (state == HANDOFF_TRANSFER_THREE_WAY || state == HANDOFF_TRANSFER_COMPLETED)
            handoff_call_session_send_status (self->call, "talking", self->peer_name);
          else if (state == HANDOFF_TRANSFER_ENDED)
            handoff_call_session_send_status (self->call, "talking", NULL);
        }

      if (call_state == HANDOFF_CALL_ENDED)
        handoff_call_session_end (self->call, state == HANDOFF_TRANSFER_COMPLETED ? "transferred" : self->outcome);
      else
        handoff_call_session_set_state (self->call, call_state);
    }
  if (!handoff_transfer_session_is_active (self) && self->call)
    g_object_set_data (G_OBJECT (self->call), HANDOFF_ACTIVE_TRANSFER_KEY, NULL);

  handoff_transfer_session_notify (self, PROP_STATE);
}

void
handoff_transfer_session_end_with (HandoffTransferSession *self,
                                   const char             *outcome)
{
  if (!handoff_transfer_session_is_active (self) && self->state != HANDOFF_TRANSFER_IDLE)
    return;
  if (self->outcome == NULL)
    {
      self->outcome = g_strdup (outcome);
      handoff_transfer_session_notify (self, PROP_OUTCOME);
    }
  handoff_transfer_session_enter_state (self, HANDOFF_TRANSFER_ENDED);
}
/* ---- GObject ---- */

static void
handoff_transfer_session_get_property (GObject    *object,
                                       guint       prop_id,
                                       GValue     *value,
                                       GParamSpec *pspec)
{
  HandoffTransferSession *self = HANDOFF_TRANSFER_SESSION (object);

  switch (prop_id)
    {
    case PROP_STATE: g_value_set_enum (value, self->state); break;
    case PROP_OUTCOME: g_value_set_string (value, self->outcome); break;
    case PROP_STATUS_TEXT: g_value_set_string (value, self->status_text); break;
    case PROP_PEER_NAME: g_value_set_string (value, self->peer_name); break;
    case PROP_PEER_READY: g_value_set_boolean (value, self->peer_ready); break;
    case PROP_SUMMARY: g_value_set_string (value, self->summary); break;
    case PROP_URGENT: g_value_set_boolean (value, self->urgent); break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
handoff_transfer_session_finalize (GObject *object)
{
  HandoffTransferSession *self = HANDOFF_TRANSFER_SESSION (object);

  if (self->call && g_object_get_data (G_OBJECT (self->call), HANDOFF_ACTIVE_TRANSFER_KEY) == self)
    g_object_set_data (G_OBJECT (self->call), HANDOFF_ACTIVE_TRANSFER_KEY, NULL);
  g_clear_object (&self->client);
  g_clear_object (&self->call);
  g_clear_pointer (&self->offer, json_object_unref);
  g_free (self->id);
  g_free (self->peer_id);
  g_free (self->peer_name);
  g_free (self->peer_identity);
  g_free (self->summary);
  g_free (self->outcome);
  g_free (self->status_text);
  g_free (self->media_error);
  g_clear_pointer (&self->summary_json, json_node_unref);
  G_OBJECT_CLASS (handoff_transfer_session_parent_class)->finalize (object);
}

static void
handoff_transfer_session_class_init (HandoffTransferSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->get_property = handoff_transfer_session_get_property;
  object_class->finalize = handoff_transfer_session_finalize;

  props[PROP_STATE] = g_param_spec_enum ("state", NULL, NULL, HANDOFF_TYPE_TRANSFER_STATE,
                                         HANDOFF_TRANSFER_IDLE, ro);
  props[PROP_OUTCOME] = g_param_spec_string ("outcome", NULL, NULL, NULL, ro);
  props[PROP_STATUS_TEXT] = g_param_spec_string ("status-text", NULL, NULL, NULL, ro);
  props[PROP_PEER_NAME] = g_param_spec_string ("peer-name", NULL, NULL, NULL, ro);
  props[PROP_PEER_READY] = g_param_spec_boolean ("peer-ready", NULL, NULL, FALSE, ro);
  props[PROP_SUMMARY] = g_param_spec_string ("summary", NULL, NULL, NULL, ro);
  props[PROP_URGENT] = g_param_spec_boolean ("urgent", NULL, NULL, FALSE, ro);
  g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
handoff_transfer_session_init (HandoffTransferSession *self)
{
}

HandoffTransferSession *
handoff_transfer_session_new_outgoing (HandoffServerClient *client,
                                       HandoffCallSession  *call)
{
  HandoffTransferSession *self;

  g_return_val_if_fail (HANDOFF_IS_SERVER_CLIENT (client), NULL);
  g_return_val_if_fail (HANDOFF_IS_CALL_SESSION (call), NULL);

  self = g_object_new (HANDOFF_TYPE_TRANSFER_SESSION, NULL);
  self->client = g_object_ref (client);
  self->call = g_object_ref (call);
  self->role = HANDOFF_TRANSFER_ROLE_INITIATOR;
  handoff_transfer_session_update_text (self);
  return self;
}

HandoffTransferSession *
handoff_transfer_session_new_incoming (HandoffServerClient *client,
                                       JsonObject          *offer)
{
  HandoffTransferSession *self;
  JsonObject *from = NULL;
  const char *from_id;

  g_return_val_if_fail (HANDOFF_IS_SERVER_CLIENT (client), NULL);
  g_return_val_if_fail (offer != NULL, NULL);

  self = g_object_new (HANDOFF_TYPE_TRANSFER_SESSION, NULL);
  self->client = g_object_ref (client);
  self->role = HANDOFF_TRANSFER_ROLE_TARGET;
  self->offer = json_object_ref (offer);
  self->id = g_strdup (handoff_json_get_string (offer, "id", handoff_json_get_string (offer, "transfer_id", NULL)));
  if (json_object_has_member (offer, "from") && JSON_NODE_HOLDS_OBJECT (json_object_get_member (offer, "from")))
    from = json_object_get_object_member (offer, "from");
  from_id = handoff_json_get_string (offer, "from_agent_id", handoff_json_get_string (from, "id", NULL));
  self->peer_id = g_strdup (from_id);
  self->peer_name = g_strdup (handoff_json_get_string (from, "display_name",
                              handoff_json_get_string (offer, "from_name", from_id)));
  self->peer_identity = g_strdup (handoff_json_get_string (from, "identity", NULL));
  if (self->peer_identity == NULL && from_id != NULL)
    self->peer_identity = g_strdup_printf ("agent-%s", from_id);
  if (json_object_has_member (offer, "summary") && JSON_NODE_HOLDS_OBJECT (json_object_get_member (offer, "summary")))
    self->summary = g_strdup (handoff_json_get_string (json_object_get_object_member (offer, "summary"), "text", ""));
  else
    self->summary = g_strdup (handoff_json_get_string (offer, "summary", ""));
  self->urgent = json_object_get_boolean_member_with_default (offer, "urgent", FALSE);
  self->call = handoff_call_session_new (client, HANDOFF_CALL_ROLE_AGENT, offer);
  self->state = HANDOFF_TRANSFER_OFFERED;
  handoff_transfer_session_update_text (self);
  return self;
}

HandoffTransferRole
handoff_transfer_session_get_role (HandoffTransferSession *self)
{
  g_return_val_if_fail (HANDOFF_IS_TRANSFER_SESSION (self), 0);
  return self->role;
}

HandoffTransferState
handoff_transfer_session_get_state (HandoffTransferSession *self)
{
  g_return_val_if_fail (HANDOFF_IS_TRANSFER_SESSION (self), HANDOFF_TRANSFER_ENDED);
  return self->state;
}

const char *
handoff_transfer_session_get_id (HandoffTransferSession *self)
{
  g_return_val_if_fail (HANDOFF_IS_TRANSFER_SESSION (self), NULL);
  return self->id;
}

const char *
handoff_transfer_session_get_outcome (HandoffTransferSession *self)
{
  g_return_val_if_fail (HANDOFF_IS_TRANSFER_SESSION (self), NULL);
  return self->outcome;
}

const char *
handoff_transfer_session_get_status_text (HandoffTransferSession *self)
{
  g_return_val_if_fail (HANDOFF_IS_TRANSFER_SESSION (self), NULL);
  return self->status_text;
}

HandoffCallSession *
handoff_transfer_session_get_call (HandoffTransferSession *self)
{
  g_return_val_if_fail (HANDOFF_IS_TRANSFER_SESSION (self), NULL);
  return self->call;
}

const char *
handoff_transfer_session_get_summary (HandoffTransferSession *self)
{
  g_return_val_if_fail (HANDOFF_IS_TRANSFER_SESSION (self), NULL);
  return self->summary;
}

const char *
handoff_transfer_session_get_peer_name (HandoffTransferSession *self)
{
  g_return_val_if_fail (HANDOFF_IS_TRANSFER_SESSION (self), NULL);
  return self->peer_name;
}

const char *
handoff_transfer_session_get_peer_identity (HandoffTransferSession *self)
{
  g_return_val_if_fail (HANDOFF_IS_TRANSFER_SESSION (self), NULL);
  return self->peer_identity;
}

gboolean
handoff_transfer_session_get_urgent (HandoffTransferSession *self)
{
  g_return_val_if_fail (HANDOFF_IS_TRANSFER_SESSION (self), FALSE);
  return self->urgent;
}

gboolean
handoff_transfer_session_get_peer_ready (HandoffTransferSession *self)
{
  g_return_val_if_fail (HANDOFF_IS_TRANSFER_SESSION (self), FALSE);
  return self->peer_ready;
}

gboolean
handoff_transfer_session_is_active (HandoffTransferSession *self)
{
  g_return_val_if_fail (HANDOFF_IS_TRANSFER_SESSION (self), FALSE);
  return self->state == HANDOFF_TRANSFER_OFFERED || self->state == HANDOFF_TRANSFER_CONSULTING ||
         self->state == HANDOFF_TRANSFER_THREE_WAY;
}

void
handoff_transfer_session_set_peer (HandoffTransferSession *self,
                                   const char             *name,
                                   const char             *identity)
{
  g_return_if_fail (HANDOFF_IS_TRANSFER_SESSION (self));
  if (name != NULL && g_strcmp0 (name, self->peer_name) != 0)
    {
      g_free (self->peer_name);
      self->peer_name = g_strdup (name);
      handoff_transfer_session_notify (self, PROP_PEER_NAME);
      handoff_transfer_session_update_text (self);
    }
  if (identity != NULL && g_strcmp0 (identity, self->peer_identity) != 0)
    {
      g_free (self->peer_identity);
      self->peer_identity = g_strdup (identity);
      handoff_transfer_session_apply_media (self);
    }
}

const char *
handoff_transfer_session_get_peer_id (HandoffTransferSession *self)
{
  g_return_val_if_fail (HANDOFF_IS_TRANSFER_SESSION (self), NULL);
  return self->peer_id;
}

JsonObject *
handoff_transfer_session_get_offer (HandoffTransferSession *self)
{
  g_return_val_if_fail (HANDOFF_IS_TRANSFER_SESSION (self), NULL);
  return self->offer;
}
