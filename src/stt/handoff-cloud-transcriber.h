/* handoff-cloud-transcriber.h: what every cloud backend has
 *
 * An endpoint (base-url, model) and a key (api-key, wiped from memory when
 * the object goes), a libsoup session, a cancellable that stop() cancels,
 * and one way to give up on the cloud: fall back to the local recogniser
 * with a reason that never contains the key.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libsoup/soup.h>

#include "handoff-transcriber.h"

G_BEGIN_DECLS

#define HANDOFF_TYPE_CLOUD_TRANSCRIBER (handoff_cloud_transcriber_get_type ())
G_DECLARE_DERIVABLE_TYPE (HandoffCloudTranscriber, handoff_cloud_transcriber,
                          HANDOFF, CLOUD_TRANSCRIBER, HandoffTranscriber)

struct _HandoffCloudTranscriberClass
{
  HandoffTranscriberClass parent_class;

  /* Used while base-url / model are unset. */
  const char *default_base_url;
  const char *default_model;
  /* Session options (seconds): whole request, and an idle connection. */
  guint       timeout_s;
  guint       idle_timeout_s;

  gpointer    padding[4];
};

const char   *handoff_cloud_transcriber_get_api_key     (HandoffCloudTranscriber *self);
const char   *handoff_cloud_transcriber_get_base_url    (HandoffCloudTranscriber *self);
const char   *handoff_cloud_transcriber_get_model       (HandoffCloudTranscriber *self);
/* Made on first use with the class's timeouts. */
SoupSession  *handoff_cloud_transcriber_get_session     (HandoffCloudTranscriber *self);
GCancellable *handoff_cloud_transcriber_get_cancellable (HandoffCloudTranscriber *self);
/* TRUE once stopped: late answers are to be ignored. */
gboolean      handoff_cloud_transcriber_is_stopped      (HandoffCloudTranscriber *self);
void          handoff_cloud_transcriber_fall_back       (HandoffCloudTranscriber *self,
                                                         int                      code,
                                                         const char              *reason);

G_END_DECLS
