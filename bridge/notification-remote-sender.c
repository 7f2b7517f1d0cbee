/* notification-remote-sender.c: the local stand-in of a remote sender
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "notification-bridge/notification-remote-sender.h"

/**
 * NotificationRemoteSender:
 *
 * The local object that stands for a sender in another process: the
 * sender of every notification a bridge imports.
 *
 * A bridge makes one per remote peer and sender id, the first time that
 * pair posts, and drops it when the peer goes away (leaves the bus,
 * closes the connection). An observer added for a remote sender works as
 * for any sender, and is removed with it: a sender-specific observer of
 * a peer that exits goes away by the core's weak sender rule.
 *
 * The sender id "" stands for posts the remote program made without a
 * sender.
 *
 * Notifications whose sender is a remote sender are never exported by
 * any bridge: that is how bridges avoid loops.
 *
 * Since: 1.2
 */
struct _NotificationRemoteSender
{
  GObject parent_instance;
  char *peer;
  char *sender_id;
};

G_DEFINE_FINAL_TYPE (NotificationRemoteSender, notification_remote_sender, G_TYPE_OBJECT)

enum { PROP_0, PROP_PEER, PROP_SENDER_ID, N_PROPS };
static GParamSpec *properties[N_PROPS];

static void
notification_remote_sender_finalize (GObject *object)
{
  NotificationRemoteSender *self = NOTIFICATION_REMOTE_SENDER (object);

  g_free (self->peer);
  g_free (self->sender_id);
  G_OBJECT_CLASS (notification_remote_sender_parent_class)->finalize (object);
}

static void
notification_remote_sender_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  NotificationRemoteSender *self = NOTIFICATION_REMOTE_SENDER (object);

  switch (prop_id)
    {
    case PROP_PEER: g_value_set_string (value, self->peer); break;
    case PROP_SENDER_ID: g_value_set_string (value, self->sender_id); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
notification_remote_sender_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  NotificationRemoteSender *self = NOTIFICATION_REMOTE_SENDER (object);

  switch (prop_id)
    {
    case PROP_PEER: self->peer = g_value_dup_string (value); break;
    case PROP_SENDER_ID: self->sender_id = g_value_dup_string (value); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
notification_remote_sender_class_init (NotificationRemoteSenderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = notification_remote_sender_finalize;
  object_class->get_property = notification_remote_sender_get_property;
  object_class->set_property = notification_remote_sender_set_property;

  /**
   * NotificationRemoteSender:peer:
   *
   * The transport's name of the peer: a unique bus name (`:1.42`) on a
   * bus.
   *
   * Since: 1.2
   */
  properties[PROP_PEER] =
    g_param_spec_string ("peer", NULL, NULL, "",
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /**
   * NotificationRemoteSender:sender-id:
   *
   * The id of the sender within the peer's process ("" for none).
   *
   * Since: 1.2
   */
  properties[PROP_SENDER_ID] =
    g_param_spec_string ("sender-id", NULL, NULL, "",
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
notification_remote_sender_init (NotificationRemoteSender *self)
{
}

/**
 * notification_remote_sender_get_peer:
 * @self: a remote sender
 *
 * Gets the name of the peer the sender is in.
 *
 * Returns: the peer this sender is in
 *
 * Since: 1.2
 */
const char *
notification_remote_sender_get_peer (NotificationRemoteSender *self)
{
  g_return_val_if_fail (NOTIFICATION_IS_REMOTE_SENDER (self), NULL);
  return self->peer;
}

/**
 * notification_remote_sender_get_sender_id:
 * @self: a remote sender
 *
 * Gets the id of the sender within its peer.
 *
 * Returns: the sender's id within its peer ("" for none)
 *
 * Since: 1.2
 */
const char *
notification_remote_sender_get_sender_id (NotificationRemoteSender *self)
{
  g_return_val_if_fail (NOTIFICATION_IS_REMOTE_SENDER (self), NULL);
  return self->sender_id;
}

/**
 * notification_remote_sender_is_remote:
 * @object: (nullable): an object
 *
 * Tells whether an object is a remote sender.
 *
 * Returns: whether @object is a remote sender, that is whether a
 *   notification it sent came in through a bridge
 *
 * Since: 1.2
 */
gboolean
notification_remote_sender_is_remote (GObject *object)
{
  return object != NULL && NOTIFICATION_IS_REMOTE_SENDER (object);
}
