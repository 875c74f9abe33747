/* handoff-store.c: the SQLite (WAL) store of handoff-server
 *
 * Every statement runs in autocommit mode unless the caller opened a
 * transaction, so a write has reached the file (and, with synchronous=FULL,
 * the disk) by the time the function returns; routes answer only after that.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "handoff-store"

#include "handoff-store.h"

#include <sqlite3.h>
#include <string.h>

#include "handoff-server-error.h"

struct _HandoffStore {
  GObject parent_instance;

  sqlite3 *db;
  GHashTable *statements;   /* sql -> prepared sqlite3_stmt, kept for reuse */
};

G_DEFINE_TYPE (HandoffStore, handoff_store, G_TYPE_OBJECT)

static const char *schema =
  "CREATE TABLE IF NOT EXISTS agents ("
  "  id TEXT PRIMARY KEY, username TEXT UNIQUE NOT NULL, display_name TEXT NOT NULL,"
  "  password_hash TEXT NOT NULL, skills TEXT NOT NULL DEFAULT '[]',"
  "  languages TEXT NOT NULL DEFAULT '[]', status TEXT NOT NULL DEFAULT 'away',"
  "  status_since INTEGER NOT NULL, created_at INTEGER NOT NULL);"
  "CREATE TABLE IF NOT EXISTS sessions ("
  "  token_hash TEXT PRIMARY KEY, agent_id TEXT NOT NULL, created_at INTEGER NOT NULL,"
  "  expires_at INTEGER NOT NULL);"
  "CREATE TABLE IF NOT EXISTS callers ("
  "  id TEXT PRIMARY KEY, name TEXT NOT NULL, created_at INTEGER NOT NULL);"
  "CREATE TABLE IF NOT EXISTS calls ("
  "  id TEXT PRIMARY KEY, caller_id TEXT NOT NULL, caller_name TEXT NOT NULL,"
  "  reason TEXT NOT NULL DEFAULT '', state TEXT NOT NULL, offered_to TEXT,"
  "  offer_expires_at INTEGER, declined_by TEXT NOT NULL DEFAULT '[]', agent_id TEXT,"
  "  created_at INTEGER NOT NULL, accepted_at INTEGER, ended_at INTEGER, end_reason TEXT);"
  "CREATE INDEX IF NOT EXISTS calls_caller ON calls (caller_id, created_at);"
  "CREATE INDEX IF NOT EXISTS calls_state ON calls (state);"
  "CREATE TABLE IF NOT EXISTS transfers ("
  "  id TEXT PRIMARY KEY, call_id TEXT NOT NULL, from_agent_id TEXT NOT NULL,"
  "  to_agent_id TEXT NOT NULL, state TEXT NOT NULL, failure_reason TEXT,"
  "  decline_reason TEXT, summary TEXT NOT NULL, transcript TEXT NOT NULL DEFAULT '[]',"
  "  notes TEXT NOT NULL DEFAULT '', urgent INTEGER NOT NULL DEFAULT 0, rating INTEGER,"
  "  rating_comment TEXT, created_at INTEGER NOT NULL, offer_expires_at INTEGER,"
  "  accepted_at INTEGER, consulting_at INTEGER, connected_at INTEGER, ended_at INTEGER);"
  "CREATE INDEX IF NOT EXISTS transfers_created ON transfers (created_at, id);"
  "CREATE INDEX IF NOT EXISTS transfers_from ON transfers (from_agent_id, created_at);"
  "CREATE INDEX IF NOT EXISTS transfers_to ON transfers (to_agent_id, created_at);"
  "CREATE INDEX IF NOT EXISTS transfers_state ON transfers (state, created_at);"
  "CREATE INDEX IF NOT EXISTS transfers_call ON transfers (call_id);"
  /* Counts by state, kept by triggers, so the history's unfiltered total does
   * not scan the table. */
  "CREATE TABLE IF NOT EXISTS transfer_counts (state TEXT PRIMARY KEY, n INTEGER NOT NULL);"
  "INSERT INTO transfer_counts SELECT state, count(*) FROM transfers "
  "  WHERE NOT EXISTS (SELECT 1 FROM transfer_counts) GROUP BY state;"
  "CREATE TRIGGER IF NOT EXISTS transfers_counted_insert AFTER INSERT ON transfers BEGIN"
  "  INSERT INTO transfer_counts (state, n) VALUES (NEW.state, 1)"
  "    ON CONFLICT (state) DO UPDATE SET n = n + 1; END;"
  "CREATE TRIGGER IF NOT EXISTS transfers_counted_delete AFTER DELETE ON transfers BEGIN"
  "  UPDATE transfer_counts SET n = n - 1 WHERE state = OLD.state; END;"
  "CREATE TRIGGER IF NOT EXISTS transfers_counted_update AFTER UPDATE OF state ON transfers"
  "  WHEN OLD.state != NEW.state BEGIN"
  "  UPDATE transfer_counts SET n = n - 1 WHERE state = OLD.state;"
  "  INSERT INTO transfer_counts (state, n) VALUES (NEW.state, 1)"
  "    ON CONFLICT (state) DO UPDATE SET n = n + 1; END;"
  "CREATE TABLE IF NOT EXISTS events ("
  "  seq INTEGER PRIMARY KEY AUTOINCREMENT, agent_id TEXT NOT NULL, type TEXT NOT NULL,"
  "  time INTEGER NOT NULL, data TEXT NOT NULL);"
  "CREATE INDEX IF NOT EXISTS events_agent ON events (agent_id, seq);"
  /* Active calls whose agent's app left and may come back (agent_rejoin_grace);
   * a table of its own, so older stores need no migration. */
  "CREATE TABLE IF NOT EXISTS call_departures ("
  "  call_id TEXT PRIMARY KEY, agent_id TEXT NOT NULL, left_at INTEGER NOT NULL,"
  "  due INTEGER NOT NULL);";

static const char *time_columns[] = {
  "created_at", "accepted_at", "consulting_at", "connected_at", "ended_at",
  "offer_expires_at", "status_since", "expires_at", "time", "agent_away_until", NULL,
};
static const char *json_columns[] = {
  "summary", "transcript", "skills", "languages", "data", "declined_by", NULL,
};
static const char *bool_columns[] = { "urgent", NULL };

gint64
handoff_now_ms (void)
{
  return g_get_real_time () / 1000;
}

char *
handoff_time_format_ms (gint64 ms)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (ms / 1000);
  g_autofree char *base = NULL;

  if (dt == NULL)
    return g_strdup ("1970-01-01T00:00:00.000Z");
  base = g_date_time_format (dt, "%Y-%m-%dT%H:%M:%S");
  return g_strdup_printf ("%s.%03dZ", base, (int) (((ms % 1000) + 1000) % 1000));
}

gboolean
handoff_time_parse_ms (const char *text,
                       gint64     *ms_out)
{
  g_autoptr(GDateTime) dt = NULL;
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();

  if (text == NULL || strlen (text) > 64)
    return FALSE;
  dt = g_date_time_new_from_iso8601 (text, utc);
  if (dt == NULL)
    return FALSE;
  *ms_out = g_date_time_to_unix (dt) * 1000 + g_date_time_get_microsecond (dt) / 1000;
  return TRUE;
}

char *
handoff_random_id (guint bytes)
{
  GString *s = g_string_sized_new (bytes * 2);

  for (guint i = 0; i < bytes; i++)
    g_string_append_printf (s, "%02x", (guint) g_random_int_range (0, 256));
  return g_string_free (s, FALSE);
}

static gboolean
in_list (const char  *name,
         const char **list)
{
  for (guint i = 0; list[i] != NULL; i++)
    if (strcmp (name, list[i]) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
sql_error (HandoffStore *self,
           GError      **error)
{
  /* SQLite messages name tables and constraints, never values. */
  g_set_error (error, HANDOFF_SERVER_ERROR, HANDOFF_SERVER_ERROR_INTERNAL,
               "Store error: %s", sqlite3_errmsg (self->db));
  return FALSE;
}

static sqlite3_stmt *
prepare (HandoffStore *self,
         const char   *sql,
         GVariant     *params,
         GError      **error)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (self->statements, sql);
  g_autoptr(GVariant) owned = params != NULL ? g_variant_ref_sink (params) : NULL;
  gsize n;

  if (stmt == NULL)
    {
      if (sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL)
          != SQLITE_OK)
        {
          sql_error (self, error);
          return NULL;
        }
      g_hash_table_insert (self->statements, g_strdup (sql), stmt);
    }
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
  if (owned == NULL)
    return stmt;

  n = g_variant_n_children (owned);
  for (gsize i = 0; i < n; i++)
    {
      g_autoptr(GVariant) child = g_variant_get_child_value (owned, i);
      g_autoptr(GVariant) value = NULL;
      int col = (int) i + 1;

      if (g_variant_is_of_type (child, G_VARIANT_TYPE_MAYBE))
        {
          value = g_variant_get_maybe (child);
          if (value == NULL)
            {
              sqlite3_bind_null (stmt, col);
              continue;
            }
        }
      else
        value = g_variant_ref (child);

      if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
        sqlite3_bind_text (stmt, col, g_variant_get_string (value, NULL), -1, SQLITE_TRANSIENT);
      else if (g_variant_is_of_type (value, G_VARIANT_TYPE_INT64))
        sqlite3_bind_int64 (stmt, col, g_variant_get_int64 (value));
      else if (g_variant_is_of_type (value, G_VARIANT_TYPE_BOOLEAN))
        sqlite3_bind_int (stmt, col, g_variant_get_boolean (value) ? 1 : 0);
      else
        g_assert_not_reached ();
    }
  return stmt;
}

static JsonNode *
column_node (sqlite3_stmt *stmt,
             int           col)
{
  const char *name = sqlite3_column_name (stmt, col);
  int type = sqlite3_column_type (stmt, col);
  JsonNode *node;

  if (type == SQLITE_NULL)
    return json_node_new (JSON_NODE_NULL);
  if (in_list (name, time_columns) && type == SQLITE_INTEGER)
    {
      g_autofree char *text = handoff_time_format_ms (sqlite3_column_int64 (stmt, col));
      node = json_node_new (JSON_NODE_VALUE);
      json_node_set_string (node, text);
      return node;
    }
  if (in_list (name, json_columns) && type == SQLITE_TEXT)
    {
      JsonNode *parsed = json_from_string ((const char *) sqlite3_column_text (stmt, col), NULL);
      if (parsed != NULL)
        return parsed;
    }
  node = json_node_new (JSON_NODE_VALUE);
  if (in_list (name, bool_columns))
    json_node_set_boolean (node, sqlite3_column_int (stmt, col) != 0);
  else if (type == SQLITE_INTEGER)
    json_node_set_int (node, sqlite3_column_int64 (stmt, col));
  else if (type == SQLITE_FLOAT)
    json_node_set_double (node, sqlite3_column_double (stmt, col));
  else
    json_node_set_string (node, (const char *) sqlite3_column_text (stmt, col));
  return node;
}

JsonArray *
handoff_store_query (HandoffStore *self,
                     const char   *sql,
                     GVariant     *params,
                     GError      **error)
{
  g_autoptr(JsonArray) rows = json_array_new ();
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (HANDOFF_IS_STORE (self), NULL);

  stmt = prepare (self, sql, params, error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      JsonObject *row = json_object_new ();
      int n = sqlite3_column_count (stmt);

      for (int i = 0; i < n; i++)
        json_object_set_member (row, sqlite3_column_name (stmt, i), column_node (stmt, i));
      json_array_add_object_element (rows, row);
    }
  if (rc != SQLITE_DONE)
    {
      sql_error (self, error);
      sqlite3_reset (stmt);
      return NULL;
    }
  sqlite3_reset (stmt);
  return g_steal_pointer (&rows);
}

JsonObject *
handoff_store_query_one (HandoffStore *self,
                         const char   *sql,
                         GVariant     *params,
                         GError      **error)
{
  g_autoptr(JsonArray) rows = handoff_store_query (self, sql, params, error);

  if (rows == NULL || json_array_get_length (rows) == 0)
    return NULL;
  return json_object_ref (json_array_get_object_element (rows, 0));
}

gint64
handoff_store_query_int (HandoffStore *self,
                         const char   *sql,
                         GVariant     *params,
                         gint64        fallback,
                         GError      **error)
{
  sqlite3_stmt *stmt;
  gint64 value = fallback;
  int rc;

  g_return_val_if_fail (HANDOFF_IS_STORE (self), fallback);

  stmt = prepare (self, sql, params, error);
  if (stmt == NULL)
    return fallback;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW && sqlite3_column_type (stmt, 0) != SQLITE_NULL)
    value = sqlite3_column_int64 (stmt, 0);
  else if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    sql_error (self, error);
  sqlite3_reset (stmt);
  return value;
}

gint64
handoff_store_exec (HandoffStore *self,
                    const char   *sql,
                    GVariant     *params,
                    GError      **error)
{
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (HANDOFF_IS_STORE (self), -1);

  stmt = prepare (self, sql, params, error);
  if (stmt == NULL)
    return -1;
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    {
      sql_error (self, error);
      return -1;
    }
  return sqlite3_changes64 (self->db);
}

gint64
handoff_store_last_insert_rowid (HandoffStore *self)
{
  g_return_val_if_fail (HANDOFF_IS_STORE (self), 0);
  return sqlite3_last_insert_rowid (self->db);
}

gboolean
handoff_store_begin (HandoffStore *self,
                     GError      **error)
{
  g_return_val_if_fail (HANDOFF_IS_STORE (self), FALSE);
  return handoff_store_exec (self, "BEGIN IMMEDIATE", NULL, error) >= 0;
}

gboolean
handoff_store_commit (HandoffStore *self,
                      GError      **error)
{
  g_return_val_if_fail (HANDOFF_IS_STORE (self), FALSE);
  if (handoff_store_exec (self, "COMMIT", NULL, error) < 0)
    {
      handoff_store_rollback (self);
      return FALSE;
    }
  return TRUE;
}

void
handoff_store_rollback (HandoffStore *self)
{
  g_return_if_fail (HANDOFF_IS_STORE (self));
  if (!sqlite3_get_autocommit (self->db))
    sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
}

gboolean
handoff_store_check (HandoffStore *self)
{
  g_return_val_if_fail (HANDOFF_IS_STORE (self), FALSE);
  return handoff_store_query_int (self, "SELECT 1", NULL, 0, NULL) == 1;
}

static void
handoff_store_finalize (GObject *object)
{
  HandoffStore *self = HANDOFF_STORE (object);

  g_clear_pointer (&self->statements, g_hash_table_unref);
  if (self->db != NULL)
    sqlite3_close_v2 (self->db);
  G_OBJECT_CLASS (handoff_store_parent_class)->finalize (object);
}

static void
handoff_store_class_init (HandoffStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = handoff_store_finalize;
}

static void
finalize_statement (gpointer stmt)
{
  sqlite3_finalize (stmt);
}

static void
handoff_store_init (HandoffStore *self)
{
  self->statements = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, finalize_statement);
}

HandoffStore *
handoff_store_new (const char *path,
                   gboolean    synchronous_full,
                   GError    **error)
{
  g_autoptr(HandoffStore) self = g_object_new (HANDOFF_TYPE_STORE, NULL);
  g_autofree char *pragmas = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  if (sqlite3_open_v2 (path, &self->db,
                       SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                       NULL) != SQLITE_OK)
    {
      g_set_error (error, HANDOFF_SERVER_ERROR, HANDOFF_SERVER_ERROR_CONFIG,
                   "Cannot open database %s: %s", path,
                   self->db ? sqlite3_errmsg (self->db) : "out of memory");
      return NULL;
    }
  sqlite3_busy_timeout (self->db, 5000);
  pragmas = g_strdup_printf ("PRAGMA journal_mode=WAL; PRAGMA synchronous=%s;"
                             "PRAGMA foreign_keys=ON;",
                             synchronous_full ? "FULL" : "NORMAL");
  if (sqlite3_exec (self->db, pragmas, NULL, NULL, NULL) != SQLITE_OK
      || sqlite3_exec (self->db, schema, NULL, NULL, NULL) != SQLITE_OK)
    {
      g_set_error (error, HANDOFF_SERVER_ERROR, HANDOFF_SERVER_ERROR_CONFIG,
                   "Cannot prepare database %s: %s", path, sqlite3_errmsg (self->db));
      return NULL;
    }
  return g_steal_pointer (&self);
}
