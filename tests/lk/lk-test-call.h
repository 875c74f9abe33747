/* lk-test-call.h: the call of the outage tests — alice reaches
 * livekit-server through a proxy the test can kill, bob straight, each
 * publishing a tone and hearing the other
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "lk-test-client.h"
#include "lk-test-proxy.h"

G_BEGIN_DECLS

typedef struct {
  LkTestProxy *proxy;   /* alice's signal path */
  LkTestClient *a;      /* alice, 440 Hz, through the proxy */
  LkTestClient *b;      /* bob, 660 Hz, straight to the server */
} LkTestCall;

/* A proxy in front of @lk's signal port, listening. */
LkTestProxy  *lk_test_proxy_new_started  (HandoffTestLivekit *lk);
/* Connects (asserting success) through @proxy to @room_name with a freshly
 * minted token. */
void          lk_test_client_join_through (LkTestClient *c,
                                           LkTestProxy  *proxy,
                                           const char   *room_name);
/* Both joined @room_name, both publishing; returns once each hears the other. */
LkTestCall   *lk_test_call_new            (HandoffTestLivekit *lk,
                                           const char         *room_name);
void          lk_test_call_free           (LkTestCall *call);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LkTestCall, lk_test_call_free)

G_END_DECLS
