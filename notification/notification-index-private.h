/* notification-index-private.h: the center's lock-free readable index
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * An open-addressing hash table of entries keyed by (type, sender), where
 * a NULL type means "every type" and a NULL sender "every sender". Posting
 * threads look entries up inside an EBR read section without a lock;
 * inserting and removing happen under the registry's mutex. Slots are
 * published with release stores; a removed entry leaves a tombstone, and
 * a table that fills up is rebuilt and the old one retired through EBR.
 */

#pragma once

#include <string.h>

#include <glib-object.h>

#include "notification-ebr-private.h"
#include "notification-lock-private.h"
#include "notification-schema.h"

G_BEGIN_DECLS

typedef struct _NotificationIndex      NotificationIndex;
typedef struct _NotificationIndexEntry NotificationIndexEntry;
typedef struct _NotificationObserver   NotificationObserver;
typedef struct _NotificationWatch      NotificationWatch;

struct _NotificationIndexEntry
{
  NotificationEbrNode     ebr;
  guint                   hash;
  /* Observers of this key that interest reports count (all but
   * NOTIFICATION_OBSERVER_FORWARDER ones): the key is observed, for
   * notification-interest-private.h, while this is not 0. Protected by
   * the registry lock. */
  guint                   n_reported;
  char                   *type;          /* (owned) (nullable): NULL is every type */
  gconstpointer           sender;        /* (nullable): NULL is every sender */

  /* Observers of this key, in the order they were added. */
  NotificationObserver   *head;          /* (atomic) */
  NotificationObserver   *tail;          /* protected by the registry lock */

  /* For a specific sender: the sender's watch, and the other entries of
   * the same sender. Protected by the registry lock. */
  NotificationWatch      *watch;
  NotificationIndexEntry *watch_prev;
  NotificationIndexEntry *watch_next;

  /* For entries of a schema index: set before the entry is published,
   * never changed afterwards (a new schema is a new entry). */
  NotificationSchema     *schema;        /* (owned) (nullable) */
};

static inline guint64
notification_index_hash_mix (guint64 h,
                             guint64 word)
{
  h = (h ^ word) * G_GUINT64_CONSTANT (0xff51afd7ed558ccd);

  return h ^ (h >> 29);
}

/* Mixes eight bytes at a time (one multiply per word, not per byte), the
 * last word overlapping the one before: types are short, and hashing
 * them is much of an unobserved post. */
static inline guint
notification_index_hash_type (const char *type)
{
  guint64 h = G_GUINT64_CONSTANT (0x9e3779b97f4a7c15);
  guint64 word = 0;
  gsize len;

  if (type == NULL)
    return 0x9e3779b9u;

  len = strlen (type);
  if (len >= 8)
    {
      for (gsize i = 0; i + 8 < len; i += 8)
        {
          memcpy (&word, type + i, 8);
          h = notification_index_hash_mix (h, word);
        }
      memcpy (&word, type + len - 8, 8);
    }
  else
    {
      for (gsize i = 0; i < len; i++)
        word |= (guint64) (guchar) type[i] << (8 * i);
    }

  h = notification_index_hash_mix (h, word ^ len);
  h *= G_GUINT64_CONSTANT (0xc4ceb9fe1a85ec53);

  return (guint) (h ^ (h >> 32));
}

static inline guint
notification_index_hash (guint         type_hash,
                         gconstpointer sender)
{
  guint64 h = ((guint64) (guintptr) sender * G_GUINT64_CONSTANT (0x9e3779b97f4a7c15)) ^ type_hash;

  h ^= h >> 29;
  h *= G_GUINT64_CONSTANT (0xbf58476d1ce4e5b9);
  h ^= h >> 32;

  return (guint) h;
}

/* A slot keeps its entry's hash beside the pointer, so that a probe
 * that does not match never touches the entry (a cache miss in a large
 * index). The hash is written before the entry is published. */
typedef struct
{
  guint                   hash;     /* (atomic) */
  NotificationIndexEntry *entry;    /* (atomic) */
} NotificationIndexSlot;

typedef struct
{
  NotificationEbrNode     ebr;
  gsize                   mask;
  NotificationIndexSlot   slots[];
} NotificationIndexTable;

struct _NotificationIndex
{
  NotificationIndexTable *table;   /* (atomic) (owned) read without a lock, replaced under the registry lock */
  gsize                   n_live;  /* entries; protected by the registry lock */
  gsize                   n_used;  /* entries and tombstones; protected by the registry lock */
  NotificationLock       *lock;    /* (unowned) the registry's, for notification_lock_assert_held() */
};

/* Marks the slot of a removed entry: probes go on past it. */
extern NotificationIndexEntry _notification_index_tombstone;

static inline gboolean
notification_index_type_equal (const char *a,
                               const char *b)
{
  if (a == NULL || b == NULL)
    return a == b;

  return strcmp (a, b) == 0;
}

/* Call inside an EBR read section. Inline: it is most of a post that
 * nobody observes. */
static inline NotificationIndexEntry *
notification_index_lookup (NotificationIndex *self,
                           guint              hash,
                           const char        *type,
                           gconstpointer      sender)
{
  NotificationIndexTable *table = __atomic_load_n (&self->table, __ATOMIC_ACQUIRE);
  gsize i = hash & table->mask;

  for (;;)
    {
      NotificationIndexEntry *entry = __atomic_load_n (&table->slots[i].entry, __ATOMIC_ACQUIRE);

      if (entry == NULL)
        return NULL;

      if (__atomic_load_n (&table->slots[i].hash, __ATOMIC_RELAXED) == hash &&
          entry != &_notification_index_tombstone &&
          entry->sender == sender &&
          notification_index_type_equal (entry->type, type))
        return entry;

      i = (i + 1) & table->mask;
    }
}

/*
 * notification_index_lookup_observed:
 * @typed: whether the key has a type
 *
 * The lookup of a post, without strcmp() (a call on the path of a post
 * that nobody observes costs every such post the spills around it): the
 * first entry with @hash and @sender, a type if @typed and none
 * otherwise, and observers (head not NULL).
 *
 * For a key without a type that is the key's entry, if it has observers.
 * For a key with a type, the type is not compared (strcmp() is a call):
 * confirm it with notification_index_type_equal(). An entry of another
 * type with the same hash and sender is all but impossible; where the
 * caller finds one, it looks up again with notification_index_lookup().
 * Entries without observers are passed over: the key's own entry is the
 * only one of its key, so none of them can hide an entry of the key.
 * Inside an EBR read section.
 */
static inline NotificationIndexEntry *
notification_index_lookup_observed (NotificationIndex *self,
                                    guint              hash,
                                    gboolean           typed,
                                    gconstpointer      sender)
{
  NotificationIndexTable *table = __atomic_load_n (&self->table, __ATOMIC_ACQUIRE);
  gsize i = hash & table->mask;

  for (;;)
    {
      NotificationIndexEntry *entry = __atomic_load_n (&table->slots[i].entry, __ATOMIC_ACQUIRE);

      if (entry == NULL)
        return NULL;

      if (__atomic_load_n (&table->slots[i].hash, __ATOMIC_RELAXED) == hash &&
          entry != &_notification_index_tombstone &&
          entry->sender == sender &&
          (entry->type != NULL) == typed &&
          __atomic_load_n (&entry->head, __ATOMIC_ACQUIRE) != NULL)
        return entry;

      i = (i + 1) & table->mask;
    }
}

NotificationIndex      *notification_index_new       (NotificationLock       *lock);
void                    notification_index_free      (NotificationIndex      *self);
NotificationIndexEntry *notification_index_entry_new (const char             *type,
                                                      gconstpointer           sender);
void                    notification_index_insert    (NotificationIndex      *self,
                                                      NotificationIndexEntry *entry);
NotificationIndexEntry *notification_index_add       (NotificationIndex      *self,
                                                      const char             *type,
                                                      gconstpointer           sender);
void                    notification_index_replace   (NotificationIndex      *self,
                                                      NotificationIndexEntry *entry,
                                                      NotificationIndexEntry *replacement);
void                    notification_index_remove    (NotificationIndex      *self,
                                                      NotificationIndexEntry *entry);
GPtrArray              *notification_index_steal_all (NotificationIndex      *self);
void                    notification_index_entry_retire (NotificationIndexEntry *entry);

G_END_DECLS
