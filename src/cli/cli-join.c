/* cli-join.c: handoff-cli join URL TOKEN [--seconds N] [--tone HZ] [--identity-check]
 *
 * A headless participant for scripts and benchmarks. Joins the room,
 * publishes a tone (--tone HZ) or the HANDOFF_AUDIO_SRC pipeline if set,
 * plays what it hears to HANDOFF_AUDIO_SINK (default autoaudiosink), and
 * prints one JSON object per line on stdout for each event:
 *   joined, published, participant_connected, participant_disconnected,
 *   participant_updated, speakers, track_subscribed, track_unsubscribed,
 *   data, text, reconnecting, reconnected, disconnected.
 * Every object has "event" and "t" (ms since the command started).
 * --identity-check joins, prints "joined" and leaves (a token check).
 * Ends after --seconds N, on SIGINT/SIGTERM, or when the room ends; the
 * exit status is 0 after a clean leave, 1 on errors.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "handoff-cli"

#include "config.h"

#include <glib-unix.h>
#include <gst/gst.h>
#include <json-glib/json-glib.h>
#include <stdio.h>

#include "cli-commands.h"
#include "lk-room.h"

typedef struct {
  GMainLoop *loop;
  LkRoom *room;
  gint64 start_us;
  int status;
  gboolean leaving;
} Join;

static JsonBuilder *
begin_event (Join       *join,
             const char *name)
{
  JsonBuilder *b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "event");
  json_builder_add_string_value (b, name);
  json_builder_set_member_name (b, "t");
  json_builder_add_int_value (b, (g_get_monotonic_time () - join->start_us) / 1000);
  return b;
}

static void
add_string (JsonBuilder *b,
            const char  *key,
            const char  *value)
{
  json_builder_set_member_name (b, key);
  if (value != NULL)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

static void
end_event (JsonBuilder *b)
{
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;

  json_builder_end_object (b);
  root = json_builder_get_root (b);
  text = json_to_string (root, FALSE);
  printf ("%s\n", text);
  fflush (stdout);
  g_object_unref (b);
}

static void
add_participant (JsonBuilder   *b,
                 LkParticipant *p)
{
  add_string (b, "identity", lk_participant_get_identity (p));
  add_string (b, "sid", lk_participant_get_sid (p));
  add_string (b, "name", lk_participant_get_name (p));
}

static void
on_participant (LkRoom        *room,
                LkParticipant *p,
                Join          *join)
{
  const char *name = g_object_get_data (G_OBJECT (room), "lk-cli-event");
  JsonBuilder *b = begin_event (join, name);

  add_participant (b, p);
  if (g_str_equal (name, "participant_updated"))
    add_string (b, "metadata", lk_participant_get_metadata (p));
  end_event (b);
}

static void
on_connected (LkRoom *room, LkParticipant *p, Join *join)
{
  g_object_set_data (G_OBJECT (room), "lk-cli-event", (gpointer) "participant_connected");
  on_participant (room, p, join);
}

static void
on_disconnected_participant (LkRoom *room, LkParticipant *p, Join *join)
{
  g_object_set_data (G_OBJECT (room), "lk-cli-event", (gpointer) "participant_disconnected");
  on_participant (room, p, join);
}

static void
on_updated (LkRoom *room, LkParticipant *p, Join *join)
{
  g_object_set_data (G_OBJECT (room), "lk-cli-event", (gpointer) "participant_updated");
  on_participant (room, p, join);
}

static void
on_track (LkRoom        *room,
          LkParticipant *p,
          LkTrack       *track,
          Join          *join,
          const char    *name)
{
  JsonBuilder *b = begin_event (join, name);

  add_string (b, "identity", lk_participant_get_identity (p));
  add_string (b, "track_sid", lk_track_get_sid (track));
  add_string (b, "name", lk_track_get_name (track));
  end_event (b);
}

static void
on_subscribed (LkRoom *room, LkParticipant *p, LkTrack *t, Join *join)
{
  on_track (room, p, t, join, "track_subscribed");
}

static void
on_unsubscribed (LkRoom *room, LkParticipant *p, LkTrack *t, Join *join)
{
  on_track (room, p, t, join, "track_unsubscribed");
}

static void
on_speakers (LkRoom    *room,
             GPtrArray *speakers,
             Join      *join)
{
  JsonBuilder *b = begin_event (join, "speakers");

  json_builder_set_member_name (b, "identities");
  json_builder_begin_array (b);
  for (guint i = 0; i < speakers->len; i++)
    json_builder_add_string_value (b, lk_participant_get_identity (g_ptr_array_index (speakers, i)));
  json_builder_end_array (b);
  end_event (b);
}

static void
on_data (LkRoom     *room,
         const char *identity,
         const char *topic,
         GBytes     *payload,
         Join       *join)
{
  JsonBuilder *b = begin_event (join, "data");
  gsize len;
  const char *data = g_bytes_get_data (payload, &len);
  g_autofree char *b64 = g_base64_encode ((const guchar *) data, len);

  add_string (b, "identity", identity);
  add_string (b, "topic", topic);
  add_string (b, "payload_base64", b64);
  if (g_utf8_validate_len (data, len, NULL))
    {
      g_autofree char *text = g_strndup (data, len);
      add_string (b, "text", text);
    }
  end_event (b);
}

static void
on_text (LkRoom     *room,
         const char *identity,
         const char *topic,
         const char *text,
         GHashTable *attributes,
         const char *stream_id,
         Join       *join)
{
  JsonBuilder *b = begin_event (join, "text");
  GHashTableIter iter;
  gpointer key, value;

  add_string (b, "identity", identity);
  add_string (b, "topic", topic);
  add_string (b, "text", text);
  add_string (b, "stream_id", stream_id);
  json_builder_set_member_name (b, "attributes");
  json_builder_begin_object (b);
  if (attributes != NULL)
    {
      g_hash_table_iter_init (&iter, attributes);
      while (g_hash_table_iter_next (&iter, &key, &value))
        add_string (b, key, value);
    }
  json_builder_end_object (b);
  end_event (b);
}

static void
on_reconnecting (LkRoom *room, Join *join)
{
  end_event (begin_event (join, "reconnecting"));
}

static void
on_reconnected (LkRoom *room, Join *join)
{
  end_event (begin_event (join, "reconnected"));
}

static void
on_room_disconnected (LkRoom             *room,
                      LkDisconnectReason  reason,
                      const GError       *error,
                      Join               *join)
{
  JsonBuilder *b = begin_event (join, "disconnected");

  add_string (b, "reason", lk_disconnect_reason_to_string (reason));
  add_string (b, "error", error != NULL ? error->message : NULL);
  end_event (b);
  if (!join->leaving)
    join->status = 1;
  g_main_loop_quit (join->loop);
}

static void
on_left (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Join *join = user_data;

  lk_room_disconnect_finish (LK_ROOM (source), result, NULL);
  g_main_loop_quit (join->loop);
}

static void
leave (Join *join)
{
  if (join->leaving)
    return;
  join->leaving = TRUE;
  lk_room_disconnect_async (join->room, NULL, on_left, join);
}

static gboolean
on_deadline (gpointer user_data)
{
  leave (user_data);
  return G_SOURCE_REMOVE;
}

static gboolean
on_unix_signal (gpointer user_data)
{
  leave (user_data);
  return G_SOURCE_REMOVE;
}

static void
on_published (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Join *join = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(LkTrack) track = lk_room_publish_audio_finish (LK_ROOM (source), result, &error);
  JsonBuilder *b;

  if (track == NULL)
    {
      handoff_cli_fail ("publish_failed", "%s", error->message);
      join->status = 1;
      leave (join);
      return;
    }
  b = begin_event (join, "published");
  add_string (b, "track_sid", lk_track_get_sid (track));
  end_event (b);
}

typedef struct {
  Join *join;
  double tone;
  gboolean identity_check;
  int seconds;
} Options;

static void
on_joined (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Options *opts = user_data;
  Join *join = opts->join;
  g_autoptr(GError) error = NULL;
  LkParticipant *local;
  GListModel *remotes;
  JsonBuilder *b;

  if (!lk_room_connect_finish (LK_ROOM (source), result, &error))
    {
      const char *code = g_error_matches (error, LK_ERROR, LK_ERROR_UNAUTHORIZED) ? "unauthorized"
                       : g_error_matches (error, LK_ERROR, LK_ERROR_SERVER_UNREACHABLE) ? "unreachable"
                       : "join_failed";
      handoff_cli_fail (code, "%s", error->message);
      join->status = 1;
      g_main_loop_quit (join->loop);
      return;
    }
  local = lk_room_get_local_participant (join->room);
  remotes = lk_room_get_remote_participants (join->room);
  b = begin_event (join, "joined");
  add_string (b, "room", lk_room_get_name (join->room));
  add_participant (b, local);
  json_builder_set_member_name (b, "participants");
  json_builder_begin_array (b);
  for (guint i = 0; i < g_list_model_get_n_items (remotes); i++)
    {
      g_autoptr(LkParticipant) p = g_list_model_get_item (remotes, i);
      json_builder_add_string_value (b, lk_participant_get_identity (p));
    }
  json_builder_end_array (b);
  end_event (b);

  if (opts->identity_check)
    {
      leave (join);
      return;
    }
  if (opts->tone > 0 || g_getenv ("HANDOFF_AUDIO_SRC") != NULL)
    {
      GstElement *src = NULL;

      if (opts->tone > 0)
        {
          src = gst_element_factory_make ("audiotestsrc", NULL);
          g_object_set (src, "is-live", TRUE, "freq", opts->tone, "volume", 0.4, NULL);
        }
      lk_room_publish_audio_async (join->room, "microphone", LK_TRACK_SOURCE_MICROPHONE, src, NULL,
                                   on_published, join);
    }
  if (opts->seconds > 0)
    g_timeout_add_seconds (opts->seconds, on_deadline, join);
}

int
handoff_cli_join (int    argc,
                  char **argv)
{
  Join join = { 0 };
  Options opts = { &join, 0, FALSE, 0 };
  g_autoptr(GOptionContext) context = g_option_context_new ("URL TOKEN");
  g_autoptr(GError) error = NULL;
  GOptionEntry entries[] = {
    { "seconds", 0, 0, G_OPTION_ARG_INT, &opts.seconds, "Leave after N seconds", "N" },
    { "tone", 0, 0, G_OPTION_ARG_DOUBLE, &opts.tone, "Publish a sine tone of HZ", "HZ" },
    { "identity-check", 0, 0, G_OPTION_ARG_NONE, &opts.identity_check,
      "Join, print the identity, leave", NULL },
    { NULL }
  };

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return handoff_cli_fail ("usage", "%s", error->message);
  if (argc != 3)
    return handoff_cli_fail ("usage", "usage: handoff-cli join URL TOKEN [--seconds N] [--tone HZ] "
                             "[--identity-check]");
  gst_init (NULL, NULL);

  join.loop = g_main_loop_new (NULL, FALSE);
  join.room = lk_room_new ();
  join.start_us = g_get_monotonic_time ();
  g_signal_connect (join.room, "participant-connected", G_CALLBACK (on_connected), &join);
  g_signal_connect (join.room, "participant-disconnected", G_CALLBACK (on_disconnected_participant), &join);
  g_signal_connect (join.room, "participant-updated", G_CALLBACK (on_updated), &join);
  g_signal_connect (join.room, "active-speakers-changed", G_CALLBACK (on_speakers), &join);
  g_signal_connect (join.room, "track-subscribed", G_CALLBACK (on_subscribed), &join);
  g_signal_connect (join.room, "track-unsubscribed", G_CALLBACK (on_unsubscribed), &join);
  g_signal_connect (join.room, "data-received", G_CALLBACK (on_data), &join);
  g_signal_connect (join.room, "text-received", G_CALLBACK (on_text), &join);
  g_signal_connect (join.room, "reconnecting", G_CALLBACK (on_reconnecting), &join);
  g_signal_connect (join.room, "reconnected", G_CALLBACK (on_reconnected), &join);
  g_signal_connect (join.room, "disconnected", G_CALLBACK (on_room_disconnected), &join);
  g_unix_signal_add (SIGINT, on_unix_signal, &join);
  g_unix_signal_add (SIGTERM, on_unix_signal, &join);

  lk_room_connect_async (join.room, argv[1], argv[2], NULL, on_joined, &opts);
  g_main_loop_run (join.loop);

  g_signal_handlers_disconnect_by_data (join.room, &join);
  g_object_unref (join.room);
  g_main_loop_unref (join.loop);
  return join.status;
}
