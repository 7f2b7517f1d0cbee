/* notification-zmq-bridge-private.h: for the ZeroMQ bridges' subclasses
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "notification-bridge/notification-bridge.h"
#include "notification-zmq-source-private.h"

G_BEGIN_DECLS

/* The socket, made in initialisation; used only on the bridge's context. */
void *notification_zmq_bridge_get_socket (NotificationZmqBridge *self);

G_END_DECLS
