/* handoff-history.c: GET /api/v1/transfers with the chosen filters, kept
 * as a list model the history view binds to
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "handoff-history"

#include "config.h"

#include "handoff-core-error.h"
#include "handoff-history.h"

#define HISTORY_LIMIT 200

struct _HandoffHistory
{
  GObject              parent_instance;

  HandoffServerClient *client;
  GPtrArray           *records;
  char                *outcome;
  char                *agent_id;
  GDateTime           *since;
  GDateTime           *until;
  guint                total;
  guint                generation;
};

enum { PROP_0, PROP_TOTAL, N_PROPS };
static GParamSpec *props[N_PROPS];

static void handoff_history_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (HandoffHistory, handoff_history, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, handoff_history_list_model_init))

static GType
handoff_history_get_item_type (GListModel *model)
{
  return HANDOFF_TYPE_TRANSFER_RECORD;
}

static guint
handoff_history_get_n_items (GListModel *model)
{
  return HANDOFF_HISTORY (model)->records->len;
}

static gpointer
handoff_history_get_item (GListModel *model,
                          guint       position)
{
  HandoffHistory *self = HANDOFF_HISTORY (model);

  if (position >= self->records->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->records, position));
}

static void
handoff_history_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = handoff_history_get_item_type;
  iface->get_n_items = handoff_history_get_n_items;
  iface->get_item = handoff_history_get_item;
}

HandoffHistory *
handoff_history_new (HandoffServerClient *client)
{
  HandoffHistory *self;

  g_return_val_if_fail (HANDOFF_IS_SERVER_CLIENT (client), NULL);
  self = g_object_new (HANDOFF_TYPE_HISTORY, NULL);
  self->client = g_object_ref (client);
  return self;
}

void
handoff_history_set_outcome (HandoffHistory *self,
                             const char     *outcome)
{
  g_return_if_fail (HANDOFF_IS_HISTORY (self));
  g_free (self->outcome);
  self->outcome = g_strdup (outcome);
}

void
handoff_history_set_agent_id (HandoffHistory *self,
                              const char     *agent_id)
{
  g_return_if_fail (HANDOFF_IS_HISTORY (self));
  g_free (self->agent_id);
  self->agent_id = g_strdup (agent_id);
}

void
handoff_history_set_range (HandoffHistory *self,
                           GDateTime      *since,
                           GDateTime      *until)
{
  g_return_if_fail (HANDOFF_IS_HISTORY (self));
  g_clear_pointer (&self->since, g_date_time_unref);
  g_clear_pointer (&self->until, g_date_time_unref);
  self->since = since != NULL ? g_date_time_ref (since) : NULL;
  self->until = until != NULL ? g_date_time_ref (until) : NULL;
}

guint
handoff_history_get_total (HandoffHistory *self)
{
  g_return_val_if_fail (HANDOFF_IS_HISTORY (self), 0);
  return self->total;
}

static void
append_param (GString    *path,
              const char *name,
              const char *value)
{
  g_autofree char *escaped = g_uri_escape_string (value, NULL, FALSE);

  g_string_append_printf (path, "&%s=%s", name, escaped);
}

static void
append_time_param (GString    *path,
                   const char *name,
                   GDateTime  *time)
{
  g_autoptr(GDateTime) utc = g_date_time_to_utc (time);
  g_autofree char *text = g_date_time_format_iso8601 (utc);

  append_param (path, name, text);
}

static void
replace_records (HandoffHistory *self,
                 JsonArray      *transfers,
                 guint           total)
{
  guint removed = self->records->len;

  g_ptr_array_set_size (self->records, 0);
  for (guint i = 0; transfers != NULL && i < json_array_get_length (transfers); i++)
    {
      JsonNode *node = json_array_get_element (transfers, i);
      if (JSON_NODE_HOLDS_OBJECT (node))
        g_ptr_array_add (self->records, handoff_transfer_record_new_from_json (json_node_get_object (node)));
    }
  g_list_model_items_changed (G_LIST_MODEL (self), 0, removed, self->records->len);
  if (self->total != total)
    {
      self->total = total;
      g_object_notify_by_pspec (G_OBJECT (self), props[PROP_TOTAL]);
    }
}

static void
on_transfers (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  HandoffHistory *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = handoff_server_client_request_finish (HANDOFF_SERVER_CLIENT (source), result, &error);
  JsonObject *answer;
  JsonArray *transfers = NULL;
  gint64 total;

  if (root == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (GPOINTER_TO_UINT (g_task_get_task_data (task)) != self->generation)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "a newer refresh overtook this one");
      return;
    }
  answer = JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  if (answer != NULL && json_object_has_member (answer, "transfers") &&
      JSON_NODE_HOLDS_ARRAY (json_object_get_member (answer, "transfers")))
    transfers = json_object_get_array_member (answer, "transfers");
  if (transfers == NULL)
    {
      g_task_return_new_error (task, HANDOFF_API_ERROR, HANDOFF_API_ERROR_PROTOCOL,
                               "the server's history has no list of transfers");
      return;
    }
  total = handoff_json_get_int (answer, "total", json_array_get_length (transfers));
  replace_records (self, transfers, (guint) CLAMP (total, 0, G_MAXUINT));
  g_task_return_boolean (task, TRUE);
}

void
handoff_history_refresh_async (HandoffHistory      *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GString) path = g_string_new (NULL);
  GTask *task;

  g_return_if_fail (HANDOFF_IS_HISTORY (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, handoff_history_refresh_async);
  g_task_set_task_data (task, GUINT_TO_POINTER (++self->generation), NULL);
  g_string_printf (path, "/api/v1/transfers?limit=%u", HISTORY_LIMIT);
  if (self->outcome != NULL)
    append_param (path, "outcome", self->outcome);
  if (self->agent_id != NULL)
    append_param (path, "agent", self->agent_id);
  if (self->since != NULL)
    append_time_param (path, "since", self->since);
  if (self->until != NULL)
    append_time_param (path, "until", self->until);
  handoff_server_client_request_async (self->client, "GET", path->str, NULL, cancellable, on_transfers, task);
}

gboolean
handoff_history_refresh_finish (HandoffHistory  *self,
                                GAsyncResult    *result,
                                GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
handoff_history_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  HandoffHistory *self = HANDOFF_HISTORY (object);

  switch (prop_id)
    {
    case PROP_TOTAL:
      g_value_set_uint (value, self->total);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
handoff_history_finalize (GObject *object)
{
  HandoffHistory *self = HANDOFF_HISTORY (object);

  g_clear_object (&self->client);
  g_ptr_array_unref (self->records);
  g_free (self->outcome);
  g_free (self->agent_id);
  g_clear_pointer (&self->since, g_date_time_unref);
  g_clear_pointer (&self->until, g_date_time_unref);
  G_OBJECT_CLASS (handoff_history_parent_class)->finalize (object);
}

static void
handoff_history_class_init (HandoffHistoryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = handoff_history_get_property;
  object_class->finalize = handoff_history_finalize;
  props[PROP_TOTAL] = g_param_spec_uint ("total", NULL, NULL, 0, G_MAXUINT, 0,
                                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
handoff_history_init (HandoffHistory *self)
{
  self->records = g_ptr_array_new_with_free_func (g_object_unref);
}
