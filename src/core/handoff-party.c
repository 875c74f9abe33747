/* handoff-party.c: one participant of a call as the views show it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "handoff-core"

#include "handoff-party.h"

enum {
  PROP_0,
  PROP_IDENTITY,
  PROP_NAME,
  PROP_KIND,
  N_PROPS
};
static GParamSpec *props[N_PROPS];

struct _HandoffParty
{
  GObject  parent_instance;

  char    *identity;
  char    *name;
};

G_DEFINE_FINAL_TYPE (HandoffParty, handoff_party, G_TYPE_OBJECT)

static void
handoff_party_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  HandoffParty *self = HANDOFF_PARTY (object);

  switch (prop_id)
    {
    case PROP_IDENTITY: g_value_set_string (value, self->identity); break;
    case PROP_NAME: g_value_set_string (value, self->name); break;
    case PROP_KIND: g_value_set_string (value, handoff_party_get_kind (self)); break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
handoff_party_finalize (GObject *object)
{
  HandoffParty *self = HANDOFF_PARTY (object);

  g_free (self->identity);
  g_free (self->name);
  G_OBJECT_CLASS (handoff_party_parent_class)->finalize (object);
}

static void
handoff_party_class_init (HandoffPartyClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = handoff_party_get_property;
  object_class->finalize = handoff_party_finalize;

  props[PROP_IDENTITY] = g_param_spec_string ("identity", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  props[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  props[PROP_KIND] = g_param_spec_string ("kind", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
handoff_party_init (HandoffParty *self)
{
}

HandoffParty *
handoff_party_new (const char *identity,
                   const char *name)
{
  HandoffParty *self;

  g_return_val_if_fail (identity != NULL, NULL);
  self = g_object_new (HANDOFF_TYPE_PARTY, NULL);
  self->identity = g_strdup (identity);
  self->name = g_strdup (name && *name ? name : identity);
  return self;
}

const char *
handoff_party_get_identity (HandoffParty *self)
{
  g_return_val_if_fail (HANDOFF_IS_PARTY (self), NULL);
  return self->identity;
}

const char *
handoff_party_get_name (HandoffParty *self)
{
  g_return_val_if_fail (HANDOFF_IS_PARTY (self), NULL);
  return self->name;
}

const char *
handoff_party_get_kind (HandoffParty *self)
{
  g_return_val_if_fail (HANDOFF_IS_PARTY (self), NULL);
  if (g_str_has_prefix (self->identity, "agent"))
    return "agent";
  if (g_str_has_prefix (self->identity, "phone"))
    return "phone";
  return "caller";
}
