/* handoff-openai-transcriber.h: OpenAI-compatible /audio/transcriptions backend
 *
 * Groq's Whisper (the default), OpenAI, or a local whisper server.
 * Utterances are cut by an energy VAD (handoff-vad.h) and sent one at a
 * time, in order, as a WAV multipart upload to {base-url}/audio/transcriptions
 * (model, response_format=json); each answer's "text" becomes one final
 * segment. Properties: api-key (never logged), base-url (default
 * https://api.groq.com/openai/v1), model (default whisper-large-v3-turbo),
 * language (optional ISO-639-1 hint).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "handoff-cloud-transcriber.h"

G_BEGIN_DECLS

#define HANDOFF_OPENAI_STT_DEFAULT_URL   "https://api.groq.com/openai/v1"
#define HANDOFF_OPENAI_STT_DEFAULT_MODEL "whisper-large-v3-turbo"

#define HANDOFF_TYPE_OPENAI_TRANSCRIBER (handoff_openai_transcriber_get_type ())
G_DECLARE_FINAL_TYPE (HandoffOpenaiTranscriber, handoff_openai_transcriber,
                      HANDOFF, OPENAI_TRANSCRIBER, HandoffCloudTranscriber)

G_END_DECLS
