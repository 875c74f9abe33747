/* lk-peer-transport.h: one webrtcbin (publisher or subscriber side)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gst/gst.h>
#include <gst/webrtc/webrtc.h>

G_BEGIN_DECLS

#define LK_TYPE_PEER_TRANSPORT (lk_peer_transport_get_type ())
G_DECLARE_FINAL_TYPE (LkPeerTransport, lk_peer_transport, LK, PEER_TRANSPORT, GObject)

/* Signals (all on the creating thread's main context):
 *  - local-description (const char *type, const char *sdp, guint id): send it now
 *  - local-candidate (const char *candidate_init_json): send it now
 *  - negotiated (): a local offer was answered, or a remote offer answered
 *  - failed (GError *): webrtcbin refused a description; the session is broken
 */
LkPeerTransport *lk_peer_transport_new            (GstBin     *bin,
                                                   const char *name,
                                                   gboolean    publisher,
                                                   guint       latency_ms);
GstElement      *lk_peer_transport_get_webrtcbin  (LkPeerTransport *self);
gboolean         lk_peer_transport_is_publisher   (LkPeerTransport *self);
void             lk_peer_transport_set_stun_server (LkPeerTransport *self,
                                                    const char      *uri);

/* Publisher: makes an offer (serialised: a call during a negotiation runs
 * again when it ends). */
void             lk_peer_transport_negotiate      (LkPeerTransport *self,
                                                   gboolean         ice_restart);
gboolean         lk_peer_transport_is_negotiating (LkPeerTransport *self);
/* Publisher: the server's answer to our offer @offer_id (0: unknown).
 * An answer to an offer other than the one awaited is ignored. */
void             lk_peer_transport_set_answer     (LkPeerTransport *self,
                                                   const char      *sdp,
                                                   guint            offer_id);
/* Publisher, after a resume: an offer that went out and was never answered
 * is made again. Returns whether it was. */
gboolean         lk_peer_transport_offer_again_if_unanswered (LkPeerTransport *self);
/* Subscriber: the server's offer (queued while another is handled). */
void             lk_peer_transport_handle_offer   (LkPeerTransport *self,
                                                   const char      *sdp,
                                                   guint            id);
void             lk_peer_transport_add_candidate  (LkPeerTransport *self,
                                                   const char      *candidate_init_json);
GstWebRTCICEConnectionState lk_peer_transport_get_ice_state (LkPeerTransport *self);
/* Subscriber: remote offers that restarted ICE (new credentials). */
guint            lk_peer_transport_get_n_remote_restarts (LkPeerTransport *self);
/* Stops the webrtcbin and removes it from the bin. */
void             lk_peer_transport_close          (LkPeerTransport *self);

G_END_DECLS
