/* zmq-test-util.h: helpers of the ZeroMQ bridge tests
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib/gstdio.h>
#include <notification-bridge/notification-bridge.h>

/* Iterates @context (blocking: ZeroMQ's fd, the center's queue and the
 * 50 ms tick wake it) until @cond holds, failing after 10 s. The tick
 * only bounds the wait: the condition is what the test waits for. */
#define wait_until_in(context, cond) G_STMT_START {                     \
    gint64 _deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;   \
    GSource *_tick = g_timeout_source_new (50);                         \
    g_source_set_callback (_tick, tick_cb, NULL, NULL);                 \
    g_source_attach (_tick, (context));                                 \
    while (!(cond))                                                     \
      {                                                                 \
        if (g_get_monotonic_time () > _deadline)                        \
          g_error ("timed out waiting for %s", #cond);                  \
        g_main_context_iteration ((context), TRUE);                     \
      }                                                                 \
    g_source_destroy (_tick);                                           \
    g_source_unref (_tick);                                             \
  } G_STMT_END
#define wait_until(cond) wait_until_in (g_main_context_default (), cond)

static inline gboolean
tick_cb (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

/* What an observer saw. */
typedef struct
{
  guint n;
  char *last_type;
  GVariant *last_info;
  GObject *last_sender;   /* (unowned) */
} Recorder;

static inline void
recorder_cb (NotificationCenter *center,
             const char         *type,
             GObject            *sender,
             GVariant           *user_info,
             gpointer            user_data)
{
  Recorder *r = user_data;

  r->n++;
  g_free (r->last_type);
  r->last_type = g_strdup (type);
  g_clear_pointer (&r->last_info, g_variant_unref);
  r->last_info = user_info != NULL ? g_variant_ref (user_info) : NULL;
  r->last_sender = sender;
}

static inline void
recorder_clear (Recorder *r)
{
  g_clear_pointer (&r->last_type, g_free);
  g_clear_pointer (&r->last_info, g_variant_unref);
}

static inline gboolean
zmq_exports_type (gpointer    bridge,
                  const char *type)
{
  g_auto(GStrv) types = notification_bridge_dup_exported_types (NOTIFICATION_BRIDGE (bridge));

  return type == NULL ? types[0] == NULL : g_strv_contains ((const char * const *) types, type);
}

/* A publisher bound to @endpoint ("tcp://127.0.0.1:*" picks a port). */
static inline NotificationZmqPublisher *
publisher_bind (NotificationCenter *center,
                const char         *endpoint)
{
  GError *error = NULL;
  NotificationZmqPublisher *publisher =
    notification_zmq_publisher_new (center, endpoint, NOTIFICATION_ZMQ_FLAGS_BIND, &error);

  g_assert_no_error (error);
  g_assert_nonnull (publisher);
  return publisher;
}

/* A subscriber connected to what @publisher bound. */
static inline NotificationZmqSubscriber *
subscriber_for (NotificationCenter       *center,
                NotificationZmqPublisher *publisher)
{
  GError *error = NULL;
  g_autofree char *endpoint = notification_zmq_bridge_dup_last_endpoint (NOTIFICATION_ZMQ_BRIDGE (publisher));
  NotificationZmqSubscriber *subscriber =
    notification_zmq_subscriber_new (center, endpoint, NOTIFICATION_ZMQ_FLAGS_NONE, &error);

  g_assert_no_error (error);
  g_assert_nonnull (subscriber);
  return subscriber;
}

/* A path for an ipc:// endpoint in a fresh directory. */
static inline char *
ipc_endpoint (char **dir)
{
  GError *error = NULL;

  *dir = g_dir_make_tmp ("zmq-test-XXXXXX", &error);
  g_assert_no_error (error);
  return g_strdup_printf ("ipc://%s/socket", *dir);
}

static inline void
ipc_cleanup (char *dir)
{
  g_autofree char *path = g_build_filename (dir, "socket", NULL);

  g_remove (path);
  g_rmdir (dir);
  g_free (dir);
}
