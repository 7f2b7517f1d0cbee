/* notification-zmq-bridge.h: what the ZeroMQ publisher and subscriber share
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
 * NotificationZmqFlags:
 * @NOTIFICATION_ZMQ_FLAGS_NONE: connect to the endpoint
 * @NOTIFICATION_ZMQ_FLAGS_BIND: bind the endpoint (sets
 *   [property@NotificationBridge.ZmqBridge:bind])
 * @NOTIFICATION_ZMQ_FLAGS_ALLOW_INSECURE: allow binding a TCP address
 *   other than loopback without CURVE (sets
 *   [property@NotificationBridge.ZmqBridge:allow-insecure])
 *
 * How a ZeroMQ bridge uses its endpoint.
 *
 * Since: 1.2
 */
typedef enum /*< flags >*/
{
  NOTIFICATION_ZMQ_FLAGS_NONE           = 0,
  NOTIFICATION_ZMQ_FLAGS_BIND           = 1 << 0,
  NOTIFICATION_ZMQ_FLAGS_ALLOW_INSECURE = 1 << 1,
} NotificationZmqFlags;

NOTIFICATION_BRIDGE_AVAILABLE_IN_1_2
GType notification_zmq_flags_get_type (void) G_GNUC_CONST;
#define NOTIFICATION_TYPE_ZMQ_FLAGS (notification_zmq_flags_get_type ())

#define NOTIFICATION_TYPE_ZMQ_BRIDGE (notification_zmq_bridge_get_type ())

NOTIFICATION_BRIDGE_AVAILABLE_IN_1_2
G_DECLARE_DERIVABLE_TYPE (NotificationZmqBridge, notification_zmq_bridge, NOTIFICATION, ZMQ_BRIDGE, NotificationBridge)

/**
 * NotificationZmqBridgeClass:
 * @parent_class: the parent class
 *
 * The class of the ZeroMQ transports. Its virtual functions are the
 * library's own: [class@NotificationBridge.ZmqPublisher] and
 * [class@NotificationBridge.ZmqSubscriber] are the ZeroMQ bridges.
 *
 * Since: 1.2
 */
struct _NotificationZmqBridgeClass
{
  NotificationBridgeClass parent_class;

  /*< private >*/
  int      socket_type;
  gboolean (*configure) (NotificationZmqBridge  *self,
                         void                   *socket,
                         GError                **error);
  void     (*message)   (NotificationZmqBridge  *self,
                         gpointer                message);

  gpointer padding[8];
};

NOTIFICATION_BRIDGE_AVAILABLE_IN_1_2
const char *notification_zmq_bridge_get_endpoint      (NotificationZmqBridge  *self);
NOTIFICATION_BRIDGE_AVAILABLE_IN_1_2
char       *notification_zmq_bridge_dup_last_endpoint (NotificationZmqBridge  *self);
NOTIFICATION_BRIDGE_AVAILABLE_IN_1_2
gboolean    notification_zmq_bridge_get_bind          (NotificationZmqBridge  *self);
NOTIFICATION_BRIDGE_AVAILABLE_IN_1_2
guint64     notification_zmq_bridge_get_n_clients_denied (NotificationZmqBridge *self);

NOTIFICATION_BRIDGE_AVAILABLE_IN_1_2
gboolean    notification_zmq_shutdown                 (GError                **error);

G_END_DECLS
