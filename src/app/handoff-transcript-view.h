/* handoff-transcript-view.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define HANDOFF_TYPE_TRANSCRIPT_VIEW (handoff_transcript_view_get_type ())
G_DECLARE_FINAL_TYPE (HandoffTranscriptView, handoff_transcript_view, HANDOFF, TRANSCRIPT_VIEW, GtkWidget)

/* model: a GListModel of HandoffSegment (stt's HandoffTranscript) */
void  handoff_transcript_view_set_model   (HandoffTranscriptView *self,
                                           GListModel            *model);
/* The final lines as "Speaker: text" lines. */
char *handoff_transcript_view_dup_text    (HandoffTranscriptView *self);
void  handoff_transcript_view_set_compact (HandoffTranscriptView *self,
                                           gboolean               compact);

G_END_DECLS
