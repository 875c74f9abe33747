/* lk-data-stream.h: DataPacket encoding and text stream reassembly
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "lk-protocol.pb-c.h"

G_BEGIN_DECLS

/* LiveKit's SDKs send text streams in chunks of at most this many bytes. */
#define LK_TEXT_STREAM_CHUNK_SIZE 15000

typedef struct _LkTextStreamReader LkTextStreamReader;

typedef void (*LkTextStreamFunc) (const char *identity,
                                  const char *topic,
                                  const char *text,
                                  GHashTable *attributes,
                                  const char *stream_id,
                                  gpointer    user_data);

GBytes             *lk_data_packet_build_user        (GBytes             *payload,
                                                      const char         *topic,
                                                      const char * const *destination_identities,
                                                      gboolean            reliable);
/* Returns: (element-type GBytes): header, chunks, trailer, each a packed DataPacket. */
GPtrArray          *lk_data_packet_build_text_stream (const char         *text,
                                                      const char         *topic,
                                                      GHashTable         *attributes,
                                                      const char * const *destination_identities,
                                                      gsize               chunk_size);

LkTextStreamReader *lk_text_stream_reader_new        (void);
void                lk_text_stream_reader_free       (LkTextStreamReader *self);
/* Feeds one stream_header/chunk/trailer packet; calls @func when a text
 * stream is complete. Other packets are ignored. */
void                lk_text_stream_reader_push       (LkTextStreamReader        *self,
                                                      const Livekit__DataPacket *packet,
                                                      LkTextStreamFunc           func,
                                                      gpointer                   user_data);
guint               lk_text_stream_reader_get_open   (LkTextStreamReader *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LkTextStreamReader, lk_text_stream_reader_free)

G_END_DECLS
