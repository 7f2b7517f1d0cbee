/* test-threads.c: post, add and remove from many threads at once (the
 * removal races are in test-threads-removal.c)
 *
 * None of these tests sleeps or measures time: threads meet on GCond and
 * atomics only.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <notification/notification.h>

#include "test-util.h"

#define N_POSTERS 4

/* ------------------------------------------------------------------ */
/* Concurrent posts: every post reaches every matching observer once,
 * on the posting thread. */

#define N_POSTS 5000

typedef struct
{
  NotificationCenter *center;
  GObject            *sender;
  GThread            *thread;     /* set by the thread itself */
  int                 n_calls;    /* of its sender observer */
  int                 wrong_thread;
} PostWorker;

static void
sender_observer_cb (NotificationCenter *center,
                    const char         *type,
                    GObject            *sender,
                    GVariant           *user_info,
                    gpointer            user_data)
{
  PostWorker *w = user_data;

  if (g_thread_self () != g_atomic_pointer_get (&w->thread))
    g_atomic_int_inc (&w->wrong_thread);
  g_assert_true (sender == w->sender);
  g_atomic_int_inc (&w->n_calls);
}

static gpointer
post_worker_thread (gpointer data)
{
  PostWorker *w = data;
  int i;

  g_atomic_pointer_set (&w->thread, g_thread_self ());
  for (i = 0; i < N_POSTS; i++)
    {
      notification_center_post (w->center, "t", w->sender, NULL);
      notification_center_post (w->center, "unobserved", NULL, NULL);
    }
  return NULL;
}

static void
test_threads_post_concurrent (gconstpointer data)
{
  g_autoptr(NotificationCenter) center = center_new_for (data);
  PostWorker workers[N_POSTERS];
  GThread *threads[N_POSTERS];
  int any_calls = 0, typed_calls = 0, signal_calls = 0;
  gsize i;

  g_test_summary ("Many threads posting at once reach every matching observer and "
                  "signal handler exactly once per post, on the posting thread");

  g_signal_connect (center, "notification::t", G_CALLBACK (count_cb), &signal_calls);
  notification_center_add_observer (center, NULL, NULL, count_cb, &any_calls, NULL);
  notification_center_add_observer (center, "t", NULL, count_cb, &typed_calls, NULL);

  for (i = 0; i < N_POSTERS; i++)
    {
      workers[i] = (PostWorker) { center, g_object_new (G_TYPE_OBJECT, NULL), NULL, 0, 0 };
      notification_center_add_observer (center, "t", workers[i].sender,
                                        sender_observer_cb, &workers[i], NULL);
    }

  for (i = 0; i < N_POSTERS; i++)
    threads[i] = g_thread_new ("poster", post_worker_thread, &workers[i]);
  for (i = 0; i < N_POSTERS; i++)
    g_thread_join (threads[i]);

  g_assert_cmpint (any_calls, ==, 2 * N_POSTS * N_POSTERS);
  g_assert_cmpint (typed_calls, ==, N_POSTS * N_POSTERS);
  g_assert_cmpint (signal_calls, ==, GPOINTER_TO_INT (data) ? N_POSTS * N_POSTERS : 0);
  for (i = 0; i < N_POSTERS; i++)
    {
      g_assert_cmpint (workers[i].n_calls, ==, N_POSTS);
      g_assert_cmpint (workers[i].wrong_thread, ==, 0);
    }

  notification_center_remove_all_observers (center);
  for (i = 0; i < N_POSTERS; i++)
    g_object_unref (workers[i].sender);
}

/* ------------------------------------------------------------------ */
/* Stress: posters, adders/removers, has_observers and sender
 * finalization all at once; each observer's destroy notify runs exactly
 * once, never during one of its calls, and no call starts after it. */

#define N_MUTATORS 2
#define N_MUTATIONS 3000
#define N_LIVE 16
#define TMP_EVERY 50   /* a mutator's short-lived sender, every TMP_EVERY mutations */
/* the "t0" posts of those senders (mutations 0, TMP_EVERY, 2 * TMP_EVERY, ...) */
#define N_TMP_POSTS (N_MUTATORS * ((N_MUTATIONS + TMP_EVERY - 1) / TMP_EVERY))

typedef struct
{
  int in_call;     /* atomic */
  int destroyed;   /* atomic */
  int n_calls;     /* atomic */
} StressObserver;

static void
stress_cb (NotificationCenter *center,
           const char         *type,
           GObject            *sender,
           GVariant           *user_info,
           gpointer            user_data)
{
  StressObserver *o = user_data;

  g_assert_cmpint (g_atomic_int_get (&o->destroyed), ==, 0);
  g_atomic_int_inc (&o->in_call);
  g_atomic_int_inc (&o->n_calls);
  g_assert_cmpint (g_atomic_int_get (&o->destroyed), ==, 0);
  g_atomic_int_dec_and_test (&o->in_call);
}

static void
stress_destroy (gpointer data)
{
  StressObserver *o = data;

  g_assert_cmpint (g_atomic_int_get (&o->in_call), ==, 0);
  g_assert_cmpint (g_atomic_int_add (&o->destroyed, 1), ==, 0);
}

typedef struct
{
  NotificationCenter *center;
  GObject            *senders[3];
  int                 stop;     /* atomic */
  int                 n_posts;  /* atomic: posts made by the posters */
  int                 n_t1;     /* atomic: those of type "t1" */
  GMutex              lock;
  GPtrArray          *all;      /* (element-type StressObserver), protected by @lock */
} Stress;

static const char *stress_types[] = { "t0", "t1", "t2" };

static gpointer
stress_poster_thread (gpointer data)
{
  Stress *s = data;
  GRand *rand = g_rand_new ();
  guint n = 0, n_t1 = 0;

  while (!g_atomic_int_get (&s->stop) || n < 1000)
    {
      int which_type = g_rand_int_range (rand, 0, 3);
      const char *type = stress_types[which_type];
      int which = g_rand_int_range (rand, 0, 4);
      GObject *sender = which < 3 ? s->senders[which] : NULL;

      if (n % 7 == 0)
        (void) notification_center_has_observers (s->center, type, sender);
      if (n % 5 == 0)
        notification_center_post_values (s->center, type, sender,
                                         "n", "u", n, "s", "s", "text", NULL);
      else
        notification_center_post (s->center, type, sender, NULL);
      if (which_type == 1)
        n_t1++;
      n++;
    }

  g_atomic_int_add (&s->n_posts, n);
  g_atomic_int_add (&s->n_t1, n_t1);
  g_rand_free (rand);
  return NULL;
}

static StressObserver *
stress_observer_new (Stress *s)
{
  StressObserver *o = g_new0 (StressObserver, 1);

  g_mutex_lock (&s->lock);
  g_ptr_array_add (s->all, o);
  g_mutex_unlock (&s->lock);
  return o;
}

static gpointer
stress_mutator_thread (gpointer data)
{
  Stress *s = data;
  GRand *rand = g_rand_new ();
  gulong live[N_LIVE] = { 0, };
  int i;

  for (i = 0; i < N_MUTATIONS; i++)
    {
      int slot = i % N_LIVE;
      int which_type = g_rand_int_range (rand, 0, 4);
      int which_sender = g_rand_int_range (rand, 0, 4);
      StressObserver *o = stress_observer_new (s);

      if (live[slot] != 0)
        notification_center_remove_observer (s->center, live[slot]);
      live[slot] = notification_center_add_observer (s->center,
                                                     which_type < 3 ? stress_types[which_type] : NULL,
                                                     which_sender < 3 ? s->senders[which_sender] : NULL,
                                                     stress_cb, o, stress_destroy);
      g_assert_cmpuint (live[slot], >, 0);

      if (i % TMP_EVERY == 0)
        {
          /* a short-lived sender and owner: removed when finalized */
          GObject *tmp = g_object_new (G_TYPE_OBJECT, NULL);

          notification_center_add_observer (s->center, NULL, tmp, stress_cb,
                                            stress_observer_new (s), stress_destroy);
          notification_center_add_observer_full (s->center, stress_types[0], NULL, tmp, NULL,
                                                 stress_cb, stress_observer_new (s), stress_destroy);
          notification_center_post (s->center, "t0", tmp, NULL);
          g_object_unref (tmp);
        }

      if (i % 500 == 0)
        (void) notification_center_get_n_observers (s->center);
    }

  for (i = 0; i < N_LIVE; i++)
    if (live[i] != 0)
      notification_center_remove_observer (s->center, live[i]);

  g_rand_free (rand);
  return NULL;
}

static void
test_threads_stress (gconstpointer data)
{
  Stress s = { 0, };
  GThread *posters[N_POSTERS];
  GThread *mutators[N_MUTATORS];
  int signal_calls = 0;
  StressObserver *persistent;
  gsize i;

  g_test_summary ("Posters and mutators adding and removing observers at once: an "
                  "observer present throughout gets every post once, and each \"t1\" "
                  "post emits the signal once");

  s.center = center_new_for (data);
  g_mutex_init (&s.lock);
  s.all = g_ptr_array_new_with_free_func (g_free);
  for (i = 0; i < G_N_ELEMENTS (s.senders); i++)
    s.senders[i] = g_object_new (G_TYPE_OBJECT, NULL);

  g_signal_connect (s.center, "notification::t1", G_CALLBACK (count_cb), &signal_calls);
  persistent = stress_observer_new (&s);
  notification_center_add_observer (s.center, NULL, NULL, stress_cb, persistent, stress_destroy);

  for (i = 0; i < N_POSTERS; i++)
    posters[i] = g_thread_new ("poster", stress_poster_thread, &s);
  for (i = 0; i < N_MUTATORS; i++)
    mutators[i] = g_thread_new ("mutator", stress_mutator_thread, &s);

  for (i = 0; i < N_MUTATORS; i++)
    g_thread_join (mutators[i]);
  g_atomic_int_set (&s.stop, TRUE);
  for (i = 0; i < N_POSTERS; i++)
    g_thread_join (posters[i]);

  /* only the persistent observer is left */
  g_assert_cmpuint (notification_center_get_n_observers (s.center), ==, 1);
  g_assert_cmpint (g_atomic_int_get (&s.n_posts), >=, N_POSTERS * 1000);
  /* it observes everything and was there from before the first post to
   * after the last: every post called it once, the posters' and the
   * "t0" post of each mutator's short-lived sender */
  g_assert_cmpint (g_atomic_int_get (&persistent->n_calls), ==,
                   g_atomic_int_get (&s.n_posts) + N_TMP_POSTS);
  /* the handler is connected for the whole test, and only the posters
   * post "t1": each of their "t1" posts emitted the signal once */
  g_assert_cmpint (g_atomic_int_get (&signal_calls), ==,
                   GPOINTER_TO_INT (data) ? g_atomic_int_get (&s.n_t1) : 0);
  for (i = 0; i < s.all->len; i++)
    {
      StressObserver *o = g_ptr_array_index (s.all, i);

      if (o != persistent)
        g_assert_cmpint (g_atomic_int_get (&o->destroyed), ==, 1);
      g_assert_cmpint (g_atomic_int_get (&o->in_call), ==, 0);
    }

  g_clear_object (&s.center);
  g_assert_cmpint (persistent->destroyed, ==, 1);

  for (i = 0; i < G_N_ELEMENTS (s.senders); i++)
    g_object_unref (s.senders[i]);
  g_ptr_array_unref (s.all);
  g_mutex_clear (&s.lock);
}

/* ------------------------------------------------------------------ */

static gpointer
get_default_thread (gpointer data)
{
  return notification_center_get_default ();
}

static void
test_threads_get_default (void)
{
  GThread *threads[8];
  gpointer results[8];
  gsize i;

  g_test_summary ("Threads asking for the default center at once all get the same "
                  "one");

  for (i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("get-default", get_default_thread, NULL);
  for (i = 0; i < G_N_ELEMENTS (threads); i++)
    results[i] = g_thread_join (threads[i]);

  for (i = 0; i < G_N_ELEMENTS (threads); i++)
    {
      g_assert_nonnull (results[i]);
      g_assert_true (results[i] == results[0]);
    }
  g_assert_true (notification_center_get_default () == results[0]);
}

/* remove_observer (id) must not return while an observer already unlinked
 * by its owner's finalization on another thread can still start a call
 * from a post that stands on it. Thread A finalizes the owner and is held
 * inside another owned observer's destroy notify; thread C is held inside
 * the observer just before the one removed. */
typedef struct
{
  NotificationCenter *center;
  GObject            *owner;
  GAsyncQueue        *to_main;
  GAsyncQueue        *to_poster;
  GAsyncQueue        *to_finalizer;
  gint                remove_returned;
  gint                called_after_remove;
} OwnerRace;

static void
owner_race_first_cb (NotificationCenter *center, const char *type, GObject *sender,
                     GVariant *user_info, gpointer user_data)
{
  OwnerRace *race = user_data;

  g_async_queue_push (race->to_main, "poster is inside the first observer");
  g_async_queue_pop (race->to_poster);
}

static void
owner_race_removed_cb (NotificationCenter *center, const char *type, GObject *sender,
                       GVariant *user_info, gpointer user_data)
{
  OwnerRace *race = user_data;

  if (g_atomic_int_get (&race->remove_returned))
    g_atomic_int_set (&race->called_after_remove, 1);
}

static void
owner_race_noop_cb (NotificationCenter *center, const char *type, GObject *sender,
                    GVariant *user_info, gpointer user_data)
{
}

static void
owner_race_hold_destroy (gpointer user_data)
{
  OwnerRace *race = user_data;

  g_async_queue_push (race->to_main, "finalizer is in a destroy notify");
  g_async_queue_pop (race->to_finalizer);
}

static gpointer
owner_race_post_thread (gpointer user_data)
{
  OwnerRace *race = user_data;

  notification_center_post (race->center, "T", NULL, NULL);
  return NULL;
}

static gpointer
owner_race_finalize_thread (gpointer user_data)
{
  OwnerRace *race = user_data;

  g_object_unref (race->owner);
  return NULL;
}

static void
test_threads_remove_during_owner_finalize (void)
{
  OwnerRace race = { 0 };
  GThread *poster, *finalizer;
  gulong id;

  g_test_summary ("remove_observer() of an observer that its owner's finalization on "
                  "another thread already unlinked returns only once no post standing "
                  "on it can call it");

  race.center = notification_center_new ();
  race.owner = g_object_new (G_TYPE_OBJECT, NULL);
  race.to_main = g_async_queue_new ();
  race.to_poster = g_async_queue_new ();
  race.to_finalizer = g_async_queue_new ();

  notification_center_add_observer (race.center, "T", NULL, owner_race_first_cb, &race, NULL);
  notification_center_add_observer_full (race.center, "other", NULL, race.owner, NULL,
                                         owner_race_noop_cb, &race, owner_race_hold_destroy);
  id = notification_center_add_observer_full (race.center, "T", NULL, race.owner, NULL,
                                              owner_race_removed_cb, &race, NULL);

  poster = g_thread_new ("poster", owner_race_post_thread, &race);
  g_async_queue_pop (race.to_main);
  finalizer = g_thread_new ("finalizer", owner_race_finalize_thread, &race);
  g_async_queue_pop (race.to_main);

  notification_center_remove_observer (race.center, id);
  g_atomic_int_set (&race.remove_returned, 1);

  g_async_queue_push (race.to_poster, "go");
  g_thread_join (poster);
  g_async_queue_push (race.to_finalizer, "go");
  g_thread_join (finalizer);

  g_assert_cmpint (g_atomic_int_get (&race.called_after_remove), ==, 0);

  g_async_queue_unref (race.to_main);
  g_async_queue_unref (race.to_poster);
  g_async_queue_unref (race.to_finalizer);
  g_object_unref (race.center);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_data_func ("/center/threads/post-concurrent/emits-signal",
                        GINT_TO_POINTER (TRUE), test_threads_post_concurrent);
  g_test_add_data_func ("/center/threads/post-concurrent/no-signal",
                        GINT_TO_POINTER (FALSE), test_threads_post_concurrent);
  g_test_add_data_func ("/center/threads/stress/emits-signal",
                        GINT_TO_POINTER (TRUE), test_threads_stress);
  g_test_add_data_func ("/center/threads/stress/no-signal",
                        GINT_TO_POINTER (FALSE), test_threads_stress);
  g_test_add_func ("/center/threads/get-default", test_threads_get_default);
  g_test_add_func ("/center/threads/remove-during-owner-finalize",
                   test_threads_remove_during_owner_finalize);

  return g_test_run ();
}
