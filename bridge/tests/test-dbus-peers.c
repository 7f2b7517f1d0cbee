/* test-dbus-peers.c: loops, remote senders, bad input, peer to peer and
 * other processes, on a private bus (GTestDBus)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <glib/gstdio.h>

#include "dbus-test-util.h"

/* Two bridges on one center: what one imports, the other does not export. */
static void
test_loop_two_bridges (void)
{
  g_autoptr(NotificationCenter) center_x = notification_center_new ();
  g_autoptr(NotificationCenter) center_y = notification_center_new ();
  g_autoptr(GDBusConnection) conn_x1 = bus_connect ();
  g_autoptr(GDBusConnection) conn_x2 = bus_connect ();
  g_autoptr(GDBusConnection) conn_y = bus_connect ();
  g_autoptr(GDBusConnection) conn_m = bus_connect ();
  NotificationDBusBridge *x1, *x2, *y;
  Recorder rx = { 0 }, ry = { 0 };
  guint seen = 0, sub;

  g_test_summary ("A post that one of two bridges on a center imports is exported by "
                  "neither of them: it arrives once, the bus carries one Posted, and the "
                  "poster's center gets no echo");

  sub = monitor_posted (conn_m, &seen);
  x1 = bridge_new (center_x, conn_x1);
  x2 = bridge_new (center_x, conn_x2);
  y = bridge_new (center_y, conn_y);
  notification_dbus_bridge_subscribe (x1, NULL);
  notification_dbus_bridge_subscribe (y, NULL);
  notification_center_add_observer (center_x, NULL, NULL, recorder_cb, &rx, NULL);
  notification_center_add_observer (center_y, NULL, NULL, recorder_cb, &ry, NULL);
  spin_until (exports_type (NOTIFICATION_BRIDGE (x2), "") &&
              exports_type (NOTIFICATION_BRIDGE (x1), "") &&
              exports_type (NOTIFICATION_BRIDGE (y), ""));

  notification_center_post (center_y, "stdout", NULL, NULL);
  spin_until (rx.n == 1);
  spin_for (200);
  g_assert_cmpuint (rx.n, ==, 1);
  g_assert_cmpuint (ry.n, ==, 1);     /* its own post, no echo */
  g_assert_cmpuint (seen, ==, 1);     /* one Posted on the bus */
  g_assert_cmpuint (notification_bridge_get_n_sent (NOTIFICATION_BRIDGE (x1)), ==, 0);
  g_assert_cmpuint (notification_bridge_get_n_sent (NOTIFICATION_BRIDGE (x2)), ==, 0);

  g_dbus_connection_signal_unsubscribe (conn_m, sub);
  g_object_unref (x1);
  g_object_unref (x2);
  g_object_unref (y);
  bus_close (conn_x1);
  bus_close (conn_x2);
  bus_close (conn_y);
  bus_close (conn_m);
  drain ();
  recorder_clear (&rx);
  recorder_clear (&ry);
}

/* Two centers bridged both ways: a post arrives once and never echoes. */
static void
test_loop_both_ways (void)
{
  g_autoptr(NotificationCenter) center_a = notification_center_new ();
  g_autoptr(NotificationCenter) center_b = notification_center_new ();
  g_autoptr(GDBusConnection) conn_a = bus_connect ();
  g_autoptr(GDBusConnection) conn_b = bus_connect ();
  g_autoptr(GDBusConnection) conn_m = bus_connect ();
  NotificationDBusBridge *bridge_a, *bridge_b;
  Recorder ra = { 0 }, rb = { 0 };
  guint seen = 0, sub;

  g_test_summary ("Between two centers bridged both ways, each post arrives once at the "
                  "other center and is never sent back: two posts, two Posted on the bus, "
                  "one received by each bridge");

  sub = monitor_posted (conn_m, &seen);
  bridge_a = bridge_new (center_a, conn_a);
  bridge_b = bridge_new (center_b, conn_b);
  notification_dbus_bridge_subscribe (bridge_a, NULL);
  notification_dbus_bridge_subscribe (bridge_b, NULL);
  notification_center_add_observer (center_a, NULL, NULL, recorder_cb, &ra, NULL);
  notification_center_add_observer (center_b, NULL, NULL, recorder_cb, &rb, NULL);
  spin_until (exports_type (NOTIFICATION_BRIDGE (bridge_a), "") &&
              exports_type (NOTIFICATION_BRIDGE (bridge_b), ""));

  notification_center_post (center_a, "ping", NULL, NULL);
  spin_until (rb.n == 1);
  notification_center_post (center_b, "pong", NULL, NULL);
  spin_until (ra.n == 2);
  spin_for (200);
  g_assert_cmpuint (ra.n, ==, 2);
  g_assert_cmpuint (rb.n, ==, 2);
  g_assert_cmpuint (seen, ==, 2);
  g_assert_cmpuint (notification_bridge_get_n_received (NOTIFICATION_BRIDGE (bridge_a)), ==, 1);
  g_assert_cmpuint (notification_bridge_get_n_received (NOTIFICATION_BRIDGE (bridge_b)), ==, 1);

  g_dbus_connection_signal_unsubscribe (conn_m, sub);
  g_object_unref (bridge_a);
  g_object_unref (bridge_b);
  bus_close (conn_a);
  bus_close (conn_b);
  bus_close (conn_m);
  drain ();
  recorder_clear (&ra);
  recorder_clear (&rb);
}

/* An observer of a remote sender works, and goes with the peer. */
static void
test_remote_sender (void)
{
  g_autoptr(NotificationCenter) center_a = notification_center_new ();
  g_autoptr(NotificationCenter) center_b = notification_center_new ();
  g_autoptr(GDBusConnection) conn_a = bus_connect ();
  g_autoptr(GDBusConnection) conn_b = bus_connect ();
  g_autoptr(GObject) one = g_object_new (G_TYPE_OBJECT, NULL);
  g_autoptr(GObject) two = g_object_new (G_TYPE_OBJECT, NULL);
  NotificationDBusBridge *bridge_a, *bridge_b;
  Recorder all = { 0 }, of_one = { 0 };
  GObject *remote_one, *remote_two;
  guint n_observers;

  g_test_summary ("Each remote sender id gets its own remote sender, an observer of one "
                  "gets only that sender's posts, and when the peer leaves the bus its "
                  "remote senders and their observers go");

  bridge_b = bridge_new (center_b, conn_b);
  notification_dbus_bridge_subscribe (bridge_b, NULL);
  notification_center_add_observer (center_b, NULL, NULL, recorder_cb, &all, NULL);
  bridge_a = bridge_new (center_a, conn_a);

  notification_center_post (center_a, "hello", one, NULL);
  notification_center_post (center_a, "hello", two, NULL);
  spin_until (all.n == 2);
  remote_two = all.last_sender;
  remote_one = G_OBJECT (notification_bridge_lookup_remote_sender (NOTIFICATION_BRIDGE (bridge_b),
                                                                   g_dbus_connection_get_unique_name (conn_a),
                                                                   notification_bridge_sender_id (one)));
  g_assert_nonnull (remote_one);
  g_assert_true (remote_one != remote_two);
  g_assert_cmpstr (notification_bridge_sender_id (one), !=, notification_bridge_sender_id (two));
  g_assert_true (notification_remote_sender_is_remote (remote_one));
  g_assert_false (notification_remote_sender_is_remote (one));

  notification_center_add_observer (center_b, NULL, remote_one, recorder_cb, &of_one, recorder_destroyed);
  n_observers = notification_center_get_n_observers (center_b);
  g_object_add_weak_pointer (remote_one, (gpointer *) &remote_one);

  notification_center_post (center_a, "hello", two, NULL);
  notification_center_post (center_a, "hello", one, NULL);
  spin_until (all.n == 4);
  g_assert_cmpuint (of_one.n, ==, 1);
  g_assert_true (of_one.last_sender == remote_one);

  /* the peer leaves: its senders and their observers go */
  bus_close (conn_a);
  spin_until (remote_one == NULL);
  g_assert_true (of_one.destroyed);
  g_assert_cmpuint (notification_center_get_n_observers (center_b), ==, n_observers - 1);
  g_assert_null (all.last_sender);

  g_object_unref (bridge_a);
  g_object_unref (bridge_b);
  bus_close (conn_b);
  drain ();
  recorder_clear (&all);
  recorder_clear (&of_one);
}

/* Iterates the default context and @context until @cond, 10 s at most. */
#define spin_both_until(context, cond) G_STMT_START {                     \
    gint64 _deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;   \
    while (!(cond))                                                      \
      {                                                                  \
        if (g_get_monotonic_time () > _deadline)                         \
          g_error ("timed out waiting for %s", #cond);                   \
        g_main_context_iteration (NULL, FALSE);                          \
        g_main_context_iteration ((context), FALSE);                     \
        g_usleep (500);                                                  \
      }                                                                  \
  } G_STMT_END

/* A bridge whose context is not the thread-default one (the "context"
 * property): everything it subscribes to and calls must be handled on
 * its context, the watch of a peer's leaving included, or the peer's
 * remote senders are never dropped while only that context runs. */
static void
test_remote_sender_own_context (void)
{
  g_autoptr(NotificationCenter) center_a = notification_center_new ();
  g_autoptr(NotificationCenter) center_b = notification_center_new ();
  g_autoptr(GDBusConnection) conn_a = bus_connect ();
  g_autoptr(GDBusConnection) conn_b = bus_connect ();
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GObject) one = g_object_new (G_TYPE_OBJECT, NULL);
  NotificationDBusBridge *bridge_a, *bridge_b;
  GAsyncResult *result = NULL;
  GError *error = NULL;
  Recorder r = { 0 };
  GObject *remote;
  gint64 deadline;

  g_test_summary ("a bridge on a context of its own handles a peer's leaving on that context");

  /* made on its own context, which is then not the thread-default one */
  g_main_context_push_thread_default (context);
  g_async_initable_new_async (NOTIFICATION_TYPE_DBUS_BRIDGE, G_PRIORITY_DEFAULT, NULL,
                              got_result, &result,
                              "center", center_b, "connection", conn_b, "context", context, NULL);
  while (result == NULL)
    g_main_context_iteration (context, TRUE);
  g_main_context_pop_thread_default (context);
  bridge_b = NOTIFICATION_DBUS_BRIDGE (g_async_initable_new_finish (G_ASYNC_INITABLE (g_async_result_get_source_object (result)),
                                                                     result, &error));
  g_assert_no_error (error);
  g_object_unref (g_async_result_get_source_object (result));
  g_clear_object (&result);
  notification_dbus_bridge_subscribe (bridge_b, NULL);
  notification_center_add_observer (center_b, NULL, NULL, recorder_cb, &r, NULL);

  notification_dbus_bridge_new_async (center_a, conn_a, NULL, got_result, &result);
  spin_both_until (context, result != NULL);
  bridge_a = notification_dbus_bridge_new_finish (result, &error);
  g_assert_no_error (error);
  g_clear_object (&result);
  g_assert_true (exports_type (NOTIFICATION_BRIDGE (bridge_a), ""));

  notification_center_post (center_a, "hello", one, NULL);
  spin_both_until (context, r.n == 1);
  remote = r.last_sender;
  g_assert_true (NOTIFICATION_IS_REMOTE_SENDER (remote));
  g_object_add_weak_pointer (remote, (gpointer *) &remote);

  /* let the peer watch's NameHasOwner check come back, on either context */
  spin_for (100);
  while (g_main_context_iteration (context, FALSE))
    ;

  /* the peer leaves: only the bridge's context runs now */
  g_object_unref (bridge_a);
  bus_close (conn_a);
  deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  while (remote != NULL && g_get_monotonic_time () < deadline)
    {
      g_main_context_iteration (context, FALSE);
      g_usleep (1000);
    }
  g_assert_null (remote);
  g_assert_null (notification_bridge_lookup_remote_sender (NOTIFICATION_BRIDGE (bridge_b),
                                                           g_dbus_connection_get_unique_name (conn_a), ""));

  g_object_unref (bridge_b);
  bus_close (conn_b);
  while (g_main_context_iteration (context, FALSE))
    ;
  drain ();
  recorder_clear (&r);
}

/* Malformed input is counted and delivered to nobody. */
static void
emit_raw (GDBusConnection *connection,
          GVariant        *parameters)
{
  GError *error = NULL;

  g_dbus_connection_emit_signal (connection, NULL, NOTIFICATION_DBUS_BRIDGE_OBJECT_PATH,
                                 NOTIFICATION_DBUS_BRIDGE_INTERFACE, "Posted", parameters, &error);
  g_assert_no_error (error);
}

static void
test_bad_input (void)
{
  g_autoptr(NotificationCenter) center_b = notification_center_new ();
  g_autoptr(GDBusConnection) conn_b = bus_connect ();
  g_autoptr(GDBusConnection) conn_r = bus_connect ();
  g_autoptr(NotificationSchema) schema = notification_schema_new ();
  NotificationDBusBridge *bridge_b;
  NotificationBridge *b;
  Recorder r = { 0 };
  GVariantBuilder builder;
  g_autofree char *big = g_strnfill (8192, 'x');

  g_test_summary ("Malformed Posted signals (wrong signature, empty type, user info failing "
                  "the schema, oversized, too many sender ids) are rejected, counted by "
                  "kind and delivered to nobody, and bad or oversized InterestsChanged "
                  "signals are ignored");

  notification_schema_add_key (schema, "fraction", "d", TRUE, NULL);
  notification_center_register_schema (center_b, "progress", schema);
  bridge_b = bridge_new (center_b, conn_b);
  b = NOTIFICATION_BRIDGE (bridge_b);
  g_object_set (b, "max-message-size", (guint64) 4096, NULL);
  notification_dbus_bridge_subscribe (bridge_b, NULL);
  notification_center_add_observer (center_b, NULL, NULL, recorder_cb, &r, NULL);

  emit_raw (conn_r, g_variant_new ("(s)", "stdout"));
  emit_raw (conn_r, g_variant_new ("(ssi)", "stdout", "", 3));
  emit_raw (conn_r, g_variant_new_parsed ("('', '', @a{sv} {})"));
  emit_raw (conn_r, g_variant_new_parsed ("('progress', '', {'fraction': <'half'>})"));
  emit_raw (conn_r, g_variant_new_parsed ("('progress', '', @a{sv} {})"));
  emit_raw (conn_r, g_variant_new_parsed ("('progress', '', {'fraction': <0.5>, 'extra': <1>})"));
  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a{sv}"));
  g_variant_builder_add (&builder, "{sv}", "out_string", g_variant_new_string (big));
  emit_raw (conn_r, g_variant_new ("(ssa{sv})", "stdout", "", &builder));
  /* three senders at most ("" made by the posts above, 1 and 2): a
   * fourth sender id is rejected */
  g_object_set (b, "max-senders-per-peer", 3u, NULL);
  emit_raw (conn_r, g_variant_new_parsed ("('stdout', '1', @a{sv} {})"));
  emit_raw (conn_r, g_variant_new_parsed ("('stdout', '2', @a{sv} {})"));
  emit_raw (conn_r, g_variant_new_parsed ("('stdout', '3', @a{sv} {})"));
  emit_raw (conn_r, g_variant_new_parsed ("('stdout', '1', @a{sv} {})"));
  /* then a good one: everything before it has been handled */
  emit_raw (conn_r, g_variant_new_parsed ("('progress', '2', {'fraction': <0.5>})"));

  spin_until (r.n == 4);
  g_assert_cmpstr (r.last_type, ==, "progress");
  g_assert_cmpuint (notification_bridge_get_n_rejected_kind (b, NOTIFICATION_BRIDGE_REJECTED_SIGNATURE), ==, 2);
  g_assert_cmpuint (notification_bridge_get_n_rejected_kind (b, NOTIFICATION_BRIDGE_REJECTED_TYPE), ==, 1);
  g_assert_cmpuint (notification_bridge_get_n_rejected_kind (b, NOTIFICATION_BRIDGE_REJECTED_USER_INFO), ==, 3);
  g_assert_cmpuint (notification_bridge_get_n_rejected_kind (b, NOTIFICATION_BRIDGE_REJECTED_OVERSIZED), ==, 1);
  g_assert_cmpuint (notification_bridge_get_n_rejected_kind (b, NOTIFICATION_BRIDGE_REJECTED_TOO_MANY_SENDERS), ==, 1);
  g_assert_cmpuint (notification_bridge_get_n_rejected (b), ==, 8);
  g_assert_cmpuint (notification_bridge_get_n_received (b), ==, 4);

  /* the counters are a property too */
  {
    guint64 n = 0;

    g_object_get (b, "n-rejected", &n, NULL);
    g_assert_cmpuint (n, ==, 8);
  }

  /* a bad InterestsChanged is ignored */
  g_dbus_connection_emit_signal (conn_r, NULL, NOTIFICATION_DBUS_BRIDGE_OBJECT_PATH,
                                 NOTIFICATION_DBUS_BRIDGE_INTERFACE, "InterestsChanged",
                                 g_variant_new ("(i)", 1), NULL);
  spin_for (50);
  g_assert_true (exports_type (b, NULL));

  /* so is one larger than max-message-size (4096 here); a small one is not */
  {
    g_autoptr(GPtrArray) types = g_ptr_array_new_with_free_func (g_free);

    for (guint i = 0; i < 64; i++)
      g_ptr_array_add (types, g_strdup_printf ("%s-%u", big + 8192 - 100, i));
    g_dbus_connection_emit_signal (conn_r, NULL, NOTIFICATION_DBUS_BRIDGE_OBJECT_PATH,
                                   NOTIFICATION_DBUS_BRIDGE_INTERFACE, "InterestsChanged",
                                   g_variant_new ("(@as)", g_variant_new_strv ((const char * const *) types->pdata,
                                                                               types->len)),
                                   NULL);
    g_dbus_connection_emit_signal (conn_r, NULL, NOTIFICATION_DBUS_BRIDGE_OBJECT_PATH,
                                   NOTIFICATION_DBUS_BRIDGE_INTERFACE, "Posted",
                                   g_variant_new_parsed ("('stdout', '2', @a{sv} {})"), NULL);
    spin_until (r.n == 5);   /* everything before it has been handled */
    g_assert_true (exports_type (b, NULL));
    g_assert_cmpuint (notification_center_get_n_observers (center_b), ==, 1);
    g_dbus_connection_emit_signal (conn_r, NULL, NOTIFICATION_DBUS_BRIDGE_OBJECT_PATH,
                                   NOTIFICATION_DBUS_BRIDGE_INTERFACE, "InterestsChanged",
                                   g_variant_new_parsed ("(['small'],)"), NULL);
    spin_until (exports_type (b, "small"));
  }

  g_object_unref (bridge_b);
  bus_close (conn_b);
  bus_close (conn_r);
  drain ();
  recorder_clear (&r);
}

/* A Posted from gdbus(1) is imported. */
static void
test_gdbus_emit (void)
{
  g_autoptr(NotificationCenter) center_b = notification_center_new ();
  g_autoptr(GDBusConnection) conn_b = bus_connect ();
  g_autofree char *gdbus = g_find_program_in_path ("gdbus");
  NotificationDBusBridge *bridge_b;
  Recorder r = { 0 };
  GError *error = NULL;
  const char *text;
  int status = -1;
  const char *argv[] = {
    NULL, "emit", "--session", "--object-path", "/org/libnotification/Center",
    "--signal", "org.libnotification.Center1.Posted",
    "'stdout'", "''", "{'out_string': <'hi'>}", NULL
  };

  g_test_summary ("A Posted signal emitted by gdbus(1) is imported with its type and user "
                  "info, and its remote sender goes once gdbus has exited");

  if (gdbus == NULL)
    {
      g_test_skip ("no gdbus");
      return;
    }
  argv[0] = gdbus;

  bridge_b = bridge_new (center_b, conn_b);
  notification_dbus_bridge_subscribe (bridge_b, "stdout");
  notification_center_add_observer (center_b, NULL, NULL, recorder_cb, &r, NULL);

  /* GTestDBus set DBUS_SESSION_BUS_ADDRESS to the test bus */
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, NULL, &status, &error);
  g_assert_no_error (error);
  g_spawn_check_wait_status (status, &error);
  g_assert_no_error (error);

  spin_until (r.n == 1);
  g_assert_cmpstr (r.last_type, ==, "stdout");
  g_assert_true (g_variant_lookup (r.last_info, "out_string", "&s", &text));
  g_assert_cmpstr (text, ==, "hi");
  /* gdbus has exited: its remote sender goes */
  spin_until (r.last_sender == NULL);

  g_object_unref (bridge_b);
  bus_close (conn_b);
  drain ();
  recorder_clear (&r);
}

/* Peer to peer: EXTERNAL from the same user works, ANONYMOUS does not. */
static gboolean
only_anonymous (GDBusAuthObserver *observer,
                const char        *mechanism,
                gpointer           user_data)
{
  return g_strcmp0 (mechanism, "ANONYMOUS") == 0;
}

/* A user info nested deeper than D-Bus carries (64 containers in all:
 * 21 a{sv} levels, as a Jupyter display of nested JSON gives) is not
 * sent: a receiving GDBus fails to parse such a message and closes the
 * connection (a bus daemon would drop the sender). What comes after it
 * still arrives. */
static void
test_peer_to_peer_deep (void)
{
  g_autoptr(NotificationCenter) center_s = notification_center_new ();
  g_autoptr(NotificationCenter) center_c = notification_center_new ();
  g_autofree char *dir = g_dir_make_tmp ("bridge-p2p-XXXXXX", NULL);
  g_autofree char *address = g_strdup_printf ("unix:dir=%s", dir);
  g_autoptr(GDBusServer) server = NULL;
  g_autoptr(GDBusConnection) conn_c = NULL;
  GAsyncResult *result = NULL;
  GError *error = NULL;
  NotificationDBusBridge *bridge_c;
  Recorder r = { 0 };
  GVariant *deep = g_variant_new_int64 (1);
  GVariant *shallow = g_variant_new_int64 (1);

  g_test_summary ("A user info nested deeper than D-Bus carries is not sent over a "
                  "peer-to-peer connection, which stays open, and the post after it still "
                  "arrives");

  for (guint i = 0; i < 30; i++)
    {
      GVariantBuilder b;

      g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
      g_variant_builder_add (&b, "{sv}", "k", deep);
      deep = g_variant_builder_end (&b);
      if (i < 15)
        {
          g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
          g_variant_builder_add (&b, "{sv}", "k", shallow);
          shallow = g_variant_builder_end (&b);
        }
    }

  server = notification_dbus_server_new (center_s, address, &error);
  g_assert_no_error (error);
  g_dbus_connection_new_for_address (g_dbus_server_get_client_address (server),
                                     G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                     G_DBUS_CONNECTION_FLAGS_DELAY_MESSAGE_PROCESSING,
                                     NULL, NULL, got_result, &result);
  spin_until (result != NULL);
  conn_c = g_dbus_connection_new_for_address_finish (result, &error);
  g_assert_no_error (error);
  /* started once initialized (a peer's first message could
   * otherwise meet an uninitialized connection: GLib criticals) */
  g_dbus_connection_start_message_processing (conn_c);
  g_clear_object (&result);
  g_dbus_connection_set_exit_on_close (conn_c, FALSE);

  bridge_c = bridge_new (center_c, conn_c);
  notification_dbus_bridge_subscribe (bridge_c, "stdout");
  notification_center_add_observer (center_c, NULL, NULL, recorder_cb, &r, NULL);
  spin_until (notification_center_has_observers (center_s, "stdout", NULL));

  notification_center_post_values (center_s, "stdout", NULL, "out_string", "s", "deep",
                                   "data", "v", deep, NULL);
  notification_center_post_values (center_s, "stdout", NULL, "out_string", "s", "after",
                                   "data", "v", shallow, NULL);
  spin_until (r.n == 1 || g_dbus_connection_is_closed (conn_c));
  g_assert_false (g_dbus_connection_is_closed (conn_c));
  g_assert_cmpint (r.n, ==, 1);
  {
    const char *text = NULL;

    g_assert_true (g_variant_lookup (r.last_info, "out_string", "&s", &text));
    g_assert_cmpstr (text, ==, "after");
  }

  g_object_unref (bridge_c);
  bus_close (conn_c);
  g_dbus_server_stop (server);
  drain ();
  g_rmdir (dir);
  recorder_clear (&r);
}

static void
test_peer_to_peer (void)
{
  g_autoptr(NotificationCenter) center_s = notification_center_new ();
  g_autoptr(NotificationCenter) center_c = notification_center_new ();
  g_autofree char *dir = g_dir_make_tmp ("bridge-p2p-XXXXXX", NULL);
  g_autofree char *address = g_strdup_printf ("unix:dir=%s", dir);
  g_autoptr(GDBusServer) server = NULL;
  g_autoptr(GDBusConnection) conn_c = NULL;
  g_autoptr(GDBusAuthObserver) anonymous = g_dbus_auth_observer_new ();
  GAsyncResult *result = NULL;
  GError *error = NULL;
  NotificationDBusBridge *bridge_c;
  Recorder r = { 0 }, rs = { 0 };
  GDBusConnection *refused;

  g_test_summary ("Over a peer-to-peer connection to notification_dbus_server_new()'s "
                  "server, posts go both ways for the types imported only, the server stops "
                  "observing when the client goes, and ANONYMOUS authentication is refused");

  server = notification_dbus_server_new (center_s, address, &error);
  g_assert_no_error (error);
  /* the server's program imports "ping" from its clients */
  notification_dbus_server_subscribe (server, "ping");
  notification_center_add_observer (center_s, "ping", NULL, recorder_cb, &rs, NULL);

  g_dbus_connection_new_for_address (g_dbus_server_get_client_address (server),
                                     G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                     G_DBUS_CONNECTION_FLAGS_DELAY_MESSAGE_PROCESSING,
                                     NULL, NULL, got_result, &result);
  spin_until (result != NULL);
  conn_c = g_dbus_connection_new_for_address_finish (result, &error);
  g_assert_no_error (error);
  /* started once initialized (a peer's first message could
   * otherwise meet an uninitialized connection: GLib criticals) */
  g_dbus_connection_start_message_processing (conn_c);
  g_clear_object (&result);
  g_dbus_connection_set_exit_on_close (conn_c, FALSE);

  bridge_c = bridge_new (center_c, conn_c);
  notification_dbus_bridge_subscribe (bridge_c, "stdout");
  notification_center_add_observer (center_c, NULL, NULL, recorder_cb, &r, NULL);
  spin_until (notification_center_has_observers (center_s, "stdout", NULL));

  notification_center_post (center_s, "progress", NULL, NULL);
  notification_center_post_values (center_s, "stdout", NULL, "out_string", "s", "p2p", NULL);
  spin_until (r.n == 1);
  g_assert_cmpstr (r.last_type, ==, "stdout");
  g_assert_true (NOTIFICATION_IS_REMOTE_SENDER (r.last_sender));
  g_assert_true (g_str_has_prefix (notification_remote_sender_get_peer (NOTIFICATION_REMOTE_SENDER (r.last_sender)), "p2p-"));

  /* and the other way: the client exports what the server imports */
  spin_until (exports_type (NOTIFICATION_BRIDGE (bridge_c), "ping"));
  g_assert_false (exports_type (NOTIFICATION_BRIDGE (bridge_c), "stdout"));
  notification_center_post (center_c, "ping", NULL, NULL);
  spin_until (rs.n == 1);
  g_assert_true (NOTIFICATION_IS_REMOTE_SENDER (rs.last_sender));

  /* the client goes: the server's bridge stops observing */
  g_object_unref (bridge_c);
  bus_close (conn_c);
  spin_until (!notification_center_has_observers (center_s, "stdout", NULL));
  g_assert_null (r.last_sender);

  /* ANONYMOUS is refused */
  g_signal_connect (anonymous, "allow-mechanism", G_CALLBACK (only_anonymous), NULL);
  g_dbus_connection_new_for_address (g_dbus_server_get_client_address (server),
                                     G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                     G_DBUS_CONNECTION_FLAGS_DELAY_MESSAGE_PROCESSING,
                                     anonymous, NULL, got_result, &result);
  spin_until (result != NULL);
  refused = g_dbus_connection_new_for_address_finish (result, &error);
  g_assert_null (refused);
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_clear_object (&result);

  g_dbus_server_stop (server);
  drain ();
  g_rmdir (dir);
  recorder_clear (&r);
  recorder_clear (&rs);
}

/* Two processes, both ways: the helper posts right after its bridge is
 * ready, and the helper imports what this process posts. */
static void
test_two_processes (void)
{
  g_autoptr(NotificationCenter) center = notification_center_new ();
  g_autoptr(GDBusConnection) conn = bus_connect ();
  g_autoptr(GSubprocess) poster = NULL, receiver = NULL;
  g_autofree char *out = NULL;
  NotificationDBusBridge *bridge;
  GAsyncResult *result = NULL;
  GError *error = NULL;
  Recorder r = { 0 };
  const char *text;

  g_test_summary ("A post another process makes right after its bridge is ready arrives "
                  "with its sender id, another process imports what this one posts, and "
                  "when each process exits its remote sender or its interest goes");

  bridge = bridge_new (center, conn);
  notification_dbus_bridge_subscribe (bridge, "stdout");
  notification_center_add_observer (center, NULL, NULL, recorder_cb, &r, NULL);

  /* the other process posts once, at once, and exits */
  poster = spawn_helper (&error, "post", "stdout", "out_string", "from afar", NULL);
  g_assert_no_error (error);
  spin_until (r.n == 1);
  g_assert_true (g_variant_lookup (r.last_info, "out_string", "&s", &text));
  g_assert_cmpstr (text, ==, "from afar");
  g_assert_cmpstr (notification_remote_sender_get_sender_id (NOTIFICATION_REMOTE_SENDER (r.last_sender)), !=, "");
  g_subprocess_wait_check_async (poster, NULL, got_result, &result);
  spin_until (result != NULL);
  g_assert_true (g_subprocess_wait_check_finish (poster, result, &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  /* it has exited: its remote sender goes */
  spin_until (r.last_sender == NULL);

  /* the other process imports what this one posts */
  receiver = spawn_helper (&error, "receive", "progress", NULL);
  g_assert_no_error (error);
  spin_until (exports_type (NOTIFICATION_BRIDGE (bridge), "progress"));
  notification_center_post_values (center, "progress", NULL, "fraction", "d", 0.5, NULL);
  g_subprocess_communicate_utf8_async (receiver, NULL, NULL, got_result, &result);
  spin_until (result != NULL);
  g_assert_true (g_subprocess_communicate_utf8_finish (receiver, result, &out, NULL, &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  g_assert_cmpstr (out, ==, "progress  {'fraction': <0.5>}\n");
  g_assert_true (g_subprocess_get_successful (receiver));
  /* it has exited: nobody wants progress any more */
  spin_until (exports_type (NOTIFICATION_BRIDGE (bridge), NULL));

  g_object_unref (bridge);
  bus_close (conn);
  drain ();
  recorder_clear (&r);
}

int
main (int argc, char **argv)
{
  int ret;

  g_test_init (&argc, &argv, NULL);

  test_bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_test_dbus_up (test_bus);

  g_test_add_func ("/bridge/loop/two-bridges", test_loop_two_bridges);
  g_test_add_func ("/bridge/loop/both-ways", test_loop_both_ways);
  g_test_add_func ("/bridge/remote-sender", test_remote_sender);
  g_test_add_func ("/bridge/remote-sender/own-context", test_remote_sender_own_context);
  g_test_add_func ("/bridge/bad-input", test_bad_input);
  g_test_add_func ("/bridge/gdbus-emit", test_gdbus_emit);
  g_test_add_func ("/bridge/peer-to-peer", test_peer_to_peer);
  g_test_add_func ("/bridge/peer-to-peer/deep", test_peer_to_peer_deep);
  g_test_add_func ("/bridge/two-processes", test_two_processes);

  ret = g_test_run ();

  g_test_dbus_down (test_bus);
  g_object_unref (test_bus);
  return ret;
}
