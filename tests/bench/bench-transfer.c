/* bench-transfer.c: how long a warm transfer takes, as the caller hears it
 *
 * The e2e stack (real livekit-server, real handoff-server, party processes
 * on src/core). For each of N transfers (default 20, --transfers N):
 *  - merge time: A's Connect command sent → the caller's sink first holds B's
 *    660 Hz tone (10 ms blocks, monotonic clock shared by the processes);
 *  - whole transfer: A's Send → A's Complete answered, with B accepting and
 *    pressing Ready as soon as its offer arrives (so it measures the
 *    system, not a person).
 * Prints every transfer and p50/p95. Not pass/fail.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "bench-transfer"

#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "e2e-stack.h"

static int
cmp_double (const void *a,
            const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static double
percentile (GArray *values,
            double  p)
{
  g_autoptr(GArray) sorted = g_array_copy (values);
  guint i;

  g_array_sort (sorted, cmp_double);
  i = (guint) (p * (sorted->len - 1) + 0.5);
  return g_array_index (sorted, double, i);
}

static void
done (E2eParty   *party,
      const char *cmd)
{
  json_object_unref (e2e_party_wait (party, "done", "cmd", cmd, 60));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(E2eStack) stack = NULL;
  g_autoptr(GArray) merge = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) whole = g_array_new (FALSE, FALSE, sizeof (double));
  int transfers = 20;

  g_test_init (&argc, &argv, NULL);
  for (int i = 1; i < argc; i++)
    if (g_str_equal (argv[i], "--transfers") && i + 1 < argc)
      transfers = atoi (argv[++i]);

  stack = e2e_stack_start (30);
  if (stack == NULL)
    {
      printf ("livekit-server is not installed: nothing measured\n");
      return 77;
    }
  printf ("transfer  merge_ms  send_to_complete_ms\n");
  for (int i = 0; i < transfers; i++)
    {
      g_autoptr(E2eParty) caller = e2e_party_start (stack, "caller", E2E_CALLER_HZ, NULL, NULL);
      g_autoptr(E2eParty) a = e2e_party_start (stack, "A", E2E_A_HZ, "alice", "alice-e2e-password");
      g_autoptr(E2eParty) b = e2e_party_start (stack, "B", E2E_B_HZ, "bob", "bob-e2e-password");
      g_autoptr(JsonObject) heard = NULL;
      gint64 t_send, t_connect, t_complete;
      double m, w;

      json_object_unref (e2e_party_wait (caller, "signed-in", NULL, NULL, 30));
      json_object_unref (e2e_party_wait (a, "signed-in", NULL, NULL, 30));
      json_object_unref (e2e_party_wait (b, "signed-in", NULL, NULL, 30));
      e2e_party_send (a, "presence available");
      done (a, "presence");
      e2e_party_send (caller, "detect %d", E2E_A_HZ);
      done (caller, "detect");
      e2e_party_send (caller, "place Carol");
      json_object_unref (e2e_party_wait (caller, "placed", NULL, NULL, 30));
      json_object_unref (e2e_party_wait (a, "call-offered", NULL, NULL, 30));
      e2e_party_send (a, "accept-call");
      done (a, "accept-call");
      /* Talking: the caller hears A. */
      json_object_unref (e2e_party_wait (caller, "detected", NULL, NULL, 30));

      t_send = g_get_monotonic_time ();
      e2e_party_send (a, "transfer bob");
      json_object_unref (e2e_party_wait (b, "transfer-offered", NULL, NULL, 30));
      e2e_party_send (b, "accept-transfer");
      done (b, "accept-transfer");
      e2e_party_send (b, "ready");
      done (b, "ready");
      done (a, "transfer");
      /* A sees B ready (the server's `consulting`). */
      while (TRUE)
        {
          g_autoptr(JsonObject) t = e2e_party_wait (a, "transfer", "state", "consulting", 30);
          if (json_object_get_int_member_with_default (t, "peer_ready", 0))
            break;
        }
      e2e_party_send (caller, "detect %d", E2E_B_HZ);
      done (caller, "detect");
      t_connect = g_get_monotonic_time ();
      e2e_party_send (a, "connect");
      heard = e2e_party_wait (caller, "detected", NULL, NULL, 30);
      done (a, "connect");
      e2e_party_send (a, "complete");
      done (a, "complete");
      t_complete = g_get_monotonic_time ();

      m = (json_object_get_int_member (heard, "at_us") - t_connect) / 1000.0;
      w = (t_complete - t_send) / 1000.0;
      g_array_append_val (merge, m);
      g_array_append_val (whole, w);
      printf ("%8d  %8.0f  %19.0f\n", i + 1, m, w);
      fflush (stdout);
      e2e_party_send (caller, "hangup");
      done (caller, "hangup");
    }
  printf ("merge (Connect -> caller hears B): p50 %.0f ms, p95 %.0f ms over %u transfers\n",
          percentile (merge, 0.5), percentile (merge, 0.95), merge->len);
  printf ("whole transfer (Send -> Complete): p50 %.0f ms, p95 %.0f ms\n",
          percentile (whole, 0.5), percentile (whole, 0.95));
  return 0;
}
