/* handoff-lk-media.h: HandoffCallMedia over the LiveKit client (LkRoom)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gst/gst.h>

#include "handoff-call-media.h"

G_BEGIN_DECLS

#define HANDOFF_TYPE_LK_MEDIA (handoff_lk_media_get_type ())
G_DECLARE_FINAL_TYPE (HandoffLkMedia, handoff_lk_media, HANDOFF, LK_MEDIA, GObject)

/* The microphone is HANDOFF_AUDIO_SRC (else the default source), the
 * speaker HANDOFF_AUDIO_SINK (else the default sink). */
HandoffLkMedia *handoff_lk_media_new      (void);
/* Chosen devices (floating refs taken); NULL keeps the environment's or the
 * default. Call before connecting. */
void            handoff_lk_media_set_devices (HandoffLkMedia *self,
                                              GstElement     *microphone,
                                              GstElement     *speaker);
/* Another device during the call (or before it): @microphone replaces the
 * published microphone's source, the others hear it on the same track;
 * @speaker takes the room's mix. NULL: the sound system's default.
 * Floating references are taken. */
gboolean        handoff_lk_media_use_microphone (HandoffLkMedia  *self,
                                                 GstElement      *microphone,
                                                 GError         **error);
gboolean        handoff_lk_media_use_speaker    (HandoffLkMedia  *self,
                                                 GstElement      *speaker,
                                                 GError         **error);
/* Transcribes our own microphone with @transcriber (src/stt): segments go to
 * our transcript and, as LiveKit transcription, to the others. Before connecting. */
void            handoff_lk_media_set_transcriber (HandoffLkMedia     *self,
                                                  gpointer            transcriber);
/* The HandoffTranscriber of our microphone, or NULL. */
gpointer        handoff_lk_media_get_transcriber (HandoffLkMedia     *self);
/* The microphone's RMS level (0..1) for a meter; 0 while muted. */
double          handoff_lk_media_get_mic_level (HandoffLkMedia *self);
/* Level taps on the remote tracks for handoff_lk_media_get_speaker_level()
 * (the app's meter, and the e2e parties'). Opt-in: a meter costs a tap per
 * remote track, which headless users need not pay. Before connecting. */
void            handoff_lk_media_enable_speaker_meter (HandoffLkMedia *self);
/* The RMS level (0..1) of what we hear: the loudest remote track; 0 unless enabled. */
double          handoff_lk_media_get_speaker_level (HandoffLkMedia *self);
/* The room, for tests and level meters. */
gpointer        handoff_lk_media_get_room (HandoffLkMedia *self);

G_END_DECLS
