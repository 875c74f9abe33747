/* handoff-call-media.c: what a call needs from the media layer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "handoff-core"

#include "handoff-call-media.h"

G_DEFINE_INTERFACE (HandoffCallMedia, handoff_call_media, G_TYPE_OBJECT)

static void
handoff_call_media_default_init (HandoffCallMediaInterface *iface)
{
  g_signal_new ("participant-joined", G_TYPE_FROM_INTERFACE (iface), G_SIGNAL_RUN_LAST,
                0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
  g_signal_new ("participant-left", G_TYPE_FROM_INTERFACE (iface), G_SIGNAL_RUN_LAST,
                0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  g_signal_new ("data-received", G_TYPE_FROM_INTERFACE (iface), G_SIGNAL_RUN_LAST,
                0, NULL, NULL, NULL, G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_BYTES);
  g_signal_new ("connection-lost", G_TYPE_FROM_INTERFACE (iface), G_SIGNAL_RUN_LAST,
                0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  g_signal_new ("reconnected", G_TYPE_FROM_INTERFACE (iface), G_SIGNAL_RUN_LAST,
                0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  g_signal_new ("participant-stalled", G_TYPE_FROM_INTERFACE (iface), G_SIGNAL_RUN_LAST,
                0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_BOOLEAN);
}

void
handoff_call_media_connect_async (HandoffCallMedia    *self,
                                  const char          *url,
                                  const char          *token,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_return_if_fail (HANDOFF_IS_CALL_MEDIA (self));
  HANDOFF_CALL_MEDIA_GET_IFACE (self)->connect_async (self, url, token, cancellable, callback, user_data);
}

gboolean
handoff_call_media_connect_finish (HandoffCallMedia  *self,
                                   GAsyncResult      *result,
                                   GError           **error)
{
  g_return_val_if_fail (HANDOFF_IS_CALL_MEDIA (self), FALSE);
  return HANDOFF_CALL_MEDIA_GET_IFACE (self)->connect_finish (self, result, error);
}

void
handoff_call_media_disconnect (HandoffCallMedia *self)
{
  g_return_if_fail (HANDOFF_IS_CALL_MEDIA (self));
  HANDOFF_CALL_MEDIA_GET_IFACE (self)->disconnect (self);
}

void
handoff_call_media_set_muted (HandoffCallMedia *self,
                              gboolean          muted)
{
  g_return_if_fail (HANDOFF_IS_CALL_MEDIA (self));
  HANDOFF_CALL_MEDIA_GET_IFACE (self)->set_muted (self, muted);
}

gboolean
handoff_call_media_set_mic_audience (HandoffCallMedia    *self,
                                     gboolean             all,
                                     const char * const  *allowed,
                                     GError             **error)
{
  g_return_val_if_fail (HANDOFF_IS_CALL_MEDIA (self), FALSE);
  return HANDOFF_CALL_MEDIA_GET_IFACE (self)->set_mic_audience (self, all, allowed, error);
}

gboolean
handoff_call_media_set_hold_music (HandoffCallMedia    *self,
                                   const char * const  *audience,
                                   const char          *file,
                                   GError             **error)
{
  g_return_val_if_fail (HANDOFF_IS_CALL_MEDIA (self), FALSE);
  return HANDOFF_CALL_MEDIA_GET_IFACE (self)->set_hold_music (self, audience, file, error);
}

void
handoff_call_media_resubscribe (HandoffCallMedia *self)
{
  g_return_if_fail (HANDOFF_IS_CALL_MEDIA (self));
  if (HANDOFF_CALL_MEDIA_GET_IFACE (self)->resubscribe)
    HANDOFF_CALL_MEDIA_GET_IFACE (self)->resubscribe (self);
}

gboolean
handoff_call_media_send_data (HandoffCallMedia    *self,
                              const char          *topic,
                              GBytes              *payload,
                              const char * const  *destinations,
                              GError             **error)
{
  g_return_val_if_fail (HANDOFF_IS_CALL_MEDIA (self), FALSE);
  return HANDOFF_CALL_MEDIA_GET_IFACE (self)->send_data (self, topic, payload, destinations, error);
}

void
handoff_call_media_set_local_music (HandoffCallMedia *self,
                                    gboolean          on)
{
  g_return_if_fail (HANDOFF_IS_CALL_MEDIA (self));
  if (HANDOFF_CALL_MEDIA_GET_IFACE (self)->set_local_music != NULL)
    HANDOFF_CALL_MEDIA_GET_IFACE (self)->set_local_music (self, on);
}
