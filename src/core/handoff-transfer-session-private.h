/* handoff-transfer-session-private.h: what the parts of HandoffTransferSession share
 *
 * HandoffTransferSession is one GObject in four files: handoff-transfer-session.c
 * (the object, its states and their words), -media.c (who hears whom in each
 * state), -events.c (the server's events move the state) and -actions.c (what
 * A and B do). Only those files include this header.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "handoff-transfer-session.h"

G_BEGIN_DECLS

#define HANDOFF_PATH_TRANSFERS        "/api/v1/transfers"
/* Set on the HandoffCallSession while one of its transfers runs. */
#define HANDOFF_ACTIVE_TRANSFER_KEY   "handoff-active-transfer"

typedef enum {
  PROP_0,
  PROP_STATE,
  PROP_OUTCOME,
  PROP_STATUS_TEXT,
  PROP_PEER_NAME,
  PROP_PEER_READY,
  PROP_SUMMARY,
  PROP_URGENT,
  N_PROPS
} HandoffTransferSessionProp;

struct _HandoffTransferSession
{
  GObject               parent_instance;

  HandoffServerClient  *client;
  HandoffTransferRole   role;
  HandoffTransferState  state;
  HandoffCallSession   *call;
  JsonObject           *offer;
  char                 *id;
  char                 *peer_id;
  char                 *peer_name;
  char                 *peer_identity;
  char                 *summary;
  char                 *outcome;
  char                 *status_text;
  char                 *media_error;
  JsonNode             *summary_json;
  gboolean              urgent;
  gboolean              peer_ready;
};

void        handoff_transfer_session_notify      (HandoffTransferSession     *self,
                                                  HandoffTransferSessionProp  prop);
void        handoff_transfer_session_update_text (HandoffTransferSession     *self);
/* Enters a state: applies its media, tells the call and the caller. */
void        handoff_transfer_session_enter_state (HandoffTransferSession     *self,
                                                  HandoffTransferState        state);
void        handoff_transfer_session_end_with    (HandoffTransferSession     *self,
                                                  const char                 *outcome);
/* Applies the media configuration of the current state (-media.c). */
void        handoff_transfer_session_apply_media (HandoffTransferSession     *self);
/* The transfer object in an event's data or an answer (-events.c). */
JsonObject *handoff_transfer_object_of           (JsonObject                 *data);
void        handoff_transfer_session_apply_server_state (HandoffTransferSession *self,
                                                         const char             *state,
                                                         JsonObject             *transfer);

G_END_DECLS
