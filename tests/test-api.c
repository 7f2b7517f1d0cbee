/* test-api.c: version macros, the default center, construction, and the
 * post_values() convenience, which builds the a{sv} only when someone
 * will receive it
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <notification/notification.h>

#include "test-util.h"

/* compile-time checks of the version macros */
G_STATIC_ASSERT (NOTIFICATION_MAJOR_VERSION >= 1);
G_STATIC_ASSERT (NOTIFICATION_CHECK_VERSION (1, 0, 0));
G_STATIC_ASSERT (NOTIFICATION_CHECK_VERSION (NOTIFICATION_MAJOR_VERSION,
                                             NOTIFICATION_MINOR_VERSION,
                                             NOTIFICATION_MICRO_VERSION));
G_STATIC_ASSERT (!NOTIFICATION_CHECK_VERSION (NOTIFICATION_MAJOR_VERSION,
                                              NOTIFICATION_MINOR_VERSION,
                                              NOTIFICATION_MICRO_VERSION + 1));
G_STATIC_ASSERT (!NOTIFICATION_CHECK_VERSION (NOTIFICATION_MAJOR_VERSION,
                                              NOTIFICATION_MINOR_VERSION + 1, 0));
G_STATIC_ASSERT (!NOTIFICATION_CHECK_VERSION (NOTIFICATION_MAJOR_VERSION + 1, 0, 0));

static void
test_version_macros (void)
{
  g_autofree char *version = NULL;

  g_test_summary ("The version macros agree with each other and "
                  "NOTIFICATION_CHECK_VERSION() compares against them");

  g_assert_cmpint (NOTIFICATION_MAJOR_VERSION, ==, 1);
  g_assert_cmpint (NOTIFICATION_MINOR_VERSION, >=, 0);
  g_assert_cmpint (NOTIFICATION_MICRO_VERSION, >=, 0);

  version = g_strdup_printf ("%d.%d.%d", NOTIFICATION_MAJOR_VERSION,
                             NOTIFICATION_MINOR_VERSION, NOTIFICATION_MICRO_VERSION);
  g_assert_cmpstr (version, ==, NOTIFICATION_VERSION_S);

  g_assert_true (NOTIFICATION_CHECK_VERSION (0, 0, 0));
  g_assert_true (NOTIFICATION_CHECK_VERSION (0, 99, 99));
  g_assert_true (NOTIFICATION_CHECK_VERSION (1, 0, 0));
  g_assert_false (NOTIFICATION_CHECK_VERSION (99, 0, 0));
  if (NOTIFICATION_MINOR_VERSION > 0)
    g_assert_true (NOTIFICATION_CHECK_VERSION (NOTIFICATION_MAJOR_VERSION,
                                               NOTIFICATION_MINOR_VERSION - 1, 99));
}

static void
test_types (void)
{
  g_test_summary ("The public types are registered with the expected names and "
                  "kinds: a final GObject center, a GObject schema, an enum error "
                  "domain");

  g_assert_true (g_type_is_a (NOTIFICATION_TYPE_CENTER, G_TYPE_OBJECT));
  g_assert_true (G_TYPE_IS_FINAL (NOTIFICATION_TYPE_CENTER));
  g_assert_cmpstr (g_type_name (NOTIFICATION_TYPE_CENTER), ==, "NotificationCenter");
  g_assert_true (g_type_is_a (NOTIFICATION_TYPE_SCHEMA, G_TYPE_OBJECT));
  g_assert_cmpstr (g_type_name (NOTIFICATION_TYPE_SCHEMA), ==, "NotificationSchema");
  g_assert_true (G_TYPE_IS_ENUM (NOTIFICATION_TYPE_ERROR));
  g_assert_cmpstr (g_quark_to_string (NOTIFICATION_ERROR), ==, "notification-error-quark");
}

static void
test_get_default (void)
{
  NotificationCenter *center = notification_center_get_default ();
  NotificationCenter *again = notification_center_get_default ();
  g_autoptr(NotificationCenter) fresh = notification_center_new ();

  g_test_summary ("notification_center_get_default() returns the same center on "
                  "every call, distinct from new centers, with emits-signal set");

  g_assert_nonnull (center);
  g_assert_true (NOTIFICATION_IS_CENTER (center));
  g_assert_true (center == again);
  g_assert_true (fresh != center);
  /* emits-signal defaults to TRUE, also for the default center */
  g_assert_true (notification_center_get_emits_signal (center));
  g_assert_true (notification_center_get_emits_signal (fresh));
}

static gpointer
get_default_thread (gpointer data)
{
  return notification_center_get_default ();
}

static void
test_get_default_thread (void)
{
  GThread *thread = g_thread_new ("get-default", get_default_thread, NULL);
  gpointer other = g_thread_join (thread);

  g_test_summary ("Another thread gets the same default center as the main thread");

  g_assert_true (other == notification_center_get_default ());
}

/* The default center is shared: an observer added through one call is
 * reached by a post through another. */
static void
test_default_shared (void)
{
  g_autofree char *type = g_strdup_printf ("api-default-%08x", g_random_int ());
  Probe probe;
  gulong id;

  g_test_summary ("An observer added to the default center through one call is "
                  "reached by a post through another");

  probe_init (&probe, "p", NULL);
  id = probe_add (notification_center_get_default (), type, NULL, &probe);
  notification_center_post (notification_center_get_default (), type, NULL, NULL);
  g_assert_cmpint (probe_calls (&probe), ==, 1);
  g_assert_true (probe.last_center == notification_center_get_default ());
  notification_center_remove_observer (notification_center_get_default (), id);
  g_assert_cmpint (probe_destroys (&probe), ==, 1);

  probe_clear (&probe);
}

static void
test_new_independent (void)
{
  NotificationCenter *center = notification_center_new ();
  gboolean gone = FALSE;

  g_test_summary ("A new center has no observers and is finalized by its last unref");

  g_assert_true (NOTIFICATION_IS_CENTER (center));
  g_assert_cmpuint (notification_center_get_n_observers (center), ==, 0);
  g_object_weak_ref (G_OBJECT (center), flag_weak_notify, &gone);
  g_object_unref (center);
  g_assert_true (gone);
}

static void
test_n_observers (void)
{
  g_autoptr(NotificationCenter) center = notification_center_new ();
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GObject) owner = g_object_new (G_TYPE_OBJECT, NULL);
  gulong a, b;

  g_test_summary ("get_n_observers() counts the observers added and removed, "
                  "including owner-bound ones, and not signal handlers");

  g_assert_cmpuint (notification_center_get_n_observers (center), ==, 0);
  a = notification_center_add_observer (center, "t", NULL, noop_cb, NULL, NULL);
  b = notification_center_add_observer (center, NULL, NULL, noop_cb, NULL, NULL);
  notification_center_add_observer_full (center, NULL, NULL, owner, context, noop_cb, NULL, NULL);
  g_assert_cmpuint (notification_center_get_n_observers (center), ==, 3);

  /* signal handlers are not observers */
  g_signal_connect (center, "notification", G_CALLBACK (noop_cb), NULL);
  g_assert_cmpuint (notification_center_get_n_observers (center), ==, 3);

  notification_center_remove_observer (center, a);
  g_assert_cmpuint (notification_center_get_n_observers (center), ==, 2);
  notification_center_remove_observer (center, b);
  g_assert_cmpuint (notification_center_get_n_observers (center), ==, 1);
  g_clear_object (&owner);
  g_assert_cmpuint (notification_center_get_n_observers (center), ==, 0);
}

/* ------------------------------------------------------------------ */
/* post_values */

/* keeps a reference to the first user info it sees in *(GVariant **) */
static void
keep_cb (NotificationCenter *center,
         const char         *type,
         GObject            *sender,
         GVariant           *user_info,
         gpointer            user_data)
{
  GVariant **kept = user_data;

  if (*kept == NULL && user_info != NULL)
    *kept = g_variant_ref (user_info);
}

static void
test_post_values_builds_dict (void)
{
  Probe probe;
  g_autoptr(NotificationCenter) center = notification_center_new ();
  g_autoptr(GObject) sender = g_object_new (G_TYPE_OBJECT, NULL);
  g_autoptr(GVariant) info = NULL;
  const char *s = NULL;
  const char **strv = NULL;
  const char *lines[] = { "one", "two", NULL };
  gint32 i = 0;
  gboolean b = FALSE;
  double d = 0;
  gint64 x = 0;

  g_test_summary ("post_values() builds an a{sv} dictionary of the given keys, types "
                  "and values for the observers");

  probe_init (&probe, "p", NULL);
  probe_add (center, "t", NULL, &probe);
  notification_center_add_observer (center, "t", NULL, keep_cb, &info, NULL);

  notification_center_post_values (center, "t", sender,
                                   "key", "s", "value",
                                   "n", "i", 42,
                                   "flag", "b", TRUE,
                                   "ratio", "d", 0.25,
                                   "big", "x", G_GINT64_CONSTANT (1) << 40,
                                   "lines", "^as", lines,
                                   NULL);
  g_assert_cmpint (probe_calls (&probe), ==, 1);
  g_assert_true (probe.last_sender == sender);
  g_assert_cmpstr (probe.last_type, ==, "t");
  g_assert_true (probe.last_user_info == info);

  g_assert_nonnull (info);
  g_assert_cmpstr (g_variant_get_type_string (info), ==, "a{sv}");
  g_assert_cmpuint (g_variant_n_children (info), ==, 6);
  g_assert_true (g_variant_lookup (info, "key", "&s", &s));
  g_assert_cmpstr (s, ==, "value");
  g_assert_true (g_variant_lookup (info, "n", "i", &i));
  g_assert_cmpint (i, ==, 42);
  g_assert_true (g_variant_lookup (info, "flag", "b", &b));
  g_assert_true (b);
  g_assert_true (g_variant_lookup (info, "ratio", "d", &d));
  g_assert_cmpfloat (d, ==, 0.25);
  g_assert_true (g_variant_lookup (info, "big", "x", &x));
  g_assert_cmpint (x, ==, G_GINT64_CONSTANT (1) << 40);
  g_assert_true (g_variant_lookup (info, "lines", "^a&s", &strv));
  g_assert_cmpstrv (strv, lines);
  g_free (strv);

  probe_clear (&probe);
}

/* Signal handlers count as receivers too. */
static void
test_post_values_signal (void)
{
  g_autoptr(NotificationCenter) center = notification_center_new ();
  g_autoptr(GVariant) info = NULL;
  gint32 n = 0;

  g_test_summary ("post_values() builds the dictionary for a detailed signal handler "
                  "as the only receiver");

  g_signal_connect (center, "notification::t", G_CALLBACK (keep_cb), &info);
  notification_center_post_values (center, "t", NULL, "n", "i", 7, NULL);
  g_assert_nonnull (info);
  g_assert_true (g_variant_lookup (info, "n", "i", &n));
  g_assert_cmpint (n, ==, 7);
}

/* How to see whether post_values() built the dictionary: a "s" value
 * that is not UTF-8 makes g_variant_new() emit a critical when (and only
 * when) it is built. So in a subprocess with fatal criticals: an
 * unobserved post_values() with such a value must pass, an observed one
 * must fail. */
typedef enum
{
  OBSERVE_NONE,
  OBSERVE_OTHER_TYPE,
  OBSERVE_OTHER_SENDER,
  OBSERVE_OTHER_DETAIL,
  OBSERVE_NO_SIGNAL_CENTER_HANDLER,
  OBSERVE_REMOVED,
  OBSERVE_SAME_TYPE,      /* control: built */
  OBSERVE_EVERY_TYPE,     /* control: built */
  OBSERVE_SIGNAL_DETAIL,  /* control: built */
} Observe;

typedef struct
{
  const char *path;
  Observe     observe;
  gboolean    builds;
} PostValuesCase;

static const PostValuesCase post_values_cases[] = {
  { "/center/post-values/not-built/no-observers", OBSERVE_NONE, FALSE },
  { "/center/post-values/not-built/other-type", OBSERVE_OTHER_TYPE, FALSE },
  { "/center/post-values/not-built/other-sender", OBSERVE_OTHER_SENDER, FALSE },
  { "/center/post-values/not-built/other-detail", OBSERVE_OTHER_DETAIL, FALSE },
  { "/center/post-values/not-built/emits-signal-false", OBSERVE_NO_SIGNAL_CENTER_HANDLER, FALSE },
  { "/center/post-values/not-built/removed-observer", OBSERVE_REMOVED, FALSE },
  { "/center/post-values/built/same-type", OBSERVE_SAME_TYPE, TRUE },
  { "/center/post-values/built/every-type", OBSERVE_EVERY_TYPE, TRUE },
  { "/center/post-values/built/signal-detail", OBSERVE_SIGNAL_DETAIL, TRUE },
};

static void
test_post_values_built_when_observed (gconstpointer data)
{
  const PostValuesCase *c = data;

  g_test_summary ("post_values() builds the dictionary only when the post has a "
                  "receiver, as has_observers() says: a non-UTF-8 value fails only "
                  "then");

  if (g_test_subprocess ())
    {
      g_autoptr(NotificationCenter) center = NULL;
      g_autoptr(GObject) sender = g_object_new (G_TYPE_OBJECT, NULL);
      g_autoptr(GObject) other = g_object_new (G_TYPE_OBJECT, NULL);
      int calls = 0;
      gulong id;

      if (c->observe == OBSERVE_NO_SIGNAL_CENTER_HANDLER)
        center = g_object_new (NOTIFICATION_TYPE_CENTER, "emits-signal", FALSE, NULL);
      else
        center = notification_center_new ();

      switch (c->observe)
        {
        case OBSERVE_NONE:
          break;
        case OBSERVE_OTHER_TYPE:
          notification_center_add_observer (center, "u", NULL, count_cb, &calls, NULL);
          notification_center_add_observer (center, "u", sender, count_cb, &calls, NULL);
          break;
        case OBSERVE_OTHER_SENDER:
          notification_center_add_observer (center, "t", other, count_cb, &calls, NULL);
          notification_center_add_observer (center, NULL, other, count_cb, &calls, NULL);
          break;
        case OBSERVE_OTHER_DETAIL:
          g_signal_connect (center, "notification::u", G_CALLBACK (count_cb), &calls);
          break;
        case OBSERVE_NO_SIGNAL_CENTER_HANDLER:
          g_signal_connect (center, "notification", G_CALLBACK (count_cb), &calls);
          g_signal_connect (center, "notification::t", G_CALLBACK (count_cb), &calls);
          break;
        case OBSERVE_REMOVED:
          id = notification_center_add_observer (center, "t", NULL, count_cb, &calls, NULL);
          notification_center_remove_observer (center, id);
          break;
        case OBSERVE_SAME_TYPE:
          notification_center_add_observer (center, "t", NULL, count_cb, &calls, NULL);
          break;
        case OBSERVE_EVERY_TYPE:
          notification_center_add_observer (center, NULL, sender, count_cb, &calls, NULL);
          break;
        case OBSERVE_SIGNAL_DETAIL:
          g_signal_connect (center, "notification::t", G_CALLBACK (count_cb), &calls);
          break;
        default:
          g_assert_not_reached ();
        }

      g_assert_cmpint (notification_center_has_observers (center, "t", sender), ==, c->builds);
      notification_center_post_values (center, "t", sender,
                                       "n", "i", 1,
                                       "bad", "s", "\xff\xfe not UTF-8",
                                       NULL);
      g_assert_cmpint (calls, ==, 0);
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  if (c->builds)
    g_test_trap_assert_failed ();
  else
    {
      g_test_trap_assert_passed ();
      g_test_trap_assert_stderr_unmatched ("*CRITICAL*");
    }
}

/* Unobserved: the call returns and counts nothing; observed: counted. */
static void
test_post_values_counts (void)
{
  g_autoptr(NotificationCenter) center = notification_center_new ();
  int calls = 0;
  gulong id;

  g_test_summary ("post_values() reaches an observer only while it is added and only "
                  "for its type");

  notification_center_post_values (center, "t", NULL, "k", "s", "v", NULL);
  id = notification_center_add_observer (center, "t", NULL, count_cb, &calls, NULL);
  notification_center_post_values (center, "t", NULL, "k", "s", "v", NULL);
  notification_center_post_values (center, "u", NULL, "k", "s", "v", NULL);
  g_assert_cmpint (calls, ==, 1);
  notification_center_remove_observer (center, id);
  notification_center_post_values (center, "t", NULL, "k", "s", "v", NULL);
  g_assert_cmpint (calls, ==, 1);
}

/* No key at all: the observer still gets the post. */
static void
test_post_values_no_keys (void)
{
  g_autoptr(NotificationCenter) center = notification_center_new ();
  g_autoptr(GVariant) kept = NULL;
  int calls = 0;

  g_test_summary ("post_values() with no key still reaches the observer, with no or "
                  "an empty dictionary");

  notification_center_add_observer (center, "t", NULL, count_cb, &calls, NULL);
  notification_center_add_observer (center, "t", NULL, keep_cb, &kept, NULL);
  notification_center_post_values (center, "t", NULL, NULL, NULL);
  g_assert_cmpint (calls, ==, 1);
  /* NULL or an empty dictionary */
  if (kept != NULL)
    {
      g_assert_true (g_variant_is_of_type (kept, G_VARIANT_TYPE_VARDICT));
      g_assert_cmpuint (g_variant_n_children (kept), ==, 0);
    }
}

int
main (int argc, char *argv[])
{
  gsize i;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/api/version/macros", test_version_macros);
  g_test_add_func ("/api/types", test_types);
  g_test_add_func ("/center/default/same-instance", test_get_default);
  g_test_add_func ("/center/default/other-thread", test_get_default_thread);
  g_test_add_func ("/center/default/shared", test_default_shared);
  g_test_add_func ("/center/new/independent", test_new_independent);
  g_test_add_func ("/center/n-observers", test_n_observers);
  g_test_add_func ("/center/post-values/builds-dict", test_post_values_builds_dict);
  g_test_add_func ("/center/post-values/signal", test_post_values_signal);
  g_test_add_func ("/center/post-values/counts", test_post_values_counts);
  g_test_add_func ("/center/post-values/no-keys", test_post_values_no_keys);
  for (i = 0; i < G_N_ELEMENTS (post_values_cases); i++)
    g_test_add_data_func (post_values_cases[i].path, &post_values_cases[i],
                          test_post_values_built_when_observed);

  return g_test_run ();
}
