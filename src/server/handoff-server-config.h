/* handoff-server-config.h: settings of handoff-server (key file, environment, --dev)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The `--dev` settings match `livekit-server --dev`. */
#define HANDOFF_DEV_LIVEKIT_URL    "ws://127.0.0.1:7880"
#define HANDOFF_DEV_API_KEY        "devkey"
#define HANDOFF_DEV_API_SECRET     "secret"

typedef struct {
  char    *listen_address;      /* [server] listen, default 127.0.0.1 */
  guint16  port;                /* [server] port, default 8080; 0 = any free port */
  char    *database;            /* [server] database, SQLite file */
  char    *tls_certificate;     /* [server] tls_certificate (PEM), optional */
  char    *tls_key;             /* [server] tls_key (PEM), optional */
  gsize    max_body_bytes;      /* [server] max_body_bytes, default 262144 */
  gboolean synchronous_full;    /* [server] fsync every commit (default true) */
  GStrv    allowed_origins;     /* [server] allowed_origins / --allow-origin: origins of
                                 * public caller pages (CORS on the caller routes only) */

  char    *livekit_url;         /* [livekit] url / LIVEKIT_URL: what clients join */
  char    *livekit_api_url;     /* http(s) form of livekit_url, for Twirp */
  char    *api_key;             /* [livekit] api_key / LIVEKIT_API_KEY */
  char    *api_secret;          /* [livekit] api_secret / LIVEKIT_API_SECRET */

  guint    token_ttl;           /* [timeouts] token_ttl seconds, default 3600 */
  guint    session_ttl;         /* [timeouts] session_ttl seconds, default 43200 */
  guint    call_offer_timeout;  /* [timeouts] call_offer seconds, default 20 */
  guint    transfer_offer_timeout; /* [timeouts] transfer_offer seconds, default 30 */
  guint    agent_rejoin_grace;  /* [timeouts] agent_rejoin_grace seconds, default 30 */
  guint    calls_per_minute;    /* [limits] calls_per_minute per client address, default 30 */
  guint    sign_ins_per_minute; /* [limits] sign_ins_per_minute per client address, default 20 */

  gboolean dev;
} HandoffServerConfig;

HandoffServerConfig *handoff_server_config_new_default (void);
/* Reads `path` (may be NULL), then the environment, then --dev defaults for
 * whatever is still unset, and validates. The message says which setting. */
HandoffServerConfig *handoff_server_config_load        (const char  *path,
                                                        gboolean     dev,
                                                        GError     **error);
gboolean             handoff_server_config_validate    (HandoffServerConfig *self,
                                                        GError             **error);
/* A deep copy (the server keeps its own). */
HandoffServerConfig *handoff_server_config_copy        (const HandoffServerConfig *c);
void                 handoff_server_config_free        (HandoffServerConfig *self);
/* Adds an origin ("https://host[:port]"); FALSE with a message if it is not one. */
gboolean             handoff_server_config_allow_origin (HandoffServerConfig *self,
                                                         const char          *origin,
                                                         GError             **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HandoffServerConfig, handoff_server_config_free)

G_END_DECLS
