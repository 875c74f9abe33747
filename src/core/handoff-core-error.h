/* handoff-core-error.h: error domains of src/core
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define HANDOFF_API_ERROR (handoff_api_error_quark ())
#define HANDOFF_TRANSFER_ERROR (handoff_transfer_error_quark ())

/* Errors of talking to handoff-server, as the agent should read them. */
typedef enum {
  HANDOFF_API_ERROR_UNREACHABLE,      /* connection refused, DNS, timeout */
  HANDOFF_API_ERROR_TLS,              /* certificate not trusted */
  HANDOFF_API_ERROR_UNAUTHORIZED,     /* wrong password, expired or revoked token */
  HANDOFF_API_ERROR_FORBIDDEN,
  HANDOFF_API_ERROR_NOT_FOUND,
  HANDOFF_API_ERROR_CONFLICT,         /* e.g. a transfer already running */
  HANDOFF_API_ERROR_INVALID,          /* the server refused our input */
  HANDOFF_API_ERROR_SERVER,           /* 5xx */
  HANDOFF_API_ERROR_PROTOCOL,         /* the answer was not what the contract says */
} HandoffApiError;

typedef enum {
  HANDOFF_TRANSFER_ERROR_BUSY,        /* a transfer of this call is already running */
  HANDOFF_TRANSFER_ERROR_NO_TARGET,
  HANDOFF_TRANSFER_ERROR_WRONG_STATE,
  HANDOFF_TRANSFER_ERROR_MEDIA,
} HandoffTransferError;

GQuark handoff_api_error_quark      (void);
GQuark handoff_transfer_error_quark (void);

G_END_DECLS
