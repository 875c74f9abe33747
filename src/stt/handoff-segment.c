/* handoff-segment.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "handoff-segment"

#include "handoff-segment.h"

enum {
  PROP_0,
  PROP_IDENTITY,
  PROP_TRACK_ID,
  PROP_ID,
  PROP_TEXT,
  PROP_START_MS,
  PROP_END_MS,
  PROP_FINAL,
  PROP_SPEAKER,
  N_PROPS
};

static GParamSpec *props[N_PROPS];

struct _HandoffSegment
{
  GObject parent_instance;

  char    *identity;
  char    *track_id;
  char    *id;
  char    *text;
  char    *speaker_name;
  gint64   start_ms;
  gint64   end_ms;
  gboolean final;
};

G_DEFINE_FINAL_TYPE (HandoffSegment, handoff_segment, G_TYPE_OBJECT)

static void
handoff_segment_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  HandoffSegment *self = HANDOFF_SEGMENT (object);

  switch (prop_id)
    {
    case PROP_IDENTITY:
      g_value_set_string (value, self->identity);
      break;
    case PROP_TRACK_ID:
      g_value_set_string (value, self->track_id);
      break;
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case PROP_TEXT:
      g_value_set_string (value, self->text);
      break;
    case PROP_START_MS:
      g_value_set_int64 (value, self->start_ms);
      break;
    case PROP_END_MS:
      g_value_set_int64 (value, self->end_ms);
      break;
    case PROP_FINAL:
      g_value_set_boolean (value, self->final);
      break;
    case PROP_SPEAKER:
      g_value_set_string (value, handoff_segment_get_speaker (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
handoff_segment_finalize (GObject *object)
{
  HandoffSegment *self = HANDOFF_SEGMENT (object);

  g_free (self->identity);
  g_free (self->track_id);
  g_free (self->id);
  g_free (self->text);
  g_free (self->speaker_name);

  G_OBJECT_CLASS (handoff_segment_parent_class)->finalize (object);
}

static void
handoff_segment_class_init (HandoffSegmentClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = handoff_segment_get_property;
  object_class->finalize = handoff_segment_finalize;

  props[PROP_IDENTITY] = g_param_spec_string ("identity", NULL, NULL, NULL,
                                              G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  props[PROP_TRACK_ID] = g_param_spec_string ("track-id", NULL, NULL, NULL,
                                              G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  props[PROP_ID] = g_param_spec_string ("id", NULL, NULL, NULL,
                                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  props[PROP_TEXT] = g_param_spec_string ("text", NULL, NULL, NULL,
                                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  props[PROP_START_MS] = g_param_spec_int64 ("start-ms", NULL, NULL, 0, G_MAXINT64, 0,
                                             G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  props[PROP_END_MS] = g_param_spec_int64 ("end-ms", NULL, NULL, 0, G_MAXINT64, 0,
                                           G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  props[PROP_FINAL] = g_param_spec_boolean ("final", NULL, NULL, FALSE,
                                            G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  props[PROP_SPEAKER] = g_param_spec_string ("speaker", NULL, NULL, NULL,
                                             G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY |
                                             G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
handoff_segment_init (HandoffSegment *self)
{
}

HandoffSegment *
handoff_segment_new (const char *identity,
                     const char *track_id,
                     const char *segment_id,
                     const char *text,
                     gint64      start_ms,
                     gint64      end_ms,
                     gboolean    final)
{
  HandoffSegment *self;

  g_return_val_if_fail (segment_id != NULL, NULL);
  g_return_val_if_fail (text != NULL, NULL);

  self = g_object_new (HANDOFF_TYPE_SEGMENT, NULL);
  self->identity = g_strdup (identity ? identity : "");
  self->track_id = g_strdup (track_id ? track_id : "");
  self->id = g_strdup (segment_id);
  self->text = g_strdup (text);
  self->start_ms = MAX (start_ms, 0);
  self->end_ms = MAX (end_ms, self->start_ms);
  self->final = !!final;
  return self;
}

const char *
handoff_segment_get_identity (HandoffSegment *self)
{
  g_return_val_if_fail (HANDOFF_IS_SEGMENT (self), NULL);
  return self->identity;
}

const char *
handoff_segment_get_track_id (HandoffSegment *self)
{
  g_return_val_if_fail (HANDOFF_IS_SEGMENT (self), NULL);
  return self->track_id;
}

const char *
handoff_segment_get_id (HandoffSegment *self)
{
  g_return_val_if_fail (HANDOFF_IS_SEGMENT (self), NULL);
  return self->id;
}

const char *
handoff_segment_get_text (HandoffSegment *self)
{
  g_return_val_if_fail (HANDOFF_IS_SEGMENT (self), NULL);
  return self->text;
}

gint64
handoff_segment_get_start_ms (HandoffSegment *self)
{
  g_return_val_if_fail (HANDOFF_IS_SEGMENT (self), 0);
  return self->start_ms;
}

gint64
handoff_segment_get_end_ms (HandoffSegment *self)
{
  g_return_val_if_fail (HANDOFF_IS_SEGMENT (self), 0);
  return self->end_ms;
}

gboolean
handoff_segment_get_final (HandoffSegment *self)
{
  g_return_val_if_fail (HANDOFF_IS_SEGMENT (self), FALSE);
  return self->final;
}

const char *
handoff_segment_get_speaker (HandoffSegment *self)
{
  g_return_val_if_fail (HANDOFF_IS_SEGMENT (self), NULL);
  if (self->speaker_name && *self->speaker_name)
    return self->speaker_name;
  return self->identity;
}

void
handoff_segment_set_speaker_name (HandoffSegment *self,
                                  const char     *name)
{
  g_return_if_fail (HANDOFF_IS_SEGMENT (self));

  if (g_strcmp0 (self->speaker_name, name) == 0)
    return;
  g_free (self->speaker_name);
  self->speaker_name = g_strdup (name);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_SPEAKER]);
}

JsonNode *
handoff_segment_to_json (HandoffSegment *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (HANDOFF_IS_SEGMENT (self), NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, self->id);
  json_builder_set_member_name (builder, "identity");
  json_builder_add_string_value (builder, self->identity);
  json_builder_set_member_name (builder, "speaker");
  json_builder_add_string_value (builder, handoff_segment_get_speaker (self));
  json_builder_set_member_name (builder, "track_id");
  json_builder_add_string_value (builder, self->track_id);
  json_builder_set_member_name (builder, "text");
  json_builder_add_string_value (builder, self->text);
  json_builder_set_member_name (builder, "start_ms");
  json_builder_add_int_value (builder, self->start_ms);
  json_builder_set_member_name (builder, "end_ms");
  json_builder_add_int_value (builder, self->end_ms);
  json_builder_set_member_name (builder, "final");
  json_builder_add_boolean_value (builder, self->final);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}
