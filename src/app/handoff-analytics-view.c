/* handoff-analytics-view.c: transfer figures over 1/7/30/90 days
 *
 * The server's /analytics gives totals, outcomes, quantiles, per agent and
 * calls by hour; the volume per day is counted here from the JSON export of
 * the same range. Export writes the server's CSV or JSON where the agent
 * chooses.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "handoff-analytics"

#include "config.h"

#include <glib/gi18n.h>

#include "handoff-analytics-view.h"
#include "handoff-chart.h"
#include "handoff-ui-util.h"

static const char *ranges[] = { "1d", "7d", "30d", "90d" };
static const int range_days[] = { 1, 7, 30, 90 };
static const char *outcome_keys[] = { "completed", "declined", "no_answer", "cancelled", "caller_abandoned", "failed" };

struct _HandoffAnalyticsView
{
  GtkWidget       parent_instance;

  GtkWidget      *scroller;
  GtkToggleButton *range_buttons[4];  /* 1, 7, 30, 90 days: one is active */
  GtkLabel       *headline_label;
  GtkLabel       *timings_label;
  GtkFlowBox     *charts_box;
  GtkGrid        *agents_grid;
  HandoffChart   *volume_chart;
  HandoffChart   *outcome_chart;
  HandoffChart   *quantile_chart;
  HandoffChart   *hour_chart;

  HandoffAccount *account;
  GCancellable   *cancellable;
  char           *export_format;
};

G_DEFINE_FINAL_TYPE (HandoffAnalyticsView, handoff_analytics_view, GTK_TYPE_WIDGET)

/* Which of range_days (and ranges) is chosen. */
static guint
range_index (HandoffAnalyticsView *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (self->range_buttons); i++)
    if (gtk_toggle_button_get_active (self->range_buttons[i]))
      return i;
  return 1;
}

static const char *
range_param (HandoffAnalyticsView *self)
{
  return ranges[range_index (self)];
}

/* Each change toggles two buttons: the one that went off is not a new range. */
static void
on_range_toggled (HandoffAnalyticsView *self,
                  GtkToggleButton      *button)
{
  if (gtk_toggle_button_get_active (button))
    handoff_analytics_view_refresh (self);
}

static double
quantile (JsonObject *a,
          const char *member,
          const char *which)
{
  JsonNode *n = json_object_get_member (a, member);

  if (n == NULL || !JSON_NODE_HOLDS_OBJECT (n))
    return 0;
  n = json_object_get_member (json_node_get_object (n), which);
  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n))
    return 0;
  return json_node_get_double (n);
}

static void
fill_agents (HandoffAnalyticsView *self,
             JsonArray            *agents)
{
  const char *heads[] = { N_("Agent"), N_("Initiated"), N_("Received"), N_("Completed"), N_("Declined"),
                          N_("No answer"), N_("Rating") };
  const char *keys[] = { NULL, "initiated", "received", "completed", "declined", "no_answer", NULL };
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->agents_grid))) != NULL)
    gtk_grid_remove (self->agents_grid, child);
  for (guint c = 0; c < G_N_ELEMENTS (heads); c++)
    {
      GtkWidget *l = gtk_label_new (_(heads[c]));
      gtk_widget_add_css_class (l, "heading");
      gtk_label_set_xalign (GTK_LABEL (l), 0);
      gtk_grid_attach (self->agents_grid, l, c, 0, 1, 1);
    }
  for (guint r = 0; agents && r < json_array_get_length (agents); r++)
    {
      JsonObject *a = JSON_NODE_HOLDS_OBJECT (json_array_get_element (agents, r))
                      ? json_array_get_object_element (agents, r) : NULL;
      if (a == NULL)
        continue;
      for (guint c = 0; c < G_N_ELEMENTS (heads); c++)
        {
          g_autofree char *text = NULL;
          GtkWidget *l;

          if (c == 0)
            text = g_strdup (handoff_json_get_string (a, "display_name",
                                                      handoff_json_get_string (a, "username",
                                                                               handoff_json_get_string (a, "agent_id", "?"))));
          else if (keys[c])
            text = g_strdup_printf ("%" G_GINT64_FORMAT, handoff_json_get_int (a, keys[c], 0));
          else
            {
              JsonNode *n = json_object_get_member (a, "average_rating");
              text = n && JSON_NODE_HOLDS_VALUE (n) ? g_strdup_printf ("%.1f", json_node_get_double (n)) : g_strdup ("–");
            }
          l = gtk_label_new (text);
          gtk_label_set_xalign (GTK_LABEL (l), 0);
          gtk_widget_add_css_class (l, "numeric");
          gtk_grid_attach (self->agents_grid, l, c, r + 1, 1, 1);
        }
    }
}

static void
on_analytics (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(HandoffAnalyticsView) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *a, *by_outcome = NULL;
  JsonArray *hours = NULL;
  double outcome_values[G_N_ELEMENTS (outcome_keys)] = { 0 };
  const char *outcome_labels[] = { N_("done"), N_("declined"), N_("no answer"), N_("cancelled"), N_("abandoned"), N_("failed") };
  const char *tr_outcomes[G_N_ELEMENTS (outcome_labels)];
  double hour_values[24] = { 0 };
  char *hour_labels[25] = { NULL };
  double q[4];
  const char *q_labels[] = { N_("accept p50"), N_("accept p90"), N_("consult p50"), N_("consult p90") };
  const char *tr_q[4];
  g_autofree char *headline = NULL;
  g_autofree char *timings = NULL;
  gint64 total;

  root = handoff_server_client_request_finish (HANDOFF_SERVER_CLIENT (source), result, &error);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      if (error && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        gtk_label_set_text (self->headline_label, error->message);
      return;
    }
  a = json_node_get_object (root);
  total = handoff_json_get_int (a, "total", 0);
  headline = g_strdup_printf (ngettext ("%" G_GINT64_FORMAT " transfer · %.0f%% completed",
                                        "%" G_GINT64_FORMAT " transfers · %.0f%% completed",
                                        total > 0 ? (gulong) total : 0),
                              total,
                              100.0 * (json_object_has_member (a, "success_rate")
                                       ? json_object_get_double_member (a, "success_rate") : 0));
  gtk_label_set_text (self->headline_label, headline);

  if (json_object_has_member (a, "by_outcome") && JSON_NODE_HOLDS_OBJECT (json_object_get_member (a, "by_outcome")))
    by_outcome = json_object_get_object_member (a, "by_outcome");
  for (guint i = 0; i < G_N_ELEMENTS (outcome_keys); i++)
    {
      outcome_values[i] = handoff_json_get_int (by_outcome, outcome_keys[i], 0);
      tr_outcomes[i] = _(outcome_labels[i]);
    }
  handoff_chart_set_data (self->outcome_chart, tr_outcomes, outcome_values, G_N_ELEMENTS (outcome_keys));

  /* Seconds, from the server's milliseconds. */
  q[0] = quantile (a, "time_to_accept_ms", "median") / 1000.0;
  q[1] = quantile (a, "time_to_accept_ms", "p90") / 1000.0;
  q[2] = quantile (a, "consult_ms", "median") / 1000.0;
  q[3] = quantile (a, "consult_ms", "p90") / 1000.0;
  for (guint i = 0; i < 4; i++)
    {
      q[i] = (double) (gint64) (q[i] * 10) / 10;
      tr_q[i] = _(q_labels[i]);
    }
  handoff_chart_set_data (self->quantile_chart, tr_q, q, 4);
  timings = g_strdup_printf (_("Time to accept: median %.1f s, p90 %.1f s · Consult: median %.1f s, p90 %.1f s"),
                             q[0], q[1], q[2], q[3]);
  gtk_label_set_text (self->timings_label, timings);

  if (json_object_has_member (a, "calls_per_hour") && JSON_NODE_HOLDS_ARRAY (json_object_get_member (a, "calls_per_hour")))
    hours = json_object_get_array_member (a, "calls_per_hour");
  for (guint h = 0; h < 24; h++)
    {
      hour_values[h] = hours && h < json_array_get_length (hours) ? json_array_get_int_element (hours, h) : 0;
      hour_labels[h] = h % 6 == 0 ? g_strdup_printf ("%u", h) : g_strdup ("");
    }
  handoff_chart_set_data (self->hour_chart, (const char * const *) hour_labels, hour_values, 24);
  for (guint h = 0; h < 24; h++)
    g_free (hour_labels[h]);

  fill_agents (self, json_object_has_member (a, "per_agent") &&
                     JSON_NODE_HOLDS_ARRAY (json_object_get_member (a, "per_agent"))
                     ? json_object_get_array_member (a, "per_agent") : NULL);
}

static void
on_volume (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(HandoffAnalyticsView) self = user_data;
  g_autoptr(JsonNode) root = NULL;
  JsonArray *arr = NULL;
  int days = range_days[range_index (self)];
  int buckets = MAX (days, 1);
  g_autofree double *values = g_new0 (double, buckets);
  g_autofree char **labels = g_new0 (char *, buckets + 1);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  root = handoff_server_client_request_finish (HANDOFF_SERVER_CLIENT (source), result, NULL);
  if (root && JSON_NODE_HOLDS_OBJECT (root) && json_object_has_member (json_node_get_object (root), "transfers"))
    arr = json_object_get_array_member (json_node_get_object (root), "transfers");
  for (guint i = 0; arr && i < json_array_get_length (arr); i++)
    {
      JsonObject *t = JSON_NODE_HOLDS_OBJECT (json_array_get_element (arr, i)) ? json_array_get_object_element (arr, i) : NULL;
      g_autoptr(GDateTime) dt = t ? g_date_time_new_from_iso8601 (handoff_json_get_string (t, "created_at", ""), NULL) : NULL;
      int ago;

      if (dt == NULL)
        continue;
      ago = (int) (g_date_time_difference (now, dt) / G_TIME_SPAN_DAY);
      if (ago >= 0 && ago < buckets)
        values[buckets - 1 - ago] += 1;
    }
  for (int i = 0; i < buckets; i++)
    {
      g_autoptr(GDateTime) d = g_date_time_add_days (now, i - (buckets - 1));
      labels[i] = buckets <= 7 || i % (buckets / 6) == 0 ? g_date_time_format (d, "%d/%m") : g_strdup ("");
    }
  handoff_chart_set_data (self->volume_chart, (const char * const *) labels, values, buckets);
  for (int i = 0; i < buckets; i++)
    g_free (labels[i]);
}

void
handoff_analytics_view_refresh (HandoffAnalyticsView *self)
{
  g_autofree char *path = NULL;
  g_autofree char *export_path = NULL;
  HandoffServerClient *client;

  g_return_if_fail (HANDOFF_IS_ANALYTICS_VIEW (self));
  if (self->account == NULL || handoff_account_get_state (self->account) == HANDOFF_ACCOUNT_SIGNED_OUT)
    return;
  client = handoff_account_get_client (self->account);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  path = g_strdup_printf ("/api/v1/analytics?range=%s", range_param (self));
  export_path = g_strdup_printf ("/api/v1/analytics/export?range=%s&format=json", range_param (self));
  handoff_server_client_request_async (client, "GET", path, NULL, self->cancellable, on_analytics, g_object_ref (self));
  handoff_server_client_request_async (client, "GET", export_path, NULL, self->cancellable, on_volume, g_object_ref (self));
}

static void
on_export_saved (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(HandoffAnalyticsView) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *msg = NULL;

  if (!g_file_replace_contents_finish (G_FILE (source), result, NULL, &error))
    msg = g_strdup_printf (_("Could not save: %s"), error->message);
  else
    msg = g_strdup (_("Export saved"));
  gtk_widget_activate_action (GTK_WIDGET (self), "win.toast", "s", msg);
}

static void
on_export_downloaded (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  GFile *file = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  HandoffAnalyticsView *self = g_object_get_data (G_OBJECT (file), "view");

  bytes = handoff_server_client_get_bytes_finish (HANDOFF_SERVER_CLIENT (source), result, &error);
  if (bytes == NULL)
    {
      g_autofree char *msg = g_strdup_printf (_("Export failed: %s"), error->message);
      gtk_widget_activate_action (GTK_WIDGET (self), "win.toast", "s", msg);
    }
  else
    g_file_replace_contents_bytes_async (file, bytes, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION,
                                         NULL, on_export_saved, g_object_ref (self));
  g_object_unref (file);
}

static void
on_export_response (GtkNativeDialog      *dialog,
                    int                   response,
                    HandoffAnalyticsView *self)
{
  if (response == GTK_RESPONSE_ACCEPT && self->account)
    {
      GFile *file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = g_strdup_printf ("/api/v1/analytics/export?range=%s&format=%s",
                                               range_param (self), self->export_format);

      g_object_set_data_full (G_OBJECT (file), "view", g_object_ref (self), g_object_unref);
      handoff_server_client_get_bytes_async (handoff_account_get_client (self->account), path, NULL,
                                             on_export_downloaded, file);
    }
  g_object_unref (dialog);
}

static void
export (HandoffAnalyticsView *self,
        const char           *format)
{
  GtkFileChooserNative *chooser;
  g_autofree char *name = g_strdup_printf ("handoff-transfers-%s.%s", range_param (self), format);

  g_free (self->export_format);
  self->export_format = g_strdup (format);
  chooser = gtk_file_chooser_native_new (_("Export Transfers"), GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (on_export_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
on_export_csv (HandoffAnalyticsView *self)
{
  export (self, "csv");
}

static void
on_export_json (HandoffAnalyticsView *self)
{
  export (self, "json");
}

void
handoff_analytics_view_set_account (HandoffAnalyticsView *self,
                                    HandoffAccount       *account)
{
  g_return_if_fail (HANDOFF_IS_ANALYTICS_VIEW (self));
  g_set_object (&self->account, account);
}

static void
handoff_analytics_view_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (handoff_analytics_view_parent_class)->map (widget);
  handoff_analytics_view_refresh (HANDOFF_ANALYTICS_VIEW (widget));
}

static void
handoff_analytics_view_dispose (GObject *object)
{
  HandoffAnalyticsView *self = HANDOFF_ANALYTICS_VIEW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->account);
  g_clear_pointer (&self->export_format, g_free);
  gtk_widget_dispose_template (GTK_WIDGET (self), HANDOFF_TYPE_ANALYTICS_VIEW);
  G_OBJECT_CLASS (handoff_analytics_view_parent_class)->dispose (object);
}

static void
handoff_analytics_view_class_init (HandoffAnalyticsViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = handoff_analytics_view_dispose;
  widget_class->map = handoff_analytics_view_map;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/ui/handoff-analytics-view.ui");
  gtk_widget_class_bind_template_child (widget_class, HandoffAnalyticsView, scroller);
  gtk_widget_class_bind_template_child_full (widget_class, "range_1", FALSE,
                                             G_STRUCT_OFFSET (HandoffAnalyticsView, range_buttons[0]));
  gtk_widget_class_bind_template_child_full (widget_class, "range_7", FALSE,
                                             G_STRUCT_OFFSET (HandoffAnalyticsView, range_buttons[1]));
  gtk_widget_class_bind_template_child_full (widget_class, "range_30", FALSE,
                                             G_STRUCT_OFFSET (HandoffAnalyticsView, range_buttons[2]));
  gtk_widget_class_bind_template_child_full (widget_class, "range_90", FALSE,
                                             G_STRUCT_OFFSET (HandoffAnalyticsView, range_buttons[3]));
  gtk_widget_class_bind_template_callback (widget_class, on_range_toggled);
  gtk_widget_class_bind_template_child (widget_class, HandoffAnalyticsView, headline_label);
  gtk_widget_class_bind_template_child (widget_class, HandoffAnalyticsView, timings_label);
  gtk_widget_class_bind_template_child (widget_class, HandoffAnalyticsView, charts_box);
  gtk_widget_class_bind_template_child (widget_class, HandoffAnalyticsView, agents_grid);
  gtk_widget_class_bind_template_callback (widget_class, on_export_csv);
  gtk_widget_class_bind_template_callback (widget_class, on_export_json);
}

static void
handoff_analytics_view_init (HandoffAnalyticsView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->volume_chart = HANDOFF_CHART (handoff_chart_new (_("Transfers per day")));
  self->outcome_chart = HANDOFF_CHART (handoff_chart_new (_("Outcomes")));
  self->quantile_chart = HANDOFF_CHART (handoff_chart_new (_("Time to accept and consult (s)")));
  self->hour_chart = HANDOFF_CHART (handoff_chart_new (_("Calls by hour of day (UTC)")));
  gtk_flow_box_append (self->charts_box, GTK_WIDGET (self->volume_chart));
  gtk_flow_box_append (self->charts_box, GTK_WIDGET (self->outcome_chart));
  gtk_flow_box_append (self->charts_box, GTK_WIDGET (self->quantile_chart));
  gtk_flow_box_append (self->charts_box, GTK_WIDGET (self->hour_chart));
}
