/* lk-room-sdp.c: the server's subscriber offer as webrtcbin 1.22 can take
 * it (livekit-facts §10), and what the room learns from it on the way
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-room"

#include <gst/sdp/sdp.h>
#include <string.h>

#include "lk-room-private.h"

static void
strip_red (GstSDPMedia *media)
{
  g_autoptr(GPtrArray) red = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < gst_sdp_media_attributes_len (media); i++)
    {
      const GstSDPAttribute *a = gst_sdp_media_get_attribute (media, i);
      const char *space;

      if (g_strcmp0 (a->key, "rtpmap") == 0 && a->value != NULL &&
          (space = strchr (a->value, ' ')) != NULL && g_ascii_strncasecmp (space + 1, "red/", 4) == 0)
        g_ptr_array_add (red, g_strndup (a->value, space - a->value));
    }
  for (guint r = 0; r < red->len; r++)
    {
      const char *pt = g_ptr_array_index (red, r);
      g_autofree char *prefix = g_strdup_printf ("%s ", pt);

      for (guint i = gst_sdp_media_formats_len (media); i > 0; i--)
        if (g_strcmp0 (gst_sdp_media_get_format (media, i - 1), pt) == 0)
          gst_sdp_media_remove_format (media, i - 1);
      for (guint i = gst_sdp_media_attributes_len (media); i > 0; i--)
        {
          const GstSDPAttribute *a = gst_sdp_media_get_attribute (media, i - 1);
          if ((g_strcmp0 (a->key, "rtpmap") == 0 || g_strcmp0 (a->key, "fmtp") == 0 ||
               g_strcmp0 (a->key, "rtcp-fb") == 0) && a->value != NULL && g_str_has_prefix (a->value, prefix))
            gst_sdp_media_remove_attribute (media, i - 1);
        }
    }
}

/* The SSRC a line's media will carry (the first of its a=ssrc lines),
 * or 0. */
static guint
media_ssrc (const GstSDPMedia *media)
{
  const char *ssrc = gst_sdp_media_get_attribute_val (media, "ssrc");
  guint64 value = 0;

  if (ssrc == NULL || !g_ascii_isdigit (ssrc[0]))
    return 0;
  value = g_ascii_strtoull (ssrc, NULL, 10);
  return value <= G_MAXUINT32 ? (guint) value : 0;
}

GstSDPMessage *
lk_room_sdp_parse (const char *text)
{
  GstSDPMessage *sdp = NULL;

  /* GStreamer's parser takes almost any text, but not an empty one. */
  if (text == NULL || text[0] == '\0')
    return NULL;
  if (gst_sdp_message_new_from_text (text, &sdp) != GST_SDP_OK)
    {
      if (sdp != NULL)
        gst_sdp_message_free (sdp);
      return NULL;
    }
  return sdp;
}

char *
lk_room_munge_subscriber_offer (const char *text,
                                GHashTable *mid_track,
                                GHashTable *mid_ssrc)
{
  GstSDPMessage *sdp = lk_room_sdp_parse (text);
  char *out;

  if (sdp == NULL)
    return g_strdup (text != NULL ? text : "");
  for (guint i = 0; i < gst_sdp_message_medias_len (sdp); i++)
    {
      GstSDPMedia *media = (GstSDPMedia *) gst_sdp_message_get_media (sdp, i);
      const char *kind = gst_sdp_media_get_media (media);
      const char *mid = gst_sdp_media_get_attribute_val (media, "mid");
      const char *msid = gst_sdp_media_get_attribute_val (media, "msid");

      if (g_strcmp0 (kind, "audio") != 0 && g_strcmp0 (kind, "video") != 0)
        continue;
      if (msid == NULL)
        {
          /* webrtcbin cannot re-activate a line it first answered inactive;
           * offered as sendonly it stays usable for a later track. */
          for (guint k = 0; k < gst_sdp_media_attributes_len (media); k++)
            if (g_strcmp0 (gst_sdp_media_get_attribute (media, k)->key, "recvonly") == 0)
              {
                GstSDPAttribute attr;
                gst_sdp_attribute_set (&attr, "sendonly", NULL);
                gst_sdp_media_replace_attribute (media, k, &attr);
              }
        }
      if (g_strcmp0 (kind, "audio") == 0)
        strip_red (media);
      if (mid != NULL && msid != NULL && gst_sdp_media_get_port (media) != 0 &&
          gst_sdp_media_get_attribute_val (media, "inactive") == NULL &&
          gst_sdp_media_get_attribute_val (media, "recvonly") == NULL)
        {
          const char *space = strchr (msid, ' ');
          guint ssrc = media_ssrc (media);
          if (space != NULL && space[1] != '\0')
            g_hash_table_replace (mid_track, g_strdup (mid), g_strdup (space + 1));
          if (ssrc != 0)
            g_hash_table_replace (mid_ssrc, g_strdup (mid), GUINT_TO_POINTER (ssrc));
        }
    }
  out = gst_sdp_message_as_text (sdp);
  gst_sdp_message_free (sdp);
  return out;
}
