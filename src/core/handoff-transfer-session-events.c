/* handoff-transfer-session-events.c: the server's events move the transfer
 *
 * The server is the source of truth: B accepted, declined or timed out, the
 * caller hung up, an agent's app left. Events are applied idempotently, and
 * an action's answer goes through the same mapping, since events may
 * overtake it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "handoff-transfer"

#include "config.h"

#include <glib/gi18n.h>

#include "handoff-core-error.h"
#include "handoff-transfer-session-private.h"

JsonObject *
handoff_transfer_object_of (JsonObject *data)
{
  JsonNode *t = data ? json_object_get_member (data, "transfer") : NULL;

  if (t != NULL && JSON_NODE_HOLDS_OBJECT (t))
    return json_node_get_object (t);
  return data;
}

/* The server's transfer states onto ours (see openapi.yaml: offered,
 * accepted, consulting, connected, then the outcome). In `accepted` B has
 * joined privately and A and B can talk; `consulting` means B pressed Ready
 * (the briefing is read), which is when A may Connect. */
void
handoff_transfer_session_apply_server_state (HandoffTransferSession *self,
                                             const char             *state,
                                             JsonObject             *transfer)
{
  if (state == NULL)
    return;
  if (g_str_equal (state, "offered"))
    return;
  if (g_str_equal (state, "accepted") || g_str_equal (state, "consulting"))
    {
      if (self->state == HANDOFF_TRANSFER_OFFERED)
        handoff_transfer_session_enter_state (self, HANDOFF_TRANSFER_CONSULTING);
      if (g_str_equal (state, "consulting") && !self->peer_ready)
        {
          self->peer_ready = TRUE;
          handoff_transfer_session_notify (self, PROP_PEER_READY);
          handoff_transfer_session_update_text (self);
        }
      return;
    }
  if (g_str_equal (state, "connected"))
    {
      if (self->state == HANDOFF_TRANSFER_OFFERED || self->state == HANDOFF_TRANSFER_CONSULTING)
        {
          handoff_transfer_session_enter_state (self, HANDOFF_TRANSFER_THREE_WAY);
          /* B: our grant is open now; the server re-subscribes the caller. */
          if (self->role == HANDOFF_TRANSFER_ROLE_TARGET && self->id != NULL)
            {
              g_autofree char *path = g_strdup_printf (HANDOFF_PATH_TRANSFERS "/%s/ready", self->id);
              handoff_server_client_request_async (self->client, "POST", path, NULL, NULL, NULL, NULL);
            }
        }
      return;
    }
  if (g_str_equal (state, "completed"))
    {
      if (self->outcome == NULL)
        self->outcome = g_strdup ("completed");
      handoff_transfer_session_enter_state (self, HANDOFF_TRANSFER_COMPLETED);
      return;
    }
  handoff_transfer_session_end_with (self, state);
}

gboolean
handoff_transfer_session_handle_event (HandoffTransferSession *self,
                                       const char             *type,
                                       JsonObject             *data)
{
  JsonObject *transfer;
  const char *id, *state;

  g_return_val_if_fail (HANDOFF_IS_TRANSFER_SESSION (self), FALSE);
  g_return_val_if_fail (type != NULL, FALSE);

  if (g_str_equal (type, "call_ended"))
    {
      JsonObject *call = data;
      if (data && json_object_has_member (data, "call") &&
          JSON_NODE_HOLDS_OBJECT (json_object_get_member (data, "call")))
        call = json_object_get_object_member (data, "call");
      /* The caller left during the transfer. */
      if (self->call && handoff_transfer_session_is_active (self) &&
          g_strcmp0 (handoff_json_get_string (call, "id", handoff_json_get_string (call, "call_id", NULL)),
                     handoff_call_session_get_call_id (self->call)) == 0)
        {
          handoff_transfer_session_end_with (self, "caller_abandoned");
          return TRUE;
        }
      return FALSE;
    }
  if (!g_str_has_prefix (type, "transfer_"))
    return FALSE;
  transfer = handoff_transfer_object_of (data);
  id = handoff_json_get_string (transfer, "id", handoff_json_get_string (transfer, "transfer_id", NULL));
  if (id == NULL || g_strcmp0 (id, self->id) != 0)
    return FALSE;

  state = handoff_json_get_string (transfer, "state", NULL);
  if (state == NULL)
    {
      /* An event without the transfer's state: its type says it. */
      const char *what = type + strlen ("transfer_");
      if (g_str_equal (what, "ready"))
        state = "consulting";
      else if (g_str_equal (what, "ended"))
        state = handoff_json_get_string (transfer, "outcome", "failed");
      else
        state = what;
    }
  if (g_str_equal (state, "failed") && handoff_json_get_string (transfer, "failure_reason", NULL))
    {
      g_autofree char *o = g_strdup_printf ("failed:%s", handoff_json_get_string (transfer, "failure_reason", NULL));
      handoff_transfer_session_end_with (self, o);
      return TRUE;
    }
  handoff_transfer_session_apply_server_state (self, state, transfer);
  return TRUE;
}
