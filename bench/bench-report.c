/* bench-report.c: medians, ratios, targets; the table and the JSON
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The JSON is read by bench/summarize.py.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "bench-common.h"

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

void
summarize (const double *values,
           guint         n,
           double       *median,
           double       *min,
           double       *max)
{
  double sorted[MAX_REPS];

  memcpy (sorted, values, n * sizeof (double));
  qsort (sorted, n, sizeof (double), compare_double);
  *min = sorted[0];
  *max = sorted[n - 1];
  *median = n % 2 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
}

static const char *
target_text (Case *c,
             char *buf,
             gsize size)
{
  switch (c->target_kind)
    {
    case TARGET_RATIO_MAX:
      g_snprintf (buf, size, "<= %.2gx", c->target);
      break;
    case TARGET_RATIO_MIN:
      g_snprintf (buf, size, ">= %.2gx", c->target);
      break;
    case TARGET_VALUE_MAX:
      g_snprintf (buf, size, "<= %g", c->target);
      break;
    case TARGET_NONE:
    default:
      g_snprintf (buf, size, "-");
    }

  return buf;
}

void
finish_case (Case *c)
{
  Case *src = c->alias != NULL ? c->alias : c;

  if (c->alias != NULL)
    {
      c->n = src->n;
      c->n_values = src->n_values;
      memcpy (c->values, src->values, sizeof c->values);
    }

  summarize (c->values, c->n_values, &c->median, &c->min, &c->max);

  if (c->baseline != NULL)
    {
      for (guint i = 0; i < c->n_values; i++)
        {
          double b = c->baseline->values[i];

          if (c->speedup)
            c->ratios[i] = c->values[i] > 0 ? b / c->values[i] : 0;
          else
            c->ratios[i] = b > 0 ? c->values[i] / b : 0;
        }
      summarize (c->ratios, c->n_values, &c->ratio, &c->ratio_min, &c->ratio_max);
    }

  switch (c->target_kind)
    {
    case TARGET_RATIO_MAX:
      c->status = c->ratio <= c->target ? "PASS" : "MISS";
      break;
    case TARGET_RATIO_MIN:
      c->status = c->ratio >= c->target ? "PASS" : "MISS";
      break;
    case TARGET_VALUE_MAX:
      c->status = c->median <= c->target ? "PASS" : "MISS";
      break;
    case TARGET_NONE:
    default:
      c->status = "";
    }
}

void
print_table (void)
{
  char buf[32];

  printf ("\n%-30s %10s %10s %10s %-9s %-26s %7s %7s %-8s %s\n",
          "case", "median", "min", "max", "unit", "baseline", "ratio", "spread", "target", "");
  for (guint i = 0; i < cases->len; i++)
    {
      Case *c = g_ptr_array_index (cases, i);
      char ratio[16] = "", spread[24] = "";

      if (!c->selected)
        continue;

      if (c->baseline != NULL)
        {
          g_snprintf (ratio, sizeof ratio, "%.3f", c->ratio);
          g_snprintf (spread, sizeof spread, "%.2f-%.2f", c->ratio_min, c->ratio_max);
        }
      printf ("%-30s %10.1f %10.1f %10.1f %-9s %-26s %7s %7s %-8s %s\n",
              c->name, c->median, c->min, c->max, c->unit,
              c->baseline != NULL ? c->baseline->name : "", ratio, spread,
              target_text (c, buf, sizeof buf), c->status);
    }
  printf ("\n%-30s %12s %12s %12s\n", "threads", "parallelism", "CPU ns/post", "wall ns/post");
  for (guint i = 0; i < cases->len; i++)
    {
      Case *c = g_ptr_array_index (cases, i);
      double par, cpu, lo, hi;

      if (!c->selected || c->measure != measure_threads || c->n_values == 0)
        continue;
      summarize (c->parallelism, c->n_values, &par, &lo, &hi);
      summarize (c->cpu_ns_per_op, c->n_values, &cpu, &lo, &hi);
      printf ("%-30s %12.2f %12.1f %12.1f\n", c->name, par, cpu, c->median);
    }
  printf ("parallelism: sum of the posting threads' CPU time / wall time (2.00: two\n"
          "cores the whole time); below ~1.8 the machine was busy and the 2T ratio\n"
          "understates scaling: compare the CPU ns per post of 2T and 1T instead.\n");
  printf ("\nratio: median over the repetitions of case/baseline in the same repetition;\n"
          "       for mt/2T-* the aggregate throughput of 2 threads over 1 thread.\n");
}

static void
json_string (GString    *out,
             const char *s)
{
  g_string_append_c (out, '"');
  for (const char *p = s; *p != '\0'; p++)
    {
      if (*p == '"' || *p == '\\')
        g_string_append_c (out, '\\');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

static void
json_array (GString      *out,
            const double *values,
            guint         n)
{
  g_string_append_c (out, '[');
  for (guint i = 0; i < n; i++)
    g_string_append_printf (out, "%s%.4f", i ? ", " : "", values[i]);
  g_string_append_c (out, ']');
}

gboolean
write_json (const char  *path,
            GError     **error)
{
  GString *out = g_string_new ("{\n");
  struct utsname uts;
  gboolean ok;
  char buf[32];

  uname (&uts);
  g_string_append_printf (out, "  \"glib_version\": \"%u.%u.%u\",\n",
                          glib_major_version, glib_minor_version, glib_micro_version);
  g_string_append_printf (out, "  \"libnotification_version\": \"%s\",\n", NOTIFICATION_VERSION_S);
  g_string_append_printf (out, "  \"machine\": \"%s %s %s\",\n", uts.sysname, uts.release, uts.machine);
  g_string_append_printf (out, "  \"cpus\": %u,\n", g_get_num_processors ());
  g_string_append_printf (out, "  \"loadavg_at_start\": \"%s\",\n", load_at_start ? load_at_start : "");
  g_string_append_printf (out, "  \"reps\": %d,\n  \"time_ms\": %d,\n  \"quick\": %s,\n",
                          opt_reps, opt_time_ms, opt_quick ? "true" : "false");
  g_string_append (out, "  \"cases\": [\n");
  for (guint i = 0, first = 1; i < cases->len; i++)
    {
      Case *c = g_ptr_array_index (cases, i);

      if (!c->selected)
        continue;

      g_string_append (out, first ? "    {" : ",\n    {");
      first = 0;
      g_string_append (out, "\"name\": ");
      json_string (out, c->name);
      g_string_append (out, ", \"what\": ");
      json_string (out, c->what);
      g_string_append (out, ", \"unit\": ");
      json_string (out, c->unit);
      g_string_append_printf (out, ", \"iterations\": %" G_GUINT64_FORMAT, c->n);
      g_string_append_printf (out, ", \"median\": %.4f, \"min\": %.4f, \"max\": %.4f, \"values\": ",
                              c->median, c->min, c->max);
      json_array (out, c->values, c->n_values);
      if (c->baseline != NULL)
        {
          g_string_append (out, ", \"baseline\": ");
          json_string (out, c->baseline->name);
          g_string_append_printf (out, ", \"ratio_kind\": \"%s\", \"ratio\": %.4f, \"ratios\": ",
                                  c->speedup ? "baseline/case" : "case/baseline", c->ratio);
          json_array (out, c->ratios, c->n_values);
        }
      if (c->measure == measure_threads && c->n_values > 0)
        {
          g_string_append (out, ", \"parallelism\": ");
          json_array (out, c->parallelism, c->n_values);
          g_string_append (out, ", \"cpu_ns_per_op\": ");
          json_array (out, c->cpu_ns_per_op, c->n_values);
        }
      if (c->target_kind != TARGET_NONE)
        {
          g_string_append (out, ", \"target\": ");
          json_string (out, target_text (c, buf, sizeof buf));
          g_string_append_printf (out, ", \"pass\": %s", g_str_equal (c->status, "PASS") ? "true" : "false");
        }
      g_string_append (out, "}");
    }
  g_string_append (out, "\n  ]\n}\n");

  ok = g_file_set_contents (path, out->str, out->len, error);
  g_string_free (out, TRUE);

  return ok;
}
