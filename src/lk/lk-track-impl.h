/* lk-track-impl.h: LkTrack's fields, for lk-track.c and lk-track-local.c only
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "lk-track-private.h"

G_BEGIN_DECLS

struct _LkTrack {
  GObject parent_instance;

  char *sid;
  char *cid;
  char *name;
  char *participant_identity;
  LkTrackKind kind;
  LkTrackSource source;
  gboolean local;
  gboolean muted;

  LkTrackMuteFunc mute_func;
  gpointer mute_data;

  GstBin *bin;
  GPtrArray *elements;     /* what we added to bin, in link order */
  GstElement *tee;
  GPtrArray *taps;         /* Tap */
  GPtrArray *pending_taps; /* GstElement, before the tee exists */

  /* local */
  GstElement *volume;
  GstElement *webrtcbin;
  GstPad *webrtc_pad;
  GstWebRTCRTPTransceiver *transceiver;
  gint level_dbov;         /* atomic: last loudness of the raw audio, -dBov */
  gulong gate_probe;       /* blocks RTP towards webrtcbin until negotiated */
  GstPad *pay_src;
  /* elements[0 .. n_source_elements) is the source half (source → tee),
   * the rest the sender half (queue → payloader), which a full re-join
   * replaces while the source and its taps keep running. */
  guint n_source_elements;
  GstPad *tee_sender_pad;  /* the tee's pad feeding the sender half */
  guint32 ssrc;

  /* remote */
  gint fec_hold_us;        /* atomic: what the decoder holds back */
  guint rx_ms;             /* atomic: monotonic ms (truncated) of the last packet in */
  GstClockTime expected_pts; /* at the mixer's input, as the mixer counts (streaming thread) */
  GstClockTime timeline_start;
  gint max_backstep_us;    /* atomic: the largest timeline step back since the last read */
  gint max_forward_us;     /* atomic: the largest step forward (< 200 ms), likewise */
  GstPad *remote_pad;
  GstElement *mixer;
  GstPad *mixer_pad;
};

/* Makes @factory, adds it to the track's bin and to its element list. */
GstElement *lk_track_make_element      (LkTrack     *self,
                                        const char  *factory,
                                        GError     **error);
/* Stops and removes elements[@first ..] (downstream first) from the bin
 * and the element list. */
void        lk_track_remove_elements   (LkTrack *self,
                                        guint    first);
/* Unlinks the track from its webrtcbin sink pad and forgets the pad (the
 * pad itself stays: it is webrtcbin's, with its transceiver). */
void        lk_track_unlink_webrtc_pad (LkTrack *self);
/* Links the taps added before the tee existed. */
void        lk_track_link_pending_taps (LkTrack *self);
/* A new source pad of the track's tee, linked to @sink, with the stream
 * kept out of the tee meanwhile. */
GstPad     *lk_track_link_tee_branch   (LkTrack *self,
                                        GstPad  *sink);

G_END_DECLS
