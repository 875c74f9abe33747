/* test-stt-cli.c: handoff-cli transcribe, as a script would use it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "handoff-transcriber.h"
#include "stt-corpus.h"

static char *tmpdir;

static int
run_cli (const char * const *args,
         char              **out,
         char              **err)
{
  g_autofree char *cli = g_build_filename (g_getenv ("HANDOFF_BUILD_ROOT"), "src", "cli",
                                           "handoff-cli", NULL);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_ptr_array_add (argv, cli);
  g_ptr_array_add (argv, (gpointer) "transcribe");
  for (guint i = 0; args[i]; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                               out, err, &status, &error));
  g_assert_no_error (error);
  return WIFEXITED (status) ? WEXITSTATUS (status) : -1;
}

static JsonObject *
parse_object (JsonParser *parser,
              const char *text)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (json_parser_load_from_data (parser, text, -1, &error));
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  return json_node_get_object (json_parser_get_root (parser));
}

/* The error is one JSON line written in one piece on stderr. pocketsphinx,
 * loading on its own thread, writes its settings table to the same stream
 * and may even be in the middle of one of its lines when ours lands, so look
 * for the object anywhere, up to its newline. */
static JsonObject *
parse_error (JsonParser *parser,
             const char *err)
{
  const char *start = strstr (err, "{\"error\"");
  const char *end;
  g_autofree char *line = NULL;

  if (start == NULL)
    g_error ("no JSON error on stderr: %s", err);
  end = strchr (start, '\n');
  line = end ? g_strndup (start, end - start) : g_strdup (start);
  return parse_object (parser, line);
}

static void
test_transcribe_wav (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *wav = stt_corpus_make_wav (tmpdir, STT_VOICE_FLITE, 0, 1, &error);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *root, *first;
  JsonArray *segments;

  g_assert_no_error (error);
  if (!wav)
    {
      g_test_skip ("flite or sox is not installed");
      return;
    }
  {
    const char *args[] = { wav, "--profile", "telephone", NULL };

    g_assert_cmpint (run_cli (args, &out, &err), ==, 0);
  }
  root = parse_object (parser, out);
  g_assert_cmpstr (json_object_get_string_member (root, "backend"), ==, "local");
  g_assert_true (json_object_get_null_member (root, "fallback_reason"));
  segments = json_object_get_array_member (root, "segments");
  g_assert_cmpuint (json_array_get_length (segments), >=, 1);
  first = json_array_get_object_element (segments, 0);
  g_test_message ("heard: %s", json_object_get_string_member (first, "text"));
  g_assert_cmpfloat (stt_keyword_recall (stt_corpus[0].keywords,
                                         json_object_get_string_member (first, "text"), NULL, NULL),
                     >=, 0.5);
  g_assert_true (json_object_get_boolean_member (first, "final"));
  /* File times: from the start of the file (0.2 s of silence, then ~2 s of speech). */
  g_assert_cmpint (json_object_get_int_member (first, "start_ms"), <, 1000);
  g_assert_cmpint (json_object_get_int_member (first, "end_ms"), >, 1000);
  g_assert_cmpint (json_object_get_int_member (first, "end_ms"), <, 5000);
}

static void
test_bad_input (void)
{
  g_autofree char *not_wav = g_build_filename (tmpdir, "notes.wav", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();

  g_assert_true (g_file_set_contents (not_wav, "this is not audio\n", -1, NULL));

  {
    const char *args[] = { not_wav, NULL };
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;

    g_assert_cmpint (run_cli (args, &out, &err), ==, 1);
    g_assert_cmpstr (out, ==, "");
    g_assert_cmpstr (json_object_get_string_member (parse_error (parser, err), "error"), ==, "invalid_audio");
  }
  {
    const char *args[] = { "/nonexistent/call.wav", NULL };
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;

    g_assert_cmpint (run_cli (args, &out, &err), ==, 1);
    g_assert_cmpstr (json_object_get_string_member (parse_error (parser, err), "error"), ==, "not_found");
  }
  {
    const char *args[] = { not_wav, "--backend", "whisperx", NULL };
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;

    g_assert_cmpint (run_cli (args, &out, &err), ==, 1);
    g_assert_cmpstr (json_object_get_string_member (parse_error (parser, err), "error"), ==, "usage");
  }
  {
    const char *args[] = { not_wav, "--cmninit", "41,oops", NULL };
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;

    g_assert_cmpint (run_cli (args, &out, &err), ==, 1);
    g_assert_cmpstr (json_object_get_string_member (parse_error (parser, err), "error"), ==, "usage");
  }
}

static void
test_backend_from_settings (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  HandoffTranscriberBackend backend;

  g_assert_cmpint (handoff_transcriber_backend_from_settings (settings), ==,
                   HANDOFF_TRANSCRIBER_BACKEND_LOCAL);
  g_settings_set_string (settings, "transcription-backend", "deepgram");
  g_assert_cmpint (handoff_transcriber_backend_from_settings (settings), ==,
                   HANDOFF_TRANSCRIBER_BACKEND_DEEPGRAM);
  g_settings_set_string (settings, "transcription-backend", "openai");
  g_assert_cmpint (handoff_transcriber_backend_from_settings (settings), ==,
                   HANDOFF_TRANSCRIBER_BACKEND_OPENAI);
  g_assert_true (handoff_transcriber_backend_from_string ("openai", &backend));
  g_assert_cmpint (backend, ==, HANDOFF_TRANSCRIBER_BACKEND_OPENAI);
  g_assert_false (handoff_transcriber_backend_from_string ("nope", &backend));
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  tmpdir = g_dir_make_tmp ("handoff-stt-cli-XXXXXX", NULL);

  g_test_add_func ("/stt/cli/transcribe-wav", test_transcribe_wav);
  g_test_add_func ("/stt/cli/bad-input", test_bad_input);
  g_test_add_func ("/stt/settings/backend", test_backend_from_settings);

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
