/* handoff-noise-gate.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "handoff-noise-gate"

#include <math.h>
#include <string.h>

#include "handoff-noise-gate.h"

#define FRAME_MS        10
#define HANGOVER_MS     300
#define ABS_THRESHOLD   -65.0
#define FLOOR_MARGIN    15.0
/* The floor follows a quieter frame at once and a louder one slowly
 * (2 dB/s), so speech does not raise it but steady noise does. */
#define FLOOR_RISE_DB   (2.0 * FRAME_MS / 1000.0)
#define SILENCE_DB      -96.0

struct _HandoffNoiseGate
{
  guint    frame_len;
  double   floor_db;
  gboolean floor_known;
  guint    open_frames;   /* frames the gate stays open after the last speech */
};

HandoffNoiseGate *
handoff_noise_gate_new (guint rate)
{
  HandoffNoiseGate *self;

  g_return_val_if_fail (rate >= 8000, NULL);
  self = g_new0 (HandoffNoiseGate, 1);
  self->frame_len = rate * FRAME_MS / 1000;
  return self;
}

void
handoff_noise_gate_free (HandoffNoiseGate *self)
{
  g_free (self);
}

static double
level_db (const gint16 *samples,
          gsize         n)
{
  double sum = 0;

  for (gsize i = 0; i < n; i++)
    sum += (double) samples[i] * samples[i];
  if (n == 0 || sum == 0)
    return SILENCE_DB;
  return MAX (SILENCE_DB, 10 * log10 (sum / n / (32768.0 * 32768.0)));
}

void
handoff_noise_gate_process (HandoffNoiseGate *self,
                            gint16           *samples,
                            gsize             n_samples)
{
  g_return_if_fail (self != NULL);

  for (gsize pos = 0; pos < n_samples; pos += self->frame_len)
    {
      gsize n = MIN (self->frame_len, n_samples - pos);
      double db = level_db (samples + pos, n);

      if (!self->floor_known || db < self->floor_db)
        {
          self->floor_db = db;
          self->floor_known = TRUE;
        }
      else
        self->floor_db += FLOOR_RISE_DB;

      if (db > MAX (ABS_THRESHOLD, self->floor_db + FLOOR_MARGIN))
        self->open_frames = HANGOVER_MS / FRAME_MS;
      else if (self->open_frames > 0)
        self->open_frames--;
      else
        memset (samples + pos, 0, n * sizeof (gint16));
    }
}
