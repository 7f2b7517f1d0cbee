/* notification-center-remove.c: removing the observers of a function or
 * of user data, as g_signal_handlers_disconnect_by_func() and _by_data()
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "notification-center-private.h"

/**
 * notification_center_remove_observers_by_func: (skip)
 * @self: a center
 * @callback: the callback the observers were added with
 * @user_data: the user data they were added with
 *
 * Removes every observer added with both @callback and @user_data, as
 * [method@Center.remove_observer] would each of them: no call of them
 * starts after this returns, and each destroy notify runs after the
 * center's lock is released (or when a running call of its observer
 * returns; on its main context for an observer called on one). This is
 * g_signal_handlers_disconnect_by_func() for observers: an object that
 * observes with its own methods and itself as user data removes them all
 * at once, without keeping the ids.
 *
 * Observers added with @callback but other user data stay.
 *
 * Not for language bindings: a binding passes every callback through a
 * trampoline of its own, so neither @callback nor @user_data is known to
 * the caller (Python's override keeps its own list: its `remove_observer()`
 * takes a callable).
 *
 * Returns: how many observers were removed
 *
 * Since: 1.2
 */
guint
notification_center_remove_observers_by_func (NotificationCenter   *self,
                                              NotificationCallback  callback,
                                              gpointer              user_data)
{
  g_return_val_if_fail (NOTIFICATION_IS_CENTER (self), 0);
  g_return_val_if_fail (callback != NULL, 0);

  return notification_registry_remove_matching (notification_center_get_registry (self),
                                                TRUE, callback, user_data);
}

/**
 * notification_center_remove_observers_by_data: (skip)
 * @self: a center
 * @user_data: the user data the observers were added with
 *
 * Removes every observer added with @user_data, whatever its callback,
 * as [method@Center.remove_observer] would each of them (see
 * [method@Center.remove_observers_by_func]). This is
 * g_signal_handlers_disconnect_by_data() for observers.
 *
 * `NULL` is user data like any other: it removes every observer added
 * without user data.
 *
 * Not for language bindings, for the reason given at
 * [method@Center.remove_observers_by_func].
 *
 * Returns: how many observers were removed
 *
 * Since: 1.2
 */
guint
notification_center_remove_observers_by_data (NotificationCenter *self,
                                              gpointer            user_data)
{
  g_return_val_if_fail (NOTIFICATION_IS_CENTER (self), 0);

  return notification_registry_remove_matching (notification_center_get_registry (self),
                                                FALSE, NULL, user_data);
}
