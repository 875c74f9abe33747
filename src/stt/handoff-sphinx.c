/* handoff-sphinx.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "handoff-sphinx"

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#include <gst/app/gstappsrc.h>

#include "handoff-noise-gate.h"
#include "handoff-sphinx.h"
#include "handoff-stt-error.h"

GST_DEBUG_CATEGORY_STATIC (handoff_sphinx_debug);
#define GST_CAT_DEFAULT handoff_sphinx_debug

/* Initial cepstral means (c0..c12) pocketsphinx's live CMN converged to after
 * ~30 s of speech of each kind (calibration sentences that are not in the
 * test corpus; method and figures in /work/notes/stt.md). The model's own
 * value (41.00,-5.29,...) is far from both, so its first utterance decodes
 * with a wrong normalisation until the running mean catches up. */
#define CMNINIT_WIDEBAND  "50.27,-1.38,-5.69,28.14,-8.64,-4.05,-10.64,-20.70,3.51,-14.40,7.78,-7.53,-1.72"
#define CMNINIT_TELEPHONE "45.47,29.74,-30.30,35.44,-19.88,-4.69,11.32,-26.03,13.19,-5.63,-3.45,10.26,-13.58"

/* 10 s of 16 kHz S16 audio: what a live decoder may lag behind before it drops. */
#define LIVE_MAX_BYTES (10 * 16000 * 2)

struct _HandoffSphinx
{
  GstElement                 *pipeline;
  GstElement                 *appsrc;
  HandoffNoiseGate           *gate;

  HandoffSphinxHypothesisFunc hypothesis;
  HandoffSphinxDoneFunc       done;
  gpointer                    user_data;

  /* Streaming thread only. */
  guint64                     bytes_in;
  GstClockTime                buffer_start;
  GstClockTime                buffer_end;
  GstClockTime                utterance_start;
  guint                       utterance;
  gboolean                    stopping;
};

const char *
handoff_speech_profile_get_cmninit (HandoffSpeechProfile profile)
{
  switch (profile)
    {
    case HANDOFF_SPEECH_PROFILE_WIDEBAND:
      return CMNINIT_WIDEBAND;
    case HANDOFF_SPEECH_PROFILE_TELEPHONE:
      return CMNINIT_TELEPHONE;
    case HANDOFF_SPEECH_PROFILE_MODEL:
    default:
      return NULL;
    }
}

gboolean
handoff_sphinx_available (void)
{
  g_autoptr(GstElementFactory) factory = gst_element_factory_find ("pocketsphinx");

  return factory != NULL;
}

gboolean
handoff_sphinx_cmninit_is_valid (const char *cmninit)
{
  g_auto(GStrv) parts = NULL;

  g_return_val_if_fail (cmninit != NULL, FALSE);
  parts = g_strsplit (cmninit, ",", -1);
  if (g_strv_length (parts) < 1 || g_strv_length (parts) > 13)
    return FALSE;
  for (guint i = 0; parts[i]; i++)
    {
      char *end = NULL;

      g_ascii_strtod (parts[i], &end);
      if (end == parts[i] || *end != '\0')
        return FALSE;
    }
  return TRUE;
}

/* The element has no cmninit property, and the model's feat.params (which
 * sets -cmninit) overrides anything set on the decoder's configuration; so
 * we point the element at a copy of the model directory (symbolic links)
 * whose feat.params carries our value. Cached per value. */
static char *
prepare_model_dir (const char  *model_dir,
                   const char  *cmninit,
                   GError     **error)
{
  static const char *files[] = {
    "mdef", "means", "noisedict", "sendump", "transition_matrices", "variances", "mixture_weights",
  };
  g_autofree char *checksum = g_compute_checksum_for_string (G_CHECKSUM_SHA1, cmninit, -1);
  g_autofree char *dir = g_build_filename (g_get_user_cache_dir (), "handoff", "sphinx",
                                           checksum, NULL);
  g_autofree char *params_path = g_build_filename (model_dir, "feat.params", NULL);
  g_autofree char *params = NULL;
  g_autofree char *out_path = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  g_auto(GStrv) lines = NULL;

  if (!g_file_get_contents (params_path, &params, NULL, error))
    return NULL;
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      g_set_error (error, HANDOFF_STT_ERROR, HANDOFF_STT_ERROR_MEDIA,
                   "Cannot create %s: %s", dir, g_strerror (errno));
      return NULL;
    }
  for (gsize i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *target = g_build_filename (model_dir, files[i], NULL);
      g_autofree char *link = g_build_filename (dir, files[i], NULL);

      if (!g_file_test (target, G_FILE_TEST_EXISTS))
        continue;
      if (symlink (target, link) != 0 && errno != EEXIST)
        {
          g_set_error (error, HANDOFF_STT_ERROR, HANDOFF_STT_ERROR_MEDIA,
                       "Cannot link %s: %s", link, g_strerror (errno));
          return NULL;
        }
    }

  lines = g_strsplit (params, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    if (*lines[i] && !g_str_has_prefix (lines[i], "-cmninit"))
      g_string_append_printf (out, "%s\n", lines[i]);
  g_string_append_printf (out, "-cmninit %s\n", cmninit);

  out_path = g_build_filename (dir, "feat.params", NULL);
  if (!g_file_set_contents (out_path, out->str, out->len, error))
    return NULL;
  return g_steal_pointer (&dir);
}

static GstPadProbeReturn
on_sphinx_buffer (GstPad          *pad,
                  GstPadProbeInfo *info,
                  gpointer         user_data)
{
  HandoffSphinx *self = user_data;
  GstBuffer *buffer = GST_PAD_PROBE_INFO_BUFFER (info);

  self->bytes_in += gst_buffer_get_size (buffer);
  self->buffer_start = GST_BUFFER_PTS (buffer);
  self->buffer_end = self->buffer_start;
  if (GST_CLOCK_TIME_IS_VALID (self->buffer_start) && GST_BUFFER_DURATION_IS_VALID (buffer))
    self->buffer_end += GST_BUFFER_DURATION (buffer);
  return GST_PAD_PROBE_OK;
}

static void
handle_hypothesis (HandoffSphinx      *self,
                   const GstStructure *s)
{
  const char *text = gst_structure_get_string (s, "hypothesis");
  gboolean final = FALSE;

  gst_structure_get_boolean (s, "final", &final);
  GST_LOG ("%s hypothesis \"%s\" after %" G_GUINT64_FORMAT " bytes", final ? "final" : "partial",
           text ? text : "", self->bytes_in);
  if (!final)
    {
      if (!text || !*text)
        return;
      if (!GST_CLOCK_TIME_IS_VALID (self->utterance_start))
        self->utterance_start = self->buffer_start;
      self->hypothesis (self->user_data, self->utterance, text, FALSE,
                        self->utterance_start, self->buffer_end);
      return;
    }

  /* An utterance that never produced a word is not worth a segment. */
  if ((text && *text) || GST_CLOCK_TIME_IS_VALID (self->utterance_start))
    {
      GstClockTime start = self->utterance_start;

      if (!GST_CLOCK_TIME_IS_VALID (start))
        start = self->buffer_start;
      self->hypothesis (self->user_data, self->utterance, text ? text : "", TRUE,
                        start, self->buffer_end);
      self->utterance++;
    }
  self->utterance_start = GST_CLOCK_TIME_NONE;
}

/* Runs on the pipeline's streaming threads: the messages are handled where
 * they are posted, so a hypothesis is matched with the buffer that made it. */
static GstBusSyncReply
on_sync_message (GstBus     *bus,
                 GstMessage *message,
                 gpointer    user_data)
{
  HandoffSphinx *self = user_data;

  if (self->stopping)
    return GST_BUS_DROP;

  switch (GST_MESSAGE_TYPE (message))
    {
    case GST_MESSAGE_ELEMENT:
      {
        const GstStructure *s = gst_message_get_structure (message);

        if (s && gst_structure_has_name (s, "pocketsphinx"))
          handle_hypothesis (self, s);
        break;
      }
    case GST_MESSAGE_EOS:
      GST_INFO ("end of stream after %" G_GUINT64_FORMAT " bytes", self->bytes_in);
      self->done (self->user_data, NULL);
      break;
    case GST_MESSAGE_ERROR:
      {
        g_autoptr(GError) gerror = NULL;
        g_autoptr(GError) error = NULL;

        gst_message_parse_error (message, &gerror, NULL);
        error = g_error_new (HANDOFF_STT_ERROR, HANDOFF_STT_ERROR_MEDIA,
                             "Local recogniser failed: %s", gerror->message);
        self->stopping = TRUE;
        self->done (self->user_data, error);
        break;
      }
    default:
      break;
    }
  return GST_BUS_DROP;
}

/* pocketsphinx prints its whole configuration table on stderr each time a
 * decoder starts (handoff-cli's stderr and the app's terminal). Its log
 * messages reach GStreamer's debug log through the element's own callback
 * (GST_DEBUG=pocketsphinx:5), so the plain stream output is switched off:
 * sphinxbase's err_set_logfp (NULL). Debian ships no sphinxbase headers
 * outside the -dev package, hence the lookup in the library the plugin
 * already loaded. */
static void
quiet_sphinxbase (void)
{
  static gsize done;

  if (g_once_init_enter (&done))
    {
      g_autoptr(GstPluginFeature) feature = GST_PLUGIN_FEATURE (gst_element_factory_find ("pocketsphinx"));
      g_autoptr(GstPluginFeature) loaded = feature ? gst_plugin_feature_load (feature) : NULL;
      void *lib = dlopen ("libsphinxbase.so.3", RTLD_LAZY | RTLD_LOCAL | RTLD_NOLOAD);
      void (*set_logfp) (FILE *) = lib ? (void (*) (FILE *)) dlsym (lib, "err_set_logfp") : NULL;

      if (set_logfp != NULL && g_strcmp0 (g_getenv ("HANDOFF_SPHINX_LOG"), "1") != 0)
        set_logfp (NULL);
      /* The library stays loaded with the plugin; this handle only counted. */
      if (lib != NULL)
        dlclose (lib);
      g_once_init_leave (&done, 1);
    }
}

HandoffSphinx *
handoff_sphinx_new (HandoffSpeechProfile        profile,
                    const char                 *cmninit,
                    gboolean                    live,
                    HandoffSphinxHypothesisFunc hypothesis,
                    HandoffSphinxDoneFunc       done,
                    gpointer                    user_data,
                    GError                    **error)
{
  g_autoptr(HandoffSphinx) self = NULL;
  g_autoptr(GstCaps) caps = NULL;
  g_autoptr(GstBus) bus = NULL;
  g_autoptr(GstPad) pad = NULL;
  GstElement *sphinx, *sink;

  g_return_val_if_fail (hypothesis != NULL && done != NULL, NULL);

  if (G_UNLIKELY (!handoff_sphinx_debug))
    GST_DEBUG_CATEGORY_INIT (handoff_sphinx_debug, "handoff-sphinx", 0, "Local recogniser");

  if (!cmninit)
    cmninit = handoff_speech_profile_get_cmninit (profile);
  if (cmninit && !handoff_sphinx_cmninit_is_valid (cmninit))
    {
      g_set_error (error, HANDOFF_STT_ERROR, HANDOFF_STT_ERROR_INVALID_INPUT,
                   "Invalid cmninit '%s': want up to 13 comma-separated numbers", cmninit);
      return NULL;
    }

  quiet_sphinxbase ();
  sphinx = gst_element_factory_make ("pocketsphinx", NULL);
  if (!sphinx)
    {
      g_set_error_literal (error, HANDOFF_STT_ERROR, HANDOFF_STT_ERROR_MEDIA,
                           "The GStreamer pocketsphinx element is not installed "
                           "(Debian: gstreamer1.0-pocketsphinx, pocketsphinx-en-us)");
      return NULL;
    }

  self = g_new0 (HandoffSphinx, 1);
  self->hypothesis = hypothesis;
  self->done = done;
  self->user_data = user_data;
  self->utterance_start = GST_CLOCK_TIME_NONE;
  self->buffer_start = self->buffer_end = 0;
  self->gate = handoff_noise_gate_new (16000);
  self->pipeline = gst_pipeline_new ("handoff-sphinx");
  self->appsrc = gst_element_factory_make ("appsrc", NULL);
  sink = gst_element_factory_make ("fakesink", NULL);
  gst_bin_add_many (GST_BIN (self->pipeline), self->appsrc, sphinx, sink, NULL);

  if (cmninit)
    {
      g_autofree char *model_dir = NULL;
      g_autofree char *dir = NULL;

      g_object_get (sphinx, "hmm", &model_dir, NULL);
      if (!model_dir || !(dir = prepare_model_dir (model_dir, cmninit, error)))
        {
          if (error && !*error)
            g_set_error_literal (error, HANDOFF_STT_ERROR, HANDOFF_STT_ERROR_MEDIA,
                                 "pocketsphinx has no acoustic model");
          return NULL;
        }
      g_object_set (sphinx, "hmm", dir, NULL);
    }

  caps = gst_caps_from_string (HANDOFF_SPHINX_CAPS);
  g_object_set (self->appsrc,
                "caps", caps,
                "format", GST_FORMAT_TIME,
                "is-live", FALSE,
                "do-timestamp", FALSE,
                NULL);
  if (live)
    g_object_set (self->appsrc, "max-bytes", (guint64) LIVE_MAX_BYTES,
                  "leaky-type", 1 /* downstream: drop the newest */, NULL);
  else
    g_object_set (self->appsrc, "max-bytes", (guint64) 0, "block", FALSE, NULL);
  g_object_set (sink, "sync", FALSE, "async", FALSE, NULL);

  if (!gst_element_link_many (self->appsrc, sphinx, sink, NULL))
    {
      g_set_error_literal (error, HANDOFF_STT_ERROR, HANDOFF_STT_ERROR_MEDIA,
                           "Cannot link the local recogniser");
      return NULL;
    }

  pad = gst_element_get_static_pad (sphinx, "sink");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, on_sphinx_buffer, self, NULL);

  bus = gst_pipeline_get_bus (GST_PIPELINE (self->pipeline));
  gst_bus_set_sync_handler (bus, on_sync_message, self, NULL);

  /* The element decodes only in PLAYING and passes anything earlier
   * through unheard, so no audio may reach it before it gets there. */
  if (gst_element_set_state (self->pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE ||
      gst_element_get_state (self->pipeline, NULL, NULL, 10 * GST_SECOND) != GST_STATE_CHANGE_SUCCESS)
    {
      g_set_error_literal (error, HANDOFF_STT_ERROR, HANDOFF_STT_ERROR_MEDIA,
                           "The local recogniser did not start (pocketsphinx model missing?)");
      return NULL;
    }
  GST_DEBUG ("local recogniser started, cmninit %s", cmninit ? cmninit : "(model)");
  return g_steal_pointer (&self);
}

gboolean
handoff_sphinx_push (HandoffSphinx *self,
                     GstBuffer     *buffer)
{
  GstBuffer *gated;
  GstMapInfo map;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (GST_IS_BUFFER (buffer), FALSE);

  /* A copy when someone else holds it too (audio kept for a replay). */
  gated = gst_buffer_make_writable (gst_buffer_ref (buffer));
  if (gst_buffer_map (gated, &map, GST_MAP_READWRITE))
    {
      handoff_noise_gate_process (self->gate, (gint16 *) map.data, map.size / sizeof (gint16));
      gst_buffer_unmap (gated, &map);
    }
  return gst_app_src_push_buffer (GST_APP_SRC (self->appsrc), gated) == GST_FLOW_OK;
}

void
handoff_sphinx_end (HandoffSphinx *self)
{
  g_return_if_fail (self != NULL);

  gst_app_src_end_of_stream (GST_APP_SRC (self->appsrc));
}

void
handoff_sphinx_free (HandoffSphinx *self)
{
  if (!self)
    return;
  self->stopping = TRUE;
  if (self->pipeline)
    {
      g_autoptr(GstBus) bus = gst_pipeline_get_bus (GST_PIPELINE (self->pipeline));

      gst_element_set_state (self->pipeline, GST_STATE_NULL);
      gst_bus_set_sync_handler (bus, NULL, NULL, NULL);
      gst_object_unref (self->pipeline);
    }
  handoff_noise_gate_free (self->gate);
  g_free (self);
}
