/* cli-summarize.c: handoff-cli summarize — a transcript in, the transfer summary out
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "handoff-cli"

#include "config.h"

#include <gio/gio.h>
#include <gio/gunixinputstream.h>
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <unistd.h>

#include "cli-commands.h"
#include "handoff-ai-error.h"
#include "handoff-chat-client.h"
#include "handoff-entities.h"
#include "handoff-summarizer.h"
#include "handoff-utterance.h"

typedef struct {
  GMainLoop      *loop;
  HandoffSummary *summary;
  GError         *error;
} Wait;

static void
on_summarized (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  Wait *wait = user_data;

  wait->summary = handoff_summarizer_summarize_finish (HANDOFF_SUMMARIZER (source), result,
                                                       &wait->error);
  g_main_loop_quit (wait->loop);
}

/* Reads FILE, or stdin for "-", refusing more than the parser accepts. */
static GBytes *
read_input (const char *path,
            GError    **error)
{
  g_autoptr(GInputStream) in = NULL;
  g_autoptr(GByteArray) data = g_byte_array_new ();
  guint8 buffer[65536];

  if (g_strcmp0 (path, "-") == 0)
    in = g_unix_input_stream_new (STDIN_FILENO, FALSE);
  else
    {
      g_autoptr(GFile) file = g_file_new_for_commandline_arg (path);
      in = G_INPUT_STREAM (g_file_read (file, NULL, error));
      if (in == NULL)
        return NULL;
    }
  while (TRUE)
    {
      gssize n = g_input_stream_read (in, buffer, sizeof buffer, NULL, error);

      if (n < 0)
        return NULL;
      if (n == 0)
        break;
      if (data->len + n > HANDOFF_UTTERANCES_MAX_INPUT)
        {
          g_set_error (error, HANDOFF_AI_ERROR, HANDOFF_AI_ERROR_INVALID_INPUT,
                       "The transcript is larger than %d MiB", HANDOFF_UTTERANCES_MAX_INPUT >> 20);
          return NULL;
        }
      g_byte_array_append (data, buffer, n);
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&data));
}

static void
print_entities (GPtrArray *utterances)
{
  g_autoptr(GPtrArray) entities = handoff_entities_extract_utterances (utterances);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "entities");
  json_builder_begin_array (builder);
  for (guint i = 0; i < entities->len; i++)
    {
      HandoffEntity *e = g_ptr_array_index (entities, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "type");
      json_builder_add_string_value (builder, handoff_entity_kind_to_string (e->kind));
      json_builder_set_member_name (builder, "value");
      json_builder_add_string_value (builder, e->value);
      json_builder_set_member_name (builder, "utterance");
      json_builder_add_int_value (builder, e->utterance);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  text = json_generator_to_data (generator, NULL);
  printf ("%s\n", text);
}

int
handoff_cli_summarize (int    argc,
                       char **argv)
{
  gboolean offline = FALSE;
  gboolean no_redact = FALSE;
  gboolean entities = FALSE;
  g_autofree char *base_url = NULL;
  g_autofree char *model = NULL;
  g_autofree char *notes = NULL;
  g_autofree char *caller = NULL;
  int deadline_ms = HANDOFF_SUMMARIZER_DEFAULT_DEADLINE_MS;
  g_auto(GStrv) rest = NULL;
  GOptionEntry options[] = {
    { "offline", 0, 0, G_OPTION_ARG_NONE, &offline, "Do not use the LLM", NULL },
    { "base-url", 0, 0, G_OPTION_ARG_STRING, &base_url,
      "OpenAI-compatible endpoint (default: Groq)", "URL" },
    { "model", 0, 0, G_OPTION_ARG_STRING, &model, "Chat model", "MODEL" },
    { "notes", 0, 0, G_OPTION_ARG_STRING, &notes, "The agent's notes", "TEXT" },
    { "caller", 0, 0, G_OPTION_ARG_STRING, &caller, "The caller's speaker label", "LABEL" },
    { "deadline-ms", 0, 0, G_OPTION_ARG_INT, &deadline_ms, "Longest wait for the LLM", "MS" },
    { "no-redact", 0, 0, G_OPTION_ARG_NONE, &no_redact, "Keep card numbers and similar", NULL },
    { "entities", 0, 0, G_OPTION_ARG_NONE, &entities, "Print the entities found instead", NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &rest, NULL, NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("[FILE|-]");
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) input = NULL;
  g_autoptr(GPtrArray) utterances = NULL;
  g_autoptr(HandoffChatClient) client = NULL;
  g_autoptr(HandoffSummarizer) summarizer = NULL;
  g_autofree char *json = NULL;
  const char *key = g_getenv ("HANDOFF_AI_KEY");
  Wait wait = { 0 };

  g_option_context_set_summary (context,
                                "Summarise a call transcript (\"Speaker: text\" lines, or a JSON "
                                "array of {speaker, text, start, end, final}) as the transfer "
                                "summary JSON. The API key is read from $HANDOFF_AI_KEY.");
  g_option_context_add_main_entries (context, options, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return handoff_cli_fail ("usage", "%s", error->message);
  if (rest != NULL && g_strv_length (rest) > 1)
    return handoff_cli_fail ("usage", "Give one transcript file (or - for stdin)");
  if (deadline_ms <= 0)
    return handoff_cli_fail ("usage", "--deadline-ms must be positive");

  input = read_input (rest && rest[0] ? rest[0] : "-", &error);
  if (input == NULL)
    return handoff_cli_fail ("input", "%s", error->message);
  utterances = handoff_utterances_parse (g_bytes_get_data (input, NULL), g_bytes_get_size (input),
                                         &error);
  if (utterances == NULL)
    return handoff_cli_fail ("invalid_transcript", "%s", error->message);

  if (entities)
    {
      print_entities (utterances);
      return 0;
    }

  if (!offline)
    client = handoff_chat_client_new (base_url, model, key);
  summarizer = handoff_summarizer_new (client);
  handoff_summarizer_set_deadline_ms (summarizer, deadline_ms);
  handoff_summarizer_set_redact (summarizer, no_redact ? HANDOFF_REDACT_NONE : HANDOFF_REDACT_ALL);
  handoff_summarizer_set_caller (summarizer, caller);

  wait.loop = g_main_loop_new (NULL, FALSE);
  handoff_summarizer_summarize_async (summarizer, utterances, notes, NULL, on_summarized, &wait);
  g_main_loop_run (wait.loop);
  g_main_loop_unref (wait.loop);
  if (wait.summary == NULL)
    {
      g_autoptr(GError) e = wait.error;
      return handoff_cli_fail ("failed", "%s", e->message);
    }
  if (handoff_summary_get_fallback_reason (wait.summary) != NULL && !offline)
    g_printerr ("handoff-cli: offline summary: %s\n",
                handoff_summary_get_fallback_reason (wait.summary));
  json = handoff_summary_to_json (wait.summary, TRUE);
  printf ("%s\n", json);
  g_object_unref (wait.summary);
  return 0;
}
