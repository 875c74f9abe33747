/* handoff-server-history.c: transfer history, analytics and export
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "handoff-server"

#include "handoff-server-private.h"

#include <stdlib.h>
#include <string.h>

#define LIST_COLUMNS \
  "id, call_id, 'call-' || call_id AS room, from_agent_id, to_agent_id, state, " \
  "CASE WHEN state IN ('offered', 'accepted', 'consulting', 'connected') THEN NULL " \
  "  ELSE state END AS outcome, failure_reason, decline_reason, summary, transcript, notes, " \
  "urgent, rating, rating_comment, created_at, offer_expires_at, accepted_at, consulting_at, " \
  "connected_at, ended_at, accepted_at - created_at AS time_to_accept_ms, " \
  "connected_at - COALESCE(consulting_at, accepted_at) AS consult_ms, " \
  "ended_at - created_at AS total_ms"

static const char *
query_param (HandoffCtx *ctx,
             const char *name)
{
  return ctx->query ? g_hash_table_lookup (ctx->query, name) : NULL;
}

static gboolean
bad_param (HandoffCtx *ctx,
           const char *message)
{
  handoff_reply_status (ctx, 400, "invalid_field", message);
  return FALSE;
}

static gboolean
int_param (HandoffCtx *ctx,
           const char *name,
           guint64     min,
           guint64     max,
           guint64     fallback,
           guint64    *out)
{
  const char *text = query_param (ctx, name);
  g_autofree char *message = NULL;

  *out = fallback;
  if (text == NULL)
    return TRUE;
  if (g_ascii_string_to_unsigned (text, 10, min, max, out, NULL))
    return TRUE;
  message = g_strdup_printf ("Query '%s' must be a whole number from %" G_GUINT64_FORMAT
                             " to %" G_GUINT64_FORMAT, name, min, max);
  return bad_param (ctx, message);
}

static gboolean
time_param (HandoffCtx *ctx,
            const char *name,
            gboolean   *has,
            gint64     *ms)
{
  const char *text = query_param (ctx, name);

  *has = text != NULL;
  if (text == NULL || handoff_time_parse_ms (text, ms))
    return TRUE;
  {
    g_autofree char *message = g_strdup_printf ("Query '%s' must be an RFC 3339 time", name);
    return bad_param (ctx, message);
  }
}

void
handoff_route_transfers_list (HandoffCtx *ctx)
{
  HandoffStore *store = ctx->server->store;
  const char *agent = query_param (ctx, "agent");
  const char *outcome = query_param (ctx, "outcome");
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) reply = json_object_new ();
  g_autoptr(GString) where = g_string_new (" FROM transfers WHERE 1");
  g_autoptr(GPtrArray) params = g_ptr_array_new ();
  g_autofree char *count_sql = NULL;
  g_autofree char *list_sql = NULL;
  GVariant *count_params, *list_params;
  JsonArray *rows;
  guint64 limit, offset;
  gboolean has_since, has_until;
  gint64 since = 0, until = 0, total;

  if (outcome != NULL && !g_strv_contains (handoff_outcomes, outcome))
    {
      bad_param (ctx, "Query 'outcome' must be completed, declined, no_answer, cancelled, "
                      "caller_abandoned or failed");
      return;
    }
  if (!int_param (ctx, "limit", 1, 500, 50, &limit)
      || !int_param (ctx, "offset", 0, G_MAXINT32, 0, &offset)
      || !time_param (ctx, "since", &has_since, &since)
      || !time_param (ctx, "until", &has_until, &until))
    return;

  /* Only the filters given, so SQLite can walk an index; at most 16 distinct
   * statements, each prepared once. Values are always bound, never pasted. */
  if (agent != NULL)
    {
      g_string_append (where, " AND (from_agent_id = ? OR to_agent_id = ?)");
      g_ptr_array_add (params, g_variant_new_string (agent));
      g_ptr_array_add (params, g_variant_new_string (agent));
    }
  if (outcome != NULL)
    {
      g_string_append (where, " AND state = ?");
      g_ptr_array_add (params, g_variant_new_string (outcome));
    }
  if (has_since)
    {
      g_string_append (where, " AND created_at >= ?");
      g_ptr_array_add (params, g_variant_new_int64 (since));
    }
  if (has_until)
    {
      g_string_append (where, " AND created_at < ?");
      g_ptr_array_add (params, g_variant_new_int64 (until));
    }
  count_sql = g_strconcat ("SELECT count(*)", where->str, NULL);
  list_sql = g_strconcat ("SELECT " LIST_COLUMNS, where->str,
                          " ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?", NULL);
  for (guint i = 0; i < params->len; i++)
    g_variant_ref_sink (g_ptr_array_index (params, i));
  count_params = g_variant_new_tuple ((GVariant **) params->pdata, params->len);
  g_ptr_array_add (params, g_variant_ref_sink (g_variant_new_int64 ((gint64) limit)));
  g_ptr_array_add (params, g_variant_ref_sink (g_variant_new_int64 ((gint64) offset)));
  list_params = g_variant_new_tuple ((GVariant **) params->pdata, params->len);
  for (guint i = 0; i < params->len; i++)
    g_variant_unref (g_ptr_array_index (params, i));

  if (agent == NULL && !has_since && !has_until)
    {
      g_variant_unref (g_variant_ref_sink (count_params));
      total = handoff_store_query_int (store,
                                       "SELECT coalesce(sum(n), 0) FROM transfer_counts "
                                       "WHERE ?1 IS NULL OR state = ?1",
                                       g_variant_new ("(ms)", outcome), 0, &error);
    }
  else
    total = handoff_store_query_int (store, count_sql, count_params, 0, &error);
  if (error != NULL)
    {
      g_variant_unref (g_variant_ref_sink (list_params));
      handoff_reply_error (ctx, error);
      return;
    }
  rows = handoff_store_query (store, list_sql, list_params, &error);
  if (rows == NULL)
    {
      handoff_reply_error (ctx, error);
      return;
    }
  json_object_set_array_member (reply, "transfers", rows);
  json_object_set_int_member (reply, "total", total);
  json_object_set_int_member (reply, "limit", (gint64) limit);
  json_object_set_int_member (reply, "offset", (gint64) offset);
  handoff_reply_object (ctx, 200, reply);
}

static gboolean
range_param (HandoffCtx *ctx,
             const char **name_out,
             gint64      *since_out)
{
  const char *range = query_param (ctx, "range");
  static const struct { const char *name; gint64 days; } ranges[] = {
    { "1d", 1 }, { "7d", 7 }, { "30d", 30 }, { "90d", 90 },
  };

  if (range == NULL)
    range = "7d";
  for (guint i = 0; i < G_N_ELEMENTS (ranges); i++)
    if (strcmp (range, ranges[i].name) == 0)
      {
        *name_out = ranges[i].name;
        *since_out = handoff_now_ms () - ranges[i].days * 24 * 3600 * 1000;
        return TRUE;
      }
  return bad_param (ctx, "Query 'range' must be 1d, 7d, 30d or 90d");
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y ? 1 : 0;
}

/* Nearest-rank quantiles of the non-null values. */
static JsonObject *
quantiles (GArray *values)
{
  JsonObject *obj = json_object_new ();
  guint n = values->len;

  g_array_sort (values, compare_doubles);
  json_object_set_int_member (obj, "count", n);
  if (n == 0)
    {
      json_object_set_null_member (obj, "median");
      json_object_set_null_member (obj, "p90");
      return obj;
    }
  json_object_set_double_member (obj, "median",
                                 n % 2 ? g_array_index (values, double, n / 2)
                                       : (g_array_index (values, double, n / 2 - 1)
                                          + g_array_index (values, double, n / 2)) / 2);
  json_object_set_double_member (obj, "p90",
                                 g_array_index (values, double,
                                                MIN (n - 1, (guint) ((n * 90 + 99) / 100) - 1)));
  return obj;
}

typedef struct {
  gint64 initiated, received, completed, declined, no_answer, failed, rated, rating_sum;
} AgentRow;

static void
add_value (GArray     *array,
           JsonObject *row,
           const char *member)
{
  JsonNode *node = json_object_get_member (row, member);

  if (node != NULL && !JSON_NODE_HOLDS_NULL (node))
    {
      double v = (double) json_node_get_int (node);
      g_array_append_val (array, v);
    }
}

static AgentRow *
agent_row (GHashTable *table,
           const char *id)
{
  AgentRow *row = g_hash_table_lookup (table, id);

  if (row == NULL)
    {
      row = g_new0 (AgentRow, 1);
      g_hash_table_insert (table, g_strdup (id), row);
    }
  return row;
}

void
handoff_route_analytics (HandoffCtx *ctx)
{
  HandoffStore *store = ctx->server->store;
  const char *range;
  gint64 since;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) rows = NULL;
  g_autoptr(JsonArray) hours = NULL;
  g_autoptr(JsonArray) agents = NULL;
  g_autoptr(JsonObject) reply = json_object_new ();
  g_autoptr(GArray) tta = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) consult = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) total = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GHashTable) per_agent = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                           g_free);
  JsonObject *by_outcome = json_object_new ();
  JsonObject *by_failure = json_object_new ();
  JsonArray *per_agent_json = json_array_new ();
  JsonArray *per_hour = json_array_new ();
  gint64 counts[6] = { 0 };
  gint64 ended = 0, hour_counts[24] = { 0 };
  g_autofree char *since_text = NULL;
  g_autofree char *until_text = handoff_time_format_ms (handoff_now_ms ());

  if (!range_param (ctx, &range, &since))
    {
      json_object_unref (by_outcome);
      json_object_unref (by_failure);
      json_array_unref (per_agent_json);
      json_array_unref (per_hour);
      return;
    }
  rows = handoff_store_query (store,
                              "SELECT state, failure_reason, from_agent_id, to_agent_id, rating, "
                              "accepted_at - created_at AS tta, "
                              "connected_at - COALESCE(consulting_at, accepted_at) AS consult, "
                              "ended_at - created_at AS total FROM transfers WHERE created_at >= ?",
                              g_variant_new ("(x)", since), &error);
  hours = rows ? handoff_store_query (store,
                                      "SELECT CAST(strftime('%H', created_at / 1000, 'unixepoch') "
                                      "AS INTEGER) AS hour, count(*) AS n FROM calls "
                                      "WHERE created_at >= ? GROUP BY hour",
                                      g_variant_new ("(x)", since), &error) : NULL;
  agents = hours ? handoff_store_query (store, "SELECT id, username, display_name FROM agents ORDER BY username",
                                        NULL, &error) : NULL;
  if (agents == NULL)
    {
      json_object_unref (by_outcome);
      json_object_unref (by_failure);
      json_array_unref (per_agent_json);
      json_array_unref (per_hour);
      handoff_reply_error (ctx, error);
      return;
    }

  for (guint i = 0; i < json_array_get_length (rows); i++)
    {
      JsonObject *row = json_array_get_object_element (rows, i);
      const char *state = json_object_get_string_member (row, "state");
      AgentRow *from = agent_row (per_agent, json_object_get_string_member (row, "from_agent_id"));
      AgentRow *to = agent_row (per_agent, json_object_get_string_member (row, "to_agent_id"));
      JsonNode *rating = json_object_get_member (row, "rating");

      from->initiated++;
      to->received++;
      for (guint k = 0; handoff_outcomes[k] != NULL; k++)
        if (strcmp (state, handoff_outcomes[k]) == 0)
          {
            counts[k]++;
            ended++;
          }
      if (strcmp (state, "completed") == 0)
        {
          from->completed++;
          to->completed++;
        }
      else if (strcmp (state, "declined") == 0)
        to->declined++;
      else if (strcmp (state, "no_answer") == 0)
        to->no_answer++;
      else if (strcmp (state, "failed") == 0)
        {
          /* Counted against the agent whose app left. */
          const char *why = json_object_get_string_member_with_default (row, "failure_reason",
                                                                        "");
          g_autofree char *key = g_strdup (why != NULL && *why ? why : "unknown");

          if (g_strcmp0 (why, "target_left") == 0)
            to->failed++;
          else
            from->failed++;
          json_object_set_int_member (by_failure, key,
                                      json_object_get_int_member_with_default (by_failure, key,
                                                                               0) + 1);
        }
      if (rating != NULL && !JSON_NODE_HOLDS_NULL (rating))
        {
          from->rated++;
          from->rating_sum += json_node_get_int (rating);
          to->rated++;
          to->rating_sum += json_node_get_int (rating);
        }
      add_value (tta, row, "tta");
      add_value (consult, row, "consult");
      add_value (total, row, "total");
    }
  for (guint k = 0; handoff_outcomes[k] != NULL; k++)
    json_object_set_int_member (by_outcome, handoff_outcomes[k], counts[k]);
  for (guint i = 0; i < json_array_get_length (hours); i++)
    {
      JsonObject *h = json_array_get_object_element (hours, i);
      gint64 hour = json_object_get_int_member (h, "hour");
      if (hour >= 0 && hour < 24)
        hour_counts[hour] = json_object_get_int_member (h, "n");
    }
  for (guint i = 0; i < 24; i++)
    json_array_add_int_element (per_hour, hour_counts[i]);
  for (guint i = 0; i < json_array_get_length (agents); i++)
    {
      JsonObject *a = json_array_get_object_element (agents, i);
      AgentRow *r = agent_row (per_agent, json_object_get_string_member (a, "id"));
      JsonObject *o = json_object_new ();

      json_object_set_string_member (o, "agent_id", json_object_get_string_member (a, "id"));
      json_object_set_string_member (o, "username", json_object_get_string_member (a, "username"));
      json_object_set_string_member (o, "display_name", json_object_get_string_member (a, "display_name"));
      json_object_set_int_member (o, "initiated", r->initiated);
      json_object_set_int_member (o, "received", r->received);
      json_object_set_int_member (o, "completed", r->completed);
      json_object_set_int_member (o, "declined", r->declined);
      json_object_set_int_member (o, "no_answer", r->no_answer);
      json_object_set_int_member (o, "failed", r->failed);
      if (r->rated > 0)
        json_object_set_double_member (o, "average_rating", (double) r->rating_sum / r->rated);
      else
        json_object_set_null_member (o, "average_rating");
      json_array_add_object_element (per_agent_json, o);
    }

  since_text = handoff_time_format_ms (since);
  json_object_set_string_member (reply, "range", range);
  json_object_set_string_member (reply, "since", since_text);
  json_object_set_string_member (reply, "until", until_text);
  json_object_set_int_member (reply, "total", json_array_get_length (rows));
  json_object_set_object_member (reply, "by_outcome", by_outcome);
  json_object_set_object_member (reply, "failure_reasons", by_failure);
  json_object_set_double_member (reply, "success_rate",
                                 ended > 0 ? (double) counts[0] / ended : 0.0);
  json_object_set_object_member (reply, "time_to_accept_ms", quantiles (tta));
  json_object_set_object_member (reply, "consult_ms", quantiles (consult));
  json_object_set_object_member (reply, "total_ms", quantiles (total));
  json_object_set_array_member (reply, "per_agent", per_agent_json);
  json_object_set_array_member (reply, "calls_per_hour", per_hour);
  handoff_reply_object (ctx, 200, reply);
}

static void
csv_field (GString    *out,
           const char *raw)
{
  g_autofree char *value = NULL;

  if (raw == NULL)
    return;
  /* A spreadsheet would run a cell that starts like a formula. */
  if (*raw == '=' || *raw == '+' || *raw == '-' || *raw == '@')
    value = g_strconcat ("'", raw, NULL);
  else
    value = g_strdup (raw);
  if (strpbrk (value, ",\"\r\n") == NULL)
    {
      g_string_append (out, value);
      return;
    }
  g_string_append_c (out, '"');
  for (const char *c = value; *c; c++)
    {
      if (*c == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *c);
    }
  g_string_append_c (out, '"');
}

static const char *csv_columns[] = {
  "id", "call_id", "from_agent_id", "to_agent_id", "state", "outcome", "failure_reason", "urgent",
  "created_at",
  "accepted_at", "connected_at", "ended_at", "time_to_accept_ms", "consult_ms", "total_ms",
  "rating", "summary", NULL,
};

void
handoff_route_export (HandoffCtx *ctx)
{
  const char *format = query_param (ctx, "format");
  const char *range;
  gint64 since;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) rows = NULL;
  GString *csv;

  if (format == NULL || (strcmp (format, "csv") != 0 && strcmp (format, "json") != 0))
    {
      bad_param (ctx, "Query 'format' must be csv or json");
      return;
    }
  if (!range_param (ctx, &range, &since))
    return;
  rows = handoff_store_query (ctx->server->store,
                              "SELECT " LIST_COLUMNS " FROM transfers WHERE created_at >= ? "
                              "ORDER BY created_at, id", g_variant_new ("(x)", since), &error);
  if (rows == NULL)
    {
      handoff_reply_error (ctx, error);
      return;
    }
  if (strcmp (format, "json") == 0)
    {
      g_autoptr(JsonObject) reply = json_object_new ();
      json_object_set_array_member (reply, "transfers", g_steal_pointer (&rows));
      handoff_reply_object (ctx, 200, reply);
      return;
    }

  csv = g_string_new (NULL);
  for (guint c = 0; csv_columns[c] != NULL; c++)
    g_string_append_printf (csv, "%s%s", c ? "," : "", csv_columns[c]);
  g_string_append (csv, "\r\n");
  for (guint i = 0; i < json_array_get_length (rows); i++)
    {
      JsonObject *row = json_array_get_object_element (rows, i);

      for (guint c = 0; csv_columns[c] != NULL; c++)
        {
          JsonNode *node = json_object_get_member (row, csv_columns[c]);
          g_autofree char *text = NULL;

          if (c > 0)
            g_string_append_c (csv, ',');
          if (node == NULL || JSON_NODE_HOLDS_NULL (node))
            continue;
          if (strcmp (csv_columns[c], "summary") == 0 && JSON_NODE_HOLDS_OBJECT (node))
            text = g_strdup (json_object_get_string_member_with_default (
              json_node_get_object (node), "text", ""));
          else if (json_node_get_value_type (node) == G_TYPE_STRING)
            text = g_strdup (json_node_get_string (node));
          else if (json_node_get_value_type (node) == G_TYPE_BOOLEAN)
            text = g_strdup (json_node_get_boolean (node) ? "true" : "false");
          else
            text = g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
          csv_field (csv, text);
        }
      g_string_append (csv, "\r\n");
    }
  soup_message_headers_replace (soup_server_message_get_response_headers (ctx->msg),
                                "Content-Disposition",
                                "attachment; filename=\"handoff-transfers.csv\"");
  handoff_reply_text (ctx, 200, "text/csv; charset=utf-8", g_string_free (csv, FALSE));
}
