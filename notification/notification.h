/* notification.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib-object.h>

#define NOTIFICATION_INSIDE
# include "notification-version.h"
# include "notification-version-macros.h"
# include "notification-error.h"
# include "notification-schema.h"
# include "notification-interest.h"
# include "notification-center.h"
# include "notification-user-info.h"
#undef NOTIFICATION_INSIDE
