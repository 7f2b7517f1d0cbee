/* tool-jupyter.c: notification-monitor --jupyter CONNECTION_FILE
 * [--execute CODE]: a Jupyter kernel's notifications (doc/jupyter.md)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "tool-jupyter.h"

#if defined(NOTIFICATION_BRIDGE_HAS_ZEROMQ) && defined(NOTIFICATION_BRIDGE_HAS_JSON)

typedef struct
{
  GMainLoop                  *loop;
  NotificationJupyterClient  *client;
  const char                 *code;
  char                      **types;
  NotificationCallback        print;
  gboolean                    connecting;
  int                         status;
} Execution;

static void
on_executed (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Execution *execution = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *status = notification_jupyter_client_execute_finish (NOTIFICATION_JUPYTER_CLIENT (source),
                                                                        result, &error);

  /* G_IO_ERROR_CLOSED: tool_jupyter_run() is ending (interrupted, --count) */
  if (status == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CLOSED))
    g_printerr ("notification-monitor: %s\n", error->message);
  execution->status = g_strcmp0 (status, "ok") == 0 ? TOOL_EXIT_OK : TOOL_EXIT_FAILURE;
  g_main_loop_quit (execution->loop);
}

static void
on_kernel_alive (GObject    *client,
                 GParamSpec *pspec,
                 gpointer    user_data)
{
  Execution *execution = user_data;

  if (notification_jupyter_client_get_kernel_alive (NOTIFICATION_JUPYTER_CLIENT (client)))
    return;
  g_printerr ("notification-monitor: the kernel stopped answering\n");
  execution->status = TOOL_EXIT_FAILURE;
  g_main_loop_quit (execution->loop);
}

static void
on_connected (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Execution *execution = user_data;
  NotificationJupyterClient *client = NOTIFICATION_JUPYTER_CLIENT (source);
  NotificationCenter *center = notification_jupyter_client_get_center (client);
  g_autoptr(GError) error = NULL;

  execution->connecting = FALSE;
  if (!notification_jupyter_client_connect_finish (client, result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_printerr ("notification-monitor: cannot connect to the kernel of %s: %s\n",
                      notification_jupyter_client_get_connection_file (client), error->message);
          execution->status = TOOL_EXIT_FAILURE;
        }
      g_main_loop_quit (execution->loop);
      return;
    }

  if (execution->types == NULL)
    notification_center_add_observer (center, NULL, client, execution->print, NULL, NULL);
  else
    for (guint i = 0; execution->types[i] != NULL; i++)
      notification_center_add_observer (center, execution->types[i], client, execution->print, NULL, NULL);
  g_signal_connect (client, "notify::kernel-alive", G_CALLBACK (on_kernel_alive), execution);

  if (execution->code != NULL)
    g_free (notification_jupyter_client_execute_async (client, execution->code, NULL, on_executed, execution));
}

int
tool_jupyter_run (const char            *connection_file,
                  const char            *code,
                  char                 **types,
                  NotificationCallback   print,
                  GMainLoop             *loop)
{
  g_autoptr(NotificationCenter) center = g_object_new (NOTIFICATION_TYPE_CENTER, "emits-signal", FALSE, NULL);
  g_autoptr(NotificationJupyterClient) client = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  /* with CODE, anything but its `ok` (an interruption too) is a failure */
  Execution execution = { loop, NULL, code, types, print, TRUE,
                          code != NULL ? TOOL_EXIT_FAILURE : TOOL_EXIT_OK };

  client = notification_jupyter_client_new_for_connection_file (center, connection_file, &error);
  if (client == NULL)
    {
      g_printerr ("notification-monitor: %s\n", error->message);
      return TOOL_EXIT_FAILURE;
    }
  execution.client = client;

  /* connecting in the loop, so that SIGINT and SIGTERM end the wait for
   * a kernel that does not answer (the connect gives up after 30 s) */
  notification_jupyter_client_connect_async (client, cancellable, on_connected, &execution);
  g_main_loop_run (loop);
  if (execution.connecting)
    {
      g_cancellable_cancel (cancellable);
      while (execution.connecting)
        g_main_context_iteration (NULL, TRUE);
    }
  g_signal_handlers_disconnect_by_data (client, &execution);
  /* an execution still pending ends (its callback is not to run now) */
  g_object_run_dispose (G_OBJECT (client));

  return execution.status;
}

#else

int
tool_jupyter_run (const char            *connection_file,
                  const char            *code,
                  char                 **types,
                  NotificationCallback   print,
                  GMainLoop             *loop)
{
  g_printerr ("notification-monitor: --jupyter is not available (built without libzmq or json-glib)\n");
  return TOOL_EXIT_USAGE;
}

#endif
