/* lk-track.c: one published audio track, local or remote — the GObject,
 * taps, the receiving side, detaching
 *
 * A local track's sending side is in lk-track-local.c. A remote track owns
 * webrtcbin pad → rtpopusdepay → opusdec → convert → tee (taps) → queue →
 * the room's audiomixer.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-track"

#include <gst/audio/audio.h>
#include <stdio.h>

#include "lk-error.h"
#include "lk-track-impl.h"

typedef struct {
  GstElement *branch;
  GstElement *holder;   /* bin: leaky queue ! branch */
  GstPad *tee_pad;
} Tap;

G_DEFINE_FINAL_TYPE (LkTrack, lk_track, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_MUTED,
  PROP_SUBSCRIBED,
  N_PROPS
};

static GParamSpec *props[N_PROPS];

GstElement *
lk_track_make_element (LkTrack     *self,
                       const char  *factory,
                       GError     **error)
{
  GstElement *e = gst_element_factory_make (factory, NULL);

  if (e == NULL)
    {
      g_set_error (error, LK_ERROR, LK_ERROR_MEDIA, "GStreamer element %s is missing", factory);
      return NULL;
    }
  gst_bin_add (self->bin, e);
  g_ptr_array_add (self->elements, gst_object_ref (e));
  return e;
}

/* Downstream first: stopping an element flushes its pads, which releases a
 * streaming thread held upstream (e.g. in the pre-negotiation block). */
void
lk_track_remove_elements (LkTrack *self,
                          guint    first)
{
  for (guint i = self->elements->len; i > first; i--)
    {
      GstElement *e = g_ptr_array_index (self->elements, i - 1);

      gst_element_set_state (e, GST_STATE_NULL);
      if (self->bin != NULL && GST_OBJECT_PARENT (e) == GST_OBJECT (self->bin))
        gst_bin_remove (self->bin, e);
    }
  if (self->elements->len > first)
    g_ptr_array_set_size (self->elements, first);
}

void
lk_track_unlink_webrtc_pad (LkTrack *self)
{
  GstPad *peer;

  if (self->webrtc_pad == NULL)
    return;
  peer = gst_pad_get_peer (self->webrtc_pad);
  if (peer != NULL)
    {
      gst_pad_unlink (peer, self->webrtc_pad);
      gst_object_unref (peer);
    }
  g_clear_object (&self->webrtc_pad);
}

/* The tee gives a new pad the stream's sticky events, then adds it to its
 * pads; its input stores a SEGMENT only after handing it to the pads it
 * has. A SEGMENT in between reaches every pad but the new one, whose
 * first buffer is then "data flow before segment event" (GStreamer's
 * warning; once in 20 sanitized test-e2e-transfer runs, a tap added as
 * the microphone started). The tee's input stream lock keeps the stream
 * out while the pad is made and linked. Every branch of ours starts with
 * a queue, so the lock is not held long; if it is not free within
 * 200 ms anyway, the pad is made without it rather than stall the main
 * loop. */
GstPad *
lk_track_link_tee_branch (LkTrack *self,
                          GstPad  *sink)
{
  g_autoptr(GstPad) input = gst_element_get_static_pad (self->tee, "sink");
  gboolean locked = FALSE;
  GstPad *pad;

  for (guint i = 0; i < 200 && !(locked = GST_PAD_STREAM_TRYLOCK (input)); i++)
    g_usleep (1000);
  if (!locked)
    g_debug ("the tee of track %s is busy: its new pad may miss the segment", self->sid);
  pad = gst_element_request_pad_simple (self->tee, "src_%u");
  if (pad != NULL && gst_pad_link (pad, sink) != GST_PAD_LINK_OK)
    {
      gst_element_release_request_pad (self->tee, pad);
      g_clear_object (&pad);
    }
  if (locked)
    GST_PAD_STREAM_UNLOCK (input);
  return pad;
}

/* A tap joins a running pipeline without disturbing it:
 * - its own bin handles the branch's asynchronous state change (a sink
 *   prerolling), so the room's pipeline never "loses" its PLAYING state —
 *   which would restart, before webrtcbin linked them, the elements
 *   webrtcbin adds meanwhile;
 * - it is PLAYING before the tee's pad is linked to it: a buffer reaching a
 *   still-inactive pad returns FLUSHING, and the tee hands that back to the
 *   microphone (or the jitterbuffer), whose task then stops for good;
 * - a leaky queue in front, so a slow tap never holds back playback or
 *   sending. */
static void
link_tap (LkTrack    *self,
          GstElement *branch)
{
  Tap *tap = g_new0 (Tap, 1);
  GstElement *queue = gst_element_factory_make ("queue", NULL);
  g_autoptr(GstPad) queue_sink = gst_element_get_static_pad (queue, "sink");
  GstPad *sink;

  tap->branch = gst_object_ref (branch);
  tap->holder = gst_object_ref_sink (gst_bin_new (NULL));
  g_object_set (tap->holder, "async-handling", TRUE, NULL);
  g_object_set (queue, "leaky", 2, "max-size-time", (guint64) GST_SECOND,
                "max-size-buffers", 0, "max-size-bytes", 0, NULL);
  gst_bin_add_many (GST_BIN (tap->holder), queue, branch, NULL);
  gst_element_link (queue, branch);
  sink = gst_ghost_pad_new ("sink", queue_sink);
  gst_element_add_pad (tap->holder, sink);
  gst_bin_add (self->bin, tap->holder);
  gst_element_sync_state_with_parent (tap->holder);
  tap->tee_pad = lk_track_link_tee_branch (self, sink);
  g_ptr_array_add (self->taps, tap);
}

static void
unlink_tap (LkTrack *self,
            Tap     *tap)
{
  GstPad *peer = tap->tee_pad != NULL ? gst_pad_get_peer (tap->tee_pad) : NULL;

  if (peer != NULL)
    {
      gst_pad_unlink (tap->tee_pad, peer);
      gst_object_unref (peer);
    }
  if (self->tee != NULL && tap->tee_pad != NULL)
    gst_element_release_request_pad (self->tee, tap->tee_pad);
  g_clear_object (&tap->tee_pad);
  gst_element_set_state (tap->holder, GST_STATE_NULL);
  /* The branch goes back to the caller as it came: out of any bin. */
  gst_bin_remove (GST_BIN (tap->holder), tap->branch);
  if (GST_OBJECT_PARENT (tap->holder) != NULL)
    gst_bin_remove (GST_BIN (GST_OBJECT_PARENT (tap->holder)), tap->holder);
  gst_object_unref (tap->holder);
  gst_object_unref (tap->branch);
  g_free (tap);
}

void
lk_track_link_pending_taps (LkTrack *self)
{
  g_autoptr(GPtrArray) pending = g_steal_pointer (&self->pending_taps);

  self->pending_taps = g_ptr_array_new_with_free_func (gst_object_unref);
  for (guint i = 0; i < pending->len; i++)
    link_tap (self, g_ptr_array_index (pending, i));
}

gboolean
lk_track_add_tap (LkTrack     *self,
                  GstElement  *branch,
                  GError     **error)
{
  GstPad *sink;

  g_return_val_if_fail (LK_IS_TRACK (self), FALSE);
  g_return_val_if_fail (GST_IS_ELEMENT (branch), FALSE);

  sink = gst_element_get_static_pad (branch, "sink");
  if (sink == NULL)
    {
      g_set_error (error, LK_ERROR, LK_ERROR_INVALID_ARGUMENT, "the tap has no \"sink\" pad");
      return FALSE;
    }
  gst_object_unref (sink);
  if (GST_OBJECT_PARENT (branch) != NULL)
    {
      g_set_error (error, LK_ERROR, LK_ERROR_INVALID_ARGUMENT, "the tap is already in a bin");
      return FALSE;
    }
  gst_object_ref_sink (branch);
  if (self->tee != NULL)
    link_tap (self, branch);
  else
    g_ptr_array_add (self->pending_taps, gst_object_ref (branch));
  gst_object_unref (branch);
  return TRUE;
}

void
lk_track_remove_tap (LkTrack    *self,
                     GstElement *branch)
{
  g_return_if_fail (LK_IS_TRACK (self));

  for (guint i = 0; i < self->taps->len; i++)
    {
      Tap *tap = g_ptr_array_index (self->taps, i);
      if (tap->branch == branch)
        {
          g_ptr_array_remove_index (self->taps, i);
          unlink_tap (self, tap);
          return;
        }
    }
  g_ptr_array_remove (self->pending_taps, branch);
}

/* ---- remote ---- */

/* With in-band FEC, opusdec keeps one packet back (so that a lost packet can
 * be rebuilt from the FEC data of the next) and claims the worst case for
 * it, 120 ms — the whole room would then play 120 ms late. It really holds
 * one packet: 10 ms from us, 20 ms from browsers; a sender with longer
 * packets raises it here as soon as one is decoded. */
#define OPUS_MAX_LATENCY (120 * GST_MSECOND)

static GstPadProbeReturn
watch_packet_duration (GstPad          *pad,
                       GstPadProbeInfo *info,
                       gpointer         user_data)
{
  LkTrack *self = user_data;
  GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);
  GstClockTime duration = buf != NULL ? GST_BUFFER_DURATION (buf) : GST_CLOCK_TIME_NONE;
  gint us = GST_CLOCK_TIME_IS_VALID (duration) ? (gint) (duration / GST_USECOND) : 0;

  if (us > g_atomic_int_get (&self->fec_hold_us) && duration <= OPUS_MAX_LATENCY)
    {
      GstElement *dec = GST_ELEMENT (gst_pad_get_parent (pad));

      g_atomic_int_set (&self->fec_hold_us, us);
      if (dec != NULL)
        {
          gst_audio_decoder_set_latency (GST_AUDIO_DECODER (dec), duration, OPUS_MAX_LATENCY);
          gst_object_unref (dec);
        }
    }
  return GST_PAD_PROBE_OK;
}

static guint
now_ms (void)
{
  return (guint) (g_get_monotonic_time () / 1000);
}

static GstPadProbeReturn
stamp_packet (GstPad          *pad,
              GstPadProbeInfo *info,
              gpointer         user_data)
{
  LkTrack *self = user_data;

  g_atomic_int_set (&self->rx_ms, now_ms ());
  return GST_PAD_PROBE_OK;
}

/* The mixer lays a track's buffers end to end while their timestamps stay
 * within its alignment threshold (40 ms) of that; past it, it goes by the
 * timestamps again and drops what is behind. A step back of half that is
 * counted already. Steps forward only size a raise (lk-room-jitter.c): a
 * sender's silence (DTX) makes them too. */
#define BACKSTEP (20 * GST_MSECOND)
#define TIMELINE_SETTLING (3 * GST_SECOND)
/* A step forward longer than that is a pause of the sender (DTX), not a
 * packet the jitterbuffer re-timed. */
#define LONGEST_RETIMING (200 * GST_MSECOND)

static void
keep_largest (gint         *atomic_us,
              GstClockTime  step)
{
  gint step_us = (gint) MIN (step / GST_USECOND, (GstClockTime) G_MAXINT);
  gint seen;

  do
    seen = g_atomic_int_get (atomic_us);
  while (step_us > seen && !g_atomic_int_compare_and_exchange (atomic_us, seen, step_us));
}

static GstPadProbeReturn
watch_timeline (GstPad          *pad,
                GstPadProbeInfo *info,
                gpointer         user_data)
{
  LkTrack *self = user_data;
  GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);
  GstClockTime pts = GST_BUFFER_PTS (buf), duration = GST_BUFFER_DURATION (buf);
  gboolean settled;

  if (!GST_CLOCK_TIME_IS_VALID (pts) || !GST_CLOCK_TIME_IS_VALID (duration))
    {
      self->expected_pts = GST_CLOCK_TIME_NONE;
      return GST_PAD_PROBE_OK;
    }
  if (!GST_CLOCK_TIME_IS_VALID (self->timeline_start))
    self->timeline_start = pts;
  settled = pts > self->timeline_start + TIMELINE_SETTLING;
  if (!GST_CLOCK_TIME_IS_VALID (self->expected_pts) || pts > self->expected_pts)
    {
      if (settled && GST_CLOCK_TIME_IS_VALID (self->expected_pts) && pts - self->expected_pts < LONGEST_RETIMING)
        keep_largest (&self->max_forward_us, pts - self->expected_pts);
      self->expected_pts = pts;
    }
  else if (pts + BACKSTEP < self->expected_pts)
    {
      /* Not in the first seconds: the jitterbuffer is still finding its
       * timeline, whatever the network. */
      if (settled)
        keep_largest (&self->max_backstep_us, self->expected_pts - pts);
      self->expected_pts = pts;
    }
  self->expected_pts += duration;
  return GST_PAD_PROBE_OK;
}

void
lk_track_take_timeline_steps (LkTrack *self,
                              guint   *back_us,
                              guint   *forward_us)
{
  g_return_if_fail (LK_IS_TRACK (self));
  *back_us = (guint) g_atomic_int_exchange (&self->max_backstep_us, 0);
  *forward_us = (guint) g_atomic_int_exchange (&self->max_forward_us, 0);
}

guint
lk_track_get_ms_since_packet (LkTrack *self)
{
  g_return_val_if_fail (LK_IS_TRACK (self), 0);
  /* Unsigned: right across the truncated clock's wrap. */
  return now_ms () - (guint) g_atomic_int_get (&self->rx_ms);
}

gboolean
lk_track_attach_remote (LkTrack     *self,
                        GstBin      *bin,
                        GstPad      *pad,
                        GstElement  *mixer,
                        GError     **error)
{
  GstElement *depay, *dec, *convert, *resample, *caps, *queue;
  g_autoptr(GstCaps) raw_caps = gst_caps_from_string (LK_TRACK_TAP_CAPS);
  g_autoptr(GstPad) depay_sink = NULL;
  g_autoptr(GstPad) queue_src = NULL;
  g_autoptr(GstPad) dec_src = NULL;

  g_return_val_if_fail (LK_IS_TRACK (self) && !self->local, FALSE);

  lk_track_detach (self);
  self->bin = g_object_ref (bin);
  self->mixer = gst_object_ref (mixer);
  if (!(depay = lk_track_make_element (self, "rtpopusdepay", error)) ||
      !(dec = lk_track_make_element (self, "opusdec", error)) ||
      !(convert = lk_track_make_element (self, "audioconvert", error)) ||
      !(resample = lk_track_make_element (self, "audioresample", error)) ||
      !(caps = lk_track_make_element (self, "capsfilter", error)) ||
      !(self->tee = lk_track_make_element (self, "tee", error)) ||
      !(queue = lk_track_make_element (self, "queue", error)))
    return FALSE;
  g_object_set (dec, "plc", TRUE, "use-inband-fec", TRUE, NULL);
  g_object_set (caps, "caps", raw_caps, NULL);
  g_object_set (self->tee, "allow-not-linked", TRUE, NULL);
  if (!gst_element_link_many (depay, dec, convert, resample, caps, self->tee, queue, NULL))
    {
      g_set_error (error, LK_ERROR, LK_ERROR_MEDIA, "cannot build the decoder of track %s", self->sid);
      return FALSE;
    }
  self->mixer_pad = gst_element_request_pad_simple (mixer, "sink_%u");
  queue_src = gst_element_get_static_pad (queue, "src");
  gst_pad_link (queue_src, self->mixer_pad);
  self->expected_pts = GST_CLOCK_TIME_NONE;
  self->timeline_start = GST_CLOCK_TIME_NONE;
  gst_pad_add_probe (queue_src, GST_PAD_PROBE_TYPE_BUFFER, watch_timeline, self, NULL);
  lk_track_link_pending_taps (self);
  for (guint i = self->elements->len; i > 0; i--)
    gst_element_sync_state_with_parent (g_ptr_array_index (self->elements, i - 1));
  /* After the state change: starting the decoder set its own claim. */
  g_atomic_int_set (&self->fec_hold_us, (gint) (LK_TRACK_DECODER_HOLD / GST_USECOND));
  gst_audio_decoder_set_latency (GST_AUDIO_DECODER (dec), LK_TRACK_DECODER_HOLD, OPUS_MAX_LATENCY);
  dec_src = gst_element_get_static_pad (dec, "src");
  gst_pad_add_probe (dec_src, GST_PAD_PROBE_TYPE_BUFFER, watch_packet_duration, self, NULL);

  depay_sink = gst_element_get_static_pad (depay, "sink");
  g_atomic_int_set (&self->rx_ms, now_ms ());
  gst_pad_add_probe (depay_sink, GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_BUFFER_LIST,
                     stamp_packet, self, NULL);
  if (gst_pad_link (pad, depay_sink) != GST_PAD_LINK_OK)
    {
      g_set_error (error, LK_ERROR, LK_ERROR_MEDIA, "track %s is not Opus", self->sid);
      return FALSE;
    }
  self->remote_pad = gst_object_ref (pad);
  lk_remote_pad_pass (pad);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_SUBSCRIBED]);
  return TRUE;
}

GstPad *
lk_track_get_remote_pad (LkTrack *self)
{
  g_return_val_if_fail (LK_IS_TRACK (self), NULL);
  return self->remote_pad;
}

gboolean
lk_track_get_remote_ssrc (LkTrack *self,
                          guint   *session,
                          guint   *ssrc)
{
  g_autoptr(GstPad) target = NULL;
  guint pt;

  g_return_val_if_fail (LK_IS_TRACK (self), FALSE);
  if (self->remote_pad == NULL || !GST_IS_GHOST_PAD (self->remote_pad))
    return FALSE;
  target = gst_ghost_pad_get_target (GST_GHOST_PAD (self->remote_pad));
  return target != NULL &&
         sscanf (GST_PAD_NAME (target), "recv_rtp_src_%u_%u_%u", session, ssrc, &pt) == 3;
}

static GstPadProbeReturn
drop_everything (GstPad          *pad,
                 GstPadProbeInfo *info,
                 gpointer         user_data)
{
  return GST_PAD_PROBE_DROP;
}

void
lk_remote_pad_drop (GstPad *pad)
{
  gulong probe;

  if (g_object_get_data (G_OBJECT (pad), "lk-drop-probe") != NULL)
    return;
  probe = gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_BUFFER_LIST,
                             drop_everything, NULL, NULL);
  g_object_set_data (G_OBJECT (pad), "lk-drop-probe", GSIZE_TO_POINTER (probe));
}

void
lk_remote_pad_pass (GstPad *pad)
{
  gulong probe = GPOINTER_TO_SIZE (g_object_steal_data (G_OBJECT (pad), "lk-drop-probe"));

  if (probe != 0)
    gst_pad_remove_probe (pad, probe);
}

void
lk_track_detach (LkTrack *self)
{
  gboolean was_subscribed;

  g_return_if_fail (LK_IS_TRACK (self));

  was_subscribed = self->remote_pad != NULL;
  while (self->taps->len > 0)
    {
      Tap *tap = g_ptr_array_steal_index (self->taps, self->taps->len - 1);
      /* Keep the branch: a later attach links it again. */
      g_ptr_array_add (self->pending_taps, gst_object_ref (tap->branch));
      unlink_tap (self, tap);
    }
  if (self->remote_pad != NULL)
    {
      GstPad *peer = gst_pad_get_peer (self->remote_pad);

      lk_remote_pad_drop (self->remote_pad);
      if (peer != NULL)
        {
          gst_pad_unlink (self->remote_pad, peer);
          gst_object_unref (peer);
        }
      g_clear_object (&self->remote_pad);
    }
  if (self->tee_sender_pad != NULL)
    {
      if (self->tee != NULL)
        gst_element_release_request_pad (self->tee, self->tee_sender_pad);
      g_clear_object (&self->tee_sender_pad);
    }
  /* Not released: webrtcbin 1.22 keeps the transceiver (now inactive),
   * and the next offer must still describe its m-line. */
  lk_track_unlink_webrtc_pad (self);
  /* The mixer's pad first: an aggregator pad holding a buffer parks our
   * queue's thread until it is consumed; releasing the pad flushes it. */
  if (self->mixer_pad != NULL)
    {
      gst_element_release_request_pad (self->mixer, self->mixer_pad);
      g_clear_object (&self->mixer_pad);
    }
  lk_track_remove_elements (self, 0);
  self->n_source_elements = 0;
  self->gate_probe = 0;
  g_clear_object (&self->pay_src);
  if (self->mixer_pad != NULL)
    {
      gst_element_release_request_pad (self->mixer, self->mixer_pad);
      g_clear_object (&self->mixer_pad);
    }
  self->tee = NULL;
  self->volume = NULL;
  g_clear_object (&self->mixer);
  g_clear_object (&self->webrtcbin);
  g_clear_object (&self->bin);
  if (was_subscribed)
    g_object_notify_by_pspec (G_OBJECT (self), props[PROP_SUBSCRIBED]);
}

gboolean
lk_track_update_info (LkTrack                  *self,
                      const Livekit__TrackInfo *info)
{
  gboolean changed = self->muted != !!info->muted;

  if (info->name != NULL && *info->name != '\0')
    {
      g_free (self->name);
      self->name = g_strdup (info->name);
    }
  self->source = (LkTrackSource) info->source;
  self->kind = (LkTrackKind) info->type;
  if (changed)
    {
      self->muted = !!info->muted;
      g_object_notify_by_pspec (G_OBJECT (self), props[PROP_MUTED]);
    }
  return changed;
}

/* ---- accessors ---- */

const char *
lk_track_get_sid (LkTrack *self)
{
  g_return_val_if_fail (LK_IS_TRACK (self), NULL);
  return self->sid;
}

void
lk_track_set_sid (LkTrack    *self,
                  const char *sid)
{
  g_free (self->sid);
  self->sid = g_strdup (sid);
}

const char *
lk_track_get_cid (LkTrack *self)
{
  return self->cid;
}

const char *
lk_track_get_name (LkTrack *self)
{
  g_return_val_if_fail (LK_IS_TRACK (self), NULL);
  return self->name;
}

LkTrackKind
lk_track_get_kind (LkTrack *self)
{
  g_return_val_if_fail (LK_IS_TRACK (self), LK_TRACK_KIND_AUDIO);
  return self->kind;
}

LkTrackSource
lk_track_get_source (LkTrack *self)
{
  g_return_val_if_fail (LK_IS_TRACK (self), LK_TRACK_SOURCE_UNKNOWN);
  return self->source;
}

gboolean
lk_track_is_local (LkTrack *self)
{
  g_return_val_if_fail (LK_IS_TRACK (self), FALSE);
  return self->local;
}

gboolean
lk_track_get_muted (LkTrack *self)
{
  g_return_val_if_fail (LK_IS_TRACK (self), FALSE);
  return self->muted;
}

const char *
lk_track_get_participant_identity (LkTrack *self)
{
  g_return_val_if_fail (LK_IS_TRACK (self), NULL);
  return self->participant_identity;
}

gboolean
lk_track_is_subscribed (LkTrack *self)
{
  g_return_val_if_fail (LK_IS_TRACK (self), FALSE);
  return self->local ? self->webrtc_pad != NULL : self->remote_pad != NULL;
}

void
lk_track_set_mute_func (LkTrack         *self,
                        LkTrackMuteFunc  func,
                        gpointer         user_data)
{
  self->mute_func = func;
  self->mute_data = user_data;
}

/* ---- lifecycle ---- */

static void
lk_track_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  LkTrack *self = LK_TRACK (object);

  switch (prop_id)
    {
    case PROP_MUTED:
      g_value_set_boolean (value, self->muted);
      break;
    case PROP_SUBSCRIBED:
      g_value_set_boolean (value, lk_track_is_subscribed (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lk_track_dispose (GObject *object)
{
  LkTrack *self = LK_TRACK (object);

  if (self->bin != NULL)
    lk_track_detach (self);
  g_clear_object (&self->transceiver);
  g_clear_pointer (&self->pending_taps, g_ptr_array_unref);

  G_OBJECT_CLASS (lk_track_parent_class)->dispose (object);
}

static void
lk_track_finalize (GObject *object)
{
  LkTrack *self = LK_TRACK (object);

  g_ptr_array_unref (self->elements);
  g_ptr_array_unref (self->taps);
  g_free (self->sid);
  g_free (self->cid);
  g_free (self->name);
  g_free (self->participant_identity);

  G_OBJECT_CLASS (lk_track_parent_class)->finalize (object);
}

static void
lk_track_class_init (LkTrackClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = lk_track_get_property;
  object_class->dispose = lk_track_dispose;
  object_class->finalize = lk_track_finalize;

  props[PROP_MUTED] = g_param_spec_boolean ("muted", NULL, NULL, FALSE,
                                            G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  props[PROP_SUBSCRIBED] = g_param_spec_boolean ("subscribed", NULL, NULL, FALSE,
                                                 G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
lk_track_init (LkTrack *self)
{
  self->elements = g_ptr_array_new_with_free_func (gst_object_unref);
  self->taps = g_ptr_array_new ();
  self->pending_taps = g_ptr_array_new_with_free_func (gst_object_unref);
  self->level_dbov = 127;
}

LkTrack *
lk_track_new_remote (const Livekit__TrackInfo *info,
                     const char               *participant_identity)
{
  LkTrack *self = g_object_new (LK_TYPE_TRACK, NULL);

  self->sid = g_strdup (info->sid);
  self->name = g_strdup (info->name);
  self->participant_identity = g_strdup (participant_identity);
  self->kind = (LkTrackKind) info->type;
  self->source = (LkTrackSource) info->source;
  self->muted = !!info->muted;
  return self;
}

LkTrack *
lk_track_new_local (const char    *name,
                    LkTrackSource  source,
                    const char    *participant_identity,
                    const char    *cid)
{
  LkTrack *self = g_object_new (LK_TYPE_TRACK, NULL);

  self->local = TRUE;
  self->name = g_strdup (name);
  self->cid = g_strdup (cid);
  self->source = source;
  self->kind = LK_TRACK_KIND_AUDIO;
  self->participant_identity = g_strdup (participant_identity);
  return self;
}
