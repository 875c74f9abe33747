/* handoff-deepgram-transcriber.h: Deepgram streaming (WebSocket) backend
 *
 * Properties: api-key (from the keyring; never logged), base-url (default
 * wss://api.deepgram.com/v1/listen; tests point it at a local server),
 * model (optional, e.g. "nova-3").
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "handoff-cloud-transcriber.h"

G_BEGIN_DECLS

#define HANDOFF_DEEPGRAM_DEFAULT_URL "wss://api.deepgram.com/v1/listen"

#define HANDOFF_TYPE_DEEPGRAM_TRANSCRIBER (handoff_deepgram_transcriber_get_type ())
G_DECLARE_FINAL_TYPE (HandoffDeepgramTranscriber, handoff_deepgram_transcriber,
                      HANDOFF, DEEPGRAM_TRANSCRIBER, HandoffCloudTranscriber)

G_END_DECLS
