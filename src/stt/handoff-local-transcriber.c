/* handoff-local-transcriber.c
 *
 * The base class feeds the local recogniser whenever a backend has no
 * audio handler, so this backend is the base class made concrete.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "handoff-local-transcriber"

#include "handoff-local-transcriber.h"

struct _HandoffLocalTranscriber
{
  HandoffTranscriber parent_instance;
};

G_DEFINE_FINAL_TYPE (HandoffLocalTranscriber, handoff_local_transcriber, HANDOFF_TYPE_TRANSCRIBER)

static void
handoff_local_transcriber_class_init (HandoffLocalTranscriberClass *klass)
{
}

static void
handoff_local_transcriber_init (HandoffLocalTranscriber *self)
{
}
