/* bench-common.c: the harness shared by the notification-bench files
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Allocations are counted by interposing malloc(), calloc() and realloc()
 * (forwarded to glibc's __libc_* functions); heap bytes come from
 * mallinfo2() (uordblks + hblkhd, so large mmapped tables are included).
 */

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench-common.h"

/* Allocation counting ---------------------------------------------------- */

extern void *__libc_malloc (size_t size);
extern void *__libc_calloc (size_t n_members, size_t size);
extern void *__libc_realloc (void *ptr, size_t size);

/* Read only by single-threaded measurements; a plain (not locked)
 * increment, so that allocating threads do not contend on it. */
guint64 bench_n_allocs;

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

gint64
heap_in_use (void)
{
  struct mallinfo2 info = mallinfo2 ();

  return (gint64) (info.uordblks + info.hblkhd);
}

/* The baseline emitter ---------------------------------------------------- */

struct _BenchEmitter
{
  GObject parent_instance;
};

G_DEFINE_FINAL_TYPE (BenchEmitter, bench_emitter, G_TYPE_OBJECT)

guint bench_signal;

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

void
observer_cb (NotificationCenter *center,
             const char         *type,
             GObject            *sender,
             GVariant           *user_info,
             gpointer            user_data)
{
  (*(guint64 *) user_data)++;
}

void
handler_cb (gpointer    instance,
            const char *type,
            GObject    *sender,
            GVariant   *user_info,
            gpointer    user_data)
{
  (*(guint64 *) user_data)++;
}

/* Settings ------------------------------------------------------------------ */

gboolean opt_quick;
gint opt_reps = 5;
char *opt_filter;
char *opt_json;
gint opt_time_ms = 25;
gboolean opt_list;
char *load_at_start;

/* 100k and 10k in a real run; tiny for --quick. */
guint n_big = 100000;
guint n_mid = 10000;


guint64 sink_counter;


/* Fixtures -------------------------------------------------------------------- */

static GPtrArray *senders;  /* (element-type GObject) other senders, made on demand */

GObject *
sender_at (guint i)
{
  if (senders == NULL)
    senders = g_ptr_array_new ();
  while (senders->len <= i)
    g_ptr_array_add (senders, g_object_new (G_TYPE_OBJECT, NULL));

  return g_ptr_array_index (senders, i);
}

GObject *the_sender;    /* the sender of every post */
GVariant *the_dict;     /* a prebuilt 2-key a{sv} */
GVariant *the_received; /* the same, serialised and untrusted, as from a peer */

GVariant *
build_dict (void)
{
  GVariantBuilder builder;

  g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&builder, "{sv}", "out_string", g_variant_new_string ("hello, world\n"));
  g_variant_builder_add (&builder, "{sv}", "line", g_variant_new_uint32 (42));

  return g_variant_builder_end (&builder);
}

NotificationCenter *
center_new (gboolean emits_signal)
{
  return g_object_new (NOTIFICATION_TYPE_CENTER, "emits-signal", emits_signal, NULL);
}

void
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
NotificationCenter *
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
BenchEmitter *
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

GPtrArray *cases;

Case *
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

Case *
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
Case *
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

void
set_target (Case       *c,
            TargetKind  kind,
            double      target)
{
  c->target_kind = kind;
  c->target = target;
}

/* Setup functions ------------------------------------------------------------------------ */

/* The case name encodes its center: "[sig]" or "[nosig]". */
gboolean
case_emits_signal (Case *c)
{
  return strstr (c->name, "[nosig]") == NULL;
}

void
setup_common (Case *c)
{
  c->f.sender = the_sender;
  c->f.type = POST_TYPE;
  c->f.detail = g_quark_from_static_string (POST_TYPE);
}

/* mode 0: N_CYCLE unobserved types from the_sender; mode 1: POST_TYPE
 * from N_CYCLE senders that nobody observes. */
void
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

/* Case names ------------------------------------------------------------------------------ */

const char *
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
