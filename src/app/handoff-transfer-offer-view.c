/* handoff-transfer-offer-view.c: what B sees when a transfer is offered
 *
 * The structured summary, key facts and the transcript so far, before B
 * decides. Urgent transfers are highlighted.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "handoff-offer"

#include "config.h"

#include <glib/gi18n.h>

#include "handoff-segment.h"
#include "handoff-transcript-view.h"
#include "handoff-transfer-record.h"
#include "handoff-transfer-offer-view.h"

enum {
  SIGNAL_ACCEPT,
  SIGNAL_DECLINE,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

struct _HandoffTransferOfferView
{
  GtkWidget               parent_instance;

  GtkWidget              *scroller;
  GtkLabel               *urgent_label;
  GtkLabel               *title_label;
  GtkLabel               *caller_label;
  GtkLabel               *summary_label;
  GtkLabel               *facts_title;
  GtkLabel               *facts_label;
  GtkButton              *accept_button;
  GtkButton              *decline_button;
  HandoffTranscriptView  *transcript;

  HandoffTransferSession *transfer;
  GListStore             *segments;
};

G_DEFINE_FINAL_TYPE (HandoffTransferOfferView, handoff_transfer_offer_view, GTK_TYPE_WIDGET)

static void
on_accept_clicked (HandoffTransferOfferView *self)
{
  g_signal_emit (self, signals[SIGNAL_ACCEPT], 0);
}

static void
on_decline_clicked (HandoffTransferOfferView *self)
{
  g_signal_emit (self, signals[SIGNAL_DECLINE], 0);
}

static void
update (HandoffTransferOfferView *self)
{
  JsonObject *offer;
  JsonObject *summary = NULL;
  JsonArray *facts = NULL;
  g_autofree char *title = NULL;
  const char *caller;
  GString *f;

  if (self->transfer == NULL)
    return;
  offer = handoff_transfer_session_get_offer (self->transfer);
  caller = handoff_call_session_get_caller_name (handoff_transfer_session_get_call (self->transfer));
  title = g_strdup_printf (_("%s wants to transfer %s to you"),
                           handoff_transfer_session_get_peer_name (self->transfer),
                           caller ? caller : _("a caller"));
  gtk_label_set_text (self->title_label, title);
  gtk_widget_set_visible (GTK_WIDGET (self->urgent_label), handoff_transfer_session_get_urgent (self->transfer));
  if (handoff_transfer_session_get_urgent (self->transfer))
    gtk_widget_add_css_class (GTK_WIDGET (self), "urgent");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "urgent");
  {
    const char *reason = handoff_call_session_get_reason (handoff_transfer_session_get_call (self->transfer));
    g_autofree char *line = reason && *reason ? g_strdup_printf (_("The caller said: “%s”"), reason) : NULL;

    gtk_label_set_text (self->caller_label, line ? line : "");
    gtk_widget_set_visible (GTK_WIDGET (self->caller_label), line != NULL);
  }
  gtk_label_set_text (self->summary_label, handoff_transfer_session_get_summary (self->transfer));

  if (offer && json_object_has_member (offer, "summary") &&
      JSON_NODE_HOLDS_OBJECT (json_object_get_member (offer, "summary")))
    summary = json_object_get_object_member (offer, "summary");
  if (summary && json_object_has_member (summary, "key_facts") &&
      JSON_NODE_HOLDS_ARRAY (json_object_get_member (summary, "key_facts")))
    facts = json_object_get_array_member (summary, "key_facts");
  f = g_string_new (NULL);
  for (guint i = 0; facts && i < json_array_get_length (facts); i++)
    {
      JsonNode *n = json_array_get_element (facts, i);
      if (JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_STRING)
        g_string_append_printf (f, "• %s\n", json_node_get_string (n));
    }
  gtk_label_set_text (self->facts_label, f->str);
  gtk_widget_set_visible (GTK_WIDGET (self->facts_title), f->len > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->facts_label), f->len > 0);
  g_string_free (f, TRUE);

  g_list_store_remove_all (self->segments);
  handoff_transfer_transcript_from_json (offer, self->segments);
}

void
handoff_transfer_offer_view_set_transfer (HandoffTransferOfferView *self,
                                          HandoffTransferSession   *transfer)
{
  g_return_if_fail (HANDOFF_IS_TRANSFER_OFFER_VIEW (self));
  if (self->transfer)
    g_signal_handlers_disconnect_by_data (self->transfer, self);
  g_set_object (&self->transfer, transfer);
  handoff_transfer_offer_view_set_busy (self, FALSE);
  if (transfer)
    g_signal_connect_swapped (transfer, "notify", G_CALLBACK (update), self);
  update (self);
}

void
handoff_transfer_offer_view_set_busy (HandoffTransferOfferView *self,
                                      gboolean                  busy)
{
  g_return_if_fail (HANDOFF_IS_TRANSFER_OFFER_VIEW (self));
  gtk_widget_set_sensitive (GTK_WIDGET (self->accept_button), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->decline_button), !busy);
}

static void
handoff_transfer_offer_view_dispose (GObject *object)
{
  HandoffTransferOfferView *self = HANDOFF_TRANSFER_OFFER_VIEW (object);

  if (self->transfer)
    g_signal_handlers_disconnect_by_data (self->transfer, self);
  g_clear_object (&self->transfer);
  g_clear_object (&self->segments);
  gtk_widget_dispose_template (GTK_WIDGET (self), HANDOFF_TYPE_TRANSFER_OFFER_VIEW);
  G_OBJECT_CLASS (handoff_transfer_offer_view_parent_class)->dispose (object);
}

static void
handoff_transfer_offer_view_class_init (HandoffTransferOfferViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = handoff_transfer_offer_view_dispose;

  signals[SIGNAL_ACCEPT] = g_signal_new ("accept", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                         0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_DECLINE] = g_signal_new ("decline", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  g_type_ensure (HANDOFF_TYPE_TRANSCRIPT_VIEW);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/ui/handoff-transfer-offer-view.ui");
  gtk_widget_class_bind_template_child (widget_class, HandoffTransferOfferView, scroller);
  gtk_widget_class_bind_template_child (widget_class, HandoffTransferOfferView, urgent_label);
  gtk_widget_class_bind_template_child (widget_class, HandoffTransferOfferView, title_label);
  gtk_widget_class_bind_template_child (widget_class, HandoffTransferOfferView, caller_label);
  gtk_widget_class_bind_template_child (widget_class, HandoffTransferOfferView, summary_label);
  gtk_widget_class_bind_template_child (widget_class, HandoffTransferOfferView, facts_title);
  gtk_widget_class_bind_template_child (widget_class, HandoffTransferOfferView, facts_label);
  gtk_widget_class_bind_template_child (widget_class, HandoffTransferOfferView, accept_button);
  gtk_widget_class_bind_template_child (widget_class, HandoffTransferOfferView, decline_button);
  gtk_widget_class_bind_template_child (widget_class, HandoffTransferOfferView, transcript);
  gtk_widget_class_bind_template_callback (widget_class, on_accept_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_decline_clicked);
}

static void
handoff_transfer_offer_view_init (HandoffTransferOfferView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->segments = g_list_store_new (HANDOFF_TYPE_SEGMENT);
  handoff_transcript_view_set_model (self->transcript, G_LIST_MODEL (self->segments));
}
