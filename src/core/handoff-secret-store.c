/* handoff-secret-store.c: session tokens and API keys in the keyring
 *
 * Secrets go to the Secret Service through libsecret. Where no Secret Service
 * runs (a test under dbus-run-session, a bare X session) the store falls back
 * to memory for the life of the process and says so once in the log: signing
 * in still works, the session is just not remembered across restarts.
 * HANDOFF_SECRETS=memory forces the fallback (tests).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "handoff-secrets"

#include "config.h"

#include <libsecret/secret.h>

#include "handoff-secret-store.h"

struct _HandoffSecretStore
{
  GObject     parent_instance;

  gboolean    memory_only;
  GHashTable *memory;   /* "kind\naccount" -> secret (erased on free) */
};

G_DEFINE_FINAL_TYPE (HandoffSecretStore, handoff_secret_store, G_TYPE_OBJECT)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const SecretSchema *
handoff_secret_schema (void)
{
  static const SecretSchema schema = {
    BASE_APP_ID ".Secret", SECRET_SCHEMA_NONE,
    {
      { "kind", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "account", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    },
    0, NULL, NULL, NULL, NULL, NULL, NULL, NULL
  };
  return &schema;
}

static void
erase_secret (gpointer data)
{
  char *s = data;

  if (s != NULL)
    {
      memset (s, 0, strlen (s));
      g_free (s);
    }
}

static char *
memory_key (const char *kind,
            const char *account)
{
  return g_strdup_printf ("%s\n%s", kind, account ? account : "");
}

static void
fall_back_to_memory (HandoffSecretStore *self,
                     const GError       *error)
{
  if (self->memory_only)
    return;
  self->memory_only = TRUE;
  g_message ("No keyring available (%s); secrets are kept in memory for this run only",
             error ? error->message : "forced");
}

/* GTask threads: libsecret's sync API keeps the main loop free and lets us
 * fall back cleanly on any error. */
typedef struct {
  char *kind;
  char *account;
  char *secret;
  int   op;   /* 0 save, 1 lookup, 2 clear */
} SecretOp;

static void
secret_op_free (SecretOp *op)
{
  g_free (op->kind);
  g_free (op->account);
  erase_secret (op->secret);
  g_free (op);
}

static void
memory_op (HandoffSecretStore *self,
           GTask              *task,
           SecretOp           *op)
{
  g_autofree char *key = memory_key (op->kind, op->account);

  switch (op->op)
    {
    case 0:
      g_hash_table_replace (self->memory, g_steal_pointer (&key), g_strdup (op->secret));
      g_signal_emit (self, signals[CHANGED], 0, op->kind, op->account);
      g_task_return_boolean (task, TRUE);
      break;
    case 1:
      g_task_return_pointer (task, g_strdup (g_hash_table_lookup (self->memory, key)), erase_secret);
      break;
    case 2:
      g_hash_table_remove (self->memory, key);
      g_signal_emit (self, signals[CHANGED], 0, op->kind, op->account);
      g_task_return_boolean (task, TRUE);
      break;
    default:
      g_assert_not_reached ();
    }
}

static void
secret_thread (GTask        *task,
               gpointer      source,
               gpointer      task_data,
               GCancellable *cancellable)
{
  SecretOp *op = task_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *label = NULL;
  char *found;

  switch (op->op)
    {
    case 0:
      label = g_strdup_printf ("Handoff %s for %s", op->kind, op->account);
      if (secret_password_store_sync (handoff_secret_schema (), SECRET_COLLECTION_DEFAULT, label,
                                      op->secret, cancellable, &error,
                                      "kind", op->kind, "account", op->account, NULL))
        g_task_return_boolean (task, TRUE);
      else
        g_task_return_error (task, g_steal_pointer (&error));
      break;
    case 1:
      found = secret_password_lookup_sync (handoff_secret_schema (), cancellable, &error,
                                           "kind", op->kind, "account", op->account, NULL);
      if (error != NULL)
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_pointer (task, found, erase_secret);
      break;
    case 2:
      secret_password_clear_sync (handoff_secret_schema (), cancellable, &error,
                                  "kind", op->kind, "account", op->account, NULL);
      if (error != NULL)
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_boolean (task, TRUE);
      break;
    default:
      g_assert_not_reached ();
    }
}

static void
secret_thread_done (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  HandoffSecretStore *self = HANDOFF_SECRET_STORE (object);
  g_autoptr(GTask) outer = user_data;
  SecretOp *op = g_task_get_task_data (outer);
  g_autoptr(GError) error = NULL;

  if (op->op == 1)
    {
      g_autofree char *s = g_task_propagate_pointer (G_TASK (result), &error);
      if (error == NULL)
        {
          g_task_return_pointer (outer, g_steal_pointer (&s), erase_secret);
          return;
        }
    }
  else if (g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_signal_emit (self, signals[CHANGED], 0, op->kind, op->account);
      g_task_return_boolean (outer, TRUE);
      return;
    }

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (outer, g_steal_pointer (&error));
      return;
    }
  fall_back_to_memory (self, error);
  memory_op (self, outer, op);
}

static void
run_op (HandoffSecretStore  *self,
        int                  which,
        const char          *kind,
        const char          *account,
        const char          *secret,
        GCancellable        *cancellable,
        GAsyncReadyCallback  callback,
        gpointer             user_data,
        gpointer             source_tag)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(GTask) inner = NULL;
  SecretOp *op = g_new0 (SecretOp, 1);

  op->op = which;
  op->kind = g_strdup (kind);
  op->account = g_strdup (account ? account : "");
  op->secret = g_strdup (secret);
  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, op, (GDestroyNotify) secret_op_free);

  if (self->memory_only)
    {
      memory_op (self, task, op);
      return;
    }
  inner = g_task_new (self, cancellable, secret_thread_done, g_steal_pointer (&task));
  g_task_set_task_data (inner, op, NULL);
  g_task_run_in_thread (inner, secret_thread);
}

static void
handoff_secret_store_finalize (GObject *object)
{
  HandoffSecretStore *self = HANDOFF_SECRET_STORE (object);

  g_clear_pointer (&self->memory, g_hash_table_unref);
  G_OBJECT_CLASS (handoff_secret_store_parent_class)->finalize (object);
}

static void
handoff_secret_store_class_init (HandoffSecretStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = handoff_secret_store_finalize;

  /**
   * HandoffSecretStore::changed:
   * @kind: e.g. %HANDOFF_SECRET_AI_KEY
   * @account: the account the secret belongs to
   *
   * A secret was saved or cleared through this store, so whoever uses it (the
   * AI client follows the key saved in Preferences) can look it up again.
   * Emitted on the main context, before the save or clear finishes.
   */
  signals[CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
}

static void
handoff_secret_store_init (HandoffSecretStore *self)
{
  self->memory = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, erase_secret);
  if (g_strcmp0 (g_getenv ("HANDOFF_SECRETS"), "memory") == 0)
    fall_back_to_memory (self, NULL);
}

HandoffSecretStore *
handoff_secret_store_new (void)
{
  return g_object_new (HANDOFF_TYPE_SECRET_STORE, NULL);
}

HandoffSecretStore *
handoff_secret_store_get_default (void)
{
  static HandoffSecretStore *store;

  if (g_once_init_enter (&store))
    g_once_init_leave (&store, handoff_secret_store_new ());
  return store;
}

gboolean
handoff_secret_store_is_persistent (HandoffSecretStore *self)
{
  g_return_val_if_fail (HANDOFF_IS_SECRET_STORE (self), FALSE);
  return !self->memory_only;
}

void
handoff_secret_store_save_async (HandoffSecretStore  *self,
                                 const char          *kind,
                                 const char          *account,
                                 const char          *secret,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_return_if_fail (HANDOFF_IS_SECRET_STORE (self));
  g_return_if_fail (kind != NULL && secret != NULL);
  run_op (self, 0, kind, account, secret, cancellable, callback, user_data,
          handoff_secret_store_save_async);
}

gboolean
handoff_secret_store_save_finish (HandoffSecretStore  *self,
                                  GAsyncResult        *result,
                                  GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
handoff_secret_store_lookup_async (HandoffSecretStore  *self,
                                   const char          *kind,
                                   const char          *account,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_return_if_fail (HANDOFF_IS_SECRET_STORE (self));
  g_return_if_fail (kind != NULL);
  run_op (self, 1, kind, account, NULL, cancellable, callback, user_data,
          handoff_secret_store_lookup_async);
}

char *
handoff_secret_store_lookup_finish (HandoffSecretStore  *self,
                                    GAsyncResult        *result,
                                    GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
handoff_secret_store_clear_async (HandoffSecretStore  *self,
                                  const char          *kind,
                                  const char          *account,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_return_if_fail (HANDOFF_IS_SECRET_STORE (self));
  g_return_if_fail (kind != NULL);
  run_op (self, 2, kind, account, NULL, cancellable, callback, user_data,
          handoff_secret_store_clear_async);
}

gboolean
handoff_secret_store_clear_finish (HandoffSecretStore  *self,
                                   GAsyncResult        *result,
                                   GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
