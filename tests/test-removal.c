/* test-removal.c: removing observers and running their destroy notifies
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <notification/notification.h>

#include "test-util.h"

static void
test_remove_by_id (void)
{
  Probe a, b, c;
  g_autoptr(NotificationCenter) center = notification_center_new ();
  g_autoptr(GString) log = g_string_new ("");
  gulong id_a, id_b, id_c;

  g_test_summary ("remove_observer() removes only the observer of that id, runs its "
                  "destroy notify before it returns, and later posts skip it");

  probe_init (&a, "a", log);
  probe_init (&b, "b", log);
  probe_init (&c, "c", log);
  id_a = probe_add (center, "t", NULL, &a);
  id_b = probe_add (center, NULL, NULL, &b);
  id_c = probe_add (center, "t", NULL, &c);
  g_assert_cmpuint (id_a, !=, id_b);
  g_assert_cmpuint (id_b, !=, id_c);
  g_assert_cmpuint (id_a, !=, id_c);
  g_assert_cmpuint (notification_center_get_n_observers (center), ==, 3);

  notification_center_remove_observer (center, id_b);
  /* no call of b is running: destroyed before remove_observer returns */
  g_assert_cmpint (probe_destroys (&b), ==, 1);
  g_assert_cmpint (probe_destroys (&a), ==, 0);
  g_assert_cmpint (probe_destroys (&c), ==, 0);
  g_assert_cmpuint (notification_center_get_n_observers (center), ==, 2);

  notification_center_post (center, "t", NULL, NULL);
  g_assert_cmpstr (log->str, ==, "a c ");

  notification_center_remove_observer (center, id_a);
  g_assert_cmpint (probe_destroys (&a), ==, 1);
  g_string_truncate (log, 0);
  notification_center_post (center, "t", NULL, NULL);
  g_assert_cmpstr (log->str, ==, "c ");

  notification_center_remove_observer (center, id_c);
  g_assert_cmpint (probe_destroys (&c), ==, 1);
  g_assert_cmpuint (notification_center_get_n_observers (center), ==, 0);
  g_assert_false (notification_center_has_observers (center, "t", NULL));

  g_string_truncate (log, 0);
  notification_center_post (center, "t", NULL, NULL);
  g_assert_cmpstr (log->str, ==, "");

  g_clear_object (&center);
  /* finalizing the center does not run them again */
  g_assert_cmpint (probe_destroys (&a), ==, 1);
  g_assert_cmpint (probe_destroys (&b), ==, 1);
  g_assert_cmpint (probe_destroys (&c), ==, 1);

  probe_clear (&a);
  probe_clear (&b);
  probe_clear (&c);
}

static void
test_remove_null_destroy (void)
{
  Probe probe;
  g_autoptr(NotificationCenter) center = notification_center_new ();
  gulong id;

  g_test_summary ("An observer without a destroy notify is removed by id like any "
                  "other");

  probe_init (&probe, "p", NULL);
  id = notification_center_add_observer (center, "t", NULL, probe_cb, &probe, NULL);
  g_assert_cmpuint (id, >, 0);
  notification_center_post (center, "t", NULL, NULL);
  notification_center_remove_observer (center, id);
  notification_center_post (center, "t", NULL, NULL);
  g_assert_cmpint (probe_calls (&probe), ==, 1);
  g_assert_cmpuint (notification_center_get_n_observers (center), ==, 0);

  probe_clear (&probe);
}

static void
test_remove_all (void)
{
  Probe p[4];
  g_autoptr(NotificationCenter) center = notification_center_new ();
  g_autoptr(GObject) sender = g_object_new (G_TYPE_OBJECT, NULL);
  g_autoptr(GObject) owner = g_object_new (G_TYPE_OBJECT, NULL);
  gsize i;

  g_test_summary ("remove_all_observers() removes observers of every kind, each "
                  "destroy notify once, and the center can be used again");

  for (i = 0; i < G_N_ELEMENTS (p); i++)
    probe_init (&p[i], "p", NULL);

  probe_add (center, "t", NULL, &p[0]);
  probe_add (center, NULL, NULL, &p[1]);
  probe_add (center, "t", sender, &p[2]);
  notification_center_add_observer_full (center, NULL, NULL, owner, NULL,
                                         probe_cb, &p[3], probe_destroy);
  g_assert_cmpuint (notification_center_get_n_observers (center), ==, 4);

  notification_center_remove_all_observers (center);

  for (i = 0; i < G_N_ELEMENTS (p); i++)
    g_assert_cmpint (probe_destroys (&p[i]), ==, 1);
  g_assert_cmpuint (notification_center_get_n_observers (center), ==, 0);
  g_assert_false (notification_center_has_observers (center, "t", sender));
  g_assert_false (notification_center_has_observers (center, "t", NULL));

  notification_center_post (center, "t", sender, NULL);
  notification_center_post (center, "t", NULL, NULL);
  for (i = 0; i < G_N_ELEMENTS (p); i++)
    g_assert_cmpint (probe_calls (&p[i]), ==, 0);

  /* the sender and owner no longer affect the center */
  g_clear_object (&sender);
  g_clear_object (&owner);
  notification_center_remove_all_observers (center);
  g_clear_object (&center);
  for (i = 0; i < G_N_ELEMENTS (p); i++)
    g_assert_cmpint (probe_destroys (&p[i]), ==, 1);

  /* the center works again after remove_all */
  for (i = 0; i < G_N_ELEMENTS (p); i++)
    probe_clear (&p[i]);
  center = notification_center_new ();
  probe_init (&p[0], "p", NULL);
  probe_add (center, "t", NULL, &p[0]);
  notification_center_remove_all_observers (center);
  probe_init (&p[1], "p", NULL);
  probe_add (center, "t", NULL, &p[1]);
  notification_center_post (center, "t", NULL, NULL);
  g_assert_cmpint (probe_calls (&p[0]), ==, 0);
  g_assert_cmpint (probe_calls (&p[1]), ==, 1);

  for (i = 0; i < G_N_ELEMENTS (p); i++)
    probe_clear (&p[i]);
}

static void
test_remove_on_finalize (void)
{
  NotificationCenter *center = notification_center_new ();
  g_autoptr(GObject) sender = g_object_new (G_TYPE_OBJECT, NULL);
  g_autoptr(GObject) owner = g_object_new (G_TYPE_OBJECT, NULL);
  g_autoptr(GMainContext) context = g_main_context_new ();
  Probe p[5];
  gsize i;

  g_test_summary ("Finalizing the center removes observers of every kind, each "
                  "destroy notify once and no call, and drops its weak references");

  for (i = 0; i < G_N_ELEMENTS (p); i++)
    probe_init (&p[i], "p", NULL);

  probe_add (center, "t", NULL, &p[0]);
  probe_add (center, NULL, NULL, &p[1]);
  probe_add (center, "t", sender, &p[2]);
  notification_center_add_observer_full (center, NULL, NULL, owner, NULL,
                                         probe_cb, &p[3], probe_destroy);
  notification_center_add_observer_full (center, "t", NULL, NULL, context,
                                         probe_cb, &p[4], probe_destroy);

  g_object_unref (center);
  drain_context (context);

  for (i = 0; i < G_N_ELEMENTS (p); i++)
    {
      g_assert_cmpint (probe_destroys (&p[i]), ==, 1);
      g_assert_cmpint (probe_calls (&p[i]), ==, 0);
    }

  /* the center's weak references on sender and owner are gone */
  g_clear_object (&sender);
  g_clear_object (&owner);
  for (i = 0; i < G_N_ELEMENTS (p); i++)
    g_assert_cmpint (probe_destroys (&p[i]), ==, 1);

  for (i = 0; i < G_N_ELEMENTS (p); i++)
    probe_clear (&p[i]);
}

/* An observer that removes itself from its own callback: the destroy
 * notify waits until that call returns, then runs before the next
 * observer of the same post is called. */
typedef struct
{
  NotificationCenter *center;
  gulong              id;
  Probe               probe;
  Probe              *watched;            /* for the next observer */
  int                 destroys_seen_in_cb;
  guint               n_observers_seen_in_cb;
} SelfRemover;

static void
self_remover_cb (NotificationCenter *center,
                 const char         *type,
                 GObject            *sender,
                 GVariant           *user_info,
                 gpointer            user_data)
{
  SelfRemover *self = user_data;

  probe_cb (center, type, sender, user_info, &self->probe);
  notification_center_remove_observer (center, self->id);
  /* still running: the destroy notify must wait */
  self->destroys_seen_in_cb = probe_destroys (&self->probe);
  self->n_observers_seen_in_cb = notification_center_get_n_observers (center);
}

static void
self_remover_destroy (gpointer data)
{
  SelfRemover *self = data;

  probe_destroy (&self->probe);
}

static void
watcher_cb (NotificationCenter *center,
            const char         *type,
            GObject            *sender,
            GVariant           *user_info,
            gpointer            user_data)
{
  SelfRemover *self = user_data;

  self->destroys_seen_in_cb = -1 - probe_destroys (&self->probe);
}

static void
test_remove_self_in_callback (void)
{
  SelfRemover self = { 0, };
  Probe other;
  g_autoptr(NotificationCenter) center = notification_center_new ();

  g_test_summary ("An observer that removes itself in its call is no longer counted, "
                  "gets its destroy notify after the call returns, and no later call");

  probe_init (&self.probe, "self", NULL);
  probe_init (&other, "other", NULL);
  self.center = center;
  self.id = notification_center_add_observer (center, "t", NULL, self_remover_cb,
                                              &self, self_remover_destroy);
  probe_add (center, "t", NULL, &other);
  g_assert_cmpuint (self.id, >, 0);

  notification_center_post (center, "t", NULL, NULL);

  g_assert_cmpint (probe_calls (&self.probe), ==, 1);
  g_assert_cmpint (self.destroys_seen_in_cb, ==, 0);
  /* removed, so no longer counted, even though its call was running */
  g_assert_cmpuint (self.n_observers_seen_in_cb, ==, 1);
  /* run once the call returned */
  g_assert_cmpint (probe_destroys (&self.probe), ==, 1);
  g_assert_true (self.probe.destroy_thread == g_thread_self ());
  g_assert_cmpint (probe_calls (&other), ==, 1);

  notification_center_post (center, "t", NULL, NULL);
  g_assert_cmpint (probe_calls (&self.probe), ==, 1);
  g_assert_cmpint (probe_calls (&other), ==, 2);
  g_assert_cmpint (probe_destroys (&self.probe), ==, 1);

  g_clear_object (&center);
  g_assert_cmpint (probe_destroys (&self.probe), ==, 1);
  g_assert_cmpint (probe_destroys (&other), ==, 1);

  probe_clear (&self.probe);
  probe_clear (&other);
}

/* "as soon as the running call returns": a later observer of the same
 * post already sees the destroy notify done. */
static void
test_remove_self_destroy_when_call_returns (void)
{
  SelfRemover self = { 0, };
  g_autoptr(NotificationCenter) center = notification_center_new ();

  g_test_summary ("The destroy notify of an observer that removed itself runs as "
                  "soon as its call returns, before a later observer of the same post");

  probe_init (&self.probe, "self", NULL);
  self.center = center;
  self.id = notification_center_add_observer (center, "t", NULL, self_remover_cb,
                                              &self, self_remover_destroy);
  notification_center_add_observer (center, "t", NULL, watcher_cb, &self, NULL);

  notification_center_post (center, "t", NULL, NULL);
  /* watcher_cb stores -1 - destroys */
  g_assert_cmpint (self.destroys_seen_in_cb, ==, -2);

  probe_clear (&self.probe);
}

/* Destroy waits for the last of several nested calls of the observer. */
typedef struct
{
  gulong id;
  int    depth;
  int    n_calls;
  int    n_destroys;
  int    destroys_after_inner_remove;
  int    destroys_after_nested_post;
} Nested;

static void
nested_cb (NotificationCenter *center,
           const char         *type,
           GObject            *sender,
           GVariant           *user_info,
           gpointer            user_data)
{
  Nested *n = user_data;

  g_assert_cmpint (n->n_destroys, ==, 0);
  n->n_calls++;
  n->depth++;
  if (n->depth == 1)
    {
      notification_center_post (center, "t", NULL, NULL);
      n->destroys_after_nested_post = n->n_destroys;
    }
  else
    {
      notification_center_remove_observer (center, n->id);
      n->destroys_after_inner_remove = n->n_destroys;
    }
  n->depth--;
}

static void
nested_destroy (gpointer data)
{
  Nested *n = data;

  g_assert_cmpint (n->depth, ==, 0);
  n->n_destroys++;
}

static void
test_remove_during_nested_calls (void)
{
  Nested n = { 0, };
  g_autoptr(NotificationCenter) center = notification_center_new ();

  g_test_summary ("An observer removed in a nested call gets its destroy notify only "
                  "once the outer call returns too");

  n.id = notification_center_add_observer (center, "t", NULL, nested_cb, &n, nested_destroy);
  notification_center_post (center, "t", NULL, NULL);

  g_assert_cmpint (n.n_calls, ==, 2);
  g_assert_cmpint (n.destroys_after_inner_remove, ==, 0);
  /* the outer call is still running after the nested post returned */
  g_assert_cmpint (n.destroys_after_nested_post, ==, 0);
  g_assert_cmpint (n.n_destroys, ==, 1);

  notification_center_post (center, "t", NULL, NULL);
  g_assert_cmpint (n.n_calls, ==, 2);
}

/* An observer removing another, not running observer: that one is
 * destroyed before remove_observer returns. */
typedef struct
{
  gulong victim_id;
  Probe *victim;
  int    victim_destroys_after_remove;
} Remover;

static void
remover_cb (NotificationCenter *center,
            const char         *type,
            GObject            *sender,
            GVariant           *user_info,
            gpointer            user_data)
{
  Remover *r = user_data;

  notification_center_remove_observer (center, r->victim_id);
  r->victim_destroys_after_remove = probe_destroys (r->victim);
}

static void
test_remove_other_in_callback (void)
{
  Probe victim;
  g_autoptr(NotificationCenter) center = notification_center_new ();
  Remover r = { 0, };

  g_test_summary ("An observer removed by another one during a post gets its destroy "
                  "notify at once and is not called by the post");

  probe_init (&victim, "victim", NULL);
  r.victim = &victim;
  notification_center_add_observer (center, "t", NULL, remover_cb, &r, NULL);
  r.victim_id = probe_add (center, "t", NULL, &victim);

  notification_center_post (center, "t", NULL, NULL);
  g_assert_cmpint (r.victim_destroys_after_remove, ==, 1);
  g_assert_cmpint (probe_calls (&victim), ==, 0);

  probe_clear (&victim);
}

/* remove_all from inside a callback */
typedef struct
{
  Probe probe;
  int   destroys_seen_in_cb;
  Probe *others[2];
  int   others_destroys_seen_in_cb;
} AllRemover;

static void
all_remover_cb (NotificationCenter *center,
                const char         *type,
                GObject            *sender,
                GVariant           *user_info,
                gpointer            user_data)
{
  AllRemover *r = user_data;

  probe_cb (center, type, sender, user_info, &r->probe);
  notification_center_remove_all_observers (center);
  r->destroys_seen_in_cb = probe_destroys (&r->probe);
  r->others_destroys_seen_in_cb = probe_destroys (r->others[0]) + probe_destroys (r->others[1]);
}

static void
all_remover_destroy (gpointer data)
{
  AllRemover *r = data;

  probe_destroy (&r->probe);
}

static void
test_remove_all_in_callback (void)
{
  AllRemover r = { 0, };
  Probe before, after;
  g_autoptr(NotificationCenter) center = notification_center_new ();

  g_test_summary ("remove_all_observers() in a call runs the others' destroy "
                  "notifies at once, skips the observers not called yet, and the "
                  "caller's own notify after its call");

  probe_init (&r.probe, "remover", NULL);
  probe_init (&before, "before", NULL);
  probe_init (&after, "after", NULL);
  r.others[0] = &before;
  r.others[1] = &after;

  probe_add (center, "t", NULL, &before);
  notification_center_add_observer (center, "t", NULL, all_remover_cb, &r, all_remover_destroy);
  probe_add (center, "t", NULL, &after);

  notification_center_post (center, "t", NULL, NULL);

  g_assert_cmpint (probe_calls (&before), ==, 1);
  g_assert_cmpint (probe_calls (&r.probe), ==, 1);
  g_assert_cmpint (probe_calls (&after), ==, 0);
  g_assert_cmpint (r.destroys_seen_in_cb, ==, 0);
  g_assert_cmpint (r.others_destroys_seen_in_cb, ==, 2);
  g_assert_cmpint (probe_destroys (&r.probe), ==, 1);
  g_assert_cmpuint (notification_center_get_n_observers (center), ==, 0);

  probe_clear (&r.probe);
  probe_clear (&before);
  probe_clear (&after);
}

/* Destroy notifies are not run under a lock: they may use the center. */
typedef struct
{
  NotificationCenter *center;
  Probe              *probe;
  gulong              added_id;
} Reenter;

static void
reentering_destroy (gpointer data)
{
  Reenter *r = data;

  notification_center_post (r->center, "t", NULL, NULL);
  r->added_id = probe_add (r->center, "t", NULL, r->probe);
  (void) notification_center_has_observers (r->center, "t", NULL);
  (void) notification_center_get_n_observers (r->center);
}

static void
test_remove_destroy_reenters (void)
{
  Reenter r = { 0, };
  Probe probe;
  g_autoptr(NotificationCenter) center = notification_center_new ();
  gulong id;

  g_test_summary ("A destroy notify may post, add an observer and query the center, "
                  "from remove_observer() and from remove_all_observers()");

  probe_init (&probe, "p", NULL);
  r.center = center;
  r.probe = &probe;

  id = notification_center_add_observer (center, "t", NULL, noop_cb, &r, reentering_destroy);
  notification_center_remove_observer (center, id);
  g_assert_cmpuint (r.added_id, >, 0);
  notification_center_post (center, "t", NULL, NULL);
  g_assert_cmpint (probe_calls (&probe), ==, 1);
  notification_center_remove_observer (center, r.added_id);
  g_assert_cmpint (probe_destroys (&probe), ==, 1);

  /* and from remove_all */
  probe_clear (&probe);
  probe_init (&probe, "p", NULL);
  r.added_id = 0;
  notification_center_add_observer (center, "t", NULL, noop_cb, &r, reentering_destroy);
  notification_center_remove_all_observers (center);
  g_assert_cmpuint (r.added_id, >, 0);

  probe_clear (&probe);
}

static void
test_remove_ids_unique (void)
{
  g_autoptr(NotificationCenter) center = notification_center_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);
  int i;

  g_test_summary ("Observer ids are nonzero and never reused, also after removals");

  for (i = 0; i < 1000; i++)
    {
      gulong id = notification_center_add_observer (center, i % 3 ? "t" : NULL, NULL,
                                                    noop_cb, NULL, NULL);

      g_assert_cmpuint (id, >, 0);
      g_assert_false (g_hash_table_contains (seen, GSIZE_TO_POINTER (id)));
      g_hash_table_add (seen, GSIZE_TO_POINTER (id));
      if (i % 2)
        notification_center_remove_observer (center, id);
    }
  g_assert_cmpuint (notification_center_get_n_observers (center), ==, 500);
}

static void
tally_cb (NotificationCenter *center, const char *type, GObject *sender,
          GVariant *user_info, gpointer user_data)
{
  (*(guint *) user_data)++;
}

/* Many observers removed in a random order: each removal by id finds its
 * observer, whatever happened to the others. */
static void
test_remove_many_random_order (void)
{
  g_autoptr(NotificationCenter) center = notification_center_new ();
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  static guint calls;

  g_test_summary ("Many observers removed in a random order: each removal by id "
                  "finds its observer and posts reach exactly the ones left");

  for (guint round = 0; round < 20; round++)
    {
      guint n = g_rand_int_range (rand, 1, 3000);
      guint keep = g_rand_int_range (rand, 0, n);
      g_autofree gulong *ids = g_new (gulong, n);

      for (guint i = 0; i < n; i++)
        ids[i] = notification_center_add_observer (center, "t", NULL, tally_cb, &calls, NULL);
      for (guint i = n - 1; i > 0; i--)
        {
          guint j = g_rand_int_range (rand, 0, i + 1);
          gulong id = ids[i];

          ids[i] = ids[j];
          ids[j] = id;
        }

      for (guint i = keep; i < n; i++)
        notification_center_remove_observer (center, ids[i]);
      calls = 0;
      notification_center_post (center, "t", NULL, NULL);
      g_assert_cmpuint (calls, ==, keep);
      g_assert_cmpuint (notification_center_get_n_observers (center), ==, keep);

      for (guint i = 0; i < keep; i++)
        notification_center_remove_observer (center, ids[i]);
      calls = 0;
      notification_center_post (center, "t", NULL, NULL);
      g_assert_cmpuint (calls, ==, 0);
    }
}

/* One sender observed with many types: its lists sit in one watch,
 * whose removals swap places (O(1) each); removed in a random order,
 * the others are still reached, and the sender's disposal takes the
 * rest. */
static void
test_remove_one_sender_many_types (void)
{
  const guint n = 20000;
  g_autoptr(NotificationCenter) center = g_object_new (NOTIFICATION_TYPE_CENTER, "emits-signal", FALSE, NULL);
  GObject *sender = g_object_new (G_TYPE_OBJECT, NULL);
  gulong *ids = g_new (gulong, n);
  guint *order = g_new (guint, n);
  int *calls = g_new0 (int, n);
  GRand *rand = g_rand_new_with_seed (18);
  char type[32];

  g_test_summary ("Many types observed from one sender, removed one by one in a random "
                  "order: each removal leaves the others reached, and disposing the "
                  "sender removes the rest");

  for (guint i = 0; i < n; i++)
    {
      g_snprintf (type, sizeof type, "many-%u", i);
      ids[i] = notification_center_add_observer (center, type, sender, count_cb, &calls[i], NULL);
      order[i] = i;
    }
  for (guint i = n - 1; i > 0; i--)
    {
      guint j = g_rand_int_range (rand, 0, i + 1), t = order[i];

      order[i] = order[j];
      order[j] = t;
    }

  /* Remove half, in that order. */
  for (guint k = 0; k < n / 2; k++)
    notification_center_remove_observer (center, ids[order[k]]);
  g_assert_cmpuint (notification_center_get_n_observers (center), ==, n - n / 2);

  for (guint i = 0; i < n; i++)
    {
      g_snprintf (type, sizeof type, "many-%u", i);
      notification_center_post (center, type, sender, NULL);
    }
  for (guint k = 0; k < n; k++)
    g_assert_cmpint (calls[order[k]], ==, k < n / 2 ? 0 : 1);

  /* The sender goes: so do its other observers. */
  g_object_unref (sender);
  g_assert_cmpuint (notification_center_get_n_observers (center), ==, 0);

  g_rand_free (rand);
  g_free (calls);
  g_free (order);
  g_free (ids);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/center/remove/by-id", test_remove_by_id);
  g_test_add_func ("/center/remove/null-destroy", test_remove_null_destroy);
  g_test_add_func ("/center/remove/all", test_remove_all);
  g_test_add_func ("/center/remove/center-finalized", test_remove_on_finalize);
  g_test_add_func ("/center/remove/self-in-callback", test_remove_self_in_callback);
  g_test_add_func ("/center/remove/self-destroy-when-call-returns", test_remove_self_destroy_when_call_returns);
  g_test_add_func ("/center/remove/during-nested-calls", test_remove_during_nested_calls);
  g_test_add_func ("/center/remove/other-in-callback", test_remove_other_in_callback);
  g_test_add_func ("/center/remove/all-in-callback", test_remove_all_in_callback);
  g_test_add_func ("/center/remove/destroy-reenters", test_remove_destroy_reenters);
  g_test_add_func ("/center/remove/ids-unique", test_remove_ids_unique);

  g_test_add_func ("/center/remove/many-random-order", test_remove_many_random_order);
  g_test_add_func ("/center/remove/one-sender-many-types", test_remove_one_sender_many_types);

  return g_test_run ();
}
