/* bench-calls.c: Handoff vs livekit-client in Chromium, measured the same way in one run
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Starts one livekit-server on loopback (the test harness), then
 *  1. latency: for each of --calls calls and each kind (handoff, browser), a
 *     room with a sender of tone bursts (1 kHz, 100 ms, every 700 ms, after
 *     --warmup-ms of silence) and a receiver of the same kind. Latency of a
 *     burst = onset at the receiver's sink − the burst's first sample at the
 *     sender, both in epoch milliseconds of this machine. Pooled p50/p95 over
 *     all calls, and the spread of the per-call medians;
 *  2. resources: for each kind, a --resource-seconds call of two participants
 *     each sending a tone and hearing the other; of participant A, CPU seconds
 *     (utime+stime) per minute of call and peak PSS of all its processes.
 * Not pass/fail: it prints figures and ratios (docs: benchmarks.md).
 */
#define G_LOG_DOMAIN "bench-calls"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "handoff-test-livekit.h"
#include "handoff-test-peer.h"

static int n_calls = 5;
static int n_bursts = 50;
static int warmup_ms = 5000;
static int resource_seconds = 60;
static gboolean skip_latency;
static gboolean skip_resources;
static gboolean cross;
static char *kinds_arg;
static int rx_jitter_latency;
static int rx_jitter_latency_max;
static int net_jitter_ms;

#define BURST_PERIOD_MS 700.0

static const char *
kind_name (HandoffTestPeerKind kind)
{
  return kind == HANDOFF_TEST_PEER_HANDOFF ? "handoff" : "browser";
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

/* Nearest-rank percentile of a sorted array. */
static double
percentile (GArray *sorted,
            double  p)
{
  gsize rank;

  if (sorted->len == 0)
    return NAN;
  rank = (gsize) ceil (p / 100.0 * sorted->len);
  rank = CLAMP (rank, 1, sorted->len);
  return g_array_index (sorted, double, rank - 1);
}

static JsonObject *
wait_event (HandoffTestPeer *peer,
            const char      *event,
            const char      *from,
            guint            timeout_ms)
{
  g_autoptr(GError) error = NULL;
  JsonObject *obj = handoff_test_peer_next (peer, event, from, timeout_ms, &error);

  if (obj == NULL)
    g_printerr ("bench: %s\n", error->message);
  return obj;
}

static HandoffTestPeer *
spawn (HandoffTestLivekit  *lk,
       HandoffTestPeerKind  kind,
       const char          *room,
       const char          *identity,
       const char * const  *args)
{
  g_autoptr(GError) error = NULL;
  HandoffTestPeer *peer = handoff_test_peer_spawn (kind, handoff_test_livekit_get_ws_url (lk), room,
                                                   identity, args, &error);

  if (peer == NULL)
    g_printerr ("bench: %s\n", error->message);
  return peer;
}

/* What the receiver's jitterbuffers saw (a Handoff receiver tells). */
static void
print_rx_stats (HandoffTestPeer *rx)
{
  GPtrArray *events = handoff_test_peer_get_events (rx);

  for (guint i = 0; i < events->len; i++)
    {
      JsonObject *ev = g_ptr_array_index (events, i);

      if (g_strcmp0 (json_object_get_string_member_with_default (ev, "event", ""), "rx-stats") == 0)
        printf ("    receiver: %.0f packets played, %.0f too late, %.0f lost (jitterbuffer %.0f ms)\n",
                json_object_get_double_member_with_default (ev, "pushed", 0),
                json_object_get_double_member_with_default (ev, "late", 0),
                json_object_get_double_member_with_default (ev, "lost", 0),
                json_object_get_double_member_with_default (ev, "jitter_latency_ms", 0));
    }
}

/* One call; appends its latencies (ms) to @pooled and returns its median, or
 * NAN when the call failed. */
static double
latency_call (HandoffTestLivekit  *lk,
              HandoffTestPeerKind  tx_kind,
              HandoffTestPeerKind  rx_kind,
              int                  call,
              GArray              *pooled)
{
  g_autofree char *label = tx_kind == rx_kind
                           ? g_strdup (kind_name (tx_kind))
                           : g_strdup_printf ("%s→%s", kind_name (tx_kind), kind_name (rx_kind));
  g_autofree char *room = g_strdup_printf ("lat-%s-%s-%d", kind_name (tx_kind), kind_name (rx_kind), call);
  g_autofree char *bursts = g_strdup_printf ("%d", n_bursts);
  g_autofree char *warmup = g_strdup_printf ("%d", warmup_ms);
  g_autoptr(GPtrArray) rx_args = g_ptr_array_new_with_free_func (g_free);
  const char *tx_args[] = { "--bursts", bursts, "--warmup-ms", warmup, "--report-ms", "600000", NULL };
  g_autoptr(HandoffTestPeer) rx = NULL;
  g_autoptr(HandoffTestPeer) tx = NULL;
  g_autoptr(JsonObject) joined_rx = NULL;
  g_autoptr(JsonObject) joined_tx = NULL;
  g_autoptr(JsonObject) done = NULL;
  g_autoptr(GArray) sends = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) onsets = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) latencies = g_array_new (FALSE, FALSE, sizeof (double));
  GPtrArray *events;
  guint next_onset = 0;
  guint missed = 0;
  double previous = NAN;
  double median;

  g_ptr_array_add (rx_args, g_strdup ("--report-ms"));
  g_ptr_array_add (rx_args, g_strdup ("600000"));
  if (rx_kind == HANDOFF_TEST_PEER_HANDOFF)
    {
      if (rx_jitter_latency > 0)
        g_ptr_array_add (rx_args, g_strdup_printf ("--jitter-latency=%d", rx_jitter_latency));
      if (rx_jitter_latency_max > 0)
        g_ptr_array_add (rx_args, g_strdup_printf ("--jitter-latency-max=%d", rx_jitter_latency_max));
      if (net_jitter_ms > 0)
        g_ptr_array_add (rx_args, g_strdup_printf ("--net-jitter-ms=%d", net_jitter_ms));
    }
  g_ptr_array_add (rx_args, NULL);
  rx = spawn (lk, rx_kind, room, "rx", (const char * const *) rx_args->pdata);
  if (rx == NULL || (joined_rx = wait_event (rx, "joined", NULL, 60000)) == NULL)
    return NAN;
  tx = spawn (lk, tx_kind, room, "tx", tx_args);
  if (tx == NULL || (joined_tx = wait_event (tx, "joined", NULL, 60000)) == NULL)
    return NAN;
  done = wait_event (tx, "bursts-done", NULL,
                     (guint) (warmup_ms + n_bursts * BURST_PERIOD_MS + 60000));
  /* The last onset is on its way. */
  handoff_test_peer_run_for (1000);
  handoff_test_peer_quit (tx, 15000);
  handoff_test_peer_quit (rx, 15000);
  if (done == NULL)
    return NAN;

  events = handoff_test_peer_get_events (tx);
  for (guint i = 0; i < events->len; i++)
    {
      JsonObject *ev = g_ptr_array_index (events, i);

      if (g_strcmp0 (json_object_get_string_member_with_default (ev, "event", ""), "burst") == 0)
        {
          double t = json_object_get_double_member (ev, "t");
          g_array_append_val (sends, t);
        }
    }
  events = handoff_test_peer_get_events (rx);
  for (guint i = 0; i < events->len; i++)
    {
      JsonObject *ev = g_ptr_array_index (events, i);

      if (g_strcmp0 (json_object_get_string_member_with_default (ev, "event", ""), "onset") == 0
          && g_strcmp0 (json_object_get_string_member_with_default (ev, "from", ""), "tx") == 0)
        {
          double t = json_object_get_double_member (ev, "t");
          g_array_append_val (onsets, t);
        }
    }

  /* The first burst's onset is the first one heard within a period after
   * it; each next one is the onset nearest to where the previous latency
   * puts it (within half a period), so a delay that creeps beyond one period
   * is still followed rather than paired with the wrong burst. */
  for (guint i = 0; i < sends->len; i++)
    {
      double t = g_array_index (sends, double, i);
      double expected = isnan (previous) ? t + BURST_PERIOD_MS / 2 : t + previous;
      double window = BURST_PERIOD_MS / 2;
      gint best = -1;

      for (guint j = next_onset; j < onsets->len; j++)
        {
          double on = g_array_index (onsets, double, j);

          if (on < t || fabs (on - expected) > window)
            continue;
          if (best < 0 || fabs (on - expected) < fabs (g_array_index (onsets, double, best) - expected))
            best = (gint) j;
        }
      if (best < 0)
        {
          missed++;
          continue;
        }
      previous = g_array_index (onsets, double, best) - t;
      g_array_append_val (latencies, previous);
      g_array_append_val (pooled, previous);
      if (g_getenv ("HANDOFF_BENCH_VERBOSE") != NULL)
        printf ("    burst %u: %.1f ms\n", i, previous);
      next_onset = (guint) best + 1;
    }
  g_array_sort (latencies, compare_doubles);
  median = percentile (latencies, 50);
  printf ("  call %d %-16s %3u/%u bursts heard   p50 %6.1f ms   p95 %6.1f ms   min %6.1f   max %6.1f\n",
          call, label, latencies->len, sends->len, median, percentile (latencies, 95),
          latencies->len ? g_array_index (latencies, double, 0) : NAN,
          latencies->len ? g_array_index (latencies, double, latencies->len - 1) : NAN);
  if (missed > 0 || (int) sends->len < n_bursts)
    printf ("    (%u bursts not heard, %u of %d sent)\n", missed, sends->len, n_bursts);
  print_rx_stats (rx);
  fflush (stdout);
  return latencies->len > 0 ? median : NAN;
}

typedef struct {
  double p50, p95, median_spread, median_low, median_high;
  guint n;
  int calls_ok;
} LatencySummary;

static void
run_latency (HandoffTestLivekit  *lk,
             HandoffTestPeerKind *kinds,
             guint                n_kinds,
             LatencySummary      *summary)
{
  GArray *pooled[2] = { g_array_new (FALSE, FALSE, sizeof (double)),
                        g_array_new (FALSE, FALSE, sizeof (double)) };
  GArray *medians[2] = { g_array_new (FALSE, FALSE, sizeof (double)),
                         g_array_new (FALSE, FALSE, sizeof (double)) };

  printf ("\nMouth-to-ear latency (%d calls per kind, %d bursts each after %d ms warm-up)\n",
          n_calls, n_bursts, warmup_ms);
  for (int call = 1; call <= n_calls; call++)
    for (guint j = 0; j < n_kinds; j++)
      {
        /* Alternate which kind goes first, so neither always runs on a warmer machine. */
        guint k = (call % 2 == 0) ? n_kinds - 1 - j : j;
        double median = latency_call (lk, kinds[k], kinds[k], call, pooled[k]);

        if (!isnan (median))
          g_array_append_val (medians[k], median);
      }

  for (guint k = 0; k < n_kinds; k++)
    {
      LatencySummary *s = &summary[kinds[k]];

      g_array_sort (pooled[k], compare_doubles);
      g_array_sort (medians[k], compare_doubles);
      s->n = pooled[k]->len;
      s->calls_ok = medians[k]->len;
      s->p50 = percentile (pooled[k], 50);
      s->p95 = percentile (pooled[k], 95);
      s->median_low = medians[k]->len ? g_array_index (medians[k], double, 0) : NAN;
      s->median_high = medians[k]->len ? g_array_index (medians[k], double, medians[k]->len - 1) : NAN;
      s->median_spread = s->median_high - s->median_low;
    }
  for (guint k = 0; k < 2; k++)
    {
      g_array_unref (pooled[k]);
      g_array_unref (medians[k]);
    }
}

/* Each client measured against the other: a check that both sides' clocks
 * (epoch ms in both processes) and onset detectors agree. */
static void
run_cross (HandoffTestLivekit *lk)
{
  printf ("\nAcross clients (%d calls each way)\n", n_calls);
  for (int call = 1; call <= n_calls; call++)
    {
      g_autoptr(GArray) scratch = g_array_new (FALSE, FALSE, sizeof (double));

      latency_call (lk, HANDOFF_TEST_PEER_HANDOFF, HANDOFF_TEST_PEER_BROWSER, call, scratch);
      latency_call (lk, HANDOFF_TEST_PEER_BROWSER, HANDOFF_TEST_PEER_HANDOFF, call, scratch);
    }
}

typedef struct {
  double cpu_per_minute;
  double peak_pss_mb;
  double peak_rss_mb;
  guint processes;
  gboolean ok;
} ResourceSummary;

static void
run_resources (HandoffTestLivekit  *lk,
               HandoffTestPeerKind  kind,
               ResourceSummary     *out)
{
  g_autofree char *room = g_strdup_printf ("res-%s", kind_name (kind));
  /* No periodic analysis: only the call itself is measured. */
  const char *a_args[] = { "--tone", "440", "--report-ms", "600000", NULL };
  const char *b_args[] = { "--tone", "660", "--report-ms", "600000", NULL };
  g_autoptr(HandoffTestPeer) a = NULL;
  g_autoptr(HandoffTestPeer) b = NULL;
  g_autoptr(JsonObject) sub_a = NULL;
  g_autoptr(JsonObject) sub_b = NULL;
  HandoffTestPeerUsage start, now;
  gint64 t0, t1;

  memset (out, 0, sizeof *out);
  a = spawn (lk, kind, room, "a", a_args);
  b = spawn (lk, kind, room, "b", b_args);
  if (a == NULL || b == NULL)
    return;
  sub_a = wait_event (a, "subscribed", "b", 60000);
  sub_b = wait_event (b, "subscribed", "a", 60000);
  if (sub_a == NULL || sub_b == NULL)
    return;
  handoff_test_peer_run_for (2000);

  if (!handoff_test_peer_get_usage (a, &start))
    return;
  t0 = g_get_monotonic_time ();
  out->peak_pss_mb = start.pss_kb / 1024.0;
  out->peak_rss_mb = start.rss_kb / 1024.0;
  for (int s = 0; s < resource_seconds; s++)
    {
      handoff_test_peer_run_for (1000);
      if (!handoff_test_peer_get_usage (a, &now))
        return;
      out->peak_pss_mb = MAX (out->peak_pss_mb, now.pss_kb / 1024.0);
      out->peak_rss_mb = MAX (out->peak_rss_mb, now.rss_kb / 1024.0);
    }
  t1 = g_get_monotonic_time ();
  out->cpu_per_minute = (now.cpu_seconds - start.cpu_seconds) / ((t1 - t0) / 1e6) * 60.0;
  out->processes = now.n_processes;
  out->ok = TRUE;
  printf ("  %-8s CPU %6.2f s/min   peak PSS %7.1f MB   peak RSS %7.1f MB   (%u processes)\n",
          kind_name (kind), out->cpu_per_minute, out->peak_pss_mb, out->peak_rss_mb, out->processes);
  fflush (stdout);
  handoff_test_peer_quit (a, 15000);
  handoff_test_peer_quit (b, 15000);
}

/* Everything else on the machine shares its CPUs: say how busy it was. */
static void
print_load (const char *when)
{
  g_autofree char *load = NULL;

  if (g_file_get_contents ("/proc/loadavg", &load, NULL, NULL))
    printf ("load average %s: %s", when, load);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = g_option_context_new ("- latency and cost of a call, Handoff vs browser");
  g_autoptr(GError) error = NULL;
  g_autoptr(HandoffTestLivekit) lk = NULL;
  HandoffTestPeerKind kinds[2];
  guint n_kinds = 0;
  LatencySummary lat[2] = { 0 };
  ResourceSummary res[2] = { 0 };
  GOptionEntry entries[] = {
    { "calls", 0, 0, G_OPTION_ARG_INT, &n_calls, "Calls per kind for latency (≥5)", "N" },
    { "bursts", 0, 0, G_OPTION_ARG_INT, &n_bursts, "Bursts per call (≥50)", "N" },
    { "warmup-ms", 0, 0, G_OPTION_ARG_INT, &warmup_ms, "Silence before the bursts", "MS" },
    { "resource-seconds", 0, 0, G_OPTION_ARG_INT, &resource_seconds, "Length of the measured call", "S" },
    { "skip-latency", 0, 0, G_OPTION_ARG_NONE, &skip_latency, "Only CPU and memory", NULL },
    { "skip-resources", 0, 0, G_OPTION_ARG_NONE, &skip_resources, "Only latency", NULL },
    { "cross", 0, 0, G_OPTION_ARG_NONE, &cross, "Also handoff→browser and browser→handoff", NULL },
    { "kinds", 0, 0, G_OPTION_ARG_STRING, &kinds_arg, "handoff,browser (default both)", "LIST" },
    { "jitter-latency", 0, 0, G_OPTION_ARG_INT, &rx_jitter_latency, "A Handoff receiver's jitterbuffer latency", "MS" },
    { "jitter-latency-max", 0, 0, G_OPTION_ARG_INT, &rx_jitter_latency_max, "How far its room may raise it", "MS" },
    { "net-jitter-ms", 0, 0, G_OPTION_ARG_INT, &net_jitter_ms, "A Handoff receiver's packets delayed by up to (5 %% of them)", "MS" },
    { NULL }
  };

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  for (HandoffTestPeerKind kind = HANDOFF_TEST_PEER_BROWSER; kind <= HANDOFF_TEST_PEER_HANDOFF; kind++)
    {
      g_autofree char *why = NULL;

      if (kinds_arg != NULL && strstr (kinds_arg, kind_name (kind)) == NULL)
        continue;
      if (!handoff_test_peer_available (kind, &why))
        {
          printf ("(%s peer not measured: %s)\n", kind_name (kind), why);
          continue;
        }
      kinds[n_kinds++] = kind;
    }
  /* Handoff first in the tables. */
  if (n_kinds == 2)
    {
      kinds[0] = HANDOFF_TEST_PEER_HANDOFF;
      kinds[1] = HANDOFF_TEST_PEER_BROWSER;
    }
  if (n_kinds == 0)
    return 1;

  lk = handoff_test_livekit_start (NULL, &error);
  if (lk == NULL)
    {
      g_printerr ("livekit-server: %s\n", error->message);
      return 1;
    }
  printf ("livekit-server on %s (loopback)\n", handoff_test_livekit_get_ws_url (lk));
  print_load ("at start");

  if (!skip_latency)
    run_latency (lk, kinds, n_kinds, lat);
  if (cross && n_kinds == 2)
    run_cross (lk);
  if (!skip_resources)
    {
      printf ("\nOne participant of a %d s two-party call (both send a tone, each hears the other)\n",
              resource_seconds);
      for (guint k = 0; k < n_kinds; k++)
        run_resources (lk, kinds[k], &res[kinds[k]]);
    }

  print_load ("at the end");
  printf ("\nSummary\n");
  if (!skip_latency)
    for (guint k = 0; k < n_kinds; k++)
      {
        LatencySummary *s = &lat[kinds[k]];

        printf ("  latency %-8s p50 %6.1f ms   p95 %6.1f ms   (%u bursts, %d calls; per-call medians "
                "%.1f..%.1f ms, spread %.1f ms)\n", kind_name (kinds[k]), s->p50, s->p95, s->n,
                s->calls_ok, s->median_low, s->median_high, s->median_spread);
      }
  if (!skip_resources)
    for (guint k = 0; k < n_kinds; k++)
      {
        ResourceSummary *r = &res[kinds[k]];

        if (r->ok)
          printf ("  cost    %-8s CPU %6.2f s/min   peak PSS %7.1f MB   (RSS %7.1f MB, %u processes)\n",
                  kind_name (kinds[k]), r->cpu_per_minute, r->peak_pss_mb, r->peak_rss_mb, r->processes);
        else
          printf ("  cost    %-8s failed\n", kind_name (kinds[k]));
      }
  if (n_kinds == 2)
    {
      LatencySummary *h = &lat[HANDOFF_TEST_PEER_HANDOFF], *b = &lat[HANDOFF_TEST_PEER_BROWSER];
      ResourceSummary *rh = &res[HANDOFF_TEST_PEER_HANDOFF], *rb = &res[HANDOFF_TEST_PEER_BROWSER];

      printf ("\nRatios (handoff / browser)\n");
      if (!skip_latency)
        printf ("  latency p50 %.2f   p95 %.2f\n", h->p50 / b->p50, h->p95 / b->p95);
      if (!skip_resources && rh->ok && rb->ok)
        printf ("  CPU %.2f   PSS %.2f\n", rh->cpu_per_minute / rb->cpu_per_minute,
                rh->peak_pss_mb / rb->peak_pss_mb);
    }
  g_free (kinds_arg);
  return 0;
}
