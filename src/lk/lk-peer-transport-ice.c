/* lk-peer-transport-ice.c: LkPeerTransport's ICE side — candidates both
 * ways (ours sent only after our description, the server's applied only
 * after its description), the STUN server, UPnP off, ICE state
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-transport"

#include <gst/sdp/sdp.h>
#include <json-glib/json-glib.h>

#include "lk-peer-transport-private.h"

static char *
mid_of_mline (const char *sdp_text,
              guint       mline)
{
  GstSDPMessage *sdp = NULL;
  char *mid = NULL;

  if (sdp_text == NULL || gst_sdp_message_new_from_text (sdp_text, &sdp) != GST_SDP_OK)
    return NULL;
  if (mline < gst_sdp_message_medias_len (sdp))
    mid = g_strdup (gst_sdp_media_get_attribute_val (gst_sdp_message_get_media (sdp, mline), "mid"));
  gst_sdp_message_free (sdp);
  return mid;
}

static char *
candidate_json (LkPeerTransport *self,
                guint            mline,
                const char      *candidate)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *mid = mid_of_mline (self->local_sdp, mline);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "candidate");
  json_builder_add_string_value (b, candidate);
  json_builder_set_member_name (b, "sdpMLineIndex");
  json_builder_add_int_value (b, mline);
  json_builder_set_member_name (b, "sdpMid");
  json_builder_add_string_value (b, mid ? mid : "0");
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}

void
lk_peer_transport_local_candidate_free (LocalCandidate *c)
{
  g_free (c->candidate);
  g_free (c);
}

static void
send_local_candidate (LkPeerTransport *self,
                      LocalCandidate  *c)
{
  g_autofree char *json = candidate_json (self, c->mline, c->candidate);

  g_signal_emit_by_name (self, "local-candidate", json);
}

static void
remember_sent_candidate (LkPeerTransport *self,
                         LocalCandidate  *c)
{
  LocalCandidate *copy = g_new0 (LocalCandidate, 1);

  copy->mline = c->mline;
  copy->candidate = g_strdup (c->candidate);
  g_ptr_array_add (self->sent_candidates, copy);
}

static void
local_candidate_main (LkPeerTransport *self,
                      gpointer         data)
{
  LocalCandidate *c = data;

  if (!self->local_sent)
    {
      LocalCandidate *copy = g_new0 (LocalCandidate, 1);
      copy->mline = c->mline;
      copy->candidate = g_strdup (c->candidate);
      g_ptr_array_add (self->local_candidates, copy);
      return;
    }
  send_local_candidate (self, c);
  remember_sent_candidate (self, c);
}

void
lk_peer_transport_on_ice_candidate (GstElement *webrtcbin,
                                    guint       mline,
                                    const char *candidate,
                                    gpointer    user_data)
{
  LkPeerTransport *self = user_data;
  LocalCandidate *c;

  if (candidate == NULL || *candidate == '\0')
    return;
  c = g_new0 (LocalCandidate, 1);
  c->mline = mline;
  c->candidate = g_strdup (candidate);
  lk_peer_transport_run_in_main (self, local_candidate_main, c, (GDestroyNotify) lk_peer_transport_local_candidate_free);
}

void
lk_peer_transport_flush_local_candidates (LkPeerTransport *self)
{
  g_autoptr(GPtrArray) pending = g_steal_pointer (&self->local_candidates);

  self->local_candidates = g_ptr_array_new_with_free_func ((GDestroyNotify) lk_peer_transport_local_candidate_free);
  self->local_sent = TRUE;
  for (guint i = 0; i < pending->len; i++)
    {
      send_local_candidate (self, g_ptr_array_index (pending, i));
      remember_sent_candidate (self, g_ptr_array_index (pending, i));
    }
}

/* The ICE username fragment a description uses (session or first media). */
static char *
description_ufrag (GstWebRTCSessionDescription *desc)
{
  const char *ufrag = gst_sdp_message_get_attribute_val (desc->sdp, "ice-ufrag");

  for (guint i = 0; ufrag == NULL && i < gst_sdp_message_medias_len (desc->sdp); i++)
    ufrag = gst_sdp_media_get_attribute_val (gst_sdp_message_get_media (desc->sdp, i), "ice-ufrag");
  return g_strdup (ufrag);
}

void
lk_peer_transport_note_remote_ufrag (LkPeerTransport             *self,
                                     GstWebRTCSessionDescription *offer)
{
  g_autofree char *ufrag = description_ufrag (offer);

  if (ufrag == NULL)
    return;
  if (self->remote_ufrag != NULL && g_strcmp0 (ufrag, self->remote_ufrag) != 0)
    {
      self->remote_restarted = TRUE;
      self->n_remote_restarts++;
    }
  g_free (self->remote_ufrag);
  self->remote_ufrag = g_steal_pointer (&ufrag);
}

/* livekit-server restarts the subscriber's ICE when a session resumes (new
 * credentials in its offer). Its ICE agent then starts afresh, without any
 * of our candidates, and webrtcbin 1.22 neither restarts ICE on its side
 * when answering nor gathers again: nothing would ever tell the server
 * where to reach us, and it stops sending media for good (the agent heard
 * nothing after a signal cut). So once our answer is out, the candidates
 * go to the server again — ours are unchanged, and so are the credentials
 * in our answer, which the server's new agent takes. */
void
lk_peer_transport_resend_candidates_after_restart (LkPeerTransport *self)
{
  if (!self->remote_restarted)
    return;
  self->remote_restarted = FALSE;
  g_debug ("subscriber: the server restarted ICE; sending our %u candidates again",
           self->sent_candidates->len);
  for (guint i = 0; i < self->sent_candidates->len; i++)
    send_local_candidate (self, g_ptr_array_index (self->sent_candidates, i));
}

static void
add_candidate_now (LkPeerTransport *self,
                   const char      *json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *obj;
  const char *candidate;
  guint mline = 0;

  if (!json_parser_load_from_data (parser, json, -1, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_warning ("ignoring a malformed ICE candidate from the server");
      return;
    }
  obj = json_node_get_object (json_parser_get_root (parser));
  candidate = json_object_get_string_member_with_default (obj, "candidate", NULL);
  if (candidate == NULL || *candidate == '\0')
    return;
  if (json_object_has_member (obj, "sdpMLineIndex") &&
      !json_object_get_null_member (obj, "sdpMLineIndex"))
    mline = json_object_get_int_member (obj, "sdpMLineIndex");
  g_signal_emit_by_name (self->webrtcbin, "add-ice-candidate", mline, candidate);
}

void
lk_peer_transport_remote_applied (LkPeerTransport *self)
{
  g_autoptr(GPtrArray) pending = g_steal_pointer (&self->remote_candidates);

  self->remote_candidates = g_ptr_array_new_with_free_func (g_free);
  self->have_remote = TRUE;
  for (guint i = 0; i < pending->len; i++)
    add_candidate_now (self, g_ptr_array_index (pending, i));
}

void
lk_peer_transport_add_candidate (LkPeerTransport *self,
                                 const char      *candidate_init_json)
{
  g_return_if_fail (LK_IS_PEER_TRANSPORT (self));

  if (self->closed || candidate_init_json == NULL)
    return;
  if (!self->have_remote)
    {
      g_ptr_array_add (self->remote_candidates, g_strdup (candidate_init_json));
      return;
    }
  add_candidate_now (self, candidate_init_json);
}

guint
lk_peer_transport_get_n_remote_restarts (LkPeerTransport *self)
{
  g_return_val_if_fail (LK_IS_PEER_TRANSPORT (self), 0);
  return self->n_remote_restarts;
}

GstWebRTCICEConnectionState
lk_peer_transport_get_ice_state (LkPeerTransport *self)
{
  GstWebRTCICEConnectionState state = GST_WEBRTC_ICE_CONNECTION_STATE_NEW;

  g_return_val_if_fail (LK_IS_PEER_TRANSPORT (self), state);
  if (self->webrtcbin != NULL)
    g_object_get (self->webrtcbin, "ice-connection-state", &state, NULL);
  return state;
}

void
lk_peer_transport_set_stun_server (LkPeerTransport *self,
                                   const char      *uri)
{
  g_return_if_fail (LK_IS_PEER_TRANSPORT (self));
  g_object_set (self->webrtcbin, "stun-server", uri, NULL);
}

void
lk_peer_transport_on_ice_state (GstElement *webrtcbin,
                                GParamSpec *pspec,
                                gpointer    user_data)
{
  int state = 0;

  g_object_get (webrtcbin, pspec->name, &state, NULL);
  g_debug ("%s %s → %d", GST_OBJECT_NAME (webrtcbin), pspec->name, state);
}

/* libnice asks UPnP routers for port mappings by default: pointless against
 * an SFU with public candidates, slow, and noisy when ports clash. */
void
lk_peer_transport_disable_upnp (GstElement *webrtcbin)
{
  GObject *ice = NULL;
  GObject *agent = NULL;

  g_object_get (webrtcbin, "ice-agent", &ice, NULL);
  if (ice != NULL && g_object_class_find_property (G_OBJECT_GET_CLASS (ice), "agent") != NULL)
    g_object_get (ice, "agent", &agent, NULL);
  if (agent != NULL && g_object_class_find_property (G_OBJECT_GET_CLASS (agent), "upnp") != NULL)
    g_object_set (agent, "upnp", FALSE, NULL);
  g_clear_object (&agent);
  g_clear_object (&ice);
}
