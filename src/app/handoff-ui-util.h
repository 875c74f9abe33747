/* handoff-ui-util.h: small helpers shared by the views
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

const char *handoff_presence_label  (const char *presence);
char       *handoff_format_duration (guint       seconds);
/* "2026-11-26T05:12:49Z" -> "26 Nov 05:12" in local time; the input if unparsable. */
char       *handoff_format_time     (const char *rfc3339);

G_END_DECLS
