/* delivery-bench.c: main-context delivery, measured
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 *   build/bench/delivery-bench [--quick] [--reps N]
 *
 * - worker → main loop: a worker thread posts a two-key notification to
 *   an observer on the main thread's context; deliveries per second,
 *   against the same hand-over done with GLib alone (one
 *   g_main_context_invoke_full() per message, holding the same user
 *   info), in the same run;
 * - memory per queued delivery: 1,000,000 posts queued on a context that
 *   is not iterated (heap growth by mallinfo2(), the user info shared);
 * - coalescing: a worker posts progress as fast as it can for a while to
 *   a coalescing observer while the main thread runs its loop; posts and
 *   calls per second, and whether the last value shown is the last one
 *   posted.
 */

#include <malloc.h>

#include <notification/notification.h>

static gboolean opt_quick;
static gint opt_reps = 3;

static GOptionEntry entries[] = {
  { "quick", 0, 0, G_OPTION_ARG_NONE, &opt_quick, "Tiny counts, for a smoke test", NULL },
  { "reps", 0, 0, G_OPTION_ARG_INT, &opt_reps, "Repetitions of each case (median reported)", "N" },
  { NULL }
};

static GVariant *
two_keys (guint n)
{
  return g_variant_ref_sink (g_variant_new_parsed ("{'out_string': <'a line of output\\n'>, 'n': <%u>}", n));
}

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
median (double *values,
        guint   n)
{
  qsort (values, n, sizeof (double), compare_double);
  return values[n / 2];
}

/* --- Worker → main loop --------------------------------------------------- */

typedef struct
{
  NotificationCenter *center;
  GMainContext       *context;
  GVariant           *info;
  guint               n;
  gint                received;  /* (atomic) */
} Transfer;

static void
count_cb (NotificationCenter *center, const char *type, GObject *sender,
          GVariant *user_info, gpointer user_data)
{
  Transfer *transfer = user_data;

  g_atomic_int_inc (&transfer->received);
}

static gpointer
post_worker (gpointer data)
{
  Transfer *transfer = data;

  for (guint i = 0; i < transfer->n; i++)
    notification_center_post (transfer->center, "stdout", NULL, transfer->info);

  return NULL;
}

static gboolean
invoke_cb (gpointer data)
{
  Transfer *transfer = data;

  g_atomic_int_inc (&transfer->received);
  return G_SOURCE_REMOVE;
}

static gpointer
invoke_worker (gpointer data)
{
  Transfer *transfer = data;

  for (guint i = 0; i < transfer->n; i++)
    g_main_context_invoke_full (transfer->context, G_PRIORITY_DEFAULT, invoke_cb,
                                transfer, NULL);

  return NULL;
}

/* Seconds from the first post to the last delivery. */
static double
run_transfer (gboolean  with_center,
              guint     n)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(NotificationCenter) center = notification_center_new ();
  Transfer transfer = { center, context, two_keys (0), n, 0 };
  gint64 start;
  GThread *thread;

  if (with_center)
    notification_center_add_observer_full (center, "stdout", NULL, NULL, context,
                                           count_cb, &transfer, NULL);

  start = g_get_monotonic_time ();
  thread = g_thread_new ("worker", with_center ? post_worker : invoke_worker, &transfer);
  while ((guint) g_atomic_int_get (&transfer.received) < n)
    g_main_context_iteration (context, TRUE);
  g_thread_join (thread);

  g_variant_unref (transfer.info);
  return (g_get_monotonic_time () - start) / 1e6;
}

static void
bench_transfer (void)
{
  guint n = opt_quick ? 1000 : 300000;
  double *ours = g_new (double, opt_reps), *glib = g_new (double, opt_reps);
  double ratios[64];

  for (int r = 0; r < opt_reps; r++)
    {
      ours[r] = run_transfer (TRUE, n);
      glib[r] = run_transfer (FALSE, n);
      ratios[r] = ours[r] / glib[r];
    }

  g_print ("worker -> main loop, %u two-key posts:\n", n);
  g_print ("  center       %10.0f deliveries/s\n", n / median (ours, opt_reps));
  g_print ("  GLib invoke  %10.0f deliveries/s (g_main_context_invoke_full per message)\n",
           n / median (glib, opt_reps));
  g_print ("  time ratio center / invoke: %.2f (median of %d pairs)\n",
           median (ratios, opt_reps), opt_reps);

  g_free (ours);
  g_free (glib);
}

/* --- Memory per queued delivery ------------------------------------------- */

static void
noop_cb (NotificationCenter *center, const char *type, GObject *sender,
         GVariant *user_info, gpointer user_data)
{
}

static void
bench_memory (void)
{
  guint n = opt_quick ? 10000 : 1000000;
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(NotificationCenter) center = notification_center_new ();
  g_autoptr(GVariant) info = two_keys (0);
  GObject *sender = g_object_new (G_TYPE_OBJECT, NULL);
  struct mallinfo2 before, after;

  notification_center_add_observer_full (center, "stdout", NULL, NULL, context,
                                         noop_cb, NULL, NULL);
  /* The first post makes what every later one reuses. */
  notification_center_post (center, "stdout", sender, info);
  before = mallinfo2 ();
  for (guint i = 1; i < n; i++)
    notification_center_post (center, "stdout", sender, info);
  after = mallinfo2 ();

  g_print ("memory: %u deliveries queued, %.1f bytes each (type \"stdout\", "
           "sender and user info shared)\n",
           n, (double) (after.uordblks - before.uordblks) / (n - 1));

  while (g_main_context_iteration (context, FALSE))
    ;
  g_object_unref (sender);
}

/* --- Coalescing ------------------------------------------------------------ */

typedef struct
{
  NotificationCenter *center;
  gint                stop;      /* (atomic) */
  guint64             posted;
  guint64             calls;
  guint               last_shown;
} Progress;

static void
progress_cb (NotificationCenter *center, const char *type, GObject *sender,
             GVariant *user_info, gpointer user_data)
{
  Progress *progress = user_data;

  g_variant_lookup (user_info, "n", "u", &progress->last_shown);
  progress->calls++;
}

static gpointer
progress_worker (gpointer data)
{
  Progress *progress = data;
  guint i = 0;

  while (!g_atomic_int_get (&progress->stop))
    {
      notification_center_post (progress->center, "progress", NULL,
                                g_variant_new_parsed ("{'n': <%u>}", ++i));
    }
  progress->posted = i;

  return NULL;
}

static gboolean
stop_cb (gpointer data)
{
  g_atomic_int_set (&((Progress *) data)->stop, 1);
  return G_SOURCE_REMOVE;
}

static void
bench_coalesce (void)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(NotificationCenter) center = notification_center_new ();
  Progress progress = { center, 0, 0, 0, 0 };
  double seconds = opt_quick ? 0.05 : 1.0;
  gint64 start;
  GSource *timeout;
  GThread *thread;

  notification_center_add_observer_with_flags (center, "progress", NULL, NULL, context,
                                               NOTIFICATION_OBSERVER_COALESCE,
                                               progress_cb, &progress, NULL);
  timeout = g_timeout_source_new ((guint) (seconds * 1000));
  g_source_set_callback (timeout, stop_cb, &progress, NULL);
  g_source_attach (timeout, context);
  g_source_unref (timeout);

  start = g_get_monotonic_time ();
  thread = g_thread_new ("worker", progress_worker, &progress);
  while (!g_atomic_int_get (&progress.stop))
    g_main_context_iteration (context, TRUE);
  g_thread_join (thread);
  while (g_main_context_iteration (context, FALSE))
    ;
  seconds = (g_get_monotonic_time () - start) / 1e6;

  g_print ("coalescing progress for %.2f s: %.0f posts/s, %.0f calls/s (1 call per %.0f posts), "
           "last shown %u of %" G_GUINT64_FORMAT " posted: %s\n",
           seconds, progress.posted / seconds, progress.calls / seconds,
           progress.calls > 0 ? (double) progress.posted / progress.calls : 0.0,
           progress.last_shown, progress.posted,
           progress.last_shown == progress.posted ? "latest" : "NOT THE LATEST");
  if (progress.last_shown != progress.posted)
    exit (1);
}

int
main (int argc, char *argv[])
{
  g_autoptr(GOptionContext) options = g_option_context_new ("- main-context delivery benchmark");
  g_autoptr(GError) error = NULL;

  g_option_context_add_main_entries (options, entries, NULL);
  if (!g_option_context_parse (options, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  opt_reps = CLAMP (opt_reps, 1, 63);

  bench_transfer ();
  bench_memory ();
  bench_coalesce ();

  return 0;
}
