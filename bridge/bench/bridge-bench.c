/* bridge-bench: the D-Bus bridge's costs (doc/dbus-bridge.md, Benchmark)
 *
 *   bridge-bench [--quick] [-n N]
 *
 * On a private bus (GTestDBus), in the same run:
 *
 * 1. latency from a post in this process to the observer in another
 *    process (this program again, spawned as the receiver) through the
 *    bridges, beside a raw GDBus signal emit → handler with the same
 *    payload into the same kind of receiving process: median and p99,
 *    and their ratio;
 * 2. the cost of a post that nobody observes on a center with a bridge
 *    attached and nobody remote interested, beside the same post on a
 *    center without a bridge.
 *
 * Latency is measured with CLOCK_MONOTONIC (g_get_monotonic_time()), one
 * clock for both processes: the sender puts the time of the post in the
 * user info, the receiver subtracts it on arrival.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../tests/bridge-test-util.h"

#define RAW_PATH "/org/libnotification/BridgeBench"
#define RAW_IFACE "org.libnotification.BridgeBench"

/* The receiving process */

static GArray *samples;
static guint n_wanted;

#define N_WARMUP 20

static void
record (GVariant *user_info)
{
  gint64 sent = 0;

  /* the first messages make the receiver's bridge set up its side of the
   * peer (a remote sender, a watch of the peer): not counted */
  if (g_variant_lookup (user_info, "warmup", "b", NULL))
    return;
  if (g_variant_lookup (user_info, "t", "x", &sent))
    {
      gint64 delta = g_get_monotonic_time () - sent;

      g_array_append_val (samples, delta);
    }
}

static void
on_notification (NotificationCenter *center, const char *type, GObject *sender,
                 GVariant *user_info, gpointer user_data)
{
  record (user_info);
}

static void
on_raw (GDBusConnection *connection, const char *sender_name, const char *path,
        const char *iface, const char *signal, GVariant *parameters, gpointer user_data)
{
  g_autoptr(GVariant) info = g_variant_get_child_value (parameters, 2);

  record (info);
}

static int
compare_gint64 (gconstpointer a, gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

/* Prints "MEDIAN P99" in microseconds once n_wanted samples are in. */
static int
run_receiver (const char *mode)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_autoptr(NotificationCenter) center = g_object_new (NOTIFICATION_TYPE_CENTER, "emits-signal", FALSE, NULL);
  g_autoptr(NotificationDBusBridge) bridge = NULL;
  gint64 median, p99;

  if (bus == NULL)
    {
      g_printerr ("bridge-bench receiver: %s\n", error->message);
      return 1;
    }
  samples = g_array_new (FALSE, FALSE, sizeof (gint64));

  if (g_str_equal (mode, "bridge"))
    {
      bridge = bridge_new (center, bus);
      notification_center_add_observer (center, "bench", NULL, on_notification, NULL, NULL);
      notification_dbus_bridge_subscribe (bridge, "bench");
    }
  else
    g_dbus_connection_signal_subscribe (bus, NULL, RAW_IFACE, "Posted", RAW_PATH, "bench",
                                        G_DBUS_SIGNAL_FLAGS_NONE, on_raw, NULL, NULL);
  /* subscribed: the match rule is on the bus once this round trip is back */
  g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                               "org.freedesktop.DBus", "GetId", NULL, NULL,
                               G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL);
  printf ("ready\n");
  fflush (stdout);

  while (samples->len < n_wanted)
    g_main_context_iteration (NULL, TRUE);

  g_array_sort (samples, compare_gint64);
  median = g_array_index (samples, gint64, samples->len / 2);
  p99 = g_array_index (samples, gint64, MIN (samples->len - 1, samples->len * 99 / 100));
  printf ("%" G_GINT64_FORMAT " %" G_GINT64_FORMAT "\n", median, p99);
  fflush (stdout);
  g_array_unref (samples);
  return 0;
}

/* The posting process */

static GVariant *
payload (guint i)
{
  GVariantBuilder builder;

  g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
  if (i < N_WARMUP)
    g_variant_builder_add (&builder, "{sv}", "warmup", g_variant_new_boolean (TRUE));
  g_variant_builder_add (&builder, "{sv}", "t", g_variant_new_int64 (g_get_monotonic_time ()));
  g_variant_builder_add (&builder, "{sv}", "out_string",
                         g_variant_new_string ("In [1]: print('hello, world')\n"));
  return g_variant_builder_end (&builder);
}

typedef struct { GSubprocess *process; GDataInputStream *out; } Receiver;

static Receiver
spawn_receiver (const char *self, const char *mode, guint n)
{
  g_autofree char *n_str = g_strdup_printf ("%u", n);
  GError *error = NULL;
  Receiver r;
  char *line;

  r.process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                                self, "--receiver", mode, "-n", n_str, NULL);
  g_assert_no_error (error);
  r.out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (r.process));
  line = g_data_input_stream_read_line_utf8 (r.out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (line, ==, "ready");
  g_free (line);
  return r;
}

static void
finish_receiver (Receiver r, gint64 *median, gint64 *p99)
{
  GError *error = NULL;
  char *line = g_data_input_stream_read_line_utf8 (r.out, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (line);
  if (sscanf (line, "%" G_GINT64_FORMAT " %" G_GINT64_FORMAT, median, p99) != 2)
    g_error ("bad receiver output: %s", line);
  g_free (line);
  g_subprocess_wait_check (r.process, NULL, &error);
  g_assert_no_error (error);
  g_object_unref (r.out);
  g_object_unref (r.process);
}

static void
measure_latency (const char *self, guint n, gint64 *bridge_median, gint64 *bridge_p99,
                 gint64 *raw_median, gint64 *raw_p99)
{
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autoptr(NotificationCenter) center = g_object_new (NOTIFICATION_TYPE_CENTER, "emits-signal", FALSE, NULL);
  NotificationDBusBridge *bridge;
  Receiver r;

  /* through the bridges */
  bridge = bridge_new (center, bus);
  r = spawn_receiver (self, "bridge", n);
  spin_until (exports_type (NOTIFICATION_BRIDGE (bridge), "bench"));
  for (guint i = 0; i < n + N_WARMUP; i++)
    {
      guint64 sent = notification_bridge_get_n_sent (NOTIFICATION_BRIDGE (bridge));

      notification_center_post (center, "bench", NULL, payload (i));
      /* the bridge sends on this context */
      while (notification_bridge_get_n_sent (NOTIFICATION_BRIDGE (bridge)) == sent)
        g_main_context_iteration (NULL, TRUE);
      g_dbus_connection_flush_sync (bus, NULL, NULL);
      g_usleep (200);
    }
  finish_receiver (r, bridge_median, bridge_p99);
  g_object_unref (bridge);

  /* raw GDBus, the same payload */
  r = spawn_receiver (self, "raw", n);
  for (guint i = 0; i < n + N_WARMUP; i++)
    {
      g_dbus_connection_emit_signal (bus, NULL, RAW_PATH, RAW_IFACE, "Posted",
                                     g_variant_new ("(ss@a{sv})", "bench", "", payload (i)), NULL);
      g_dbus_connection_flush_sync (bus, NULL, NULL);
      g_usleep (200);
    }
  finish_receiver (r, raw_median, raw_p99);
}

static double
time_posts (NotificationCenter *center, guint n)
{
  g_autoptr(GObject) sender = g_object_new (G_TYPE_OBJECT, NULL);
  gint64 start = g_get_monotonic_time ();

  for (guint i = 0; i < n; i++)
    notification_center_post (center, "stdout", sender, NULL);
  return (g_get_monotonic_time () - start) * 1000.0 / n;
}

static void
measure_idle_cost (guint n, double *with_bridge, double *without)
{
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autoptr(NotificationCenter) center = g_object_new (NOTIFICATION_TYPE_CENTER, "emits-signal", FALSE, NULL);
  double best_with = G_MAXDOUBLE, best_without = G_MAXDOUBLE;

  /* One center, with and without a bridge by turns (the same memory, so
   * only the bridge differs); the best of 21 rounds each is what a post
   * costs when nothing else runs. */
  for (int round = 0; round < 21; round++)
    {
      NotificationDBusBridge *bridge;

      best_without = MIN (best_without, time_posts (center, n));
      bridge = bridge_new (center, bus);
      best_with = MIN (best_with, time_posts (center, n));
      g_object_unref (bridge);
    }
  *with_bridge = best_with;
  *without = best_without;
}

int
main (int argc, char **argv)
{
  gboolean quick = FALSE;
  char *receiver = NULL;
  int n = 0;
  const GOptionEntry entries[] = {
    { "quick", 0, 0, G_OPTION_ARG_NONE, &quick, "A short run (a smoke test)", NULL },
    { "receiver", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_STRING, &receiver, NULL, NULL },
    { "n", 'n', 0, G_OPTION_ARG_INT, &n, "Latency samples per transport (default 2000)", "N" },
    { NULL }
  };
  g_autoptr(GOptionContext) options = g_option_context_new ("- the D-Bus bridge's costs");
  g_autoptr(GError) error = NULL;
  GTestDBus *bus;
  gint64 bridge_median, bridge_p99, raw_median, raw_p99;
  double with_bridge, without;

  g_option_context_add_main_entries (options, entries, NULL);
  if (!g_option_context_parse (options, &argc, &argv, &error))
    {
      g_printerr ("bridge-bench: %s\n", error->message);
      return 2;
    }
  if (n <= 0)
    n = quick ? 100 : 2000;
  n_wanted = n;

  if (receiver != NULL)
    return run_receiver (receiver);

  bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_test_dbus_up (bus);

  measure_latency (argv[0], n, &bridge_median, &bridge_p99, &raw_median, &raw_p99);
  measure_idle_cost (quick ? 10000 : 1000000, &with_bridge, &without);

  printf ("post → observer in another process, over a private bus (%d samples, µs)\n", n);
  printf ("  %-28s median %6" G_GINT64_FORMAT "  p99 %6" G_GINT64_FORMAT "\n", "bridge", bridge_median, bridge_p99);
  printf ("  %-28s median %6" G_GINT64_FORMAT "  p99 %6" G_GINT64_FORMAT "\n", "raw GDBus emit, handler", raw_median, raw_p99);
  printf ("  %-28s median %6.2f×  p99 %6.2f×   (goal ≤ 1.3×)\n", "ratio",
          (double) bridge_median / MAX (raw_median, 1), (double) bridge_p99 / MAX (raw_p99, 1));
  printf ("unobserved post, nobody remote interested (ns/post, best of 21)\n");
  printf ("  %-28s %8.2f\n", "without a bridge", without);
  printf ("  %-28s %8.2f\n", "with a bridge attached", with_bridge);
  printf ("  %-28s %8.2f×   (goal ≤ 1.1×)\n", "ratio", with_bridge / without);

  g_test_dbus_down (bus);
  g_object_unref (bus);
  g_free (receiver);
  return 0;
}
