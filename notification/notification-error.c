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
GQuark
notification_error_quark (void)
{
  /* Not G_DEFINE_QUARK: its plain static is read and written by every
   * thread that first reports an error at the same time, a data race.
   * Racing threads intern the same string and get the same quark. */
  static GQuark quark;  /* (atomic) */
  GQuark result = __atomic_load_n (&quark, __ATOMIC_ACQUIRE);

  if (G_UNLIKELY (result == 0))
    {
      result = g_quark_from_static_string ("notification-error-quark");
      __atomic_store_n (&quark, result, __ATOMIC_RELEASE);
    }

  return result;
}

G_DEFINE_ENUM_TYPE (NotificationError, notification_error,
  G_DEFINE_ENUM_VALUE (NOTIFICATION_ERROR_INVALID_TYPE, "invalid-type"),
  G_DEFINE_ENUM_VALUE (NOTIFICATION_ERROR_INVALID_USER_INFO, "invalid-user-info"),
  G_DEFINE_ENUM_VALUE (NOTIFICATION_ERROR_MISSING_KEY, "missing-key"),
  G_DEFINE_ENUM_VALUE (NOTIFICATION_ERROR_WRONG_TYPE, "wrong-type"),
  G_DEFINE_ENUM_VALUE (NOTIFICATION_ERROR_UNKNOWN_KEY, "unknown-key"),
  G_DEFINE_ENUM_VALUE (NOTIFICATION_ERROR_INVALID_SCHEMA, "invalid-schema"))
