/* lk-enums.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-enums"

#include "lk-enums.h"

G_DEFINE_ENUM_TYPE (LkConnectionState, lk_connection_state,
  G_DEFINE_ENUM_VALUE (LK_CONNECTION_STATE_DISCONNECTED, "disconnected"),
  G_DEFINE_ENUM_VALUE (LK_CONNECTION_STATE_CONNECTING, "connecting"),
  G_DEFINE_ENUM_VALUE (LK_CONNECTION_STATE_CONNECTED, "connected"),
  G_DEFINE_ENUM_VALUE (LK_CONNECTION_STATE_RECONNECTING, "reconnecting"))

G_DEFINE_ENUM_TYPE (LkTrackSource, lk_track_source,
  G_DEFINE_ENUM_VALUE (LK_TRACK_SOURCE_UNKNOWN, "unknown"),
  G_DEFINE_ENUM_VALUE (LK_TRACK_SOURCE_CAMERA, "camera"),
  G_DEFINE_ENUM_VALUE (LK_TRACK_SOURCE_MICROPHONE, "microphone"),
  G_DEFINE_ENUM_VALUE (LK_TRACK_SOURCE_SCREEN_SHARE, "screen_share"),
  G_DEFINE_ENUM_VALUE (LK_TRACK_SOURCE_SCREEN_SHARE_AUDIO, "screen_share_audio"))

G_DEFINE_ENUM_TYPE (LkTrackKind, lk_track_kind,
  G_DEFINE_ENUM_VALUE (LK_TRACK_KIND_AUDIO, "audio"),
  G_DEFINE_ENUM_VALUE (LK_TRACK_KIND_VIDEO, "video"),
  G_DEFINE_ENUM_VALUE (LK_TRACK_KIND_DATA, "data"))

G_DEFINE_ENUM_TYPE (LkParticipantKind, lk_participant_kind,
  G_DEFINE_ENUM_VALUE (LK_PARTICIPANT_KIND_STANDARD, "standard"),
  G_DEFINE_ENUM_VALUE (LK_PARTICIPANT_KIND_INGRESS, "ingress"),
  G_DEFINE_ENUM_VALUE (LK_PARTICIPANT_KIND_EGRESS, "egress"),
  G_DEFINE_ENUM_VALUE (LK_PARTICIPANT_KIND_SIP, "sip"),
  G_DEFINE_ENUM_VALUE (LK_PARTICIPANT_KIND_AGENT, "agent"))

G_DEFINE_ENUM_TYPE (LkDisconnectReason, lk_disconnect_reason,
  G_DEFINE_ENUM_VALUE (LK_DISCONNECT_REASON_UNKNOWN, "unknown"),
  G_DEFINE_ENUM_VALUE (LK_DISCONNECT_REASON_CLIENT_INITIATED, "client_initiated"),
  G_DEFINE_ENUM_VALUE (LK_DISCONNECT_REASON_DUPLICATE_IDENTITY, "duplicate_identity"),
  G_DEFINE_ENUM_VALUE (LK_DISCONNECT_REASON_SERVER_SHUTDOWN, "server_shutdown"),
  G_DEFINE_ENUM_VALUE (LK_DISCONNECT_REASON_PARTICIPANT_REMOVED, "participant_removed"),
  G_DEFINE_ENUM_VALUE (LK_DISCONNECT_REASON_ROOM_DELETED, "room_deleted"),
  G_DEFINE_ENUM_VALUE (LK_DISCONNECT_REASON_STATE_MISMATCH, "state_mismatch"),
  G_DEFINE_ENUM_VALUE (LK_DISCONNECT_REASON_JOIN_FAILURE, "join_failure"),
  G_DEFINE_ENUM_VALUE (LK_DISCONNECT_REASON_MIGRATION, "migration"),
  G_DEFINE_ENUM_VALUE (LK_DISCONNECT_REASON_SIGNAL_CLOSE, "signal_close"),
  G_DEFINE_ENUM_VALUE (LK_DISCONNECT_REASON_ROOM_CLOSED, "room_closed"),
  G_DEFINE_ENUM_VALUE (LK_DISCONNECT_REASON_USER_UNAVAILABLE, "user_unavailable"),
  G_DEFINE_ENUM_VALUE (LK_DISCONNECT_REASON_USER_REJECTED, "user_rejected"),
  G_DEFINE_ENUM_VALUE (LK_DISCONNECT_REASON_SIP_TRUNK_FAILURE, "sip_trunk_failure"),
  G_DEFINE_ENUM_VALUE (LK_DISCONNECT_REASON_CONNECTION_TIMEOUT, "connection_timeout"),
  G_DEFINE_ENUM_VALUE (LK_DISCONNECT_REASON_MEDIA_FAILURE, "media_failure"),
  G_DEFINE_ENUM_VALUE (LK_DISCONNECT_REASON_AGENT_ERROR, "agent_error"))

static const char *
enum_nick (GType type,
           int   value)
{
  GEnumClass *klass = g_type_class_ref (type);
  GEnumValue *v = g_enum_get_value (klass, value);
  const char *nick = v != NULL ? v->value_nick : "unknown";

  /* Enum classes are never freed once created; the nick stays valid. */
  g_type_class_unref (klass);
  return nick;
}

const char *
lk_connection_state_to_string (LkConnectionState state)
{
  return enum_nick (LK_TYPE_CONNECTION_STATE, state);
}

const char *
lk_disconnect_reason_to_string (LkDisconnectReason reason)
{
  return enum_nick (LK_TYPE_DISCONNECT_REASON, reason);
}
