/* handoff-test-livekit.c: start, wait for, and always stop a real livekit-server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "handoff-test"

#include "handoff-test-livekit.h"
#include "handoff-test-watchdog.h"

#include <glib/gstdio.h>
#include <jwt.h>
#include <libsoup/soup.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <unistd.h>

struct _HandoffTestLivekit {
  GSubprocess *process;
  char *dir;
  char *config_path;
  char *log_path;
  char *ws_url;
  char *http_url;
  guint16 port;
  guint16 tcp_port;
  guint16 udp_port;
};

guint16
handoff_test_free_port (gboolean udp)
{
  struct sockaddr_in addr = { 0 };
  socklen_t len = sizeof addr;
  int fd = socket (AF_INET, udp ? SOCK_DGRAM : SOCK_STREAM, 0);
  guint16 port;

  g_assert_cmpint (fd, >=, 0);
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  g_assert_cmpint (bind (fd, (struct sockaddr *) &addr, sizeof addr), ==, 0);
  g_assert_cmpint (getsockname (fd, (struct sockaddr *) &addr, &len), ==, 0);
  port = ntohs (addr.sin_port);
  close (fd);
  return port;
}

static char *
find_livekit_server (void)
{
  const char *env = g_getenv ("LIVEKIT_SERVER");
  const char *tools = g_getenv ("HANDOFF_TOOLS");
  g_autofree char *in_tools = NULL;

  if (env != NULL && g_file_test (env, G_FILE_TEST_IS_EXECUTABLE))
    return g_strdup (env);
  in_tools = g_build_filename (tools ? tools : "/opt/handoff", "bin", "livekit-server", NULL);
  if (g_file_test (in_tools, G_FILE_TEST_IS_EXECUTABLE))
    return g_steal_pointer (&in_tools);
  return g_find_program_in_path ("livekit-server");
}

/* If the test process dies (assertion, crash, timeout kill), the server must
 * not outlive it and hold ports for the next test. */
static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

/* GSubprocess only knows a child exited once it has been waited for, which
 * needs a main loop; /proc tells without reaping it. */
static gboolean
process_has_died (GSubprocess *process)
{
  g_autofree char *path = g_strdup_printf ("/proc/%s/stat", g_subprocess_get_identifier (process));
  g_autofree char *stat = NULL;
  const char *state;

  if (g_subprocess_get_identifier (process) == NULL)
    return TRUE;
  if (!g_file_get_contents (path, &stat, NULL, NULL))
    return TRUE;
  state = strrchr (stat, ')');
  return state == NULL || state[1] == '\0' || state[2] == 'Z';
}

static gboolean
wait_until_ready (HandoffTestLivekit *self,
                  GError            **error)
{
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 2, NULL);
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  while (g_get_monotonic_time () < deadline)
    {
      g_autoptr(SoupMessage) msg = soup_message_new ("GET", self->http_url);
      g_autoptr(GBytes) body = NULL;

      if (process_has_died (self->process))
        break;
      body = soup_session_send_and_read (session, msg, NULL, NULL);
      if (body != NULL && soup_message_get_status (msg) == SOUP_STATUS_OK)
        return TRUE;
      g_usleep (50 * 1000);
    }
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
               "livekit-server did not become ready; log: %s", self->log_path);
  return FALSE;
}

static gboolean
spawn (HandoffTestLivekit *self,
       GError            **error)
{
  g_autofree char *binary = find_livekit_server ();
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autofree char *port_arg = NULL;

  if (binary == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   "livekit-server not found (run build-aux/setup.sh)");
      return FALSE;
    }
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  g_subprocess_launcher_set_stdout_file_path (launcher, self->log_path);
  g_subprocess_launcher_set_stderr_file_path (launcher, NULL);
  /* stderr follows stdout into the log */
  g_subprocess_launcher_set_flags (launcher,
                                   G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE);
  self->process = g_subprocess_launcher_spawn (launcher, error, binary,
                                               "--config", self->config_path, NULL);
  if (self->process == NULL)
    return FALSE;
  return wait_until_ready (self, error);
}

static void stop_process (HandoffTestLivekit *self,
                          gboolean            hard);

/* Fresh ports each time: a port found free can be taken by another
 * process before livekit-server binds it. */
static gboolean
write_config (HandoffTestLivekit              *self,
              const HandoffTestLivekitOptions *options,
              GError                         **error)
{
  g_autoptr(GString) config = g_string_new (NULL);

  self->port = handoff_test_free_port (FALSE);
  do
    self->tcp_port = handoff_test_free_port (FALSE);
  while (self->tcp_port == self->port);
  self->udp_port = handoff_test_free_port (TRUE);
  g_free (self->ws_url);
  g_free (self->http_url);
  self->ws_url = g_strdup_printf ("ws://127.0.0.1:%u", self->port);
  self->http_url = g_strdup_printf ("http://127.0.0.1:%u", self->port);

  /* Loopback STUN that nobody answers keeps the server from handing out
   * public STUN servers; the tests must contact nothing outside. */
  g_string_append_printf (config,
                          "port: %u\n"
                          "bind_addresses: [\"127.0.0.1\"]\n"
                          "rtc:\n"
                          "  tcp_port: %u\n"
                          "  udp_port: %u\n"
                          "  node_ip: 127.0.0.1\n"
                          "  use_external_ip: false\n"
                          "  stun_servers: [\"127.0.0.1:%u\"]\n"
                          "keys:\n"
                          "  %s: %s\n"
                          "room:\n"
                          "  auto_create: true\n"
                          "  empty_timeout: 60\n"
                          "logging:\n"
                          "  level: debug\n",
                          self->port, self->tcp_port, self->udp_port, self->udp_port,
                          HANDOFF_TEST_API_KEY, HANDOFF_TEST_API_SECRET);
  if (options != NULL && options->webhook_url != NULL)
    g_string_append_printf (config,
                            "webhook:\n"
                            "  api_key: %s\n"
                            "  urls: [\"%s\"]\n",
                            HANDOFF_TEST_API_KEY, options->webhook_url);
  if (options != NULL && options->extra_yaml != NULL)
    g_string_append (config, options->extra_yaml);

  return g_file_set_contents (self->config_path, config->str, config->len, error);
}

/* The end of the server's log, for an error message: the log itself goes
 * with the test's temporary folder. */
static char *
log_tail (HandoffTestLivekit *self)
{
  g_autofree char *text = NULL;
  gsize len = 0;

  if (!g_file_get_contents (self->log_path, &text, &len, NULL) || len == 0)
    return g_strdup ("(empty log)");
  return g_strdup (text + (len > 800 ? len - 800 : 0));
}

HandoffTestLivekit *
handoff_test_livekit_start (const HandoffTestLivekitOptions *options,
                            GError                         **error)
{
  g_autoptr(HandoffTestLivekit) self = g_new0 (HandoffTestLivekit, 1);
  const char *base = g_getenv ("HANDOFF_TEST_TMPDIR");

  handoff_test_watchdog_arm ();
  handoff_test_stacks_on_fatal_log ();
  self->dir = g_build_filename (base ? base : g_get_tmp_dir (), "handoff-lk-XXXXXX", NULL);
  if (g_mkdtemp (self->dir) == NULL)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), "mkdtemp failed");
      return NULL;
    }
  self->config_path = g_build_filename (self->dir, "livekit.yaml", NULL);
  self->log_path = g_build_filename (self->dir, "livekit.log", NULL);

  for (guint attempt = 1; ; attempt++)
    {
      g_autoptr(GError) local_error = NULL;
      g_autofree char *tail = NULL;
      gboolean died;

      if (!write_config (self, options, error))
        return NULL;
      if (spawn (self, &local_error))
        return g_steal_pointer (&self);
      died = self->process != NULL && process_has_died (self->process);
      tail = log_tail (self);
      stop_process (self, TRUE);
      if (!died || attempt == 3)
        {
          g_set_error (error, local_error->domain, local_error->code, "%s; its log ends: %s",
                       local_error->message, tail);
          return NULL;
        }
      g_test_message ("livekit-server exited at start-up (attempt %u), trying other ports; "
                      "its log ends: %s", attempt, tail);
    }
}

HandoffTestLivekit *
handoff_test_livekit_start_or_skip (const HandoffTestLivekitOptions *options)
{
  g_autoptr(GError) error = NULL;
  HandoffTestLivekit *self = handoff_test_livekit_start (options, &error);

  if (self == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND)
      && g_getenv ("HANDOFF_REQUIRE_LIVEKIT") == NULL)
    {
      g_test_skip (error->message);
      return NULL;
    }
  g_assert_no_error (error);
  return self;
}

static void
on_process_waited (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  gboolean *done = user_data;

  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  *done = TRUE;
}

static gboolean
wake_up (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

/* Waits on a private main context so a test's own loop is not run here.
 * A graceful stop is forced after @grace_s seconds. */
static void
stop_process_within (HandoffTestLivekit *self,
                     gboolean            hard,
                     guint               grace_s)
{
  g_autoptr(GMainContext) context = NULL;
  g_autoptr(GSource) ticker = NULL;
  gint64 start = g_get_monotonic_time ();
  gboolean done = FALSE;
  gboolean forced = FALSE;

  if (self->process == NULL)
    return;
  context = g_main_context_new ();
  g_main_context_push_thread_default (context);
  ticker = g_timeout_source_new (50);
  g_source_set_callback (ticker, wake_up, NULL, NULL);
  g_source_attach (ticker, context);

  if (hard)
    g_subprocess_force_exit (self->process);
  else
    g_subprocess_send_signal (self->process, SIGTERM);
  g_subprocess_wait_async (self->process, NULL, on_process_waited, &done);
  while (!done)
    {
      gint64 waited = g_get_monotonic_time () - start;

      /* livekit-server 1.13.5 sometimes hangs in a graceful shutdown asked for
       * right after start-up; a second signal makes it force the exit. */
      if (!hard && !forced && waited > grace_s * G_USEC_PER_SEC)
        {
          g_subprocess_send_signal (self->process, SIGTERM);
          forced = TRUE;
        }
      if (!hard && waited > (grace_s + 6) * G_USEC_PER_SEC)
        {
          g_subprocess_force_exit (self->process);
          hard = TRUE;
        }
      g_main_context_iteration (context, TRUE);
    }
  g_source_destroy (ticker);
  g_main_context_pop_thread_default (context);
  g_clear_object (&self->process);
}

static void
stop_process (HandoffTestLivekit *self,
              gboolean            hard)
{
  stop_process_within (self, hard, 2);
}

void
handoff_test_livekit_stop (HandoffTestLivekit *self)
{
  stop_process (self, FALSE);
}

void
handoff_test_livekit_shut_down (HandoffTestLivekit *self)
{
  /* Under load (a sanitized run) the leave took over 2 s to go out. */
  stop_process_within (self, FALSE, 10);
}

void
handoff_test_livekit_kill (HandoffTestLivekit *self)
{
  stop_process (self, TRUE);
}

gboolean
handoff_test_livekit_restart (HandoffTestLivekit *self,
                              GError            **error)
{
  stop_process (self, FALSE);
  return spawn (self, error);
}

gboolean
handoff_test_livekit_respawn (HandoffTestLivekit *self,
                              GError            **error)
{
  g_return_val_if_fail (self->process == NULL, FALSE);
  return spawn (self, error);
}

gboolean
handoff_test_livekit_twirp (HandoffTestLivekit *self,
                            const char         *room,
                            const char         *method,
                            const char         *json_body,
                            GError            **error)
{
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 10, NULL);
  g_autofree char *url = g_strdup_printf ("%s/twirp/livekit.RoomService/%s", self->http_url, method);
  g_autofree char *grant = g_strdup_printf ("{\"roomAdmin\": true, \"roomCreate\": true, \"room\": \"%s\"}", room);
  g_autofree char *token = handoff_test_mint_token ("handoff-test-admin", room, 600, grant);
  g_autofree char *bearer = g_strdup_printf ("Bearer %s", token);
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
  g_autoptr(GBytes) body = g_bytes_new (json_body, strlen (json_body));
  g_autoptr(GBytes) reply = NULL;

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", bearer);
  soup_message_set_request_body_from_bytes (msg, "application/json", body);
  reply = soup_session_send_and_read (session, msg, NULL, error);
  if (reply == NULL)
    return FALSE;
  if (soup_message_get_status (msg) != SOUP_STATUS_OK)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s: HTTP %u: %.*s", method,
                   soup_message_get_status (msg), (int) g_bytes_get_size (reply),
                   (const char *) g_bytes_get_data (reply, NULL));
      return FALSE;
    }
  return TRUE;
}

void
handoff_test_livekit_free (HandoffTestLivekit *self)
{
  if (self == NULL)
    return;
  stop_process (self, FALSE);
  if (g_getenv ("HANDOFF_TEST_KEEP_LOGS") == NULL && self->dir != NULL)
    {
      g_unlink (self->config_path);
      g_unlink (self->log_path);
      g_rmdir (self->dir);
    }
  g_free (self->dir);
  g_free (self->config_path);
  g_free (self->log_path);
  g_free (self->ws_url);
  g_free (self->http_url);
  g_free (self);
}

const char *
handoff_test_livekit_get_ws_url (HandoffTestLivekit *self)
{
  return self->ws_url;
}

const char *
handoff_test_livekit_get_http_url (HandoffTestLivekit *self)
{
  return self->http_url;
}

guint16
handoff_test_livekit_get_port (HandoffTestLivekit *self)
{
  return self->port;
}

const char *
handoff_test_livekit_get_log_path (HandoffTestLivekit *self)
{
  return self->log_path;
}

char *
handoff_test_mint_token (const char *identity,
                         const char *room,
                         gint64      ttl_seconds,
                         const char *video_grant_json)
{
  jwt_t *jwt = NULL;
  g_autofree char *video = NULL;
  g_autofree char *grants = NULL;
  char *encoded;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  g_assert_cmpint (jwt_new (&jwt), ==, 0);
  g_assert_cmpint (jwt_set_alg (jwt, JWT_ALG_HS256,
                                (const unsigned char *) HANDOFF_TEST_API_SECRET,
                                strlen (HANDOFF_TEST_API_SECRET)), ==, 0);
  if (video_grant_json != NULL)
    video = g_strdup (video_grant_json);
  else
    video = g_strdup_printf ("{\"roomJoin\": true, \"room\": \"%s\", \"canPublish\": true, "
                             "\"canSubscribe\": true, \"canPublishData\": true, "
                             "\"canUpdateOwnMetadata\": true}", room);
  grants = g_strdup_printf ("{\"iss\": \"%s\", \"sub\": \"%s\", \"nbf\": %" G_GINT64_FORMAT ", "
                            "\"exp\": %" G_GINT64_FORMAT ", \"name\": \"%s\", \"video\": %s}",
                            HANDOFF_TEST_API_KEY, identity, now - 5, now + ttl_seconds,
                            identity, video);
  g_assert_cmpint (jwt_add_grants_json (jwt, grants), ==, 0);
  encoded = jwt_encode_str (jwt);
  jwt_free (jwt);
  g_assert_nonnull (encoded);
  return encoded;
}
