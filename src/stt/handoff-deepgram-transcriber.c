/* handoff-deepgram-transcriber.c
 *
 * Wire format (Deepgram's documented streaming API): a WebSocket to
 * /v1/listen?encoding=linear16&sample_rate=16000&channels=1&
 * interim_results=true&punctuate=true with "Authorization: Token KEY";
 * binary frames of raw audio up; JSON text frames down, of which
 * {"type":"Results", "start", "duration", "is_final", "speech_final",
 *  "channel":{"alternatives":[{"transcript"}]}} carry the text. Interim
 * results revise the current window until one with is_final closes it; the
 * next window starts where it ended. {"type":"CloseStream"} asks the server
 * to flush, send a Metadata message and close.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "handoff-deepgram"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "handoff-cloud-transcriber.h"
#include "handoff-deepgram-transcriber.h"
#include "handoff-stt-error.h"
#include "lk-main-context.h"

/* How long the server may take to flush after CloseStream. */
#define DRAIN_TIMEOUT_S 15

struct _HandoffDeepgramTranscriber
{
  HandoffCloudTranscriber   parent_instance;

  SoupWebsocketConnection  *ws;
  GQueue                    pending;        /* GBytes not sent yet */
  gboolean                  connecting;
  gboolean                  draining;
  guint                     window;
  gboolean                  window_shown;   /* an interim of this window was emitted */
  guint                     drain_timeout_id;
};

G_DEFINE_FINAL_TYPE (HandoffDeepgramTranscriber, handoff_deepgram_transcriber,
                     HANDOFF_TYPE_CLOUD_TRANSCRIBER)

#define CLOUD(self) HANDOFF_CLOUD_TRANSCRIBER (self)

static void
fall_back (HandoffDeepgramTranscriber *self,
           int                         code,
           const char                 *message)
{
  handoff_cloud_transcriber_fall_back (CLOUD (self), code, message);
}

static char *
build_url (HandoffDeepgramTranscriber *self)
{
  const char *base = handoff_cloud_transcriber_get_base_url (CLOUD (self));
  const char *model = handoff_cloud_transcriber_get_model (CLOUD (self));
  GString *url = g_string_new (NULL);

  /* libsoup makes WebSocket handshakes from http(s) URLs. */
  if (g_str_has_prefix (base, "wss://"))
    g_string_append_printf (url, "https://%s", base + 6);
  else if (g_str_has_prefix (base, "ws://"))
    g_string_append_printf (url, "http://%s", base + 5);
  else
    g_string_append (url, base);
  g_string_append_c (url, strchr (base, '?') ? '&' : '?');
  g_string_append (url, "encoding=linear16&sample_rate=16000&channels=1"
                        "&interim_results=true&punctuate=true");
  if (model && *model)
    {
      g_autofree char *escaped = g_uri_escape_string (model, NULL, FALSE);

      g_string_append_printf (url, "&model=%s", escaped);
    }
  return g_string_free (url, FALSE);
}

static void
flush_pending (HandoffDeepgramTranscriber *self)
{
  GBytes *bytes;

  while ((bytes = g_queue_pop_head (&self->pending)))
    {
      gsize size;
      gconstpointer data = g_bytes_get_data (bytes, &size);

      if (self->ws && soup_websocket_connection_get_state (self->ws) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_send_binary (self->ws, data, size);
      g_bytes_unref (bytes);
    }
}

static void
send_close_stream (HandoffDeepgramTranscriber *self)
{
  if (!self->ws || soup_websocket_connection_get_state (self->ws) != SOUP_WEBSOCKET_STATE_OPEN)
    return;
  flush_pending (self);
  soup_websocket_connection_send_text (self->ws, "{\"type\":\"CloseStream\"}");
}

static void
handle_results (HandoffDeepgramTranscriber *self,
                JsonObject                 *root)
{
  HandoffTranscriber *transcriber = HANDOFF_TRANSCRIBER (self);
  JsonObject *channel;
  JsonArray *alternatives;
  const char *text = "";
  gboolean final;
  double start, duration;
  GstClockTime t0, t1;
  g_autofree char *key = NULL;

  channel = json_object_get_object_member (root, "channel");
  alternatives = channel && json_object_has_member (channel, "alternatives")
                 ? json_object_get_array_member (channel, "alternatives") : NULL;
  if (alternatives && json_array_get_length (alternatives) > 0)
    {
      JsonObject *best = json_array_get_object_element (alternatives, 0);

      if (best && json_object_has_member (best, "transcript"))
        text = json_object_get_string_member (best, "transcript");
    }
  if (!text)
    text = "";
  final = json_object_get_boolean_member_with_default (root, "is_final", FALSE);
  start = json_object_get_double_member_with_default (root, "start", 0);
  duration = json_object_get_double_member_with_default (root, "duration", 0);
  t0 = start > 0 ? (GstClockTime) (start * GST_SECOND) : 0;
  t1 = t0 + (duration > 0 ? (GstClockTime) (duration * GST_SECOND) : 0);
  key = g_strdup_printf ("d%u", self->window);

  if (!final)
    {
      if (*text)
        {
          self->window_shown = TRUE;
          handoff_transcriber_emit_segment (transcriber, key, text, t0, t1, FALSE);
        }
      return;
    }

  /* A final window of silence still tells us the audio is done with; a
   * final that clears an interim must be emitted so the interim goes away. */
  if (*text || self->window_shown)
    handoff_transcriber_emit_segment (transcriber, key, text, t0, t1, TRUE);
  else
    handoff_transcriber_confirm (transcriber, t1);
  self->window++;
  self->window_shown = FALSE;
}

static void
on_ws_message (SoupWebsocketConnection *ws,
               int                      type,
               GBytes                  *message,
               gpointer                 user_data)
{
  HandoffDeepgramTranscriber *self = user_data;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonNode *root;
  const char *kind;
  gsize size;
  const char *data = g_bytes_get_data (message, &size);

  if (type != SOUP_WEBSOCKET_DATA_TEXT)
    return;
  if (!json_parser_load_from_data (parser, data, size, &error) ||
      !(root = json_parser_get_root (parser)) || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_debug ("Ignoring a message that is not a JSON object");
      return;
    }

  kind = json_object_get_string_member_with_default (json_node_get_object (root), "type", "");
  if (g_str_equal (kind, "Results"))
    handle_results (self, json_node_get_object (root));
  else if (g_str_equal (kind, "Error"))
    {
      const char *description =
        json_object_get_string_member_with_default (json_node_get_object (root),
                                                    "description", "unknown error");
      g_autofree char *why = g_strdup_printf ("Deepgram reported an error: %s", description);

      fall_back (self, HANDOFF_STT_ERROR_PROTOCOL, why);
    }
}

static void
on_ws_closed (SoupWebsocketConnection *ws,
              gpointer                 user_data)
{
  HandoffDeepgramTranscriber *self = user_data;
  gushort code = soup_websocket_connection_get_close_code (ws);

  if (handoff_cloud_transcriber_is_stopped (CLOUD (self)))
    return;
  g_clear_handle_id (&self->drain_timeout_id, g_source_remove);
  /* After CloseStream the server closes normally once it has sent every
   * result; any other close loses what it had not finalised. */
  if (self->draining && (code == SOUP_WEBSOCKET_CLOSE_NORMAL || code == SOUP_WEBSOCKET_CLOSE_NO_STATUS))
    {
      handoff_transcriber_cloud_done (HANDOFF_TRANSCRIBER (self));
    }
  else
    {
      g_autofree char *why = g_strdup_printf ("the connection closed unexpectedly (code %u)", code);

      fall_back (self, HANDOFF_STT_ERROR_NETWORK, why);
    }
}

static void
on_connected (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(HandoffDeepgramTranscriber) self = user_data;
  g_autoptr(GError) error = NULL;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  SoupWebsocketConnection *ws;
  guint status = msg ? soup_message_get_status (msg) : 0;

  ws = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &error);
  self->connecting = FALSE;
  if (!ws)
    {
      g_autofree char *why = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || handoff_cloud_transcriber_is_stopped (CLOUD (self)))
        return;
      if (status == SOUP_STATUS_UNAUTHORIZED || status == SOUP_STATUS_FORBIDDEN)
        {
          why = g_strdup_printf ("Deepgram refused the API key (HTTP %u)", status);
          fall_back (self, HANDOFF_STT_ERROR_UNAUTHORIZED, why);
        }
      else if (SOUP_STATUS_IS_CLIENT_ERROR (status) || SOUP_STATUS_IS_SERVER_ERROR (status))
        {
          why = g_strdup_printf ("Deepgram answered HTTP %u", status);
          fall_back (self, HANDOFF_STT_ERROR_PROTOCOL, why);
        }
      else
        {
          why = g_strdup_printf ("cannot reach Deepgram: %s", error->message);
          fall_back (self, HANDOFF_STT_ERROR_NETWORK, why);
        }
      return;
    }

  self->ws = ws;
  /* 16 kHz results can be big with words lists; allow up to 1 MiB. */
  soup_websocket_connection_set_max_incoming_payload_size (ws, 1024 * 1024);
  g_signal_connect_object (ws, "message", G_CALLBACK (on_ws_message), self, 0);
  g_signal_connect_object (ws, "closed", G_CALLBACK (on_ws_closed), self, 0);
  flush_pending (self);
  if (self->draining)
    send_close_stream (self);
}

static void
connect_ws (HandoffDeepgramTranscriber *self)
{
  g_autoptr(SoupMessage) msg = NULL;
  g_autofree char *url = NULL;
  g_autofree char *auth = NULL;
  const char *key = handoff_cloud_transcriber_get_api_key (CLOUD (self));

  if (self->connecting || self->ws || handoff_cloud_transcriber_is_stopped (CLOUD (self)))
    return;
  if (!key || !*key)
    {
      fall_back (self, HANDOFF_STT_ERROR_NO_KEY, "no Deepgram API key is set");
      return;
    }

  url = build_url (self);
  msg = soup_message_new ("GET", url);
  if (!msg)
    {
      fall_back (self, HANDOFF_STT_ERROR_INVALID_INPUT,
                 "the Deepgram URL is not valid");
      return;
    }
  auth = g_strdup_printf ("Token %s", key);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);

  self->connecting = TRUE;
  soup_session_websocket_connect_async (handoff_cloud_transcriber_get_session (CLOUD (self)), msg,
                                        NULL, NULL, G_PRIORITY_DEFAULT,
                                        handoff_cloud_transcriber_get_cancellable (CLOUD (self)),
                                        on_connected, g_object_ref (self));
}

typedef struct
{
  HandoffDeepgramTranscriber *self;
  GBytes                     *bytes;
} AudioChunk;

static void
audio_chunk_free (gpointer data)
{
  AudioChunk *chunk = data;

  g_object_unref (chunk->self);
  g_bytes_unref (chunk->bytes);
  g_free (chunk);
}

static gboolean
send_in_main (gpointer data)
{
  AudioChunk *chunk = data;
  HandoffDeepgramTranscriber *self = chunk->self;

  if (handoff_cloud_transcriber_is_stopped (CLOUD (self)) || self->draining)
    return G_SOURCE_REMOVE;
  g_queue_push_tail (&self->pending, g_bytes_ref (chunk->bytes));
  if (self->ws)
    flush_pending (self);
  else
    connect_ws (self);
  return G_SOURCE_REMOVE;
}

static void
handoff_deepgram_transcriber_audio (HandoffTranscriber *transcriber,
                                    GstBuffer          *buffer)
{
  AudioChunk *chunk = g_new0 (AudioChunk, 1);
  GstMapInfo map;

  if (!gst_buffer_map (buffer, &map, GST_MAP_READ))
    {
      g_free (chunk);
      return;
    }
  chunk->bytes = g_bytes_new (map.data, map.size);
  gst_buffer_unmap (buffer, &map);
  chunk->self = g_object_ref (HANDOFF_DEEPGRAM_TRANSCRIBER (transcriber));
  lk_main_context_invoke (handoff_transcriber_get_context (transcriber), G_PRIORITY_DEFAULT,
                          send_in_main, chunk, audio_chunk_free);
}

static gboolean
on_drain_timeout (gpointer user_data)
{
  HandoffDeepgramTranscriber *self = user_data;

  self->drain_timeout_id = 0;
  fall_back (self, HANDOFF_STT_ERROR_NETWORK,
             "Deepgram did not finish the stream in time");
  return G_SOURCE_REMOVE;
}

static void
handoff_deepgram_transcriber_drain (HandoffTranscriber *transcriber)
{
  HandoffDeepgramTranscriber *self = HANDOFF_DEEPGRAM_TRANSCRIBER (transcriber);

  if (handoff_cloud_transcriber_is_stopped (CLOUD (self)) || self->draining)
    return;
  self->draining = TRUE;
  if (!self->ws && !self->connecting)
    {
      /* No audio ever came: nothing to transcribe. */
      handoff_transcriber_cloud_done (transcriber);
      return;
    }
  self->drain_timeout_id = g_timeout_add_seconds (DRAIN_TIMEOUT_S, on_drain_timeout, self);
  send_close_stream (self);
}

static void
handoff_deepgram_transcriber_stop (HandoffTranscriber *transcriber)
{
  HandoffDeepgramTranscriber *self = HANDOFF_DEEPGRAM_TRANSCRIBER (transcriber);

  HANDOFF_TRANSCRIBER_CLASS (handoff_deepgram_transcriber_parent_class)->stop (transcriber);
  g_clear_handle_id (&self->drain_timeout_id, g_source_remove);
  g_queue_clear_full (&self->pending, (GDestroyNotify) g_bytes_unref);
  if (self->ws)
    {
      g_signal_handlers_disconnect_by_data (self->ws, self);
      if (soup_websocket_connection_get_state (self->ws) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_close (self->ws, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
      g_clear_object (&self->ws);
    }
}

static void
handoff_deepgram_transcriber_dispose (GObject *object)
{
  HandoffDeepgramTranscriber *self = HANDOFF_DEEPGRAM_TRANSCRIBER (object);

  G_OBJECT_CLASS (handoff_deepgram_transcriber_parent_class)->dispose (object);
  handoff_deepgram_transcriber_stop (HANDOFF_TRANSCRIBER (self));
}

static void
handoff_deepgram_transcriber_class_init (HandoffDeepgramTranscriberClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  HandoffTranscriberClass *transcriber_class = HANDOFF_TRANSCRIBER_CLASS (klass);
  HandoffCloudTranscriberClass *cloud_class = HANDOFF_CLOUD_TRANSCRIBER_CLASS (klass);

  object_class->dispose = handoff_deepgram_transcriber_dispose;

  transcriber_class->audio = handoff_deepgram_transcriber_audio;
  transcriber_class->drain = handoff_deepgram_transcriber_drain;
  transcriber_class->stop = handoff_deepgram_transcriber_stop;

  cloud_class->default_base_url = HANDOFF_DEEPGRAM_DEFAULT_URL;
  cloud_class->timeout_s = 15;
}

static void
handoff_deepgram_transcriber_init (HandoffDeepgramTranscriber *self)
{
  g_queue_init (&self->pending);
}
