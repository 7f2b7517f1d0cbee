/* test-zmq-input.c: what the network sends that the ZeroMQ bridge must
 * survive: malformed messages from a raw libzmq socket, and a
 * subscriber too slow for its publisher
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>
#include <zmq.h>

#include "zmq-test-util.h"
#include "notification-zmq-wire-private.h"

static void
raw_send (void       *socket,
          const void *data,
          gsize       size,
          gboolean    more)
{
  g_assert_cmpint (zmq_send (socket, data, size, more ? ZMQ_SNDMORE : 0), ==, (int) size);
}

static void
raw_send_bytes (void     *socket,
                GBytes   *bytes,
                gboolean  more)
{
  gsize size;
  const void *data = g_bytes_get_data (bytes, &size);

  raw_send (socket, data, size, more);
}

static GBytes *
body_for (const char *info_text)
{
  static const guint8 identity[NOTIFICATION_ZMQ_WIRE_IDENTITY_SIZE] = "raw-publisher-1";
  static guint64 sequence;
  g_autoptr(GVariant) info = g_variant_ref_sink (g_variant_new_parsed (info_text));

  return notification_zmq_wire_encode_body (identity, ++sequence, "", info);
}

static void
test_malformed (void)
{
  g_autoptr(NotificationCenter) center = notification_center_new ();
  g_autoptr(NotificationSchema) schema = notification_schema_new ();
  g_autoptr(NotificationZmqSubscriber) sub = NULL;
  g_autoptr(GBytes) good = body_for ("{'k': <1>}");
  g_autoptr(GBytes) wrong_schema = body_for ("{'fraction': <'half'>}");
  g_autofree char *big_text = g_strdup_printf ("{'big': <'%0*d'>}", 5000, 0);
  g_autoptr(GBytes) big = body_for (big_text);
  NotificationBridge *base;
  void *ctx = zmq_ctx_new ();
  void *raw = zmq_socket (ctx, ZMQ_XPUB);
  char endpoint[256];
  size_t endpoint_len = sizeof endpoint;
  guint8 subscription[16];
  GError *error = NULL;
  Recorder r = { 0 };
  int linger = 0, timeout = 10000;
  gsize size;
  const guint8 *good_data = g_bytes_get_data (good, &size);
  g_autofree guint8 *edited = g_memdup2 (good_data, size);
  static const guint8 garbage[NOTIFICATION_ZMQ_WIRE_HEADER_SIZE + 3] = { 1, [32] = 'a', 'b', 'c' };

  g_test_summary ("Malformed messages from a raw publisher (bad frame counts, types, "
                  "versions or encodings, a user info failing the schema, oversized) are "
                  "rejected and counted by kind, and a good one after them is posted");

  notification_schema_add_key (schema, "fraction", "d", TRUE, NULL);
  notification_center_register_schema (center, "typed", schema);

  zmq_setsockopt (raw, ZMQ_LINGER, &linger, sizeof linger);
  zmq_setsockopt (raw, ZMQ_RCVTIMEO, &timeout, sizeof timeout);
  g_assert_cmpint (zmq_bind (raw, "tcp://127.0.0.1:*"), ==, 0);
  zmq_getsockopt (raw, ZMQ_LAST_ENDPOINT, endpoint, &endpoint_len);

  sub = notification_zmq_subscriber_new (center, endpoint, NOTIFICATION_ZMQ_FLAGS_NONE, &error);
  g_assert_no_error (error);
  base = NOTIFICATION_BRIDGE (sub);
  g_object_set (sub, "max-message-size", (guint64) 4096, NULL);
  notification_center_add_observer (center, NULL, NULL, recorder_cb, &r, NULL);
  notification_zmq_subscriber_subscribe (sub, NULL);
  /* the subscription has arrived: what is sent now is received */
  g_assert_cmpint (zmq_recv (raw, subscription, sizeof subscription, 0), ==, 1);
  g_assert_cmpint (subscription[0], ==, 1);

  /* wrong frame counts */
  raw_send (raw, "x", 2, FALSE);
  raw_send (raw, "x", 2, TRUE);
  raw_send_bytes (raw, good, TRUE);
  raw_send (raw, "", 0, FALSE);
  /* types: no terminator, not UTF-8 */
  raw_send (raw, "x", 1, TRUE);
  raw_send_bytes (raw, good, FALSE);
  raw_send (raw, "\xff\xfe", 3, TRUE);
  raw_send_bytes (raw, good, FALSE);
  /* an unknown version */
  edited[0] = 2;
  raw_send (raw, "x", 2, TRUE);
  raw_send (raw, edited, size, FALSE);
  /* undecodable: too short, a reserved byte set, not in normal form */
  edited[0] = 1;
  raw_send (raw, "x", 2, TRUE);
  raw_send (raw, edited, 10, FALSE);
  edited[3] = 7;
  raw_send (raw, "x", 2, TRUE);
  raw_send (raw, edited, size, FALSE);
  raw_send (raw, "x", 2, TRUE);
  raw_send (raw, garbage, sizeof garbage, FALSE);
  /* the type's schema fails */
  raw_send (raw, "typed", 6, TRUE);
  raw_send_bytes (raw, wrong_schema, FALSE);
  /* larger than max-message-size */
  raw_send (raw, "x", 2, TRUE);
  raw_send_bytes (raw, big, FALSE);
  /* and a good one, after all the rest on this connection */
  raw_send (raw, "ok", 3, TRUE);
  raw_send_bytes (raw, good, FALSE);

  wait_until (r.n == 1);
  g_assert_cmpstr (r.last_type, ==, "ok");
  g_assert_cmpuint (notification_bridge_get_n_rejected_kind (base, NOTIFICATION_BRIDGE_REJECTED_FRAMES), ==, 2);
  g_assert_cmpuint (notification_bridge_get_n_rejected_kind (base, NOTIFICATION_BRIDGE_REJECTED_TYPE), ==, 2);
  g_assert_cmpuint (notification_bridge_get_n_rejected_kind (base, NOTIFICATION_BRIDGE_REJECTED_VERSION), ==, 1);
  g_assert_cmpuint (notification_bridge_get_n_rejected_kind (base, NOTIFICATION_BRIDGE_REJECTED_ENCODING), ==, 3);
  g_assert_cmpuint (notification_bridge_get_n_rejected_kind (base, NOTIFICATION_BRIDGE_REJECTED_USER_INFO), ==, 1);
  g_assert_cmpuint (notification_bridge_get_n_rejected_kind (base, NOTIFICATION_BRIDGE_REJECTED_OVERSIZED), ==, 1);
  g_assert_cmpuint (notification_bridge_get_n_rejected (base), ==, 10);
  g_assert_cmpuint (notification_bridge_get_n_received (base), ==, 1);
  /* the gap in the raw publisher's numbering: ok is #4, #1 was the last
   * good one of its type... every type counts alone: "ok" was first */
  g_assert_cmpuint (notification_zmq_subscriber_get_n_gaps (sub), ==, 0);

  zmq_close (raw);
  zmq_ctx_term (ctx);
  recorder_clear (&r);
}

/* Sequence numbers: per publisher and type; a jump is a gap. */
static void
test_gaps (void)
{
  static const guint8 identity[NOTIFICATION_ZMQ_WIRE_IDENTITY_SIZE] = "raw-publisher-2";
  g_autoptr(NotificationCenter) center = notification_center_new ();
  g_autoptr(NotificationZmqSubscriber) sub = NULL;
  g_autoptr(GVariant) info = g_variant_ref_sink (g_variant_new_parsed ("@a{sv} {}"));
  static const guint64 sequence[] = { 5, 6, 9, 10, 10, 20 };
  void *ctx = zmq_ctx_new ();
  void *raw = zmq_socket (ctx, ZMQ_XPUB);
  char endpoint[256];
  size_t endpoint_len = sizeof endpoint;
  guint8 subscription[16];
  GError *error = NULL;
  Recorder r = { 0 };
  int linger = 0, timeout = 10000;

  g_test_summary ("Sequence numbers count per publisher and type: a jump adds the numbers "
                  "missed to the gaps, a repeat adds none, and another type numbered from 1 "
                  "adds none");

  zmq_setsockopt (raw, ZMQ_LINGER, &linger, sizeof linger);
  zmq_setsockopt (raw, ZMQ_RCVTIMEO, &timeout, sizeof timeout);
  g_assert_cmpint (zmq_bind (raw, "tcp://127.0.0.1:*"), ==, 0);
  zmq_getsockopt (raw, ZMQ_LAST_ENDPOINT, endpoint, &endpoint_len);
  sub = notification_zmq_subscriber_new (center, endpoint, NOTIFICATION_ZMQ_FLAGS_NONE, &error);
  g_assert_no_error (error);
  notification_center_add_observer (center, NULL, NULL, recorder_cb, &r, NULL);
  notification_zmq_subscriber_subscribe (sub, "a");
  notification_zmq_subscriber_subscribe (sub, "b");
  g_assert_cmpint (zmq_recv (raw, subscription, sizeof subscription, 0), ==, 3);
  g_assert_cmpint (zmq_recv (raw, subscription, sizeof subscription, 0), ==, 3);

  for (guint i = 0; i < G_N_ELEMENTS (sequence); i++)
    {
      g_autoptr(GBytes) body = notification_zmq_wire_encode_body (identity, sequence[i], "", info);

      raw_send (raw, "a", 2, TRUE);
      raw_send_bytes (raw, body, FALSE);
      /* "b" numbered on its own, from 1 */
      g_clear_pointer (&body, g_bytes_unref);
      body = notification_zmq_wire_encode_body (identity, i + 1, "", info);
      raw_send (raw, "b", 2, TRUE);
      raw_send_bytes (raw, body, FALSE);
    }
  wait_until (r.n == 2 * G_N_ELEMENTS (sequence));
  /* 5 (first: none), 6, 9 (7 and 8 missed), 10, 10 (a repeat), 20 (11–19) */
  g_assert_cmpuint (notification_zmq_subscriber_get_n_gaps (sub), ==, 2 + 9);
  g_assert_cmpuint (notification_zmq_subscriber_get_n_publishers (sub), ==, 1);

  zmq_close (raw);
  zmq_ctx_term (ctx);
  recorder_clear (&r);
}

/* Remote senders per publisher and sender id, while messages switch
 * between them (the subscriber and the bridge remember the last ones
 * seen) and while max-publishers forgets a publisher. */
static void
send_from (void         *raw,
           const guint8 *identity,
           const char   *sender_id)
{
  static guint64 sequence;
  g_autoptr(GVariant) info = g_variant_ref_sink (g_variant_new_parsed ("@a{sv} {}"));
  g_autoptr(GBytes) body = notification_zmq_wire_encode_body (identity, ++sequence, sender_id, info);

  raw_send (raw, "p", 2, TRUE);
  raw_send_bytes (raw, body, FALSE);
}

static void
test_publishers (void)
{
  static const guint8 identity_a[NOTIFICATION_ZMQ_WIRE_IDENTITY_SIZE] = "raw-publisher-A";
  static const guint8 identity_b[NOTIFICATION_ZMQ_WIRE_IDENTITY_SIZE] = "raw-publisher-B";
  g_autofree char *name_a = notification_zmq_wire_identity_name (identity_a);
  g_autofree char *name_b = notification_zmq_wire_identity_name (identity_b);
  g_autoptr(NotificationCenter) center = notification_center_new ();
  g_autoptr(NotificationZmqSubscriber) sub = NULL;
  NotificationBridge *base;
  GObject *a1, *a2;
  void *ctx = zmq_ctx_new ();
  void *raw = zmq_socket (ctx, ZMQ_XPUB);
  char endpoint[256];
  size_t endpoint_len = sizeof endpoint;
  guint8 subscription[16];
  GError *error = NULL;
  Recorder r = { 0 };
  int linger = 0, timeout = 10000;

  zmq_setsockopt (raw, ZMQ_LINGER, &linger, sizeof linger);
  zmq_setsockopt (raw, ZMQ_RCVTIMEO, &timeout, sizeof timeout);
  g_assert_cmpint (zmq_bind (raw, "tcp://127.0.0.1:*"), ==, 0);
  zmq_getsockopt (raw, ZMQ_LAST_ENDPOINT, endpoint, &endpoint_len);
  sub = g_initable_new (NOTIFICATION_TYPE_ZMQ_SUBSCRIBER, NULL, &error,
                        "center", center, "endpoint", endpoint, "max-publishers", 1, NULL);
  g_assert_no_error (error);
  base = NOTIFICATION_BRIDGE (sub);
  notification_center_add_observer (center, NULL, NULL, recorder_cb, &r, NULL);
  notification_zmq_subscriber_subscribe (sub, NULL);
  g_assert_cmpint (zmq_recv (raw, subscription, sizeof subscription, 0), ==, 1);

  send_from (raw, identity_a, "s1");
  wait_until (r.n == 1);
  a1 = r.last_sender;
  g_assert_nonnull (a1);
  g_assert_true (a1 == G_OBJECT (notification_bridge_lookup_remote_sender (base, name_a, "s1")));

  send_from (raw, identity_a, "s2");
  wait_until (r.n == 2);
  a2 = r.last_sender;
  g_assert_true (a2 != a1);
  g_assert_true (a2 == G_OBJECT (notification_bridge_lookup_remote_sender (base, name_a, "s2")));

  send_from (raw, identity_a, "s1");
  wait_until (r.n == 3);
  g_assert_true (r.last_sender == a1);

  /* B takes A's place: A and its remote senders are forgotten */
  send_from (raw, identity_b, "s1");
  wait_until (r.n == 4);
  g_assert_true (r.last_sender == G_OBJECT (notification_bridge_lookup_remote_sender (base, name_b, "s1")));
  g_assert_null (notification_bridge_lookup_remote_sender (base, name_a, "s1"));
  g_assert_null (notification_bridge_lookup_remote_sender (base, name_a, "s2"));
  g_assert_cmpuint (notification_zmq_subscriber_get_n_publishers (sub), ==, 1);

  /* and A back again is a new publisher, with a sender the bridge knows */
  send_from (raw, identity_a, "s1");
  wait_until (r.n == 5);
  g_assert_true (r.last_sender == G_OBJECT (notification_bridge_lookup_remote_sender (base, name_a, "s1")));
  g_assert_null (notification_bridge_lookup_remote_sender (base, name_b, "s1"));
  g_assert_cmpuint (notification_zmq_subscriber_get_n_publishers (sub), ==, 1);

  /* a peer forgotten by hand is forgotten too (the old sender is kept
   * alive here, so that a stale cache could hand it out again; the
   * cache's keys would be freed memory, which CI's valgrind and ASan
   * runs of this suite report) */
  a1 = g_object_ref (r.last_sender);
  notification_bridge_peer_vanished (base, name_a);
  g_assert_null (notification_bridge_lookup_remote_sender (base, name_a, "s1"));
  send_from (raw, identity_a, "s1");
  wait_until (r.n == 6);
  g_assert_true (r.last_sender != a1);
  g_assert_true (r.last_sender == G_OBJECT (notification_bridge_lookup_remote_sender (base, name_a, "s1")));
  g_object_unref (a1);
  g_assert_cmpuint (notification_bridge_get_n_received (base), ==, 6);

  zmq_close (raw);
  zmq_ctx_term (ctx);
  recorder_clear (&r);
}

/* A subscriber that does not read: the publisher reaches the high-water
 * mark, drops and counts, and the poster (here the same thread as the
 * publisher's context) never blocks; the subscriber then sees every
 * drop as a gap. */
static void
test_slow_subscriber (void)
{
  const guint n_batches = 40, batch = 1000;
  g_autoptr(NotificationCenter) a = notification_center_new ();
  g_autoptr(NotificationCenter) b = notification_center_new ();
  g_autoptr(GMainContext) slow = g_main_context_new ();
  g_autoptr(NotificationZmqPublisher) pub = NULL;
  g_autoptr(NotificationZmqSubscriber) sub = NULL;
  g_autoptr(GVariant) info = g_variant_ref_sink (g_variant_new_parsed ("{'out_string': <'line of output'>, 'n': <int32 7>}"));
  g_autofree char *endpoint = NULL;
  NotificationBridge *pb, *sb;
  GError *error = NULL;
  guint64 dropped, sent;
  guint posted = 0;

  g_test_summary ("A publisher whose subscriber does not read drops and counts at the "
                  "high-water mark without blocking the poster, and the subscriber later "
                  "receives the rest and counts every drop as a gap");

  pub = g_initable_new (NOTIFICATION_TYPE_ZMQ_PUBLISHER, NULL, &error,
                        "center", a, "endpoint", "tcp://127.0.0.1:*", "bind", TRUE,
                        "high-water-mark", 10, NULL);
  g_assert_no_error (error);
  pb = NOTIFICATION_BRIDGE (pub);
  endpoint = notification_zmq_bridge_dup_last_endpoint (NOTIFICATION_ZMQ_BRIDGE (pub));

  g_main_context_push_thread_default (slow);
  sub = g_initable_new (NOTIFICATION_TYPE_ZMQ_SUBSCRIBER, NULL, &error,
                        "center", b, "endpoint", endpoint, "high-water-mark", 10, NULL);
  g_assert_no_error (error);
  g_main_context_pop_thread_default (slow);
  sb = NOTIFICATION_BRIDGE (sub);
  notification_zmq_subscriber_subscribe (sub, "burst");
  wait_until (notification_zmq_publisher_is_wanted (pub, "burst"));

  /* the subscriber's context is not run: nothing is read */
  for (guint i = 0; i < n_batches && notification_zmq_publisher_get_n_dropped (pub) == 0; i++)
    {
      for (guint j = 0; j < batch; j++)
        notification_center_post (a, "burst", NULL, info);
      posted += batch;
      wait_until (notification_bridge_get_n_sent (pb) == posted);
    }
  dropped = notification_zmq_publisher_get_n_dropped (pub);
  sent = notification_bridge_get_n_sent (pb);
  g_test_message ("posted %u, dropped %" G_GUINT64_FORMAT " at the high-water mark", posted, dropped);
  g_assert_cmpuint (dropped, >, 0);
  g_assert_cmpuint (sent, ==, posted);

  /* what was not dropped arrives, all of it */
  wait_until_in (slow, notification_bridge_get_n_received (sb) == sent - dropped);
  /* one more, so that trailing drops show as a gap too */
  notification_center_post (a, "burst", NULL, info);
  wait_until (notification_bridge_get_n_sent (pb) == sent + 1);
  g_assert_cmpuint (notification_zmq_publisher_get_n_dropped (pub), ==, dropped);
  wait_until_in (slow, notification_bridge_get_n_received (sb) == sent - dropped + 1);
  g_assert_cmpuint (notification_zmq_subscriber_get_n_gaps (sub), ==, dropped);
}

/* The hand-framed body is GLib's own serialisation of (sa{sv}), for
 * small and large sizes (1-, 2- and 4-byte framing offsets), and
 * decodes back. */
static void
test_wire_glib_agrees (void)
{
  static const guint8 identity[NOTIFICATION_ZMQ_WIRE_IDENTITY_SIZE] = "glib-agrees-id";
  const gsize string_sizes[] = { 0, 1, 7, 8, 200, 250, 300, 70000 };
  const char *senders[] = { "", "1", "1234567", "12345678", "123456789" };
  /* reused like the publisher's, full of garbage to start with */
  g_autoptr(GByteArray) reused = g_byte_array_new ();

  g_byte_array_set_size (reused, 80000);
  memset (reused->data, 0xaa, reused->len);

  g_test_summary ("The hand-framed wire body is GLib's serialisation of (sa{sv}) for small "
                  "and large sizes, decodes back to its sender id, sequence and user info, "
                  "and is refused one byte short");

  for (guint i = 0; i < G_N_ELEMENTS (string_sizes); i++)
    for (guint j = 0; j < G_N_ELEMENTS (senders); j++)
      for (guint empty = 0; empty < 2; empty++)
        {
          g_autofree char *text = g_strnfill (string_sizes[i], 'x');
          g_autoptr(GVariant) info = NULL;
          g_autoptr(GVariant) tuple = NULL;
          g_autoptr(GBytes) body = NULL;
          NotificationZmqWireMessage message;
          gsize size;
          const guint8 *data;

          info = g_variant_ref_sink (empty
            ? g_variant_new_array (G_VARIANT_TYPE ("{sv}"), NULL, 0)
            : g_variant_new_parsed ("{'text': <%s>, 'n': <int32 7>}", text));
          tuple = g_variant_ref_sink (g_variant_new ("(s@a{sv})", senders[j], info));
          body = notification_zmq_wire_encode_body (identity, 42, senders[j], info);
          data = g_bytes_get_data (body, &size);
          g_assert_cmpmem (data + NOTIFICATION_ZMQ_WIRE_HEADER_SIZE, size - NOTIFICATION_ZMQ_WIRE_HEADER_SIZE,
                           g_variant_get_data (tuple), g_variant_get_size (tuple));
          notification_zmq_wire_encode_body_into (reused, identity, 42, senders[j], info);
          g_assert_cmpmem (reused->data, reused->len, data, size);

          g_assert_cmpint (notification_zmq_wire_decode ((const guint8 *) "t", 2, data, size, &message),
                           ==, NOTIFICATION_ZMQ_WIRE_OK);
          g_assert_cmpstr (message.sender_id, ==, senders[j]);
          g_assert_cmpuint (message.sequence, ==, 42);
          g_assert_true (g_variant_equal (message.user_info, info));
          notification_zmq_wire_message_clear (&message);

          /* one byte more or less is not a body */
          g_assert_cmpint (notification_zmq_wire_decode ((const guint8 *) "t", 2, data, size - 1, &message),
                           ==, NOTIFICATION_ZMQ_WIRE_BAD_ENCODING);
        }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/zmq/wire/glib-agrees", test_wire_glib_agrees);
  g_test_add_func ("/zmq/input/malformed", test_malformed);
  g_test_add_func ("/zmq/input/gaps", test_gaps);
  g_test_add_func ("/zmq/input/publishers", test_publishers);
  g_test_add_func ("/zmq/input/slow-subscriber", test_slow_subscriber);

  return g_test_run ();
}
