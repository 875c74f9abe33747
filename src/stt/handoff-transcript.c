/* handoff-transcript.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "handoff-transcript"

#include "handoff-transcript.h"

enum {
  PROP_0,
  PROP_N_ITEMS,
  N_PROPS
};

static GParamSpec *props[N_PROPS];

struct _HandoffTranscript
{
  GObject     parent_instance;

  GPtrArray  *items;    /* HandoffSegment, ordered by start time */
  GHashTable *by_id;    /* id → HandoffSegment (borrowed from items) */
  GHashTable *names;    /* identity → display name */
};

static void handoff_transcript_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (HandoffTranscript, handoff_transcript, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      handoff_transcript_list_model_init))

static GType
handoff_transcript_get_item_type (GListModel *model)
{
  return HANDOFF_TYPE_SEGMENT;
}

static guint
handoff_transcript_get_n_items (GListModel *model)
{
  return HANDOFF_TRANSCRIPT (model)->items->len;
}

static gpointer
handoff_transcript_get_item (GListModel *model,
                             guint       position)
{
  HandoffTranscript *self = HANDOFF_TRANSCRIPT (model);

  if (position >= self->items->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->items, position));
}

static void
handoff_transcript_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = handoff_transcript_get_item_type;
  iface->get_n_items = handoff_transcript_get_n_items;
  iface->get_item = handoff_transcript_get_item;
}

static guint
position_of (HandoffTranscript *self,
             HandoffSegment    *segment)
{
  guint position = 0;

  g_assert (g_ptr_array_find (self->items, segment, &position));
  return position;
}

/* After every item starting at or before @start: equal times keep the
 * order they arrived in. */
static guint
insertion_point (HandoffTranscript *self,
                 gint64             start)
{
  guint low = 0, high = self->items->len;

  while (low < high)
    {
      guint mid = (low + high) / 2;

      if (handoff_segment_get_start_ms (g_ptr_array_index (self->items, mid)) <= start)
        low = mid + 1;
      else
        high = mid;
    }
  return low;
}

static void
remove_at (HandoffTranscript *self,
           guint              position)
{
  HandoffSegment *old = g_ptr_array_index (self->items, position);

  g_hash_table_remove (self->by_id, handoff_segment_get_id (old));
  g_ptr_array_remove_index (self->items, position);
}

void
handoff_transcript_add_segment (HandoffTranscript *self,
                                HandoffSegment    *segment)
{
  HandoffSegment *old;
  const char *name;
  guint position;

  g_return_if_fail (HANDOFF_IS_TRANSCRIPT (self));
  g_return_if_fail (HANDOFF_IS_SEGMENT (segment));

  old = g_hash_table_lookup (self->by_id, handoff_segment_get_id (segment));
  if (old && handoff_segment_get_final (old) && !handoff_segment_get_final (segment))
    return; /* a partial that arrived after its final */

  name = g_hash_table_lookup (self->names, handoff_segment_get_identity (segment));
  if (name)
    handoff_segment_set_speaker_name (segment, name);

  if (old)
    {
      guint old_position = position_of (self, old);

      remove_at (self, old_position);
      if (handoff_segment_get_final (segment) && !*handoff_segment_get_text (segment))
        {
          g_list_model_items_changed (G_LIST_MODEL (self), old_position, 1, 0);
          g_object_notify_by_pspec (G_OBJECT (self), props[PROP_N_ITEMS]);
          return;
        }
      position = insertion_point (self, handoff_segment_get_start_ms (segment));
      /* One change when the line stays in place; otherwise a removal and an
       * insertion, each announced on the list as it is at that moment. */
      if (position != old_position)
        g_list_model_items_changed (G_LIST_MODEL (self), old_position, 1, 0);
      g_ptr_array_insert (self->items, position, g_object_ref (segment));
      g_hash_table_insert (self->by_id, (gpointer) handoff_segment_get_id (segment), segment);
      if (position == old_position)
        g_list_model_items_changed (G_LIST_MODEL (self), position, 1, 1);
      else
        g_list_model_items_changed (G_LIST_MODEL (self), position, 0, 1);
      return;
    }

  if (handoff_segment_get_final (segment) && !*handoff_segment_get_text (segment))
    return;
  position = insertion_point (self, handoff_segment_get_start_ms (segment));
  g_ptr_array_insert (self->items, position, g_object_ref (segment));
  g_hash_table_insert (self->by_id, (gpointer) handoff_segment_get_id (segment), segment);
  g_list_model_items_changed (G_LIST_MODEL (self), position, 0, 1);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_N_ITEMS]);
}

static void
on_transcriber_segment (HandoffTranscriber *transcriber,
                        HandoffSegment     *segment,
                        HandoffTranscript  *self)
{
  handoff_transcript_add_segment (self, segment);
}

void
handoff_transcript_follow (HandoffTranscript  *self,
                           HandoffTranscriber *transcriber)
{
  g_return_if_fail (HANDOFF_IS_TRANSCRIPT (self));
  g_return_if_fail (HANDOFF_IS_TRANSCRIBER (transcriber));

  g_signal_connect_object (transcriber, "segment", G_CALLBACK (on_transcriber_segment), self, 0);
}

void
handoff_transcript_set_speaker_name (HandoffTranscript *self,
                                     const char        *identity,
                                     const char        *name)
{
  g_return_if_fail (HANDOFF_IS_TRANSCRIPT (self));
  g_return_if_fail (identity != NULL);

  if (name && *name)
    g_hash_table_insert (self->names, g_strdup (identity), g_strdup (name));
  else
    g_hash_table_remove (self->names, identity);

  for (guint i = 0; i < self->items->len; i++)
    {
      HandoffSegment *segment = g_ptr_array_index (self->items, i);

      if (g_strcmp0 (handoff_segment_get_identity (segment), identity) != 0)
        continue;
      handoff_segment_set_speaker_name (segment, name);
      g_list_model_items_changed (G_LIST_MODEL (self), i, 1, 1);
    }
}

HandoffSegment *
handoff_transcript_lookup (HandoffTranscript *self,
                           const char        *segment_id)
{
  g_return_val_if_fail (HANDOFF_IS_TRANSCRIPT (self), NULL);
  g_return_val_if_fail (segment_id != NULL, NULL);

  return g_hash_table_lookup (self->by_id, segment_id);
}

void
handoff_transcript_clear (HandoffTranscript *self)
{
  guint n;

  g_return_if_fail (HANDOFF_IS_TRANSCRIPT (self));

  n = self->items->len;
  g_hash_table_remove_all (self->by_id);
  g_ptr_array_set_size (self->items, 0);
  if (n)
    {
      g_list_model_items_changed (G_LIST_MODEL (self), 0, n, 0);
      g_object_notify_by_pspec (G_OBJECT (self), props[PROP_N_ITEMS]);
    }
}

char *
handoff_transcript_to_text (HandoffTranscript *self,
                            gboolean           include_partials)
{
  GString *out;
  gint64 origin;

  g_return_val_if_fail (HANDOFF_IS_TRANSCRIPT (self), NULL);

  out = g_string_new (NULL);
  if (self->items->len == 0)
    return g_string_free (out, FALSE);
  origin = handoff_segment_get_start_ms (g_ptr_array_index (self->items, 0));
  for (guint i = 0; i < self->items->len; i++)
    {
      HandoffSegment *segment = g_ptr_array_index (self->items, i);
      gint64 offset_s = (handoff_segment_get_start_ms (segment) - origin) / 1000;
      gboolean final = handoff_segment_get_final (segment);
      const char *speaker = handoff_segment_get_speaker (segment);

      if (!final && !include_partials)
        continue;
      g_string_append_printf (out, "[%02" G_GINT64_FORMAT ":%02" G_GINT64_FORMAT "] %s: %s%s\n",
                              offset_s / 60, offset_s % 60,
                              speaker && *speaker ? speaker : "unknown",
                              handoff_segment_get_text (segment), final ? "" : " …");
    }
  return g_string_free (out, FALSE);
}

JsonNode *
handoff_transcript_to_json (HandoffTranscript *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (HANDOFF_IS_TRANSCRIPT (self), NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "segments");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->items->len; i++)
    json_builder_add_value (builder, handoff_segment_to_json (g_ptr_array_index (self->items, i)));
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

char *
handoff_transcript_to_json_string (HandoffTranscript *self)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (HANDOFF_IS_TRANSCRIPT (self), NULL);

  root = handoff_transcript_to_json (self);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  return json_generator_to_data (generator, NULL);
}

static void
handoff_transcript_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  HandoffTranscript *self = HANDOFF_TRANSCRIPT (object);

  switch (prop_id)
    {
    case PROP_N_ITEMS:
      g_value_set_uint (value, self->items->len);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
handoff_transcript_finalize (GObject *object)
{
  HandoffTranscript *self = HANDOFF_TRANSCRIPT (object);

  g_hash_table_unref (self->by_id);
  g_ptr_array_unref (self->items);
  g_hash_table_unref (self->names);

  G_OBJECT_CLASS (handoff_transcript_parent_class)->finalize (object);
}

static void
handoff_transcript_class_init (HandoffTranscriptClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = handoff_transcript_get_property;
  object_class->finalize = handoff_transcript_finalize;

  props[PROP_N_ITEMS] = g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0,
                                           G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY |
                                           G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
handoff_transcript_init (HandoffTranscript *self)
{
  self->items = g_ptr_array_new_with_free_func (g_object_unref);
  self->by_id = g_hash_table_new (g_str_hash, g_str_equal);
  self->names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

HandoffTranscript *
handoff_transcript_new (void)
{
  return g_object_new (HANDOFF_TYPE_TRANSCRIPT, NULL);
}
