/* handoff-ai-private.h: helpers shared inside src/ai
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* @pattern must be a static string: the compiled regex is cached by address. */
GRegex   *handoff_ai_regex   (const char *pattern,
                              gboolean    caseless);
/* Case-insensitive search of @pattern in @text. */
gboolean  handoff_ai_matches (const char *pattern,
                              const char *text);

G_END_DECLS
