/* handoff-party.h: one participant of a call as the views show it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define HANDOFF_TYPE_PARTY (handoff_party_get_type ())
G_DECLARE_FINAL_TYPE (HandoffParty, handoff_party, HANDOFF, PARTY, GObject)

HandoffParty *handoff_party_new          (const char   *identity,
                                          const char   *name);
const char   *handoff_party_get_identity (HandoffParty *self);
const char   *handoff_party_get_name     (HandoffParty *self);
/* "caller", "agent" or "phone": derived from the identity prefix the server mints. */
const char   *handoff_party_get_kind     (HandoffParty *self);

G_END_DECLS
