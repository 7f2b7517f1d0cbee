/* bridge-helper.c: the other process of the two-process bridge tests
 *
 *   bridge-helper post TYPE KEY STRING   posts TYPE {KEY: STRING} from an
 *                                        object, waits until it is sent,
 *                                        exits 0
 *   bridge-helper receive TYPE           imports TYPE, prints the first
 *                                        one received ("TYPE SENDER-ID
 *                                        USER-INFO") and exits 0
 *   bridge-helper mirror TYPE            imports every type, observes
 *                                        nothing, prints "ready", then
 *                                        obeys one command a line on stdin,
 *                                        answering a line each:
 *     post       posts TYPE {n: <int32 N>} and flushes: "posted"
 *     observe    adds an observer of TYPE, which prints "got TYPE"
 *                for each post: "observing"
 *     unobserve  removes it: "unobserved"
 *     exporting  waits until its bridge exports TYPE: "exporting"
 *     idle       waits until its bridge exports nothing: "idle"
 *     quit       exits 0
 *
 * on the session bus (the test's GTestDBus sets DBUS_SESSION_BUS_ADDRESS).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <stdio.h>

#include <gio/gunixinputstream.h>

#include "bridge-test-util.h"

static gboolean done;

static void
on_received (NotificationCenter *center,
             const char         *type,
             GObject            *sender,
             GVariant           *user_info,
             gpointer            user_data)
{
  g_autofree char *info = g_variant_print (user_info, TRUE);

  printf ("%s %s %s\n", type,
          notification_remote_sender_get_sender_id (NOTIFICATION_REMOTE_SENDER (sender)), info);
  fflush (stdout);
  done = TRUE;
}

static void
answer (const char *line)
{
  printf ("%s\n", line);
  fflush (stdout);
}

static void
on_got (NotificationCenter *center,
        const char         *type,
        GObject            *sender,
        GVariant           *user_info,
        gpointer            user_data)
{
  printf ("got %s\n", type);
  fflush (stdout);
}

/* The mirror mode: what the test says on stdin, one line at a time. */
static int
mirror (NotificationCenter     *center,
        NotificationDBusBridge *bridge,
        const char             *type)
{
  g_autoptr(GInputStream) raw = g_unix_input_stream_new (0, FALSE);
  g_autoptr(GDataInputStream) in = g_data_input_stream_new (raw);
  gulong observer = 0;
  int n = 0;

  notification_dbus_bridge_subscribe (bridge, NULL);
  answer ("ready");
  for (;;)
    {
      g_autofree char *line = NULL;
      GAsyncResult *result = NULL;

      /* read asynchronously: the bridge's context keeps running */
      g_data_input_stream_read_line_async (in, G_PRIORITY_DEFAULT, NULL, got_result, &result);
      while (result == NULL)
        g_main_context_iteration (NULL, TRUE);
      line = g_data_input_stream_read_line_finish (in, result, NULL, NULL);
      g_object_unref (result);

      if (line == NULL || g_str_equal (line, "quit"))
        return 0;
      if (g_str_equal (line, "post"))
        {
          notification_center_post_values (center, type, NULL, "n", "i", ++n, NULL);
          bridge_flush (bridge);
          answer ("posted");
        }
      else if (g_str_equal (line, "observe"))
        {
          observer = notification_center_add_observer (center, type, NULL, on_got, NULL, NULL);
          answer ("observing");
        }
      else if (g_str_equal (line, "unobserve"))
        {
          notification_center_remove_observer (center, observer);
          answer ("unobserved");
        }
      else if (g_str_equal (line, "exporting"))
        {
          spin_until (exports_type (NOTIFICATION_BRIDGE (bridge), type));
          answer ("exporting");
        }
      else if (g_str_equal (line, "idle"))
        {
          spin_until (exports_type (NOTIFICATION_BRIDGE (bridge), NULL));
          answer ("idle");
        }
      else
        return 2;
    }
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(NotificationCenter) center = notification_center_new ();
  g_autoptr(NotificationDBusBridge) bridge = NULL;

  if (argc < 3)
    return 2;

  bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  if (bus == NULL)
    {
      g_printerr ("bridge-helper: %s\n", error->message);
      return 1;
    }
  bridge = bridge_new (center, bus);

  if (g_str_equal (argv[1], "post") && argc == 5)
    {
      g_autoptr(GObject) sender = g_object_new (G_TYPE_OBJECT, NULL);

      notification_center_post_values (center, argv[2], sender, argv[3], "s", argv[4], NULL);
      bridge_flush (bridge);
      return 0;
    }
  if (g_str_equal (argv[1], "receive") && argc == 3)
    {
      notification_center_add_observer (center, argv[2], NULL, on_received, NULL, NULL);
      notification_dbus_bridge_subscribe (bridge, argv[2]);
      while (!done)
        g_main_context_iteration (NULL, TRUE);
      return 0;
    }
  if (g_str_equal (argv[1], "mirror") && argc == 3)
    return mirror (center, bridge, argv[2]);
  return 2;
}
