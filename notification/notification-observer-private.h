/* notification-observer-private.h: one registered observer
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * An observer's @state counts its running calls and has a bit that marks
 * it removed. A call starts only while the bit is clear (compare and
 * swap), so no call starts once removal has set it; whoever brings the
 * state to "removed, no call running" (the remover, or the last running
 * call) runs the destroy notify, exactly once.
 *
 * Observers that are tied to an owner object or delivered on a main
 * context carry the extra fields of NotificationObserverExt.
 */

#pragma once

#include "notification-center.h"
#include "notification-index-private.h"
#include "notification-lock-private.h"

G_BEGIN_DECLS

#define NOTIFICATION_OBSERVER_REMOVED (1u << 31)
#define NOTIFICATION_OBSERVER_EXT     (1u << 30)
#define NOTIFICATION_OBSERVER_CALLS   (NOTIFICATION_OBSERVER_EXT - 1)

typedef struct _NotificationObserverExt NotificationObserverExt;

struct _NotificationObserver
{
  /* Read by posting threads. */
  NotificationObserver *next;            /* (atomic) next in the entry's list */
  gulong                id;
  NotificationCallback  callback;
  gpointer              user_data;
  guint                 state;           /* (atomic) */
  guint                 flags;           /* immutable: NOTIFICATION_OBSERVER_EXT */

  /* Writers only (registry lock); reused as the EBR node once unlinked. */
  union {
    struct {
      NotificationObserver   *prev;
      NotificationIndexEntry *entry;
    };
    NotificationEbrNode       ebr;
  };
  GDestroyNotify        destroy;
};

struct _NotificationObserverExt
{
  NotificationObserver     base;
  gint                     ref_count;    /* (atomic) the index holds one, each scheduled delivery one */

  GMainContext            *context;      /* (owned) (nullable) */
  GWeakRef                 center;       /* for deliveries on @context */
  NotificationLock         queue_lock;
  GQueue                   queue;        /* (element-type Delivery) protected by @queue_lock */
  gboolean                 scheduled;    /* protected by @queue_lock */

  /* The owner's watch and its other observers; registry lock. */
  NotificationWatch       *owner_watch;
  NotificationObserverExt *owner_prev;
  NotificationObserverExt *owner_next;
};

NotificationObserver *notification_observer_new         (gulong                id,
                                                         GMainContext         *context,
                                                         gboolean              owned,
                                                         NotificationCenter   *center,
                                                         NotificationCallback  callback,
                                                         gpointer              user_data,
                                                         GDestroyNotify        destroy);
void                  notification_observer_notify      (NotificationObserver *self,
                                                         NotificationCenter   *center,
                                                         const char           *type,
                                                         GObject              *sender,
                                                         GVariant             *user_info);
gboolean              notification_observer_mark_removed  (NotificationObserver *self);
void                  notification_observer_finish_remove (NotificationObserver *self,
                                                           gboolean              destroy);

static inline gboolean
notification_observer_is_ext (NotificationObserver *self)
{
  return (self->flags & NOTIFICATION_OBSERVER_EXT) != 0;
}

G_END_DECLS
