/* test-slab.c: the slab of notification-slab.c, on its own
 *
 * Linked with the library's objects (tests/meson.build): the slab's
 * functions are hidden in the shared library.
 *
 * The geometry below is notification-slab.c's: 8 KiB chunks aligned on
 * their size, a 64-byte header, then the cells; a cell's index is its
 * chunk's index times the cells per chunk plus its place in the chunk;
 * fresh cells are handed out FRESH_STRIDE cells apart when the count of
 * cells per chunk is odd (coprime with it), one after the other
 * otherwise.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "notification-slab-private.h"

/* The lock that owns the structure, as the registry's does: the main
 * thread, which makes every change, holds it for the whole program, so
 * the lock-held assertions of a debug build are satisfied. */
static NotificationLock owner_lock = NOTIFICATION_LOCK_INIT;

#define CHUNK_SIZE   8192
#define HEADER_SIZE  64
#define FRESH_STRIDE 8

/* The size of an observer: the second word is never NULL while the cell
 * is allocated, which is what the match callback relies on. */
typedef struct
{
  gpointer link;   /* the slab's while the cell is free */
  gpointer key;    /* never NULL while allocated */
  guint64  payload[5];
} Cell;

G_STATIC_ASSERT (sizeof (Cell) == 56);

static guint
cells_per_chunk (gsize cell_size)
{
  return (CHUNK_SIZE - HEADER_SIZE) / cell_size;
}

static guintptr
chunk_of (gconstpointer cell)
{
  return (guintptr) cell & ~(guintptr) (CHUNK_SIZE - 1);
}

static gboolean
is_zeroed (gconstpointer mem,
           gsize         size)
{
  const guchar *p = mem;

  for (gsize i = 0; i < size; i++)
    if (p[i] != 0)
      return FALSE;

  return TRUE;
}

static guint n_matches;

/* Accepts an allocated cell whose key is @data. */
static gboolean
match_key (gconstpointer cell,
           gconstpointer data)
{
  const Cell *self = cell;

  n_matches++;

  return self->key != NULL && self->key == data;
}

static Cell *
alloc_cell (NotificationSlab *slab,
            guint32          *index)
{
  Cell *cell = notification_slab_alloc (slab, index);

  g_assert_nonnull (cell);
  g_assert_true (is_zeroed (cell, sizeof (Cell)));
  /* A key that tells cells apart: the cell's own address. */
  cell->key = cell;

  return cell;
}

/* ------------------------------------------------------------------ */

static void
test_alloc_free (void)
{
  NotificationSlab *slab;
  const guint n = 3 * cells_per_chunk (sizeof (Cell)) + 7;
  Cell **cells = g_new0 (Cell *, n);
  guint32 *indices = g_new0 (guint32, n);
  GHashTable *seen = g_hash_table_new (NULL, NULL);

  g_test_summary ("Cells are zeroed, aligned, distinct and do not overlap, "
                  "and freeing them all gives everything back");

  slab = notification_slab_new (sizeof (Cell), &owner_lock);

  for (guint i = 0; i < n; i++)
    {
      cells[i] = alloc_cell (slab, &indices[i]);
      g_assert_cmpuint ((guintptr) cells[i] % sizeof (gpointer), ==, 0);
      g_assert_false (g_hash_table_contains (seen, cells[i]));
      g_hash_table_add (seen, cells[i]);
      for (guint w = 0; w < G_N_ELEMENTS (cells[i]->payload); w++)
        cells[i]->payload[w] = ((guint64) i << 8) | w;
    }

  /* Writing every cell did not overwrite another one. */
  for (guint i = 0; i < n; i++)
    {
      g_assert_true (cells[i]->key == cells[i]);
      for (guint w = 0; w < G_N_ELEMENTS (cells[i]->payload); w++)
        g_assert_cmpuint (cells[i]->payload[w], ==, ((guint64) i << 8) | w);
    }

  for (guint i = 0; i < n; i++)
    notification_slab_free (cells[i]);
  notification_slab_drain (slab);
  notification_slab_unref (slab);

  g_hash_table_unref (seen);
  g_free (indices);
  g_free (cells);
}

static void
check_ids (gsize cell_size,
           guint stride)
{
  NotificationSlab *slab = notification_slab_new (cell_size, &owner_lock);
  const guint per_chunk = cells_per_chunk (cell_size);
  gpointer *cells = g_new0 (gpointer, 2 * per_chunk);
  guint8 *taken = g_new0 (guint8, 2 * per_chunk);

  for (guint i = 0; i < 2 * per_chunk; i++)
    {
      guint32 index;
      guint fresh = i % per_chunk;

      cells[i] = notification_slab_alloc (slab, &index);
      g_assert_true (is_zeroed (cells[i], cell_size));

      /* The i-th fresh cell of a chunk is (i * stride) % per_chunk, in
       * the chunk that the first per_chunk cells fill. */
      g_assert_cmpuint (index, ==, (i / per_chunk) * per_chunk + (fresh * stride) % per_chunk);
      g_assert_false (taken[index]);
      taken[index] = TRUE;

      /* The address agrees with the index. */
      g_assert_cmpuint ((guintptr) cells[i] - chunk_of (cells[i]), ==,
                        HEADER_SIZE + (gsize) (index % per_chunk) * cell_size);
      if (i % per_chunk != 0)
        g_assert_cmphex (chunk_of (cells[i]), ==, chunk_of (cells[i - 1]));
    }
  g_assert_cmphex (chunk_of (cells[0]), !=, chunk_of (cells[per_chunk]));

  /* Fresh cells handed out one after the other do not share a cache
   * line, when they are spread. */
  if (stride != 1)
    for (guint i = 1; i < per_chunk; i++)
      {
        gintptr d = (gintptr) cells[i] - (gintptr) cells[i - 1];

        g_assert_cmpint (ABS (d), >=, 64);
      }

  for (guint i = 0; i < 2 * per_chunk; i++)
    notification_slab_free (cells[i]);
  notification_slab_unref (slab);

  g_free (taken);
  g_free (cells);
}

static void
test_ids_spread (void)
{
  g_test_summary ("With an odd number of cells per chunk, fresh cells are handed out "
                  "FRESH_STRIDE cells apart, and an id is its chunk and place in it");

  /* 145 cells per chunk: odd. */
  g_assert_cmpuint (cells_per_chunk (sizeof (Cell)) % 2, ==, 1);
  check_ids (sizeof (Cell), FRESH_STRIDE);
}

static void
test_ids_sequential (void)
{
  g_test_summary ("With an even number of cells per chunk, fresh cells are handed out "
                  "in order, and an id is its chunk and place in it");

  /* 508 cells per chunk: even, so the stride is 1. */
  g_assert_cmpuint (cells_per_chunk (16) % 2, ==, 0);
  check_ids (16, 1);
}

static void
test_lookup (void)
{
  NotificationSlab *slab = notification_slab_new (sizeof (Cell), &owner_lock);
  const guint per_chunk = cells_per_chunk (sizeof (Cell));
  Cell *a, *b, *c;
  guint32 ia, ib, ic, fresh;

  g_test_summary ("A lookup by id finds the cell only when the match callback accepts it, "
                  "and never calls it for a chunk that does not exist");

  a = alloc_cell (slab, &ia);
  b = alloc_cell (slab, &ib);
  c = alloc_cell (slab, &ic);

  n_matches = 0;
  g_assert_true (notification_slab_lookup (slab, ia, match_key, a) == a);
  g_assert_true (notification_slab_lookup (slab, ib, match_key, b) == b);
  g_assert_true (notification_slab_lookup (slab, ic, match_key, c) == c);
  g_assert_cmpuint (n_matches, ==, 3);

  /* The match callback decides: the cell is there, but not the one. */
  g_assert_null (notification_slab_lookup (slab, ia, match_key, b));
  g_assert_cmpuint (n_matches, ==, 4);

  /* A cell never handed out, in the chunk: zeroed, so rejected. */
  fresh = (3 * FRESH_STRIDE) % per_chunk;
  g_assert_cmpuint (fresh, !=, ia);
  g_assert_cmpuint (fresh, !=, ib);
  g_assert_cmpuint (fresh, !=, ic);
  g_assert_null (notification_slab_lookup (slab, fresh, match_key, NULL));
  g_assert_cmpuint (n_matches, ==, 5);

  /* Ids past the chunks: no cell to ask about. */
  g_assert_null (notification_slab_lookup (slab, per_chunk, match_key, NULL));
  g_assert_null (notification_slab_lookup (slab, G_MAXUINT32, match_key, NULL));
  g_assert_cmpuint (n_matches, ==, 5);

  /* Freed and drained: its second word is cleared, a stale id misses. */
  notification_slab_free (b);
  notification_slab_drain (slab);
  g_assert_null (notification_slab_lookup (slab, ib, match_key, b));
  g_assert_cmpuint (n_matches, ==, 6);

  notification_slab_free (a);
  notification_slab_free (c);
  notification_slab_unref (slab);
}

static void
test_reuse (void)
{
  NotificationSlab *slab = notification_slab_new (sizeof (Cell), &owner_lock);
  Cell *a, *b, *c, *again;
  guint32 ia, ib, ic, iagain;

  g_test_summary ("A freed cell is reused, zeroed and with its id, by the next allocation, "
                  "which drains the cells freed since the last one");

  a = alloc_cell (slab, &ia);
  b = alloc_cell (slab, &ib);
  c = alloc_cell (slab, &ic);
  b->payload[0] = 42;

  /* No explicit drain: allocating drains first. */
  notification_slab_free (b);
  again = alloc_cell (slab, &iagain);
  g_assert_true (again == b);
  g_assert_cmpuint (iagain, ==, ib);
  g_assert_true (notification_slab_lookup (slab, iagain, match_key, again) == again);

  /* Both come back before any fresh cell, with their ids. */
  notification_slab_free (a);
  notification_slab_free (c);
  notification_slab_drain (slab);
  {
    guint32 i1, i2;
    Cell *first = alloc_cell (slab, &i1);
    Cell *second = alloc_cell (slab, &i2);

    g_assert_true ((first == a && second == c) || (first == c && second == a));
    g_assert_cmpuint (i1, ==, first == a ? ia : ic);
    g_assert_cmpuint (i2, ==, second == a ? ia : ic);
  }

  notification_slab_free (a);
  notification_slab_free (c);
  notification_slab_free (again);
  notification_slab_unref (slab);
}

/* Frees cells[from, to) and drains. */
static void
free_range (NotificationSlab  *slab,
            Cell             **cells,
            guint              from,
            guint              to)
{
  for (guint i = from; i < to; i++)
    notification_slab_free (g_steal_pointer (&cells[i]));
  notification_slab_drain (slab);
}

static void
test_chunks_given_back (void)
{
  NotificationSlab *slab = notification_slab_new (sizeof (Cell), &owner_lock);
  const guint per_chunk = cells_per_chunk (sizeof (Cell));
  const guint n = 2 * per_chunk + 5;
  Cell **cells = g_new0 (Cell *, n);
  Cell **more = g_new0 (Cell *, per_chunk + 1);
  guint32 *indices = g_new0 (guint32, n);
  guint32 index;

  g_test_summary ("A chunk left empty by a drain is given back to the system, "
                  "unless it is the only one with room, and its index is reused");

  /* Chunks 0 and 1 full, 2 with five cells. */
  for (guint i = 0; i < n; i++)
    {
      cells[i] = alloc_cell (slab, &indices[i]);
      g_assert_cmpuint (indices[i] / per_chunk, ==, i / per_chunk);
    }

  /* Chunk 1 empty, chunk 2 has room too: chunk 1 goes. The lookup of one
   * of its ids finds no chunk, so it does not even ask. */
  free_range (slab, cells, per_chunk, 2 * per_chunk);
  n_matches = 0;
  g_assert_null (notification_slab_lookup (slab, indices[per_chunk], match_key, NULL));
  g_assert_null (notification_slab_lookup (slab, indices[2 * per_chunk - 1], match_key, NULL));
  g_assert_cmpuint (n_matches, ==, 0);
  /* Chunks 0 and 2 are still there. */
  g_assert_true (notification_slab_lookup (slab, indices[0], match_key, cells[0]) == cells[0]);
  g_assert_true (notification_slab_lookup (slab, indices[n - 1], match_key, cells[n - 1]) == cells[n - 1]);
  g_assert_cmpuint (n_matches, ==, 2);

  /* Chunk 2 empty as well, but now the only one with room (chunk 0 is
   * full): it stays. */
  free_range (slab, cells, 2 * per_chunk, n);
  n_matches = 0;
  g_assert_null (notification_slab_lookup (slab, indices[2 * per_chunk], match_key, NULL));
  g_assert_cmpuint (n_matches, ==, 1);

  /* It is filled first; then the next chunk takes the index of the one
   * given back, and starts at its first cell. */
  for (guint i = 0; i < per_chunk; i++)
    {
      more[i] = alloc_cell (slab, &index);
      g_assert_cmpuint (index / per_chunk, ==, 2);
    }
  more[per_chunk] = alloc_cell (slab, &index);
  g_assert_cmpuint (index, ==, per_chunk);
  g_assert_cmphex (chunk_of (more[per_chunk]), !=, chunk_of (more[0]));

  for (guint i = 0; i < n; i++)
    if (cells[i] != NULL)
      notification_slab_free (cells[i]);
  for (guint i = 0; i <= per_chunk; i++)
    notification_slab_free (more[i]);
  notification_slab_unref (slab);

  g_free (more);
  g_free (indices);
  g_free (cells);
}

static void
test_only_chunk_kept (void)
{
  NotificationSlab *slab = notification_slab_new (sizeof (Cell), &owner_lock);
  Cell *cell;
  guint32 index, again;

  g_test_summary ("The only chunk is kept when its last cell is drained, "
                  "and its cell is handed out again with the same id");

  cell = alloc_cell (slab, &index);
  notification_slab_free (cell);
  notification_slab_drain (slab);

  n_matches = 0;
  g_assert_null (notification_slab_lookup (slab, index, match_key, cell));
  g_assert_cmpuint (n_matches, ==, 1);

  g_assert_true (alloc_cell (slab, &again) == cell);
  g_assert_cmpuint (again, ==, index);

  notification_slab_free (cell);
  notification_slab_unref (slab);
}

/* ------------------------------------------------------------------ */
/* Freeing from other threads, draining on the owner's */

#define N_FREERS 4

typedef struct
{
  Cell  **cells;
  guint   n;
} FreeJob;

static gpointer
freer_thread (gpointer data)
{
  FreeJob *job = data;

  for (guint i = 0; i < job->n; i++)
    notification_slab_free (job->cells[i]);

  return NULL;
}

static void
test_drain_from_threads (void)
{
  NotificationSlab *slab = notification_slab_new (sizeof (Cell), &owner_lock);
  const guint per_chunk = cells_per_chunk (sizeof (Cell));
  const guint n_freed = N_FREERS * 30;
  Cell **cells = g_new0 (Cell *, per_chunk);
  guint32 *indices = g_new0 (guint32, per_chunk);
  guint8 *freed = g_new0 (guint8, per_chunk);
  GThread *threads[N_FREERS];
  FreeJob jobs[N_FREERS];
  GPtrArray *kept = g_ptr_array_new ();
  guint32 index;
  Cell *cell;

  g_test_summary ("Cells freed by other threads at once all come back at the next drain, "
                  "before any fresh cell is used");

  g_assert_cmpuint (n_freed, <, per_chunk);

  /* One full chunk. */
  for (guint i = 0; i < per_chunk; i++)
    cells[i] = alloc_cell (slab, &indices[i]);

  /* Every other cell from the start, spread over the threads. */
  for (guint t = 0; t < N_FREERS; t++)
    {
      jobs[t].cells = g_new0 (Cell *, n_freed / N_FREERS);
      jobs[t].n = n_freed / N_FREERS;
    }
  for (guint k = 0; k < n_freed; k++)
    {
      guint i = 2 * k % per_chunk;

      jobs[k % N_FREERS].cells[k / N_FREERS] = cells[i];
      freed[indices[i]] = TRUE;
      cells[i] = NULL;
    }
  for (guint t = 0; t < N_FREERS; t++)
    threads[t] = g_thread_new ("freer", freer_thread, &jobs[t]);
  for (guint t = 0; t < N_FREERS; t++)
    g_thread_join (threads[t]);

  notification_slab_drain (slab);
  /* Nothing more to drain: a second drain changes nothing. */
  notification_slab_drain (slab);

  /* The freed cells, each once, and only then a new chunk. */
  for (guint k = 0; k < n_freed; k++)
    {
      cell = alloc_cell (slab, &index);
      g_assert_cmpuint (index, <, per_chunk);
      g_assert_true (freed[index]);
      freed[index] = FALSE;
      g_ptr_array_add (kept, cell);
    }
  cell = alloc_cell (slab, &index);
  g_assert_cmpuint (index, ==, per_chunk);
  g_ptr_array_add (kept, cell);

  for (guint i = 0; i < kept->len; i++)
    notification_slab_free (kept->pdata[i]);
  for (guint i = 0; i < per_chunk; i++)
    if (cells[i] != NULL)
      notification_slab_free (cells[i]);
  notification_slab_unref (slab);

  for (guint t = 0; t < N_FREERS; t++)
    g_free (jobs[t].cells);
  g_ptr_array_unref (kept);
  g_free (freed);
  g_free (indices);
  g_free (cells);
}

static void
test_cells_outlive_owner (void)
{
  NotificationSlab *slab = notification_slab_new (sizeof (Cell), &owner_lock);
  Cell *cells[8];
  GThread *thread;
  FreeJob job = { cells, G_N_ELEMENTS (cells) };

  g_test_summary ("Cells hold a reference on their slab: freed after the owner dropped "
                  "its own, on another thread, they still find it, and the last frees it");

  for (guint i = 0; i < G_N_ELEMENTS (cells); i++)
    {
      guint32 index;

      cells[i] = alloc_cell (slab, &index);
    }

  notification_slab_unref (slab);

  /* Under ASan or valgrind, a slab freed too early or never is an error. */
  thread = g_thread_new ("freer", freer_thread, &job);
  g_thread_join (thread);
}

int
main (int    argc,
      char **argv)
{
  int result;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/slab/alloc-free", test_alloc_free);
  g_test_add_func ("/slab/ids/spread", test_ids_spread);
  g_test_add_func ("/slab/ids/sequential", test_ids_sequential);
  g_test_add_func ("/slab/lookup", test_lookup);
  g_test_add_func ("/slab/reuse", test_reuse);
  g_test_add_func ("/slab/chunks/given-back", test_chunks_given_back);
  g_test_add_func ("/slab/chunks/only-one-kept", test_only_chunk_kept);
  g_test_add_func ("/slab/drain/from-threads", test_drain_from_threads);
  g_test_add_func ("/slab/cells-outlive-owner", test_cells_outlive_owner);

  notification_lock (&owner_lock);
  result = g_test_run ();
  notification_unlock (&owner_lock);

  return result;
}
