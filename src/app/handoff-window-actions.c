/* handoff-window-actions.c: the workstation's account handling and window actions
 *
 * Split from handoff-window.c the way GNOME Text Editor keeps
 * editor-window-actions.c: same object, its actions in their own file.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "handoff-window"

#include "config.h"

#include <glib/gi18n.h>

#include "handoff-window-private.h"

static const char *presence_ids[] = { "available", "busy", "away", "wrap_up" };

/* ---- account ---- */

static void
on_presence_set (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(HandoffWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!handoff_account_set_presence_finish (HANDOFF_ACCOUNT (source), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    handoff_window_toast (self, error->message);
  handoff_window_update_idle_page (self);
}

void
handoff_window_on_presence_chosen (HandoffWindow *self)
{
  guint i = gtk_drop_down_get_selected (self->presence_dropdown);

  if (self->syncing_presence || i >= G_N_ELEMENTS (presence_ids))
    return;
  if (g_strcmp0 (presence_ids[i], handoff_account_get_presence (self->account)) == 0)
    return;
  handoff_account_set_presence_async (self->account, presence_ids[i], self->cancellable,
                                      on_presence_set, g_object_ref (self));
}

/* While a call is ours the header says "On a call" instead of the presence:
 * the server offers no other call then, and "Available" on a call (or on the
 * rejoin page after a restart, where sign-in has just set it) would be wrong
 * to the agent. The presence itself is kept for after the call. */
void
handoff_window_update_presence (HandoffWindow *self)
{
  HandoffAccountState state;
  gboolean signed_in;
  gboolean in_call = self->call != NULL && handoff_call_session_get_state (self->call) < HANDOFF_CALL_ENDED;
  gboolean rejoinable = self->offer != NULL && self->rejoin_call_id != NULL &&
                        g_strcmp0 (handoff_call_session_get_call_id (self->offer), self->rejoin_call_id) == 0;

  if (self->account == NULL)
    return;
  state = handoff_account_get_state (self->account);
  signed_in = state == HANDOFF_ACCOUNT_ONLINE || state == HANDOFF_ACCOUNT_RECONNECTING;
  gtk_widget_set_visible (GTK_WIDGET (self->presence_dropdown), signed_in && !in_call && !rejoinable);
  gtk_widget_set_visible (GTK_WIDGET (self->on_call_label), signed_in && (in_call || rejoinable));
}

static void
on_account_presence (HandoffAccount *account,
                     GParamSpec     *pspec,
                     HandoffWindow  *self)
{
  const char *presence = handoff_account_get_presence (account);

  self->syncing_presence = TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (presence_ids); i++)
    if (g_strcmp0 (presence, presence_ids[i]) == 0)
      gtk_drop_down_set_selected (self->presence_dropdown, i);
  self->syncing_presence = FALSE;
  handoff_window_update_idle_page (self);
}

static void
on_account_problem (HandoffAccount *account,
                    GParamSpec     *pspec,
                    HandoffWindow  *self)
{
  const char *problem = handoff_account_get_problem (account);
  HandoffAccountState state = handoff_account_get_state (account);

  if (problem != NULL && state == HANDOFF_ACCOUNT_RECONNECTING)
    {
      g_autofree char *text = g_strdup_printf (_("Reconnecting… %s"), problem);
      gtk_label_set_text (self->fault_label, text);
    }
  else if (problem != NULL)
    gtk_label_set_text (self->fault_label, problem);
  else
    gtk_label_set_text (self->fault_label, "");
  gtk_revealer_set_reveal_child (self->fault_revealer,
                                 problem != NULL && state != HANDOFF_ACCOUNT_SIGNED_OUT);
  if (problem != NULL && state == HANDOFF_ACCOUNT_SIGNED_OUT)
    handoff_signin_page_show_error (self->signin_page, problem);
}

static void
on_account_state (HandoffAccount *account,
                  GParamSpec     *pspec,
                  HandoffWindow  *self)
{
  HandoffAccountState state = handoff_account_get_state (account);
  gboolean signed_in = state == HANDOFF_ACCOUNT_ONLINE || state == HANDOFF_ACCOUNT_RECONNECTING;

  gtk_stack_set_visible_child_name (self->main_stack, signed_in ? "work" : "signin");
  handoff_window_update_presence (self);
  gtk_widget_set_visible (GTK_WIDGET (self->switcher_title), signed_in);
  gtk_label_set_text (self->agent_label, signed_in ? handoff_account_get_display_name (account) : "");
  if (signed_in)
    {
      /* Two agents on one desktop (the demo) tell their windows apart. */
      g_autofree char *title = g_strdup_printf (_("Handoff — %s"), handoff_account_get_display_name (account));
      gtk_window_set_title (GTK_WINDOW (self), title);
    }
  else
    gtk_window_set_title (GTK_WINDOW (self), _("Handoff"));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.sign-out", signed_in);
  on_account_problem (account, NULL, self);
  if (state == HANDOFF_ACCOUNT_SIGNING_IN)
    self->just_signed_in = TRUE;
  if (state == HANDOFF_ACCOUNT_ONLINE && self->just_signed_in)
    {
      /* handoff-server starts agents "away"; signing in means ready to work. */
      self->just_signed_in = FALSE;
      handoff_account_set_presence_async (account, "available", self->cancellable,
                                          on_presence_set, g_object_ref (self));
      handoff_history_view_refresh (self->history_view);
    }
  if (state == HANDOFF_ACCOUNT_SIGNED_OUT)
    {
      g_clear_object (&self->offer);
      if (self->call)
        handoff_call_session_end (self->call, "signed_out");
    }
}

static void
on_restored (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(HandoffWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!handoff_account_restore_finish (HANDOFF_ACCOUNT (source), result, &error) &&
      g_error_matches (error, HANDOFF_API_ERROR, HANDOFF_API_ERROR_UNREACHABLE))
    handoff_signin_page_show_error (self->signin_page, error->message);
}

void
handoff_window_restore_session (HandoffWindow *self)
{
  g_autofree char *user = NULL;

  g_return_if_fail (HANDOFF_IS_WINDOW (self));
  user = g_settings_get_string (handoff_application_get_settings (self->app), "username");
  if (user[0] != '\0')
    handoff_account_restore_async (self->account, user, self->cancellable, on_restored, g_object_ref (self));
}

void
handoff_window_sign_in_from_environment (HandoffWindow *self,
                                         const char    *user)
{
  const char *password = g_getenv ("HANDOFF_PASSWORD");

  g_return_if_fail (HANDOFF_IS_WINDOW (self));
  if (password == NULL)
    {
      handoff_signin_page_show_error (self->signin_page, _("Set HANDOFF_PASSWORD to sign in from the command line"));
      return;
    }
  handoff_signin_page_sign_in (self->signin_page, user, password);
  /* Not left in the environment of anything we start later. */
  g_unsetenv ("HANDOFF_PASSWORD");
}

/* ---- window actions ---- */

static void
hang_up_activated (GtkWidget  *widget,
                   const char *action,
                   GVariant   *param)
{
  HandoffWindow *self = HANDOFF_WINDOW (widget);

  if (self->call)
    handoff_call_session_hang_up (self->call);
}

static void
mute_activated (GtkWidget  *widget,
                const char *action,
                GVariant   *param)
{
  HandoffWindow *self = HANDOFF_WINDOW (widget);

  if (self->call)
    handoff_call_session_set_muted (self->call, !handoff_call_session_get_muted (self->call));
}

static void
hold_activated (GtkWidget  *widget,
                const char *action,
                GVariant   *param)
{
  HandoffWindow *self = HANDOFF_WINDOW (widget);
  g_autoptr(GError) error = NULL;

  if (self->call && !handoff_call_session_set_on_hold (self->call, !handoff_call_session_get_on_hold (self->call), &error))
    handoff_window_toast (self, error->message);
}

static void
sign_out_activated (GtkWidget  *widget,
                    const char *action,
                    GVariant   *param)
{
  HandoffWindow *self = HANDOFF_WINDOW (widget);

  if (self->call)
    handoff_call_session_hang_up (self->call);
  handoff_account_sign_out (self->account);
}

static void
retry_activated (GtkWidget  *widget,
                 const char *action,
                 GVariant   *param)
{
  handoff_account_retry (HANDOFF_WINDOW (widget)->account);
}

static void
toast_activated (GtkWidget  *widget,
                 const char *action,
                 GVariant   *param)
{
  handoff_window_toast (HANDOFF_WINDOW (widget), g_variant_get_string (param, NULL));
}

static void
copy_transcript_activated (GtkWidget  *widget,
                           const char *action,
                           GVariant   *param)
{
  HandoffWindow *self = HANDOFF_WINDOW (widget);
  g_autofree char *text = NULL;

  if (self->call == NULL)
    return;
  text = handoff_call_session_dup_transcript_text (self->call);
  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), text);
  handoff_window_toast (self, _("Transcript copied"));
}

static void
focus_assistant_activated (GtkWidget  *widget,
                           const char *action,
                           GVariant   *param)
{
  handoff_call_view_focus_assistant (HANDOFF_WINDOW (widget)->call_view);
}


static void
show_page_activated (GtkWidget  *widget,
                     const char *action,
                     GVariant   *param)
{
  HandoffWindow *self = HANDOFF_WINDOW (widget);
  const char *page = g_str_has_suffix (action, "history") ? "history"
                     : g_str_has_suffix (action, "analytics") ? "analytics" : "call";

  if (handoff_account_get_state (self->account) == HANDOFF_ACCOUNT_SIGNED_OUT)
    return;
  adw_view_stack_set_visible_child_name (self->view_stack, page);
  if (g_str_equal (page, "history"))
    handoff_history_view_refresh (self->history_view);
  else if (g_str_equal (page, "analytics"))
    handoff_analytics_view_refresh (self->analytics_view);
}

void
handoff_window_install_actions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.show-call", NULL, show_page_activated);
  gtk_widget_class_install_action (widget_class, "win.show-history", NULL, show_page_activated);
  gtk_widget_class_install_action (widget_class, "win.show-analytics", NULL, show_page_activated);
  gtk_widget_class_install_action (widget_class, "win.hang-up", NULL, hang_up_activated);
  gtk_widget_class_install_action (widget_class, "win.mute", NULL, mute_activated);
  gtk_widget_class_install_action (widget_class, "win.hold", NULL, hold_activated);
  gtk_widget_class_install_action (widget_class, "win.sign-out", NULL, sign_out_activated);
  gtk_widget_class_install_action (widget_class, "win.retry", NULL, retry_activated);
  gtk_widget_class_install_action (widget_class, "win.toast", "s", toast_activated);
  gtk_widget_class_install_action (widget_class, "win.copy-transcript", NULL, copy_transcript_activated);
  gtk_widget_class_install_action (widget_class, "win.focus-assistant", NULL, focus_assistant_activated);
}

void
handoff_window_connect_account (HandoffWindow *self)
{
  g_signal_connect (self->account, "notify::state", G_CALLBACK (on_account_state), self);
  g_signal_connect (self->account, "notify::problem", G_CALLBACK (on_account_problem), self);
  g_signal_connect (self->account, "notify::presence", G_CALLBACK (on_account_presence), self);
  on_account_state (self->account, NULL, self);
}
