/* tsan-glib.c: make GLib's locks visible to ThreadSanitizer
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * GLib is not built with -fsanitize=thread, and on Linux its GMutex is a
 * futex, not a pthread mutex that TSan intercepts: TSan cannot see that
 * g_mutex_unlock() on one thread happens before g_mutex_lock() on another,
 * and reports every field protected by a GMutex as a data race.
 *
 * Preloaded (LD_PRELOAD, see the 'tsan' test setup), this module defines
 * GLib's lock functions, calls GLib's own through dlsym (RTLD_NEXT) and
 * tells TSan about the acquire and release. Calls from our library, from
 * the tests and from GLib itself (GLib does not bind its own symbols
 * locally) all come through here. Nothing else changes: the real locks do
 * the locking.
 */

#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>

#include <glib.h>

/* Weak: the module is built without -fsanitize=thread and also ends up
 * preloaded into programs that have no TSan runtime (llvm-symbolizer,
 * which TSan runs to print reports); there they are NULL and every
 * function here just calls GLib's. */
extern void __tsan_acquire (void *addr) __attribute__((weak));
extern void __tsan_release (void *addr) __attribute__((weak));

#define __tsan_acquire(addr) G_STMT_START { if (__tsan_acquire) (__tsan_acquire) (addr); } G_STMT_END
#define __tsan_release(addr) G_STMT_START { if (__tsan_release) (__tsan_release) (addr); } G_STMT_END

/* GLib's own definition of @name. RTLD_NEXT finds it when GLib is in
 * the global scope (linked in, as in our tests). A program that dlopen()s
 * GLib with RTLD_LOCAL (Python importing gi, run by the zmq-peer test)
 * has it only in that local scope: there RTLD_NEXT finds nothing, and
 * the handle of the loaded GLib is asked instead. */
static void *
real_symbol (const char *name)
{
  void *symbol = dlsym (RTLD_NEXT, name);

  if (symbol == NULL)
    {
      void *glib = dlopen ("libglib-2.0.so.0", RTLD_LAZY | RTLD_NOLOAD);

      if (glib != NULL)
        {
          symbol = dlsym (glib, name);
          dlclose (glib);
        }
    }
  if (symbol == NULL)
    {
      /* not g_error(): GLib's logging takes the locks being looked up */
      fprintf (stderr, "tsan-glib: no %s in GLib\n", name);
      abort ();
    }
  return symbol;
}

#define REAL(name)                                                         \
  static __typeof__ (name) *real_##name;                                   \
  __typeof__ (name) *fn_##name = __atomic_load_n (&real_##name, __ATOMIC_RELAXED); \
  if (G_UNLIKELY (fn_##name == NULL))                                      \
    {                                                                      \
      fn_##name = (__typeof__ (name) *) real_symbol (#name);               \
      __atomic_store_n (&real_##name, fn_##name, __ATOMIC_RELAXED);        \
    }

void
g_mutex_lock (GMutex *mutex)
{
  REAL (g_mutex_lock);
  fn_g_mutex_lock (mutex);
  __tsan_acquire (mutex);
}

gboolean
g_mutex_trylock (GMutex *mutex)
{
  REAL (g_mutex_trylock);
  if (!fn_g_mutex_trylock (mutex))
    return FALSE;
  __tsan_acquire (mutex);
  return TRUE;
}

void
g_mutex_unlock (GMutex *mutex)
{
  REAL (g_mutex_unlock);
  __tsan_release (mutex);
  fn_g_mutex_unlock (mutex);
}

void
g_rec_mutex_lock (GRecMutex *mutex)
{
  REAL (g_rec_mutex_lock);
  fn_g_rec_mutex_lock (mutex);
  __tsan_acquire (mutex);
}

gboolean
g_rec_mutex_trylock (GRecMutex *mutex)
{
  REAL (g_rec_mutex_trylock);
  if (!fn_g_rec_mutex_trylock (mutex))
    return FALSE;
  __tsan_acquire (mutex);
  return TRUE;
}

void
g_rec_mutex_unlock (GRecMutex *mutex)
{
  REAL (g_rec_mutex_unlock);
  __tsan_release (mutex);
  fn_g_rec_mutex_unlock (mutex);
}

void
g_rw_lock_writer_lock (GRWLock *lock)
{
  REAL (g_rw_lock_writer_lock);
  fn_g_rw_lock_writer_lock (lock);
  __tsan_acquire (lock);
}

gboolean
g_rw_lock_writer_trylock (GRWLock *lock)
{
  REAL (g_rw_lock_writer_trylock);
  if (!fn_g_rw_lock_writer_trylock (lock))
    return FALSE;
  __tsan_acquire (lock);
  return TRUE;
}

void
g_rw_lock_writer_unlock (GRWLock *lock)
{
  REAL (g_rw_lock_writer_unlock);
  __tsan_release (lock);
  fn_g_rw_lock_writer_unlock (lock);
}

void
g_rw_lock_reader_lock (GRWLock *lock)
{
  REAL (g_rw_lock_reader_lock);
  fn_g_rw_lock_reader_lock (lock);
  __tsan_acquire (lock);
}

gboolean
g_rw_lock_reader_trylock (GRWLock *lock)
{
  REAL (g_rw_lock_reader_trylock);
  if (!fn_g_rw_lock_reader_trylock (lock))
    return FALSE;
  __tsan_acquire (lock);
  return TRUE;
}

/* Orders readers with readers too: more than the lock promises, never
 * less, so it can hide a race between two readers but report none. */
void
g_rw_lock_reader_unlock (GRWLock *lock)
{
  REAL (g_rw_lock_reader_unlock);
  __tsan_release (lock);
  fn_g_rw_lock_reader_unlock (lock);
}

void
g_cond_wait (GCond  *cond,
             GMutex *mutex)
{
  REAL (g_cond_wait);
  __tsan_release (mutex);
  fn_g_cond_wait (cond, mutex);
  __tsan_acquire (mutex);
}

gboolean
g_cond_wait_until (GCond  *cond,
                   GMutex *mutex,
                   gint64  end_time)
{
  gboolean signalled;

  REAL (g_cond_wait_until);
  __tsan_release (mutex);
  signalled = fn_g_cond_wait_until (cond, mutex, end_time);
  __tsan_acquire (mutex);
  return signalled;
}

gboolean
(g_once_init_enter) (volatile void *location)
{
  gboolean enter;

  REAL (g_once_init_enter);
  enter = fn_g_once_init_enter (location);
  __tsan_acquire ((void *) location);
  return enter;
}

void
(g_once_init_leave) (volatile void *location,
                     gsize          result)
{
  REAL (g_once_init_leave);
  __tsan_release ((void *) location);
  fn_g_once_init_leave (location, result);
}
