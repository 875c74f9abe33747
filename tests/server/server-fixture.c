/* server-fixture.c: a handoff-server in the test process, a real livekit-server
 * beside it, and a real SoupSession to talk to both
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-server"

#include "server-fixture.h"

#include <glib/gstdio.h>
#include <string.h>

static HandoffTestLivekit *shared_lk;
static guint16 server_port;

HandoffTestLivekit *
fixture_livekit (void)
{
  if (shared_lk == NULL)
    {
      g_autofree char *webhook = NULL;
      HandoffTestLivekitOptions options = { 0 };

      /* LiveKit is told the webhook URL once; every server of this process
       * listens on the same port. */
      server_port = handoff_test_free_port (FALSE);
      webhook = g_strdup_printf ("http://127.0.0.1:%u/livekit/webhook", server_port);
      options.webhook_url = webhook;
      shared_lk = handoff_test_livekit_start_or_skip (&options);
    }
  return shared_lk;
}

static GPtrArray *garbage;

guint16
fixture_server_port (void)
{
  return server_port;
}

void
fixture_livekit_free (void)
{
  g_clear_pointer (&shared_lk, handoff_test_livekit_free);
  g_clear_pointer (&garbage, g_ptr_array_unref);
}

char *
sign_in (Fixture    *f,
         const char *username,
         const char *password,
         char      **id_out)
{
  g_autofree char *body = g_strdup_printf ("{\"username\":\"%s\",\"password\":\"%s\"}", username,
                                           password);
  guint status;
  g_autoptr(JsonNode) reply = http (f, "POST", "/api/v1/sessions", NULL, NULL, body, &status);

  g_assert_cmpuint (status, ==, 201);
  if (id_out != NULL)
    *id_out = g_strdup (member_string (reply, "agent.id"));
  return g_strdup (member_string (reply, "token"));
}

static void
fixture_listen (Fixture                   *f,
                const HandoffServerConfig *config)
{
  g_autoptr(GError) error = NULL;

  f->server = handoff_server_new (config, &error);
  g_assert_no_error (error);
  /* The previous test's server may still hold the port for a moment. */
  for (guint i = 0; i < 50; i++)
    {
      g_clear_error (&error);
      if (handoff_server_listen (f->server, &error))
        break;
      g_usleep (100 * 1000);
    }
  g_assert_no_error (error);
}

gboolean
fixture_start (Fixture              *f,
               const FixtureOptions *options)
{
  HandoffServerConfig *config = handoff_server_config_new_default ();
  g_autoptr(GError) error = NULL;
  HandoffStore *store;

  memset (f, 0, sizeof *f);
  f->lk = fixture_livekit ();
  if (f->lk == NULL)
    {
      handoff_server_config_free (config);
      return FALSE;
    }
  if (options != NULL)
    f->options = *options;
  f->dir = g_dir_make_tmp ("handoff-server-XXXXXX", &error);
  g_assert_no_error (error);
  g_free (config->database);
  config->database = g_build_filename (f->dir, "store.db", NULL);
  config->port = server_port;
  config->synchronous_full = FALSE;
  config->livekit_url = options && options->no_livekit
                        ? g_strdup_printf ("ws://127.0.0.1:%u", handoff_test_free_port (FALSE))
                        : g_strdup (handoff_test_livekit_get_ws_url (f->lk));
  config->api_key = g_strdup (HANDOFF_TEST_API_KEY);
  config->api_secret = g_strdup (HANDOFF_TEST_API_SECRET);
  if (options && options->call_offer_timeout)
    config->call_offer_timeout = options->call_offer_timeout;
  if (options && options->transfer_offer_timeout)
    config->transfer_offer_timeout = options->transfer_offer_timeout;
  config->calls_per_minute = options && options->calls_per_minute ? options->calls_per_minute
                                                                  : 10000;
  config->sign_ins_per_minute = 10000;
  if (options && options->session_ttl)
    config->session_ttl = options->session_ttl;
  if (options && options->agent_rejoin_grace)
    config->agent_rejoin_grace = (guint) MAX (0, options->agent_rejoin_grace);
  if (options && options->allowed_origin)
    g_assert_true (handoff_server_config_allow_origin (config, options->allowed_origin, NULL));
  f->config = config;

  fixture_listen (f, config);
  f->base = g_strdup (handoff_server_get_base_url (f->server));
  f->session = soup_session_new_with_options ("timeout", 30, NULL);

  store = handoff_server_get_store (f->server);
  g_assert_true (handoff_server_agent_add (store, "alice", "Alice", ALICE_PASSWORD,
                                           "billing,general", "en,fr", &error));
  g_assert_true (handoff_server_agent_add (store, "bob", "Bob", BOB_PASSWORD, "technical", "en",
                                           &error));
  g_assert_true (handoff_server_agent_add (store, "carol", "Carol", CAROL_PASSWORD, "general",
                                           "de", &error));
  f->alice = sign_in (f, "alice", ALICE_PASSWORD, &f->alice_id);
  f->bob = sign_in (f, "bob", BOB_PASSWORD, &f->bob_id);
  f->carol = sign_in (f, "carol", CAROL_PASSWORD, &f->carol_id);
  return TRUE;
}

void
fixture_restart (Fixture *f)
{
  /* What a restart after a crash sees is the store file: the new server
   * restores calls, transfers and their timers from it. */
  handoff_server_shutdown (f->server);
  spin (50);
  g_clear_object (&f->server);
  fixture_listen (f, f->config);
}

static void
remove_dir (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      g_unlink (child);
    }
  g_rmdir (path);
}

void
fixture_stop (Fixture *f)
{
  if (f->server != NULL)
    handoff_server_shutdown (f->server);
  spin (50);
  g_clear_object (&f->server);
  g_clear_object (&f->session);
  g_clear_pointer (&f->config, handoff_server_config_free);
  if (f->dir != NULL)
    remove_dir (f->dir);
  g_clear_pointer (&f->dir, g_free);
  g_clear_pointer (&f->base, g_free);
  g_clear_pointer (&f->alice, g_free);
  g_clear_pointer (&f->bob, g_free);
  g_clear_pointer (&f->carol, g_free);
  g_clear_pointer (&f->alice_id, g_free);
  g_clear_pointer (&f->bob_id, g_free);
  g_clear_pointer (&f->carol_id, g_free);
}

typedef struct {
  GBytes *bytes;
  gboolean done;
} Pending;

static void
sent (GObject      *source,
      GAsyncResult *result,
      gpointer      user_data)
{
  Pending *p = user_data;
  g_autoptr(GError) error = NULL;

  p->bytes = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  g_assert_no_error (error);
  p->done = TRUE;
}

GBytes *
http_raw (Fixture    *f,
          const char *method,
          const char *url,
          const char *bearer,
          const char *content_type,
          GBytes     *body,
          guint      *status,
          char      **response_type)
{
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  Pending p = { 0 };

  g_assert_nonnull (msg);
  if (bearer != NULL)
    {
      g_autofree char *value = g_strdup_printf ("Bearer %s", bearer);
      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization",
                                    value);
    }
  if (body != NULL)
    soup_message_set_request_body_from_bytes (msg, content_type ? content_type
                                                                : "application/json", body);
  soup_session_send_and_read_async (f->session, msg, G_PRIORITY_DEFAULT, NULL, sent, &p);
  while (!p.done)
    g_main_context_iteration (NULL, TRUE);
  *status = soup_message_get_status (msg);
  if (response_type != NULL)
    *response_type = g_strdup (soup_message_headers_get_content_type (
      soup_message_get_response_headers (msg), NULL));
  return p.bytes;
}

GBytes *
http_send (Fixture     *f,
           SoupMessage *msg)
{
  Pending p = { 0 };

  soup_session_send_and_read_async (f->session, msg, G_PRIORITY_DEFAULT, NULL, sent, &p);
  while (!p.done)
    g_main_context_iteration (NULL, TRUE);
  return p.bytes;
}

JsonNode *
http (Fixture    *f,
      const char *method,
      const char *path,
      const char *bearer,
      const char *content_type,
      const char *body,
      guint      *status)
{
  g_autofree char *url = g_strconcat (f->base, path, NULL);
  g_autoptr(GBytes) request = body ? g_bytes_new (body, strlen (body)) : NULL;
  g_autoptr(GBytes) reply = http_raw (f, method, url, bearer, content_type, request, status,
                                      NULL);
  gsize len;
  const char *data = g_bytes_get_data (reply, &len);
  g_autofree char *text = g_strndup (data, len);

  if (len == 0)
    return NULL;
  return json_from_string (text, NULL);
}

void
assert_error (JsonNode   *node,
              const char *code)
{
  JsonObject *obj;

  g_assert_nonnull (node);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  obj = json_node_get_object (node);
  g_assert_cmpstr (json_object_get_string_member_with_default (obj, "error", NULL), ==, code);
  g_assert_true (strlen (json_object_get_string_member_with_default (obj, "message", "")) > 0);
}

/* "a.b.c" into nested objects; NULL when absent or not a string. */
const char *
member_string (JsonNode   *node,
               const char *path)
{
  g_auto(GStrv) parts = g_strsplit (path, ".", -1);
  JsonNode *cur = node;

  for (guint i = 0; parts[i] != NULL; i++)
    {
      if (cur == NULL || !JSON_NODE_HOLDS_OBJECT (cur))
        return NULL;
      cur = json_object_get_member (json_node_get_object (cur), parts[i]);
    }
  if (cur == NULL || !JSON_NODE_HOLDS_VALUE (cur) || json_node_get_value_type (cur) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (cur);
}

gboolean
wait_for (gboolean (*check) (gpointer),
          gpointer   data,
          guint      timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (!check (data))
    {
      if (g_get_monotonic_time () > deadline)
        return FALSE;
      spin (20);
    }
  return TRUE;
}

static gboolean
set_true (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

void
spin (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, set_true, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

gboolean
call_agent_away (gpointer data)
{
  gpointer *args = data;
  g_autofree char *path = g_strconcat ("/api/v1/calls/", (const char *) args[1], NULL);
  guint status;
  g_autoptr(JsonNode) k = NULL;

  spin (200);
  k = http (args[0], "GET", path, ((Fixture *) args[0])->bob, NULL, NULL, &status);
  return status == 200 && member_string (k, "agent_away_until") != NULL;
}

char *
set_available (Fixture    *f,
               const char *token)
{
  guint status;
  g_autoptr(JsonNode) reply = http (f, "PUT", "/api/v1/agents/me/status", token, NULL,
                                    "{\"status\":\"available\"}", &status);

  g_assert_cmpuint (status, ==, 200);
  return g_strdup (member_string (reply, "status"));
}

char *
create_call (Fixture *f,
             char   **caller_token)
{
  guint status;
  g_autoptr(JsonNode) reply = http (f, "POST", "/api/v1/calls", NULL, NULL,
                                    "{\"name\":\"Carla Caller\",\"reason\":\"billing\"}", &status);

  g_assert_cmpuint (status, ==, 201);
  if (caller_token != NULL)
    *caller_token = g_strdup (member_string (reply, "token"));
  return g_strdup (member_string (reply, "call_id"));
}

/* alice available, a new call offered to her (the only available agent),
 * accepted. */
char *
active_call_full (Fixture    *f,
                  const char *agent_token,
                  char      **caller_token,
                  char      **agent_lk_token)
{
  g_autofree char *status_text = set_available (f, agent_token);
  char *call_id = create_call (f, caller_token);
  g_autoptr(JsonNode) reply = call_action (f, call_id, "accept", agent_token, NULL);

  g_assert_cmpstr (member_string (reply, "call.state"), ==, "active");
  if (agent_lk_token != NULL)
    *agent_lk_token = g_strdup (member_string (reply, "token"));
  return call_id;
}

char *
active_call (Fixture    *f,
             const char *agent_token,
             char      **caller_token)
{
  return active_call_full (f, agent_token, caller_token, NULL);
}

/* POST <prefix><id>/<action>; with status NULL the answer must be 200. */
static JsonNode *
post_action (Fixture    *f,
             const char *prefix,
             const char *id,
             const char *action,
             const char *token,
             guint      *status)
{
  g_autofree char *path = g_strconcat (prefix, id, "/", action, NULL);
  guint ok;
  JsonNode *reply = http (f, "POST", path, token, NULL, NULL, status ? status : &ok);

  if (status == NULL)
    g_assert_cmpuint (ok, ==, 200);
  return reply;
}

JsonNode *
call_action (Fixture    *f,
             const char *call_id,
             const char *action,
             const char *token,
             guint      *status)
{
  return post_action (f, "/api/v1/calls/", call_id, action, token, status);
}

JsonNode *
transfer_action (Fixture    *f,
                 const char *transfer_id,
                 const char *action,
                 const char *token,
                 guint      *status)
{
  return post_action (f, "/api/v1/transfers/", transfer_id, action, token, status);
}

char *
accept_call (Fixture    *f,
             const char *call_id,
             const char *token)
{
  g_autoptr(JsonNode) reply = call_action (f, call_id, "accept", token, NULL);

  return g_strdup (member_string (reply, "token"));
}

char *
accept_transfer (Fixture    *f,
                 const char *transfer_id,
                 const char *token)
{
  g_autoptr(JsonNode) reply = transfer_action (f, transfer_id, "accept", token, NULL);

  return g_strdup (member_string (reply, "token"));
}

char *
start_transfer_with (Fixture    *f,
                     const char *call_id,
                     const char *from_token,
                     const char *to_id,
                     const char *details)
{
  g_autofree char *body = g_strdup_printf ("{\"call_id\":\"%s\",\"target_agent_id\":\"%s\",%s}",
                                           call_id, to_id, details);
  guint status;
  g_autoptr(JsonNode) reply = http (f, "POST", "/api/v1/transfers", from_token, NULL, body,
                                    &status);

  g_assert_cmpuint (status, ==, 201);
  g_assert_cmpstr (member_string (reply, "transfer.state"), ==, "offered");
  return g_strdup (member_string (reply, "transfer.id"));
}

char *
start_transfer (Fixture    *f,
                const char *call_id,
                const char *from_token,
                const char *to_id)
{
  return start_transfer_with (f, call_id, from_token, to_id,
                              "\"summary\":{\"text\":\"Wants a refund\"}");
}

typedef struct {
  SoupWebsocketConnection *conn;
  GError *error;
  gboolean done;
} WsPending;

static void
ws_connected (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  WsPending *p = user_data;

  p->conn = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &p->error);
  p->done = TRUE;
}

SoupWebsocketConnection *
signal_join (Fixture    *f,
             const char *token)
{
  g_autofree char *url = g_strdup_printf ("%s/rtc?protocol=15&sdk=cpp&auto_subscribe=0",
                                          handoff_test_livekit_get_ws_url (f->lk));
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autofree char *bearer = g_strdup_printf ("Bearer %s", token);
  WsPending p = { 0 };

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", bearer);
  soup_session_websocket_connect_async (f->session, msg, NULL, NULL, G_PRIORITY_DEFAULT, NULL,
                                        ws_connected, &p);
  while (!p.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (p.error);
  return p.conn;
}

void
signal_leave (SoupWebsocketConnection *conn)
{
  /* SignalRequest{leave(8): LeaveRequest{reason(2) = CLIENT_INITIATED}} */
  static const guint8 leave[] = { 0x42, 0x02, 0x10, 0x01 };

  if (soup_websocket_connection_get_state (conn) == SOUP_WEBSOCKET_STATE_OPEN)
    {
      soup_websocket_connection_send_binary (conn, leave, sizeof leave);
      spin (100);
      if (soup_websocket_connection_get_state (conn) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_close (conn, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
    }
  spin (50);
  g_object_unref (conn);
}

static void
on_event_message (SoupWebsocketConnection *conn,
                  int                      type,
                  GBytes                  *message,
                  gpointer                 user_data)
{
  EventStream *s = user_data;
  gsize len;
  const char *data = g_bytes_get_data (message, &len);
  g_autofree char *text = g_strndup (data, len);
  JsonNode *node = json_from_string (text, NULL);

  g_assert_cmpint (type, ==, SOUP_WEBSOCKET_DATA_TEXT);
  g_assert_nonnull (node);
  g_ptr_array_add (s->events, node);
}

static void
on_event_closed (SoupWebsocketConnection *conn,
                 gpointer                 user_data)
{
  ((EventStream *) user_data)->closed = TRUE;
}

EventStream *
events_open (Fixture    *f,
             const char *token,
             gint64      since)
{
  g_autofree char *url = since >= 0
                         ? g_strdup_printf ("%s/api/v1/events?since=%" G_GINT64_FORMAT, f->base,
                                            since)
                         : g_strdup_printf ("%s/api/v1/events", f->base);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autofree char *bearer = g_strdup_printf ("Bearer %s", token);
  EventStream *s = g_new0 (EventStream, 1);
  WsPending p = { 0 };

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", bearer);
  soup_session_websocket_connect_async (f->session, msg, NULL, NULL, G_PRIORITY_DEFAULT, NULL,
                                        ws_connected, &p);
  while (!p.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (p.error);
  s->conn = p.conn;
  s->events = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  g_signal_connect (s->conn, "message", G_CALLBACK (on_event_message), s);
  g_signal_connect (s->conn, "closed", G_CALLBACK (on_event_closed), s);
  return s;
}

void
events_close (EventStream *s)
{
  if (s == NULL)
    return;
  g_signal_handlers_disconnect_by_data (s->conn, s);
  if (soup_websocket_connection_get_state (s->conn) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (s->conn, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
  spin (30);
  g_object_unref (s->conn);
  g_ptr_array_unref (s->events);
  g_free (s);
}

JsonNode *
events_wait (EventStream *s,
             const char  *type,
             guint       *cursor,
             guint        timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  for (;;)
    {
      for (; *cursor < s->events->len; (*cursor)++)
        {
          JsonNode *event = g_ptr_array_index (s->events, *cursor);

          if (g_strcmp0 (member_string (event, "type"), type) == 0)
            {
              (*cursor)++;
              return event;
            }
        }
      if (g_get_monotonic_time () > deadline)
        return NULL;
      spin (20);
    }
}

gint64
event_seq (JsonNode *event)
{
  return json_object_get_int_member (json_node_get_object (event), "seq");
}

const char *
tmp (char *s)
{
  if (garbage == NULL)
    garbage = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (garbage, s);
  return s;
}

#include <jwt.h>

char *
handoff_test_sign_claims (const char *secret,
                          const char *claims_json)
{
  jwt_t *jwt = NULL;
  char *out;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  g_assert_cmpint (jwt_new (&jwt), ==, 0);
  g_assert_cmpint (jwt_set_alg (jwt, JWT_ALG_HS256, (const unsigned char *) secret,
                                strlen (secret)), ==, 0);
  g_assert_cmpint (jwt_add_grants_json (jwt, claims_json), ==, 0);
  if (jwt_get_grant (jwt, "iss") == NULL)
    g_assert_cmpint (jwt_add_grant (jwt, "iss", HANDOFF_TEST_API_KEY), ==, 0);
  if (strstr (claims_json, "\"exp\"") == NULL)
    g_assert_cmpint (jwt_add_grant_int (jwt, "exp", now + 300), ==, 0);
  out = jwt_encode_str (jwt);
  jwt_free (jwt);
  return out;
}
