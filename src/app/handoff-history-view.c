/* handoff-history-view.c: transfers with filters, and one transfer's detail
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "handoff-history"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "handoff-history-view.h"
#include "handoff-history.h"
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
  GtkDropDown           *agent_dropdown;
  GtkLabel              *count_label;
  GtkListBox            *list;
  GtkLabel              *detail_title;
  GtkLabel              *detail_timings;
  GtkLabel              *detail_summary;
  HandoffTranscriptView *detail_transcript;

  HandoffAccount        *account;
  HandoffHistory        *history;
  GCancellable          *cancellable;
  /* agent_dropdown's items after "All agents": their agent ids */
  GPtrArray             *agent_ids;
  GtkStringList         *agent_names;
  gboolean               filling_agents;
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

static void
show_detail (HandoffHistoryView    *self,
             HandoffTransferRecord *record)
{
  g_autofree char *title = NULL;
  g_autofree char *when = handoff_format_time (handoff_transfer_record_get_created_at (record));
  GString *timings = g_string_new (when);
  struct { gint64 ms; const char *label; } steps[] = {
    { handoff_transfer_record_get_time_to_accept_ms (record), N_("accepted after") },
    { handoff_transfer_record_get_consult_ms (record), N_("consulted for") },
    { handoff_transfer_record_get_total_ms (record), N_("took") },
  };

  title = g_strdup_printf (_("%s → %s: %s"), agent_name (self, handoff_transfer_record_get_from_agent_id (record)),
                           agent_name (self, handoff_transfer_record_get_to_agent_id (record)),
                           outcome_label (handoff_transfer_record_get_outcome (record)));
  gtk_label_set_text (self->detail_title, title);
  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    if (steps[i].ms >= 0)
      {
        g_autofree char *d = handoff_format_duration ((guint) (steps[i].ms / 1000));
        g_string_append_printf (timings, " · %s %s", _(steps[i].label), d);
      }
  if (handoff_transfer_record_get_rating (record) > 0)
    g_string_append_printf (timings, " · %s %u/5", _("rated"), handoff_transfer_record_get_rating (record));
  gtk_label_set_text (self->detail_timings, timings->str);
  g_string_free (timings, TRUE);
  gtk_label_set_text (self->detail_summary, handoff_transfer_record_get_summary (record));
  handoff_transcript_view_set_model (self->detail_transcript, handoff_transfer_record_get_transcript (record));
  gtk_stack_set_visible_child_name (self->stack, "detail");
}

static void
on_row_activated (HandoffHistoryView *self,
                  GtkListBoxRow      *row)
{
  g_autoptr(HandoffTransferRecord) record =
    g_list_model_get_item (G_LIST_MODEL (self->history), gtk_list_box_row_get_index (row));

  if (record != NULL)
    show_detail (self, record);
}

static void
on_back_clicked (HandoffHistoryView *self)
{
  gtk_stack_set_visible_child_name (self->stack, "list");
}

static void
on_details_clicked (GtkButton          *button,
                    HandoffHistoryView *self)
{
  show_detail (self, g_object_get_data (G_OBJECT (button), "record"));
}

static GtkWidget *
create_row (gpointer item,
            gpointer user_data)
{
  HandoffHistoryView *self = user_data;
  HandoffTransferRecord *record = item;
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *title = NULL;
  g_autofree char *when = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *details_label = NULL;
  GtkWidget *details;

  title = g_strdup_printf ("%s → %s", agent_name (self, handoff_transfer_record_get_from_agent_id (record)),
                           agent_name (self, handoff_transfer_record_get_to_agent_id (record)));
  when = handoff_format_time (handoff_transfer_record_get_created_at (record));
  subtitle = g_strdup_printf ("%s · %s%s", when, outcome_label (handoff_transfer_record_get_outcome (record)),
                              handoff_transfer_record_get_urgent (record) ? _(" · urgent") : "");
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  /* A row's activation is not an accessible action in GTK 4.8: the
   * button is how a screen reader (or the keyboard) opens the detail. */
  details = gtk_button_new_from_icon_name ("go-next-symbolic");
  gtk_widget_add_css_class (details, "flat");
  gtk_widget_set_valign (details, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (details, _("Details"));
  details_label = g_strdup_printf (_("Details of %s"), title);
  gtk_accessible_update_property (GTK_ACCESSIBLE (details), GTK_ACCESSIBLE_PROPERTY_LABEL, details_label, -1);
  g_object_set_data_full (G_OBJECT (details), "record", g_object_ref (record), g_object_unref);
  g_signal_connect (details, "clicked", G_CALLBACK (on_details_clicked), self);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), details);
  return row;
}

static void
on_refreshed (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(HandoffHistoryView) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *count = NULL;
  guint shown;

  if (!handoff_history_refresh_finish (HANDOFF_HISTORY (source), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        gtk_label_set_text (self->count_label, error->message);
      return;
    }
  shown = g_list_model_get_n_items (G_LIST_MODEL (self->history));
  if (handoff_history_get_total (self->history) > shown)
    /* Translators: the newest %u of %u transfers are listed */
    count = g_strdup_printf (_("Newest %u of %u transfers"), shown, handoff_history_get_total (self->history));
  else
    count = g_strdup_printf (ngettext ("%u transfer", "%u transfers", shown), shown);
  gtk_label_set_text (self->count_label, count);
}

static const char *
selected_agent_id (HandoffHistoryView *self)
{
  guint selected = gtk_drop_down_get_selected (self->agent_dropdown);

  if (selected == 0 || selected == GTK_INVALID_LIST_POSITION || selected - 1 >= self->agent_ids->len)
    return NULL;
  return g_ptr_array_index (self->agent_ids, selected - 1);
}

void
handoff_history_view_refresh (HandoffHistoryView *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) since = NULL;
  guint o, r;

  g_return_if_fail (HANDOFF_IS_HISTORY_VIEW (self));
  if (self->history == NULL || self->filling_agents ||
      handoff_account_get_state (self->account) == HANDOFF_ACCOUNT_SIGNED_OUT)
    return;
  o = gtk_drop_down_get_selected (self->outcome_dropdown);
  r = MIN (gtk_drop_down_get_selected (self->range_dropdown), G_N_ELEMENTS (range_days) - 1);
  since = g_date_time_add_days (now, -range_days[r]);
  handoff_history_set_outcome (self->history, o < G_N_ELEMENTS (outcomes) ? outcomes[o] : NULL);
  handoff_history_set_agent_id (self->history, selected_agent_id (self));
  handoff_history_set_range (self->history, since, NULL);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  handoff_history_refresh_async (self->history, self->cancellable, on_refreshed, g_object_ref (self));
}

/* "All agents", me, then the directory by name; the choice survives a
 * directory change. */
static void
fill_agents (HandoffHistoryView *self)
{
  GListModel *directory = handoff_account_get_directory (self->account);
  g_autofree char *keep = g_strdup (selected_agent_id (self));
  const char *me = handoff_account_get_agent_id (self->account);
  guint select = 0;

  self->filling_agents = TRUE;
  g_ptr_array_set_size (self->agent_ids, 0);
  gtk_string_list_splice (self->agent_names, 0, g_list_model_get_n_items (G_LIST_MODEL (self->agent_names)), NULL);
  gtk_string_list_append (self->agent_names, _("All agents"));
  if (me != NULL)
    {
      g_ptr_array_add (self->agent_ids, g_strdup (me));
      gtk_string_list_append (self->agent_names, _("Mine"));
    }
  for (guint i = 0; i < g_list_model_get_n_items (directory); i++)
    {
      g_autoptr(HandoffAgentInfo) agent = g_list_model_get_item (directory, i);
      if (g_strcmp0 (handoff_agent_info_get_id (agent), me) == 0)
        continue;
      g_ptr_array_add (self->agent_ids, g_strdup (handoff_agent_info_get_id (agent)));
      gtk_string_list_append (self->agent_names, handoff_agent_info_get_name (agent));
    }
  for (guint i = 0; keep != NULL && i < self->agent_ids->len; i++)
    if (g_strcmp0 (g_ptr_array_index (self->agent_ids, i), keep) == 0)
      select = i + 1;
  gtk_drop_down_set_selected (self->agent_dropdown, select);
  self->filling_agents = FALSE;
}

void
handoff_history_view_set_account (HandoffHistoryView *self,
                                  HandoffAccount     *account)
{
  g_return_if_fail (HANDOFF_IS_HISTORY_VIEW (self));
  if (self->account == account)
    return;
  if (self->account != NULL)
    g_signal_handlers_disconnect_by_data (handoff_account_get_directory (self->account), self);
  g_set_object (&self->account, account);
  g_clear_object (&self->history);
  if (account == NULL)
    {
      gtk_list_box_bind_model (self->list, NULL, NULL, NULL, NULL);
      return;
    }
  self->history = handoff_history_new (handoff_account_get_client (account));
  gtk_list_box_bind_model (self->list, G_LIST_MODEL (self->history), create_row, self, NULL);
  g_signal_connect_swapped (handoff_account_get_directory (account), "items-changed",
                            G_CALLBACK (fill_agents), self);
  fill_agents (self);
}

static void
handoff_history_view_dispose (GObject *object)
{
  HandoffHistoryView *self = HANDOFF_HISTORY_VIEW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  handoff_history_view_set_account (self, NULL);
  g_clear_pointer (&self->agent_ids, g_ptr_array_unref);
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
  gtk_widget_class_bind_template_child (widget_class, HandoffHistoryView, agent_dropdown);
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
  self->agent_ids = g_ptr_array_new_with_free_func (g_free);
  self->agent_names = gtk_string_list_new (NULL);
  gtk_drop_down_set_model (self->agent_dropdown, G_LIST_MODEL (self->agent_names));
  g_object_unref (self->agent_names);   /* the drop-down holds it */
  g_signal_connect_swapped (self->outcome_dropdown, "notify::selected", G_CALLBACK (handoff_history_view_refresh), self);
  g_signal_connect_swapped (self->range_dropdown, "notify::selected", G_CALLBACK (handoff_history_view_refresh), self);
  g_signal_connect_swapped (self->agent_dropdown, "notify::selected", G_CALLBACK (handoff_history_view_refresh), self);
}
