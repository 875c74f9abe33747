/* handoff-window-private.h: shared by handoff-window.c and handoff-window-actions.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "handoff-account.h"
#include "handoff-analytics-view.h"
#include "handoff-call-view.h"
#include "handoff-history-view.h"
#include "handoff-signin-page.h"
#include "handoff-transfer-dialog.h"
#include "handoff-transfer-offer-view.h"
#include "handoff-window.h"

G_BEGIN_DECLS

struct _HandoffWindow
{
  AdwApplicationWindow    parent_instance;

  AdwViewSwitcherTitle   *switcher_title;
  GtkDropDown            *presence_dropdown;
  GtkLabel               *on_call_label;
  GtkLabel               *agent_label;
  GtkRevealer            *fault_revealer;
  GtkLabel               *fault_label;
  AdwToastOverlay        *toast_overlay;
  GtkStack               *main_stack;
  HandoffSigninPage      *signin_page;
  AdwViewStack           *view_stack;
  GtkStack               *call_stack;
  AdwStatusPage          *idle_page;
  AdwStatusPage          *offer_page;
  AdwStatusPage          *rejoin_page;
  HandoffCallView        *call_view;
  HandoffTransferOfferView *transfer_offer_view;
  HandoffHistoryView     *history_view;
  HandoffAnalyticsView   *analytics_view;

  HandoffApplication     *app;
  HandoffServerClient    *client;
  HandoffAccount         *account;
  GCancellable           *cancellable;
  HandoffCallSession     *offer;        /* offered, not accepted */
  HandoffCallSession     *call;         /* in progress */
  HandoffTransferSession *transfer;     /* A's or B's */
  HandoffTransferDialog  *dialog;
  char                   *rejoin_call_id;
  gboolean                just_signed_in;
  gboolean                syncing_presence;
};

void handoff_window_toast              (HandoffWindow  *self,
                                        const char     *text);
void handoff_window_update_idle_page   (HandoffWindow  *self);
void handoff_window_end_all_calls      (HandoffWindow  *self);

/* handoff-window-actions.c */
void handoff_window_install_actions    (GtkWidgetClass *widget_class);
void handoff_window_connect_account    (HandoffWindow  *self);
void handoff_window_on_presence_chosen (HandoffWindow  *self);
void handoff_window_update_presence    (HandoffWindow  *self);

G_END_DECLS
