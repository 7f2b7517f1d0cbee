/* notification-observer-private.h: one registered observer
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * An observer's @state counts its running calls and has a bit that marks
 * it removed. A call starts only while the bit is clear (compare and
 * swap), so no call starts once removal has set it; whoever brings the
 * state to "removed, no call running" (the remover, or the last running
 * call) runs the destroy notify, exactly once.
 *
 * Observers that are tied to an owner object or delivered on a main
 * context carry the extra fields of NotificationObserverExt.
 */

#pragma once

#include "notification-center.h"
#include "notification-lock-private.h"
#include "notification-observer-list-private.h"
#include "notification-queue-private.h"
#include "notification-slab-private.h"

G_BEGIN_DECLS

typedef struct _NotificationWatch NotificationWatch;

/* An observer's state word: its sequence number (the order observers
 * were added in; 46 bits, which at one add every 50 ns last more than a
 * month before they wrap, and comparisons are wrap-safe beyond that for
 * observers less than 2^45 adds apart), two flags and the number of its
 * calls running (16 bits: recursion deeper than that is not supported). */
#define NOTIFICATION_OBSERVER_CALLS   G_GUINT64_CONSTANT (0xffff)
#define NOTIFICATION_OBSERVER_EXT     (G_GUINT64_CONSTANT (1) << 16)  /* immutable */
#define NOTIFICATION_OBSERVER_REMOVED (G_GUINT64_CONSTANT (1) << 17)
#define NOTIFICATION_OBSERVER_SEQ_SHIFT 18
#define NOTIFICATION_OBSERVER_SEQ_MASK  ((G_GUINT64_CONSTANT (1) << (64 - NOTIFICATION_OBSERVER_SEQ_SHIFT)) - 1)


/* 56 bytes: a slab cell (notification-slab-private.h). The second word
 * (@callback) is never NULL while the cell is allocated. */
struct _NotificationObserver
{
  /* Read by posting threads. */
  NotificationObserver *next;            /* (atomic) next in the entry's list */
  NotificationCallback  callback;
  gpointer              user_data;
  guint64               state;           /* (atomic) sequence number, REMOVED, EXT, running calls */

  /* Writers only (registry lock); reused as the EBR node once unlinked. */
  union {
    struct {
      NotificationObserver     *prev;  /* the list's last observer, for its head */
      NotificationObserverList *list;
    };
    NotificationEbrNode       ebr;
  };
  GDestroyNotify        destroy;
};

struct _NotificationObserverExt
{
  NotificationObserver     base;
  gulong                   id;
  gint                     ref_count;    /* (atomic) the index holds one, each queued item one */
  guint                    flags;        /* NotificationObserverFlags, immutable */

  /* For an observer called on a main context: its context's queue. */
  NotificationQueue       *queue;        /* (owned) (nullable) immutable */
  NotificationQueueItem   *calls;        /* its queued calls; queue lock */
  guint                    n_dropped;    /* calls dropped since its last call; queue lock */
  NotificationObserverExt *queue_prev;   /* the queue's other observers; registry lock */
  NotificationObserverExt *queue_next;

  /* The owner's watch and its other observers; registry lock. */
  NotificationWatch       *owner_watch;
  NotificationObserverExt *owner_prev;
  NotificationObserverExt *owner_next;
};

NotificationObserver *notification_observer_new         (NotificationSlab     *slab,
                                                         guint64               seq,
                                                         NotificationCallback  callback,
                                                         gpointer              user_data,
                                                         GDestroyNotify        destroy,
                                                         guint32              *cell);
NotificationObserver *notification_observer_new_ext     (guint64               seq,
                                                         NotificationQueue    *queue,
                                                         guint                 flags,
                                                         NotificationCallback  callback,
                                                         gpointer              user_data,
                                                         GDestroyNotify        destroy);
NotificationObserverExt *notification_observer_ext_ref   (NotificationObserverExt *self);
void                  notification_observer_ext_unref   (NotificationObserverExt *self);
void                  notification_observer_call        (NotificationObserver *self,
                                                         NotificationCenter   *center,
                                                         const char           *type,
                                                         GObject              *sender,
                                                         GVariant             *user_info);
void                  notification_observer_run_destroy (NotificationObserver *self);
gboolean              notification_observer_mark_removed  (NotificationObserver *self);
void                  notification_observer_finish_remove (NotificationObserver *self,
                                                           gboolean              destroy);

static inline gboolean
notification_observer_is_ext (NotificationObserver *self)
{
  return (__atomic_load_n (&self->state, __ATOMIC_RELAXED) & NOTIFICATION_OBSERVER_EXT) != 0;
}

/* Whether interest reports count the observer: all but forwarders
 * (NOTIFICATION_OBSERVER_FORWARDER, which only an ext observer has). */
static inline gboolean
notification_observer_is_reported (NotificationObserver *self)
{
  return !notification_observer_is_ext (self) ||
         (((NotificationObserverExt *) self)->flags & NOTIFICATION_OBSERVER_FORWARDER) == 0;
}

static inline gboolean
notification_observer_is_removed (NotificationObserver *self)
{
  return (__atomic_load_n (&self->state, __ATOMIC_ACQUIRE) & NOTIFICATION_OBSERVER_REMOVED) != 0;
}

/* The queue of an observer called on a main context, or NULL. */
static inline NotificationQueue *
notification_observer_get_queue (NotificationObserver *self)
{
  return notification_observer_is_ext (self) ? ((NotificationObserverExt *) self)->queue : NULL;
}

static inline guint64
notification_observer_get_seq (const NotificationObserver *self)
{
  return __atomic_load_n (&self->state, __ATOMIC_RELAXED) >> NOTIFICATION_OBSERVER_SEQ_SHIFT;
}

/* Whether sequence number @a comes before @b, allowing for wrapping. */
static inline gboolean
notification_observer_seq_before (guint64 a,
                                  guint64 b)
{
  guint64 d = (a - b) & NOTIFICATION_OBSERVER_SEQ_MASK;

  return d != 0 && d > (NOTIFICATION_OBSERVER_SEQ_MASK >> 1);
}

/* Whether @a was added before @b. */
static inline gboolean
notification_observer_before (const NotificationObserver *a,
                              const NotificationObserver *b)
{
  return notification_observer_seq_before (notification_observer_get_seq (a),
                                           notification_observer_get_seq (b));
}

G_END_DECLS
