/* handoff-utterance.h: transcripts as the AI engine reads them
 *
 * The AI side accepts a transcript in two forms: plain text, one "Speaker: text"
 * line per utterance (optionally "[mm:ss]" in front), and JSON, an array of
 * {speaker, text, start, end, final} objects (also inside {"segments": [...]},
 * with "time" for "start" as handoff-server's TranscriptSegment has it, and
 * with "start_ms"/"end_ms" as HandoffSegment's JSON export has it). Live
 * segment objects go through handoff_utterances_from_segments().
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Larger input is refused rather than truncated silently. */
#define HANDOFF_UTTERANCES_MAX_INPUT (8 * 1024 * 1024)

typedef struct {
  char   *speaker;   /* "" when the input names none */
  char   *text;
  double  start;     /* seconds from the start of the call; -1 when unknown */
  double  end;
} HandoffUtterance;

#define HANDOFF_TYPE_UTTERANCE (handoff_utterance_get_type ())
GType             handoff_utterance_get_type (void) G_GNUC_CONST;
HandoffUtterance *handoff_utterance_new      (const char             *speaker,
                                              const char             *text,
                                              double                  start,
                                              double                  end);
HandoffUtterance *handoff_utterance_copy     (const HandoffUtterance *utterance);
void              handoff_utterance_free     (HandoffUtterance       *utterance);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HandoffUtterance, handoff_utterance_free)

GPtrArray *handoff_utterances_new        (void);
GPtrArray *handoff_utterances_parse      (const char *data,
                                          gssize      len,
                                          GError    **error);
GPtrArray *handoff_utterances_parse_text (const char *text,
                                          gssize      len,
                                          GError    **error);
GPtrArray *handoff_utterances_parse_json (const char *data,
                                          gssize      len,
                                          GError    **error);
char      *handoff_utterances_to_text    (GPtrArray  *utterances);
GPtrArray *handoff_utterances_from_segments   (GPtrArray  *segments);
GPtrArray *handoff_utterances_from_list_model (GListModel *segments);

G_END_DECLS
