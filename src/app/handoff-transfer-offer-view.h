/* handoff-transfer-offer-view.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "handoff-transfer-session.h"

G_BEGIN_DECLS

#define HANDOFF_TYPE_TRANSFER_OFFER_VIEW (handoff_transfer_offer_view_get_type ())
G_DECLARE_FINAL_TYPE (HandoffTransferOfferView, handoff_transfer_offer_view, HANDOFF, TRANSFER_OFFER_VIEW, GtkWidget)

/* Emits "accept" and "decline". */
void handoff_transfer_offer_view_set_transfer (HandoffTransferOfferView *self,
                                               HandoffTransferSession   *transfer);
void handoff_transfer_offer_view_set_busy     (HandoffTransferOfferView *self,
                                               gboolean                  busy);

G_END_DECLS
