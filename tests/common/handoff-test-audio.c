/* handoff-test-audio.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "handoff-test"

#include "handoff-test-audio.h"

#include <math.h>

double
handoff_test_tone_power (const float *samples,
                         gsize        n_samples,
                         guint        rate,
                         double       frequency)
{
  double coeff = 2.0 * cos (2.0 * G_PI * frequency / rate);
  double s_prev = 0.0, s_prev2 = 0.0;

  if (n_samples == 0)
    return 0.0;
  for (gsize i = 0; i < n_samples; i++)
    {
      double s = samples[i] + coeff * s_prev - s_prev2;
      s_prev2 = s_prev;
      s_prev = s;
    }
  return (s_prev2 * s_prev2 + s_prev * s_prev - coeff * s_prev * s_prev2)
         / ((double) n_samples * (double) n_samples);
}

double
handoff_test_dominant_frequency (const float *samples,
                                 gsize        n_samples,
                                 guint        rate,
                                 double       low,
                                 double       high)
{
  double best_f = low, best_p = -1.0;
  double fine_low, fine_high;

  /* Coarse 10 Hz sweep, then 1 Hz around the best bin. */
  for (double f = low; f <= high; f += 10.0)
    {
      double p = handoff_test_tone_power (samples, n_samples, rate, f);
      if (p > best_p)
        {
          best_p = p;
          best_f = f;
        }
    }
  fine_low = MAX (low, best_f - 10.0);
  fine_high = MIN (high, best_f + 10.0);
  for (double f = fine_low; f <= fine_high; f += 1.0)
    {
      double p = handoff_test_tone_power (samples, n_samples, rate, f);
      if (p > best_p)
        {
          best_p = p;
          best_f = f;
        }
    }
  return best_f;
}

double
handoff_test_rms (const float *samples,
                  gsize        n_samples)
{
  double sum = 0.0;

  if (n_samples == 0)
    return 0.0;
  for (gsize i = 0; i < n_samples; i++)
    sum += (double) samples[i] * samples[i];
  return sqrt (sum / n_samples);
}
