/* lk-data-stream.c: DataPacket encoding and text stream reassembly
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-data"

#include <string.h>

#include "lk-data-stream.h"

/* A sender cannot make us hold more than this in half-received streams. */
#define MAX_OPEN_STREAMS 64
#define MAX_STREAM_BYTES (16 * 1024 * 1024)

typedef struct {
  char *identity;
  char *topic;
  GHashTable *attributes;
  GTree *chunks;        /* chunk index → GBytes */
  gsize bytes;
  gint64 opened_us;
} OpenStream;

struct _LkTextStreamReader {
  GHashTable *streams;  /* stream id → OpenStream */
};

static GBytes *
pack (const Livekit__DataPacket *packet)
{
  gsize len = livekit__data_packet__get_packed_size (packet);
  guint8 *buf = g_malloc (MAX (len, 1));

  livekit__data_packet__pack (packet, buf);
  return g_bytes_new_take (buf, len);
}

static gsize
count_strv (const char * const *v)
{
  return v != NULL ? g_strv_length ((char **) v) : 0;
}

GBytes *
lk_data_packet_build_user (GBytes             *payload,
                           const char         *topic,
                           const char * const *destination_identities,
                           gboolean            reliable)
{
  Livekit__DataPacket packet = LIVEKIT__DATA_PACKET__INIT;
  Livekit__UserPacket user = LIVEKIT__USER_PACKET__INIT;
  gsize len;

  user.payload.data = (guint8 *) g_bytes_get_data (payload, &len);
  user.payload.len = len;
  user.topic = (char *) (topic != NULL ? topic : "");
  packet.kind = reliable ? LIVEKIT__DATA_PACKET__KIND__RELIABLE : LIVEKIT__DATA_PACKET__KIND__LOSSY;
  packet.n_destination_identities = count_strv (destination_identities);
  packet.destination_identities = (char **) destination_identities;
  packet.value_case = LIVEKIT__DATA_PACKET__VALUE_USER;
  packet.user = &user;
  return pack (&packet);
}

static Livekit__StringPair **
pairs_from_table (GHashTable *table,
                  gsize      *n_out)
{
  Livekit__StringPair **pairs;
  GHashTableIter iter;
  gpointer key, value;
  gsize i = 0;

  *n_out = table != NULL ? g_hash_table_size (table) : 0;
  pairs = g_new0 (Livekit__StringPair *, *n_out + 1);
  if (table == NULL)
    return pairs;
  g_hash_table_iter_init (&iter, table);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      pairs[i] = g_new0 (Livekit__StringPair, 1);
      livekit__string_pair__init (pairs[i]);
      pairs[i]->key = key;
      pairs[i]->value = value;
      i++;
    }
  return pairs;
}

static void
pairs_free (Livekit__StringPair **pairs,
            gsize                 n)
{
  for (gsize i = 0; i < n; i++)
    g_free (pairs[i]);
  g_free (pairs);
}

/* The longest prefix of @text (at most @max bytes) that does not cut a
 * UTF-8 sequence. */
static gsize
utf8_cut (const char *text,
          gsize       len,
          gsize       max)
{
  gsize cut;

  if (len <= max)
    return len;
  cut = max;
  while (cut > 0 && ((guchar) text[cut] & 0xC0) == 0x80)
    cut--;
  return cut > 0 ? cut : max;
}

GPtrArray *
lk_data_packet_build_text_stream (const char         *text,
                                  const char         *topic,
                                  GHashTable         *attributes,
                                  const char * const *destination_identities,
                                  gsize               chunk_size)
{
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autofree char *stream_id = g_uuid_string_random ();
  Livekit__DataPacket packet = LIVEKIT__DATA_PACKET__INIT;
  Livekit__DataStream__Header header = LIVEKIT__DATA_STREAM__HEADER__INIT;
  Livekit__DataStream__TextHeader text_header = LIVEKIT__DATA_STREAM__TEXT_HEADER__INIT;
  Livekit__DataStream__Trailer trailer = LIVEKIT__DATA_STREAM__TRAILER__INIT;
  gsize len = strlen (text);
  gsize n_attrs;
  Livekit__StringPair **attrs = pairs_from_table (attributes, &n_attrs);
  guint64 index = 0;

  if (chunk_size == 0)
    chunk_size = LK_TEXT_STREAM_CHUNK_SIZE;
  packet.kind = LIVEKIT__DATA_PACKET__KIND__RELIABLE;
  packet.n_destination_identities = count_strv (destination_identities);
  packet.destination_identities = (char **) destination_identities;

  header.stream_id = stream_id;
  header.timestamp = g_get_real_time () / 1000;
  header.topic = (char *) (topic != NULL ? topic : "");
  header.mime_type = "text/plain";
  header.total_length = len;
  header.n_attributes = n_attrs;
  header.attributes = attrs;
  text_header.operation_type = LIVEKIT__DATA_STREAM__OPERATION_TYPE__CREATE;
  header.content_header_case = LIVEKIT__DATA_STREAM__HEADER__CONTENT_HEADER_TEXT_HEADER;
  header.text_header = &text_header;
  packet.value_case = LIVEKIT__DATA_PACKET__VALUE_STREAM_HEADER;
  packet.stream_header = &header;
  g_ptr_array_add (out, pack (&packet));

  for (gsize off = 0; off < len || (len == 0 && index == 0);)
    {
      Livekit__DataStream__Chunk chunk = LIVEKIT__DATA_STREAM__CHUNK__INIT;
      gsize n = utf8_cut (text + off, len - off, chunk_size);

      chunk.stream_id = stream_id;
      chunk.chunk_index = index++;
      chunk.content.data = (guint8 *) text + off;
      chunk.content.len = n;
      packet.value_case = LIVEKIT__DATA_PACKET__VALUE_STREAM_CHUNK;
      packet.stream_chunk = &chunk;
      g_ptr_array_add (out, pack (&packet));
      off += n;
      if (len == 0)
        break;
    }

  trailer.stream_id = stream_id;
  trailer.reason = "";
  packet.value_case = LIVEKIT__DATA_PACKET__VALUE_STREAM_TRAILER;
  packet.stream_trailer = &trailer;
  g_ptr_array_add (out, pack (&packet));

  pairs_free (attrs, n_attrs);
  return out;
}

static int
compare_index (gconstpointer a,
               gconstpointer b,
               gpointer      user_data)
{
  guint64 x = *(const guint64 *) a, y = *(const guint64 *) b;

  return x < y ? -1 : x > y;
}

static void
open_stream_free (OpenStream *s)
{
  g_free (s->identity);
  g_free (s->topic);
  g_hash_table_unref (s->attributes);
  g_tree_unref (s->chunks);
  g_free (s);
}

static void
add_pairs (GHashTable                 *table,
           Livekit__StringPair *const *pairs,
           gsize                       n)
{
  for (gsize i = 0; i < n; i++)
    g_hash_table_insert (table, g_strdup (pairs[i]->key), g_strdup (pairs[i]->value));
}

static void
drop_oldest (LkTextStreamReader *self)
{
  GHashTableIter iter;
  gpointer key, value;
  gpointer oldest = NULL;
  gint64 oldest_us = G_MAXINT64;

  g_hash_table_iter_init (&iter, self->streams);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (((OpenStream *) value)->opened_us < oldest_us)
      oldest_us = ((OpenStream *) value)->opened_us, oldest = key;
  if (oldest != NULL)
    {
      g_warning ("too many unfinished text streams; dropping one");
      g_hash_table_remove (self->streams, oldest);
    }
}

static gboolean
append_chunk (gpointer key,
              gpointer value,
              gpointer user_data)
{
  gsize len;
  const char *data = g_bytes_get_data (value, &len);

  g_string_append_len (user_data, data, len);
  return FALSE;
}

void
lk_text_stream_reader_push (LkTextStreamReader        *self,
                            const Livekit__DataPacket *packet,
                            LkTextStreamFunc           func,
                            gpointer                   user_data)
{
  OpenStream *s;

  switch (packet->value_case)
    {
    case LIVEKIT__DATA_PACKET__VALUE_STREAM_HEADER:
      {
        const Livekit__DataStream__Header *h = packet->stream_header;

        if (h->content_header_case != LIVEKIT__DATA_STREAM__HEADER__CONTENT_HEADER_TEXT_HEADER ||
            h->stream_id == NULL || *h->stream_id == '\0')
          return;
        if (g_hash_table_size (self->streams) >= MAX_OPEN_STREAMS)
          drop_oldest (self);
        s = g_new0 (OpenStream, 1);
        s->identity = g_strdup (packet->participant_identity);
        s->topic = g_strdup (h->topic);
        s->attributes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
        add_pairs (s->attributes, h->attributes, h->n_attributes);
        s->chunks = g_tree_new_full (compare_index, NULL, g_free, (GDestroyNotify) g_bytes_unref);
        s->opened_us = g_get_monotonic_time ();
        g_hash_table_replace (self->streams, g_strdup (h->stream_id), s);
        return;
      }
    case LIVEKIT__DATA_PACKET__VALUE_STREAM_CHUNK:
      {
        const Livekit__DataStream__Chunk *c = packet->stream_chunk;
        guint64 *index;

        s = g_hash_table_lookup (self->streams, c->stream_id);
        if (s == NULL)
          return;
        if (s->bytes + c->content.len > MAX_STREAM_BYTES)
          {
            g_warning ("text stream over %u bytes; dropped", MAX_STREAM_BYTES);
            g_hash_table_remove (self->streams, c->stream_id);
            return;
          }
        index = g_new (guint64, 1);
        *index = c->chunk_index;
        s->bytes += c->content.len;
        g_tree_replace (s->chunks, index, g_bytes_new (c->content.data, c->content.len));
        return;
      }
    case LIVEKIT__DATA_PACKET__VALUE_STREAM_TRAILER:
      {
        const Livekit__DataStream__Trailer *t = packet->stream_trailer;
        g_autoptr(GString) text = NULL;
        g_autofree char *stream_id = NULL;

        s = g_hash_table_lookup (self->streams, t->stream_id);
        if (s == NULL)
          return;
        text = g_string_sized_new (s->bytes);
        g_tree_foreach (s->chunks, append_chunk, text);
        add_pairs (s->attributes, t->attributes, t->n_attributes);
        stream_id = g_strdup (t->stream_id);
        {
          gpointer old_key = NULL;
          g_hash_table_steal_extended (self->streams, t->stream_id, &old_key, NULL);
          g_free (old_key);
        }
        if (g_utf8_validate_len (text->str, text->len, NULL))
          func (s->identity, s->topic, text->str, s->attributes, stream_id, user_data);
        else
          g_warning ("text stream %s is not UTF-8; dropped", stream_id);
        open_stream_free (s);
        return;
      }
    default:
      return;
    }
}

guint
lk_text_stream_reader_get_open (LkTextStreamReader *self)
{
  return g_hash_table_size (self->streams);
}

LkTextStreamReader *
lk_text_stream_reader_new (void)
{
  LkTextStreamReader *self = g_new0 (LkTextStreamReader, 1);

  self->streams = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify) open_stream_free);
  return self;
}

void
lk_text_stream_reader_free (LkTextStreamReader *self)
{
  if (self == NULL)
    return;
  g_hash_table_unref (self->streams);
  g_free (self);
}
