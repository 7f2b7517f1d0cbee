/* test-delivery.c: main-context delivery a frontend can trust
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * All the main-context observers of a center on one context share one
 * queue: the order of posts across types and observers, coalescing,
 * limits and priority. The lifetime of what is queued and where destroy
 * notifies run: test-delivery-lifetime.c.
 */

#include "test-util.h"

/* --- A log of calls ------------------------------------------------------ */

typedef struct
{
  const char *name;
  GPtrArray  *log;   /* (element-type utf8) "name:type:n" */
  GThread    *thread;
} Recorder;

static void
record_cb (NotificationCenter *center,
           const char         *type,
           GObject            *sender,
           GVariant           *user_info,
           gpointer            user_data)
{
  Recorder *recorder = user_data;
  guint n = 0;

  if (user_info != NULL)
    g_variant_lookup (user_info, "n", "u", &n);
  g_ptr_array_add (recorder->log, g_strdup_printf ("%s:%s:%u", recorder->name, type, n));
  recorder->thread = g_thread_self ();
}

static GVariant *
n_info (guint n)
{
  return g_variant_new_parsed ("{'n': <%u>}", n);
}

static char *
join_log (GPtrArray *log)
{
  char *joined;

  g_ptr_array_add (log, NULL);
  joined = g_strjoinv (" ", (char **) log->pdata);
  g_ptr_array_remove_index (log, log->len - 1);
  return joined;
}

/* The blueprint's frontend: lines, then "finished", from a worker. */
typedef struct
{
  NotificationCenter *center;
  guint               n_lines;
} Worker;

static gpointer
worker_run (gpointer data)
{
  Worker *worker = data;

  for (guint i = 0; i < worker->n_lines; i++)
    notification_center_post (worker->center, "stdout", NULL, n_info (i));
  notification_center_post (worker->center, "finished", NULL, NULL);

  return NULL;
}

typedef struct
{
  guint      n_lines;
  guint      lines_at_finish;
  gboolean   finished;
} Frontend;

static void
frontend_line (NotificationCenter *center, const char *type, GObject *sender,
               GVariant *user_info, gpointer user_data)
{
  Frontend *frontend = user_data;
  guint n;

  g_assert_true (g_variant_lookup (user_info, "n", "u", &n));
  g_assert_cmpuint (n, ==, frontend->n_lines);
  frontend->n_lines++;
}

static void
frontend_finished (NotificationCenter *center, const char *type, GObject *sender,
                   GVariant *user_info, gpointer user_data)
{
  Frontend *frontend = user_data;

  frontend->lines_at_finish = frontend->n_lines;
  frontend->finished = TRUE;
}

static void
test_order_across_observers (void)
{
  g_autoptr(NotificationCenter) center = notification_center_new ();
  g_autoptr(GMainContext) context = g_main_context_new ();
  Frontend frontend = { 0, };
  Worker worker = { center, 5000 };
  GThread *thread;

  g_test_summary ("Posts from a worker thread reach two observers on one context in "
                  "the order posted: every line before the finished notification");

  notification_center_add_observer_full (center, "stdout", NULL, NULL, context,
                                         frontend_line, &frontend, NULL);
  notification_center_add_observer_full (center, "finished", NULL, NULL, context,
                                         frontend_finished, &frontend, NULL);

  thread = g_thread_new ("interpreter", worker_run, &worker);
  while (!frontend.finished)
    g_main_context_iteration (context, TRUE);
  g_thread_join (thread);

  g_assert_cmpuint (frontend.lines_at_finish, ==, worker.n_lines);
}

/* Two threads post numbered posts; two observers of every type on one
 * context see the same posts in the same order, each thread's in its
 * order, and the calls of one post next to each other in add order. */
typedef struct
{
  NotificationCenter *center;
  const char         *type;
  guint               n_posts;
} Poster;

static gpointer
poster_run (gpointer data)
{
  Poster *poster = data;

  for (guint i = 0; i < poster->n_posts; i++)
    notification_center_post (poster->center, poster->type, NULL, n_info (i));

  return NULL;
}

static void
test_order_two_threads (void)
{
  g_autoptr(NotificationCenter) center = notification_center_new ();
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GPtrArray) log = g_ptr_array_new_with_free_func (g_free);
  Recorder a = { "a", log, NULL }, b = { "b", log, NULL };
  Poster p1 = { center, "t1", 2000 }, p2 = { center, "t2", 2000 };
  GThread *t1, *t2;
  guint next[2] = { 0, 0 };

  g_test_summary ("Posts from two threads reach two observers on one context in each "
                  "thread's order, each post to both observers in a row");

  notification_center_add_observer_full (center, NULL, NULL, NULL, context, record_cb, &a, NULL);
  notification_center_add_observer_full (center, NULL, NULL, NULL, context, record_cb, &b, NULL);

  t1 = g_thread_new ("p1", poster_run, &p1);
  t2 = g_thread_new ("p2", poster_run, &p2);
  g_thread_join (t1);
  g_thread_join (t2);
  drain_context (context);

  g_assert_cmpuint (log->len, ==, 2 * (p1.n_posts + p2.n_posts));
  for (guint i = 0; i < log->len; i += 2)
    {
      const char *first = g_ptr_array_index (log, i);
      const char *second = g_ptr_array_index (log, i + 1);
      guint which, n;

      /* "a:tK:N" then "b:tK:N" */
      g_assert_true (first[0] == 'a' && second[0] == 'b');
      g_assert_cmpstr (first + 1, ==, second + 1);
      which = first[3] - '1';
      n = (guint) g_ascii_strtoull (first + 5, NULL, 10);
      g_assert_cmpuint (n, ==, next[which]);
      next[which]++;
    }
}

/* A synchronous observer between two queued ones posts again: the
 * outer post's queued calls all come before the nested post's. */
static void
nested_post_cb (NotificationCenter *center, const char *type, GObject *sender,
                GVariant *user_info, gpointer user_data)
{
  if (g_str_equal (type, "outer"))
    notification_center_post (center, "nested", NULL, NULL);
}

static void
test_order_nested_post (void)
{
  g_autoptr(NotificationCenter) center = notification_center_new ();
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GPtrArray) log = g_ptr_array_new_with_free_func (g_free);
  Recorder x = { "x", log, NULL }, y = { "y", log, NULL };
  g_autofree char *joined = NULL;

  g_test_summary ("A post made by a synchronous observer during a post is delivered "
                  "on the context after the outer one, to every observer in order");

  notification_center_add_observer_full (center, NULL, NULL, NULL, context, record_cb, &x, NULL);
  notification_center_add_observer (center, NULL, NULL, nested_post_cb, NULL, NULL);
  notification_center_add_observer_full (center, NULL, NULL, NULL, context, record_cb, &y, NULL);

  notification_center_post (center, "outer", NULL, NULL);
  drain_context (context);
  joined = join_log (log);
  g_assert_cmpstr (joined, ==, "x:outer:0 y:outer:0 x:nested:0 y:nested:0");
}

/* The synchronous observer comes first: the outer post has no queued
 * call yet when it posts again, and still comes first. Two contexts, and
 * a nested post two levels deep. */
static void
nested_twice_cb (NotificationCenter *center, const char *type, GObject *sender,
                 GVariant *user_info, gpointer user_data)
{
  if (g_str_equal (type, "outer"))
    notification_center_post (center, "middle", NULL, NULL);
  else if (g_str_equal (type, "middle"))
    notification_center_post (center, "inner", NULL, NULL);
}

static void
test_order_nested_post_first (void)
{
  g_autoptr(NotificationCenter) center = notification_center_new ();
  g_autoptr(GMainContext) c1 = g_main_context_new ();
  g_autoptr(GMainContext) c2 = g_main_context_new ();
  g_autoptr(GPtrArray) log1 = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) log2 = g_ptr_array_new_with_free_func (g_free);
  Recorder x = { "x", log1, NULL }, y = { "y", log2, NULL }, z = { "z", log1, NULL };
  g_autofree char *joined1 = NULL, *joined2 = NULL;

  g_test_summary ("Posts nested two deep by a synchronous observer called first "
                  "still come after the outer post on every context, in the order of "
                  "the posts");

  notification_center_add_observer (center, NULL, NULL, nested_twice_cb, NULL, NULL);
  notification_center_add_observer_full (center, NULL, NULL, NULL, c1, record_cb, &x, NULL);
  notification_center_add_observer_full (center, NULL, NULL, NULL, c2, record_cb, &y, NULL);
  notification_center_add_observer_full (center, "outer", NULL, NULL, c1, record_cb, &z, NULL);

  notification_center_post (center, "outer", NULL, NULL);
  drain_context (c1);
  drain_context (c2);
  joined1 = join_log (log1);
  joined2 = join_log (log2);
  g_assert_cmpstr (joined1, ==, "x:outer:0 z:outer:0 x:middle:0 x:inner:0");
  g_assert_cmpstr (joined2, ==, "y:outer:0 y:middle:0 y:inner:0");
}

static void
test_coalesce (void)
{
  g_autoptr(NotificationCenter) center = notification_center_new ();
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GPtrArray) log = g_ptr_array_new_with_free_func (g_free);
  Recorder progress = { "p", log, NULL }, lines = { "l", log, NULL };
  GObject *worker = g_object_new (G_TYPE_OBJECT, NULL);
  g_autofree char *joined = NULL;

  g_test_summary ("A coalescing observer gets only the latest post of each (type, "
                  "sender), in the order of those latest posts among the others");

  notification_center_add_observer_with_flags (center, "progress", NULL, NULL, context,
                                               NOTIFICATION_OBSERVER_COALESCE,
                                               record_cb, &progress, NULL);
  notification_center_add_observer_full (center, "stdout", NULL, NULL, context,
                                         record_cb, &lines, NULL);

  for (guint i = 0; i < 100000; i++)
    notification_center_post (center, "progress", NULL, n_info (i));
  /* Another sender is another notification. */
  notification_center_post (center, "progress", worker, n_info (7));
  notification_center_post (center, "stdout", NULL, n_info (1));
  notification_center_post (center, "progress", NULL, n_info (100000));
  drain_context (context);

  /* The latest of each, in the order of their latest posts. */
  joined = join_log (log);
  g_assert_cmpstr (joined, ==, "p:progress:7 l:stdout:1 p:progress:100000");
  g_object_unref (worker);
}

/* A coalescing observer after a synchronous one that posts again: the
 * nested post is the newer one, and its call is the one that stays. */
static gboolean coalesce_nested;

static void
coalesce_nesting_cb (NotificationCenter *center, const char *type, GObject *sender,
                     GVariant *user_info, gpointer user_data)
{
  if (coalesce_nested)
    return;
  coalesce_nested = TRUE;
  notification_center_post (center, "progress", NULL, n_info (2));
}

static void
test_coalesce_nested_post (void)
{
  g_autoptr(NotificationCenter) center = notification_center_new ();
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GPtrArray) log = g_ptr_array_new_with_free_func (g_free);
  Recorder first = { "f", log, NULL }, progress = { "p", log, NULL };
  g_autofree char *joined = NULL;

  coalesce_nested = FALSE;
  notification_center_add_observer_full (center, "progress", NULL, NULL, context, record_cb, &first, NULL);
  notification_center_add_observer (center, "progress", NULL, coalesce_nesting_cb, NULL, NULL);
  notification_center_add_observer_with_flags (center, "progress", NULL, NULL, context,
                                               NOTIFICATION_OBSERVER_COALESCE,
                                               record_cb, &progress, NULL);
  notification_center_post (center, "progress", NULL, n_info (1));
  drain_context (context);

  joined = join_log (log);
  g_assert_cmpstr (joined, ==, "f:progress:1 f:progress:2 p:progress:2");
}

typedef struct
{
  guint               calls;
  guint               dropped;
  NotificationCenter *other;
} DropCounter;

static void
count_dropped_cb (NotificationCenter *center, const char *type, GObject *sender,
                  GVariant *user_info, gpointer user_data)
{
  DropCounter *counter = user_data;

  counter->calls++;
  counter->dropped += notification_center_get_dropped_before_call (center);
  /* Another center's count is its own. */
  g_assert_cmpuint (notification_center_get_dropped_before_call (counter->other), ==, 0);
}

static void
test_limit (void)
{
  g_autoptr(NotificationCenter) center = notification_center_new ();
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(NotificationCenter) other = notification_center_new ();
  DropCounter counter = { 0, 0, other };
  guint64 n_dropped = 0;

  g_test_summary ("A queue limit drops the calls past it, counted in n-dropped and "
                  "given to the next call, and 0 lifts the limit");

  notification_center_set_queue_limit (center, context, 10);
  notification_center_add_observer_full (center, "t", NULL, NULL, context,
                                         count_dropped_cb, &counter, NULL);
  for (guint i = 0; i < 25; i++)
    notification_center_post (center, "t", NULL, NULL);
  g_assert_cmpuint (notification_center_get_n_dropped (center), ==, 15);
  g_object_get (center, "n-dropped", &n_dropped, NULL);
  g_assert_cmpuint (n_dropped, ==, 15);

  drain_context (context);
  g_assert_cmpuint (counter.calls, ==, 10);
  g_assert_cmpuint (counter.dropped, ==, 15);
  g_assert_cmpuint (notification_center_get_dropped_before_call (center), ==, 0);

  /* Room again once dispatched; no limit any more with 0. */
  notification_center_set_queue_limit (center, context, 0);
  for (guint i = 0; i < 100; i++)
    notification_center_post (center, "t", NULL, NULL);
  drain_context (context);
  g_assert_cmpuint (counter.calls, ==, 110);
  g_assert_cmpuint (notification_center_get_n_dropped (center), ==, 15);
}

static gboolean
log_idle_cb (gpointer data)
{
  g_ptr_array_add (data, g_strdup ("idle"));
  return G_SOURCE_REMOVE;
}

static void
test_priority (void)
{
  g_autoptr(NotificationCenter) center = notification_center_new ();
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GPtrArray) log = g_ptr_array_new_with_free_func (g_free);
  Recorder r = { "r", log, NULL };
  g_autofree char *joined = NULL;
  GSource *idle;

  g_test_summary ("Queued calls are dispatched at the default priority unless the "
                  "context's queue priority is set lower");

  notification_center_add_observer_full (center, "t", NULL, NULL, context, record_cb, &r, NULL);

  /* Default priority: before a default-idle source. */
  idle = g_idle_source_new ();
  g_source_set_callback (idle, log_idle_cb, log, NULL);
  g_source_attach (idle, context);
  g_source_unref (idle);
  notification_center_post (center, "t", NULL, n_info (1));
  drain_context (context);

  /* Below it when asked. */
  notification_center_set_queue_priority (center, context, G_PRIORITY_LOW);
  idle = g_idle_source_new ();
  g_source_set_callback (idle, log_idle_cb, log, NULL);
  g_source_attach (idle, context);
  g_source_unref (idle);
  notification_center_post (center, "t", NULL, n_info (2));
  drain_context (context);

  joined = join_log (log);
  g_assert_cmpstr (joined, ==, "r:t:1 idle idle r:t:2");
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_summary ("Main-context observers of a center share one ordered, bounded queue per context");

  g_test_add_func ("/center/delivery/order/across-observers", test_order_across_observers);
  g_test_add_func ("/center/delivery/order/two-threads", test_order_two_threads);
  g_test_add_func ("/center/delivery/order/nested-post", test_order_nested_post);
  g_test_add_func ("/center/delivery/order/nested-post-first", test_order_nested_post_first);
  g_test_add_func ("/center/delivery/coalesce", test_coalesce);
  g_test_add_func ("/center/delivery/coalesce-nested-post", test_coalesce_nested_post);
  g_test_add_func ("/center/delivery/limit", test_limit);
  g_test_add_func ("/center/delivery/priority", test_priority);

  return g_test_run ();
}
