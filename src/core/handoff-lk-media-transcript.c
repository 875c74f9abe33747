/* handoff-lk-media-transcript.c: HandoffLkMedia's transcript lines — our
 * own microphone transcribed (into our transcript and, as LiveKit
 * transcription, to those who may hear us) and the others' received
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "handoff-media"

#include "config.h"

#include "handoff-call-session.h"
#include "handoff-lk-media-private.h"
#include "handoff-server-client.h"

/* Our words reach those who may hear us, no one else. */
void
handoff_lk_media_update_transcript_audience (HandoffLkMedia *self)
{
  static const char *const nobody[] = { "", NULL };

  if (self->publisher == NULL)
    return;
  if (self->mic_all)
    handoff_transcript_publisher_set_destinations (self->publisher, NULL);
  else
    handoff_transcript_publisher_set_destinations (self->publisher,
                                                   self->mic_allowed && self->mic_allowed[0]
                                                     ? (const char * const *) self->mic_allowed : nobody);
}

/* A transcript line for the call session: the interface carries it as a
 * data packet on HANDOFF_TOPIC_TRANSCRIPT. An empty final removes the line
 * its partials showed. */
static void
emit_segment (HandoffLkMedia *self,
              const char     *identity,
              const char     *id,
              const char     *text,
              gboolean        final,
              gint64          start_ms,
              gint64          end_ms,
              const char     *speaker_name)
{
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GBytes) bytes = NULL;
  char *json;

  node = handoff_json_object_node ("id", 's', id, "identity", 's', identity, "text", 's', text,
                                   "final", 'b', final, "start_ms", 'i', start_ms, "end_ms", 'i', end_ms,
                                   speaker_name && *speaker_name ? "speaker" : NULL, 's', speaker_name,
                                   NULL);
  json = json_to_string (node, FALSE);
  bytes = g_bytes_new_take (json, strlen (json));
  g_signal_emit_by_name (self, "data-received", identity, HANDOFF_TOPIC_TRANSCRIPT, bytes);
}

static gint64
attr_ms (GHashTable *attributes,
         const char *key,
         gint64      fallback)
{
  const char *value = attributes ? g_hash_table_lookup (attributes, key) : NULL;
  gint64 v;

  if (value == NULL || !g_ascii_string_to_signed (value, 10, 0, G_MAXINT64, &v, NULL))
    return fallback;
  return v;
}

/* LiveKit transcription text streams (ours as HandoffTranscriptPublisher
 * sends them, or any LiveKit agent's) become transcript lines. */
void
handoff_lk_media_on_text (LkRoom         *room,
                          const char     *identity,
                          const char     *topic,
                          const char     *text,
                          GHashTable     *attributes,
                          const char     *stream_id,
                          HandoffLkMedia *self)
{
  const char *id, *final, *speaker;
  gint64 now_ms = g_get_real_time () / 1000;
  gint64 start_ms;

  if (g_strcmp0 (topic, LK_TOPIC_TRANSCRIPTION) != 0)
    return;
  id = attributes ? g_hash_table_lookup (attributes, LK_ATTR_SEGMENT_ID) : NULL;
  final = attributes ? g_hash_table_lookup (attributes, LK_ATTR_TRANSCRIPTION_FINAL) : NULL;
  /* Someone transcribing another party (an agent's app for a phone caller). */
  speaker = attributes ? g_hash_table_lookup (attributes, HANDOFF_ATTR_SPEAKER) : NULL;
  start_ms = attr_ms (attributes, HANDOFF_ATTR_START_MS, now_ms);
  emit_segment (self, speaker && *speaker ? speaker : identity, id ? id : stream_id, text,
                g_strcmp0 (final, "false") != 0, start_ms,
                attr_ms (attributes, HANDOFF_ATTR_END_MS, MAX (start_ms, now_ms)), NULL);
}

/* ---- our own words ---- */

/* Into our own transcript, as if they came from the room; the publisher
 * sends them to the others. */
static void
on_own_segment (HandoffTranscriber *transcriber,
                HandoffSegment     *segment,
                HandoffLkMedia     *self)
{
  LkParticipant *me = lk_room_get_local_participant (self->room);
  const char *identity = me ? lk_participant_get_identity (me) : NULL;

  if (identity == NULL)
    return;
  emit_segment (self, identity, handoff_segment_get_id (segment), handoff_segment_get_text (segment),
                handoff_segment_get_final (segment), handoff_segment_get_start_ms (segment),
                handoff_segment_get_end_ms (segment), lk_participant_get_name (me));
}

/* While muted the recogniser hears nothing at all (LkTrack's mute acts after
 * its taps): its tap comes off, and back on when we speak again. */
void
handoff_lk_media_tap_transcriber (HandoffLkMedia *self,
                                  gboolean        on)
{
  g_autoptr(GError) error = NULL;

  if (self->transcriber == NULL || self->mic == NULL || self->transcriber_tapped == on)
    return;
  if (!on)
    lk_track_remove_tap (self->mic, handoff_transcriber_get_sink_bin (self->transcriber));
  else if (!lk_track_add_tap (self->mic, handoff_transcriber_get_sink_bin (self->transcriber), &error))
    {
      g_message ("No transcript of the microphone: %s", error->message);
      return;
    }
  self->transcriber_tapped = on;
}

void
handoff_lk_media_start_transcribing (HandoffLkMedia *self)
{
  LkParticipant *me = lk_room_get_local_participant (self->room);

  if (self->transcriber == NULL)
    return;
  if (me != NULL)
    handoff_transcriber_set_identity (self->transcriber, lk_participant_get_identity (me));
  handoff_transcriber_set_track_id (self->transcriber, lk_track_get_sid (self->mic));
  g_signal_connect (self->transcriber, "segment", G_CALLBACK (on_own_segment), self);
  self->publisher = handoff_transcript_publisher_new (self->room, self->transcriber);
  handoff_lk_media_update_transcript_audience (self);
  handoff_lk_media_tap_transcriber (self, !self->muted);
}

gpointer
handoff_lk_media_get_transcriber (HandoffLkMedia *self)
{
  g_return_val_if_fail (HANDOFF_IS_LK_MEDIA (self), NULL);
  return self->transcriber;
}

void
handoff_lk_media_set_transcriber (HandoffLkMedia *self,
                                  gpointer        transcriber)
{
  g_return_if_fail (HANDOFF_IS_LK_MEDIA (self));
  g_return_if_fail (transcriber == NULL || HANDOFF_IS_TRANSCRIBER (transcriber));
  g_return_if_fail (self->mic == NULL);
  g_set_object (&self->transcriber, transcriber);
}
