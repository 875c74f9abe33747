/* handoff-chart.h: a bar chart drawn natively
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define HANDOFF_TYPE_CHART (handoff_chart_get_type ())
G_DECLARE_FINAL_TYPE (HandoffChart, handoff_chart, HANDOFF, CHART, GtkWidget)

GtkWidget *handoff_chart_new      (const char         *title);
/* labels: n strings (NULL for none); values: n numbers. */
void       handoff_chart_set_data (HandoffChart       *self,
                                   const char * const *labels,
                                   const double       *values,
                                   guint               n);

G_END_DECLS
