/* notification-center-private.h: what the center's other files use
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "notification-center.h"
#include "notification-registry-private.h"

G_BEGIN_DECLS

NotificationRegistry *notification_center_get_registry (NotificationCenter *self);

G_END_DECLS
