/* notification-bridge-import.c: remote senders, received notifications, rejections
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

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

static NotificationRemoteSender *
ensure_remote_sender (NotificationBridge *self,
                      const char         *peer,
                      const char         *sender_id)
{
  NotificationBridgePrivate *priv = notification_bridge_get_priv (self);
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
  __atomic_fetch_add (&priv->n_received, 1, __ATOMIC_RELAXED);
  return TRUE;
}

