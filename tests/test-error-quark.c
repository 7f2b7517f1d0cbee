/* test-error-quark.c: the error domain, first used by several threads
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Nothing in this program touches NOTIFICATION_ERROR before the threads
 * are released together, so ThreadSanitizer sees every thread make the
 * first use of the quark at once.
 */

#include "test-util.h"

#define N_THREADS 4

typedef struct
{
  GMutex   mutex;
  GCond    cond;
  gboolean go;
  GQuark   quarks[N_THREADS];
} Start;

typedef struct
{
  Start *start;
  guint  index;
} Worker;

static gpointer
first_error (gpointer data)
{
  Worker *worker = data;
  Start *start = worker->start;
  g_autoptr(NotificationCenter) center = notification_center_new ();
  g_autoptr(GError) error = NULL;

  g_mutex_lock (&start->mutex);
  while (!start->go)
    g_cond_wait (&start->cond, &start->mutex);
  g_mutex_unlock (&start->mutex);

  /* An error from the library, and the domain asked for directly. */
  g_assert_false (notification_center_post_checked (center, "", NULL, NULL, &error));
  g_assert_error (error, NOTIFICATION_ERROR, NOTIFICATION_ERROR_INVALID_TYPE);
  start->quarks[worker->index] = notification_error_quark ();

  return NULL;
}

static void
test_first_use_from_threads (void)
{
  Start start = { 0, };
  Worker workers[N_THREADS];
  GThread *threads[N_THREADS];

  g_test_summary ("Threads using the error domain for the first time at once all get "
                  "the same quark");

  g_mutex_init (&start.mutex);
  g_cond_init (&start.cond);
  for (guint i = 0; i < N_THREADS; i++)
    {
      workers[i].start = &start;
      workers[i].index = i;
      threads[i] = g_thread_new ("first-error", first_error, &workers[i]);
    }

  g_mutex_lock (&start.mutex);
  start.go = TRUE;
  g_cond_broadcast (&start.cond);
  g_mutex_unlock (&start.mutex);

  for (guint i = 0; i < N_THREADS; i++)
    g_thread_join (threads[i]);

  for (guint i = 0; i < N_THREADS; i++)
    g_assert_cmpuint (start.quarks[i], ==, g_quark_from_string ("notification-error-quark"));
  g_mutex_clear (&start.mutex);
  g_cond_clear (&start.cond);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_summary ("NOTIFICATION_ERROR may be first used by several threads at once");

  g_test_add_func ("/error/quark/first-use-from-threads", test_first_use_from_threads);

  return g_test_run ();
}
