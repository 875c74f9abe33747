/* handoff-media-factory.c: the media layer for a new call
 *
 * The LiveKit client with the devices chosen (in Preferences or during a
 * call); the test variables HANDOFF_AUDIO_SRC / HANDOFF_AUDIO_SINK win over
 * the choice at the start of a call.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "handoff"

#include "config.h"

#include <gio/gio.h>
#include <gst/gst.h>

#include "handoff-application.h"
#include "handoff-lk-media.h"
#include "handoff-media-factory.h"
#include "handoff-transcriber.h"

/* The device chosen in @settings' @key, as a new element; NULL (the
 * default) when none is chosen or it is not plugged in. */
static GstElement *
chosen_element (GSettings           *settings,
                const char          *key,
                HandoffAudioDevices *devices)
{
  g_autofree char *name = g_settings_get_string (settings, key);
  HandoffAudioDevice *device;

  if (*name == '\0')
    return NULL;
  device = handoff_audio_devices_find (devices, name, NULL);
  if (device == NULL)
    {
      g_message ("Audio device “%s” not found; using the default", name);
      return NULL;
    }
  return handoff_audio_device_create_element (device);
}

HandoffCallMedia *
handoff_media_factory_create (HandoffApplication *app)
{
  HandoffLkMedia *media = handoff_lk_media_new ();
  GSettings *settings = handoff_application_get_settings (app);

  if (!gst_is_initialized ())
    gst_init (NULL, NULL);
  handoff_lk_media_set_devices (media,
                                g_getenv ("HANDOFF_AUDIO_SRC") ? NULL
                                  : chosen_element (settings, "microphone", handoff_application_get_microphones (app)),
                                g_getenv ("HANDOFF_AUDIO_SINK") ? NULL
                                  : chosen_element (settings, "speaker", handoff_application_get_speakers (app)));
  handoff_lk_media_enable_speaker_meter (media);
  /* Each app transcribes its own microphone (architecture.md), from a tap
   * on the published track. HANDOFF_MIC_TAPS=0 or HANDOFF_TRANSCRIBE=0: no
   * own transcript (tests with tones; measuring what it costs). The level
   * meters need no tap. */
  if (g_strcmp0 (g_getenv ("HANDOFF_MIC_TAPS"), "0") != 0 && g_strcmp0 (g_getenv ("HANDOFF_TRANSCRIBE"), "0") != 0)
    {
      g_autoptr(HandoffTranscriber) transcriber =
        handoff_transcriber_new (handoff_transcriber_backend_from_settings (settings));
      if (transcriber)
        handoff_lk_media_set_transcriber (media, transcriber);
    }
  return HANDOFF_CALL_MEDIA (media);
}
