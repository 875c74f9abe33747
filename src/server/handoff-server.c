/* handoff-server.c: the handoff-server HTTP/WebSocket service: routing,
 * authentication, body limits, replies, timers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "handoff-server"

#include "handoff-server-private.h"

#include <string.h>

#include "handoff-token.h"

G_DEFINE_TYPE (HandoffServer, handoff_server, G_TYPE_OBJECT)

const char * const handoff_outcomes[] = {
  "completed", "declined", "no_answer", "cancelled", "caller_abandoned", "failed", NULL,
};

/* The WebSocket route is answered by libsoup's handler; it is listed so that
 * the route table is the whole API. */
static void route_events_placeholder (HandoffCtx *ctx);

static const HandoffRoute routes[] = {
  { "POST", "/api/v1/sessions", HANDOFF_AUTH_PUBLIC, "sessions.create", FALSE,
    handoff_route_sessions_create },
  { "DELETE", "/api/v1/sessions", HANDOFF_AUTH_AGENT, NULL, FALSE, handoff_route_sessions_delete },
  { "POST", "/api/v1/sessions/refresh", HANDOFF_AUTH_AGENT, NULL, FALSE,
    handoff_route_sessions_refresh },
  { "GET", "/api/v1/agents", HANDOFF_AUTH_AGENT, NULL, FALSE, handoff_route_agents_list },
  { "PUT", "/api/v1/agents/me/status", HANDOFF_AUTH_AGENT, "agents.status", FALSE,
    handoff_route_agents_status },
  { "POST", "/api/v1/calls", HANDOFF_AUTH_PUBLIC, "calls.create", FALSE,
    handoff_route_calls_create },
  { "GET", "/api/v1/calls/{id}", HANDOFF_AUTH_AGENT_OR_CALLER, NULL, FALSE,
    handoff_route_calls_get },
  { "POST", "/api/v1/calls/{id}/accept", HANDOFF_AUTH_AGENT, NULL, FALSE,
    handoff_route_calls_accept },
  { "POST", "/api/v1/calls/{id}/rejoin", HANDOFF_AUTH_AGENT, NULL, FALSE,
    handoff_route_calls_rejoin },
  { "POST", "/api/v1/calls/{id}/decline", HANDOFF_AUTH_AGENT, NULL, FALSE,
    handoff_route_calls_decline },
  { "POST", "/api/v1/calls/{id}/end", HANDOFF_AUTH_AGENT_OR_CALLER, NULL, FALSE,
    handoff_route_calls_end },
  { "GET", "/api/v1/callers/{id}/history", HANDOFF_AUTH_AGENT, NULL, FALSE,
    handoff_route_callers_history },
  { "POST", "/api/v1/transfers", HANDOFF_AUTH_AGENT, "transfers.create", FALSE,
    handoff_route_transfers_create },
  { "GET", "/api/v1/transfers", HANDOFF_AUTH_AGENT, NULL, FALSE, handoff_route_transfers_list },
  { "GET", "/api/v1/transfers/{id}", HANDOFF_AUTH_AGENT, NULL, FALSE,
    handoff_route_transfers_get },
  { "POST", "/api/v1/transfers/{id}/accept", HANDOFF_AUTH_AGENT, NULL, FALSE,
    handoff_route_transfers_action },
  { "POST", "/api/v1/transfers/{id}/decline", HANDOFF_AUTH_AGENT, "transfers.decline", TRUE,
    handoff_route_transfers_action },
  { "POST", "/api/v1/transfers/{id}/ready", HANDOFF_AUTH_AGENT, NULL, FALSE,
    handoff_route_transfers_action },
  { "POST", "/api/v1/transfers/{id}/connect", HANDOFF_AUTH_AGENT, NULL, FALSE,
    handoff_route_transfers_action },
  { "POST", "/api/v1/transfers/{id}/complete", HANDOFF_AUTH_AGENT, NULL, FALSE,
    handoff_route_transfers_action },
  { "POST", "/api/v1/transfers/{id}/cancel", HANDOFF_AUTH_AGENT, NULL, FALSE,
    handoff_route_transfers_action },
  { "POST", "/api/v1/transfers/{id}/rating", HANDOFF_AUTH_AGENT, "transfers.rating", FALSE,
    handoff_route_transfers_rating },
  { "GET", "/api/v1/analytics", HANDOFF_AUTH_AGENT, NULL, FALSE, handoff_route_analytics },
  { "GET", "/api/v1/analytics/export", HANDOFF_AUTH_AGENT, NULL, FALSE, handoff_route_export },
  { "GET", "/api/v1/events", HANDOFF_AUTH_AGENT, NULL, FALSE, route_events_placeholder },
  { "POST", "/livekit/webhook", HANDOFF_AUTH_WEBHOOK, NULL, FALSE, handoff_route_webhook },
  { "GET", "/healthz", HANDOFF_AUTH_PUBLIC, NULL, FALSE, handoff_route_healthz },
  { "GET", "/metrics", HANDOFF_AUTH_PUBLIC, NULL, FALSE, handoff_route_metrics },
};

const HandoffServerRouteInfo *
handoff_server_routes (void)
{
  static HandoffServerRouteInfo infos[G_N_ELEMENTS (routes) + 1];

  if (infos[0].method == NULL)
    for (guint i = 0; i < G_N_ELEMENTS (routes); i++)
      {
        infos[i].method = routes[i].method;
        infos[i].path = routes[i].path;
      }
  return infos;
}

/* ---- helpers ---------------------------------------------------------- */

char *
handoff_sha256_hex (const char *text)
{
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, text, -1);
}

HandoffCtx *
handoff_ctx_ref (HandoffCtx *ctx)
{
  g_atomic_int_inc (&ctx->ref_count);
  return ctx;
}

void
handoff_ctx_unref (HandoffCtx *ctx)
{
  if (!g_atomic_int_dec_and_test (&ctx->ref_count))
    return;
  g_clear_object (&ctx->server);
  g_clear_object (&ctx->msg);
  g_free (ctx->id);
  g_clear_pointer (&ctx->agent, json_object_unref);
  g_free (ctx->session_hash);
  g_free (ctx->caller_call_id);
  g_clear_pointer (&ctx->body, json_object_unref);
  g_clear_pointer (&ctx->query, g_hash_table_unref);
  g_free (ctx);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HandoffCtx, handoff_ctx_unref)

void
handoff_ctx_pause (HandoffCtx *ctx)
{
  handoff_ctx_ref (ctx);
  g_object_set_data (G_OBJECT (ctx->msg), "handoff-paused", GINT_TO_POINTER (1));
  soup_server_message_pause (ctx->msg);
}

static void
finish_reply (HandoffCtx *ctx)
{
  if (g_object_get_data (G_OBJECT (ctx->msg), "handoff-paused") != NULL)
    {
      g_object_set_data (G_OBJECT (ctx->msg), "handoff-paused", NULL);
      soup_server_message_unpause (ctx->msg);
      handoff_ctx_unref (ctx);
    }
}

static void
set_body (SoupServerMessage *msg,
          guint              status,
          const char        *content_type,
          char              *text)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  soup_message_headers_replace (headers, "Cache-Control", "no-store");
  soup_message_headers_replace (headers, "X-Content-Type-Options", "nosniff");
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, content_type, SOUP_MEMORY_TAKE, text, strlen (text));
}

void
handoff_reply_text (HandoffCtx *ctx,
                    guint       status,
                    const char *content_type,
                    char       *text)
{
  set_body (ctx->msg, status, content_type, text);
  finish_reply (ctx);
}

void
handoff_reply_json (HandoffCtx *ctx,
                    guint       status,
                    JsonNode   *node)
{
  handoff_reply_text (ctx, status, "application/json", json_to_string (node, FALSE));
}

void
handoff_reply_object (HandoffCtx *ctx,
                      guint       status,
                      JsonObject *object)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);

  json_node_set_object (node, object);
  handoff_reply_json (ctx, status, node);
}

static char *
error_json (const char *code,
            const char *message,
            const char *state)
{
  g_autoptr(JsonObject) obj = json_object_new ();
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);

  json_object_set_string_member (obj, "error", code);
  json_object_set_string_member (obj, "message", message);
  if (state != NULL)
    json_object_set_string_member (obj, "state", state);
  json_node_set_object (node, obj);
  return json_to_string (node, FALSE);
}

void
handoff_reply_status (HandoffCtx *ctx,
                      guint       status,
                      const char *code,
                      const char *message)
{
  handoff_reply_text (ctx, status, "application/json", error_json (code, message, NULL));
}

void
handoff_reply_error (HandoffCtx   *ctx,
                     const GError *error)
{
  guint status = handoff_server_error_status (error);

  if (status >= 500)
    g_warning ("%s %s: %s", soup_server_message_get_method (ctx->msg),
               g_uri_get_path (soup_server_message_get_uri (ctx->msg)), error->message);
  /* Internal details stay in the log; the client gets a generic message. */
  handoff_reply_status (ctx, status, handoff_server_error_code (error),
                        status == 500 ? "Internal error; see the server log" : error->message);
}

void
handoff_reply_conflict (HandoffCtx *ctx,
                        const char *state,
                        const char *message)
{
  handoff_reply_text (ctx, 409, "application/json", error_json ("conflict", message, state));
}

JsonObject *
handoff_server_lookup_session (HandoffServer *self,
                               const char    *authorization,
                               char         **hash_out)
{
  g_autofree char *hash = NULL;
  JsonObject *agent;

  if (authorization == NULL || g_ascii_strncasecmp (authorization, "Bearer ", 7) != 0)
    return NULL;
  authorization += 7;
  if (strlen (authorization) < 16 || strlen (authorization) > 256)
    return NULL;
  hash = handoff_sha256_hex (authorization);
  agent = handoff_store_query_one (self->store,
                                   "SELECT a.id, a.username, a.display_name, a.status "
                                   "FROM sessions s JOIN agents a ON a.id = s.agent_id "
                                   "WHERE s.token_hash = ? AND s.expires_at > ?",
                                   g_variant_new ("(sx)", hash, handoff_now_ms ()), NULL);
  if (agent != NULL && hash_out != NULL)
    *hash_out = g_steal_pointer (&hash);
  return agent;
}

char *
handoff_server_mint (HandoffServer *self,
                     gboolean       caller,
                     const char    *identity,
                     const char    *name,
                     const char    *room,
                     GError       **error)
{
  return handoff_token_mint_participant (self->config->api_key, self->config->api_secret,
                                         caller ? HANDOFF_TOKEN_ROLE_CALLER
                                                : HANDOFF_TOKEN_ROLE_AGENT,
                                         identity, name, room, self->config->token_ttl, error);
}

void
handoff_server_twirp_logged (HandoffServer *self,
                             GObject       *source,
                             GAsyncResult  *result,
                             const char    *what)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) reply = handoff_twirp_call_finish (HANDOFF_TWIRP (source), result,
                                                           &error);

  if (reply == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      self->metrics.twirp_errors++;
      g_message ("LiveKit request for %s failed: %s", what, error->message);
    }
}

typedef struct {
  HandoffServer *server;
  char *key;
  char *id;
  GSourceFunc func;
} Timer;

static void
timer_free (Timer *timer)
{
  g_free (timer->key);
  g_free (timer->id);
  g_free (timer);
}

static gboolean
timer_fired (gpointer user_data)
{
  Timer *timer = user_data;

  /* Drop the table entry first: the callback may set a new timer for the key. */
  g_hash_table_remove (timer->server->timers, timer->key);
  timer->func (timer->id);
  return G_SOURCE_REMOVE;
}

void
handoff_server_set_timer (HandoffServer *self,
                          const char    *key,
                          gint64         due_ms,
                          GSourceFunc    func,
                          char          *id)
{
  Timer *timer = g_new0 (Timer, 1);
  gint64 delay = MAX (0, due_ms - handoff_now_ms ());
  guint source;

  handoff_server_clear_timer (self, key);
  timer->server = self;
  timer->key = g_strdup (key);
  timer->id = id;
  timer->func = func;
  source = g_timeout_add_full (G_PRIORITY_DEFAULT, (guint) MIN (delay, G_MAXUINT), timer_fired,
                               timer, (GDestroyNotify) timer_free);
  g_hash_table_insert (self->timers, g_strdup (key), GUINT_TO_POINTER (source));
}

void
handoff_server_clear_timer (HandoffServer *self,
                            const char    *key)
{
  gpointer source, stored_key;

  if (g_hash_table_steal_extended (self->timers, key, &stored_key, &source))
    {
      g_source_remove (GPOINTER_TO_UINT (source));
      g_free (stored_key);
    }
}

/* ---- dispatch --------------------------------------------------------- */

static gboolean
match_path (const char  *pattern,
            const char  *path,
            char       **id_out)
{
  g_auto(GStrv) p = g_strsplit (pattern, "/", -1);
  g_auto(GStrv) s = g_strsplit (path, "/", -1);

  if (g_strv_length (p) != g_strv_length (s))
    return FALSE;
  for (guint i = 0; p[i] != NULL; i++)
    {
      if (strcmp (p[i], "{id}") == 0)
        {
          if (*s[i] == '\0' || strlen (s[i]) > 64)
            return FALSE;
          for (const char *c = s[i]; *c; c++)
            if (!g_ascii_isalnum (*c) && *c != '-' && *c != '_')
              return FALSE;
          g_free (*id_out);
          *id_out = g_strdup (s[i]);
        }
      else if (strcmp (p[i], s[i]) != 0)
        return FALSE;
    }
  return TRUE;
}

static gboolean
authenticate (HandoffCtx        *ctx,
              const HandoffRoute *route)
{
  HandoffServer *self = ctx->server;
  const char *authorization =
    soup_message_headers_get_one (soup_server_message_get_request_headers (ctx->msg),
                                  "Authorization");

  if (route->auth == HANDOFF_AUTH_PUBLIC || route->auth == HANDOFF_AUTH_WEBHOOK)
    return TRUE;
  ctx->agent = handoff_server_lookup_session (self, authorization, &ctx->session_hash);
  if (ctx->agent != NULL)
    return TRUE;
  if (route->auth == HANDOFF_AUTH_AGENT_OR_CALLER && authorization != NULL
      && g_ascii_strncasecmp (authorization, "Bearer ", 7) == 0)
    {
      g_autoptr(JsonObject) claims =
        handoff_token_verify (self->config->api_key, self->config->api_secret,
                              authorization + 7, NULL);
      const char *sub = claims ? json_object_get_string_member_with_default (claims, "sub", "")
                               : "";
      JsonObject *video = claims && json_object_has_member (claims, "video")
                          && JSON_NODE_HOLDS_OBJECT (json_object_get_member (claims, "video"))
                          ? json_object_get_object_member (claims, "video") : NULL;
      const char *room = video ? json_object_get_string_member_with_default (video, "room", "")
                               : "";

      if (g_str_has_prefix (sub, "caller-") && g_str_has_prefix (room, "call-")
          && strcmp (sub + 7, room + 5) == 0)
        {
          ctx->caller_call_id = g_strdup (sub + 7);
          return TRUE;
        }
    }
  handoff_reply_status (ctx, 401, "unauthorized",
                        authorization == NULL ? "Sign in first (Authorization: Bearer <session>)"
                                              : "The session is unknown or has expired");
  return FALSE;
}

static gboolean
content_type_is (SoupServerMessage *msg,
                 const char        *a,
                 const char        *b)
{
  const char *type = soup_message_headers_get_content_type (
    soup_server_message_get_request_headers (msg), NULL);

  return type != NULL && (g_ascii_strcasecmp (type, a) == 0
                          || (b != NULL && g_ascii_strcasecmp (type, b) == 0));
}

static void
dispatch (HandoffServer     *self,
          SoupServerMessage *msg,
          const char        *path,
          GHashTable        *query)
{
  g_autoptr(HandoffCtx) ctx = g_new0 (HandoffCtx, 1);
  const char *method = soup_server_message_get_method (msg);
  const HandoffRoute *route = NULL;
  gboolean path_known = FALSE;
  SoupMessageBody *body = soup_server_message_get_request_body (msg);

  ctx->ref_count = 1;
  ctx->server = g_object_ref (self);
  ctx->msg = g_object_ref (msg);
  ctx->query = query ? g_hash_table_ref (query) : NULL;

  if (handoff_server_cors (self, msg, path))
    return;   /* a preflight, answered */

  for (guint i = 0; i < G_N_ELEMENTS (routes); i++)
    if (match_path (routes[i].path, path, &ctx->id))
      {
        path_known = TRUE;
        if (strcmp (routes[i].method, method) == 0)
          {
            route = &routes[i];
            break;
          }
      }
  if (route == NULL)
    {
      if (path_known)
        handoff_reply_status (ctx, 405, "method_not_allowed",
                              "This route does not take that method");
      else
        handoff_reply_status (ctx, 404, "not_found", "No such route");
      return;
    }
  if ((gsize) body->length > self->config->max_body_bytes)
    {
      handoff_reply_status (ctx, 413, "payload_too_large", "The request body is too large");
      return;
    }
  if (route->auth == HANDOFF_AUTH_WEBHOOK)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
      const char *authorization =
        soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                      "Authorization");

      if (!content_type_is (msg, "application/webhook+json", "application/json"))
        {
          self->metrics.webhooks_rejected++;
          handoff_reply_status (ctx, 415, "unsupported_media_type",
                                "Webhooks are application/webhook+json");
          return;
        }
      if (!handoff_webhook_verify (self->config->api_key, self->config->api_secret,
                                   authorization, g_bytes_get_data (bytes, NULL),
                                   g_bytes_get_size (bytes), &error))
        {
          self->metrics.webhooks_rejected++;
          g_message ("Rejected a LiveKit webhook: %s", error->message);
          handoff_reply_error (ctx, error);
          return;
        }
      ctx->body = handoff_request_parse (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                         &error);
      if (ctx->body == NULL)
        {
          handoff_reply_error (ctx, error);
          return;
        }
    }
  else if (!authenticate (ctx, route))
    return;

  if (route->schema != NULL && !(route->body_optional && body->length == 0))
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) bytes = NULL;

      if (!content_type_is (msg, "application/json", NULL))
        {
          handoff_reply_status (ctx, 415, "unsupported_media_type",
                                "Send the body as application/json");
          return;
        }
      bytes = soup_message_body_flatten (body);
      ctx->body = handoff_request_parse_as (route->schema, g_bytes_get_data (bytes, NULL),
                                            g_bytes_get_size (bytes), &error);
      if (ctx->body == NULL)
        {
          handoff_reply_error (ctx, error);
          return;
        }
    }
  if (route->func == handoff_route_calls_create || route->func == handoff_route_sessions_create)
    {
      gboolean calls = route->func == handoff_route_calls_create;

      if (!handoff_server_rate_allow (self, calls ? "calls" : "sessions",
                       soup_server_message_get_remote_host (msg),
                       calls ? self->config->calls_per_minute
                             : self->config->sign_ins_per_minute))
        {
          self->metrics.rate_limited++;
          soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                        "Retry-After", "60");
          handoff_reply_status (ctx, 429, "rate_limited", "Too many requests; try again later");
          return;
        }
    }
  route->func (ctx);
}

static void
server_callback (SoupServer        *soup,
                 SoupServerMessage *msg,
                 const char        *path,
                 GHashTable        *query,
                 gpointer           user_data)
{
  dispatch (HANDOFF_SERVER (user_data), msg, path, query);
}

/* Before the body is read: refuse oversized bodies without buffering them. */
static void
early_callback (SoupServer        *soup,
                SoupServerMessage *msg,
                const char        *path,
                GHashTable        *query,
                gpointer           user_data)
{
  HandoffServer *self = HANDOFF_SERVER (user_data);
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  goffset length = soup_message_headers_get_content_length (headers);

  /* A body of unannounced length could only be measured after buffering it
   * all; every client we serve (and LiveKit's webhooks) sends a length. */
  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CHUNKED)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection",
                                    "close");
      set_body (msg, 411, "application/json",
                error_json ("length_required", "Send the body with a Content-Length", NULL));
      return;
    }
  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH
      && length > (goffset) self->config->max_body_bytes)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection",
                                    "close");
      set_body (msg, 413, "application/json",
                error_json ("payload_too_large", "The request body is too large", NULL));
      return;
    }
  if (strcmp (path, "/api/v1/events") == 0)
    {
      g_autoptr(JsonObject) agent =
        handoff_server_lookup_session (self, soup_message_headers_get_one (headers,
                                                                          "Authorization"),
                                       NULL);
      if (agent == NULL)
        set_body (msg, 401, "application/json",
                  error_json ("unauthorized", "The session is unknown or has expired", NULL));
      else if (soup_message_headers_get_one (headers, "Upgrade") == NULL)
        set_body (msg, 400, "application/json",
                  error_json ("invalid_field", "This route is a WebSocket; send an upgrade",
                              NULL));
    }
}

static void
route_events_placeholder (HandoffCtx *ctx)
{
  handoff_reply_status (ctx, 400, "invalid_field", "This route is a WebSocket; send an upgrade");
}

/* ---- lifecycle -------------------------------------------------------- */

static void
handoff_server_dispose (GObject *object)
{
  HandoffServer *self = HANDOFF_SERVER (object);

  handoff_server_shutdown (self);
  g_clear_object (&self->soup);
  g_clear_object (&self->twirp);
  g_clear_object (&self->store);
  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (handoff_server_parent_class)->dispose (object);
}

static void
handoff_server_finalize (GObject *object)
{
  HandoffServer *self = HANDOFF_SERVER (object);

  g_clear_pointer (&self->config, handoff_server_config_free);
  g_clear_pointer (&self->timers, g_hash_table_unref);
  g_clear_pointer (&self->subscription_queues, g_hash_table_unref);
  g_clear_pointer (&self->sockets, g_hash_table_unref);
  g_clear_pointer (&self->on_call, g_hash_table_unref);
  g_clear_pointer (&self->buckets, g_hash_table_unref);
  g_clear_pointer (&self->pending_events, g_ptr_array_unref);
  g_free (self->base_url);
  G_OBJECT_CLASS (handoff_server_parent_class)->finalize (object);
}

static void
handoff_server_class_init (HandoffServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = handoff_server_dispose;
  object_class->finalize = handoff_server_finalize;
}

static void
handoff_server_init (HandoffServer *self)
{
  self->timers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->sockets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify) g_ptr_array_unref);
  self->buckets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->on_call = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->subscription_queues = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                     (GDestroyNotify) g_queue_free);
  self->pending_events = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  self->cancellable = g_cancellable_new ();
}

HandoffServer *
handoff_server_new (const HandoffServerConfig  *config,
                    GError                    **error)
{
  g_autoptr(HandoffServer) self = NULL;
  g_autoptr(GTlsCertificate) certificate = NULL;

  g_return_val_if_fail (config != NULL, NULL);

  self = g_object_new (HANDOFF_TYPE_SERVER, NULL);
  self->config = handoff_server_config_copy (config);
  if (!handoff_server_config_validate (self->config, error))
    return NULL;
  self->store = handoff_store_new (self->config->database, self->config->synchronous_full, error);
  if (self->store == NULL)
    return NULL;
  if (self->config->tls_certificate != NULL)
    {
      certificate = g_tls_certificate_new_from_files (self->config->tls_certificate,
                                                      self->config->tls_key, error);
      if (certificate == NULL)
        return NULL;
    }
  self->twirp = handoff_twirp_new (self->config->livekit_api_url, self->config->api_key,
                                   self->config->api_secret);
  self->soup = g_object_new (SOUP_TYPE_SERVER, "server-header", "handoff-server",
                             "tls-certificate", certificate, NULL);
  soup_server_add_early_handler (self->soup, NULL, early_callback, self, NULL);
  soup_server_add_early_handler (self->soup, "/api/v1/events", early_callback, self, NULL);
  soup_server_add_handler (self->soup, NULL, server_callback, self, NULL);
  g_signal_connect (self->soup, "request-finished", G_CALLBACK (handoff_server_request_finished), self);
  handoff_server_events_setup (self);

  handoff_server_restore_calls (self);
  handoff_server_restore_transfers (self);
  handoff_server_restore_departures (self);
  return g_steal_pointer (&self);
}

gboolean
handoff_server_listen (HandoffServer  *self,
                       GError        **error)
{
  g_autoptr(GInetAddress) address = NULL;
  g_autoptr(GSocketAddress) socket_address = NULL;
  g_autoptr(GSList) uris = NULL;
  SoupServerListenOptions options = 0;
  GUri *uri;

  g_return_val_if_fail (HANDOFF_IS_SERVER (self), FALSE);

  address = g_inet_address_new_from_string (self->config->listen_address);
  if (address == NULL)
    {
      g_set_error (error, HANDOFF_SERVER_ERROR, HANDOFF_SERVER_ERROR_CONFIG,
                   "[server] listen must be an IP address, not '%s'",
                   self->config->listen_address);
      return FALSE;
    }
  socket_address = g_inet_socket_address_new (address, self->config->port);
  if (self->config->tls_certificate != NULL)
    options |= SOUP_SERVER_LISTEN_HTTPS;
  if (!soup_server_listen (self->soup, socket_address, options, error))
    return FALSE;
  uris = soup_server_get_uris (self->soup);
  uri = uris->data;
  self->port = (guint16) g_uri_get_port (uri);
  g_free (self->base_url);
  self->base_url = g_strdup_printf ("%s://%s%s%s:%u", g_uri_get_scheme (uri),
                                    g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV6
                                    ? "[" : "",
                                    self->config->listen_address,
                                    g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV6
                                    ? "]" : "",
                                    self->port);
  g_slist_free_full (g_steal_pointer (&uris), (GDestroyNotify) g_uri_unref);
  return TRUE;
}

guint16
handoff_server_get_port (HandoffServer *self)
{
  g_return_val_if_fail (HANDOFF_IS_SERVER (self), 0);
  return self->port;
}

const char *
handoff_server_get_base_url (HandoffServer *self)
{
  g_return_val_if_fail (HANDOFF_IS_SERVER (self), NULL);
  return self->base_url;
}

HandoffStore *
handoff_server_get_store (HandoffServer *self)
{
  g_return_val_if_fail (HANDOFF_IS_SERVER (self), NULL);
  return self->store;
}

void
handoff_server_shutdown (HandoffServer *self)
{
  GHashTableIter iter;
  gpointer value;

  g_return_if_fail (HANDOFF_IS_SERVER (self));

  if (self->soup != NULL)
    soup_server_disconnect (self->soup);
  handoff_server_events_close (self);
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  if (self->timers != NULL)
    {
      g_hash_table_iter_init (&iter, self->timers);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        g_source_remove (GPOINTER_TO_UINT (value));
      g_hash_table_remove_all (self->timers);
    }
}
