/* test-tools.c: notification-monitor and notification-post on a private bus
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>

#include <glib/gstdio.h>

#include "bridge-test-util.h"

static GTestDBus *test_bus;

static GDBusConnection *
bus_connect (void)
{
  GError *error = NULL;
  GDBusConnection *connection =
    g_dbus_connection_new_for_address_sync (g_test_dbus_get_bus_address (test_bus),
                                            G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                            G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                            NULL, NULL, &error);

  g_assert_no_error (error);
  g_dbus_connection_set_exit_on_close (connection, FALSE);
  return connection;
}

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

/* Waits for @process; returns its exit status, its output in *out. */
static int
finish (GSubprocess  *process,
        char        **out,
        char        **err)
{
  GAsyncResult *result = NULL;
  GError *error = NULL;

  g_subprocess_communicate_utf8_async (process, NULL, NULL, got_result, &result);
  spin_until (result != NULL);
  g_subprocess_communicate_utf8_finish (process, result, out, err, &error);
  g_assert_no_error (error);
  g_object_unref (result);
  g_assert_true (g_subprocess_get_if_exited (process));
  return g_subprocess_get_exit_status (process);
}

typedef struct { guint n; GVariant *info; } Got;

static void
got_cb (NotificationCenter *center,
        const char         *type,
        GObject            *sender,
        GVariant           *user_info,
        gpointer            user_data)
{
  Got *got = user_data;

  got->n++;
  g_clear_pointer (&got->info, g_variant_unref);
  got->info = g_variant_ref (user_info);
}

static void
test_post (void)
{
  g_autoptr(NotificationCenter) center = notification_center_new ();
  g_autoptr(GDBusConnection) conn = bus_connect ();
  g_autoptr(GSubprocess) post = NULL;
  g_autoptr(GVariant) expected = NULL;
  g_autofree char *out = NULL, *err = NULL;
  NotificationDBusBridge *bridge;
  Got got = { 0 };

  g_test_summary ("notification-post delivers its one post, with the user info parsed from "
                  "its KEY=VALUE arguments, to a bridge subscribed before it started, and "
                  "exits 0 at once also when nobody imports the type");

  bridge = bridge_new (center, conn);
  notification_dbus_bridge_subscribe (bridge, "stdout");
  notification_center_add_observer (center, "stdout", NULL, got_cb, &got, NULL);

  /* subscribed before the tool started: its only post is not lost */
  post = spawn_tool ("NOTIFICATION_POST", "stdout", "out_string=hello world",
                     "n=<int32 3>", "ok=true", "f=0.5", NULL);
  g_assert_cmpint (finish (post, &out, &err), ==, 0);
  g_assert_cmpstr (err, ==, "");
  spin_until (got.n == 1);
  expected = g_variant_ref_sink (g_variant_new_parsed (
    "{'out_string': <'hello world'>, 'n': <int32 3>, 'ok': <true>, 'f': <0.5>}"));
  g_assert_true (g_variant_equal (got.info, expected));
  g_clear_object (&post);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* nobody wants it: exits 0 at once all the same */
  post = spawn_tool ("NOTIFICATION_POST", "other", NULL);
  g_assert_cmpint (finish (post, &out, &err), ==, 0);

  g_object_unref (bridge);
  g_dbus_connection_close_sync (conn, NULL, NULL);
  spin_for (50);
  g_clear_pointer (&got.info, g_variant_unref);
}

static void
check_usage (const char *tool,
             const char *arg1,
             const char *arg2,
             int         status,
             const char *in_stderr)
{
  g_autoptr(GSubprocess) process = spawn_tool (tool, arg1, arg2, NULL);
  g_autofree char *out = NULL, *err = NULL;

  g_assert_cmpint (finish (process, &out, &err), ==, status);
  if (in_stderr != NULL)
    g_assert_nonnull (strstr (err, in_stderr));
}

static void
test_usage (void)
{
  g_test_summary ("notification-post and notification-monitor exit 2 with a message on bad "
                  "arguments and 0 for --help, and notification-post exits 1 when it cannot "
                  "connect to --address");

  check_usage ("NOTIFICATION_POST", NULL, NULL, 2, "no TYPE");
  check_usage ("NOTIFICATION_POST", "", NULL, 2, "non-empty");
  check_usage ("NOTIFICATION_POST", "stdout", "novalue", 2, "KEY=VALUE");
  check_usage ("NOTIFICATION_POST", "stdout", "=x", 2, "KEY=VALUE");
  check_usage ("NOTIFICATION_POST", "--bogus", NULL, 2, "--bogus");
  check_usage ("NOTIFICATION_POST", "--help", NULL, 0, NULL);
  check_usage ("NOTIFICATION_POST", "--address=unix:path=/nonexistent/x", "stdout", 1, "cannot connect");
  check_usage ("NOTIFICATION_MONITOR", "--bogus", NULL, 2, "--bogus");
  check_usage ("NOTIFICATION_MONITOR", "--count=x", NULL, 2, NULL);
  check_usage ("NOTIFICATION_MONITOR", "--count=-1", NULL, 2, "negative");
  check_usage ("NOTIFICATION_MONITOR", "--type=", NULL, 2, "non-empty");
  check_usage ("NOTIFICATION_MONITOR", "extra", NULL, 2, "unexpected");
  check_usage ("NOTIFICATION_MONITOR", "--help", NULL, 0, NULL);
}

static void
test_monitor (gconstpointer data)
{
  gboolean json = GPOINTER_TO_INT (data);
  g_autoptr(NotificationCenter) center = notification_center_new ();
  g_autoptr(GDBusConnection) conn = bus_connect ();
  g_autoptr(GSubprocess) monitor = NULL;
  g_autofree char *out = NULL, *err = NULL;
  NotificationDBusBridge *bridge;

  g_test_summary ("notification-monitor --type=progress --count=2 makes the bridge export "
                  "progress only, prints the two progress posts one line each, as text with "
                  "the sender's name or as JSON objects with --json, and exits 0");

  bridge = bridge_new (center, conn);
  monitor = spawn_tool ("NOTIFICATION_MONITOR", "--type=progress", json ? "--json" : "--count=2",
                        json ? "--count=2" : NULL, NULL);
  spin_until (exports_type (NOTIFICATION_BRIDGE (bridge), "progress"));
  g_assert_false (exports_type (NOTIFICATION_BRIDGE (bridge), "stdout"));
  notification_center_post_values (center, "stdout", NULL, "out_string", "s", "no", NULL);
  notification_center_post_values (center, "progress", NULL, "fraction", "d", 0.5, NULL);
  notification_center_post_values (center, "progress", NULL, "fraction", "d", 1.0, NULL);
  g_assert_cmpint (finish (monitor, &out, &err), ==, 0);

  if (json)
    {
      g_auto(GStrv) lines = g_strsplit (out, "\n", -1);

      g_assert_cmpuint (g_strv_length (lines), ==, 3);
      g_assert_true (g_str_has_prefix (lines[0], "{\"time\":\""));
      g_assert_nonnull (strstr (lines[0], "\"type\":\"progress\",\"sender\":\":"));
      g_assert_true (g_str_has_suffix (lines[0], "\"user_info\":{\"fraction\":0.5}}"));
      g_assert_true (g_str_has_suffix (lines[1], "\"user_info\":{\"fraction\":1.0}}"));
      g_assert_cmpstr (lines[2], ==, "");
    }
  else
    {
      g_auto(GStrv) lines = g_strsplit (out, "\n", -1);
      g_autofree char *sender = g_strdup_printf (" progress %s {'fraction': <0.5>}",
                                                 g_dbus_connection_get_unique_name (conn));

      g_assert_cmpuint (g_strv_length (lines), ==, 3);
      g_assert_nonnull (strstr (lines[0], sender));
      g_assert_nonnull (strstr (lines[1], "{'fraction': <1.0>}"));
      g_assert_null (strstr (out, "stdout"));
    }

  g_object_unref (bridge);
  g_dbus_connection_close_sync (conn, NULL, NULL);
  spin_for (50);
}

/* --address to a peer: notification_dbus_server_new()'s server */
static void
test_monitor_peer (void)
{
  g_autoptr(NotificationCenter) center = notification_center_new ();
  g_autofree char *dir = g_dir_make_tmp ("bridge-tools-XXXXXX", NULL);
  g_autofree char *address = g_strdup_printf ("unix:dir=%s", dir);
  g_autofree char *address_arg = NULL;
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr(GDBusServer) server = NULL;
  g_autoptr(GSubprocess) monitor = NULL;
  GError *error = NULL;

  g_test_summary ("notification-monitor --address to notification_dbus_server_new()'s "
                  "server prints the post it imports from a p2p- peer, and the server stops "
                  "observing once it has exited");

  server = notification_dbus_server_new (center, address, &error);
  g_assert_no_error (error);
  address_arg = g_strdup_printf ("--address=%s", g_dbus_server_get_client_address (server));
  monitor = spawn_tool ("NOTIFICATION_MONITOR", address_arg, "--count=1", NULL);
  spin_until (notification_center_has_observers (center, "stdout", NULL));
  notification_center_post_values (center, "stdout", NULL, "out_string", "s", "peer", NULL);
  g_assert_cmpint (finish (monitor, &out, &err), ==, 0);
  g_assert_nonnull (strstr (out, " stdout p2p-"));
  g_assert_nonnull (strstr (out, "{'out_string': <'peer'>}\n"));
  spin_until (!notification_center_has_observers (center, "stdout", NULL));

  g_dbus_server_stop (server);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  int ret;

  g_test_init (&argc, &argv, NULL);

  test_bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_test_dbus_up (test_bus);

  g_test_add_func ("/tools/post", test_post);
  g_test_add_func ("/tools/usage", test_usage);
  g_test_add_data_func ("/tools/monitor", GINT_TO_POINTER (FALSE), test_monitor);
  g_test_add_func ("/tools/monitor-peer", test_monitor_peer);
#ifdef NOTIFICATION_BRIDGE_HAS_JSON
  g_test_add_data_func ("/tools/monitor-json", GINT_TO_POINTER (TRUE), test_monitor);
#endif

  ret = g_test_run ();

  g_test_dbus_down (test_bus);
  g_object_unref (test_bus);
  return ret;
}
