/* test-signal.c: the detailed `notification` signal route, its order
 * relative to add_observer observers (observers first, then signal
 * handlers: "Delivery order and cost of the two routes" in
 * notification-center.h), has_observers() with signal handlers, and the
 * emits-signal property
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <notification/notification.h>

#include "test-util.h"

typedef struct
{
  const char         *name;
  GString            *log;
  int                 n_calls;
  NotificationCenter *last_center;
  char               *last_type;
  GObject            *last_sender;
  GVariant           *last_user_info;
} Handler;

static void
handler_init (Handler    *h,
              const char *name,
              GString    *log)
{
  memset (h, 0, sizeof *h);
  h->name = name;
  h->log = log;
}

static void
handler_clear (Handler *h)
{
  g_clear_pointer (&h->last_type, g_free);
}

static void
handler_cb (NotificationCenter *center,
            const char         *type,
            GObject            *sender,
            GVariant           *user_info,
            gpointer            user_data)
{
  Handler *h = user_data;

  if (h->log != NULL)
    g_string_append_printf (h->log, "%s ", h->name);
  h->n_calls++;
  h->last_center = center;
  g_free (h->last_type);
  h->last_type = g_strdup (type);
  h->last_sender = sender;
  h->last_user_info = user_info;
}

static void
test_signal_detailed (void)
{
  g_autoptr(NotificationCenter) center = notification_center_new ();
  g_autoptr(GObject) sender = g_object_new (G_TYPE_OBJECT, NULL);
  g_autoptr(GVariant) info = g_variant_ref_sink (g_variant_new_parsed ("@a{sv} {'out_string': <'x'>}"));
  Handler out, err;

  g_test_summary ("A handler of notification::TYPE gets only the posts of that type, "
                  "with the center, sender and user info");

  handler_init (&out, "out", NULL);
  handler_init (&err, "err", NULL);
  g_signal_connect (center, "notification::stdout", G_CALLBACK (handler_cb), &out);
  g_signal_connect (center, "notification::stderr", G_CALLBACK (handler_cb), &err);

  notification_center_post (center, "stdout", sender, info);
  g_assert_cmpint (out.n_calls, ==, 1);
  g_assert_cmpint (err.n_calls, ==, 0);
  g_assert_true (out.last_center == center);
  g_assert_cmpstr (out.last_type, ==, "stdout");
  g_assert_true (out.last_sender == sender);
  g_assert_true (out.last_user_info == info);

  notification_center_post (center, "stderr", NULL, NULL);
  g_assert_cmpint (out.n_calls, ==, 1);
  g_assert_cmpint (err.n_calls, ==, 1);
  g_assert_null (err.last_sender);
  g_assert_null (err.last_user_info);

  notification_center_post (center, "stdin", NULL, NULL);
  notification_center_post (center, "std", NULL, NULL);
  g_assert_cmpint (out.n_calls, ==, 1);
  g_assert_cmpint (err.n_calls, ==, 1);

  handler_clear (&out);
  handler_clear (&err);
}

static void
test_signal_detail_less (void)
{
  g_autoptr(NotificationCenter) center = notification_center_new ();
  g_autofree char *fresh = g_strdup_printf ("fresh-type-%08x", g_random_int ());
  Handler all;

  g_test_summary ("A handler of notification without detail gets every post, also of "
                  "types that were never quarks");

  handler_init (&all, "all", NULL);
  g_signal_connect (center, "notification", G_CALLBACK (handler_cb), &all);

  notification_center_post (center, "a", NULL, NULL);
  g_assert_cmpstr (all.last_type, ==, "a");
  notification_center_post (center, "b", NULL, NULL);
  g_assert_cmpstr (all.last_type, ==, "b");
  /* a type that was never a quark still reaches detail-less handlers */
  g_assert_cmpuint (g_quark_try_string (fresh), ==, 0);
  notification_center_post (center, fresh, NULL, NULL);
  g_assert_cmpstr (all.last_type, ==, fresh);
  g_assert_cmpint (all.n_calls, ==, 3);

  handler_clear (&all);
}

/* Observers first (in add order), then signal handlers (in connect
 * order), whatever order they were registered in. */
static void
test_signal_order_after_observers (void)
{
  Probe o1, o2, o3;
  g_autoptr(NotificationCenter) center = notification_center_new ();
  g_autoptr(GString) log = g_string_new ("");
  Handler h1, h2, h3;

  g_test_summary ("Observers are called first in add order, then signal handlers in "
                  "connect order, whatever order they were registered in");

  handler_init (&h1, "h1", log);
  handler_init (&h2, "h2", log);
  handler_init (&h3, "h3", log);
  probe_init (&o1, "o1", log);
  probe_init (&o2, "o2", log);
  probe_init (&o3, "o3", log);

  g_signal_connect (center, "notification::t", G_CALLBACK (handler_cb), &h1);
  probe_add (center, "t", NULL, &o1);
  g_signal_connect (center, "notification", G_CALLBACK (handler_cb), &h2);
  probe_add (center, NULL, NULL, &o2);
  g_signal_connect (center, "notification::t", G_CALLBACK (handler_cb), &h3);
  probe_add (center, "t", NULL, &o3);

  notification_center_post (center, "t", NULL, NULL);
  g_assert_cmpstr (log->str, ==, "o1 o2 o3 h1 h2 h3 ");

  g_string_truncate (log, 0);
  notification_center_post (center, "u", NULL, NULL);
  g_assert_cmpstr (log->str, ==, "o2 h2 ");

  handler_clear (&h1);
  handler_clear (&h2);
  handler_clear (&h3);
  probe_clear (&o1);
  probe_clear (&o2);
  probe_clear (&o3);
}

/* Signal handlers receive posts from every sender. */
static void
test_signal_any_sender (void)
{
  g_autoptr(NotificationCenter) center = notification_center_new ();
  g_autoptr(GObject) a = g_object_new (G_TYPE_OBJECT, NULL);
  g_autoptr(GObject) b = g_object_new (G_TYPE_OBJECT, NULL);
  Handler h;

  g_test_summary ("Signal handlers get posts from every sender");

  handler_init (&h, "h", NULL);
  g_signal_connect (center, "notification::t", G_CALLBACK (handler_cb), &h);
  notification_center_post (center, "t", a, NULL);
  g_assert_true (h.last_sender == a);
  notification_center_post (center, "t", b, NULL);
  g_assert_true (h.last_sender == b);
  g_assert_cmpint (h.n_calls, ==, 2);

  handler_clear (&h);
}

static void
test_signal_has_observers (void)
{
  g_autoptr(NotificationCenter) center = notification_center_new ();
  g_autoptr(GObject) a = g_object_new (G_TYPE_OBJECT, NULL);
  gulong detailed, all;

  g_test_summary ("has_observers() counts detailed handlers for their type and "
                  "undetailed ones for every type, until they are disconnected");

  g_assert_false (notification_center_has_observers (center, "a", NULL));

  detailed = g_signal_connect (center, "notification::a", G_CALLBACK (noop_cb), NULL);
  g_assert_true (notification_center_has_observers (center, "a", NULL));
  g_assert_true (notification_center_has_observers (center, "a", a));
  g_assert_false (notification_center_has_observers (center, "b", NULL));

  all = g_signal_connect (center, "notification", G_CALLBACK (noop_cb), NULL);
  g_assert_true (notification_center_has_observers (center, "b", NULL));
  g_assert_true (notification_center_has_observers (center, "b", a));

  g_signal_handler_disconnect (center, all);
  g_assert_false (notification_center_has_observers (center, "b", NULL));
  g_assert_true (notification_center_has_observers (center, "a", NULL));

  g_signal_handler_disconnect (center, detailed);
  g_assert_false (notification_center_has_observers (center, "a", NULL));
}

/* A blocked handler would not be called by a post, so it does not count. */
static void
test_signal_has_observers_blocked (void)
{
  g_autoptr(NotificationCenter) center = notification_center_new ();
  Handler h;
  gulong id;

  g_test_summary ("A blocked handler is not called and not counted by "
                  "has_observers(), until it is unblocked");

  handler_init (&h, "h", NULL);
  id = g_signal_connect (center, "notification::a", G_CALLBACK (handler_cb), &h);
  g_signal_handler_block (center, id);
  notification_center_post (center, "a", NULL, NULL);
  g_assert_cmpint (h.n_calls, ==, 0);
  g_assert_false (notification_center_has_observers (center, "a", NULL));

  g_signal_handler_unblock (center, id);
  g_assert_true (notification_center_has_observers (center, "a", NULL));
  notification_center_post (center, "a", NULL, NULL);
  g_assert_cmpint (h.n_calls, ==, 1);

  handler_clear (&h);
}

static void
test_signal_emits_signal_false (void)
{
  Probe probe;
  g_autoptr(NotificationCenter) center = NULL;
  gboolean emits = TRUE;
  Handler h_all, h_detail;

  g_test_summary ("With emits-signal FALSE, handlers are neither called nor counted "
                  "by has_observers(), while observers work as usual");

  center = g_object_new (NOTIFICATION_TYPE_CENTER, "emits-signal", FALSE, NULL);
  g_assert_false (notification_center_get_emits_signal (center));
  g_object_get (center, "emits-signal", &emits, NULL);
  g_assert_false (emits);

  handler_init (&h_all, "all", NULL);
  handler_init (&h_detail, "detail", NULL);
  g_signal_connect (center, "notification", G_CALLBACK (handler_cb), &h_all);
  g_signal_connect (center, "notification::t", G_CALLBACK (handler_cb), &h_detail);

  /* handlers are ignored */
  g_assert_false (notification_center_has_observers (center, "t", NULL));
  notification_center_post (center, "t", NULL, NULL);
  g_assert_cmpint (h_all.n_calls, ==, 0);
  g_assert_cmpint (h_detail.n_calls, ==, 0);

  /* observers work as usual */
  probe_init (&probe, "p", NULL);
  probe_add (center, "t", NULL, &probe);
  g_assert_true (notification_center_has_observers (center, "t", NULL));
  g_assert_false (notification_center_has_observers (center, "u", NULL));
  notification_center_post (center, "t", NULL, NULL);
  g_assert_cmpint (probe_calls (&probe), ==, 1);
  g_assert_cmpint (h_all.n_calls, ==, 0);
  g_assert_cmpint (h_detail.n_calls, ==, 0);

  probe_clear (&probe);
  handler_clear (&h_all);
  handler_clear (&h_detail);
}

static void
test_signal_emits_signal_property (void)
{
  g_autoptr(NotificationCenter) center = notification_center_new ();
  g_autoptr(NotificationCenter) explicit_true = NULL;
  GParamSpec *pspec;
  gboolean emits = FALSE;

  g_test_summary ("emits-signal is a readable construct-only boolean property, TRUE "
                  "by default");

  g_assert_true (notification_center_get_emits_signal (center));
  g_object_get (center, "emits-signal", &emits, NULL);
  g_assert_true (emits);

  explicit_true = g_object_new (NOTIFICATION_TYPE_CENTER, "emits-signal", TRUE, NULL);
  g_assert_true (notification_center_get_emits_signal (explicit_true));

  pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (center), "emits-signal");
  g_assert_nonnull (pspec);
  g_assert_true (G_IS_PARAM_SPEC_BOOLEAN (pspec));
  g_assert_true (G_PARAM_SPEC_BOOLEAN (pspec)->default_value);
  g_assert_true (pspec->flags & G_PARAM_CONSTRUCT_ONLY);
  g_assert_true (pspec->flags & G_PARAM_READABLE);
}

static void
test_signal_definition (void)
{
  /* The class, so that its signals are registered. */
  g_autoptr(GTypeClass) klass = g_type_class_ref (NOTIFICATION_TYPE_CENTER);
  GSignalQuery query;
  guint id;

  g_test_summary ("The notification signal is detailed, returns nothing and takes a "
                  "string, an object and a variant");
  g_assert_nonnull (klass);

  id = g_signal_lookup ("notification", NOTIFICATION_TYPE_CENTER);
  g_assert_cmpuint (id, !=, 0);
  g_signal_query (id, &query);
  g_assert_true (query.signal_flags & G_SIGNAL_DETAILED);
  g_assert_true (query.return_type == G_TYPE_NONE);
  g_assert_cmpuint (query.n_params, ==, 3);
  g_assert_true ((query.param_types[0] & ~G_SIGNAL_TYPE_STATIC_SCOPE) == G_TYPE_STRING);
  g_assert_true ((query.param_types[1] & ~G_SIGNAL_TYPE_STATIC_SCOPE) == G_TYPE_OBJECT);
  g_assert_true ((query.param_types[2] & ~G_SIGNAL_TYPE_STATIC_SCOPE) == G_TYPE_VARIANT);
}

/* The default center emits the signal too. */
static void
test_signal_default_center (void)
{
  NotificationCenter *center = notification_center_get_default ();
  g_autofree char *type = g_strdup_printf ("default-signal-%08x", g_random_int ());
  g_autofree char *detailed_signal = g_strdup_printf ("notification::%s", type);
  Handler h;
  gulong id;

  g_test_summary ("The default center emits the signal, and its handlers count for "
                  "has_observers()");

  g_assert_true (notification_center_get_emits_signal (center));
  handler_init (&h, "h", NULL);
  id = g_signal_connect (center, detailed_signal, G_CALLBACK (handler_cb), &h);
  g_assert_true (notification_center_has_observers (center, type, NULL));
  notification_center_post (center, type, NULL, NULL);
  g_assert_cmpint (h.n_calls, ==, 1);
  g_signal_handler_disconnect (center, id);
  g_assert_false (notification_center_has_observers (center, type, NULL));

  handler_clear (&h);
}

/* A signal handler may post, add and remove observers. */
typedef struct
{
  GString *log;
  gulong   added;
  Probe   *probe;
} Reentrant;

static void
reentrant_handler_cb (NotificationCenter *center,
                      const char         *type,
                      GObject            *sender,
                      GVariant           *user_info,
                      gpointer            user_data)
{
  Reentrant *r = user_data;

  g_string_append_printf (r->log, "h(%s) ", type);
  if (g_str_equal (type, "outer"))
    {
      r->added = probe_add (center, "inner", NULL, r->probe);
      notification_center_post (center, "inner", NULL, NULL);
      notification_center_remove_observer (center, r->added);
    }
}

static void
test_signal_reentrancy (void)
{
  Probe probe;
  g_autoptr(NotificationCenter) center = notification_center_new ();
  g_autoptr(GString) log = g_string_new ("");
  Reentrant r = { log, 0, &probe };

  g_test_summary ("A signal handler may add an observer, post and remove the "
                  "observer again during an emission");

  probe_init (&probe, "o", log);
  g_signal_connect (center, "notification", G_CALLBACK (reentrant_handler_cb), &r);
  notification_center_post (center, "outer", NULL, NULL);
  g_assert_cmpstr (log->str, ==, "h(outer) o h(inner) ");
  g_assert_cmpint (probe_destroys (&probe), ==, 1);

  probe_clear (&probe);
}

/* A rejected post reaches no signal handler either. */
static void
test_signal_not_emitted_for_rejected_post (void)
{
  g_autoptr(NotificationCenter) center = notification_center_new ();
  Handler h;

  g_test_summary ("A post rejected by post_checked() reaches no signal handler");

  handler_init (&h, "h", NULL);
  g_signal_connect (center, "notification", G_CALLBACK (handler_cb), &h);
  g_assert_false (notification_center_post_checked (center, "t", NULL,
                                                    g_variant_new_string ("x"), NULL));
  g_assert_false (notification_center_post_checked (center, "", NULL, NULL, NULL));
  g_assert_cmpint (h.n_calls, ==, 0);

  handler_clear (&h);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/center/signal/definition", test_signal_definition);
  g_test_add_func ("/center/signal/detailed", test_signal_detailed);
  g_test_add_func ("/center/signal/detail-less", test_signal_detail_less);
  g_test_add_func ("/center/signal/order-after-observers", test_signal_order_after_observers);
  g_test_add_func ("/center/signal/any-sender", test_signal_any_sender);
  g_test_add_func ("/center/signal/has-observers", test_signal_has_observers);
  g_test_add_func ("/center/signal/has-observers-blocked", test_signal_has_observers_blocked);
  g_test_add_func ("/center/signal/emits-signal-false", test_signal_emits_signal_false);
  g_test_add_func ("/center/signal/emits-signal-property", test_signal_emits_signal_property);
  g_test_add_func ("/center/signal/default-center", test_signal_default_center);
  g_test_add_func ("/center/signal/reentrancy", test_signal_reentrancy);
  g_test_add_func ("/center/signal/rejected-post", test_signal_not_emitted_for_rejected_post);

  return g_test_run ();
}
