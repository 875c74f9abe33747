/* handoff-stt-error.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "handoff-stt"

#include "handoff-stt-error.h"

G_DEFINE_QUARK (handoff-stt-error-quark, handoff_stt_error)
