/* bridge-test-util.h: helpers of the bridge tests
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <notification-bridge/notification-bridge.h>

/* Runs the thread-default context until *flag is set, failing the test
 * after 10 s. */
#define spin_until(cond) G_STMT_START {                                  \
    gint64 _deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;   \
    while (!(cond))                                                      \
      {                                                                  \
        if (g_get_monotonic_time () > _deadline)                         \
          g_error ("timed out waiting for %s", #cond);                   \
        g_main_context_iteration (NULL, FALSE);                          \
        g_usleep (500);                                                  \
      }                                                                  \
  } G_STMT_END

static inline void
spin_for (guint ms)
{
  gint64 deadline = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < deadline)
    {
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_usleep (1000);
    }
}

static inline void
got_result (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static inline NotificationDBusBridge *
bridge_new (NotificationCenter *center,
            GDBusConnection    *connection)
{
  GAsyncResult *result = NULL;
  GError *error = NULL;
  NotificationDBusBridge *bridge;

  notification_dbus_bridge_new_async (center, connection, NULL, got_result, &result);
  spin_until (result != NULL);
  bridge = notification_dbus_bridge_new_finish (result, &error);
  g_assert_no_error (error);
  g_object_unref (result);
  return bridge;
}

static inline void
bridge_flush (NotificationDBusBridge *bridge)
{
  GAsyncResult *result = NULL;
  GError *error = NULL;

  notification_dbus_bridge_flush (bridge, NULL, got_result, &result);
  spin_until (result != NULL);
  g_assert_true (notification_dbus_bridge_flush_finish (bridge, result, &error));
  g_assert_no_error (error);
  g_object_unref (result);
}

static inline gboolean
exports_type (NotificationBridge *bridge,
              const char         *type)
{
  g_auto(GStrv) types = notification_bridge_dup_exported_types (bridge);

  return type == NULL ? types[0] == NULL : g_strv_contains ((const char * const *) types, type);
}
