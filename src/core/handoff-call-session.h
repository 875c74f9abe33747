/* handoff-call-session.h: one call as one party sees it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "handoff-call-media.h"
#include "handoff-party.h"
#include "handoff-server-client.h"
#include "handoff-segment.h"
#include "handoff-transcript.h"

G_BEGIN_DECLS

typedef enum {
  HANDOFF_CALL_CONNECTING,
  HANDOFF_CALL_WAITING,       /* caller: waiting for an agent */
  HANDOFF_CALL_TALKING,
  HANDOFF_CALL_ON_HOLD,       /* the caller hears hold music */
  HANDOFF_CALL_CONSULTING,    /* agents talk privately, caller on hold */
  HANDOFF_CALL_THREE_WAY,
  HANDOFF_CALL_RECONNECTING,
  HANDOFF_CALL_ENDED,
  HANDOFF_CALL_FAILED,
} HandoffCallState;

#define HANDOFF_TYPE_CALL_STATE (handoff_call_state_get_type ())
GType handoff_call_state_get_type (void);

typedef enum {
  HANDOFF_CALL_ROLE_AGENT,
  HANDOFF_CALL_ROLE_CALLER,
} HandoffCallRole;

/* Data topics of our own in the room. */
#define HANDOFF_TOPIC_STATUS     "handoff.status"
#define HANDOFF_TOPIC_TRANSCRIPT "handoff.transcript"

#define HANDOFF_TYPE_CALL_SESSION (handoff_call_session_get_type ())
G_DECLARE_FINAL_TYPE (HandoffCallSession, handoff_call_session, HANDOFF, CALL_SESSION, GObject)

HandoffCallSession *handoff_call_session_new              (HandoffServerClient *client,
                                                           HandoffCallRole      role,
                                                           JsonObject          *info);
HandoffCallRole     handoff_call_session_get_role         (HandoffCallSession  *self);
const char         *handoff_call_session_get_call_id      (HandoffCallSession  *self);
const char         *handoff_call_session_get_caller_name  (HandoffCallSession  *self);
const char         *handoff_call_session_get_reason       (HandoffCallSession  *self);
/* The server's description of the call (caller, previous calls, ...). */
JsonObject         *handoff_call_session_get_info         (HandoffCallSession  *self);
/* The server's id of the caller (links their calls); NULL if not known. */
const char         *handoff_call_session_get_caller_id    (HandoffCallSession  *self);
/* (element-type JsonObject) the caller's earlier calls, newest first, each with
 * created_at, end_reason, agent_name, summary (object or null), transfer_outcome
 * (openapi.yaml PreviousCall); never this call. Free with json_array_unref. */
JsonArray          *handoff_call_session_dup_previous_calls (HandoffCallSession *self);
HandoffCallState    handoff_call_session_get_state        (HandoffCallSession  *self);
void                handoff_call_session_set_state        (HandoffCallSession  *self,
                                                           HandoffCallState     state);
const char         *handoff_call_session_get_status_text  (HandoffCallSession  *self);
const char         *handoff_call_session_get_agent_name   (HandoffCallSession  *self);
const char         *handoff_call_session_get_local_identity (HandoffCallSession *self);
const char         *handoff_call_session_get_caller_identity (HandoffCallSession *self);
guint               handoff_call_session_get_duration     (HandoffCallSession  *self);
guint               handoff_call_session_get_hold_seconds (HandoffCallSession  *self);
gboolean            handoff_call_session_get_muted        (HandoffCallSession  *self);
void                handoff_call_session_set_muted        (HandoffCallSession  *self,
                                                           gboolean             muted);
gboolean            handoff_call_session_get_on_hold      (HandoffCallSession  *self);
gboolean            handoff_call_session_set_on_hold      (HandoffCallSession  *self,
                                                           gboolean             on_hold,
                                                           GError             **error);
const char         *handoff_call_session_get_outcome      (HandoffCallSession  *self);
GListModel         *handoff_call_session_get_parties      (HandoffCallSession  *self);
GListModel         *handoff_call_session_get_transcript   (HandoffCallSession  *self);
char               *handoff_call_session_dup_transcript_text (HandoffCallSession *self);
HandoffCallMedia   *handoff_call_session_get_media        (HandoffCallSession  *self);
void                handoff_call_session_set_media        (HandoffCallSession  *self,
                                                           HandoffCallMedia    *media);
const char         *handoff_call_session_get_hold_music   (HandoffCallSession  *self);
void                handoff_call_session_set_hold_music   (HandoffCallSession  *self,
                                                           const char          *file);

/* Adds a segment, or replaces the partial with the same id. */
void                handoff_call_session_add_segment      (HandoffCallSession  *self,
                                                           const char          *id,
                                                           const char          *speaker,
                                                           const char          *text,
                                                           gboolean             final);
void                handoff_call_session_add_segment_object (HandoffCallSession *self,
                                                             HandoffSegment     *segment);
HandoffTranscript  *handoff_call_session_get_transcript_model (HandoffCallSession *self);
/* Tells the caller's window what is happening, in words (agent side). */
void                handoff_call_session_send_status      (HandoffCallSession  *self,
                                                           const char          *state,
                                                           const char          *agent_name);
/* The same for "on_hold" while a transfer brings in a colleague: the
 * caller is told so (a plain hold says the agent will be right back). */
void                handoff_call_session_send_transfer_hold (HandoffCallSession *self);

/* Caller: POST the public call endpoint, then join. @caller_id (nullable):
 * the one an earlier call returned (handoff_call_session_get_caller_id()), so
 * the agent sees this caller's previous calls. */
void                handoff_call_session_place_async      (HandoffServerClient *client,
                                                           const char          *name,
                                                           const char          *reason,
                                                           const char          *caller_id,
                                                           HandoffCallMedia    *media,
                                                           GCancellable        *cancellable,
                                                           GAsyncReadyCallback  callback,
                                                           gpointer             user_data);
HandoffCallSession *handoff_call_session_place_finish     (GAsyncResult        *result,
                                                           GError             **error);
/* Agent: accept the offered call and join its room. */
void                handoff_call_session_accept_async     (HandoffCallSession  *self,
                                                           GCancellable        *cancellable,
                                                           GAsyncReadyCallback  callback,
                                                           gpointer             user_data);
/* Agent: my app was restarted during this active call of mine; join its
 * room again (finish with accept_finish). */
void                handoff_call_session_rejoin_async     (HandoffCallSession  *self,
                                                           GCancellable        *cancellable,
                                                           GAsyncReadyCallback  callback,
                                                           gpointer             user_data);
gboolean            handoff_call_session_accept_finish    (HandoffCallSession  *self,
                                                           GAsyncResult        *result,
                                                           GError             **error);
/* Joins the room with a grant the server already gave (url + token). */
void                handoff_call_session_join_async       (HandoffCallSession  *self,
                                                           const char          *url,
                                                           const char          *token,
                                                           GCancellable        *cancellable,
                                                           GAsyncReadyCallback  callback,
                                                           gpointer             user_data);
gboolean            handoff_call_session_join_finish      (HandoffCallSession  *self,
                                                           GAsyncResult        *result,
                                                           GError             **error);
void                handoff_call_session_hang_up          (HandoffCallSession  *self);
/* The call ended elsewhere (server event, caller left). */
void                handoff_call_session_end              (HandoffCallSession  *self,
                                                           const char          *outcome);

G_END_DECLS
