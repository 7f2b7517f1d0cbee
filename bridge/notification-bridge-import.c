/* notification-bridge-import.c: remote senders, received notifications, rejections
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "notification-bridge-private.h"

static const char * const rejection_names[NOTIFICATION_BRIDGE_N_REJECTIONS] = {
  "wrong signature", "invalid type", "invalid user info", "oversized",
  "too many senders", "wrong number of frames", "unknown version",
  "undecodable bytes",
};

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
  NotificationBridgePrivate *priv = notification_bridge_get_priv (self);
  GHashTable *senders;

  g_return_val_if_fail (NOTIFICATION_IS_BRIDGE (self), NULL);
  g_return_val_if_fail (peer != NULL && sender_id != NULL, NULL);

  senders = g_hash_table_lookup (priv->peers, peer);
  return senders != NULL ? g_hash_table_lookup (senders, sender_id) : NULL;
}

/*
 * notification_bridge_forget_last_sender:
 * @self: a bridge
 *
 * Forgets the remote sender ensure_remote_sender() found last: call it
 * before a peer's table of remote senders goes, since the cache points
 * into it.
 */
void
notification_bridge_forget_last_sender (NotificationBridge *self)
{
  NotificationBridgePrivate *priv = notification_bridge_get_priv (self);

  priv->last_peer = NULL;
  priv->last_sender_id = NULL;
  priv->last_sender = NULL;
}

static NotificationRemoteSender *
ensure_remote_sender (NotificationBridge *self,
                      const char         *peer,
                      const char         *sender_id)
{
  NotificationBridgePrivate *priv = notification_bridge_get_priv (self);
  GHashTable *senders;
  NotificationRemoteSender *sender;
  gpointer peer_key, sender_key;

  /* Notifications come in runs from one sender: two string compares
   * instead of two hash lookups (of a peer name such as a ZeroMQ
   * publisher's 36 characters). */
  if (priv->last_sender != NULL &&
      strcmp (priv->last_peer, peer) == 0 && strcmp (priv->last_sender_id, sender_id) == 0)
    return priv->last_sender;

  if (!g_hash_table_lookup_extended (priv->peers, peer, &peer_key, (gpointer *) &senders))
    {
      senders = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
      peer_key = g_strdup (peer);
      g_hash_table_insert (priv->peers, peer_key, senders);
    }
  if (!g_hash_table_lookup_extended (senders, sender_id, &sender_key, (gpointer *) &sender))
    {
      if (priv->max_senders > 0 && g_hash_table_size (senders) >= priv->max_senders)
        return NULL;
      sender = g_object_new (NOTIFICATION_TYPE_REMOTE_SENDER,
                             "peer", peer, "sender-id", sender_id, NULL);
      sender_key = g_strdup (sender_id);
      g_hash_table_insert (senders, sender_key, sender);
    }

  priv->last_peer = peer_key;
  priv->last_sender_id = sender_key;
  priv->last_sender = sender;
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
  NotificationBridgePrivate *priv = notification_bridge_get_priv (self);

  g_return_if_fail (NOTIFICATION_IS_BRIDGE (self));
  g_return_if_fail ((guint) kind < NOTIFICATION_BRIDGE_N_REJECTIONS);

  __atomic_fetch_add (&priv->n_rejected[kind], 1, __ATOMIC_RELAXED);
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
  NotificationBridgePrivate *priv = notification_bridge_get_priv (self);
  g_autoptr(GVariant) info = user_info != NULL ? g_variant_ref_sink (user_info) : NULL;

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

  return notification_bridge_post_received (self, peer, sender_id, type, info);
}

/*
 * notification_bridge_post_received:
 * @self: a bridge
 * @peer: the peer it came from
 * @sender_id: the sender's id within @peer ("" for none), valid UTF-8
 * @type: the notification type: not empty, valid UTF-8
 * @user_info: (nullable) (transfer none): the user info, an a{sv}
 *
 * The second half of notification_bridge_receive(), for a transport
 * whose decoder has checked already what the first half checks (the
 * ZeroMQ subscriber's does; see notification_zmq_wire_decode()): posts
 * with [method@Notification.Center.post_checked] from the remote sender
 * of (@peer, @sender_id), and counts what fails.
 *
 * Returns: whether it was posted
 */
gboolean
notification_bridge_post_received (NotificationBridge *self,
                                   const char         *peer,
                                   const char         *sender_id,
                                   const char         *type,
                                   GVariant           *user_info)
{
  NotificationBridgePrivate *priv = notification_bridge_get_priv (self);
  g_autoptr(GError) error = NULL;
  NotificationRemoteSender *sender;

  sender = ensure_remote_sender (self, peer, sender_id);
  if (sender == NULL)
    {
      notification_bridge_reject (self, NOTIFICATION_BRIDGE_REJECTED_TOO_MANY_SENDERS, peer, NULL);
      return FALSE;
    }
  notification_center_post_checked (priv->center, type, sender, user_info, &error);
  if (error != NULL)
    {
      notification_bridge_reject (self,
                                  g_error_matches (error, NOTIFICATION_ERROR, NOTIFICATION_ERROR_INVALID_TYPE)
                                    ? NOTIFICATION_BRIDGE_REJECTED_TYPE
                                    : NOTIFICATION_BRIDGE_REJECTED_USER_INFO,
                                  peer, error->message);
      return FALSE;
    }
  __atomic_fetch_add (&priv->n_received, 1, __ATOMIC_RELAXED);
  return TRUE;
}

