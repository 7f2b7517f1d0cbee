/* notification-zmq-subscriber.c: the ZeroMQ transport, receiving side
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>
#include <zmq.h>

#include "notification-bridge/notification-zmq-subscriber.h"
#include "notification-bridge-private.h"
#include "notification-zmq-bridge-private.h"
#include "notification-zmq-wire-private.h"

/**
 * NotificationZmqSubscriber:
 *
 * Receives notifications on a ZeroMQ SUB socket and posts them to a
 * center, on the main context it was made in, with
 * [method@Notification.Center.post_checked] from one
 * [class@NotificationBridge.RemoteSender] per remote publisher and
 * sender: the peer of a publisher is named `zmq:` and its identity in
 * hexadecimal.
 *
 * It receives nothing until [method@NotificationBridge.ZmqSubscriber.subscribe]
 * says which types (or every type). What does not decode, or fails a
 * schema, is dropped and counted per
 * [enum@NotificationBridge.BridgeRejection]; what the publishers'
 * sequence numbers say was missed is counted by
 * [property@NotificationBridge.ZmqSubscriber:n-gaps].
 *
 * ZeroMQ itself disconnects a publisher that sends a frame larger than
 * twice [property@NotificationBridge.Bridge:max-message-size]
 * (`ZMQ_MAXMSGSIZE`); up to that, larger messages are dropped and counted
 * as %NOTIFICATION_BRIDGE_REJECTED_OVERSIZED.
 *
 * Since: 1.2
 */

#define MAX_TYPES_PER_PUBLISHER 4096

typedef struct
{
  guint8 identity[NOTIFICATION_ZMQ_WIRE_IDENTITY_SIZE];
  char *name;
  GHashTable *sequences;   /* type → (owned) guint64, the last one seen */
  const char *last_type;   /* (unowned) (nullable) a key of sequences: the last type seen */
  guint64 *last_sequence;  /* (unowned) its value */
  GList link;              /* in lru */
} Publisher;

struct _NotificationZmqSubscriber
{
  NotificationZmqBridge parent_instance;

  GHashTable *subscribed;   /* types ("" every type) */
  GHashTable *publishers;   /* identity → (owned) Publisher */
  GQueue lru;               /* of Publisher, the last seen first */
  Publisher *last;          /* (unowned) (nullable) the head of lru */
  guint max_publishers;
  guint64 max_message_size;
  guint64 n_gaps;
};

G_DEFINE_FINAL_TYPE (NotificationZmqSubscriber, notification_zmq_subscriber, NOTIFICATION_TYPE_ZMQ_BRIDGE)

enum {
  PROP_0,
  PROP_N_GAPS,
  PROP_MAX_PUBLISHERS,
  N_PROPS
};
static GParamSpec *properties[N_PROPS];

static void
publisher_free (gpointer data)
{
  Publisher *publisher = data;

  g_free (publisher->name);
  g_hash_table_unref (publisher->sequences);
  g_free (publisher);
}

static guint
identity_hash (gconstpointer key)
{
  guint hash;

  memcpy (&hash, key, sizeof hash);   /* random bytes */
  return hash;
}

static gboolean
identity_equal (gconstpointer a,
                gconstpointer b)
{
  return memcmp (a, b, NOTIFICATION_ZMQ_WIRE_IDENTITY_SIZE) == 0;
}

static void
notification_zmq_subscriber_finalize (GObject *object)
{
  NotificationZmqSubscriber *self = NOTIFICATION_ZMQ_SUBSCRIBER (object);

  g_hash_table_unref (self->subscribed);
  self->last = NULL;
  g_queue_init (&self->lru);   /* the links are in the publishers */
  g_hash_table_unref (self->publishers);

  G_OBJECT_CLASS (notification_zmq_subscriber_parent_class)->finalize (object);
}

static void
notification_zmq_subscriber_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  NotificationZmqSubscriber *self = NOTIFICATION_ZMQ_SUBSCRIBER (object);

  switch (prop_id)
    {
    case PROP_N_GAPS: g_value_set_uint64 (value, self->n_gaps); break;
    case PROP_MAX_PUBLISHERS: g_value_set_uint (value, self->max_publishers); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
notification_zmq_subscriber_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  NotificationZmqSubscriber *self = NOTIFICATION_ZMQ_SUBSCRIBER (object);

  switch (prop_id)
    {
    case PROP_MAX_PUBLISHERS: self->max_publishers = g_value_get_uint (value); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
max_message_size_changed (GObject    *object,
                          GParamSpec *pspec,
                          gpointer    user_data)
{
  NotificationZmqSubscriber *self = NOTIFICATION_ZMQ_SUBSCRIBER (object);

  g_object_get (object, "max-message-size", &self->max_message_size, NULL);
}

static gboolean
notification_zmq_subscriber_configure (NotificationZmqBridge  *bridge,
                                       void                   *socket,
                                       GError                **error)
{
  NotificationZmqSubscriber *self = NOTIFICATION_ZMQ_SUBSCRIBER (bridge);
  gint64 limit;

  max_message_size_changed (G_OBJECT (self), NULL, NULL);
  g_signal_connect (self, "notify::max-message-size", G_CALLBACK (max_message_size_changed), NULL);

  /* A hard bound against a peer's giant frames, beyond the counted one. */
  limit = self->max_message_size == 0 || self->max_message_size > G_MAXINT64 / 2
    ? -1 : (gint64) self->max_message_size * 2;
  if (zmq_setsockopt (socket, ZMQ_MAXMSGSIZE, &limit, sizeof limit) != 0)
    {
      int code = zmq_errno ();

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (code),
                   "Cannot configure a SUB socket: %s", zmq_strerror (code));
      return FALSE;
    }
  return TRUE;
}

static Publisher *
ensure_publisher (NotificationZmqSubscriber *self,
                  const guint8              *identity)
{
  Publisher *publisher;

  /* Messages come in runs from one publisher: the last one seen is at
   * the head of lru already, no lookup needed. */
  if (self->last != NULL &&
      memcmp (self->last->identity, identity, NOTIFICATION_ZMQ_WIRE_IDENTITY_SIZE) == 0)
    return self->last;

  publisher = g_hash_table_lookup (self->publishers, identity);
  if (publisher != NULL)
    {
      g_queue_unlink (&self->lru, &publisher->link);
      g_queue_push_head_link (&self->lru, &publisher->link);
      self->last = publisher;
      return publisher;
    }

  /* A publisher that restarts has a new identity: forget the one seen
   * least recently, and its remote senders, rather than grow. */
  if (self->max_publishers > 0 && g_hash_table_size (self->publishers) >= self->max_publishers)
    {
      GList *oldest = g_queue_pop_tail_link (&self->lru);
      Publisher *gone = oldest->data;

      if (gone == self->last)
        self->last = NULL;
      notification_bridge_peer_vanished (NOTIFICATION_BRIDGE (self), gone->name);
      g_hash_table_remove (self->publishers, gone->identity);
    }

  publisher = g_new0 (Publisher, 1);
  memcpy (publisher->identity, identity, sizeof publisher->identity);
  publisher->name = notification_zmq_wire_identity_name (identity);
  publisher->sequences = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  publisher->link.data = publisher;
  g_hash_table_insert (self->publishers, publisher->identity, publisher);
  g_queue_push_head_link (&self->lru, &publisher->link);
  self->last = publisher;
  return publisher;
}

static void
count_sequence (NotificationZmqSubscriber *self,
                Publisher                 *publisher,
                const char                *type,
                guint64                    sequence)
{
  guint64 *last = NULL;
  gpointer key = NULL;

  /* a run of one type: no lookup */
  if (publisher->last_type != NULL && strcmp (publisher->last_type, type) == 0)
    last = publisher->last_sequence;
  else if (g_hash_table_lookup_extended (publisher->sequences, type, &key, (gpointer *) &last))
    {
      publisher->last_type = key;
      publisher->last_sequence = last;
    }

  if (last == NULL)
    {
      /* the first seen: joined late, or just subscribed; no gap */
      if (g_hash_table_size (publisher->sequences) >= MAX_TYPES_PER_PUBLISHER)
        return;
      last = g_new (guint64, 1);
      key = g_strdup (type);
      g_hash_table_insert (publisher->sequences, key, last);
      publisher->last_type = key;
      publisher->last_sequence = last;
    }
  else if (sequence > *last + 1)
    self->n_gaps += sequence - *last - 1;
  *last = sequence;
}

static void
notification_zmq_subscriber_message (NotificationZmqBridge *bridge,
                                     gpointer               data)
{
  NotificationZmqSubscriber *self = NOTIFICATION_ZMQ_SUBSCRIBER (bridge);
  NotificationBridge *base = NOTIFICATION_BRIDGE (self);
  NotificationZmqMessage *message = data;
  NotificationZmqWireMessage decoded;
  NotificationZmqWireStatus status;
  const guint8 *topic, *body;
  gsize topic_size, body_size;
  Publisher *publisher;

  if (message->n_frames != 2)
    {
      notification_bridge_reject (base, NOTIFICATION_BRIDGE_REJECTED_FRAMES, NULL, NULL);
      return;
    }
  if (self->max_message_size > 0 && message->size > self->max_message_size)
    {
      notification_bridge_reject (base, NOTIFICATION_BRIDGE_REJECTED_OVERSIZED, NULL, NULL);
      return;
    }

  /* lent by the source: ZeroMQ's buffers, not copied */
  topic = zmq_msg_data (&message->parts[0]);
  topic_size = zmq_msg_size (&message->parts[0]);
  body = zmq_msg_data (&message->parts[1]);
  body_size = zmq_msg_size (&message->parts[1]);
  status = notification_zmq_wire_decode (topic, topic_size, body, body_size, &decoded);
  switch (status)
    {
    case NOTIFICATION_ZMQ_WIRE_OK:
      break;
    case NOTIFICATION_ZMQ_WIRE_BAD_TYPE:
      notification_bridge_reject (base, NOTIFICATION_BRIDGE_REJECTED_TYPE, NULL, NULL);
      return;
    case NOTIFICATION_ZMQ_WIRE_BAD_VERSION:
      notification_bridge_reject (base, NOTIFICATION_BRIDGE_REJECTED_VERSION, NULL, NULL);
      return;
    case NOTIFICATION_ZMQ_WIRE_BAD_FRAMES:
    case NOTIFICATION_ZMQ_WIRE_BAD_ENCODING:
    default:
      notification_bridge_reject (base, NOTIFICATION_BRIDGE_REJECTED_ENCODING, NULL, NULL);
      return;
    }

  publisher = ensure_publisher (self, decoded.identity);
  count_sequence (self, publisher, decoded.type, decoded.sequence);
  /* The decoder checked what notification_bridge_receive() would (the
   * strings' UTF-8, an a{sv}) and the size was checked above: only the
   * center's checks (schemas) are left. */
  notification_bridge_post_received (base, publisher->name, decoded.sender_id, decoded.type,
                                     decoded.user_info);
  notification_zmq_wire_message_clear (&decoded);
}

static void
notification_zmq_subscriber_class_init (NotificationZmqSubscriberClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  NotificationZmqBridgeClass *zmq_class = NOTIFICATION_ZMQ_BRIDGE_CLASS (klass);

  object_class->finalize = notification_zmq_subscriber_finalize;
  object_class->get_property = notification_zmq_subscriber_get_property;
  object_class->set_property = notification_zmq_subscriber_set_property;
  zmq_class->socket_type = ZMQ_SUB;
  zmq_class->configure = notification_zmq_subscriber_configure;
  zmq_class->message = notification_zmq_subscriber_message;

  /**
   * NotificationZmqSubscriber:n-gaps:
   *
   * How many notifications the publishers' sequence numbers say were
   * missed (dropped at a publisher's high-water mark, or lost on the
   * way): the sum of the gaps, per publisher and type. Not notified.
   *
   * Since: 1.2
   */
  properties[PROP_N_GAPS] =
    g_param_spec_uint64 ("n-gaps", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /**
   * NotificationZmqSubscriber:max-publishers:
   *
   * How many publisher identities are remembered (0: no bound); beyond
   * it the one seen least recently is forgotten like a peer that left,
   * releasing its remote senders.
   *
   * Since: 1.2
   */
  properties[PROP_MAX_PUBLISHERS] =
    g_param_spec_uint ("max-publishers", NULL, NULL, 0, G_MAXUINT, 1024,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
notification_zmq_subscriber_init (NotificationZmqSubscriber *self)
{
  self->max_publishers = 1024;
  self->subscribed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->publishers = g_hash_table_new_full (identity_hash, identity_equal, NULL, publisher_free);
  g_queue_init (&self->lru);
}

/**
 * notification_zmq_subscriber_new:
 * @center: (nullable): the center to post into (`NULL`: the default center)
 * @endpoint: a ZeroMQ endpoint
 * @flags: whether to bind @endpoint, and whether a plain bind of a
 *   public TCP address is allowed
 * @error: a place for an error
 *
 * Makes a subscriber on the thread-default main context, which must be
 * the one this thread runs; it posts there. For CURVE keys use
 * g_initable_new() with the properties of [class@NotificationBridge.ZmqBridge].
 *
 * Returns: (transfer full) (nullable): the subscriber, or `NULL` with
 *   @error set
 *
 * Since: 1.2
 */
NotificationZmqSubscriber *
notification_zmq_subscriber_new (NotificationCenter    *center,
                                 const char            *endpoint,
                                 NotificationZmqFlags   flags,
                                 GError               **error)
{
  g_return_val_if_fail (center == NULL || NOTIFICATION_IS_CENTER (center), NULL);
  g_return_val_if_fail (endpoint != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return g_initable_new (NOTIFICATION_TYPE_ZMQ_SUBSCRIBER, NULL, error,
                         "center", center,
                         "endpoint", endpoint,
                         "bind", (flags & NOTIFICATION_ZMQ_FLAGS_BIND) != 0,
                         "allow-insecure", (flags & NOTIFICATION_ZMQ_FLAGS_ALLOW_INSECURE) != 0,
                         NULL);
}

static void
set_subscription (NotificationZmqSubscriber *self,
                  const char                *type,
                  int                        option)
{
  void *socket = notification_zmq_bridge_get_socket (NOTIFICATION_ZMQ_BRIDGE (self));

  if (socket == NULL)
    return;
  /* with the terminator: "std" never matches "stdout" */
  if (zmq_setsockopt (socket, option, type, *type != '\0' ? strlen (type) + 1 : 0) != 0)
    g_warning ("NotificationZmqSubscriber: cannot %s “%s”: %s",
               option == ZMQ_SUBSCRIBE ? "subscribe to" : "unsubscribe from",
               type, zmq_strerror (zmq_errno ()));
}

/**
 * notification_zmq_subscriber_subscribe:
 * @self: a subscriber
 * @type: (nullable): a notification type, or `NULL` for every type
 *
 * Asks the publishers for @type; the publishers observe it from now on.
 * Subscribing twice to a type is subscribing once.
 *
 * Since: 1.2
 */
void
notification_zmq_subscriber_subscribe (NotificationZmqSubscriber *self,
                                       const char                *type)
{
  g_return_if_fail (NOTIFICATION_IS_ZMQ_SUBSCRIBER (self));
  g_return_if_fail (type == NULL || (*type != '\0' && g_utf8_validate (type, -1, NULL)));

  if (type == NULL)
    type = "";
  if (!g_hash_table_add (self->subscribed, g_strdup (type)))
    return;
  set_subscription (self, type, ZMQ_SUBSCRIBE);
}

/**
 * notification_zmq_subscriber_unsubscribe:
 * @self: a subscriber
 * @type: (nullable): a type given to
 *   [method@NotificationBridge.ZmqSubscriber.subscribe], or `NULL` for the
 *   subscription to every type
 *
 * Withdraws a subscription.
 *
 * Since: 1.2
 */
void
notification_zmq_subscriber_unsubscribe (NotificationZmqSubscriber *self,
                                         const char                *type)
{
  g_return_if_fail (NOTIFICATION_IS_ZMQ_SUBSCRIBER (self));

  if (type == NULL)
    type = "";
  if (!g_hash_table_remove (self->subscribed, type))
    return;
  set_subscription (self, type, ZMQ_UNSUBSCRIBE);
}

/**
 * notification_zmq_subscriber_get_n_gaps:
 * @self: a subscriber
 *
 * Gets how many notifications were missed, by the sequence numbers.
 *
 * Returns: [property@NotificationBridge.ZmqSubscriber:n-gaps]
 *
 * Since: 1.2
 */
guint64
notification_zmq_subscriber_get_n_gaps (NotificationZmqSubscriber *self)
{
  g_return_val_if_fail (NOTIFICATION_IS_ZMQ_SUBSCRIBER (self), 0);
  return self->n_gaps;
}

/**
 * notification_zmq_subscriber_get_n_publishers:
 * @self: a subscriber
 *
 * Gets how many publisher identities the subscriber remembers.
 *
 * Returns: how many publishers have been heard from (at most
 *   [property@NotificationBridge.ZmqSubscriber:max-publishers])
 *
 * Since: 1.2
 */
guint
notification_zmq_subscriber_get_n_publishers (NotificationZmqSubscriber *self)
{
  g_return_val_if_fail (NOTIFICATION_IS_ZMQ_SUBSCRIBER (self), 0);
  return g_hash_table_size (self->publishers);
}
