/* handoff-account-private.h: what the parts of HandoffAccount share
 *
 * HandoffAccount is one GObject in two files: handoff-account.c (signing in
 * and out, the session, the object) and handoff-account-events.c (the event
 * stream and what it keeps live: directory and presence). Only those files
 * include this header.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "handoff-account.h"
#include "handoff-session-keeper.h"

G_BEGIN_DECLS

/* handoff-server routes (src/server/openapi.yaml). */
#define PATH_SESSIONS  "/api/v1/sessions"
#define PATH_PRESENCE  "/api/v1/agents/me/status"
#define PATH_AGENTS    "/api/v1/agents"
#define PATH_EVENTS    "/api/v1/events"

typedef enum {
  PROP_0,
  PROP_CLIENT,
  PROP_SECRETS,
  PROP_STATE,
  PROP_USERNAME,
  PROP_DISPLAY_NAME,
  PROP_PRESENCE,
  PROP_PROBLEM,
  N_PROPS
} HandoffAccountProp;

struct _HandoffAccount
{
  GObject                  parent_instance;

  HandoffServerClient     *client;
  HandoffSecretStore      *secrets;
  HandoffAccountState      state;
  char                    *username;
  char                    *display_name;
  char                    *presence;
  char                    *problem;
  char                    *agent_id;
  char                    *identity;
  GListStore              *directory;

  SoupWebsocketConnection *events;
  HandoffSessionKeeper    *keeper;
  GCancellable            *cancellable;   /* everything of the current session */
  gint64                   last_seq;
  guint                    backoff;
  guint                    reconnect_id;
};

void              handoff_account_notify          (HandoffAccount      *self,
                                                   HandoffAccountProp   prop);
void              handoff_account_set_state       (HandoffAccount      *self,
                                                   HandoffAccountState  state);
void              handoff_account_set_problem     (HandoffAccount      *self,
                                                   const char          *problem);
void              handoff_account_set_string_prop (HandoffAccount      *self,
                                                   char               **field,
                                                   const char          *value,
                                                   HandoffAccountProp   prop);
void              handoff_account_emit_event      (HandoffAccount      *self,
                                                   const char          *type,
                                                   JsonObject          *data);
/* -events.c */
HandoffAgentInfo *handoff_account_find_agent      (HandoffAccount      *self,
                                                   const char          *id,
                                                   guint               *position);
void              handoff_account_apply_agent     (HandoffAccount      *self,
                                                   JsonObject          *obj);
void              handoff_account_connect_events  (HandoffAccount      *self);
void              handoff_account_stop_events     (HandoffAccount      *self);

G_END_DECLS
