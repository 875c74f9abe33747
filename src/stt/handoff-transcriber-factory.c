/* handoff-transcriber-factory.c: choosing and creating a transcriber backend
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "handoff-transcriber"

#include "handoff-deepgram-transcriber.h"
#include "handoff-local-transcriber.h"
#include "handoff-openai-transcriber.h"
#include "handoff-transcriber.h"

HandoffTranscriber *
handoff_transcriber_new_full (HandoffTranscriberBackend backend,
                              gboolean                  live,
                              HandoffSpeechProfile      profile,
                              const char               *cmninit)
{
  GType type;

  switch (backend)
    {
    case HANDOFF_TRANSCRIBER_BACKEND_DEEPGRAM:
      type = HANDOFF_TYPE_DEEPGRAM_TRANSCRIBER;
      break;
    case HANDOFF_TRANSCRIBER_BACKEND_OPENAI:
      type = HANDOFF_TYPE_OPENAI_TRANSCRIBER;
      break;
    case HANDOFF_TRANSCRIBER_BACKEND_LOCAL:
    default:
      type = HANDOFF_TYPE_LOCAL_TRANSCRIBER;
      backend = HANDOFF_TRANSCRIBER_BACKEND_LOCAL;
      break;
    }
  return g_object_new (type, "backend", backend, "live", live, "speech-profile", profile,
                       "cmninit", cmninit, NULL);
}

HandoffTranscriber *
handoff_transcriber_new (HandoffTranscriberBackend backend)
{
  return handoff_transcriber_new_full (backend, TRUE, HANDOFF_SPEECH_PROFILE_WIDEBAND, NULL);
}

HandoffTranscriberBackend
handoff_transcriber_backend_from_settings (GSettings *settings)
{
  g_return_val_if_fail (G_IS_SETTINGS (settings), HANDOFF_TRANSCRIBER_BACKEND_LOCAL);

  switch (g_settings_get_enum (settings, "transcription-backend"))
    {
    case 1:
      return HANDOFF_TRANSCRIBER_BACKEND_DEEPGRAM;
    case 2:
      return HANDOFF_TRANSCRIBER_BACKEND_OPENAI;
    default:
      return HANDOFF_TRANSCRIBER_BACKEND_LOCAL;
    }
}

const char *
handoff_transcriber_backend_to_string (HandoffTranscriberBackend backend)
{
  switch (backend)
    {
    case HANDOFF_TRANSCRIBER_BACKEND_DEEPGRAM:
      return "deepgram";
    case HANDOFF_TRANSCRIBER_BACKEND_OPENAI:
      return "openai";
    case HANDOFF_TRANSCRIBER_BACKEND_LOCAL:
    default:
      return "local";
    }
}

gboolean
handoff_transcriber_backend_from_string (const char                *name,
                                         HandoffTranscriberBackend *backend)
{
  static const HandoffTranscriberBackend all[] = {
    HANDOFF_TRANSCRIBER_BACKEND_LOCAL,
    HANDOFF_TRANSCRIBER_BACKEND_DEEPGRAM,
    HANDOFF_TRANSCRIBER_BACKEND_OPENAI,
  };

  g_return_val_if_fail (backend != NULL, FALSE);

  for (gsize i = 0; name && i < G_N_ELEMENTS (all); i++)
    if (g_str_equal (name, handoff_transcriber_backend_to_string (all[i])))
      {
        *backend = all[i];
        return TRUE;
      }
  return FALSE;
}

char *
handoff_transcriber_key_account (HandoffTranscriberBackend  backend,
                                 const char                *url)
{
  if (url == NULL || *url == '\0')
    return g_strdup (handoff_transcriber_backend_to_string (backend));
  return g_strdup_printf ("%s %s", handoff_transcriber_backend_to_string (backend), url);
}
