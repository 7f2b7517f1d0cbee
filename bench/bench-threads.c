/* bench-threads.c: one and two threads posting (or emitting) at once
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The ratio of a 2-thread case is its aggregate throughput over that of
 * one thread; each repetition also records the threads' parallelism and
 * CPU time per post.
 */

#include "bench-common.h"

/* Threads ---------------------------------------------------------------------------- */

typedef struct
{
  Fixture  *f;
  GObject  *sender;
  guint64   n;
  gint     *go;
  gint     *ready;
  guint64   counter;
  gint64    cpu_ns;     /* thread CPU time of the posting loop */
  char      pad[64];
} Worker;

static gpointer
worker_main (gpointer data)
{
  Worker *w = data;
  Fixture *f = w->f;
  struct timespec c0, c1;

  g_atomic_int_inc (w->ready);
  while (!g_atomic_int_get (w->go))
    ;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &c0);
  if (f->center != NULL)
    for (guint64 i = 0; i < w->n; i++)
      notification_center_post (f->center, f->type, w->sender, NULL);
  else
    for (guint64 i = 0; i < w->n; i++)
      g_signal_emit (f->emitter, bench_signal, f->detail, f->type, w->sender, NULL);
  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &c1);
  w->cpu_ns = (c1.tv_sec - c0.tv_sec) * G_GINT64_CONSTANT (1000000000) + (c1.tv_nsec - c0.tv_nsec);

  return NULL;
}

/* f->n threads each post @n times at once; aggregate wall ns per post. */
double
measure_threads (Case    *c,
                 guint64  n)
{
  Fixture *f = &c->f;
  Worker workers[2];
  GThread *threads[2];
  gint go = 0, ready = 0;
  gint64 t0, t1;

  g_assert (f->n <= G_N_ELEMENTS (workers));

  for (guint t = 0; t < f->n; t++)
    {
      workers[t].f = f;
      workers[t].sender = sender_at (t);
      workers[t].n = n;
      workers[t].go = &go;
      workers[t].ready = &ready;
      workers[t].counter = 0;
      threads[t] = g_thread_new ("bench-poster", worker_main, &workers[t]);
    }

  while (g_atomic_int_get (&ready) < (gint) f->n)
    g_thread_yield ();

  t0 = now_ns ();
  g_atomic_int_set (&go, 1);
  for (guint t = 0; t < f->n; t++)
    g_thread_join (threads[t]);
  t1 = now_ns ();

  /* Whether the threads really ran at once (a busy 2-core machine may
   * give them one core: then the wall time says nothing about
   * contention), and the CPU time each post took. */
  {
    gint64 cpu = 0;

    for (guint t = 0; t < f->n; t++)
      cpu += workers[t].cpu_ns;
    c->parallelism[c->n_aux] = cpu / (double) MAX (t1 - t0, 1);
    c->cpu_ns_per_op[c->n_aux] = cpu / (double) (n * f->n);
    c->n_aux = (c->n_aux + 1) % MAX_REPS;
  }

  return (t1 - t0) / (double) (n * f->n);
}

/* Setup functions ------------------------------------------------------------------------ */

/* Threads: f.n threads; mode 0 no observer, 1 observers of 100 other
 * types, 2 one matching observer per thread's sender, 3 GObject emit. */
static void
setup_threads (Case *c)
{
  guint n_threads = c->f.n;

  setup_common (c);
  c->f.n = n_threads;
  switch (c->f.mode)
    {
    case 0:
      c->f.center = get_center (case_emits_signal (c), "none", 0);
      break;

    case 1:
      c->f.center = get_center (case_emits_signal (c), "types", 100);
      break;

    case 2:
      {
        char *key = g_strdup_printf ("threads-match-%d", case_emits_signal (c));

        c->f.center = get_center (case_emits_signal (c), key, 0);
        if (notification_center_get_n_observers (c->f.center) == 0)
          for (guint t = 0; t < 2; t++)
            notification_center_add_observer (c->f.center, POST_TYPE, sender_at (t),
                                              observer_cb,
                                              /* a cache line of its own per thread */
                                              g_aligned_alloc0 (1, 128, 128), NULL);
        g_free (key);
      }
      break;

    case 3:
      c->f.center = NULL;
      c->f.emitter = emitter_new (0, 0, &c->f.counter);
      break;

    default:
      g_assert_not_reached ();
    }
}

/* The list of cases ------------------------------------------------------------------------ */

void
define_thread_cases (void)
{
  static const char *kinds[] = { "[sig]", "[nosig]" };
  Case *c;
  char name[128], base[128], what[256];

  /* Threads. */
  c = add_case ("mt/gobj-1T", "1 thread emitting, no handler (wall ns per emit)", NULL,
                setup_threads, measure_threads);
  c->f.n = 1;
  c->f.mode = 3;
  c = add_case ("mt/gobj-2T", "2 threads emitting at once, no handler: throughput vs 1 thread", "mt/gobj-1T",
                setup_threads, measure_threads);
  c->f.n = 2;
  c->f.mode = 3;
  c->speedup = TRUE;
  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    {
      static const char *modes[] = { "none", "types-100", "match" };
      static const char *modes_what[] = { "no observer", "100 observers of other types",
                                          "one matching observer each" };
      const char *kind = kinds[k];

      for (guint m = 0; m < G_N_ELEMENTS (modes); m++)
        {
          g_snprintf (name, sizeof name, "mt/1T-%s%s", modes[m], kind);
          g_snprintf (what, sizeof what, "1 thread posting, %s (wall ns per post)", modes_what[m]);
          c = add_case (name, what, NULL, setup_threads, measure_threads);
          c->f.n = 1;
          c->f.mode = m;
          g_snprintf (base, sizeof base, "%s", name);
          g_snprintf (name, sizeof name, "mt/2T-%s%s", modes[m], kind);
          g_snprintf (what, sizeof what, "2 threads posting at once, %s: throughput vs 1 thread",
                      modes_what[m]);
          c = add_case (name, what, base, setup_threads, measure_threads);
          c->f.n = 2;
          c->f.mode = m;
          c->speedup = TRUE;
          if (k == 1 && m < 2)
            set_target (c, TARGET_RATIO_MIN, 1.7);
        }
    }
}
