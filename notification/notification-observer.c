/* notification-observer.c: one registered observer
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "notification-observer-private.h"

/* Calls made per dispatch of a context observer's source: a worker that
 * posts faster than the main thread can follow must not keep it busy. */
#define DELIVERY_BATCH 64

/* Seven words: a slab cell with no rounding (see the memory figures in
 * doc/performance.md). */
G_STATIC_ASSERT (sizeof (NotificationObserver) == 7 * sizeof (gpointer));

typedef struct
{
  char     *type;       /* (owned) */
  GObject  *sender;     /* (owned) (nullable) */
  GVariant *user_info;  /* (owned) (nullable) */
} Delivery;

static void
delivery_free (gpointer data)
{
  Delivery *delivery = data;

  g_free (delivery->type);
  g_clear_object (&delivery->sender);
  g_clear_pointer (&delivery->user_info, g_variant_unref);
  g_free (delivery);
}

static NotificationObserverExt *
observer_ext_ref (NotificationObserverExt *self)
{
  g_atomic_int_inc (&self->ref_count);

  return self;
}

static void
observer_ext_unref (NotificationObserverExt *self)
{
  if (!g_atomic_int_dec_and_test (&self->ref_count))
    return;

  g_queue_clear_full (&self->queue, delivery_free);
  notification_lock_clear (&self->queue_lock);
  g_weak_ref_clear (&self->center);
  g_clear_pointer (&self->context, g_main_context_unref);
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

/* An observer tied to an owner or called on a main context. */
NotificationObserver *
notification_observer_new_ext (guint64               seq,
                               GMainContext         *context,
                               NotificationCenter   *center,
                               NotificationCallback  callback,
                               gpointer              user_data,
                               GDestroyNotify        destroy)
{
  NotificationObserverExt *ext = g_new0 (NotificationObserverExt, 1);
  NotificationObserver *self = &ext->base;

  ext->ref_count = 1;
  if (context != NULL)
    {
      ext->context = g_main_context_ref (context);
      g_weak_ref_init (&ext->center, center);
    }
  notification_lock_init (&ext->queue_lock);
  g_queue_init (&ext->queue);

  self->state = (seq << NOTIFICATION_OBSERVER_SEQ_SHIFT) | NOTIFICATION_OBSERVER_EXT;
  self->callback = callback;
  self->user_data = user_data;
  self->destroy = destroy;

  return self;
}

static void
observer_destroy (NotificationObserver *self)
{
  if (self->destroy != NULL)
    self->destroy (self->user_data);
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

static void
observer_call (NotificationObserver *self,
               NotificationCenter   *center,
               const char           *type,
               GObject              *sender,
               GVariant             *user_info)
{
  if (!observer_begin_call (self))
    return;

  self->callback (center, type, sender, user_info, self->user_data);
  observer_end_call (self);
}

static gboolean
observer_deliver_cb (gpointer data)
{
  NotificationObserverExt *self = data;
  NotificationCenter *center = g_weak_ref_get (&self->center);
  gboolean more = TRUE;

  for (guint i = 0; more && i < DELIVERY_BATCH; i++)
    {
      Delivery *delivery;

      notification_lock (&self->queue_lock);
      delivery = g_queue_pop_head (&self->queue);
      if (delivery == NULL)
        more = self->scheduled = FALSE;
      notification_unlock (&self->queue_lock);

      if (delivery == NULL)
        break;

      if (center != NULL)
        observer_call (&self->base, center, delivery->type,
                       delivery->sender, delivery->user_info);
      delivery_free (delivery);
    }

  g_clear_object (&center);

  return more ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

/* Calls the observer for one post: right here, or through its context. */
void
notification_observer_notify (NotificationObserver *self,
                              NotificationCenter   *center,
                              const char           *type,
                              GObject              *sender,
                              GVariant             *user_info)
{
  NotificationObserverExt *ext = (NotificationObserverExt *) self;
  Delivery *delivery;

  if (!notification_observer_is_ext (self) || ext->context == NULL)
    {
      observer_call (self, center, type, sender, user_info);
      return;
    }

  if (__atomic_load_n (&self->state, __ATOMIC_ACQUIRE) & NOTIFICATION_OBSERVER_REMOVED)
    return;

  delivery = g_new (Delivery, 1);
  delivery->type = g_strdup (type);
  delivery->sender = sender != NULL ? g_object_ref (sender) : NULL;
  delivery->user_info = user_info != NULL ? g_variant_ref (user_info) : NULL;

  notification_lock (&ext->queue_lock);
  g_queue_push_tail (&ext->queue, delivery);
  if (!ext->scheduled)
    {
      GSource *source = g_idle_source_new ();

      ext->scheduled = TRUE;
      /* Below GTK's redraw and input: the frontend stays responsive. */
      g_source_set_priority (source, G_PRIORITY_DEFAULT_IDLE);
      g_source_set_static_name (source, "[notification] deliver");
      g_source_set_callback (source, observer_deliver_cb, observer_ext_ref (ext),
                             (GDestroyNotify) observer_ext_unref);
      g_source_attach (source, ext->context);
      g_source_unref (source);
    }
  notification_unlock (&ext->queue_lock);
}

static void
observer_free (NotificationEbrNode *node)
{
  NotificationObserver *self = (NotificationObserver *) ((char *) node - G_STRUCT_OFFSET (NotificationObserver, ebr));

  if (notification_observer_is_ext (self))
    observer_ext_unref ((NotificationObserverExt *) self);
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
  if (destroy)
    observer_destroy (self);

  notification_ebr_retire (&self->ebr, observer_free);
}
