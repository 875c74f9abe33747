/* handoff-segment.h: one piece of transcribed speech
 *
 * A segment is immutable except for the speaker's display name, which the
 * transcript fills in when it learns it. Times are milliseconds on the
 * transcriber's timeline: since the Unix epoch for live audio, since the
 * start of the file for files.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define HANDOFF_TYPE_SEGMENT (handoff_segment_get_type ())
G_DECLARE_FINAL_TYPE (HandoffSegment, handoff_segment, HANDOFF, SEGMENT, GObject)

HandoffSegment *handoff_segment_new              (const char *identity,
                                                  const char *track_id,
                                                  const char *segment_id,
                                                  const char *text,
                                                  gint64      start_ms,
                                                  gint64      end_ms,
                                                  gboolean    final);
const char     *handoff_segment_get_identity     (HandoffSegment *self);
const char     *handoff_segment_get_track_id     (HandoffSegment *self);
const char     *handoff_segment_get_id           (HandoffSegment *self);
const char     *handoff_segment_get_text         (HandoffSegment *self);
gint64          handoff_segment_get_start_ms     (HandoffSegment *self);
gint64          handoff_segment_get_end_ms       (HandoffSegment *self);
gboolean        handoff_segment_get_final        (HandoffSegment *self);
/* The display name if known, else the identity. */
const char     *handoff_segment_get_speaker      (HandoffSegment *self);
void            handoff_segment_set_speaker_name (HandoffSegment *self,
                                                  const char     *name);
/* {"id", "identity", "speaker", "track_id", "text", "start_ms", "end_ms",
 *  "final"} */
JsonNode       *handoff_segment_to_json          (HandoffSegment *self);

G_END_DECLS
