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
  GMainLoop *loop;
  int        status;
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

  if (status == NULL)
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

int
tool_jupyter_run (const char            *connection_file,
                  const char            *code,
                  char                 **types,
                  NotificationCallback   print,
                  GMainLoop             *loop)
{
  g_autoptr(NotificationCenter) center = g_object_new (NOTIFICATION_TYPE_CENTER, "emits-signal", FALSE, NULL);
  g_autoptr(NotificationJupyterClient) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *msg_id = NULL;
  Execution execution = { loop, TOOL_EXIT_OK };

  client = notification_jupyter_client_new_for_connection_file (center, connection_file, &error);
  if (client == NULL)
    {
      g_printerr ("notification-monitor: %s\n", error->message);
      return TOOL_EXIT_FAILURE;
    }
  notification_jupyter_client_connect_async (client, NULL, tool_got_result, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  if (!notification_jupyter_client_connect_finish (client, result, &error))
    {
      g_printerr ("notification-monitor: cannot connect to the kernel of %s: %s\n",
                  connection_file, error->message);
      return TOOL_EXIT_FAILURE;
    }

  if (types == NULL)
    notification_center_add_observer (center, NULL, client, print, NULL, NULL);
  else
    for (guint i = 0; types[i] != NULL; i++)
      notification_center_add_observer (center, types[i], client, print, NULL, NULL);
  g_signal_connect (client, "notify::kernel-alive", G_CALLBACK (on_kernel_alive), &execution);

  if (code != NULL)
    msg_id = notification_jupyter_client_execute_async (client, code, NULL, on_executed, &execution);

  g_main_loop_run (loop);
  g_signal_handlers_disconnect_by_data (client, &execution);

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
