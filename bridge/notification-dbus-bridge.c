/* notification-dbus-bridge.c: the D-Bus transport
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "notification-bridge/notification-dbus-bridge.h"
#include "notification-bridge-resources.h"

/**
 * NotificationDBusBridge:
 *
 * A [class@NotificationBridge.Bridge] over D-Bus: it attaches a center to
 * a [class@Gio.DBusConnection], a message bus or a peer-to-peer
 * connection, at %NOTIFICATION_DBUS_BRIDGE_OBJECT_PATH with the interface
 * %NOTIFICATION_DBUS_BRIDGE_INTERFACE (doc/dbus-bridge.md).
 *
 * - **Export**: a local post of a type some importer on the bus asked for
 *   is emitted as the signal `Posted (s type, s sender, a{sv} user_info)`
 *   (every post with [property@NotificationBridge.Bridge:export-all]).
 * - **Import**: after [method@NotificationBridge.DBusBridge.subscribe],
 *   `Posted` signals of that type (or of every type) are posted to the
 *   local center, with a [class@NotificationBridge.RemoteSender] for the
 *   emitting connection's unique name and the sender id.
 * - **Interest**: an importer tells exporters the types it imports that
 *   its local observers want, as the center's interest reports them
 *   ([method@Notification.Center.watch_interest]; bridges' forwarding
 *   observers are not counted), with the method `GetInterests` and the
 *   signal `InterestsChanged`, and, on a bus, owns the
 *   name %NOTIFICATION_DBUS_BRIDGE_IMPORTER_PREFIX followed by its
 *   escaped unique name so exporters find it; exporters ask the importers
 *   present when they start before
 *   [ctor@NotificationBridge.DBusBridge.new_finish] returns, follow
 *   `InterestsChanged`, and forget a peer that leaves the bus.
 *
 * A bridge's signal subscriptions and method calls are handled on the
 * bridge's main context; create and use it on the thread that runs it.
 *
 * Since: 1.2
 */
struct _NotificationDBusBridge
{
  NotificationBridge parent_instance;

  GDBusConnection *connection;
  char *unique_name;        /* NULL: peer to peer */
  char *p2p_peer;           /* the peer's name on a peer-to-peer connection */
  guint registration_id;
  guint sub_interests;
  guint sub_importers;
  gulong closed_handler;
  char *owned_name;         /* the importer name, once owned */

  GHashTable *imports;      /* logical: type ("" every type) */
  guint interest_watch;     /* the local center's interest, once importing */
  GVariant *advertised;     /* (owned) (nullable) the "as" last told to exporters */
  GHashTable *subscriptions; /* on the connection: type ("" every) → id */
  GHashTable *peer_watches; /* peer → NameOwnerChanged subscription id */
  GCancellable *cancellable;

  GTask *init_task;
  guint pending;
};

static void notification_dbus_bridge_async_initable_iface_init (GAsyncInitableIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (NotificationDBusBridge, notification_dbus_bridge, NOTIFICATION_TYPE_BRIDGE,
                               G_IMPLEMENT_INTERFACE (G_TYPE_ASYNC_INITABLE,
                                                      notification_dbus_bridge_async_initable_iface_init))

enum { PROP_0, PROP_CONNECTION, N_PROPS };
static GParamSpec *properties[N_PROPS];

static GDBusInterfaceInfo *
center1_interface_info (void)
{
  static gsize info;

  if (g_once_init_enter (&info))
    {
      g_autoptr(GBytes) bytes = g_resources_lookup_data ("/org/libnotification/bridge/org.libnotification.Center1.xml",
                                                         G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
      g_autoptr(GDBusNodeInfo) node = g_dbus_node_info_new_for_xml (g_bytes_get_data (bytes, NULL), NULL);
      GDBusInterfaceInfo *iface = g_dbus_node_info_lookup_interface (node, NOTIFICATION_DBUS_BRIDGE_INTERFACE);

      g_once_init_leave (&info, (gsize) g_dbus_interface_info_ref (iface));
    }
  return (GDBusInterfaceInfo *) info;
}

static const char *
peer_name (NotificationDBusBridge *self,
           const char             *sender_name)
{
  return self->unique_name != NULL ? sender_name : self->p2p_peer;
}

static gboolean
is_own (NotificationDBusBridge *self,
        const char             *sender_name)
{
  return self->unique_name != NULL &&
         (sender_name == NULL || g_str_equal (sender_name, self->unique_name));
}

static int
compare_strings (const void *a,
                 const void *b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* What this importer asks exporters for: the types it imports that some
 * local observer wants, as the center's interest reports them (bridges'
 * forwarders are not counted, so two processes bridged both ways do not
 * keep each other interested). A local observer of every type wants every
 * imported type; an import of every type wants what local observers want. */
static GVariant *
advertised_variant (NotificationDBusBridge *self)
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

/* Tells exporters what this importer wants now, if that changed. */
static void
advertise (NotificationDBusBridge *self)
{
  g_autoptr(GVariant) now = g_variant_ref_sink (advertised_variant (self));
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
  advertise (user_data);
}

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
static void
watch_peer (NotificationDBusBridge *self,
            const char             *peer)
{
  PeerCheck *check;
  guint id;

  if (self->unique_name == NULL || g_hash_table_contains (self->peer_watches, peer))
    return;

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
  watch_peer (self, peer);
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
  advertise (self);
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

  if (type == NULL)
    type = "";
  if (!g_hash_table_remove (self->imports, type))
    return;
  imports_changed (self);
}

/* Export */

static void
notification_dbus_bridge_send (NotificationBridge *bridge,
                               const char         *type,
                               const char         *sender_id,
                               GVariant           *user_info)
{
  NotificationDBusBridge *self = NOTIFICATION_DBUS_BRIDGE (bridge);
  g_autoptr(GError) error = NULL;

  if (self->connection == NULL || g_dbus_connection_is_closed (self->connection))
    return;
  if (!g_dbus_connection_emit_signal (self->connection, NULL,
                                      NOTIFICATION_DBUS_BRIDGE_OBJECT_PATH,
                                      NOTIFICATION_DBUS_BRIDGE_INTERFACE, "Posted",
                                      g_variant_new ("(ss@a{sv})", type, sender_id, user_info),
                                      &error))
    g_debug ("Posted %s: %s", type, error->message);
}

static void
on_interests_changed (GDBusConnection *connection,
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
      !g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(as)")))
    return;
  g_variant_get (parameters, "(^a&s)", &types);
  watch_peer (self, peer);
  notification_bridge_set_peer_interests (NOTIFICATION_BRIDGE (self), peer, types);
}

static void
init_pending_done (NotificationDBusBridge *self)
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
          peer != NULL && !is_own (self, peer))
        {
          g_autofree const char **types = NULL;

          g_variant_get (body, "(^a&s)", &types);
          watch_peer (self, peer);
          notification_bridge_set_peer_interests (NOTIFICATION_BRIDGE (self), peer, types);
        }
    }
  else if (error != NULL)
    g_debug ("GetInterests: %s", error->message);

  init_pending_done (self);
  g_object_unref (self);
}

static void
ask_interests (NotificationDBusBridge *self,
               const char             *destination)
{
  g_autoptr(GDBusMessage) message =
    g_dbus_message_new_method_call (destination, NOTIFICATION_DBUS_BRIDGE_OBJECT_PATH,
                                    NOTIFICATION_DBUS_BRIDGE_INTERFACE, "GetInterests");

  self->pending++;
  g_dbus_connection_send_message_with_reply (self->connection, message,
                                             G_DBUS_SEND_MESSAGE_FLAGS_NONE, -1, NULL,
                                             self->cancellable, get_interests_cb,
                                             g_object_ref (self));
}

static void
on_importer_owner_changed (GDBusConnection *connection,
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
    ask_interests (self, new_owner);
}

static void
list_names_cb (GObject      *source,
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
          ask_interests (self, name);
    }

  init_pending_done (self);
  g_object_unref (self);
}

/* The object */

static void
method_call (GDBusConnection       *connection,
             const char            *sender,
             const char            *object_path,
             const char            *interface_name,
             const char            *method_name,
             GVariant              *parameters,
             GDBusMethodInvocation *invocation,
             gpointer               user_data)
{
  NotificationDBusBridge *self = user_data;

  if (g_str_equal (method_name, "GetInterests"))
    g_dbus_method_invocation_return_value (invocation,
                                           g_variant_new_tuple ((GVariant *[]) { advertised_variant (self) }, 1));
  else
    g_dbus_method_invocation_return_error (invocation, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_METHOD,
                                           "No method %s", method_name);
}

static const GDBusInterfaceVTable vtable = { method_call, NULL, NULL, { 0 } };

static guint p2p_counter;

static void
on_closed (GDBusConnection *connection,
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

static void
notification_dbus_bridge_init_async (GAsyncInitable      *initable,
                                     int                  io_priority,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  NotificationDBusBridge *self = NOTIFICATION_DBUS_BRIDGE (initable);
  GMainContext *context = notification_bridge_get_context (NOTIFICATION_BRIDGE (self));
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  GError *error = NULL;

  g_task_set_source_tag (task, notification_dbus_bridge_init_async);
  if (self->connection == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "No connection");
      return;
    }

  g_main_context_push_thread_default (context);

  self->unique_name = g_strdup (g_dbus_connection_get_unique_name (self->connection));
  if (self->unique_name == NULL)
    self->p2p_peer = g_strdup_printf ("p2p-%u", g_atomic_int_add (&p2p_counter, 1) + 1);

  self->registration_id =
    g_dbus_connection_register_object (self->connection, NOTIFICATION_DBUS_BRIDGE_OBJECT_PATH,
                                       center1_interface_info (), &vtable, self, NULL, &error);
  if (self->registration_id == 0)
    {
      g_main_context_pop_thread_default (context);
      g_task_return_error (task, error);
      return;
    }

  self->sub_interests =
    g_dbus_connection_signal_subscribe (self->connection, NULL,
                                        NOTIFICATION_DBUS_BRIDGE_INTERFACE, "InterestsChanged",
                                        NOTIFICATION_DBUS_BRIDGE_OBJECT_PATH, NULL,
                                        G_DBUS_SIGNAL_FLAGS_NONE,
                                        on_interests_changed, self, NULL);
  self->closed_handler = g_signal_connect (self->connection, "closed", G_CALLBACK (on_closed), self);

  self->init_task = g_steal_pointer (&task);
  self->pending = 1;
  if (self->unique_name != NULL)
    {
      self->sub_importers =
        g_dbus_connection_signal_subscribe (self->connection, "org.freedesktop.DBus",
                                            "org.freedesktop.DBus", "NameOwnerChanged",
                                            "/org/freedesktop/DBus",
                                            NOTIFICATION_DBUS_BRIDGE_IMPORTER_PREFIX,
                                            G_DBUS_SIGNAL_FLAGS_MATCH_ARG0_NAMESPACE,
                                            on_importer_owner_changed, self, NULL);
      g_dbus_connection_call (self->connection, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                              "org.freedesktop.DBus", "ListNames", NULL, G_VARIANT_TYPE ("(as)"),
                              G_DBUS_CALL_FLAGS_NONE, -1, self->cancellable,
                              list_names_cb, g_object_ref (self));
    }
  else
    {
      ask_interests (self, NULL);
      self->pending--;
    }

  g_main_context_pop_thread_default (context);
}

static gboolean
notification_dbus_bridge_init_finish (GAsyncInitable  *initable,
                                      GAsyncResult    *result,
                                      GError         **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
notification_dbus_bridge_async_initable_iface_init (GAsyncInitableIface *iface)
{
  iface->init_async = notification_dbus_bridge_init_async;
  iface->init_finish = notification_dbus_bridge_init_finish;
}

static void
notification_dbus_bridge_dispose (GObject *object)
{
  NotificationDBusBridge *self = NOTIFICATION_DBUS_BRIDGE (object);
  GHashTableIter iter;
  gpointer value;

  g_cancellable_cancel (self->cancellable);
  if (self->interest_watch != 0)
    notification_center_unwatch_interest (notification_bridge_get_center (NOTIFICATION_BRIDGE (self)),
                                          self->interest_watch);
  self->interest_watch = 0;
  if (self->connection != NULL)
    {
      if (self->registration_id != 0)
        g_dbus_connection_unregister_object (self->connection, self->registration_id);
      if (self->sub_interests != 0)
        g_dbus_connection_signal_unsubscribe (self->connection, self->sub_interests);
      if (self->sub_importers != 0)
        g_dbus_connection_signal_unsubscribe (self->connection, self->sub_importers);
      g_hash_table_iter_init (&iter, self->subscriptions);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        g_dbus_connection_signal_unsubscribe (self->connection, GPOINTER_TO_UINT (value));
      g_hash_table_iter_init (&iter, self->peer_watches);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        g_dbus_connection_signal_unsubscribe (self->connection, GPOINTER_TO_UINT (value));
      g_clear_signal_handler (&self->closed_handler, self->connection);
      /* exporters forget this importer */
      if (self->advertised != NULL && g_variant_n_children (self->advertised) > 0 &&
          !g_dbus_connection_is_closed (self->connection))
        g_dbus_connection_emit_signal (self->connection, NULL,
                                       NOTIFICATION_DBUS_BRIDGE_OBJECT_PATH,
                                       NOTIFICATION_DBUS_BRIDGE_INTERFACE, "InterestsChanged",
                                       g_variant_new ("(@as)", g_variant_new_strv (NULL, 0)), NULL);
      if (self->owned_name != NULL && !g_dbus_connection_is_closed (self->connection))
        {
          g_dbus_connection_call (self->connection, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                  "org.freedesktop.DBus", "ReleaseName",
                                  g_variant_new ("(s)", self->owned_name), NULL,
                                  G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL, NULL);
        }
      g_clear_pointer (&self->owned_name, g_free);
      self->registration_id = self->sub_interests = self->sub_importers = 0;
      g_hash_table_remove_all (self->subscriptions);
      g_hash_table_remove_all (self->peer_watches);
      g_clear_object (&self->connection);
    }

  G_OBJECT_CLASS (notification_dbus_bridge_parent_class)->dispose (object);
}

static void
notification_dbus_bridge_finalize (GObject *object)
{
  NotificationDBusBridge *self = NOTIFICATION_DBUS_BRIDGE (object);

  g_hash_table_unref (self->imports);
  g_clear_pointer (&self->advertised, g_variant_unref);
  g_hash_table_unref (self->subscriptions);
  g_hash_table_unref (self->peer_watches);
  g_clear_object (&self->cancellable);
  g_free (self->unique_name);
  g_free (self->p2p_peer);

  G_OBJECT_CLASS (notification_dbus_bridge_parent_class)->finalize (object);
}

static void
notification_dbus_bridge_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  NotificationDBusBridge *self = NOTIFICATION_DBUS_BRIDGE (object);

  switch (prop_id)
    {
    case PROP_CONNECTION: g_value_set_object (value, self->connection); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
notification_dbus_bridge_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  NotificationDBusBridge *self = NOTIFICATION_DBUS_BRIDGE (object);

  switch (prop_id)
    {
    case PROP_CONNECTION: self->connection = g_value_dup_object (value); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
notification_dbus_bridge_class_init (NotificationDBusBridgeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  NotificationBridgeClass *bridge_class = NOTIFICATION_BRIDGE_CLASS (klass);

  object_class->dispose = notification_dbus_bridge_dispose;
  object_class->finalize = notification_dbus_bridge_finalize;
  object_class->get_property = notification_dbus_bridge_get_property;
  object_class->set_property = notification_dbus_bridge_set_property;
  bridge_class->send = notification_dbus_bridge_send;

  /**
   * NotificationDBusBridge:connection:
   *
   * The connection: a message bus or a peer-to-peer connection.
   *
   * Since: 1.2
   */
  properties[PROP_CONNECTION] =
    g_param_spec_object ("connection", NULL, NULL, G_TYPE_DBUS_CONNECTION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
notification_dbus_bridge_init (NotificationDBusBridge *self)
{
  self->imports = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->subscriptions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->peer_watches = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->cancellable = g_cancellable_new ();
}

/**
 * notification_dbus_bridge_new_async:
 * @center: (nullable): a center, or `NULL` for the default one
 * @connection: a connection
 * @cancellable: (nullable): a cancellable
 * @callback: called when the bridge is ready
 * @user_data: data for @callback
 *
 * Attaches @center to @connection: exports the object, and asks the
 * importers already on the connection what they want. When @callback is
 * called, get the bridge with
 * [ctor@NotificationBridge.DBusBridge.new_finish]: from then on a post
 * of a type some importer present wants is sent to it. The bridge's
 * context is the thread-default main context of the caller.
 *
 * Since: 1.2
 */
void
notification_dbus_bridge_new_async (NotificationCenter  *center,
                                    GDBusConnection     *connection,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_return_if_fail (center == NULL || NOTIFICATION_IS_CENTER (center));
  g_return_if_fail (G_IS_DBUS_CONNECTION (connection));

  g_async_initable_new_async (NOTIFICATION_TYPE_DBUS_BRIDGE, G_PRIORITY_DEFAULT,
                              cancellable, callback, user_data,
                              "center", center, "connection", connection, NULL);
}

/**
 * notification_dbus_bridge_new_finish:
 * @result: the result given to the callback
 * @error: return location for an error
 *
 * Finishes [func@NotificationBridge.DBusBridge.new_async].
 *
 * Returns: (transfer full): the bridge, or `NULL` with @error set (the
 *   object path is already exported on that connection, say)
 *
 * Since: 1.2
 */
NotificationDBusBridge *
notification_dbus_bridge_new_finish (GAsyncResult  *result,
                                     GError       **error)
{
  g_autoptr(GObject) source = g_async_result_get_source_object (result);
  GObject *object = g_async_initable_new_finish (G_ASYNC_INITABLE (source), result, error);

  return object != NULL ? NOTIFICATION_DBUS_BRIDGE (object) : NULL;
}

/**
 * notification_dbus_bridge_get_connection:
 * @self: a D-Bus bridge
 *
 * Gets the connection the bridge is attached to.
 *
 * Returns: (transfer none) (nullable): the connection, `NULL` once the
 *   bridge is disposed
 *
 * Since: 1.2
 */
GDBusConnection *
notification_dbus_bridge_get_connection (NotificationDBusBridge *self)
{
  g_return_val_if_fail (NOTIFICATION_IS_DBUS_BRIDGE (self), NULL);
  return self->connection;
}

/* Flush */

static void
ping_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, NULL);
  guint *pending = g_task_get_task_data (task);

  /* a peer that left meanwhile does not need it any more */
  if (--*pending == 0)
    g_task_return_boolean (task, TRUE);
}

static void
flush_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  NotificationDBusBridge *self = g_task_get_source_object (task);
  g_auto(GStrv) peers = NULL;
  GError *error = NULL;
  guint *pending;

  if (!g_dbus_connection_flush_finish (G_DBUS_CONNECTION (source), result, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  if (self->connection == NULL)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  /* A peer answers Peer.Ping after it has read what was sent to it
   * before: once every interested peer has answered, each has the
   * notifications. */
  peers = notification_bridge_dup_interested_peers (NOTIFICATION_BRIDGE (self));
  pending = g_new (guint, 1);
  *pending = 1;
  g_task_set_task_data (task, pending, g_free);
  for (guint i = 0; peers[i] != NULL; i++)
    {
      (*pending)++;
      g_dbus_connection_call (self->connection,
                              self->unique_name != NULL ? peers[i] : NULL,
                              NOTIFICATION_DBUS_BRIDGE_OBJECT_PATH,
                              "org.freedesktop.DBus.Peer", "Ping", NULL, NULL,
                              G_DBUS_CALL_FLAGS_NONE, -1, g_task_get_cancellable (task),
                              ping_cb, g_object_ref (task));
    }
  if (--*pending == 0)
    g_task_return_boolean (task, TRUE);
}

static gboolean
flush_idle (gpointer user_data)
{
  GTask *task = user_data;
  NotificationDBusBridge *self = g_task_get_source_object (task);

  if (self->connection == NULL)
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CLOSED, "The bridge is disposed");
  else
    g_dbus_connection_flush (self->connection, g_task_get_cancellable (task),
                             flush_cb, g_object_ref (task));
  return G_SOURCE_REMOVE;
}

/**
 * notification_dbus_bridge_flush:
 * @self: a D-Bus bridge
 * @cancellable: (nullable): a cancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * Waits until the notifications posted before this call that the bridge
 * exports have reached every interested peer: the bridge's queue is
 * drained (the bridge's context runs it first), the connection flushed,
 * and each peer that asked for some type has answered a
 * `org.freedesktop.DBus.Peer.Ping` sent after them (a peer reads its
 * messages in order). For a program that posts and exits
 * (`notification-post`).
 *
 * Since: 1.2
 */
void
notification_dbus_bridge_flush (NotificationDBusBridge *self,
                                GCancellable           *cancellable,
                                GAsyncReadyCallback     callback,
                                gpointer                user_data)
{
  GTask *task;
  GSource *source;

  g_return_if_fail (NOTIFICATION_IS_DBUS_BRIDGE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, notification_dbus_bridge_flush);
  /* The center's queue dispatches at G_PRIORITY_DEFAULT: a lower priority
   * runs once it is empty. */
  source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_LOW);
  g_source_set_callback (source, flush_idle, task, g_object_unref);
  g_source_attach (source, notification_bridge_get_context (NOTIFICATION_BRIDGE (self)));
  g_source_unref (source);
}

/**
 * notification_dbus_bridge_flush_finish:
 * @self: a D-Bus bridge
 * @result: the result given to the callback
 * @error: return location for an error
 *
 * Finishes [method@NotificationBridge.DBusBridge.flush].
 *
 * Returns: whether the flush succeeded
 *
 * Since: 1.2
 */
gboolean
notification_dbus_bridge_flush_finish (NotificationDBusBridge  *self,
                                       GAsyncResult            *result,
                                       GError                 **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Peer to peer */

static gboolean
allow_mechanism (GDBusAuthObserver *observer,
                 const char        *mechanism,
                 gpointer           user_data)
{
  return g_strcmp0 (mechanism, "EXTERNAL") == 0;
}

static gboolean
authorize_peer (GDBusAuthObserver *observer,
                GIOStream         *stream,
                GCredentials      *credentials,
                gpointer           user_data)
{
  GError *error = NULL;
  uid_t uid;

  if (credentials == NULL)
    return FALSE;
  uid = g_credentials_get_unix_user (credentials, &error);
  if (error != NULL)
    {
      g_error_free (error);
      return FALSE;
    }
  return uid == getuid ();
}

/* What a server shares with its connections, which may outlive it. */
typedef struct
{
  NotificationCenter *center;
  GHashTable *imports;     /* types ("" every type) every client's bridge imports */
  GHashTable *bridges;     /* the bridges of open connections */
} ServerState;

static void
server_state_clear (ServerState *state)
{
  g_clear_object (&state->center);
  g_clear_pointer (&state->imports, g_hash_table_unref);
  g_clear_pointer (&state->bridges, g_hash_table_unref);
}

typedef struct
{
  ServerState *state;   /* a reference (g_rc_box) */
  GDBusConnection *connection;
  NotificationDBusBridge *bridge;
  gboolean closed;
} ServerConnection;     /* a g_rc_box: the connection's data and the pending bridge hold it */

static void
server_connection_clear (ServerConnection *sc)
{
  g_clear_object (&sc->connection);
  g_rc_box_release_full (sc->state, (GDestroyNotify) server_state_clear);
}

/* The connection closed (or failed): its bridge goes. */
static void
server_connection_drop (gpointer data)
{
  ServerConnection *sc = data;

  sc->closed = TRUE;
  if (sc->bridge != NULL)
    {
      g_hash_table_remove (sc->state->bridges, sc->bridge);
      g_clear_object (&sc->bridge);
    }
  g_rc_box_release_full (sc, (GDestroyNotify) server_connection_clear);
}

static void
server_bridge_ready (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  ServerConnection *sc = user_data;
  g_autoptr(GError) error = NULL;
  NotificationDBusBridge *bridge = notification_dbus_bridge_new_finish (result, &error);
  GHashTableIter iter;
  gpointer type;

  if (bridge == NULL)
    g_debug ("notification_dbus_server: %s", error->message);
  else if (sc->closed || g_dbus_connection_is_closed (sc->connection))
    g_object_unref (bridge);
  else
    {
      sc->bridge = bridge;
      g_hash_table_add (sc->state->bridges, bridge);
      g_hash_table_iter_init (&iter, sc->state->imports);
      while (g_hash_table_iter_next (&iter, &type, NULL))
        notification_dbus_bridge_subscribe (bridge, *(char *) type == '\0' ? NULL : type);
    }
  g_rc_box_release_full (sc, (GDestroyNotify) server_connection_clear);
}

static void
on_server_connection_closed (GDBusConnection *connection,
                             gboolean         remote_peer_vanished,
                             GError          *error,
                             gpointer         user_data)
{
  g_signal_handlers_disconnect_by_func (connection, on_server_connection_closed, user_data);
  /* drops the bridge, and the reference to the connection */
  g_object_set_data (G_OBJECT (connection), "notification-dbus-server-connection", NULL);
}

static gboolean
on_new_connection (GDBusServer     *server,
                   GDBusConnection *connection,
                   gpointer         user_data)
{
  ServerState *state = user_data;
  ServerConnection *sc = g_rc_box_new0 (ServerConnection);

  /* The connection is held (by sc, in its own data: a cycle that its
   * closing breaks) until it closes. */
  sc->state = g_rc_box_acquire (state);
  sc->connection = g_object_ref (connection);
  g_object_set_data_full (G_OBJECT (connection), "notification-dbus-server-connection", sc,
                          server_connection_drop);
  g_signal_connect (connection, "closed", G_CALLBACK (on_server_connection_closed), NULL);
  notification_dbus_bridge_new_async (state->center, connection, NULL, server_bridge_ready,
                                      g_rc_box_acquire (sc));
  return TRUE;
}

static void
server_state_release (gpointer data,
                      GClosure *closure)
{
  g_rc_box_release_full (data, (GDestroyNotify) server_state_clear);
}

static void
server_state_release_notify (gpointer data)
{
  g_rc_box_release_full (data, (GDestroyNotify) server_state_clear);
}

/**
 * notification_dbus_server_subscribe:
 * @server: a server made by [func@NotificationBridge.dbus_server_new]
 * @type: (nullable): a notification type, or `NULL` for every type
 *
 * Imports @type from every client of @server, those connected now and
 * those to come, as [method@NotificationBridge.DBusBridge.subscribe] does
 * on each client's bridge.
 *
 * Since: 1.2
 */
void
notification_dbus_server_subscribe (GDBusServer *server,
                                    const char  *type)
{
  ServerState *state;
  GHashTableIter iter;
  gpointer bridge;

  g_return_if_fail (G_IS_DBUS_SERVER (server));
  state = g_object_get_data (G_OBJECT (server), "notification-dbus-server-state");
  g_return_if_fail (state != NULL);

  g_hash_table_add (state->imports, g_strdup (type != NULL ? type : ""));
  g_hash_table_iter_init (&iter, state->bridges);
  while (g_hash_table_iter_next (&iter, &bridge, NULL))
    notification_dbus_bridge_subscribe (bridge, type);
}

/**
 * notification_dbus_server_new:
 * @center: (nullable): a center, or `NULL` for the default one
 * @address: a D-Bus server address, such as `unix:path=/run/user/1000/app`
 *   or `unix:tmpdir=/tmp`
 * @error: return location for an error
 *
 * Serves @center peer to peer: each client that connects to the
 * returned server (with `g_dbus_connection_new_for_address()` and
 * %G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT) gets a
 * [class@NotificationBridge.DBusBridge] of its own on @center, which
 * lasts until the connection closes; what the server's program imports
 * is set with [func@NotificationBridge.dbus_server_subscribe]. Only the
 * EXTERNAL mechanism is
 * accepted (ANONYMOUS and DBUS_COOKIE_SHA1 are refused), and only from a
 * peer of the same user. The server is started; its
 * [property@Gio.DBusServer:client-address] is the address for clients.
 *
 * Returns: (transfer full): the server, or `NULL` with @error set
 *
 * Since: 1.2
 */
GDBusServer *
notification_dbus_server_new (NotificationCenter  *center,
                              const char          *address,
                              GError             **error)
{
  g_autoptr(GDBusAuthObserver) observer = g_dbus_auth_observer_new ();
  g_autofree char *guid = g_dbus_generate_guid ();
  GDBusServer *server;
  ServerState *state;

  g_return_val_if_fail (center == NULL || NOTIFICATION_IS_CENTER (center), NULL);
  g_return_val_if_fail (address != NULL, NULL);

  if (center == NULL)
    center = notification_center_get_default ();

  g_signal_connect (observer, "allow-mechanism", G_CALLBACK (allow_mechanism), NULL);
  g_signal_connect (observer, "authorize-authenticated-peer", G_CALLBACK (authorize_peer), NULL);

  server = g_dbus_server_new_sync (address, G_DBUS_SERVER_FLAGS_NONE, guid, observer, NULL, error);
  if (server == NULL)
    return NULL;
  state = g_rc_box_new0 (ServerState);
  state->center = g_object_ref (center);
  state->imports = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  state->bridges = g_hash_table_new (NULL, NULL);
  g_object_set_data_full (G_OBJECT (server), "notification-dbus-server-state",
                          g_rc_box_acquire (state), server_state_release_notify);
  g_signal_connect_data (server, "new-connection", G_CALLBACK (on_new_connection),
                         state, server_state_release, 0);
  g_dbus_server_start (server);
  return server;
}
