/* test-summarizer.c: the transfer summary from the LLM stand-in, and every way back to offline
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-summarizer"

#include <string.h>

#include "handoff-ai-error.h"
#include "handoff-summarizer.h"
#include "handoff-test-chat-server.h"
#include "handoff-utterance.h"

#define KEY "gsk-test-key-42"

static const char *good_answer =
  "```json\n{\n  \"reason\": \"Charged twice for order ORD-48213 and wants the duplicate "
  "refunded.\",\n"
  "  \"customer\": \"\",\n  \"sentiment\": \"frustrated (third call about it)\",\n"
  "  \"key_facts\": [\"Order placed March 3rd\", \"Two charges of $89.99 on March 4th\"],\n"
  "  \"identifiers\": [{\"type\": \"order\", \"value\": \"ORD-48213\"},"
  " {\"type\": \"order\", \"value\": \"ORD-99999\"}],\n"
  "  \"tried\": [\"Cancelling the second charge in the app\"],\n"
  "  \"promised\": [\"Refund request submitted; 5-7 business days\"],\n"
  "  \"next_steps\": [\"Check whether an expedited refund is possible\"],\n"
  "  \"open_questions\": []\n}\n```";

typedef struct {
  GMainLoop      *loop;
  HandoffSummary *summary;
  GError         *error;
  guint           deltas;
} Run;

static void
run_clear (Run *run)
{
  g_clear_pointer (&run->loop, g_main_loop_unref);
  g_clear_object (&run->summary);
  g_clear_error (&run->error);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

static GPtrArray *
billing_fixture (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "ai", "fixtures",
                                                 "billing-double-charge.txt", NULL);
  g_autofree char *data = NULL;
  gsize len;

  g_assert_true (g_file_get_contents (path, &data, &len, NULL));
  return handoff_utterances_parse (data, len, NULL);
}

static void
on_done (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Run *run = user_data;

  run->summary = handoff_summarizer_summarize_finish (HANDOFF_SUMMARIZER (source), result,
                                                      &run->error);
  g_main_loop_quit (run->loop);
}

static void
on_delta (HandoffSummarizer *summarizer,
          const char        *delta,
          Run               *run)
{
  run->deltas++;
}

static void
summarize (HandoffSummarizer *summarizer,
           GCancellable      *cancellable,
           Run               *run)
{
  g_autoptr(GPtrArray) utterances = billing_fixture ();
  gulong id = g_signal_connect (summarizer, "delta", G_CALLBACK (on_delta), run);

  run->loop = g_main_loop_new (NULL, FALSE);
  handoff_summarizer_summarize_async (summarizer, utterances, "Customer since 2019", cancellable,
                                      on_done, run);
  g_main_loop_run (run->loop);
  g_signal_handler_disconnect (summarizer, id);
}

static HandoffSummarizer *
summarizer_for (HandoffTestChatServer *server)
{
  g_autoptr(HandoffChatClient) client =
    handoff_chat_client_new (handoff_test_chat_server_get_base_url (server), "llama-test", KEY);

  handoff_chat_client_set_timeout_ms (client, 5000);
  return handoff_summarizer_new (client);
}

static const char *
user_message (HandoffTestChatServer *server,
              guint                  index)
{
  JsonObject *body = json_node_get_object (handoff_test_chat_server_get_request (server,
                                                                                 index)->body);
  JsonArray *messages = json_object_get_array_member (body, "messages");

  return json_object_get_string_member (json_array_get_object_element (messages, 1), "content");
}

static void
test_llm_summary (void)
{
  g_autoptr(HandoffTestChatServer) server = handoff_test_chat_server_new ();
  g_autoptr(HandoffSummarizer) summarizer = summarizer_for (server);
  g_auto(Run) run = { 0 };
  GPtrArray *ids;
  const char *prompt;

  handoff_test_chat_server_push_reply (server, good_answer, 6, 10, 1);
  summarize (summarizer, NULL, &run);
  g_assert_no_error (run.error);
  g_assert_cmpint (handoff_summary_get_source (run.summary), ==, HANDOFF_SUMMARY_SOURCE_LLM);
  g_assert_cmpstr (handoff_summary_get_model (run.summary), ==, "llama-test");
  g_assert_null (handoff_summary_get_fallback_reason (run.summary));
  g_assert_nonnull (strstr (handoff_summary_get_reason (run.summary), "Charged twice"));
  g_assert_cmpuint (run.deltas, >, 10);

  /* ORD-99999 is not in the transcript: dropped. The email the patterns found is added. */
  ids = handoff_summary_get_identifiers (run.summary);
  for (guint i = 0; i < ids->len; i++)
    g_assert_cmpstr (((HandoffEntity *) ids->pdata[i])->value, !=, "ORD-99999");
  g_assert_cmpuint (ids->len, ==, 2);

  /* What left the machine: the transcript and notes, without the card number. */
  g_assert_cmpuint (handoff_test_chat_server_get_n_requests (server), ==, 1);
  g_assert_cmpstr (handoff_test_chat_server_get_request (server, 0)->authorization, ==,
                   "Bearer " KEY);
  prompt = user_message (server, 0);
  g_assert_nonnull (strstr (prompt, "Caller: Sure, it's order number ORD-48213."));
  g_assert_nonnull (strstr (prompt, "Customer since 2019"));
  g_assert_null (strstr (prompt, "4539 1488"));
  g_assert_null (strstr (prompt, "0343"));
  g_assert_nonnull (strstr (prompt, "[card ending 6467]"));
  g_assert_cmpuint (handoff_summary_get_redactions (run.summary), ==, 1);
}

static void
expect_offline (HandoffTestChatServer *server,
                HandoffSummarizer     *summarizer,
                const char            *why)
{
  g_auto(Run) run = { 0 };

  summarize (summarizer, NULL, &run);
  g_assert_no_error (run.error);
  g_assert_nonnull (run.summary);
  g_assert_cmpint (handoff_summary_get_source (run.summary), ==, HANDOFF_SUMMARY_SOURCE_OFFLINE);
  g_test_message ("fallback: %s", handoff_summary_get_fallback_reason (run.summary));
  g_assert_nonnull (strcasestr (handoff_summary_get_fallback_reason (run.summary), why));
  /* Still a useful brief. */
  g_assert_nonnull (strstr (handoff_summary_get_reason (run.summary), "charged twice"));
}

static void
test_invalid_llm_json_falls_back (void)
{
  g_autoptr(HandoffTestChatServer) server = handoff_test_chat_server_new ();
  g_autoptr(HandoffSummarizer) summarizer = summarizer_for (server);

  handoff_test_chat_server_push_reply (server, "Sure! The caller was charged twice.", 5, 1, 1);
  expect_offline (server, summarizer, "not a usable summary");
  handoff_test_chat_server_push_reply (server, "{\"reason\": \"x\", \"key_facts\": \"oops\"}", 5, 1,
                                       1);
  expect_offline (server, summarizer, "key_facts");
  handoff_test_chat_server_push_reply (server, "{\"reason\": \"cut off mid", 5, 1, 1);
  expect_offline (server, summarizer, "not a usable summary");
}

static void
test_errors_fall_back (void)
{
  g_autoptr(HandoffTestChatServer) server = handoff_test_chat_server_new ();
  g_autoptr(HandoffSummarizer) summarizer = summarizer_for (server);
  g_autoptr(HandoffSummarizer) offline = handoff_summarizer_new (NULL);
  g_autoptr(HandoffChatClient) no_key = handoff_chat_client_new (NULL, NULL, NULL);
  g_autoptr(HandoffSummarizer) unconfigured = handoff_summarizer_new (no_key);

  handoff_test_chat_server_push_error (server, 401,
                                       "{\"error\": {\"message\": \"Invalid API Key\"}}", NULL);
  expect_offline (server, summarizer, "refused the API key");
  expect_offline (NULL, offline, "no AI endpoint");
  expect_offline (NULL, unconfigured, "no AI endpoint");
  /* Neither of the last two sent anything. */
  g_assert_cmpuint (handoff_test_chat_server_get_n_requests (server), ==, 1);
}

static void
test_deadline (void)
{
  g_autoptr(HandoffTestChatServer) server = handoff_test_chat_server_new ();
  g_autoptr(HandoffSummarizer) summarizer = summarizer_for (server);
  gint64 start = g_get_monotonic_time ();
  gint64 elapsed;

  /* A server that hangs, then one that streams too slowly for the deadline. */
  handoff_test_chat_server_push_hang (server);
  handoff_test_chat_server_push_reply (server, good_answer, 2, 10, 100);
  handoff_summarizer_set_deadline_ms (summarizer, 500);
  expect_offline (server, summarizer, "did not finish within 0.5 s");
  elapsed = g_get_monotonic_time () - start;
  g_test_message ("offline after %.0f ms", elapsed / 1000.0);
  g_assert_cmpint (elapsed, <, 3 * G_USEC_PER_SEC);
  expect_offline (server, summarizer, "did not finish within 0.5 s");
}

static gboolean
cancel_soon (gpointer data)
{
  g_cancellable_cancel (data);
  return G_SOURCE_REMOVE;
}

static void
test_cancel (void)
{
  g_autoptr(HandoffTestChatServer) server = handoff_test_chat_server_new ();
  g_autoptr(HandoffSummarizer) summarizer = summarizer_for (server);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_auto(Run) run = { 0 };

  handoff_test_chat_server_push_hang (server);
  g_timeout_add (100, cancel_soon, cancellable);
  summarize (summarizer, cancellable, &run);
  g_assert_error (run.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (run.summary);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/ai/summarizer/llm", test_llm_summary);
  g_test_add_func ("/ai/summarizer/invalid-json-falls-back", test_invalid_llm_json_falls_back);
  g_test_add_func ("/ai/summarizer/errors-fall-back", test_errors_fall_back);
  g_test_add_func ("/ai/summarizer/deadline", test_deadline);
  g_test_add_func ("/ai/summarizer/cancel", test_cancel);
  return g_test_run ();
}
