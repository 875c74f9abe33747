/* lk-error.h: the LiveKit client's error domain
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define LK_ERROR (lk_error_quark ())

/**
 * LkError:
 * @LK_ERROR_FAILED: anything not covered below
 * @LK_ERROR_UNAUTHORIZED: the token was refused (bad signature, expired, no roomJoin)
 * @LK_ERROR_ROOM_FULL: the server says it is at a limit (HTTP 503); livekit-server
 *   1.13 answers a room at its participant limit with a 500 (LK_ERROR_FAILED)
 * @LK_ERROR_ROOM_NOT_FOUND: the room does not exist and auto-create is off
 * @LK_ERROR_SERVER_UNREACHABLE: no answer from the server within the timeout
 * @LK_ERROR_PROTOCOL: the server sent something we cannot parse or did not expect
 * @LK_ERROR_NEGOTIATION_TIMEOUT: an offer/answer exchange did not finish in time
 * @LK_ERROR_NEGOTIATION_FAILED: webrtcbin refused a description or candidate
 * @LK_ERROR_DISCONNECTED: the server ended the session (see the disconnect reason)
 * @LK_ERROR_NOT_ALLOWED: the token does not allow the requested action
 * @LK_ERROR_INVALID_ARGUMENT: a caller passed something unusable
 * @LK_ERROR_MEDIA: a GStreamer element or pipeline failed
 */
typedef enum {
  LK_ERROR_FAILED,
  LK_ERROR_UNAUTHORIZED,
  LK_ERROR_ROOM_FULL,
  LK_ERROR_ROOM_NOT_FOUND,
  LK_ERROR_SERVER_UNREACHABLE,
  LK_ERROR_PROTOCOL,
  LK_ERROR_NEGOTIATION_TIMEOUT,
  LK_ERROR_NEGOTIATION_FAILED,
  LK_ERROR_DISCONNECTED,
  LK_ERROR_NOT_ALLOWED,
  LK_ERROR_INVALID_ARGUMENT,
  LK_ERROR_MEDIA,
} LkError;

GQuark lk_error_quark (void);

G_END_DECLS
