/* test-index.c: the center's lock-free readable index, on its own
 *
 * Linked with the library's objects (tests/meson.build): the index's
 * functions are hidden in the shared library. Writers are serialised by
 * a mutex here, as the registry lock does in the library; readers look
 * entries up inside EBR read sections, without a lock.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "notification-ebr-private.h"
#include "notification-index-private.h"

/* The lock that owns the structure, as the registry's does: the main
 * thread, which makes every change, holds it for the whole program, so
 * the lock-held assertions of a debug build are satisfied. */
static NotificationLock owner_lock = NOTIFICATION_LOCK_INIT;

#define MIN_SLOTS 16
#define TOMBSTONE (&_notification_index_tombstone)

static guint
key_hash (const char    *type,
          gconstpointer  sender)
{
  return notification_index_hash (notification_index_hash_type (type), sender);
}

static NotificationIndexEntry *
lookup (NotificationIndex *index,
        const char        *type,
        gconstpointer      sender)
{
  NotificationIndexEntry *entry;

  notification_ebr_enter ();
  entry = notification_index_lookup (index, key_hash (type, sender), type, sender);
  notification_ebr_leave ();

  return entry;
}

static NotificationIndexTable *
current_table (NotificationIndex *index)
{
  return __atomic_load_n (&index->table, __ATOMIC_ACQUIRE);
}

static gsize
n_slots (NotificationIndex *index)
{
  return current_table (index)->mask + 1;
}

static gsize
count_slots (NotificationIndex      *index,
             NotificationIndexEntry *what)
{
  NotificationIndexTable *table = current_table (index);
  gsize n = 0;

  for (gsize i = 0; i <= table->mask; i++)
    if (table->slots[i].entry == what)
      n++;

  return n;
}

static gsize
slot_of (NotificationIndex      *index,
         NotificationIndexEntry *entry)
{
  NotificationIndexTable *table = current_table (index);

  for (gsize i = 0; i <= table->mask; i++)
    if (table->slots[i].entry == entry)
      return i;

  g_assert_not_reached ();
}

static void
remove_entry (NotificationIndex      *index,
              NotificationIndexEntry *entry)
{
  notification_index_remove (index, entry);
  notification_index_entry_retire (entry);
}

static void
free_index (NotificationIndex *index)
{
  GPtrArray *entries = notification_index_steal_all (index);

  for (guint i = 0; i < entries->len; i++)
    notification_index_entry_retire (entries->pdata[i]);
  g_ptr_array_unref (entries);
  notification_index_free (index);
  notification_ebr_collect ();
}

/* Distinct senders that are never dereferenced. */
#define SENDER(i) ((gconstpointer) (guintptr) (0x10000 + 16 * (guintptr) (i)))

/* ------------------------------------------------------------------ */

static void
test_add_lookup_remove (void)
{
  NotificationIndex *index = notification_index_new (&owner_lock);
  static int sender_a, sender_b;
  NotificationIndexEntry *typed, *any_type, *any_sender, *any, *other;

  g_test_summary ("Entries are found by their (type, sender) key, NULL meaning every "
                  "type or every sender, and no longer once removed");

  g_assert_cmpuint (n_slots (index), ==, MIN_SLOTS);
  g_assert_null (lookup (index, "a", &sender_a));
  g_assert_null (lookup (index, NULL, NULL));

  typed = notification_index_add (index, "a", &sender_a);
  any_type = notification_index_add (index, NULL, &sender_a);
  any_sender = notification_index_add (index, "a", NULL);
  any = notification_index_add (index, NULL, NULL);
  other = notification_index_add (index, "b", &sender_b);
  g_assert_cmpuint (index->n_live, ==, 5);
  g_assert_cmpuint (index->n_used, ==, 5);

  /* The entry holds its own copy of the type and the key's hash. */
  g_assert_cmpstr (typed->type, ==, "a");
  g_assert_true (typed->sender == &sender_a);
  g_assert_cmphex (typed->hash, ==, key_hash ("a", &sender_a));
  g_assert_null (any->type);
  g_assert_null (any->sender);
  g_assert_null (typed->head);
  g_assert_null (typed->schema);

  g_assert_true (lookup (index, "a", &sender_a) == typed);
  g_assert_true (lookup (index, NULL, &sender_a) == any_type);
  g_assert_true (lookup (index, "a", NULL) == any_sender);
  g_assert_true (lookup (index, NULL, NULL) == any);
  g_assert_true (lookup (index, "b", &sender_b) == other);

  /* Keys that were not added, even if parts of them were. */
  g_assert_null (lookup (index, "b", &sender_a));
  g_assert_null (lookup (index, "a", &sender_b));
  g_assert_null (lookup (index, NULL, &sender_b));
  g_assert_null (lookup (index, "ab", &sender_a));
  g_assert_null (lookup (index, "", &sender_a));

  remove_entry (index, typed);
  g_assert_cmpuint (index->n_live, ==, 4);
  g_assert_cmpuint (index->n_used, ==, 5);
  g_assert_null (lookup (index, "a", &sender_a));
  g_assert_true (lookup (index, NULL, &sender_a) == any_type);
  g_assert_true (lookup (index, "a", NULL) == any_sender);
  g_assert_true (lookup (index, NULL, NULL) == any);
  g_assert_true (lookup (index, "b", &sender_b) == other);

  /* Added again: a new entry. */
  typed = notification_index_add (index, "a", &sender_a);
  g_assert_true (lookup (index, "a", &sender_a) == typed);
  g_assert_cmpuint (index->n_live, ==, 5);

  free_index (index);
}

static void
test_growth (void)
{
  NotificationIndex *index = notification_index_new (&owner_lock);
  const guint n = 5000;
  NotificationIndexEntry **entries = g_new0 (NotificationIndexEntry *, n);
  char type[32];

  g_test_summary ("Many entries: the table grows to stay at least half empty, and every "
                  "entry is found, by its full key only");

  for (guint i = 0; i < n; i++)
    {
      g_snprintf (type, sizeof type, "type-%u", i % 50);
      entries[i] = notification_index_add (index, type, SENDER (i / 50));
      g_assert_cmpuint (index->n_live, ==, i + 1);
      g_assert_cmpuint (index->n_used * 2, <=, n_slots (index));
    }
  /* The smallest power of two with room for 5000 live entries at four
   * slots each, the size of the last rebuild. */
  g_assert_cmpuint (n_slots (index), ==, 16384);

  for (guint i = 0; i < n; i++)
    {
      g_snprintf (type, sizeof type, "type-%u", i % 50);
      g_assert_true (lookup (index, type, SENDER (i / 50)) == entries[i]);
      /* The same type with a sender that has no entry of it. */
      g_assert_null (lookup (index, type, SENDER (n + i)));
    }

  free_index (index);
  g_free (entries);
}

/* @n senders whose key ("t", sender) starts its probe at @home in a
 * table of MIN_SLOTS slots. */
static void
colliding_senders (gsize          home,
                   gconstpointer *senders,
                   guint          n)
{
  guint found = 0;

  for (guint i = 0; found < n; i++)
    if ((key_hash ("t", SENDER (i)) & (MIN_SLOTS - 1)) == home)
      senders[found++] = SENDER (i);
}

static void
test_tombstones (void)
{
  NotificationIndex *index = notification_index_new (&owner_lock);
  gconstpointer senders[4];
  NotificationIndexEntry *entries[4];
  gsize home = 5;

  g_test_summary ("A removed entry leaves a tombstone that lookups probe past, "
                  "and that a later insertion may take over");

  colliding_senders (home, senders, G_N_ELEMENTS (senders));

  /* One cluster from the home slot on. */
  for (guint i = 0; i < 3; i++)
    {
      entries[i] = notification_index_add (index, "t", senders[i]);
      g_assert_cmpuint (slot_of (index, entries[i]), ==, home + i);
    }

  remove_entry (index, entries[0]);
  g_assert_true (current_table (index)->slots[home].entry == TOMBSTONE);
  g_assert_cmpuint (count_slots (index, TOMBSTONE), ==, 1);
  g_assert_cmpuint (index->n_live, ==, 2);
  g_assert_cmpuint (index->n_used, ==, 3);

  /* Later entries of the cluster are still found, past the tombstone. */
  g_assert_null (lookup (index, "t", senders[0]));
  g_assert_true (lookup (index, "t", senders[1]) == entries[1]);
  g_assert_true (lookup (index, "t", senders[2]) == entries[2]);

  /* A tombstone in the middle as well. */
  remove_entry (index, entries[1]);
  g_assert_true (lookup (index, "t", senders[2]) == entries[2]);
  g_assert_cmpuint (count_slots (index, TOMBSTONE), ==, 2);

  /* A new entry of the same home takes the first tombstone, and uses no
   * slot that was never used. */
  entries[3] = notification_index_add (index, "t", senders[3]);
  g_assert_cmpuint (slot_of (index, entries[3]), ==, home);
  g_assert_cmpuint (index->n_live, ==, 2);
  g_assert_cmpuint (index->n_used, ==, 3);
  g_assert_true (lookup (index, "t", senders[3]) == entries[3]);
  g_assert_true (lookup (index, "t", senders[2]) == entries[2]);

  free_index (index);
}

static void
test_rebuild_drops_tombstones (void)
{
  NotificationIndex *index = notification_index_new (&owner_lock);
  NotificationIndexEntry *entries[9];
  NotificationIndexTable *before;

  g_test_summary ("A table full of entries and tombstones is rebuilt at the same size "
                  "without the tombstones, and keeps every live entry");

  /* Eight slots used of sixteen: as full as the table gets. */
  for (guint i = 0; i < 8; i++)
    entries[i] = notification_index_add (index, "r", SENDER (i));
  g_assert_cmpuint (n_slots (index), ==, MIN_SLOTS);
  for (guint i = 0; i < 5; i++)
    remove_entry (index, entries[i]);
  g_assert_cmpuint (count_slots (index, TOMBSTONE), ==, 5);
  g_assert_cmpuint (index->n_used, ==, 8);
  g_assert_cmpuint (index->n_live, ==, 3);

  /* Eight of sixteen slots used: the insertion rebuilds first, whatever
   * slot the new key would take. */
  before = current_table (index);
  entries[8] = notification_index_add (index, "r", SENDER (8));
  g_assert_true (current_table (index) != before);
  g_assert_cmpuint (n_slots (index), ==, MIN_SLOTS);
  g_assert_cmpuint (count_slots (index, TOMBSTONE), ==, 0);
  g_assert_cmpuint (index->n_live, ==, 4);
  g_assert_cmpuint (index->n_used, ==, 4);
  g_assert_cmpuint (count_slots (index, NULL), ==, MIN_SLOTS - 4);

  for (guint i = 0; i < 5; i++)
    g_assert_null (lookup (index, "r", SENDER (i)));
  for (guint i = 5; i < 9; i++)
    g_assert_true (lookup (index, "r", SENDER (i)) == entries[i]);

  free_index (index);
}

static void
test_shrink (void)
{
  NotificationIndex *index = notification_index_new (&owner_lock);
  const guint n = 1000;
  NotificationIndexEntry **entries = g_new0 (NotificationIndexEntry *, n);
  gsize largest;

  g_test_summary ("Removing most entries rebuilds a smaller table without tombstones, "
                  "down to the smallest, and the remaining entries are found");

  for (guint i = 0; i < n; i++)
    entries[i] = notification_index_add (index, "s", SENDER (i));
  largest = n_slots (index);
  g_assert_cmpuint (largest, ==, 4096);

  for (guint i = 0; i < n; i++)
    {
      NotificationIndexTable *before = current_table (index);

      remove_entry (index, entries[i]);
      if (current_table (index) != before)
        {
          /* A rebuild: smaller, and only live entries... */
          g_assert_cmpuint (n_slots (index), <, before->mask + 1);
          g_assert_cmpuint (count_slots (index, TOMBSTONE), ==, 0);
          g_assert_cmpuint (index->n_used, ==, index->n_live);
          for (guint j = i + 1; j < n; j++)
            g_assert_true (lookup (index, "s", SENDER (j)) == entries[j]);
        }
      /* ...and never less than a sixteenth used above the smallest size. */
      g_assert_true (n_slots (index) == MIN_SLOTS || index->n_live * 16 >= n_slots (index));
      /* Collected as it goes: retired tables and entries do not pile up. */
      if (i % 100 == 0)
        notification_ebr_collect ();
    }
  g_assert_cmpuint (n_slots (index), ==, MIN_SLOTS);
  g_assert_cmpuint (index->n_live, ==, 0);

  free_index (index);
  g_free (entries);
}

static void
test_replace (void)
{
  NotificationIndex *index = notification_index_new (&owner_lock);
  NotificationIndexEntry *entry, *replacement, *neighbour;
  gsize slot;

  g_test_summary ("Replacing an entry puts the new one of the same key in its slot, "
                  "counts unchanged");

  entry = notification_index_add (index, "x", SENDER (1));
  neighbour = notification_index_add (index, "y", SENDER (1));
  slot = slot_of (index, entry);

  replacement = notification_index_entry_new ("x", SENDER (1));
  g_assert_cmphex (replacement->hash, ==, entry->hash);
  notification_index_replace (index, entry, replacement);
  notification_index_entry_retire (entry);

  g_assert_cmpuint (slot_of (index, replacement), ==, slot);
  g_assert_true (lookup (index, "x", SENDER (1)) == replacement);
  g_assert_true (lookup (index, "y", SENDER (1)) == neighbour);
  g_assert_cmpuint (index->n_live, ==, 2);
  g_assert_cmpuint (index->n_used, ==, 2);

  free_index (index);
}

static void
test_steal_all (void)
{
  NotificationIndex *index = notification_index_new (&owner_lock);
  const guint n = 100;
  NotificationIndexEntry **entries = g_new0 (NotificationIndexEntry *, n);
  GHashTable *expected = g_hash_table_new (NULL, NULL);
  GPtrArray *stolen;

  g_test_summary ("Stealing returns every live entry once, no tombstone, and leaves "
                  "an empty index of the smallest size that can be used again");

  for (guint i = 0; i < n; i++)
    {
      entries[i] = notification_index_add (index, "z", SENDER (i));
      g_hash_table_add (expected, entries[i]);
    }
  for (guint i = 0; i < n; i += 3)
    {
      g_hash_table_remove (expected, entries[i]);
      remove_entry (index, entries[i]);
    }

  stolen = notification_index_steal_all (index);
  g_assert_cmpuint (stolen->len, ==, g_hash_table_size (expected));
  for (guint i = 0; i < stolen->len; i++)
    {
      g_assert_true (g_hash_table_remove (expected, stolen->pdata[i]));
      notification_index_entry_retire (stolen->pdata[i]);
    }
  g_assert_cmpuint (g_hash_table_size (expected), ==, 0);
  g_ptr_array_unref (stolen);

  g_assert_cmpuint (index->n_live, ==, 0);
  g_assert_cmpuint (index->n_used, ==, 0);
  g_assert_cmpuint (n_slots (index), ==, MIN_SLOTS);
  g_assert_cmpuint (count_slots (index, NULL), ==, MIN_SLOTS);
  for (guint i = 0; i < n; i++)
    g_assert_null (lookup (index, "z", SENDER (i)));

  /* Still usable. */
  entries[0] = notification_index_add (index, "z", SENDER (0));
  g_assert_true (lookup (index, "z", SENDER (0)) == entries[0]);

  free_index (index);
  g_hash_table_unref (expected);
  g_free (entries);
}

/* ------------------------------------------------------------------ */
/* Readers against a writer */

#define N_READERS  2
#define N_STABLE   40
#define N_CHURN    300
#define N_ROUNDS   500

typedef struct
{
  NotificationIndex       *index;
  GMutex                   writer_lock;  /* the registry lock's part */
  NotificationIndexEntry  *stable[N_STABLE];
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
          NotificationIndexEntry *entry;

          entry = notification_index_lookup (shared->index, key_hash (type, sender), type, sender);
          /* Present for the whole test: always found, whatever rebuild
           * or tombstone the writer is at. */
          g_assert_true (entry == shared->stable[i]);
        }
      for (guint i = 0; i < N_CHURN; i += 7)
        {
          NotificationIndexEntry *entry;

          /* Perhaps there, perhaps not; if found, it is whole (its type
           * is read: freed too early, ASan or valgrind says so). */
          entry = notification_index_lookup (shared->index, key_hash ("churn", churn_sender (i)),
                                             "churn", churn_sender (i));
          if (shared->churn_kept)
            g_assert_nonnull (entry);
          if (entry != NULL)
            {
              g_assert_true (entry->sender == churn_sender (i));
              g_assert_cmpstr (entry->type, ==, "churn");
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
  NotificationIndexEntry *churn[N_CHURN];
  guint n_rebuilds = 0;

  g_test_summary ("Readers inside EBR read sections always find the keys present for "
                  "the whole test while a writer adds and removes others, forcing "
                  "many rebuilds, and never see a freed entry or table");

  shared.index = notification_index_new (&owner_lock);
  g_mutex_init (&shared.writer_lock);
  for (guint i = 0; i < N_STABLE; i++)
    shared.stable[i] = notification_index_add (shared.index, stable_type (i), stable_sender (i));

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
          churn[i] = notification_index_add (shared.index, "churn", churn_sender (i));
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
    shared.stable[i] = notification_index_add (shared.index, stable_type (i), stable_sender (i));

  /* The keys being replaced are the churn keys the readers look up:
   * they must find each, old or new, every time. */
  for (guint i = 0; i < N_CHURN; i += 7)
    notification_index_add (shared.index, "churn", churn_sender (i));
  shared.churn_kept = TRUE;

  for (guint i = 0; i < N_READERS; i++)
    readers[i] = g_thread_new ("index-reader", reader_thread, &shared);
  while (g_atomic_int_get (&shared.n_started) < N_READERS)
    g_thread_yield ();

  for (guint n = 0; n < 20000; n++)
    {
      guint i = n % N_CHURN / 7 * 7;
      NotificationIndexEntry *entry, *replacement;

      g_mutex_lock (&shared.writer_lock);
      notification_ebr_enter ();
      entry = notification_index_lookup (shared.index, key_hash ("churn", churn_sender (i)),
                                         "churn", churn_sender (i));
      notification_ebr_leave ();
      g_assert_nonnull (entry);
      replacement = notification_index_entry_new ("churn", churn_sender (i));
      notification_index_replace (shared.index, entry, replacement);
      notification_index_entry_retire (entry);
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
  for (gsize i = 0; i <= table->mask; i++)
    {
      NotificationIndexEntry *entry = __atomic_load_n (&table->slots[i].entry, __ATOMIC_ACQUIRE);

      if (entry != NULL && entry != TOMBSTONE)
        {
          g_assert_cmpstr (entry->type, ==, "held");
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
    notification_index_add (index, "held", SENDER (i));

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
    notification_index_entry_retire (stolen->pdata[i]);
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

  g_test_add_func ("/index/add-lookup-remove", test_add_lookup_remove);
  g_test_add_func ("/index/growth", test_growth);
  g_test_add_func ("/index/tombstones", test_tombstones);
  g_test_add_func ("/index/rebuild-drops-tombstones", test_rebuild_drops_tombstones);
  g_test_add_func ("/index/shrink", test_shrink);
  g_test_add_func ("/index/replace", test_replace);
  g_test_add_func ("/index/steal-all", test_steal_all);
  g_test_add_func ("/index/threads/rebuild-while-read", test_rebuild_while_read);
  g_test_add_func ("/index/threads/replace-while-read", test_replace_while_read);
  g_test_add_func ("/index/threads/retired-table-kept", test_retired_table_kept);

  notification_lock (&owner_lock);
  result = g_test_run ();
  notification_unlock (&owner_lock);

  return result;
}
