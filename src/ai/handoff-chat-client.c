/* handoff-chat-client.c: OpenAI-compatible chat completions client
 *
 * The settings (endpoint, model, key, timeouts, retries) and one SoupSession;
 * each completion runs as a HandoffChatRequest (handoff-chat-request.c) with a
 * copy of them. The key is write-only and never logged.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "handoff-ai"

#include "config.h"

#include <libsoup/soup.h>
#include <string.h>

#include "handoff-ai-error.h"
#include "handoff-chat-client.h"
#include "handoff-chat-request.h"

#define DEFAULT_TIMEOUT_MS          30000
#define DEFAULT_MAX_RETRIES         2
#define DEFAULT_MAX_RETRY_DELAY_MS  20000

enum {
  PROP_0,
  PROP_BASE_URL,
  PROP_MODEL,
  PROP_API_KEY,
  N_PROPS
};

static GParamSpec *props[N_PROPS];

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

struct _HandoffChatClient
{
  GObject      parent_instance;

  SoupSession *session;
  char        *base_url;
  char        *model;
  char        *api_key;
  guint        timeout_ms;
  guint        max_retries;
  guint        max_retry_delay_ms;
  double       temperature;
  guint        max_tokens;

  /* handoff_chat_client_follow_secret_store(): where the key comes from */
  HandoffSecretStore *store;
  GCancellable       *key_lookup;
};

G_DEFINE_FINAL_TYPE (HandoffChatClient, handoff_chat_client, G_TYPE_OBJECT)

static void reload_key (HandoffChatClient *self);

static void
handoff_chat_client_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  HandoffChatClient *self = HANDOFF_CHAT_CLIENT (object);

  switch (prop_id)
    {
    case PROP_BASE_URL:
      g_value_set_string (value, self->base_url);
      break;
    case PROP_MODEL:
      g_value_set_string (value, self->model);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
handoff_chat_client_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  HandoffChatClient *self = HANDOFF_CHAT_CLIENT (object);

  switch (prop_id)
    {
    case PROP_BASE_URL:
      handoff_chat_client_set_base_url (self, g_value_get_string (value));
      break;
    case PROP_MODEL:
      handoff_chat_client_set_model (self, g_value_get_string (value));
      break;
    case PROP_API_KEY:
      handoff_chat_client_set_api_key (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
handoff_chat_client_finalize (GObject *object)
{
  HandoffChatClient *self = HANDOFF_CHAT_CLIENT (object);

  if (self->key_lookup != NULL)
    g_cancellable_cancel (self->key_lookup);
  g_clear_object (&self->key_lookup);
  g_clear_object (&self->store);
  g_clear_object (&self->session);
  g_free (self->base_url);
  g_free (self->model);
  if (self->api_key != NULL)
    memset (self->api_key, 0, strlen (self->api_key));
  g_free (self->api_key);

  G_OBJECT_CLASS (handoff_chat_client_parent_class)->finalize (object);
}

static void
handoff_chat_client_class_init (HandoffChatClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = handoff_chat_client_get_property;
  object_class->set_property = handoff_chat_client_set_property;
  object_class->finalize = handoff_chat_client_finalize;

  props[PROP_BASE_URL] =
    g_param_spec_string ("base-url", NULL, NULL, HANDOFF_CHAT_DEFAULT_BASE_URL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  props[PROP_MODEL] =
    g_param_spec_string ("model", NULL, NULL, HANDOFF_CHAT_DEFAULT_MODEL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* Write-only: nothing reads the key back out of the object. */
  props[PROP_API_KEY] =
    g_param_spec_string ("api-key", NULL, NULL, NULL,
                         G_PARAM_WRITABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);

  /**
   * HandoffChatClient::changed:
   *
   * The endpoint, the model or the key changed: what was true of the last
   * request (online, offline, refused) may no longer be.
   */
  signals[CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
handoff_chat_client_init (HandoffChatClient *self)
{
  g_autofree char *ua = g_strdup_printf ("handoff/%s", PACKAGE_VERSION);

  /* Our own timers bound every wait; libsoup's are off. */
  self->session = soup_session_new_with_options ("user-agent", ua, "timeout", 0,
                                                 "idle-timeout", 60, NULL);
  self->base_url = g_strdup (HANDOFF_CHAT_DEFAULT_BASE_URL);
  self->model = g_strdup (HANDOFF_CHAT_DEFAULT_MODEL);
  self->timeout_ms = DEFAULT_TIMEOUT_MS;
  self->max_retries = DEFAULT_MAX_RETRIES;
  self->max_retry_delay_ms = DEFAULT_MAX_RETRY_DELAY_MS;
  self->temperature = 0.3;
}

/**
 * handoff_chat_client_new:
 * @base_url: (nullable): e.g. "https://api.groq.com/openai/v1"; %NULL for the default
 * @model: (nullable): model id; %NULL for the default
 * @api_key: (nullable): the bearer key; may be %NULL for a local endpoint
 */
HandoffChatClient *
handoff_chat_client_new (const char *base_url,
                         const char *model,
                         const char *api_key)
{
  HandoffChatClient *self = g_object_new (HANDOFF_TYPE_CHAT_CLIENT, NULL);

  if (base_url != NULL)
    handoff_chat_client_set_base_url (self, base_url);
  if (model != NULL)
    handoff_chat_client_set_model (self, model);
  handoff_chat_client_set_api_key (self, api_key);
  return self;
}

const char *
handoff_chat_client_get_base_url (HandoffChatClient *self)
{
  g_return_val_if_fail (HANDOFF_IS_CHAT_CLIENT (self), NULL);
  return self->base_url;
}

void
handoff_chat_client_set_base_url (HandoffChatClient *self,
                                  const char        *base_url)
{
  g_autofree char *trimmed = NULL;

  g_return_if_fail (HANDOFF_IS_CHAT_CLIENT (self));

  trimmed = g_strstrip (g_strdup (base_url ? base_url : ""));
  while (g_str_has_suffix (trimmed, "/"))
    trimmed[strlen (trimmed) - 1] = '\0';
  if (g_strcmp0 (trimmed, self->base_url) == 0)
    return;
  g_free (self->base_url);
  self->base_url = g_steal_pointer (&trimmed);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_BASE_URL]);
  if (self->store != NULL)
    {
      /* Keys belong to an endpoint: the old one must not go to the new
       * address, even for the moment the lookup takes. */
      handoff_chat_client_set_api_key (self, NULL);
      reload_key (self);
    }
  g_signal_emit (self, signals[CHANGED], 0);
}

const char *
handoff_chat_client_get_model (HandoffChatClient *self)
{
  g_return_val_if_fail (HANDOFF_IS_CHAT_CLIENT (self), NULL);
  return self->model;
}

void
handoff_chat_client_set_model (HandoffChatClient *self,
                               const char        *model)
{
  g_return_if_fail (HANDOFF_IS_CHAT_CLIENT (self));

  if (g_strcmp0 (model, self->model) == 0)
    return;
  g_free (self->model);
  self->model = g_strdup (model ? model : "");
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_MODEL]);
  g_signal_emit (self, signals[CHANGED], 0);
}

void
handoff_chat_client_set_api_key (HandoffChatClient *self,
                                 const char        *api_key)
{
  g_autofree char *key = NULL;

  g_return_if_fail (HANDOFF_IS_CHAT_CLIENT (self));

  key = api_key != NULL ? g_strstrip (g_strdup (api_key)) : NULL;
  if (key != NULL && *key == '\0')
    g_clear_pointer (&key, g_free);
  if (g_strcmp0 (key, self->api_key) == 0)
    {
      if (key != NULL)
        memset (key, 0, strlen (key));
      return;
    }
  if (self->api_key != NULL)
    memset (self->api_key, 0, strlen (self->api_key));
  g_free (self->api_key);
  self->api_key = g_steal_pointer (&key);
  g_signal_emit (self, signals[CHANGED], 0);
}

gboolean
handoff_chat_client_has_api_key (HandoffChatClient *self)
{
  g_return_val_if_fail (HANDOFF_IS_CHAT_CLIENT (self), FALSE);
  return self->api_key != NULL;
}

/* Usable: an http(s) base URL, a model, and a key unless the endpoint is on
 * this machine (llama.cpp, Ollama and similar need none). */
gboolean
handoff_chat_client_is_configured (HandoffChatClient *self)
{
  g_return_val_if_fail (HANDOFF_IS_CHAT_CLIENT (self), FALSE);

  return handoff_chat_wire_endpoint_usable (self->base_url, self->model)
         && (self->api_key != NULL || handoff_chat_wire_is_loopback (self->base_url));
}

guint
handoff_chat_client_get_timeout_ms (HandoffChatClient *self)
{
  g_return_val_if_fail (HANDOFF_IS_CHAT_CLIENT (self), 0);
  return self->timeout_ms;
}

void
handoff_chat_client_set_timeout_ms (HandoffChatClient *self,
                                    guint              timeout_ms)
{
  g_return_if_fail (HANDOFF_IS_CHAT_CLIENT (self));
  g_return_if_fail (timeout_ms > 0);

  self->timeout_ms = timeout_ms;
}

guint
handoff_chat_client_get_max_retries (HandoffChatClient *self)
{
  g_return_val_if_fail (HANDOFF_IS_CHAT_CLIENT (self), 0);
  return self->max_retries;
}

void
handoff_chat_client_set_max_retries (HandoffChatClient *self,
                                     guint              max_retries)
{
  g_return_if_fail (HANDOFF_IS_CHAT_CLIENT (self));

  self->max_retries = max_retries;
}

/* The longest wait between attempts; a Retry-After longer than this fails at once. */
void
handoff_chat_client_set_max_retry_delay_ms (HandoffChatClient *self,
                                            guint              delay_ms)
{
  g_return_if_fail (HANDOFF_IS_CHAT_CLIENT (self));
  self->max_retry_delay_ms = delay_ms;
}

void
handoff_chat_client_set_temperature (HandoffChatClient *self,
                                     double             temperature)
{
  g_return_if_fail (HANDOFF_IS_CHAT_CLIENT (self));
  g_return_if_fail (temperature >= 0 && temperature <= 2);
  self->temperature = temperature;
}

/* 0 leaves the length to the endpoint. */
void
handoff_chat_client_set_max_tokens (HandoffChatClient *self,
                                    guint              max_tokens)
{
  g_return_if_fail (HANDOFF_IS_CHAT_CLIENT (self));
  self->max_tokens = max_tokens;
}

/* Follows the app's ai-base-url and ai-model keys; the key comes from the keyring. */
void
handoff_chat_client_bind_settings (HandoffChatClient *self,
                                   GSettings         *settings)
{
  g_return_if_fail (HANDOFF_IS_CHAT_CLIENT (self));
  g_return_if_fail (G_IS_SETTINGS (settings));

  g_settings_bind (settings, "ai-base-url", self, "base-url", G_SETTINGS_BIND_GET);
  g_settings_bind (settings, "ai-model", self, "model", G_SETTINGS_BIND_GET);
}

/**
 * handoff_chat_client_complete_async:
 * @messages: (element-type HandoffChatMessage): the conversation, oldest first
 * @delta_func: (nullable): called with each piece of text as it arrives; @delta_data must
 *   stay valid until the operation completes
 *
 * Completes with the whole answer's text.
 */
void
handoff_chat_client_complete_async (HandoffChatClient   *self,
                                    GPtrArray           *messages,
                                    HandoffChatFlags     flags,
                                    HandoffChatDeltaFunc delta_func,
                                    gpointer             delta_data,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GBytes) body = NULL;
  HandoffChatRequestConfig config;

  g_return_if_fail (HANDOFF_IS_CHAT_CLIENT (self));
  g_return_if_fail (messages != NULL && messages->len > 0);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, handoff_chat_client_complete_async);
  g_task_set_check_cancellable (task, FALSE);

  if (!handoff_chat_wire_endpoint_usable (self->base_url, self->model))
    {
      g_task_return_new_error (task, HANDOFF_AI_ERROR, HANDOFF_AI_ERROR_NOT_CONFIGURED,
                               "The AI endpoint is not configured (base URL “%s”, "
                               "model “%s”)",
                               self->base_url, self->model);
      return;
    }
  body = handoff_chat_wire_build_request (self->model, messages, flags, self->temperature,
                                          self->max_tokens);
  config = (HandoffChatRequestConfig) {
    .session = self->session,
    .base_url = self->base_url,
    .model = self->model,
    .api_key = self->api_key,
    .timeout_ms = self->timeout_ms,
    .max_retries = self->max_retries,
    .max_retry_delay_ms = self->max_retry_delay_ms,
  };
  handoff_chat_request_run (task, &config, body, flags, delta_func, delta_data, cancellable);
}

char *
handoff_chat_client_complete_finish (HandoffChatClient *self,
                                     GAsyncResult      *result,
                                     GError           **error)
{
  g_return_val_if_fail (HANDOFF_IS_CHAT_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result))
                        == handoff_chat_client_complete_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
on_key_looked_up (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  HandoffChatClient *self = g_task_get_source_object (task);
  const char *account = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  char *key;

  key = handoff_secret_store_lookup_finish (HANDOFF_SECRET_STORE (source), result, &error);
  if (error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  /* The preferences save under the URL as typed, perhaps with a final "/". */
  if (key == NULL && !g_str_has_suffix (account, "/"))
    {
      g_autofree char *slashed = g_strconcat (account, "/", NULL);

      g_task_set_task_data (task, g_strdup (slashed), g_free);
      handoff_secret_store_lookup_async (HANDOFF_SECRET_STORE (source), HANDOFF_SECRET_AI_KEY,
                                         slashed, g_task_get_cancellable (task), on_key_looked_up,
                                         g_object_ref (task));
      return;
    }
  if (key != NULL)
    handoff_chat_client_set_api_key (self, key);
  g_task_return_boolean (task, key != NULL);
  if (key != NULL)
    memset (key, 0, strlen (key));
  g_free (key);
}

void
handoff_chat_client_load_key_async (HandoffChatClient  *self,
                                    HandoffSecretStore *store,
                                    GCancellable       *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (HANDOFF_IS_CHAT_CLIENT (self));
  g_return_if_fail (HANDOFF_IS_SECRET_STORE (store));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, handoff_chat_client_load_key_async);
  g_task_set_task_data (task, g_strdup (self->base_url), g_free);
  handoff_secret_store_lookup_async (store, HANDOFF_SECRET_AI_KEY, self->base_url, cancellable,
                                     on_key_looked_up, g_object_ref (task));
}

gboolean
handoff_chat_client_load_key_finish (HandoffChatClient *self,
                                     GAsyncResult      *result,
                                     GError           **error)
{
  g_return_val_if_fail (HANDOFF_IS_CHAT_CLIENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
on_followed_key (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  HandoffChatClient *self = HANDOFF_CHAT_CLIENT (source);
  g_autoptr(GError) error = NULL;

  if (handoff_chat_client_load_key_finish (self, result, &error))
    return;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (error != NULL)
    g_message ("Could not read the AI key from the keyring: %s", error->message);
  /* None saved for this endpoint (or it was just removed). */
  handoff_chat_client_set_api_key (self, NULL);
}

static void
reload_key (HandoffChatClient *self)
{
  g_assert (self->store != NULL);

  /* Only the newest lookup may set the key: an older one was for an
   * endpoint we no longer use. */
  if (self->key_lookup != NULL)
    g_cancellable_cancel (self->key_lookup);
  g_clear_object (&self->key_lookup);
  self->key_lookup = g_cancellable_new ();
  handoff_chat_client_load_key_async (self, self->store, self->key_lookup, on_followed_key, NULL);
}

static void
on_secret_changed (HandoffSecretStore *store,
                   const char         *kind,
                   const char         *account,
                   HandoffChatClient  *self)
{
  if (g_strcmp0 (kind, HANDOFF_SECRET_AI_KEY) == 0)
    reload_key (self);
}

/**
 * handoff_chat_client_follow_secret_store:
 * @store: where Preferences saves the key
 *
 * From now on the key is the one saved in @store for the current base URL: it
 * is looked up now, again whenever a key is saved or cleared there, and again
 * when the base URL changes (the key is dropped at once then, so a key never
 * reaches another endpoint). With handoff_chat_client_bind_settings() this is
 * how the running app takes a new key, endpoint or model without a restart.
 * The lookups are asynchronous; #HandoffChatClient::changed tells when a key
 * arrived.
 */
void
handoff_chat_client_follow_secret_store (HandoffChatClient  *self,
                                         HandoffSecretStore *store)
{
  g_return_if_fail (HANDOFF_IS_CHAT_CLIENT (self));
  g_return_if_fail (HANDOFF_IS_SECRET_STORE (store));
  g_return_if_fail (self->store == NULL);

  self->store = g_object_ref (store);
  g_signal_connect_object (store, "changed", G_CALLBACK (on_secret_changed), self, 0);
  reload_key (self);
}
