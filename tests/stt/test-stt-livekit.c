/* test-stt-livekit.c: transcript segments travel through a real livekit-server
 *
 * Alice publishes speech (flite, from a file paced in real time) as her
 * microphone; her app transcribes it from the local track's tap and
 * publishes the segments as lk.transcription text streams. Bob's
 * HandoffTranscript, fed only by what his room receives, must end up with
 * the same lines as Alice's own, in order, every partial replaced by its
 * final, labelled with Alice's name.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gstdio.h>
#include <gst/gst.h>
#include <string.h>

#include "handoff-test-livekit.h"
#include "handoff-transcript-publisher.h"
#include "handoff-transcript-receiver.h"
#include "handoff-transcript.h"
#include "lk-test-client.h"
#include "stt-corpus.h"

#define N_SENTENCES 2

static char *tmpdir;

typedef struct
{
  GAsyncResult *result;
} Waiter;

static void
on_done (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  ((Waiter *) user_data)->result = g_object_ref (result);
}

static gboolean
waiter_done (gpointer data)
{
  return ((Waiter *) data)->result != NULL;
}

typedef struct
{
  HandoffTranscript *mine;
  HandoffTranscript *theirs;
  guint              expected_finals;
} Pair;

static guint
count_finals (HandoffTranscript *transcript)
{
  guint n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (transcript)); i++)
    {
      g_autoptr(HandoffSegment) segment = g_list_model_get_item (G_LIST_MODEL (transcript), i);

      n += handoff_segment_get_final (segment);
    }
  return n;
}

/* Bob has every final Alice has, and Alice has heard all she will. */
static gboolean
transcripts_settled (gpointer data)
{
  Pair *p = data;
  guint mine = count_finals (p->mine);

  return mine >= p->expected_finals && count_finals (p->theirs) == mine &&
         g_list_model_get_n_items (G_LIST_MODEL (p->theirs)) == mine;
}

static guint
count_texts (LkTestClient *c,
             const char   *needle)
{
  guint n = 0;

  for (guint i = 0; i < c->texts->len; i++)
    n += strstr (c->texts->pdata[i], needle) != NULL;
  return n;
}

static void
test_segments_reach_other_client (void)
{
  g_autoptr(HandoffTestLivekit) lk = handoff_test_livekit_start_or_skip (NULL);
  g_autoptr(LkTestClient) alice = NULL;
  g_autoptr(LkTestClient) bob = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(HandoffTranscriber) transcriber = NULL;
  g_autoptr(HandoffTranscriptPublisher) publisher = NULL;
  g_autoptr(HandoffTranscriptReceiver) receiver = NULL;
  g_autoptr(HandoffTranscript) mine = handoff_transcript_new ();
  g_autoptr(HandoffTranscript) theirs = handoff_transcript_new ();
  g_autofree char *wav = NULL;
  g_autofree char *padded = NULL;
  g_autofree char *desc = NULL;
  g_autofree char *mine_text = NULL;
  g_autofree char *theirs_text = NULL;
  g_autoptr(GString) keywords = g_string_new (NULL);
  GstElement *source;
  Waiter w = { 0 };
  LkTrack *track;
  Pair pair;
  gint64 last_start = 0;
  gboolean settled;

  if (!lk)
    return;
  /* A phone caller's voice (8 kHz flite), hence the telephone profile below. */
  wav = stt_corpus_make_wav (tmpdir, STT_VOICE_FLITE, 0, N_SENTENCES, &error);
  g_assert_no_error (error);
  if (!wav)
    {
      g_test_skip ("flite or sox is not installed");
      return;
    }
  /* Lead silence: the tap is attached once the track is published. */
  padded = g_strdup_printf ("%s/padded.wav", tmpdir);
  {
    const char *argv[] = { "sox", "-R", wav, padded, "pad", "3", "0", NULL };
    int status;

    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                                 NULL, NULL, &status, &error));
    g_assert_no_error (error);
    g_assert_true (g_spawn_check_wait_status (status, NULL));
  }

  alice = lk_test_client_new ("alice");
  bob = lk_test_client_new ("bob");
  lk_test_client_join (alice, lk, "stt-room", NULL);
  lk_test_client_join (bob, lk, "stt-room", NULL);
  receiver = handoff_transcript_receiver_new (bob->room, theirs);

  /* Ready before the speech starts (loading the model takes a while under
   * a sanitizer). */
  transcriber = handoff_transcriber_new_full (HANDOFF_TRANSCRIBER_BACKEND_LOCAL, TRUE,
                                              HANDOFF_SPEECH_PROFILE_TELEPHONE, NULL);
  handoff_transcriber_set_identity (transcriber, "alice");

  /* Alice's "microphone": the file, paced like a live source. */
  desc = g_strdup_printf ("filesrc location=%s ! wavparse ! audioconvert ! audioresample ! "
                          "identity sync=true", padded);
  source = gst_parse_bin_from_description (desc, TRUE, &error);
  g_assert_no_error (error);
  lk_room_publish_audio_async (alice->room, "microphone", LK_TRACK_SOURCE_MICROPHONE, source,
                               NULL, on_done, &w);
  g_assert_true (lk_test_wait (waiter_done, &w, 30));
  track = lk_room_publish_audio_finish (alice->room, w.result, &error);
  g_clear_object (&w.result);
  g_assert_no_error (error);

  handoff_transcriber_set_track_id (transcriber, lk_track_get_sid (track));
  handoff_transcript_follow (mine, transcriber);
  publisher = handoff_transcript_publisher_new (alice->room, transcriber);
  g_assert_true (lk_track_add_tap (track, handoff_transcriber_get_sink_bin (transcriber), &error));
  g_assert_no_error (error);

  pair.mine = mine;
  pair.theirs = theirs;
  pair.expected_finals = N_SENTENCES;
  settled = lk_test_wait (transcripts_settled, &pair, 90);
  /* Late streams (there should be none) would show up here. */
  lk_test_sleep (1.0);

  mine_text = handoff_transcript_to_text (mine, TRUE);
  theirs_text = handoff_transcript_to_text (theirs, TRUE);
  g_test_message ("alice's own transcript:\n%s", mine_text);
  g_test_message ("bob's transcript:\n%s", theirs_text);
  g_test_message ("%u streams sent, %u failed; bob received %u partial and %u final streams",
                  handoff_transcript_publisher_get_n_sent (publisher),
                  handoff_transcript_publisher_get_n_failed (publisher),
                  count_texts (bob, "lk.transcription_final=false"),
                  count_texts (bob, "lk.transcription_final=true"));
  g_assert_true (settled);

  /* Partials did travel, and every one was replaced by its final. */
  g_assert_cmpuint (count_texts (bob, "lk.transcription_final=false"), >, 0);
  g_assert_cmpuint (handoff_transcript_publisher_get_n_failed (publisher), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (theirs)),
                    ==, g_list_model_get_n_items (G_LIST_MODEL (mine)));
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (theirs)); i++)
    {
      g_autoptr(HandoffSegment) a = g_list_model_get_item (G_LIST_MODEL (mine), i);
      g_autoptr(HandoffSegment) b = g_list_model_get_item (G_LIST_MODEL (theirs), i);

      g_assert_true (handoff_segment_get_final (b));
      g_assert_cmpstr (handoff_segment_get_id (b), ==, handoff_segment_get_id (a));
      g_assert_cmpstr (handoff_segment_get_text (b), ==, handoff_segment_get_text (a));
      g_assert_cmpstr (handoff_segment_get_identity (b), ==, "alice");
      g_assert_cmpstr (handoff_segment_get_track_id (b), ==, lk_track_get_sid (track));
      g_assert_cmpint (handoff_segment_get_start_ms (b), ==, handoff_segment_get_start_ms (a));
      g_assert_cmpint (handoff_segment_get_start_ms (b), >=, last_start);
      last_start = handoff_segment_get_start_ms (b);
    }
  /* Wall-clock times: said within the last couple of minutes. */
  g_assert_cmpint (last_start, >, g_get_real_time () / 1000 - 120000);

  /* And what was said is what Bob reads. */
  for (guint i = 0; i < N_SENTENCES; i++)
    g_string_append_printf (keywords, "%s ", stt_corpus[i].keywords);
  g_test_message ("keyword recall %.0f%%",
                  100 * stt_keyword_recall (keywords->str, theirs_text, NULL, NULL));
  /* Modest: live audio through Opus, and the digits of the second sentence
   * are hard for the small model even offline. */
  g_assert_cmpfloat (stt_keyword_recall (keywords->str, theirs_text, NULL, NULL), >=, 0.25);
  g_assert_cmpfloat (stt_keyword_recall (stt_corpus[0].keywords, theirs_text, NULL, NULL), >=, 0.5);

  lk_track_remove_tap (track, handoff_transcriber_get_sink_bin (transcriber));
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);
  tmpdir = g_dir_make_tmp ("handoff-stt-lk-XXXXXX", NULL);

  g_test_add_func ("/stt/livekit/segments-reach-other-client", test_segments_reach_other_client);

  ret = g_test_run ();
  {
    g_autoptr(GDir) dir = g_dir_open (tmpdir, 0, NULL);
    const char *name;

    while (dir && (name = g_dir_read_name (dir)))
      {
        g_autofree char *path = g_build_filename (tmpdir, name, NULL);

        g_unlink (path);
      }
    g_rmdir (tmpdir);
    g_free (tmpdir);
  }
  return ret;
}
