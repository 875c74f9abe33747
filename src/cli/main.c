/* main.c: handoff-cli, the engine from the command line
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "handoff-cli"

#include "config.h"

#include <json-glib/json-glib.h>
#include <stdio.h>
#include <string.h>

#include "cli-commands.h"

static int
run_version (int    argc,
             char **argv)
{
  printf ("{\"version\": \"%s\"}\n", PACKAGE_VERSION);
  return 0;
}

/* Subcommands; each cli-<name>.c adds one row here. */
static const HandoffCliCommand commands[] = {
  { "version", "version", run_version },
  { "transcribe", "transcribe FILE.wav [--backend local|deepgram|openai]", handoff_cli_transcribe },
  { "summarize", "summarize [FILE|-] [--offline] [--base-url URL --model M] [--entities]",
    handoff_cli_summarize },
  { "join", "join URL TOKEN [--seconds N] [--tone HZ] [--identity-check]", handoff_cli_join },
};

int
handoff_cli_fail (const char *code,
                  const char *format,
                  ...)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *message = NULL;
  g_autofree char *text = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "error");
  json_builder_add_string_value (builder, code);
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, message);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, NULL);
  fprintf (stderr, "%s\n", text);
  return 1;
}

static void
print_usage (FILE *out)
{
  fprintf (out, "Usage: handoff-cli COMMAND [ARGS...]\n\nCommands:\n");
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (out, "  %s\n", commands[i].usage);
}

int
main (int   argc,
      char *argv[])
{
  /* stdout carries JSON only: GLib would write debug and info messages
   * (G_MESSAGES_DEBUG) there, between the lines a script parses. */
  g_log_writer_default_set_use_stderr (TRUE);
  if (argc < 2)
    {
      print_usage (stderr);
      return 2;
    }
  if (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "help") == 0)
    {
      print_usage (stdout);
      return 0;
    }
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    if (strcmp (argv[1], commands[i].name) == 0)
      return commands[i].run (argc - 1, argv + 1);

  fprintf (stderr, "handoff-cli: unknown command '%s'\n", argv[1]);
  print_usage (stderr);
  return 2;
}
