/* handoff-request.h: strict parsing and validation of JSON request bodies
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Schemas of the request bodies, by name: "sessions.create", "agents.status",
 * "calls.create", "transfers.create", "transfers.decline", "transfers.rating". */

/* Parses `data` as one JSON object (UTF-8, no NUL bytes). */
JsonObject *handoff_request_parse    (const char  *data,
                                      gsize        len,
                                      GError     **error);
/* Checks `body` against the named schema: types, required members, lengths,
 * ranges, enumerations. Members not in the schema are ignored. */
gboolean    handoff_request_validate (const char  *schema,
                                      JsonObject  *body,
                                      GError     **error);
/* Both of the above; what the routes and the fuzz target call. */
JsonObject *handoff_request_parse_as (const char  *schema,
                                      const char  *data,
                                      gsize        len,
                                      GError     **error);

/* Getters for validated bodies: absent or null members give the fallback. */
const char *handoff_request_string   (JsonObject  *body,
                                      const char  *name);
gboolean    handoff_request_bool     (JsonObject  *body,
                                      const char  *name);
gint64      handoff_request_int      (JsonObject  *body,
                                      const char  *name,
                                      gint64       fallback);

G_END_DECLS
