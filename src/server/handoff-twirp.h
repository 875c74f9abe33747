/* handoff-twirp.h: LiveKit RoomService over Twirp (JSON), server-side only
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define HANDOFF_TWIRP_ERROR (handoff_twirp_error_quark ())

/* Twirp's error codes that matter to us; anything else is OTHER. */
typedef enum {
  HANDOFF_TWIRP_ERROR_NETWORK,
  HANDOFF_TWIRP_ERROR_NOT_FOUND,
  HANDOFF_TWIRP_ERROR_INVALID_ARGUMENT,
  HANDOFF_TWIRP_ERROR_UNAUTHENTICATED,
  HANDOFF_TWIRP_ERROR_PERMISSION_DENIED,
  HANDOFF_TWIRP_ERROR_ALREADY_EXISTS,
  HANDOFF_TWIRP_ERROR_UNIMPLEMENTED,
  HANDOFF_TWIRP_ERROR_UNAVAILABLE,
  HANDOFF_TWIRP_ERROR_INTERNAL,
  HANDOFF_TWIRP_ERROR_OTHER,
} HandoffTwirpError;

GQuark handoff_twirp_error_quark (void);

#define HANDOFF_TYPE_TWIRP (handoff_twirp_get_type ())

G_DECLARE_FINAL_TYPE (HandoffTwirp, handoff_twirp, HANDOFF, TWIRP, GObject)

HandoffTwirp *handoff_twirp_new (const char *api_url,
                                 const char *api_key,
                                 const char *api_secret);

/* Generic call: `room` NULL signs with roomCreate, else roomAdmin for `room`.
 * Takes ownership of nothing; the result is the response object. */
void        handoff_twirp_call_async  (HandoffTwirp        *self,
                                       const char          *method,
                                       const char          *room,
                                       JsonObject          *request,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data);
JsonObject *handoff_twirp_call_finish (HandoffTwirp        *self,
                                       GAsyncResult        *result,
                                       GError             **error);

/* Typed requests; all finish with handoff_twirp_call_finish (). */
void handoff_twirp_create_room_async          (HandoffTwirp *self, const char *room,
                                               guint empty_timeout, guint max_participants,
                                               GCancellable *cancellable,
                                               GAsyncReadyCallback callback, gpointer user_data);
void handoff_twirp_delete_room_async          (HandoffTwirp *self, const char *room,
                                               GCancellable *cancellable,
                                               GAsyncReadyCallback callback, gpointer user_data);
void handoff_twirp_list_participants_async    (HandoffTwirp *self, const char *room,
                                               GCancellable *cancellable,
                                               GAsyncReadyCallback callback, gpointer user_data);
void handoff_twirp_remove_participant_async   (HandoffTwirp *self, const char *room,
                                               const char *identity,
                                               GCancellable *cancellable,
                                               GAsyncReadyCallback callback, gpointer user_data);
/* attributes: string -> string, may be NULL; metadata may be NULL. */
void handoff_twirp_update_participant_async   (HandoffTwirp *self, const char *room,
                                               const char *identity, const char *metadata,
                                               JsonObject *attributes,
                                               GCancellable *cancellable,
                                               GAsyncReadyCallback callback, gpointer user_data);
void handoff_twirp_update_subscriptions_async (HandoffTwirp *self, const char *room,
                                               const char *identity,
                                               const char * const *track_sids,
                                               gboolean subscribe,
                                               GCancellable *cancellable,
                                               GAsyncReadyCallback callback, gpointer user_data);
void handoff_twirp_mute_published_track_async (HandoffTwirp *self, const char *room,
                                               const char *identity, const char *track_sid,
                                               gboolean muted,
                                               GCancellable *cancellable,
                                               GAsyncReadyCallback callback, gpointer user_data);
/* reliable delivery; destinations NULL = everyone. */
void handoff_twirp_send_data_async            (HandoffTwirp *self, const char *room,
                                               GBytes *data, const char *topic,
                                               const char * const *destination_identities,
                                               GCancellable *cancellable,
                                               GAsyncReadyCallback callback, gpointer user_data);

G_END_DECLS
