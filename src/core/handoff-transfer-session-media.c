/* handoff-transfer-session-media.c: who hears whom in each transfer state
 *
 * Every state has one media configuration, computed by a pure function
 * (so the table is testable on its own) and applied on entry, so whatever
 * path led to a state, the SFU enforces the same privacy.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "handoff-transfer"

#include "config.h"

#include <glib/gi18n.h>

#include "handoff-core-error.h"
#include "handoff-transfer-session-private.h"

static GStrv
strv_of (const char *a)
{
  GStrv v = g_new0 (char *, 2);

  if (a != NULL)
    v[0] = g_strdup (a);
  return v;
}

void
handoff_transfer_compute_audience (HandoffTransferRole   role,
                                   HandoffTransferState  state,
                                   const char           *caller_identity,
                                   const char           *peer_identity,
                                   gboolean             *mic_all,
                                   GStrv                *mic_allowed,
                                   GStrv                *music_audience)
{
  g_return_if_fail (mic_all != NULL && mic_allowed != NULL && music_audience != NULL);

  *mic_all = TRUE;
  *mic_allowed = NULL;
  *music_audience = NULL;

  switch (state)
    {
    case HANDOFF_TRANSFER_IDLE:
      if (role == HANDOFF_TRANSFER_ROLE_TARGET)
        {
          /* B is not in the room yet; if it joins, it joins private. */
          *mic_all = FALSE;
          *mic_allowed = strv_of (peer_identity);
        }
      break;
    case HANDOFF_TRANSFER_OFFERED:
    case HANDOFF_TRANSFER_CONSULTING:
      /* Agents only: the peer may hear us (granted ahead, so B hears A as
       * soon as it subscribes); the caller hears A's hold music only. */
      *mic_all = FALSE;
      *mic_allowed = strv_of (peer_identity);
      if (role == HANDOFF_TRANSFER_ROLE_INITIATOR && caller_identity != NULL)
        *music_audience = strv_of (caller_identity);
      break;
    case HANDOFF_TRANSFER_THREE_WAY:
    case HANDOFF_TRANSFER_COMPLETED:
    case HANDOFF_TRANSFER_ENDED:
      break;
    default:
      g_assert_not_reached ();
    }
}
void
handoff_transfer_session_apply_media (HandoffTransferSession *self)
{
  HandoffCallMedia *media = self->call ? handoff_call_session_get_media (self->call) : NULL;
  g_auto(GStrv) allowed = NULL;
  g_auto(GStrv) music = NULL;
  g_autoptr(GError) error = NULL;
  gboolean all;

  if (media == NULL)
    return;
  handoff_transfer_compute_audience (self->role, self->state,
                                     handoff_call_session_get_caller_identity (self->call),
                                     self->peer_identity, &all, &allowed, &music);
  /* Mute towards the caller before the music starts, and stop the music
   * before opening up, so the caller never hears both. */
  if (!handoff_call_media_set_mic_audience (media, all, (const char * const *) allowed, &error) ||
      !handoff_call_media_set_hold_music (media, (const char * const *) music,
                                          handoff_call_session_get_hold_music (self->call), &error))
    {
      g_warning ("Transfer media step failed: %s", error->message);
      g_free (self->media_error);
      self->media_error = g_strdup (error->message);
    }
  if (self->state == HANDOFF_TRANSFER_THREE_WAY)
    handoff_call_media_resubscribe (media);
}
