/* test-stt-local.c: the embedded recogniser on synthesised call-centre speech
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <gst/gst.h>
#include <glib/gstdio.h>

#include "handoff-transcriber.h"
#include "stt-corpus.h"

static char *tmpdir;

typedef struct
{
  double wer;
  double recall;
  double first_recall;
} Score;

/* Transcribes sentences [0, n) spoken by @voice and scores the result
 * against the script: WER over the whole text, keyword recall over the
 * whole text and over the first utterance (the one a cold decoder
 * mishears). Also checks the segments' shape. */
static gboolean
transcribe_and_score (SttVoice             voice,
                      guint                n,
                      HandoffSpeechProfile profile,
                      Score               *score)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *wav = stt_corpus_make_wav (tmpdir, voice, 0, n, &error);
  g_autoptr(HandoffTranscriber) transcriber = NULL;
  g_autoptr(GPtrArray) finals = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GString) reference = g_string_new (NULL);
  g_autoptr(GString) keywords = g_string_new (NULL);
  g_autofree char *hypothesis = NULL;
  g_autoptr(GHashTable) finished_ids = g_hash_table_new (g_str_hash, g_str_equal);
  gint64 last_start = -1;
  double cpu = 0;

  g_assert_no_error (error);
  if (!wav)
    {
      g_test_skip ("espeak-ng, flite or sox is not installed");
      return FALSE;
    }

  transcriber = handoff_transcriber_new_full (HANDOFF_TRANSCRIBER_BACKEND_LOCAL, FALSE, profile, NULL);
  handoff_transcriber_set_identity (transcriber, "caller");
  handoff_transcriber_set_track_id (transcriber, "TR_mic");
  g_assert_true (stt_transcribe_file (transcriber, wav, finals, all, &cpu, &error));
  g_assert_no_error (error);
  g_assert_null (handoff_transcriber_get_fallback_reason (transcriber));

  /* Shape: partials come before their final, a final closes its id for
   * good, finals are in time order, every segment names speaker and track. */
  for (guint i = 0; i < all->len; i++)
    {
      HandoffSegment *segment = all->pdata[i];
      const char *id = handoff_segment_get_id (segment);

      g_assert_cmpstr (handoff_segment_get_identity (segment), ==, "caller");
      g_assert_cmpstr (handoff_segment_get_track_id (segment), ==, "TR_mic");
      g_assert_false (g_hash_table_contains (finished_ids, id));
      g_assert_cmpint (handoff_segment_get_end_ms (segment), >=,
                       handoff_segment_get_start_ms (segment));
      if (handoff_segment_get_final (segment))
        {
          g_hash_table_add (finished_ids, (gpointer) id);
          g_assert_cmpint (handoff_segment_get_start_ms (segment), >=, last_start);
          last_start = handoff_segment_get_start_ms (segment);
        }
    }
  g_assert_cmpuint (finals->len, >, 0);
  g_assert_cmpuint (all->len, >, finals->len);  /* there were partials */

  for (guint i = 0; i < n; i++)
    {
      g_string_append_printf (reference, "%s ", stt_corpus[i].text);
      g_string_append_printf (keywords, "%s ", stt_corpus[i].keywords);
    }
  hypothesis = stt_join_texts (finals);
  score->wer = stt_wer (reference->str, hypothesis);
  score->recall = stt_keyword_recall (keywords->str, hypothesis, NULL, NULL);
  score->first_recall = stt_keyword_recall (stt_corpus[0].keywords,
                                            handoff_segment_get_text (finals->pdata[0]),
                                            NULL, NULL);
  g_test_message ("heard: %s", hypothesis);
  g_test_message ("WER %.1f%%, keyword recall %.0f%%, first utterance keyword recall %.0f%% "
                  "(\"%s\"), CPU %.1f s", score->wer * 100, score->recall * 100,
                  score->first_recall * 100, handoff_segment_get_text (finals->pdata[0]), cpu);
  return TRUE;
}

static void
test_espeak_wideband (void)
{
  Score score;

  if (!transcribe_and_score (STT_VOICE_ESPEAK, stt_corpus_len, HANDOFF_SPEECH_PROFILE_WIDEBAND, &score))
    return;
  /* Modest bounds: synthetic speech and a small generic model. */
  g_assert_cmpfloat (score.recall, >=, 0.5);
  g_assert_cmpfloat (score.wer, <=, 0.6);
  /* The warm-up fix: the very first sentence is understood. */
  g_assert_cmpfloat (score.first_recall, >=, 0.5);
}

static void
test_flite_telephone (void)
{
  Score score;

  if (!transcribe_and_score (STT_VOICE_FLITE, stt_corpus_len, HANDOFF_SPEECH_PROFILE_TELEPHONE, &score))
    return;
  g_assert_cmpfloat (score.recall, >=, 0.5);
  g_assert_cmpfloat (score.wer, <=, 0.6);
  g_assert_cmpfloat (score.first_recall, >=, 0.5);
}

/* A caller who waits before speaking: 12 s of a microphone's hiss (white
 * noise at about -40 dBFS), then the first two sentences over the same hiss.
 * Without the noise gate pocketsphinx's live normalisation drifted during
 * the wait and the sentences came out as one or two wrong words. */
static void
test_after_long_hiss (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *speech = stt_corpus_make_wav (tmpdir, STT_VOICE_ESPEAK, 0, 2, &error);
  g_autofree char *padded = g_build_filename (tmpdir, "hiss-padded.wav", NULL);
  g_autofree char *hiss = g_build_filename (tmpdir, "hiss.wav", NULL);
  g_autofree char *mixed = g_build_filename (tmpdir, "hiss-speech.wav", NULL);
  g_autoptr(HandoffTranscriber) transcriber = NULL;
  g_autoptr(GPtrArray) finals = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GString) keywords = g_string_new (NULL);
  g_autofree char *text = NULL;
  double cpu = 0;
  const char *pad[] = { "sox", "-R", speech, padded, "pad", "12", "1", NULL };
  const char *noise[] = { "sox", "-R", "-n", "-r", "16000", "-c", "1", "-b", "16", hiss,
                          "synth", "30", "whitenoise", "vol", "0.01", NULL };
  const char *mix[] = { "sox", "-R", "-m", "-v", "1", padded, "-v", "1", hiss, mixed,
                        "trim", "0", "24", NULL };
  int status = 0;

  g_assert_no_error (error);
  if (!speech)
    {
      g_test_skip ("espeak-ng or sox is not installed");
      return;
    }
  for (const char **const *argv = (const char **const[]) { pad, noise, mix, NULL }; *argv; argv++)
    {
      g_assert_true (g_spawn_sync (NULL, (char **) *argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL
                                   | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL, NULL, &status, &error));
      g_assert_no_error (error);
      g_assert_true (g_spawn_check_wait_status (status, NULL));
    }

  transcriber = handoff_transcriber_new_full (HANDOFF_TRANSCRIBER_BACKEND_LOCAL, FALSE,
                                              HANDOFF_SPEECH_PROFILE_WIDEBAND, NULL);
  g_assert_true (stt_transcribe_file (transcriber, mixed, finals, NULL, &cpu, &error));
  g_assert_no_error (error);
  text = stt_join_texts (finals);
  for (guint i = 0; i < 2; i++)
    g_string_append_printf (keywords, "%s ", stt_corpus[i].keywords);
  g_test_message ("after 12 s of hiss: \"%s\" (keyword recall %.0f%%)", text,
                  100 * stt_keyword_recall (keywords->str, text, NULL, NULL));
  g_assert_cmpfloat (stt_keyword_recall (stt_corpus[0].keywords, text, NULL, NULL), ==, 1.0);
  g_assert_cmpfloat (stt_keyword_recall (keywords->str, text, NULL, NULL), >=, 0.5);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);
  tmpdir = g_dir_make_tmp ("handoff-stt-XXXXXX", NULL);

  g_test_add_func ("/stt/local/espeak-wideband", test_espeak_wideband);
  g_test_add_func ("/stt/local/flite-telephone", test_flite_telephone);
  g_test_add_func ("/stt/local/after-long-hiss", test_after_long_hiss);

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
