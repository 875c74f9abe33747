/* test-chat-client.c: HandoffChatClient against a local OpenAI-compatible stand-in
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-chat-client"

#include "config.h"

#include <string.h>

#include "handoff-ai-error.h"
#include "handoff-assistant.h"
#include "handoff-chat-client.h"
#include "handoff-sse-parser.h"
#include "handoff-test-chat-server.h"

#define KEY "sk-test-0123456789"

typedef struct {
  GMainLoop *loop;
  char      *text;
  GError    *error;
  GString   *streamed;
  guint      n_deltas;
  gint64     first_delta_us;
  gboolean   done;
} Run;

static void
run_clear (Run *run)
{
  g_clear_pointer (&run->loop, g_main_loop_unref);
  g_clear_pointer (&run->text, g_free);
  g_clear_error (&run->error);
  if (run->streamed)
    g_string_free (run->streamed, TRUE);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

static void
on_delta (const char *delta,
          gpointer    user_data)
{
  Run *run = user_data;

  if (run->n_deltas++ == 0)
    run->first_delta_us = g_get_monotonic_time ();
  g_string_append (run->streamed, delta);
}

static void
on_complete (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Run *run = user_data;

  run->text = handoff_chat_client_complete_finish (HANDOFF_CHAT_CLIENT (source), result,
                                                   &run->error);
  run->done = TRUE;
  g_main_loop_quit (run->loop);
}

static GPtrArray *
conversation (void)
{
  GPtrArray *messages = g_ptr_array_new_with_free_func ((GDestroyNotify) handoff_chat_message_free);

  g_ptr_array_add (messages, handoff_chat_message_new ("system", "You help call-centre agents."));
  g_ptr_array_add (messages, handoff_chat_message_new ("user", "Say hello to the agent."));
  return messages;
}

static gboolean
cancel_later (gpointer user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
  return G_SOURCE_REMOVE;
}

static void
complete (HandoffChatClient *client,
          HandoffChatFlags   flags,
          GCancellable      *cancellable,
          Run               *run)
{
  g_autoptr(GPtrArray) messages = conversation ();

  run->loop = g_main_loop_new (NULL, FALSE);
  run->streamed = g_string_new (NULL);
  handoff_chat_client_complete_async (client, messages, flags, on_delta, run, cancellable,
                                      on_complete, run);
  g_main_loop_run (run->loop);
  g_assert_true (run->done);
}

static HandoffChatClient *
client_for (HandoffTestChatServer *server)
{
  HandoffChatClient *client =
    handoff_chat_client_new (handoff_test_chat_server_get_base_url (server), "standin-model", KEY);

  handoff_chat_client_set_timeout_ms (client, 5000);
  return client;
}

static void
test_stream_request_shape (void)
{
  g_autoptr(HandoffTestChatServer) server = handoff_test_chat_server_new ();
  g_autoptr(HandoffChatClient) client = client_for (server);
  const char *answer = "Hello! I can help with the caller's refund — order “A-1042”.";
  g_auto(Run) run = { 0 };
  HandoffTestChatRequest *req;
  JsonObject *body;
  JsonArray *messages;

  handoff_test_chat_server_push_reply (server, answer, 3, 20, 2);
  complete (client, HANDOFF_CHAT_STREAM, NULL, &run);

  g_assert_no_error (run.error);
  g_assert_cmpstr (run.text, ==, answer);
  g_assert_cmpstr (run.streamed->str, ==, answer);
  g_assert_cmpuint (run.n_deltas, >=, g_utf8_strlen (answer, -1) / 3);

  g_assert_cmpuint (handoff_test_chat_server_get_n_requests (server), ==, 1);
  req = handoff_test_chat_server_get_request (server, 0);
  g_assert_cmpstr (req->authorization, ==, "Bearer " KEY);
  g_assert_cmpstr (req->accept, ==, "text/event-stream");
  g_assert_nonnull (req->body);
  body = json_node_get_object (req->body);
  g_assert_cmpstr (json_object_get_string_member (body, "model"), ==, "standin-model");
  g_assert_true (json_object_get_boolean_member (body, "stream"));
  g_assert_false (json_object_has_member (body, "response_format"));
  messages = json_object_get_array_member (body, "messages");
  g_assert_cmpuint (json_array_get_length (messages), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (messages, 0),
                                                  "role"), ==, "system");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (messages, 1),
                                                  "content"), ==, "Say hello to the agent.");
}

static void
test_plain_answer (void)
{
  g_autoptr(HandoffTestChatServer) server = handoff_test_chat_server_new ();
  g_autoptr(HandoffChatClient) client = client_for (server);
  g_auto(Run) run = { 0 };
  g_auto(Run) ignored = { 0 };
  JsonObject *body;

  handoff_test_chat_server_push_reply (server, "{\"ok\": true}", 4, 1, 1);
  complete (client, HANDOFF_CHAT_JSON_OBJECT, NULL, &run);
  g_assert_no_error (run.error);
  g_assert_cmpstr (run.text, ==, "{\"ok\": true}");
  body = json_node_get_object (handoff_test_chat_server_get_request (server, 0)->body);
  g_assert_false (json_object_get_boolean_member (body, "stream"));
  /* A server that ignores "stream": the answer still arrives, as one delta. */
  handoff_test_chat_server_push_reply_json (server, "one piece");
  complete (client, HANDOFF_CHAT_STREAM, NULL, &ignored);
  g_assert_no_error (ignored.error);
  g_assert_cmpstr (ignored.text, ==, "one piece");
  g_assert_cmpstr (ignored.streamed->str, ==, "one piece");
  g_assert_cmpuint (ignored.n_deltas, ==, 1);

  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (body,
                                                                                 "response_format"),
                                                  "type"), ==, "json_object");
}

static void
test_unauthorized (void)
{
  g_autoptr(HandoffTestChatServer) server = handoff_test_chat_server_new ();
  g_autoptr(HandoffChatClient) client = client_for (server);
  g_auto(Run) run = { 0 };

  /* Like OpenAI, the stand-in echoes the key it refused. */
  handoff_test_chat_server_push_error (server, 401,
                                       "{\"error\": {\"message\": \"Incorrect API key provided: "
                                       KEY "\", \"type\": \"invalid_request_error\", "
                                       "\"code\": \"invalid_api_key\"}}", NULL);
  complete (client, HANDOFF_CHAT_STREAM, NULL, &run);
  g_assert_error (run.error, HANDOFF_AI_ERROR, HANDOFF_AI_ERROR_UNAUTHORIZED);
  g_assert_nonnull (strstr (run.error->message, "Incorrect API key provided"));
  g_assert_null (strstr (run.error->message, KEY));
  g_assert_cmpuint (run.n_deltas, ==, 0);
  g_assert_cmpuint (handoff_test_chat_server_get_n_requests (server), ==, 1);
}

static void
test_model_not_found (void)
{
  g_autoptr(HandoffTestChatServer) server = handoff_test_chat_server_new ();
  g_autoptr(HandoffChatClient) client = client_for (server);
  g_auto(Run) run = { 0 };

  handoff_test_chat_server_push_error (server, 404,
                                       "{\"error\": {\"message\": \"The model `standin-model` does "
                                       "not exist or you do not have access to it.\", \"type\": "
                                       "\"invalid_request_error\", \"code\": \"model_not_found\"}}",
                                       NULL);
  complete (client, HANDOFF_CHAT_STREAM, NULL, &run);
  g_assert_error (run.error, HANDOFF_AI_ERROR, HANDOFF_AI_ERROR_MODEL_NOT_FOUND);
  g_assert_nonnull (strstr (run.error->message, "standin-model"));
  g_assert_cmpuint (handoff_test_chat_server_get_n_requests (server), ==, 1);
}

static void
test_rate_limit_retry_after (void)
{
  g_autoptr(HandoffTestChatServer) server = handoff_test_chat_server_new ();
  g_autoptr(HandoffChatClient) client = client_for (server);
  g_auto(Run) run = { 0 };
  gint64 gap_us;

  handoff_test_chat_server_push_error (server, 429,
                                       "{\"error\": {\"message\": \"Rate limit reached\", "
                                       "\"type\": \"tokens\", \"code\": \"rate_limit_exceeded\"}}",
                                       "1");
  handoff_test_chat_server_push_reply (server, "after the wait", 5, 1, 1);
  complete (client, HANDOFF_CHAT_STREAM, NULL, &run);
  g_assert_no_error (run.error);
  g_assert_cmpstr (run.text, ==, "after the wait");
  g_assert_cmpuint (handoff_test_chat_server_get_n_requests (server), ==, 2);
  gap_us = handoff_test_chat_server_get_request (server, 1)->received_us
           - handoff_test_chat_server_get_request (server, 0)->received_us;
  g_test_message ("second attempt %.0f ms after the 429", gap_us / 1000.0);
  g_assert_cmpint (gap_us, >=, 950 * 1000);
}

static void
test_rate_limit_exhausted (void)
{
  g_autoptr(HandoffTestChatServer) server = handoff_test_chat_server_new ();
  g_autoptr(HandoffChatClient) client = client_for (server);
  g_auto(Run) run = { 0 };
  g_auto(Run) run2 = { 0 };
  gint64 start;

  handoff_test_chat_server_push_error (server, 429, "{\"error\": {\"message\": \"slow down\"}}",
                                       "0");
  handoff_chat_client_set_max_retries (client, 2);
  complete (client, HANDOFF_CHAT_STREAM, NULL, &run);
  g_assert_error (run.error, HANDOFF_AI_ERROR, HANDOFF_AI_ERROR_QUOTA);
  g_assert_nonnull (strstr (run.error->message, "slow down"));
  g_assert_cmpuint (handoff_test_chat_server_get_n_requests (server), ==, 3);

  /* A Retry-After longer than the client may wait fails at once. */
  handoff_test_chat_server_push_error (server, 429, "{\"error\": {\"message\": \"wait an hour\"}}",
                                       "3600");
  start = g_get_monotonic_time ();
  complete (client, HANDOFF_CHAT_STREAM, NULL, &run2);
  g_assert_error (run2.error, HANDOFF_AI_ERROR, HANDOFF_AI_ERROR_QUOTA);
  g_assert_cmpuint (handoff_test_chat_server_get_n_requests (server), ==, 4);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 3 * G_USEC_PER_SEC);
}

static void
test_server_error_backoff (void)
{
  g_autoptr(HandoffTestChatServer) server = handoff_test_chat_server_new ();
  g_autoptr(HandoffChatClient) client = client_for (server);
  g_auto(Run) run = { 0 };
  g_auto(Run) run2 = { 0 };

  handoff_test_chat_server_push_error (server, 503, "{\"error\": {\"message\": \"overloaded\"}}",
                                       NULL);
  handoff_test_chat_server_push_reply (server, "recovered", 4, 1, 1);
  complete (client, HANDOFF_CHAT_STREAM, NULL, &run);
  g_assert_no_error (run.error);
  g_assert_cmpstr (run.text, ==, "recovered");
  g_assert_cmpuint (handoff_test_chat_server_get_n_requests (server), ==, 2);

  /* 400 is not retried. */
  handoff_test_chat_server_push_error (server, 400,
                                       "{\"error\": {\"message\": \"messages: too long\"}}", NULL);
  complete (client, HANDOFF_CHAT_STREAM, NULL, &run2);
  g_assert_error (run2.error, HANDOFF_AI_ERROR, HANDOFF_AI_ERROR_BAD_REQUEST);
  g_assert_cmpuint (handoff_test_chat_server_get_n_requests (server), ==, 3);
}

static void
test_hang_times_out (void)
{
  g_autoptr(HandoffTestChatServer) server = handoff_test_chat_server_new ();
  g_autoptr(HandoffChatClient) client = client_for (server);
  g_auto(Run) run = { 0 };
  gint64 start = g_get_monotonic_time ();

  handoff_test_chat_server_push_hang (server);
  handoff_chat_client_set_timeout_ms (client, 400);
  complete (client, HANDOFF_CHAT_STREAM, NULL, &run);
  g_assert_error (run.error, HANDOFF_AI_ERROR, HANDOFF_AI_ERROR_TIMEOUT);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 350 * 1000);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 10 * G_USEC_PER_SEC);
  /* A timed-out request is not repeated. */
  g_assert_cmpuint (handoff_test_chat_server_get_n_requests (server), ==, 1);
}

static void
test_stall_mid_stream (void)
{
  g_autoptr(HandoffTestChatServer) server = handoff_test_chat_server_new ();
  g_autoptr(HandoffChatClient) client = client_for (server);
  g_auto(Run) run = { 0 };

  /* Deltas every 3 s; silence is allowed for 300 ms. */
  handoff_test_chat_server_push_reply (server, "slow answer", 2, 1, 3000);
  handoff_chat_client_set_timeout_ms (client, 300);
  complete (client, HANDOFF_CHAT_STREAM, NULL, &run);
  g_assert_error (run.error, HANDOFF_AI_ERROR, HANDOFF_AI_ERROR_TIMEOUT);
}

static void
test_cancel (void)
{
  g_autoptr(HandoffTestChatServer) server = handoff_test_chat_server_new ();
  g_autoptr(HandoffChatClient) client = client_for (server);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GCancellable) cancellable2 = g_cancellable_new ();
  g_auto(Run) run = { 0 };
  g_auto(Run) run2 = { 0 };
  gint64 start;

  handoff_test_chat_server_push_hang (server);
  g_timeout_add (100, cancel_later, cancellable);
  complete (client, HANDOFF_CHAT_STREAM, cancellable, &run);
  g_assert_error (run.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  /* Cancelled while waiting out a Retry-After. */
  handoff_test_chat_server_push_error (server, 429, "{\"error\": {\"message\": \"later\"}}", "10");
  start = g_get_monotonic_time ();
  g_timeout_add (200, cancel_later, cancellable2);
  complete (client, HANDOFF_CHAT_STREAM, cancellable2, &run2);
  g_assert_error (run2.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
}

static void
test_broken_streams (void)
{
  g_autoptr(HandoffTestChatServer) server = handoff_test_chat_server_new ();
  g_autoptr(HandoffChatClient) client = client_for (server);
  g_auto(Run) cut = { 0 };
  g_auto(Run) garbage = { 0 };
  g_auto(Run) failed = { 0 };

  handoff_test_chat_server_push_raw_sse (server,
                                         "data: {\"choices\":[{\"index\":0,\"delta\":"
                                         "{\"content\":\"Hel\"},\"finish_reason\":null}]}\n\n", 7);
  complete (client, HANDOFF_CHAT_STREAM, NULL, &cut);
  g_assert_error (cut.error, HANDOFF_AI_ERROR, HANDOFF_AI_ERROR_INVALID_RESPONSE);
  g_assert_cmpstr (cut.streamed->str, ==, "Hel");

  handoff_test_chat_server_push_raw_sse (server, "data: this is not json\n\ndata: [DONE]\n\n", 5);
  complete (client, HANDOFF_CHAT_STREAM, NULL, &garbage);
  g_assert_error (garbage.error, HANDOFF_AI_ERROR, HANDOFF_AI_ERROR_INVALID_RESPONSE);

  handoff_test_chat_server_push_raw_sse (server,
                                         "data: {\"error\": {\"message\": \"model overloaded\"}}"
                                         "\n\n", 9);
  complete (client, HANDOFF_CHAT_STREAM, NULL, &failed);
  g_assert_error (failed.error, HANDOFF_AI_ERROR, HANDOFF_AI_ERROR_SERVER);
  g_assert_nonnull (strstr (failed.error->message, "model overloaded"));
}

static void
test_unreachable (void)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (lo, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(HandoffChatClient) client = NULL;
  g_autofree char *url = NULL;
  g_auto(Run) run = { 0 };

  /* A port that is bound but not listening refuses connections. */
  g_assert_true (g_socket_bind (socket, any, FALSE, NULL));
  bound = g_socket_get_local_address (socket, NULL);
  url = g_strdup_printf ("http://127.0.0.1:%u/v1",
                         g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  client = handoff_chat_client_new (url, "m", KEY);
  handoff_chat_client_set_max_retries (client, 1);
  complete (client, HANDOFF_CHAT_STREAM, NULL, &run);
  g_assert_error (run.error, HANDOFF_AI_ERROR, HANDOFF_AI_ERROR_NETWORK);
  g_assert_null (strstr (run.error->message, KEY));
}

static gboolean
collect_event (const char *event,
               const char *data,
               gpointer    user_data)
{
  g_ptr_array_add (user_data, g_strdup (data));
  return TRUE;
}

static void
test_sse_parser_byte_by_byte (void)
{
  const char *stream = ": comment\r\ndata: one\r\n\r\ndata:two\ndata: lines\n\nevent: x\ndata: "
                       "three\r\rdata: [DONE]";
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(HandoffSseParser) parser = handoff_sse_parser_new (collect_event, events);

  for (gsize i = 0; i < strlen (stream); i++)
    g_assert_true (handoff_sse_parser_feed (parser, stream + i, 1, NULL));
  handoff_sse_parser_finish (parser);
  g_assert_cmpuint (events->len, ==, 4);
  g_assert_cmpstr (g_ptr_array_index (events, 0), ==, "one");
  g_assert_cmpstr (g_ptr_array_index (events, 1), ==, "two\nlines");
  g_assert_cmpstr (g_ptr_array_index (events, 2), ==, "three");
  g_assert_cmpstr (g_ptr_array_index (events, 3), ==, "[DONE]");
}

static void
on_key_loaded (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  Run *run = user_data;

  run->done = handoff_chat_client_load_key_finish (HANDOFF_CHAT_CLIENT (source), result,
                                                   &run->error);
  g_main_loop_quit (run->loop);
}

static void
on_saved (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_assert_true (handoff_secret_store_save_finish (HANDOFF_SECRET_STORE (source), result, NULL));
  g_main_loop_quit (user_data);
}

/* The key the preferences saved (kind "ai-key", account = base URL as typed)
 * reaches the Authorization header. The store runs in memory: no keyring. */
static void
test_key_from_store (void)
{
  g_autoptr(HandoffTestChatServer) server = handoff_test_chat_server_new ();
  g_autoptr(HandoffSecretStore) store = NULL;
  g_autoptr(HandoffChatClient) client = NULL;
  g_autoptr(HandoffChatClient) other = handoff_chat_client_new ("http://127.0.0.1:9/v1", "m", NULL);
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autofree char *typed = g_strconcat (handoff_test_chat_server_get_base_url (server), "/", NULL);
  g_auto(Run) load = { 0 };
  g_auto(Run) none = { 0 };
  g_auto(Run) run = { 0 };

  g_setenv ("HANDOFF_SECRETS", "memory", TRUE);
  store = handoff_secret_store_new ();
  client = handoff_chat_client_new (handoff_test_chat_server_get_base_url (server), "m", NULL);
  handoff_secret_store_save_async (store, HANDOFF_SECRET_AI_KEY, typed, "sk-from-store", NULL,
                                   on_saved, loop);
  g_main_loop_run (loop);

  load.loop = g_main_loop_new (NULL, FALSE);
  handoff_chat_client_load_key_async (client, store, NULL, on_key_loaded, &load);
  g_main_loop_run (load.loop);
  g_assert_no_error (load.error);
  g_assert_true (load.done);
  g_assert_true (handoff_chat_client_has_api_key (client));

  none.loop = g_main_loop_new (NULL, FALSE);
  handoff_chat_client_load_key_async (other, store, NULL, on_key_loaded, &none);
  g_main_loop_run (none.loop);
  g_assert_no_error (none.error);
  g_assert_false (none.done);
  g_assert_false (handoff_chat_client_has_api_key (other));

  handoff_test_chat_server_push_reply (server, "ok", 2, 1, 1);
  complete (client, HANDOFF_CHAT_STREAM, NULL, &run);
  g_assert_no_error (run.error);
  g_assert_cmpstr (handoff_test_chat_server_get_request (server, 0)->authorization, ==,
                   "Bearer sk-from-store");
}


static gboolean
wait_timeout (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* The key lookups are asynchronous: wait (bounded) until the client has, or
 * has not, a key. */
static void
wait_for_key (HandoffChatClient *client,
              gboolean           expected)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add (3000, wait_timeout, &timed_out);

  while (handoff_chat_client_has_api_key (client) != expected && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (id);
  g_assert_cmpint (handoff_chat_client_has_api_key (client), ==, expected);
}

static void
save_key (HandoffSecretStore *store,
          const char         *account,
          const char         *key)
{
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);

  handoff_secret_store_save_async (store, HANDOFF_SECRET_AI_KEY, account, key, NULL, on_saved,
                                   loop);
  g_main_loop_run (loop);
}

static void
on_cleared (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_assert_true (handoff_secret_store_clear_finish (HANDOFF_SECRET_STORE (source), result, NULL));
  g_main_loop_quit (user_data);
}

/* One request through @client; returns what @server saw of it. */
static HandoffTestChatRequest *
ask_once (HandoffChatClient     *client,
          HandoffTestChatServer *server)
{
  g_auto(Run) run = { 0 };

  handoff_test_chat_server_push_reply (server, "ok", 2, 1, 1);
  complete (client, HANDOFF_CHAT_STREAM, NULL, &run);
  g_assert_no_error (run.error);
  return handoff_test_chat_server_get_request (server,
                                               handoff_test_chat_server_get_n_requests (server) - 1);
}

static const char *
request_model (HandoffTestChatRequest *request)
{
  g_assert_nonnull (request->body);
  return json_object_get_string_member (json_node_get_object (request->body), "model");
}

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              gpointer    user_data)
{
  (*(guint *) user_data)++;
}

/* What the running app does (handoff-application.c): the client follows the
 * ai-base-url/ai-model settings and the key Preferences saves in the keyring.
 * A key saved while the app runs is used by the next request, and the
 * assistant says it is online without being asked first; a new endpoint drops
 * the old key at once and takes its own; a new model is used at once.
 * Without follow_secret_store the saved key never reached the requests. */
static void
test_follows_preferences (void)
{
  g_autoptr(HandoffTestChatServer) one = handoff_test_chat_server_new ();
  g_autoptr(HandoffTestChatServer) two = handoff_test_chat_server_new ();
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(HandoffSecretStore) store = NULL;
  g_autoptr(HandoffChatClient) client = handoff_chat_client_new (NULL, NULL, NULL);
  g_autoptr(HandoffChatClient) remote = handoff_chat_client_new (NULL, NULL, NULL);
  g_autoptr(HandoffAssistant) assistant = NULL;
  g_autofree char *typed_one = g_strconcat (handoff_test_chat_server_get_base_url (one), "/", NULL);
  const char *url_two = handoff_test_chat_server_get_base_url (two);
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  HandoffTestChatRequest *request;
  guint online_notifies = 0;

  g_setenv ("HANDOFF_SECRETS", "memory", TRUE);
  store = handoff_secret_store_new ();
  g_settings_set_string (settings, "ai-base-url", typed_one);
  g_settings_set_string (settings, "ai-model", "model-one");
  handoff_chat_client_bind_settings (client, settings);
  handoff_chat_client_follow_secret_store (client, store);

  /* Nothing saved yet: a loopback endpoint is asked without a key. */
  request = ask_once (client, one);
  g_assert_null (request->authorization);
  g_assert_cmpstr (request_model (request), ==, "model-one");

  /* Preferences saves the key under the URL as typed. */
  save_key (store, typed_one, "sk-one");
  wait_for_key (client, TRUE);
  g_assert_cmpstr (ask_once (client, one)->authorization, ==, "Bearer sk-one");

  /* A new endpoint and model: the first key never goes there. */
  g_settings_set_string (settings, "ai-base-url", url_two);
  g_settings_set_string (settings, "ai-model", "model-two");
  g_assert_false (handoff_chat_client_has_api_key (client));
  request = ask_once (client, two);
  g_assert_null (request->authorization);
  g_assert_cmpstr (request_model (request), ==, "model-two");
  save_key (store, url_two, "sk-two");
  wait_for_key (client, TRUE);
  g_assert_cmpstr (ask_once (client, two)->authorization, ==, "Bearer sk-two");

  /* Removed from the keyring: no longer sent. */
  handoff_secret_store_clear_async (store, HANDOFF_SECRET_AI_KEY, url_two, NULL, on_cleared, loop);
  g_main_loop_run (loop);
  wait_for_key (client, FALSE);
  g_assert_null (ask_once (client, two)->authorization);

  /* Back to the first endpoint: its key again. */
  g_settings_set_string (settings, "ai-base-url", typed_one);
  wait_for_key (client, TRUE);
  g_assert_cmpstr (ask_once (client, one)->authorization, ==, "Bearer sk-one");
  g_assert_cmpuint (handoff_test_chat_server_get_n_requests (one), ==, 3);
  g_assert_cmpuint (handoff_test_chat_server_get_n_requests (two), ==, 3);

  /* A hosted endpoint needs a key: the assistant is offline until one is
   * saved, then online at once (the pane shows it) without a question. */
  handoff_chat_client_set_base_url (remote, "https://llm.example.invalid/v1");
  handoff_chat_client_follow_secret_store (remote, store);
  assistant = handoff_assistant_new (remote);
  g_signal_connect (assistant, "notify::online", G_CALLBACK (count_notify), &online_notifies);
  wait_for_key (remote, FALSE);
  g_assert_false (handoff_assistant_get_online (assistant));
  save_key (store, "https://llm.example.invalid/v1", "sk-hosted");
  wait_for_key (remote, TRUE);
  g_assert_true (handoff_assistant_get_online (assistant));
  g_assert_null (handoff_assistant_get_offline_reason (assistant));
  g_assert_cmpuint (online_notifies, >, 0);
}

static void
test_wire_format (void)
{
  g_autoptr(SoupMessageHeaders) headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_RESPONSE);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) later = g_date_time_add_seconds (now, 30);
  g_autofree char *date = soup_date_time_to_string (later, SOUP_DATE_HTTP);
  g_autofree char *message = NULL;
  g_autofree char *code = NULL;
  g_autofree char *delta = NULL;
  g_autofree char *reason = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) quota = NULL;
  g_autofree char *scrubbed = NULL;
  gboolean retry = TRUE;
  gint64 ms;

  g_assert_cmpint (handoff_chat_wire_retry_after_ms (headers), ==, -1);
  soup_message_headers_replace (headers, "Retry-After", "2.5");
  g_assert_cmpint (handoff_chat_wire_retry_after_ms (headers), ==, 2500);
  soup_message_headers_replace (headers, "Retry-After", date);
  ms = handoff_chat_wire_retry_after_ms (headers);
  g_assert_cmpint (ms, >, 27000);
  g_assert_cmpint (ms, <=, 30000);
  soup_message_headers_replace (headers, "retry-after-ms", "120");
  g_assert_cmpint (handoff_chat_wire_retry_after_ms (headers), ==, 120);

  const char *plain = "{\"error\": \"plain text\"}";
  const char *exhausted = "{\"error\": {\"message\": \"You exceeded your current quota\", "
                          "\"code\": \"insufficient_quota\"}}";

  handoff_chat_wire_parse_error (plain, strlen (plain), &message, &code);
  g_assert_cmpstr (message, ==, "plain text");
  g_assert_null (code);

  g_assert_true (handoff_chat_wire_parse_chunk ("{\"choices\": [{\"delta\": {\"content\": 5}, "
                                                "\"finish_reason\": null}], \"x_groq\": {}}",
                                                &delta, &reason, &err));
  g_assert_null (delta);
  g_assert_null (reason);
  g_assert_null (err);
  g_assert_false (handoff_chat_wire_parse_chunk ("[1]", &delta, &reason, &err));
  g_assert_false (handoff_chat_wire_parse_chunk ("", &delta, &reason, &err));
  g_assert_null (handoff_chat_wire_parse_answer ("  ", 2, NULL));
  g_clear_pointer (&message, g_free);
  handoff_chat_wire_parse_error ("  ", 2, &message, &code);
  g_assert_null (message);

  /* OpenAI's exhausted plan is a 429 that waiting does not fix. */
  quota = handoff_chat_wire_http_error (429, exhausted, strlen (exhausted), "m", "u", NULL, &retry);
  g_assert_error (quota, HANDOFF_AI_ERROR, HANDOFF_AI_ERROR_QUOTA);
  g_assert_false (retry);
  error = handoff_chat_wire_http_error (502, "<html>bad gateway</html>", 24, "m", "u", NULL,
                                        &retry);
  g_assert_error (error, HANDOFF_AI_ERROR, HANDOFF_AI_ERROR_SERVER);
  g_assert_true (retry);

  scrubbed = handoff_chat_wire_scrub ("key sk-abcdef echoed", "sk-abcdef");
  g_assert_cmpstr (scrubbed, ==, "key [key] echoed");
  g_assert_cmpuint (handoff_chat_wire_backoff_ms (0, 20000), ==, 500);
  g_assert_cmpuint (handoff_chat_wire_backoff_ms (3, 20000), ==, 4000);
  g_assert_cmpuint (handoff_chat_wire_backoff_ms (9, 20000), ==, 20000);
}

static void
test_configuration_and_settings (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(HandoffChatClient) client = handoff_chat_client_new (NULL, NULL, NULL);
  g_autoptr(HandoffChatClient) local = handoff_chat_client_new ("http://127.0.0.1:8081/v1/", "m",
                                                                NULL);
  g_autofree char *model = NULL;
  g_auto(Run) run = { 0 };

  g_assert_cmpstr (handoff_chat_client_get_base_url (client), ==, HANDOFF_CHAT_DEFAULT_BASE_URL);
  g_assert_cmpstr (handoff_chat_client_get_model (client), ==, HANDOFF_CHAT_DEFAULT_MODEL);
  /* Groq without a key is not usable; a local endpoint needs none. */
  g_assert_false (handoff_chat_client_is_configured (client));
  g_assert_true (handoff_chat_client_is_configured (local));
  g_assert_cmpstr (handoff_chat_client_get_base_url (local), ==, "http://127.0.0.1:8081/v1");

  handoff_chat_client_bind_settings (client, settings);
  model = g_settings_get_string (settings, "ai-model");
  g_assert_cmpstr (handoff_chat_client_get_model (client), ==, model);
  g_settings_set_string (settings, "ai-model", "openai/gpt-oss-120b");
  g_settings_set_string (settings, "ai-base-url", "ftp://example.invalid");
  g_assert_cmpstr (handoff_chat_client_get_model (client), ==, "openai/gpt-oss-120b");
  handoff_chat_client_set_api_key (client, KEY);
  g_assert_false (handoff_chat_client_is_configured (client));
  complete (client, HANDOFF_CHAT_STREAM, NULL, &run);
  g_assert_error (run.error, HANDOFF_AI_ERROR, HANDOFF_AI_ERROR_NOT_CONFIGURED);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/ai/chat/sse-parser", test_sse_parser_byte_by_byte);
  g_test_add_func ("/ai/chat/stream-request-shape", test_stream_request_shape);
  g_test_add_func ("/ai/chat/plain-answer", test_plain_answer);
  g_test_add_func ("/ai/chat/unauthorized", test_unauthorized);
  g_test_add_func ("/ai/chat/model-not-found", test_model_not_found);
  g_test_add_func ("/ai/chat/rate-limit-retry-after", test_rate_limit_retry_after);
  g_test_add_func ("/ai/chat/rate-limit-exhausted", test_rate_limit_exhausted);
  g_test_add_func ("/ai/chat/server-error-backoff", test_server_error_backoff);
  g_test_add_func ("/ai/chat/hang-times-out", test_hang_times_out);
  g_test_add_func ("/ai/chat/stall-mid-stream", test_stall_mid_stream);
  g_test_add_func ("/ai/chat/cancel", test_cancel);
  g_test_add_func ("/ai/chat/broken-streams", test_broken_streams);
  g_test_add_func ("/ai/chat/unreachable", test_unreachable);
  g_test_add_func ("/ai/chat/configuration", test_configuration_and_settings);
  g_test_add_func ("/ai/chat/wire-format", test_wire_format);
  g_test_add_func ("/ai/chat/key-from-store", test_key_from_store);
  g_test_add_func ("/ai/chat/follows-preferences", test_follows_preferences);
  return g_test_run ();
}
