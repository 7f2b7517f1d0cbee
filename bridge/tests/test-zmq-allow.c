/* test-zmq-allow.c: CURVE allow-lists on the real publisher and subscriber,
 * and the relay between real publishers and subscribers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <signal.h>
#include <string.h>

#include "zmq-test-util.h"

typedef struct
{
  char *public_key;
  char *secret_key;
} KeyPair;

static void
key_pair_make (KeyPair *pair)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (notification_zmq_generate_curve_keypair (&pair->public_key, &pair->secret_key, &error));
  g_assert_no_error (error);
}

static void
key_pair_clear (KeyPair *pair)
{
  g_clear_pointer (&pair->public_key, g_free);
  g_clear_pointer (&pair->secret_key, g_free);
}

/* A subscriber connecting to @endpoint with @client's key pair (or a
 * fresh one when NULL), subscribed to @type. */
static NotificationZmqSubscriber *
curve_subscriber (NotificationCenter *center,
                  const char         *endpoint,
                  const char         *server_public,
                  const KeyPair      *client,
                  const char         *type)
{
  g_autoptr(GError) error = NULL;
  NotificationZmqSubscriber *sub;

  sub = g_initable_new (NOTIFICATION_TYPE_ZMQ_SUBSCRIBER, NULL, &error,
                        "center", center, "endpoint", endpoint,
                        "curve-server-key", server_public,
                        "curve-public-key", client != NULL ? client->public_key : NULL,
                        "curve-secret-key", client != NULL ? client->secret_key : NULL,
                        NULL);
  g_assert_no_error (error);
  notification_zmq_subscriber_subscribe (sub, type);
  return sub;
}

/* A publisher with an allow-list of one key: the allowed subscriber gets
 * the notification; one with another key pair, and one with a fresh
 * pair, get nothing, and their demand never reaches the publisher. */
static void
test_allow_publisher (void)
{
  g_autoptr(NotificationCenter) a = notification_center_new ();
  g_autoptr(NotificationCenter) b = notification_center_new ();
  g_autoptr(NotificationCenter) c = notification_center_new ();
  g_autoptr(NotificationZmqPublisher) pub = NULL;
  g_autoptr(NotificationZmqSubscriber) good = NULL, bad = NULL, fresh = NULL;
  g_autofree char *endpoint = NULL;
  g_auto(GStrv) got_keys = NULL;
  KeyPair server = { 0 }, allowed = { 0 }, other = { 0 };
  const char *keys[2] = { NULL, NULL };
  g_autoptr(GError) error = NULL;
  Recorder on_b = { 0 }, on_c = { 0 };
  guint64 denied = 0;

  /* test_allow_after_shutdown() runs this too: the summary is this test's only */
  if (g_strcmp0 (g_test_get_path (), "/zmq/allow/publisher") == 0)
    g_test_summary ("A publisher's CURVE allow-list lets only the allowed subscriber in: it "
                    "gets the posts, while subscribers with another or a fresh key pair are "
                    "denied, counted, and their demand never reaches the publisher");

  key_pair_make (&server);
  key_pair_make (&allowed);
  key_pair_make (&other);
  keys[0] = allowed.public_key;

  pub = g_initable_new (NOTIFICATION_TYPE_ZMQ_PUBLISHER, NULL, &error,
                        "center", a, "endpoint", "tcp://127.0.0.1:*", "bind", TRUE,
                        "curve-secret-key", server.secret_key,
                        "curve-allowed-keys", keys, NULL);
  g_assert_no_error (error);
  g_object_get (pub, "curve-allowed-keys", &got_keys, NULL);
  g_assert_cmpstrv (got_keys, keys);
  endpoint = notification_zmq_bridge_dup_last_endpoint (NOTIFICATION_ZMQ_BRIDGE (pub));

  bad = curve_subscriber (c, endpoint, server.public_key, &other, "secret");
  fresh = curve_subscriber (c, endpoint, server.public_key, NULL, "secret");
  notification_center_add_observer (c, NULL, NULL, recorder_cb, &on_c, NULL);
  /* both tried and were turned away */
  wait_until (notification_zmq_bridge_get_n_clients_denied (NOTIFICATION_ZMQ_BRIDGE (pub)) >= 2);
  g_assert_false (notification_zmq_publisher_is_wanted (pub, "secret"));

  good = curve_subscriber (b, endpoint, server.public_key, &allowed, "secret");
  notification_center_add_observer (b, NULL, NULL, recorder_cb, &on_b, NULL);
  wait_until (notification_zmq_publisher_is_wanted (pub, "secret"));
  g_assert_cmpuint (notification_zmq_publisher_get_n_subscriptions (pub), ==, 1);

  notification_center_post (a, "secret", NULL, NULL);
  notification_center_post (a, "secret", NULL, NULL);
  wait_until (on_b.n == 2);
  /* what the others would have had is long there by now: nothing came */
  for (guint i = 0; i < 20; i++)
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpuint (on_c.n, ==, 0);
  g_object_get (pub, "n-clients-denied", &denied, NULL);
  g_assert_cmpuint (denied, >=, 2);

  recorder_clear (&on_b);
  recorder_clear (&on_c);
  key_pair_clear (&server);
  key_pair_clear (&allowed);
  key_pair_clear (&other);
}

/* A subscriber that binds, with an allow-list: the allowed publisher's
 * notifications are posted; the other publisher's are not (it never
 * even learns the subscription). */
static void
test_allow_subscriber (void)
{
  g_autoptr(NotificationCenter) a = notification_center_new ();
  g_autoptr(NotificationCenter) other_center = notification_center_new ();
  g_autoptr(NotificationCenter) b = notification_center_new ();
  g_autoptr(NotificationZmqSubscriber) sub = NULL;
  g_autoptr(NotificationZmqPublisher) good = NULL, bad = NULL;
  g_autofree char *endpoint = NULL;
  KeyPair server = { 0 }, allowed = { 0 }, other = { 0 };
  const char *keys[2] = { NULL, NULL };
  g_autoptr(GError) error = NULL;
  Recorder on_b = { 0 };

  g_test_summary ("A binding subscriber's CURVE allow-list posts only the allowed "
                  "publisher's notifications: the other publisher is denied and never "
                  "learns the subscription");

  key_pair_make (&server);
  key_pair_make (&allowed);
  key_pair_make (&other);
  keys[0] = allowed.public_key;

  sub = g_initable_new (NOTIFICATION_TYPE_ZMQ_SUBSCRIBER, NULL, &error,
                        "center", b, "endpoint", "tcp://127.0.0.1:*", "bind", TRUE,
                        "curve-secret-key", server.secret_key,
                        "curve-allowed-keys", keys, NULL);
  g_assert_no_error (error);
  notification_zmq_subscriber_subscribe (sub, "t");
  notification_center_add_observer (b, "t", NULL, recorder_cb, &on_b, NULL);
  endpoint = notification_zmq_bridge_dup_last_endpoint (NOTIFICATION_ZMQ_BRIDGE (sub));

  bad = g_initable_new (NOTIFICATION_TYPE_ZMQ_PUBLISHER, NULL, &error,
                        "center", other_center, "endpoint", endpoint,
                        "curve-server-key", server.public_key,
                        "curve-public-key", other.public_key,
                        "curve-secret-key", other.secret_key, NULL);
  g_assert_no_error (error);
  good = g_initable_new (NOTIFICATION_TYPE_ZMQ_PUBLISHER, NULL, &error,
                         "center", a, "endpoint", endpoint,
                         "curve-server-key", server.public_key,
                         "curve-public-key", allowed.public_key,
                         "curve-secret-key", allowed.secret_key, NULL);
  g_assert_no_error (error);

  wait_until (notification_zmq_publisher_is_wanted (good, "t"));
  wait_until (notification_zmq_bridge_get_n_clients_denied (NOTIFICATION_ZMQ_BRIDGE (sub)) >= 1);
  g_assert_false (notification_zmq_publisher_is_wanted (bad, "t"));
  notification_center_post (other_center, "t", NULL, g_variant_new_parsed ("{'from': <'bad'>}"));
  notification_center_post (a, "t", NULL, g_variant_new_parsed ("{'from': <'good'>}"));
  wait_until (on_b.n == 1);
  for (guint i = 0; i < 20; i++)
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpuint (on_b.n, ==, 1);
  {
    const char *from = NULL;

    g_assert_true (g_variant_lookup (on_b.last_info, "from", "&s", &from));
    g_assert_cmpstr (from, ==, "good");
  }

  recorder_clear (&on_b);
  key_pair_clear (&server);
  key_pair_clear (&allowed);
  key_pair_clear (&other);
}

/* Allow-lists are checked: bad keys, no server key pair, the side that
 * connects. */
static void
test_allow_errors (void)
{
  g_autoptr(NotificationCenter) a = notification_center_new ();
  KeyPair server = { 0 };
  const char *bad_keys[] = { "not a key", NULL };
  const char *empty[] = { NULL };
  g_autoptr(GError) error = NULL;
  GObject *object;

  g_test_summary ("A bad allowed key, or an allow-list without a secret key or on a "
                  "connecting subscriber, is G_IO_ERROR_INVALID_ARGUMENT, and an empty "
                  "allow-list denies every subscriber");

  key_pair_make (&server);

  object = g_initable_new (NOTIFICATION_TYPE_ZMQ_PUBLISHER, NULL, &error,
                           "center", a, "endpoint", "tcp://127.0.0.1:*", "bind", TRUE,
                           "curve-secret-key", server.secret_key,
                           "curve-allowed-keys", bad_keys, NULL);
  g_assert_null (object);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  object = g_initable_new (NOTIFICATION_TYPE_ZMQ_PUBLISHER, NULL, &error,
                           "center", a, "endpoint", "tcp://127.0.0.1:*", "bind", TRUE,
                           "curve-allowed-keys", empty, NULL);
  g_assert_null (object);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  object = g_initable_new (NOTIFICATION_TYPE_ZMQ_SUBSCRIBER, NULL, &error,
                           "center", a, "endpoint", "tcp://127.0.0.1:5",
                           "curve-server-key", server.public_key,
                           "curve-allowed-keys", empty, NULL);
  g_assert_null (object);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  /* an empty list is a list: nobody gets in */
  object = g_initable_new (NOTIFICATION_TYPE_ZMQ_PUBLISHER, NULL, &error,
                           "center", a, "endpoint", "tcp://127.0.0.1:*", "bind", TRUE,
                           "curve-secret-key", server.secret_key,
                           "curve-allowed-keys", empty, NULL);
  g_assert_no_error (error);
  {
    g_autoptr(NotificationCenter) c = notification_center_new ();
    g_autofree char *endpoint = notification_zmq_bridge_dup_last_endpoint (NOTIFICATION_ZMQ_BRIDGE (object));
    g_autoptr(NotificationZmqSubscriber) sub = curve_subscriber (c, endpoint, server.public_key, NULL, "x");

    wait_until (notification_zmq_bridge_get_n_clients_denied (NOTIFICATION_ZMQ_BRIDGE (object)) >= 1);
    g_assert_false (notification_zmq_publisher_is_wanted (NOTIFICATION_ZMQ_PUBLISHER (object), "x"));
  }
  g_object_unref (object);
  key_pair_clear (&server);
}

/* After notification_zmq_shutdown() a new context needs a new ZAP
 * handler: an allow-list made afterwards is still enforced. */
static void
test_allow_after_shutdown (void)
{
  g_autoptr(GError) error = NULL;

  g_test_summary ("After each of two notification_zmq_shutdown() calls, a publisher's "
                  "allow-list made afterwards is still enforced");

  g_assert_true (notification_zmq_shutdown (&error));
  g_assert_no_error (error);
  test_allow_publisher ();
  g_assert_true (notification_zmq_shutdown (&error));
  g_assert_no_error (error);
  test_allow_publisher ();
}

/* The relay between two real publishers and two real subscribers. */

typedef struct
{
  GSubprocess      *process;
  GDataInputStream *out;
  char             *frontend;
  char             *backend;
} Relay;

static char *
relay_line (Relay *relay)
{
  g_autoptr(GError) error = NULL;
  char *line = g_data_input_stream_read_line_utf8 (relay->out, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (line);
  return line;
}

static void
relay_start (Relay              *relay,
             const char * const *options)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) argv = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line1 = NULL;
  g_autofree char *line2 = NULL;

  g_strv_builder_add (builder, g_getenv ("NOTIFICATION_RELAY"));
  if (options != NULL)
    g_strv_builder_addv (builder, (const char **) options);
  g_strv_builder_add_many (builder, "tcp://127.0.0.1:*", "tcp://127.0.0.1:*", NULL);
  argv = g_strv_builder_end (builder);
  relay->process = g_subprocess_newv ((const char * const *) argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);
  g_assert_no_error (error);
  relay->out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (relay->process));
  line1 = relay_line (relay);
  line2 = relay_line (relay);
  g_assert_true (g_str_has_prefix (line1, "frontend "));
  g_assert_true (g_str_has_prefix (line2, "backend "));
  relay->frontend = g_strdup (line1 + strlen ("frontend "));
  relay->backend = g_strdup (line2 + strlen ("backend "));
}

static guint64
relay_statistic (Relay      *relay,
                 const char *key)
{
  g_autofree char *line = NULL;
  g_autofree char *needle = g_strconcat (" ", key, "=", NULL);
  const char *at;

  g_subprocess_send_signal (relay->process, SIGUSR1);
  line = relay_line (relay);
  at = strstr (line, needle);
  g_assert_nonnull (at);
  return g_ascii_strtoull (at + strlen (needle), NULL, 10);
}

typedef struct
{
  guint alpha[2];   /* by publisher */
  guint beta[2];
  guint other;
} Tally;

static void
tally_cb (NotificationCenter *center,
          const char         *type,
          GObject            *sender,
          GVariant           *user_info,
          gpointer            user_data)
{
  Tally *tally = user_data;
  guint32 from = 99;

  if (user_info == NULL || !g_variant_lookup (user_info, "from", "u", &from) || from > 1)
    tally->other++;
  else if (g_str_equal (type, "alpha"))
    tally->alpha[from]++;
  else if (g_str_equal (type, "beta"))
    tally->beta[from]++;
  else
    tally->other++;
}

#define N_EACH 20

/* Keys for a relay with CURVE on both sides, in a directory. */
typedef struct
{
  char   *dir;
  KeyPair front, back, client;
  char   *front_path, *back_path, *allowed_path;
} RelayKeys;

static void
relay_keys_make (RelayKeys *keys)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  keys->dir = g_dir_make_tmp ("test-zmq-relay-curve-XXXXXX", &error);
  g_assert_no_error (error);
  key_pair_make (&keys->front);
  key_pair_make (&keys->back);
  key_pair_make (&keys->client);
  keys->front_path = g_build_filename (keys->dir, "front.key", NULL);
  keys->back_path = g_build_filename (keys->dir, "back.key", NULL);
  keys->allowed_path = g_build_filename (keys->dir, "allowed", NULL);
  g_assert_true (notification_zmq_save_curve_keypair (keys->front_path, keys->front.public_key,
                                                      keys->front.secret_key, FALSE, &error));
  g_assert_true (notification_zmq_save_curve_keypair (keys->back_path, keys->back.public_key,
                                                      keys->back.secret_key, FALSE, &error));
  text = g_strdup_printf ("%s\n", keys->client.public_key);
  g_assert_true (g_file_set_contents (keys->allowed_path, text, -1, &error));
  g_assert_no_error (error);
}

static void
relay_keys_clear (RelayKeys *keys)
{
  const char *paths[] = { keys->front_path, keys->back_path, keys->allowed_path };

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autofree char *pub = g_strconcat (paths[i], ".pub", NULL);

      g_remove (paths[i]);
      g_remove (pub);
      g_free ((char *) paths[i]);
    }
  g_rmdir (keys->dir);
  g_free (keys->dir);
  key_pair_clear (&keys->front);
  key_pair_clear (&keys->back);
  key_pair_clear (&keys->client);
}

/* A bridge connecting to the relay: with @keys, as the allowed client of
 * @server_key. */
static gpointer
relay_client (GType               type,
              NotificationCenter *center,
              const char         *endpoint,
              const char         *server_key,
              RelayKeys          *keys)
{
  g_autoptr(GError) error = NULL;
  gpointer bridge = g_initable_new (type, NULL, &error,
                                    "center", center, "endpoint", endpoint,
                                    "curve-server-key", keys != NULL ? server_key : NULL,
                                    "curve-public-key", keys != NULL ? keys->client.public_key : NULL,
                                    "curve-secret-key", keys != NULL ? keys->client.secret_key : NULL,
                                    NULL);

  g_assert_no_error (error);
  return bridge;
}

static void
check_relay_real_types (gboolean curve)
{
  NotificationCenter *pub_center[2], *sub_center[2];
  NotificationZmqPublisher *pub[2];
  NotificationZmqSubscriber *sub[2];
  Tally tally[2] = { { { 0 } } };
  const char *wants[2] = { "alpha", "beta" };
  Relay relay = { 0 };
  RelayKeys keys = { 0 };
  NotificationCenter *denied_center = NULL;
  NotificationZmqSubscriber *denied = NULL;
  Tally denied_tally = { { 0 } };
  g_autoptr(GError) error = NULL;

  if (curve)
    {
      relay_keys_make (&keys);
      {
        const char *options[] = {
          "--frontend-secret-key", keys.front_path, "--frontend-allowed-keys", keys.allowed_path,
          "--backend-secret-key", keys.back_path, "--backend-allowed-keys", keys.allowed_path,
          NULL
        };
        relay_start (&relay, options);
      }
    }
  else
    relay_start (&relay, NULL);

  for (guint i = 0; i < 2; i++)
    {
      sub_center[i] = notification_center_new ();
      sub[i] = relay_client (NOTIFICATION_TYPE_ZMQ_SUBSCRIBER, sub_center[i], relay.backend,
                             keys.back.public_key, curve ? &keys : NULL);
      notification_zmq_subscriber_subscribe (sub[i], wants[i]);
      notification_center_add_observer (sub_center[i], NULL, NULL, tally_cb, &tally[i], NULL);

      pub_center[i] = notification_center_new ();
      pub[i] = relay_client (NOTIFICATION_TYPE_ZMQ_PUBLISHER, pub_center[i], relay.frontend,
                             keys.front.public_key, curve ? &keys : NULL);
    }

  if (curve)
    {
      /* a subscriber whose key is not allowed: denied at the backend */
      denied_center = notification_center_new ();
      denied = g_initable_new (NOTIFICATION_TYPE_ZMQ_SUBSCRIBER, NULL, &error,
                               "center", denied_center, "endpoint", relay.backend,
                               "curve-server-key", keys.back.public_key, NULL);
      g_assert_no_error (error);
      notification_zmq_subscriber_subscribe (denied, NULL);
      notification_center_add_observer (denied_center, NULL, NULL, tally_cb, &denied_tally, NULL);
    }

  /* demand reaches both publishers through the relay, and only that */
  for (guint p = 0; p < 2; p++)
    {
      wait_until (notification_zmq_publisher_is_wanted (pub[p], "alpha") &&
                  notification_zmq_publisher_is_wanted (pub[p], "beta"));
      g_assert_false (notification_zmq_publisher_is_wanted (pub[p], "gamma"));
      g_assert_false (zmq_exports_type (pub[p], "gamma"));
    }

  for (guint i = 0; i < N_EACH; i++)
    for (guint p = 0; p < 2; p++)
      {
        notification_center_post (pub_center[p], "alpha", NULL, g_variant_new_parsed ("{'from': <%u>}", p));
        notification_center_post (pub_center[p], "beta", NULL, g_variant_new_parsed ("{'from': <%u>}", p));
        notification_center_post (pub_center[p], "gamma", NULL, g_variant_new_parsed ("{'from': <%u>}", p));
      }

  wait_until (tally[0].alpha[0] + tally[0].alpha[1] == 2 * N_EACH &&
              tally[1].beta[0] + tally[1].beta[1] == 2 * N_EACH);
  for (guint i = 0; i < 20; i++)
    g_main_context_iteration (NULL, FALSE);
  for (guint p = 0; p < 2; p++)
    {
      g_assert_cmpuint (tally[0].alpha[p], ==, N_EACH);
      g_assert_cmpuint (tally[0].beta[p], ==, 0);
      g_assert_cmpuint (tally[1].beta[p], ==, N_EACH);
      g_assert_cmpuint (tally[1].alpha[p], ==, 0);
      g_assert_cmpuint (notification_zmq_publisher_get_n_dropped (pub[p]), ==, 0);
    }
  g_assert_cmpuint (tally[0].other, ==, 0);
  g_assert_cmpuint (tally[1].other, ==, 0);
  /* two publishers, the publishers' identities kept apart */
  g_assert_cmpuint (notification_zmq_subscriber_get_n_publishers (sub[0]), ==, 2);
  g_assert_cmpuint (notification_zmq_subscriber_get_n_gaps (sub[0]), ==, 0);

  /* gamma never left the publishers: 80 notifications went down */
  g_assert_cmpuint (relay_statistic (&relay, "down-messages"), ==, 4 * N_EACH);
  g_assert_cmpuint (relay_statistic (&relay, "up-subscriptions"), ==, 2);
  if (curve)
    {
      g_assert_cmpuint (relay_statistic (&relay, "backend-accepted"), ==, 2);
      /* the denial may still be on its way */
      for (guint i = 0; i < 100 && relay_statistic (&relay, "backend-denied") == 0; i++)
        g_usleep (50 * 1000);
      g_assert_cmpuint (relay_statistic (&relay, "backend-denied"), >=, 1);
      g_assert_cmpuint (relay_statistic (&relay, "frontend-accepted"), ==, 2);
      g_assert_cmpuint (denied_tally.alpha[0] + denied_tally.alpha[1] + denied_tally.beta[0] +
                        denied_tally.beta[1] + denied_tally.other, ==, 0);
      g_clear_object (&denied);
      g_clear_object (&denied_center);
    }

  /* the beta subscriber leaves: the publishers stop exporting beta */
  g_clear_object (&sub[1]);
  for (guint p = 0; p < 2; p++)
    wait_until (!notification_zmq_publisher_is_wanted (pub[p], "beta"));

  for (guint i = 0; i < 2; i++)
    {
      g_clear_object (&sub[i]);
      g_object_unref (pub[i]);
      g_object_unref (pub_center[i]);
      g_object_unref (sub_center[i]);
    }

  g_subprocess_send_signal (relay.process, SIGTERM);
  g_assert_true (g_subprocess_wait (relay.process, NULL, &error));
  g_assert_true (g_subprocess_get_if_exited (relay.process));
  g_assert_cmpint (g_subprocess_get_exit_status (relay.process), ==, 0);
  g_object_unref (relay.out);
  g_object_unref (relay.process);
  g_free (relay.frontend);
  g_free (relay.backend);
  if (curve)
    relay_keys_clear (&keys);
}

static void
test_relay_real_types (void)
{
  g_test_summary ("notification-relay gives each of two real subscribers exactly the type "
                  "it asked for from both real publishers, passes the demand and its end "
                  "upstream, and counts the messages and subscriptions");

  check_relay_real_types (FALSE);
}

/* The same with CURVE on both sides and one allowed client key pair
 * (every bridge here uses it), and a denied subscriber beside. */
static void
test_relay_real_types_curve (void)
{
  g_test_summary ("notification-relay with CURVE allow-lists on both sides gives each "
                  "allowed real subscriber exactly its type from both allowed publishers, "
                  "and a subscriber whose key is not allowed is denied at the backend and "
                  "gets nothing");

  check_relay_real_types (TRUE);
}

/* The tools with key files: notification-monitor binds with an
 * allow-list; a notification-post with an allowed key delivers, one with
 * another key finds no subscriber (its handshake is denied: exit 3). */
static GSubprocess *
spawn (const char * const *argv)
{
  g_autoptr(GError) error = NULL;
  GSubprocess *process = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                  G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);

  g_assert_no_error (error);
  return process;
}

static int
finish (GSubprocess  *process,
        char        **out)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;

  g_subprocess_communicate_utf8 (process, NULL, NULL, out, &err, &error);
  g_assert_no_error (error);
  if (err != NULL && *err != '\0')
    g_test_message ("stderr: %s", err);
  g_assert_true (g_subprocess_get_if_exited (process));
  return g_subprocess_get_exit_status (process);
}

static void
test_allow_tools (void)
{
  g_autofree char *dir = g_dir_make_tmp ("test-zmq-tools-curve-XXXXXX", NULL);
  g_autofree char *server = g_build_filename (dir, "server.key", NULL);
  g_autofree char *server_pub = g_strconcat (server, ".pub", NULL);
  g_autofree char *client = g_build_filename (dir, "client.key", NULL);
  g_autofree char *client_pub = g_strconcat (client, ".pub", NULL);
  g_autofree char *other = g_build_filename (dir, "other.key", NULL);
  g_autofree char *other_pub = g_strconcat (other, ".pub", NULL);
  g_autofree char *endpoint = g_strdup_printf ("ipc://%s/socket", dir);
  g_autofree char *socket_path = g_build_filename (dir, "socket", NULL);
  g_autofree char *out = NULL;
  const char *keygen = g_getenv ("NOTIFICATION_KEYGEN");
  const char *monitor_path = g_getenv ("NOTIFICATION_MONITOR");
  const char *post_path = g_getenv ("NOTIFICATION_POST");
  g_autoptr(GSubprocess) monitor = NULL;

  g_test_summary ("A binding notification-monitor with --curve-allowed-keys prints the post "
                  "of a notification-post with the allowed key, one with another key finds "
                  "no subscriber (exit 3), and an allow-list without a secret key is a "
                  "usage error (exit 2)");

  for (guint i = 0; i < 3; i++)
    {
      const char *argv[] = { keygen, i == 0 ? server : i == 1 ? client : other, NULL };
      g_autoptr(GSubprocess) process = spawn (argv);

      g_assert_cmpint (finish (process, NULL), ==, 0);
    }

  {
    const char *argv[] = { monitor_path, "--zmq-bind", endpoint, "--count", "1",
                           "--curve-secret-key", server, "--curve-allowed-keys", client_pub, NULL };
    monitor = spawn (argv);
  }
  {
    /* the other key: denied, so no subscription ever reaches the post */
    const char *argv[] = { post_path, "--zmq", endpoint, "--timeout", "1",
                           "--curve-server-key", server_pub, "--curve-secret-key", other,
                           "curve", "who='other'", NULL };
    g_autoptr(GSubprocess) post = spawn (argv);

    g_assert_cmpint (finish (post, NULL), ==, 3);
  }
  {
    const char *argv[] = { post_path, "--zmq", endpoint, "--timeout", "30",
                           "--curve-server-key", server_pub, "--curve-secret-key", client,
                           "curve", "who='client'", NULL };
    g_autoptr(GSubprocess) post = spawn (argv);

    g_assert_cmpint (finish (post, NULL), ==, 0);
  }
  g_assert_cmpint (finish (monitor, &out), ==, 0);
  g_assert_nonnull (strstr (out, "client"));
  g_assert_null (strstr (out, "other"));

  {
    /* an allow-list without a secret key is a usage error (exit 2) */
    const char *argv[] = { monitor_path, "--zmq-bind", endpoint, "--count", "1",
                           "--curve-allowed-keys", client_pub, NULL };
    g_autoptr(GSubprocess) process = spawn (argv);

    g_assert_cmpint (finish (process, NULL), ==, 2);
  }

  {
    const char *files[] = { server, server_pub, client, client_pub, other, other_pub, socket_path };

    for (guint i = 0; i < G_N_ELEMENTS (files); i++)
      g_remove (files[i]);
    g_rmdir (dir);
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/zmq/allow/publisher", test_allow_publisher);
  g_test_add_func ("/zmq/allow/subscriber", test_allow_subscriber);
  g_test_add_func ("/zmq/allow/errors", test_allow_errors);
  g_test_add_func ("/zmq/allow/after-shutdown", test_allow_after_shutdown);
  g_test_add_func ("/zmq/allow/tools", test_allow_tools);
  g_test_add_func ("/zmq/relay/real-types", test_relay_real_types);
  g_test_add_func ("/zmq/relay/real-types-curve", test_relay_real_types_curve);

  return g_test_run ();
}
