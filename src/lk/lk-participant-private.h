/* lk-participant-private.h: what LkRoom needs of LkParticipant
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "lk-participant.h"
#include "lk-protocol.pb-c.h"

G_BEGIN_DECLS

typedef struct {
  gboolean info_changed;     /* name, metadata or attributes */
  GPtrArray *added;          /* LkTrack */
  GPtrArray *removed;        /* LkTrack */
  GPtrArray *mute_changed;   /* LkTrack */
} LkParticipantDiff;

LkParticipant *lk_participant_new           (const Livekit__ParticipantInfo *info,
                                             gboolean                        local);
/* Applies @info (ignored when older than what we have); fills @diff. */
void           lk_participant_update        (LkParticipant                  *self,
                                             const Livekit__ParticipantInfo *info,
                                             LkParticipantDiff              *diff);
void           lk_participant_diff_clear    (LkParticipantDiff *diff);
void           lk_participant_add_track     (LkParticipant *self,
                                             LkTrack       *track);
void           lk_participant_remove_track  (LkParticipant *self,
                                             LkTrack       *track);
void           lk_participant_set_speaking  (LkParticipant *self,
                                             gboolean       speaking,
                                             float          level);
void           lk_participant_set_sid       (LkParticipant *self,
                                             const char    *sid);

G_END_DECLS
