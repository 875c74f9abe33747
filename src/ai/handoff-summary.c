/* handoff-summary.c: the transfer summary Agent A sends to Agent B
 *
 * The same object comes from the LLM (validated JSON) or from the offline
 * summarizer, is edited by the agent, and is serialised as handoff-server's
 * transfer `summary` (its schema requires "text"; the other members are
 * ours and additionalProperties allows them).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "handoff-ai"

#include <string.h>

#include "handoff-ai-error.h"
#include "handoff-chat-wire.h"
#include "handoff-summary.h"

enum {
  PROP_0,
  PROP_REASON,
  PROP_CUSTOMER,
  PROP_SENTIMENT,
  PROP_KEY_FACTS,
  PROP_TRIED,
  PROP_PROMISED,
  PROP_NEXT_STEPS,
  PROP_OPEN_QUESTIONS,
  PROP_MODEL,
  PROP_FALLBACK_REASON,
  N_PROPS
};

enum {
  CHANGED,
  N_SIGNALS
};

static GParamSpec *props[N_PROPS];
static guint signals[N_SIGNALS];

struct _HandoffSummary
{
  GObject              parent_instance;

  char                *reason;
  char                *customer;
  char                *sentiment;
  GStrv                lists[HANDOFF_SUMMARY_N_LISTS];
  GPtrArray           *identifiers;
  HandoffSummarySource source;
  char                *model;
  char                *fallback_reason;
  guint                redactions;
  gboolean             track_edits;
  gboolean             edited;
};

G_DEFINE_FINAL_TYPE (HandoffSummary, handoff_summary, G_TYPE_OBJECT)

static const char * const list_members[HANDOFF_SUMMARY_N_LISTS] = {
  "key_facts", "tried", "promised", "next_steps", "open_questions",
};

static const char * const list_titles[HANDOFF_SUMMARY_N_LISTS] = {
  "Key facts", "Already tried", "Promised to the caller", "Suggested next steps", "Open questions",
};

/* Trimmed, bounded, NULL for empty. */
static char *
clean (const char *text)
{
  g_autofree char *copy = NULL;

  if (text == NULL)
    return NULL;
  copy = g_strstrip (g_utf8_make_valid (text, -1));
  if (*copy == '\0')
    return NULL;
  if (g_utf8_strlen (copy, -1) > HANDOFF_SUMMARY_MAX_CHARS)
    {
      char *end = g_utf8_offset_to_pointer (copy, HANDOFF_SUMMARY_MAX_CHARS - 1);

      *end = '\0';
      return g_strconcat (copy, "…", NULL);
    }
  return g_steal_pointer (&copy);
}

static void
changed (HandoffSummary *self,
         GParamSpec     *pspec)
{
  if (self->track_edits && pspec != props[PROP_MODEL] && pspec != props[PROP_FALLBACK_REASON])
    self->edited = TRUE;
  if (pspec != NULL)
    g_object_notify_by_pspec (G_OBJECT (self), pspec);
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
set_string (HandoffSummary *self,
            char          **field,
            const char     *value,
            GParamSpec     *pspec)
{
  g_autofree char *v = clean (value);

  if (g_strcmp0 (*field, v) == 0)
    return;
  g_free (*field);
  *field = g_steal_pointer (&v);
  changed (self, pspec);
}

static GParamSpec *
list_pspec (HandoffSummaryList list)
{
  return props[PROP_KEY_FACTS + list];
}

static void
handoff_summary_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  HandoffSummary *self = HANDOFF_SUMMARY (object);

  switch (prop_id)
    {
    case PROP_REASON:
      g_value_set_string (value, self->reason);
      break;
    case PROP_CUSTOMER:
      g_value_set_string (value, self->customer);
      break;
    case PROP_SENTIMENT:
      g_value_set_string (value, self->sentiment);
      break;
    case PROP_KEY_FACTS:
    case PROP_TRIED:
    case PROP_PROMISED:
    case PROP_NEXT_STEPS:
    case PROP_OPEN_QUESTIONS:
      g_value_set_boxed (value, self->lists[prop_id - PROP_KEY_FACTS]);
      break;
    case PROP_MODEL:
      g_value_set_string (value, self->model);
      break;
    case PROP_FALLBACK_REASON:
      g_value_set_string (value, self->fallback_reason);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
handoff_summary_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  HandoffSummary *self = HANDOFF_SUMMARY (object);

  switch (prop_id)
    {
    case PROP_REASON:
      handoff_summary_set_reason (self, g_value_get_string (value));
      break;
    case PROP_CUSTOMER:
      handoff_summary_set_customer (self, g_value_get_string (value));
      break;
    case PROP_SENTIMENT:
      handoff_summary_set_sentiment (self, g_value_get_string (value));
      break;
    case PROP_KEY_FACTS:
    case PROP_TRIED:
    case PROP_PROMISED:
    case PROP_NEXT_STEPS:
    case PROP_OPEN_QUESTIONS:
      handoff_summary_set_list (self, prop_id - PROP_KEY_FACTS, g_value_get_boxed (value));
      break;
    case PROP_MODEL:
      handoff_summary_set_model (self, g_value_get_string (value));
      break;
    case PROP_FALLBACK_REASON:
      handoff_summary_set_fallback_reason (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
handoff_summary_finalize (GObject *object)
{
  HandoffSummary *self = HANDOFF_SUMMARY (object);

  g_free (self->reason);
  g_free (self->customer);
  g_free (self->sentiment);
  for (guint i = 0; i < HANDOFF_SUMMARY_N_LISTS; i++)
    g_strfreev (self->lists[i]);
  g_ptr_array_unref (self->identifiers);
  g_free (self->model);
  g_free (self->fallback_reason);

  G_OBJECT_CLASS (handoff_summary_parent_class)->finalize (object);
}

static void
handoff_summary_class_init (HandoffSummaryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->get_property = handoff_summary_get_property;
  object_class->set_property = handoff_summary_set_property;
  object_class->finalize = handoff_summary_finalize;

  props[PROP_REASON] = g_param_spec_string ("reason", NULL, NULL, NULL, flags);
  props[PROP_CUSTOMER] = g_param_spec_string ("customer", NULL, NULL, NULL, flags);
  props[PROP_SENTIMENT] = g_param_spec_string ("sentiment", NULL, NULL, NULL, flags);
  props[PROP_KEY_FACTS] = g_param_spec_boxed ("key-facts", NULL, NULL, G_TYPE_STRV, flags);
  props[PROP_TRIED] = g_param_spec_boxed ("tried", NULL, NULL, G_TYPE_STRV, flags);
  props[PROP_PROMISED] = g_param_spec_boxed ("promised", NULL, NULL, G_TYPE_STRV, flags);
  props[PROP_NEXT_STEPS] = g_param_spec_boxed ("next-steps", NULL, NULL, G_TYPE_STRV, flags);
  props[PROP_OPEN_QUESTIONS] = g_param_spec_boxed ("open-questions", NULL, NULL, G_TYPE_STRV,
                                                   flags);
  props[PROP_MODEL] = g_param_spec_string ("model", NULL, NULL, NULL, flags);
  props[PROP_FALLBACK_REASON] = g_param_spec_string ("fallback-reason", NULL, NULL, NULL, flags);
  g_object_class_install_properties (object_class, N_PROPS, props);

  /* Any edit, including identifiers (which have no property). */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                   NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
handoff_summary_init (HandoffSummary *self)
{
  for (guint i = 0; i < HANDOFF_SUMMARY_N_LISTS; i++)
    self->lists[i] = g_new0 (char *, 1);
  self->identifiers = g_ptr_array_new_with_free_func ((GDestroyNotify) handoff_entity_free);
}

HandoffSummary *
handoff_summary_new (void)
{
  return g_object_new (HANDOFF_TYPE_SUMMARY, NULL);
}

static gboolean
read_string_list (JsonObject  *object,
                  const char  *member,
                  GPtrArray   *out,
                  GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);
  JsonArray *array;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      g_set_error (error, HANDOFF_AI_ERROR, HANDOFF_AI_ERROR_INVALID_RESPONSE,
                   "Summary member \"%s\" must be an array of strings", member);
      return FALSE;
    }
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *item = json_array_get_element (array, i);

      if (!JSON_NODE_HOLDS_VALUE (item) || json_node_get_value_type (item) != G_TYPE_STRING)
        {
          g_set_error (error, HANDOFF_AI_ERROR, HANDOFF_AI_ERROR_INVALID_RESPONSE,
                       "Summary member \"%s\" item %u is not a string", member, i);
          return FALSE;
        }
      if (out->len < HANDOFF_SUMMARY_MAX_ITEMS)
        g_ptr_array_add (out, (gpointer) json_node_get_string (item));
    }
  return TRUE;
}

static gboolean
read_identifiers (HandoffSummary *self,
                  JsonObject     *object,
                  GError        **error)
{
  JsonArray *array = handoff_ai_json_array (object, "identifiers");

  if (json_object_has_member (object, "identifiers") && array == NULL
      && !JSON_NODE_HOLDS_NULL (json_object_get_member (object, "identifiers")))
    {
      g_set_error_literal (error, HANDOFF_AI_ERROR, HANDOFF_AI_ERROR_INVALID_RESPONSE,
                           "Summary member \"identifiers\" must be an array");
      return FALSE;
    }
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonNode *item = json_array_get_element (array, i);
      const char *type = NULL;
      const char *value = NULL;

      if (JSON_NODE_HOLDS_OBJECT (item))
        {
          type = handoff_ai_json_string (json_node_get_object (item), "type");
          value = handoff_ai_json_string (json_node_get_object (item), "value");
        }
      else if (JSON_NODE_HOLDS_VALUE (item) && json_node_get_value_type (item) == G_TYPE_STRING)
        value = json_node_get_string (item);
      if (value == NULL)
        {
          g_set_error (error, HANDOFF_AI_ERROR, HANDOFF_AI_ERROR_INVALID_RESPONSE,
                       "Summary identifier %u has no \"value\" string", i);
          return FALSE;
        }
      if (self->identifiers->len < 3 * HANDOFF_SUMMARY_MAX_ITEMS)
        handoff_summary_add_identifier (self, handoff_entity_kind_from_string (type), value);
    }
  return TRUE;
}

/* Validates and reads the structure asked of the LLM (and written by
 * to_json): "reason" is required; every other member is optional but must
 * have the right type when present. Unknown members are ignored. */
HandoffSummary *
handoff_summary_new_from_json_node (JsonNode *node,
                                    GError  **error)
{
  g_autoptr(HandoffSummary) self = handoff_summary_new ();
  JsonObject *object;
  JsonNode *sentiment;
  const char *reason;

  g_return_val_if_fail (node != NULL, NULL);

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error_literal (error, HANDOFF_AI_ERROR, HANDOFF_AI_ERROR_INVALID_RESPONSE,
                           "The summary is not a JSON object");
      return NULL;
    }
  object = json_node_get_object (node);
  reason = handoff_ai_json_string (object, "reason");
  handoff_summary_set_reason (self, reason);
  if (self->reason == NULL)
    {
      g_set_error_literal (error, HANDOFF_AI_ERROR, HANDOFF_AI_ERROR_INVALID_RESPONSE,
                           "The summary has no \"reason\"");
      return NULL;
    }
  for (guint i = 0; i < 2; i++)
    {
      const char *member = i == 0 ? "customer" : "source";
      JsonNode *m = json_object_get_member (object, member);

      if (m != NULL && !JSON_NODE_HOLDS_NULL (m) && handoff_ai_json_string (object, member) == NULL)
        {
          g_set_error (error, HANDOFF_AI_ERROR, HANDOFF_AI_ERROR_INVALID_RESPONSE,
                       "Summary member \"%s\" must be a string", member);
          return NULL;
        }
    }
  handoff_summary_set_customer (self, handoff_ai_json_string (object, "customer"));

  /* A string, or {"label": ...} as some models prefer. */
  sentiment = json_object_get_member (object, "sentiment");
  if (sentiment != NULL && JSON_NODE_HOLDS_OBJECT (sentiment))
    handoff_summary_set_sentiment (self, handoff_ai_json_string (json_node_get_object (sentiment),
                                                                  "label"));
  else if (sentiment != NULL && !JSON_NODE_HOLDS_NULL (sentiment))
    {
      if (handoff_ai_json_string (object, "sentiment") == NULL)
        {
          g_set_error_literal (error, HANDOFF_AI_ERROR, HANDOFF_AI_ERROR_INVALID_RESPONSE,
                               "Summary member \"sentiment\" must be a string");
          return NULL;
        }
      handoff_summary_set_sentiment (self, handoff_ai_json_string (object, "sentiment"));
    }

  for (guint i = 0; i < HANDOFF_SUMMARY_N_LISTS; i++)
    {
      g_autoptr(GPtrArray) items = g_ptr_array_new ();

      if (!read_string_list (object, list_members[i], items, error))
        return NULL;
      g_ptr_array_add (items, NULL);
      handoff_summary_set_list (self, i, (const char * const *) items->pdata);
    }
  if (!read_identifiers (self, object, error))
    return NULL;

  if (g_strcmp0 (handoff_ai_json_string (object, "source"), "llm") == 0)
    self->source = HANDOFF_SUMMARY_SOURCE_LLM;
  handoff_summary_set_model (self, handoff_ai_json_string (object, "model"));
  handoff_summary_set_fallback_reason (self, handoff_ai_json_string (object, "fallback_reason"));
  if (json_object_has_member (object, "edited")
      && JSON_NODE_HOLDS_VALUE (json_object_get_member (object, "edited"))
      && json_node_get_value_type (json_object_get_member (object, "edited")) == G_TYPE_BOOLEAN)
    self->edited = json_object_get_boolean_member (object, "edited");
  if (json_object_has_member (object, "redactions")
      && JSON_NODE_HOLDS_VALUE (json_object_get_member (object, "redactions"))
      && json_node_get_value_type (json_object_get_member (object, "redactions")) == G_TYPE_INT64)
    self->redactions = (guint) CLAMP (json_object_get_int_member (object, "redactions"), 0,
                                      G_MAXINT);
  return g_steal_pointer (&self);
}

HandoffSummary *
handoff_summary_new_from_json (const char *data,
                               gssize      len,
                               GError    **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (data != NULL, NULL);

  if (!json_parser_load_from_data (parser, data, len, &local_error))
    {
      g_set_error (error, HANDOFF_AI_ERROR, HANDOFF_AI_ERROR_INVALID_RESPONSE,
                   "The summary is not valid JSON: %s", local_error->message);
      return NULL;
    }
  if (json_parser_get_root (parser) == NULL)
    {
      g_set_error_literal (error, HANDOFF_AI_ERROR, HANDOFF_AI_ERROR_INVALID_RESPONSE,
                           "The summary is empty");
      return NULL;
    }
  return handoff_summary_new_from_json_node (json_parser_get_root (parser), error);
}

static void
add_list (JsonBuilder        *builder,
          const char         *member,
          const char * const *items)
{
  json_builder_set_member_name (builder, member);
  json_builder_begin_array (builder);
  for (guint i = 0; items[i] != NULL; i++)
    json_builder_add_string_value (builder, items[i]);
  json_builder_end_array (builder);
}

JsonNode *
handoff_summary_to_json_node (HandoffSummary *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *text = NULL;

  g_return_val_if_fail (HANDOFF_IS_SUMMARY (self), NULL);

  text = handoff_summary_render_text (self);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "text");
  json_builder_add_string_value (builder, text);
  json_builder_set_member_name (builder, "reason");
  json_builder_add_string_value (builder, self->reason ? self->reason : "");
  if (self->customer != NULL)
    {
      json_builder_set_member_name (builder, "customer");
      json_builder_add_string_value (builder, self->customer);
    }
  json_builder_set_member_name (builder, "sentiment");
  json_builder_add_string_value (builder, self->sentiment ? self->sentiment : "neutral");
  for (guint i = 0; i < HANDOFF_SUMMARY_N_LISTS; i++)
    add_list (builder, list_members[i], (const char * const *) self->lists[i]);
  json_builder_set_member_name (builder, "identifiers");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->identifiers->len; i++)
    {
      HandoffEntity *e = g_ptr_array_index (self->identifiers, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "type");
      json_builder_add_string_value (builder, handoff_entity_kind_to_string (e->kind));
      json_builder_set_member_name (builder, "value");
      json_builder_add_string_value (builder, e->value);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "source");
  json_builder_add_string_value (builder, self->source == HANDOFF_SUMMARY_SOURCE_LLM ? "llm"
                                                                                    : "offline");
  if (self->model != NULL)
    {
      json_builder_set_member_name (builder, "model");
      json_builder_add_string_value (builder, self->model);
    }
  if (self->fallback_reason != NULL)
    {
      json_builder_set_member_name (builder, "fallback_reason");
      json_builder_add_string_value (builder, self->fallback_reason);
    }
  json_builder_set_member_name (builder, "redactions");
  json_builder_add_int_value (builder, self->redactions);
  json_builder_set_member_name (builder, "edited");
  json_builder_add_boolean_value (builder, self->edited);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

char *
handoff_summary_to_json (HandoffSummary *self,
                         gboolean        pretty)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (HANDOFF_IS_SUMMARY (self), NULL);

  root = handoff_summary_to_json_node (self);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, pretty);
  return json_generator_to_data (generator, NULL);
}

/* Plain text for Agent B's notification and the transfer dialog. */
char *
handoff_summary_render_text (HandoffSummary *self)
{
  GString *out = g_string_new (NULL);

  g_return_val_if_fail (HANDOFF_IS_SUMMARY (self), NULL);

  g_string_append_printf (out, "Reason: %s\n", self->reason ? self->reason : "(not stated)");
  if (self->customer != NULL || self->sentiment != NULL)
    g_string_append_printf (out, "Caller: %s%s%s%s\n", self->customer ? self->customer : "",
                            self->customer && self->sentiment ? " — " : "",
                            self->sentiment ? "seems " : "",
                            self->sentiment ? self->sentiment : "");
  if (self->identifiers->len > 0)
    {
      g_string_append (out, "Identifiers:");
      for (guint i = 0; i < self->identifiers->len; i++)
        {
          HandoffEntity *e = g_ptr_array_index (self->identifiers, i);

          g_string_append_printf (out, "%s %s %s", i ? "," : "",
                                  handoff_entity_kind_to_string (e->kind), e->value);
        }
      g_string_append_c (out, '\n');
    }
  for (guint i = 0; i < HANDOFF_SUMMARY_N_LISTS; i++)
    {
      if (self->lists[i][0] == NULL)
        continue;
      g_string_append_printf (out, "%s:\n", list_titles[i]);
      for (guint j = 0; self->lists[i][j] != NULL; j++)
        g_string_append_printf (out, "- %s\n", self->lists[i][j]);
    }
  if (self->source == HANDOFF_SUMMARY_SOURCE_OFFLINE)
    g_string_append (out, "(Written by the offline summarizer from the transcript.)\n");
  return g_string_free (out, FALSE);
}

const char *
handoff_summary_get_reason (HandoffSummary *self)
{
  g_return_val_if_fail (HANDOFF_IS_SUMMARY (self), NULL);
  return self->reason;
}

void
handoff_summary_set_reason (HandoffSummary *self,
                            const char     *reason)
{
  g_return_if_fail (HANDOFF_IS_SUMMARY (self));
  set_string (self, &self->reason, reason, props[PROP_REASON]);
}

const char *
handoff_summary_get_customer (HandoffSummary *self)
{
  g_return_val_if_fail (HANDOFF_IS_SUMMARY (self), NULL);
  return self->customer;
}

void
handoff_summary_set_customer (HandoffSummary *self,
                              const char     *customer)
{
  g_return_if_fail (HANDOFF_IS_SUMMARY (self));
  set_string (self, &self->customer, customer, props[PROP_CUSTOMER]);
}

const char *
handoff_summary_get_sentiment (HandoffSummary *self)
{
  g_return_val_if_fail (HANDOFF_IS_SUMMARY (self), NULL);
  return self->sentiment;
}

void
handoff_summary_set_sentiment (HandoffSummary *self,
                               const char     *sentiment)
{
  g_return_if_fail (HANDOFF_IS_SUMMARY (self));
  set_string (self, &self->sentiment, sentiment, props[PROP_SENTIMENT]);
}

const char * const *
handoff_summary_get_list (HandoffSummary     *self,
                          HandoffSummaryList  list)
{
  g_return_val_if_fail (HANDOFF_IS_SUMMARY (self), NULL);
  g_return_val_if_fail (list < HANDOFF_SUMMARY_N_LISTS, NULL);
  return (const char * const *) self->lists[list];
}

/* Empty and repeated items are dropped; at most HANDOFF_SUMMARY_MAX_ITEMS. */
void
handoff_summary_set_list (HandoffSummary     *self,
                          HandoffSummaryList  list,
                          const char * const *items)
{
  g_autoptr(GPtrArray) kept = g_ptr_array_new ();

  g_return_if_fail (HANDOFF_IS_SUMMARY (self));
  g_return_if_fail (list < HANDOFF_SUMMARY_N_LISTS);

  for (guint i = 0; items != NULL && items[i] != NULL && kept->len < HANDOFF_SUMMARY_MAX_ITEMS; i++)
    {
      char *item = clean (items[i]);

      if (item == NULL || g_ptr_array_find_with_equal_func (kept, item, g_str_equal, NULL))
        g_free (item);
      else
        g_ptr_array_add (kept, item);
    }
  g_ptr_array_add (kept, NULL);
  if (g_strv_equal ((const char * const *) kept->pdata, (const char * const *) self->lists[list]))
    {
      g_strfreev ((GStrv) g_ptr_array_free (g_steal_pointer (&kept), FALSE));
      return;
    }
  g_strfreev (self->lists[list]);
  self->lists[list] = (GStrv) g_ptr_array_free (g_steal_pointer (&kept), FALSE);
  changed (self, list_pspec (list));
}

void
handoff_summary_append (HandoffSummary     *self,
                        HandoffSummaryList  list,
                        const char         *item)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) items = NULL;

  g_return_if_fail (HANDOFF_IS_SUMMARY (self));
  g_return_if_fail (list < HANDOFF_SUMMARY_N_LISTS);

  g_strv_builder_addv (builder, (const char **) self->lists[list]);
  g_strv_builder_add (builder, item);
  items = g_strv_builder_end (builder);
  handoff_summary_set_list (self, list, (const char * const *) items);
}

GPtrArray *
handoff_summary_get_identifiers (HandoffSummary *self)
{
  g_return_val_if_fail (HANDOFF_IS_SUMMARY (self), NULL);
  return self->identifiers;
}

void
handoff_summary_add_identifier (HandoffSummary    *self,
                                HandoffEntityKind  kind,
                                const char        *value)
{
  g_autofree char *v = clean (value);

  g_return_if_fail (HANDOFF_IS_SUMMARY (self));

  if (v == NULL)
    return;
  for (guint i = 0; i < self->identifiers->len; i++)
    {
      HandoffEntity *e = g_ptr_array_index (self->identifiers, i);
      if (e->kind == kind && g_ascii_strcasecmp (e->value, v) == 0)
        return;
    }
  g_ptr_array_add (self->identifiers, handoff_entity_new (kind, v));
  changed (self, NULL);
}

void
handoff_summary_clear_identifiers (HandoffSummary *self)
{
  g_return_if_fail (HANDOFF_IS_SUMMARY (self));

  if (self->identifiers->len == 0)
    return;
  g_ptr_array_set_size (self->identifiers, 0);
  changed (self, NULL);
}

HandoffSummarySource
handoff_summary_get_source (HandoffSummary *self)
{
  g_return_val_if_fail (HANDOFF_IS_SUMMARY (self), HANDOFF_SUMMARY_SOURCE_OFFLINE);
  return self->source;
}

void
handoff_summary_set_source (HandoffSummary      *self,
                            HandoffSummarySource source)
{
  g_return_if_fail (HANDOFF_IS_SUMMARY (self));
  self->source = source;
}

const char *
handoff_summary_get_model (HandoffSummary *self)
{
  g_return_val_if_fail (HANDOFF_IS_SUMMARY (self), NULL);
  return self->model;
}

void
handoff_summary_set_model (HandoffSummary *self,
                           const char     *model)
{
  g_return_if_fail (HANDOFF_IS_SUMMARY (self));
  set_string (self, &self->model, model, props[PROP_MODEL]);
}

const char *
handoff_summary_get_fallback_reason (HandoffSummary *self)
{
  g_return_val_if_fail (HANDOFF_IS_SUMMARY (self), NULL);
  return self->fallback_reason;
}

void
handoff_summary_set_fallback_reason (HandoffSummary *self,
                                     const char     *reason)
{
  g_return_if_fail (HANDOFF_IS_SUMMARY (self));
  set_string (self, &self->fallback_reason, reason, props[PROP_FALLBACK_REASON]);
}

guint
handoff_summary_get_redactions (HandoffSummary *self)
{
  g_return_val_if_fail (HANDOFF_IS_SUMMARY (self), 0);
  return self->redactions;
}

void
handoff_summary_set_redactions (HandoffSummary *self,
                                guint           n)
{
  g_return_if_fail (HANDOFF_IS_SUMMARY (self));
  self->redactions = n;
}

const char *
handoff_summary_list_to_string (HandoffSummaryList list)
{
  g_return_val_if_fail (list < HANDOFF_SUMMARY_N_LISTS, NULL);
  return list_members[list];
}

/* From now on any change of the content marks the summary as edited by the
 * agent (the summarizer calls this on what it returns). */
void
handoff_summary_track_edits (HandoffSummary *self)
{
  g_return_if_fail (HANDOFF_IS_SUMMARY (self));
  self->track_edits = TRUE;
}

gboolean
handoff_summary_get_edited (HandoffSummary *self)
{
  g_return_val_if_fail (HANDOFF_IS_SUMMARY (self), FALSE);
  return self->edited;
}
