/* test-demo.c: the demo out of process, on a private bus (GTestDBus)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * notification-demo --frontend and --interpreter run as two processes;
 * the frontend must print what the interpreter posted.
 */

#include <string.h>

#include "bridge-test-util.h"

static GTestDBus *test_bus;

static GSubprocess *
spawn_demo (GSubprocessLauncher *launcher,
            const char          *mode,
            const char          *address)
{
  GError *error = NULL;
  GSubprocess *process;

  if (address != NULL)
    process = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("NOTIFICATION_DEMO"),
                                           mode, "--address", address, NULL);
  else
    process = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("NOTIFICATION_DEMO"),
                                           mode, NULL);
  g_assert_no_error (error);
  return process;
}

static void
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
}

static void
test_demo (gconstpointer data)
{
  gboolean with_address = GPOINTER_TO_INT (data);
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GSubprocess) frontend = NULL, interpreter = NULL;
  g_autofree char *front_out = NULL, *front_err = NULL, *int_out = NULL, *int_err = NULL;
  const char *address = NULL;

  g_test_summary ("notification-demo --frontend prints the stdout lines, the full progress "
                  "bar and the end of the block that notification-demo --interpreter posts "
                  "from another process, over the session bus or, without one, the address "
                  "given with --address");

  g_assert_nonnull (g_getenv ("NOTIFICATION_DEMO"));
  if (with_address)
    {
      /* no session bus: the address alone */
      address = g_test_dbus_get_bus_address (test_bus);
      g_subprocess_launcher_unsetenv (launcher, "DBUS_SESSION_BUS_ADDRESS");
    }

  frontend = spawn_demo (launcher, "--frontend", address);
  interpreter = spawn_demo (launcher, "--interpreter", address);
  finish (interpreter, &int_out, &int_err);
  finish (frontend, &front_out, &front_err);

  g_test_message ("frontend: %s%s", front_out, front_err);
  g_test_message ("interpreter: %s%s", int_out, int_err);
  g_assert_true (g_subprocess_get_successful (interpreter));
  g_assert_true (g_subprocess_get_successful (frontend));
  for (guint i = 1; i <= 8; i++)
    {
      g_autofree char *line = g_strdup_printf ("stdout: computing step %u of 8: partial sum %u",
                                               i, i * (i + 1) / 2);

      g_assert_nonnull (strstr (front_out, line));
    }
  g_assert_nonnull (strstr (front_out, "progress [################################] 100 %"));
  g_assert_nonnull (strstr (front_out, "block finished, 8 lines shown live"));
  g_assert_nonnull (strstr (int_err, "17 notifications sent"));
}

static void
test_demo_usage (void)
{
  g_autoptr(GSubprocess) both = NULL;
  g_autofree char *out = NULL, *err = NULL;
  GError *error = NULL;

  g_test_summary ("notification-demo given both --frontend and --interpreter exits with "
                  "status 2 and asks for one of them");

  both = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error,
                           g_getenv ("NOTIFICATION_DEMO"), "--frontend", "--interpreter", NULL);
  g_assert_no_error (error);
  finish (both, &out, &err);
  g_assert_cmpint (g_subprocess_get_exit_status (both), ==, 2);
  g_assert_nonnull (strstr (err, "one of them"));
}

int
main (int argc, char **argv)
{
  int ret;

  g_test_init (&argc, &argv, NULL);

  test_bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_test_dbus_up (test_bus);

  g_test_add_data_func ("/demo/out-of-process/session-bus", GINT_TO_POINTER (FALSE), test_demo);
  g_test_add_data_func ("/demo/out-of-process/address", GINT_TO_POINTER (TRUE), test_demo);
  g_test_add_func ("/demo/out-of-process/usage", test_demo_usage);

  ret = g_test_run ();

  g_test_dbus_down (test_bus);
  g_object_unref (test_bus);
  return ret;
}
