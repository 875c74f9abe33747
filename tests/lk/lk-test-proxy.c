/* lk-test-proxy.c: a TCP proxy in front of livekit-server's signal port
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-test"

#include "lk-test-proxy.h"

struct _LkTestProxy {
  GSocketService *service;
  guint16 port;
  guint16 target_port;
  GPtrArray *streams;   /* GIOStream, both ends of every live connection */
  GCancellable *cancellable;
};

typedef LkTestProxy Proxy;

typedef struct {
  Proxy *proxy;
  GSocketConnection *downstream;
} Pending;

static void
on_spliced (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_io_stream_splice_finish (result, NULL);
}

static void
on_upstream (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Pending *p = user_data;
  g_autoptr(GSocketConnection) upstream = g_socket_client_connect_finish (G_SOCKET_CLIENT (source),
                                                                           result, NULL);

  if (upstream != NULL && !g_cancellable_is_cancelled (p->proxy->cancellable))
    {
      g_ptr_array_add (p->proxy->streams, g_object_ref (p->downstream));
      g_ptr_array_add (p->proxy->streams, g_object_ref (upstream));
      g_io_stream_splice_async (G_IO_STREAM (p->downstream), G_IO_STREAM (upstream),
                                G_IO_STREAM_SPLICE_NONE, G_PRIORITY_DEFAULT, p->proxy->cancellable,
                                on_spliced, NULL);
    }
  g_object_unref (p->downstream);
  g_free (p);
}

static gboolean
on_incoming (GSocketService    *service,
             GSocketConnection *connection,
             GObject           *source_object,
             gpointer           user_data)
{
  Proxy *proxy = user_data;
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  Pending *p = g_new0 (Pending, 1);

  p->proxy = proxy;
  p->downstream = g_object_ref (connection);
  g_socket_client_connect_to_host_async (client, "127.0.0.1", proxy->target_port, proxy->cancellable,
                                         on_upstream, p);
  return TRUE;
}

void
lk_test_proxy_start (Proxy *proxy)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) addr = g_inet_socket_address_new (lo, proxy->port);
  g_autoptr(GSocketAddress) bound = NULL;

  proxy->service = g_socket_service_new ();
  proxy->cancellable = g_cancellable_new ();
  g_signal_connect (proxy->service, "incoming", G_CALLBACK (on_incoming), proxy);
  g_assert_true (g_socket_listener_add_address (G_SOCKET_LISTENER (proxy->service), addr,
                                                G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                                                NULL, &bound, &error));
  g_assert_no_error (error);
  proxy->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_socket_service_start (proxy->service);
}

void
lk_test_proxy_kill (Proxy *proxy)
{
  if (proxy->service == NULL)
    return;
  g_cancellable_cancel (proxy->cancellable);
  for (guint i = 0; i < proxy->streams->len; i++)
    g_io_stream_close (g_ptr_array_index (proxy->streams, i), NULL, NULL);
  g_ptr_array_set_size (proxy->streams, 0);
  g_socket_service_stop (proxy->service);
  g_socket_listener_close (G_SOCKET_LISTENER (proxy->service));
  g_clear_object (&proxy->service);
  g_clear_object (&proxy->cancellable);
}

void
lk_test_proxy_freeze (Proxy *proxy)
{
  /* The splices end without closing (G_IO_STREAM_SPLICE_NONE); the streams
   * stay open in proxy->streams until a kill. */
  if (proxy->cancellable != NULL)
    g_cancellable_cancel (proxy->cancellable);
}

LkTestProxy *
lk_test_proxy_new (guint16 target_port)
{
  LkTestProxy *proxy = g_new0 (LkTestProxy, 1);

  proxy->target_port = target_port;
  proxy->streams = g_ptr_array_new_with_free_func (g_object_unref);
  return proxy;
}

guint16
lk_test_proxy_get_port (LkTestProxy *proxy)
{
  return proxy->port;
}

char *
lk_test_proxy_get_url (LkTestProxy *proxy)
{
  return g_strdup_printf ("ws://127.0.0.1:%u", proxy->port);
}

void
lk_test_proxy_free (LkTestProxy *proxy)
{
  if (proxy == NULL)
    return;
  lk_test_proxy_kill (proxy);
  g_ptr_array_unref (proxy->streams);
  g_free (proxy);
}
