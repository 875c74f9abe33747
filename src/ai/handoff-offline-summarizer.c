/* handoff-offline-summarizer.c: a deterministic extractive transfer summary
 *
 * Works sentence by sentence. Who is the caller comes from the speaker labels
 * ("Caller", "Customer"...), or else from who greets like an agent ("thank
 * you for calling", "how can I help"). The reason is the caller's first
 * sentence that states a problem; identifiers come from the entity patterns;
 * what was tried, promised and asked comes from cue phrases. Nothing here
 * invents text: every item is a sentence somebody said.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "handoff-ai"

#include <string.h>

#include "handoff-ai-private.h"
#include "handoff-entities.h"
#include "handoff-offline-summarizer.h"
#include "handoff-utterance.h"

#define MAX_FACTS     6
#define MAX_TRIED     5
#define MAX_PROMISED  6
#define MAX_NEXT      5
#define MAX_QUESTIONS 5

static const char *caller_label_re = "\\b(caller|customer|client|guest|member|patient|user)\\b";
static const char *agent_label_re = "\\b(agent|rep|representative|support|advisor|adviser|operator"
                                    "|staff|csr|helpdesk)\\b";
static const char *agent_phrase_re =
  "thank(s| you) for calling|how (can|may) i help|what can i do for you|you'?re through to"
  "|speaking,? how|this is \\w+( speaking)?\\b.*\\bhelp";
static const char *greeting_re =
  "^(hi|hello|hey|yes|yeah|yep|no|ok|okay|sure|right|thanks|thank you|good (morning|afternoon|"
  "evening)|um+|uh+|so|well)\\b[\\s,.!]*(\\w+[.!]?)?$";
static const char *problem_re =
  "calling (about|because|to|regarding)|\\bi'?m calling|problem|issue|trouble|\\bcan'?t\\b"
  "|cannot|couldn'?t|won'?t|doesn'?t|didn'?t|isn'?t|not working|broken|\\bdown\\b|locked"
  "|cracked|damaged|charged|twice|wrong|missing|never (arrived|came)|haven'?t (received|got)"
  "|\\bi need\\b|\\bi want\\b|i'?d like|stopped|error|failed|late|lost";
static const char *tried_re =
  "\\b(i|we)( have|'ve| already| had|'d)? *(already )?(tried|restarted|rebooted|reset|"
  "reinstalled|cleared|checked|called|contacted|emailed|took|followed|did|unplugged|updated|"
  "changed|spoke)\\b|\\balready\\b|several times|factory reset|last time";
static const char *promise_re =
  "\\b(i'?ll|i will|we'?ll|we will|you'?ll (receive|get|see)|you will (receive|get|see)"
  "|will (call|email|send|ship|credit|refund|arrive|show)|call you back|follow up|within \\d+)";
static const char *not_promise_re = "help you with that|\\bi'?ll (just|need|have to|take a look)"
                                    "|\\bcan i\\b";
static const char *next_re =
  "transfer|escalat|specialist|supervisor|manager|department|\\bteam (will|can|to|should)\\b";
static const char *ask_re = "\\b(i'?d like|i want|i need|can you|could you|please)\\b";
static const char *unsure_re = "not sure|don'?t know|can'?t see|will check|find out|let me check"
                               "|no idea|unable to";
static const char *fact_re = "\\b(since|for (\\w+ )?(days|weeks|months|hours)|yesterday|today"
                             "|delivered|placed|ordered|paid|charged|blinking|attempts?)\\b";

/* label → cue words, strongest label first for ties. */
static const struct {
  const char *label;
  const char *cues;
} moods[] = {
  { "angry", "ridiculous|unacceptable|outrageous|furious|angry|sick of|fed up|disgusting"
             "|terrible|worst|joke" },
  { "frustrated", "frustrat\\w*|annoy\\w*|third time|second time|nobody called"
                  "|no one called|keeps happening|waste|still (not|no|waiting)|disappoint\\w*"
                  "|(happened|happening|calling|called|broken|down) again" },
  { "anxious", "worried|anxious|scared|afraid|concerned|nervous|panic\\w*|is my money safe"
               "|lose my job|urgent" },
  { "confused", "confus\\w*|don'?t understand|not sure what|unclear|makes no sense" },
  { "satisfied", "thank you|thanks|great|perfect|appreciate|helpful|wonderful|awesome" },
};

typedef struct {
  char    *text;
  gboolean caller;
  guint    utterance;
} Sentence;

static void
sentence_free (gpointer data)
{
  Sentence *s = data;

  g_free (s->text);
  g_free (s);
}

static gboolean
is_abbreviation (const char *start,
                 const char *dot)
{
  static const char * const abbrev[] = { "Mr", "Mrs", "Ms", "Dr", "St", "No", "Jr", "Sr", "vs",
                                         "e.g", "i.e", "etc" };
  const char *w = dot;

  while (w > start && g_ascii_isalpha (w[-1]))
    w--;
  for (guint i = 0; i < G_N_ELEMENTS (abbrev); i++)
    if ((gsize) (dot - w) == strlen (abbrev[i]) && strncmp (w, abbrev[i], dot - w) == 0)
      return TRUE;
  return FALSE;
}

static void
split_sentences (GPtrArray  *out,
                 const char *text,
                 gboolean    caller,
                 guint       utterance)
{
  const char *start = text;

  for (const char *p = text; ; p++)
    {
      gboolean end = *p == '\0';

      if (!end && (*p == '.' || *p == '!' || *p == '?')
          && (p[1] == ' ' || p[1] == '\0' || p[1] == '"')
          && !(*p == '.' && is_abbreviation (start, p)))
        {
          p++;
          if (*p == '"')
            p++;
          end = TRUE;
        }
      if (end)
        {
          g_autofree char *s = g_strstrip (g_strndup (start, p - start));

          if (*s != '\0')
            {
              Sentence *sentence = g_new0 (Sentence, 1);

              sentence->text = g_steal_pointer (&s);
              sentence->caller = caller;
              sentence->utterance = utterance;
              g_ptr_array_add (out, sentence);
            }
          if (*p == '\0')
            break;
          start = p;
        }
    }
}

static guint
word_count (const char *text)
{
  g_auto(GStrv) words = g_regex_split_simple ("\\s+", text, 0, 0);
  guint n = 0;

  for (guint i = 0; words[i] != NULL; i++)
    n += *words[i] != '\0';
  return n;
}

GHashTable *
handoff_offline_find_callers (GPtrArray  *utterances,
                              const char *caller)
{
  GHashTable *callers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) agents = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) order = g_ptr_array_new ();

  g_return_val_if_fail (utterances != NULL, NULL);

  if (caller != NULL && *caller != '\0')
    {
      g_hash_table_add (callers, g_strdup (caller));
      return callers;
    }
  for (guint i = 0; i < utterances->len; i++)
    {
      HandoffUtterance *u = g_ptr_array_index (utterances, i);

      if (!g_ptr_array_find_with_equal_func (order, u->speaker, g_str_equal, NULL))
        g_ptr_array_add (order, u->speaker);
      if (handoff_ai_matches (agent_label_re, u->speaker)
          || handoff_ai_matches (agent_phrase_re, u->text))
        g_hash_table_add (agents, u->speaker);
    }
  for (guint i = 0; i < order->len; i++)
    {
      const char *speaker = g_ptr_array_index (order, i);

      if (handoff_ai_matches (caller_label_re, speaker) && !g_hash_table_contains (agents, speaker))
        g_hash_table_add (callers, g_strdup (speaker));
    }
  if (g_hash_table_size (callers) == 0)
    for (guint i = 0; i < order->len; i++)
      if (!g_hash_table_contains (agents, g_ptr_array_index (order, i)))
        g_hash_table_add (callers, g_strdup (g_ptr_array_index (order, i)));
  /* Nobody looks like an agent, or everybody does: the second voice is
   * usually the caller (the agent answers the line). */
  if (g_hash_table_size (callers) == 0 || g_hash_table_size (callers) == order->len)
    {
      g_hash_table_remove_all (callers);
      g_hash_table_add (callers, g_strdup (g_ptr_array_index (order, MIN (1u, order->len - 1))));
    }
  return callers;
}

static char *
strip_opening (const char *sentence)
{
  static const char *opening = "^((um+|uh+|so|well|yeah|hi|hello|yes),?\\s+)+";
  g_autoptr(GRegex) regex = handoff_ai_regex (opening, TRUE);
  g_autofree char *text = g_regex_replace_literal (regex, sentence, -1, 0, "", 0, NULL);

  if (text == NULL || *text == '\0')
    return g_strdup (sentence);
  /* Restore the capital the filler took away. */
  if (g_ascii_islower (text[0]) && text[0] != 'i')
    text[0] = g_ascii_toupper (text[0]);
  else if (text[0] == 'i' && (text[1] == ' ' || text[1] == '\''))
    text[0] = 'I';
  return g_steal_pointer (&text);
}

static char *first_note (const char *notes);

static void
find_reason (HandoffSummary *summary,
             GPtrArray      *sentences,
             const char     *notes,
             GHashTable     *used)
{
  Sentence *first_substantive = NULL;
  guint caller_seen = 0;

  for (guint i = 0; i < sentences->len && caller_seen < 8; i++)
    {
      Sentence *s = g_ptr_array_index (sentences, i);

      if (!s->caller || word_count (s->text) < 4 || handoff_ai_matches (greeting_re, s->text))
        continue;
      caller_seen++;
      if (first_substantive == NULL)
        first_substantive = s;
      if (handoff_ai_matches (problem_re, s->text))
        {
          g_autoptr(GString) reason = g_string_new (NULL);
          g_autofree char *head = strip_opening (s->text);
          Sentence *next = i + 1 < sentences->len ? g_ptr_array_index (sentences, i + 1) : NULL;

          g_string_append (reason, head);
          g_hash_table_add (used, s);
          /* A second sentence of the same breath often completes it. */
          if (next != NULL && next->caller && next->utterance == s->utterance
              && word_count (next->text) >= 4 && handoff_ai_matches (problem_re, next->text))
            {
              g_string_append_printf (reason, " %s", next->text);
              g_hash_table_add (used, next);
            }
          handoff_summary_set_reason (summary, reason->str);
          return;
        }
    }
  if (first_substantive != NULL)
    {
      g_autofree char *head = strip_opening (first_substantive->text);

      g_hash_table_add (used, first_substantive);
      handoff_summary_set_reason (summary, head);
    }
  else
    {
      /* Only the agent has spoken: the reason the caller gave when calling
       * (the app's notes) is better than none. */
      g_autofree char *noted = first_note (notes);

      handoff_summary_set_reason (summary, noted != NULL ? noted : "The caller has not stated a reason yet.");
    }
}

static void
find_sentiment (HandoffSummary *summary,
                GPtrArray      *sentences)
{
  g_autoptr(GString) caller_text = g_string_new (NULL);
  guint best = G_N_ELEMENTS (moods);
  guint best_count = 0;
  g_autoptr(GPtrArray) cues = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < sentences->len; i++)
    {
      Sentence *s = g_ptr_array_index (sentences, i);
      if (s->caller)
        g_string_append_printf (caller_text, "%s\n", s->text);
    }
  for (guint m = 0; m < G_N_ELEMENTS (moods); m++)
    {
      g_autofree char *pattern = g_strdup_printf ("\\b(%s)\\b", moods[m].cues);
      g_autoptr(GRegex) regex = g_regex_new (pattern, G_REGEX_CASELESS, 0, NULL);
      g_autoptr(GMatchInfo) info = NULL;
      g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func (g_free);
      guint count;

      g_regex_match (regex, caller_text->str, 0, &info);
      while (g_match_info_matches (info))
        {
          g_autofree char *word = g_match_info_fetch (info, 0);

          g_ptr_array_add (found, g_ascii_strdown (word, -1));
          g_match_info_next (info, NULL);
        }
      count = found->len;
      /* Gratitude needs more than one polite "thanks" to count. */
      if (g_str_equal (moods[m].label, "satisfied") && (count < 2 || best_count > 0))
        continue;
      if (count > best_count)
        {
          best = m;
          best_count = count;
          g_ptr_array_set_size (cues, 0);
          for (guint k = 0; k < found->len && k < 3; k++)
            g_ptr_array_add (cues, g_strdup_printf ("“%s”", (char *) g_ptr_array_index (found,
                                                                                         k)));
        }
    }
  /* A caller who has not spoken yet has no mood to report. */
  if (caller_text->len == 0)
    return;
  if (best == G_N_ELEMENTS (moods))
    handoff_summary_set_sentiment (summary, "calm");
  else
    {
      g_autofree char *list = NULL;
      g_autofree char *text = NULL;

      g_ptr_array_add (cues, NULL);
      list = g_strjoinv (", ", (char **) cues->pdata);
      text = g_strdup_printf ("%s (%s)", moods[best].label, list);
      handoff_summary_set_sentiment (summary, text);
    }
}

/* The first match of @pattern (group 1) in the caller's (or the agent's) words. */
static gboolean
find_name (HandoffSummary *summary,
           GPtrArray      *utterances,
           GHashTable     *callers,
           const char     *pattern,
           gboolean        from_caller)
{
  g_autoptr(GRegex) regex = handoff_ai_regex (pattern, FALSE);

  for (guint i = 0; i < utterances->len; i++)
    {
      HandoffUtterance *u = g_ptr_array_index (utterances, i);
      g_autoptr(GMatchInfo) info = NULL;

      if (g_hash_table_contains (callers, u->speaker) != from_caller)
        continue;
      if (g_regex_match (regex, u->text, 0, &info))
        {
          g_autofree char *name = g_match_info_fetch (info, 1);

          handoff_summary_set_customer (summary, name);
          return TRUE;
        }
    }
  return FALSE;
}

static void
find_customer (HandoffSummary *summary,
               GPtrArray      *utterances,
               GHashTable     *callers)
{
  static const char *name_re = "\\b[Mm]y name is ([A-Z][a-z]+(?: [A-Z][a-z]+)?)";
  static const char *title_re = "\\b((?:Mr|Mrs|Ms|Miss|Dr)\\.? [A-Z][a-z]+)";
  static const char *label_name_re = "^[A-Z][a-z]+(?: [A-Z][a-z'-]+)+$";
  GHashTableIter iter;
  gpointer key;

  if (find_name (summary, utterances, callers, name_re, TRUE))
    return;
  g_hash_table_iter_init (&iter, callers);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      g_autoptr(GRegex) regex = handoff_ai_regex (label_name_re, FALSE);

      if (g_regex_match (regex, key, 0, NULL) && !handoff_ai_matches (caller_label_re, key))
        {
          handoff_summary_set_customer (summary, key);
          return;
        }
    }
  find_name (summary, utterances, callers, title_re, FALSE);
}

static char *
attributed (Sentence *s)
{
  return g_strdup_printf ("%s: %s", s->caller ? "Caller" : "Agent", s->text);
}

static gboolean
mentions_entity (const char *text)
{
  g_autoptr(GPtrArray) entities = handoff_entities_extract (text);

  return entities->len > 0;
}

/* The agent's answer right after caller sentence @index, if any. */
static const char *
next_agent_text (GPtrArray *sentences,
                 guint      index)
{
  for (guint j = index + 1; j < sentences->len; j++)
    {
      Sentence *o = g_ptr_array_index (sentences, j);
      if (!o->caller)
        return o->text;
    }
  return NULL;
}

/* The first non-empty line of @notes, trimmed, or NULL. */
static char *
first_note (const char *notes)
{
  g_auto(GStrv) lines = notes != NULL ? g_strsplit (notes, "\n", -1) : NULL;

  for (guint i = 0; lines != NULL && lines[i] != NULL; i++)
    {
      g_strstrip (lines[i]);
      if (lines[i][0] != '\0')
        return g_strdup (lines[i]);
    }
  return NULL;
}

HandoffSummary *
handoff_offline_summarize (GPtrArray  *utterances,
                           const char *notes,
                           const char *caller)
{
  g_autoptr(HandoffSummary) summary = handoff_summary_new ();
  g_autoptr(GHashTable) callers = NULL;
  g_autoptr(GPtrArray) sentences = g_ptr_array_new_with_free_func (sentence_free);
  g_autoptr(GHashTable) used = g_hash_table_new (NULL, NULL);
  g_autoptr(GPtrArray) entities = NULL;
  guint n[HANDOFF_SUMMARY_N_LISTS] = { 0 };

  g_return_val_if_fail (utterances != NULL, NULL);

  handoff_summary_set_source (summary, HANDOFF_SUMMARY_SOURCE_OFFLINE);
  if (utterances->len == 0)
    {
      /* Nothing said yet: the agent's notes (the app passes the reason the
       * caller gave when calling) are all there is to go on. No sentiment:
       * "seems unknown" tells B nothing. */
      g_autofree char *noted = first_note (notes);

      handoff_summary_set_reason (summary, noted != NULL ? noted : "No transcript yet.");
    }
  else
    {
      callers = handoff_offline_find_callers (utterances, caller);
      for (guint i = 0; i < utterances->len; i++)
        {
          HandoffUtterance *u = g_ptr_array_index (utterances, i);
          split_sentences (sentences, u->text, g_hash_table_contains (callers, u->speaker), i);
        }
      find_reason (summary, sentences, notes, used);
      find_sentiment (summary, sentences);
      find_customer (summary, utterances, callers);
    }

  entities = handoff_entities_extract_utterances (utterances);
  for (guint i = 0; i < entities->len; i++)
    {
      HandoffEntity *e = g_ptr_array_index (entities, i);

      if (e->kind != HANDOFF_ENTITY_AMOUNT && e->kind != HANDOFF_ENTITY_DATE)
        handoff_summary_add_identifier (summary, e->kind, e->value);
    }

  for (guint i = 0; i < sentences->len; i++)
    {
      Sentence *s = g_ptr_array_index (sentences, i);
      g_autofree char *line = NULL;
      gboolean question = g_str_has_suffix (s->text, "?");

      /* "Thank you for calling ..., how can I help you today?" says nothing about the call. */
      if (g_hash_table_contains (used, s)
          || (!s->caller && handoff_ai_matches (agent_phrase_re, s->text)))
        continue;
      if (s->caller && question)
        {
          const char *answer = next_agent_text (sentences, i);

          if ((answer == NULL || handoff_ai_matches (unsure_re, answer))
              && n[HANDOFF_SUMMARY_OPEN_QUESTIONS]++ < MAX_QUESTIONS)
            handoff_summary_append (summary, HANDOFF_SUMMARY_OPEN_QUESTIONS, s->text);
          continue;
        }
      if (s->caller && handoff_ai_matches (tried_re, s->text))
        {
          if (n[HANDOFF_SUMMARY_TRIED]++ < MAX_TRIED)
            handoff_summary_append (summary, HANDOFF_SUMMARY_TRIED, s->text);
          continue;
        }
      if (!s->caller && !question && !handoff_ai_matches (not_promise_re, s->text))
        {
          /* "I'll escalate, they will call you back within 24 hours" is both. */
          gboolean promise = handoff_ai_matches (promise_re, s->text);
          gboolean next = handoff_ai_matches (next_re, s->text);

          if (promise && n[HANDOFF_SUMMARY_PROMISED]++ < MAX_PROMISED)
            handoff_summary_append (summary, HANDOFF_SUMMARY_PROMISED, s->text);
          if (next && n[HANDOFF_SUMMARY_NEXT_STEPS]++ < MAX_NEXT)
            handoff_summary_append (summary, HANDOFF_SUMMARY_NEXT_STEPS, s->text);
          if (promise || next)
            continue;
        }
      if (s->caller && !question && handoff_ai_matches (ask_re, s->text))
        {
          line = g_strdup_printf ("Caller asks: %s", s->text);
          if (n[HANDOFF_SUMMARY_NEXT_STEPS]++ < MAX_NEXT)
            handoff_summary_append (summary, HANDOFF_SUMMARY_NEXT_STEPS, line);
          continue;
        }
      if (!question && (mentions_entity (s->text) || handoff_ai_matches (fact_re, s->text)))
        {
          line = attributed (s);
          if (n[HANDOFF_SUMMARY_KEY_FACTS]++ < MAX_FACTS)
            handoff_summary_append (summary, HANDOFF_SUMMARY_KEY_FACTS, line);
        }
    }

  if (notes != NULL)
    {
      g_auto(GStrv) lines = g_strsplit (notes, "\n", -1);

      for (guint i = 0; lines[i] != NULL; i++)
        {
          g_autofree char *note = g_strstrip (g_strdup (lines[i]));
          g_autofree char *line = NULL;

          if (*note == '\0')
            continue;
          line = g_strdup_printf ("Agent note: %s", note);
          handoff_summary_append (summary, HANDOFF_SUMMARY_KEY_FACTS, line);
        }
    }
  return g_steal_pointer (&summary);
}
