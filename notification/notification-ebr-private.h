/* notification-ebr-private.h: epoch-based reclamation
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Posting threads read the center's index without taking a lock. Writers
 * (adding and removing observers) change it under the center's mutex and
 * hand what they unlink to notification_ebr_retire(); it is freed only
 * once every thread that was reading when it was unlinked has left its
 * read section. A read section costs one store to a thread-local slot
 * (sequentially consistent) on entry and a release store on exit; nothing
 * is shared between readers, so posting threads do not contend.
 *
 * A read section may be long (it covers the observers' calls, which may
 * post again: sections nest), but a thread that stays in one forever only
 * delays reclamation; it never blocks a writer.
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _NotificationEbrNode NotificationEbrNode;
typedef void (*NotificationEbrFreeFunc) (NotificationEbrNode *node);

struct _NotificationEbrNode
{
  NotificationEbrNode     *next;
  NotificationEbrFreeFunc  free_func;
};

typedef struct _NotificationEbrThread NotificationEbrThread;

struct _NotificationEbrThread
{
  guint64                state;   /* (atomic) epoch << 1 | 1 while reading, else 0 */
  guint                  nesting; /* owned by the thread */
  gint                   in_use;  /* (atomic) claimed by a live thread */
  NotificationEbrThread *next;    /* immutable once published */
};

extern __thread NotificationEbrThread *_notification_ebr_self;
extern guint64 _notification_ebr_epoch;

NotificationEbrThread *_notification_ebr_register (void);

static inline void
notification_ebr_enter (void)
{
  NotificationEbrThread *self = _notification_ebr_self;

  if (G_UNLIKELY (self == NULL))
    self = _notification_ebr_register ();

  if (self->nesting++ == 0)
    {
      guint64 epoch = __atomic_load_n (&_notification_ebr_epoch, __ATOMIC_RELAXED);

      /* Sequentially consistent: the index loads that follow cannot be
       * performed before the reclaimer can see this thread reading. */
      __atomic_store_n (&self->state, (epoch << 1) | 1, __ATOMIC_SEQ_CST);
    }
}

static inline void
notification_ebr_leave (void)
{
  NotificationEbrThread *self = _notification_ebr_self;

  if (--self->nesting == 0)
    __atomic_store_n (&self->state, 0, __ATOMIC_RELEASE);
}

void  notification_ebr_retire       (NotificationEbrNode     *node,
                                     NotificationEbrFreeFunc  free_func);
void  notification_ebr_reclaim      (void);
void  notification_ebr_collect      (void);
gsize notification_ebr_get_n_pending (void);

G_END_DECLS
