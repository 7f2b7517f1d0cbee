/* test-dispose.c: observers of senders and owners that are being disposed
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Destroying a GTK widget runs g_object_run_dispose(): GLib detaches the
 * object's weak-reference list and calls each notify, while the object
 * stays alive and its GWeakRefs still resolve. Cleanup code run from
 * there (a weak notify of its own, registered before the observer was
 * added) commonly removes the observer. Removing an observer must be
 * safe whatever state its sender or owner is in: disposing, finalizing,
 * or being disposed on another thread at that very moment.
 */

#include "test-util.h"

typedef struct
{
  NotificationCenter *center;
  gulong              id;
  int                 n_removals;
} RemoveOnNotify;

/* A GWeakNotify: the application's own cleanup, which removes the
 * observer it knows about. */
static void
remove_on_notify (gpointer  data,
                  GObject  *where_the_object_was)
{
  RemoveOnNotify *remove = data;

  notification_center_remove_observer (remove->center, remove->id);
  remove->n_removals++;
}

typedef enum
{
  ROLE_SENDER,
  ROLE_OWNER,
} Role;

typedef enum
{
  END_RUN_DISPOSE,
  END_LAST_UNREF,
} End;

typedef struct
{
  Role role;
  End  end;
} Scenario;

static gulong
add_observer_for (NotificationCenter *center,
                  Role                role,
                  GObject            *object,
                  Probe              *probe)
{
  if (role == ROLE_SENDER)
    return probe_add (center, "t", object, probe);

  return notification_center_add_observer_full (center, "t", NULL, object, NULL,
                                                probe_cb, probe, probe_destroy);
}

/* The weak notify that removes the observer was registered before the
 * observer was added, so GLib calls it first. */
static void
test_removed_by_earlier_notify (gconstpointer data)
{
  const Scenario *scenario = data;
  Probe probe, other;
  g_autoptr(NotificationCenter) center = notification_center_new ();
  GObject *object = g_object_new (G_TYPE_OBJECT, NULL);
  RemoveOnNotify remove = { center, 0, 0 };

  g_test_summary ("An application's weak notify that removes an observer of the "
                  "object being disposed or finalized before the center's own notify "
                  "does leaves one removal and one destroy notify");

  probe_init (&probe, "p", NULL);
  probe_init (&other, "other", NULL);
  g_object_weak_ref (object, remove_on_notify, &remove);
  remove.id = add_observer_for (center, scenario->role, object, &probe);
  /* A second observer of the same object, removed by the center itself. */
  add_observer_for (center, scenario->role, object, &other);

  notification_center_post (center, "t", object, NULL);
  g_assert_cmpint (probe_calls (&probe), ==, 1);

  if (scenario->end == END_RUN_DISPOSE)
    {
      g_object_run_dispose (object);
      g_assert_cmpint (remove.n_removals, ==, 1);
      g_assert_cmpint (probe_destroys (&probe), ==, 1);
      g_assert_cmpint (probe_destroys (&other), ==, 1);
      g_assert_cmpuint (notification_center_get_n_observers (center), ==, 0);

      /* Disposed, still alive: nothing of the old observers is left, and
       * the object can be observed again until it is finalized. */
      notification_center_post (center, "t", object, NULL);
      g_assert_cmpint (probe_calls (&probe), ==, 1);
      g_assert_cmpint (probe_calls (&other), ==, 1);

      probe_clear (&other);
      probe_init (&other, "other", NULL);
      add_observer_for (center, scenario->role, object, &other);
      notification_center_post (center, "t", object, NULL);
      g_assert_cmpint (probe_calls (&other), ==, 1);
    }

  g_object_unref (object);
  g_assert_cmpint (remove.n_removals, ==, 1);
  g_assert_cmpint (probe_destroys (&probe), ==, 1);
  g_assert_cmpint (probe_destroys (&other), ==, 1);
  g_assert_cmpuint (notification_center_get_n_observers (center), ==, 0);

  probe_clear (&probe);
  probe_clear (&other);
}

/* Disposing an object with observers and nothing else: the center's own
 * notify removes them at dispose, once. */
static void
test_run_dispose_plain (gconstpointer data)
{
  const Scenario *scenario = data;
  Probe probe;
  g_autoptr(NotificationCenter) center = notification_center_new ();
  GObject *object = g_object_new (G_TYPE_OBJECT, NULL);

  g_test_summary ("Running dispose on an object removes its observers once, and "
                  "running it again or finalizing the object removes nothing more");

  probe_init (&probe, "p", NULL);
  add_observer_for (center, scenario->role, object, &probe);
  g_object_run_dispose (object);
  g_assert_cmpint (probe_destroys (&probe), ==, 1);
  g_object_run_dispose (object);
  g_object_unref (object);
  g_assert_cmpint (probe_destroys (&probe), ==, 1);
  g_assert_cmpint (probe_calls (&probe), ==, 0);

  probe_clear (&probe);
}

/* Observers of an object are added and removed many times while it
 * lives: the center keeps one weak reference on it, whatever the number
 * of rounds, and disposing it afterwards finds nothing stale. */
static void
test_many_rounds_then_dispose (void)
{
  Probe probe;
  g_autoptr(NotificationCenter) center = notification_center_new ();
  GObject *object = g_object_new (G_TYPE_OBJECT, NULL);
  RemoveOnNotify remove = { center, 0, 0 };

  g_test_summary ("Adding and removing an object's observers many times leaves "
                  "nothing stale for its dispose, which removes the last observer "
                  "once");

  probe_init (&probe, "p", NULL);
  for (guint i = 0; i < 1000; i++)
    {
      gulong sender_id = probe_add (center, "t", object, &probe);
      gulong owner_id = add_observer_for (center, ROLE_OWNER, object, &probe);

      notification_center_remove_observer (center, sender_id);
      notification_center_remove_observer (center, owner_id);
    }
  g_assert_cmpint (probe_destroys (&probe), ==, 2000);

  g_object_weak_ref (object, remove_on_notify, &remove);
  probe_clear (&probe);
  probe_init (&probe, "p", NULL);
  remove.id = probe_add (center, "t", object, &probe);
  g_object_run_dispose (object);
  g_object_unref (object);
  g_assert_cmpint (probe_destroys (&probe), ==, 1);
  g_assert_cmpuint (notification_center_get_n_observers (center), ==, 0);

  probe_clear (&probe);
}

/* The application's weak notify drops the last reference to the center
 * while the object is being disposed. */
static void
test_notify_finalizes_center (void)
{
  Probe probe;
  NotificationCenter *center = notification_center_new ();
  GObject *object = g_object_new (G_TYPE_OBJECT, NULL);

  g_test_summary ("A weak notify that drops the last reference to the center while "
                  "the object is disposed still gets the observer its destroy notify, "
                  "once");

  probe_init (&probe, "p", NULL);
  g_object_weak_ref (object, (GWeakNotify) (void (*) (void)) g_object_unref, center);
  probe_add (center, "t", object, &probe);
  g_object_run_dispose (object);
  g_assert_cmpint (probe_destroys (&probe), ==, 1);
  g_object_unref (object);
  g_assert_cmpint (probe_destroys (&probe), ==, 1);

  probe_clear (&probe);
}

/* The center is finalized while the objects it watched stay alive; they
 * are disposed and finalized afterwards. */
static void
test_center_gone_before_dispose (void)
{
  Probe probe;
  NotificationCenter *center = notification_center_new ();
  GObject *sender = g_object_new (G_TYPE_OBJECT, NULL);
  GObject *owner = g_object_new (G_TYPE_OBJECT, NULL);
  gulong id;

  g_test_summary ("A center finalized before the objects it watched runs every "
                  "destroy notify, and disposing and finalizing the objects "
                  "afterwards is harmless");

  probe_init (&probe, "p", NULL);
  id = probe_add (center, "t", sender, &probe);
  notification_center_remove_observer (center, id);
  probe_add (center, "t", sender, &probe);
  add_observer_for (center, ROLE_OWNER, owner, &probe);
  g_object_unref (center);
  g_assert_cmpint (probe_destroys (&probe), ==, 3);

  g_object_run_dispose (sender);
  g_object_unref (sender);
  g_object_unref (owner);
  g_assert_cmpint (probe_destroys (&probe), ==, 3);

  probe_clear (&probe);
}

/* Two threads, forced into the hostile interleaving: thread A disposes
 * the object; its earlier weak notify lets thread B remove the observer
 * and waits until B has done so, and only then does GLib reach the
 * center's notify. */
typedef struct
{
  NotificationCenter *center;
  GObject            *object;
  gulong              id;
  GMutex              mutex;
  GCond               cond;
  gboolean            disposing;
  gboolean            removed;
} Handoff;

static void
handoff_notify (gpointer  data,
                GObject  *where_the_object_was)
{
  Handoff *handoff = data;

  g_mutex_lock (&handoff->mutex);
  handoff->disposing = TRUE;
  g_cond_broadcast (&handoff->cond);
  while (!handoff->removed)
    g_cond_wait (&handoff->cond, &handoff->mutex);
  g_mutex_unlock (&handoff->mutex);
}

static gpointer
handoff_remover (gpointer data)
{
  Handoff *handoff = data;

  g_mutex_lock (&handoff->mutex);
  while (!handoff->disposing)
    g_cond_wait (&handoff->cond, &handoff->mutex);
  g_mutex_unlock (&handoff->mutex);

  notification_center_remove_observer (handoff->center, handoff->id);

  g_mutex_lock (&handoff->mutex);
  handoff->removed = TRUE;
  g_cond_broadcast (&handoff->cond);
  g_mutex_unlock (&handoff->mutex);

  return NULL;
}

static void
test_removed_on_other_thread (gconstpointer data)
{
  const Scenario *scenario = data;
  g_autoptr(NotificationCenter) center = notification_center_new ();

  g_test_summary ("An observer removed by another thread while its object is being "
                  "disposed or finalized gets its destroy notify once");

  for (guint round = 0; round < 200; round++)
    {
      Handoff handoff = { center, NULL, 0, };
      Probe probe;
      GThread *remover;

      probe_init (&probe, "p", NULL);
      g_mutex_init (&handoff.mutex);
      g_cond_init (&handoff.cond);
      handoff.object = g_object_new (G_TYPE_OBJECT, NULL);
      g_object_weak_ref (handoff.object, handoff_notify, &handoff);
      handoff.id = add_observer_for (center, scenario->role, handoff.object, &probe);

      remover = g_thread_new ("remover", handoff_remover, &handoff);
      if (scenario->end == END_RUN_DISPOSE)
        {
          g_object_run_dispose (handoff.object);
          g_assert_cmpint (probe_destroys (&probe), ==, 1);
          g_object_unref (handoff.object);
        }
      else
        {
          g_object_unref (handoff.object);
        }
      g_thread_join (remover);

      g_assert_cmpint (probe_destroys (&probe), ==, 1);
      g_assert_cmpuint (notification_center_get_n_observers (center), ==, 0);
      g_mutex_clear (&handoff.mutex);
      g_cond_clear (&handoff.cond);
      probe_clear (&probe);
    }
}

typedef struct
{
  GMutex    mutex;
  GCond     cond;
  guint     count;
  guint     n_threads;
  guint     generation;
} Barrier;

/* Unforced: one thread disposes objects while another removes their
 * observers, in whatever order the scheduler picks; a barrier a round. */
static void
barrier_wait (Barrier *barrier)
{
  guint generation;

  g_mutex_lock (&barrier->mutex);
  generation = barrier->generation;
  if (++barrier->count == barrier->n_threads)
    {
      barrier->count = 0;
      barrier->generation++;
      g_cond_broadcast (&barrier->cond);
    }
  else
    {
      while (generation == barrier->generation)
        g_cond_wait (&barrier->cond, &barrier->mutex);
    }
  g_mutex_unlock (&barrier->mutex);
}

typedef struct
{
  NotificationCenter *center;
  Role                role;
  GObject            *objects[32];
  gulong              ids[32];
  Probe               probes[32];
  Barrier             barrier;
  guint               n_rounds;
} Churn;

static gpointer
churn_remover (gpointer data)
{
  Churn *churn = data;

  for (guint round = 0; round < churn->n_rounds; round++)
    {
      barrier_wait (&churn->barrier);
      for (guint i = 0; i < G_N_ELEMENTS (churn->ids); i++)
        notification_center_remove_observer (churn->center, churn->ids[i]);
      barrier_wait (&churn->barrier);
    }

  return NULL;
}

static void
test_dispose_while_removing (gconstpointer data)
{
  const Scenario *scenario = data;
  g_autoptr(NotificationCenter) center = notification_center_new ();
  Churn *churn = g_new0 (Churn, 1);
  GThread *remover;

  g_test_summary ("Objects disposed or finalized on one thread while another removes "
                  "their observers: each destroy notify runs once and no observer is "
                  "left");

  churn->center = center;
  churn->role = scenario->role;
  churn->n_rounds = 100;
  g_mutex_init (&churn->barrier.mutex);
  g_cond_init (&churn->barrier.cond);
  churn->barrier.n_threads = 2;

  remover = g_thread_new ("remover", churn_remover, churn);
  for (guint round = 0; round < churn->n_rounds; round++)
    {
      for (guint i = 0; i < G_N_ELEMENTS (churn->objects); i++)
        {
          probe_init (&churn->probes[i], "p", NULL);
          churn->objects[i] = g_object_new (G_TYPE_OBJECT, NULL);
          churn->ids[i] = add_observer_for (center, scenario->role, churn->objects[i],
                                            &churn->probes[i]);
        }

      barrier_wait (&churn->barrier);
      for (guint i = 0; i < G_N_ELEMENTS (churn->objects); i++)
        {
          if (scenario->end == END_RUN_DISPOSE)
            g_object_run_dispose (churn->objects[i]);
          g_object_unref (churn->objects[i]);
        }
      barrier_wait (&churn->barrier);

      for (guint i = 0; i < G_N_ELEMENTS (churn->probes); i++)
        {
          g_assert_cmpint (probe_destroys (&churn->probes[i]), ==, 1);
          probe_clear (&churn->probes[i]);
        }
      g_assert_cmpuint (notification_center_get_n_observers (center), ==, 0);
    }
  g_thread_join (remover);

  g_mutex_clear (&churn->barrier.mutex);
  g_cond_clear (&churn->barrier.cond);
  g_free (churn);
}

int
main (int argc, char *argv[])
{
  static const struct
  {
    const char *name;
    Scenario    scenario;
  } scenarios[] = {
    { "sender/run-dispose", { ROLE_SENDER, END_RUN_DISPOSE } },
    { "sender/last-unref",  { ROLE_SENDER, END_LAST_UNREF } },
    { "owner/run-dispose",  { ROLE_OWNER,  END_RUN_DISPOSE } },
    { "owner/last-unref",   { ROLE_OWNER,  END_LAST_UNREF } },
  };

  g_test_init (&argc, &argv, NULL);
  g_test_summary ("Removing an observer is safe while its sender or owner "
                  "is being disposed or finalized, on this thread or another");

  for (guint i = 0; i < G_N_ELEMENTS (scenarios); i++)
    {
      g_autofree char *earlier = g_strdup_printf ("/center/dispose/%s/removed-by-earlier-notify",
                                                  scenarios[i].name);
      g_autofree char *other = g_strdup_printf ("/center/dispose/%s/removed-on-other-thread",
                                                scenarios[i].name);
      g_autofree char *race = g_strdup_printf ("/center/dispose/%s/while-removing",
                                               scenarios[i].name);

      g_test_add_data_func (earlier, &scenarios[i].scenario, test_removed_by_earlier_notify);
      g_test_add_data_func (other, &scenarios[i].scenario, test_removed_on_other_thread);
      g_test_add_data_func (race, &scenarios[i].scenario, test_dispose_while_removing);
      if (scenarios[i].scenario.end == END_RUN_DISPOSE)
        {
          g_autofree char *plain = g_strdup_printf ("/center/dispose/%s/plain", scenarios[i].name);

          g_test_add_data_func (plain, &scenarios[i].scenario, test_run_dispose_plain);
        }
    }
  g_test_add_func ("/center/dispose/many-rounds", test_many_rounds_then_dispose);
  g_test_add_func ("/center/dispose/notify-finalizes-center", test_notify_finalizes_center);
  g_test_add_func ("/center/dispose/center-gone-first", test_center_gone_before_dispose);

  return g_test_run ();
}
