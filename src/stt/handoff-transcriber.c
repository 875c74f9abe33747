/* handoff-transcriber.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "handoff-transcriber"

#include <gst/app/gstappsink.h>

#include "handoff-stt-enums.h"
#include "handoff-stt-error.h"
#include "handoff-transcriber.h"
#include "lk-main-context.h"

GST_DEBUG_CATEGORY_STATIC (handoff_transcriber_debug);
#define GST_CAT_DEFAULT handoff_transcriber_debug

/* What a cloud backend keeps for a fallback to re-decode: a call needs only
 * the last moments; a file is finite and should lose nothing. */
#define RETAIN_LIVE (30 * GST_SECOND)
#define RETAIN_FILE (3600 * GST_SECOND)

enum {
  PROP_0,
  PROP_BACKEND,
  PROP_IDENTITY,
  PROP_TRACK_ID,
  PROP_LIVE,
  PROP_SPEECH_PROFILE,
  PROP_CMNINIT,
  PROP_FALLBACK_REASON,
  N_PROPS
};

enum {
  SEGMENT,
  FALLBACK,
  FINISHED,
  N_SIGNALS
};

static GParamSpec *props[N_PROPS];
static guint signals[N_SIGNALS];

/* What the appsink callbacks hold: the bin may outlive the transcriber
 * (it sits in someone else's pipeline), so they reach it through this and
 * dispose cuts the link while no callback runs. */
typedef struct
{
  GRWLock             lock;
  HandoffTranscriber *self;
} SinkLink;

static void
sink_link_clear (gpointer data)
{
  g_rw_lock_clear (&((SinkLink *) data)->lock);
}

static void
sink_link_release (gpointer data)
{
  g_atomic_rc_box_release_full (data, sink_link_clear);
}

typedef struct
{
  GMainContext             *context;
  HandoffTranscriberBackend backend;
  char                     *identity;
  char                     *track_id;
  char                     *id_prefix;
  gboolean                  live;
  HandoffSpeechProfile      profile;
  char                     *cmninit;
  char                     *fallback_reason;
  gint64                    origin_ms;      /* wall clock of PTS 0 (live) */
  gboolean                  disposed;

  GstElement               *bin;

  /* Shared with the streaming threads. */
  GMutex                    lock;
  GstClockTime              first_pts;
  HandoffSphinx            *sphinx;
  gboolean                  sphinx_failed;
  gboolean                  sphinx_loading;
  gboolean                  use_local;
  gboolean                  replay_pending;
  gboolean                  eos_seen;
  GQueue                    retained;       /* GstBuffer, oldest first */
  GstClockTime              confirmed;

  gboolean                  local_done;
  SinkLink                 *link;

  /* Main context only. */
  gboolean                  cloud_done;
  gboolean                  finished;
} HandoffTranscriberPrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (HandoffTranscriber, handoff_transcriber, G_TYPE_OBJECT)

#define PRIV(self) ((HandoffTranscriberPrivate *) handoff_transcriber_get_instance_private (self))

typedef struct
{
  HandoffTranscriber *self;
  char               *key;
  char               *text;
  GstClockTime        start;
  GstClockTime        end;
  gboolean            final;
} PendingSegment;

static void
pending_segment_free (gpointer data)
{
  PendingSegment *pending = data;

  g_object_unref (pending->self);
  g_free (pending->key);
  g_free (pending->text);
  g_free (pending);
}

static gint64
to_timeline_ms (HandoffTranscriber *self,
                GstClockTime        pts)
{
  HandoffTranscriberPrivate *priv = PRIV (self);
  gint64 ms = GST_CLOCK_TIME_IS_VALID (pts) ? (gint64) (pts / GST_MSECOND) : 0;

  return priv->live ? priv->origin_ms + ms : ms;
}

static void
maybe_finish (HandoffTranscriber *self)
{
  HandoffTranscriberPrivate *priv = PRIV (self);
  gboolean eos, local;

  gboolean local_done;

  g_mutex_lock (&priv->lock);
  eos = priv->eos_seen;
  local = priv->use_local;
  local_done = priv->local_done;
  g_mutex_unlock (&priv->lock);

  if (priv->finished || priv->disposed || !eos)
    return;
  if (local ? !local_done : !priv->cloud_done)
    return;
  priv->finished = TRUE;
  g_signal_emit (self, signals[FINISHED], 0);
}

static gboolean
emit_in_main (gpointer data)
{
  PendingSegment *pending = data;
  HandoffTranscriber *self = pending->self;
  HandoffTranscriberPrivate *priv = PRIV (self);
  g_autoptr(HandoffSegment) segment = NULL;
  g_autofree char *id = NULL;

  if (priv->disposed)
    return G_SOURCE_REMOVE;

  id = g_strdup_printf ("%s-%s", priv->id_prefix, pending->key);
  segment = handoff_segment_new (priv->identity, priv->track_id, id, pending->text,
                                 to_timeline_ms (self, pending->start),
                                 to_timeline_ms (self, pending->end),
                                 pending->final);
  if (pending->final && GST_CLOCK_TIME_IS_VALID (pending->end))
    handoff_transcriber_confirm (self, pending->end);
  g_signal_emit (self, signals[SEGMENT], 0, segment);
  return G_SOURCE_REMOVE;
}

void
handoff_transcriber_emit_segment (HandoffTranscriber *self,
                                  const char         *key,
                                  const char         *text,
                                  GstClockTime        start,
                                  GstClockTime        end,
                                  gboolean            final)
{
  PendingSegment *pending;

  g_return_if_fail (HANDOFF_IS_TRANSCRIBER (self));
  g_return_if_fail (key != NULL && text != NULL);

  pending = g_new0 (PendingSegment, 1);
  pending->self = g_object_ref (self);
  pending->key = g_strdup (key);
  pending->text = g_strdup (text);
  pending->start = start;
  pending->end = end;
  pending->final = final;
  lk_main_context_invoke (PRIV (self)->context, G_PRIORITY_DEFAULT,
                          emit_in_main, pending, pending_segment_free);
}

/* Local recogniser callbacks: its streaming thread. */
static void
on_sphinx_hypothesis (gpointer     user_data,
                      guint        utterance,
                      const char  *text,
                      gboolean     final,
                      GstClockTime start,
                      GstClockTime end)
{
  g_autofree char *key = g_strdup_printf ("l%u", utterance);

  handoff_transcriber_emit_segment (user_data, key, text, start, end, final);
}

static gboolean
local_done_in_main (gpointer data)
{
  HandoffTranscriber *self = data;
  HandoffTranscriberPrivate *priv = PRIV (self);

  g_mutex_lock (&priv->lock);
  priv->local_done = TRUE;
  g_mutex_unlock (&priv->lock);
  maybe_finish (self);
  return G_SOURCE_REMOVE;
}

static void
on_sphinx_done (gpointer      user_data,
                const GError *error)
{
  HandoffTranscriber *self = user_data;

  if (error)
    g_warning ("%s", error->message);
  lk_main_context_invoke (PRIV (self)->context, G_PRIORITY_DEFAULT, local_done_in_main,
                          g_object_ref (self), g_object_unref);
}

/* With the lock held. */
static HandoffSphinx *
ensure_sphinx (HandoffTranscriber *self)
{
  HandoffTranscriberPrivate *priv = PRIV (self);
  g_autoptr(GError) error = NULL;

  if (priv->sphinx || priv->sphinx_failed || priv->sphinx_loading)
    return priv->sphinx;
  priv->sphinx = handoff_sphinx_new (priv->profile, priv->cmninit, priv->live,
                                     on_sphinx_hypothesis, on_sphinx_done, self, &error);
  if (!priv->sphinx)
    {
      priv->sphinx_failed = TRUE;
      g_warning ("No local transcription: %s", error->message);
    }
  return priv->sphinx;
}

/* With the lock held: hands what the cloud had not finished to the local
 * recogniser, oldest first. */
static void
replay_retained (HandoffTranscriber *self)
{
  HandoffTranscriberPrivate *priv = PRIV (self);
  GstBuffer *buffer;

  priv->replay_pending = FALSE;
  while ((buffer = g_queue_pop_head (&priv->retained)))
    {
      GstClockTime end = GST_BUFFER_PTS (buffer) + GST_BUFFER_DURATION (buffer);

      if (!GST_CLOCK_TIME_IS_VALID (priv->confirmed) || end > priv->confirmed)
        if (ensure_sphinx (self))
          handoff_sphinx_push (priv->sphinx, buffer);
      gst_buffer_unref (buffer);
    }
}

static void
retain (HandoffTranscriber *self,
        GstBuffer          *buffer)
{
  HandoffTranscriberPrivate *priv = PRIV (self);
  GstClockTime limit = priv->live ? RETAIN_LIVE : RETAIN_FILE;
  GstClockTime now = GST_BUFFER_PTS (buffer);
  GstBuffer *head;

  g_queue_push_tail (&priv->retained, gst_buffer_ref (buffer));
  while ((head = g_queue_peek_head (&priv->retained)))
    {
      GstClockTime end = GST_BUFFER_PTS (head) + GST_BUFFER_DURATION (head);
      gboolean confirmed = GST_CLOCK_TIME_IS_VALID (priv->confirmed) && end <= priv->confirmed;

      if (!confirmed && now < limit + GST_BUFFER_PTS (head))
        break;
      gst_buffer_unref (g_queue_pop_head (&priv->retained));
    }
}

static void replay_retained (HandoffTranscriber *self);

typedef struct
{
  GWeakRef             self;
  HandoffSpeechProfile profile;
  char                *cmninit;
  gboolean             live;
  gpointer             raw_self;   /* the callbacks' user data; only used while alive */
} Loader;

static gboolean
finish_in_main (gpointer data)
{
  maybe_finish (data);
  return G_SOURCE_REMOVE;
}

/* Loads the model off the main thread (it takes ~0.3 s, far longer under a
 * sanitizer; a blocked main loop loses the call's signalling). Until it is
 * ready the streaming thread keeps the audio, which is replayed here. */
static gpointer
load_sphinx_thread (gpointer data)
{
  Loader *loader = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(HandoffSphinx) sphinx = NULL;
  g_autoptr(HandoffTranscriber) self = NULL;
  HandoffTranscriberPrivate *priv;
  gboolean finish = FALSE;

  sphinx = handoff_sphinx_new (loader->profile, loader->cmninit, loader->live,
                               on_sphinx_hypothesis, on_sphinx_done, loader->raw_self, &error);
  self = g_weak_ref_get (&loader->self);
  if (self)
    {
      priv = PRIV (self);
      g_mutex_lock (&priv->lock);
      priv->sphinx_loading = FALSE;
      if (sphinx && !priv->disposed)
        priv->sphinx = g_steal_pointer (&sphinx);
      else
        {
          priv->sphinx_failed = TRUE;
          if (error)
            g_warning ("No local transcription: %s", error->message);
        }
      if (priv->use_local)
        {
          if (priv->eos_seen)
            {
              replay_retained (self);
              if (priv->sphinx)
                handoff_sphinx_end (priv->sphinx);
              else
                priv->local_done = finish = TRUE;
            }
          else
            {
              priv->replay_pending = TRUE;
            }
        }
      g_mutex_unlock (&priv->lock);
      if (finish)
        lk_main_context_invoke (priv->context, G_PRIORITY_DEFAULT, finish_in_main,
                                g_object_ref (self), g_object_unref);
    }
  g_weak_ref_clear (&loader->self);
  g_free (loader->cmninit);
  g_free (loader);
  return NULL;
}

/* With the lock held. */
static void
start_sphinx_load (HandoffTranscriber *self)
{
  HandoffTranscriberPrivate *priv = PRIV (self);
  Loader *loader;

  if (priv->sphinx || priv->sphinx_failed || priv->sphinx_loading)
    return;
  loader = g_new0 (Loader, 1);
  g_weak_ref_init (&loader->self, self);
  loader->raw_self = self;
  loader->profile = priv->profile;
  loader->cmninit = g_strdup (priv->cmninit);
  loader->live = priv->live;
  priv->sphinx_loading = TRUE;
  g_thread_unref (g_thread_new ("handoff-sphinx-load", load_sphinx_thread, loader));
}

static GstFlowReturn
handle_sample (HandoffTranscriber *self,
               GstAppSink         *sink)
{
  HandoffTranscriberPrivate *priv = PRIV (self);
  HandoffTranscriberClass *klass = HANDOFF_TRANSCRIBER_GET_CLASS (self);
  g_autoptr(GstSample) sample = gst_app_sink_pull_sample (sink);
  g_autoptr(GstBuffer) buffer = NULL;
  GstBuffer *in;
  GstClockTime pts;
  gboolean to_cloud = FALSE;

  if (!sample || !(in = gst_sample_get_buffer (sample)))
    return GST_FLOW_OK;

  /* Our own timeline: 0 at the first buffer, so a file and a call that
   * started an hour ago look the same to the backends. */
  pts = GST_BUFFER_PTS (in);
  buffer = gst_buffer_copy (in);
  g_mutex_lock (&priv->lock);
  if (!GST_CLOCK_TIME_IS_VALID (priv->first_pts))
    {
      GST_DEBUG ("first audio: %" G_GSIZE_FORMAT " bytes, pts %" GST_TIME_FORMAT ", model %s",
                 gst_buffer_get_size (in), GST_TIME_ARGS (pts),
                 priv->sphinx ? "ready" : priv->sphinx_loading ? "loading" : "not loaded");
      priv->first_pts = GST_CLOCK_TIME_IS_VALID (pts) ? pts : 0;
      priv->origin_ms = g_get_real_time () / 1000;
    }
  GST_BUFFER_PTS (buffer) = GST_CLOCK_TIME_IS_VALID (pts) && pts >= priv->first_pts
                            ? pts - priv->first_pts : 0;
  if (!GST_BUFFER_DURATION_IS_VALID (buffer))
    GST_BUFFER_DURATION (buffer) = gst_util_uint64_scale (gst_buffer_get_size (buffer) / 2,
                                                          GST_SECOND, 16000);
  GST_BUFFER_DTS (buffer) = GST_CLOCK_TIME_NONE;

  if (priv->use_local && priv->sphinx_loading)
    {
      retain (self, buffer);
    }
  else if (priv->use_local)
    {
      if (priv->replay_pending)
        replay_retained (self);
      if (ensure_sphinx (self))
        handoff_sphinx_push (priv->sphinx, buffer);
    }
  else
    {
      retain (self, buffer);
      to_cloud = TRUE;
    }
  g_mutex_unlock (&priv->lock);

  if (to_cloud && klass->audio)
    klass->audio (self, buffer);
  return GST_FLOW_OK;
}

static gboolean
drain_in_main (gpointer data)
{
  HandoffTranscriber *self = data;
  HandoffTranscriberPrivate *priv = PRIV (self);
  HandoffTranscriberClass *klass = HANDOFF_TRANSCRIBER_GET_CLASS (self);
  gboolean local;

  if (priv->disposed)
    return G_SOURCE_REMOVE;
  g_mutex_lock (&priv->lock);
  local = priv->use_local;
  g_mutex_unlock (&priv->lock);
  if (!local && klass->drain)
    klass->drain (self);
  maybe_finish (self);
  return G_SOURCE_REMOVE;
}

static void
handle_eos (HandoffTranscriber *self)
{
  HandoffTranscriberPrivate *priv = PRIV (self);

  g_mutex_lock (&priv->lock);
  priv->eos_seen = TRUE;
  if (priv->use_local && !priv->sphinx_loading)
    {
      if (priv->replay_pending)
        replay_retained (self);
      if (ensure_sphinx (self))
        handoff_sphinx_end (priv->sphinx);
      else
        priv->local_done = TRUE; /* nothing will come */
    }
  g_mutex_unlock (&priv->lock);

  lk_main_context_invoke (priv->context, G_PRIORITY_DEFAULT, drain_in_main,
                          g_object_ref (self), g_object_unref);
}

void
handoff_transcriber_confirm (HandoffTranscriber *self,
                             GstClockTime        upto)
{
  HandoffTranscriberPrivate *priv;

  g_return_if_fail (HANDOFF_IS_TRANSCRIBER (self));
  priv = PRIV (self);
  g_mutex_lock (&priv->lock);
  if (!GST_CLOCK_TIME_IS_VALID (priv->confirmed) || upto > priv->confirmed)
    priv->confirmed = upto;
  g_mutex_unlock (&priv->lock);
}

void
handoff_transcriber_fall_back (HandoffTranscriber *self,
                               const GError       *reason)
{
  HandoffTranscriberPrivate *priv;
  HandoffTranscriberClass *klass;

  g_return_if_fail (HANDOFF_IS_TRANSCRIBER (self));
  g_return_if_fail (reason != NULL);

  priv = PRIV (self);
  klass = HANDOFF_TRANSCRIBER_GET_CLASS (self);
  if (priv->fallback_reason || priv->disposed || priv->backend == HANDOFF_TRANSCRIBER_BACKEND_LOCAL)
    return;

  priv->fallback_reason = g_strdup_printf ("%s transcription is unavailable (%s); using local "
                                           "transcription instead",
                                           priv->backend == HANDOFF_TRANSCRIBER_BACKEND_DEEPGRAM
                                           ? "Deepgram" : "OpenAI-compatible",
                                           reason->message);
  g_message ("%s", priv->fallback_reason);

  if (klass->stop)
    klass->stop (self);

  g_mutex_lock (&priv->lock);
  priv->use_local = TRUE;
  start_sphinx_load (self);
  if (!priv->sphinx_loading)
    {
      if (priv->eos_seen)
        {
          replay_retained (self);
          if (priv->sphinx)
            handoff_sphinx_end (priv->sphinx);
          else
            priv->local_done = TRUE;
        }
      else
        {
          priv->replay_pending = TRUE;
        }
    }
  /* else the loader replays the retained audio once the model is ready */
  g_mutex_unlock (&priv->lock);

  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_FALLBACK_REASON]);
  g_signal_emit (self, signals[FALLBACK], 0, priv->fallback_reason);
  maybe_finish (self);
}

void
handoff_transcriber_cloud_done (HandoffTranscriber *self)
{
  g_return_if_fail (HANDOFF_IS_TRANSCRIBER (self));

  PRIV (self)->cloud_done = TRUE;
  maybe_finish (self);
}

static GstFlowReturn
on_new_sample (GstAppSink *sink,
               gpointer    user_data)
{
  SinkLink *link = user_data;
  GstFlowReturn ret = GST_FLOW_OK;

  g_rw_lock_reader_lock (&link->lock);
  if (link->self)
    ret = handle_sample (link->self, sink);
  else
    {
      g_autoptr(GstSample) sample = gst_app_sink_pull_sample (sink);
    }
  g_rw_lock_reader_unlock (&link->lock);
  return ret;
}

static void
on_eos (GstAppSink *sink,
        gpointer    user_data)
{
  SinkLink *link = user_data;

  g_rw_lock_reader_lock (&link->lock);
  if (link->self)
    handle_eos (link->self);
  g_rw_lock_reader_unlock (&link->lock);
}

static GstElement *
build_bin (HandoffTranscriber *self)
{
  HandoffTranscriberPrivate *priv = PRIV (self);
  GstAppSinkCallbacks callbacks = { .eos = on_eos, .new_sample = on_new_sample };
  g_autoptr(GstCaps) caps = gst_caps_from_string (HANDOFF_SPHINX_CAPS);
  g_autoptr(GstPad) sink_pad = NULL;
  GstElement *bin, *queue, *convert, *resample, *filter, *appsink;

  queue = gst_element_factory_make ("queue", NULL);
  convert = gst_element_factory_make ("audioconvert", NULL);
  resample = gst_element_factory_make ("audioresample", NULL);
  filter = gst_element_factory_make ("capsfilter", NULL);
  appsink = gst_element_factory_make ("appsink", NULL);
  g_assert (queue && convert && resample && filter && appsink);

  bin = gst_bin_new (NULL);
  gst_bin_add_many (GST_BIN (bin), queue, convert, resample, filter, appsink, NULL);
  gst_element_link_many (queue, convert, resample, filter, appsink, NULL);
  /* A call's tee must never wait for us; a file must lose nothing. */
  if (priv->live)
    g_object_set (queue, "leaky", 2, NULL);
  g_object_set (filter, "caps", caps, NULL);
  g_object_set (appsink, "sync", FALSE, "async", FALSE, "max-buffers", 0, NULL);

  priv->link = g_atomic_rc_box_new0 (SinkLink);
  g_rw_lock_init (&priv->link->lock);
  priv->link->self = self;
  gst_app_sink_set_callbacks (GST_APP_SINK (appsink), &callbacks,
                              g_atomic_rc_box_acquire (priv->link), sink_link_release);

  sink_pad = gst_element_get_static_pad (queue, "sink");
  gst_element_add_pad (bin, gst_ghost_pad_new ("sink", sink_pad));
  return gst_object_ref_sink (bin);
}

static void
handoff_transcriber_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  HandoffTranscriber *self = HANDOFF_TRANSCRIBER (object);
  HandoffTranscriberPrivate *priv = PRIV (self);

  switch (prop_id)
    {
    case PROP_BACKEND:
      g_value_set_enum (value, priv->backend);
      break;
    case PROP_IDENTITY:
      g_value_set_string (value, priv->identity);
      break;
    case PROP_TRACK_ID:
      g_value_set_string (value, priv->track_id);
      break;
    case PROP_LIVE:
      g_value_set_boolean (value, priv->live);
      break;
    case PROP_SPEECH_PROFILE:
      g_value_set_enum (value, priv->profile);
      break;
    case PROP_CMNINIT:
      g_value_set_string (value, priv->cmninit);
      break;
    case PROP_FALLBACK_REASON:
      g_value_set_string (value, priv->fallback_reason);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
handoff_transcriber_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  HandoffTranscriber *self = HANDOFF_TRANSCRIBER (object);
  HandoffTranscriberPrivate *priv = PRIV (self);

  switch (prop_id)
    {
    case PROP_BACKEND:
      priv->backend = g_value_get_enum (value);
      break;
    case PROP_IDENTITY:
      handoff_transcriber_set_identity (self, g_value_get_string (value));
      break;
    case PROP_TRACK_ID:
      handoff_transcriber_set_track_id (self, g_value_get_string (value));
      break;
    case PROP_LIVE:
      priv->live = g_value_get_boolean (value);
      break;
    case PROP_SPEECH_PROFILE:
      priv->profile = g_value_get_enum (value);
      break;
    case PROP_CMNINIT:
      g_free (priv->cmninit);
      priv->cmninit = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
handoff_transcriber_constructed (GObject *object)
{
  HandoffTranscriber *self = HANDOFF_TRANSCRIBER (object);
  HandoffTranscriberPrivate *priv = PRIV (self);

  G_OBJECT_CLASS (handoff_transcriber_parent_class)->constructed (object);

  priv->use_local = HANDOFF_TRANSCRIBER_GET_CLASS (self)->audio == NULL;
  priv->bin = build_bin (self);
  /* Loading the model takes a moment (much longer under a sanitizer);
   * doing it now keeps the first audio from waiting for it, and a live
   * tap from dropping speech meanwhile. Cloud backends load it only if
   * they fall back, and their retained audio covers the wait. */
  if (priv->use_local)
    {
      g_mutex_lock (&priv->lock);
      start_sphinx_load (self);
      g_mutex_unlock (&priv->lock);
    }
}

static void
handoff_transcriber_dispose (GObject *object)
{
  HandoffTranscriber *self = HANDOFF_TRANSCRIBER (object);
  HandoffTranscriberPrivate *priv = PRIV (self);
  HandoffTranscriberClass *klass = HANDOFF_TRANSCRIBER_GET_CLASS (self);
  HandoffSphinx *sphinx;

  if (!priv->disposed && klass->stop)
    klass->stop (self);
  priv->disposed = TRUE;

  if (priv->link)
    {
      g_rw_lock_writer_lock (&priv->link->lock);
      priv->link->self = NULL;
      g_rw_lock_writer_unlock (&priv->link->lock);
      g_clear_pointer (&priv->link, sink_link_release);
    }

  g_mutex_lock (&priv->lock);
  sphinx = g_steal_pointer (&priv->sphinx);
  g_queue_clear_full (&priv->retained, (GDestroyNotify) gst_buffer_unref);
  g_mutex_unlock (&priv->lock);
  handoff_sphinx_free (sphinx);

  if (priv->bin && !GST_OBJECT_PARENT (priv->bin))
    gst_element_set_state (priv->bin, GST_STATE_NULL);
  gst_clear_object (&priv->bin);

  G_OBJECT_CLASS (handoff_transcriber_parent_class)->dispose (object);
}

static void
handoff_transcriber_finalize (GObject *object)
{
  HandoffTranscriberPrivate *priv = PRIV (HANDOFF_TRANSCRIBER (object));

  g_main_context_unref (priv->context);
  g_free (priv->identity);
  g_free (priv->track_id);
  g_free (priv->id_prefix);
  g_free (priv->cmninit);
  g_free (priv->fallback_reason);
  g_mutex_clear (&priv->lock);

  G_OBJECT_CLASS (handoff_transcriber_parent_class)->finalize (object);
}

static void
handoff_transcriber_class_init (HandoffTranscriberClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = handoff_transcriber_get_property;
  object_class->set_property = handoff_transcriber_set_property;
  object_class->constructed = handoff_transcriber_constructed;
  object_class->dispose = handoff_transcriber_dispose;
  object_class->finalize = handoff_transcriber_finalize;

  props[PROP_BACKEND] =
    g_param_spec_enum ("backend", NULL, NULL,
                       HANDOFF_TYPE_TRANSCRIBER_BACKEND, HANDOFF_TRANSCRIBER_BACKEND_LOCAL,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  props[PROP_IDENTITY] =
    g_param_spec_string ("identity", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  props[PROP_TRACK_ID] =
    g_param_spec_string ("track-id", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* TRUE: a call (wall-clock times, never blocks upstream, drops audio when
   * the machine cannot keep up). FALSE: a file (times from its start, every
   * sample decoded). */
  props[PROP_LIVE] =
    g_param_spec_boolean ("live", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  props[PROP_SPEECH_PROFILE] =
    g_param_spec_enum ("speech-profile", NULL, NULL,
                       HANDOFF_TYPE_SPEECH_PROFILE, HANDOFF_SPEECH_PROFILE_WIDEBAND,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /* Overrides the profile's initial cepstral mean (benchmarks). */
  props[PROP_CMNINIT] =
    g_param_spec_string ("cmninit", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  props[PROP_FALLBACK_REASON] =
    g_param_spec_string ("fallback-reason", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);

  signals[SEGMENT] = g_signal_new ("segment", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 1, HANDOFF_TYPE_SEGMENT);
  signals[FALLBACK] = g_signal_new ("fallback", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[FINISHED] = g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  GST_DEBUG_CATEGORY_INIT (handoff_transcriber_debug, "handoff-transcriber", 0, "Transcription");
}

static void
handoff_transcriber_init (HandoffTranscriber *self)
{
  HandoffTranscriberPrivate *priv = PRIV (self);

  priv->context = g_main_context_ref_thread_default ();
  priv->id_prefix = g_strdup_printf ("%08x", g_random_int ());
  priv->first_pts = GST_CLOCK_TIME_NONE;
  priv->confirmed = GST_CLOCK_TIME_NONE;
  priv->live = TRUE;
  priv->profile = HANDOFF_SPEECH_PROFILE_WIDEBAND;
  g_mutex_init (&priv->lock);
  g_queue_init (&priv->retained);
}

GstElement *
handoff_transcriber_get_sink_bin (HandoffTranscriber *self)
{
  g_return_val_if_fail (HANDOFF_IS_TRANSCRIBER (self), NULL);
  return PRIV (self)->bin;
}

HandoffTranscriberBackend
handoff_transcriber_get_backend (HandoffTranscriber *self)
{
  g_return_val_if_fail (HANDOFF_IS_TRANSCRIBER (self), HANDOFF_TRANSCRIBER_BACKEND_LOCAL);
  return PRIV (self)->backend;
}

const char *
handoff_transcriber_get_identity (HandoffTranscriber *self)
{
  g_return_val_if_fail (HANDOFF_IS_TRANSCRIBER (self), NULL);
  return PRIV (self)->identity;
}

void
handoff_transcriber_set_identity (HandoffTranscriber *self,
                                  const char         *identity)
{
  HandoffTranscriberPrivate *priv;

  g_return_if_fail (HANDOFF_IS_TRANSCRIBER (self));
  priv = PRIV (self);
  if (g_strcmp0 (priv->identity, identity) == 0)
    return;
  g_free (priv->identity);
  priv->identity = g_strdup (identity);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_IDENTITY]);
}

const char *
handoff_transcriber_get_track_id (HandoffTranscriber *self)
{
  g_return_val_if_fail (HANDOFF_IS_TRANSCRIBER (self), NULL);
  return PRIV (self)->track_id;
}

void
handoff_transcriber_set_track_id (HandoffTranscriber *self,
                                  const char         *track_id)
{
  HandoffTranscriberPrivate *priv;

  g_return_if_fail (HANDOFF_IS_TRANSCRIBER (self));
  priv = PRIV (self);
  if (g_strcmp0 (priv->track_id, track_id) == 0)
    return;
  g_free (priv->track_id);
  priv->track_id = g_strdup (track_id);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_TRACK_ID]);
}

const char *
handoff_transcriber_get_fallback_reason (HandoffTranscriber *self)
{
  g_return_val_if_fail (HANDOFF_IS_TRANSCRIBER (self), NULL);
  return PRIV (self)->fallback_reason;
}

gboolean
handoff_transcriber_is_finished (HandoffTranscriber *self)
{
  g_return_val_if_fail (HANDOFF_IS_TRANSCRIBER (self), FALSE);
  return PRIV (self)->finished;
}

GMainContext *
handoff_transcriber_get_context (HandoffTranscriber *self)
{
  g_return_val_if_fail (HANDOFF_IS_TRANSCRIBER (self), NULL);
  return PRIV (self)->context;
}

gboolean
handoff_transcriber_get_live (HandoffTranscriber *self)
{
  g_return_val_if_fail (HANDOFF_IS_TRANSCRIBER (self), FALSE);
  return PRIV (self)->live;
}
