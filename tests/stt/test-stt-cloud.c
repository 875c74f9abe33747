/* test-stt-cloud.c: the Deepgram and OpenAI-compatible backends against
 * local stand-ins speaking the documented wire formats, and the fallback
 * to the local recogniser
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gstdio.h>
#include <gst/gst.h>
#include <libsoup/soup.h>
#include <math.h>
#include <string.h>

#include "handoff-deepgram-transcriber.h"
#include "handoff-openai-transcriber.h"
#include "handoff-test-audio.h"
#include "handoff-transcriber.h"
#include "handoff-vad.h"
#include "stt-corpus.h"

static char *tmpdir;

/* A WAV of 440 Hz bursts at @rate: @n bursts of @on_s seconds, each
 * followed by @off_s seconds of silence (after @lead_s of silence). */
static char *
make_tone_wav (guint  rate,
               double lead_s,
               guint  n,
               double on_s,
               double off_s)
{
  guint total = rate * (lead_s + n * (on_s + off_s));
  g_autofree gint16 *samples = g_new0 (gint16, total);
  g_autoptr(GBytes) pcm = NULL;
  g_autoptr(GBytes) wav = NULL;
  g_autofree char *path = g_strdup_printf ("%s/tone-%u-%u.wav", tmpdir, rate, n);

  for (guint b = 0; b < n; b++)
    {
      guint start = rate * (lead_s + b * (on_s + off_s));

      for (guint i = 0; i < rate * on_s; i++)
        samples[start + i] = (gint16) (12000 * sin (2 * G_PI * 440.0 * i / rate));
    }
  pcm = g_bytes_new (samples, total * 2);
  wav = handoff_wav_encode (pcm, rate);
  g_assert_true (g_file_set_contents (path, g_bytes_get_data (wav, NULL), g_bytes_get_size (wav), NULL));
  return g_steal_pointer (&path);
}

static double
dominant_of_s16 (const guint8 *data,
                 gsize         size,
                 guint         rate)
{
  gsize n = size / 2;
  g_autofree float *f = g_new (float, n);

  for (gsize i = 0; i < n; i++)
    {
      gint16 v;

      memcpy (&v, data + 2 * i, 2);
      f[i] = GINT16_FROM_LE (v) / 32768.0f;
    }
  return handoff_test_dominant_frequency (f, n, rate, 50, 4000);
}

/* ---- Deepgram stand-in --------------------------------------------------- */

typedef struct
{
  SoupServer              *server;
  char                    *url;
  GHashTable              *params;
  char                    *authorization;
  GByteArray              *audio;
  SoupWebsocketConnection *ws;
  gboolean                 interims_sent;
  gboolean                 drop_after_half_second;
  gboolean                 dropped;
  gboolean                 close_stream_seen;
  guint                    text_messages;
} Deepgram;

static void
send_results (SoupWebsocketConnection *ws,
              double                   start,
              double                   duration,
              gboolean                 final,
              const char              *text)
{
  g_autofree char *json = NULL;
  char s[G_ASCII_DTOSTR_BUF_SIZE], d[G_ASCII_DTOSTR_BUF_SIZE];

  json = g_strdup_printf ("{\"type\":\"Results\",\"channel_index\":[0,1],\"start\":%s,"
                          "\"duration\":%s,\"is_final\":%s,\"speech_final\":%s,"
                          "\"channel\":{\"alternatives\":[{\"transcript\":\"%s\","
                          "\"confidence\":0.98,\"words\":[]}]},"
                          "\"metadata\":{\"request_id\":\"test\"}}",
                          g_ascii_dtostr (s, sizeof s, start), g_ascii_dtostr (d, sizeof d, duration),
                          final ? "true" : "false", final ? "true" : "false", text);
  soup_websocket_connection_send_text (ws, json);
}

static void
on_dg_message (SoupWebsocketConnection *ws,
               int                      type,
               GBytes                  *message,
               Deepgram                *dg)
{
  gsize size;
  const guint8 *data = g_bytes_get_data (message, &size);

  if (dg->dropped)
    return;
  if (type == SOUP_WEBSOCKET_DATA_BINARY)
    {
      g_byte_array_append (dg->audio, data, size);
      /* A server that dies mid-utterance, before any final result. */
      if (dg->drop_after_half_second && !dg->dropped && dg->audio->len >= 16000)
        {
          dg->dropped = TRUE;
          soup_websocket_connection_close (ws, SOUP_WEBSOCKET_CLOSE_SERVER_ERROR, NULL);
          return;
        }
      if (dg->drop_after_half_second)
        return;
      /* After a second of audio: two interims revising the window, then its final. */
      if (!dg->interims_sent && dg->audio->len >= 32000)
        {
          dg->interims_sent = TRUE;
          send_results (ws, 0.0, 1.0, FALSE, "I would");
          send_results (ws, 0.0, 1.0, FALSE, "I would like to");
          send_results (ws, 0.0, 1.0, TRUE, "I would like to cancel my order.");
        }
      return;
    }

  dg->text_messages++;
  if (size == strlen ("{\"type\":\"CloseStream\"}") &&
      memcmp (data, "{\"type\":\"CloseStream\"}", size) == 0)
    {
      dg->close_stream_seen = TRUE;
      send_results (ws, 1.0, 0.5, FALSE, "Thank");
      send_results (ws, 1.0, 0.5, TRUE, "Thank you.");
      soup_websocket_connection_send_text (ws, "{\"type\":\"Metadata\",\"request_id\":\"test\","
                                               "\"duration\":1.5,\"channels\":1}");
      soup_websocket_connection_close (ws, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
    }
}

static void
on_dg_websocket (SoupServer              *server,
                 SoupServerMessage       *msg,
                 const char              *path,
                 SoupWebsocketConnection *connection,
                 gpointer                 user_data)
{
  Deepgram *dg = user_data;
  GUri *uri = soup_server_message_get_uri (msg);

  g_assert_null (dg->ws);
  dg->ws = g_object_ref (connection);
  dg->params = g_uri_parse_params (g_uri_get_query (uri), -1, "&", G_URI_PARAMS_NONE, NULL);
  dg->authorization = g_strdup (soup_message_headers_get_one (
                                  soup_server_message_get_request_headers (msg), "Authorization"));
  g_signal_connect (connection, "message", G_CALLBACK (on_dg_message), dg);
}

static void
on_refuse (SoupServer        *server,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  const char *body = "{\"err_code\":\"INVALID_AUTH\",\"err_msg\":\"Invalid credentials.\"}";

  soup_server_message_set_status (msg, SOUP_STATUS_UNAUTHORIZED, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, body, strlen (body));
}

static Deepgram *
deepgram_start (gboolean refuse)
{
  Deepgram *dg = g_new0 (Deepgram, 1);
  g_autoptr(GError) error = NULL;
  GSList *uris;

  dg->server = soup_server_new (NULL, NULL);
  dg->audio = g_byte_array_new ();
  if (refuse)
    soup_server_add_handler (dg->server, "/v1/listen", on_refuse, NULL, NULL);
  else
    soup_server_add_websocket_handler (dg->server, "/v1/listen", NULL, NULL, on_dg_websocket, dg, NULL);
  g_assert_true (soup_server_listen_local (dg->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (dg->server);
  dg->url = g_strdup_printf ("ws://127.0.0.1:%d/v1/listen", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  return dg;
}

static void
deepgram_free (Deepgram *dg)
{
  g_clear_object (&dg->ws);
  g_object_unref (dg->server);
  g_clear_pointer (&dg->params, g_hash_table_unref);
  g_byte_array_unref (dg->audio);
  g_free (dg->authorization);
  g_free (dg->url);
  g_free (dg);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Deepgram, deepgram_free)

static void
count_fallbacks (HandoffTranscriber *transcriber,
                 const char         *reason,
                 guint              *count)
{
  (*count)++;
}

static void
test_deepgram_stream (void)
{
  g_autoptr(Deepgram) dg = deepgram_start (FALSE);
  g_autofree char *wav = make_tone_wav (48000, 0.0, 1, 1.5, 0.0);
  g_autoptr(HandoffTranscriber) transcriber = NULL;
  g_autoptr(GPtrArray) finals = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  guint fallbacks = 0;
  HandoffSegment *segment;

  transcriber = handoff_transcriber_new_full (HANDOFF_TRANSCRIBER_BACKEND_DEEPGRAM, FALSE,
                                              HANDOFF_SPEECH_PROFILE_WIDEBAND, NULL);
  g_object_set (transcriber, "api-key", "dg-test-key", "base-url", dg->url, NULL);
  handoff_transcriber_set_identity (transcriber, "agent-a");
  g_signal_connect (transcriber, "fallback", G_CALLBACK (count_fallbacks), &fallbacks);
  g_assert_true (stt_transcribe_file (transcriber, wav, finals, all, NULL, &error));
  g_assert_no_error (error);

  /* What the server saw: the documented query, the key, and our audio as
   * 16 kHz linear16 (a 440 Hz tone stays 440 Hz only at the right rate). */
  g_assert_nonnull (dg->params);
  g_assert_cmpstr (g_hash_table_lookup (dg->params, "encoding"), ==, "linear16");
  g_assert_cmpstr (g_hash_table_lookup (dg->params, "sample_rate"), ==, "16000");
  g_assert_cmpstr (g_hash_table_lookup (dg->params, "channels"), ==, "1");
  g_assert_cmpstr (g_hash_table_lookup (dg->params, "interim_results"), ==, "true");
  g_assert_cmpstr (g_hash_table_lookup (dg->params, "punctuate"), ==, "true");
  g_assert_cmpstr (dg->authorization, ==, "Token dg-test-key");
  g_assert_true (dg->close_stream_seen);
  g_assert_cmpuint (dg->text_messages, ==, 1);
  g_assert_cmpuint (dg->audio->len, >=, 1.4 * 32000);
  g_assert_cmpuint (dg->audio->len, <=, 1.6 * 32000);
  g_assert_cmpfloat (fabs (dominant_of_s16 (dg->audio->data, dg->audio->len, 16000) - 440), <, 5);

  /* What the user sees: interims then the final of window 1 under one id,
   * then window 2's interim and final under another. */
  g_assert_cmpuint (fallbacks, ==, 0);
  g_assert_null (handoff_transcriber_get_fallback_reason (transcriber));
  g_assert_cmpuint (all->len, ==, 5);
  g_assert_cmpuint (finals->len, ==, 2);
  g_assert_cmpstr (handoff_segment_get_text (all->pdata[0]), ==, "I would");
  g_assert_false (handoff_segment_get_final (all->pdata[0]));
  g_assert_cmpstr (handoff_segment_get_id (all->pdata[0]), ==, handoff_segment_get_id (all->pdata[2]));
  segment = finals->pdata[0];
  g_assert_cmpstr (handoff_segment_get_text (segment), ==, "I would like to cancel my order.");
  g_assert_cmpstr (handoff_segment_get_identity (segment), ==, "agent-a");
  g_assert_cmpint (handoff_segment_get_start_ms (segment), ==, 0);
  g_assert_cmpint (handoff_segment_get_end_ms (segment), ==, 1000);
  segment = finals->pdata[1];
  g_assert_cmpstr (handoff_segment_get_text (segment), ==, "Thank you.");
  g_assert_cmpint (handoff_segment_get_start_ms (segment), ==, 1000);
  g_assert_cmpint (handoff_segment_get_end_ms (segment), ==, 1500);
  g_assert_cmpstr (handoff_segment_get_id (all->pdata[3]), ==, handoff_segment_get_id (segment));
  g_assert_cmpstr (handoff_segment_get_id (finals->pdata[0]), !=, handoff_segment_get_id (segment));
}

/* ---- OpenAI-compatible stand-in ------------------------------------------ */

typedef struct
{
  SoupServer *server;
  char       *url;
  guint       status;          /* what to answer; 200 = transcribe */
  guint       requests;
  GPtrArray  *problems;        /* what was wrong with a request, if anything */
} Whisper;

static gboolean
check_wav (GBytes     *wav,
           double     *seconds,
           double     *dominant,
           GPtrArray  *problems)
{
  gsize size;
  const guint8 *d = g_bytes_get_data (wav, &size);
  guint16 format, channels, bits;
  guint32 rate, data_size;

  if (size < 44 || memcmp (d, "RIFF", 4) || memcmp (d + 8, "WAVE", 4) || memcmp (d + 12, "fmt ", 4) ||
      memcmp (d + 36, "data", 4))
    {
      g_ptr_array_add (problems, g_strdup ("file part is not a canonical WAV"));
      return FALSE;
    }
  memcpy (&format, d + 20, 2);
  memcpy (&channels, d + 22, 2);
  memcpy (&rate, d + 24, 4);
  memcpy (&bits, d + 34, 2);
  memcpy (&data_size, d + 40, 4);
  if (GUINT16_FROM_LE (format) != 1 || GUINT16_FROM_LE (channels) != 1 ||
      GUINT32_FROM_LE (rate) != 16000 || GUINT16_FROM_LE (bits) != 16 ||
      GUINT32_FROM_LE (data_size) != size - 44)
    {
      g_ptr_array_add (problems, g_strdup ("WAV is not PCM 16-bit mono 16 kHz with a right size"));
      return FALSE;
    }
  *seconds = (size - 44) / 32000.0;
  *dominant = dominant_of_s16 (d + 44, size - 44, 16000);
  return TRUE;
}

static void
on_transcriptions (SoupServer        *server,
                   SoupServerMessage *msg,
                   const char        *path,
                   GHashTable        *query,
                   gpointer           user_data)
{
  Whisper *w = user_data;
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
  g_autoptr(SoupMultipart) multipart = NULL;
  const char *auth = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                   "Authorization");
  g_autofree char *reply = NULL;
  g_autofree char *model = NULL;
  g_autofree char *format = NULL;
  double seconds = 0, dominant = 0;
  gboolean have_file = FALSE;

  w->requests++;
  if (w->status != SOUP_STATUS_OK)
    {
      const char *err = "{\"error\":{\"message\":\"Invalid API Key\",\"type\":\"invalid_request_error\","
                        "\"code\":\"invalid_api_key\"}}";

      soup_server_message_set_status (msg, w->status, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, err, strlen (err));
      return;
    }
  if (g_strcmp0 (soup_server_message_get_method (msg), "POST") != 0 ||
      g_strcmp0 (auth, "Bearer sk-test") != 0)
    g_ptr_array_add (w->problems, g_strdup ("not a POST with the bearer key"));

  multipart = soup_multipart_new_from_message (soup_server_message_get_request_headers (msg), bytes);
  if (!multipart)
    g_ptr_array_add (w->problems, g_strdup ("body is not multipart/form-data"));
  for (int i = 0; multipart && i < soup_multipart_get_length (multipart); i++)
    {
      SoupMessageHeaders *headers;
      GBytes *part;
      g_autoptr(GHashTable) params = NULL;
      g_autofree char *disposition = NULL;
      const char *name;

      soup_multipart_get_part (multipart, i, &headers, &part);
      if (!soup_message_headers_get_content_disposition (headers, &disposition, &params))
        continue;
      name = g_hash_table_lookup (params, "name");
      if (g_strcmp0 (name, "file") == 0)
        {
          have_file = g_hash_table_lookup (params, "filename") != NULL &&
                      g_strcmp0 (soup_message_headers_get_content_type (headers, NULL), "audio/wav") == 0 &&
                      check_wav (part, &seconds, &dominant, w->problems);
        }
      else if (g_strcmp0 (name, "model") == 0)
        model = g_strndup (g_bytes_get_data (part, NULL), g_bytes_get_size (part));
      else if (g_strcmp0 (name, "response_format") == 0)
        format = g_strndup (g_bytes_get_data (part, NULL), g_bytes_get_size (part));
    }
  if (!have_file || g_strcmp0 (model, "whisper-large-v3-turbo") != 0 || g_strcmp0 (format, "json") != 0)
    g_ptr_array_add (w->problems, g_strdup ("missing file, model or response_format"));

  /* The reply tells the client what the server heard, so the test can
   * check it on the client side. */
  reply = g_strdup_printf ("{\"text\":\" burst %u: %.0f Hz %.1f s \","
                           "\"x_groq\":{\"id\":\"req_test\"}}", w->requests, dominant, seconds);
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, reply, strlen (reply));
}

static Whisper *
whisper_start (guint status)
{
  Whisper *w = g_new0 (Whisper, 1);
  g_autoptr(GError) error = NULL;
  GSList *uris;

  w->status = status;
  w->problems = g_ptr_array_new_with_free_func (g_free);
  w->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (w->server, "/v1/audio/transcriptions", on_transcriptions, w, NULL);
  g_assert_true (soup_server_listen_local (w->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (w->server);
  w->url = g_strdup_printf ("http://127.0.0.1:%d/v1", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  return w;
}

static void
whisper_free (Whisper *w)
{
  g_object_unref (w->server);
  g_ptr_array_unref (w->problems);
  g_free (w->url);
  g_free (w);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Whisper, whisper_free)

static void
test_openai_utterances (void)
{
  g_autoptr(Whisper) w = whisper_start (SOUP_STATUS_OK);
  /* Three 1 s bursts, 1.5 s apart: three utterances for the VAD. */
  g_autofree char *wav = make_tone_wav (48000, 0.5, 3, 1.0, 1.5);
  g_autoptr(HandoffTranscriber) transcriber = NULL;
  g_autoptr(GPtrArray) finals = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;

  transcriber = handoff_transcriber_new_full (HANDOFF_TRANSCRIBER_BACKEND_OPENAI, FALSE,
                                              HANDOFF_SPEECH_PROFILE_WIDEBAND, NULL);
  g_object_set (transcriber, "api-key", "sk-test", "base-url", w->url, NULL);
  g_assert_true (stt_transcribe_file (transcriber, wav, finals, NULL, NULL, &error));
  g_assert_no_error (error);

  for (guint i = 0; i < w->problems->len; i++)
    g_test_message ("server: %s", (char *) w->problems->pdata[i]);
  g_assert_cmpuint (w->problems->len, ==, 0);
  g_assert_null (handoff_transcriber_get_fallback_reason (transcriber));
  g_assert_cmpuint (w->requests, ==, 3);
  g_assert_cmpuint (finals->len, ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      HandoffSegment *segment = finals->pdata[i];
      g_autofree char *expected = g_strdup_printf ("burst %u: 440 Hz", i + 1);
      gint64 burst_start = 500 + i * 2500;
      double seconds;

      /* Trimmed text, in order, each utterance about one burst long (plus
       * VAD preroll and tail), placed where its burst is. */
      g_test_message ("segment %u: \"%s\" %" G_GINT64_FORMAT "-%" G_GINT64_FORMAT " ms", i,
                      handoff_segment_get_text (segment), handoff_segment_get_start_ms (segment),
                      handoff_segment_get_end_ms (segment));
      g_assert_true (g_str_has_prefix (handoff_segment_get_text (segment), expected));
      seconds = g_ascii_strtod (strstr (handoff_segment_get_text (segment), "Hz ") + 3, NULL);
      g_assert_cmpfloat (seconds, >=, 1.0);
      g_assert_cmpfloat (seconds, <=, 1.6);
      g_assert_cmpint (llabs (handoff_segment_get_start_ms (segment) - (burst_start - 200)), <=, 60);
      g_assert_cmpint (handoff_segment_get_end_ms (segment), >, burst_start + 1000);
    }
}

/* ---- Fallback ------------------------------------------------------------ */

static void
run_fallback (HandoffTranscriberBackend backend,
              const char               *key,
              const char               *url,
              const char               *expect_in_reason)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *wav = stt_corpus_make_wav (tmpdir, STT_VOICE_ESPEAK, 0, 1, &error);
  g_autoptr(HandoffTranscriber) transcriber = NULL;
  g_autoptr(GPtrArray) finals = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *heard = NULL;
  guint fallbacks = 0;

  g_assert_no_error (error);
  if (!wav)
    {
      g_test_skip ("espeak-ng or sox is not installed");
      return;
    }
  transcriber = handoff_transcriber_new_full (backend, FALSE, HANDOFF_SPEECH_PROFILE_WIDEBAND, NULL);
  g_object_set (transcriber, "api-key", key, "base-url", url, NULL);
  g_signal_connect (transcriber, "fallback", G_CALLBACK (count_fallbacks), &fallbacks);
  g_assert_true (stt_transcribe_file (transcriber, wav, finals, NULL, NULL, &error));
  g_assert_no_error (error);

  /* Said once, with the reason, and the words still arrive (locally). */
  g_test_message ("reason: %s", handoff_transcriber_get_fallback_reason (transcriber));
  g_assert_cmpuint (fallbacks, ==, 1);
  g_assert_nonnull (strstr (handoff_transcriber_get_fallback_reason (transcriber), expect_in_reason));
  g_assert_null (strstr (handoff_transcriber_get_fallback_reason (transcriber), key ? key : "\x01"));
  heard = stt_join_texts (finals);
  g_test_message ("heard locally: %s", heard);
  g_assert_cmpfloat (stt_keyword_recall (stt_corpus[0].keywords, heard, NULL, NULL), >=, 0.5);
}

static void
test_deepgram_401 (void)
{
  g_autoptr(Deepgram) dg = deepgram_start (TRUE);

  run_fallback (HANDOFF_TRANSCRIBER_BACKEND_DEEPGRAM, "dg-bad-key", dg->url, "HTTP 401");
}

static void
test_deepgram_no_key (void)
{
  run_fallback (HANDOFF_TRANSCRIBER_BACKEND_DEEPGRAM, NULL, "ws://127.0.0.1:9/v1/listen", "no Deepgram API key");
}

static void
test_deepgram_unreachable (void)
{
  /* Port 9 (discard) on loopback: nothing listens there on a test machine. */
  run_fallback (HANDOFF_TRANSCRIBER_BACKEND_DEEPGRAM, "dg-key", "ws://127.0.0.1:9/v1/listen",
                "cannot reach Deepgram");
}

static void
test_deepgram_drop (void)
{
  g_autoptr(Deepgram) dg = deepgram_start (FALSE);

  /* The local recogniser re-decodes what Deepgram never finalised, from
   * the start: the whole sentence is heard, not just its tail. */
  dg->drop_after_half_second = TRUE;
  run_fallback (HANDOFF_TRANSCRIBER_BACKEND_DEEPGRAM, "dg-key", dg->url,
                "the connection closed unexpectedly (code 1011)");
  g_assert_true (dg->dropped);
}

static void
test_openai_401 (void)
{
  g_autoptr(Whisper) w = whisper_start (SOUP_STATUS_UNAUTHORIZED);

  run_fallback (HANDOFF_TRANSCRIBER_BACKEND_OPENAI, "sk-bad-key", w->url, "HTTP 401");
  /* Once refused, the endpoint is not asked again for the later utterances. */
  g_assert_cmpuint (w->requests, ==, 1);
}

static void
test_openai_unreachable (void)
{
  run_fallback (HANDOFF_TRANSCRIBER_BACKEND_OPENAI, "sk-key", "http://127.0.0.1:9/v1",
                "cannot reach the transcription endpoint");
}

/* ---- VAD ----------------------------------------------------------------- */

static void
collect_utterance (gpointer      user_data,
                   GBytes       *pcm,
                   GstClockTime  start,
                   GstClockTime  end)
{
  g_array_append_val ((GArray *) user_data, start);
  g_array_append_val ((GArray *) user_data, end);
}

static void
test_vad_bursts (void)
{
  g_autoptr(GArray) cuts = g_array_new (FALSE, FALSE, sizeof (GstClockTime));
  g_autoptr(HandoffVad) vad = handoff_vad_new (16000, collect_utterance, cuts);
  g_autofree gint16 *samples = g_new0 (gint16, 16000 * 10);

  /* 0.5 s burst at 1 s, a 50 ms click at 3 s (dropped), 2 s burst at 5 s,
   * and quiet noise everywhere. */
  for (guint i = 0; i < 16000 * 10; i++)
    {
      double t = i / 16000.0;
      double v = g_random_double_range (-30, 30);

      if ((t >= 1 && t < 1.5) || (t >= 3 && t < 3.05) || (t >= 5 && t < 7))
        v += 8000 * sin (2 * G_PI * 300 * t);
      samples[i] = (gint16) v;
    }
  for (guint i = 0; i < 16000 * 10; i += 160)
    handoff_vad_feed (vad, samples + i, 160, gst_util_uint64_scale (i, GST_SECOND, 16000));
  handoff_vad_flush (vad);

  g_assert_cmpuint (cuts->len, ==, 4);
  g_assert_cmpuint (g_array_index (cuts, GstClockTime, 0), ==, 800 * GST_MSECOND);
  g_assert_cmpuint (g_array_index (cuts, GstClockTime, 1), >=, 1500 * GST_MSECOND);
  g_assert_cmpuint (g_array_index (cuts, GstClockTime, 1), <=, 1900 * GST_MSECOND);
  g_assert_cmpuint (g_array_index (cuts, GstClockTime, 2), ==, 4800 * GST_MSECOND);
  g_assert_cmpuint (g_array_index (cuts, GstClockTime, 3), >=, 7000 * GST_MSECOND);
  g_assert_cmpuint (g_array_index (cuts, GstClockTime, 3), <=, 7400 * GST_MSECOND);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);
  tmpdir = g_dir_make_tmp ("handoff-stt-cloud-XXXXXX", NULL);

  g_test_add_func ("/stt/vad/bursts", test_vad_bursts);
  g_test_add_func ("/stt/deepgram/stream", test_deepgram_stream);
  g_test_add_func ("/stt/openai/utterances", test_openai_utterances);
  g_test_add_func ("/stt/fallback/deepgram-401", test_deepgram_401);
  g_test_add_func ("/stt/fallback/deepgram-no-key", test_deepgram_no_key);
  g_test_add_func ("/stt/fallback/deepgram-unreachable", test_deepgram_unreachable);
  g_test_add_func ("/stt/fallback/deepgram-drop", test_deepgram_drop);
  g_test_add_func ("/stt/fallback/openai-401", test_openai_401);
  g_test_add_func ("/stt/fallback/openai-unreachable", test_openai_unreachable);

  ret = g_test_run ();
  {
    g_autoptr(GDir) dir = g_dir_open (tmpdir, 0, NULL);
    const char *name;

    while (dir && (name = g_dir_read_name (dir)))
      {
        g_autofree char *path = g_build_filename (tmpdir, name, NULL);

        g_unlink (path);
      }
    g_rmdir (tmpdir);
    g_free (tmpdir);
  }
  return ret;
}
