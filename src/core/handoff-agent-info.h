/* handoff-agent-info.h: one agent of the live directory
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define HANDOFF_TYPE_AGENT_INFO (handoff_agent_info_get_type ())
G_DECLARE_FINAL_TYPE (HandoffAgentInfo, handoff_agent_info, HANDOFF, AGENT_INFO, GObject)

HandoffAgentInfo   *handoff_agent_info_new_from_json (JsonObject       *object);
void                handoff_agent_info_update        (HandoffAgentInfo *self,
                                                      JsonObject       *object);
const char         *handoff_agent_info_get_id        (HandoffAgentInfo *self);
const char         *handoff_agent_info_get_name      (HandoffAgentInfo *self);
const char         *handoff_agent_info_get_username  (HandoffAgentInfo *self);
const char         *handoff_agent_info_get_identity  (HandoffAgentInfo *self);
gboolean            handoff_agent_info_get_online    (HandoffAgentInfo *self);
/* On a call or in a transfer, as the server sees it (not the presence). */
gboolean            handoff_agent_info_get_on_call   (HandoffAgentInfo *self);
/* available, busy, away or wrap_up: what the agent set */
const char         *handoff_agent_info_get_presence  (HandoffAgentInfo *self);
void                handoff_agent_info_set_presence  (HandoffAgentInfo *self,
                                                      const char       *presence);
const char * const *handoff_agent_info_get_skills    (HandoffAgentInfo *self);
gboolean            handoff_agent_info_matches       (HandoffAgentInfo *self,
                                                      const char       *search);

G_END_DECLS
