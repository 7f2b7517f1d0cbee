/* test-zmq-bridge.c: two centers bridged over ZeroMQ
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>
#include <zmq.h>

#include "zmq-test-util.h"

/* Publisher on A bound to @endpoint, subscriber on B for @type; posts
 * from a local sender and checks what arrives and from whom. */
static void
check_delivery (const char *endpoint,
                gboolean    subscriber_binds)
{
  g_autoptr(NotificationCenter) a = notification_center_new ();
  g_autoptr(NotificationCenter) b = notification_center_new ();
  g_autoptr(NotificationZmqPublisher) pub = NULL;
  g_autoptr(NotificationZmqSubscriber) sub = NULL;
  g_autoptr(GObject) local_sender = g_object_new (G_TYPE_OBJECT, NULL);
  g_autoptr(GVariant) info = g_variant_ref_sink (g_variant_new_parsed ("{'out_string': <'hello'>, 'n': <int32 3>}"));
  GError *error = NULL;
  Recorder r = { 0 }, by_sender = { 0 };
  NotificationRemoteSender *remote;
  const char *peer;

  if (subscriber_binds)
    {
      g_autofree char *bound = NULL;

      sub = notification_zmq_subscriber_new (b, endpoint, NOTIFICATION_ZMQ_FLAGS_BIND, &error);
      g_assert_no_error (error);
      bound = notification_zmq_bridge_dup_last_endpoint (NOTIFICATION_ZMQ_BRIDGE (sub));
      pub = notification_zmq_publisher_new (a, bound, NOTIFICATION_ZMQ_FLAGS_NONE, &error);
      g_assert_no_error (error);
    }
  else
    {
      pub = publisher_bind (a, endpoint);
      sub = subscriber_for (b, pub);
    }

  notification_center_add_observer (b, "stdout", NULL, recorder_cb, &r, NULL);
  g_assert_true (zmq_exports_type (pub, NULL));
  notification_zmq_subscriber_subscribe (sub, "stdout");
  wait_until (notification_zmq_publisher_is_wanted (pub, "stdout"));
  g_assert_true (zmq_exports_type (pub, "stdout"));
  g_assert_false (notification_zmq_publisher_is_wanted (pub, "stderr"));

  notification_center_post (a, "stdout", local_sender, info);
  wait_until (r.n == 1);
  g_assert_cmpstr (r.last_type, ==, "stdout");
  g_assert_true (g_variant_equal (r.last_info, info));

  /* the remote sender: one per publisher identity and sender id */
  g_assert_true (notification_remote_sender_is_remote (r.last_sender));
  remote = NOTIFICATION_REMOTE_SENDER (r.last_sender);
  peer = notification_remote_sender_get_peer (remote);
  g_assert_true (g_str_has_prefix (peer, "zmq:"));
  g_assert_cmpuint (strlen (peer), ==, 4 + 32);
  g_assert_cmpstr (notification_remote_sender_get_sender_id (remote), ==,
                   notification_bridge_sender_id (local_sender));
  g_assert_true (notification_bridge_lookup_remote_sender (NOTIFICATION_BRIDGE (sub), peer,
                                                           notification_bridge_sender_id (local_sender)) == remote);

  /* sender-specific observers work across the network */
  notification_center_add_observer (b, NULL, remote, recorder_cb, &by_sender, NULL);
  notification_center_post (a, "stdout", local_sender, NULL);
  notification_center_post (a, "stdout", NULL, NULL);   /* another sender: "" */
  wait_until (r.n == 3);
  g_assert_cmpuint (by_sender.n, ==, 1);
  g_assert_cmpuint (g_variant_n_children (r.last_info), ==, 0);
  g_assert_cmpstr (notification_remote_sender_get_sender_id (NOTIFICATION_REMOTE_SENDER (r.last_sender)), ==, "");
  g_assert_cmpuint (notification_zmq_subscriber_get_n_publishers (sub), ==, 1);
  g_assert_cmpuint (notification_zmq_subscriber_get_n_gaps (sub), ==, 0);
  g_assert_cmpuint (notification_bridge_get_n_received (NOTIFICATION_BRIDGE (sub)), ==, 3);
  g_assert_cmpuint (notification_bridge_get_n_sent (NOTIFICATION_BRIDGE (pub)), ==, 3);
  g_assert_cmpuint (notification_zmq_publisher_get_n_dropped (pub), ==, 0);

  recorder_clear (&r);
  recorder_clear (&by_sender);
}

static void
test_delivery_tcp (void)
{
  g_test_summary ("Over tcp://, a post of the subscribed type arrives with its user info "
                  "and a zmq: remote sender per publisher and sender id, which "
                  "sender-specific observers can use, and only the subscribed type is "
                  "wanted");

  check_delivery ("tcp://127.0.0.1:*", FALSE);
}

static void
test_delivery_ipc (void)
{
  char *dir;
  g_autofree char *endpoint = ipc_endpoint (&dir);

  g_test_summary ("Over ipc://, a post of the subscribed type arrives with its user info "
                  "and a zmq: remote sender per publisher and sender id, which "
                  "sender-specific observers can use, and only the subscribed type is "
                  "wanted");

  check_delivery (endpoint, FALSE);
  ipc_cleanup (dir);
}

static void
test_delivery_ipc_subscriber_binds (void)
{
  char *dir;
  g_autofree char *endpoint = ipc_endpoint (&dir);

  g_test_summary ("Over ipc:// with the subscriber binding and the publisher connecting, a "
                  "post of the subscribed type arrives with its user info and a zmq: remote "
                  "sender per publisher and sender id, which sender-specific observers can "
                  "use, and only the subscribed type is wanted");

  check_delivery (endpoint, TRUE);
  ipc_cleanup (dir);
}

static void
test_delivery_inproc (void)
{
  g_test_summary ("Over inproc://, a post of the subscribed type arrives with its user info "
                  "and a zmq: remote sender per publisher and sender id, which "
                  "sender-specific observers can use, and only the subscribed type is "
                  "wanted");

  check_delivery ("inproc://test-delivery", FALSE);
}

/* Every GVariant type, through the socket. */
static void
test_every_type (void)
{
  g_autoptr(NotificationCenter) a = notification_center_new ();
  g_autoptr(NotificationCenter) b = notification_center_new ();
  g_autoptr(NotificationZmqPublisher) pub = publisher_bind (a, "tcp://127.0.0.1:*");
  g_autoptr(NotificationZmqSubscriber) sub = subscriber_for (b, pub);
  const char *values[] = {
    "{'b': <true>, 'y': <byte 0xff>, 'n': <int16 -32768>, 'q': <uint16 65535>,"
    " 'i': <int32 -2147483648>, 'u': <uint32 4294967295>, 'x': <int64 -9223372036854775808>,"
    " 't': <uint64 18446744073709551615>, 'h': <handle 3>, 'd': <-0.0>, 'inf': <1e308>,"
    " 's': <'naïve\u2603'>, 'empty': <''>, 'o': <objectpath '/a/b'>, 'g': <signature 'a{sv}'>}",
    "{'v': <<<int32 1>>>, 'ay': <b'bytes\\x00with nul'>, 'as': <['x', '', 'z']>,"
    " 'aas': <[['a'], @as []]>, 'a{sv}': <{'k': <1.5>}>, 'a{ss}': <{'a': 'b'}>,"
    " 'a{ias}': <{1: ['x']}>, 'tuple': <(1, 'two', [3.0], (byte 4, true))>, 'unit': <()>,"
    " 'maybe': <just 'm'>, 'nothing': <@ms nothing>, 'mmi': <@mmi just nothing>,"
    " 'empty-ay': <@ay []>, 'ad': <[1.0, 2.5]>, 'ab': <[true, false]>, 'at': <@at [0, 1]>}",
    "{}",
  };
  Recorder r = { 0 };

  g_test_summary ("User infos holding every GVariant type, nested containers, maybes and "
                  "empty arrays included, arrive equal to what was posted");

  notification_center_add_observer (b, NULL, NULL, recorder_cb, &r, NULL);
  notification_zmq_subscriber_subscribe (sub, NULL);
  wait_until (notification_zmq_publisher_is_wanted (pub, "values"));
  g_assert_true (zmq_exports_type (pub, ""));

  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GVariant) info = g_variant_parse (G_VARIANT_TYPE_VARDICT, values[i], NULL, NULL, &error);

      g_assert_no_error (error);
      notification_center_post (a, "values", NULL, info);
      wait_until (r.n == i + 1);
      if (!g_variant_equal (r.last_info, info))
        {
          g_autofree char *want = g_variant_print (info, TRUE);
          g_autofree char *got = g_variant_print (r.last_info, TRUE);

          g_error ("sent %s, received %s", want, got);
        }
    }
  recorder_clear (&r);
}

/* Prefix matching with the terminator: subscribing to "std" never
 * yields "stdout", and the publisher does not even observe "stdout". */
static void
test_filter_prefix (void)
{
  g_autoptr(NotificationCenter) a = notification_center_new ();
  g_autoptr(NotificationCenter) b = notification_center_new ();
  g_autoptr(NotificationZmqPublisher) pub = publisher_bind (a, "tcp://127.0.0.1:*");
  g_autoptr(NotificationZmqSubscriber) sub = subscriber_for (b, pub);
  NotificationBridge *pb = NOTIFICATION_BRIDGE (pub);
  Recorder r = { 0 };

  g_test_summary ("A subscription to \"std\" brings no \"stdout\" posts and the publisher "
                  "does not observe \"stdout\", while a raw subscriber's bare \"std\" "
                  "prefix makes it export every type until that subscriber leaves");

  notification_center_add_observer (b, NULL, NULL, recorder_cb, &r, NULL);
  notification_zmq_subscriber_subscribe (sub, "std");
  wait_until (notification_zmq_publisher_is_wanted (pub, "std"));
  g_assert_false (notification_zmq_publisher_is_wanted (pub, "stdout"));
  g_assert_false (zmq_exports_type (pub, "stdout"));
  g_assert_false (notification_center_has_observers (a, "stdout", NULL));

  notification_center_post (a, "stdout", NULL, NULL);
  notification_center_post (a, "std", NULL, NULL);
  wait_until (r.n == 1);
  g_assert_cmpstr (r.last_type, ==, "std");
  /* "stdout" was not sent: counted on the publisher */
  g_assert_cmpuint (notification_bridge_get_n_sent (pb), ==, 1);

  /* a raw subscriber with a bare prefix (no terminator) stands for many
   * types: the publisher observes every type, ZeroMQ filters */
  {
    g_autofree char *endpoint = notification_zmq_bridge_dup_last_endpoint (NOTIFICATION_ZMQ_BRIDGE (pub));
    void *raw = zmq_socket (zmq_ctx_new (), ZMQ_SUB);
    int linger = 0;

    zmq_setsockopt (raw, ZMQ_LINGER, &linger, sizeof linger);
    zmq_setsockopt (raw, ZMQ_SUBSCRIBE, "std", 3);
    g_assert_cmpint (zmq_connect (raw, endpoint), ==, 0);
    wait_until (notification_zmq_publisher_is_wanted (pub, "stdout"));
    g_assert_true (zmq_exports_type (pub, ""));
    zmq_close (raw);
    wait_until (!notification_zmq_publisher_is_wanted (pub, "stdout"));
    g_assert_true (zmq_exports_type (pub, "std"));
    g_assert_false (zmq_exports_type (pub, ""));
  }
  recorder_clear (&r);
}

/* Subscriptions counted per type: two subscribers and one leaving. */
static void
test_interest_counted (void)
{
  g_autoptr(NotificationCenter) a = notification_center_new ();
  g_autoptr(NotificationCenter) b = notification_center_new ();
  g_autoptr(NotificationZmqPublisher) pub = publisher_bind (a, "tcp://127.0.0.1:*");
  NotificationZmqSubscriber *sub1 = subscriber_for (b, pub);
  NotificationZmqSubscriber *sub2 = subscriber_for (b, pub);
  Recorder r = { 0 };

  g_test_summary ("The publisher observes and sends nothing without subscribers, counts one "
                  "subscription per subscriber of a type (subscribing twice is once), and "
                  "stops observing the type when the last one leaves");

  /* demand-driven: nobody subscribed, nothing observed, nothing sent */
  notification_center_post (a, "a", NULL, NULL);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_false (notification_center_has_observers (a, "a", NULL));
  g_assert_cmpuint (notification_bridge_get_n_sent (NOTIFICATION_BRIDGE (pub)), ==, 0);

  notification_center_add_observer (b, "a", NULL, recorder_cb, &r, NULL);
  notification_zmq_subscriber_subscribe (sub1, "a");
  notification_zmq_subscriber_subscribe (sub1, "a");   /* once */
  notification_zmq_subscriber_subscribe (sub2, "a");
  wait_until (notification_zmq_publisher_get_n_subscriptions (pub) == 2);
  g_assert_true (zmq_exports_type (pub, "a"));

  notification_zmq_subscriber_unsubscribe (sub1, "a");
  wait_until (notification_zmq_publisher_get_n_subscriptions (pub) == 1);
  g_assert_true (zmq_exports_type (pub, "a"));
  notification_center_post (a, "a", NULL, NULL);
  wait_until (r.n == 1);

  /* the second leaving: its socket closes, ZeroMQ unsubscribes it */
  g_object_unref (sub2);
  wait_until (notification_zmq_publisher_get_n_subscriptions (pub) == 0);
  g_assert_true (zmq_exports_type (pub, NULL));
  g_assert_false (notification_center_has_observers (a, "a", NULL));

  g_object_unref (sub1);
  recorder_clear (&r);
}

/* Two centers bridged both ways: a post arrives once, never comes back. */
static void
test_loop_both_ways (void)
{
  g_autoptr(NotificationCenter) a = notification_center_new ();
  g_autoptr(NotificationCenter) b = notification_center_new ();
  g_autoptr(NotificationZmqPublisher) pub_a = publisher_bind (a, "tcp://127.0.0.1:*");
  g_autoptr(NotificationZmqPublisher) pub_b = publisher_bind (b, "tcp://127.0.0.1:*");
  g_autoptr(NotificationZmqSubscriber) sub_b = subscriber_for (b, pub_a);
  g_autoptr(NotificationZmqSubscriber) sub_a = subscriber_for (a, pub_b);
  Recorder on_a = { 0 }, on_b = { 0 };

  g_test_summary ("Between two centers bridged both ways over ZeroMQ, a post arrives once "
                  "at the other center and is never sent back");

  notification_center_add_observer (a, NULL, NULL, recorder_cb, &on_a, NULL);
  notification_center_add_observer (b, NULL, NULL, recorder_cb, &on_b, NULL);
  notification_zmq_subscriber_subscribe (sub_a, NULL);
  notification_zmq_subscriber_subscribe (sub_b, NULL);
  wait_until (notification_zmq_publisher_is_wanted (pub_a, "x") &&
              notification_zmq_publisher_is_wanted (pub_b, "x"));

  notification_center_post (a, "x", NULL, NULL);
  g_assert_cmpuint (on_a.n, ==, 1);
  wait_until (on_b.n == 1);
  g_assert_true (notification_remote_sender_is_remote (on_b.last_sender));

  /* B's own post after it: if B had re-exported "x", A would get it first */
  notification_center_post (b, "sentinel", NULL, NULL);
  wait_until (on_a.n == 2);
  g_assert_cmpstr (on_a.last_type, ==, "sentinel");
  g_assert_cmpuint (notification_bridge_get_n_sent (NOTIFICATION_BRIDGE (pub_b)), ==, 1);

  /* the same the other way */
  notification_center_post (a, "sentinel", NULL, NULL);
  wait_until (on_b.n == 3);
  g_assert_cmpstr (on_b.last_type, ==, "sentinel");
  g_assert_cmpuint (on_a.n, ==, 3);
  g_assert_cmpuint (notification_bridge_get_n_sent (NOTIFICATION_BRIDGE (pub_a)), ==, 2);
  g_assert_cmpuint (notification_bridge_get_n_sent (NOTIFICATION_BRIDGE (pub_b)), ==, 1);

  recorder_clear (&on_a);
  recorder_clear (&on_b);
}

/* Binding a public TCP address without CURVE is refused. */
static void
test_insecure_bind (void)
{
  g_autoptr(NotificationCenter) center = notification_center_new ();
  GError *error = NULL;
  NotificationZmqPublisher *pub;
  NotificationZmqSubscriber *sub;
  char public_key[41], secret_key[41];

  g_test_summary ("Binding plain TCP beyond loopback is G_IO_ERROR_PERMISSION_DENIED unless "
                  "allow-insecure or CURVE is set, loopback and connecting are allowed, and "
                  "endpoints or keys ZeroMQ rejects are errors");

  pub = notification_zmq_publisher_new (center, "tcp://0.0.0.0:*", NOTIFICATION_ZMQ_FLAGS_BIND, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
  g_assert_null (pub);
  g_assert_nonnull (strstr (error->message, "allow-insecure"));
  g_clear_error (&error);

  sub = notification_zmq_subscriber_new (center, "tcp://*:*", NOTIFICATION_ZMQ_FLAGS_BIND, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
  g_assert_null (sub);
  g_clear_error (&error);

  /* said explicitly */
  pub = notification_zmq_publisher_new (center, "tcp://0.0.0.0:*",
                                        NOTIFICATION_ZMQ_FLAGS_BIND | NOTIFICATION_ZMQ_FLAGS_ALLOW_INSECURE,
                                        &error);
  g_assert_no_error (error);
  g_object_unref (pub);

  /* with CURVE */
  g_assert_cmpint (zmq_curve_keypair (public_key, secret_key), ==, 0);
  pub = g_initable_new (NOTIFICATION_TYPE_ZMQ_PUBLISHER, NULL, &error,
                        "center", center, "endpoint", "tcp://0.0.0.0:*", "bind", TRUE,
                        "curve-secret-key", secret_key, NULL);
  g_assert_no_error (error);
  g_object_unref (pub);

  /* loopback, and connecting, are fine */
  pub = publisher_bind (center, "tcp://127.0.0.1:*");
  g_object_unref (pub);
  sub = notification_zmq_subscriber_new (center, "tcp://192.0.2.1:5999", NOTIFICATION_ZMQ_FLAGS_NONE, &error);
  g_assert_no_error (error);
  g_object_unref (sub);

  /* what ZeroMQ does not take */
  pub = notification_zmq_publisher_new (center, "udp://127.0.0.1:1", NOTIFICATION_ZMQ_FLAGS_BIND, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  pub = notification_zmq_publisher_new (center, "tcp://127.0.0.1:notaport", NOTIFICATION_ZMQ_FLAGS_BIND, &error);
  g_assert_nonnull (error);
  g_assert_null (pub);
  g_clear_error (&error);
  pub = g_initable_new (NOTIFICATION_TYPE_ZMQ_PUBLISHER, NULL, &error,
                        "center", center, "endpoint", "tcp://127.0.0.1:*", "bind", TRUE,
                        "curve-secret-key", "not a key", NULL);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_assert_null (pub);
  g_clear_error (&error);
}

/* CURVE: a subscriber with the server's key receives; one with a wrong
 * server key never completes the handshake and receives nothing. */
static void
test_curve (void)
{
  g_autoptr(NotificationCenter) a = notification_center_new ();
  g_autoptr(NotificationCenter) b = notification_center_new ();
  g_autoptr(NotificationCenter) c = notification_center_new ();
  char server_public[41], server_secret[41], other_public[41], other_secret[41];
  char client_public[41], client_secret[41];
  GError *error = NULL;
  g_autoptr(NotificationZmqPublisher) pub = NULL;
  g_autoptr(NotificationZmqSubscriber) good = NULL, bad = NULL;
  g_autofree char *endpoint = NULL;
  Recorder on_b = { 0 }, on_c = { 0 };

  g_test_summary ("Under CURVE, a subscriber with the server's public key receives the "
                  "posts, while one with a wrong server key receives nothing and its "
                  "subscription never reaches the publisher");

  g_assert_cmpint (zmq_curve_keypair (server_public, server_secret), ==, 0);
  g_assert_cmpint (zmq_curve_keypair (other_public, other_secret), ==, 0);
  g_assert_cmpint (zmq_curve_keypair (client_public, client_secret), ==, 0);

  pub = g_initable_new (NOTIFICATION_TYPE_ZMQ_PUBLISHER, NULL, &error,
                        "center", a, "endpoint", "tcp://127.0.0.1:*", "bind", TRUE,
                        "curve-secret-key", server_secret, NULL);
  g_assert_no_error (error);
  endpoint = notification_zmq_bridge_dup_last_endpoint (NOTIFICATION_ZMQ_BRIDGE (pub));

  bad = g_initable_new (NOTIFICATION_TYPE_ZMQ_SUBSCRIBER, NULL, &error,
                        "center", c, "endpoint", endpoint,
                        "curve-server-key", other_public, NULL);
  g_assert_no_error (error);
  notification_zmq_subscriber_subscribe (bad, "secret");
  notification_center_add_observer (c, NULL, NULL, recorder_cb, &on_c, NULL);

  good = g_initable_new (NOTIFICATION_TYPE_ZMQ_SUBSCRIBER, NULL, &error,
                         "center", b, "endpoint", endpoint,
                         "curve-server-key", server_public,
                         "curve-public-key", client_public,
                         "curve-secret-key", client_secret, NULL);
  g_assert_no_error (error);
  notification_zmq_subscriber_subscribe (good, "secret");
  notification_center_add_observer (b, NULL, NULL, recorder_cb, &on_b, NULL);

  wait_until (notification_zmq_publisher_is_wanted (pub, "secret"));
  notification_center_post (a, "secret", NULL, NULL);
  notification_center_post (a, "secret", NULL, NULL);
  wait_until (on_b.n == 2);
  /* only the good subscriber's subscription reached the publisher */
  g_assert_cmpuint (notification_zmq_publisher_get_n_subscriptions (pub), ==, 1);
  g_assert_cmpuint (on_c.n, ==, 0);

  recorder_clear (&on_b);
  recorder_clear (&on_c);
}

/* notification_zmq_shutdown() refuses while a bridge exists. */
static void
test_shutdown (void)
{
  g_autoptr(NotificationCenter) center = notification_center_new ();
  NotificationZmqPublisher *pub = publisher_bind (center, "tcp://127.0.0.1:*");
  GError *error = NULL;

  g_test_summary ("notification_zmq_shutdown() fails with G_IO_ERROR_BUSY while a bridge "
                  "exists, succeeds once it is gone, and a bridge can be made afterwards");

  g_assert_false (notification_zmq_shutdown (&error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_BUSY);
  g_clear_error (&error);
  g_object_unref (pub);
  g_assert_true (notification_zmq_shutdown (&error));
  g_assert_no_error (error);

  /* and afterwards a bridge starts afresh */
  pub = publisher_bind (center, "tcp://127.0.0.1:*");
  g_object_unref (pub);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/zmq/delivery/tcp", test_delivery_tcp);
  g_test_add_func ("/zmq/delivery/ipc", test_delivery_ipc);
  g_test_add_func ("/zmq/delivery/ipc-subscriber-binds", test_delivery_ipc_subscriber_binds);
  g_test_add_func ("/zmq/delivery/inproc", test_delivery_inproc);
  g_test_add_func ("/zmq/every-type", test_every_type);
  g_test_add_func ("/zmq/filter/prefix", test_filter_prefix);
  g_test_add_func ("/zmq/interest/counted", test_interest_counted);
  g_test_add_func ("/zmq/loop/both-ways", test_loop_both_ways);
  g_test_add_func ("/zmq/security/insecure-bind", test_insecure_bind);
  g_test_add_func ("/zmq/security/curve", test_curve);
  g_test_add_func ("/zmq/shutdown", test_shutdown);

  return g_test_run ();
}
