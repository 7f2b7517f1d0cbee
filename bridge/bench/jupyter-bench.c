/* jupyter-bench: the Jupyter client's latency (doc/jupyter.md, Benchmark)
 *
 *   jupyter-bench CONNECTION_FILE [N_STREAM [N_EXECUTE]]
 *
 * Against a running kernel (jupyter-bench.py starts one and runs
 * jupyter_client's BlockingKernelClient beside this, in the same run):
 *
 * 1. delay from a stream message's header.date (the kernel's clock,
 *    CLOCK_REALTIME, same machine) to our observer's call, over N_STREAM
 *    flushed prints 5 ms apart: median and p99;
 * 2. execute('pass') round trips, N_EXECUTE after 20 warm-ups: to the
 *    observer's call for jupyter.execute_reply, and to execute_finish
 *    (reply and idle).
 *
 * Prints one line of JSON.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <notification-bridge/notification-bridge.h>

typedef struct
{
  GArray  *delays;      /* gint64 µs */
  gint64   reply_at;
  gboolean done;
} Bench;

static int
compare_int64 (gconstpointer a,
               gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

static double
quantile_ms (GArray *values,
             double  q)
{
  guint i;

  g_array_sort (values, compare_int64);
  i = (guint) (q * (values->len - 1) + 0.5);
  return g_array_index (values, gint64, i) / 1000.0;
}

static void
on_stdout (NotificationCenter *center,
           const char         *type,
           GObject            *sender,
           GVariant           *user_info,
           gpointer            user_data)
{
  Bench *bench = user_data;
  gint64 now = g_get_real_time ();
  const char *date;
  g_autoptr(GDateTime) when = NULL;
  gint64 sent;

  if (!g_variant_lookup (user_info, "date", "&s", &date) ||
      (when = g_date_time_new_from_iso8601 (date, NULL)) == NULL)
    return;
  sent = g_date_time_to_unix (when) * G_USEC_PER_SEC + g_date_time_get_microsecond (when);
  g_array_append_val (bench->delays, (gint64) { now - sent });
}

static void
on_reply (NotificationCenter *center,
          const char         *type,
          GObject            *sender,
          GVariant           *user_info,
          gpointer            user_data)
{
  ((Bench *) user_data)->reply_at = g_get_monotonic_time ();
}

static void
on_done (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *status = notification_jupyter_client_execute_finish (NOTIFICATION_JUPYTER_CLIENT (source),
                                                                        result, &error);

  if (status == NULL)
    g_error ("execute: %s", error->message);
  ((Bench *) user_data)->done = TRUE;
}

static void
got_result (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static void
execute (NotificationJupyterClient *client,
         Bench                     *bench,
         const char                *code)
{
  bench->done = FALSE;
  g_free (notification_jupyter_client_execute_async (client, code, NULL, on_done, bench));
  while (!bench->done)
    g_main_context_iteration (NULL, TRUE);
}

int
main (int argc, char **argv)
{
  g_autoptr(NotificationCenter) center = NULL;
  g_autoptr(NotificationJupyterClient) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) replies = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) idles = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autofree char *code = NULL;
  GAsyncResult *result = NULL;
  Bench bench = { g_array_new (FALSE, FALSE, sizeof (gint64)), 0, FALSE };
  int n_stream = argc > 2 ? atoi (argv[2]) : 200;
  int n_execute = argc > 3 ? atoi (argv[3]) : 300;
  gulong stdout_id;

  if (argc < 2)
    {
      g_printerr ("usage: jupyter-bench CONNECTION_FILE [N_STREAM [N_EXECUTE]]\n");
      return 2;
    }

  center = g_object_new (NOTIFICATION_TYPE_CENTER, "emits-signal", FALSE, NULL);
  client = notification_jupyter_client_new_for_connection_file (center, argv[1], &error);
  if (client == NULL)
    g_error ("%s", error->message);
  notification_jupyter_client_connect_async (client, NULL, got_result, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  if (!notification_jupyter_client_connect_finish (client, result, &error))
    g_error ("%s", error->message);
  g_object_unref (result);

  /* 1. stream delay */
  stdout_id = notification_center_add_observer (center, "stdout", client, on_stdout, &bench, NULL);
  code = g_strdup_printf ("import time\nfor i in range(%d):\n    print(i, flush=True)\n    time.sleep(0.005)\n",
                          n_stream);
  execute (client, &bench, code);
  notification_center_remove_observer (center, stdout_id);

  /* 2. execute('pass') */
  notification_center_add_observer (center, "jupyter.execute_reply", client, on_reply, &bench, NULL);
  for (int i = 0; i < 20 + n_execute; i++)
    {
      gint64 start = g_get_monotonic_time ();

      execute (client, &bench, "pass");
      if (i >= 20)
        {
          g_array_append_val (replies, (gint64) { bench.reply_at - start });
          g_array_append_val (idles, (gint64) { g_get_monotonic_time () - start });
        }
    }

  printf ("{\"client\": \"libnotification\", \"stream_n\": %u, \"delay_median_ms\": %.3f, \"delay_p99_ms\": %.3f,"
          " \"execute_n\": %u, \"reply_median_ms\": %.3f, \"reply_p99_ms\": %.3f,"
          " \"reply_idle_median_ms\": %.3f, \"reply_idle_p99_ms\": %.3f}\n",
          bench.delays->len, quantile_ms (bench.delays, 0.5), quantile_ms (bench.delays, 0.99),
          replies->len, quantile_ms (replies, 0.5), quantile_ms (replies, 0.99),
          quantile_ms (idles, 0.5), quantile_ms (idles, 0.99));
  g_array_unref (bench.delays);
  return 0;
}
