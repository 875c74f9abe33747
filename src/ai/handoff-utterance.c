/* handoff-utterance.c: transcripts as the AI engine reads them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "handoff-ai"

#include <json-glib/json-glib.h>
#include <stdlib.h>
#include <string.h>

#include "handoff-ai-error.h"
#include "handoff-segment.h"
#include "handoff-utterance.h"

G_DEFINE_BOXED_TYPE (HandoffUtterance, handoff_utterance, handoff_utterance_copy,
                     handoff_utterance_free)

/* A JSON segment before partials are resolved. */
typedef struct {
  HandoffUtterance *u;
  char             *id;
  gboolean          final;
  guint             index;
  gboolean          drop;
} Segment;

HandoffUtterance *
handoff_utterance_new (const char *speaker,
                       const char *text,
                       double      start,
                       double      end)
{
  HandoffUtterance *u = g_new0 (HandoffUtterance, 1);

  u->speaker = g_strdup (speaker ? speaker : "");
  u->text = g_strdup (text ? text : "");
  u->start = start;
  u->end = end;
  return u;
}

HandoffUtterance *
handoff_utterance_copy (const HandoffUtterance *utterance)
{
  g_return_val_if_fail (utterance != NULL, NULL);
  return handoff_utterance_new (utterance->speaker, utterance->text, utterance->start,
                                utterance->end);
}

void
handoff_utterance_free (HandoffUtterance *utterance)
{
  if (utterance == NULL)
    return;
  g_free (utterance->speaker);
  g_free (utterance->text);
  g_free (utterance);
}

GPtrArray *
handoff_utterances_new (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) handoff_utterance_free);
}

static gboolean
check_input (const char *data,
             gssize     *len,
             GError    **error)
{
  if (*len < 0)
    *len = strlen (data);
  if ((gsize) *len > HANDOFF_UTTERANCES_MAX_INPUT)
    {
      g_set_error (error, HANDOFF_AI_ERROR, HANDOFF_AI_ERROR_INVALID_INPUT,
                   "The transcript is larger than %d MiB", HANDOFF_UTTERANCES_MAX_INPUT >> 20);
      return FALSE;
    }
  if (!g_utf8_validate_len (data, *len, NULL))
    {
      g_set_error_literal (error, HANDOFF_AI_ERROR, HANDOFF_AI_ERROR_INVALID_INPUT,
                           "The transcript is not valid UTF-8");
      return FALSE;
    }
  return TRUE;
}

/* "[01:02]", "01:02:03", "[12.5s]"-less forms: minutes and seconds, optional hours. */
static const char *
skip_timestamp (const char *line,
                double     *seconds)
{
  const char *p = line;
  gboolean bracket = (*p == '[');
  guint parts[3] = { 0 };
  guint n = 0;

  if (bracket)
    p++;
  while (n < 3 && g_ascii_isdigit (*p))
    {
      guint v = 0;
      guint digits = 0;

      while (g_ascii_isdigit (*p) && digits < 3)
        v = v * 10 + (*p++ - '0'), digits++;
      parts[n++] = v;
      if (*p != ':')
        break;
      p++;
    }
  if (n < 2)
    return line;
  while (*p == '.' || g_ascii_isdigit (*p))
    p++;
  if (bracket)
    {
      if (*p != ']')
        return line;
      p++;
    }
  if (*p != ' ' && *p != '\t')
    return line;
  *seconds = n == 3 ? parts[0] * 3600.0 + parts[1] * 60.0 + parts[2] : parts[0] * 60.0 + parts[1];
  while (*p == ' ' || *p == '\t')
    p++;
  return p;
}

/* "Speaker: text" where the speaker is a short label starting with a letter. */
static gboolean
split_speaker (const char  *line,
               char       **speaker,
               const char **text)
{
  const char *colon = strstr (line, ": ");
  guint words = 1;

  /* "Caller:" alone on its line; identities such as "agent:alice" keep their colon. */
  if (colon == NULL && g_str_has_suffix (line, ":"))
    colon = line + strlen (line) - 1;

  if (colon == NULL || colon == line || colon - line > 40
      || !g_unichar_isalpha (g_utf8_get_char (line)))
    return FALSE;
  for (const char *p = line; p < colon; p++)
    {
      if (*p == ' ')
        words++;
      if (*p == '[' || *p == ']' || *p == '"' || *p == '?' || *p == '!')
        return FALSE;
    }
  if (words > 4 || (colon[1] != ' ' && colon[1] != '\t' && colon[1] != '\0'))
    return FALSE;
  *speaker = g_strstrip (g_strndup (line, colon - line));
  *text = colon + 1;
  while (**text == ' ' || **text == '\t')
    (*text)++;
  return TRUE;
}

GPtrArray *
handoff_utterances_parse_text (const char *text,
                               gssize      len,
                               GError    **error)
{
  g_autoptr(GPtrArray) out = handoff_utterances_new ();
  g_autofree char *copy = NULL;
  g_auto(GStrv) lines = NULL;

  g_return_val_if_fail (text != NULL, NULL);

  if (!check_input (text, &len, error))
    return NULL;
  copy = g_strndup (text, len);
  lines = g_strsplit (copy, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *line = g_strstrip (lines[i]);
      g_autofree char *speaker = NULL;
      const char *body = NULL;
      double start = -1;

      if (*line == '\0')
        continue;
      line = (char *) skip_timestamp (line, &start);
      if (split_speaker (line, &speaker, &body))
        {
          /* An empty "Caller:" line may be continued on the next lines. */
          g_ptr_array_add (out, handoff_utterance_new (speaker, body, start, -1));
        }
      else if (out->len > 0)
        {
          HandoffUtterance *last = g_ptr_array_index (out, out->len - 1);
          char *joined = *last->text ? g_strconcat (last->text, " ", line, NULL) : g_strdup (line);

          g_free (last->text);
          last->text = joined;
        }
      else
        g_ptr_array_add (out, handoff_utterance_new ("", line, start, -1));
    }
  for (guint i = out->len; i > 0; i--)
    if (*((HandoffUtterance *) g_ptr_array_index (out, i - 1))->text == '\0')
      g_ptr_array_remove_index (out, i - 1);
  return g_steal_pointer (&out);
}

static const char *
first_string (JsonObject         *object,
              const char * const *names)
{
  for (guint i = 0; names[i] != NULL; i++)
    {
      JsonNode *node = json_object_get_member (object, names[i]);

      if (node != NULL && JSON_NODE_HOLDS_VALUE (node)
          && json_node_get_value_type (node) == G_TYPE_STRING)
        return json_node_get_string (node);
    }
  return NULL;
}

static double
first_number (JsonObject         *object,
              const char * const *names)
{
  for (guint i = 0; names[i] != NULL; i++)
    {
      JsonNode *node = json_object_get_member (object, names[i]);

      if (node != NULL && JSON_NODE_HOLDS_VALUE (node)
          && (json_node_get_value_type (node) == G_TYPE_DOUBLE
              || json_node_get_value_type (node) == G_TYPE_INT64))
        return json_node_get_double (node);
    }
  return -1;
}

static void
segment_free (gpointer data)
{
  Segment *s = data;

  handoff_utterance_free (s->u);
  g_free (s->id);
  g_free (s);
}

static int
compare_segments (gconstpointer a,
                  gconstpointer b)
{
  const Segment *x = *(Segment * const *) a;
  const Segment *y = *(Segment * const *) b;

  if (x->u->start != y->u->start)
    return x->u->start < y->u->start ? -1 : 1;
  return x->index < y->index ? -1 : (x->index > y->index);
}

/* A partial is dropped when a final (or a later partial) of the same segment
 * exists; a partial without an id survives only as its speaker's live tail. */
static void
resolve_partials (GPtrArray *segments)
{
  for (guint i = 0; i < segments->len; i++)
    {
      Segment *s = g_ptr_array_index (segments, i);

      if (s->final)
        continue;
      for (guint j = 0; j < segments->len && !s->drop; j++)
        {
          Segment *o = g_ptr_array_index (segments, j);

          if (o == s)
            continue;
          if (s->id != NULL)
            s->drop = g_strcmp0 (s->id, o->id) == 0 && (o->final || j > i);
          else
            s->drop = j > i && strcmp (o->u->speaker, s->u->speaker) == 0;
        }
    }
}

/* Partials resolved, ordered by time when every segment has one. */
static GPtrArray *
finish_segments (GPtrArray *segments)
{
  GPtrArray *out = handoff_utterances_new ();
  gboolean all_timed = TRUE;

  for (guint i = 0; i < segments->len; i++)
    all_timed = all_timed && ((Segment *) g_ptr_array_index (segments, i))->u->start >= 0;
  resolve_partials (segments);
  if (all_timed)
    g_ptr_array_sort (segments, compare_segments);
  for (guint i = 0; i < segments->len; i++)
    {
      Segment *s = g_ptr_array_index (segments, i);

      if (!s->drop && *s->u->text != '\0')
        g_ptr_array_add (out, g_steal_pointer (&s->u));
    }
  return out;
}

GPtrArray *
handoff_utterances_parse_json (const char *data,
                               gssize      len,
                               GError    **error)
{
  static const char * const speaker_names[] = { "speaker", "participant", "identity", "name",
                                                "role", NULL };
  static const char * const text_names[] = { "text", "transcript", "content", NULL };
  static const char * const start_names[] = { "start", "time", "start_time", NULL };
  static const char * const end_names[] = { "end", "end_time", NULL };
  static const char * const id_names[] = { "id", "segment_id", NULL };
  static const char * const start_ms_names[] = { "start_ms", NULL };
  static const char * const end_ms_names[] = { "end_ms", NULL };
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GPtrArray) segments = g_ptr_array_new_with_free_func (segment_free);
  g_autoptr(GError) local_error = NULL;
  JsonNode *root;
  JsonArray *array = NULL;

  g_return_val_if_fail (data != NULL, NULL);

  if (!check_input (data, &len, error))
    return NULL;
  if (!json_parser_load_from_data (parser, data, len, &local_error))
    {
      g_set_error (error, HANDOFF_AI_ERROR, HANDOFF_AI_ERROR_INVALID_INPUT,
                   "The transcript is not valid JSON: %s", local_error->message);
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root != NULL && JSON_NODE_HOLDS_ARRAY (root))
    array = json_node_get_array (root);
  else if (root != NULL && JSON_NODE_HOLDS_OBJECT (root))
    {
      static const char * const wrappers[] = { "segments", "transcript", "utterances", NULL };

      for (guint i = 0; wrappers[i] != NULL && array == NULL; i++)
        {
          JsonNode *node = json_object_get_member (json_node_get_object (root), wrappers[i]);
          if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
            array = json_node_get_array (node);
        }
    }
  if (array == NULL)
    {
      g_set_error_literal (error, HANDOFF_AI_ERROR, HANDOFF_AI_ERROR_INVALID_INPUT,
                           "The transcript JSON must be an array of segments (or an object with "
                           "a \"segments\" array)");
      return NULL;
    }

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      JsonObject *object;
      const char *text;
      JsonNode *final;
      Segment *s;
      double ms;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          g_set_error (error, HANDOFF_AI_ERROR, HANDOFF_AI_ERROR_INVALID_INPUT,
                       "Transcript segment %u is not an object", i);
          return NULL;
        }
      object = json_node_get_object (node);
      text = first_string (object, text_names);
      if (text == NULL)
        {
          g_set_error (error, HANDOFF_AI_ERROR, HANDOFF_AI_ERROR_INVALID_INPUT,
                       "Transcript segment %u has no \"text\" string", i);
          return NULL;
        }
      s = g_new0 (Segment, 1);
      s->u = handoff_utterance_new (first_string (object, speaker_names), text,
                                    first_number (object, start_names),
                                    first_number (object, end_names));
      /* HandoffSegment's JSON export counts milliseconds. */
      if (s->u->start < 0 && (ms = first_number (object, start_ms_names)) >= 0)
        s->u->start = ms / 1000.0;
      if (s->u->end < 0 && (ms = first_number (object, end_ms_names)) >= 0)
        s->u->end = ms / 1000.0;
      g_strstrip (s->u->text);
      s->id = g_strdup (first_string (object, id_names));
      final = json_object_get_member (object, "final");
      if (final == NULL)
        final = json_object_get_member (object, "is_final");
      s->final = final == NULL || !JSON_NODE_HOLDS_VALUE (final)
                 || json_node_get_value_type (final) != G_TYPE_BOOLEAN
                 || json_node_get_boolean (final);
      s->index = i;
      g_ptr_array_add (segments, s);
    }

  return finish_segments (segments);
}

/* JSON when it parses as JSON; "[00:12] Agent: ..." starts with "[" too. */
GPtrArray *
handoff_utterances_parse (const char *data,
                          gssize      len,
                          GError    **error)
{
  gssize n = len;
  const char *p = data;

  g_return_val_if_fail (data != NULL, NULL);

  if (!check_input (data, &n, error))
    return NULL;
  if (n >= 3 && memcmp (p, "\xEF\xBB\xBF", 3) == 0)
    p += 3, n -= 3;
  while (n > 0 && g_ascii_isspace (*p))
    p++, n--;
  if (n > 0 && *p == '{')
    return handoff_utterances_parse_json (p, n, error);
  if (n > 0 && *p == '[')
    {
      const char *q = p + 1;

      while (q < p + n && g_ascii_isspace (*q))
        q++;
      if (q < p + n && (*q == '{' || *q == ']'))
        return handoff_utterances_parse_json (p, n, error);
    }
  return handoff_utterances_parse_text (p, n, error);
}

char *
handoff_utterances_to_text (GPtrArray *utterances)
{
  GString *out = g_string_new (NULL);

  g_return_val_if_fail (utterances != NULL, NULL);

  for (guint i = 0; i < utterances->len; i++)
    {
      HandoffUtterance *u = g_ptr_array_index (utterances, i);

      if (*u->speaker != '\0')
        g_string_append_printf (out, "%s: %s\n", u->speaker, u->text);
      else
        g_string_append_printf (out, "%s\n", u->text);
    }
  return g_string_free (out, FALSE);
}

/**
 * handoff_utterances_from_segments:
 * @segments: (element-type GObject): #HandoffSegment (src/stt) objects, in
 *   any order
 *
 * The live transcript as the AI engine reads it: partials replaced by their
 * finals, ordered by start time, labelled by speaker.
 */
GPtrArray *
handoff_utterances_from_segments (GPtrArray *segments)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (segment_free);
  g_autoptr(GPtrArray) out = NULL;

  g_return_val_if_fail (segments != NULL, NULL);

  for (guint i = 0; i < segments->len; i++)
    {
      GObject *object = g_ptr_array_index (segments, i);
      Segment *s = g_new0 (Segment, 1);

      if (HANDOFF_IS_SEGMENT (object))
        {
          HandoffSegment *seg = HANDOFF_SEGMENT (object);

          s->u = handoff_utterance_new (handoff_segment_get_speaker (seg),
                                        handoff_segment_get_text (seg),
                                        handoff_segment_get_start_ms (seg) / 1000.0,
                                        handoff_segment_get_end_ms (seg) / 1000.0);
          s->id = g_strdup (handoff_segment_get_id (seg));
          s->final = handoff_segment_get_final (seg);
        }
      else
        {
          g_free (s);
          g_critical ("handoff_utterances_from_segments: a %s is not a segment",
                      G_OBJECT_TYPE_NAME (object));
          continue;
        }
      g_strstrip (s->u->text);
      s->index = i;
      g_ptr_array_add (items, s);
    }
  out = finish_segments (items);
  return g_steal_pointer (&out);
}

/* The same for a GListModel of segments, such as a live transcript model. */
GPtrArray *
handoff_utterances_from_list_model (GListModel *segments)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  guint n;

  g_return_val_if_fail (G_IS_LIST_MODEL (segments), NULL);

  n = g_list_model_get_n_items (segments);
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (items, g_list_model_get_item (segments, i));
  return handoff_utterances_from_segments (items);
}
