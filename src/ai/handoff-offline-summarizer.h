/* handoff-offline-summarizer.h: a deterministic extractive transfer summary
 *
 * Used when there is no AI endpoint, no key, no network, or the LLM's answer
 * is unusable: the same structure as the LLM summary, built from patterns.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "handoff-summary.h"

G_BEGIN_DECLS

/**
 * handoff_offline_summarize:
 * @utterances: (element-type HandoffUtterance): the transcript, oldest first
 * @notes: (nullable): the agent's own notes
 * @caller: (nullable): the caller's speaker label when the app knows it
 *
 * Returns: (transfer full): a summary with source %HANDOFF_SUMMARY_SOURCE_OFFLINE
 */
HandoffSummary *handoff_offline_summarize (GPtrArray  *utterances,
                                           const char *notes,
                                           const char *caller);

/* Which speaker labels belong to the caller (the others are agents).
 * (transfer full): a set of labels, never empty when @utterances has speakers */
GHashTable     *handoff_offline_find_callers (GPtrArray  *utterances,
                                              const char *caller);

G_END_DECLS
