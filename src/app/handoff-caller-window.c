/* handoff-caller-window.c: the caller's simple window (handoff --caller)
 *
 * No account: name and reason go to the server's public call endpoint; the
 * window then says in plain words what is happening. The caller joins the
 * room once and stays; a transfer happens around them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "handoff-caller"

#include "config.h"

#include <glib/gi18n.h>

#include "handoff-call-session.h"
#include "handoff-caller-window.h"
#include "handoff-media-factory.h"
#include "handoff-transcript-view.h"

struct _HandoffCallerWindow
{
  AdwApplicationWindow  parent_instance;

  AdwToastOverlay      *toast_overlay;
  GtkStack             *stack;
  AdwEntryRow          *name_row;
  AdwEntryRow          *reason_row;
  GtkLabel             *error_label;
  GtkButton            *call_button;
  AdwStatusPage        *status_page;
  GtkLabel             *status_label;
  GtkToggleButton      *mute_button;
  GtkButton            *hangup_button;
  GtkToggleButton      *captions_check;
  GtkRevealer          *captions_revealer;
  HandoffTranscriptView *captions;
  AdwStatusPage        *ended_page;

  HandoffApplication   *app;
  HandoffServerClient  *client;
  HandoffCallSession   *call;
  GCancellable         *cancellable;
  GBinding             *mute_binding;
  gboolean              asked_for_name;
};

G_DEFINE_FINAL_TYPE (HandoffCallerWindow, handoff_caller_window, ADW_TYPE_APPLICATION_WINDOW)

static void
update_status (HandoffCallerWindow *self)
{
  HandoffCallState state;
  guint secs;
  g_autofree char *timer = NULL;

  if (self->call == NULL)
    return;
  state = handoff_call_session_get_state (self->call);
  secs = handoff_call_session_get_duration (self->call);
  gtk_label_set_text (self->status_label, handoff_call_session_get_status_text (self->call));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->status_label), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  handoff_call_session_get_status_text (self->call), -1);
  if (secs > 0)
    timer = g_strdup_printf ("%u:%02u", secs / 60, secs % 60);
  adw_status_page_set_title (self->status_page, timer ? timer : "");
  adw_status_page_set_icon_name (self->status_page,
                                 state == HANDOFF_CALL_ON_HOLD || state == HANDOFF_CALL_CONSULTING
                                 ? "media-playback-pause-symbolic" : "call-start-symbolic");
  if (state == HANDOFF_CALL_ENDED || state == HANDOFF_CALL_FAILED)
    {
      const char *outcome = handoff_call_session_get_outcome (self->call);
      adw_status_page_set_description (self->ended_page,
                                       state == HANDOFF_CALL_FAILED ? _("The call could not be connected.")
                                       : g_strcmp0 (outcome, "hung_up") == 0 ? _("Thank you for calling.")
                                       : _("The agent ended the call. Thank you for calling."));
      gtk_stack_set_visible_child_name (self->stack, "ended");
    }
}

static void
on_call_notify (GObject             *object,
                GParamSpec          *pspec,
                HandoffCallerWindow *self)
{
  update_status (self);
}

static void
set_call (HandoffCallerWindow *self,
          HandoffCallSession  *call)
{
  if (self->call)
    {
      g_signal_handlers_disconnect_by_data (self->call, self);
      g_clear_pointer (&self->mute_binding, g_binding_unbind);
      handoff_call_session_hang_up (self->call);
    }
  g_set_object (&self->call, call);
  if (call == NULL)
    {
      handoff_transcript_view_set_model (self->captions, NULL);
      return;
    }
  g_signal_connect (call, "notify::status-text", G_CALLBACK (on_call_notify), self);
  g_signal_connect (call, "notify::state", G_CALLBACK (on_call_notify), self);
  g_signal_connect (call, "notify::duration", G_CALLBACK (on_call_notify), self);
  self->mute_binding = g_object_bind_property (call, "muted", self->mute_button, "active",
                                               G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  handoff_transcript_view_set_model (self->captions, handoff_call_session_get_transcript (call));
  gtk_stack_set_visible_child_name (self->stack, "call");
  update_status (self);
}

static void
on_placed (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(HandoffCallerWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(HandoffCallSession) call = NULL;

  gtk_widget_set_sensitive (GTK_WIDGET (self->call_button), TRUE);
  call = handoff_call_session_place_finish (result, &error);
  if (call == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      gtk_label_set_text (self->error_label, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
      gtk_stack_set_visible_child_name (self->stack, "form");
      return;
    }
  /* The server's id for this caller: sent with the next call, so the agent
   * sees the earlier ones (and their briefs). It may be new: the server does
   * not know ids from another deployment. */
  if (handoff_call_session_get_caller_id (call) != NULL)
    g_settings_set_string (handoff_application_get_settings (self->app), "caller-id",
                           handoff_call_session_get_caller_id (call));
  set_call (self, call);
}

/* The caller typed a name after being asked for one: the request is answered,
 * it should not stay on the form as if it were still wrong. */
static void
on_name_changed (HandoffCallerWindow *self)
{
  if (!self->asked_for_name)
    return;
  self->asked_for_name = FALSE;
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
}

static void
on_call_clicked (HandoffCallerWindow *self)
{
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row))));
  const char *reason = gtk_editable_get_text (GTK_EDITABLE (self->reason_row));
  g_autoptr(HandoffCallMedia) media = NULL;
  g_autofree char *caller_id = NULL;

  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
  self->asked_for_name = FALSE;
  if (name[0] == '\0')
    {
      gtk_label_set_text (self->error_label, _("Please enter your name"));
      gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
      gtk_widget_grab_focus (GTK_WIDGET (self->name_row));
      self->asked_for_name = TRUE;
      return;
    }
  gtk_widget_set_sensitive (GTK_WIDGET (self->call_button), FALSE);
  /* Show "Connecting…" at once; the server and the room follow. */
  gtk_label_set_text (self->status_label, _("Connecting…"));
  adw_status_page_set_title (self->status_page, "");
  gtk_stack_set_visible_child_name (self->stack, "call");
  g_clear_object (&self->client);
  self->client = handoff_server_client_new (handoff_application_get_server_url (self->app));
  media = handoff_media_factory_create (self->app);
  caller_id = g_settings_get_string (handoff_application_get_settings (self->app), "caller-id");
  handoff_call_session_place_async (self->client, name, reason, caller_id, media, self->cancellable,
                                    on_placed, g_object_ref (self));
}

static void
on_hangup_clicked (HandoffCallerWindow *self)
{
  if (self->call == NULL)
    {
      /* Still connecting: give up. */
      g_cancellable_cancel (self->cancellable);
      g_clear_object (&self->cancellable);
      self->cancellable = g_cancellable_new ();
      gtk_widget_set_sensitive (GTK_WIDGET (self->call_button), TRUE);
      gtk_stack_set_visible_child_name (self->stack, "form");
      return;
    }
  handoff_call_session_hang_up (self->call);
}

static void
on_again_clicked (HandoffCallerWindow *self)
{
  set_call (self, NULL);
  gtk_stack_set_visible_child_name (self->stack, "form");
}

static void
handoff_caller_window_dispose (GObject *object)
{
  HandoffCallerWindow *self = HANDOFF_CALLER_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->call)
    set_call (self, NULL);
  g_clear_object (&self->client);
  G_OBJECT_CLASS (handoff_caller_window_parent_class)->dispose (object);
}

static void
handoff_caller_window_class_init (HandoffCallerWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = handoff_caller_window_dispose;

  g_type_ensure (HANDOFF_TYPE_TRANSCRIPT_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/ui/handoff-caller-window.ui");
  gtk_widget_class_bind_template_child (widget_class, HandoffCallerWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, HandoffCallerWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, HandoffCallerWindow, name_row);
  gtk_widget_class_bind_template_child (widget_class, HandoffCallerWindow, reason_row);
  gtk_widget_class_bind_template_child (widget_class, HandoffCallerWindow, error_label);
  gtk_widget_class_bind_template_child (widget_class, HandoffCallerWindow, call_button);
  gtk_widget_class_bind_template_child (widget_class, HandoffCallerWindow, status_page);
  gtk_widget_class_bind_template_child (widget_class, HandoffCallerWindow, status_label);
  gtk_widget_class_bind_template_child (widget_class, HandoffCallerWindow, mute_button);
  gtk_widget_class_bind_template_child (widget_class, HandoffCallerWindow, hangup_button);
  gtk_widget_class_bind_template_child (widget_class, HandoffCallerWindow, captions_check);
  gtk_widget_class_bind_template_child (widget_class, HandoffCallerWindow, captions_revealer);
  gtk_widget_class_bind_template_child (widget_class, HandoffCallerWindow, captions);
  gtk_widget_class_bind_template_child (widget_class, HandoffCallerWindow, ended_page);
  gtk_widget_class_bind_template_callback (widget_class, on_name_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_call_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_hangup_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_again_clicked);
}

/* With captions shown the status page gives up its room: a smaller icon and
 * less space, so the call buttons stay in view at the window's size. */
static void
on_captions_toggled (HandoffCallerWindow *self)
{
  if (gtk_toggle_button_get_active (self->captions_check))
    gtk_widget_add_css_class (GTK_WIDGET (self->status_page), "compact");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->status_page), "compact");
}

static void
handoff_caller_window_init (HandoffCallerWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  g_object_bind_property (self->captions_check, "active", self->captions_revealer, "reveal-child",
                          G_BINDING_SYNC_CREATE);
  g_signal_connect_swapped (self->captions_check, "toggled", G_CALLBACK (on_captions_toggled), self);
}

HandoffCallerWindow *
handoff_caller_window_new (HandoffApplication *app,
                           const char         *name,
                           const char         *reason)
{
  HandoffCallerWindow *self = g_object_new (HANDOFF_TYPE_CALLER_WINDOW, "application", app, NULL);

  self->app = app;
  if (name)
    gtk_editable_set_text (GTK_EDITABLE (self->name_row), name);
  if (reason)
    gtk_editable_set_text (GTK_EDITABLE (self->reason_row), reason);
  return self;
}
