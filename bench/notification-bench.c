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
 * Allocations are counted by interposing malloc(), calloc() and realloc()
 * (forwarded to glibc's __libc_* functions); heap bytes come from
 * mallinfo2() (uordblks + hblkhd, so large mmapped tables are included).
 */

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/utsname.h>

#include <notification/notification.h>

#define MAX_REPS 64

/* Allocation counting ---------------------------------------------------- */

extern void *__libc_malloc (size_t size);
extern void *__libc_calloc (size_t n_members, size_t size);
extern void *__libc_realloc (void *ptr, size_t size);

/* Read only by single-threaded measurements; a plain (not locked)
 * increment, so that allocating threads do not contend on it. */
static guint64 bench_n_allocs;

static inline void
count_alloc (void)
{
  __atomic_store_n (&bench_n_allocs,
                    __atomic_load_n (&bench_n_allocs, __ATOMIC_RELAXED) + 1,
                    __ATOMIC_RELAXED);
}

void *
malloc (size_t size)
{
  count_alloc ();
  return __libc_malloc (size);
}

void *
calloc (size_t n_members,
        size_t size)
{
  count_alloc ();
  return __libc_calloc (n_members, size);
}

void *
realloc (void   *ptr,
         size_t  size)
{
  count_alloc ();
  return __libc_realloc (ptr, size);
}

static gint64
heap_in_use (void)
{
  struct mallinfo2 info = mallinfo2 ();

  return (gint64) (info.uordblks + info.hblkhd);
}

static inline gint64
now_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);

  return (gint64) ts.tv_sec * G_GINT64_CONSTANT (1000000000) + ts.tv_nsec;
}

/* The baseline emitter ---------------------------------------------------- */

/* A detailed signal equivalent to NotificationCenter::notification:
 * (string, GObject, GVariant), generic marshaller (NULL c_marshaller,
 * so libffi), no class handler, no emission hook. */
#define BENCH_TYPE_EMITTER (bench_emitter_get_type ())
G_DECLARE_FINAL_TYPE (BenchEmitter, bench_emitter, BENCH, EMITTER, GObject)

struct _BenchEmitter
{
  GObject parent_instance;
};

G_DEFINE_FINAL_TYPE (BenchEmitter, bench_emitter, G_TYPE_OBJECT)

static guint bench_signal;

static void
bench_emitter_class_init (BenchEmitterClass *klass)
{
  bench_signal = g_signal_new ("bench-signal",
                               G_TYPE_FROM_CLASS (klass),
                               G_SIGNAL_RUN_LAST | G_SIGNAL_DETAILED,
                               0, NULL, NULL,
                               NULL,
                               G_TYPE_NONE, 3,
                               G_TYPE_STRING, G_TYPE_OBJECT, G_TYPE_VARIANT);
}

static void
bench_emitter_init (BenchEmitter *self)
{
}

/* Callbacks ---------------------------------------------------------------- */

static void
observer_cb (NotificationCenter *center,
             const char         *type,
             GObject            *sender,
             GVariant           *user_info,
             gpointer            user_data)
{
  (*(guint64 *) user_data)++;
}

static void
handler_cb (gpointer    instance,
            const char *type,
            GObject    *sender,
            GVariant   *user_info,
            gpointer    user_data)
{
  (*(guint64 *) user_data)++;
}

static void
noop_call (gpointer    instance,
           const char *type,
           gpointer    sender,
           GVariant   *user_info)
{
}

static void (* volatile indirect_fn) (gpointer, const char *, gpointer, GVariant *) = noop_call;

/* Settings ------------------------------------------------------------------ */

static gboolean opt_quick;
static gint opt_reps = 5;
static char *opt_filter;
static char *opt_json;
static gint opt_time_ms = 25;
static gboolean opt_list;
static char *load_at_start;

/* 100k and 10k in a real run; tiny for --quick. */
static guint n_big = 100000;
static guint n_mid = 10000;

#define POST_TYPE   "bench-type"
#define MATCH_TYPE  "bench-match"
#define SIGNAL_TYPE "bench-sig"

static guint64 sink_counter;

/* Unobserved posts cycle through N_CYCLE keys, so that a result does not
 * hang on where one key happens to land in a hash table. */
#define N_CYCLE 64

/* Fixtures -------------------------------------------------------------------- */

static GPtrArray *senders;  /* (element-type GObject) other senders, made on demand */

static GObject *
sender_at (guint i)
{
  if (senders == NULL)
    senders = g_ptr_array_new ();
  while (senders->len <= i)
    g_ptr_array_add (senders, g_object_new (G_TYPE_OBJECT, NULL));

  return g_ptr_array_index (senders, i);
}

static GObject *the_sender;    /* the sender of every post */
static GVariant *the_dict;     /* a prebuilt 2-key a{sv} */
static GVariant *the_received; /* the same, serialised and untrusted, as from a peer */

static GVariant *
build_dict (void)
{
  GVariantBuilder builder;

  g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&builder, "{sv}", "out_string", g_variant_new_string ("hello, world\n"));
  g_variant_builder_add (&builder, "{sv}", "line", g_variant_new_uint32 (42));

  return g_variant_builder_end (&builder);
}

static NotificationCenter *
center_new (gboolean emits_signal)
{
  return g_object_new (NOTIFICATION_TYPE_CENTER, "emits-signal", emits_signal, NULL);
}

static void
add_other_types (NotificationCenter *center,
                 guint               n)
{
  for (guint i = 0; i < n; i++)
    {
      char type[32];

      g_snprintf (type, sizeof type, "other-%u", i);
      notification_center_add_observer (center, type, NULL, observer_cb, &sink_counter, NULL);
    }
}

static void
add_other_senders (NotificationCenter *center,
                   guint               n)
{
  for (guint i = 0; i < n; i++)
    notification_center_add_observer (center, POST_TYPE, sender_at (i), observer_cb, &sink_counter, NULL);
}

static GHashTable *centers;  /* (element-type utf8 NotificationCenter) */

/* A center with @n observers of other types ("types") or of POST_TYPE
 * from other senders ("senders"), shared between the cases. */
static NotificationCenter *
get_center (gboolean    emits_signal,
            const char *others,
            guint       n)
{
  char *key = g_strdup_printf ("%d/%s/%u", emits_signal, others, n);
  NotificationCenter *center;

  if (centers == NULL)
    centers = g_hash_table_new (g_str_hash, g_str_equal);

  center = g_hash_table_lookup (centers, key);
  if (center == NULL)
    {
      center = center_new (emits_signal);
      if (g_str_equal (others, "types"))
        add_other_types (center, n);
      else if (g_str_equal (others, "senders"))
        add_other_senders (center, n);
      g_hash_table_insert (centers, key, center);
    }
  else
    {
      g_free (key);
    }

  return center;
}

/* An emitter with @n handlers on other details and @n_match on POST_TYPE. */
static BenchEmitter *
emitter_new (guint     n_other,
             guint     n_match,
             guint64  *counter)
{
  BenchEmitter *emitter = g_object_new (BENCH_TYPE_EMITTER, NULL);

  for (guint i = 0; i < n_other; i++)
    {
      char name[64];

      g_snprintf (name, sizeof name, "bench-signal::other-%u", i);
      g_signal_connect (emitter, name, G_CALLBACK (handler_cb), counter);
    }
  for (guint i = 0; i < n_match; i++)
    g_signal_connect (emitter, "bench-signal::" POST_TYPE, G_CALLBACK (handler_cb), counter);

  return emitter;
}

/* Cases ------------------------------------------------------------------------ */

typedef enum
{
  TARGET_NONE,
  TARGET_RATIO_MAX,   /* ratio <= target */
  TARGET_RATIO_MIN,   /* ratio >= target */
  TARGET_VALUE_MAX,   /* value <= target */
} TargetKind;

typedef struct _Case Case;
typedef double (*MeasureFunc) (Case *c, guint64 n);

typedef struct
{
  NotificationCenter *center;
  BenchEmitter       *emitter;
  GObject            *sender;
  const char         *type;
  GQuark              detail;
  GVariant           *user_info;
  guint64             counter;
  const char        **types;       /* (nullable) N_CYCLE types to cycle through */
  GObject           **senders;     /* (nullable) N_CYCLE senders to cycle through */
  GQuark             *details;     /* (nullable) the quarks of @types */
  guint               n;           /* thread count, other observers, … */
  int                 mode;
  GMainContext       *context;     /* (nullable) an interest watcher's */
} Fixture;

struct _Case
{
  char        *name;
  char        *what;
  const char  *unit;
  char        *baseline_name;
  Case        *baseline;
  Case        *alias;              /* shares the values of this case */
  TargetKind   target_kind;
  double       target;
  gboolean     speedup;            /* ratio = baseline / value */
  gboolean     fixed;              /* no calibration: measure (c, 1) gives the value */

  MeasureFunc  measure;
  void       (*setup) (Case *c);
  Fixture      f;

  gboolean     selected;
  gboolean     ready;
  guint64      n;
  guint        n_values;
  double       values[MAX_REPS];
  double       ratios[MAX_REPS];
  double       median, min, max;
  double       ratio, ratio_min, ratio_max;
  const char  *status;

  /* Thread cases: per repetition, sum of thread CPU / wall, and CPU ns
   * per post. */
  guint        n_aux;
  double       parallelism[MAX_REPS];
  double       cpu_ns_per_op[MAX_REPS];
};

static GPtrArray *cases;

static Case *
find_case (const char *name)
{
  for (guint i = 0; i < cases->len; i++)
    {
      Case *c = g_ptr_array_index (cases, i);

      if (g_str_equal (c->name, name))
        return c;
    }

  return NULL;
}

static Case *
add_case (const char  *name,
          const char  *what,
          const char  *baseline,
          void       (*setup) (Case *c),
          MeasureFunc  measure)
{
  Case *c = g_new0 (Case, 1);

  c->name = g_strdup (name);
  c->what = g_strdup (what);
  c->unit = "ns/op";
  c->baseline_name = g_strdup (baseline);
  c->setup = setup;
  c->measure = measure;
  g_ptr_array_add (cases, c);

  return c;
}

/* A row that shows the values of @of against another baseline. */
static Case *
add_alias (const char *name,
           const char *what,
           const char *of,
           const char *baseline)
{
  Case *c = add_case (name, what, baseline, NULL, NULL);

  c->alias = find_case (of);
  g_assert (c->alias != NULL);
  c->unit = c->alias->unit;

  return c;
}

static void
set_target (Case       *c,
            TargetKind  kind,
            double      target)
{
  c->target_kind = kind;
  c->target = target;
}

/* Measure functions (ns per operation) -------------------------------------------------- */

static double
measure_indirect (Case    *c,
                  guint64  n)
{
  Fixture *f = &c->f;
  gint64 t0 = now_ns ();

  for (guint64 i = 0; i < n; i++)
    indirect_fn (f->emitter, f->type, f->sender, f->user_info);

  return (now_ns () - t0) / (double) n;
}

static double
measure_emit (Case    *c,
              guint64  n)
{
  Fixture *f = &c->f;
  gint64 t0 = now_ns ();

  for (guint64 i = 0; i < n; i++)
    g_signal_emit (f->emitter, bench_signal, f->detail, f->type, f->sender, f->user_info);

  return (now_ns () - t0) / (double) n;
}

static double
measure_emit_cycle (Case    *c,
                    guint64  n)
{
  Fixture *f = &c->f;
  gint64 t0 = now_ns ();

  for (guint64 i = 0; i < n; i++)
    g_signal_emit (f->emitter, bench_signal, f->details[i % N_CYCLE], f->types[i % N_CYCLE],
                   f->senders[i % N_CYCLE], f->user_info);

  return (now_ns () - t0) / (double) n;
}

static double
measure_post_cycle (Case    *c,
                    guint64  n)
{
  Fixture *f = &c->f;
  gint64 t0 = now_ns ();

  for (guint64 i = 0; i < n; i++)
    notification_center_post (f->center, f->types[i % N_CYCLE], f->senders[i % N_CYCLE], f->user_info);

  return (now_ns () - t0) / (double) n;
}

static double
measure_emit_build (Case    *c,
                    guint64  n)
{
  Fixture *f = &c->f;
  gint64 t0 = now_ns ();

  for (guint64 i = 0; i < n; i++)
    {
      GVariant *user_info = g_variant_ref_sink (build_dict ());

      g_signal_emit (f->emitter, bench_signal, f->detail, f->type, f->sender, user_info);
      g_variant_unref (user_info);
    }

  return (now_ns () - t0) / (double) n;
}

static double
measure_post (Case    *c,
              guint64  n)
{
  Fixture *f = &c->f;
  gint64 t0 = now_ns ();

  for (guint64 i = 0; i < n; i++)
    notification_center_post (f->center, f->type, f->sender, f->user_info);

  return (now_ns () - t0) / (double) n;
}

static double
measure_post_checked (Case    *c,
                      guint64  n)
{
  Fixture *f = &c->f;
  gint64 t0 = now_ns ();

  for (guint64 i = 0; i < n; i++)
    notification_center_post_checked (f->center, f->type, f->sender, f->user_info, NULL);

  return (now_ns () - t0) / (double) n;
}

static double
measure_post_values (Case    *c,
                     guint64  n)
{
  Fixture *f = &c->f;
  gint64 t0 = now_ns ();

  for (guint64 i = 0; i < n; i++)
    notification_center_post_values (f->center, f->type, f->sender,
                                     "out_string", "s", "hello, world\n",
                                     "line", "u", (guint32) 42,
                                     NULL);

  return (now_ns () - t0) / (double) n;
}

/* Allocations per post_values with nobody observing. */
static double
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

static double
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

static double
measure_add_remove (Case    *c,
                    guint64  n)
{
  Fixture *f = &c->f;
  gint64 t0 = now_ns ();

  for (guint64 i = 0; i < n; i++)
    {
      gulong id = notification_center_add_observer (f->center, f->type, NULL,
                                                    observer_cb, &f->counter, NULL);

      notification_center_remove_observer (f->center, id);
    }

  return (now_ns () - t0) / (double) n;
}

/* The same, running the interest watcher's context after each change, so
 * that both reports are recorded and delivered (not cancelled). */
static double
measure_add_remove_deliver (Case    *c,
                            guint64  n)
{
  Fixture *f = &c->f;
  gint64 t0 = now_ns ();

  for (guint64 i = 0; i < n; i++)
    {
      gulong id = notification_center_add_observer (f->center, f->type, NULL,
                                                    observer_cb, &f->counter, NULL);

      g_main_context_iteration (f->context, FALSE);
      notification_center_remove_observer (f->center, id);
      g_main_context_iteration (f->context, FALSE);
    }

  return (now_ns () - t0) / (double) n;
}

static gboolean
idle_once_cb (gpointer data)
{
  (*(guint64 *) data)++;

  return G_SOURCE_REMOVE;
}

/* GLib's own cost of what a delivered report takes: a source made ready
 * and dispatched by one iteration, twice. */
static double
measure_idle_dispatch (Case    *c,
                       guint64  n)
{
  Fixture *f = &c->f;
  gint64 t0 = now_ns ();

  for (guint64 i = 0; i < n; i++)
    for (int k = 0; k < 2; k++)
      {
        GSource *source = g_idle_source_new ();

        g_source_set_callback (source, idle_once_cb, &f->counter, NULL);
        g_source_attach (source, f->context);
        g_source_unref (source);
        g_main_context_iteration (f->context, FALSE);
      }

  return (now_ns () - t0) / (double) n;
}

static double
measure_connect_disconnect (Case    *c,
                            guint64  n)
{
  Fixture *f = &c->f;
  gint64 t0 = now_ns ();

  for (guint64 i = 0; i < n; i++)
    {
      gulong id = g_signal_connect (f->emitter, "bench-signal::" POST_TYPE,
                                    G_CALLBACK (handler_cb), &f->counter);

      g_signal_handler_disconnect (f->emitter, id);
    }

  return (now_ns () - t0) / (double) n;
}

/* Create an object, tie an observer to it (mode 0: as owner, 1: as
 * sender), finalize it. */
static double
measure_finalize (Case    *c,
                  guint64  n)
{
  Fixture *f = &c->f;
  gint64 t0 = now_ns ();

  for (guint64 i = 0; i < n; i++)
    {
      GObject *object = g_object_new (G_TYPE_OBJECT, NULL);

      if (f->mode == 0)
        notification_center_add_observer_full (f->center, POST_TYPE, NULL, object, NULL,
                                               observer_cb, &f->counter, NULL);
      else
        notification_center_add_observer (f->center, POST_TYPE, object,
                                          observer_cb, &f->counter, NULL);
      g_object_unref (object);
    }

  return (now_ns () - t0) / (double) n;
}

/* The same with g_signal_connect_object (): GLib's owner-tied handler. */
static double
measure_finalize_gobject (Case    *c,
                          guint64  n)
{
  Fixture *f = &c->f;
  gint64 t0 = now_ns ();

  for (guint64 i = 0; i < n; i++)
    {
      GObject *object = g_object_new (G_TYPE_OBJECT, NULL);

      g_signal_connect_object (f->emitter, "bench-signal::" POST_TYPE,
                               G_CALLBACK (handler_cb), object, 0);
      g_object_unref (object);
    }

  return (now_ns () - t0) / (double) n;
}

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
static double
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

/* The case name encodes its center: "[sig]" or "[nosig]". */
static gboolean
case_emits_signal (Case *c)
{
  return strstr (c->name, "[nosig]") == NULL;
}

static void
setup_common (Case *c)
{
  c->f.sender = the_sender;
  c->f.type = POST_TYPE;
  c->f.detail = g_quark_from_static_string (POST_TYPE);
}

/* mode 0: N_CYCLE unobserved types from the_sender; mode 1: POST_TYPE
 * from N_CYCLE senders that nobody observes. */
static void
setup_cycle (Case *c,
             int   mode)
{
  static const char **types;
  static GQuark *details;
  static GObject **cycle_senders;
  static const char **one_type;
  static GQuark *one_detail;
  static GObject **one_sender;

  if (types == NULL)
    {
      types = g_new0 (const char *, N_CYCLE);
      details = g_new0 (GQuark, N_CYCLE);
      cycle_senders = g_new0 (GObject *, N_CYCLE);
      one_type = g_new0 (const char *, N_CYCLE);
      one_detail = g_new0 (GQuark, N_CYCLE);
      one_sender = g_new0 (GObject *, N_CYCLE);
      for (guint i = 0; i < N_CYCLE; i++)
        {
          types[i] = g_strdup_printf ("unobserved-%u", i);
          details[i] = g_quark_from_string (types[i]);
          cycle_senders[i] = g_object_new (G_TYPE_OBJECT, NULL);
          one_type[i] = POST_TYPE;
          one_detail[i] = g_quark_from_static_string (POST_TYPE);
          one_sender[i] = the_sender;
        }
    }

  c->f.types = mode == 0 ? types : one_type;
  c->f.details = mode == 0 ? details : one_detail;
  c->f.senders = mode == 0 ? one_sender : cycle_senders;
}

static void
setup_indirect (Case *c)
{
  setup_common (c);
  c->f.emitter = emitter_new (0, 0, &c->f.counter);
}

/* f.n handlers on other details, f.mode matching ones; user info per
 * c->f.user_info as preset. */
static void
setup_emit (Case *c)
{
  GVariant *user_info = c->f.user_info;

  setup_common (c);
  c->f.user_info = user_info;
  c->f.emitter = emitter_new (c->f.n, c->f.mode, &c->f.counter);
  setup_cycle (c, 0);
}

/* f.n observers of other types (mode 0) or senders (mode 1) */
static void
setup_post_unobserved (Case *c)
{
  setup_common (c);
  c->f.center = get_center (case_emits_signal (c), c->f.mode == 0 ? "types" : "senders", c->f.n);
  setup_cycle (c, c->f.mode);
}

/* One observer of MATCH_TYPE from the_sender, alone or with f.n others
 * of other types. */
static void
setup_post_match (Case *c)
{
  GVariant *user_info = c->f.user_info;

  setup_common (c);
  c->f.user_info = user_info;
  c->f.type = MATCH_TYPE;
  /* A center of its own also with f.n others: added to the center that
   * the unobserved cases share, the matching observer would make their
   * posts look up one more kind of key, and each +100k case would call
   * the other two cases' matching observers as well. */
  c->f.center = center_new (case_emits_signal (c));
  if (c->f.n != 0)
    add_other_types (c->f.center, c->f.n);
  notification_center_add_observer (c->f.center, MATCH_TYPE, the_sender,
                                    observer_cb, &c->f.counter, NULL);
}

/* setup_post_match, and a schema on MATCH_TYPE that the 2-key
 * dictionary matches: out_string (s, required), line (u, optional). */
static void
setup_post_schema (Case *c)
{
  NotificationSchema *schema = notification_schema_new ();

  setup_post_match (c);
  notification_schema_add_key (schema, "out_string", "s", TRUE, NULL);
  notification_schema_add_key (schema, "line", "u", FALSE, NULL);
  notification_center_register_schema (c->f.center, MATCH_TYPE, schema);
  g_object_unref (schema);
}

/* f.n handlers on notification::SIGNAL_TYPE of a default center. */
static void
setup_signal_route (Case *c)
{
  setup_common (c);
  c->f.type = SIGNAL_TYPE;
  c->f.center = center_new (TRUE);
  for (guint i = 0; i < c->f.n; i++)
    g_signal_connect (c->f.center, "notification::" SIGNAL_TYPE,
                      G_CALLBACK (handler_cb), &c->f.counter);
}

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

static void
setup_add_remove (Case *c)
{
  setup_common (c);
  c->f.type = "bench-add";
  c->f.center = center_new (TRUE);
  c->f.emitter = emitter_new (0, 0, &c->f.counter);
}

static void
interest_cb (NotificationCenter *center,
             const char         *type,
             GObject            *sender,
             gboolean            observed,
             gpointer            user_data)
{
  (*(guint64 *) user_data)++;
}

/* A center with an interest watcher on a context of its own, which only
 * measure_add_remove_deliver() runs. f.mode 1: the type keeps another
 * observer, so that adding and removing change no interest. */
static void
setup_add_remove_watched (Case *c)
{
  setup_add_remove (c);
  c->f.context = g_main_context_new ();
  notification_center_watch_interest (c->f.center, c->f.context, interest_cb, &c->f.counter, NULL);
  if (c->f.mode == 1)
    notification_center_add_observer (c->f.center, c->f.type, NULL, observer_cb, &c->f.counter, NULL);
  while (g_main_context_iteration (c->f.context, FALSE))
    ;
}

/* Finalization: f.mode 0 owner, 1 sender; f.n other observers tied to
 * other objects the same way (mode 2: GObject connect_object). */
static void
setup_finalize (Case *c)
{
  setup_common (c);

  if (c->f.mode == 2)
    {
      c->f.emitter = g_object_new (BENCH_TYPE_EMITTER, NULL);
      for (guint i = 0; i < c->f.n; i++)
        g_signal_connect_object (c->f.emitter, "bench-signal::other",
                                 G_CALLBACK (handler_cb), sender_at (i), 0);
      return;
    }

  c->f.center = center_new (FALSE);
  for (guint i = 0; i < c->f.n; i++)
    {
      /* Other objects than the ones of the other cases' fixtures. */
      GObject *object = sender_at (n_big + 1 + i);

      if (c->f.mode == 0)
        notification_center_add_observer_full (c->f.center, "other", NULL, object, NULL,
                                               observer_cb, &c->f.counter, NULL);
      else
        notification_center_add_observer (c->f.center, POST_TYPE, object,
                                          observer_cb, &c->f.counter, NULL);
    }
}

static void
setup_nothing (Case *c)
{
  setup_common (c);
}

static void
setup_idle_dispatch (Case *c)
{
  setup_common (c);
  c->f.context = g_main_context_new ();
}

/* post/none[nosig] on a center of its own that an interest watcher
 * watches. */
static void
setup_post_none_watched (Case *c)
{
  setup_common (c);
  c->f.center = center_new (FALSE);
  c->f.context = g_main_context_new ();
  notification_center_watch_interest (c->f.center, c->f.context, interest_cb, &c->f.counter, NULL);
  setup_cycle (c, 0);
}

static void
setup_post_none (Case *c)
{
  setup_common (c);
  c->f.center = get_center (case_emits_signal (c), "none", 0);
  setup_cycle (c, 0);
}

/* The list of cases ------------------------------------------------------------------------ */

static const char *
count_label (guint n)
{
  static char buf[8][16];
  static guint k;
  char *s = buf[k++ % G_N_ELEMENTS (buf)];

  if (n >= 1000 && n % 1000 == 0)
    g_snprintf (s, 16, "%uk", n / 1000);
  else
    g_snprintf (s, 16, "%u", n);

  return s;
}

static void
define_cases (void)
{
  static const char *kinds[] = { "[sig]", "[nosig]" };
  guint other_counts[] = { 1, 100, n_mid, n_big };
  Case *c;
  char name[128], base[128], what[256];

  cases = g_ptr_array_new ();

  /* Baselines. */
  add_case ("call/indirect", "indirect call through a volatile function pointer, same 4 args",
            NULL, setup_indirect, measure_indirect);
  c = add_case ("emit/0h", "g_signal_emit, detailed (string, object, variant), no handler",
                NULL, setup_emit, measure_emit_cycle);
  for (guint i = 0; i < 3; i++)
    {
      g_snprintf (name, sizeof name, "emit/other-%s", count_label (other_counts[i]));
      g_snprintf (what, sizeof what, "g_signal_emit, %u handlers on other details", other_counts[i]);
      c = add_case (name, what, "emit/0h", setup_emit, measure_emit_cycle);
      c->f.n = other_counts[i];
    }
  c = add_case ("emit/1h", "g_signal_emit, 1 matching handler, NULL variant, generic marshaller",
                NULL, setup_emit, measure_emit);
  c->f.mode = 1;
  c = add_case ("emit/1h-dict", "g_signal_emit, 1 matching handler, prebuilt 2-key a{sv}",
                NULL, setup_emit, measure_emit);
  c->f.mode = 1;
  c->f.user_info = the_dict;
  c = add_case ("emit/1h-build", "build a 2-key a{sv}, g_signal_emit to 1 matching handler",
                NULL, setup_emit, measure_emit_build);
  c->f.mode = 1;
  c = add_case ("emit/100h", "g_signal_emit, 100 matching handlers",
                NULL, setup_emit, measure_emit);
  c->f.mode = 100;

  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    {
      const char *kind = kinds[k];
      gboolean sig = k == 0;

      /* No observer at all. */
      g_snprintf (name, sizeof name, "post/none%s", kind);
      c = add_case (name, "post, no observer at all, NULL user info", "emit/0h",
                    setup_post_none, measure_post_cycle);
      set_target (c, TARGET_RATIO_MAX, sig ? 1.3 : 0.3);
      g_snprintf (base, sizeof base, "post/none%s", kind);
      g_snprintf (name, sizeof name, "post/none%s~call", kind);
      add_alias (name, "the same, against an indirect call", base, "call/indirect");

      /* Unobserved type among observers of other types / other senders. */
      for (guint m = 0; m < 2; m++)
        {
          const char *others = m == 0 ? "types" : "senders";

          for (guint i = 0; i < G_N_ELEMENTS (other_counts); i++)
            {
              g_snprintf (name, sizeof name, "post/%s-%s%s", others, count_label (other_counts[i]), kind);
              g_snprintf (what, sizeof what, "post, unobserved; %u observers of other %s",
                          other_counts[i], others);
              if (i < 3)
                g_snprintf (base, sizeof base, "emit/other-%s", count_label (other_counts[i]));
              else
                g_snprintf (base, sizeof base, "emit/0h");
              c = add_case (name, what, base, setup_post_unobserved, measure_post_cycle);
              c->f.n = other_counts[i];
              c->f.mode = m;
              if (i == 3)
                set_target (c, TARGET_RATIO_MAX, sig ? 1.5 : 0.6);
            }
          g_snprintf (base, sizeof base, "post/%s-%s%s", others, count_label (n_big), kind);
          g_snprintf (name, sizeof name, "post/%s-%s%s~flat", others, count_label (n_big), kind);
          g_snprintf (what, sizeof what, "the same, against 1 observer of another %s (flat)",
                      m == 0 ? "type" : "sender");
          {
            char flat_base[128];

            g_snprintf (flat_base, sizeof flat_base, "post/%s-1%s", others, kind);
            c = add_alias (name, what, base, flat_base);
            set_target (c, TARGET_RATIO_MAX, 1.3);
          }
        }

      /* One matching observer. */
      for (guint with = 0; with < 2; with++)
        {
          const char *suffix = with ? "+100k" : "";
          const char *others_what = with ? ", with 100k observers of other types" : ", alone";
          char suffix_buf[16];

          if (with)
            g_snprintf (suffix_buf, sizeof suffix_buf, "+%s", count_label (n_big));
          else
            suffix_buf[0] = '\0';
          suffix = suffix_buf;

          g_snprintf (name, sizeof name, "post/match%s%s", suffix, kind);
          g_snprintf (what, sizeof what, "post to 1 matching observer, NULL user info%s", others_what);
          c = add_case (name, what, "emit/1h", setup_post_match, measure_post);
          c->f.n = with ? n_big : 0;
          set_target (c, TARGET_RATIO_MAX, 0.4);

          g_snprintf (name, sizeof name, "post/match-dict%s%s", suffix, kind);
          g_snprintf (what, sizeof what, "post to 1 matching observer, prebuilt 2-key a{sv}%s", others_what);
          c = add_case (name, what, "emit/1h-dict", setup_post_match, measure_post);
          c->f.n = with ? n_big : 0;
          c->f.user_info = the_dict;

          g_snprintf (name, sizeof name, "post/match-values%s%s", suffix, kind);
          g_snprintf (what, sizeof what, "post_values (2 keys) to 1 matching observer%s", others_what);
          c = add_case (name, what, "emit/1h-build", setup_post_match, measure_post_values);
          c->f.n = with ? n_big : 0;
        }

      /* A schema on the matching type: what checking the user info adds. */
      g_snprintf (name, sizeof name, "post/schema-dict%s", kind);
      g_snprintf (base, sizeof base, "post/match-dict%s", kind);
      c = add_case (name, "the same with a schema (2 keys)", base, setup_post_schema, measure_post);
      c->f.user_info = the_dict;
      g_snprintf (name, sizeof name, "post/schema-received%s", kind);
      c = add_case (name, "the same, the a{sv} serialised and untrusted, as received", base,
                    setup_post_schema, measure_post);
      c->f.user_info = the_received;
      g_snprintf (name, sizeof name, "post/schema-checked%s", kind);
      c = add_case (name, "post_checked, schema, the received a{sv}", base,
                    setup_post_schema, measure_post_checked);
      c->f.user_info = the_received;
      g_snprintf (name, sizeof name, "post/schema-values%s", kind);
      g_snprintf (base, sizeof base, "post/match-values%s", kind);
      c = add_case (name, "post_values (2 keys) with a schema", base, setup_post_schema, measure_post_values);

      /* Key/value convenience with nobody observing. */
      g_snprintf (name, sizeof name, "post/values-none%s", kind);
      g_snprintf (base, sizeof base, "post/none%s", kind);
      c = add_case (name, "post_values (2 keys), no observer", base,
                    setup_post_none, measure_post_values);
      set_target (c, TARGET_RATIO_MAX, 1.5);

      g_snprintf (name, sizeof name, "allocs/values-none%s", kind);
      c = add_case (name, "malloc/calloc/realloc calls per post_values, no observer", NULL,
                    setup_post_none, measure_allocs_values);
      c->unit = "allocs/op";
      c->fixed = TRUE;
      set_target (c, TARGET_VALUE_MAX, 0);

      g_snprintf (name, sizeof name, "allocs/post-none%s", kind);
      c = add_case (name, "malloc/calloc/realloc calls per post, no observer", NULL,
                    setup_post_none, measure_allocs_post);
      c->unit = "allocs/op";
      c->fixed = TRUE;
      set_target (c, TARGET_VALUE_MAX, 0);
    }

  /* The notification::TYPE signal route. */
  c = add_case ("signal/1h[sig]", "post, 1 handler on notification::TYPE, no observer", "emit/1h",
                setup_signal_route, measure_post);
  c->f.n = 1;
  c = add_case ("signal/100h[sig]", "post, 100 handlers on notification::TYPE, no observer", "emit/100h",
                setup_signal_route, measure_post);
  c->f.n = 100;

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

  /* Add and remove. */
  add_case ("gobj/connect+disconnect", "g_signal_connect + g_signal_handler_disconnect", NULL,
            setup_add_remove, measure_connect_disconnect);
  c = add_case ("observer/add+remove", "add_observer + remove_observer", "gobj/connect+disconnect",
                setup_add_remove, measure_add_remove);
  set_target (c, TARGET_RATIO_MAX, 0.3);

  /* With an interest watcher (no target: reported). */
  c = add_case ("interest/add+remove", "the same, a watcher told of both changes (not run: they cancel)",
                "observer/add+remove", setup_add_remove_watched, measure_add_remove);
  c = add_case ("interest/add+remove-kept", "the same, the type keeps another observer: no change",
                "observer/add+remove", setup_add_remove_watched, measure_add_remove);
  c->f.mode = 1;
  add_case ("gmain/2-idle", "attach an idle source and run the context, twice",
            NULL, setup_idle_dispatch, measure_idle_dispatch);
  c = add_case ("interest/add+remove+deliver", "the same, the watcher's context run after each change (2 reports)",
                "gmain/2-idle", setup_add_remove_watched, measure_add_remove_deliver);
  c = add_case ("interest/post-none[nosig]", "post/none[nosig] on a center that a watcher watches",
                "post/none[nosig]", setup_post_none_watched, measure_post_cycle);

  /* Finalization. */
  for (guint m = 0; m < 2; m++)
    {
      const char *what_kind = m == 0 ? "owner" : "sender";

      g_snprintf (name, sizeof name, "fin/%s-1", what_kind);
      g_snprintf (base, sizeof base, "%s", name);
      g_snprintf (what, sizeof what, "new object, observer with it as %s, unref; 1 other such observer",
                  what_kind);
      c = add_case (name, what, NULL, setup_finalize, measure_finalize);
      c->f.n = 1;
      c->f.mode = m;
      g_snprintf (name, sizeof name, "fin/%s-%s", what_kind, count_label (n_big));
      g_snprintf (what, sizeof what, "the same with %u other such observers (flat)", n_big);
      c = add_case (name, what, base, setup_finalize, measure_finalize);
      c->f.n = n_big;
      c->f.mode = m;
      set_target (c, TARGET_RATIO_MAX, 1.3);
    }
  c = add_case ("gobj/fin-owner-1", "new object, g_signal_connect_object to it, unref; 1 other", NULL,
                setup_finalize, measure_finalize_gobject);
  c->f.n = 1;
  c->f.mode = 2;
  g_snprintf (name, sizeof name, "gobj/fin-owner-%s", count_label (n_mid));
  g_snprintf (what, sizeof what, "the same with %u other connect_object handlers", n_mid);
  c = add_case (name, what, "gobj/fin-owner-1", setup_finalize, measure_finalize_gobject);
  c->f.n = n_mid;
  c->f.mode = 2;

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
  set_target (c, TARGET_VALUE_MAX, 64);
  g_snprintf (name, sizeof name, "bytes/observer-%s-same", count_label (n_big));
  g_snprintf (what, sizeof what, "heap bytes per observer, %u observers of one type", n_big);
  c = add_case (name, what, base, setup_nothing, measure_bytes_observers);
  c->unit = "B/obs";
  c->fixed = TRUE;
  c->f.mode = 1;
  set_target (c, TARGET_VALUE_MAX, 64);
}

/* Running ---------------------------------------------------------------------------------- */

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static void
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

static void
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

static void
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

static gboolean
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
