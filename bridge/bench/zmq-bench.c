/* zmq-bench: the ZeroMQ bridge beside raw libzmq (doc/zeromq-bridge.md,
 * Benchmark)
 *
 *   zmq-bench [--quick] [--curve] [--rounds=N]
 *
 * In one run, over tcp://127.0.0.1, one process, two threads (each side
 * its own thread and GMainContext), a notification with a 2-key user
 * info ({'out_string': <'…'>, 'n': <int32 …>}):
 *
 * 1. throughput: notifications per second from posts on center A,
 *    through a NotificationZmqPublisher and a NotificationZmqSubscriber,
 *    to an observer on center B; beside raw PUB → SUB of the same two
 *    frames (the same sizes, byte for byte the bridge's frames);
 * 2. latency: a round trip ping → pong through two bridge pairs (A's
 *    post reaches B's observer, which posts the answer back), beside raw
 *    PUB/SUB ping-pong over the same two socket pairs: median and p99.
 *
 * Each round measures raw and bridge back to back, and the ratios are
 * taken within a round: the machine's state (other work, CPU frequency,
 * how fast threads wake up, which moves a round trip between about 30
 * and 600 µs here) changes between rounds more than the bridge does.
 * The summary is the median over rounds of each round's ratio (five
 * rounds, one with --quick).
 *
 * With --curve, both are measured with CURVE on every socket; with
 * --allow-list as well, the bridges that bind also check the client's
 * key against an allow-list (the ZAP handler, asked once per
 * connection). The bridge runs with high-water mark 0 (unbounded) like
 * the raw sockets, so that nothing is dropped; the publisher's drops are
 * printed anyway.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include <notification-bridge/notification-bridge.h>
#include "notification-zmq-wire-private.h"

static gboolean opt_curve;
static gboolean opt_allow_list;
static char server_public[41], server_secret[41], client_public[41], client_secret[41];

static GVariant *
make_info (gint32 n)
{
  GVariantBuilder builder;

  g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&builder, "{sv}", "out_string",
                         g_variant_new_string ("a line of output, as a kernel prints it\n"));
  g_variant_builder_add (&builder, "{sv}", "n", g_variant_new_int32 (n));
  return g_variant_ref_sink (g_variant_builder_end (&builder));
}

static int
compare_gint64 (gconstpointer a, gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

static void
percentiles (GArray *samples, double *median, double *p99)
{
  g_array_sort (samples, compare_gint64);
  *median = g_array_index (samples, gint64, samples->len / 2);
  *p99 = g_array_index (samples, gint64, MIN (samples->len - 1, samples->len * 99 / 100));
}

/* Raw libzmq */

static int
compare_double (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

/* One line of the summary: the median of @ratios and their range. */
static void
print_ratio (const char *what,
             GArray     *ratios)
{
  double median;

  g_array_sort (ratios, compare_double);
  median = ratios->len % 2 == 1
    ? g_array_index (ratios, double, ratios->len / 2)
    : (g_array_index (ratios, double, ratios->len / 2 - 1) + g_array_index (ratios, double, ratios->len / 2)) / 2;
  printf ("| %s | %.2f× | %.2f–%.2f× |\n", what, median,
          g_array_index (ratios, double, 0), g_array_index (ratios, double, ratios->len - 1));
}

static void
raw_curve (void *socket, gboolean server)
{
  int one = 1;

  if (!opt_curve)
    return;
  if (server)
    {
      zmq_setsockopt (socket, ZMQ_CURVE_SERVER, &one, sizeof one);
      zmq_setsockopt (socket, ZMQ_CURVE_SECRETKEY, server_secret, 40);
    }
  else
    {
      zmq_setsockopt (socket, ZMQ_CURVE_SERVERKEY, server_public, 40);
      zmq_setsockopt (socket, ZMQ_CURVE_PUBLICKEY, client_public, 40);
      zmq_setsockopt (socket, ZMQ_CURVE_SECRETKEY, client_secret, 40);
    }
}

static void *
raw_socket (void *ctx, int type, gboolean server)
{
  void *socket = zmq_socket (ctx, type);
  int zero = 0, linger = 1000;

  zmq_setsockopt (socket, ZMQ_SNDHWM, &zero, sizeof zero);
  zmq_setsockopt (socket, ZMQ_RCVHWM, &zero, sizeof zero);
  zmq_setsockopt (socket, ZMQ_LINGER, &linger, sizeof linger);
  raw_curve (socket, server);
  return socket;
}

static char *
bind_any (void *socket)
{
  char endpoint[256];
  size_t len = sizeof endpoint;

  if (zmq_bind (socket, "tcp://127.0.0.1:*") != 0)
    g_error ("bind: %s", zmq_strerror (zmq_errno ()));
  zmq_getsockopt (socket, ZMQ_LAST_ENDPOINT, endpoint, &len);
  return g_strdup (endpoint);
}

typedef struct
{
  void *socket;
  guint n;
  gint64 done;
} RawReceiver;

static gpointer
raw_receive_thread (gpointer data)
{
  RawReceiver *r = data;
  char buffer[4096];

  for (guint i = 0; i < r->n; i++)
    {
      int more = 1;
      size_t len = sizeof more;

      while (more)
        {
          if (zmq_recv (r->socket, buffer, sizeof buffer, 0) < 0)
            g_error ("recv: %s", zmq_strerror (zmq_errno ()));
          zmq_getsockopt (r->socket, ZMQ_RCVMORE, &more, &len);
        }
    }
  r->done = g_get_monotonic_time ();
  return NULL;
}

/* Waits until a SUB connected to @pub is really subscribed: sends
 * probes until one arrives (PUB drops what nobody subscribed to yet). */
static void
raw_join (void *pub, void *sub, GBytes *topic, GBytes *body)
{
  char buffer[4096];

  for (;;)
    {
      zmq_pollitem_t item = { sub, 0, ZMQ_POLLIN, 0 };

      zmq_send (pub, g_bytes_get_data (topic, NULL), g_bytes_get_size (topic), ZMQ_SNDMORE);
      zmq_send (pub, g_bytes_get_data (body, NULL), g_bytes_get_size (body), 0);
      if (zmq_poll (&item, 1, 10) == 1)
        {
          zmq_recv (sub, buffer, sizeof buffer, 0);
          zmq_recv (sub, buffer, sizeof buffer, 0);
          /* drain the other probes */
          while (zmq_poll (&item, 1, 50) == 1)
            {
              zmq_recv (sub, buffer, sizeof buffer, 0);
              zmq_recv (sub, buffer, sizeof buffer, 0);
            }
          return;
        }
    }
}

static double
raw_throughput (void *ctx, guint n, GBytes *topic, GBytes *body)
{
  void *pub = raw_socket (ctx, ZMQ_PUB, TRUE);
  void *sub = raw_socket (ctx, ZMQ_SUB, FALSE);
  g_autofree char *endpoint = bind_any (pub);
  RawReceiver r = { sub, n, 0 };
  GThread *thread;
  gint64 start;

  zmq_setsockopt (sub, ZMQ_SUBSCRIBE, "", 0);
  zmq_connect (sub, endpoint);
  raw_join (pub, sub, topic, body);

  thread = g_thread_new ("raw-sub", raw_receive_thread, &r);
  start = g_get_monotonic_time ();
  for (guint i = 0; i < n; i++)
    {
      zmq_send (pub, g_bytes_get_data (topic, NULL), g_bytes_get_size (topic), ZMQ_SNDMORE);
      zmq_send (pub, g_bytes_get_data (body, NULL), g_bytes_get_size (body), 0);
    }
  g_thread_join (thread);
  zmq_close (pub);
  zmq_close (sub);
  return n / ((r.done - start) / 1e6);
}

typedef struct
{
  void *sub;   /* pings in */
  void *pub;   /* pongs out */
  guint n;
} RawEcho;

static gpointer
raw_echo_thread (gpointer data)
{
  RawEcho *e = data;
  char topic[256], body[4096];

  for (guint i = 0; i < e->n; i++)
    {
      int t = zmq_recv (e->sub, topic, sizeof topic, 0);
      int b = zmq_recv (e->sub, body, sizeof body, 0);

      zmq_send (e->pub, topic, t, ZMQ_SNDMORE);
      zmq_send (e->pub, body, b, 0);
    }
  return NULL;
}

static void
raw_latency (void *ctx, guint warmup, guint n, GBytes *topic, GBytes *body,
             double *median, double *p99)
{
  void *ping_pub = raw_socket (ctx, ZMQ_PUB, TRUE), *ping_sub = raw_socket (ctx, ZMQ_SUB, FALSE);
  void *pong_pub = raw_socket (ctx, ZMQ_PUB, TRUE), *pong_sub = raw_socket (ctx, ZMQ_SUB, FALSE);
  g_autofree char *ping_endpoint = bind_any (ping_pub);
  g_autofree char *pong_endpoint = bind_any (pong_pub);
  g_autoptr(GArray) samples = g_array_new (FALSE, FALSE, sizeof (gint64));
  RawEcho e = { ping_sub, pong_pub, warmup + n };
  char buffer[4096];
  GThread *thread;

  zmq_setsockopt (ping_sub, ZMQ_SUBSCRIBE, "", 0);
  zmq_setsockopt (pong_sub, ZMQ_SUBSCRIBE, "", 0);
  zmq_connect (ping_sub, ping_endpoint);
  zmq_connect (pong_sub, pong_endpoint);
  raw_join (ping_pub, ping_sub, topic, body);
  raw_join (pong_pub, pong_sub, topic, body);

  thread = g_thread_new ("raw-echo", raw_echo_thread, &e);
  for (guint i = 0; i < warmup + n; i++)
    {
      gint64 start = g_get_monotonic_time (), rtt;

      zmq_send (ping_pub, g_bytes_get_data (topic, NULL), g_bytes_get_size (topic), ZMQ_SNDMORE);
      zmq_send (ping_pub, g_bytes_get_data (body, NULL), g_bytes_get_size (body), 0);
      zmq_recv (pong_sub, buffer, sizeof buffer, 0);
      zmq_recv (pong_sub, buffer, sizeof buffer, 0);
      rtt = g_get_monotonic_time () - start;
      if (i >= warmup)
        g_array_append_val (samples, rtt);
    }
  g_thread_join (thread);
  zmq_close (ping_pub);
  zmq_close (ping_sub);
  zmq_close (pong_pub);
  zmq_close (pong_sub);
  percentiles (samples, median, p99);
}

/* Through the bridge */

static gpointer
bridge_new (GType type, NotificationCenter *center, const char *endpoint, gboolean bind)
{
  GError *error = NULL;
  /* --allow-list: the binding side also checks the client's key (ZAP) */
  const char *allowed[] = { client_public, NULL };
  gpointer bridge = g_initable_new (type, NULL, &error,
                                    "center", center, "endpoint", endpoint, "bind", bind,
                                    "high-water-mark", 0,
                                    "curve-secret-key", !opt_curve ? NULL : bind ? server_secret : client_secret,
                                    "curve-public-key", opt_curve && !bind ? client_public : NULL,
                                    "curve-server-key", opt_curve && !bind ? server_public : NULL,
                                    "curve-allowed-keys", opt_allow_list && bind ? allowed : NULL,
                                    NULL);
  if (bridge == NULL)
    g_error ("%s", error->message);
  return bridge;
}

typedef struct
{
  /* in */
  char *endpoint;           /* the publisher's, to connect to */
  guint n;
  gboolean echo;            /* latency: answer each "ping" with a "pong" */
  /* the thread's */
  GMainContext *context;
  NotificationCenter *center;
  NotificationZmqPublisher *pong_pub;
  char *pong_endpoint;
  GMutex lock;
  GCond cond;
  gboolean ready, stop;
  guint received;
  gint64 done;
} Side;

static void
count_cb (NotificationCenter *center, const char *type, GObject *sender,
          GVariant *user_info, gpointer user_data)
{
  Side *side = user_data;

  if (++side->received == side->n)
    side->done = g_get_monotonic_time ();
}

static void
echo_cb (NotificationCenter *center, const char *type, GObject *sender,
         GVariant *user_info, gpointer user_data)
{
  Side *side = user_data;

  side->received++;
  notification_center_post (side->center, "pong", NULL, user_info);
}

static gpointer
side_thread (gpointer data)
{
  Side *side = data;
  NotificationZmqSubscriber *sub;

  side->context = g_main_context_new ();
  g_main_context_push_thread_default (side->context);
  side->center = notification_center_new ();
  sub = bridge_new (NOTIFICATION_TYPE_ZMQ_SUBSCRIBER, side->center, side->endpoint, FALSE);
  if (side->echo)
    {
      side->pong_pub = bridge_new (NOTIFICATION_TYPE_ZMQ_PUBLISHER, side->center, "tcp://127.0.0.1:*", TRUE);
      side->pong_endpoint = notification_zmq_bridge_dup_last_endpoint (NOTIFICATION_ZMQ_BRIDGE (side->pong_pub));
      notification_center_add_observer (side->center, "ping", NULL, echo_cb, side, NULL);
      notification_zmq_subscriber_subscribe (sub, "ping");
    }
  else
    {
      notification_center_add_observer (side->center, "burst", NULL, count_cb, side, NULL);
      notification_zmq_subscriber_subscribe (sub, "burst");
    }

  g_mutex_lock (&side->lock);
  side->ready = TRUE;
  g_cond_signal (&side->cond);
  g_mutex_unlock (&side->lock);

  while (!g_atomic_int_get (&side->stop) && (side->echo || side->done == 0))
    g_main_context_iteration (side->context, TRUE);

  g_clear_object (&side->pong_pub);
  g_object_unref (sub);
  g_clear_object (&side->center);
  g_main_context_pop_thread_default (side->context);
  g_main_context_unref (side->context);
  return NULL;
}

static void
side_start (Side *side, GThread **thread)
{
  g_mutex_init (&side->lock);
  g_cond_init (&side->cond);
  *thread = g_thread_new ("bridge-side", side_thread, side);
  g_mutex_lock (&side->lock);
  while (!side->ready)
    g_cond_wait (&side->cond, &side->lock);
  g_mutex_unlock (&side->lock);
}

static gboolean
stop_cb (gpointer data)
{
  Side *side = data;

  g_atomic_int_set (&side->stop, TRUE);
  return G_SOURCE_REMOVE;
}

static void
side_stop (Side *side, GThread *thread)
{
  g_main_context_invoke (side->context, stop_cb, side);
  g_thread_join (thread);
  g_mutex_clear (&side->lock);
  g_cond_clear (&side->cond);
  g_free (side->endpoint);
  g_free (side->pong_endpoint);
}

static double
bridge_throughput (guint n, GVariant *info, guint64 *dropped)
{
  g_autoptr(NotificationCenter) a = notification_center_new ();
  NotificationZmqPublisher *pub = bridge_new (NOTIFICATION_TYPE_ZMQ_PUBLISHER, a, "tcp://127.0.0.1:*", TRUE);
  NotificationBridge *pb = NOTIFICATION_BRIDGE (pub);
  Side side = { 0 };
  GThread *thread;
  gint64 start;
  guint posted = 0;

  side.endpoint = notification_zmq_bridge_dup_last_endpoint (NOTIFICATION_ZMQ_BRIDGE (pub));
  side.n = n;
  side_start (&side, &thread);
  while (!notification_zmq_publisher_is_wanted (pub, "burst"))
    g_main_context_iteration (NULL, TRUE);

  /* posts in batches below the center's queue limit, run by the
   * publisher's context (this thread) */
  start = g_get_monotonic_time ();
  while (posted < n)
    {
      guint batch = MIN (1024, n - posted);

      for (guint i = 0; i < batch; i++)
        notification_center_post (a, "burst", NULL, info);
      posted += batch;
      while (notification_bridge_get_n_sent (pb) < posted)
        g_main_context_iteration (NULL, TRUE);
    }
  *dropped = notification_zmq_publisher_get_n_dropped (pub);
  if (*dropped > 0)
    g_atomic_int_set (&side.stop, TRUE), g_main_context_wakeup (side.context);
  g_thread_join (thread);
  g_mutex_clear (&side.lock);
  g_cond_clear (&side.cond);
  g_free (side.endpoint);
  g_object_unref (pub);
  return *dropped > 0 ? 0 : n / ((side.done - start) / 1e6);
}

static void
pong_cb (NotificationCenter *center, const char *type, GObject *sender,
         GVariant *user_info, gpointer user_data)
{
  (*(guint *) user_data)++;
}

static gboolean
tick_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

static void
bridge_latency (guint warmup, guint n, GVariant *info, double *median, double *p99)
{
  g_autoptr(NotificationCenter) a = notification_center_new ();
  NotificationZmqPublisher *ping_pub = bridge_new (NOTIFICATION_TYPE_ZMQ_PUBLISHER, a, "tcp://127.0.0.1:*", TRUE);
  NotificationZmqSubscriber *pong_sub;
  g_autoptr(GArray) samples = g_array_new (FALSE, FALSE, sizeof (gint64));
  Side side = { 0 };
  GThread *thread;
  guint pongs = 0, tick;

  side.endpoint = notification_zmq_bridge_dup_last_endpoint (NOTIFICATION_ZMQ_BRIDGE (ping_pub));
  side.echo = TRUE;
  side_start (&side, &thread);
  pong_sub = bridge_new (NOTIFICATION_TYPE_ZMQ_SUBSCRIBER, a, side.pong_endpoint, FALSE);
  notification_zmq_subscriber_subscribe (pong_sub, "pong");
  notification_center_add_observer (a, "pong", NULL, pong_cb, &pongs, NULL);
  while (!notification_zmq_publisher_is_wanted (ping_pub, "ping"))
    g_main_context_iteration (NULL, TRUE);
  /* the pong publisher is in the other thread: its subscriber is there
   * once a ping gets an answer; until then pongs are lost (not observed,
   * as nobody subscribed yet), and the tick lets the deadline below ask
   * again */
  tick = g_timeout_add (20, tick_cb, NULL);

  for (guint i = 0; i < warmup + n; i++)
    {
      gint64 start = g_get_monotonic_time (), rtt;
      gint64 deadline = start + (i == 0 ? 5 : 1) * G_USEC_PER_SEC;

      notification_center_post (a, "ping", NULL, info);
      while (pongs <= i && g_get_monotonic_time () < deadline)
        g_main_context_iteration (NULL, TRUE);
      if (pongs <= i)
        {
          /* lost to a slow joiner (first pings only): ask again */
          if (i >= warmup)
            g_error ("a ping got no answer");
          pongs = i;
          i--;
          continue;
        }
      rtt = g_get_monotonic_time () - start;
      if (i >= warmup)
        g_array_append_val (samples, rtt);
    }
  g_source_remove (tick);
  side_stop (&side, thread);
  g_object_unref (pong_sub);
  g_object_unref (ping_pub);
  percentiles (samples, median, p99);
}

int
main (int argc, char **argv)
{
  gboolean quick = FALSE;
  int rounds = 0;
  const GOptionEntry entries[] = {
    { "quick", 0, 0, G_OPTION_ARG_NONE, &quick, "A short smoke run", NULL },
    { "rounds", 0, 0, G_OPTION_ARG_INT, &rounds, "Rounds of raw then bridge (default 5, 1 with --quick)", "N" },
    { "curve", 0, 0, G_OPTION_ARG_NONE, &opt_curve, "CURVE on every socket", NULL },
    { "allow-list", 0, 0, G_OPTION_ARG_NONE, &opt_allow_list,
      "With --curve: the bridges that bind accept only the client key (ZAP)", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) options = g_option_context_new ("- the ZeroMQ bridge beside raw libzmq");
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) info = make_info (7);
  static const guint8 identity[NOTIFICATION_ZMQ_WIRE_IDENTITY_SIZE] = "zmq-bench-ident";
  g_autoptr(GBytes) topic = notification_zmq_wire_encode_topic ("burst");
  g_autoptr(GBytes) body = notification_zmq_wire_encode_body (identity, 1, "", info);
  guint n_thr = quick ? 20000 : 300000, warmup = quick ? 100 : 1000, n_lat = quick ? 500 : 10000;
  g_autoptr(GArray) thr_ratios = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) median_ratios = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) p99_ratios = g_array_new (FALSE, FALSE, sizeof (double));
  guint64 dropped = 0;
  void *ctx;

  g_option_context_add_main_entries (options, entries, NULL);
  if (!g_option_context_parse (options, &argc, &argv, &error))
    {
      g_printerr ("zmq-bench: %s\n", error->message);
      return 2;
    }
  if (quick)
    n_thr = 20000, warmup = 100, n_lat = 500;
  if (rounds <= 0)
    rounds = quick ? 1 : 5;
  if (opt_allow_list && !opt_curve)
    {
      g_printerr ("zmq-bench: --allow-list needs --curve\n");
      return 2;
    }
  if (opt_curve)
    {
      zmq_curve_keypair (server_public, server_secret);
      zmq_curve_keypair (client_public, client_secret);
    }
  ctx = zmq_ctx_new ();

  printf ("zmq-bench: tcp://127.0.0.1%s, frames of %zu + %zu bytes (2-key user info), "
          "%u messages for throughput, %u round trips after %u for latency\n",
          !opt_curve ? "" : opt_allow_list ? " with CURVE and an allow-list (bridges)" : " with CURVE",
          g_bytes_get_size (topic), g_bytes_get_size (body),
          n_thr, n_lat, warmup);

  printf ("\n| round | raw msg/s | bridge msg/s | ratio (goal ≥ 0.5×) | raw median / p99 µs | "
          "bridge median / p99 µs | ratio median (goal ≤ 2×) | ratio p99 |\n"
          "|---|---|---|---|---|---|---|---|\n");
  for (int r = 0; r < rounds; r++)
    {
      double raw_rate, bridge_rate, raw_median, raw_p99, bridge_median, bridge_p99, ratio;
      guint64 round_dropped = 0;

      raw_rate = raw_throughput (ctx, n_thr, topic, body);
      bridge_rate = bridge_throughput (n_thr, info, &round_dropped);
      raw_latency (ctx, warmup, n_lat, topic, body, &raw_median, &raw_p99);
      bridge_latency (warmup, n_lat, info, &bridge_median, &bridge_p99);
      dropped += round_dropped;

      printf ("| %d | %.0f | %.0f%s | %.2f× | %.0f / %.0f | %.0f / %.0f | %.2f× | %.2f× |\n",
              r + 1, raw_rate, bridge_rate, round_dropped > 0 ? " (drops at the publisher!)" : "",
              bridge_rate / raw_rate, raw_median, raw_p99, bridge_median, bridge_p99,
              bridge_median / raw_median, bridge_p99 / raw_p99);
      fflush (stdout);
      ratio = bridge_rate / raw_rate;
      g_array_append_val (thr_ratios, ratio);
      ratio = bridge_median / raw_median;
      g_array_append_val (median_ratios, ratio);
      ratio = bridge_p99 / raw_p99;
      g_array_append_val (p99_ratios, ratio);
    }

  printf ("\nMedians over %d round%s of each round's ratio:\n\n", rounds, rounds == 1 ? "" : "s");
  printf ("| ratio | median | range |\n|---|---|---|\n");
  print_ratio ("throughput, bridge / raw (goal ≥ 0.5×)", thr_ratios);
  print_ratio ("round trip median, bridge / raw (goal ≤ 2×)", median_ratios);
  print_ratio ("round trip p99, bridge / raw", p99_ratios);
  if (dropped > 0)
    printf ("\n%" G_GUINT64_FORMAT " notifications dropped at the publisher\n", dropped);

  zmq_ctx_term (ctx);
  return 0;
}
