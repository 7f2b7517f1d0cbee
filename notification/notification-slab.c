/* notification-slab.c: fixed-size cells without a header each
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "notification-slab-private.h"

#define CHUNK_SIZE   8192
#define HEADER_SIZE  64

/* Fresh cells are handed out this many cells apart (modulo the chunk):
 * objects allocated one after the other, which different threads may
 * write at the same time (an observer's state word on every call), do
 * not share a cache line. */
#define FRESH_STRIDE 8

typedef struct _Chunk Chunk;

/* At the start of each chunk; the cells follow at HEADER_SIZE. Written
 * under the owner's lock. */
struct _Chunk
{
  NotificationSlab *slab;
  guint             index;       /* in slab->chunks */
  guint             n_used;      /* cells handed out and not drained back */
  guint             n_fresh;     /* cells never handed out (zeroed) */
  gboolean          has_room_listed;
  gpointer          free_cells;  /* drained cells, linked through their first word */
  Chunk            *prev;        /* in slab->with_room */
  Chunk            *next;
};

G_STATIC_ASSERT (sizeof (Chunk) <= HEADER_SIZE);

struct _NotificationSlab
{
  gint              ref_count;   /* (atomic) the owner's, and one per allocated cell */
  gpointer          returned;    /* (atomic) freed cells not drained yet, linked through their first word */

  /* Protected by the owner's lock. */
  NotificationLock *owner_lock;  /* (unowned) for notification_lock_assert_held() */
  gsize             cell_size;
  guint             cells_per_chunk;
  guint             stride;      /* coprime with cells_per_chunk */
  GPtrArray        *chunks;      /* (element-type Chunk) (nullable elements) by index */
  Chunk            *with_room;   /* chunks with a free cell */
};

/* @owner_lock: the lock that the owner allocates, looks up and drains
 * under */
NotificationSlab *
notification_slab_new (gsize             cell_size,
                       NotificationLock *owner_lock)
{
  NotificationSlab *self = g_new0 (NotificationSlab, 1);

  g_assert (cell_size >= 2 * sizeof (gpointer) && cell_size % sizeof (gpointer) == 0);

  self->ref_count = 1;
  self->owner_lock = owner_lock;
  self->cell_size = cell_size;
  self->cells_per_chunk = (CHUNK_SIZE - HEADER_SIZE) / cell_size;
  /* A power of two is coprime with an odd count. */
  self->stride = self->cells_per_chunk % 2 != 0 ? FRESH_STRIDE : 1;
  self->chunks = g_ptr_array_new ();

  return self;
}

void
notification_slab_unref (NotificationSlab *self)
{
  if (__atomic_sub_fetch (&self->ref_count, 1, __ATOMIC_SEQ_CST) != 0)
    return;

  /* No cell is allocated any more: free or returned, they all go with
   * their chunks. */
  for (guint i = 0; i < self->chunks->len; i++)
    g_aligned_free (g_ptr_array_index (self->chunks, i));
  g_ptr_array_unref (self->chunks);
  g_free (self);
}

static inline Chunk *
cell_chunk (gpointer cell)
{
  return (Chunk *) ((guintptr) cell & ~(guintptr) (CHUNK_SIZE - 1));
}

static inline gpointer
chunk_cell (Chunk *chunk,
            guint  i)
{
  return (char *) chunk + HEADER_SIZE + (gsize) i * chunk->slab->cell_size;
}

static void
slab_list_room (NotificationSlab *self,
                Chunk            *chunk)
{
  chunk->prev = NULL;
  chunk->next = self->with_room;
  if (self->with_room != NULL)
    self->with_room->prev = chunk;
  self->with_room = chunk;
  chunk->has_room_listed = TRUE;
}

static void
slab_unlist_room (NotificationSlab *self,
                  Chunk            *chunk)
{
  if (chunk->prev != NULL)
    chunk->prev->next = chunk->next;
  else
    self->with_room = chunk->next;
  if (chunk->next != NULL)
    chunk->next->prev = chunk->prev;
  chunk->has_room_listed = FALSE;
}

static Chunk *
slab_add_chunk (NotificationSlab *self)
{
  Chunk *chunk = g_aligned_alloc0 (1, CHUNK_SIZE, CHUNK_SIZE);
  guint index;

  /* Reuse the index of a chunk that was given back. */
  for (index = 0; index < self->chunks->len; index++)
    if (g_ptr_array_index (self->chunks, index) == NULL)
      break;
  if (index == self->chunks->len)
    g_ptr_array_add (self->chunks, chunk);
  else
    g_ptr_array_index (self->chunks, index) = chunk;

  chunk->slab = self;
  chunk->index = index;
  chunk->n_fresh = self->cells_per_chunk;
  slab_list_room (self, chunk);

  return chunk;
}

/*
 * notification_slab_drain:
 *
 * Puts the cells freed since the last drain back in their chunks, and
 * gives back the chunks left empty. Owner's lock held.
 */
void
notification_slab_drain (NotificationSlab *self)
{
  gpointer cell;

  notification_lock_assert_held (self->owner_lock);

  /* A plain load first: the exchange is a locked instruction. */
  if (__atomic_load_n (&self->returned, __ATOMIC_RELAXED) == NULL)
    return;

  cell = __atomic_exchange_n (&self->returned, NULL, __ATOMIC_ACQUIRE);
  while (cell != NULL)
    {
      gpointer next = *(gpointer *) cell;
      Chunk *chunk = cell_chunk (cell);

      /* The second word is cleared: a lookup by index sees a free cell. */
      ((gpointer *) cell)[1] = NULL;
      *(gpointer *) cell = chunk->free_cells;
      chunk->free_cells = cell;
      if (!chunk->has_room_listed)
        slab_list_room (self, chunk);

      /* Empty, and not the only chunk with room: back to the system. */
      if (--chunk->n_used == 0 && (chunk->prev != NULL || chunk->next != NULL))
        {
          slab_unlist_room (self, chunk);
          g_ptr_array_index (self->chunks, chunk->index) = NULL;
          g_aligned_free (chunk);
        }

      cell = next;
    }
}

/*
 * notification_slab_alloc:
 * @index: (out): where to store the cell's index
 *
 * Owner's lock held.
 *
 * Returns: a zeroed cell
 */
gpointer
notification_slab_alloc (NotificationSlab *self,
                         guint32          *index)
{
  Chunk *chunk;
  gpointer cell;

  notification_lock_assert_held (self->owner_lock);
  notification_slab_drain (self);

  chunk = self->with_room != NULL ? self->with_room : slab_add_chunk (self);
  if (chunk->free_cells != NULL)
    {
      cell = chunk->free_cells;
      chunk->free_cells = *(gpointer *) cell;
    }
  else
    {
      guint fresh = self->cells_per_chunk - chunk->n_fresh;

      cell = chunk_cell (chunk, (fresh * self->stride) % self->cells_per_chunk);
      chunk->n_fresh--;
    }
  if (++chunk->n_used == self->cells_per_chunk)
    slab_unlist_room (self, chunk);

  __atomic_fetch_add (&self->ref_count, 1, __ATOMIC_SEQ_CST);
  *index = chunk->index * self->cells_per_chunk +
           (guint) (((char *) cell - (char *) chunk - HEADER_SIZE) / self->cell_size);
  memset (cell, 0, self->cell_size);

  return cell;
}

/*
 * notification_slab_free:
 * @cell: a cell from notification_slab_alloc() that nobody can reach
 *
 * Returns the cell to its slab and drops its reference on it. Lock-free:
 * any thread, no lock needed.
 */
void
notification_slab_free (gpointer cell)
{
  NotificationSlab *self = cell_chunk (cell)->slab;

  *(gpointer *) cell = __atomic_load_n (&self->returned, __ATOMIC_RELAXED);
  while (!__atomic_compare_exchange_n (&self->returned, (gpointer *) cell, cell, TRUE,
                                       __ATOMIC_RELEASE, __ATOMIC_RELAXED))
    ;

  notification_slab_unref (self);
}

/*
 * notification_slab_lookup:
 * @index: a cell index, perhaps stale
 * @match: tells whether the cell is the one wanted (it may be free, or
 *   never handed out and zeroed)
 *
 * Owner's lock held.
 *
 * Returns: (nullable): the cell, if it exists and matches
 */
gpointer
notification_slab_lookup (NotificationSlab      *self,
                          guint32                index,
                          NotificationSlabMatch  match,
                          gconstpointer          data)
{
  guint chunk_index;
  guint cell_index;
  Chunk *chunk;
  gpointer cell;

  notification_lock_assert_held (self->owner_lock);
  chunk_index = index / self->cells_per_chunk;
  cell_index = index % self->cells_per_chunk;

  /* A cell never handed out is zeroed: @match rejects it. */
  if (chunk_index >= self->chunks->len ||
      (chunk = g_ptr_array_index (self->chunks, chunk_index)) == NULL)
    return NULL;

  cell = chunk_cell (chunk, cell_index);

  return match (cell, data) ? cell : NULL;
}
