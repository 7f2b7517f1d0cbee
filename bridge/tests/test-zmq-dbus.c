/* test-zmq-dbus.c: a D-Bus bridge and ZeroMQ bridges on one center
 * never send a notification back, nor on from one transport to the other
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "zmq-test-util.h"

static void
got_result (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

typedef struct
{
  guint n;
  GHashTable *types;   /* type → count */
} Seen;

static void
seen_cb (NotificationCenter *center,
         const char         *type,
         GObject            *sender,
         GVariant           *user_info,
         gpointer            user_data)
{
  Seen *seen = user_data;

  seen->n++;
  g_hash_table_insert (seen->types, g_strdup (type),
                       GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (seen->types, type)) + 1));
}

static guint
seen_count (Seen       *seen,
            const char *type)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (seen->types, type));
}

static gboolean
tick_quit (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* D (D-Bus client) ⇄ M (D-Bus server, ZeroMQ publisher and subscriber)
 * ⇄ Z (ZeroMQ publisher and subscriber); everyone imports every type. */
static void
test_dbus_and_zmq (void)
{
  g_autoptr(NotificationCenter) d = notification_center_new ();
  g_autoptr(NotificationCenter) m = notification_center_new ();
  g_autoptr(NotificationCenter) z = notification_center_new ();
  g_autofree char *dir = g_dir_make_tmp ("zmq-dbus-XXXXXX", NULL);
  g_autofree char *address = g_strdup_printf ("unix:dir=%s", dir);
  g_autoptr(GDBusServer) server = NULL;
  g_autoptr(GDBusConnection) conn = NULL;
  g_autoptr(NotificationDBusBridge) bridge_d = NULL;
  g_autoptr(NotificationZmqPublisher) pub_m = NULL, pub_z = NULL;
  g_autoptr(NotificationZmqSubscriber) sub_m = NULL, sub_z = NULL;
  Seen on_d = { 0, g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL) };
  Seen on_m = { 0, g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL) };
  Seen on_z = { 0, g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL) };
  GAsyncResult *result = NULL;
  GError *error = NULL;

  g_test_summary ("A center with a D-Bus bridge and ZeroMQ bridges imports from both sides "
                  "but never forwards a notification from one transport to the other, nor "
                  "back where it came from");

  /* D-Bus, peer to peer: D imports everything M exports, and back */
  server = notification_dbus_server_new (m, address, &error);
  g_assert_no_error (error);
  notification_dbus_server_subscribe (server, NULL);
  g_dbus_connection_new_for_address (g_dbus_server_get_client_address (server),
                                     G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                     G_DBUS_CONNECTION_FLAGS_DELAY_MESSAGE_PROCESSING,
                                     NULL, NULL, got_result, &result);
  wait_until (result != NULL);
  conn = g_dbus_connection_new_for_address_finish (result, &error);
  g_assert_no_error (error);
  /* started once initialized (a peer's first message could
   * otherwise meet an uninitialized connection: GLib criticals) */
  g_dbus_connection_start_message_processing (conn);
  g_clear_object (&result);
  g_dbus_connection_set_exit_on_close (conn, FALSE);
  notification_dbus_bridge_new_async (d, conn, NULL, got_result, &result);
  wait_until (result != NULL);
  bridge_d = notification_dbus_bridge_new_finish (result, &error);
  g_assert_no_error (error);
  g_clear_object (&result);
  notification_dbus_bridge_subscribe (bridge_d, NULL);

  /* ZeroMQ both ways between M and Z */
  pub_m = publisher_bind (m, "tcp://127.0.0.1:*");
  pub_z = publisher_bind (z, "tcp://127.0.0.1:*");
  sub_z = subscriber_for (z, pub_m);
  sub_m = subscriber_for (m, pub_z);
  notification_zmq_subscriber_subscribe (sub_z, NULL);
  notification_zmq_subscriber_subscribe (sub_m, NULL);

  notification_center_add_observer (d, NULL, NULL, seen_cb, &on_d, NULL);
  notification_center_add_observer (m, NULL, NULL, seen_cb, &on_m, NULL);
  notification_center_add_observer (z, NULL, NULL, seen_cb, &on_z, NULL);
  wait_until (notification_zmq_publisher_is_wanted (pub_m, "x") &&
              notification_zmq_publisher_is_wanted (pub_z, "x") &&
              notification_center_has_observers (d, "from-dbus", NULL));
  /* M's D-Bus side exports to D once D's interest has arrived: ask until
   * a post of M reaches D */
  while (seen_count (&on_d, "ready") == 0)
    {
      gboolean waited = FALSE;
      guint id = g_timeout_add (20, tick_quit, &waited);

      notification_center_post (m, "ready", NULL, NULL);
      while (!waited && seen_count (&on_d, "ready") == 0)
        g_main_context_iteration (NULL, TRUE);
      if (!waited)
        g_source_remove (id);
    }
  wait_until (seen_count (&on_z, "ready") > 0);

  /* from D: M gets it over D-Bus and does not pass it to Z (nor back) */
  notification_center_post (d, "from-dbus", NULL, NULL);
  wait_until (seen_count (&on_m, "from-dbus") == 1);
  notification_center_post (m, "sentinel-1", NULL, NULL);
  wait_until (seen_count (&on_z, "sentinel-1") == 1 && seen_count (&on_d, "sentinel-1") == 1);
  g_assert_cmpuint (seen_count (&on_z, "from-dbus"), ==, 0);
  g_assert_cmpuint (seen_count (&on_d, "from-dbus"), ==, 1);   /* its own post only */

  /* from Z: M gets it over ZeroMQ and does not pass it to D (nor back) */
  notification_center_post (z, "from-zmq", NULL, NULL);
  wait_until (seen_count (&on_m, "from-zmq") == 1);
  notification_center_post (m, "sentinel-2", NULL, NULL);
  wait_until (seen_count (&on_z, "sentinel-2") == 1 && seen_count (&on_d, "sentinel-2") == 1);
  g_assert_cmpuint (seen_count (&on_d, "from-zmq"), ==, 0);
  g_assert_cmpuint (seen_count (&on_z, "from-zmq"), ==, 1);   /* its own post only */
  g_assert_cmpuint (seen_count (&on_m, "from-dbus"), ==, 1);
  g_assert_cmpuint (seen_count (&on_m, "from-zmq"), ==, 1);

  g_clear_object (&bridge_d);
  g_dbus_connection_close_sync (conn, NULL, NULL);
  g_dbus_server_stop (server);
  g_hash_table_unref (on_d.types);
  g_hash_table_unref (on_m.types);
  g_hash_table_unref (on_z.types);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/zmq/loop/dbus-and-zmq", test_dbus_and_zmq);

  return g_test_run ();
}
