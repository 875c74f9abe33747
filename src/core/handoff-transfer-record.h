/* handoff-transfer-record.h: one transfer of the history, as the server
 * recorded it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define HANDOFF_TYPE_TRANSFER_RECORD (handoff_transfer_record_get_type ())
G_DECLARE_FINAL_TYPE (HandoffTransferRecord, handoff_transfer_record, HANDOFF, TRANSFER_RECORD, GObject)

HandoffTransferRecord *handoff_transfer_record_new_from_json     (JsonObject            *object);
const char            *handoff_transfer_record_get_id            (HandoffTransferRecord *self);
const char            *handoff_transfer_record_get_from_agent_id (HandoffTransferRecord *self);
const char            *handoff_transfer_record_get_to_agent_id   (HandoffTransferRecord *self);
/* completed, declined, no_answer, cancelled, caller_abandoned, failed;
 * NULL while the transfer runs. */
const char            *handoff_transfer_record_get_outcome       (HandoffTransferRecord *self);
const char            *handoff_transfer_record_get_failure_reason (HandoffTransferRecord *self);
gboolean               handoff_transfer_record_get_urgent        (HandoffTransferRecord *self);
/* The server's RFC 3339 text; NULL if it sent none. */
const char            *handoff_transfer_record_get_created_at    (HandoffTransferRecord *self);
/* The summary A sent to B ("" when none). */
const char            *handoff_transfer_record_get_summary       (HandoffTransferRecord *self);
/* Milliseconds, or -1 when the step never happened. */
gint64                 handoff_transfer_record_get_time_to_accept_ms (HandoffTransferRecord *self);
gint64                 handoff_transfer_record_get_consult_ms    (HandoffTransferRecord *self);
gint64                 handoff_transfer_record_get_total_ms      (HandoffTransferRecord *self);
/* B's rating of the summary, 1–5, or 0. */
guint                  handoff_transfer_record_get_rating        (HandoffTransferRecord *self);
/* The transcript sent with the transfer: HandoffSegment items, final. */
GListModel            *handoff_transfer_record_get_transcript    (HandoffTransferRecord *self);

/* Appends the "transcript" member of a transfer (or of an offer: the same
 * lines) to @into as final HandoffSegments; nothing when there is none. */
void                   handoff_transfer_transcript_from_json     (JsonObject            *object,
                                                                  GListStore            *into);

G_END_DECLS
