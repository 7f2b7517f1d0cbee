/* test-growth.c: memory stays flat under unobserved posts and observer churn
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Measured with glibc's mallinfo2() (uordblks: bytes handed out by malloc
 * and not freed), which counts every allocation of the library and GLib
 * in this process. Under a sanitizer or valgrind malloc is replaced and
 * mallinfo2() reports nothing: the test is skipped there.
 *
 * GSlice (GLib 2.74) keeps freed blocks in its own caches, which would
 * show as growth: the test runs with G_SLICE=always-malloc. glibc's
 * per-thread cache (tcache) keeps up to seven freed blocks of each small
 * size, which mallinfo2() counts as in use: the library's 8 KiB-aligned
 * slab chunks leave freed fragments of odd sizes there (measured: +50 KiB
 * to +200 KiB that are not heap in use), so the test also runs with
 * GLIBC_TUNABLES=glibc.malloc.tcache_count=0. It re-executes itself with
 * both when started without.
 *
 * Tolerances:
 *  - 1,000,000 posts of distinct unobserved types: 16 KiB. Such a post
 *    allocates nothing and interns nothing, so the only slack is for GLib
 *    (a lazily created per-thread buffer, say).
 *  - 1,000,000 observers added and removed: 256 KiB. Removed observers,
 *    index entries and tables are freed through epoch-based reclamation,
 *    in batches of 128 per epoch: up to three epochs' worth may still be
 *    pending when the measure is taken, and each pending observer keeps
 *    the 8 KiB slab chunk it sits in (measured here: 23 to 49 KiB in all).
 *    A leak of anything per observer would show as megabytes (the 100,000
 *    observers of a round take 32 MB at their peak). The id table and the index
 *    shrink back to their minimum sizes.
 */

#include <errno.h>
#include <malloc.h>
#include <unistd.h>

#include <notification/notification.h>

#define N 1000000

#define POST_TOLERANCE     (16 * 1024)
#define OBSERVER_TOLERANCE (256 * 1024)

static void
noop_cb (NotificationCenter *center,
         const char         *type,
         GObject            *sender,
         GVariant           *user_info,
         gpointer            user_data)
{
  g_assert_not_reached ();
}

static void
noop_handler (NotificationCenter *center,
              const char         *type,
              GObject            *sender,
              GVariant           *user_info,
              gpointer            user_data)
{
  g_assert_not_reached ();
}

static gsize
heap_in_use (void)
{
  return mallinfo2 ().uordblks;
}

static gboolean
skip_without_mallinfo (void)
{
  gpointer probe = g_malloc (4096);
  gboolean measurable = heap_in_use () >= 4096;

  g_free (probe);
  if (!measurable)
    g_test_skip ("mallinfo2() does not see this process's heap (sanitizer or valgrind)");

  return !measurable;
}

static void
post_unobserved (NotificationCenter *center,
                 GObject            *sender,
                 guint               from,
                 guint               to)
{
  char type[32];

  for (guint i = from; i < to; i++)
    {
      g_snprintf (type, sizeof type, "unobserved-%u", i);
      notification_center_post (center, type, (i & 1) ? sender : NULL, NULL);
    }
}

static void
check_posts (NotificationCenter *center)
{
  g_autoptr(GObject) sender = g_object_new (G_TYPE_OBJECT, NULL);
  g_autoptr(GObject) other_sender = g_object_new (G_TYPE_OBJECT, NULL);
  g_autoptr(GTimer) timer = g_timer_new ();
  gsize before, after;
  gssize growth;
  char type[32];

  /* Observers of other types and senders, so that posts go through the
   * index; on a center that emits the signal, a handler with another
   * detail, so that posts ask GLib about the detail too. */
  for (guint i = 0; i < 100; i++)
    {
      g_snprintf (type, sizeof type, "observed-%u", i);
      notification_center_add_observer (center, type, NULL, noop_cb, NULL, NULL);
      notification_center_add_observer (center, type, other_sender, noop_cb, NULL, NULL);
    }
  notification_center_add_observer (center, NULL, other_sender, noop_cb, NULL, NULL);
  if (notification_center_get_emits_signal (center))
    g_signal_connect (center, "notification::observed-0", G_CALLBACK (noop_handler), NULL);

  /* Warm up: thread-local reclamation slot, GLib's lazy state. */
  post_unobserved (center, sender, 0, 1000);

  before = heap_in_use ();
  post_unobserved (center, sender, 1000, N);
  after = heap_in_use ();
  growth = (gssize) after - (gssize) before;

  g_test_message ("%s: %d posts of distinct unobserved types in %.2f s: heap %zu -> %zu bytes (%+zd)",
                  notification_center_get_emits_signal (center) ? "emits-signal TRUE" : "emits-signal FALSE",
                  N - 1000, g_timer_elapsed (timer, NULL), before, after, growth);
  g_assert_cmpint (growth, <=, POST_TOLERANCE);

  /* No type string was interned. */
  g_snprintf (type, sizeof type, "unobserved-%u", N - 1);
  g_assert_cmpuint (g_quark_try_string (type), ==, 0);
  g_assert_false (notification_center_has_observers (center, type, sender));

  notification_center_remove_all_observers (center);
  g_signal_handlers_disconnect_by_func (center, noop_handler, NULL);
}

static void
test_growth_posts (void)
{
  g_test_summary ("Posting 1,000,000 distinct types nobody observes does not grow the heap");

  if (skip_without_mallinfo ())
    return;

  check_posts (notification_center_get_default ());
}

static void
test_growth_posts_no_signal (void)
{
  NotificationCenter *center;

  g_test_summary ("The same on a center with emits-signal FALSE");

  if (skip_without_mallinfo ())
    return;

  center = g_object_new (NOTIFICATION_TYPE_CENTER, "emits-signal", FALSE, NULL);
  check_posts (center);
  g_assert_finalize_object (center);
}

static void
count_destroy (gpointer data)
{
  (*(guint *) data)++;
}

static void
test_growth_observers (void)
{
  NotificationCenter *center = notification_center_get_default ();
  g_autoptr(GObject) sender = g_object_new (G_TYPE_OBJECT, NULL);
  g_autoptr(GObject) owner = g_object_new (G_TYPE_OBJECT, NULL);
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GTimer) timer = g_timer_new ();
  gulong *ids = g_new (gulong, N / 10);
  guint n_destroyed = 0;
  gsize before, peak = 0, after;
  gssize growth;
  char type[32];

  g_test_summary ("Adding and removing 1,000,000 observers returns the heap to its start");

  if (skip_without_mallinfo ())
    {
      g_free (ids);
      return;
    }

  /* Warm up: the first index table, the id table, the watches, the
   * first slab chunk (kept while the center lives, for the next add). */
  for (guint i = 0; i < 1000; i++)
    {
      notification_center_remove_observer (center,
        notification_center_add_observer_full (center, "warm", sender, owner, context,
                                               noop_cb, &n_destroyed, count_destroy));
      notification_center_remove_observer (center,
        notification_center_add_observer (center, "warm", NULL,
                                          noop_cb, &n_destroyed, count_destroy));
    }
  while (g_main_context_iteration (context, FALSE))
    ;
  n_destroyed = 0;

  before = heap_in_use ();

  /* Ten rounds of 100,000 observers at once, of distinct types (each a
   * new index entry), some for a sender, some tied to an owner, some on a
   * main context, then removed by id. */
  for (guint round = 0; round < 10; round++)
    {
      for (guint i = 0; i < N / 10; i++)
        {
          guint n = round * (N / 10) + i;

          g_snprintf (type, sizeof type, "type-%u", n);
          ids[i] = notification_center_add_observer_full (center,
                                                          (n % 7) == 0 ? NULL : type,
                                                          (n % 3) == 0 ? sender : NULL,
                                                          (n % 5) == 0 ? owner : NULL,
                                                          (n % 11) == 0 ? context : NULL,
                                                          noop_cb, &n_destroyed, count_destroy);
        }
      peak = MAX (peak, heap_in_use ());
      g_assert_cmpuint (notification_center_get_n_observers (center), ==, N / 10);

      /* Half in the order added, half in reverse. */
      for (guint i = 0; i < N / 20; i++)
        notification_center_remove_observer (center, ids[i]);
      for (guint i = N / 10; i > N / 20; i--)
        notification_center_remove_observer (center, ids[i - 1]);
      g_assert_cmpuint (notification_center_get_n_observers (center), ==, 0);

      /* The destroy notifies of the main-context observers run there. */
      while (g_main_context_iteration (context, FALSE))
        ;
    }

  g_assert_cmpuint (n_destroyed, ==, N);
  g_assert_false (g_main_context_pending (context));
  after = heap_in_use ();
  growth = (gssize) after - (gssize) before;

  g_test_message ("%d observers added and removed in %.2f s: heap %zu -> %zu bytes (%+zd), peak %zu",
                  N, g_timer_elapsed (timer, NULL), before, after, growth, peak);
  g_assert_cmpint (growth, <=, OBSERVER_TOLERANCE);
  g_assert_cmpuint (peak, >, before + N / 10 * 32);

  g_free (ids);
}

/* Short-lived centers that observe a long-lived object: each leaves a
 * weak reference on it until it is disposed, but not its registry. */
static void
noop_observer (NotificationCenter *center, const char *type, GObject *sender,
               GVariant *user_info, gpointer user_data)
{
}

static void
test_growth_centers_of_one_sender (void)
{
  GObject *singleton = g_object_new (G_TYPE_OBJECT, NULL);
  const guint n = 20000;
  gsize before, after;

  g_test_summary ("A center that observed a long-lived sender frees its registry when "
                  "it is finalized; only the small watch stays on the sender");

  if (skip_without_mallinfo ())
    {
      g_object_unref (singleton);
      return;
    }

  for (guint i = 0; i < 100; i++)
    g_object_unref (notification_center_new ());
  before = heap_in_use ();
  for (guint i = 0; i < n; i++)
    {
      NotificationCenter *center = notification_center_new ();
      gulong id = notification_center_add_observer (center, "t", singleton, noop_observer, NULL, NULL);

      notification_center_remove_observer (center, id);
      g_object_unref (center);
    }
  after = heap_in_use ();
  g_test_message ("%u centers: %+zd bytes, %.0f per center", n,
                  (gssize) after - (gssize) before, ((gssize) after - (gssize) before) / (double) n);
  /* A watch and its weak reference: about 100 bytes, not a registry (about 10 KB). */
  g_assert_cmpint ((gssize) after - (gssize) before, <, (gssize) n * 256);

  g_object_unref (singleton);
}

int
main (int    argc,
      char **argv)
{
  if (g_strcmp0 (g_getenv ("G_SLICE"), "always-malloc") != 0 ||
      g_strcmp0 (g_getenv ("GLIBC_TUNABLES"), "glibc.malloc.tcache_count=0") != 0)
    {
      /* Both are read once, before main() may already have run. */
      g_setenv ("G_SLICE", "always-malloc", TRUE);
      g_setenv ("GLIBC_TUNABLES", "glibc.malloc.tcache_count=0", TRUE);
      execv ("/proc/self/exe", argv);
      g_error ("cannot re-execute with G_SLICE and GLIBC_TUNABLES set: %s", g_strerror (errno));
    }

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/growth/posts/default-center", test_growth_posts);
  g_test_add_func ("/growth/posts/no-signal-center", test_growth_posts_no_signal);
  g_test_add_func ("/growth/observers", test_growth_observers);
  g_test_add_func ("/growth/centers-of-one-sender", test_growth_centers_of_one_sender);

  return g_test_run ();
}
