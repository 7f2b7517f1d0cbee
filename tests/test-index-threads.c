/* test-index-threads.c: the index's readers against a writer
 *
 * Readers look keys up inside EBR read sections, without a lock, while
 * the writer (serialised by a mutex here, as the registry lock does in
 * the library) adds, removes, replaces and rebuilds.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "index-test-util.h"

/* ------------------------------------------------------------------ */
/* Readers against a writer */

#define N_READERS  2
#define N_STABLE   40
#define N_CHURN    600
#define N_ROUNDS   500

typedef struct
{
  NotificationIndex       *index;
  GMutex                   writer_lock;  /* the registry lock's part */
  Entry                   *stable[N_STABLE];
  gint                     stop;         /* (atomic) */
  gint                     n_started;    /* (atomic) */
  gboolean                 churn_kept;   /* every churn key the readers look up stays */
} Shared;

static const char *
stable_type (guint i)
{
  static const char *types[] = { "alpha", "a-rather-longer-type-name", NULL, "b" };

  return types[i % G_N_ELEMENTS (types)];
}

static gconstpointer
stable_sender (guint i)
{
  /* Some keys for every sender, one of each type: keys are unique. */
  return i < 4 ? NULL : SENDER (100000 + i);
}

static gconstpointer
churn_sender (guint i)
{
  return SENDER (200000 + i);
}

static gpointer
reader_thread (gpointer data)
{
  Shared *shared = data;
  guint64 n_sections = 0;

  while (!g_atomic_int_get (&shared->stop))
    {
      notification_ebr_enter ();
      for (guint i = 0; i < N_STABLE; i++)
        {
          const char *type = stable_type (i);
          gconstpointer sender = stable_sender (i);
          Entry *entry;

          entry = entry_from_key (notification_index_lookup (shared->index, key_hash (type, sender),
                                                             type, sender));
          /* Present for the whole test: always found, whatever rebuild
           * or tombstone the writer is at. */
          g_assert_true (entry == shared->stable[i]);
        }
      for (guint i = 0; i < N_CHURN; i += 7)
        {
          Entry *entry;

          /* Perhaps there, perhaps not; if found, it is whole (its type
           * is read: freed too early, ASan or valgrind says so). */
          entry = entry_from_key (notification_index_lookup (shared->index,
                                                             key_hash ("churn", churn_sender (i)),
                                                             "churn", churn_sender (i)));
          if (shared->churn_kept)
            g_assert_nonnull (entry);
          if (entry != NULL)
            {
              g_assert_true (entry->key.sender == churn_sender (i));
              g_assert_cmpstr (entry->key.type, ==, "churn");
              g_assert_cmpuint (entry->serial, !=, 0);
            }
        }
      notification_ebr_leave ();

      if (n_sections++ == 0)
        g_atomic_int_inc (&shared->n_started);
      if (n_sections % 16 == 0)
        g_thread_yield ();
    }

  return GSIZE_TO_POINTER (n_sections);
}

static void
test_rebuild_while_read (void)
{
  Shared shared = { 0, };
  GThread *readers[N_READERS];
  Entry *churn[N_CHURN];
  guint n_rebuilds = 0;

  g_test_summary ("Readers inside EBR read sections always find the keys present for "
                  "the whole test while a writer adds and removes others, forcing "
                  "many rebuilds, and never see a freed entry or table");

  shared.index = notification_index_new (&owner_lock);
  g_mutex_init (&shared.writer_lock);
  for (guint i = 0; i < N_STABLE; i++)
    shared.stable[i] = add (shared.index, stable_type (i), stable_sender (i));

  for (guint i = 0; i < N_READERS; i++)
    readers[i] = g_thread_new ("index-reader", reader_thread, &shared);
  while (g_atomic_int_get (&shared.n_started) < N_READERS)
    g_thread_yield ();

  for (guint round = 0; round < N_ROUNDS; round++)
    {
      /* Grows the table past the stable entries' size, then empties it
       * back below (the shrink rebuild), in an order that leaves
       * tombstones in the stable entries' clusters. */
      for (guint i = 0; i < N_CHURN; i++)
        {
          NotificationIndexTable *before;

          g_mutex_lock (&shared.writer_lock);
          before = current_table (shared.index);
          churn[i] = add (shared.index, "churn", churn_sender (i));
          n_rebuilds += current_table (shared.index) != before;
          g_mutex_unlock (&shared.writer_lock);
        }
      for (guint k = 0; k < N_CHURN; k++)
        {
          guint i = (k * 7 + round) % N_CHURN;
          NotificationIndexTable *before;

          g_mutex_lock (&shared.writer_lock);
          before = current_table (shared.index);
          remove_entry (shared.index, churn[i]);
          n_rebuilds += current_table (shared.index) != before;
          g_mutex_unlock (&shared.writer_lock);

          /* Without the lock, as the registry does. */
          notification_ebr_reclaim ();
        }
      if (round % 8 == 0)
        g_thread_yield ();
    }

  g_atomic_int_set (&shared.stop, 1);
  for (guint i = 0; i < N_READERS; i++)
    {
      guint64 n = GPOINTER_TO_SIZE (g_thread_join (readers[i]));

      g_test_message ("reader %u: %" G_GUINT64_FORMAT " sections", i, n);
      g_assert_cmpuint (n, >, 0);
    }
  g_test_message ("%u rebuilds", n_rebuilds);
  /* Each round grows the table and shrinks it back, at least. */
  g_assert_cmpuint (n_rebuilds, >=, 2 * N_ROUNDS);

  g_assert_cmpuint (shared.index->n_live, ==, N_STABLE);
  free_index (shared.index);
  g_mutex_clear (&shared.writer_lock);
}

static void
test_replace_while_read (void)
{
  Shared shared = { 0, };
  GThread *readers[N_READERS];

  g_test_summary ("A reader looking up a key that a writer keeps replacing always finds "
                  "the old entry or the new one, never neither, and never a freed one");

  shared.index = notification_index_new (&owner_lock);
  g_mutex_init (&shared.writer_lock);
  for (guint i = 0; i < N_STABLE; i++)
    shared.stable[i] = add (shared.index, stable_type (i), stable_sender (i));

  /* The keys being replaced are the churn keys the readers look up:
   * they must find each, old or new, every time. */
  for (guint i = 0; i < N_CHURN; i += 7)
    add (shared.index, "churn", churn_sender (i));
  shared.churn_kept = TRUE;

  for (guint i = 0; i < N_READERS; i++)
    readers[i] = g_thread_new ("index-reader", reader_thread, &shared);
  while (g_atomic_int_get (&shared.n_started) < N_READERS)
    g_thread_yield ();

  for (guint n = 0; n < 20000; n++)
    {
      guint i = n % N_CHURN / 7 * 7;
      Entry *entry, *replacement;

      g_mutex_lock (&shared.writer_lock);
      notification_ebr_enter ();
      entry = entry_from_key (notification_index_lookup (shared.index, key_hash ("churn", churn_sender (i)),
                                                         "churn", churn_sender (i)));
      notification_ebr_leave ();
      g_assert_nonnull (entry);
      replacement = entry_new ("churn", churn_sender (i));
      notification_index_replace (shared.index, &entry->key, &replacement->key);
      entry_retire (entry);
      g_mutex_unlock (&shared.writer_lock);

      notification_ebr_reclaim ();
      if (n % 256 == 0)
        g_thread_yield ();
    }

  g_atomic_int_set (&shared.stop, 1);
  for (guint i = 0; i < N_READERS; i++)
    g_thread_join (readers[i]);

  free_index (shared.index);
  g_mutex_clear (&shared.writer_lock);
}

/* ------------------------------------------------------------------ */
/* A table retired while a reader holds it */

typedef struct
{
  NotificationEbrNode  ebr;
  gint                *freed;
} Sentinel;

static void
sentinel_free (NotificationEbrNode *node)
{
  Sentinel *self = (Sentinel *) node;

  g_atomic_int_set (self->freed, 1);
  g_free (self);
}

typedef struct
{
  NotificationIndex      *index;
  GMutex                  mutex;
  GCond                   cond;
  NotificationIndexTable *held;
  gboolean                may_read;
  gsize                   n_entries_seen;
} Holder;

static gpointer
holder_thread (gpointer data)
{
  Holder *holder = data;
  NotificationIndexTable *table;

  notification_ebr_enter ();
  table = __atomic_load_n (&holder->index->table, __ATOMIC_ACQUIRE);

  g_mutex_lock (&holder->mutex);
  holder->held = table;
  g_cond_broadcast (&holder->cond);
  while (!holder->may_read)
    g_cond_wait (&holder->cond, &holder->mutex);
  g_mutex_unlock (&holder->mutex);

  /* The table was replaced and retired meanwhile: it must still be
   * there, with its entries (also retired). */
  for (gsize i = 0; i < (table->group_mask + 1) * GROUP; i++)
    {
      NotificationIndexKey *key = __atomic_load_n (&table->keys[i], __ATOMIC_ACQUIRE);

      if (key != NULL)
        {
          g_assert_cmpstr (key->type, ==, "held");
          holder->n_entries_seen++;
        }
    }
  notification_ebr_leave ();

  return NULL;
}

static void
test_retired_table_kept (void)
{
  NotificationIndex *index = notification_index_new (&owner_lock);
  Holder holder = { index, };
  Sentinel *sentinel = g_new0 (Sentinel, 1);
  gint freed = 0;
  GThread *thread;
  GPtrArray *stolen;

  g_test_summary ("A table replaced while a reader holds it, and the entries in it, "
                  "are freed only after that reader leaves its read section");

  g_mutex_init (&holder.mutex);
  g_cond_init (&holder.cond);
  for (guint i = 0; i < 4; i++)
    add (index, "held", SENDER (i));

  thread = g_thread_new ("index-holder", holder_thread, &holder);
  g_mutex_lock (&holder.mutex);
  while (holder.held == NULL)
    g_cond_wait (&holder.cond, &holder.mutex);
  g_mutex_unlock (&holder.mutex);

  /* Replace the table and retire everything in it; then something to
   * watch, retired after them. */
  stolen = notification_index_steal_all (index);
  g_assert_true (current_table (index) != holder.held);
  for (guint i = 0; i < stolen->len; i++)
    entry_retire (entry_from_key (stolen->pdata[i]));
  g_ptr_array_unref (stolen);
  sentinel->freed = &freed;
  notification_ebr_retire (&sentinel->ebr, sentinel_free);

  for (guint i = 0; i < 5; i++)
    notification_ebr_collect ();
  g_assert_cmpint (g_atomic_int_get (&freed), ==, 0);

  g_mutex_lock (&holder.mutex);
  holder.may_read = TRUE;
  g_cond_broadcast (&holder.cond);
  g_mutex_unlock (&holder.mutex);
  g_thread_join (thread);
  g_assert_cmpuint (holder.n_entries_seen, ==, 4);

  /* The reader has left: everything goes. */
  notification_ebr_collect ();
  g_assert_cmpint (g_atomic_int_get (&freed), ==, 1);

  free_index (index);
  g_cond_clear (&holder.cond);
  g_mutex_clear (&holder.mutex);
}

int
main (int    argc,
      char **argv)
{
  int result;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/index/threads/rebuild-while-read", test_rebuild_while_read);
  g_test_add_func ("/index/threads/replace-while-read", test_replace_while_read);
  g_test_add_func ("/index/threads/retired-table-kept", test_retired_table_kept);

  notification_lock (&owner_lock);
  result = g_test_run ();
  notification_unlock (&owner_lock);

  return result;
}
