/* test-interest.c: watching which (type, sender) pairs are observed
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A watcher is told, on its main context, when a pair gains its first
 * observer or loses its last. Each test keeps a "view": the set of pairs
 * the reports said are observed, checked against list_interests(), and
 * the callback asserts that the reports of a pair alternate.
 */

#include "interest-util.h"

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
  g_test_add_func ("/interest/bad-input", test_bad_input);

  return g_test_run ();
}
