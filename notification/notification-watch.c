/* notification-watch.c: a weak reference on a sender or owner
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "notification-watch-private.h"

/* Lock held; @object is alive (the caller holds a reference). */
NotificationWatch *
notification_watch_new (NotificationRegistry *registry,
                        GObject              *object)
{
  NotificationWatch *self = g_new0 (NotificationWatch, 1);

  self->registry = notification_registry_ref (registry);
  self->object = object;
  self->ref_count = 1;
  g_weak_ref_init (&self->weak, object);
  g_object_weak_ref (object, notification_registry_watch_notify, self);

  return self;
}

void
notification_watch_unref (NotificationWatch *self)
{
  if (!g_atomic_int_dec_and_test (&self->ref_count))
    return;

  g_weak_ref_clear (&self->weak);
  notification_registry_unref (self->registry);
  g_free (self);
}

gboolean
notification_watch_is_empty (NotificationWatch *self)
{
  return self->entries == NULL && self->owned == NULL;
}

void
notification_watch_link_entry (NotificationWatch      *self,
                               NotificationIndexEntry *entry)
{
  entry->watch = self;
  entry->watch_prev = NULL;
  entry->watch_next = self->entries;
  if (self->entries != NULL)
    self->entries->watch_prev = entry;
  self->entries = entry;
}

void
notification_watch_unlink_entry (NotificationWatch      *self,
                                 NotificationIndexEntry *entry)
{
  if (entry->watch_prev != NULL)
    entry->watch_prev->watch_next = entry->watch_next;
  else
    self->entries = entry->watch_next;
  if (entry->watch_next != NULL)
    entry->watch_next->watch_prev = entry->watch_prev;
  entry->watch = NULL;
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

/* Lock held: the registry has dropped the watch from its table. */
void
notification_watch_begin_detach (NotificationWatch *self)
{
  self->detached = TRUE;
  g_atomic_int_inc (&self->ref_count);
}

/* Lock not held: may drop the last reference on the object. */
void
notification_watch_finish_detach (NotificationWatch *self)
{
  GObject *object = g_weak_ref_get (&self->weak);

  if (object != NULL)
    {
      /* Alive, and kept alive by @object: the notify cannot run any more. */
      g_object_weak_unref (object, notification_registry_watch_notify, self);
      notification_watch_unref (self);
      g_object_unref (object);
    }

  notification_watch_unref (self);
}
