/* test-zmq-tools.c: notification-monitor and notification-post over
 * ZeroMQ, as other processes
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <signal.h>
#include <string.h>

#include "zmq-test-util.h"

static GSubprocess *
spawn_tool (const char *env_var,
            ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  GError *error = NULL;
  GSubprocess *process;
  const char *arg;
  va_list ap;

  g_ptr_array_add (argv, (gpointer) g_getenv (env_var));
  g_assert_nonnull (argv->pdata[0]);
  va_start (ap, env_var);
  while ((arg = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (argv, NULL);
  process = g_subprocess_newv ((const char * const *) argv->pdata,
                               G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                               &error);
  g_assert_no_error (error);
  return process;
}

static void
got_result (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/* Waits for @process (running the main context meanwhile). */
static int
finish (GSubprocess  *process,
        char        **out)
{
  GAsyncResult *result = NULL;
  GError *error = NULL;
  g_autofree char *err = NULL;

  g_subprocess_communicate_utf8_async (process, NULL, NULL, got_result, &result);
  wait_until (result != NULL);
  g_subprocess_communicate_utf8_finish (process, result, out, &err, &error);
  g_assert_no_error (error);
  g_object_unref (result);
  if (err != NULL && *err != '\0')
    g_test_message ("stderr: %s", err);
  g_assert_true (g_subprocess_get_if_exited (process));
  return g_subprocess_get_exit_status (process);
}

/* notification-post → a subscriber in this process. */
static void
test_post_to_subscriber (void)
{
  g_autoptr(NotificationCenter) center = notification_center_new ();
  g_autoptr(NotificationZmqSubscriber) sub = NULL;
  g_autoptr(GSubprocess) post = NULL;
  g_autoptr(GVariant) want = g_variant_ref_sink (g_variant_new_parsed ("{'out_string': <'hi'>, 'n': <int32 3>}"));
  g_autofree char *endpoint = NULL;
  GError *error = NULL;
  Recorder r = { 0 };

  g_test_summary ("notification-post --zmq delivers its post, with the user info parsed "
                  "from its arguments, to a binding subscriber in this process and exits 0");

  sub = notification_zmq_subscriber_new (center, "tcp://127.0.0.1:*", NOTIFICATION_ZMQ_FLAGS_BIND, &error);
  g_assert_no_error (error);
  endpoint = notification_zmq_bridge_dup_last_endpoint (NOTIFICATION_ZMQ_BRIDGE (sub));
  notification_center_add_observer (center, NULL, NULL, recorder_cb, &r, NULL);
  notification_zmq_subscriber_subscribe (sub, "stdout");

  post = spawn_tool ("NOTIFICATION_POST", "--zmq", endpoint, "stdout", "out_string=hi", "n=<int32 3>", NULL);
  wait_until (r.n == 1);
  g_assert_cmpint (finish (post, NULL), ==, 0);
  g_assert_true (g_variant_equal (r.last_info, want));
  recorder_clear (&r);
}

/* a publisher in this process → notification-monitor */
static void
test_publisher_to_monitor (void)
{
  g_autoptr(NotificationCenter) center = notification_center_new ();
  g_autoptr(NotificationZmqPublisher) pub = publisher_bind (center, "tcp://127.0.0.1:*");
  g_autofree char *endpoint = notification_zmq_bridge_dup_last_endpoint (NOTIFICATION_ZMQ_BRIDGE (pub));
  g_autoptr(GSubprocess) monitor = NULL;
  g_autoptr(GVariant) info = g_variant_ref_sink (g_variant_new_parsed ("{'out_string': <'from C'>}"));
  g_autofree char *out = NULL;

  g_test_summary ("notification-monitor --zmq --type stdout makes a publisher in this "
                  "process want stdout only and prints its post with a zmq: sender");

  monitor = spawn_tool ("NOTIFICATION_MONITOR", "--zmq", endpoint, "--type", "stdout", "--count", "1", NULL);
  wait_until (notification_zmq_publisher_is_wanted (pub, "stdout"));
  g_assert_false (notification_zmq_publisher_is_wanted (pub, "stderr"));
  notification_center_post (center, "stdout", NULL, info);
  g_assert_cmpint (finish (monitor, &out), ==, 0);
  g_assert_nonnull (strstr (out, " stdout zmq:"));
  g_assert_nonnull (strstr (out, "'out_string': <'from C'>"));
}

/* Two tool processes: the monitor binds, the post connects. */
static void
test_post_to_monitor (void)
{
  char *dir;
  g_autofree char *endpoint = ipc_endpoint (&dir);
  g_autoptr(GSubprocess) monitor = NULL, post = NULL;
  g_autofree char *out = NULL;

  g_test_summary ("notification-post --zmq waits for a binding notification-monitor's "
                  "subscription, however late, and the monitor prints its post");

  monitor = spawn_tool ("NOTIFICATION_MONITOR", "--zmq-bind", endpoint, "--count", "1",
#ifdef NOTIFICATION_BRIDGE_HAS_JSON
                        "--json",
#endif
                        NULL);
  /* the post waits until the monitor's subscription has arrived, however
   * late the monitor binds */
  post = spawn_tool ("NOTIFICATION_POST", "--zmq", endpoint, "--timeout", "30", "progress", "fraction=0.5", NULL);
  g_assert_cmpint (finish (post, NULL), ==, 0);
  g_assert_cmpint (finish (monitor, &out), ==, 0);
#ifdef NOTIFICATION_BRIDGE_HAS_JSON
  g_assert_nonnull (strstr (out, "\"type\":\"progress\""));
  g_assert_nonnull (strstr (out, "\"fraction\":0.5"));
#else
  g_assert_nonnull (strstr (out, " progress "));
#endif
  ipc_cleanup (dir);
}

/* No subscriber for the type: exit status 3 after --timeout. */
static void
test_no_subscriber (void)
{
  g_autoptr(NotificationCenter) center = notification_center_new ();
  g_autoptr(NotificationZmqSubscriber) sub = NULL;
  g_autoptr(GSubprocess) post = NULL;
  GError *error = NULL;
  char *dir;
  g_autofree char *endpoint = ipc_endpoint (&dir);
  Recorder r = { 0 };

  g_test_summary ("notification-post exits 3 after --timeout when nobody subscribes to its "
                  "type, a subscriber of a prefix not counting, 0 once delivered, 2 for "
                  "conflicting options and 1 when its bind is refused");

  post = spawn_tool ("NOTIFICATION_POST", "--zmq-bind", endpoint, "--timeout", "0.2", "lonely", NULL);
  g_assert_cmpint (finish (post, NULL), ==, 3);
  g_clear_object (&post);

  /* a subscriber of "std" is connected (a post of "std" goes through),
   * and "stdout" still finds nobody */
  sub = notification_zmq_subscriber_new (center, endpoint, NOTIFICATION_ZMQ_FLAGS_NONE, &error);
  g_assert_no_error (error);
  notification_center_add_observer (center, NULL, NULL, recorder_cb, &r, NULL);
  notification_zmq_subscriber_subscribe (sub, "std");
  post = spawn_tool ("NOTIFICATION_POST", "--zmq-bind", endpoint, "--timeout", "30", "std", NULL);
  wait_until (r.n == 1);
  g_assert_cmpint (finish (post, NULL), ==, 0);
  g_clear_object (&post);
  post = spawn_tool ("NOTIFICATION_POST", "--zmq-bind", endpoint, "--timeout", "0.5", "stdout", NULL);
  g_assert_cmpint (finish (post, NULL), ==, 3);
  g_assert_cmpuint (r.n, ==, 1);

  /* and bad arguments */
  g_clear_object (&post);
  post = spawn_tool ("NOTIFICATION_POST", "--zmq", endpoint, "--zmq-bind", endpoint, "x", NULL);
  g_assert_cmpint (finish (post, NULL), ==, 2);
  g_clear_object (&post);
  post = spawn_tool ("NOTIFICATION_POST", "--zmq-bind", "tcp://0.0.0.0:0", "x", NULL);
  g_assert_cmpint (finish (post, NULL), ==, 1);

  g_clear_object (&sub);
  recorder_clear (&r);
  ipc_cleanup (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/zmq/tools/post-to-subscriber", test_post_to_subscriber);
  g_test_add_func ("/zmq/tools/publisher-to-monitor", test_publisher_to_monitor);
  g_test_add_func ("/zmq/tools/post-to-monitor", test_post_to_monitor);
  g_test_add_func ("/zmq/tools/no-subscriber", test_no_subscriber);

  return g_test_run ();
}
