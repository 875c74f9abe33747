/* handoff-peer.c: our LiveKit client (LkRoom) as a JSON-lines room participant
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The same command line and events as browser-peer.mjs (see there), so tests
 * and benchmarks drive ours and livekit-client alike. It publishes a steady
 * tone (audiotestsrc) or tone bursts (appsrc fed 10 ms at a time on a
 * real-time schedule with capture timestamps, like a microphone), and
 * listens at the room's audio sink: an appsink that syncs to the clock, so a
 * sample is measured when a sound card would be handed it.
 *
 * Environment: HANDOFF_LK_URL, HANDOFF_LK_TOKEN.
 */
#define G_LOG_DOMAIN "handoff-peer"

#include <glib-unix.h>
#include <gst/app/gstappsink.h>
#include <gst/app/gstappsrc.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "lk-main-context.h"
#include "lk-room.h"
#include "handoff-test-audio.h"
#include "handoff-test-jitter.h"

#define RATE          48000
#define SLOT_SAMPLES  480     /* 10 ms, what a microphone hands over at a time */
#define WINDOW        (RATE / 2)

typedef struct {
  char *room_name;
  char *identity;
  double tone;
  double amplitude;
  int bursts;
  double burst_hz;
  double burst_ms;
  double burst_period_ms;
  double warmup_ms;
  double report_ms;
  double onset_threshold;
  double rearm_ms;
  double low_hz;
  double high_hz;
  double seconds;
  int jitter_latency;
  int jitter_latency_max;
  double net_jitter_ms;
  double net_jitter_share;
} Options;

typedef struct {
  Options opt;
  GMainLoop *loop;
  LkRoom *room;
  GCancellable *cancellable;
  int status;
  gboolean stopping;

  /* Receive side, filled by the sink's streaming thread. */
  GMutex lock;
  float window[WINDOW];
  gsize window_pos;
  gsize received;
  gint64 quiet;
  gint64 candidate_seen;  /* > 0 while an onset is being confirmed */
  gint64 candidate_loud;
  double candidate_t;
  char *from;             /* the one remote that is heard, or "mix" */

  /* Burst sender thread. */
  GstAppSrc *burst_src;
  GThread *burst_thread;
  GstClockTimeDiff mono_to_running_ns;  /* pipeline running time − CLOCK_MONOTONIC */
  gint running;
} Peer;

static void
emit_builder (JsonBuilder *builder)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *text = NULL;

  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, NULL);
  /* One line each; the reader may be another process's pipe. */
  fprintf (stdout, "%s\n", text);
  fflush (stdout);
}

static JsonBuilder *
begin_event (const char *event)
{
  JsonBuilder *builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "event");
  json_builder_add_string_value (builder, event);
  return builder;
}

static void
add_string (JsonBuilder *b,
            const char  *name,
            const char  *value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_string_value (b, value);
}

static void
add_double (JsonBuilder *b,
            const char  *name,
            double       value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_double_value (b, value);
}

static void
emit_error (const char *message)
{
  g_autoptr(JsonBuilder) b = begin_event ("error");

  add_string (b, "message", message);
  emit_builder (b);
}

/* Epoch milliseconds, the clock browser-peer.mjs reports in too. */
static double
epoch_ms_now (void)
{
  return g_get_real_time () / 1000.0;
}

typedef struct {
  char *event;
  char *from;
  double t;
  int n;
} TimedEvent;

static gboolean
emit_timed_event (gpointer data)
{
  TimedEvent *te = data;
  g_autoptr(JsonBuilder) b = begin_event (te->event);

  if (te->from != NULL)
    add_string (b, "from", te->from);
  if (te->n >= 0)
    {
      json_builder_set_member_name (b, "n");
      json_builder_add_int_value (b, te->n);
    }
  if (te->t > 0)
    add_double (b, "t", te->t);
  emit_builder (b);
  g_free (te->event);
  g_free (te->from);
  g_free (te);
  return G_SOURCE_REMOVE;
}

/* From a streaming thread: events are printed by the main loop, in order. */
static void
post_event (const char *event,
            const char *from,
            int         n,
            double      t)
{
  TimedEvent *te = g_new0 (TimedEvent, 1);

  te->event = g_strdup (event);
  te->from = g_strdup (from);
  te->n = n;
  te->t = t;
  lk_main_context_invoke (NULL, G_PRIORITY_DEFAULT, emit_timed_event, te, NULL);
}

/* ---- receiving ---------------------------------------------------------- */

/* The appsink syncs to the pipeline clock, so this runs when the buffer is
 * due at the "speaker": sample k of it plays k/RATE later. */
static GstFlowReturn
on_new_sample (GstAppSink *sink,
               gpointer    user_data)
{
  Peer *self = user_data;
  g_autoptr(GstSample) sample = gst_app_sink_pull_sample (sink);
  double now = epoch_ms_now ();
  gint64 rearm = (gint64) (self->opt.rearm_ms * RATE / 1000);
  GstBuffer *buffer;
  GstMapInfo map;

  if (sample == NULL)
    return GST_FLOW_EOS;
  buffer = gst_sample_get_buffer (sample);
  if (!gst_buffer_map (buffer, &map, GST_MAP_READ))
    return GST_FLOW_OK;

  g_mutex_lock (&self->lock);
  for (gsize i = 0; i < map.size / sizeof (float); i++)
    {
      float x = ((const float *) map.data)[i];
      gboolean loud = fabsf (x) >= self->opt.onset_threshold;

      /* As onset-worklet.js: confirmed when half of the next 10 ms is loud
       * too, so a click or a concealment glitch is not taken for a burst. */
      if (self->candidate_seen > 0)
        {
          self->candidate_seen++;
          self->candidate_loud += loud;
          if (self->candidate_seen >= SLOT_SAMPLES)
            {
              if (2 * self->candidate_loud >= self->candidate_seen && self->from != NULL)
                post_event ("onset", self->from, -1, self->candidate_t);
              self->candidate_seen = 0;
            }
        }
      else if (loud && self->quiet >= rearm)
        {
          self->candidate_t = now + i * 1000.0 / RATE;
          self->candidate_seen = 1;
          self->candidate_loud = 1;
        }
      self->quiet = loud ? 0 : self->quiet + 1;
      self->window[self->window_pos] = x;
      self->window_pos = (self->window_pos + 1) % WINDOW;
      self->received++;
    }
  g_mutex_unlock (&self->lock);
  gst_buffer_unmap (buffer, &map);
  return GST_FLOW_OK;
}

static gboolean
report_heard (gpointer user_data)
{
  Peer *self = user_data;
  g_autofree float *samples = g_new (float, WINDOW);
  g_autoptr(JsonBuilder) b = NULL;
  g_autofree char *from = NULL;
  double dominant, power;

  g_mutex_lock (&self->lock);
  if (self->from == NULL || self->received < WINDOW)
    {
      g_mutex_unlock (&self->lock);
      return G_SOURCE_CONTINUE;
    }
  /* Oldest sample first. */
  for (gsize i = 0; i < WINDOW; i++)
    samples[i] = self->window[(self->window_pos + i) % WINDOW];
  from = g_strdup (self->from);
  g_mutex_unlock (&self->lock);

  dominant = handoff_test_dominant_frequency (samples, WINDOW, RATE, self->opt.low_hz, self->opt.high_hz);
  power = handoff_test_tone_power (samples, WINDOW, RATE, dominant);
  b = begin_event ("heard");
  add_string (b, "from", from);
  add_double (b, "dominant", dominant);
  add_double (b, "peak_db", 10 * log10 (power + 1e-20));
  add_double (b, "rms", handoff_test_rms (samples, WINDOW));
  emit_builder (b);
  return G_SOURCE_CONTINUE;
}

static GstElement *
make_sink (Peer *self)
{
  g_autoptr(GError) error = NULL;
  GstElement *bin = gst_parse_bin_from_description (
    "audioconvert ! audioresample ! audio/x-raw,format=F32LE,layout=interleaved,channels=1,rate=48000 "
    "! appsink name=sink sync=true max-buffers=50 drop=false", TRUE, &error);
  g_autoptr(GstElement) sink = NULL;
  GstAppSinkCallbacks callbacks = { .new_sample = on_new_sample };

  if (bin == NULL)
    g_error ("sink: %s", error->message);
  sink = gst_bin_get_by_name (GST_BIN (bin), "sink");
  gst_app_sink_set_callbacks (GST_APP_SINK (sink), &callbacks, self, NULL);
  return bin;
}

/* Who is heard: the sink gets the mix, so name the single subscribed remote. */
static void
update_from (Peer *self)
{
  GListModel *remotes = lk_room_get_remote_participants (self->room);
  g_autofree char *from = NULL;
  guint heard = 0;

  for (guint i = 0; i < g_list_model_get_n_items (remotes); i++)
    {
      g_autoptr(LkParticipant) p = g_list_model_get_item (remotes, i);
      GListModel *tracks = lk_participant_get_tracks (p);

      for (guint j = 0; j < g_list_model_get_n_items (tracks); j++)
        {
          g_autoptr(LkTrack) t = g_list_model_get_item (tracks, j);

          if (lk_track_get_kind (t) == LK_TRACK_KIND_AUDIO && lk_track_is_subscribed (t))
            {
              if (heard++ == 0)
                from = g_strdup (lk_participant_get_identity (p));
              break;
            }
        }
    }
  g_mutex_lock (&self->lock);
  g_free (self->from);
  self->from = heard == 0 ? NULL : heard == 1 ? g_steal_pointer (&from) : g_strdup ("mix");
  g_mutex_unlock (&self->lock);
}

/* What the pipeline adds on purpose (jitterbuffer, mixer, sink sync): it
 * explains the latency figures. */
static gboolean
report_pipeline_latency (gpointer user_data)
{
  Peer *self = user_data;
  GstPipeline *pipeline = lk_room_get_pipeline (self->room);
  g_autoptr(GstQuery) query = gst_query_new_latency ();
  g_autoptr(JsonBuilder) b = NULL;
  GstClockTime min = 0, max = 0;
  gboolean live = FALSE;

  if (pipeline == NULL || !gst_element_query (GST_ELEMENT (pipeline), query))
    return G_SOURCE_REMOVE;
  gst_query_parse_latency (query, &live, &min, &max);
  b = begin_event ("pipeline-latency");
  add_double (b, "min_ms", min / 1e6);
  add_double (b, "max_ms", GST_CLOCK_TIME_IS_VALID (max) ? max / 1e6 : -1);
  emit_builder (b);
  return G_SOURCE_REMOVE;
}

static void
on_track_subscribed (LkRoom        *room,
                     LkParticipant *participant,
                     LkTrack       *track,
                     Peer          *self)
{
  g_autoptr(JsonBuilder) b = begin_event ("subscribed");

  add_string (b, "from", lk_participant_get_identity (participant));
  add_string (b, "kind", lk_track_get_kind (track) == LK_TRACK_KIND_AUDIO ? "audio" : "other");
  add_string (b, "track", lk_track_get_sid (track));
  emit_builder (b);
  update_from (self);
  g_timeout_add_seconds (2, report_pipeline_latency, self);
}

static void
on_track_unsubscribed (LkRoom        *room,
                       LkParticipant *participant,
                       LkTrack       *track,
                       Peer          *self)
{
  g_autoptr(JsonBuilder) b = begin_event ("unsubscribed");

  add_string (b, "from", lk_participant_get_identity (participant));
  add_string (b, "track", lk_track_get_sid (track));
  emit_builder (b);
  update_from (self);
}

static void
on_participant_connected (LkRoom        *room,
                          LkParticipant *participant,
                          Peer          *self)
{
  g_autoptr(JsonBuilder) b = begin_event ("participant-joined");

  add_string (b, "identity", lk_participant_get_identity (participant));
  emit_builder (b);
}

static void
on_participant_disconnected (LkRoom        *room,
                             LkParticipant *participant,
                             Peer          *self)
{
  g_autoptr(JsonBuilder) b = begin_event ("participant-left");

  add_string (b, "identity", lk_participant_get_identity (participant));
  emit_builder (b);
  update_from (self);
}

static void stop (Peer *self, int status);

static void
on_disconnected (LkRoom             *room,
                 LkDisconnectReason  reason,
                 const GError       *error,
                 Peer               *self)
{
  g_autoptr(JsonBuilder) b = begin_event ("disconnected");
  g_autofree char *text = g_strdup_printf ("%d", reason);

  add_string (b, "reason", text);
  if (error != NULL)
    add_string (b, "message", error->message);
  emit_builder (b);
  if (!self->stopping)
    stop (self, error != NULL ? 1 : 0);
}

/* The room's jitterbuffers, summed: what came too late, what never came. */
static void
emit_rx_stats (Peer *self)
{
  GstPipeline *pipeline = lk_room_get_pipeline (self->room);
  g_autoptr(JsonBuilder) b = NULL;
  g_autoptr(GstIterator) it = NULL;
  GValue item = G_VALUE_INIT;
  guint64 late = 0, lost = 0, pushed = 0;
  guint latency = 0;

  if (pipeline == NULL)
    return;
  it = gst_bin_iterate_recurse (GST_BIN (pipeline));
  while (gst_iterator_next (it, &item) == GST_ITERATOR_OK)
    {
      GstElement *e = g_value_get_object (&item);
      GstElementFactory *f = gst_element_get_factory (e);

      if (f != NULL && g_strcmp0 (GST_OBJECT_NAME (f), "rtpjitterbuffer") == 0)
        {
          g_autoptr(GstStructure) stats = NULL;
          guint64 v;

          g_object_get (e, "stats", &stats, NULL);
          if (gst_structure_get_uint64 (stats, "num-late", &v))
            late += v;
          if (gst_structure_get_uint64 (stats, "num-lost", &v))
            lost += v;
          if (gst_structure_get_uint64 (stats, "num-pushed", &v))
            pushed += v;
        }
      g_value_reset (&item);
    }
  g_value_unset (&item);
  g_object_get (self->room, "jitter-latency", &latency, NULL);
  b = begin_event ("rx-stats");
  add_double (b, "late", late);
  add_double (b, "lost", lost);
  add_double (b, "pushed", pushed);
  add_double (b, "jitter_latency_ms", latency);
  emit_builder (b);
}

/* ---- sending ------------------------------------------------------------ */

/* Feeds 10 ms slots on an absolute schedule. A burst starts on a slot
 * boundary; its start is the moment its first sample was "spoken", i.e. the
 * start of the slot, which is handed over 10 ms later, like a microphone.
 * Buffers carry that capture time as PTS, exactly 10 ms apart like a sound
 * card's: stamping them at push time instead would give jittery RTP
 * timestamps, which Chrome's jitter buffer answers with concealment and
 * growing delay. */
static gpointer
burst_thread (gpointer user_data)
{
  Peer *self = user_data;
  const gint64 slot_us = SLOT_SAMPLES * G_USEC_PER_SEC / RATE;
  const gint64 period_slots = (gint64) llround (self->opt.burst_period_ms * 1000 / slot_us);
  const gint64 burst_samples = (gint64) llround (self->opt.burst_ms * RATE / 1000);
  const gint64 warmup_slots = (gint64) llround (self->opt.warmup_ms * 1000 / slot_us);
  gint64 start_mono = g_get_monotonic_time ();
  double start_epoch = epoch_ms_now () - (g_get_monotonic_time () - start_mono) / 1000.0;
  int sent = 0;

  for (gint64 slot = 0; g_atomic_int_get (&self->running); slot++)
    {
      gint64 slot_start = start_mono + slot * slot_us;
      gint64 due = slot_start + slot_us;
      gint64 since = slot - warmup_slots;
      GstBuffer *buffer = gst_buffer_new_allocate (NULL, SLOT_SAMPLES * sizeof (float), NULL);
      GstMapInfo map;
      gint64 in_burst = -1;
      struct timespec ts = { .tv_sec = due / G_USEC_PER_SEC, .tv_nsec = (due % G_USEC_PER_SEC) * 1000 };

      /* g_get_monotonic_time() is CLOCK_MONOTONIC. */
      clock_nanosleep (CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);

      if (since >= 0 && since / period_slots < self->opt.bursts)
        in_burst = (since % period_slots) * SLOT_SAMPLES;
      gst_buffer_map (buffer, &map, GST_MAP_WRITE);
      for (gsize i = 0; i < SLOT_SAMPLES; i++)
        {
          gint64 k = in_burst + (gint64) i;
          float *out = (float *) map.data + i;

          *out = (in_burst >= 0 && k < burst_samples)
                 ? (float) (self->opt.amplitude * sin (2 * G_PI * self->opt.burst_hz * k / RATE))
                 : 0.0f;
        }
      gst_buffer_unmap (buffer, &map);
      GST_BUFFER_PTS (buffer) = (GstClockTime) MAX (0, slot_start * 1000 + self->mono_to_running_ns);
      GST_BUFFER_DURATION (buffer) = slot_us * 1000;
      GST_BUFFER_OFFSET (buffer) = slot * SLOT_SAMPLES;
      if (in_burst == 0)
        post_event ("burst", NULL, sent++, start_epoch + (slot_start - start_mono) / 1000.0);
      gst_app_src_push_buffer (self->burst_src, buffer);
      if (since >= 0 && since == period_slots * self->opt.bursts)
        post_event ("bursts-done", NULL, sent, 0);
    }
  return NULL;
}

static GstElement *
make_source (Peer *self)
{
  GstElement *src;

  if (self->opt.bursts == 0)
    {
      src = gst_element_factory_make ("audiotestsrc", NULL);
      g_object_set (src, "is-live", TRUE, "wave", 0 /* sine */, "freq", self->opt.tone,
                    "volume", self->opt.amplitude, "samplesperbuffer", SLOT_SAMPLES, NULL);
      return src;
    }
  src = gst_element_factory_make ("appsrc", NULL);
  {
    g_autoptr(GstCaps) caps = gst_caps_from_string (
      "audio/x-raw,format=F32LE,layout=interleaved,channels=1,rate=48000");

    g_object_set (src, "caps", caps, "is-live", TRUE, "format", GST_FORMAT_TIME,
                  "do-timestamp", FALSE, "block", FALSE,
                  "min-latency", (gint64) (10 * GST_MSECOND), NULL);
  }
  self->burst_src = GST_APP_SRC (gst_object_ref (src));
  return src;
}

static void
on_published (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Peer *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(LkTrack) track = lk_room_publish_audio_finish (LK_ROOM (source), result, &error);
  g_autoptr(JsonBuilder) b = NULL;

  if (track == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          emit_error (error->message);
          stop (self, 1);
        }
      return;
    }
  b = begin_event ("published");
  add_string (b, "track", lk_track_get_sid (track));
  add_double (b, "frequency", self->opt.bursts > 0 ? self->opt.burst_hz : self->opt.tone);
  json_builder_set_member_name (b, "bursts");
  json_builder_add_int_value (b, self->opt.bursts);
  emit_builder (b);

  if (self->burst_src != NULL)
    {
      GstElement *pipeline = GST_ELEMENT (lk_room_get_pipeline (self->room));
      g_autoptr(GstClock) clock = gst_element_get_clock (pipeline);

      if (clock == NULL)
        {
          emit_error ("the room's pipeline has no clock");
          stop (self, 1);
          return;
        }
      /* The system clock is CLOCK_MONOTONIC too; the offset only guards
       * against another clock. */
      self->mono_to_running_ns = (GstClockTimeDiff) gst_clock_get_time (clock)
                                 - g_get_monotonic_time () * 1000
                                 - (GstClockTimeDiff) gst_element_get_base_time (pipeline);
      g_atomic_int_set (&self->running, 1);
      self->burst_thread = g_thread_new ("bursts", burst_thread, self);
    }
}

static void
on_connected (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Peer *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) b = NULL;
  GListModel *remotes;

  if (!lk_room_connect_finish (LK_ROOM (source), result, &error))
    {
      emit_error (error->message);
      stop (self, 1);
      return;
    }
  b = begin_event ("joined");
  add_string (b, "identity", lk_participant_get_identity (lk_room_get_local_participant (self->room)));
  add_string (b, "room", lk_room_get_name (self->room));
  json_builder_set_member_name (b, "remote");
  json_builder_begin_array (b);
  remotes = lk_room_get_remote_participants (self->room);
  for (guint i = 0; i < g_list_model_get_n_items (remotes); i++)
    {
      g_autoptr(LkParticipant) p = g_list_model_get_item (remotes, i);

      json_builder_add_string_value (b, lk_participant_get_identity (p));
    }
  json_builder_end_array (b);
  emit_builder (b);
  update_from (self);
  if (self->opt.net_jitter_ms > 0)
    handoff_test_jitter_received (lk_room_get_pipeline (self->room), self->opt.net_jitter_ms,
                                  self->opt.net_jitter_share);

  if (self->opt.tone > 0 || self->opt.bursts > 0)
    lk_room_publish_audio_async (self->room, "microphone", LK_TRACK_SOURCE_MICROPHONE,
                                 make_source (self), self->cancellable, on_published, self);
}

/* ---- lifecycle ---------------------------------------------------------- */

static void
on_left (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Peer *self = user_data;

  lk_room_disconnect_finish (LK_ROOM (source), result, NULL);
  g_main_loop_quit (self->loop);
}

static gboolean
on_give_up (gpointer user_data)
{
  Peer *self = user_data;

  /* Leaving must not hang forever. */
  emit_error ("did not leave within 10 s");
  self->status = 1;
  g_main_loop_quit (self->loop);
  return G_SOURCE_REMOVE;
}

static void
stop (Peer *self,
      int   status)
{
  if (self->stopping)
    return;
  self->stopping = TRUE;
  self->status = status;
  emit_rx_stats (self);
  g_atomic_int_set (&self->running, 0);
  g_clear_pointer (&self->burst_thread, g_thread_join);
  if (lk_room_get_connection_state (self->room) == LK_CONNECTION_STATE_DISCONNECTED)
    {
      g_main_loop_quit (self->loop);
      return;
    }
  g_timeout_add_seconds (10, on_give_up, self);
  lk_room_disconnect_async (self->room, NULL, on_left, self);
}

static gboolean
on_stop_signal (gpointer user_data)
{
  stop (user_data, 0);
  return G_SOURCE_REMOVE;
}

static gboolean
on_stdin (gint         fd,
          GIOCondition condition,
          gpointer     user_data)
{
  Peer *self = user_data;
  char buf[256];
  gssize n = read (fd, buf, sizeof buf - 1);

  /* "quit", or the driver went away. */
  if (n <= 0 || g_strstr_len (buf, n, "quit") != NULL)
    {
      stop (self, 0);
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

int
main (int   argc,
      char *argv[])
{
  Peer self = { 0 };
  g_autoptr(GOptionContext) context = g_option_context_new ("- a LiveKit participant for tests");
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) b = NULL;
  const char *url = g_getenv ("HANDOFF_LK_URL");
  const char *token = g_getenv ("HANDOFF_LK_TOKEN");
  Options *o = &self.opt;
  GOptionEntry entries[] = {
    { "room", 0, 0, G_OPTION_ARG_STRING, &o->room_name, "Room (in the token)", "NAME" },
    { "identity", 0, 0, G_OPTION_ARG_STRING, &o->identity, "Identity (in the token)", "ID" },
    { "tone", 0, 0, G_OPTION_ARG_DOUBLE, &o->tone, "Publish a steady tone", "HZ" },
    { "amplitude", 0, 0, G_OPTION_ARG_DOUBLE, &o->amplitude, "Tone amplitude (0..1)", "A" },
    { "bursts", 0, 0, G_OPTION_ARG_INT, &o->bursts, "Publish N tone bursts", "N" },
    { "burst-hz", 0, 0, G_OPTION_ARG_DOUBLE, &o->burst_hz, "Burst frequency", "HZ" },
    { "burst-ms", 0, 0, G_OPTION_ARG_DOUBLE, &o->burst_ms, "Burst length", "MS" },
    { "burst-period-ms", 0, 0, G_OPTION_ARG_DOUBLE, &o->burst_period_ms, "Burst period", "MS" },
    { "warmup-ms", 0, 0, G_OPTION_ARG_DOUBLE, &o->warmup_ms, "Silence before the bursts", "MS" },
    { "report-ms", 0, 0, G_OPTION_ARG_DOUBLE, &o->report_ms, "How often to report", "MS" },
    { "onset-threshold", 0, 0, G_OPTION_ARG_DOUBLE, &o->onset_threshold, "Onset level", "A" },
    { "rearm-ms", 0, 0, G_OPTION_ARG_DOUBLE, &o->rearm_ms, "Silence before an onset", "MS" },
    { "low-hz", 0, 0, G_OPTION_ARG_DOUBLE, &o->low_hz, "Lowest frequency reported", "HZ" },
    { "high-hz", 0, 0, G_OPTION_ARG_DOUBLE, &o->high_hz, "Highest frequency reported", "HZ" },
    { "seconds", 0, 0, G_OPTION_ARG_DOUBLE, &o->seconds, "Leave after this long", "S" },
    { "jitter-latency-max", 0, 0, G_OPTION_ARG_INT, &o->jitter_latency_max, "Let the room raise it up to (default: the room's)", "MS" },
    { "jitter-latency", 0, 0, G_OPTION_ARG_INT, &o->jitter_latency, "The room's jitterbuffer latency (default: the room's)", "MS" },
    { "net-jitter-ms", 0, 0, G_OPTION_ARG_DOUBLE, &o->net_jitter_ms, "Delay received packets by up to", "MS" },
    { "net-jitter-share", 0, 0, G_OPTION_ARG_DOUBLE, &o->net_jitter_share, "Share of received packets delayed (default 0.05)", "P" },
    { NULL }
  };

  *o = (Options) { .amplitude = 0.5, .burst_hz = 1000, .burst_ms = 100, .burst_period_ms = 700,
                   .warmup_ms = 5000, .report_ms = 500, .onset_threshold = 0.1, .rearm_ms = 200,
                   .low_hz = 100, .high_hz = 4000, .net_jitter_share = 0.05 };
  gst_init (&argc, &argv);
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      emit_error (error->message);
      return 2;
    }
  if (url == NULL || token == NULL)
    {
      emit_error ("HANDOFF_LK_URL and HANDOFF_LK_TOKEN must be set");
      return 2;
    }
  if (o->bursts > 0 && (o->burst_period_ms < 20 || o->burst_ms >= o->burst_period_ms))
    {
      emit_error ("bursts must be shorter than their period");
      return 2;
    }

  g_mutex_init (&self.lock);
  self.loop = g_main_loop_new (NULL, FALSE);
  self.cancellable = g_cancellable_new ();
  self.room = lk_room_new ();
  lk_room_set_audio_sink (self.room, make_sink (&self));
  if (o->jitter_latency > 0)
    g_object_set (self.room, "jitter-latency", (guint) o->jitter_latency, NULL);
  if (o->jitter_latency_max > 0)
    g_object_set (self.room, "jitter-latency-max", (guint) o->jitter_latency_max, NULL);
  g_signal_connect (self.room, "track-subscribed", G_CALLBACK (on_track_subscribed), &self);
  g_signal_connect (self.room, "track-unsubscribed", G_CALLBACK (on_track_unsubscribed), &self);
  g_signal_connect (self.room, "participant-connected", G_CALLBACK (on_participant_connected), &self);
  g_signal_connect (self.room, "participant-disconnected", G_CALLBACK (on_participant_disconnected), &self);
  g_signal_connect (self.room, "disconnected", G_CALLBACK (on_disconnected), &self);
  g_unix_signal_add (SIGTERM, on_stop_signal, &self);
  g_unix_signal_add (SIGINT, on_stop_signal, &self);
  g_unix_fd_add (0, G_IO_IN | G_IO_HUP | G_IO_ERR, on_stdin, &self);
  g_timeout_add ((guint) MAX (50, o->report_ms), report_heard, &self);
  if (o->seconds > 0)
    g_timeout_add ((guint) (o->seconds * 1000), on_stop_signal, &self);

  b = begin_event ("ready");
  emit_builder (b);
  lk_room_connect_async (self.room, url, token, self.cancellable, on_connected, &self);
  g_main_loop_run (self.loop);

  g_cancellable_cancel (self.cancellable);
  g_atomic_int_set (&self.running, 0);
  g_clear_pointer (&self.burst_thread, g_thread_join);
  g_clear_object (&self.room);
  g_clear_object (&self.burst_src);
  g_clear_object (&self.cancellable);
  g_main_loop_unref (self.loop);
  g_free (self.from);
  g_free (o->room_name);
  g_free (o->identity);
  {
    g_autoptr(JsonBuilder) done = begin_event ("exit");

    json_builder_set_member_name (done, "status");
    json_builder_add_int_value (done, self.status);
    emit_builder (done);
  }
  return self.status;
}
