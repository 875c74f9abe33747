/* handoff-application.c: actions, options, notifications
 *
 * One process shows either the agent workstation or, with --caller, the
 * caller's window.
 *
 * The agent workstation is unique on a desktop (one agent per desktop, as in
 * real use): it owns its application ID on the session bus, which is where
 * GNOME Shell (org.gtk.Notifications) delivers a notification's "Accept"
 * (org.freedesktop.Application.ActivateAction). A non-unique process owns no
 * name, so that Accept would reach nobody.
 *
 * The caller's window, and a second agent started with --new-instance (the
 * demo and the tests run two agents side by side), are non-unique. Such an
 * agent sends its notifications through org.freedesktop.Notifications, whose
 * ActionInvoked signal comes back to the process that sent them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "handoff"

#include "config.h"

#include <gio/gdesktopappinfo.h>
#include <glib/gi18n.h>
#include <stdlib.h>
#include <unistd.h>

#include "handoff-application.h"
#include "handoff-caller-window.h"
#include "handoff-audio-devices.h"
#include "handoff-chat-client.h"
#include "handoff-secret-store.h"
#include "handoff-preferences-window.h"
#include "handoff-renderer.h"
#include "handoff-resources.h"
#include "handoff-window.h"

struct _HandoffApplication
{
  AdwApplication  parent_instance;

  GSettings      *settings;
  HandoffChatClient *chat;
  HandoffAudioDevices *microphones;
  HandoffAudioDevices *speakers;
  gboolean        caller_mode;
  char           *server_url;     /* --server: wins over GSettings for this run */
  char           *server_cache;
  char           *sign_in_user;
  char           *caller_name;
  char           *caller_reason;
};

G_DEFINE_FINAL_TYPE (HandoffApplication, handoff_application, ADW_TYPE_APPLICATION)

/* The workstation, also when Preferences or a dialog is the active window
 * (a notification's Accept must not be lost then). */
static HandoffWindow *
agent_window (HandoffApplication *self)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    if (HANDOFF_IS_WINDOW (l->data))
      return HANDOFF_WINDOW (l->data);
  return NULL;
}

static void
quit_activated (GSimpleAction *action,
                GVariant      *param,
                gpointer       user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

static void
preferences_activated (GSimpleAction *action,
                       GVariant      *param,
                       gpointer       user_data)
{
  HandoffApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  HandoffPreferencesWindow *prefs = handoff_preferences_window_new (self->settings,
                                                                    handoff_application_get_microphones (self),
                                                                    handoff_application_get_speakers (self));

  gtk_window_set_transient_for (GTK_WINDOW (prefs), parent);
  gtk_window_present (GTK_WINDOW (prefs));
}

static void
about_activated (GSimpleAction *action,
                 GVariant      *param,
                 gpointer       user_data)
{
  HandoffApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  const char *developers[] = { "The Handoff authors", NULL };

  adw_show_about_window (parent,
                         "application-name", _("Handoff"),
                         "application-icon", APP_ID,
                         "version", PACKAGE_VERSION,
                         "developer-name", _("The Handoff authors"),
                         "developers", developers,
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "comments", _("Hand callers over warmly to a colleague"),
                         NULL);
}

static void
accept_call_activated (GSimpleAction *action,
                       GVariant      *param,
                       gpointer       user_data)
{
  HandoffWindow *win = agent_window (user_data);

  if (win == NULL)
    return;
  gtk_window_present (GTK_WINDOW (win));
  handoff_window_accept_call (win, g_variant_get_string (param, NULL));
}

static void
accept_transfer_activated (GSimpleAction *action,
                           GVariant      *param,
                           gpointer       user_data)
{
  HandoffWindow *win = agent_window (user_data);

  if (win == NULL)
    return;
  gtk_window_present (GTK_WINDOW (win));
  handoff_window_accept_transfer (win, g_variant_get_string (param, NULL));
}

static void
show_window_activated (GSimpleAction *action,
                       GVariant      *param,
                       gpointer       user_data)
{
  GtkWindow *win = gtk_application_get_active_window (GTK_APPLICATION (user_data));

  if (win)
    gtk_window_present (win);
}

static const GActionEntry app_actions[] = {
  { "quit", quit_activated, NULL, NULL, NULL, { 0 } },
  { "preferences", preferences_activated, NULL, NULL, NULL, { 0 } },
  { "about", about_activated, NULL, NULL, NULL, { 0 } },
  { "accept-call", accept_call_activated, "s", NULL, NULL, { 0 } },
  { "accept-transfer", accept_transfer_activated, "s", NULL, NULL, { 0 } },
  { "show-window", show_window_activated, NULL, NULL, NULL, { 0 } },
};

/* HANDOFF_BENCH_STARTUP=1: print the time from process start to the first
 * painted frame of the first window and quit (tests/bench/bench-app-startup.sh). */
static gboolean
first_frame_cb (GtkWidget     *widget,
                GdkFrameClock *clock,
                gpointer       user_data)
{
  g_autofree char *stat = NULL;
  double since_start_ms = -1;

  if (g_file_get_contents ("/proc/self/stat", &stat, NULL, NULL))
    {
      /* Field 22 is the start time in clock ticks since boot. */
      g_auto(GStrv) f = g_strsplit (strrchr (stat, ')') + 2, " ", -1);
      g_autofree char *uptime = NULL;

      if (g_strv_length (f) > 19 && g_file_get_contents ("/proc/uptime", &uptime, NULL, NULL))
        since_start_ms = (g_ascii_strtod (uptime, NULL) -
                          g_ascii_strtod (f[19], NULL) / sysconf (_SC_CLK_TCK)) * 1000.0;
    }
  g_print ("first-frame-ms %.0f\n", since_start_ms);
  g_application_quit (G_APPLICATION (gtk_window_get_application (GTK_WINDOW (widget))));
  return G_SOURCE_REMOVE;
}

static void
handoff_application_activate (GApplication *app)
{
  HandoffApplication *self = HANDOFF_APPLICATION (app);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  if (window == NULL)
    {
      if (self->caller_mode)
        window = GTK_WINDOW (handoff_caller_window_new (self, self->caller_name, self->caller_reason));
      else
        {
          HandoffWindow *w = handoff_window_new (self);
          window = GTK_WINDOW (w);
          if (self->sign_in_user != NULL)
            handoff_window_sign_in_from_environment (w, self->sign_in_user);
          else
            handoff_window_restore_session (w);
        }
    }
  if (g_getenv ("HANDOFF_BENCH_STARTUP") != NULL)
    gtk_widget_add_tick_callback (GTK_WIDGET (window), first_frame_cb, NULL, NULL);
  gtk_window_present (window);
}

/* GNOME Shell shows an org.gtk.Notifications notification only from an app
 * whose APP_ID.desktop it finds, and refuses the rest; a run from a build
 * tree has none installed. The freedesktop backend needs no desktop file. */
static void
use_fdo_notifications_unless_installed (void)
{
  g_autoptr(GDesktopAppInfo) installed = g_desktop_app_info_new (APP_ID ".desktop");

  if (installed == NULL)
    g_setenv ("GNOTIFICATION_BACKEND", "freedesktop", FALSE);
}

static int
handoff_application_handle_local_options (GApplication *app,
                                          GVariantDict *options)
{
  HandoffApplication *self = HANDOFF_APPLICATION (app);
  g_autoptr(GError) error = NULL;

  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("handoff %s\n", PACKAGE_VERSION);
      return 0;
    }
  self->caller_mode = g_variant_dict_contains (options, "caller");
  g_variant_dict_lookup (options, "server", "s", &self->server_url);
  g_variant_dict_lookup (options, "sign-in", "s", &self->sign_in_user);
  g_variant_dict_lookup (options, "name", "s", &self->caller_name);
  g_variant_dict_lookup (options, "reason", "s", &self->caller_reason);

  if (self->caller_mode || g_variant_dict_contains (options, "new-instance"))
    {
      g_application_set_flags (app, g_application_get_flags (app) | G_APPLICATION_NON_UNIQUE);
      /* The gtk and portal backends would have the desktop call our
       * application ID's name, which the unique instance owns (or nobody
       * does): an Accept would land in another agent's window. Only the
       * freedesktop backend answers the process that sent the notification.
       * A backend chosen by the user is left alone. */
      if (!self->caller_mode)
        g_setenv ("GNOTIFICATION_BACKEND", "freedesktop", FALSE);
      return -1;
    }

  /* Register now to tell whoever started us that the options of this run
   * go nowhere: a workstation is already open, and it is shown instead. */
  if (!g_application_register (app, NULL, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  if (g_application_get_is_remote (app))
    g_printerr (_("Handoff is already open on this desktop; its window is shown. "
                  "Run with --new-instance to open a second agent workstation.\n"));
  else
    use_fdo_notifications_unless_installed ();
  return -1;
}

static void
handoff_application_startup (GApplication *app)
{
  HandoffApplication *self = HANDOFF_APPLICATION (app);
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *prefs_accels[] = { "<Control>comma", NULL };
  static const char *transfer_accels[] = { "<Control>t", NULL };
  static const char *mute_accels[] = { "<Control>m", NULL };
  static const char *hold_accels[] = { "<Control>h", NULL };
  static const char *hangup_accels[] = { "<Control>e", NULL };
  static const char *copy_accels[] = { "<Control><Shift>c", NULL };
  static const char *assistant_accels[] = { "<Control>k", NULL };
  static const char *call_page_accels[] = { "<Alt>1", NULL };
  static const char *history_accels[] = { "<Alt>2", NULL };
  static const char *analytics_accels[] = { "<Alt>3", NULL };

  G_APPLICATION_CLASS (handoff_application_parent_class)->startup (app);
  handoff_renderer_choose ();
  /* Listed now, off the main loop, so the first call finds the chosen devices. */
  handoff_application_get_microphones (self);
  handoff_application_get_speakers (self);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions, G_N_ELEMENTS (app_actions), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.preferences", prefs_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.transfer", transfer_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.mute", mute_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.hold", hold_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.hang-up", hangup_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.copy-transcript", copy_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.focus-assistant", assistant_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.show-call", call_page_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.show-history", history_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.show-analytics", analytics_accels);
}

static void
handoff_application_finalize (GObject *object)
{
  HandoffApplication *self = HANDOFF_APPLICATION (object);

  g_clear_object (&self->settings);
  g_clear_object (&self->chat);
  g_clear_object (&self->microphones);
  g_clear_object (&self->speakers);
  g_free (self->server_url);
  g_free (self->server_cache);
  g_free (self->sign_in_user);
  g_free (self->caller_name);
  g_free (self->caller_reason);
  G_OBJECT_CLASS (handoff_application_parent_class)->finalize (object);
}

static void
handoff_application_class_init (HandoffApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = handoff_application_finalize;
  app_class->activate = handoff_application_activate;
  app_class->startup = handoff_application_startup;
  app_class->handle_local_options = handoff_application_handle_local_options;
}

static void
handoff_application_init (HandoffApplication *self)
{
  static const GOptionEntry entries[] = {
    { "caller", 'c', 0, G_OPTION_ARG_NONE, NULL, N_("Open the caller's window instead of the agent workstation"), NULL },
    { "server", 's', 0, G_OPTION_ARG_STRING, NULL, N_("handoff-server URL for this run"), N_("URL") },
    { "sign-in", 0, 0, G_OPTION_ARG_STRING, NULL, N_("Sign in as USER with the password in $HANDOFF_PASSWORD"), N_("USER") },
    { "name", 0, 0, G_OPTION_ARG_STRING, NULL, N_("Caller window: prefill the name"), N_("NAME") },
    { "reason", 0, 0, G_OPTION_ARG_STRING, NULL, N_("Caller window: prefill the reason"), N_("TEXT") },
    { "new-instance", 0, 0, G_OPTION_ARG_NONE, NULL,
      N_("Open another agent workstation beside the one already open (a demo or a test on one desktop)"), NULL },
    { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Print the version"), NULL },
    { NULL }
  };
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = source ? g_settings_schema_source_lookup (source, APP_ID, TRUE) : NULL;

  /* Referencing the bundle keeps the static library's resource object (and
   * its registering constructor) in the link. */
  g_assert (handoff_get_resource () != NULL);
  g_application_add_main_option_entries (G_APPLICATION (self), entries);
  if (schema == NULL)
    {
      g_printerr ("The settings schema %s is not installed; for a build tree run with "
                  "GSETTINGS_SCHEMA_DIR=<build>/data\n", APP_ID);
      exit (1);
    }
  self->settings = g_settings_new (APP_ID);
}

HandoffChatClient *
handoff_application_get_chat_client (HandoffApplication *self)
{
  g_return_val_if_fail (HANDOFF_IS_APPLICATION (self), NULL);
  if (self->chat == NULL)
    {
      /* Endpoint and model from settings; the key only from the keyring,
       * where Preferences saves it. Both are followed while the app runs, so
       * a new key or endpoint works without a restart. */
      self->chat = handoff_chat_client_new (NULL, NULL, NULL);
      handoff_chat_client_bind_settings (self->chat, self->settings);
      handoff_chat_client_follow_secret_store (self->chat, handoff_secret_store_get_default ());
    }
  return self->chat;
}

HandoffApplication *
handoff_application_new (void)
{
  return g_object_new (HANDOFF_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       "resource-base-path", RESOURCE_PREFIX,
                       NULL);
}

GSettings *
handoff_application_get_settings (HandoffApplication *self)
{
  g_return_val_if_fail (HANDOFF_IS_APPLICATION (self), NULL);
  return self->settings;
}

const char *
handoff_application_get_server_url (HandoffApplication *self)
{
  g_return_val_if_fail (HANDOFF_IS_APPLICATION (self), NULL);
  if (self->server_url != NULL)
    return self->server_url;
  g_free (self->server_cache);
  self->server_cache = g_settings_get_string (self->settings, "server-url");
  return self->server_cache;
}

gboolean
handoff_application_has_server_override (HandoffApplication *self)
{
  g_return_val_if_fail (HANDOFF_IS_APPLICATION (self), FALSE);
  return self->server_url != NULL;
}

HandoffAudioDevices *
handoff_application_get_microphones (HandoffApplication *self)
{
  g_return_val_if_fail (HANDOFF_IS_APPLICATION (self), NULL);
  if (self->microphones == NULL)
    self->microphones = handoff_audio_devices_new (HANDOFF_AUDIO_MICROPHONES);
  return self->microphones;
}

HandoffAudioDevices *
handoff_application_get_speakers (HandoffApplication *self)
{
  g_return_val_if_fail (HANDOFF_IS_APPLICATION (self), NULL);
  if (self->speakers == NULL)
    self->speakers = handoff_audio_devices_new (HANDOFF_AUDIO_SPEAKERS);
  return self->speakers;
}
