/* handoff-token.h: LiveKit access tokens (mint, verify) and webhook verification
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Seconds of clock skew tolerated, as livekit-server does. */
#define HANDOFF_TOKEN_LEEWAY 60

typedef enum {
  HANDOFF_TOKEN_ROLE_CALLER,
  HANDOFF_TOKEN_ROLE_AGENT,
} HandoffTokenRole;

char       *handoff_token_mint_participant (const char        *api_key,
                                            const char        *api_secret,
                                            HandoffTokenRole   role,
                                            const char        *identity,
                                            const char        *name,
                                            const char        *room,
                                            gint64             ttl_seconds,
                                            GError           **error);
/* room NULL: roomCreate (CreateRoom/DeleteRoom); else roomAdmin for that room. */
char       *handoff_token_mint_admin       (const char        *api_key,
                                            const char        *api_secret,
                                            const char        *room,
                                            gint64             ttl_seconds,
                                            GError           **error);
/* HS256 signature, `iss` == api_key, `exp` present and not passed, `nbf` reached.
 * Returns all claims. */
JsonObject *handoff_token_verify           (const char        *api_key,
                                            const char        *api_secret,
                                            const char        *token,
                                            GError           **error);
/* A LiveKit webhook: `authorization` is the header value (bare JWT; a "Bearer "
 * prefix is tolerated), `sha256` claim must match the body. */
gboolean    handoff_webhook_verify         (const char        *api_key,
                                            const char        *api_secret,
                                            const char        *authorization,
                                            const guint8      *body,
                                            gsize              body_len,
                                            GError           **error);

G_END_DECLS
