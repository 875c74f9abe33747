/* lk-room-remote.c: LkRoom's received tracks — webrtcbin's source pads
 * (one per m-line, used again when the server recycles a line) matched to
 * the tracks the server's offers put on them, and attached to the mixer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-room"

#include "lk-participant-private.h"
#include "lk-room-private.h"
#include "lk-track-private.h"

void
lk_room_foreach_remote_track (LkRoom            *self,
                              LkRemoteTrackFunc  func,
                              gpointer           data)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->remotes));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(LkParticipant) p = g_list_model_get_item (G_LIST_MODEL (self->remotes), i);
      GListModel *tracks = lk_participant_get_tracks (p);

      for (guint k = 0; k < g_list_model_get_n_items (tracks); k++)
        {
          g_autoptr(LkTrack) track = g_list_model_get_item (tracks, k);
          func (self, p, track, data);
        }
    }
}

static void
detach_track (LkRoom        *self,
              LkParticipant *owner,
              LkTrack       *track,
              gpointer       data)
{
  lk_track_detach (track);
}

void
lk_room_detach_remote_tracks (LkRoom *self)
{
  lk_room_foreach_remote_track (self, detach_track, NULL);
}

typedef struct {
  GstPad *pad;
  LkTrack *keep;
} Release;

static void
release_track (LkRoom        *self,
               LkParticipant *owner,
               LkTrack       *track,
               gpointer       data)
{
  Release *r = data;

  if (track != r->keep && lk_track_get_remote_pad (track) == r->pad)
    lk_track_detach (track);
}

/* Detaches the tracks still on @pad, but @keep. */
static void
release_pad (LkRoom  *self,
             GstPad  *pad,
             LkTrack *keep)
{
  Release r = { pad, keep };

  lk_room_foreach_remote_track (self, release_track, &r);
}

static void
try_attach (LkRoom     *self,
            const char *mid)
{
  GstPad *pad = g_hash_table_lookup (self->mid_pads, mid);
  const char *sid = g_hash_table_lookup (self->mid_track, mid);
  LkTrack *current = g_hash_table_lookup (self->mid_attached, mid);
  LkParticipant *owner = NULL;
  LkTrack *track;
  g_autoptr(GError) error = NULL;

  if (pad == NULL || sid == NULL)
    return;
  track = lk_room_find_remote_track (self, sid, &owner);
  if (track == NULL || (current == track && lk_track_get_remote_pad (track) == pad))
    return;
  if (current != NULL && current != track)
    {
      g_autoptr(LkTrack) old = g_object_ref (current);
      g_hash_table_remove (self->mid_attached, mid);
      lk_track_detach (old);
      lk_room_emit_track_signal (self, "track-unsubscribed", old);
    }
  if (lk_track_get_remote_pad (track) == pad)
    lk_remote_pad_pass (pad);   /* the same line again, after the stall watch let it go */
  else
    {
      /* A recycled m-line: the pad may still feed the decoder of the track
       * that had it before (left linked when that track went away). */
      release_pad (self, pad, track);
      if (!lk_track_attach_remote (track, GST_BIN (self->pipeline), pad, self->mixer, &error))
        {
          g_warning ("cannot play track %s: %s", sid, error->message);
          lk_track_detach (track);
          return;
        }
    }
  g_hash_table_replace (self->mid_attached, g_strdup (mid), g_object_ref (track));
  g_signal_emit_by_name (self, "track-subscribed", owner, track);
}

void
lk_room_media_attach_pending (LkRoom *self)
{
  g_autoptr(GPtrArray) mids = g_ptr_array_new_with_free_func (g_free);
  GHashTableIter iter;
  gpointer key;

  if (self->pipeline == NULL)
    return;
  g_hash_table_iter_init (&iter, self->mid_pads);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (mids, g_strdup (key));
  for (guint i = 0; i < mids->len; i++)
    try_attach (self, g_ptr_array_index (mids, i));
}

void
lk_room_media_forget_track (LkRoom  *self,
                            LkTrack *track)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->mid_attached);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (value == track)
      {
        g_hash_table_iter_remove (&iter);
        lk_room_emit_track_signal (self, "track-unsubscribed", track);
        break;
      }
  lk_track_detach (track);
}

typedef struct {
  GstPad *pad;
  char *mid;
  gint64 added_us;
} PadAdded;

static void
pad_added_free (PadAdded *p)
{
  gst_object_unref (p->pad);
  g_free (p->mid);
  g_free (p);
}

static void
on_pad_added_main (LkRoom   *self,
                   gpointer  data)
{
  PadAdded *p = data;

  /* Pads are never removed when a line is recycled (facts §10): the newest
   * pad of a mid is the one that plays. */
  g_debug ("[%s] pad for mid %s (track %s), added %.0f ms ago", lk_participant_get_identity (self->local),
           p->mid, (char *) g_hash_table_lookup (self->mid_track, p->mid),
           (g_get_monotonic_time () - p->added_us) / 1000.0);
  g_hash_table_replace (self->mid_pads, g_strdup (p->mid), gst_object_ref (p->pad));
  try_attach (self, p->mid);
}

void
lk_room_remote_pad_added (GstElement *webrtcbin,
              GstPad     *pad,
              gpointer    user_data)
{
  LkRoom *self = user_data;
  GstWebRTCRTPTransceiver *transceiver = NULL;
  PadAdded *p;

  if (GST_PAD_DIRECTION (pad) != GST_PAD_SRC)
    return;
  /* Linked later, on the main context. */
  lk_remote_pad_drop (pad);
  p = g_new0 (PadAdded, 1);
  p->pad = gst_object_ref (pad);
  p->added_us = g_get_monotonic_time ();
  g_object_get (pad, "transceiver", &transceiver, NULL);
  if (transceiver != NULL)
    {
      g_object_get (transceiver, "mid", &p->mid, NULL);
      gst_object_unref (transceiver);
    }
  if (p->mid == NULL)
    p->mid = g_strdup ("?");
  lk_room_invoke (self, on_pad_added_main, p, (GDestroyNotify) pad_added_free);
}

/* ---- which pad stopped the receive path ---- */

static void
log_unlinked_src_pad (const GValue *item,
                      gpointer      user_data)
{
  GstPad *pad = g_value_get_object (item);

  if (!gst_pad_is_linked (pad) && g_object_get_data (G_OBJECT (pad), "lk-drop-probe") == NULL)
    {
      g_autofree char *path = gst_object_get_path_string (GST_OBJECT (pad));
      g_message ("unlinked in the receive path: %s", path);
    }
}

static void
log_unlinked_in_element (const GValue *item,
                         gpointer      user_data)
{
  GstElement *element = g_value_get_object (item);
  GstIterator *pads = gst_element_iterate_src_pads (element);

  while (gst_iterator_foreach (pads, log_unlinked_src_pad, NULL) == GST_ITERATOR_RESYNC)
    gst_iterator_resync (pads);
  gst_iterator_free (pads);
}

void
lk_room_remote_log_unlinked (GstObject *failed)
{
  GstObject *webrtcbin = gst_object_ref (failed);
  GstIterator *elements;

  /* Up to our subscriber webrtcbin, by its name: this runs on the failing
   * streaming thread, where the room's fields are not ours to read. */
  while (webrtcbin != NULL && g_strcmp0 (GST_OBJECT_NAME (webrtcbin), "subscriber") != 0)
    {
      GstObject *parent = gst_object_get_parent (webrtcbin);
      gst_object_unref (webrtcbin);
      webrtcbin = parent;
    }
  if (webrtcbin == NULL || !GST_IS_BIN (webrtcbin))
    {
      g_clear_pointer (&webrtcbin, gst_object_unref);
      return;
    }
  elements = gst_bin_iterate_recurse (GST_BIN (webrtcbin));
  while (gst_iterator_foreach (elements, log_unlinked_in_element, NULL) == GST_ITERATOR_RESYNC)
    gst_iterator_resync (elements);
  gst_iterator_free (elements);
  {
    /* And webrtcbin's own pads, where our tracks link. */
    g_auto(GValue) self_value = G_VALUE_INIT;

    g_value_init (&self_value, GST_TYPE_ELEMENT);
    g_value_take_object (&self_value, webrtcbin);
    log_unlinked_in_element (&self_value, NULL);
  }
}

/* ---- tracks that stop giving us audio ---- */

/* A track we should be hearing (on a line, not muted, not let go by the
 * app) that has given us no packet for STALL_MS is looked at once more,
 * half a second later:
 * - if its packets still reach webrtcbin's RTP session, they are lost
 *   inside webrtcbin on their way to us. Seen under load at a transfer's
 *   completion (e2e, the caller deaf to B after A left: livekit forwarded,
 *   the caller's RTCP reported B's packets, none reached our pad), and
 *   taking the track again on a new line did not help. Only new transports
 *   do: the room joins again as a new session, as when its receive path
 *   stops (lk-room-media.c).
 * - if they do not, the server stopped forwarding: the track is let go and
 *   taken again, and the server sends it on a new line.
 * Our senders send steadily (no DTX) and mute is signalled, so a silent
 * unmuted track is not normal; a browser's DTX still sends a packet every
 * 400 ms. */
#define STALL_MS 3000
/* Not more often than this per track: a publisher whose app died stays
 * silent until the server notices (~20 s). */
#define STALL_RETRY_US (10 * G_USEC_PER_SEC)
/* If the server's offer does not drop the track within this, take it
 * again anyway. */
#define STALL_RETAKE_US (2 * G_USEC_PER_SEC)
/* Packets that reached rtpbin in that half second: still coming. */
#define STALL_RTP_STILL_COMING 10
/* Packets per second of an SSRC no pad carries: media for a line whose
 * pad never came (ours send 100, a browser's DTX 2.5). */
#define STALL_UNCLAIMED_RATE 20
/* A second remedy for the same track within this: the first did not help. */
#define STALL_ESCALATE_US (30 * G_USEC_PER_SEC)
/* After a (re)connection media may need a moment (an ICE restart). */
#define STALL_GRACE_US (6 * G_USEC_PER_SEC)

static gint64 *
time_dup (gint64 t)
{
  return g_memdup2 (&t, sizeof t);
}

/* The stats of the remote sources (SSRCs) the subscriber's RTP session
 * knows: what reached it, decrypted, before any jitterbuffer. */
static GPtrArray *
remote_sources (LkRoom *self,
                guint   session_id)
{
  GPtrArray *stats = g_ptr_array_new_with_free_func ((GDestroyNotify) gst_structure_free);
  g_autoptr(GstElement) rtpbin = NULL;
  g_autoptr(GObject) session = NULL;
  GValueArray *sources = NULL;

  if (self->subscriber == NULL)
    return stats;
  rtpbin = gst_bin_get_by_name (GST_BIN (lk_peer_transport_get_webrtcbin (self->subscriber)), "rtpbin");
  if (rtpbin == NULL)
    return stats;
  g_signal_emit_by_name (rtpbin, "get-internal-session", session_id, &session);
  if (session == NULL)
    return stats;
  g_object_get (session, "sources", &sources, NULL);
  /* RTPSession hands its sources out as a GValueArray, nothing newer. */
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  for (guint i = 0; sources != NULL && i < sources->n_values; i++)
    {
      GObject *source = g_value_get_object (g_value_array_get_nth (sources, i));
      GstStructure *source_stats = NULL;
      gboolean internal = TRUE;

      g_object_get (source, "stats", &source_stats, NULL);
      if (source_stats != NULL && gst_structure_get_boolean (source_stats, "internal", &internal) && !internal)
        g_ptr_array_add (stats, g_steal_pointer (&source_stats));
      g_clear_pointer (&source_stats, gst_structure_free);
    }
  g_clear_pointer (&sources, g_value_array_free);
  G_GNUC_END_IGNORE_DEPRECATIONS
  return stats;
}

/* Packets of @track's SSRC that reached the subscriber's RTP session, or
 * -1 if it cannot be told. */
static gint64
packets_at_rtpbin (LkRoom  *self,
                   LkTrack *track)
{
  g_autoptr(GPtrArray) sources = NULL;
  guint session_id, ssrc;

  if (!lk_track_get_remote_ssrc (track, &session_id, &ssrc))
    return -1;
  sources = remote_sources (self, session_id);
  for (guint i = 0; i < sources->len; i++)
    {
      GstStructure *stats = g_ptr_array_index (sources, i);
      guint source_ssrc;
      guint64 packets;

      if (gst_structure_get_uint (stats, "ssrc", &source_ssrc) && source_ssrc == ssrc &&
          gst_structure_get_uint64 (stats, "packets-received", &packets))
        return (gint64) packets;
    }
  return -1;
}

static void
add_attached_ssrc (gpointer key,
                   gpointer value,
                   gpointer user_data)
{
  guint session_id, ssrc;

  if (lk_track_get_remote_ssrc (value, &session_id, &ssrc))
    g_hash_table_add (user_data, GUINT_TO_POINTER (ssrc));
}

/* The SSRCs coming in steadily that none of our pads carries: media for
 * a line whose pad never came. (Session 0: webrtcbin bundles every line
 * into one.) */
static GHashTable *
unclaimed_media (LkRoom *self)
{
  g_autoptr(GPtrArray) sources = remote_sources (self, 0);
  g_autoptr(GHashTable) claimed = g_hash_table_new (NULL, NULL);
  GHashTable *unclaimed = g_hash_table_new (NULL, NULL);

  g_hash_table_foreach (self->mid_attached, add_attached_ssrc, claimed);
  for (guint i = 0; i < sources->len; i++)
    {
      GstStructure *stats = g_ptr_array_index (sources, i);
      guint ssrc, rate;

      if (gst_structure_get_uint (stats, "ssrc", &ssrc) && !g_hash_table_contains (claimed, GUINT_TO_POINTER (ssrc)) &&
          gst_structure_get_uint (stats, "recv-packet-rate", &rate) && rate >= STALL_UNCLAIMED_RATE)
        g_hash_table_add (unclaimed, GUINT_TO_POINTER (ssrc));
    }
  return unclaimed;
}

/* New transports: what reaches webrtcbin does not reach us. */
static void
stall_rejoin (LkRoom     *self,
              const char *why)
{
  g_hash_table_remove_all (self->stall_rtp_seen);
  self->n_stall_rejoins++;
  lk_room_start_rejoin (self, LK_DISCONNECT_REASON_MEDIA_FAILURE, why);
}

static void
take_again (LkRoom    *self,
            GPtrArray *sids)
{
  g_autoptr(GPtrArray) on = g_ptr_array_new ();

  for (guint i = 0; i < sids->len; i++)
    {
      const char *sid = g_ptr_array_index (sids, i);

      if (!g_hash_table_contains (self->app_unsubscribed, sid) &&
          lk_room_find_remote_track (self, sid, NULL) != NULL)
        g_ptr_array_add (on, (gpointer) sid);
    }
  g_ptr_array_add (on, NULL);
  if (on->len > 1)
    lk_room_send_subscription (self, (const char * const *) on->pdata, TRUE);
}

static gboolean
watch_stalls (gpointer user_data)
{
  LkRoom *self = user_data;
  gint64 now = g_get_monotonic_time ();
  g_autoptr(GPtrArray) stalled = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) retake = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) unclaimed = NULL;
  GHashTableIter iter;
  gpointer key, value;

  lk_room_watch_publisher_ice (self, now);
  if (!lk_room_signal_is_up (self))
    {
      self->stall_grace_until_us = now + STALL_GRACE_US;
      return G_SOURCE_CONTINUE;
    }
  g_hash_table_iter_init (&iter, self->stall_resubscribing);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (now - *(gint64 *) value > STALL_RETAKE_US)
      {
        g_ptr_array_add (retake, g_strdup (key));
        g_hash_table_iter_remove (&iter);
      }
  if (retake->len > 0)
    take_again (self, retake);
  if (now < self->stall_grace_until_us)
    return G_SOURCE_CONTINUE;

  g_hash_table_iter_init (&iter, self->mid_attached);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      LkTrack *track = value;
      const char *sid = lk_track_get_sid (track);
      gint64 *last = sid != NULL ? g_hash_table_lookup (self->stall_last, sid) : NULL;
      gint64 *seen, received;
      guint silent_ms;

      if (sid == NULL || lk_track_get_muted (track) ||
          g_hash_table_contains (self->app_unsubscribed, sid) ||
          g_hash_table_contains (self->stall_resubscribing, sid) ||
          (last != NULL && now - *last < STALL_RETRY_US))
        continue;
      silent_ms = lk_track_get_ms_since_packet (track);
      if (silent_ms < STALL_MS)
        {
          g_hash_table_remove (self->stall_rtp_seen, sid);
          continue;
        }
      received = packets_at_rtpbin (self, track);
      seen = g_hash_table_lookup (self->stall_rtp_seen, sid);
      if (seen == NULL)
        {
          g_hash_table_insert (self->stall_rtp_seen, g_strdup (sid), g_memdup2 (&received, sizeof received));
          continue;  /* judged at the next tick */
        }
      if (received >= 0 && *seen >= 0 && received - *seen >= STALL_RTP_STILL_COMING)
        {
          g_autofree char *why = g_strdup_printf ("the packets of track %s reach webrtcbin (%" G_GINT64_FORMAT
                                                  " in 0.5 s) but not us, for %.1f s", sid,
                                                  received - *seen, silent_ms / 1000.0);
          stall_rejoin (self, why);
          return G_SOURCE_CONTINUE;
        }
      g_hash_table_remove (self->stall_rtp_seen, sid);
      g_message ("[%s] no audio from track %s for %.1f s although it is not muted: "
                 "taking it again", self->local ? lk_participant_get_identity (self->local) : "?", sid,
                 silent_ms / 1000.0);
      g_ptr_array_add (stalled, g_strdup (sid));
      /* Nothing more from the line we let go: the server closes its
       * downtrack with a few blank frames, which would look like the
       * track coming back (to a level meter, or an app's own watch). */
      if (lk_track_get_remote_pad (track) != NULL)
        lk_remote_pad_drop (lk_track_get_remote_pad (track));
    }
  /* A track the server put on a line, whose pad never came although its
   * media does (seen in CI, ~1 test program in 40: the answer sent, no
   * pad-added for the line, while another room of the process got its pad
   * for the same track). Not while its publisher may still be connecting:
   * only when an SSRC that none of our pads carries is coming in: taken
   * again. If that does not help either (e2e under ASan: the caller after
   * A left, its retaken line's pad never came), webrtcbin is past helping:
   * a re-join, new transports — but only when it is the line's own SSRC
   * (the offer's a=ssrc) that comes in without its pad. When a publisher's
   * app dies, its listeners' retaken line stays empty while other media
   * still arrives; a re-join there met the server's leave (session 8). */
  g_hash_table_iter_init (&iter, self->mid_track);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      const char *mid = key, *sid = value;
      LkTrack *attached = g_hash_table_lookup (self->mid_attached, mid);
      LkTrack *track = lk_room_find_remote_track (self, sid, NULL);
      g_autofree char *line = g_strdup_printf ("%s\t%s", mid, sid);
      gint64 *since = g_hash_table_lookup (self->offered_since, line);
      gint64 *last = g_hash_table_lookup (self->stall_last, sid);
      guint line_ssrc = GPOINTER_TO_UINT (g_hash_table_lookup (self->mid_ssrc, mid));
      gboolean own_ssrc_coming;

      if (track == NULL && since != NULL && now - *since >= STALL_MS * 1000)
        g_debug ("[%s] line %s carries track %s, which no participant we know has",
                 self->local ? lk_participant_get_identity (self->local) : "?", mid, sid);
      if (track == NULL || attached == track || since == NULL || now - *since < STALL_MS * 1000 ||
          lk_track_get_muted (track) || g_hash_table_contains (self->app_unsubscribed, sid) ||
          g_hash_table_contains (self->stall_resubscribing, sid) ||
          (last != NULL && now - *last < STALL_RETRY_US))
        continue;
      if (unclaimed == NULL)
        unclaimed = unclaimed_media (self);
      own_ssrc_coming = line_ssrc != 0 && g_hash_table_contains (unclaimed, GUINT_TO_POINTER (line_ssrc));
      g_debug ("[%s] track %s on line %s (SSRC %u) has no pad after %.1f s; %u unclaimed SSRC(s) "
               "coming, its own %s", self->local ? lk_participant_get_identity (self->local) : "?", sid, mid,
               line_ssrc, (now - *since) / 1e6, g_hash_table_size (unclaimed),
               own_ssrc_coming ? "among them" : "not");
      if (g_hash_table_size (unclaimed) == 0)
        continue;
      if (own_ssrc_coming && last != NULL && now - *last < STALL_ESCALATE_US)
        {
          g_autofree char *why = g_strdup_printf ("the media of track %s (SSRC %u) reaches webrtcbin on line %s "
                                                  "but its pad never came, %.1f s after taking it again",
                                                  sid, line_ssrc, mid, (now - *last) / 1e6);
          g_hash_table_insert (self->stall_last, g_strdup (sid), time_dup (now));
          stall_rejoin (self, why);
          return G_SOURCE_CONTINUE;
        }
      g_message ("[%s] track %s has been on line %s for %.1f s and its audio (SSRC %u) never came: "
                 "taking it again", self->local ? lk_participant_get_identity (self->local) : "?", sid, mid,
                 (now - *since) / 1e6, line_ssrc);
      g_ptr_array_add (stalled, g_strdup (sid));
    }
  for (guint i = 0; i < stalled->len; i++)
    {
      const char *sid = g_ptr_array_index (stalled, i);

      g_hash_table_insert (self->stall_resubscribing, g_strdup (sid), time_dup (now));
      g_hash_table_insert (self->stall_last, g_strdup (sid), time_dup (now));
      self->n_stall_resubscribes++;
    }
  g_ptr_array_add (stalled, NULL);
  if (stalled->len > 1)
    lk_room_send_subscription (self, (const char * const *) stalled->pdata, FALSE);
  return G_SOURCE_CONTINUE;
}

void
lk_room_watch_stalls (LkRoom   *self,
                      gboolean  on)
{
  g_clear_handle_id (&self->stall_watch_id, g_source_remove);
  g_hash_table_remove_all (self->stall_resubscribing);
  g_hash_table_remove_all (self->stall_rtp_seen);
  g_hash_table_remove_all (self->offered_since);
  if (on)
    {
      self->stall_grace_until_us = g_get_monotonic_time () + STALL_GRACE_US;
      self->stall_watch_id = g_timeout_add (500, watch_stalls, self);
    }
}

void
lk_room_note_offered_tracks (LkRoom *self)
{
  g_autoptr(GHashTable) lines = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gint64 now = g_get_monotonic_time ();
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, self->mid_track);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      char *line = g_strdup_printf ("%s\t%s", (char *) key, (char *) value);

      if (!g_hash_table_contains (self->offered_since, line))
        g_hash_table_insert (self->offered_since, g_strdup (line), time_dup (now));
      g_hash_table_add (lines, line);
    }
  g_hash_table_iter_init (&iter, self->offered_since);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_hash_table_contains (lines, key))
      g_hash_table_iter_remove (&iter);
}

void
lk_room_stall_track_dropped (LkRoom     *self,
                             const char *sid)
{
  g_autoptr(GPtrArray) sids = NULL;

  if (sid == NULL || !g_hash_table_remove (self->stall_resubscribing, sid))
    return;
  sids = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (sids, g_strdup (sid));
  take_again (self, sids);
}
