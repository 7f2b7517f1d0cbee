/* test-remove-matching.c: remove_observers_by_func() and _by_data(), as
 * g_signal_handlers_disconnect_by_func() and _by_data()
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <notification/notification.h>

#include "test-util.h"

static void
other_cb (NotificationCenter *center,
          const char         *type,
          GObject            *sender,
          GVariant           *user_info,
          gpointer            user_data)
{
  Probe *probe = user_data;

  /* not probe_cb(): it asserts its probe was not destroyed */
  if (probe->log != NULL)
    g_string_append_printf (probe->log, "other-%s ", probe->name);
}

static void
test_by_func (void)
{
  Probe a, b;
  g_autoptr(NotificationCenter) center = notification_center_new ();
  g_autoptr(GString) log = g_string_new ("");
  g_autoptr(GObject) sender = g_object_new (G_TYPE_OBJECT, NULL);
  g_autoptr(GObject) owner = g_object_new (G_TYPE_OBJECT, NULL);

  g_test_summary ("remove_observers_by_func() removes every observer of that callback "
                  "and user data, of any key, with or without an owner, returns how "
                  "many, runs each destroy notify once, and leaves the others");

  probe_init (&a, "a", log);
  probe_init (&b, "b", log);
  probe_add (center, "t", NULL, &a);
  probe_add (center, NULL, NULL, &a);
  probe_add (center, "t", sender, &a);
  notification_center_add_observer_full (center, "t", NULL, owner, NULL,
                                         probe_cb, &a, probe_destroy);
  /* the same callback, other user data; other callback, same user data */
  probe_add (center, "t", NULL, &b);
  notification_center_add_observer (center, "t", NULL, other_cb, &a, NULL);
  g_assert_cmpuint (notification_center_get_n_observers (center), ==, 6);

  g_assert_cmpuint (notification_center_remove_observers_by_func (center, probe_cb, &a), ==, 4);
  g_assert_cmpint (probe_destroys (&a), ==, 4);
  g_assert_cmpint (probe_destroys (&b), ==, 0);
  g_assert_cmpuint (notification_center_get_n_observers (center), ==, 2);
  g_assert_false (notification_center_has_observers (center, "u", sender));

  notification_center_post (center, "t", sender, NULL);
  g_assert_cmpstr (log->str, ==, "b other-a ");

  /* nothing left to match */
  g_assert_cmpuint (notification_center_remove_observers_by_func (center, probe_cb, &a), ==, 0);
  g_assert_cmpint (probe_destroys (&a), ==, 4);

  /* the owner's finalization finds nothing of the removed observer */
  g_clear_object (&owner);
  g_assert_cmpint (probe_destroys (&a), ==, 4);

  g_clear_object (&center);
  g_assert_cmpint (probe_destroys (&a), ==, 4);
  g_assert_cmpint (probe_destroys (&b), ==, 1);
  probe_clear (&a);
  probe_clear (&b);
}

static void
test_by_data (void)
{
  Probe a, b;
  g_autoptr(NotificationCenter) center = notification_center_new ();
  g_autoptr(GString) log = g_string_new ("");
  int n_null = 0;

  g_test_summary ("remove_observers_by_data() removes every observer of that user data "
                  "whatever its callback; NULL user data is matched like any other");

  probe_init (&a, "a", log);
  probe_init (&b, "b", log);
  probe_add (center, "t", NULL, &a);
  notification_center_add_observer (center, "t", NULL, other_cb, &a, probe_destroy);
  probe_add (center, "t", NULL, &b);
  notification_center_add_observer (center, "t", NULL, noop_cb, NULL, NULL);
  notification_center_add_observer (center, NULL, NULL, noop_cb, NULL, NULL);

  g_assert_cmpuint (notification_center_remove_observers_by_data (center, &a), ==, 2);
  g_assert_cmpint (probe_destroys (&a), ==, 2);
  notification_center_post (center, "t", NULL, NULL);
  g_assert_cmpstr (log->str, ==, "b ");

  g_assert_cmpuint (notification_center_remove_observers_by_data (center, NULL), ==, 2);
  g_assert_cmpuint (notification_center_get_n_observers (center), ==, 1);
  g_assert_cmpuint (notification_center_remove_observers_by_data (center, &n_null), ==, 0);

  g_clear_object (&center);
  g_assert_cmpint (probe_destroys (&b), ==, 1);
  probe_clear (&a);
  probe_clear (&b);
}

static void
test_many (void)
{
  Probe a;
  g_autoptr(NotificationCenter) center = notification_center_new ();
  int n_kept = 0;

  g_test_summary ("Hundreds of matching observers among others, over many keys, are "
                  "removed in one call, emptied entries dropped as they go");

  probe_init (&a, "a", NULL);
  for (guint i = 0; i < 300; i++)
    {
      g_autofree char *type = g_strdup_printf ("t%u", i % 50);

      probe_add (center, type, NULL, &a);
      notification_center_add_observer (center, type, NULL, count_cb, &n_kept, NULL);
    }

  g_assert_cmpuint (notification_center_remove_observers_by_func (center, probe_cb, &a), ==, 300);
  g_assert_cmpint (probe_destroys (&a), ==, 300);
  g_assert_cmpuint (notification_center_get_n_observers (center), ==, 300);
  notification_center_post (center, "t7", NULL, NULL);
  g_assert_cmpint (probe_calls (&a), ==, 0);
  g_assert_cmpint (n_kept, ==, 6);
  probe_clear (&a);
}

static void
test_main_context (void)
{
  Probe a;
  g_autoptr(NotificationCenter) center = notification_center_new ();
  g_autoptr(GMainContext) context = g_main_context_new ();
  gboolean freed = FALSE;

  g_test_summary ("An observer called on a main context, removed by function with a "
                  "call still queued, is not called and its destroy notify runs once");

  probe_init (&a, "a", NULL);
  notification_center_add_observer_full (center, "t", NULL, NULL, context,
                                         probe_cb, &a, probe_destroy);
  notification_center_post (center, "t", NULL, tracked_vardict_new (&freed));
  g_assert_cmpuint (notification_center_remove_observers_by_func (center, probe_cb, &a), ==, 1);

  drain_context (context);
  g_assert_cmpint (probe_calls (&a), ==, 0);
  g_assert_cmpint (probe_destroys (&a), ==, 1);
  g_assert_true (freed);
  probe_clear (&a);
}

typedef struct
{
  NotificationCenter *center;
  int                 n_calls;
  int                 n_destroys;
  guint               removed;
} SelfRemoving;

static void
self_removing_cb (NotificationCenter *center,
                  const char         *type,
                  GObject            *sender,
                  GVariant           *user_info,
                  gpointer            user_data)
{
  SelfRemoving *s = user_data;

  s->n_calls++;
  s->removed = notification_center_remove_observers_by_data (center, s);
  /* the other one's ran; this running call holds its own back */
  g_assert_cmpint (s->n_destroys, ==, 1);
}

static void
self_removing_destroy (gpointer data)
{
  ((SelfRemoving *) data)->n_destroys++;
}

static void
test_from_callback (void)
{
  SelfRemoving s = { 0 };
  g_autoptr(NotificationCenter) center = notification_center_new ();

  g_test_summary ("An observer removing its own observers by data from its call: the "
                  "later ones of the same post are not called, the destroy notifies "
                  "run once each, the running one's when its call returns");

  notification_center_add_observer (center, "t", NULL, self_removing_cb, &s, self_removing_destroy);
  notification_center_add_observer (center, "t", NULL, self_removing_cb, &s, self_removing_destroy);
  notification_center_post (center, "t", NULL, NULL);
  g_assert_cmpint (s.n_calls, ==, 1);
  g_assert_cmpuint (s.removed, ==, 2);
  g_assert_cmpint (s.n_destroys, ==, 2);
  g_assert_cmpuint (notification_center_get_n_observers (center), ==, 0);
}

typedef struct
{
  NotificationCenter *center;
  gint                stop;   /* atomic */
} Poster;

static gpointer
poster_thread (gpointer data)
{
  Poster *p = data;

  while (!g_atomic_int_get (&p->stop))
    notification_center_post (p->center, "t", NULL, NULL);

  return NULL;
}

/* One probe per observer: probe_cb checks that no call of an observer
 * starts after its own destroy notify, and the five destroy notifies of
 * a round run at different moments (each when its own running call, if
 * any, returns). They share the user data the removal matches. */
typedef struct
{
  Probe probes[5];
} ProbeSet;

static void
test_while_posting (void)
{
  ProbeSet set;
  g_autoptr(NotificationCenter) center = notification_center_new ();
  Poster poster = { center, 0 };
  GThread *thread;

  g_test_summary ("Removing by data while another thread posts: every destroy "
                  "notify runs once, none before its running calls returned");

  thread = g_thread_new ("poster", poster_thread, &poster);
  for (guint round = 0; round < 200; round++)
    {
      for (guint i = 0; i < 5; i++)
        {
          probe_init (&set.probes[i], "p", NULL);
          notification_center_add_observer (center, i % 2 ? "t" : NULL, NULL,
                                            probe_cb, &set.probes[i], probe_destroy);
        }
      for (guint i = 0; i < 5; i++)
        g_assert_cmpuint (notification_center_remove_observers_by_data (center, &set.probes[i]), ==, 1);
      /* a call running on the poster holds its destroy notify back */
      for (guint i = 0; i < 5; i++)
        {
          while (probe_destroys (&set.probes[i]) != 1)
            g_thread_yield ();
          probe_clear (&set.probes[i]);
        }
    }
  g_atomic_int_set (&poster.stop, 1);
  g_thread_join (thread);
  g_assert_cmpuint (notification_center_get_n_observers (center), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/remove-matching/by-func", test_by_func);
  g_test_add_func ("/remove-matching/by-data", test_by_data);
  g_test_add_func ("/remove-matching/many", test_many);
  g_test_add_func ("/remove-matching/main-context", test_main_context);
  g_test_add_func ("/remove-matching/from-callback", test_from_callback);
  g_test_add_func ("/remove-matching/while-posting", test_while_posting);

  return g_test_run ();
}
