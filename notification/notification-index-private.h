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

#include <glib-object.h>

#include "notification-ebr-private.h"
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
  char                   *type;          /* (owned) (nullable): NULL is every type */
  gconstpointer           sender;        /* (nullable): NULL is every sender */

  /* Observers of this key, in id order (the order they were added). */
  NotificationObserver   *head;          /* (atomic) */
  NotificationObserver   *tail;          /* protected by the registry lock */

  /* For a specific sender: the sender's watch, and the other entries of
   * the same sender. Protected by the registry lock. */
  NotificationWatch      *watch;
  NotificationIndexEntry *watch_prev;
  NotificationIndexEntry *watch_next;

  /* For entries of a schema index. */
  NotificationSchema     *schema;        /* (owned) (nullable) */
};

static inline guint
notification_index_hash_type (const char *type)
{
  guint32 h = 2166136261u;

  if (type == NULL)
    return 0x9e3779b9u;

  for (const guchar *p = (const guchar *) type; *p != '\0'; p++)
    h = (h ^ *p) * 16777619u;

  return h;
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

NotificationIndex      *notification_index_new       (void);
void                    notification_index_free      (NotificationIndex      *self);
NotificationIndexEntry *notification_index_lookup    (NotificationIndex      *self,
                                                      guint                   hash,
                                                      const char             *type,
                                                      gconstpointer           sender);
NotificationIndexEntry *notification_index_add       (NotificationIndex      *self,
                                                      const char             *type,
                                                      gconstpointer           sender);
void                    notification_index_remove    (NotificationIndex      *self,
                                                      NotificationIndexEntry *entry);
GPtrArray              *notification_index_steal_all (NotificationIndex      *self);
void                    notification_index_entry_retire (NotificationIndexEntry *entry);

G_END_DECLS
