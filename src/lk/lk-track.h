/* lk-track.h: one published audio track, local or remote
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gst/gst.h>

#include "lk-enums.h"

G_BEGIN_DECLS

#define LK_TYPE_TRACK (lk_track_get_type ())
G_DECLARE_FINAL_TYPE (LkTrack, lk_track, LK, TRACK, GObject)

/* The caps every tap branch receives: interleaved S16LE, 48 kHz, mono. */
#define LK_TRACK_TAP_CAPS "audio/x-raw,format=S16LE,layout=interleaved,rate=48000,channels=1"

const char       *lk_track_get_sid                (LkTrack *self);
const char       *lk_track_get_name               (LkTrack *self);
LkTrackKind       lk_track_get_kind               (LkTrack *self);
LkTrackSource     lk_track_get_source             (LkTrack *self);
gboolean          lk_track_is_local               (LkTrack *self);
gboolean          lk_track_get_muted              (LkTrack *self);
/* Identity of the participant that publishes the track. */
const char       *lk_track_get_participant_identity (LkTrack *self);
/* TRUE while decoded audio flows (remote: subscribed and linked to the mixer). */
gboolean          lk_track_is_subscribed          (LkTrack *self);

/* Local tracks only: stops sending audio and tells the room (MuteTrackRequest). */
gboolean          lk_track_set_muted              (LkTrack  *self,
                                                   gboolean  muted,
                                                   GError  **error);

/* Local tracks only: @source (as for lk_room_publish_audio_async; a floating
 * reference is taken) replaces the track's source while it is published —
 * another microphone, mid-call. The others hear the new device at once, on
 * the same track; taps follow it. */
gboolean          lk_track_replace_source         (LkTrack     *self,
                                                   GstElement  *source,
                                                   GError     **error);

/* A tap: @branch (any GstElement with one always sink pad, usually a bin with
 * a ghost "sink" pad) receives this track's decoded audio as LK_TRACK_TAP_CAPS
 * — for a local track, the microphone before encoding. The branch is added to
 * the room's pipeline (the track holds a reference until lk_track_remove_tap
 * or the track ends); it must not block: a leaky queue sits in front of it.
 * May be called before the track's audio flows; the tap is linked when it does. */
gboolean          lk_track_add_tap                (LkTrack    *self,
                                                   GstElement *branch,
                                                   GError    **error);
void              lk_track_remove_tap             (LkTrack    *self,
                                                   GstElement *branch);

G_END_DECLS
