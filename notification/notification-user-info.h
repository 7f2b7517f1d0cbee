/* notification-user-info.h: user info built on first use
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(NOTIFICATION_INSIDE) && !defined(NOTIFICATION_COMPILATION)
# error "Only <notification/notification.h> can be included directly."
#endif

#include <glib-object.h>

#include "notification-version-macros.h"
#include "notification-center.h"

G_BEGIN_DECLS

#define NOTIFICATION_TYPE_USER_INFO (notification_user_info_get_type ())

typedef struct _NotificationUserInfo NotificationUserInfo;

/**
 * NotificationUserInfoBuildFunc:
 * @native: the native form given to notification_user_info_new_native()
 *
 * Makes the `a{sv}` dictionary of a native form, on whichever thread
 * first needs it, possibly while other threads read @native: it must not
 * change @native. Threads that need the dictionary at the same moment
 * may each call it; one result is kept and given to all of them, the
 * others are dropped. Once a dictionary is kept it is not called again.
 *
 * Returns: (transfer full): an `a{sv}` dictionary (a floating reference
 *   is sunk; a full reference that is not floating is taken over)
 *
 * Since: 1.2
 */
typedef GVariant *(*NotificationUserInfoBuildFunc) (gpointer native);

/**
 * NotificationUserInfoCallback:
 * @center: the center the notification was posted to
 * @type: the notification type
 * @sender: (nullable): the object that posted the notification
 * @user_info: (nullable): the user info, valid for the call only
 * @user_data: the data given when the observer was added
 *
 * The function called for each notification an observer added with
 * [method@Center.add_user_info_observer] receives.
 *
 * Take the native form with notification_user_info_get_native() if it is
 * one you know, else the dictionary with [method@UserInfo.get_variant]. Use
 * either only during the call, or reference what you keep: @user_info
 * itself may live on the caller's stack.
 *
 * Since: 1.2
 */
typedef void (*NotificationUserInfoCallback) (NotificationCenter   *center,
                                              const char           *type,
                                              GObject              *sender,
                                              NotificationUserInfo *user_info,
                                              gpointer              user_data);

NOTIFICATION_AVAILABLE_IN_1_2
GType                 notification_user_info_get_type      (void) G_GNUC_CONST;
NOTIFICATION_AVAILABLE_IN_1_2
NotificationUserInfo *notification_user_info_new           (GVariant                      *variant) G_GNUC_WARN_UNUSED_RESULT;
NOTIFICATION_AVAILABLE_IN_1_2
NotificationUserInfo *notification_user_info_new_native    (gconstpointer                  kind,
                                                            gpointer                       native,
                                                            NotificationUserInfoBuildFunc  build,
                                                            GDestroyNotify                 destroy) G_GNUC_WARN_UNUSED_RESULT;
NOTIFICATION_AVAILABLE_IN_1_2
NotificationUserInfo *notification_user_info_ref           (NotificationUserInfo          *self);
NOTIFICATION_AVAILABLE_IN_1_2
void                  notification_user_info_unref         (NotificationUserInfo          *self);
NOTIFICATION_AVAILABLE_IN_1_2
gpointer              notification_user_info_get_native    (NotificationUserInfo          *self,
                                                            gconstpointer                  kind);
NOTIFICATION_AVAILABLE_IN_1_2
GVariant             *notification_user_info_get_variant   (NotificationUserInfo          *self);
NOTIFICATION_AVAILABLE_IN_1_2
gboolean              notification_user_info_is_built      (NotificationUserInfo          *self);

NOTIFICATION_AVAILABLE_IN_1_2
gboolean              notification_center_post_user_info   (NotificationCenter            *self,
                                                            const char                    *type,
                                                            gpointer                       sender,
                                                            NotificationUserInfo          *user_info,
                                                            GError                       **error);
NOTIFICATION_AVAILABLE_IN_1_2
gulong                notification_center_add_user_info_observer (NotificationCenter            *self,
                                                                  const char                    *type,
                                                                  gpointer                       sender,
                                                                  GObject                       *owner,
                                                                  GMainContext                  *context,
                                                                  NotificationObserverFlags      flags,
                                                                  NotificationUserInfoCallback   callback,
                                                                  gpointer                       user_data,
                                                                  GDestroyNotify                 destroy);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NotificationUserInfo, notification_user_info_unref)

G_END_DECLS
