/* test-zmq-relay.c: notification-relay with raw libzmq publishers and subscribers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <signal.h>
#include <string.h>

#include <glib/gstdio.h>
#include <notification-bridge/notification-bridge.h>
#include <zmq.h>

static void *zctx;

typedef struct
{
  GSubprocess      *process;
  GDataInputStream *out;
  char             *frontend;
  char             *backend;
} Relay;

static char *
read_line (Relay *relay)
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
  g_autofree char *line = NULL;

  g_strv_builder_add (builder, g_getenv ("NOTIFICATION_RELAY"));
  for (guint i = 0; options != NULL && options[i] != NULL; i++)
    g_strv_builder_add (builder, options[i]);
  g_strv_builder_add (builder, "tcp://127.0.0.1:*");
  g_strv_builder_add (builder, "tcp://127.0.0.1:*");
  argv = g_strv_builder_end (builder);

  relay->process = g_subprocess_newv ((const char * const *) argv,
                                      G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);
  g_assert_no_error (error);
  relay->out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (relay->process));

  line = read_line (relay);
  g_assert_true (g_str_has_prefix (line, "frontend tcp://127.0.0.1:"));
  relay->frontend = g_strdup (line + strlen ("frontend "));
  g_free (line);
  line = read_line (relay);
  g_assert_true (g_str_has_prefix (line, "backend tcp://127.0.0.1:"));
  relay->backend = g_strdup (line + strlen ("backend "));
}

/* SIGUSR1, then the value of @key in the statistics line. */
static guint64
relay_statistic (Relay      *relay,
                 const char *key)
{
  g_autofree char *line = NULL;
  g_autofree char *needle = g_strconcat (" ", key, "=", NULL);
  const char *at;

  g_subprocess_send_signal (relay->process, SIGUSR1);
  line = read_line (relay);
  g_assert_true (g_str_has_prefix (line, "statistics:"));
  at = strstr (line, needle);
  g_assert_nonnull (at);
  return g_ascii_strtoull (at + strlen (needle), NULL, 10);
}

static void
relay_stop (Relay *relay)
{
  g_autoptr(GError) error = NULL;

  g_subprocess_send_signal (relay->process, SIGTERM);
  g_assert_true (g_subprocess_wait (relay->process, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (relay->process));
  g_assert_cmpint (g_subprocess_get_exit_status (relay->process), ==, 0);
  g_clear_object (&relay->out);
  g_clear_object (&relay->process);
  g_free (relay->frontend);
  g_free (relay->backend);
}

static void *
socket_new (int type)
{
  void *socket = zmq_socket (zctx, type);
  int linger = 0;

  g_assert_nonnull (socket);
  zmq_setsockopt (socket, ZMQ_LINGER, &linger, sizeof linger);
  return socket;
}

static void
set_curve_client (void       *socket,
                  const char *server_public,
                  const char *public_key,
                  const char *secret_key)
{
  g_assert_cmpint (zmq_setsockopt (socket, ZMQ_CURVE_SERVERKEY, server_public, 40), ==, 0);
  g_assert_cmpint (zmq_setsockopt (socket, ZMQ_CURVE_PUBLICKEY, public_key, 40), ==, 0);
  g_assert_cmpint (zmq_setsockopt (socket, ZMQ_CURVE_SECRETKEY, secret_key, 40), ==, 0);
}

/* One message received within @ms, as "TOPIC|BODY", or NULL. */
static char *
receive (void *socket,
         int   ms)
{
  zmq_pollitem_t item = { socket, 0, ZMQ_POLLIN, 0 };
  char topic[64] = "", body[64] = "";
  int n, m, more = 0;
  size_t len = sizeof more;

  if (zmq_poll (&item, 1, ms) <= 0)
    return NULL;
  n = zmq_recv (socket, topic, sizeof topic - 1, 0);
  g_assert_cmpint (n, >=, 0);
  zmq_getsockopt (socket, ZMQ_RCVMORE, &more, &len);
  if (!more)
    {
      /* a subscription starts with a NUL byte (unsubscribe): copy all */
      char *copy = g_malloc0 (n + 1);

      memcpy (copy, topic, n);
      return copy;
    }
  m = zmq_recv (socket, body, sizeof body - 1, 0);
  g_assert_cmpint (m, >=, 0);
  return g_strdup_printf ("%.*s|%.*s", n, topic, m, body);
}

/* Waits until the XPUB @publisher sees @subscription (first byte 1 =
 * subscribe, 0 = unsubscribe, then the topic). */
static void
await_subscription (void       *publisher,
                    char        kind,
                    const char *topic)
{
  gint64 end = g_get_monotonic_time () + 10 * G_TIME_SPAN_SECOND;

  while (g_get_monotonic_time () < end)
    {
      g_autofree char *got = receive (publisher, 100);

      if (got != NULL && got[0] == kind && strcmp (got + 1, topic) == 0)
        return;
    }
  g_error ("no %ssubscription to “%s” reached the publisher", kind ? "" : "un", topic);
}

static void
publish (void       *publisher,
         const char *topic,
         const char *body)
{
  g_assert_cmpint (zmq_send (publisher, topic, strlen (topic), ZMQ_SNDMORE), ==, (int) strlen (topic));
  g_assert_cmpint (zmq_send (publisher, body, strlen (body), 0), ==, (int) strlen (body));
}

#define N_EACH 50

/* Two publishers, two subscribers: each subscriber gets exactly the
 * types it asked for, from both publishers; the publishers learn the
 * demand through the relay (and its end); SIGUSR1 counts all of it. */
static void
test_relay_two_by_two (void)
{
  Relay relay = { 0 };
  void *pub[2], *sub_alpha, *sub_beta;
  GHashTable *seen;
  guint n_alpha = 0, n_beta = 0;
  char *got;

  g_test_summary ("notification-relay gives each raw subscriber exactly the types it asked "
                  "for from both raw publishers, passes demand and its end to every "
                  "publisher, a late one included, and counts messages and subscriptions on "
                  "SIGUSR1");

  relay_start (&relay, NULL);

  sub_alpha = socket_new (ZMQ_SUB);
  zmq_setsockopt (sub_alpha, ZMQ_SUBSCRIBE, "alpha", 5);
  g_assert_cmpint (zmq_connect (sub_alpha, relay.backend), ==, 0);
  sub_beta = socket_new (ZMQ_SUB);
  zmq_setsockopt (sub_beta, ZMQ_SUBSCRIBE, "beta", 4);
  g_assert_cmpint (zmq_connect (sub_beta, relay.backend), ==, 0);

  for (guint p = 0; p < 2; p++)
    {
      pub[p] = socket_new (ZMQ_XPUB);
      g_assert_cmpint (zmq_connect (pub[p], relay.frontend), ==, 0);
    }
  /* demand through the relay: both types reach both publishers (the
   * order of the two subscriptions is not fixed) */
  for (guint p = 0; p < 2; p++)
    {
      gboolean alpha = FALSE, beta = FALSE;
      gint64 end = g_get_monotonic_time () + 10 * G_TIME_SPAN_SECOND;

      while ((!alpha || !beta) && g_get_monotonic_time () < end)
        {
          g_autofree char *s = receive (pub[p], 100);

          if (s == NULL)
            continue;
          alpha |= strcmp (s, "\001alpha") == 0;
          beta |= strcmp (s, "\001beta") == 0;
        }
      g_assert_true (alpha && beta);
    }

  for (guint i = 0; i < N_EACH; i++)
    for (guint p = 0; p < 2; p++)
      {
        g_autofree char *body = g_strdup_printf ("p%u-%u", p, i);

        publish (pub[p], "alpha", body);
        publish (pub[p], "beta", body);
        publish (pub[p], "gamma", body);   /* nobody wants it: not sent */
      }

  seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  while ((got = receive (sub_alpha, 1000)) != NULL)
    {
      g_assert_true (g_str_has_prefix (got, "alpha|p"));
      g_assert_true (g_hash_table_add (seen, got));   /* no duplicates */
      n_alpha++;
      if (n_alpha == 2 * N_EACH)
        break;
    }
  while ((got = receive (sub_beta, 1000)) != NULL)
    {
      g_assert_true (g_str_has_prefix (got, "beta|p"));
      g_assert_true (g_hash_table_add (seen, got));
      n_beta++;
      if (n_beta == 2 * N_EACH)
        break;
    }
  g_assert_cmpuint (n_alpha, ==, 2 * N_EACH);
  g_assert_cmpuint (n_beta, ==, 2 * N_EACH);
  g_assert_true (g_hash_table_contains (seen, "alpha|p0-0"));
  g_assert_true (g_hash_table_contains (seen, "alpha|p1-49"));
  g_assert_true (g_hash_table_contains (seen, "beta|p1-0"));
  g_assert_true (g_hash_table_contains (seen, "beta|p0-49"));
  g_hash_table_unref (seen);
  /* and nothing more (gamma never, the other type never) */
  g_assert_null (receive (sub_alpha, 100));
  g_assert_null (receive (sub_beta, 1));

  /* 200 notifications down (gamma filtered at the publishers), two
   * subscription messages up */
  g_assert_cmpuint (relay_statistic (&relay, "down-messages"), ==, 4 * N_EACH);
  g_assert_cmpuint (relay_statistic (&relay, "down-sent-messages"), ==, 4 * N_EACH);
  g_assert_cmpuint (relay_statistic (&relay, "up-subscriptions"), ==, 2);

  /* the last subscriber of beta leaves: both publishers learn it */
  zmq_close (sub_beta);
  for (guint p = 0; p < 2; p++)
    await_subscription (pub[p], 0, "beta");
  g_assert_cmpuint (relay_statistic (&relay, "up-subscriptions"), ==, 3);

  /* a publisher that joins later learns the standing demand */
  {
    void *late = socket_new (ZMQ_XPUB);

    g_assert_cmpint (zmq_connect (late, relay.frontend), ==, 0);
    await_subscription (late, 1, "alpha");
    publish (late, "alpha", "late");
    got = receive (sub_alpha, 5000);
    g_assert_cmpstr (got, ==, "alpha|late");
    g_free (got);
    zmq_close (late);
  }

  zmq_close (sub_alpha);
  zmq_close (pub[0]);
  zmq_close (pub[1]);
  relay_stop (&relay);
}

typedef struct
{
  char public_key[41];
  char secret_key[41];
} KeyPair;

static void
make_keys (const char *dir,
           const char *name,
           KeyPair    *pair,
           char      **path)
{
  g_autofree char *pub = NULL;
  g_autofree char *sec = NULL;
  g_autoptr(GError) error = NULL;

  *path = g_build_filename (dir, name, NULL);
  g_assert_true (notification_zmq_generate_curve_keypair (&pub, &sec, &error));
  g_assert_true (notification_zmq_save_curve_keypair (*path, pub, sec, FALSE, &error));
  g_assert_no_error (error);
  g_strlcpy (pair->public_key, pub, sizeof pair->public_key);
  g_strlcpy (pair->secret_key, sec, sizeof pair->secret_key);
}

/* CURVE on both sides with allow-lists: the allowed publisher's
 * notifications reach the allowed subscriber; the other subscriber gets
 * nothing, the other publisher delivers nothing; denials counted. */
static void
test_relay_curve (void)
{
  g_autofree char *dir = g_dir_make_tmp ("test-zmq-relay-XXXXXX", NULL);
  g_autofree char *front_path = NULL, *back_path = NULL, *pub_path = NULL;
  g_autofree char *sub_path = NULL, *other_path = NULL;
  g_autofree char *front_allowed = g_build_filename (dir, "publishers.allowed", NULL);
  g_autofree char *back_allowed = g_build_filename (dir, "subscribers.allowed", NULL);
  g_autofree char *text = NULL;
  KeyPair front, back, pub_keys, sub_keys, other;
  Relay relay = { 0 };
  void *pub, *bad_pub, *sub, *bad_sub;
  gint64 end;
  gboolean got_good = FALSE;

  g_test_summary ("notification-relay with CURVE allow-lists on both sides passes the "
                  "allowed subscriber's demand to the allowed publisher only and its posts "
                  "to the allowed subscriber only, nothing from the other publisher, and "
                  "counts acceptances and denials");

  g_assert_nonnull (dir);
  make_keys (dir, "frontend.key", &front, &front_path);
  make_keys (dir, "backend.key", &back, &back_path);
  make_keys (dir, "publisher.key", &pub_keys, &pub_path);
  make_keys (dir, "subscriber.key", &sub_keys, &sub_path);
  make_keys (dir, "other.key", &other, &other_path);
  text = g_strdup_printf ("# publishers\n%s\n", pub_keys.public_key);
  g_assert_true (g_file_set_contents (front_allowed, text, -1, NULL));
  g_free (text);
  text = g_strdup_printf ("# subscribers\n%s\n", sub_keys.public_key);
  g_assert_true (g_file_set_contents (back_allowed, text, -1, NULL));

  {
    const char *options[] = {
      "--frontend-secret-key", front_path, "--frontend-allowed-keys", front_allowed,
      "--backend-secret-key", back_path, "--backend-allowed-keys", back_allowed,
      NULL
    };
    relay_start (&relay, options);
  }

  sub = socket_new (ZMQ_SUB);
  set_curve_client (sub, back.public_key, sub_keys.public_key, sub_keys.secret_key);
  zmq_setsockopt (sub, ZMQ_SUBSCRIBE, "t", 1);
  g_assert_cmpint (zmq_connect (sub, relay.backend), ==, 0);
  bad_sub = socket_new (ZMQ_SUB);
  set_curve_client (bad_sub, back.public_key, other.public_key, other.secret_key);
  zmq_setsockopt (bad_sub, ZMQ_SUBSCRIBE, "", 0);
  g_assert_cmpint (zmq_connect (bad_sub, relay.backend), ==, 0);

  pub = socket_new (ZMQ_XPUB);
  set_curve_client (pub, front.public_key, pub_keys.public_key, pub_keys.secret_key);
  g_assert_cmpint (zmq_connect (pub, relay.frontend), ==, 0);
  bad_pub = socket_new (ZMQ_XPUB);
  set_curve_client (bad_pub, front.public_key, other.public_key, other.secret_key);
  g_assert_cmpint (zmq_connect (bad_pub, relay.frontend), ==, 0);

  /* the allowed subscriber's demand reaches the allowed publisher only */
  await_subscription (pub, 1, "t");
  g_assert_null (receive (bad_pub, 300));

  end = g_get_monotonic_time () + 2 * G_TIME_SPAN_SECOND;
  while (g_get_monotonic_time () < end)
    {
      g_autofree char *got = NULL;

      publish (pub, "t", "good");
      zmq_send (bad_pub, "t", 1, ZMQ_SNDMORE | ZMQ_DONTWAIT);
      zmq_send (bad_pub, "bad", 3, ZMQ_DONTWAIT);
      got = receive (sub, 20);
      if (got != NULL)
        {
          g_assert_cmpstr (got, ==, "t|good");
          got_good = TRUE;
        }
      g_clear_pointer (&got, g_free);
      got = receive (bad_sub, 0);
      g_assert_null (got);
    }
  g_assert_true (got_good);

  g_assert_cmpuint (relay_statistic (&relay, "frontend-accepted"), ==, 1);
  g_assert_cmpuint (relay_statistic (&relay, "frontend-denied"), >=, 1);
  g_assert_cmpuint (relay_statistic (&relay, "backend-accepted"), ==, 1);
  g_assert_cmpuint (relay_statistic (&relay, "backend-denied"), >=, 1);

  zmq_close (pub);
  zmq_close (bad_pub);
  zmq_close (sub);
  zmq_close (bad_sub);
  relay_stop (&relay);

  for (guint i = 0; i < 2; i++)
    {
      const char *files[] = { front_path, back_path, pub_path, sub_path, other_path };
      for (guint f = 0; f < G_N_ELEMENTS (files); f++)
        {
          g_autofree char *p = i == 0 ? g_strdup (files[f]) : g_strconcat (files[f], ".pub", NULL);
          g_remove (p);
        }
    }
  g_remove (front_allowed);
  g_remove (back_allowed);
  g_rmdir (dir);
}

static int
run_status (const char * const *argv,
            char              **err)
{
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;

  process = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                     G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, NULL, err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  return g_subprocess_get_exit_status (process);
}

/* Exit codes: --help 0; bad arguments 2, with plain TCP on an
 * address other than loopback among them; a missing key file 1. */
static void
test_relay_usage (void)
{
  const char *relay = g_getenv ("NOTIFICATION_RELAY");
  g_autofree char *err = NULL;

  g_test_summary ("notification-relay exits 0 for --help, 2 for bad arguments, a missing "
                  "allow-list file or plain TCP bound beyond loopback, and 1 for a missing "
                  "secret key file or a failed bind");

  {
    const char *argv[] = { relay, "--help", NULL };
    g_assert_cmpint (run_status (argv, &err), ==, 0);
    g_clear_pointer (&err, g_free);
  }
  {
    const char *argv[] = { relay, "tcp://127.0.0.1:*", NULL };
    g_assert_cmpint (run_status (argv, &err), ==, 2);
    g_clear_pointer (&err, g_free);
  }
  {
    const char *argv[] = { relay, "tcp://0.0.0.0:*", "tcp://127.0.0.1:*", NULL };
    g_assert_cmpint (run_status (argv, &err), ==, 2);
    g_assert_nonnull (strstr (err, "refusing"));
    g_clear_pointer (&err, g_free);
  }
  {
    const char *argv[] = { relay, "tcp://127.0.0.1:*", "tcp://*:*", NULL };
    g_assert_cmpint (run_status (argv, &err), ==, 2);
    g_clear_pointer (&err, g_free);
  }
  {
    const char *argv[] = { relay, "--backend-allowed-keys", "/nonexistent",
                           "tcp://127.0.0.1:*", "tcp://127.0.0.1:*", NULL };
    g_assert_cmpint (run_status (argv, &err), ==, 2);
    g_clear_pointer (&err, g_free);
  }
  {
    const char *argv[] = { relay, "--backend-secret-key", "/nonexistent/key",
                           "tcp://127.0.0.1:*", "tcp://127.0.0.1:*", NULL };
    g_assert_cmpint (run_status (argv, &err), ==, 1);
    g_assert_nonnull (strstr (err, "/nonexistent/key"));
    g_clear_pointer (&err, g_free);
  }
  {
    const char *argv[] = { relay, "tcp://127.0.0.1:1", "tcp://127.0.0.1:1", NULL };
    /* the second bind of one port fails at run time */
    g_assert_cmpint (run_status (argv, &err), ==, 1);
    g_clear_pointer (&err, g_free);
  }
}

/* --allow-insecure lets a plain side bind to every address. */
static void
test_relay_allow_insecure (void)
{
  const char *argv[] = { g_getenv ("NOTIFICATION_RELAY"), "--allow-insecure",
                         "tcp://0.0.0.0:*", "ipc:///nonexistent-dir/x", NULL };
  g_autofree char *err = NULL;

  g_test_summary ("notification-relay --allow-insecure binds plain TCP to every address, "
                  "failing only at the bad ipc:// backend (exit 1, no refusal)");

  /* gets past the refusal: fails only at the ipc bind (exit 1, not 2) */
  g_assert_cmpint (run_status (argv, &err), ==, 1);
  g_assert_null (strstr (err, "refusing"));
  g_assert_nonnull (strstr (err, "backend"));
}

/* notification-keygen: makes the two files, prints the public key
 * (never the secret one), refuses to replace without --force; --public
 * prints the public key of a secret key file. */
static void
test_keygen (void)
{
  const char *keygen = g_getenv ("NOTIFICATION_KEYGEN");
  g_autofree char *dir = g_dir_make_tmp ("test-keygen-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "host.key", NULL);
  g_autofree char *pub_path = g_strconcat (path, ".pub", NULL);
  g_autofree char *out = NULL, *err = NULL, *again = NULL;
  g_autofree char *public_key = NULL, *secret_key = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  GStatBuf st;

  g_test_summary ("notification-keygen writes a 0600 key file and a public file and prints "
                  "the public key only, refuses to replace them without --force, prints a "
                  "secret key file's public key with --public, and fails on bad arguments "
                  "or paths");

  {
    const char *argv[] = { keygen, path, NULL };

    process = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);
    g_assert_no_error (error);
    g_subprocess_communicate_utf8 (process, NULL, NULL, &out, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);
    g_clear_object (&process);
  }
  g_strstrip (out);
  g_assert_true (notification_zmq_curve_key_is_valid (out));
  g_assert_true (notification_zmq_load_curve_keypair (path, &public_key, &secret_key, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (out, ==, public_key);
  g_assert_null (strstr (out, secret_key));
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_true (g_file_test (pub_path, G_FILE_TEST_IS_REGULAR));

  {
    const char *argv[] = { keygen, path, NULL };
    g_assert_cmpint (run_status (argv, &err), ==, 1);
    g_assert_nonnull (strstr (err, "exists"));
    g_clear_pointer (&err, g_free);
  }
  {
    const char *argv[] = { keygen, "--public", path, NULL };

    process = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);
    g_subprocess_communicate_utf8 (process, NULL, NULL, &again, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);
    g_clear_object (&process);
    g_assert_cmpstr (g_strstrip (again), ==, public_key);
  }
  {
    const char *argv[] = { keygen, "--force", path, NULL };
    g_assert_cmpint (run_status (argv, &err), ==, 0);
    g_clear_pointer (&err, g_free);
  }
  {
    const char *argv[] = { keygen, NULL };
    g_assert_cmpint (run_status (argv, &err), ==, 2);
    g_clear_pointer (&err, g_free);
  }
  {
    const char *argv[] = { keygen, "--help", NULL };
    g_assert_cmpint (run_status (argv, &err), ==, 0);
    g_clear_pointer (&err, g_free);
  }
  {
    const char *argv[] = { keygen, "--public", pub_path, NULL };
    /* a public file is readable by others: refused as a secret key */
    g_assert_cmpint (run_status (argv, &err), ==, 1);
    g_clear_pointer (&err, g_free);
  }
  {
    g_autofree char *nowhere = g_build_filename (dir, "no", "such", "dir", NULL);
    const char *argv[] = { keygen, nowhere, NULL };
    g_assert_cmpint (run_status (argv, &err), ==, 1);
  }

  g_remove (path);
  g_remove (pub_path);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  int rc;

  g_test_init (&argc, &argv, NULL);

  zctx = zmq_ctx_new ();
  g_test_add_func ("/zmq/relay/two-by-two", test_relay_two_by_two);
  if (zmq_has ("curve"))
    g_test_add_func ("/zmq/relay/curve", test_relay_curve);
  g_test_add_func ("/zmq/relay/usage", test_relay_usage);
  g_test_add_func ("/zmq/relay/allow-insecure", test_relay_allow_insecure);
  if (zmq_has ("curve"))
    g_test_add_func ("/zmq/keygen", test_keygen);

  rc = g_test_run ();
  zmq_ctx_term (zctx);
  return rc;
}
