/* handoff-noise-gate.h: low-level noise to digital silence before pocketsphinx
 *
 * pocketsphinx's live cepstral mean normalisation drifts during long
 * stretches of faint noise (a microphone's hiss, even ±1 LSB of dither):
 * after 4 s of it before the first word, a sentence it otherwise gets right
 * comes out as "op ed". Digital silence does not hurt it. So frames that are
 * not speech are zeroed: 10 ms frames below max(-65 dBFS, noise floor +
 * 15 dB) close the gate, 300 ms after the last speech frame.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _HandoffNoiseGate HandoffNoiseGate;

HandoffNoiseGate *handoff_noise_gate_new     (guint             rate);
void              handoff_noise_gate_free    (HandoffNoiseGate *self);
/* In place, S16 mono, any length; state carries over between calls. */
void              handoff_noise_gate_process (HandoffNoiseGate *self,
                                              gint16           *samples,
                                              gsize             n_samples);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HandoffNoiseGate, handoff_noise_gate_free)

G_END_DECLS
