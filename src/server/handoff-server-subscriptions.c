/* handoff-server-subscriptions.c: the caller's subscriptions to an agent's
 * tracks (hold, release, merge), applied in the order they were asked for
 *
 * Each change is two LiveKit calls (ListParticipants for the agent's track
 * sids, then UpdateSubscriptions). Two changes made in quick succession —
 * B's Ready takes B's tracks from the caller, A's Connect and B's second
 * Ready give them back a moment later — must not overtake each other on
 * their way to LiveKit, or the caller ends up unsubscribed from B for the
 * rest of the call (livekit-client in a browser does not subscribe again
 * by itself; seen ~1 run in 7 of test-e2e-browser on a loaded machine). So
 * the changes of one room go one at a time, each after the previous
 * UpdateSubscriptions has answered.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "handoff-server"

#include "handoff-server-private.h"

#include <string.h>

/* The name under which agents' apps publish hold music (src/core). */
#define HOLD_MUSIC_TRACK "hold-music"

typedef struct {
  HandoffServer *server;
  char *room;
  char *caller;
  char *publisher;
  gboolean subscribe;
} SubscriptionData;

static void
subscription_data_free (SubscriptionData *data)
{
  g_object_unref (data->server);
  g_free (data->room);
  g_free (data->caller);
  g_free (data->publisher);
  g_free (data);
}

static void participants_listed (GObject      *source,
                                 GAsyncResult *result,
                                 gpointer      user_data);

static void
start (SubscriptionData *data)
{
  handoff_twirp_list_participants_async (data->server->twirp, data->room,
                                         data->server->cancellable, participants_listed, data);
}

/* @data (the head of its room's queue) is done: the next change may go. */
static void
finish (SubscriptionData *data)
{
  HandoffServer *self = data->server;
  GQueue *queue = g_hash_table_lookup (self->subscription_queues, data->room);

  g_assert (queue != NULL && g_queue_peek_head (queue) == data);
  g_queue_pop_head (queue);
  if (g_queue_is_empty (queue))
    g_hash_table_remove (self->subscription_queues, data->room);
  else
    start (g_queue_peek_head (queue));
  subscription_data_free (data);
}

static void
subscriptions_updated (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  SubscriptionData *data = user_data;

  handoff_server_twirp_logged (data->server, source, result, "UpdateSubscriptions");
  finish (data);
}

static void
participants_listed (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  SubscriptionData *data = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) reply = handoff_twirp_call_finish (HANDOFF_TWIRP (source), result,
                                                           &error);
  g_autoptr(GPtrArray) sids = g_ptr_array_new_with_free_func (g_free);
  JsonArray *participants;
  gboolean caller_present = FALSE;

  if (reply == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_message ("ListParticipants for %s failed: %s", data->room, error->message);
      finish (data);
      return;
    }
  participants = json_object_has_member (reply, "participants")
                 ? json_object_get_array_member (reply, "participants") : NULL;
  for (guint i = 0; participants != NULL && i < json_array_get_length (participants); i++)
    {
      JsonObject *p = json_array_get_object_element (participants, i);
      const char *identity = json_object_get_string_member_with_default (p, "identity", "");
      JsonArray *tracks;

      if (strcmp (identity, data->caller) == 0)
        caller_present = TRUE;
      if (strcmp (identity, data->publisher) != 0 || !json_object_has_member (p, "tracks"))
        continue;
      tracks = json_object_get_array_member (p, "tracks");
      for (guint j = 0; j < json_array_get_length (tracks); j++)
        {
          JsonObject *track = json_array_get_object_element (tracks, j);

          /* A's app starts publishing its hold music as the transfer starts,
           * so the list may already hold it (even still pending): taking it
           * from the caller would leave the caller in silence. Its own track
           * permissions say who hears it. */
          if (g_strcmp0 (json_object_get_string_member_with_default (track, "name", NULL),
                         HOLD_MUSIC_TRACK) == 0)
            continue;
          g_ptr_array_add (sids, g_strdup (json_object_get_string_member_with_default (track, "sid", "")));
        }
    }
  if (!caller_present || sids->len == 0)
    {
      finish (data);
      return;
    }
  g_ptr_array_add (sids, NULL);
  handoff_twirp_update_subscriptions_async (HANDOFF_TWIRP (source), data->room, data->caller,
                                            (const char * const *) sids->pdata, data->subscribe,
                                            data->server->cancellable, subscriptions_updated,
                                            data);
}

void
handoff_server_subscribe_caller (HandoffServer *self,
                                 const char    *call_id,
                                 const char    *publisher,
                                 gboolean       subscribe)
{
  SubscriptionData *data = g_new0 (SubscriptionData, 1);
  GQueue *queue;

  data->server = g_object_ref (self);
  data->room = g_strconcat ("call-", call_id, NULL);
  data->caller = g_strconcat ("caller-", call_id, NULL);
  data->publisher = g_strdup (publisher);
  data->subscribe = subscribe;

  queue = g_hash_table_lookup (self->subscription_queues, data->room);
  if (queue == NULL)
    {
      queue = g_queue_new ();
      g_hash_table_insert (self->subscription_queues, g_strdup (data->room), queue);
    }
  g_queue_push_tail (queue, data);
  if (g_queue_get_length (queue) == 1)
    start (data);
}

/* livekit-server restarted (or lost the room): everyone joins its new room
 * as a new session with new track sids, and the new server subscribes the
 * caller to everything — it knows nothing of the hold. So whenever someone
 * joins a call's room (LiveKit says participant_joined once the session is
 * ACTIVE, after it subscribed that session to every track) or publishes a
 * track in it (after subscribing the others to it), the hold of a transfer
 * in progress is applied again: the caller off A from the start of the
 * transfer until Connect, and off B too once B said Ready (consulting).
 * Twice is harmless, so nothing tells a restart from an ordinary join. */
void
handoff_server_hold_again (HandoffServer *self,
                           const char    *call_id)
{
  g_autoptr(JsonArray) held = handoff_store_query (
    self->store,
    "SELECT t.state AS state, a.username AS owner, b.username AS target "
    "FROM transfers t JOIN agents a ON a.id = t.from_agent_id "
    "LEFT JOIN agents b ON b.id = t.to_agent_id "
    "WHERE t.call_id = ? AND t.state IN ('offered', 'accepted', 'consulting')",
    g_variant_new ("(s)", call_id), NULL);

  for (guint i = 0; held != NULL && i < json_array_get_length (held); i++)
    {
      JsonObject *row = json_array_get_object_element (held, i);
      const char *target = json_object_get_string_member_with_default (row, "target", NULL);
      g_autofree char *owner = g_strconcat ("agent-",
                                            json_object_get_string_member (row, "owner"), NULL);

      handoff_server_subscribe_caller (self, call_id, owner, FALSE);
      if (target != NULL && strcmp (json_object_get_string_member (row, "state"), "consulting") == 0)
        {
          g_autofree char *identity = g_strconcat ("agent-", target, NULL);

          handoff_server_subscribe_caller (self, call_id, identity, FALSE);
        }
    }
}
