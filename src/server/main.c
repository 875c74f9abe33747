/* main.c: handoff-server, and its `agent` administration subcommands
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "handoff-server"

#include "config.h"

#include <glib-unix.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "handoff-server-error.h"
#include "handoff-server.h"

#define DEV_ALICE_PASSWORD "alice-demo-password"
#define DEV_BOB_PASSWORD   "bob-demo-password"

static gboolean verbose;

/* One logfmt line per message on stderr. Messages are written so they never
 * carry a secret; the writer adds nothing but time, level and domain. */
static GLogWriterOutput
log_writer (GLogLevelFlags   level,
            const GLogField *fields,
            gsize            n_fields,
            gpointer         user_data)
{
  const char *message = NULL, *domain = NULL, *name;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *time = g_date_time_format_iso8601 (now);
  g_autoptr(GString) line = g_string_new (NULL);

  for (gsize i = 0; i < n_fields; i++)
    {
      if (strcmp (fields[i].key, "MESSAGE") == 0)
        message = fields[i].value;
      else if (strcmp (fields[i].key, "GLIB_DOMAIN") == 0)
        domain = fields[i].value;
    }
  /* --verbose adds our own debug lines (one per request), not the libraries'. */
  if ((level & G_LOG_LEVEL_DEBUG)
      && !(verbose && domain != NULL && g_str_has_prefix (domain, "handoff"))
      && g_log_writer_default_would_drop (level, domain))
    return G_LOG_WRITER_HANDLED;
  switch (level & G_LOG_LEVEL_MASK)
    {
    case G_LOG_LEVEL_ERROR: name = "error"; break;
    case G_LOG_LEVEL_CRITICAL: name = "critical"; break;
    case G_LOG_LEVEL_WARNING: name = "warning"; break;
    case G_LOG_LEVEL_MESSAGE: name = "notice"; break;
    case G_LOG_LEVEL_INFO: name = "info"; break;
    case G_LOG_LEVEL_DEBUG: name = "debug"; break;
    default: name = "info"; break;
    }
  g_string_append_printf (line, "time=%s level=%s domain=%s msg=\"", time, name,
                          domain ? domain : "-");
  for (const char *c = message ? message : ""; *c; c++)
    {
      if (*c == '"' || *c == '\\')
        g_string_append_c (line, '\\');
      if (*c == '\n')
        g_string_append (line, "\\n");
      else
        g_string_append_c (line, *c);
    }
  g_string_append (line, "\"\n");
  fputs (line->str, stderr);
  fflush (stderr);
  if (level & (G_LOG_LEVEL_ERROR | G_LOG_FLAG_FATAL))
    return G_LOG_WRITER_UNHANDLED;
  return G_LOG_WRITER_HANDLED;
}

static int
fail (const char *message)
{
  fprintf (stderr, "handoff-server: %s\n", message);
  return 2;
}

static char *
read_password (const char *prompt)
{
  char buffer[1100];
  char *nl;

  if (isatty (STDIN_FILENO))
    {
      fprintf (stderr, "%s", prompt);
      fflush (stderr);
    }
  if (fgets (buffer, sizeof buffer, stdin) == NULL)
    return NULL;
  nl = strpbrk (buffer, "\r\n");
  if (nl != NULL)
    *nl = '\0';
  return g_strdup (buffer);
}

static HandoffServerConfig *
load_config (const char *path,
             const char *database,
             gboolean    dev,
             int         port,
             gboolean    need_livekit,
             GError    **error)
{
  g_autoptr(HandoffServerConfig) config = NULL;

  if (need_livekit)
    config = handoff_server_config_load (path, dev, error);
  else
    {
      /* Administration needs only the database: load without validating. */
      g_autoptr(GError) local = NULL;
      config = handoff_server_config_load (path, TRUE, &local);
      if (config == NULL && local->domain == G_KEY_FILE_ERROR)
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return NULL;
        }
      if (config == NULL && path != NULL && strstr (local->message, "config file") != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return NULL;
        }
      if (config == NULL)
        config = handoff_server_config_new_default ();
    }
  if (config == NULL)
    return NULL;
  if (database != NULL)
    {
      g_free (config->database);
      config->database = g_strdup (database);
    }
  if (port >= 0)
    config->port = (guint16) port;
  return g_steal_pointer (&config);
}

static int
run_agent (int          argc,
           char       **argv,
           const char  *config_path,
           const char  *database)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HandoffServerConfig) config = NULL;
  g_autoptr(HandoffStore) store = NULL;
  const char *cmd = argc > 1 ? argv[1] : NULL;

  if (cmd == NULL)
    return fail ("usage: handoff-server agent add|list|remove|passwd ...");
  config = load_config (config_path, database, FALSE, -1, FALSE, &error);
  if (config == NULL)
    return fail (error->message);
  store = handoff_store_new (config->database, TRUE, &error);
  if (store == NULL)
    return fail (error->message);

  if (strcmp (cmd, "list") == 0)
    {
      g_autoptr(JsonArray) agents = handoff_server_agent_list (store, &error);
      g_autoptr(JsonNode) node = json_node_new (JSON_NODE_ARRAY);
      g_autofree char *text = NULL;

      if (agents == NULL)
        return fail (error->message);
      json_node_set_array (node, agents);
      text = json_to_string (node, TRUE);
      printf ("%s\n", text);
      return 0;
    }
  if (argc < 3)
    return fail ("usage: handoff-server agent add|remove|passwd USERNAME");
  if (strcmp (cmd, "add") == 0)
    {
      g_autofree char *name = NULL, *skills = NULL, *languages = NULL, *password = NULL;
      GOptionEntry entries[] = {
        { "name", 0, 0, G_OPTION_ARG_STRING, &name, "Display name", "NAME" },
        { "skills", 0, 0, G_OPTION_ARG_STRING, &skills, "Comma-separated skills", "LIST" },
        { "languages", 0, 0, G_OPTION_ARG_STRING, &languages, "Comma-separated languages",
          "LIST" },
        { NULL },
      };
      g_autoptr(GOptionContext) context = g_option_context_new ("USERNAME");
      const char *username = argv[2];

      g_option_context_add_main_entries (context, entries, NULL);
      argv[2] = argv[1];
      argc -= 2;
      argv += 2;
      if (!g_option_context_parse (context, &argc, &argv, &error))
        return fail (error->message);
      password = read_password ("Password: ");
      if (password == NULL)
        return fail ("the password is read from standard input; none was given");
      if (!handoff_server_agent_add (store, username, name, password, skills, languages, &error))
        return fail (error->message);
      printf ("{\"added\": \"%s\"}\n", username);
      return 0;
    }
  if (strcmp (cmd, "remove") == 0)
    {
      if (!handoff_server_agent_remove (store, argv[2], &error))
        return fail (error->message);
      printf ("{\"removed\": \"%s\"}\n", argv[2]);
      return 0;
    }
  if (strcmp (cmd, "passwd") == 0)
    {
      g_autofree char *password = read_password ("New password: ");

      if (password == NULL)
        return fail ("the password is read from standard input; none was given");
      if (!handoff_server_agent_passwd (store, argv[2], password, &error))
        return fail (error->message);
      printf ("{\"changed\": \"%s\"}\n", argv[2]);
      return 0;
    }
  return fail ("usage: handoff-server agent add|list|remove|passwd ...");
}

static gboolean
on_signal (gpointer user_data)
{
  GMainLoop *loop = user_data;

  /* Stays installed: a second SIGTERM during shutdown must not kill us
   * half-way through closing. */
  if (g_main_loop_is_running (loop))
    g_message ("Shutting down");
  g_main_loop_quit (loop);
  return G_SOURCE_CONTINUE;
}

static void
seed_dev_agents (HandoffServer *server)
{
  HandoffStore *store = handoff_server_get_store (server);
  static const struct { const char *user, *name, *password, *skills; } demo[] = {
    { "alice", "Alice Example", DEV_ALICE_PASSWORD, "billing,general" },
    { "bob", "Bob Example", DEV_BOB_PASSWORD, "technical,general" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (demo); i++)
    {
      g_autoptr(GError) error = NULL;

      if (!handoff_server_agent_add (store, demo[i].user, demo[i].name, demo[i].password,
                                     demo[i].skills, "en", &error)
          && !g_error_matches (error, HANDOFF_SERVER_ERROR, HANDOFF_SERVER_ERROR_CONFLICT))
        g_warning ("Could not add demo agent %s: %s", demo[i].user, error->message);
      /* These are demo accounts with published passwords; --dev only. */
      printf ("dev agent: %s / %s\n", demo[i].user, demo[i].password);
    }
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *config_path = NULL;
  g_autofree char *database = NULL;
  g_auto(GStrv) origins = NULL;
  gboolean dev = FALSE, version = FALSE;
  int port = -1;
  GOptionEntry entries[] = {
    { "config", 'c', 0, G_OPTION_ARG_FILENAME, &config_path, "Key file with settings", "FILE" },
    { "dev", 0, 0, G_OPTION_ARG_NONE, &dev, "Use livekit-server --dev keys and demo agents",
      NULL },
    { "database", 0, 0, G_OPTION_ARG_FILENAME, &database, "SQLite file (overrides config)",
      "FILE" },
    { "port", 'p', 0, G_OPTION_ARG_INT, &port, "Port (overrides config; 0 = any)", "PORT" },
    { "allow-origin", 0, 0, G_OPTION_ARG_STRING_ARRAY, &origins,
      "Let a caller web page on ORIGIN use the caller routes (CORS; repeatable; adds to "
      "[server] allowed_origins)", "ORIGIN" },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose, "Log each request", NULL },
    { "version", 0, 0, G_OPTION_ARG_NONE, &version, "Print the version", NULL },
    { NULL },
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("[agent add|list|remove|passwd ...]");
  g_autoptr(GError) error = NULL;
  g_autoptr(HandoffServerConfig) config = NULL;
  g_autoptr(HandoffServer) server = NULL;
  g_autoptr(GMainLoop) loop = NULL;

  g_log_set_writer_func (log_writer, NULL, NULL);
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_strict_posix (context, TRUE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return fail (error->message);
  if (version)
    {
      printf ("handoff-server %s\n", PACKAGE_VERSION);
      return 0;
    }
  if (argc > 1 && strcmp (argv[1], "agent") == 0)
    return run_agent (argc - 1, argv + 1, config_path, database);
  if (argc > 1)
    return fail ("unknown command; see --help");
  if (port > 65535)
    return fail ("--port must be from 0 to 65535");

  config = load_config (config_path, database, dev, port, TRUE, &error);
  if (config == NULL)
    return fail (error->message);
  for (guint i = 0; origins != NULL && origins[i] != NULL; i++)
    if (!handoff_server_config_allow_origin (config, origins[i], &error))
      return fail (error->message);
  server = handoff_server_new (config, &error);
  if (server == NULL)
    return fail (error->message);
  if (dev)
    seed_dev_agents (server);
  if (!handoff_server_listen (server, &error))
    return fail (error->message);
  printf ("handoff-server listening on %s\n", handoff_server_get_base_url (server));
  fflush (stdout);
  g_message ("Listening on %s (LiveKit %s)", handoff_server_get_base_url (server),
             config->livekit_url);

  loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGTERM, on_signal, loop);
  g_unix_signal_add (SIGINT, on_signal, loop);
  g_main_loop_run (loop);
  handoff_server_shutdown (server);
  /* Let close frames and cancelled requests go out. */
  for (int i = 0; i < 50 && g_main_context_iteration (NULL, FALSE); i++)
    ;
  return 0;
}
