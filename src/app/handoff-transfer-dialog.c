/* handoff-transfer-dialog.c: choose a colleague, check the summary, send
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "handoff-transfer-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "handoff-summarizer.h"
#include "handoff-summary.h"
#include "handoff-utterance.h"
#include "handoff-transfer-dialog.h"
#include "handoff-ui-util.h"

enum {
  SIGNAL_SEND,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

struct _HandoffTransferDialog
{
  AdwWindow           parent_instance;

  GtkSearchEntry     *search_entry;
  GtkListBox         *agent_list;
  GtkSwitch          *urgent_switch;
  GtkTextView        *summary_view;
  GtkSpinner         *summary_spinner;
  GtkLabel           *summary_status;
  GtkLabel           *error_label;
  GtkButton          *send_button;

  HandoffAccount     *account;
  HandoffCallSession *call;
  GtkFilterListModel *filtered;
  GtkCustomFilter    *filter;
  GtkCheckButton     *group;
  HandoffAgentInfo   *chosen;
  HandoffSummarizer  *summarizer;
  HandoffSummary     *summary;
  GCancellable       *cancellable;
  gboolean            edited;
  gboolean            setting_text;
};

G_DEFINE_FINAL_TYPE (HandoffTransferDialog, handoff_transfer_dialog, ADW_TYPE_WINDOW)

static gboolean
filter_agent (gpointer item,
              gpointer user_data)
{
  HandoffTransferDialog *self = user_data;
  HandoffAgentInfo *agent = item;

  /* Not myself. */
  if (g_strcmp0 (handoff_agent_info_get_username (agent), handoff_account_get_username (self->account)) == 0)
    return FALSE;
  return handoff_agent_info_matches (agent, gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));
}

static void
update_row (HandoffAgentInfo *agent,
            GParamSpec       *pspec,
            AdwActionRow     *row)
{
  g_autofree char *skills = NULL;
  g_autofree char *subtitle = NULL;
  /* A colleague talking to someone is not free, whatever they set: the
   * server says so (on-call), and it goes back to their presence after. */
  gboolean on_call = handoff_agent_info_get_on_call (agent);
  const char *presence = on_call ? _("On a call")
                                 : handoff_presence_label (handoff_agent_info_get_presence (agent));

  g_object_get (agent, "skills-text", &skills, NULL);
  subtitle = skills && *skills ? g_strdup_printf ("%s · %s", presence, skills)
                               : g_strdup (presence);
  adw_action_row_set_subtitle (row, subtitle);
  if (on_call || g_strcmp0 (handoff_agent_info_get_presence (agent), "available") != 0)
    gtk_widget_add_css_class (GTK_WIDGET (row), "dim-label");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (row), "dim-label");
}

static void
on_check_toggled (GtkCheckButton        *check,
                  HandoffTransferDialog *self)
{
  if (gtk_check_button_get_active (check))
    {
      g_set_object (&self->chosen, g_object_get_data (G_OBJECT (check), "agent"));
      gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
    }
}

static void
on_choose_clicked (GtkButton      *button,
                   GtkCheckButton *check)
{
  gtk_check_button_set_active (check, TRUE);
}

static GtkWidget *
create_row (gpointer item,
            gpointer user_data)
{
  HandoffTransferDialog *self = user_data;
  HandoffAgentInfo *agent = item;
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *check = gtk_check_button_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), handoff_agent_info_get_name (agent));
  gtk_accessible_update_property (GTK_ACCESSIBLE (check), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  handoff_agent_info_get_name (agent), -1);
  g_object_set_data_full (G_OBJECT (check), "agent", g_object_ref (agent), g_object_unref);
  if (self->group == NULL)
    self->group = GTK_CHECK_BUTTON (check);
  else
    gtk_check_button_set_group (GTK_CHECK_BUTTON (check), self->group);
  if (self->chosen == agent)
    gtk_check_button_set_active (GTK_CHECK_BUTTON (check), TRUE);
  g_signal_connect (check, "toggled", G_CALLBACK (on_check_toggled), self);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
  {
    /* A plain button too: keyboard and screen-reader users (and the UI
     * tests) get an action to press, which GTK 4.8 gives check buttons not. */
    GtkWidget *choose = gtk_button_new_with_label (_("Choose"));
    g_autofree char *label = g_strdup_printf (_("Choose %s"), handoff_agent_info_get_name (agent));

    gtk_widget_set_valign (choose, GTK_ALIGN_CENTER);
    gtk_widget_add_css_class (choose, "flat");
    gtk_accessible_update_property (GTK_ACCESSIBLE (choose), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
    g_signal_connect (choose, "clicked", G_CALLBACK (on_choose_clicked), check);
    adw_action_row_add_suffix (ADW_ACTION_ROW (row), choose);
  }
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
  update_row (agent, NULL, ADW_ACTION_ROW (row));
  g_signal_connect_object (agent, "notify", G_CALLBACK (update_row), row, 0);
  return row;
}

static void
on_search_changed (HandoffTransferDialog *self)
{
  /* Rows are rebuilt: the radio group starts again. */
  self->group = NULL;
  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
}

static void
on_send_clicked (HandoffTransferDialog *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->summary_view);
  GtkTextIter start, end;
  g_autofree char *summary = NULL;

  if (self->chosen == NULL)
    {
      handoff_transfer_dialog_show_error (self, _("Choose a colleague to transfer to"));
      return;
    }
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  summary = g_strstrip (gtk_text_buffer_get_text (buffer, &start, &end, FALSE));
  if (summary[0] == '\0')
    {
      handoff_transfer_dialog_show_error (self, _("The summary is empty; write a line for your colleague"));
      return;
    }
  g_signal_emit (self, signals[SIGNAL_SEND], 0, self->chosen,
                 gtk_switch_get_active (self->urgent_switch), summary);
}

void
handoff_transfer_dialog_show_error (HandoffTransferDialog *self,
                                    const char            *message)
{
  g_return_if_fail (HANDOFF_IS_TRANSFER_DIALOG (self));
  gtk_label_set_text (self->error_label, message);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

void
handoff_transfer_dialog_set_busy (HandoffTransferDialog *self,
                                  gboolean               busy)
{
  g_return_if_fail (HANDOFF_IS_TRANSFER_DIALOG (self));
  gtk_widget_set_sensitive (GTK_WIDGET (self->send_button), !busy);
}

static void
handoff_transfer_dialog_dispose (GObject *object)
{
  HandoffTransferDialog *self = HANDOFF_TRANSFER_DIALOG (object);

  if (self->agent_list)
    gtk_list_box_bind_model (self->agent_list, NULL, NULL, NULL, NULL);
  g_clear_object (&self->filtered);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->summarizer);
  g_clear_object (&self->summary);
  g_clear_object (&self->chosen);
  g_clear_object (&self->account);
  g_clear_object (&self->call);
  G_OBJECT_CLASS (handoff_transfer_dialog_parent_class)->dispose (object);
}

static void
handoff_transfer_dialog_class_init (HandoffTransferDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = handoff_transfer_dialog_dispose;

  signals[SIGNAL_SEND] = g_signal_new ("send", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                       NULL, NULL, NULL, G_TYPE_NONE, 3,
                                       HANDOFF_TYPE_AGENT_INFO, G_TYPE_BOOLEAN, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/ui/handoff-transfer-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, HandoffTransferDialog, search_entry);
  gtk_widget_class_bind_template_child (widget_class, HandoffTransferDialog, agent_list);
  gtk_widget_class_bind_template_child (widget_class, HandoffTransferDialog, urgent_switch);
  gtk_widget_class_bind_template_child (widget_class, HandoffTransferDialog, summary_view);
  gtk_widget_class_bind_template_child (widget_class, HandoffTransferDialog, summary_spinner);
  gtk_widget_class_bind_template_child (widget_class, HandoffTransferDialog, summary_status);
  gtk_widget_class_bind_template_child (widget_class, HandoffTransferDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, HandoffTransferDialog, send_button);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_send_clicked);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
handoff_transfer_dialog_init (HandoffTransferDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

static void
show_summary (HandoffTransferDialog *self,
              HandoffSummary        *summary)
{
  g_autofree char *text = handoff_summary_render_text (summary);

  g_set_object (&self->summary, summary);
  self->setting_text = TRUE;
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->summary_view), text, -1);
  self->setting_text = FALSE;
}

static void
on_summary_edited (GtkTextBuffer         *buffer,
                   HandoffTransferDialog *self)
{
  if (!self->setting_text)
    self->edited = TRUE;
}

static void
on_summarized (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(HandoffTransferDialog) self = user_data;
  g_autoptr(HandoffSummary) summary = NULL;

  summary = handoff_summarizer_summarize_finish (HANDOFF_SUMMARIZER (source), result, NULL);
  gtk_spinner_stop (self->summary_spinner);
  if (summary == NULL)
    return;   /* cancelled: the dialog is closing */
  /* The agent knows which summary B gets, and why it is not the AI's. */
  if (handoff_summary_get_fallback_reason (summary) != NULL)
    {
      g_autofree char *text = g_strdup_printf (_("The AI service could not write the summary (%s); "
                                                 "the offline summary below is used"),
                                               handoff_summary_get_fallback_reason (summary));
      gtk_label_set_label (self->summary_status, text);
    }
  else if (self->edited)
    gtk_label_set_label (self->summary_status, _("The AI summary arrived after you started editing; your text is kept"));
  else
    gtk_label_set_label (self->summary_status, _("Summary written by the AI service"));
  /* The agent's own words win over a late answer. */
  if (!self->edited)
    show_summary (self, summary);
}

static GPtrArray *
call_utterances (HandoffCallSession *call)
{
  GListModel *model = handoff_call_session_get_transcript (call);
  g_autoptr(GPtrArray) segments = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    g_ptr_array_add (segments, g_list_model_get_item (model, i));
  return handoff_utterances_from_segments (segments);
}

JsonNode *
handoff_transfer_dialog_dup_summary_json (HandoffTransferDialog *self)
{
  JsonNode *node;

  g_return_val_if_fail (HANDOFF_IS_TRANSFER_DIALOG (self), NULL);
  if (self->summary == NULL)
    return NULL;
  node = handoff_summary_to_json_node (self->summary);
  if (JSON_NODE_HOLDS_OBJECT (node))
    json_object_set_boolean_member (json_node_get_object (node), "edited", self->edited);
  return node;
}

HandoffTransferDialog *
handoff_transfer_dialog_new (GtkWindow          *parent,
                             HandoffAccount     *account,
                             HandoffCallSession *call,
                             HandoffChatClient  *chat,
                             GSettings          *settings)
{
  HandoffTransferDialog *self;
  g_autoptr(GPtrArray) utterances = NULL;
  g_autoptr(HandoffSummary) offline = NULL;

  g_return_val_if_fail (HANDOFF_IS_ACCOUNT (account), NULL);
  g_return_val_if_fail (HANDOFF_IS_CALL_SESSION (call), NULL);

  self = g_object_new (HANDOFF_TYPE_TRANSFER_DIALOG, "transient-for", parent, NULL);
  self->account = g_object_ref (account);
  self->call = g_object_ref (call);
  self->filter = gtk_custom_filter_new (filter_agent, self, NULL);
  self->filtered = gtk_filter_list_model_new (g_object_ref (handoff_account_get_directory (account)),
                                              GTK_FILTER (self->filter));
  gtk_list_box_bind_model (self->agent_list, G_LIST_MODEL (self->filtered), create_row, self, NULL);
  handoff_account_refresh_directory (account);

  /* The offline summary at once; the LLM's replaces it when it arrives
   * within the summarizer's deadline, unless the agent started editing. */
  self->cancellable = g_cancellable_new ();
  self->summarizer = handoff_summarizer_new (chat);
  /* The Preferences' redaction switch decides what the LLM gets. */
  if (settings != NULL)
    handoff_summarizer_bind_settings (self->summarizer, settings);
  handoff_summarizer_set_caller (self->summarizer, handoff_call_session_get_caller_name (call));
  utterances = call_utterances (call);
  offline = handoff_summarizer_summarize_offline (self->summarizer, utterances,
                                                  handoff_call_session_get_reason (call));
  show_summary (self, offline);
  g_signal_connect (gtk_text_view_get_buffer (self->summary_view), "changed",
                    G_CALLBACK (on_summary_edited), self);
  if (chat != NULL && handoff_chat_client_is_configured (chat))
    {
      gtk_spinner_start (self->summary_spinner);
      gtk_label_set_label (self->summary_status, _("Asking the AI service for a summary; this offline one is shown until then"));
      handoff_summarizer_summarize_async (self->summarizer, utterances, handoff_call_session_get_reason (call),
                                          self->cancellable, on_summarized, g_object_ref (self));
    }
  else
    gtk_label_set_label (self->summary_status, _("Offline summary: no AI service is set up (see Preferences)"));
  return self;
}
