/* notification-jupyter-client.c: a Jupyter kernel's output as notifications
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

G_DEFINE_FINAL_TYPE (NotificationJupyterClient, notification_jupyter_client, G_TYPE_OBJECT)

static GParamSpec *properties[N_PROPS];

static const int drop_props[NOTIFICATION_JUPYTER_N_DROPS] = {
  [NOTIFICATION_JUPYTER_DROP_SIGNATURE] = PROP_N_BAD_SIGNATURES,
  [NOTIFICATION_JUPYTER_DROP_FRAMES] = PROP_N_MALFORMED_FRAMES,
  [NOTIFICATION_JUPYTER_DROP_JSON] = PROP_N_MALFORMED_JSON,
};

void
notification_jupyter_client_execution_free (NotificationJupyterExecution *execution)
{
  notification_jupyter_client_destroy_source (&execution->cancelled);
  g_clear_object (&execution->task);
  g_free (execution->status);
  g_free (execution);
}

void
notification_jupyter_client_destroy_source (GSource **source)
{
  if (*source != NULL)
    {
      g_source_destroy (*source);
      g_clear_pointer (source, g_source_unref);
    }
}

void
notification_jupyter_client_close_socket (void **socket)
{
  if (*socket != NULL)
    {
      notification_zmq_socket_close (*socket);
      *socket = NULL;
    }
}

void
notification_jupyter_client_fail_executions (NotificationJupyterClient *self,
                 const GError              *error)
{
  GHashTableIter iter;
  NotificationJupyterExecution *execution;
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

void
notification_jupyter_client_notify (NotificationJupyterClient     *self,
                                    NotificationJupyterClientProp  prop)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

void
notification_jupyter_client_count_drop (NotificationJupyterClient *self,
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
  notification_jupyter_client_notify (self, PROP_N_DROPPED);
}

static void
notification_jupyter_client_dispose (GObject *object)
{
  NotificationJupyterClient *self = NOTIFICATION_JUPYTER_CLIENT (object);
  g_autoptr(GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CLOSED,
                                                 "the Jupyter client was disposed");

  /* What is pending holds a reference: only g_object_run_dispose() gets
   * here with a connect or an execution pending. Each fails, once. */
  notification_jupyter_client_disconnect (self, error);
  if (self->executions != NULL)
    notification_jupyter_client_fail_executions (self, error);
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
                                            (GDestroyNotify) notification_jupyter_client_execution_free);
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

/**
 * notification_jupyter_client_get_center:
 * @self: a client
 *
 * Gets the center the client posts into.
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
 * Gets the path of the kernel's connection file.
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
 * Gets whether connecting succeeded.
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
 * Gets whether the kernel still answers the heartbeat.
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
 * Gets how many received messages were dropped.
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
 * Gets how many messages had a wrong or missing signature.
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
 * Gets how many messages had unusable frames.
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
 * Gets how many messages had unusable JSON.
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
 * Gets how long a heartbeat ping may go unanswered.
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
 * Sets how long a heartbeat ping may go unanswered before the kernel is declared dead.
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
  notification_jupyter_client_notify (self, PROP_HEARTBEAT_TIMEOUT);
}
