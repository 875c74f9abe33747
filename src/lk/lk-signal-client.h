/* lk-signal-client.h: LiveKit's signal connection (WebSocket + protobuf)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "lk-protocol.pb-c.h"

G_BEGIN_DECLS

/* The protocol version we announce; see lk-signal-client.c for why. */
#define LK_SIGNAL_PROTOCOL_VERSION 15

#define LK_TYPE_SIGNAL_CLIENT (lk_signal_client_get_type ())
G_DECLARE_FINAL_TYPE (LkSignalClient, lk_signal_client, LK, SIGNAL_CLIENT, GObject)

LkSignalClient         *lk_signal_client_new             (void);
/* How long a connect may take, handshake and first message included. */
void                    lk_signal_client_set_connect_timeout (LkSignalClient *self,
                                                              guint           timeout_ms);

/* auto_subscribe=0 in the join: the app asks for each track itself. */
void                    lk_signal_client_set_auto_subscribe (LkSignalClient *self,
                                                             gboolean        auto_subscribe);

/* Opens the WebSocket to @url/rtc and waits for the server's first message
 * (join, reconnect, or leave). @resume_sid: NULL to join, or the participant
 * sid to resume (reconnect=1&sid=...). */
void                    lk_signal_client_connect_async   (LkSignalClient      *self,
                                                          const char          *url,
                                                          const char          *token,
                                                          const char          *resume_sid,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
/* Returns: (transfer full): the first SignalResponse (free with
 * livekit__signal_response__free_unpacked). A leave is returned as
 * LK_ERROR_DISCONNECTED. */
Livekit__SignalResponse *lk_signal_client_connect_finish (LkSignalClient  *self,
                                                          GAsyncResult    *result,
                                                          GError         **error);

/* Starts ping_req every @interval_s; the connection is dead when nothing
 * arrives for @timeout_s ("closed" is emitted with an error). */
void                    lk_signal_client_start_keepalive (LkSignalClient *self,
                                                          guint           interval_s,
                                                          guint           timeout_s);
gint64                  lk_signal_client_get_rtt_ms      (LkSignalClient *self);

gboolean                lk_signal_client_send            (LkSignalClient               *self,
                                                          const Livekit__SignalRequest *request,
                                                          GError                      **error);
/* Sends an already packed SignalRequest. */
gboolean                lk_signal_client_send_packed     (LkSignalClient  *self,
                                                          GBytes          *packed,
                                                          GError         **error);
/* After a connect refused with a leave as the first message: the leave's
 * reason and action (a resume the server cannot honour asks for a full
 * re-join this way: STATE_MISMATCH, RECONNECT). */
gboolean                lk_signal_client_get_refusal     (LkSignalClient *self,
                                                          int            *reason,
                                                          int            *action);
gboolean                lk_signal_client_is_open         (LkSignalClient *self);
/* Closes without emitting "closed". */
void                    lk_signal_client_close           (LkSignalClient *self);

/* Builds the query URL (exposed for tests). */
char                   *lk_signal_client_build_url       (const char *url,
                                                          const char *path,
                                                          const char *resume_sid);

G_END_DECLS
