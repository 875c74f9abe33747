/* handoff-audio-chooser.h: the microphone and speaker of the call, chosen
 * while it runs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "handoff-audio-devices.h"
#include "handoff-call-session.h"

G_BEGIN_DECLS

#define HANDOFF_TYPE_AUDIO_CHOOSER (handoff_audio_chooser_get_type ())
G_DECLARE_FINAL_TYPE (HandoffAudioChooser, handoff_audio_chooser, HANDOFF, AUDIO_CHOOSER, GtkPopover)

/* The choice is kept in @settings ("microphone", "speaker", as Preferences
 * keeps it) and applied to the current call as soon as it changes, from
 * here or from Preferences. */
void handoff_audio_chooser_setup    (HandoffAudioChooser *self,
                                     GSettings           *settings,
                                     HandoffAudioDevices *microphones,
                                     HandoffAudioDevices *speakers);
void handoff_audio_chooser_set_call (HandoffAudioChooser *self,
                                     HandoffCallSession  *call);

G_END_DECLS
