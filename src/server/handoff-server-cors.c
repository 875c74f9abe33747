/* handoff-server-cors.c: a public caller page served from another origin
 *
 * A web page that lets people call (livekit-client in the browser) usually
 * lives on the organisation's web site, not on handoff-server's host. Its
 * requests are cross-origin, so the browser asks first (an OPTIONS
 * "preflight", because they carry Authorization or a JSON body) and reads an
 * answer only if it names the page's origin.
 *
 * Only the three routes a caller uses are opened, and only to the origins in
 * `[server] allowed_origins` (or `--allow-origin`): POST /api/v1/calls,
 * GET /api/v1/calls/{id}, POST /api/v1/calls/{id}/end. Agent routes never get
 * CORS headers: the agents' app is not a web page, and a page on some allowed
 * origin has no business reading the directory or history with a stolen
 * session. No credentials mode: callers authenticate with a bearer token the
 * page holds, never with cookies, so Access-Control-Allow-Credentials is not
 * sent and "*" is not accepted as an origin.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "handoff-server"

#include "handoff-server-private.h"

#include <string.h>

#define CALLS "/api/v1/calls"

/* The method the caller uses on `path`, or NULL if it is no caller route. */
static const char *
caller_route_method (const char *path)
{
  const char *rest, *slash;

  if (strcmp (path, CALLS) == 0)
    return "POST";
  if (!g_str_has_prefix (path, CALLS "/"))
    return NULL;
  rest = path + strlen (CALLS "/");
  slash = strchr (rest, '/');
  if (slash == rest || *rest == '\0')
    return NULL;
  if (slash == NULL)
    return "GET";
  return strcmp (slash, "/end") == 0 ? "POST" : NULL;
}

static gboolean
origin_allowed (HandoffServer *self,
                const char    *origin)
{
  char **allowed = self->config->allowed_origins;
  g_autofree char *lower = NULL;

  if (origin == NULL || allowed == NULL)
    return FALSE;
  lower = g_ascii_strdown (origin, -1);
  return g_strv_contains ((const char * const *) allowed, lower);
}

gboolean
handoff_server_cors (HandoffServer     *self,
                     SoupServerMessage *msg,
                     const char        *path)
{
  SoupMessageHeaders *request = soup_server_message_get_request_headers (msg);
  SoupMessageHeaders *response = soup_server_message_get_response_headers (msg);
  const char *origin = soup_message_headers_get_one (request, "Origin");
  const char *method = caller_route_method (path);
  const char *asked;

  if (method == NULL || self->config->allowed_origins == NULL)
    return FALSE;
  /* The answer depends on Origin: caches must not hand it to another page. */
  soup_message_headers_append (response, "Vary", "Origin");
  if (!origin_allowed (self, origin))
    return FALSE;

  soup_message_headers_replace (response, "Access-Control-Allow-Origin", origin);
  if (strcmp (soup_server_message_get_method (msg), "OPTIONS") != 0)
    {
      /* A rate-limited page should be able to read when to try again. */
      soup_message_headers_replace (response, "Access-Control-Expose-Headers", "Retry-After");
      return FALSE;
    }
  asked = soup_message_headers_get_one (request, "Access-Control-Request-Method");
  if (asked == NULL || strcmp (asked, method) != 0)
    {
      /* Not a preflight for what this route does: the normal answer (405),
       * without the grant. */
      soup_message_headers_remove (response, "Access-Control-Allow-Origin");
      return FALSE;
    }
  soup_message_headers_replace (response, "Access-Control-Allow-Methods", method);
  soup_message_headers_replace (response, "Access-Control-Allow-Headers",
                                "Authorization, Content-Type");
  soup_message_headers_replace (response, "Access-Control-Max-Age", "600");
  soup_message_headers_replace (response, "Cache-Control", "no-store");
  soup_server_message_set_status (msg, 204, NULL);
  return TRUE;
}
