/* handoff-entities.c: identifiers, contacts, amounts and dates found in a transcript
 *
 * Patterns run in priority order and a later one never claims text an earlier
 * one took, so "order 5551234567" is an order number, not a phone number.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "handoff-ai"

#include <string.h>

#include "handoff-ai-private.h"
#include "handoff-entities.h"
#include "handoff-utterance.h"

G_DEFINE_BOXED_TYPE (HandoffEntity, handoff_entity, handoff_entity_copy, handoff_entity_free)

static const char * const kind_names[] = {
  [HANDOFF_ENTITY_ACCOUNT] = "account",
  [HANDOFF_ENTITY_ORDER] = "order",
  [HANDOFF_ENTITY_TICKET] = "ticket",
  [HANDOFF_ENTITY_REFERENCE] = "reference",
  [HANDOFF_ENTITY_EMAIL] = "email",
  [HANDOFF_ENTITY_PHONE] = "phone",
  [HANDOFF_ENTITY_AMOUNT] = "amount",
  [HANDOFF_ENTITY_DATE] = "date",
  [HANDOFF_ENTITY_OTHER] = "other",
};

/* Keyword before an identifier → its kind. */
static const struct {
  const char       *word;
  HandoffEntityKind kind;
} keywords[] = {
  { "account", HANDOFF_ENTITY_ACCOUNT },    { "acct", HANDOFF_ENTITY_ACCOUNT },
  { "customer", HANDOFF_ENTITY_ACCOUNT },   { "member", HANDOFF_ENTITY_ACCOUNT },
  { "membership", HANDOFF_ENTITY_ACCOUNT }, { "policy", HANDOFF_ENTITY_ACCOUNT },
  { "order", HANDOFF_ENTITY_ORDER },        { "ticket", HANDOFF_ENTITY_TICKET },
  { "case", HANDOFF_ENTITY_TICKET },        { "claim", HANDOFF_ENTITY_TICKET },
  { "incident", HANDOFF_ENTITY_TICKET },    { "reference", HANDOFF_ENTITY_REFERENCE },
  { "ref", HANDOFF_ENTITY_REFERENCE },      { "confirmation", HANDOFF_ENTITY_REFERENCE },
  { "booking", HANDOFF_ENTITY_REFERENCE },  { "tracking", HANDOFF_ENTITY_REFERENCE },
  { "invoice", HANDOFF_ENTITY_REFERENCE },  { "serial", HANDOFF_ENTITY_REFERENCE },
};

static const struct {
  const char       *prefix;
  HandoffEntityKind kind;
} prefixes[] = {
  { "ORD", HANDOFF_ENTITY_ORDER },   { "ACC", HANDOFF_ENTITY_ACCOUNT },
  { "ACCT", HANDOFF_ENTITY_ACCOUNT }, { "TKT", HANDOFF_ENTITY_TICKET },
  { "TCK", HANDOFF_ENTITY_TICKET },  { "INC", HANDOFF_ENTITY_TICKET },
  { "CASE", HANDOFF_ENTITY_TICKET }, { "CS", HANDOFF_ENTITY_TICKET },
  { "REF", HANDOFF_ENTITY_REFERENCE }, { "INV", HANDOFF_ENTITY_REFERENCE },
};

#define MONTHS "jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?" \
               "|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
#define DAYS   "monday|tuesday|wednesday|thursday|friday|saturday|sunday"

static const char *kw_pattern =
  "\\b(account|acct|customer|membership|member|policy|order|ticket|case|claim|incident|reference"
  "|ref|confirmation|booking|tracking|invoice|serial)"
  "(?:\\s+(?:number|no\\.?|num|id|code))?\\s*(?:#|:)?\\s*(?:(?:is|was|it's|its)\\s+)?"
  "(?:number\\s+)?(?:ending\\s+(?:in\\s+)?)?#?"
  "((?=[A-Za-z0-9-]*\\d)[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){3,})";
static const char *prefix_pattern =
  "\\b(ORD|ACCT|ACC|TKT|TCK|INC|CASE|CS|REF|INV)[-#]?\\d[A-Z0-9]{2,}\\b";
static const char *email_pattern =
  "\\b[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}\\b";
static const char *amount_pattern =
  "(?:[$€£]\\s?\\d{1,3}(?:,\\d{3})*(?:\\.\\d{1,2})?(?!\\d)"
  "|\\b\\d{1,3}(?:,\\d{3})*(?:\\.\\d{1,2})?\\s?(?:dollars|euros|pounds|usd|eur|gbp|bucks)\\b)";
static const char *date_pattern =
  "\\b(?:\\d{4}-\\d{2}-\\d{2}|\\d{1,2}/\\d{1,2}/\\d{2,4}"
  "|(?:" MONTHS ")\\.?\\s+\\d{1,2}(?:st|nd|rd|th)?(?:,?\\s+\\d{4})?"
  "|\\d{1,2}(?:st|nd|rd|th)?\\s+(?:of\\s+)?(?:" MONTHS ")(?:\\s+\\d{4})?"
  "|(?:last|next|this)\\s+(?:" DAYS "|week|month)"
  "|" DAYS "|yesterday|today|tomorrow)\\b";
static const char *phone_pattern =
  "(?<![\\w+])(?:\\+\\d{1,3}[\\s.-]?)?(?:\\(\\d{2,4}\\)\\s?|\\d{2,5}[\\s.-])"
  "\\d{3,4}[\\s.-]?\\d{3,4}"
  "(?![\\w])";

HandoffEntity *
handoff_entity_new (HandoffEntityKind kind,
                    const char       *value)
{
  HandoffEntity *entity = g_new0 (HandoffEntity, 1);

  entity->kind = kind;
  entity->value = g_strdup (value ? value : "");
  entity->utterance = -1;
  return entity;
}

HandoffEntity *
handoff_entity_copy (const HandoffEntity *entity)
{
  HandoffEntity *copy;

  g_return_val_if_fail (entity != NULL, NULL);
  copy = handoff_entity_new (entity->kind, entity->value);
  copy->utterance = entity->utterance;
  return copy;
}

void
handoff_entity_free (HandoffEntity *entity)
{
  if (entity == NULL)
    return;
  g_free (entity->value);
  g_free (entity);
}

const char *
handoff_entity_kind_to_string (HandoffEntityKind kind)
{
  if ((guint) kind < G_N_ELEMENTS (kind_names))
    return kind_names[kind];
  return "other";
}

HandoffEntityKind
handoff_entity_kind_from_string (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (kind_names); i++)
    if (g_ascii_strcasecmp (name ? name : "", kind_names[i]) == 0)
      return i;
  return HANDOFF_ENTITY_OTHER;
}

/* Identifiers in the narrow sense: what Agent B types into a back-office tool. */
gboolean
handoff_entity_kind_is_identifier (HandoffEntityKind kind)
{
  return kind == HANDOFF_ENTITY_ACCOUNT || kind == HANDOFF_ENTITY_ORDER
         || kind == HANDOFF_ENTITY_TICKET || kind == HANDOFF_ENTITY_REFERENCE;
}

typedef struct {
  GPtrArray *entities;
  GArray    *taken;   /* pairs of byte offsets */
  int        utterance;
} Found;

static gboolean
overlaps (Found *found,
          int    start,
          int    end)
{
  for (guint i = 0; i + 1 < found->taken->len; i += 2)
    if (start < g_array_index (found->taken, int, i + 1)
        && end > g_array_index (found->taken, int, i))
      return TRUE;
  return FALSE;
}

static void
add (Found            *found,
     HandoffEntityKind kind,
     const char       *value,
     int               start,
     int               end)
{
  g_autofree char *v = NULL;

  g_array_append_val (found->taken, start);
  g_array_append_val (found->taken, end);
  v = kind == HANDOFF_ENTITY_EMAIL ? g_ascii_strdown (value, -1) : g_strdup (value);
  for (guint i = 0; i < found->entities->len; i++)
    {
      HandoffEntity *e = g_ptr_array_index (found->entities, i);

      if (e->kind == kind && g_ascii_strcasecmp (e->value, v) == 0)
        return;
    }
  {
    HandoffEntity *e = handoff_entity_new (kind, v);

    e->utterance = found->utterance;
    g_ptr_array_add (found->entities, e);
  }
}

/* Patterns are static strings: compiled once, keyed by address, kept for the
 * life of the process. */
GRegex *
handoff_ai_regex (const char *pattern,
                  gboolean    caseless)
{
  static GHashTable *cache;
  static GMutex lock;
  g_autoptr(GError) error = NULL;
  GRegex *regex;

  g_mutex_lock (&lock);
  if (cache == NULL)
    cache = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL,
                                   (GDestroyNotify) g_regex_unref);
  regex = g_hash_table_lookup (cache, pattern);
  if (regex == NULL)
    {
      regex = g_regex_new (pattern, G_REGEX_OPTIMIZE | (caseless ? G_REGEX_CASELESS : 0), 0,
                           &error);
      g_assert_no_error (error);
      g_hash_table_insert (cache, (gpointer) pattern, regex);
    }
  g_regex_ref (regex);
  g_mutex_unlock (&lock);
  return regex;
}

gboolean
handoff_ai_matches (const char *pattern,
                    const char *text)
{
  g_autoptr(GRegex) regex = handoff_ai_regex (pattern, TRUE);

  return g_regex_match (regex, text, 0, NULL);
}

static void
scan (Found            *found,
      const char       *text,
      const char       *pattern,
      gboolean          caseless,
      HandoffEntityKind kind)
{
  g_autoptr(GMatchInfo) info = NULL;
  GRegex *regex = handoff_ai_regex (pattern, caseless);

  g_regex_match (regex, text, 0, &info);
  while (g_match_info_matches (info))
    {
      int start, end;
      int group = (pattern == kw_pattern) ? 2 : 0;
      g_autofree char *value = g_match_info_fetch (info, group);
      HandoffEntityKind k = kind;

      g_match_info_fetch_pos (info, group, &start, &end);
      if (pattern == kw_pattern)
        {
          g_autofree char *word = g_match_info_fetch (info, 1);

          for (guint i = 0; i < G_N_ELEMENTS (keywords); i++)
            if (g_ascii_strcasecmp (word, keywords[i].word) == 0)
              k = keywords[i].kind;
        }
      else if (pattern == prefix_pattern)
        {
          for (guint i = 0; i < G_N_ELEMENTS (prefixes); i++)
            if (g_str_has_prefix (value, prefixes[i].prefix))
              {
                k = prefixes[i].kind;
                break;
              }
        }
      else if (pattern == phone_pattern)
        {
          guint digits = 0;

          for (const char *p = value; *p; p++)
            digits += g_ascii_isdigit (*p) != 0;
          if (digits < 7 || digits > 15)
            k = HANDOFF_ENTITY_OTHER;
        }
      if (k != HANDOFF_ENTITY_OTHER && !overlaps (found, start, end))
        add (found, k, g_strstrip (value), start, end);
      g_match_info_next (info, NULL);
    }
  g_regex_unref (regex);
}

static void
extract_into (Found      *found,
              const char *raw)
{
  g_autofree char *valid = g_utf8_make_valid (raw, -1);
  g_autofree char *text = handoff_text_spoken_digits (valid);

  g_array_set_size (found->taken, 0);
  scan (found, text, email_pattern, FALSE, HANDOFF_ENTITY_EMAIL);
  scan (found, text, prefix_pattern, FALSE, HANDOFF_ENTITY_OTHER);
  scan (found, text, kw_pattern, TRUE, HANDOFF_ENTITY_OTHER);
  scan (found, text, amount_pattern, TRUE, HANDOFF_ENTITY_AMOUNT);
  scan (found, text, date_pattern, TRUE, HANDOFF_ENTITY_DATE);
  scan (found, text, phone_pattern, FALSE, HANDOFF_ENTITY_PHONE);
}

GPtrArray *
handoff_entities_extract (const char *text)
{
  Found found = { 0 };

  g_return_val_if_fail (text != NULL, NULL);

  found.entities = g_ptr_array_new_with_free_func ((GDestroyNotify) handoff_entity_free);
  found.taken = g_array_new (FALSE, FALSE, sizeof (int));
  found.utterance = -1;
  extract_into (&found, text);
  g_array_unref (found.taken);
  return found.entities;
}

GPtrArray *
handoff_entities_extract_utterances (GPtrArray *utterances)
{
  Found found = { 0 };

  g_return_val_if_fail (utterances != NULL, NULL);

  found.entities = g_ptr_array_new_with_free_func ((GDestroyNotify) handoff_entity_free);
  found.taken = g_array_new (FALSE, FALSE, sizeof (int));
  for (guint i = 0; i < utterances->len; i++)
    {
      HandoffUtterance *u = g_ptr_array_index (utterances, i);

      found.utterance = i;
      extract_into (&found, u->text);
    }
  g_array_unref (found.taken);
  return found.entities;
}

static int
digit_word (const char *word,
            gsize       len)
{
  static const char * const words[] = { "zero", "one", "two", "three", "four", "five", "six",
                                        "seven", "eight", "nine" };

  if (len == 2 && g_ascii_strncasecmp (word, "oh", 2) == 0)
    return 0;
  for (guint i = 0; i < G_N_ELEMENTS (words); i++)
    if (strlen (words[i]) == len && g_ascii_strncasecmp (word, words[i], len) == 0)
      return i;
  return -1;
}

char *
handoff_text_spoken_digits (const char *text)
{
  GString *out = g_string_new (NULL);
  const char *p = text;

  g_return_val_if_fail (text != NULL, NULL);

  while (*p != '\0')
    {
      const char *q = p;
      const char *run_end = p;
      GString *digits = g_string_new (NULL);

      /* Collect a run of digit words separated by spaces, commas or hyphens. */
      while (TRUE)
        {
          const char *w = q;
          int d;

          while (g_ascii_isalpha (*q))
            q++;
          if (q == w || (w > text && g_ascii_isalnum (w[-1]))
              || (d = digit_word (w, q - w)) < 0)
            break;
          /* "Oh, one two three four" starts with an exclamation, not a zero. */
          if (digits->len == 0 && q - w == 2 && g_ascii_tolower (*w) == 'o')
            break;
          g_string_append_c (digits, '0' + d);
          run_end = q;
          while (*q == ' ' || *q == ',' || *q == '-')
            q++;
        }
      if (digits->len >= 4)
        {
          g_string_append (out, digits->str);
          p = run_end;
        }
      else
        {
          /* Copy one word (or one non-letter) and go on. */
          const char *w = p;

          if (g_ascii_isalpha (*p))
            while (g_ascii_isalpha (*p))
              p++;
          else
            p = g_utf8_next_char (p);
          g_string_append_len (out, w, p - w);
        }
      g_string_free (digits, TRUE);
    }
  return g_string_free (out, FALSE);
}
