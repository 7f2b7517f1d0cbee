/* notification-center.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(NOTIFICATION_INSIDE) && !defined(NOTIFICATION_COMPILATION)
# error "Only <notification/notification.h> can be included directly."
#endif

#include <glib-object.h>

#include "notification-version-macros.h"
#include "notification-schema.h"

G_BEGIN_DECLS

/* Delivery order and cost: doc/cost-model.md (the Cost model guide page). */

#define NOTIFICATION_TYPE_CENTER (notification_center_get_type ())

NOTIFICATION_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (NotificationCenter, notification_center, NOTIFICATION, CENTER, GObject)

/**
 * NotificationCallback:
 * @center: the center the notification was posted to
 * @type: the notification type
 * @sender: (nullable): the object that posted the notification
 * @user_info: (nullable): the user info, an `a{sv}` dictionary
 * @user_data: the data given when the observer was added
 *
 * The function called for each notification an observer receives.
 *
 * @user_info is the very dictionary that was posted, shared by every
 * observer: take a reference to keep it.
 */
typedef void (*NotificationCallback) (NotificationCenter *center,
                                      const char         *type,
                                      GObject            *sender,
                                      GVariant           *user_info,
                                      gpointer            user_data);

/**
 * NotificationObserverFlags:
 * @NOTIFICATION_OBSERVER_DEFAULT: no flag
 * @NOTIFICATION_OBSERVER_COALESCE: for an observer called on a main
 *   context: while a call for a notification of the same type and sender
 *   is still queued, a newer one replaces it (and takes its place at the
 *   end of the queue), so the observer gets the latest and the context
 *   does bounded work however fast the posts come
 * @NOTIFICATION_OBSERVER_FORWARDER: the observer forwards what it gets
 *   to somewhere else (a bridge's observer, which sends to other
 *   processes): it receives posts as usual, but interest reports
 *   ([method@Center.watch_interest], [method@Center.list_interests]) do
 *   not count it, so that a bridge's own observers never make the center
 *   look observed to another bridge. Since: 1.2
 *
 * Options of [method@Center.add_observer_with_flags].
 *
 * Since: 1.2
 */
typedef enum /*< flags >*/
{
  NOTIFICATION_OBSERVER_DEFAULT   = 0,
  NOTIFICATION_OBSERVER_COALESCE  = 1 << 0,
  NOTIFICATION_OBSERVER_FORWARDER = 1 << 1,
} NotificationObserverFlags;

#define NOTIFICATION_TYPE_OBSERVER_FLAGS (notification_observer_flags_get_type ())

NOTIFICATION_AVAILABLE_IN_1_2
GType               notification_observer_flags_get_type     (void) G_GNUC_CONST;

NOTIFICATION_AVAILABLE_IN_ALL
NotificationCenter *notification_center_get_default          (void);
NOTIFICATION_AVAILABLE_IN_ALL
NotificationCenter *notification_center_new                  (void) G_GNUC_WARN_UNUSED_RESULT;
NOTIFICATION_AVAILABLE_IN_ALL
gboolean            notification_center_get_emits_signal     (NotificationCenter    *self);
NOTIFICATION_AVAILABLE_IN_1_2
gboolean            notification_center_get_strict_schemas   (NotificationCenter    *self);
NOTIFICATION_AVAILABLE_IN_ALL
void                notification_center_post                 (NotificationCenter    *self,
                                                              const char            *type,
                                                              gpointer               sender,
                                                              GVariant              *user_info);
NOTIFICATION_AVAILABLE_IN_ALL
gboolean            notification_center_post_checked         (NotificationCenter    *self,
                                                              const char            *type,
                                                              gpointer               sender,
                                                              GVariant              *user_info,
                                                              GError               **error);
NOTIFICATION_AVAILABLE_IN_ALL
void                notification_center_post_values          (NotificationCenter    *self,
                                                              const char            *type,
                                                              gpointer               sender,
                                                              const char            *first_key,
                                                              ...) G_GNUC_NULL_TERMINATED;
NOTIFICATION_AVAILABLE_IN_ALL
gulong              notification_center_add_observer         (NotificationCenter    *self,
                                                              const char            *type,
                                                              gpointer               sender,
                                                              NotificationCallback   callback,
                                                              gpointer               user_data,
                                                              GDestroyNotify         destroy);
NOTIFICATION_AVAILABLE_IN_ALL
gulong              notification_center_add_observer_full    (NotificationCenter    *self,
                                                              const char            *type,
                                                              gpointer               sender,
                                                              GObject               *owner,
                                                              GMainContext          *context,
                                                              NotificationCallback   callback,
                                                              gpointer               user_data,
                                                              GDestroyNotify         destroy);
NOTIFICATION_AVAILABLE_IN_1_2
gulong              notification_center_add_observer_with_flags (NotificationCenter        *self,
                                                                 const char                *type,
                                                                 gpointer                   sender,
                                                                 GObject                   *owner,
                                                                 GMainContext              *context,
                                                                 NotificationObserverFlags  flags,
                                                                 NotificationCallback       callback,
                                                                 gpointer                   user_data,
                                                                 GDestroyNotify             destroy);
NOTIFICATION_AVAILABLE_IN_1_2
void                notification_center_set_queue_limit      (NotificationCenter    *self,
                                                              GMainContext          *context,
                                                              guint                  max_queued);
NOTIFICATION_AVAILABLE_IN_1_2
void                notification_center_set_queue_priority   (NotificationCenter    *self,
                                                              GMainContext          *context,
                                                              int                    priority);
NOTIFICATION_AVAILABLE_IN_1_2
guint64             notification_center_get_n_dropped        (NotificationCenter    *self);
NOTIFICATION_AVAILABLE_IN_1_2
guint               notification_center_get_dropped_before_call (NotificationCenter *self);
NOTIFICATION_AVAILABLE_IN_ALL
void                notification_center_remove_observer      (NotificationCenter    *self,
                                                              gulong                 id);
NOTIFICATION_AVAILABLE_IN_ALL
void                notification_center_remove_all_observers (NotificationCenter    *self);
NOTIFICATION_AVAILABLE_IN_ALL
gboolean            notification_center_has_observers        (NotificationCenter    *self,
                                                              const char            *type,
                                                              gpointer               sender);
NOTIFICATION_AVAILABLE_IN_ALL
guint               notification_center_get_n_observers      (NotificationCenter    *self);
NOTIFICATION_AVAILABLE_IN_ALL
void                notification_center_register_schema      (NotificationCenter    *self,
                                                              const char            *type,
                                                              NotificationSchema    *schema);
NOTIFICATION_AVAILABLE_IN_ALL
NotificationSchema *notification_center_lookup_schema        (NotificationCenter    *self,
                                                              const char            *type) G_GNUC_WARN_UNUSED_RESULT;

/**
 * NotificationInterestFunc:
 * @center: the center
 * @type: (nullable): the pair's type, or `NULL` for every type
 * @sender: (nullable): the pair's sender, or `NULL` for every sender
 * @observed: `TRUE` if the pair gained its first observer, `FALSE` if it
 *   lost its last
 * @user_data: the data given to [method@Center.watch_interest]
 *
 * The function called for each change of interest a watcher is told
 * about: see [method@Center.watch_interest].
 *
 * @sender, when not `NULL`, is alive for the duration of the call: take a
 * reference to keep it.
 *
 * Since: 1.2
 */
typedef void (*NotificationInterestFunc) (NotificationCenter *center,
                                          const char         *type,
                                          GObject            *sender,
                                          gboolean            observed,
                                          gpointer            user_data);

NOTIFICATION_AVAILABLE_IN_1_2
guint               notification_center_watch_interest       (NotificationCenter       *self,
                                                              GMainContext             *context,
                                                              NotificationInterestFunc  func,
                                                              gpointer                  user_data,
                                                              GDestroyNotify            destroy);
NOTIFICATION_AVAILABLE_IN_1_2
void                notification_center_unwatch_interest     (NotificationCenter       *self,
                                                              guint                     id);
NOTIFICATION_AVAILABLE_IN_1_2
GPtrArray          *notification_center_list_interests       (NotificationCenter       *self) G_GNUC_WARN_UNUSED_RESULT;

NOTIFICATION_AVAILABLE_IN_1_2
guint               notification_center_remove_observers_by_func (NotificationCenter   *self,
                                                                  NotificationCallback  callback,
                                                                  gpointer              user_data);
NOTIFICATION_AVAILABLE_IN_1_2
guint               notification_center_remove_observers_by_data (NotificationCenter   *self,
                                                                  gpointer              user_data);

G_END_DECLS
