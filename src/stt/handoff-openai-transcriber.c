/* handoff-openai-transcriber.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "handoff-openai-stt"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "handoff-openai-transcriber.h"
#include "lk-main-context.h"
#include "handoff-stt-error.h"
#include "handoff-vad.h"

#define REQUEST_TIMEOUT_S 30

typedef struct
{
  GBytes       *pcm;
  GstClockTime  start;
  GstClockTime  end;
  guint         index;
} Utterance;

struct _HandoffOpenaiTranscriber
{
  HandoffCloudTranscriber parent_instance;

  char              *language;

  /* Streaming thread. */
  HandoffVad        *vad;
  guint              next_index;
  gint               unsent;          /* atomic: utterances cut but not answered */

  /* Main context. */
  GQueue             queue;           /* Utterance, waiting to be sent */
  gboolean           busy;
  gboolean           draining;
};

enum {
  PROP_0,
  PROP_LANGUAGE,
  N_PROPS
};

static GParamSpec *props[N_PROPS];

G_DEFINE_FINAL_TYPE (HandoffOpenaiTranscriber, handoff_openai_transcriber,
                     HANDOFF_TYPE_CLOUD_TRANSCRIBER)

#define CLOUD(self) HANDOFF_CLOUD_TRANSCRIBER (self)

static void send_next (HandoffOpenaiTranscriber *self);

static void
utterance_free (gpointer data)
{
  Utterance *utterance = data;

  g_bytes_unref (utterance->pcm);
  g_free (utterance);
}

static void
fall_back (HandoffOpenaiTranscriber *self,
           int                       code,
           const char               *message)
{
  handoff_cloud_transcriber_fall_back (CLOUD (self), code, message);
}

static void
maybe_done (HandoffOpenaiTranscriber *self)
{
  if (self->draining && !self->busy && g_queue_is_empty (&self->queue) && !handoff_cloud_transcriber_is_stopped (CLOUD (self)))
    handoff_transcriber_cloud_done (HANDOFF_TRANSCRIBER (self));
}

static char *
parse_error_message (GBytes *body)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  gsize size = 0;
  const char *data = body ? g_bytes_get_data (body, &size) : NULL;
  JsonNode *root;
  JsonObject *error;

  if (!data || !json_parser_load_from_data (parser, data, size, NULL))
    return NULL;
  root = json_parser_get_root (parser);
  if (!root || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  error = json_object_get_object_member (json_node_get_object (root), "error");
  if (!error || !json_object_has_member (error, "message"))
    return NULL;
  return g_strdup (json_object_get_string_member (error, "message"));
}

typedef struct
{
  HandoffOpenaiTranscriber *self;
  Utterance                *utterance;
  SoupMessage              *msg;
} Request;

static void
request_free (Request *request)
{
  g_object_unref (request->self);
  utterance_free (request->utterance);
  g_object_unref (request->msg);
  g_free (request);
}

static void
on_response (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Request *request = user_data;
  HandoffOpenaiTranscriber *self = request->self;
  HandoffTranscriber *transcriber = HANDOFF_TRANSCRIBER (self);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *detail = NULL;
  g_autofree char *why = NULL;
  const char *text = NULL;
  guint status;
  JsonNode *root;

  body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  self->busy = FALSE;
  if (handoff_cloud_transcriber_is_stopped (CLOUD (self)))
    goto out;

  status = soup_message_get_status (request->msg);
  if (!body)
    {
      why = g_strdup_printf ("cannot reach the transcription endpoint: %s", error->message);
      fall_back (self, HANDOFF_STT_ERROR_NETWORK, why);
      goto out;
    }
  if (status == SOUP_STATUS_UNAUTHORIZED || status == SOUP_STATUS_FORBIDDEN)
    {
      why = g_strdup_printf ("the transcription endpoint refused the API key (HTTP %u)", status);
      fall_back (self, HANDOFF_STT_ERROR_UNAUTHORIZED, why);
      goto out;
    }
  if (status == SOUP_STATUS_BAD_REQUEST || status == SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE ||
      status == SOUP_STATUS_UNPROCESSABLE_ENTITY)
    {
      /* This utterance only: the next one may well go through. */
      detail = parse_error_message (body);
      g_warning ("Transcription endpoint rejected an utterance (HTTP %u): %s",
                 status, detail ? detail : "no detail");
      handoff_transcriber_confirm (transcriber, request->utterance->end);
      goto next;
    }
  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      detail = parse_error_message (body);
      why = g_strdup_printf ("the transcription endpoint answered HTTP %u%s%s", status,
                             detail ? ": " : "", detail ? detail : "");
      fall_back (self, HANDOFF_STT_ERROR_PROTOCOL, why);
      goto out;
    }

  if (json_parser_load_from_data (parser, g_bytes_get_data (body, NULL),
                                  g_bytes_get_size (body), NULL) &&
      (root = json_parser_get_root (parser)) && JSON_NODE_HOLDS_OBJECT (root))
    text = json_object_get_string_member_with_default (json_node_get_object (root), "text", NULL);
  if (!text)
    {
      fall_back (self, HANDOFF_STT_ERROR_PROTOCOL,
                 "the transcription endpoint answered without a \"text\" member");
      goto out;
    }

  {
    g_autofree char *key = g_strdup_printf ("o%u", request->utterance->index);
    g_autofree char *trimmed = g_strstrip (g_strdup (text));

    if (*trimmed)
      handoff_transcriber_emit_segment (transcriber, key, trimmed, request->utterance->start,
                                        request->utterance->end, TRUE);
    else
      handoff_transcriber_confirm (transcriber, request->utterance->end);
  }

next:
  g_atomic_int_add (&self->unsent, -1);
  send_next (self);
  maybe_done (self);
out:
  request_free (request);
}

static void
send_next (HandoffOpenaiTranscriber *self)
{
  g_autoptr(SoupMultipart) multipart = NULL;
  g_autoptr(GBytes) wav = NULL;
  g_autofree char *url = NULL;
  g_autofree char *auth = NULL;
  Request *request;
  Utterance *utterance;
  const char *base;

  if (self->busy || handoff_cloud_transcriber_is_stopped (CLOUD (self)) || !(utterance = g_queue_pop_head (&self->queue)))
    return;

  base = handoff_cloud_transcriber_get_base_url (CLOUD (self));
  url = g_strdup_printf ("%s%saudio/transcriptions", base, g_str_has_suffix (base, "/") ? "" : "/");

  wav = handoff_wav_encode (utterance->pcm, 16000);
  multipart = soup_multipart_new (SOUP_FORM_MIME_TYPE_MULTIPART);
  soup_multipart_append_form_file (multipart, "file", "utterance.wav", "audio/wav", wav);
  soup_multipart_append_form_string (multipart, "model", handoff_cloud_transcriber_get_model (CLOUD (self)));
  soup_multipart_append_form_string (multipart, "response_format", "json");
  if (self->language && *self->language)
    soup_multipart_append_form_string (multipart, "language", self->language);

  request = g_new0 (Request, 1);
  request->self = g_object_ref (self);
  request->utterance = utterance;
  request->msg = soup_message_new_from_multipart (url, multipart);
  if (!request->msg)
    {
      request_free (request);
      fall_back (self, HANDOFF_STT_ERROR_INVALID_INPUT, "the transcription URL is not valid");
      return;
    }
  auth = g_strdup_printf ("Bearer %s", handoff_cloud_transcriber_get_api_key (CLOUD (self)));
  soup_message_headers_replace (soup_message_get_request_headers (request->msg),
                                "Authorization", auth);
  self->busy = TRUE;
  soup_session_send_and_read_async (handoff_cloud_transcriber_get_session (CLOUD (self)), request->msg,
                                    G_PRIORITY_DEFAULT, handoff_cloud_transcriber_get_cancellable (CLOUD (self)),
                                    on_response, request);
}

typedef struct
{
  HandoffOpenaiTranscriber *self;
  Utterance                *utterance;
} Handover;

static gboolean
queue_in_main (gpointer data)
{
  Handover *handover = data;
  HandoffOpenaiTranscriber *self = handover->self;

  if (!handoff_cloud_transcriber_is_stopped (CLOUD (self)))
    {
      const char *key = handoff_cloud_transcriber_get_api_key (CLOUD (self));

      g_queue_push_tail (&self->queue, g_steal_pointer (&handover->utterance));
      if (!key || !*key)
        fall_back (self, HANDOFF_STT_ERROR_NO_KEY, "no API key is set for the transcription endpoint");
      else
        send_next (self);
    }
  return G_SOURCE_REMOVE;
}

static void
handover_free (gpointer data)
{
  Handover *handover = data;

  g_object_unref (handover->self);
  if (handover->utterance)
    utterance_free (handover->utterance);
  g_free (handover);
}

/* Streaming thread (from the VAD). */
static void
on_utterance (gpointer      user_data,
              GBytes       *pcm,
              GstClockTime  start,
              GstClockTime  end)
{
  HandoffOpenaiTranscriber *self = user_data;
  Handover *handover = g_new0 (Handover, 1);

  handover->self = g_object_ref (self);
  handover->utterance = g_new0 (Utterance, 1);
  handover->utterance->pcm = g_bytes_ref (pcm);
  handover->utterance->start = start;
  handover->utterance->end = end;
  handover->utterance->index = self->next_index++;
  g_atomic_int_inc (&self->unsent);
  lk_main_context_invoke (handoff_transcriber_get_context (HANDOFF_TRANSCRIBER (self)),
                          G_PRIORITY_DEFAULT, queue_in_main, handover, handover_free);
}

static void
handoff_openai_transcriber_audio (HandoffTranscriber *transcriber,
                                  GstBuffer          *buffer)
{
  HandoffOpenaiTranscriber *self = HANDOFF_OPENAI_TRANSCRIBER (transcriber);
  GstMapInfo map;

  if (!gst_buffer_map (buffer, &map, GST_MAP_READ))
    return;
  handoff_vad_feed (self->vad, (const gint16 *) map.data, map.size / 2, GST_BUFFER_PTS (buffer));
  gst_buffer_unmap (buffer, &map);

  /* Silence nobody is waiting on need not be kept for a fallback. */
  if (!handoff_vad_in_speech (self->vad) && g_atomic_int_get (&self->unsent) == 0 &&
      GST_BUFFER_PTS (buffer) > GST_SECOND)
    handoff_transcriber_confirm (transcriber, GST_BUFFER_PTS (buffer) - GST_SECOND);
}

static gboolean
drain_after_flush (gpointer data)
{
  HandoffOpenaiTranscriber *self = data;

  self->draining = TRUE;
  maybe_done (self);
  return G_SOURCE_REMOVE;
}

static void
handoff_openai_transcriber_drain (HandoffTranscriber *transcriber)
{
  HandoffOpenaiTranscriber *self = HANDOFF_OPENAI_TRANSCRIBER (transcriber);

  /* The streaming thread is done (EOS), so the VAD is ours now; the
   * flushed utterance is queued through the context like the others, so
   * draining starts after it. */
  handoff_vad_flush (self->vad);
  lk_main_context_invoke (handoff_transcriber_get_context (transcriber), G_PRIORITY_DEFAULT,
                          drain_after_flush, g_object_ref (self), g_object_unref);
}

static void
handoff_openai_transcriber_stop (HandoffTranscriber *transcriber)
{
  HandoffOpenaiTranscriber *self = HANDOFF_OPENAI_TRANSCRIBER (transcriber);

  HANDOFF_TRANSCRIBER_CLASS (handoff_openai_transcriber_parent_class)->stop (transcriber);
  g_queue_clear_full (&self->queue, utterance_free);
}

static void
handoff_openai_transcriber_get_property (GObject    *object,
                                         guint       prop_id,
                                         GValue     *value,
                                         GParamSpec *pspec)
{
  HandoffOpenaiTranscriber *self = HANDOFF_OPENAI_TRANSCRIBER (object);

  switch (prop_id)
    {
    case PROP_LANGUAGE:
      g_value_set_string (value, self->language);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
handoff_openai_transcriber_set_property (GObject      *object,
                                         guint         prop_id,
                                         const GValue *value,
                                         GParamSpec   *pspec)
{
  HandoffOpenaiTranscriber *self = HANDOFF_OPENAI_TRANSCRIBER (object);

  switch (prop_id)
    {
    case PROP_LANGUAGE:
      g_free (self->language);
      self->language = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
handoff_openai_transcriber_dispose (GObject *object)
{
  HandoffOpenaiTranscriber *self = HANDOFF_OPENAI_TRANSCRIBER (object);

  G_OBJECT_CLASS (handoff_openai_transcriber_parent_class)->dispose (object);
  handoff_openai_transcriber_stop (HANDOFF_TRANSCRIBER (self));
}

static void
handoff_openai_transcriber_finalize (GObject *object)
{
  HandoffOpenaiTranscriber *self = HANDOFF_OPENAI_TRANSCRIBER (object);

  g_free (self->language);
  handoff_vad_free (self->vad);

  G_OBJECT_CLASS (handoff_openai_transcriber_parent_class)->finalize (object);
}

static void
handoff_openai_transcriber_class_init (HandoffOpenaiTranscriberClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  HandoffTranscriberClass *transcriber_class = HANDOFF_TRANSCRIBER_CLASS (klass);
  HandoffCloudTranscriberClass *cloud_class = HANDOFF_CLOUD_TRANSCRIBER_CLASS (klass);

  object_class->get_property = handoff_openai_transcriber_get_property;
  object_class->set_property = handoff_openai_transcriber_set_property;
  object_class->dispose = handoff_openai_transcriber_dispose;
  object_class->finalize = handoff_openai_transcriber_finalize;

  transcriber_class->audio = handoff_openai_transcriber_audio;
  transcriber_class->drain = handoff_openai_transcriber_drain;
  transcriber_class->stop = handoff_openai_transcriber_stop;

  cloud_class->default_base_url = HANDOFF_OPENAI_STT_DEFAULT_URL;
  cloud_class->default_model = HANDOFF_OPENAI_STT_DEFAULT_MODEL;
  cloud_class->timeout_s = REQUEST_TIMEOUT_S;

  props[PROP_LANGUAGE] = g_param_spec_string ("language", NULL, NULL, NULL,
                                              G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
handoff_openai_transcriber_init (HandoffOpenaiTranscriber *self)
{
  self->vad = handoff_vad_new (16000, on_utterance, self);
  g_queue_init (&self->queue);
}
