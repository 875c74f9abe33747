/* handoff-transfer-session-actions.c: what A and B do in a transfer
 *
 * A sends, connects, completes or cancels; B accepts, declines and says it
 * is ready; either rates the summary afterwards. Each action is refused
 * locally when this side may not do it in this state, and applied once the
 * server confirmed it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "handoff-transfer"

#include "config.h"

#include <glib/gi18n.h>

#include "handoff-core-error.h"
#include "handoff-transfer-session-private.h"

typedef void (*ActionDone) (HandoffTransferSession *self,
                            JsonObject             *answer,
                            GTask                  *task);
typedef void (*ActionUndo) (HandoffTransferSession *self);

/* What follows the server's answer to an action. */
typedef struct {
  ActionDone done;   /* confirmed (may still return an error on the task) */
  ActionUndo undo;   /* refused: take back what was done ahead of it */
} ActionSteps;

static void
on_action_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  HandoffTransferSession *self = g_task_get_source_object (task);
  const ActionSteps *steps = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;

  root = handoff_server_client_request_finish (HANDOFF_SERVER_CLIENT (source), result, &error);
  if (error != NULL)
    {
      if (steps != NULL && steps->undo != NULL)
        steps->undo (self);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (steps != NULL && steps->done != NULL)
    steps->done (self, root && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL, task);
  if (!g_task_get_completed (task) && !g_task_had_error (task))
    g_task_return_boolean (task, TRUE);
}

/* POSTs `path` for a task made by action_task() and takes it over. */
static void
post_request (HandoffTransferSession *self,
              GTask                  *task,
              const char             *path,
              JsonNode               *body,
              const ActionSteps      *steps)
{
  g_task_set_task_data (task, (gpointer) steps, NULL);
  handoff_server_client_request_async (self->client, "POST", path, body,
                                       g_task_get_cancellable (task), on_action_done, task);
}

/* POSTs /transfers/{id}/<verb>; takes the task over. */
static void
post_action (HandoffTransferSession *self,
             GTask                  *task,
             const char             *verb,
             JsonNode               *body,
             const ActionSteps      *steps)
{
  g_autofree char *path = NULL;

  if (self->id == NULL)
    {
      g_task_return_new_error (task, HANDOFF_TRANSFER_ERROR, HANDOFF_TRANSFER_ERROR_WRONG_STATE,
                               _("The transfer has not been sent yet"));
      g_object_unref (task);
      return;
    }
  path = g_strdup_printf (HANDOFF_PATH_TRANSFERS "/%s/%s", self->id, verb);
  post_request (self, task, path, body, steps);
}

/* A task for an action, or NULL (the error already returned) when this side
 * may not do it in this state. allowed_mask is a set of M (state). */
static GTask *
action_task (HandoffTransferSession *self,
             gpointer                source_tag,
             HandoffTransferRole     role,
             guint                   allowed_mask,
             GCancellable           *cancellable,
             GAsyncReadyCallback     callback,
             gpointer                user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  if (self->role == role && (allowed_mask & (1u << self->state)))
    return task;
  g_task_return_new_error (task, HANDOFF_TRANSFER_ERROR, HANDOFF_TRANSFER_ERROR_WRONG_STATE,
                           _("Not possible at this step of the transfer"));
  g_object_unref (task);
  return NULL;
}

#define M(s) (1u << (HANDOFF_TRANSFER_##s))

/* The actions that are only a POST once this side may do them. */
static void
checked_action (HandoffTransferSession *self,
                gpointer                source_tag,
                HandoffTransferRole     role,
                guint                   allowed_mask,
                const char             *verb,
                const ActionSteps      *steps,
                GCancellable           *cancellable,
                GAsyncReadyCallback     callback,
                gpointer                user_data)
{
  GTask *task = action_task (self, source_tag, role, allowed_mask, cancellable, callback, user_data);

  if (task != NULL)
    post_action (self, task, verb, NULL, steps);
}

static JsonNode *
transcript_json (HandoffCallSession *call)
{
  GListModel *model = handoff_call_session_get_transcript (call);
  g_autoptr(JsonBuilder) b = json_builder_new ();
  guint n = g_list_model_get_n_items (model);

  json_builder_begin_array (b);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(HandoffSegment) seg = g_list_model_get_item (model, i);
      if (!handoff_segment_get_final (seg))
        continue;
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "speaker");
      json_builder_add_string_value (b, handoff_segment_get_speaker (seg));
      json_builder_set_member_name (b, "text");
      json_builder_add_string_value (b, handoff_segment_get_text (seg));
      json_builder_set_member_name (b, "time");
      json_builder_add_double_value (b, handoff_segment_get_start_ms (seg) / 1000.0);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  return json_builder_get_root (b);
}

static void
send_undo (HandoffTransferSession *self)
{
  g_object_set_data (G_OBJECT (self->call), HANDOFF_ACTIVE_TRANSFER_KEY, NULL);
}

static void
sent_done (HandoffTransferSession *self,
           JsonObject             *answer,
           GTask                  *task)
{
  JsonObject *transfer = handoff_transfer_object_of (answer);
  const char *id = handoff_json_get_string (transfer, "id", NULL);

  if (id == NULL)
    {
      send_undo (self);
      g_task_return_new_error (task, HANDOFF_API_ERROR, HANDOFF_API_ERROR_PROTOCOL,
                               _("The server did not record the transfer"));
      return;
    }
  self->id = g_strdup (id);
  handoff_transfer_session_enter_state (self, HANDOFF_TRANSFER_OFFERED);
  /* Events may have overtaken the answer. */
  handoff_transfer_session_apply_server_state (self, handoff_json_get_string (transfer, "state", NULL), transfer);
}

static const ActionSteps send_steps = { sent_done, send_undo };

/* The structured summary (key facts, next steps...) with the agent's text. */
static JsonNode *
summary_node (HandoffTransferSession *self)
{
  JsonNode *node;

  if (self->summary_json == NULL || !JSON_NODE_HOLDS_OBJECT (self->summary_json))
    return handoff_json_object_node ("text", 's', self->summary, NULL);
  node = json_node_copy (self->summary_json);
  json_object_set_string_member (json_node_get_object (node), "text", self->summary);
  return node;
}

void
handoff_transfer_session_set_summary_json (HandoffTransferSession *self,
                                           JsonNode               *summary)
{
  g_return_if_fail (HANDOFF_IS_TRANSFER_SESSION (self));
  g_clear_pointer (&self->summary_json, json_node_unref);
  if (summary)
    self->summary_json = json_node_copy (summary);
}

void
handoff_transfer_session_send_async (HandoffTransferSession *self,
                                     const char             *target_id,
                                     const char             *target_identity,
                                     const char             *target_name,
                                     gboolean                urgent,
                                     const char             *summary,
                                     GCancellable           *cancellable,
                                     GAsyncReadyCallback     callback,
                                     gpointer                user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(JsonNode) body = NULL;
  gpointer running;

  g_return_if_fail (HANDOFF_IS_TRANSFER_SESSION (self));

  task = action_task (self, handoff_transfer_session_send_async, HANDOFF_TRANSFER_ROLE_INITIATOR,
                      M (IDLE), cancellable, callback, user_data);
  if (task == NULL)
    return;
  if (target_id == NULL || target_id[0] == '\0')
    {
      g_task_return_new_error (task, HANDOFF_TRANSFER_ERROR, HANDOFF_TRANSFER_ERROR_NO_TARGET,
                               _("Choose a colleague to transfer to"));
      return;
    }
  running = g_object_get_data (G_OBJECT (self->call), HANDOFF_ACTIVE_TRANSFER_KEY);
  if (running != NULL && running != self)
    {
      g_task_return_new_error (task, HANDOFF_TRANSFER_ERROR, HANDOFF_TRANSFER_ERROR_BUSY,
                               _("A transfer of this call is already running; finish or cancel it first"));
      return;
    }
  if (handoff_call_session_get_state (self->call) != HANDOFF_CALL_TALKING &&
      handoff_call_session_get_state (self->call) != HANDOFF_CALL_ON_HOLD)
    {
      g_task_return_new_error (task, HANDOFF_TRANSFER_ERROR, HANDOFF_TRANSFER_ERROR_WRONG_STATE,
                               _("Only a call in progress can be transferred"));
      return;
    }
  g_object_set_data (G_OBJECT (self->call), HANDOFF_ACTIVE_TRANSFER_KEY, self);

  g_free (self->peer_id);
  self->peer_id = g_strdup (target_id);
  g_free (self->peer_name);
  self->peer_name = g_strdup (target_name ? target_name : target_id);
  g_free (self->peer_identity);
  self->peer_identity = target_identity ? g_strdup (target_identity) : g_strdup_printf ("agent-%s", target_id);
  g_free (self->summary);
  self->summary = g_strdup (summary ? summary : "");
  self->urgent = urgent;
  handoff_transfer_session_notify (self, PROP_PEER_NAME);
  handoff_transfer_session_notify (self, PROP_SUMMARY);

  body = handoff_json_object_node ("call_id", 's', handoff_call_session_get_call_id (self->call),
                                   "target_agent_id", 's', target_id,
                                   "urgent", 'b', urgent,
                                   "summary", 'n', summary_node (self),
                                   "transcript", 'n', transcript_json (self->call),
                                   NULL);
  post_request (self, g_steal_pointer (&task), HANDOFF_PATH_TRANSFERS, body, &send_steps);
}

static void
connected_done (HandoffTransferSession *self,
                JsonObject             *answer,
                GTask                  *task)
{
  handoff_transfer_session_enter_state (self, HANDOFF_TRANSFER_THREE_WAY);
}

/* Connect failed: back to agents only. */
static const ActionSteps connect_steps = { connected_done, handoff_transfer_session_apply_media };

void
handoff_transfer_session_connect_async (HandoffTransferSession *self,
                                        GCancellable           *cancellable,
                                        GAsyncReadyCallback     callback,
                                        gpointer                user_data)
{
  g_autoptr(GTask) task = NULL;
  HandoffCallMedia *media;

  g_return_if_fail (HANDOFF_IS_TRANSFER_SESSION (self));
  task = action_task (self, handoff_transfer_session_connect_async, HANDOFF_TRANSFER_ROLE_INITIATOR,
                      M (CONSULTING), cancellable, callback, user_data);
  if (task == NULL)
    return;
  if (!self->peer_ready)
    {
      g_task_return_new_error (task, HANDOFF_TRANSFER_ERROR, HANDOFF_TRANSFER_ERROR_WRONG_STATE,
                               _("Wait until %s is ready"), self->peer_name);
      return;
    }
  /* The server wants A's grant open before connect. */
  media = handoff_call_session_get_media (self->call);
  if (media != NULL)
    {
      g_autoptr(GError) error = NULL;
      if (!handoff_call_media_set_hold_music (media, NULL, NULL, &error) ||
          !handoff_call_media_set_mic_audience (media, TRUE, NULL, &error))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
    }
  post_action (self, g_steal_pointer (&task), "connect", NULL, &connect_steps);
}

static void
completed_done (HandoffTransferSession *self,
                JsonObject             *answer,
                GTask                  *task)
{
  if (self->outcome == NULL)
    self->outcome = g_strdup ("completed");
  handoff_transfer_session_enter_state (self, HANDOFF_TRANSFER_COMPLETED);
}

static const ActionSteps completed_steps = { completed_done, NULL };

void
handoff_transfer_session_complete_async (HandoffTransferSession *self,
                                         GCancellable           *cancellable,
                                         GAsyncReadyCallback     callback,
                                         gpointer                user_data)
{
  g_return_if_fail (HANDOFF_IS_TRANSFER_SESSION (self));
  checked_action (self, handoff_transfer_session_complete_async, HANDOFF_TRANSFER_ROLE_INITIATOR,
                  M (CONSULTING) | M (THREE_WAY), "complete", &completed_steps, cancellable, callback, user_data);
}

static void
cancelled_done (HandoffTransferSession *self,
                JsonObject             *answer,
                GTask                  *task)
{
  handoff_transfer_session_end_with (self, "cancelled");
}

static const ActionSteps cancelled_steps = { cancelled_done, NULL };

void
handoff_transfer_session_cancel_async (HandoffTransferSession *self,
                                       GCancellable           *cancellable,
                                       GAsyncReadyCallback     callback,
                                       gpointer                user_data)
{
  GTask *task;

  g_return_if_fail (HANDOFF_IS_TRANSFER_SESSION (self));
  task = action_task (self, handoff_transfer_session_cancel_async, HANDOFF_TRANSFER_ROLE_INITIATOR,
                      M (IDLE) | M (OFFERED) | M (CONSULTING) | M (THREE_WAY),
                      cancellable, callback, user_data);
  if (task == NULL)
    return;
  if (self->state == HANDOFF_TRANSFER_IDLE)
    {
      /* Nothing sent yet: nothing to tell the server. */
      handoff_transfer_session_end_with (self, "cancelled");
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }
  post_action (self, task, "cancel", NULL, &cancelled_steps);
}

static void
on_target_joined (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  HandoffTransferSession *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;

  if (!handoff_call_session_join_finish (HANDOFF_CALL_SESSION (source), result, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  handoff_transfer_session_enter_state (self, HANDOFF_TRANSFER_CONSULTING);
  g_task_return_boolean (task, TRUE);
}

static void
on_accept_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  HandoffTransferSession *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *obj;
  HandoffCallMedia *media;

  root = handoff_server_client_request_finish (HANDOFF_SERVER_CLIENT (source), result, &error);
  if (error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  obj = root && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  /* B joins private: permissions before anything is published. */
  media = handoff_call_session_get_media (self->call);
  if (media != NULL)
    {
      g_auto(GStrv) allowed = NULL;
      g_auto(GStrv) music = NULL;
      gboolean all;

      handoff_transfer_compute_audience (self->role, HANDOFF_TRANSFER_CONSULTING, NULL,
                                         self->peer_identity, &all, &allowed, &music);
      handoff_call_media_set_mic_audience (media, all, (const char * const *) allowed, NULL);
    }
  handoff_call_session_join_async (self->call,
                                   handoff_json_get_string (obj, "livekit_url", handoff_json_get_string (obj, "url", NULL)),
                                   handoff_json_get_string (obj, "token", NULL),
                                   g_task_get_cancellable (task), on_target_joined, g_object_ref (task));
}

void
handoff_transfer_session_accept_async (HandoffTransferSession *self,
                                       HandoffCallMedia       *media,
                                       GCancellable           *cancellable,
                                       GAsyncReadyCallback     callback,
                                       gpointer                user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *path = NULL;

  g_return_if_fail (HANDOFF_IS_TRANSFER_SESSION (self));
  task = action_task (self, handoff_transfer_session_accept_async, HANDOFF_TRANSFER_ROLE_TARGET,
                      M (OFFERED), cancellable, callback, user_data);
  if (task == NULL)
    return;
  if (media != NULL)
    handoff_call_session_set_media (self->call, media);
  path = g_strdup_printf (HANDOFF_PATH_TRANSFERS "/%s/accept", self->id);
  handoff_server_client_request_async (self->client, "POST", path, NULL, cancellable,
                                       on_accept_done, g_steal_pointer (&task));
}

static void
declined_done (HandoffTransferSession *self,
               JsonObject             *answer,
               GTask                  *task)
{
  handoff_transfer_session_end_with (self, "declined");
}

static const ActionSteps declined_steps = { declined_done, NULL };

void
handoff_transfer_session_decline_async (HandoffTransferSession *self,
                                        GCancellable           *cancellable,
                                        GAsyncReadyCallback     callback,
                                        gpointer                user_data)
{
  g_return_if_fail (HANDOFF_IS_TRANSFER_SESSION (self));
  checked_action (self, handoff_transfer_session_decline_async, HANDOFF_TRANSFER_ROLE_TARGET,
                  M (OFFERED), "decline", &declined_steps, cancellable, callback, user_data);
}

static void
ready_done (HandoffTransferSession *self,
            JsonObject             *answer,
            GTask                  *task)
{
  self->peer_ready = TRUE;   /* on B's side: "I am ready" */
  handoff_transfer_session_notify (self, PROP_PEER_READY);
}

static const ActionSteps ready_steps = { ready_done, NULL };

void
handoff_transfer_session_ready_async (HandoffTransferSession *self,
                                      GCancellable           *cancellable,
                                      GAsyncReadyCallback     callback,
                                      gpointer                user_data)
{
  g_return_if_fail (HANDOFF_IS_TRANSFER_SESSION (self));
  checked_action (self, handoff_transfer_session_ready_async, HANDOFF_TRANSFER_ROLE_TARGET,
                  M (CONSULTING), "ready", &ready_steps, cancellable, callback, user_data);
}

void
handoff_transfer_session_rate_async (HandoffTransferSession *self,
                                     int                     rating,
                                     GCancellable           *cancellable,
                                     GAsyncReadyCallback     callback,
                                     gpointer                user_data)
{
  g_autoptr(JsonNode) body = NULL;
  GTask *task;

  g_return_if_fail (HANDOFF_IS_TRANSFER_SESSION (self));
  if (rating < 1 || rating > 5)
    {
      g_task_report_new_error (self, callback, user_data, handoff_transfer_session_rate_async,
                               HANDOFF_TRANSFER_ERROR, HANDOFF_TRANSFER_ERROR_WRONG_STATE,
                               _("A rating is from 1 to 5"));
      return;
    }
  body = handoff_json_object_node ("score", 'i', (gint64) rating, NULL);
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, handoff_transfer_session_rate_async);
  post_action (self, task, "rating", body, NULL);
}

gboolean
handoff_transfer_session_action_finish (HandoffTransferSession  *self,
                                        GAsyncResult            *result,
                                        GError                 **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
