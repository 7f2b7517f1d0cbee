/* notification-ebr-private.h: epoch-based reclamation
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Posting threads read the center's index without taking a lock. Writers
 * (adding and removing observers) change it under the center's mutex and
 * hand what they unlink to notification_ebr_retire(); it is freed only
 * once every thread that was reading when it was unlinked has left its
 * read section. A read section costs one store to the thread's own slot
 * on entry and one on exit: nothing is shared between readers, so
 * posting threads do not contend. Where Linux's membarrier() works the
 * entry store is a plain store and the reclaimer pays a membarrier()
 * once per batch of retirements ("asymmetric" mode); elsewhere, under
 * ThreadSanitizer (which does not model membarrier()), and when the
 * environment variable NOTIFICATION_EBR_FALLBACK is set to anything but
 * "" or "0" (read once, at the first read section or reclamation), the
 * entry store is followed by a sequentially consistent fence ("fallback"
 * mode), which pairs with the reclaimer's.
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

/* One cache line each: the store that starts a read section must not
 * bounce a line that another posting thread writes too. */
struct _NotificationEbrThread
{
  guint64                state;   /* (atomic) epoch << 1 | 1 while reading, else 0 */
  guint                  nesting; /* owned by the thread */
  gint                   in_use;  /* (atomic) claimed by a live thread */
  NotificationEbrThread *next;    /* immutable once published */
} __attribute__((aligned (64)));

/* initial-exec: a read of a register-relative slot rather than a call to
 * __tls_get_addr(); one pointer fits the static TLS that the C library
 * keeps for libraries loaded later (the typelib's dlopen()). */
extern __thread NotificationEbrThread *_notification_ebr_self
  __attribute__((tls_model ("initial-exec")));
extern guint64 _notification_ebr_epoch;
extern gboolean _notification_ebr_asymmetric;

NotificationEbrThread *_notification_ebr_register (void);

static inline void
notification_ebr_enter (void)
{
  NotificationEbrThread *self = _notification_ebr_self;

  if (G_UNLIKELY (self == NULL))
    self = _notification_ebr_register ();

  if (self->nesting++ == 0)
    {
      /* Acquire: the section's loads come after it (Invariants, A2). */
      guint64 state = (__atomic_load_n (&_notification_ebr_epoch, __ATOMIC_ACQUIRE) << 1) | 1;

      /* The index loads that follow must not be performed before the
       * reclaimer can see this thread reading. With membarrier() the
       * reclaimer forces that order on every running thread before it
       * looks, so a compiler barrier is enough here. Otherwise the
       * reclaimer's seq_cst fence needs one here to pair with: a seq_cst
       * store alone would still let the acquire loads after it be
       * performed first (store buffering). The mode is one load of a
       * variable that only changes before this thread's first section. */
      if (G_LIKELY (_notification_ebr_asymmetric))
        {
          __atomic_store_n (&self->state, state, __ATOMIC_RELAXED);
          __atomic_signal_fence (__ATOMIC_SEQ_CST);
        }
      else
        {
          __atomic_store_n (&self->state, state, __ATOMIC_RELEASE);
          __atomic_thread_fence (__ATOMIC_SEQ_CST);
        }
    }
}

static inline void
notification_ebr_leave (void)
{
  NotificationEbrThread *self = _notification_ebr_self;

  /* Release: the section's accesses come before it. No fence: a
   * reclaimer that does not see this store yet only waits. */
  if (--self->nesting == 0)
    __atomic_store_n (&self->state, 0, __ATOMIC_RELEASE);
}

void  notification_ebr_retire       (NotificationEbrNode     *node,
                                     NotificationEbrFreeFunc  free_func);
void  notification_ebr_reclaim      (void);
void  notification_ebr_collect      (void);

G_END_DECLS
