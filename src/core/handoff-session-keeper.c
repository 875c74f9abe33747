/* handoff-session-keeper.c: keeps an agent's server session alive
 *
 * handoff-server's sessions end after [timeouts] session_ttl. An agent who
 * stays signed in longer gets a new session before the old one ends: when a
 * quarter of its remaining life is left, with retries on network trouble
 * until it is too late. The server moves the agent's event stream to the new
 * session, so nothing else has to reconnect.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "handoff-account"

#include "config.h"

#include <glib/gi18n.h>

#include "handoff-session-keeper.h"

#define PATH_REFRESH "/api/v1/sessions/refresh"
/* After a failed refresh (server unreachable), try again this soon. */
#define RETRY_US (3 * G_USEC_PER_SEC)

enum {
  SIGNAL_REFRESHED,
  SIGNAL_EXPIRED,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

struct _HandoffSessionKeeper
{
  GObject              parent_instance;

  HandoffServerClient *client;
  GCancellable        *cancellable;   /* the running refresh */
  gint64               expires_us;    /* real time; 0: unknown */
  guint                timer_id;
};

G_DEFINE_FINAL_TYPE (HandoffSessionKeeper, handoff_session_keeper, G_TYPE_OBJECT)

static void refresh_now (HandoffSessionKeeper *self);

static gboolean
timer_cb (gpointer user_data)
{
  HandoffSessionKeeper *self = user_data;

  self->timer_id = 0;
  refresh_now (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_in (HandoffSessionKeeper *self,
             gint64                delay_us)
{
  g_clear_handle_id (&self->timer_id, g_source_remove);
  delay_us = CLAMP (delay_us, 0, (gint64) G_MAXINT * 1000);
  self->timer_id = g_timeout_add ((guint) (delay_us / 1000), timer_cb, self);
}

static gint64
parse_time_us (const char *iso)
{
  g_autoptr(GDateTime) dt = iso ? g_date_time_new_from_iso8601 (iso, NULL) : NULL;

  return dt ? g_date_time_to_unix (dt) * G_USEC_PER_SEC + g_date_time_get_microsecond (dt) : 0;
}

/* Refresh when a quarter of what is left remains: early enough for a few
 * retries, late enough not to churn tokens. */
static void
schedule_refresh (HandoffSessionKeeper *self)
{
  gint64 left = self->expires_us - g_get_real_time ();

  schedule_in (self, left * 3 / 4);
}

static void
on_refreshed (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(HandoffSessionKeeper) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *obj;
  const char *token;
  gint64 expires;

  root = handoff_server_client_request_finish (HANDOFF_SERVER_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->cancellable);
  obj = root && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  token = handoff_json_get_string (obj, "token", NULL);
  expires = parse_time_us (handoff_json_get_string (obj, "expires_at", NULL));
  if (g_error_matches (error, HANDOFF_API_ERROR, HANDOFF_API_ERROR_UNAUTHORIZED))
    {
      g_signal_emit (self, signals[SIGNAL_EXPIRED], 0, _("Your session expired; please sign in again"));
      return;
    }
  if (token == NULL || expires == 0)
    {
      /* Unreachable, or an answer we cannot read: again soon, while the
       * session lasts. */
      g_message ("Session refresh failed: %s", error ? error->message : "no session in the answer");
      if (self->expires_us != 0 && g_get_real_time () + RETRY_US >= self->expires_us)
        {
          g_signal_emit (self, signals[SIGNAL_EXPIRED], 0,
                         _("Your session expired while the server could not be reached; please sign in again"));
          return;
        }
      schedule_in (self, RETRY_US);
      return;
    }
  handoff_server_client_set_token (self->client, token);
  self->expires_us = expires;
  g_signal_emit (self, signals[SIGNAL_REFRESHED], 0, token);
  schedule_refresh (self);
}

static void
refresh_now (HandoffSessionKeeper *self)
{
  if (self->cancellable != NULL)
    return;   /* one at a time */
  self->cancellable = g_cancellable_new ();
  handoff_server_client_request_async (self->client, "POST", PATH_REFRESH, NULL, self->cancellable,
                                       on_refreshed, g_object_ref (self));
}

void
handoff_session_keeper_start (HandoffSessionKeeper *self,
                              const char           *expires_at)
{
  g_return_if_fail (HANDOFF_IS_SESSION_KEEPER (self));

  handoff_session_keeper_stop (self);
  self->expires_us = parse_time_us (expires_at);
  if (self->expires_us == 0)
    refresh_now (self);
  else
    schedule_refresh (self);
}

void
handoff_session_keeper_stop (HandoffSessionKeeper *self)
{
  g_return_if_fail (HANDOFF_IS_SESSION_KEEPER (self));

  g_clear_handle_id (&self->timer_id, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->expires_us = 0;
}

gint64
handoff_session_keeper_get_expires (HandoffSessionKeeper *self)
{
  g_return_val_if_fail (HANDOFF_IS_SESSION_KEEPER (self), 0);
  return self->expires_us;
}

static void
handoff_session_keeper_dispose (GObject *object)
{
  HandoffSessionKeeper *self = HANDOFF_SESSION_KEEPER (object);

  handoff_session_keeper_stop (self);
  g_clear_object (&self->client);
  G_OBJECT_CLASS (handoff_session_keeper_parent_class)->dispose (object);
}

static void
handoff_session_keeper_class_init (HandoffSessionKeeperClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = handoff_session_keeper_dispose;

  signals[SIGNAL_REFRESHED] = g_signal_new ("refreshed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                            0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[SIGNAL_EXPIRED] = g_signal_new ("expired", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
handoff_session_keeper_init (HandoffSessionKeeper *self)
{
}

HandoffSessionKeeper *
handoff_session_keeper_new (HandoffServerClient *client)
{
  HandoffSessionKeeper *self;

  g_return_val_if_fail (HANDOFF_IS_SERVER_CLIENT (client), NULL);

  self = g_object_new (HANDOFF_TYPE_SESSION_KEEPER, NULL);
  self->client = g_object_ref (client);
  return self;
}
