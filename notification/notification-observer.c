/* notification-observer.c: one registered observer
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "notification-observer-private.h"
#include "notification-user-info-private.h"

/* Seven words: a slab cell with no rounding (see the memory figures in
 * doc/performance.md). */
G_STATIC_ASSERT (sizeof (NotificationObserver) == 7 * sizeof (gpointer));

NotificationObserverExt *
notification_observer_ext_ref (NotificationObserverExt *self)
{
  __atomic_fetch_add (&self->ref_count, 1, __ATOMIC_SEQ_CST);

  return self;
}

void
notification_observer_ext_unref (NotificationObserverExt *self)
{
  if (__atomic_sub_fetch (&self->ref_count, 1, __ATOMIC_SEQ_CST) != 0)
    return;

  g_assert (self->calls == NULL);
  g_clear_pointer (&self->queue, notification_queue_unref);
  g_free (self);
}

/* A plain observer: a slab cell. */
NotificationObserver *
notification_observer_new (NotificationSlab     *slab,
                           guint64               seq,
                           NotificationCallback  callback,
                           gpointer              user_data,
                           GDestroyNotify        destroy,
                           guint32              *cell)
{
  NotificationObserver *self = notification_slab_alloc (slab, cell);

  self->state = seq << NOTIFICATION_OBSERVER_SEQ_SHIFT;
  self->callback = callback;
  self->user_data = user_data;
  self->destroy = destroy;

  return self;
}

/* An observer tied to an owner or called on a main context (@queue). */
NotificationObserver *
notification_observer_new_ext (guint64               seq,
                               NotificationQueue    *queue,
                               guint                 flags,
                               NotificationCallback  callback,
                               gpointer              user_data,
                               GDestroyNotify        destroy)
{
  NotificationObserverExt *ext = g_new0 (NotificationObserverExt, 1);
  NotificationObserver *self = &ext->base;

  ext->ref_count = 1;
  ext->flags = flags;
  if (queue != NULL)
    ext->queue = notification_queue_ref (queue);

  self->state = (seq << NOTIFICATION_OBSERVER_SEQ_SHIFT) | NOTIFICATION_OBSERVER_EXT;
  self->callback = callback;
  self->user_data = user_data;
  self->destroy = destroy;

  return self;
}

/* Runs the destroy notify, here and now. */
void
notification_observer_run_destroy (NotificationObserver *self)
{
  if (self->destroy != NULL)
    self->destroy (self->user_data);
}

/* The destroy notify is due: a main-context observer's runs on its
 * context, after its queued calls were dropped; any other's here. */
static void
observer_destroy (NotificationObserver *self)
{
  NotificationQueue *queue = notification_observer_get_queue (self);

  if (queue != NULL)
    notification_queue_push_destroy (queue, (NotificationObserverExt *) self);
  else
    notification_observer_run_destroy (self);
}

static inline gboolean
observer_begin_call (NotificationObserver *self)
{
  guint64 state = __atomic_load_n (&self->state, __ATOMIC_RELAXED);

  do
    {
      if (state & NOTIFICATION_OBSERVER_REMOVED)
        return FALSE;
    }
  while (!__atomic_compare_exchange_n (&self->state, &state, state + 1, TRUE,
                                       __ATOMIC_ACQUIRE, __ATOMIC_RELAXED));

  return TRUE;
}

static inline void
observer_end_call (NotificationObserver *self)
{
  guint64 state = __atomic_sub_fetch (&self->state, 1, __ATOMIC_ACQ_REL);

  if ((state & (NOTIFICATION_OBSERVER_REMOVED | NOTIFICATION_OBSERVER_CALLS)) == NOTIFICATION_OBSERVER_REMOVED)
    observer_destroy (self);
}

static inline gboolean
observer_takes_user_info (NotificationObserver *self)
{
  return notification_observer_is_ext (self) &&
         (((NotificationObserverExt *) self)->flags & NOTIFICATION_OBSERVER_USER_INFO_PRIVATE) != 0;
}

/* Calls the observer, unless it was removed: right now, on this thread
 * (synchronous observers, and queued calls being dispatched). */
void
notification_observer_call (NotificationObserver *self,
                            NotificationCenter   *center,
                            const char           *type,
                            GObject              *sender,
                            GVariant             *user_info)
{
  if (!observer_begin_call (self))
    return;

  /* A lazy payload, or an observer that takes a NotificationUserInfo:
   * out of line. */
  if (G_UNLIKELY (notification_payload_is_lazy (user_info) || observer_takes_user_info (self)))
    notification_user_info_call (self->callback, observer_takes_user_info (self),
                                 center, type, sender, user_info, self->user_data);
  else
    self->callback (center, type, sender, user_info, self->user_data);
  observer_end_call (self);
}

static void
observer_free (NotificationEbrNode *node)
{
  NotificationObserver *self = (NotificationObserver *) ((char *) node - G_STRUCT_OFFSET (NotificationObserver, ebr));

  if (notification_observer_is_ext (self))
    notification_observer_ext_unref ((NotificationObserverExt *) self);
  else
    notification_slab_free (self);
}

/*
 * notification_observer_mark_removed:
 * @self: an observer just unlinked from the index and the id table, with
 *   the registry lock held
 *
 * Stops new calls: once this returns, no call of @self starts, even from a
 * post that already stands on it (so a remove_observer() on another thread
 * that no longer finds it can return at once).
 *
 * Returns: `TRUE` if no call is running: the caller then runs the destroy
 *   notify, after releasing the lock; otherwise the last running call does
 */
gboolean
notification_observer_mark_removed (NotificationObserver *self)
{
  guint64 old = __atomic_fetch_or (&self->state, NOTIFICATION_OBSERVER_REMOVED, __ATOMIC_ACQ_REL);

  g_assert ((old & NOTIFICATION_OBSERVER_REMOVED) == 0);

  return (old & NOTIFICATION_OBSERVER_CALLS) == 0;
}

/*
 * notification_observer_finish_remove:
 * @self: an observer marked removed
 * @destroy: what notification_observer_mark_removed() returned
 *
 * Runs the destroy notify if it is ours, and frees the observer once no
 * reader can reach it. Call without the registry lock held: the destroy
 * notify is user code.
 */
void
notification_observer_finish_remove (NotificationObserver *self,
                                     gboolean              destroy)
{
  NotificationQueue *queue = notification_observer_get_queue (self);

  /* Released now, from whichever thread removes it. */
  if (queue != NULL)
    notification_queue_drop_calls (queue, (NotificationObserverExt *) self);

  if (destroy)
    observer_destroy (self);

  notification_ebr_retire (&self->ebr, observer_free);
}
