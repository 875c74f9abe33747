/* lk-track-local.c: the sending side of a local track — source → convert →
 * tee (taps) → queue → volume (mute) → opusenc → rtpopuspay → webrtcbin,
 * the audio-level header extension, the gate until negotiated, mute
 *
 * Opus runs at 48 kHz mono with 10 ms frames: half the packetisation delay
 * of the usual 20 ms, for ~5 kbit/s of extra header overhead, which a
 * softphone on a LAN or broadband can afford.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-track"

#include <gst/audio/audio.h>
#include <gst/rtp/rtp.h>
#include <math.h>

#include "lk-error.h"
#include "lk-main-context.h"
#include "lk-track-impl.h"

#define OPUS_PAYLOAD_TYPE 111
#define AUDIO_LEVEL_EXT_ID 1
#define AUDIO_LEVEL_URI "urn:ietf:params:rtp-hdrext:ssrc-audio-level"

/* Loudness of the raw audio, for the RFC 6464 header extension that the
 * server's active-speaker detection reads. */
static GstPadProbeReturn
measure_level (GstPad          *pad,
               GstPadProbeInfo *info,
               gpointer         user_data)
{
  LkTrack *self = user_data;
  GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);
  GstMapInfo map;
  double sum = 0;
  gsize n;
  int dbov = 127;

  if (buf == NULL || !gst_buffer_map (buf, &map, GST_MAP_READ))
    return GST_PAD_PROBE_OK;
  n = map.size / 2;
  for (gsize i = 0; i < n; i++)
    {
      double v = ((const gint16 *) map.data)[i] / 32768.0;
      sum += v * v;
    }
  gst_buffer_unmap (buf, &map);
  if (n > 0 && sum > 0)
    dbov = (int) CLAMP (-20.0 * log10 (sqrt (sum / n)), 0, 127);
  g_atomic_int_set (&self->level_dbov, dbov);
  return GST_PAD_PROBE_OK;
}

static GstPadProbeReturn
tag_level (GstPad          *pad,
           GstPadProbeInfo *info,
           gpointer         user_data)
{
  LkTrack *self = user_data;
  GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);
  int dbov = self->muted ? 127 : g_atomic_int_get (&self->level_dbov);

  if (buf == NULL)
    return GST_PAD_PROBE_OK;
  buf = gst_buffer_make_writable (buf);
  gst_buffer_add_audio_level_meta (buf, dbov, dbov < 50);
  GST_PAD_PROBE_INFO_DATA (info) = buf;
  return GST_PAD_PROBE_OK;
}

/* Until its m-line is negotiated, webrtcbin's pad has nowhere to send RTP
 * or even caps (NOT_LINKED would stop the source): the pad is blocked, and
 * the leaky queue before the encoder drops what piles up meanwhile. */
static GstPadProbeReturn
hold_rtp (GstPad          *pad,
          GstPadProbeInfo *info,
          gpointer         user_data)
{
  return GST_PAD_PROBE_OK;
}

void
lk_track_set_sending (LkTrack  *self,
                      gboolean  sending)
{
  if (self->pay_src == NULL)
    return;
  if (sending && self->gate_probe != 0)
    {
      gst_pad_remove_probe (self->pay_src, self->gate_probe);
      self->gate_probe = 0;
    }
  else if (!sending && self->gate_probe == 0)
    self->gate_probe = gst_pad_add_probe (self->pay_src, GST_PAD_PROBE_TYPE_BLOCK_DOWNSTREAM,
                                          hold_rtp, NULL, NULL);
}

typedef struct {
  GWeakRef track;
  LkTrackHeldFunc func;
  gpointer data;
  gint fired;
  gboolean detached;  /* the track let go of it: it fires no more */
  guint timeout_id;
  GMainContext *context;
} Hold;

static gboolean
hold_fire (gpointer user_data)
{
  Hold *h = user_data;
  g_autoptr(LkTrack) self = g_weak_ref_get (&h->track);

  if (h->detached || g_atomic_int_add (&h->fired, 1) != 0)
    return G_SOURCE_REMOVE;
  g_clear_handle_id (&h->timeout_id, g_source_remove);
  if (self != NULL)
    h->func (self, h->data);
  return G_SOURCE_REMOVE;
}

/* The track's data, the probe and a queued call each own a reference: a
 * call queued from the streaming thread may come after the track let go
 * of its hold (a new hold, or the track finalized). */
static void
hold_clear (Hold *h)
{
  g_weak_ref_clear (&h->track);
  g_main_context_unref (h->context);
}

static void
hold_release (gpointer h)
{
  g_atomic_rc_box_release_full (h, (GDestroyNotify) hold_clear);
}

static void
hold_detach (Hold *h)
{
  h->detached = TRUE;
  g_clear_handle_id (&h->timeout_id, g_source_remove);
  hold_release (h);
}

static GstPadProbeReturn
on_held (GstPad          *pad,
         GstPadProbeInfo *info,
         gpointer         user_data)
{
  Hold *h = user_data;

  /* Our streaming thread is parked here, outside webrtcbin. */
  if (g_atomic_int_get (&h->fired) == 0)
    lk_main_context_invoke (h->context, G_PRIORITY_DEFAULT, hold_fire, g_atomic_rc_box_acquire (h), hold_release);
  return GST_PAD_PROBE_OK;
}

void
lk_track_hold (LkTrack         *self,
               LkTrackHeldFunc  func,
               gpointer         user_data)
{
  Hold *h;

  g_return_if_fail (LK_IS_TRACK (self) && self->local);

  h = g_atomic_rc_box_new0 (Hold);
  g_weak_ref_init (&h->track, self);
  h->func = func;
  h->data = user_data;
  h->context = g_main_context_ref_thread_default ();
  g_object_set_data_full (G_OBJECT (self), "lk-hold", h, (GDestroyNotify) hold_detach);
  if (self->pay_src == NULL || self->gate_probe != 0)
    {
      /* Not sending (yet): nothing can be inside webrtcbin. */
      h->timeout_id = g_idle_add (hold_fire, h);
      return;
    }
  self->gate_probe = gst_pad_add_probe (self->pay_src, GST_PAD_PROBE_TYPE_BLOCK_DOWNSTREAM,
                                        on_held, g_atomic_rc_box_acquire (h), hold_release);
  /* No data flowing at all: nothing to wait for. */
  h->timeout_id = g_timeout_add (500, hold_fire, h);
}

/* The sender half: tee → queue → volume (mute) → opusenc → rtpopuspay →
 * a new transceiver of @webrtcbin, gated until negotiated. */
static gboolean
link_sender (LkTrack     *self,
             GstElement  *webrtcbin,
             GError     **error)
{
  GstElement *queue, *enc, *pay;
  g_autoptr(GstPad) pay_src = NULL;
  g_autoptr(GstPad) pay_sink = NULL;
  g_autoptr(GstPad) queue_sink = NULL;
  g_autoptr(GstCaps) rtp_caps = NULL;
  g_autofree char *caps_text = NULL;
  GstRTPHeaderExtension *ext;

  self->webrtcbin = gst_object_ref (webrtcbin);
  if (!(queue = lk_track_make_element (self, "queue", error)) ||
      !(self->volume = lk_track_make_element (self, "volume", error)) ||
      !(enc = lk_track_make_element (self, "opusenc", error)) ||
      !(pay = lk_track_make_element (self, "rtpopuspay", error)))
    return FALSE;

  g_object_set (queue, "max-size-time", 200 * GST_MSECOND, "max-size-buffers", 0,
                "max-size-bytes", 0, "leaky", 2, NULL);
  g_object_set (self->volume, "mute", self->muted, NULL);
  g_object_set (enc, "bitrate", 32000, "inband-fec", TRUE, "packet-loss-percentage", 5,
                "dtx", FALSE, NULL);
  gst_util_set_object_arg (G_OBJECT (enc), "frame-size", "10");
  gst_util_set_object_arg (G_OBJECT (enc), "audio-type", "voice");
  g_object_set (pay, "pt", OPUS_PAYLOAD_TYPE, "ssrc", self->ssrc, NULL);

  ext = gst_rtp_header_extension_create_from_uri (AUDIO_LEVEL_URI);
  if (ext != NULL)
    {
      gst_rtp_header_extension_set_id (ext, AUDIO_LEVEL_EXT_ID);
      g_signal_emit_by_name (pay, "add-extension", ext);
      gst_object_unref (ext);
    }
  if (!gst_element_link_many (queue, self->volume, enc, pay, NULL))
    {
      g_set_error (error, LK_ERROR, LK_ERROR_MEDIA, "cannot build the Opus encoder");
      return FALSE;
    }
  pay_sink = gst_element_get_static_pad (pay, "sink");
  gst_pad_add_probe (pay_sink, GST_PAD_PROBE_TYPE_BUFFER, tag_level, self, NULL);
  pay_src = gst_element_get_static_pad (pay, "src");
  self->pay_src = gst_object_ref (pay_src);
  lk_track_set_sending (self, FALSE);

  self->webrtc_pad = gst_element_request_pad_simple (webrtcbin, "sink_%u");
  if (self->webrtc_pad == NULL || gst_pad_link (pay_src, self->webrtc_pad) != GST_PAD_LINK_OK)
    {
      g_set_error (error, LK_ERROR, LK_ERROR_MEDIA, "cannot link the track to webrtcbin");
      return FALSE;
    }
  g_object_get (self->webrtc_pad, "transceiver", &self->transceiver, NULL);
  /* Explicit codec preferences (the payloader's caps, extmap with its
   * "vad=on" included): webrtcbin 1.22 otherwise leaves a transceiver out
   * of the offer until caps have reached it. */
  /* The SSRC too: the offer must declare it (a=ssrc), pion does not route
   * undeclared SSRCs on a bundle with more than one section. */
  caps_text = g_strdup_printf ("application/x-rtp,media=audio,encoding-name=OPUS,"
                               "clock-rate=48000,payload=%d,ssrc=(uint)%u,"
                               "extmap-%d=(string)<\"\",\"" AUDIO_LEVEL_URI "\",\"vad=on\">",
                               OPUS_PAYLOAD_TYPE, self->ssrc, AUDIO_LEVEL_EXT_ID);
  rtp_caps = gst_caps_from_string (caps_text);
  if (self->transceiver != NULL)
    g_object_set (self->transceiver, "direction", GST_WEBRTC_RTP_TRANSCEIVER_DIRECTION_SENDONLY,
                  "codec-preferences", rtp_caps, NULL);

  /* Playing before the tee feeds it: a buffer reaching a still inactive
   * queue gets FLUSHING, which the tee would hand back to the source (its
   * task then stops for good). */
  for (guint i = self->elements->len; i > self->n_source_elements; i--)
    gst_element_sync_state_with_parent (g_ptr_array_index (self->elements, i - 1));
  queue_sink = gst_element_get_static_pad (queue, "sink");
  self->tee_sender_pad = lk_track_link_tee_branch (self, queue_sink);
  if (self->tee_sender_pad == NULL)
    {
      g_set_error (error, LK_ERROR, LK_ERROR_MEDIA, "cannot link the encoder");
      return FALSE;
    }
  return TRUE;
}

gboolean
lk_track_build_local (LkTrack     *self,
                      GstBin      *bin,
                      GstElement  *source,
                      GstElement  *webrtcbin,
                      GError     **error)
{
  GstElement *convert, *resample, *caps;
  g_autoptr(GstCaps) raw_caps = gst_caps_from_string (LK_TRACK_TAP_CAPS);
  g_autoptr(GstPad) caps_src = NULL;

  g_return_val_if_fail (LK_IS_TRACK (self) && self->local, FALSE);

  self->bin = g_object_ref (bin);
  self->ssrc = g_random_int_range (1, G_MAXINT32);

  /* A pipeline still completing its own change to PLAYING would start a
   * newly added source before we link it (not-linked ends it). */
  gst_element_set_locked_state (source, TRUE);
  gst_bin_add (bin, source);
  g_ptr_array_add (self->elements, gst_object_ref (source));
  if (!(convert = lk_track_make_element (self, "audioconvert", error)) ||
      !(resample = lk_track_make_element (self, "audioresample", error)) ||
      !(caps = lk_track_make_element (self, "capsfilter", error)) ||
      !(self->tee = lk_track_make_element (self, "tee", error)))
    return FALSE;

  g_object_set (caps, "caps", raw_caps, NULL);
  g_object_set (self->tee, "allow-not-linked", TRUE, NULL);
  if (!gst_element_link_many (source, convert, resample, caps, self->tee, NULL))
    {
      g_set_error (error, LK_ERROR, LK_ERROR_MEDIA, "the audio source cannot produce raw audio");
      return FALSE;
    }
  caps_src = gst_element_get_static_pad (caps, "src");
  gst_pad_add_probe (caps_src, GST_PAD_PROBE_TYPE_BUFFER, measure_level, self, NULL);
  self->n_source_elements = self->elements->len;

  if (!link_sender (self, webrtcbin, error))
    return FALSE;
  lk_track_link_pending_taps (self);
  gst_element_set_locked_state (source, FALSE);
  for (guint i = self->n_source_elements; i > 0; i--)
    gst_element_sync_state_with_parent (g_ptr_array_index (self->elements, i - 1));
  return TRUE;
}

void
lk_track_cut_sender (LkTrack *self)
{
  g_return_if_fail (LK_IS_TRACK (self) && self->local);

  if (self->tee_sender_pad != NULL)
    {
      GstPad *peer = gst_pad_get_peer (self->tee_sender_pad);

      if (peer != NULL)
        {
          gst_pad_unlink (self->tee_sender_pad, peer);
          gst_object_unref (peer);
        }
      if (self->tee != NULL)
        gst_element_release_request_pad (self->tee, self->tee_sender_pad);
      g_clear_object (&self->tee_sender_pad);
    }
}

void
lk_track_unlink_sender (LkTrack *self)
{
  g_return_if_fail (LK_IS_TRACK (self) && self->local);

  lk_track_cut_sender (self);
  lk_track_unlink_webrtc_pad (self);
  lk_track_remove_elements (self, self->n_source_elements);
  self->gate_probe = 0;
  g_clear_object (&self->pay_src);
  g_clear_object (&self->transceiver);
  g_clear_object (&self->webrtcbin);
  self->volume = NULL;
}

gboolean
lk_track_relink_sender (LkTrack     *self,
                        GstElement  *webrtcbin,
                        GError     **error)
{
  g_return_val_if_fail (LK_IS_TRACK (self) && self->local, FALSE);

  lk_track_unlink_sender (self);
  if (self->tee == NULL || self->bin == NULL)
    {
      g_set_error (error, LK_ERROR, LK_ERROR_MEDIA, "the track has no source any more");
      return FALSE;
    }
  return link_sender (self, webrtcbin, error);
}

GstWebRTCRTPTransceiver *
lk_track_get_transceiver (LkTrack *self)
{
  g_return_val_if_fail (LK_IS_TRACK (self), NULL);
  return self->transceiver;
}

gboolean
lk_track_set_muted (LkTrack   *self,
                    gboolean   muted,
                    GError   **error)
{
  g_return_val_if_fail (LK_IS_TRACK (self), FALSE);

  if (!self->local)
    {
      g_set_error (error, LK_ERROR, LK_ERROR_INVALID_ARGUMENT, "only local tracks can be muted here");
      return FALSE;
    }
  muted = !!muted;
  if (muted == self->muted)
    return TRUE;
  if (self->mute_func != NULL && self->sid != NULL &&
      !self->mute_func (self, muted, self->mute_data, error))
    return FALSE;
  lk_track_set_muted_internal (self, muted);
  return TRUE;
}

void
lk_track_set_muted_internal (LkTrack  *self,
                             gboolean  muted)
{
  muted = !!muted;
  if (self->muted == muted)
    return;
  self->muted = muted;
  if (self->volume != NULL)
    g_object_set (self->volume, "mute", muted, NULL);
  g_object_notify (G_OBJECT (self), "muted");
}

gboolean
lk_track_replace_source (LkTrack     *self,
                         GstElement  *source,
                         GError     **error)
{
  g_autoptr(GstElement) incoming = NULL;
  GstElement *old, *convert;

  g_return_val_if_fail (LK_IS_TRACK (self) && self->local, FALSE);
  g_return_val_if_fail (GST_IS_ELEMENT (source), FALSE);

  incoming = gst_object_ref_sink (source);
  if (self->bin == NULL || self->n_source_elements < 2)
    {
      g_set_error (error, LK_ERROR, LK_ERROR_MEDIA, "the track is not playing");
      return FALSE;
    }
  old = g_ptr_array_index (self->elements, 0);
  convert = g_ptr_array_index (self->elements, 1);

  /* Stopped first, from here: its streaming thread ends, so nothing is
   * pushed into an unlinked converter (not-linked would end the stream),
   * and the gap is one device's worth of silence to the others. */
  gst_element_set_state (old, GST_STATE_NULL);
  gst_element_unlink (old, convert);
  gst_bin_remove (self->bin, old);
  g_ptr_array_index (self->elements, 0) = NULL;
  gst_object_unref (old);

  gst_element_set_locked_state (incoming, TRUE);
  gst_bin_add (self->bin, incoming);
  g_ptr_array_index (self->elements, 0) = gst_object_ref (incoming);
  if (!gst_element_link (incoming, convert))
    {
      /* Left in, stopped: the track sends nothing until the next good
       * source, and the leave frees it with the rest. */
      g_set_error (error, LK_ERROR, LK_ERROR_MEDIA, "the new audio source cannot produce raw audio");
      return FALSE;
    }
  gst_element_set_locked_state (incoming, FALSE);
  if (!gst_element_sync_state_with_parent (incoming))
    {
      g_set_error (error, LK_ERROR, LK_ERROR_MEDIA, "the new audio source does not start (audio device?)");
      return FALSE;
    }
  return TRUE;
}
