/* lk-room-participants.c: LkRoom's view of who is in the room — joins,
 * leaves, updates, tracks published and unpublished, speakers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-room"

#include "lk-participant-private.h"
#include "lk-room-private.h"
#include "lk-track-private.h"

/* ---- participants ---- */

static void set_away (LkRoom *self, LkParticipant *p, guint grace_s);

static void
remove_participant (LkRoom        *self,
                    LkParticipant *participant)
{
  g_autoptr(LkParticipant) p = g_object_ref (participant);
  GListModel *tracks = lk_participant_get_tracks (p);
  guint pos;

  while (g_list_model_get_n_items (tracks) > 0)
    {
      g_autoptr(LkTrack) track = g_list_model_get_item (tracks, 0);

      lk_room_media_forget_track (self, track);
      lk_participant_remove_track (p, track);
      g_signal_emit_by_name (self, "track-unpublished", p, track);
    }
  if (g_list_store_find (self->remotes, p, &pos))
    g_list_store_remove (self->remotes, pos);
  g_hash_table_remove (self->by_identity, lk_participant_get_identity (p));
  g_signal_emit_by_name (self, "participant-disconnected", p);
}

void
lk_room_apply_participant (LkRoom                         *self,
                   const Livekit__ParticipantInfo *info,
                   gboolean                        announce)
{
  LkParticipant *p;
  LkParticipantDiff diff;

  if (info->identity == NULL)
    return;
  if (self->local != NULL && g_strcmp0 (info->identity, lk_participant_get_identity (self->local)) == 0)
    {
      lk_participant_update (self->local, info, &diff);
      if (diff.info_changed)
        g_signal_emit_by_name (self, "participant-updated", self->local);
      lk_participant_diff_clear (&diff);
      return;
    }

  p = g_hash_table_lookup (self->by_identity, info->identity);
  if (p != NULL && (info->state == LIVEKIT__PARTICIPANT_INFO__STATE__DISCONNECTED ||
                    g_strcmp0 (lk_participant_get_sid (p), info->sid) != 0))
    {
      /* Gone, or the identity joined again as a new session. */
      if (info->state == LIVEKIT__PARTICIPANT_INFO__STATE__DISCONNECTED &&
          g_strcmp0 (lk_participant_get_sid (p), info->sid) != 0)
        return;  /* an old session's farewell after its successor joined */
      /* The server is going down and takes everyone's session with it (we
       * get our own leave next): they will be back like us, as new
       * sessions of the same people. */
      if (info->state == LIVEKIT__PARTICIPANT_INFO__STATE__DISCONNECTED &&
          info->disconnect_reason == LIVEKIT__DISCONNECT_REASON__SERVER_SHUTDOWN)
        {
          set_away (self, p, LK_ROOM_AWAY_GRACE_S);
          return;
        }
      if (info->state != LIVEKIT__PARTICIPANT_INFO__STATE__DISCONNECTED &&
          g_get_monotonic_time () < self->swap_until_us)
        {
          /* Shortly after our own re-join: everyone is joining again as a
           * new session (a restarted server). Same person, same object;
           * only the tracks change (the update below). Reporting a leave
           * here would end the app's call (the caller "hung up"). */
          g_debug ("%s is back as a new session", info->identity);
          g_hash_table_remove (self->away, info->identity);
        }
      else
        {
          remove_participant (self, p);
          p = NULL;
        }
    }
  if (info->state == LIVEKIT__PARTICIPANT_INFO__STATE__DISCONNECTED)
    return;

  if (p == NULL)
    {
      g_autoptr(LkParticipant) added = lk_participant_new (info, FALSE);
      GListModel *tracks = lk_participant_get_tracks (added);

      g_hash_table_insert (self->by_identity, g_strdup (info->identity), g_object_ref (added));
      g_list_store_append (self->remotes, added);
      if (announce)
        g_signal_emit_by_name (self, "participant-connected", added);
      for (guint i = 0; i < g_list_model_get_n_items (tracks); i++)
        {
          g_autoptr(LkTrack) track = g_list_model_get_item (tracks, i);
          /* Before the app hears of it: its own choice (in a handler) wins. */
          lk_room_carry_subscription (self, added, track);
          g_signal_emit_by_name (self, "track-published", added, track);
        }
      return;
    }

  lk_participant_update (p, info, &diff);
  if (diff.info_changed)
    g_signal_emit_by_name (self, "participant-updated", p);
  for (guint i = 0; i < diff.removed->len; i++)
    {
      LkTrack *track = g_ptr_array_index (diff.removed, i);
      lk_room_media_forget_track (self, track);
      g_signal_emit_by_name (self, "track-unpublished", p, track);
    }
  for (guint i = 0; i < diff.added->len; i++)
    {
      lk_room_carry_subscription (self, p, g_ptr_array_index (diff.added, i));
      g_signal_emit_by_name (self, "track-published", p, g_ptr_array_index (diff.added, i));
    }
  for (guint i = 0; i < diff.mute_changed->len; i++)
    g_signal_emit_by_name (self, "track-muted", p, g_ptr_array_index (diff.mute_changed, i));
  lk_participant_diff_clear (&diff);
}

static gboolean
on_away_expired (gpointer user_data)
{
  LkRoom *self = user_data;
  g_autoptr(GPtrArray) gone = g_ptr_array_new_with_free_func (g_object_unref);
  GHashTableIter iter;
  gpointer key;

  self->away_id = 0;
  g_hash_table_iter_init (&iter, self->away);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      LkParticipant *p = g_hash_table_lookup (self->by_identity, key);
      if (p != NULL)
        g_ptr_array_add (gone, g_object_ref (p));
    }
  g_hash_table_remove_all (self->away);
  for (guint i = 0; i < gone->len; i++)
    remove_participant (self, g_ptr_array_index (gone, i));
  return G_SOURCE_REMOVE;
}

/* @p's session ended with its server: it keeps its place (no tracks) for
 * @grace_s, and its next session is the same participant. */
static void
set_away (LkRoom        *self,
          LkParticipant *p,
          guint          grace_s)
{
  GListModel *tracks = lk_participant_get_tracks (p);

  g_debug ("%s is away until it joins again (%u s at most)", lk_participant_get_identity (p), grace_s);
  g_hash_table_add (self->away, g_strdup (lk_participant_get_identity (p)));
  self->swap_until_us = MAX (self->swap_until_us, g_get_monotonic_time () + (gint64) grace_s * G_USEC_PER_SEC);
  while (g_list_model_get_n_items (tracks) > 0)
    {
      g_autoptr(LkTrack) track = g_list_model_get_item (tracks, 0);

      lk_room_media_forget_track (self, track);
      lk_participant_remove_track (p, track);
      g_signal_emit_by_name (self, "track-unpublished", p, track);
    }
  if (self->away_id == 0)
    self->away_id = g_timeout_add_seconds (grace_s, on_away_expired, self);
}

void
lk_room_prune_participants (LkRoom                         *self,
                            Livekit__ParticipantInfo *const *infos,
                            gsize                            n_infos,
                            gboolean                         room_recreated,
                            guint                            grace_s)
{
  g_autoptr(GPtrArray) gone = g_ptr_array_new_with_free_func (g_object_unref);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->remotes));

  self->swap_until_us = g_get_monotonic_time () + (gint64) grace_s * G_USEC_PER_SEC;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(LkParticipant) p = g_list_model_get_item (G_LIST_MODEL (self->remotes), i);
      gboolean present = FALSE;

      for (gsize k = 0; k < n_infos && !present; k++)
        present = g_strcmp0 (infos[k]->identity, lk_participant_get_identity (p)) == 0;
      if (!present)
        g_ptr_array_add (gone, g_object_ref (p));
    }
  for (guint i = 0; i < gone->len; i++)
    {
      LkParticipant *p = g_ptr_array_index (gone, i);

      /* The same room, still running: its list is the truth. A room made
       * anew (the server restarted) fills up as the others join again:
       * who is missing gets the grace period to come back. */
      if (!room_recreated)
        {
          remove_participant (self, p);
          continue;
        }
      set_away (self, p, grace_s);
    }
}

void
lk_room_forget_away (LkRoom *self)
{
  g_clear_handle_id (&self->away_id, g_source_remove);
  g_hash_table_remove_all (self->away);
  self->swap_until_us = 0;
}

static LkParticipant *
participant_by_sid (LkRoom     *self,
                    const char *sid)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->remotes));

  if (self->local != NULL && g_strcmp0 (lk_participant_get_sid (self->local), sid) == 0)
    return self->local;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(LkParticipant) p = g_list_model_get_item (G_LIST_MODEL (self->remotes), i);
      if (g_strcmp0 (lk_participant_get_sid (p), sid) == 0)
        return p;
    }
  return NULL;
}

static int
by_level (gconstpointer a,
          gconstpointer b)
{
  float x = lk_participant_get_audio_level (*(LkParticipant **) a);
  float y = lk_participant_get_audio_level (*(LkParticipant **) b);

  return x > y ? -1 : x < y;
}

void
lk_room_apply_speakers (LkRoom                         *self,
                const Livekit__SpeakersChanged *changed)
{
  g_autoptr(GPtrArray) active = g_ptr_array_new_with_free_func (g_object_unref);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->remotes));

  /* Protocol > 2: deltas, one entry per participant whose state changed. */
  for (gsize i = 0; i < changed->n_speakers; i++)
    {
      LkParticipant *p = participant_by_sid (self, changed->speakers[i]->sid);
      if (p != NULL)
        lk_participant_set_speaking (p, changed->speakers[i]->active, changed->speakers[i]->level);
    }
  if (self->local != NULL && lk_participant_is_speaking (self->local))
    g_ptr_array_add (active, g_object_ref (self->local));
  for (guint i = 0; i < n; i++)
    {
      LkParticipant *p = g_list_model_get_item (G_LIST_MODEL (self->remotes), i);
      if (lk_participant_is_speaking (p))
        g_ptr_array_add (active, p);
      else
        g_object_unref (p);
    }
  g_ptr_array_sort (active, by_level);
  g_signal_emit_by_name (self, "active-speakers-changed", active);
}

