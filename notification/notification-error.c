/* notification-error.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "notification-error.h"

/**
 * notification_error_quark:
 *
 * Gets the error domain of libnotification, [error@Error].
 *
 * Returns: the error quark
 */
G_DEFINE_QUARK (notification-error-quark, notification_error)

G_DEFINE_ENUM_TYPE (NotificationError, notification_error,
  G_DEFINE_ENUM_VALUE (NOTIFICATION_ERROR_INVALID_TYPE, "invalid-type"),
  G_DEFINE_ENUM_VALUE (NOTIFICATION_ERROR_INVALID_USER_INFO, "invalid-user-info"),
  G_DEFINE_ENUM_VALUE (NOTIFICATION_ERROR_MISSING_KEY, "missing-key"),
  G_DEFINE_ENUM_VALUE (NOTIFICATION_ERROR_WRONG_TYPE, "wrong-type"),
  G_DEFINE_ENUM_VALUE (NOTIFICATION_ERROR_UNKNOWN_KEY, "unknown-key"),
  G_DEFINE_ENUM_VALUE (NOTIFICATION_ERROR_INVALID_SCHEMA, "invalid-schema"))
