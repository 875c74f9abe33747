/* handoff-transcript-receiver.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "handoff-transcript-receiver"

#include "handoff-transcript-publisher.h"
#include "handoff-transcript-receiver.h"

#include <string.h>

/* A transcript line is a sentence or two; anything this big is not one. */
#define MAX_SEGMENT_TEXT (64 * 1024)

struct _HandoffTranscriptReceiver
{
  GObject            parent_instance;

  LkRoom            *room;
  HandoffTranscript *transcript;
  GHashTable        *first_seen;   /* segment id → gint64* Unix ms */
  guint              n_rejected;
};

G_DEFINE_FINAL_TYPE (HandoffTranscriptReceiver, handoff_transcript_receiver, G_TYPE_OBJECT)

static gboolean
parse_ms (GHashTable *attributes,
          const char *key,
          gint64     *out)
{
  const char *value = attributes ? g_hash_table_lookup (attributes, key) : NULL;
  gint64 v;

  if (!value || !g_ascii_string_to_signed (value, 10, 0, G_MAXINT64, &v, NULL))
    return FALSE;
  *out = v;
  return TRUE;
}

static void
label (HandoffTranscriptReceiver *self,
       LkParticipant             *participant)
{
  const char *name = lk_participant_get_name (participant);

  if (name && *name)
    handoff_transcript_set_speaker_name (self->transcript,
                                         lk_participant_get_identity (participant), name);
}

static void
on_text_received (LkRoom                    *room,
                  const char                *identity,
                  const char                *topic,
                  const char                *text,
                  GHashTable                *attributes,
                  const char                *stream_id,
                  HandoffTranscriptReceiver *self)
{
  g_autoptr(HandoffSegment) segment = NULL;
  const char *id = NULL, *track = NULL, *speaker = NULL, *final_attr = NULL;
  gint64 now = g_get_real_time () / 1000;
  gint64 start, end, *first;
  gboolean final;
  LkParticipant *participant;

  if (g_strcmp0 (topic, LK_TOPIC_TRANSCRIPTION) != 0)
    return;
  if (!text || strlen (text) > MAX_SEGMENT_TEXT)
    {
      self->n_rejected++;
      g_debug ("Ignoring an oversized transcription stream from %s", identity);
      return;
    }

  if (attributes)
    {
      id = g_hash_table_lookup (attributes, LK_ATTR_SEGMENT_ID);
      track = g_hash_table_lookup (attributes, LK_ATTR_TRANSCRIBED_TRACK_ID);
      speaker = g_hash_table_lookup (attributes, HANDOFF_ATTR_SPEAKER);
      final_attr = g_hash_table_lookup (attributes, LK_ATTR_TRANSCRIPTION_FINAL);
    }
  if (!id || !*id)
    id = stream_id;
  if (!id || !*id)
    {
      self->n_rejected++;
      return;
    }
  if (!speaker || !*speaker)
    speaker = identity;
  /* As components-js reads it: anything but "true" is a partial. */
  final = g_strcmp0 (final_attr, "true") == 0;

  first = g_hash_table_lookup (self->first_seen, id);
  if (!first)
    {
      first = g_new (gint64, 1);
      *first = now;
      g_hash_table_insert (self->first_seen, g_strdup (id), first);
    }
  if (!parse_ms (attributes, HANDOFF_ATTR_START_MS, &start))
    start = *first;
  if (!parse_ms (attributes, HANDOFF_ATTR_END_MS, &end) || end < start)
    end = MAX (now, start);

  segment = handoff_segment_new (speaker, track, id, text, start, end, final);
  participant = lk_room_lookup_participant (room, speaker);
  if (participant)
    label (self, participant);
  handoff_transcript_add_segment (self->transcript, segment);
  if (final)
    g_hash_table_remove (self->first_seen, id);
}

static void
on_participant (LkRoom                    *room,
                LkParticipant             *participant,
                HandoffTranscriptReceiver *self)
{
  label (self, participant);
}

guint
handoff_transcript_receiver_get_n_rejected (HandoffTranscriptReceiver *self)
{
  g_return_val_if_fail (HANDOFF_IS_TRANSCRIPT_RECEIVER (self), 0);
  return self->n_rejected;
}

static void
handoff_transcript_receiver_dispose (GObject *object)
{
  HandoffTranscriptReceiver *self = HANDOFF_TRANSCRIPT_RECEIVER (object);

  if (self->room)
    g_signal_handlers_disconnect_by_data (self->room, self);
  g_clear_object (&self->room);
  g_clear_object (&self->transcript);

  G_OBJECT_CLASS (handoff_transcript_receiver_parent_class)->dispose (object);
}

static void
handoff_transcript_receiver_finalize (GObject *object)
{
  HandoffTranscriptReceiver *self = HANDOFF_TRANSCRIPT_RECEIVER (object);

  g_hash_table_unref (self->first_seen);

  G_OBJECT_CLASS (handoff_transcript_receiver_parent_class)->finalize (object);
}

static void
handoff_transcript_receiver_class_init (HandoffTranscriptReceiverClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = handoff_transcript_receiver_dispose;
  object_class->finalize = handoff_transcript_receiver_finalize;
}

static void
handoff_transcript_receiver_init (HandoffTranscriptReceiver *self)
{
  self->first_seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

HandoffTranscriptReceiver *
handoff_transcript_receiver_new (LkRoom            *room,
                                 HandoffTranscript *transcript)
{
  HandoffTranscriptReceiver *self;

  g_return_val_if_fail (LK_IS_ROOM (room), NULL);
  g_return_val_if_fail (HANDOFF_IS_TRANSCRIPT (transcript), NULL);

  self = g_object_new (HANDOFF_TYPE_TRANSCRIPT_RECEIVER, NULL);
  self->room = g_object_ref (room);
  self->transcript = g_object_ref (transcript);
  g_signal_connect (room, "text-received", G_CALLBACK (on_text_received), self);
  g_signal_connect (room, "participant-connected", G_CALLBACK (on_participant), self);
  g_signal_connect (room, "participant-updated", G_CALLBACK (on_participant), self);
  return self;
}
