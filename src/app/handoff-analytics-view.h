/* handoff-analytics-view.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "handoff-account.h"

G_BEGIN_DECLS

#define HANDOFF_TYPE_ANALYTICS_VIEW (handoff_analytics_view_get_type ())
G_DECLARE_FINAL_TYPE (HandoffAnalyticsView, handoff_analytics_view, HANDOFF, ANALYTICS_VIEW, GtkWidget)

void handoff_analytics_view_set_account (HandoffAnalyticsView *self,
                                         HandoffAccount       *account);
void handoff_analytics_view_refresh     (HandoffAnalyticsView *self);

G_END_DECLS
