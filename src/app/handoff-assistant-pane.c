/* handoff-assistant-pane.c: chat about the call, quick prompts, entities
 *
 * With an AI endpoint and key the answers stream in; without one the pane
 * says so plainly and still does what can be done locally: the offline
 * summary and the list of numbers, IDs and addresses said in the call.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "handoff-assistant"

#include "config.h"

#include <glib/gi18n.h>

#include "handoff-assistant-pane.h"
#include "handoff-assistant.h"
#include "handoff-entities.h"

struct _HandoffAssistantPane
{
  GtkWidget           parent_instance;

  GtkWidget          *box;
  GtkLabel           *offline_label;
  GtkScrolledWindow  *scroller;
  GtkBox             *messages_box;
  GtkEntry           *entry;
  GtkFlowBox         *entities_box;
  GtkExpander        *entities_expander;

  HandoffCallSession *call;
  HandoffAssistant   *assistant;
  GCancellable       *cancellable;
  guint               entities_idle;
};

G_DEFINE_FINAL_TYPE (HandoffAssistantPane, handoff_assistant_pane, GTK_TYPE_WIDGET)

static GtkLabel *
add_message (HandoffAssistantPane *self,
             const char           *who,
             const char           *text)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *w = gtk_label_new (who);
  GtkWidget *t = gtk_label_new (text);

  gtk_widget_add_css_class (w, "caption-heading");
  gtk_label_set_xalign (GTK_LABEL (w), 0);
  gtk_label_set_xalign (GTK_LABEL (t), 0);
  gtk_label_set_wrap (GTK_LABEL (t), TRUE);
  gtk_label_set_selectable (GTK_LABEL (t), TRUE);
  gtk_box_append (GTK_BOX (box), w);
  gtk_box_append (GTK_BOX (box), t);
  gtk_box_append (self->messages_box, box);
  return GTK_LABEL (t);
}

static void
update_online (HandoffAssistantPane *self)
{
  gboolean online = self->assistant && handoff_assistant_get_online (self->assistant);
  const char *reason = self->assistant ? handoff_assistant_get_offline_reason (self->assistant) : NULL;
  g_autofree char *text = g_strdup_printf (_("The assistant is offline: %s. Summaries are written offline."),
                                           reason ? reason : _("no AI endpoint or key is set"));

  gtk_label_set_text (self->offline_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->offline_label), !online);
}

static void
on_delta (const char *delta,
          gpointer    user_data)
{
  GtkLabel *label = user_data;
  g_autofree char *text = g_strconcat (gtk_label_get_text (label), delta, NULL);

  gtk_label_set_text (label, text);
}

typedef struct {
  HandoffAssistantPane *self;
  GtkLabel             *label;
} Ask;

static void
on_answered (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Ask *ask = user_data;
  g_autoptr(GError) error = NULL;
  gboolean offline = FALSE;
  g_autofree char *answer = handoff_assistant_ask_finish (HANDOFF_ASSISTANT (source), result, &offline, &error);

  if (answer != NULL)
    gtk_label_set_text (ask->label, answer);
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    gtk_label_set_text (ask->label, error->message);
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    update_online (ask->self);
  g_object_unref (ask->label);
  g_object_unref (ask->self);
  g_free (ask);
}

static void
ask (HandoffAssistantPane *self,
     const char           *question,
     int                   prompt)
{
  Ask *a;

  add_message (self, _("You"), prompt >= 0 ? handoff_assistant_prompt_text (prompt) : question);
  if (self->assistant == NULL)
    {
      add_message (self, _("Assistant"), _("There is no call to talk about yet."));
      return;
    }
  a = g_new0 (Ask, 1);
  a->self = g_object_ref (self);
  a->label = g_object_ref (add_message (self, _("Assistant"), ""));
  if (prompt >= 0)
    handoff_assistant_ask_prompt_async (self->assistant, prompt, on_delta, a->label, self->cancellable,
                                        on_answered, a);
  else
    handoff_assistant_ask_async (self->assistant, question, on_delta, a->label, self->cancellable,
                                 on_answered, a);
}

static void
on_summarise_clicked (HandoffAssistantPane *self)
{
  ask (self, NULL, HANDOFF_ASSISTANT_PROMPT_SUMMARISE);
}

static void
on_suggest_clicked (HandoffAssistantPane *self)
{
  ask (self, NULL, HANDOFF_ASSISTANT_PROMPT_SUGGEST_REPLY);
}

static void
on_next_clicked (HandoffAssistantPane *self)
{
  ask (self, NULL, HANDOFF_ASSISTANT_PROMPT_NEXT_QUESTION);
}

static void
on_send_clicked (HandoffAssistantPane *self)
{
  g_autofree char *q = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->entry))));

  if (q[0] == '\0')
    return;
  gtk_editable_set_text (GTK_EDITABLE (self->entry), "");
  ask (self, q, -1);
}

static void
on_entity_clicked (GtkButton            *button,
                   HandoffAssistantPane *self)
{
  const char *text = gtk_button_get_label (button);
  g_autofree char *msg = g_strdup_printf (_("Copied “%s”"), text);

  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), text);
  gtk_widget_activate_action (GTK_WIDGET (self), "win.toast", "s", msg);
}

static gboolean
refresh_entities_cb (gpointer user_data)
{
  HandoffAssistantPane *self = user_data;
  g_autofree char *text = NULL;
  g_autoptr(GPtrArray) found = NULL;
  GtkWidget *child;

  self->entities_idle = 0;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->entities_box))) != NULL)
    gtk_flow_box_remove (self->entities_box, child);
  if (self->call == NULL)
    return G_SOURCE_REMOVE;
  text = handoff_call_session_dup_transcript_text (self->call);
  found = handoff_entities_extract (text);
  for (guint i = 0; i < found->len; i++)
    {
      HandoffEntity *e = g_ptr_array_index (found, i);
      GtkWidget *b = gtk_button_new_with_label (e->value);
      g_autofree char *tip = g_strdup_printf (_("Copy %s (%s)"), e->value, handoff_entity_kind_to_string (e->kind));

      gtk_widget_set_tooltip_text (b, tip);
      gtk_widget_add_css_class (b, "flat");
      g_signal_connect (b, "clicked", G_CALLBACK (on_entity_clicked), self);
      gtk_flow_box_append (self->entities_box, b);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->entities_expander), found->len > 0);
  return G_SOURCE_REMOVE;
}

static void
on_transcript_changed (GListModel           *model,
                       guint                 position,
                       guint                 removed,
                       guint                 added,
                       HandoffAssistantPane *self)
{
  if (self->entities_idle == 0)
    self->entities_idle = g_timeout_add (500, refresh_entities_cb, self);
}

void
handoff_assistant_pane_set_call (HandoffAssistantPane *self,
                                 HandoffCallSession   *call)
{
  GtkWidget *child;

  g_return_if_fail (HANDOFF_IS_ASSISTANT_PANE (self));

  if (self->call)
    g_signal_handlers_disconnect_by_data (handoff_call_session_get_transcript (self->call), self);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_set_object (&self->call, call);
  if (self->assistant)
    {
      handoff_assistant_clear_history (self->assistant);
      handoff_assistant_set_transcript_model (self->assistant,
                                              call ? handoff_call_session_get_transcript (call) : NULL);
    }
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->messages_box))) != NULL)
    gtk_box_remove (self->messages_box, child);
  if (call)
    g_signal_connect (handoff_call_session_get_transcript (call), "items-changed",
                      G_CALLBACK (on_transcript_changed), self);
  refresh_entities_cb (self);
}

void
handoff_assistant_pane_set_chat_client (HandoffAssistantPane *self,
                                        HandoffChatClient    *client,
                                        GSettings            *settings)
{
  g_return_if_fail (HANDOFF_IS_ASSISTANT_PANE (self));
  g_clear_object (&self->assistant);
  if (client)
    {
      self->assistant = handoff_assistant_new (client);
      /* The Preferences' redaction switch decides what the LLM gets. */
      if (settings != NULL)
        handoff_assistant_bind_settings (self->assistant, settings);
      /* A key saved in Preferences turns the assistant on without a question. */
      g_signal_connect_object (self->assistant, "notify::online", G_CALLBACK (update_online), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (self->assistant, "notify::offline-reason",
                               G_CALLBACK (update_online), self, G_CONNECT_SWAPPED);
      if (self->call)
        handoff_assistant_set_transcript_model (self->assistant, handoff_call_session_get_transcript (self->call));
    }
  update_online (self);
}

void
handoff_assistant_pane_focus (HandoffAssistantPane *self)
{
  g_return_if_fail (HANDOFF_IS_ASSISTANT_PANE (self));
  gtk_widget_grab_focus (GTK_WIDGET (self->entry));
}

static void
handoff_assistant_pane_dispose (GObject *object)
{
  HandoffAssistantPane *self = HANDOFF_ASSISTANT_PANE (object);

  g_clear_handle_id (&self->entities_idle, g_source_remove);
  if (self->call)
    g_signal_handlers_disconnect_by_data (handoff_call_session_get_transcript (self->call), self);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->call);
  g_clear_object (&self->assistant);
  gtk_widget_dispose_template (GTK_WIDGET (self), HANDOFF_TYPE_ASSISTANT_PANE);
  G_OBJECT_CLASS (handoff_assistant_pane_parent_class)->dispose (object);
}

static void
handoff_assistant_pane_class_init (HandoffAssistantPaneClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = handoff_assistant_pane_dispose;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/ui/handoff-assistant-pane.ui");
  gtk_widget_class_bind_template_child (widget_class, HandoffAssistantPane, box);
  gtk_widget_class_bind_template_child (widget_class, HandoffAssistantPane, offline_label);
  gtk_widget_class_bind_template_child (widget_class, HandoffAssistantPane, scroller);
  gtk_widget_class_bind_template_child (widget_class, HandoffAssistantPane, messages_box);
  gtk_widget_class_bind_template_child (widget_class, HandoffAssistantPane, entry);
  gtk_widget_class_bind_template_child (widget_class, HandoffAssistantPane, entities_box);
  gtk_widget_class_bind_template_child (widget_class, HandoffAssistantPane, entities_expander);
  gtk_widget_class_bind_template_callback (widget_class, on_summarise_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_suggest_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_next_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_send_clicked);
}

static void
handoff_assistant_pane_init (HandoffAssistantPane *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_widget_set_visible (GTK_WIDGET (self->entities_expander), FALSE);
  self->cancellable = g_cancellable_new ();
  update_online (self);
}
