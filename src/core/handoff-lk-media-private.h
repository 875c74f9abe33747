/* handoff-lk-media-private.h: what the parts of HandoffLkMedia share
 *
 * HandoffLkMedia is one GObject in four files: handoff-lk-media.c (the
 * object, connecting, permissions and hearing, hold music), -meters.c (the
 * microphone's and the speaker's level meters), -transcript.c (our own
 * words transcribed and sent, and the others' received) and -absence.c (a
 * participant whose audio stopped; hold music played locally). Only those files
 * include this header.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "handoff-lk-media.h"
#include "handoff-transcriber.h"
#include "handoff-transcript-publisher.h"
#include "lk-room.h"

G_BEGIN_DECLS

/* The level a tap last saw: written by its streaming thread, read by the UI
 * on its own clock. Shared by the tap (freed with it) and us. */
typedef struct {
  gint level_milli;   /* RMS x 1000 */
  gint stamp_ms;      /* monotonic, when it was written */
} TapMeter;

struct _HandoffLkMedia
{
  GObject       parent_instance;

  LkRoom       *room;
  GstElement   *mic_source;   /* NULL: HANDOFF_AUDIO_SRC or the default */
  guint         mic_choice;   /* counts the app's choices of microphone */
  guint         mic_choice_published;  /* the one being (or last) published */
  LkTrack      *mic;
  LkTrack      *music;
  GCancellable *cancellable;
  gboolean      muted;
  gboolean      mic_all;
  GStrv         mic_allowed;
  GStrv         music_audience;
  TapMeter     *mic_meter;
  GMutex        meters_lock;
  GPtrArray    *speaker_meters;  /* TapMeter, one per remote track heard */
  HandoffTranscriber *transcriber;   /* our own microphone, NULL: none */
  HandoffTranscriptPublisher *publisher;
  gboolean      transcriber_tapped;
  gboolean      speaker_meter_on;
  char         *music_file;
  gboolean      music_pending;
  GPtrArray    *heard;           /* -absence.c: HeardTrack, the speaker meters by owner */
  GHashTable   *stalled;         /* identities whose audio stopped */
  guint         stall_watch_id;
  GstElement   *local_music;     /* our own hold music, a playback source of the room, or NULL */
  TapMeter     *local_music_meter;  /* in speaker_meters while it plays */
};

/* The RMS of @n S16 samples into @meter, stamped now (-meters.c). */
void      handoff_lk_media_meter_write                (TapMeter        *meter,
                                                       const gint16    *samples,
                                                       gsize            n);
/* A level tap on @track (-meters.c). */
TapMeter *handoff_lk_media_add_level_tap              (LkTrack         *track,
                                                       GstElement     **tap_out);
/* The built-in tune, or `file` (handoff-lk-media.c). */
GstElement *handoff_lk_media_make_music_source        (const char      *file,
                                                       GError         **error);
/* -absence.c */
void      handoff_lk_media_watch_track                (HandoffLkMedia  *self,
                                                       LkTrack         *track,
                                                       TapMeter        *meter);
void      handoff_lk_media_heard_track_free           (gpointer         heard);
void      handoff_lk_media_start_stall_watch          (HandoffLkMedia  *self);
void      handoff_lk_media_absence_clear              (HandoffLkMedia  *self);
void      handoff_lk_media_set_local_music            (HandoffCallMedia *media,
                                                       gboolean          on);
/* -transcript.c */
void      handoff_lk_media_update_transcript_audience (HandoffLkMedia  *self);
void      handoff_lk_media_start_transcribing         (HandoffLkMedia  *self);
void      handoff_lk_media_tap_transcriber            (HandoffLkMedia  *self,
                                                       gboolean         on);
void      handoff_lk_media_on_text                    (LkRoom          *room,
                                                       const char      *identity,
                                                       const char      *topic,
                                                       const char      *text,
                                                       GHashTable      *attributes,
                                                       const char      *stream_id,
                                                       HandoffLkMedia  *self);

G_END_DECLS
