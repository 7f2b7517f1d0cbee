/* notification-center-queue.c: the center's main-context delivery options
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "notification-center-private.h"
#include "notification-queue-private.h"

G_DEFINE_FLAGS_TYPE (NotificationObserverFlags, notification_observer_flags,
  G_DEFINE_ENUM_VALUE (NOTIFICATION_OBSERVER_DEFAULT, "default"),
  G_DEFINE_ENUM_VALUE (NOTIFICATION_OBSERVER_COALESCE, "coalesce"),
  G_DEFINE_ENUM_VALUE (NOTIFICATION_OBSERVER_FORWARDER, "forwarder"))

/**
 * notification_center_add_observer_with_flags:
 * @self: a center
 * @type: (nullable): the type to observe, or `NULL` for every type
 * @sender: (type GObject.Object) (nullable): the sender to observe, or
 *   `NULL` for every sender
 * @owner: (nullable): an object whose finalization removes the observer
 * @context: (nullable): the main context to call @callback on, or `NULL`
 *   to call it synchronously on the posting thread
 * @flags: options
 * @callback: (scope notified) (closure user_data) (destroy destroy): the
 *   function to call
 * @user_data: data for @callback
 * @destroy: (nullable): called on @user_data when the observer is removed
 *
 * Adds an observer as [method@Center.add_observer_full] does, with
 * options.
 *
 * With [flags@ObserverFlags.COALESCE] and a @context, a progress bar fed
 * a million updates a second by a worker shows the latest one, and its
 * main loop makes one call per update it can show rather than one per
 * post: while a call for the same type and sender is queued, a newer post
 * replaces it. The flag means nothing without a @context.
 *
 * With [flags@ObserverFlags.FORWARDER], the observer is a bridge's (or
 * any relay's): it is called as any other, and
 * [method@Center.has_observers] and [method@Center.get_n_observers] count
 * it, but the pair it observes is not made observed in the center's
 * interest reports ([method@Center.watch_interest],
 * [method@Center.list_interests]). A bridge that follows the center's
 * interest to tell its peers what this process wants, and forwards what
 * they want with such observers, then reports only what the program
 * itself observes: two processes bridged both ways do not keep each
 * other interested for ever (see [Interest](interest.html)).
 *
 * Returns: the observer's id, for [method@Center.remove_observer]
 *
 * Since: 1.2
 */
/* A failed check, as g_return_val_if_fail() reports it, under the name of
 * the public function that was called. */
#define ADD_CHECK(expr) \
  G_STMT_START { \
    if (G_UNLIKELY (!(expr))) \
      { \
        g_return_if_fail_warning (G_LOG_DOMAIN, func, #expr); \
        return 0; \
      } \
  } G_STMT_END

/*
 * notification_center_add_checked:
 * @func: the public function called, for the criticals
 * @internal_flags: flags of the library's own (as
 *   %NOTIFICATION_OBSERVER_USER_INFO_PRIVATE), not checked
 *
 * What every add_*observer*() function does: the checks of its arguments,
 * then the registry's add.
 */
gulong
notification_center_add_checked (NotificationCenter   *self,
                                 const char           *func,
                                 const char           *type,
                                 gpointer              sender,
                                 GObject              *owner,
                                 GMainContext         *context,
                                 guint                 flags,
                                 guint                 internal_flags,
                                 NotificationCallback  callback,
                                 gpointer              user_data,
                                 GDestroyNotify        destroy)
{
  ADD_CHECK (NOTIFICATION_IS_CENTER (self));
  ADD_CHECK (type == NULL || *type != '\0');
  ADD_CHECK (sender == NULL || G_IS_OBJECT (sender));
  ADD_CHECK (owner == NULL || G_IS_OBJECT (owner));
  ADD_CHECK ((flags & ~(NOTIFICATION_OBSERVER_COALESCE | NOTIFICATION_OBSERVER_FORWARDER)) == 0);
  ADD_CHECK (callback != NULL);

  /* Coalescing is a queue's business: without a context, nothing to do. */
  if (context == NULL)
    flags &= ~NOTIFICATION_OBSERVER_COALESCE;

  return notification_registry_add (notification_center_get_registry (self), self,
                                    type, sender, owner, context, flags | internal_flags,
                                    callback, user_data, destroy);
}

gulong
notification_center_add_observer_with_flags (NotificationCenter        *self,
                                             const char                *type,
                                             gpointer                   sender,
                                             GObject                   *owner,
                                             GMainContext              *context,
                                             NotificationObserverFlags  flags,
                                             NotificationCallback       callback,
                                             gpointer                   user_data,
                                             GDestroyNotify             destroy)
{
  return notification_center_add_checked (self, G_STRFUNC, type, sender, owner, context, flags, 0,
                                          callback, user_data, destroy);
}

/**
 * notification_center_set_queue_limit:
 * @self: a center
 * @context: a main context
 * @max_queued: how many calls may wait in the queue of @context, or 0 for
 *   no limit (the default)
 *
 * Bounds the queue that the main-context observers of @self on @context
 * share.
 *
 * When the queue is full, a post neither blocks nor waits: the call is
 * dropped and counted, in [property@Center:n-dropped] and for the
 * observer, which learns how many of its calls were dropped before the
 * one it is in with [method@Center.get_dropped_before_call]. Calls already
 * queued stay.
 *
 * Since: 1.2
 */
void
notification_center_set_queue_limit (NotificationCenter *self,
                                     GMainContext       *context,
                                     guint               max_queued)
{
  g_return_if_fail (NOTIFICATION_IS_CENTER (self));
  g_return_if_fail (context != NULL);

  notification_registry_set_queue_limit (notification_center_get_registry (self),
                                         self, context, max_queued);
}

/**
 * notification_center_set_queue_priority:
 * @self: a center
 * @context: a main context
 * @priority: the priority of the source that makes the calls
 *
 * Sets the priority at which @context runs the calls queued for the
 * main-context observers of @self: `G_PRIORITY_DEFAULT` unless set. The
 * source makes at most 64 calls per dispatch, then lets @context run its
 * other sources.
 *
 * Since: 1.2
 */
void
notification_center_set_queue_priority (NotificationCenter *self,
                                        GMainContext       *context,
                                        int                 priority)
{
  g_return_if_fail (NOTIFICATION_IS_CENTER (self));
  g_return_if_fail (context != NULL);

  notification_registry_set_queue_priority (notification_center_get_registry (self),
                                            self, context, priority);
}

/**
 * notification_center_get_n_dropped: (get-property n-dropped)
 * @self: a center
 *
 * Gets how many calls of main-context observers were dropped because
 * their queue was full.
 *
 * Returns: the number of dropped calls
 *
 * Since: 1.2
 */
guint64
notification_center_get_n_dropped (NotificationCenter *self)
{
  g_return_val_if_fail (NOTIFICATION_IS_CENTER (self), 0);

  return notification_registry_get_n_dropped (notification_center_get_registry (self));
}

/**
 * notification_center_get_dropped_before_call:
 * @self: a center
 *
 * Called from the callback of a main-context observer: how many of this
 * observer's calls were dropped, because its queue was full, since its
 * previous call. Elsewhere it returns 0.
 *
 * Returns: the number of this observer's calls dropped before this one
 *
 * Since: 1.2
 */
guint
notification_center_get_dropped_before_call (NotificationCenter *self)
{
  g_return_val_if_fail (NOTIFICATION_IS_CENTER (self), 0);

  return notification_queue_get_current_dropped (self);
}
