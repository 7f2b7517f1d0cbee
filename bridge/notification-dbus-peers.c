/* notification-dbus-peers.c: the exporting side's view of its peers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "notification-dbus-bridge-private.h"

/* Peers leaving */

static void
forget_peer (NotificationDBusBridge *self,
             const char             *name)
{
  gpointer id;
  g_autofree char *peer = g_strdup (name);

  if (!g_hash_table_lookup_extended (self->peer_watches, peer, NULL, &id))
    return;
  g_dbus_connection_signal_unsubscribe (self->connection, GPOINTER_TO_UINT (id));
  g_hash_table_remove (self->peer_watches, peer);
  notification_bridge_peer_vanished (NOTIFICATION_BRIDGE (self), peer);
}

static void
on_peer_owner_changed (GDBusConnection *connection,
                       const char      *sender_name,
                       const char      *object_path,
                       const char      *interface_name,
                       const char      *signal_name,
                       GVariant        *parameters,
                       gpointer         user_data)
{
  NotificationDBusBridge *self = user_data;
  const char *name, *old_owner, *new_owner;

  if (!g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(sss)")))
    return;
  g_variant_get (parameters, "(&s&s&s)", &name, &old_owner, &new_owner);
  if (*new_owner != '\0')
    return;
  forget_peer (self, name);
}

typedef struct { NotificationDBusBridge *self; char *peer; } PeerCheck;

static void
peer_check_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  PeerCheck *check = user_data;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, NULL);
  gboolean has_owner = TRUE;

  if (reply != NULL)
    g_variant_get (reply, "(b)", &has_owner);
  if (!has_owner && check->self->connection != NULL)
    forget_peer (check->self, check->peer);
  g_object_unref (check->self);
  g_free (check->peer);
  g_free (check);
}

/* Watches @peer (a unique name) so that it is forgotten when it leaves the
 * bus; checks it is still there, in case it left before the watch. */
void
notification_dbus_bridge_watch_peer (NotificationDBusBridge *self,
                                     const char             *peer)
{
  GMainContext *context;
  PeerCheck *check;
  guint id;

  if (self->unique_name == NULL || g_hash_table_contains (self->peer_watches, peer))
    return;

  context = bridge_push_context (self);
  id = g_dbus_connection_signal_subscribe (self->connection, "org.freedesktop.DBus",
                                           "org.freedesktop.DBus", "NameOwnerChanged",
                                           "/org/freedesktop/DBus", peer,
                                           G_DBUS_SIGNAL_FLAGS_NONE,
                                           on_peer_owner_changed, self, NULL);
  g_hash_table_insert (self->peer_watches, g_strdup (peer), GUINT_TO_POINTER (id));

  check = g_new0 (PeerCheck, 1);
  check->self = g_object_ref (self);
  check->peer = g_strdup (peer);
  g_dbus_connection_call (self->connection, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                          "org.freedesktop.DBus", "NameHasOwner", g_variant_new ("(s)", peer),
                          G_VARIANT_TYPE ("(b)"), G_DBUS_CALL_FLAGS_NONE, -1,
                          self->cancellable, peer_check_cb, check);
  g_main_context_pop_thread_default (context);
}

gboolean
notification_dbus_bridge_interests_acceptable (NotificationDBusBridge *self,
                                               GVariant               *body,
                                               const char             *peer)
{
  guint64 max_size = 0;

  g_object_get (self, "max-message-size", &max_size, NULL);
  if (max_size == 0 || g_variant_get_size (body) <= max_size)
    return TRUE;
  g_debug ("Ignoring the interests of %s: %" G_GSIZE_FORMAT " bytes", peer, g_variant_get_size (body));
  return FALSE;
}

void
notification_dbus_bridge_on_interests_changed (GDBusConnection *connection,
                                               const char      *sender_name,
                                               const char      *object_path,
                                               const char      *interface_name,
                                               const char      *signal_name,
                                               GVariant        *parameters,
                                               gpointer         user_data)
{
  NotificationDBusBridge *self = user_data;
  const char *peer = peer_name (self, sender_name);
  g_autofree const char **types = NULL;

  if (is_own (self, sender_name) || peer == NULL ||
      !g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(as)")) ||
      !notification_dbus_bridge_interests_acceptable (self, parameters, peer))
    return;
  g_variant_get (parameters, "(^a&s)", &types);
  notification_dbus_bridge_watch_peer (self, peer);
  notification_bridge_set_peer_interests (NOTIFICATION_BRIDGE (self), peer, types);
}

void
notification_dbus_bridge_init_pending_done (NotificationDBusBridge *self)
{
  g_assert (self->pending > 0);
  if (--self->pending == 0 && self->init_task != NULL)
    {
      GTask *task = g_steal_pointer (&self->init_task);

      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
    }
}

static void
get_interests_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  NotificationDBusBridge *self = user_data;
  g_autoptr(GDBusMessage) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = g_dbus_connection_send_message_with_reply_finish (G_DBUS_CONNECTION (source), result, &error);
  if (reply != NULL && g_dbus_message_get_message_type (reply) == G_DBUS_MESSAGE_TYPE_METHOD_RETURN &&
      self->connection != NULL)
    {
      GVariant *body = g_dbus_message_get_body (reply);
      const char *peer = peer_name (self, g_dbus_message_get_sender (reply));

      if (body != NULL && g_variant_is_of_type (body, G_VARIANT_TYPE ("(as)")) &&
          peer != NULL && !is_own (self, peer) &&
          notification_dbus_bridge_interests_acceptable (self, body, peer))
        {
          g_autofree const char **types = NULL;

          g_variant_get (body, "(^a&s)", &types);
          notification_dbus_bridge_watch_peer (self, peer);
          notification_bridge_set_peer_interests (NOTIFICATION_BRIDGE (self), peer, types);
        }
    }
  else if (error != NULL)
    g_debug ("GetInterests: %s", error->message);

  notification_dbus_bridge_init_pending_done (self);
  g_object_unref (self);
}

void
notification_dbus_bridge_ask_interests (NotificationDBusBridge *self,
                                        const char             *destination)
{
  g_autoptr(GDBusMessage) message =
    g_dbus_message_new_method_call (destination, NOTIFICATION_DBUS_BRIDGE_OBJECT_PATH,
                                    NOTIFICATION_DBUS_BRIDGE_INTERFACE, "GetInterests");
  GMainContext *context = bridge_push_context (self);

  self->pending++;
  g_dbus_connection_send_message_with_reply (self->connection, message,
                                             G_DBUS_SEND_MESSAGE_FLAGS_NONE, -1, NULL,
                                             self->cancellable, get_interests_cb,
                                             g_object_ref (self));
  g_main_context_pop_thread_default (context);
}

void
notification_dbus_bridge_on_importer_owner_changed (GDBusConnection *connection,
                                                    const char      *sender_name,
                                                    const char      *object_path,
                                                    const char      *interface_name,
                                                    const char      *signal_name,
                                                    GVariant        *parameters,
                                                    gpointer         user_data)
{
  NotificationDBusBridge *self = user_data;
  const char *name, *old_owner, *new_owner;

  if (!g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(sss)")))
    return;
  g_variant_get (parameters, "(&s&s&s)", &name, &old_owner, &new_owner);
  if (*new_owner != '\0' && !is_own (self, new_owner))
    notification_dbus_bridge_ask_interests (self, new_owner);
}

void
notification_dbus_bridge_list_names_cb (GObject      *source,
                                        GAsyncResult *result,
                                        gpointer      user_data)
{
  NotificationDBusBridge *self = user_data;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, NULL);

  if (reply != NULL && self->connection != NULL)
    {
      g_autoptr(GVariantIter) iter = NULL;
      const char *name;

      g_variant_get (reply, "(as)", &iter);
      while (g_variant_iter_next (iter, "&s", &name))
        if (g_str_has_prefix (name, NOTIFICATION_DBUS_BRIDGE_IMPORTER_PREFIX "."))
          notification_dbus_bridge_ask_interests (self, name);
    }

  notification_dbus_bridge_init_pending_done (self);
  g_object_unref (self);
}

void
notification_dbus_bridge_on_closed (GDBusConnection *connection,
                                    gboolean         remote_peer_vanished,
                                    GError          *error,
                                    gpointer         user_data)
{
  NotificationDBusBridge *self = user_data;
  g_auto(GStrv) peers = (GStrv) g_hash_table_get_keys_as_array (self->peer_watches, NULL);

  /* The keys are borrowed: copy them before the table changes. */
  for (guint i = 0; peers[i] != NULL; i++)
    peers[i] = g_strdup (peers[i]);
  if (self->p2p_peer != NULL)
    notification_bridge_peer_vanished (NOTIFICATION_BRIDGE (self), self->p2p_peer);
  for (guint i = 0; peers[i] != NULL; i++)
    notification_bridge_peer_vanished (NOTIFICATION_BRIDGE (self), peers[i]);
}

