/* handoff-password.c: password hashing with crypt(3) (yescrypt)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "handoff-server"

#include "handoff-password.h"

#include <crypt.h>
#include <string.h>

#include "handoff-server-error.h"

char *
handoff_password_hash (const char  *password,
                       GError     **error)
{
  char salt[CRYPT_GENSALT_OUTPUT_SIZE];
  g_autofree struct crypt_data *data = g_new0 (struct crypt_data, 1);
  const char *hash;

  g_return_val_if_fail (password != NULL, NULL);

  if (*password == '\0' || strlen (password) > 1024)
    {
      g_set_error_literal (error, HANDOFF_SERVER_ERROR, HANDOFF_SERVER_ERROR_INVALID_FIELD,
                           "A password must have 1 to 1024 characters");
      return NULL;
    }
  /* count 0 = libcrypt's default cost; NULL random bytes = it reads the kernel's. */
  if (crypt_gensalt_rn ("$y$", 0, NULL, 0, salt, sizeof salt) == NULL)
    {
      g_set_error_literal (error, HANDOFF_SERVER_ERROR, HANDOFF_SERVER_ERROR_INTERNAL,
                           "libcrypt has no yescrypt");
      return NULL;
    }
  hash = crypt_r (password, salt, data);
  if (hash == NULL || hash[0] == '*')
    {
      g_set_error_literal (error, HANDOFF_SERVER_ERROR, HANDOFF_SERVER_ERROR_INTERNAL,
                           "Password hashing failed");
      return NULL;
    }
  return g_strdup (hash);
}

gboolean
handoff_password_verify (const char *password,
                         const char *hash)
{
  g_autofree struct crypt_data *data = g_new0 (struct crypt_data, 1);
  const char *computed;
  gsize len;
  guint diff = 0;

  if (password == NULL || hash == NULL || hash[0] != '$' || strlen (password) > 1024)
    return FALSE;
  computed = crypt_r (password, hash, data);
  if (computed == NULL || computed[0] == '*')
    return FALSE;
  len = strlen (hash);
  if (strlen (computed) != len)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    diff |= (guint) (computed[i] ^ hash[i]);
  return diff == 0;
}
