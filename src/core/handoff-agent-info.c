/* handoff-agent-info.c: one agent of the live directory
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "handoff-core"

#include "handoff-agent-info.h"
#include "handoff-server-client.h"

enum {
  PROP_0,
  PROP_ID,
  PROP_NAME,
  PROP_PRESENCE,
  PROP_SKILLS,
  PROP_SKILLS_TEXT,
  PROP_USERNAME,
  PROP_IDENTITY,
  PROP_ONLINE,
  PROP_ON_CALL,
  N_PROPS
};
static GParamSpec *props[N_PROPS];

struct _HandoffAgentInfo
{
  GObject   parent_instance;

  char     *id;
  char     *name;
  char     *presence;
  char     *username;
  char     *identity;
  gboolean  online;
  gboolean  on_call;
  GStrv     skills;
};

G_DEFINE_FINAL_TYPE (HandoffAgentInfo, handoff_agent_info, G_TYPE_OBJECT)

static void
handoff_agent_info_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  HandoffAgentInfo *self = HANDOFF_AGENT_INFO (object);

  switch (prop_id)
    {
    case PROP_ID: g_value_set_string (value, self->id); break;
    case PROP_NAME: g_value_set_string (value, self->name); break;
    case PROP_PRESENCE: g_value_set_string (value, self->presence); break;
    case PROP_SKILLS: g_value_set_boxed (value, self->skills); break;
    case PROP_USERNAME: g_value_set_string (value, self->username); break;
    case PROP_IDENTITY: g_value_set_string (value, self->identity); break;
    case PROP_ONLINE: g_value_set_boolean (value, self->online); break;
    case PROP_ON_CALL: g_value_set_boolean (value, self->on_call); break;
    case PROP_SKILLS_TEXT:
      g_value_take_string (value, self->skills ? g_strjoinv (", ", self->skills) : g_strdup (""));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
handoff_agent_info_finalize (GObject *object)
{
  HandoffAgentInfo *self = HANDOFF_AGENT_INFO (object);

  g_free (self->id);
  g_free (self->name);
  g_free (self->presence);
  g_free (self->username);
  g_free (self->identity);
  g_strfreev (self->skills);
  G_OBJECT_CLASS (handoff_agent_info_parent_class)->finalize (object);
}

static void
handoff_agent_info_class_init (HandoffAgentInfoClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = handoff_agent_info_get_property;
  object_class->finalize = handoff_agent_info_finalize;

  props[PROP_ID] = g_param_spec_string ("id", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  props[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  props[PROP_PRESENCE] = g_param_spec_string ("presence", NULL, NULL, NULL,
                                              G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  props[PROP_SKILLS] = g_param_spec_boxed ("skills", NULL, NULL, G_TYPE_STRV,
                                           G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  props[PROP_SKILLS_TEXT] = g_param_spec_string ("skills-text", NULL, NULL, NULL,
                                                 G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  props[PROP_USERNAME] = g_param_spec_string ("username", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  props[PROP_IDENTITY] = g_param_spec_string ("identity", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  props[PROP_ONLINE] = g_param_spec_boolean ("online", NULL, NULL, FALSE,
                                             G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* Derived by the server (an active call, or an accepted transfer), not
   * chosen: "presence" stays what the agent set, for after the call. */
  props[PROP_ON_CALL] = g_param_spec_boolean ("on-call", NULL, NULL, FALSE,
                                              G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
handoff_agent_info_init (HandoffAgentInfo *self)
{
}

HandoffAgentInfo *
handoff_agent_info_new_from_json (JsonObject *object)
{
  HandoffAgentInfo *self;

  g_return_val_if_fail (object != NULL, NULL);
  self = g_object_new (HANDOFF_TYPE_AGENT_INFO, NULL);
  handoff_agent_info_update (self, object);
  return self;
}

void
handoff_agent_info_update (HandoffAgentInfo *self,
                           JsonObject       *object)
{
  const char *id;
  JsonArray *skills;

  g_return_if_fail (HANDOFF_IS_AGENT_INFO (self));

  id = handoff_json_get_string (object, "id", handoff_json_get_string (object, "username", NULL));
  if (id && g_strcmp0 (id, self->id) != 0)
    {
      g_free (self->id);
      self->id = g_strdup (id);
    }
  if (handoff_json_get_string (object, "username", NULL))
    {
      g_free (self->username);
      self->username = g_strdup (handoff_json_get_string (object, "username", NULL));
    }
  if (handoff_json_get_string (object, "identity", NULL))
    {
      g_free (self->identity);
      self->identity = g_strdup (handoff_json_get_string (object, "identity", NULL));
    }
  else if (self->identity == NULL && self->username != NULL)
    self->identity = g_strdup_printf ("agent-%s", self->username);
  if (handoff_json_get_string (object, "display_name", NULL) || self->name == NULL)
    {
      g_free (self->name);
      self->name = g_strdup (handoff_json_get_string (object, "display_name",
                             handoff_json_get_string (object, "name",
                             self->username ? self->username : self->id)));
    }
  if (json_object_has_member (object, "online") &&
      self->online != json_object_get_boolean_member_with_default (object, "online", FALSE))
    {
      self->online = !self->online;
      g_object_notify_by_pspec (G_OBJECT (self), props[PROP_ONLINE]);
    }
  if (json_object_has_member (object, "on_call") &&
      self->on_call != json_object_get_boolean_member_with_default (object, "on_call", FALSE))
    {
      self->on_call = !self->on_call;
      g_object_notify_by_pspec (G_OBJECT (self), props[PROP_ON_CALL]);
    }
  if (json_object_has_member (object, "status"))
    handoff_agent_info_set_presence (self, handoff_json_get_string (object, "status", "away"));
  else if (json_object_has_member (object, "presence"))
    handoff_agent_info_set_presence (self, handoff_json_get_string (object, "presence", "away"));
  else if (self->presence == NULL)
    self->presence = g_strdup ("away");

  if (json_object_has_member (object, "skills") &&
      JSON_NODE_HOLDS_ARRAY (json_object_get_member (object, "skills")))
    {
      g_autoptr(GStrvBuilder) b = g_strv_builder_new ();

      skills = json_object_get_array_member (object, "skills");
      for (guint i = 0; i < json_array_get_length (skills); i++)
        {
          JsonNode *n = json_array_get_element (skills, i);
          if (JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_STRING)
            g_strv_builder_add (b, json_node_get_string (n));
        }
      g_strfreev (self->skills);
      self->skills = g_strv_builder_end (b);
      g_object_notify_by_pspec (G_OBJECT (self), props[PROP_SKILLS]);
      g_object_notify_by_pspec (G_OBJECT (self), props[PROP_SKILLS_TEXT]);
    }
}

const char *
handoff_agent_info_get_id (HandoffAgentInfo *self)
{
  g_return_val_if_fail (HANDOFF_IS_AGENT_INFO (self), NULL);
  return self->id;
}

const char *
handoff_agent_info_get_name (HandoffAgentInfo *self)
{
  g_return_val_if_fail (HANDOFF_IS_AGENT_INFO (self), NULL);
  return self->name;
}

const char *
handoff_agent_info_get_username (HandoffAgentInfo *self)
{
  g_return_val_if_fail (HANDOFF_IS_AGENT_INFO (self), NULL);
  return self->username;
}

const char *
handoff_agent_info_get_identity (HandoffAgentInfo *self)
{
  g_return_val_if_fail (HANDOFF_IS_AGENT_INFO (self), NULL);
  return self->identity;
}

gboolean
handoff_agent_info_get_online (HandoffAgentInfo *self)
{
  g_return_val_if_fail (HANDOFF_IS_AGENT_INFO (self), FALSE);
  return self->online;
}

gboolean
handoff_agent_info_get_on_call (HandoffAgentInfo *self)
{
  g_return_val_if_fail (HANDOFF_IS_AGENT_INFO (self), FALSE);
  return self->on_call;
}

const char *
handoff_agent_info_get_presence (HandoffAgentInfo *self)
{
  g_return_val_if_fail (HANDOFF_IS_AGENT_INFO (self), NULL);
  return self->presence;
}

void
handoff_agent_info_set_presence (HandoffAgentInfo *self,
                                 const char       *presence)
{
  g_return_if_fail (HANDOFF_IS_AGENT_INFO (self));
  if (g_strcmp0 (self->presence, presence) == 0)
    return;
  g_free (self->presence);
  self->presence = g_strdup (presence);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_PRESENCE]);
}

const char * const *
handoff_agent_info_get_skills (HandoffAgentInfo *self)
{
  g_return_val_if_fail (HANDOFF_IS_AGENT_INFO (self), NULL);
  return (const char * const *) self->skills;
}

gboolean
handoff_agent_info_matches (HandoffAgentInfo *self,
                            const char       *search)
{
  g_autofree char *needle = NULL;

  g_return_val_if_fail (HANDOFF_IS_AGENT_INFO (self), FALSE);
  if (search == NULL || search[0] == '\0')
    return TRUE;
  needle = g_utf8_casefold (search, -1);
  {
    g_autofree char *n = g_utf8_casefold (self->name ? self->name : "", -1);
    g_autofree char *i = g_utf8_casefold (self->username ? self->username : "", -1);
    if (strstr (n, needle) || strstr (i, needle))
      return TRUE;
  }
  for (guint k = 0; self->skills && self->skills[k]; k++)
    {
      g_autofree char *s = g_utf8_casefold (self->skills[k], -1);
      if (strstr (s, needle))
        return TRUE;
    }
  return FALSE;
}
