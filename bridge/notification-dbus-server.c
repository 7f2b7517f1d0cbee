/* notification-dbus-server.c: serving a center peer to peer
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "notification-dbus-bridge-private.h"

#include <unistd.h>

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
 * returned server (with `g_dbus_connection_new_for_address()`,
 * %G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT and
 * %G_DBUS_CONNECTION_FLAGS_DELAY_MESSAGE_PROCESSING, then
 * `g_dbus_connection_start_message_processing()` once it is made: the
 * server's bridge calls the client at once, and GDBus answering a call on
 * a connection still initializing is a GLib critical) gets a
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

