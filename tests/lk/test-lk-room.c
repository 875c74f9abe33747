/* test-lk-room.c: LkRoom against a real livekit-server — audio both ways,
 * participants, speaking, data, text streams
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-lk-room"

#include <gst/gst.h>

#include "lk-test-client.h"

static void
test_two_clients_hear_each_other (void)
{
  g_autoptr(HandoffTestLivekit) lk = handoff_test_livekit_start_or_skip (NULL);
  g_autoptr(LkTestClient) a = NULL;
  g_autoptr(LkTestClient) b = NULL;
  double p_own, p_other;

  if (lk == NULL)
    return;
  a = lk_test_client_new_joined ("alice", lk, "tones");
  b = lk_test_client_new_joined ("bob", lk, "tones");
  lk_test_client_publish_tone (a, 440);
  lk_test_client_publish_tone (b, 660);

  g_assert_true (lk_test_client_wait_hears (a, 660, 45));
  g_assert_true (lk_test_client_wait_hears (b, 440, 45));
  /* Measured over a further full second of audio, not just the first hit. */
  lk_test_sleep (1.0);
  g_assert_cmpfloat_with_epsilon (lk_test_client_dominant (a, 1.0, NULL), 660, 660 * 0.02);
  g_assert_cmpfloat_with_epsilon (lk_test_client_dominant (b, 1.0, NULL), 440, 440 * 0.02);
  /* Nobody hears themselves. */
  p_own = lk_test_client_tone_power (a, 1.0, 440);
  p_other = lk_test_client_tone_power (a, 1.0, 660);
  g_assert_cmpfloat (p_own, <, p_other / 100);
  p_own = lk_test_client_tone_power (b, 1.0, 660);
  p_other = lk_test_client_tone_power (b, 1.0, 440);
  g_assert_cmpfloat (p_own, <, p_other / 100);
  g_assert_true (lk_test_client_has_event (a, "track-subscribed:bob"));
  g_assert_true (lk_test_client_has_event (b, "track-subscribed:alice"));

  lk_test_client_leave_and_check_freed (a);
}

typedef struct {
  LkParticipant *participant;
  const char *skills;
  const char *desk;
} AttributesSeen;

static gboolean
attributes_seen (gpointer data)
{
  AttributesSeen *want = data;

  return g_strcmp0 (lk_participant_get_attribute (want->participant, "skills"), want->skills) == 0 &&
         g_strcmp0 (lk_participant_get_attribute (want->participant, "desk"), want->desk) == 0;
}

static void
test_participant_events (void)
{
  g_autoptr(HandoffTestLivekit) lk = handoff_test_livekit_start_or_skip (NULL);
  g_autoptr(LkTestClient) a = NULL;
  g_autoptr(LkTestClient) b = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) attributes = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  AttributesSeen seen;
  gint64 left;
  LkParticipant *bob;

  if (lk == NULL)
    return;
  a = lk_test_client_new_joined ("alice", lk, "events");
  b = lk_test_client_new_joined ("bob", lk, "events");
  g_assert_true (lk_test_client_wait_event (a, "participant-connected:bob", 20));
  bob = lk_room_lookup_participant (a->room, "bob");
  g_assert_nonnull (bob);
  g_assert_cmpuint (g_list_model_get_n_items (lk_room_get_remote_participants (a->room)), ==, 1);
  /* b saw alice in the join response, not as a join event. */
  g_assert_nonnull (lk_room_lookup_participant (b->room, "alice"));

  g_assert_true (lk_room_set_metadata (b->room, "{\"role\":\"agent\"}", &error));
  g_assert_no_error (error);
  g_assert_true (lk_test_client_wait_event (a, "participant-updated:bob={\"role\":\"agent\"}", 10));

  /* Attributes reach the others; an empty value deletes its key, and the
   * keys left out stay as they were. */
  attributes = g_hash_table_new (g_str_hash, g_str_equal);
  g_hash_table_insert (attributes, "skills", "billing");
  g_hash_table_insert (attributes, "desk", "7");
  g_assert_true (lk_room_set_attributes (b->room, attributes, &error));
  g_assert_no_error (error);
  seen = (AttributesSeen) { bob, "billing", "7" };
  g_assert_true (lk_test_wait (attributes_seen, &seen, 10));
  g_hash_table_remove_all (attributes);
  g_hash_table_insert (attributes, "desk", "");
  g_assert_true (lk_room_set_attributes (b->room, attributes, &error));
  g_assert_no_error (error);
  seen = (AttributesSeen) { bob, "billing", NULL };
  g_assert_true (lk_test_wait (attributes_seen, &seen, 10));
  g_assert_cmpstr (lk_participant_get_metadata (bob), ==, "{\"role\":\"agent\"}");
  g_assert_cmpstr (lk_participant_get_attribute (lk_room_get_local_participant (b->room), "skills"), ==, "billing");

  /* Speaking: the server hears bob's tone through the audio-level extension. */
  lk_test_client_publish_tone (b, 550);
  g_assert_true (lk_test_client_wait_event (a, "speaking:bob", 15));
  g_assert_true (lk_test_client_wait_hears (a, 550, 45));

  /* A clean leave reaches the others at once, not after the server's
   * departure timeout (~20 s for a vanished client). */
  left = g_get_monotonic_time ();
  lk_room_disconnect_async (b->room, NULL, lk_test_keep_result, &result);
  g_assert_true (lk_test_wait (lk_test_has_result, &result, 10));
  g_assert_true (lk_room_disconnect_finish (b->room, result, &error));
  g_assert_no_error (error);
  g_assert_cmpint (b->reason, ==, LK_DISCONNECT_REASON_CLIENT_INITIATED);
  g_assert_true (lk_test_client_wait_event (a, "participant-disconnected:bob", 15));
  g_assert_cmpint (g_get_monotonic_time () - left, <, 3 * G_USEC_PER_SEC);
  g_assert_true (lk_test_client_has_event (a, "track-unsubscribed:bob"));
  lk_test_client_free (g_steal_pointer (&b));
  g_assert_null (lk_room_lookup_participant (a->room, "alice-not-here"));
  g_assert_cmpuint (g_list_model_get_n_items (lk_room_get_remote_participants (a->room)), ==, 0);
}

static gboolean
bob_gone (gpointer data)
{
  return lk_room_lookup_participant (((LkTestClient *) data)->room, "bob") == NULL;
}

static gboolean
client_disconnected (gpointer data)
{
  return ((LkTestClient *) data)->disconnected;
}

/* The server ends a live session three ways; each reaches the app as a
 * disconnect with the server's reason, and none is taken for a network
 * fault to recover from. */
static void
test_server_ends_session (void)
{
  g_autoptr(HandoffTestLivekit) lk = handoff_test_livekit_start_or_skip (NULL);
  g_autoptr(LkTestClient) a = NULL;
  g_autoptr(LkTestClient) b = NULL;
  g_autoptr(LkTestClient) b_again = NULL;
  g_autoptr(GError) error = NULL;

  if (lk == NULL)
    return;
  a = lk_test_client_new_joined ("alice", lk, "ended");
  b = lk_test_client_new_joined ("bob", lk, "ended");
  g_assert_true (lk_test_client_wait_event (a, "participant-connected:bob", 20));

  /* The same identity joins from elsewhere: the first session is the one to go. */
  b_again = lk_test_client_new_joined ("bob", lk, "ended");
  g_assert_true (lk_test_wait (client_disconnected, b, 15));
  g_assert_cmpint (b->reason, ==, LK_DISCONNECT_REASON_DUPLICATE_IDENTITY);
  g_assert_false (b_again->disconnected);

  g_assert_true (handoff_test_livekit_twirp (lk, "ended", "RemoveParticipant",
                                             "{\"room\": \"ended\", \"identity\": \"bob\"}", &error));
  g_assert_no_error (error);
  g_assert_true (lk_test_wait (client_disconnected, b_again, 15));
  g_assert_cmpint (b_again->reason, ==, LK_DISCONNECT_REASON_PARTICIPANT_REMOVED);
  g_assert_true (lk_test_wait (bob_gone, a, 15));

  g_assert_true (handoff_test_livekit_twirp (lk, "ended", "DeleteRoom", "{\"room\": \"ended\"}", &error));
  g_assert_no_error (error);
  g_assert_true (lk_test_wait (client_disconnected, a, 15));
  g_assert_cmpint (a->reason, ==, LK_DISCONNECT_REASON_ROOM_DELETED);
  g_assert_cmpuint (a->reconnecting + b->reconnecting + b_again->reconnecting, ==, 0);
  g_assert_cmpint (lk_room_get_connection_state (a->room), ==, LK_CONNECTION_STATE_DISCONNECTED);
}

typedef struct {
  gboolean done;
  GError *error;
} Sent;

static void
on_sent (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Sent *s = user_data;

  if (g_task_get_source_tag (G_TASK (result)) == lk_room_send_text_async)
    lk_room_send_text_finish (LK_ROOM (source), result, &s->error);
  else
    lk_room_send_data_finish (LK_ROOM (source), result, &s->error);
  s->done = TRUE;
}

static gboolean
sent_done (gpointer data)
{
  return ((Sent *) data)->done;
}

static gboolean
has_n_data (gpointer data)
{
  gpointer *args = data;
  return ((LkTestClient *) args[0])->data->len >= GPOINTER_TO_UINT (args[1]);
}

static gboolean
has_n_texts (gpointer data)
{
  gpointer *args = data;
  return ((LkTestClient *) args[0])->texts->len >= GPOINTER_TO_UINT (args[1]);
}

static void
test_data_and_text (void)
{
  g_autoptr(HandoffTestLivekit) lk = handoff_test_livekit_start_or_skip (NULL);
  g_autoptr(LkTestClient) a = NULL;
  g_autoptr(LkTestClient) b = NULL;
  g_autoptr(LkTestClient) c = NULL;
  g_autoptr(GBytes) secret = g_bytes_new_static ("for bob only", 12);
  g_autoptr(GBytes) hello = g_bytes_new_static ("hello all", 9);
  g_autoptr(GHashTable) attrs = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GString) big = g_string_new (NULL);
  g_autofree char *want = NULL;
  const char *to_bob[] = { "bob", NULL };
  Sent s1 = { 0 }, s2 = { 0 }, s3 = { 0 }, s4 = { 0 };
  gpointer args[2];

  if (lk == NULL)
    return;
  a = lk_test_client_new_joined ("alice", lk, "data");
  b = lk_test_client_new_joined ("bob", lk, "data");
  c = lk_test_client_new_joined ("carol", lk, "data");
  g_assert_true (lk_test_client_wait_event (a, "participant-connected:carol", 20));

  lk_room_send_data_async (a->room, secret, "handoff", to_bob, TRUE, NULL, on_sent, &s1);
  lk_room_send_data_async (a->room, hello, "greeting", NULL, TRUE, NULL, on_sent, &s2);
  g_assert_true (lk_test_wait (sent_done, &s2, 20));
  g_assert_true (s1.done);
  g_assert_no_error (s1.error);
  g_assert_no_error (s2.error);
  args[0] = b, args[1] = GUINT_TO_POINTER (2);
  g_assert_true (lk_test_wait (has_n_data, args, 20));
  g_assert_cmpstr (g_ptr_array_index (b->data, 0), ==, "alice|handoff|for bob only");
  g_assert_cmpstr (g_ptr_array_index (b->data, 1), ==, "alice|greeting|hello all");
  /* carol gets the broadcast; the packet for bob never reaches her. */
  args[0] = c, args[1] = GUINT_TO_POINTER (1);
  g_assert_true (lk_test_wait (has_n_data, args, 20));
  lk_test_sleep (1.0);
  g_assert_cmpuint (c->data->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (c->data, 0), ==, "alice|greeting|hello all");

  /* A transcription segment as LiveKit's agents send it, larger than one
   * chunk and with multi-byte characters across chunk borders. */
  for (guint i = 0; big->len < 40000; i++)
    g_string_append_printf (big, "Grüße %u — ", i);
  g_hash_table_insert (attrs, (gpointer) "lk.segment_id", (gpointer) "SG_1");
  g_hash_table_insert (attrs, (gpointer) "lk.transcribed_track_id", (gpointer) "TR_x");
  g_hash_table_insert (attrs, (gpointer) "lk.transcription_final", (gpointer) "true");
  lk_room_send_text_async (a->room, big->str, LK_TOPIC_TRANSCRIPTION, attrs, NULL, NULL, on_sent, &s3);
  lk_room_send_text_async (a->room, "just for bob", LK_TOPIC_CHAT, NULL, to_bob, NULL, on_sent, &s4);
  g_assert_true (lk_test_wait (sent_done, &s4, 20));
  g_assert_no_error (s3.error);
  g_assert_no_error (s4.error);
  args[0] = b, args[1] = GUINT_TO_POINTER (2);
  g_assert_true (lk_test_wait (has_n_texts, args, 20));
  want = g_strdup_printf ("alice|lk.transcription|%s|lk.segment_id=SG_1,lk.transcribed_track_id=TR_x,"
                          "lk.transcription_final=true,", big->str);
  g_assert_cmpstr (g_ptr_array_index (b->texts, 0), ==, want);
  g_assert_cmpstr (g_ptr_array_index (b->texts, 1), ==, "alice|lk.chat|just for bob|");
  args[0] = c, args[1] = GUINT_TO_POINTER (1);
  g_assert_true (lk_test_wait (has_n_texts, args, 20));
  lk_test_sleep (1.0);
  g_assert_cmpuint (c->texts->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (c->texts, 0), ==, want);
}


static void
test_permissions (void)
{
  g_autoptr(HandoffTestLivekit) lk = handoff_test_livekit_start_or_skip (NULL);
  g_autoptr(LkTestClient) a = NULL;
  g_autoptr(LkTestClient) b = NULL;
  g_autoptr(LkTestClient) c = NULL;
  g_autoptr(GError) error = NULL;
  const char *only_bob[] = { "bob", NULL };
  const char *sids[] = { NULL, NULL };
  LkTrack *track;
  gint64 t0;

  if (lk == NULL)
    return;
  a = lk_test_client_new ("alice");
  b = lk_test_client_new ("bob");
  c = lk_test_client_new ("carol");
  /* Set before joining: applies before the first track is published. */
  g_assert_true (lk_room_set_subscription_permissions (a->room, FALSE, only_bob, &error));
  g_assert_no_error (error);
  lk_test_client_join (a, lk, "perm", NULL);
  lk_test_client_join (b, lk, "perm", NULL);
  lk_test_client_join (c, lk, "perm", NULL);
  track = lk_test_client_publish_tone (a, 440);
  sids[0] = lk_track_get_sid (track);

  g_assert_true (lk_test_client_wait_hears (b, 440, 45));
  /* carol: a participant who may not subscribe hears nothing of alice. */
  lk_test_sleep (2.0);
  g_assert_true (lk_test_client_is_silent (c));
  g_assert_false (lk_test_client_has_event (c, "track-subscribed:alice"));
  g_assert_true (lk_test_client_wait_hears (b, 440, 5));

  /* Open to all: carol's room subscribes as soon as the grant reaches it
   * (the server alone would retry only on its 3 s tick); well under that. */
  t0 = g_get_monotonic_time ();
  g_assert_true (lk_room_set_subscription_permissions (a->room, TRUE, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (lk_test_client_wait_event (c, "track-subscribed:alice", 20));
  g_assert_cmpint (g_get_monotonic_time () - t0, <, 2500 * 1000);
  g_test_message ("carol subscribed %.0f ms after the grant", (g_get_monotonic_time () - t0) / 1000.0);
  g_assert_true (lk_test_client_wait_hears (c, 440, 10));
  g_test_message ("carol hears alice %.0f ms after the grant", (g_get_monotonic_time () - t0) / 1000.0);

  /* Revoke again: carol goes silent, bob keeps hearing. */
  g_assert_true (lk_room_set_subscription_permissions (a->room, FALSE, only_bob, &error));
  g_assert_true (lk_test_wait (lk_test_client_is_silent, c, 20));
  g_assert_true (lk_test_client_has_event (c, "track-unsubscribed:alice"));
  g_assert_true (lk_test_client_wait_hears (b, 440, 5));

  /* An explicit subscription request is accepted too. */
  g_assert_true (lk_room_update_subscription (b->room, sids, TRUE));

  /* Mute: bob hears silence, and his copy of the track says why. */
  g_assert_true (lk_track_set_muted (track, TRUE, &error));
  g_assert_no_error (error);
  g_assert_true (lk_test_wait (lk_test_client_is_silent, b, 20));
  g_assert_true (lk_test_client_wait_event (b, "track-muted:alice=muted", 10));
  g_assert_true (lk_track_set_muted (track, FALSE, &error));
  g_assert_true (lk_test_client_wait_hears (b, 440, 10));
  g_assert_true (lk_test_client_wait_event (b, "track-muted:alice=unmuted", 10));

  /* carol's own unsubscribe sticks when alice grants to all again (the
   * room re-subscribes on grants only for tracks the app did not drop);
   * 3.5 s covers the server's reconcile tick too. */
  g_assert_true (lk_room_update_subscription (c->room, sids, FALSE));
  g_assert_true (lk_room_set_subscription_permissions (a->room, TRUE, NULL, &error));
  lk_test_sleep (3.5);
  g_assert_true (lk_test_client_is_silent (c));

  /* dave joins without auto-subscribe: silence until he asks. */
  {
    g_autoptr(LkTestClient) d = lk_test_client_new ("dave");

    lk_room_set_auto_subscribe (d->room, FALSE);
    lk_test_client_join (d, lk, "perm", NULL);
    lk_test_sleep (1.5);
    g_assert_true (lk_test_client_is_silent (d));
    g_assert_true (lk_room_update_subscription (d->room, sids, TRUE));
    g_assert_true (lk_test_client_wait_hears (d, 440, 10));
  }
}




/* The documented tap format, straight into an appsink. */
static GstElement *
make_tap (LkTestTap *t)
{
  lk_test_tap_init (t, 0);
  return lk_test_tap_new_branch (t, "appsink name=s sync=false caps=\"" LK_TRACK_TAP_CAPS "\"");
}

static gboolean
tap_hears_440 (gpointer data)
{
  return lk_test_tap_hears (data, 440, 1.0);
}

/* Microphone and hold music: two audio tracks of one participant, each
 * allowed to a different listener — the warm transfer's hold. */
static void
test_two_tracks_and_taps (void)
{
  g_autoptr(HandoffTestLivekit) lk = handoff_test_livekit_start_or_skip (NULL);
  g_autoptr(LkTestClient) a = NULL;
  g_autoptr(LkTestClient) b = NULL;
  g_autoptr(LkTestClient) c = NULL;
  g_autoptr(GError) error = NULL;
  LkTestTap local_tap = { 0 }, remote_tap = { 0 };
  LkTrack *mic, *hold, *remote;
  LkTrackPermission perms[2] = { { 0 } };
  const char *mic_sids[] = { NULL, NULL };
  const char *hold_sids[] = { NULL, NULL };
  GAsyncResult *result = NULL;

  if (lk == NULL)
    return;
  a = lk_test_client_new_joined ("alice", lk, "hold");
  b = lk_test_client_new_joined ("bob", lk, "hold");
  c = lk_test_client_new_joined ("caller", lk, "hold");

  mic = lk_test_client_publish_tone_named (a, "microphone", 440);
  /* The local tap hears the microphone before it is encoded. */
  g_assert_true (lk_track_add_tap (mic, make_tap (&local_tap), &error));
  g_assert_no_error (error);
  hold = lk_test_client_publish_tone_named (a, "hold-music", 660);
  g_assert_cmpstr (lk_track_get_name (hold), ==, "hold-music");
  g_assert_cmpstr (lk_track_get_sid (mic), !=, lk_track_get_sid (hold));
  g_assert_true (lk_test_wait (tap_hears_440, &local_tap, 10));

  mic_sids[0] = lk_track_get_sid (mic);
  hold_sids[0] = lk_track_get_sid (hold);
  perms[0].participant_identity = "bob";
  perms[0].track_sids = mic_sids;
  perms[1].participant_identity = "caller";
  perms[1].track_sids = hold_sids;
  g_assert_true (lk_room_set_track_permissions (a->room, FALSE, perms, 2, &error));
  g_assert_no_error (error);

  /* bob hears only the microphone, the caller only the hold music. */
  g_assert_true (lk_test_client_wait_hears (b, 440, 45));
  g_assert_true (lk_test_client_wait_hears (c, 660, 45));
  lk_test_sleep (1.5);
  g_assert_true (lk_test_client_wait_hears (b, 440, 1));
  g_assert_true (lk_test_client_wait_hears (c, 660, 1));
  g_assert_cmpfloat (lk_test_client_tone_power (b, 1.0, 660), <, lk_test_client_tone_power (b, 1.0, 440) / 100);
  g_assert_cmpfloat (lk_test_client_tone_power (c, 1.0, 440), <, lk_test_client_tone_power (c, 1.0, 660) / 100);

  /* A tap on bob's copy of the microphone track. */
  remote = lk_participant_lookup_track (lk_room_lookup_participant (b->room, "alice"), mic_sids[0]);
  g_assert_nonnull (remote);
  g_assert_true (lk_track_is_subscribed (remote));
  g_assert_true (lk_track_add_tap (remote, make_tap (&remote_tap), &error));
  g_assert_true (lk_test_wait (tap_hears_440, &remote_tap, 10));

  /* Hold ends: the hold music is unpublished; the caller hears silence. */
  lk_room_unpublish_track_async (a->room, hold, NULL, lk_test_keep_result, &result);
  g_assert_true (lk_test_wait (lk_test_has_result, &result, 20));
  g_assert_true (lk_room_unpublish_track_finish (a->room, result, &error));
  g_clear_object (&result);
  g_assert_no_error (error);
  g_assert_true (lk_test_wait (lk_test_client_is_silent, c, 20));
  g_assert_true (lk_test_client_wait_hears (b, 440, 5));

  /* Nothing of the taps, the unpublished track or the remote track stays. */
  lk_test_client_leave_and_check_freed (a);
  lk_test_client_leave_and_check_freed (b);
  lk_test_client_free (g_steal_pointer (&a));
  lk_test_client_free (g_steal_pointer (&b));
  lk_test_tap_clear (&local_tap);
  lk_test_tap_clear (&remote_tap);
}

/* Audio the app plays for itself (a caller's own hold music) goes into the
 * room's mix through lk_room_add_playback_source: heard at the room's sink
 * beside the remote voice, published to nobody, and gone once removed. */
static void
test_playback_source (void)
{
  g_autoptr(HandoffTestLivekit) lk = handoff_test_livekit_start_or_skip (NULL);
  g_autoptr(LkTestClient) a = NULL;
  g_autoptr(LkTestClient) b = NULL;
  g_autoptr(LkRoom) unconnected = lk_room_new ();
  g_autoptr(GError) error = NULL;
  GstElement *music;

  if (lk == NULL)
    return;
  /* No pipeline yet: nothing to play into. */
  music = gst_parse_bin_from_description ("audiotestsrc is-live=true freq=330 volume=0.5", TRUE, &error);
  g_assert_no_error (error);
  gst_object_ref_sink (music);
  g_assert_false (lk_room_add_playback_source (unconnected, music, &error));
  g_assert_error (error, LK_ERROR, LK_ERROR_MEDIA);
  g_clear_error (&error);
  g_assert_false (lk_room_remove_playback_source (unconnected, music));

  a = lk_test_client_new_joined ("alice", lk, "playback");
  b = lk_test_client_new_joined ("bob", lk, "playback");
  lk_test_client_publish_tone (b, 660);
  g_assert_true (lk_test_client_wait_hears (a, 660, 45));

  /* Louder than bob's tone (0.4), so it is what alice hears most. */
  g_assert_true (lk_room_add_playback_source (a->room, music, &error));
  g_assert_no_error (error);
  g_assert_true (lk_test_client_wait_hears (a, 330, 10));
  lk_test_sleep (1.0);
  g_assert_true (lk_test_client_hears_now (a, 330));
  /* Bob's voice still plays beside it. */
  g_assert_cmpfloat (lk_test_client_tone_power (a, 1.0, 660), >, 1e-3);
  /* Published to nobody: bob hears silence (alice publishes nothing). */
  g_assert_cmpfloat (lk_test_client_tone_power (b, 1.0, 330), <, 1e-5);
  g_assert_true (lk_test_client_is_silent (b));

  g_assert_true (lk_room_remove_playback_source (a->room, music));
  g_assert_null (gst_object_get_parent (GST_OBJECT (music)));
  g_assert_false (lk_room_remove_playback_source (a->room, music));
  g_assert_true (lk_test_client_wait_hears (a, 660, 10));
  lk_test_sleep (1.0);
  g_assert_true (lk_test_client_hears_now (a, 660));
  g_assert_cmpfloat (lk_test_client_tone_power (a, 1.0, 330), <, 1e-5);

  /* Played again and left in at the leave: the room lets go of it too
   * (the room's reference is the last one then). */
  g_assert_true (lk_room_add_playback_source (a->room, music, &error));
  g_assert_no_error (error);
  gst_object_unref (music);
  lk_test_client_leave_and_check_freed (a);
  lk_test_client_free (g_steal_pointer (&a));
  lk_test_client_free (g_steal_pointer (&b));
}

int
main (int   argc,
      char *argv[])
{
  /* libsoup and GStreamer's debug chatter would bury the test's own log. */
  lk_test_setup (&argc, &argv);
  g_test_add_func ("/lk/room/two-clients-hear-each-other", test_two_clients_hear_each_other);
  g_test_add_func ("/lk/room/participant-events", test_participant_events);
  g_test_add_func ("/lk/room/server-ends-session", test_server_ends_session);
  g_test_add_func ("/lk/room/data-and-text", test_data_and_text);
  g_test_add_func ("/lk/room/permissions", test_permissions);
  g_test_add_func ("/lk/room/two-tracks-and-taps", test_two_tracks_and_taps);
  g_test_add_func ("/lk/room/playback-source", test_playback_source);
  return lk_test_run ();
}
