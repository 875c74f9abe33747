/* handoff-summarizer.h: the transfer summary, from the LLM or offline
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "handoff-chat-client.h"
#include "handoff-redact.h"
#include "handoff-summary.h"

G_BEGIN_DECLS

#define HANDOFF_SUMMARIZER_DEFAULT_DEADLINE_MS 8000

#define HANDOFF_TYPE_SUMMARIZER (handoff_summarizer_get_type ())
G_DECLARE_FINAL_TYPE (HandoffSummarizer, handoff_summarizer, HANDOFF, SUMMARIZER, GObject)

HandoffSummarizer *handoff_summarizer_new              (HandoffChatClient  *client);
HandoffChatClient *handoff_summarizer_get_client       (HandoffSummarizer  *self);
void               handoff_summarizer_set_client       (HandoffSummarizer  *self,
                                                        HandoffChatClient  *client);
guint              handoff_summarizer_get_deadline_ms  (HandoffSummarizer  *self);
void               handoff_summarizer_set_deadline_ms  (HandoffSummarizer  *self,
                                                        guint               deadline_ms);
HandoffRedactFlags handoff_summarizer_get_redact       (HandoffSummarizer  *self);
void               handoff_summarizer_set_redact       (HandoffSummarizer  *self,
                                                        HandoffRedactFlags  flags);
void               handoff_summarizer_bind_settings    (HandoffSummarizer  *self,
                                                        GSettings          *settings);
void               handoff_summarizer_set_caller       (HandoffSummarizer  *self,
                                                        const char         *caller);

/* The messages sent to the LLM for @utterances (already redacted) and @notes. */
GPtrArray         *handoff_summarizer_build_messages   (GPtrArray          *utterances,
                                                        const char         *notes,
                                                        const char         *caller);

/* Tries the LLM within the deadline; any failure, timeout or unusable answer
 * gives the offline summary instead (see handoff_summary_get_source() and
 * handoff_summary_get_fallback_reason()). Fails only when @cancellable is
 * cancelled. */
void               handoff_summarizer_summarize_async  (HandoffSummarizer  *self,
                                                        GPtrArray          *utterances,
                                                        const char         *notes,
                                                        GCancellable       *cancellable,
                                                        GAsyncReadyCallback callback,
                                                        gpointer            user_data);
HandoffSummary    *handoff_summarizer_summarize_finish (HandoffSummarizer  *self,
                                                        GAsyncResult       *result,
                                                        GError            **error);

/* The LLM-free path, synchronous: redaction, then the offline summarizer. */
HandoffSummary    *handoff_summarizer_summarize_offline (HandoffSummarizer *self,
                                                         GPtrArray         *utterances,
                                                         const char        *notes);

G_END_DECLS
