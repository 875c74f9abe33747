/* handoff-ui-util.c: small helpers shared by the views
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "handoff"

#include "config.h"

#include <glib/gi18n.h>

#include "handoff-ui-util.h"

const char *
handoff_presence_label (const char *presence)
{
  if (g_strcmp0 (presence, "available") == 0)
    return _("Available");
  if (g_strcmp0 (presence, "busy") == 0)
    return _("Busy");
  if (g_strcmp0 (presence, "wrap_up") == 0)
    return _("Wrap-up");
  return _("Away");
}

char *
handoff_format_duration (guint seconds)
{
  if (seconds >= 3600)
    return g_strdup_printf ("%u:%02u:%02u", seconds / 3600, (seconds / 60) % 60, seconds % 60);
  return g_strdup_printf ("%u:%02u", seconds / 60, seconds % 60);
}

char *
handoff_format_time (const char *rfc3339)
{
  g_autoptr(GDateTime) dt = NULL;
  g_autoptr(GDateTime) local = NULL;

  if (rfc3339 == NULL)
    return g_strdup ("");
  dt = g_date_time_new_from_iso8601 (rfc3339, NULL);
  if (dt == NULL)
    return g_strdup (rfc3339);
  local = g_date_time_to_local (dt);
  return g_date_time_format (local, "%d %b %H:%M");
}
