/* handoff-ai-error.h: the AI engine's error domain
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define HANDOFF_AI_ERROR (handoff_ai_error_quark ())

/**
 * HandoffAiError:
 * @HANDOFF_AI_ERROR_FAILED: anything not covered below
 * @HANDOFF_AI_ERROR_NOT_CONFIGURED: no endpoint, model or key
 * @HANDOFF_AI_ERROR_UNAUTHORIZED: the key was refused (HTTP 401/403)
 * @HANDOFF_AI_ERROR_QUOTA: rate limit or quota exhausted (HTTP 429 after the retries)
 * @HANDOFF_AI_ERROR_MODEL_NOT_FOUND: the model or the endpoint does not exist (HTTP 404)
 * @HANDOFF_AI_ERROR_BAD_REQUEST: the endpoint refused the request (HTTP 400, 413, 422)
 * @HANDOFF_AI_ERROR_SERVER: the endpoint kept failing (HTTP 5xx after the retries)
 * @HANDOFF_AI_ERROR_TIMEOUT: no answer, or silence mid-answer, for longer than the timeout
 * @HANDOFF_AI_ERROR_NETWORK: the endpoint could not be reached
 * @HANDOFF_AI_ERROR_INVALID_RESPONSE: the answer is not what the protocol promises
 *   (bad JSON, stream cut short, a summary that does not validate)
 * @HANDOFF_AI_ERROR_INVALID_INPUT: a transcript or summary given to us is malformed or too large
 *
 * Cancellation is reported as %G_IO_ERROR_CANCELLED, as everywhere in GIO.
 */
typedef enum {
  HANDOFF_AI_ERROR_FAILED,
  HANDOFF_AI_ERROR_NOT_CONFIGURED,
  HANDOFF_AI_ERROR_UNAUTHORIZED,
  HANDOFF_AI_ERROR_QUOTA,
  HANDOFF_AI_ERROR_MODEL_NOT_FOUND,
  HANDOFF_AI_ERROR_BAD_REQUEST,
  HANDOFF_AI_ERROR_SERVER,
  HANDOFF_AI_ERROR_TIMEOUT,
  HANDOFF_AI_ERROR_NETWORK,
  HANDOFF_AI_ERROR_INVALID_RESPONSE,
  HANDOFF_AI_ERROR_INVALID_INPUT,
} HandoffAiError;

GQuark      handoff_ai_error_quark   (void);
const char *handoff_ai_error_to_code (int code);

G_END_DECLS
