/* lk-room-playback.c: LkRoom's local playback sources — audio the app plays
 * into the room's own mixer beside the remote tracks (a caller's hold music
 * while its agent is away), heard at the room's audio sink and published to
 * nobody
 *
 * The mixer is the room's, so such a source is heard exactly like the call
 * (same sink, same clock, same latency) and goes when the room's media go.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-room"

#include "lk-room-private.h"

struct _LkPlaybackSource {
  GstElement *source;          /* the app's element (our own reference) */
  GstElement *caps;            /* pins the source to the mixer's format */
  GstPad *mixer_pad;
};

void
lk_playback_source_free (LkPlaybackSource *input)
{
  GstObject *bin = gst_object_get_parent (GST_OBJECT (input->source));

  /* The mixer's pad first: an aggregator pad holding a buffer parks the
   * source's streaming thread until it is consumed; releasing the pad
   * flushes it (as LkTrack detaches a remote track). */
  if (input->mixer_pad != NULL)
    {
      g_autoptr(GstObject) mixer = gst_pad_get_parent (input->mixer_pad);

      if (mixer != NULL)
        gst_element_release_request_pad (GST_ELEMENT (mixer), input->mixer_pad);
      g_clear_object (&input->mixer_pad);
    }
  gst_element_set_state (input->source, GST_STATE_NULL);
  gst_element_set_state (input->caps, GST_STATE_NULL);
  if (bin != NULL)
    {
      gst_bin_remove_many (GST_BIN (bin), input->source, input->caps, NULL);
      gst_object_unref (bin);
    }
  gst_object_unref (input->source);
  gst_object_unref (input->caps);
  g_free (input);
}

static LkPlaybackSource *
find_source (LkRoom     *self,
             GstElement *source,
             guint      *index)
{
  for (guint i = 0; i < self->playback_sources->len; i++)
    {
      LkPlaybackSource *input = g_ptr_array_index (self->playback_sources, i);

      if (input->source == source)
        {
          *index = i;
          return input;
        }
    }
  return NULL;
}

gboolean
lk_room_add_playback_source (LkRoom      *self,
                             GstElement  *source,
                             GError     **error)
{
  g_autoptr(GstCaps) caps = NULL;
  g_autoptr(GstPad) src = NULL;
  g_autoptr(GstPad) caps_src = NULL;
  g_autoptr(GstObject) parent = NULL;
  LkPlaybackSource *input;

  g_return_val_if_fail (LK_IS_ROOM (self), FALSE);
  g_return_val_if_fail (GST_IS_ELEMENT (source), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->mixer == NULL)
    {
      g_set_error_literal (error, LK_ERROR, LK_ERROR_MEDIA,
                           "the room has no audio output (not connecting or connected)");
      return FALSE;
    }
  parent = gst_object_get_parent (GST_OBJECT (source));
  if (parent != NULL)
    {
      g_set_error_literal (error, LK_ERROR, LK_ERROR_INVALID_ARGUMENT,
                           "this source already plays somewhere");
      return FALSE;
    }
  src = gst_element_get_static_pad (source, "src");
  if (src == NULL)
    {
      g_set_error_literal (error, LK_ERROR, LK_ERROR_INVALID_ARGUMENT,
                           "a playback source needs an always src pad");
      return FALSE;
    }

  input = g_new0 (LkPlaybackSource, 1);
  input->source = gst_object_ref_sink (source);
  input->caps = gst_object_ref_sink (gst_element_factory_make ("capsfilter", NULL));
  caps = gst_caps_from_string (LK_TRACK_TAP_CAPS);
  g_object_set (input->caps, "caps", caps, NULL);
  gst_bin_add_many (GST_BIN (self->pipeline), input->source, input->caps, NULL);
  g_ptr_array_add (self->playback_sources, input);

  input->mixer_pad = gst_element_request_pad_simple (self->mixer, "sink_%u");
  caps_src = gst_element_get_static_pad (input->caps, "src");
  /* Downstream first: the source must not push into an unlinked or stopped
   * element. */
  if (!gst_element_link (input->source, input->caps)
      || input->mixer_pad == NULL || gst_pad_link (caps_src, input->mixer_pad) != GST_PAD_LINK_OK
      || !gst_element_sync_state_with_parent (input->caps)
      || !gst_element_sync_state_with_parent (input->source))
    {
      g_ptr_array_remove_index (self->playback_sources, self->playback_sources->len - 1);
      g_set_error_literal (error, LK_ERROR, LK_ERROR_MEDIA,
                           "the source cannot play into the room's mixer (not raw audio?)");
      return FALSE;
    }
  return TRUE;
}

gboolean
lk_room_remove_playback_source (LkRoom     *self,
                                GstElement *source)
{
  guint index;

  g_return_val_if_fail (LK_IS_ROOM (self), FALSE);
  g_return_val_if_fail (GST_IS_ELEMENT (source), FALSE);

  if (find_source (self, source, &index) == NULL)
    return FALSE;
  g_ptr_array_remove_index (self->playback_sources, index);
  return TRUE;
}
