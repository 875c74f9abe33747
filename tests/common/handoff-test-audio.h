/* handoff-test-audio.h: what a listener would hear, measured
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Power of one frequency in mono float samples (Goertzel), normalised by the
 * number of samples so values compare across buffer lengths. */
double handoff_test_tone_power        (const float *samples,
                                       gsize        n_samples,
                                       guint        rate,
                                       double       frequency);

/* The frequency with the most power between @low and @high Hz, found to 1 Hz. */
double handoff_test_dominant_frequency (const float *samples,
                                        gsize        n_samples,
                                        guint        rate,
                                        double       low,
                                        double       high);

/* Root mean square of the samples. */
double handoff_test_rms               (const float *samples,
                                       gsize        n_samples);

G_END_DECLS
