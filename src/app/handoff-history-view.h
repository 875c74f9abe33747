/* handoff-history-view.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "handoff-account.h"

G_BEGIN_DECLS

#define HANDOFF_TYPE_HISTORY_VIEW (handoff_history_view_get_type ())
G_DECLARE_FINAL_TYPE (HandoffHistoryView, handoff_history_view, HANDOFF, HISTORY_VIEW, GtkWidget)

void handoff_history_view_set_account (HandoffHistoryView *self,
                                       HandoffAccount     *account);
void handoff_history_view_refresh     (HandoffHistoryView *self);

G_END_DECLS
