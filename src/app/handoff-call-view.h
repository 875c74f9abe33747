/* handoff-call-view.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "handoff-audio-devices.h"

#include "handoff-call-session.h"
#include "handoff-chat-client.h"
#include "handoff-transfer-session.h"

G_BEGIN_DECLS

#define HANDOFF_TYPE_CALL_VIEW (handoff_call_view_get_type ())
G_DECLARE_FINAL_TYPE (HandoffCallView, handoff_call_view, HANDOFF, CALL_VIEW, GtkWidget)

void                handoff_call_view_set_call         (HandoffCallView        *self,
                                                        HandoffCallSession     *call);
HandoffCallSession *handoff_call_view_get_call         (HandoffCallView        *self);
void                handoff_call_view_set_transfer     (HandoffCallView        *self,
                                                        HandoffTransferSession *transfer);
void                handoff_call_view_set_watchdog     (HandoffCallView        *self,
                                                        guint                   seconds);
void                handoff_call_view_focus_assistant  (HandoffCallView        *self);
void                handoff_call_view_set_chat_client  (HandoffCallView        *self,
                                                        HandoffChatClient      *client,
                                                        GSettings              *settings);
/* The microphone and speaker menu of the call: choices kept in @settings. */
void                handoff_call_view_set_audio_devices (HandoffCallView     *self,
                                                         GSettings           *settings,
                                                         HandoffAudioDevices *microphones,
                                                         HandoffAudioDevices *speakers);

G_END_DECLS
