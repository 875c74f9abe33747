/* handoff-transcript-publisher.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "handoff-transcript-publisher"

#include "handoff-transcript-publisher.h"

#define PARTIAL_INTERVAL_MS 250

struct _HandoffTranscriptPublisher
{
  GObject             parent_instance;

  LkRoom             *room;
  HandoffTranscriber *transcriber;
  GStrv               destinations;
  GCancellable       *cancellable;

  GHashTable         *last_partial;   /* segment id → gint64* monotonic µs of the last send */
  GHashTable         *pending;        /* segment id → HandoffSegment waiting for its slot */
  guint               flush_id;
  guint               n_sent;
  guint               n_failed;
};

G_DEFINE_FINAL_TYPE (HandoffTranscriptPublisher, handoff_transcript_publisher, G_TYPE_OBJECT)

static void
on_sent (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(HandoffTranscriptPublisher) self = user_data;
  g_autoptr(GError) error = NULL;

  if (lk_room_send_text_finish (LK_ROOM (source), result, &error))
    {
      self->n_sent++;
      return;
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->n_failed++;
  g_debug ("A transcript segment was not sent: %s", error->message);
}

static void
send_segment (HandoffTranscriptPublisher *self,
              HandoffSegment             *segment)
{
  g_autoptr(GHashTable) attributes = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  LkParticipant *local = lk_room_get_local_participant (self->room);
  const char *identity = handoff_segment_get_identity (segment);

  g_hash_table_insert (attributes, (gpointer) LK_ATTR_SEGMENT_ID,
                       g_strdup (handoff_segment_get_id (segment)));
  g_hash_table_insert (attributes, (gpointer) LK_ATTR_TRANSCRIBED_TRACK_ID,
                       g_strdup (handoff_segment_get_track_id (segment)));
  g_hash_table_insert (attributes, (gpointer) LK_ATTR_TRANSCRIPTION_FINAL,
                       g_strdup (handoff_segment_get_final (segment) ? "true" : "false"));
  g_hash_table_insert (attributes, (gpointer) HANDOFF_ATTR_START_MS,
                       g_strdup_printf ("%" G_GINT64_FORMAT, handoff_segment_get_start_ms (segment)));
  g_hash_table_insert (attributes, (gpointer) HANDOFF_ATTR_END_MS,
                       g_strdup_printf ("%" G_GINT64_FORMAT, handoff_segment_get_end_ms (segment)));
  if (identity && *identity && (!local || g_strcmp0 (identity, lk_participant_get_identity (local)) != 0))
    g_hash_table_insert (attributes, (gpointer) HANDOFF_ATTR_SPEAKER, g_strdup (identity));

  lk_room_send_text_async (self->room, handoff_segment_get_text (segment), LK_TOPIC_TRANSCRIPTION,
                           attributes, (const char * const *) self->destinations,
                           self->cancellable, on_sent, g_object_ref (self));
}

static gboolean
flush_pending (gpointer user_data)
{
  HandoffTranscriptPublisher *self = user_data;
  gint64 now = g_get_monotonic_time ();
  GHashTableIter iter;
  gpointer key, value;
  gboolean waiting = FALSE;

  g_hash_table_iter_init (&iter, self->pending);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      gint64 *last = g_hash_table_lookup (self->last_partial, key);

      if (last && now - *last < PARTIAL_INTERVAL_MS * 1000)
        {
          waiting = TRUE;
          continue;
        }
      send_segment (self, value);
      if (!last)
        {
          last = g_new (gint64, 1);
          g_hash_table_insert (self->last_partial, g_strdup (key), last);
        }
      *last = now;
      g_hash_table_iter_remove (&iter);
    }
  if (!waiting)
    {
      self->flush_id = 0;
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static void
on_segment (HandoffTranscriber         *transcriber,
            HandoffSegment             *segment,
            HandoffTranscriptPublisher *self)
{
  const char *id = handoff_segment_get_id (segment);

  if (handoff_segment_get_final (segment))
    {
      g_hash_table_remove (self->pending, id);
      g_hash_table_remove (self->last_partial, id);
      send_segment (self, segment);
      return;
    }
  g_hash_table_replace (self->pending, g_strdup (id), g_object_ref (segment));
  if (!self->flush_id)
    {
      flush_pending (self);
      if (g_hash_table_size (self->pending) && !self->flush_id)
        self->flush_id = g_timeout_add (PARTIAL_INTERVAL_MS / 5, flush_pending, self);
    }
}

void
handoff_transcript_publisher_set_destinations (HandoffTranscriptPublisher *self,
                                               const char * const         *identities)
{
  g_return_if_fail (HANDOFF_IS_TRANSCRIPT_PUBLISHER (self));

  g_clear_pointer (&self->destinations, g_strfreev);
  if (identities && identities[0])
    self->destinations = g_strdupv ((char **) identities);
}

guint
handoff_transcript_publisher_get_n_sent (HandoffTranscriptPublisher *self)
{
  g_return_val_if_fail (HANDOFF_IS_TRANSCRIPT_PUBLISHER (self), 0);
  return self->n_sent;
}

guint
handoff_transcript_publisher_get_n_failed (HandoffTranscriptPublisher *self)
{
  g_return_val_if_fail (HANDOFF_IS_TRANSCRIPT_PUBLISHER (self), 0);
  return self->n_failed;
}

static void
handoff_transcript_publisher_dispose (GObject *object)
{
  HandoffTranscriptPublisher *self = HANDOFF_TRANSCRIPT_PUBLISHER (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->flush_id, g_source_remove);
  if (self->transcriber)
    g_signal_handlers_disconnect_by_data (self->transcriber, self);
  g_clear_object (&self->transcriber);
  g_clear_object (&self->room);
  g_hash_table_remove_all (self->pending);

  G_OBJECT_CLASS (handoff_transcript_publisher_parent_class)->dispose (object);
}

static void
handoff_transcript_publisher_finalize (GObject *object)
{
  HandoffTranscriptPublisher *self = HANDOFF_TRANSCRIPT_PUBLISHER (object);

  g_strfreev (self->destinations);
  g_clear_object (&self->cancellable);
  g_hash_table_unref (self->last_partial);
  g_hash_table_unref (self->pending);

  G_OBJECT_CLASS (handoff_transcript_publisher_parent_class)->finalize (object);
}

static void
handoff_transcript_publisher_class_init (HandoffTranscriptPublisherClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = handoff_transcript_publisher_dispose;
  object_class->finalize = handoff_transcript_publisher_finalize;
}

static void
handoff_transcript_publisher_init (HandoffTranscriptPublisher *self)
{
  self->cancellable = g_cancellable_new ();
  self->last_partial = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->pending = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
}

HandoffTranscriptPublisher *
handoff_transcript_publisher_new (LkRoom             *room,
                                  HandoffTranscriber *transcriber)
{
  HandoffTranscriptPublisher *self;

  g_return_val_if_fail (LK_IS_ROOM (room), NULL);
  g_return_val_if_fail (HANDOFF_IS_TRANSCRIBER (transcriber), NULL);

  self = g_object_new (HANDOFF_TYPE_TRANSCRIPT_PUBLISHER, NULL);
  self->room = g_object_ref (room);
  self->transcriber = g_object_ref (transcriber);
  g_signal_connect (transcriber, "segment", G_CALLBACK (on_segment), self);
  return self;
}
