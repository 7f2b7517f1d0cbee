/* notification-queue-private.h: deliveries of one center on one main context
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * All the main-context observers of one center on one GMainContext share
 * one queue, a GSource attached to that context, so a frontend sees their
 * calls in the order the posts were made, across types and observers.
 *
 * Order: a post adds its calls for a queue in one piece, under the queue
 * lock, in the order its observers were added. A post that calls a
 * synchronous observer (which may post again, on this thread) first
 * reserves its place in the queues it has calls for with a placeholder;
 * a nested post reserves places for the posts it is nested in in any
 * other queue it adds to (the posts of a thread form a stack). The calls
 * a post adds later go before its placeholder, a nested post's after it,
 * and the context does not dispatch past a placeholder until its post is
 * done. So the calls of each post stay together, posts from one thread
 * keep the order in which they started, and posts from several threads
 * are in the one order in which they took the queue lock.
 *
 * Lifetime: the queue does not keep its context alive. When the context
 * is finalized its sources are destroyed; the queue then drops its calls,
 * runs the destroy notifies waiting in it and tells its owner (the
 * registry), which removes the queue's observers. Removing an observer
 * drops its queued calls at once and queues its destroy notify, which
 * then runs on the context after the observer's last call (GDBus's rule);
 * on a dead queue it runs at once.
 *
 * Locks: the queue lock is taken after the registry lock, never before;
 * GLib's context lock after the queue lock (g_source_set_ready_time()).
 * No user code runs with the queue lock held.
 *
 * The GSource: only its context holds it. Another thread may find a
 * context being finalized at any moment, so it touches the source only
 * with the queue lock held and while the queue is not dead: the context's
 * finalization destroys the source, and the source's callback destroy
 * notify, which marks the queue dead, needs that lock. The queue never
 * destroys or unrefs the source itself: an orphaned queue wakes it, and
 * its dispatch, on the context's thread, removes it.
 */

#pragma once

#include <glib-object.h>

#include "notification-center.h"
#include "notification-lock-private.h"

G_BEGIN_DECLS

typedef struct _NotificationQueue     NotificationQueue;
typedef struct _NotificationQueueItem NotificationQueueItem;
typedef struct _NotificationObserverExt NotificationObserverExt;

/* Called once, without locks, on the thread that finalizes the context. */
typedef void (*NotificationQueueFunc) (NotificationQueue *queue,
                                       gpointer           data);

/* A shared drop counter: the center's `n-dropped`. */
typedef struct
{
  gint    ref_count;  /* (atomic) */
  guint64 value;      /* (atomic) */
} NotificationCounter;

struct _NotificationQueue
{
  gint                     ref_count;  /* (atomic) the registry's table, each observer, each post adding to it */
  GMainContext            *context;    /* (unowned) the key in the registry's table */
  GWeakRef                 center;
  NotificationCounter     *dropped;    /* (owned) */

  /* Protected by the registry lock. */
  NotificationObserverExt *observers;  /* linked by their queue_prev/queue_next */

  NotificationLock         lock;
  /* Protected by @lock. */
  NotificationQueueItem   *head;
  NotificationQueueItem   *tail;
  GSource                 *source;     /* (unowned) held by the context alone; NULL once dead */
  guint                    n_calls;
  guint                    max_calls;  /* 0: unbounded */
  gboolean                 armed;      /* the source's ready time is 0 */
  gboolean                 dead;       /* the context's sources were destroyed */
  gboolean                 orphaned;   /* the registry let it go */
  NotificationQueueFunc    func;
  gpointer                 func_data;  /* (owned) */
  GDestroyNotify           func_data_destroy;
};

NotificationCounter *notification_counter_new   (void);
NotificationCounter *notification_counter_ref   (NotificationCounter *self);
void                 notification_counter_unref (NotificationCounter *self);

NotificationQueue *notification_queue_new          (GMainContext          *context,
                                                    NotificationCenter    *center,
                                                    NotificationCounter   *dropped,
                                                    NotificationQueueFunc  func,
                                                    gpointer               data,
                                                    GDestroyNotify         data_destroy);
NotificationQueue *notification_queue_ref          (NotificationQueue     *self);
void               notification_queue_unref        (NotificationQueue     *self);
void               notification_queue_orphan       (NotificationQueue     *self);
void               notification_queue_set_limit    (NotificationQueue     *self,
                                                    guint                  max_calls);
void               notification_queue_set_priority (NotificationQueue     *self,
                                                    int                    priority);
void               notification_queue_drop_calls   (NotificationQueue     *self,
                                                    NotificationObserverExt *observer);
void               notification_queue_push_destroy (NotificationQueue     *self,
                                                    NotificationObserverExt *observer);
guint              notification_queue_get_current_dropped (NotificationCenter    *center);

/* What one post adds to the queues of its main-context observers. Lives
 * on the posting thread's stack, inside the post's EBR read section. */
typedef struct
{
  NotificationQueue     *queue;
  NotificationQueueItem *first;        /* calls not added yet */
  NotificationQueueItem *last;
  NotificationQueueItem *placeholder;  /* (nullable) reserved place */
} NotificationQueueBatchSlot;

typedef struct _NotificationQueueBatch NotificationQueueBatch;

struct _NotificationQueueBatch
{
  NotificationQueueBatch     *outer;   /* the post this one is nested in, on this thread */
  guint                       n_slots;
  NotificationQueueBatchSlot *slots;
  NotificationQueueBatchSlot  inline_slots[2];
};

void notification_queue_batch_init    (NotificationQueueBatch  *batch);
void notification_queue_batch_add     (NotificationQueueBatch  *batch,
                                       NotificationObserverExt *observer,
                                       const char              *type,
                                       GObject                 *sender,
                                       GVariant                *user_info);
void notification_queue_batch_reserve (NotificationQueueBatch  *batch);
void notification_queue_batch_finish  (NotificationQueueBatch  *batch);

G_END_DECLS
