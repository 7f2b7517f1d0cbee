/* bench-common.h: the harness shared by the notification-bench files
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * What every file of notification-bench shares: the settings, the
 * fixtures, the case registry and the timing. See notification-bench.c
 * for how the cases are measured.
 */

#pragma once

#include <time.h>

#include <notification/notification.h>

G_BEGIN_DECLS

#define MAX_REPS 64

/* Allocation counting (bench-common.c interposes malloc, calloc and
 * realloc). */
extern guint64 bench_n_allocs;

gint64 heap_in_use (void);

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

extern guint bench_signal;

/* Callbacks ---------------------------------------------------------------- */

void observer_cb (NotificationCenter *center,
                  const char         *type,
                  GObject            *sender,
                  GVariant           *user_info,
                  gpointer            user_data);
void handler_cb  (gpointer            instance,
                  const char         *type,
                  GObject            *sender,
                  GVariant           *user_info,
                  gpointer            user_data);

/* Settings ------------------------------------------------------------------ */

extern gboolean opt_quick;
extern gint opt_reps;
extern char *opt_filter;
extern char *opt_json;
extern gint opt_time_ms;
extern gboolean opt_list;
extern char *load_at_start;

/* 100k and 10k in a real run; tiny for --quick. */
extern guint n_big;
extern guint n_mid;

#define POST_TYPE   "bench-type"
#define MATCH_TYPE  "bench-match"
#define SIGNAL_TYPE "bench-sig"

extern guint64 sink_counter;

/* Unobserved posts cycle through N_CYCLE keys, so that a result does not
 * hang on where one key happens to land in a hash table. */
#define N_CYCLE 64

/* Fixtures -------------------------------------------------------------------- */

extern GObject *the_sender;    /* the sender of every post */
extern GVariant *the_dict;     /* a prebuilt 2-key a{sv} */
extern GVariant *the_received; /* the same, serialised and untrusted, as from a peer */

GObject            *sender_at       (guint        i);
GVariant           *build_dict      (void);
NotificationCenter *center_new      (gboolean     emits_signal);
void                add_other_types (NotificationCenter *center,
                                     guint               n);
NotificationCenter *get_center      (gboolean     emits_signal,
                                     const char  *others,
                                     guint        n);
BenchEmitter       *emitter_new     (guint        n_other,
                                     guint        n_match,
                                     guint64     *counter);

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

extern GPtrArray *cases;  /* (element-type Case) in the order of the table */

Case       *find_case         (const char  *name);
Case       *add_case          (const char  *name,
                               const char  *what,
                               const char  *baseline,
                               void       (*setup) (Case *c),
                               MeasureFunc  measure);
Case       *add_alias         (const char  *name,
                               const char  *what,
                               const char  *of,
                               const char  *baseline);
void        set_target        (Case        *c,
                               TargetKind   kind,
                               double       target);

gboolean    case_emits_signal (Case        *c);
void        setup_common      (Case        *c);
void        setup_cycle       (Case        *c,
                               int          mode);
const char *count_label       (guint        n);

/* The subjects, each defining its cases in the order of the table ------------- */

/* bench-post.c */
double measure_post_cycle (Case    *c,
                           guint64  n);
void   define_post_cases  (void);

/* bench-threads.c */
double measure_threads     (Case    *c,
                            guint64  n);
void   define_thread_cases (void);

/* bench-lifecycle.c */
void define_lifecycle_cases (void);

/* bench-memory.c */
double measure_allocs_values (Case    *c,
                              guint64  n);
double measure_allocs_post   (Case    *c,
                              guint64  n);
void   define_memory_cases   (void);

/* bench-report.c */
void     summarize   (const double  *values,
                      guint          n,
                      double        *median,
                      double        *min,
                      double        *max);
void     finish_case (Case          *c);
void     print_table (void);
gboolean write_json  (const char    *path,
                      GError       **error);

G_END_DECLS
