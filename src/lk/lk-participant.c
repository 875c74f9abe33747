/* lk-participant.c: a participant of a LiveKit room (local or remote)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-participant"

#include <string.h>

#include "lk-participant-private.h"
#include "lk-track-private.h"

struct _LkParticipant {
  GObject parent_instance;

  char *sid;
  char *identity;
  char *name;
  char *metadata;
  GHashTable *attributes;
  LkParticipantKind kind;
  gboolean local;
  gboolean speaking;
  float audio_level;
  guint version;
  GListStore *tracks;
};

G_DEFINE_FINAL_TYPE (LkParticipant, lk_participant, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_NAME,
  PROP_METADATA,
  PROP_SPEAKING,
  PROP_AUDIO_LEVEL,
  N_PROPS
};

static GParamSpec *props[N_PROPS];

static gboolean
set_string (char       **field,
            const char  *value)
{
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;
  g_free (*field);
  *field = g_strdup (value);
  return TRUE;
}

static gboolean
attributes_equal (GHashTable                     *table,
                  const Livekit__ParticipantInfo *info)
{
  if (g_hash_table_size (table) != info->n_attributes)
    return FALSE;
  for (gsize i = 0; i < info->n_attributes; i++)
    if (g_strcmp0 (g_hash_table_lookup (table, info->attributes[i]->key), info->attributes[i]->value) != 0)
      return FALSE;
  return TRUE;
}

void
lk_participant_update (LkParticipant                  *self,
                       const Livekit__ParticipantInfo *info,
                       LkParticipantDiff              *diff)
{
  guint n;

  memset (diff, 0, sizeof *diff);
  diff->added = g_ptr_array_new_with_free_func (g_object_unref);
  diff->removed = g_ptr_array_new_with_free_func (g_object_unref);
  diff->mute_changed = g_ptr_array_new_with_free_func (g_object_unref);

  /* Updates may arrive out of order; the version orders them. A new
   * session (our own after a full re-join, a restarted server) counts its
   * versions from the start again. */
  if (info->version != 0 && info->version < self->version &&
      (info->sid == NULL || g_strcmp0 (info->sid, self->sid) == 0))
    return;
  self->version = info->version;
  set_string (&self->sid, info->sid);
  self->kind = (LkParticipantKind) info->kind;

  if (set_string (&self->name, info->name))
    {
      diff->info_changed = TRUE;
      g_object_notify_by_pspec (G_OBJECT (self), props[PROP_NAME]);
    }
  if (set_string (&self->metadata, info->metadata))
    {
      diff->info_changed = TRUE;
      g_object_notify_by_pspec (G_OBJECT (self), props[PROP_METADATA]);
    }
  if (!attributes_equal (self->attributes, info))
    {
      g_hash_table_remove_all (self->attributes);
      for (gsize i = 0; i < info->n_attributes; i++)
        g_hash_table_insert (self->attributes, g_strdup (info->attributes[i]->key),
                             g_strdup (info->attributes[i]->value));
      diff->info_changed = TRUE;
    }

  if (self->local)
    return;

  /* Tracks: local tracks are ours to manage; remote ones follow the info. */
  n = g_list_model_get_n_items (G_LIST_MODEL (self->tracks));
  for (guint i = n; i > 0; i--)
    {
      g_autoptr(LkTrack) track = g_list_model_get_item (G_LIST_MODEL (self->tracks), i - 1);
      gboolean present = FALSE;

      for (gsize k = 0; k < info->n_tracks && !present; k++)
        present = g_strcmp0 (info->tracks[k]->sid, lk_track_get_sid (track)) == 0;
      if (!present)
        {
          g_list_store_remove (self->tracks, i - 1);
          g_ptr_array_add (diff->removed, g_object_ref (track));
        }
    }
  for (gsize k = 0; k < info->n_tracks; k++)
    {
      LkTrack *track = lk_participant_lookup_track (self, info->tracks[k]->sid);

      if (info->tracks[k]->type != LIVEKIT__TRACK_TYPE__AUDIO)
        continue;
      if (track == NULL)
        {
          g_autoptr(LkTrack) added = lk_track_new_remote (info->tracks[k], self->identity);
          g_list_store_append (self->tracks, added);
          g_ptr_array_add (diff->added, g_object_ref (added));
        }
      else if (lk_track_update_info (track, info->tracks[k]))
        g_ptr_array_add (diff->mute_changed, g_object_ref (track));
    }
}

void
lk_participant_diff_clear (LkParticipantDiff *diff)
{
  g_clear_pointer (&diff->added, g_ptr_array_unref);
  g_clear_pointer (&diff->removed, g_ptr_array_unref);
  g_clear_pointer (&diff->mute_changed, g_ptr_array_unref);
}

void
lk_participant_add_track (LkParticipant *self,
                          LkTrack       *track)
{
  g_list_store_append (self->tracks, track);
}

void
lk_participant_remove_track (LkParticipant *self,
                             LkTrack       *track)
{
  guint pos;

  if (g_list_store_find (self->tracks, track, &pos))
    g_list_store_remove (self->tracks, pos);
}

void
lk_participant_set_speaking (LkParticipant *self,
                             gboolean       speaking,
                             float          level)
{
  speaking = !!speaking;
  if (self->audio_level != level)
    {
      self->audio_level = level;
      g_object_notify_by_pspec (G_OBJECT (self), props[PROP_AUDIO_LEVEL]);
    }
  if (self->speaking != speaking)
    {
      self->speaking = speaking;
      g_object_notify_by_pspec (G_OBJECT (self), props[PROP_SPEAKING]);
    }
}

void
lk_participant_set_sid (LkParticipant *self,
                        const char    *sid)
{
  set_string (&self->sid, sid);
}

const char *
lk_participant_get_sid (LkParticipant *self)
{
  g_return_val_if_fail (LK_IS_PARTICIPANT (self), NULL);
  return self->sid;
}

const char *
lk_participant_get_identity (LkParticipant *self)
{
  g_return_val_if_fail (LK_IS_PARTICIPANT (self), NULL);
  return self->identity;
}

const char *
lk_participant_get_name (LkParticipant *self)
{
  g_return_val_if_fail (LK_IS_PARTICIPANT (self), NULL);
  return self->name;
}

const char *
lk_participant_get_metadata (LkParticipant *self)
{
  g_return_val_if_fail (LK_IS_PARTICIPANT (self), NULL);
  return self->metadata;
}

LkParticipantKind
lk_participant_get_kind (LkParticipant *self)
{
  g_return_val_if_fail (LK_IS_PARTICIPANT (self), LK_PARTICIPANT_KIND_STANDARD);
  return self->kind;
}

gboolean
lk_participant_is_local (LkParticipant *self)
{
  g_return_val_if_fail (LK_IS_PARTICIPANT (self), FALSE);
  return self->local;
}

GHashTable *
lk_participant_get_attributes (LkParticipant *self)
{
  g_return_val_if_fail (LK_IS_PARTICIPANT (self), NULL);
  return self->attributes;
}

const char *
lk_participant_get_attribute (LkParticipant *self,
                              const char    *key)
{
  g_return_val_if_fail (LK_IS_PARTICIPANT (self), NULL);
  return g_hash_table_lookup (self->attributes, key);
}

gboolean
lk_participant_is_speaking (LkParticipant *self)
{
  g_return_val_if_fail (LK_IS_PARTICIPANT (self), FALSE);
  return self->speaking;
}

float
lk_participant_get_audio_level (LkParticipant *self)
{
  g_return_val_if_fail (LK_IS_PARTICIPANT (self), 0);
  return self->audio_level;
}

GListModel *
lk_participant_get_tracks (LkParticipant *self)
{
  g_return_val_if_fail (LK_IS_PARTICIPANT (self), NULL);
  return G_LIST_MODEL (self->tracks);
}

LkTrack *
lk_participant_lookup_track (LkParticipant *self,
                             const char    *track_sid)
{
  guint n;

  g_return_val_if_fail (LK_IS_PARTICIPANT (self), NULL);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->tracks));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(LkTrack) track = g_list_model_get_item (G_LIST_MODEL (self->tracks), i);
      if (g_strcmp0 (lk_track_get_sid (track), track_sid) == 0)
        return track;  /* the store keeps it alive */
    }
  return NULL;
}

static void
lk_participant_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  LkParticipant *self = LK_PARTICIPANT (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_METADATA:
      g_value_set_string (value, self->metadata);
      break;
    case PROP_SPEAKING:
      g_value_set_boolean (value, self->speaking);
      break;
    case PROP_AUDIO_LEVEL:
      g_value_set_float (value, self->audio_level);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lk_participant_dispose (GObject *object)
{
  LkParticipant *self = LK_PARTICIPANT (object);

  if (self->tracks != NULL)
    g_list_store_remove_all (self->tracks);
  g_clear_object (&self->tracks);

  G_OBJECT_CLASS (lk_participant_parent_class)->dispose (object);
}

static void
lk_participant_finalize (GObject *object)
{
  LkParticipant *self = LK_PARTICIPANT (object);

  g_free (self->sid);
  g_free (self->identity);
  g_free (self->name);
  g_free (self->metadata);
  g_hash_table_unref (self->attributes);

  G_OBJECT_CLASS (lk_participant_parent_class)->finalize (object);
}

static void
lk_participant_class_init (LkParticipantClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = lk_participant_get_property;
  object_class->dispose = lk_participant_dispose;
  object_class->finalize = lk_participant_finalize;

  props[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL,
                                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  props[PROP_METADATA] = g_param_spec_string ("metadata", NULL, NULL, NULL,
                                              G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  props[PROP_SPEAKING] = g_param_spec_boolean ("speaking", NULL, NULL, FALSE,
                                               G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  props[PROP_AUDIO_LEVEL] = g_param_spec_float ("audio-level", NULL, NULL, 0, 1, 0,
                                                G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
lk_participant_init (LkParticipant *self)
{
  self->attributes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->tracks = g_list_store_new (LK_TYPE_TRACK);
}

LkParticipant *
lk_participant_new (const Livekit__ParticipantInfo *info,
                    gboolean                        local)
{
  LkParticipant *self = g_object_new (LK_TYPE_PARTICIPANT, NULL);
  LkParticipantDiff diff;

  self->identity = g_strdup (info->identity);
  self->local = local;
  lk_participant_update (self, info, &diff);
  lk_participant_diff_clear (&diff);
  return self;
}
