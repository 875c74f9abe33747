/* handoff-test-jitter.c: a jittery network for a room on loopback
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "handoff-test-jitter"

#include "handoff-test-jitter.h"

typedef struct {
  double max_ms;
  double share;
} Jitter;

static gboolean
is_in_subscriber (GstElement *element)
{
  g_autoptr(GstObject) parent = gst_object_get_parent (GST_OBJECT (element));

  while (parent != NULL)
    {
      GstObject *up;

      if (g_strcmp0 (GST_OBJECT_NAME (parent), "subscriber") == 0)
        return TRUE;
      up = gst_object_get_parent (parent);
      gst_object_unref (parent);
      parent = up;
    }
  return FALSE;
}

/* Only received media: the publisher's ICE source carries RTCP alone. An
 * ICE source is seen before its webrtcbin is in place, so which side it is
 * on is found at its first packet. */
static GstPadProbeReturn
delay_packet (GstPad          *pad,
              GstPadProbeInfo *info,
              gpointer         user_data)
{
  const Jitter *jitter = user_data;
  GstElement *nicesrc = GST_PAD_PARENT (pad);
  gint side = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (nicesrc), "handoff-test-side"));

  if (side == 0)
    {
      side = is_in_subscriber (nicesrc) ? 1 : 2;
      g_object_set_data (G_OBJECT (nicesrc), "handoff-test-side", GINT_TO_POINTER (side));
    }
  if (side == 1 && g_random_double () < jitter->share)
    g_usleep ((gulong) (g_random_double () * jitter->max_ms * 1000));
  return GST_PAD_PROBE_OK;
}

static void
on_deep_element_added (GstBin     *bin,
                       GstBin     *sub_bin,
                       GstElement *element,
                       Jitter     *jitter)
{
  GstElementFactory *factory = gst_element_get_factory (element);
  g_autoptr(GstPad) src = NULL;

  if (factory == NULL || g_strcmp0 (GST_OBJECT_NAME (factory), "nicesrc") != 0)
    return;
  src = gst_element_get_static_pad (element, "src");
  gst_pad_add_probe (src, GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_BUFFER_LIST,
                     delay_packet, jitter, NULL);
}

void
handoff_test_jitter_received (GstPipeline *pipeline,
                              double       max_ms,
                              double       share)
{
  Jitter *jitter = g_new0 (Jitter, 1);
  g_autoptr(GstIterator) it = gst_bin_iterate_recurse (GST_BIN (pipeline));
  GValue item = G_VALUE_INIT;

  jitter->max_ms = max_ms;
  jitter->share = share;
  /* The probes keep it until the pipeline goes. */
  g_object_set_data_full (G_OBJECT (pipeline), "handoff-test-jitter", jitter, g_free);
  g_signal_connect (pipeline, "deep-element-added", G_CALLBACK (on_deep_element_added), jitter);
  while (gst_iterator_next (it, &item) == GST_ITERATOR_OK)
    {
      on_deep_element_added (NULL, NULL, g_value_get_object (&item), jitter);
      g_value_reset (&item);
    }
  g_value_unset (&item);
}
