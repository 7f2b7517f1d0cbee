/* notification-zmq-bridge.c: what the ZeroMQ publisher and subscriber share
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <errno.h>
#include <string.h>
#include <zmq.h>

#include "notification-zmq-auth-private.h"
#include "notification-zmq-bridge-private.h"
#include "notification-zmq-context-private.h"

/**
 * NotificationZmqBridge:
 *
 * The base of the ZeroMQ transports, [class@NotificationBridge.ZmqPublisher]
 * and [class@NotificationBridge.ZmqSubscriber]: a socket that binds or
 * connects one endpoint (`tcp://`, `ipc://` or `inproc://`), with CURVE
 * security if its keys are set, read through the bridge's main context.
 *
 * It implements [iface@Gio.Initable]: the socket is made, configured and
 * bound or connected in g_initable_init(), which fails with a `GError`
 * (`G_IO_ERROR`) for an endpoint ZeroMQ does not accept, an address in
 * use, a bad key, or a plain bind of a TCP address other than loopback
 * without [property@NotificationBridge.ZmqBridge:allow-insecure]
 * (%G_IO_ERROR_PERMISSION_DENIED).
 *
 * Make it in the thread that runs its main context (a ZeroMQ socket
 * belongs to one thread) and drop it there. When it is disposed its
 * socket is closed with a finite linger
 * ([property@NotificationBridge.ZmqBridge:linger]): what it queued is
 * still sent for that long, in the background. A program that must not
 * lose the last message at exit calls [func@NotificationBridge.zmq_shutdown]
 * after dropping its bridges.
 *
 * Since: 1.2
 */

typedef struct
{
  char *endpoint;
  char *last_endpoint;
  gboolean bind;
  gboolean allow_insecure;
  char *secret_key;
  char *public_key;
  char *server_key;
  GStrv allowed_keys;                 /* (owned) (nullable) */
  NotificationZmqAuthDomain *domain;  /* (owned) (nullable) with allowed_keys, on the CURVE server */
  guint hwm;
  int linger;

  gboolean initialized;
  GError *init_error;
  void *socket;       /* (owned), used on the bridge's context only */
  GSource *source;    /* (owned) */
} NotificationZmqBridgePrivate;

static void notification_zmq_bridge_initable_iface_init (GInitableIface *iface);

G_DEFINE_ABSTRACT_TYPE_WITH_CODE (NotificationZmqBridge, notification_zmq_bridge, NOTIFICATION_TYPE_BRIDGE,
                                  G_ADD_PRIVATE (NotificationZmqBridge)
                                  G_IMPLEMENT_INTERFACE (G_TYPE_INITABLE,
                                                         notification_zmq_bridge_initable_iface_init))

G_DEFINE_FLAGS_TYPE (NotificationZmqFlags, notification_zmq_flags,
                     G_DEFINE_ENUM_VALUE (NOTIFICATION_ZMQ_FLAGS_NONE, "none"),
                     G_DEFINE_ENUM_VALUE (NOTIFICATION_ZMQ_FLAGS_BIND, "bind"),
                     G_DEFINE_ENUM_VALUE (NOTIFICATION_ZMQ_FLAGS_ALLOW_INSECURE, "allow-insecure"))

enum {
  PROP_0,
  PROP_ENDPOINT,
  PROP_BIND,
  PROP_ALLOW_INSECURE,
  PROP_CURVE_SECRET_KEY,
  PROP_CURVE_PUBLIC_KEY,
  PROP_CURVE_SERVER_KEY,
  PROP_CURVE_ALLOWED_KEYS,
  PROP_N_CLIENTS_DENIED,
  PROP_HIGH_WATER_MARK,
  PROP_LINGER,
  N_PROPS
};
static GParamSpec *properties[N_PROPS];

void *
notification_zmq_bridge_get_socket (NotificationZmqBridge *self)
{
  NotificationZmqBridgePrivate *priv = notification_zmq_bridge_get_instance_private (self);

  return priv->socket;
}

static void
close_socket (NotificationZmqBridge *self)
{
  NotificationZmqBridgePrivate *priv = notification_zmq_bridge_get_instance_private (self);

  if (priv->source != NULL)
    {
      g_source_destroy (priv->source);
      g_clear_pointer (&priv->source, g_source_unref);
    }
  if (priv->socket != NULL)
    {
      notification_zmq_socket_close (priv->socket);
      priv->socket = NULL;
    }
}

static void
notification_zmq_bridge_dispose (GObject *object)
{
  NotificationZmqBridge *self = NOTIFICATION_ZMQ_BRIDGE (object);

  /* first the base (no more observers, so no more send()), then the socket */
  G_OBJECT_CLASS (notification_zmq_bridge_parent_class)->dispose (object);
  close_socket (self);
}

static void
notification_zmq_bridge_finalize (GObject *object)
{
  NotificationZmqBridge *self = NOTIFICATION_ZMQ_BRIDGE (object);
  NotificationZmqBridgePrivate *priv = notification_zmq_bridge_get_instance_private (self);

  g_free (priv->endpoint);
  g_free (priv->last_endpoint);
  if (priv->secret_key != NULL)
    memset (priv->secret_key, 0, strlen (priv->secret_key));
  g_free (priv->secret_key);
  g_free (priv->public_key);
  g_free (priv->server_key);
  g_strfreev (priv->allowed_keys);
  /* after the socket closed (dispose): later requests for it are denied */
  g_clear_pointer (&priv->domain, notification_zmq_auth_domain_free);
  g_clear_error (&priv->init_error);

  G_OBJECT_CLASS (notification_zmq_bridge_parent_class)->finalize (object);
}

static void
notification_zmq_bridge_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  NotificationZmqBridge *self = NOTIFICATION_ZMQ_BRIDGE (object);
  NotificationZmqBridgePrivate *priv = notification_zmq_bridge_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_ENDPOINT: g_value_set_string (value, priv->endpoint); break;
    case PROP_BIND: g_value_set_boolean (value, priv->bind); break;
    case PROP_ALLOW_INSECURE: g_value_set_boolean (value, priv->allow_insecure); break;
    case PROP_CURVE_PUBLIC_KEY: g_value_set_string (value, priv->public_key); break;
    case PROP_CURVE_SERVER_KEY: g_value_set_string (value, priv->server_key); break;
    case PROP_CURVE_ALLOWED_KEYS: g_value_set_boxed (value, priv->allowed_keys); break;
    case PROP_N_CLIENTS_DENIED: g_value_set_uint64 (value, notification_zmq_bridge_get_n_clients_denied (self)); break;
    case PROP_HIGH_WATER_MARK: g_value_set_uint (value, priv->hwm); break;
    case PROP_LINGER: g_value_set_int (value, priv->linger); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
notification_zmq_bridge_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  NotificationZmqBridge *self = NOTIFICATION_ZMQ_BRIDGE (object);
  NotificationZmqBridgePrivate *priv = notification_zmq_bridge_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_ENDPOINT: priv->endpoint = g_value_dup_string (value); break;
    case PROP_BIND: priv->bind = g_value_get_boolean (value); break;
    case PROP_ALLOW_INSECURE: priv->allow_insecure = g_value_get_boolean (value); break;
    case PROP_CURVE_SECRET_KEY: priv->secret_key = g_value_dup_string (value); break;
    case PROP_CURVE_PUBLIC_KEY: priv->public_key = g_value_dup_string (value); break;
    case PROP_CURVE_SERVER_KEY: priv->server_key = g_value_dup_string (value); break;
    case PROP_CURVE_ALLOWED_KEYS: priv->allowed_keys = g_value_dup_boxed (value); break;
    case PROP_HIGH_WATER_MARK: priv->hwm = g_value_get_uint (value); break;
    case PROP_LINGER: priv->linger = g_value_get_int (value); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
notification_zmq_bridge_class_init (NotificationZmqBridgeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = notification_zmq_bridge_dispose;
  object_class->finalize = notification_zmq_bridge_finalize;
  object_class->get_property = notification_zmq_bridge_get_property;
  object_class->set_property = notification_zmq_bridge_set_property;

  /**
   * NotificationZmqBridge:endpoint:
   *
   * The ZeroMQ endpoint to bind or connect: `tcp://HOST:PORT` (binding
   * `tcp://127.0.0.1:*` picks a free port, see
   * [method@NotificationBridge.ZmqBridge.dup_last_endpoint]),
   * `ipc://PATH` or `inproc://NAME` (within the process).
   *
   * Since: 1.2
   */
  properties[PROP_ENDPOINT] =
    g_param_spec_string ("endpoint", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /**
   * NotificationZmqBridge:bind:
   *
   * Whether the socket binds the endpoint (else it connects to it). The
   * side that binds is the CURVE server.
   *
   * Since: 1.2
   */
  properties[PROP_BIND] =
    g_param_spec_boolean ("bind", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /**
   * NotificationZmqBridge:allow-insecure:
   *
   * Whether binding a TCP address other than loopback without CURVE is
   * allowed. It is refused by default: anyone who can reach the address
   * could read what is published, or post into the center.
   *
   * Since: 1.2
   */
  properties[PROP_ALLOW_INSECURE] =
    g_param_spec_boolean ("allow-insecure", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /**
   * NotificationZmqBridge:curve-secret-key:
   *
   * The secret key of this side, Z85 text (40 characters): on the side
   * that binds, the CURVE server's secret key, which turns CURVE on; on
   * the side that connects, the client's (with
   * [property@NotificationBridge.ZmqBridge:curve-public-key]). Write-only.
   *
   * Since: 1.2
   */
  properties[PROP_CURVE_SECRET_KEY] =
    g_param_spec_string ("curve-secret-key", NULL, NULL, NULL,
                         G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /**
   * NotificationZmqBridge:curve-public-key:
   *
   * On the side that connects, the client's public key (Z85). Without a
   * client key pair a connecting side with
   * [property@NotificationBridge.ZmqBridge:curve-server-key] makes a
   * fresh one, which a server with an allow-list refuses.
   *
   * Since: 1.2
   */
  properties[PROP_CURVE_PUBLIC_KEY] =
    g_param_spec_string ("curve-public-key", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /**
   * NotificationZmqBridge:curve-server-key:
   *
   * On the side that connects, the server's public key (Z85): turns
   * CURVE on, and the connection fails unless the server has the
   * matching secret key.
   *
   * Since: 1.2
   */
  properties[PROP_CURVE_SERVER_KEY] =
    g_param_spec_string ("curve-server-key", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /**
   * NotificationZmqBridge:curve-allowed-keys:
   *
   * On the side that binds, as a CURVE server: the public keys (Z85) of
   * the clients it accepts; any other client completes no connection, so
   * it receives nothing and nothing it sends is delivered (counted in
   * [property@NotificationBridge.ZmqBridge:n-clients-denied]). `NULL`
   * (the default) accepts every client that completes the CURVE
   * handshake, that is every client that knows the server's public key;
   * an empty list accepts none. Needs
   * [property@NotificationBridge.ZmqBridge:curve-secret-key]; an error on
   * the side that connects. [func@NotificationBridge.zmq_load_curve_allowed_keys]
   * reads such a list from a file.
   *
   * Since: 1.2
   */
  properties[PROP_CURVE_ALLOWED_KEYS] =
    g_param_spec_boxed ("curve-allowed-keys", NULL, NULL, G_TYPE_STRV,
                        G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /**
   * NotificationZmqBridge:n-clients-denied: (getter get_n_clients_denied)
   *
   * How many clients the allow-list
   * ([property@NotificationBridge.ZmqBridge:curve-allowed-keys]) turned
   * away. Counted on another thread: read it when needed, it is not
   * notified.
   *
   * Since: 1.2
   */
  properties[PROP_N_CLIENTS_DENIED] =
    g_param_spec_uint64 ("n-clients-denied", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /**
   * NotificationZmqBridge:high-water-mark:
   *
   * ZeroMQ's high-water mark, in messages per peer, for sending and
   * receiving (0: none, memory unbounded). A publisher whose subscriber
   * is that far behind drops what it would send and counts it
   * ([property@NotificationBridge.ZmqPublisher:n-dropped]).
   *
   * Since: 1.2
   */
  properties[PROP_HIGH_WATER_MARK] =
    g_param_spec_uint ("high-water-mark", NULL, NULL, 0, G_MAXINT, 1000,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /**
   * NotificationZmqBridge:linger:
   *
   * How long, in milliseconds, the socket keeps sending what it queued
   * once the bridge is disposed.
   *
   * Since: 1.2
   */
  properties[PROP_LINGER] =
    g_param_spec_int ("linger", NULL, NULL, 0, G_MAXINT, 1000,
                      G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
notification_zmq_bridge_init (NotificationZmqBridge *self)
{
  NotificationZmqBridgePrivate *priv = notification_zmq_bridge_get_instance_private (self);

  priv->hwm = 1000;
  priv->linger = 1000;
}

/* Initialisation */

static gboolean
set_error_from_zmq (GError     **error,
                    const char  *what,
                    const char  *endpoint)
{
  int code = zmq_errno ();
  GIOErrorEnum io_code;

  switch (code)
    {
    case EINVAL: io_code = G_IO_ERROR_INVALID_ARGUMENT; break;
    case EPROTONOSUPPORT: io_code = G_IO_ERROR_NOT_SUPPORTED; break;
    case EADDRINUSE: io_code = G_IO_ERROR_ADDRESS_IN_USE; break;
    case EADDRNOTAVAIL: io_code = G_IO_ERROR_INVALID_ARGUMENT; break;
    default: io_code = g_io_error_from_errno (code); break;
    }
  g_set_error (error, G_IO_ERROR, io_code, "Cannot %s %s: %s", what,
               endpoint != NULL ? endpoint : "(none)", zmq_strerror (code));
  return FALSE;
}

/* Whether a tcp:// bind address is a loopback one. */
static gboolean
tcp_bind_is_loopback (const char *endpoint)
{
  const char *address = endpoint + strlen ("tcp://");
  const char *colon = strrchr (address, ':');
  g_autofree char *host = NULL;
  g_autoptr(GInetAddress) inet = NULL;

  if (colon == NULL)
    return FALSE;
  host = g_strndup (address, colon - address);
  if (host[0] == '[' && host[strlen (host) - 1] == ']')
    {
      char *inner = g_strndup (host + 1, strlen (host) - 2);

      g_free (host);
      host = inner;
    }
  if (g_str_equal (host, "localhost") || g_str_equal (host, "lo"))
    return TRUE;
  inet = g_inet_address_new_from_string (host);
  return inet != NULL && g_inet_address_get_is_loopback (inet);
}

static gboolean
check_key (const char  *key,
           const char  *name,
           GError     **error)
{
  guint8 raw[32];

  if (key == NULL)
    return TRUE;
  if (strlen (key) != 40 || zmq_z85_decode (raw, key) == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "The %s is not a CURVE key in Z85 text (40 characters)", name);
      return FALSE;
    }
  memset (raw, 0, sizeof raw);
  return TRUE;
}

static gboolean
set_string_option (void        *socket,
                   int          option,
                   const char  *value,
                   const char  *endpoint,
                   GError     **error)
{
  if (zmq_setsockopt (socket, option, value, strlen (value)) != 0)
    return set_error_from_zmq (error, "set CURVE keys for", endpoint);
  return TRUE;
}

static gboolean
setup_curve (NotificationZmqBridge  *self,
             void                   *socket,
             GError                **error)
{
  NotificationZmqBridgePrivate *priv = notification_zmq_bridge_get_instance_private (self);
  int one = 1;

  if (!check_key (priv->secret_key, "curve-secret-key", error) ||
      !check_key (priv->public_key, "curve-public-key", error) ||
      !check_key (priv->server_key, "curve-server-key", error))
    return FALSE;

  if (priv->allowed_keys != NULL && !(priv->bind && priv->secret_key != NULL))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "curve-allowed-keys is for the CURVE server: the side that binds, "
                   "with curve-secret-key");
      return FALSE;
    }

  if (priv->bind)
    {
      if (priv->secret_key == NULL)
        return TRUE;
      if (zmq_setsockopt (socket, ZMQ_CURVE_SERVER, &one, sizeof one) != 0)
        return set_error_from_zmq (error, "set CURVE keys for", priv->endpoint);
      if (!set_string_option (socket, ZMQ_CURVE_SECRETKEY, priv->secret_key, priv->endpoint, error))
        return FALSE;
      if (priv->allowed_keys == NULL)
        return TRUE;
      /* the ZAP handler answers for this socket's domain before it binds */
      priv->domain = notification_zmq_auth_domain_new ((const char * const *) priv->allowed_keys, error);
      return priv->domain != NULL &&
             notification_zmq_auth_domain_apply (priv->domain, socket, error);
    }

  if (priv->server_key == NULL)
    return TRUE;
  if ((priv->secret_key == NULL) != (priv->public_key == NULL))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "A CURVE client needs both curve-public-key and curve-secret-key, or neither");
      return FALSE;
    }
  if (priv->secret_key == NULL)
    {
      char public_key[41], secret_key[41];

      if (zmq_curve_keypair (public_key, secret_key) != 0)
        return set_error_from_zmq (error, "make CURVE keys for", priv->endpoint);
      priv->public_key = g_strdup (public_key);
      priv->secret_key = g_strdup (secret_key);
      memset (secret_key, 0, sizeof secret_key);
    }
  return set_string_option (socket, ZMQ_CURVE_SERVERKEY, priv->server_key, priv->endpoint, error) &&
         set_string_option (socket, ZMQ_CURVE_PUBLICKEY, priv->public_key, priv->endpoint, error) &&
         set_string_option (socket, ZMQ_CURVE_SECRETKEY, priv->secret_key, priv->endpoint, error);
}

static gboolean
message_cb (void                   *socket,
            NotificationZmqMessage *message,
            gpointer                user_data)
{
  NotificationZmqBridge *self = user_data;
  NotificationZmqBridgeClass *klass = NOTIFICATION_ZMQ_BRIDGE_GET_CLASS (self);

  if (klass->message != NULL)
    klass->message (self, message);
  return G_SOURCE_CONTINUE;
}

static gboolean
open_socket (NotificationZmqBridge  *self,
             GError                **error)
{
  NotificationZmqBridgePrivate *priv = notification_zmq_bridge_get_instance_private (self);
  NotificationZmqBridgeClass *klass = NOTIFICATION_ZMQ_BRIDGE_GET_CLASS (self);
  const char *endpoint = priv->endpoint;
  int hwm = (int) priv->hwm;
  char last[1024];
  size_t last_len = sizeof last;

  if (endpoint == NULL ||
      !(g_str_has_prefix (endpoint, "tcp://") || g_str_has_prefix (endpoint, "ipc://") ||
        g_str_has_prefix (endpoint, "inproc://")))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "“%s” is not a tcp://, ipc:// or inproc:// endpoint",
                   endpoint != NULL ? endpoint : "(none)");
      return FALSE;
    }
  if (priv->bind && g_str_has_prefix (endpoint, "tcp://") && priv->secret_key == NULL &&
      !priv->allow_insecure && !tcp_bind_is_loopback (endpoint))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                   "Refusing to bind %s without CURVE: anyone who reaches it could "
                   "read or post notifications. Set curve-secret-key, bind a loopback "
                   "address, or set allow-insecure to bind it anyway", endpoint);
      return FALSE;
    }

  priv->socket = notification_zmq_socket_open (klass->socket_type, error);
  if (priv->socket == NULL)
    return FALSE;
  if (zmq_setsockopt (priv->socket, ZMQ_LINGER, &priv->linger, sizeof priv->linger) != 0 ||
      zmq_setsockopt (priv->socket, ZMQ_SNDHWM, &hwm, sizeof hwm) != 0 ||
      zmq_setsockopt (priv->socket, ZMQ_RCVHWM, &hwm, sizeof hwm) != 0)
    return set_error_from_zmq (error, "configure a socket for", endpoint);
  if (!setup_curve (self, priv->socket, error))
    return FALSE;
  if (klass->configure != NULL && !klass->configure (self, priv->socket, error))
    return FALSE;

  if ((priv->bind ? zmq_bind (priv->socket, endpoint) : zmq_connect (priv->socket, endpoint)) != 0)
    return set_error_from_zmq (error, priv->bind ? "bind" : "connect to", endpoint);

  if (zmq_getsockopt (priv->socket, ZMQ_LAST_ENDPOINT, last, &last_len) == 0 && last_len > 1)
    priv->last_endpoint = g_strndup (last, last_len);
  else
    priv->last_endpoint = g_strdup (endpoint);

  priv->source = notification_zmq_source_new (priv->socket, 3, message_cb, self, NULL);
  /* the subclasses read the frames during the call: no copy */
  notification_zmq_source_set_lend_frames (priv->source, TRUE);
  g_source_attach (priv->source, notification_bridge_get_context (NOTIFICATION_BRIDGE (self)));
  return TRUE;
}

static gboolean
notification_zmq_bridge_initable_init (GInitable     *initable,
                                       GCancellable  *cancellable,
                                       GError       **error)
{
  NotificationZmqBridge *self = NOTIFICATION_ZMQ_BRIDGE (initable);
  NotificationZmqBridgePrivate *priv = notification_zmq_bridge_get_instance_private (self);

  if (!priv->initialized)
    {
      priv->initialized = TRUE;
      if (!open_socket (self, &priv->init_error))
        close_socket (self);
    }
  if (priv->init_error != NULL)
    {
      g_propagate_error (error, g_error_copy (priv->init_error));
      return FALSE;
    }
  return TRUE;
}

static void
notification_zmq_bridge_initable_iface_init (GInitableIface *iface)
{
  iface->init = notification_zmq_bridge_initable_init;
}

/* Public API */

/**
 * notification_zmq_bridge_get_endpoint:
 * @self: a ZeroMQ bridge
 *
 * Gets the endpoint the bridge was made for.
 *
 * Returns: (nullable): the endpoint, as given
 *
 * Since: 1.2
 */
const char *
notification_zmq_bridge_get_endpoint (NotificationZmqBridge *self)
{
  NotificationZmqBridgePrivate *priv = notification_zmq_bridge_get_instance_private (self);

  g_return_val_if_fail (NOTIFICATION_IS_ZMQ_BRIDGE (self), NULL);
  return priv->endpoint;
}

/**
 * notification_zmq_bridge_dup_last_endpoint:
 * @self: a ZeroMQ bridge
 *
 * Gets the endpoint ZeroMQ really bound or connected (`ZMQ_LAST_ENDPOINT`):
 * with the port it picked for `tcp://127.0.0.1:*`.
 *
 * Returns: (transfer full) (nullable): the endpoint, or `NULL` before a
 *   successful initialisation
 *
 * Since: 1.2
 */
char *
notification_zmq_bridge_dup_last_endpoint (NotificationZmqBridge *self)
{
  NotificationZmqBridgePrivate *priv = notification_zmq_bridge_get_instance_private (self);

  g_return_val_if_fail (NOTIFICATION_IS_ZMQ_BRIDGE (self), NULL);
  return g_strdup (priv->last_endpoint);
}

/**
 * notification_zmq_bridge_get_bind:
 * @self: a ZeroMQ bridge
 *
 * Gets whether the bridge binds its endpoint.
 *
 * Returns: whether it binds (else it connects)
 *
 * Since: 1.2
 */
gboolean
notification_zmq_bridge_get_bind (NotificationZmqBridge *self)
{
  NotificationZmqBridgePrivate *priv = notification_zmq_bridge_get_instance_private (self);

  g_return_val_if_fail (NOTIFICATION_IS_ZMQ_BRIDGE (self), FALSE);
  return priv->bind;
}

/**
 * notification_zmq_bridge_get_n_clients_denied:
 * @self: a ZeroMQ bridge
 *
 * Gets how many clients the allow-list turned away.
 *
 * Returns: the number of clients denied (0 without an allow-list)
 *
 * Since: 1.2
 */
guint64
notification_zmq_bridge_get_n_clients_denied (NotificationZmqBridge *self)
{
  NotificationZmqBridgePrivate *priv = notification_zmq_bridge_get_instance_private (self);

  g_return_val_if_fail (NOTIFICATION_IS_ZMQ_BRIDGE (self), 0);
  return priv->domain != NULL ? notification_zmq_auth_domain_get_denied (priv->domain) : 0;
}

/**
 * notification_zmq_shutdown:
 * @error: a place for an error
 *
 * Ends the process's use of ZeroMQ, for the end of a program that must
 * not lose what its last bridges sent: waits until every closed socket
 * has sent what it queued (each at most its
 * [property@NotificationBridge.ZmqBridge:linger]). It fails with
 * %G_IO_ERROR_BUSY, and waits for nothing, while a ZeroMQ bridge (or
 * another ZeroMQ socket of the library, such as a Jupyter client's)
 * still exists. A bridge made afterwards starts afresh.
 *
 * Returns: whether ZeroMQ was shut down
 *
 * Since: 1.2
 */
gboolean
notification_zmq_shutdown (GError **error)
{
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);
  return notification_zmq_context_terminate (error);
}
