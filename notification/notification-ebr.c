/* notification-ebr.c: epoch-based reclamation
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Three-epoch scheme: garbage retired during epoch E is freed when the
 * global epoch moves from E + 1 to E + 2. The epoch only moves when every
 * thread inside a read section entered it during the current epoch, so a
 * reader that could still hold a pointer unlinked during E blocks the
 * second move until it leaves. The argument, with the memory order of
 * each step, is "Invariants" in notification-ebr-private.h.
 */

#include "config.h"

#ifdef __linux__
# include <linux/membarrier.h>
# include <sys/syscall.h>
# include <unistd.h>
#endif

#include "notification-ebr-private.h"
#include "notification-lock-private.h"

/* Retirements per epoch before the reclaimer moves it on (and, with
 * membarrier(), pays one system call). */
#define COLLECT_THRESHOLD 128

#if defined(__SANITIZE_THREAD__)
# define EBR_TSAN 1
#elif defined(__has_feature)
# if __has_feature(thread_sanitizer)
#  define EBR_TSAN 1
# endif
#endif

__thread NotificationEbrThread *_notification_ebr_self __attribute__((tls_model ("initial-exec")));
guint64 _notification_ebr_epoch;
gboolean _notification_ebr_asymmetric;

static NotificationLock ebr_lock = NOTIFICATION_LOCK_INIT;
static NotificationEbrThread *ebr_threads;         /* (atomic) head, append only */
static NotificationEbrNode *ebr_garbage[3];        /* (atomic) pushed without a lock, taken under ebr_lock */
static gsize ebr_n_garbage[3];                     /* (atomic) about how many each list holds */

static void
ebr_thread_exit (gpointer data)
{
  NotificationEbrThread *self = data;

  __atomic_store_n (&self->state, 0, __ATOMIC_RELEASE);
  _notification_ebr_self = NULL;
  __atomic_store_n (&self->in_use, 0, __ATOMIC_SEQ_CST);
}

static GPrivate ebr_private = G_PRIVATE_INIT (ebr_thread_exit);

#if defined(__linux__) && defined(__NR_membarrier) && !defined(EBR_TSAN)
/* Whether the environment asks for the fallback mode: readers fence,
 * membarrier() is not used. NOTIFICATION_EBR_FALLBACK=1 runs the path
 * that other systems and failing membarrier() take, on Linux (the
 * threads-fallback and stress-fallback tests, doc/hardening.md). */
static gboolean
ebr_fallback_forced (void)
{
  const char *value = g_getenv ("NOTIFICATION_EBR_FALLBACK");

  return value != NULL && value[0] != '\0' && g_strcmp0 (value, "0") != 0;
}
#endif

/* Whether readers may enter with a plain store: the process is
 * registered for expedited private membarrier(). Settled once, before
 * any thread's first read section and any advance (Invariants, A2). */
static void
ebr_init_asymmetric (void)
{
#if defined(__linux__) && defined(__NR_membarrier) && !defined(EBR_TSAN)
  static gsize initialized;

  if (g_once_init_enter (&initialized))
    {
      if (!ebr_fallback_forced ())
        {
          long cmds = syscall (__NR_membarrier, MEMBARRIER_CMD_QUERY, 0, 0);

          if (cmds > 0 &&
              (cmds & MEMBARRIER_CMD_PRIVATE_EXPEDITED) != 0 &&
              syscall (__NR_membarrier, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0, 0) == 0)
            __atomic_store_n (&_notification_ebr_asymmetric, TRUE, __ATOMIC_SEQ_CST);
        }

      g_once_init_leave (&initialized, 1);
    }
#endif
}

/* The reclaimer's half of the fence (F_k in Invariants, A2): afterwards
 * every reader's state store is visible, or its index loads come after
 * our unlinks. In asymmetric mode membarrier() between two fences: the
 * kernel has every thread execute a full barrier between them. It can
 * fail (ENOMEM): then readers still enter with a plain store, which no
 * fence of ours makes up for, so the epoch must not move this time. */
static gboolean
ebr_heavy_barrier (void)
{
  __atomic_thread_fence (__ATOMIC_SEQ_CST);
#if defined(__linux__) && defined(__NR_membarrier)
  if (__atomic_load_n (&_notification_ebr_asymmetric, __ATOMIC_RELAXED))
    {
      if (syscall (__NR_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0) != 0)
        return FALSE;
      __atomic_thread_fence (__ATOMIC_SEQ_CST);
    }
#endif

  return TRUE;
}

NotificationEbrThread *
_notification_ebr_register (void)
{
  NotificationEbrThread *self;

  ebr_init_asymmetric ();

  /* Reuse the slot of a thread that has exited. */
  for (self = __atomic_load_n (&ebr_threads, __ATOMIC_SEQ_CST); self != NULL; self = self->next)
    {
      gint unused = 0;

      if (__atomic_compare_exchange_n (&self->in_use, &unused, 1, FALSE,
                                       __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
        break;
    }

  if (self == NULL)
    {
      self = g_aligned_alloc0 (1, sizeof (NotificationEbrThread), 64);
      self->in_use = 1;
      notification_lock (&ebr_lock);
      self->next = __atomic_load_n (&ebr_threads, __ATOMIC_RELAXED);
      __atomic_store_n (&ebr_threads, self, __ATOMIC_SEQ_CST);
      notification_unlock (&ebr_lock);
    }

  self->nesting = 0;
  _notification_ebr_self = self;
  g_private_set (&ebr_private, self);

  return self;
}

/* Called with ebr_lock held. Moves the epoch on unless a reader still
 * holds it back, and hands over the garbage that became safe to free. */
static gboolean
ebr_try_advance_locked (NotificationEbrNode **freed)
{
  guint64 epoch;
  NotificationEbrThread *thread;
  guint slot;

  notification_lock_assert_held (&ebr_lock);
  epoch = __atomic_load_n (&_notification_ebr_epoch, __ATOMIC_SEQ_CST);

  /* The mode is settled before any reader can use it: a reclaimer that
   * read a stale "not asymmetric" would skip membarrier() while a reader
   * already enters with a plain store. */
  ebr_init_asymmetric ();
  if (!ebr_heavy_barrier ())
    return FALSE;

  for (thread = __atomic_load_n (&ebr_threads, __ATOMIC_SEQ_CST); thread != NULL; thread = thread->next)
    {
      guint64 state = __atomic_load_n (&thread->state, __ATOMIC_SEQ_CST);

      if ((state & 1) != 0 && (state >> 1) != epoch)
        return FALSE;
    }

  /* A read-modify-write, as retire's read of the epoch: they
   * synchronize whichever comes first (Invariants, A1). Only here, under
   * ebr_lock, does the value change. */
  __atomic_fetch_add (&_notification_ebr_epoch, 1, __ATOMIC_SEQ_CST);

  /* Garbage retired during epoch - 1 is now unreachable for every reader. */
  slot = (epoch + 2) % 3;
  *freed = __atomic_exchange_n (&ebr_garbage[slot], NULL, __ATOMIC_ACQ_REL);
  __atomic_store_n (&ebr_n_garbage[slot], 0, __ATOMIC_RELAXED);

  return TRUE;
}

static void
ebr_free_list (NotificationEbrNode *node)
{
  while (node != NULL)
    {
      NotificationEbrNode *next = node->next;

      node->free_func (node);
      node = next;
    }
}

/*
 * notification_ebr_retire:
 * @node: a node embedded in an object that is no longer reachable from
 *   any shared pointer
 * @free_func: frees the object
 *
 * Frees the object once no reader can hold it any more. Never frees
 * anything itself, so it may be called with locks held: free functions
 * can run user code (a last g_object_unref()). Call
 * notification_ebr_reclaim() where no lock is held.
 *
 * Lock-free: the node goes onto the list of the epoch read here. If the
 * epoch moves on meanwhile, the node lands on a list that is freed later
 * than its own epoch's would be, never earlier. The epoch is read with a
 * read-modify-write (adding 0), not a load: it is what orders the unlink
 * before the epoch's next move, and the previous emptying of the list
 * before the push (Invariants, A1).
 */
void
notification_ebr_retire (NotificationEbrNode     *node,
                         NotificationEbrFreeFunc  free_func)
{
  guint slot = __atomic_fetch_add (&_notification_ebr_epoch, 0, __ATOMIC_ACQ_REL) % 3;

  node->free_func = free_func;
  node->next = __atomic_load_n (&ebr_garbage[slot], __ATOMIC_RELAXED);
  while (!__atomic_compare_exchange_n (&ebr_garbage[slot], &node->next, node, TRUE,
                                       __ATOMIC_RELEASE, __ATOMIC_RELAXED))
    ;
  __atomic_add_fetch (&ebr_n_garbage[slot], 1, __ATOMIC_RELAXED);
}

typedef struct
{
  NotificationEbrNode  node;
  gpointer             data;
  GDestroyNotify       free_func;
} RetiredPointer;

static void
retired_pointer_free (NotificationEbrNode *node)
{
  RetiredPointer *self = (RetiredPointer *) node;

  self->free_func (self->data);
  g_free (self);
}

/*
 * notification_ebr_retire_pointer:
 * @data: an object that is no longer reachable from any shared pointer
 * @free_func: frees @data
 *
 * notification_ebr_retire() for an object without an embedded node
 * (index entries, which are kept small): the node is allocated here, when
 * the object is retired, not for its whole life.
 */
void
notification_ebr_retire_pointer (gpointer       data,
                                 GDestroyNotify free_func)
{
  RetiredPointer *self = g_new (RetiredPointer, 1);

  self->data = data;
  self->free_func = free_func;
  notification_ebr_retire (&self->node, retired_pointer_free);
}

/*
 * notification_ebr_reclaim:
 *
 * Frees the garbage that became safe, once enough has been retired to be
 * worth the scan of the reading threads. Call without locks held.
 */
void
notification_ebr_reclaim (void)
{
  NotificationEbrNode *freed = NULL;
  guint slot = __atomic_load_n (&_notification_ebr_epoch, __ATOMIC_RELAXED) % 3;

  /* Once the current epoch has gathered a batch. */
  if (__atomic_load_n (&ebr_n_garbage[slot], __ATOMIC_RELAXED) < COLLECT_THRESHOLD)
    return;

  notification_lock (&ebr_lock);
  ebr_try_advance_locked (&freed);
  notification_unlock (&ebr_lock);

  ebr_free_list (freed);
}

/*
 * notification_ebr_collect:
 *
 * Frees all the garbage that no reader holds, moving the epoch as far as
 * the readers allow. Used when a center is finalized and by tests. Call
 * without locks held.
 */
void
notification_ebr_collect (void)
{
  /* Two moves free everything retired before the call. */
  for (guint i = 0; i < 3; i++)
    {
      NotificationEbrNode *freed = NULL;
      gboolean advanced;

      notification_lock (&ebr_lock);
      advanced = ebr_try_advance_locked (&freed);
      notification_unlock (&ebr_lock);

      ebr_free_list (freed);

      if (!advanced)
        break;
    }
}
