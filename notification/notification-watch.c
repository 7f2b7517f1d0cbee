/* notification-watch.c: a weak reference on a sender or owner
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "notification-watch-private.h"

static void
watch_weak_notify (gpointer  user_data,
                   GObject  *where_the_object_was)
{
  NotificationWatch *self = user_data;
  gpointer data;

  /* Pairs with the release in notification_watch_new(); see there. */
  if (!__atomic_load_n (&self->ready, __ATOMIC_ACQUIRE))
    g_assert_not_reached ();

  data = __atomic_exchange_n (&self->data, NULL, __ATOMIC_ACQ_REL);
  if (data != NULL)
    {
      self->func (self, data);
      if (self->data_destroy != NULL)
        self->data_destroy (data);
    }
  g_free (self->lists);
  g_free (self);
}

/*
 * notification_watch_new:
 * @object: the object to watch, alive (the caller holds a reference)
 * @func: called when @object is disposed
 * @data: (transfer full): data for @func
 * @data_destroy: (nullable): releases @data after @func has run
 *
 * Starts watching @object. The watch lives until @object is disposed:
 * see the comment of notification-watch-private.h.
 */
NotificationWatch *
notification_watch_new (GObject               *object,
                        NotificationWatchFunc  func,
                        gpointer               data,
                        GDestroyNotify         data_destroy)
{
  NotificationWatch *self = g_new0 (NotificationWatch, 1);

  self->object = object;
  self->func = func;
  self->data = data;
  self->data_destroy = data_destroy;
  /* The notify may run on another thread. GLib's own lock on the object's
   * data orders these writes before it, but that lock is invisible to
   * ThreadSanitizer (GLib is not instrumented): say it with a release the
   * notify acquires. */
  __atomic_store_n (&self->ready, TRUE, __ATOMIC_RELEASE);
  g_object_weak_ref (object, watch_weak_notify, self);

  return self;
}

gboolean
notification_watch_is_empty (NotificationWatch *self)
{
  return self->n_lists == 0 && self->owned == NULL;
}

/* The lists of a sender are a vector, not links in each list: only lists
 * of a specific sender pay for them (a place in the vector and the
 * index of that place, which fits in the list's padding). */
void
notification_watch_add_list (NotificationWatch        *self,
                             NotificationObserverList *list)
{
  if (self->n_lists == self->lists_size)
    {
      self->lists_size = MAX (2, self->lists_size * 2);
      self->lists = g_renew (NotificationObserverList *, self->lists, self->lists_size);
    }
  list->watch_index = self->n_lists;
  self->lists[self->n_lists++] = list;
}

/* In O(1): the last list takes the place of @list. */
void
notification_watch_remove_list (NotificationWatch        *self,
                                NotificationObserverList *list)
{
  guint i = list->watch_index;
  NotificationObserverList *last;

  g_assert (i < self->n_lists && self->lists[i] == list);

  last = self->lists[--self->n_lists];
  self->lists[i] = last;
  last->watch_index = i;
  if (self->n_lists == 0)
    {
      g_clear_pointer (&self->lists, g_free);
      self->lists_size = 0;
    }
}

/* The last list added and not removed, or NULL. */
NotificationObserverList *
notification_watch_peek_list (NotificationWatch *self)
{
  return self->n_lists != 0 ? self->lists[self->n_lists - 1] : NULL;
}

void
notification_watch_link_owned (NotificationWatch       *self,
                               NotificationObserverExt *observer)
{
  observer->owner_watch = self;
  observer->owner_prev = NULL;
  observer->owner_next = self->owned;
  if (self->owned != NULL)
    self->owned->owner_prev = observer;
  self->owned = observer;
}

void
notification_watch_unlink_owned (NotificationWatch       *self,
                                 NotificationObserverExt *observer)
{
  if (observer->owner_prev != NULL)
    observer->owner_prev->owner_next = observer->owner_next;
  else
    self->owned = observer->owner_next;
  if (observer->owner_next != NULL)
    observer->owner_next->owner_prev = observer->owner_prev;
  observer->owner_watch = NULL;
}

/*
 * notification_watch_steal_data:
 *
 * The owner lets the watch go while its object lives (the registry shuts
 * down): the data is the caller's to release, and the notify will call
 * nothing. Returns %NULL if the notify has taken it first.
 */
gpointer
notification_watch_steal_data (NotificationWatch *self)
{
  return __atomic_exchange_n (&self->data, NULL, __ATOMIC_ACQ_REL);
}
