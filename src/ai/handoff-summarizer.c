/* handoff-summarizer.c: the transfer summary, from the LLM or offline
 *
 * The transfer must never wait on the LLM: the offline summary is computed
 * first (it takes milliseconds), the LLM gets a bounded deadline, and any
 * failure returns the offline summary with the reason. Text is redacted
 * before it is put in a request, so card numbers never leave the machine.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "handoff-ai"

#include <string.h>

#include "handoff-ai-error.h"
#include "handoff-offline-summarizer.h"
#include "handoff-summarizer.h"
#include "handoff-utterance.h"

/* Keep the request well inside an 8k-token context: the start of the call
 * (the reason) and its most recent part matter most. */
#define MAX_HEAD_CHARS 4000
#define MAX_TAIL_CHARS 20000

enum {
  DELTA,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

struct _HandoffSummarizer
{
  GObject            parent_instance;

  HandoffChatClient *client;
  guint              deadline_ms;
  HandoffRedactFlags redact;
  char              *caller;
};

G_DEFINE_FINAL_TYPE (HandoffSummarizer, handoff_summarizer, G_TYPE_OBJECT)

typedef struct {
  HandoffSummary *offline;
  char           *haystack;     /* normalised transcript + notes, to check identifiers */
  guint           redactions;
  GCancellable   *chat_cancel;
  GCancellable   *user_cancel;
  gulong          user_cancel_id;
  GSource        *deadline;
  gboolean        deadline_hit;
} Job;

static const char *system_prompt =
  "You write transfer briefs for call-centre agents. A colleague is about to take over a live "
  "call and will read your brief while the caller is on hold. Answer with one JSON object and "
  "nothing else, with these members:\n"
  "  \"reason\": string, why the caller called, one or two sentences;\n"
  "  \"customer\": string, the caller's name if it was said, else \"\";\n"
  "  \"sentiment\": string, one word for the caller's state of mind (calm, neutral, confused, "
  "anxious, frustrated, angry, satisfied), optionally followed by a short reason in brackets;\n"
  "  \"key_facts\": array of strings;\n"
  "  \"identifiers\": array of {\"type\": one of account, order, ticket, reference, email, phone, "
  "\"value\": string copied exactly from the transcript};\n"
  "  \"tried\": array of strings, what the caller or agent already tried;\n"
  "  \"promised\": array of strings, what the agent promised the caller;\n"
  "  \"next_steps\": array of strings, suggested next steps for the colleague;\n"
  "  \"open_questions\": array of strings, questions not yet answered.\n"
  "Use only what the transcript and the agent's notes say; leave an array empty when nothing "
  "applies. Text in square brackets such as [card ending 1234] was redacted on purpose.";

static void
job_free (gpointer data)
{
  Job *job = data;

  if (job->deadline != NULL)
    {
      g_source_destroy (job->deadline);
      g_source_unref (job->deadline);
    }
  if (job->user_cancel_id != 0)
    g_cancellable_disconnect (job->user_cancel, job->user_cancel_id);
  g_clear_object (&job->user_cancel);
  g_clear_object (&job->chat_cancel);
  g_clear_object (&job->offline);
  g_free (job->haystack);
  g_free (job);
}

static char *
normalise (const char *text)
{
  GString *out = g_string_new (NULL);

  for (const char *p = text; *p; p++)
    if (g_ascii_isalnum (*p) || *p == '@' || *p == '.')
      g_string_append_c (out, g_ascii_tolower (*p));
  return g_string_free (out, FALSE);
}

static void
handoff_summarizer_dispose (GObject *object)
{
  HandoffSummarizer *self = HANDOFF_SUMMARIZER (object);

  g_clear_object (&self->client);

  G_OBJECT_CLASS (handoff_summarizer_parent_class)->dispose (object);
}

static void
handoff_summarizer_finalize (GObject *object)
{
  HandoffSummarizer *self = HANDOFF_SUMMARIZER (object);

  g_free (self->caller);

  G_OBJECT_CLASS (handoff_summarizer_parent_class)->finalize (object);
}

static void
handoff_summarizer_class_init (HandoffSummarizerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = handoff_summarizer_dispose;
  object_class->finalize = handoff_summarizer_finalize;

  /* Each piece of the LLM's answer as it streams in, for a "writing…" view. */
  signals[DELTA] = g_signal_new ("delta", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                 NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
handoff_summarizer_init (HandoffSummarizer *self)
{
  self->deadline_ms = HANDOFF_SUMMARIZER_DEFAULT_DEADLINE_MS;
  self->redact = HANDOFF_REDACT_ALL;
}

/**
 * handoff_summarizer_new:
 * @client: (nullable): the chat client; %NULL means offline only
 */
HandoffSummarizer *
handoff_summarizer_new (HandoffChatClient *client)
{
  HandoffSummarizer *self = g_object_new (HANDOFF_TYPE_SUMMARIZER, NULL);

  handoff_summarizer_set_client (self, client);
  return self;
}

HandoffChatClient *
handoff_summarizer_get_client (HandoffSummarizer *self)
{
  g_return_val_if_fail (HANDOFF_IS_SUMMARIZER (self), NULL);
  return self->client;
}

void
handoff_summarizer_set_client (HandoffSummarizer *self,
                               HandoffChatClient *client)
{
  g_return_if_fail (HANDOFF_IS_SUMMARIZER (self));
  g_return_if_fail (client == NULL || HANDOFF_IS_CHAT_CLIENT (client));
  g_set_object (&self->client, client);
}

guint
handoff_summarizer_get_deadline_ms (HandoffSummarizer *self)
{
  g_return_val_if_fail (HANDOFF_IS_SUMMARIZER (self), 0);
  return self->deadline_ms;
}

void
handoff_summarizer_set_deadline_ms (HandoffSummarizer *self,
                                    guint              deadline_ms)
{
  g_return_if_fail (HANDOFF_IS_SUMMARIZER (self));
  g_return_if_fail (deadline_ms > 0);
  self->deadline_ms = deadline_ms;
}

HandoffRedactFlags
handoff_summarizer_get_redact (HandoffSummarizer *self)
{
  g_return_val_if_fail (HANDOFF_IS_SUMMARIZER (self), HANDOFF_REDACT_ALL);
  return self->redact;
}

void
handoff_summarizer_set_redact (HandoffSummarizer *self,
                               HandoffRedactFlags flags)
{
  g_return_if_fail (HANDOFF_IS_SUMMARIZER (self));
  self->redact = flags;
}

/* The speaker label of the caller, when the app knows it. */
void
handoff_summarizer_set_caller (HandoffSummarizer *self,
                               const char        *caller)
{
  g_return_if_fail (HANDOFF_IS_SUMMARIZER (self));
  g_free (self->caller);
  self->caller = g_strdup (caller);
}

static void
on_redact_changed (GSettings         *settings,
                   const char        *key,
                   HandoffSummarizer *self)
{
  self->redact = g_settings_get_boolean (settings, "redact") ? HANDOFF_REDACT_ALL
                                                            : HANDOFF_REDACT_NONE;
}

/* Follows the app's "redact" key (on: cards, CVVs and SSNs; off: nothing). */
void
handoff_summarizer_bind_settings (HandoffSummarizer *self,
                                  GSettings         *settings)
{
  g_return_if_fail (HANDOFF_IS_SUMMARIZER (self));
  g_return_if_fail (G_IS_SETTINGS (settings));

  g_signal_connect_object (settings, "changed::redact", G_CALLBACK (on_redact_changed), self, 0);
  on_redact_changed (settings, "redact", self);
}

GPtrArray *
handoff_summarizer_build_messages (GPtrArray  *utterances,
                                   const char *notes,
                                   const char *caller)
{
  GPtrArray *messages = g_ptr_array_new_with_free_func ((GDestroyNotify) handoff_chat_message_free);
  g_autofree char *transcript = handoff_utterances_to_text (utterances);
  g_autoptr(GString) user = g_string_new (NULL);
  gsize len = strlen (transcript);

  g_return_val_if_fail (utterances != NULL, NULL);

  g_ptr_array_add (messages, handoff_chat_message_new ("system", system_prompt));
  if (caller != NULL && *caller != '\0')
    g_string_append_printf (user, "The caller is the speaker labelled \"%s\".\n\n", caller);
  if (notes != NULL && *notes != '\0')
    g_string_append_printf (user, "Agent's notes:\n%s\n\n", notes);
  g_string_append (user, "Transcript so far:\n");
  if (len > MAX_HEAD_CHARS + MAX_TAIL_CHARS)
    {
      const char *head_end = g_utf8_find_prev_char (transcript, transcript + MAX_HEAD_CHARS);
      const char *tail = g_utf8_find_next_char (transcript + len - MAX_TAIL_CHARS - 1, NULL);

      g_string_append_len (user, transcript, head_end - transcript);
      g_string_append (user, "\n[… middle of the call omitted …]\n");
      g_string_append (user, tail);
    }
  else
    g_string_append (user, transcript);
  g_string_append (user, "\nWrite the JSON brief now.");
  g_ptr_array_add (messages, handoff_chat_message_new ("user", user->str));
  return messages;
}

HandoffSummary *
handoff_summarizer_summarize_offline (HandoffSummarizer *self,
                                      GPtrArray         *utterances,
                                      const char        *notes)
{
  g_autoptr(GPtrArray) redacted = NULL;
  g_autofree char *clean_notes = NULL;
  guint n = 0, n_notes = 0;
  HandoffSummary *summary;

  g_return_val_if_fail (HANDOFF_IS_SUMMARIZER (self), NULL);
  g_return_val_if_fail (utterances != NULL, NULL);

  redacted = handoff_redact_utterances (utterances, self->redact, &n);
  if (notes != NULL)
    clean_notes = handoff_redact_text (notes, self->redact, &n_notes);
  summary = handoff_offline_summarize (redacted, clean_notes, self->caller);
  handoff_summary_set_redactions (summary, n + n_notes);
  handoff_summary_track_edits (summary);
  return summary;
}

static void
return_offline (GTask      *task,
                const char *why)
{
  Job *job = g_task_get_task_data (task);

  g_debug ("Transfer summary written offline: %s", why);
  handoff_summary_set_fallback_reason (job->offline, why);
  handoff_summary_track_edits (job->offline);
  g_task_return_pointer (task, g_steal_pointer (&job->offline), g_object_unref);
}

/* Models wrap JSON in prose or ``` fences now and then. */
static char *
extract_json (const char *text)
{
  const char *open = strchr (text, '{');
  const char *close = strrchr (text, '}');

  if (open == NULL || close == NULL || close < open)
    return NULL;
  return g_strndup (open, close - open + 1);
}

static void
on_delta (const char *delta,
          gpointer    user_data)
{
  GTask *task = user_data;

  g_signal_emit (g_task_get_source_object (task), signals[DELTA], 0, delta);
}

static void
on_chat_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  HandoffSummarizer *self = g_task_get_source_object (task);
  Job *job = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(HandoffSummary) summary = NULL;
  g_autofree char *text = NULL;
  g_autofree char *json = NULL;
  g_autofree char *why = NULL;
  GPtrArray *ids;

  text = handoff_chat_client_complete_finish (HANDOFF_CHAT_CLIENT (source), result, &error);
  if (job->user_cancel != NULL && g_cancellable_is_cancelled (job->user_cancel))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Operation was cancelled");
      return;
    }
  if (job->deadline_hit)
    {
      why = g_strdup_printf ("The AI endpoint did not finish within %.1f s",
                             self->deadline_ms / 1000.0);
      return_offline (task, why);
      return;
    }
  if (text == NULL)
    {
      return_offline (task, error->message);
      return;
    }
  json = extract_json (text);
  summary = json ? handoff_summary_new_from_json (json, -1, &error) : NULL;
  if (summary == NULL)
    {
      why = g_strdup_printf ("The AI answer was not a usable summary: %s",
                             error ? error->message : "no JSON object in it");
      return_offline (task, why);
      return;
    }

  /* An identifier the transcript does not contain is a model's invention:
   * Agent B would type it into a back-office tool. */
  ids = handoff_summary_get_identifiers (summary);
  for (guint i = ids->len; i > 0; i--)
    {
      HandoffEntity *e = g_ptr_array_index (ids, i - 1);
      g_autofree char *needle = normalise (e->value);

      if (*needle == '\0' || strstr (job->haystack, needle) == NULL)
        g_ptr_array_remove_index (ids, i - 1);
    }
  /* What the patterns found is a fact too. */
  ids = handoff_summary_get_identifiers (job->offline);
  for (guint i = 0; i < ids->len; i++)
    {
      HandoffEntity *e = g_ptr_array_index (ids, i);
      handoff_summary_add_identifier (summary, e->kind, e->value);
    }
  handoff_summary_set_source (summary, HANDOFF_SUMMARY_SOURCE_LLM);
  handoff_summary_set_model (summary, handoff_chat_client_get_model (HANDOFF_CHAT_CLIENT (source)));
  handoff_summary_set_fallback_reason (summary, NULL);
  handoff_summary_set_redactions (summary, handoff_summary_get_redactions (job->offline));
  handoff_summary_track_edits (summary);
  g_task_return_pointer (task, g_steal_pointer (&summary), g_object_unref);
}

static gboolean
on_deadline (gpointer user_data)
{
  GTask *task = user_data;
  Job *job = g_task_get_task_data (task);

  job->deadline_hit = TRUE;
  g_clear_pointer (&job->deadline, g_source_unref);
  g_cancellable_cancel (job->chat_cancel);
  return G_SOURCE_REMOVE;
}

static void
on_user_cancelled (GCancellable *cancellable,
                   gpointer      user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
}

void
handoff_summarizer_summarize_async (HandoffSummarizer  *self,
                                    GPtrArray          *utterances,
                                    const char         *notes,
                                    GCancellable       *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GPtrArray) redacted = NULL;
  g_autoptr(GPtrArray) messages = NULL;
  g_autofree char *clean_notes = NULL;
  guint n = 0, n_notes = 0;
  Job *job;

  g_return_if_fail (HANDOFF_IS_SUMMARIZER (self));
  g_return_if_fail (utterances != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, handoff_summarizer_summarize_async);
  g_task_set_check_cancellable (task, FALSE);
  job = g_new0 (Job, 1);
  g_task_set_task_data (task, job, job_free);

  redacted = handoff_redact_utterances (utterances, self->redact, &n);
  if (notes != NULL)
    clean_notes = handoff_redact_text (notes, self->redact, &n_notes);
  job->redactions = n + n_notes;
  job->offline = handoff_offline_summarize (redacted, clean_notes, self->caller);
  handoff_summary_set_redactions (job->offline, job->redactions);

  if (g_cancellable_is_cancelled (cancellable))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Operation was cancelled");
      return;
    }
  if (self->client == NULL || !handoff_chat_client_is_configured (self->client))
    {
      return_offline (task, "No AI endpoint or key is configured");
      return;
    }
  if (redacted->len == 0 && clean_notes == NULL)
    {
      return_offline (task, "There is no transcript to summarise yet");
      return;
    }

  {
    g_autofree char *transcript = handoff_utterances_to_text (redacted);
    g_autofree char *all = g_strconcat (transcript, "\n", clean_notes ? clean_notes : "", NULL);

    job->haystack = normalise (all);
  }

  job->chat_cancel = g_cancellable_new ();
  if (cancellable != NULL)
    {
      job->user_cancel = g_object_ref (cancellable);
      job->user_cancel_id = g_cancellable_connect (cancellable, G_CALLBACK (on_user_cancelled),
                                                   g_object_ref (job->chat_cancel),
                                                   g_object_unref);
    }
  job->deadline = g_timeout_source_new (self->deadline_ms);
  g_source_set_callback (job->deadline, on_deadline, task, NULL);
  g_source_attach (job->deadline, g_task_get_context (task));

  messages = handoff_summarizer_build_messages (redacted, clean_notes, self->caller);
  /* Streamed, so the UI can show progress; Groq refuses json_object with
   * streaming, so the prompt asks for JSON and the answer is validated. */
  handoff_chat_client_complete_async (self->client, messages, HANDOFF_CHAT_STREAM, on_delta, task,
                                      job->chat_cancel, on_chat_done, g_object_ref (task));
}

HandoffSummary *
handoff_summarizer_summarize_finish (HandoffSummarizer *self,
                                     GAsyncResult      *result,
                                     GError           **error)
{
  g_return_val_if_fail (HANDOFF_IS_SUMMARIZER (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result))
                        == handoff_summarizer_summarize_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
