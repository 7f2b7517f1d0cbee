/* notification-lock-private.h: the library's mutex
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A pthread mutex rather than a GMutex: GLib's GMutex is a futex behind
 * atomics compiled into libglib, which ThreadSanitizer does not see unless
 * GLib itself is instrumented, so every access it protects would be
 * reported as a race. ThreadSanitizer intercepts pthread mutexes, so our
 * own locking stays checkable with an uninstrumented GLib.
 */

#pragma once

#include <pthread.h>

#include <glib.h>

G_BEGIN_DECLS

typedef pthread_mutex_t NotificationLock;

#define NOTIFICATION_LOCK_INIT PTHREAD_MUTEX_INITIALIZER

static inline void
notification_lock_init (NotificationLock *lock)
{
  pthread_mutex_init (lock, NULL);
}

static inline void
notification_lock_clear (NotificationLock *lock)
{
  pthread_mutex_destroy (lock);
}

static inline void
notification_lock (NotificationLock *lock)
{
  pthread_mutex_lock (lock);
}

static inline void
notification_unlock (NotificationLock *lock)
{
  pthread_mutex_unlock (lock);
}

G_END_DECLS
