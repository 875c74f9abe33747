/* handoff-local-transcriber.h: the embedded pocketsphinx backend
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "handoff-transcriber.h"

G_BEGIN_DECLS

#define HANDOFF_TYPE_LOCAL_TRANSCRIBER (handoff_local_transcriber_get_type ())
G_DECLARE_FINAL_TYPE (HandoffLocalTranscriber, handoff_local_transcriber,
                      HANDOFF, LOCAL_TRANSCRIBER, HandoffTranscriber)

G_END_DECLS
