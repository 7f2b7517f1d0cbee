/* notification-schema.h
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

#define NOTIFICATION_TYPE_SCHEMA (notification_schema_get_type ())

NOTIFICATION_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (NotificationSchema, notification_schema, NOTIFICATION, SCHEMA, GObject)

NOTIFICATION_AVAILABLE_IN_ALL
NotificationSchema  *notification_schema_new                     (void) G_GNUC_WARN_UNUSED_RESULT;
NOTIFICATION_AVAILABLE_IN_ALL
gboolean             notification_schema_add_key                 (NotificationSchema  *self,
                                                                  const char          *key,
                                                                  const char          *type_string,
                                                                  gboolean             required,
                                                                  GError             **error);
NOTIFICATION_AVAILABLE_IN_ALL
void                 notification_schema_set_allow_unknown_keys  (NotificationSchema  *self,
                                                                  gboolean             allow_unknown_keys);
NOTIFICATION_AVAILABLE_IN_ALL
gboolean             notification_schema_get_allow_unknown_keys  (NotificationSchema  *self);
NOTIFICATION_AVAILABLE_IN_ALL
gboolean             notification_schema_get_sealed              (NotificationSchema  *self);
NOTIFICATION_AVAILABLE_IN_ALL
const GVariantType  *notification_schema_get_key_type            (NotificationSchema  *self,
                                                                  const char          *key);
NOTIFICATION_AVAILABLE_IN_ALL
gboolean             notification_schema_get_key_required        (NotificationSchema  *self,
                                                                  const char          *key);
NOTIFICATION_AVAILABLE_IN_ALL
char               **notification_schema_list_keys               (NotificationSchema  *self) G_GNUC_WARN_UNUSED_RESULT;
NOTIFICATION_AVAILABLE_IN_ALL
gboolean             notification_schema_validate                (NotificationSchema  *self,
                                                                  const char          *type,
                                                                  GVariant            *user_info,
                                                                  GError             **error);

G_END_DECLS
