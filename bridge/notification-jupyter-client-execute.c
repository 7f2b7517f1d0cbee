/* notification-jupyter-client-execute.c: execute and interrupt
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <errno.h>
#include <string.h>

#include <zmq.h>

#include "notification-jupyter-client-private.h"

static JsonNode *
execute_content (const char *code)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "code");
  json_builder_add_string_value (builder, code);
  json_builder_set_member_name (builder, "silent");
  json_builder_add_boolean_value (builder, FALSE);
  json_builder_set_member_name (builder, "store_history");
  json_builder_add_boolean_value (builder, TRUE);
  json_builder_set_member_name (builder, "user_expressions");
  json_builder_begin_object (builder);
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "allow_stdin");
  json_builder_add_boolean_value (builder, FALSE);
  json_builder_set_member_name (builder, "stop_on_error");
  json_builder_add_boolean_value (builder, TRUE);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/**
 * notification_jupyter_client_execute:
 * @self: a connected client
 * @code: the code to run
 *
 * Sends a signed `execute_request`. Its output is posted with the
 * returned id as `parent_msg_id`.
 *
 * Returns: (transfer full): the request's `msg_id`
 *
 * Since: 1.2
 */
char *
notification_jupyter_client_execute (NotificationJupyterClient *self,
                                     const char                *code)
{
  g_autoptr(JsonNode) content = NULL;

  g_return_val_if_fail (NOTIFICATION_IS_JUPYTER_CLIENT (self), NULL);
  g_return_val_if_fail (code != NULL && g_utf8_validate (code, -1, NULL), NULL);
  g_return_val_if_fail (self->shell != NULL, NULL);

  content = execute_content (code);

  return notification_jupyter_client_send_request (self, self->shell, "execute_request", content);
}

typedef struct
{
  NotificationJupyterClient *client;  /* (unowned): the source goes first */
  char                      *msg_id;
} Cancelled;

static void
cancelled_free (gpointer data)
{
  Cancelled *cancelled = data;

  g_free (cancelled->msg_id);
  g_free (cancelled);
}

/* On the client's context: the wait ends, the execution is forgotten
 * (a late reply or idle completes nothing). */
static gboolean
on_execute_cancelled (GCancellable *cancellable,
                      gpointer      user_data)
{
  Cancelled *cancelled = user_data;
  NotificationJupyterClient *self = cancelled->client;
  NotificationJupyterExecution *execution = g_hash_table_lookup (self->executions, cancelled->msg_id);
  g_autoptr(GTask) task = NULL;
  GError *error = NULL;

  if (execution == NULL)
    return G_SOURCE_REMOVE;
  task = g_steal_pointer (&execution->task);
  /* the source is this one: its callback data must outlive the call */
  g_clear_pointer (&execution->cancelled, g_source_unref);
  g_hash_table_remove (self->executions, cancelled->msg_id);
  g_cancellable_set_error_if_cancelled (cancellable, &error);
  g_task_return_error (task, error);
  return G_SOURCE_REMOVE;
}

/**
 * notification_jupyter_client_execute_async:
 * @self: a connected client
 * @code: the code to run
 * @cancellable: (nullable): a cancellable (cancelling stops the wait,
 *   not the kernel: see [method@NotificationBridge.JupyterClient.interrupt])
 * @callback: called when the execution is complete
 * @user_data: data for @callback
 *
 * Like [method@NotificationBridge.JupyterClient.execute]; @callback is
 * called once both the `execute_reply` and the `idle` status with this
 * request as parent have arrived (in either order), or when the kernel
 * dies.
 *
 * Returns: (transfer full): the request's `msg_id`
 *
 * Since: 1.2
 */
char *
notification_jupyter_client_execute_async (NotificationJupyterClient *self,
                                           const char                *code,
                                           GCancellable              *cancellable,
                                           GAsyncReadyCallback        callback,
                                           gpointer                   user_data)
{
  NotificationJupyterExecution *execution;
  char *msg_id;

  g_return_val_if_fail (NOTIFICATION_IS_JUPYTER_CLIENT (self), NULL);
  g_return_val_if_fail (code != NULL && g_utf8_validate (code, -1, NULL), NULL);
  g_return_val_if_fail (self->shell != NULL, NULL);

  execution = g_new0 (NotificationJupyterExecution, 1);
  execution->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (execution->task, notification_jupyter_client_execute_async);
  g_task_set_check_cancellable (execution->task, TRUE);

  if (!self->kernel_alive)
    {
      g_task_return_new_error (execution->task, G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE,
                               "the kernel of %s stopped answering", self->connection_file);
      notification_jupyter_client_execution_free (execution);
      return notification_jupyter_client_execute (self, code);
    }

  msg_id = notification_jupyter_client_execute (self, code);
  if (cancellable != NULL)
    {
      Cancelled *cancelled = g_new0 (Cancelled, 1);

      cancelled->client = self;
      cancelled->msg_id = g_strdup (msg_id);
      execution->cancelled = g_cancellable_source_new (cancellable);
      g_source_set_callback (execution->cancelled, (GSourceFunc) (void (*) (void)) on_execute_cancelled,
                             cancelled, cancelled_free);
      g_source_set_static_name (execution->cancelled, "[libnotification-bridge] Jupyter execute cancelled");
      g_source_attach (execution->cancelled, self->context);
    }
  g_hash_table_insert (self->executions, g_strdup (msg_id), execution);

  return msg_id;
}

/**
 * notification_jupyter_client_execute_finish:
 * @self: a client
 * @result: the result given to the callback
 * @error: the reason it failed (the kernel died, cancelled)
 *
 * Finishes [method@NotificationBridge.JupyterClient.execute_async].
 *
 * Returns: (transfer full) (nullable): the reply's status: `ok`,
 *   `error` or `aborted`
 *
 * Since: 1.2
 */
char *
notification_jupyter_client_execute_finish (NotificationJupyterClient  *self,
                                            GAsyncResult               *result,
                                            GError                    **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * notification_jupyter_client_interrupt:
 * @self: a connected client
 *
 * Sends an `interrupt_request` on the control channel (a kernel with
 * `interrupt_mode` `message`; ipykernel answers it in any mode).
 *
 * Since: 1.2
 */
void
notification_jupyter_client_interrupt (NotificationJupyterClient *self)
{
  g_return_if_fail (NOTIFICATION_IS_JUPYTER_CLIENT (self));
  g_return_if_fail (self->control != NULL);

  g_free (notification_jupyter_client_send_request (self, self->control, "interrupt_request", NULL));
}

