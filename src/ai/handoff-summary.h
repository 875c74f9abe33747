/* handoff-summary.h: the transfer summary Agent A sends to Agent B
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "handoff-entities.h"

G_BEGIN_DECLS

typedef enum {
  HANDOFF_SUMMARY_SOURCE_OFFLINE,
  HANDOFF_SUMMARY_SOURCE_LLM,
} HandoffSummarySource;

/* The list-valued parts of a summary. */
typedef enum {
  HANDOFF_SUMMARY_KEY_FACTS,
  HANDOFF_SUMMARY_TRIED,
  HANDOFF_SUMMARY_PROMISED,
  HANDOFF_SUMMARY_NEXT_STEPS,
  HANDOFF_SUMMARY_OPEN_QUESTIONS,
  HANDOFF_SUMMARY_N_LISTS,
} HandoffSummaryList;

/* Bounds applied to anything parsed (an LLM can ramble). */
#define HANDOFF_SUMMARY_MAX_ITEMS 12
#define HANDOFF_SUMMARY_MAX_CHARS 600

#define HANDOFF_TYPE_SUMMARY (handoff_summary_get_type ())
G_DECLARE_FINAL_TYPE (HandoffSummary, handoff_summary, HANDOFF, SUMMARY, GObject)

HandoffSummary      *handoff_summary_new                (void);
HandoffSummary      *handoff_summary_new_from_json      (const char          *data,
                                                         gssize               len,
                                                         GError             **error);
HandoffSummary      *handoff_summary_new_from_json_node (JsonNode            *node,
                                                         GError             **error);
JsonNode            *handoff_summary_to_json_node       (HandoffSummary      *self);
char                *handoff_summary_to_json            (HandoffSummary      *self,
                                                         gboolean             pretty);
char                *handoff_summary_render_text        (HandoffSummary      *self);

const char          *handoff_summary_get_reason         (HandoffSummary      *self);
void                 handoff_summary_set_reason         (HandoffSummary      *self,
                                                         const char          *reason);
const char          *handoff_summary_get_customer       (HandoffSummary      *self);
void                 handoff_summary_set_customer       (HandoffSummary      *self,
                                                         const char          *customer);
const char          *handoff_summary_get_sentiment      (HandoffSummary      *self);
void                 handoff_summary_set_sentiment      (HandoffSummary      *self,
                                                         const char          *sentiment);
const char * const  *handoff_summary_get_list           (HandoffSummary      *self,
                                                         HandoffSummaryList   list);
void                 handoff_summary_set_list           (HandoffSummary      *self,
                                                         HandoffSummaryList   list,
                                                         const char * const  *items);
void                 handoff_summary_append             (HandoffSummary      *self,
                                                         HandoffSummaryList   list,
                                                         const char          *item);
/* (element-type HandoffEntity) */
GPtrArray           *handoff_summary_get_identifiers    (HandoffSummary      *self);
void                 handoff_summary_add_identifier     (HandoffSummary      *self,
                                                         HandoffEntityKind    kind,
                                                         const char          *value);
void                 handoff_summary_clear_identifiers  (HandoffSummary      *self);

HandoffSummarySource handoff_summary_get_source         (HandoffSummary      *self);
void                 handoff_summary_set_source         (HandoffSummary      *self,
                                                         HandoffSummarySource source);
const char          *handoff_summary_get_model          (HandoffSummary      *self);
void                 handoff_summary_set_model          (HandoffSummary      *self,
                                                         const char          *model);
const char          *handoff_summary_get_fallback_reason (HandoffSummary     *self);
void                 handoff_summary_set_fallback_reason (HandoffSummary     *self,
                                                          const char         *reason);
guint                handoff_summary_get_redactions     (HandoffSummary      *self);
void                 handoff_summary_set_redactions     (HandoffSummary      *self,
                                                         guint                n);

void                 handoff_summary_track_edits        (HandoffSummary      *self);
gboolean             handoff_summary_get_edited         (HandoffSummary      *self);

const char          *handoff_summary_list_to_string     (HandoffSummaryList   list);

G_END_DECLS
