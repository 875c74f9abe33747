/* handoff-call-view.c: the agent's view of the call in progress
 *
 * Binds to a HandoffCallSession (caller card, state in words, timer, mute,
 * hold, transcript) and, during a transfer, to the HandoffTransferSession
 * (what the transfer is waiting for and the buttons of the current step).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "handoff-call-view"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <math.h>

#include "handoff-assistant-pane.h"
#include "handoff-audio-chooser.h"
#include "handoff-call-view.h"
#include "handoff-lk-media.h"
#include "handoff-server-client.h"
#include "handoff-transcript-view.h"

struct _HandoffCallView
{
  GtkWidget               parent_instance;

  GtkWidget              *paned;
  AdwAvatar              *avatar;
  GtkLabel               *caller_label;
  GtkLabel               *reason_label;
  GtkLabel               *state_label;
  GtkExpander            *previous_expander;
  GtkListBox             *previous_list;
  GtkLabel               *timer_label;
  GtkToggleButton        *mute_button;
  GtkToggleButton        *hold_button;
  GtkButton              *transfer_button;
  GtkLevelBar            *mic_level;
  GtkLevelBar            *speaker_level;
  HandoffAudioChooser    *audio_chooser;
  GtkRevealer            *watchdog_revealer;
  GtkLabel               *watchdog_label;
  GtkRevealer            *transfer_revealer;
  GtkLabel               *transfer_label;
  GtkLabel               *wait_label;
  GtkButton              *ready_button;
  GtkButton              *connect_button;
  GtkButton              *complete_button;
  GtkButton              *cancel_button;
  GtkBox                 *rating_box;
  HandoffTranscriptView  *transcript;
  HandoffAssistantPane   *assistant;

  HandoffCallSession     *call;
  HandoffTransferSession *transfer;
  GBinding               *mute_binding;
  guint                   watchdog_seconds;
  gboolean                watchdog_fired;
  gboolean                syncing_hold;
  gboolean                rated;
  guint                   level_id;
};

G_DEFINE_FINAL_TYPE (HandoffCallView, handoff_call_view, GTK_TYPE_WIDGET)

static void
toast (HandoffCallView *self,
       const char      *message)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "win.toast", "s", message);
}

static char *
format_secs (guint secs)
{
  if (secs >= 3600)
    return g_strdup_printf ("%u:%02u:%02u", secs / 3600, (secs / 60) % 60, secs % 60);
  return g_strdup_printf ("%u:%02u", secs / 60, secs % 60);
}

static void
set_label_and_name (GtkLabel   *label,
                    const char *text)
{
  gtk_label_set_text (label, text ? text : "");
  gtk_accessible_update_property (GTK_ACCESSIBLE (label), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  text ? text : "", -1);
}

static void
update_transfer (HandoffCallView *self)
{
  HandoffTransferState state;
  HandoffTransferRole role;
  gboolean active;

  state = self->transfer ? handoff_transfer_session_get_state (self->transfer) : HANDOFF_TRANSFER_IDLE;
  role = self->transfer ? handoff_transfer_session_get_role (self->transfer) : HANDOFF_TRANSFER_ROLE_INITIATOR;
  /* A transfer that ended leaves A with the caller: the toast said why, and
   * a card with nothing left to do would only go stale. */
  if (self->transfer == NULL || (role == HANDOFF_TRANSFER_ROLE_INITIATOR && state == HANDOFF_TRANSFER_ENDED))
    {
      gtk_revealer_set_reveal_child (self->transfer_revealer, FALSE);
      gtk_widget_set_sensitive (GTK_WIDGET (self->transfer_button), TRUE);
      gtk_widget_set_sensitive (GTK_WIDGET (self->hold_button), TRUE);
      return;
    }
  active = handoff_transfer_session_is_active (self->transfer);
  gtk_revealer_set_reveal_child (self->transfer_revealer, TRUE);
  set_label_and_name (self->transfer_label, handoff_transfer_session_get_status_text (self->transfer));

  gtk_widget_set_visible (GTK_WIDGET (self->ready_button),
                          role == HANDOFF_TRANSFER_ROLE_TARGET && state == HANDOFF_TRANSFER_CONSULTING &&
                          !handoff_transfer_session_get_peer_ready (self->transfer));
  gtk_widget_set_visible (GTK_WIDGET (self->connect_button),
                          role == HANDOFF_TRANSFER_ROLE_INITIATOR && state == HANDOFF_TRANSFER_CONSULTING);
  gtk_widget_set_sensitive (GTK_WIDGET (self->connect_button),
                            handoff_transfer_session_get_peer_ready (self->transfer));
  gtk_widget_set_visible (GTK_WIDGET (self->complete_button),
                          role == HANDOFF_TRANSFER_ROLE_INITIATOR &&
                          (state == HANDOFF_TRANSFER_CONSULTING || state == HANDOFF_TRANSFER_THREE_WAY));
  gtk_widget_set_visible (GTK_WIDGET (self->cancel_button), role == HANDOFF_TRANSFER_ROLE_INITIATOR && active);
  gtk_widget_set_visible (GTK_WIDGET (self->rating_box),
                          role == HANDOFF_TRANSFER_ROLE_TARGET && state == HANDOFF_TRANSFER_COMPLETED && !self->rated);
  gtk_widget_set_sensitive (GTK_WIDGET (self->transfer_button), !active);
  gtk_widget_set_sensitive (GTK_WIDGET (self->hold_button), !active);
}

static void
update_call (HandoffCallView *self)
{
  g_autofree char *timer = NULL;
  guint hold;

  if (self->call == NULL)
    return;
  set_label_and_name (self->state_label, handoff_call_session_get_status_text (self->call));
  timer = format_secs (handoff_call_session_get_duration (self->call));
  gtk_label_set_text (self->timer_label, timer);

  hold = handoff_call_session_get_hold_seconds (self->call);
  if (hold > 0)
    {
      g_autofree char *w = format_secs (hold);
      g_autofree char *text = g_strdup_printf (_("Caller waiting %s"), w);
      gtk_label_set_text (self->wait_label, text);
    }
  else
    gtk_label_set_text (self->wait_label, "");

  /* The hold watchdog: warn once per hold when the caller waited too long. */
  if (hold > 0 && self->watchdog_seconds > 0 && hold >= self->watchdog_seconds)
    {
      g_autofree char *w = format_secs (hold);
      g_autofree char *text = g_strdup_printf (_("%s has been on hold for %s"),
                                               handoff_call_session_get_caller_name (self->call)
                                               ? handoff_call_session_get_caller_name (self->call) : _("The caller"), w);
      set_label_and_name (self->watchdog_label, text);
      gtk_revealer_set_reveal_child (self->watchdog_revealer, TRUE);
      if (!self->watchdog_fired)
        {
          self->watchdog_fired = TRUE;
          toast (self, text);
          gtk_widget_error_bell (GTK_WIDGET (self));
        }
    }
  else
    {
      gtk_revealer_set_reveal_child (self->watchdog_revealer, FALSE);
      if (hold == 0)
        self->watchdog_fired = FALSE;
    }

  self->syncing_hold = TRUE;
  gtk_toggle_button_set_active (self->hold_button, handoff_call_session_get_on_hold (self->call));
  self->syncing_hold = FALSE;
}

/* A revealer keeps its hidden child in the accessibility tree: once the
 * warning has slid away, a screen reader must not still read it. */
static void
on_watchdog_revealed (HandoffCallView *self)
{
  if (!gtk_revealer_get_child_revealed (self->watchdog_revealer))
    set_label_and_name (self->watchdog_label, NULL);
}

/* A closed revealer keeps its child in the accessibility tree: a screen
 * reader would still read the ended transfer's last words. */
static void
on_transfer_revealed (HandoffCallView *self)
{
  if (!gtk_revealer_get_child_revealed (self->transfer_revealer))
    {
      set_label_and_name (self->transfer_label, NULL);
      gtk_label_set_text (self->wait_label, "");
    }
}

/* RMS of speech sits around 0.05-0.3: a square root spreads it over the bar. */
static double
meter_value (double rms)
{
  return MIN (1.0, sqrt (rms) * 1.5);
}

/* A level bar repaints (the whole window, in software without a GPU) on
 * every new value, and a live level is never the same twice. Move it only
 * when the change is one an eye sees (3 % of the bar, a few pixels), or when
 * it reaches silence. */
#define METER_STEP 0.03

static void
move_meter (GtkLevelBar *bar,
            double       value)
{
  double shown = gtk_level_bar_get_value (bar);

  if (fabs (value - shown) >= METER_STEP || (value == 0 && shown != 0))
    gtk_level_bar_set_value (bar, value);
}

/* 10 Hz: a meter needs no more to look live. */
static gboolean
level_tick (gpointer user_data)
{
  HandoffCallView *self = user_data;
  HandoffCallMedia *media = self->call ? handoff_call_session_get_media (self->call) : NULL;
  HandoffLkMedia *lk = media && HANDOFF_IS_LK_MEDIA (media) ? HANDOFF_LK_MEDIA (media) : NULL;

  if (!gtk_widget_get_mapped (GTK_WIDGET (self->mic_level)))
    return G_SOURCE_CONTINUE;   /* another page is shown */
  move_meter (self->mic_level, lk ? meter_value (handoff_lk_media_get_mic_level (lk)) : 0);
  move_meter (self->speaker_level, lk ? meter_value (handoff_lk_media_get_speaker_level (lk)) : 0);
  return G_SOURCE_CONTINUE;
}

static void
on_call_notify (GObject         *object,
                GParamSpec      *pspec,
                HandoffCallView *self)
{
  update_call (self);
}

static void
on_transfer_notify (GObject         *object,
                    GParamSpec      *pspec,
                    HandoffCallView *self)
{
  update_transfer (self);
  update_call (self);
}

/* How an earlier call ended, in words: its transfer's outcome if it was
 * handed over, else how the call itself ended. */
static const char *
previous_outcome (JsonObject *call)
{
  const char *outcome = handoff_json_get_string (call, "transfer_outcome", NULL);
  const char *end = handoff_json_get_string (call, "end_reason", NULL);

  if (g_strcmp0 (outcome, "completed") == 0)
    return _("Transferred");
  if (g_strcmp0 (outcome, "declined") == 0)
    return _("Transfer declined");
  if (g_strcmp0 (outcome, "no_answer") == 0)
    return _("Transfer not answered");
  if (g_strcmp0 (outcome, "cancelled") == 0)
    return _("Transfer cancelled");
  if (g_strcmp0 (outcome, "caller_abandoned") == 0)
    return _("Caller hung up during a transfer");
  if (g_strcmp0 (outcome, "failed") == 0)
    return _("Transfer failed");
  if (g_strcmp0 (end, "agent_ended") == 0)
    return _("Ended by the agent");
  if (g_strcmp0 (end, "caller_ended") == 0 || g_strcmp0 (end, "caller_left") == 0)
    return _("Ended by the caller");
  if (g_strcmp0 (end, "no_agent") == 0)
    return _("No agent answered");
  return _("Not ended yet");
}

/* "7 Dec 2026, 14:05 · Bob Example · Transferred" in local time. */
static char *
previous_title (JsonObject *call)
{
  const char *created = handoff_json_get_string (call, "created_at", "");
  g_autoptr(GDateTime) utc = g_date_time_new_from_iso8601 (created, NULL);
  g_autoptr(GDateTime) local = utc ? g_date_time_to_local (utc) : NULL;
  g_autofree char *when = local ? g_date_time_format (local, "%-d %b %Y, %H:%M") : g_strdup ("");
  const char *agent = handoff_json_get_string (call, "agent_name", NULL);

  if (agent != NULL)
    return g_strdup_printf ("%s · %s · %s", when, agent, previous_outcome (call));
  return g_strdup_printf ("%s · %s", when, previous_outcome (call));
}

/* The brief written when the call was handed over; else what the caller
 * said the call was about. */
static const char *
previous_subtitle (JsonObject *call)
{
  JsonNode *summary = json_object_get_member (call, "summary");
  JsonObject *brief = summary && JSON_NODE_HOLDS_OBJECT (summary)
                      ? json_node_get_object (summary) : NULL;
  const char *text = handoff_json_get_string (brief, "text", NULL);
  const char *reason = handoff_json_get_string (call, "reason", NULL);

  if (text != NULL && *text != '\0')
    return text;
  return reason != NULL && *reason != '\0' ? reason : _("No summary");
}

static void
fill_previous_calls (HandoffCallView *self)
{
  g_autoptr(JsonArray) calls = handoff_call_session_dup_previous_calls (self->call);
  GtkWidget *child;
  guint n = json_array_get_length (calls);

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->previous_list))) != NULL)
    gtk_list_box_remove (self->previous_list, child);
  for (guint i = 0; i < n; i++)
    {
      JsonObject *c = json_array_get_object_element (calls, i);
      GtkWidget *row = adw_action_row_new ();
      g_autofree char *title = previous_title (c);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), previous_subtitle (c));
      /* A brief is several sentences: let it wrap instead of ellipsizing. */
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
      gtk_list_box_append (self->previous_list, row);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->previous_expander), n > 0);
  if (n > 0)
    {
      g_autofree char *label = g_strdup_printf (ngettext ("%u previous call", "%u previous calls", n), n);
      gtk_expander_set_label (self->previous_expander, label);
    }
}

/* A cloud transcription service that failed (no key, refused, gone) is
 * replaced by this computer's recogniser; the agent is told once why. */
static void
on_transcriber_fallback (HandoffCallView *self,
                         const char      *reason)
{
  toast (self, reason);
}

void
handoff_call_view_set_call (HandoffCallView    *self,
                            HandoffCallSession *call)
{
  g_return_if_fail (HANDOFF_IS_CALL_VIEW (self));

  if (self->call == call)
    return;
  if (self->call)
    {
      g_signal_handlers_disconnect_by_data (self->call, self);
      g_clear_pointer (&self->mute_binding, g_binding_unbind);
    }
  g_set_object (&self->call, call);
  handoff_assistant_pane_set_call (self->assistant, call);
  handoff_audio_chooser_set_call (self->audio_chooser, call);
  if (call != NULL && HANDOFF_IS_LK_MEDIA (handoff_call_session_get_media (call)) &&
      handoff_lk_media_get_transcriber (HANDOFF_LK_MEDIA (handoff_call_session_get_media (call))) != NULL)
    g_signal_connect_object (handoff_lk_media_get_transcriber (HANDOFF_LK_MEDIA (handoff_call_session_get_media (call))),
                             "fallback", G_CALLBACK (on_transcriber_fallback), self, G_CONNECT_SWAPPED);
  self->watchdog_fired = FALSE;
  if (call == NULL)
    {
      handoff_transcript_view_set_model (self->transcript, NULL);
      return;
    }
  adw_avatar_set_text (self->avatar, handoff_call_session_get_caller_name (call));
  gtk_label_set_text (self->caller_label, handoff_call_session_get_caller_name (call)
                                          ? handoff_call_session_get_caller_name (call) : _("Unknown caller"));
  gtk_label_set_text (self->reason_label, handoff_call_session_get_reason (call)
                                          ? handoff_call_session_get_reason (call) : "");
  fill_previous_calls (self);
  g_signal_connect (call, "notify", G_CALLBACK (on_call_notify), self);
  self->mute_binding = g_object_bind_property (call, "muted", self->mute_button, "active",
                                               G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  handoff_transcript_view_set_model (self->transcript, handoff_call_session_get_transcript (call));
  update_call (self);
  update_transfer (self);
}

HandoffCallSession *
handoff_call_view_get_call (HandoffCallView *self)
{
  g_return_val_if_fail (HANDOFF_IS_CALL_VIEW (self), NULL);
  return self->call;
}

void
handoff_call_view_set_transfer (HandoffCallView        *self,
                                HandoffTransferSession *transfer)
{
  g_return_if_fail (HANDOFF_IS_CALL_VIEW (self));

  if (self->transfer == transfer)
    return;
  if (self->transfer)
    g_signal_handlers_disconnect_by_data (self->transfer, self);
  g_set_object (&self->transfer, transfer);
  self->rated = FALSE;
  if (transfer)
    g_signal_connect (transfer, "notify", G_CALLBACK (on_transfer_notify), self);
  update_transfer (self);
}

void
handoff_call_view_set_watchdog (HandoffCallView *self,
                                guint            seconds)
{
  g_return_if_fail (HANDOFF_IS_CALL_VIEW (self));
  self->watchdog_seconds = seconds;
}

void
handoff_call_view_focus_assistant (HandoffCallView *self)
{
  g_return_if_fail (HANDOFF_IS_CALL_VIEW (self));
  handoff_assistant_pane_focus (self->assistant);
}

void
handoff_call_view_set_chat_client (HandoffCallView   *self,
                                   HandoffChatClient *client,
                                   GSettings         *settings)
{
  g_return_if_fail (HANDOFF_IS_CALL_VIEW (self));
  handoff_assistant_pane_set_chat_client (self->assistant, client, settings);
}

static void
on_hold_toggled (HandoffCallView *self)
{
  g_autoptr(GError) error = NULL;

  if (self->syncing_hold || self->call == NULL)
    return;
  if (!handoff_call_session_set_on_hold (self->call, gtk_toggle_button_get_active (self->hold_button), &error))
    {
      toast (self, error->message);
      update_call (self);
    }
}

static void
on_action_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(HandoffCallView) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!handoff_transfer_session_action_finish (HANDOFF_TRANSFER_SESSION (source), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    toast (self, error->message);
  update_transfer (self);
}

static void
on_ready_clicked (HandoffCallView *self)
{
  if (self->transfer)
    handoff_transfer_session_ready_async (self->transfer, NULL, on_action_done, g_object_ref (self));
}

static void
on_connect_clicked (HandoffCallView *self)
{
  if (self->transfer)
    handoff_transfer_session_connect_async (self->transfer, NULL, on_action_done, g_object_ref (self));
}

static void
on_complete_clicked (HandoffCallView *self)
{
  if (self->transfer)
    handoff_transfer_session_complete_async (self->transfer, NULL, on_action_done, g_object_ref (self));
}

static void
on_cancel_clicked (HandoffCallView *self)
{
  if (self->transfer)
    handoff_transfer_session_cancel_async (self->transfer, NULL, on_action_done, g_object_ref (self));
}

static void
on_rated (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(HandoffCallView) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!handoff_transfer_session_action_finish (HANDOFF_TRANSFER_SESSION (source), result, &error))
    {
      toast (self, error->message);
      return;
    }
  self->rated = TRUE;
  toast (self, _("Thanks — your rating was saved"));
  update_transfer (self);
}

static void
on_rate_clicked (GtkButton       *button,
                 HandoffCallView *self)
{
  int score = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "score"));

  if (self->transfer)
    handoff_transfer_session_rate_async (self->transfer, score, NULL, on_rated, g_object_ref (self));
}

static void
handoff_call_view_dispose (GObject *object)
{
  HandoffCallView *self = HANDOFF_CALL_VIEW (object);

  handoff_call_view_set_transfer (self, NULL);
  g_clear_handle_id (&self->level_id, g_source_remove);
  if (self->call)
    {
      g_signal_handlers_disconnect_by_data (self->call, self);
      g_clear_pointer (&self->mute_binding, g_binding_unbind);
      g_clear_object (&self->call);
    }
  gtk_widget_dispose_template (GTK_WIDGET (self), HANDOFF_TYPE_CALL_VIEW);
  G_OBJECT_CLASS (handoff_call_view_parent_class)->dispose (object);
}

static void
handoff_call_view_class_init (HandoffCallViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = handoff_call_view_dispose;

  g_type_ensure (HANDOFF_TYPE_TRANSCRIPT_VIEW);
  g_type_ensure (HANDOFF_TYPE_ASSISTANT_PANE);
  g_type_ensure (HANDOFF_TYPE_AUDIO_CHOOSER);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/ui/handoff-call-view.ui");
  gtk_widget_class_bind_template_child (widget_class, HandoffCallView, paned);
  gtk_widget_class_bind_template_child (widget_class, HandoffCallView, avatar);
  gtk_widget_class_bind_template_child (widget_class, HandoffCallView, caller_label);
  gtk_widget_class_bind_template_child (widget_class, HandoffCallView, reason_label);
  gtk_widget_class_bind_template_child (widget_class, HandoffCallView, state_label);
  gtk_widget_class_bind_template_child (widget_class, HandoffCallView, previous_expander);
  gtk_widget_class_bind_template_child (widget_class, HandoffCallView, previous_list);
  gtk_widget_class_bind_template_child (widget_class, HandoffCallView, timer_label);
  gtk_widget_class_bind_template_child (widget_class, HandoffCallView, mute_button);
  gtk_widget_class_bind_template_child (widget_class, HandoffCallView, hold_button);
  gtk_widget_class_bind_template_child (widget_class, HandoffCallView, transfer_button);
  gtk_widget_class_bind_template_child (widget_class, HandoffCallView, mic_level);
  gtk_widget_class_bind_template_child (widget_class, HandoffCallView, speaker_level);
  gtk_widget_class_bind_template_child (widget_class, HandoffCallView, audio_chooser);
  gtk_widget_class_bind_template_child (widget_class, HandoffCallView, watchdog_revealer);
  gtk_widget_class_bind_template_child (widget_class, HandoffCallView, watchdog_label);
  gtk_widget_class_bind_template_child (widget_class, HandoffCallView, transfer_revealer);
  gtk_widget_class_bind_template_child (widget_class, HandoffCallView, transfer_label);
  gtk_widget_class_bind_template_child (widget_class, HandoffCallView, wait_label);
  gtk_widget_class_bind_template_child (widget_class, HandoffCallView, ready_button);
  gtk_widget_class_bind_template_child (widget_class, HandoffCallView, connect_button);
  gtk_widget_class_bind_template_child (widget_class, HandoffCallView, complete_button);
  gtk_widget_class_bind_template_child (widget_class, HandoffCallView, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, HandoffCallView, rating_box);
  gtk_widget_class_bind_template_child (widget_class, HandoffCallView, transcript);
  gtk_widget_class_bind_template_child (widget_class, HandoffCallView, assistant);
  gtk_widget_class_bind_template_callback (widget_class, on_hold_toggled);
  gtk_widget_class_bind_template_callback (widget_class, on_watchdog_revealed);
  gtk_widget_class_bind_template_callback (widget_class, on_transfer_revealed);
  gtk_widget_class_bind_template_callback (widget_class, on_ready_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_connect_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_complete_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_cancel_clicked);
}

static void
handoff_call_view_init (HandoffCallView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->watchdog_seconds = 90;
  self->level_id = g_timeout_add (100, level_tick, self);

  for (int score = 1; score <= 5; score++)
    {
      g_autofree char *label = g_strdup_printf ("%d", score);
      g_autofree char *name = g_strdup_printf (_("Rate %d of 5"), score);
      GtkWidget *b = gtk_button_new_with_label (label);

      g_object_set_data (G_OBJECT (b), "score", GINT_TO_POINTER (score));
      gtk_widget_add_css_class (b, "circular");
      gtk_accessible_update_property (GTK_ACCESSIBLE (b), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
      g_signal_connect (b, "clicked", G_CALLBACK (on_rate_clicked), self);
      gtk_box_append (self->rating_box, b);
    }
}

void
handoff_call_view_set_audio_devices (HandoffCallView     *self,
                                     GSettings           *settings,
                                     HandoffAudioDevices *microphones,
                                     HandoffAudioDevices *speakers)
{
  g_return_if_fail (HANDOFF_IS_CALL_VIEW (self));
  handoff_audio_chooser_setup (self->audio_chooser, settings, microphones, speakers);
}
