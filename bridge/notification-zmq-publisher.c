/* notification-zmq-publisher.c: the ZeroMQ transport, sending side
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <errno.h>
#include <string.h>
#include <zmq.h>

#include "notification-bridge/notification-zmq-publisher.h"
#include "notification-zmq-bridge-private.h"
#include "notification-zmq-wire-private.h"

/**
 * NotificationZmqPublisher:
 *
 * Sends the notifications posted to a center on a ZeroMQ XPUB socket,
 * as the messages of doc/zeromq-bridge.md.
 *
 * It learns from the socket which types its subscribers want (every
 * subscription and unsubscription, counted per type, so that two
 * subscribers of a type and one leaving still leave one) and observes
 * only those types locally: with no subscriber for a type, a local post
 * of it costs what it costs without a publisher, and nothing is sent.
 * A subscription to "" (or to a prefix that is not a whole type) stands
 * for every type; ZeroMQ still filters what each subscriber receives.
 *
 * It sends on the bridge's main context, never blocking: when a
 * subscriber is [property@NotificationBridge.ZmqBridge:high-water-mark]
 * messages behind, the message is dropped for every subscriber and
 * counted ([property@NotificationBridge.ZmqPublisher:n-dropped]); the
 * subscribers see the gap in the sequence numbers.
 *
 * ```c
 * g_autoptr(GError) error = NULL;
 * NotificationZmqPublisher *publisher =
 *   notification_zmq_publisher_new (center, "tcp://127.0.0.1:5560",
 *                                   NOTIFICATION_ZMQ_FLAGS_BIND, &error);
 * ```
 *
 * Since: 1.2
 */

#define PEER_NAME "zmq-subscribers"

/* Distinct types counted; subscriptions to more (a peer's flood) count
 * as subscriptions to every type: still delivered, ZeroMQ filters, the
 * memory stays bounded. */
#define MAX_SUBSCRIBED_TYPES 4096

/* The largest frame 2 whose buffer is kept for the next message. */
#define MAX_KEPT_BODY (64 * 1024)

struct _NotificationZmqPublisher
{
  NotificationZmqBridge parent_instance;

  guint8 identity[NOTIFICATION_ZMQ_WIRE_IDENTITY_SIZE];
  GHashTable *sequences;       /* type → (owned) guint64 */
  const char *last_type;       /* (unowned) (nullable) a key of sequences: the last type sent */
  guint64 *last_sequence;      /* (unowned) its value */
  GByteArray *body;            /* (owned) (nullable) frame 2, reused; the context's */
  GHashTable *subscriptions;   /* type ("" every type) → count */
  guint n_subscriptions;
  guint64 n_dropped;
  gboolean logged_drop;
};

G_DEFINE_FINAL_TYPE (NotificationZmqPublisher, notification_zmq_publisher, NOTIFICATION_TYPE_ZMQ_BRIDGE)

enum {
  PROP_0,
  PROP_N_DROPPED,
  PROP_N_SUBSCRIPTIONS,
  N_PROPS
};
static GParamSpec *properties[N_PROPS];

static void
notification_zmq_publisher_finalize (GObject *object)
{
  NotificationZmqPublisher *self = NOTIFICATION_ZMQ_PUBLISHER (object);

  g_hash_table_unref (self->sequences);
  g_clear_pointer (&self->body, g_byte_array_unref);
  g_hash_table_unref (self->subscriptions);

  G_OBJECT_CLASS (notification_zmq_publisher_parent_class)->finalize (object);
}

static void
notification_zmq_publisher_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  NotificationZmqPublisher *self = NOTIFICATION_ZMQ_PUBLISHER (object);

  switch (prop_id)
    {
    case PROP_N_DROPPED: g_value_set_uint64 (value, self->n_dropped); break;
    case PROP_N_SUBSCRIPTIONS: g_value_set_uint (value, self->n_subscriptions); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static gboolean
notification_zmq_publisher_configure (NotificationZmqBridge  *bridge,
                                      void                   *socket,
                                      GError                **error)
{
  int one = 1;

  /* every subscription and unsubscription of every subscriber, and
   * EAGAIN instead of a silent drop at the high-water mark */
  if (zmq_setsockopt (socket, ZMQ_XPUB_VERBOSER, &one, sizeof one) != 0 ||
      zmq_setsockopt (socket, ZMQ_XPUB_NODROP, &one, sizeof one) != 0)
    {
      int code = zmq_errno ();

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (code),
                   "Cannot configure an XPUB socket: %s", zmq_strerror (code));
      return FALSE;
    }
  return TRUE;
}

static void
update_interests (NotificationZmqPublisher *self)
{
  g_autoptr(GPtrArray) types = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, self->subscriptions);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (types, key);
  g_ptr_array_add (types, NULL);
  notification_bridge_set_peer_interests (NOTIFICATION_BRIDGE (self), PEER_NAME,
                                          (const char * const *) types->pdata);
}

static void
notification_zmq_publisher_message (NotificationZmqBridge *bridge,
                                    gpointer               data)
{
  NotificationZmqPublisher *self = NOTIFICATION_ZMQ_PUBLISHER (bridge);
  NotificationZmqMessage *message = data;
  g_autofree char *type = NULL;
  gboolean subscribe;
  guint count;
  gsize size;
  const guint8 *bytes;

  if (message->n_frames != 1)
    return;   /* an XPUB socket receives only subscriptions */
  bytes = zmq_msg_data (&message->parts[0]);
  size = zmq_msg_size (&message->parts[0]);
  if (!notification_zmq_wire_parse_subscription (bytes, size, &subscribe, &type))
    return;

  if (!g_hash_table_contains (self->subscriptions, type) &&
      g_hash_table_size (self->subscriptions) >= MAX_SUBSCRIBED_TYPES)
    {
      g_free (type);
      type = g_strdup ("");
    }
  count = GPOINTER_TO_UINT (g_hash_table_lookup (self->subscriptions, type));
  if (subscribe)
    {
      g_hash_table_insert (self->subscriptions, g_strdup (type), GUINT_TO_POINTER (count + 1));
      self->n_subscriptions++;
      if (count > 0)
        goto notify;
    }
  else
    {
      if (count == 0)
        return;
      self->n_subscriptions--;
      if (count > 1)
        {
          g_hash_table_insert (self->subscriptions, g_strdup (type), GUINT_TO_POINTER (count - 1));
          goto notify;
        }
      g_hash_table_remove (self->subscriptions, type);
    }
  update_interests (self);

notify:
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_SUBSCRIPTIONS]);
}

static void
count_drop (NotificationZmqPublisher *self,
            int                       code)
{
  self->n_dropped++;
  if (!self->logged_drop && code != EAGAIN)
    {
      self->logged_drop = TRUE;
      g_message ("NotificationZmqPublisher: cannot send: %s; further failures are only counted",
                 zmq_strerror (code));
    }
}

static void
notification_zmq_publisher_send (NotificationBridge *bridge,
                                 const char         *type,
                                 const char         *sender_id,
                                 GVariant           *user_info)
{
  NotificationZmqPublisher *self = NOTIFICATION_ZMQ_PUBLISHER (bridge);
  void *socket = notification_zmq_bridge_get_socket (NOTIFICATION_ZMQ_BRIDGE (self));
  guint64 *sequence;
  int rc;

  /* a run of one type: no lookup */
  if (self->last_type != NULL && strcmp (self->last_type, type) == 0)
    sequence = self->last_sequence;
  else
    {
      gpointer key;

      if (!g_hash_table_lookup_extended (self->sequences, type, &key, (gpointer *) &sequence))
        {
          sequence = g_new0 (guint64, 1);
          key = g_strdup (type);
          g_hash_table_insert (self->sequences, key, sequence);
        }
      self->last_type = key;
      self->last_sequence = sequence;
    }
  /* counted even when dropped: subscribers see the gap */
  ++*sequence;

  if (socket == NULL)
    {
      count_drop (self, ENOTSOCK);
      return;
    }

  do
    rc = zmq_send (socket, type, strlen (type) + 1, ZMQ_SNDMORE | ZMQ_DONTWAIT);
  while (rc < 0 && zmq_errno () == EINTR);
  if (rc < 0)
    {
      count_drop (self, zmq_errno ());
      return;
    }

  /* one buffer for every message (zmq_send() copies), dropped after a
   * large one so that it does not stay large */
  if (self->body == NULL)
    self->body = g_byte_array_new ();
  notification_zmq_wire_encode_body_into (self->body, self->identity, *sequence, sender_id, user_info);
  /* the later parts of a message always go once the first went */
  do
    rc = zmq_send (socket, self->body->data, self->body->len, ZMQ_DONTWAIT);
  while (rc < 0 && zmq_errno () == EINTR);
  if (self->body->len > MAX_KEPT_BODY)
    g_clear_pointer (&self->body, g_byte_array_unref);
  if (rc < 0)
    count_drop (self, zmq_errno ());
}

static void
notification_zmq_publisher_class_init (NotificationZmqPublisherClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  NotificationBridgeClass *bridge_class = NOTIFICATION_BRIDGE_CLASS (klass);
  NotificationZmqBridgeClass *zmq_class = NOTIFICATION_ZMQ_BRIDGE_CLASS (klass);

  object_class->finalize = notification_zmq_publisher_finalize;
  object_class->get_property = notification_zmq_publisher_get_property;
  bridge_class->send = notification_zmq_publisher_send;
  zmq_class->socket_type = ZMQ_XPUB;
  zmq_class->configure = notification_zmq_publisher_configure;
  zmq_class->message = notification_zmq_publisher_message;

  /**
   * NotificationZmqPublisher:n-dropped:
   *
   * How many notifications were not sent because a subscriber was at
   * the high-water mark (or the socket failed). Not notified.
   *
   * Since: 1.2
   */
  properties[PROP_N_DROPPED] =
    g_param_spec_uint64 ("n-dropped", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /**
   * NotificationZmqPublisher:n-subscriptions:
   *
   * How many subscriptions the subscribers hold now, every subscriber
   * and type counted. Notified when it changes.
   *
   * Since: 1.2
   */
  properties[PROP_N_SUBSCRIPTIONS] =
    g_param_spec_uint ("n-subscriptions", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
notification_zmq_publisher_init (NotificationZmqPublisher *self)
{
  for (guint i = 0; i < NOTIFICATION_ZMQ_WIRE_IDENTITY_SIZE; i += 4)
    {
      guint32 r = g_random_int ();

      memcpy (self->identity + i, &r, 4);
    }
  self->sequences = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->subscriptions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

/**
 * notification_zmq_publisher_new:
 * @center: (nullable): the center to publish (`NULL`: the default center)
 * @endpoint: a ZeroMQ endpoint
 * @flags: whether to bind @endpoint, and whether a plain bind of a
 *   public TCP address is allowed
 * @error: a place for an error
 *
 * Makes a publisher on the thread-default main context, which must be the
 * one this thread runs. For CURVE keys or a different high-water mark use
 * g_initable_new() with the properties of [class@NotificationBridge.ZmqBridge].
 *
 * Returns: (transfer full) (nullable): the publisher, or `NULL` with
 *   @error set
 *
 * Since: 1.2
 */
NotificationZmqPublisher *
notification_zmq_publisher_new (NotificationCenter    *center,
                                const char            *endpoint,
                                NotificationZmqFlags   flags,
                                GError               **error)
{
  g_return_val_if_fail (center == NULL || NOTIFICATION_IS_CENTER (center), NULL);
  g_return_val_if_fail (endpoint != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return g_initable_new (NOTIFICATION_TYPE_ZMQ_PUBLISHER, NULL, error,
                         "center", center,
                         "endpoint", endpoint,
                         "bind", (flags & NOTIFICATION_ZMQ_FLAGS_BIND) != 0,
                         "allow-insecure", (flags & NOTIFICATION_ZMQ_FLAGS_ALLOW_INSECURE) != 0,
                         NULL);
}

/**
 * notification_zmq_publisher_get_n_dropped:
 * @self: a publisher
 *
 * Gets how many notifications were dropped instead of sent.
 *
 * Returns: [property@NotificationBridge.ZmqPublisher:n-dropped]
 *
 * Since: 1.2
 */
guint64
notification_zmq_publisher_get_n_dropped (NotificationZmqPublisher *self)
{
  g_return_val_if_fail (NOTIFICATION_IS_ZMQ_PUBLISHER (self), 0);
  return self->n_dropped;
}

/**
 * notification_zmq_publisher_get_n_subscriptions:
 * @self: a publisher
 *
 * Gets how many subscriptions the subscribers hold.
 *
 * Returns: [property@NotificationBridge.ZmqPublisher:n-subscriptions]
 *
 * Since: 1.2
 */
guint
notification_zmq_publisher_get_n_subscriptions (NotificationZmqPublisher *self)
{
  g_return_val_if_fail (NOTIFICATION_IS_ZMQ_PUBLISHER (self), 0);
  return self->n_subscriptions;
}

/**
 * notification_zmq_publisher_is_wanted:
 * @self: a publisher
 * @type: a notification type
 *
 * Whether a subscriber that is connected now wants @type: what
 * `notification-post` waits for, so that ZeroMQ's slow joiner does not
 * lose its one message.
 *
 * Returns: whether a subscription for @type, or for every type, is held
 *
 * Since: 1.2
 */
gboolean
notification_zmq_publisher_is_wanted (NotificationZmqPublisher *self,
                                      const char               *type)
{
  g_return_val_if_fail (NOTIFICATION_IS_ZMQ_PUBLISHER (self), FALSE);
  g_return_val_if_fail (type != NULL, FALSE);

  return g_hash_table_contains (self->subscriptions, "") ||
         g_hash_table_contains (self->subscriptions, type);
}
