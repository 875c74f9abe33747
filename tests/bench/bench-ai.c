/* bench-ai.c: how long the transfer summary takes, from the LLM stand-in and offline
 *
 *   build/tests/bench/handoff-bench-ai [RUNS]
 *
 * The LLM figures are measured against the local OpenAI-compatible stand-in
 * (tests/ai/handoff-test-chat-server.c) streaming at a pace modelled on Groq's
 * llama-3.3-70b-versatile: the first token 300 ms after the request (queue and
 * prompt time for a ~1.5k-token transcript) and then one ~4-character token
 * every 4 ms (about 250 tokens/s), each SSE event cut in two writes. They
 * therefore measure our own client, parser, validation and fallback costs on
 * top of that pace, not Groq. The offline figures are wall-clock time of the
 * deterministic summarizer (redaction included) on the fixture transcripts.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "bench-ai"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "handoff-summarizer.h"
#include "handoff-test-chat-server.h"
#include "handoff-utterance.h"

#define FIRST_TOKEN_MS 300
#define TOKEN_CHARS    4
#define HALF_TOKEN_MS  2   /* two writes per token: 4 ms per token */

typedef struct {
  GMainLoop      *loop;
  HandoffSummary *summary;
  gint64          start;
  gint64          first;
  gint64          last;
} Run;

static const char *answer_json =
  "{\n  \"reason\": \"The caller was charged twice for order ORD-48213 ($89.99 each, March 4th) "
  "and "
  "wants the duplicate charge refunded quickly; she needs the money for rent.\",\n"
  "  \"customer\": \"\",\n  \"sentiment\": \"frustrated (third call about the same charge)\",\n"
  "  \"key_facts\": [\"Order ORD-48213 placed on March 3rd\", \"Two charges of $89.99 on March "
  "4th\", \"Contact email maria.lopez@example.com\", \"The bank told her to contact the merchant "
  "first\"],\n  \"identifiers\": [{\"type\": \"order\", \"value\": \"ORD-48213\"}, {\"type\": "
  "\"email\", \"value\": \"maria.lopez@example.com\"}],\n  \"tried\": [\"Cancelling the second "
  "charge in the app (stuck on processing)\", \"Calling twice before\"],\n  \"promised\": "
  "[\"Refund request for the second $89.99 charge submitted\", \"Confirmation email within the "
  "hour\", \"Refund visible in 5 to 7 business days\"],\n  \"next_steps\": [\"Check whether an "
  "expedited refund is possible\", \"Confirm the refund reference to the caller by email\"],\n"
  "  \"open_questions\": [\"Can the refund be expedited?\"]\n}";

static void
on_delta (HandoffSummarizer *summarizer,
          const char        *delta,
          Run               *run)
{
  run->last = g_get_monotonic_time ();
  if (run->first == 0)
    run->first = run->last;
}

static void
on_done (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Run *run = user_data;

  run->summary = handoff_summarizer_summarize_finish (HANDOFF_SUMMARIZER (source), result, NULL);
  g_main_loop_quit (run->loop);
}

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static double
median (double *values,
        guint   n)
{
  qsort (values, n, sizeof (double), compare_doubles);
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

static GPtrArray *
fixture (const char *name)
{
  const char *root = g_getenv ("HANDOFF_SOURCE_ROOT");
  g_autofree char *path = g_build_filename (root ? root : ".", "tests", "ai", "fixtures", name,
                                            NULL);
  g_autofree char *data = NULL;
  gsize len;

  if (!g_file_get_contents (path, &data, &len, NULL))
    g_error ("cannot read %s (set HANDOFF_SOURCE_ROOT)", path);
  return handoff_utterances_parse (data, len, NULL);
}

/* One summary through the stand-in; returns FALSE when it fell back. */
static gboolean
llm_run (HandoffSummarizer *summarizer,
         GPtrArray         *utterances,
         double            *ttft_ms,
         double            *total_ms,
         double            *after_last_ms)
{
  Run run = { 0 };
  gulong id = g_signal_connect (summarizer, "delta", G_CALLBACK (on_delta), &run);
  gboolean llm;

  run.loop = g_main_loop_new (NULL, FALSE);
  run.start = g_get_monotonic_time ();
  handoff_summarizer_summarize_async (summarizer, utterances, NULL, NULL, on_done, &run);
  g_main_loop_run (run.loop);
  *total_ms = (g_get_monotonic_time () - run.start) / 1000.0;
  *ttft_ms = run.first ? (run.first - run.start) / 1000.0 : -1;
  if (after_last_ms != NULL)
    *after_last_ms = run.last ? *total_ms - (run.last - run.start) / 1000.0 : -1;
  llm = handoff_summary_get_source (run.summary) == HANDOFF_SUMMARY_SOURCE_LLM;
  g_signal_handler_disconnect (summarizer, id);
  g_object_unref (run.summary);
  g_main_loop_unref (run.loop);
  return llm;
}

int
main (int   argc,
      char *argv[])
{
  static const char * const fixtures[] = { "billing-double-charge.txt", "internet-outage.json",
                                           "account-locked.txt", "damaged-delivery.txt" };
  guint runs = argc > 1 ? (guint) atoi (argv[1]) : 5;
  g_autoptr(HandoffTestChatServer) server = handoff_test_chat_server_new ();
  g_autoptr(HandoffChatClient) client = NULL;
  g_autoptr(HandoffSummarizer) summarizer = NULL;
  g_autoptr(GPtrArray) billing = fixture ("billing-double-charge.txt");
  g_autofree double *ttft = g_new0 (double, MAX (runs, 1));
  g_autofree double *total = g_new0 (double, MAX (runs, 1));
  g_autofree double *after = g_new0 (double, MAX (runs, 1));
  double m_ttft, m_total, m_after;
  guint tokens = (strlen (answer_json) + TOKEN_CHARS - 1) / TOKEN_CHARS;
  double t, tt;

  runs = MAX (runs, 1);
  client = handoff_chat_client_new (handoff_test_chat_server_get_base_url (server),
                                    "llama-3.3-70b-versatile", "bench-key");
  summarizer = handoff_summarizer_new (client);
  handoff_summarizer_set_deadline_ms (summarizer, 30000);

  printf ("AI benchmark: %u runs; stand-in pace: first token %d ms, then %d-char tokens every "
          "%d ms (%.0f tokens/s); answer %zu chars ≈ %u tokens\n",
          runs, FIRST_TOKEN_MS, TOKEN_CHARS, 2 * HALF_TOKEN_MS, 1000.0 / (2 * HALF_TOKEN_MS),
          strlen (answer_json), tokens);
  printf ("  pace alone predicts: first token %d ms, last token %.0f ms\n", FIRST_TOKEN_MS,
          FIRST_TOKEN_MS + (tokens - 1) * 2.0 * HALF_TOKEN_MS);

  for (guint i = 0; i < runs; i++)
    {
      handoff_test_chat_server_push_reply (server, answer_json, TOKEN_CHARS, FIRST_TOKEN_MS,
                                           HALF_TOKEN_MS);
      if (!llm_run (summarizer, billing, &ttft[i], &total[i], &after[i]))
        g_error ("run %u fell back to offline", i);
    }
  m_ttft = median (ttft, runs);
  m_total = median (total, runs);
  m_after = median (after, runs);
  printf ("  LLM summary (stand-in): time to first token median %.1f ms (min %.1f, max %.1f); "
          "total median %.1f ms (min %.1f, max %.1f); last token to validated summary median "
          "%.2f ms\n", m_ttft, ttft[0], ttft[runs - 1], m_total, total[0], total[runs - 1],
          m_after);

  /* The same with no pace at all: our own overhead. */
  for (guint i = 0; i < runs; i++)
    {
      handoff_test_chat_server_push_reply (server, answer_json, 64, 0, 0);
      llm_run (summarizer, billing, &ttft[i], &total[i], NULL);
    }
  m_ttft = median (ttft, runs);
  m_total = median (total, runs);
  printf ("  LLM summary (stand-in, no pace, 64-char deltas): first token median %.2f ms, "
          "total median %.2f ms\n", m_ttft, m_total);

  /* A hung endpoint: the transfer waits exactly the deadline, then goes offline. */
  handoff_test_chat_server_push_hang (server);
  handoff_summarizer_set_deadline_ms (summarizer, 1000);
  llm_run (summarizer, billing, &t, &tt, NULL);
  printf ("  hung endpoint, deadline 1000 ms: offline summary after %.1f ms\n", tt);

  /* Offline, per fixture. */
  for (guint f = 0; f < G_N_ELEMENTS (fixtures); f++)
    {
      g_autoptr(GPtrArray) utterances = fixture (fixtures[f]);
      g_autoptr(HandoffSummarizer) offline = handoff_summarizer_new (NULL);
      const guint n = 50 * runs;
      g_autofree double *ms = g_new0 (double, n);

      for (guint i = 0; i < n; i++)
        {
          gint64 start = g_get_monotonic_time ();
          g_autoptr(HandoffSummary) s = handoff_summarizer_summarize_offline (offline, utterances,
                                                                              NULL);
          ms[i] = (g_get_monotonic_time () - start) / 1000.0;
        }
      printf ("  offline summary %-26s (%2u utterances): median %.2f ms over %u runs\n",
              fixtures[f], utterances->len, median (ms, n), n);
    }
  return 0;
}
