/* notification-observer-list-private.h: the observers of one key
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * An entry of the registry's index: the observers of one (type, sender)
 * key, in the order they were added, singly linked for the posting
 * threads, which follow @head and the observers' next pointers without a
 * lock. Writers (the registry lock held) also keep each observer's prev
 * pointer, and the head's prev is the last observer, so that appending
 * and unlinking cost O(1) without a tail pointer here.
 *
 * 28 bytes and the type: an entry of a ten-byte type is one 48-byte
 * allocation. It has no EBR node: it is retired with
 * notification_ebr_retire_pointer().
 */

#pragma once

#include "notification-index-private.h"

G_BEGIN_DECLS

typedef struct _NotificationObserver     NotificationObserver;
typedef struct _NotificationObserverList NotificationObserverList;

struct _NotificationObserverList
{
  NotificationObserver *head;        /* (atomic) (nullable) */
  /* Observers that interest reports count (all but
   * NOTIFICATION_OBSERVER_FORWARDER ones): the key is observed, for
   * notification-interest-private.h, while this is not 0. Protected by
   * the registry lock. */
  guint                 n_reported;
  /* For a list of one sender: its place in the sender's watch's vector
   * (notification-watch.c), for a removal in O(1). Registry lock. */
  guint                 watch_index;
  NotificationIndexKey  key;         /* last: the type follows inline */
};

static inline NotificationObserverList *
notification_observer_list_from_key (NotificationIndexKey *key)
{
  return (NotificationObserverList *) ((char *) key - G_STRUCT_OFFSET (NotificationObserverList, key));
}

/* The first observer, for readers (inside an EBR read section). */
static inline NotificationObserver *
notification_observer_list_peek (NotificationObserverList *self)
{
  return __atomic_load_n (&self->head, __ATOMIC_ACQUIRE);
}

/* For writers (registry lock held). */
static inline gboolean
notification_observer_list_is_empty (NotificationObserverList *self)
{
  return __atomic_load_n (&self->head, __ATOMIC_RELAXED) == NULL;
}

/* NULL for every type. */
static inline const char *
notification_observer_list_get_type (NotificationObserverList *self)
{
  return notification_index_key_get_type (&self->key);
}

static inline gconstpointer
notification_observer_list_get_sender (NotificationObserverList *self)
{
  return self->key.sender;
}

NotificationObserverList *notification_observer_list_new    (const char               *type,
                                                             gconstpointer             sender);
void                      notification_observer_list_retire (NotificationObserverList *self);
void                      notification_observer_list_append (NotificationObserverList *self,
                                                             NotificationObserver     *observer);
void                      notification_observer_list_unlink (NotificationObserverList *self,
                                                             NotificationObserver     *observer);

G_END_DECLS
