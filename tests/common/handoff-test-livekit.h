/* handoff-test-livekit.h: a real livekit-server on loopback for tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define HANDOFF_TEST_API_KEY    "APIhandofftest"
/* livekit-server logs an error for secrets under 32 characters. */
#define HANDOFF_TEST_API_SECRET "handoff-test-secret-0123456789abcdef0123456789"

typedef struct _HandoffTestLivekit HandoffTestLivekit;

typedef struct {
  const char *webhook_url;   /* optional: livekit-server posts webhooks here */
  const char *extra_yaml;    /* optional: appended to the generated config */
} HandoffTestLivekitOptions;

HandoffTestLivekit *handoff_test_livekit_start      (const HandoffTestLivekitOptions *options,
                                                     GError                         **error);
void                handoff_test_livekit_stop       (HandoffTestLivekit *self);
/* A graceful stop that gives the server time to send its leave to every
 * participant (what a test of that leave needs), forced after 10 s. */
void                handoff_test_livekit_shut_down  (HandoffTestLivekit *self);
gboolean            handoff_test_livekit_restart    (HandoffTestLivekit *self,
                                                     GError            **error);
void                handoff_test_livekit_kill       (HandoffTestLivekit *self);
/* After _stop or _kill: the same server again, on the same ports. */
gboolean            handoff_test_livekit_respawn    (HandoffTestLivekit *self,
                                                     GError            **error);
/* A RoomService call (JSON body) with a roomAdmin token for @room (and
 * roomCreate, which DeleteRoom needs). */
gboolean            handoff_test_livekit_twirp      (HandoffTestLivekit *self,
                                                     const char         *room,
                                                     const char         *method,
                                                     const char         *json_body,
                                                     GError            **error);
void                handoff_test_livekit_free       (HandoffTestLivekit *self);

const char         *handoff_test_livekit_get_ws_url   (HandoffTestLivekit *self);
const char         *handoff_test_livekit_get_http_url (HandoffTestLivekit *self);
guint16             handoff_test_livekit_get_port     (HandoffTestLivekit *self);
const char         *handoff_test_livekit_get_log_path (HandoffTestLivekit *self);

/* Convenience: start or skip the test when livekit-server is not installed. */
HandoffTestLivekit *handoff_test_livekit_start_or_skip (const HandoffTestLivekitOptions *options);

char               *handoff_test_mint_token (const char *identity,
                                             const char *room,
                                             gint64      ttl_seconds,
                                             const char *video_grant_json);

guint16             handoff_test_free_port  (gboolean udp);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HandoffTestLivekit, handoff_test_livekit_free)

G_END_DECLS
