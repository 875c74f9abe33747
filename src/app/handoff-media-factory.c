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
#include <string.h>

#include "handoff-application.h"
#include "handoff-cloud-transcriber.h"
#include "handoff-lk-media.h"
#include "handoff-media-factory.h"
#include "handoff-secret-store.h"
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

static void
on_transcription_key (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(HandoffTranscriber) transcriber = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *key = handoff_secret_store_lookup_finish (HANDOFF_SECRET_STORE (source), result, &error);

  if (key == NULL)
    {
      /* The transcriber says so itself (no key: it falls back to this
       * computer, and the call view tells the agent). */
      if (error != NULL)
        g_message ("No transcription key from the keyring: %s", error->message);
      return;
    }
  g_object_set (transcriber, "api-key", key, NULL);
  memset (key, 0, strlen (key));
}

/* A cloud transcriber's endpoint from the settings and its key from the
 * keyring. The lookup is quicker than a join: the key is there before the
 * first utterance is sent. */
static void
configure_cloud (HandoffTranscriber *transcriber,
                 GSettings          *settings)
{
  g_autofree char *url = g_settings_get_string (settings, "transcription-url");
  g_autofree char *account = NULL;

  if (!HANDOFF_IS_CLOUD_TRANSCRIBER (transcriber))
    return;
  if (*url != '\0')
    g_object_set (transcriber, "base-url", url, NULL);
  account = handoff_transcriber_key_account (handoff_transcriber_get_backend (transcriber), url);
  handoff_secret_store_lookup_async (handoff_secret_store_get_default (), HANDOFF_SECRET_STT_KEY, account,
                                     NULL, on_transcription_key, g_object_ref (transcriber));
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
        {
          configure_cloud (transcriber, settings);
          handoff_lk_media_set_transcriber (media, transcriber);
        }
    }
  return HANDOFF_CALL_MEDIA (media);
}
