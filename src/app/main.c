/* main.c: the handoff desktop app
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "handoff"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

static void
on_activate (GtkApplication *app)
{
  GtkWindow *window = gtk_application_get_active_window (app);

  if (window == NULL)
    {
      AdwApplicationWindow *win = ADW_APPLICATION_WINDOW (adw_application_window_new (app));
      GtkWidget *page = adw_status_page_new ();

      adw_status_page_set_title (ADW_STATUS_PAGE (page), _("Handoff"));
      adw_status_page_set_description (ADW_STATUS_PAGE (page), _("The agent workstation is being built."));
      adw_application_window_set_content (win, page);
      gtk_window_set_title (GTK_WINDOW (win), _("Handoff"));
      window = GTK_WINDOW (win);
    }
  gtk_window_present (window);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(AdwApplication) app = NULL;

  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  app = adw_application_new (APP_ID, G_APPLICATION_NON_UNIQUE);
  g_signal_connect (app, "activate", G_CALLBACK (on_activate), NULL);
  return g_application_run (G_APPLICATION (app), argc, argv);
}
