/* notification-dbus-flush.c: waiting until the notifications sent have arrived
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "notification-dbus-bridge-private.h"

/* Flush */

static void
ping_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, NULL);
  guint *pending = g_task_get_task_data (task);

  /* a peer that left meanwhile does not need it any more */
  if (--*pending == 0)
    g_task_return_boolean (task, TRUE);
}

static void
flush_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  NotificationDBusBridge *self = g_task_get_source_object (task);
  g_auto(GStrv) peers = NULL;
  GError *error = NULL;
  GMainContext *context;
  guint *pending;

  if (!g_dbus_connection_flush_finish (G_DBUS_CONNECTION (source), result, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  if (self->connection == NULL)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  /* A peer answers Peer.Ping after it has read what was sent to it
   * before: once every interested peer has answered, each has the
   * notifications. */
  peers = notification_bridge_dup_interested_peers (NOTIFICATION_BRIDGE (self));
  pending = g_new (guint, 1);
  *pending = 1;
  g_task_set_task_data (task, pending, g_free);
  context = bridge_push_context (self);
  for (guint i = 0; peers[i] != NULL; i++)
    {
      (*pending)++;
      g_dbus_connection_call (self->connection,
                              self->unique_name != NULL ? peers[i] : NULL,
                              NOTIFICATION_DBUS_BRIDGE_OBJECT_PATH,
                              "org.freedesktop.DBus.Peer", "Ping", NULL, NULL,
                              G_DBUS_CALL_FLAGS_NONE, -1, g_task_get_cancellable (task),
                              ping_cb, g_object_ref (task));
    }
  g_main_context_pop_thread_default (context);
  if (--*pending == 0)
    g_task_return_boolean (task, TRUE);
}

static gboolean
flush_idle (gpointer user_data)
{
  GTask *task = user_data;
  NotificationDBusBridge *self = g_task_get_source_object (task);

  if (self->connection == NULL)
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CLOSED, "The bridge is disposed");
  else
    {
      GMainContext *context = bridge_push_context (self);

      g_dbus_connection_flush (self->connection, g_task_get_cancellable (task),
                               flush_cb, g_object_ref (task));
      g_main_context_pop_thread_default (context);
    }
  return G_SOURCE_REMOVE;
}

/**
 * notification_dbus_bridge_flush:
 * @self: a D-Bus bridge
 * @cancellable: (nullable): a cancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * Waits until the notifications posted before this call that the bridge
 * exports have reached every interested peer: the bridge's queue is
 * drained (the bridge's context runs it first), the connection flushed,
 * and each peer that asked for some type has answered a
 * `org.freedesktop.DBus.Peer.Ping` sent after them (a peer reads its
 * messages in order). For a program that posts and exits
 * (`notification-post`).
 *
 * Since: 1.2
 */
void
notification_dbus_bridge_flush (NotificationDBusBridge *self,
                                GCancellable           *cancellable,
                                GAsyncReadyCallback     callback,
                                gpointer                user_data)
{
  GTask *task;
  GSource *source;

  g_return_if_fail (NOTIFICATION_IS_DBUS_BRIDGE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, notification_dbus_bridge_flush);
  /* The center's queue dispatches at G_PRIORITY_DEFAULT: a lower priority
   * runs once it is empty. */
  source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_LOW);
  g_source_set_callback (source, flush_idle, task, g_object_unref);
  g_source_attach (source, notification_bridge_get_context (NOTIFICATION_BRIDGE (self)));
  g_source_unref (source);
}

/**
 * notification_dbus_bridge_flush_finish:
 * @self: a D-Bus bridge
 * @result: the result given to the callback
 * @error: return location for an error
 *
 * Finishes [method@NotificationBridge.DBusBridge.flush].
 *
 * Returns: whether the flush succeeded
 *
 * Since: 1.2
 */
gboolean
notification_dbus_bridge_flush_finish (NotificationDBusBridge  *self,
                                       GAsyncResult            *result,
                                       GError                 **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

