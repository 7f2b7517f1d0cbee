/* test-zmq-auth.c: CURVE allow-lists through the ZAP handler, raw libzmq sockets
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <gio/gio.h>
#include <zmq.h>

#include "notification-zmq-auth-private.h"
#include "notification-zmq-context-private.h"

typedef struct
{
  char public_key[41];
  char secret_key[41];
} KeyPair;

static void
key_pair_make (KeyPair *pair)
{
  g_assert_cmpint (zmq_curve_keypair (pair->public_key, pair->secret_key), ==, 0);
}

static void *
socket_new (int type)
{
  void *socket = zmq_socket (notification_zmq_context_get (), type);
  int linger = 0;

  g_assert_nonnull (socket);
  g_assert_cmpint (zmq_setsockopt (socket, ZMQ_LINGER, &linger, sizeof linger), ==, 0);
  return socket;
}

/* A CURVE server of @type with @domain (may be NULL), bound to a free
 * loopback port; returns its endpoint in @endpoint. */
static void *
server_new (int                        type,
            const KeyPair             *server,
            NotificationZmqAuthDomain *domain,
            char                      *endpoint,
            size_t                     endpoint_size)
{
  void *socket = socket_new (type);
  int yes = 1;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (zmq_setsockopt (socket, ZMQ_CURVE_SERVER, &yes, sizeof yes), ==, 0);
  g_assert_cmpint (zmq_setsockopt (socket, ZMQ_CURVE_SECRETKEY, server->secret_key, 40), ==, 0);
  if (domain != NULL)
    {
      g_assert_true (notification_zmq_auth_domain_apply (domain, socket, &error));
      g_assert_no_error (error);
    }
  g_assert_cmpint (zmq_bind (socket, "tcp://127.0.0.1:*"), ==, 0);
  g_assert_cmpint (zmq_getsockopt (socket, ZMQ_LAST_ENDPOINT, endpoint, &endpoint_size), ==, 0);
  return socket;
}

static void *monitor_new (void *socket, const char *name, int events);

/* A CURVE client; with @monitor, a monitor of @events made before it
 * connects. */
static void *
client_new_full (int            type,
                 const char    *server_public_key,
                 const KeyPair *client,
                 const char    *endpoint,
                 int            events,
                 void         **monitor)
{
  void *socket = socket_new (type);

  g_assert_cmpint (zmq_setsockopt (socket, ZMQ_CURVE_SERVERKEY, server_public_key, 40), ==, 0);
  g_assert_cmpint (zmq_setsockopt (socket, ZMQ_CURVE_PUBLICKEY, client->public_key, 40), ==, 0);
  g_assert_cmpint (zmq_setsockopt (socket, ZMQ_CURVE_SECRETKEY, client->secret_key, 40), ==, 0);
  if (type == ZMQ_SUB)
    g_assert_cmpint (zmq_setsockopt (socket, ZMQ_SUBSCRIBE, "", 0), ==, 0);
  if (monitor != NULL)
    *monitor = monitor_new (socket, "client", events);
  g_assert_cmpint (zmq_connect (socket, endpoint), ==, 0);
  return socket;
}

static void *
client_new (int            type,
            const char    *server_public_key,
            const KeyPair *client,
            const char    *endpoint)
{
  return client_new_full (type, server_public_key, client, endpoint, 0, NULL);
}

/* Whether @socket receives @text within @ms (other messages skipped). */
static gboolean
receives (void       *socket,
          const char *text,
          int         ms)
{
  gint64 end = g_get_monotonic_time () + ms * G_TIME_SPAN_MILLISECOND;

  for (;;)
    {
      zmq_pollitem_t item = { socket, 0, ZMQ_POLLIN, 0 };
      gint64 left = (end - g_get_monotonic_time ()) / G_TIME_SPAN_MILLISECOND;
      char buffer[64];
      int n;

      if (left <= 0)
        return FALSE;
      if (zmq_poll (&item, 1, left) <= 0)
        continue;
      n = zmq_recv (socket, buffer, sizeof buffer - 1, ZMQ_DONTWAIT);
      if (n >= 0 && (size_t) n == strlen (text) && memcmp (buffer, text, n) == 0)
        return TRUE;
    }
}

/* Sends @text on @sender every 5 ms until @receiver has it or @ms pass;
 * also drains @receiver of anything else. */
static gboolean
send_until_received (void       *sender,
                     void       *receiver,
                     const char *text,
                     int         ms)
{
  gint64 end = g_get_monotonic_time () + ms * G_TIME_SPAN_MILLISECOND;

  while (g_get_monotonic_time () < end)
    {
      zmq_send (sender, text, strlen (text), ZMQ_DONTWAIT);
      if (receives (receiver, text, 5))
        return TRUE;
    }
  return FALSE;
}

/* Waits for @event on a monitor of @socket; returns whether it came. */
static gboolean
wait_for_event (void     *monitor,
                guint16   event,
                int       ms)
{
  gint64 end = g_get_monotonic_time () + ms * G_TIME_SPAN_MILLISECOND;

  while (g_get_monotonic_time () < end)
    {
      zmq_pollitem_t item = { monitor, 0, ZMQ_POLLIN, 0 };
      zmq_msg_t frame;
      guint16 got = 0;

      if (zmq_poll (&item, 1, 20) <= 0)
        continue;
      zmq_msg_init (&frame);
      zmq_msg_recv (&frame, monitor, 0);
      if (zmq_msg_size (&frame) >= 2)
        memcpy (&got, zmq_msg_data (&frame), 2);
      zmq_msg_close (&frame);
      /* second frame: the endpoint */
      zmq_msg_init (&frame);
      zmq_msg_recv (&frame, monitor, 0);
      zmq_msg_close (&frame);
      if (got == event)
        return TRUE;
    }
  return FALSE;
}

static void *
monitor_new (void       *socket,
             const char *name,
             int         events)
{
  g_autofree char *address = g_strdup_printf ("inproc://monitor-%s-%p", name, socket);
  void *monitor;

  g_assert_cmpint (zmq_socket_monitor (socket, address, events), ==, 0);
  monitor = socket_new (ZMQ_PAIR);
  g_assert_cmpint (zmq_connect (monitor, address), ==, 0);
  return monitor;
}

/* PUB server with an allow-list of one key: the allowed SUB receives,
 * the other receives nothing, is told (HANDSHAKE_FAILED_AUTH), counted. */
static void
test_auth_allowed_receives (void)
{
  KeyPair server, allowed, other;
  const char *keys[2];
  g_autoptr(NotificationZmqAuthDomain) domain = NULL;
  g_autoptr(GError) error = NULL;
  char endpoint[256];
  void *pub, *good, *bad, *bad_monitor;

  g_test_summary ("A PUB server with a one-key allow-list sends to the allowed SUB, while "
                  "the other SUB receives nothing, sees HANDSHAKE_FAILED_AUTH and is "
                  "counted as denied");

  key_pair_make (&server);
  key_pair_make (&allowed);
  key_pair_make (&other);
  keys[0] = allowed.public_key;
  keys[1] = NULL;

  domain = notification_zmq_auth_domain_new (keys, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (notification_zmq_auth_domain_get_name (domain), "libnotification-"));

  pub = server_new (ZMQ_PUB, &server, domain, endpoint, sizeof endpoint);
  bad = client_new_full (ZMQ_SUB, server.public_key, &other, endpoint,
                         ZMQ_EVENT_HANDSHAKE_FAILED_AUTH, &bad_monitor);
  good = client_new (ZMQ_SUB, server.public_key, &allowed, endpoint);

  g_assert_true (send_until_received (pub, good, "hello", 5000));
  g_assert_true (wait_for_event (bad_monitor, ZMQ_EVENT_HANDSHAKE_FAILED_AUTH, 5000));
  for (guint i = 0; i < 20; i++)
    g_assert_cmpint (zmq_send (pub, "again", 5, 0), ==, 5);
  g_assert_true (receives (good, "again", 2000));
  g_assert_false (receives (bad, "hello", 200));
  g_assert_false (receives (bad, "again", 1));

  g_assert_cmpuint (notification_zmq_auth_domain_get_denied (domain), >=, 1);
  g_assert_cmpuint (notification_zmq_auth_domain_get_accepted (domain), ==, 1);

  zmq_close (bad_monitor);
  zmq_close (good);
  zmq_close (bad);
  zmq_close (pub);
}

/* SUB server: what an allowed PUB sends arrives, what the other sends
 * does not. */
static void
test_auth_denied_not_delivered (void)
{
  KeyPair server, allowed, other;
  const char *keys[] = { NULL, NULL };
  g_autoptr(NotificationZmqAuthDomain) domain = NULL;
  g_autoptr(GError) error = NULL;
  char endpoint[256];
  void *sub, *good, *bad;
  gint64 end;

  g_test_summary ("A SUB server with an allow-list receives what the allowed PUB sends and "
                  "nothing of what a denied PUB sends");

  key_pair_make (&server);
  key_pair_make (&allowed);
  key_pair_make (&other);
  keys[0] = allowed.public_key;
  domain = notification_zmq_auth_domain_new (keys, &error);
  g_assert_no_error (error);

  sub = server_new (ZMQ_SUB, &server, domain, endpoint, sizeof endpoint);
  g_assert_cmpint (zmq_setsockopt (sub, ZMQ_SUBSCRIBE, "", 0), ==, 0);
  bad = client_new (ZMQ_PUB, server.public_key, &other, endpoint);
  good = client_new (ZMQ_PUB, server.public_key, &allowed, endpoint);

  g_assert_true (send_until_received (good, sub, "from-good", 5000));
  /* the denied publisher keeps sending for half a second: nothing of it */
  end = g_get_monotonic_time () + 500 * G_TIME_SPAN_MILLISECOND;
  while (g_get_monotonic_time () < end)
    {
      zmq_send (bad, "from-bad", 8, ZMQ_DONTWAIT);
      g_assert_false (receives (sub, "from-bad", 5));
    }
  g_assert_cmpuint (notification_zmq_auth_domain_get_denied (domain), >=, 1);

  zmq_close (good);
  zmq_close (bad);
  zmq_close (sub);
}

/* A client with an allowed key pair but the wrong server key: the
 * handshake fails before the ZAP handler is asked; nothing arrives. */
static void
test_auth_wrong_server_key (void)
{
  KeyPair server, impostor, allowed;
  const char *keys[] = { NULL, NULL };
  g_autoptr(NotificationZmqAuthDomain) domain = NULL;
  g_autoptr(GError) error = NULL;
  char endpoint[256];
  void *pub, *sub, *control;

  g_test_summary ("A client with an allowed key pair but the wrong server key receives "
                  "nothing, and the ZAP handler counts it neither accepted nor denied");

  key_pair_make (&server);
  key_pair_make (&impostor);
  key_pair_make (&allowed);
  keys[0] = allowed.public_key;
  domain = notification_zmq_auth_domain_new (keys, &error);
  g_assert_no_error (error);

  pub = server_new (ZMQ_PUB, &server, domain, endpoint, sizeof endpoint);
  sub = client_new (ZMQ_SUB, impostor.public_key, &allowed, endpoint);
  /* a control client with the right key shows the server sends */
  control = client_new (ZMQ_SUB, server.public_key, &allowed, endpoint);
  g_assert_true (send_until_received (pub, control, "secret", 5000));
  for (guint i = 0; i < 10; i++)
    zmq_send (pub, "secret", 6, 0);
  g_assert_false (receives (sub, "secret", 300));
  g_assert_cmpuint (notification_zmq_auth_domain_get_accepted (domain), ==, 1);
  g_assert_cmpuint (notification_zmq_auth_domain_get_denied (domain), ==, 0);

  zmq_close (control);
  zmq_close (sub);
  zmq_close (pub);
}

/* A NULL list accepts any CURVE client (counted); the keys can change
 * while the server runs; an empty list accepts none. */
static void
test_auth_null_and_replaced_list (void)
{
  KeyPair server, a, b;
  const char *only_b[] = { NULL, NULL };
  const char *none[] = { NULL };
  g_autoptr(NotificationZmqAuthDomain) domain = NULL;
  g_autoptr(GError) error = NULL;
  char endpoint[256];
  void *pub, *sub_a, *sub_b;

  g_test_summary ("A NULL allow-list accepts any CURVE client, a list replaced while the "
                  "server runs lets the new key in, and an empty list denies every client");

  key_pair_make (&server);
  key_pair_make (&a);
  key_pair_make (&b);
  domain = notification_zmq_auth_domain_new (NULL, &error);
  g_assert_no_error (error);

  pub = server_new (ZMQ_PUB, &server, domain, endpoint, sizeof endpoint);
  sub_a = client_new (ZMQ_SUB, server.public_key, &a, endpoint);
  g_assert_true (send_until_received (pub, sub_a, "any", 5000));
  g_assert_cmpuint (notification_zmq_auth_domain_get_accepted (domain), ==, 1);

  only_b[0] = b.public_key;
  g_assert_true (notification_zmq_auth_domain_set_allowed_keys (domain, only_b, &error));
  g_assert_no_error (error);
  sub_b = client_new (ZMQ_SUB, server.public_key, &b, endpoint);
  g_assert_true (send_until_received (pub, sub_b, "b", 5000));
  zmq_close (sub_b);

  g_assert_true (notification_zmq_auth_domain_set_allowed_keys (domain, none, &error));
  sub_b = client_new (ZMQ_SUB, server.public_key, &b, endpoint);
  g_assert_false (send_until_received (pub, sub_b, "none", 500));
  g_assert_cmpuint (notification_zmq_auth_domain_get_denied (domain), >=, 1);

  zmq_close (sub_a);
  zmq_close (sub_b);
  zmq_close (pub);
}

/* A socket whose domain was freed (or never registered) is denied. */
static void
test_auth_unknown_domain (void)
{
  KeyPair server, a;
  char endpoint[256];
  size_t size = sizeof endpoint;
  void *pub, *sub;
  int yes = 1;
  g_autoptr(NotificationZmqAuthDomain) domain = NULL;
  g_autoptr(GError) error = NULL;

  g_test_summary ("A CURVE server whose ZAP domain is not registered denies its clients "
                  "while the handler runs");

  /* the handler is running (another domain exists) */
  domain = notification_zmq_auth_domain_new (NULL, &error);
  g_assert_no_error (error);
  key_pair_make (&server);
  key_pair_make (&a);
  pub = socket_new (ZMQ_PUB);
  g_assert_cmpint (zmq_setsockopt (pub, ZMQ_CURVE_SERVER, &yes, sizeof yes), ==, 0);
  g_assert_cmpint (zmq_setsockopt (pub, ZMQ_CURVE_SECRETKEY, server.secret_key, 40), ==, 0);
  g_assert_cmpint (zmq_setsockopt (pub, ZMQ_ZAP_DOMAIN, "libnotification-gone", 20), ==, 0);
  g_assert_cmpint (zmq_bind (pub, "tcp://127.0.0.1:*"), ==, 0);
  g_assert_cmpint (zmq_getsockopt (pub, ZMQ_LAST_ENDPOINT, endpoint, &size), ==, 0);
  sub = client_new (ZMQ_SUB, server.public_key, &a, endpoint);
  g_assert_false (send_until_received (pub, sub, "x", 500));
  zmq_close (sub);
  zmq_close (pub);
}

/* Bad keys and sockets that are not CURVE servers are errors. */
static void
test_auth_bad_arguments (void)
{
  KeyPair a;
  const char *short_key[] = { "tooshort", NULL };
  const char *bad_chars[] = { NULL, NULL };
  char bad[41];
  g_autoptr(GError) error = NULL;
  g_autoptr(NotificationZmqAuthDomain) domain = NULL;
  void *plain;

  g_test_summary ("A short key, not repeated in the message, or one outside the Z85 "
                  "alphabet is G_IO_ERROR_INVALID_ARGUMENT, and so is applying a domain to "
                  "a socket that is not a CURVE server");

  key_pair_make (&a);
  g_assert_null (notification_zmq_auth_domain_new (short_key, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_assert_null (strstr (error->message, "tooshort"));
  g_clear_error (&error);

  memcpy (bad, a.public_key, 41);
  bad[7] = '"';    /* not in the Z85 alphabet */
  bad_chars[0] = bad;
  g_assert_null (notification_zmq_auth_domain_new (bad_chars, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  domain = notification_zmq_auth_domain_new (NULL, &error);
  g_assert_no_error (error);
  plain = socket_new (ZMQ_PUB);
  g_assert_false (notification_zmq_auth_domain_apply (domain, plain, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  zmq_close (plain);
}

static gpointer
register_thread (gpointer data)
{
  const char *const *keys = data;

  for (guint i = 0; i < 200; i++)
    {
      g_autoptr(GError) error = NULL;
      NotificationZmqAuthDomain *domain = notification_zmq_auth_domain_new (keys, &error);

      g_assert_no_error (error);
      g_assert_cmpuint (notification_zmq_auth_domain_get_denied (domain), ==, 0);
      notification_zmq_auth_domain_free (domain);
    }
  return NULL;
}

/* Domains registered and freed by many threads while a server is asked:
 * every name is unique, the server's own domain keeps working. */
static void
test_auth_threads (void)
{
  KeyPair server, a;
  const char *keys[] = { NULL, NULL };
  g_autoptr(NotificationZmqAuthDomain) domain = NULL;
  g_autoptr(GError) error = NULL;
  GThread *threads[4];
  char endpoint[256];
  void *pub, *sub;

  g_test_summary ("Domains registered and freed by four threads at once leave a server's "
                  "own domain working: it accepts its allowed client, once");

  key_pair_make (&server);
  key_pair_make (&a);
  keys[0] = a.public_key;
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("register", register_thread, keys);

  domain = notification_zmq_auth_domain_new (keys, &error);
  g_assert_no_error (error);
  pub = server_new (ZMQ_PUB, &server, domain, endpoint, sizeof endpoint);
  sub = client_new (ZMQ_SUB, server.public_key, &a, endpoint);
  g_assert_true (send_until_received (pub, sub, "busy", 5000));

  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_thread_join (threads[i]);
  g_assert_cmpuint (notification_zmq_auth_domain_get_accepted (domain), ==, 1);
  zmq_close (sub);
  zmq_close (pub);
}

/* A CURVE server without a domain is not affected by the handler: it
 * accepts any client that completes the handshake, as without it. */
static void
test_auth_no_domain (void)
{
  KeyPair server, a;
  g_autoptr(NotificationZmqAuthDomain) domain = NULL;
  g_autoptr(GError) error = NULL;
  const char *none[] = { NULL };
  char endpoint[256];
  void *pub, *sub;

  g_test_summary ("A CURVE server without a ZAP domain accepts any client that completes "
                  "the handshake, the handler counting nothing");

  domain = notification_zmq_auth_domain_new (none, &error);   /* handler running */
  g_assert_no_error (error);
  key_pair_make (&server);
  key_pair_make (&a);
  pub = server_new (ZMQ_PUB, &server, NULL, endpoint, sizeof endpoint);
  sub = client_new (ZMQ_SUB, server.public_key, &a, endpoint);
  g_assert_true (send_until_received (pub, sub, "open", 5000));
  g_assert_cmpuint (notification_zmq_auth_domain_get_accepted (domain), ==, 0);
  zmq_close (sub);
  zmq_close (pub);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  if (!zmq_has ("curve"))
    {
      g_test_skip ("libzmq without CURVE");
      return g_test_run ();
    }

  g_test_add_func ("/zmq/auth/allowed-receives", test_auth_allowed_receives);
  g_test_add_func ("/zmq/auth/denied-not-delivered", test_auth_denied_not_delivered);
  g_test_add_func ("/zmq/auth/wrong-server-key", test_auth_wrong_server_key);
  g_test_add_func ("/zmq/auth/null-and-replaced-list", test_auth_null_and_replaced_list);
  g_test_add_func ("/zmq/auth/unknown-domain", test_auth_unknown_domain);
  g_test_add_func ("/zmq/auth/no-domain", test_auth_no_domain);
  g_test_add_func ("/zmq/auth/bad-arguments", test_auth_bad_arguments);
  g_test_add_func ("/zmq/auth/threads", test_auth_threads);

  return g_test_run ();
}
