/* handoff-server-config.c: settings of handoff-server (key file, environment, --dev)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "handoff-server"

#include "handoff-server-config.h"

#include <string.h>

#include "handoff-server-error.h"

HandoffServerConfig *
handoff_server_config_new_default (void)
{
  HandoffServerConfig *self = g_new0 (HandoffServerConfig, 1);

  self->listen_address = g_strdup ("127.0.0.1");
  self->port = 8080;
  self->database = g_strdup ("handoff-server.db");
  self->max_body_bytes = 256 * 1024;
  self->synchronous_full = TRUE;
  self->token_ttl = 3600;
  self->session_ttl = 12 * 3600;
  self->call_offer_timeout = 20;
  self->transfer_offer_timeout = 30;
  self->agent_rejoin_grace = 30;
  self->calls_per_minute = 30;
  self->sign_ins_per_minute = 20;
  return self;
}

HandoffServerConfig *
handoff_server_config_copy (const HandoffServerConfig *c)
{
  HandoffServerConfig *copy = g_memdup2 (c, sizeof *c);

  copy->listen_address = g_strdup (c->listen_address);
  copy->database = g_strdup (c->database);
  copy->tls_certificate = g_strdup (c->tls_certificate);
  copy->tls_key = g_strdup (c->tls_key);
  copy->allowed_origins = g_strdupv (c->allowed_origins);
  copy->livekit_url = g_strdup (c->livekit_url);
  copy->livekit_api_url = g_strdup (c->livekit_api_url);
  copy->api_key = g_strdup (c->api_key);
  copy->api_secret = g_strdup (c->api_secret);
  return copy;
}

void
handoff_server_config_free (HandoffServerConfig *self)
{
  if (self == NULL)
    return;
  g_free (self->listen_address);
  g_free (self->database);
  g_free (self->tls_certificate);
  g_free (self->tls_key);
  g_strfreev (self->allowed_origins);
  g_free (self->livekit_url);
  g_free (self->livekit_api_url);
  g_free (self->api_key);
  if (self->api_secret != NULL)
    memset (self->api_secret, 0, strlen (self->api_secret));
  g_free (self->api_secret);
  g_free (self);
}

static gboolean
read_string (GKeyFile   *kf,
             const char *group,
             const char *key,
             char      **out,
             GError    **error)
{
  g_autoptr(GError) local = NULL;
  char *value;

  if (!g_key_file_has_key (kf, group, key, NULL))
    return TRUE;
  value = g_key_file_get_string (kf, group, key, &local);
  if (value == NULL)
    {
      g_set_error (error, HANDOFF_SERVER_ERROR, HANDOFF_SERVER_ERROR_CONFIG,
                   "[%s] %s: %s", group, key, local->message);
      return FALSE;
    }
  g_free (*out);
  *out = value;
  return TRUE;
}

static gboolean
read_uint (GKeyFile   *kf,
           const char *group,
           const char *key,
           guint64     min,
           guint64     max,
           guint64    *out,
           GError    **error)
{
  g_autofree char *text = NULL;
  guint64 value;

  if (!g_key_file_has_key (kf, group, key, NULL))
    return TRUE;
  text = g_key_file_get_string (kf, group, key, NULL);
  if (text == NULL
      || !g_ascii_string_to_unsigned (g_strstrip (text), 10, min, max, &value, NULL))
    {
      g_set_error (error, HANDOFF_SERVER_ERROR, HANDOFF_SERVER_ERROR_CONFIG,
                   "[%s] %s must be a whole number from %" G_GUINT64_FORMAT
                   " to %" G_GUINT64_FORMAT, group, key, min, max);
      return FALSE;
    }
  *out = value;
  return TRUE;
}

/* An origin as browsers send it: scheme://host[:port], nothing after. A
 * wildcard is refused: only pages the operator names may call us. */
gboolean
handoff_server_config_allow_origin (HandoffServerConfig *self,
                                    const char          *origin,
                                    GError             **error)
{
  g_autoptr(GUri) uri = NULL;
  const char *scheme;
  g_autofree char *canonical = NULL;

  g_return_val_if_fail (self != NULL && origin != NULL, FALSE);

  uri = g_uri_parse (origin, G_URI_FLAGS_NONE, NULL);
  scheme = uri ? g_uri_get_scheme (uri) : NULL;
  if (uri == NULL || (g_strcmp0 (scheme, "http") != 0 && g_strcmp0 (scheme, "https") != 0)
      || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0'
      || *g_uri_get_path (uri) != '\0' || g_uri_get_query (uri) != NULL
      || g_uri_get_fragment (uri) != NULL || g_uri_get_userinfo (uri) != NULL)
    {
      g_set_error (error, HANDOFF_SERVER_ERROR, HANDOFF_SERVER_ERROR_CONFIG,
                   "[server] allowed_origins: '%s' is not an origin like "
                   "https://calls.example.com or http://localhost:8000", origin);
      return FALSE;
    }
  /* Browsers send the host in lower case and without a default port. */
  canonical = g_ascii_strdown (origin, -1);
  if (self->allowed_origins == NULL
      || !g_strv_contains ((const char * const *) self->allowed_origins, canonical))
    {
      guint n = self->allowed_origins ? g_strv_length (self->allowed_origins) : 0;

      self->allowed_origins = g_renew (char *, self->allowed_origins, n + 2);
      self->allowed_origins[n] = g_steal_pointer (&canonical);
      self->allowed_origins[n + 1] = NULL;
    }
  return TRUE;
}

static gboolean
read_origins (HandoffServerConfig *self,
              GKeyFile            *kf,
              GError             **error)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) parts = NULL;

  if (!g_key_file_has_key (kf, "server", "allowed_origins", NULL))
    return TRUE;
  text = g_key_file_get_value (kf, "server", "allowed_origins", NULL);
  /* "a, b" or "a;b" or "a b": whatever people write. */
  parts = g_regex_split_simple ("[\\s,;]+", text ? text : "", 0, 0);
  for (guint i = 0; parts[i] != NULL; i++)
    if (*parts[i] != '\0' && !handoff_server_config_allow_origin (self, parts[i], error))
      return FALSE;
  return TRUE;
}

static gboolean
load_key_file (HandoffServerConfig *self,
               const char          *path,
               GError             **error)
{
  g_autoptr(GKeyFile) kf = g_key_file_new ();
  g_autoptr(GError) local = NULL;
  guint64 port = self->port, body = self->max_body_bytes, token_ttl = self->token_ttl;
  guint64 session_ttl = self->session_ttl, call_offer = self->call_offer_timeout;
  guint64 transfer_offer = self->transfer_offer_timeout, calls = self->calls_per_minute;
  guint64 sign_ins = self->sign_ins_per_minute, grace = self->agent_rejoin_grace;

  if (!g_key_file_load_from_file (kf, path, G_KEY_FILE_NONE, &local))
    {
      g_set_error (error, HANDOFF_SERVER_ERROR, HANDOFF_SERVER_ERROR_CONFIG,
                   "Cannot read config file %s: %s", path, local->message);
      return FALSE;
    }
  if (!read_string (kf, "server", "listen", &self->listen_address, error)
      || !read_uint (kf, "server", "port", 0, 65535, &port, error)
      || !read_string (kf, "server", "database", &self->database, error)
      || !read_string (kf, "server", "tls_certificate", &self->tls_certificate, error)
      || !read_string (kf, "server", "tls_key", &self->tls_key, error)
      || !read_uint (kf, "server", "max_body_bytes", 1024, 64 * 1024 * 1024, &body, error)
      || !read_origins (self, kf, error)
      || !read_string (kf, "livekit", "url", &self->livekit_url, error)
      || !read_string (kf, "livekit", "api_key", &self->api_key, error)
      || !read_string (kf, "livekit", "api_secret", &self->api_secret, error)
      || !read_uint (kf, "timeouts", "token_ttl", 60, 24 * 3600, &token_ttl, error)
      || !read_uint (kf, "timeouts", "session_ttl", 5, 30 * 24 * 3600, &session_ttl, error)
      || !read_uint (kf, "timeouts", "call_offer", 1, 3600, &call_offer, error)
      || !read_uint (kf, "timeouts", "transfer_offer", 1, 3600, &transfer_offer, error)
      || !read_uint (kf, "timeouts", "agent_rejoin_grace", 0, 3600, &grace, error)
      || !read_uint (kf, "limits", "calls_per_minute", 1, 1000000, &calls, error)
      || !read_uint (kf, "limits", "sign_ins_per_minute", 1, 1000000, &sign_ins, error))
    return FALSE;
  if (g_key_file_has_key (kf, "server", "synchronous_full", NULL))
    {
      self->synchronous_full = g_key_file_get_boolean (kf, "server", "synchronous_full", &local);
      if (local != NULL)
        {
          g_set_error (error, HANDOFF_SERVER_ERROR, HANDOFF_SERVER_ERROR_CONFIG,
                       "[server] synchronous_full must be true or false");
          return FALSE;
        }
    }
  self->port = (guint16) port;
  self->max_body_bytes = body;
  self->token_ttl = token_ttl;
  self->session_ttl = session_ttl;
  self->call_offer_timeout = call_offer;
  self->transfer_offer_timeout = transfer_offer;
  self->agent_rejoin_grace = grace;
  self->calls_per_minute = calls;
  self->sign_ins_per_minute = sign_ins;
  return TRUE;
}

static void
from_env (char      **field,
          const char *name)
{
  const char *value = g_getenv (name);

  if (value != NULL && *value != '\0')
    {
      g_free (*field);
      *field = g_strdup (value);
    }
}

gboolean
handoff_server_config_validate (HandoffServerConfig *self,
                                GError             **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (self->livekit_url == NULL || *self->livekit_url == '\0')
    return g_set_error_literal (error, HANDOFF_SERVER_ERROR, HANDOFF_SERVER_ERROR_CONFIG,
                                "LiveKit URL is not set ([livekit] url or LIVEKIT_URL, or --dev)"),
           FALSE;
  if (self->api_key == NULL || *self->api_key == '\0')
    return g_set_error_literal (error, HANDOFF_SERVER_ERROR, HANDOFF_SERVER_ERROR_CONFIG,
                                "LiveKit API key is not set ([livekit] api_key or LIVEKIT_API_KEY)"),
           FALSE;
  if (self->api_secret == NULL || *self->api_secret == '\0')
    return g_set_error_literal (error, HANDOFF_SERVER_ERROR, HANDOFF_SERVER_ERROR_CONFIG,
                                "LiveKit API secret is not set ([livekit] api_secret or "
                                "LIVEKIT_API_SECRET)"),
           FALSE;

  g_clear_pointer (&self->livekit_api_url, g_free);
  if (g_str_has_prefix (self->livekit_url, "ws://"))
    self->livekit_api_url = g_strconcat ("http://", self->livekit_url + 5, NULL);
  else if (g_str_has_prefix (self->livekit_url, "wss://"))
    self->livekit_api_url = g_strconcat ("https://", self->livekit_url + 6, NULL);
  else if (g_str_has_prefix (self->livekit_url, "http://")
           || g_str_has_prefix (self->livekit_url, "https://"))
    self->livekit_api_url = g_strdup (self->livekit_url);
  else
    return g_set_error_literal (error, HANDOFF_SERVER_ERROR, HANDOFF_SERVER_ERROR_CONFIG,
                                "LiveKit URL must start with ws://, wss://, http:// or https://"),
           FALSE;
  while (g_str_has_suffix (self->livekit_api_url, "/"))
    self->livekit_api_url[strlen (self->livekit_api_url) - 1] = '\0';

  if ((self->tls_certificate == NULL) != (self->tls_key == NULL))
    return g_set_error_literal (error, HANDOFF_SERVER_ERROR, HANDOFF_SERVER_ERROR_CONFIG,
                                "TLS needs both [server] tls_certificate and tls_key"),
           FALSE;
  if (self->database == NULL || *self->database == '\0')
    return g_set_error_literal (error, HANDOFF_SERVER_ERROR, HANDOFF_SERVER_ERROR_CONFIG,
                                "[server] database must name a file"),
           FALSE;
  return TRUE;
}

HandoffServerConfig *
handoff_server_config_load (const char  *path,
                            gboolean     dev,
                            GError     **error)
{
  g_autoptr(HandoffServerConfig) self = handoff_server_config_new_default ();

  if (path != NULL && !load_key_file (self, path, error))
    return NULL;
  from_env (&self->livekit_url, "LIVEKIT_URL");
  from_env (&self->api_key, "LIVEKIT_API_KEY");
  from_env (&self->api_secret, "LIVEKIT_API_SECRET");
  self->dev = dev;
  if (dev)
    {
      if (self->livekit_url == NULL)
        self->livekit_url = g_strdup (HANDOFF_DEV_LIVEKIT_URL);
      if (self->api_key == NULL)
        self->api_key = g_strdup (HANDOFF_DEV_API_KEY);
      if (self->api_secret == NULL)
        self->api_secret = g_strdup (HANDOFF_DEV_API_SECRET);
    }
  if (!handoff_server_config_validate (self, error))
    return NULL;
  return g_steal_pointer (&self);
}
