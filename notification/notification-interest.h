/* notification-interest.h
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

#define NOTIFICATION_TYPE_INTEREST (notification_interest_get_type ())

typedef struct _NotificationInterest NotificationInterest;

NOTIFICATION_AVAILABLE_IN_1_2
GType                 notification_interest_get_type              (void) G_GNUC_CONST;
NOTIFICATION_AVAILABLE_IN_1_2
NotificationInterest *notification_interest_ref                   (NotificationInterest *self);
NOTIFICATION_AVAILABLE_IN_1_2
void                  notification_interest_unref                 (NotificationInterest *self);
NOTIFICATION_AVAILABLE_IN_1_2
const char           *notification_interest_get_notification_type (NotificationInterest *self);
NOTIFICATION_AVAILABLE_IN_1_2
GObject              *notification_interest_get_sender            (NotificationInterest *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NotificationInterest, notification_interest_unref)

G_END_DECLS
