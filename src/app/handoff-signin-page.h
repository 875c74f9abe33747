/* handoff-signin-page.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "handoff-account.h"
#include "handoff-application.h"

G_BEGIN_DECLS

#define HANDOFF_TYPE_SIGNIN_PAGE (handoff_signin_page_get_type ())
G_DECLARE_FINAL_TYPE (HandoffSigninPage, handoff_signin_page, HANDOFF, SIGNIN_PAGE, AdwBin)

void handoff_signin_page_setup      (HandoffSigninPage  *self,
                                     HandoffApplication *app,
                                     HandoffAccount     *account);
void handoff_signin_page_show_error (HandoffSigninPage  *self,
                                     const char         *message);
/* Signs in with user + password without the form (demo, --sign-in). */
void handoff_signin_page_sign_in    (HandoffSigninPage  *self,
                                     const char         *user,
                                     const char         *password);

G_END_DECLS
