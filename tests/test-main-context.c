/* test-main-context.c: observers called on a GMainContext instead of the
 * posting thread
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <notification/notification.h>

#include "test-util.h"

static gulong
probe_add_on (NotificationCenter *center,
              const char         *type,
              gpointer            sender,
              GMainContext       *context,
              Probe              *probe)
{
  gulong id;

  id = notification_center_add_observer_full (center, type, sender, NULL, context,
                                              probe_cb, probe, probe_destroy);
  g_assert_cmpuint (id, >, 0);
  return id;
}

static void
test_deferred (void)
{
  Probe probe;
  g_autoptr(NotificationCenter) center = notification_center_new ();
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GObject) sender = g_object_new (G_TYPE_OBJECT, NULL);
  g_autoptr(GVariant) info = g_variant_ref_sink (g_variant_new_parsed ("@a{sv} {'k': <1>}"));

  g_test_summary ("An observer with a main context is called when that context is "
                  "iterated, not during the post nor on the default context, with the "
                  "posted arguments");

  probe_init (&probe, "p", NULL);
  probe_add_on (center, "t", NULL, context, &probe);
  g_assert_true (notification_center_has_observers (center, "t", NULL));
  g_assert_cmpuint (notification_center_get_n_observers (center), ==, 1);

  notification_center_post (center, "t", sender, info);
  /* not called synchronously */
  g_assert_cmpint (probe_calls (&probe), ==, 0);
  /* nor on the default context */
  drain_context (NULL);
  g_assert_cmpint (probe_calls (&probe), ==, 0);

  drain_context (context);
  g_assert_cmpint (probe_calls (&probe), ==, 1);
  g_assert_true (probe.last_center == center);
  g_assert_cmpstr (probe.last_type, ==, "t");
  g_assert_true (probe.last_sender == sender);
  g_assert_true (probe.last_user_info == info);
  g_assert_true (probe.last_thread == g_thread_self ());

  /* unmatched posts queue nothing */
  notification_center_post (center, "u", sender, NULL);
  drain_context (context);
  g_assert_cmpint (probe_calls (&probe), ==, 1);

  probe_clear (&probe);
}

/* The default main context works like any other. */
static void
test_default_context (void)
{
  Probe probe;
  g_autoptr(NotificationCenter) center = notification_center_new ();

  g_test_summary ("An observer on the default main context is called when that "
                  "context is iterated");

  probe_init (&probe, "p", NULL);
  probe_add_on (center, "t", NULL, g_main_context_default (), &probe);
  notification_center_post (center, "t", NULL, NULL);
  g_assert_cmpint (probe_calls (&probe), ==, 0);
  drain_context (NULL);
  g_assert_cmpint (probe_calls (&probe), ==, 1);

  probe_clear (&probe);
}

typedef struct
{
  GArray *seqs;      /* int */
  GThread *thread;
  int n_calls;       /* atomic */
  int wrong_thread;
  int bad_sender;
} Collector;

static void
collector_cb (NotificationCenter *center,
              const char         *type,
              GObject            *sender,
              GVariant           *user_info,
              gpointer            user_data)
{
  Collector *c = user_data;
  int seq = -1;

  g_assert_nonnull (user_info);
  g_assert_true (g_variant_is_of_type (user_info, G_VARIANT_TYPE_VARDICT));
  g_assert_true (g_variant_lookup (user_info, "seq", "i", &seq));
  g_array_append_val (c->seqs, seq);
  if (c->thread != NULL && g_thread_self () != c->thread)
    c->wrong_thread++;
  g_atomic_int_inc (&c->n_calls);
}

static GVariant *
seq_info_new (int seq)
{
  GVariantBuilder builder;

  g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&builder, "{sv}", "seq", g_variant_new_int32 (seq));
  return g_variant_builder_end (&builder);
}

/* Calls arrive in posting order, across types. */
static void
test_order (void)
{
  g_autoptr(NotificationCenter) center = notification_center_new ();
  g_autoptr(GMainContext) context = g_main_context_new ();
  Collector c = { g_array_new (FALSE, FALSE, sizeof (int)), NULL };
  int i;

  g_test_summary ("Calls on a context arrive in posting order across types, also "
                  "with a partial dispatch in between");

  notification_center_add_observer_full (center, NULL, NULL, NULL, context,
                                         collector_cb, &c, NULL);
  for (i = 0; i < 100; i++)
    {
      notification_center_post (center, i % 3 ? "a" : "b", NULL, seq_info_new (i));
      if (i == 50)
        {
          /* a partial dispatch in between does not reorder */
          g_main_context_iteration (context, FALSE);
        }
    }
  drain_context (context);

  g_assert_cmpuint (c.seqs->len, ==, 100);
  for (i = 0; i < 100; i++)
    g_assert_cmpint (g_array_index (c.seqs, int, i), ==, i);

  g_array_unref (c.seqs);
}

/* A worker thread posts with floating user info and short-lived senders;
 * the main thread receives everything, in order, with the user info and
 * sender still alive. */

#define N_WORKER_POSTS 300

typedef struct
{
  NotificationCenter *center;
  int                 info_freed[N_WORKER_POSTS];    /* atomic */
  int                 sender_gone[N_WORKER_POSTS];   /* atomic */
  int                 bad;                           /* atomic */
  GArray             *seqs;
  GThread            *main_thread;
  int                 n_calls;                       /* atomic */
} WorkerTest;

typedef struct
{
  WorkerTest *test;
  int         seq;
} SlotRef;

static void
info_freed_cb (gpointer data)
{
  SlotRef *ref = data;

  g_atomic_int_set (&ref->test->info_freed[ref->seq], 1);
  g_free (ref);
}

static void
sender_gone_cb (gpointer  data,
                GObject  *where_the_object_was)
{
  SlotRef *ref = data;

  g_atomic_int_set (&ref->test->sender_gone[ref->seq], 1);
  g_free (ref);
}

static SlotRef *
slot_ref_new (WorkerTest *test,
              int         seq)
{
  SlotRef *ref = g_new (SlotRef, 1);

  ref->test = test;
  ref->seq = seq;
  return ref;
}

static gpointer
worker_thread (gpointer data)
{
  WorkerTest *t = data;
  int i;

  for (i = 0; i < N_WORKER_POSTS; i++)
    {
      GObject *sender = g_object_new (G_TYPE_OBJECT, NULL);
      GVariant *info = tracked_copy_new (seq_info_new (i), info_freed_cb, slot_ref_new (t, i));

      g_object_weak_ref (sender, sender_gone_cb, slot_ref_new (t, i));
      notification_center_post (t->center, "stdout", sender, info);
      g_object_unref (sender);
    }
  return NULL;
}

static void
worker_observer_cb (NotificationCenter *center,
                    const char         *type,
                    GObject            *sender,
                    GVariant           *user_info,
                    gpointer            user_data)
{
  WorkerTest *t = user_data;
  int seq = -1;

  if (g_thread_self () != t->main_thread)
    g_atomic_int_inc (&t->bad);
  if (!g_variant_lookup (user_info, "seq", "i", &seq) || seq < 0 || seq >= N_WORKER_POSTS)
    {
      g_atomic_int_inc (&t->bad);
      return;
    }
  /* the sender is still alive while its notification is delivered */
  if (sender == NULL || !G_IS_OBJECT (sender) || g_atomic_int_get (&t->sender_gone[seq]))
    g_atomic_int_inc (&t->bad);
  g_array_append_val (t->seqs, seq);
  g_atomic_int_inc (&t->n_calls);
}

static void
test_from_worker_thread (void)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  WorkerTest *t = g_new0 (WorkerTest, 1);
  GThread *worker;
  int i;

  g_test_summary ("Posts from a worker thread are delivered in order on the main "
                  "thread's context while the worker still posts, their senders and "
                  "user info released once delivered");

  t->center = notification_center_new ();
  t->seqs = g_array_new (FALSE, FALSE, sizeof (int));
  t->main_thread = g_thread_self ();

  notification_center_add_observer_full (t->center, "stdout", NULL, NULL, context,
                                         worker_observer_cb, t, NULL);

  worker = g_thread_new ("worker", worker_thread, t);
  /* receive while the worker is still posting */
  iterate_until (context, &t->n_calls, N_WORKER_POSTS, 10);
  g_thread_join (worker);
  drain_context (context);

  g_assert_cmpint (g_atomic_int_get (&t->bad), ==, 0);
  g_assert_cmpuint (t->seqs->len, ==, N_WORKER_POSTS);
  for (i = 0; i < N_WORKER_POSTS; i++)
    {
      g_assert_cmpint (g_array_index (t->seqs, int, i), ==, i);
      /* released once delivered */
      g_assert_cmpint (g_atomic_int_get (&t->sender_gone[i]), ==, 1);
      g_assert_cmpint (g_atomic_int_get (&t->info_freed[i]), ==, 1);
    }

  g_clear_object (&t->center);
  g_array_unref (t->seqs);
  g_free (t);
}

/* The posted user info stays alive until delivered, then is released. */
static void
test_user_info_kept_alive (void)
{
  Probe probe;
  g_autoptr(NotificationCenter) center = notification_center_new ();
  g_autoptr(GMainContext) context = g_main_context_new ();
  gboolean freed;
  GVariant *info;

  g_test_summary ("The user info of a queued call stays alive until it is delivered, "
                  "then is released");

  probe_init (&probe, "p", NULL);
  probe_add_on (center, "t", NULL, context, &probe);

  info = tracked_vardict_new (&freed);
  notification_center_post (center, "t", NULL, info);
  g_assert_false (freed);
  g_assert_cmpint (probe_calls (&probe), ==, 0);

  drain_context (context);
  g_assert_cmpint (probe_calls (&probe), ==, 1);
  g_assert_true (probe.last_user_info == info);
  g_assert_true (freed);

  probe_clear (&probe);
}

/* The sender of a queued notification stays alive until delivered. */
static void
test_sender_kept_alive (void)
{
  Probe any_sender, this_sender;
  g_autoptr(NotificationCenter) center = notification_center_new ();
  g_autoptr(GMainContext) context = g_main_context_new ();
  GObject *sender = g_object_new (G_TYPE_OBJECT, NULL);
  gpointer sender_address = sender;
  gboolean gone = FALSE;

  g_test_summary ("The sender of a queued call stays alive until it is delivered, "
                  "and its sender-specific observer goes with it afterwards");

  probe_init (&any_sender, "any", NULL);
  probe_init (&this_sender, "this", NULL);
  probe_add_on (center, "t", NULL, context, &any_sender);
  probe_add_on (center, "t", sender, context, &this_sender);
  g_object_weak_ref (sender, flag_weak_notify, &gone);

  notification_center_post (center, "t", sender, NULL);
  g_object_unref (sender);
  g_assert_false (gone);

  drain_context (context);
  g_assert_cmpint (probe_calls (&any_sender), ==, 1);
  g_assert_true (any_sender.last_sender == sender_address);
  g_assert_cmpint (probe_calls (&this_sender), ==, 1);
  g_assert_true (this_sender.last_sender == sender_address);
  g_assert_true (gone);
  /* and the sender-specific observer went with its sender */
  drain_context (context);
  g_assert_cmpint (probe_destroys (&this_sender), ==, 1);
  g_assert_cmpint (probe_destroys (&any_sender), ==, 0);
  g_assert_cmpuint (notification_center_get_n_observers (center), ==, 1);

  probe_clear (&any_sender);
  probe_clear (&this_sender);
}

/* A queued delivery to an observer removed in the meantime is dropped. */
static void
test_removed_before_delivery (void)
{
  Probe probe, kept;
  g_autoptr(NotificationCenter) center = notification_center_new ();
  g_autoptr(GMainContext) context = g_main_context_new ();
  gboolean freed;
  gulong id;

  g_test_summary ("Queued calls to an observer removed before they are dispatched "
                  "are dropped, their user info released, while another observer "
                  "still gets its calls");

  probe_init (&probe, "p", NULL);
  probe_init (&kept, "kept", NULL);
  id = probe_add_on (center, "t", NULL, context, &probe);
  probe_add_on (center, "t", NULL, context, &kept);

  notification_center_post (center, "t", NULL, tracked_vardict_new (&freed));
  notification_center_post (center, "t", NULL, NULL);
  notification_center_remove_observer (center, id);
  g_assert_cmpuint (notification_center_get_n_observers (center), ==, 1);

  drain_context (context);
  g_assert_cmpint (probe_calls (&probe), ==, 0);
  g_assert_cmpint (probe_destroys (&probe), ==, 1);
  g_assert_cmpint (probe_calls (&kept), ==, 2);
  g_assert_true (freed);

  probe_clear (&probe);
  probe_clear (&kept);
}

static void
test_remove_all_before_delivery (void)
{
  Probe probe;
  g_autoptr(NotificationCenter) center = notification_center_new ();
  g_autoptr(GMainContext) context = g_main_context_new ();
  gboolean freed;

  g_test_summary ("remove_all_observers() drops the queued calls and releases their "
                  "user info before the context runs");

  probe_init (&probe, "p", NULL);
  probe_add_on (center, NULL, NULL, context, &probe);
  notification_center_post (center, "t", NULL, tracked_vardict_new (&freed));
  notification_center_remove_all_observers (center);

  drain_context (context);
  g_assert_cmpint (probe_calls (&probe), ==, 0);
  g_assert_cmpint (probe_destroys (&probe), ==, 1);
  g_assert_true (freed);

  probe_clear (&probe);
}

static void
test_owner_finalized_before_delivery (void)
{
  Probe probe;
  g_autoptr(NotificationCenter) center = notification_center_new ();
  g_autoptr(GMainContext) context = g_main_context_new ();
  GObject *owner = g_object_new (G_TYPE_OBJECT, NULL);

  g_test_summary ("A queued call to an observer whose owner is finalized before the "
                  "dispatch is dropped, and the destroy notify runs once");

  probe_init (&probe, "p", NULL);
  notification_center_add_observer_full (center, "t", NULL, owner, context,
                                         probe_cb, &probe, probe_destroy);
  notification_center_post (center, "t", NULL, NULL);
  g_object_unref (owner);

  drain_context (context);
  g_assert_cmpint (probe_calls (&probe), ==, 0);
  g_assert_cmpint (probe_destroys (&probe), ==, 1);

  probe_clear (&probe);
}

static void
test_center_finalized_before_delivery (void)
{
  NotificationCenter *center = notification_center_new ();
  g_autoptr(GMainContext) context = g_main_context_new ();
  gboolean freed;
  Probe probe;

  g_test_summary ("A queued call of a center finalized before the dispatch is "
                  "dropped, its user info released, and the destroy notify runs once");

  probe_init (&probe, "p", NULL);
  probe_add_on (center, "t", NULL, context, &probe);
  notification_center_post (center, "t", NULL, tracked_vardict_new (&freed));
  g_object_unref (center);

  drain_context (context);
  g_assert_cmpint (probe_calls (&probe), ==, 0);
  g_assert_cmpint (probe_destroys (&probe), ==, 1);
  g_assert_true (freed);

  probe_clear (&probe);
}

/* A deferred observer removing itself drops its later queued calls. */
typedef struct
{
  gulong id;
  int    n_calls;
  int    n_destroys;
} SelfRemoving;

static void
self_removing_cb (NotificationCenter *center,
                  const char         *type,
                  GObject            *sender,
                  GVariant           *user_info,
                  gpointer            user_data)
{
  SelfRemoving *s = user_data;

  g_assert_cmpint (s->n_destroys, ==, 0);
  s->n_calls++;
  notification_center_remove_observer (center, s->id);
  g_assert_cmpint (s->n_destroys, ==, 0);
}

static void
self_removing_destroy (gpointer data)
{
  ((SelfRemoving *) data)->n_destroys++;
}

static void
test_remove_self_in_deferred_call (void)
{
  SelfRemoving s = { 0, };
  g_autoptr(NotificationCenter) center = notification_center_new ();
  g_autoptr(GMainContext) context = g_main_context_new ();

  g_test_summary ("A main-context observer that removes itself in its first call "
                  "gets none of the other queued calls, and its destroy notify runs "
                  "once");

  s.id = notification_center_add_observer_full (center, "t", NULL, NULL, context,
                                                self_removing_cb, &s, self_removing_destroy);
  notification_center_post (center, "t", NULL, NULL);
  notification_center_post (center, "t", NULL, NULL);
  notification_center_post (center, "t", NULL, NULL);

  drain_context (context);
  g_assert_cmpint (s.n_calls, ==, 1);
  g_assert_cmpint (s.n_destroys, ==, 1);
}

/* Synchronous observers run during the post; deferred ones later; both
 * keep their own add order. */
static void
test_sync_and_deferred (void)
{
  Probe d1, s1, d2, s2;
  g_autoptr(NotificationCenter) center = notification_center_new ();
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GString) log = g_string_new ("");

  g_test_summary ("Synchronous observers run during the post and main-context ones "
                  "when the context runs, each kind in the order they were added");

  probe_init (&d1, "d1", log);
  probe_init (&s1, "s1", log);
  probe_init (&d2, "d2", log);
  probe_init (&s2, "s2", log);
  probe_add_on (center, "t", NULL, context, &d1);
  probe_add (center, "t", NULL, &s1);
  probe_add_on (center, NULL, NULL, context, &d2);
  probe_add (center, NULL, NULL, &s2);

  notification_center_post (center, "t", NULL, NULL);
  g_assert_cmpstr (log->str, ==, "s1 s2 ");
  drain_context (context);
  g_assert_cmpstr (log->str, ==, "s1 s2 d1 d2 ");

  probe_clear (&d1);
  probe_clear (&s1);
  probe_clear (&d2);
  probe_clear (&s2);
}

/* The context is iterated by another thread (a GUI thread): calls run
 * there, posted from this thread. */
#define N_GUI_POSTS 200

typedef struct
{
  GMainContext *context;
  Collector     collector;
} GuiThread;

static gpointer
gui_thread (gpointer data)
{
  GuiThread *g = data;

  g_main_context_push_thread_default (g->context);
  iterate_until (g->context, &g->collector.n_calls, N_GUI_POSTS, 10);
  g_main_context_pop_thread_default (g->context);
  return NULL;
}

static void
test_other_thread_context (void)
{
  g_autoptr(NotificationCenter) center = notification_center_new ();
  GuiThread g = { 0, };
  GThread *thread;
  int i;

  g_test_summary ("Posts are delivered in order on a context that another thread "
                  "runs, and on that thread");

  g.context = g_main_context_new ();
  g.collector.seqs = g_array_new (FALSE, FALSE, sizeof (int));

  thread = g_thread_new ("gui", gui_thread, &g);
  g.collector.thread = thread;
  notification_center_add_observer_full (center, "t", NULL, NULL, g.context,
                                         collector_cb, &g.collector, NULL);

  for (i = 0; i < N_GUI_POSTS; i++)
    notification_center_post (center, "t", NULL, seq_info_new (i));

  g_thread_join (thread);

  g_assert_cmpint (g.collector.wrong_thread, ==, 0);
  g_assert_cmpuint (g.collector.seqs->len, ==, N_GUI_POSTS);
  for (i = 0; i < N_GUI_POSTS; i++)
    g_assert_cmpint (g_array_index (g.collector.seqs, int, i), ==, i);

  notification_center_remove_all_observers (center);
  g_array_unref (g.collector.seqs);
  g_main_context_unref (g.context);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/center/main-context/deferred", test_deferred);
  g_test_add_func ("/center/main-context/default-context", test_default_context);
  g_test_add_func ("/center/main-context/order", test_order);
  g_test_add_func ("/center/main-context/from-worker-thread", test_from_worker_thread);
  g_test_add_func ("/center/main-context/other-thread-context", test_other_thread_context);
  g_test_add_func ("/center/main-context/user-info-kept-alive", test_user_info_kept_alive);
  g_test_add_func ("/center/main-context/sender-kept-alive", test_sender_kept_alive);
  g_test_add_func ("/center/main-context/removed-before-delivery", test_removed_before_delivery);
  g_test_add_func ("/center/main-context/remove-all-before-delivery", test_remove_all_before_delivery);
  g_test_add_func ("/center/main-context/owner-finalized-before-delivery", test_owner_finalized_before_delivery);
  g_test_add_func ("/center/main-context/center-finalized-before-delivery", test_center_finalized_before_delivery);
  g_test_add_func ("/center/main-context/remove-self-in-deferred-call", test_remove_self_in_deferred_call);
  g_test_add_func ("/center/main-context/sync-and-deferred", test_sync_and_deferred);

  return g_test_run ();
}
