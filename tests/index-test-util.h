/* index-test-util.h: what test-index.c and test-index-threads.c share
 *
 * Entries as the library's are (something, then the key, last), and
 * looks into the table: its lanes, its slots, its counts. Writers are
 * serialised by owner_lock, which the main thread holds for the whole
 * program, as the registry lock does in the library.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "config.h"

#include "notification-ebr-private.h"
#include "notification-index-private.h"

/* The lock that owns the structure, as the registry's does: the main
 * thread, which makes every change, holds it for the whole program, so
 * the lock-held assertions of a debug build are satisfied. */
static NotificationLock owner_lock = NOTIFICATION_LOCK_INIT;

#define MIN_SLOTS 16
#define GROUP     NOTIFICATION_INDEX_GROUP_SLOTS
#define LANE_BITS NOTIFICATION_INDEX_LANE_BITS

/* An entry as the library's are: something, then its key, last. */
typedef struct
{
  guint                 serial;
  NotificationIndexKey  key;
} Entry;

static guint next_serial;

static inline Entry *
entry_new (const char    *type,
           gconstpointer  sender)
{
  Entry *entry = notification_index_entry_new (sizeof (Entry), G_STRUCT_OFFSET (Entry, key), type, sender);

  entry->serial = ++next_serial;

  return entry;
}

static inline Entry *
entry_from_key (NotificationIndexKey *key)
{
  return key != NULL ? (Entry *) ((char *) key - G_STRUCT_OFFSET (Entry, key)) : NULL;
}

static inline void
entry_retire (Entry *entry)
{
  notification_ebr_retire_pointer (entry, g_free);
}

static inline Entry *
add (NotificationIndex *index,
     const char        *type,
     gconstpointer      sender)
{
  Entry *entry = entry_new (type, sender);

  notification_index_insert (index, &entry->key);

  return entry;
}

static inline guint
key_hash (const char    *type,
          gconstpointer  sender)
{
  return notification_index_hash (notification_index_hash_type (type), sender);
}

static inline Entry *
lookup (NotificationIndex *index,
        const char        *type,
        gconstpointer      sender)
{
  NotificationIndexKey *key;

  notification_ebr_enter ();
  key = notification_index_lookup (index, key_hash (type, sender), type, sender);
  notification_ebr_leave ();

  return entry_from_key (key);
}

static inline NotificationIndexTable *
current_table (NotificationIndex *index)
{
  return __atomic_load_n (&index->table, __ATOMIC_ACQUIRE);
}

static inline gsize
n_slots (NotificationIndex *index)
{
  return notification_index_get_n_slots (index);
}

static inline guint
lane (NotificationIndex *index,
      gsize              slot)
{
  NotificationIndexTable *table = current_table (index);

  return (table->control[slot / GROUP] >> (LANE_BITS * (slot % GROUP))) & NOTIFICATION_INDEX_LANE_MASK;
}

/* Slots whose control lane is @value. */
static inline gsize
count_lanes (NotificationIndex *index,
             guint              value)
{
  gsize n = 0;

  for (gsize i = 0; i < n_slots (index); i++)
    if (lane (index, i) == value)
      n++;

  return n;
}

static inline gsize
slot_of (NotificationIndex *index,
         Entry             *entry)
{
  NotificationIndexTable *table = current_table (index);

  for (gsize i = 0; i < n_slots (index); i++)
    if (table->keys[i] == &entry->key)
      return i;

  g_assert_not_reached ();
}

/* Every full lane holds a key whose tag it is, every other a NULL key. */
static inline void
assert_consistent (NotificationIndex *index)
{
  NotificationIndexTable *table = current_table (index);
  gsize n_full = 0;

  for (gsize i = 0; i < n_slots (index); i++)
    {
      guint value = lane (index, i);

      if (value & NOTIFICATION_INDEX_DELETED)
        {
          g_assert_true (value == NOTIFICATION_INDEX_EMPTY || value == NOTIFICATION_INDEX_DELETED);
          g_assert_null (table->keys[i]);
        }
      else
        {
          g_assert_nonnull (table->keys[i]);
          g_assert_cmphex (value, ==, notification_index_tag (table->keys[i]->hash));
          n_full++;
        }
    }
  g_assert_cmpuint (n_full, ==, index->n_live);
  g_assert_cmpuint (n_full + count_lanes (index, NOTIFICATION_INDEX_DELETED), ==, index->n_used);
  /* Room for the probes to end. */
  g_assert_cmpuint (count_lanes (index, NOTIFICATION_INDEX_EMPTY), >, 0);
}

static inline void
remove_entry (NotificationIndex *index,
              Entry             *entry)
{
  notification_index_remove (index, &entry->key);
  entry_retire (entry);
}

static inline void
free_index (NotificationIndex *index)
{
  GPtrArray *keys = notification_index_steal_all (index);

  for (guint i = 0; i < keys->len; i++)
    entry_retire (entry_from_key (keys->pdata[i]));
  g_ptr_array_unref (keys);
  notification_index_free (index);
  notification_ebr_collect ();
}

/* Distinct senders that are never dereferenced. */
#define SENDER(i) ((gconstpointer) (guintptr) (0x10000 + 16 * (guintptr) (i)))
