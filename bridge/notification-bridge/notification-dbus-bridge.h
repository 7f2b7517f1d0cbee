/* notification-dbus-bridge.h: the D-Bus transport
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(NOTIFICATION_BRIDGE_INSIDE) && !defined(NOTIFICATION_BRIDGE_COMPILATION)
# error "Only <notification-bridge/notification-bridge.h> can be included directly."
#endif

#include <gio/gio.h>
#include <notification/notification.h>

#include "notification-bridge-version-macros.h"
#include "notification-bridge-base.h"

G_BEGIN_DECLS

/**
 * NOTIFICATION_DBUS_BRIDGE_OBJECT_PATH:
 *
 * The object path a [class@NotificationBridge.DBusBridge] serves.
 *
 * Since: 1.2
 */
#define NOTIFICATION_DBUS_BRIDGE_OBJECT_PATH "/org/libnotification/Center"

/**
 * NOTIFICATION_DBUS_BRIDGE_INTERFACE:
 *
 * The D-Bus interface of a [class@NotificationBridge.DBusBridge].
 *
 * Since: 1.2
 */
#define NOTIFICATION_DBUS_BRIDGE_INTERFACE "org.libnotification.Center1"

/**
 * NOTIFICATION_DBUS_BRIDGE_IMPORTER_PREFIX:
 *
 * The prefix of the well-known bus name that a bridge importing
 * notifications owns: the prefix, a dot, then its unique name with `:`
 * and `.` written `_` (`:1.42` owns `org.libnotification.Importer._1_42`).
 *
 * Since: 1.2
 */
#define NOTIFICATION_DBUS_BRIDGE_IMPORTER_PREFIX "org.libnotification.Importer"

#define NOTIFICATION_TYPE_DBUS_BRIDGE (notification_dbus_bridge_get_type ())

NOTIFICATION_BRIDGE_AVAILABLE_IN_1_2
G_DECLARE_FINAL_TYPE (NotificationDBusBridge, notification_dbus_bridge, NOTIFICATION, DBUS_BRIDGE, NotificationBridge)

NOTIFICATION_BRIDGE_AVAILABLE_IN_1_2
void                    notification_dbus_bridge_new_async     (NotificationCenter  *center,
                                                                GDBusConnection     *connection,
                                                                GCancellable        *cancellable,
                                                                GAsyncReadyCallback  callback,
                                                                gpointer             user_data);
NOTIFICATION_BRIDGE_AVAILABLE_IN_1_2
NotificationDBusBridge *notification_dbus_bridge_new_finish    (GAsyncResult        *result,
                                                                GError             **error);
NOTIFICATION_BRIDGE_AVAILABLE_IN_1_2
GDBusConnection        *notification_dbus_bridge_get_connection (NotificationDBusBridge *self);
NOTIFICATION_BRIDGE_AVAILABLE_IN_1_2
guint64                 notification_dbus_bridge_get_n_not_sent (NotificationDBusBridge *self);
NOTIFICATION_BRIDGE_AVAILABLE_IN_1_2
void                    notification_dbus_bridge_subscribe     (NotificationDBusBridge *self,
                                                                const char             *type);
NOTIFICATION_BRIDGE_AVAILABLE_IN_1_2
void                    notification_dbus_bridge_unsubscribe   (NotificationDBusBridge *self,
                                                                const char             *type);
NOTIFICATION_BRIDGE_AVAILABLE_IN_1_2
void                    notification_dbus_bridge_flush         (NotificationDBusBridge *self,
                                                                GCancellable           *cancellable,
                                                                GAsyncReadyCallback     callback,
                                                                gpointer                user_data);
NOTIFICATION_BRIDGE_AVAILABLE_IN_1_2
gboolean                notification_dbus_bridge_flush_finish  (NotificationDBusBridge *self,
                                                                GAsyncResult           *result,
                                                                GError                **error);

NOTIFICATION_BRIDGE_AVAILABLE_IN_1_2
GDBusServer            *notification_dbus_server_new           (NotificationCenter     *center,
                                                                const char             *address,
                                                                GError                **error);
NOTIFICATION_BRIDGE_AVAILABLE_IN_1_2
void                    notification_dbus_server_subscribe     (GDBusServer            *server,
                                                                const char             *type);

G_END_DECLS
