/* handoff-transfer-dialog.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "handoff-account.h"
#include "handoff-call-session.h"
#include "handoff-chat-client.h"

G_BEGIN_DECLS

#define HANDOFF_TYPE_TRANSFER_DIALOG (handoff_transfer_dialog_get_type ())
G_DECLARE_FINAL_TYPE (HandoffTransferDialog, handoff_transfer_dialog, HANDOFF, TRANSFER_DIALOG, AdwWindow)

/* Emits "send" (HandoffAgentInfo *target, gboolean urgent, const char *summary). */
HandoffTransferDialog *handoff_transfer_dialog_new        (GtkWindow             *parent,
                                                           HandoffAccount        *account,
                                                           HandoffCallSession    *call,
                                                           HandoffChatClient     *chat,
                                                           GSettings             *settings);
/* The structured summary behind the text (NULL if none), for the server. */
JsonNode              *handoff_transfer_dialog_dup_summary_json (HandoffTransferDialog *self);
void                   handoff_transfer_dialog_show_error (HandoffTransferDialog *self,
                                                           const char            *message);
void                   handoff_transfer_dialog_set_busy   (HandoffTransferDialog *self,
                                                           gboolean               busy);

G_END_DECLS
