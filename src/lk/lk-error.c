/* lk-error.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-error"

#include "lk-error.h"

G_DEFINE_QUARK (lk-error-quark, lk_error)
