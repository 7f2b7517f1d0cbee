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
 * mode).
 *
 * A read section may be long (it covers the observers' calls, which may
 * post again: sections nest), but a thread that stays in one forever only
 * delays reclamation; it never blocks a writer.
 */

/*
 * Invariants
 * ==========
 *
 * One style: a field of ours that is shared without a lock, or written
 * by an atomic operation anywhere, is accessed only with the __atomic
 * builtins, each with its order spelled out (relaxed where a lock already
 * orders the accesses), never with g_atomic_* and never plainly once it
 * is published; g_atomic_* is left to GLib's own fields (a GObject's
 * ref_count).
 *
 * What posting without a lock rests on, and which atomic operation gives
 * each step. hb is C11's happens-before, sw synchronizes-with, S the
 * single total order of the seq_cst operations and fences, consistent
 * with hb; "later" is in an object's modification order. [SC] is the rule
 * for two fences: if A modifies M, A hb a seq_cst fence X, a seq_cst
 * fence Y hb B, which reads M, and X precedes Y in S, then B reads A or a
 * later value of M. C11 (7.17.3) words it with "sequenced before"; C++20
 * ([atomics.order], P0668) has it with hb, which is what the compilers'
 * mappings give on every target (full fences are cumulative). Under the
 * C11 wording the writer would need a seq_cst fence after each U: a
 * second locked instruction per retire, which buys nothing on hardware.
 *
 * A. Memory: nothing is freed while a reader may still use it.
 *
 * The operations (E is the global epoch, _notification_ebr_epoch):
 *
 *   unlink U   (writer, registry lock held) a release store that cuts a
 *              path to the object: a slot's key pointer set to NULL (after
 *              its control lane is marked deleted or empty), or a new
 *              table (notification-index.c: notification_index_remove(),
 *              index_rebuild(), notification_index_steal_all()), prev->next
 *              or list->head skipping an observer
 *              (notification_observer_list_unlink()). Every path from a
 *              shared root to an object (registry -> table -> key pointer
 *              -> entry -> head/next -> observer, and the frozen next of an
 *              observer already unlinked) is cut by such a store U that is
 *              sequenced before, or under the same lock before, its retire.
 *   retire     RL: e = fetch_add (E, 0, acq_rel); then a release CAS pushes
 *              the node onto ebr_garbage[e % 3]. It writes only the node's
 *              NotificationEbrNode, which no reader reads (an observer's
 *              overlays prev/list, writer-only; a table's is a field of its
 *              own; an index entry has none, notification_ebr_retire_pointer()
 *              allocates one).
 *   enter      (outermost, notification_ebr_enter_on(), which
 *              notification_ebr_enter() and _enter_thread() call)
 *              R_e: e_R = load (E, acquire)
 *              S:   store (state, e_R << 1 | 1): relaxed in asymmetric
 *                   mode, release in fallback mode
 *              F_R: a compiler barrier (asymmetric) or a seq_cst fence
 *                   (fallback); then the section's loads L of shared
 *                   pointers (acquire: index_lookup(), registry_lookup_observed(),
 *                   dispatch, deliver).
 *   leave      (outermost) store (state, 0, release); also at thread exit.
 *   advance    (ebr_try_advance_locked(), ebr_lock held) from k to k + 1:
 *              F_k: ebr_heavy_barrier(): seq_cst fence, membarrier(), seq_cst
 *                   fence (asymmetric; gives up if membarrier() fails), or
 *                   a seq_cst fence (fallback);
 *              LS:  seq_cst load of every slot's state; gives up if a thread
 *                   is reading with an epoch other than k;
 *              W:   fetch_add (E, 1, seq_cst), the epoch is now k + 1;
 *              X:   exchange (ebr_garbage[(k + 2) % 3], NULL, acq_rel); the
 *                   list is freed after ebr_lock is released.
 *
 * A1. Every write of E is a read-modify-write (RL adds 0, W adds 1), so
 * each one reads the last and heads a release sequence of all that follow:
 * RL sw every later W, and every earlier W sw RL. Hence for a node whose
 * RL read e: (a) U hb RL hb W(e -> e + 1): the unlink happens before the
 * epoch leaves e; (b) the X of the advance e - 2 -> e - 1, the last one to
 * empty list e % 3 before, hb W(e - 1 -> e) hb RL hb the push, so the push
 * is after that X and the node is freed by the X of e + 1 -> e + 2 or a
 * later one, never earlier. That is how retire stays lock-free: an epoch
 * that moved on between RL and the push only delays the node by three
 * epochs. (A seq_cst load for RL, as before, gives (b) but not (a):
 * nothing orders a release store U before a later load, so U could still
 * sit in the store buffer while the epoch moved on and a reader entered
 * in the new epoch with the old pointer; the next advance freed it.)
 *
 * A2. Let R be a reader whose load L read a pointer that U then overwrote
 * (L read a value older than U), and let the advance k -> k + 1 that frees
 * the node pass, k >= e + 1: U hb F_k (A1(a), then ebr_lock). The
 * advance's LS of R's slot reads:
 *
 *   - a value older than S (R is not seen). Fallback: if F_R precedes F_k
 *     in S, [SC] (S before F_R, F_k before LS) makes LS read S or later;
 *     otherwise [SC] (U hb F_k, F_R before L) makes L read U or later.
 *     Either way a contradiction: store buffering cannot hide R. Without
 *     F_R (a seq_cst store S and acquire loads L, as before) R has no
 *     fence for [SC], and LS and L may both read old values. Asymmetric:
 *     membarrier() returns only after every thread of the process has
 *     executed a full barrier M_R between its entry and its return (one
 *     that was not running passed one when it was switched out): a seq_cst
 *     fence between the reclaimer's fences before and after the call in
 *     S. M_R after S: [SC] with M_R for F_R and the fence after the call
 *     for F_k makes LS read S or later. M_R before S, so before L: U hb
 *     the fence before the call, which precedes M_R, and [SC] makes L read
 *     U or later. The compiler barrier keeps S before L in the code that
 *     the kernel orders.
 *   - S itself: the advance passes only if e_R = k >= e + 1, so R_e read the
 *     W that wrote k or a retire's RMW after it, in its release sequence:
 *     W sw R_e (acquire), and U hb W(e -> e + 1) hb that W hb R_e hb L, so
 *     L reads U or later: a contradiction. This is why R_e is an acquire
 *     load: otherwise, in asymmetric mode, L could be performed before R_e
 *     on weakly ordered hardware and pair an old pointer with a new epoch.
 *   - a later value: R's leave (release), or a later enter store, which
 *     in fallback mode is a release itself and in asymmetric mode
 *     continues the leave's release sequence (a later store of the same
 *     thread, C17 5.1.2.4; C++20 dropped that rule, but compilers do not
 *     merge atomic stores and processors commit the stores to one location
 *     in program order, a release one after the accesses before it). So
 *     every access of that section hb LS hb the free.
 *
 * So no reader that may hold the node is inside a read section when it is
 * freed. A thread whose slot is not in ebr_threads at LS registers under
 * ebr_lock after the advance released it, so its R_e reads k + 1 or later
 * and hb-follows U. The mode is settled before either side uses it:
 * ebr_init_asymmetric() runs under g_once before a thread's first enter
 * (_notification_ebr_register()) and before every advance. Leave needs no
 * fence: a release store is all the third case uses, and a reclaimer that
 * misses it only waits.
 *
 * B. Calls: no call starts once an observer is removed, and its destroy
 * notify runs exactly once, after the last call (notification-observer.c).
 *
 * The observer's state word holds the removed bit, the running calls and
 * the sequence number. remove marks it with fetch_or (REMOVED, acq_rel)
 * (notification_observer_mark_removed()), under the registry lock, after
 * the unlink; a call begins with a CAS that adds one only while REMOVED is
 * clear (observer_begin_call(), acquire) and ends with sub_fetch (1,
 * acq_rel) (observer_end_call()). These are all read-modify-writes of one
 * word, totally ordered, and REMOVED is never cleared:
 *
 * B1. A call that begins is before the fetch_or in that order. A post
 * that remove_observer()'s return happens before (it returns after the
 * fetch_or, or finds the observer gone, which another remover marked
 * under the same lock) reads a state with REMOVED and calls nothing, even
 * if it stands on the observer already: EBR keeps the memory.
 * B2. The fetch_or sees c calls running and no call is added after it. If
 * c = 0 the remover runs the destroy notify (pending_finish(), after the
 * lock); otherwise exactly one end_call takes the count to 0 with REMOVED
 * set and runs it. Each end_call is a release in the chain of RMWs that
 * the last one (or the fetch_or) reads with acquire, so every call hb the
 * destroy notify. The observer is retired only after the destroy notify
 * that is the remover's (notification_observer_finish_remove()); a call
 * still running is inside a read section (synchronous observers) or holds
 * a reference on the observer (a queued call of a main-context
 * observer, notification-queue.c), so the memory outlives the call even
 * when the observer is retired first.
 * B3. A main-context observer's queued calls each begin with the same CAS
 * on the context, so none runs after removal; removal also drops them
 * (notification_queue_drop_calls(), under the queue lock), and a post
 * still holding one adds it only if REMOVED is clear under that lock
 * (batch_slot_flush_locked()), so none stays queued. Its destroy notify,
 * due at the point B2 names, is queued behind its calls
 * (notification_queue_push_destroy()) and runs on the context, where its
 * calls run: after the last one. On a queue whose context is gone, it
 * runs at once; either way once, because B2 picks one point.
 *
 * C. Which observers a post reaches, in which order
 * (notification_registry_deliver()).
 *
 * C1. registry_add(), under the registry lock: seq = last_seq + 1 (46 bits,
 * compared wrap-safe), written into state before the observer is
 * published by a release store of tail->next or list->head at the tail of
 * its list (notification_observer_list_append()); then last_seq is stored
 * (release). Every list is in
 * increasing seq; an unlink leaves the unlinked observer's next as it was,
 * pointing further down the list, so a walk, even from a removed observer,
 * meets increasing seqs. A seq read through such a pointer (relaxed) is
 * right: the pointer was read with acquire from a store that hb-follows
 * the publication, and RMWs on state never change its seq bits.
 * C2. dispatch (and notification_center_post()'s own path, which hands
 * s and its first match to the rest of the lookup) reads s = load
 * (last_seq, acquire) first, then looks up the matching lists, then
 * deliver reads their heads (acquire), and
 * calls only observers with seq <= s. An observer whose add stored
 * last_seq after the value the post read, including one added by the
 * post's own observers, has seq > s and is not called.
 * C3. An observer with seq <= s was added before: its add hb the load of s
 * (release/acquire on last_seq, and the registry lock for earlier adds),
 * and so do the creation of its list and the key counts, published
 * under the same lock before last_seq; the lookup and the head/next
 * loads, after the load of s, see it linked unless it was unlinked since.
 * So a post calls exactly the observers added before the moment it read
 * s, less those removed first (B1).
 * C4. Each step calls the smallest seq among the (at most four) cursors;
 * with every list increasing, the calls of a post are in increasing seq,
 * the order of the adds.
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

/* This thread's slot, or NULL before its first read section. */
static inline NotificationEbrThread *
notification_ebr_get_thread (void)
{
  return _notification_ebr_self;
}

/* Enters a read section on @self, this thread's slot (not NULL). */
static inline void
notification_ebr_enter_on (NotificationEbrThread *self)
{
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
      if (G_LIKELY (__atomic_load_n (&_notification_ebr_asymmetric, __ATOMIC_RELAXED)))
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

/* Enters a read section and returns the thread's slot, for
 * notification_ebr_leave_thread(): it saves the second load of the
 * thread-local pointer. */
static inline NotificationEbrThread *
notification_ebr_enter_thread (void)
{
  NotificationEbrThread *self = notification_ebr_get_thread ();

  if (G_UNLIKELY (self == NULL))
    self = _notification_ebr_register ();
  notification_ebr_enter_on (self);

  return self;
}

/* Leaves the section that notification_ebr_enter_thread() returned
 * @self for, on the same thread. */
static inline void
notification_ebr_leave_thread (NotificationEbrThread *self)
{
  /* Release: the section's accesses come before it. No fence: a
   * reclaimer that does not see this store yet only waits. */
  if (--self->nesting == 0)
    __atomic_store_n (&self->state, 0, __ATOMIC_RELEASE);
}

static inline void
notification_ebr_enter (void)
{
  notification_ebr_enter_thread ();
}

static inline void
notification_ebr_leave (void)
{
  notification_ebr_leave_thread (_notification_ebr_self);
}

void  notification_ebr_retire       (NotificationEbrNode     *node,
                                     NotificationEbrFreeFunc  free_func);
void  notification_ebr_retire_pointer (gpointer                data,
                                       GDestroyNotify          free_func);
void  notification_ebr_reclaim      (void);
void  notification_ebr_collect      (void);

G_END_DECLS
