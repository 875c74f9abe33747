/* e2e-party-kit.c: what the in-process end-to-end tests of tests/app share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "e2e-party-kit.h"
#include "handoff-test-watchdog.h"
#include "handoff-test-warnings.h"

static void (*report_func) (void);

void
e2e_kit_init (int    *argc,
              char ***argv,
              void  (*report) (void))
{
  gst_init (argc, argv);
  g_test_init (argc, argv, NULL);
  handoff_test_tolerate_known_warnings ();
  /* g_test_init() turns every domain's debug lines on (libsoup's frames
   * were most of a log): only G_MESSAGES_DEBUG's, and on stderr, since
   * stdout is TAP. */
  g_log_set_debug_enabled (FALSE);
  g_log_writer_default_set_use_stderr (TRUE);
  g_setenv ("HANDOFF_SECRETS", "memory", TRUE);
  report_func = report;
}

void
e2e_kit_timed_out (const char *what)
{
  if (report_func != NULL)
    report_func ();
  /* Where a stuck party's threads are (as tests/e2e's E2E_GDB does). */
  if (g_getenv ("E2E_GDB") != NULL)
    handoff_test_print_thread_stacks ();
  g_error ("timed out waiting for: %s", what);
}

void
e2e_kit_on_action (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  E2eKitResult *r = user_data;

  handoff_transfer_session_action_finish (HANDOFF_TRANSFER_SESSION (source), result, &r->error);
  r->done = TRUE;
}

void
e2e_kit_finish (E2eKitResult *r,
                double        secs)
{
  E2E_WAIT_FOR (r->done, secs);
  g_assert_no_error (r->error);
}

/* Keeps an asynchronous call's result for the waiting code to finish. */
static void
keep_result (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

void
e2e_kit_set_presence (HandoffAccount *account,
                      const char     *presence)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  handoff_account_set_presence_async (account, presence, NULL, keep_result, &result);
  E2E_WAIT_FOR (result != NULL, 20);
  handoff_account_set_presence_finish (account, result, &error);
  g_assert_no_error (error);
}

static void
on_event (HandoffAccount *account,
          const char     *type,
          JsonObject     *data,
          E2eKitAgent    *agent)
{
  if (g_str_equal (type, "call_offered") && agent->offered == NULL)
    agent->offered = handoff_call_session_new (agent->client, HANDOFF_CALL_ROLE_AGENT, data);
  else if (g_str_equal (type, "transfer_offered") && agent->transfer == NULL)
    agent->transfer = handoff_transfer_session_new_incoming (agent->client,
                                                             json_object_get_object_member (data, "transfer"));
  else if (agent->transfer)
    handoff_transfer_session_handle_event (agent->transfer, type, data);
}

E2eKitAgent *
e2e_kit_agent_new (HandoffTestServer *server,
                   const char        *user,
                   const char        *password,
                   const char        *presence)
{
  g_autoptr(HandoffServerClient) client = handoff_server_client_new (handoff_test_server_get_url (server));
  g_autoptr(HandoffSecretStore) secrets = handoff_secret_store_new ();
  E2eKitAgent *agent = g_new0 (E2eKitAgent, 1);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  agent->account = handoff_account_new (client, secrets);
  agent->client = handoff_account_get_client (agent->account);
  handoff_account_sign_in_async (agent->account, user, password, NULL, keep_result, &result);
  E2E_WAIT_FOR (result != NULL, 20);
  handoff_account_sign_in_finish (agent->account, result, &error);
  g_assert_no_error (error);
  e2e_kit_set_presence (agent->account, presence);
  g_signal_connect (agent->account, "event", G_CALLBACK (on_event), agent);
  return agent;
}

void
e2e_kit_agent_free (E2eKitAgent *agent)
{
  g_signal_handlers_disconnect_by_data (agent->account, agent);
  g_clear_object (&agent->offered);
  g_clear_object (&agent->transfer);
  g_clear_object (&agent->account);
  g_free (agent);
}

HandoffLkMedia *
e2e_kit_media (GstElement *microphone,
               GstElement *speaker)
{
  HandoffLkMedia *media = handoff_lk_media_new ();

  /* Its webrtcbin runs in this test case (GLib forgets the handler at the
   * start of each). */
  handoff_test_tolerate_known_warnings ();
  handoff_lk_media_set_devices (media, microphone, speaker);
  handoff_lk_media_enable_speaker_meter (media);
  return media;
}

HandoffCallSession *
e2e_kit_place (HandoffTestServer *server,
               const char        *name,
               const char        *reason,
               HandoffLkMedia    *media)
{
  g_autoptr(HandoffServerClient) client = handoff_server_client_new (handoff_test_server_get_url (server));
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  HandoffCallSession *call;

  handoff_call_session_place_async (client, name, reason, NULL, HANDOFF_CALL_MEDIA (media), NULL,
                                    keep_result, &result);
  E2E_WAIT_FOR (result != NULL, 30);
  call = handoff_call_session_place_finish (result, &error);
  g_assert_no_error (error);
  return call;
}

void
e2e_kit_accept (E2eKitAgent    *agent,
                HandoffLkMedia *media)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  E2E_WAIT_FOR (agent->offered != NULL, 20);
  handoff_call_session_set_media (agent->offered, HANDOFF_CALL_MEDIA (media));
  handoff_call_session_accept_async (agent->offered, NULL, keep_result, &result);
  E2E_WAIT_FOR (result != NULL, 30);
  handoff_call_session_accept_finish (agent->offered, result, &error);
  g_assert_no_error (error);
}

void
e2e_kit_settle (void)
{
  for (int i = 0; i < 100; i++)
    g_main_context_iteration (NULL, FALSE);
}
