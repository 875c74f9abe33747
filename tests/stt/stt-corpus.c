/* stt-corpus.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "stt-corpus"

#include <string.h>

#include <gst/gst.h>

#include "stt-corpus.h"

const SttSentence stt_corpus[] = {
  { "I would like to cancel my order", "cancel order" },
  { "My account number is four five six seven", "account number four five six seven" },
  { "I have been waiting for a refund for two weeks", "waiting refund two weeks" },
  { "The package never arrived at my house", "package never arrived house" },
  { "Can I speak to a manager please", "speak manager please" },
  { "My credit card was charged twice", "credit card charged twice" },
  { "I need to change my delivery address", "change delivery address" },
  { "The internet connection keeps dropping every evening", "internet connection dropping evening" },
  { "Please send me a new password", "send new password" },
  { "Thank you for your help today", "thank help today" },
};
const guint stt_corpus_len = G_N_ELEMENTS (stt_corpus);

static gboolean
run (const char * const *argv,
     GError            **error)
{
  g_autofree char *err = NULL;
  int status = 0;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                     NULL, NULL, NULL, &err, &status, error))
    return FALSE;
  if (!g_spawn_check_wait_status (status, error))
    {
      g_prefix_error (error, "%s: %s ", argv[0], err ? err : "");
      return FALSE;
    }
  return TRUE;
}

char *
stt_corpus_make_wav (const char  *dir,
                     SttVoice     voice,
                     guint        first,
                     guint        n,
                     GError     **error)
{
  const char *synth = voice == STT_VOICE_ESPEAK ? "espeak-ng" : "flite";
  g_autoptr(GPtrArray) concat = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *out = NULL;

  g_return_val_if_fail (first + n <= stt_corpus_len, NULL);

  {
    g_autofree char *synth_path = g_find_program_in_path (synth);
    g_autofree char *sox_path = g_find_program_in_path ("sox");

    if (!synth_path || !sox_path)
      return NULL;
  }

  g_ptr_array_add (concat, g_strdup ("sox"));
  g_ptr_array_add (concat, g_strdup ("-R"));
  for (guint i = first; i < first + n; i++)
    {
      g_autofree char *raw = g_strdup_printf ("%s/%s-%u.wav", dir, synth, i);
      g_autofree char *padded = g_strdup_printf ("%s/%s-%u-16k.wav", dir, synth, i);

      if (voice == STT_VOICE_ESPEAK)
        {
          const char *argv[] = { "espeak-ng", "-v", "en-us", "-w", raw, stt_corpus[i].text, NULL };

          if (!run (argv, error))
            return NULL;
        }
      else
        {
          const char *argv[] = { "flite", "-t", stt_corpus[i].text, "-o", raw, NULL };

          if (!run (argv, error))
            return NULL;
        }
      {
        /* -R: sox's dither (a realistic noise floor; pocketsphinx does worse
         * on digital silence) from a fixed seed: the same script must give
         * the same audio, or the scores wander from run to run. */
        const char *argv[] = { "sox", "-R", raw, "-r", "16000", "-c", "1", "-b", "16", padded,
                               "pad", "0.2", "1.0", NULL };

        if (!run (argv, error))
          return NULL;
      }
      g_ptr_array_add (concat, g_steal_pointer (&padded));
    }
  out = g_strdup_printf ("%s/%s-%u-%u.wav", dir, synth, first, n);
  g_ptr_array_add (concat, g_strdup (out));
  g_ptr_array_add (concat, NULL);
  if (!run ((const char * const *) concat->pdata, error))
    return NULL;
  return g_steal_pointer (&out);
}

GStrv
stt_words (const char *text)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autofree char *lower = g_utf8_strdown (text ? text : "", -1);
  g_auto(GStrv) tokens = NULL;

  for (char *p = lower; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '\'')
      *p = ' ';
  tokens = g_strsplit (lower, " ", -1);
  for (guint i = 0; tokens[i]; i++)
    if (*tokens[i])
      g_strv_builder_add (builder, tokens[i]);
  return g_strv_builder_end (builder);
}

double
stt_wer (const char *reference,
         const char *hypothesis)
{
  g_auto(GStrv) ref = stt_words (reference);
  g_auto(GStrv) hyp = stt_words (hypothesis);
  guint n = g_strv_length (ref), m = g_strv_length (hyp);
  g_autofree guint *prev = g_new (guint, m + 1);
  g_autofree guint *cur = g_new (guint, m + 1);

  if (n == 0)
    return m == 0 ? 0.0 : 1.0;
  for (guint j = 0; j <= m; j++)
    prev[j] = j;
  for (guint i = 1; i <= n; i++)
    {
      cur[0] = i;
      for (guint j = 1; j <= m; j++)
        {
          guint sub = prev[j - 1] + (g_str_equal (ref[i - 1], hyp[j - 1]) ? 0 : 1);

          cur[j] = MIN (sub, MIN (prev[j] + 1, cur[j - 1] + 1));
        }
      memcpy (prev, cur, (m + 1) * sizeof (guint));
    }
  return (double) prev[m] / n;
}

double
stt_keyword_recall (const char *keywords,
                    const char *hypothesis,
                    guint      *found_out,
                    guint      *total_out)
{
  g_auto(GStrv) keys = stt_words (keywords);
  g_auto(GStrv) hyp = stt_words (hypothesis);
  guint found = 0, total = g_strv_length (keys);

  for (guint i = 0; keys[i]; i++)
    if (g_strv_contains ((const char * const *) hyp, keys[i]))
      found++;
  if (found_out)
    *found_out = found;
  if (total_out)
    *total_out = total;
  return total ? (double) found / total : 1.0;
}

typedef struct
{
  GMainLoop *loop;
  GPtrArray *finals;
  GPtrArray *all;
  char      *error;
} Run;

static void
on_segment (HandoffTranscriber *transcriber,
            HandoffSegment     *segment,
            Run                *run)
{
  if (run->all)
    g_ptr_array_add (run->all, g_object_ref (segment));
  if (handoff_segment_get_final (segment) && *handoff_segment_get_text (segment))
    g_ptr_array_add (run->finals, g_object_ref (segment));
}

static void
on_finished (HandoffTranscriber *transcriber,
             Run                *run)
{
  g_main_loop_quit (run->loop);
}

static gboolean
on_bus (GstBus     *bus,
        GstMessage *message,
        gpointer    user_data)
{
  Run *run = user_data;

  if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_ERROR && !run->error)
    {
      g_autoptr(GError) error = NULL;

      gst_message_parse_error (message, &error, NULL);
      run->error = g_strdup (error->message);
      g_main_loop_quit (run->loop);
    }
  return G_SOURCE_CONTINUE;
}

gboolean
stt_transcribe_file (HandoffTranscriber *transcriber,
                     const char         *path,
                     GPtrArray          *finals,
                     GPtrArray          *all,
                     double             *cpu_seconds,
                     GError            **error)
{
  g_autoptr(GstElement) pipeline = gst_pipeline_new (NULL);
  g_autoptr(GstBus) bus = gst_pipeline_get_bus (GST_PIPELINE (pipeline));
  GstElement *src = gst_element_factory_make ("filesrc", NULL);
  GstElement *parse = gst_element_factory_make ("wavparse", NULL);
  GstElement *bin = handoff_transcriber_get_sink_bin (transcriber);
  Run run = { g_main_loop_new (NULL, FALSE), finals, all, NULL };
  gulong h1, h2;
  guint watch;
  gint64 t0 = g_get_monotonic_time ();
  struct timespec cpu0, cpu1;

  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &cpu0);
  g_object_set (src, "location", path, NULL);
  gst_bin_add_many (GST_BIN (pipeline), src, parse, bin, NULL);
  gst_element_link_many (src, parse, bin, NULL);
  h1 = g_signal_connect (transcriber, "segment", G_CALLBACK (on_segment), &run);
  h2 = g_signal_connect (transcriber, "finished", G_CALLBACK (on_finished), &run);
  watch = gst_bus_add_watch (bus, on_bus, &run);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  g_main_loop_run (run.loop);
  if (!run.error)
    {
      g_autoptr(GstMessage) message = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);

      if (message)
        on_bus (bus, message, &run);
    }
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_bin_remove (GST_BIN (pipeline), bin);
  g_source_remove (watch);
  g_signal_handler_disconnect (transcriber, h1);
  g_signal_handler_disconnect (transcriber, h2);
  g_main_loop_unref (run.loop);
  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &cpu1);
  if (cpu_seconds)
    *cpu_seconds = (cpu1.tv_sec - cpu0.tv_sec) + (cpu1.tv_nsec - cpu0.tv_nsec) / 1e9;
  (void) t0;

  if (run.error)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s", run.error);
      g_free (run.error);
      return FALSE;
    }
  return TRUE;
}

char *
stt_join_texts (GPtrArray *segments)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < segments->len; i++)
    g_string_append_printf (out, "%s%s", i ? " " : "",
                            handoff_segment_get_text (segments->pdata[i]));
  return g_string_free (out, FALSE);
}
