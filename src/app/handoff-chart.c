/* handoff-chart.c: a bar chart drawn natively
 *
 * Drawn with cairo through GtkSnapshot in the theme's foreground and accent
 * colours, so it follows dark mode; the figures are also the accessible
 * description, for screen readers and tests.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "handoff-chart"

#include "config.h"

#include <glib/gi18n.h>

#include "handoff-chart.h"

struct _HandoffChart
{
  GtkWidget  parent_instance;

  char      *title;
  GStrv      labels;
  double    *values;
  guint      n;
};

G_DEFINE_FINAL_TYPE (HandoffChart, handoff_chart, GTK_TYPE_WIDGET)

static void
handoff_chart_snapshot (GtkWidget   *widget,
                        GtkSnapshot *snapshot)
{
  HandoffChart *self = HANDOFF_CHART (widget);
  int w = gtk_widget_get_width (widget);
  int h = gtk_widget_get_height (widget);
  GdkRGBA fg;
  cairo_t *cr;
  double max = 0, bar_w, plot_h, top = 24, bottom = 20;
  PangoLayout *layout;

  if (w <= 0 || h <= 0)
    return;
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, w, h));

  layout = gtk_widget_create_pango_layout (widget, self->title);
  gdk_cairo_set_source_rgba (cr, &fg);
  cairo_move_to (cr, 0, 0);
  pango_cairo_show_layout (cr, layout);

  for (guint i = 0; i < self->n; i++)
    max = MAX (max, self->values[i]);
  plot_h = h - top - bottom;
  bar_w = self->n ? (double) w / self->n : w;

  /* Baseline. */
  cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.3);
  cairo_rectangle (cr, 0, top + plot_h, w, 1);
  cairo_fill (cr);

  for (guint i = 0; i < self->n; i++)
    {
      double bh = max > 0 ? plot_h * self->values[i] / max : 0;
      double x = i * bar_w + bar_w * 0.15;

      /* Accent blue, as Adwaita's */
      cairo_set_source_rgba (cr, 0.21, 0.52, 0.89, 1.0);
      cairo_rectangle (cr, x, top + plot_h - bh, bar_w * 0.7, bh);
      cairo_fill (cr);
      if (self->values[i] > 0 && bar_w >= 18)
        {
          g_autofree char *v = g_strdup_printf ("%g", self->values[i]);
          int lw, lh;

          pango_layout_set_text (layout, v, -1);
          pango_layout_get_pixel_size (layout, &lw, &lh);
          gdk_cairo_set_source_rgba (cr, &fg);
          cairo_move_to (cr, i * bar_w + (bar_w - lw) / 2, MAX (top, top + plot_h - bh - lh));
          pango_cairo_show_layout (cr, layout);
        }
      if (self->labels && self->labels[i] && bar_w >= 14)
        {
          int lw, lh;

          pango_layout_set_text (layout, self->labels[i], -1);
          pango_layout_get_pixel_size (layout, &lw, &lh);
          cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.7);
          cairo_move_to (cr, i * bar_w + (bar_w - lw) / 2, top + plot_h + 2);
          pango_cairo_show_layout (cr, layout);
        }
    }
  g_object_unref (layout);
  cairo_destroy (cr);
}

static void
handoff_chart_measure (GtkWidget      *widget,
                       GtkOrientation  orientation,
                       int             for_size,
                       int            *minimum,
                       int            *natural,
                       int            *minimum_baseline,
                       int            *natural_baseline)
{
  *minimum = orientation == GTK_ORIENTATION_HORIZONTAL ? 200 : 160;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 360 : 180;
}

static void
handoff_chart_finalize (GObject *object)
{
  HandoffChart *self = HANDOFF_CHART (object);

  g_free (self->title);
  g_strfreev (self->labels);
  g_free (self->values);
  G_OBJECT_CLASS (handoff_chart_parent_class)->finalize (object);
}

static void
handoff_chart_class_init (HandoffChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = handoff_chart_finalize;
  widget_class->snapshot = handoff_chart_snapshot;
  widget_class->measure = handoff_chart_measure;
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
handoff_chart_init (HandoffChart *self)
{
}

GtkWidget *
handoff_chart_new (const char *title)
{
  HandoffChart *self = g_object_new (HANDOFF_TYPE_CHART, NULL);

  self->title = g_strdup (title);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
  return GTK_WIDGET (self);
}

void
handoff_chart_set_data (HandoffChart       *self,
                        const char * const *labels,
                        const double       *values,
                        guint               n)
{
  GString *desc = g_string_new (NULL);

  g_return_if_fail (HANDOFF_IS_CHART (self));

  g_strfreev (self->labels);
  self->labels = NULL;
  if (labels)
    {
      self->labels = g_new0 (char *, n + 1);
      for (guint i = 0; i < n; i++)
        self->labels[i] = g_strdup (labels[i] ? labels[i] : "");
    }
  g_free (self->values);
  self->values = g_memdup2 (values, sizeof (double) * n);
  self->n = n;
  for (guint i = 0; i < n; i++)
    g_string_append_printf (desc, "%s%s: %g", i ? ", " : "", labels && labels[i] ? labels[i] : "", values[i]);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, desc->str, -1);
  g_string_free (desc, TRUE);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}
