/* fuzz-server-request.c: libFuzzer target for what handoff-server parses from
 * the network: JSON request bodies (every schema) and LiveKit webhook
 * signatures (token + body)
 *
 * First input byte picks the target; for webhooks the Authorization value
 * runs up to the first newline and the body follows.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "fuzz-server"

#include <string.h>

#include "handoff-request.h"
#include "handoff-token.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

#define KEY "APIfuzz"
#define SECRET "fuzz-secret-0123456789abcdef0123456789abcdef"

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  static const char *schemas[] = {
    "sessions.create", "agents.status", "calls.create", "transfers.create",
    "transfers.decline", "transfers.rating",
  };
  guint8 selector;

  if (size < 1)
    return 0;
  selector = data[0];
  data++;
  size--;

  if (selector < 200)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonObject) body = handoff_request_parse_as (schemas[selector % G_N_ELEMENTS (schemas)],
                                                             (const char *) data, size, &error);

      /* A rejected body always says why; an accepted one reads back. */
      g_assert ((body == NULL) == (error != NULL));
      if (body != NULL)
        (void) handoff_request_string (body, "name");
    }
  else
    {
      const guint8 *nl = memchr (data, '\n', size);
      gsize header_len = nl ? (gsize) (nl - data) : size;
      g_autofree char *header = g_strndup ((const char *) data, header_len);
      const guint8 *body = nl ? nl + 1 : data + size;
      gsize body_len = nl ? size - header_len - 1 : 0;
      g_autoptr(GError) error = NULL;
      gboolean ok = handoff_webhook_verify (KEY, SECRET, header, body, body_len, &error);

      /* Nothing random may pass: it would need the secret. */
      g_assert (!ok);
      g_assert (error != NULL);
    }
  return 0;
}
