/* handoff-application.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "handoff-audio-devices.h"
#include "handoff-chat-client.h"

G_BEGIN_DECLS

#define HANDOFF_TYPE_APPLICATION (handoff_application_get_type ())
G_DECLARE_FINAL_TYPE (HandoffApplication, handoff_application, HANDOFF, APPLICATION, AdwApplication)

HandoffApplication *handoff_application_new          (void);
GSettings          *handoff_application_get_settings (HandoffApplication *self);
/* Server URL of this run: --server, else GSettings. */
const char         *handoff_application_get_server_url (HandoffApplication *self);
/* --server was given: the sign-in page shows it and does not store it. */
gboolean            handoff_application_has_server_override (HandoffApplication *self);

/* One AI client for the app (assistant and summaries). */
HandoffChatClient  *handoff_application_get_chat_client (HandoffApplication *self);

/* The machine's microphones and speakers (HandoffAudioDevice), kept up to date. */
HandoffAudioDevices *handoff_application_get_microphones (HandoffApplication *self);
HandoffAudioDevices *handoff_application_get_speakers    (HandoffApplication *self);

G_END_DECLS
