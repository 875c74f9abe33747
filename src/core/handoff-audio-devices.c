/* handoff-audio-devices.c: the microphones (or the speakers) of this
 * machine, from a GstDeviceMonitor
 *
 * Starting a monitor asks the sound server (or probes ALSA) and can take
 * a while, so it starts in a worker thread; afterwards the monitor's bus
 * tells us of devices plugged in and out, on our main context.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "handoff-audio"

#include "config.h"

#include "handoff-audio-devices.h"

struct _HandoffAudioDevices
{
  GObject parent_instance;
  GstDeviceMonitor *monitor;
  GPtrArray *items;        /* HandoffAudioDevice; [0] the default */
  guint bus_watch;
  gboolean started;
  gboolean loaded;
};

static void handoff_audio_devices_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (HandoffAudioDevices, handoff_audio_devices, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, handoff_audio_devices_model_init))

enum {
  PROP_0,
  PROP_LOADED,
  N_PROPS
};

static GParamSpec *props[N_PROPS];

static GType
get_item_type (GListModel *model)
{
  return HANDOFF_TYPE_AUDIO_DEVICE;
}

static guint
get_n_items (GListModel *model)
{
  return HANDOFF_AUDIO_DEVICES (model)->items->len;
}

static gpointer
get_item (GListModel *model,
          guint       position)
{
  HandoffAudioDevices *self = HANDOFF_AUDIO_DEVICES (model);

  return position < self->items->len ? g_object_ref (g_ptr_array_index (self->items, position)) : NULL;
}

static void
handoff_audio_devices_model_init (GListModelInterface *iface)
{
  iface->get_item_type = get_item_type;
  iface->get_n_items = get_n_items;
  iface->get_item = get_item;
}

static guint
position_of (HandoffAudioDevices *self,
             GstDevice           *device)
{
  for (guint i = 1; i < self->items->len; i++)
    if (handoff_audio_device_get_device (g_ptr_array_index (self->items, i)) == device)
      return i;
  return 0;
}

/* The "Monitor of …" sources of a sound server record what a speaker
 * plays: no microphone an agent means to choose. */
static gboolean
is_monitor (GstDevice *device)
{
  g_autoptr(GstStructure) properties = gst_device_get_properties (device);

  return properties != NULL &&
         g_strcmp0 (gst_structure_get_string (properties, "device.class"), "monitor") == 0;
}

static void
add_device (HandoffAudioDevices *self,
            GstDevice           *device)
{
  if (position_of (self, device) != 0 || is_monitor (device))
    return;
  g_ptr_array_add (self->items, handoff_audio_device_new (device));
  g_list_model_items_changed (G_LIST_MODEL (self), self->items->len - 1, 0, 1);
}

static void
remove_device (HandoffAudioDevices *self,
               GstDevice           *device)
{
  guint i = position_of (self, device);

  if (i == 0)
    return;
  g_ptr_array_remove_index (self->items, i);
  g_list_model_items_changed (G_LIST_MODEL (self), i, 1, 0);
}

static gboolean
on_bus_message (GstBus     *bus,
                GstMessage *message,
                gpointer    user_data)
{
  HandoffAudioDevices *self = user_data;
  g_autoptr(GstDevice) device = NULL;

  switch (GST_MESSAGE_TYPE (message))
    {
    case GST_MESSAGE_DEVICE_ADDED:
      gst_message_parse_device_added (message, &device);
      add_device (self, device);
      break;
    case GST_MESSAGE_DEVICE_REMOVED:
      gst_message_parse_device_removed (message, &device);
      remove_device (self, device);
      break;
    default:
      break;
    }
  return G_SOURCE_CONTINUE;
}

static void
start_in_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  g_task_return_boolean (task, gst_device_monitor_start (GST_DEVICE_MONITOR (task_data)));
}

static void
on_started (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  HandoffAudioDevices *self = HANDOFF_AUDIO_DEVICES (source);
  GList *devices;

  self->started = g_task_propagate_boolean (G_TASK (result), NULL);
  if (!self->started)
    g_message ("No audio devices could be listed; the system default is used");
  else
    {
      devices = gst_device_monitor_get_devices (self->monitor);
      for (GList *l = devices; l != NULL; l = l->next)
        add_device (self, l->data);
      g_list_free_full (devices, gst_object_unref);
    }
  self->loaded = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_LOADED]);
}

static void
handoff_audio_devices_dispose (GObject *object)
{
  HandoffAudioDevices *self = HANDOFF_AUDIO_DEVICES (object);

  g_clear_handle_id (&self->bus_watch, g_source_remove);
  if (self->started)
    gst_device_monitor_stop (self->monitor);
  self->started = FALSE;
  gst_clear_object (&self->monitor);
  G_OBJECT_CLASS (handoff_audio_devices_parent_class)->dispose (object);
}

static void
handoff_audio_devices_finalize (GObject *object)
{
  HandoffAudioDevices *self = HANDOFF_AUDIO_DEVICES (object);

  g_ptr_array_unref (self->items);
  G_OBJECT_CLASS (handoff_audio_devices_parent_class)->finalize (object);
}

static void
handoff_audio_devices_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  HandoffAudioDevices *self = HANDOFF_AUDIO_DEVICES (object);

  switch (prop_id)
    {
    case PROP_LOADED:
      g_value_set_boolean (value, self->loaded);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
handoff_audio_devices_class_init (HandoffAudioDevicesClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = handoff_audio_devices_dispose;
  object_class->finalize = handoff_audio_devices_finalize;
  object_class->get_property = handoff_audio_devices_get_property;
  props[PROP_LOADED] = g_param_spec_boolean ("loaded", NULL, NULL, FALSE,
                                             G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
handoff_audio_devices_init (HandoffAudioDevices *self)
{
  self->items = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (self->items, handoff_audio_device_new (NULL));
}

HandoffAudioDevices *
handoff_audio_devices_new (const char *device_class)
{
  HandoffAudioDevices *self = g_object_new (HANDOFF_TYPE_AUDIO_DEVICES, NULL);
  g_autoptr(GTask) task = NULL;
  g_autoptr(GstBus) bus = NULL;

  g_return_val_if_fail (device_class != NULL, NULL);
  if (!gst_is_initialized ())
    gst_init (NULL, NULL);
  self->monitor = gst_device_monitor_new ();
  gst_device_monitor_add_filter (self->monitor, device_class, NULL);
  bus = gst_device_monitor_get_bus (self->monitor);
  self->bus_watch = gst_bus_add_watch (bus, on_bus_message, self);

  task = g_task_new (self, NULL, on_started, NULL);
  g_task_set_source_tag (task, handoff_audio_devices_new);
  g_task_set_task_data (task, gst_object_ref (self->monitor), gst_object_unref);
  g_task_run_in_thread (task, start_in_thread);
  return self;
}

gboolean
handoff_audio_devices_is_loaded (HandoffAudioDevices *self)
{
  g_return_val_if_fail (HANDOFF_IS_AUDIO_DEVICES (self), FALSE);
  return self->loaded;
}

HandoffAudioDevice *
handoff_audio_devices_find (HandoffAudioDevices *self,
                            const char          *key,
                            guint               *position)
{
  g_return_val_if_fail (HANDOFF_IS_AUDIO_DEVICES (self), NULL);

  for (guint i = 0; i < self->items->len; i++)
    if (g_strcmp0 (handoff_audio_device_get_key (g_ptr_array_index (self->items, i)), key ? key : "") == 0)
      {
        if (position != NULL)
          *position = i;
        return g_ptr_array_index (self->items, i);
      }
  return NULL;
}
