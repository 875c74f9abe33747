/* handoff-caller-window.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "handoff-application.h"

G_BEGIN_DECLS

#define HANDOFF_TYPE_CALLER_WINDOW (handoff_caller_window_get_type ())
G_DECLARE_FINAL_TYPE (HandoffCallerWindow, handoff_caller_window, HANDOFF, CALLER_WINDOW, AdwApplicationWindow)

HandoffCallerWindow *handoff_caller_window_new (HandoffApplication *app,
                                                const char         *name,
                                                const char         *reason);

G_END_DECLS
