/* bench-memory.c: allocations per post and heap bytes per observer
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Allocations are counted by bench-common.c's malloc(), calloc() and
 * realloc(); heap bytes come from heap_in_use() (mallinfo2()).
 */

#include "bench-common.h"

/* Allocations ------------------------------------------------------------------------------ */

/* Allocations per post_values with nobody observing. */
double
measure_allocs_values (Case    *c,
                       guint64  n)
{
  Fixture *f = &c->f;
  guint64 before;
  guint64 count = MAX (n, 100000);

  before = __atomic_load_n (&bench_n_allocs, __ATOMIC_RELAXED);
  for (guint64 i = 0; i < count; i++)
    notification_center_post_values (f->center, f->type, f->sender,
                                     "out_string", "s", "hello, world\n",
                                     "line", "u", (guint32) 42,
                                     NULL);

  return (__atomic_load_n (&bench_n_allocs, __ATOMIC_RELAXED) - before) / (double) count;
}

double
measure_allocs_post (Case    *c,
                     guint64  n)
{
  Fixture *f = &c->f;
  guint64 before;
  guint64 count = MAX (n, 100000);

  before = __atomic_load_n (&bench_n_allocs, __ATOMIC_RELAXED);
  for (guint64 i = 0; i < count; i++)
    notification_center_post (f->center, f->type, f->sender, f->user_info);

  return (__atomic_load_n (&bench_n_allocs, __ATOMIC_RELAXED) - before) / (double) count;
}

/* Memory ------------------------------------------------------------------------------- */

static char **other_types;  /* "mem-%u", made before measuring */
static GPtrArray *kept_emitters;

/* Frees what epoch-based reclamation still holds (old index tables),
 * by retiring enough entries to move the epoch on a few times. */
static void
flush_ebr (void)
{
  NotificationCenter *scratch = center_new (FALSE);

  for (guint i = 0; i < 4 * 64 + 8; i++)
    {
      gulong id = notification_center_add_observer (scratch, "flush", NULL,
                                                    observer_cb, &sink_counter, NULL);

      notification_center_remove_observer (scratch, id);
    }

  g_object_unref (scratch);
}

/* Heap bytes per observer with n_big observers: mode 0 each of its own
 * type, mode 1 all of one type. */
static double
measure_bytes_observers (Case    *c,
                         guint64  n)
{
  Fixture *f = &c->f;
  NotificationCenter *center;
  gint64 before, after;

  if (other_types == NULL)
    {
      other_types = g_new0 (char *, n_big + 1);
      for (guint i = 0; i < n_big; i++)
        other_types[i] = g_strdup_printf ("mem-%u", i);
    }

  center = center_new (FALSE);
  flush_ebr ();
  before = heap_in_use ();
  for (guint i = 0; i < n_big; i++)
    notification_center_add_observer (center, f->mode == 0 ? other_types[i] : POST_TYPE,
                                      NULL, observer_cb, &f->counter, NULL);
  flush_ebr ();
  after = heap_in_use ();

  notification_center_remove_all_observers (center);
  g_object_unref (center);
  flush_ebr ();

  return (after - before) / (double) n_big;
}

static double
measure_bytes_handlers (Case    *c,
                        guint64  n)
{
  Fixture *f = &c->f;
  BenchEmitter *emitter = g_object_new (BENCH_TYPE_EMITTER, NULL);
  gint64 before, after;

  if (kept_emitters == NULL)
    kept_emitters = g_ptr_array_new ();
  g_signal_connect (emitter, "bench-signal::other", G_CALLBACK (handler_cb), &f->counter);
  before = heap_in_use ();
  for (guint i = 0; i < n_big; i++)
    g_signal_connect (emitter, "bench-signal::other", G_CALLBACK (handler_cb), &f->counter);
  after = heap_in_use ();

  /* Kept: freed handlers would go back to GSlice magazines, and the next
   * repetition would reuse them without growing the heap. */
  g_ptr_array_add (kept_emitters, emitter);

  return (after - before) / (double) n_big;
}

/* Setup functions ------------------------------------------------------------------------ */

static void
setup_nothing (Case *c)
{
  setup_common (c);
}

/* The list of cases ------------------------------------------------------------------------ */

void
define_memory_cases (void)
{
  Case *c;
  char name[128], base[128], what[256];

  /* Memory. */
  g_snprintf (name, sizeof name, "gobj/bytes-handler-%s", count_label (n_big));
  g_snprintf (what, sizeof what, "heap bytes per g_signal_connect, %u handlers", n_big);
  c = add_case (name, what, NULL, setup_nothing, measure_bytes_handlers);
  c->unit = "B/obs";
  c->fixed = TRUE;
  g_snprintf (base, sizeof base, "%s", name);
  g_snprintf (name, sizeof name, "bytes/observer-%s-types", count_label (n_big));
  g_snprintf (what, sizeof what, "heap bytes per observer, %u observers, each of its own type", n_big);
  c = add_case (name, what, base, setup_nothing, measure_bytes_observers);
  c->unit = "B/obs";
  c->fixed = TRUE;
  c->f.mode = 0;
  /* Issue 18's target: one observer, its entry (the type inline) and its
   * share of the index's slots. */
  set_target (c, TARGET_VALUE_MAX, 128);
  g_snprintf (name, sizeof name, "bytes/observer-%s-same", count_label (n_big));
  g_snprintf (what, sizeof what, "heap bytes per observer, %u observers of one type", n_big);
  c = add_case (name, what, base, setup_nothing, measure_bytes_observers);
  c->unit = "B/obs";
  c->fixed = TRUE;
  c->f.mode = 1;
  set_target (c, TARGET_VALUE_MAX, 64);
}
