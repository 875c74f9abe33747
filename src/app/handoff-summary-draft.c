/* handoff-summary-draft.c: what the app writes when no AI is at hand
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "handoff-summary"

#include "config.h"

#include <glib/gi18n.h>

#include "handoff-summary-draft.h"

GPtrArray *
handoff_find_entities (const char *text)
{
  static GRegex *re;
  g_autoptr(GMatchInfo) match = NULL;
  GPtrArray *found = g_ptr_array_new_with_free_func (g_free);

  if (g_once_init_enter (&re))
    g_once_init_leave (&re, g_regex_new (
      "[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}"     /* e-mail */
      "|\\b[A-Z]{2,}[-_]?[0-9]{2,}[A-Z0-9-]*\\b"             /* IDs like ORD-4411 */
      "|\\b[0-9][0-9 -]{2,}[0-9]\\b",                        /* numbers of 4+ digits */
      G_REGEX_OPTIMIZE, 0, NULL));
  if (text == NULL)
    return found;
  g_regex_match (re, text, 0, &match);
  while (g_match_info_matches (match))
    {
      g_autofree char *m = g_match_info_fetch (match, 0);
      gboolean seen = FALSE;
      guint digits = 0;

      for (const char *p = m; *p; p++)
        digits += g_ascii_isdigit (*p);
      if ((strchr (m, '@') != NULL || digits >= 4 || g_ascii_isalpha (m[0])))
        {
          for (guint i = 0; i < found->len; i++)
            seen |= g_str_equal (found->pdata[i], m);
          if (!seen)
            g_ptr_array_add (found, g_steal_pointer (&m));
        }
      g_match_info_next (match, NULL);
    }
  return found;
}

char *
handoff_draft_summary (HandoffCallSession *call)
{
  g_autofree char *transcript = NULL;
  g_autoptr(GPtrArray) entities = NULL;
  g_auto(GStrv) lines = NULL;
  GString *s = g_string_new (NULL);
  const char *name, *reason;
  guint n, shown = 0;

  g_return_val_if_fail (HANDOFF_IS_CALL_SESSION (call), NULL);

  name = handoff_call_session_get_caller_name (call);
  reason = handoff_call_session_get_reason (call);
  transcript = handoff_call_session_dup_transcript_text (call);
  entities = handoff_find_entities (transcript);

  g_string_append_printf (s, _("Caller: %s."), name ? name : _("unknown"));
  if (reason && *reason)
    g_string_append_printf (s, " %s %s", _("Reason given:"), reason);
  g_string_append_c (s, '\n');
  if (entities->len > 0)
    {
      g_string_append (s, _("Key facts:"));
      for (guint i = 0; i < entities->len; i++)
        g_string_append_printf (s, "%s %s", i ? "," : "", (char *) entities->pdata[i]);
      g_string_append_c (s, '\n');
    }
  /* The last few things said, newest last: what B needs to pick up. */
  lines = g_strsplit (transcript, "\n", -1);
  n = g_strv_length (lines);
  if (n > 1)
    g_string_append (s, _("Most recently:\n"));
  for (guint i = n > 5 ? n - 5 : 0; i < n; i++)
    if (lines[i][0] != '\0')
      {
        g_string_append_printf (s, "- %s\n", lines[i]);
        shown++;
      }
  if (shown == 0)
    g_string_append (s, _("Nothing has been transcribed yet.\n"));
  g_string_append_printf (s, _("Call time so far: %u min.\n"), handoff_call_session_get_duration (call) / 60);
  return g_string_free (s, FALSE);
}
