/* notification-watch-private.h: a weak reference on a sender or owner
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A registry watches each object that observers name as their sender or
 * owner with one GObject weak reference, whatever the number of those
 * observers. When the object is disposed, the watch calls back with what
 * it keeps: the observer lists of its object as a sender, and the
 * observers it owns, which give the observers to remove without looking
 * at any other observer.
 *
 * The weak reference is never removed while the object lives: the watch
 * stays, empty, when the object's observers are removed, and is reused
 * when the object is observed again. Removing a weak reference is not
 * safe while the object is being disposed (on this thread, from a weak
 * notify registered before ours, or on another one): g_object_run_dispose()
 * has already taken the weak-reference list off the object, so
 * g_object_weak_unref() cannot find it, yet GLib is about to call the
 * notify, and no check can tell. So the weak reference owns the watch,
 * and only its notify frees it.
 *
 * Locking: a watch's lists are protected by the lock of the registry that
 * made it; the notify takes that lock itself, in @func.
 */

#pragma once

#include <glib-object.h>

#include "notification-observer-list-private.h"
#include "notification-observer-private.h"

G_BEGIN_DECLS

/* Called on the disposing thread, with the watch's lists still filled,
 * without any lock held. Afterwards the watch calls @data_destroy on the
 * data and frees itself. */
typedef void (*NotificationWatchFunc) (NotificationWatch *watch,
                                       gpointer           data);

struct _NotificationWatch
{
  GObject                 *object;    /* (unowned) the watched object */
  NotificationWatchFunc    func;
  gpointer                 data;      /* (owned) (atomic) released with @data_destroy */
  GDestroyNotify           data_destroy;
  gboolean                 ready;     /* (atomic) the fields above are set */

  /* Protected by the lock of @data's registry. */
  NotificationObserverList **lists;   /* (array length=n_lists) lists whose sender is @object */
  guint                    n_lists;
  guint                    lists_size;
  NotificationObserverExt *owned;     /* observers whose owner is @object */
};

NotificationWatch *notification_watch_new           (GObject                 *object,
                                                     NotificationWatchFunc    func,
                                                     gpointer                 data,
                                                     GDestroyNotify           data_destroy);
gboolean           notification_watch_is_empty      (NotificationWatch       *self);
void               notification_watch_add_list      (NotificationWatch        *self,
                                                     NotificationObserverList *list);
void               notification_watch_remove_list   (NotificationWatch        *self,
                                                     NotificationObserverList *list);
NotificationObserverList *notification_watch_peek_list (NotificationWatch     *self);
void               notification_watch_link_owned    (NotificationWatch       *self,
                                                     NotificationObserverExt *observer);
void               notification_watch_unlink_owned  (NotificationWatch       *self,
                                                     NotificationObserverExt *observer);
gpointer           notification_watch_steal_data    (NotificationWatch       *self);

G_END_DECLS
