/* handoff-vad.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "handoff-vad"

#include <math.h>
#include <string.h>

#include "handoff-vad.h"

#define FRAME_MS        20
#define PREROLL_MS      200
#define HANGOVER_MS     600
#define MAX_UTTERANCE_S 15
#define MIN_SPEECH_MS   200
#define ABS_THRESHOLD   -45.0
#define FLOOR_MARGIN    12.0

struct _HandoffVad
{
  guint                   rate;
  guint                   frame_len;
  HandoffVadUtteranceFunc func;
  gpointer                user_data;

  /* The frame being filled. */
  gint16                 *frame;
  guint                   frame_fill;
  GstClockTime            frame_pts;

  /* Recent non-speech audio, kept as the next utterance's preroll. */
  GByteArray             *preroll;
  GstClockTime            preroll_pts;

  GByteArray             *utterance;
  GstClockTime            utterance_pts;
  gboolean                in_speech;
  guint                   silent_frames;
  guint                   speech_frames;
  double                  noise_floor;
};

HandoffVad *
handoff_vad_new (guint                   rate,
                 HandoffVadUtteranceFunc func,
                 gpointer                user_data)
{
  HandoffVad *self;

  g_return_val_if_fail (rate >= 8000, NULL);
  g_return_val_if_fail (func != NULL, NULL);

  self = g_new0 (HandoffVad, 1);
  self->rate = rate;
  self->frame_len = rate * FRAME_MS / 1000;
  self->frame = g_new0 (gint16, self->frame_len);
  self->func = func;
  self->user_data = user_data;
  self->preroll = g_byte_array_new ();
  self->utterance = g_byte_array_new ();
  self->noise_floor = -70.0;
  self->frame_pts = GST_CLOCK_TIME_NONE;
  return self;
}

void
handoff_vad_free (HandoffVad *self)
{
  if (!self)
    return;
  g_byte_array_unref (self->preroll);
  g_byte_array_unref (self->utterance);
  g_free (self->frame);
  g_free (self);
}

gboolean
handoff_vad_in_speech (HandoffVad *self)
{
  return self->in_speech;
}

static GstClockTime
samples_to_time (HandoffVad *self,
                 guint64     n)
{
  return gst_util_uint64_scale (n, GST_SECOND, self->rate);
}

static void
end_utterance (HandoffVad *self)
{
  guint n = self->utterance->len / 2;
  /* Trailing silence (the hangover) is not part of what was said. */
  guint trailing = MIN (n, self->silent_frames * self->frame_len);

  if (self->speech_frames * FRAME_MS >= MIN_SPEECH_MS)
    {
      guint keep = n - trailing / 2;   /* keep half the hangover as a tail */
      g_autoptr(GBytes) pcm = g_bytes_new (self->utterance->data, keep * 2);

      self->func (self->user_data, pcm, self->utterance_pts,
                  self->utterance_pts + samples_to_time (self, keep));
    }
  g_byte_array_set_size (self->utterance, 0);
  self->in_speech = FALSE;
  self->silent_frames = 0;
  self->speech_frames = 0;
}

static void
process_frame (HandoffVad *self)
{
  double sum = 0, db;
  gboolean speech;

  for (guint i = 0; i < self->frame_len; i++)
    sum += (double) self->frame[i] * self->frame[i];
  db = 10.0 * log10 (sum / self->frame_len / (32768.0 * 32768.0) + 1e-12);
  speech = db > MAX (ABS_THRESHOLD, self->noise_floor + FLOOR_MARGIN);

  /* The floor follows quiet frames quickly and loud ones slowly, so speech
   * does not raise it much but a noisier line does, over a few seconds. */
  if (db < self->noise_floor)
    self->noise_floor = 0.7 * self->noise_floor + 0.3 * db;
  else if (!speech)
    self->noise_floor = 0.98 * self->noise_floor + 0.02 * db;

  if (!self->in_speech)
    {
      if (speech)
        {
          self->in_speech = TRUE;
          self->speech_frames = 1;
          self->silent_frames = 0;
          g_byte_array_set_size (self->utterance, 0);
          g_byte_array_append (self->utterance, self->preroll->data, self->preroll->len);
          self->utterance_pts = self->frame_pts - samples_to_time (self, self->preroll->len / 2);
          g_byte_array_append (self->utterance, (guint8 *) self->frame, self->frame_len * 2);
          g_byte_array_set_size (self->preroll, 0);
        }
      else
        {
          guint max = self->rate * PREROLL_MS / 1000 * 2;

          g_byte_array_append (self->preroll, (guint8 *) self->frame, self->frame_len * 2);
          if (self->preroll->len > max)
            g_byte_array_remove_range (self->preroll, 0, self->preroll->len - max);
        }
      return;
    }

  g_byte_array_append (self->utterance, (guint8 *) self->frame, self->frame_len * 2);
  if (speech)
    {
      self->speech_frames++;
      self->silent_frames = 0;
    }
  else
    {
      self->silent_frames++;
    }
  if (self->silent_frames * FRAME_MS >= HANGOVER_MS ||
      self->utterance->len / 2 >= self->rate * MAX_UTTERANCE_S)
    end_utterance (self);
}

void
handoff_vad_feed (HandoffVad   *self,
                  const gint16 *samples,
                  gsize         n_samples,
                  GstClockTime  pts)
{
  gsize i = 0;

  g_return_if_fail (self != NULL);

  while (i < n_samples)
    {
      guint take = MIN (self->frame_len - self->frame_fill, n_samples - i);

      if (self->frame_fill == 0)
        self->frame_pts = GST_CLOCK_TIME_IS_VALID (pts) ? pts + samples_to_time (self, i) : 0;
      memcpy (self->frame + self->frame_fill, samples + i, take * sizeof (gint16));
      self->frame_fill += take;
      i += take;
      if (self->frame_fill == self->frame_len)
        {
          process_frame (self);
          self->frame_fill = 0;
        }
    }
}

void
handoff_vad_flush (HandoffVad *self)
{
  g_return_if_fail (self != NULL);

  if (self->in_speech)
    end_utterance (self);
  self->frame_fill = 0;
}

GBytes *
handoff_wav_encode (GBytes *pcm,
                    guint   rate)
{
  gsize size = g_bytes_get_size (pcm);
  guint8 *out = g_malloc (44 + size);
  guint32 u32;
  guint16 u16;

#define PUT32(off, v) (u32 = GUINT32_TO_LE (v), memcpy (out + (off), &u32, 4))
#define PUT16(off, v) (u16 = GUINT16_TO_LE (v), memcpy (out + (off), &u16, 2))
  memcpy (out, "RIFF", 4);
  PUT32 (4, 36 + size);
  memcpy (out + 8, "WAVEfmt ", 8);
  PUT32 (16, 16);            /* fmt chunk size */
  PUT16 (20, 1);             /* PCM */
  PUT16 (22, 1);             /* mono */
  PUT32 (24, rate);
  PUT32 (28, rate * 2);      /* byte rate */
  PUT16 (32, 2);             /* block align */
  PUT16 (34, 16);            /* bits per sample */
  memcpy (out + 36, "data", 4);
  PUT32 (40, size);
#undef PUT32
#undef PUT16
  memcpy (out + 44, g_bytes_get_data (pcm, NULL), size);
  return g_bytes_new_take (out, 44 + size);
}
