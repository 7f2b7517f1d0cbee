/* notification-bridge-base.c: what every transport shares: the object
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "notification-bridge-private.h"

/**
 * NotificationBridge:
 *
 * The base type of a transport: a connection between a local
 * [class@Notification.Center] and remote peers. A transport (such as
 * [class@NotificationBridge.DBusBridge]) implements only sending and
 * receiving; the bridge does the rest, the same way for every transport:
 *
 * - **remote senders**: what a peer posts is posted locally with a
 *   [class@NotificationBridge.RemoteSender] per peer and sender id, made on
 *   first use and dropped when the peer goes away, which removes the
 *   observers of that sender;
 * - **outside input**: received notifications are posted with
 *   [method@Notification.Center.post_checked]; what is malformed, too
 *   large or fails a registered schema is dropped, delivered to nobody,
 *   counted per [enum@NotificationBridge.BridgeRejection] and logged once
 *   per kind (with g_message(), never a warning);
 * - **no loops**: a notification whose sender is a remote sender is never
 *   exported, by any bridge;
 * - **demand-driven export**: the bridge observes the center only for the
 *   types some peer asked for
 *   ([method@NotificationBridge.Bridge.set_peer_interests]); with no peer
 *   interested it has no observer at all, and a local post costs what it
 *   costs without a bridge;
 * - **the poster never waits**: the bridge's observers are called on the
 *   bridge's main context, through the center's queue for that context,
 *   bounded by [property@NotificationBridge.Bridge:queue-limit]; calls
 *   dropped because it was full are counted by
 *   [property@Notification.Center:n-dropped].
 *
 * A bridge is used from the thread that runs its main context; its
 * counters ([property@NotificationBridge.Bridge:n-sent],
 * [property@NotificationBridge.Bridge:n-received],
 * [property@NotificationBridge.Bridge:n-rejected] and their getters) may
 * be read from any thread.
 *
 * Since: 1.2
 */

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (NotificationBridge, notification_bridge, G_TYPE_OBJECT)

NotificationBridgePrivate *
notification_bridge_get_priv (NotificationBridge *self)
{
  return notification_bridge_get_instance_private (self);
}

enum {
  PROP_0,
  PROP_CENTER,
  PROP_CONTEXT,
  PROP_EXPORT_ALL,
  PROP_QUEUE_LIMIT,
  PROP_MAX_MESSAGE_SIZE,
  PROP_MAX_SENDERS,
  PROP_N_REJECTED,
  PROP_N_RECEIVED,
  PROP_N_SENT,
  N_PROPS
};
static GParamSpec *properties[N_PROPS];

static void
notification_bridge_constructed (GObject *object)
{
  NotificationBridge *self = NOTIFICATION_BRIDGE (object);
  NotificationBridgePrivate *priv = notification_bridge_get_instance_private (self);

  G_OBJECT_CLASS (notification_bridge_parent_class)->constructed (object);

  if (priv->center == NULL)
    priv->center = g_object_ref (notification_center_get_default ());
  if (priv->context == NULL)
    priv->context = g_main_context_ref_thread_default ();

  notification_bridge_update_observers (self);
}

static void
notification_bridge_dispose (GObject *object)
{
  NotificationBridge *self = NOTIFICATION_BRIDGE (object);
  NotificationBridgePrivate *priv = notification_bridge_get_instance_private (self);

  /* From now on update_observers() adds nothing: an observer added after
   * dispose would outlive the bridge, its user data. */
  priv->disposed = TRUE;
  notification_bridge_remove_all_observers (self);
  g_hash_table_remove_all (priv->peer_interests);
  g_hash_table_remove_all (priv->interest_count);
  notification_bridge_forget_last_sender (self);
  g_hash_table_remove_all (priv->peers);

  G_OBJECT_CLASS (notification_bridge_parent_class)->dispose (object);
}

static void
notification_bridge_finalize (GObject *object)
{
  NotificationBridge *self = NOTIFICATION_BRIDGE (object);
  NotificationBridgePrivate *priv = notification_bridge_get_instance_private (self);

  g_hash_table_unref (priv->peer_interests);
  g_hash_table_unref (priv->interest_count);
  g_hash_table_unref (priv->observers);
  g_hash_table_unref (priv->peers);
  g_clear_object (&priv->center);
  g_clear_pointer (&priv->context, g_main_context_unref);

  G_OBJECT_CLASS (notification_bridge_parent_class)->finalize (object);
}

static void
notification_bridge_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  NotificationBridge *self = NOTIFICATION_BRIDGE (object);
  NotificationBridgePrivate *priv = notification_bridge_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_CENTER: g_value_set_object (value, priv->center); break;
    case PROP_CONTEXT: g_value_set_boxed (value, priv->context); break;
    case PROP_EXPORT_ALL: g_value_set_boolean (value, priv->export_all); break;
    case PROP_QUEUE_LIMIT: g_value_set_uint (value, priv->queue_limit); break;
    case PROP_MAX_MESSAGE_SIZE: g_value_set_uint64 (value, priv->max_message_size); break;
    case PROP_MAX_SENDERS: g_value_set_uint (value, priv->max_senders); break;
    case PROP_N_REJECTED: g_value_set_uint64 (value, notification_bridge_get_n_rejected (self)); break;
    case PROP_N_RECEIVED: g_value_set_uint64 (value, notification_bridge_get_n_received (self)); break;
    case PROP_N_SENT: g_value_set_uint64 (value, notification_bridge_get_n_sent (self)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
notification_bridge_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  NotificationBridge *self = NOTIFICATION_BRIDGE (object);
  NotificationBridgePrivate *priv = notification_bridge_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_CENTER: priv->center = g_value_dup_object (value); break;
    case PROP_CONTEXT: priv->context = g_value_dup_boxed (value); break;
    case PROP_EXPORT_ALL: notification_bridge_set_export_all (self, g_value_get_boolean (value)); break;
    case PROP_QUEUE_LIMIT: priv->queue_limit = g_value_get_uint (value); break;
    case PROP_MAX_MESSAGE_SIZE: priv->max_message_size = g_value_get_uint64 (value); break;
    case PROP_MAX_SENDERS: priv->max_senders = g_value_get_uint (value); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
notification_bridge_class_init (NotificationBridgeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = notification_bridge_constructed;
  object_class->dispose = notification_bridge_dispose;
  object_class->finalize = notification_bridge_finalize;
  object_class->get_property = notification_bridge_get_property;
  object_class->set_property = notification_bridge_set_property;

  /**
   * NotificationBridge:center:
   *
   * The local center (the default center if not set).
   *
   * Since: 1.2
   */
  properties[PROP_CENTER] =
    g_param_spec_object ("center", NULL, NULL, NOTIFICATION_TYPE_CENTER,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /**
   * NotificationBridge:context:
   *
   * The main context the bridge sends from (the thread-default one of the
   * thread that made the bridge if not set).
   *
   * Since: 1.2
   */
  properties[PROP_CONTEXT] =
    g_param_spec_boxed ("context", NULL, NULL, G_TYPE_MAIN_CONTEXT,
                        G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /**
   * NotificationBridge:export-all:
   *
   * Whether to export every local notification, whether or not a peer
   * asked for it: for watching a program with `dbus-monitor`.
   *
   * Since: 1.2
   */
  properties[PROP_EXPORT_ALL] =
    g_param_spec_boolean ("export-all", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * NotificationBridge:queue-limit:
   *
   * The bound of the queue between posting threads and the bridge's
   * context, set with [method@Notification.Center.set_queue_limit] when
   * the bridge adds its first observer. The queue is the center's for
   * that context, shared with the program's other observers on it; 0
   * leaves the center's limit as it is.
   *
   * Since: 1.2
   */
  properties[PROP_QUEUE_LIMIT] =
    g_param_spec_uint ("queue-limit", NULL, NULL, 0, G_MAXUINT, 4096,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /**
   * NotificationBridge:max-message-size:
   *
   * Received messages larger than this many bytes are rejected as
   * %NOTIFICATION_BRIDGE_REJECTED_OVERSIZED; a peer's interests (the
   * types it asks for) in a larger message are ignored. 0: no bound.
   *
   * Since: 1.2
   */
  properties[PROP_MAX_MESSAGE_SIZE] =
    g_param_spec_uint64 ("max-message-size", NULL, NULL, 0, G_MAXUINT64, 1024 * 1024,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS);
  /**
   * NotificationBridge:max-senders-per-peer:
   *
   * How many remote senders one peer may have at once (0: no bound);
   * a notification from another sender id of that peer is rejected as
   * %NOTIFICATION_BRIDGE_REJECTED_TOO_MANY_SENDERS, so that a peer
   * cannot make the bridge hold an unbounded number of objects.
   *
   * Since: 1.2
   */
  properties[PROP_MAX_SENDERS] =
    g_param_spec_uint ("max-senders-per-peer", NULL, NULL, 0, G_MAXUINT, 4096,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS);
  /**
   * NotificationBridge:n-rejected:
   *
   * How many received notifications were dropped, of every kind (see
   * [method@NotificationBridge.Bridge.get_n_rejected_kind]). Not notified.
   *
   * Since: 1.2
   */
  properties[PROP_N_REJECTED] =
    g_param_spec_uint64 ("n-rejected", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /**
   * NotificationBridge:n-received:
   *
   * How many received notifications were posted locally. Not notified.
   *
   * Since: 1.2
   */
  properties[PROP_N_RECEIVED] =
    g_param_spec_uint64 ("n-received", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /**
   * NotificationBridge:n-sent:
   *
   * How many local notifications were handed to the transport. Not
   * notified.
   *
   * Since: 1.2
   */
  properties[PROP_N_SENT] =
    g_param_spec_uint64 ("n-sent", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
notification_bridge_init (NotificationBridge *self)
{
  NotificationBridgePrivate *priv = notification_bridge_get_instance_private (self);

  priv->queue_limit = 4096;
  priv->peer_interests = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                (GDestroyNotify) g_hash_table_unref);
  priv->interest_count = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  priv->observers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  priv->peers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                       (GDestroyNotify) g_hash_table_unref);
}

/**
 * notification_bridge_get_center:
 * @self: a bridge
 *
 * Gets the center the bridge attaches.
 *
 * Returns: (transfer none): the bridge's center
 *
 * Since: 1.2
 */
NotificationCenter *
notification_bridge_get_center (NotificationBridge *self)
{
  NotificationBridgePrivate *priv = notification_bridge_get_instance_private (self);

  g_return_val_if_fail (NOTIFICATION_IS_BRIDGE (self), NULL);
  return priv->center;
}

/**
 * notification_bridge_get_context:
 * @self: a bridge
 *
 * Gets the main context the bridge sends from and handles its transport on.
 *
 * Returns: (transfer none): the bridge's main context
 *
 * Since: 1.2
 */
GMainContext *
notification_bridge_get_context (NotificationBridge *self)
{
  NotificationBridgePrivate *priv = notification_bridge_get_instance_private (self);

  g_return_val_if_fail (NOTIFICATION_IS_BRIDGE (self), NULL);
  return priv->context;
}

/**
 * notification_bridge_get_export_all:
 * @self: a bridge
 *
 * Gets whether the bridge exports every notification.
 *
 * Returns: the value of [property@NotificationBridge.Bridge:export-all]
 *
 * Since: 1.2
 */
gboolean
notification_bridge_get_export_all (NotificationBridge *self)
{
  NotificationBridgePrivate *priv = notification_bridge_get_instance_private (self);

  g_return_val_if_fail (NOTIFICATION_IS_BRIDGE (self), FALSE);
  return priv->export_all;
}

/**
 * notification_bridge_set_export_all:
 * @self: a bridge
 * @export_all: whether to export every notification
 *
 * Sets [property@NotificationBridge.Bridge:export-all].
 *
 * Since: 1.2
 */
void
notification_bridge_set_export_all (NotificationBridge *self,
                                    gboolean            export_all)
{
  NotificationBridgePrivate *priv = notification_bridge_get_instance_private (self);

  g_return_if_fail (NOTIFICATION_IS_BRIDGE (self));
  export_all = !!export_all;
  if (priv->export_all == export_all)
    return;
  priv->export_all = export_all;
  notification_bridge_update_observers (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EXPORT_ALL]);
}

/**
 * notification_bridge_get_n_rejected:
 * @self: a bridge
 *
 * Gets how many received notifications the bridge dropped.
 *
 * Returns: how many received notifications were dropped, of every kind
 *
 * Since: 1.2
 */
guint64
notification_bridge_get_n_rejected (NotificationBridge *self)
{
  NotificationBridgePrivate *priv = notification_bridge_get_instance_private (self);
  guint64 n = 0;

  g_return_val_if_fail (NOTIFICATION_IS_BRIDGE (self), 0);
  for (guint i = 0; i < NOTIFICATION_BRIDGE_N_REJECTIONS; i++)
    n += __atomic_load_n (&priv->n_rejected[i], __ATOMIC_RELAXED);
  return n;
}

/**
 * notification_bridge_get_n_rejected_kind:
 * @self: a bridge
 * @kind: a kind of rejection
 *
 * Gets how many received notifications the bridge dropped for one reason.
 *
 * Returns: how many received notifications were dropped for @kind
 *
 * Since: 1.2
 */
guint64
notification_bridge_get_n_rejected_kind (NotificationBridge          *self,
                                         NotificationBridgeRejection  kind)
{
  NotificationBridgePrivate *priv = notification_bridge_get_instance_private (self);

  g_return_val_if_fail (NOTIFICATION_IS_BRIDGE (self), 0);
  g_return_val_if_fail ((guint) kind < NOTIFICATION_BRIDGE_N_REJECTIONS, 0);
  return __atomic_load_n (&priv->n_rejected[kind], __ATOMIC_RELAXED);
}

/**
 * notification_bridge_get_n_received:
 * @self: a bridge
 *
 * Gets how many received notifications the bridge posted locally.
 *
 * Returns: how many received notifications were posted locally
 *
 * Since: 1.2
 */
guint64
notification_bridge_get_n_received (NotificationBridge *self)
{
  NotificationBridgePrivate *priv = notification_bridge_get_instance_private (self);

  g_return_val_if_fail (NOTIFICATION_IS_BRIDGE (self), 0);
  return __atomic_load_n (&priv->n_received, __ATOMIC_RELAXED);
}

/**
 * notification_bridge_get_n_sent:
 * @self: a bridge
 *
 * Gets how many local notifications the bridge handed to its transport.
 *
 * Returns: how many local notifications were handed to the transport
 *
 * Since: 1.2
 */
guint64
notification_bridge_get_n_sent (NotificationBridge *self)
{
  NotificationBridgePrivate *priv = notification_bridge_get_instance_private (self);

  g_return_val_if_fail (NOTIFICATION_IS_BRIDGE (self), 0);
  return __atomic_load_n (&priv->n_sent, __ATOMIC_RELAXED);
}

