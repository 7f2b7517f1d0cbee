/* notification-bridge-base.c: what every transport shares
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "notification-bridge/notification-bridge-base.h"

#ifdef NOTIFICATION_BRIDGE_HAS_JSON
# include <json-glib/json-glib.h>
#endif

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
 * A bridge is used from the thread that runs its main context.
 *
 * Since: 1.2
 */

#define MAX_TYPES_PER_PEER 4096

typedef struct
{
  NotificationCenter *center;
  GMainContext *context;
  guint queue_limit;
  guint64 max_message_size;
  guint max_senders;
  gboolean export_all;

  guint64 n_rejected[NOTIFICATION_BRIDGE_N_REJECTIONS];
  guint logged;
  guint64 n_received;
  guint64 n_sent;

  GHashTable *peer_interests;   /* peer → set of types ("" every type) */
  GHashTable *interest_count;   /* type → count of peers */
  GHashTable *observers;        /* type ("" every type) → observer id */
  GHashTable *peers;            /* peer → (sender id → RemoteSender) */
} NotificationBridgePrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (NotificationBridge, notification_bridge, G_TYPE_OBJECT)

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

static const char * const rejection_names[NOTIFICATION_BRIDGE_N_REJECTIONS] = {
  "wrong signature", "invalid type", "invalid user info", "oversized",
  "too many senders",
};

static void update_observers (NotificationBridge *self);

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

  update_observers (self);
}

static void
remove_all_observers (NotificationBridge *self)
{
  NotificationBridgePrivate *priv = notification_bridge_get_instance_private (self);
  GHashTableIter iter;
  gpointer value;

  if (priv->observers == NULL || priv->center == NULL)
    return;
  g_hash_table_iter_init (&iter, priv->observers);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      notification_center_remove_observer (priv->center, (gulong) GPOINTER_TO_SIZE (value));
      g_hash_table_iter_remove (&iter);
    }
}

static void
notification_bridge_dispose (GObject *object)
{
  NotificationBridge *self = NOTIFICATION_BRIDGE (object);
  NotificationBridgePrivate *priv = notification_bridge_get_instance_private (self);

  remove_all_observers (self);
  g_hash_table_remove_all (priv->peer_interests);
  g_hash_table_remove_all (priv->interest_count);
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
    case PROP_N_RECEIVED: g_value_set_uint64 (value, priv->n_received); break;
    case PROP_N_SENT: g_value_set_uint64 (value, priv->n_sent); break;
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
   * %NOTIFICATION_BRIDGE_REJECTED_OVERSIZED.
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

/* Sender ids */

static GMutex sender_id_lock;
static guint64 sender_id_counter;

/**
 * notification_bridge_sender_id:
 * @sender: (nullable): a local sender
 *
 * The id that bridges give @sender: a number, stable for the lifetime of
 * @sender and unique within the process, assigned on first use; "" for
 * `NULL`.
 *
 * Returns: the id, owned by @sender
 *
 * Since: 1.2
 */
const char *
notification_bridge_sender_id (GObject *sender)
{
  static GQuark quark;
  const char *id;

  if (sender == NULL)
    return "";
  g_return_val_if_fail (G_IS_OBJECT (sender), "");
  if (quark == 0)
    quark = g_quark_from_static_string ("notification-bridge-sender-id");

  g_mutex_lock (&sender_id_lock);
  id = g_object_get_qdata (sender, quark);
  if (id == NULL)
    {
      char *new_id = g_strdup_printf ("%" G_GUINT64_FORMAT, ++sender_id_counter);

      g_object_set_qdata_full (sender, quark, new_id, g_free);
      id = new_id;
    }
  g_mutex_unlock (&sender_id_lock);

  return id;
}

/* Export */

static void
forward_cb (NotificationCenter *center,
            const char         *type,
            GObject            *sender,
            GVariant           *user_info,
            gpointer            user_data)
{
  NotificationBridge *self = user_data;
  NotificationBridgePrivate *priv = notification_bridge_get_instance_private (self);
  NotificationBridgeClass *klass = NOTIFICATION_BRIDGE_GET_CLASS (self);
  g_autoptr(GVariant) info = NULL;

  /* No loops: what came in through a bridge does not go out again. */
  if (notification_remote_sender_is_remote (sender))
    return;
  if (klass->send == NULL)
    return;

  info = user_info != NULL ? g_variant_ref (user_info)
                           : g_variant_ref_sink (g_variant_new_array (G_VARIANT_TYPE ("{sv}"), NULL, 0));
  priv->n_sent++;
  klass->send (self, type, notification_bridge_sender_id (sender), info);
}

static void
update_observers (NotificationBridge *self)
{
  NotificationBridgePrivate *priv = notification_bridge_get_instance_private (self);
  g_autoptr(GHashTable) wanted = g_hash_table_new (g_str_hash, g_str_equal);
  GHashTableIter iter;
  gpointer key, value;

  if (priv->center == NULL || priv->context == NULL)
    return;  /* during construction: constructed() calls again */

  if (priv->export_all || g_hash_table_contains (priv->interest_count, ""))
    g_hash_table_add (wanted, (gpointer) "");
  else
    {
      g_hash_table_iter_init (&iter, priv->interest_count);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        g_hash_table_add (wanted, key);
    }

  g_hash_table_iter_init (&iter, priv->observers);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (!g_hash_table_contains (wanted, key))
      {
        notification_center_remove_observer (priv->center, (gulong) GPOINTER_TO_SIZE (value));
        g_hash_table_iter_remove (&iter);
      }

  g_hash_table_iter_init (&iter, wanted);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_hash_table_contains (priv->observers, key))
      {
        const char *type = key;
        gulong id;

        if (priv->queue_limit > 0)
          notification_center_set_queue_limit (priv->center, priv->context, priv->queue_limit);
        /* A forwarder: the center's interest reports do not count it,
         * so that this bridge's observers never make the center look
         * observed to a bridge that advertises the center's interest
         * (two processes bridged both ways). */
        id = notification_center_add_observer_with_flags (priv->center,
                                                          *type == '\0' ? NULL : type,
                                                          NULL, NULL, priv->context,
                                                          NOTIFICATION_OBSERVER_FORWARDER,
                                                          forward_cb, self, NULL);
        g_hash_table_insert (priv->observers, g_strdup (type), GSIZE_TO_POINTER ((gsize) id));
      }
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
  update_observers (self);
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
    n += priv->n_rejected[i];
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
  return priv->n_rejected[kind];
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
  return priv->n_received;
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
  return priv->n_sent;
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/**
 * notification_bridge_dup_exported_types:
 * @self: a bridge
 *
 * The types the bridge observes locally to export them now: the types
 * peers asked for, or just "" (every type) when some peer asked for
 * every type or with [property@NotificationBridge.Bridge:export-all].
 * Empty when nobody is interested.
 *
 * Returns: (transfer full) (array zero-terminated=1): the types, sorted
 *
 * Since: 1.2
 */
char **
notification_bridge_dup_exported_types (NotificationBridge *self)
{
  NotificationBridgePrivate *priv = notification_bridge_get_instance_private (self);
  GPtrArray *types = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer key;

  g_return_val_if_fail (NOTIFICATION_IS_BRIDGE (self), NULL);
  g_hash_table_iter_init (&iter, priv->observers);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (types, g_strdup (key));
  g_ptr_array_sort (types, compare_strings);
  g_ptr_array_add (types, NULL);
  return (char **) g_ptr_array_free (types, FALSE);
}

/**
 * notification_bridge_dup_interested_peers:
 * @self: a bridge
 *
 * Lists the peers that asked for at least one type: those the bridge
 * exports to.
 *
 * Returns: (transfer full) (array zero-terminated=1): the peers' names,
 *   sorted
 *
 * Since: 1.2
 */
char **
notification_bridge_dup_interested_peers (NotificationBridge *self)
{
  NotificationBridgePrivate *priv = notification_bridge_get_instance_private (self);
  GPtrArray *peers = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer key;

  g_return_val_if_fail (NOTIFICATION_IS_BRIDGE (self), NULL);
  g_hash_table_iter_init (&iter, priv->peer_interests);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (peers, g_strdup (key));
  g_ptr_array_sort (peers, compare_strings);
  g_ptr_array_add (peers, NULL);
  return (char **) g_ptr_array_free (peers, FALSE);
}

/* Import */

/**
 * notification_bridge_lookup_remote_sender:
 * @self: a bridge
 * @peer: a peer's name
 * @sender_id: a sender id within @peer ("" for none)
 *
 * Finds the remote sender of a peer and sender id.
 *
 * Returns: (transfer none) (nullable): the remote sender that stands for
 *   @sender_id of @peer, if that pair has posted and @peer is still there
 *
 * Since: 1.2
 */
NotificationRemoteSender *
notification_bridge_lookup_remote_sender (NotificationBridge *self,
                                          const char         *peer,
                                          const char         *sender_id)
{
  NotificationBridgePrivate *priv = notification_bridge_get_instance_private (self);
  GHashTable *senders;

  g_return_val_if_fail (NOTIFICATION_IS_BRIDGE (self), NULL);
  g_return_val_if_fail (peer != NULL && sender_id != NULL, NULL);

  senders = g_hash_table_lookup (priv->peers, peer);
  return senders != NULL ? g_hash_table_lookup (senders, sender_id) : NULL;
}

static NotificationRemoteSender *
ensure_remote_sender (NotificationBridge *self,
                      const char         *peer,
                      const char         *sender_id)
{
  NotificationBridgePrivate *priv = notification_bridge_get_instance_private (self);
  GHashTable *senders;
  NotificationRemoteSender *sender;

  senders = g_hash_table_lookup (priv->peers, peer);
  if (senders == NULL)
    {
      senders = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
      g_hash_table_insert (priv->peers, g_strdup (peer), senders);
    }
  sender = g_hash_table_lookup (senders, sender_id);
  if (sender == NULL && priv->max_senders > 0 && g_hash_table_size (senders) >= priv->max_senders)
    return NULL;
  if (sender == NULL)
    {
      sender = g_object_new (NOTIFICATION_TYPE_REMOTE_SENDER,
                             "peer", peer, "sender-id", sender_id, NULL);
      g_hash_table_insert (senders, g_strdup (sender_id), sender);
    }
  return sender;
}

/**
 * notification_bridge_reject:
 * @self: a bridge
 * @kind: why
 * @peer: (nullable): the peer it came from
 * @detail: (nullable): what was wrong, for the log
 *
 * Counts a received message as dropped; for transports, which call it
 * for what they cannot even parse. The first rejection of each kind is
 * logged with g_message(), the others only counted.
 *
 * Since: 1.2
 */
void
notification_bridge_reject (NotificationBridge          *self,
                            NotificationBridgeRejection  kind,
                            const char                  *peer,
                            const char                  *detail)
{
  NotificationBridgePrivate *priv = notification_bridge_get_instance_private (self);

  g_return_if_fail (NOTIFICATION_IS_BRIDGE (self));
  g_return_if_fail ((guint) kind < NOTIFICATION_BRIDGE_N_REJECTIONS);

  priv->n_rejected[kind]++;
  if (!(priv->logged & (1u << kind)))
    {
      priv->logged |= 1u << kind;
      g_message ("Bridge %s: dropped a notification from %s (%s%s%s); "
                 "further ones of this kind are only counted",
                 G_OBJECT_TYPE_NAME (self), peer != NULL ? peer : "a peer",
                 rejection_names[kind], detail != NULL ? ": " : "",
                 detail != NULL ? detail : "");
    }
}

/**
 * notification_bridge_receive:
 * @self: a bridge
 * @peer: the peer it came from
 * @sender_id: the sender's id within @peer ("" for none)
 * @type: (nullable): the notification type
 * @user_info: (nullable): the user info; a floating reference is consumed
 * @message_size: the size of the message it came in, in bytes, checked
 *   against [property@NotificationBridge.Bridge:max-message-size]
 *
 * Posts a notification that a transport received, as outside input:
 * with [method@Notification.Center.post_checked], from the remote sender
 * of (@peer, @sender_id). What fails is dropped and counted (see
 * [method@NotificationBridge.Bridge.reject]).
 *
 * Returns: whether it was posted
 *
 * Since: 1.2
 */
gboolean
notification_bridge_receive (NotificationBridge *self,
                             const char         *peer,
                             const char         *sender_id,
                             const char         *type,
                             GVariant           *user_info,
                             gsize               message_size)
{
  NotificationBridgePrivate *priv = notification_bridge_get_instance_private (self);
  g_autoptr(GVariant) info = user_info != NULL ? g_variant_ref_sink (user_info) : NULL;
  g_autoptr(GError) error = NULL;
  NotificationRemoteSender *sender;

  g_return_val_if_fail (NOTIFICATION_IS_BRIDGE (self), FALSE);
  g_return_val_if_fail (peer != NULL, FALSE);

  if (sender_id == NULL)
    sender_id = "";

  if (priv->max_message_size > 0 && message_size > priv->max_message_size)
    {
      notification_bridge_reject (self, NOTIFICATION_BRIDGE_REJECTED_OVERSIZED, peer, NULL);
      return FALSE;
    }
  if (type == NULL || *type == '\0' || !g_utf8_validate (type, -1, NULL) ||
      !g_utf8_validate (sender_id, -1, NULL))
    {
      notification_bridge_reject (self, NOTIFICATION_BRIDGE_REJECTED_TYPE, peer, NULL);
      return FALSE;
    }
  if (info != NULL && !g_variant_is_of_type (info, G_VARIANT_TYPE_VARDICT))
    {
      notification_bridge_reject (self, NOTIFICATION_BRIDGE_REJECTED_USER_INFO, peer, type);
      return FALSE;
    }

  sender = ensure_remote_sender (self, peer, sender_id);
  if (sender == NULL)
    {
      notification_bridge_reject (self, NOTIFICATION_BRIDGE_REJECTED_TOO_MANY_SENDERS, peer, NULL);
      return FALSE;
    }
  notification_center_post_checked (priv->center, type, sender, info, &error);
  if (error != NULL)
    {
      notification_bridge_reject (self,
                                  g_error_matches (error, NOTIFICATION_ERROR, NOTIFICATION_ERROR_INVALID_TYPE)
                                    ? NOTIFICATION_BRIDGE_REJECTED_TYPE
                                    : NOTIFICATION_BRIDGE_REJECTED_USER_INFO,
                                  peer, error->message);
      return FALSE;
    }
  priv->n_received++;
  return TRUE;
}

/* Interest */

static void
peer_interest_release (NotificationBridge *self,
                       GHashTable         *set)
{
  NotificationBridgePrivate *priv = notification_bridge_get_instance_private (self);
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, set);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      guint n = GPOINTER_TO_UINT (g_hash_table_lookup (priv->interest_count, key));

      if (n <= 1)
        g_hash_table_remove (priv->interest_count, key);
      else
        g_hash_table_insert (priv->interest_count, g_strdup (key), GUINT_TO_POINTER (n - 1));
    }
}

/**
 * notification_bridge_set_peer_interests:
 * @self: a bridge
 * @peer: a peer's name
 * @types: (nullable) (array zero-terminated=1): the types @peer wants,
 *   "" standing for every type; `NULL` or empty for none
 *
 * Replaces what @peer wants: for transports, when a peer says what it
 * subscribes to. The bridge observes the union of what its peers want.
 *
 * Since: 1.2
 */
void
notification_bridge_set_peer_interests (NotificationBridge *self,
                                        const char         *peer,
                                        const char * const *types)
{
  NotificationBridgePrivate *priv = notification_bridge_get_instance_private (self);
  GHashTable *old, *set;

  g_return_if_fail (NOTIFICATION_IS_BRIDGE (self));
  g_return_if_fail (peer != NULL);

  old = g_hash_table_lookup (priv->peer_interests, peer);
  if (old != NULL)
    peer_interest_release (self, old);

  set = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; types != NULL && types[i] != NULL && i < MAX_TYPES_PER_PEER; i++)
    if (g_utf8_validate (types[i], -1, NULL))
      g_hash_table_add (set, g_strdup (types[i]));

  if (g_hash_table_size (set) == 0)
    {
      g_hash_table_unref (set);
      g_hash_table_remove (priv->peer_interests, peer);
    }
  else
    {
      GHashTableIter iter;
      gpointer key;

      g_hash_table_iter_init (&iter, set);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        {
          guint n = GPOINTER_TO_UINT (g_hash_table_lookup (priv->interest_count, key));

          g_hash_table_insert (priv->interest_count, g_strdup (key), GUINT_TO_POINTER (n + 1));
        }
      g_hash_table_insert (priv->peer_interests, g_strdup (peer), set);
    }

  update_observers (self);
}

/**
 * notification_bridge_peer_vanished:
 * @self: a bridge
 * @peer: a peer's name
 *
 * Forgets @peer: for transports, when a peer leaves. Its interests are
 * dropped and its remote senders released, which removes the observers
 * added for them once nobody else holds them.
 *
 * Since: 1.2
 */
void
notification_bridge_peer_vanished (NotificationBridge *self,
                                   const char         *peer)
{
  NotificationBridgePrivate *priv = notification_bridge_get_instance_private (self);

  g_return_if_fail (NOTIFICATION_IS_BRIDGE (self));
  g_return_if_fail (peer != NULL);

  notification_bridge_set_peer_interests (self, peer, NULL);
  g_hash_table_remove (priv->peers, peer);
}

/* JSON */

#ifdef NOTIFICATION_BRIDGE_HAS_JSON
/**
 * notification_bridge_to_json:
 * @type: a notification type
 * @sender: (nullable): the sender's name or id
 * @user_info: (nullable): the user info
 * @time_usec: when, in microseconds since the epoch (g_get_real_time())
 *
 * The JSON form of a notification for tools: an object with the keys
 * `time` (ISO 8601, UTC), `type`, `sender` and `user_info`, the latter
 * serialised by json-glib's json_gvariant_serialize().
 *
 * Returns: (transfer full): one line of JSON, without a newline
 *
 * Since: 1.2
 */
char *
notification_bridge_to_json (const char *type,
                             const char *sender,
                             GVariant   *user_info,
                             gint64      time_usec)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GDateTime) base = g_date_time_new_from_unix_utc (time_usec / G_USEC_PER_SEC);
  g_autoptr(GDateTime) when = g_date_time_add (base, time_usec % G_USEC_PER_SEC);
  g_autofree char *time_str = g_date_time_format_iso8601 (when);
  g_autoptr(GVariant) info = user_info != NULL
    ? g_variant_ref_sink (user_info)
    : g_variant_ref_sink (g_variant_new_array (G_VARIANT_TYPE ("{sv}"), NULL, 0));

  g_return_val_if_fail (type != NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "time");
  json_builder_add_string_value (builder, time_str);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, type);
  json_builder_set_member_name (builder, "sender");
  json_builder_add_string_value (builder, sender != NULL ? sender : "");
  json_builder_set_member_name (builder, "user_info");
  json_builder_add_value (builder, json_gvariant_serialize (info));
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}
#endif
