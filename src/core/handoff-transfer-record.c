/* handoff-transfer-record.c: one transfer of the history, read once from
 * the server's JSON (GET /api/v1/transfers)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "handoff-history"

#include "config.h"

#include "handoff-segment.h"
#include "handoff-server-client.h"
#include "handoff-transfer-record.h"

struct _HandoffTransferRecord
{
  GObject     parent_instance;

  char       *id;
  char       *from_agent_id;
  char       *to_agent_id;
  char       *outcome;
  char       *failure_reason;
  char       *created_at;
  char       *summary;
  gboolean    urgent;
  gint64      time_to_accept_ms;
  gint64      consult_ms;
  gint64      total_ms;
  guint       rating;
  GListStore *transcript;
};

G_DEFINE_FINAL_TYPE (HandoffTransferRecord, handoff_transfer_record, G_TYPE_OBJECT)

/* A member that may be absent or JSON null. */
static char *
dup_string (JsonObject *object,
            const char *member)
{
  const char *value = handoff_json_get_string (object, member, NULL);

  return value != NULL ? g_strdup (value) : NULL;
}

void
handoff_transfer_transcript_from_json (JsonObject *object,
                                       GListStore *into)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, "transcript") : NULL;
  JsonArray *lines;

  g_return_if_fail (G_IS_LIST_STORE (into));
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return;
  lines = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (lines); i++)
    {
      JsonNode *line = json_array_get_element (lines, i);
      g_autoptr(HandoffSegment) segment = NULL;
      g_autofree char *segment_id = g_strdup_printf ("line-%u", i);
      JsonObject *o;

      if (!JSON_NODE_HOLDS_OBJECT (line))
        continue;
      o = json_node_get_object (line);
      segment = handoff_segment_new (handoff_json_get_string (o, "speaker", "?"), NULL, segment_id,
                                     handoff_json_get_string (o, "text", ""), i, i, TRUE);
      g_list_store_append (into, segment);
    }
}

HandoffTransferRecord *
handoff_transfer_record_new_from_json (JsonObject *object)
{
  HandoffTransferRecord *self;
  JsonNode *summary;
  gint64 rating;

  g_return_val_if_fail (object != NULL, NULL);

  self = g_object_new (HANDOFF_TYPE_TRANSFER_RECORD, NULL);
  self->id = dup_string (object, "id");
  self->from_agent_id = dup_string (object, "from_agent_id");
  self->to_agent_id = dup_string (object, "to_agent_id");
  self->outcome = dup_string (object, "outcome");
  self->failure_reason = dup_string (object, "failure_reason");
  self->created_at = dup_string (object, "created_at");
  self->urgent = json_object_get_boolean_member_with_default (object, "urgent", FALSE);
  self->time_to_accept_ms = handoff_json_get_int (object, "time_to_accept_ms", -1);
  self->consult_ms = handoff_json_get_int (object, "consult_ms", -1);
  self->total_ms = handoff_json_get_int (object, "total_ms", -1);
  rating = handoff_json_get_int (object, "rating", 0);
  self->rating = rating >= 1 && rating <= 5 ? (guint) rating : 0;
  summary = json_object_get_member (object, "summary");
  if (summary != NULL && JSON_NODE_HOLDS_OBJECT (summary))
    self->summary = g_strdup (handoff_json_get_string (json_node_get_object (summary), "text", ""));
  else
    self->summary = g_strdup ("");
  handoff_transfer_transcript_from_json (object, self->transcript);
  return self;
}

const char *
handoff_transfer_record_get_id (HandoffTransferRecord *self)
{
  g_return_val_if_fail (HANDOFF_IS_TRANSFER_RECORD (self), NULL);
  return self->id;
}

const char *
handoff_transfer_record_get_from_agent_id (HandoffTransferRecord *self)
{
  g_return_val_if_fail (HANDOFF_IS_TRANSFER_RECORD (self), NULL);
  return self->from_agent_id;
}

const char *
handoff_transfer_record_get_to_agent_id (HandoffTransferRecord *self)
{
  g_return_val_if_fail (HANDOFF_IS_TRANSFER_RECORD (self), NULL);
  return self->to_agent_id;
}

const char *
handoff_transfer_record_get_outcome (HandoffTransferRecord *self)
{
  g_return_val_if_fail (HANDOFF_IS_TRANSFER_RECORD (self), NULL);
  return self->outcome;
}

const char *
handoff_transfer_record_get_failure_reason (HandoffTransferRecord *self)
{
  g_return_val_if_fail (HANDOFF_IS_TRANSFER_RECORD (self), NULL);
  return self->failure_reason;
}

gboolean
handoff_transfer_record_get_urgent (HandoffTransferRecord *self)
{
  g_return_val_if_fail (HANDOFF_IS_TRANSFER_RECORD (self), FALSE);
  return self->urgent;
}

const char *
handoff_transfer_record_get_created_at (HandoffTransferRecord *self)
{
  g_return_val_if_fail (HANDOFF_IS_TRANSFER_RECORD (self), NULL);
  return self->created_at;
}

const char *
handoff_transfer_record_get_summary (HandoffTransferRecord *self)
{
  g_return_val_if_fail (HANDOFF_IS_TRANSFER_RECORD (self), NULL);
  return self->summary;
}

gint64
handoff_transfer_record_get_time_to_accept_ms (HandoffTransferRecord *self)
{
  g_return_val_if_fail (HANDOFF_IS_TRANSFER_RECORD (self), -1);
  return self->time_to_accept_ms;
}

gint64
handoff_transfer_record_get_consult_ms (HandoffTransferRecord *self)
{
  g_return_val_if_fail (HANDOFF_IS_TRANSFER_RECORD (self), -1);
  return self->consult_ms;
}

gint64
handoff_transfer_record_get_total_ms (HandoffTransferRecord *self)
{
  g_return_val_if_fail (HANDOFF_IS_TRANSFER_RECORD (self), -1);
  return self->total_ms;
}

guint
handoff_transfer_record_get_rating (HandoffTransferRecord *self)
{
  g_return_val_if_fail (HANDOFF_IS_TRANSFER_RECORD (self), 0);
  return self->rating;
}

GListModel *
handoff_transfer_record_get_transcript (HandoffTransferRecord *self)
{
  g_return_val_if_fail (HANDOFF_IS_TRANSFER_RECORD (self), NULL);
  return G_LIST_MODEL (self->transcript);
}

static void
handoff_transfer_record_finalize (GObject *object)
{
  HandoffTransferRecord *self = HANDOFF_TRANSFER_RECORD (object);

  g_free (self->id);
  g_free (self->from_agent_id);
  g_free (self->to_agent_id);
  g_free (self->outcome);
  g_free (self->failure_reason);
  g_free (self->created_at);
  g_free (self->summary);
  g_clear_object (&self->transcript);
  G_OBJECT_CLASS (handoff_transfer_record_parent_class)->finalize (object);
}

static void
handoff_transfer_record_class_init (HandoffTransferRecordClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = handoff_transfer_record_finalize;
}

static void
handoff_transfer_record_init (HandoffTransferRecord *self)
{
  self->transcript = g_list_store_new (HANDOFF_TYPE_SEGMENT);
  self->time_to_accept_ms = self->consult_ms = self->total_ms = -1;
}
