/* handoff-transcript.h: the room's transcript, as a GListModel of HandoffSegment
 *
 * Segments from local transcribers and from other participants (LiveKit
 * text streams) go in with handoff_transcript_add_segment: a segment whose
 * id is known replaces the earlier one (a partial by a newer partial or by
 * its final; a final is never replaced by a late partial; an empty final
 * removes the line). Items are ordered by start time (ties: arrival order)
 * and labelled with the speaker's display name once known.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "handoff-segment.h"
#include "handoff-transcriber.h"

G_BEGIN_DECLS

#define HANDOFF_TYPE_TRANSCRIPT (handoff_transcript_get_type ())
G_DECLARE_FINAL_TYPE (HandoffTranscript, handoff_transcript, HANDOFF, TRANSCRIPT, GObject)

HandoffTranscript *handoff_transcript_new                (void);
void               handoff_transcript_add_segment        (HandoffTranscript *self,
                                                          HandoffSegment    *segment);
/* Adds every segment @transcriber emits, until either is gone. */
void               handoff_transcript_follow             (HandoffTranscript  *self,
                                                          HandoffTranscriber *transcriber);
/* Labels @identity's lines with @name (NULL: the identity), now and later. */
void               handoff_transcript_set_speaker_name   (HandoffTranscript *self,
                                                          const char        *identity,
                                                          const char        *name);
HandoffSegment    *handoff_transcript_lookup             (HandoffTranscript *self,
                                                          const char        *segment_id);
void               handoff_transcript_clear              (HandoffTranscript *self);
/* "[mm:ss] Speaker: text" per line, times from the first line's start;
 * partial lines only with @include_partials (marked with "…"). */
char              *handoff_transcript_to_text            (HandoffTranscript *self,
                                                          gboolean           include_partials);
/* {"segments": [handoff_segment_to_json ...]} */
JsonNode          *handoff_transcript_to_json            (HandoffTranscript *self);
char              *handoff_transcript_to_json_string     (HandoffTranscript *self);

G_END_DECLS
