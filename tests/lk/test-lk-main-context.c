/* test-lk-main-context.c: work handed from another thread runs in the
 * thread that iterates the context, never in the thread that handed it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-lk-main-context"

#include <glib.h>

#include "lk-main-context.h"

typedef struct {
  GThread *ran_in;
  gint runs;
  gint notified;
} Record;

static gboolean
record_thread (gpointer data)
{
  Record *r = data;

  r->ran_in = g_thread_self ();
  g_atomic_int_inc (&r->runs);
  return G_SOURCE_REMOVE;
}

static void
record_notified (gpointer data)
{
  Record *r = data;

  g_atomic_int_inc (&r->notified);
}

static gpointer
hand_over (gpointer data)
{
  lk_main_context_invoke (NULL, G_PRIORITY_DEFAULT, record_thread, data, record_notified);
  return g_thread_self ();
}

/* Nobody iterates the default context while the worker hands its work
 * over: g_main_context_invoke() would acquire it and run the function
 * in the worker. */
static void
test_free_context_from_worker (void)
{
  Record r = { 0 };
  GThread *worker = g_thread_new ("worker", hand_over, &r);
  gpointer worker_self = g_thread_join (worker);

  g_assert_cmpint (g_atomic_int_get (&r.runs), ==, 0);
  g_assert_true (worker_self != NULL);
  while (g_atomic_int_get (&r.runs) == 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (r.ran_in == g_thread_self ());
  g_assert_cmpint (r.runs, ==, 1);
  g_assert_cmpint (r.notified, ==, 1);
}

static gboolean
invoke_while_owned (gpointer data)
{
  Record *r = data;

  lk_main_context_invoke (NULL, G_PRIORITY_DEFAULT, record_thread, r, record_notified);
  /* The owner's own work runs at once, as with g_main_context_invoke(). */
  g_assert_cmpint (r->runs, ==, 1);
  g_assert_cmpint (r->notified, ==, 1);
  return G_SOURCE_REMOVE;
}

static void
test_owner_runs_at_once (void)
{
  Record r = { 0 };

  g_idle_add (invoke_while_owned, &r);
  while (g_atomic_int_get (&r.runs) == 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (r.ran_in == g_thread_self ());
}

static gboolean
count_down (gpointer data)
{
  gint *left = data;

  return --(*left) > 0 ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

static gpointer
hand_over_count (gpointer data)
{
  lk_main_context_invoke (NULL, G_PRIORITY_DEFAULT, count_down, data, NULL);
  return NULL;
}

/* A function that asks to continue is called again, as a source would be. */
static void
test_continue_repeats (void)
{
  gint left = 3;

  g_thread_join (g_thread_new ("worker", hand_over_count, &left));
  g_assert_cmpint (left, ==, 3);
  while (left > 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (left, ==, 0);
  g_assert_false (g_main_context_pending (NULL));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/lk/main-context/free-context-from-worker", test_free_context_from_worker);
  g_test_add_func ("/lk/main-context/owner-runs-at-once", test_owner_runs_at_once);
  g_test_add_func ("/lk/main-context/continue-repeats", test_continue_repeats);
  return g_test_run ();
}
