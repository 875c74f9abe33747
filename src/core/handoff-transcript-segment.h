/* handoff-transcript-segment.h: one line of a live transcript
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define HANDOFF_TYPE_TRANSCRIPT_SEGMENT (handoff_transcript_segment_get_type ())
G_DECLARE_FINAL_TYPE (HandoffTranscriptSegment, handoff_transcript_segment, HANDOFF, TRANSCRIPT_SEGMENT, GObject)

HandoffTranscriptSegment *handoff_transcript_segment_new          (const char *id,
                                                                   const char *speaker,
                                                                   const char *text,
                                                                   gboolean    final,
                                                                   gint64      start_ms);
const char               *handoff_transcript_segment_get_id       (HandoffTranscriptSegment *self);
const char               *handoff_transcript_segment_get_speaker  (HandoffTranscriptSegment *self);
const char               *handoff_transcript_segment_get_text     (HandoffTranscriptSegment *self);
gboolean                  handoff_transcript_segment_get_final    (HandoffTranscriptSegment *self);
gint64                    handoff_transcript_segment_get_start_ms (HandoffTranscriptSegment *self);
/* A partial replaced by a newer partial or by the final. */
void                      handoff_transcript_segment_update       (HandoffTranscriptSegment *self,
                                                                   const char               *text,
                                                                   gboolean                  final);

G_END_DECLS
