/* handoff-window.c: the agent workstation
 *
 * Owns the account (sign-in, presence, event stream) and at most one call
 * with at most one transfer. Server events are checked against the server's
 * current state before anything is offered to the agent: after a restart the
 * event stream replays the last days, and an old offer must not ring again.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "handoff-window"

#include "config.h"

#include <glib/gi18n.h>

#include "handoff-account.h"
#include "handoff-analytics-view.h"
#include "handoff-call-view.h"
#include "handoff-history-view.h"
#include "handoff-media-factory.h"
#include "handoff-signin-page.h"
#include "handoff-transfer-dialog.h"
#include "handoff-transfer-offer-view.h"
#include "handoff-window.h"
#include "handoff-window-private.h"


G_DEFINE_FINAL_TYPE (HandoffWindow, handoff_window, ADW_TYPE_APPLICATION_WINDOW)

void
handoff_window_toast (HandoffWindow *self,
                      const char    *text)
{
  AdwToast *t = adw_toast_new (text);

  adw_toast_set_timeout (t, 5);
  adw_toast_overlay_add_toast (self->toast_overlay, t);
}

void
handoff_window_update_idle_page (HandoffWindow *self)
{
  const char *presence = handoff_account_get_presence (self->account);

  adw_status_page_set_description (self->idle_page,
                                   g_strcmp0 (presence, "available") == 0
                                   ? _("You are available. Calls offered to you appear here.")
                                   : _("You are not available for calls. Set your presence to Available to take calls."));
}

static void
update_actions (HandoffWindow *self)
{
  gboolean in_call = self->call != NULL && handoff_call_session_get_state (self->call) < HANDOFF_CALL_ENDED;
  gboolean transferring = self->transfer != NULL && handoff_transfer_session_is_active (self->transfer);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.transfer", in_call);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.hang-up", in_call && !transferring);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.mute", in_call);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.hold", in_call && !transferring);
  handoff_window_update_presence (self);
}

static void
show_idle (HandoffWindow *self)
{
  handoff_window_update_idle_page (self);
  gtk_stack_set_visible_child_name (self->call_stack, "idle");
  update_actions (self);
}

static void
set_transfer (HandoffWindow          *self,
              HandoffTransferSession *transfer);

static void
drop_call (HandoffWindow *self)
{
  if (self->call)
    g_signal_handlers_disconnect_by_data (self->call, self);
  g_clear_object (&self->call);
  set_transfer (self, NULL);
  handoff_call_view_set_call (self->call_view, NULL);
  show_idle (self);
}

/* What the agent is told when a transfer is over, or NULL while it runs. */
static char *
transfer_closing_words (HandoffTransferSession *transfer)
{
  HandoffTransferState state = handoff_transfer_session_get_state (transfer);
  gboolean initiator = handoff_transfer_session_get_role (transfer) == HANDOFF_TRANSFER_ROLE_INITIATOR;

  if (state == HANDOFF_TRANSFER_COMPLETED && initiator)
    return g_strdup_printf (_("Transferred to %s"), handoff_transfer_session_get_peer_name (transfer));
  if (state != HANDOFF_TRANSFER_ENDED)
    return NULL;
  /* A is back with the caller, B back to idle. */
  return initiator
    ? g_strdup_printf (_("%s — you are back with the caller"), handoff_transfer_session_get_status_text (transfer))
    : g_strdup (handoff_transfer_session_get_status_text (transfer));
}

static void
on_call_state (HandoffCallSession *call,
               GParamSpec         *pspec,
               HandoffWindow      *self)
{
  HandoffCallState state = handoff_call_session_get_state (call);

  update_actions (self);
  if (state == HANDOFF_CALL_ENDED || state == HANDOFF_CALL_FAILED)
    {
      const char *outcome = handoff_call_session_get_outcome (call);
      g_autofree char *closing = self->transfer != NULL && handoff_transfer_session_get_call (self->transfer) == call
                                 ? transfer_closing_words (self->transfer) : NULL;

      /* The call ends because its transfer did (A completed it; B's was
       * cancelled or failed): the transfer's words, said here because the
       * call goes first and takes the transfer's handlers with it. */
      if (closing != NULL)
        handoff_window_toast (self, closing);
      else if (g_strcmp0 (outcome, "caller_ended") == 0 || g_strcmp0 (outcome, "caller_left") == 0 ||
               g_strcmp0 (outcome, "caller_hung_up") == 0)
        handoff_window_toast (self, _("The caller hung up"));
      else
        handoff_window_toast (self, _("Call ended"));
      drop_call (self);
    }
}

static void
set_call (HandoffWindow      *self,
          HandoffCallSession *call)
{
  GSettings *settings = handoff_application_get_settings (self->app);
  g_autofree char *hold_music = g_settings_get_string (settings, "hold-music");

  if (self->call)
    g_signal_handlers_disconnect_by_data (self->call, self);
  g_set_object (&self->call, call);
  handoff_call_session_set_hold_music (call, hold_music);
  handoff_call_view_set_watchdog (self->call_view, g_settings_get_uint (settings, "hold-watchdog-seconds"));
  handoff_call_view_set_call (self->call_view, call);
  g_signal_connect (call, "notify::state", G_CALLBACK (on_call_state), self);
  gtk_stack_set_visible_child_name (self->call_stack, "call");
  adw_view_stack_set_visible_child_name (self->view_stack, "call");
  update_actions (self);
}

/* ---- transfers ---- */

static void
on_transfer_state (HandoffTransferSession *transfer,
                   GParamSpec             *pspec,
                   HandoffWindow          *self)
{
  HandoffTransferState state = handoff_transfer_session_get_state (transfer);
  gboolean initiator = handoff_transfer_session_get_role (transfer) == HANDOFF_TRANSFER_ROLE_INITIATOR;

  update_actions (self);
  if (state == HANDOFF_TRANSFER_ENDED)
    {
      g_autofree char *msg = transfer_closing_words (transfer);

      handoff_window_toast (self, msg);
      if (!initiator)
        {
          gboolean had_call = self->call == handoff_transfer_session_get_call (transfer);
          set_transfer (self, NULL);
          if (had_call)
            drop_call (self);
          else if (g_strcmp0 (gtk_stack_get_visible_child_name (self->call_stack), "transfer-offer") == 0)
            show_idle (self);
        }
    }
  else if (state == HANDOFF_TRANSFER_COMPLETED && initiator)
    {
      g_autofree char *msg = transfer_closing_words (transfer);
      handoff_window_toast (self, msg);
    }
}

static void
set_transfer (HandoffWindow          *self,
              HandoffTransferSession *transfer)
{
  if (self->transfer)
    g_signal_handlers_disconnect_by_data (self->transfer, self);
  g_set_object (&self->transfer, transfer);
  if (transfer)
    g_signal_connect (transfer, "notify::state", G_CALLBACK (on_transfer_state), self);
  handoff_call_view_set_transfer (self->call_view,
                                  transfer && handoff_transfer_session_get_call (transfer) == self->call
                                  ? transfer : NULL);
  update_actions (self);
}

static void
on_transfer_sent (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(HandoffWindow) self = user_data;
  HandoffTransferSession *transfer = HANDOFF_TRANSFER_SESSION (source);
  g_autoptr(GError) error = NULL;

  if (!handoff_transfer_session_action_finish (transfer, result, &error))
    {
      if (self->dialog)
        {
          handoff_transfer_dialog_set_busy (self->dialog, FALSE);
          handoff_transfer_dialog_show_error (self->dialog, error->message);
        }
      else
        handoff_window_toast (self, error->message);
      if (self->transfer == transfer)
        set_transfer (self, NULL);
      return;
    }
  if (self->dialog)
    gtk_window_destroy (GTK_WINDOW (self->dialog));
}

static void
on_dialog_send (HandoffTransferDialog *dialog,
                HandoffAgentInfo      *target,
                gboolean               urgent,
                const char            *summary,
                HandoffWindow         *self)
{
  g_autoptr(HandoffTransferSession) transfer = NULL;

  if (self->call == NULL)
    {
      handoff_transfer_dialog_show_error (dialog, _("The call has ended"));
      return;
    }
  if (self->transfer && handoff_transfer_session_is_active (self->transfer))
    {
      handoff_transfer_dialog_show_error (dialog, _("A transfer of this call is already running; finish or cancel it first"));
      return;
    }
  transfer = handoff_transfer_session_new_outgoing (self->client, self->call);
  {
    g_autoptr(JsonNode) structured = handoff_transfer_dialog_dup_summary_json (dialog);
    handoff_transfer_session_set_summary_json (transfer, structured);
  }
  set_transfer (self, transfer);
  handoff_transfer_dialog_set_busy (dialog, TRUE);
  handoff_transfer_session_send_async (transfer, handoff_agent_info_get_id (target),
                                       handoff_agent_info_get_identity (target),
                                       handoff_agent_info_get_name (target), urgent, summary,
                                       self->cancellable, on_transfer_sent, g_object_ref (self));
}

static void
on_dialog_destroy (GtkWidget     *dialog,
                   HandoffWindow *self)
{
  if ((GtkWidget *) self->dialog == dialog)
    self->dialog = NULL;
}

static void
transfer_activated (GtkWidget  *widget,
                    const char *action,
                    GVariant   *param)
{
  HandoffWindow *self = HANDOFF_WINDOW (widget);

  if (self->call == NULL)
    {
      handoff_window_toast (self, _("There is no call to transfer"));
      return;
    }
  if (self->transfer && handoff_transfer_session_is_active (self->transfer))
    {
      handoff_window_toast (self, _("A transfer of this call is already running; finish or cancel it first"));
      return;
    }
  if (self->dialog)
    {
      gtk_window_present (GTK_WINDOW (self->dialog));
      return;
    }
  self->dialog = handoff_transfer_dialog_new (GTK_WINDOW (self), self->account, self->call,
                                              handoff_application_get_chat_client (self->app),
                                              handoff_application_get_settings (self->app));
  g_signal_connect (self->dialog, "send", G_CALLBACK (on_dialog_send), self);
  g_signal_connect (self->dialog, "destroy", G_CALLBACK (on_dialog_destroy), self);
  gtk_window_present (GTK_WINDOW (self->dialog));
}

/* ---- B's side ---- */

static void
withdraw_notifications (HandoffWindow *self)
{
  g_application_withdraw_notification (G_APPLICATION (self->app), "call-offer");
  g_application_withdraw_notification (G_APPLICATION (self->app), "transfer-offer");
}

static void
on_transfer_accepted (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(HandoffWindow) self = user_data;
  HandoffTransferSession *transfer = HANDOFF_TRANSFER_SESSION (source);
  g_autoptr(GError) error = NULL;

  handoff_transfer_offer_view_set_busy (self->transfer_offer_view, FALSE);
  if (!handoff_transfer_session_action_finish (transfer, result, &error))
    {
      handoff_window_toast (self, error->message);
      return;
    }
  set_call (self, handoff_transfer_session_get_call (transfer));
  set_transfer (self, transfer);
}

static void
on_accept_transfer (HandoffWindow *self)
{
  g_autoptr(HandoffCallMedia) media = NULL;

  if (self->transfer == NULL || handoff_transfer_session_get_role (self->transfer) != HANDOFF_TRANSFER_ROLE_TARGET)
    return;
  if (self->call != NULL)
    {
      handoff_window_toast (self, _("Finish your current call before taking a transfer"));
      return;
    }
  withdraw_notifications (self);
  handoff_transfer_offer_view_set_busy (self->transfer_offer_view, TRUE);
  media = handoff_media_factory_create (self->app);
  handoff_transfer_session_accept_async (self->transfer, media, self->cancellable,
                                         on_transfer_accepted, g_object_ref (self));
}

static void
on_transfer_declined (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(HandoffWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!handoff_transfer_session_action_finish (HANDOFF_TRANSFER_SESSION (source), result, &error))
    handoff_window_toast (self, error->message);
  set_transfer (self, NULL);
  show_idle (self);
}

static void
on_decline_transfer (HandoffWindow *self)
{
  if (self->transfer == NULL)
    return;
  withdraw_notifications (self);
  handoff_transfer_session_decline_async (self->transfer, self->cancellable,
                                          on_transfer_declined, g_object_ref (self));
}

void
handoff_window_accept_transfer (HandoffWindow *self,
                                const char    *transfer_id)
{
  g_return_if_fail (HANDOFF_IS_WINDOW (self));
  if (self->transfer && g_strcmp0 (handoff_transfer_session_get_id (self->transfer), transfer_id) == 0)
    on_accept_transfer (self);
}

/* ---- the caller's call ---- */

static void
on_call_accepted (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(HandoffWindow) self = user_data;
  HandoffCallSession *call = HANDOFF_CALL_SESSION (source);
  g_autoptr(GError) error = NULL;

  gtk_widget_set_sensitive (GTK_WIDGET (self->offer_page), TRUE);
  if (!handoff_call_session_accept_finish (call, result, &error))
    {
      handoff_window_toast (self, error->message);
      if (self->offer == call)
        g_clear_object (&self->offer);
      show_idle (self);
      return;
    }
  if (self->offer == call)
    g_clear_object (&self->offer);
  set_call (self, call);
}

void
handoff_window_accept_call (HandoffWindow *self,
                            const char    *call_id)
{
  g_autoptr(HandoffCallMedia) media = NULL;

  g_return_if_fail (HANDOFF_IS_WINDOW (self));
  if (self->offer == NULL || (call_id && g_strcmp0 (call_id, handoff_call_session_get_call_id (self->offer)) != 0))
    return;
  withdraw_notifications (self);
  gtk_widget_set_sensitive (GTK_WIDGET (self->offer_page), FALSE);
  media = handoff_media_factory_create (self->app);
  if (media)
    handoff_call_session_set_media (self->offer, media);
  handoff_call_session_accept_async (self->offer, self->cancellable, on_call_accepted, g_object_ref (self));
}

static void
on_accept_call_clicked (HandoffWindow *self)
{
  if (self->offer)
    handoff_window_accept_call (self, handoff_call_session_get_call_id (self->offer));
}

static void
on_decline_call_clicked (HandoffWindow *self)
{
  g_autofree char *path = NULL;

  if (self->offer == NULL)
    return;
  withdraw_notifications (self);
  path = g_strdup_printf ("/api/v1/calls/%s/decline", handoff_call_session_get_call_id (self->offer));
  handoff_server_client_request_async (self->client, "POST", path, NULL, NULL, NULL, NULL);
  g_clear_object (&self->offer);
  show_idle (self);
}

static void
show_offer (HandoffWindow *self,
            JsonObject    *data)
{
  g_autoptr(HandoffCallSession) call = handoff_call_session_new (self->client, HANDOFF_CALL_ROLE_AGENT, data);
  g_autofree char *title = NULL;
  g_autoptr(GNotification) n = NULL;
  const char *reason = handoff_call_session_get_reason (call);

  if (self->call != NULL)
    return;   /* busy: the server re-offers when it times out */
  g_set_object (&self->offer, call);
  title = g_strdup_printf (_("Incoming call from %s"), handoff_call_session_get_caller_name (call)
                           ? handoff_call_session_get_caller_name (call) : _("a caller"));
  adw_status_page_set_title (self->offer_page, title);
  adw_status_page_set_description (self->offer_page, reason && *reason ? reason : _("No reason given"));
  gtk_stack_set_visible_child_name (self->call_stack, "offer");
  adw_view_stack_set_visible_child_name (self->view_stack, "call");

  n = g_notification_new (title);
  /* A caller may give no reason (a browser caller's page often does not). */
  if (reason && *reason)
    g_notification_set_body (n, reason);
  g_notification_set_priority (n, G_NOTIFICATION_PRIORITY_URGENT);
  g_notification_set_default_action (n, "app.show-window");
  g_notification_add_button_with_target (n, _("Accept"), "app.accept-call", "s",
                                         handoff_call_session_get_call_id (call));
  g_application_send_notification (G_APPLICATION (self->app), "call-offer", n);
}

typedef struct {
  HandoffWindow *self;
  char          *type;
  JsonObject    *data;
} Pending;

static void
pending_free (Pending *p)
{
  g_object_unref (p->self);
  g_free (p->type);
  json_object_unref (p->data);
  g_free (p);
}

static JsonObject *
member_object (JsonObject *o,
               const char *name)
{
  JsonNode *n = o ? json_object_get_member (o, name) : NULL;

  return n && JSON_NODE_HOLDS_OBJECT (n) ? json_node_get_object (n) : NULL;
}

/* An offer is shown only if the server still says it stands. */
static void
on_call_checked (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Pending *p = user_data;
  HandoffWindow *self = p->self;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *call;
  const char *me = handoff_account_get_agent_id (self->account);

  root = handoff_server_client_request_finish (HANDOFF_SERVER_CLIENT (source), result, NULL);
  call = root && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  if (call == NULL)
    goto out;
  if (g_str_equal (p->type, "call_offered") &&
      g_strcmp0 (handoff_json_get_string (call, "state", NULL), "waiting") == 0 &&
      g_strcmp0 (handoff_json_get_string (call, "offered_to", NULL), me) == 0)
    {
      json_object_set_object_member (p->data, "call", json_object_ref (call));
      show_offer (self, p->data);
    }
  else if (g_str_equal (p->type, "call_accepted") && self->call == NULL && self->offer == NULL &&
           g_strcmp0 (handoff_json_get_string (call, "state", NULL), "active") == 0 &&
           g_strcmp0 (handoff_json_get_string (call, "agent_id", NULL), me) == 0)
    {
      /* We restarted during a call that is still going on (not: we are
       * accepting it, and the event overtook the answer). */
      g_autofree char *desc = g_strdup_printf (_("Your call with %s is still going on."),
                                               handoff_json_get_string (call, "caller_name", _("a caller")));
      g_free (self->rejoin_call_id);
      self->rejoin_call_id = g_strdup (handoff_json_get_string (call, "id", NULL));
      self->offer = handoff_call_session_new (self->client, HANDOFF_CALL_ROLE_AGENT, call);
      adw_status_page_set_description (self->rejoin_page, desc);
      gtk_stack_set_visible_child_name (self->call_stack, "rejoin");
      handoff_window_update_presence (self);
    }
out:
  pending_free (p);
}

/* A new grant for the call that is still ours (POST /calls/{id}/rejoin), not
 * a second accept: the call is no longer waiting. */
static void
on_rejoin_clicked (HandoffWindow *self)
{
  g_autoptr(HandoffCallMedia) media = NULL;

  if (self->offer == NULL)
    return;
  media = handoff_media_factory_create (self->app);
  if (media)
    handoff_call_session_set_media (self->offer, media);
  handoff_call_session_rejoin_async (self->offer, self->cancellable, on_call_accepted, g_object_ref (self));
}

static void
on_transfer_call_fetched (GObject      *source,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  Pending *p = user_data;
  HandoffWindow *self = p->self;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(HandoffTransferSession) transfer = NULL;
  g_autoptr(GNotification) n = NULL;
  g_autofree char *title = NULL;
  JsonObject *t = member_object (p->data, "transfer");
  JsonObject *call;
  HandoffAgentInfo *from;
  const char *caller;

  root = handoff_server_client_request_finish (HANDOFF_SERVER_CLIENT (source), result, NULL);
  call = root && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  if (call == NULL || g_strcmp0 (handoff_json_get_string (call, "state", NULL), "ended") == 0 ||
      (self->transfer && handoff_transfer_session_is_active (self->transfer)))
    goto out;
  json_object_set_string_member (t, "caller_name", handoff_json_get_string (call, "caller_name", ""));
  json_object_set_string_member (t, "caller_identity", handoff_json_get_string (call, "caller_identity", ""));
  json_object_set_string_member (t, "reason", handoff_json_get_string (call, "reason", ""));
  transfer = handoff_transfer_session_new_incoming (self->client, t);
  from = handoff_account_lookup_agent (self->account, handoff_transfer_session_get_peer_id (transfer));
  if (from)
    handoff_transfer_session_set_peer (transfer, handoff_agent_info_get_name (from),
                                       handoff_agent_info_get_identity (from));
  set_transfer (self, transfer);
  handoff_transfer_offer_view_set_transfer (self->transfer_offer_view, transfer);
  gtk_stack_set_visible_child_name (self->call_stack, "transfer-offer");
  adw_view_stack_set_visible_child_name (self->view_stack, "call");

  /* Who is being handed over is what B decides on, so the title names the
   * caller as well as the colleague. */
  caller = handoff_call_session_get_caller_name (handoff_transfer_session_get_call (transfer));
  title = g_strdup_printf (handoff_transfer_session_get_urgent (transfer)
                           ? _("Urgent transfer of %s from %s") : _("Transfer of %s from %s"),
                           caller && *caller ? caller : _("a caller"),
                           handoff_transfer_session_get_peer_name (transfer));
  n = g_notification_new (title);
  if (handoff_transfer_session_get_summary (transfer) != NULL)
    g_notification_set_body (n, handoff_transfer_session_get_summary (transfer));
  g_notification_set_priority (n, handoff_transfer_session_get_urgent (transfer)
                                  ? G_NOTIFICATION_PRIORITY_URGENT : G_NOTIFICATION_PRIORITY_HIGH);
  g_notification_set_default_action (n, "app.show-window");
  g_notification_add_button_with_target (n, _("Accept"), "app.accept-transfer", "s",
                                         handoff_transfer_session_get_id (transfer));
  g_application_send_notification (G_APPLICATION (self->app), "transfer-offer", n);
out:
  pending_free (p);
}

static void
fetch_then (HandoffWindow       *self,
            const char          *type,
            JsonObject          *data,
            const char          *call_id,
            GAsyncReadyCallback  callback)
{
  Pending *p = g_new0 (Pending, 1);
  g_autofree char *path = g_strdup_printf ("/api/v1/calls/%s", call_id);

  p->self = g_object_ref (self);
  p->type = g_strdup (type);
  p->data = json_object_ref (data);
  handoff_server_client_request_async (self->client, "GET", path, NULL, self->cancellable, callback, p);
}

static void
on_account_event (HandoffAccount *account,
                  const char     *type,
                  JsonObject     *data,
                  HandoffWindow  *self)
{
  JsonObject *call = member_object (data, "call");
  JsonObject *transfer = member_object (data, "transfer");
  const char *call_id = handoff_json_get_string (call, "id", NULL);

  if ((g_str_equal (type, "call_offered") || g_str_equal (type, "call_accepted")) && call_id)
    fetch_then (self, type, data, call_id, on_call_checked);
  else if (g_str_equal (type, "call_offer_withdrawn") || g_str_equal (type, "call_ended"))
    {
      if (self->offer && g_strcmp0 (handoff_call_session_get_call_id (self->offer), call_id) == 0)
        {
          withdraw_notifications (self);
          g_clear_object (&self->offer);
          if (self->call == NULL)
            show_idle (self);
          handoff_window_toast (self, g_str_equal (type, "call_ended") ? _("The caller hung up") : _("The call went to a colleague"));
        }
      if (self->transfer)
        handoff_transfer_session_handle_event (self->transfer, type, data);
      if (g_str_equal (type, "call_ended") && self->call &&
          g_strcmp0 (handoff_call_session_get_call_id (self->call), call_id) == 0)
        handoff_call_session_end (self->call, handoff_json_get_string (call, "end_reason", "ended"));
    }
  else if (g_str_equal (type, "transfer_offered") && transfer)
    {
      if (g_strcmp0 (handoff_json_get_string (transfer, "to_agent_id", NULL),
                     handoff_account_get_agent_id (self->account)) == 0 &&
          g_strcmp0 (handoff_json_get_string (transfer, "state", "offered"), "offered") == 0)
        fetch_then (self, type, data, handoff_json_get_string (transfer, "call_id", ""), on_transfer_call_fetched);
    }
  else if (g_str_has_prefix (type, "transfer_") && self->transfer)
    handoff_transfer_session_handle_event (self->transfer, type, data);

  if (g_str_has_prefix (type, "transfer_") && !g_str_equal (type, "transfer_offered"))
    handoff_history_view_refresh (self->history_view);
}

/* ---- GObject ---- */

static void
handoff_window_dispose (GObject *object)
{
  HandoffWindow *self = HANDOFF_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  if (self->transfer)
    g_signal_handlers_disconnect_by_data (self->transfer, self);
  if (self->call)
    g_signal_handlers_disconnect_by_data (self->call, self);
  if (self->account)
    g_signal_handlers_disconnect_by_data (self->account, self);
  g_clear_object (&self->transfer);
  g_clear_object (&self->call);
  g_clear_object (&self->offer);
  g_clear_object (&self->account);
  g_clear_object (&self->client);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->rejoin_call_id, g_free);
  G_OBJECT_CLASS (handoff_window_parent_class)->dispose (object);
}

static void
handoff_window_class_init (HandoffWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = handoff_window_dispose;

  g_type_ensure (HANDOFF_TYPE_SIGNIN_PAGE);
  g_type_ensure (HANDOFF_TYPE_CALL_VIEW);
  g_type_ensure (HANDOFF_TYPE_TRANSFER_OFFER_VIEW);
  g_type_ensure (HANDOFF_TYPE_HISTORY_VIEW);
  g_type_ensure (HANDOFF_TYPE_ANALYTICS_VIEW);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/ui/handoff-window.ui");
  gtk_widget_class_bind_template_child (widget_class, HandoffWindow, switcher_title);
  gtk_widget_class_bind_template_child (widget_class, HandoffWindow, presence_dropdown);
  gtk_widget_class_bind_template_child (widget_class, HandoffWindow, on_call_label);
  gtk_widget_class_bind_template_child (widget_class, HandoffWindow, agent_label);
  gtk_widget_class_bind_template_child (widget_class, HandoffWindow, fault_revealer);
  gtk_widget_class_bind_template_child (widget_class, HandoffWindow, fault_label);
  gtk_widget_class_bind_template_child (widget_class, HandoffWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, HandoffWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, HandoffWindow, signin_page);
  gtk_widget_class_bind_template_child (widget_class, HandoffWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, HandoffWindow, call_stack);
  gtk_widget_class_bind_template_child (widget_class, HandoffWindow, idle_page);
  gtk_widget_class_bind_template_child (widget_class, HandoffWindow, offer_page);
  gtk_widget_class_bind_template_child (widget_class, HandoffWindow, rejoin_page);
  gtk_widget_class_bind_template_child (widget_class, HandoffWindow, call_view);
  gtk_widget_class_bind_template_child (widget_class, HandoffWindow, transfer_offer_view);
  gtk_widget_class_bind_template_child (widget_class, HandoffWindow, history_view);
  gtk_widget_class_bind_template_child (widget_class, HandoffWindow, analytics_view);
  gtk_widget_class_bind_template_callback (widget_class, on_accept_call_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_decline_call_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_rejoin_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_accept_transfer);
  gtk_widget_class_bind_template_callback (widget_class, on_decline_transfer);

  gtk_widget_class_install_action (widget_class, "win.transfer", NULL, transfer_activated);
  handoff_window_install_actions (widget_class);
}

static void
handoff_window_init (HandoffWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  g_signal_connect_swapped (self->presence_dropdown, "notify::selected", G_CALLBACK (handoff_window_on_presence_chosen), self);
}

HandoffWindow *
handoff_window_new (HandoffApplication *app)
{
  HandoffWindow *self = g_object_new (HANDOFF_TYPE_WINDOW, "application", app, NULL);

  self->app = app;
  self->client = handoff_server_client_new (handoff_application_get_server_url (app));
  self->account = handoff_account_new (self->client, NULL);
  handoff_signin_page_setup (self->signin_page, app, self->account);
  handoff_history_view_set_account (self->history_view, self->account);
  handoff_analytics_view_set_account (self->analytics_view, self->account);
  handoff_call_view_set_chat_client (self->call_view, handoff_application_get_chat_client (app),
                                     handoff_application_get_settings (app));
  handoff_call_view_set_audio_devices (self->call_view, handoff_application_get_settings (app),
                                       handoff_application_get_microphones (app),
                                       handoff_application_get_speakers (app));
  g_signal_connect (self->account, "event", G_CALLBACK (on_account_event), self);
  handoff_window_connect_account (self);
  show_idle (self);
  return self;
}
