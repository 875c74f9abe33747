/* lk-participant.h: a participant of a LiveKit room (local or remote)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "lk-enums.h"
#include "lk-track.h"

G_BEGIN_DECLS

#define LK_TYPE_PARTICIPANT (lk_participant_get_type ())
G_DECLARE_FINAL_TYPE (LkParticipant, lk_participant, LK, PARTICIPANT, GObject)

const char        *lk_participant_get_sid        (LkParticipant *self);
const char        *lk_participant_get_identity   (LkParticipant *self);
const char        *lk_participant_get_name       (LkParticipant *self);
const char        *lk_participant_get_metadata   (LkParticipant *self);
LkParticipantKind  lk_participant_get_kind       (LkParticipant *self);
gboolean           lk_participant_is_local       (LkParticipant *self);
/* Attributes: key → value, owned by the participant; NULL when none. */
GHashTable        *lk_participant_get_attributes (LkParticipant *self);
const char        *lk_participant_get_attribute  (LkParticipant *self,
                                                  const char    *key);
/* Speaking, as the server's active-speaker detection last said. */
gboolean           lk_participant_is_speaking    (LkParticipant *self);
float              lk_participant_get_audio_level (LkParticipant *self);
/* A GListModel of LkTrack: the tracks this participant publishes. */
GListModel        *lk_participant_get_tracks     (LkParticipant *self);
LkTrack           *lk_participant_lookup_track   (LkParticipant *self,
                                                  const char    *track_sid);

G_END_DECLS
