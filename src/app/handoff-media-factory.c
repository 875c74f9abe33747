/* handoff-media-factory.c: the media layer for a new call
 *
 * The LiveKit client with the devices chosen in Preferences; the test
 * variables HANDOFF_AUDIO_SRC / HANDOFF_AUDIO_SINK win over the choice.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "handoff"

#include "config.h"

#include <gio/gio.h>
#include <gst/gst.h>

#include "handoff-lk-media.h"
#include "handoff-media-factory.h"
#include "handoff-transcriber.h"

static GstElement *
device_element (const char *klass,
                const char *name)
{
  g_autoptr(GstDeviceMonitor) monitor = NULL;
  GList *devices;
  GstElement *element = NULL;

  if (name == NULL || *name == '\0')
    return NULL;
  monitor = gst_device_monitor_new ();
  gst_device_monitor_add_filter (monitor, klass, NULL);
  devices = gst_device_monitor_get_devices (monitor);
  for (GList *l = devices; l && element == NULL; l = l->next)
    {
      g_autofree char *display = gst_device_get_display_name (l->data);
      if (g_strcmp0 (display, name) == 0)
        element = gst_device_create_element (l->data, NULL);
    }
  g_list_free_full (devices, gst_object_unref);
  if (element == NULL)
    g_message ("Audio device “%s” not found; using the default", name);
  return element;
}

HandoffCallMedia *
handoff_media_factory_create (GSettings *settings)
{
  HandoffLkMedia *media = handoff_lk_media_new ();
  g_autofree char *mic = NULL;
  g_autofree char *speaker = NULL;

  if (!gst_is_initialized ())
    gst_init (NULL, NULL);
  if (settings != NULL)
    {
      mic = g_settings_get_string (settings, "microphone");
      speaker = g_settings_get_string (settings, "speaker");
    }
  handoff_lk_media_set_devices (media,
                                g_getenv ("HANDOFF_AUDIO_SRC") ? NULL : device_element ("Audio/Source", mic),
                                g_getenv ("HANDOFF_AUDIO_SINK") ? NULL : device_element ("Audio/Sink", speaker));
  handoff_lk_media_enable_speaker_meter (media);
  /* Each app transcribes its own microphone (architecture.md), from a tap
   * on the published track. HANDOFF_MIC_TAPS=0 or HANDOFF_TRANSCRIBE=0: no
   * own transcript (tests with tones; measuring what it costs). The level
   * meters need no tap. */
  if (g_strcmp0 (g_getenv ("HANDOFF_MIC_TAPS"), "0") != 0 && g_strcmp0 (g_getenv ("HANDOFF_TRANSCRIBE"), "0") != 0)
    {
      g_autoptr(HandoffTranscriber) transcriber =
        handoff_transcriber_new (settings ? handoff_transcriber_backend_from_settings (settings)
                                          : HANDOFF_TRANSCRIBER_BACKEND_LOCAL);
      if (transcriber)
        handoff_lk_media_set_transcriber (media, transcriber);
    }
  return HANDOFF_CALL_MEDIA (media);
}
