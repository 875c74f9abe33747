/* bench-stt.c: word error rate and speed of the local recogniser's configurations
 *
 * For each synthetic voice (espeak-ng wideband, flite 8 kHz telephone band)
 * and each start-up configuration (the model's own initial cepstral mean,
 * our measured wideband and telephone values), transcribes the ten
 * call-centre sentences of tests/stt/stt-corpus.c as one file and prints:
 * WER over the whole text, WER of the first utterance (the one a cold
 * decoder mishears), keyword recall, and the real-time factor (decoder CPU
 * seconds per audio second, and wall-clock seconds per audio second).
 *
 *   build/tests/bench/handoff-bench-stt [--repeat N]
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gstdio.h>
#include <gst/gst.h>

#include "handoff-transcriber.h"
#include "stt-corpus.h"

static double
wav_seconds (const char *path)
{
  struct stat st;

  if (g_stat (path, &st) != 0)
    return 0;
  return (st.st_size - 44) / 32000.0;
}

static void
bench (const char          *voice_name,
       const char          *wav,
       const char          *config_name,
       HandoffSpeechProfile profile,
       guint                repeat)
{
  g_autoptr(GString) reference = g_string_new (NULL);
  g_autoptr(GString) keywords = g_string_new (NULL);
  double audio = wav_seconds (wav);
  double cpu_total = 0, wall_total = 0;
  double wer = 0, first_wer = 0, recall = 0;
  double wer_min = G_MAXDOUBLE, wer_max = 0, wer_sum = 0, recall_sum = 0;
  double first_wer_sum = 0;
  g_autofree char *first_text = NULL;

  for (guint i = 0; i < stt_corpus_len; i++)
    {
      g_string_append_printf (reference, "%s ", stt_corpus[i].text);
      g_string_append_printf (keywords, "%s ", stt_corpus[i].keywords);
    }

  for (guint r = 0; r < repeat; r++)
    {
      g_autoptr(HandoffTranscriber) transcriber =
        handoff_transcriber_new_full (HANDOFF_TRANSCRIBER_BACKEND_LOCAL, FALSE, profile, NULL);
      g_autoptr(GPtrArray) finals = g_ptr_array_new_with_free_func (g_object_unref);
      g_autoptr(GError) error = NULL;
      g_autofree char *hypothesis = NULL;
      gint64 t0 = g_get_monotonic_time ();
      double cpu = 0;

      if (!stt_transcribe_file (transcriber, wav, finals, NULL, &cpu, &error))
        g_error ("%s", error->message);
      wall_total += (g_get_monotonic_time () - t0) / 1e6;
      cpu_total += cpu;
      /* The decoder and the corpus are deterministic, so the range shows
       * whether anything (dropped audio, a race) changed the words. */
      hypothesis = stt_join_texts (finals);
      wer = stt_wer (reference->str, hypothesis);
      recall = stt_keyword_recall (keywords->str, hypothesis, NULL, NULL);
      g_free (first_text);
      first_text = g_strdup (finals->len ? handoff_segment_get_text (finals->pdata[0]) : "");
      first_wer = stt_wer (stt_corpus[0].text, first_text);
      wer_sum += wer;
      wer_min = MIN (wer_min, wer);
      wer_max = MAX (wer_max, wer);
      recall_sum += recall;
      first_wer_sum += first_wer;
    }

  g_print ("%-8s %-10s %5.1f%% [%4.1f-%4.1f] %8.1f%% %7.0f%% %7.3f %7.3f  \"%s\"\n", voice_name,
           config_name, wer_sum / repeat * 100, wer_min * 100, wer_max * 100,
           first_wer_sum / repeat * 100, recall_sum / repeat * 100, cpu_total / repeat / audio,
           wall_total / repeat / audio, first_text);
}

int
main (int   argc,
      char *argv[])
{
  static const struct {
    const char          *name;
    HandoffSpeechProfile profile;
  } configs[] = {
    { "model", HANDOFF_SPEECH_PROFILE_MODEL },
    { "wideband", HANDOFF_SPEECH_PROFILE_WIDEBAND },
    { "telephone", HANDOFF_SPEECH_PROFILE_TELEPHONE },
  };
  static const struct {
    const char *name;
    SttVoice    voice;
  } voices[] = {
    { "espeak", STT_VOICE_ESPEAK },
    { "flite", STT_VOICE_FLITE },
  };
  gint repeat = 3;
  GOptionEntry entries[] = {
    { "repeat", 'r', 0, G_OPTION_ARG_INT, &repeat, "Runs per configuration (speed is averaged)", "N" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;

  gst_init (&argc, &argv);
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    g_error ("%s", error->message);
  repeat = MAX (repeat, 1);

  dir = g_dir_make_tmp ("handoff-bench-stt-XXXXXX", &error);
  g_assert_no_error (error);

  g_print ("Local recogniser (pocketsphinx en-us, GStreamer element), %u call-centre sentences, "
           "%d run(s) each\n", stt_corpus_len, repeat);
  g_print ("%-8s %-10s %19s %9s %8s %7s %7s  %s\n", "voice", "cmninit", "WER [range]", "1st WER",
           "recall", "RTF-cpu", "RTF-wall", "first utterance heard (last run)");
  for (gsize v = 0; v < G_N_ELEMENTS (voices); v++)
    {
      g_autofree char *wav = stt_corpus_make_wav (dir, voices[v].voice, 0, stt_corpus_len, &error);

      g_assert_no_error (error);
      if (!wav)
        {
          g_print ("%s: synthesiser or sox missing, skipped\n", voices[v].name);
          continue;
        }
      g_print ("# %s corpus: %.1f s of audio\n", voices[v].name, wav_seconds (wav));
      for (gsize c = 0; c < G_N_ELEMENTS (configs); c++)
        bench (voices[v].name, wav, configs[c].name, configs[c].profile, repeat);
    }

  {
    g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
    const char *name;

    while (d && (name = g_dir_read_name (d)))
      {
        g_autofree char *path = g_build_filename (dir, name, NULL);

        g_unlink (path);
      }
    g_rmdir (dir);
  }
  return 0;
}
