/* handoff-vad.h: energy-based voice activity detection and WAV encoding
 *
 * Cuts 16-bit mono audio into utterances: 20 ms frames whose RMS is above
 * max(-45 dBFS, noise floor + 12 dB) are speech; an utterance starts at the
 * first speech frame (with 200 ms of audio before it), ends after 600 ms
 * without speech, and is cut at 15 s. Utterances with less than 200 ms of
 * speech are dropped (clicks, coughs).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

typedef struct _HandoffVad HandoffVad;

/* @pcm: the utterance's samples (S16LE); @start, @end: on the fed timeline. */
typedef void (*HandoffVadUtteranceFunc) (gpointer      user_data,
                                         GBytes       *pcm,
                                         GstClockTime  start,
                                         GstClockTime  end);

HandoffVad *handoff_vad_new        (guint                   rate,
                                    HandoffVadUtteranceFunc func,
                                    gpointer                user_data);
void        handoff_vad_free       (HandoffVad   *self);
/* @pts: timestamp of samples[0]. */
void        handoff_vad_feed       (HandoffVad   *self,
                                    const gint16 *samples,
                                    gsize         n_samples,
                                    GstClockTime  pts);
/* Ends the current utterance, if any (end of input). */
void        handoff_vad_flush      (HandoffVad   *self);
gboolean    handoff_vad_in_speech  (HandoffVad   *self);

/* A RIFF/WAVE file (PCM 16-bit mono) around @pcm. */
GBytes     *handoff_wav_encode     (GBytes       *pcm,
                                    guint         rate);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HandoffVad, handoff_vad_free)

G_END_DECLS
