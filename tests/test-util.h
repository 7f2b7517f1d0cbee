/* test-util.h: helpers shared by the C test suites
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <string.h>

#include <notification/notification.h>

G_BEGIN_DECLS

/* A Probe is the user data of a recording observer: it counts calls and
 * destroy notifies, remembers the arguments of the last call and appends
 * its name to a shared log, so tests can compare call order as a string
 * ("a b c ").
 *
 * A center that still has observers runs their destroy notifies when it
 * is finalized. So a stack Probe (or any stack struct given as user data
 * with a destroy notify) is declared before a g_autoptr center: automatic
 * cleanups run in reverse order of declaration, and the center is then
 * finalized while the Probe is still in scope.
 */
typedef struct
{
  const char         *name;
  GString            *log;             /* (nullable) (unowned) */
  int                 n_calls;         /* atomic */
  int                 n_destroys;      /* atomic */
  GThread            *last_thread;
  GThread            *destroy_thread;
  NotificationCenter *last_center;
  char               *last_type;       /* (owned) */
  GObject            *last_sender;     /* pointer only */
  GVariant           *last_user_info;  /* pointer only */
} Probe;

/* A center for a test registered with GINT_TO_POINTER (emits-signal). */
static inline NotificationCenter *
center_new_for (gconstpointer data)
{
  gboolean emits_signal = GPOINTER_TO_INT (data);

  return g_object_new (NOTIFICATION_TYPE_CENTER, "emits-signal", emits_signal, NULL);
}

static inline void
probe_init (Probe      *probe,
            const char *name,
            GString    *log)
{
  memset (probe, 0, sizeof *probe);
  probe->name = name;
  probe->log = log;
}

static inline void
probe_clear (Probe *probe)
{
  g_clear_pointer (&probe->last_type, g_free);
}

static inline void
probe_cb (NotificationCenter *center,
          const char         *type,
          GObject            *sender,
          GVariant           *user_info,
          gpointer            user_data)
{
  Probe *probe = user_data;

  g_assert_cmpint (g_atomic_int_get (&probe->n_destroys), ==, 0);

  if (probe->log != NULL)
    g_string_append_printf (probe->log, "%s ", probe->name);
  probe->last_thread = g_thread_self ();
  probe->last_center = center;
  g_free (probe->last_type);
  probe->last_type = g_strdup (type);
  probe->last_sender = sender;
  probe->last_user_info = user_info;
  g_atomic_int_inc (&probe->n_calls);
}

static inline void
probe_destroy (gpointer data)
{
  Probe *probe = data;

  probe->destroy_thread = g_thread_self ();
  g_atomic_int_inc (&probe->n_destroys);
}

static inline gulong
probe_add (NotificationCenter *center,
           const char         *type,
           gpointer            sender,
           Probe              *probe)
{
  gulong id;

  id = notification_center_add_observer (center, type, sender,
                                         probe_cb, probe, probe_destroy);
  g_assert_cmpuint (id, >, 0);
  return id;
}

static inline int
probe_calls (Probe *probe)
{
  return g_atomic_int_get (&probe->n_calls);
}

static inline int
probe_destroys (Probe *probe)
{
  return g_atomic_int_get (&probe->n_destroys);
}

static inline void
noop_cb (NotificationCenter *center,
         const char         *type,
         GObject            *sender,
         GVariant           *user_info,
         gpointer            user_data)
{
}

/* A NotificationCallback, also usable as a `notification` signal
 * handler, that counts calls in the int at @user_data. */
static inline void
count_cb (NotificationCenter *center,
          const char         *type,
          GObject            *sender,
          GVariant           *user_info,
          gpointer            user_data)
{
  g_atomic_int_inc ((int *) user_data);
}

/* GWeakNotify / GDestroyNotify that sets a gboolean */
static inline void
flag_weak_notify (gpointer  data,
                  GObject  *where_the_object_was)
{
  *(gboolean *) data = TRUE;
}

static inline void
flag_destroy_notify (gpointer data)
{
  *(gboolean *) data = TRUE;
}

/* A floating copy of @value (whose floating reference is consumed) that
 * calls @notify (@data) when the copy is finalized: its storage is a
 * GBytes with that free func. */
typedef struct
{
  GDestroyNotify notify;
  gpointer       notify_data;
  gpointer       storage;
} TrackedData;

static inline void
tracked_data_free (gpointer user_data)
{
  TrackedData *tracked = user_data;

  tracked->notify (tracked->notify_data);
  g_free (tracked->storage);
  g_free (tracked);
}

static inline GVariant *
tracked_copy_new (GVariant       *value,
                  GDestroyNotify  notify,
                  gpointer        notify_data)
{
  TrackedData *tracked;
  GBytes *bytes;
  GVariant *result;
  gsize size;

  g_variant_ref_sink (value);
  size = g_variant_get_size (value);
  tracked = g_new0 (TrackedData, 1);
  tracked->notify = notify;
  tracked->notify_data = notify_data;
  tracked->storage = g_malloc0 (MAX (size, 1)); /* malloc alignment suits any GVariant */
  g_variant_store (value, tracked->storage);

  bytes = g_bytes_new_with_free_func (tracked->storage, size, tracked_data_free, tracked);
  result = g_variant_new_from_bytes (g_variant_get_type (value), bytes, TRUE);
  g_bytes_unref (bytes);
  g_variant_unref (value);

  g_assert_true (g_variant_is_floating (result));
  return result;
}

/* A floating a{sv} { "key": <"value"> } that sets *freed when finalized. */
static inline GVariant *
tracked_vardict_new (gboolean *freed)
{
  *freed = FALSE;
  return tracked_copy_new (g_variant_new_parsed ("@a{sv} {'key': <'value'>}"),
                           flag_destroy_notify, freed);
}

/* Iterate @context until *counter reaches @target; fails the test after
 * @timeout_s seconds (a safety net against hangs, not a timing check). */
static inline gboolean
iterate_timeout_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

static inline void
iterate_until (GMainContext *context,
               int          *counter,
               int           target,
               guint         timeout_s)
{
  gboolean timed_out = FALSE;
  GSource *timeout;

  timeout = g_timeout_source_new_seconds (timeout_s);
  g_source_set_callback (timeout, iterate_timeout_cb, &timed_out, NULL);
  g_source_attach (timeout, context);

  while (g_atomic_int_get (counter) < target && !timed_out)
    g_main_context_iteration (context, TRUE);

  g_source_destroy (timeout);
  g_source_unref (timeout);

  g_assert_false (timed_out);
  g_assert_cmpint (g_atomic_int_get (counter), ==, target);
}

/* Dispatch everything that is ready on @context without blocking. */
static inline void
drain_context (GMainContext *context)
{
  while (g_main_context_iteration (context, FALSE))
    ;
}

/* In a g_test_trap_subprocess() child: make criticals non-fatal, so the
 * child can go on and check that nothing was delivered; the parent then
 * checks stderr for the critical. */
static inline void
make_criticals_non_fatal (void)
{
  g_log_set_always_fatal (G_LOG_FATAL_MASK);
}

G_END_DECLS
