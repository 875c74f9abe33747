/* stt-speaker.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "stt-speaker"

#include <string.h>

#include <gst/app/gstappsrc.h>

#include "stt-speaker.h"

#define CHUNK_BYTES (16000 * 2 / 10)

struct _SttSpeaker
{
  GstElement *appsrc;
  GstElement *bin;
  GBytes     *speech;       /* S16LE 16 kHz mono */
  gsize       offset;
  gboolean    speaking;
  guint       timer;
};

static gboolean
speaker_tick (gpointer data)
{
  SttSpeaker *sp = data;
  gsize size = 0;
  const guint8 *speech = g_bytes_get_data (sp->speech, &size);
  guint8 *chunk = g_malloc0 (CHUNK_BYTES);

  if (sp->speaking && sp->offset < size)
    {
      gsize n = MIN (CHUNK_BYTES, size - sp->offset);

      memcpy (chunk, speech + sp->offset, n);
      sp->offset += n;
    }
  gst_app_src_push_buffer (GST_APP_SRC (sp->appsrc), gst_buffer_new_wrapped (chunk, CHUNK_BYTES));
  return G_SOURCE_CONTINUE;
}

static GBytes *
read_wav_samples (const char *path)
{
  g_autofree char *contents = NULL;
  gsize length = 0, pos = 12;

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  /* Walk the RIFF chunks to "data" (sox may add others). */
  while (pos + 8 <= length)
    {
      guint32 chunk_size;

      memcpy (&chunk_size, contents + pos + 4, 4);
      chunk_size = GUINT32_FROM_LE (chunk_size);
      if (memcmp (contents + pos, "data", 4) == 0)
        return g_bytes_new (contents + pos + 8, MIN (chunk_size, length - pos - 8));
      pos += 8 + chunk_size + (chunk_size & 1);
    }
  g_assert_not_reached ();
}

SttSpeaker *
stt_speaker_new (const char *wav)
{
  g_autoptr(GstCaps) caps = gst_caps_from_string ("audio/x-raw,format=S16LE,layout=interleaved,"
                                                  "rate=16000,channels=1");
  SttSpeaker *sp = g_new0 (SttSpeaker, 1);
  GstElement *convert = gst_element_factory_make ("audioconvert", NULL);
  GstElement *resample = gst_element_factory_make ("audioresample", NULL);
  g_autoptr(GstPad) pad = NULL;

  sp->speech = read_wav_samples (wav);
  sp->bin = gst_bin_new (NULL);
  sp->appsrc = gst_element_factory_make ("appsrc", NULL);
  g_object_set (sp->appsrc, "caps", caps, "is-live", TRUE, "format", GST_FORMAT_TIME,
                "do-timestamp", TRUE, NULL);
  gst_bin_add_many (GST_BIN (sp->bin), sp->appsrc, convert, resample, NULL);
  gst_element_link_many (sp->appsrc, convert, resample, NULL);
  pad = gst_element_get_static_pad (resample, "src");
  gst_element_add_pad (sp->bin, gst_ghost_pad_new ("src", pad));
  /* The appsrc is owned by the bin; keep it alive as long as we push. */
  gst_object_ref (sp->appsrc);
  sp->timer = g_timeout_add (100, speaker_tick, sp);
  return sp;
}

GstElement *
stt_speaker_get_source (SttSpeaker *self)
{
  return self->bin;
}

void
stt_speaker_speak (SttSpeaker *self)
{
  self->speaking = TRUE;
}

gboolean
stt_speaker_is_done (SttSpeaker *self)
{
  return self->offset >= g_bytes_get_size (self->speech);
}

void
stt_speaker_free (SttSpeaker *self)
{
  g_clear_handle_id (&self->timer, g_source_remove);
  g_clear_pointer (&self->speech, g_bytes_unref);
  gst_clear_object (&self->appsrc);
  g_free (self);
}
