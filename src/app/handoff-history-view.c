/* handoff-history-view.c: transfers with filters, and one transfer's detail
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "handoff-history"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "handoff-history-view.h"
#include "handoff-segment.h"
#include "handoff-transcript-view.h"
#include "handoff-ui-util.h"

static const char *outcomes[] = { NULL, "completed", "declined", "no_answer", "cancelled", "caller_abandoned", "failed" };
static const int range_days[] = { 1, 7, 30, 90 };

struct _HandoffHistoryView
{
  GtkWidget              parent_instance;

  GtkStack              *stack;
  GtkDropDown           *outcome_dropdown;
  GtkDropDown           *range_dropdown;
  GtkCheckButton        *mine_check;
  GtkLabel              *count_label;
  GtkListBox            *list;
  GtkLabel              *detail_title;
  GtkLabel              *detail_timings;
  GtkLabel              *detail_summary;
  HandoffTranscriptView *detail_transcript;

  HandoffAccount        *account;
  GCancellable          *cancellable;
  GListStore            *detail_segments;
};

G_DEFINE_FINAL_TYPE (HandoffHistoryView, handoff_history_view, GTK_TYPE_WIDGET)

static const char *
outcome_label (const char *outcome)
{
  if (g_strcmp0 (outcome, "completed") == 0) return _("Completed");
  if (g_strcmp0 (outcome, "declined") == 0) return _("Declined");
  if (g_strcmp0 (outcome, "no_answer") == 0) return _("No answer");
  if (g_strcmp0 (outcome, "cancelled") == 0) return _("Cancelled");
  if (g_strcmp0 (outcome, "caller_abandoned") == 0) return _("Caller abandoned");
  if (g_strcmp0 (outcome, "failed") == 0) return _("Failed");
  return _("In progress");
}

static const char *
agent_name (HandoffHistoryView *self,
            const char         *id)
{
  HandoffAgentInfo *a = handoff_account_lookup_agent (self->account, id);

  return a ? handoff_agent_info_get_name (a) : (id ? id : "?");
}

static const char *
summary_text (JsonObject *t)
{
  JsonNode *n = json_object_get_member (t, "summary");

  if (n && JSON_NODE_HOLDS_OBJECT (n))
    return handoff_json_get_string (json_node_get_object (n), "text", "");
  return "";
}

static void
show_detail (HandoffHistoryView *self,
             JsonObject         *t)
{
  g_autofree char *title = NULL;
  g_autofree char *when = handoff_format_time (handoff_json_get_string (t, "created_at", NULL));
  GString *timings = g_string_new (when);
  JsonNode *tn = json_object_get_member (t, "transcript");
  const char *keys[][2] = {
    { "time_to_accept_ms", N_("accepted after") },
    { "consult_ms", N_("consulted for") },
    { "total_ms", N_("took") },
  };

  title = g_strdup_printf (_("%s → %s: %s"), agent_name (self, handoff_json_get_string (t, "from_agent_id", NULL)),
                           agent_name (self, handoff_json_get_string (t, "to_agent_id", NULL)),
                           outcome_label (handoff_json_get_string (t, "outcome", NULL)));
  gtk_label_set_text (self->detail_title, title);
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      gint64 ms = handoff_json_get_int (t, keys[i][0], -1);
      if (ms >= 0)
        {
          g_autofree char *d = handoff_format_duration ((guint) (ms / 1000));
          g_string_append_printf (timings, " · %s %s", _(keys[i][1]), d);
        }
    }
  if (handoff_json_get_int (t, "rating", 0) > 0)
    g_string_append_printf (timings, " · %s %d/5", _("rated"), (int) handoff_json_get_int (t, "rating", 0));
  gtk_label_set_text (self->detail_timings, timings->str);
  g_string_free (timings, TRUE);
  gtk_label_set_text (self->detail_summary, summary_text (t));

  g_list_store_remove_all (self->detail_segments);
  for (guint i = 0; tn && JSON_NODE_HOLDS_ARRAY (tn) && i < json_array_get_length (json_node_get_array (tn)); i++)
    {
      JsonNode *e = json_array_get_element (json_node_get_array (tn), i);
      g_autoptr(HandoffSegment) seg = NULL;
      g_autofree char *seg_id = g_strdup_printf ("line-%u", i);

      if (!JSON_NODE_HOLDS_OBJECT (e))
        continue;
      seg = handoff_segment_new (handoff_json_get_string (json_node_get_object (e), "speaker", "?"), NULL, seg_id, handoff_json_get_string (json_node_get_object (e), "text", ""), i, i, TRUE);
      g_list_store_append (self->detail_segments, seg);
    }
  gtk_stack_set_visible_child_name (self->stack, "detail");
}

static void
on_row_activated (HandoffHistoryView *self,
                  GtkListBoxRow      *row)
{
  JsonObject *t = g_object_get_data (G_OBJECT (row), "transfer");

  if (t)
    show_detail (self, t);
}

static void
on_back_clicked (HandoffHistoryView *self)
{
  gtk_stack_set_visible_child_name (self->stack, "list");
}

static void
on_history (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(HandoffHistoryView) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonArray *arr = NULL;
  GtkWidget *child;
  g_autofree char *count = NULL;

  root = handoff_server_client_request_finish (HANDOFF_SERVER_CLIENT (source), result, &error);
  if (root == NULL)
    {
      if (error && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        gtk_label_set_text (self->count_label, error->message);
      return;
    }
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list))) != NULL)
    gtk_list_box_remove (self->list, child);
  if (JSON_NODE_HOLDS_OBJECT (root) && json_object_has_member (json_node_get_object (root), "transfers"))
    arr = json_object_get_array_member (json_node_get_object (root), "transfers");
  for (guint i = 0; arr && i < json_array_get_length (arr); i++)
    {
      JsonObject *t = JSON_NODE_HOLDS_OBJECT (json_array_get_element (arr, i))
                      ? json_array_get_object_element (arr, i) : NULL;
      GtkWidget *row;
      g_autofree char *title = NULL;
      g_autofree char *when = NULL;
      g_autofree char *subtitle = NULL;

      if (t == NULL)
        continue;
      row = adw_action_row_new ();
      title = g_strdup_printf ("%s → %s", agent_name (self, handoff_json_get_string (t, "from_agent_id", NULL)),
                               agent_name (self, handoff_json_get_string (t, "to_agent_id", NULL)));
      when = handoff_format_time (handoff_json_get_string (t, "created_at", NULL));
      subtitle = g_strdup_printf ("%s · %s%s", when, outcome_label (handoff_json_get_string (t, "outcome", NULL)),
                                  json_object_get_boolean_member_with_default (t, "urgent", FALSE) ? _(" · urgent") : "");
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("go-next-symbolic"));
      g_object_set_data_full (G_OBJECT (row), "transfer", json_object_ref (t), (GDestroyNotify) json_object_unref);
      gtk_list_box_append (self->list, row);
    }
  count = g_strdup_printf (ngettext ("%u transfer", "%u transfers", arr ? json_array_get_length (arr) : 0),
                           arr ? json_array_get_length (arr) : 0);
  gtk_label_set_text (self->count_label, count);
}

void
handoff_history_view_refresh (HandoffHistoryView *self)
{
  GString *path;
  guint o, r;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) since = NULL;
  g_autofree char *since_s = NULL;
  g_autofree char *since_esc = NULL;

  g_return_if_fail (HANDOFF_IS_HISTORY_VIEW (self));
  if (self->account == NULL || handoff_account_get_state (self->account) == HANDOFF_ACCOUNT_SIGNED_OUT)
    return;
  o = gtk_drop_down_get_selected (self->outcome_dropdown);
  r = MIN (gtk_drop_down_get_selected (self->range_dropdown), G_N_ELEMENTS (range_days) - 1);
  since = g_date_time_add_days (now, -range_days[r]);
  since_s = g_date_time_format_iso8601 (since);
  since_esc = g_uri_escape_string (since_s, NULL, FALSE);
  path = g_string_new ("/api/v1/transfers?limit=200");
  g_string_append_printf (path, "&since=%s", since_esc);
  if (o < G_N_ELEMENTS (outcomes) && outcomes[o])
    g_string_append_printf (path, "&outcome=%s", outcomes[o]);
  if (gtk_check_button_get_active (self->mine_check) && handoff_account_get_agent_id (self->account))
    g_string_append_printf (path, "&agent=%s", handoff_account_get_agent_id (self->account));
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  handoff_server_client_request_async (handoff_account_get_client (self->account), "GET", path->str, NULL,
                                       self->cancellable, on_history, g_object_ref (self));
  g_string_free (path, TRUE);
}

void
handoff_history_view_set_account (HandoffHistoryView *self,
                                  HandoffAccount     *account)
{
  g_return_if_fail (HANDOFF_IS_HISTORY_VIEW (self));
  g_set_object (&self->account, account);
}

static void
handoff_history_view_dispose (GObject *object)
{
  HandoffHistoryView *self = HANDOFF_HISTORY_VIEW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->account);
  g_clear_object (&self->detail_segments);
  gtk_widget_dispose_template (GTK_WIDGET (self), HANDOFF_TYPE_HISTORY_VIEW);
  G_OBJECT_CLASS (handoff_history_view_parent_class)->dispose (object);
}

static void
handoff_history_view_class_init (HandoffHistoryViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = handoff_history_view_dispose;

  g_type_ensure (HANDOFF_TYPE_TRANSCRIPT_VIEW);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/ui/handoff-history-view.ui");
  gtk_widget_class_bind_template_child (widget_class, HandoffHistoryView, stack);
  gtk_widget_class_bind_template_child (widget_class, HandoffHistoryView, outcome_dropdown);
  gtk_widget_class_bind_template_child (widget_class, HandoffHistoryView, range_dropdown);
  gtk_widget_class_bind_template_child (widget_class, HandoffHistoryView, mine_check);
  gtk_widget_class_bind_template_child (widget_class, HandoffHistoryView, count_label);
  gtk_widget_class_bind_template_child (widget_class, HandoffHistoryView, list);
  gtk_widget_class_bind_template_child (widget_class, HandoffHistoryView, detail_title);
  gtk_widget_class_bind_template_child (widget_class, HandoffHistoryView, detail_timings);
  gtk_widget_class_bind_template_child (widget_class, HandoffHistoryView, detail_summary);
  gtk_widget_class_bind_template_child (widget_class, HandoffHistoryView, detail_transcript);
  gtk_widget_class_bind_template_callback (widget_class, handoff_history_view_refresh);
  gtk_widget_class_bind_template_callback (widget_class, on_row_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_back_clicked);
}

static void
handoff_history_view_init (HandoffHistoryView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->detail_segments = g_list_store_new (HANDOFF_TYPE_SEGMENT);
  handoff_transcript_view_set_model (self->detail_transcript, G_LIST_MODEL (self->detail_segments));
  g_signal_connect_swapped (self->outcome_dropdown, "notify::selected", G_CALLBACK (handoff_history_view_refresh), self);
  g_signal_connect_swapped (self->range_dropdown, "notify::selected", G_CALLBACK (handoff_history_view_refresh), self);
  g_signal_connect_swapped (self->mine_check, "toggled", G_CALLBACK (handoff_history_view_refresh), self);
}
