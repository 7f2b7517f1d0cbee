/* notification-bridge-version-macros.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(NOTIFICATION_BRIDGE_INSIDE) && !defined(NOTIFICATION_BRIDGE_COMPILATION)
# error "Only <notification-bridge/notification-bridge.h> can be included directly."
#endif

#include <notification/notification.h>

/* The bridge keeps the core's version numbers (it is released with it);
 * only the export macro is its own, so that the core's symbols stay
 * imports here and the bridge's are exported from its library alone. */
#ifndef _NOTIFICATION_BRIDGE_EXTERN
# if defined(NOTIFICATION_BRIDGE_COMPILATION) && defined(__GNUC__)
#  define _NOTIFICATION_BRIDGE_EXTERN __attribute__((visibility("default"))) extern
# else
#  define _NOTIFICATION_BRIDGE_EXTERN extern
# endif
#endif

#define NOTIFICATION_BRIDGE_AVAILABLE_IN_1_2 _NOTIFICATION_BRIDGE_EXTERN
