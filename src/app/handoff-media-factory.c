/* handoff-media-factory.c: the media layer for a new call
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "handoff"

#include "config.h"

#include "handoff-media-factory.h"

HandoffCallMedia *
handoff_media_factory_create (void)
{
  /* The LiveKit client (src/lk) is wired in by handoff-lk-media once it is
   * part of the build; until then calls follow the server only. */
  return NULL;
}
