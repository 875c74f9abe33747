/* test-core-server.c: src/core against a real handoff-server and livekit-server
 *
 * Three clients built on src/core (agents alice and bob, a caller) do what
 * the windows do: sign in, see the directory and each other's presence live,
 * take a call, and run a warm transfer to completion, then one the target
 * declines. States are read from the session objects, which are moved only
 * by the server's answers and its WebSocket events. No media here (the e2e
 * audio checks need the LiveKit client).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "handoff-account.h"
#include "handoff-core-error.h"
#include "handoff-history.h"
#include "handoff-test-server.h"
#include "handoff-transfer-session.h"
#include "lk-test-client.h"
#include "lk-test-proxy.h"

typedef struct {
  HandoffTestLivekit *livekit;
  HandoffTestServer  *server;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->livekit = handoff_test_livekit_start_or_skip (NULL);
  if (f->livekit == NULL)
    return;
  /* data: handoff-server settings (a key file) or NULL */
  f->server = handoff_test_server_start_with_config (f->livekit, data, &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_pointer (&f->server, handoff_test_server_free);
  g_clear_pointer (&f->livekit, handoff_test_livekit_free);
}

/* Runs the main loop until @cond holds or 20 s pass. */
#define WAIT_FOR(cond) \
  G_STMT_START { \
    gint64 _end = g_get_monotonic_time () + 20 * G_USEC_PER_SEC; \
    while (!(cond) && g_get_monotonic_time () < _end) \
      g_main_context_iteration (NULL, TRUE); \
    if (!(cond)) \
      g_error ("timed out waiting for: %s", #cond); \
  } G_STMT_END

typedef struct {
  gboolean  done;
  gboolean  ok;
  GError   *error;
  GObject  *object;
} Result;

static void
on_signed_in (GObject *source, GAsyncResult *res, gpointer data)
{
  Result *r = data;
  r->ok = handoff_account_sign_in_finish (HANDOFF_ACCOUNT (source), res, &r->error);
  r->done = TRUE;
}

static void
on_action (GObject *source, GAsyncResult *res, gpointer data)
{
  Result *r = data;
  r->ok = handoff_transfer_session_action_finish (HANDOFF_TRANSFER_SESSION (source), res, &r->error);
  r->done = TRUE;
}

static void
on_accepted (GObject *source, GAsyncResult *res, gpointer data)
{
  Result *r = data;
  r->ok = handoff_call_session_accept_finish (HANDOFF_CALL_SESSION (source), res, &r->error);
  r->done = TRUE;
}

static void
on_placed (GObject *source, GAsyncResult *res, gpointer data)
{
  Result *r = data;
  r->object = G_OBJECT (handoff_call_session_place_finish (res, &r->error));
  r->ok = r->object != NULL;
  r->done = TRUE;
}

static void
on_presence (GObject *source, GAsyncResult *res, gpointer data)
{
  Result *r = data;
  r->ok = handoff_account_set_presence_finish (HANDOFF_ACCOUNT (source), res, &r->error);
  r->done = TRUE;
}

static HandoffAccount *
sign_in_at (const char *url,
            const char *user,
            const char *password)
{
  g_autoptr(HandoffServerClient) client = handoff_server_client_new (url);
  g_autoptr(HandoffSecretStore) secrets = handoff_secret_store_new ();
  HandoffAccount *account = handoff_account_new (client, secrets);
  Result r = { 0 };

  handoff_account_sign_in_async (account, user, password, NULL, on_signed_in, &r);
  WAIT_FOR (r.done);
  g_assert_no_error (r.error);
  WAIT_FOR (handoff_account_get_state (account) == HANDOFF_ACCOUNT_ONLINE);
  return account;
}

static HandoffAccount *
sign_in (Fixture    *f,
         const char *user,
         const char *password)
{
  return sign_in_at (handoff_test_server_get_url (f->server), user, password);
}

static void
set_presence (HandoffAccount *account,
              const char     *presence)
{
  Result r = { 0 };

  handoff_account_set_presence_async (account, presence, NULL, on_presence, &r);
  WAIT_FOR (r.done);
  g_assert_no_error (r.error);
}

static HandoffAgentInfo *
lookup_user (HandoffAccount *account,
             const char     *username)
{
  GListModel *dir = handoff_account_get_directory (account);

  for (guint i = 0; i < g_list_model_get_n_items (dir); i++)
    {
      g_autoptr(HandoffAgentInfo) a = g_list_model_get_item (dir, i);
      if (g_strcmp0 (handoff_agent_info_get_username (a), username) == 0)
        return a;   /* the directory holds a reference */
    }
  return NULL;
}

static void
test_sign_in_directory_presence (Fixture       *f,
                                 gconstpointer  data)
{
  g_autoptr(HandoffServerClient) client = NULL;
  g_autoptr(HandoffSecretStore) secrets = NULL;
  g_autoptr(HandoffAccount) wrong = NULL;
  g_autoptr(HandoffAccount) alice = NULL;
  g_autoptr(HandoffAccount) bob = NULL;
  HandoffAgentInfo *bob_seen;
  Result r = { 0 };

  if (f->livekit == NULL)
    return;
  client = handoff_server_client_new (handoff_test_server_get_url (f->server));
  secrets = handoff_secret_store_new ();
  wrong = handoff_account_new (client, secrets);
  handoff_account_sign_in_async (wrong, "alice", "not-her-password", NULL, on_signed_in, &r);
  WAIT_FOR (r.done);
  g_assert_error (r.error, HANDOFF_API_ERROR, HANDOFF_API_ERROR_UNAUTHORIZED);
  g_assert_cmpstr (r.error->message, ==, "Wrong user name or password");
  g_assert_cmpint (handoff_account_get_state (wrong), ==, HANDOFF_ACCOUNT_SIGNED_OUT);
  g_clear_error (&r.error);

  alice = sign_in (f, "alice", HANDOFF_TEST_ALICE_PASSWORD);
  g_assert_cmpstr (handoff_account_get_display_name (alice), ==, "Alice Example");
  g_assert_cmpstr (handoff_account_get_identity (alice), ==, "agent-alice");
  bob = sign_in (f, "bob", HANDOFF_TEST_BOB_PASSWORD);

  WAIT_FOR (lookup_user (alice, "bob") != NULL);
  bob_seen = lookup_user (alice, "bob");
  g_assert_true (g_strv_contains (handoff_agent_info_get_skills (bob_seen), "technical"));

  /* Bob's presence reaches Alice over her event stream. */
  set_presence (bob, "available");
  WAIT_FOR (g_strcmp0 (handoff_agent_info_get_presence (bob_seen), "available") == 0);
  set_presence (bob, "away");
  WAIT_FOR (g_strcmp0 (handoff_agent_info_get_presence (bob_seen), "away") == 0);
  g_assert_cmpint (handoff_account_get_last_seq (alice), >, 0);

  /* Signed out: the server forgets the session. */
  handoff_account_sign_out (bob);
  g_assert_cmpint (handoff_account_get_state (bob), ==, HANDOFF_ACCOUNT_SIGNED_OUT);
}

typedef struct {
  HandoffServerClient    *client;
  HandoffCallSession     *offered;
  HandoffTransferSession *transfer;   /* the session this agent holds */
  HandoffTransferSession *incoming;
} Agent;

static void
on_event (HandoffAccount *account,
          const char     *type,
          JsonObject     *data,
          Agent          *agent)
{
  if (g_str_equal (type, "call_offered"))
    {
      g_clear_object (&agent->offered);
      agent->offered = handoff_call_session_new (agent->client, HANDOFF_CALL_ROLE_AGENT, data);
    }
  else if (g_str_equal (type, "transfer_offered") && agent->transfer == NULL)
    {
      JsonObject *t = json_object_get_object_member (data, "transfer");
      g_clear_object (&agent->incoming);
      agent->incoming = handoff_transfer_session_new_incoming (agent->client, t);
    }
  if (agent->transfer)
    handoff_transfer_session_handle_event (agent->transfer, type, data);
  if (agent->incoming)
    handoff_transfer_session_handle_event (agent->incoming, type, data);
}

static HandoffCallSession *
place_call (Fixture    *f,
            const char *caller_id)
{
  g_autoptr(HandoffServerClient) caller = handoff_server_client_new (handoff_test_server_get_url (f->server));
  Result r = { 0 };

  handoff_call_session_place_async (caller, "Carol Jones", "Charged twice for order ORD-4411",
                                    caller_id, NULL, NULL, on_placed, &r);
  WAIT_FOR (r.done);
  g_assert_no_error (r.error);
  g_assert_cmpint (handoff_call_session_get_state (HANDOFF_CALL_SESSION (r.object)), ==, HANDOFF_CALL_WAITING);
  return HANDOFF_CALL_SESSION (r.object);
}

/* The same caller calls again after the completed transfer, with the
 * caller_id its app kept (the caller window stores it in GSettings): the agent
 * offered the new call has the first one in its caller context, with the
 * brief Alice wrote for Bob, the outcome and who had the call last (the
 * caller card shows these). */
static void
call_again (Fixture            *f,
            HandoffCallSession *caller,
            HandoffCallSession *first,
            Agent              *a,
            Agent              *b)
{
  g_autoptr(HandoffCallSession) again = NULL;
  g_autoptr(JsonArray) previous = NULL;
  g_autofree char *caller_id = g_strdup (handoff_call_session_get_caller_id (caller));
  HandoffCallSession *offered;
  JsonObject *earlier;
  JsonNode *summary;

  g_assert_nonnull (caller_id);
  handoff_call_session_hang_up (caller);
  g_clear_object (&a->offered);
  g_clear_object (&b->offered);
  again = place_call (f, caller_id);
  g_assert_cmpstr (handoff_call_session_get_caller_id (again), ==, caller_id);
  /* Both agents are free again; whoever has been available longest gets it. */
  WAIT_FOR (a->offered != NULL || b->offered != NULL);
  offered = a->offered != NULL ? a->offered : b->offered;
  g_assert_cmpstr (handoff_call_session_get_call_id (offered), ==,
                   handoff_call_session_get_call_id (again));
  previous = handoff_call_session_dup_previous_calls (offered);
  g_assert_cmpuint (json_array_get_length (previous), ==, 1);
  earlier = json_array_get_object_element (previous, 0);
  g_assert_cmpstr (json_object_get_string_member (earlier, "id"), ==,
                   handoff_call_session_get_call_id (first));
  summary = json_object_get_member (earlier, "summary");
  g_assert_nonnull (summary);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (summary));
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (summary), "text"), ==,
                   "Carol was charged twice for ORD-4411; wants the second charge refunded.");
  g_assert_cmpstr (json_object_get_string_member (earlier, "transfer_outcome"), ==, "completed");
  g_assert_cmpstr (json_object_get_string_member (earlier, "agent_name"), ==, "Bob Example");
  handoff_call_session_hang_up (again);
}

static void
run_transfer (Fixture    *f,
              gboolean    declined,
              gboolean    again)
{
  g_autoptr(HandoffAccount) alice = sign_in (f, "alice", HANDOFF_TEST_ALICE_PASSWORD);
  g_autoptr(HandoffAccount) bob = sign_in (f, "bob", HANDOFF_TEST_BOB_PASSWORD);
  g_autoptr(HandoffCallSession) caller = NULL;
  g_autoptr(HandoffCallSession) call = NULL;
  Agent a = { handoff_account_get_client (alice), NULL, NULL, NULL };
  Agent b = { handoff_account_get_client (bob), NULL, NULL, NULL };
  HandoffAgentInfo *bob_info;
  HandoffAgentInfo *alice_info;
  HandoffCallSession *b_call;
  Result r = { 0 };

  g_signal_connect (alice, "event", G_CALLBACK (on_event), &a);
  g_signal_connect (bob, "event", G_CALLBACK (on_event), &b);
  /* Only Alice is available: the call goes to her. */
  set_presence (alice, "available");
  caller = place_call (f, NULL);
  WAIT_FOR (a.offered != NULL);
  g_assert_cmpstr (handoff_call_session_get_caller_name (a.offered), ==, "Carol Jones");
  call = g_object_ref (a.offered);
  handoff_call_session_accept_async (call, NULL, on_accepted, &r);
  WAIT_FOR (r.done);
  g_assert_no_error (r.error);
  g_assert_cmpint (handoff_call_session_get_state (call), ==, HANDOFF_CALL_TALKING);
  g_assert_cmpstr (handoff_call_session_get_status_text (call), ==, "Talking to Carol Jones");
  /* The caller's window learns it from the server. */
  WAIT_FOR (handoff_call_session_get_state (caller) == HANDOFF_CALL_TALKING);
  /* Bob's directory says Alice is on a call; the presence she set stays. */
  WAIT_FOR ((alice_info = lookup_user (bob, "alice")) != NULL &&
            handoff_agent_info_get_on_call (alice_info));
  g_assert_cmpstr (handoff_agent_info_get_presence (alice_info), ==, "available");

  set_presence (bob, "available");
  WAIT_FOR ((bob_info = lookup_user (alice, "bob")) != NULL &&
            g_strcmp0 (handoff_agent_info_get_presence (bob_info), "available") == 0);
  g_assert_false (handoff_agent_info_get_on_call (bob_info));
  a.transfer = handoff_transfer_session_new_outgoing (a.client, call);
  memset (&r, 0, sizeof r);
  handoff_transfer_session_send_async (a.transfer, handoff_agent_info_get_id (bob_info),
                                       handoff_agent_info_get_identity (bob_info),
                                       handoff_agent_info_get_name (bob_info), TRUE,
                                       "Carol was charged twice for ORD-4411; wants the second charge refunded.",
                                       NULL, on_action, &r);
  WAIT_FOR (r.done);
  g_assert_no_error (r.error);
  g_assert_cmpint (handoff_transfer_session_get_state (a.transfer), ==, HANDOFF_TRANSFER_OFFERED);
  g_assert_cmpint (handoff_call_session_get_state (call), ==, HANDOFF_CALL_ON_HOLD);
  g_assert_cmpstr (handoff_transfer_session_get_status_text (a.transfer), ==, "Waiting for Bob Example to accept");

  /* B is offered the transfer with the summary A wrote. */
  WAIT_FOR (b.incoming != NULL);
  g_assert_true (handoff_transfer_session_get_urgent (b.incoming));
  g_assert_cmpstr (handoff_transfer_session_get_summary (b.incoming), ==,
                   "Carol was charged twice for ORD-4411; wants the second charge refunded.");
  b_call = handoff_transfer_session_get_call (b.incoming);

  if (declined)
    {
      memset (&r, 0, sizeof r);
      handoff_transfer_session_decline_async (b.incoming, NULL, on_action, &r);
      WAIT_FOR (r.done);
      g_assert_no_error (r.error);
      /* A hears of it and is back with the caller. */
      WAIT_FOR (handoff_transfer_session_get_state (a.transfer) == HANDOFF_TRANSFER_ENDED);
      g_assert_cmpstr (handoff_transfer_session_get_outcome (a.transfer), ==, "declined");
      g_assert_cmpstr (handoff_transfer_session_get_status_text (a.transfer), ==, "Bob Example declined the transfer");
      g_assert_cmpint (handoff_call_session_get_state (call), ==, HANDOFF_CALL_TALKING);
      /* A declined offer never put Bob on a call. */
      g_assert_false (handoff_agent_info_get_on_call (bob_info));
      goto out;
    }

  memset (&r, 0, sizeof r);
  handoff_transfer_session_accept_async (b.incoming, NULL, NULL, on_action, &r);
  WAIT_FOR (r.done);
  g_assert_no_error (r.error);
  g_assert_cmpint (handoff_transfer_session_get_state (b.incoming), ==, HANDOFF_TRANSFER_CONSULTING);
  WAIT_FOR (handoff_transfer_session_get_state (a.transfer) == HANDOFF_TRANSFER_CONSULTING);
  /* Consulting is talking: Alice's directory says so of Bob. */
  WAIT_FOR (handoff_agent_info_get_on_call (bob_info));
  g_assert_cmpint (handoff_call_session_get_state (call), ==, HANDOFF_CALL_CONSULTING);

  /* Connect before B is ready is refused with a reason. */
  memset (&r, 0, sizeof r);
  handoff_transfer_session_connect_async (a.transfer, NULL, on_action, &r);
  WAIT_FOR (r.done);
  g_assert_error (r.error, HANDOFF_TRANSFER_ERROR, HANDOFF_TRANSFER_ERROR_WRONG_STATE);
  g_clear_error (&r.error);

  memset (&r, 0, sizeof r);
  handoff_transfer_session_ready_async (b.incoming, NULL, on_action, &r);
  WAIT_FOR (r.done);
  g_assert_no_error (r.error);
  WAIT_FOR (handoff_transfer_session_get_peer_ready (a.transfer));
  g_assert_cmpstr (handoff_transfer_session_get_status_text (a.transfer), ==,
                   "Bob Example has read the briefing and is ready");

  memset (&r, 0, sizeof r);
  handoff_transfer_session_connect_async (a.transfer, NULL, on_action, &r);
  WAIT_FOR (r.done);
  g_assert_no_error (r.error);
  g_assert_cmpint (handoff_transfer_session_get_state (a.transfer), ==, HANDOFF_TRANSFER_THREE_WAY);
  WAIT_FOR (handoff_transfer_session_get_state (b.incoming) == HANDOFF_TRANSFER_THREE_WAY);
  g_assert_cmpint (handoff_call_session_get_state (b_call), ==, HANDOFF_CALL_THREE_WAY);

  memset (&r, 0, sizeof r);
  handoff_transfer_session_complete_async (a.transfer, NULL, on_action, &r);
  WAIT_FOR (r.done);
  g_assert_no_error (r.error);
  g_assert_cmpint (handoff_transfer_session_get_state (a.transfer), ==, HANDOFF_TRANSFER_COMPLETED);
  g_assert_cmpint (handoff_call_session_get_state (call), ==, HANDOFF_CALL_ENDED);
  g_assert_cmpstr (handoff_call_session_get_outcome (call), ==, "transferred");
  WAIT_FOR (handoff_transfer_session_get_state (b.incoming) == HANDOFF_TRANSFER_COMPLETED);
  g_assert_cmpint (handoff_call_session_get_state (b_call), ==, HANDOFF_CALL_TALKING);
  g_assert_cmpstr (handoff_transfer_session_get_status_text (b.incoming), ==, "The call is yours");
  /* Alice left the call: free again in Bob's directory, and Bob still busy in hers. */
  WAIT_FOR (!handoff_agent_info_get_on_call (alice_info));
  g_assert_cmpstr (handoff_agent_info_get_presence (alice_info), ==, "available");
  g_assert_true (handoff_agent_info_get_on_call (bob_info));
  /* The caller was never dropped. */
  g_assert_cmpint (handoff_call_session_get_state (caller), ==, HANDOFF_CALL_TALKING);

  memset (&r, 0, sizeof r);
  handoff_transfer_session_rate_async (b.incoming, 0, NULL, on_action, &r);
  WAIT_FOR (r.done);
  g_assert_error (r.error, HANDOFF_TRANSFER_ERROR, HANDOFF_TRANSFER_ERROR_WRONG_STATE);
  g_clear_error (&r.error);
  memset (&r, 0, sizeof r);
  handoff_transfer_session_rate_async (b.incoming, 5, NULL, on_action, &r);
  WAIT_FOR (r.done);
  g_assert_no_error (r.error);
  if (again)
    call_again (f, caller, call, &a, &b);

out:
  g_signal_handlers_disconnect_by_data (alice, &a);
  g_signal_handlers_disconnect_by_data (bob, &b);
  handoff_call_session_hang_up (caller);
  g_clear_object (&a.offered);
  g_clear_object (&a.transfer);
  g_clear_object (&b.offered);
  g_clear_object (&b.incoming);
  handoff_account_sign_out (alice);
  handoff_account_sign_out (bob);
  /* Let the last requests finish before the objects go. */
  for (int i = 0; i < 50; i++)
    g_main_context_iteration (NULL, FALSE);
}

static void
test_transfer_completed (Fixture       *f,
                         gconstpointer  data)
{
  if (f->livekit != NULL)
    run_transfer (f, FALSE, FALSE);
}

static void
test_returning_caller (Fixture       *f,
                       gconstpointer  data)
{
  if (f->livekit != NULL)
    run_transfer (f, FALSE, TRUE);
}

static void
test_transfer_declined (Fixture       *f,
                        gconstpointer  data)
{
  if (f->livekit != NULL)
    run_transfer (f, TRUE, FALSE);
}

/* ---- a session that outlives its lifetime ---- */

#define SESSION_TTL 6

static void
on_looked_up (GObject *source, GAsyncResult *res, gpointer data)
{
  Result *r = data;
  r->object = (GObject *) handoff_secret_store_lookup_finish (HANDOFF_SECRET_STORE (source), res, &r->error);
  r->done = TRUE;
}

static void
on_request (GObject *source, GAsyncResult *res, gpointer data)
{
  Result *r = data;
  g_autoptr(JsonNode) root = handoff_server_client_request_finish (HANDOFF_SERVER_CLIENT (source), res, &r->error);
  r->ok = r->error == NULL;
  r->done = TRUE;
}

static void
count_left_online (HandoffAccount *account,
                   GParamSpec     *pspec,
                   guint          *left)
{
  if (handoff_account_get_state (account) != HANDOFF_ACCOUNT_ONLINE)
    (*left)++;
}

static gboolean
set_true (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the main loop until `until` (monotonic µs). */
static void
spin_until (gint64 until)
{
  gboolean done = FALSE;
  gint64 now = g_get_monotonic_time ();

  if (until <= now)
    return;
  g_timeout_add ((guint) ((until - now) / 1000), set_true, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

/* With sessions of 6 s, Alice stays signed in for 2.5 lifetimes: her account
 * refreshes the session (and keeps the new token in the keyring), her event
 * stream never drops, and Bob's presence changes reach her after her first
 * session has long expired, which the server refuses by then. */
static void
test_session_refresh (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(HandoffServerClient) client = NULL;
  g_autoptr(HandoffServerClient) probe = NULL;
  g_autoptr(HandoffSecretStore) secrets = NULL;
  g_autoptr(HandoffAccount) alice = NULL;
  g_autoptr(HandoffAccount) bob = NULL;
  g_autofree char *first_token = NULL;
  g_autofree char *kept = NULL;
  g_autofree char *acct = NULL;
  HandoffAgentInfo *bob_seen;
  guint left_online = 0;
  gint64 started;
  Result r = { 0 };

  if (f->livekit == NULL)
    return;
  client = handoff_server_client_new (handoff_test_server_get_url (f->server));
  secrets = handoff_secret_store_new ();
  alice = handoff_account_new (client, secrets);
  handoff_account_sign_in_async (alice, "alice", HANDOFF_TEST_ALICE_PASSWORD, NULL, on_signed_in, &r);
  WAIT_FOR (r.done);
  g_assert_no_error (r.error);
  WAIT_FOR (handoff_account_get_state (alice) == HANDOFF_ACCOUNT_ONLINE);
  started = g_get_monotonic_time ();
  first_token = g_strdup (handoff_server_client_get_token (client));
  g_signal_connect (alice, "notify::state", G_CALLBACK (count_left_online), &left_online);
  bob = sign_in (f, "bob", HANDOFF_TEST_BOB_PASSWORD);
  WAIT_FOR (lookup_user (alice, "bob") != NULL);
  bob_seen = lookup_user (alice, "bob");

  /* Past the first session's end (a refreshed session's old token never
   * outlives its own end). */
  spin_until (started + (SESSION_TTL + 1) * G_USEC_PER_SEC);
  set_presence (bob, "available");
  WAIT_FOR (g_strcmp0 (handoff_agent_info_get_presence (bob_seen), "available") == 0);

  spin_until (started + SESSION_TTL * 5 * G_USEC_PER_SEC / 2);
  set_presence (bob, "away");
  WAIT_FOR (g_strcmp0 (handoff_agent_info_get_presence (bob_seen), "away") == 0);

  g_assert_cmpint (handoff_account_get_state (alice), ==, HANDOFF_ACCOUNT_ONLINE);
  g_assert_cmpuint (left_online, ==, 0);
  g_assert_null (handoff_account_get_problem (alice));
  g_assert_cmpstr (handoff_server_client_get_token (client), !=, first_token);

  /* The keyring holds the current token, not the first. */
  acct = g_strdup_printf ("alice@%s", handoff_test_server_get_url (f->server));
  r = (Result) { 0 };
  handoff_secret_store_lookup_async (secrets, HANDOFF_SECRET_SESSION, acct, NULL, on_looked_up, &r);
  WAIT_FOR (r.done);
  g_assert_no_error (r.error);
  kept = (char *) r.object;
  g_assert_cmpstr (kept, ==, handoff_server_client_get_token (client));

  /* The first session is dead on the server. */
  probe = handoff_server_client_new (handoff_test_server_get_url (f->server));
  handoff_server_client_set_token (probe, first_token);
  r = (Result) { 0 };
  handoff_server_client_request_async (probe, "GET", "/api/v1/agents", NULL, NULL, on_request, &r);
  WAIT_FOR (r.done);
  g_assert_error (r.error, HANDOFF_API_ERROR, HANDOFF_API_ERROR_UNAUTHORIZED);
  g_clear_error (&r.error);
  g_signal_handlers_disconnect_by_data (alice, &left_online);
}

static void
log_agent_status (HandoffAccount *account,
                  const char     *type,
                  JsonObject     *data,
                  GPtrArray      *log)
{
  JsonObject *agent = data;

  if (!g_str_equal (type, "agent_status"))
    return;
  if (json_object_has_member (data, "agent") && JSON_NODE_HOLDS_OBJECT (json_object_get_member (data, "agent")))
    agent = json_object_get_object_member (data, "agent");
  g_ptr_array_add (log, g_strdup_printf ("%s=%s", json_object_get_string_member_with_default (agent, "username", "?"),
                                         json_object_get_string_member_with_default (agent, "status", "?")));
}

/* Alice's event stream drops (a dead middlebox) while Bob changes his
 * presence twice. When it is back she gets both changes, in order and once
 * each, from where she left off (?since=): the directory refresh alone
 * would give her only the last. */
static void
test_events_resume (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GUri) server_uri = NULL;
  g_autoptr(LkTestProxy) proxy = NULL;
  g_autoptr(HandoffAccount) alice = NULL;
  g_autoptr(HandoffAccount) bob = NULL;
  g_autoptr(GPtrArray) log = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *via_proxy = NULL;
  gint64 seq_before;

  if (f->livekit == NULL)
    return;
  server_uri = g_uri_parse (handoff_test_server_get_url (f->server), G_URI_FLAGS_NONE, NULL);
  proxy = lk_test_proxy_new (g_uri_get_port (server_uri));
  lk_test_proxy_start (proxy);
  via_proxy = g_strdup_printf ("http://127.0.0.1:%u", lk_test_proxy_get_port (proxy));
  alice = sign_in_at (via_proxy, "alice", HANDOFF_TEST_ALICE_PASSWORD);
  bob = sign_in (f, "bob", HANDOFF_TEST_BOB_PASSWORD);
  set_presence (bob, "away");
  WAIT_FOR (lookup_user (alice, "bob") != NULL &&
            g_strcmp0 (handoff_agent_info_get_presence (lookup_user (alice, "bob")), "away") == 0);

  lk_test_proxy_kill (proxy);
  WAIT_FOR (handoff_account_get_state (alice) == HANDOFF_ACCOUNT_RECONNECTING);
  seq_before = handoff_account_get_last_seq (alice);
  g_signal_connect (alice, "event", G_CALLBACK (log_agent_status), log);
  set_presence (bob, "available");
  set_presence (bob, "wrap_up");
  set_presence (bob, "away");
  lk_test_proxy_start (proxy);

  WAIT_FOR (handoff_account_get_state (alice) == HANDOFF_ACCOUNT_ONLINE && log->len >= 3);
  /* Anything more would come within a moment. */
  for (gint64 end = g_get_monotonic_time () + G_USEC_PER_SEC / 2; g_get_monotonic_time () < end;)
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpuint (log->len, ==, 3);
  g_assert_cmpstr (g_ptr_array_index (log, 0), ==, "bob=available");
  g_assert_cmpstr (g_ptr_array_index (log, 1), ==, "bob=wrap_up");
  g_assert_cmpstr (g_ptr_array_index (log, 2), ==, "bob=away");
  g_assert_cmpint (handoff_account_get_last_seq (alice), >, seq_before);
  g_signal_handlers_disconnect_by_data (alice, log);
}

static void
on_restored (GObject *source, GAsyncResult *res, gpointer data)
{
  Result *r = data;
  r->ok = handoff_account_restore_finish (HANDOFF_ACCOUNT (source), res, &r->error);
  r->done = TRUE;
}

static guint
status_with_token (Fixture    *f,
                   const char *token)
{
  g_autoptr(HandoffServerClient) probe = handoff_server_client_new (handoff_test_server_get_url (f->server));
  Result r = { 0 };
  guint status;

  handoff_server_client_set_token (probe, token);
  handoff_server_client_request_async (probe, "GET", "/api/v1/agents", NULL, NULL, on_request, &r);
  WAIT_FOR (r.done);
  status = r.error == NULL ? 200 : g_error_matches (r.error, HANDOFF_API_ERROR, HANDOFF_API_ERROR_UNAUTHORIZED) ? 401 : 0;
  g_clear_error (&r.error);
  return status;
}

/* The app started again finds the session in the keyring and is signed
 * in without a password; Sign Out ends the session on the server too (its
 * token is refused from then on) and forgets it in the keyring. */
static void
test_session_kept_and_signed_out (Fixture       *f,
                                  gconstpointer  data)
{
  g_autoptr(HandoffSecretStore) keyring = handoff_secret_store_new ();
  g_autoptr(HandoffServerClient) first_client = NULL;
  g_autoptr(HandoffServerClient) later_client = NULL;
  g_autoptr(HandoffAccount) first = NULL;
  g_autoptr(HandoffAccount) later = NULL;
  g_autofree char *token = NULL;
  Result r = { 0 };

  if (f->livekit == NULL)
    return;
  first_client = handoff_server_client_new (handoff_test_server_get_url (f->server));
  first = handoff_account_new (first_client, keyring);
  handoff_account_sign_in_async (first, "alice", HANDOFF_TEST_ALICE_PASSWORD, NULL, on_signed_in, &r);
  WAIT_FOR (r.done);
  g_assert_no_error (r.error);
  token = g_strdup (handoff_server_client_get_token (first_client));
  /* The first run of the app ends without signing out. */
  g_clear_object (&first);

  later_client = handoff_server_client_new (handoff_test_server_get_url (f->server));
  later = handoff_account_new (later_client, keyring);
  r = (Result) { 0 };
  handoff_account_restore_async (later, "alice", NULL, on_restored, &r);
  WAIT_FOR (r.done);
  g_assert_no_error (r.error);
  g_assert_true (r.ok);
  WAIT_FOR (handoff_account_get_state (later) == HANDOFF_ACCOUNT_ONLINE);
  g_assert_cmpstr (handoff_account_get_identity (later), ==, "agent-alice");
  g_assert_cmpstr (handoff_account_get_display_name (later), ==, "Alice Example");
  g_assert_cmpuint (status_with_token (f, token), ==, 200);

  /* The session keeper may have renewed the token meanwhile. */
  g_free (token);
  token = g_strdup (handoff_server_client_get_token (later_client));
  handoff_account_sign_out (later);
  g_assert_cmpint (handoff_account_get_state (later), ==, HANDOFF_ACCOUNT_SIGNED_OUT);
  WAIT_FOR (status_with_token (f, token) == 401);

  /* Nothing left to restore. */
  r = (Result) { 0 };
  handoff_account_restore_async (later, "alice", NULL, on_restored, &r);
  WAIT_FOR (r.done);
  g_assert_false (r.ok);
  g_assert_error (r.error, HANDOFF_API_ERROR, HANDOFF_API_ERROR_UNAUTHORIZED);
  g_clear_error (&r.error);
  g_assert_cmpint (handoff_account_get_state (later), ==, HANDOFF_ACCOUNT_SIGNED_OUT);
}

static void
on_history (GObject *source, GAsyncResult *res, gpointer data)
{
  Result *r = data;
  r->ok = handoff_history_refresh_finish (HANDOFF_HISTORY (source), res, &r->error);
  r->done = TRUE;
}

static guint
history_count (HandoffHistory *history)
{
  Result r = { 0 };

  handoff_history_refresh_async (history, NULL, on_history, &r);
  WAIT_FOR (r.done);
  g_assert_no_error (r.error);
  g_assert_cmpuint (handoff_history_get_total (history), ==, g_list_model_get_n_items (G_LIST_MODEL (history)));
  return g_list_model_get_n_items (G_LIST_MODEL (history));
}

/* A completed and a declined transfer, then the history the agent reads:
 * newest first, each record as the server kept it, and every filter
 * (outcome, agent, dates) narrowing it on the server. */
static void
test_history_filters (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(HandoffAccount) alice = NULL;
  g_autoptr(HandoffHistory) history = NULL;
  g_autoptr(HandoffTransferRecord) newest = NULL;
  g_autoptr(HandoffTransferRecord) oldest = NULL;
  g_autoptr(GDateTime) now = NULL;
  g_autoptr(GDateTime) hour_ago = NULL;
  g_autoptr(GDateTime) tomorrow = NULL;
  HandoffAgentInfo *bob_info;
  Result first = { 0 }, second = { 0 };

  if (f->livekit == NULL)
    return;
  run_transfer (f, FALSE, FALSE);
  run_transfer (f, TRUE, FALSE);
  alice = sign_in (f, "alice", HANDOFF_TEST_ALICE_PASSWORD);
  WAIT_FOR (lookup_user (alice, "bob") != NULL);
  bob_info = lookup_user (alice, "bob");
  history = handoff_history_new (handoff_account_get_client (alice));

  g_assert_cmpuint (history_count (history), ==, 2);
  newest = g_list_model_get_item (G_LIST_MODEL (history), 0);
  oldest = g_list_model_get_item (G_LIST_MODEL (history), 1);
  g_assert_cmpstr (handoff_transfer_record_get_outcome (newest), ==, "declined");
  g_assert_cmpstr (handoff_transfer_record_get_outcome (oldest), ==, "completed");
  g_assert_cmpstr (handoff_transfer_record_get_from_agent_id (oldest), ==, handoff_account_get_agent_id (alice));
  g_assert_cmpstr (handoff_transfer_record_get_to_agent_id (oldest), ==, handoff_agent_info_get_id (bob_info));
  g_assert_true (handoff_transfer_record_get_urgent (oldest));
  g_assert_cmpstr (handoff_transfer_record_get_summary (oldest), ==,
                   "Carol was charged twice for ORD-4411; wants the second charge refunded.");
  g_assert_cmpint (handoff_transfer_record_get_time_to_accept_ms (oldest), >=, 0);
  g_assert_cmpint (handoff_transfer_record_get_consult_ms (oldest), >=, 0);
  g_assert_cmpint (handoff_transfer_record_get_total_ms (oldest), >=,
                   handoff_transfer_record_get_consult_ms (oldest));
  g_assert_cmpuint (handoff_transfer_record_get_rating (oldest), ==, 5);
  g_assert_nonnull (handoff_transfer_record_get_created_at (oldest));
  g_assert_cmpint (handoff_transfer_record_get_consult_ms (newest), ==, -1);
  g_assert_cmpuint (handoff_transfer_record_get_rating (newest), ==, 0);

  handoff_history_set_outcome (history, "completed");
  g_assert_cmpuint (history_count (history), ==, 1);
  handoff_history_set_outcome (history, "no_answer");
  g_assert_cmpuint (history_count (history), ==, 0);
  handoff_history_set_outcome (history, NULL);

  /* An agent's transfers are those made and those received. */
  handoff_history_set_agent_id (history, handoff_agent_info_get_id (bob_info));
  g_assert_cmpuint (history_count (history), ==, 2);
  handoff_history_set_agent_id (history, "agent-nobody-knows");
  g_assert_cmpuint (history_count (history), ==, 0);
  handoff_history_set_agent_id (history, NULL);

  now = g_date_time_new_now_utc ();
  hour_ago = g_date_time_add_hours (now, -1);
  tomorrow = g_date_time_add_days (now, 1);
  handoff_history_set_range (history, hour_ago, tomorrow);
  g_assert_cmpuint (history_count (history), ==, 2);
  handoff_history_set_range (history, tomorrow, NULL);
  g_assert_cmpuint (history_count (history), ==, 0);
  handoff_history_set_range (history, NULL, hour_ago);
  g_assert_cmpuint (history_count (history), ==, 0);

  /* A refresh overtaken by the next one does not land. */
  handoff_history_set_range (history, NULL, NULL);
  handoff_history_refresh_async (history, NULL, on_history, &first);
  handoff_history_set_outcome (history, "declined");
  handoff_history_refresh_async (history, NULL, on_history, &second);
  WAIT_FOR (first.done && second.done);
  g_assert_error (first.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&first.error);
  g_assert_no_error (second.error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (history)), ==, 1);
  handoff_account_sign_out (alice);
}

/* A self-signed certificate nobody trusts (made for this test). */
static const char untrusted_pem[] =
  "-----BEGIN CERTIFICATE-----\n"
  "MIIBmjCCAT+gAwIBAgIUboJqUlLtPYfCDDSYkaENn/DigV4wCgYIKoZIzj0EAwIw\n"
  "ITEfMB0GA1UEAwwWaGFuZG9mZi10ZXN0LXVudHJ1c3RlZDAgFw0yNjEyMDcwMDUy\n"
  "NTdaGA8yMTI2MTExMzAwNTI1N1owITEfMB0GA1UEAwwWaGFuZG9mZi10ZXN0LXVu\n"
  "dHJ1c3RlZDBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABKWYVCvCXze2tZR7yJ97\n"
  "m7GqoajGeVLDCdklaVw0MRfDyyECQBQyWlPTmlyeQTG211UT+eelonFJfcI6Fnd0\n"
  "BKKjUzBRMB0GA1UdDgQWBBRjTa5h9PN0VDGXuJQ0ReYK7dOTwzAfBgNVHSMEGDAW\n"
  "gBRjTa5h9PN0VDGXuJQ0ReYK7dOTwzAPBgNVHRMBAf8EBTADAQH/MAoGCCqGSM49\n"
  "BAMCA0kAMEYCIQDNcB8Kmcr0NdQx/FxOuZmC7h0Fh4D8Vqe+TcEWbW4MVwIhAKic\n"
  "m1iDfopNUOFy0eTXmm1pbH8C85IeYUjnaK8ytoil\n"
  "-----END CERTIFICATE-----\n"
  "-----BEGIN PRIVATE KEY-----\n"
  "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg7hY4yKAyQVNZI2Al\n"
  "neoU4gelOqKm5+JiWM3d/nFscIahRANCAASlmFQrwl83trWUe8ife5uxqqGoxnlS\n"
  "wwnZJWlcNDEXw8shAkAUMlpT05pcnkExttdVE/nnpaJxSX3COhZ3dASi\n"
  "-----END PRIVATE KEY-----\n"
;

static void
on_tls_client (GSocketService    *service,
               GSocketConnection *connection,
               GObject           *source,
               GTlsCertificate   *certificate)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GIOStream) tls = g_tls_server_connection_new (G_IO_STREAM (connection), certificate, &error);

  g_assert_no_error (error);
  /* The client gives up on the certificate; how the handshake ends here
   * does not matter. */
  g_tls_connection_handshake_async (G_TLS_CONNECTION (tls), G_PRIORITY_DEFAULT, NULL, NULL, NULL);
}

/* A server whose certificate is not trusted: the sign-in says so plainly,
 * and no password is sent. */
static void
test_untrusted_certificate (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GTlsCertificate) certificate = g_tls_certificate_new_from_pem (untrusted_pem, -1, &error);
  g_autoptr(GSocketService) service = g_socket_service_new ();
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any_port = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(HandoffServerClient) client = NULL;
  g_autoptr(HandoffSecretStore) secrets = handoff_secret_store_new ();
  g_autoptr(HandoffAccount) account = NULL;
  g_autofree char *url = NULL;
  Result r = { 0 };

  g_assert_no_error (error);
  g_assert_true (g_socket_listener_add_address (G_SOCKET_LISTENER (service), any_port, G_SOCKET_TYPE_STREAM,
                                                G_SOCKET_PROTOCOL_TCP, NULL, &bound, &error));
  g_assert_no_error (error);
  g_signal_connect (service, "incoming", G_CALLBACK (on_tls_client), certificate);
  url = g_strdup_printf ("https://127.0.0.1:%u", g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));

  client = handoff_server_client_new (url);
  account = handoff_account_new (client, secrets);
  handoff_account_sign_in_async (account, "alice", HANDOFF_TEST_ALICE_PASSWORD, NULL, on_signed_in, &r);
  WAIT_FOR (r.done);
  g_assert_error (r.error, HANDOFF_API_ERROR, HANDOFF_API_ERROR_TLS);
  g_test_message ("%s", r.error->message);
  g_assert_true (g_str_has_prefix (r.error->message, "The server's certificate is not trusted"));
  g_assert_cmpint (handoff_account_get_state (account), ==, HANDOFF_ACCOUNT_SIGNED_OUT);
  g_clear_error (&r.error);
  g_socket_service_stop (service);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_setenv ("HANDOFF_SECRETS", "memory", TRUE);

  g_test_add ("/core-server/sign-in-directory-presence", Fixture, NULL, fixture_set_up,
              test_sign_in_directory_presence, fixture_tear_down);
  g_test_add ("/core-server/transfer-completed", Fixture, NULL, fixture_set_up,
              test_transfer_completed, fixture_tear_down);
  g_test_add ("/core-server/returning-caller", Fixture, NULL, fixture_set_up,
              test_returning_caller, fixture_tear_down);
  g_test_add ("/core-server/transfer-declined", Fixture, NULL, fixture_set_up,
              test_transfer_declined, fixture_tear_down);
  g_test_add ("/core-server/events-resume", Fixture, NULL, fixture_set_up,
              test_events_resume, fixture_tear_down);
  g_test_add ("/core-server/session-kept-and-signed-out", Fixture, NULL, fixture_set_up,
              test_session_kept_and_signed_out, fixture_tear_down);
  g_test_add_func ("/core-server/untrusted-certificate", test_untrusted_certificate);
  g_test_add ("/core-server/history-filters", Fixture, NULL, fixture_set_up,
              test_history_filters, fixture_tear_down);
  g_test_add ("/core-server/session-refresh", Fixture, "[timeouts]\nsession_ttl=6\n",
              fixture_set_up, test_session_refresh, fixture_tear_down);
  /* GStreamer's threads wound down before LeakSanitizer stops the world. */
  return lk_test_run ();
}
