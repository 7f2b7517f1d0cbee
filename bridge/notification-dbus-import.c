/* notification-dbus-import.c: importing, and what an importer advertises
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "notification-dbus-bridge-private.h"

#include <stdlib.h>

/* What this importer asks exporters for: the types it imports that some
 * local observer wants, as the center's interest reports them (bridges'
 * forwarders are not counted, so two processes bridged both ways do not
 * keep each other interested). A local observer of every type wants every
 * imported type; an import of every type wants what local observers want. */
GVariant *
notification_dbus_bridge_advertised_variant (NotificationDBusBridge *self)
{
  NotificationCenter *center = notification_bridge_get_center (NOTIFICATION_BRIDGE (self));
  g_autoptr(GHashTable) local = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) wanted = g_ptr_array_new ();
  g_autoptr(GPtrArray) interests = NULL;
  GHashTable *from;
  GHashTableIter iter;
  gpointer key;

  if (g_hash_table_size (self->imports) == 0)
    return g_variant_new_strv (NULL, 0);

  interests = notification_center_list_interests (center);
  for (guint i = 0; i < interests->len; i++)
    {
      const char *type = notification_interest_get_notification_type (g_ptr_array_index (interests, i));

      g_hash_table_add (local, (gpointer) (type != NULL ? type : ""));
    }

  /* Either set, filtered by the other unless that one has "" (every type). */
  if (g_hash_table_contains (self->imports, ""))
    from = local;
  else
    from = self->imports;
  g_hash_table_iter_init (&iter, from);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      GHashTable *other = from == local ? self->imports : local;

      if (g_hash_table_contains (other, "") || g_hash_table_contains (other, key))
        g_ptr_array_add (wanted, key);
    }

  g_ptr_array_sort (wanted, compare_strings);
  /* the strings are copied before @interests (which owns the local ones) goes */
  return g_variant_new_strv ((const char * const *) wanted->pdata, wanted->len);
}

/* Tells exporters what this importer wants now, if that changed: every
 * exporter has then been told (InterestsChanged is a broadcast) the set in
 * self->advertised. */
void
notification_dbus_bridge_advertise (NotificationDBusBridge *self)
{
  g_autoptr(GVariant) now = g_variant_ref_sink (notification_dbus_bridge_advertised_variant (self));
  g_autoptr(GError) error = NULL;

  if (self->connection == NULL ||
      (self->advertised != NULL && g_variant_equal (now, self->advertised)) ||
      (self->advertised == NULL && g_variant_n_children (now) == 0))
    return;
  g_clear_pointer (&self->advertised, g_variant_unref);
  self->advertised = g_variant_ref (now);
  if (!g_dbus_connection_emit_signal (self->connection, NULL,
                                      NOTIFICATION_DBUS_BRIDGE_OBJECT_PATH,
                                      NOTIFICATION_DBUS_BRIDGE_INTERFACE, "InterestsChanged",
                                      g_variant_new_tuple (&now, 1), &error))
    g_debug ("InterestsChanged: %s", error->message);
}

static void
on_local_interest (NotificationCenter *center,
                   const char         *type,
                   GObject            *sender,
                   gboolean            observed,
                   gpointer            user_data)
{
  notification_dbus_bridge_advertise (user_data);
}

/* Import */

static void
on_posted (GDBusConnection *connection,
           const char      *sender_name,
           const char      *object_path,
           const char      *interface_name,
           const char      *signal_name,
           GVariant        *parameters,
           gpointer         user_data)
{
  NotificationDBusBridge *self = user_data;
  NotificationBridge *bridge = user_data;
  const char *peer = peer_name (self, sender_name);
  gsize size = g_variant_get_size (parameters);
  guint64 max_size = 0;
  const char *type, *sender_id;
  g_autoptr(GVariant) user_info = NULL;

  if (is_own (self, sender_name) || peer == NULL)
    return;

  g_object_get (self, "max-message-size", &max_size, NULL);
  if (max_size > 0 && size > max_size)
    {
      notification_bridge_reject (bridge, NOTIFICATION_BRIDGE_REJECTED_OVERSIZED, peer, NULL);
      return;
    }
  if (!g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(ssa{sv})")))
    {
      notification_bridge_reject (bridge, NOTIFICATION_BRIDGE_REJECTED_SIGNATURE, peer,
                                  g_variant_get_type_string (parameters));
      return;
    }

  g_variant_get (parameters, "(&s&s@a{sv})", &type, &sender_id, &user_info);
  notification_dbus_bridge_watch_peer (self, peer);
  notification_bridge_receive (bridge, peer, sender_id, type, user_info, size);
}

static void
update_subscriptions (NotificationDBusBridge *self)
{
  g_autoptr(GHashTable) wanted = g_hash_table_new (g_str_hash, g_str_equal);
  GHashTableIter iter;
  gpointer key, value;
  GMainContext *context = notification_bridge_get_context (NOTIFICATION_BRIDGE (self));

  if (g_hash_table_contains (self->imports, ""))
    g_hash_table_add (wanted, (gpointer) "");
  else
    {
      g_hash_table_iter_init (&iter, self->imports);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        g_hash_table_add (wanted, key);
    }

  g_hash_table_iter_init (&iter, self->subscriptions);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (!g_hash_table_contains (wanted, key))
      {
        g_dbus_connection_signal_unsubscribe (self->connection, GPOINTER_TO_UINT (value));
        g_hash_table_iter_remove (&iter);
      }

  g_main_context_push_thread_default (context);
  g_hash_table_iter_init (&iter, wanted);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_hash_table_contains (self->subscriptions, key))
      {
        const char *type = key;
        guint id;

        id = g_dbus_connection_signal_subscribe (self->connection, NULL,
                                                 NOTIFICATION_DBUS_BRIDGE_INTERFACE, "Posted",
                                                 NOTIFICATION_DBUS_BRIDGE_OBJECT_PATH,
                                                 *type == '\0' ? NULL : type,
                                                 G_DBUS_SIGNAL_FLAGS_NONE,
                                                 on_posted, self, NULL);
        g_hash_table_insert (self->subscriptions, g_strdup (type), GUINT_TO_POINTER (id));
      }
  g_main_context_pop_thread_default (context);
}

static char *
importer_name (const char *unique_name)
{
  GString *name = g_string_new (NOTIFICATION_DBUS_BRIDGE_IMPORTER_PREFIX ".");

  for (const char *p = unique_name; *p != '\0'; p++)
    g_string_append_c (name, g_ascii_isalnum (*p) ? *p : '_');
  return g_string_free (name, FALSE);
}

static void
imports_changed (NotificationDBusBridge *self)
{
  g_autoptr(GError) error = NULL;

  update_subscriptions (self);

  if (self->unique_name != NULL && self->owned_name == NULL && g_hash_table_size (self->imports) > 0)
    {
      g_autofree char *name = importer_name (self->unique_name);
      g_autoptr(GVariant) reply = NULL;

      /* Synchronously, with the bus daemon (never a peer, so it cannot
       * wait on this thread): when subscribe() returns, the bus has this
       * connection's match rules (sent before) and the name, so an
       * exporter that starts later finds this importer. */
      reply = g_dbus_connection_call_sync (self->connection, "org.freedesktop.DBus",
                                           "/org/freedesktop/DBus", "org.freedesktop.DBus",
                                           "RequestName", g_variant_new ("(su)", name, 4u /* DO_NOT_QUEUE */),
                                           G_VARIANT_TYPE ("(u)"), G_DBUS_CALL_FLAGS_NONE, -1,
                                           NULL, &error);
      if (reply != NULL)
        self->owned_name = g_steal_pointer (&name);
      else
        {
          g_debug ("RequestName: %s", error->message);
          g_clear_error (&error);
        }
    }

  /* The local center's interest, watched on the bridge's context, from
   * the first import on. */
  if (self->interest_watch == 0 && g_hash_table_size (self->imports) > 0)
    self->interest_watch =
      notification_center_watch_interest (notification_bridge_get_center (NOTIFICATION_BRIDGE (self)),
                                          notification_bridge_get_context (NOTIFICATION_BRIDGE (self)),
                                          on_local_interest, self, NULL);
  notification_dbus_bridge_advertise (self);
}

/**
 * notification_dbus_bridge_subscribe:
 * @self: a D-Bus bridge
 * @type: (nullable): a notification type, or `NULL` for every type
 *
 * Imports the `Posted` signals of @type (of every type for `NULL`): they
 * are posted to the bridge's center from then on. Exporters on the
 * connection are asked for the imported types that observers of the
 * center want, now and as observers come and go: with nobody observing
 * @type locally, nobody sends it. On a bus, a type is matched by the bus
 * (`arg0='TYPE'`), so other types are not even sent to this process.
 * Subscribing to a type twice does nothing more.
 *
 * On a bus, the first subscription makes one synchronous call to the bus
 * daemon (to own the importer name): when it returns, the bus routes
 * `Posted` of @type here, and an exporter that starts later finds this
 * importer before its first post.
 *
 * Since: 1.2
 */
void
notification_dbus_bridge_subscribe (NotificationDBusBridge *self,
                                    const char             *type)
{
  g_return_if_fail (NOTIFICATION_IS_DBUS_BRIDGE (self));
  g_return_if_fail (type == NULL || g_utf8_validate (type, -1, NULL));

  if (self->connection == NULL)
    return;   /* disposed */
  if (type == NULL)
    type = "";
  if (g_hash_table_contains (self->imports, type))
    return;
  g_hash_table_add (self->imports, g_strdup (type));
  imports_changed (self);
}

/**
 * notification_dbus_bridge_unsubscribe:
 * @self: a D-Bus bridge
 * @type: (nullable): a type given to
 *   [method@NotificationBridge.DBusBridge.subscribe], or `NULL`
 *
 * Stops importing what [method@NotificationBridge.DBusBridge.subscribe]
 * with @type started.
 *
 * Since: 1.2
 */
void
notification_dbus_bridge_unsubscribe (NotificationDBusBridge *self,
                                      const char             *type)
{
  g_return_if_fail (NOTIFICATION_IS_DBUS_BRIDGE (self));

  if (self->connection == NULL)
    return;   /* disposed */
  if (type == NULL)
    type = "";
  if (!g_hash_table_remove (self->imports, type))
    return;
  imports_changed (self);
}

