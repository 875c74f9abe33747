/* handoff-test-jitter.h: a jittery network for a room on loopback
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

/* From now on (and through re-joins), the ICE source of @pipeline's
 * subscriber sleeps a random 0..@max_ms ms before @share of the packets it
 * receives: that packet and the ones queued behind it reach the
 * jitterbuffer late, as after a Wi-Fi or a congested link's hiccup.
 * Loopback has no jitter of its own. */
void handoff_test_jitter_received (GstPipeline *pipeline,
                                   double       max_ms,
                                   double       share);

G_END_DECLS
