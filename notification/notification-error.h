/* notification-error.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(NOTIFICATION_INSIDE) && !defined(NOTIFICATION_COMPILATION)
# error "Only <notification/notification.h> can be included directly."
#endif

#include <glib-object.h>

#include "notification-version-macros.h"

G_BEGIN_DECLS

/**
 * NOTIFICATION_ERROR:
 *
 * The error domain of libnotification.
 */
#define NOTIFICATION_ERROR (notification_error_quark ())

/**
 * NotificationError:
 * @NOTIFICATION_ERROR_INVALID_TYPE: the notification type is empty or not UTF-8
 * @NOTIFICATION_ERROR_INVALID_USER_INFO: the user info is not an `a{sv}` dictionary
 * @NOTIFICATION_ERROR_MISSING_KEY: the user info lacks a key the schema requires
 * @NOTIFICATION_ERROR_WRONG_TYPE: a user info value has another type than the schema declares
 * @NOTIFICATION_ERROR_UNKNOWN_KEY: the user info has a key the schema does not declare
 * @NOTIFICATION_ERROR_INVALID_SCHEMA: a schema declaration is malformed
 *
 * Errors reported for data that comes from outside the program, such as
 * by [method@Center.post_checked] and [method@Schema.validate].
 */
typedef enum
{
  NOTIFICATION_ERROR_INVALID_TYPE,
  NOTIFICATION_ERROR_INVALID_USER_INFO,
  NOTIFICATION_ERROR_MISSING_KEY,
  NOTIFICATION_ERROR_WRONG_TYPE,
  NOTIFICATION_ERROR_UNKNOWN_KEY,
  NOTIFICATION_ERROR_INVALID_SCHEMA,
} NotificationError;

#define NOTIFICATION_TYPE_ERROR (notification_error_get_type ())

NOTIFICATION_AVAILABLE_IN_ALL
GType  notification_error_get_type  (void) G_GNUC_CONST;
NOTIFICATION_AVAILABLE_IN_ALL
GQuark notification_error_quark     (void) G_GNUC_CONST;

G_END_DECLS
