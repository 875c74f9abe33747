/* handoff-audio-device.c: one microphone or speaker the agent can choose
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "handoff-audio"

#include "config.h"

#include <glib/gi18n.h>

#include "handoff-audio-device.h"

struct _HandoffAudioDevice
{
  GObject parent_instance;
  GstDevice *device;     /* NULL: the default */
  char *display_name;
};

G_DEFINE_FINAL_TYPE (HandoffAudioDevice, handoff_audio_device, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_DISPLAY_NAME,
  N_PROPS
};

static GParamSpec *props[N_PROPS];

static void
handoff_audio_device_finalize (GObject *object)
{
  HandoffAudioDevice *self = HANDOFF_AUDIO_DEVICE (object);

  gst_clear_object (&self->device);
  g_free (self->display_name);
  G_OBJECT_CLASS (handoff_audio_device_parent_class)->finalize (object);
}

static void
handoff_audio_device_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  HandoffAudioDevice *self = HANDOFF_AUDIO_DEVICE (object);

  switch (prop_id)
    {
    case PROP_DISPLAY_NAME:
      g_value_set_string (value, self->display_name);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
handoff_audio_device_class_init (HandoffAudioDeviceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = handoff_audio_device_finalize;
  object_class->get_property = handoff_audio_device_get_property;
  /* For list widgets' expressions. */
  props[PROP_DISPLAY_NAME] = g_param_spec_string ("display-name", NULL, NULL, NULL,
                                                  G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
handoff_audio_device_init (HandoffAudioDevice *self)
{
}

HandoffAudioDevice *
handoff_audio_device_new (GstDevice *device)
{
  HandoffAudioDevice *self = g_object_new (HANDOFF_TYPE_AUDIO_DEVICE, NULL);

  g_return_val_if_fail (device == NULL || GST_IS_DEVICE (device), NULL);
  if (device != NULL)
    {
      self->device = gst_object_ref (device);
      self->display_name = gst_device_get_display_name (device);
    }
  else
    self->display_name = g_strdup (_("System default"));
  return self;
}

const char *
handoff_audio_device_get_display_name (HandoffAudioDevice *self)
{
  g_return_val_if_fail (HANDOFF_IS_AUDIO_DEVICE (self), NULL);
  return self->display_name;
}

const char *
handoff_audio_device_get_key (HandoffAudioDevice *self)
{
  g_return_val_if_fail (HANDOFF_IS_AUDIO_DEVICE (self), NULL);
  return self->device != NULL ? self->display_name : "";
}

gboolean
handoff_audio_device_is_default (HandoffAudioDevice *self)
{
  g_return_val_if_fail (HANDOFF_IS_AUDIO_DEVICE (self), FALSE);
  return self->device == NULL;
}

GstDevice *
handoff_audio_device_get_device (HandoffAudioDevice *self)
{
  g_return_val_if_fail (HANDOFF_IS_AUDIO_DEVICE (self), NULL);
  return self->device;
}

GstElement *
handoff_audio_device_create_element (HandoffAudioDevice *self)
{
  g_return_val_if_fail (HANDOFF_IS_AUDIO_DEVICE (self), NULL);
  return self->device != NULL ? gst_device_create_element (self->device, NULL) : NULL;
}
