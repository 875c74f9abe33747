/* test-lk-resubscribe.c: a track unsubscribed and subscribed again is heard
 * again — every time, also when other renegotiations follow at once (the
 * warm transfer does this to every participant: private talk, then back)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-lk-resubscribe"

#include <gst/gst.h>

#include "handoff-test-watchdog.h"
#include "lk-room-private.h"
#include "lk-test-client.h"
#include "lk-track-private.h"




/* Waits for silence, then forgets what was heard so far: hearing the tone
 * afterwards means it really came back. */
static void
wait_silent (LkTestClient *c)
{
  g_assert_true (lk_test_wait (lk_test_client_is_silent, c, 10));
  lk_test_client_forget (c);
}

/* The tone is there, loud, in whatever else is playing. */
static gboolean
hears_440_in_mix (gpointer data)
{
  LkTestClient *c = data;

  return lk_test_client_tone_power (c, 0.5, 440) > 10 * lk_test_client_tone_power (c, 0.5, 1000) &&
         lk_test_client_tone_power (c, 0.5, 440) > 0.1 * lk_test_client_tone_power (c, 0.5, 660);
}

/* Of the 100 ms windows of the last @seconds, how many hold 440 Hz as
 * hears_440_in_mix wants it. */
static guint
windows_with_440_in_mix (LkTestClient *c,
                         double        seconds)
{
  g_autoptr(GArray) tone = lk_test_client_tone_power_windows (c, seconds, 0.1, 440);
  g_autoptr(GArray) high = lk_test_client_tone_power_windows (c, seconds, 0.1, 1000);
  g_autoptr(GArray) alice = lk_test_client_tone_power_windows (c, seconds, 0.1, 660);
  guint n = 0;

  for (guint i = 0; i < tone->len; i++)
    {
      double p = g_array_index (tone, double, i);

      if (p > 10 * g_array_index (high, double, i) && p > 0.1 * g_array_index (alice, double, i))
        n++;
    }
  return n;
}

static void
subscribe (LkTestClient *c,
           LkTrack      *track,
           gboolean      on)
{
  const char *sids[] = { lk_track_get_sid (track), NULL };

  g_assert_true (lk_room_update_subscription (c->room, sids, on));
}

/* Off and on again, several times: the tone comes back each time. */
static void
test_cycles (void)
{
  g_autoptr(HandoffTestLivekit) lk = handoff_test_livekit_start_or_skip (NULL);
  g_autoptr(LkTestClient) a = NULL;
  g_autoptr(LkTestClient) b = NULL;
  LkTrack *mic;

  if (lk == NULL)
    return;
  a = lk_test_client_new_joined ("alice", lk, "resub");
  b = lk_test_client_new_joined ("bob", lk, "resub");
  mic = lk_test_client_publish_tone (a, 440);
  g_assert_true (lk_test_client_wait_hears (b, 440, 45));

  for (guint i = 0; i < 4; i++)
    {
      gint64 t0;

      subscribe (b, mic, FALSE);
      wait_silent (b);
      t0 = g_get_monotonic_time ();
      subscribe (b, mic, TRUE);
      g_assert_true (lk_test_client_wait_hears (b, 440, 15));
      g_test_message ("cycle %u: heard again after %.0f ms", i, (g_get_monotonic_time () - t0) / 1000.0);
    }
}

/* The re-subscription's offer is followed at once by others: a new track
 * appears and is dropped again, and the first track goes off and on. */
static void
test_back_to_back (void)
{
  g_autoptr(HandoffTestLivekit) lk = handoff_test_livekit_start_or_skip (NULL);
  g_autoptr(LkTestClient) a = NULL;
  g_autoptr(LkTestClient) b = NULL;
  g_autoptr(LkTestClient) c = NULL;
  LkTrack *mic, *other;

  if (lk == NULL)
    return;
  a = lk_test_client_new_joined ("alice", lk, "resub2");
  b = lk_test_client_new_joined ("bob", lk, "resub2");
  c = lk_test_client_new_joined ("carol", lk, "resub2");
  mic = lk_test_client_publish_tone (a, 440);
  other = lk_test_client_publish_tone (c, 660);
  for (guint i = 0; i < 3; i++)
    {
      subscribe (b, mic, FALSE);
      subscribe (b, other, FALSE);
      wait_silent (b);
      /* Two renegotiations within a few ms: alice back, carol back. */
      subscribe (b, mic, TRUE);
      subscribe (b, other, TRUE);
      lk_test_sleep (0.2 * i);
      /* ... and carol off again right away: a third offer. */
      subscribe (b, other, FALSE);
      g_assert_true (lk_test_client_wait_hears (b, 440, 15));
      g_test_message ("round %u: alice heard again", i);
      /* Off and on in one go, no wait in between. */
      subscribe (b, mic, FALSE);
      subscribe (b, mic, TRUE);
      lk_test_sleep (1.0);
      lk_test_client_forget (b);
      g_assert_true (lk_test_client_wait_hears (b, 440, 15));
    }
}

/* The publisher's permissions close and open again (hold, then merge):
 * the listener's room re-subscribes by itself on each grant. Also mixed
 * with the listener's own unsubscribe/subscribe in between. */
static void
test_permission_cycles (void)
{
  g_autoptr(HandoffTestLivekit) lk = handoff_test_livekit_start_or_skip (NULL);
  g_autoptr(LkTestClient) a = NULL;
  g_autoptr(LkTestClient) b = NULL;
  g_autoptr(LkTestClient) c = NULL;
  g_autoptr(GError) error = NULL;
  const char *only_bob[] = { "bob", NULL };
  LkTrack *mic;

  if (lk == NULL)
    return;
  a = lk_test_client_new_joined ("alice", lk, "resub3");
  b = lk_test_client_new_joined ("bob", lk, "resub3");
  c = lk_test_client_new_joined ("caller", lk, "resub3");
  mic = lk_test_client_publish_tone (a, 440);
  lk_test_client_publish_tone (b, 660);
  g_assert_true (lk_test_client_wait_hears (c, 440, 45));

  for (guint i = 0; i < 4; i++)
    {
      /* Hold: the caller may not hear alice. */
      g_assert_true (lk_room_set_subscription_permissions (a->room, FALSE, only_bob, &error));
      g_assert_no_error (error);
      lk_test_sleep (0.3);
      /* The caller hears only bob now. */
      g_assert_true (lk_test_client_wait_hears (c, 660, 15));
      lk_test_client_forget (c);
      if (i % 2 == 1)
        {
          subscribe (c, mic, FALSE);
          subscribe (c, mic, TRUE);
        }
      g_assert_true (lk_room_set_subscription_permissions (a->room, TRUE, NULL, &error));
      g_assert_no_error (error);
      /* Merge: alice is heard by the caller again (a mix with bob). */
      g_assert_true (lk_test_wait (hears_440_in_mix, c, 15));
      g_test_message ("permission cycle %u: caller hears alice again", i);
    }
}

/* A line the server frees (a track unpublished, its owner gone) is used
 * again for someone else's track: that track is heard. */
static void
test_recycled_line (void)
{
  g_autoptr(HandoffTestLivekit) lk = handoff_test_livekit_start_or_skip (NULL);
  g_autoptr(LkTestClient) a = NULL;
  g_autoptr(LkTestClient) b = NULL;
  g_autoptr(LkTestClient) c = NULL;
  g_autoptr(LkTestClient) d = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *result = NULL;
  LkTrack *music;

  if (lk == NULL)
    return;
  a = lk_test_client_new_joined ("alice", lk, "recycle");
  b = lk_test_client_new_joined ("bob", lk, "recycle");
  music = lk_test_client_publish_tone (a, 550);
  g_assert_true (lk_test_client_wait_hears (b, 550, 45));

  /* The music goes; carol's tone may take its line. */
  lk_room_unpublish_track_async (a->room, music, NULL, lk_test_keep_result, &result);
  g_assert_true (lk_test_wait (lk_test_has_result, &result, 20));
  g_assert_true (lk_room_unpublish_track_finish (a->room, result, &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  wait_silent (b);
  c = lk_test_client_new_joined ("carol", lk, "recycle");
  lk_test_client_publish_tone (c, 660);
  g_assert_true (lk_test_client_wait_hears (b, 660, 20));

  /* Carol leaves for good; dave's tone may take her line. */
  lk_test_client_free (g_steal_pointer (&c));
  wait_silent (b);
  d = lk_test_client_new_joined ("dave", lk, "recycle");
  lk_test_client_publish_tone (d, 770);
  g_assert_true (lk_test_client_wait_hears (b, 770, 20));
}

typedef struct {
  LkTestClient *c;
  guint n;
} LeaveCount;

static gboolean
saw_alice_leave_n (gpointer data)
{
  LeaveCount *l = data;

  return lk_test_client_count_events (l->c, "participant-disconnected:alice") >= l->n;
}

/* An application's main loop that always has default-priority work ready
 * (meters, redraws — and everything is slow under a sanitizer at load). */
static gboolean
busy_app (gpointer data)
{
  g_usleep (2000);
  return G_SOURCE_CONTINUE;
}

/* Alice leaves for good (removed by the room's admin, or she hangs up, or a
 * new session of hers replaces the old one) and joins again at once as a
 * new session with new tracks, several times: bob, who stays, hears each
 * new alice. Each round's tone differs, so it is the new track he hears.
 * The main loop is kept busy: the new track's pad must still be attached
 * (it used to wait in an idle-priority source, 11 s once under ASan). */
static void
test_same_identity_again (void)
{
  g_autoptr(HandoffTestLivekit) lk = handoff_test_livekit_start_or_skip (NULL);
  g_autoptr(LkTestClient) a = NULL;
  g_autoptr(LkTestClient) b = NULL;
  g_autoptr(GError) error = NULL;
  guint busy;

  if (lk == NULL)
    return;
  busy = g_idle_add_full (G_PRIORITY_DEFAULT, busy_app, NULL, NULL);
  b = lk_test_client_new_joined ("bob", lk, "again");
  for (guint i = 0; i < 6; i++)
    {
      double tone = 400 + 70 * i;
      LeaveCount left = { b, lk_test_client_count_events (b, "participant-disconnected:alice") + 1 };
      gint64 t0 = g_get_monotonic_time ();

      if (a == NULL)
        a = lk_test_client_new_joined ("alice", lk, "again");
      lk_test_client_publish_tone (a, tone);
      if (!lk_test_client_wait_hears (b, tone, 20))
        g_error ("round %u: bob does not hear the new alice (%.0f Hz) within 20 s", i, tone);
      g_test_message ("round %u: bob hears the new alice %.0f ms after she started joining",
                      i, (g_get_monotonic_time () - t0) / 1000.0);
      switch (i % 3)
        {
        case 0:
          g_assert_true (handoff_test_livekit_twirp (lk, "again", "RemoveParticipant",
                                                     "{\"room\": \"again\", \"identity\": \"alice\"}",
                                                     &error));
          g_assert_no_error (error);
          g_assert_true (lk_test_wait (saw_alice_leave_n, &left, 10));
          g_clear_pointer (&a, lk_test_client_free);
          break;
        case 1:
          g_clear_pointer (&a, lk_test_client_free);
          g_assert_true (lk_test_wait (saw_alice_leave_n, &left, 10));
          break;
        default:
          {
            /* Joined while the old session is still in the room: the
             * server replaces it (duplicate identity). */
            LkTestClient *next = lk_test_client_new_joined ("alice", lk, "again");
            g_clear_pointer (&a, lk_test_client_free);
            a = next;
            break;
          }
        }
      if (a == NULL)
        wait_silent (b);
      else
        lk_test_client_forget (b);
    }
  g_source_remove (busy);
}

/* The warm transfer as the target agent's client has it: Bob hears the
 * caller, stops hearing her (consult), hears her again on a new line
 * (three-way), then Alice, with two tracks, leaves (complete). Bob keeps
 * hearing the caller, and goes on hearing her. Several rounds, each with a
 * new Alice; the main loop is kept busy as an app's is. */
static void
test_other_leaves (void)
{
  g_autoptr(HandoffTestLivekit) lk = handoff_test_livekit_start_or_skip (NULL);
  g_autoptr(LkTestClient) caller = NULL;
  g_autoptr(LkTestClient) b = NULL;
  LkTrack *voice;
  guint busy;

  if (lk == NULL)
    return;
  busy = g_idle_add_full (G_PRIORITY_DEFAULT, busy_app, NULL, NULL);
  caller = lk_test_client_new_joined ("caller", lk, "leaves");
  voice = lk_test_client_publish_tone (caller, 440);
  b = lk_test_client_new_joined ("bob", lk, "leaves");
  g_assert_true (lk_test_client_wait_hears (b, 440, 45));
  for (guint round = 0; round < 4; round++)
    {
      g_autoptr(LkTestClient) a = lk_test_client_new_joined ("alice", lk, "leaves");
      LeaveCount left = { b, lk_test_client_count_events (b, "participant-disconnected:alice") + 1 };
      g_autofree char *first_bad = NULL;
      guint heard[4];

      lk_test_client_publish_tone (a, 660);
      lk_test_client_publish_tone_named (a, "hold-music", 196);
      g_assert_true (lk_test_wait (hears_440_in_mix, b, 20));
      subscribe (b, voice, FALSE);
      g_assert_true (lk_test_client_wait_hears (b, 660, 20));
      subscribe (b, voice, TRUE);
      g_assert_true (lk_test_wait (hears_440_in_mix, b, 20));
      lk_test_sleep (1.0);
      g_clear_pointer (&a, lk_test_client_free);
      g_assert_true (lk_test_wait (saw_alice_leave_n, &left, 20));
      lk_test_client_forget (b);
      /* In 100 ms windows, all four seconds before judging: a failure then
       * tells a click or a gap from deafness for good. */
      for (guint second = 0; second < 4; second++)
        {
          lk_test_sleep (1.0);
          heard[second] = windows_with_440_in_mix (b, 1.0);
          if (heard[second] < 7 && first_bad == NULL)
            {
              double rms = 0, f = lk_test_client_dominant (b, 1.0, &rms);

              first_bad = g_strdup_printf ("in second %u the dominant is %.0f Hz (rms %.4f; 440 Hz %.2e, "
                                           "660 Hz %.2e, 196 Hz %.2e)", second + 1, f, rms,
                                           lk_test_client_tone_power (b, 1.0, 440),
                                           lk_test_client_tone_power (b, 1.0, 660),
                                           lk_test_client_tone_power (b, 1.0, 196));
            }
        }
      if (first_bad != NULL)
        {
          /* Whether a streaming thread is stuck, or all wait for packets. */
          handoff_test_print_thread_stacks ();
          g_error ("round %u, after alice left: bob hears the caller in %u, %u, %u, %u of 10 windows "
                   "(seconds 1-4); %s", round, heard[0], heard[1], heard[2], heard[3], first_bad);
        }
      g_test_message ("round %u: after alice left bob hears the caller in %u, %u, %u, %u of 10 windows",
                      round, heard[0], heard[1], heard[2], heard[3]);
    }
  g_source_remove (busy);
}

static GstPadProbeReturn
swallow (GstPad          *pad,
         GstPadProbeInfo *info,
         gpointer         user_data)
{
  return GST_PAD_PROBE_DROP;
}

static guint
rtp_ssrc (GstBuffer *buffer)
{
  guint8 header[12];

  if (gst_buffer_extract (buffer, 0, header, sizeof header) < sizeof header)
    return 0;
  return GST_READ_UINT32_BE (header + 8);
}

static gboolean
drop_ssrc_in_list (GstBuffer **buffer,
                   guint       idx,
                   gpointer    user_data)
{
  if (rtp_ssrc (*buffer) == GPOINTER_TO_UINT (user_data))
    gst_clear_buffer (buffer);
  return TRUE;
}

/* Before rtpbin: to bob's webrtcbin the packets no longer come. */
static GstPadProbeReturn
drop_ssrc (GstPad          *pad,
           GstPadProbeInfo *info,
           gpointer         user_data)
{
  if (info->type & GST_PAD_PROBE_TYPE_BUFFER_LIST)
    {
      GstBufferList *list = gst_buffer_list_make_writable (GST_PAD_PROBE_INFO_BUFFER_LIST (info));

      GST_PAD_PROBE_INFO_DATA (info) = list;
      gst_buffer_list_foreach (list, drop_ssrc_in_list, user_data);
      return GST_PAD_PROBE_OK;
    }
  return rtp_ssrc (GST_PAD_PROBE_INFO_BUFFER (info)) == GPOINTER_TO_UINT (user_data) ? GST_PAD_PROBE_DROP
                                                                                    : GST_PAD_PROBE_OK;
}

typedef enum {
  STALL_BEFORE_WEBRTCBIN,  /* as when the server stops forwarding */
  STALL_INSIDE_WEBRTCBIN,  /* rtpbin has them, our pad does not */
} StallPlace;

/* Bob's copy of alice's track stops giving him packets although alice goes
 * on sending. Where they stop decides the remedy: not reaching his
 * webrtcbin (the server stopped forwarding: the track is taken again, on a
 * new line), or lost inside it (e2e, the caller deaf to B at completion:
 * he joins again, with new transports). Either way he hears alice again
 * within seconds, instead of never. */
static void
stall_and_recover (StallPlace place)
{
  g_autoptr(HandoffTestLivekit) lk = handoff_test_livekit_start_or_skip (NULL);
  g_autoptr(LkTestClient) a = NULL;
  g_autoptr(LkTestClient) b = NULL;
  g_autoptr(LkParticipant) alice = NULL;
  g_autoptr(LkTrack) heard = NULL;
  GstPad *pad;
  gint64 t0;
  guint retakes = 0, rejoins = 0, session, ssrc;

  if (lk == NULL)
    return;
  a = lk_test_client_new_joined ("alice", lk, "stall");
  b = lk_test_client_new_joined ("bob", lk, "stall");
  lk_test_client_publish_tone (a, 440);
  g_assert_true (lk_test_client_wait_hears (b, 440, 45));
  /* Hearing a steady tone: nothing was taken again. */
  lk_test_sleep (4.0);
  g_object_get (b->room, "n-stall-resubscribes", &retakes, "n-stall-rejoins", &rejoins, NULL);
  g_assert_cmpuint (retakes, ==, 0);
  g_assert_cmpuint (rejoins, ==, 0);

  alice = g_list_model_get_item (lk_room_get_remote_participants (b->room), 0);
  heard = g_list_model_get_item (lk_participant_get_tracks (alice), 0);
  pad = lk_track_get_remote_pad (heard);
  g_assert_nonnull (pad);
  g_assert_true (lk_track_get_remote_ssrc (heard, &session, &ssrc));
  if (place == STALL_INSIDE_WEBRTCBIN)
    gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_BUFFER_LIST, swallow, NULL, NULL);
  else
    {
      g_autoptr(GstElement) subscriber = gst_bin_get_by_name (GST_BIN (lk_room_get_pipeline (b->room)),
                                                              "subscriber");
      g_autoptr(GstElement) rtpbin = gst_bin_get_by_name (GST_BIN (subscriber), "rtpbin");
      g_autofree char *name = g_strdup_printf ("recv_rtp_sink_%u", session);
      g_autoptr(GstPad) rtp_in = gst_element_get_static_pad (rtpbin, name);

      g_assert_nonnull (rtp_in);
      gst_pad_add_probe (rtp_in, GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_BUFFER_LIST, drop_ssrc,
                         GUINT_TO_POINTER (ssrc), NULL);
    }
  wait_silent (b);
  t0 = g_get_monotonic_time ();
  g_assert_true (lk_test_client_wait_hears (b, 440, 15));
  g_test_message ("bob hears alice again %.0f ms after he stopped hearing her",
                  (g_get_monotonic_time () - t0) / 1000.0);
  g_object_get (b->room, "n-stall-resubscribes", &retakes, "n-stall-rejoins", &rejoins, NULL);
  if (place == STALL_INSIDE_WEBRTCBIN)
    {
      g_assert_cmpuint (rejoins, ==, 1);
      g_assert_true (lk_test_client_saw_reconnected (b));
    }
  else
    {
      g_assert_cmpuint (retakes, ==, 1);
      g_assert_cmpuint (rejoins, ==, 0);
      g_assert_true (lk_track_get_remote_pad (heard) != pad);
    }
  /* And stays with her. */
  lk_test_client_forget (b);
  lk_test_sleep (3.0);
  g_assert_true (lk_test_client_hears_now (b, 440));
}

typedef struct {
  GstElement *webrtcbin;
  LkRoom *room;
  gboolean all;  /* every pad of this webrtcbin, or the first only */
  gint hidden;   /* pads kept from the room (atomic) */
} HiddenPad;

/* webrtcbin made the pad, the room never hears of it. Its buffers are
 * dropped, as the room's own probe would until linked. */
static void
hide_pad (GstElement *webrtcbin,
          GstPad     *pad,
          gpointer    user_data)
{
  HiddenPad *h = user_data;

  if (GST_PAD_DIRECTION (pad) != GST_PAD_SRC || (!h->all && g_atomic_int_get (&h->hidden) > 0))
    return;
  g_atomic_int_inc (&h->hidden);
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_BUFFER_LIST, swallow, NULL, NULL);
  if (!h->all)
    g_signal_handlers_unblock_by_func (webrtcbin, lk_room_remote_pad_added, h->room);
}

/* The server puts alice's track on a line of bob's and forwards it, but
 * the pad for that line never reaches his room (CI, ~1 test program in
 * 40: same-identity-again, removed-while-away, recycled-line). His room
 * sees media coming that none of its pads carries and takes the track
 * again, on a new line: he hears alice. If the new line's pad does not
 * come either (e2e under ASan, the caller after A left), he joins again
 * with new transports. */
static void
pad_never_came (gboolean again)
{
  g_autoptr(HandoffTestLivekit) lk = handoff_test_livekit_start_or_skip (NULL);
  g_autoptr(LkTestClient) a = NULL;
  g_autoptr(LkTestClient) b = NULL;
  g_autoptr(GstElement) subscriber = NULL;
  HiddenPad hidden = { 0 };
  guint retakes = 0, rejoins = 0;
  gint64 t0;

  if (lk == NULL)
    return;
  a = lk_test_client_new_joined ("alice", lk, "nopad");
  b = lk_test_client_new_joined ("bob", lk, "nopad");
  subscriber = gst_bin_get_by_name (GST_BIN (lk_room_get_pipeline (b->room)), "subscriber");
  hidden.webrtcbin = subscriber;
  hidden.room = b->room;
  hidden.all = again;
  g_assert_cmpuint (g_signal_handlers_block_by_func (subscriber, lk_room_remote_pad_added, b->room), ==, 1);
  g_signal_connect (subscriber, "pad-added", G_CALLBACK (hide_pad), &hidden);
  t0 = g_get_monotonic_time ();
  lk_test_client_publish_tone (a, 440);
  g_assert_true (lk_test_client_wait_hears (b, 440, 30));
  g_test_message ("bob hears alice %.0f ms after she published", (g_get_monotonic_time () - t0) / 1000.0);
  g_object_get (b->room, "n-stall-resubscribes", &retakes, "n-stall-rejoins", &rejoins, NULL);
  g_assert_cmpuint (retakes, ==, 1);
  if (again)
    {
      g_assert_cmpint (g_atomic_int_get (&hidden.hidden), ==, 2);
      g_assert_cmpuint (rejoins, ==, 1);
      g_assert_true (lk_test_client_saw_reconnected (b));
    }
  else
    {
      g_assert_cmpint (g_atomic_int_get (&hidden.hidden), ==, 1);
      g_assert_cmpuint (rejoins, ==, 0);
    }
  g_signal_handlers_disconnect_by_func (subscriber, hide_pad, &hidden);
  lk_test_client_forget (b);
  lk_test_sleep (3.0);
  g_assert_true (lk_test_client_hears_now (b, 440));
}

static void
test_pad_never_came (void)
{
  pad_never_came (FALSE);
}

static void
test_pad_never_came_again (void)
{
  pad_never_came (TRUE);
}

static void
test_stalled_track (void)
{
  stall_and_recover (STALL_BEFORE_WEBRTCBIN);
}

static void
test_lost_inside_webrtcbin (void)
{
  stall_and_recover (STALL_INSIDE_WEBRTCBIN);
}

/* Unlinks the pad on which @listener hears alice's tone: the receive path
 * stops, and @listener must re-join once and hear her again. */
static void
cut_receive_path_until_heard_again (LkTestClient *listener,
                                    const char   *context)
{
  g_autoptr(LkParticipant) alice = g_list_model_get_item (lk_room_get_remote_participants (listener->room), 0);
  g_autoptr(LkTrack) heard = g_list_model_get_item (lk_participant_get_tracks (alice), 0);
  g_autoptr(GstPad) peer = NULL;
  GstPad *pad = lk_track_get_remote_pad (heard);
  guint rejoins = 0;
  gint64 t0;

  g_assert_nonnull (pad);
  peer = gst_pad_get_peer (pad);
  g_assert_nonnull (peer);
  g_assert_true (gst_pad_unlink (pad, peer));
  t0 = g_get_monotonic_time ();
  /* What arrives from now on only: the old path is dead. */
  lk_test_sleep (1.0);
  lk_test_client_forget (listener);
  g_assert_true (lk_test_client_wait_hears (listener, 440, 20));
  g_test_message ("%s hears alice again %.0f ms after the unlink%s", listener->identity,
                  (g_get_monotonic_time () - t0) / 1000.0, context);
  g_object_get (listener->room, "n-rejoins", &rejoins, NULL);
  g_assert_cmpuint (rejoins, ==, 1);
}

/* A packet that meets an unlinked pad inside webrtcbin stops its whole
 * receive path (the source's task ends on the flow error): bob would be
 * deaf to everyone for the rest of the call. Here the pad of alice's track
 * is really unlinked under the flow (no probe). Bob's room notices the
 * error and joins again with new transports; he hears alice again. */
static void
test_receive_path_stops (void)
{
  g_autoptr(HandoffTestLivekit) lk = handoff_test_livekit_start_or_skip (NULL);
  g_autoptr(LkTestClient) a = NULL;
  g_autoptr(LkTestClient) b = NULL;

  if (lk == NULL)
    return;
  a = lk_test_client_new_joined ("alice", lk, "stops");
  b = lk_test_client_new_joined ("bob", lk, "stops");
  lk_test_client_publish_tone (a, 440);
  g_assert_true (lk_test_client_wait_hears (b, 440, 45));

  cut_receive_path_until_heard_again (b, "");
  lk_test_client_forget (b);
  lk_test_sleep (3.0);
  g_assert_true (lk_test_client_hears_now (b, 440));
}

/* Holds an element's state lock on a thread of its own: its state changes
 * block until released, as webrtcbin's did when its thread hung in SCTP. */
typedef struct {
  GstElement *element;
  GMutex lock;
  GCond cond;
  gboolean holding;
  gboolean release;
  GThread *thread;
} StateHold;

static gpointer
hold_state_lock (gpointer data)
{
  StateHold *h = data;

  GST_STATE_LOCK (h->element);
  g_mutex_lock (&h->lock);
  h->holding = TRUE;
  g_cond_signal (&h->cond);
  while (!h->release)
    g_cond_wait (&h->cond, &h->lock);
  g_mutex_unlock (&h->lock);
  GST_STATE_UNLOCK (h->element);
  return NULL;
}

static void
state_hold_start (StateHold  *h,
                  GstElement *element)
{
  memset (h, 0, sizeof *h);
  h->element = element;
  g_mutex_init (&h->lock);
  g_cond_init (&h->cond);
  h->thread = g_thread_new ("state-hold", hold_state_lock, h);
  g_mutex_lock (&h->lock);
  while (!h->holding)
    g_cond_wait (&h->cond, &h->lock);
  g_mutex_unlock (&h->lock);
}

static void
state_hold_end (StateHold *h)
{
  g_mutex_lock (&h->lock);
  h->release = TRUE;
  g_cond_signal (&h->cond);
  g_mutex_unlock (&h->lock);
  g_thread_join (h->thread);
  g_mutex_clear (&h->lock);
  g_cond_clear (&h->cond);
}

typedef struct {
  GMutex lock;
  GCond cond;
  gboolean done;
} Deadline;

static gpointer
abort_past_deadline (gpointer data)
{
  Deadline *d = data;
  gint64 end = g_get_monotonic_time () + 10 * G_TIME_SPAN_SECOND;

  g_mutex_lock (&d->lock);
  while (!d->done)
    if (!g_cond_wait_until (&d->cond, &d->lock, end))
      g_error ("the room's main loop hung recomputing the latency beside a stuck webrtcbin");
  g_mutex_unlock (&d->lock);
  return NULL;
}

/* A track coming or going makes the pipeline recompute its latency: with a
 * webrtcbin that holds its state lock for good, the main loop must not
 * hang in that (it did: GStreamer hands the latency to every sink). */
static void
recompute_latency_beside (LkTestClient *c)
{
  GstPipeline *pipeline = lk_room_get_pipeline (c->room);
  Deadline d = { 0 };
  GThread *watch;

  g_mutex_init (&d.lock);
  g_cond_init (&d.cond);
  watch = g_thread_new ("latency-deadline", abort_past_deadline, &d);
  gst_element_post_message (GST_ELEMENT (pipeline), gst_message_new_latency (GST_OBJECT (pipeline)));
  lk_test_sleep (1.0);
  g_mutex_lock (&d.lock);
  d.done = TRUE;
  g_cond_signal (&d.cond);
  g_mutex_unlock (&d.lock);
  g_thread_join (watch);
  g_mutex_clear (&d.lock);
  g_cond_clear (&d.cond);
}

/* A transport that never stops (webrtcbin's own thread hung, session 6)
 * must not take the room with it: the re-join goes on without it, and the
 * participant hears again. */
static void
test_stuck_transport (void)
{
  g_autoptr(HandoffTestLivekit) lk = handoff_test_livekit_start_or_skip (NULL);
  g_autoptr(LkTestClient) a = NULL;
  g_autoptr(LkTestClient) b = NULL;
  g_autoptr(GstElement) subscriber = NULL;
  StateHold hold = { 0 };
  gint64 t0;

  if (lk == NULL)
    return;
  a = lk_test_client_new_joined ("alice", lk, "stuck");
  b = lk_test_client_new_joined ("bob", lk, "stuck");
  lk_test_client_publish_tone (a, 440);
  g_assert_true (lk_test_client_wait_hears (b, 440, 45));

  subscriber = gst_bin_get_by_name (GST_BIN (lk_room_get_pipeline (b->room)), "subscriber");
  g_assert_nonnull (subscriber);
  state_hold_start (&hold, subscriber);
  recompute_latency_beside (b);

  /* A dead receive path makes bob re-join (receive-path-stops). */
  cut_receive_path_until_heard_again (b, ", his old subscriber still stuck");
  g_assert_null (GST_OBJECT_PARENT (subscriber));

  state_hold_end (&hold);
  lk_test_client_forget (b);
  lk_test_sleep (2.0);
  g_assert_true (lk_test_client_hears_now (b, 440));

  /* And bob can still leave when his new subscriber is stuck too. */
  g_clear_object (&subscriber);
  subscriber = gst_bin_get_by_name (GST_BIN (lk_room_get_pipeline (b->room)), "subscriber");
  g_assert_nonnull (subscriber);
  state_hold_start (&hold, subscriber);
  t0 = g_get_monotonic_time ();
  g_clear_pointer (&b, lk_test_client_free);
  g_test_message ("bob left in %.0f ms", (g_get_monotonic_time () - t0) / 1000.0);
  state_hold_end (&hold);
}

int
main (int   argc,
      char *argv[])
{
  lk_test_setup (&argc, &argv);
  g_test_add_func ("/lk/resubscribe/cycles", test_cycles);
  g_test_add_func ("/lk/resubscribe/back-to-back", test_back_to_back);
  g_test_add_func ("/lk/resubscribe/permission-cycles", test_permission_cycles);
  g_test_add_func ("/lk/resubscribe/recycled-line", test_recycled_line);
  g_test_add_func ("/lk/resubscribe/same-identity-again", test_same_identity_again);
  g_test_add_func ("/lk/resubscribe/other-leaves", test_other_leaves);
  g_test_add_func ("/lk/resubscribe/stalled-track", test_stalled_track);
  g_test_add_func ("/lk/resubscribe/lost-inside-webrtcbin", test_lost_inside_webrtcbin);
  g_test_add_func ("/lk/resubscribe/pad-never-came", test_pad_never_came);
  g_test_add_func ("/lk/resubscribe/pad-never-came-again", test_pad_never_came_again);
  g_test_add_func ("/lk/resubscribe/receive-path-stops", test_receive_path_stops);
  g_test_add_func ("/lk/resubscribe/stuck-transport", test_stuck_transport);
  return lk_test_run ();
}
