/* lk-room-media.c: LkRoom's pipeline — two webrtcbins (publisher and
 * subscriber), the mixer that plays every remote track, local tracks, data
 * channels (the SDP adjustments are in lk-room-sdp.c)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-room"

#include <gst/audio/audio.h>
#include <gst/base/gstbasesrc.h>

#include "lk-participant-private.h"
#include "lk-room-private.h"
#include "lk-track-private.h"

typedef struct {
  GBytes *packet;
  gboolean reliable;
  GTask *task;
} LkPendingSend;

/* ---- running webrtcbin's callbacks on our main context ---- */

typedef struct {
  GWeakRef ref;
  RoomFunc func;
  gpointer data;
  GDestroyNotify destroy;
} RoomCall;

static gboolean
room_call_run (gpointer user_data)
{
  RoomCall *call = user_data;
  g_autoptr(LkRoom) self = g_weak_ref_get (&call->ref);

  if (self != NULL && self->pipeline != NULL)
    call->func (self, call->data);
  return G_SOURCE_REMOVE;
}

static void
room_call_free (gpointer user_data)
{
  RoomCall *call = user_data;

  g_weak_ref_clear (&call->ref);
  if (call->destroy != NULL && call->data != NULL)
    call->destroy (call->data);
  g_free (call);
}

static GMainContext *
room_context (LkRoom *self)
{
  return g_object_get_data (G_OBJECT (self), "lk-main-context");
}

void
lk_room_invoke (LkRoom         *self,
                RoomFunc        func,
                gpointer        data,
                GDestroyNotify  destroy)
{
  RoomCall *call = g_new0 (RoomCall, 1);
  GSource *source = g_idle_source_new ();

  g_weak_ref_init (&call->ref, self);
  call->func = func;
  call->data = data;
  call->destroy = destroy;
  /* Not idle priority: an application whose main loop always has
   * default-priority work ready (slow under load: meters, UI, sanitizers)
   * would never run these — a new participant's pad waited 11 s for it. */
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, room_call_run, call, room_call_free);
  g_source_attach (source, room_context (self));
  g_source_unref (source);
}

/* ---- data channels ---- */

static void
on_channel_data_main (LkRoom   *self,
                      gpointer  data)
{
  lk_room_handle_data_packet (self, data);
}

static void
on_channel_message (GstWebRTCDataChannel *channel,
                    GBytes               *bytes,
                    gpointer              user_data)
{
  LkRoom *self = user_data;

  if (bytes != NULL)
    lk_room_invoke (self, on_channel_data_main, g_bytes_ref (bytes),
                 (GDestroyNotify) g_bytes_unref);
}

static gboolean
channel_is_open (GstWebRTCDataChannel *channel)
{
  GstWebRTCDataChannelState state = GST_WEBRTC_DATA_CHANNEL_STATE_CLOSED;

  if (channel != NULL)
    g_object_get (channel, "ready-state", &state, NULL);
  return state == GST_WEBRTC_DATA_CHANNEL_STATE_OPEN;
}

static void
pending_send_free (LkPendingSend *send)
{
  g_bytes_unref (send->packet);
  g_clear_object (&send->task);
  g_free (send);
}

static void
flush_pending_sends (LkRoom *self)
{
  /* While the session is being resumed or replaced the old data channels
   * may still say "open" (SCTP has not noticed the server is gone): a
   * packet written there is lost. It waits for the resumed session (or
   * the new one's channel to open) instead. */
  if (self->state != LK_CONNECTION_STATE_CONNECTED)
    return;
  while (!g_queue_is_empty (&self->pending_sends))
    {
      LkPendingSend *send = g_queue_peek_head (&self->pending_sends);
      GstWebRTCDataChannel *channel = send->reliable ? self->reliable : self->lossy;

      if (!channel_is_open (channel))
        return;
      g_queue_pop_head (&self->pending_sends);
      g_signal_emit_by_name (channel, "send-data", send->packet);
      if (send->task != NULL)
        g_task_return_boolean (send->task, TRUE);
      pending_send_free (send);
    }
}

static void
on_channel_open_main (LkRoom   *self,
                      gpointer  data)
{
  flush_pending_sends (self);
}

static void
on_channel_open (GstWebRTCDataChannel *channel,
                 gpointer              user_data)
{
  LkRoom *self = user_data;

  lk_room_invoke (self, on_channel_open_main, NULL, NULL);
}

gboolean
lk_room_media_send_packet (LkRoom   *self,
                           GBytes   *packet,
                           gboolean  reliable,
                           GTask    *task)
{
  LkPendingSend *send = g_new0 (LkPendingSend, 1);

  send->packet = g_bytes_ref (packet);
  send->reliable = reliable;
  send->task = task != NULL ? g_object_ref (task) : NULL;
  /* Through the queue even when open, so packets keep their order. */
  g_queue_push_tail (&self->pending_sends, send);
  flush_pending_sends (self);
  return TRUE;
}

static void
on_remote_channel_main (LkRoom   *self,
                        gpointer  data)
{
  GstWebRTCDataChannel *channel = data;

  /* Its message handler is already connected (on_data_channel); kept here
   * to disconnect it at teardown. */
  g_ptr_array_add (self->remote_channels, g_object_ref (channel));
}

static void
on_data_channel (GstElement           *webrtcbin,
                 GstWebRTCDataChannel *channel,
                 gpointer              user_data)
{
  LkRoom *self = user_data;

  /* Connected right here: a message may follow the channel immediately. */
  g_signal_connect (channel, "on-message-data", G_CALLBACK (on_channel_message), self);
  lk_room_invoke (self, on_remote_channel_main, g_object_ref (channel), g_object_unref);
}

/* ---- transports ---- */

static void
on_local_description (LkPeerTransport *transport,
                      const char      *type,
                      const char      *sdp,
                      guint            id,
                      LkRoom          *self)
{
  Livekit__SignalRequest req = LIVEKIT__SIGNAL_REQUEST__INIT;
  Livekit__SessionDescription desc = LIVEKIT__SESSION_DESCRIPTION__INIT;
  g_autofree char *munged = NULL;
  g_autoptr(GError) error = NULL;

  desc.type = (char *) type;
  desc.id = id;
  if (transport == self->publisher)
    {
      munged = lk_room_munge_publisher_offer (self, sdp);
      desc.sdp = munged;
      req.message_case = LIVEKIT__SIGNAL_REQUEST__MESSAGE_OFFER;
      req.offer = &desc;
      if (self->publishing != NULL && self->publishing->published)
        self->publishing->offered = TRUE;
    }
  else
    {
      desc.sdp = (char *) sdp;
      req.message_case = LIVEKIT__SIGNAL_REQUEST__MESSAGE_ANSWER;
      req.answer = &desc;
    }
  /* Not the SDP itself: it carries the ICE password. */
  g_debug ("[%s] sending %s %s", lk_participant_get_identity (self->local),
           transport == self->publisher ? "publisher" : "subscriber", type);
  if (g_getenv ("LK_DEBUG_SDP"))
    {
      g_auto(GStrv) lines = g_strsplit (desc.sdp, "\r\n", -1);
      for (guint i = 0; lines[i]; i++)
        if (g_str_has_prefix (lines[i], "m=") || g_str_has_prefix (lines[i], "a=msid") ||
            g_str_has_prefix (lines[i], "a=send") || g_str_has_prefix (lines[i], "a=recv") ||
            g_str_has_prefix (lines[i], "a=inactive") || g_str_has_prefix (lines[i], "a=extmap") ||
            g_str_has_prefix (lines[i], "a=mid") || g_str_has_prefix (lines[i], "a=ssrc"))
          g_debug ("    %s", lines[i]);
    }
  if (!lk_room_send_request (self, &req, &error))
    g_debug ("cannot send the %s yet: %s", type, error->message);
}

static void
on_local_candidate (LkPeerTransport *transport,
                    const char      *json,
                    LkRoom          *self)
{
  Livekit__SignalRequest req = LIVEKIT__SIGNAL_REQUEST__INIT;
  Livekit__TrickleRequest trickle = LIVEKIT__TRICKLE_REQUEST__INIT;

  trickle.candidateinit = (char *) json;
  trickle.target = transport == self->publisher ? LIVEKIT__SIGNAL_TARGET__PUBLISHER
                                                : LIVEKIT__SIGNAL_TARGET__SUBSCRIBER;
  req.message_case = LIVEKIT__SIGNAL_REQUEST__MESSAGE_TRICKLE;
  req.trickle = &trickle;
  lk_room_send_request (self, &req, NULL);
}


static void
on_negotiated (LkPeerTransport *transport,
               LkRoom          *self)
{
  GPtrArray *unpublishing = g_object_get_data (G_OBJECT (self), "lk-unpublish-tasks");

  if (transport != self->publisher)
    return;
  if (self->publishing != NULL && self->publishing->published && self->publishing->offered)
    lk_room_publish_op_finish (self, self->publishing, NULL);
  if (unpublishing != NULL && !lk_peer_transport_is_negotiating (transport))
    {
      for (guint i = 0; i < unpublishing->len; i++)
        g_task_return_boolean (g_ptr_array_index (unpublishing, i), TRUE);
      g_ptr_array_set_size (unpublishing, 0);
    }
}

static void
on_transport_failed (LkPeerTransport *transport,
                     GError          *error,
                     LkRoom          *self)
{
  if (transport == self->publisher && self->publishing != NULL)
    lk_room_publish_op_finish (self, self->publishing, g_error_copy (error));
}

void
lk_room_media_handle_answer (LkRoom                            *self,
                             const Livekit__SessionDescription *answer)
{
  if (self->publisher != NULL && answer->sdp != NULL)
    lk_peer_transport_set_answer (self->publisher, answer->sdp, answer->id);
}

void
lk_room_media_handle_offer (LkRoom                            *self,
                            const Livekit__SessionDescription *offer)
{
  g_autofree char *sdp = NULL;
  g_autoptr(GPtrArray) dropped = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) unwanted = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer key, value;

  if (self->subscriber == NULL || offer->sdp == NULL)
    return;
  g_hash_table_remove_all (self->mid_track);
  g_hash_table_remove_all (self->mid_ssrc);
  if (g_getenv ("LK_DEBUG_SDP"))
    {
      g_auto(GStrv) lines = g_strsplit (offer->sdp, "\r\n", -1);
      for (guint i = 0; lines[i]; i++)
        if (g_str_has_prefix (lines[i], "m=") || g_str_has_prefix (lines[i], "a=msid") ||
            g_str_has_prefix (lines[i], "a=send") || g_str_has_prefix (lines[i], "a=recv") ||
            g_str_has_prefix (lines[i], "a=inactive") || g_str_has_prefix (lines[i], "a=mid") ||
            g_str_has_prefix (lines[i], "a=ssrc"))
          g_debug ("  offered  %s", lines[i]);
    }
  sdp = lk_room_munge_subscriber_offer (offer->sdp, self->mid_track, self->mid_ssrc);
  for (gsize i = 0; i < offer->n_mid_to_track_id; i++)
    if (g_hash_table_contains (self->mid_track, offer->mid_to_track_id[i]->key))
      g_hash_table_replace (self->mid_track, g_strdup (offer->mid_to_track_id[i]->key),
                            g_strdup (offer->mid_to_track_id[i]->value));

  /* Tracks whose m-line no longer carries them: unsubscribed (a revoked
   * permission, an unsubscribe). Their decoder stays linked, silent, until
   * the mid is reused. */
  g_hash_table_iter_init (&iter, self->mid_attached);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      LkTrack *track = value;
      if (g_strcmp0 (g_hash_table_lookup (self->mid_track, key), lk_track_get_sid (track)) != 0)
        {
          g_autoptr(LkTrack) gone = g_object_ref (track);
          g_hash_table_iter_remove (&iter);
          lk_room_emit_track_signal (self, "track-unsubscribed", gone);
          g_ptr_array_add (dropped, g_strdup (lk_track_get_sid (gone)));
        }
    }
  g_debug ("[%s] subscriber offer %u: %u m-lines with tracks", lk_participant_get_identity (self->local),
           offer->id, g_hash_table_size (self->mid_track));
  /* livekit-server subscribes a session to every track again when it
   * turns ACTIVE (and when its subscriber is ready), undoing an unsubscribe
   * that came before — e.g. one sent right after a (re-)join: the app's
   * choice is told again whenever an offer brings such a track back. */
  g_hash_table_iter_init (&iter, self->mid_track);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (g_hash_table_contains (self->app_unsubscribed, value))
      g_ptr_array_add (unwanted, value);
  lk_peer_transport_handle_offer (self->subscriber, sdp, offer->id);
  if (unwanted->len > 0)
    {
      g_debug ("[%s] the offer brings back %u track(s) the app unsubscribed from",
               lk_participant_get_identity (self->local), unwanted->len);
      g_ptr_array_add (unwanted, NULL);
      lk_room_update_subscription (self, (const char * const *) unwanted->pdata, FALSE);
    }
  lk_room_note_offered_tracks (self);
  lk_room_media_attach_pending (self);
  for (guint i = 0; i < dropped->len; i++)
    lk_room_stall_track_dropped (self, g_ptr_array_index (dropped, i));
}

void
lk_room_media_handle_trickle (LkRoom                        *self,
                              const Livekit__TrickleRequest *trickle)
{
  LkPeerTransport *transport = trickle->target == LIVEKIT__SIGNAL_TARGET__SUBSCRIBER
                               ? self->subscriber : self->publisher;

  if (transport != NULL)
    lk_peer_transport_add_candidate (transport, trickle->candidateinit);
}

/* ---- pipeline ---- */

static gboolean
on_bus_message (GstBus     *bus,
                GstMessage *message,
                gpointer    user_data)
{
  LkRoom *self = user_data;

  switch (GST_MESSAGE_TYPE (message))
    {
    case GST_MESSAGE_ERROR:
      {
        g_autoptr(GError) error = NULL;
        g_autofree char *debug = NULL;

        gst_message_parse_error (message, &error, &debug);
        /* Reported, not fatal: a stream that fails inside webrtcbin (a
         * recycled m-line, a dead jitterbuffer) must not end the call. */
        g_message ("GStreamer error from %s: %s (%s)", GST_OBJECT_NAME (GST_MESSAGE_SRC (message)),
                   error->message, debug ? debug : "");
        /* But a receive path that stopped (its source's task ends on any
         * flow error, e.g. a packet that met an unlinked pad for a moment:
         * seen under load, 2 e2e runs in ~20) leaves us deaf to everyone
         * for the rest of the call: only new transports bring us back. */
        if (self->subscriber != NULL && !self->leaving &&
            self->state == LK_CONNECTION_STATE_CONNECTED &&
            GST_IS_BASE_SRC (GST_MESSAGE_SRC (message)) &&
            gst_object_has_as_ancestor (GST_MESSAGE_SRC (message),
                                        GST_OBJECT (lk_peer_transport_get_webrtcbin (self->subscriber))))
          lk_room_start_rejoin (self, LK_DISCONNECT_REASON_MEDIA_FAILURE,
                                "our receive path stopped");
        break;
      }
    case GST_MESSAGE_LATENCY:
      gst_bin_recalculate_latency (GST_BIN (self->pipeline));
      break;
    default:
      break;
    }
  return G_SOURCE_CONTINUE;
}

/* On the failing streaming thread, while the pads are as the error found
 * them: which one was unlinked (still unexplained, see on_bus_message). */
static GstBusSyncReply
on_bus_sync (GstBus     *bus,
             GstMessage *message,
             gpointer    user_data)
{
  if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_ERROR && GST_IS_BASE_SRC (GST_MESSAGE_SRC (message)))
    lk_room_remote_log_unlinked (GST_MESSAGE_SRC (message));
  return GST_BUS_PASS;
}

/* Sound cards: their ring buffer is part of the mouth-to-ear delay; the
 * default 200 ms (PulseAudio's tlength follows it) is halved, 10 ms
 * segments as before. */
static void
on_element_added (GstBin     *bin,
                  GstBin     *sub_bin,
                  GstElement *element,
                  gpointer    user_data)
{
  if (GST_IS_AUDIO_BASE_SINK (element))
    g_object_set (element, "buffer-time", (gint64) 100000, "latency-time", (gint64) 10000, NULL);
}

/* A full reference, dropped once the pipeline holds its own. */
static GstElement *
make_sink (LkRoom  *self,
           GError **error)
{
  const char *desc = g_getenv ("HANDOFF_AUDIO_SINK");
  GstElement *sink;

  if (self->audio_sink != NULL)
    return gst_object_ref (self->audio_sink);
  if (desc != NULL && *desc != '\0')
    sink = gst_parse_bin_from_description (desc, TRUE, error);
  else
    sink = gst_element_factory_make ("autoaudiosink", NULL);
  return sink != NULL ? gst_object_ref_sink (sink) : NULL;
}

void
lk_room_media_new_transports (LkRoom *self)
{
  self->publisher = lk_peer_transport_new (GST_BIN (self->pipeline), "publisher", TRUE,
                                           self->jitter_latency_ms);
  self->subscriber = lk_peer_transport_new (GST_BIN (self->pipeline), "subscriber", FALSE,
                                            self->jitter_latency_ms);
  for (guint i = 0; i < 2; i++)
    {
      LkPeerTransport *t = i == 0 ? self->publisher : self->subscriber;
      g_signal_connect (t, "local-description", G_CALLBACK (on_local_description), self);
      g_signal_connect (t, "local-candidate", G_CALLBACK (on_local_candidate), self);
      g_signal_connect (t, "negotiated", G_CALLBACK (on_negotiated), self);
      g_signal_connect (t, "failed", G_CALLBACK (on_transport_failed), self);
    }
  g_signal_connect (lk_peer_transport_get_webrtcbin (self->subscriber), "pad-added",
                    G_CALLBACK (lk_room_remote_pad_added), self);
  g_signal_connect (lk_peer_transport_get_webrtcbin (self->subscriber), "on-data-channel",
                    G_CALLBACK (on_data_channel), self);
}

gboolean
lk_room_media_start (LkRoom  *self,
                     GError **error)
{
  static const char *const needed[] = {
    "webrtcbin", "opusenc", "opusdec", "rtpopuspay", "rtpopusdepay", "audiomixer",
    "audiotestsrc", "audioconvert", "audioresample", "nicesrc", "dtlssrtpenc", "sctpenc",
  };
  GstElement *silence, *silence_caps, *out_caps, *convert, *resample;
  g_autoptr(GstElement) sink = NULL;
  g_autoptr(GstCaps) caps = gst_caps_from_string (LK_TRACK_TAP_CAPS);
  GstBus *bus;

  for (gsize i = 0; i < G_N_ELEMENTS (needed); i++)
    {
      g_autoptr(GstElementFactory) f = gst_element_factory_find (needed[i]);
      if (f == NULL)
        {
          g_set_error (error, LK_ERROR, LK_ERROR_MEDIA, "GStreamer element %s is missing", needed[i]);
          return FALSE;
        }
    }
  sink = make_sink (self, error);
  if (sink == NULL)
    return FALSE;

  g_object_set_data_full (G_OBJECT (self), "lk-main-context", g_main_context_ref_thread_default (),
                          (GDestroyNotify) g_main_context_unref);
  g_object_set_data_full (G_OBJECT (self), "lk-unpublish-tasks",
                          g_ptr_array_new_with_free_func (g_object_unref), (GDestroyNotify) g_ptr_array_unref);
  self->pipeline = GST_PIPELINE (gst_object_ref_sink (gst_pipeline_new ("lk-room")));
  /* Not a device's clock: the microphone and the speakers can then change
   * mid-call without the pipeline losing its clock, and RTP is timed
   * against the system clock anyway. The devices follow it. */
  {
    g_autoptr(GstClock) clock = gst_system_clock_obtain ();
    gst_pipeline_use_clock (self->pipeline, clock);
  }
  g_signal_connect (self->pipeline, "deep-element-added", G_CALLBACK (on_element_added), NULL);
  lk_room_manage_latency (self);
  lk_room_watch_stalls (self, TRUE);
  lk_room_watch_jitter (self, TRUE);

  /* Live silence keeps the mixer (and the sink) running with no remote
   * track at all; remote tracks mix in as they come. */
  silence = gst_element_factory_make ("audiotestsrc", "lk-silence");
  g_object_set (silence, "is-live", TRUE, "samplesperbuffer", 480, NULL);
  gst_util_set_object_arg (G_OBJECT (silence), "wave", "silence");
  silence_caps = gst_element_factory_make ("capsfilter", NULL);
  g_object_set (silence_caps, "caps", caps, NULL);
  self->mixer = gst_element_factory_make ("audiomixer", "lk-mixer");
  /* A track that falls behind (a CPU stall) is put back on its timestamps
   * at once: by default the mixer keeps appending its samples for up to a
   * second, and a delay picked up that way could stay for the whole call.
   * The latency every remote track will have is known from the start, so
   * the pipeline's latency does not change (and glitch) as tracks come. */
  g_object_set (self->mixer, "discont-wait", (guint64) 0,
                "min-upstream-latency", (guint64) (self->jitter_latency_ms * GST_MSECOND + LK_TRACK_DECODER_HOLD),
                NULL);
  out_caps = gst_element_factory_make ("capsfilter", NULL);
  g_object_set (out_caps, "caps", caps, NULL);
  convert = gst_element_factory_make ("audioconvert", NULL);
  resample = gst_element_factory_make ("audioresample", NULL);
  gst_bin_add_many (GST_BIN (self->pipeline), silence, silence_caps, self->mixer, out_caps, convert,
                    resample, sink, NULL);
  if (!gst_element_link_many (silence, silence_caps, self->mixer, out_caps, convert, resample, sink, NULL))
    {
      g_set_error (error, LK_ERROR, LK_ERROR_MEDIA, "the audio sink does not take raw audio");
      return FALSE;
    }
  self->output = resample;

  lk_room_media_new_transports (self);

  bus = gst_pipeline_get_bus (self->pipeline);
  self->bus_watch = gst_bus_add_watch (bus, on_bus_message, self);
  gst_bus_set_sync_handler (bus, on_bus_sync, NULL, NULL);
  gst_object_unref (bus);

  if (gst_element_set_state (GST_ELEMENT (self->pipeline), GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    {
      g_set_error (error, LK_ERROR, LK_ERROR_MEDIA, "the audio pipeline does not start (audio device?)");
      return FALSE;
    }
  return TRUE;
}

void
lk_room_media_joined (LkRoom                    *self,
                      Livekit__ICEServer *const *servers,
                      gsize                      n_servers)
{
  GstElement *webrtcbin = lk_peer_transport_get_webrtcbin (self->publisher);
  g_autoptr(GstStructure) reliable = NULL;
  g_autoptr(GstStructure) lossy = NULL;

  for (gsize i = 0; i < n_servers; i++)
    for (gsize u = 0; u < servers[i]->n_urls; u++)
      if (g_str_has_prefix (servers[i]->urls[u], "stun:"))
        {
          g_autofree char *uri = g_strdup_printf ("stun://%s", servers[i]->urls[u] + 5);
          lk_peer_transport_set_stun_server (self->publisher, uri);
          lk_peer_transport_set_stun_server (self->subscriber, uri);
          goto stun_done;
        }
stun_done:
  /* Data channels before the first offer, so it carries m=application. */
  reliable = gst_structure_new ("options", "ordered", G_TYPE_BOOLEAN, TRUE, NULL);
  lossy = gst_structure_new ("options", "ordered", G_TYPE_BOOLEAN, FALSE,
                             "max-retransmits", G_TYPE_INT, 0, NULL);
  g_signal_emit_by_name (webrtcbin, "create-data-channel", "_reliable", reliable, &self->reliable);
  g_signal_emit_by_name (webrtcbin, "create-data-channel", "_lossy", lossy, &self->lossy);
  for (guint i = 0; i < 2; i++)
    {
      GstWebRTCDataChannel *channel = i == 0 ? self->reliable : self->lossy;
      if (channel == NULL)
        continue;
      g_signal_connect (channel, "on-open", G_CALLBACK (on_channel_open), self);
      g_signal_connect (channel, "on-message-data", G_CALLBACK (on_channel_message), self);
    }
  /* Publisher negotiated at once, tracks or not: data needs it anyway. */
  lk_peer_transport_negotiate (self->publisher, FALSE);
}

void
lk_room_media_resumed (LkRoom *self)
{
  GstWebRTCICEConnectionState state = lk_peer_transport_get_ice_state (self->publisher);

  if (state == GST_WEBRTC_ICE_CONNECTION_STATE_FAILED ||
      state == GST_WEBRTC_ICE_CONNECTION_STATE_DISCONNECTED ||
      state == GST_WEBRTC_ICE_CONNECTION_STATE_CLOSED)
    {
      self->n_ice_restarts++;
      lk_peer_transport_negotiate (self->publisher, TRUE);
    }
  /* An offer sent into the dying connection (or its answer) was lost: the
   * publisher would wait for it forever, and every later publish and
   * unpublish with it. */
  if (lk_peer_transport_offer_again_if_unanswered (self->publisher))
    self->n_offers_resent++;
  /* Data sent while the signal was away (SCTP retransmits through an ICE
   * restart). */
  flush_pending_sends (self);
}

void
lk_room_media_fail_pending (LkRoom       *self,
                            const GError *error)
{
  GPtrArray *tasks = g_object_get_data (G_OBJECT (self), "lk-unpublish-tasks");

  if (self->publishing != NULL)
    lk_room_publish_op_finish (self, self->publishing, g_error_copy (error));
  while (!g_queue_is_empty (&self->publish_queue))
    lk_room_publish_op_finish (self, g_queue_peek_head (&self->publish_queue), g_error_copy (error));
  while (!g_queue_is_empty (&self->pending_sends))
    {
      LkPendingSend *send = g_queue_pop_head (&self->pending_sends);
      if (send->task != NULL)
        g_task_return_error (send->task, g_error_copy (error));
      pending_send_free (send);
    }
  for (guint i = 0; tasks != NULL && i < tasks->len; i++)
    g_task_return_error (g_ptr_array_index (tasks, i), g_error_copy (error));
  if (tasks != NULL)
    g_ptr_array_set_size (tasks, 0);
}

void
lk_room_media_close_transports (LkRoom *self)
{
  for (guint i = 0; i < self->remote_channels->len; i++)
    g_signal_handlers_disconnect_by_data (g_ptr_array_index (self->remote_channels, i), self);
  g_ptr_array_set_size (self->remote_channels, 0);
  if (self->reliable != NULL)
    g_signal_handlers_disconnect_by_data (self->reliable, self);
  if (self->lossy != NULL)
    g_signal_handlers_disconnect_by_data (self->lossy, self);
  g_clear_object (&self->reliable);
  g_clear_object (&self->lossy);
  if (self->publisher != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->publisher, self);
      lk_peer_transport_close (self->publisher);
    }
  if (self->subscriber != NULL)
    {
      self->n_remote_ice_restarts_closed += lk_peer_transport_get_n_remote_restarts (self->subscriber);
      g_signal_handlers_disconnect_by_data (lk_peer_transport_get_webrtcbin (self->subscriber), self);
      g_signal_handlers_disconnect_by_data (self->subscriber, self);
      lk_peer_transport_close (self->subscriber);
    }
  g_clear_object (&self->publisher);
  g_clear_object (&self->subscriber);
  g_hash_table_remove_all (self->mid_pads);
  g_hash_table_remove_all (self->mid_track);
  g_hash_table_remove_all (self->mid_ssrc);
  self->n_audio_mlines_sent = 0;
}

void
lk_room_media_stop (LkRoom *self)
{
  if (self->pipeline == NULL)
    return;
  lk_room_watch_stalls (self, FALSE);
  lk_room_watch_jitter (self, FALSE);
  g_clear_handle_id (&self->bus_watch, g_source_remove);
  /* The transports first, each stopped within a bounded wait
   * (lk_peer_transport_close): inside the pipeline, a webrtcbin that never
   * stops would hang the pipeline's own stop, and our leave with it. */
  lk_room_media_close_transports (self);
  gst_element_set_state (GST_ELEMENT (self->pipeline), GST_STATE_NULL);

  for (guint i = 0; i < self->local_tracks->len; i++)
    lk_track_detach (g_ptr_array_index (self->local_tracks, i));
  g_ptr_array_set_size (self->local_tracks, 0);
  g_ptr_array_set_size (self->playback_sources, 0);
  lk_room_detach_remote_tracks (self);
  g_hash_table_remove_all (self->mid_attached);
  self->mixer = NULL;
  self->output = NULL;
  g_clear_object (&self->pipeline);
}
