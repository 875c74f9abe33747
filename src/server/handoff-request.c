/* handoff-request.c: strict parsing and validation of JSON request bodies
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "handoff-server"

#include "handoff-request.h"

#include <string.h>

#include "handoff-server-error.h"

typedef enum {
  FIELD_STRING,
  FIELD_BOOL,
  FIELD_INT,
  FIELD_ARRAY_OF_OBJECTS,
  FIELD_SUMMARY,   /* object with a non-empty string `text` */
} FieldType;

typedef struct {
  const char *name;
  FieldType type;
  gboolean required;
  gint64 min;           /* string: minimum length; int: minimum */
  gint64 max;           /* string: maximum bytes; int: maximum; array: items */
  const char *one_of;   /* strings: "a|b|c" */
} Field;

typedef struct {
  const char *name;
  const Field *fields;
} Schema;

static const Field sessions_create[] = {
  { "username", FIELD_STRING, TRUE, 1, 64, NULL },
  { "password", FIELD_STRING, TRUE, 1, 1024, NULL },
  { NULL },
};
static const Field agents_status[] = {
  { "status", FIELD_STRING, TRUE, 1, 16, "available|busy|away|wrap_up" },
  { NULL },
};
static const Field calls_create[] = {
  { "name", FIELD_STRING, TRUE, 1, 200, NULL },
  { "reason", FIELD_STRING, FALSE, 0, 2000, NULL },
  { "caller_id", FIELD_STRING, FALSE, 1, 64, NULL },
  { NULL },
};
static const Field transfers_create[] = {
  { "call_id", FIELD_STRING, TRUE, 1, 64, NULL },
  { "target_agent_id", FIELD_STRING, TRUE, 1, 64, NULL },
  { "summary", FIELD_SUMMARY, TRUE, 0, 0, NULL },
  { "transcript", FIELD_ARRAY_OF_OBJECTS, FALSE, 0, 10000, NULL },
  { "notes", FIELD_STRING, FALSE, 0, 10000, NULL },
  { "urgent", FIELD_BOOL, FALSE, 0, 0, NULL },
  { NULL },
};
static const Field transfers_decline[] = {
  { "reason", FIELD_STRING, FALSE, 0, 1000, NULL },
  { NULL },
};
static const Field transfers_rating[] = {
  { "score", FIELD_INT, TRUE, 1, 5, NULL },
  { "comment", FIELD_STRING, FALSE, 0, 2000, NULL },
  { NULL },
};

static const Schema schemas[] = {
  { "sessions.create", sessions_create },
  { "agents.status", agents_status },
  { "calls.create", calls_create },
  { "transfers.create", transfers_create },
  { "transfers.decline", transfers_decline },
  { "transfers.rating", transfers_rating },
};

JsonObject *
handoff_request_parse (const char  *data,
                       gsize        len,
                       GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) local = NULL;
  JsonNode *root;

  if (data == NULL || len == 0)
    {
      g_set_error_literal (error, HANDOFF_SERVER_ERROR, HANDOFF_SERVER_ERROR_INVALID_JSON,
                           "The request body is empty; a JSON object is expected");
      return NULL;
    }
  if (memchr (data, '\0', len) != NULL || !g_utf8_validate (data, (gssize) len, NULL))
    {
      g_set_error_literal (error, HANDOFF_SERVER_ERROR, HANDOFF_SERVER_ERROR_INVALID_JSON,
                           "The request body is not UTF-8 text");
      return NULL;
    }
  if (!json_parser_load_from_data (parser, data, (gssize) len, &local))
    {
      g_set_error (error, HANDOFF_SERVER_ERROR, HANDOFF_SERVER_ERROR_INVALID_JSON,
                   "The request body is not valid JSON: %s", local->message);
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, HANDOFF_SERVER_ERROR, HANDOFF_SERVER_ERROR_INVALID_JSON,
                           "The request body must be a JSON object");
      return NULL;
    }
  return json_object_ref (json_node_get_object (root));
}

static gboolean
invalid (GError    **error,
         const char *name,
         const char *what)
{
  g_set_error (error, HANDOFF_SERVER_ERROR, HANDOFF_SERVER_ERROR_INVALID_FIELD,
               "Field '%s' %s", name, what);
  return FALSE;
}

static gboolean
is_type (JsonNode *node,
         GType     type)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == type;
}

static gboolean
check_field (const Field *field,
             JsonNode    *node,
             GError     **error)
{
  switch (field->type)
    {
    case FIELD_STRING:
      {
        const char *s;
        gsize len;

        if (!is_type (node, G_TYPE_STRING))
          return invalid (error, field->name, "must be a string");
        s = json_node_get_string (node);
        len = strlen (s);
        if ((gint64) len < field->min)
          return invalid (error, field->name, "must not be empty");
        if ((gint64) len > field->max)
          return invalid (error, field->name, "is too long");
        if (field->one_of != NULL)
          {
            g_auto(GStrv) options = g_strsplit (field->one_of, "|", -1);
            if (!g_strv_contains ((const char * const *) options, s))
              {
                g_autofree char *what = g_strdup_printf ("must be one of %s", field->one_of);
                return invalid (error, field->name, what);
              }
          }
        return TRUE;
      }
    case FIELD_BOOL:
      if (!is_type (node, G_TYPE_BOOLEAN))
        return invalid (error, field->name, "must be true or false");
      return TRUE;
    case FIELD_INT:
      {
        gint64 v;

        if (!is_type (node, G_TYPE_INT64))
          return invalid (error, field->name, "must be a whole number");
        v = json_node_get_int (node);
        if (v < field->min || v > field->max)
          return invalid (error, field->name, "is out of range");
        return TRUE;
      }
    case FIELD_ARRAY_OF_OBJECTS:
      {
        JsonArray *array;

        if (!JSON_NODE_HOLDS_ARRAY (node))
          return invalid (error, field->name, "must be an array");
        array = json_node_get_array (node);
        if ((gint64) json_array_get_length (array) > field->max)
          return invalid (error, field->name, "has too many items");
        for (guint i = 0; i < json_array_get_length (array); i++)
          if (!JSON_NODE_HOLDS_OBJECT (json_array_get_element (array, i)))
            return invalid (error, field->name, "must hold only objects");
        return TRUE;
      }
    case FIELD_SUMMARY:
      {
        JsonObject *obj;
        JsonNode *text;

        if (!JSON_NODE_HOLDS_OBJECT (node))
          return invalid (error, field->name, "must be an object with a 'text' string");
        obj = json_node_get_object (node);
        text = json_object_get_member (obj, "text");
        if (text == NULL || !is_type (text, G_TYPE_STRING)
            || *json_node_get_string (text) == '\0')
          return invalid (error, field->name, "must have a non-empty 'text' string");
        if (strlen (json_node_get_string (text)) > 20000)
          return invalid (error, field->name, "text is too long");
        return TRUE;
      }
    default:
      g_assert_not_reached ();
    }
  return FALSE;
}

gboolean
handoff_request_validate (const char  *schema,
                          JsonObject  *body,
                          GError     **error)
{
  const Field *fields = NULL;

  g_return_val_if_fail (schema != NULL, FALSE);
  g_return_val_if_fail (body != NULL, FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (schemas); i++)
    if (strcmp (schemas[i].name, schema) == 0)
      fields = schemas[i].fields;
  g_return_val_if_fail (fields != NULL, FALSE);

  for (guint i = 0; fields[i].name != NULL; i++)
    {
      JsonNode *node = json_object_get_member (body, fields[i].name);

      if (node == NULL || JSON_NODE_HOLDS_NULL (node))
        {
          if (fields[i].required)
            {
              g_set_error (error, HANDOFF_SERVER_ERROR, HANDOFF_SERVER_ERROR_MISSING_FIELD,
                           "Field '%s' is required", fields[i].name);
              return FALSE;
            }
          continue;
        }
      if (!check_field (&fields[i], node, error))
        return FALSE;
    }
  return TRUE;
}

JsonObject *
handoff_request_parse_as (const char  *schema,
                          const char  *data,
                          gsize        len,
                          GError     **error)
{
  g_autoptr(JsonObject) body = handoff_request_parse (data, len, error);

  if (body == NULL || !handoff_request_validate (schema, body, error))
    return NULL;
  return g_steal_pointer (&body);
}

const char *
handoff_request_string (JsonObject *body,
                        const char *name)
{
  JsonNode *node = json_object_get_member (body, name);

  if (node == NULL || !is_type (node, G_TYPE_STRING))
    return NULL;
  return json_node_get_string (node);
}

gboolean
handoff_request_bool (JsonObject *body,
                      const char *name)
{
  JsonNode *node = json_object_get_member (body, name);

  return node != NULL && is_type (node, G_TYPE_BOOLEAN) && json_node_get_boolean (node);
}

gint64
handoff_request_int (JsonObject *body,
                     const char *name,
                     gint64      fallback)
{
  JsonNode *node = json_object_get_member (body, name);

  if (node == NULL || !is_type (node, G_TYPE_INT64))
    return fallback;
  return json_node_get_int (node);
}
