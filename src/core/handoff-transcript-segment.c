/* handoff-transcript-segment.c: one line of a live transcript
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "handoff-core"

#include "handoff-transcript-segment.h"

enum {
  PROP_0,
  PROP_ID,
  PROP_SPEAKER,
  PROP_TEXT,
  PROP_FINAL,
  PROP_START_MS,
  N_PROPS
};
static GParamSpec *props[N_PROPS];

struct _HandoffTranscriptSegment
{
  GObject  parent_instance;

  char    *id;
  char    *speaker;
  char    *text;
  gboolean final;
  gint64   start_ms;
};

G_DEFINE_FINAL_TYPE (HandoffTranscriptSegment, handoff_transcript_segment, G_TYPE_OBJECT)

static void
handoff_transcript_segment_get_property (GObject    *object,
                                         guint       prop_id,
                                         GValue     *value,
                                         GParamSpec *pspec)
{
  HandoffTranscriptSegment *self = HANDOFF_TRANSCRIPT_SEGMENT (object);

  switch (prop_id)
    {
    case PROP_ID: g_value_set_string (value, self->id); break;
    case PROP_SPEAKER: g_value_set_string (value, self->speaker); break;
    case PROP_TEXT: g_value_set_string (value, self->text); break;
    case PROP_FINAL: g_value_set_boolean (value, self->final); break;
    case PROP_START_MS: g_value_set_int64 (value, self->start_ms); break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
handoff_transcript_segment_finalize (GObject *object)
{
  HandoffTranscriptSegment *self = HANDOFF_TRANSCRIPT_SEGMENT (object);

  g_free (self->id);
  g_free (self->speaker);
  g_free (self->text);
  G_OBJECT_CLASS (handoff_transcript_segment_parent_class)->finalize (object);
}

static void
handoff_transcript_segment_class_init (HandoffTranscriptSegmentClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = handoff_transcript_segment_get_property;
  object_class->finalize = handoff_transcript_segment_finalize;

  props[PROP_ID] = g_param_spec_string ("id", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  props[PROP_SPEAKER] = g_param_spec_string ("speaker", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  props[PROP_TEXT] = g_param_spec_string ("text", NULL, NULL, NULL,
                                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  props[PROP_FINAL] = g_param_spec_boolean ("final", NULL, NULL, FALSE,
                                            G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  props[PROP_START_MS] = g_param_spec_int64 ("start-ms", NULL, NULL, 0, G_MAXINT64, 0,
                                             G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
handoff_transcript_segment_init (HandoffTranscriptSegment *self)
{
}

HandoffTranscriptSegment *
handoff_transcript_segment_new (const char *id,
                                const char *speaker,
                                const char *text,
                                gboolean    final,
                                gint64      start_ms)
{
  HandoffTranscriptSegment *self = g_object_new (HANDOFF_TYPE_TRANSCRIPT_SEGMENT, NULL);

  self->id = g_strdup (id);
  self->speaker = g_strdup (speaker);
  self->text = g_strdup (text ? text : "");
  self->final = final;
  self->start_ms = start_ms;
  return self;
}

const char *
handoff_transcript_segment_get_id (HandoffTranscriptSegment *self)
{
  g_return_val_if_fail (HANDOFF_IS_TRANSCRIPT_SEGMENT (self), NULL);
  return self->id;
}

const char *
handoff_transcript_segment_get_speaker (HandoffTranscriptSegment *self)
{
  g_return_val_if_fail (HANDOFF_IS_TRANSCRIPT_SEGMENT (self), NULL);
  return self->speaker;
}

const char *
handoff_transcript_segment_get_text (HandoffTranscriptSegment *self)
{
  g_return_val_if_fail (HANDOFF_IS_TRANSCRIPT_SEGMENT (self), NULL);
  return self->text;
}

gboolean
handoff_transcript_segment_get_final (HandoffTranscriptSegment *self)
{
  g_return_val_if_fail (HANDOFF_IS_TRANSCRIPT_SEGMENT (self), FALSE);
  return self->final;
}

gint64
handoff_transcript_segment_get_start_ms (HandoffTranscriptSegment *self)
{
  g_return_val_if_fail (HANDOFF_IS_TRANSCRIPT_SEGMENT (self), 0);
  return self->start_ms;
}

void
handoff_transcript_segment_update (HandoffTranscriptSegment *self,
                                   const char               *text,
                                   gboolean                  final)
{
  g_return_if_fail (HANDOFF_IS_TRANSCRIPT_SEGMENT (self));

  if (g_strcmp0 (self->text, text) != 0)
    {
      g_free (self->text);
      self->text = g_strdup (text ? text : "");
      g_object_notify_by_pspec (G_OBJECT (self), props[PROP_TEXT]);
    }
  if (self->final != final)
    {
      self->final = final;
      g_object_notify_by_pspec (G_OBJECT (self), props[PROP_FINAL]);
    }
}
