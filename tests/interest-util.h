/* interest-util.h: the watcher view shared by the interest tests
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A watcher is told, on its main context, when a pair gains its first
 * observer or loses its last. Each test keeps a "view": the set of pairs
 * the reports said are observed, checked against list_interests(), and
 * the callback asserts that the reports of a pair alternate.
 */

#pragma once

#include "test-util.h"

typedef struct
{
  NotificationCenter *center;
  GMainContext       *context;
  guint               id;
  GMutex              lock;
  GHashTable         *view;            /* (owned) pair keys; @lock */
  GString            *log;             /* @lock */
  int                 n_reports;       /* atomic */
  int                 n_destroys;      /* atomic */
  gboolean            in_call;         /* atomic */
  GThread            *call_thread;
  GThread            *destroy_thread;

  /* Called at the end of each report, on the watcher's context. */
  void              (*on_report) (gpointer watch);
} Watch;

G_GNUC_UNUSED static char *
pair_key (const char *type,
          GObject    *sender)
{
  return g_strdup_printf ("%s|%p", type != NULL ? type : "*", (gpointer) sender);
}

G_GNUC_UNUSED static const char *
sender_name (GObject *sender)
{
  const char *name;

  if (sender == NULL)
    return "*";
  name = g_object_get_data (sender, "test-name");
  return name != NULL ? name : "?";
}

G_GNUC_UNUSED static void
watch_cb (NotificationCenter *center,
          const char         *type,
          GObject            *sender,
          gboolean            observed,
          gpointer            user_data)
{
  Watch *watch = user_data;
  char *key = pair_key (type, sender);

  g_assert_true (center == watch->center);
  g_assert_true (sender == NULL || G_IS_OBJECT (sender));
  g_assert_cmpint (g_atomic_int_get (&watch->n_destroys), ==, 0);
  g_atomic_int_set (&watch->in_call, TRUE);
  watch->call_thread = g_thread_self ();

  g_mutex_lock (&watch->lock);
  /* A pair's reports alternate, starting with TRUE. */
  g_assert_cmpint (g_hash_table_contains (watch->view, key), ==, !observed);
  if (observed)
    g_hash_table_add (watch->view, key);
  else
    {
      g_hash_table_remove (watch->view, key);
      g_free (key);
    }
  g_string_append_printf (watch->log, "%c%s:%s ", observed ? '+' : '-',
                          type != NULL ? type : "*", sender_name (sender));
  g_mutex_unlock (&watch->lock);

  if (watch->on_report != NULL)
    watch->on_report (watch);

  g_atomic_int_inc (&watch->n_reports);
  g_atomic_int_set (&watch->in_call, FALSE);
}

G_GNUC_UNUSED static void
watch_destroy_cb (gpointer data)
{
  Watch *watch = data;

  /* After the last call has returned. */
  g_assert_false (g_atomic_int_get (&watch->in_call));
  watch->destroy_thread = g_thread_self ();
  g_atomic_int_inc (&watch->n_destroys);
}

G_GNUC_UNUSED static void
watch_init (Watch              *watch,
            NotificationCenter *center,
            GMainContext       *context)
{
  memset (watch, 0, sizeof *watch);
  watch->center = center;
  watch->context = context;
  g_mutex_init (&watch->lock);
  watch->view = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  watch->log = g_string_new (NULL);
}

G_GNUC_UNUSED static void
watch_start (Watch              *watch,
             NotificationCenter *center,
             GMainContext       *context)
{
  watch_init (watch, center, context);
  watch->id = notification_center_watch_interest (center, context, watch_cb, watch, watch_destroy_cb);
  g_assert_cmpuint (watch->id, >, 0);
}

G_GNUC_UNUSED static void
watch_clear (Watch *watch)
{
  g_assert_cmpint (g_atomic_int_get (&watch->n_destroys), ==, 1);
  g_hash_table_unref (watch->view);
  g_string_free (watch->log, TRUE);
  g_mutex_clear (&watch->lock);
}

/* What was reported since the last call, drained first. */
G_GNUC_UNUSED static char *
watch_take_log (Watch *watch)
{
  char *log;

  drain_context (watch->context);
  g_mutex_lock (&watch->lock);
  log = g_strdup (watch->log->str);
  g_string_truncate (watch->log, 0);
  g_mutex_unlock (&watch->lock);

  return log;
}

#define assert_log(watch, expected) \
  G_STMT_START { \
    char *log_ = watch_take_log (watch); \
    g_assert_cmpstr (log_, ==, (expected)); \
    g_free (log_); \
  } G_STMT_END

G_GNUC_UNUSED static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* The same, in an order the library does not specify. */
#define assert_log_unordered(watch, expected) \
  G_STMT_START { \
    char *log_ = watch_take_log (watch); \
    char **got_ = g_strsplit (log_, " ", -1); \
    char **want_ = g_strsplit ((expected), " ", -1); \
    char *got_sorted_, *want_sorted_; \
    qsort (got_, g_strv_length (got_), sizeof (char *), compare_strings); \
    qsort (want_, g_strv_length (want_), sizeof (char *), compare_strings); \
    got_sorted_ = g_strjoinv (" ", got_); \
    want_sorted_ = g_strjoinv (" ", want_); \
    g_assert_cmpstr (got_sorted_, ==, want_sorted_); \
    g_free (got_sorted_); \
    g_free (want_sorted_); \
    g_strfreev (got_); \
    g_strfreev (want_); \
    g_free (log_); \
  } G_STMT_END

G_GNUC_UNUSED static GHashTable *
list_keys (NotificationCenter *center)
{
  GPtrArray *interests = notification_center_list_interests (center);
  GHashTable *keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < interests->len; i++)
    {
      NotificationInterest *interest = g_ptr_array_index (interests, i);
      char *key = pair_key (notification_interest_get_notification_type (interest),
                            notification_interest_get_sender (interest));

      g_assert_false (g_hash_table_contains (keys, key));
      g_hash_table_add (keys, key);
    }
  g_ptr_array_unref (interests);

  return keys;
}

/* The watcher's view is the center's state. */
G_GNUC_UNUSED static void
assert_view_is_state (Watch *watch)
{
  GHashTable *keys = list_keys (watch->center);
  GHashTableIter iter;
  gpointer key;

  g_mutex_lock (&watch->lock);
  g_assert_cmpuint (g_hash_table_size (watch->view), ==, g_hash_table_size (keys));
  g_hash_table_iter_init (&iter, keys);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_assert_true (g_hash_table_contains (watch->view, key));
  g_mutex_unlock (&watch->lock);

  g_hash_table_unref (keys);
}

G_GNUC_UNUSED static void
mark_finalized (gpointer data)
{
  g_atomic_int_set ((int *) data, TRUE);
}

/* An object with a name for the logs and a flag set when it is finalized
 * (object data is freed by finalize, not by dispose: a weak reference
 * would fire at dispose, which does not tell whether it was kept alive
 * afterwards). */
G_GNUC_UNUSED static GObject *
named_object_new (const char *name,
                  int        *finalized)
{
  GObject *object = g_object_new (G_TYPE_OBJECT, NULL);

  g_object_set_data (object, "test-name", (gpointer) name);
  *finalized = FALSE;
  g_object_set_data_full (object, "test-finalized", finalized, mark_finalized);

  return object;
}

