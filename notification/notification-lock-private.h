/* notification-lock-private.h: the library's mutex
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A pthread mutex rather than a GMutex: GLib's GMutex is a futex behind
 * atomics compiled into libglib, which ThreadSanitizer does not see unless
 * GLib itself is instrumented, so every access it protects would be
 * reported as a race. ThreadSanitizer intercepts pthread mutexes, so our
 * own locking stays checkable with an uninstrumented GLib.
 *
 * Assertions: a function documented "Lock held" (named *_locked) begins
 * with notification_lock_assert_held(), as GDBus's CONNECTION_ENSURE_LOCK.
 * With NOTIFICATION_ENABLE_LOCK_ASSERTS (config.h; meson's lock_asserts
 * option, see meson_options.txt) the lock records its holder and the
 * assertion fails unless the calling thread is that holder; otherwise the
 * lock is the bare mutex and the assertion compiles to nothing.
 */

#pragma once

#include <pthread.h>

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  pthread_mutex_t mutex;
#ifdef NOTIFICATION_ENABLE_LOCK_ASSERTS
  /* (atomic) the holder's pthread_self(), 0 while free. Relaxed: only the
   * holder writes it, so a thread reads its own id there only if it set
   * it and has not cleared it since. */
  guintptr        owner;
#endif
} NotificationLock;

#define NOTIFICATION_LOCK_INIT { PTHREAD_MUTEX_INITIALIZER }

static inline void
notification_lock_init (NotificationLock *lock)
{
  pthread_mutex_init (&lock->mutex, NULL);
#ifdef NOTIFICATION_ENABLE_LOCK_ASSERTS
  __atomic_store_n (&lock->owner, 0, __ATOMIC_RELAXED);
#endif
}

static inline void
notification_lock_clear (NotificationLock *lock)
{
  pthread_mutex_destroy (&lock->mutex);
}

#ifdef NOTIFICATION_ENABLE_LOCK_ASSERTS

/* pthread_t is an integer or a pointer where this is built (Linux). */
G_STATIC_ASSERT (sizeof (pthread_t) <= sizeof (guintptr));

static inline guintptr
notification_lock_self (void)
{
  return (guintptr) pthread_self ();
}

static inline void
notification_lock (NotificationLock *lock)
{
  pthread_mutex_lock (&lock->mutex);
  __atomic_store_n (&lock->owner, notification_lock_self (), __ATOMIC_RELAXED);
}

static inline void
notification_unlock (NotificationLock *lock)
{
  __atomic_store_n (&lock->owner, 0, __ATOMIC_RELAXED);
  pthread_mutex_unlock (&lock->mutex);
}

#define notification_lock_assert_held(lock)                                    \
  G_STMT_START {                                                               \
    if (G_UNLIKELY (__atomic_load_n (&(lock)->owner, __ATOMIC_RELAXED) !=      \
                    notification_lock_self ()))                                \
      g_assertion_message (G_LOG_DOMAIN, __FILE__, __LINE__, G_STRFUNC,        \
                           "notification_lock_assert_held: " #lock             \
                           " is not held by this thread");                     \
  } G_STMT_END

#else

static inline void
notification_lock (NotificationLock *lock)
{
  pthread_mutex_lock (&lock->mutex);
}

static inline void
notification_unlock (NotificationLock *lock)
{
  pthread_mutex_unlock (&lock->mutex);
}

#define notification_lock_assert_held(lock) G_STMT_START { (void) (lock); } G_STMT_END

#endif

G_END_DECLS
