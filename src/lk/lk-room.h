/* lk-room.h: the public face of the LiveKit client
 *
 * One LkRoom joins one room of a LiveKit server as one participant through
 * GStreamer webrtcbin: it publishes audio tracks, plays every subscribed
 * remote audio track (decoded and mixed) to its audio sink, and sends and
 * receives data packets and text streams. Everything runs on the thread
 * default main context of the thread that created the room.
 *
 * Signals:
 *  - participant-connected (LkParticipant *)
 *  - participant-disconnected (LkParticipant *)
 *  - participant-updated (LkParticipant *): name, metadata or attributes changed
 *  - active-speakers-changed (GPtrArray *of LkParticipant, loudest first)
 *  - track-published (LkParticipant *, LkTrack *): a remote track appeared
 *  - track-unpublished (LkParticipant *, LkTrack *)
 *  - track-subscribed (LkParticipant *, LkTrack *): its audio now reaches the mixer
 *  - track-unsubscribed (LkParticipant *, LkTrack *)
 *  - track-muted (LkParticipant *, LkTrack *): the track's muted flag changed
 *  - data-received (const char *identity, const char *topic, GBytes *payload)
 *  - text-received (const char *identity, const char *topic, const char *text,
 *                   GHashTable *attributes, const char *stream_id)
 *  - reconnecting (), reconnected (): the session is being resumed (the
 *    signal connection dropped) or replaced by a new one (full re-join: the
 *    server asked for it, refused the resume, or shut down). Either way the
 *    room comes back by itself: local tracks are published again (same
 *    LkTrack, new sid; sources and taps keep running), remote tracks are
 *    subscribed again, permissions and the app's unsubscribes are restored.
 *    Others who come back as new sessions after a server restart stay the
 *    same LkParticipant. Gives up after ~20–30 s: disconnected.
 *  - disconnected (LkDisconnectReason reason, const GError *error or NULL)
 *
 * Properties: connection-state, local-participant, audio-sink,
 * jitter-latency (ms, default 20; raised by the room when the network's
 * jitter breaks the audio, up to jitter-latency-max, default 200),
 * auto-subscribe (default TRUE); read-only
 * counters (for tests): n-signal-connects, n-ice-restarts (ours),
 * n-remote-ice-restarts (the server's, of our subscriber), n-rejoins,
 * n-token-refreshes, n-stall-resubscribes (tracks taken again because they
 * had stopped giving us audio).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <gst/gst.h>

#include "lk-enums.h"
#include "lk-error.h"
#include "lk-participant.h"
#include "lk-track.h"

G_BEGIN_DECLS

#define LK_TYPE_ROOM (lk_room_get_type ())
G_DECLARE_FINAL_TYPE (LkRoom, lk_room, LK, ROOM, GObject)

/* Text stream topics and attributes used by LiveKit's agents and components. */
#define LK_TOPIC_TRANSCRIPTION          "lk.transcription"
#define LK_TOPIC_CHAT                   "lk.chat"
#define LK_ATTR_SEGMENT_ID              "lk.segment_id"
#define LK_ATTR_TRANSCRIBED_TRACK_ID    "lk.transcribed_track_id"
#define LK_ATTR_TRANSCRIPTION_FINAL     "lk.transcription_final"

LkRoom            *lk_room_new                     (void);

/* @url: ws:// or wss:// base URL of the server (no /rtc). */
void               lk_room_connect_async           (LkRoom              *self,
                                                    const char          *url,
                                                    const char          *token,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
gboolean           lk_room_connect_finish          (LkRoom        *self,
                                                    GAsyncResult  *result,
                                                    GError       **error);
void               lk_room_disconnect_async        (LkRoom              *self,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
gboolean           lk_room_disconnect_finish       (LkRoom        *self,
                                                    GAsyncResult  *result,
                                                    GError       **error);

/* Before connect: FALSE joins with auto_subscribe=0, and the app asks for
 * each track with lk_room_update_subscription. Default TRUE. What the app
 * asked for survives a resume and a re-join (after a server restart it
 * follows the owner's track of the same name, which has a new sid). */
void               lk_room_set_auto_subscribe      (LkRoom   *self,
                                                    gboolean  auto_subscribe);
LkConnectionState  lk_room_get_connection_state    (LkRoom *self);
const char        *lk_room_get_name                (LkRoom *self);
const char        *lk_room_get_sid                 (LkRoom *self);
/* Valid once connected (NULL before). */
LkParticipant     *lk_room_get_local_participant   (LkRoom *self);
/* A GListModel of LkParticipant, updated as people join and leave. */
GListModel        *lk_room_get_remote_participants (LkRoom *self);
LkParticipant     *lk_room_lookup_participant      (LkRoom     *self,
                                                    const char *identity);

/* Where mixed remote audio goes. Set before connecting. Default: the
 * HANDOFF_AUDIO_SINK environment variable as a gst-launch description, else
 * autoaudiosink. */
void               lk_room_set_audio_sink          (LkRoom     *self,
                                                    GstElement *sink);
GstElement        *lk_room_get_audio_sink          (LkRoom *self);
/* Like lk_room_set_audio_sink, and during a call the mix moves to @sink at
 * once (the old sink is stopped and dropped): another output device,
 * mid-call. LK_ERROR_MEDIA when @sink does not take raw audio. */
gboolean           lk_room_switch_audio_sink       (LkRoom      *self,
                                                    GstElement  *sink,
                                                    GError     **error);
/* The room's pipeline (for debugging: DOT dumps, clock). */
GstPipeline       *lk_room_get_pipeline            (LkRoom *self);

/* Plays @source into the room's mix beside the remote tracks: heard at the
 * audio sink, published to nobody (e.g. hold music for ourselves). @source:
 * an element or bin with one always src pad giving raw audio that can be
 * negotiated to LK_TRACK_TAP_CAPS (end a bin with audioconvert !
 * audioresample), not in any bin yet; a live source, as the mix is live.
 * The room adds it to its pipeline and keeps a reference (a floating one is
 * taken) until lk_room_remove_playback_source or until the room's media
 * stop (disconnected); a re-join keeps it playing. Only while connecting or
 * connected (the room has its pipeline then); LK_ERROR_MEDIA otherwise. */
gboolean           lk_room_add_playback_source     (LkRoom      *self,
                                                    GstElement  *source,
                                                    GError     **error);
/* Stops @source and takes it out of the mix and the pipeline. FALSE when it
 * was not playing (never added, or gone with the room's media). */
gboolean           lk_room_remove_playback_source  (LkRoom     *self,
                                                    GstElement *source);

/* Publishes an Opus 48 kHz audio track. @source: any element or bin with one
 * always src pad giving raw audio; NULL means HANDOFF_AUDIO_SRC (gst-launch
 * description) else autoaudiosrc. Several tracks may be published (e.g.
 * microphone and hold music); they are negotiated one at a time. */
void               lk_room_publish_audio_async     (LkRoom              *self,
                                                    const char          *name,
                                                    LkTrackSource        source,
                                                    GstElement          *source_element,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
/* Returns: (transfer full): the local track. */
LkTrack           *lk_room_publish_audio_finish    (LkRoom        *self,
                                                    GAsyncResult  *result,
                                                    GError       **error);
void               lk_room_unpublish_track_async   (LkRoom              *self,
                                                    LkTrack             *track,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
gboolean           lk_room_unpublish_track_finish  (LkRoom        *self,
                                                    GAsyncResult  *result,
                                                    GError       **error);

/* A user data packet. @destination_identities: NULL or empty = everyone.
 * While reconnecting, packets wait (in order) for the resumed or new
 * session; a reliable one then arrives once. */
void               lk_room_send_data_async         (LkRoom              *self,
                                                    GBytes              *payload,
                                                    const char          *topic,
                                                    const char * const  *destination_identities,
                                                    gboolean             reliable,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
gboolean           lk_room_send_data_finish        (LkRoom        *self,
                                                    GAsyncResult  *result,
                                                    GError       **error);
/* A text stream (header, ≤15000-byte chunks, trailer) as LiveKit's SDKs send
 * it. @attributes: NULL or string → string (e.g. LK_ATTR_SEGMENT_ID). */
void               lk_room_send_text_async         (LkRoom              *self,
                                                    const char          *text,
                                                    const char          *topic,
                                                    GHashTable          *attributes,
                                                    const char * const  *destination_identities,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
gboolean           lk_room_send_text_finish        (LkRoom        *self,
                                                    GAsyncResult  *result,
                                                    GError       **error);

/* Who may subscribe to my tracks: everyone, or only @allowed_identities
 * (all my tracks). May be called before or during connect: the permissions
 * are then sent right after the join, before any track is published. */
gboolean           lk_room_set_subscription_permissions (LkRoom             *self,
                                                         gboolean            all_participants,
                                                         const char * const *allowed_identities,
                                                         GError            **error);

/* One participant's permission, for lk_room_set_track_permissions. */
typedef struct {
  const char         *participant_identity;
  gboolean            all_tracks;
  const char * const *track_sids;   /* NULL-terminated; used when !all_tracks */
} LkTrackPermission;

/* Per-track permissions (e.g. my microphone for the agents, my hold music
 * for the caller). Replaces what the previous call set. Like
 * lk_room_set_subscription_permissions, callable before connect. */
gboolean           lk_room_set_track_permissions   (LkRoom                  *self,
                                                    gboolean                 all_participants,
                                                    const LkTrackPermission *permissions,
                                                    guint                    n_permissions,
                                                    GError                 **error);
/* Asks the server to (un)subscribe us to tracks now. An unsubscribe sticks:
 * the room's own re-subscribe on a permission grant (which makes merges fast:
 * the server alone retries only every 3 s) skips those tracks until the app
 * subscribes to them again; so does the server's auto-subscribe (told again
 * when an offer brings such a track back), also after a full re-join, where
 * a restarted server gives the owner's track of the same name a new sid.
 * While the signal connection is away the request waits for the resume
 * (TRUE). Returns FALSE when not connected. */
gboolean           lk_room_update_subscription     (LkRoom             *self,
                                                    const char * const *track_sids,
                                                    gboolean            subscribe);
/* Needs canUpdateOwnMetadata in the token. */
gboolean           lk_room_set_metadata            (LkRoom      *self,
                                                    const char  *metadata,
                                                    GError     **error);
gboolean           lk_room_set_attributes          (LkRoom      *self,
                                                    GHashTable  *attributes,
                                                    GError     **error);

G_END_DECLS
