/* stt-corpus.h: call-centre speech made at test time, and how to score it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "handoff-transcriber.h"

G_BEGIN_DECLS


typedef enum {
  STT_VOICE_ESPEAK,   /* espeak-ng, en-us, 22.05 kHz: wideband */
  STT_VOICE_FLITE,    /* flite, 8 kHz: telephone band */
} SttVoice;

typedef struct {
  const char *text;
  const char *keywords;   /* space-separated words that carry the meaning */
} SttSentence;

extern const SttSentence stt_corpus[];
extern const guint stt_corpus_len;

/* Synthesises sentences [first, first + n) with @voice, each padded with
 * 0.2 s of silence before and 1.0 s after, concatenated into one 16 kHz
 * mono S16 WAV under @dir. Returns its path, or NULL (test skipped) when a
 * synthesiser or sox is missing. */
char   *stt_corpus_make_wav     (const char  *dir,
                                 SttVoice     voice,
                                 guint        first,
                                 guint        n,
                                 GError     **error);
/* Lowercase words without punctuation ("Don't!" → "don't"). */
GStrv   stt_words               (const char *text);
/* Word error rate of @hypothesis against @reference (edit distance / reference words). */
double  stt_wer                 (const char *reference,
                                 const char *hypothesis);
/* Fraction of @keywords found anywhere in @hypothesis. */
double  stt_keyword_recall      (const char *keywords,
                                 const char *hypothesis,
                                 guint      *found,
                                 guint      *total);

/* Runs @path (WAV) through @transcriber (created with live = FALSE) on a
 * private main loop until "finished"; collects final non-empty segments
 * into @finals and, if @all is not NULL, every segment into @all.
 * @cpu_seconds: process CPU time spent (includes the decoder's threads). */
gboolean stt_transcribe_file (HandoffTranscriber *transcriber,
                              const char         *path,
                              GPtrArray          *finals,
                              GPtrArray          *all,
                              double             *cpu_seconds,
                              GError            **error);
/* The segments' texts joined with spaces. */
char    *stt_join_texts      (GPtrArray *segments);

G_END_DECLS
