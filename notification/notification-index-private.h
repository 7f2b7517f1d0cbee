/* notification-index-private.h: the center's lock-free readable index
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Maps keys (type, sender) to entries, where an empty type means "every
 * type" and a NULL sender "every sender". An entry is any structure whose
 * last member is a NotificationIndexKey (the observers of one key,
 * notification-observer-list-private.h; the schema of one type,
 * notification-registry-schema.c); the index stores pointers to keys and
 * never looks beyond them, nor frees them.
 *
 * The table is open addressing in groups of eight slots (after Abseil's
 * and hashbrown's "Swiss tables", whose portable group is the same): each
 * group has a control word of eight byte lanes, one per slot: a 7-bit tag
 * from the key's hash (a full slot), EMPTY or DELETED (a tombstone). A
 * lookup reads one control word, compares the eight tags at once and
 * looks at a key only where a tag matches (a false match is one in 128
 * per full slot, and the key's full hash is compared first), and stops
 * at a group with an empty slot. The table stays up to seven-eighths
 * full: the slots cost nine bytes each, 12 to 21 per entry.
 *
 * Posting threads look keys up inside an EBR read section without a lock;
 * inserting and removing happen under the registry's mutex. A slot's key
 * pointer is published (release) before its tag; a removed key's slot
 * becomes DELETED (or EMPTY, when its group has an empty slot already: no
 * probe ever went past that group) and its pointer NULL. A table that
 * fills up is rebuilt and the old one retired through EBR; keys removed
 * are retired by their owners.
 */

#pragma once

#include <stddef.h>
#include <string.h>

#include <glib.h>

#include "notification-ebr-private.h"
#include "notification-lock-private.h"

G_BEGIN_DECLS

typedef struct _NotificationIndex    NotificationIndex;
typedef struct _NotificationIndexKey NotificationIndexKey;

/* The last member of an entry: the type's bytes follow it inline, so an
 * entry is one allocation (notification_index_entry_new()). Immutable
 * once the entry is published. */
struct _NotificationIndexKey
{
  gconstpointer sender;   /* (nullable): NULL is every sender */
  guint         hash;     /* notification_index_hash() of the key */
  char          type[];   /* "" is every type (posted types are never empty) */
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

  /* Never "": no API takes an empty type. */
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

/* The type of @key as observers name it: NULL for every type. */
static inline const char *
notification_index_key_get_type (const NotificationIndexKey *key)
{
  return key->type[0] != '\0' ? key->type : NULL;
}

/* Control lanes: a full slot's tag has the top bit clear. */
#define NOTIFICATION_INDEX_GROUP_SLOTS 8
#define NOTIFICATION_INDEX_LANE_BITS   8
#define NOTIFICATION_INDEX_LANE_MASK   0xffu
#define NOTIFICATION_INDEX_EMPTY       0xffu
#define NOTIFICATION_INDEX_DELETED     0x80u
#define NOTIFICATION_INDEX_LANES_LOW   G_GUINT64_CONSTANT (0x0101010101010101)
#define NOTIFICATION_INDEX_LANES_HIGH  G_GUINT64_CONSTANT (0x8080808080808080)

/* The hash's top bits: its low bits choose the group. */
static inline guint
notification_index_tag (guint hash)
{
  return hash >> (32 - NOTIFICATION_INDEX_LANE_BITS + 1);
}

/* Lanes of @group that may hold @tag: their top bits. Exact but for lanes
 * above a match (a borrow), which the caller's key comparison rejects;
 * never an empty or deleted lane (their top bit is set). */
static inline guint64
notification_index_group_match (guint64 group,
                                guint   tag)
{
  guint64 x = group ^ (NOTIFICATION_INDEX_LANES_LOW * tag);

  return (x - NOTIFICATION_INDEX_LANES_LOW) & ~x & NOTIFICATION_INDEX_LANES_HIGH;
}

/* Lanes of @group that are EMPTY (both top bits set; DELETED has one). */
static inline guint64
notification_index_group_match_empty (guint64 group)
{
  return group & (group << 1) & NOTIFICATION_INDEX_LANES_HIGH;
}

typedef struct
{
  NotificationEbrNode    ebr;
  gsize                  group_mask;  /* groups - 1, a power of two minus one */
  NotificationIndexKey **keys;        /* (atomic) a pointer per slot, NULL if none: after @control */
  guint64                control[];   /* (atomic) a word per group */
} NotificationIndexTable;

struct _NotificationIndex
{
  NotificationIndexTable *table;   /* (atomic) (owned) read without a lock, replaced under the registry lock */
  gsize                   n_live;  /* keys; protected by the registry lock */
  gsize                   n_used;  /* keys and tombstones; protected by the registry lock */
  NotificationLock       *lock;    /* (unowned) the registry's, for notification_lock_assert_held() */
};

/* Types as observers name them: NULL for every type. */
static inline gboolean
notification_index_type_equal (const char *a,
                               const char *b)
{
  if (a == NULL || b == NULL)
    return a == b;

  return strcmp (a, b) == 0;
}

static inline gboolean
notification_index_key_equal (const NotificationIndexKey *key,
                              const char                 *type,
                              gconstpointer               sender)
{
  if (key->sender != sender)
    return FALSE;

  return type == NULL ? key->type[0] == '\0' : strcmp (key->type, type) == 0;
}

NotificationIndexKey *notification_index_lookup_slow (NotificationIndexTable *table,
                                                      gsize                   group,
                                                      guint                   hash,
                                                      const char             *type,
                                                      gconstpointer           sender);

/* Call inside an EBR read section, with @hash from notification_index_hash().
 * Inline: it is most of a post. The two common cases are here: nobody
 * observes the key (no tag in its group matches, and the group has an
 * empty slot: a load and a few arithmetic instructions), or the first
 * tag that matches is the key's; anything else is out of line. */
static inline NotificationIndexKey *
notification_index_lookup (NotificationIndex *self,
                           guint              hash,
                           const char        *type,
                           gconstpointer      sender)
{
  NotificationIndexTable *table = __atomic_load_n (&self->table, __ATOMIC_ACQUIRE);
  gsize group = hash & table->group_mask;
  guint64 control = __atomic_load_n (&table->control[group], __ATOMIC_ACQUIRE);

  guint64 match = notification_index_group_match (control, notification_index_tag (hash));

  if (G_LIKELY (match == 0))
    {
      if (G_LIKELY (notification_index_group_match_empty (control) != 0))
        return NULL;
    }
  else
    {
      gsize slot = group * NOTIFICATION_INDEX_GROUP_SLOTS + (guint) __builtin_ctzll (match) / NOTIFICATION_INDEX_LANE_BITS;
      NotificationIndexKey *key = __atomic_load_n (&table->keys[slot], __ATOMIC_ACQUIRE);

      if (G_LIKELY (key != NULL && key->hash == hash) && notification_index_key_equal (key, type, sender))
        return key;
    }

  return notification_index_lookup_slow (table, group, hash, type, sender);
}

typedef void (*NotificationIndexFunc) (NotificationIndexKey *key,
                                       gpointer              data);

/* Allocates (zeroed) an entry of @struct_size bytes whose key is at
 * @key_offset, with room for @type, and fills the key: the caller fills
 * the rest, then publishes it with notification_index_insert() or
 * notification_index_replace(). Free it with g_free(). */
gpointer           notification_index_entry_new  (gsize                 struct_size,
                                                  gsize                 key_offset,
                                                  const char           *type,
                                                  gconstpointer         sender);

NotificationIndex *notification_index_new        (NotificationLock     *lock);
void               notification_index_free       (NotificationIndex    *self);
void               notification_index_insert     (NotificationIndex    *self,
                                                  NotificationIndexKey *key);
void               notification_index_replace    (NotificationIndex    *self,
                                                  NotificationIndexKey *key,
                                                  NotificationIndexKey *replacement);
void               notification_index_remove     (NotificationIndex    *self,
                                                  NotificationIndexKey *key);
GPtrArray         *notification_index_steal_all  (NotificationIndex    *self);
void               notification_index_foreach    (NotificationIndex    *self,
                                                  NotificationIndexFunc func,
                                                  gpointer              data);
gsize              notification_index_get_n_slots (NotificationIndex   *self);

G_END_DECLS
