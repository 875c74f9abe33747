/* lk-track-private.h: what LkRoom needs of LkTrack
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gst/webrtc/webrtc.h>

#include "lk-protocol.pb-c.h"
#include "lk-track.h"

G_BEGIN_DECLS

typedef gboolean (*LkTrackMuteFunc) (LkTrack  *track,
                                     gboolean  muted,
                                     gpointer  user_data,
                                     GError  **error);

LkTrack  *lk_track_new_remote        (const Livekit__TrackInfo *info,
                                      const char               *participant_identity);
/* Returns TRUE when the muted flag changed. */
gboolean  lk_track_update_info       (LkTrack                  *self,
                                      const Livekit__TrackInfo *info);

LkTrack  *lk_track_new_local         (const char    *name,
                                      LkTrackSource  source,
                                      const char    *participant_identity,
                                      const char    *cid);
const char *lk_track_get_cid         (LkTrack *self);
void      lk_track_set_sid           (LkTrack    *self,
                                      const char *sid);
void      lk_track_set_mute_func     (LkTrack         *self,
                                      LkTrackMuteFunc  func,
                                      gpointer         user_data);
/* Builds source → tee(taps) → Opus → webrtcbin sink pad; a new transceiver. */
gboolean  lk_track_build_local       (LkTrack     *self,
                                      GstBin      *bin,
                                      GstElement  *source,
                                      GstElement  *webrtcbin,
                                      GError     **error);
GstWebRTCRTPTransceiver *lk_track_get_transceiver (LkTrack *self);
/* Full re-join, first step: the source stops feeding the sender half (its
 * queue would hand the FLUSHING of a stopped webrtcbin back to the source). */
void      lk_track_cut_sender        (LkTrack *self);
/* Full re-join: removes the sender half (encoder → old webrtcbin) while the
 * source and its taps keep running; the old webrtcbin must be stopped
 * first (a push parked inside it would hold the payloader). */
void      lk_track_unlink_sender     (LkTrack *self);
/* ... and builds it again towards @webrtcbin: a new transceiver, gated
 * until lk_track_set_sending (TRUE). */
gboolean  lk_track_relink_sender     (LkTrack     *self,
                                      GstElement  *webrtcbin,
                                      GError     **error);
typedef void (*LkTrackHeldFunc) (LkTrack  *track,
                                 gpointer  user_data);
/* Stops RTP at the payloader and calls @func (on this thread's main context)
 * once no push of ours can be inside webrtcbin any more. */
void      lk_track_hold              (LkTrack         *self,
                                      LkTrackHeldFunc  func,
                                      gpointer         user_data);
/* Lets RTP through to webrtcbin (once the track's m-line is negotiated). */
void      lk_track_set_sending       (LkTrack  *self,
                                      gboolean  sending);
/* The server muted or unmuted our track, or a remote one changed. */
void      lk_track_set_muted_internal (LkTrack  *self,
                                       gboolean  muted);

/* Remote: decodes RTP from @pad into the room's mixer. */
gboolean  lk_track_attach_remote     (LkTrack     *self,
                                      GstBin      *bin,
                                      GstPad      *pad,
                                      GstElement  *mixer,
                                      GError     **error);
GstPad   *lk_track_get_remote_pad    (LkTrack *self);
/* The RTP session and SSRC that feed the remote pad now (webrtcbin points
 * its pad at rtpbin's recv_rtp_src_<session>_<ssrc>_<pt>). */
gboolean  lk_track_get_remote_ssrc   (LkTrack *self,
                                      guint   *session,
                                      guint   *ssrc);
/* Since the last packet of a remote track (or its attaching). */
guint     lk_track_get_ms_since_packet (LkTrack *self);
/* The largest steps (µs; 0: none) of the track's timeline at the mixer's
 * input since the last call (resets), against its buffers laid end to end,
 * after its first seconds: back (≥ 20 ms), forward (< 200 ms). webrtcbin's
 * jitterbuffer steps forward for a packet that came later than its latency
 * (by how much later), then back: the mixer drops the audio that overlaps,
 * a click. */
void      lk_track_take_timeline_steps (LkTrack *self,
                                        guint   *back_us,
                                        guint   *forward_us);
/* A webrtcbin source pad with no track on it drops what it receives (an
 * unlinked pad would be an error for the jitterbuffer); webrtcbin may use
 * the same pad again for another track, so the drop is undone on attach. */
/* What the Opus decoder keeps back for FEC: one packet, at most 20 ms from
 * the clients we know (10 ms from us, 20 ms from browsers). */
#define LK_TRACK_DECODER_HOLD (20 * GST_MSECOND)

void      lk_remote_pad_drop         (GstPad  *pad);
void      lk_remote_pad_pass         (GstPad  *pad);
/* Removes every element the track added (its source or decoder, its taps). */
void      lk_track_detach            (LkTrack *self);

G_END_DECLS
