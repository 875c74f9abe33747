/* lk-room-data.c: LkRoom's data — user packets, text streams, and the
 * requests that change what others receive (permissions, subscriptions,
 * metadata)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-room"

#include <string.h>

#include "lk-participant-private.h"
#include "lk-room-private.h"
#include "lk-track-private.h"

/* ---- data ---- */

static void
on_text_stream (const char *identity,
                const char *topic,
                const char *text,
                GHashTable *attributes,
                const char *stream_id,
                gpointer    user_data)
{
  g_signal_emit_by_name (user_data, "text-received", identity, topic, text, attributes, stream_id);
}

void
lk_room_handle_data_packet (LkRoom *self,
                            GBytes *bytes)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  Livekit__DataPacket *packet = livekit__data_packet__unpack (NULL, len, data);

  if (packet == NULL)
    {
      g_warning ("dropping %" G_GSIZE_FORMAT " bytes that are not a DataPacket", len);
      return;
    }
  switch (packet->value_case)
    {
    case LIVEKIT__DATA_PACKET__VALUE_USER:
      {
        g_autoptr(GBytes) payload = g_bytes_new (packet->user->payload.data, packet->user->payload.len);
        g_signal_emit_by_name (self, "data-received", packet->participant_identity,
                       packet->user->topic, payload);
        break;
      }
    case LIVEKIT__DATA_PACKET__VALUE_CHAT_MESSAGE:
      g_signal_emit_by_name (self, "text-received", packet->participant_identity,
                     LK_TOPIC_CHAT, packet->chat_message->message, NULL, packet->chat_message->id);
      break;
    case LIVEKIT__DATA_PACKET__VALUE_STREAM_HEADER:
    case LIVEKIT__DATA_PACKET__VALUE_STREAM_CHUNK:
    case LIVEKIT__DATA_PACKET__VALUE_STREAM_TRAILER:
      lk_text_stream_reader_push (self->reader, packet, on_text_stream, self);
      break;
    case LIVEKIT__DATA_PACKET__VALUE__NOT_SET:
    case LIVEKIT__DATA_PACKET__VALUE_TRANSCRIPTION:
    default:
      break;
    }
  livekit__data_packet__free_unpacked (packet, NULL);
}

/* ---- data, permissions, metadata ---- */

static gboolean
check_connected (LkRoom  *self,
                 GError **error)
{
  if (self->state == LK_CONNECTION_STATE_CONNECTED || self->state == LK_CONNECTION_STATE_RECONNECTING)
    return TRUE;
  g_set_error (error, LK_ERROR, LK_ERROR_DISCONNECTED, "not connected");
  return FALSE;
}

void
lk_room_send_data_async (LkRoom              *self,
                         GBytes              *payload,
                         const char          *topic,
                         const char * const  *destination_identities,
                         gboolean             reliable,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GBytes) packet = NULL;
  GError *error = NULL;

  g_return_if_fail (LK_IS_ROOM (self));
  g_return_if_fail (payload != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, lk_room_send_data_async);
  if (!check_connected (self, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  packet = lk_data_packet_build_user (payload, topic, destination_identities, reliable);
  lk_room_media_send_packet (self, packet, reliable, task);
}

gboolean
lk_room_send_data_finish (LkRoom        *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
lk_room_send_text_async (LkRoom              *self,
                         const char          *text,
                         const char          *topic,
                         GHashTable          *attributes,
                         const char * const  *destination_identities,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GPtrArray) packets = NULL;
  GError *error = NULL;

  g_return_if_fail (LK_IS_ROOM (self));
  g_return_if_fail (text != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, lk_room_send_text_async);
  if (!g_utf8_validate (text, -1, NULL))
    {
      g_task_return_new_error (task, LK_ERROR, LK_ERROR_INVALID_ARGUMENT, "the text is not UTF-8");
      return;
    }
  if (!check_connected (self, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  packets = lk_data_packet_build_text_stream (text, topic, attributes, destination_identities,
                                              LK_TEXT_STREAM_CHUNK_SIZE);
  /* Reliable packets on one ordered channel: the task completes with the last. */
  for (guint i = 0; i < packets->len; i++)
    lk_room_media_send_packet (self, g_ptr_array_index (packets, i), TRUE,
                               i + 1 == packets->len ? task : NULL);
}

gboolean
lk_room_send_text_finish (LkRoom        *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
lk_room_set_track_permissions (LkRoom                  *self,
                               gboolean                 all_participants,
                               const LkTrackPermission *permissions,
                               guint                    n_permissions,
                               GError                 **error)
{
  Livekit__SignalRequest req = LIVEKIT__SIGNAL_REQUEST__INIT;
  Livekit__SubscriptionPermission perm = LIVEKIT__SUBSCRIPTION_PERMISSION__INIT;
  g_autofree Livekit__TrackPermission *items = NULL;
  g_autofree Livekit__TrackPermission **ptrs = NULL;
  g_autofree guint8 *buf = NULL;
  gsize len;

  g_return_val_if_fail (LK_IS_ROOM (self), FALSE);
  g_return_val_if_fail (permissions != NULL || n_permissions == 0, FALSE);

  items = g_new0 (Livekit__TrackPermission, n_permissions + 1);
  ptrs = g_new0 (Livekit__TrackPermission *, n_permissions + 1);
  for (guint i = 0; i < n_permissions; i++)
    {
      if (permissions[i].participant_identity == NULL)
        {
          g_set_error (error, LK_ERROR, LK_ERROR_INVALID_ARGUMENT, "a permission without an identity");
          return FALSE;
        }
      livekit__track_permission__init (&items[i]);
      items[i].participant_identity = (char *) permissions[i].participant_identity;
      items[i].all_tracks = permissions[i].all_tracks;
      if (!permissions[i].all_tracks && permissions[i].track_sids != NULL)
        {
          items[i].n_track_sids = g_strv_length ((char **) permissions[i].track_sids);
          items[i].track_sids = (char **) permissions[i].track_sids;
        }
      ptrs[i] = &items[i];
    }
  perm.all_participants = all_participants;
  perm.n_track_permissions = all_participants ? 0 : n_permissions;
  perm.track_permissions = ptrs;
  req.message_case = LIVEKIT__SIGNAL_REQUEST__MESSAGE_SUBSCRIPTION_PERMISSION;
  req.subscription_permission = &perm;

  len = livekit__signal_request__get_packed_size (&req);
  buf = g_malloc (len);
  livekit__signal_request__pack (&req, buf);
  g_clear_pointer (&self->permissions, g_bytes_unref);
  self->permissions = g_bytes_new (buf, len);
  /* Before the join it goes out with the join; while the signal is away,
   * with the resume. */
  if (!lk_room_signal_is_up (self))
    return TRUE;
  return lk_signal_client_send_packed (self->signal, self->permissions, error);
}

void
lk_room_rename_permission_track (LkRoom     *self,
                                 const char *old_sid,
                                 const char *new_sid)
{
  Livekit__SignalRequest *req;
  GPtrArray *renamed;
  g_autofree guint8 *buf = NULL;
  gsize len;

  if (self->permissions == NULL || old_sid == NULL || new_sid == NULL)
    return;
  req = livekit__signal_request__unpack (NULL, g_bytes_get_size (self->permissions),
                                         g_bytes_get_data (self->permissions, NULL));
  if (req == NULL)
    return;
  if (req->message_case != LIVEKIT__SIGNAL_REQUEST__MESSAGE_SUBSCRIPTION_PERMISSION)
    {
      livekit__signal_request__free_unpacked (req, NULL);
      return;
    }
  /* Pointers swapped in for packing, swapped back before the message is
   * freed (it owns only its own strings). */
  renamed = g_ptr_array_new ();
  for (gsize i = 0; i < req->subscription_permission->n_track_permissions; i++)
    {
      Livekit__TrackPermission *tp = req->subscription_permission->track_permissions[i];

      for (gsize k = 0; k < tp->n_track_sids; k++)
        if (g_strcmp0 (tp->track_sids[k], old_sid) == 0)
          {
            g_ptr_array_add (renamed, &tp->track_sids[k]);
            g_ptr_array_add (renamed, tp->track_sids[k]);
            tp->track_sids[k] = (char *) new_sid;
          }
    }
  if (renamed->len > 0)
    {
      len = livekit__signal_request__get_packed_size (req);
      buf = g_malloc (len);
      livekit__signal_request__pack (req, buf);
      g_clear_pointer (&self->permissions, g_bytes_unref);
      self->permissions = g_bytes_new (buf, len);
      if (lk_room_signal_is_up (self))
        lk_signal_client_send_packed (self->signal, self->permissions, NULL);
    }
  for (guint i = 0; i < renamed->len; i += 2)
    *(char **) g_ptr_array_index (renamed, i) = g_ptr_array_index (renamed, i + 1);
  g_ptr_array_unref (renamed);
  livekit__signal_request__free_unpacked (req, NULL);
}

gboolean
lk_room_set_subscription_permissions (LkRoom             *self,
                                      gboolean            all_participants,
                                      const char * const *allowed_identities,
                                      GError            **error)
{
  guint n = allowed_identities != NULL ? g_strv_length ((char **) allowed_identities) : 0;
  g_autofree LkTrackPermission *perms = g_new0 (LkTrackPermission, n + 1);

  g_return_val_if_fail (LK_IS_ROOM (self), FALSE);

  for (guint i = 0; i < n; i++)
    {
      perms[i].participant_identity = allowed_identities[i];
      perms[i].all_tracks = TRUE;
    }
  return lk_room_set_track_permissions (self, all_participants, perms, n, error);
}

gboolean
lk_room_send_subscription (LkRoom             *self,
                           const char * const *track_sids,
                           gboolean            subscribe)
{
  Livekit__SignalRequest req = LIVEKIT__SIGNAL_REQUEST__INIT;
  Livekit__UpdateSubscription update = LIVEKIT__UPDATE_SUBSCRIPTION__INIT;
  gsize n = track_sids != NULL ? g_strv_length ((char **) track_sids) : 0;
  g_autofree Livekit__ParticipantTracks *pts = g_new0 (Livekit__ParticipantTracks, n + 1);
  g_autofree Livekit__ParticipantTracks **ptrs = g_new0 (Livekit__ParticipantTracks *, n + 1);
  gsize m = 0;

  update.n_track_sids = n;
  update.track_sids = (char **) track_sids;
  update.subscribe = subscribe;
  for (gsize i = 0; i < n; i++)
    {
      LkParticipant *owner = NULL;

      if (lk_room_find_remote_track (self, track_sids[i], &owner) == NULL)
        continue;
      livekit__participant_tracks__init (&pts[m]);
      pts[m].participant_sid = (char *) lk_participant_get_sid (owner);
      pts[m].n_track_sids = 1;
      pts[m].track_sids = (char **) &track_sids[i];
      ptrs[m] = &pts[m];
      m++;
    }
  update.n_participant_tracks = m;
  update.participant_tracks = ptrs;
  req.message_case = LIVEKIT__SIGNAL_REQUEST__MESSAGE_SUBSCRIPTION;
  req.subscription = &update;
  return lk_room_send_request (self, &req, NULL);
}

gboolean
lk_room_update_subscription (LkRoom             *self,
                             const char * const *track_sids,
                             gboolean            subscribe)
{
  gsize n = track_sids != NULL ? g_strv_length ((char **) track_sids) : 0;

  g_return_val_if_fail (LK_IS_ROOM (self), FALSE);
  if ((self->state != LK_CONNECTION_STATE_CONNECTED &&
       self->state != LK_CONNECTION_STATE_RECONNECTING) || n == 0)
    return FALSE;

  /* An app's unsubscribe sticks: the automatic re-subscribe on a
   * permission grant leaves these alone until the app subscribes again. */
  for (gsize i = 0; i < n; i++)
    {
      LkParticipant *owner = NULL;
      LkTrack *track;

      /* The app decides now, not the stall watch. */
      g_hash_table_remove (self->stall_resubscribing, track_sids[i]);
      if (subscribe)
        {
          g_hash_table_remove (self->app_unsubscribed, track_sids[i]);
          continue;
        }
      /* Kept by owner and name too: a restarted server gives the track a
       * new sid (lk_room_carry_subscription). */
      track = lk_room_find_remote_track (self, track_sids[i], &owner);
      if (track != NULL)
        g_hash_table_insert (self->app_unsubscribed, g_strdup (track_sids[i]),
                             lk_room_carry_key (owner, track));
      else if (!g_hash_table_contains (self->app_unsubscribed, track_sids[i]))
        g_hash_table_insert (self->app_unsubscribed, g_strdup (track_sids[i]), NULL);
    }
  /* Lost, it could leave us deaf to someone for the rest of the call (with
   * auto-subscribe off, or a grant's re-subscribe): it waits for the
   * session to come back instead. */
  if (!lk_room_signal_is_up (self))
    {
      for (gsize i = 0; i < n; i++)
        g_hash_table_insert (self->held_subscriptions, g_strdup (track_sids[i]),
                             GINT_TO_POINTER (subscribe));
      return TRUE;
    }
  return lk_room_send_subscription (self, track_sids, subscribe);
}

void
lk_room_send_held_subscriptions (LkRoom *self)
{
  g_autoptr(GPtrArray) on = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) off = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) held = g_steal_pointer (&self->held_subscriptions);
  GHashTableIter iter;
  gpointer key, value;

  self->held_subscriptions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  /* Every unsubscribe again, not only the held ones: one sent into a
   * connection that was already dying is lost without an error. */
  g_hash_table_iter_init (&iter, self->app_unsubscribed);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (lk_room_find_remote_track (self, key, NULL) != NULL)
      g_ptr_array_add (off, g_strdup (key));
  g_hash_table_iter_init (&iter, held);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (GPOINTER_TO_INT (value) && !g_hash_table_contains (self->app_unsubscribed, key) &&
        lk_room_find_remote_track (self, key, NULL) != NULL)
      g_ptr_array_add (on, g_strdup (key));
  g_ptr_array_add (off, NULL);
  g_ptr_array_add (on, NULL);
  if (off->len > 1)
    lk_room_update_subscription (self, (const char * const *) off->pdata, FALSE);
  if (on->len > 1)
    lk_room_update_subscription (self, (const char * const *) on->pdata, TRUE);
}

static gboolean
send_metadata (LkRoom      *self,
               const char  *metadata,
               GHashTable  *attributes,
               GError     **error)
{
  Livekit__SignalRequest req = LIVEKIT__SIGNAL_REQUEST__INIT;
  Livekit__UpdateParticipantMetadata update = LIVEKIT__UPDATE_PARTICIPANT_METADATA__INIT;
  gsize n = attributes != NULL ? g_hash_table_size (attributes) : 0;
  g_autofree Livekit__StringPair *pairs = g_new0 (Livekit__StringPair, n + 1);
  g_autofree Livekit__StringPair **ptrs = g_new0 (Livekit__StringPair *, n + 1);
  GHashTableIter iter;
  gpointer key, value;
  gsize i = 0;

  if (!check_connected (self, error))
    return FALSE;
  if (attributes != NULL)
    {
      g_hash_table_iter_init (&iter, attributes);
      while (g_hash_table_iter_next (&iter, &key, &value))
        {
          livekit__string_pair__init (&pairs[i]);
          pairs[i].key = key;
          pairs[i].value = value;
          ptrs[i] = &pairs[i];
          i++;
        }
    }
  update.metadata = (char *) (metadata != NULL ? metadata : lk_participant_get_metadata (self->local));
  if (update.metadata == NULL)
    update.metadata = (char *) "";
  update.name = (char *) (lk_participant_get_name (self->local) ? lk_participant_get_name (self->local) : "");
  update.n_attributes = n;
  update.attributes = ptrs;
  req.message_case = LIVEKIT__SIGNAL_REQUEST__MESSAGE_UPDATE_METADATA;
  req.update_metadata = &update;
  return lk_room_send_request (self, &req, error);
}

gboolean
lk_room_set_metadata (LkRoom      *self,
                      const char  *metadata,
                      GError     **error)
{
  g_return_val_if_fail (LK_IS_ROOM (self), FALSE);
  g_return_val_if_fail (metadata != NULL, FALSE);
  return send_metadata (self, metadata, NULL, error);
}

gboolean
lk_room_set_attributes (LkRoom      *self,
                        GHashTable  *attributes,
                        GError     **error)
{
  g_return_val_if_fail (LK_IS_ROOM (self), FALSE);
  g_return_val_if_fail (attributes != NULL, FALSE);
  return send_metadata (self, NULL, attributes, error);
}

