/* lk-room-publisher-watch.c: a publisher whose connection does not come
 * up is replaced
 *
 * webrtcbin 1.22 does not recover a publisher whose ICE failed, or never
 * started (no candidate gathered: its state stays "new"), by an ICE
 * restart: it does not gather again. livekit-server notices only ~15 s
 * after the join, and asks for a resume, which cannot help either; so
 * everything we publish stays unheard for good. New transports (a re-join)
 * do come up.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-room"

#include "lk-room-private.h"

/* Loopback or a LAN connects in well under a second, and a loaded machine
 * running sanitizers in a few; the server's own deadline is ~15 s. */
#define PUBLISHER_ICE_DEADLINE_US (8 * G_USEC_PER_SEC)

static gboolean
publisher_answered (LkRoom *self)
{
  GstWebRTCSessionDescription *answer = NULL;
  gboolean answered;

  g_object_get (lk_peer_transport_get_webrtcbin (self->publisher), "current-remote-description", &answer, NULL);
  answered = answer != NULL;
  if (answer != NULL)
    gst_webrtc_session_description_free (answer);
  return answered;
}

/* The peer connection's state, not the ICE one: webrtcbin 1.22 does not
 * always move its ice-connection-state (a connected publisher can still
 * read "new"), while the connection state follows ICE and DTLS both. */
static GstWebRTCPeerConnectionState
publisher_state (LkRoom *self)
{
  GstWebRTCPeerConnectionState state = GST_WEBRTC_PEER_CONNECTION_STATE_NEW;

  g_object_get (lk_peer_transport_get_webrtcbin (self->publisher), "connection-state", &state, NULL);
  return state;
}

void
lk_room_watch_publisher_ice (LkRoom *self,
                             gint64  now)
{
  GstWebRTCPeerConnectionState state;
  g_autofree char *why = NULL;

  /* While the signal is away the clock stops: a resume comes first. Only
   * a publisher with tracks: the app's audio is what must get out. */
  if (self->publisher == NULL || self->rejoining || !lk_room_signal_is_up (self) ||
      self->local_tracks->len == 0 || !publisher_answered (self))
    {
      self->publisher_down_since_us = 0;
      return;
    }
  state = publisher_state (self);
  if (state == GST_WEBRTC_PEER_CONNECTION_STATE_CONNECTED)
    {
      self->publisher_down_since_us = 0;
      return;
    }
  if (self->publisher_down_since_us == 0)
    self->publisher_down_since_us = now;
  if (state != GST_WEBRTC_PEER_CONNECTION_STATE_FAILED &&
      now - self->publisher_down_since_us < PUBLISHER_ICE_DEADLINE_US)
    return;

  why = state == GST_WEBRTC_PEER_CONNECTION_STATE_FAILED
        ? g_strdup ("the publisher's connection failed")
        : g_strdup_printf ("the publisher is still not connected after %" G_GINT64_FORMAT " s (state %d)",
                           (now - self->publisher_down_since_us) / G_USEC_PER_SEC, state);
  self->publisher_down_since_us = 0;
  self->n_publisher_rejoins++;
  lk_room_start_rejoin (self, LK_DISCONNECT_REASON_MEDIA_FAILURE, why);
}
