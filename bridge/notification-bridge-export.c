/* notification-bridge-export.c: sender ids, the forwarding observers, the peers' interests
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "notification-bridge-private.h"

#define MAX_TYPES_PER_PEER 4096

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
  g_mutex_lock (&sender_id_lock);
  /* under the lock: any thread may ask first */
  if (quark == 0)
    quark = g_quark_from_static_string ("notification-bridge-sender-id");
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
  NotificationBridgePrivate *priv = notification_bridge_get_priv (self);
  NotificationBridgeClass *klass = NOTIFICATION_BRIDGE_GET_CLASS (self);
  g_autoptr(GVariant) info = NULL;

  /* No loops: what came in through a bridge does not go out again. */
  if (notification_remote_sender_is_remote (sender))
    return;
  if (klass->send == NULL)
    return;

  info = user_info != NULL ? g_variant_ref (user_info)
                           : g_variant_ref_sink (g_variant_new_array (G_VARIANT_TYPE ("{sv}"), NULL, 0));
  __atomic_fetch_add (&priv->n_sent, 1, __ATOMIC_RELAXED);
  klass->send (self, type, notification_bridge_sender_id (sender), info);
}

void
notification_bridge_update_observers (NotificationBridge *self)
{
  NotificationBridgePrivate *priv = notification_bridge_get_priv (self);
  g_autoptr(GHashTable) wanted = g_hash_table_new (g_str_hash, g_str_equal);
  GHashTableIter iter;
  gpointer key, value;

  if (priv->center == NULL || priv->context == NULL)
    return;  /* during construction: constructed() calls again */
  if (priv->disposed)
    return;

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

void
notification_bridge_remove_all_observers (NotificationBridge *self)
{
  NotificationBridgePrivate *priv = notification_bridge_get_priv (self);
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
  NotificationBridgePrivate *priv = notification_bridge_get_priv (self);
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
  NotificationBridgePrivate *priv = notification_bridge_get_priv (self);
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

/* Interest */

static void
peer_interest_release (NotificationBridge *self,
                       GHashTable         *set)
{
  NotificationBridgePrivate *priv = notification_bridge_get_priv (self);
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
  NotificationBridgePrivate *priv = notification_bridge_get_priv (self);
  GHashTable *old, *set;

  g_return_if_fail (NOTIFICATION_IS_BRIDGE (self));
  g_return_if_fail (peer != NULL);

  if (priv->disposed)
    return;
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

  notification_bridge_update_observers (self);
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
  NotificationBridgePrivate *priv = notification_bridge_get_priv (self);

  g_return_if_fail (NOTIFICATION_IS_BRIDGE (self));
  g_return_if_fail (peer != NULL);

  notification_bridge_set_peer_interests (self, peer, NULL);
  notification_bridge_forget_last_sender (self);
  g_hash_table_remove (priv->peers, peer);
}

