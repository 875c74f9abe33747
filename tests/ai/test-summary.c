/* test-summary.c: transcripts in, entities, redaction, the summary object, the offline summarizer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-summary"

#include "config.h"

#include <string.h>

#include "handoff-ai-error.h"
#include "handoff-entities.h"
#include "handoff-offline-summarizer.h"
#include "handoff-redact.h"
#include "handoff-segment.h"
#include "handoff-transcript.h"
#include "handoff-summarizer.h"
#include "handoff-summary.h"
#include "handoff-utterance.h"

static GPtrArray *
load_fixture (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "ai", "fixtures", name, NULL);
  g_autofree char *data = NULL;
  g_autoptr(GError) error = NULL;
  gsize len;
  GPtrArray *utterances;

  g_assert_true (g_file_get_contents (path, &data, &len, &error));
  utterances = handoff_utterances_parse (data, len, &error);
  g_assert_no_error (error);
  g_assert_nonnull (utterances);
  return utterances;
}

static gboolean
list_contains (const char * const *items,
               const char         *needle)
{
  for (guint i = 0; items != NULL && items[i] != NULL; i++)
    if (strcasestr (items[i], needle) != NULL)
      return TRUE;
  return FALSE;
}

static gboolean
has_identifier (HandoffSummary   *summary,
                HandoffEntityKind kind,
                const char       *value)
{
  GPtrArray *ids = handoff_summary_get_identifiers (summary);

  for (guint i = 0; i < ids->len; i++)
    {
      HandoffEntity *e = g_ptr_array_index (ids, i);
      if (e->kind == kind && g_strcmp0 (e->value, value) == 0)
        return TRUE;
    }
  return FALSE;
}

/* What a person reading each fixture would put in the brief. */
typedef struct {
  const char       *file;
  const char       *reason_words[3];
  const char       *sentiment;
  struct { HandoffEntityKind kind; const char *value; } ids[3];
  const char       *tried;
  const char       *promised;
  const char       *customer;
} Expect;

static const Expect expectations[] = {
  { "billing-double-charge.txt", { "charged twice", "order", NULL }, "frustrated",
    { { HANDOFF_ENTITY_ORDER, "ORD-48213" }, { HANDOFF_ENTITY_EMAIL, "maria.lopez@example.com" } },
    "cancelling the second charge", "refund request", NULL },
  { "internet-outage.json", { "internet", "down", "three days" }, NULL,
    { { HANDOFF_ENTITY_ACCOUNT, "7720-1945-33" }, { HANDOFF_ENTITY_TICKET, "TKT-55102" },
      { HANDOFF_ENTITY_PHONE, "555-203-4417" } },
    "restarted the router", "technician visit for Thursday", "Okafor" },
  { "account-locked.txt", { "online banking", "locked", NULL }, "anxious",
    { { HANDOFF_ENTITY_ACCOUNT, "30418827" }, { HANDOFF_ENTITY_TICKET, "CS-90412" },
      { HANDOFF_ENTITY_EMAIL, "priya.shah@contoso-mail.net" } },
    "resetting my password", "call you back within 24 hours", "Priya Shah" },
  { "damaged-delivery.txt", { "coffee table", "cracked", NULL }, "satisfied",
    { { HANDOFF_ENTITY_ORDER, "5567-2231" }, { HANDOFF_ENTITY_REFERENCE, "1Z999AA10123456784" } },
    "took photos", "send a replacement", "Tom Becker" },
  /* What a speech recogniser writes: lower case, no punctuation, numbers spelled out. */
  { "recognizer-output.txt", { "charged twice", "refunded", NULL }, NULL,
    { { HANDOFF_ENTITY_ORDER, "44129" } }, "cancel it in the app", "refund request", NULL },
};

static void
test_offline_fixtures (void)
{
  for (guint f = 0; f < G_N_ELEMENTS (expectations); f++)
    {
      const Expect *x = &expectations[f];
      g_autoptr(GPtrArray) utterances = load_fixture (x->file);
      g_autoptr(HandoffSummarizer) summarizer = handoff_summarizer_new (NULL);
      g_autoptr(HandoffSummary) summary = handoff_summarizer_summarize_offline (summarizer,
                                                                                utterances, NULL);
      g_autofree char *text = handoff_summary_render_text (summary);

      g_test_message ("%s:\n%s", x->file, text);
      g_assert_cmpint (handoff_summary_get_source (summary), ==, HANDOFF_SUMMARY_SOURCE_OFFLINE);
      for (guint i = 0; i < G_N_ELEMENTS (x->reason_words) && x->reason_words[i]; i++)
        g_assert_nonnull (strcasestr (handoff_summary_get_reason (summary), x->reason_words[i]));
      if (x->sentiment != NULL)
        g_assert_true (g_str_has_prefix (handoff_summary_get_sentiment (summary), x->sentiment));
      for (guint i = 0; i < G_N_ELEMENTS (x->ids) && x->ids[i].value; i++)
        g_assert_true (has_identifier (summary, x->ids[i].kind, x->ids[i].value));
      g_assert_true (list_contains (handoff_summary_get_list (summary, HANDOFF_SUMMARY_TRIED),
                                    x->tried));
      g_assert_true (list_contains (handoff_summary_get_list (summary, HANDOFF_SUMMARY_PROMISED),
                                    x->promised));
      if (x->customer != NULL)
        g_assert_nonnull (strstr (handoff_summary_get_customer (summary), x->customer));
      /* The agent's own "how can I help" is never taken for the reason. */
      g_assert_null (strcasestr (handoff_summary_get_reason (summary), "help"));
    }
}

static void
test_offline_deterministic_and_notes (void)
{
  g_autoptr(GPtrArray) utterances = load_fixture ("account-locked.txt");
  const char *notes = "VIP customer\n\nsecond line";
  g_autoptr(HandoffSummary) a = handoff_offline_summarize (utterances, notes, NULL);
  g_autoptr(HandoffSummary) b = handoff_offline_summarize (utterances, notes, NULL);
  g_autoptr(GPtrArray) empty = handoff_utterances_new ();
  g_autoptr(HandoffSummary) none = handoff_offline_summarize (empty, NULL, NULL);
  g_autofree char *ja = handoff_summary_to_json (a, FALSE);
  g_autofree char *jb = handoff_summary_to_json (b, FALSE);

  g_assert_cmpstr (ja, ==, jb);
  g_assert_true (list_contains (handoff_summary_get_list (a, HANDOFF_SUMMARY_KEY_FACTS),
                                "Agent note: VIP customer"));
  /* Something valid even with nothing said yet. */
  g_assert_cmpstr (handoff_summary_get_reason (none), ==, "No transcript yet.");
  g_assert_null (handoff_summary_get_sentiment (none));
  g_assert_cmpuint (handoff_summary_get_identifiers (none)->len, ==, 0);
  /* Nothing said yet, but the caller gave a reason when calling: that is
   * the reason, and B reads no "Caller: seems unknown". */
  {
    g_autoptr(HandoffSummary) noted = handoff_offline_summarize (empty, "\n  Charged twice for order ORD-4411 \n", NULL);
    g_autofree char *text = handoff_summary_render_text (noted);

    g_assert_cmpstr (handoff_summary_get_reason (noted), ==, "Charged twice for order ORD-4411");
    g_assert_true (g_str_has_prefix (text, "Reason: Charged twice for order ORD-4411\n"));
    g_assert_null (strstr (text, "Caller:"));
  }  /* Only the agent has spoken so far: still the reason given when calling,
   * and no mood made up for a caller who said nothing. */
  {
    g_autoptr(GPtrArray) agent_only = handoff_utterances_new ();
    g_autoptr(HandoffSummary) noted = NULL;

    g_ptr_array_add (agent_only, handoff_utterance_new ("Alice Example", "Please confirm your order number for me.",
                                                        0, 2));
    noted = handoff_offline_summarize (agent_only, "Order check", "Carol Jones");
    g_assert_cmpstr (handoff_summary_get_reason (noted), ==, "Order check");
    g_assert_null (handoff_summary_get_sentiment (noted));
  }
}

static void
test_redaction (void)
{
  guint n = 0;
  g_autofree char *out = NULL;
  g_autofree char *spoken = NULL;
  g_autofree char *cvv = NULL;
  g_autofree char *ssn = NULL;
  g_autofree char *none = NULL;

  g_assert_true (handoff_luhn_valid ("4539148803436467"));
  g_assert_false (handoff_luhn_valid ("4485123412341234"));

  out = handoff_redact_text ("Card 4539 1488 0343 6467 for order 4485 1234 1234 1234, ref "
                             "ORD-48213, phone 555-203-4417.", HANDOFF_REDACT_ALL, &n);
  g_assert_cmpuint (n, ==, 1);
  g_assert_null (strstr (out, "4539"));
  g_assert_null (strstr (out, "0343"));
  g_assert_nonnull (strstr (out, "[card ending 6467]"));
  /* Same length, fails the checksum: an order number, kept. */
  g_assert_nonnull (strstr (out, "4485 1234 1234 1234"));
  g_assert_nonnull (strstr (out, "ORD-48213"));
  g_assert_nonnull (strstr (out, "555-203-4417"));

  spoken = handoff_redact_text ("my card number is five four two five two three three four three "
                                "zero one zero nine nine zero three thanks", HANDOFF_REDACT_CARDS,
                                &n);
  g_assert_cmpuint (n, ==, 1);
  g_assert_nonnull (strstr (spoken, "[card ending 9903]"));
  g_assert_null (strstr (spoken, "five four"));

  cvv = handoff_redact_text ("it's 4539148803436467 and the CVV is 123, expiry 09/27",
                             HANDOFF_REDACT_ALL, &n);
  g_assert_cmpuint (n, ==, 2);
  g_assert_null (strstr (cvv, "123"));
  g_assert_nonnull (strstr (cvv, "[cvv]"));
  g_assert_nonnull (strstr (cvv, "09/27"));

  ssn = handoff_redact_text ("SSN 123-45-6789, or social security number is 987 65 4321",
                             HANDOFF_REDACT_SSN, &n);
  g_assert_cmpuint (n, ==, 2);
  g_assert_null (strstr (ssn, "6789"));
  g_assert_null (strstr (ssn, "4321"));

  none = handoff_redact_text ("4539148803436467", HANDOFF_REDACT_NONE, &n);
  g_assert_cmpstr (none, ==, "4539148803436467");
  g_assert_cmpuint (n, ==, 0);
}

static void
test_redaction_in_summary (void)
{
  g_autoptr(GPtrArray) utterances = load_fixture ("damaged-delivery.txt");
  g_autoptr(GPtrArray) billing = load_fixture ("billing-double-charge.txt");
  g_autoptr(HandoffSummarizer) summarizer = handoff_summarizer_new (NULL);
  g_autoptr(HandoffSummary) summary = handoff_summarizer_summarize_offline (summarizer, utterances,
                                                                            NULL);
  g_autoptr(HandoffSummary) summary2 = handoff_summarizer_summarize_offline (summarizer, billing,
                                                                             NULL);
  g_autofree char *json = handoff_summary_to_json (summary, FALSE);
  g_autofree char *json2 = handoff_summary_to_json (summary2, FALSE);

  g_assert_cmpuint (handoff_summary_get_redactions (summary), ==, 1);
  g_assert_null (strstr (json, "5425233430109903"));
  g_assert_null (strstr (json, "five four two five"));
  g_assert_cmpuint (handoff_summary_get_redactions (summary2), ==, 1);
  g_assert_null (strstr (json2, "4539 1488"));
  g_assert_nonnull (strstr (json2, "ORD-48213"));
}

static void
test_transcript_text (void)
{
  const char *text = "\xEF\xBB\xBF[00:01] Agent: Hello, how can I help?\n"
                     "[1:02:03] Caller: My router\r\n"
                     "keeps dropping out.\n\n"
                     "Note this line has no speaker: it continues\n"
                     "Caller:\n"
                     "   \n";
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) u = handoff_utterances_parse (text, -1, &error);
  HandoffUtterance *second;

  g_assert_no_error (error);
  g_assert_cmpuint (u->len, ==, 2);
  g_assert_cmpstr (((HandoffUtterance *) u->pdata[0])->speaker, ==, "Agent");
  g_assert_cmpfloat (((HandoffUtterance *) u->pdata[0])->start, ==, 1.0);
  second = u->pdata[1];
  g_assert_cmpstr (second->speaker, ==, "Caller");
  g_assert_cmpfloat (second->start, ==, 3723.0);
  g_assert_cmpstr (second->text, ==,
                   "My router keeps dropping out. Note this line has no speaker: it continues");
}

static void
test_transcript_json (void)
{
  g_autoptr(GPtrArray) u = load_fixture ("internet-outage.json");
  const char *wrapped = "{\"segments\": [{\"speaker\": \"b\", \"text\": \"second\", \"time\": 5},"
                        "{\"speaker\": \"a\", \"text\": \"first\", \"time\": 1}]}";
  g_autoptr(GPtrArray) w = NULL;
  g_autoptr(GError) error = NULL;

  /* The partial of s2 is replaced by its final; s13's live tail stays. */
  g_assert_cmpuint (u->len, ==, 13);
  g_assert_cmpstr (((HandoffUtterance *) u->pdata[1])->text, ==,
                   "Hello, my internet has been down for three days now and I work from home, so "
                   "this is a real problem.");
  g_assert_cmpstr (((HandoffUtterance *) u->pdata[12])->text, ==, "And what");
  for (guint i = 1; i < u->len; i++)
    g_assert_cmpfloat (((HandoffUtterance *) u->pdata[i - 1])->start, <=,
                       ((HandoffUtterance *) u->pdata[i])->start);

  w = handoff_utterances_parse (wrapped, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (w->len, ==, 2);
  g_assert_cmpstr (((HandoffUtterance *) w->pdata[0])->text, ==, "first");
}

static void
test_transcript_from_segments (void)
{
  g_autoptr(GPtrArray) segments = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) u = NULL;
  g_autoptr(GPtrArray) from_json = NULL;
  g_autoptr(GString) json = g_string_new ("[");
  g_autoptr(GError) error = NULL;

  /* As HandoffTranscriber emits them: partials, then the final, out of order across speakers. */
  g_ptr_array_add (segments, handoff_segment_new ("caller-1", "TR_a", "c1", "my order", 2000, 2500,
                                                  FALSE));
  g_ptr_array_add (segments, handoff_segment_new ("agent-1", "TR_b", "a1", "How can I help?", 0,
                                                  1500, TRUE));
  g_ptr_array_add (segments, handoff_segment_new ("caller-1", "TR_a", "c1",
                                                  "my order ORD-7 never came", 2000, 3900, TRUE));
  g_ptr_array_add (segments, handoff_segment_new ("agent-1", "TR_b", "a2", "let me check", 4000,
                                                  4200, FALSE));
  handoff_segment_set_speaker_name (g_ptr_array_index (segments, 2), "Jane Caller");

  u = handoff_utterances_from_segments (segments);
  g_assert_cmpuint (u->len, ==, 3);
  g_assert_cmpstr (((HandoffUtterance *) u->pdata[0])->text, ==, "How can I help?");
  g_assert_cmpstr (((HandoffUtterance *) u->pdata[1])->text, ==, "my order ORD-7 never came");
  g_assert_cmpstr (((HandoffUtterance *) u->pdata[1])->speaker, ==, "Jane Caller");
  g_assert_cmpfloat (((HandoffUtterance *) u->pdata[1])->start, ==, 2.0);
  g_assert_cmpstr (((HandoffUtterance *) u->pdata[2])->text, ==, "let me check");

  /* The same through HandoffSegment's JSON export. */
  for (guint i = 0; i < segments->len; i++)
    {
      g_autoptr(JsonNode) node = handoff_segment_to_json (g_ptr_array_index (segments, i));
      g_autofree char *text = json_to_string (node, FALSE);

      g_string_append_printf (json, "%s%s", i ? "," : "", text);
    }
  g_string_append (json, "]");
  from_json = handoff_utterances_parse (json->str, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (from_json->len, ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      g_assert_cmpstr (((HandoffUtterance *) from_json->pdata[i])->text, ==,
                       ((HandoffUtterance *) u->pdata[i])->text);
      g_assert_cmpfloat (((HandoffUtterance *) from_json->pdata[i])->start, ==,
                         ((HandoffUtterance *) u->pdata[i])->start);
    }
}

static void
add_segment (HandoffTranscript *transcript,
             const char        *identity,
             const char        *id,
             const char        *text,
             gint64             start_ms,
             gboolean           final)
{
  g_autoptr(HandoffSegment) segment = handoff_segment_new (identity, "TR_x", id, text, start_ms,
                                                           start_ms + 900, final);
  handoff_transcript_add_segment (transcript, segment);
}

/* stt's HandoffTranscript, read live and through both of its exports. */
static void
test_transcript_model (void)
{
  g_autoptr(HandoffTranscript) transcript = handoff_transcript_new ();
  g_autoptr(GPtrArray) live = NULL;
  g_autoptr(GPtrArray) from_text = NULL;
  g_autoptr(GPtrArray) from_json = NULL;
  g_autoptr(HandoffSummary) summary = NULL;
  g_autofree char *text = NULL;
  g_autofree char *json = NULL;
  g_autoptr(GError) error = NULL;

  add_segment (transcript, "agent:dana", "a1", "Thanks for calling, how can I help?", 1000, TRUE);
  add_segment (transcript, "caller-7", "c1", "I was charged", 3000, FALSE);
  add_segment (transcript, "caller-7", "c1", "I was charged twice for order ORD-48213.", 3000, TRUE);
  add_segment (transcript, "agent:dana", "a2", "I'll submit a refund request right now.", 6000,
               TRUE);
  add_segment (transcript, "caller-7", "c2", "Will it", 9000, FALSE);
  handoff_transcript_set_speaker_name (transcript, "caller-7", "Maria Lopez");

  live = handoff_utterances_from_list_model (G_LIST_MODEL (transcript));
  g_assert_cmpuint (live->len, ==, 4);
  g_assert_cmpstr (((HandoffUtterance *) live->pdata[0])->speaker, ==, "agent:dana");
  g_assert_cmpstr (((HandoffUtterance *) live->pdata[1])->speaker, ==, "Maria Lopez");
  g_assert_cmpstr (((HandoffUtterance *) live->pdata[1])->text, ==,
                   "I was charged twice for order ORD-48213.");
  g_assert_cmpstr (((HandoffUtterance *) live->pdata[3])->text, ==, "Will it");

  text = handoff_transcript_to_text (transcript, FALSE);
  from_text = handoff_utterances_parse (text, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (from_text->len, ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      g_assert_cmpstr (((HandoffUtterance *) from_text->pdata[i])->speaker, ==,
                       ((HandoffUtterance *) live->pdata[i])->speaker);
      g_assert_cmpstr (((HandoffUtterance *) from_text->pdata[i])->text, ==,
                       ((HandoffUtterance *) live->pdata[i])->text);
    }

  json = handoff_transcript_to_json_string (transcript);
  from_json = handoff_utterances_parse (json, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (from_json->len, ==, live->len);
  g_assert_cmpstr (((HandoffUtterance *) from_json->pdata[1])->speaker, ==, "Maria Lopez");

  summary = handoff_offline_summarize (live, NULL, NULL);
  g_assert_nonnull (strstr (handoff_summary_get_reason (summary), "charged twice"));
  g_assert_true (list_contains (handoff_summary_get_list (summary, HANDOFF_SUMMARY_PROMISED),
                                "refund request"));
  g_assert_cmpstr (handoff_summary_get_customer (summary), ==, "Maria Lopez");
}

static void
test_transcript_errors (void)
{
  static const char * const bad[] = {
    "[{\"speaker\": \"a\", \"text\": \"x\"}, 3]",
    "[{\"speaker\": \"a\"}]",
    "{\"segments\": 5}",
    "[{\"speaker\": \"a\", \"text\": \"x\"",
    "caf\xC3\x28 invalid utf-8",
  };
  g_autofree char *huge = g_malloc (HANDOFF_UTTERANCES_MAX_INPUT + 2);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) u = handoff_utterances_parse (bad[i], -1, &error);

      g_assert_null (u);
      g_assert_error (error, HANDOFF_AI_ERROR, HANDOFF_AI_ERROR_INVALID_INPUT);
      {
        /* Some inputs are invalid UTF-8 on purpose; keep the TAP log readable. */
        g_autofree char *shown = g_utf8_make_valid (bad[i], -1);
        g_test_message ("%s → %s", shown, error->message);
      }
    }
  memset (huge, 'a', HANDOFF_UTTERANCES_MAX_INPUT + 1);
  huge[HANDOFF_UTTERANCES_MAX_INPUT + 1] = '\0';
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) u = handoff_utterances_parse (huge, -1, &error);
    g_assert_error (error, HANDOFF_AI_ERROR, HANDOFF_AI_ERROR_INVALID_INPUT);
    g_assert_null (u);
  }
}

static gboolean
entity_found (GPtrArray        *entities,
              HandoffEntityKind kind,
              const char       *value)
{
  for (guint i = 0; i < entities->len; i++)
    {
      HandoffEntity *e = g_ptr_array_index (entities, i);
      if (e->kind == kind && strcmp (e->value, value) == 0)
        return TRUE;
    }
  return FALSE;
}

static void
test_entities (void)
{
  g_autoptr(GPtrArray) e = handoff_entities_extract (
    "My account number is AB-77120 and the order was #55012. Ticket INC-4410 is open; "
    "reach me at John.Doe@Example.org or +44 20 7946 0958, or (555) 867-5309. It cost $1,249.50 "
    "on March 3rd, 2025 and again 12/01/2024 and last Tuesday. My case is nothing. "
    "The order number is four four one two nine.");
  g_autoptr(GPtrArray) none =
    handoff_entities_extract ("Hello, my order is late and my account was hacked.");

  g_assert_true (entity_found (e, HANDOFF_ENTITY_ACCOUNT, "AB-77120"));
  g_assert_true (entity_found (e, HANDOFF_ENTITY_ORDER, "55012"));
  g_assert_true (entity_found (e, HANDOFF_ENTITY_TICKET, "INC-4410"));
  g_assert_true (entity_found (e, HANDOFF_ENTITY_EMAIL, "john.doe@example.org"));
  g_assert_true (entity_found (e, HANDOFF_ENTITY_PHONE, "+44 20 7946 0958"));
  g_assert_true (entity_found (e, HANDOFF_ENTITY_PHONE, "(555) 867-5309"));
  g_assert_true (entity_found (e, HANDOFF_ENTITY_AMOUNT, "$1,249.50"));
  g_assert_true (entity_found (e, HANDOFF_ENTITY_DATE, "March 3rd, 2025"));
  g_assert_true (entity_found (e, HANDOFF_ENTITY_DATE, "12/01/2024"));
  g_assert_true (entity_found (e, HANDOFF_ENTITY_DATE, "last Tuesday"));
  g_assert_true (entity_found (e, HANDOFF_ENTITY_ORDER, "44129"));
  g_assert_cmpuint (none->len, ==, 0);
  {
    g_autofree char *spoken = handoff_text_spoken_digits ("Oh, one two three four; "
                                                          "nine oh oh one, someone two");
    g_assert_cmpstr (spoken, ==, "Oh, 1234; 9001, someone two");
  }
}

static void
on_changed (HandoffSummary *summary,
            guint          *count)
{
  (*count)++;
}

static void
test_summary_json_and_edit (void)
{
  g_autoptr(GPtrArray) utterances = load_fixture ("billing-double-charge.txt");
  g_autoptr(HandoffSummary) summary = handoff_offline_summarize (utterances, NULL, NULL);
  g_autoptr(HandoffSummary) back = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  g_autofree char *json2 = NULL;
  g_autofree char *text = NULL;
  const char *steps[] = { "Check expedited refund", "", "Check expedited refund", NULL };
  guint changes = 0;

  g_signal_connect (summary, "changed", G_CALLBACK (on_changed), &changes);
  handoff_summary_set_reason (summary, "  Double charge on ORD-48213  ");
  handoff_summary_set_list (summary, HANDOFF_SUMMARY_NEXT_STEPS, steps);
  handoff_summary_add_identifier (summary, HANDOFF_ENTITY_TICKET, "TKT-1");
  g_object_set (summary, "sentiment", "angry", NULL);
  g_assert_cmpuint (changes, ==, 4);
  g_assert_cmpstr (handoff_summary_get_reason (summary), ==, "Double charge on ORD-48213");
  /* Blank and repeated items dropped. */
  g_assert_cmpuint (g_strv_length ((GStrv) handoff_summary_get_list (summary,
                                                                     HANDOFF_SUMMARY_NEXT_STEPS)),
                    ==, 1);

  text = handoff_summary_render_text (summary);
  g_assert_nonnull (strstr (text, "Reason: Double charge on ORD-48213"));
  g_assert_nonnull (strstr (text, "- Check expedited refund"));
  g_assert_nonnull (strstr (text, "ticket TKT-1"));

  json = handoff_summary_to_json (summary, FALSE);
  back = handoff_summary_new_from_json (json, -1, &error);
  g_assert_no_error (error);
  json2 = handoff_summary_to_json (back, FALSE);
  g_assert_cmpstr (json, ==, json2);
  /* handoff-server's Summary requires "text". */
  g_assert_nonnull (strstr (json, "\"text\":\"Reason: Double charge"));
}

static void
test_edits_and_settings (void)
{
  g_autoptr(GPtrArray) utterances = load_fixture ("billing-double-charge.txt");
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(HandoffSummarizer) summarizer = handoff_summarizer_new (NULL);
  g_autoptr(HandoffSummary) summary = NULL;
  g_autoptr(HandoffSummary) plain = NULL;
  g_autofree char *json = NULL;
  g_autofree char *plain_json = NULL;

  handoff_summarizer_bind_settings (summarizer, settings);
  g_assert_cmpint (handoff_summarizer_get_redact (summarizer), ==, HANDOFF_REDACT_ALL);
  summary = handoff_summarizer_summarize_offline (summarizer, utterances, NULL);
  g_assert_false (handoff_summary_get_edited (summary));
  handoff_summary_append (summary, HANDOFF_SUMMARY_NEXT_STEPS, "Call back at 5pm");
  g_assert_true (handoff_summary_get_edited (summary));
  json = handoff_summary_to_json (summary, FALSE);
  g_assert_nonnull (strstr (json, "\"edited\":true"));
  g_assert_nonnull (strstr (json, "Call back at 5pm"));

  /* The agent turned redaction off in the preferences. */
  g_settings_set_boolean (settings, "redact", FALSE);
  g_assert_cmpint (handoff_summarizer_get_redact (summarizer), ==, HANDOFF_REDACT_NONE);
  plain = handoff_summarizer_summarize_offline (summarizer, utterances, NULL);
  plain_json = handoff_summary_to_json (plain, FALSE);
  g_assert_cmpuint (handoff_summary_get_redactions (plain), ==, 0);
  g_settings_reset (settings, "redact");
}

static void
test_summary_validation (void)
{
  static const char * const bad[] = {
    "[]",
    "{\"customer\": \"x\"}",
    "{\"reason\": \"   \"}",
    "{\"reason\": \"ok\", \"key_facts\": \"not a list\"}",
    "{\"reason\": \"ok\", \"tried\": [1, 2]}",
    "{\"reason\": \"ok\", \"identifiers\": [{\"type\": \"order\"}]}",
    "{\"reason\": \"ok\", \"sentiment\": 5}",
    "{\"reason\": 42}",
    "not json",
  };
  g_autoptr(GString) many =
    g_string_new ("{\"reason\": \"r\", \"sentiment\": {\"label\": \"calm\"}, \"key_facts\": [");
  g_autofree char *long_fact = g_strnfill (2 * HANDOFF_SUMMARY_MAX_CHARS, 'x');
  g_autoptr(HandoffSummary) bounded = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) e = NULL;
      g_autoptr(HandoffSummary) s = handoff_summary_new_from_json (bad[i], -1, &e);

      g_assert_null (s);
      g_assert_error (e, HANDOFF_AI_ERROR, HANDOFF_AI_ERROR_INVALID_RESPONSE);
    }
  for (guint i = 0; i < 50; i++)
    g_string_append_printf (many, "%s\"fact %u %s\"", i ? "," : "", i, i == 0 ? long_fact : "");
  g_string_append (many, "]}");
  bounded = handoff_summary_new_from_json (many->str, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (handoff_summary_get_sentiment (bounded), ==, "calm");
  g_assert_cmpuint (g_strv_length ((GStrv) handoff_summary_get_list (bounded,
                                                                     HANDOFF_SUMMARY_KEY_FACTS)),
                    ==, HANDOFF_SUMMARY_MAX_ITEMS);
  g_assert_cmpint (g_utf8_strlen (handoff_summary_get_list (bounded, HANDOFF_SUMMARY_KEY_FACTS)[0],
                                  -1), <=, HANDOFF_SUMMARY_MAX_CHARS);
}

/* Mutated fixtures and summaries: every call either works or says why;
 * nothing crashes, warns or leaks (this also runs under ASan). */
static void
test_garbage_in (void)
{
  static const char * const names[] = { "billing-double-charge.txt", "internet-outage.json",
                                        "account-locked.txt", "damaged-delivery.txt",
                                        "recognizer-output.txt" };
  g_autoptr(GRand) rand = g_rand_new_with_seed (4);
  g_autoptr(GPtrArray) seeds = g_ptr_array_new_with_free_func (g_free);
  guint parsed = 0, refused = 0;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_test_build_filename (G_TEST_DIST, "ai", "fixtures", names[i], NULL);
      char *data = NULL;

      g_assert_true (g_file_get_contents (path, &data, NULL, NULL));
      g_ptr_array_add (seeds, data);
    }
  {
    g_autoptr(GPtrArray) u = load_fixture (names[0]);
    g_autoptr(HandoffSummary) s = handoff_offline_summarize (u, NULL, NULL);
    g_ptr_array_add (seeds, handoff_summary_to_json (s, FALSE));
  }

  for (guint iter = 0; iter < 600; iter++)
    {
      const char *seed = g_ptr_array_index (seeds, iter % seeds->len);
      g_autoptr(GString) s = g_string_new (seed);
      guint edits = g_rand_int_range (rand, 1, 8);
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) u = NULL;
      g_autoptr(HandoffSummary) summary = NULL;
      g_autofree char *redacted = NULL;
      g_autoptr(GPtrArray) entities = NULL;

      for (guint e = 0; e < edits && s->len > 0; e++)
        {
          gsize at = g_rand_int_range (rand, 0, s->len);

          switch (g_rand_int_range (rand, 0, 4))
            {
            case 0:
              s->str[at] = (char) g_rand_int_range (rand, 1, 256);
              break;
            case 1:
              g_string_truncate (s, at);
              break;
            case 2:
              g_string_insert (s, at, (const char *[]) { "{", "]", "\"", ":", "\n", "\\u0000",
                                                         "4539 1488 0343 6467", "null",
                                                         "[00:0" }[g_rand_int_range (rand, 0, 9)]);
              break;
            default:
              {
                gsize n = g_rand_int_range (rand, 1, 40);
                g_string_erase (s, at, MIN (s->len - at, n));
              }
              break;
            }
        }

      u = handoff_utterances_parse (s->str, s->len, &error);
      if (u == NULL)
        {
          g_assert_error (error, HANDOFF_AI_ERROR, HANDOFF_AI_ERROR_INVALID_INPUT);
          refused++;
        }
      else
        {
          g_autoptr(HandoffSummary) offline = handoff_offline_summarize (u, s->str, NULL);
          g_autofree char *json = handoff_summary_to_json (offline, FALSE);

          g_assert_true (g_utf8_validate (json, -1, NULL));
          parsed++;
        }
      g_clear_error (&error);
      summary = handoff_summary_new_from_json (s->str, s->len, &error);
      g_assert_true ((summary == NULL) == (error != NULL));
      redacted = handoff_redact_text (s->str, HANDOFF_REDACT_ALL, NULL);
      g_assert_true (g_utf8_validate (redacted, -1, NULL));
      entities = handoff_entities_extract (s->str);
    }
  g_test_message ("mutated inputs: %u parsed, %u refused with an error", parsed, refused);
  g_assert_cmpuint (parsed, >, 0);
  g_assert_cmpuint (refused, >, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/ai/summary/offline-fixtures", test_offline_fixtures);
  g_test_add_func ("/ai/summary/offline-deterministic", test_offline_deterministic_and_notes);
  g_test_add_func ("/ai/summary/redaction", test_redaction);
  g_test_add_func ("/ai/summary/redaction-in-summary", test_redaction_in_summary);
  g_test_add_func ("/ai/summary/transcript-text", test_transcript_text);
  g_test_add_func ("/ai/summary/transcript-json", test_transcript_json);
  g_test_add_func ("/ai/summary/transcript-from-segments", test_transcript_from_segments);
  g_test_add_func ("/ai/summary/transcript-model", test_transcript_model);
  g_test_add_func ("/ai/summary/transcript-errors", test_transcript_errors);
  g_test_add_func ("/ai/summary/entities", test_entities);
  g_test_add_func ("/ai/summary/json-and-edit", test_summary_json_and_edit);
  g_test_add_func ("/ai/summary/validation", test_summary_validation);
  g_test_add_func ("/ai/summary/edits-and-settings", test_edits_and_settings);
  g_test_add_func ("/ai/summary/garbage-in", test_garbage_in);
  return g_test_run ();
}
