/* handoff-transcriber.h: speech to segments, from any GStreamer audio branch
 *
 * A transcriber gives out a bin (handoff_transcriber_get_sink_bin) with one
 * "sink" pad taking any raw audio: link a tee branch to it (a LiveKit track
 * tap, the microphone, a file). It emits "segment" with partial and final
 * HandoffSegments on the main context that was the thread default when it
 * was created, and "finished" once the input ended and every result is in.
 *
 * Backends (HandoffTranscriberBackend, the GSettings key
 * transcription-backend): the embedded pocketsphinx recogniser, Deepgram
 * streaming, or an OpenAI-compatible /audio/transcriptions endpoint. A cloud
 * backend that fails (no key, refused key, network) falls back to the local
 * recogniser, re-decoding the audio the cloud had not transcribed yet, and
 * says why once: the "fallback" signal and the fallback-reason property.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <gst/gst.h>

#include "handoff-segment.h"
#include "handoff-sphinx.h"

G_BEGIN_DECLS

/* The order matches the transcription-backend GSettings enum. */
typedef enum {
  HANDOFF_TRANSCRIBER_BACKEND_LOCAL,
  HANDOFF_TRANSCRIBER_BACKEND_DEEPGRAM,
  HANDOFF_TRANSCRIBER_BACKEND_OPENAI,
} HandoffTranscriberBackend;

#define HANDOFF_TYPE_TRANSCRIBER (handoff_transcriber_get_type ())
G_DECLARE_DERIVABLE_TYPE (HandoffTranscriber, handoff_transcriber, HANDOFF, TRANSCRIBER, GObject)

struct _HandoffTranscriberClass
{
  GObjectClass parent_class;

  /* Cloud backends only (NULL: the local recogniser gets the audio).
   * Streaming thread: 16 kHz S16LE mono, PTS from 0 at the first buffer. */
  void (*audio) (HandoffTranscriber *self,
                 GstBuffer          *buffer);
  /* Main context: the input ended; call handoff_transcriber_cloud_done()
   * once every result is in. */
  void (*drain) (HandoffTranscriber *self);
  /* Main context: stop all network work (fallback or dispose). */
  void (*stop)  (HandoffTranscriber *self);

  gpointer padding[8];
};

/* A live transcriber (a call) with the wideband profile. */
HandoffTranscriber        *handoff_transcriber_new                (HandoffTranscriberBackend backend);
/* @live: FALSE for files (see the live property); @cmninit: NULL or an
 * override of the profile's initial cepstral mean. */
HandoffTranscriber        *handoff_transcriber_new_full           (HandoffTranscriberBackend backend,
                                                                   gboolean                  live,
                                                                   HandoffSpeechProfile      profile,
                                                                   const char               *cmninit);
/* The configured backend of @settings (key transcription-backend). */
HandoffTranscriberBackend  handoff_transcriber_backend_from_settings (GSettings *settings);
const char                *handoff_transcriber_backend_to_string  (HandoffTranscriberBackend backend);
gboolean                   handoff_transcriber_backend_from_string (const char                *name,
                                                                    HandoffTranscriberBackend *backend);

/* (transfer none): the bin to link audio into. */
GstElement                *handoff_transcriber_get_sink_bin       (HandoffTranscriber *self);
HandoffTranscriberBackend  handoff_transcriber_get_backend        (HandoffTranscriber *self);
const char                *handoff_transcriber_get_identity       (HandoffTranscriber *self);
void                       handoff_transcriber_set_identity       (HandoffTranscriber *self,
                                                                   const char         *identity);
const char                *handoff_transcriber_get_track_id       (HandoffTranscriber *self);
void                       handoff_transcriber_set_track_id       (HandoffTranscriber *self,
                                                                   const char         *track_id);
/* NULL unless the backend fell back to the local recogniser. */
const char                *handoff_transcriber_get_fallback_reason (HandoffTranscriber *self);
gboolean                   handoff_transcriber_is_finished        (HandoffTranscriber *self);

/* For backends. */
GMainContext              *handoff_transcriber_get_context        (HandoffTranscriber *self);
gboolean                   handoff_transcriber_get_live           (HandoffTranscriber *self);
/* Any thread. @key names the utterance within this backend (partials and
 * the final of one utterance share it); times are the audio's PTS. */
void                       handoff_transcriber_emit_segment       (HandoffTranscriber *self,
                                                                   const char         *key,
                                                                   const char         *text,
                                                                   GstClockTime        start,
                                                                   GstClockTime        end,
                                                                   gboolean            final);
/* Main context. Audio up to @upto has a final result: it is not kept for a fallback. */
void                       handoff_transcriber_confirm            (HandoffTranscriber *self,
                                                                   GstClockTime        upto);
/* Main context. First call wins; later ones are ignored. */
void                       handoff_transcriber_fall_back          (HandoffTranscriber *self,
                                                                   const GError       *reason);
void                       handoff_transcriber_cloud_done         (HandoffTranscriber *self);

/* Whose key a cloud backend uses, as the keyring names it: one key per
 * service and endpoint (@url NULL or "": the service's own). */
char                     *handoff_transcriber_key_account (HandoffTranscriberBackend  backend,
                                                          const char                *url);

G_END_DECLS
