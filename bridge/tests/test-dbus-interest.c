/* test-dbus-interest.c: importers advertise what their local observers
 * want, across processes, on a private bus (GTestDBus)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * This process and bridge-helper (mirror mode) are bridged both ways:
 * each bridge imports every type. Neither has a local observer, so
 * neither may ask the other for anything: a bridge's own forwarding
 * observers are not interest (NOTIFICATION_OBSERVER_FORWARDER), and an
 * importer advertises only the types its local observers want. A raw bus
 * monitor counts every Posted on the bus.
 */

#include "dbus-test-util.h"

typedef struct
{
  GSubprocess *process;
  GOutputStream *in;
  GDataInputStream *out;
} Helper;

static char *
helper_read_line (Helper *helper)
{
  GAsyncResult *result = NULL;
  GError *error = NULL;
  char *line;

  /* asynchronously: this process's bridge must keep answering */
  g_data_input_stream_read_line_async (helper->out, G_PRIORITY_DEFAULT, NULL, got_result, &result);
  spin_until (result != NULL);
  line = g_data_input_stream_read_line_finish (helper->out, result, NULL, &error);
  g_assert_no_error (error);
  g_object_unref (result);
  return line;
}

/* Sends a command, checks the answer. */
static void
helper_say (Helper     *helper,
            const char *command,
            const char *expected)
{
  g_autofree char *text = g_strconcat (command, "\n", NULL);
  g_autofree char *line = NULL;
  GError *error = NULL;

  g_output_stream_write_all (helper->in, text, strlen (text), NULL, NULL, &error);
  g_assert_no_error (error);
  if (expected == NULL)
    return;
  line = helper_read_line (helper);
  g_assert_cmpstr (line, ==, expected);
}

static void
test_both_ways_no_mutual_interest (void)
{
  g_autoptr(NotificationCenter) center = notification_center_new ();
  g_autoptr(GDBusConnection) conn = bus_connect ();
  g_autoptr(GDBusConnection) conn_m = bus_connect ();
  g_autofree char *line = NULL;
  NotificationDBusBridge *bridge;
  Helper helper = { 0 };
  Recorder r = { 0 };
  GError *error = NULL;
  guint seen = 0, sub;
  gulong observer;

  g_test_summary ("two processes bridged both ways, each importing every type: nothing on the "
                  "bus until a real observer exists, then its type only while it exists");

  sub = monitor_posted (conn_m, &seen);
  bridge = bridge_new (center, conn);
  notification_dbus_bridge_subscribe (bridge, NULL);

  helper.process = spawn_helper_flags (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE,
                                       &error, "mirror", "tick", NULL);
  g_assert_no_error (error);
  helper.in = g_subprocess_get_stdin_pipe (helper.process);
  helper.out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (helper.process));
  line = helper_read_line (&helper);
  g_assert_cmpstr (line, ==, "ready");

  /* Nobody observes anything: neither side exports, nothing on the bus. */
  spin_for (200);
  g_assert_true (exports_type (NOTIFICATION_BRIDGE (bridge), NULL));
  g_assert_cmpuint (notification_center_get_n_observers (center), ==, 0);
  helper_say (&helper, "idle", "idle");
  helper_say (&helper, "post", "posted");
  notification_center_post (center, "tick", NULL, NULL);
  spin_for (100);
  g_assert_cmpuint (seen, ==, 0);

  /* A real observer here: the helper sends "tick", and only that. */
  observer = notification_center_add_observer (center, "tick", NULL, recorder_cb, &r, NULL);
  helper_say (&helper, "exporting", "exporting");
  helper_say (&helper, "post", "posted");
  spin_until (r.n == 1);
  g_assert_true (NOTIFICATION_IS_REMOTE_SENDER (r.last_sender));
  /* The helper's forwarder of "tick" is no interest of the helper's. */
  spin_for (200);
  g_assert_true (exports_type (NOTIFICATION_BRIDGE (bridge), NULL));
  notification_center_post (center, "tick", NULL, NULL);
  spin_for (100);
  g_assert_cmpuint (seen, ==, 1);

  /* It goes: the helper stops. */
  notification_center_remove_observer (center, observer);
  helper_say (&helper, "idle", "idle");
  helper_say (&helper, "post", "posted");
  spin_for (100);
  g_assert_cmpuint (seen, ==, 1);
  g_assert_cmpuint (r.n, ==, 2);   /* the helper's, and this process's own post */

  /* The other way: an observer in the helper. */
  helper_say (&helper, "observe", "observing");
  spin_until (exports_type (NOTIFICATION_BRIDGE (bridge), "tick"));
  notification_center_post (center, "tick", NULL, NULL);
  g_clear_pointer (&line, g_free);
  line = helper_read_line (&helper);
  g_assert_cmpstr (line, ==, "got tick");
  spin_until (seen == 2);          /* the monitor's copy, on this process's context */
  helper_say (&helper, "idle", "idle");        /* this process's forwarder is no interest */
  helper_say (&helper, "unobserve", "unobserved");
  spin_until (exports_type (NOTIFICATION_BRIDGE (bridge), NULL));
  notification_center_post (center, "tick", NULL, NULL);
  spin_for (100);
  g_assert_cmpuint (seen, ==, 2);

  helper_say (&helper, "quit", NULL);
  g_subprocess_wait_check (helper.process, NULL, &error);
  g_assert_no_error (error);
  g_clear_object (&helper.out);
  g_clear_object (&helper.process);

  g_dbus_connection_signal_unsubscribe (conn_m, sub);
  g_object_unref (bridge);
  bus_close (conn);
  bus_close (conn_m);
  drain ();
  recorder_clear (&r);
}

/* Chosen types: an importer of "a" and "b" with an observer of every
 * type asks for both; with an observer of "b" only, for "b". */
static void
test_chosen_types (void)
{
  g_autoptr(NotificationCenter) center_a = notification_center_new ();
  g_autoptr(NotificationCenter) center_b = notification_center_new ();
  g_autoptr(GDBusConnection) conn_a = bus_connect ();
  g_autoptr(GDBusConnection) conn_b = bus_connect ();
  NotificationDBusBridge *bridge_a, *bridge_b;
  gulong observer;

  g_test_summary ("an importer of chosen types asks for those its local observers want");

  bridge_a = bridge_new (center_a, conn_a);
  bridge_b = bridge_new (center_b, conn_b);
  notification_dbus_bridge_subscribe (bridge_b, "a");
  notification_dbus_bridge_subscribe (bridge_b, "b");
  spin_for (100);
  g_assert_true (exports_type (NOTIFICATION_BRIDGE (bridge_a), NULL));

  observer = notification_center_add_observer (center_b, "b", NULL, noop_cb, NULL, NULL);
  spin_until (exports_type (NOTIFICATION_BRIDGE (bridge_a), "b"));
  g_assert_false (exports_type (NOTIFICATION_BRIDGE (bridge_a), "a"));
  notification_center_remove_observer (center_b, observer);
  spin_until (exports_type (NOTIFICATION_BRIDGE (bridge_a), NULL));

  /* an observer of a type not imported asks for nothing */
  observer = notification_center_add_observer (center_b, "c", NULL, noop_cb, NULL, NULL);
  spin_for (100);
  g_assert_true (exports_type (NOTIFICATION_BRIDGE (bridge_a), NULL));
  notification_center_remove_observer (center_b, observer);

  observer = notification_center_add_observer (center_b, NULL, NULL, noop_cb, NULL, NULL);
  spin_until (exports_type (NOTIFICATION_BRIDGE (bridge_a), "a") &&
              exports_type (NOTIFICATION_BRIDGE (bridge_a), "b"));
  g_assert_false (exports_type (NOTIFICATION_BRIDGE (bridge_a), ""));
  notification_center_remove_observer (center_b, observer);
  spin_until (exports_type (NOTIFICATION_BRIDGE (bridge_a), NULL));

  g_object_unref (bridge_a);
  g_object_unref (bridge_b);
  bus_close (conn_a);
  bus_close (conn_b);
  drain ();
}

static gboolean
add_observer_idle (gpointer data)
{
  notification_center_add_observer (data, "t", NULL, noop_cb, NULL, NULL);
  return G_SOURCE_REMOVE;
}

/* GetInterests answered with an observer whose report is still queued:
 * the bridge must have told every exporter that set, or its dispose
 * (which tells exporters to forget it) tells nobody, and an exporter
 * exports to it for as long as its connection stays on the bus. */
static void
test_answer_before_report (void)
{
  g_autoptr(NotificationCenter) center_a = notification_center_new ();
  g_autoptr(NotificationCenter) center_b = notification_center_new ();
  g_autoptr(GDBusConnection) conn_a = bus_connect ();
  g_autoptr(GDBusConnection) conn_b = bus_connect ();
  g_autoptr(GMainContext) context_b = g_main_context_new ();
  NotificationDBusBridge *bridge_a, *bridge_b;
  GAsyncResult *result = NULL;
  GError *error = NULL;
  GSource *idle;

  g_test_summary ("an importer answering GetInterests before its interest report, "
                  "then disposed, is forgotten by the exporter");

  /* B, the importer, on a context of its own that runs only when told */
  g_main_context_push_thread_default (context_b);
  notification_dbus_bridge_new_async (center_b, conn_b, NULL, got_result, &result);
  while (result == NULL)
    g_main_context_iteration (context_b, TRUE);
  bridge_b = notification_dbus_bridge_new_finish (result, &error);
  g_assert_no_error (error);
  g_clear_object (&result);
  notification_dbus_bridge_subscribe (bridge_b, NULL);
  while (g_main_context_iteration (context_b, FALSE))
    ;
  g_main_context_pop_thread_default (context_b);

  /* An observer added on B's context just before A's GetInterests is
   * handled there, in the same iteration: its report comes later. */
  idle = g_idle_source_new ();
  g_source_set_priority (idle, G_PRIORITY_DEFAULT);
  g_source_set_callback (idle, add_observer_idle, center_b, NULL);
  g_source_attach (idle, context_b);
  g_source_unref (idle);

  notification_dbus_bridge_new_async (center_a, conn_a, NULL, got_result, &result);
  spin_for (300);           /* A asks B; B's context has not run */
  g_assert_null (result);
  g_assert_true (g_main_context_iteration (context_b, FALSE));
  spin_until (result != NULL);
  bridge_a = notification_dbus_bridge_new_finish (result, &error);
  g_assert_no_error (error);
  g_clear_object (&result);
  g_assert_true (exports_type (NOTIFICATION_BRIDGE (bridge_a), "t"));

  /* B goes, its connection stays: A must stop exporting */
  g_object_unref (bridge_b);
  spin_until (exports_type (NOTIFICATION_BRIDGE (bridge_a), NULL));

  g_object_unref (bridge_a);
  bus_close (conn_a);
  bus_close (conn_b);
  while (g_main_context_iteration (context_b, FALSE))
    ;
  drain ();
}

int
main (int argc, char **argv)
{
  int ret;

  g_test_init (&argc, &argv, NULL);

  test_bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_test_dbus_up (test_bus);

  g_test_add_func ("/bridge/interest/both-ways", test_both_ways_no_mutual_interest);
  g_test_add_func ("/bridge/interest/chosen-types", test_chosen_types);
  g_test_add_func ("/bridge/interest/answer-before-report", test_answer_before_report);

  ret = g_test_run ();

  g_test_dbus_down (test_bus);
  g_object_unref (test_bus);
  return ret;
}
