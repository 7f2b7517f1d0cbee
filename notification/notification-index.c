/* notification-index.c: the center's lock-free readable index
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "notification-index-private.h"

#define MIN_SLOTS 16
/* Marks the slot of a removed entry: probes go on past it. */
static NotificationIndexEntry tombstone;
#define TOMBSTONE (&tombstone)

typedef struct
{
  NotificationEbrNode     ebr;
  gsize                   mask;
  NotificationIndexEntry *slots[];  /* (atomic) */
} Table;

struct _NotificationIndex
{
  Table *table;   /* (atomic) (owned) read without a lock, replaced under the registry lock */
  gsize  n_live;  /* entries; protected by the registry lock */
  gsize  n_used;  /* entries and tombstones; protected by the registry lock */
};

static Table *
table_new (gsize n_slots)
{
  Table *table = g_malloc0 (sizeof (Table) + n_slots * sizeof (NotificationIndexEntry *));

  table->mask = n_slots - 1;

  return table;
}

static void
table_free (NotificationEbrNode *node)
{
  g_free (node);
}

static inline gboolean
type_equal (const char *a,
            const char *b)
{
  if (a == NULL || b == NULL)
    return a == b;

  return strcmp (a, b) == 0;
}

NotificationIndex *
notification_index_new (void)
{
  NotificationIndex *self = g_new0 (NotificationIndex, 1);

  self->table = table_new (MIN_SLOTS);

  return self;
}

/* Frees the index itself; its entries must have been stolen first. */
void
notification_index_free (NotificationIndex *self)
{
  g_assert (self->n_live == 0);

  notification_ebr_retire (&self->table->ebr, table_free);
  g_free (self);
}

/* Call inside an EBR read section. */
NotificationIndexEntry *
notification_index_lookup (NotificationIndex *self,
                           guint              hash,
                           const char        *type,
                           gconstpointer      sender)
{
  Table *table = __atomic_load_n (&self->table, __ATOMIC_ACQUIRE);
  gsize i = hash & table->mask;

  for (;;)
    {
      NotificationIndexEntry *entry = __atomic_load_n (&table->slots[i], __ATOMIC_ACQUIRE);

      if (entry == NULL)
        return NULL;

      if (entry != TOMBSTONE &&
          entry->hash == hash &&
          entry->sender == sender &&
          type_equal (entry->type, type))
        return entry;

      i = (i + 1) & table->mask;
    }
}

static void
table_place (Table                  *table,
             NotificationIndexEntry *entry)
{
  gsize i = entry->hash & table->mask;

  while (table->slots[i] != NULL && table->slots[i] != TOMBSTONE)
    i = (i + 1) & table->mask;

  __atomic_store_n (&table->slots[i], entry, __ATOMIC_RELEASE);
}

/* Rebuilds the table so that it has room for one more entry, dropping the
 * tombstones. Readers keep using the old table until they reload it. */
static void
index_rebuild (NotificationIndex *self)
{
  Table *old = self->table;
  gsize n_slots = MIN_SLOTS;
  Table *table;

  while (n_slots < (self->n_live + 1) * 2)
    n_slots *= 2;

  table = table_new (n_slots);
  for (gsize i = 0; i <= old->mask; i++)
    if (old->slots[i] != NULL && old->slots[i] != TOMBSTONE)
      table_place (table, old->slots[i]);

  __atomic_store_n (&self->table, table, __ATOMIC_RELEASE);
  self->n_used = self->n_live;
  notification_ebr_retire (&old->ebr, table_free);
}

/* Call with the registry lock held, for a key that is not in the index. */
NotificationIndexEntry *
notification_index_add (NotificationIndex *self,
                        const char        *type,
                        gconstpointer      sender)
{
  NotificationIndexEntry *entry = g_new0 (NotificationIndexEntry, 1);
  Table *table = self->table;
  gsize i;

  entry->type = g_strdup (type);
  entry->sender = sender;
  entry->hash = notification_index_hash (notification_index_hash_type (type), sender);

  /* Keep at least a quarter of the slots empty so that probes end fast. */
  if ((self->n_used + 1) * 4 > (table->mask + 1) * 3)
    {
      index_rebuild (self);
      table = self->table;
    }

  i = entry->hash & table->mask;
  while (table->slots[i] != NULL && table->slots[i] != TOMBSTONE)
    i = (i + 1) & table->mask;

  if (table->slots[i] == NULL)
    self->n_used++;
  self->n_live++;
  __atomic_store_n (&table->slots[i], entry, __ATOMIC_RELEASE);

  return entry;
}

/* Call with the registry lock held. The caller retires the entry. */
void
notification_index_remove (NotificationIndex      *self,
                           NotificationIndexEntry *entry)
{
  Table *table = self->table;
  gsize i = entry->hash & table->mask;

  while (table->slots[i] != entry)
    i = (i + 1) & table->mask;

  __atomic_store_n (&table->slots[i], TOMBSTONE, __ATOMIC_RELEASE);
  self->n_live--;

  /* Mostly tombstones: start over with a smaller table. */
  if (self->n_live * 8 < table->mask + 1 && table->mask + 1 > MIN_SLOTS)
    index_rebuild (self);
}

/* Call with the registry lock held. Empties the index and returns its
 * entries; the caller retires them. */
GPtrArray *
notification_index_steal_all (NotificationIndex *self)
{
  GPtrArray *entries = g_ptr_array_sized_new (self->n_live);
  Table *old = self->table;

  for (gsize i = 0; i <= old->mask; i++)
    if (old->slots[i] != NULL && old->slots[i] != TOMBSTONE)
      g_ptr_array_add (entries, old->slots[i]);

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
