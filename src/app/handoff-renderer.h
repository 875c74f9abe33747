/* handoff-renderer.h: draw with cairo where OpenGL runs on the CPU
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Call once GTK is initialised and before the first window is realised. */
void handoff_renderer_choose (void);

G_END_DECLS
