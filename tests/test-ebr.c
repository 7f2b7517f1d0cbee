/* test-ebr.c: epoch-based reclamation on its own, in both modes
 *
 * The program is linked with the library's objects (tests/meson.build:
 * the shared library keeps these symbols hidden), so the test can see
 * which mode it runs in: readers entering with a plain store and the reclaimer
 * calling membarrier() ("asymmetric"), or readers fencing ("fallback").
 *
 * /ebr/mode/ checks, in child processes, that NOTIFICATION_EBR_FALLBACK
 * forces the fallback where membarrier() would be used otherwise (it runs
 * first: the parent sets the variable before any thread exists).
 * /ebr/memory/ runs in the mode of the environment: meson runs this
 * program as 'ebr' and again as 'ebr-fallback'
 * (NOTIFICATION_EBR_FALLBACK=1).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#ifdef __linux__
# include <linux/membarrier.h>
# include <sys/syscall.h>
# include <unistd.h>
#endif

#include "notification-ebr-private.h"

#if defined(__SANITIZE_THREAD__)
# define TEST_TSAN 1
#elif defined(__has_feature)
# if __has_feature(thread_sanitizer)
#  define TEST_TSAN 1
# endif
#endif

#define FALLBACK_VARIABLE "NOTIFICATION_EBR_FALLBACK"

/* ------------------------------------------------------------------ */
/* The mode */

/* Whether notification-ebr.c would use membarrier() here, unless told
 * otherwise: Linux with expedited private membarrier(), not under
 * ThreadSanitizer. */
static gboolean
membarrier_usable (void)
{
#if defined(__linux__) && defined(__NR_membarrier) && !defined(TEST_TSAN)
  long cmds = syscall (__NR_membarrier, MEMBARRIER_CMD_QUERY, 0, 0);

  return cmds > 0 && (cmds & MEMBARRIER_CMD_PRIVATE_EXPEDITED) != 0;
#else
  return FALSE;
#endif
}

/* The mode of this process: run directly, and in the children of the
 * tests below with the variable as they set it. */
static void
test_mode_current (void)
{
  const char *value = g_getenv (FALLBACK_VARIABLE);
  gboolean forced = value != NULL && value[0] != '\0' && strcmp (value, "0") != 0;

  g_test_summary ("This process reads in the mode that the environment and "
                  "membarrier() support call for");

  /* The mode is settled by the first read section. */
  notification_ebr_enter ();
  notification_ebr_leave ();

  g_test_message ("%s=%s%s%s: %s", FALLBACK_VARIABLE,
                  value != NULL ? "\"" : "(unset)",
                  value != NULL ? value : "",
                  value != NULL ? "\"" : "",
                  _notification_ebr_asymmetric ? "asymmetric" : "fallback");

  if (forced || !membarrier_usable ())
    g_assert_false (_notification_ebr_asymmetric);
  else
    g_assert_true (_notification_ebr_asymmetric);
}

static void
check_mode_with (const char *value)
{
  char *saved = g_strdup (g_getenv (FALLBACK_VARIABLE));

  if (value != NULL)
    g_setenv (FALLBACK_VARIABLE, value, TRUE);
  else
    g_unsetenv (FALLBACK_VARIABLE);

  g_test_trap_subprocess ("/ebr/mode/current", 0, G_TEST_SUBPROCESS_INHERIT_STDERR);

  if (saved != NULL)
    g_setenv (FALLBACK_VARIABLE, saved, TRUE);
  else
    g_unsetenv (FALLBACK_VARIABLE);
  g_free (saved);

  g_test_trap_assert_passed ();
}

static void
test_mode (gconstpointer data)
{
  g_test_summary ("NOTIFICATION_EBR_FALLBACK, set or not to this value in a child "
                  "process, selects the fallback mode exactly when it should");

  if (!membarrier_usable ())
    g_test_message ("membarrier() is not used here: every case is the fallback");

  check_mode_with (data);
}

/* ------------------------------------------------------------------ */
/* A reader blocks the freeing of what was retired while it was inside */

typedef struct
{
  NotificationEbrNode  ebr;
  gint                *n_freed;
} Node;

static void
node_free (NotificationEbrNode *node)
{
  Node *self = (Node *) node;

  g_atomic_int_inc (self->n_freed);
  g_free (self);
}

static void
retire_node (gint *n_freed)
{
  Node *node = g_new0 (Node, 1);

  node->n_freed = n_freed;
  notification_ebr_retire (&node->ebr, node_free);
}

static void
test_collect_frees (void)
{
  gint n_freed = 0;

  g_test_summary ("notification_ebr_collect() frees the nodes retired while no "
                  "thread was reading");

  retire_node (&n_freed);
  retire_node (&n_freed);
  notification_ebr_collect ();
  g_assert_cmpint (g_atomic_int_get (&n_freed), ==, 2);
}

static void
test_nested_section (void)
{
  gint n_freed = 0;

  g_test_summary ("A node retired inside nested read sections is freed only after "
                  "the outermost section is left");

  notification_ebr_enter ();
  notification_ebr_enter ();
  retire_node (&n_freed);
  notification_ebr_leave ();

  /* Still inside the outer section: the node stays. */
  notification_ebr_collect ();
  g_assert_cmpint (g_atomic_int_get (&n_freed), ==, 0);

  notification_ebr_leave ();
  notification_ebr_collect ();
  g_assert_cmpint (g_atomic_int_get (&n_freed), ==, 1);
}

typedef struct
{
  GMutex  mutex;
  GCond   cond;
  gboolean inside;
  gboolean may_leave;
} Handshake;

static gpointer
blocking_reader_thread (gpointer data)
{
  Handshake *hs = data;

  notification_ebr_enter ();

  g_mutex_lock (&hs->mutex);
  hs->inside = TRUE;
  g_cond_broadcast (&hs->cond);
  while (!hs->may_leave)
    g_cond_wait (&hs->cond, &hs->mutex);
  g_mutex_unlock (&hs->mutex);

  notification_ebr_leave ();

  return NULL;
}

static void
test_reader_blocks_free (void)
{
  Handshake hs = { 0, };
  gint n_freed = 0;
  GThread *reader;

  g_test_summary ("A reader inside its read section on another thread keeps a "
                  "retired node from being freed until it leaves");

  g_mutex_init (&hs.mutex);
  g_cond_init (&hs.cond);

  reader = g_thread_new ("reader", blocking_reader_thread, &hs);
  g_mutex_lock (&hs.mutex);
  while (!hs.inside)
    g_cond_wait (&hs.cond, &hs.mutex);
  g_mutex_unlock (&hs.mutex);

  retire_node (&n_freed);
  for (guint i = 0; i < 4; i++)
    notification_ebr_collect ();
  g_assert_cmpint (g_atomic_int_get (&n_freed), ==, 0);

  g_mutex_lock (&hs.mutex);
  hs.may_leave = TRUE;
  g_cond_broadcast (&hs.cond);
  g_mutex_unlock (&hs.mutex);
  g_thread_join (reader);

  notification_ebr_collect ();
  g_assert_cmpint (g_atomic_int_get (&n_freed), ==, 1);

  g_cond_clear (&hs.cond);
  g_mutex_clear (&hs.mutex);
}

/* ------------------------------------------------------------------ */
/* Readers follow a pointer that a writer keeps replacing */

#define N_READERS 3
#define N_SWAPS   20000
#define ALIVE     G_GUINT64_CONSTANT (0xa11fe0000a11fe00)
#define DEAD      G_GUINT64_CONSTANT (0xdeaddeaddeaddead)

typedef struct
{
  NotificationEbrNode ebr;
  guint64             magic;   /* not atomic: TSan checks the order */
  guint64             serial;
} Object;

static Object *current;          /* (atomic) */
static gint n_readers_started;   /* (atomic) */
static gint stop_readers;        /* (atomic) */
static GPtrArray *graveyard;     /* reclaimed objects; only the writer reclaims */

/* Poisons instead of freeing, so that a premature free is an assertion
 * (and under TSan a race), not undefined behaviour. */
static void
object_bury (NotificationEbrNode *node)
{
  Object *self = (Object *) node;

  self->magic = DEAD;
  g_ptr_array_add (graveyard, self);
}

static gpointer
swap_reader_thread (gpointer data)
{
  guint64 *n_reads = data;

  while (!g_atomic_int_get (&stop_readers))
    {
      Object *object;
      guint64 serial;

      notification_ebr_enter ();
      object = __atomic_load_n (&current, __ATOMIC_ACQUIRE);
      g_assert_true (object->magic == ALIVE);
      serial = object->serial;
      /* Stay a little, reading it again. */
      for (guint i = 0; i < 16; i++)
        g_assert_true (object->magic == ALIVE && object->serial == serial);
      notification_ebr_leave ();
      if ((*n_reads)++ == 0)
        g_atomic_int_inc (&n_readers_started);
    }

  return NULL;
}

static void
test_concurrent_swaps (void)
{
  GThread *readers[N_READERS];
  guint64 n_reads[N_READERS] = { 0, };
  Object *object;

  g_test_summary ("Readers following a pointer that a writer keeps replacing and "
                  "retiring never see a reclaimed object, and everything is reclaimed "
                  "in the end");

  graveyard = g_ptr_array_new_with_free_func (g_free);
  object = g_new0 (Object, 1);
  object->magic = ALIVE;
  __atomic_store_n (&current, object, __ATOMIC_RELEASE);
  g_atomic_int_set (&n_readers_started, 0);
  g_atomic_int_set (&stop_readers, 0);

  for (guint i = 0; i < N_READERS; i++)
    readers[i] = g_thread_new ("swap-reader", swap_reader_thread, &n_reads[i]);
  while (g_atomic_int_get (&n_readers_started) < N_READERS)
    g_thread_yield ();

  for (guint64 serial = 1; serial <= N_SWAPS; serial++)
    {
      Object *old = __atomic_load_n (&current, __ATOMIC_RELAXED);

      object = g_new0 (Object, 1);
      object->magic = ALIVE;
      object->serial = serial;
      __atomic_store_n (&current, object, __ATOMIC_RELEASE);
      notification_ebr_retire (&old->ebr, object_bury);
      notification_ebr_reclaim ();
      /* Two cores or fewer: let the readers run between batches. */
      if (serial % 64 == 0)
        g_thread_yield ();
    }

  g_atomic_int_set (&stop_readers, 1);
  for (guint i = 0; i < N_READERS; i++)
    {
      g_thread_join (readers[i]);
      g_test_message ("reader %u: %" G_GUINT64_FORMAT " sections", i, n_reads[i]);
    }

  notification_ebr_collect ();
  /* Everything but the current object was reclaimed: batches of 128 go
   * on the way, the rest at the collect. */
  g_assert_cmpuint (graveyard->len, ==, N_SWAPS);

  g_clear_pointer (&graveyard, g_ptr_array_unref);
  g_free (__atomic_exchange_n (&current, NULL, __ATOMIC_ACQ_REL));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_data_func ("/ebr/mode/unset", NULL, test_mode);
  g_test_add_data_func ("/ebr/mode/one", "1", test_mode);
  g_test_add_data_func ("/ebr/mode/zero", "0", test_mode);
  g_test_add_data_func ("/ebr/mode/empty", "", test_mode);
  g_test_add_func ("/ebr/mode/current", test_mode_current);
  g_test_add_func ("/ebr/memory/collect-frees", test_collect_frees);
  g_test_add_func ("/ebr/memory/nested-section", test_nested_section);
  g_test_add_func ("/ebr/memory/reader-blocks-free", test_reader_blocks_free);
  g_test_add_func ("/ebr/memory/concurrent-swaps", test_concurrent_swaps);

  return g_test_run ();
}
