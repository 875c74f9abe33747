/* handoff-stt-error.h: the transcription error domain
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define HANDOFF_STT_ERROR (handoff_stt_error_quark ())

/**
 * HandoffSttError:
 * @HANDOFF_STT_ERROR_FAILED: anything not covered below
 * @HANDOFF_STT_ERROR_NO_KEY: a cloud backend has no API key
 * @HANDOFF_STT_ERROR_UNAUTHORIZED: the service refused the key (HTTP 401/403)
 * @HANDOFF_STT_ERROR_NETWORK: the service could not be reached or hung up
 * @HANDOFF_STT_ERROR_PROTOCOL: the service answered something we cannot parse
 * @HANDOFF_STT_ERROR_MEDIA: a GStreamer element is missing or failed
 * @HANDOFF_STT_ERROR_INVALID_INPUT: unusable input (not a WAV file, bad JSON...)
 */
typedef enum {
  HANDOFF_STT_ERROR_FAILED,
  HANDOFF_STT_ERROR_NO_KEY,
  HANDOFF_STT_ERROR_UNAUTHORIZED,
  HANDOFF_STT_ERROR_NETWORK,
  HANDOFF_STT_ERROR_PROTOCOL,
  HANDOFF_STT_ERROR_MEDIA,
  HANDOFF_STT_ERROR_INVALID_INPUT,
} HandoffSttError;

GQuark handoff_stt_error_quark (void);

G_END_DECLS
