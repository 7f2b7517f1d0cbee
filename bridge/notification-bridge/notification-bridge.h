/* notification-bridge.h: the umbrella header of libnotification-bridge
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>
#include <notification/notification.h>

#define NOTIFICATION_BRIDGE_INSIDE
# include "notification-bridge-version-macros.h"
# include "notification-remote-sender.h"
# include "notification-bridge-base.h"
# include "notification-dbus-bridge.h"
# include "notification-bridge-features.h"
# ifdef NOTIFICATION_BRIDGE_HAS_ZEROMQ
#  include "notification-zmq-bridge.h"
#  include "notification-zmq-keys.h"
#  include "notification-zmq-publisher.h"
#  include "notification-zmq-subscriber.h"
# endif
# if defined(NOTIFICATION_BRIDGE_HAS_ZEROMQ) && defined(NOTIFICATION_BRIDGE_HAS_JSON)
#  include "notification-jupyter-client.h"
# endif
#undef NOTIFICATION_BRIDGE_INSIDE
