/* stt-speaker.h: a live "microphone" that speaks a WAV file when told to
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

/* A live source that plays silence until told to speak, then the WAV file
 * (16 kHz mono S16) in real time, then silence again. Driven from the main
 * loop in 100 ms chunks, so speech starts exactly when the test says,
 * however long joining and publishing took. */
typedef struct _SttSpeaker SttSpeaker;

SttSpeaker *stt_speaker_new          (const char *wav);
/* The source: a bin with one "src" pad (floating; give it to the room). */
GstElement *stt_speaker_get_source   (SttSpeaker *self);
void        stt_speaker_speak        (SttSpeaker *self);
/* TRUE once the whole file was played. */
gboolean    stt_speaker_is_done      (SttSpeaker *self);
void        stt_speaker_free         (SttSpeaker *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SttSpeaker, stt_speaker_free)

G_END_DECLS
