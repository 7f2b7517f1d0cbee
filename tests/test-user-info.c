/* test-user-info.c: user info built on first use
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <pthread.h>

#include "test-util.h"

/* The native form under test: a key and a counter, with counts of the
 * builds and destroys of every form. */
typedef struct
{
  gint64 value;
  int   *n_builds;   /* atomic */
  int   *n_destroys; /* atomic */
} Native;

static const int native_kind;

static GVariant *
native_build (gpointer data)
{
  Native *native = data;
  GVariantDict dict;

  g_atomic_int_inc (native->n_builds);
  g_variant_dict_init (&dict, NULL);
  g_variant_dict_insert (&dict, "value", "x", native->value);

  return g_variant_dict_end (&dict);
}

static void
native_destroy (gpointer data)
{
  Native *native = data;

  g_atomic_int_inc (native->n_destroys);
  g_free (native);
}

static NotificationUserInfo *
native_new (gint64  value,
            int    *n_builds,
            int    *n_destroys)
{
  Native *native = g_new0 (Native, 1);

  native->value = value;
  native->n_builds = n_builds;
  native->n_destroys = n_destroys;

  return notification_user_info_new_native (&native_kind, native, native_build, native_destroy);
}

/* What an observer of either kind saw. */
typedef struct
{
  int       n_calls;     /* atomic */
  int       n_native;    /* atomic: calls that got the native form */
  gint64    last_value;
  GVariant *last_variant; /* pointer only */
} Seen;

static gint64
variant_value (GVariant *user_info)
{
  gint64 value = -1;

  g_assert_nonnull (user_info);
  g_assert_true (g_variant_lookup (user_info, "value", "x", &value));

  return value;
}

static void
native_observer_cb (NotificationCenter   *center,
                    const char           *type,
                    GObject              *sender,
                    NotificationUserInfo *user_info,
                    gpointer              user_data)
{
  Seen *seen = user_data;
  Native *native;

  g_assert_nonnull (user_info);
  native = notification_user_info_get_native (user_info, &native_kind);
  if (native != NULL)
    {
      g_atomic_int_inc (&seen->n_native);
      seen->last_value = native->value;
    }
  else
    {
      seen->last_value = variant_value (notification_user_info_get_variant (user_info));
    }
  g_atomic_int_inc (&seen->n_calls);
}

static void
plain_observer_cb (NotificationCenter *center,
                   const char         *type,
                   GObject            *sender,
                   GVariant           *user_info,
                   gpointer            user_data)
{
  Seen *seen = user_data;

  seen->last_value = variant_value (user_info);
  seen->last_variant = user_info;
  g_atomic_int_inc (&seen->n_calls);
}

static void
test_native_only (void)
{
  int n_builds = 0, n_destroys = 0;
  Seen seen = { 0, };
  g_autoptr(NotificationCenter) center = g_object_new (NOTIFICATION_TYPE_CENTER, "emits-signal", FALSE, NULL);
  NotificationUserInfo *info = native_new (42, &n_builds, &n_destroys);

  g_test_summary ("A user info posted to a native observer only is never built into a dictionary, and is released once delivered");

  notification_center_add_user_info_observer (center, "t", NULL, NULL, NULL, 0,
                                              native_observer_cb, &seen, NULL);
  g_assert_true (notification_center_post_user_info (center, "t", NULL, info, NULL));

  g_assert_cmpint (seen.n_calls, ==, 1);
  g_assert_cmpint (seen.n_native, ==, 1);
  g_assert_cmpint (seen.last_value, ==, 42);
  g_assert_cmpint (n_builds, ==, 0);
  g_assert_false (notification_user_info_is_built (info));

  notification_user_info_unref (info);
  g_assert_cmpint (n_destroys, ==, 1);
}

static void
signal_cb (NotificationCenter *center,
           const char         *type,
           GObject            *sender,
           GVariant           *user_info,
           gpointer            user_data)
{
  plain_observer_cb (center, type, sender, user_info, user_data);
}

/* A C observer, a native one and a signal handler of one post: the
 * dictionary is built once, and the C ones share it. */
static void
test_mixed (void)
{
  int n_builds = 0, n_destroys = 0;
  Seen native_seen = { 0, }, plain_seen = { 0, }, plain_seen2 = { 0, }, signal_seen = { 0, };
  g_autoptr(NotificationCenter) center = notification_center_new ();
  NotificationUserInfo *info = native_new (7, &n_builds, &n_destroys);

  g_test_summary ("A C observer, a native one and a signal handler of one post: the dictionary is built once, and the C ones share it");

  notification_center_add_user_info_observer (center, "t", NULL, NULL, NULL, 0,
                                              native_observer_cb, &native_seen, NULL);
  notification_center_add_observer (center, "t", NULL, plain_observer_cb, &plain_seen, NULL);
  notification_center_add_observer (center, NULL, NULL, plain_observer_cb, &plain_seen2, NULL);
  g_signal_connect (center, "notification::t", G_CALLBACK (signal_cb), &signal_seen);

  g_assert_true (notification_center_post_user_info (center, "t", NULL, info, NULL));

  g_assert_cmpint (native_seen.n_native, ==, 1);
  g_assert_cmpint (native_seen.last_value, ==, 7);
  g_assert_cmpint (plain_seen.n_calls, ==, 1);
  g_assert_cmpint (plain_seen.last_value, ==, 7);
  g_assert_cmpint (plain_seen2.last_value, ==, 7);
  g_assert_cmpint (signal_seen.n_calls, ==, 1);
  g_assert_cmpint (signal_seen.last_value, ==, 7);
  g_assert_cmpint (n_builds, ==, 1);
  g_assert_true (plain_seen.last_variant == notification_user_info_get_variant (info));
  g_assert_true (plain_seen2.last_variant == plain_seen.last_variant);
  g_assert_true (signal_seen.last_variant == plain_seen.last_variant);

  /* Posted again, built already: a plain post; the native observer still
   * finds the native form. */
  g_assert_true (notification_center_post_user_info (center, "t", NULL, info, NULL));
  g_assert_cmpint (n_builds, ==, 1);
  g_assert_cmpint (native_seen.n_calls, ==, 2);
  g_assert_cmpint (native_seen.n_native, ==, 2);
  g_assert_cmpint (plain_seen.n_calls, ==, 2);
  g_assert_true (plain_seen.last_variant == notification_user_info_get_variant (info));

  notification_user_info_unref (info);
  g_assert_cmpint (n_destroys, ==, 1);
}

/* A plain post reaches a native observer as user info on the stack;
 * a reference to it is a copy that outlives the call. */
static NotificationUserInfo *kept;

static void
keeping_cb (NotificationCenter   *center,
            const char           *type,
            GObject              *sender,
            NotificationUserInfo *user_info,
            gpointer              user_data)
{
  g_assert_null (notification_user_info_get_native (user_info, &native_kind));
  g_assert_true (notification_user_info_is_built (user_info));
  kept = notification_user_info_ref (user_info);
}

static void
test_plain_post (void)
{
  g_autoptr(NotificationCenter) center = g_object_new (NOTIFICATION_TYPE_CENTER, "emits-signal", FALSE, NULL);
  GVariant *variant;

  g_test_summary ("An observer added with add_user_info_observer() receives a plain post's dictionary as a built user info");

  notification_center_add_user_info_observer (center, "t", NULL, NULL, NULL, 0, keeping_cb, NULL, NULL);
  variant = g_variant_ref_sink (g_variant_new_parsed ("{'value': <int64 3>}"));
  notification_center_post (center, "t", NULL, variant);

  g_assert_nonnull (kept);
  g_assert_true (notification_user_info_get_variant (kept) == variant);
  g_variant_unref (variant);
  g_assert_cmpint (variant_value (notification_user_info_get_variant (kept)), ==, 3);
  g_clear_pointer (&kept, notification_user_info_unref);
}

/* A queued call keeps the native form alive until it is delivered; a
 * C observer on a context builds the dictionary on the context. */
static void
test_main_context (void)
{
  int n_builds = 0, n_destroys = 0;
  Seen native_seen = { 0, }, plain_seen = { 0, };
  g_autoptr(NotificationCenter) center = g_object_new (NOTIFICATION_TYPE_CENTER, "emits-signal", FALSE, NULL);
  g_autoptr(GMainContext) context = g_main_context_new ();
  NotificationUserInfo *info = native_new (11, &n_builds, &n_destroys);

  g_test_summary ("A queued call keeps the native form alive until it is delivered; a C observer on a context builds the dictionary there");

  notification_center_add_user_info_observer (center, "t", NULL, NULL, context, 0,
                                              native_observer_cb, &native_seen, NULL);
  g_assert_true (notification_center_post_user_info (center, "t", NULL, info, NULL));
  notification_user_info_unref (info);

  /* Only the queue holds it now. */
  g_assert_cmpint (n_destroys, ==, 0);
  g_assert_cmpint (native_seen.n_calls, ==, 0);
  while (g_main_context_iteration (context, FALSE));
  g_assert_cmpint (native_seen.n_native, ==, 1);
  g_assert_cmpint (native_seen.last_value, ==, 11);
  g_assert_cmpint (n_builds, ==, 0);
  g_assert_cmpint (n_destroys, ==, 1);

  /* A plain observer on the context: the dictionary is built there. */
  notification_center_add_observer_full (center, "t", NULL, NULL, context,
                                         plain_observer_cb, &plain_seen, NULL);
  info = native_new (12, &n_builds, &n_destroys);
  g_assert_true (notification_center_post_user_info (center, "t", NULL, info, NULL));
  notification_user_info_unref (info);
  g_assert_cmpint (n_builds, ==, 0);
  while (g_main_context_iteration (context, FALSE));
  g_assert_cmpint (plain_seen.last_value, ==, 12);
  g_assert_cmpint (native_seen.last_value, ==, 12);
  g_assert_cmpint (n_builds, ==, 1);
  g_assert_cmpint (n_destroys, ==, 2);

  /* Removing the observers drops queued calls: the form goes with them. */
  info = native_new (13, &n_builds, &n_destroys);
  g_assert_true (notification_center_post_user_info (center, "t", NULL, info, NULL));
  notification_user_info_unref (info);
  g_assert_cmpint (n_destroys, ==, 2);
  notification_center_remove_all_observers (center);
  g_assert_cmpint (n_destroys, ==, 3);
  while (g_main_context_iteration (context, FALSE));
}

/* A type with a schema: the dictionary is built and checked first. */
static void
test_schema (void)
{
  int n_builds = 0, n_destroys = 0;
  Seen seen = { 0, };
  g_autoptr(GError) error = NULL;
  g_autoptr(NotificationCenter) center = g_object_new (NOTIFICATION_TYPE_CENTER, "emits-signal", FALSE, NULL);
  g_autoptr(NotificationSchema) good = notification_schema_new ();
  g_autoptr(NotificationSchema) bad = notification_schema_new ();
  NotificationUserInfo *info;

  g_test_summary ("A type with a schema: the dictionary is built and checked before any observer is called");

  notification_schema_add_key (good, "value", "x", TRUE, NULL);
  notification_schema_add_key (bad, "value", "s", TRUE, NULL);
  notification_center_register_schema (center, "good", good);
  notification_center_register_schema (center, "bad", bad);
  notification_center_add_user_info_observer (center, NULL, NULL, NULL, NULL, 0,
                                              native_observer_cb, &seen, NULL);

  info = native_new (1, &n_builds, &n_destroys);
  g_assert_true (notification_center_post_user_info (center, "good", NULL, info, &error));
  g_assert_no_error (error);
  g_assert_cmpint (n_builds, ==, 1);
  g_assert_cmpint (seen.n_calls, ==, 1);
  g_assert_cmpint (seen.n_native, ==, 1);
  notification_user_info_unref (info);

  info = native_new (1, &n_builds, &n_destroys);
  g_assert_false (notification_center_post_user_info (center, "bad", NULL, info, &error));
  g_assert_error (error, NOTIFICATION_ERROR, NOTIFICATION_ERROR_WRONG_TYPE);
  g_assert_cmpint (seen.n_calls, ==, 1);
  notification_user_info_unref (info);
  g_assert_cmpint (n_destroys, ==, 2);
}

/* A build function may return a full reference that is not floating
 * (as the Python accelerator's does, for a dictionary it keeps): the
 * user info takes it over and its last reference frees it. */
typedef struct
{
  gpointer data;
  int      n_freed;
} Counted;

static void
counted_free (gpointer user_data)
{
  Counted *counted = user_data;

  g_free (counted->data);
  counted->n_freed++;
}

static GVariant *
sunk_build (gpointer user_data)
{
  Counted *counted = user_data;
  g_autoptr(GVariant) model = g_variant_ref_sink (g_variant_new_parsed ("{'value': <int64 5>}"));
  gsize size = g_variant_get_size (model);

  /* Its data is freed, and counted, only when the variant is. */
  counted->data = g_memdup2 (g_variant_get_data (model), size);

  return g_variant_ref_sink (g_variant_new_from_data (G_VARIANT_TYPE_VARDICT, counted->data, size,
                                                      TRUE, counted_free, counted));
}

static void
test_build_not_floating (void)
{
  Counted counted = { NULL, 0 };
  NotificationUserInfo *info;

  g_test_summary ("The dictionary a build function returns is taken as a full reference, floating or not, and freed once");

  info = notification_user_info_new_native (&native_kind, &counted, sunk_build, NULL);
  g_assert_cmpint (variant_value (notification_user_info_get_variant (info)), ==, 5);
  g_assert_cmpint (counted.n_freed, ==, 0);
  notification_user_info_unref (info);
  g_assert_cmpint (counted.n_freed, ==, 1);
}

/* Several threads need the dictionary of one user info at once: it is
 * built once and they all get that one. */
#define N_THREADS 4

typedef struct
{
  pthread_barrier_t     barrier;
  NotificationUserInfo *info;
  GVariant             *got[N_THREADS];
} Race;

typedef struct
{
  Race *race;
  guint index;
} RaceArg;

static gpointer
race_thread (gpointer data)
{
  RaceArg *arg = data;

  pthread_barrier_wait (&arg->race->barrier);
  arg->race->got[arg->index] = notification_user_info_get_variant (arg->race->info);

  return NULL;
}

static void
test_build_race (void)
{
  g_test_summary ("Threads asking for the dictionary at once get the same one, built once");

  for (guint round = 0; round < 200; round++)
    {
      int n_builds = 0, n_destroys = 0;
      Race race;
      RaceArg args[N_THREADS];
      GThread *threads[N_THREADS];

      pthread_barrier_init (&race.barrier, NULL, N_THREADS);
      race.info = native_new (round, &n_builds, &n_destroys);
      for (guint i = 0; i < N_THREADS; i++)
        {
          args[i].race = &race;
          args[i].index = i;
          threads[i] = g_thread_new ("race", race_thread, &args[i]);
        }
      for (guint i = 0; i < N_THREADS; i++)
        g_thread_join (threads[i]);

      for (guint i = 0; i < N_THREADS; i++)
        g_assert_true (race.got[i] == race.got[0]);
      g_assert_cmpint (variant_value (race.got[0]), ==, round);
      g_assert_cmpint (n_builds, >=, 1);
      notification_user_info_unref (race.info);
      g_assert_cmpint (n_destroys, ==, 1);
      pthread_barrier_destroy (&race.barrier);
    }
}

/* Threads posting native user info to a native and a C observer, with a
 * context observer too: every C call sees its post's value. */
typedef struct
{
  NotificationCenter *center;
  pthread_barrier_t  *barrier;
  int                *n_builds;
  int                *n_destroys;
  gint64              base;
} Poster;

static void
checking_plain_cb (NotificationCenter *center,
                   const char         *type,
                   GObject            *sender,
                   GVariant           *user_info,
                   gpointer            user_data)
{
  g_assert_cmpint (variant_value (user_info), >=, 0);
  g_atomic_int_inc ((int *) user_data);
}

static void
checking_native_cb (NotificationCenter   *center,
                    const char           *type,
                    GObject              *sender,
                    NotificationUserInfo *user_info,
                    gpointer              user_data)
{
  Native *native = notification_user_info_get_native (user_info, &native_kind);

  g_assert_nonnull (native);
  g_assert_cmpint (native->value, ==, variant_value (notification_user_info_get_variant (user_info)));
  g_atomic_int_inc ((int *) user_data);
}

#define N_POSTS 2000

static gpointer
poster_thread (gpointer data)
{
  Poster *poster = data;

  pthread_barrier_wait (poster->barrier);
  for (gint64 i = 0; i < N_POSTS; i++)
    {
      NotificationUserInfo *info = native_new (poster->base + i, poster->n_builds, poster->n_destroys);

      g_assert_true (notification_center_post_user_info (poster->center, "t", NULL, info, NULL));
      notification_user_info_unref (info);
    }

  return NULL;
}

static void
test_threads (void)
{
  int n_builds = 0, n_destroys = 0, n_plain = 0, n_native = 0, n_queued = 0;
  g_autoptr(NotificationCenter) center = g_object_new (NOTIFICATION_TYPE_CENTER, "emits-signal", FALSE, NULL);
  g_autoptr(GMainContext) context = g_main_context_new ();
  pthread_barrier_t barrier;
  Poster posters[N_THREADS];
  GThread *threads[N_THREADS];

  g_test_summary ("Posts of user info from several threads to queued observers: each delivered and released once");

  notification_center_add_user_info_observer (center, "t", NULL, NULL, NULL, 0,
                                              checking_native_cb, &n_native, NULL);
  notification_center_add_observer (center, "t", NULL, checking_plain_cb, &n_plain, NULL);
  notification_center_add_user_info_observer (center, "t", NULL, NULL, context, 0,
                                              checking_native_cb, &n_queued, NULL);

  pthread_barrier_init (&barrier, NULL, N_THREADS);
  for (guint i = 0; i < N_THREADS; i++)
    {
      posters[i] = (Poster) { center, &barrier, &n_builds, &n_destroys, (gint64) i * N_POSTS };
      threads[i] = g_thread_new ("poster", poster_thread, &posters[i]);
    }
  for (guint i = 0; i < N_THREADS; i++)
    g_thread_join (threads[i]);
  pthread_barrier_destroy (&barrier);

  g_assert_cmpint (n_plain, ==, N_THREADS * N_POSTS);
  g_assert_cmpint (n_native, ==, N_THREADS * N_POSTS);
  g_assert_cmpint (n_builds, ==, N_THREADS * N_POSTS);
  while (g_main_context_iteration (context, FALSE));
  g_assert_cmpint (n_queued, ==, N_THREADS * N_POSTS);
  g_assert_cmpint (n_destroys, ==, N_THREADS * N_POSTS);
}

static void
test_remove_by_func (void)
{
  Seen seen = { 0, };
  g_autoptr(NotificationCenter) center = g_object_new (NOTIFICATION_TYPE_CENTER, "emits-signal", FALSE, NULL);

  g_test_summary ("Observers added with add_user_info_observer() are removed by their data like any other");

  notification_center_add_user_info_observer (center, "t", NULL, NULL, NULL, 0,
                                              native_observer_cb, &seen, NULL);
  notification_center_add_user_info_observer (center, "u", NULL, NULL, NULL, 0,
                                              native_observer_cb, &seen, NULL);
  g_assert_cmpuint (notification_center_remove_observers_by_data (center, &seen), ==, 2);
  g_assert_cmpuint (notification_center_get_n_observers (center), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/user-info/native-only", test_native_only);
  g_test_add_func ("/user-info/mixed", test_mixed);
  g_test_add_func ("/user-info/plain-post", test_plain_post);
  g_test_add_func ("/user-info/main-context", test_main_context);
  g_test_add_func ("/user-info/schema", test_schema);
  g_test_add_func ("/user-info/build-race", test_build_race);
  g_test_add_func ("/user-info/build-not-floating", test_build_not_floating);
  g_test_add_func ("/user-info/threads", test_threads);
  g_test_add_func ("/user-info/remove-by-data", test_remove_by_func);

  return g_test_run ();
}
