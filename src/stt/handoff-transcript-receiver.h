/* handoff-transcript-receiver.h: other participants' segments into a transcript
 *
 * Turns every text stream on topic lk.transcription that the room receives
 * into a HandoffSegment of the transcript: id from lk.segment_id (else the
 * stream id), final from lk.transcription_final, track from
 * lk.transcribed_track_id, speaker from handoff.speaker (else the sender),
 * times from handoff.start_ms / handoff.end_ms (else when the segment's
 * first and latest versions arrived), and keeps speakers' display names
 * from the room's participants. Works with any LiveKit client that
 * publishes transcriptions this way (agents, components-js).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "handoff-transcript.h"
#include "lk-room.h"

G_BEGIN_DECLS

#define HANDOFF_TYPE_TRANSCRIPT_RECEIVER (handoff_transcript_receiver_get_type ())
G_DECLARE_FINAL_TYPE (HandoffTranscriptReceiver, handoff_transcript_receiver,
                      HANDOFF, TRANSCRIPT_RECEIVER, GObject)

HandoffTranscriptReceiver *handoff_transcript_receiver_new (LkRoom            *room,
                                                            HandoffTranscript *transcript);
/* Streams ignored because they were not usable (e.g. not a number where a
 * time was expected is tolerated; text over 64 KiB is not). */
guint                      handoff_transcript_receiver_get_n_rejected (HandoffTranscriptReceiver *self);

G_END_DECLS
