/* main.c: the handoff desktop app
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "handoff"

#include "config.h"

#include <glib/gi18n.h>
#include <gst/gst.h>

#include "handoff-application.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(HandoffApplication) app = NULL;
  const char *prgname = g_getenv ("HANDOFF_PRGNAME");

  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  /* Tests run several windows at once and tell them apart on the
   * accessibility bus by program name. */
  if (prgname != NULL && *prgname != '\0')
    g_set_prgname (prgname);

  gst_init (&argc, &argv);
  app = handoff_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
