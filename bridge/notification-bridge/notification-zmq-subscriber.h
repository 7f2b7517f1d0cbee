/* notification-zmq-subscriber.h: the ZeroMQ transport, receiving side
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

#define NOTIFICATION_TYPE_ZMQ_SUBSCRIBER (notification_zmq_subscriber_get_type ())

NOTIFICATION_BRIDGE_AVAILABLE_IN_1_2
G_DECLARE_FINAL_TYPE (NotificationZmqSubscriber, notification_zmq_subscriber, NOTIFICATION, ZMQ_SUBSCRIBER, NotificationZmqBridge)

NOTIFICATION_BRIDGE_AVAILABLE_IN_1_2
NotificationZmqSubscriber *notification_zmq_subscriber_new         (NotificationCenter         *center,
                                                                    const char                 *endpoint,
                                                                    NotificationZmqFlags        flags,
                                                                    GError                    **error) G_GNUC_WARN_UNUSED_RESULT;
NOTIFICATION_BRIDGE_AVAILABLE_IN_1_2
void                       notification_zmq_subscriber_subscribe   (NotificationZmqSubscriber  *self,
                                                                    const char                 *type);
NOTIFICATION_BRIDGE_AVAILABLE_IN_1_2
void                       notification_zmq_subscriber_unsubscribe (NotificationZmqSubscriber  *self,
                                                                    const char                 *type);
NOTIFICATION_BRIDGE_AVAILABLE_IN_1_2
guint64                    notification_zmq_subscriber_get_n_gaps  (NotificationZmqSubscriber  *self);
NOTIFICATION_BRIDGE_AVAILABLE_IN_1_2
guint                      notification_zmq_subscriber_get_n_publishers (NotificationZmqSubscriber *self);

G_END_DECLS
