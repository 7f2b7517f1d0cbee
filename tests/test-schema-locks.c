/* test-schema-locks.c: checking user info against a schema takes no
 * process-wide lock
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * GLib's readers of a dictionary (g_variant_lookup_value(), GVariantIter)
 * make a GVariant for each entry they visit; an entry, a {sv}, is a
 * container, and dropping the last reference to a container's type info
 * takes GLib's process-wide type-info lock (a GRecMutex). Checking a
 * 2-key dictionary that way took 3 of them per post.
 *
 * The locks are counted by interposing pthread_mutex_lock(): this
 * executable defines it, so GLib's calls come here first (GRecMutex is a
 * pthread mutex; GMutex is a futex on Linux and is not seen). Only the
 * calls made by the test's own thread between count_start() and
 * count_stop() are counted. A sanitizer or tool that takes the symbol for
 * itself is detected by a control measurement, and the tests then skip.
 */

#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>

#include "test-util.h"

#define N_POSTS 100

static int (*real_pthread_mutex_lock) (pthread_mutex_t *mutex);
static _Thread_local gboolean counting;
static _Thread_local guint64 n_locks;

int
pthread_mutex_lock (pthread_mutex_t *mutex)
{
  if (G_UNLIKELY (real_pthread_mutex_lock == NULL))
    real_pthread_mutex_lock = (int (*) (pthread_mutex_t *)) dlsym (RTLD_NEXT, "pthread_mutex_lock");

  if (counting)
    n_locks++;

  return real_pthread_mutex_lock (mutex);
}

static void
count_start (void)
{
  n_locks = 0;
  counting = TRUE;
}

static guint64
count_stop (void)
{
  counting = FALSE;
  return n_locks;
}

/* Skips the test (and returns FALSE) unless GLib's own lock calls reach
 * pthread_mutex_lock() above: a GRecMutex taken on purpose must count 1. */
static gboolean
interposition_works (void)
{
  static GRecMutex control;
  guint64 n;

  count_start ();
  g_rec_mutex_lock (&control);
  n = count_stop ();
  g_rec_mutex_unlock (&control);

  if (n != 1)
    {
      g_autofree char *message =
        g_strdup_printf ("pthread_mutex_lock() is not interposable here (a GRecMutex "
                         "counted %" G_GUINT64_FORMAT ", not 1): a sanitizer or tool "
                         "takes it for itself", n);

      g_test_skip (message);
      return FALSE;
    }

  return TRUE;
}

/* A 2-key a{sv}, built as a program builds it: tree-form, not serialised. */
static GVariant *
dict_build (const char *out_string,
            GVariant   *line)
{
  GVariantBuilder builder;

  g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&builder, "{sv}", "out_string", g_variant_new_string (out_string));
  g_variant_builder_add (&builder, "{sv}", "line", line);

  return g_variant_ref_sink (g_variant_builder_end (&builder));
}

/* The same dictionary as it comes from a peer or a file: serialised
 * bytes, not trusted. */
static GVariant *
dict_received (void)
{
  g_autoptr(GVariant) built = dict_build ("hello, world\n", g_variant_new_uint32 (42));
  g_autoptr(GBytes) bytes = g_variant_get_data_as_bytes (built);

  return g_variant_ref_sink (g_variant_new_from_bytes (G_VARIANT_TYPE_VARDICT, bytes, FALSE));
}

/* An emits-signal FALSE center: stdout has a schema (out_string s
 * required, line u optional) and one observer. */
static NotificationCenter *
center_new (int *n_calls)
{
  NotificationCenter *center = g_object_new (NOTIFICATION_TYPE_CENTER, "emits-signal", FALSE, NULL);
  g_autoptr(NotificationSchema) schema = notification_schema_new ();

  g_assert_true (notification_schema_add_key (schema, "out_string", "s", TRUE, NULL));
  g_assert_true (notification_schema_add_key (schema, "line", "u", FALSE, NULL));
  notification_center_register_schema (center, "stdout", schema);
  notification_center_add_observer (center, "stdout", NULL, count_cb, n_calls, NULL);

  /* A thread's first post registers it with the library's memory
   * reclamation (one lock, once per thread): not what is measured. */
  notification_center_post (center, "warm-up", NULL, NULL);

  return center;
}

/* The counter sees the lock this file is about: GLib's own reader takes
 * it. Without this, a GLib that no longer took the lock would pass the
 * tests below for the wrong reason; it is only reported. */
static void
test_locks_control (void)
{
  g_autoptr(GVariant) user_info = dict_received ();
  g_autoptr(GVariant) value = NULL;
  guint64 n;

  g_test_summary ("The lock counter sees the lock that GLib's own reader takes, so "
                  "that the tests of no lock can fail (only reported if not)");

  if (!interposition_works ())
    return;

  count_start ();
  value = g_variant_lookup_value (user_info, "line", NULL);
  n = count_stop ();
  g_assert_nonnull (value);
  g_test_message ("g_variant_lookup_value() of the second key: %" G_GUINT64_FORMAT " locks", n);
  if (n == 0)
    g_test_message ("GLib's reader takes no lock here: the tests below cannot fail");
}

/* Posts of a received (serialised) dictionary take no lock. */
static void
test_locks_post_received (void)
{
  int n_calls = 0;
  g_autoptr(NotificationCenter) center = center_new (&n_calls);
  g_autoptr(GVariant) user_info = dict_received ();
  guint64 n;

  g_test_summary ("Posts of a received, serialised dictionary against a schema take "
                  "no lock");

  if (!interposition_works ())
    return;

  count_start ();
  for (guint i = 0; i < N_POSTS; i++)
    notification_center_post (center, "stdout", NULL, user_info);
  n = count_stop ();

  g_assert_cmpint (n_calls, ==, N_POSTS);
  g_test_message ("%" G_GUINT64_FORMAT " locks in %d posts", n, N_POSTS);
  g_assert_cmpuint (n, ==, 0);
}

/* A dictionary a program built: the first check serialises it (as
 * GLib's reader did too), which drops its entries then rather than when
 * it is freed. So over its whole life, posting it costs no lock: posts
 * and the last unref together take what the last unref of an identical
 * dictionary that was never posted takes. */
static void
test_locks_post_built (void)
{
  int n_calls = 0;
  g_autoptr(NotificationCenter) center = center_new (&n_calls);
  /* Holds the type infos of a{sv} and {sv}: neither free below drops the
   * last reference to one (which would take one more lock). */
  GVariant *keep = dict_build ("kept", g_variant_new_uint32 (0));
  GVariant *posted = dict_build ("hello, world\n", g_variant_new_uint32 (42));
  GVariant *unposted = dict_build ("hello, world\n", g_variant_new_uint32 (42));
  guint64 n_posts, n_posts_after_first, n_free, n_free_unposted;

  g_test_summary ("Posting a dictionary that the program built costs no lock over "
                  "its whole life, compared with one never posted");

  if (!interposition_works ())
    {
      g_variant_unref (posted);
      g_variant_unref (unposted);
      g_variant_unref (keep);
      return;
    }

  count_start ();
  notification_center_post (center, "stdout", NULL, posted);
  n_posts = count_stop ();

  count_start ();
  for (guint i = 1; i < N_POSTS; i++)
    notification_center_post (center, "stdout", NULL, posted);
  n_posts_after_first = count_stop ();
  n_posts += n_posts_after_first;

  count_start ();
  g_variant_unref (posted);
  n_free = count_stop ();

  count_start ();
  g_variant_unref (unposted);
  n_free_unposted = count_stop ();

  g_assert_cmpint (n_calls, ==, N_POSTS);
  g_test_message ("%" G_GUINT64_FORMAT " locks in %d posts (%" G_GUINT64_FORMAT
                  " after the first), %" G_GUINT64_FORMAT " to free it; %"
                  G_GUINT64_FORMAT " to free one never posted",
                  n_posts, N_POSTS, n_posts_after_first, n_free, n_free_unposted);
  g_assert_cmpuint (n_posts_after_first, ==, 0);
  g_assert_cmpuint (n_posts + n_free, ==, n_free_unposted);
  g_variant_unref (keep);
}

/* post_checked: a valid dictionary takes no lock; an invalid one is
 * still an error (its lock count, for the GError, is only reported). */
static void
test_locks_post_checked (void)
{
  int n_calls = 0;
  g_autoptr(NotificationCenter) center = center_new (&n_calls);
  g_autoptr(GVariant) valid = dict_received ();
  g_autoptr(GVariant) invalid = dict_build ("x", g_variant_new_string ("not a line number"));
  g_autoptr(GError) error = NULL;
  gboolean delivered = TRUE;
  guint64 n;

  g_test_summary ("post_checked() of a valid dictionary takes no lock, and an "
                  "invalid one is still an error with the expected message");

  if (!interposition_works ())
    return;

  count_start ();
  for (guint i = 0; i < N_POSTS; i++)
    delivered &= notification_center_post_checked (center, "stdout", NULL, valid, NULL);
  n = count_stop ();
  g_assert_true (delivered);
  g_assert_cmpint (n_calls, ==, N_POSTS);
  g_test_message ("valid: %" G_GUINT64_FORMAT " locks in %d posts", n, N_POSTS);
  g_assert_cmpuint (n, ==, 0);

  g_variant_get_data (invalid);
  count_start ();
  delivered = notification_center_post_checked (center, "stdout", NULL, invalid, &error);
  n = count_stop ();
  g_assert_false (delivered);
  g_assert_error (error, NOTIFICATION_ERROR, NOTIFICATION_ERROR_WRONG_TYPE);
  g_assert_cmpstr (error->message, ==,
                   "Notification “stdout”: key “line” must be of type “u”, not “s”");
  g_assert_cmpint (n_calls, ==, N_POSTS);
  g_test_message ("invalid: %" G_GUINT64_FORMAT " locks", n);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_summary ("Checking user info against a schema takes no process-wide lock");

  g_test_add_func ("/schema/locks/control", test_locks_control);
  g_test_add_func ("/schema/locks/post/received", test_locks_post_received);
  g_test_add_func ("/schema/locks/post/built", test_locks_post_built);
  g_test_add_func ("/schema/locks/post-checked", test_locks_post_checked);

  return g_test_run ();
}
