/* handoff-sse-parser.c: incremental text/event-stream parser
 *
 * Network chunks cut lines (and "\r\n" pairs) anywhere, so the parser keeps
 * the unfinished line between calls and dispatches an event only on the blank
 * line that ends it, as the WHATWG event-stream grammar says.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "handoff-ai"

#include <string.h>

#include "handoff-ai-error.h"
#include "handoff-sse-parser.h"

/* A line longer than this is not an SSE stream we want to keep in memory. */
#define MAX_LINE (1024 * 1024)

struct _HandoffSseParser
{
  HandoffSseEventFunc func;
  gpointer            user_data;
  GString            *line;
  GString            *data;
  char               *event;
  gboolean            has_data;
  gboolean            skip_lf;   /* last chunk ended in "\r"; a leading "\n" belongs to it */
  gboolean            stopped;
};

HandoffSseParser *
handoff_sse_parser_new (HandoffSseEventFunc func,
                        gpointer            user_data)
{
  HandoffSseParser *self = g_new0 (HandoffSseParser, 1);

  self->func = func;
  self->user_data = user_data;
  self->line = g_string_new (NULL);
  self->data = g_string_new (NULL);
  return self;
}

void
handoff_sse_parser_free (HandoffSseParser *self)
{
  if (self == NULL)
    return;
  g_string_free (self->line, TRUE);
  g_string_free (self->data, TRUE);
  g_free (self->event);
  g_free (self);
}

static void
dispatch (HandoffSseParser *self)
{
  if (self->has_data)
    {
      /* The last data line's "\n" is not part of the data. */
      if (self->data->len > 0 && self->data->str[self->data->len - 1] == '\n')
        g_string_truncate (self->data, self->data->len - 1);
      if (!self->func (self->event ? self->event : "message", self->data->str, self->user_data))
        self->stopped = TRUE;
    }
  g_string_truncate (self->data, 0);
  g_clear_pointer (&self->event, g_free);
  self->has_data = FALSE;
}

static void
process_line (HandoffSseParser *self,
              const char       *line,
              gsize             len)
{
  const char *colon;
  g_autofree char *field = NULL;
  const char *value = "";
  gsize value_len = 0;

  if (len == 0)
    {
      dispatch (self);
      return;
    }
  if (line[0] == ':')
    return;

  colon = memchr (line, ':', len);
  if (colon != NULL)
    {
      field = g_strndup (line, colon - line);
      value = colon + 1;
      value_len = len - (colon - line) - 1;
      if (value_len > 0 && value[0] == ' ')
        {
          value++;
          value_len--;
        }
    }
  else
    field = g_strndup (line, len);

  if (strcmp (field, "data") == 0)
    {
      g_string_append_len (self->data, value, value_len);
      g_string_append_c (self->data, '\n');
      self->has_data = TRUE;
    }
  else if (strcmp (field, "event") == 0)
    {
      g_free (self->event);
      self->event = g_strndup (value, value_len);
    }
  /* "id" and "retry" mean nothing for chat completions. */
}

gboolean
handoff_sse_parser_feed (HandoffSseParser *self,
                         const char       *data,
                         gsize             len,
                         GError          **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  for (gsize i = 0; i < len && !self->stopped; i++)
    {
      char c = data[i];

      if (self->skip_lf)
        {
          self->skip_lf = FALSE;
          if (c == '\n')
            continue;
        }
      if (c == '\r' || c == '\n')
        {
          self->skip_lf = (c == '\r');
          process_line (self, self->line->str, self->line->len);
          g_string_truncate (self->line, 0);
          continue;
        }
      g_string_append_c (self->line, c);
      if (self->line->len > MAX_LINE)
        {
          g_set_error (error, HANDOFF_AI_ERROR, HANDOFF_AI_ERROR_INVALID_RESPONSE,
                       "The event stream has a line longer than %d bytes", MAX_LINE);
          return FALSE;
        }
    }
  return TRUE;
}

/* End of stream: servers often omit the blank line after the last event. */
void
handoff_sse_parser_finish (HandoffSseParser *self)
{
  g_return_if_fail (self != NULL);

  if (self->stopped)
    return;
  if (self->line->len > 0)
    {
      process_line (self, self->line->str, self->line->len);
      g_string_truncate (self->line, 0);
    }
  dispatch (self);
}
