/* handoff-preferences-window.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "handoff-audio-devices.h"

G_BEGIN_DECLS

#define HANDOFF_TYPE_PREFERENCES_WINDOW (handoff_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (HandoffPreferencesWindow, handoff_preferences_window, HANDOFF, PREFERENCES_WINDOW, AdwPreferencesWindow)

HandoffPreferencesWindow *handoff_preferences_window_new (GSettings           *settings,
                                                          HandoffAudioDevices *microphones,
                                                          HandoffAudioDevices *speakers);

G_END_DECLS
