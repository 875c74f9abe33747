/* handoff-cloud-transcriber.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "handoff-cloud-stt"

#include <string.h>

#include "handoff-cloud-transcriber.h"
#include "handoff-stt-error.h"

typedef struct
{
  char         *api_key;
  char         *base_url;
  char         *model;
  SoupSession  *session;
  GCancellable *cancellable;
  gboolean      stopped;
} HandoffCloudTranscriberPrivate;

enum {
  PROP_0,
  PROP_API_KEY,
  PROP_BASE_URL,
  PROP_MODEL,
  N_PROPS
};

static GParamSpec *props[N_PROPS];

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (HandoffCloudTranscriber, handoff_cloud_transcriber,
                                     HANDOFF_TYPE_TRANSCRIBER)

#define PRIV(self) ((HandoffCloudTranscriberPrivate *) handoff_cloud_transcriber_get_instance_private (self))

static void
wipe_key (HandoffCloudTranscriberPrivate *priv)
{
  if (priv->api_key)
    memset (priv->api_key, 0, strlen (priv->api_key));
  g_clear_pointer (&priv->api_key, g_free);
}

const char *
handoff_cloud_transcriber_get_api_key (HandoffCloudTranscriber *self)
{
  g_return_val_if_fail (HANDOFF_IS_CLOUD_TRANSCRIBER (self), NULL);
  return PRIV (self)->api_key;
}

const char *
handoff_cloud_transcriber_get_base_url (HandoffCloudTranscriber *self)
{
  g_return_val_if_fail (HANDOFF_IS_CLOUD_TRANSCRIBER (self), NULL);
  if (PRIV (self)->base_url && *PRIV (self)->base_url)
    return PRIV (self)->base_url;
  return HANDOFF_CLOUD_TRANSCRIBER_GET_CLASS (self)->default_base_url;
}

const char *
handoff_cloud_transcriber_get_model (HandoffCloudTranscriber *self)
{
  g_return_val_if_fail (HANDOFF_IS_CLOUD_TRANSCRIBER (self), NULL);
  if (PRIV (self)->model && *PRIV (self)->model)
    return PRIV (self)->model;
  return HANDOFF_CLOUD_TRANSCRIBER_GET_CLASS (self)->default_model;
}

SoupSession *
handoff_cloud_transcriber_get_session (HandoffCloudTranscriber *self)
{
  HandoffCloudTranscriberPrivate *priv;
  HandoffCloudTranscriberClass *klass;

  g_return_val_if_fail (HANDOFF_IS_CLOUD_TRANSCRIBER (self), NULL);
  priv = PRIV (self);
  klass = HANDOFF_CLOUD_TRANSCRIBER_GET_CLASS (self);
  if (priv->session == NULL)
    priv->session = soup_session_new_with_options ("timeout", klass->timeout_s,
                                                   "idle-timeout", klass->idle_timeout_s, NULL);
  return priv->session;
}

GCancellable *
handoff_cloud_transcriber_get_cancellable (HandoffCloudTranscriber *self)
{
  g_return_val_if_fail (HANDOFF_IS_CLOUD_TRANSCRIBER (self), NULL);
  return PRIV (self)->cancellable;
}

gboolean
handoff_cloud_transcriber_is_stopped (HandoffCloudTranscriber *self)
{
  g_return_val_if_fail (HANDOFF_IS_CLOUD_TRANSCRIBER (self), TRUE);
  return PRIV (self)->stopped;
}

void
handoff_cloud_transcriber_fall_back (HandoffCloudTranscriber *self,
                                     int                      code,
                                     const char              *reason)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (HANDOFF_IS_CLOUD_TRANSCRIBER (self));
  error = g_error_new_literal (HANDOFF_STT_ERROR, code, reason);
  handoff_transcriber_fall_back (HANDOFF_TRANSCRIBER (self), error);
}

static void
handoff_cloud_transcriber_stop (HandoffTranscriber *transcriber)
{
  HandoffCloudTranscriberPrivate *priv = PRIV (HANDOFF_CLOUD_TRANSCRIBER (transcriber));

  priv->stopped = TRUE;
  g_cancellable_cancel (priv->cancellable);
}

static void
handoff_cloud_transcriber_get_property (GObject    *object,
                                        guint       prop_id,
                                        GValue     *value,
                                        GParamSpec *pspec)
{
  HandoffCloudTranscriber *self = HANDOFF_CLOUD_TRANSCRIBER (object);

  switch (prop_id)
    {
    case PROP_API_KEY:
      g_value_set_string (value, PRIV (self)->api_key);
      break;
    case PROP_BASE_URL:
      g_value_set_string (value, handoff_cloud_transcriber_get_base_url (self));
      break;
    case PROP_MODEL:
      g_value_set_string (value, handoff_cloud_transcriber_get_model (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
handoff_cloud_transcriber_set_property (GObject      *object,
                                        guint         prop_id,
                                        const GValue *value,
                                        GParamSpec   *pspec)
{
  HandoffCloudTranscriberPrivate *priv = PRIV (HANDOFF_CLOUD_TRANSCRIBER (object));

  switch (prop_id)
    {
    case PROP_API_KEY:
      wipe_key (priv);
      priv->api_key = g_value_dup_string (value);
      break;
    case PROP_BASE_URL:
      g_free (priv->base_url);
      priv->base_url = g_value_dup_string (value);
      break;
    case PROP_MODEL:
      g_free (priv->model);
      priv->model = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
handoff_cloud_transcriber_dispose (GObject *object)
{
  HandoffCloudTranscriberPrivate *priv = PRIV (HANDOFF_CLOUD_TRANSCRIBER (object));

  G_OBJECT_CLASS (handoff_cloud_transcriber_parent_class)->dispose (object);
  g_cancellable_cancel (priv->cancellable);
  g_clear_object (&priv->session);
}

static void
handoff_cloud_transcriber_finalize (GObject *object)
{
  HandoffCloudTranscriberPrivate *priv = PRIV (HANDOFF_CLOUD_TRANSCRIBER (object));

  wipe_key (priv);
  g_free (priv->base_url);
  g_free (priv->model);
  g_clear_object (&priv->cancellable);

  G_OBJECT_CLASS (handoff_cloud_transcriber_parent_class)->finalize (object);
}

static void
handoff_cloud_transcriber_class_init (HandoffCloudTranscriberClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  HandoffTranscriberClass *transcriber_class = HANDOFF_TRANSCRIBER_CLASS (klass);

  object_class->get_property = handoff_cloud_transcriber_get_property;
  object_class->set_property = handoff_cloud_transcriber_set_property;
  object_class->dispose = handoff_cloud_transcriber_dispose;
  object_class->finalize = handoff_cloud_transcriber_finalize;
  transcriber_class->stop = handoff_cloud_transcriber_stop;
  klass->timeout_s = 30;
  klass->idle_timeout_s = 60;

  props[PROP_API_KEY] = g_param_spec_string ("api-key", NULL, NULL, NULL,
                                             G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  /* NULL or empty: the backend's default. */
  props[PROP_BASE_URL] = g_param_spec_string ("base-url", NULL, NULL, NULL,
                                              G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  props[PROP_MODEL] = g_param_spec_string ("model", NULL, NULL, NULL,
                                           G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
handoff_cloud_transcriber_init (HandoffCloudTranscriber *self)
{
  PRIV (self)->cancellable = g_cancellable_new ();
}
