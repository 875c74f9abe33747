/* lk-room-latency.c: the pipeline's latency goes to every sink, but not
 * into a webrtcbin that is stuck changing state
 *
 * GStreamer hands a recomputed latency to every sink of the pipeline,
 * taking each one's state lock. A webrtcbin whose stop hangs
 * (lk-peer-transport.c: its thread stuck in SCTP) holds that lock for
 * good: the main loop, recomputing the latency for a track that came or
 * went, would hang with it. So the room answers do-latency itself, as
 * GstBin does, and passes over a webrtcbin whose state lock is taken; the
 * others get the latency as GStreamer would give it to them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-room"

#include "lk-room-private.h"

static gboolean
is_webrtcbin (GstElement *element)
{
  GstElementFactory *factory = gst_element_get_factory (element);

  return factory != NULL && g_strcmp0 (GST_OBJECT_NAME (factory), "webrtcbin") == 0;
}

static void
send_to_sinks (GstBin   *bin,
               GstEvent *latency)
{
  GstIterator *sinks = gst_bin_iterate_sinks (bin);
  GValue item = G_VALUE_INIT;
  gboolean done = FALSE;

  while (!done)
    switch (gst_iterator_next (sinks, &item))
      {
      case GST_ITERATOR_OK:
        {
          GstElement *sink = g_value_get_object (&item);

          if (!is_webrtcbin (sink))
            {
              if (GST_IS_BIN (sink))
                send_to_sinks (GST_BIN (sink), latency);
              else
                gst_element_send_event (sink, gst_event_ref (latency));
            }
          else if (GST_STATE_TRYLOCK (sink))
            {
              gst_element_send_event (sink, gst_event_ref (latency));
              GST_STATE_UNLOCK (sink);
            }
          else
            g_message ("%s is busy changing state (a stop that hangs?): the new latency is not sent to it",
                       GST_OBJECT_NAME (sink));
          g_value_reset (&item);
          break;
        }
      case GST_ITERATOR_RESYNC:
        /* Sent twice to some: the same value, no harm. */
        gst_iterator_resync (sinks);
        break;
      default:
        done = TRUE;
        break;
      }
  g_value_unset (&item);
  gst_iterator_free (sinks);
}

static gboolean
do_latency (GstBin   *pipeline,
            gpointer  user_data)
{
  g_autoptr(GstQuery) query = gst_query_new_latency ();
  g_autoptr(GstEvent) latency = NULL;
  GstClockTime min = 0, max = GST_CLOCK_TIME_NONE;
  gboolean live = FALSE;

  if (!gst_element_query (GST_ELEMENT (pipeline), query))
    return TRUE;   /* as GstBin: nothing to configure */
  gst_query_parse_latency (query, &live, &min, &max);
  /* Set all the same, as GstBin does: the audio may then glitch. */
  if (GST_CLOCK_TIME_IS_VALID (max) && min > max)
    g_message ("the pipeline's latency cannot be met (min %" GST_TIME_FORMAT " > max %" GST_TIME_FORMAT ")",
               GST_TIME_ARGS (min), GST_TIME_ARGS (max));
  latency = gst_event_new_latency (min);
  send_to_sinks (pipeline, latency);
  return TRUE;
}

void
lk_room_manage_latency (LkRoom *self)
{
  g_signal_connect (self->pipeline, "do-latency", G_CALLBACK (do_latency), NULL);
}
