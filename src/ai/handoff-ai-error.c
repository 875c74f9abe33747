/* handoff-ai-error.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "handoff-ai"

#include "handoff-ai-error.h"

G_DEFINE_QUARK (handoff-ai-error-quark, handoff_ai_error)

/* Stable short names, for JSON output (handoff-cli) and for logs. */
const char *
handoff_ai_error_to_code (int code)
{
  switch ((HandoffAiError) code)
    {
    case HANDOFF_AI_ERROR_NOT_CONFIGURED:   return "not_configured";
    case HANDOFF_AI_ERROR_UNAUTHORIZED:     return "unauthorized";
    case HANDOFF_AI_ERROR_QUOTA:            return "quota";
    case HANDOFF_AI_ERROR_MODEL_NOT_FOUND:  return "model_not_found";
    case HANDOFF_AI_ERROR_BAD_REQUEST:      return "bad_request";
    case HANDOFF_AI_ERROR_SERVER:           return "server";
    case HANDOFF_AI_ERROR_TIMEOUT:          return "timeout";
    case HANDOFF_AI_ERROR_NETWORK:          return "network";
    case HANDOFF_AI_ERROR_INVALID_RESPONSE: return "invalid_response";
    case HANDOFF_AI_ERROR_INVALID_INPUT:    return "invalid_input";
    case HANDOFF_AI_ERROR_FAILED:
    default:                                return "failed";
    }
}
