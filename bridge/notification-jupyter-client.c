/* notification-jupyter-client.c: a Jupyter kernel's output as notifications
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <errno.h>
#include <string.h>

#include <zmq.h>

#include "notification-jupyter-client.h"
#include "notification-jupyter-message-private.h"
#include "notification-zmq-context-private.h"
#include "notification-zmq-source-private.h"

/**
 * NotificationJupyterClient:
 *
 * A client of a running Jupyter kernel that posts what the kernel
 * publishes into a [class@Notification.Center] (doc/jupyter.md).
 *
 * Stream output is posted as `stdout` and `stderr` with the key
 * `out_string`, so a frontend written for a local interpreter shows a
 * real kernel's output unchanged; every other IOPub message as
 * `jupyter.MSG_TYPE`, with the message's JSON content as `a{sv}`, and
 * `msg_id`, `parent_msg_id` and `date` beside it. The shell channel's
 * `execute_reply` is posted as `jupyter.execute_reply`. The client is
 * the notifications' sender.
 *
 * The client belongs to the thread-default [struct@GLib.MainContext] of
 * the thread that made it: call it there, and iterate that context.
 *
 * Messages with a bad signature (when the connection has a key), bad
 * frames or bad JSON are dropped and counted, never posted.
 *
 * Since: 1.2
 */

#define SOCKET_LINGER_MS        200
#define HANDSHAKE_INTERVAL_MS   100
#define HEARTBEAT_TICK_MS       100
#define HEARTBEAT_INTERVAL_US   (1 * G_USEC_PER_SEC)
#define DEFAULT_HEARTBEAT_MS    3000
#define CONNECT_TIMEOUT_MS      30000
#define MAX_FRAMES              64

typedef struct
{
  GTask    *task;     /* (owned) (nullable): execute_async's */
  gboolean  replied;
  gboolean  idle;
  char     *status;
} Execution;

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

G_DEFINE_FINAL_TYPE (NotificationJupyterClient, notification_jupyter_client, G_TYPE_OBJECT)

enum {
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
};

static GParamSpec *properties[N_PROPS];

static const int drop_props[NOTIFICATION_JUPYTER_N_DROPS] = {
  [NOTIFICATION_JUPYTER_DROP_SIGNATURE] = PROP_N_BAD_SIGNATURES,
  [NOTIFICATION_JUPYTER_DROP_FRAMES] = PROP_N_MALFORMED_FRAMES,
  [NOTIFICATION_JUPYTER_DROP_JSON] = PROP_N_MALFORMED_JSON,
};

static void
execution_free (Execution *execution)
{
  g_clear_object (&execution->task);
  g_free (execution->status);
  g_free (execution);
}

static void
destroy_source (GSource **source)
{
  if (*source != NULL)
    {
      g_source_destroy (*source);
      g_clear_pointer (source, g_source_unref);
    }
}

static void
close_socket (void **socket)
{
  if (*socket != NULL)
    {
      zmq_close (*socket);
      *socket = NULL;
    }
}

static void
fail_executions (NotificationJupyterClient *self,
                 const GError              *error)
{
  GHashTableIter iter;
  Execution *execution;
  g_autoptr(GList) tasks = NULL;

  g_hash_table_iter_init (&iter, self->executions);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &execution))
    {
      if (execution->task != NULL)
        tasks = g_list_prepend (tasks, g_steal_pointer (&execution->task));
      g_hash_table_iter_remove (&iter);
    }
  for (GList *l = tasks; l != NULL; l = l->next)
    {
      g_task_return_error (l->data, g_error_copy (error));
      g_object_unref (l->data);
    }
}

static void
notification_jupyter_client_dispose (GObject *object)
{
  NotificationJupyterClient *self = NOTIFICATION_JUPYTER_CLIENT (object);

  destroy_source (&self->iopub_source);
  destroy_source (&self->shell_source);
  destroy_source (&self->control_source);
  destroy_source (&self->hb_source);
  destroy_source (&self->handshake_timer);
  destroy_source (&self->hb_timer);
  close_socket (&self->iopub);
  close_socket (&self->shell);
  close_socket (&self->control);
  close_socket (&self->hb);
  g_clear_object (&self->center);

  G_OBJECT_CLASS (notification_jupyter_client_parent_class)->dispose (object);
}

static void
notification_jupyter_client_finalize (GObject *object)
{
  NotificationJupyterClient *self = NOTIFICATION_JUPYTER_CLIENT (object);

  g_free (self->connection_file);
  g_free (self->transport);
  g_free (self->ip);
  g_free (self->key);
  g_free (self->session);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_pointer (&self->handshake_ids, g_hash_table_unref);
  g_clear_pointer (&self->executions, g_hash_table_unref);
  g_clear_object (&self->connect_task);

  G_OBJECT_CLASS (notification_jupyter_client_parent_class)->finalize (object);
}

static void
notification_jupyter_client_get_property (GObject    *object,
                                          guint       prop_id,
                                          GValue     *value,
                                          GParamSpec *pspec)
{
  NotificationJupyterClient *self = NOTIFICATION_JUPYTER_CLIENT (object);

  switch (prop_id)
    {
    case PROP_CENTER:
      g_value_set_object (value, self->center);
      break;
    case PROP_CONNECTION_FILE:
      g_value_set_string (value, self->connection_file);
      break;
    case PROP_CONNECTED:
      g_value_set_boolean (value, self->connected);
      break;
    case PROP_KERNEL_ALIVE:
      g_value_set_boolean (value, self->kernel_alive);
      break;
    case PROP_N_DROPPED:
      g_value_set_uint64 (value, notification_jupyter_client_get_n_dropped (self));
      break;
    case PROP_N_BAD_SIGNATURES:
      g_value_set_uint64 (value, self->n_dropped[NOTIFICATION_JUPYTER_DROP_SIGNATURE]);
      break;
    case PROP_N_MALFORMED_FRAMES:
      g_value_set_uint64 (value, self->n_dropped[NOTIFICATION_JUPYTER_DROP_FRAMES]);
      break;
    case PROP_N_MALFORMED_JSON:
      g_value_set_uint64 (value, self->n_dropped[NOTIFICATION_JUPYTER_DROP_JSON]);
      break;
    case PROP_HEARTBEAT_TIMEOUT:
      g_value_set_uint (value, self->heartbeat_timeout);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
notification_jupyter_client_set_property (GObject      *object,
                                          guint         prop_id,
                                          const GValue *value,
                                          GParamSpec   *pspec)
{
  NotificationJupyterClient *self = NOTIFICATION_JUPYTER_CLIENT (object);

  switch (prop_id)
    {
    case PROP_HEARTBEAT_TIMEOUT:
      notification_jupyter_client_set_heartbeat_timeout (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
notification_jupyter_client_class_init (NotificationJupyterClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = notification_jupyter_client_dispose;
  object_class->finalize = notification_jupyter_client_finalize;
  object_class->get_property = notification_jupyter_client_get_property;
  object_class->set_property = notification_jupyter_client_set_property;

  /**
   * NotificationJupyterClient:center: (getter get_center)
   *
   * The center the kernel's messages are posted into.
   *
   * Since: 1.2
   */
  properties[PROP_CENTER] =
    g_param_spec_object ("center", NULL, NULL, NOTIFICATION_TYPE_CENTER,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * NotificationJupyterClient:connection-file: (getter get_connection_file)
   *
   * The path of the kernel's connection file.
   *
   * Since: 1.2
   */
  properties[PROP_CONNECTION_FILE] =
    g_param_spec_string ("connection-file", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * NotificationJupyterClient:connected: (getter get_connected)
   *
   * Whether [method@NotificationBridge.JupyterClient.connect_async]
   * succeeded: IOPub is known to be live.
   *
   * Since: 1.2
   */
  properties[PROP_CONNECTED] =
    g_param_spec_boolean ("connected", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * NotificationJupyterClient:kernel-alive: (getter get_kernel_alive)
   *
   * `FALSE` once the kernel stopped answering the heartbeat (then a
   * `jupyter.kernel-died` notification is posted).
   *
   * Since: 1.2
   */
  properties[PROP_KERNEL_ALIVE] =
    g_param_spec_boolean ("kernel-alive", NULL, NULL, TRUE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * NotificationJupyterClient:n-dropped: (getter get_n_dropped)
   *
   * How many received messages were dropped, of every kind.
   *
   * Since: 1.2
   */
  properties[PROP_N_DROPPED] =
    g_param_spec_uint64 ("n-dropped", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * NotificationJupyterClient:n-bad-signatures: (getter get_n_bad_signatures)
   *
   * Messages dropped for a wrong or missing signature.
   *
   * Since: 1.2
   */
  properties[PROP_N_BAD_SIGNATURES] =
    g_param_spec_uint64 ("n-bad-signatures", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * NotificationJupyterClient:n-malformed-frames: (getter get_n_malformed_frames)
   *
   * Messages dropped for their frames (no delimiter, too few).
   *
   * Since: 1.2
   */
  properties[PROP_N_MALFORMED_FRAMES] =
    g_param_spec_uint64 ("n-malformed-frames", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * NotificationJupyterClient:n-malformed-json: (getter get_n_malformed_json)
   *
   * Messages dropped for their JSON (not JSON, not objects, no ids, a
   * content that does not fit the type's schema).
   *
   * Since: 1.2
   */
  properties[PROP_N_MALFORMED_JSON] =
    g_param_spec_uint64 ("n-malformed-json", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * NotificationJupyterClient:heartbeat-timeout: (getter get_heartbeat_timeout) (setter set_heartbeat_timeout)
   *
   * How long (ms) a heartbeat ping may go unanswered before the kernel
   * is declared dead. Pings go about once a second.
   *
   * Since: 1.2
   */
  properties[PROP_HEARTBEAT_TIMEOUT] =
    g_param_spec_uint ("heartbeat-timeout", NULL, NULL, 100, G_MAXUINT, DEFAULT_HEARTBEAT_MS,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
notification_jupyter_client_init (NotificationJupyterClient *self)
{
  self->context = g_main_context_ref_thread_default ();
  self->session = g_uuid_string_random ();
  self->handshake_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->executions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                            (GDestroyNotify) execution_free);
  self->heartbeat_timeout = DEFAULT_HEARTBEAT_MS;
  self->kernel_alive = TRUE;
}

/* Connection files */

static gboolean
read_port (JsonObject  *object,
           const char  *name,
           int         *port,
           GError     **error)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_INT64 ||
      json_node_get_int (node) < 1 || json_node_get_int (node) > 65535)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "“%s” is not a port number (1–65535)", name);
      return FALSE;
    }
  *port = (int) json_node_get_int (node);

  return TRUE;
}

static const char *
read_string (JsonObject  *object,
             const char  *name,
             const char  *fallback,
             GError     **error)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL && fallback != NULL)
    return fallback;
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "“%s” is not a string", name);
      return NULL;
    }

  return json_node_get_string (node);
}

/**
 * notification_jupyter_client_new_for_connection_file: (constructor)
 * @center: the center to post into
 * @path: (type filename): a Jupyter connection file (as written by
 *   `ipykernel_launcher -f`)
 * @error: the reason the file is unusable
 *
 * Reads the connection file: `transport` (`tcp` or `ipc`), `ip`,
 * `shell_port`, `iopub_port`, `control_port`, `hb_port`, `key` (empty:
 * unsigned) and `signature_scheme` (`hmac-sha256`). Nothing is connected
 * until [method@NotificationBridge.JupyterClient.connect_async].
 *
 * Returns: (transfer full) (nullable): a new client
 *
 * Since: 1.2
 */
NotificationJupyterClient *
notification_jupyter_client_new_for_connection_file (NotificationCenter  *center,
                                                     const char          *path,
                                                     GError             **error)
{
  g_autofree char *contents = NULL;
  gsize length;
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local_error = NULL;
  JsonNode *root;
  JsonObject *object;
  const char *transport, *ip, *key, *scheme;
  int shell, iopub, control, hb;
  NotificationJupyterClient *self;

  g_return_val_if_fail (NOTIFICATION_IS_CENTER (center), NULL);
  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!g_file_get_contents (path, &contents, &length, error))
    return NULL;

  parser = json_parser_new_immutable ();
  if (!g_utf8_validate_len (contents, length, NULL) ||
      !json_parser_load_from_data (parser, contents, (gssize) length, &local_error))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s: not a JSON file%s%s", path,
                   local_error != NULL ? ": " : "", local_error != NULL ? local_error->message : "");
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s: not a JSON object", path);
      return NULL;
    }
  object = json_node_get_object (root);

  if ((transport = read_string (object, "transport", "tcp", &local_error)) == NULL ||
      (ip = read_string (object, "ip", NULL, &local_error)) == NULL ||
      (key = read_string (object, "key", "", &local_error)) == NULL ||
      (scheme = read_string (object, "signature_scheme", "hmac-sha256", &local_error)) == NULL ||
      !read_port (object, "shell_port", &shell, &local_error) ||
      !read_port (object, "iopub_port", &iopub, &local_error) ||
      !read_port (object, "control_port", &control, &local_error) ||
      !read_port (object, "hb_port", &hb, &local_error))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s: %s", path, local_error->message);
      return NULL;
    }
  if (strcmp (transport, "tcp") != 0 && strcmp (transport, "ipc") != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   "%s: transport “%s” is not supported (tcp, ipc)", path, transport);
      return NULL;
    }
  if (*ip == '\0' || strpbrk (ip, " \t\r\n/") != NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s: “ip” is not an address", path);
      return NULL;
    }
  if (strcmp (scheme, "hmac-sha256") != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   "%s: signature scheme “%s” is not supported (hmac-sha256)", path, scheme);
      return NULL;
    }

  self = g_object_new (NOTIFICATION_TYPE_JUPYTER_CLIENT, NULL);
  self->center = g_object_ref (center);
  self->connection_file = g_strdup (path);
  self->transport = g_strdup (transport);
  self->ip = g_strdup (ip);
  self->key = g_strdup (key);
  self->shell_port = shell;
  self->iopub_port = iopub;
  self->control_port = control;
  self->hb_port = hb;
  notification_jupyter_register_schemas (center);

  return self;
}

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

static gboolean
send_frames (void      *socket,
             GPtrArray *frames)
{
  for (guint i = 0; i < frames->len; i++)
    {
      gsize len;
      const void *data = g_bytes_get_data (frames->pdata[i], &len);

      if (zmq_send (socket, data, len, ZMQ_DONTWAIT | (i + 1 < frames->len ? ZMQ_SNDMORE : 0)) < 0)
        {
          g_warning ("NotificationJupyterClient: cannot send: %s", zmq_strerror (errno));
          return FALSE;
        }
    }

  return TRUE;
}

static char *
send_request (NotificationJupyterClient *self,
              void                      *socket,
              const char                *msg_type,
              JsonNode                  *content)
{
  g_autoptr(GPtrArray) frames = NULL;
  char *msg_id = NULL;

  frames = notification_jupyter_message_build (self->key, self->session, msg_type, content, &msg_id);
  send_frames (socket, frames);

  return msg_id;
}

static void
count_drop (NotificationJupyterClient *self,
            NotificationJupyterDrop    drop,
            const char                *channel,
            const GError              *error)
{
  static const char *const kinds[] = { "bad signature", "malformed frames", "malformed JSON" };

  self->n_dropped[drop]++;
  if (!(self->logged & (1u << drop)))
    {
      self->logged |= 1u << drop;
      g_warning ("NotificationJupyterClient: dropped a message on %s (%s): %s "
                 "(logged once per kind; counted in the n-bad-signatures, n-malformed-frames, "
                 "n-malformed-json properties)", channel, kinds[drop], error->message);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[drop_props[drop]]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_DROPPED]);
}

static void
post_message (NotificationJupyterClient  *self,
              NotificationJupyterMessage *message,
              const char                 *channel)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *type = notification_jupyter_message_notification_type (message);
  GVariant *user_info = notification_jupyter_message_to_user_info (message, &error);

  if (user_info == NULL)
    {
      count_drop (self, NOTIFICATION_JUPYTER_DROP_JSON, channel, error);
      return;
    }
  g_variant_ref_sink (user_info);
  if (!notification_center_post_checked (self->center, type, self, user_info, &error))
    count_drop (self, NOTIFICATION_JUPYTER_DROP_JSON, channel, error);
  g_variant_unref (user_info);
}

static void
complete_connect (NotificationJupyterClient *self,
                  GError                    *error)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->connect_task);

  destroy_source (&self->handshake_timer);
  g_hash_table_remove_all (self->handshake_ids);
  if (task == NULL)
    return;
  if (error != NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  self->connected = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNECTED]);
  g_task_return_boolean (task, TRUE);
}

static void
maybe_complete_execution (NotificationJupyterClient *self,
                          const char                *msg_id)
{
  Execution *execution = g_hash_table_lookup (self->executions, msg_id);
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
      count_drop (self, NOTIFICATION_JUPYTER_DROP_FRAMES, "IOPub", error);
      goto out;
    }
  message = notification_jupyter_message_parse (raw->frames, self->key, &drop, &error);
  if (message == NULL)
    {
      count_drop (self, drop, "IOPub", error);
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
      Execution *execution = g_hash_table_lookup (self->executions, message->parent_msg_id);

      if (execution != NULL && state != NULL && JSON_NODE_HOLDS_VALUE (state) &&
          json_node_get_value_type (state) == G_TYPE_STRING &&
          strcmp (json_node_get_string (state), "idle") == 0)
        {
          execution->idle = TRUE;
          maybe_complete_execution (self, message->parent_msg_id);
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
      count_drop (self, NOTIFICATION_JUPYTER_DROP_FRAMES, channel, error);
      goto out;
    }
  message = notification_jupyter_message_parse (raw->frames, self->key, &drop, &error);
  if (message == NULL)
    {
      count_drop (self, drop, channel, error);
      goto out;
    }

  if (strcmp (message->msg_type, "execute_reply") == 0)
    {
      Execution *execution = g_hash_table_lookup (self->executions, message->parent_msg_id);
      JsonNode *status = json_object_get_member (json_node_get_object (message->content), "status");

      post_message (self, message, channel);
      if (execution != NULL)
        {
          execution->replied = TRUE;
          g_free (execution->status);
          execution->status = g_strdup (status != NULL && JSON_NODE_HOLDS_VALUE (status) &&
                                        json_node_get_value_type (status) == G_TYPE_STRING
                                        ? json_node_get_string (status) : "error");
          maybe_complete_execution (self, message->parent_msg_id);
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
  GVariantBuilder builder;

  destroy_source (&self->hb_timer);
  destroy_source (&self->hb_source);
  close_socket (&self->hb);
  self->kernel_alive = FALSE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_KERNEL_ALIVE]);

  g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&builder, "{sv}", "connection_file",
                         g_variant_new_string (g_utf8_validate (self->connection_file, -1, NULL)
                                               ? self->connection_file : ""));
  g_variant_builder_add (&builder, "{sv}", "last_seen", g_variant_new_int64 (self->last_seen));
  if (!notification_center_post_checked (self->center, "jupyter.kernel-died", self,
                                         g_variant_builder_end (&builder), &error))
    g_warning ("NotificationJupyterClient: cannot post jupyter.kernel-died: %s", error->message);

  g_clear_error (&error);
  error = g_error_new (G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE,
                       "the kernel of %s stopped answering", self->connection_file);
  fail_executions (self, error);
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
      if (now - self->hb_sent > (gint64) self->heartbeat_timeout * 1000)
        {
          kernel_died (self);
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

static void *
open_socket (NotificationJupyterClient  *self,
             int                         type,
             int                         port,
             GError                    **error)
{
  void *socket = zmq_socket (notification_zmq_context_get (), type);
  g_autofree char *address = endpoint (self, port);
  int linger = SOCKET_LINGER_MS;

  if (socket == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "zmq_socket: %s", zmq_strerror (errno));
      return NULL;
    }
  zmq_setsockopt (socket, ZMQ_LINGER, &linger, sizeof linger);
  if (type == ZMQ_SUB)
    zmq_setsockopt (socket, ZMQ_SUBSCRIBE, "", 0);  /* before connect */
  if (zmq_connect (socket, address) != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "cannot connect to %s: %s", address, zmq_strerror (errno));
      zmq_close (socket);
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
  char *msg_id;

  if (self->connect_task == NULL)
    return G_SOURCE_REMOVE;
  cancellable = g_task_get_cancellable (self->connect_task);
  if (g_cancellable_set_error_if_cancelled (cancellable, &error))
    {
      complete_connect (self, g_steal_pointer (&error));
      return G_SOURCE_REMOVE;
    }
  if (g_get_monotonic_time () > self->connect_deadline)
    {
      complete_connect (self, g_error_new (G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                                           "no answer on IOPub from the kernel of %s",
                                           self->connection_file));
      return G_SOURCE_REMOVE;
    }

  msg_id = send_request (self, self->shell, "kernel_info_request", NULL);
  g_hash_table_add (self->handshake_ids, msg_id);

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
      close_socket (&self->iopub);
      close_socket (&self->shell);
      close_socket (&self->control);
      g_task_return_error (task, error);
      return;
    }
  self->iopub_source = attach_source (self, self->iopub, on_iopub);
  self->shell_source = attach_source (self, self->shell, on_shell);
  self->control_source = attach_source (self, self->control, on_shell);
  self->hb_source = attach_source (self, self->hb, on_hb);

  self->connect_task = g_steal_pointer (&task);
  self->connect_deadline = g_get_monotonic_time () + CONNECT_TIMEOUT_MS * G_TIME_SPAN_MILLISECOND;
  self->last_seen = g_get_real_time ();
  self->hb_timer = g_timeout_source_new (HEARTBEAT_TICK_MS);
  g_source_set_callback (self->hb_timer, on_hb_tick, self, NULL);
  g_source_set_static_name (self->hb_timer, "[libnotification-bridge] Jupyter heartbeat");
  g_source_attach (self->hb_timer, self->context);

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

  return send_request (self, self->shell, "execute_request", content);
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
  Execution *execution;
  char *msg_id;

  g_return_val_if_fail (NOTIFICATION_IS_JUPYTER_CLIENT (self), NULL);
  g_return_val_if_fail (code != NULL && g_utf8_validate (code, -1, NULL), NULL);
  g_return_val_if_fail (self->shell != NULL, NULL);

  execution = g_new0 (Execution, 1);
  execution->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (execution->task, notification_jupyter_client_execute_async);
  g_task_set_check_cancellable (execution->task, TRUE);

  if (!self->kernel_alive)
    {
      g_task_return_new_error (execution->task, G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE,
                               "the kernel of %s stopped answering", self->connection_file);
      execution_free (execution);
      return notification_jupyter_client_execute (self, code);
    }

  msg_id = notification_jupyter_client_execute (self, code);
  g_hash_table_insert (self->executions, g_strdup (msg_id), execution);

  return msg_id;
}

/**
 * notification_jupyter_client_execute_finish:
 * @self: a client
 * @result: the result given to the callback
 * @error: the reason it failed (the kernel died, cancelled)
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

  g_free (send_request (self, self->control, "interrupt_request", NULL));
}

/**
 * notification_jupyter_client_get_center:
 * @self: a client
 *
 * Returns: (transfer none): the center the client posts into
 *
 * Since: 1.2
 */
NotificationCenter *
notification_jupyter_client_get_center (NotificationJupyterClient *self)
{
  g_return_val_if_fail (NOTIFICATION_IS_JUPYTER_CLIENT (self), NULL);

  return self->center;
}

/**
 * notification_jupyter_client_get_connection_file:
 * @self: a client
 *
 * Returns: (type filename): the connection file's path
 *
 * Since: 1.2
 */
const char *
notification_jupyter_client_get_connection_file (NotificationJupyterClient *self)
{
  g_return_val_if_fail (NOTIFICATION_IS_JUPYTER_CLIENT (self), NULL);

  return self->connection_file;
}

/**
 * notification_jupyter_client_get_connected:
 * @self: a client
 *
 * Returns: whether IOPub is known to be live
 *
 * Since: 1.2
 */
gboolean
notification_jupyter_client_get_connected (NotificationJupyterClient *self)
{
  g_return_val_if_fail (NOTIFICATION_IS_JUPYTER_CLIENT (self), FALSE);

  return self->connected;
}

/**
 * notification_jupyter_client_get_kernel_alive:
 * @self: a client
 *
 * Returns: `FALSE` once the kernel stopped answering the heartbeat
 *
 * Since: 1.2
 */
gboolean
notification_jupyter_client_get_kernel_alive (NotificationJupyterClient *self)
{
  g_return_val_if_fail (NOTIFICATION_IS_JUPYTER_CLIENT (self), FALSE);

  return self->kernel_alive;
}

/**
 * notification_jupyter_client_get_n_dropped:
 * @self: a client
 *
 * Returns: how many received messages were dropped, of every kind
 *
 * Since: 1.2
 */
guint64
notification_jupyter_client_get_n_dropped (NotificationJupyterClient *self)
{
  guint64 n = 0;

  g_return_val_if_fail (NOTIFICATION_IS_JUPYTER_CLIENT (self), 0);

  for (guint i = 0; i < NOTIFICATION_JUPYTER_N_DROPS; i++)
    n += self->n_dropped[i];

  return n;
}

/**
 * notification_jupyter_client_get_n_bad_signatures:
 * @self: a client
 *
 * Returns: messages dropped for a wrong or missing signature
 *
 * Since: 1.2
 */
guint64
notification_jupyter_client_get_n_bad_signatures (NotificationJupyterClient *self)
{
  g_return_val_if_fail (NOTIFICATION_IS_JUPYTER_CLIENT (self), 0);

  return self->n_dropped[NOTIFICATION_JUPYTER_DROP_SIGNATURE];
}

/**
 * notification_jupyter_client_get_n_malformed_frames:
 * @self: a client
 *
 * Returns: messages dropped for their frames
 *
 * Since: 1.2
 */
guint64
notification_jupyter_client_get_n_malformed_frames (NotificationJupyterClient *self)
{
  g_return_val_if_fail (NOTIFICATION_IS_JUPYTER_CLIENT (self), 0);

  return self->n_dropped[NOTIFICATION_JUPYTER_DROP_FRAMES];
}

/**
 * notification_jupyter_client_get_n_malformed_json:
 * @self: a client
 *
 * Returns: messages dropped for their JSON
 *
 * Since: 1.2
 */
guint64
notification_jupyter_client_get_n_malformed_json (NotificationJupyterClient *self)
{
  g_return_val_if_fail (NOTIFICATION_IS_JUPYTER_CLIENT (self), 0);

  return self->n_dropped[NOTIFICATION_JUPYTER_DROP_JSON];
}

/**
 * notification_jupyter_client_get_heartbeat_timeout:
 * @self: a client
 *
 * Returns: the heartbeat timeout, in ms
 *
 * Since: 1.2
 */
guint
notification_jupyter_client_get_heartbeat_timeout (NotificationJupyterClient *self)
{
  g_return_val_if_fail (NOTIFICATION_IS_JUPYTER_CLIENT (self), 0);

  return self->heartbeat_timeout;
}

/**
 * notification_jupyter_client_set_heartbeat_timeout:
 * @self: a client
 * @timeout_ms: how long a ping may go unanswered (at least 100 ms)
 *
 * Since: 1.2
 */
void
notification_jupyter_client_set_heartbeat_timeout (NotificationJupyterClient *self,
                                                   guint                      timeout_ms)
{
  g_return_if_fail (NOTIFICATION_IS_JUPYTER_CLIENT (self));
  g_return_if_fail (timeout_ms >= 100);

  if (self->heartbeat_timeout == timeout_ms)
    return;
  self->heartbeat_timeout = timeout_ms;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HEARTBEAT_TIMEOUT]);
}
