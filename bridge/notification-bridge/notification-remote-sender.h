/* notification-remote-sender.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(NOTIFICATION_BRIDGE_INSIDE) && !defined(NOTIFICATION_BRIDGE_COMPILATION)
# error "Only <notification-bridge/notification-bridge.h> can be included directly."
#endif

#include <glib-object.h>

#include "notification-bridge-version-macros.h"

G_BEGIN_DECLS

#define NOTIFICATION_TYPE_REMOTE_SENDER (notification_remote_sender_get_type ())

NOTIFICATION_BRIDGE_AVAILABLE_IN_1_2
G_DECLARE_FINAL_TYPE (NotificationRemoteSender, notification_remote_sender, NOTIFICATION, REMOTE_SENDER, GObject)

NOTIFICATION_BRIDGE_AVAILABLE_IN_1_2
const char *notification_remote_sender_get_peer      (NotificationRemoteSender *self);
NOTIFICATION_BRIDGE_AVAILABLE_IN_1_2
const char *notification_remote_sender_get_sender_id (NotificationRemoteSender *self);
NOTIFICATION_BRIDGE_AVAILABLE_IN_1_2
gboolean    notification_remote_sender_is_remote     (GObject                  *object);

G_END_DECLS
