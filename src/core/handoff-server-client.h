/* handoff-server-client.h: JSON over HTTP(S) and the event socket of handoff-server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "handoff-core-error.h"

G_BEGIN_DECLS

#define HANDOFF_TYPE_SERVER_CLIENT (handoff_server_client_get_type ())
G_DECLARE_FINAL_TYPE (HandoffServerClient, handoff_server_client, HANDOFF, SERVER_CLIENT, GObject)

HandoffServerClient *handoff_server_client_new          (const char          *base_url);
const char          *handoff_server_client_get_base_url (HandoffServerClient *self);
void                 handoff_server_client_set_base_url (HandoffServerClient *self,
                                                         const char          *base_url);
const char          *handoff_server_client_get_token    (HandoffServerClient *self);
void                 handoff_server_client_set_token    (HandoffServerClient *self,
                                                         const char          *token);

/* body may be NULL; the answer's JSON (NULL node for 204) or a HANDOFF_API_ERROR
 * whose message is the server's human message. */
void                 handoff_server_client_request_async  (HandoffServerClient *self,
                                                           const char          *method,
                                                           const char          *path,
                                                           JsonNode            *body,
                                                           GCancellable        *cancellable,
                                                           GAsyncReadyCallback  callback,
                                                           gpointer             user_data);
JsonNode            *handoff_server_client_request_finish (HandoffServerClient *self,
                                                           GAsyncResult        *result,
                                                           GError             **error);

/* GET whose answer is not JSON (CSV exports). */
void                 handoff_server_client_get_bytes_async  (HandoffServerClient *self,
                                                             const char          *path,
                                                             GCancellable        *cancellable,
                                                             GAsyncReadyCallback  callback,
                                                             gpointer             user_data);
GBytes              *handoff_server_client_get_bytes_finish (HandoffServerClient *self,
                                                             GAsyncResult        *result,
                                                             GError             **error);

void                 handoff_server_client_websocket_async  (HandoffServerClient *self,
                                                             const char          *path,
                                                             GCancellable        *cancellable,
                                                             GAsyncReadyCallback  callback,
                                                             gpointer             user_data);
SoupWebsocketConnection *
                     handoff_server_client_websocket_finish (HandoffServerClient *self,
                                                             GAsyncResult        *result,
                                                             GError             **error);

/* Small JSON helpers shared by src/core. */
JsonNode            *handoff_json_object_node  (const char *first_key,
                                                ...) G_GNUC_NULL_TERMINATED;
const char          *handoff_json_get_string   (JsonObject *object,
                                                const char *member,
                                                const char *fallback);
gint64               handoff_json_get_int      (JsonObject *object,
                                                const char *member,
                                                gint64      fallback);

G_END_DECLS
