/* handoff-media-factory.h: the media layer for a new call
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "handoff-application.h"
#include "handoff-call-media.h"

G_BEGIN_DECLS

/* A new media object for one call: the LiveKit client with the devices
 * chosen in @app's settings; HANDOFF_AUDIO_SRC / HANDOFF_AUDIO_SINK win. */
HandoffCallMedia *handoff_media_factory_create (HandoffApplication *app);

G_END_DECLS
