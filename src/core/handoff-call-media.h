/* handoff-call-media.h: what a call needs from the media layer
 *
 * A small interface so the call and transfer logic do not depend on the
 * LiveKit client's API directly: src/core/handoff-lk-media.c implements it
 * over LkRoom, and anything else (a phone leg) can too.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define HANDOFF_TYPE_CALL_MEDIA (handoff_call_media_get_type ())
G_DECLARE_INTERFACE (HandoffCallMedia, handoff_call_media, HANDOFF, CALL_MEDIA, GObject)

struct _HandoffCallMediaInterface
{
  GTypeInterface parent_iface;

  void     (*connect_async)      (HandoffCallMedia    *self,
                                  const char          *url,
                                  const char          *token,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data);
  gboolean (*connect_finish)     (HandoffCallMedia    *self,
                                  GAsyncResult        *result,
                                  GError             **error);
  void     (*disconnect)         (HandoffCallMedia    *self);
  void     (*set_muted)          (HandoffCallMedia    *self,
                                  gboolean             muted);
  /* Who may subscribe to our microphone: everyone, or only `allowed`. */
  gboolean (*set_mic_audience)   (HandoffCallMedia    *self,
                                  gboolean             all,
                                  const char * const  *allowed,
                                  GError             **error);
  /* Hold music (file or built-in tune when NULL) published for `audience` only;
   * audience NULL stops it. */
  gboolean (*set_hold_music)     (HandoffCallMedia    *self,
                                  const char * const  *audience,
                                  const char          *file,
                                  GError             **error);
  /* Ask the SFU for the subscriptions now rather than on its 3 s retry. */
  void     (*resubscribe)        (HandoffCallMedia    *self);
  gboolean (*send_data)          (HandoffCallMedia    *self,
                                  const char          *topic,
                                  GBytes              *payload,
                                  const char * const  *destinations,
                                  GError             **error);
  /* Hold music into our own speaker (not published); optional. */
  void     (*set_local_music)    (HandoffCallMedia    *self,
                                  gboolean             on);
};

/* Signals of the interface:
 *   participant-joined (identity, name)
 *   participant-left (identity)
 *   data-received (sender_identity, topic, GBytes)
 *   connection-lost () / reconnected ()
 *   participant-stalled (identity, stalled): we are subscribed to audio of
 *     that participant that is not muted, yet none arrives (its connection
 *     dropped; LiveKit tells participant-left only ~20 s later), or it is
 *     back
 */

void     handoff_call_media_connect_async    (HandoffCallMedia    *self,
                                              const char          *url,
                                              const char          *token,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
gboolean handoff_call_media_connect_finish   (HandoffCallMedia    *self,
                                              GAsyncResult        *result,
                                              GError             **error);
void     handoff_call_media_disconnect       (HandoffCallMedia    *self);
void     handoff_call_media_set_muted        (HandoffCallMedia    *self,
                                              gboolean             muted);
gboolean handoff_call_media_set_mic_audience (HandoffCallMedia    *self,
                                              gboolean             all,
                                              const char * const  *allowed,
                                              GError             **error);
gboolean handoff_call_media_set_hold_music   (HandoffCallMedia    *self,
                                              const char * const  *audience,
                                              const char          *file,
                                              GError             **error);
void     handoff_call_media_resubscribe      (HandoffCallMedia    *self);
gboolean handoff_call_media_send_data        (HandoffCallMedia    *self,
                                              const char          *topic,
                                              GBytes              *payload,
                                              const char * const  *destinations,
                                              GError             **error);
void     handoff_call_media_set_local_music  (HandoffCallMedia    *self,
                                              gboolean             on);

G_END_DECLS
