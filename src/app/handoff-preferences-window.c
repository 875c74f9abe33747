/* handoff-preferences-window.c
 *
 * Settings are bound to GSettings; the AI key goes to the keyring only.
 * Audio devices are the application's HandoffAudioDevices lists, kept in
 * GSettings by display name (the call view's menu shares the keys).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "handoff-prefs"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "handoff-preferences-window.h"
#include "handoff-secret-store.h"
#include "handoff-transcriber.h"

struct _HandoffPreferencesWindow
{
  AdwPreferencesWindow parent_instance;

  AdwEntryRow         *server_row;
  GtkSpinButton       *watchdog_spin;
  AdwActionRow        *hold_music_row;
  AdwComboRow         *mic_row;
  AdwComboRow         *speaker_row;
  AdwComboRow         *backend_row;
  AdwEntryRow         *stt_url_row;
  AdwPasswordEntryRow *stt_key_row;
  GtkSwitch           *redact_switch;
  AdwEntryRow         *ai_url_row;
  AdwEntryRow         *ai_model_row;
  AdwPasswordEntryRow *ai_key_row;

  GSettings           *settings;
  gboolean             selecting;
};

G_DEFINE_FINAL_TYPE (HandoffPreferencesWindow, handoff_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

static void
on_server_apply (HandoffPreferencesWindow *self)
{
  const char *url = gtk_editable_get_text (GTK_EDITABLE (self->server_row));

  if (!g_str_has_prefix (url, "http://") && !g_str_has_prefix (url, "https://"))
    {
      adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self),
                                        adw_toast_new (_("The address must start with http:// or https://")));
      return;
    }
  g_settings_set_string (self->settings, "server-url", url);
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self),
                                    adw_toast_new (_("Used the next time you sign in")));
}

static void
on_key_saved (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(HandoffPreferencesWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!handoff_secret_store_save_finish (HANDOFF_SECRET_STORE (source), result, &error))
    adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (error->message));
  else
    adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self),
                                      adw_toast_new (handoff_secret_store_is_persistent (HANDOFF_SECRET_STORE (source))
                                                     ? _("Key saved in the keyring")
                                                     : _("No keyring: the key is kept until you quit")));
}

static void
on_key_removed (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(HandoffPreferencesWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean removed = handoff_secret_store_clear_finish (HANDOFF_SECRET_STORE (source), result,
                                                        &error);

  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self),
                                    adw_toast_new (removed ? _("Key removed") : error->message));
}

/* Saves (or, empty, removes) @row's key under @kind/@account. */
static void
apply_key (HandoffPreferencesWindow *self,
           GtkEditable              *row,
           const char               *kind,
           const char               *account)
{
  g_autofree char *key = g_strstrip (g_strdup (gtk_editable_get_text (row)));
  HandoffSecretStore *store = handoff_secret_store_get_default ();

  if (*key == '\0')
    handoff_secret_store_clear_async (store, kind, account, NULL, on_key_removed, g_object_ref (self));
  else
    handoff_secret_store_save_async (store, kind, account, key, NULL, on_key_saved, g_object_ref (self));
  memset (key, 0, strlen (key));
  gtk_editable_set_text (row, "");
}

/* The key of the chosen cloud service at this endpoint; used from the next
 * call (each call's transcriber looks it up as it starts). */
static void
on_stt_key_apply (HandoffPreferencesWindow *self)
{
  g_autofree char *url = g_settings_get_string (self->settings, "transcription-url");
  g_autofree char *account =
    handoff_transcriber_key_account (handoff_transcriber_backend_from_settings (self->settings), url);

  apply_key (self, GTK_EDITABLE (self->stt_key_row), HANDOFF_SECRET_STT_KEY, account);
}

/* The running app follows the keyring (handoff_chat_client_follow_secret_store),
 * so the assistant and the summaries use a saved key at once. Applying an
 * empty row removes the key for this endpoint. */
static void
on_key_apply (HandoffPreferencesWindow *self)
{
  g_autofree char *url = g_settings_get_string (self->settings, "ai-base-url");

  apply_key (self, GTK_EDITABLE (self->ai_key_row), HANDOFF_SECRET_AI_KEY, url);
}

static void
update_music_row (HandoffPreferencesWindow *self)
{
  g_autofree char *file = g_settings_get_string (self->settings, "hold-music");
  g_autofree char *base = file[0] ? g_path_get_basename (file) : NULL;

  adw_action_row_set_subtitle (self->hold_music_row, base ? base : _("Built-in tune"));
}

static void
on_music_chosen (GtkNativeDialog          *dialog,
                 int                       response,
                 HandoffPreferencesWindow *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = g_file_get_path (file);

      g_settings_set_string (self->settings, "hold-music", path ? path : "");
      update_music_row (self);
    }
  g_object_unref (dialog);
}

static void
on_choose_music (HandoffPreferencesWindow *self)
{
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  chooser = gtk_file_chooser_native_new (_("Hold Music"), GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_OPEN,
                                         _("_Choose"), _("_Cancel"));
  gtk_file_filter_set_name (filter, _("Audio"));
  gtk_file_filter_add_mime_type (filter, "audio/*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (on_music_chosen), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
on_clear_music (HandoffPreferencesWindow *self)
{
  g_settings_set_string (self->settings, "hold-music", "");
  update_music_row (self);
}

/* The row shows the device the settings name; until the devices are
 * listed (or while the chosen one is unplugged) the default. */
static void
select_device (AdwComboRow *row)
{
  HandoffPreferencesWindow *self = HANDOFF_PREFERENCES_WINDOW (gtk_widget_get_root (GTK_WIDGET (row)));
  HandoffAudioDevices *devices = HANDOFF_AUDIO_DEVICES (adw_combo_row_get_model (row));
  g_autofree char *key = g_settings_get_string (self->settings, row == self->mic_row ? "microphone" : "speaker");
  guint position = 0;

  handoff_audio_devices_find (devices, key, &position);
  self->selecting = TRUE;
  adw_combo_row_set_selected (row, position);
  self->selecting = FALSE;
}

static void
on_device_selected (AdwComboRow              *row,
                    GParamSpec               *pspec,
                    HandoffPreferencesWindow *self)
{
  g_autoptr(HandoffAudioDevice) device = NULL;
  guint i = adw_combo_row_get_selected (row);

  if (self->selecting || i == GTK_INVALID_LIST_POSITION)
    return;
  device = g_list_model_get_item (adw_combo_row_get_model (row), i);
  g_settings_set_string (self->settings, row == self->mic_row ? "microphone" : "speaker",
                         handoff_audio_device_get_key (device));
}

static void
bind_devices (HandoffPreferencesWindow *self,
              AdwComboRow              *row,
              HandoffAudioDevices      *devices)
{
  g_autoptr(GtkExpression) name = gtk_property_expression_new (HANDOFF_TYPE_AUDIO_DEVICE, NULL, "display-name");

  adw_combo_row_set_expression (row, name);
  adw_combo_row_set_model (row, G_LIST_MODEL (devices));
  select_device (row);
  g_signal_connect_object (devices, "items-changed", G_CALLBACK (select_device), row, G_CONNECT_SWAPPED);
  g_signal_connect (row, "notify::selected", G_CALLBACK (on_device_selected), self);
}

/* The endpoint and key rows only for a service in the cloud. */
static void
show_backend (HandoffPreferencesWindow *self)
{
  gboolean cloud = handoff_transcriber_backend_from_settings (self->settings) != HANDOFF_TRANSCRIBER_BACKEND_LOCAL;

  gtk_widget_set_visible (GTK_WIDGET (self->stt_url_row), cloud);
  gtk_widget_set_visible (GTK_WIDGET (self->stt_key_row), cloud);
}

static void
on_backend_selected (HandoffPreferencesWindow *self)
{
  g_settings_set_enum (self->settings, "transcription-backend", (int) adw_combo_row_get_selected (self->backend_row));
  show_backend (self);
}

static void
handoff_preferences_window_dispose (GObject *object)
{
  HandoffPreferencesWindow *self = HANDOFF_PREFERENCES_WINDOW (object);

  g_clear_object (&self->settings);
  G_OBJECT_CLASS (handoff_preferences_window_parent_class)->dispose (object);
}

static void
handoff_preferences_window_class_init (HandoffPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = handoff_preferences_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/ui/handoff-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, HandoffPreferencesWindow, server_row);
  gtk_widget_class_bind_template_child (widget_class, HandoffPreferencesWindow, watchdog_spin);
  gtk_widget_class_bind_template_child (widget_class, HandoffPreferencesWindow, hold_music_row);
  gtk_widget_class_bind_template_child (widget_class, HandoffPreferencesWindow, mic_row);
  gtk_widget_class_bind_template_child (widget_class, HandoffPreferencesWindow, speaker_row);
  gtk_widget_class_bind_template_child (widget_class, HandoffPreferencesWindow, backend_row);
  gtk_widget_class_bind_template_child (widget_class, HandoffPreferencesWindow, stt_url_row);
  gtk_widget_class_bind_template_child (widget_class, HandoffPreferencesWindow, stt_key_row);
  gtk_widget_class_bind_template_child (widget_class, HandoffPreferencesWindow, redact_switch);
  gtk_widget_class_bind_template_child (widget_class, HandoffPreferencesWindow, ai_url_row);
  gtk_widget_class_bind_template_child (widget_class, HandoffPreferencesWindow, ai_model_row);
  gtk_widget_class_bind_template_child (widget_class, HandoffPreferencesWindow, ai_key_row);
  gtk_widget_class_bind_template_callback (widget_class, on_server_apply);
  gtk_widget_class_bind_template_callback (widget_class, on_key_apply);
  gtk_widget_class_bind_template_callback (widget_class, on_stt_key_apply);
  gtk_widget_class_bind_template_callback (widget_class, on_choose_music);
  gtk_widget_class_bind_template_callback (widget_class, on_clear_music);
}

static void
handoff_preferences_window_init (HandoffPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

HandoffPreferencesWindow *
handoff_preferences_window_new (GSettings           *settings,
                                HandoffAudioDevices *microphones,
                                HandoffAudioDevices *speakers)
{
  HandoffPreferencesWindow *self = g_object_new (HANDOFF_TYPE_PREFERENCES_WINDOW, NULL);
  g_autofree char *url = g_settings_get_string (settings, "server-url");

  self->settings = g_object_ref (settings);
  gtk_editable_set_text (GTK_EDITABLE (self->server_row), url);
  g_settings_bind (settings, "hold-watchdog-seconds", gtk_spin_button_get_adjustment (self->watchdog_spin),
                   "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "redact", self->redact_switch, "active", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "ai-base-url", self->ai_url_row, "text", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "ai-model", self->ai_model_row, "text", G_SETTINGS_BIND_DEFAULT);
  adw_combo_row_set_selected (self->backend_row, g_settings_get_enum (settings, "transcription-backend"));
  g_signal_connect_swapped (self->backend_row, "notify::selected", G_CALLBACK (on_backend_selected), self);
  g_settings_bind (settings, "transcription-url", self->stt_url_row, "text", G_SETTINGS_BIND_DEFAULT);
  show_backend (self);

  bind_devices (self, self->mic_row, microphones);
  bind_devices (self, self->speaker_row, speakers);
  update_music_row (self);
  return self;
}
