/* handoff-assistant-pane.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "handoff-call-session.h"
#include "handoff-chat-client.h"

G_BEGIN_DECLS

#define HANDOFF_TYPE_ASSISTANT_PANE (handoff_assistant_pane_get_type ())
G_DECLARE_FINAL_TYPE (HandoffAssistantPane, handoff_assistant_pane, HANDOFF, ASSISTANT_PANE, GtkWidget)

void handoff_assistant_pane_set_call     (HandoffAssistantPane *self,
                                          HandoffCallSession   *call);
void handoff_assistant_pane_set_chat_client (HandoffAssistantPane *self,
                                             HandoffChatClient    *client,
                                             GSettings            *settings);
void handoff_assistant_pane_focus        (HandoffAssistantPane *self);

G_END_DECLS
