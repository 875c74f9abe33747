/* handoff-token.c: LiveKit access tokens (mint, verify) and webhook verification
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "handoff-server"

#include "handoff-token.h"

#include <errno.h>
#include <jwt.h>
#include <string.h>

#include "handoff-server-error.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (jwt_t, jwt_free)

static char *
encode (const char *api_key,
        const char *api_secret,
        const char *identity,
        gint64      ttl_seconds,
        JsonObject *extra,
        GError    **error)
{
  g_autoptr(jwt_t) jwt = NULL;
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *json = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  char *out;

  if (jwt_new (&jwt) != 0
      || jwt_set_alg (jwt, JWT_ALG_HS256, (const unsigned char *) api_secret,
                      (int) strlen (api_secret)) != 0)
    goto fail;
  json_node_set_object (node, extra);
  json = json_to_string (node, FALSE);
  if (jwt_add_grant (jwt, "iss", api_key) != 0
      || (identity != NULL && jwt_add_grant (jwt, "sub", identity) != 0)
      || jwt_add_grant_int (jwt, "nbf", now - 1) != 0
      || jwt_add_grant_int (jwt, "iat", now) != 0
      || jwt_add_grant_int (jwt, "exp", now + ttl_seconds) != 0
      || jwt_add_grants_json (jwt, json) != 0)
    goto fail;
  out = jwt_encode_str (jwt);
  if (out == NULL)
    goto fail;
  return out;

fail:
  g_set_error_literal (error, HANDOFF_SERVER_ERROR, HANDOFF_SERVER_ERROR_INTERNAL,
                       "Could not sign a LiveKit token");
  return NULL;
}

char *
handoff_token_mint_participant (const char        *api_key,
                                const char        *api_secret,
                                HandoffTokenRole   role,
                                const char        *identity,
                                const char        *name,
                                const char        *room,
                                gint64             ttl_seconds,
                                GError           **error)
{
  g_autoptr(JsonObject) claims = json_object_new ();
  JsonObject *video = json_object_new ();
  JsonObject *attributes = json_object_new ();
  JsonArray *sources = json_array_new ();
  char *token;

  g_return_val_if_fail (api_key != NULL && api_secret != NULL, NULL);
  g_return_val_if_fail (identity != NULL && room != NULL, NULL);
  g_return_val_if_fail (ttl_seconds > 0, NULL);

  /* Only what a participant of one call needs: join that one room, publish a
   * microphone, subscribe, send data. Never roomAdmin/roomCreate/roomList,
   * and no metadata updates (attributes are fixed here, by the server). */
  json_object_set_string_member (video, "room", room);
  json_object_set_boolean_member (video, "roomJoin", TRUE);
  json_object_set_boolean_member (video, "canPublish", TRUE);
  json_object_set_boolean_member (video, "canSubscribe", TRUE);
  json_object_set_boolean_member (video, "canPublishData", TRUE);
  json_object_set_boolean_member (video, "canUpdateOwnMetadata", FALSE);
  json_array_add_string_element (sources, "microphone");
  json_object_set_array_member (video, "canPublishSources", sources);
  json_object_set_string_member (attributes, "handoff.role",
                                 role == HANDOFF_TOKEN_ROLE_CALLER ? "caller" : "agent");

  json_object_set_object_member (claims, "video", video);
  json_object_set_object_member (claims, "attributes", attributes);
  json_object_set_string_member (claims, "name", name != NULL ? name : identity);
  token = encode (api_key, api_secret, identity, ttl_seconds, claims, error);
  return token;
}

char *
handoff_token_mint_admin (const char  *api_key,
                          const char  *api_secret,
                          const char  *room,
                          gint64       ttl_seconds,
                          GError     **error)
{
  g_autoptr(JsonObject) claims = json_object_new ();
  JsonObject *video = json_object_new ();

  g_return_val_if_fail (api_key != NULL && api_secret != NULL, NULL);

  if (room == NULL)
    json_object_set_boolean_member (video, "roomCreate", TRUE);
  else
    {
      json_object_set_boolean_member (video, "roomAdmin", TRUE);
      json_object_set_string_member (video, "room", room);
    }
  json_object_set_object_member (claims, "video", video);
  return encode (api_key, api_secret, NULL, ttl_seconds, claims, error);
}

static gboolean
unauthorized (GError    **error,
              const char *message)
{
  g_set_error_literal (error, HANDOFF_SERVER_ERROR, HANDOFF_SERVER_ERROR_UNAUTHORIZED, message);
  return FALSE;
}

JsonObject *
handoff_token_verify (const char  *api_key,
                      const char  *api_secret,
                      const char  *token,
                      GError     **error)
{
  g_autoptr(jwt_t) jwt = NULL;
  g_autoptr(JsonParser) parser = NULL;
  g_autofree char *json = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  const char *iss;
  long exp, nbf;
  JsonNode *root;

  g_return_val_if_fail (api_key != NULL && api_secret != NULL, NULL);

  if (token == NULL || *token == '\0' || strlen (token) > 16384)
    return unauthorized (error, "Missing or oversized token"), NULL;
  if (jwt_decode (&jwt, token, (const unsigned char *) api_secret, (int) strlen (api_secret)) != 0
      || jwt == NULL)
    return unauthorized (error, "Token signature or format is invalid"), NULL;
  /* libjwt accepts whatever algorithm the header names; only HS256 is ours. */
  if (jwt_get_alg (jwt) != JWT_ALG_HS256)
    return unauthorized (error, "Token algorithm is not HS256"), NULL;
  iss = jwt_get_grant (jwt, "iss");
  if (iss == NULL || g_strcmp0 (iss, api_key) != 0)
    return unauthorized (error, "Token issuer is unknown"), NULL;
  errno = 0;
  exp = jwt_get_grant_int (jwt, "exp");
  if (errno != 0 || exp <= 0)
    return unauthorized (error, "Token has no expiry"), NULL;
  if (exp + HANDOFF_TOKEN_LEEWAY < now)
    return unauthorized (error, "Token has expired"), NULL;
  errno = 0;
  nbf = jwt_get_grant_int (jwt, "nbf");
  if (errno == 0 && nbf - HANDOFF_TOKEN_LEEWAY > now)
    return unauthorized (error, "Token is not valid yet"), NULL;

  json = jwt_get_grants_json (jwt, NULL);
  parser = json_parser_new ();
  if (json == NULL || !json_parser_load_from_data (parser, json, -1, NULL))
    return unauthorized (error, "Token claims are not JSON"), NULL;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return unauthorized (error, "Token claims are not an object"), NULL;
  return json_object_ref (json_node_get_object (root));
}

gboolean
handoff_webhook_verify (const char    *api_key,
                        const char    *api_secret,
                        const char    *authorization,
                        const guint8  *body,
                        gsize          body_len,
                        GError       **error)
{
  g_autoptr(JsonObject) claims = NULL;
  g_autoptr(GChecksum) checksum = NULL;
  guint8 digest[32];
  gsize digest_len = sizeof digest;
  g_autofree char *expected = NULL;
  const char *claimed;

  g_return_val_if_fail (api_key != NULL && api_secret != NULL, FALSE);

  if (authorization == NULL)
    return unauthorized (error, "Webhook has no Authorization header");
  if (g_ascii_strncasecmp (authorization, "Bearer ", 7) == 0)
    authorization += 7;
  claims = handoff_token_verify (api_key, api_secret, authorization, error);
  if (claims == NULL)
    return FALSE;
  if (!json_object_has_member (claims, "sha256")
      || json_node_get_value_type (json_object_get_member (claims, "sha256")) != G_TYPE_STRING)
    return unauthorized (error, "Webhook token has no body hash");
  claimed = json_object_get_string_member (claims, "sha256");

  checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_checksum_update (checksum, body != NULL ? body : (const guint8 *) "", body_len);
  g_checksum_get_digest (checksum, digest, &digest_len);
  expected = g_base64_encode (digest, digest_len);
  if (strcmp (expected, claimed) != 0)
    return unauthorized (error, "Webhook body does not match its signature");
  return TRUE;
}
