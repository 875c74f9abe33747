/* handoff-transfer-session.h: one warm transfer, from A's or B's side
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "handoff-call-session.h"
#include "handoff-server-client.h"

G_BEGIN_DECLS

typedef enum {
  HANDOFF_TRANSFER_IDLE,        /* A: choosing a target and editing the summary */
  HANDOFF_TRANSFER_OFFERED,     /* sent; caller on hold; B has the offer */
  HANDOFF_TRANSFER_CONSULTING,  /* B accepted and joined; A and B talk privately */
  HANDOFF_TRANSFER_THREE_WAY,   /* everyone hears everyone */
  HANDOFF_TRANSFER_COMPLETED,   /* A left; B owns the call */
  HANDOFF_TRANSFER_ENDED,       /* did not happen: see outcome; A is with the caller */
} HandoffTransferState;

#define HANDOFF_TYPE_TRANSFER_STATE (handoff_transfer_state_get_type ())
GType handoff_transfer_state_get_type (void);

typedef enum {
  HANDOFF_TRANSFER_ROLE_INITIATOR,  /* A */
  HANDOFF_TRANSFER_ROLE_TARGET,     /* B */
} HandoffTransferRole;

#define HANDOFF_TYPE_TRANSFER_SESSION (handoff_transfer_session_get_type ())
G_DECLARE_FINAL_TYPE (HandoffTransferSession, handoff_transfer_session, HANDOFF, TRANSFER_SESSION, GObject)

/* What the SFU must enforce in a state: who may hear our microphone, and who
 * hears hold music (NULL: none). Pure, so it is testable on its own. */
void                    handoff_transfer_compute_audience (HandoffTransferRole    role,
                                                           HandoffTransferState   state,
                                                           const char            *caller_identity,
                                                           const char            *peer_identity,
                                                           gboolean              *mic_all,
                                                           GStrv                 *mic_allowed,
                                                           GStrv                 *music_audience);

HandoffTransferSession *handoff_transfer_session_new_outgoing (HandoffServerClient    *client,
                                                               HandoffCallSession     *call);
/* B's side, from the server's offer event. */
HandoffTransferSession *handoff_transfer_session_new_incoming (HandoffServerClient    *client,
                                                               JsonObject             *offer);

HandoffTransferRole     handoff_transfer_session_get_role        (HandoffTransferSession *self);
HandoffTransferState    handoff_transfer_session_get_state       (HandoffTransferSession *self);
const char             *handoff_transfer_session_get_id          (HandoffTransferSession *self);
const char             *handoff_transfer_session_get_outcome     (HandoffTransferSession *self);
const char             *handoff_transfer_session_get_status_text (HandoffTransferSession *self);
HandoffCallSession     *handoff_transfer_session_get_call        (HandoffTransferSession *self);
const char             *handoff_transfer_session_get_summary     (HandoffTransferSession *self);
const char             *handoff_transfer_session_get_peer_name   (HandoffTransferSession *self);
const char             *handoff_transfer_session_get_peer_identity (HandoffTransferSession *self);
gboolean                handoff_transfer_session_get_urgent      (HandoffTransferSession *self);
gboolean                handoff_transfer_session_get_peer_ready  (HandoffTransferSession *self);
gboolean                handoff_transfer_session_is_active       (HandoffTransferSession *self);
JsonObject             *handoff_transfer_session_get_offer       (HandoffTransferSession *self);
const char             *handoff_transfer_session_get_peer_id     (HandoffTransferSession *self);
/* The app knows the peer's name and identity from the directory. */
void                    handoff_transfer_session_set_peer        (HandoffTransferSession *self,
                                                                  const char             *name,
                                                                  const char             *identity);

/* Applies a server event ("transfer.accepted", ...). Returns FALSE if it was
 * not for this transfer. Safe to call twice with the same event. */
gboolean                handoff_transfer_session_handle_event    (HandoffTransferSession *self,
                                                                  const char             *type,
                                                                  JsonObject             *data);

/* A: optional structured summary (reason, key_facts, ...) sent with the text. */
void     handoff_transfer_session_set_summary_json (HandoffTransferSession *self,
                                                    JsonNode               *summary);
void     handoff_transfer_session_send_async     (HandoffTransferSession *self,
                                                  const char             *target_id,
                                                  const char             *target_identity,
                                                  const char             *target_name,
                                                  gboolean                urgent,
                                                  const char             *summary,
                                                  GCancellable           *cancellable,
                                                  GAsyncReadyCallback     callback,
                                                  gpointer                user_data);
void     handoff_transfer_session_connect_async  (HandoffTransferSession *self,
                                                  GCancellable           *cancellable,
                                                  GAsyncReadyCallback     callback,
                                                  gpointer                user_data);
void     handoff_transfer_session_complete_async (HandoffTransferSession *self,
                                                  GCancellable           *cancellable,
                                                  GAsyncReadyCallback     callback,
                                                  gpointer                user_data);
void     handoff_transfer_session_cancel_async   (HandoffTransferSession *self,
                                                  GCancellable           *cancellable,
                                                  GAsyncReadyCallback     callback,
                                                  gpointer                user_data);
/* B */
void     handoff_transfer_session_accept_async   (HandoffTransferSession *self,
                                                  HandoffCallMedia       *media,
                                                  GCancellable           *cancellable,
                                                  GAsyncReadyCallback     callback,
                                                  gpointer                user_data);
void     handoff_transfer_session_decline_async  (HandoffTransferSession *self,
                                                  GCancellable           *cancellable,
                                                  GAsyncReadyCallback     callback,
                                                  gpointer                user_data);
void     handoff_transfer_session_ready_async    (HandoffTransferSession *self,
                                                  GCancellable           *cancellable,
                                                  GAsyncReadyCallback     callback,
                                                  gpointer                user_data);
void     handoff_transfer_session_rate_async     (HandoffTransferSession *self,
                                                  int                     rating,
                                                  GCancellable           *cancellable,
                                                  GAsyncReadyCallback     callback,
                                                  gpointer                user_data);
/* Finishes any of the actions above. */
gboolean handoff_transfer_session_action_finish  (HandoffTransferSession *self,
                                                  GAsyncResult           *result,
                                                  GError                **error);

G_END_DECLS
