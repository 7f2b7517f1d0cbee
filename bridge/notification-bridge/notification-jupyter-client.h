/* notification-jupyter-client.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(NOTIFICATION_BRIDGE_INSIDE) && !defined(NOTIFICATION_BRIDGE_COMPILATION)
# error "Only <notification-bridge/notification-bridge.h> can be included directly."
#endif

#include <gio/gio.h>
#include <notification/notification.h>

#include "notification-bridge-version-macros.h"

G_BEGIN_DECLS

#define NOTIFICATION_TYPE_JUPYTER_CLIENT (notification_jupyter_client_get_type ())

NOTIFICATION_BRIDGE_AVAILABLE_IN_1_2
G_DECLARE_FINAL_TYPE (NotificationJupyterClient, notification_jupyter_client, NOTIFICATION, JUPYTER_CLIENT, GObject)

NOTIFICATION_BRIDGE_AVAILABLE_IN_1_2
NotificationJupyterClient *notification_jupyter_client_new_for_connection_file (NotificationCenter         *center,
                                                                               const char                 *path,
                                                                               GError                    **error) G_GNUC_WARN_UNUSED_RESULT;
NOTIFICATION_BRIDGE_AVAILABLE_IN_1_2
void        notification_jupyter_client_connect_async      (NotificationJupyterClient  *self,
                                                            GCancellable               *cancellable,
                                                            GAsyncReadyCallback         callback,
                                                            gpointer                    user_data);
NOTIFICATION_BRIDGE_AVAILABLE_IN_1_2
gboolean    notification_jupyter_client_connect_finish     (NotificationJupyterClient  *self,
                                                            GAsyncResult               *result,
                                                            GError                    **error);
NOTIFICATION_BRIDGE_AVAILABLE_IN_1_2
char       *notification_jupyter_client_execute            (NotificationJupyterClient  *self,
                                                            const char                 *code) G_GNUC_WARN_UNUSED_RESULT;
NOTIFICATION_BRIDGE_AVAILABLE_IN_1_2
char       *notification_jupyter_client_execute_async      (NotificationJupyterClient  *self,
                                                            const char                 *code,
                                                            GCancellable               *cancellable,
                                                            GAsyncReadyCallback         callback,
                                                            gpointer                    user_data);
NOTIFICATION_BRIDGE_AVAILABLE_IN_1_2
char       *notification_jupyter_client_execute_finish     (NotificationJupyterClient  *self,
                                                            GAsyncResult               *result,
                                                            GError                    **error) G_GNUC_WARN_UNUSED_RESULT;
NOTIFICATION_BRIDGE_AVAILABLE_IN_1_2
void        notification_jupyter_client_interrupt          (NotificationJupyterClient  *self);
NOTIFICATION_BRIDGE_AVAILABLE_IN_1_2
NotificationCenter *notification_jupyter_client_get_center (NotificationJupyterClient  *self);
NOTIFICATION_BRIDGE_AVAILABLE_IN_1_2
const char *notification_jupyter_client_get_connection_file (NotificationJupyterClient *self);
NOTIFICATION_BRIDGE_AVAILABLE_IN_1_2
gboolean    notification_jupyter_client_get_connected      (NotificationJupyterClient  *self);
NOTIFICATION_BRIDGE_AVAILABLE_IN_1_2
gboolean    notification_jupyter_client_get_kernel_alive   (NotificationJupyterClient  *self);
NOTIFICATION_BRIDGE_AVAILABLE_IN_1_2
guint64     notification_jupyter_client_get_n_dropped      (NotificationJupyterClient  *self);
NOTIFICATION_BRIDGE_AVAILABLE_IN_1_2
guint64     notification_jupyter_client_get_n_bad_signatures (NotificationJupyterClient *self);
NOTIFICATION_BRIDGE_AVAILABLE_IN_1_2
guint64     notification_jupyter_client_get_n_malformed_frames (NotificationJupyterClient *self);
NOTIFICATION_BRIDGE_AVAILABLE_IN_1_2
guint64     notification_jupyter_client_get_n_malformed_json (NotificationJupyterClient *self);
NOTIFICATION_BRIDGE_AVAILABLE_IN_1_2
guint       notification_jupyter_client_get_heartbeat_timeout (NotificationJupyterClient *self);
NOTIFICATION_BRIDGE_AVAILABLE_IN_1_2
void        notification_jupyter_client_set_heartbeat_timeout (NotificationJupyterClient *self,
                                                               guint                      timeout_ms);

G_END_DECLS
