/* test-e2e-transcript.c: the live transcript of a call, as both parties read it
 *
 * Real livekit-server, real handoff-server --dev, a caller and Agent A built
 * on src/core with the LiveKit client, each with a local (pocketsphinx)
 * transcriber on its own microphone as the app has. Their microphones speak
 * espeak-ng sentences: first the caller, then A. A's transcript must show
 * the caller's words labelled with the caller's name — first as a partial
 * line, then replaced by the final — and A's own words labelled with A's
 * name; the caller's transcript (its live captions) shows both too.
 * pocketsphinx is imperfect, so the checks are on a few robust words.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <gst/gst.h>

#include "e2e-party-kit.h"
#include "handoff-transcriber.h"
#include "handoff-transcript.h"
#include "lk-test-client.h"
#include "stt-corpus.h"
#include "stt-speaker.h"

static HandoffCallSession *caller_session, *agent_session;
static char *tmpdir;

static void
dump_transcripts (void)
{
  for (int i = 0; i < 2; i++)
    {
      HandoffCallSession *s = i == 0 ? caller_session : agent_session;
      g_autofree char *text = NULL;

      if (s == NULL)
        continue;
      text = handoff_transcript_to_text (handoff_call_session_get_transcript_model (s), FALSE);
      g_test_message ("%s's transcript:\n%s", i == 0 ? "caller" : "agent", text);
    }
}

/* The party's app: its voice is @speaker, its ears a fakesink, and it
 * transcribes its own microphone (wideband: a microphone through Opus). */
static HandoffLkMedia *
party_media (SttSpeaker *speaker)
{
  g_autoptr(GError) error = NULL;
  GstElement *sink = gst_parse_bin_from_description ("fakesink sync=false", TRUE, &error);
  g_autoptr(HandoffTranscriber) transcriber = NULL;
  HandoffLkMedia *media;

  g_assert_no_error (error);
  media = e2e_kit_media (stt_speaker_get_source (speaker), sink);
  transcriber = handoff_transcriber_new_full (HANDOFF_TRANSCRIBER_BACKEND_LOCAL, TRUE,
                                              HANDOFF_SPEECH_PROFILE_WIDEBAND, NULL);
  handoff_lk_media_set_transcriber (media, transcriber);
  return media;
}

/* What a person reading the transcript sees: every line of @speaker (as
 * labelled), finals only when @finals_only. */
static char *
lines_of (HandoffCallSession *session,
          const char         *speaker,
          gboolean            finals_only)
{
  GListModel *model = G_LIST_MODEL (handoff_call_session_get_transcript_model (session));
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(HandoffSegment) seg = g_list_model_get_item (model, i);

      if (g_strcmp0 (handoff_segment_get_speaker (seg), speaker) == 0 &&
          (!finals_only || handoff_segment_get_final (seg)))
        g_string_append_printf (s, "%s\n", handoff_segment_get_text (seg));
    }
  return g_string_free (s, FALSE);
}

static guint
count_lines (HandoffCallSession *session,
             const char         *speaker)
{
  g_autofree char *text = lines_of (session, speaker, TRUE);
  guint n = 0;

  for (const char *p = text; *p; p++)
    n += *p == '\n';
  return n;
}

static double
recall (HandoffCallSession *session,
        const char         *speaker,
        const char         *keywords)
{
  g_autofree char *text = lines_of (session, speaker, TRUE);

  return stt_keyword_recall (keywords, text, NULL, NULL);
}

/* Every partial line of the caller the agent's view showed: its id, so the
 * test can see it replaced in place by a final. */
typedef struct {
  GHashTable *partial_ids;
} Watch;

static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Watch      *watch)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(HandoffSegment) seg = g_list_model_get_item (model, i);

      if (!handoff_segment_get_final (seg) && *handoff_segment_get_text (seg))
        g_hash_table_add (watch->partial_ids, g_strdup (handoff_segment_get_id (seg)));
    }
}

static guint
partials_now_final (HandoffCallSession *session,
                    Watch              *watch)
{
  GListModel *model = G_LIST_MODEL (handoff_call_session_get_transcript_model (session));
  guint n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(HandoffSegment) seg = g_list_model_get_item (model, i);

      n += handoff_segment_get_final (seg) && g_hash_table_contains (watch->partial_ids,
                                                                     handoff_segment_get_id (seg));
    }
  return n;
}

static void
test_live_transcript (void)
{
  g_autoptr(HandoffTestLivekit) lk = handoff_test_livekit_start_or_skip (NULL);
  g_autoptr(HandoffTestServer) server = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(E2eKitAgent) alice = NULL;
  g_autoptr(HandoffLkMedia) caller_media = NULL;
  g_autoptr(HandoffLkMedia) agent_media = NULL;
  g_autoptr(SttSpeaker) caller_voice = NULL;
  g_autoptr(SttSpeaker) agent_voice = NULL;
  g_autofree char *caller_wav = NULL;
  g_autofree char *agent_wav = NULL;
  g_autoptr(GString) caller_keywords = g_string_new (NULL);
  Watch watch = { g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL) };
  g_autoptr(GString) agent_keywords = g_string_new (NULL);

  if (lk == NULL)
    return;
  /* Caller: "I would like to cancel my order", the account number, the
   * refund; A: "Please send me a new password. Thank you for your help today." */
  caller_wav = stt_corpus_make_wav (tmpdir, STT_VOICE_ESPEAK, 0, 3, &error);
  g_assert_no_error (error);
  agent_wav = stt_corpus_make_wav (tmpdir, STT_VOICE_ESPEAK, 8, 2, &error);
  g_assert_no_error (error);
  if (caller_wav == NULL || agent_wav == NULL)
    {
      g_test_skip ("espeak-ng or sox is not installed");
      return;
    }
  for (guint i = 0; i < 3; i++)
    g_string_append_printf (caller_keywords, "%s ", stt_corpus[i].keywords);
  for (guint i = 8; i < 10; i++)
    g_string_append_printf (agent_keywords, "%s ", stt_corpus[i].keywords);

  server = handoff_test_server_start (lk, &error);
  g_assert_no_error (error);
  alice = e2e_kit_agent_new (server, "alice", HANDOFF_TEST_ALICE_PASSWORD, "available");

  caller_voice = stt_speaker_new (caller_wav);
  agent_voice = stt_speaker_new (agent_wav);
  caller_media = party_media (caller_voice);
  agent_media = party_media (agent_voice);

  caller_session = e2e_kit_place (server, "Carol", "charged twice", caller_media);
  E2E_WAIT_FOR (alice->offered != NULL, 20);
  agent_session = g_object_ref (alice->offered);
  g_signal_connect (handoff_call_session_get_transcript_model (agent_session), "items-changed",
                    G_CALLBACK (on_items_changed), &watch);
  e2e_kit_accept (alice, agent_media);
  E2E_WAIT_FOR (handoff_call_session_get_state (caller_session) == HANDOFF_CALL_TALKING, 20);

  /* The caller speaks. A reads it, labelled with the caller's name. */
  stt_speaker_speak (caller_voice);
  {
    /* A hears the caller meanwhile (both microphones have a transcriber's
     * tap): the loudest her speaker played, and the caller's microphone. */
    double heard = 0, spoken = 0;
    gint64 end = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

    while (!stt_speaker_is_done (caller_voice) && g_get_monotonic_time () < end)
      {
        g_main_context_iteration (NULL, TRUE);
        heard = MAX (heard, handoff_lk_media_get_speaker_level (agent_media));
        spoken = MAX (spoken, handoff_lk_media_get_mic_level (caller_media));
      }
    g_test_message ("while the caller spoke: caller's microphone level up to %.3f, A's speaker up to %.3f",
                    spoken, heard);
    g_assert_true (stt_speaker_is_done (caller_voice));
    g_assert_cmpfloat (spoken, >, 0.02);
    g_assert_cmpfloat (heard, >, 0.02);
    g_assert_cmpfloat (handoff_lk_media_get_mic_level (agent_media), <, 0.001);
  }
  /* The first sentence is the one the warm-up fix is for: it must be there.
   * Its "order" is the word no other sentence has: under a sanitizer the
   * small model took "cancel my" for "console" or "the so" (3 runs, the
   * line there each time). The other two vary from run to run (live
   * buffer timing; the digits are hard for the small model), so only their
   * lines are counted. */
  E2E_WAIT_FOR (recall (agent_session, "Carol", "order") == 1.0, 90);
  E2E_WAIT_FOR (count_lines (agent_session, "Carol") >= 2, 60);
  /* Lines were shown as partials first and replaced in place by finals. */
  E2E_WAIT_FOR (partials_now_final (agent_session, &watch) >= 1, 30);
  /* The caller's captions show its own words. */
  E2E_WAIT_FOR (recall (caller_session, "Carol", "order") == 1.0, 30);

  /* A answers: A's own transcript labels it with A's name, and the caller's
   * captions show it too. */
  stt_speaker_speak (agent_voice);
  E2E_WAIT_FOR (recall (agent_session, "Alice Example", agent_keywords->str) >= 0.3, 90);
  E2E_WAIT_FOR (recall (caller_session, "Alice Example", agent_keywords->str) >= 0.3, 30);
  dump_transcripts ();
  g_test_message ("keyword recall in A's transcript: caller %.0f%%, A %.0f%%",
                  100 * recall (agent_session, "Carol", caller_keywords->str),
                  100 * recall (agent_session, "Alice Example", agent_keywords->str));

  /* Nobody else's words under a name: A's words are not the caller's. */
  {
    g_autofree char *carol = lines_of (agent_session, "Carol", TRUE);
    g_assert_cmpfloat (stt_keyword_recall ("thank today", carol, NULL, NULL), <, 1.0);
  }

  handoff_call_session_hang_up (caller_session);
  g_signal_handlers_disconnect_by_data (handoff_call_session_get_transcript_model (agent_session), &watch);
  g_clear_pointer (&alice, e2e_kit_agent_free);
  g_clear_object (&agent_session);
  g_clear_object (&caller_session);
  g_hash_table_unref (watch.partial_ids);
  e2e_kit_settle ();
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  e2e_kit_init (&argc, &argv, dump_transcripts);
  tmpdir = g_dir_make_tmp ("handoff-e2e-transcript-XXXXXX", NULL);
  g_test_add_func ("/e2e/live-transcript", test_live_transcript);
  ret = lk_test_run ();
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
