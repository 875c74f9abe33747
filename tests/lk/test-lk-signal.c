/* test-lk-signal.c: joining with bad input — refused tokens, nothing
 * listening, a server that speaks garbage
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-lk-signal"

#include <gst/gst.h>
#include <libsoup/soup.h>
#include <string.h>

#include "lk-signal-client.h"
#include "lk-test-client.h"

static void
test_build_url (void)
{
  g_autofree char *join = lk_signal_client_build_url ("wss://lk.example.org/", "/rtc", NULL);
  g_autofree char *resume = lk_signal_client_build_url ("ws://127.0.0.1:7880", "/rtc", "PA_a b");
  g_autofree char *bad = lk_signal_client_build_url ("ftp://x", "/rtc", NULL);

  g_assert_true (g_str_has_prefix (join, "https://lk.example.org/rtc?protocol=15&sdk=cpp&"));
  g_assert_null (strstr (join, "reconnect"));
  g_assert_true (g_str_has_prefix (resume, "http://127.0.0.1:7880/rtc?"));
  g_assert_nonnull (strstr (resume, "&reconnect=1&sid=PA_a%20b"));
  g_assert_null (bad);
}

static void
expect_join_error (HandoffTestLivekit *lk,
                   const char         *token,
                   int                 code,
                   const char         *reason_part)
{
  g_autoptr(LkTestClient) c = lk_test_client_new ("mallory");
  g_autoptr(GError) error = NULL;

  g_assert_false (lk_test_client_connect (c, handoff_test_livekit_get_ws_url (lk), token, &error));
  g_assert_error (error, LK_ERROR, code);
  g_test_message ("refused: %s", error->message);
  if (reason_part != NULL)
    g_assert_nonnull (strstr (error->message, reason_part));
  /* A credential never shows up in an error. */
  g_assert_null (strstr (error->message, token));
  g_assert_cmpint (lk_room_get_connection_state (c->room), ==, LK_CONNECTION_STATE_DISCONNECTED);
}

static void
test_refused_tokens (void)
{
  g_autoptr(HandoffTestLivekit) lk = handoff_test_livekit_start_or_skip (NULL);
  g_autofree char *expired = NULL;
  g_autofree char *good = NULL;
  g_autofree char *forged = NULL;

  if (lk == NULL)
    return;
  expired = handoff_test_mint_token ("mallory", "r", -600, NULL);
  expect_join_error (lk, expired, LK_ERROR_UNAUTHORIZED, "expired");
  /* A valid token with its signature changed. */
  good = handoff_test_mint_token ("mallory", "r", 600, NULL);
  forged = g_strdup (good);
  forged[strlen (forged) - 2] = forged[strlen (forged) - 2] == 'A' ? 'B' : 'A';
  expect_join_error (lk, forged, LK_ERROR_UNAUTHORIZED, NULL);
  expect_join_error (lk, "not-a-jwt", LK_ERROR_UNAUTHORIZED, NULL);
}

/* A room made for one. livekit-server 1.13.5 refuses the second join with
 * HTTP 500 on the WebSocket (its reason in a body libsoup does not hand
 * over) while the token validates: a clear failure naming the status, not
 * a protocol error, and the first participant is not disturbed. */
static void
test_room_full (void)
{
  g_autoptr(HandoffTestLivekit) lk = handoff_test_livekit_start_or_skip (NULL);
  g_autoptr(LkTestClient) first = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *second = NULL;

  if (lk == NULL)
    return;
  g_assert_true (handoff_test_livekit_twirp (lk, "for-one", "CreateRoom",
                                             "{\"name\": \"for-one\", \"max_participants\": 1}", &error));
  g_assert_no_error (error);
  first = lk_test_client_new_joined ("alice", lk, "for-one");
  second = handoff_test_mint_token ("bob", "for-one", 600, NULL);
  expect_join_error (lk, second, LK_ERROR_FAILED, "could not start the session (HTTP 500");
  g_assert_false (first->disconnected);
}

static void
test_nothing_listening (void)
{
  g_autoptr(LkTestClient) c = lk_test_client_new ("nobody");
  g_autoptr(GError) error = NULL;
  g_autofree char *url = g_strdup_printf ("ws://127.0.0.1:%u", handoff_test_free_port (FALSE));
  gint64 start = g_get_monotonic_time ();

  g_assert_false (lk_test_client_connect (c, url, "x.y.z", &error));
  g_assert_error (error, LK_ERROR, LK_ERROR_SERVER_UNREACHABLE);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 12 * G_USEC_PER_SEC);
}

/* A server that accepts the WebSocket and then answers with @frames. */
typedef struct {
  GPtrArray *frames;   /* GBytes; a NULL-data GBytes means a text frame "hello" */
  GPtrArray *conns;
} FakeServer;

static void
on_fake_ws (SoupServer              *server,
            SoupServerMessage       *msg,
            const char              *path,
            SoupWebsocketConnection *conn,
            gpointer                 user_data)
{
  FakeServer *fake = user_data;

  g_ptr_array_add (fake->conns, g_object_ref (conn));
  for (guint i = 0; i < fake->frames->len; i++)
    {
      GBytes *frame = g_ptr_array_index (fake->frames, i);
      if (g_bytes_get_size (frame) == 0)
        soup_websocket_connection_send_text (conn, "{\"join\": {}}");
      else
        soup_websocket_connection_send_message (conn, SOUP_WEBSOCKET_DATA_BINARY, frame);
    }
}

static void
expect_protocol_error (GBytes *frame)
{
  g_autoptr(SoupServer) server = soup_server_new (NULL, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(LkTestClient) c = lk_test_client_new ("victim");
  FakeServer fake = { g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref),
                      g_ptr_array_new_with_free_func (g_object_unref) };
  GSList *uris;
  g_autofree char *url = NULL;

  g_ptr_array_add (fake.frames, frame);
  soup_server_add_websocket_handler (server, "/rtc", NULL, NULL, on_fake_ws, &fake, NULL);
  g_assert_true (soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  uris = soup_server_get_uris (server);
  url = g_strdup_printf ("ws://127.0.0.1:%d", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  g_assert_false (lk_test_client_connect (c, url, "x.y.z", &error));
  g_assert_error (error, LK_ERROR, LK_ERROR_PROTOCOL);
  g_test_message ("garbage refused: %s", error->message);
  g_assert_cmpint (lk_room_get_connection_state (c->room), ==, LK_CONNECTION_STATE_DISCONNECTED);
  soup_server_disconnect (server);
  g_ptr_array_unref (fake.conns);
  g_ptr_array_unref (fake.frames);
}

static void
test_garbage_frames (void)
{
  static const guint8 random_bytes[] = { 0xff, 0xff, 0xff, 0xff, 0x0f, 0x12, 0x00, 0x99 };
  /* A SignalResponse whose join field (1, length-delimited) claims more
   * bytes than there are. */
  static const guint8 truncated[] = { 0x0a, 0x50, 0x0a, 0x02, 'R', 'M' };
  /* Well-formed, but a pong as first message instead of a join. */
  static const guint8 pong_first[] = { 0x90, 0x01, 0x05 };

  expect_protocol_error (g_bytes_new_static (random_bytes, sizeof random_bytes));
  expect_protocol_error (g_bytes_new_static (truncated, sizeof truncated));
  expect_protocol_error (g_bytes_new_static (pong_first, sizeof pong_first));
  expect_protocol_error (g_bytes_new_static ("", 0));  /* a text frame */
}


/* A server that answers the join and then says nothing more: no pongs. */
typedef struct {
  GPtrArray *conns;
  guint pings;
} SilentServer;

static void
on_silent_message (SoupWebsocketConnection *conn,
                   int                      type,
                   GBytes                  *message,
                   gpointer                 user_data)
{
  SilentServer *srv = user_data;
  gsize len;
  const guint8 *data = g_bytes_get_data (message, &len);
  Livekit__SignalRequest *req = livekit__signal_request__unpack (NULL, len, data);

  if (req != NULL && req->message_case == LIVEKIT__SIGNAL_REQUEST__MESSAGE_PING_REQ &&
      req->ping_req->timestamp > 0)
    srv->pings++;
  if (req != NULL)
    livekit__signal_request__free_unpacked (req, NULL);
}

static void
on_silent_ws (SoupServer              *server,
              SoupServerMessage       *msg,
              const char              *path,
              SoupWebsocketConnection *conn,
              gpointer                 user_data)
{
  SilentServer *srv = user_data;
  Livekit__SignalResponse res = LIVEKIT__SIGNAL_RESPONSE__INIT;
  Livekit__JoinResponse join = LIVEKIT__JOIN_RESPONSE__INIT;
  Livekit__ParticipantInfo me = LIVEKIT__PARTICIPANT_INFO__INIT;
  gsize len;
  g_autofree guint8 *buf = NULL;

  me.sid = "PA_me";
  me.identity = "me";
  join.participant = &me;
  join.ping_interval = 1;
  join.ping_timeout = 2;
  res.message_case = LIVEKIT__SIGNAL_RESPONSE__MESSAGE_JOIN;
  res.join = &join;
  len = livekit__signal_response__get_packed_size (&res);
  buf = g_malloc (len);
  livekit__signal_response__pack (&res, buf);
  g_ptr_array_add (srv->conns, g_object_ref (conn));
  g_signal_connect (conn, "message", G_CALLBACK (on_silent_message), srv);
  soup_websocket_connection_send_binary (conn, buf, len);
}

typedef struct {
  GAsyncResult *result;
  GError *closed;
} KeepaliveWait;

static void
on_connect_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  ((KeepaliveWait *) user_data)->result = g_object_ref (result);
}

static void
on_closed (LkSignalClient *client, GError *error, gpointer user_data)
{
  ((KeepaliveWait *) user_data)->closed = g_error_copy (error);
}

static gboolean
kw_result (gpointer data)
{
  return ((KeepaliveWait *) data)->result != NULL;
}

static gboolean
kw_closed (gpointer data)
{
  return ((KeepaliveWait *) data)->closed != NULL;
}

static void
test_keepalive_timeout (void)
{
  g_autoptr(SoupServer) server = soup_server_new (NULL, NULL);
  g_autoptr(LkSignalClient) client = lk_signal_client_new ();
  g_autoptr(GError) error = NULL;
  SilentServer srv = { g_ptr_array_new_with_free_func (g_object_unref), 0 };
  KeepaliveWait kw = { 0 };
  Livekit__SignalResponse *join;
  g_autofree char *url = NULL;
  GSList *uris;
  gint64 t0;

  soup_server_add_websocket_handler (server, "/rtc", NULL, NULL, on_silent_ws, &srv, NULL);
  g_assert_true (soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  uris = soup_server_get_uris (server);
  url = g_strdup_printf ("ws://127.0.0.1:%d", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  lk_signal_client_connect_async (client, url, "x.y.z", NULL, NULL, on_connect_done, &kw);
  g_assert_true (lk_test_wait (kw_result, &kw, 10));
  join = lk_signal_client_connect_finish (client, kw.result, &error);
  g_assert_no_error (error);
  g_assert_cmpint (join->message_case, ==, LIVEKIT__SIGNAL_RESPONSE__MESSAGE_JOIN);
  g_signal_connect (client, "closed", G_CALLBACK (on_closed), &kw);
  t0 = g_get_monotonic_time ();
  lk_signal_client_start_keepalive (client, join->join->ping_interval, join->join->ping_timeout);
  livekit__signal_response__free_unpacked (join, NULL);

  /* Pings go out; with no answer the connection is declared dead after
   * the server's ping_timeout, not before. */
  g_assert_true (lk_test_wait (kw_closed, &kw, 10));
  g_assert_error (kw.closed, LK_ERROR, LK_ERROR_SERVER_UNREACHABLE);
  g_assert_cmpint (g_get_monotonic_time () - t0, >=, 1 * G_USEC_PER_SEC);
  g_assert_cmpuint (srv.pings, >=, 1);
  g_assert_false (lk_signal_client_is_open (client));

  g_clear_error (&kw.closed);
  g_object_unref (kw.result);
  soup_server_disconnect (server);
  g_ptr_array_unref (srv.conns);
}

int
main (int   argc,
      char *argv[])
{
  lk_test_setup (&argc, &argv);
  g_test_add_func ("/lk/signal/build-url", test_build_url);
  g_test_add_func ("/lk/signal/refused-tokens", test_refused_tokens);
  g_test_add_func ("/lk/signal/room-full", test_room_full);
  g_test_add_func ("/lk/signal/nothing-listening", test_nothing_listening);
  g_test_add_func ("/lk/signal/garbage-frames", test_garbage_frames);
  g_test_add_func ("/lk/signal/keepalive-timeout", test_keepalive_timeout);
  return lk_test_run ();
}
