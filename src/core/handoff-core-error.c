/* handoff-core-error.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "handoff-core"

#include "handoff-core-error.h"

G_DEFINE_QUARK (handoff-api-error-quark, handoff_api_error)
G_DEFINE_QUARK (handoff-transfer-error-quark, handoff_transfer_error)
