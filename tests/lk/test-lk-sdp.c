/* test-lk-sdp.c: the subscriber offer as the room hands it to webrtcbin,
 * and the line → track / SSRC maps the stall watch relies on
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-lk-sdp"

#include <gst/sdp/sdp.h>

#include "lk-room-private.h"

/* Shaped like livekit-server 1.13's subscriber offers: RED before Opus, a
 * line whose track is gone (no msid, recvonly), a stopped line, data. */
static const char offer[] =
  "v=0\r\n"
  "o=- 4215775240449105457 1 IN IP4 0.0.0.0\r\n"
  "s=-\r\n"
  "t=0 0\r\n"
  "a=group:BUNDLE 0 1 2 3\r\n"
  "m=audio 9 UDP/TLS/RTP/SAVPF 63 111\r\n"
  "c=IN IP4 0.0.0.0\r\n"
  "a=mid:0\r\n"
  "a=sendonly\r\n"
  "a=msid:PA_caller TR_AMcaller\r\n"
  "a=rtpmap:63 red/48000/2\r\n"
  "a=fmtp:63 111/111\r\n"
  "a=rtpmap:111 opus/48000/2\r\n"
  "a=fmtp:111 minptime=10;useinbandfec=1\r\n"
  "a=rtcp-fb:111 transport-cc\r\n"
  "a=ssrc:2813334041 cname:caller\r\n"
  "a=ssrc:2813334041 msid:PA_caller TR_AMcaller\r\n"
  "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n"
  "c=IN IP4 0.0.0.0\r\n"
  "a=mid:1\r\n"
  "a=recvonly\r\n"
  "a=rtpmap:111 opus/48000/2\r\n"
  "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n"
  "c=IN IP4 0.0.0.0\r\n"
  "a=mid:2\r\n"
  "a=inactive\r\n"
  "a=msid:PA_agent TR_AMagent\r\n"
  "a=rtpmap:111 opus/48000/2\r\n"
  "a=ssrc:99 cname:agent\r\n"
  "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n"
  "c=IN IP4 0.0.0.0\r\n"
  "a=mid:3\r\n"
  "a=sctp-port:5000\r\n";

static const GstSDPMedia *
media_with_mid (const GstSDPMessage *sdp,
                const char          *mid)
{
  for (guint i = 0; i < gst_sdp_message_medias_len (sdp); i++)
    {
      const GstSDPMedia *media = gst_sdp_message_get_media (sdp, i);
      if (g_strcmp0 (gst_sdp_media_get_attribute_val (media, "mid"), mid) == 0)
        return media;
    }
  g_assert_not_reached ();
}

static gboolean
has_attribute_starting (const GstSDPMedia *media,
                        const char        *key,
                        const char        *prefix)
{
  for (guint i = 0; i < gst_sdp_media_attributes_len (media); i++)
    {
      const GstSDPAttribute *a = gst_sdp_media_get_attribute (media, i);
      if (g_strcmp0 (a->key, key) == 0 && a->value != NULL && g_str_has_prefix (a->value, prefix))
        return TRUE;
    }
  return FALSE;
}

static void
test_subscriber_offer (void)
{
  g_autoptr(GHashTable) mid_track = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GHashTable) mid_ssrc = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *munged = lk_room_munge_subscriber_offer (offer, mid_track, mid_ssrc);
  GstSDPMessage *sdp = NULL;
  const GstSDPMedia *caller, *gone, *stopped, *data;

  g_assert_cmpint (gst_sdp_message_new_from_text (munged, &sdp), ==, GST_SDP_OK);
  g_assert_cmpuint (gst_sdp_message_medias_len (sdp), ==, 4);
  caller = media_with_mid (sdp, "0");
  gone = media_with_mid (sdp, "1");
  stopped = media_with_mid (sdp, "2");
  data = media_with_mid (sdp, "3");

  /* RED is gone from the format list and from every attribute naming it;
   * Opus and its feedback stay. */
  g_assert_cmpuint (gst_sdp_media_formats_len (caller), ==, 1);
  g_assert_cmpstr (gst_sdp_media_get_format (caller, 0), ==, "111");
  g_assert_false (has_attribute_starting (caller, "rtpmap", "63 "));
  g_assert_false (has_attribute_starting (caller, "fmtp", "63 "));
  g_assert_true (has_attribute_starting (caller, "rtpmap", "111 opus/48000/2"));
  g_assert_true (has_attribute_starting (caller, "fmtp", "111 minptime=10"));
  g_assert_true (has_attribute_starting (caller, "rtcp-fb", "111 transport-cc"));
  g_assert_nonnull (gst_sdp_media_get_attribute_val (caller, "sendonly"));

  /* A line without a track is offered sendonly, so it can carry one later. */
  g_assert_null (gst_sdp_media_get_attribute_val (gone, "recvonly"));
  g_assert_nonnull (gst_sdp_media_get_attribute_val (gone, "sendonly"));
  g_assert_nonnull (gst_sdp_media_get_attribute_val (stopped, "inactive"));
  g_assert_cmpstr (gst_sdp_media_get_media (data), ==, "application");
  g_assert_cmpstr (gst_sdp_media_get_attribute_val (data, "sctp-port"), ==, "5000");

  /* Only the line that carries a track maps to it and to its SSRC. */
  g_assert_cmpuint (g_hash_table_size (mid_track), ==, 1);
  g_assert_cmpstr (g_hash_table_lookup (mid_track, "0"), ==, "TR_AMcaller");
  g_assert_cmpuint (g_hash_table_size (mid_ssrc), ==, 1);
  g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (mid_ssrc, "0")), ==, 2813334041u);
  gst_sdp_message_free (sdp);
}

/* Whatever the server sends, the maps only ever name lines it offered. */
static void
test_offer_without_tracks (void)
{
  g_autoptr(GHashTable) mid_track = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GHashTable) mid_ssrc = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *from_garbage = lk_room_munge_subscriber_offer ("not an offer", mid_track, mid_ssrc);
  g_autofree char *from_empty = lk_room_munge_subscriber_offer ("", mid_track, mid_ssrc);

  g_assert_nonnull (from_garbage);
  g_assert_nonnull (from_empty);
  g_assert_cmpuint (g_hash_table_size (mid_track), ==, 0);
  g_assert_cmpuint (g_hash_table_size (mid_ssrc), ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/lk/sdp/subscriber-offer", test_subscriber_offer);
  g_test_add_func ("/lk/sdp/offer-without-tracks", test_offer_without_tracks);
  return g_test_run ();
}
