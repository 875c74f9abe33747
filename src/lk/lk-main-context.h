/* lk-main-context.h: handing work from a streaming thread to a main context
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

void lk_main_context_invoke (GMainContext   *context,
                             gint            priority,
                             GSourceFunc     function,
                             gpointer        data,
                             GDestroyNotify  notify);

G_END_DECLS
