/* handoff-redact.h: remove payment card numbers and similar before text leaves the machine
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/**
 * HandoffRedactFlags:
 * @HANDOFF_REDACT_CARDS: 13–19 digit runs (spaces or hyphens allowed) that pass the Luhn
 *   check and start like a card (2–6); the last four digits stay visible
 * @HANDOFF_REDACT_CVV: 3–4 digits shortly after "CVV", "CVC", "security code"...
 * @HANDOFF_REDACT_SSN: US social security numbers (123-45-6789, or 9 digits after "social
 *   security" / "SSN")
 */
typedef enum {
  HANDOFF_REDACT_NONE  = 0,
  HANDOFF_REDACT_CARDS = 1 << 0,
  HANDOFF_REDACT_CVV   = 1 << 1,
  HANDOFF_REDACT_SSN   = 1 << 2,
  HANDOFF_REDACT_ALL   = 0x7,
} HandoffRedactFlags;

gboolean  handoff_luhn_valid          (const char         *digits);
char     *handoff_redact_text         (const char         *text,
                                       HandoffRedactFlags  flags,
                                       guint              *n_redacted);
/* (element-type HandoffUtterance) a redacted copy */
GPtrArray *handoff_redact_utterances  (GPtrArray          *utterances,
                                       HandoffRedactFlags  flags,
                                       guint              *n_redacted);

G_END_DECLS
