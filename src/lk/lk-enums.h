/* lk-enums.h: enumerations of the LiveKit client's public API
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/**
 * LkConnectionState:
 * @LK_CONNECTION_STATE_DISCONNECTED: not in a room
 * @LK_CONNECTION_STATE_CONNECTING: joining
 * @LK_CONNECTION_STATE_CONNECTED: joined, media may flow
 * @LK_CONNECTION_STATE_RECONNECTING: the signal connection dropped; resuming on its own
 */
typedef enum {
  LK_CONNECTION_STATE_DISCONNECTED,
  LK_CONNECTION_STATE_CONNECTING,
  LK_CONNECTION_STATE_CONNECTED,
  LK_CONNECTION_STATE_RECONNECTING,
} LkConnectionState;

/* Values are LiveKit's TrackSource numbers. */
typedef enum {
  LK_TRACK_SOURCE_UNKNOWN = 0,
  LK_TRACK_SOURCE_CAMERA = 1,
  LK_TRACK_SOURCE_MICROPHONE = 2,
  LK_TRACK_SOURCE_SCREEN_SHARE = 3,
  LK_TRACK_SOURCE_SCREEN_SHARE_AUDIO = 4,
} LkTrackSource;

/* Values are LiveKit's TrackType numbers. */
typedef enum {
  LK_TRACK_KIND_AUDIO = 0,
  LK_TRACK_KIND_VIDEO = 1,
  LK_TRACK_KIND_DATA = 2,
} LkTrackKind;

/* Values are LiveKit's ParticipantInfo.Kind numbers. */
typedef enum {
  LK_PARTICIPANT_KIND_STANDARD = 0,
  LK_PARTICIPANT_KIND_INGRESS = 1,
  LK_PARTICIPANT_KIND_EGRESS = 2,
  LK_PARTICIPANT_KIND_SIP = 3,
  LK_PARTICIPANT_KIND_AGENT = 4,
} LkParticipantKind;

/* Values are LiveKit's DisconnectReason numbers, so a server's reason maps 1:1. */
typedef enum {
  LK_DISCONNECT_REASON_UNKNOWN = 0,
  LK_DISCONNECT_REASON_CLIENT_INITIATED = 1,
  LK_DISCONNECT_REASON_DUPLICATE_IDENTITY = 2,
  LK_DISCONNECT_REASON_SERVER_SHUTDOWN = 3,
  LK_DISCONNECT_REASON_PARTICIPANT_REMOVED = 4,
  LK_DISCONNECT_REASON_ROOM_DELETED = 5,
  LK_DISCONNECT_REASON_STATE_MISMATCH = 6,
  LK_DISCONNECT_REASON_JOIN_FAILURE = 7,
  LK_DISCONNECT_REASON_MIGRATION = 8,
  LK_DISCONNECT_REASON_SIGNAL_CLOSE = 9,
  LK_DISCONNECT_REASON_ROOM_CLOSED = 10,
  LK_DISCONNECT_REASON_USER_UNAVAILABLE = 11,
  LK_DISCONNECT_REASON_USER_REJECTED = 12,
  LK_DISCONNECT_REASON_SIP_TRUNK_FAILURE = 13,
  LK_DISCONNECT_REASON_CONNECTION_TIMEOUT = 14,
  LK_DISCONNECT_REASON_MEDIA_FAILURE = 15,
  LK_DISCONNECT_REASON_AGENT_ERROR = 16,
} LkDisconnectReason;

#define LK_TYPE_CONNECTION_STATE (lk_connection_state_get_type ())
#define LK_TYPE_TRACK_SOURCE (lk_track_source_get_type ())
#define LK_TYPE_TRACK_KIND (lk_track_kind_get_type ())
#define LK_TYPE_PARTICIPANT_KIND (lk_participant_kind_get_type ())
#define LK_TYPE_DISCONNECT_REASON (lk_disconnect_reason_get_type ())

GType lk_connection_state_get_type (void);
GType lk_track_source_get_type (void);
GType lk_track_kind_get_type (void);
GType lk_participant_kind_get_type (void);
GType lk_disconnect_reason_get_type (void);

/* Short lowercase names ("connected", "client_initiated", ...) for logs and JSON. */
const char *lk_connection_state_to_string (LkConnectionState state);
const char *lk_disconnect_reason_to_string (LkDisconnectReason reason);

G_END_DECLS
