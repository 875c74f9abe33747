/* cli-commands.h: the subcommands of handoff-cli
 *
 * Each subcommand lives in its own cli-<name>.c, takes the arguments after
 * its name (argv[0] is the subcommand), prints JSON on stdout, errors on
 * stderr, and returns the process exit status.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef int (*HandoffCliCommandFunc) (int argc, char **argv);

typedef struct {
  const char *name;
  const char *usage;
  HandoffCliCommandFunc run;
} HandoffCliCommand;

/* Writes {"error": code, "message": message} to stderr; returns 1. */
int handoff_cli_fail (const char *code,
                      const char *format,
                      ...) G_GNUC_PRINTF (2, 3);

int handoff_cli_transcribe (int    argc,
                            char **argv);
int handoff_cli_summarize (int    argc,
                           char **argv);
int handoff_cli_join (int    argc,
                      char **argv);

G_END_DECLS
