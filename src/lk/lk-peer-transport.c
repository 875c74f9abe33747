/* lk-peer-transport.c: one webrtcbin (publisher or subscriber side)
 *
 * webrtcbin answers from its own threads (promises, ICE candidates); every
 * answer is carried back to the main context of the thread that created the
 * transport, through a weak reference so a late reply after dispose is
 * harmless. Every promise reply is checked: webrtcbin 1.22 reports refused
 * descriptions only there (livekit-facts.md §10). ICE candidates are
 * handled in lk-peer-transport-ice.c.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-transport"

#include <gst/sdp/sdp.h>

#include "lk-error.h"
#include "lk-peer-transport-private.h"

enum {
  SIGNAL_LOCAL_DESCRIPTION,
  SIGNAL_LOCAL_CANDIDATE,
  SIGNAL_NEGOTIATED,
  SIGNAL_FAILED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (LkPeerTransport, lk_peer_transport, G_TYPE_OBJECT)

typedef struct {
  GWeakRef ref;
  MainFunc func;
  gpointer data;
  GDestroyNotify destroy;
} MainCall;

static gboolean
main_call_run (gpointer user_data)
{
  MainCall *call = user_data;
  g_autoptr(LkPeerTransport) self = g_weak_ref_get (&call->ref);

  if (self != NULL && !self->closed)
    call->func (self, call->data);
  return G_SOURCE_REMOVE;
}

static void
main_call_free (gpointer user_data)
{
  MainCall *call = user_data;

  g_weak_ref_clear (&call->ref);
  if (call->destroy != NULL && call->data != NULL)
    call->destroy (call->data);
  g_free (call);
}

/* Always through an idle, even from the main thread: webrtcbin may call back
 * while we are inside one of its action signals. */
void
lk_peer_transport_run_in_main (LkPeerTransport *self,
                               MainFunc         func,
                               gpointer         data,
                               GDestroyNotify   destroy)
{
  MainCall *call = g_new0 (MainCall, 1);
  GSource *source = g_idle_source_new ();

  g_weak_ref_init (&call->ref, self);
  call->func = func;
  call->data = data;
  call->destroy = destroy;
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, main_call_run, call, main_call_free);
  g_source_attach (source, self->context);
  g_source_unref (source);
}

static void
emit_failed (LkPeerTransport *self,
             const char      *what,
             const GError    *cause)
{
  g_autoptr(GError) error = g_error_new (LK_ERROR, LK_ERROR_NEGOTIATION_FAILED,
                                         "%s %s: %s", self->publisher ? "publisher" : "subscriber",
                                         what, cause ? cause->message : "no reply");

  g_warning ("%s", error->message);
  self->negotiating = FALSE;
  g_signal_emit (self, signals[SIGNAL_FAILED], 0, error);
}

typedef struct {
  MainFunc func;
  GWeakRef ref;
} PromiseData;

static void
promise_data_free (gpointer user_data)
{
  PromiseData *pd = user_data;

  g_weak_ref_clear (&pd->ref);
  g_free (pd);
}

static void
on_promise_replied (GstPromise *promise,
                    gpointer    user_data)
{
  PromiseData *pd = user_data;
  g_autoptr(LkPeerTransport) self = g_weak_ref_get (&pd->ref);

  /* Whoever handles the reply owns the promise's one reference (as in
   * webrtcbin's examples): the main-context call, or nobody. */
  if (self == NULL)
    {
      gst_promise_unref (promise);
      return;
    }
  lk_peer_transport_run_in_main (self, pd->func, promise, (GDestroyNotify) gst_promise_unref);
}

static GstPromise *
promise_for (LkPeerTransport *self,
             MainFunc         func)
{
  PromiseData *pd = g_new0 (PromiseData, 1);

  pd->func = func;
  g_weak_ref_init (&pd->ref, self);
  return gst_promise_new_with_change_func (on_promise_replied, pd, promise_data_free);
}

/* TRUE when the promise replied without an error; @error_out gets webrtcbin's. */
static gboolean
promise_ok (GstPromise  *promise,
            GError     **error_out)
{
  const GstStructure *reply;
  GError *error = NULL;

  if (gst_promise_wait (promise) != GST_PROMISE_RESULT_REPLIED)
    {
      g_set_error (error_out, LK_ERROR, LK_ERROR_NEGOTIATION_FAILED, "webrtcbin did not reply");
      return FALSE;
    }
  reply = gst_promise_get_reply (promise);
  if (reply != NULL && gst_structure_has_field (reply, "error"))
    {
      gst_structure_get (reply, "error", G_TYPE_ERROR, &error, NULL);
      if (error != NULL)
        {
          g_propagate_error (error_out, error);
          return FALSE;
        }
    }
  return TRUE;
}

static void
on_negotiation_needed (GstElement *webrtcbin,
                       gpointer    user_data)
{
  /* Deliberately ignored: the subscriber never offers (the server makes
   * every subscriber offer), and the publisher offers when the room asks. */
}

static void
send_local_description (LkPeerTransport          *self,
                        GstWebRTCSessionDescription *desc,
                        guint                     id)
{
  g_autofree char *text = gst_sdp_message_as_text (desc->sdp);

  g_free (self->local_sdp);
  self->local_sdp = g_strdup (text);
  g_signal_emit (self, signals[SIGNAL_LOCAL_DESCRIPTION], 0,
                 desc->type == GST_WEBRTC_SDP_TYPE_OFFER ? "offer" : "answer", text, id);
  lk_peer_transport_flush_local_candidates (self);
}

/* ---- publisher: offer → set-local → send → (answer) set-remote ---- */

static void next_negotiation (LkPeerTransport *self);

static void
send_pending_local (LkPeerTransport *self,
                    guint            id)
{
  GstWebRTCSessionDescription *desc = g_steal_pointer (&self->pending_local);

  if (desc == NULL)
    return;
  send_local_description (self, desc, id);
  gst_webrtc_session_description_free (desc);
}

static void
on_offer_local_set (LkPeerTransport *self,
                    gpointer         data)
{
  g_autoptr(GError) error = NULL;

  if (!promise_ok (data, &error))
    {
      emit_failed (self, "set-local-description (offer)", error);
      return;
    }
  self->offer_out = TRUE;
  send_pending_local (self, ++self->last_offer_id);
}

static void
on_offer_created (LkPeerTransport *self,
                  gpointer         data)
{
  GstPromise *promise = data;
  g_autoptr(GError) error = NULL;
  GstWebRTCSessionDescription *offer = NULL;

  if (!promise_ok (promise, &error))
    {
      emit_failed (self, "create-offer", error);
      return;
    }
  gst_structure_get (gst_promise_get_reply (promise), "offer",
                     GST_TYPE_WEBRTC_SESSION_DESCRIPTION, &offer, NULL);
  if (offer == NULL)
    {
      emit_failed (self, "create-offer", NULL);
      return;
    }
  /* Sent once applied: only then is webrtcbin ready for what the answer
   * or the server's media bring. */
  self->local_sent = FALSE;
  g_clear_pointer (&self->pending_local, gst_webrtc_session_description_free);
  self->pending_local = offer;
  g_signal_emit_by_name (self->webrtcbin, "set-local-description", offer,
                         promise_for (self, on_offer_local_set));
}

static void
start_offer (LkPeerTransport *self,
             gboolean         ice_restart)
{
  GstStructure *options = NULL;

  self->negotiating = TRUE;
  self->offer_out = FALSE;
  self->offer_ice_restart = ice_restart;
  if (ice_restart)
    options = gst_structure_new ("options", "ice-restart", G_TYPE_BOOLEAN, TRUE, NULL);
  g_signal_emit_by_name (self->webrtcbin, "create-offer", options,
                         promise_for (self, on_offer_created));
  if (options != NULL)
    gst_structure_free (options);
}

void
lk_peer_transport_negotiate (LkPeerTransport *self,
                             gboolean         ice_restart)
{
  g_return_if_fail (LK_IS_PEER_TRANSPORT (self));
  g_return_if_fail (self->publisher);

  if (self->closed)
    return;
  if (self->negotiating)
    {
      self->again = TRUE;
      self->again_ice_restart |= ice_restart;
      return;
    }
  start_offer (self, ice_restart);
}

static void
on_answer_remote_set (LkPeerTransport *self,
                      gpointer         data)
{
  g_autoptr(GError) error = NULL;

  if (!promise_ok (data, &error))
    {
      emit_failed (self, "set-remote-description (answer)", error);
      return;
    }
  lk_peer_transport_remote_applied (self);
  self->negotiating = FALSE;
  self->offer_out = FALSE;
  g_signal_emit (self, signals[SIGNAL_NEGOTIATED], 0);
  next_negotiation (self);
}

gboolean
lk_peer_transport_offer_again_if_unanswered (LkPeerTransport *self)
{
  g_return_val_if_fail (LK_IS_PEER_TRANSPORT (self), FALSE);
  g_return_val_if_fail (self->publisher, FALSE);

  if (self->closed || !self->negotiating || !self->offer_out)
    return FALSE;
  /* Whether the offer or its answer was lost, no answer will come: offer
   * anew (what was asked meanwhile is in it). A late answer to the old one
   * carries the old id and is ignored. */
  g_debug ("publisher: offer %u went unanswered with the lost connection; offering again",
           self->last_offer_id);
  self->negotiating = FALSE;
  start_offer (self, self->offer_ice_restart || self->again_ice_restart);
  self->again = self->again_ice_restart = FALSE;
  return TRUE;
}

static GstWebRTCSessionDescription *
parse_description (GstWebRTCSDPType  type,
                   const char       *sdp_text)
{
  GstSDPMessage *sdp = NULL;

  if (gst_sdp_message_new_from_text (sdp_text, &sdp) != GST_SDP_OK)
    {
      if (sdp != NULL)
        gst_sdp_message_free (sdp);
      return NULL;
    }
  return gst_webrtc_session_description_new (type, sdp);
}

void
lk_peer_transport_set_answer (LkPeerTransport *self,
                              const char      *sdp,
                              guint            offer_id)
{
  GstWebRTCSessionDescription *desc;

  g_return_if_fail (LK_IS_PEER_TRANSPORT (self));

  if (self->closed)
    return;
  if (offer_id != 0 && (offer_id != self->last_offer_id || !self->offer_out))
    {
      g_debug ("publisher: an answer to offer %u ignored (ours is %u, %s)", offer_id,
               self->last_offer_id, self->offer_out ? "waiting" : "answered");
      return;
    }
  desc = parse_description (GST_WEBRTC_SDP_TYPE_ANSWER, sdp);
  if (desc == NULL)
    {
      g_autoptr(GError) error = g_error_new (LK_ERROR, LK_ERROR_PROTOCOL, "unparsable SDP");
      emit_failed (self, "answer", error);
      return;
    }
  g_signal_emit_by_name (self->webrtcbin, "set-remote-description", desc,
                         promise_for (self, on_answer_remote_set));
  gst_webrtc_session_description_free (desc);
}

/* ---- subscriber: (offer) set-remote → create-answer → set-local → send ---- */

static void
on_answer_local_set (LkPeerTransport *self,
                     gpointer         data)
{
  g_autoptr(GError) error = NULL;

  if (!promise_ok (data, &error))
    {
      emit_failed (self, "set-local-description (answer)", error);
      return;
    }
  /* The server sends media as soon as it has our answer; webrtcbin links
   * the receive path while applying it, so the answer leaves only now (RTP
   * before that ends the transport with "not-linked"). */
  send_pending_local (self, self->current_offer_id);
  lk_peer_transport_resend_candidates_after_restart (self);
  self->negotiating = FALSE;
  g_signal_emit (self, signals[SIGNAL_NEGOTIATED], 0);
  next_negotiation (self);
}

static void
on_answer_created (LkPeerTransport *self,
                   gpointer         data)
{
  GstPromise *promise = data;
  g_autoptr(GError) error = NULL;
  GstWebRTCSessionDescription *answer = NULL;

  if (!promise_ok (promise, &error))
    {
      emit_failed (self, "create-answer", error);
      return;
    }
  gst_structure_get (gst_promise_get_reply (promise), "answer",
                     GST_TYPE_WEBRTC_SESSION_DESCRIPTION, &answer, NULL);
  if (answer == NULL)
    {
      emit_failed (self, "create-answer", NULL);
      return;
    }
  self->local_sent = FALSE;
  g_clear_pointer (&self->pending_local, gst_webrtc_session_description_free);
  self->pending_local = answer;
  g_signal_emit_by_name (self->webrtcbin, "set-local-description", answer,
                         promise_for (self, on_answer_local_set));
}

static void
on_offer_remote_set (LkPeerTransport *self,
                     gpointer         data)
{
  g_autoptr(GError) error = NULL;

  if (!promise_ok (data, &error))
    {
      emit_failed (self, "set-remote-description (offer)", error);
      return;
    }
  lk_peer_transport_remote_applied (self);
  g_signal_emit_by_name (self->webrtcbin, "create-answer", NULL,
                         promise_for (self, on_answer_created));
}

static void
pending_offer_free (PendingOffer *offer)
{
  g_free (offer->sdp);
  g_free (offer);
}

static void
next_negotiation (LkPeerTransport *self)
{
  if (self->negotiating || self->closed)
    return;
  if (self->publisher)
    {
      if (self->again)
        {
          gboolean restart = self->again_ice_restart;
          self->again = self->again_ice_restart = FALSE;
          start_offer (self, restart);
        }
      return;
    }
  while (!g_queue_is_empty (&self->offers))
    {
      PendingOffer *offer = g_queue_pop_head (&self->offers);
      GstWebRTCSessionDescription *desc = parse_description (GST_WEBRTC_SDP_TYPE_OFFER, offer->sdp);

      if (desc == NULL)
        {
          g_autoptr(GError) error = g_error_new (LK_ERROR, LK_ERROR_PROTOCOL, "unparsable SDP");
          pending_offer_free (offer);
          emit_failed (self, "offer", error);
          continue;
        }
      lk_peer_transport_note_remote_ufrag (self, desc);
      self->negotiating = TRUE;
      self->current_offer_id = offer->id;
      g_signal_emit_by_name (self->webrtcbin, "set-remote-description", desc,
                             promise_for (self, on_offer_remote_set));
      gst_webrtc_session_description_free (desc);
      pending_offer_free (offer);
      return;
    }
}

void
lk_peer_transport_handle_offer (LkPeerTransport *self,
                                const char      *sdp,
                                guint            id)
{
  PendingOffer *offer;

  g_return_if_fail (LK_IS_PEER_TRANSPORT (self));
  g_return_if_fail (!self->publisher);

  offer = g_new0 (PendingOffer, 1);
  offer->sdp = g_strdup (sdp);
  offer->id = id;
  g_queue_push_tail (&self->offers, offer);
  next_negotiation (self);
}

gboolean
lk_peer_transport_is_negotiating (LkPeerTransport *self)
{
  g_return_val_if_fail (LK_IS_PEER_TRANSPORT (self), FALSE);
  return self->negotiating || self->again || !g_queue_is_empty (&self->offers);
}

GstElement *
lk_peer_transport_get_webrtcbin (LkPeerTransport *self)
{
  g_return_val_if_fail (LK_IS_PEER_TRANSPORT (self), NULL);
  return self->webrtcbin;
}

gboolean
lk_peer_transport_is_publisher (LkPeerTransport *self)
{
  g_return_val_if_fail (LK_IS_PEER_TRANSPORT (self), FALSE);
  return self->publisher;
}

/* webrtcbin 1.22 stops by waiting for its own thread, and that thread can
 * hang for good inside the SCTP stack bundled with GStreamer (seen in
 * session 6: blocked on an SCTP lock while closing, after livekit-server
 * was killed; the room then never re-joined, and never left). So the stop
 * runs on a thread of its own, and past CLOSE_WAIT_MS we go on without it:
 * the element, out of our pipeline, is that thread's to keep. */
#define CLOSE_WAIT_MS 3000

typedef struct {
  GMutex lock;
  GCond cond;
  gboolean done;
  GstElement *element;
} Stopper;

static void
stopper_clear (gpointer data)
{
  Stopper *s = data;

  gst_object_unref (s->element);
  g_mutex_clear (&s->lock);
  g_cond_clear (&s->cond);
}

static gpointer
stop_element (gpointer data)
{
  Stopper *s = data;

  gst_element_set_state (s->element, GST_STATE_NULL);
  g_mutex_lock (&s->lock);
  s->done = TRUE;
  g_cond_signal (&s->cond);
  g_mutex_unlock (&s->lock);
  g_atomic_rc_box_release_full (s, stopper_clear);
  return NULL;
}

static gboolean
stop_within (GstElement *element,
             guint       timeout_ms)
{
  Stopper *s = g_atomic_rc_box_new0 (Stopper);
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * G_TIME_SPAN_MILLISECOND;
  gboolean done;

  g_mutex_init (&s->lock);
  g_cond_init (&s->cond);
  s->element = gst_object_ref (element);
  g_thread_unref (g_thread_new ("lk-transport-stop", stop_element, g_atomic_rc_box_acquire (s)));
  g_mutex_lock (&s->lock);
  while (!s->done && g_cond_wait_until (&s->cond, &s->lock, deadline))
    ;
  done = s->done;
  g_mutex_unlock (&s->lock);
  g_atomic_rc_box_release_full (s, stopper_clear);
  return done;
}

void
lk_peer_transport_close (LkPeerTransport *self)
{
  g_return_if_fail (LK_IS_PEER_TRANSPORT (self));

  if (self->closed)
    return;
  self->closed = TRUE;
  g_signal_handlers_disconnect_by_data (self->webrtcbin, self);
  if (!stop_within (self->webrtcbin, CLOSE_WAIT_MS))
    g_message ("%s: webrtcbin did not stop within %u ms; left behind",
               self->publisher ? "publisher" : "subscriber", CLOSE_WAIT_MS);
  if (GST_OBJECT_PARENT (self->webrtcbin) == GST_OBJECT (self->bin))
    gst_bin_remove (self->bin, self->webrtcbin);
}

static void
lk_peer_transport_dispose (GObject *object)
{
  LkPeerTransport *self = LK_PEER_TRANSPORT (object);

  if (self->webrtcbin != NULL)
    lk_peer_transport_close (self);
  g_clear_object (&self->webrtcbin);
  g_clear_object (&self->bin);
  g_queue_clear_full (&self->offers, (GDestroyNotify) pending_offer_free);

  G_OBJECT_CLASS (lk_peer_transport_parent_class)->dispose (object);
}

static void
lk_peer_transport_finalize (GObject *object)
{
  LkPeerTransport *self = LK_PEER_TRANSPORT (object);

  g_ptr_array_unref (self->remote_candidates);
  g_ptr_array_unref (self->local_candidates);
  g_ptr_array_unref (self->sent_candidates);
  g_free (self->remote_ufrag);
  g_free (self->local_sdp);
  g_clear_pointer (&self->pending_local, gst_webrtc_session_description_free);
  g_main_context_unref (self->context);

  G_OBJECT_CLASS (lk_peer_transport_parent_class)->finalize (object);
}

static void
lk_peer_transport_class_init (LkPeerTransportClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = lk_peer_transport_dispose;
  object_class->finalize = lk_peer_transport_finalize;

  signals[SIGNAL_LOCAL_DESCRIPTION] =
    g_signal_new ("local-description", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_UINT);
  signals[SIGNAL_LOCAL_CANDIDATE] =
    g_signal_new ("local-candidate", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[SIGNAL_NEGOTIATED] =
    g_signal_new ("negotiated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_FAILED] =
    g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
lk_peer_transport_init (LkPeerTransport *self)
{
  self->context = g_main_context_ref_thread_default ();
  self->remote_candidates = g_ptr_array_new_with_free_func (g_free);
  self->local_candidates = g_ptr_array_new_with_free_func ((GDestroyNotify) lk_peer_transport_local_candidate_free);
  self->sent_candidates = g_ptr_array_new_with_free_func ((GDestroyNotify) lk_peer_transport_local_candidate_free);
  g_queue_init (&self->offers);
}

LkPeerTransport *
lk_peer_transport_new (GstBin     *bin,
                       const char *name,
                       gboolean    publisher,
                       guint       latency_ms)
{
  LkPeerTransport *self;

  g_return_val_if_fail (GST_IS_BIN (bin), NULL);

  self = g_object_new (LK_TYPE_PEER_TRANSPORT, NULL);
  self->bin = g_object_ref (bin);
  self->publisher = publisher;
  self->webrtcbin = gst_element_factory_make ("webrtcbin", name);
  if (self->webrtcbin == NULL)
    {
      g_object_unref (self);
      return NULL;
    }
  gst_object_ref_sink (self->webrtcbin);
  /* pion has one ICE/DTLS transport per PeerConnection (facts §9). */
  g_object_set (self->webrtcbin, "bundle-policy", GST_WEBRTC_BUNDLE_POLICY_MAX_BUNDLE,
                "latency", latency_ms, NULL);
  lk_peer_transport_disable_upnp (self->webrtcbin);
  g_signal_connect (self->webrtcbin, "notify::ice-connection-state", G_CALLBACK (lk_peer_transport_on_ice_state), NULL);
  g_signal_connect (self->webrtcbin, "notify::connection-state", G_CALLBACK (lk_peer_transport_on_ice_state), NULL);
  g_signal_connect (self->webrtcbin, "on-ice-candidate", G_CALLBACK (lk_peer_transport_on_ice_candidate), self);
  g_signal_connect (self->webrtcbin, "on-negotiation-needed", G_CALLBACK (on_negotiation_needed), self);
  gst_bin_add (bin, self->webrtcbin);
  return self;
}
