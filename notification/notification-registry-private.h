/* notification-registry-private.h: the observer engine of a center
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The registry keeps a center's observers, indexed by (type, sender), and
 * the weak references that remove observers when their sender or owner
 * is finalized. It is reference counted apart from the center so that a
 * sender finalized on one thread while the center is finalized on another
 * never touches freed memory.
 */

#pragma once

#include "notification-center.h"
#include "notification-ebr-private.h"
#include "notification-id-table-private.h"
#include "notification-index-private.h"
#include "notification-lock-private.h"
#include "notification-observer-list-private.h"
#include "notification-queue-private.h"
#include "notification-schema.h"
#include "notification-slab-private.h"

G_BEGIN_DECLS

typedef struct _NotificationRegistry NotificationRegistry;
typedef struct _NotificationInterestHub NotificationInterestHub;

struct _NotificationRegistry
{
  /* Read by posting threads without a lock; changed under @lock. */
  guint              n_observers;  /* (atomic) */
  guint              n_schemas;    /* (atomic) */
  guint              n_keys[4];    /* entries of each key kind; protected by @lock */
  guint              key_kinds;    /* (atomic) bit k set while n_keys[k] != 0: one load for a post */
  guint64            last_seq;     /* (atomic) the newest observer's sequence number */
  NotificationIndex *index;        /* observers' entries */
  NotificationIndex *schemas;      /* schema entries, keyed by (type, NULL) */

  gint               ref_count;    /* (atomic) */
  NotificationLock   lock;

  /* Protected by @lock. */
  NotificationSlab  *slab;         /* (owned) the plain observers' cells */
  NotificationIdTable ext_observers; /* the other observers, by id */
  GHashTable        *watches;      /* (element-type GObject NotificationWatch) object → watch */
  GHashTable        *queues;       /* (element-type GMainContext NotificationQueue) (owned values) context → queue */
  NotificationCounter *dropped;    /* (owned) calls dropped by full queues */
  guint              n_empty_entries; /* entries of every sender kept without observers */
  gboolean           shut_down;
  NotificationInterestHub *interest; /* (owned) (nullable) made by the first watcher (notification-interest-private.h) */
};

/* Whether any observer at all is registered: one atomic load, the whole
 * cost of a post when nobody observes anything. */
static inline gboolean
notification_registry_has_any (NotificationRegistry *self)
{
  return __atomic_load_n (&self->n_observers, __ATOMIC_ACQUIRE) != 0;
}

static inline gboolean
notification_registry_has_schemas (NotificationRegistry *self)
{
  return __atomic_load_n (&self->n_schemas, __ATOMIC_ACQUIRE) != 0;
}

NotificationRegistry *notification_registry_new             (void);
NotificationRegistry *notification_registry_ref             (NotificationRegistry *self);
void                  notification_registry_unref           (NotificationRegistry *self);
void                  notification_registry_shutdown        (NotificationRegistry *self);

gulong                notification_registry_add             (NotificationRegistry *self,
                                                             NotificationCenter   *center,
                                                             const char           *type,
                                                             GObject              *sender,
                                                             GObject              *owner,
                                                             GMainContext         *context,
                                                             guint                 flags,
                                                             NotificationCallback  callback,
                                                             gpointer              user_data,
                                                             GDestroyNotify        destroy);
void                  notification_registry_remove          (NotificationRegistry *self,
                                                             gulong                id);
void                  notification_registry_remove_all      (NotificationRegistry *self);
guint                 notification_registry_get_n_observers (NotificationRegistry *self);
void                  notification_registry_set_queue_limit (NotificationRegistry *self,
                                                             NotificationCenter   *center,
                                                             GMainContext         *context,
                                                             guint                 max_calls);
void                  notification_registry_set_queue_priority (NotificationRegistry *self,
                                                                NotificationCenter   *center,
                                                                GMainContext         *context,
                                                                int                   priority);
guint64               notification_registry_get_n_dropped   (NotificationRegistry *self);

/* Only worth calling when notification_registry_has_any() (dispatch), or
 * notification_registry_has_schemas() (validate). */
gboolean              notification_registry_has             (NotificationRegistry *self,
                                                             const char           *type,
                                                             gpointer              sender);
void                  notification_registry_deliver         (NotificationRegistry    *self,
                                                             NotificationObserverList **matches,
                                                             guint                    n_matches,
                                                             guint64                  last_seq,
                                                             NotificationCenter      *center,
                                                             const char              *type,
                                                             GObject                 *sender,
                                                             GVariant                *user_info);
gboolean              notification_registry_validate        (NotificationRegistry *self,
                                                             const char           *type,
                                                             GVariant             *user_info,
                                                             GError              **error);
gboolean              notification_registry_has_schema      (NotificationRegistry *self,
                                                             const char           *type);
NotificationSchema   *notification_registry_dup_schema      (NotificationRegistry *self,
                                                             const char           *type);

void                  notification_registry_set_schema      (NotificationRegistry *self,
                                                             const char           *type,
                                                             NotificationSchema   *schema);
void                  notification_registry_retire_schemas  (GPtrArray            *keys);

/* Which of the four kinds of key an entry has: a specific type and sender,
 * a type from every sender, every type from a sender, everything. */
enum {
  NOTIFICATION_KEY_TYPE_SENDER = 0,
  NOTIFICATION_KEY_TYPE        = 1,
  NOTIFICATION_KEY_SENDER      = 2,
  NOTIFICATION_KEY_ANY         = 3,
};
#define NOTIFICATION_REGISTRY_KEY_KIND(type, sender) (((type) == NULL ? 2 : 0) | ((sender) == NULL ? 1 : 0))

/* The unobserved path, inline in the post: the read section, the hash of
 * the type and one lookup per kind of key in use. */

NotificationObserverList *notification_registry_find_key_exact (NotificationRegistry *self,
                                                                const char           *type,
                                                                guint                 hash,
                                                                gconstpointer         sender);

/* Whether @key may be the key (@typed, @sender) of @hash: all but the
 * type compared. */
static inline gboolean
notification_registry_key_candidate (NotificationIndexKey *key,
                                     guint                 hash,
                                     gboolean              typed,
                                     gconstpointer         sender)
{
  return key != NULL && key->hash == hash && key->sender == sender && (key->type[0] != '\0') == typed;
}

/*
 * notification_registry_lookup_observed:
 * @typed: whether the key has a type
 *
 * The lookup of a post, without strcmp() (a call on the path of a post
 * that nobody observes costs every such post the spills around it): the
 * first list with @hash and @sender, a type if @typed and none
 * otherwise, that has observers (head not NULL). The index's own probe
 * (notification_index_lookup()), with the registry's comparison, and
 * all of it inline: it calls nothing.
 *
 * For a key without a type that is the key's list, if it has observers.
 * For a key with a type, the type is not compared: confirm it with
 * notification_registry_match_confirm(). A list of another type with the
 * same hash and sender is all but impossible; where the caller finds one,
 * it looks up again with notification_index_lookup(). Lists without
 * observers are passed over: the key's own list is the only one of its
 * key, so none of them can hide the list of the key. Inside an EBR read
 * section.
 */
static inline __attribute__((always_inline)) NotificationObserverList *
notification_registry_lookup_observed (NotificationRegistry *self,
                                       guint                 hash,
                                       gboolean              typed,
                                       gconstpointer         sender)
{
  NotificationIndexTable *table = __atomic_load_n (&self->index->table, __ATOMIC_ACQUIRE);
  guint tag = notification_index_tag (hash);
  gsize group = hash & table->group_mask;

  for (gsize stride = 1;; stride++)
    {
      guint64 control = __atomic_load_n (&table->control[group], __ATOMIC_ACQUIRE);

      for (guint64 match = notification_index_group_match (control, tag); G_UNLIKELY (match != 0); match &= match - 1)
        {
          gsize slot = group * NOTIFICATION_INDEX_GROUP_SLOTS +
                       (guint) __builtin_ctzll (match) / NOTIFICATION_INDEX_LANE_BITS;
          NotificationIndexKey *key = __atomic_load_n (&table->keys[slot], __ATOMIC_ACQUIRE);

          if (notification_registry_key_candidate (key, hash, typed, sender) &&
              notification_observer_list_peek (notification_observer_list_from_key (key)) != NULL)
            return notification_observer_list_from_key (key);
        }

      if (G_LIKELY (notification_index_group_match_empty (control) != 0))
        return NULL;

      /* Triangular probing, as the index's. */
      group = (group + stride) & table->group_mask;
    }
}

/* The list of one key, if it has observers: the candidate of
 * notification_registry_lookup_observed(), confirmed. */
static inline __attribute__((always_inline)) NotificationObserverList *
notification_registry_find_key (NotificationRegistry *self,
                                const char           *type,
                                guint                 type_hash,
                                gconstpointer         sender)
{
  guint hash = notification_index_hash (type_hash, sender);
  NotificationObserverList *list = notification_registry_lookup_observed (self, hash, type != NULL, sender);

  if (G_UNLIKELY (list != NULL && type != NULL && strcmp (list->key.type, type) != 0))
    return notification_registry_find_key_exact (self, type, hash, sender);

  return list;
}

/* The first entry, in the order of the kinds of key, that may have
 * observers who want (type, sender), or NULL: what an unobserved post
 * looks up, without a call. The entry of a key with a type is a
 * candidate (notification_registry_lookup_observed()): confirm it with
 * notification_registry_match_confirm(). All this stores is @type_hash,
 * the type's hash, computed only if some observer names a type (else
 * left as it is). Each key count is loaded once, and a kind of key that
 * no entry has is not looked up. Inside an EBR read section: the entry
 * stays valid until it ends. */
static inline __attribute__((always_inline)) NotificationObserverList *
notification_registry_match_first (NotificationRegistry *self,
                                   const char           *type,
                                   gconstpointer         sender,
                                   guint                *type_hash)
{
  guint kinds = __atomic_load_n (&self->key_kinds, __ATOMIC_RELAXED) &
                (sender != NULL ? 0xfu : (1u << NOTIFICATION_KEY_TYPE) | (1u << NOTIFICATION_KEY_ANY));
  gboolean by_type_sender = (kinds & (1u << NOTIFICATION_KEY_TYPE_SENDER)) != 0;
  gboolean by_type = (kinds & (1u << NOTIFICATION_KEY_TYPE)) != 0;
  guint any_type_hash = notification_index_hash_type (NULL);
  NotificationObserverList *entry = NULL;

  if (by_type_sender || by_type)
    {
      *type_hash = notification_index_hash_type (type);
      if (by_type_sender &&
          (entry = notification_registry_lookup_observed (self,
                                                       notification_index_hash (*type_hash, sender),
                                                       TRUE, sender)) != NULL)
        return entry;
      if (by_type &&
          (entry = notification_registry_lookup_observed (self,
                                                       notification_index_hash (*type_hash, NULL),
                                                       TRUE, NULL)) != NULL)
        return entry;
    }

  if ((kinds & (1u << NOTIFICATION_KEY_SENDER)) != 0 &&
      (entry = notification_registry_lookup_observed (self,
                                                   notification_index_hash (any_type_hash, sender),
                                                   FALSE, sender)) != NULL)
    return entry;
  if ((kinds & (1u << NOTIFICATION_KEY_ANY)) != 0)
    entry = notification_registry_lookup_observed (self,
                                                notification_index_hash (any_type_hash, NULL),
                                                FALSE, NULL);

  return entry;
}

/* Whether @first, from notification_registry_match_first() for @type,
 * is the entry of its key: FALSE only for another type of the same hash
 * and sender, where the caller matches again with
 * notification_registry_match(). */
static inline gboolean
notification_registry_match_confirm (NotificationObserverList *first,
                                     const char               *type)
{
  return first->key.type[0] == '\0' || strcmp (first->key.type, type) == 0;
}

/* @first, from notification_registry_match_first() with @type_hash, and
 * the entries of the kinds of key after its own that want the post: at
 * most four. The same read section. */
static inline __attribute__((always_inline)) guint
notification_registry_match_rest (NotificationRegistry    *self,
                                  const char              *type,
                                  gconstpointer            sender,
                                  NotificationObserverList *first,
                                  guint                    type_hash,
                                  NotificationObserverList **matches)
{
  guint kind = NOTIFICATION_REGISTRY_KEY_KIND (notification_observer_list_get_type (first),
                                              notification_observer_list_get_sender (first));
  NotificationObserverList *entry;
  guint n = 0;

  matches[n++] = first;
  /* After a (type, sender) entry: match_first() computed @type_hash. */
  if (kind < NOTIFICATION_KEY_TYPE &&
      (__atomic_load_n (&self->key_kinds, __ATOMIC_RELAXED) & (1u << NOTIFICATION_KEY_TYPE)) != 0 &&
      (entry = notification_registry_find_key (self, type, type_hash, NULL)) != NULL)
    matches[n++] = entry;
  if (kind < NOTIFICATION_KEY_SENDER && sender != NULL &&
      (__atomic_load_n (&self->key_kinds, __ATOMIC_RELAXED) & (1u << NOTIFICATION_KEY_SENDER)) != 0 &&
      (entry = notification_registry_find_key (self, NULL, notification_index_hash_type (NULL), sender)) != NULL)
    matches[n++] = entry;
  if (kind < NOTIFICATION_KEY_ANY &&
      (__atomic_load_n (&self->key_kinds, __ATOMIC_RELAXED) & (1u << NOTIFICATION_KEY_ANY)) != 0 &&
      (entry = notification_registry_find_key (self, NULL, notification_index_hash_type (NULL), NULL)) != NULL)
    matches[n++] = entry;

  return n;
}

/* The entries whose observers want (type, sender), each kind of key
 * looked up with notification_index_lookup(): after a candidate that
 * notification_registry_match_confirm() refused. @type_hash is the
 * type's. */
static inline guint
notification_registry_match_exact (NotificationRegistry    *self,
                                   const char              *type,
                                   gconstpointer            sender,
                                   guint                    type_hash,
                                   NotificationObserverList **matches)
{
  guint n = 0;
  NotificationObserverList *entry;

  if (sender != NULL &&
      (entry = notification_registry_find_key (self, type, type_hash, sender)) != NULL)
    matches[n++] = entry;
  if ((entry = notification_registry_find_key (self, type, type_hash, NULL)) != NULL)
    matches[n++] = entry;
  if (sender != NULL &&
      (entry = notification_registry_find_key (self, NULL, notification_index_hash_type (NULL), sender)) != NULL)
    matches[n++] = entry;
  if ((entry = notification_registry_find_key (self, NULL, notification_index_hash_type (NULL), NULL)) != NULL)
    matches[n++] = entry;

  return n;
}

/* The entries whose observers want (type, sender), at most four. Inside
 * an EBR read section: the entries stay valid until it ends. */
static inline __attribute__((always_inline)) guint
notification_registry_match (NotificationRegistry    *self,
                             const char              *type,
                             gconstpointer            sender,
                             NotificationObserverList **matches)
{
  guint type_hash = 0;
  NotificationObserverList *first;

  first = notification_registry_match_first (self, type, sender, &type_hash);
  if (G_LIKELY (first == NULL))
    return 0;
  if (G_UNLIKELY (!notification_registry_match_confirm (first, type)))
    return notification_registry_match_exact (self, type, sender, type_hash, matches);

  return notification_registry_match_rest (self, type, sender, first, type_hash, matches);
}

typedef enum
{
  NOTIFICATION_DISPATCH_DONE,           /* nothing to release */
  NOTIFICATION_DISPATCH_HOLDING_CENTER, /* the caller unrefs @center */
  NOTIFICATION_DISPATCH_BAD_SENDER,     /* @sender is no GObject: nobody was called */
} NotificationDispatch;

/*
 * notification_registry_lookup:
 * @matches: (out caller-allocates): room for four entries
 * @last_seq: (out): the newest observer a post may call
 *
 * The first half of a dispatch: enters an EBR read section, reads
 * @last_seq before the lookup (every observer up to it is found:
 * Invariants, C3) and finds the entries that want the post.
 *
 * Returns: the number of @matches. When it is 0 the read section is
 *   already left; otherwise pass the matches to
 *   notification_registry_dispatch_matches(), which leaves it.
 */
static inline __attribute__((always_inline)) guint
notification_registry_lookup (NotificationRegistry    *self,
                              const char              *type,
                              gconstpointer            sender,
                              NotificationObserverList **matches,
                              guint64                 *last_seq)
{
  NotificationEbrThread *thread = notification_ebr_enter_thread ();
  guint n_matches;

  *last_seq = __atomic_load_n (&self->last_seq, __ATOMIC_ACQUIRE);
  n_matches = notification_registry_match (self, type, sender, matches);
  if (G_LIKELY (n_matches == 0))
    notification_ebr_leave_thread (thread);

  return n_matches;
}

/*
 * notification_registry_dispatch_matches:
 * @hold_center: whether the caller needs @center after the calls
 * @check_sender: whether @sender must be checked (it has not been)
 * @matches: what notification_registry_lookup() found, inside the read
 *   section it entered
 *
 * The second half of notification_registry_dispatch(): calls the
 * observers of @matches and leaves the read section.
 */
static inline NotificationDispatch
notification_registry_dispatch_matches (NotificationRegistry    *self,
                                        NotificationCenter      *center,
                                        gboolean                 hold_center,
                                        gboolean                 check_sender,
                                        const char              *type,
                                        GObject                 *sender,
                                        GVariant                *user_info,
                                        NotificationObserverList **matches,
                                        guint                    n_matches,
                                        guint64                  last_seq)
{
  if (check_sender && sender != NULL && !G_IS_OBJECT (sender))
    {
      notification_ebr_leave ();
      return NOTIFICATION_DISPATCH_BAD_SENDER;
    }

  if (hold_center)
    g_object_ref (center);
  notification_registry_deliver (self, matches, n_matches, last_seq, center, type, sender, user_info);
  notification_ebr_leave ();

  return hold_center ? NOTIFICATION_DISPATCH_HOLDING_CENTER : NOTIFICATION_DISPATCH_DONE;
}

/*
 * notification_registry_dispatch:
 * @hold_center: whether the caller needs @center after the calls
 * @check_sender: whether @sender must be checked (it has not been): it
 *   is, only if some observer matches
 *
 * Calls the matching observers in the order they were added.
 *
 * An observer may drop the last reference to @center. The center's
 * finalization then marks every observer removed, so no later observer
 * of this post is called with the dead center, and nothing here touches
 * the registry after the calls began. A caller that still needs @center
 * afterwards asks for a reference: that is an atomic write shared by all
 * the threads posting to the center, which the others avoid.
 *
 * Returns: %NOTIFICATION_DISPATCH_HOLDING_CENTER if @center was
 *   referenced (the caller unrefs it when it is done with it),
 *   %NOTIFICATION_DISPATCH_BAD_SENDER if @check_sender found @sender no
 *   GObject (nobody was called)
 */
static inline __attribute__((always_inline)) NotificationDispatch
notification_registry_dispatch (NotificationRegistry *self,
                                NotificationCenter   *center,
                                gboolean              hold_center,
                                gboolean              check_sender,
                                const char           *type,
                                GObject              *sender,
                                GVariant             *user_info)
{
  NotificationObserverList *matches[4];
  guint64 last_seq;
  guint n_matches;

  n_matches = notification_registry_lookup (self, type, sender, matches, &last_seq);
  if (G_LIKELY (n_matches == 0))
    return NOTIFICATION_DISPATCH_DONE;

  return notification_registry_dispatch_matches (self, center, hold_center, check_sender,
                                                 type, sender, user_info,
                                                 matches, n_matches, last_seq);
}

/* notification-registry.c: every observer of @callback (if @match_func)
 * and @user_data, removed as notification_registry_remove() would. */
guint                 notification_registry_remove_matching (NotificationRegistry *self,
                                                             gboolean              match_func,
                                                             NotificationCallback  callback,
                                                             gpointer              user_data);

G_END_DECLS
