/* handoff-server.h: the handoff-server HTTP/WebSocket service
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "handoff-server-config.h"
#include "handoff-store.h"

G_BEGIN_DECLS

#define HANDOFF_TYPE_SERVER (handoff_server_get_type ())

G_DECLARE_FINAL_TYPE (HandoffServer, handoff_server, HANDOFF, SERVER, GObject)

typedef struct {
  const char *method;
  const char *path;      /* OpenAPI form, e.g. /api/v1/calls/{id}/accept */
} HandoffServerRouteInfo;

/* Opens the store, restores timers of in-flight calls and transfers. The
 * config is copied. */
HandoffServer *handoff_server_new          (const HandoffServerConfig *config,
                                            GError                   **error);
/* Listens on the configured address and port (0 = any free port). */
gboolean       handoff_server_listen       (HandoffServer  *self,
                                            GError        **error);
guint16        handoff_server_get_port     (HandoffServer  *self);
/* http(s)://address:port, no trailing slash. */
const char    *handoff_server_get_base_url (HandoffServer  *self);
HandoffStore  *handoff_server_get_store    (HandoffServer  *self);
/* Stops listening, closes event streams with "going away", cancels LiveKit
 * requests; the store stays consistent (every answer was committed). */
void           handoff_server_shutdown     (HandoffServer  *self);

/* Every route the server answers (also the WebSocket and webhook ones),
 * terminated by { NULL, NULL }. The tests hold it against openapi.yaml. */
const HandoffServerRouteInfo *handoff_server_routes (void);

/* Agent administration, shared by the `agent` subcommands and --dev. */
gboolean       handoff_server_agent_add    (HandoffStore  *store,
                                            const char    *username,
                                            const char    *display_name,
                                            const char    *password,
                                            const char    *skills,
                                            const char    *languages,
                                            GError       **error);
gboolean       handoff_server_agent_remove (HandoffStore  *store,
                                            const char    *username,
                                            GError       **error);
gboolean       handoff_server_agent_passwd (HandoffStore  *store,
                                            const char    *username,
                                            const char    *password,
                                            GError       **error);
JsonArray     *handoff_server_agent_list   (HandoffStore  *store,
                                            GError       **error);

G_END_DECLS
