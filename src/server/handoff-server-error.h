/* handoff-server-error.h: error domain of handoff-server and its HTTP mapping
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define HANDOFF_SERVER_ERROR (handoff_server_error_quark ())

typedef enum {
  HANDOFF_SERVER_ERROR_INVALID_JSON,
  HANDOFF_SERVER_ERROR_INVALID_FIELD,
  HANDOFF_SERVER_ERROR_MISSING_FIELD,
  HANDOFF_SERVER_ERROR_UNAUTHORIZED,
  HANDOFF_SERVER_ERROR_FORBIDDEN,
  HANDOFF_SERVER_ERROR_NOT_FOUND,
  HANDOFF_SERVER_ERROR_METHOD_NOT_ALLOWED,
  HANDOFF_SERVER_ERROR_CONFLICT,
  HANDOFF_SERVER_ERROR_PAYLOAD_TOO_LARGE,
  HANDOFF_SERVER_ERROR_UNSUPPORTED_MEDIA_TYPE,
  HANDOFF_SERVER_ERROR_RATE_LIMITED,
  HANDOFF_SERVER_ERROR_UPSTREAM_FAILED,
  HANDOFF_SERVER_ERROR_INTERNAL,
  HANDOFF_SERVER_ERROR_CONFIG,
} HandoffServerError;

GQuark      handoff_server_error_quark  (void);

/* The stable `error` string of the JSON answer and its HTTP status; errors of
 * other domains map to "internal"/500 so nothing foreign leaks out. */
const char *handoff_server_error_code   (const GError *error);
guint       handoff_server_error_status (const GError *error);

G_END_DECLS
