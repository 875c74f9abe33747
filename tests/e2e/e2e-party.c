/* e2e-party.c: one party of the end-to-end tests (a caller or an agent app
 * without its windows), built on src/core exactly as the app wires it
 *
 * Its microphone is HANDOFF_AUDIO_SRC (the test gives each party its own
 * tone); what it hears goes to an appsink given to the room as its audio
 * sink, so the test measures what this party really hears.
 *
 * Commands, one per line on stdin:
 *   place NAME                     (caller) call the server's public endpoint
 *   accept-call                    (agent) accept the call offered to us
 *   rejoin                         (agent) join our still active call again
 *                                  (offered as "call-rejoinable" after a restart)
 *   transfer USERNAME              (A) send a transfer to that agent
 *   accept-transfer | decline-transfer | ready        (B)
 *   connect | complete | cancel    (A)
 *   hangup                         end our call
 *   hear MS                        measure MS milliseconds of what we hear
 *   detect HZ                      report (monotonic µs) when that tone starts
 *   stats                          connection facts of our room, and our call
 *                                  timer (duration, seconds)
 * Events, one JSON object per line on stdout: {"ev": ..., ...}; "status"
 * carries the call's state in words (what the window would say).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "e2e-party"

#include "config.h"

#include <gio/gunixinputstream.h>
#include <gst/app/gstappsink.h>
#include <gst/gst.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "handoff-account.h"
#include "handoff-call-session.h"
#include "handoff-lk-media.h"
#include "handoff-test-audio.h"
#include "handoff-test-watchdog.h"
#include "handoff-transfer-session.h"
#include "lk-room.h"

#define RATE 48000
/* What the test listens for: the three voices and both notes of the
 * built-in hold music. */
static const double freqs[] = { 440, 550, 660, 196, 294 };

typedef struct {
  HandoffServerClient    *client;
  HandoffAccount         *account;
  HandoffCallSession     *offer;
  HandoffCallSession     *call;
  HandoffTransferSession *transfer;
  HandoffCallMedia       *media;       /* the media of the next join */
  GMutex                  lock;
  GArray                 *heard;       /* float samples, guarded by lock */
  gboolean                listening;
  double                  detect_hz;   /* > 0: report when this tone starts */
  GArray                 *detect_block;
  HandoffLkMedia         *speaking;    /* weak: the media of our latest join, for its meter */
  double                  speaker_max; /* the loudest the speaker meter read while listening */
  guint                   reconnects;
  guint                   disconnects;
  GMainLoop              *loop;
} Party;

static Party party;

static void
emit (const char *ev,
      const char *first_key,
      ...)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;
  va_list ap;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "ev");
  json_builder_add_string_value (b, ev);
  va_start (ap, first_key);
  for (const char *key = first_key; key != NULL; key = va_arg (ap, const char *))
    {
      char kind = (char) va_arg (ap, int);

      json_builder_set_member_name (b, key);
      if (kind == 's')
        {
          const char *s = va_arg (ap, const char *);
          if (s)
            json_builder_add_string_value (b, s);
          else
            json_builder_add_null_value (b);
        }
      else if (kind == 'd')
        json_builder_add_double_value (b, va_arg (ap, double));
      else
        json_builder_add_int_value (b, va_arg (ap, gint64));
    }
  va_end (ap);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  text = json_generator_to_data (gen, NULL);
  printf ("%s\n", text);
  fflush (stdout);
}

static void
fail (const char *what,
      GError     *error)
{
  emit ("error", "what", 's', what, "message", 's', error ? error->message : "failed", NULL);
}

/* ---- what we hear ---- */

static gboolean
emit_detected (gpointer user_data)
{
  gint64 *at = user_data;

  emit ("detected", "at_us", 'i', *at, NULL);
  g_free (at);
  return G_SOURCE_REMOVE;
}

/* In 10 ms blocks: the first block where the tone has a quarter of the
 * power a 0.3 sine gives. Called with the lock held. */
static void
detect (double       hz,
        const float *samples,
        gsize        n)
{
  const gsize block = RATE / 100;

  g_array_append_vals (party.detect_block, samples, n);
  while (party.detect_block->len >= block && party.detect_hz > 0)
    {
      if (handoff_test_tone_power ((const float *) party.detect_block->data, block, RATE, hz) > 0.005)
        {
          gint64 *at = g_new (gint64, 1);

          *at = g_get_monotonic_time ();
          party.detect_hz = 0;
          /* Not at idle priority: a busy main loop could hold it back for
           * seconds (the time is taken here, but the test waits for it). */
          g_idle_add_full (G_PRIORITY_DEFAULT, emit_detected, at, NULL);
        }
      g_array_remove_range (party.detect_block, 0, block);
    }
}

static GstFlowReturn
on_sample (GstAppSink *sink,
           gpointer    user_data)
{
  g_autoptr(GstSample) sample = gst_app_sink_pull_sample (sink);
  GstBuffer *buffer = sample ? gst_sample_get_buffer (sample) : NULL;
  GstMapInfo map;

  if (buffer == NULL || !gst_buffer_map (buffer, &map, GST_MAP_READ))
    return GST_FLOW_OK;
  g_mutex_lock (&party.lock);
  if (party.listening)
    g_array_append_vals (party.heard, map.data, map.size / sizeof (float));
  if (party.detect_hz > 0)
    detect (party.detect_hz, (const float *) map.data, map.size / sizeof (float));
  g_mutex_unlock (&party.lock);
  gst_buffer_unmap (buffer, &map);
  return GST_FLOW_OK;
}

static GstElement *
make_sink (void)
{
  g_autoptr(GError) error = NULL;
  GstElement *bin;
  g_autoptr(GstElement) appsink = NULL;
  GstAppSinkCallbacks callbacks = { .new_sample = on_sample };

  bin = gst_parse_bin_from_description ("audioconvert ! audioresample ! "
                                        "audio/x-raw,format=F32LE,channels=1,rate=48000 ! "
                                        "appsink name=ear sync=false emit-signals=false",
                                        TRUE, &error);
  g_assert_no_error (error);
  appsink = gst_bin_get_by_name (GST_BIN (bin), "ear");
  gst_app_sink_set_callbacks (GST_APP_SINK (appsink), &callbacks, NULL, NULL);
  return bin;
}

static void
on_reconnecting (LkRoom *room)
{
  party.reconnects++;
  emit ("reconnecting", NULL);
}

static void
on_room_disconnected (LkRoom *room)
{
  party.disconnects++;
}

static void
on_participant_left (HandoffCallMedia *media,
                     const char       *identity)
{
  emit ("left", "identity", 's', identity, NULL);
}

static void
on_participant_joined (HandoffCallMedia *media,
                       const char       *identity,
                       const char       *name)
{
  emit ("joined", "identity", 's', identity, NULL);
}

static HandoffCallMedia *
new_media (void)
{
  HandoffLkMedia *media = handoff_lk_media_new ();
  LkRoom *room = handoff_lk_media_get_room (media);

  lk_room_set_audio_sink (room, make_sink ());
  /* As the app has it: level taps on every remote track we hear. */
  handoff_lk_media_enable_speaker_meter (media);
  g_set_weak_pointer (&party.speaking, media);
  g_signal_connect (room, "reconnecting", G_CALLBACK (on_reconnecting), NULL);
  g_signal_connect (room, "disconnected", G_CALLBACK (on_room_disconnected), NULL);
  g_signal_connect (media, "participant-left", G_CALLBACK (on_participant_left), NULL);
  g_signal_connect (media, "participant-joined", G_CALLBACK (on_participant_joined), NULL);
  return HANDOFF_CALL_MEDIA (media);
}

/* What the app's speaker meter shows meanwhile, read as often as its
 * window refreshes it (10 Hz). */
static gboolean
read_speaker_meter (gpointer user_data)
{
  if (!party.listening)
    return G_SOURCE_REMOVE;
  if (party.speaking)
    party.speaker_max = MAX (party.speaker_max, handoff_lk_media_get_speaker_level (party.speaking));
  return G_SOURCE_CONTINUE;
}

static gboolean
on_heard (gpointer user_data)
{
  g_autoptr(GArray) heard = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;
  const float *s;
  gsize n;

  g_mutex_lock (&party.lock);
  heard = g_steal_pointer (&party.heard);
  party.heard = g_array_new (FALSE, FALSE, sizeof (float));
  party.listening = FALSE;
  g_mutex_unlock (&party.lock);

  /* Skip the first 100 ms: the mixer's queue from before we listened. */
  s = (const float *) heard->data;
  n = heard->len;
  if (n > RATE / 10)
    {
      s += RATE / 10;
      n -= RATE / 10;
    }
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "ev");
  json_builder_add_string_value (b, "heard");
  json_builder_set_member_name (b, "samples");
  json_builder_add_int_value (b, n);
  json_builder_set_member_name (b, "rms");
  json_builder_add_double_value (b, n ? handoff_test_rms (s, n) : 0);
  json_builder_set_member_name (b, "meter");
  json_builder_add_double_value (b, party.speaker_max);
  for (guint i = 0; i < G_N_ELEMENTS (freqs); i++)
    {
      g_autofree char *key = g_strdup_printf ("%.0f", freqs[i]);
      json_builder_set_member_name (b, key);
      json_builder_add_double_value (b, n ? handoff_test_tone_power (s, n, RATE, freqs[i]) : 0);
    }
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  text = json_to_string (root, FALSE);
  printf ("%s\n", text);
  fflush (stdout);
  return G_SOURCE_REMOVE;
}

/* ---- sessions ---- */

static void
on_call_state (HandoffCallSession *call)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (HANDOFF_TYPE_CALL_STATE);
  GEnumValue *v = g_enum_get_value (klass, handoff_call_session_get_state (call));

  emit ("call", "state", 's', v ? v->value_nick : "?",
        "id", 's', handoff_call_session_get_call_id (call),
        "outcome", 's', handoff_call_session_get_outcome (call), NULL);
}

/* The call's state in words, as the window shows it. */
static void
on_call_status (HandoffCallSession *call)
{
  emit ("status", "text", 's', handoff_call_session_get_status_text (call), NULL);
}

static void
set_call (HandoffCallSession *call)
{
  if (party.call == call)
    return;
  if (party.call)
    {
      g_signal_handlers_disconnect_by_func (party.call, on_call_state, NULL);
      g_signal_handlers_disconnect_by_func (party.call, on_call_status, NULL);
    }
  g_set_object (&party.call, call);
  if (call)
    {
      g_signal_connect (call, "notify::state", G_CALLBACK (on_call_state), NULL);
      g_signal_connect (call, "notify::status-text", G_CALLBACK (on_call_status), NULL);
      on_call_state (call);
    }
}

static void
on_transfer_state (HandoffTransferSession *t)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (HANDOFF_TYPE_TRANSFER_STATE);
  GEnumValue *v = g_enum_get_value (klass, handoff_transfer_session_get_state (t));

  emit ("transfer", "state", 's', v ? v->value_nick : "?",
        "id", 's', handoff_transfer_session_get_id (t),
        "outcome", 's', handoff_transfer_session_get_outcome (t),
        "text", 's', handoff_transfer_session_get_status_text (t),
        "peer_ready", 'i', (gint64) handoff_transfer_session_get_peer_ready (t), NULL);
}

static void
set_transfer (HandoffTransferSession *t)
{
  if (party.transfer)
    g_signal_handlers_disconnect_by_func (party.transfer, on_transfer_state, NULL);
  g_set_object (&party.transfer, t);
  if (t)
    {
      g_signal_connect (t, "notify::state", G_CALLBACK (on_transfer_state), NULL);
      g_signal_connect (t, "notify::peer-ready", G_CALLBACK (on_transfer_state), NULL);
    }
}

static JsonObject *
member_object (JsonObject *o,
               const char *name)
{
  JsonNode *n = o ? json_object_get_member (o, name) : NULL;

  return n && JSON_NODE_HOLDS_OBJECT (n) ? json_node_get_object (n) : NULL;
}

/* The event stream replays what happened before we signed in (up to 7
 * days): like the app, an offer counts only if the server says it stands. */
typedef struct {
  char       *type;
  JsonObject *data;
} Pending;

static void
on_call_checked (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Pending *p = user_data;
  g_autoptr(JsonNode) root = handoff_server_client_request_finish (party.client, result, NULL);
  JsonObject *call = root && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  const char *me = handoff_account_get_agent_id (party.account);
  const char *state = handoff_json_get_string (call, "state", NULL);

  if (call == NULL)
    ;
  else if (g_str_equal (p->type, "call_offered"))
    {
      if (g_strcmp0 (state, "waiting") == 0 && party.call == NULL
          && g_strcmp0 (handoff_json_get_string (call, "offered_to", NULL), me) == 0)
        {
          json_object_set_object_member (p->data, "call", json_object_ref (call));
          g_clear_object (&party.offer);
          party.offer = handoff_call_session_new (party.client, HANDOFF_CALL_ROLE_AGENT, p->data);
          emit ("call-offered", "id", 's', handoff_json_get_string (call, "id", NULL), NULL);
        }
    }
  else if (g_str_equal (p->type, "call_accepted"))
    {
      /* Like the app after a restart: a call of ours that is still going
       * on (its call_accepted replayed) is offered for rejoining; not while
       * we are accepting it (the event may overtake the answer). */
      if (g_strcmp0 (state, "active") == 0 && party.call == NULL && party.offer == NULL
          && g_strcmp0 (handoff_json_get_string (call, "agent_id", NULL), me) == 0)
        {
          party.offer = handoff_call_session_new (party.client, HANDOFF_CALL_ROLE_AGENT, call);
          emit ("call-rejoinable", "id", 's', handoff_json_get_string (call, "id", NULL), NULL);
        }
    }
  else if (g_strcmp0 (state, "ended") != 0)
    {
      JsonObject *transfer = member_object (p->data, "transfer");
      g_autoptr(HandoffTransferSession) t = NULL;
      HandoffAgentInfo *from;

      json_object_set_string_member (transfer, "caller_name", handoff_json_get_string (call, "caller_name", ""));
      json_object_set_string_member (transfer, "caller_identity",
                                     handoff_json_get_string (call, "caller_identity", ""));
      t = handoff_transfer_session_new_incoming (party.client, transfer);
      /* As the app does: A's name and identity from the directory. */
      from = handoff_account_lookup_agent (party.account, handoff_transfer_session_get_peer_id (t));
      if (from)
        handoff_transfer_session_set_peer (t, handoff_agent_info_get_name (from),
                                           handoff_agent_info_get_identity (from));
      set_transfer (t);
      emit ("transfer-offered", "id", 's', handoff_transfer_session_get_id (t), NULL);
    }
  g_free (p->type);
  json_object_unref (p->data);
  g_free (p);
}

static void
check_call (const char *type,
            JsonObject *data,
            const char *call_id)
{
  Pending *p = g_new0 (Pending, 1);
  g_autofree char *path = g_strdup_printf ("/api/v1/calls/%s", call_id);

  p->type = g_strdup (type);
  p->data = json_object_ref (data);
  handoff_server_client_request_async (party.client, "GET", path, NULL, NULL, on_call_checked, p);
}

static void
on_account_event (HandoffAccount *account,
                  const char     *type,
                  JsonObject     *data)
{
  JsonObject *call = member_object (data, "call");
  JsonObject *transfer = member_object (data, "transfer");
  const char *call_id = handoff_json_get_string (call, "id", NULL);

  emit ("event", "type", 's', type,
        "outcome", 's', handoff_json_get_string (transfer, "outcome",
                                                 handoff_json_get_string (transfer, "state", NULL)),
        NULL);
  if ((g_str_equal (type, "call_offered") || g_str_equal (type, "call_accepted")) && call_id)
    check_call (type, data, call_id);
  else if (g_str_equal (type, "call_ended"))
    {
      if (party.transfer)
        handoff_transfer_session_handle_event (party.transfer, type, data);
      if (party.call && g_strcmp0 (handoff_call_session_get_call_id (party.call), call_id) == 0)
        handoff_call_session_end (party.call, handoff_json_get_string (call, "end_reason", "ended"));
    }
  else if (g_str_equal (type, "transfer_offered") && transfer)
    {
      if (g_strcmp0 (handoff_json_get_string (transfer, "to_agent_id", NULL),
                     handoff_account_get_agent_id (party.account)) == 0
          && g_strcmp0 (handoff_json_get_string (transfer, "state", "offered"), "offered") == 0)
        check_call (type, data, handoff_json_get_string (transfer, "call_id", ""));
    }
  else if (g_str_has_prefix (type, "transfer_") && party.transfer)
    handoff_transfer_session_handle_event (party.transfer, type, data);
}

/* ---- command completions ---- */

static void
on_placed (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HandoffCallSession) call = handoff_call_session_place_finish (result, &error);

  if (call == NULL)
    return fail ("place", error);
  set_call (call);
  emit ("placed", "id", 's', handoff_call_session_get_call_id (call),
        "identity", 's', handoff_call_session_get_local_identity (call), NULL);
}

static void
on_call_accepted (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  HandoffCallSession *call = HANDOFF_CALL_SESSION (source);

  const char *cmd = user_data;

  if (!handoff_call_session_accept_finish (call, result, &error))
    return fail (cmd, error);
  set_call (call);
  g_clear_object (&party.offer);
  emit ("done", "cmd", 's', cmd, NULL);
}

static void
on_action (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autofree char *cmd = user_data;
  g_autoptr(GError) error = NULL;
  HandoffTransferSession *t = HANDOFF_TRANSFER_SESSION (source);

  if (!handoff_transfer_session_action_finish (t, result, &error))
    return fail (cmd, error);
  if (g_str_equal (cmd, "accept-transfer"))
    set_call (handoff_transfer_session_get_call (t));
  emit ("done", "cmd", 's', cmd, NULL);
}

static void
on_signed_in (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!handoff_account_sign_in_finish (party.account, result, &error))
    return fail ("sign-in", error);
  emit ("signed-in", "agent_id", 's', handoff_account_get_agent_id (party.account),
        "identity", 's', handoff_account_get_identity (party.account), NULL);
}

static void
on_presence (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!handoff_account_set_presence_finish (party.account, result, &error))
    return fail ("presence", error);
  emit ("done", "cmd", 's', "presence", NULL);
}

static HandoffAgentInfo *
find_agent (const char *username)
{
  GListModel *dir = handoff_account_get_directory (party.account);

  for (guint i = 0; i < g_list_model_get_n_items (dir); i++)
    {
      g_autoptr(HandoffAgentInfo) a = g_list_model_get_item (dir, i);
      if (g_strcmp0 (handoff_agent_info_get_username (a), username) == 0)
        return a;
    }
  return NULL;
}

static void
run_command (char **argv)
{
  const char *cmd = argv[0];
  const char *arg = argv[0] ? argv[1] : NULL;
  HandoffTransferSession *t = party.transfer;

  if (cmd == NULL)
    return;
  if (g_str_equal (cmd, "place") && arg)
    {
      g_autoptr(HandoffCallMedia) media = new_media ();
      handoff_call_session_place_async (party.client, arg, "e2e test", NULL, media, NULL,
                                        on_placed, NULL);
    }
  else if (g_str_equal (cmd, "presence") && arg)
    handoff_account_set_presence_async (party.account, arg, NULL, on_presence, NULL);
  else if (g_str_equal (cmd, "accept-call") && party.offer)
    {
      g_autoptr(HandoffCallMedia) media = new_media ();
      handoff_call_session_set_media (party.offer, media);
      handoff_call_session_accept_async (party.offer, NULL, on_call_accepted, (gpointer) "accept-call");
    }
  else if (g_str_equal (cmd, "rejoin") && party.offer)
    {
      g_autoptr(HandoffCallMedia) media = new_media ();
      handoff_call_session_set_media (party.offer, media);
      handoff_call_session_rejoin_async (party.offer, NULL, on_call_accepted, (gpointer) "rejoin");
    }
  else if (g_str_equal (cmd, "transfer") && arg && party.call)
    {
      HandoffAgentInfo *target = find_agent (arg);
      g_autoptr(HandoffTransferSession) nt = NULL;

      if (target == NULL)
        return emit ("error", "what", 's', cmd, "message", 's', "no such agent", NULL);
      nt = handoff_transfer_session_new_outgoing (party.client, party.call);
      set_transfer (nt);
      handoff_transfer_session_set_peer (nt, handoff_agent_info_get_name (target),
                                         handoff_agent_info_get_identity (target));
      handoff_transfer_session_send_async (nt, handoff_agent_info_get_id (target),
                                           handoff_agent_info_get_identity (target),
                                           handoff_agent_info_get_name (target), FALSE,
                                           "Caller needs billing; account 4711.", NULL,
                                           on_action, g_strdup (cmd));
    }
  else if (g_str_equal (cmd, "accept-transfer") && t)
    {
      g_autoptr(HandoffCallMedia) media = new_media ();
      handoff_transfer_session_accept_async (t, media, NULL, on_action, g_strdup (cmd));
    }
  else if (g_str_equal (cmd, "decline-transfer") && t)
    handoff_transfer_session_decline_async (t, NULL, on_action, g_strdup (cmd));
  else if (g_str_equal (cmd, "ready") && t)
    handoff_transfer_session_ready_async (t, NULL, on_action, g_strdup (cmd));
  else if (g_str_equal (cmd, "connect") && t)
    handoff_transfer_session_connect_async (t, NULL, on_action, g_strdup (cmd));
  else if (g_str_equal (cmd, "complete") && t)
    handoff_transfer_session_complete_async (t, NULL, on_action, g_strdup (cmd));
  else if (g_str_equal (cmd, "cancel") && t)
    handoff_transfer_session_cancel_async (t, NULL, on_action, g_strdup (cmd));
  else if (g_str_equal (cmd, "hangup") && party.call)
    {
      handoff_call_session_hang_up (party.call);
      emit ("done", "cmd", 's', cmd, NULL);
    }
  else if (g_str_equal (cmd, "hear") && arg)
    {
      g_mutex_lock (&party.lock);
      g_array_set_size (party.heard, 0);
      party.listening = TRUE;
      g_mutex_unlock (&party.lock);
      party.speaker_max = 0;
      g_timeout_add (100, read_speaker_meter, NULL);
      g_timeout_add ((guint) g_ascii_strtoull (arg, NULL, 10), on_heard, NULL);
    }
  else if (g_str_equal (cmd, "detect") && arg)
    {
      g_mutex_lock (&party.lock);
      g_array_set_size (party.detect_block, 0);
      party.detect_hz = g_ascii_strtod (arg, NULL);
      g_mutex_unlock (&party.lock);
      emit ("done", "cmd", 's', cmd, NULL);
    }
  else if (g_str_equal (cmd, "stats"))
    emit ("stats", "reconnects", 'i', (gint64) party.reconnects,
          "disconnects", 'i', (gint64) party.disconnects,
          "duration", 'i', (gint64) (party.call ? handoff_call_session_get_duration (party.call) : 0),
          NULL);
  else if (g_str_equal (cmd, "quit"))
    g_main_loop_quit (party.loop);
  else
    emit ("error", "what", 's', cmd, "message", 's', "not possible now", NULL);
}

static void
on_line (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (source),
                                                                     result, NULL, &error);
  g_auto(GStrv) argv = NULL;

  if (line == NULL)
    {
      /* The test went away: so do we. */
      g_main_loop_quit (party.loop);
      return;
    }
  argv = g_strsplit (g_strstrip (line), " ", 2);
  run_command (argv);
  g_data_input_stream_read_line_async (G_DATA_INPUT_STREAM (source), G_PRIORITY_DEFAULT, NULL,
                                       on_line, NULL);
}

static gboolean
quit_loop (gpointer user_data)
{
  g_main_loop_quit (party.loop);
  return G_SOURCE_REMOVE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GDataInputStream) in = NULL;
  g_autoptr(GInputStream) stdin_stream = NULL;
  const char *url, *user, *password;

  /* stdout is our line protocol: debug output (G_MESSAGES_DEBUG) goes
   * beside the warnings instead of being lost in it. */
  g_log_writer_default_set_use_stderr (TRUE);
  handoff_test_stacks_on_fatal_log ();
  gst_init (&argc, &argv);
  if (argc < 2)
    {
      g_printerr ("usage: e2e-party SERVER-URL [USER PASSWORD]\n");
      return 2;
    }
  url = argv[1];
  user = argc > 3 ? argv[2] : NULL;
  password = argc > 3 ? argv[3] : NULL;

  g_mutex_init (&party.lock);
  party.heard = g_array_new (FALSE, FALSE, sizeof (float));
  party.detect_block = g_array_new (FALSE, FALSE, sizeof (float));
  party.loop = g_main_loop_new (NULL, FALSE);
  party.client = handoff_server_client_new (url);
  if (user)
    {
      g_autoptr(HandoffSecretStore) secrets = handoff_secret_store_new ();

      party.account = handoff_account_new (party.client, secrets);
      g_signal_connect (party.account, "event", G_CALLBACK (on_account_event), NULL);
      handoff_account_sign_in_async (party.account, user, password, NULL, on_signed_in, NULL);
    }
  else
    emit ("signed-in", NULL);

  stdin_stream = g_unix_input_stream_new (0, FALSE);
  in = g_data_input_stream_new (stdin_stream);
  g_data_input_stream_read_line_async (in, G_PRIORITY_DEFAULT, NULL, on_line, NULL);
  g_main_loop_run (party.loop);

  /* Leave the room properly, as an app that is closed does. */
  if (party.call)
    {
      handoff_call_session_hang_up (party.call);
      g_timeout_add (300, quit_loop, NULL);
      g_main_loop_run (party.loop);
    }
  set_transfer (NULL);
  set_call (NULL);
  g_clear_object (&party.offer);
  g_clear_weak_pointer (&party.speaking);
  if (party.account)
    g_signal_handlers_disconnect_by_func (party.account, on_account_event, NULL);
  g_clear_object (&party.account);
  g_clear_object (&party.client);
  g_main_loop_unref (party.loop);
  g_array_unref (party.heard);
  g_array_unref (party.detect_block);
  g_mutex_clear (&party.lock);
  return 0;
}
