/* handoff-call-session-private.h: what the parts of HandoffCallSession share
 *
 * HandoffCallSession is one GObject in three files: handoff-call-session.c
 * (the object, its state, timers, hold and transcript), -room.c (following the
 * room and, for the caller, the server) and -join.c (placing, accepting,
 * joining and ending the call). Only those files include this header.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "handoff-call-session.h"

G_BEGIN_DECLS

#define HANDOFF_PATH_CALLS "/api/v1/calls"

typedef enum {
  PROP_0,
  PROP_ROLE,
  PROP_CALL_ID,
  PROP_CALLER_NAME,
  PROP_STATE,
  PROP_STATUS_TEXT,
  PROP_AGENT_NAME,
  PROP_DURATION,
  PROP_HOLD_SECONDS,
  PROP_MUTED,
  PROP_ON_HOLD,
  PROP_OUTCOME,
  N_PROPS
} HandoffCallSessionProp;

struct _HandoffCallSession
{
  GObject              parent_instance;

  HandoffServerClient *client;
  HandoffCallRole      role;
  JsonObject          *info;
  char                *call_id;
  char                *caller_name;
  char                *reason;
  char                *local_identity;
  char                *caller_identity;
  char                *agent_name;
  char                *outcome;
  char                *status_text;
  char                *hold_music;

  HandoffCallState     state;
  gboolean             muted;
  gboolean             on_hold;
  gint64               started_us;
  gint64               answered_before_us; /* the call's age when we (re)joined it */
  gint64               hold_started_us;
  guint                tick_id;
  guint                poll_id;
  gboolean             polling;
  gboolean             agent_away;  /* caller: the server keeps the call for its agent */
  gboolean             agent_dropped; /* caller: no audio from any agent in the room */
  gboolean             hold_for_transfer; /* caller: on hold while a colleague is brought in */
  GHashTable          *stalled;     /* caller: identities whose audio stopped */
  gboolean             local_music; /* caller: hold music played by our own app */

  GListStore          *parties;
  HandoffTranscript   *transcript;
  guint                next_segment;
  HandoffCallMedia    *media;
  GCancellable        *cancellable;
};

void handoff_call_session_notify             (HandoffCallSession     *self,
                                              HandoffCallSessionProp  prop);
void handoff_call_session_replace_str        (char                  **field,
                                              const char             *value);
void handoff_call_session_update_status_text (HandoffCallSession     *self);
/* The caller hears its own hold music while its agent is gone (-room.c). */
void handoff_call_session_follow_absence     (HandoffCallSession     *self);
/* The caller's window follows who is in the room (-room.c). */
void handoff_call_session_follow_agents      (HandoffCallSession     *self);
/* The caller polls GET /calls/{id} while the call lasts (-room.c). */
void handoff_call_session_start_polling      (HandoffCallSession     *self);

G_END_DECLS
