/* handoff-transcript-view.c: the live transcript
 *
 * A GtkListView over the call's segments. Partial text is dim and replaced
 * in place by the final. The view follows new lines while the agent is at
 * the bottom; once they scroll up it stays put and offers "Jump to Latest".
 *
 * The list shows a copy of the transcript brought up to date at most four
 * times a second: a recogniser replaces its partial line many times a
 * second, and each replacement rebinds, relays out and repaints the list
 * (in software under Xvfb, or on a laptop without a GPU, that was a good part
 * of the app's CPU during a call). A quarter second is well under what a
 * reader notices in a line that is still being recognised.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "handoff-transcript"

#include "config.h"

#include <glib/gi18n.h>

#include "handoff-segment.h"
#include "handoff-transcript-view.h"

struct _HandoffTranscriptView
{
  GtkWidget          parent_instance;

  GtkWidget         *box;
  GtkWidget         *header;
  GtkStack          *stack;
  GtkScrolledWindow *scroller;
  GtkListView       *list_view;
  GtkButton         *jump_button;

  GListModel        *model;
  GListStore        *shown;        /* what the list shows: `model`, throttled */
  guint              sync_id;
  gint64             synced_us;
  gboolean           follow;
  guint              scroll_idle;
};

#define SYNC_INTERVAL_US (250 * 1000)

G_DEFINE_FINAL_TYPE (HandoffTranscriptView, handoff_transcript_view, GTK_TYPE_WIDGET)

static void
update_row (HandoffSegment *seg,
            GParamSpec     *pspec,
            GtkWidget      *row)
{
  GtkLabel *speaker = g_object_get_data (G_OBJECT (row), "speaker");
  GtkLabel *text = g_object_get_data (G_OBJECT (row), "text");
  gboolean final = handoff_segment_get_final (seg);

  /* A partial is replaced by a new item (the transcript swaps it), so a
   * row only changes when the speaker's name becomes known. */
  gtk_label_set_text (speaker, handoff_segment_get_speaker (seg));
  gtk_label_set_text (text, handoff_segment_get_text (seg));
  /* Dim for the eye; said in words for a screen reader. */
  if (final)
    {
      gtk_widget_remove_css_class (GTK_WIDGET (text), "dim-label");
      gtk_accessible_reset_property (GTK_ACCESSIBLE (text), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
    }
  else
    {
      gtk_widget_add_css_class (GTK_WIDGET (text), "dim-label");
      gtk_accessible_update_property (GTK_ACCESSIBLE (text), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                      _("Still being recognised"), -1);
    }
}

static void
setup_row (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           gpointer                  user_data)
{
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *speaker = gtk_label_new (NULL);
  GtkWidget *text = gtk_label_new (NULL);

  gtk_widget_add_css_class (speaker, "caption-heading");
  gtk_label_set_xalign (GTK_LABEL (speaker), 0);
  gtk_label_set_xalign (GTK_LABEL (text), 0);
  gtk_label_set_wrap (GTK_LABEL (text), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (text), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (GTK_LABEL (text), FALSE);
  gtk_widget_set_margin_start (row, 12);
  gtk_widget_set_margin_end (row, 12);
  gtk_widget_set_margin_top (row, 6);
  gtk_widget_set_margin_bottom (row, 6);
  gtk_box_append (GTK_BOX (row), speaker);
  gtk_box_append (GTK_BOX (row), text);
  g_object_set_data (G_OBJECT (row), "speaker", speaker);
  g_object_set_data (G_OBJECT (row), "text", text);
  gtk_list_item_set_child (item, row);
  gtk_list_item_set_activatable (item, FALSE);
}

static void
bind_row (GtkSignalListItemFactory *factory,
          GtkListItem              *item,
          gpointer                  user_data)
{
  HandoffSegment *seg = gtk_list_item_get_item (item);
  GtkWidget *row = gtk_list_item_get_child (item);

  update_row (seg, NULL, row);
  g_signal_connect_object (seg, "notify", G_CALLBACK (update_row), row, 0);
}

static void
unbind_row (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            gpointer                  user_data)
{
  HandoffSegment *seg = gtk_list_item_get_item (item);
  GtkWidget *row = gtk_list_item_get_child (item);

  if (seg != NULL)
    g_signal_handlers_disconnect_by_func (seg, update_row, row);
}

static gboolean
scroll_to_end_cb (gpointer user_data)
{
  HandoffTranscriptView *self = user_data;
  GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (self->scroller);

  self->scroll_idle = 0;
  gtk_adjustment_set_value (adj, gtk_adjustment_get_upper (adj) - gtk_adjustment_get_page_size (adj));
  return G_SOURCE_REMOVE;
}

/* Makes `shown` equal `model` with one splice over the part that differs
 * (usually the last line or two). */
static void
sync_shown (HandoffTranscriptView *self)
{
  GListModel *shown = G_LIST_MODEL (self->shown);
  guint n_model = self->model ? g_list_model_get_n_items (self->model) : 0;
  guint n_shown = g_list_model_get_n_items (shown);
  guint start = 0, end_model = n_model, end_shown = n_shown;
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);

  self->synced_us = g_get_monotonic_time ();
  while (start < n_model && start < n_shown)
    {
      g_autoptr(GObject) a = g_list_model_get_item (self->model, start);
      g_autoptr(GObject) b = g_list_model_get_item (shown, start);
      if (a != b)
        break;
      start++;
    }
  while (end_model > start && end_shown > start)
    {
      g_autoptr(GObject) a = g_list_model_get_item (self->model, end_model - 1);
      g_autoptr(GObject) b = g_list_model_get_item (shown, end_shown - 1);
      if (a != b)
        break;
      end_model--;
      end_shown--;
    }
  if (start == end_model && start == end_shown)
    return;
  for (guint i = start; i < end_model; i++)
    g_ptr_array_add (items, g_list_model_get_item (self->model, i));
  g_list_store_splice (self->shown, start, end_shown - start, items->pdata, items->len);
}

static gboolean
sync_due (gpointer user_data)
{
  HandoffTranscriptView *self = user_data;

  self->sync_id = 0;
  sync_shown (self);
  return G_SOURCE_REMOVE;
}

/* The transcript changed: show it now if the last update is a quarter
 * second old, else once it is. */
static void
on_model_changed (GListModel            *model,
                  guint                  position,
                  guint                  removed,
                  guint                  added,
                  HandoffTranscriptView *self)
{
  gint64 wait_us = self->synced_us + SYNC_INTERVAL_US - g_get_monotonic_time ();

  if (self->sync_id != 0)
    return;
  if (wait_us <= 0)
    sync_shown (self);
  else
    self->sync_id = g_timeout_add ((guint) (wait_us / 1000) + 1, sync_due, self);
}

static void
on_items_changed (GListModel            *model,
                  guint                  position,
                  guint                  removed,
                  guint                  added,
                  HandoffTranscriptView *self)
{
  gboolean empty = g_list_model_get_n_items (model) == 0;

  gtk_stack_set_visible_child_name (self->stack, empty ? "empty" : "list");
  if (self->follow && self->scroll_idle == 0)
    self->scroll_idle = g_idle_add (scroll_to_end_cb, self);
  gtk_widget_set_visible (GTK_WIDGET (self->jump_button), !self->follow && !empty);
}

static void
on_scrolled (GtkAdjustment         *adj,
             HandoffTranscriptView *self)
{
  double bottom = gtk_adjustment_get_upper (adj) - gtk_adjustment_get_page_size (adj);

  /* The user scrolled away from the bottom: stop following. Reaching the
   * bottom again resumes. */
  self->follow = gtk_adjustment_get_value (adj) >= bottom - 24;
  gtk_widget_set_visible (GTK_WIDGET (self->jump_button), !self->follow);
}

static void
on_jump_clicked (HandoffTranscriptView *self)
{
  self->follow = TRUE;
  gtk_widget_set_visible (GTK_WIDGET (self->jump_button), FALSE);
  scroll_to_end_cb (self);
}

char *
handoff_transcript_view_dup_text (HandoffTranscriptView *self)
{
  GString *s = g_string_new (NULL);
  guint n;

  g_return_val_if_fail (HANDOFF_IS_TRANSCRIPT_VIEW (self), NULL);
  n = self->model ? g_list_model_get_n_items (self->model) : 0;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(HandoffSegment) seg = g_list_model_get_item (self->model, i);
      if (handoff_segment_get_final (seg))
        g_string_append_printf (s, "%s: %s\n", handoff_segment_get_speaker (seg),
                                handoff_segment_get_text (seg));
    }
  return g_string_free (s, FALSE);
}

static void
on_copy_clicked (HandoffTranscriptView *self)
{
  g_autofree char *text = handoff_transcript_view_dup_text (self);

  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), text);
  gtk_widget_activate_action (GTK_WIDGET (self), "win.toast", "s", _("Transcript copied"));
}

static void
on_file_written (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(HandoffTranscriptView) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_file_replace_contents_finish (G_FILE (source), result, NULL, &error))
    {
      g_autofree char *msg = g_strdup_printf (_("Could not save: %s"), error->message);
      gtk_widget_activate_action (GTK_WIDGET (self), "win.toast", "s", msg);
      return;
    }
  gtk_widget_activate_action (GTK_WIDGET (self), "win.toast", "s", _("Transcript saved"));
}

static void
on_export_response (GtkNativeDialog       *dialog,
                    int                    response,
                    HandoffTranscriptView *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      char *text = handoff_transcript_view_dup_text (self);
      g_autoptr(GBytes) bytes = g_bytes_new_take (text, strlen (text));

      g_file_replace_contents_bytes_async (file, bytes, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION,
                                           NULL, on_file_written, g_object_ref (self));
    }
  g_object_unref (dialog);
}

static void
on_export_clicked (HandoffTranscriptView *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkFileChooserNative *chooser;

  chooser = gtk_file_chooser_native_new (_("Export Transcript"), GTK_WINDOW (root),
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), "transcript.txt");
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (on_export_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

void
handoff_transcript_view_set_model (HandoffTranscriptView *self,
                                   GListModel            *model)
{
  g_autoptr(GtkNoSelection) selection = NULL;

  g_return_if_fail (HANDOFF_IS_TRANSCRIPT_VIEW (self));

  if (self->model)
    g_signal_handlers_disconnect_by_func (self->model, on_model_changed, self);
  g_clear_handle_id (&self->sync_id, g_source_remove);
  if (self->shown)
    g_signal_handlers_disconnect_by_func (self->shown, on_items_changed, self);
  g_clear_object (&self->shown);
  g_set_object (&self->model, model);
  if (model == NULL)
    {
      gtk_list_view_set_model (self->list_view, NULL);
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }
  self->shown = g_list_store_new (g_list_model_get_item_type (model));
  sync_shown (self);
  selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->shown)));
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (selection));
  g_signal_connect (model, "items-changed", G_CALLBACK (on_model_changed), self);
  g_signal_connect (self->shown, "items-changed", G_CALLBACK (on_items_changed), self);
  self->follow = TRUE;
  on_items_changed (G_LIST_MODEL (self->shown), 0, 0, 0, self);
}

void
handoff_transcript_view_set_compact (HandoffTranscriptView *self,
                                     gboolean               compact)
{
  g_return_if_fail (HANDOFF_IS_TRANSCRIPT_VIEW (self));
  gtk_widget_set_visible (self->header, !compact);
}

static void
handoff_transcript_view_dispose (GObject *object)
{
  HandoffTranscriptView *self = HANDOFF_TRANSCRIPT_VIEW (object);

  g_clear_handle_id (&self->scroll_idle, g_source_remove);
  g_clear_handle_id (&self->sync_id, g_source_remove);
  if (self->model)
    g_signal_handlers_disconnect_by_func (self->model, on_model_changed, self);
  if (self->shown)
    g_signal_handlers_disconnect_by_func (self->shown, on_items_changed, self);
  g_clear_object (&self->shown);
  g_clear_object (&self->model);
  gtk_widget_dispose_template (GTK_WIDGET (self), HANDOFF_TYPE_TRANSCRIPT_VIEW);
  G_OBJECT_CLASS (handoff_transcript_view_parent_class)->dispose (object);
}

static void
handoff_transcript_view_class_init (HandoffTranscriptViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = handoff_transcript_view_dispose;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/ui/handoff-transcript-view.ui");
  gtk_widget_class_bind_template_child (widget_class, HandoffTranscriptView, box);
  gtk_widget_class_bind_template_child (widget_class, HandoffTranscriptView, header);
  gtk_widget_class_bind_template_child (widget_class, HandoffTranscriptView, stack);
  gtk_widget_class_bind_template_child (widget_class, HandoffTranscriptView, scroller);
  gtk_widget_class_bind_template_child (widget_class, HandoffTranscriptView, list_view);
  gtk_widget_class_bind_template_child (widget_class, HandoffTranscriptView, jump_button);
  gtk_widget_class_bind_template_callback (widget_class, on_copy_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_export_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_jump_clicked);
}

static void
handoff_transcript_view_init (HandoffTranscriptView *self)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect (factory, "setup", G_CALLBACK (setup_row), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row), NULL);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_row), NULL);
  gtk_list_view_set_factory (self->list_view, factory);
  g_signal_connect (gtk_scrolled_window_get_vadjustment (self->scroller), "value-changed",
                    G_CALLBACK (on_scrolled), self);
  self->follow = TRUE;
}
