/* tool-common.h: what notification-monitor and notification-post share
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <notification-bridge/notification-bridge.h>

/* Exit codes: 0 done, 1 a runtime failure (no bus, the bus went away),
 * 2 bad arguments. */
enum { TOOL_EXIT_OK = 0, TOOL_EXIT_FAILURE = 1, TOOL_EXIT_USAGE = 2 };

static inline void
tool_got_result (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/* The session bus, or @address: a bus if it answers as one, else a peer. */
static inline GDBusConnection *
tool_connect (const char  *address,
              GError     **error)
{
  GDBusConnection *connection;
  g_autoptr(GError) bus_error = NULL;

  if (address == NULL)
    return g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, error);

  connection = g_dbus_connection_new_for_address_sync (address,
                                                       G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                       G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                       NULL, NULL, &bus_error);
  if (connection != NULL)
    return connection;
  /* not a bus (no Hello): a peer, such as notification_dbus_server_new().
   * Messages are processed only once the connection is initialized:
   * the server's bridge may call this side at once, and GDBus answering
   * a call on a connection still initializing is a GLib critical. */
  connection = g_dbus_connection_new_for_address_sync (address,
                                                       G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                       G_DBUS_CONNECTION_FLAGS_DELAY_MESSAGE_PROCESSING,
                                                       NULL, NULL, error);
  if (connection != NULL)
    g_dbus_connection_start_message_processing (connection);
  return connection;
}

static inline NotificationDBusBridge *
tool_bridge (NotificationCenter  *center,
             GDBusConnection     *connection,
             GError             **error)
{
  GAsyncResult *result = NULL;
  NotificationDBusBridge *bridge;

  notification_dbus_bridge_new_async (center, connection, NULL, tool_got_result, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  bridge = notification_dbus_bridge_new_finish (result, error);
  g_object_unref (result);
  return bridge;
}
