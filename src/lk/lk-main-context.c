/* lk-main-context.c: handing work from a streaming thread to a main context
 *
 * g_main_context_invoke() runs the function in the *calling* thread when
 * the target is the global default context and nobody holds it at that
 * instant, as between two iterations of the main loop. From a GStreamer
 * streaming thread that means our main-thread code (state changes of the
 * very element whose thread it is, libsoup sessions, signals the UI
 * listens to) runs on the streaming thread: CI once caught a queue being
 * stopped from its own task ("Trying to join task … from its thread"),
 * the main thread waiting meanwhile to acquire its own context. Here the
 * function runs at once only in the thread that owns the context;
 * everyone else queues it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-main-context"

#include "lk-main-context.h"

void
lk_main_context_invoke (GMainContext   *context,
                        gint            priority,
                        GSourceFunc     function,
                        gpointer        data,
                        GDestroyNotify  notify)
{
  g_autoptr(GSource) source = NULL;

  g_return_if_fail (function != NULL);

  if (context == NULL)
    context = g_main_context_default ();
  if (g_main_context_is_owner (context))
    {
      while (function (data) == G_SOURCE_CONTINUE)
        ;
      if (notify != NULL)
        notify (data);
      return;
    }
  source = g_idle_source_new ();
  g_source_set_priority (source, priority);
  g_source_set_callback (source, function, data, notify);
  g_source_set_static_name (source, "[lk] invoke");
  g_source_attach (source, context);
}
