/* handoff-signin-page.c: server, user and password
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "handoff-signin"

#include "config.h"

#include <glib/gi18n.h>

#include "handoff-signin-page.h"

struct _HandoffSigninPage
{
  AdwBin              parent_instance;

  AdwEntryRow        *server_row;
  AdwEntryRow        *user_row;
  AdwPasswordEntryRow *password_row;
  GtkLabel           *error_label;
  GtkButton          *sign_in_button;
  GtkSpinner         *spinner;

  HandoffApplication *app;
  HandoffAccount     *account;
  GCancellable       *cancellable;
};

G_DEFINE_FINAL_TYPE (HandoffSigninPage, handoff_signin_page, ADW_TYPE_BIN)

static void
set_busy (HandoffSigninPage *self,
          gboolean           busy)
{
  gtk_widget_set_sensitive (GTK_WIDGET (self->sign_in_button), !busy);
  gtk_spinner_set_spinning (self->spinner, busy);
}

void
handoff_signin_page_show_error (HandoffSigninPage *self,
                                const char        *message)
{
  g_return_if_fail (HANDOFF_IS_SIGNIN_PAGE (self));
  gtk_label_set_text (self->error_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
  if (message != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (self->error_label),
                                    GTK_ACCESSIBLE_PROPERTY_LABEL, message, -1);
}

static void
on_signed_in (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(HandoffSigninPage) self = user_data;
  g_autoptr(GError) error = NULL;

  set_busy (self, FALSE);
  if (!handoff_account_sign_in_finish (HANDOFF_ACCOUNT (source), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        handoff_signin_page_show_error (self, error->message);
      return;
    }
  gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
}

void
handoff_signin_page_sign_in (HandoffSigninPage *self,
                             const char        *user,
                             const char        *password)
{
  g_autofree char *server = NULL;
  GSettings *settings;

  g_return_if_fail (HANDOFF_IS_SIGNIN_PAGE (self));

  server = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->server_row))));
  if (server[0] == '\0' || (!g_str_has_prefix (server, "http://") && !g_str_has_prefix (server, "https://")))
    {
      handoff_signin_page_show_error (self, _("The server address must start with http:// or https://"));
      return;
    }
  settings = handoff_application_get_settings (self->app);
  if (!handoff_application_has_server_override (self->app))
    g_settings_set_string (settings, "server-url", server);
  g_settings_set_string (settings, "username", user);
  handoff_server_client_set_base_url (handoff_account_get_client (self->account), server);

  handoff_signin_page_show_error (self, NULL);
  set_busy (self, TRUE);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  gtk_editable_set_text (GTK_EDITABLE (self->user_row), user);
  handoff_account_sign_in_async (self->account, user, password, self->cancellable,
                                 on_signed_in, g_object_ref (self));
}

static void
on_sign_in_clicked (HandoffSigninPage *self)
{
  g_autofree char *user = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->user_row))));
  const char *password = gtk_editable_get_text (GTK_EDITABLE (self->password_row));

  handoff_signin_page_sign_in (self, user, password);
}

static void
handoff_signin_page_dispose (GObject *object)
{
  HandoffSigninPage *self = HANDOFF_SIGNIN_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->account);
  G_OBJECT_CLASS (handoff_signin_page_parent_class)->dispose (object);
}

static void
handoff_signin_page_class_init (HandoffSigninPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = handoff_signin_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/ui/handoff-signin-page.ui");
  gtk_widget_class_bind_template_child (widget_class, HandoffSigninPage, server_row);
  gtk_widget_class_bind_template_child (widget_class, HandoffSigninPage, user_row);
  gtk_widget_class_bind_template_child (widget_class, HandoffSigninPage, password_row);
  gtk_widget_class_bind_template_child (widget_class, HandoffSigninPage, error_label);
  gtk_widget_class_bind_template_child (widget_class, HandoffSigninPage, sign_in_button);
  gtk_widget_class_bind_template_child (widget_class, HandoffSigninPage, spinner);
  gtk_widget_class_bind_template_callback (widget_class, on_sign_in_clicked);
}

static void
handoff_signin_page_init (HandoffSigninPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

void
handoff_signin_page_setup (HandoffSigninPage  *self,
                           HandoffApplication *app,
                           HandoffAccount     *account)
{
  g_autofree char *user = NULL;

  g_return_if_fail (HANDOFF_IS_SIGNIN_PAGE (self));

  self->app = app;
  g_set_object (&self->account, account);
  gtk_editable_set_text (GTK_EDITABLE (self->server_row), handoff_application_get_server_url (app));
  user = g_settings_get_string (handoff_application_get_settings (app), "username");
  gtk_editable_set_text (GTK_EDITABLE (self->user_row), user);
}
