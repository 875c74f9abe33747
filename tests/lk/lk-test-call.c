/* lk-test-call.c: the call of the outage tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-test"

#include "lk-test-call.h"

LkTestProxy *
lk_test_proxy_new_started (HandoffTestLivekit *lk)
{
  LkTestProxy *proxy = lk_test_proxy_new (handoff_test_livekit_get_port (lk));

  lk_test_proxy_start (proxy);
  return proxy;
}

void
lk_test_client_join_through (LkTestClient *c,
                             LkTestProxy  *proxy,
                             const char   *room_name)
{
  g_autofree char *token = handoff_test_mint_token (c->identity, room_name, 600, NULL);
  g_autofree char *url = lk_test_proxy_get_url (proxy);
  g_autoptr(GError) error = NULL;

  g_assert_true (lk_test_client_connect (c, url, token, &error));
  g_assert_no_error (error);
}

LkTestCall *
lk_test_call_new (HandoffTestLivekit *lk,
                  const char         *room_name)
{
  LkTestCall *call = g_new0 (LkTestCall, 1);

  call->proxy = lk_test_proxy_new_started (lk);
  call->a = lk_test_client_new ("alice");
  call->b = lk_test_client_new ("bob");
  lk_test_client_join_through (call->a, call->proxy, room_name);
  lk_test_client_join (call->b, lk, room_name, NULL);
  lk_test_client_publish_tone (call->a, 440);
  lk_test_client_publish_tone (call->b, 660);
  g_assert_true (lk_test_client_wait_hears (call->a, 660, 45));
  g_assert_true (lk_test_client_wait_hears (call->b, 440, 45));
  return call;
}

void
lk_test_call_free (LkTestCall *call)
{
  g_clear_pointer (&call->proxy, lk_test_proxy_free);
  g_clear_pointer (&call->b, lk_test_client_free);
  g_clear_pointer (&call->a, lk_test_client_free);
  g_free (call);
}
