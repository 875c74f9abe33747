/* handoff-renderer.c: draw with cairo where OpenGL runs on the CPU
 *
 * GTK 4 draws windows with OpenGL. Without a GPU (a virtual machine, a remote
 * desktop, a thin client, Xvfb in CI) Mesa emulates OpenGL in software
 * (llvmpipe), and GTK's GL renderer then repaints the whole window for every
 * frame: the call view's level meters and timer alone kept two CPU threads
 * busy for 15-20 s of every minute of a call. GTK's cairo renderer repaints
 * only the part that changed, which costs next to nothing for a meter.
 *
 * So before the first window exists, ask OpenGL who renders; if it is a
 * software rasterizer, choose cairo. GTK reads GSK_RENDERER when it makes its
 * first renderer, and a GSK_RENDERER set by the user is left alone.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "handoff"

#include "config.h"

#include <epoxy/gl.h>
#include <gtk/gtk.h>
#include <string.h>

#include "handoff-renderer.h"

static gboolean
is_software (const char *renderer)
{
  static const char * const names[] = { "llvmpipe", "softpipe", "swrast", "Software Rasterizer" };

  for (guint i = 0; renderer != NULL && i < G_N_ELEMENTS (names); i++)
    if (strstr (renderer, names[i]) != NULL)
      return TRUE;
  return FALSE;
}

void
handoff_renderer_choose (void)
{
  GdkDisplay *display = gdk_display_get_default ();
  g_autoptr(GdkGLContext) context = NULL;
  g_autofree char *renderer = NULL;

  if (display == NULL || g_getenv ("GSK_RENDERER") != NULL)
    return;
  context = gdk_display_create_gl_context (display, NULL);
  if (context == NULL || !gdk_gl_context_realize (context, NULL))
    return;   /* no OpenGL at all: GTK picks cairo itself */
  gdk_gl_context_make_current (context);
  renderer = g_strdup ((const char *) glGetString (GL_RENDERER));
  gdk_gl_context_clear_current ();
  if (is_software (renderer))
    {
      g_debug ("OpenGL renders in software (%s): drawing with cairo", renderer);
      g_setenv ("GSK_RENDERER", "cairo", FALSE);
    }
}
