/* notification-center-private.h: what the center's other files use
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "notification-center.h"
#include "notification-registry-private.h"

G_BEGIN_DECLS

struct _NotificationCenter
{
  GObject               parent_instance;

  NotificationRegistry *registry;      /* (owned) */
  gboolean              emits_signal;  /* construct-only */
  gboolean              strict_schemas; /* construct-only */
};

static inline NotificationRegistry *
notification_center_get_registry (NotificationCenter *self)
{
  return self->registry;
}

gulong   notification_center_add_checked  (NotificationCenter  *self,
                                           const char          *func,
                                           const char          *type,
                                           gpointer             sender,
                                           GObject             *owner,
                                           GMainContext        *context,
                                           guint                flags,
                                           guint                internal_flags,
                                           NotificationCallback callback,
                                           gpointer             user_data,
                                           GDestroyNotify       destroy);
gboolean notification_center_post_payload (NotificationCenter  *self,
                                           const char          *type,
                                           GObject             *sender,
                                           GVariant            *payload,
                                           GError             **error);

G_END_DECLS
