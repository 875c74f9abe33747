/* handoff-assistant.c: the agent's assistant chat, with the live transcript as context
 *
 * Each question is sent with the current transcript (redacted) as a system
 * message and the last turns as memory, and streamed back. Without an
 * endpoint, or after the endpoint failed, the assistant says plainly that it
 * is offline; the quick prompts then still answer from the offline
 * summarizer, marked "(Offline)".
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "handoff-ai"

#include <string.h>

#include "handoff-ai-error.h"
#include "handoff-assistant.h"
#include "handoff-offline-summarizer.h"
#include "handoff-utterance.h"

/* The most recent part of the call matters most to "what now?". */
#define MAX_TRANSCRIPT_CHARS 12000
/* After the endpoint failed, quick prompts answer from the transcript at
 * once for this long instead of trying it again: against an endpoint that
 * accepts and never answers, every click would otherwise wait out the whole
 * timeout (30 s) for the same offline answer. Free questions, which have no
 * offline answer, always try. */
#define QUICK_RETRY_AFTER_US (60 * G_USEC_PER_SEC)

enum {
  PROP_0,
  PROP_ONLINE,
  PROP_OFFLINE_REASON,
  N_PROPS
};

static GParamSpec *props[N_PROPS];

struct _HandoffAssistant
{
  GObject            parent_instance;

  HandoffChatClient *client;
  HandoffRedactFlags redact;
  GPtrArray         *transcript;   /* HandoffUtterance, redacted */
  GListModel        *model;        /* nullable: the live transcript to read at each question */
  GPtrArray         *history;      /* HandoffChatMessage */
  char              *failure;      /* why the last request failed, until one succeeds */
  gint64             failed_us;    /* monotonic time of the last failure */
};

G_DEFINE_FINAL_TYPE (HandoffAssistant, handoff_assistant, G_TYPE_OBJECT)

static void on_client_changed (HandoffChatClient *client,
                               HandoffAssistant  *self);

typedef struct {
  char    *question;
  gboolean quick;
  int      prompt;
  gboolean offline;
} Ask;

static const char *system_prompt =
  "You assist a call-centre agent during a live call. Be brief and concrete: the agent reads your "
  "answer while talking. Use only what the transcript says about the caller; say so when "
  "something is not known. Text in square brackets such as [card ending 1234] was redacted on "
  "purpose; never ask for it again.";

static const char * const prompt_texts[] = {
  [HANDOFF_ASSISTANT_PROMPT_SUMMARISE] =
    "Summarise the call so far in a few short bullet points: the caller's problem, what has been "
    "done, and what is still open.",
  [HANDOFF_ASSISTANT_PROMPT_SUGGEST_REPLY] =
    "Suggest what I could say to the caller next, in one or two sentences, calm and helpful.",
  [HANDOFF_ASSISTANT_PROMPT_NEXT_QUESTION] =
    "What should I ask the caller next to resolve this? Give up to three questions, most "
    "important first.",
};

static void
ask_free (gpointer data)
{
  Ask *ask = data;

  g_free (ask->question);
  g_free (ask);
}

static void
set_failure (HandoffAssistant *self,
             const char       *failure)
{
  gboolean was_online = handoff_assistant_get_online (self);

  self->failed_us = failure != NULL ? g_get_monotonic_time () : 0;
  if (g_strcmp0 (self->failure, failure) == 0)
    return;
  g_free (self->failure);
  self->failure = g_strdup (failure);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_OFFLINE_REASON]);
  if (was_online != handoff_assistant_get_online (self))
    g_object_notify_by_pspec (G_OBJECT (self), props[PROP_ONLINE]);
}

static void
handoff_assistant_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  HandoffAssistant *self = HANDOFF_ASSISTANT (object);

  switch (prop_id)
    {
    case PROP_ONLINE:
      g_value_set_boolean (value, handoff_assistant_get_online (self));
      break;
    case PROP_OFFLINE_REASON:
      g_value_set_string (value, handoff_assistant_get_offline_reason (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
handoff_assistant_dispose (GObject *object)
{
  HandoffAssistant *self = HANDOFF_ASSISTANT (object);

  if (self->client != NULL)
    g_signal_handlers_disconnect_by_func (self->client, on_client_changed, self);
  g_clear_object (&self->client);
  g_clear_object (&self->model);

  G_OBJECT_CLASS (handoff_assistant_parent_class)->dispose (object);
}

static void
handoff_assistant_finalize (GObject *object)
{
  HandoffAssistant *self = HANDOFF_ASSISTANT (object);

  g_ptr_array_unref (self->transcript);
  g_ptr_array_unref (self->history);
  g_free (self->failure);

  G_OBJECT_CLASS (handoff_assistant_parent_class)->finalize (object);
}

static void
handoff_assistant_class_init (HandoffAssistantClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = handoff_assistant_get_property;
  object_class->dispose = handoff_assistant_dispose;
  object_class->finalize = handoff_assistant_finalize;

  props[PROP_ONLINE] =
    g_param_spec_boolean ("online", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  props[PROP_OFFLINE_REASON] =
    g_param_spec_string ("offline-reason", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
handoff_assistant_init (HandoffAssistant *self)
{
  self->redact = HANDOFF_REDACT_ALL;
  self->transcript = handoff_utterances_new ();
  self->history = g_ptr_array_new_with_free_func ((GDestroyNotify) handoff_chat_message_free);
}

/**
 * handoff_assistant_new:
 * @client: (nullable): %NULL for an assistant that is offline
 */
HandoffAssistant *
handoff_assistant_new (HandoffChatClient *client)
{
  HandoffAssistant *self = g_object_new (HANDOFF_TYPE_ASSISTANT, NULL);

  handoff_assistant_set_client (self, client);
  return self;
}

/* A new key, endpoint or model (Preferences, at run time): what failed
 * before may work now, and the agent should see that before asking. */
static void
on_client_changed (HandoffChatClient *client,
                   HandoffAssistant  *self)
{
  g_clear_pointer (&self->failure, g_free);
  self->failed_us = 0;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_OFFLINE_REASON]);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_ONLINE]);
}

void
handoff_assistant_set_client (HandoffAssistant  *self,
                              HandoffChatClient *client)
{
  gboolean was_online;

  g_return_if_fail (HANDOFF_IS_ASSISTANT (self));
  g_return_if_fail (client == NULL || HANDOFF_IS_CHAT_CLIENT (client));

  was_online = handoff_assistant_get_online (self);
  if (self->client != NULL)
    g_signal_handlers_disconnect_by_func (self->client, on_client_changed, self);
  g_set_object (&self->client, client);
  if (client != NULL)
    g_signal_connect_object (client, "changed", G_CALLBACK (on_client_changed), self, 0);
  g_clear_pointer (&self->failure, g_free);
  self->failed_us = 0;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_OFFLINE_REASON]);
  if (was_online != handoff_assistant_get_online (self))
    g_object_notify_by_pspec (G_OBJECT (self), props[PROP_ONLINE]);
}

void
handoff_assistant_set_redact (HandoffAssistant  *self,
                              HandoffRedactFlags flags)
{
  g_return_if_fail (HANDOFF_IS_ASSISTANT (self));
  self->redact = flags;
}

static void
on_redact_changed (GSettings        *settings,
                   const char       *key,
                   HandoffAssistant *self)
{
  handoff_assistant_set_redact (self, g_settings_get_boolean (settings, "redact")
                                      ? HANDOFF_REDACT_ALL : HANDOFF_REDACT_NONE);
}

/* Follows the app's "redact" key, as handoff_summarizer_bind_settings() does
 * (on: cards, CVVs and SSNs; off: nothing). A live transcript model is read
 * and redacted again at each question, so a change applies to the next one. */
void
handoff_assistant_bind_settings (HandoffAssistant *self,
                                 GSettings        *settings)
{
  g_return_if_fail (HANDOFF_IS_ASSISTANT (self));
  g_return_if_fail (G_IS_SETTINGS (settings));

  g_signal_connect_object (settings, "changed::redact", G_CALLBACK (on_redact_changed), self, 0);
  on_redact_changed (settings, "redact", self);
}

void
handoff_assistant_set_transcript (HandoffAssistant *self,
                                  GPtrArray        *utterances)
{
  g_return_if_fail (HANDOFF_IS_ASSISTANT (self));
  g_return_if_fail (utterances != NULL);

  g_ptr_array_unref (self->transcript);
  self->transcript = handoff_redact_utterances (utterances, self->redact, NULL);
}

/**
 * handoff_assistant_set_transcript_model:
 * @model: (nullable): a #GListModel of #HandoffSegment (stt's HandoffTranscript)
 */
void
handoff_assistant_set_transcript_model (HandoffAssistant *self,
                                        GListModel       *model)
{
  g_return_if_fail (HANDOFF_IS_ASSISTANT (self));
  g_return_if_fail (model == NULL || G_IS_LIST_MODEL (model));

  g_set_object (&self->model, model);
}

static void
refresh_transcript (HandoffAssistant *self)
{
  g_autoptr(GPtrArray) utterances = NULL;

  if (self->model == NULL)
    return;
  utterances = handoff_utterances_from_list_model (self->model);
  handoff_assistant_set_transcript (self, utterances);
}

gboolean
handoff_assistant_get_online (HandoffAssistant *self)
{
  g_return_val_if_fail (HANDOFF_IS_ASSISTANT (self), FALSE);
  return self->client != NULL && handoff_chat_client_is_configured (self->client)
         && self->failure == NULL;
}

/* A sentence for the agent; NULL when online. */
const char *
handoff_assistant_get_offline_reason (HandoffAssistant *self)
{
  g_return_val_if_fail (HANDOFF_IS_ASSISTANT (self), NULL);

  if (self->client == NULL || !handoff_chat_client_is_configured (self->client))
    return "No AI endpoint or key is set up";
  return self->failure;
}

GPtrArray *
handoff_assistant_get_history (HandoffAssistant *self)
{
  g_return_val_if_fail (HANDOFF_IS_ASSISTANT (self), NULL);
  return self->history;
}

void
handoff_assistant_clear_history (HandoffAssistant *self)
{
  g_return_if_fail (HANDOFF_IS_ASSISTANT (self));
  g_ptr_array_set_size (self->history, 0);
}

const char *
handoff_assistant_prompt_text (HandoffAssistantPrompt prompt)
{
  g_return_val_if_fail ((guint) prompt < G_N_ELEMENTS (prompt_texts), NULL);
  return prompt_texts[prompt];
}

static GPtrArray *
build_messages (HandoffAssistant *self,
                const char       *question)
{
  GPtrArray *messages = g_ptr_array_new_with_free_func ((GDestroyNotify) handoff_chat_message_free);
  g_autofree char *text = handoff_utterances_to_text (self->transcript);
  g_autofree char *context = NULL;
  gsize len = strlen (text);
  guint first;

  g_ptr_array_add (messages, handoff_chat_message_new ("system", system_prompt));
  if (len > MAX_TRANSCRIPT_CHARS)
    context = g_strdup_printf ("Live transcript (latest part):\n…%s",
                               g_utf8_find_next_char (text + len - MAX_TRANSCRIPT_CHARS - 1, NULL));
  else if (len > 0)
    context = g_strdup_printf ("Live transcript so far:\n%s", text);
  else
    context = g_strdup ("The call has no transcript yet.");
  g_ptr_array_add (messages, handoff_chat_message_new ("system", context));

  first = self->history->len > 2 * HANDOFF_ASSISTANT_MEMORY_TURNS
          ? self->history->len - 2 * HANDOFF_ASSISTANT_MEMORY_TURNS : 0;
  for (guint i = first; i < self->history->len; i++)
    g_ptr_array_add (messages, handoff_chat_message_copy (g_ptr_array_index (self->history, i)));
  g_ptr_array_add (messages, handoff_chat_message_new ("user", question));
  return messages;
}

/* Quick prompts answered from the transcript alone. */
static char *
offline_answer (HandoffAssistant      *self,
                HandoffAssistantPrompt prompt)
{
  g_autoptr(HandoffSummary) summary = handoff_offline_summarize (self->transcript, NULL, NULL);
  g_autoptr(GString) out = g_string_new ("(Offline) ");
  const char * const *open = handoff_summary_get_list (summary, HANDOFF_SUMMARY_OPEN_QUESTIONS);
  const char * const *promised = handoff_summary_get_list (summary, HANDOFF_SUMMARY_PROMISED);
  const char *sentiment = handoff_summary_get_sentiment (summary);
  GPtrArray *ids = handoff_summary_get_identifiers (summary);
  gboolean has_id = FALSE, has_contact = FALSE;

  for (guint i = 0; i < ids->len; i++)
    {
      HandoffEntity *e = g_ptr_array_index (ids, i);
      has_id |= handoff_entity_kind_is_identifier (e->kind);
      has_contact |= e->kind == HANDOFF_ENTITY_EMAIL || e->kind == HANDOFF_ENTITY_PHONE;
    }

  switch (prompt)
    {
    case HANDOFF_ASSISTANT_PROMPT_SUMMARISE:
      {
        g_autofree char *text = handoff_summary_render_text (summary);
        g_string_append (out, text);
      }
      break;
    case HANDOFF_ASSISTANT_PROMPT_SUGGEST_REPLY:
      if (sentiment != NULL && (g_str_has_prefix (sentiment, "frustrated")
                                || g_str_has_prefix (sentiment, "angry")
                                || g_str_has_prefix (sentiment, "anxious")))
        g_string_append (out, "I'm sorry about this, and I understand why you're concerned. ");
      else
        g_string_append (out, "Thank you for your patience. ");
      if (promised[0] != NULL)
        g_string_append_printf (out, "To confirm what happens next: %s", promised[0]);
      else
        g_string_append (out, "Let me make sure I have understood the problem correctly.");
      break;
    case HANDOFF_ASSISTANT_PROMPT_NEXT_QUESTION:
      if (self->transcript->len == 0)
        g_string_append (out, "- How can I help you today?\n");
      if (!has_id)
        g_string_append (out, "- Could I have your account, order or ticket number?\n");
      if (!has_contact)
        g_string_append (out, "- What is the best phone number or email to reach you?\n");
      for (guint i = 0; open[i] != NULL && i < 2; i++)
        g_string_append_printf (out, "- Follow up on the caller's question: %s\n", open[i]);
      if (has_id && has_contact && open[0] == NULL)
        g_string_append (out, "- Is there anything else I can help you with today?\n");
      break;
    default:
      g_assert_not_reached ();
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static void
remember (HandoffAssistant *self,
          const char       *question,
          const char       *answer)
{
  g_ptr_array_add (self->history, handoff_chat_message_new ("user", question));
  g_ptr_array_add (self->history, handoff_chat_message_new ("assistant", answer));
}

static void
return_offline_answer (GTask *task)
{
  HandoffAssistant *self = g_task_get_source_object (task);
  Ask *ask = g_task_get_task_data (task);
  char *answer = offline_answer (self, ask->prompt);

  ask->offline = TRUE;
  remember (self, ask->question, answer);
  g_task_return_pointer (task, answer, g_free);
}

static void
on_answered (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  HandoffAssistant *self = g_task_get_source_object (task);
  Ask *ask = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *answer = NULL;

  answer = handoff_chat_client_complete_finish (HANDOFF_CHAT_CLIENT (source), result, &error);
  if (answer == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      set_failure (self, error->message);
      if (ask->quick)
        return_offline_answer (task);
      else
        g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  set_failure (self, NULL);
  remember (self, ask->question, answer);
  g_task_return_pointer (task, g_steal_pointer (&answer), g_free);
}

static void
ask_common (HandoffAssistant    *self,
            Ask                 *ask,
            HandoffChatDeltaFunc delta_func,
            gpointer             delta_data,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(GPtrArray) messages = NULL;
  g_autofree char *question = NULL;

  g_task_set_source_tag (task, handoff_assistant_ask_async);
  g_task_set_task_data (task, ask, ask_free);
  refresh_transcript (self);

  /* A failed endpoint is tried again on the next question: networks come back. */
  if (self->client == NULL || !handoff_chat_client_is_configured (self->client))
    {
      if (ask->quick)
        return_offline_answer (task);
      else
        g_task_return_new_error (task, HANDOFF_AI_ERROR, HANDOFF_AI_ERROR_NOT_CONFIGURED,
                                 "The assistant is offline: %s. The quick prompts still answer "
                                 "from the transcript.",
                                 handoff_assistant_get_offline_reason (self));
      return;
    }
  if (ask->quick && self->failure != NULL
      && g_get_monotonic_time () - self->failed_us < QUICK_RETRY_AFTER_US)
    {
      return_offline_answer (task);
      return;
    }
  question = handoff_redact_text (ask->question, self->redact, NULL);
  messages = build_messages (self, question);
  handoff_chat_client_complete_async (self->client, messages, HANDOFF_CHAT_STREAM, delta_func,
                                      delta_data, cancellable, on_answered, g_object_ref (task));
}

void
handoff_assistant_ask_async (HandoffAssistant    *self,
                             const char          *question,
                             HandoffChatDeltaFunc delta_func,
                             gpointer             delta_data,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  Ask *ask;

  g_return_if_fail (HANDOFF_IS_ASSISTANT (self));
  g_return_if_fail (question != NULL && *question != '\0');

  ask = g_new0 (Ask, 1);
  ask->question = g_strdup (question);
  ask_common (self, ask, delta_func, delta_data, cancellable, callback, user_data);
}

void
handoff_assistant_ask_prompt_async (HandoffAssistant      *self,
                                    HandoffAssistantPrompt prompt,
                                    HandoffChatDeltaFunc   delta_func,
                                    gpointer               delta_data,
                                    GCancellable          *cancellable,
                                    GAsyncReadyCallback    callback,
                                    gpointer               user_data)
{
  Ask *ask;

  g_return_if_fail (HANDOFF_IS_ASSISTANT (self));
  g_return_if_fail ((guint) prompt < G_N_ELEMENTS (prompt_texts));

  ask = g_new0 (Ask, 1);
  ask->question = g_strdup (prompt_texts[prompt]);
  ask->quick = TRUE;
  ask->prompt = prompt;
  ask_common (self, ask, delta_func, delta_data, cancellable, callback, user_data);
}

/**
 * handoff_assistant_ask_finish:
 * @offline_answer: (out) (optional): whether the answer came from the offline fallback
 */
char *
handoff_assistant_ask_finish (HandoffAssistant *self,
                              GAsyncResult     *result,
                              gboolean         *offline_answer,
                              GError          **error)
{
  g_return_val_if_fail (HANDOFF_IS_ASSISTANT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  if (offline_answer != NULL)
    {
      Ask *ask = g_task_get_task_data (G_TASK (result));
      *offline_answer = ask->offline;
    }
  return g_task_propagate_pointer (G_TASK (result), error);
}
