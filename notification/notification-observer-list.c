/* notification-observer-list.c: the observers of one key
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "notification-ebr-private.h"
#include "notification-observer-list-private.h"
#include "notification-observer-private.h"

/* The watch's index fills the padding before the key: the struct stays
 * three words before its key (28 bytes and the type, on 64-bit). */
G_STATIC_ASSERT (G_STRUCT_OFFSET (NotificationObserverList, key) == sizeof (gpointer) + 2 * sizeof (guint));

/* Not in any index yet: the caller inserts it. */
NotificationObserverList *
notification_observer_list_new (const char    *type,
                                gconstpointer  sender)
{
  return notification_index_entry_new (sizeof (NotificationObserverList),
                                       G_STRUCT_OFFSET (NotificationObserverList, key),
                                       type, sender);
}

/* Frees @self once no reader can hold it: out of the index, and empty
 * (its observers, retired on their own, may still point at it). */
void
notification_observer_list_retire (NotificationObserverList *self)
{
  notification_ebr_retire_pointer (self, g_free);
}

/* Registry lock held. Publishes @observer at the end: readers that reach
 * the end of the list afterwards see it. */
void
notification_observer_list_append (NotificationObserverList *self,
                                   NotificationObserver     *observer)
{
  NotificationObserver *head = __atomic_load_n (&self->head, __ATOMIC_RELAXED);

  observer->list = self;
  if (head == NULL)
    {
      observer->prev = observer;
      __atomic_store_n (&self->head, observer, __ATOMIC_RELEASE);
    }
  else
    {
      NotificationObserver *tail = head->prev;

      observer->prev = tail;
      __atomic_store_n (&tail->next, observer, __ATOMIC_RELEASE);
      head->prev = observer;
    }
}

/* Registry lock held. Readers standing on @observer keep following its
 * next pointer, which stays as it is: it leads back into the list (or
 * ends it). */
void
notification_observer_list_unlink (NotificationObserverList *self,
                                   NotificationObserver     *observer)
{
  NotificationObserver *head = __atomic_load_n (&self->head, __ATOMIC_RELAXED);
  NotificationObserver *next = __atomic_load_n (&observer->next, __ATOMIC_RELAXED);
  NotificationObserver *prev = observer->prev;

  g_assert (observer->list == self);

  if (observer == head)
    {
      /* @prev is the last observer: the new head's prev. */
      __atomic_store_n (&self->head, next, __ATOMIC_RELEASE);
      if (next != NULL)
        next->prev = prev;
    }
  else
    {
      __atomic_store_n (&prev->next, next, __ATOMIC_RELEASE);
      if (next != NULL)
        next->prev = prev;
      else
        head->prev = prev;
    }
}
