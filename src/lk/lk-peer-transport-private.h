/* lk-peer-transport-private.h: LkPeerTransport's fields, shared by
 * lk-peer-transport.c (negotiation) and lk-peer-transport-ice.c (candidates)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "lk-peer-transport.h"

G_BEGIN_DECLS

typedef struct {
  char *sdp;
  guint id;
} PendingOffer;

struct _LkPeerTransport {
  GObject parent_instance;

  GMainContext *context;
  GstBin *bin;
  GstElement *webrtcbin;
  gboolean publisher;

  /* Negotiation state (main context only). */
  gboolean negotiating;
  gboolean again;
  gboolean again_ice_restart;
  gboolean offer_ice_restart;  /* the offer in progress restarts ICE */
  gboolean offer_out;          /* ... and went to the server, unanswered */
  guint last_offer_id;         /* ids of our offers; the server's answer echoes it */
  GQueue offers;             /* PendingOffer, subscriber side */
  guint current_offer_id;
  gboolean have_remote;
  GPtrArray *remote_candidates;  /* queued until the remote description is set */
  gboolean local_sent;
  GPtrArray *local_candidates;   /* queued until our description is sent */
  GPtrArray *sent_candidates;    /* every local candidate the server got */
  char *remote_ufrag;            /* of the last offer applied (subscriber) */
  gboolean remote_restarted;     /* that offer restarted ICE */
  guint n_remote_restarts;       /* offers with new ICE credentials seen */
  char *local_sdp;               /* the last description we sent, for mids */
  GstWebRTCSessionDescription *pending_local;  /* being applied, then sent */
  gboolean closed;
};

typedef void (*MainFunc) (LkPeerTransport *self, gpointer data);

typedef struct {
  guint mline;
  char *candidate;
} LocalCandidate;

/* lk-peer-transport.c */
/* Runs @func on the transport's main context (always through an idle),
 * unless the transport is gone or closed by then. */
void lk_peer_transport_run_in_main            (LkPeerTransport *self,
                                              MainFunc         func,
                                              gpointer         data,
                                              GDestroyNotify   destroy);

/* lk-peer-transport-ice.c */
void lk_peer_transport_local_candidate_free   (LocalCandidate *c);
/* Our description went out: the candidates gathered meanwhile follow. */
void lk_peer_transport_flush_local_candidates (LkPeerTransport *self);
/* The remote description is set: the candidates queued meanwhile apply. */
void lk_peer_transport_remote_applied         (LkPeerTransport *self);
void lk_peer_transport_disable_upnp           (GstElement *webrtcbin);
/* New credentials in a later offer: the server restarted ICE. */
void lk_peer_transport_note_remote_ufrag      (LkPeerTransport             *self,
                                               GstWebRTCSessionDescription *offer);
/* After our answer to such an offer: our candidates go out again. */
void lk_peer_transport_resend_candidates_after_restart (LkPeerTransport *self);
/* webrtcbin's "on-ice-candidate" (any thread). */
void lk_peer_transport_on_ice_candidate       (GstElement *webrtcbin,
                                               guint       mline,
                                               const char *candidate,
                                               gpointer    user_data);
void lk_peer_transport_on_ice_state           (GstElement *webrtcbin,
                                               GParamSpec *pspec,
                                               gpointer    user_data);

G_END_DECLS
