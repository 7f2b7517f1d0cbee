/* bridge-helper.c: the other process of the two-process bridge tests
 *
 *   bridge-helper post TYPE KEY STRING   posts TYPE {KEY: STRING} from an
 *                                        object, waits until it is sent,
 *                                        exits 0
 *   bridge-helper receive TYPE           imports TYPE, prints the first
 *                                        one received ("TYPE SENDER-ID
 *                                        USER-INFO") and exits 0
 *
 * on the session bus (the test's GTestDBus sets DBUS_SESSION_BUS_ADDRESS).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <stdio.h>

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
  return 2;
}
