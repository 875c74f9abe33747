/* lk-test-proxy.h: a TCP proxy in front of livekit-server's signal port,
 * which a test kills (every connection dropped, nothing listening) and
 * starts again on the same port
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _LkTestProxy LkTestProxy;

LkTestProxy *lk_test_proxy_new      (guint16 target_port);
/* Listens (again) on its port; the first start picks a free one. */
void         lk_test_proxy_start    (LkTestProxy *proxy);
/* Drops every connection and stops listening, like a dead middlebox. */
void         lk_test_proxy_kill     (LkTestProxy *proxy);
/* Stops carrying bytes either way but keeps every connection open: what
 * either end sends is lost, and neither notices until the proxy is killed. */
void         lk_test_proxy_freeze   (LkTestProxy *proxy);
guint16      lk_test_proxy_get_port (LkTestProxy *proxy);
/* ws://127.0.0.1:<port> */
char        *lk_test_proxy_get_url  (LkTestProxy *proxy);
void         lk_test_proxy_free     (LkTestProxy *proxy);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LkTestProxy, lk_test_proxy_free)

G_END_DECLS
