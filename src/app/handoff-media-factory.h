/* handoff-media-factory.h: the media layer for a new call
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "handoff-call-media.h"

G_BEGIN_DECLS

/* A new media object for one call (HANDOFF_AUDIO_SRC / HANDOFF_AUDIO_SINK
 * honoured), or NULL when this build has no media layer. */
HandoffCallMedia *handoff_media_factory_create (void);

G_END_DECLS
