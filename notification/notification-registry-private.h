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
#include "notification-index-private.h"
#include "notification-lock-private.h"

G_BEGIN_DECLS

typedef struct _NotificationRegistry NotificationRegistry;

struct _NotificationRegistry
{
  /* Read by posting threads without a lock; changed under @lock. */
  guint              n_observers;  /* (atomic) */
  guint              n_schemas;    /* (atomic) */
  guint              n_keys[4];    /* (atomic) entries of each key kind */
  gulong             last_id;      /* (atomic) the newest observer's id */
  NotificationIndex *index;        /* observers' entries */
  NotificationIndex *schemas;      /* schema entries, keyed by (type, NULL) */

  gint               ref_count;    /* (atomic) */
  NotificationLock   lock;

  /* Protected by @lock. */
  GHashTable        *observers;    /* set of &observer->id: a set stores no value array */
  GHashTable        *watches;      /* (element-type GObject NotificationWatch) object → watch */
  gboolean           shut_down;
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
                                                             NotificationCallback  callback,
                                                             gpointer              user_data,
                                                             GDestroyNotify        destroy);
void                  notification_registry_remove          (NotificationRegistry *self,
                                                             gulong                id);
void                  notification_registry_remove_all      (NotificationRegistry *self);
guint                 notification_registry_get_n_observers (NotificationRegistry *self);

/* Only worth calling when notification_registry_has_any() (dispatch), or
 * notification_registry_has_schemas() (validate). */
gboolean              notification_registry_has             (NotificationRegistry *self,
                                                             const char           *type,
                                                             gpointer              sender);
gboolean              notification_registry_dispatch        (NotificationRegistry *self,
                                                             NotificationCenter   *center,
                                                             const char           *type,
                                                             GObject              *sender,
                                                             GVariant             *user_info);
gboolean              notification_registry_validate        (NotificationRegistry *self,
                                                             const char           *type,
                                                             GVariant             *user_info,
                                                             GError              **error);
NotificationSchema   *notification_registry_dup_schema      (NotificationRegistry *self,
                                                             const char           *type);

void                  notification_registry_watch_notify    (gpointer              data,
                                                             GObject              *where_the_object_was);

void                  notification_registry_set_schema      (NotificationRegistry *self,
                                                             const char           *type,
                                                             NotificationSchema   *schema);

G_END_DECLS
