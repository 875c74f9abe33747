/* test-ai-unreachable.c: the AI endpoint is not there, or never answers
 *
 * Two ways an endpoint fails in the field that a 500 does not cover: nothing
 * listens on its port (connection refused: a local model server that is not
 * running), and something accepts the connection but never answers (a
 * proxy or firewall that swallows it, an overloaded server). In both the
 * assistant must say it is offline within a bound the agent can wait for,
 * quick prompts must still answer from the transcript, and the transfer
 * summary must fall back to the offline one within the summarizer's deadline.
 * The clients are configured as the app configures its own (defaults), unless
 * a test says otherwise.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-ai-unreachable"

#include <string.h>

#include "handoff-ai-error.h"
#include "handoff-assistant.h"
#include "handoff-summarizer.h"
#include "handoff-test-chat-server.h"
#include "handoff-test-livekit.h"
#include "handoff-utterance.h"

#define KEY "gsk-test-key-42"
/* Slack over the configured timeout or deadline, for a loaded machine. */
#define SLACK_US (3 * G_USEC_PER_SEC)

/* Accepts connections and never reads from them or answers. */
typedef struct {
  GSocketService *service;
  GPtrArray      *held;       /* GSocketConnection */
  char           *base_url;
} Silent;

static gboolean
on_incoming (GSocketService    *service,
             GSocketConnection *connection,
             GObject           *source,
             gpointer           user_data)
{
  Silent *silent = user_data;

  g_ptr_array_add (silent->held, g_object_ref (connection));
  return TRUE;
}

static Silent *
silent_new (void)
{
  Silent *silent = g_new0 (Silent, 1);
  g_autoptr(GError) error = NULL;
  guint16 port;

  silent->service = g_socket_service_new ();
  silent->held = g_ptr_array_new_with_free_func (g_object_unref);
  port = g_socket_listener_add_any_inet_port (G_SOCKET_LISTENER (silent->service), NULL, &error);
  g_assert_no_error (error);
  g_signal_connect (silent->service, "incoming", G_CALLBACK (on_incoming), silent);
  g_socket_service_start (silent->service);
  silent->base_url = g_strdup_printf ("http://127.0.0.1:%u/v1", port);
  return silent;
}

static void
silent_free (Silent *silent)
{
  g_socket_service_stop (silent->service);
  g_socket_listener_close (G_SOCKET_LISTENER (silent->service));
  g_object_unref (silent->service);
  g_ptr_array_unref (silent->held);
  g_free (silent->base_url);
  g_free (silent);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Silent, silent_free)

/* A loopback URL where nothing listens. */
static char *
dead_url (void)
{
  return g_strdup_printf ("http://127.0.0.1:%u/v1", handoff_test_free_port (FALSE));
}

static GPtrArray *
transcript (void)
{
  return handoff_utterances_parse_text ("Agent: Thanks for calling, how can I help?\n"
                                        "Caller: I was charged twice for order ORD-48213 and "
                                        "want the duplicate refunded.\n", -1, NULL);
}

/* ---- the assistant ---- */

typedef struct {
  GMainLoop *loop;
  char      *answer;
  gboolean   offline;
  GError    *error;
  gint64     took_us;
} Ask;

static void
ask_clear (Ask *ask)
{
  g_clear_pointer (&ask->loop, g_main_loop_unref);
  g_clear_pointer (&ask->answer, g_free);
  g_clear_error (&ask->error);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Ask, ask_clear)

static void
on_asked (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  Ask *ask = user_data;

  ask->answer = handoff_assistant_ask_finish (HANDOFF_ASSISTANT (source), result, &ask->offline,
                                              &ask->error);
  g_main_loop_quit (ask->loop);
}

/* question NULL: the "suggest a reply" quick prompt. */
static void
ask (HandoffAssistant *assistant,
     const char       *question,
     Ask              *ask)
{
  gint64 start = g_get_monotonic_time ();

  ask->loop = g_main_loop_new (NULL, FALSE);
  if (question != NULL)
    handoff_assistant_ask_async (assistant, question, NULL, NULL, NULL, on_asked, ask);
  else
    handoff_assistant_ask_prompt_async (assistant, HANDOFF_ASSISTANT_PROMPT_SUGGEST_REPLY, NULL,
                                        NULL, NULL, on_asked, ask);
  g_main_loop_run (ask->loop);
  ask->took_us = g_get_monotonic_time () - start;
  g_test_message ("%s: %.1f s, %s", question ? "question" : "quick prompt", ask->took_us / 1e6,
                  ask->error ? ask->error->message : ask->answer);
}

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              guint      *count)
{
  (*count)++;
}

/* The assistant against an unreachable `client`: a free question fails with
 * `code` within `bound_us`, after which the assistant is offline and says
 * why (`reason`); then a quick prompt answers at once from the transcript
 * (not after another full wait). */
static void
expect_assistant_offline (HandoffChatClient *client,
                          gint               code,
                          gint64             bound_us,
                          const char        *reason)
{
  g_autoptr(HandoffAssistant) assistant = handoff_assistant_new (client);
  g_autoptr(GPtrArray) utterances = transcript ();
  g_auto(Ask) question = { 0 };
  g_auto(Ask) quick = { 0 };
  guint online_changes = 0;

  handoff_assistant_set_transcript (assistant, utterances);
  g_assert_true (handoff_assistant_get_online (assistant));
  g_signal_connect (assistant, "notify::online", G_CALLBACK (count_notify), &online_changes);

  ask (assistant, "Is a refund possible today?", &question);
  g_assert_error (question.error, HANDOFF_AI_ERROR, code);
  g_assert_cmpint (question.took_us, <, bound_us);
  g_assert_false (handoff_assistant_get_online (assistant));
  g_assert_cmpuint (online_changes, ==, 1);
  g_assert_nonnull (strstr (handoff_assistant_get_offline_reason (assistant), reason));
  g_assert_null (strstr (handoff_assistant_get_offline_reason (assistant), KEY));

  ask (assistant, NULL, &quick);
  g_assert_no_error (quick.error);
  g_assert_true (quick.offline);
  g_assert_true (g_str_has_prefix (quick.answer, "(Offline) "));
  g_assert_cmpint (quick.took_us, <, G_USEC_PER_SEC);
}

static void
test_assistant_dead_port (void)
{
  g_autofree char *url = dead_url ();
  g_autoptr(HandoffChatClient) client = handoff_chat_client_new (url, "m", KEY);
  /* Refused at once; the client retries (2 by default, 0.5 s and 1 s
   * apart) in case the endpoint was restarting. */
  gint64 bound = 5 * G_USEC_PER_SEC;

  expect_assistant_offline (client, HANDOFF_AI_ERROR_NETWORK, bound, "Could not reach");
}

/* Accepts, never answers: the client's timeout (the app's default, 30 s)
 * is the bound. */
static void
test_assistant_silent (void)
{
  g_autoptr(Silent) silent = silent_new ();
  g_autoptr(HandoffChatClient) client = handoff_chat_client_new (silent->base_url, "m", KEY);
  gint64 bound = (gint64) handoff_chat_client_get_timeout_ms (client) * 1000 + SLACK_US;

  g_assert_cmpuint (handoff_chat_client_get_timeout_ms (client), <=, 30000);
  expect_assistant_offline (client, HANDOFF_AI_ERROR_TIMEOUT, bound, "No answer");
  g_assert_cmpuint (silent->held->len, >=, 1);
}

/* An HTTP server that reads the request and never answers, with a shorter
 * timeout set: the bound follows the setting. */
static void
test_assistant_hang_timeout_setting (void)
{
  g_autoptr(HandoffTestChatServer) server = handoff_test_chat_server_new ();
  g_autoptr(HandoffChatClient) client =
    handoff_chat_client_new (handoff_test_chat_server_get_base_url (server), "m", KEY);

  handoff_test_chat_server_push_hang (server);
  handoff_chat_client_set_timeout_ms (client, 2000);
  expect_assistant_offline (client, HANDOFF_AI_ERROR_TIMEOUT, 2 * G_USEC_PER_SEC + SLACK_US,
                            "No answer");
  /* The quick prompt did not ask the endpoint again. */
  g_assert_cmpuint (handoff_test_chat_server_get_n_requests (server), ==, 1);
}

/* ---- the transfer summary ---- */

typedef struct {
  GMainLoop      *loop;
  HandoffSummary *summary;
  GError         *error;
} Sum;

static void
on_summarized (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  Sum *sum = user_data;

  sum->summary = handoff_summarizer_summarize_finish (HANDOFF_SUMMARIZER (source), result,
                                                      &sum->error);
  g_main_loop_quit (sum->loop);
}

/* The summary of the transcript with `client`: the offline one, within the
 * summarizer's own deadline (the app's default), saying why. */
static void
expect_offline_summary (HandoffChatClient *client,
                        const char        *why)
{
  g_autoptr(HandoffSummarizer) summarizer = handoff_summarizer_new (client);
  g_autoptr(GPtrArray) utterances = transcript ();
  Sum sum = { g_main_loop_new (NULL, FALSE), NULL, NULL };
  gint64 start = g_get_monotonic_time (), took;
  gint64 bound = (gint64) handoff_summarizer_get_deadline_ms (summarizer) * 1000 + SLACK_US;

  g_assert_cmpuint (handoff_summarizer_get_deadline_ms (summarizer), ==,
                    HANDOFF_SUMMARIZER_DEFAULT_DEADLINE_MS);
  handoff_summarizer_summarize_async (summarizer, utterances, NULL, NULL, on_summarized, &sum);
  g_main_loop_run (sum.loop);
  took = g_get_monotonic_time () - start;
  g_test_message ("summary after %.1f s: %s", took / 1e6,
                  sum.summary ? handoff_summary_get_fallback_reason (sum.summary) : "none");
  g_assert_no_error (sum.error);
  g_assert_nonnull (sum.summary);
  g_assert_cmpint (took, <, bound);
  g_assert_cmpint (handoff_summary_get_source (sum.summary), ==, HANDOFF_SUMMARY_SOURCE_OFFLINE);
  g_assert_nonnull (strstr (handoff_summary_get_fallback_reason (sum.summary), why));
  /* Still a brief B can use. */
  g_assert_nonnull (strstr (handoff_summary_get_reason (sum.summary), "charged twice"));
  g_clear_object (&sum.summary);
  g_main_loop_unref (sum.loop);
}

static void
test_summary_dead_port (void)
{
  g_autofree char *url = dead_url ();
  g_autoptr(HandoffChatClient) client = handoff_chat_client_new (url, "m", KEY);

  expect_offline_summary (client, "reach");
}

static void
test_summary_silent (void)
{
  g_autoptr(Silent) silent = silent_new ();
  g_autoptr(HandoffChatClient) client = handoff_chat_client_new (silent->base_url, "m", KEY);

  expect_offline_summary (client, "did not finish within");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/ai/unreachable/assistant-dead-port", test_assistant_dead_port);
  g_test_add_func ("/ai/unreachable/assistant-silent", test_assistant_silent);
  g_test_add_func ("/ai/unreachable/assistant-hang-timeout-setting",
                   test_assistant_hang_timeout_setting);
  g_test_add_func ("/ai/unreachable/summary-dead-port", test_summary_dead_port);
  g_test_add_func ("/ai/unreachable/summary-silent", test_summary_silent);
  return g_test_run ();
}
