/* handoff-transcript-publisher.h: local segments out as LiveKit text streams
 *
 * Every segment a transcriber emits is sent to the room as a text stream
 * on topic lk.transcription with the attributes LiveKit's agents and
 * components use (lk.segment_id, lk.transcribed_track_id,
 * lk.transcription_final "true"/"false"), so any LiveKit client shows it,
 * plus handoff.start_ms / handoff.end_ms (Unix milliseconds) so our own
 * receivers order lines by when they were said, and handoff.speaker when
 * the speaker is not the sending participant (a caller transcribed by the
 * agent's app). Partials are sent at most every 250 ms per segment (the
 * newest wins); finals at once.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "handoff-transcriber.h"
#include "lk-room.h"

G_BEGIN_DECLS

#define HANDOFF_ATTR_START_MS "handoff.start_ms"
#define HANDOFF_ATTR_END_MS   "handoff.end_ms"
#define HANDOFF_ATTR_SPEAKER  "handoff.speaker"

#define HANDOFF_TYPE_TRANSCRIPT_PUBLISHER (handoff_transcript_publisher_get_type ())
G_DECLARE_FINAL_TYPE (HandoffTranscriptPublisher, handoff_transcript_publisher,
                      HANDOFF, TRANSCRIPT_PUBLISHER, GObject)

HandoffTranscriptPublisher *handoff_transcript_publisher_new         (LkRoom             *room,
                                                                      HandoffTranscriber *transcriber);
/* NULL or empty: everyone in the room; else only these identities (e.g.
 * agents only while the caller is on hold). */
void                        handoff_transcript_publisher_set_destinations (HandoffTranscriptPublisher *self,
                                                                           const char * const         *identities);
/* Text streams sent / failed so far. */
guint                       handoff_transcript_publisher_get_n_sent   (HandoffTranscriptPublisher *self);
guint                       handoff_transcript_publisher_get_n_failed (HandoffTranscriptPublisher *self);

G_END_DECLS
