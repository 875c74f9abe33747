/* lk-test-client.h: an LkRoom with an appsink that records what it hears
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "lk-room.h"
#include "handoff-test-livekit.h"

G_BEGIN_DECLS

typedef struct {
  LkRoom *room;
  char *identity;
  GMutex lock;
  GArray *heard;          /* float mono 48 kHz, the last few seconds at the sink */
  guint64 total_heard;
  GPtrArray *events;      /* "participant-connected:bob", ... */
  GPtrArray *data;        /* "identity|topic|payload" */
  GPtrArray *texts;       /* "identity|topic|text|attr=value,..." */
  gboolean disconnected;
  LkDisconnectReason reason;
  GError *disconnect_error;
  guint reconnecting;
  guint reconnected;
} LkTestClient;

typedef gboolean (*LkTestCondition) (gpointer data);

/* After g_test_init: quiet debug output, known third-party warnings non-fatal. */
void          lk_test_init          (void);
/* gst_init, g_test_init, lk_test_init: the start of a test's main. */
void          lk_test_setup         (int        *argc,
                                     char     ***argv);

/* Before main returns: stops GStreamer and waits for its threads to end. */
void          lk_test_shutdown      (void);
/* g_test_run, then lk_test_shutdown. */
int           lk_test_run           (void);

/* Iterates the main context until @cond is true or @timeout_s passes. */
gboolean      lk_test_wait          (LkTestCondition cond,
                                     gpointer        data,
                                     double          timeout_s);
void          lk_test_sleep         (double seconds);

/* A GAsyncReadyCallback keeping the result in *(GAsyncResult **) user_data,
 * and the condition that it arrived. */
void          lk_test_keep_result   (GObject      *source,
                                     GAsyncResult *result,
                                     gpointer      user_data);
gboolean      lk_test_has_result    (gpointer      data);

LkTestClient *lk_test_client_new    (const char *identity);
/* @sync: the sink renders at the running time, like a sound card. */
LkTestClient *lk_test_client_new_full (const char *identity,
                                       gboolean    sync);
/* Connects (asserting success) with a freshly minted token. */
void          lk_test_client_join   (LkTestClient       *c,
                                     HandoffTestLivekit *lk,
                                     const char         *room_name,
                                     const char         *video_grant_json);
gboolean      lk_test_client_connect (LkTestClient  *c,
                                      const char    *url,
                                      const char    *token,
                                      GError       **error);
/* lk_test_client_new (or _full) and lk_test_client_join with no extra grants. */
LkTestClient *lk_test_client_new_joined (const char         *identity,
                                         HandoffTestLivekit *lk,
                                         const char         *room_name);
LkTestClient *lk_test_client_new_joined_full (const char         *identity,
                                              gboolean            sync,
                                              HandoffTestLivekit *lk,
                                              const char         *room_name);
/* A tone (volume 0.4) published as the microphone-source track "microphone",
 * or @name; the local participant holds the track. */
LkTrack      *lk_test_client_publish_tone (LkTestClient *c,
                                           double        frequency);
LkTrack      *lk_test_client_publish_tone_named (LkTestClient *c,
                                                 const char   *name,
                                                 double        frequency);
/* Dominant frequency (100–2000 Hz) and its power over the last @seconds. */
double        lk_test_client_dominant (LkTestClient *c,
                                       double        seconds,
                                       double       *rms_out);
double        lk_test_client_tone_power (LkTestClient *c,
                                         double        seconds,
                                         double        frequency);
/* The power of @frequency in each @window_s window of the last @seconds,
 * oldest first (a click spoils one window, not the whole span). */
GArray       *lk_test_client_tone_power_windows (LkTestClient *c,
                                                 double        seconds,
                                                 double        window_s,
                                                 double        frequency);
/* Waits until the client hears @frequency (±2 %) as the dominant tone. */
gboolean      lk_test_client_wait_hears (LkTestClient *c,
                                         double        frequency,
                                         double        timeout_s);
/* The last second at the sink carries @frequency (±2 %) as the dominant tone. */
gboolean      lk_test_client_hears_now (LkTestClient *c,
                                        double        frequency);
/* Condition: the last second at the sink is silence (rms < 0.005). */
gboolean      lk_test_client_is_silent (gpointer c);
/* Forgets what was heard so far: a tone heard afterwards is new. */
void          lk_test_client_forget (LkTestClient *c);
gboolean      lk_test_client_has_event (LkTestClient *c,
                                        const char   *event);
gboolean      lk_test_client_wait_event (LkTestClient *c,
                                         const char   *event,
                                         double        timeout_s);
/* How often @c saw @event, or received data "identity|topic|payload". */
guint         lk_test_client_count_events (LkTestClient *c,
                                           const char   *event);
guint         lk_test_client_count_data (LkTestClient *c,
                                         const char   *entry);
/* Conditions on an LkTestClient: the room said reconnecting (reconnected)
 * at least once; it is disconnected. */
gboolean      lk_test_client_saw_reconnecting (gpointer c);
gboolean      lk_test_client_saw_reconnected (gpointer c);
gboolean      lk_test_client_is_disconnected (gpointer c);
/* A guint property of the room ("n-rejoins", "n-signal-connects", ...). */
guint         lk_test_client_room_uint (LkTestClient *c,
                                        const char   *property);
/* Leaves, drops the room, and asserts that the room, its local tracks, its
 * pipeline and every element in it are finalized within 10 s. */
void          lk_test_client_leave_and_check_freed (LkTestClient *c);
void          lk_test_client_free   (LkTestClient *c);

/* What a tap on a track receives (LK_TRACK_TAP_CAPS: S16LE mono 48 kHz). */
typedef struct {
  GMutex lock;
  GArray *samples;   /* float, the last two seconds */
  guint64 total;     /* samples received in all */
  guint delay_ms;    /* > 0: a consumer slower than real time */
} LkTestTap;

void          lk_test_tap_init      (LkTestTap  *t,
                                     guint       delay_ms);
void          lk_test_tap_clear     (LkTestTap  *t);
/* A branch for lk_track_add_tap from a gst-launch @description whose
 * appsink, named "s", fills @t. */
GstElement   *lk_test_tap_new_branch (LkTestTap  *t,
                                      const char *description);
/* The last @seconds of @t carry @frequency (±2 %) as the dominant tone. */
gboolean      lk_test_tap_hears     (LkTestTap  *t,
                                     double      frequency,
                                     double      seconds);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LkTestClient, lk_test_client_free)

G_END_DECLS
