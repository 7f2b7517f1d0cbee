/* test-delivery-lifetime.c: what a main-context queue holds, and for how long
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The lifetime of what is queued for a main context (removal releases at
 * once, a context never iterated, a center or a context finalized while
 * calls wait) and where and when destroy notifies run.
 */

#include <dirent.h>

#include "test-util.h"

static void
test_remove_releases_at_once (void)
{
  g_autoptr(NotificationCenter) center = notification_center_new ();
  g_autoptr(GMainContext) context = g_main_context_new ();
  GObject *sender = g_object_new (G_TYPE_OBJECT, NULL);
  gboolean sender_gone = FALSE, info_freed;
  Probe probe;
  gulong id;

  g_test_summary ("Removing a main-context observer drops its queued calls and their "
                  "sender and user info at once, and its destroy notify runs on the "
                  "context");

  probe_init (&probe, "p", NULL);
  g_object_weak_ref (sender, flag_weak_notify, &sender_gone);
  id = notification_center_add_observer_full (center, "t", NULL, NULL, context,
                                              probe_cb, &probe, probe_destroy);
  notification_center_post (center, "t", sender, tracked_vardict_new (&info_freed));
  g_object_unref (sender);
  g_assert_false (sender_gone);
  g_assert_false (info_freed);

  notification_center_remove_observer (center, id);
  g_assert_true (sender_gone);
  g_assert_true (info_freed);
  /* Its destroy notify waits for the context. */
  g_assert_cmpint (probe_destroys (&probe), ==, 0);
  drain_context (context);
  g_assert_cmpint (probe_calls (&probe), ==, 0);
  g_assert_cmpint (probe_destroys (&probe), ==, 1);
  g_assert_true (probe.destroy_thread == g_thread_self ());

  probe_clear (&probe);
}

static guint
count_fds (void)
{
  DIR *dir = opendir ("/proc/self/fd");
  guint n = 0;

  if (dir == NULL)
    return 0;
  while (readdir (dir) != NULL)
    n++;
  closedir (dir);
  return n;
}

/* A context that is never iterated again is freed with what is queued
 * on it when its last user unrefs it: no cycle through the center. */
static void
test_context_never_iterated (void)
{
  g_autoptr(NotificationCenter) center = notification_center_new ();
  guint fds_before = count_fds ();
  int n_senders_gone = 0;
  Probe probe;

  g_test_summary ("A context never iterated again is freed with its queued calls "
                  "when its last reference goes, running the destroy notifies and "
                  "leaking no sender or file descriptor");

  probe_init (&probe, "p", NULL);
  for (guint round = 0; round < 1000; round++)
    {
      GMainContext *context = g_main_context_new ();
      GObject *sender = g_object_new (G_TYPE_OBJECT, NULL);
      gulong id;

      g_object_weak_ref (sender, (GWeakNotify) (void (*) (void)) g_atomic_int_inc, &n_senders_gone);
      id = notification_center_add_observer_full (center, "t", NULL, NULL, context,
                                                  probe_cb, &probe, probe_destroy);
      notification_center_post (center, "t", sender, NULL);
      g_object_unref (sender);
      if (round % 2 == 0)
        notification_center_remove_observer (center, id);
      g_main_context_unref (context);
      g_assert_cmpint (probe_destroys (&probe), ==, round + 1);
    }

  g_assert_cmpint (n_senders_gone, ==, 1000);
  g_assert_cmpint (probe_calls (&probe), ==, 0);
  g_assert_cmpuint (notification_center_get_n_observers (center), ==, 0);
  if (fds_before != 0)
    g_assert_cmpuint (count_fds (), <=, fds_before);

  probe_clear (&probe);
}

/* A context run by a thread of its own. */
typedef struct
{
  GMainContext *context;
  GMainLoop    *loop;
} ContextThread;

static gpointer
context_thread_run (gpointer data)
{
  ContextThread *ct = data;

  g_main_context_push_thread_default (ct->context);
  g_main_loop_run (ct->loop);
  g_main_context_pop_thread_default (ct->context);

  return NULL;
}

static gboolean
quit_loop_cb (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

/* The center is finalized with nothing queued: the destroy notifies
 * still run on the context, not on the finalizing thread. */
static void
test_center_finalized_destroy_on_context (void)
{
  NotificationCenter *center = notification_center_new ();
  ContextThread ct;
  GThread *thread;
  Probe probe;

  g_test_summary ("The destroy notifies of a finalized center's main-context "
                  "observers run on the thread that runs their context");

  probe_init (&probe, "p", NULL);
  ct.context = g_main_context_new ();
  ct.loop = g_main_loop_new (ct.context, FALSE);
  notification_center_add_observer_full (center, "t", NULL, NULL, ct.context,
                                         probe_cb, &probe, probe_destroy);
  g_object_unref (center);
  g_assert_cmpint (probe_destroys (&probe), ==, 0);

  thread = g_thread_new ("frontend", context_thread_run, &ct);
  while (probe_destroys (&probe) == 0)
    g_usleep (1000);
  g_assert_true (probe.destroy_thread == thread);
  g_main_context_invoke (ct.context, quit_loop_cb, ct.loop);
  g_thread_join (thread);
  g_assert_cmpint (probe_destroys (&probe), ==, 1);
  g_main_loop_unref (ct.loop);
  g_main_context_unref (ct.context);

  probe_clear (&probe);
}

static void
test_center_finalized_drops_all (void)
{
  NotificationCenter *center = notification_center_new ();
  g_autoptr(GMainContext) context = g_main_context_new ();
  gboolean freed[3];
  Probe a, b;

  g_test_summary ("Finalizing the center drops every queued call, with its user "
                  "info, and leaves nothing on the context but the destroy notifies");

  probe_init (&a, "a", NULL);
  probe_init (&b, "b", NULL);
  notification_center_add_observer_full (center, "t", NULL, NULL, context, probe_cb, &a, probe_destroy);
  notification_center_add_observer_full (center, NULL, NULL, NULL, context, probe_cb, &b, probe_destroy);
  for (guint i = 0; i < G_N_ELEMENTS (freed); i++)
    notification_center_post (center, "t", NULL, tracked_vardict_new (&freed[i]));
  g_object_unref (center);

  for (guint i = 0; i < G_N_ELEMENTS (freed); i++)
    g_assert_true (freed[i]);
  drain_context (context);
  g_assert_cmpint (probe_calls (&a) + probe_calls (&b), ==, 0);
  g_assert_cmpint (probe_destroys (&a), ==, 1);
  g_assert_cmpint (probe_destroys (&b), ==, 1);
  /* Nothing of the center is left on the context. */
  g_assert_false (g_main_context_pending (context));

  probe_clear (&a);
  probe_clear (&b);
}

/* The destroy notify runs on the observer's context, which another
 * thread runs, whichever thread removes the observer. */
static void
test_destroy_on_context_thread (void)
{
  g_autoptr(NotificationCenter) center = notification_center_new ();
  ContextThread ct;
  GThread *thread;
  Probe probe;
  gulong id;

  g_test_summary ("The destroy notify of a removed main-context observer runs on the "
                  "thread running its context, after any call it got");

  probe_init (&probe, "p", NULL);
  ct.context = g_main_context_new ();
  ct.loop = g_main_loop_new (ct.context, FALSE);
  thread = g_thread_new ("frontend", context_thread_run, &ct);

  id = notification_center_add_observer_full (center, "t", NULL, NULL, ct.context,
                                              probe_cb, &probe, probe_destroy);
  for (guint i = 0; i < 100; i++)
    notification_center_post (center, "t", NULL, NULL);
  notification_center_remove_observer (center, id);

  while (probe_destroys (&probe) == 0)
    g_usleep (1000);
  g_assert_true (probe.destroy_thread == thread);
  if (probe_calls (&probe) > 0)
    g_assert_true (probe.last_thread == thread);

  g_main_context_invoke (ct.context, quit_loop_cb, ct.loop);
  g_thread_join (thread);
  g_assert_cmpint (probe_destroys (&probe), ==, 1);
  g_main_loop_unref (ct.loop);
  g_main_context_unref (ct.context);

  probe_clear (&probe);
}

/* Removed from inside its own call: the destroy notify runs after that
 * call, on the context. */
typedef struct
{
  gulong id;
  int    n_calls;
  int    n_destroys;
  gboolean in_call;
} SelfRemover;

static void
self_remove_cb (NotificationCenter *center, const char *type, GObject *sender,
                GVariant *user_info, gpointer user_data)
{
  SelfRemover *s = user_data;

  s->in_call = TRUE;
  s->n_calls++;
  notification_center_remove_observer (center, s->id);
  g_assert_cmpint (s->n_destroys, ==, 0);
  s->in_call = FALSE;
}

static void
self_remove_destroy (gpointer data)
{
  SelfRemover *s = data;

  g_assert_false (s->in_call);
  s->n_destroys++;
}

static void
test_destroy_after_last_call (void)
{
  g_autoptr(NotificationCenter) center = notification_center_new ();
  g_autoptr(GMainContext) context = g_main_context_new ();
  SelfRemover s = { 0, };

  g_test_summary ("An observer that removes itself in its first call gets no further "
                  "queued call, and its destroy notify runs once");

  s.id = notification_center_add_observer_full (center, "t", NULL, NULL, context,
                                                self_remove_cb, &s, self_remove_destroy);
  for (guint i = 0; i < 10; i++)
    notification_center_post (center, "t", NULL, NULL);
  drain_context (context);
  g_assert_cmpint (s.n_calls, ==, 1);
  g_assert_cmpint (s.n_destroys, ==, 1);
}

/* The context is finalized while a post on another thread holds a place
 * in its queue: a destroy notify run by the finalization lets that post
 * finish (and free its placeholder) in the middle of it. */
typedef struct
{
  GMutex   mutex;
  GCond    cond;
  gboolean in_sync;
  gboolean release_sync;
  gboolean post_done;
  NotificationCenter *center;
} Handover;

static void
handover_sync_cb (NotificationCenter *center, const char *type, GObject *sender,
                  GVariant *user_info, gpointer user_data)
{
  Handover *h = user_data;

  g_mutex_lock (&h->mutex);
  h->in_sync = TRUE;
  g_cond_broadcast (&h->cond);
  while (!h->release_sync)
    g_cond_wait (&h->cond, &h->mutex);
  g_mutex_unlock (&h->mutex);
}

static void
handover_destroy (gpointer data)
{
  Handover *h = data;

  g_mutex_lock (&h->mutex);
  h->release_sync = TRUE;
  g_cond_broadcast (&h->cond);
  while (!h->post_done)
    g_cond_wait (&h->cond, &h->mutex);
  g_mutex_unlock (&h->mutex);
}

static gpointer
handover_poster (gpointer data)
{
  Handover *h = data;

  notification_center_post (h->center, "t", NULL, NULL);
  g_mutex_lock (&h->mutex);
  h->post_done = TRUE;
  g_cond_broadcast (&h->cond);
  g_mutex_unlock (&h->mutex);

  return NULL;
}

static void
test_context_finalized_during_post (void)
{
  g_autoptr(NotificationCenter) center = notification_center_new ();
  GMainContext *context = g_main_context_new ();
  Handover h = { .center = center };
  GThread *thread;
  gulong id;

  g_mutex_init (&h.mutex);
  g_cond_init (&h.cond);
  id = notification_center_add_observer_full (center, "other", NULL, NULL, context,
                                              noop_cb, &h, handover_destroy);
  notification_center_remove_observer (center, id);  /* its destroy notify waits in the queue */
  notification_center_add_observer_full (center, "t", NULL, NULL, context, noop_cb, NULL, NULL);
  notification_center_add_observer (center, "t", NULL, handover_sync_cb, &h, NULL);

  thread = g_thread_new ("poster", handover_poster, &h);
  g_mutex_lock (&h.mutex);
  while (!h.in_sync)
    g_cond_wait (&h.cond, &h.mutex);
  g_mutex_unlock (&h.mutex);
  /* The queue: the destroy notify, a call, the post's placeholder. */
  g_main_context_unref (context);
  g_thread_join (thread);

  g_assert_cmpuint (notification_center_get_n_observers (center), ==, 1);
  g_mutex_clear (&h.mutex);
  g_cond_clear (&h.cond);
}

/* --- Flow control ---------------------------------------------------------- */

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_summary ("What a center's main-context queue holds is released when its observer "
                  "is removed, its center or its context goes, and destroy notifies run "
                  "on the observer's context after its last call");

  g_test_add_func ("/center/delivery/lifetime/remove-releases-at-once", test_remove_releases_at_once);
  g_test_add_func ("/center/delivery/lifetime/context-never-iterated", test_context_never_iterated);
  g_test_add_func ("/center/delivery/lifetime/center-finalized", test_center_finalized_drops_all);
  g_test_add_func ("/center/delivery/destroy/center-finalized", test_center_finalized_destroy_on_context);
  g_test_add_func ("/center/delivery/destroy/on-context-thread", test_destroy_on_context_thread);
  g_test_add_func ("/center/delivery/destroy/after-last-call", test_destroy_after_last_call);
  g_test_add_func ("/center/delivery/lifetime/context-finalized-during-post", test_context_finalized_during_post);

  return g_test_run ();
}
