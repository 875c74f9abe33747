/* handoff-server-agents.c: agents, sessions and presence
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "handoff-server"

#include "handoff-server-private.h"

#include <string.h>
#include <sys/random.h>

#include "handoff-password.h"

#define AGENT_COLUMNS \
  "id, username, display_name, status, status_since, skills, languages"

static gboolean
valid_username (const char *username)
{
  gsize len = username ? strlen (username) : 0;

  if (len == 0 || len > 32)
    return FALSE;
  for (const char *c = username; *c; c++)
    if (!g_ascii_islower (*c) && !g_ascii_isdigit (*c) && *c != '.' && *c != '_' && *c != '-')
      return FALSE;
  return TRUE;
}

static char *
list_to_json (const char *comma_list)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_auto(GStrv) items = g_strsplit (comma_list ? comma_list : "", ",", -1);
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_array (builder);
  for (guint i = 0; items[i] != NULL; i++)
    {
      char *item = g_strstrip (items[i]);
      if (*item != '\0')
        json_builder_add_string_value (builder, item);
    }
  json_builder_end_array (builder);
  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

gboolean
handoff_server_agent_add (HandoffStore  *store,
                          const char    *username,
                          const char    *display_name,
                          const char    *password,
                          const char    *skills,
                          const char    *languages,
                          GError       **error)
{
  g_autofree char *hash = NULL;
  g_autofree char *id = handoff_random_id (8);
  g_autofree char *skills_json = list_to_json (skills);
  g_autofree char *languages_json = list_to_json (languages);
  gint64 now = handoff_now_ms ();

  g_return_val_if_fail (HANDOFF_IS_STORE (store), FALSE);

  if (!valid_username (username))
    {
      g_set_error_literal (error, HANDOFF_SERVER_ERROR, HANDOFF_SERVER_ERROR_INVALID_FIELD,
                           "A username has 1 to 32 of a-z, 0-9, '.', '_', '-'");
      return FALSE;
    }
  if (handoff_store_query_int (store, "SELECT count(*) FROM agents WHERE username = ?",
                               g_variant_new ("(s)", username), 0, NULL) > 0)
    {
      g_set_error (error, HANDOFF_SERVER_ERROR, HANDOFF_SERVER_ERROR_CONFLICT,
                   "Agent '%s' exists already", username);
      return FALSE;
    }
  hash = handoff_password_hash (password, error);
  if (hash == NULL)
    return FALSE;
  return handoff_store_exec (store,
                             "INSERT INTO agents (id, username, display_name, password_hash, "
                             "skills, languages, status, status_since, created_at) "
                             "VALUES (?, ?, ?, ?, ?, ?, 'away', ?, ?)",
                             g_variant_new ("(ssssssxx)", id, username,
                                            display_name && *display_name ? display_name
                                                                          : username,
                                            hash, skills_json, languages_json, now, now),
                             error) == 1;
}

static gboolean
changed_one (gint64      changes,
             const char *username,
             GError    **error)
{
  if (changes < 0)
    return FALSE;
  if (changes == 0)
    {
      g_set_error (error, HANDOFF_SERVER_ERROR, HANDOFF_SERVER_ERROR_NOT_FOUND,
                   "No agent '%s'", username);
      return FALSE;
    }
  return TRUE;
}

gboolean
handoff_server_agent_remove (HandoffStore  *store,
                             const char    *username,
                             GError       **error)
{
  g_return_val_if_fail (HANDOFF_IS_STORE (store), FALSE);

  if (!handoff_store_begin (store, error))
    return FALSE;
  if (handoff_store_exec (store, "DELETE FROM sessions WHERE agent_id = "
                                 "(SELECT id FROM agents WHERE username = ?)",
                          g_variant_new ("(s)", username), error) < 0
      || !changed_one (handoff_store_exec (store, "DELETE FROM agents WHERE username = ?",
                                           g_variant_new ("(s)", username), error),
                       username, error))
    {
      handoff_store_rollback (store);
      return FALSE;
    }
  return handoff_store_commit (store, error);
}

gboolean
handoff_server_agent_passwd (HandoffStore  *store,
                             const char    *username,
                             const char    *password,
                             GError       **error)
{
  g_autofree char *hash = handoff_password_hash (password, error);

  g_return_val_if_fail (HANDOFF_IS_STORE (store), FALSE);

  if (hash == NULL || !handoff_store_begin (store, error))
    return FALSE;
  /* A new password signs every session of that agent out. */
  if (!changed_one (handoff_store_exec (store,
                                        "UPDATE agents SET password_hash = ? WHERE username = ?",
                                        g_variant_new ("(ss)", hash, username), error),
                    username, error)
      || handoff_store_exec (store, "DELETE FROM sessions WHERE agent_id = "
                                    "(SELECT id FROM agents WHERE username = ?)",
                             g_variant_new ("(s)", username), error) < 0)
    {
      handoff_store_rollback (store);
      return FALSE;
    }
  return handoff_store_commit (store, error);
}

JsonArray *
handoff_server_agent_list (HandoffStore  *store,
                           GError       **error)
{
  g_return_val_if_fail (HANDOFF_IS_STORE (store), NULL);
  return handoff_store_query (store, "SELECT " AGENT_COLUMNS " FROM agents ORDER BY username",
                              NULL, error);
}

JsonObject *
handoff_server_agent_public (JsonObject *row)
{
  g_autofree char *identity = g_strdup_printf ("agent-%s",
                                               json_object_get_string_member (row, "username"));

  json_object_set_string_member (row, "identity", identity);
  return row;
}

JsonObject *
handoff_server_get_agent (HandoffServer *self,
                          const char    *id)
{
  JsonObject *row = handoff_store_query_one (self->store,
                                             "SELECT " AGENT_COLUMNS " FROM agents WHERE id = ?",
                                             g_variant_new ("(s)", id), NULL);

  if (row == NULL)
    return NULL;
  json_object_set_boolean_member (row, "online", handoff_server_agent_online (self, id));
  json_object_set_boolean_member (row, "on_call", handoff_server_agent_on_call (self, id));
  return handoff_server_agent_public (row);
}

/* A real hash of nothing anyone knows, to spend the same time on unknown names. */
static const char *
dummy_hash (void)
{
  static char *hash;

  if (hash == NULL)
    {
      g_autofree char *random = handoff_random_id (16);
      hash = handoff_password_hash (random, NULL);
    }
  return hash;
}

/* A new session for `agent_id`: its token (shown once, only its hash is
 * stored) and expiry. Expired sessions are swept on the way. */
static char *
new_session (HandoffServer  *self,
             const char     *agent_id,
             gint64         *expires_ms_out,
             GError        **error)
{
  g_autofree char *token = NULL;
  g_autofree char *hash = NULL;
  guint8 random[32];
  gint64 now = handoff_now_ms ();
  gint64 expires_ms = now + (gint64) self->config->session_ttl * 1000;

  if (getrandom (random, sizeof random, 0) != sizeof random)
    {
      g_set_error (error, HANDOFF_SERVER_ERROR, HANDOFF_SERVER_ERROR_INTERNAL,
                   "No randomness available");
      return NULL;
    }
  token = g_base64_encode (random, sizeof random);
  g_strdelimit (token, "+", '-');
  g_strdelimit (token, "/", '_');
  g_strdelimit (token, "=", '\0');
  hash = handoff_sha256_hex (token);
  if (handoff_store_exec (self->store,
                          "DELETE FROM sessions WHERE expires_at <= ?",
                          g_variant_new ("(x)", now), error) < 0
      || handoff_store_exec (self->store,
                             "INSERT INTO sessions (token_hash, agent_id, created_at, expires_at) "
                             "VALUES (?, ?, ?, ?)",
                             g_variant_new ("(ssxx)", hash, agent_id, now, expires_ms),
                             error) != 1)
    return NULL;
  *expires_ms_out = expires_ms;
  return g_steal_pointer (&token);
}

static void
reply_session (HandoffCtx *ctx,
               const char *agent_id,
               const char *token,
               gint64      expires_ms)
{
  g_autoptr(JsonObject) reply = json_object_new ();
  g_autofree char *expires = handoff_time_format_ms (expires_ms);

  json_object_set_string_member (reply, "token", token);
  json_object_set_string_member (reply, "expires_at", expires);
  json_object_set_object_member (reply, "agent", handoff_server_get_agent (ctx->server, agent_id));
  handoff_reply_object (ctx, 201, reply);
}

void
handoff_route_sessions_create (HandoffCtx *ctx)
{
  HandoffServer *self = ctx->server;
  const char *username = handoff_request_string (ctx->body, "username");
  const char *password = handoff_request_string (ctx->body, "password");
  g_autoptr(JsonObject) row = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  gint64 expires_ms = 0;
  const char *stored;
  gboolean ok;

  row = handoff_store_query_one (self->store,
                                 "SELECT id, password_hash FROM agents WHERE username = ?",
                                 g_variant_new ("(s)", username), NULL);
  /* Same work whether or not the agent exists, so timing tells nothing. */
  stored = row ? json_object_get_string_member (row, "password_hash") : dummy_hash ();
  ok = handoff_password_verify (password, stored) && row != NULL;
  if (!ok)
    {
      g_message ("Sign-in refused for a username");
      handoff_reply_status (ctx, 401, "unauthorized", "Unknown username or wrong password");
      return;
    }
  token = new_session (self, json_object_get_string_member (row, "id"), &expires_ms, &error);
  if (token == NULL)
    {
      handoff_reply_error (ctx, error);
      return;
    }
  reply_session (ctx, json_object_get_string_member (row, "id"), token, expires_ms);
}

/* A signed-in agent swaps its session for a new one before it expires. The
 * old token keeps working for a short grace only (requests already on their
 * way), and the agent's event streams move to the new session, so they
 * outlive the old one's expiry without reconnecting. */
void
handoff_route_sessions_refresh (HandoffCtx *ctx)
{
  HandoffServer *self = ctx->server;
  const char *agent_id = json_object_get_string_member (ctx->agent, "id");
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  g_autofree char *hash = NULL;
  gint64 expires_ms = 0;
  gint64 shortened = 0;

  if (!handoff_store_begin (self->store, &error))
    {
      handoff_reply_error (ctx, error);
      return;
    }
  token = new_session (self, agent_id, &expires_ms, &error);
  if (token != NULL)
    shortened = handoff_store_exec (self->store,
                                    "UPDATE sessions SET expires_at = min(expires_at, ?) "
                                    "WHERE token_hash = ?",
                                    g_variant_new ("(xs)", handoff_now_ms () + SESSION_REFRESH_GRACE_MS,
                                                   ctx->session_hash), &error);
  if (token == NULL || shortened != 1 || !handoff_store_commit (self->store, &error))
    {
      handoff_store_rollback (self->store);
      if (error != NULL)
        handoff_reply_error (ctx, error);
      else   /* signed out meanwhile */
        handoff_reply_status (ctx, 401, "unauthorized", "The session is unknown or has expired");
      return;
    }
  hash = handoff_sha256_hex (token);
  handoff_server_events_move_session (self, ctx->session_hash, hash, expires_ms);
  reply_session (ctx, agent_id, token, expires_ms);
}

void
handoff_route_sessions_delete (HandoffCtx *ctx)
{
  g_autoptr(GError) error = NULL;

  if (handoff_store_exec (ctx->server->store, "DELETE FROM sessions WHERE token_hash = ?",
                          g_variant_new ("(s)", ctx->session_hash), &error) < 0)
    {
      handoff_reply_error (ctx, error);
      return;
    }
  /* Signed out is signed out: its event streams end too. */
  handoff_server_events_end_session (ctx->server, ctx->session_hash, "signed out");
  handoff_reply_text (ctx, 204, "application/json", g_strdup (""));
}

void
handoff_route_agents_list (HandoffCtx *ctx)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) rows = handoff_server_agent_list (ctx->server->store, &error);
  g_autoptr(JsonObject) reply = json_object_new ();

  if (rows == NULL)
    {
      handoff_reply_error (ctx, error);
      return;
    }
  for (guint i = 0; i < json_array_get_length (rows); i++)
    {
      JsonObject *row = json_array_get_object_element (rows, i);
      const char *id = json_object_get_string_member (row, "id");

      json_object_set_boolean_member (row, "online", handoff_server_agent_online (ctx->server, id));
      json_object_set_boolean_member (row, "on_call", handoff_server_agent_on_call (ctx->server,
                                                                                    id));
      handoff_server_agent_public (row);
    }
  json_object_set_array_member (reply, "agents", g_steal_pointer (&rows));
  handoff_reply_object (ctx, 200, reply);
}

void
handoff_route_agents_status (HandoffCtx *ctx)
{
  HandoffServer *self = ctx->server;
  const char *status = handoff_request_string (ctx->body, "status");
  const char *id = json_object_get_string_member (ctx->agent, "id");
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) agent = NULL;

  if (handoff_store_exec (self->store,
                          "UPDATE agents SET status = ?, status_since = ? WHERE id = ? "
                          "AND status != ?",
                          g_variant_new ("(sxss)", status, handoff_now_ms (), id, status),
                          &error) < 0)
    {
      handoff_reply_error (ctx, error);
      return;
    }
  agent = handoff_server_get_agent (self, id);
  handoff_server_event_all (self, "agent_status", agent);
  handoff_reply_object (ctx, 200, agent);
  if (strcmp (status, "available") == 0)
    handoff_server_dispatch_calls (self);
}
