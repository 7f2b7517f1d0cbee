/* test-dbus-bridge.c: export, import and interest on a private bus (GTestDBus)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <math.h>

#include "dbus-test-util.h"

/* An importer already on the bus gets a post made right after an
 * exporter's bridge is ready: the exporter asked it before. */
static void
test_export_import (void)
{
  g_autoptr(NotificationCenter) center_a = notification_center_new ();
  g_autoptr(NotificationCenter) center_b = notification_center_new ();
  g_autoptr(GDBusConnection) conn_a = bus_connect ();
  g_autoptr(GDBusConnection) conn_b = bus_connect ();
  g_autoptr(GObject) poster = g_object_new (G_TYPE_OBJECT, NULL);
  NotificationDBusBridge *bridge_a, *bridge_b;
  NotificationRemoteSender *remote;
  Recorder r = { 0 };
  const char *text;

  g_test_summary ("A post of a type another bridge imports reaches that center with its "
                  "user info and a remote sender for the exporter's peer and sender id "
                  "(\"\" without a sender); a type nobody imports is not sent");

  bridge_b = bridge_new (center_b, conn_b);
  notification_dbus_bridge_subscribe (bridge_b, "stdout");
  notification_center_add_observer (center_b, NULL, NULL, recorder_cb, &r, NULL);

  bridge_a = bridge_new (center_a, conn_a);
  g_assert_true (exports_type (NOTIFICATION_BRIDGE (bridge_a), "stdout"));
  notification_center_post_values (center_a, "stdout", poster, "out_string", "s", "hi", NULL);

  spin_until (r.n == 1);
  g_assert_cmpstr (r.last_type, ==, "stdout");
  g_assert_true (g_variant_lookup (r.last_info, "out_string", "&s", &text));
  g_assert_cmpstr (text, ==, "hi");
  g_assert_true (NOTIFICATION_IS_REMOTE_SENDER (r.last_sender));
  remote = NOTIFICATION_REMOTE_SENDER (r.last_sender);
  g_assert_cmpstr (notification_remote_sender_get_peer (remote), ==,
                   g_dbus_connection_get_unique_name (conn_a));
  g_assert_cmpstr (notification_remote_sender_get_sender_id (remote), ==,
                   notification_bridge_sender_id (poster));
  g_assert_true (notification_bridge_lookup_remote_sender (NOTIFICATION_BRIDGE (bridge_b),
                                                           g_dbus_connection_get_unique_name (conn_a),
                                                           notification_bridge_sender_id (poster)) == remote);
  g_assert_cmpuint (notification_bridge_get_n_received (NOTIFICATION_BRIDGE (bridge_b)), ==, 1);
  g_assert_cmpuint (notification_bridge_get_n_sent (NOTIFICATION_BRIDGE (bridge_a)), ==, 1);
  g_assert_cmpuint (notification_bridge_get_n_rejected (NOTIFICATION_BRIDGE (bridge_b)), ==, 0);

  /* a post without a sender: sender id "", the peer's object */
  notification_center_post (center_a, "stdout", NULL, NULL);
  spin_until (r.n == 2);
  g_assert_cmpstr (notification_remote_sender_get_sender_id (NOTIFICATION_REMOTE_SENDER (r.last_sender)), ==, "");
  g_assert_cmpuint (g_variant_n_children (r.last_info), ==, 0);

  /* a type nobody imports does not arrive */
  notification_center_post (center_a, "progress", poster, NULL);
  notification_center_post (center_a, "stdout", poster, NULL);
  spin_until (r.n == 3);
  g_assert_cmpstr (r.last_type, ==, "stdout");
  g_assert_cmpuint (notification_bridge_get_n_sent (NOTIFICATION_BRIDGE (bridge_a)), ==, 3);

  g_object_unref (bridge_a);
  g_object_unref (bridge_b);
  bus_close (conn_a);
  bus_close (conn_b);
  drain ();
  recorder_clear (&r);
}

/* What D-Bus cannot carry (a maybe; 64 nested containers) is not sent,
 * counted in n-not-sent and logged once per kind; what follows still
 * arrives. */
static void
test_not_sent (void)
{
  g_autoptr(NotificationCenter) center_a = notification_center_new ();
  g_autoptr(NotificationCenter) center_b = notification_center_new ();
  g_autoptr(GDBusConnection) conn_a = bus_connect ();
  g_autoptr(GDBusConnection) conn_b = bus_connect ();
  NotificationDBusBridge *bridge_a, *bridge_b;
  Recorder r = { 0 };
  GVariant *deep = g_variant_new_int64 (1);
  const char *text;

  g_test_summary ("A user info D-Bus cannot carry is not exported, counted in n-not-sent "
                  "and logged once per kind");

  for (guint i = 0; i < 30; i++)
    {
      GVariantBuilder b;

      g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
      g_variant_builder_add (&b, "{sv}", "k", deep);
      deep = g_variant_builder_end (&b);
    }
  g_variant_ref_sink (deep);

  bridge_b = bridge_new (center_b, conn_b);
  notification_dbus_bridge_subscribe (bridge_b, "stdout");
  notification_center_add_observer (center_b, NULL, NULL, recorder_cb, &r, NULL);
  bridge_a = bridge_new (center_a, conn_a);
  g_assert_true (exports_type (NOTIFICATION_BRIDGE (bridge_a), "stdout"));

  g_test_expect_message ("NotificationBridge", G_LOG_LEVEL_MESSAGE, "*not exported*GDBus refused it*");
  notification_center_post_values (center_a, "stdout", NULL, "null", "v",
                                   g_variant_new_maybe (G_VARIANT_TYPE_VARIANT, NULL), NULL);
  notification_center_post_values (center_a, "stdout", NULL, "null", "v",
                                   g_variant_new_maybe (G_VARIANT_TYPE_VARIANT, NULL), NULL);
  g_test_expect_message ("NotificationBridge", G_LOG_LEVEL_MESSAGE, "*not exported*deeper*");
  notification_center_post_values (center_a, "stdout", NULL, "data", "@a{sv}", deep, NULL);
  notification_center_post_values (center_a, "stdout", NULL, "out_string", "s", "after", NULL);

  spin_until (r.n == 1);
  g_test_assert_expected_messages ();
  g_assert_true (g_variant_lookup (r.last_info, "out_string", "&s", &text));
  g_assert_cmpstr (text, ==, "after");
  g_assert_cmpuint (notification_dbus_bridge_get_n_not_sent (bridge_a), ==, 3);
  {
    guint64 n = 0;

    g_object_get (bridge_a, "n-not-sent", &n, NULL);
    g_assert_cmpuint (n, ==, 3);
  }

  g_variant_unref (deep);
  g_object_unref (bridge_a);
  g_object_unref (bridge_b);
  bus_close (conn_a);
  bus_close (conn_b);
  drain ();
  recorder_clear (&r);
}

/* An importer that comes later, or changes its mind, is followed. */
static void
test_interest_changes (void)
{
  g_autoptr(NotificationCenter) center_a = notification_center_new ();
  g_autoptr(NotificationCenter) center_b = notification_center_new ();
  g_autoptr(GDBusConnection) conn_a = bus_connect ();
  g_autoptr(GDBusConnection) conn_b = bus_connect ();
  NotificationDBusBridge *bridge_a, *bridge_b;
  Recorder r = { 0 };

  g_test_summary ("The exporter observes and exports only what importers ask for, following "
                  "subscriptions to one type, to every type and to none, and forgets an "
                  "importer whose bridge is finalized or whose connection leaves the bus");

  bridge_a = bridge_new (center_a, conn_a);
  g_assert_true (exports_type (NOTIFICATION_BRIDGE (bridge_a), NULL));
  g_assert_cmpuint (notification_center_get_n_observers (center_a), ==, 0);

  bridge_b = bridge_new (center_b, conn_b);
  notification_center_add_observer (center_b, NULL, NULL, recorder_cb, &r, NULL);
  notification_dbus_bridge_subscribe (bridge_b, "stdout");
  spin_until (exports_type (NOTIFICATION_BRIDGE (bridge_a), "stdout"));
  g_assert_true (notification_center_has_observers (center_a, "stdout", NULL));
  g_assert_false (notification_center_has_observers (center_a, "progress", NULL));

  notification_center_post (center_a, "stdout", NULL, NULL);
  spin_until (r.n == 1);

  /* every type */
  notification_dbus_bridge_subscribe (bridge_b, NULL);
  spin_until (exports_type (NOTIFICATION_BRIDGE (bridge_a), ""));
  g_assert_false (exports_type (NOTIFICATION_BRIDGE (bridge_a), "stdout"));
  notification_center_post (center_a, "progress", NULL, NULL);
  notification_center_post (center_a, "stdout", NULL, NULL);
  spin_until (r.n == 3);
  drain ();
  g_assert_cmpuint (r.n, ==, 3);   /* stdout once, though subscribed twice */

  notification_dbus_bridge_unsubscribe (bridge_b, NULL);
  notification_dbus_bridge_unsubscribe (bridge_b, "stdout");
  spin_until (exports_type (NOTIFICATION_BRIDGE (bridge_a), NULL));
  g_assert_cmpuint (notification_center_get_n_observers (center_a), ==, 0);

  /* an importer whose bridge goes, its connection staying, is forgotten */
  notification_dbus_bridge_subscribe (bridge_b, "stdout");
  spin_until (exports_type (NOTIFICATION_BRIDGE (bridge_a), "stdout"));
  g_object_unref (bridge_b);
  spin_until (exports_type (NOTIFICATION_BRIDGE (bridge_a), NULL));
  bridge_b = bridge_new (center_b, conn_b);

  /* an importer that leaves the bus is forgotten */
  notification_dbus_bridge_subscribe (bridge_b, "stdout");
  spin_until (exports_type (NOTIFICATION_BRIDGE (bridge_a), "stdout"));
  bus_close (conn_b);
  spin_until (exports_type (NOTIFICATION_BRIDGE (bridge_a), NULL));
  g_assert_cmpuint (notification_center_get_n_observers (center_a), ==, 0);

  g_object_unref (bridge_a);
  g_object_unref (bridge_b);
  bus_close (conn_a);
  drain ();
  recorder_clear (&r);
}

/* Importers of one type are sent that type only: the bus filters. */
static void
test_arg0 (void)
{
  g_autoptr(NotificationCenter) center_a = notification_center_new ();
  g_autoptr(NotificationCenter) center_b = notification_center_new ();
  g_autoptr(NotificationCenter) center_c = notification_center_new ();
  g_autoptr(GDBusConnection) conn_a = bus_connect ();
  g_autoptr(GDBusConnection) conn_b = bus_connect ();
  g_autoptr(GDBusConnection) conn_c = bus_connect ();
  NotificationDBusBridge *bridge_a, *bridge_b, *bridge_c;
  Recorder rb = { 0 }, rc = { 0 };
  int delivered_b = 0, delivered_c = 0;

  g_test_summary ("The bus delivers a post only to the importers of its type: a bridge "
                  "subscribed to stdout gets none of the progress posts that a bridge "
                  "subscribed to every type gets");

  bridge_b = bridge_new (center_b, conn_b);
  bridge_c = bridge_new (center_c, conn_c);
  notification_dbus_bridge_subscribe (bridge_b, "stdout");
  notification_dbus_bridge_subscribe (bridge_c, NULL);
  notification_center_add_observer (center_b, NULL, NULL, recorder_cb, &rb, NULL);
  notification_center_add_observer (center_c, NULL, NULL, recorder_cb, &rc, NULL);
  g_dbus_connection_add_filter (conn_b, count_posted_filter, &delivered_b, NULL);
  g_dbus_connection_add_filter (conn_c, count_posted_filter, &delivered_c, NULL);
  bridge_a = bridge_new (center_a, conn_a);
  g_assert_true (exports_type (NOTIFICATION_BRIDGE (bridge_a), ""));

  for (int i = 0; i < 5; i++)
    notification_center_post (center_a, "progress", NULL, NULL);
  notification_center_post (center_a, "stdout", NULL, NULL);
  spin_until (rb.n == 1 && rc.n == 6);
  drain ();
  g_assert_cmpuint (rb.n, ==, 1);
  g_assert_cmpstr (rb.last_type, ==, "stdout");
  /* the progress posts were on the bus (C got them), but not sent to B */
  g_assert_cmpint (g_atomic_int_get (&delivered_c), ==, 6);
  g_assert_cmpint (g_atomic_int_get (&delivered_b), ==, 1);

  g_object_unref (bridge_a);
  g_object_unref (bridge_b);
  g_object_unref (bridge_c);
  bus_close (conn_a);
  bus_close (conn_b);
  bus_close (conn_c);
  drain ();
  recorder_clear (&rb);
  recorder_clear (&rc);
}

/* Nothing on the bus that nobody asked for; export-all puts everything. */
static void
test_demand_driven (void)
{
  g_autoptr(NotificationCenter) center_a = notification_center_new ();
  g_autoptr(GDBusConnection) conn_a = bus_connect ();
  g_autoptr(GDBusConnection) conn_m = bus_connect ();
  NotificationDBusBridge *bridge_a;
  guint seen = 0, sub;

  g_test_summary ("A bridge nobody imports from observes nothing and puts nothing on the "
                  "bus, export-all makes it send every type, and clearing export-all stops "
                  "that again");

  sub = monitor_posted (conn_m, &seen);
  bridge_a = bridge_new (center_a, conn_a);

  for (int i = 0; i < 10; i++)
    notification_center_post (center_a, "stdout", NULL, NULL);
  g_assert_cmpuint (notification_center_get_n_observers (center_a), ==, 0);
  g_assert_false (notification_center_has_observers (center_a, "stdout", NULL));
  spin_for (200);
  g_assert_cmpuint (seen, ==, 0);
  g_assert_cmpuint (notification_bridge_get_n_sent (NOTIFICATION_BRIDGE (bridge_a)), ==, 0);

  g_object_set (bridge_a, "export-all", TRUE, NULL);
  g_assert_true (exports_type (NOTIFICATION_BRIDGE (bridge_a), ""));
  notification_center_post (center_a, "stdout", NULL, NULL);
  notification_center_post (center_a, "other", NULL, NULL);
  spin_until (seen == 2);

  notification_bridge_set_export_all (NOTIFICATION_BRIDGE (bridge_a), FALSE);
  g_assert_cmpuint (notification_center_get_n_observers (center_a), ==, 0);
  notification_center_post (center_a, "stdout", NULL, NULL);
  spin_for (100);
  g_assert_cmpuint (seen, ==, 2);

  g_dbus_connection_signal_unsubscribe (conn_m, sub);
  g_object_unref (bridge_a);
  bus_close (conn_a);
  bus_close (conn_m);
  drain ();
}

/* The poster never waits for the bus: the bridge's queue is bounded, its
 * drops counted by the center. */
static void
test_queue_limit (void)
{
  g_autoptr(NotificationCenter) center_a = notification_center_new ();
  g_autoptr(GDBusConnection) conn_a = bus_connect ();
  g_autoptr(GDBusConnection) conn_m = bus_connect ();
  GAsyncResult *result = NULL;
  GError *error = NULL;
  GObject *bridge_a;
  guint seen = 0, sub;

  g_test_summary ("Posting never waits for the bus: with a queue-limit of 4, 96 of 100 "
                  "posts made without running the context are counted as dropped by the "
                  "center and 4 reach the bus");

  sub = monitor_posted (conn_m, &seen);
  g_async_initable_new_async (NOTIFICATION_TYPE_DBUS_BRIDGE, G_PRIORITY_DEFAULT, NULL,
                              got_result, &result,
                              "center", center_a, "connection", conn_a,
                              "queue-limit", 4, "export-all", TRUE, NULL);
  spin_until (result != NULL);
  bridge_a = g_async_initable_new_finish (G_ASYNC_INITABLE (g_async_result_get_source_object (result)),
                                          result, &error);
  g_assert_no_error (error);
  g_object_unref (g_async_result_get_source_object (result));
  g_object_unref (result);

  /* the context does not run while posting */
  for (int i = 0; i < 100; i++)
    notification_center_post (center_a, "stdout", NULL, NULL);
  g_assert_cmpuint (notification_center_get_n_dropped (center_a), ==, 96);
  bridge_flush (NOTIFICATION_DBUS_BRIDGE (bridge_a));
  spin_until (seen == 4);
  spin_for (100);
  g_assert_cmpuint (seen, ==, 4);

  g_dbus_connection_signal_unsubscribe (conn_m, sub);
  g_object_unref (bridge_a);
  bus_close (conn_a);
  bus_close (conn_m);
  drain ();
}

/* Posts from other threads reach the bus, in order, without blocking. */
static gpointer
post_thread (gpointer data)
{
  NotificationCenter *center = data;

  for (int i = 0; i < 500; i++)
    notification_center_post_values (center, "count", NULL, "i", "i", i, NULL);
  return NULL;
}

/* Reads the counters of two bridges until told to stop: they may be
 * read from any thread while the bridges count on their context. */
typedef struct
{
  NotificationBridge *bridges[2];
  int stop;          /* atomic */
  guint64 last_sent;
} CounterReader;

static gpointer
read_counters_thread (gpointer data)
{
  CounterReader *reader = data;
  guint64 sent = 0;

  while (!g_atomic_int_get (&reader->stop))
    {
      guint64 now = notification_bridge_get_n_sent (reader->bridges[0]);
      guint64 n = 0;

      g_assert_cmpuint (now, >=, sent);   /* never goes back */
      sent = now;
      g_object_get (reader->bridges[1], "n-received", &n, NULL);
      n += notification_bridge_get_n_rejected (reader->bridges[1]);
      g_thread_yield ();
    }
  reader->last_sent = sent;
  return NULL;
}

static void
test_threads (void)
{
  g_autoptr(NotificationCenter) center_a = notification_center_new ();
  g_autoptr(NotificationCenter) center_b = notification_center_new ();
  g_autoptr(GDBusConnection) conn_a = bus_connect ();
  g_autoptr(GDBusConnection) conn_b = bus_connect ();
  NotificationDBusBridge *bridge_a, *bridge_b;
  Recorder r = { 0 };
  CounterReader reader = { { NULL, NULL }, 0, 0 };
  GThread *thread, *reader_thread;
  int last = -1;

  g_test_summary ("500 posts from another thread all reach the importing bridge, the last "
                  "one last, while a third thread reads both bridges' counters and sees "
                  "n-sent never go back");

  bridge_b = bridge_new (center_b, conn_b);
  notification_dbus_bridge_subscribe (bridge_b, "count");
  notification_center_add_observer (center_b, "count", NULL, recorder_cb, &r, NULL);
  bridge_a = bridge_new (center_a, conn_a);
  g_assert_true (exports_type (NOTIFICATION_BRIDGE (bridge_a), "count"));

  reader.bridges[0] = NOTIFICATION_BRIDGE (bridge_a);
  reader.bridges[1] = NOTIFICATION_BRIDGE (bridge_b);
  reader_thread = g_thread_new ("reader", read_counters_thread, &reader);
  thread = g_thread_new ("poster", post_thread, center_a);
  g_thread_join (thread);
  spin_until (r.n == 500);
  g_atomic_int_set (&reader.stop, TRUE);
  g_thread_join (reader_thread);
  g_assert_cmpuint (reader.last_sent, <=, 500);
  g_assert_cmpuint (notification_bridge_get_n_received (NOTIFICATION_BRIDGE (bridge_b)), ==, 500);
  g_assert_true (g_variant_lookup (r.last_info, "i", "i", &last));
  g_assert_cmpint (last, ==, 499);

  g_object_unref (bridge_a);
  g_object_unref (bridge_b);
  bus_close (conn_a);
  bus_close (conn_b);
  drain ();
  recorder_clear (&r);
}

/* A disposed bridge (g_object_run_dispose(), a binding's explicit
 * disposal) adds no observer and subscribes to nothing any more: an
 * observer added then would outlive the bridge, its user data freed. */
static void
test_after_dispose (void)
{
  g_autoptr(NotificationCenter) center_a = notification_center_new ();
  g_autoptr(GDBusConnection) conn_a = bus_connect ();
  NotificationDBusBridge *bridge_a;
  GAsyncResult *result = NULL;
  GError *error = NULL;

  g_test_summary ("the methods of a disposed bridge do nothing, and leave no observer behind");

  bridge_a = bridge_new (center_a, conn_a);
  g_object_run_dispose (G_OBJECT (bridge_a));
  g_assert_null (notification_dbus_bridge_get_connection (bridge_a));

  notification_bridge_set_export_all (NOTIFICATION_BRIDGE (bridge_a), TRUE);
  notification_bridge_set_peer_interests (NOTIFICATION_BRIDGE (bridge_a), ":1.999",
                                          (const char *[]) { "stdout", NULL });
  notification_dbus_bridge_subscribe (bridge_a, "stdout");
  notification_dbus_bridge_unsubscribe (bridge_a, "stdout");
  g_assert_true (exports_type (NOTIFICATION_BRIDGE (bridge_a), NULL));
  g_assert_cmpuint (notification_center_get_n_observers (center_a), ==, 0);
  notification_dbus_bridge_flush (bridge_a, NULL, got_result, &result);
  spin_until (result != NULL);
  g_assert_false (notification_dbus_bridge_flush_finish (bridge_a, result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CLOSED);
  g_clear_error (&error);
  g_clear_object (&result);

  g_object_unref (bridge_a);
  /* nothing of the bridge is called any more */
  notification_center_post (center_a, "stdout", NULL, NULL);
  drain ();
  bus_close (conn_a);
}

#ifdef NOTIFICATION_BRIDGE_HAS_JSON
static void
test_json (void)
{
  g_autofree char *json = NULL;

  g_test_summary ("notification_bridge_to_json() writes a post as one JSON object of time, "
                  "type, sender and user info, with an empty sender and user info when none "
                  "is given and null for NaN and infinite doubles");

  json = notification_bridge_to_json ("stdout", ":1.4/2",
                                      g_variant_new_parsed ("{'out_string': <'hi'>, 'n': <int32 3>}"),
                                      G_GINT64_CONSTANT (1700000000123456));
  g_assert_cmpstr (json, ==,
                   "{\"time\":\"2023-11-14T22:13:20.123456Z\",\"type\":\"stdout\",\"sender\":\":1.4/2\","
                   "\"user_info\":{\"out_string\":\"hi\",\"n\":3}}");
  g_free (g_steal_pointer (&json));
  json = notification_bridge_to_json ("x", NULL, NULL, 0);
  g_assert_cmpstr (json, ==, "{\"time\":\"1970-01-01T00:00:00Z\",\"type\":\"x\",\"sender\":\"\",\"user_info\":{}}");
  g_free (g_steal_pointer (&json));

  /* A peer may send doubles JSON has no number for: they are null (as
   * JavaScript's JSON.stringify() writes them), so the line stays JSON. */
  {
    GVariantBuilder builder;

    g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
    g_variant_builder_add (&builder, "{sv}", "nan", g_variant_new_double (NAN));
    g_variant_builder_add (&builder, "{sv}", "inf", g_variant_new_double (-INFINITY));
    g_variant_builder_add (&builder, "{sv}", "list", g_variant_new_parsed ("[1.5, %d]", INFINITY));
    json = notification_bridge_to_json ("x", NULL, g_variant_builder_end (&builder), 0);
  }
  g_assert_cmpstr (json, ==, "{\"time\":\"1970-01-01T00:00:00Z\",\"type\":\"x\",\"sender\":\"\","
                             "\"user_info\":{\"nan\":null,\"inf\":null,\"list\":[1.5,null]}}");
}
#endif

int
main (int argc, char **argv)
{
  int ret;

  g_test_init (&argc, &argv, NULL);

  test_bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_test_dbus_up (test_bus);

  g_test_add_func ("/bridge/export-import", test_export_import);
  g_test_add_func ("/bridge/not-sent", test_not_sent);
  g_test_add_func ("/bridge/interest-changes", test_interest_changes);
  g_test_add_func ("/bridge/arg0", test_arg0);
  g_test_add_func ("/bridge/demand-driven", test_demand_driven);
  g_test_add_func ("/bridge/queue-limit", test_queue_limit);
  g_test_add_func ("/bridge/threads", test_threads);
  g_test_add_func ("/bridge/after-dispose", test_after_dispose);
#ifdef NOTIFICATION_BRIDGE_HAS_JSON
  g_test_add_func ("/bridge/json", test_json);
#endif

  ret = g_test_run ();

  g_test_dbus_down (test_bus);
  g_object_unref (test_bus);
  return ret;
}
