/* test-interest-forwarder.c: observers that interest reports do not count
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * An observer added with NOTIFICATION_OBSERVER_FORWARDER (a bridge's) is
 * called as any other, and has_observers() counts it, but it never makes
 * its pair observed for watch_interest() and list_interests(): a pair is
 * observed while it has an observer that is not a forwarder.
 */

#include "interest-util.h"

static gulong
add_forwarder (NotificationCenter *center,
               const char         *type,
               gpointer            sender,
               GMainContext       *context,
               int                *calls)
{
  return notification_center_add_observer_with_flags (center, type, sender, NULL, context,
                                                      NOTIFICATION_OBSERVER_FORWARDER,
                                                      count_cb, calls, NULL);
}

static void
test_forwarder_alone (void)
{
  Watch watch;
  NotificationCenter *center = notification_center_new ();
  GMainContext *context = g_main_context_new ();
  GHashTable *keys;
  int calls = 0, queued_calls = 0;
  gulong a, b;

  g_test_summary ("a forwarder is called and counted by has_observers(), "
                  "but makes no report and is not listed");

  watch_start (&watch, center, context);
  a = add_forwarder (center, "t", NULL, NULL, &calls);
  b = add_forwarder (center, NULL, NULL, context, &queued_calls);
  g_assert_cmpuint (a, >, 0);
  g_assert_cmpuint (b, >, 0);
  assert_log (&watch, "");
  keys = list_keys (center);
  g_assert_cmpuint (g_hash_table_size (keys), ==, 0);
  g_hash_table_unref (keys);
  g_assert_true (notification_center_has_observers (center, "t", NULL));
  g_assert_cmpuint (notification_center_get_n_observers (center), ==, 2);

  notification_center_post (center, "t", NULL, NULL);
  drain_context (context);
  g_assert_cmpint (calls, ==, 1);
  g_assert_cmpint (queued_calls, ==, 1);

  notification_center_remove_observer (center, a);
  notification_center_remove_observer (center, b);
  assert_log (&watch, "");
  g_assert_cmpint (watch.n_reports, ==, 0);

  notification_center_unwatch_interest (center, watch.id);
  g_object_unref (center);
  g_main_context_unref (context);
  watch_clear (&watch);
}

static void
test_forwarder_beside_observers (void)
{
  Watch watch;
  NotificationCenter *center = notification_center_new ();
  GMainContext *context = g_main_context_new ();
  int calls = 0;
  gulong forwarder, first, second;

  g_test_summary ("a pair is observed while it has an observer that is not a forwarder, "
                  "whichever came first");

  watch_start (&watch, center, context);
  forwarder = add_forwarder (center, "t", NULL, NULL, &calls);
  assert_log (&watch, "");

  /* The first real observer comes after the forwarder. */
  first = notification_center_add_observer (center, "t", NULL, noop_cb, NULL, NULL);
  assert_log (&watch, "+t:* ");
  assert_view_is_state (&watch);
  second = notification_center_add_observer_full (center, "t", NULL, NULL, context,
                                                   noop_cb, NULL, NULL);
  assert_log (&watch, "");

  /* The last real observer goes before the forwarder. */
  notification_center_remove_observer (center, first);
  assert_log (&watch, "");
  notification_center_remove_observer (center, second);
  assert_log (&watch, "-t:* ");
  assert_view_is_state (&watch);
  g_assert_true (notification_center_has_observers (center, "t", NULL));

  notification_center_post (center, "t", NULL, NULL);
  g_assert_cmpint (calls, ==, 1);

  /* And the other way round: real observer first, forwarder last. */
  first = notification_center_add_observer (center, "u", NULL, noop_cb, NULL, NULL);
  assert_log (&watch, "+u:* ");
  second = add_forwarder (center, "u", NULL, NULL, &calls);
  notification_center_remove_observer (center, first);
  assert_log (&watch, "-u:* ");
  notification_center_remove_observer (center, second);
  notification_center_remove_observer (center, forwarder);
  assert_log (&watch, "");
  assert_view_is_state (&watch);

  notification_center_unwatch_interest (center, watch.id);
  g_object_unref (center);
  g_main_context_unref (context);
  watch_clear (&watch);
}

static void
test_forwarder_snapshot (void)
{
  Watch watch;
  NotificationCenter *center = notification_center_new ();
  GMainContext *context = g_main_context_new ();
  int calls = 0;

  g_test_summary ("a watcher added while only forwarders observe is told of nothing");

  add_forwarder (center, "t", NULL, NULL, &calls);
  add_forwarder (center, NULL, NULL, NULL, &calls);
  notification_center_add_observer (center, "u", NULL, noop_cb, NULL, NULL);
  watch_start (&watch, center, context);
  assert_log (&watch, "+u:* ");
  assert_view_is_state (&watch);

  /* remove_all_observers() reports only the pairs that were observed. */
  notification_center_remove_all_observers (center);
  assert_log (&watch, "-u:* ");
  assert_view_is_state (&watch);
  g_assert_false (notification_center_has_observers (center, "t", NULL));

  notification_center_unwatch_interest (center, watch.id);
  g_object_unref (center);
  g_main_context_unref (context);
  watch_clear (&watch);
}

static void
test_forwarder_sender (void)
{
  Watch watch;
  NotificationCenter *center = notification_center_new ();
  GMainContext *context = g_main_context_new ();
  int finalized = FALSE, calls = 0;
  GObject *a = named_object_new ("a", &finalized);

  g_test_summary ("a forwarder of a sender is removed with it, reporting nothing; "
                  "a real observer of the same pair still is");

  watch_start (&watch, center, context);
  add_forwarder (center, "t", a, NULL, &calls);
  add_forwarder (center, NULL, a, context, &calls);
  notification_center_add_observer (center, "u", a, noop_cb, NULL, NULL);
  assert_log (&watch, "+u:a ");
  notification_center_post (center, "t", a, NULL);
  drain_context (context);
  g_assert_cmpint (calls, ==, 2);

  /* The queued report of -u:a keeps the disposed sender until it runs. */
  g_object_unref (a);
  assert_log (&watch, "-u:a ");
  g_assert_true (finalized);
  assert_view_is_state (&watch);
  g_assert_cmpuint (notification_center_get_n_observers (center), ==, 0);

  notification_center_unwatch_interest (center, watch.id);
  g_object_unref (center);
  g_main_context_unref (context);
  watch_clear (&watch);
}

static void
test_forwarder_bad_flags (void)
{
  g_test_summary ("an unknown observer flag is a critical");

  if (g_test_subprocess ())
    {
      NotificationCenter *center = notification_center_new ();

      make_criticals_non_fatal ();
      g_assert_cmpuint (notification_center_add_observer_with_flags (center, "t", NULL, NULL, NULL,
                                                                     1 << 2, noop_cb, NULL, NULL),
                        ==, 0);
      g_object_unref (center);
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("*CRITICAL*flags*");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/interest/forwarder/alone", test_forwarder_alone);
  g_test_add_func ("/interest/forwarder/beside-observers", test_forwarder_beside_observers);
  g_test_add_func ("/interest/forwarder/snapshot", test_forwarder_snapshot);
  g_test_add_func ("/interest/forwarder/sender", test_forwarder_sender);
  g_test_add_func ("/interest/forwarder/bad-flags", test_forwarder_bad_flags);

  return g_test_run ();
}
