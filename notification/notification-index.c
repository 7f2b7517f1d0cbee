/* notification-index.c: the center's lock-free readable index
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "notification-index-private.h"

#define GROUP_SLOTS NOTIFICATION_INDEX_GROUP_SLOTS
#define LANE_BITS   NOTIFICATION_INDEX_LANE_BITS
#define EMPTY       NOTIFICATION_INDEX_EMPTY
#define DELETED     NOTIFICATION_INDEX_DELETED
/* Two groups: the smallest table. */
#define MIN_SLOTS   16

/* How many keys and tombstones a table of @n_slots holds: seven eighths,
 * which leaves an empty slot, where every probe ends. */
static inline gsize
slots_capacity (gsize n_slots)
{
  return n_slots - n_slots / 8;
}

/* The smallest table that holds @n keys. */
static gsize
slots_for (gsize n)
{
  gsize n_slots = MIN_SLOTS;

  while (slots_capacity (n_slots) < n)
    n_slots *= 2;

  return n_slots;
}

static inline gsize
table_n_slots (NotificationIndexTable *table)
{
  return (table->group_mask + 1) * GROUP_SLOTS;
}

/* The writers' loads of what readers load without the lock: relaxed, the
 * registry lock orders the writers. */
static inline NotificationIndexTable *
index_table (NotificationIndex *self)
{
  return __atomic_load_n (&self->table, __ATOMIC_RELAXED);
}

static inline guint
lane_get (NotificationIndexTable *table,
          gsize                   slot)
{
  guint64 control = __atomic_load_n (&table->control[slot / GROUP_SLOTS], __ATOMIC_RELAXED);

  return (control >> (LANE_BITS * (slot % GROUP_SLOTS))) & NOTIFICATION_INDEX_LANE_MASK;
}

/* One store of the whole word: readers load words, never lanes. */
static inline void
lane_set (NotificationIndexTable *table,
          gsize                   slot,
          guint                   value)
{
  guint64 *word = &table->control[slot / GROUP_SLOTS];
  guint shift = LANE_BITS * (slot % GROUP_SLOTS);
  guint64 control = __atomic_load_n (word, __ATOMIC_RELAXED);

  control = (control & ~((guint64) NOTIFICATION_INDEX_LANE_MASK << shift)) | ((guint64) value << shift);
  __atomic_store_n (word, control, __ATOMIC_RELEASE);
}

static NotificationIndexTable *
table_new (gsize n_slots)
{
  gsize n_groups = n_slots / GROUP_SLOTS;
  NotificationIndexTable *table;

  table = g_malloc (sizeof (NotificationIndexTable) +
                    n_groups * sizeof (guint64) + n_slots * sizeof (NotificationIndexKey *));
  table->group_mask = n_groups - 1;
  table->keys = (NotificationIndexKey **) (table->control + n_groups);
  memset (table->control, 0xff, n_groups * sizeof (guint64));
  memset (table->keys, 0, n_slots * sizeof (NotificationIndexKey *));

  return table;
}

static void
table_free (NotificationEbrNode *node)
{
  g_free (node);
}

/* The first free (EMPTY or DELETED) slot of @hash's probe sequence. */
static gsize
table_find_free (NotificationIndexTable *table,
                 guint                   hash)
{
  gsize group = hash & table->group_mask;

  for (gsize stride = 1;; stride++)
    {
      guint64 control = __atomic_load_n (&table->control[group], __ATOMIC_RELAXED);
      guint64 free_lanes = control & NOTIFICATION_INDEX_LANES_HIGH;

      if (free_lanes != 0)
        return group * GROUP_SLOTS + (guint) __builtin_ctzll (free_lanes) / LANE_BITS;

      group = (group + stride) & table->group_mask;
    }
}

/* The slot that holds @key, which is in @table. */
static gsize
table_find (NotificationIndexTable *table,
            NotificationIndexKey   *key)
{
  guint tag = notification_index_tag (key->hash);
  gsize group = key->hash & table->group_mask;

  for (gsize stride = 1;; stride++)
    {
      guint64 control = __atomic_load_n (&table->control[group], __ATOMIC_RELAXED);

      for (guint64 match = notification_index_group_match (control, tag); match != 0; match &= match - 1)
        {
          gsize slot = group * GROUP_SLOTS + (guint) __builtin_ctzll (match) / LANE_BITS;

          if (__atomic_load_n (&table->keys[slot], __ATOMIC_RELAXED) == key)
            return slot;
        }

      g_assert (notification_index_group_match_empty (control) == 0);
      group = (group + stride) & table->group_mask;
    }
}

/* Returns whether the slot was EMPTY (not a tombstone). Publishes @key:
 * its pointer first, then its tag, which readers acquire. */
static gboolean
table_place (NotificationIndexTable *table,
             NotificationIndexKey   *key)
{
  gsize slot = table_find_free (table, key->hash);
  gboolean was_empty = lane_get (table, slot) == EMPTY;

  __atomic_store_n (&table->keys[slot], key, __ATOMIC_RELEASE);
  lane_set (table, slot, notification_index_tag (key->hash));

  return was_empty;
}

/* Rebuilds the table with room for @n_slots, dropping the tombstones.
 * Readers keep using the old table until they reload it. */
static void
index_rebuild (NotificationIndex *self,
               gsize              n_slots)
{
  NotificationIndexTable *old = index_table (self);
  NotificationIndexTable *table = table_new (n_slots);
  gsize old_slots = table_n_slots (old);

  for (gsize i = 0; i < old_slots; i++)
    {
      NotificationIndexKey *key = __atomic_load_n (&old->keys[i], __ATOMIC_RELAXED);

      if (key != NULL)
        table_place (table, key);
    }

  __atomic_store_n (&self->table, table, __ATOMIC_RELEASE);
  self->n_used = self->n_live;
  notification_ebr_retire (&old->ebr, table_free);
}

/* The rest of notification_index_lookup(): the tags that match in
 * @group and the groups after it. */
NotificationIndexKey *
notification_index_lookup_slow (NotificationIndexTable *table,
                                gsize                   group,
                                guint                   hash,
                                const char             *type,
                                gconstpointer           sender)
{
  guint tag = notification_index_tag (hash);

  for (gsize stride = 1;; stride++)
    {
      guint64 control = __atomic_load_n (&table->control[group], __ATOMIC_ACQUIRE);

      for (guint64 match = notification_index_group_match (control, tag); match != 0; match &= match - 1)
        {
          gsize slot = group * GROUP_SLOTS + (guint) __builtin_ctzll (match) / LANE_BITS;
          NotificationIndexKey *key = __atomic_load_n (&table->keys[slot], __ATOMIC_ACQUIRE);

          if (key != NULL && key->hash == hash && notification_index_key_equal (key, type, sender))
            return key;
        }

      if (notification_index_group_match_empty (control) != 0)
        return NULL;

      /* Triangular probing: visits every group of a power-of-two table. */
      group = (group + stride) & table->group_mask;
    }
}

gpointer
notification_index_entry_new (gsize          struct_size,
                              gsize          key_offset,
                              const char    *type,
                              gconstpointer  sender)
{
  gsize type_size = (type != NULL ? strlen (type) : 0) + 1;
  gsize size = MAX (struct_size, key_offset + G_STRUCT_OFFSET (NotificationIndexKey, type) + type_size);
  char *entry = g_malloc0 (size);
  NotificationIndexKey *key = (NotificationIndexKey *) (entry + key_offset);

  key->sender = sender;
  key->hash = notification_index_hash (notification_index_hash_type (type), sender);
  if (type != NULL)
    memcpy (key->type, type, type_size);

  return entry;
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

/* Frees the index itself; its keys must have been stolen first. */
void
notification_index_free (NotificationIndex *self)
{
  g_assert (self->n_live == 0);

  notification_ebr_retire (&index_table (self)->ebr, table_free);
  g_free (self);
}

gsize
notification_index_get_n_slots (NotificationIndex *self)
{
  return table_n_slots (index_table (self));
}

/* Call with the registry lock held, for a key that is not in the index.
 * Publishes @key's entry: what it holds now is what readers see. */
void
notification_index_insert (NotificationIndex    *self,
                           NotificationIndexKey *key)
{
  gsize n_slots;

  notification_lock_assert_held (self->lock);

  n_slots = table_n_slots (index_table (self));
  if (self->n_used + 1 > slots_capacity (n_slots))
    {
      /* Mostly tombstones: the same size without them; else the smallest
       * table with room for one more than this one holds, about half
       * full (as hashbrown grows). */
      if (self->n_live + 1 <= slots_capacity (n_slots) / 2)
        index_rebuild (self, n_slots);
      else
        index_rebuild (self, slots_for (MAX (self->n_live + 1, slots_capacity (n_slots) + 1)));
    }

  if (table_place (index_table (self), key))
    self->n_used++;
  self->n_live++;
}

/* Call with the registry lock held. Publishes @replacement, an entry of
 * the same key, in the slot of @key, in one store: a reader finds one or
 * the other, never neither. The caller retires @key's entry. */
void
notification_index_replace (NotificationIndex    *self,
                            NotificationIndexKey *key,
                            NotificationIndexKey *replacement)
{
  NotificationIndexTable *table;

  notification_lock_assert_held (self->lock);
  table = index_table (self);
  g_assert (replacement->hash == key->hash);

  __atomic_store_n (&table->keys[table_find (table, key)], replacement, __ATOMIC_RELEASE);
}

/* Call with the registry lock held. The caller retires the entry. */
void
notification_index_remove (NotificationIndex    *self,
                           NotificationIndexKey *key)
{
  NotificationIndexTable *table;
  gsize slot;
  guint64 control;
  gsize n_slots;

  notification_lock_assert_held (self->lock);
  table = index_table (self);
  slot = table_find (table, key);
  control = __atomic_load_n (&table->control[slot / GROUP_SLOTS], __ATOMIC_RELAXED);

  /* A group with an empty slot never had a probe go past it (a group
   * only loses its last empty slot to an insertion, and gets one back
   * only from a rebuild): the slot may become empty too. */
  if (notification_index_group_match_empty (control) != 0)
    {
      lane_set (table, slot, EMPTY);
      self->n_used--;
    }
  else
    {
      lane_set (table, slot, DELETED);
    }
  __atomic_store_n (&table->keys[slot], NULL, __ATOMIC_RELEASE);
  self->n_live--;

  /* Mostly empty: start over with a smaller table, about half full (a
   * sixteenth is far from both the growth and this again). */
  n_slots = table_n_slots (table);
  if (self->n_live * 16 < n_slots && n_slots > MIN_SLOTS)
    index_rebuild (self, slots_for (2 * self->n_live + 1));
}

/* Call with the registry lock held. Empties the index and returns its
 * keys; the caller retires their entries. */
GPtrArray *
notification_index_steal_all (NotificationIndex *self)
{
  NotificationIndexTable *old;
  GPtrArray *keys;
  gsize old_slots;

  notification_lock_assert_held (self->lock);
  keys = g_ptr_array_sized_new (self->n_live);
  old = index_table (self);
  old_slots = table_n_slots (old);

  for (gsize i = 0; i < old_slots; i++)
    {
      NotificationIndexKey *key = __atomic_load_n (&old->keys[i], __ATOMIC_RELAXED);

      if (key != NULL)
        g_ptr_array_add (keys, key);
    }

  __atomic_store_n (&self->table, table_new (MIN_SLOTS), __ATOMIC_RELEASE);
  self->n_live = 0;
  self->n_used = 0;
  notification_ebr_retire (&old->ebr, table_free);

  return keys;
}

/* Call with the registry lock held. Calls @func on every key, in the
 * table's order; @func must not change the index. */
void
notification_index_foreach (NotificationIndex     *self,
                            NotificationIndexFunc  func,
                            gpointer               data)
{
  NotificationIndexTable *table;
  gsize n_slots;

  notification_lock_assert_held (self->lock);
  table = index_table (self);
  n_slots = table_n_slots (table);

  for (gsize i = 0; i < n_slots; i++)
    {
      NotificationIndexKey *key = __atomic_load_n (&table->keys[i], __ATOMIC_RELAXED);

      if (key != NULL)
        func (key, data);
    }
}
