/* handoff-server-ops.c: health, Prometheus metrics, request log lines, rate limits
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "handoff-server"

#include "handoff-server-private.h"

typedef struct {
  double tokens;
  gint64 updated;
} RateBucket;

gboolean
handoff_server_rate_allow (HandoffServer *self,
                           const char    *kind,
                           const char    *address,
                           guint          per_minute)
{
  g_autofree char *key = g_strdup_printf ("%s:%s", kind, address ? address : "?");
  RateBucket *bucket = g_hash_table_lookup (self->buckets, key);
  gint64 now = g_get_monotonic_time ();

  if (bucket == NULL)
    {
      if (g_hash_table_size (self->buckets) > 100000)
        g_hash_table_remove_all (self->buckets);
      bucket = g_new0 (RateBucket, 1);
      bucket->tokens = per_minute;
      bucket->updated = now;
      g_hash_table_insert (self->buckets, g_steal_pointer (&key), bucket);
    }
  bucket->tokens = MIN ((double) per_minute,
                        bucket->tokens + (now - bucket->updated) / 1e6 * per_minute / 60.0);
  bucket->updated = now;
  if (bucket->tokens < 1.0)
    return FALSE;
  bucket->tokens -= 1.0;
  return TRUE;
}

void
handoff_route_healthz (HandoffCtx *ctx)
{
  if (!handoff_store_check (ctx->server->store))
    {
      handoff_reply_text (ctx, 503, "application/json",
                          g_strdup ("{\"status\":\"store_unavailable\"}"));
      return;
    }
  handoff_reply_text (ctx, 200, "application/json", g_strdup ("{\"status\":\"ok\"}"));
}

void
handoff_route_metrics (HandoffCtx *ctx)
{
  HandoffServerMetrics *m = &ctx->server->metrics;
  GString *s = g_string_new (NULL);
  guint sockets = 0;
  GHashTableIter iter;
  gpointer value;
  gint64 active;

  g_hash_table_iter_init (&iter, ctx->server->sockets);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    sockets += ((GPtrArray *) value)->len;
  g_string_append (s, "# HELP handoff_http_requests_total HTTP requests answered, by status class.\n"
                      "# TYPE handoff_http_requests_total counter\n");
  g_string_append_printf (s, "handoff_http_requests_total{class=\"2xx\"} %" G_GUINT64_FORMAT "\n"
                             "handoff_http_requests_total{class=\"4xx\"} %" G_GUINT64_FORMAT "\n"
                             "handoff_http_requests_total{class=\"5xx\"} %" G_GUINT64_FORMAT "\n",
                          m->requests_2xx, m->requests_4xx, m->requests_5xx);
  g_string_append_printf (s, "# HELP handoff_calls_created_total Calls created.\n"
                             "# TYPE handoff_calls_created_total counter\n"
                             "handoff_calls_created_total %" G_GUINT64_FORMAT "\n"
                             "# HELP handoff_calls_ended_total Calls ended.\n"
                             "# TYPE handoff_calls_ended_total counter\n"
                             "handoff_calls_ended_total %" G_GUINT64_FORMAT "\n"
                             "# HELP handoff_calls_requeued_total Active calls put back to "
                             "waiting because their agent's app left.\n"
                             "# TYPE handoff_calls_requeued_total counter\n"
                             "handoff_calls_requeued_total %" G_GUINT64_FORMAT "\n",
                          m->calls_created, m->calls_ended, m->calls_requeued);
  g_string_append_printf (s, "# HELP handoff_transfers_created_total Transfers initiated.\n"
                             "# TYPE handoff_transfers_created_total counter\n"
                             "handoff_transfers_created_total %" G_GUINT64_FORMAT "\n"
                             "# HELP handoff_transfers_ended_total Transfers ended, by outcome.\n"
                             "# TYPE handoff_transfers_ended_total counter\n",
                          m->transfers_created);
  for (guint i = 0; handoff_outcomes[i] != NULL; i++)
    g_string_append_printf (s, "handoff_transfers_ended_total{outcome=\"%s\"} %" G_GUINT64_FORMAT
                            "\n", handoff_outcomes[i], m->outcomes[i]);
  active = handoff_store_query_int (ctx->server->store,
                                    "SELECT count(*) FROM calls WHERE state != 'ended'", NULL, 0,
                                    NULL);
  g_string_append_printf (s, "# HELP handoff_calls_active Calls waiting or active.\n"
                             "# TYPE handoff_calls_active gauge\n"
                             "handoff_calls_active %" G_GINT64_FORMAT "\n"
                             "# HELP handoff_event_streams Open event WebSockets.\n"
                             "# TYPE handoff_event_streams gauge\n"
                             "handoff_event_streams %u\n"
                             "# HELP handoff_events_sent_total Events pushed to WebSockets.\n"
                             "# TYPE handoff_events_sent_total counter\n"
                             "handoff_events_sent_total %" G_GUINT64_FORMAT "\n",
                          active, sockets, m->events_sent);
  g_string_append_printf (s, "# HELP handoff_webhooks_total LiveKit webhooks, by result.\n"
                             "# TYPE handoff_webhooks_total counter\n"
                             "handoff_webhooks_total{result=\"accepted\"} %" G_GUINT64_FORMAT "\n"
                             "handoff_webhooks_total{result=\"rejected\"} %" G_GUINT64_FORMAT "\n"
                             "# HELP handoff_livekit_errors_total Failed LiveKit API requests.\n"
                             "# TYPE handoff_livekit_errors_total counter\n"
                             "handoff_livekit_errors_total %" G_GUINT64_FORMAT "\n"
                             "# HELP handoff_rate_limited_total Requests refused by rate limits.\n"
                             "# TYPE handoff_rate_limited_total counter\n"
                             "handoff_rate_limited_total %" G_GUINT64_FORMAT "\n",
                          m->webhooks_ok, m->webhooks_rejected, m->twirp_errors,
                          m->rate_limited);
  handoff_reply_text (ctx, 200, "text/plain; version=0.0.4", g_string_free (s, FALSE));
}

void
handoff_server_request_finished (SoupServer        *soup,
                                 SoupServerMessage *msg,
                                 HandoffServer     *self)
{
  guint status = soup_server_message_get_status (msg);
  GUri *uri = soup_server_message_get_uri (msg);

  if (status >= 500)
    self->metrics.requests_5xx++;
  else if (status >= 400)
    self->metrics.requests_4xx++;
  else
    self->metrics.requests_2xx++;
  /* Path only: query strings and headers may carry tokens. */
  g_log_structured (G_LOG_DOMAIN, G_LOG_LEVEL_DEBUG,
                    "MESSAGE", "%s %s %u", soup_server_message_get_method (msg),
                    uri ? g_uri_get_path (uri) : "?", status,
                    "HTTP_METHOD", soup_server_message_get_method (msg));
}

