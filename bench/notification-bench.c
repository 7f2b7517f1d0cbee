/* notification-bench.c: what a post costs, against GObject signals
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Every case (the targets of doc/performance.md and the figures reported
 * beside them) is measured in one process, interleaved with its
 * baseline: each repetition runs every selected case once, in order, so a
 * case and its baseline see the same machine state. A case's ratio is the
 * median over the repetitions of (case / baseline) taken in the same
 * repetition; for the thread cases it is the aggregate throughput ratio
 * (1-thread ns per post / 2-thread aggregate ns per post).
 *
 *   notification-bench [--quick] [--reps N] [--filter SUBSTR] [--json FILE]
 *                      [--time-ms MS] [--list]
 *
 * The cases are defined by subject: bench-post.c (posting, against
 * g_signal_emit()), bench-threads.c, bench-lifecycle.c (add, remove,
 * interest watchers, finalization) and bench-memory.c; bench-common.c has
 * the fixtures, the case registry and the allocation counting, and
 * bench-report.c the table and the JSON.
 */

#include <stdio.h>
#include <string.h>

#include "bench-common.h"

/* The list of cases ------------------------------------------------------------------------ */

/* In the order of the table. */
static void
define_cases (void)
{
  cases = g_ptr_array_new ();

  define_post_cases ();
  define_thread_cases ();
  define_lifecycle_cases ();
  define_memory_cases ();
}

/* Running ---------------------------------------------------------------------------------- */

static void
select_case (Case *c)
{
  if (c->selected)
    return;

  c->selected = TRUE;
  if (c->alias != NULL)
    select_case (c->alias);
  if (c->baseline != NULL)
    select_case (c->baseline);
}

static void
calibrate (Case *c)
{
  double goal = opt_time_ms * 1e6;
  guint64 n = 1;

  if (c->fixed)
    {
      c->n = 1;
      return;
    }

  /* Doubles as the warm-up. */
  for (;;)
    {
      double per_op = c->measure (c, n);
      /* The measured window only (thread cases exclude thread creation). */
      double elapsed = per_op * n * (c->measure == measure_threads ? c->f.n : 1);

      if (elapsed >= goal || n >= (G_GUINT64_CONSTANT (1) << 40))
        break;
      if (elapsed < goal / 100)
        n *= 10;
      else
        n = (guint64) (n * (goal / MAX (elapsed, 1.0)) * 1.05) + 1;
    }

  c->n = n;
}

int
main (int   argc,
      char *argv[])
{
  GOptionEntry entries[] = {
    { "quick", 0, 0, G_OPTION_ARG_NONE, &opt_quick, "Tiny counts and 1 ms per measurement (smoke test)", NULL },
    { "reps", 0, 0, G_OPTION_ARG_INT, &opt_reps, "Repetitions (default 5)", "N" },
    { "filter", 0, 0, G_OPTION_ARG_STRING, &opt_filter, "Only cases whose name contains SUBSTR (and their baselines)", "SUBSTR" },
    { "json", 0, 0, G_OPTION_ARG_FILENAME, &opt_json, "Write the results as JSON", "FILE" },
    { "time-ms", 0, 0, G_OPTION_ARG_INT, &opt_time_ms, "Time per measurement (default 25)", "MS" },
    { "list", 0, 0, G_OPTION_ARG_NONE, &opt_list, "List the cases and exit", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- libnotification benchmark");
  g_autoptr(GError) error = NULL;
  gint64 start = now_ns ();
  guint n_miss = 0, n_pass = 0;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }

  if (opt_quick)
    {
      n_big = 2000;
      n_mid = 500;
      opt_time_ms = 1;
      if (opt_reps > 2)
        opt_reps = 2;
    }
  opt_reps = CLAMP (opt_reps, 1, MAX_REPS);

  the_sender = g_object_new (G_TYPE_OBJECT, NULL);
  the_dict = g_variant_ref_sink (build_dict ());
  {
    GVariant *built = g_variant_ref_sink (build_dict ());
    GBytes *bytes = g_variant_get_data_as_bytes (built);

    the_received = g_variant_ref_sink (g_variant_new_from_bytes (G_VARIANT_TYPE_VARDICT, bytes, FALSE));
    g_bytes_unref (bytes);
    g_variant_unref (built);
  }
  g_type_ensure (BENCH_TYPE_EMITTER);
  g_type_ensure (NOTIFICATION_TYPE_CENTER);

  define_cases ();

  for (guint i = 0; i < cases->len; i++)
    {
      Case *c = g_ptr_array_index (cases, i);

      if (c->baseline_name != NULL)
        {
          c->baseline = find_case (c->baseline_name);
          g_assert (c->baseline != NULL);
        }
    }
  for (guint i = 0; i < cases->len; i++)
    {
      Case *c = g_ptr_array_index (cases, i);

      if (opt_filter == NULL || strstr (c->name, opt_filter) != NULL)
        select_case (c);
    }

  if (opt_list)
    {
      for (guint i = 0; i < cases->len; i++)
        {
          Case *c = g_ptr_array_index (cases, i);

          printf ("%-30s %s%s%s\n", c->name, c->what,
                  c->baseline != NULL ? "  vs " : "", c->baseline != NULL ? c->baseline->name : "");
        }
      return 0;
    }

  {
    g_autofree char *load = NULL;

    if (g_file_get_contents ("/proc/loadavg", &load, NULL, NULL))
      {
        g_strchomp (load);
        load_at_start = g_strdup (load);
      }
  }
  printf ("libnotification %s bench, GLib %u.%u.%u, %u CPUs, %d repetitions, ~%d ms per measurement%s\n",
          NOTIFICATION_VERSION_S, glib_major_version, glib_minor_version, glib_micro_version,
          g_get_num_processors (), opt_reps, opt_time_ms, opt_quick ? " (quick)" : "");
  printf ("load average at start: %s\n", load_at_start ? load_at_start : "?");

  /* Set up and calibrate (this warms up too). */
  for (guint i = 0; i < cases->len; i++)
    {
      Case *c = g_ptr_array_index (cases, i);

      if (!c->selected || c->alias != NULL)
        continue;
      c->setup (c);
      c->ready = TRUE;
    }
  for (guint i = 0; i < cases->len; i++)
    {
      Case *c = g_ptr_array_index (cases, i);

      if (c->selected && c->alias == NULL)
        {
          calibrate (c);
          c->n_aux = 0;
        }
    }

  /* Each repetition measures every case once, baselines beside cases. */
  for (gint rep = 0; rep < opt_reps; rep++)
    {
      for (guint i = 0; i < cases->len; i++)
        {
          Case *c = g_ptr_array_index (cases, i);

          if (!c->selected || c->alias != NULL)
            continue;
          c->values[c->n_values++] = c->measure (c, c->n);
        }
      fprintf (stderr, "repetition %d/%d done\n", rep + 1, opt_reps);
    }

  for (guint i = 0; i < cases->len; i++)
    {
      Case *c = g_ptr_array_index (cases, i);

      if (!c->selected)
        continue;
      finish_case (c);
      if (g_str_equal (c->status, "PASS"))
        n_pass++;
      else if (g_str_equal (c->status, "MISS"))
        n_miss++;
    }

  print_table ();
  fflush (stderr);
  printf ("targets: %u PASS, %u MISS; %.1f s\n", n_pass, n_miss, (now_ns () - start) / 1e9);

  if (opt_json != NULL && !write_json (opt_json, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  /* Misses are results, not failures: the smoke test only checks that
   * every case runs. */
  return 0;
}
