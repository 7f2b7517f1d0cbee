/* notification-jupyter-client-channels.c: the client's sockets, their
 * dispatch, the IOPub handshake and the heartbeat
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <errno.h>
#include <string.h>

#include <zmq.h>

#include "notification-jupyter-client-private.h"
#include "notification-zmq-context-private.h"
#include "notification-zmq-source-private.h"

/* Sending and receiving */

static char *
endpoint (NotificationJupyterClient *self,
          int                        port)
{
  if (strcmp (self->transport, "ipc") == 0)
    return g_strdup_printf ("ipc://%s-%d", self->ip, port);
  if (strchr (self->ip, ':') != NULL)
    return g_strdup_printf ("tcp://[%s]:%d", self->ip, port);
  return g_strdup_printf ("tcp://%s:%d", self->ip, port);
}

/* With @quiet, not being connected yet (EAGAIN) is no warning. */
static gboolean
send_frames (void      *socket,
             GPtrArray *frames,
             gboolean   quiet)
{
  for (guint i = 0; i < frames->len; i++)
    {
      gsize len;
      const void *data = g_bytes_get_data (frames->pdata[i], &len);

      if (zmq_send (socket, data, len, ZMQ_DONTWAIT | (i + 1 < frames->len ? ZMQ_SNDMORE : 0)) < 0)
        {
          if (!quiet || errno != EAGAIN)
            g_warning ("NotificationJupyterClient: cannot send: %s", zmq_strerror (errno));
          return FALSE;
        }
    }

  return TRUE;
}

char *
notification_jupyter_client_send_request (NotificationJupyterClient *self,
              void                      *socket,
              const char                *msg_type,
              JsonNode                  *content)
{
  g_autoptr(GPtrArray) frames = NULL;
  char *msg_id = NULL;

  frames = notification_jupyter_message_build (self->key, self->session, msg_type, content, &msg_id);
  send_frames (socket, frames, FALSE);

  return msg_id;
}

static void
post_message (NotificationJupyterClient  *self,
              NotificationJupyterMessage *message,
              const char                 *channel)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *type = NULL;
  GVariant *user_info;

  /* disposed by a callback of this dispatch (connect's, an observer's) */
  if (self->center == NULL)
    return;
  type = notification_jupyter_message_notification_type (message);
  user_info = notification_jupyter_message_to_user_info (message, &error);
  if (user_info == NULL)
    {
      notification_jupyter_client_count_drop (self, NOTIFICATION_JUPYTER_DROP_JSON, channel, error);
      return;
    }
  g_variant_ref_sink (user_info);
  if (!notification_center_post_checked (self->center, type, self, user_info, &error))
    notification_jupyter_client_count_drop (self, NOTIFICATION_JUPYTER_DROP_JSON, channel, error);
  g_variant_unref (user_info);
}

static gboolean on_hb_tick (gpointer user_data);

static void close_channels (NotificationJupyterClient *self);

static void
complete_connect (NotificationJupyterClient *self,
                  GError                    *error)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->connect_task);

  notification_jupyter_client_destroy_source (&self->handshake_timer);
  notification_jupyter_client_destroy_source (&self->connect_cancelled);
  g_hash_table_remove_all (self->handshake_ids);
  if (task == NULL)
    {
      g_clear_error (&error);
      return;
    }
  /* an answer in the iteration that cancelled is a cancellation too:
   * the caller must not be told "cancelled" of a connected client */
  if (error == NULL)
    g_cancellable_set_error_if_cancelled (g_task_get_cancellable (task), &error);
  if (error != NULL)
    {
      /* nothing stays connected: a later connect starts afresh */
      close_channels (self);
      g_task_return_error (task, error);
      return;
    }
  self->connected = TRUE;
  notification_jupyter_client_notify (self, PROP_CONNECTED);

  /* The heartbeat starts once the kernel answered: a kernel still
   * starting (seconds on a loaded machine) is not a dead one. */
  self->last_seen = g_get_real_time ();
  self->hb_timer = g_timeout_source_new (HEARTBEAT_TICK_MS);
  g_source_set_callback (self->hb_timer, on_hb_tick, self, NULL);
  g_source_set_static_name (self->hb_timer, "[libnotification-bridge] Jupyter heartbeat");
  g_source_attach (self->hb_timer, self->context);
  g_task_return_boolean (task, TRUE);
}

void
notification_jupyter_client_complete_execution (NotificationJupyterClient *self,
                          const char                *msg_id)
{
  NotificationJupyterExecution *execution = g_hash_table_lookup (self->executions, msg_id);
  g_autoptr(GTask) task = NULL;
  g_autofree char *status = NULL;

  if (execution == NULL || !execution->replied || !execution->idle)
    return;
  task = g_steal_pointer (&execution->task);
  status = g_steal_pointer (&execution->status);
  g_hash_table_remove (self->executions, msg_id);
  if (task != NULL)
    g_task_return_pointer (task, g_steal_pointer (&status), g_free);
}

static gboolean
on_iopub (void                   *socket,
          NotificationZmqMessage *raw,
          gpointer                user_data)
{
  NotificationJupyterClient *self = user_data;
  g_autoptr(NotificationJupyterMessage) message = NULL;
  g_autoptr(GError) error = NULL;
  NotificationJupyterDrop drop;

  g_object_ref (self);
  if (raw->n_frames > raw->frames->len)
    {
      error = g_error_new (G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%u frames (at most %u)",
                           raw->n_frames, MAX_FRAMES);
      notification_jupyter_client_count_drop (self, NOTIFICATION_JUPYTER_DROP_FRAMES, "IOPub", error);
      goto out;
    }
  message = notification_jupyter_message_parse (raw->frames, self->key, &drop, &error);
  if (message == NULL)
    {
      notification_jupyter_client_count_drop (self, drop, "IOPub", error);
      goto out;
    }

  if (self->connect_task != NULL &&
      (g_hash_table_contains (self->handshake_ids, message->parent_msg_id) ||
       strcmp (message->msg_type, "iopub_welcome") == 0))
    complete_connect (self, NULL);

  if (strcmp (message->msg_type, "iopub_welcome") != 0)
    post_message (self, message, "IOPub");

  if (strcmp (message->msg_type, "status") == 0)
    {
      JsonNode *state = json_object_get_member (json_node_get_object (message->content), "execution_state");
      NotificationJupyterExecution *execution = g_hash_table_lookup (self->executions, message->parent_msg_id);

      if (execution != NULL && state != NULL && JSON_NODE_HOLDS_VALUE (state) &&
          json_node_get_value_type (state) == G_TYPE_STRING &&
          strcmp (json_node_get_string (state), "idle") == 0)
        {
          execution->idle = TRUE;
          notification_jupyter_client_complete_execution (self, message->parent_msg_id);
        }
    }

out:
  g_object_unref (self);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_shell (void                   *socket,
          NotificationZmqMessage *raw,
          gpointer                user_data)
{
  NotificationJupyterClient *self = user_data;
  g_autoptr(NotificationJupyterMessage) message = NULL;
  g_autoptr(GError) error = NULL;
  NotificationJupyterDrop drop;
  const char *channel = socket == self->shell ? "shell" : "control";

  g_object_ref (self);
  if (raw->n_frames > raw->frames->len)
    {
      error = g_error_new (G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%u frames (at most %u)",
                           raw->n_frames, MAX_FRAMES);
      notification_jupyter_client_count_drop (self, NOTIFICATION_JUPYTER_DROP_FRAMES, channel, error);
      goto out;
    }
  message = notification_jupyter_message_parse (raw->frames, self->key, &drop, &error);
  if (message == NULL)
    {
      notification_jupyter_client_count_drop (self, drop, channel, error);
      goto out;
    }

  if (strcmp (message->msg_type, "execute_reply") == 0)
    {
      NotificationJupyterExecution *execution;
      JsonNode *status = json_object_get_member (json_node_get_object (message->content), "status");

      post_message (self, message, channel);
      /* looked up after the observers ran: one may have disposed the
       * client, failing (and freeing) its executions */
      execution = g_hash_table_lookup (self->executions, message->parent_msg_id);
      if (execution != NULL)
        {
          execution->replied = TRUE;
          g_free (execution->status);
          execution->status = g_strdup (status != NULL && JSON_NODE_HOLDS_VALUE (status) &&
                                        json_node_get_value_type (status) == G_TYPE_STRING
                                        ? json_node_get_string (status) : "error");
          notification_jupyter_client_complete_execution (self, message->parent_msg_id);
        }
    }

out:
  g_object_unref (self);
  return G_SOURCE_CONTINUE;
}

/* Heartbeat */

static void
kernel_died (NotificationJupyterClient *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) info = NULL;
  GVariantBuilder builder;

  notification_jupyter_client_destroy_source (&self->hb_timer);
  notification_jupyter_client_destroy_source (&self->hb_source);
  notification_jupyter_client_close_socket (&self->hb);
  self->kernel_alive = FALSE;
  notification_jupyter_client_notify (self, PROP_KERNEL_ALIVE);

  g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&builder, "{sv}", "connection_file",
                         g_variant_new_string (g_utf8_validate (self->connection_file, -1, NULL)
                                               ? self->connection_file : ""));
  g_variant_builder_add (&builder, "{sv}", "last_seen", g_variant_new_int64 (self->last_seen));
  info = g_variant_ref_sink (g_variant_builder_end (&builder));
  /* ... or dispose the client */
  if (self->center != NULL &&
      !notification_center_post_checked (self->center, "jupyter.kernel-died", self, info, &error))
    g_warning ("NotificationJupyterClient: cannot post jupyter.kernel-died: %s", error->message);

  g_clear_error (&error);
  error = g_error_new (G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE,
                       "the kernel of %s stopped answering", self->connection_file);
  notification_jupyter_client_fail_executions (self, error);
}

static gboolean
on_hb (void                   *socket,
       NotificationZmqMessage *raw,
       gpointer                user_data)
{
  NotificationJupyterClient *self = user_data;

  self->hb_waiting = FALSE;
  self->last_seen = g_get_real_time ();

  return G_SOURCE_CONTINUE;
}

static gboolean
on_hb_tick (gpointer user_data)
{
  NotificationJupyterClient *self = user_data;
  gint64 now = g_get_monotonic_time ();

  if (self->hb_waiting)
    {
      if (now - self->hb_sent > (gint64) self->heartbeat_timeout * 1000 &&
          !notification_zmq_socket_readable (self->hb))
        {
          /* (readable: the answer came while this iteration dispatched
           * something slow, after the context looked at the heartbeat
           * socket; its source reads it next) */
          /* a notify::kernel-alive handler may drop the last reference */
          g_object_ref (self);
          kernel_died (self);
          g_object_unref (self);
          return G_SOURCE_REMOVE;
        }
    }
  else if (now - self->hb_sent >= HEARTBEAT_INTERVAL_US)
    {
      if (zmq_send (self->hb, "ping", 4, ZMQ_DONTWAIT) == 4)
        {
          self->hb_waiting = TRUE;
          self->hb_sent = now;
        }
    }

  return G_SOURCE_CONTINUE;
}

/* Connecting */

static void
close_channels (NotificationJupyterClient *self)
{
  notification_jupyter_client_destroy_source (&self->iopub_source);
  notification_jupyter_client_destroy_source (&self->shell_source);
  notification_jupyter_client_destroy_source (&self->control_source);
  notification_jupyter_client_destroy_source (&self->hb_source);
  notification_jupyter_client_destroy_source (&self->handshake_timer);
  notification_jupyter_client_destroy_source (&self->hb_timer);
  notification_jupyter_client_close_socket (&self->iopub);
  notification_jupyter_client_close_socket (&self->shell);
  notification_jupyter_client_close_socket (&self->control);
  notification_jupyter_client_close_socket (&self->hb);
  self->hb_waiting = FALSE;
  self->hb_sent = 0;
}

/* Closes every channel; a pending connect fails with @error. */
void
notification_jupyter_client_disconnect (NotificationJupyterClient *self,
                                        const GError              *error)
{
  if (self->connect_task != NULL)
    complete_connect (self, g_error_copy (error));
  notification_jupyter_client_destroy_source (&self->connect_cancelled);
  close_channels (self);
}

static gboolean
on_connect_cancelled (GCancellable *cancellable,
                      gpointer      user_data)
{
  NotificationJupyterClient *self = user_data;
  GError *error = NULL;

  g_cancellable_set_error_if_cancelled (cancellable, &error);
  complete_connect (self, error);
  return G_SOURCE_REMOVE;
}

static void *
open_socket (NotificationJupyterClient  *self,
             int                         type,
             int                         port,
             GError                    **error)
{
  /* counted, so that notification_zmq_shutdown() knows it is open */
  void *socket = notification_zmq_socket_open (type, error);
  g_autofree char *address = endpoint (self, port);
  int linger = SOCKET_LINGER_MS;

  if (socket == NULL)
    return NULL;
  zmq_setsockopt (socket, ZMQ_LINGER, &linger, sizeof linger);
  if (port == self->shell_port && type == ZMQ_DEALER)
    {
      /* queue only to a kernel that is there: the handshake's requests
       * must not pile up while the kernel starts (one per 100 ms, each
       * answered with busy and idle once it is up). The handshake's
       * answer proves the shell connected; control keeps queueing, so
       * that an interrupt sent at once is not lost. */
      int immediate = 1;

      zmq_setsockopt (socket, ZMQ_IMMEDIATE, &immediate, sizeof immediate);
    }
  if (type == ZMQ_SUB)
    zmq_setsockopt (socket, ZMQ_SUBSCRIBE, "", 0);  /* before connect */
  if (zmq_connect (socket, address) != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "cannot connect to %s: %s", address, zmq_strerror (errno));
      notification_zmq_socket_close (socket);
      return NULL;
    }

  return socket;
}

static GSource *
attach_source (NotificationJupyterClient *self,
               void                      *socket,
               NotificationZmqSourceFunc  func)
{
  GSource *source = notification_zmq_source_new (socket, MAX_FRAMES, func, self, NULL);

  g_source_attach (source, self->context);

  return source;
}

static gboolean
on_handshake_tick (gpointer user_data)
{
  NotificationJupyterClient *self = user_data;
  GCancellable *cancellable;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) frames = NULL;
  g_autofree char *msg_id = NULL;

  if (self->connect_task == NULL)
    return G_SOURCE_REMOVE;
  cancellable = g_task_get_cancellable (self->connect_task);
  if (g_cancellable_set_error_if_cancelled (cancellable, &error))
    {
      complete_connect (self, g_steal_pointer (&error));
      return G_SOURCE_REMOVE;
    }
  if (self->shell == NULL)
    return G_SOURCE_REMOVE;
  if (g_get_monotonic_time () > self->connect_deadline)
    {
      complete_connect (self, g_error_new (G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                                           "no answer on IOPub from the kernel of %s",
                                           self->connection_file));
      return G_SOURCE_REMOVE;
    }

  /* not sent while the shell is not connected yet: the next tick tries */
  frames = notification_jupyter_message_build (self->key, self->session, "kernel_info_request", NULL, &msg_id);
  if (send_frames (self->shell, frames, TRUE))
    g_hash_table_add (self->handshake_ids, g_steal_pointer (&msg_id));

  return G_SOURCE_CONTINUE;
}

/**
 * notification_jupyter_client_connect_async:
 * @self: a client
 * @cancellable: (nullable): a cancellable
 * @callback: called when IOPub is live, or on failure
 * @user_data: data for @callback
 *
 * Connects IOPub, shell, control and heartbeat, then sends a
 * `kernel_info_request` every 100 ms until an IOPub message answering one
 * of them (or an `iopub_welcome`) arrives: after that nothing the kernel
 * publishes is lost to ZeroMQ's slow joiner. Fails with
 * `G_IO_ERROR_TIMED_OUT` after 30 s without an answer.
 *
 * Since: 1.2
 */
void
notification_jupyter_client_connect_async (NotificationJupyterClient *self,
                                           GCancellable              *cancellable,
                                           GAsyncReadyCallback        callback,
                                           gpointer                   user_data)
{
  g_autoptr(GTask) task = NULL;
  GError *error = NULL;

  g_return_if_fail (NOTIFICATION_IS_JUPYTER_CLIENT (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, notification_jupyter_client_connect_async);

  if (self->iopub != NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING, "already connecting or connected");
      return;
    }
  if ((self->iopub = open_socket (self, ZMQ_SUB, self->iopub_port, &error)) == NULL ||
      (self->shell = open_socket (self, ZMQ_DEALER, self->shell_port, &error)) == NULL ||
      (self->control = open_socket (self, ZMQ_DEALER, self->control_port, &error)) == NULL ||
      (self->hb = open_socket (self, ZMQ_REQ, self->hb_port, &error)) == NULL)
    {
      notification_jupyter_client_close_socket (&self->iopub);
      notification_jupyter_client_close_socket (&self->shell);
      notification_jupyter_client_close_socket (&self->control);
      g_task_return_error (task, error);
      return;
    }
  self->iopub_source = attach_source (self, self->iopub, on_iopub);
  self->shell_source = attach_source (self, self->shell, on_shell);
  self->control_source = attach_source (self, self->control, on_shell);
  self->hb_source = attach_source (self, self->hb, on_hb);

  self->connect_task = g_steal_pointer (&task);
  if (cancellable != NULL)
    {
      /* on the client's context, whichever thread cancels */
      self->connect_cancelled = g_cancellable_source_new (cancellable);
      g_source_set_callback (self->connect_cancelled, (GSourceFunc) (void (*) (void)) on_connect_cancelled,
                             self, NULL);
      g_source_set_static_name (self->connect_cancelled, "[libnotification-bridge] Jupyter connect cancelled");
      g_source_attach (self->connect_cancelled, self->context);
    }
  self->connect_deadline = g_get_monotonic_time () + CONNECT_TIMEOUT_MS * G_TIME_SPAN_MILLISECOND;

  self->handshake_timer = g_timeout_source_new (HANDSHAKE_INTERVAL_MS);
  g_source_set_callback (self->handshake_timer, on_handshake_tick, self, NULL);
  g_source_set_static_name (self->handshake_timer, "[libnotification-bridge] Jupyter handshake");
  g_source_attach (self->handshake_timer, self->context);
  on_handshake_tick (self);
}

/**
 * notification_jupyter_client_connect_finish:
 * @self: a client
 * @result: the result given to the callback
 * @error: the reason it failed
 *
 * Finishes [method@NotificationBridge.JupyterClient.connect_async].
 *
 * Returns: `TRUE` once IOPub is live
 *
 * Since: 1.2
 */
gboolean
notification_jupyter_client_connect_finish (NotificationJupyterClient  *self,
                                            GAsyncResult               *result,
                                            GError                    **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

