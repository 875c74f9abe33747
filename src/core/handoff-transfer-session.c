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
#include "handoff-transfer-session.h"

#define PATH_TRANSFERS "/api/v1/transfers"
#define ACTIVE_KEY     "handoff-active-transfer"

enum {
  PROP_0,
  PROP_STATE,
  PROP_OUTCOME,
  PROP_STATUS_TEXT,
  PROP_PEER_NAME,
  PROP_PEER_READY,
  PROP_SUMMARY,
  PROP_URGENT,
  N_PROPS
};
static GParamSpec *props[N_PROPS];

struct _HandoffTransferSession
{
  GObject               parent_instance;

  HandoffServerClient  *client;
  HandoffTransferRole   role;
  HandoffTransferState  state;
  HandoffCallSession   *call;
  JsonObject           *offer;
  char                 *id;
  char                 *peer_id;
  char                 *peer_name;
  char                 *peer_identity;
  char                 *summary;
  char                 *outcome;
  char                 *status_text;
  char                 *media_error;
  JsonNode             *summary_json;
  gboolean              urgent;
  gboolean              peer_ready;
};

G_DEFINE_FINAL_TYPE (HandoffTransferSession, handoff_transfer_session, G_TYPE_OBJECT)

GType
handoff_transfer_state_get_type (void)
{
  static gsize type;

  if (g_once_init_enter (&type))
    {
      static const GEnumValue values[] = {
        { HANDOFF_TRANSFER_IDLE, "HANDOFF_TRANSFER_IDLE", "idle" },
        { HANDOFF_TRANSFER_OFFERED, "HANDOFF_TRANSFER_OFFERED", "offered" },
        { HANDOFF_TRANSFER_CONSULTING, "HANDOFF_TRANSFER_CONSULTING", "consulting" },
        { HANDOFF_TRANSFER_THREE_WAY, "HANDOFF_TRANSFER_THREE_WAY", "three-way" },
        { HANDOFF_TRANSFER_COMPLETED, "HANDOFF_TRANSFER_COMPLETED", "completed" },
        { HANDOFF_TRANSFER_ENDED, "HANDOFF_TRANSFER_ENDED", "ended" },
        { 0, NULL, NULL },
      };
      g_once_init_leave (&type, g_enum_register_static ("HandoffTransferState", values));
    }
  return type;
}

static GStrv
strv_of (const char *a)
{
  GStrv v = g_new0 (char *, 2);

  if (a != NULL)
    v[0] = g_strdup (a);
  return v;
}

void
handoff_transfer_compute_audience (HandoffTransferRole   role,
                                   HandoffTransferState  state,
                                   const char           *caller_identity,
                                   const char           *peer_identity,
                                   gboolean             *mic_all,
                                   GStrv                *mic_allowed,
                                   GStrv                *music_audience)
{
  g_return_if_fail (mic_all != NULL && mic_allowed != NULL && music_audience != NULL);

  *mic_all = TRUE;
  *mic_allowed = NULL;
  *music_audience = NULL;

  switch (state)
    {
    case HANDOFF_TRANSFER_IDLE:
      if (role == HANDOFF_TRANSFER_ROLE_TARGET)
        {
          /* B is not in the room yet; if it joins, it joins private. */
          *mic_all = FALSE;
          *mic_allowed = strv_of (peer_identity);
        }
      break;
    case HANDOFF_TRANSFER_OFFERED:
    case HANDOFF_TRANSFER_CONSULTING:
      /* Agents only: the peer may hear us (granted ahead, so B hears A as
       * soon as it subscribes); the caller hears A's hold music only. */
      *mic_all = FALSE;
      *mic_allowed = strv_of (peer_identity);
      if (role == HANDOFF_TRANSFER_ROLE_INITIATOR && caller_identity != NULL)
        *music_audience = strv_of (caller_identity);
      break;
    case HANDOFF_TRANSFER_THREE_WAY:
    case HANDOFF_TRANSFER_COMPLETED:
    case HANDOFF_TRANSFER_ENDED:
      break;
    default:
      g_assert_not_reached ();
    }
}

static void
set_text (HandoffTransferSession *self)
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
      if (g_strcmp0 (self->outcome, "declined") == 0)
        text = g_strdup_printf (_("%s declined the transfer"), peer);
      else if (g_strcmp0 (self->outcome, "no_answer") == 0)
        text = g_strdup_printf (_("%s did not answer"), peer);
      else if (g_strcmp0 (self->outcome, "caller_abandoned") == 0)
        text = g_strdup (_("The caller hung up"));
      else if (g_strcmp0 (self->outcome, "cancelled") == 0)
        text = g_strdup (_("Transfer cancelled"));
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
      g_object_notify_by_pspec (G_OBJECT (self), props[PROP_STATUS_TEXT]);
    }
}

static void
apply_media (HandoffTransferSession *self)
{
  HandoffCallMedia *media = self->call ? handoff_call_session_get_media (self->call) : NULL;
  g_auto(GStrv) allowed = NULL;
  g_auto(GStrv) music = NULL;
  g_autoptr(GError) error = NULL;
  gboolean all;

  if (media == NULL)
    return;
  handoff_transfer_compute_audience (self->role, self->state,
                                     handoff_call_session_get_caller_identity (self->call),
                                     self->peer_identity, &all, &allowed, &music);
  /* Mute towards the caller before the music starts, and stop the music
   * before opening up, so the caller never hears both. */
  if (!handoff_call_media_set_mic_audience (media, all, (const char * const *) allowed, &error) ||
      !handoff_call_media_set_hold_music (media, (const char * const *) music,
                                          handoff_call_session_get_hold_music (self->call), &error))
    {
      g_warning ("Transfer media step failed: %s", error->message);
      g_free (self->media_error);
      self->media_error = g_strdup (error->message);
    }
  if (self->state == HANDOFF_TRANSFER_THREE_WAY)
    handoff_call_media_resubscribe (media);
}

static void
set_state (HandoffTransferSession *self,
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
  apply_media (self);

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
            handoff_call_session_send_status (self->call, "on_hold", NULL);
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
    g_object_set_data (G_OBJECT (self->call), ACTIVE_KEY, NULL);

  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_STATE]);
  set_text (self);
}

static void
end_with (HandoffTransferSession *self,
          const char             *outcome)
{
  if (!handoff_transfer_session_is_active (self) && self->state != HANDOFF_TRANSFER_IDLE)
    return;
  if (self->outcome == NULL)
    {
      self->outcome = g_strdup (outcome);
      g_object_notify_by_pspec (G_OBJECT (self), props[PROP_OUTCOME]);
    }
  set_state (self, HANDOFF_TRANSFER_ENDED);
}

static JsonObject *
transfer_of (JsonObject *data)
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
static void
apply_server_state (HandoffTransferSession *self,
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
        set_state (self, HANDOFF_TRANSFER_CONSULTING);
      if (g_str_equal (state, "consulting") && !self->peer_ready)
        {
          self->peer_ready = TRUE;
          g_object_notify_by_pspec (G_OBJECT (self), props[PROP_PEER_READY]);
          set_text (self);
        }
      return;
    }
  if (g_str_equal (state, "connected"))
    {
      if (self->state == HANDOFF_TRANSFER_OFFERED || self->state == HANDOFF_TRANSFER_CONSULTING)
        {
          set_state (self, HANDOFF_TRANSFER_THREE_WAY);
          /* B: our grant is open now; the server re-subscribes the caller. */
          if (self->role == HANDOFF_TRANSFER_ROLE_TARGET && self->id != NULL)
            {
              g_autofree char *path = g_strdup_printf (PATH_TRANSFERS "/%s/ready", self->id);
              handoff_server_client_request_async (self->client, "POST", path, NULL, NULL, NULL, NULL);
            }
        }
      return;
    }
  if (g_str_equal (state, "completed"))
    {
      if (self->outcome == NULL)
        self->outcome = g_strdup ("completed");
      set_state (self, HANDOFF_TRANSFER_COMPLETED);
      return;
    }
  end_with (self, state);
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
          end_with (self, "caller_abandoned");
          return TRUE;
        }
      return FALSE;
    }
  if (!g_str_has_prefix (type, "transfer_"))
    return FALSE;
  transfer = transfer_of (data);
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
      end_with (self, o);
      return TRUE;
    }
  apply_server_state (self, state, transfer);
  return TRUE;
}

/* ---- actions ---- */

typedef void (*ActionDone) (HandoffTransferSession *self,
                            JsonObject             *answer,
                            GTask                  *task);

static void
on_action_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  HandoffTransferSession *self = g_task_get_source_object (task);
  ActionDone done = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;

  root = handoff_server_client_request_finish (HANDOFF_SERVER_CLIENT (source), result, &error);
  if (error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (done != NULL)
    done (self, root && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL, task);
  if (!g_task_get_completed (task) && !g_task_had_error (task))
    g_task_return_boolean (task, TRUE);
}

static void
post_action (HandoffTransferSession *self,
             const char             *verb,
             JsonNode               *body,
             ActionDone              done,
             gpointer                source_tag,
             GCancellable           *cancellable,
             GAsyncReadyCallback     callback,
             gpointer                user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autofree char *path = NULL;

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, done, NULL);
  if (self->id == NULL)
    {
      g_task_return_new_error (task, HANDOFF_TRANSFER_ERROR, HANDOFF_TRANSFER_ERROR_WRONG_STATE,
                               _("The transfer has not been sent yet"));
      return;
    }
  path = g_strdup_printf (PATH_TRANSFERS "/%s/%s", self->id, verb);
  handoff_server_client_request_async (self->client, "POST", path, body, cancellable,
                                       on_action_done, g_steal_pointer (&task));
}

static gboolean
check_state (HandoffTransferSession *self,
             GTask                  *task,
             HandoffTransferRole     role,
             guint                   allowed_mask)
{
  if (self->role == role && (allowed_mask & (1u << self->state)))
    return TRUE;
  g_task_return_new_error (task, HANDOFF_TRANSFER_ERROR, HANDOFF_TRANSFER_ERROR_WRONG_STATE,
                           _("Not possible at this step of the transfer"));
  return FALSE;
}

#define M(s) (1u << (HANDOFF_TRANSFER_##s))

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
sent_done (HandoffTransferSession *self,
           JsonObject             *answer,
           GTask                  *task)
{
  JsonObject *transfer = transfer_of (answer);
  const char *id = handoff_json_get_string (transfer, "id", NULL);

  if (id == NULL)
    {
      g_object_set_data (G_OBJECT (self->call), ACTIVE_KEY, NULL);
      g_task_return_new_error (task, HANDOFF_API_ERROR, HANDOFF_API_ERROR_PROTOCOL,
                               _("The server did not record the transfer"));
      return;
    }
  self->id = g_strdup (id);
  set_state (self, HANDOFF_TRANSFER_OFFERED);
  /* Events may have overtaken the answer. */
  apply_server_state (self, handoff_json_get_string (transfer, "state", NULL), transfer);
}

static void
on_send_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  HandoffTransferSession *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;

  root = handoff_server_client_request_finish (HANDOFF_SERVER_CLIENT (source), result, &error);
  if (error != NULL)
    {
      g_object_set_data (G_OBJECT (self->call), ACTIVE_KEY, NULL);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  sent_done (self, root && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL, task);
  if (!g_task_had_error (task))
    g_task_return_boolean (task, TRUE);
}

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

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, handoff_transfer_session_send_async);
  if (!check_state (self, task, HANDOFF_TRANSFER_ROLE_INITIATOR, M (IDLE)))
    return;
  if (target_id == NULL || target_id[0] == '\0')
    {
      g_task_return_new_error (task, HANDOFF_TRANSFER_ERROR, HANDOFF_TRANSFER_ERROR_NO_TARGET,
                               _("Choose a colleague to transfer to"));
      return;
    }
  running = g_object_get_data (G_OBJECT (self->call), ACTIVE_KEY);
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
  g_object_set_data (G_OBJECT (self->call), ACTIVE_KEY, self);

  g_free (self->peer_id);
  self->peer_id = g_strdup (target_id);
  g_free (self->peer_name);
  self->peer_name = g_strdup (target_name ? target_name : target_id);
  g_free (self->peer_identity);
  self->peer_identity = target_identity ? g_strdup (target_identity) : g_strdup_printf ("agent-%s", target_id);
  g_free (self->summary);
  self->summary = g_strdup (summary ? summary : "");
  self->urgent = urgent;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_PEER_NAME]);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_SUMMARY]);

  body = handoff_json_object_node ("call_id", 's', handoff_call_session_get_call_id (self->call),
                                   "target_agent_id", 's', target_id,
                                   "urgent", 'b', urgent,
                                   "summary", 'n', summary_node (self),
                                   "transcript", 'n', transcript_json (self->call),
                                   NULL);
  handoff_server_client_request_async (self->client, "POST", PATH_TRANSFERS, body, cancellable,
                                       on_send_done, g_steal_pointer (&task));
}

static void
connected_done (HandoffTransferSession *self,
                JsonObject             *answer,
                GTask                  *task)
{
  set_state (self, HANDOFF_TRANSFER_THREE_WAY);
}

static void
on_connect_done (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  HandoffTransferSession *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;

  root = handoff_server_client_request_finish (HANDOFF_SERVER_CLIENT (source), result, &error);
  if (error != NULL)
    {
      apply_media (self);   /* back to agents only */
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  connected_done (self, NULL, task);
  g_task_return_boolean (task, TRUE);
}

void
handoff_transfer_session_connect_async (HandoffTransferSession *self,
                                        GCancellable           *cancellable,
                                        GAsyncReadyCallback     callback,
                                        gpointer                user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *path = NULL;
  HandoffCallMedia *media;

  g_return_if_fail (HANDOFF_IS_TRANSFER_SESSION (self));
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, handoff_transfer_session_connect_async);
  if (!check_state (self, task, HANDOFF_TRANSFER_ROLE_INITIATOR, M (CONSULTING)))
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
  path = g_strdup_printf (PATH_TRANSFERS "/%s/connect", self->id);
  handoff_server_client_request_async (self->client, "POST", path, NULL, cancellable,
                                       on_connect_done, g_steal_pointer (&task));
}

static void
completed_done (HandoffTransferSession *self,
                JsonObject             *answer,
                GTask                  *task)
{
  if (self->outcome == NULL)
    self->outcome = g_strdup ("completed");
  set_state (self, HANDOFF_TRANSFER_COMPLETED);
}

void
handoff_transfer_session_complete_async (HandoffTransferSession *self,
                                         GCancellable           *cancellable,
                                         GAsyncReadyCallback     callback,
                                         gpointer                user_data)
{
  g_autoptr(GTask) probe = NULL;

  g_return_if_fail (HANDOFF_IS_TRANSFER_SESSION (self));
  probe = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (probe, handoff_transfer_session_complete_async);
  if (!check_state (self, probe, HANDOFF_TRANSFER_ROLE_INITIATOR, M (CONSULTING) | M (THREE_WAY)))
    return;
  g_clear_object (&probe);
  post_action (self, "complete", NULL, completed_done, handoff_transfer_session_complete_async,
               cancellable, callback, user_data);
}

static void
cancelled_done (HandoffTransferSession *self,
                JsonObject             *answer,
                GTask                  *task)
{
  end_with (self, "cancelled");
}

void
handoff_transfer_session_cancel_async (HandoffTransferSession *self,
                                       GCancellable           *cancellable,
                                       GAsyncReadyCallback     callback,
                                       gpointer                user_data)
{
  g_autoptr(GTask) probe = NULL;

  g_return_if_fail (HANDOFF_IS_TRANSFER_SESSION (self));
  probe = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (probe, handoff_transfer_session_cancel_async);
  if (!check_state (self, probe, HANDOFF_TRANSFER_ROLE_INITIATOR,
                    M (IDLE) | M (OFFERED) | M (CONSULTING) | M (THREE_WAY)))
    return;
  if (self->state == HANDOFF_TRANSFER_IDLE)
    {
      /* Nothing sent yet: nothing to tell the server. */
      end_with (self, "cancelled");
      g_task_return_boolean (probe, TRUE);
      return;
    }
  g_clear_object (&probe);
  post_action (self, "cancel", NULL, cancelled_done, handoff_transfer_session_cancel_async,
               cancellable, callback, user_data);
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
  set_state (self, HANDOFF_TRANSFER_CONSULTING);
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
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, handoff_transfer_session_accept_async);
  if (!check_state (self, task, HANDOFF_TRANSFER_ROLE_TARGET, M (OFFERED)))
    return;
  if (media != NULL)
    handoff_call_session_set_media (self->call, media);
  path = g_strdup_printf (PATH_TRANSFERS "/%s/accept", self->id);
  handoff_server_client_request_async (self->client, "POST", path, NULL, cancellable,
                                       on_accept_done, g_steal_pointer (&task));
}

static void
declined_done (HandoffTransferSession *self,
               JsonObject             *answer,
               GTask                  *task)
{
  end_with (self, "declined");
}

void
handoff_transfer_session_decline_async (HandoffTransferSession *self,
                                        GCancellable           *cancellable,
                                        GAsyncReadyCallback     callback,
                                        gpointer                user_data)
{
  g_autoptr(GTask) probe = NULL;

  g_return_if_fail (HANDOFF_IS_TRANSFER_SESSION (self));
  probe = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (probe, handoff_transfer_session_decline_async);
  if (!check_state (self, probe, HANDOFF_TRANSFER_ROLE_TARGET, M (OFFERED)))
    return;
  g_clear_object (&probe);
  post_action (self, "decline", NULL, declined_done, handoff_transfer_session_decline_async,
               cancellable, callback, user_data);
}

static void
ready_done (HandoffTransferSession *self,
            JsonObject             *answer,
            GTask                  *task)
{
  self->peer_ready = TRUE;   /* on B's side: "I am ready" */
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_PEER_READY]);
}

void
handoff_transfer_session_ready_async (HandoffTransferSession *self,
                                      GCancellable           *cancellable,
                                      GAsyncReadyCallback     callback,
                                      gpointer                user_data)
{
  g_autoptr(GTask) probe = NULL;

  g_return_if_fail (HANDOFF_IS_TRANSFER_SESSION (self));
  probe = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (probe, handoff_transfer_session_ready_async);
  if (!check_state (self, probe, HANDOFF_TRANSFER_ROLE_TARGET, M (CONSULTING)))
    return;
  g_clear_object (&probe);
  post_action (self, "ready", NULL, ready_done, handoff_transfer_session_ready_async,
               cancellable, callback, user_data);
}

void
handoff_transfer_session_rate_async (HandoffTransferSession *self,
                                     int                     rating,
                                     GCancellable           *cancellable,
                                     GAsyncReadyCallback     callback,
                                     gpointer                user_data)
{
  g_autoptr(JsonNode) body = NULL;

  g_return_if_fail (HANDOFF_IS_TRANSFER_SESSION (self));
  if (rating < 1 || rating > 5)
    {
      g_task_report_new_error (self, callback, user_data, handoff_transfer_session_rate_async,
                               HANDOFF_TRANSFER_ERROR, HANDOFF_TRANSFER_ERROR_WRONG_STATE,
                               _("A rating is from 1 to 5"));
      return;
    }
  body = handoff_json_object_node ("score", 'i', (gint64) rating, NULL);
  post_action (self, "rating", body, NULL, handoff_transfer_session_rate_async,
               cancellable, callback, user_data);
}

gboolean
handoff_transfer_session_action_finish (HandoffTransferSession  *self,
                                        GAsyncResult            *result,
                                        GError                 **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
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

  if (self->call && g_object_get_data (G_OBJECT (self->call), ACTIVE_KEY) == self)
    g_object_set_data (G_OBJECT (self->call), ACTIVE_KEY, NULL);
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
  set_text (self);
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
  set_text (self);
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
      g_object_notify_by_pspec (G_OBJECT (self), props[PROP_PEER_NAME]);
      set_text (self);
    }
  if (identity != NULL && g_strcmp0 (identity, self->peer_identity) != 0)
    {
      g_free (self->peer_identity);
      self->peer_identity = g_strdup (identity);
      apply_media (self);
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
