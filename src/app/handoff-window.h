/* handoff-window.h: the agent workstation
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "handoff-application.h"

G_BEGIN_DECLS

#define HANDOFF_TYPE_WINDOW (handoff_window_get_type ())
G_DECLARE_FINAL_TYPE (HandoffWindow, handoff_window, HANDOFF, WINDOW, AdwApplicationWindow)

HandoffWindow *handoff_window_new                      (HandoffApplication *app);
void           handoff_window_restore_session          (HandoffWindow      *self);
void           handoff_window_sign_in_from_environment (HandoffWindow      *self,
                                                        const char         *user);
void           handoff_window_accept_call              (HandoffWindow      *self,
                                                        const char         *call_id);
void           handoff_window_accept_transfer          (HandoffWindow      *self,
                                                        const char         *transfer_id);

G_END_DECLS
