/* test-interest-races.c: interest reports against racing changes
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Adds and removes racing on other threads, and senders disposed while
 * reports about them are queued: the watcher's view ends equal to the
 * state, every round.
 */

#include <pthread.h>

#include "interest-util.h"

/* Threads ------------------------------------------------------------------ */

/* Two threads change the observers of one pair at once, in an order the
 * round forces (or none), while a third one may be running the watcher's
 * context. After each round the view must be the state. */

enum { ORDER_A_FIRST, ORDER_B_FIRST, ORDER_TOGETHER, ORDER_ALTERNATE, N_ORDERS };

#define N_ROUNDS 400
#define MAX_OPS  2

typedef struct
{
  gboolean add;
  gulong   id;     /* to remove, or the one added */
} Op;

typedef struct
{
  NotificationCenter *center;
  GMainContext       *context;
  pthread_barrier_t   start;
  pthread_barrier_t   end;
  gint                stop;        /* atomic */

  /* Per round, written by the main thread before @start. */
  const char         *type;
  GObject            *sender;
  int                 order;
  gboolean            dispatch;
  Op                  ops[2][MAX_OPS];
  guint               n_ops[2];
  gint                done[2];     /* atomic: ops done by each thread */
  gint                running;     /* atomic: A and B not both done */
} Race;

static void
race_wait_turn (Race *race,
                int   self,
                guint op)
{
  int other = 1 - self;

  switch (race->order)
    {
    case ORDER_A_FIRST:
      if (self == 1)
        while ((guint) g_atomic_int_get (&race->done[0]) < race->n_ops[0])
          g_thread_yield ();
      break;
    case ORDER_B_FIRST:
      if (self == 0)
        while ((guint) g_atomic_int_get (&race->done[1]) < race->n_ops[1])
          g_thread_yield ();
      break;
    case ORDER_ALTERNATE:
      /* A0, B0, A1, B1: wait for the other's ops before this one. */
      while ((guint) g_atomic_int_get (&race->done[other]) < MIN (op + (guint) self, race->n_ops[other]))
        g_thread_yield ();
      break;
    default:
      break;
    }
}

static gpointer
race_thread (gpointer data)
{
  Race *race = ((gpointer *) data)[0];
  int self = GPOINTER_TO_INT (((gpointer *) data)[1]);

  for (;;)
    {
      pthread_barrier_wait (&race->start);
      if (g_atomic_int_get (&race->stop))
        return NULL;

      for (guint i = 0; i < race->n_ops[self]; i++)
        {
          Op *op = &race->ops[self][i];

          race_wait_turn (race, self, i);
          if (!op->add && op->id == 0)
            op->id = race->ops[self][i - 1].id;   /* the one this thread just added */
          if (op->add)
            op->id = notification_center_add_observer (race->center, race->type, race->sender,
                                                       noop_cb, NULL, NULL);
          else
            notification_center_remove_observer (race->center, op->id);
          g_atomic_int_inc (&race->done[self]);
        }
      g_atomic_int_add (&race->running, -1);

      pthread_barrier_wait (&race->end);
    }
}

static gpointer
dispatch_thread (gpointer data)
{
  Race *race = data;

  for (;;)
    {
      pthread_barrier_wait (&race->start);
      if (g_atomic_int_get (&race->stop))
        return NULL;

      if (race->dispatch)
        {
          g_main_context_push_thread_default (race->context);
          while (g_atomic_int_get (&race->running) > 0)
            g_main_context_iteration (race->context, FALSE);
          g_main_context_pop_thread_default (race->context);
        }

      pthread_barrier_wait (&race->end);
    }
}

static void
test_threads_add_remove (void)
{
  Watch watch;
  NotificationCenter *center = g_object_new (NOTIFICATION_TYPE_CENTER, "emits-signal", FALSE, NULL);
  GMainContext *context = g_main_context_new ();
  int finalized;
  GObject *a = named_object_new ("a", &finalized);
  const char *types[] = { "t", "t", NULL };
  GObject *senders[] = { NULL, a, NULL };
  gpointer args[2][2];
  GThread *threads[3];
  Race race = { 0, };

  g_test_summary ("an add racing a remove of the same pair never leaves the watcher believing the wrong thing");

  race.center = center;
  race.context = context;
  pthread_barrier_init (&race.start, NULL, 4);
  pthread_barrier_init (&race.end, NULL, 4);
  for (int t = 0; t < 2; t++)
    {
      args[t][0] = &race;
      args[t][1] = GINT_TO_POINTER (t);
      threads[t] = g_thread_new (t == 0 ? "race-a" : "race-b", race_thread, args[t]);
    }
  threads[2] = g_thread_new ("race-dispatch", dispatch_thread, &race);

  watch_start (&watch, center, context);

  for (int round = 0; round < N_ROUNDS; round++)
    {
      int variant = g_test_rand_int_range (0, 4);
      GHashTable *keys;

      race.type = types[round % 3];
      race.sender = senders[round % 3];
      race.order = (round / 3) % N_ORDERS;
      race.dispatch = (round / 12) % 2;
      race.done[0] = race.done[1] = 0;
      race.running = 2;

      /* B holds X; A adds Y. Variants: A also removes Y; B also adds Z;
       * A already held Y and removes it. */
      race.ops[1][0] = (Op) { FALSE, notification_center_add_observer (center, race.type, race.sender,
                                                                        noop_cb, NULL, NULL) };
      race.n_ops[1] = 1;
      race.ops[0][0] = (Op) { TRUE, 0 };
      race.n_ops[0] = 1;
      if (variant == 1)
        {
          race.ops[0][1] = (Op) { FALSE, 0 };
          race.n_ops[0] = 2;
        }
      else if (variant == 2)
        {
          race.ops[1][1] = (Op) { TRUE, 0 };
          race.n_ops[1] = 2;
        }
      else if (variant == 3)
        race.ops[0][0] = (Op) { FALSE, notification_center_add_observer (center, race.type, race.sender,
                                                                          noop_cb, NULL, NULL) };
      if (g_test_rand_bit ())
        drain_context (context);

      pthread_barrier_wait (&race.start);
      pthread_barrier_wait (&race.end);

      drain_context (context);
      assert_view_is_state (&watch);

      /* Back to nothing observed. */
      notification_center_remove_all_observers (center);
      drain_context (context);
      keys = list_keys (center);
      g_assert_cmpuint (g_hash_table_size (keys), ==, 0);
      g_hash_table_unref (keys);
      assert_view_is_state (&watch);
    }

  g_test_message ("%d reports in %d rounds", watch.n_reports, N_ROUNDS);
  g_atomic_int_set (&race.stop, TRUE);
  pthread_barrier_wait (&race.start);
  for (int t = 0; t < 3; t++)
    g_thread_join (threads[t]);
  pthread_barrier_destroy (&race.start);
  pthread_barrier_destroy (&race.end);

  g_object_unref (center);
  g_main_context_unref (context);
  g_object_unref (a);
  g_assert_true (finalized);
  watch_clear (&watch);
}

/* Senders disposed on one thread while the watcher's context runs on
 * another and a third lists the interests: every report arrives with its
 * sender alive, and every sender is finalized in the end. Random spins
 * move the disposal across the delivery of the sender's reports. */

#define N_DISPOSE_ROUNDS 1000

typedef struct
{
  GMainContext      *context;
  pthread_barrier_t  start;
  pthread_barrier_t  end;
  gint               stop;      /* atomic */
  GObject           *object;    /* (owned) per round: the disposer drops it */
  guint              spins;
} Disposal;

static void
spin (guint n)
{
  for (guint i = 0; i < n; i++)
    __asm__ __volatile__ ("" ::: "memory");
}

static gpointer
dispatcher_thread (gpointer data)
{
  Disposal *disposal = data;

  g_main_context_push_thread_default (disposal->context);
  while (!g_atomic_int_get (&disposal->stop))
    g_main_context_iteration (disposal->context, TRUE);
  g_main_context_pop_thread_default (disposal->context);

  return NULL;
}

static gpointer
disposer_thread (gpointer data)
{
  Disposal *disposal = data;

  for (;;)
    {
      pthread_barrier_wait (&disposal->start);
      if (g_atomic_int_get (&disposal->stop))
        return NULL;
      spin (disposal->spins);
      g_object_unref (disposal->object);
      pthread_barrier_wait (&disposal->end);
    }
}

static gboolean
view_is_empty (Watch *watch)
{
  gboolean empty;

  g_mutex_lock (&watch->lock);
  empty = g_hash_table_size (watch->view) == 0;
  g_mutex_unlock (&watch->lock);

  return empty;
}

static void
test_threads_dispose (void)
{
  Watch watch;
  NotificationCenter *center = g_object_new (NOTIFICATION_TYPE_CENTER, "emits-signal", FALSE, NULL);
  GMainContext *context = g_main_context_new ();
  Disposal disposal = { context, };
  GThread *dispatcher, *disposer;

  g_test_summary ("senders disposed while their reports are delivered and listed stay alive until released");

  watch_start (&watch, center, context);
  pthread_barrier_init (&disposal.start, NULL, 2);
  pthread_barrier_init (&disposal.end, NULL, 2);
  dispatcher = g_thread_new ("dispatcher", dispatcher_thread, &disposal);
  disposer = g_thread_new ("disposer", disposer_thread, &disposal);

  for (int round = 0; round < N_DISPOSE_ROUNDS; round++)
    {
      int finalized;
      GObject *a = named_object_new ("a", &finalized);
      GPtrArray *interests = NULL;
      gint64 deadline;
      gulong id;

      id = notification_center_add_observer (center, "t", a, noop_cb, NULL, NULL);
      switch (round % 3)
        {
        case 0:
          /* The report of a's loss is delivered, while a is disposed with
           * no observer and nothing else queued about it: only the
           * delivery's pin keeps it. */
          deadline = g_get_monotonic_time () + 30 * G_TIME_SPAN_SECOND;
          while (view_is_empty (&watch))
            {
              g_assert_cmpint (g_get_monotonic_time (), <, deadline);
              g_thread_yield ();
            }
          notification_center_remove_observer (center, id);
          break;
        case 1:
          /* Listed while disposed: the report of the gain may be cancelled
           * by that of the loss, and only the list's pin keeps a. */
          notification_center_add_observer (center, NULL, a, noop_cb, NULL, NULL);
          break;
        default:
          notification_center_add_observer (center, NULL, a, noop_cb, NULL, NULL);
          notification_center_remove_observer (center, id);
          break;
        }

      disposal.object = a;
      disposal.spins = g_test_rand_int_range (0, 20000);
      pthread_barrier_wait (&disposal.start);
      if (round % 3 != 0)
        {
          spin (g_test_rand_int_range (0, 20000));
          interests = notification_center_list_interests (center);
          for (guint i = 0; i < interests->len; i++)
            {
              GObject *sender = notification_interest_get_sender (g_ptr_array_index (interests, i));

              g_assert_true (sender == a && G_IS_OBJECT (sender));
            }
        }
      pthread_barrier_wait (&disposal.end);
      g_clear_pointer (&interests, g_ptr_array_unref);

      deadline = g_get_monotonic_time () + 30 * G_TIME_SPAN_SECOND;
      while (!(g_atomic_int_get (&finalized) && view_is_empty (&watch)))
        {
          g_assert_cmpint (g_get_monotonic_time (), <, deadline);
          g_usleep (10);
        }
      g_assert_cmpuint (notification_center_get_n_observers (center), ==, 0);
    }

  g_test_message ("%d reports in %d rounds", watch.n_reports, N_DISPOSE_ROUNDS);
  notification_center_unwatch_interest (center, watch.id);
  g_atomic_int_set (&disposal.stop, TRUE);
  g_main_context_wakeup (context);
  pthread_barrier_wait (&disposal.start);
  g_thread_join (dispatcher);
  g_thread_join (disposer);
  pthread_barrier_destroy (&disposal.start);
  pthread_barrier_destroy (&disposal.end);
  g_assert_cmpint (watch.n_destroys, ==, 1);

  g_object_unref (center);
  g_main_context_unref (context);
  watch_clear (&watch);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/interest/threads/add-remove", test_threads_add_remove);
  g_test_add_func ("/interest/threads/dispose", test_threads_dispose);

  return g_test_run ();
}
