/* notification-registry.c: the observer engine of a center
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "notification-ebr-private.h"
#include "notification-id-table-private.h"
#include "notification-index-private.h"
#include "notification-interest-private.h"
#include "notification-observer-list-private.h"
#include "notification-observer-private.h"
#include "notification-pending-private.h"
#include "notification-queue-private.h"
#include "notification-registry-private.h"
#include "notification-watch-private.h"

#define KEY_KIND(type, sender) NOTIFICATION_REGISTRY_KEY_KIND (type, sender)

/* Counters read by posting threads without the lock and written only
 * under it: a relaxed load (the lock orders the writers) and a release
 * store, no locked instruction. */
#define COUNTER_ADD(counter, delta) \
  __atomic_store_n (&(counter), __atomic_load_n (&(counter), __ATOMIC_RELAXED) + (delta), __ATOMIC_RELEASE)

/* Entries without observers kept for reuse, at most. */
#define MAX_EMPTY_ENTRIES 64

/* Slab ids: where gulong has 64 bits, unless built with -Dslab_ids=false
 * (NOTIFICATION_SLAB_IDS, config.h), a plain observer's id is the low 32
 * bits of its sequence number (high half) and its slab cell + 1 (low
 * half): removal by id finds the cell, with no table. Other observers
 * have a low half of 0 and sit in the id table. Without slab ids every
 * observer sits in the id table, and its id is its sequence number. */
#if GLIB_SIZEOF_LONG >= 8 && NOTIFICATION_SLAB_IDS
# define SLAB_IDS 1
# define ID_CELL(id) ((guint32) ((id) & G_MAXUINT32))
# define ID_SEQ(id)  ((guint32) ((id) >> 32))
# define MAKE_ID(seq, cell_plus_one) (((gulong) ((seq) & G_MAXUINT32) << 32) | (cell_plus_one))
#else
# define SLAB_IDS 0
#endif

NotificationRegistry *
notification_registry_new (void)
{
  NotificationRegistry *self = g_new0 (NotificationRegistry, 1);

  self->ref_count = 1;
  notification_lock_init (&self->lock);
  self->index = notification_index_new (&self->lock);
  self->schemas = notification_index_new (&self->lock);
  notification_id_table_init (&self->ext_observers);
  self->slab = notification_slab_new (sizeof (NotificationObserver), &self->lock);
  self->watches = g_hash_table_new (NULL, NULL);
  self->queues = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) notification_queue_unref);
  self->dropped = notification_counter_new ();

  return self;
}

NotificationRegistry *
notification_registry_ref (NotificationRegistry *self)
{
  __atomic_fetch_add (&self->ref_count, 1, __ATOMIC_SEQ_CST);

  return self;
}

void
notification_registry_unref (NotificationRegistry *self)
{
  if (__atomic_sub_fetch (&self->ref_count, 1, __ATOMIC_SEQ_CST) != 0)
    return;

  g_assert (self->ext_observers.len == 0);
  g_assert (g_hash_table_size (self->watches) == 0);
  g_assert (g_hash_table_size (self->queues) == 0);

  notification_index_free (self->index);
  notification_index_free (self->schemas);
  notification_id_table_clear (&self->ext_observers);
  notification_slab_unref (self->slab);
  g_hash_table_unref (self->watches);
  g_hash_table_unref (self->queues);
  notification_counter_unref (self->dropped);
  notification_interest_hub_free (self->interest);
  notification_lock_clear (&self->lock);
  g_free (self);
}

static void registry_watch_vanished (NotificationWatch *watch,
                                     gpointer           data);

/* The watch of @object, made on first use. Lock held. It stays, empty or
 * not, until @object is disposed (see notification-watch-private.h). */
static NotificationWatch *
registry_watch_locked (NotificationRegistry *self,
                       GObject              *object)
{
  NotificationWatch *watch;

  notification_lock_assert_held (&self->lock);

  watch = g_hash_table_lookup (self->watches, object);
  if (watch == NULL)
    {
      watch = notification_watch_new (object, registry_watch_vanished,
                                      notification_registry_ref (self),
                                      (GDestroyNotify) notification_registry_unref);
      g_hash_table_insert (self->watches, object, watch);
    }

  return watch;
}

static void registry_queue_vanished (NotificationQueue *queue,
                                     gpointer           data);

/* The queue of @context, made on first use. Lock held. It stays until
 * @context is finalized or the registry shuts down. */
static NotificationQueue *
registry_queue_locked (NotificationRegistry *self,
                       NotificationCenter   *center,
                       GMainContext         *context)
{
  NotificationQueue *queue;

  notification_lock_assert_held (&self->lock);

  queue = g_hash_table_lookup (self->queues, context);
  if (queue == NULL && !self->shut_down)
    {
      queue = notification_queue_new (context, center, self->dropped,
                                      registry_queue_vanished,
                                      notification_registry_ref (self),
                                      (GDestroyNotify) notification_registry_unref);
      g_hash_table_insert (self->queues, context, queue);
    }

  return queue;
}

/* Lock held. Counts a list of @kind in or out; posts read which kinds
 * have lists at all (key_kinds), not the counts. */
static void
registry_count_key_locked (NotificationRegistry *self,
                           guint                 kind,
                           int                   delta)
{
  guint kinds = __atomic_load_n (&self->key_kinds, __ATOMIC_RELAXED);

  notification_lock_assert_held (&self->lock);

  self->n_keys[kind] += delta;
  kinds = self->n_keys[kind] != 0 ? kinds | (1u << kind) : kinds & ~(1u << kind);
  __atomic_store_n (&self->key_kinds, kinds, __ATOMIC_RELEASE);
}

/* Lock held. Takes @list, which has no observer left, out of the index
 * and its sender's watch, and retires it. */
static void
registry_drop_list_locked (NotificationRegistry     *self,
                           NotificationObserverList *list)
{
  gconstpointer sender = notification_observer_list_get_sender (list);

  notification_lock_assert_held (&self->lock);

  notification_index_remove (self->index, &list->key);
  registry_count_key_locked (self, KEY_KIND (notification_observer_list_get_type (list), sender), -1);

  if (sender != NULL)
    notification_watch_remove_list (g_hash_table_lookup (self->watches, sender), list);

  notification_observer_list_retire (list);
}

/* Lock held. */
static void
registry_link_queued_locked (NotificationRegistry    *self,
                             NotificationObserverExt *ext)
{
  NotificationQueue *queue = ext->queue;

  notification_lock_assert_held (&self->lock);

  ext->queue_prev = NULL;
  ext->queue_next = queue->observers;
  if (queue->observers != NULL)
    queue->observers->queue_prev = ext;
  queue->observers = ext;
}

/* Lock held. */
static void
registry_unlink_queued_locked (NotificationRegistry    *self,
                               NotificationObserverExt *ext)
{
  notification_lock_assert_held (&self->lock);

  if (ext->queue_prev != NULL)
    ext->queue_prev->queue_next = ext->queue_next;
  else
    ext->queue->observers = ext->queue_next;
  if (ext->queue_next != NULL)
    ext->queue_next->queue_prev = ext->queue_prev;
  ext->queue_prev = ext->queue_next = NULL;
}

/* Lock held. Takes @observer out of the index, its entry's list, its
 * owner's watch and the id table, and marks it removed; its destroy
 * notify and its memory wait in @pending for the lock to be released. */
static void
registry_unlink_observer_locked (NotificationRegistry *self,
                                 NotificationObserver *observer,
                                 NotificationPending  *pending)
{
  NotificationObserverList *list;

  notification_lock_assert_held (&self->lock);

  list = observer->list;
  if (notification_observer_is_reported (observer) && --list->n_reported == 0 &&
      G_UNLIKELY (notification_interest_watched (self)))
    notification_interest_changed_locked (self, list, FALSE);
  notification_observer_list_unlink (list, observer);

  /* A few emptied lists of every sender stay, so that observing a type
   * again (add, remove, add…) allocates and copies nothing. */
  if (notification_observer_list_is_empty (list))
    {
      if (notification_observer_list_get_sender (list) == NULL && self->n_empty_entries < MAX_EMPTY_ENTRIES)
        self->n_empty_entries++;
      else
        registry_drop_list_locked (self, list);
    }

  if (notification_observer_is_ext (observer))
    {
      NotificationObserverExt *ext = (NotificationObserverExt *) observer;
      NotificationWatch *watch = ext->owner_watch;

      if (watch != NULL)
        notification_watch_unlink_owned (watch, ext);
      if (ext->queue != NULL)
        registry_unlink_queued_locked (self, ext);
    }

  if (notification_observer_is_ext (observer))
    notification_id_table_remove (&self->ext_observers, (NotificationObserverExt *) observer);
  COUNTER_ADD (self->n_observers, -1);
  notification_pending_remove_observer (&self->lock, pending, observer);
}

/* Lock held. An observer on the heap, in the id table under @id: one with
 * an owner, a context or flags, or any observer without slab ids. */
static NotificationObserver *
registry_new_ext_locked (NotificationRegistry *self,
                         NotificationCenter   *center,
                         guint64               seq,
                         GMainContext         *context,
                         guint                 flags,
                         NotificationCallback  callback,
                         gpointer              user_data,
                         GDestroyNotify        destroy,
                         gulong                id)
{
  NotificationQueue *queue;
  NotificationObserverExt *ext;

  notification_lock_assert_held (&self->lock);

  queue = context != NULL ? registry_queue_locked (self, center, context) : NULL;
  ext = (NotificationObserverExt *) notification_observer_new_ext (seq, queue, flags, callback,
                                                                   user_data, destroy);
  if (queue != NULL)
    registry_link_queued_locked (self, ext);
  ext->id = id;
  notification_id_table_add (&self->ext_observers, ext);

  return &ext->base;
}

#if SLAB_IDS
/* Lock held. A plain observer (no owner, no context, no flags) is a slab
 * cell, which its id names; any other goes to the id table. */
static NotificationObserver *
registry_new_observer_locked (NotificationRegistry *self,
                              NotificationCenter   *center,
                              guint64               seq,
                              GObject              *owner,
                              GMainContext         *context,
                              guint                 flags,
                              NotificationCallback  callback,
                              gpointer              user_data,
                              GDestroyNotify        destroy,
                              gulong               *id)
{
  NotificationObserver *observer;
  guint32 cell;

  notification_lock_assert_held (&self->lock);

  if (owner != NULL || context != NULL || flags != 0)
    {
      *id = MAKE_ID (seq, 0);
      return registry_new_ext_locked (self, center, seq, context, flags,
                                      callback, user_data, destroy, *id);
    }

  observer = notification_observer_new (self->slab, seq, callback, user_data, destroy, &cell);
  *id = MAKE_ID (seq, cell + 1);

  return observer;
}
#else
/* Lock held. Every observer goes to the id table, its sequence number
 * (where gulong has 32 bits, the low half of it) as its id. */
static NotificationObserver *
registry_new_observer_locked (NotificationRegistry *self,
                              NotificationCenter   *center,
                              guint64               seq,
                              GObject              *owner,
                              GMainContext         *context,
                              guint                 flags,
                              NotificationCallback  callback,
                              gpointer              user_data,
                              GDestroyNotify        destroy,
                              gulong               *id)
{
  notification_lock_assert_held (&self->lock);

  *id = (gulong) seq;

  return registry_new_ext_locked (self, center, seq, context, flags,
                                  callback, user_data, destroy, *id);
}
#endif

gulong
notification_registry_add (NotificationRegistry *self,
                           NotificationCenter   *center,
                           const char           *type,
                           GObject              *sender,
                           GObject              *owner,
                           GMainContext         *context,
                           guint                 flags,
                           NotificationCallback  callback,
                           gpointer              user_data,
                           GDestroyNotify        destroy)
{
  NotificationIndexKey *key;
  NotificationObserverList *list;
  NotificationObserver *observer;
  guint64 seq;
  gulong id;

  notification_lock (&self->lock);

  /* Ids are never 0: neither are the low 32 bits of a sequence number. */
  seq = (__atomic_load_n (&self->last_seq, __ATOMIC_RELAXED) + 1) & NOTIFICATION_OBSERVER_SEQ_MASK;
  if ((seq & G_MAXUINT32) == 0)
    seq++;

  observer = registry_new_observer_locked (self, center, seq, owner, context, flags,
                                          callback, user_data, destroy, &id);

  key = notification_index_lookup (self->index,
                                   notification_index_hash (notification_index_hash_type (type), sender),
                                   type, sender);
  if (key == NULL)
    {
      list = notification_observer_list_new (type, sender);
      notification_index_insert (self->index, &list->key);
      if (sender != NULL)
        notification_watch_add_list (registry_watch_locked (self, sender), list);
      registry_count_key_locked (self, KEY_KIND (type, sender), 1);
    }
  else
    {
      list = notification_observer_list_from_key (key);
      if (notification_observer_list_is_empty (list))
        self->n_empty_entries--;
    }

  notification_observer_list_append (list, observer);
  if (notification_observer_is_reported (observer) && list->n_reported++ == 0 &&
      G_UNLIKELY (notification_interest_watched (self)))
    notification_interest_changed_locked (self, list, TRUE);

  if (owner != NULL)
    notification_watch_link_owned (registry_watch_locked (self, owner),
                                   (NotificationObserverExt *) observer);

  COUNTER_ADD (self->n_observers, 1);
  __atomic_store_n (&self->last_seq, seq, __ATOMIC_RELEASE);

  notification_unlock (&self->lock);

  notification_ebr_reclaim ();

  return id;
}

#if SLAB_IDS
/* Slab lock held: whether @cell holds the live plain observer of @id. */
static gboolean
observer_cell_matches (gconstpointer cell,
                       gconstpointer data)
{
  const NotificationObserver *observer = cell;
  gulong id = *(const gulong *) data;
  guint64 state = __atomic_load_n (&observer->state, __ATOMIC_RELAXED);

  return observer->callback != NULL &&
         (guint32) (state >> NOTIFICATION_OBSERVER_SEQ_SHIFT) == ID_SEQ (id) &&
         (state & (NOTIFICATION_OBSERVER_REMOVED | NOTIFICATION_OBSERVER_EXT)) == 0;
}

/* Lock held. The observer of @id, or NULL if it is gone already: a plain
 * one from the slab cell its id names, any other from the id table. */
static NotificationObserver *
registry_lookup_locked (NotificationRegistry *self,
                        gulong                id)
{
  notification_lock_assert_held (&self->lock);

  if (ID_CELL (id) != 0)
    return notification_slab_lookup (self->slab, ID_CELL (id) - 1, observer_cell_matches, &id);

  return (NotificationObserver *) notification_id_table_lookup (&self->ext_observers, id);
}
#else
/* Lock held. The observer of @id, or NULL if it is gone already. */
static NotificationObserver *
registry_lookup_locked (NotificationRegistry *self,
                        gulong                id)
{
  notification_lock_assert_held (&self->lock);

  return (NotificationObserver *) notification_id_table_lookup (&self->ext_observers, id);
}
#endif

void
notification_registry_remove (NotificationRegistry *self,
                              gulong                id)
{
  NotificationPending pending;
  NotificationObserver *observer;

  notification_pending_init (&pending);
  notification_lock (&self->lock);
  notification_slab_drain (self->slab);
  observer = registry_lookup_locked (self, id);
  if (observer != NULL)
    registry_unlink_observer_locked (self, observer, &pending);
  notification_unlock (&self->lock);

  notification_pending_finish (&pending);
}

/* Lock held. Empties the registry at once: the whole index goes to EBR. */
static void
registry_clear_locked (NotificationRegistry *self,
                       NotificationPending  *pending)
{
  GPtrArray *keys;

  notification_lock_assert_held (&self->lock);

  /* Every observer is on exactly one list. The lists stay as they are
   * for the readers still on them. */
  keys = notification_index_steal_all (self->index);
  for (guint i = 0; i < keys->len; i++)
    {
      NotificationObserverList *list = notification_observer_list_from_key (g_ptr_array_index (keys, i));
      NotificationObserver *head = __atomic_load_n (&list->head, __ATOMIC_RELAXED);
      gconstpointer sender = notification_observer_list_get_sender (list);

      if (G_UNLIKELY (notification_interest_watched (self)) && list->n_reported != 0)
        notification_interest_changed_locked (self, list, FALSE);
      list->n_reported = 0;
      for (NotificationObserver *observer = head, *next; observer != NULL; observer = next)
        {
          next = __atomic_load_n (&observer->next, __ATOMIC_RELAXED);
          if (notification_observer_is_ext (observer))
            {
              NotificationObserverExt *ext = (NotificationObserverExt *) observer;

              if (ext->owner_watch != NULL)
                notification_watch_unlink_owned (ext->owner_watch, ext);
              if (ext->queue != NULL)
                registry_unlink_queued_locked (self, ext);
            }
          notification_pending_remove_observer (&self->lock, pending, observer);
        }

      if (sender != NULL)
        notification_watch_remove_list (g_hash_table_lookup (self->watches, sender), list);
      notification_observer_list_retire (list);
    }
  g_ptr_array_unref (keys);
  for (guint i = 0; i < G_N_ELEMENTS (self->n_keys); i++)
    self->n_keys[i] = 0;
  __atomic_store_n (&self->key_kinds, 0, __ATOMIC_RELEASE);
  self->n_empty_entries = 0;

  notification_id_table_clear (&self->ext_observers);
  notification_id_table_init (&self->ext_observers);
  __atomic_store_n (&self->n_observers, 0, __ATOMIC_RELEASE);
}

void
notification_registry_remove_all (NotificationRegistry *self)
{
  NotificationPending pending;

  /* Schemas stay: they describe the types, not the observers. */
  notification_pending_init (&pending);
  notification_lock (&self->lock);
  registry_clear_locked (self, &pending);
  notification_unlock (&self->lock);

  notification_pending_finish (&pending);
}

/*
 * notification_registry_shutdown:
 *
 * Called when the center is finalized: removes every observer (running
 * the destroy notifies) and the schemas. The watches stop being the
 * registry's: each stays on its object, without the registry, until
 * the object is disposed (see notification-watch-private.h).
 */
void
notification_registry_shutdown (NotificationRegistry *self)
{
  NotificationPending pending;
  GPtrArray *schemas;
  GPtrArray *queues;
  GHashTableIter iter;
  gpointer queue;
  gpointer watch;

  notification_interest_shutdown (self);
  notification_pending_init (&pending);
  notification_lock (&self->lock);
  self->shut_down = TRUE;
  registry_clear_locked (self, &pending);
  /* The watches stay on their objects until those are disposed, but no
   * longer hold the registry (its memory goes with the center). */
  g_hash_table_iter_init (&iter, self->watches);
  while (g_hash_table_iter_next (&iter, NULL, &watch))
    {
      NotificationRegistry *held = notification_watch_steal_data (watch);

      /* Not the last reference: the center's is. */
      if (held != NULL)
        notification_registry_unref (held);
    }
  g_hash_table_remove_all (self->watches);
  queues = g_ptr_array_new_with_free_func ((GDestroyNotify) notification_queue_unref);
  g_hash_table_iter_init (&iter, self->queues);
  while (g_hash_table_iter_next (&iter, NULL, &queue))
    {
      g_ptr_array_add (queues, queue);
      g_hash_table_iter_steal (&iter);
    }
  schemas = notification_index_steal_all (self->schemas);
  __atomic_store_n (&self->n_schemas, 0, __ATOMIC_RELEASE);
  notification_unlock (&self->lock);

  notification_registry_retire_schemas (schemas);
  g_ptr_array_unref (schemas);
  notification_pending_finish (&pending);

  /* After the destroy notifies were queued: they run on their contexts,
   * then each queue leaves its context. */
  for (guint i = 0; i < queues->len; i++)
    notification_queue_orphan (g_ptr_array_index (queues, i));
  g_ptr_array_unref (queues);

  /* Free what this center retired without waiting for other retirements. */
  notification_ebr_collect ();
}

/*
 * registry_watch_vanished:
 *
 * A watched sender or owner is being disposed: removes every observer of
 * that sender and every observer tied to that owner, so that a new object
 * at the same address starts clean. The watch is the registry's only if
 * its table still holds it: after the registry shut down, or when a
 * disposed object was observed again (a new watch), it holds nothing.
 */
static void
registry_watch_vanished (NotificationWatch *watch,
                         gpointer           data)
{
  NotificationRegistry *self = data;
  NotificationPending pending;

  notification_pending_init (&pending);
  notification_lock (&self->lock);
  if (g_hash_table_lookup (self->watches, watch->object) == watch)
    {
      NotificationObserverList *list;

      /* Each list goes when its last observer does (lists of a sender are
       * never kept empty), through the table: the watch leaves it after. */
      while ((list = notification_watch_peek_list (watch)) != NULL)
        registry_unlink_observer_locked (self, __atomic_load_n (&list->head, __ATOMIC_RELAXED),
                                         &pending);
      while (watch->owned != NULL)
        registry_unlink_observer_locked (self, &watch->owned->base, &pending);
      g_hash_table_remove (self->watches, watch->object);
    }
  g_assert (notification_watch_is_empty (watch));
  if (self->interest != NULL)
    notification_interest_sender_disposing_locked (self, watch->object);
  notification_unlock (&self->lock);

  notification_pending_finish (&pending);
}

/*
 * registry_queue_vanished:
 *
 * The context of @queue is being finalized: its observers can never be
 * called again, so they are removed (their destroy notifies run now, on
 * this thread: the queue is dead), and the queue leaves the table before
 * a new context can get the same address.
 */
static void
registry_queue_vanished (NotificationQueue *queue,
                         gpointer           data)
{
  NotificationRegistry *self = data;
  NotificationQueue *stolen = NULL;
  NotificationPending pending;

  notification_pending_init (&pending);
  notification_lock (&self->lock);
  if (g_hash_table_lookup (self->queues, queue->context) == queue)
    {
      g_hash_table_steal (self->queues, queue->context);
      stolen = queue;
    }
  while (queue->observers != NULL)
    registry_unlink_observer_locked (self, &queue->observers->base, &pending);
  notification_unlock (&self->lock);

  notification_pending_finish (&pending);
  if (stolen != NULL)
    notification_queue_unref (stolen);
}

void
notification_registry_set_queue_limit (NotificationRegistry *self,
                                       NotificationCenter   *center,
                                       GMainContext         *context,
                                       guint                 max_calls)
{
  NotificationQueue *queue;

  notification_lock (&self->lock);
  queue = registry_queue_locked (self, center, context);
  if (queue != NULL)
    notification_queue_set_limit (queue, max_calls);
  notification_unlock (&self->lock);
}

void
notification_registry_set_queue_priority (NotificationRegistry *self,
                                          NotificationCenter   *center,
                                          GMainContext         *context,
                                          int                   priority)
{
  NotificationQueue *queue;

  notification_lock (&self->lock);
  queue = registry_queue_locked (self, center, context);
  if (queue != NULL)
    queue = notification_queue_ref (queue);
  notification_unlock (&self->lock);

  /* GLib's context lock is taken after ours, never under the registry's. */
  if (queue != NULL)
    {
      notification_queue_set_priority (queue, priority);
      notification_queue_unref (queue);
    }
}

guint64
notification_registry_get_n_dropped (NotificationRegistry *self)
{
  return __atomic_load_n (&self->dropped->value, __ATOMIC_RELAXED);
}

guint
notification_registry_get_n_observers (NotificationRegistry *self)
{
  return __atomic_load_n (&self->n_observers, __ATOMIC_ACQUIRE);
}

typedef struct
{
  gboolean              match_func;
  NotificationCallback  callback;
  gpointer              user_data;
  GPtrArray            *found;
} Matching;

static void
collect_matching_cb (NotificationIndexKey *key,
                     gpointer              data)
{
  Matching *m = data;
  NotificationObserverList *list = notification_observer_list_from_key (key);

  for (NotificationObserver *observer = __atomic_load_n (&list->head, __ATOMIC_RELAXED);
       observer != NULL;
       observer = __atomic_load_n (&observer->next, __ATOMIC_RELAXED))
    if ((!m->match_func || observer->callback == m->callback) && observer->user_data == m->user_data)
      g_ptr_array_add (m->found, observer);
}

/*
 * notification_registry_remove_matching:
 * @match_func: whether to compare callbacks
 *
 * Removes, as notification_registry_remove() would, every observer whose
 * callback is @callback (if @match_func) and whose user data is
 * @user_data. The matches are collected first, then unlinked: unlinking
 * may drop an entry from the index, never an observer still to unlink.
 *
 * Returns: how many observers were removed
 */
guint
notification_registry_remove_matching (NotificationRegistry *self,
                                       gboolean              match_func,
                                       NotificationCallback  callback,
                                       gpointer              user_data)
{
  Matching m = { match_func, callback, user_data, g_ptr_array_new () };
  NotificationPending pending;
  guint n_found;

  notification_pending_init (&pending);

  notification_lock (&self->lock);
  notification_index_foreach (self->index, collect_matching_cb, &m);
  for (guint i = 0; i < m.found->len; i++)
    registry_unlink_observer_locked (self, g_ptr_array_index (m.found, i), &pending);
  notification_unlock (&self->lock);

  n_found = m.found->len;
  g_ptr_array_unref (m.found);
  notification_pending_finish (&pending);

  return n_found;
}
