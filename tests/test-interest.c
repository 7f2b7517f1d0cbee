/* test-interest.c: watching which (type, sender) pairs are observed
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A watcher is told, on its main context, when a pair gains its first
 * observer or loses its last. Each test keeps a "view": the set of pairs
 * the reports said are observed, checked against list_interests(), and
 * the callback asserts that the reports of a pair alternate.
 */

#include <pthread.h>

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

static char *
pair_key (const char *type,
          GObject    *sender)
{
  return g_strdup_printf ("%s|%p", type != NULL ? type : "*", (gpointer) sender);
}

static const char *
sender_name (GObject *sender)
{
  const char *name;

  if (sender == NULL)
    return "*";
  name = g_object_get_data (sender, "test-name");
  return name != NULL ? name : "?";
}

static void
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

static void
watch_destroy_cb (gpointer data)
{
  Watch *watch = data;

  /* After the last call has returned. */
  g_assert_false (g_atomic_int_get (&watch->in_call));
  watch->destroy_thread = g_thread_self ();
  g_atomic_int_inc (&watch->n_destroys);
}

static void
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

static void
watch_start (Watch              *watch,
             NotificationCenter *center,
             GMainContext       *context)
{
  watch_init (watch, center, context);
  watch->id = notification_center_watch_interest (center, context, watch_cb, watch, watch_destroy_cb);
  g_assert_cmpuint (watch->id, >, 0);
}

static void
watch_clear (Watch *watch)
{
  g_assert_cmpint (g_atomic_int_get (&watch->n_destroys), ==, 1);
  g_hash_table_unref (watch->view);
  g_string_free (watch->log, TRUE);
  g_mutex_clear (&watch->lock);
}

/* What was reported since the last call, drained first. */
static char *
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

static int
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

static GHashTable *
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
static void
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

static void
mark_finalized (gpointer data)
{
  g_atomic_int_set ((int *) data, TRUE);
}

/* An object with a name for the logs and a flag set when it is finalized
 * (object data is freed by finalize, not by dispose: a weak reference
 * would fire at dispose, which does not tell whether it was kept alive
 * afterwards). */
static GObject *
named_object_new (const char *name,
                  int        *finalized)
{
  GObject *object = g_object_new (G_TYPE_OBJECT, NULL);

  g_object_set_data (object, "test-name", (gpointer) name);
  *finalized = FALSE;
  g_object_set_data_full (object, "test-finalized", finalized, mark_finalized);

  return object;
}

/* Reports ------------------------------------------------------------------ */

static void
test_type (void)
{
  Watch watch;
  NotificationCenter *center = notification_center_new ();
  GMainContext *context = g_main_context_new ();
  gulong a, b;

  g_test_summary ("the first observer of a type makes one report, the last one's removal another");

  watch_start (&watch, center, context);
  assert_log (&watch, "");

  a = notification_center_add_observer (center, "t", NULL, noop_cb, NULL, NULL);
  /* Not on the adding thread, not before the context runs. */
  g_assert_cmpint (g_atomic_int_get (&watch.n_reports), ==, 0);
  assert_log (&watch, "+t:* ");
  assert_view_is_state (&watch);

  b = notification_center_add_observer (center, "t", NULL, noop_cb, NULL, NULL);
  assert_log (&watch, "");
  notification_center_remove_observer (center, a);
  assert_log (&watch, "");
  assert_view_is_state (&watch);

  notification_center_remove_observer (center, b);
  assert_log (&watch, "-t:* ");
  assert_view_is_state (&watch);

  /* An emptied entry kept for reuse is not observed: observing the type
   * again is a new report. */
  a = notification_center_add_observer (center, "t", NULL, noop_cb, NULL, NULL);
  assert_log (&watch, "+t:* ");
  notification_center_remove_observer (center, a);
  assert_log (&watch, "-t:* ");
  g_assert_true (watch.call_thread == g_thread_self ());

  notification_center_unwatch_interest (center, watch.id);
  g_assert_cmpint (watch.n_destroys, ==, 1);
  g_assert_true (watch.destroy_thread == g_thread_self ());
  g_object_unref (center);
  g_main_context_unref (context);
  watch_clear (&watch);
}

static void
test_kinds (void)
{
  Watch watch;
  NotificationCenter *center = notification_center_new ();
  GMainContext *context = g_main_context_new ();
  int finalized;
  GObject *a = named_object_new ("a", &finalized);
  gulong ids[4];

  g_test_summary ("each kind of key is a pair: every type and sender, a type, a sender, both");

  watch_start (&watch, center, context);
  ids[0] = notification_center_add_observer (center, NULL, NULL, noop_cb, NULL, NULL);
  assert_log (&watch, "+*:* ");
  ids[1] = notification_center_add_observer (center, "t", a, noop_cb, NULL, NULL);
  assert_log (&watch, "+t:a ");
  ids[2] = notification_center_add_observer (center, NULL, a, noop_cb, NULL, NULL);
  assert_log (&watch, "+*:a ");
  ids[3] = notification_center_add_observer_full (center, "u", NULL, NULL, context,
                                                  noop_cb, NULL, NULL);
  assert_log (&watch, "+u:* ");
  assert_view_is_state (&watch);

  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    notification_center_remove_observer (center, ids[i]);
  assert_log (&watch, "-*:* -t:a -*:a -u:* ");
  assert_view_is_state (&watch);

  g_object_unref (a);
  g_assert_true (finalized);
  g_object_unref (center);
  g_assert_cmpint (watch.n_destroys, ==, 1);
  g_main_context_unref (context);
  watch_clear (&watch);
}

static void
test_remove_all (void)
{
  Watch watch;
  NotificationCenter *center = notification_center_new ();
  GMainContext *context = g_main_context_new ();
  int finalized;
  GObject *a = named_object_new ("a", &finalized);
  GHashTable *keys;

  g_test_summary ("remove_all_observers reports every pair lost");

  watch_start (&watch, center, context);
  notification_center_add_observer (center, "t", NULL, noop_cb, NULL, NULL);
  notification_center_add_observer (center, "t", NULL, noop_cb, NULL, NULL);
  notification_center_add_observer (center, "t", a, noop_cb, NULL, NULL);
  notification_center_add_observer (center, NULL, NULL, noop_cb, NULL, NULL);
  drain_context (context);
  g_assert_cmpint (watch.n_reports, ==, 3);
  assert_view_is_state (&watch);

  notification_center_remove_all_observers (center);
  drain_context (context);
  g_assert_cmpint (watch.n_reports, ==, 6);
  g_assert_cmpuint (g_hash_table_size (watch.view), ==, 0);
  keys = list_keys (center);
  g_assert_cmpuint (g_hash_table_size (keys), ==, 0);
  g_hash_table_unref (keys);

  g_object_unref (a);
  g_assert_true (finalized);
  g_object_unref (center);
  g_main_context_unref (context);
  watch_clear (&watch);
}

static void
test_snapshot (void)
{
  Watch watch;
  NotificationCenter *center = notification_center_new ();
  GMainContext *context = g_main_context_new ();
  int finalized;
  GObject *a = named_object_new ("a", &finalized);
  gulong id;

  g_test_summary ("a new watcher is first told every pair observed when it was added");

  notification_center_add_observer (center, "t", NULL, noop_cb, NULL, NULL);
  id = notification_center_add_observer (center, "u", a, noop_cb, NULL, NULL);
  notification_center_add_observer (center, "u", a, noop_cb, NULL, NULL);
  /* An emptied entry, kept: not observed. */
  notification_center_remove_observer (center,
                                       notification_center_add_observer (center, "gone", NULL,
                                                                         noop_cb, NULL, NULL));

  watch_start (&watch, center, context);
  /* Changes made after the watcher was added come after. */
  notification_center_remove_observer (center, id);
  notification_center_add_observer (center, NULL, NULL, noop_cb, NULL, NULL);

  /* The pairs observed at the start first, in no particular order. */
  drain_context (context);
  g_assert_true (g_str_has_suffix (watch.log->str, "+*:* "));
  assert_log_unordered (&watch, "+t:* +u:a +*:* ");
  assert_view_is_state (&watch);

  g_object_unref (center);
  g_object_unref (a);
  g_assert_true (finalized);
  g_main_context_unref (context);
  watch_clear (&watch);
}

static void
test_coalesced (void)
{
  Watch watch;
  NotificationCenter *center = notification_center_new ();
  GMainContext *context = g_main_context_new ();
  int finalized;
  GObject *a;
  gulong id;

  g_test_summary ("a change undone before the watcher was told is not reported");

  watch_start (&watch, center, context);
  for (int i = 0; i < 1000; i++)
    notification_center_remove_observer (center,
                                         notification_center_add_observer (center, "t", NULL,
                                                                           noop_cb, NULL, NULL));
  assert_log (&watch, "");

  id = notification_center_add_observer (center, "t", NULL, noop_cb, NULL, NULL);
  assert_log (&watch, "+t:* ");
  notification_center_remove_observer (center, id);
  notification_center_add_observer (center, "t", NULL, noop_cb, NULL, NULL);
  assert_log (&watch, "");
  assert_view_is_state (&watch);

  /* A sender gained and lost before the report: nothing keeps it. */
  a = named_object_new ("a", &finalized);
  notification_center_add_observer (center, "t", a, noop_cb, NULL, NULL);
  g_object_unref (a);
  g_assert_true (finalized);
  assert_log (&watch, "");

  g_object_unref (center);
  g_main_context_unref (context);
  watch_clear (&watch);
}

static void
test_signal_handlers (void)
{
  Watch watch;
  NotificationCenter *center = notification_center_new ();
  GMainContext *context = g_main_context_new ();
  GHashTable *keys;
  int calls = 0;
  gulong handler;

  g_test_summary ("signal handlers are not reported; they count in has_observers only");

  watch_start (&watch, center, context);
  handler = g_signal_connect (center, "notification::t", G_CALLBACK (count_cb), &calls);
  g_assert_true (notification_center_has_observers (center, "t", NULL));
  assert_log (&watch, "");
  keys = list_keys (center);
  g_assert_cmpuint (g_hash_table_size (keys), ==, 0);
  g_hash_table_unref (keys);
  g_signal_handler_disconnect (center, handler);
  assert_log (&watch, "");

  g_object_unref (center);
  g_main_context_unref (context);
  watch_clear (&watch);
}

static void
test_thread_default (void)
{
  Watch watch;
  NotificationCenter *center = notification_center_new ();
  GMainContext *context = g_main_context_new ();

  g_test_summary ("a NULL context is the thread-default context of the caller");

  g_main_context_push_thread_default (context);
  watch_init (&watch, center, context);
  watch.id = notification_center_watch_interest (center, NULL, watch_cb, &watch, watch_destroy_cb);
  g_main_context_pop_thread_default (context);

  notification_center_add_observer (center, "t", NULL, noop_cb, NULL, NULL);
  drain_context (g_main_context_default ());
  g_assert_cmpint (watch.n_reports, ==, 0);
  assert_log (&watch, "+t:* ");

  g_object_unref (center);
  g_main_context_unref (context);
  watch_clear (&watch);
}

/* Senders ------------------------------------------------------------------ */

static void
test_sender_finalized (void)
{
  Watch watch;
  NotificationCenter *center = notification_center_new ();
  GMainContext *context = g_main_context_new ();
  int finalized;
  GObject *a = named_object_new ("a", &finalized);

  g_test_summary ("a sender's finalization reports its pairs lost, and the reports keep it alive till delivered");

  watch_start (&watch, center, context);
  notification_center_add_observer (center, "t", a, noop_cb, NULL, NULL);
  notification_center_add_observer (center, NULL, a, noop_cb, NULL, NULL);
  notification_center_add_observer (center, "t", NULL, noop_cb, NULL, NULL);
  assert_log (&watch, "+t:a +*:a +t:* ");

  /* Disposed (its observers are removed) but not finalized: the two
   * reports about it hold it. */
  g_object_unref (a);
  g_assert_false (finalized);
  g_assert_cmpuint (notification_center_get_n_observers (center), ==, 1);

  assert_log_unordered (&watch, "-t:a -*:a ");
  g_assert_true (finalized);
  assert_view_is_state (&watch);

  g_object_unref (center);
  g_main_context_unref (context);
  watch_clear (&watch);
}

static void
test_sender_run_dispose (void)
{
  Watch watch;
  NotificationCenter *center = notification_center_new ();
  GMainContext *context = g_main_context_new ();
  int finalized;
  GObject *a = named_object_new ("a", &finalized);
  gulong id;

  g_test_summary ("a report held by a disposed sender is not cancelled by a later one");

  watch_start (&watch, center, context);
  notification_center_add_observer (center, "t", a, noop_cb, NULL, NULL);
  assert_log (&watch, "+t:a ");

  g_object_run_dispose (a);
  /* Observed again after its dispose: the held report stays, the new one
   * comes after it. */
  id = notification_center_add_observer (center, "t", a, noop_cb, NULL, NULL);
  assert_log (&watch, "-t:a +t:a ");
  assert_view_is_state (&watch);

  notification_center_remove_observer (center, id);
  assert_log (&watch, "-t:a ");
  g_object_unref (a);
  g_assert_true (finalized);

  g_object_unref (center);
  g_main_context_unref (context);
  watch_clear (&watch);
}

static void
test_owner_finalized (void)
{
  Watch watch;
  NotificationCenter *center = notification_center_new ();
  GMainContext *context = g_main_context_new ();
  int finalized;
  GObject *owner = named_object_new ("owner", &finalized);

  g_test_summary ("an owner's finalization reports the pairs its observers leave");

  watch_start (&watch, center, context);
  notification_center_add_observer_full (center, "t", NULL, owner, NULL, noop_cb, NULL, NULL);
  assert_log (&watch, "+t:* ");
  g_object_unref (owner);
  /* No report names the owner: it is not kept. */
  g_assert_true (finalized);
  assert_log (&watch, "-t:* ");
  assert_view_is_state (&watch);

  g_object_unref (center);
  g_main_context_unref (context);
  watch_clear (&watch);
}

static void
test_list_holds_senders (void)
{
  NotificationCenter *center = notification_center_new ();
  int finalized;
  GObject *a = named_object_new ("a", &finalized);
  GPtrArray *interests;
  NotificationInterest *interest;

  g_test_summary ("list_interests returns references to the senders");

  notification_center_add_observer (center, "t", a, noop_cb, NULL, NULL);
  interests = notification_center_list_interests (center);
  g_assert_cmpuint (interests->len, ==, 1);
  interest = g_ptr_array_index (interests, 0);
  g_assert_cmpstr (notification_interest_get_notification_type (interest), ==, "t");
  g_assert_true (notification_interest_get_sender (interest) == a);
  g_assert_true (g_type_is_a (NOTIFICATION_TYPE_INTEREST, G_TYPE_BOXED));

  /* The list's reference is the last one: dropping it disposes a. */
  notification_interest_ref (interest);
  g_object_unref (a);
  g_ptr_array_unref (interests);
  g_assert_false (finalized);
  g_assert_cmpuint (notification_center_get_n_observers (center), ==, 1);
  notification_interest_unref (interest);
  g_assert_true (finalized);
  g_assert_cmpuint (notification_center_get_n_observers (center), ==, 0);

  g_object_unref (center);
}

/* Removal and lifetimes ---------------------------------------------------- */

static void
test_unwatch_drops (void)
{
  Watch watch;
  NotificationCenter *center = notification_center_new ();
  GMainContext *context = g_main_context_new ();
  int finalized;
  GObject *a = named_object_new ("a", &finalized);
  gulong id;

  g_test_summary ("unwatch drops the queued reports at once, releasing their senders");

  watch_start (&watch, center, context);
  id = notification_center_add_observer (center, "t", a, noop_cb, NULL, NULL);
  assert_log (&watch, "+t:a ");
  notification_center_remove_observer (center, id);
  notification_center_add_observer (center, "u", NULL, noop_cb, NULL, NULL);
  g_object_unref (a);
  /* Disposed, held by the queued report of its loss. */
  g_assert_false (finalized);

  notification_center_unwatch_interest (center, watch.id);
  g_assert_true (finalized);
  g_assert_cmpint (watch.n_destroys, ==, 1);
  assert_log (&watch, "");
  notification_center_unwatch_interest (center, watch.id);
  g_assert_cmpint (watch.n_destroys, ==, 1);

  g_object_unref (center);
  g_main_context_unref (context);
  watch_clear (&watch);
}

static void
unwatch_self (gpointer data)
{
  Watch *watch = data;

  notification_center_unwatch_interest (watch->center, watch->id);
  /* The destroy notify waits for this call to return. */
  g_assert_cmpint (g_atomic_int_get (&watch->n_destroys), ==, 0);
}

static void
test_unwatch_self (void)
{
  Watch watch;
  NotificationCenter *center = notification_center_new ();
  GMainContext *context = g_main_context_new ();

  g_test_summary ("a watcher that removes itself is destroyed once its call returns, and told nothing more");

  watch_start (&watch, center, context);
  watch.on_report = unwatch_self;
  notification_center_add_observer (center, "t", NULL, noop_cb, NULL, NULL);
  notification_center_add_observer (center, "u", NULL, noop_cb, NULL, NULL);
  assert_log (&watch, "+t:* ");
  g_assert_cmpint (watch.n_destroys, ==, 1);
  g_assert_true (watch.destroy_thread == g_thread_self ());

  g_object_unref (center);
  g_main_context_unref (context);
  watch_clear (&watch);
}

typedef struct
{
  Watch    *watch;
  gint      entered;    /* atomic */
  gint      unwatched;  /* atomic */
  gint      destroys_seen_in_call;
} CallRace;

static CallRace *the_call_race;

static void
block_in_call (gpointer data)
{
  CallRace *race = the_call_race;

  g_atomic_int_set (&race->entered, TRUE);
  while (!g_atomic_int_get (&race->unwatched))
    g_thread_yield ();
  race->destroys_seen_in_call = g_atomic_int_get (&race->watch->n_destroys);
}

static gpointer
unwatch_thread (gpointer data)
{
  CallRace *race = data;

  while (!g_atomic_int_get (&race->entered))
    g_thread_yield ();
  notification_center_unwatch_interest (race->watch->center, race->watch->id);
  /* Returned while the call is still running: not destroyed yet. */
  g_assert_cmpint (g_atomic_int_get (&race->watch->n_destroys), ==, 0);
  g_atomic_int_set (&race->unwatched, TRUE);

  return NULL;
}

static void
test_unwatch_during_call (void)
{
  Watch watch;
  NotificationCenter *center = notification_center_new ();
  GMainContext *context = g_main_context_new ();
  CallRace race = { &watch, 0, 0, -1 };
  GThread *thread;

  g_test_summary ("unwatch from another thread during a call: the destroy notify runs once, after the call");

  watch_start (&watch, center, context);
  the_call_race = &race;
  watch.on_report = block_in_call;
  notification_center_add_observer (center, "t", NULL, noop_cb, NULL, NULL);
  notification_center_add_observer (center, "u", NULL, noop_cb, NULL, NULL);

  thread = g_thread_new ("unwatch", unwatch_thread, &race);
  assert_log (&watch, "+t:* ");
  g_thread_join (thread);

  g_assert_cmpint (race.destroys_seen_in_call, ==, 0);
  g_assert_cmpint (watch.n_destroys, ==, 1);
  /* Run where the last call ran, when it returned. */
  g_assert_true (watch.destroy_thread == g_thread_self ());
  g_assert_cmpint (watch.n_reports, ==, 1);

  g_object_unref (center);
  g_main_context_unref (context);
  watch_clear (&watch);
  the_call_race = NULL;
}

static void
test_context_finalized (void)
{
  Watch watch;
  NotificationCenter *center = notification_center_new ();
  GMainContext *context = g_main_context_new ();
  int finalized_a, finalized_b;
  GObject *a = named_object_new ("a", &finalized_a);
  GObject *b = named_object_new ("b", &finalized_b);
  gboolean b_weak = FALSE;
  gulong id;

  g_test_summary ("a context finalized before it ran removes its watcher and drops the reports");

  watch_start (&watch, center, context);
  /* A held report: a's loss, queued while a was disposed. */
  id = notification_center_add_observer (center, "t", a, noop_cb, NULL, NULL);
  assert_log (&watch, "+t:a ");
  notification_center_remove_observer (center, id);
  g_object_unref (a);
  g_assert_false (finalized_a);
  /* Reports naming a live sender, and one without sender. */
  g_object_weak_ref (b, flag_weak_notify, &b_weak);
  notification_center_add_observer (center, "t", b, noop_cb, NULL, NULL);
  notification_center_add_observer (center, NULL, NULL, noop_cb, NULL, NULL);

  /* Never run again: the watcher does not keep it alive. */
  g_main_context_unref (context);
  g_assert_cmpint (watch.n_destroys, ==, 1);
  g_assert_true (finalized_a);
  g_assert_cmpint (watch.n_reports, ==, 1);

  /* The watcher is gone: nothing is recorded for it any more. */
  notification_center_remove_all_observers (center);
  notification_center_unwatch_interest (center, watch.id);
  g_assert_cmpint (watch.n_destroys, ==, 1);
  g_object_unref (b);
  g_assert_true (b_weak);
  g_assert_true (finalized_b);

  g_object_unref (center);
  watch_clear (&watch);
}

static void
test_context_finalized_after_unwatch (void)
{
  Watch watch;
  NotificationCenter *center = notification_center_new ();
  GMainContext *context = g_main_context_new ();

  g_test_summary ("a context finalized after unwatch, without running, frees the watcher's source");

  watch_start (&watch, center, context);
  notification_center_add_observer (center, "t", NULL, noop_cb, NULL, NULL);
  notification_center_unwatch_interest (center, watch.id);
  g_assert_cmpint (watch.n_destroys, ==, 1);
  g_object_unref (center);
  g_main_context_unref (context);
  watch_clear (&watch);
}

static void
test_center_finalized (void)
{
  Watch watch, other;
  NotificationCenter *center = notification_center_new ();
  GMainContext *context = g_main_context_new ();
  int finalized;
  GObject *a = named_object_new ("a", &finalized);
  gulong id;

  g_test_summary ("a center finalized with queued reports removes its watchers and releases the senders");

  watch_start (&watch, center, context);
  watch_start (&other, center, context);
  id = notification_center_add_observer (center, "t", a, noop_cb, NULL, NULL);
  drain_context (context);
  notification_center_remove_observer (center, id);
  g_object_unref (a);
  g_assert_false (finalized);
  notification_center_add_observer (center, "u", NULL, noop_cb, NULL, NULL);

  g_object_unref (center);
  g_assert_cmpint (watch.n_destroys, ==, 1);
  g_assert_cmpint (other.n_destroys, ==, 1);
  g_assert_true (finalized);

  /* The sources remove themselves when the context runs. */
  drain_context (context);
  g_assert_cmpint (watch.n_reports, ==, 1);
  g_assert_cmpint (other.n_reports, ==, 1);
  g_main_context_unref (context);
  watch_clear (&watch);
  watch_clear (&other);
}

/* Threads ------------------------------------------------------------------ */

/* Two threads change the observers of one pair at once, in an order the
 * round forces (or none), while a third one may be running the watcher's
 * context. After each round the view must be the state. */

enum { ORDER_A_FIRST, ORDER_B_FIRST, ORDER_TOGETHER, ORDER_ALTERNATE, N_ORDERS };

#define N_ROUNDS 400
#define MAX_OPS  2

typedef struct
{
  gboolean add;
  gulong   id;     /* to remove, or the one added */
} Op;

typedef struct
{
  NotificationCenter *center;
  GMainContext       *context;
  pthread_barrier_t   start;
  pthread_barrier_t   end;
  gint                stop;        /* atomic */

  /* Per round, written by the main thread before @start. */
  const char         *type;
  GObject            *sender;
  int                 order;
  gboolean            dispatch;
  Op                  ops[2][MAX_OPS];
  guint               n_ops[2];
  gint                done[2];     /* atomic: ops done by each thread */
  gint                running;     /* atomic: A and B not both done */
} Race;

static void
race_wait_turn (Race *race,
                int   self,
                guint op)
{
  int other = 1 - self;

  switch (race->order)
    {
    case ORDER_A_FIRST:
      if (self == 1)
        while ((guint) g_atomic_int_get (&race->done[0]) < race->n_ops[0])
          g_thread_yield ();
      break;
    case ORDER_B_FIRST:
      if (self == 0)
        while ((guint) g_atomic_int_get (&race->done[1]) < race->n_ops[1])
          g_thread_yield ();
      break;
    case ORDER_ALTERNATE:
      /* A0, B0, A1, B1: wait for the other's ops before this one. */
      while ((guint) g_atomic_int_get (&race->done[other]) < MIN (op + (guint) self, race->n_ops[other]))
        g_thread_yield ();
      break;
    default:
      break;
    }
}

static gpointer
race_thread (gpointer data)
{
  Race *race = ((gpointer *) data)[0];
  int self = GPOINTER_TO_INT (((gpointer *) data)[1]);

  for (;;)
    {
      pthread_barrier_wait (&race->start);
      if (g_atomic_int_get (&race->stop))
        return NULL;

      for (guint i = 0; i < race->n_ops[self]; i++)
        {
          Op *op = &race->ops[self][i];

          race_wait_turn (race, self, i);
          if (!op->add && op->id == 0)
            op->id = race->ops[self][i - 1].id;   /* the one this thread just added */
          if (op->add)
            op->id = notification_center_add_observer (race->center, race->type, race->sender,
                                                       noop_cb, NULL, NULL);
          else
            notification_center_remove_observer (race->center, op->id);
          g_atomic_int_inc (&race->done[self]);
        }
      g_atomic_int_add (&race->running, -1);

      pthread_barrier_wait (&race->end);
    }
}

static gpointer
dispatch_thread (gpointer data)
{
  Race *race = data;

  for (;;)
    {
      pthread_barrier_wait (&race->start);
      if (g_atomic_int_get (&race->stop))
        return NULL;

      if (race->dispatch)
        {
          g_main_context_push_thread_default (race->context);
          while (g_atomic_int_get (&race->running) > 0)
            g_main_context_iteration (race->context, FALSE);
          g_main_context_pop_thread_default (race->context);
        }

      pthread_barrier_wait (&race->end);
    }
}

static void
test_threads_add_remove (void)
{
  Watch watch;
  NotificationCenter *center = g_object_new (NOTIFICATION_TYPE_CENTER, "emits-signal", FALSE, NULL);
  GMainContext *context = g_main_context_new ();
  int finalized;
  GObject *a = named_object_new ("a", &finalized);
  const char *types[] = { "t", "t", NULL };
  GObject *senders[] = { NULL, a, NULL };
  gpointer args[2][2];
  GThread *threads[3];
  Race race = { 0, };

  g_test_summary ("an add racing a remove of the same pair never leaves the watcher believing the wrong thing");

  race.center = center;
  race.context = context;
  pthread_barrier_init (&race.start, NULL, 4);
  pthread_barrier_init (&race.end, NULL, 4);
  for (int t = 0; t < 2; t++)
    {
      args[t][0] = &race;
      args[t][1] = GINT_TO_POINTER (t);
      threads[t] = g_thread_new (t == 0 ? "race-a" : "race-b", race_thread, args[t]);
    }
  threads[2] = g_thread_new ("race-dispatch", dispatch_thread, &race);

  watch_start (&watch, center, context);

  for (int round = 0; round < N_ROUNDS; round++)
    {
      int variant = g_test_rand_int_range (0, 4);
      GHashTable *keys;

      race.type = types[round % 3];
      race.sender = senders[round % 3];
      race.order = (round / 3) % N_ORDERS;
      race.dispatch = (round / 12) % 2;
      race.done[0] = race.done[1] = 0;
      race.running = 2;

      /* B holds X; A adds Y. Variants: A also removes Y; B also adds Z;
       * A already held Y and removes it. */
      race.ops[1][0] = (Op) { FALSE, notification_center_add_observer (center, race.type, race.sender,
                                                                        noop_cb, NULL, NULL) };
      race.n_ops[1] = 1;
      race.ops[0][0] = (Op) { TRUE, 0 };
      race.n_ops[0] = 1;
      if (variant == 1)
        {
          race.ops[0][1] = (Op) { FALSE, 0 };
          race.n_ops[0] = 2;
        }
      else if (variant == 2)
        {
          race.ops[1][1] = (Op) { TRUE, 0 };
          race.n_ops[1] = 2;
        }
      else if (variant == 3)
        race.ops[0][0] = (Op) { FALSE, notification_center_add_observer (center, race.type, race.sender,
                                                                          noop_cb, NULL, NULL) };
      if (g_test_rand_bit ())
        drain_context (context);

      pthread_barrier_wait (&race.start);
      pthread_barrier_wait (&race.end);

      drain_context (context);
      assert_view_is_state (&watch);

      /* Back to nothing observed. */
      notification_center_remove_all_observers (center);
      drain_context (context);
      keys = list_keys (center);
      g_assert_cmpuint (g_hash_table_size (keys), ==, 0);
      g_hash_table_unref (keys);
      assert_view_is_state (&watch);
    }

  g_test_message ("%d reports in %d rounds", watch.n_reports, N_ROUNDS);
  g_atomic_int_set (&race.stop, TRUE);
  pthread_barrier_wait (&race.start);
  for (int t = 0; t < 3; t++)
    g_thread_join (threads[t]);
  pthread_barrier_destroy (&race.start);
  pthread_barrier_destroy (&race.end);

  g_object_unref (center);
  g_main_context_unref (context);
  g_object_unref (a);
  g_assert_true (finalized);
  watch_clear (&watch);
}

/* Senders disposed on one thread while the watcher's context runs on
 * another and a third lists the interests: every report arrives with its
 * sender alive, and every sender is finalized in the end. Random spins
 * move the disposal across the delivery of the sender's reports. */

#define N_DISPOSE_ROUNDS 1000

typedef struct
{
  GMainContext      *context;
  pthread_barrier_t  start;
  pthread_barrier_t  end;
  gint               stop;      /* atomic */
  GObject           *object;    /* (owned) per round: the disposer drops it */
  guint              spins;
} Disposal;

static void
spin (guint n)
{
  for (guint i = 0; i < n; i++)
    __asm__ __volatile__ ("" ::: "memory");
}

static gpointer
dispatcher_thread (gpointer data)
{
  Disposal *disposal = data;

  g_main_context_push_thread_default (disposal->context);
  while (!g_atomic_int_get (&disposal->stop))
    g_main_context_iteration (disposal->context, TRUE);
  g_main_context_pop_thread_default (disposal->context);

  return NULL;
}

static gpointer
disposer_thread (gpointer data)
{
  Disposal *disposal = data;

  for (;;)
    {
      pthread_barrier_wait (&disposal->start);
      if (g_atomic_int_get (&disposal->stop))
        return NULL;
      spin (disposal->spins);
      g_object_unref (disposal->object);
      pthread_barrier_wait (&disposal->end);
    }
}

static gboolean
view_is_empty (Watch *watch)
{
  gboolean empty;

  g_mutex_lock (&watch->lock);
  empty = g_hash_table_size (watch->view) == 0;
  g_mutex_unlock (&watch->lock);

  return empty;
}

static void
test_threads_dispose (void)
{
  Watch watch;
  NotificationCenter *center = g_object_new (NOTIFICATION_TYPE_CENTER, "emits-signal", FALSE, NULL);
  GMainContext *context = g_main_context_new ();
  Disposal disposal = { context, };
  GThread *dispatcher, *disposer;

  g_test_summary ("senders disposed while their reports are delivered and listed stay alive until released");

  watch_start (&watch, center, context);
  pthread_barrier_init (&disposal.start, NULL, 2);
  pthread_barrier_init (&disposal.end, NULL, 2);
  dispatcher = g_thread_new ("dispatcher", dispatcher_thread, &disposal);
  disposer = g_thread_new ("disposer", disposer_thread, &disposal);

  for (int round = 0; round < N_DISPOSE_ROUNDS; round++)
    {
      int finalized;
      GObject *a = named_object_new ("a", &finalized);
      GPtrArray *interests = NULL;
      gint64 deadline;
      gulong id;

      id = notification_center_add_observer (center, "t", a, noop_cb, NULL, NULL);
      switch (round % 3)
        {
        case 0:
          /* The report of a's loss is delivered, while a is disposed with
           * no observer and nothing else queued about it: only the
           * delivery's pin keeps it. */
          deadline = g_get_monotonic_time () + 30 * G_TIME_SPAN_SECOND;
          while (view_is_empty (&watch))
            {
              g_assert_cmpint (g_get_monotonic_time (), <, deadline);
              g_thread_yield ();
            }
          notification_center_remove_observer (center, id);
          break;
        case 1:
          /* Listed while disposed: the report of the gain may be cancelled
           * by that of the loss, and only the list's pin keeps a. */
          notification_center_add_observer (center, NULL, a, noop_cb, NULL, NULL);
          break;
        default:
          notification_center_add_observer (center, NULL, a, noop_cb, NULL, NULL);
          notification_center_remove_observer (center, id);
          break;
        }

      disposal.object = a;
      disposal.spins = g_test_rand_int_range (0, 20000);
      pthread_barrier_wait (&disposal.start);
      if (round % 3 != 0)
        {
          spin (g_test_rand_int_range (0, 20000));
          interests = notification_center_list_interests (center);
          for (guint i = 0; i < interests->len; i++)
            {
              GObject *sender = notification_interest_get_sender (g_ptr_array_index (interests, i));

              g_assert_true (sender == a && G_IS_OBJECT (sender));
            }
        }
      pthread_barrier_wait (&disposal.end);
      g_clear_pointer (&interests, g_ptr_array_unref);

      deadline = g_get_monotonic_time () + 30 * G_TIME_SPAN_SECOND;
      while (!(g_atomic_int_get (&finalized) && view_is_empty (&watch)))
        {
          g_assert_cmpint (g_get_monotonic_time (), <, deadline);
          g_usleep (10);
        }
      g_assert_cmpuint (notification_center_get_n_observers (center), ==, 0);
    }

  g_test_message ("%d reports in %d rounds", watch.n_reports, N_DISPOSE_ROUNDS);
  notification_center_unwatch_interest (center, watch.id);
  g_atomic_int_set (&disposal.stop, TRUE);
  g_main_context_wakeup (context);
  pthread_barrier_wait (&disposal.start);
  g_thread_join (dispatcher);
  g_thread_join (disposer);
  pthread_barrier_destroy (&disposal.start);
  pthread_barrier_destroy (&disposal.end);
  g_assert_cmpint (watch.n_destroys, ==, 1);

  g_object_unref (center);
  g_main_context_unref (context);
  watch_clear (&watch);
}

/* Bad input ---------------------------------------------------------------- */

static void
test_bad_input (void)
{
  g_test_summary ("watch_interest() without a function, unwatch_interest() of id 0 "
                  "and list_interests() of NULL are criticals");

  if (g_test_subprocess ())
    {
      NotificationCenter *center = notification_center_new ();

      make_criticals_non_fatal ();
      g_assert_cmpuint (notification_center_watch_interest (center, NULL, NULL, NULL, NULL), ==, 0);
      notification_center_unwatch_interest (center, 0);
      g_assert_null (notification_center_list_interests (NULL));
      g_object_unref (center);
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("*CRITICAL*func != NULL*CRITICAL*id > 0*CRITICAL*NOTIFICATION_IS_CENTER*");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/interest/report/type", test_type);
  g_test_add_func ("/interest/report/kinds", test_kinds);
  g_test_add_func ("/interest/report/remove-all", test_remove_all);
  g_test_add_func ("/interest/report/snapshot", test_snapshot);
  g_test_add_func ("/interest/report/coalesced", test_coalesced);
  g_test_add_func ("/interest/report/signal-handlers", test_signal_handlers);
  g_test_add_func ("/interest/report/thread-default", test_thread_default);
  g_test_add_func ("/interest/sender/finalized", test_sender_finalized);
  g_test_add_func ("/interest/sender/run-dispose", test_sender_run_dispose);
  g_test_add_func ("/interest/sender/owner-finalized", test_owner_finalized);
  g_test_add_func ("/interest/sender/list", test_list_holds_senders);
  g_test_add_func ("/interest/lifetime/unwatch-drops", test_unwatch_drops);
  g_test_add_func ("/interest/lifetime/unwatch-self", test_unwatch_self);
  g_test_add_func ("/interest/lifetime/unwatch-during-call", test_unwatch_during_call);
  g_test_add_func ("/interest/lifetime/context-finalized", test_context_finalized);
  g_test_add_func ("/interest/lifetime/context-finalized-after-unwatch", test_context_finalized_after_unwatch);
  g_test_add_func ("/interest/lifetime/center-finalized", test_center_finalized);
  g_test_add_func ("/interest/threads/add-remove", test_threads_add_remove);
  g_test_add_func ("/interest/threads/dispose", test_threads_dispose);
  g_test_add_func ("/interest/bad-input", test_bad_input);

  return g_test_run ();
}
