/* notification-dbus-bridge.c: the D-Bus transport
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "notification-dbus-bridge-private.h"
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

static void notification_dbus_bridge_async_initable_iface_init (GAsyncInitableIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (NotificationDBusBridge, notification_dbus_bridge, NOTIFICATION_TYPE_BRIDGE,
                               G_IMPLEMENT_INTERFACE (G_TYPE_ASYNC_INITABLE,
                                                      notification_dbus_bridge_async_initable_iface_init))

enum { PROP_0, PROP_CONNECTION, PROP_N_NOT_SENT, N_PROPS };
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

/* Export */

/* GDBus refuses to parse a message whose values nest more than 64
 * containers deep (arrays, structures, dictionary entries and variants
 * together; the D-Bus specification's limit), and closes the connection
 * that brought it. The signal's own structure is one of them. */
#define DBUS_MAX_DEPTH 64

/* Whether @value nests at most @limit containers deep. */
static gboolean
fits_depth (GVariant *value,
            guint     limit)
{
  const GVariantType *type = g_variant_get_type (value);
  gsize n;

  if (!g_variant_type_is_container (type))
    return TRUE;
  if (limit == 0)
    return FALSE;
  /* an array of basic values (a string list, bytes) is one level */
  if (g_variant_type_is_array (type) && g_variant_type_is_basic (g_variant_type_element (type)))
    return TRUE;
  n = g_variant_n_children (value);
  for (gsize i = 0; i < n; i++)
    {
      g_autoptr(GVariant) child = g_variant_get_child_value (value, i);

      if (!fits_depth (child, limit - 1))
        return FALSE;
    }
  return TRUE;
}

/* Counts an export D-Bus cannot carry, logged once per kind. */
enum { NOT_SENT_TOO_DEEP = 1 << 0, NOT_SENT_REFUSED = 1 << 1 };

static void
not_sent (NotificationDBusBridge *self,
          guint                   kind,
          const char             *type,
          const char             *why)
{
  __atomic_fetch_add (&self->n_not_sent, 1, __ATOMIC_RELAXED);
  if (self->logged_not_sent & kind)
    return;
  self->logged_not_sent |= kind;
  g_message ("Bridge %s: a %s notification was not exported (%s); "
             "counted in n-not-sent, further ones of this kind are not logged",
             G_OBJECT_TYPE_NAME (self), type, why);
}

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
  /* a Jupyter display of JSON 21 levels deep is already too deep: it is
   * not sent, rather than making the peer close the connection */
  if (user_info != NULL && !fits_depth (user_info, DBUS_MAX_DEPTH - 1))
    {
      not_sent (self, NOT_SENT_TOO_DEEP, type, "its user info nests deeper than D-Bus allows");
      return;
    }
  /* GDBus refuses what D-Bus has no type for (a maybe) */
  if (!g_dbus_connection_emit_signal (self->connection, NULL,
                                      NOTIFICATION_DBUS_BRIDGE_OBJECT_PATH,
                                      NOTIFICATION_DBUS_BRIDGE_INTERFACE, "Posted",
                                      g_variant_new ("(ss@a{sv})", type, sender_id, user_info),
                                      &error))
    {
      g_autofree char *why = g_strdup_printf ("GDBus refused it: %s", error->message);

      not_sent (self, NOT_SENT_REFUSED, type, why);
    }
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
    {
      /* Answer what every exporter has been told: a set newer than the
       * last InterestsChanged (an observer added since, its report not
       * yet delivered) is broadcast first. Otherwise this exporter would
       * know a set the others do not, and a later report of the same set,
       * or this bridge's dispose, would tell nobody. */
      notification_dbus_bridge_advertise (self);
      g_dbus_method_invocation_return_value (invocation,
                                             g_variant_new ("(@as)",
                                                            self->advertised != NULL
                                                              ? self->advertised   /* "@" takes a reference */
                                                              : g_variant_new_strv (NULL, 0)));
    }
  else
    g_dbus_method_invocation_return_error (invocation, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_METHOD,
                                           "No method %s", method_name);
}

static const GDBusInterfaceVTable vtable = { method_call, NULL, NULL, { 0 } };

static guint p2p_counter;

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
                                        notification_dbus_bridge_on_interests_changed, self, NULL);
  self->closed_handler = g_signal_connect (self->connection, "closed", G_CALLBACK (notification_dbus_bridge_on_closed), self);

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
                                            notification_dbus_bridge_on_importer_owner_changed, self, NULL);
      g_dbus_connection_call (self->connection, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                              "org.freedesktop.DBus", "ListNames", NULL, G_VARIANT_TYPE ("(as)"),
                              G_DBUS_CALL_FLAGS_NONE, -1, self->cancellable,
                              notification_dbus_bridge_list_names_cb, g_object_ref (self));
    }
  else
    {
      notification_dbus_bridge_ask_interests (self, NULL);
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
    case PROP_N_NOT_SENT: g_value_set_uint64 (value, notification_dbus_bridge_get_n_not_sent (self)); break;
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

  /**
   * NotificationDBusBridge:n-not-sent: (getter get_n_not_sent)
   *
   * How many local notifications that some peer wanted were not
   * exported because D-Bus cannot carry their user info: a maybe value
   * (D-Bus has no type for it; a Jupyter client's JSON `null` is one),
   * or values nested more than 64 containers deep in all. The first of
   * each kind is logged (`g_message()`). Read from any thread; not
   * notified.
   *
   * Since: 1.2
   */
  properties[PROP_N_NOT_SENT] =
    g_param_spec_uint64 ("n-not-sent", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
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

/**
 * notification_dbus_bridge_get_n_not_sent: (get-property n-not-sent)
 * @self: a D-Bus bridge
 *
 * Gets how many notifications were not exported because D-Bus cannot
 * carry their user info.
 *
 * Returns: [property@NotificationBridge.DBusBridge:n-not-sent]
 *
 * Since: 1.2
 */
guint64
notification_dbus_bridge_get_n_not_sent (NotificationDBusBridge *self)
{
  g_return_val_if_fail (NOTIFICATION_IS_DBUS_BRIDGE (self), 0);
  return __atomic_load_n (&self->n_not_sent, __ATOMIC_RELAXED);
}

