/* lk-room-output.c: LkRoom's audio output changed mid-call (the agent picks
 * other speakers or a headset while talking)
 *
 * The mix keeps running; only the sink after it is exchanged, while the
 * pad in front of it is idle, so no buffer ever meets an unlinked pad (the
 * mixer would stop for good on not-linked).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-room"

#include <gst/base/gstbasesink.h>

#include "lk-room-private.h"

typedef struct {
  GstBin *pipeline;
  GstElement *incoming;
  GMutex lock;
  GCond cond;
  gboolean done;
  gboolean linked;
} SinkSwap;

static void
sink_swap_clear (gpointer data)
{
  SinkSwap *swap = data;

  gst_object_unref (swap->pipeline);
  gst_object_unref (swap->incoming);
  g_cond_clear (&swap->cond);
  g_mutex_clear (&swap->lock);
}

static void
sink_swap_release (gpointer data)
{
  g_atomic_rc_box_release_full (data, sink_swap_clear);
}

static void
set_not_async (const GValue *item,
               gpointer      user_data)
{
  GstElement *e = g_value_get_object (item);

  if (GST_IS_BASE_SINK (e))
    gst_base_sink_set_async_enabled (GST_BASE_SINK (e), FALSE);
}

/* A sink joining a playing pipeline would otherwise pre-roll on its own,
 * and the pipeline, seeing that, would pause and restart with a new base
 * time: a jump in every stream's timing, mid-call. */
static void
disable_preroll (GstElement *sink)
{
  if (GST_IS_BASE_SINK (sink))
    gst_base_sink_set_async_enabled (GST_BASE_SINK (sink), FALSE);
  else if (GST_IS_BIN (sink))
    {
      g_autoptr(GstIterator) it = gst_bin_iterate_recurse (GST_BIN (sink));
      gst_iterator_foreach (it, set_not_async, NULL);
    }
}

static GstPadProbeReturn
swap_when_idle (GstPad          *out,
                GstPadProbeInfo *info,
                gpointer         user_data)
{
  SinkSwap *swap = user_data;
  g_autoptr(GstPad) old_pad = gst_pad_get_peer (out);
  g_autoptr(GstElement) old = old_pad ? gst_pad_get_parent_element (old_pad) : NULL;
  g_autoptr(GstPad) new_pad = gst_element_get_static_pad (swap->incoming, "sink");
  gboolean linked;

  if (old != NULL)
    {
      gst_pad_unlink (out, old_pad);
      /* A sink has no streaming thread of its own here; stopping it from
       * the mixer's thread, with the mixer waiting on us, is safe. */
      gst_element_set_state (old, GST_STATE_NULL);
      gst_bin_remove (swap->pipeline, old);
    }
  gst_bin_add (swap->pipeline, swap->incoming);
  linked = new_pad != NULL && gst_pad_link (out, new_pad) == GST_PAD_LINK_OK;
  gst_element_sync_state_with_parent (swap->incoming);

  g_mutex_lock (&swap->lock);
  swap->linked = linked;
  swap->done = TRUE;
  g_cond_signal (&swap->cond);
  g_mutex_unlock (&swap->lock);
  return GST_PAD_PROBE_REMOVE;
}

gboolean
lk_room_switch_audio_sink (LkRoom      *self,
                           GstElement  *sink,
                           GError     **error)
{
  g_autoptr(GstPad) out = NULL;
  SinkSwap *swap;
  gulong probe;
  gboolean done, linked;
  gint64 deadline;

  g_return_val_if_fail (LK_IS_ROOM (self), FALSE);
  g_return_val_if_fail (GST_IS_ELEMENT (sink), FALSE);

  lk_room_set_audio_sink (self, sink);
  if (self->pipeline == NULL || self->output == NULL)
    return TRUE;

  disable_preroll (sink);
  swap = g_atomic_rc_box_new0 (SinkSwap);
  swap->pipeline = GST_BIN (gst_object_ref (self->pipeline));
  swap->incoming = gst_object_ref (sink);
  g_mutex_init (&swap->lock);
  g_cond_init (&swap->cond);
  out = gst_element_get_static_pad (self->output, "src");
  probe = gst_pad_add_probe (out, GST_PAD_PROBE_TYPE_IDLE, swap_when_idle,
                             g_atomic_rc_box_acquire (swap), sink_swap_release);

  /* The mix is live (silence at least), so the pad is idle within one
   * buffer; a second is a stopped pipeline, not a busy one. */
  deadline = g_get_monotonic_time () + G_TIME_SPAN_SECOND;
  g_mutex_lock (&swap->lock);
  while (!swap->done && g_cond_wait_until (&swap->cond, &swap->lock, deadline))
    ;
  done = swap->done;
  linked = swap->linked;
  g_mutex_unlock (&swap->lock);
  if (!done && probe != 0)
    gst_pad_remove_probe (out, probe);
  sink_swap_release (swap);

  if (!done)
    {
      g_set_error (error, LK_ERROR, LK_ERROR_MEDIA, "the audio output did not become free to change");
      return FALSE;
    }
  if (!linked)
    {
      g_set_error (error, LK_ERROR, LK_ERROR_MEDIA, "the new audio output does not take raw audio");
      return FALSE;
    }
  return TRUE;
}
