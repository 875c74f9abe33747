/* lk-test-client.c: an LkRoom with an appsink that records what it hears
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-test"

#include <gst/app/gstappsink.h>
#include <string.h>

#include "handoff-test-audio.h"
#include "handoff-test-warnings.h"
#include "lk-test-client.h"

#define RATE 48000
#define KEEP_SECONDS 4

void
lk_test_init (void)
{
  handoff_test_tolerate_known_warnings ();
  if (g_getenv ("LK_TEST_DEBUG") == NULL)
    g_log_set_debug_enabled (FALSE);
  /* stdout is TAP: the room's debug lines (G_MESSAGES_DEBUG) go to stderr. */
  g_log_writer_default_set_use_stderr (TRUE);
}

void
lk_test_setup (int    *argc,
               char ***argv)
{
  gst_init (argc, argv);
  g_test_init (argc, argv, NULL);
  lk_test_init ();
}

static guint
count_threads (GString *names)
{
  g_autoptr(GDir) dir = g_dir_open ("/proc/self/task", 0, NULL);
  const char *tid;
  guint n = 0;

  while (dir != NULL && (tid = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_strdup_printf ("/proc/self/task/%s/comm", tid);
      g_autofree char *comm = NULL;

      n++;
      if (names != NULL && g_file_get_contents (path, &comm, NULL, NULL))
        g_string_append_printf (names, "%s%s", names->len > 0 ? ", " : "", g_strchomp (comm));
    }
  return n;
}

/* At exit LeakSanitizer stops every thread and scans them; a thread that
 * exits meanwhile can crash its tracer ("Tracer caught signal 11"). After a
 * test, GStreamer's finished streaming threads linger ~0.5 s in their pool,
 * then dozens exit at once — right when LSan runs if main returns at once.
 * So: GStreamer's task pool is shut down (gst_deinit joins what still runs
 * and wakes the idle threads), GLib keeps no idle thread, and main returns
 * only once the thread count has settled. Settled means unchanged for 1 s:
 * a GLib pool thread that has just run a task (a GTask's thread, such as the
 * keyring's) waits half a second for another before it exits, and a 300 ms
 * window let test-core-server return with one still there (ci-14). */
void
lk_test_shutdown (void)
{
  g_autoptr(GString) names = g_string_new (NULL);
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  gint64 stable_since = g_get_monotonic_time ();
  guint last = count_threads (NULL);

  gst_deinit ();
  g_thread_pool_set_max_unused_threads (0);
  g_thread_pool_stop_unused_threads ();
  while (g_get_monotonic_time () < deadline)
    {
      guint n;

      g_usleep (20 * 1000);
      n = count_threads (NULL);
      if (n != last)
        {
          last = n;
          stable_since = g_get_monotonic_time ();
        }
      else if (g_get_monotonic_time () - stable_since > G_USEC_PER_SEC)
        break;
    }
  count_threads (names);
  g_printerr ("# threads left at exit: %u (%s)\n", last, names->str);
}

int
lk_test_run (void)
{
  int rc = g_test_run ();

  lk_test_shutdown ();
  return rc;
}

static gboolean
tick (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

gboolean
lk_test_wait (LkTestCondition cond,
              gpointer        data,
              double          timeout_s)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) (timeout_s * G_USEC_PER_SEC);

  while (!cond (data))
    {
      if (g_get_monotonic_time () > deadline)
        return FALSE;
      /* Wake up regularly: some conditions are measured, not signalled. */
      {
        gboolean fired = FALSE;
        guint id = g_timeout_add (50, tick, &fired);

        g_main_context_iteration (NULL, TRUE);
        if (!fired)
          g_source_remove (id);
      }
    }
  return TRUE;
}

static gboolean
never (gpointer data)
{
  return FALSE;
}

void
lk_test_sleep (double seconds)
{
  lk_test_wait (never, NULL, seconds);
}

/* The next sample of @sink, mapped for reading (unmap its buffer after). */
static gboolean
map_next_sample (GstAppSink  *sink,
                 GstSample  **sample,
                 GstMapInfo  *map)
{
  GstBuffer *buf;

  *sample = gst_app_sink_pull_sample (sink);
  buf = *sample ? gst_sample_get_buffer (*sample) : NULL;
  return buf != NULL && gst_buffer_map (buf, map, GST_MAP_READ);
}

static GstFlowReturn
on_new_sample (GstAppSink *sink,
               gpointer    user_data)
{
  LkTestClient *c = user_data;
  g_autoptr(GstSample) sample = NULL;
  GstMapInfo map;

  if (!map_next_sample (sink, &sample, &map))
    return GST_FLOW_OK;
  g_mutex_lock (&c->lock);
  g_array_append_vals (c->heard, map.data, map.size / sizeof (float));
  c->total_heard += map.size / sizeof (float);
  if (c->heard->len > RATE * KEEP_SECONDS)
    g_array_remove_range (c->heard, 0, c->heard->len - RATE * KEEP_SECONDS);
  g_mutex_unlock (&c->lock);
  gst_buffer_unmap (gst_sample_get_buffer (sample), &map);
  return GST_FLOW_OK;
}

static void
add_event (LkTestClient *c,
           const char   *name,
           const char   *who)
{
  g_ptr_array_add (c->events, g_strdup_printf ("%s:%s", name, who ? who : ""));
  g_test_message ("[%s] %s %s", c->identity, name, who ? who : "");
}

static void
on_participant_connected (LkRoom *room, LkParticipant *p, LkTestClient *c)
{
  add_event (c, "participant-connected", lk_participant_get_identity (p));
}

static void
on_participant_disconnected (LkRoom *room, LkParticipant *p, LkTestClient *c)
{
  add_event (c, "participant-disconnected", lk_participant_get_identity (p));
}

static void
on_participant_updated (LkRoom *room, LkParticipant *p, LkTestClient *c)
{
  g_autofree char *what = g_strdup_printf ("%s=%s", lk_participant_get_identity (p),
                                           lk_participant_get_metadata (p) ? lk_participant_get_metadata (p) : "");
  add_event (c, "participant-updated", what);
}

static void
on_speakers (LkRoom *room, GPtrArray *speakers, LkTestClient *c)
{
  for (guint i = 0; i < speakers->len; i++)
    add_event (c, "speaking", lk_participant_get_identity (g_ptr_array_index (speakers, i)));
}

static void
on_track_subscribed (LkRoom *room, LkParticipant *p, LkTrack *t, LkTestClient *c)
{
  add_event (c, "track-subscribed", lk_participant_get_identity (p));
}

static void
on_track_unsubscribed (LkRoom *room, LkParticipant *p, LkTrack *t, LkTestClient *c)
{
  add_event (c, "track-unsubscribed", lk_participant_get_identity (p));
}

static void
on_track_muted (LkRoom *room, LkParticipant *p, LkTrack *t, LkTestClient *c)
{
  g_autofree char *what = g_strdup_printf ("%s=%s", lk_participant_get_identity (p),
                                           lk_track_get_muted (t) ? "muted" : "unmuted");
  add_event (c, "track-muted", what);
}

static void
on_data (LkRoom *room, const char *identity, const char *topic, GBytes *payload, LkTestClient *c)
{
  gsize len;
  const char *data = g_bytes_get_data (payload, &len);

  g_ptr_array_add (c->data, g_strdup_printf ("%s|%s|%.*s", identity, topic ? topic : "", (int) len, data));
}

static void
on_text (LkRoom *room, const char *identity, const char *topic, const char *text,
         GHashTable *attributes, const char *stream_id, LkTestClient *c)
{
  g_autoptr(GString) s = g_string_new (NULL);
  g_autoptr(GList) keys = attributes ? g_hash_table_get_keys (attributes) : NULL;

  keys = g_list_sort (keys, (GCompareFunc) strcmp);
  g_string_printf (s, "%s|%s|%s|", identity, topic, text);
  for (GList *l = keys; l != NULL; l = l->next)
    g_string_append_printf (s, "%s=%s,", (char *) l->data, (char *) g_hash_table_lookup (attributes, l->data));
  g_ptr_array_add (c->texts, g_string_free (g_steal_pointer (&s), FALSE));
}

static void
on_disconnected (LkRoom *room, LkDisconnectReason reason, const GError *error, LkTestClient *c)
{
  c->disconnected = TRUE;
  c->reason = reason;
  g_clear_error (&c->disconnect_error);
  if (error != NULL)
    c->disconnect_error = g_error_copy (error);
  add_event (c, "disconnected", lk_disconnect_reason_to_string (reason));
}

static void
on_reconnecting (LkRoom *room, LkTestClient *c)
{
  c->reconnecting++;
  add_event (c, "reconnecting", NULL);
}

static void
on_reconnected (LkRoom *room, LkTestClient *c)
{
  c->reconnected++;
  add_event (c, "reconnected", NULL);
}

LkTestClient *
lk_test_client_new (const char *identity)
{
  return lk_test_client_new_full (identity, FALSE);
}

LkTestClient *
lk_test_client_new_full (const char *identity,
                         gboolean    sync)
{
  LkTestClient *c = g_new0 (LkTestClient, 1);
  g_autoptr(GError) error = NULL;
  GstElement *sink;
  g_autoptr(GstElement) appsink = NULL;
  g_autofree char *desc = NULL;

  /* GLib forgets the fatal handler at the start of every test case. */
  handoff_test_tolerate_known_warnings ();
  g_mutex_init (&c->lock);
  c->identity = g_strdup (identity);
  c->heard = g_array_new (FALSE, FALSE, sizeof (float));
  c->events = g_ptr_array_new_with_free_func (g_free);
  c->data = g_ptr_array_new_with_free_func (g_free);
  c->texts = g_ptr_array_new_with_free_func (g_free);
  c->room = lk_room_new ();

  /* sync=true plays like a sound card: each buffer at its running time. */
  desc = g_strdup_printf ("audioconvert ! audioresample ! audio/x-raw,format=F32LE,channels=1,rate=48000 ! "
                          "appsink name=capture sync=%s", sync ? "true" : "false");
  sink = gst_parse_bin_from_description (desc, TRUE, &error);
  g_assert_no_error (error);
  appsink = gst_bin_get_by_name (GST_BIN (sink), "capture");
  {
    GstAppSinkCallbacks callbacks = { .new_sample = on_new_sample };
    gst_app_sink_set_callbacks (GST_APP_SINK (appsink), &callbacks, c, NULL);
  }
  lk_room_set_audio_sink (c->room, sink);

  g_signal_connect (c->room, "participant-connected", G_CALLBACK (on_participant_connected), c);
  g_signal_connect (c->room, "participant-disconnected", G_CALLBACK (on_participant_disconnected), c);
  g_signal_connect (c->room, "participant-updated", G_CALLBACK (on_participant_updated), c);
  g_signal_connect (c->room, "active-speakers-changed", G_CALLBACK (on_speakers), c);
  g_signal_connect (c->room, "track-subscribed", G_CALLBACK (on_track_subscribed), c);
  g_signal_connect (c->room, "track-unsubscribed", G_CALLBACK (on_track_unsubscribed), c);
  g_signal_connect (c->room, "data-received", G_CALLBACK (on_data), c);
  g_signal_connect (c->room, "text-received", G_CALLBACK (on_text), c);
  g_signal_connect (c->room, "track-muted", G_CALLBACK (on_track_muted), c);
  g_signal_connect (c->room, "disconnected", G_CALLBACK (on_disconnected), c);
  g_signal_connect (c->room, "reconnecting", G_CALLBACK (on_reconnecting), c);
  g_signal_connect (c->room, "reconnected", G_CALLBACK (on_reconnected), c);
  return c;
}

typedef struct {
  GAsyncResult *result;
} Waiter;

static void
on_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Waiter *w = user_data;
  w->result = g_object_ref (result);
}

static gboolean
waiter_done (gpointer data)
{
  return ((Waiter *) data)->result != NULL;
}

gboolean
lk_test_client_connect (LkTestClient  *c,
                        const char    *url,
                        const char    *token,
                        GError       **error)
{
  Waiter w = { 0 };
  gboolean ok;

  lk_room_connect_async (c->room, url, token, NULL, on_done, &w);
  g_assert_true (lk_test_wait (waiter_done, &w, 30));
  ok = lk_room_connect_finish (c->room, w.result, error);
  g_object_unref (w.result);
  return ok;
}

void
lk_test_client_join (LkTestClient       *c,
                     HandoffTestLivekit *lk,
                     const char         *room_name,
                     const char         *video_grant_json)
{
  g_autofree char *token = handoff_test_mint_token (c->identity, room_name, 600, video_grant_json);
  g_autoptr(GError) error = NULL;

  g_assert_true (lk_test_client_connect (c, handoff_test_livekit_get_ws_url (lk), token, &error));
  g_assert_no_error (error);
}

LkTestClient *
lk_test_client_new_joined (const char         *identity,
                           HandoffTestLivekit *lk,
                           const char         *room_name)
{
  return lk_test_client_new_joined_full (identity, FALSE, lk, room_name);
}

LkTestClient *
lk_test_client_new_joined_full (const char         *identity,
                                gboolean            sync,
                                HandoffTestLivekit *lk,
                                const char         *room_name)
{
  LkTestClient *c = lk_test_client_new_full (identity, sync);

  lk_test_client_join (c, lk, room_name, NULL);
  return c;
}

LkTrack *
lk_test_client_publish_tone (LkTestClient *c,
                             double        frequency)
{
  return lk_test_client_publish_tone_named (c, "microphone", frequency);
}

LkTrack *
lk_test_client_publish_tone_named (LkTestClient *c,
                                   const char   *name,
                                   double        frequency)
{
  Waiter w = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *desc = g_strdup_printf ("audiotestsrc is-live=true volume=0.4 freq=%g", frequency);
  GstElement *src = gst_parse_bin_from_description (desc, TRUE, &error);
  LkTrack *track;

  g_assert_no_error (error);
  lk_room_publish_audio_async (c->room, name, LK_TRACK_SOURCE_MICROPHONE, src, NULL, on_done, &w);
  g_assert_true (lk_test_wait (waiter_done, &w, 30));
  track = lk_room_publish_audio_finish (c->room, w.result, &error);
  g_object_unref (w.result);
  g_assert_no_error (error);
  g_assert_nonnull (track);
  g_object_unref (track);  /* the local participant holds it */
  return track;
}

static float *
last_samples (LkTestClient *c,
              double        seconds,
              gsize        *n_out)
{
  gsize want = (gsize) (seconds * RATE);
  float *out;

  g_mutex_lock (&c->lock);
  want = MIN (want, c->heard->len);
  out = g_memdup2 (&g_array_index (c->heard, float, c->heard->len - want), MAX (want, 1) * sizeof (float));
  g_mutex_unlock (&c->lock);
  *n_out = want;
  return out;
}

double
lk_test_client_dominant (LkTestClient *c,
                         double        seconds,
                         double       *rms_out)
{
  gsize n;
  g_autofree float *s = last_samples (c, seconds, &n);

  if (rms_out != NULL)
    *rms_out = handoff_test_rms (s, n);
  if (n < RATE / 2)
    return 0;
  return handoff_test_dominant_frequency (s, n, RATE, 100, 2000);
}

double
lk_test_client_tone_power (LkTestClient *c,
                           double        seconds,
                           double        frequency)
{
  gsize n;
  g_autofree float *s = last_samples (c, seconds, &n);

  return handoff_test_tone_power (s, n, RATE, frequency);
}

GArray *
lk_test_client_tone_power_windows (LkTestClient *c,
                                   double        seconds,
                                   double        window_s,
                                   double        frequency)
{
  gsize n, window = (gsize) (window_s * RATE);
  g_autofree float *s = last_samples (c, seconds, &n);
  GArray *powers = g_array_new (FALSE, FALSE, sizeof (double));

  g_return_val_if_fail (window > 0, powers);
  for (gsize start = 0; start + window <= n; start += window)
    {
      double p = handoff_test_tone_power (s + start, window, RATE, frequency);

      g_array_append_val (powers, p);
    }
  return powers;
}

typedef struct {
  LkTestClient *c;
  double frequency;
} HearsData;

static gboolean
hears (gpointer data)
{
  HearsData *h = data;
  double rms;
  double f = lk_test_client_dominant (h->c, 1.0, &rms);

  return rms > 0.01 && f > h->frequency * 0.98 && f < h->frequency * 1.02;
}

/* The last second carries the tone (no waiting). */
gboolean
lk_test_client_hears_now (LkTestClient *c,
                          double        frequency)
{
  HearsData h = { c, frequency };

  return hears (&h);
}

gboolean
lk_test_client_wait_hears (LkTestClient *c,
                           double        frequency,
                           double        timeout_s)
{
  HearsData h = { c, frequency };

  return lk_test_wait (hears, &h, timeout_s);
}

gboolean
lk_test_client_is_silent (gpointer c)
{
  double rms;

  lk_test_client_dominant (c, 1.0, &rms);
  return rms < 0.005;
}

void
lk_test_client_forget (LkTestClient *c)
{
  g_mutex_lock (&c->lock);
  g_array_set_size (c->heard, 0);
  g_mutex_unlock (&c->lock);
}

void
lk_test_keep_result (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

gboolean
lk_test_has_result (gpointer data)
{
  return *(GAsyncResult **) data != NULL;
}

static guint
count_entries (GPtrArray  *entries,
               const char *entry)
{
  guint n = 0;

  for (guint i = 0; i < entries->len; i++)
    if (g_strcmp0 (g_ptr_array_index (entries, i), entry) == 0)
      n++;
  return n;
}

guint
lk_test_client_count_events (LkTestClient *c,
                             const char   *event)
{
  return count_entries (c->events, event);
}

guint
lk_test_client_count_data (LkTestClient *c,
                           const char   *entry)
{
  return count_entries (c->data, entry);
}

gboolean
lk_test_client_has_event (LkTestClient *c,
                          const char   *event)
{
  return lk_test_client_count_events (c, event) > 0;
}

typedef struct {
  LkTestClient *c;
  const char *event;
} EventWait;

static gboolean
has_event (gpointer data)
{
  EventWait *w = data;

  return lk_test_client_has_event (w->c, w->event);
}

gboolean
lk_test_client_wait_event (LkTestClient *c,
                           const char   *event,
                           double        timeout_s)
{
  EventWait w = { c, event };

  return lk_test_wait (has_event, &w, timeout_s);
}

gboolean
lk_test_client_saw_reconnecting (gpointer c)
{
  return ((LkTestClient *) c)->reconnecting > 0;
}

gboolean
lk_test_client_saw_reconnected (gpointer c)
{
  return ((LkTestClient *) c)->reconnected > 0;
}

gboolean
lk_test_client_is_disconnected (gpointer c)
{
  return ((LkTestClient *) c)->disconnected;
}

guint
lk_test_client_room_uint (LkTestClient *c,
                          const char   *property)
{
  guint value = 0;

  g_object_get (c->room, property, &value, NULL);
  return value;
}

/* Objects not finalized yet: object → its name. */
static void
on_finalized (gpointer  data,
              GObject  *where_the_object_was)
{
  g_hash_table_remove (data, where_the_object_was);
}

static void
watch_finalize (GHashTable *alive,
                gpointer    object,
                const char *name)
{
  if (g_hash_table_contains (alive, object))
    return;
  g_hash_table_insert (alive, object, g_strdup (name));
  g_object_weak_ref (object, on_finalized, alive);
}

static gboolean
all_finalized (gpointer data)
{
  return g_hash_table_size (data) == 0;
}

/* After a leave, the room frees what it made: the LkRoom, its tracks, its
 * pipeline and every element in it (both webrtcbins with their ICE and DTLS
 * parts, the mixer, the sink). The sanitizer's leak check cannot say so:
 * it has to ignore GStreamer's factory caches, and with them elements. */
void
lk_test_client_leave_and_check_freed (LkTestClient *c)
{
  g_autoptr(GHashTable) alive = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  g_autoptr(GstIterator) it = gst_bin_iterate_recurse (GST_BIN (lk_room_get_pipeline (c->room)));
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GValue item = G_VALUE_INIT;
  GListModel *tracks = lk_participant_get_tracks (lk_room_get_local_participant (c->room));
  GHashTableIter alive_iter;
  gpointer name;

  watch_finalize (alive, c->room, "LkRoom");
  watch_finalize (alive, lk_room_get_pipeline (c->room), "the pipeline");
  for (guint i = 0; i < g_list_model_get_n_items (tracks); i++)
    {
      g_autoptr(LkTrack) track = g_list_model_get_item (tracks, i);
      watch_finalize (alive, track, "a local track");
    }
  while (gst_iterator_next (it, &item) == GST_ITERATOR_OK)
    {
      GstObject *element = g_value_get_object (&item);
      g_autofree char *name_of = gst_object_get_path_string (element);
      watch_finalize (alive, element, name_of);
      g_value_reset (&item);
    }
  g_value_unset (&item);
  g_clear_pointer (&it, gst_iterator_free);
  g_test_message ("watching %u objects of %s's room", g_hash_table_size (alive), c->identity);

  lk_room_disconnect_async (c->room, NULL, lk_test_keep_result, &result);
  g_assert_true (lk_test_wait (lk_test_has_result, &result, 10));
  g_assert_true (lk_room_disconnect_finish (c->room, result, &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  g_signal_handlers_disconnect_by_data (c->room, c);
  g_clear_object (&c->room);
  if (!lk_test_wait (all_finalized, alive, 10))
    {
      g_hash_table_iter_init (&alive_iter, alive);
      while (g_hash_table_iter_next (&alive_iter, NULL, &name))
        g_test_message ("still alive: %s", (char *) name);
      g_assert_cmpuint (g_hash_table_size (alive), ==, 0);
    }
}

void
lk_test_client_free (LkTestClient *c)
{
  if (c->room != NULL)
    {
      g_signal_handlers_disconnect_by_data (c->room, c);
      g_object_unref (c->room);
    }
  g_array_unref (c->heard);
  g_ptr_array_unref (c->events);
  g_ptr_array_unref (c->data);
  g_ptr_array_unref (c->texts);
  g_clear_error (&c->disconnect_error);
  g_mutex_clear (&c->lock);
  g_free (c->identity);
  g_free (c);
}

/* ---- taps ---- */

static GstFlowReturn
on_tap_sample (GstAppSink *sink,
               gpointer    user_data)
{
  LkTestTap *t = user_data;
  g_autoptr(GstSample) sample = NULL;
  GstMapInfo map;

  if (!map_next_sample (sink, &sample, &map))
    return GST_FLOW_OK;
  g_mutex_lock (&t->lock);
  for (gsize i = 0; i < map.size / 2; i++)
    {
      float v = ((const gint16 *) map.data)[i] / 32768.0f;
      g_array_append_val (t->samples, v);
    }
  t->total += map.size / 2;
  if (t->samples->len > RATE * 2)
    g_array_remove_range (t->samples, 0, t->samples->len - RATE * 2);
  g_mutex_unlock (&t->lock);
  gst_buffer_unmap (gst_sample_get_buffer (sample), &map);
  if (t->delay_ms > 0)
    g_usleep (t->delay_ms * 1000);
  return GST_FLOW_OK;
}

void
lk_test_tap_init (LkTestTap *t,
                  guint      delay_ms)
{
  g_mutex_init (&t->lock);
  t->samples = g_array_new (FALSE, FALSE, sizeof (float));
  t->total = 0;
  t->delay_ms = delay_ms;
}

void
lk_test_tap_clear (LkTestTap *t)
{
  g_clear_pointer (&t->samples, g_array_unref);
  g_mutex_clear (&t->lock);
}

GstElement *
lk_test_tap_new_branch (LkTestTap  *t,
                        const char *description)
{
  GstAppSinkCallbacks callbacks = { .new_sample = on_tap_sample };
  g_autoptr(GError) error = NULL;
  g_autoptr(GstElement) appsink = NULL;
  GstElement *branch = gst_parse_bin_from_description (description, TRUE, &error);

  g_assert_no_error (error);
  appsink = gst_bin_get_by_name (GST_BIN (branch), "s");
  g_assert_nonnull (appsink);
  gst_app_sink_set_callbacks (GST_APP_SINK (appsink), &callbacks, t, NULL);
  return branch;
}

gboolean
lk_test_tap_hears (LkTestTap *t,
                   double     frequency,
                   double     seconds)
{
  guint n = (guint) (seconds * RATE);
  double f = 0, rms = 0;

  g_mutex_lock (&t->lock);
  if (t->samples->len >= n)
    {
      const float *s = &g_array_index (t->samples, float, t->samples->len - n);
      f = handoff_test_dominant_frequency (s, n, RATE, 100, 2000);
      rms = handoff_test_rms (s, n);
    }
  g_mutex_unlock (&t->lock);
  return rms > 0.01 && f > frequency * 0.98 && f < frequency * 1.02;
}
