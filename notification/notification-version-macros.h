/* notification-version-macros.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(NOTIFICATION_INSIDE) && !defined(NOTIFICATION_COMPILATION)
# error "Only <notification/notification.h> can be included directly."
#endif

#include <glib.h>

#include "notification-version.h"

#ifndef _NOTIFICATION_EXTERN
# if defined(NOTIFICATION_COMPILATION) && defined(__GNUC__)
#  define _NOTIFICATION_EXTERN __attribute__((visibility("default"))) extern
# else
#  define _NOTIFICATION_EXTERN extern
# endif
#endif

#define NOTIFICATION_AVAILABLE_IN_ALL _NOTIFICATION_EXTERN

#ifdef NOTIFICATION_DISABLE_DEPRECATION_WARNINGS
# define NOTIFICATION_DEPRECATED _NOTIFICATION_EXTERN
# define NOTIFICATION_DEPRECATED_FOR(f) _NOTIFICATION_EXTERN
#else
# define NOTIFICATION_DEPRECATED G_DEPRECATED _NOTIFICATION_EXTERN
# define NOTIFICATION_DEPRECATED_FOR(f) G_DEPRECATED_FOR(f) _NOTIFICATION_EXTERN
#endif
