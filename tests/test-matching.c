/* test-matching.c: which observers a post reaches, and in what order;
 * any non-empty string is a type
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <notification/notification.h>

#include "test-util.h"

static void
test_post_no_observers (void)
{
  g_autoptr(NotificationCenter) center = notification_center_new ();

  g_test_summary ("Posting with no observer, with or without user info, does nothing "
                  "and adds no observer");

  g_assert_false (notification_center_has_observers (center, "t", NULL));
  notification_center_post (center, "t", NULL, NULL);
  notification_center_post (center, "t", NULL, g_variant_new_parsed ("@a{sv} {'k': <1>}"));
  g_assert_cmpuint (notification_center_get_n_observers (center), ==, 0);
}

static void
test_post_arguments (void)
{
  Probe probe;
  g_autoptr(NotificationCenter) center = notification_center_new ();
  g_autoptr(GObject) sender = g_object_new (G_TYPE_OBJECT, NULL);
  g_autoptr(GVariant) info = NULL;
  g_autofree char *type = g_strdup ("some-type");

  g_test_summary ("An observer gets the center, the type, the sender and the user "
                  "info of the post, NULL ones included");

  probe_init (&probe, "p", NULL);
  probe_add (center, NULL, NULL, &probe);

  info = g_variant_ref_sink (g_variant_new_parsed ("@a{sv} {'k': <'v'>}"));
  notification_center_post (center, type, sender, info);

  g_assert_cmpint (probe_calls (&probe), ==, 1);
  g_assert_true (probe.last_center == center);
  g_assert_cmpstr (probe.last_type, ==, "some-type");
  g_assert_true (probe.last_sender == sender);
  g_assert_true (probe.last_user_info == info);

  notification_center_post (center, type, NULL, NULL);
  g_assert_cmpint (probe_calls (&probe), ==, 2);
  g_assert_null (probe.last_sender);
  g_assert_null (probe.last_user_info);

  probe_clear (&probe);
}

static void
test_post_synchronous (void)
{
  Probe probe;
  g_autoptr(NotificationCenter) center = notification_center_new ();

  g_test_summary ("post() calls a plain observer before it returns, on the posting "
                  "thread");

  probe_init (&probe, "p", NULL);
  probe_add (center, "t", NULL, &probe);

  notification_center_post (center, "t", NULL, NULL);
  /* counted before post returned, on this thread */
  g_assert_cmpint (probe_calls (&probe), ==, 1);
  g_assert_true (probe.last_thread == g_thread_self ());

  probe_clear (&probe);
}

static void
test_post_type_match (void)
{
  Probe alpha, beta;
  g_autoptr(NotificationCenter) center = notification_center_new ();
  g_autofree char *copy = g_strdup ("alpha");

  g_test_summary ("An observer of a type is reached by posts of that type, compared "
                  "by content, without prefix matching or case folding");

  probe_init (&alpha, "alpha", NULL);
  probe_init (&beta, "beta", NULL);
  probe_add (center, "alpha", NULL, &alpha);
  probe_add (center, "beta", NULL, &beta);

  notification_center_post (center, "alpha", NULL, NULL);
  g_assert_cmpint (probe_calls (&alpha), ==, 1);
  g_assert_cmpint (probe_calls (&beta), ==, 0);

  /* types compare by content, not by pointer */
  notification_center_post (center, copy, NULL, NULL);
  g_assert_cmpint (probe_calls (&alpha), ==, 2);
  g_assert_cmpint (probe_calls (&beta), ==, 0);

  /* no prefix or case folding */
  notification_center_post (center, "alph", NULL, NULL);
  notification_center_post (center, "alphabet", NULL, NULL);
  notification_center_post (center, "ALPHA", NULL, NULL);
  notification_center_post (center, "gamma", NULL, NULL);
  g_assert_cmpint (probe_calls (&alpha), ==, 2);
  g_assert_cmpint (probe_calls (&beta), ==, 0);

  notification_center_post (center, "beta", NULL, NULL);
  g_assert_cmpint (probe_calls (&alpha), ==, 2);
  g_assert_cmpint (probe_calls (&beta), ==, 1);

  probe_clear (&alpha);
  probe_clear (&beta);
}

static void
test_post_every_type (void)
{
  Probe any;
  g_autoptr(NotificationCenter) center = notification_center_new ();

  g_test_summary ("An observer of every type (NULL) is reached by posts of any type "
                  "and sees each post's type");

  probe_init (&any, "any", NULL);
  probe_add (center, NULL, NULL, &any);

  notification_center_post (center, "a", NULL, NULL);
  g_assert_cmpstr (any.last_type, ==, "a");
  notification_center_post (center, "b", NULL, NULL);
  g_assert_cmpstr (any.last_type, ==, "b");
  notification_center_post (center, "a much longer type name", NULL, NULL);
  g_assert_cmpstr (any.last_type, ==, "a much longer type name");
  g_assert_cmpint (probe_calls (&any), ==, 3);

  probe_clear (&any);
}

static void
test_post_label_types (void)
{
  const char *labels[] = {
    "x", "stdout", "with spaces", "a::b", "notification::stdout",
    "dotted.name.v1", "ünïcødé ✓", "/path/like", "-", "0",
  };
  Probe probes[G_N_ELEMENTS (labels)];
  g_autoptr(NotificationCenter) center = notification_center_new ();
  gsize i, j;

  g_test_summary ("Types with spaces, colons, dots, slashes and non-ASCII characters "
                  "are matched exactly like any other");

  for (i = 0; i < G_N_ELEMENTS (labels); i++)
    {
      probe_init (&probes[i], labels[i], NULL);
      probe_add (center, labels[i], NULL, &probes[i]);
    }

  for (i = 0; i < G_N_ELEMENTS (labels); i++)
    {
      g_assert_true (notification_center_has_observers (center, labels[i], NULL));
      notification_center_post (center, labels[i], NULL, NULL);
      for (j = 0; j < G_N_ELEMENTS (labels); j++)
        g_assert_cmpint (probe_calls (&probes[j]), ==, j <= i ? 1 : 0);
      g_assert_cmpstr (probes[i].last_type, ==, labels[i]);
    }

  for (i = 0; i < G_N_ELEMENTS (labels); i++)
    probe_clear (&probes[i]);
}

static void
test_post_sender_match (void)
{
  Probe from_a;
  g_autoptr(NotificationCenter) center = notification_center_new ();
  g_autoptr(GObject) a = g_object_new (G_TYPE_OBJECT, NULL);
  g_autoptr(GObject) b = g_object_new (G_TYPE_OBJECT, NULL);

  g_test_summary ("An observer of a sender is reached only by posts of its type from "
                  "that sender");

  probe_init (&from_a, "from_a", NULL);
  probe_add (center, "t", a, &from_a);

  notification_center_post (center, "t", a, NULL);
  g_assert_cmpint (probe_calls (&from_a), ==, 1);
  g_assert_true (from_a.last_sender == a);

  notification_center_post (center, "t", b, NULL);
  notification_center_post (center, "t", NULL, NULL);
  notification_center_post (center, "other", a, NULL);
  g_assert_cmpint (probe_calls (&from_a), ==, 1);

  probe_clear (&from_a);
}

static void
test_post_every_sender (void)
{
  Probe any;
  g_autoptr(NotificationCenter) center = notification_center_new ();
  g_autoptr(GObject) a = g_object_new (G_TYPE_OBJECT, NULL);
  g_autoptr(GObject) b = g_object_new (G_TYPE_OBJECT, NULL);

  g_test_summary ("An observer of every sender (NULL) is reached by posts from any "
                  "sender and from none");

  probe_init (&any, "any", NULL);
  probe_add (center, "t", NULL, &any);

  notification_center_post (center, "t", a, NULL);
  g_assert_true (any.last_sender == a);
  notification_center_post (center, "t", b, NULL);
  g_assert_true (any.last_sender == b);
  notification_center_post (center, "t", NULL, NULL);
  g_assert_null (any.last_sender);
  g_assert_cmpint (probe_calls (&any), ==, 3);

  probe_clear (&any);
}

/* A post with a NULL sender reaches only every-sender observers. */
static void
test_post_null_sender (void)
{
  Probe typed_any, typed_a, any_any, any_a;
  g_autoptr(NotificationCenter) center = notification_center_new ();
  g_autoptr(GObject) a = g_object_new (G_TYPE_OBJECT, NULL);

  g_test_summary ("A post with a NULL sender reaches only the observers of every "
                  "sender");

  probe_init (&typed_any, "typed_any", NULL);
  probe_init (&typed_a, "typed_a", NULL);
  probe_init (&any_any, "any_any", NULL);
  probe_init (&any_a, "any_a", NULL);
  probe_add (center, "t", NULL, &typed_any);
  probe_add (center, "t", a, &typed_a);
  probe_add (center, NULL, NULL, &any_any);
  probe_add (center, NULL, a, &any_a);

  notification_center_post (center, "t", NULL, NULL);
  g_assert_cmpint (probe_calls (&typed_any), ==, 1);
  g_assert_cmpint (probe_calls (&any_any), ==, 1);
  g_assert_cmpint (probe_calls (&typed_a), ==, 0);
  g_assert_cmpint (probe_calls (&any_a), ==, 0);

  probe_clear (&typed_any);
  probe_clear (&typed_a);
  probe_clear (&any_any);
  probe_clear (&any_a);
}

/* Every combination of observer (type or any) x (sender or any) against
 * every combination of post; each matching observer exactly once. */
static void
test_post_matrix (void)
{
  Probe probes[3][3];
  g_autoptr(NotificationCenter) center = notification_center_new ();
  g_autoptr(GObject) a = g_object_new (G_TYPE_OBJECT, NULL);
  g_autoptr(GObject) b = g_object_new (G_TYPE_OBJECT, NULL);
  const char *obs_types[] = { "x", "y", NULL };
  GObject *obs_senders[] = { a, b, NULL };
  const char *post_types[] = { "x", "y", "z" };
  GObject *post_senders[] = { a, b, NULL };
  gsize ot, os, pt, ps;

  g_test_summary ("Every kind of observer, by type or every type and by sender or "
                  "every sender, is reached exactly once by each post that matches it "
                  "and by no other");

  for (ot = 0; ot < 3; ot++)
    for (os = 0; os < 3; os++)
      {
        probe_init (&probes[ot][os], "p", NULL);
        probe_add (center, obs_types[ot], obs_senders[os], &probes[ot][os]);
      }
  g_assert_cmpuint (notification_center_get_n_observers (center), ==, 9);

  for (pt = 0; pt < 3; pt++)
    for (ps = 0; ps < 3; ps++)
      {
        int before[3][3];
        gboolean any_match = FALSE;

        for (ot = 0; ot < 3; ot++)
          for (os = 0; os < 3; os++)
            before[ot][os] = probe_calls (&probes[ot][os]);

        notification_center_post (center, post_types[pt], post_senders[ps], NULL);

        for (ot = 0; ot < 3; ot++)
          for (os = 0; os < 3; os++)
            {
              gboolean type_ok = obs_types[ot] == NULL || g_str_equal (obs_types[ot], post_types[pt]);
              gboolean sender_ok = obs_senders[os] == NULL || obs_senders[os] == post_senders[ps];
              int expected = (type_ok && sender_ok) ? 1 : 0;

              if (expected)
                any_match = TRUE;
              g_test_message ("post (%s, %zu), observer (%s, %zu)",
                              post_types[pt], ps, obs_types[ot] ? obs_types[ot] : "*", os);
              g_assert_cmpint (probe_calls (&probes[ot][os]) - before[ot][os], ==, expected);
            }

        g_assert_cmpint (notification_center_has_observers (center, post_types[pt], post_senders[ps]), ==, any_match);
      }

  for (ot = 0; ot < 3; ot++)
    for (os = 0; os < 3; os++)
      probe_clear (&probes[ot][os]);
}

/* Observers of all four kinds are called in the order they were added,
 * not grouped by kind. */
static void
test_post_order (void)
{
  Probe p[8];
  g_autoptr(NotificationCenter) center = notification_center_new ();
  g_autoptr(GObject) a = g_object_new (G_TYPE_OBJECT, NULL);
  g_autoptr(GString) log = g_string_new ("");
  const char *names[] = { "1", "2", "3", "4", "5", "6", "7", "8" };
  gsize i;

  g_test_summary ("Observers of all four kinds are called in the order they were "
                  "added, not grouped by kind");

  for (i = 0; i < G_N_ELEMENTS (p); i++)
    probe_init (&p[i], names[i], log);

  probe_add (center, "t", a, &p[0]);
  probe_add (center, NULL, NULL, &p[1]);
  probe_add (center, "t", NULL, &p[2]);
  probe_add (center, NULL, a, &p[3]);
  probe_add (center, "t", a, &p[4]);
  probe_add (center, "t", NULL, &p[5]);
  probe_add (center, NULL, NULL, &p[6]);
  probe_add (center, NULL, a, &p[7]);

  notification_center_post (center, "t", a, NULL);
  g_assert_cmpstr (log->str, ==, "1 2 3 4 5 6 7 8 ");

  g_string_truncate (log, 0);
  notification_center_post (center, "t", NULL, NULL);
  g_assert_cmpstr (log->str, ==, "2 3 6 7 ");

  g_string_truncate (log, 0);
  notification_center_post (center, "u", a, NULL);
  g_assert_cmpstr (log->str, ==, "2 4 7 8 ");

  notification_center_remove_all_observers (center);
  for (i = 0; i < G_N_ELEMENTS (p); i++)
    probe_clear (&p[i]);
}

static void
test_post_order_after_removal (void)
{
  Probe p[5];
  g_autoptr(NotificationCenter) center = notification_center_new ();
  g_autoptr(GString) log = g_string_new ("");
  const char *names[] = { "1", "2", "3", "4", "5" };
  gulong ids[5];
  gsize i;

  g_test_summary ("Removing an observer keeps the order of the others, and one added "
                  "again goes to the end");

  for (i = 0; i < G_N_ELEMENTS (p); i++)
    {
      probe_init (&p[i], names[i], log);
      ids[i] = probe_add (center, i % 2 ? NULL : "t", NULL, &p[i]);
    }

  notification_center_remove_observer (center, ids[2]);
  notification_center_post (center, "t", NULL, NULL);
  g_assert_cmpstr (log->str, ==, "1 2 4 5 ");

  /* a re-added observer goes to the end */
  g_string_truncate (log, 0);
  g_assert_cmpint (probe_destroys (&p[2]), ==, 1);
  p[2].n_destroys = 0;
  ids[2] = notification_center_add_observer (center, "t", NULL, probe_cb, &p[2], NULL);
  notification_center_post (center, "t", NULL, NULL);
  g_assert_cmpstr (log->str, ==, "1 2 4 5 3 ");

  for (i = 0; i < G_N_ELEMENTS (p); i++)
    probe_clear (&p[i]);
}

/* An observer that matches on both type and sender is still called once. */
static void
test_post_exactly_once (void)
{
  Probe both;
  g_autoptr(NotificationCenter) center = notification_center_new ();
  g_autoptr(GObject) a = g_object_new (G_TYPE_OBJECT, NULL);

  g_test_summary ("An observer that matches on both type and sender is called once "
                  "per post");

  probe_init (&both, "both", NULL);
  probe_add (center, "t", a, &both);

  notification_center_post (center, "t", a, NULL);
  g_assert_cmpint (probe_calls (&both), ==, 1);
  notification_center_post (center, "t", a, NULL);
  g_assert_cmpint (probe_calls (&both), ==, 2);

  probe_clear (&both);
}

static void
test_post_same_callback_twice (void)
{
  Probe probe;
  g_autoptr(NotificationCenter) center = notification_center_new ();
  g_autoptr(GString) log = g_string_new ("");
  gulong id1, id2;

  g_test_summary ("The same callback and data added twice are two observers with "
                  "their own ids, called and removed separately");

  probe_init (&probe, "p", log);
  id1 = probe_add (center, "t", NULL, &probe);
  id2 = probe_add (center, "t", NULL, &probe);
  g_assert_cmpuint (id1, !=, id2);
  g_assert_cmpuint (notification_center_get_n_observers (center), ==, 2);

  notification_center_post (center, "t", NULL, NULL);
  g_assert_cmpint (probe_calls (&probe), ==, 2);
  g_assert_cmpstr (log->str, ==, "p p ");

  notification_center_remove_observer (center, id1);
  g_assert_cmpint (probe_destroys (&probe), ==, 1);
  probe.n_destroys = 0; /* probe_cb asserts it is 0 */
  notification_center_post (center, "t", NULL, NULL);
  g_assert_cmpint (probe_calls (&probe), ==, 3);
  g_assert_cmpstr (log->str, ==, "p p p ");

  notification_center_remove_observer (center, id2);
  g_assert_cmpint (probe_destroys (&probe), ==, 1);

  probe_clear (&probe);
}

static void
test_post_independent_centers (void)
{
  Probe p1, p2;
  g_autoptr(NotificationCenter) c1 = notification_center_new ();
  g_autoptr(NotificationCenter) c2 = notification_center_new ();

  g_test_summary ("Observers of one center are not reached by posts to another");

  g_assert_true (c1 != c2);
  probe_init (&p1, "p1", NULL);
  probe_init (&p2, "p2", NULL);
  probe_add (c1, "t", NULL, &p1);
  probe_add (c2, "t", NULL, &p2);

  notification_center_post (c1, "t", NULL, NULL);
  g_assert_cmpint (probe_calls (&p1), ==, 1);
  g_assert_cmpint (probe_calls (&p2), ==, 0);
  g_assert_true (p1.last_center == c1);

  probe_clear (&p1);
  probe_clear (&p2);
}

/* has_observers() is TRUE exactly when a post would reach an observer. */
static void
test_has_observers (void)
{
  g_autoptr(NotificationCenter) center = notification_center_new ();
  g_autoptr(GObject) a = g_object_new (G_TYPE_OBJECT, NULL);
  g_autoptr(GObject) b = g_object_new (G_TYPE_OBJECT, NULL);
  gulong id;

  g_test_summary ("has_observers() is TRUE exactly when a post of that type and "
                  "sender would reach an observer");

  g_assert_false (notification_center_has_observers (center, "t", NULL));
  g_assert_false (notification_center_has_observers (center, "t", a));

  id = notification_center_add_observer (center, "t", a, noop_cb, NULL, NULL);
  g_assert_true (notification_center_has_observers (center, "t", a));
  g_assert_false (notification_center_has_observers (center, "t", b));
  g_assert_false (notification_center_has_observers (center, "t", NULL));
  g_assert_false (notification_center_has_observers (center, "u", a));
  notification_center_remove_observer (center, id);
  g_assert_false (notification_center_has_observers (center, "t", a));

  id = notification_center_add_observer (center, "t", NULL, noop_cb, NULL, NULL);
  g_assert_true (notification_center_has_observers (center, "t", a));
  g_assert_true (notification_center_has_observers (center, "t", NULL));
  g_assert_false (notification_center_has_observers (center, "u", NULL));
  notification_center_remove_observer (center, id);

  id = notification_center_add_observer (center, NULL, a, noop_cb, NULL, NULL);
  g_assert_true (notification_center_has_observers (center, "t", a));
  g_assert_true (notification_center_has_observers (center, "u", a));
  g_assert_false (notification_center_has_observers (center, "u", b));
  g_assert_false (notification_center_has_observers (center, "u", NULL));
  notification_center_remove_observer (center, id);

  id = notification_center_add_observer (center, NULL, NULL, noop_cb, NULL, NULL);
  g_assert_true (notification_center_has_observers (center, "anything", NULL));
  g_assert_true (notification_center_has_observers (center, "anything", b));
  notification_center_remove_observer (center, id);

  g_assert_false (notification_center_has_observers (center, "t", a));
  g_assert_false (notification_center_has_observers (center, "anything", NULL));
}

/* Posting or asking about a type nobody observes does not intern it. */
static void
test_post_type_not_interned (void)
{
  g_autoptr(NotificationCenter) center = notification_center_new ();
  g_autoptr(GObject) a = g_object_new (G_TYPE_OBJECT, NULL);
  g_autofree char *type = g_strdup_printf ("never-interned-%08x-%08x",
                                           g_random_int (), g_random_int ());

  g_test_summary ("Posting, or asking has_observers() about, a type that nobody "
                  "observes does not intern it as a quark");

  notification_center_add_observer (center, "other", NULL, noop_cb, NULL, NULL);
  notification_center_add_observer (center, "other", a, noop_cb, NULL, NULL);
  notification_center_add_observer (center, NULL, a, noop_cb, NULL, NULL);

  g_assert_cmpuint (g_quark_try_string (type), ==, 0);
  notification_center_post (center, type, NULL, NULL);
  g_assert_false (notification_center_has_observers (center, type, NULL));
  g_assert_cmpuint (g_quark_try_string (type), ==, 0);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/center/post/no-observers", test_post_no_observers);
  g_test_add_func ("/center/post/arguments", test_post_arguments);
  g_test_add_func ("/center/post/synchronous", test_post_synchronous);
  g_test_add_func ("/center/post/type-match", test_post_type_match);
  g_test_add_func ("/center/post/every-type", test_post_every_type);
  g_test_add_func ("/center/post/label-types", test_post_label_types);
  g_test_add_func ("/center/post/sender-match", test_post_sender_match);
  g_test_add_func ("/center/post/every-sender", test_post_every_sender);
  g_test_add_func ("/center/post/null-sender", test_post_null_sender);
  g_test_add_func ("/center/post/matrix", test_post_matrix);
  g_test_add_func ("/center/post/order", test_post_order);
  g_test_add_func ("/center/post/order-after-removal", test_post_order_after_removal);
  g_test_add_func ("/center/post/exactly-once", test_post_exactly_once);
  g_test_add_func ("/center/post/same-callback-twice", test_post_same_callback_twice);
  g_test_add_func ("/center/post/independent-centers", test_post_independent_centers);
  g_test_add_func ("/center/post/type-not-interned", test_post_type_not_interned);
  g_test_add_func ("/center/has-observers/observers", test_has_observers);

  return g_test_run ();
}
