/* notification-queue.c: deliveries of one center on one main context
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "notification-observer-private.h"
#include "notification-queue-private.h"
#include "notification-user-info-private.h"

/* Calls made per dispatch: a worker that posts faster than the main
 * thread can follow must not keep it busy. */
#define DISPATCH_BATCH 64

enum
{
  ITEM_CALL,
  ITEM_DESTROY,
  ITEM_PLACEHOLDER,
};

/* The GSource of a queue, attached to its context. */
typedef struct
{
  GSource            source;
  NotificationQueue *queue;  /* (owned) */
} QueueSource;

struct _NotificationQueueItem
{
  NotificationQueueItem   *prev;           /* the queue's order */
  NotificationQueueItem   *next;
  NotificationQueueItem   *observer_prev;  /* the observer's calls */
  NotificationQueueItem   *observer_next;
  NotificationObserverExt *observer;       /* (owned) (nullable) NULL for a placeholder */
  guint                    kind;
  gboolean                 queued;         /* in the queue's list; queue lock */
  GObject                 *sender;         /* (owned) (nullable) */
  GVariant                *user_info;      /* (owned) (nullable) a payload */
  char                     type[];
};

/* The call running on this thread, and its observer's dropped count. */
static __thread NotificationCenter *current_center;
static __thread guint current_dropped;

/* The innermost post running on this thread. */
static __thread NotificationQueueBatch *current_batch;

NotificationCounter *
notification_counter_new (void)
{
  NotificationCounter *self = g_new0 (NotificationCounter, 1);

  self->ref_count = 1;
  return self;
}

NotificationCounter *
notification_counter_ref (NotificationCounter *self)
{
  __atomic_fetch_add (&self->ref_count, 1, __ATOMIC_SEQ_CST);
  return self;
}

void
notification_counter_unref (NotificationCounter *self)
{
  if (__atomic_sub_fetch (&self->ref_count, 1, __ATOMIC_SEQ_CST) == 0)
    g_free (self);
}

static NotificationQueueItem *
item_new_call (NotificationObserverExt *observer,
               const char              *type,
               GObject                 *sender,
               GVariant                *user_info)
{
  gsize type_size = strlen (type) + 1;
  NotificationQueueItem *item = g_malloc (sizeof (NotificationQueueItem) + type_size);

  item->prev = item->next = NULL;
  item->observer_prev = item->observer_next = NULL;
  item->observer = notification_observer_ext_ref (observer);
  item->kind = ITEM_CALL;
  item->queued = FALSE;
  item->sender = sender != NULL ? g_object_ref (sender) : NULL;
  item->user_info = notification_payload_ref (user_info);
  memcpy (item->type, type, type_size);

  return item;
}

static NotificationQueueItem *
item_new (NotificationObserverExt *observer,
          guint                    kind)
{
  NotificationQueueItem *item = g_new0 (NotificationQueueItem, 1);

  item->observer = observer != NULL ? notification_observer_ext_ref (observer) : NULL;
  item->kind = kind;

  return item;
}

/* Releases what the item holds: may run user code (a last unref). */
static void
item_free (NotificationQueueItem *item)
{
  g_clear_object (&item->sender);
  notification_payload_unref (item->user_info);
  item->user_info = NULL;
  if (item->observer != NULL)
    notification_observer_ext_unref (item->observer);
  g_free (item);
}

/* A list of items taken out of the queue under its lock, released after. */
static void
item_list_free (NotificationQueueItem *items)
{
  while (items != NULL)
    {
      NotificationQueueItem *next = items->next;

      if (items->kind == ITEM_DESTROY)
        notification_observer_run_destroy (&items->observer->base);
      item_free (items);
      items = next;
    }
}

/* Queue lock held. */
static void
queue_unlink_locked (NotificationQueue     *self,
                     NotificationQueueItem *item)
{
  notification_lock_assert_held (&self->lock);

  if (item->prev != NULL)
    item->prev->next = item->next;
  else
    self->head = item->next;
  if (item->next != NULL)
    item->next->prev = item->prev;
  else
    self->tail = item->prev;
  item->prev = item->next = NULL;
  item->queued = FALSE;

  if (item->kind == ITEM_CALL)
    {
      NotificationObserverExt *observer = item->observer;

      if (item->observer_prev != NULL)
        item->observer_prev->observer_next = item->observer_next;
      else
        observer->calls = item->observer_next;
      if (item->observer_next != NULL)
        item->observer_next->observer_prev = item->observer_prev;
      item->observer_prev = item->observer_next = NULL;
      self->n_calls--;
    }
}

/* Queue lock held. Inserts @item before @before, or at the tail. */
static void
queue_insert_locked (NotificationQueue     *self,
                     NotificationQueueItem *item,
                     NotificationQueueItem *before)
{
  notification_lock_assert_held (&self->lock);

  item->next = before;
  item->prev = before != NULL ? before->prev : self->tail;
  if (item->prev != NULL)
    item->prev->next = item;
  else
    self->head = item;
  if (before != NULL)
    before->prev = item;
  else
    self->tail = item;
  item->queued = TRUE;

  if (item->kind == ITEM_CALL)
    {
      NotificationObserverExt *observer = item->observer;

      item->observer_prev = NULL;
      item->observer_next = observer->calls;
      if (observer->calls != NULL)
        observer->calls->observer_prev = item;
      observer->calls = item;
      self->n_calls++;
    }
}

/* Queue lock held: wakes the context when something can be dispatched,
 * or when an orphaned queue is empty (its dispatch then removes it). */
static void
queue_arm_locked (NotificationQueue *self)
{
  notification_lock_assert_held (&self->lock);

  if (!self->armed && !self->dead &&
      ((self->head != NULL && self->head->kind != ITEM_PLACEHOLDER) ||
       (self->head == NULL && self->orphaned)))
    {
      self->armed = TRUE;
      g_source_set_ready_time (self->source, 0);
    }
}

static gboolean
queue_dispatch (GSource     *source,
                GSourceFunc  callback,
                gpointer     user_data)
{
  NotificationQueue *self = ((QueueSource *) source)->queue;
  NotificationCenter *center = g_weak_ref_get (&self->center);
  gboolean finished = FALSE;

  for (guint i = 0; i < DISPATCH_BATCH; i++)
    {
      NotificationQueueItem *item;
      guint dropped = 0;

      notification_lock (&self->lock);
      item = self->head;
      if (item == NULL || item->kind == ITEM_PLACEHOLDER)
        {
          self->armed = FALSE;
          g_source_set_ready_time (source, -1);
          finished = item == NULL && self->orphaned;
          notification_unlock (&self->lock);
          break;
        }
      queue_unlink_locked (self, item);
      if (item->kind == ITEM_CALL)
        {
          dropped = item->observer->n_dropped;
          item->observer->n_dropped = 0;
        }
      notification_unlock (&self->lock);

      if (item->kind == ITEM_DESTROY)
        {
          notification_observer_run_destroy (&item->observer->base);
        }
      else if (center != NULL)
        {
          NotificationCenter *outer_center = current_center;
          guint outer_dropped = current_dropped;

          current_center = center;
          current_dropped = dropped;
          notification_observer_call (&item->observer->base, center, item->type,
                                      item->sender, item->user_info);
          current_center = outer_center;
          current_dropped = outer_dropped;
        }
      item_free (item);
    }

  g_clear_object (&center);

  /* Nothing will be queued any more: leave the context. */
  return finished ? G_SOURCE_REMOVE : G_SOURCE_CONTINUE;
}

static void
queue_source_finalize (GSource *source)
{
  notification_queue_unref (((QueueSource *) source)->queue);
}

static GSourceFuncs queue_funcs = {
  NULL, NULL,
  queue_dispatch,
  queue_source_finalize,
  NULL, NULL,
};

/* Queue lock held. The owner's callback and data, which the caller now
 * owns: the queue will not call it. */
static NotificationQueueFunc
queue_take_func_locked (NotificationQueue *self,
                        gpointer          *data,
                        GDestroyNotify    *data_destroy)
{
  NotificationQueueFunc func;

  notification_lock_assert_held (&self->lock);

  func = self->func;
  *data = self->func_data;
  *data_destroy = self->func_data_destroy;
  self->func = NULL;
  self->func_data = NULL;
  self->func_data_destroy = NULL;

  return func;
}

/* The callback's destroy notify: the source was destroyed, by
 * g_source_destroy() or because its context is being finalized. Runs
 * once, on that thread, without GLib's context lock. */
static void
queue_destroyed (gpointer data)
{
  NotificationQueue *self = data;
  NotificationQueueItem *items;
  NotificationQueueFunc func;
  gpointer func_data;
  GDestroyNotify func_data_destroy;

  notification_lock (&self->lock);
  self->dead = TRUE;
  self->source = NULL;
  /* Placeholders belong to posts still running, on other threads: they
   * leave the list here, under the lock, and are never touched again. */
  items = NULL;
  for (NotificationQueueItem *item = self->tail, *prev; item != NULL; item = prev)
    {
      prev = item->prev;
      item->queued = FALSE;
      item->prev = NULL;
      if (item->kind == ITEM_PLACEHOLDER)
        {
          item->next = NULL;
          continue;
        }
      if (item->kind == ITEM_CALL)
        item->observer->calls = NULL;
      item->next = items;
      items = item;
    }
  self->head = self->tail = NULL;
  self->n_calls = 0;
  func = queue_take_func_locked (self, &func_data, &func_data_destroy);
  notification_unlock (&self->lock);

  item_list_free (items);

  if (func != NULL)
    func (self, func_data);
  if (func_data_destroy != NULL)
    func_data_destroy (func_data);
}

static gboolean
queue_never_called (gpointer data)
{
  g_assert_not_reached ();
  return G_SOURCE_REMOVE;
}

/*
 * notification_queue_new:
 * @context: the context to attach to; not referenced
 * @func: called when @context is finalized
 * @data: (transfer full): for @func, released with @data_destroy once
 *   @func has run or the queue was orphaned
 *
 * Returns: (transfer full): a queue attached to @context
 */
NotificationQueue *
notification_queue_new (GMainContext          *context,
                        NotificationCenter    *center,
                        NotificationCounter   *dropped,
                        NotificationQueueFunc  func,
                        gpointer               data,
                        GDestroyNotify         data_destroy)
{
  NotificationQueue *self = g_new0 (NotificationQueue, 1);
  GSource *source = g_source_new (&queue_funcs, sizeof (QueueSource));

  self->ref_count = 1;
  self->context = context;
  g_weak_ref_init (&self->center, center);
  self->dropped = notification_counter_ref (dropped);
  notification_lock_init (&self->lock);
  self->func = func;
  self->func_data = data;
  self->func_data_destroy = data_destroy;

  ((QueueSource *) source)->queue = notification_queue_ref (self);
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_static_name (source, "[notification] deliver");
  g_source_set_callback (source, queue_never_called, self, queue_destroyed);
  self->source = source;
  g_source_attach (source, context);
  /* The context holds it from now on (see notification-queue-private.h). */
  g_source_unref (source);

  return self;
}

NotificationQueue *
notification_queue_ref (NotificationQueue *self)
{
  __atomic_add_fetch (&self->ref_count, 1, __ATOMIC_RELAXED);

  return self;
}

void
notification_queue_unref (NotificationQueue *self)
{
  if (__atomic_sub_fetch (&self->ref_count, 1, __ATOMIC_ACQ_REL) != 0)
    return;

  g_assert (self->head == NULL);
  g_weak_ref_clear (&self->center);
  notification_counter_unref (self->dropped);
  notification_lock_clear (&self->lock);
  g_free (self);
}

/* The registry lets the queue go: it is shutting down, and the queue
 * has no observer left. What is queued still runs (destroy notifies);
 * then the source leaves its context. */
void
notification_queue_orphan (NotificationQueue *self)
{
  gpointer func_data;
  GDestroyNotify func_data_destroy;

  notification_lock (&self->lock);
  self->orphaned = TRUE;
  queue_take_func_locked (self, &func_data, &func_data_destroy);
  /* Empty: the dispatch this wakes removes the source. */
  queue_arm_locked (self);
  notification_unlock (&self->lock);

  /* Not the registry's last reference: it is the caller's. */
  if (func_data_destroy != NULL)
    func_data_destroy (func_data);
}

void
notification_queue_set_priority (NotificationQueue *self,
                                 int                priority)
{
  notification_lock (&self->lock);
  if (!self->dead)
    g_source_set_priority (self->source, priority);
  notification_unlock (&self->lock);
}

void
notification_queue_set_limit (NotificationQueue *self,
                              guint              max_calls)
{
  notification_lock (&self->lock);
  self->max_calls = max_calls;
  notification_unlock (&self->lock);
}

/* The observer was marked removed: its queued calls go, at once. */
void
notification_queue_drop_calls (NotificationQueue       *self,
                               NotificationObserverExt *observer)
{
  NotificationQueueItem *dropped = NULL;

  notification_lock (&self->lock);
  while (observer->calls != NULL)
    {
      NotificationQueueItem *item = observer->calls;

      queue_unlink_locked (self, item);
      item->next = dropped;
      dropped = item;
    }
  notification_unlock (&self->lock);

  item_list_free (dropped);
}

/* The destroy notify of @observer, to run on the context after its last
 * call; at once if the context is gone. */
void
notification_queue_push_destroy (NotificationQueue       *self,
                                 NotificationObserverExt *observer)
{
  NotificationQueueItem *item = item_new (observer, ITEM_DESTROY);
  gboolean dead;

  notification_lock (&self->lock);
  dead = self->dead;
  if (!dead)
    {
      queue_insert_locked (self, item, NULL);
      queue_arm_locked (self);
    }
  notification_unlock (&self->lock);

  if (dead)
    item_list_free (item);
}

guint
notification_queue_get_current_dropped (NotificationCenter *center)
{
  return current_center == center ? current_dropped : 0;
}

/* --- One post's calls --------------------------------------------------- */

void
notification_queue_batch_init (NotificationQueueBatch *batch)
{
  batch->outer = current_batch;
  batch->n_slots = 0;
  batch->slots = batch->inline_slots;
  current_batch = batch;
}

static NotificationQueueBatchSlot *
batch_slot (NotificationQueueBatch *batch,
            NotificationQueue      *queue)
{
  NotificationQueueBatchSlot *slot;

  for (guint i = 0; i < batch->n_slots; i++)
    if (batch->slots[i].queue == queue)
      return &batch->slots[i];

  if (batch->n_slots == G_N_ELEMENTS (batch->inline_slots) ||
      (batch->slots != batch->inline_slots && (batch->n_slots & (batch->n_slots - 1)) == 0))
    {
      guint size = MAX (batch->n_slots * 2, G_N_ELEMENTS (batch->inline_slots));

      if (batch->slots == batch->inline_slots)
        batch->slots = g_memdup2 (batch->inline_slots, sizeof batch->inline_slots);
      batch->slots = g_renew (NotificationQueueBatchSlot, batch->slots, size);
    }

  slot = &batch->slots[batch->n_slots++];
  slot->queue = queue;
  slot->first = slot->last = NULL;
  slot->placeholder = NULL;

  return slot;
}

void
notification_queue_batch_add (NotificationQueueBatch  *batch,
                              NotificationObserverExt *observer,
                              const char              *type,
                              GObject                 *sender,
                              GVariant                *user_info)
{
  NotificationQueueBatchSlot *slot = batch_slot (batch, observer->queue);
  NotificationQueueItem *item = item_new_call (observer, type, sender, user_info);

  if (slot->last != NULL)
    slot->last->next = item;
  else
    slot->first = item;
  slot->last = item;
}

/* Queue lock held. Whether @item comes after @placeholder in the queue. */
static gboolean
queue_item_follows (NotificationQueueItem *placeholder,
                    NotificationQueueItem *item)
{
  if (placeholder == NULL || !placeholder->queued)
    return FALSE;

  for (NotificationQueueItem *i = placeholder->next; i != NULL; i = i->next)
    if (i == item)
      return TRUE;

  return FALSE;
}

/* Queue lock held. Adds the slot's calls before its placeholder (or at
 * the tail); returns what has to be released after the lock: calls of
 * removed observers, calls over the limit, calls replaced by coalescing. */
static NotificationQueueItem *
batch_slot_flush_locked (NotificationQueueBatchSlot *slot)
{
  NotificationQueue *queue = slot->queue;
  NotificationQueueItem *released = NULL;
  NotificationQueueItem *item = slot->first;

  notification_lock_assert_held (&queue->lock);
  slot->first = slot->last = NULL;

  while (item != NULL)
    {
      NotificationQueueItem *next = item->next;
      NotificationObserverExt *observer = item->observer;

      item->next = NULL;
      if (queue->dead || notification_observer_is_removed (&observer->base))
        {
          item->next = released;
          released = item;
          item = next;
          continue;
        }

      if (observer->flags & NOTIFICATION_OBSERVER_COALESCE)
        {
          /* At most one queued call per type and sender: the newest. A
           * call after this post's placeholder belongs to a post nested in
           * it, which is newer: this one then goes. */
          NotificationQueueItem *old;

          for (old = observer->calls; old != NULL; old = old->observer_next)
            if (old->sender == item->sender && strcmp (old->type, item->type) == 0)
              break;

          if (old != NULL && queue_item_follows (slot->placeholder, old))
            {
              item->next = released;
              released = item;
              item = next;
              continue;
            }
          if (old != NULL)
            {
              queue_unlink_locked (queue, old);
              old->next = released;
              released = old;
            }
        }

      if (queue->max_calls != 0 && queue->n_calls >= queue->max_calls)
        {
          observer->n_dropped++;
          __atomic_add_fetch (&queue->dropped->value, 1, __ATOMIC_RELAXED);
          item->next = released;
          released = item;
        }
      else
        {
          queue_insert_locked (queue, item, slot->placeholder);
        }
      item = next;
    }

  return released;
}

/* Queue lock held. Before @batch adds to @queue: every post it is nested
 * in gets its place there first, outermost first, if it has none. */
static void
batch_reserve_outer_locked (NotificationQueueBatch *batch,
                            NotificationQueue      *queue)
{
  NotificationQueueBatch *outer = batch->outer;
  NotificationQueueBatchSlot *slot;

  notification_lock_assert_held (&queue->lock);
  if (outer == NULL || queue->dead)
    return;

  batch_reserve_outer_locked (outer, queue);
  slot = batch_slot (outer, queue);
  if (slot->placeholder == NULL)
    {
      slot->placeholder = item_new (NULL, ITEM_PLACEHOLDER);
      queue_insert_locked (queue, slot->placeholder, NULL);
    }
}

/* Before a synchronous call, which may post again: every queue this post
 * adds to gets its place. */
void
notification_queue_batch_reserve (NotificationQueueBatch *batch)
{
  for (guint i = 0; i < batch->n_slots; i++)
    {
      NotificationQueueBatchSlot *slot = &batch->slots[i];
      NotificationQueueItem *released;

      if (slot->first == NULL)
        continue;

      notification_lock (&slot->queue->lock);
      batch_reserve_outer_locked (batch, slot->queue);
      released = batch_slot_flush_locked (slot);
      if (slot->placeholder == NULL && !slot->queue->dead)
        {
          slot->placeholder = item_new (NULL, ITEM_PLACEHOLDER);
          queue_insert_locked (slot->queue, slot->placeholder, NULL);
        }
      queue_arm_locked (slot->queue);
      notification_unlock (&slot->queue->lock);

      item_list_free (released);
    }
}

void
notification_queue_batch_finish (NotificationQueueBatch *batch)
{
  for (guint i = 0; i < batch->n_slots; i++)
    {
      NotificationQueueBatchSlot *slot = &batch->slots[i];
      NotificationQueue *queue = slot->queue;
      NotificationQueueItem *released;
      NotificationQueueItem *placeholder = slot->placeholder;

      notification_lock (&queue->lock);
      if (slot->first != NULL)
        batch_reserve_outer_locked (batch, queue);
      released = batch_slot_flush_locked (slot);
      if (placeholder != NULL && placeholder->queued)
        queue_unlink_locked (queue, placeholder);
      /* An orphaned queue left empty is woken to leave (see dispatch). */
      queue_arm_locked (queue);
      notification_unlock (&queue->lock);

      if (placeholder != NULL)
        item_free (placeholder);
      item_list_free (released);
    }

  if (batch->slots != batch->inline_slots)
    g_free (batch->slots);
  current_batch = batch->outer;
}
