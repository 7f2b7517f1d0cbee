/* notification-jupyter-client-private.h: what the client's files share
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * NotificationJupyterClient is one type in three files:
 * notification-jupyter-client.c (the object, its connection file, its
 * properties), notification-jupyter-client-channels.c (sockets, dispatch,
 * the handshake, the heartbeat) and notification-jupyter-client-execute.c
 * (execute, interrupt).
 */

#pragma once

#include "notification-jupyter-client.h"
#include "notification-jupyter-message-private.h"

G_BEGIN_DECLS

#define SOCKET_LINGER_MS        200
#define HANDSHAKE_INTERVAL_MS   100
#define HEARTBEAT_TICK_MS       100
#define HEARTBEAT_INTERVAL_US   (1 * G_USEC_PER_SEC)
#define DEFAULT_HEARTBEAT_MS    3000
#define CONNECT_TIMEOUT_MS      30000
#define MAX_FRAMES              64

typedef struct
{
  GTask    *task;        /* (owned) (nullable): execute_async's */
  GSource  *cancelled;   /* (owned) (nullable): on the client's context */
  gboolean  replied;
  gboolean  idle;
  char     *status;
} NotificationJupyterExecution;

struct _NotificationJupyterClient
{
  GObject             parent_instance;

  NotificationCenter *center;           /* (owned) */
  char               *connection_file;
  char               *transport;
  char               *ip;
  char               *key;
  int                 shell_port;
  int                 iopub_port;
  int                 control_port;
  int                 hb_port;
  char               *session;
  GMainContext       *context;          /* (owned) */

  void               *iopub;            /* ZeroMQ sockets, NULL before connect */
  void               *shell;
  void               *control;
  void               *hb;
  GSource            *iopub_source;
  GSource            *shell_source;
  GSource            *control_source;
  GSource            *hb_source;

  GTask              *connect_task;     /* (owned) (nullable) */
  GSource            *connect_cancelled; /* (owned) (nullable) */
  GHashTable         *handshake_ids;    /* (element-type utf8) */
  GSource            *handshake_timer;
  gint64              connect_deadline;
  gboolean            connected;

  GSource            *hb_timer;
  gboolean            hb_waiting;
  gint64              hb_sent;
  gint64              last_seen;
  guint               heartbeat_timeout;
  gboolean            kernel_alive;

  GHashTable         *executions;       /* msg_id → Execution */

  guint64             n_dropped[NOTIFICATION_JUPYTER_N_DROPS];
  guint               logged;           /* bit per drop kind, + posting */
};

typedef enum {
  PROP_0,
  PROP_CENTER,
  PROP_CONNECTION_FILE,
  PROP_CONNECTED,
  PROP_KERNEL_ALIVE,
  PROP_N_DROPPED,
  PROP_N_BAD_SIGNATURES,
  PROP_N_MALFORMED_FRAMES,
  PROP_N_MALFORMED_JSON,
  PROP_HEARTBEAT_TIMEOUT,
  N_PROPS
} NotificationJupyterClientProp;


void  notification_jupyter_client_notify        (NotificationJupyterClient     *self,
                                                 NotificationJupyterClientProp  prop);
void  notification_jupyter_client_count_drop    (NotificationJupyterClient     *self,
                                                 NotificationJupyterDrop        drop,
                                                 const char                    *channel,
                                                 const GError                  *error);
void  notification_jupyter_client_destroy_source (GSource                     **source);
void  notification_jupyter_client_close_socket  (void                         **socket);
void  notification_jupyter_client_execution_free (NotificationJupyterExecution *execution);
void  notification_jupyter_client_fail_executions (NotificationJupyterClient   *self,
                                                   const GError                *error);
void  notification_jupyter_client_disconnect    (NotificationJupyterClient     *self,
                                                 const GError                  *error);
void  notification_jupyter_client_complete_execution (NotificationJupyterClient *self,
                                                      const char                *msg_id);
char *notification_jupyter_client_send_request  (NotificationJupyterClient     *self,
                                                 void                          *socket,
                                                 const char                    *msg_type,
                                                 JsonNode                      *content);

G_END_DECLS
