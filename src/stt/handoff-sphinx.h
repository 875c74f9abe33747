/* handoff-sphinx.h: the embedded recogniser (pocketsphinx in its own pipeline)
 *
 * Audio pushed in (16 kHz S16LE mono GstBuffers, timestamps on any
 * timeline) is decoded on the recogniser's own streaming thread, so a slow
 * decode never stalls the call's pipeline. Hypotheses and the end of the
 * stream are reported through callbacks ON THAT THREAD.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

/**
 * HandoffSpeechProfile:
 * @HANDOFF_SPEECH_PROFILE_MODEL: the acoustic model's own initial cepstral
 *   mean (pocketsphinx out of the box: the first seconds are misheard)
 * @HANDOFF_SPEECH_PROFILE_WIDEBAND: initial mean measured on wideband
 *   (Opus/microphone-like) speech
 * @HANDOFF_SPEECH_PROFILE_TELEPHONE: initial mean measured on 8 kHz
 *   band-limited (telephone) speech
 *
 * Which initial cepstral mean (pocketsphinx -cmninit) the decoder starts
 * with; see /work/notes/stt.md for how the values were measured.
 */
typedef enum {
  HANDOFF_SPEECH_PROFILE_MODEL,
  HANDOFF_SPEECH_PROFILE_WIDEBAND,
  HANDOFF_SPEECH_PROFILE_TELEPHONE,
} HandoffSpeechProfile;

#define HANDOFF_SPHINX_CAPS "audio/x-raw,format=S16LE,layout=interleaved,rate=16000,channels=1"

/* @final: FALSE for a partial hypothesis of the current utterance.
 * @utterance: 0, 1, 2... (partials and the final of one utterance share it).
 * @start, @end: buffer timestamps (the timeline of the pushed buffers). */
typedef void (*HandoffSphinxHypothesisFunc) (gpointer     user_data,
                                             guint        utterance,
                                             const char  *text,
                                             gboolean     final,
                                             GstClockTime start,
                                             GstClockTime end);
/* @error: NULL at the end of the stream. */
typedef void (*HandoffSphinxDoneFunc)       (gpointer      user_data,
                                             const GError *error);

typedef struct _HandoffSphinx HandoffSphinx;

/* @cmninit: NULL for the profile's value, else "c0,c1,...,c12".
 * @live: TRUE drops audio when decoding falls behind (a call), FALSE queues
 * everything (a file). */
HandoffSphinx *handoff_sphinx_new      (HandoffSpeechProfile        profile,
                                        const char                 *cmninit,
                                        gboolean                    live,
                                        HandoffSphinxHypothesisFunc hypothesis,
                                        HandoffSphinxDoneFunc       done,
                                        gpointer                    user_data,
                                        GError                    **error);
/* Takes a reference to @buffer. Any thread. */
gboolean       handoff_sphinx_push     (HandoffSphinx *self,
                                        GstBuffer     *buffer);
/* Flushes the current utterance; @done follows. Any thread. */
void           handoff_sphinx_end      (HandoffSphinx *self);
/* Stops the pipeline; no callback runs after this returns. */
void           handoff_sphinx_free     (HandoffSphinx *self);

/* The -cmninit string a profile uses. */
const char    *handoff_speech_profile_get_cmninit (HandoffSpeechProfile profile);
gboolean       handoff_sphinx_available            (void);
/* Up to 13 comma-separated numbers. */
gboolean       handoff_sphinx_cmninit_is_valid     (const char *cmninit);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HandoffSphinx, handoff_sphinx_free)

G_END_DECLS
