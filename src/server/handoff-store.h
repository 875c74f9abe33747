/* handoff-store.h: the SQLite (WAL) store of handoff-server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define HANDOFF_TYPE_STORE (handoff_store_get_type ())

G_DECLARE_FINAL_TYPE (HandoffStore, handoff_store, HANDOFF, STORE, GObject)

/* Statements bind a GVariant tuple (floating references are sunk): `s` text,
 * `ms` text or NULL, `x` integer, `mx` integer or NULL, `b` 0/1. Rows come back
 * as JSON objects named by column; time columns (milliseconds since the epoch
 * in the file) come out as RFC 3339 strings and JSON columns as JSON. */
HandoffStore *handoff_store_new           (const char   *path,
                                           gboolean      synchronous_full,
                                           GError      **error);
JsonArray    *handoff_store_query         (HandoffStore *self,
                                           const char   *sql,
                                           GVariant     *params,
                                           GError      **error);
JsonObject   *handoff_store_query_one     (HandoffStore *self,
                                           const char   *sql,
                                           GVariant     *params,
                                           GError      **error);
/* First column of the first row as an integer; `fallback` without a row. */
gint64        handoff_store_query_int     (HandoffStore *self,
                                           const char   *sql,
                                           GVariant     *params,
                                           gint64        fallback,
                                           GError      **error);
/* Returns the number of changed rows, or -1 with error set. */
gint64        handoff_store_exec          (HandoffStore *self,
                                           const char   *sql,
                                           GVariant     *params,
                                           GError      **error);
gint64        handoff_store_last_insert_rowid (HandoffStore *self);
gboolean      handoff_store_begin         (HandoffStore *self,
                                           GError      **error);
gboolean      handoff_store_commit        (HandoffStore *self,
                                           GError      **error);
void          handoff_store_rollback      (HandoffStore *self);
gboolean      handoff_store_check         (HandoffStore *self);

gint64        handoff_now_ms              (void);
char         *handoff_time_format_ms      (gint64        ms);
gboolean      handoff_time_parse_ms       (const char   *text,
                                           gint64       *ms_out);
char         *handoff_random_id           (guint         bytes);

G_END_DECLS
