/* notification-watch-private.h: a weak reference on a sender or owner
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A registry watches each object that observers name as their sender or
 * owner with one GObject weak reference, whatever the number of those
 * observers. When the object is finalized, the watch's lists give the
 * observers to remove without looking at any other observer.
 *
 * Ownership: the weak reference holds one reference on the watch. When
 * the registry stops watching (begin_detach, under its lock) it takes a
 * second one; finish_detach (without the lock) removes the weak reference
 * if the object is still alive, else leaves the first reference to the
 * weak notify that is about to run on the finalizing thread.
 */

#pragma once

#include "notification-index-private.h"
#include "notification-observer-private.h"
#include "notification-registry-private.h"

G_BEGIN_DECLS

struct _NotificationWatch
{
  NotificationRegistry    *registry;  /* (owned) */
  GObject                 *object;    /* (unowned) the watched object */
  GWeakRef                 weak;
  gint                     ref_count; /* (atomic) */

  /* Protected by the registry lock. */
  gboolean                 detached;
  NotificationIndexEntry  *entries;   /* entries whose sender is @object */
  NotificationObserverExt *owned;     /* observers whose owner is @object */
};

NotificationWatch *notification_watch_new           (NotificationRegistry    *registry,
                                                     GObject                 *object);
void               notification_watch_unref         (NotificationWatch       *self);
gboolean           notification_watch_is_empty      (NotificationWatch       *self);
void               notification_watch_link_entry    (NotificationWatch       *self,
                                                     NotificationIndexEntry  *entry);
void               notification_watch_unlink_entry  (NotificationWatch       *self,
                                                     NotificationIndexEntry  *entry);
void               notification_watch_link_owned    (NotificationWatch       *self,
                                                     NotificationObserverExt *observer);
void               notification_watch_unlink_owned  (NotificationWatch       *self,
                                                     NotificationObserverExt *observer);
void               notification_watch_begin_detach  (NotificationWatch       *self);
void               notification_watch_finish_detach (NotificationWatch       *self);

G_END_DECLS
