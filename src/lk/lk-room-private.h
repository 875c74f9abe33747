/* lk-room-private.h: LkRoom's state, shared by lk-room.c (signal messages),
 * lk-room-session.c (join, resume, leave), lk-room-media.c (pipeline,
 * transports, tracks) and the other lk-room-*.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gst/webrtc/webrtc.h>

#include "lk-data-stream.h"
#include "lk-peer-transport.h"
#include "lk-room.h"
#include "lk-signal-client.h"

G_BEGIN_DECLS

#define LK_ROOM_JITTER_TICKS 10

typedef struct {
  LkRoom *room;
  GTask *task;
  LkTrack *track;
  GstElement *source;
  guint timeout_id;
  gboolean published;    /* TrackPublishedResponse seen */
  gboolean republish;    /* a track of ours going out again after a re-join */
  gboolean offered;      /* the offer with the new m-line was sent */
} LkPublishOp;

struct _LkRoom {
  GObject parent_instance;

  LkConnectionState state;
  char *url;
  char *token;
  char *name;
  char *sid;
  LkParticipant *local;
  GListStore *remotes;
  GHashTable *by_identity;     /* identity → LkParticipant (ref) */

  LkSignalClient *signal;
  gulong signal_message_id;
  gulong signal_closed_id;
  guint ping_interval;
  guint ping_timeout;
  GTask *connect_task;
  gboolean leaving;

  /* resume */
  guint resume_id;
  gint64 resume_deadline_us;
  GCancellable *resume_cancellable;

  /* full re-join (lk-room-rejoin.c) */
  gboolean rejoining;
  guint rejoin_id;
  gint64 rejoin_deadline_us;
  GCancellable *rejoin_cancellable;
  LkDisconnectReason rejoin_reason;
  GError *rejoin_error;        /* the last attempt's, for the final report */
  GPtrArray *resubscribe;      /* track sids the app had asked for (auto-subscribe off) */
  GHashTable *carried;         /* "identity/track name" → LK_CARRY_*: what the app had
                                * chosen, for a restarted server's new sids */
  GHashTable *away;            /* identities not back yet after a re-join */
  guint away_id;
  gint64 swap_until_us;        /* until then a known identity's new session is the same participant */

  /* media */
  guint jitter_latency_ms;     /* now; raised with the network's jitter (lk-room-jitter.c) */
  guint jitter_latency_max_ms;
  guint jitter_watch_id;
  guint jitter_back[LK_ROOM_JITTER_TICKS];    /* [i]: the largest steps of received audio's */
  guint jitter_forward[LK_ROOM_JITTER_TICKS]; /* timeline i s ago (µs, 0: none) */
  GstElement *audio_sink;      /* set by the app, or made at connect */
  GstPipeline *pipeline;
  guint bus_watch;
  GstElement *mixer;
  GstElement *output;          /* the pipeline's, feeding the audio sink (lk-room-output.c) */
  LkPeerTransport *publisher;
  LkPeerTransport *subscriber;
  GstWebRTCDataChannel *reliable;
  GstWebRTCDataChannel *lossy;
  GPtrArray *remote_channels;  /* GstWebRTCDataChannel, opened by the server */
  GQueue pending_sends;        /* LkPendingSend, waiting for _reliable to open */
  GHashTable *mid_track;       /* mid → track sid, from the last subscriber offer */
  GHashTable *mid_ssrc;        /* mid → the SSRC the server announced for it (a=ssrc) */
  GHashTable *mid_pads;        /* mid → GstPad (latest webrtcbin pad for the mid) */
  GHashTable *mid_attached;    /* mid → LkTrack playing from that mid */
  GPtrArray *playback_sources; /* LkPlaybackSource: the app's audio in our mixer */
  guint n_audio_mlines_sent;

  /* publishing */
  GQueue publish_queue;        /* LkPublishOp */
  LkPublishOp *publishing;
  GPtrArray *local_tracks;     /* LkTrack, in transceiver order */
  guint cid_counter;

  LkTextStreamReader *reader;
  GBytes *permissions;         /* packed SignalRequest, sent again after each join */
  gboolean auto_subscribe;
  GHashTable *app_unsubscribed; /* track sid the app unsubscribed from → its
                                 * "identity/track name" (or NULL: unknown) */
  GHashTable *held_subscriptions; /* track sid → subscribe, asked for while the signal was away */
  guint stall_watch_id;
  GHashTable *stall_resubscribing; /* track sid → when we let it go, to take it again */
  GHashTable *stall_last;      /* track sid → when we last did so */
  GHashTable *stall_rtp_seen;  /* silent track sid → its packets at rtpbin then */
  GHashTable *offered_since;   /* track sid on a line of the offers → since when */
  guint n_stall_resubscribes;
  guint n_stall_rejoins;
  gint64 stall_grace_until_us;
  gint64 publisher_down_since_us; /* answered, ICE not up since; 0 when up */
  guint n_publisher_rejoins;
  guint n_signal_connects;
  guint n_ice_restarts;
  guint n_offers_resent;
  guint n_rejoins;
  guint n_token_refreshes;
  guint n_remote_ice_restarts_closed;  /* of subscribers closed by re-joins */
};

/* lk-room.c */
void      lk_room_set_state              (LkRoom            *self,
                                          LkConnectionState  state);
gboolean  lk_room_signal_is_up           (LkRoom                       *self);
/* UpdateSubscription as it is, without recording it as the app's choice. */
gboolean  lk_room_send_subscription      (LkRoom                       *self,
                                          const char * const           *track_sids,
                                          gboolean                      subscribe);
/* lk-room-remote.c: the stalled-track watch (started with the media). */
void      lk_room_watch_stalls           (LkRoom                       *self,
                                          gboolean                      on);
/* lk-room-jitter.c: the jitterbuffer's latency follows the network's jitter
 * (watch started with the media); _set applies a latency at once. */
/* Whether the seconds in which received audio was re-timed (@back_us,
 * newest first, 0: not) look like a jittery network rather than one
 * stall. */
gboolean  lk_room_jitter_recurs          (const guint                  *back_us,
                                          guint                         n_ticks);
void      lk_room_watch_jitter           (LkRoom                       *self,
                                          gboolean                      on);
void      lk_room_set_jitter_latency     (LkRoom                       *self,
                                          guint                         ms);
/* lk-room-latency.c: the pipeline's latency reaches every sink, but not
 * a webrtcbin stuck changing state (whose stop hangs holding its lock). */
void      lk_room_manage_latency         (LkRoom                       *self);
/* The server's offer no longer carries @sid: if we let it go because it
 * stalled, take it again now. */
void      lk_room_stall_track_dropped    (LkRoom                       *self,
                                          const char                   *sid);
/* The subscriber offer's lines (mid_track) are known: notes since when
 * each track has been on one, for the stall watch. */
void      lk_room_note_offered_tracks    (LkRoom                       *self);
/* From the stall watch's tick: re-joins when the publisher's ICE failed or
 * has not come up 8 s after its answer (lk-room-publisher-watch.c). */
void      lk_room_watch_publisher_ice    (LkRoom                       *self,
                                          gint64                        now);
/* Subscriptions asked for while the signal was away, and the app's
 * unsubscribes again, once it is back (resume or re-join). */
void      lk_room_send_held_subscriptions (LkRoom                     *self);
gboolean  lk_room_send_request           (LkRoom                       *self,
                                          const Livekit__SignalRequest *request,
                                          GError                      **error);
LkTrack  *lk_room_find_remote_track      (LkRoom         *self,
                                          const char     *track_sid,
                                          LkParticipant **owner);
void      lk_room_emit_track_signal      (LkRoom     *self,
                                          const char *signal,
                                          LkTrack    *track);
void      lk_room_handle_data_packet     (LkRoom *self,
                                          GBytes *bytes);
/* Listens to the signal client's messages and its loss. */
void      lk_room_connect_signal_handlers (LkRoom *self);

/* lk-room-session.c */
void      lk_room_handle_leave           (LkRoom                      *self,
                                          const Livekit__LeaveRequest *leave);
/* The signal connection dropped while connected: reconnecting, resume. */
void      lk_room_start_resume           (LkRoom *self);
/* What a join response tells (first join and re-joins alike). */
void      lk_room_apply_join             (LkRoom                 *self,
                                          Livekit__JoinResponse  *join);

/* lk-room-rejoin.c */
/* The session cannot be resumed (leave with action RECONNECT, a resume
 * refused, the server shut down): a new session with new transports, the
 * local tracks published again; reconnecting/reconnected for the app. */
void      lk_room_start_rejoin           (LkRoom             *self,
                                          LkDisconnectReason  reason,
                                          const char         *why);
void      lk_room_stop_rejoin            (LkRoom *self);
/* The app's choice about @owner's @track after a re-join: a subscription
 * (auto-subscribe off) or an unsubscribe (auto-subscribe on) of the track
 * of the same owner and name in the old session is applied to this one. */
void      lk_room_carry_subscription     (LkRoom        *self,
                                          LkParticipant *owner,
                                          LkTrack       *track);
/* "identity/track name": how a track is known across sessions. */
char     *lk_room_carry_key              (LkParticipant *owner,
                                          LkTrack       *track);
/* Tears down and reports disconnected (if it was not already). */
void      lk_room_fail                   (LkRoom       *self,
                                          LkDisconnectReason reason,
                                          const GError *error);
/* Closes the signal connection, stops the media, forgets the participants. */
void      lk_room_teardown               (LkRoom *self);

/* lk-room-participants.c */
void      lk_room_apply_participant      (LkRoom                         *self,
                                          const Livekit__ParticipantInfo *info,
                                          gboolean                        announce);
/* How long a participant whose session ended with its server (a restart)
 * keeps its place, waiting for it to join again: our own re-join budget. */
#define LK_ROOM_AWAY_GRACE_S 30

/* After a full re-join: who is not in the new join's list has left — or,
 * in a room made anew by a restarted server, has @grace_s to join again
 * (as a new session of the same LkParticipant) before being reported gone. */
void      lk_room_prune_participants     (LkRoom                          *self,
                                          Livekit__ParticipantInfo *const *infos,
                                          gsize                            n_infos,
                                          gboolean                         room_recreated,
                                          guint                            grace_s);
void      lk_room_forget_away            (LkRoom *self);
void      lk_room_apply_speakers         (LkRoom                         *self,
                                          const Livekit__SpeakersChanged *changed);

/* lk-room-playback.c: one of lk_room_add_playback_source's sources; freeing
 * it takes it out of the mixer and the pipeline. */
typedef struct _LkPlaybackSource LkPlaybackSource;
void      lk_playback_source_free        (LkPlaybackSource *input);

/* lk-room-media.c */
gboolean  lk_room_media_start            (LkRoom  *self,
                                          GError **error);
void      lk_room_media_stop             (LkRoom *self);
/* The two webrtcbins (added to the pipeline, not started) and their
 * handlers; closing them also drops the data channels and the mid maps. */
void      lk_room_media_new_transports   (LkRoom *self);
void      lk_room_media_close_transports (LkRoom *self);
void      lk_room_media_joined           (LkRoom                    *self,
                                          Livekit__ICEServer *const *servers,
                                          gsize                      n_servers);
void      lk_room_media_resumed          (LkRoom *self);
void      lk_room_media_handle_offer     (LkRoom                            *self,
                                          const Livekit__SessionDescription *offer);
void      lk_room_media_handle_answer    (LkRoom                            *self,
                                          const Livekit__SessionDescription *answer);
void      lk_room_media_handle_trickle   (LkRoom                        *self,
                                          const Livekit__TrickleRequest *trickle);
void      lk_room_media_track_published  (LkRoom                              *self,
                                          const Livekit__TrackPublishedResponse *response);
void      lk_room_media_request_refused  (LkRoom                        *self,
                                          const Livekit__RequestResponse *response);
/* Links pads whose track became known (after an offer or a participant update). */
void      lk_room_media_attach_pending   (LkRoom *self);
/* webrtcbin's "pad-added" of the subscriber (any thread). */
/* Logs every unlinked source pad inside the subscriber webrtcbin that
 * @failed (an element that posted an error) is in. Any thread. */
void      lk_room_remote_log_unlinked    (GstObject *failed);
void      lk_room_remote_pad_added       (GstElement *webrtcbin,
                                          GstPad     *pad,
                                          gpointer    user_data);
/* Runs @func on the room's main context, unless the room is gone by then. */
typedef void (*RoomFunc) (LkRoom *self, gpointer data);
void      lk_room_invoke                 (LkRoom         *self,
                                          RoomFunc        func,
                                          gpointer        data,
                                          GDestroyNotify  destroy);
/* lk-room-remote.c: @func for every track of every remote participant. */
typedef void (*LkRemoteTrackFunc) (LkRoom        *self,
                                   LkParticipant *owner,
                                   LkTrack       *track,
                                   gpointer       data);
void      lk_room_foreach_remote_track   (LkRoom            *self,
                                          LkRemoteTrackFunc  func,
                                          gpointer           data);
/* Every remote track's decoder goes (its taps wait for the next attach);
 * the mid maps are the caller's. */
void      lk_room_detach_remote_tracks   (LkRoom *self);
/* A remote track went away: stops it and forgets its mid. */
void      lk_room_media_forget_track     (LkRoom  *self,
                                          LkTrack *track);
void      lk_room_media_fail_pending     (LkRoom       *self,
                                          const GError *error);
/* lk-room-data.c */
/* Our track @old_sid is published again as @new_sid (a re-join): the
 * per-track permissions follow it (and are sent again). */
void      lk_room_rename_permission_track (LkRoom     *self,
                                           const char *old_sid,
                                           const char *new_sid);

/* lk-room-publish.c */
/* The server's subscriber offer, adjusted for webrtcbin 1.22 (RED dropped,
 * track-less recvonly lines offered sendonly so they stay usable); fills
 * mid → track sid and mid → SSRC for the m-lines that carry a track. */
/* NULL for an empty text or one GStreamer cannot parse (lk-room-sdp.c). */
GstSDPMessage *lk_room_sdp_parse         (const char *text);
char     *lk_room_munge_subscriber_offer (const char *text,
                                          GHashTable *mid_track,
                                          GHashTable *mid_ssrc);
char     *lk_room_munge_publisher_offer  (LkRoom     *self,
                                          const char *text);
void      lk_room_publish_op_finish      (LkRoom      *self,
                                          LkPublishOp *op,
                                          GError      *error);
/* A full re-join starts: publications in flight stop. */
void      lk_room_publish_interrupted    (LkRoom *self);
/* After a full re-join: @track (built before) goes out again on the new
 * publisher, through the same AddTrack → offer queue. */
void      lk_room_republish_track        (LkRoom  *self,
                                          LkTrack *track);

gboolean  lk_room_media_send_packet      (LkRoom   *self,
                                          GBytes   *packet,
                                          gboolean  reliable,
                                          GTask    *task);

G_END_DECLS
