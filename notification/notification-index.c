/* notification-index.c: the center's lock-free readable index
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "notification-index-private.h"

#define MIN_SLOTS 16
/* Marks the slot of a removed entry: probes go on past it. */
NotificationIndexEntry _notification_index_tombstone;
#define TOMBSTONE (&_notification_index_tombstone)

/* The writers' loads of the fields that readers load without the lock:
 * relaxed, the registry lock orders the writers. */
static inline NotificationIndexTable *
index_table (NotificationIndex *self)
{
  return __atomic_load_n (&self->table, __ATOMIC_RELAXED);
}

static inline NotificationIndexEntry *
slot_entry (NotificationIndexSlot *slot)
{
  return __atomic_load_n (&slot->entry, __ATOMIC_RELAXED);
}

static NotificationIndexTable *
table_new (gsize n_slots)
{
  NotificationIndexTable *table = g_malloc0 (sizeof (NotificationIndexTable) + n_slots * sizeof (NotificationIndexSlot));

  table->mask = n_slots - 1;

  return table;
}

static void
table_free (NotificationEbrNode *node)
{
  g_free (node);
}

/* @lock: the registry lock, which writers hold */
NotificationIndex *
notification_index_new (NotificationLock *lock)
{
  NotificationIndex *self = g_new0 (NotificationIndex, 1);

  self->table = table_new (MIN_SLOTS);
  self->lock = lock;

  return self;
}

/* Frees the index itself; its entries must have been stolen first. */
void
notification_index_free (NotificationIndex *self)
{
  g_assert (self->n_live == 0);

  notification_ebr_retire (&index_table (self)->ebr, table_free);
  g_free (self);
}

static inline gboolean
slot_is_free (NotificationIndexSlot *slot)
{
  NotificationIndexEntry *entry = slot_entry (slot);

  return entry == NULL || entry == TOMBSTONE;
}

/* Returns whether the slot was never used (not a tombstone). */
static gboolean
table_place (NotificationIndexTable                  *table,
             NotificationIndexEntry *entry)
{
  gsize i = entry->hash & table->mask;
  gboolean was_empty;

  while (!slot_is_free (&table->slots[i]))
    i = (i + 1) & table->mask;

  was_empty = slot_entry (&table->slots[i]) == NULL;
  __atomic_store_n (&table->slots[i].hash, entry->hash, __ATOMIC_RELAXED);
  __atomic_store_n (&table->slots[i].entry, entry, __ATOMIC_RELEASE);

  return was_empty;
}

/* Rebuilds the table so that it has room for one more entry, dropping the
 * tombstones. Readers keep using the old table until they reload it. */
static void
index_rebuild (NotificationIndex *self)
{
  NotificationIndexTable *old = index_table (self);
  gsize n_slots = MIN_SLOTS;
  NotificationIndexTable *table;

  while (n_slots < (self->n_live + 1) * 4)
    n_slots *= 2;

  table = table_new (n_slots);
  for (gsize i = 0; i <= old->mask; i++)
    if (!slot_is_free (&old->slots[i]))
      table_place (table, slot_entry (&old->slots[i]));

  __atomic_store_n (&self->table, table, __ATOMIC_RELEASE);
  self->n_used = self->n_live;
  notification_ebr_retire (&old->ebr, table_free);
}

/* A new entry, not in any index yet: fill it, then publish it with
 * notification_index_insert() or notification_index_replace(). */
NotificationIndexEntry *
notification_index_entry_new (const char    *type,
                              gconstpointer  sender)
{
  NotificationIndexEntry *entry = g_new0 (NotificationIndexEntry, 1);

  entry->type = g_strdup (type);
  entry->sender = sender;
  entry->hash = notification_index_hash (notification_index_hash_type (type), sender);

  return entry;
}

/* Call with the registry lock held, for a key that is not in the index.
 * Publishes @entry: what it holds now is what readers see. */
void
notification_index_insert (NotificationIndex      *self,
                           NotificationIndexEntry *entry)
{
  notification_lock_assert_held (self->lock);

  /* Keep at least half of the slots empty, so that a probe for a key
   * nobody observes ends after about two slots. */
  if ((self->n_used + 1) * 2 > index_table (self)->mask + 1)
    index_rebuild (self);

  if (table_place (index_table (self), entry))
    self->n_used++;
  self->n_live++;
}

/* Call with the registry lock held, for a key that is not in the index. */
NotificationIndexEntry *
notification_index_add (NotificationIndex *self,
                        const char        *type,
                        gconstpointer      sender)
{
  NotificationIndexEntry *entry;

  notification_lock_assert_held (self->lock);
  entry = notification_index_entry_new (type, sender);
  notification_index_insert (self, entry);

  return entry;
}

static gsize
table_find (NotificationIndexTable *table,
            NotificationIndexEntry *entry)
{
  gsize i = entry->hash & table->mask;

  while (slot_entry (&table->slots[i]) != entry)
    i = (i + 1) & table->mask;

  return i;
}

/* Call with the registry lock held. Publishes @replacement, an entry of
 * the same key made with notification_index_entry_new(), in the slot of
 * @entry, in one store: a reader finds one or the other, never neither.
 * The caller retires @entry. */
void
notification_index_replace (NotificationIndex      *self,
                            NotificationIndexEntry *entry,
                            NotificationIndexEntry *replacement)
{
  NotificationIndexTable *table;

  notification_lock_assert_held (self->lock);
  table = index_table (self);
  g_assert (replacement->hash == entry->hash);

  __atomic_store_n (&table->slots[table_find (table, entry)].entry, replacement, __ATOMIC_RELEASE);
}

/* Call with the registry lock held. The caller retires the entry. */
void
notification_index_remove (NotificationIndex      *self,
                           NotificationIndexEntry *entry)
{
  NotificationIndexTable *table;

  notification_lock_assert_held (self->lock);
  table = index_table (self);
  __atomic_store_n (&table->slots[table_find (table, entry)].entry, TOMBSTONE, __ATOMIC_RELEASE);
  self->n_live--;

  /* Mostly empty: start over with a smaller table (a rebuilt table is
   * less than eight times the entries, so this cannot repeat at once). */
  if (self->n_live * 16 < table->mask + 1 && table->mask + 1 > MIN_SLOTS)
    index_rebuild (self);
}

/* Call with the registry lock held. Empties the index and returns its
 * entries; the caller retires them. */
GPtrArray *
notification_index_steal_all (NotificationIndex *self)
{
  GPtrArray *entries;
  NotificationIndexTable *old;

  notification_lock_assert_held (self->lock);
  entries = g_ptr_array_sized_new (self->n_live);
  old = index_table (self);

  for (gsize i = 0; i <= old->mask; i++)
    if (!slot_is_free (&old->slots[i]))
      g_ptr_array_add (entries, slot_entry (&old->slots[i]));

  __atomic_store_n (&self->table, table_new (MIN_SLOTS), __ATOMIC_RELEASE);
  self->n_live = 0;
  self->n_used = 0;
  notification_ebr_retire (&old->ebr, table_free);

  return entries;
}

static void
entry_free (NotificationEbrNode *node)
{
  NotificationIndexEntry *entry = (NotificationIndexEntry *) node;

  g_clear_object (&entry->schema);
  g_free (entry->type);
  g_free (entry);
}

/* Frees @entry once no reader can hold it. */
void
notification_index_entry_retire (NotificationIndexEntry *entry)
{
  notification_ebr_retire (&entry->ebr, entry_free);
}
