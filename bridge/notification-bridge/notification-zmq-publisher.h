/* notification-zmq-publisher.h: the ZeroMQ transport, sending side
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
#include "notification-zmq-bridge.h"

G_BEGIN_DECLS

#define NOTIFICATION_TYPE_ZMQ_PUBLISHER (notification_zmq_publisher_get_type ())

NOTIFICATION_BRIDGE_AVAILABLE_IN_1_2
G_DECLARE_FINAL_TYPE (NotificationZmqPublisher, notification_zmq_publisher, NOTIFICATION, ZMQ_PUBLISHER, NotificationZmqBridge)

NOTIFICATION_BRIDGE_AVAILABLE_IN_1_2
NotificationZmqPublisher *notification_zmq_publisher_new             (NotificationCenter        *center,
                                                                      const char                *endpoint,
                                                                      NotificationZmqFlags       flags,
                                                                      GError                   **error) G_GNUC_WARN_UNUSED_RESULT;
NOTIFICATION_BRIDGE_AVAILABLE_IN_1_2
guint64                   notification_zmq_publisher_get_n_dropped   (NotificationZmqPublisher  *self);
NOTIFICATION_BRIDGE_AVAILABLE_IN_1_2
guint                     notification_zmq_publisher_get_n_subscriptions (NotificationZmqPublisher *self);
NOTIFICATION_BRIDGE_AVAILABLE_IN_1_2
gboolean                  notification_zmq_publisher_is_wanted       (NotificationZmqPublisher  *self,
                                                                      const char                *type);

G_END_DECLS
