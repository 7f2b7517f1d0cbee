/* test-threads-removal.c: removal across threads: no call starts after
 * remove_observer() returns; the destroy notify runs once, after the
 * last call
 *
 * None of these tests sleeps or measures time: threads meet on GCond and
 * atomics only.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <notification/notification.h>

#include "test-util.h"

/* ------------------------------------------------------------------ */
/* After remove_observer returns, no new call of that observer starts.
 *
 * Posters number their posts (a sequence number taken before the post
 * starts, carried in the user info). After remove_observer returns, the
 * test reads the current number N: any post numbered above N started
 * after the removal, so must not call the removed observer. */

#define N_ROUNDS 200

typedef struct
{
  NotificationCenter *center;
  int                 seq;    /* atomic */
  int                 stop;   /* atomic */
  GMutex              lock;
  GCond               cond;
} SeqPosting;

typedef struct
{
  SeqPosting *posting;
  int         removed_at;   /* atomic; G_MAXINT while not removed */
  int         n_calls;      /* atomic */
  int         in_call;      /* atomic */
  int         late_calls;   /* atomic: calls from posts that began after removal */
  int         destroyed;    /* atomic */
} Round;

static gpointer
seq_poster_thread (gpointer data)
{
  SeqPosting *p = data;

  while (!g_atomic_int_get (&p->stop))
    {
      int seq = g_atomic_int_add (&p->seq, 1) + 1;
      GVariantBuilder builder;

      g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
      g_variant_builder_add (&builder, "{sv}", "seq", g_variant_new_int32 (seq));
      notification_center_post (p->center, "t", NULL, g_variant_builder_end (&builder));
    }
  return NULL;
}

static void
round_cb (NotificationCenter *center,
          const char         *type,
          GObject            *sender,
          GVariant           *user_info,
          gpointer            user_data)
{
  Round *r = user_data;
  int seq = 0;

  g_assert_cmpint (g_atomic_int_get (&r->destroyed), ==, 0);
  g_atomic_int_inc (&r->in_call);
  g_assert_true (g_variant_lookup (user_info, "seq", "i", &seq));
  if (seq > g_atomic_int_get (&r->removed_at))
    g_atomic_int_inc (&r->late_calls);

  if (g_atomic_int_add (&r->n_calls, 1) == 0)
    {
      g_mutex_lock (&r->posting->lock);
      g_cond_broadcast (&r->posting->cond);
      g_mutex_unlock (&r->posting->lock);
    }
  g_atomic_int_dec_and_test (&r->in_call);
}

static void
round_destroy (gpointer data)
{
  Round *r = data;

  g_assert_cmpint (g_atomic_int_get (&r->in_call), ==, 0);
  g_mutex_lock (&r->posting->lock);
  g_atomic_int_inc (&r->destroyed);
  g_cond_broadcast (&r->posting->cond);
  g_mutex_unlock (&r->posting->lock);
}

static void
test_threads_no_call_after_remove (gconstpointer data)
{
  SeqPosting p = { 0, };
  GThread *posters[3];
  Round *rounds;
  int late = 0;
  gsize i;

  g_test_summary ("Once remove_observer() has returned, no posting thread calls the "
                  "observer again, and its destroy notify runs once");

  p.center = center_new_for (data);
  g_mutex_init (&p.lock);
  g_cond_init (&p.cond);
  rounds = g_new0 (Round, N_ROUNDS);

  /* keep the type observed, so posts never take the empty fast path */
  notification_center_add_observer (p.center, "t", NULL, noop_cb, NULL, NULL);

  for (i = 0; i < G_N_ELEMENTS (posters); i++)
    posters[i] = g_thread_new ("poster", seq_poster_thread, &p);

  for (i = 0; i < N_ROUNDS; i++)
    {
      Round *r = &rounds[i];
      gulong id;

      r->posting = &p;
      r->removed_at = G_MAXINT;
      id = notification_center_add_observer (p.center, "t", NULL, round_cb, r, round_destroy);

      /* wait until it is being called by the posters */
      g_mutex_lock (&p.lock);
      while (g_atomic_int_get (&r->n_calls) == 0)
        g_cond_wait (&p.cond, &p.lock);
      g_mutex_unlock (&p.lock);

      notification_center_remove_observer (p.center, id);
      g_atomic_int_set (&r->removed_at, g_atomic_int_get (&p.seq));

      /* the destroy notify runs, here or on a poster thread */
      g_mutex_lock (&p.lock);
      while (g_atomic_int_get (&r->destroyed) == 0)
        g_cond_wait (&p.cond, &p.lock);
      g_mutex_unlock (&p.lock);
    }

  g_atomic_int_set (&p.stop, TRUE);
  for (i = 0; i < G_N_ELEMENTS (posters); i++)
    g_thread_join (posters[i]);

  for (i = 0; i < N_ROUNDS; i++)
    {
      late += rounds[i].late_calls;
      g_assert_cmpint (rounds[i].destroyed, ==, 1);
    }
  g_assert_cmpint (late, ==, 0);

  g_clear_object (&p.center);
  for (i = 0; i < N_ROUNDS; i++)
    g_assert_cmpint (rounds[i].destroyed, ==, 1);
  g_free (rounds);
  g_mutex_clear (&p.lock);
  g_cond_clear (&p.cond);
}

/* ------------------------------------------------------------------ */
/* remove_observer while the observer runs on another thread: it returns
 * without waiting, and the destroy notify runs on that thread as soon as
 * the call returns. */

typedef struct
{
  NotificationCenter *center;
  GMutex              lock;
  GCond               cond;
  gboolean            entered;
  gboolean            release;
  int                 n_calls;
  int                 n_destroys;
  GThread            *poster;
  GThread            *destroy_thread;
} Blocking;

static void
blocking_cb (NotificationCenter *center,
             const char         *type,
             GObject            *sender,
             GVariant           *user_info,
             gpointer            user_data)
{
  Blocking *b = user_data;

  g_mutex_lock (&b->lock);
  b->n_calls++;
  if (b->n_calls == 1)
    {
      b->entered = TRUE;
      g_cond_broadcast (&b->cond);
      while (!b->release)
        g_cond_wait (&b->cond, &b->lock);
    }
  g_mutex_unlock (&b->lock);
}

static void
blocking_destroy (gpointer data)
{
  Blocking *b = data;

  g_mutex_lock (&b->lock);
  b->n_destroys++;
  b->destroy_thread = g_thread_self ();
  g_cond_broadcast (&b->cond);
  g_mutex_unlock (&b->lock);
}

static gpointer
blocking_poster_thread (gpointer data)
{
  Blocking *b = data;

  notification_center_post (b->center, "t", NULL, NULL);
  return NULL;
}

static void
test_threads_remove_while_running (gconstpointer data)
{
  Blocking b = { 0, };
  gulong id;
  int destroys_after_remove;

  g_test_summary ("Removing an observer whose call is running on another thread does "
                  "not wait for it, no new call starts, and the destroy notify runs "
                  "on that thread after the call");

  b.center = center_new_for (data);
  g_mutex_init (&b.lock);
  g_cond_init (&b.cond);

  id = notification_center_add_observer (b.center, "t", NULL, blocking_cb, &b, blocking_destroy);
  b.poster = g_thread_new ("poster", blocking_poster_thread, &b);

  g_mutex_lock (&b.lock);
  while (!b.entered)
    g_cond_wait (&b.cond, &b.lock);
  g_mutex_unlock (&b.lock);

  /* the call is blocked in blocking_cb: this must not wait for it */
  notification_center_remove_observer (b.center, id);

  g_mutex_lock (&b.lock);
  destroys_after_remove = b.n_destroys;
  g_mutex_unlock (&b.lock);
  g_assert_cmpint (destroys_after_remove, ==, 0);
  g_assert_cmpuint (notification_center_get_n_observers (b.center), ==, 0);
  g_assert_false (notification_center_has_observers (b.center, "t", NULL));

  /* no new call */
  notification_center_post (b.center, "t", NULL, NULL);

  g_mutex_lock (&b.lock);
  g_assert_cmpint (b.n_destroys, ==, 0);
  b.release = TRUE;
  g_cond_broadcast (&b.cond);
  g_mutex_unlock (&b.lock);

  g_thread_join (b.poster);

  g_assert_cmpint (b.n_calls, ==, 1);
  g_assert_cmpint (b.n_destroys, ==, 1);
  g_assert_true (b.destroy_thread == b.poster);

  g_clear_object (&b.center);
  g_assert_cmpint (b.n_destroys, ==, 1);
  g_mutex_clear (&b.lock);
  g_cond_clear (&b.cond);
}

/* Same with remove_all_observers. */
static void
test_threads_remove_all_while_running (gconstpointer data)
{
  Blocking b = { 0, };
  Probe other;

  g_test_summary ("remove_all_observers() with a call running on another thread "
                  "destroys the idle observers at once and the running one after its "
                  "call, on that thread");

  b.center = center_new_for (data);
  g_mutex_init (&b.lock);
  g_cond_init (&b.cond);
  probe_init (&other, "other", NULL);

  notification_center_add_observer (b.center, "t", NULL, blocking_cb, &b, blocking_destroy);
  probe_add (b.center, "u", NULL, &other);
  b.poster = g_thread_new ("poster", blocking_poster_thread, &b);

  g_mutex_lock (&b.lock);
  while (!b.entered)
    g_cond_wait (&b.cond, &b.lock);
  g_mutex_unlock (&b.lock);

  notification_center_remove_all_observers (b.center);
  /* the idle one is destroyed at once, the running one later */
  g_assert_cmpint (probe_destroys (&other), ==, 1);
  g_mutex_lock (&b.lock);
  g_assert_cmpint (b.n_destroys, ==, 0);
  b.release = TRUE;
  g_cond_broadcast (&b.cond);
  g_mutex_unlock (&b.lock);

  g_thread_join (b.poster);
  g_assert_cmpint (b.n_destroys, ==, 1);
  g_assert_true (b.destroy_thread == b.poster);

  g_clear_object (&b.center);
  g_assert_cmpint (b.n_destroys, ==, 1);
  probe_clear (&other);
  g_mutex_clear (&b.lock);
  g_cond_clear (&b.cond);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_data_func ("/center/threads/no-call-after-remove/emits-signal",
                        GINT_TO_POINTER (TRUE), test_threads_no_call_after_remove);
  g_test_add_data_func ("/center/threads/no-call-after-remove/no-signal",
                        GINT_TO_POINTER (FALSE), test_threads_no_call_after_remove);
  g_test_add_data_func ("/center/threads/remove-while-running",
                        GINT_TO_POINTER (TRUE), test_threads_remove_while_running);
  g_test_add_data_func ("/center/threads/remove-all-while-running",
                        GINT_TO_POINTER (FALSE), test_threads_remove_all_while_running);

  return g_test_run ();
}
