/* test-transfer-session.c: the warm transfer state machine of src/core
 *
 * What the SFU must enforce in each state (who hears A's and B's microphone,
 * who hears hold music), the transitions the server's events drive on B's
 * side, and the refusals an agent sees (no target, a second transfer, an
 * action at the wrong step, a server that is down).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "handoff-core-error.h"
#include "handoff-transfer-session.h"

static gboolean
strv_is (GStrv v, const char *only)
{
  if (only == NULL)
    return v == NULL || v[0] == NULL;
  return v != NULL && g_strcmp0 (v[0], only) == 0 && v[1] == NULL;
}

static void
test_audience (void)
{
  struct {
    HandoffTransferRole role;
    HandoffTransferState state;
    gboolean all;
    const char *mic;
    const char *music;
  } cases[] = {
    /* A with the caller: everyone hears A. */
    { HANDOFF_TRANSFER_ROLE_INITIATOR, HANDOFF_TRANSFER_IDLE, TRUE, NULL, NULL },
    /* Sent: the caller hears only hold music; B may hear A. */
    { HANDOFF_TRANSFER_ROLE_INITIATOR, HANDOFF_TRANSFER_OFFERED, FALSE, "agent-bob", "caller-1" },
    { HANDOFF_TRANSFER_ROLE_INITIATOR, HANDOFF_TRANSFER_CONSULTING, FALSE, "agent-bob", "caller-1" },
    { HANDOFF_TRANSFER_ROLE_INITIATOR, HANDOFF_TRANSFER_THREE_WAY, TRUE, NULL, NULL },
    { HANDOFF_TRANSFER_ROLE_INITIATOR, HANDOFF_TRANSFER_ENDED, TRUE, NULL, NULL },
    /* B joins private and never plays hold music. */
    { HANDOFF_TRANSFER_ROLE_TARGET, HANDOFF_TRANSFER_IDLE, FALSE, "agent-bob", NULL },
    { HANDOFF_TRANSFER_ROLE_TARGET, HANDOFF_TRANSFER_CONSULTING, FALSE, "agent-bob", NULL },
    { HANDOFF_TRANSFER_ROLE_TARGET, HANDOFF_TRANSFER_THREE_WAY, TRUE, NULL, NULL },
    { HANDOFF_TRANSFER_ROLE_TARGET, HANDOFF_TRANSFER_COMPLETED, TRUE, NULL, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(GStrv) mic = NULL;
      g_auto(GStrv) music = NULL;
      gboolean all = !cases[i].all;

      handoff_transfer_compute_audience (cases[i].role, cases[i].state, "caller-1", "agent-bob",
                                         &all, &mic, &music);
      g_test_message ("case %u", i);
      g_assert_cmpint (all, ==, cases[i].all);
      if (!all)
        g_assert_true (strv_is (mic, cases[i].mic));
      g_assert_true (strv_is (music, cases[i].music));
      /* The caller never hears A's microphone while it is on hold. */
      if (cases[i].music != NULL)
        g_assert_false (g_strv_contains ((const char * const *) mic, "caller-1"));
    }
}

static JsonObject *
parse_object (const char *json)
{
  g_autoptr(JsonParser) p = json_parser_new ();

  g_assert_true (json_parser_load_from_data (p, json, -1, NULL));
  return json_object_ref (json_node_get_object (json_parser_get_root (p)));
}

static void
test_target_events (void)
{
  g_autoptr(HandoffServerClient) client = handoff_server_client_new ("http://127.0.0.1:9");
  g_autoptr(JsonObject) offer = parse_object (
    "{\"id\":\"t1\",\"call_id\":\"c1\",\"urgent\":true,\"state\":\"offered\","
    "\"from_agent_id\":\"alice\",\"from\":{\"display_name\":\"Alice Agent\"},"
    "\"caller\":{\"name\":\"Carol\",\"identity\":\"caller-1\"},"
    "\"summary\":{\"text\":\"Carol was charged twice for order 4411.\"}}");
  g_autoptr(JsonObject) other = parse_object ("{\"transfer\":{\"id\":\"t2\",\"state\":\"cancelled\"}}");
  g_autoptr(JsonObject) connected = parse_object ("{\"transfer\":{\"id\":\"t1\",\"state\":\"connected\"}}");
  g_autoptr(JsonObject) completed = parse_object ("{\"transfer\":{\"id\":\"t1\",\"state\":\"completed\"}}");
  g_autoptr(JsonObject) cancelled = parse_object ("{\"transfer\":{\"id\":\"t1\",\"state\":\"cancelled\"}}");
  g_autoptr(HandoffTransferSession) t = handoff_transfer_session_new_incoming (client, offer);
  HandoffCallSession *call = handoff_transfer_session_get_call (t);

  g_assert_cmpint (handoff_transfer_session_get_state (t), ==, HANDOFF_TRANSFER_OFFERED);
  g_assert_true (handoff_transfer_session_get_urgent (t));
  g_assert_cmpstr (handoff_transfer_session_get_peer_name (t), ==, "Alice Agent");
  g_assert_cmpstr (handoff_transfer_session_get_peer_identity (t), ==, "agent-alice");
  g_assert_cmpstr (handoff_transfer_session_get_summary (t), ==, "Carol was charged twice for order 4411.");
  g_assert_cmpstr (handoff_call_session_get_caller_name (call), ==, "Carol");
  g_assert_cmpstr (handoff_transfer_session_get_status_text (t), ==, "Alice Agent wants to transfer a call to you");

  /* Someone else's transfer is not ours. */
  g_assert_false (handoff_transfer_session_handle_event (t, "transfer_cancelled", other));
  g_assert_cmpint (handoff_transfer_session_get_state (t), ==, HANDOFF_TRANSFER_OFFERED);

  /* Connected before accepted (events crossed): straight to three-way. */
  g_assert_true (handoff_transfer_session_handle_event (t, "transfer_connected", connected));
  g_assert_cmpint (handoff_transfer_session_get_state (t), ==, HANDOFF_TRANSFER_THREE_WAY);
  g_assert_cmpint (handoff_call_session_get_state (call), ==, HANDOFF_CALL_THREE_WAY);
  g_assert_true (handoff_transfer_session_is_active (t));

  g_assert_true (handoff_transfer_session_handle_event (t, "transfer_completed", completed));
  g_assert_cmpint (handoff_transfer_session_get_state (t), ==, HANDOFF_TRANSFER_COMPLETED);
  g_assert_cmpstr (handoff_transfer_session_get_outcome (t), ==, "completed");
  /* B owns the call now. */
  g_assert_cmpint (handoff_call_session_get_state (call), ==, HANDOFF_CALL_TALKING);
  g_assert_cmpstr (handoff_transfer_session_get_status_text (t), ==, "The call is yours");

  /* Terminal: a late cancel changes nothing. */
  handoff_transfer_session_handle_event (t, "transfer_cancelled", cancelled);
  g_assert_cmpint (handoff_transfer_session_get_state (t), ==, HANDOFF_TRANSFER_COMPLETED);
}

static void
test_target_caller_abandoned (void)
{
  g_autoptr(HandoffServerClient) client = handoff_server_client_new ("http://127.0.0.1:9");
  g_autoptr(JsonObject) offer = parse_object ("{\"id\":\"t9\",\"call_id\":\"c9\",\"from_agent_id\":\"alice\"}");
  g_autoptr(JsonObject) ended = parse_object ("{\"call\":{\"id\":\"c9\",\"state\":\"ended\"}}");
  g_autoptr(HandoffTransferSession) t = handoff_transfer_session_new_incoming (client, offer);

  g_assert_true (handoff_transfer_session_handle_event (t, "call_ended", ended));
  g_assert_cmpint (handoff_transfer_session_get_state (t), ==, HANDOFF_TRANSFER_ENDED);
  g_assert_cmpstr (handoff_transfer_session_get_outcome (t), ==, "caller_abandoned");
  g_assert_cmpstr (handoff_transfer_session_get_status_text (t), ==, "The caller hung up");
}

/* What a handler of notify::state reads (the window toasts it). */
static void
keep_text_at_state (HandoffTransferSession *t,
                    GParamSpec             *pspec,
                    char                  **text)
{
  g_free (*text);
  *text = g_strdup (handoff_transfer_session_get_status_text (t));
}

static void
test_target_timeout_words (void)
{
  /* Event type, its data, the outcome the agent sees, and B's own words. */
  const char *outcomes[][4] = {
    { "transfer_declined", "{\"transfer\":{\"id\":\"t3\",\"state\":\"declined\"}}", "declined",
      "You declined the transfer" },
    { "transfer_ended", "{\"transfer\":{\"id\":\"t3\",\"state\":\"no_answer\"}}", "no_answer",
      "The transfer from Alice Agent was not answered in time" },
    { "transfer_ended", "{\"transfer\":{\"id\":\"t3\",\"outcome\":\"caller_abandoned\"}}", "caller_abandoned",
      "The caller hung up" },
    { "transfer_cancelled", "{\"transfer\":{\"id\":\"t3\"}}", "cancelled", "Alice Agent cancelled the transfer" },
    { "transfer_ended", "{\"transfer\":{\"id\":\"t3\",\"state\":\"failed\",\"failure_reason\":\"livekit\"}}",
      "failed:livekit", "Transfer failed (failed:livekit)" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (outcomes); i++)
    {
      g_autoptr(HandoffServerClient) client = handoff_server_client_new ("http://127.0.0.1:9");
      g_autoptr(JsonObject) offer = parse_object ("{\"id\":\"t3\",\"from_agent_id\":\"alice\","
                                                  "\"from\":{\"display_name\":\"Alice Agent\"}}");
      g_autoptr(JsonObject) ev = parse_object (outcomes[i][1]);
      g_autoptr(HandoffTransferSession) t = handoff_transfer_session_new_incoming (client, offer);
      g_autofree char *text_at_state = NULL;

      g_signal_connect (t, "notify::state", G_CALLBACK (keep_text_at_state), &text_at_state);
      g_assert_true (handoff_transfer_session_handle_event (t, outcomes[i][0], ev));
      g_assert_cmpint (handoff_transfer_session_get_state (t), ==, HANDOFF_TRANSFER_ENDED);
      g_assert_cmpstr (handoff_transfer_session_get_outcome (t), ==, outcomes[i][2]);
      g_assert_false (handoff_transfer_session_is_active (t));
      g_assert_cmpstr (handoff_transfer_session_get_status_text (t), ==, outcomes[i][3]);
      /* Already the new words when the state changes, not the offer's. */
      g_assert_cmpstr (text_at_state, ==, outcomes[i][3]);
      g_signal_handlers_disconnect_by_data (t, &text_at_state);
    }
}

typedef struct {
  GMainLoop *loop;
  GError    *error;
  gboolean   ok;
} Wait;

static void
on_action (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Wait *w = user_data;

  w->ok = handoff_transfer_session_action_finish (HANDOFF_TRANSFER_SESSION (source), result, &w->error);
  g_main_loop_quit (w->loop);
}

static void
test_initiator_refusals (void)
{
  /* Port 9 (discard) is closed on loopback: the server is "down". */
  g_autoptr(HandoffServerClient) client = handoff_server_client_new ("http://127.0.0.1:9");
  g_autoptr(JsonObject) info = parse_object ("{\"call_id\":\"c1\",\"caller\":{\"name\":\"Carol\"}}");
  g_autoptr(HandoffCallSession) call = handoff_call_session_new (client, HANDOFF_CALL_ROLE_AGENT, info);
  g_autoptr(HandoffTransferSession) first = handoff_transfer_session_new_outgoing (client, call);
  g_autoptr(HandoffTransferSession) second = handoff_transfer_session_new_outgoing (client, call);
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  Wait w1 = { loop, NULL, FALSE }, w2 = { loop, NULL, FALSE };

  /* Not in a call yet. */
  handoff_transfer_session_send_async (first, "bob", NULL, "Bob", FALSE, "s", NULL, on_action, &w1);
  g_main_loop_run (loop);
  g_assert_error (w1.error, HANDOFF_TRANSFER_ERROR, HANDOFF_TRANSFER_ERROR_WRONG_STATE);
  g_clear_error (&w1.error);

  handoff_call_session_set_state (call, HANDOFF_CALL_TALKING);
  g_assert_cmpstr (handoff_call_session_get_status_text (call), ==, "Talking to Carol");

  /* Empty target. */
  handoff_transfer_session_send_async (first, "", NULL, NULL, FALSE, "s", NULL, on_action, &w1);
  g_main_loop_run (loop);
  g_assert_error (w1.error, HANDOFF_TRANSFER_ERROR, HANDOFF_TRANSFER_ERROR_NO_TARGET);
  g_clear_error (&w1.error);

  /* Connect before anything was sent. */
  handoff_transfer_session_connect_async (first, NULL, on_action, &w1);
  g_main_loop_run (loop);
  g_assert_error (w1.error, HANDOFF_TRANSFER_ERROR, HANDOFF_TRANSFER_ERROR_WRONG_STATE);
  g_clear_error (&w1.error);

  /* The first is in flight; the second is refused with a reason. */
  handoff_transfer_session_send_async (first, "bob", NULL, "Bob", TRUE, "summary", NULL, on_action, &w1);
  handoff_transfer_session_send_async (second, "dave", NULL, "Dave", FALSE, "summary", NULL, on_action, &w2);
  g_main_loop_run (loop);
  g_assert_error (w2.error, HANDOFF_TRANSFER_ERROR, HANDOFF_TRANSFER_ERROR_BUSY);
  g_assert_nonnull (strstr (w2.error->message, "already running"));

  /* The first fails: the server is down. The caller was never put on hold. */
  g_main_loop_run (loop);
  g_assert_error (w1.error, HANDOFF_API_ERROR, HANDOFF_API_ERROR_UNREACHABLE);
  g_assert_cmpint (handoff_transfer_session_get_state (first), ==, HANDOFF_TRANSFER_IDLE);
  g_assert_cmpint (handoff_call_session_get_state (call), ==, HANDOFF_CALL_TALKING);
  g_clear_error (&w1.error);
  g_clear_error (&w2.error);

  /* After the failure a new attempt is allowed again (fails the same way). */
  handoff_transfer_session_send_async (second, "dave", NULL, "Dave", FALSE, "summary", NULL, on_action, &w2);
  g_main_loop_run (loop);
  g_assert_error (w2.error, HANDOFF_API_ERROR, HANDOFF_API_ERROR_UNREACHABLE);
  g_clear_error (&w2.error);

  /* Cancelling before sending ends it locally. */
  handoff_transfer_session_cancel_async (first, NULL, on_action, &w1);
  g_main_loop_run (loop);
  g_assert_true (w1.ok);
  g_assert_cmpstr (handoff_transfer_session_get_outcome (first), ==, "cancelled");
}

static void
test_transcript_partials (void)
{
  g_autoptr(HandoffServerClient) client = handoff_server_client_new ("http://127.0.0.1:9");
  g_autoptr(HandoffCallSession) call = handoff_call_session_new (client, HANDOFF_CALL_ROLE_AGENT, NULL);
  GListModel *model = handoff_call_session_get_transcript (call);
  g_autoptr(HandoffSegment) seg = NULL;
  g_autofree char *text = NULL;

  handoff_call_session_add_segment (call, "s1", "Carol", "I was charged", FALSE);
  handoff_call_session_add_segment (call, "s1", "Carol", "I was charged twice", TRUE);
  handoff_call_session_add_segment (call, "s2", "Alice", "Let me look", FALSE);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 2);
  seg = g_list_model_get_item (model, 0);
  g_assert_cmpstr (handoff_segment_get_text (seg), ==, "I was charged twice");
  g_assert_true (handoff_segment_get_final (seg));
  /* Only final text goes to summaries and exports. */
  text = handoff_call_session_dup_transcript_text (call);
  g_assert_cmpstr (text, ==, "Carol: I was charged twice\n");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_setenv ("HANDOFF_SECRETS", "memory", TRUE);

  g_test_add_func ("/transfer/audience", test_audience);
  g_test_add_func ("/transfer/target-events", test_target_events);
  g_test_add_func ("/transfer/target-caller-abandoned", test_target_caller_abandoned);
  g_test_add_func ("/transfer/target-outcomes", test_target_timeout_words);
  g_test_add_func ("/transfer/initiator-refusals", test_initiator_refusals);
  g_test_add_func ("/call/transcript-partials", test_transcript_partials);
  return g_test_run ();
}
