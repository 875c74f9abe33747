/* handoff-server-error.c: error domain of handoff-server and its HTTP mapping
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "handoff-server"

#include "handoff-server-error.h"

G_DEFINE_QUARK (handoff-server-error-quark, handoff_server_error)

static const struct {
  const char *code;
  guint status;
} error_table[] = {
  [HANDOFF_SERVER_ERROR_INVALID_JSON] = { "invalid_json", 400 },
  [HANDOFF_SERVER_ERROR_INVALID_FIELD] = { "invalid_field", 400 },
  [HANDOFF_SERVER_ERROR_MISSING_FIELD] = { "missing_field", 400 },
  [HANDOFF_SERVER_ERROR_UNAUTHORIZED] = { "unauthorized", 401 },
  [HANDOFF_SERVER_ERROR_FORBIDDEN] = { "forbidden", 403 },
  [HANDOFF_SERVER_ERROR_NOT_FOUND] = { "not_found", 404 },
  [HANDOFF_SERVER_ERROR_METHOD_NOT_ALLOWED] = { "method_not_allowed", 405 },
  [HANDOFF_SERVER_ERROR_CONFLICT] = { "conflict", 409 },
  [HANDOFF_SERVER_ERROR_PAYLOAD_TOO_LARGE] = { "payload_too_large", 413 },
  [HANDOFF_SERVER_ERROR_UNSUPPORTED_MEDIA_TYPE] = { "unsupported_media_type", 415 },
  [HANDOFF_SERVER_ERROR_RATE_LIMITED] = { "rate_limited", 429 },
  [HANDOFF_SERVER_ERROR_UPSTREAM_FAILED] = { "upstream_failed", 502 },
  [HANDOFF_SERVER_ERROR_INTERNAL] = { "internal", 500 },
  [HANDOFF_SERVER_ERROR_CONFIG] = { "internal", 500 },
};

const char *
handoff_server_error_code (const GError *error)
{
  g_return_val_if_fail (error != NULL, "internal");

  if (error->domain != HANDOFF_SERVER_ERROR || error->code < 0
      || (gsize) error->code >= G_N_ELEMENTS (error_table))
    return "internal";
  return error_table[error->code].code;
}

guint
handoff_server_error_status (const GError *error)
{
  g_return_val_if_fail (error != NULL, 500);

  if (error->domain != HANDOFF_SERVER_ERROR || error->code < 0
      || (gsize) error->code >= G_N_ELEMENTS (error_table))
    return 500;
  return error_table[error->code].status;
}
