/* test-assistant.c: the agent's assistant against the stand-in, and offline
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-assistant"

#include "config.h"

#include <string.h>

#include "handoff-ai-error.h"
#include "handoff-assistant.h"
#include "handoff-test-chat-server.h"
#include "handoff-transcript.h"
#include "handoff-utterance.h"

typedef struct {
  GMainLoop *loop;
  char      *answer;
  gboolean   offline;
  GError    *error;
  GString   *streamed;
} Run;

static void
run_clear (Run *run)
{
  g_clear_pointer (&run->loop, g_main_loop_unref);
  g_clear_pointer (&run->answer, g_free);
  g_clear_error (&run->error);
  if (run->streamed)
    g_string_free (run->streamed, TRUE);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

static void
on_delta (const char *delta,
          gpointer    user_data)
{
  g_string_append (((Run *) user_data)->streamed, delta);
}

static void
on_done (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Run *run = user_data;

  run->answer = handoff_assistant_ask_finish (HANDOFF_ASSISTANT (source), result, &run->offline,
                                              &run->error);
  g_main_loop_quit (run->loop);
}

static void
ask (HandoffAssistant *assistant,
     const char       *question,
     int               prompt,
     Run              *run)
{
  run->loop = g_main_loop_new (NULL, FALSE);
  run->streamed = g_string_new (NULL);
  if (question != NULL)
    handoff_assistant_ask_async (assistant, question, on_delta, run, NULL, on_done, run);
  else
    handoff_assistant_ask_prompt_async (assistant, prompt, on_delta, run, NULL, on_done, run);
  g_main_loop_run (run->loop);
}

static GPtrArray *
transcript (void)
{
  return handoff_utterances_parse_text ("Agent: Thanks for calling, how can I help?\n"
                                        "Caller: My card 4539 1488 0343 6467 was charged twice "
                                        "for order ORD-48213.\n", -1, NULL);
}

static JsonArray *
sent_messages (HandoffTestChatServer *server,
               guint                  index)
{
  JsonObject *body = json_node_get_object (handoff_test_chat_server_get_request (server,
                                                                                 index)->body);
  g_assert_true (json_object_get_boolean_member (body, "stream"));
  return json_object_get_array_member (body, "messages");
}

static const char *
content (JsonArray *messages,
         guint      i,
         const char *role)
{
  JsonObject *m = json_array_get_object_element (messages, i);

  g_assert_cmpstr (json_object_get_string_member (m, "role"), ==, role);
  return json_object_get_string_member (m, "content");
}

static void
test_memory_and_context (void)
{
  g_autoptr(HandoffTestChatServer) server = handoff_test_chat_server_new ();
  g_autoptr(HandoffChatClient) client =
    handoff_chat_client_new (handoff_test_chat_server_get_base_url (server), "m", "k-123456");
  g_autoptr(HandoffAssistant) assistant = handoff_assistant_new (client);
  g_autoptr(GPtrArray) utterances = transcript ();
  g_auto(Run) first = { 0 };
  g_auto(Run) second = { 0 };
  JsonArray *messages;

  g_assert_true (handoff_assistant_get_online (assistant));
  handoff_assistant_set_transcript (assistant, utterances);
  handoff_test_chat_server_push_reply (server, "- Double charge on ORD-48213\n- Refund pending", 4,
                                       5, 1);
  handoff_test_chat_server_push_reply (server, "Ask whether the bank shows both charges.", 4, 5,
                                       1);

  ask (assistant, NULL, HANDOFF_ASSISTANT_PROMPT_SUMMARISE, &first);
  g_assert_no_error (first.error);
  g_assert_false (first.offline);
  g_assert_cmpstr (first.answer, ==, "- Double charge on ORD-48213\n- Refund pending");
  g_assert_cmpstr (first.streamed->str, ==, first.answer);

  messages = sent_messages (server, 0);
  g_assert_cmpuint (json_array_get_length (messages), ==, 3);
  g_assert_nonnull (strstr (content (messages, 1, "system"), "order ORD-48213"));
  g_assert_null (strstr (content (messages, 1, "system"), "4539"));
  g_assert_cmpstr (content (messages, 2, "user"), ==,
                   handoff_assistant_prompt_text (HANDOFF_ASSISTANT_PROMPT_SUMMARISE));

  ask (assistant, "And what should I check with the bank? My note: card 4539148803436467", -1,
       &second);
  g_assert_no_error (second.error);
  messages = sent_messages (server, 1);
  /* system, transcript, the first turn (question + answer), the new question */
  g_assert_cmpuint (json_array_get_length (messages), ==, 5);
  g_assert_cmpstr (content (messages, 3, "assistant"), ==, first.answer);
  g_assert_null (strstr (content (messages, 4, "user"), "4539148803436467"));
  g_assert_cmpuint (handoff_assistant_get_history (assistant)->len, ==, 4);
}

static void
on_notify (GObject    *object,
           GParamSpec *pspec,
           guint      *count)
{
  (*count)++;
}

static void
test_offline (void)
{
  g_autoptr(HandoffAssistant) assistant = handoff_assistant_new (NULL);
  g_autoptr(GPtrArray) utterances = transcript ();
  g_auto(Run) free_question = { 0 };
  g_auto(Run) summary = { 0 };
  g_auto(Run) next = { 0 };

  handoff_assistant_set_transcript (assistant, utterances);
  g_assert_false (handoff_assistant_get_online (assistant));
  g_assert_nonnull (handoff_assistant_get_offline_reason (assistant));

  ask (assistant, "Is this fraud?", -1, &free_question);
  g_assert_error (free_question.error, HANDOFF_AI_ERROR, HANDOFF_AI_ERROR_NOT_CONFIGURED);
  g_assert_nonnull (strstr (free_question.error->message, "offline"));

  ask (assistant, NULL, HANDOFF_ASSISTANT_PROMPT_SUMMARISE, &summary);
  g_assert_no_error (summary.error);
  g_assert_true (summary.offline);
  g_assert_true (g_str_has_prefix (summary.answer, "(Offline) "));
  g_assert_nonnull (strstr (summary.answer, "charged twice"));
  g_assert_null (strstr (summary.answer, "4539"));

  ask (assistant, NULL, HANDOFF_ASSISTANT_PROMPT_NEXT_QUESTION, &next);
  g_assert_true (next.offline);
  /* An order number was given; a way to reach the caller was not. */
  g_assert_null (strstr (next.answer, "order or ticket number"));
  g_assert_nonnull (strstr (next.answer, "phone number or email"));
}

static void
test_endpoint_failure (void)
{
  g_autoptr(HandoffTestChatServer) server = handoff_test_chat_server_new ();
  g_autoptr(HandoffChatClient) client =
    handoff_chat_client_new (handoff_test_chat_server_get_base_url (server), "m", "k-123456");
  g_autoptr(HandoffAssistant) assistant = handoff_assistant_new (client);
  g_autoptr(GPtrArray) utterances = transcript ();
  g_auto(Run) reply = { 0 };
  g_auto(Run) question = { 0 };
  g_auto(Run) back = { 0 };
  guint online_changes = 0;

  handoff_assistant_set_transcript (assistant, utterances);
  g_signal_connect (assistant, "notify::online", G_CALLBACK (on_notify), &online_changes);
  handoff_test_chat_server_push_error (server, 401,
                                       "{\"error\": {\"message\": \"Invalid API Key\"}}", NULL);
  handoff_test_chat_server_push_error (server, 401,
                                       "{\"error\": {\"message\": \"Invalid API Key\"}}", NULL);
  handoff_test_chat_server_push_reply (server, "Back online.", 4, 1, 1);

  ask (assistant, NULL, HANDOFF_ASSISTANT_PROMPT_SUGGEST_REPLY, &reply);
  g_assert_no_error (reply.error);
  g_assert_true (reply.offline);
  g_assert_true (g_str_has_prefix (reply.answer, "(Offline) "));
  g_assert_false (handoff_assistant_get_online (assistant));
  g_assert_nonnull (strstr (handoff_assistant_get_offline_reason (assistant), "API key"));
  g_assert_cmpuint (online_changes, ==, 1);

  ask (assistant, "Anything else?", -1, &question);
  g_assert_error (question.error, HANDOFF_AI_ERROR, HANDOFF_AI_ERROR_UNAUTHORIZED);

  ask (assistant, "Anything else?", -1, &back);
  g_assert_no_error (back.error);
  g_assert_cmpstr (back.answer, ==, "Back online.");
  g_assert_true (handoff_assistant_get_online (assistant));
  g_assert_cmpuint (online_changes, ==, 2);
}

/* The assistant reads the live transcript at each question. */
static void
test_live_transcript (void)
{
  g_autoptr(HandoffTestChatServer) server = handoff_test_chat_server_new ();
  g_autoptr(HandoffChatClient) client =
    handoff_chat_client_new (handoff_test_chat_server_get_base_url (server), "m", "k-123456");
  g_autoptr(HandoffAssistant) assistant = handoff_assistant_new (client);
  g_autoptr(HandoffTranscript) transcript = handoff_transcript_new ();
  g_autoptr(HandoffSegment) first = handoff_segment_new ("caller", "TR_c", "c1",
                                                         "My router keeps rebooting.", 1000, 2000,
                                                         TRUE);
  g_autoptr(HandoffSegment) later = handoff_segment_new ("caller", "TR_c", "c2",
                                                         "Now the lights are off too.", 5000,
                                                         6000, TRUE);
  g_auto(Run) one = { 0 };
  g_auto(Run) two = { 0 };
  JsonArray *messages;

  handoff_assistant_set_transcript_model (assistant, G_LIST_MODEL (transcript));
  handoff_transcript_add_segment (transcript, first);
  handoff_test_chat_server_push_reply (server, "Ask about the lights.", 4, 1, 1);

  ask (assistant, NULL, HANDOFF_ASSISTANT_PROMPT_NEXT_QUESTION, &one);
  g_assert_no_error (one.error);
  messages = sent_messages (server, 0);
  g_assert_nonnull (strstr (content (messages, 1, "system"), "keeps rebooting"));
  g_assert_null (strstr (content (messages, 1, "system"), "lights are off"));

  handoff_transcript_add_segment (transcript, later);
  ask (assistant, "And now?", -1, &two);
  g_assert_no_error (two.error);
  messages = sent_messages (server, 1);
  g_assert_nonnull (strstr (content (messages, 1, "system"), "lights are off"));
}


/* The Preferences' redaction switch (GSettings "redact", on by default) decides
 * what the assistant sends: a card number in the live transcript reaches the
 * endpoint only while redaction is off; a phone number is not something
 * redaction removes (it is a contact the brief needs) and goes verbatim. The
 * setting applies to the next question, without a restart. */
static void
test_redaction_follows_settings (void)
{
  g_autoptr(HandoffTestChatServer) server = handoff_test_chat_server_new ();
  g_autoptr(HandoffChatClient) client =
    handoff_chat_client_new (handoff_test_chat_server_get_base_url (server), "m", "k-123456");
  g_autoptr(HandoffAssistant) assistant = handoff_assistant_new (client);
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(HandoffTranscript) transcript = handoff_transcript_new ();
  g_autoptr(HandoffSegment) said = handoff_segment_new ("caller", "TR_c", "c1",
                                                        "My card 4539 1488 0343 6467 was charged "
                                                        "twice, call me on 0161 496 0018.",
                                                        1000, 4000, TRUE);
  const char *card = "4539 1488 0343 6467";
  const char *phone = "0161 496 0018";
  g_auto(Run) on = { 0 };
  g_auto(Run) off = { 0 };
  g_auto(Run) again = { 0 };
  const char *context;

  g_settings_reset (settings, "redact");
  handoff_assistant_bind_settings (assistant, settings);
  handoff_assistant_set_transcript_model (assistant, G_LIST_MODEL (transcript));
  handoff_transcript_add_segment (transcript, said);
  handoff_test_chat_server_push_reply (server, "ok", 4, 1, 1);

  ask (assistant, NULL, HANDOFF_ASSISTANT_PROMPT_SUMMARISE, &on);
  g_assert_no_error (on.error);
  context = content (sent_messages (server, 0), 1, "system");
  g_assert_null (strstr (context, card));
  g_assert_nonnull (strstr (context, "[card ending 6467]"));
  g_assert_nonnull (strstr (context, phone));

  g_settings_set_boolean (settings, "redact", FALSE);
  ask (assistant, "Card 4539148803436467 again?", -1, &off);
  g_assert_no_error (off.error);
  context = content (sent_messages (server, 1), 1, "system");
  g_assert_nonnull (strstr (context, card));
  g_assert_nonnull (strstr (context, phone));
  g_assert_nonnull (strstr (content (sent_messages (server, 1), 4, "user"), "4539148803436467"));

  g_settings_set_boolean (settings, "redact", TRUE);
  ask (assistant, NULL, HANDOFF_ASSISTANT_PROMPT_SUMMARISE, &again);
  g_assert_no_error (again.error);
  context = content (sent_messages (server, 2), 1, "system");
  g_assert_null (strstr (context, card));
  g_settings_reset (settings, "redact");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/ai/assistant/memory-and-context", test_memory_and_context);
  g_test_add_func ("/ai/assistant/offline", test_offline);
  g_test_add_func ("/ai/assistant/endpoint-failure", test_endpoint_failure);
  g_test_add_func ("/ai/assistant/live-transcript", test_live_transcript);
  g_test_add_func ("/ai/assistant/redaction-follows-settings", test_redaction_follows_settings);
  return g_test_run ();
}
