/* handoff-audio-chooser.c: the microphone and speaker of the call, chosen
 * while it runs
 *
 * Each list is a radio group over the machine's devices (they come and go
 * with the hardware). The choice lives in GSettings, where Preferences
 * keeps it too, and whichever side changes it, the running call follows.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "handoff-audio"

#include "config.h"

#include <glib/gi18n.h>

#include "handoff-audio-chooser.h"
#include "handoff-lk-media.h"

typedef struct {
  HandoffAudioChooser *chooser;
  const char *key;             /* the settings key: "microphone" or "speaker" */
  HandoffAudioDevices *devices;
  GtkToggleButton *group;      /* never shown: makes the rows one radio group */
  gboolean syncing;
} Choice;

struct _HandoffAudioChooser
{
  GtkPopover          parent_instance;

  GtkListBox         *mic_list;
  GtkListBox         *speaker_list;

  GSettings          *settings;
  HandoffCallSession *call;
  Choice              mic;
  Choice              speaker;
};

G_DEFINE_FINAL_TYPE (HandoffAudioChooser, handoff_audio_chooser, GTK_TYPE_POPOVER)

#define DEVICE_KEY "handoff-device-key"

static void
apply_choice (Choice *choice)
{
  HandoffAudioChooser *self = choice->chooser;
  HandoffCallMedia *media = self->call ? handoff_call_session_get_media (self->call) : NULL;
  g_autofree char *key = NULL;
  g_autoptr(GError) error = NULL;
  HandoffAudioDevice *device;
  GstElement *element;
  gboolean ok;

  if (media == NULL || !HANDOFF_IS_LK_MEDIA (media))
    return;
  key = g_settings_get_string (self->settings, choice->key);
  device = handoff_audio_devices_find (choice->devices, key, NULL);
  element = device ? handoff_audio_device_create_element (device) : NULL;
  if (choice == &self->mic)
    ok = handoff_lk_media_use_microphone (HANDOFF_LK_MEDIA (media), element, &error);
  else
    ok = handoff_lk_media_use_speaker (HANDOFF_LK_MEDIA (media), element, &error);
  if (!ok)
    {
      g_autofree char *message = g_strdup_printf (choice == &self->mic ? _("This microphone cannot be used: %s")
                                                                       : _("This speaker cannot be used: %s"),
                                                  error->message);
      gtk_widget_activate_action (GTK_WIDGET (self), "win.toast", "s", message);
    }
}

static void
show_check (GtkToggleButton *button,
            GtkWidget       *check)
{
  gtk_widget_set_opacity (check, gtk_toggle_button_get_active (button) ? 1 : 0);
}

static void
on_row_toggled (GtkToggleButton *button,
                Choice          *choice)
{
  if (choice->syncing || !gtk_toggle_button_get_active (button))
    return;
  g_settings_set_string (choice->chooser->settings, choice->key,
                         g_object_get_data (G_OBJECT (button), DEVICE_KEY));
}

/* A flat toggle button with a check mark: a radio row that a screen reader
 * (GTK 4.8 gives check buttons no action over AT-SPI) can also press. */
static GtkWidget *
create_row (gpointer item,
            gpointer user_data)
{
  Choice *choice = user_data;
  HandoffAudioDevice *device = item;
  const char *name = handoff_audio_device_get_display_name (device);
  g_autofree char *chosen = g_settings_get_string (choice->chooser->settings, choice->key);
  GtkWidget *button = gtk_toggle_button_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *check = gtk_image_new_from_icon_name ("object-select-symbolic");
  GtkWidget *label = gtk_label_new (name);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_box_append (GTK_BOX (box), check);
  gtk_box_append (GTK_BOX (box), label);
  gtk_button_set_child (GTK_BUTTON (button), box);
  gtk_widget_add_css_class (button, "flat");
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
  gtk_toggle_button_set_group (GTK_TOGGLE_BUTTON (button), choice->group);
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (button),
                                g_strcmp0 (chosen, handoff_audio_device_get_key (device)) == 0);
  show_check (GTK_TOGGLE_BUTTON (button), check);
  g_object_set_data_full (G_OBJECT (button), DEVICE_KEY, g_strdup (handoff_audio_device_get_key (device)), g_free);
  g_signal_connect (button, "toggled", G_CALLBACK (show_check), check);
  g_signal_connect (button, "toggled", G_CALLBACK (on_row_toggled), choice);
  return button;
}

/* The rows show what the settings say (also when Preferences changed it). */
static void
sync_rows (Choice     *choice,
           GtkListBox *list)
{
  g_autofree char *chosen = g_settings_get_string (choice->chooser->settings, choice->key);

  choice->syncing = TRUE;
  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (list)); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    {
      GtkWidget *button = gtk_list_box_row_get_child (GTK_LIST_BOX_ROW (row));
      gboolean is_chosen = g_strcmp0 (g_object_get_data (G_OBJECT (button), DEVICE_KEY), chosen) == 0;

      if (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (button)) != is_chosen)
        gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (button), is_chosen);
    }
  choice->syncing = FALSE;
}

static void
on_setting_changed (GSettings           *settings,
                    const char          *key,
                    HandoffAudioChooser *self)
{
  Choice *choice = g_str_equal (key, self->mic.key) ? &self->mic : &self->speaker;

  sync_rows (choice, choice == &self->mic ? self->mic_list : self->speaker_list);
  apply_choice (choice);
}

static void
handoff_audio_chooser_dispose (GObject *object)
{
  HandoffAudioChooser *self = HANDOFF_AUDIO_CHOOSER (object);

  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  g_clear_object (&self->settings);
  g_clear_object (&self->call);
  g_clear_object (&self->mic.group);
  g_clear_object (&self->speaker.group);
  g_clear_object (&self->mic.devices);
  g_clear_object (&self->speaker.devices);
  G_OBJECT_CLASS (handoff_audio_chooser_parent_class)->dispose (object);
}

static void
handoff_audio_chooser_class_init (HandoffAudioChooserClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = handoff_audio_chooser_dispose;
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/ui/handoff-audio-chooser.ui");
  gtk_widget_class_bind_template_child (widget_class, HandoffAudioChooser, mic_list);
  gtk_widget_class_bind_template_child (widget_class, HandoffAudioChooser, speaker_list);
}

static void
handoff_audio_chooser_init (HandoffAudioChooser *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->mic.chooser = self;
  self->mic.key = "microphone";
  self->mic.group = g_object_ref_sink (GTK_TOGGLE_BUTTON (gtk_toggle_button_new ()));
  self->speaker.chooser = self;
  self->speaker.key = "speaker";
  self->speaker.group = g_object_ref_sink (GTK_TOGGLE_BUTTON (gtk_toggle_button_new ()));
}

void
handoff_audio_chooser_setup (HandoffAudioChooser *self,
                             GSettings           *settings,
                             HandoffAudioDevices *microphones,
                             HandoffAudioDevices *speakers)
{
  g_return_if_fail (HANDOFF_IS_AUDIO_CHOOSER (self));
  g_return_if_fail (self->settings == NULL);

  self->settings = g_object_ref (settings);
  self->mic.devices = g_object_ref (microphones);
  self->speaker.devices = g_object_ref (speakers);
  gtk_list_box_bind_model (self->mic_list, G_LIST_MODEL (microphones), create_row, &self->mic, NULL);
  gtk_list_box_bind_model (self->speaker_list, G_LIST_MODEL (speakers), create_row, &self->speaker, NULL);
  g_signal_connect (settings, "changed::microphone", G_CALLBACK (on_setting_changed), self);
  g_signal_connect (settings, "changed::speaker", G_CALLBACK (on_setting_changed), self);
}

void
handoff_audio_chooser_set_call (HandoffAudioChooser *self,
                                HandoffCallSession  *call)
{
  g_return_if_fail (HANDOFF_IS_AUDIO_CHOOSER (self));
  g_set_object (&self->call, call);
}
