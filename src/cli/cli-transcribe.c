/* cli-transcribe.c: handoff-cli transcribe FILE.wav [--backend NAME] ...
 *
 * Prints {"file", "backend", "fallback_reason", "segments": [final
 * segments in order]} on stdout. Cloud keys and endpoints come from the
 * environment (the app takes them from the keyring and settings):
 * DEEPGRAM_API_KEY, HANDOFF_DEEPGRAM_URL; HANDOFF_STT_API_KEY (else
 * GROQ_API_KEY, OPENAI_API_KEY), HANDOFF_STT_URL, HANDOFF_STT_MODEL.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "handoff-cli"

#include "config.h"

#include <gst/gst.h>
#include <json-glib/json-glib.h>
#include <stdio.h>

#include "cli-commands.h"
#include "handoff-stt-enums.h"
#include "handoff-transcriber.h"

typedef struct
{
  GMainLoop *loop;
  GPtrArray *segments;
  char      *error;
} Run;

static void
on_segment (HandoffTranscriber *transcriber,
            HandoffSegment     *segment,
            Run                *run)
{
  if (handoff_segment_get_final (segment) && *handoff_segment_get_text (segment))
    g_ptr_array_add (run->segments, g_object_ref (segment));
}

static void
on_fallback (HandoffTranscriber *transcriber,
             const char         *reason,
             gpointer            user_data)
{
  fprintf (stderr, "handoff-cli: %s\n", reason);
}

static void
on_finished (HandoffTranscriber *transcriber,
             Run                *run)
{
  g_main_loop_quit (run->loop);
}

static gboolean
on_bus_message (GstBus     *bus,
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

static const char *
first_env (const char *a,
           const char *b,
           const char *c)
{
  const char *names[] = { a, b, c };

  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    if (names[i] && g_getenv (names[i]) && *g_getenv (names[i]))
      return g_getenv (names[i]);
  return NULL;
}

static void
configure_backend (HandoffTranscriber       *transcriber,
                   HandoffTranscriberBackend backend)
{
  if (backend == HANDOFF_TRANSCRIBER_BACKEND_DEEPGRAM)
    {
      g_object_set (transcriber, "api-key", g_getenv ("DEEPGRAM_API_KEY"), NULL);
      if (g_getenv ("HANDOFF_DEEPGRAM_URL"))
        g_object_set (transcriber, "base-url", g_getenv ("HANDOFF_DEEPGRAM_URL"), NULL);
    }
  else if (backend == HANDOFF_TRANSCRIBER_BACKEND_OPENAI)
    {
      g_object_set (transcriber, "api-key",
                    first_env ("HANDOFF_STT_API_KEY", "GROQ_API_KEY", "OPENAI_API_KEY"), NULL);
      if (g_getenv ("HANDOFF_STT_URL"))
        g_object_set (transcriber, "base-url", g_getenv ("HANDOFF_STT_URL"), NULL);
      if (g_getenv ("HANDOFF_STT_MODEL"))
        g_object_set (transcriber, "model", g_getenv ("HANDOFF_STT_MODEL"), NULL);
    }
}

static char *
build_output (const char         *file,
              HandoffTranscriber *transcriber,
              GPtrArray          *segments)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  const char *reason = handoff_transcriber_get_fallback_reason (transcriber);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "file");
  json_builder_add_string_value (builder, file);
  json_builder_set_member_name (builder, "backend");
  json_builder_add_string_value (builder, handoff_transcriber_backend_to_string (
                                   handoff_transcriber_get_backend (transcriber)));
  json_builder_set_member_name (builder, "fallback_reason");
  if (reason)
    json_builder_add_string_value (builder, reason);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "segments");
  json_builder_begin_array (builder);
  for (guint i = 0; i < segments->len; i++)
    json_builder_add_value (builder, handoff_segment_to_json (segments->pdata[i]));
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  return json_generator_to_data (generator, NULL);
}

int
handoff_cli_transcribe (int    argc,
                        char **argv)
{
  g_autofree char *backend_name = NULL;
  g_autofree char *profile_name = NULL;
  g_autofree char *cmninit = NULL;
  g_auto(GStrv) files = NULL;
  GOptionEntry entries[] = {
    { "backend", 'b', 0, G_OPTION_ARG_STRING, &backend_name,
      "local (default), deepgram or openai", "NAME" },
    { "profile", 'p', 0, G_OPTION_ARG_STRING, &profile_name,
      "Local recogniser start-up: wideband (default), telephone or model", "NAME" },
    { "cmninit", 0, 0, G_OPTION_ARG_STRING, &cmninit,
      "Local recogniser initial cepstral mean (13 numbers, comma-separated)", "VALUES" },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &files, NULL, "FILE.wav" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("FILE.wav");
  g_autoptr(GError) error = NULL;
  g_autoptr(HandoffTranscriber) transcriber = NULL;
  g_autoptr(GstElement) pipeline = NULL;
  g_autoptr(GstBus) bus = NULL;
  g_autoptr(GPtrArray) segments = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *output = NULL;
  HandoffTranscriberBackend backend = HANDOFF_TRANSCRIBER_BACKEND_LOCAL;
  HandoffSpeechProfile profile = HANDOFF_SPEECH_PROFILE_WIDEBAND;
  GstElement *src, *parse;
  Run run = { 0 };
  guint watch;

  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_summary (context, "Transcribes a WAV file; prints JSON segments.");
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return handoff_cli_fail ("usage", "%s", error->message);
  if (!files || g_strv_length (files) != 1)
    return handoff_cli_fail ("usage", "Usage: handoff-cli transcribe FILE.wav [--backend NAME]");
  if (backend_name && !handoff_transcriber_backend_from_string (backend_name, &backend))
    return handoff_cli_fail ("usage", "Unknown backend '%s' (local, deepgram, openai)", backend_name);
  if (profile_name)
    {
      GEnumClass *klass = g_type_class_ref (HANDOFF_TYPE_SPEECH_PROFILE);
      GEnumValue *value = g_enum_get_value_by_nick (klass, profile_name);

      g_type_class_unref (klass);
      if (!value)
        return handoff_cli_fail ("usage", "Unknown profile '%s' (wideband, telephone, model)",
                                 profile_name);
      profile = value->value;
    }
  if (cmninit && !handoff_sphinx_cmninit_is_valid (cmninit))
    return handoff_cli_fail ("usage", "--cmninit wants up to 13 comma-separated numbers");
  if (!g_file_test (files[0], G_FILE_TEST_IS_REGULAR))
    return handoff_cli_fail ("not_found", "No such file: %s", files[0]);

  gst_init (NULL, NULL);
  transcriber = handoff_transcriber_new_full (backend, FALSE, profile, cmninit);
  configure_backend (transcriber, backend);

  run.loop = g_main_loop_new (NULL, FALSE);
  run.segments = segments;
  g_signal_connect (transcriber, "segment", G_CALLBACK (on_segment), &run);
  g_signal_connect (transcriber, "finished", G_CALLBACK (on_finished), &run);
  g_signal_connect (transcriber, "fallback", G_CALLBACK (on_fallback), NULL);

  pipeline = gst_pipeline_new ("transcribe");
  src = gst_element_factory_make ("filesrc", NULL);
  parse = gst_element_factory_make ("wavparse", NULL);
  g_object_set (src, "location", files[0], NULL);
  gst_bin_add_many (GST_BIN (pipeline), src, parse,
                    handoff_transcriber_get_sink_bin (transcriber), NULL);
  gst_element_link_many (src, parse, handoff_transcriber_get_sink_bin (transcriber), NULL);

  bus = gst_pipeline_get_bus (GST_PIPELINE (pipeline));
  watch = gst_bus_add_watch (bus, on_bus_message, &run);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  g_main_loop_run (run.loop);
  /* A reader that fails posts its error and then ends the stream, so the
   * transcriber can finish before the bus watch has seen the error. */
  if (!run.error)
    {
      g_autoptr(GstMessage) message = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);

      if (message)
        on_bus_message (bus, message, &run);
    }
  gst_element_set_state (pipeline, GST_STATE_NULL);
  g_source_remove (watch);
  g_main_loop_unref (run.loop);

  if (run.error)
    {
      g_autofree char *message = g_steal_pointer (&run.error);

      return handoff_cli_fail ("invalid_audio", "Cannot read %s as WAV audio: %s", files[0], message);
    }

  output = build_output (files[0], transcriber, segments);
  printf ("%s\n", output);
  return 0;
}
