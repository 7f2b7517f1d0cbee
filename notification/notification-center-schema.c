/* notification-center-schema.c: declaring the user info of a type
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "notification-center-private.h"
#include "notification-schema-private.h"

/**
 * notification_center_register_schema:
 * @self: a center
 * @type: a notification type
 * @schema: (nullable): the schema its user info must match, or `NULL` to
 *   make @type a plain label again
 *
 * Declares the user info of a type. From now on a post of @type whose
 * user info does not match @schema is delivered to nobody (see
 * [method@Center.post] and [method@Center.post_checked]).
 *
 * The schema is sealed: it cannot change any more. Registering a schema
 * for a type that has one replaces it.
 */
void
notification_center_register_schema (NotificationCenter *self,
                                     const char         *type,
                                     NotificationSchema *schema)
{
  g_return_if_fail (NOTIFICATION_IS_CENTER (self));
  g_return_if_fail (type != NULL && *type != '\0');
  g_return_if_fail (schema == NULL || NOTIFICATION_IS_SCHEMA (schema));

  if (schema != NULL)
    notification_schema_seal (schema);

  notification_registry_set_schema (notification_center_get_registry (self), type, schema);
}

/**
 * notification_center_lookup_schema:
 * @self: a center
 * @type: a notification type
 *
 * Finds the schema registered with [method@Center.register_schema].
 *
 * Returns: (transfer full) (nullable): the schema of @type, or `NULL`
 */
NotificationSchema *
notification_center_lookup_schema (NotificationCenter *self,
                                   const char         *type)
{
  g_return_val_if_fail (NOTIFICATION_IS_CENTER (self), NULL);
  g_return_val_if_fail (type != NULL, NULL);

  return notification_registry_dup_schema (notification_center_get_registry (self), type);
}
