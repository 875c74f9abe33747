/* handoff-redact.c: remove payment card numbers and similar before text leaves the machine
 *
 * Card numbers are recognised by their checksum, not by length alone, so an
 * order or tracking number of the same length usually survives (a random
 * digit run passes Luhn one time in ten; requiring a card-like first digit
 * lowers that further). Spoken digits ("four one one one ...") are turned into
 * numbers first, since that is how speech recognisers write them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "handoff-ai"

#include <string.h>

#include "handoff-entities.h"
#include "handoff-redact.h"
#include "handoff-utterance.h"

static const char *card_pattern = "(?<![\\d-])\\d(?:[ -]?\\d){12,18}(?![\\d])";
static const char *cvv_pattern =
  "\\b(cvv2?|cvc2?|cid|csc|security\\s+code|card\\s+verification(?:\\s+(?:code|value))?)"
  "(\\W{1,5}(?:[A-Za-z']+\\W+){0,4}?)(\\d{3,4})\\b";
static const char *ssn_pattern = "\\b\\d{3}-\\d{2}-\\d{4}\\b";
static const char *ssn_spoken_pattern =
  "\\b(social\\s+security(?:\\s+number)?|ssn)(\\W{1,5}(?:[A-Za-z']+\\W+){0,4}?)"
  "(\\d{3}[ -]?\\d{2}[ -]?\\d{4})\\b";

gboolean
handoff_luhn_valid (const char *digits)
{
  gsize len;
  guint sum = 0;

  g_return_val_if_fail (digits != NULL, FALSE);

  len = strlen (digits);
  if (len == 0)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    {
      int d = digits[len - 1 - i] - '0';

      if (d < 0 || d > 9)
        return FALSE;
      if (i % 2 == 1)
        {
          d *= 2;
          if (d > 9)
            d -= 9;
        }
      sum += d;
    }
  return sum % 10 == 0;
}

typedef struct {
  guint n;
} Count;

/* The longest leading 13–19 digits of the run that form a card number: a run
 * may go on into an expiry date or a CVV said in the same breath. */
static gboolean
replace_card (const GMatchInfo *info,
              GString          *out,
              gpointer          user_data)
{
  Count *count = user_data;
  g_autofree char *match = g_match_info_fetch (info, 0);
  g_autoptr(GString) digits = g_string_new (NULL);
  gsize ends[20] = { 0 };

  for (const char *p = match; *p && digits->len < 19; p++)
    if (g_ascii_isdigit (*p))
      {
        g_string_append_c (digits, *p);
        ends[digits->len] = p + 1 - match;
      }
  /* Common card lengths first, so a CVV said right after is not taken for
   * the tail of a 19-digit number. */
  static const gsize lengths[] = { 16, 15, 14, 19, 18, 17, 13 };

  if (digits->str[0] >= '2' && digits->str[0] <= '6')
    for (guint i = 0; i < G_N_ELEMENTS (lengths); i++)
      {
        gsize n = lengths[i];
        g_autofree char *prefix = NULL;

        if (n > digits->len)
          continue;
        prefix = g_strndup (digits->str, n);

        if (handoff_luhn_valid (prefix))
          {
            g_string_append_printf (out, "[card ending %s]", prefix + n - 4);
            g_string_append (out, match + ends[n]);
            count->n++;
            return FALSE;
          }
      }
  g_string_append (out, match);
  return FALSE;
}

/* Keeps the keyword and the words between it and the number. */
static gboolean
replace_after_keyword (const GMatchInfo *info,
                       GString          *out,
                       gpointer          user_data)
{
  Count *count = user_data;
  g_autofree char *keyword = g_match_info_fetch (info, 1);
  g_autofree char *filler = g_match_info_fetch (info, 2);
  g_autofree char *digits = g_match_info_fetch (info, 3);
  gboolean cvv = g_ascii_strncasecmp (keyword, "c", 1) == 0
                 || g_ascii_strncasecmp (keyword, "security", 8) == 0;

  g_string_append_printf (out, "%s%s%s", keyword, filler, cvv ? "[cvv]" : "[ssn]");
  count->n++;
  return FALSE;
}

static gboolean
replace_ssn (const GMatchInfo *info,
             GString          *out,
             gpointer          user_data)
{
  Count *count = user_data;

  g_string_append (out, "[ssn]");
  count->n++;
  return FALSE;
}

static char *
apply (const char        *text,
       const char        *pattern,
       GRegexEvalCallback func,
       Count             *count)
{
  g_autoptr(GRegex) regex = g_regex_new (pattern, G_REGEX_CASELESS, 0, NULL);

  g_assert (regex != NULL);
  return g_regex_replace_eval (regex, text, -1, 0, 0, func, count, NULL);
}

/**
 * handoff_redact_text:
 * @n_redacted: (out) (optional): how many things were removed
 *
 * Returns: (transfer full): @text without what @flags names
 */
char *
handoff_redact_text (const char         *text,
                     HandoffRedactFlags  flags,
                     guint              *n_redacted)
{
  Count count = { 0 };
  g_autofree char *work = NULL;

  g_return_val_if_fail (text != NULL, NULL);

  if (flags == HANDOFF_REDACT_NONE)
    {
      if (n_redacted)
        *n_redacted = 0;
      return g_utf8_make_valid (text, -1);
    }
  /* GRegex wants UTF-8; text from a command line or a file may not be. */
  if (!g_utf8_validate (text, -1, NULL))
    {
      g_autofree char *valid = g_utf8_make_valid (text, -1);
      work = handoff_text_spoken_digits (valid);
    }
  else
    work = handoff_text_spoken_digits (text);
  /* Cards first, so a CVV pattern never eats a card's first group. */
  if (flags & HANDOFF_REDACT_CARDS)
    {
      char *next = apply (work, card_pattern, replace_card, &count);
      g_free (work);
      work = next;
    }
  if (flags & HANDOFF_REDACT_CVV)
    {
      char *next = apply (work, cvv_pattern, replace_after_keyword, &count);
      g_free (work);
      work = next;
    }
  if (flags & HANDOFF_REDACT_SSN)
    {
      char *next = apply (work, ssn_spoken_pattern, replace_after_keyword, &count);
      g_free (work);
      work = apply (next, ssn_pattern, replace_ssn, &count);
      g_free (next);
    }
  if (n_redacted)
    *n_redacted = count.n;
  return g_steal_pointer (&work);
}

GPtrArray *
handoff_redact_utterances (GPtrArray          *utterances,
                           HandoffRedactFlags  flags,
                           guint              *n_redacted)
{
  GPtrArray *out = handoff_utterances_new ();
  guint total = 0;

  g_return_val_if_fail (utterances != NULL, NULL);

  for (guint i = 0; i < utterances->len; i++)
    {
      HandoffUtterance *u = handoff_utterance_copy (g_ptr_array_index (utterances, i));
      guint n = 0;
      char *text = handoff_redact_text (u->text, flags, &n);

      g_free (u->text);
      u->text = text;
      total += n;
      g_ptr_array_add (out, u);
    }
  if (n_redacted)
    *n_redacted = total;
  return out;
}
