/* test-index.c: the center's lock-free readable index, on its own
 *
 * Linked with the library's objects (tests/meson.build): the index's
 * functions are hidden in the shared library. One thread here; readers
 * against a writer are in test-index-threads.c.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <malloc.h>

#include "index-test-util.h"

/* ------------------------------------------------------------------ */

static void
test_add_lookup_remove (void)
{
  NotificationIndex *index = notification_index_new (&owner_lock);
  static int sender_a, sender_b;
  Entry *typed, *any_type, *any_sender, *any, *other;

  g_test_summary ("Entries are found by their (type, sender) key, NULL meaning every "
                  "type or every sender, and no longer once removed");

  g_assert_cmpuint (n_slots (index), ==, MIN_SLOTS);
  g_assert_null (lookup (index, "a", &sender_a));
  g_assert_null (lookup (index, NULL, NULL));

  typed = add (index, "a", &sender_a);
  any_type = add (index, NULL, &sender_a);
  any_sender = add (index, "a", NULL);
  any = add (index, NULL, NULL);
  other = add (index, "b", &sender_b);
  g_assert_cmpuint (index->n_live, ==, 5);
  g_assert_cmpuint (index->n_used, ==, 5);
  assert_consistent (index);

  /* The key holds its own copy of the type, inline, and its hash. */
  g_assert_cmpstr (typed->key.type, ==, "a");
  g_assert_cmpstr (notification_index_key_get_type (&typed->key), ==, "a");
  g_assert_true (typed->key.sender == &sender_a);
  g_assert_cmphex (typed->key.hash, ==, key_hash ("a", &sender_a));
  g_assert_null (notification_index_key_get_type (&any->key));
  g_assert_cmphex (any->key.hash, ==, key_hash (NULL, NULL));
  g_assert_null (any->key.sender);

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

  remove_entry (index, typed);
  g_assert_cmpuint (index->n_live, ==, 4);
  assert_consistent (index);
  g_assert_null (lookup (index, "a", &sender_a));
  g_assert_true (lookup (index, NULL, &sender_a) == any_type);
  g_assert_true (lookup (index, "a", NULL) == any_sender);
  g_assert_true (lookup (index, NULL, NULL) == any);
  g_assert_true (lookup (index, "b", &sender_b) == other);

  /* Added again: a new entry. */
  typed = add (index, "a", &sender_a);
  g_assert_true (lookup (index, "a", &sender_a) == typed);
  g_assert_cmpuint (index->n_live, ==, 5);

  free_index (index);
}

static void
test_entry_size (void)
{
  Entry *short_type, *long_type, *any;
  const char *long_name = "org.example.a-rather-longer-type-name";

  g_test_summary ("An entry is one allocation with its type inline: the struct, or the "
                  "key's offset, the type and its terminator if that is more");

  short_type = entry_new ("x", NULL);
  long_type = entry_new (long_name, NULL);
  any = entry_new (NULL, NULL);
  g_assert_cmpstr (short_type->key.type, ==, "x");
  g_assert_cmpstr (long_type->key.type, ==, long_name);
  g_assert_cmpstr (any->key.type, ==, "");
  /* What the allocator gave holds it all (ASan and valgrind would also
   * see a write past a short allocation). */
  g_assert_cmpuint (malloc_usable_size (short_type), >=, sizeof (Entry));
  g_assert_cmpuint (malloc_usable_size (long_type), >=,
                    G_STRUCT_OFFSET (Entry, key.type) + strlen (long_name) + 1);
  g_assert_cmpuint (malloc_usable_size (any), >=, sizeof (Entry));
  g_free (short_type);
  g_free (long_type);
  g_free (any);
}

static void
test_growth (void)
{
  NotificationIndex *index = notification_index_new (&owner_lock);
  const guint n = 5000;
  Entry **entries = g_new0 (Entry *, n);
  gsize last_slots = n_slots (index);
  char type[32];

  g_test_summary ("Many entries: the table grows when seven eighths of it is used, to "
                  "about half full, and every entry is found, by its full key only");

  for (guint i = 0; i < n; i++)
    {
      gsize before = n_slots (index);

      g_snprintf (type, sizeof type, "type-%u", i % 50);
      entries[i] = add (index, type, SENDER (i / 50));
      g_assert_cmpuint (index->n_live, ==, i + 1);
      g_assert_cmpuint (index->n_used * 8, <=, n_slots (index) * 7);
      if (n_slots (index) != before)
        {
          /* Grown only when full, to twice the size. */
          g_assert_cmpuint (i, ==, before - before / 8);
          g_assert_cmpuint (n_slots (index), ==, 2 * before);
          last_slots = n_slots (index);
        }
    }
  /* The smallest power of two of which 5000 is at most seven eighths. */
  g_assert_cmpuint (n_slots (index), ==, 8192);
  g_assert_cmpuint (last_slots, ==, 8192);
  assert_consistent (index);

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

/* @n senders whose key ("t", sender) starts its probe at group @home in
 * a table of MIN_SLOTS slots. */
static void
colliding_senders (gsize          home,
                   gconstpointer *senders,
                   guint          n)
{
  guint found = 0;

  for (guint i = 0; found < n; i++)
    if ((key_hash ("t", SENDER (i)) & (MIN_SLOTS / GROUP - 1)) == home)
      senders[found++] = SENDER (i);
}

static void
test_probing (void)
{
  NotificationIndex *index = notification_index_new (&owner_lock);
  gconstpointer senders[GROUP + 3];
  Entry *entries[GROUP + 3];
  const gsize home = 1;
  const gsize next = (home + 1) % (MIN_SLOTS / GROUP);
  const guint n = GROUP + 2;

  g_test_summary ("Keys of one group fill it, then go on to the next group of their "
                  "probe; a full group's removed slot becomes a tombstone that "
                  "lookups probe past, a group with an empty slot gets an empty one");

  colliding_senders (home, senders, G_N_ELEMENTS (senders));

  for (guint i = 0; i < n; i++)
    {
      entries[i] = add (index, "t", senders[i]);
      /* The home group first, then the next one of the probe (stride 1). */
      g_assert_cmpuint (slot_of (index, entries[i]) / GROUP, ==, i < GROUP ? home : next);
    }
  assert_consistent (index);

  /* From the full home group: a tombstone, and the keys that went on
   * are still found past it. */
  remove_entry (index, entries[0]);
  g_assert_cmpuint (count_lanes (index, NOTIFICATION_INDEX_DELETED), ==, 1);
  g_assert_cmpuint (index->n_used, ==, n);
  assert_consistent (index);
  g_assert_null (lookup (index, "t", senders[0]));
  for (guint i = 1; i < n; i++)
    g_assert_true (lookup (index, "t", senders[i]) == entries[i]);

  /* From the next group, which has empty slots: an empty slot. */
  remove_entry (index, entries[n - 1]);
  g_assert_cmpuint (count_lanes (index, NOTIFICATION_INDEX_DELETED), ==, 1);
  g_assert_cmpuint (index->n_used, ==, n - 1);
  assert_consistent (index);
  g_assert_true (lookup (index, "t", senders[n - 2]) == entries[n - 2]);

  /* A new key of the same home takes the tombstone. */
  entries[n] = add (index, "t", senders[n]);
  g_assert_cmpuint (slot_of (index, entries[n]) / GROUP, ==, home);
  g_assert_cmpuint (count_lanes (index, NOTIFICATION_INDEX_DELETED), ==, 0);
  g_assert_cmpuint (index->n_used, ==, n - 1);
  assert_consistent (index);
  for (guint i = 1; i < n - 1; i++)
    g_assert_true (lookup (index, "t", senders[i]) == entries[i]);
  g_assert_true (lookup (index, "t", senders[n]) == entries[n]);

  free_index (index);
}

static void
test_tag_collisions (void)
{
  NotificationIndex *index = notification_index_new (&owner_lock);
  gconstpointer senders[4];
  Entry *entries[3];
  guint found = 0;
  guint hash0 = 0;

  g_test_summary ("Keys whose tags and groups are the same but not their hashes are "
                  "told apart by the key, and a key of the same tag that is not in "
                  "the index is not found");

  /* Four senders whose keys ("c", sender) have the same group and tag in
   * the smallest table. */
  for (guint i = 0; found < G_N_ELEMENTS (senders); i++)
    {
      guint hash = key_hash ("c", SENDER (i));

      if (found == 0)
        hash0 = hash;
      if ((hash & (MIN_SLOTS / GROUP - 1)) == (hash0 & (MIN_SLOTS / GROUP - 1)) &&
          notification_index_tag (hash) == notification_index_tag (hash0))
        senders[found++] = SENDER (i);
    }

  for (guint i = 0; i < G_N_ELEMENTS (entries); i++)
    entries[i] = add (index, "c", senders[i]);
  assert_consistent (index);
  for (guint i = 0; i < G_N_ELEMENTS (entries); i++)
    g_assert_true (lookup (index, "c", senders[i]) == entries[i]);
  /* Same tag, same group, not added. */
  g_assert_null (lookup (index, "c", senders[3]));

  /* Removing the first one leaves the others found. */
  remove_entry (index, entries[0]);
  g_assert_null (lookup (index, "c", senders[0]));
  g_assert_true (lookup (index, "c", senders[1]) == entries[1]);
  g_assert_true (lookup (index, "c", senders[2]) == entries[2]);

  free_index (index);
}

static void
test_rebuild_drops_tombstones (void)
{
  NotificationIndex *index = notification_index_new (&owner_lock);
  const guint capacity = MIN_SLOTS - MIN_SLOTS / 8;
  gconstpointer senders[MIN_SLOTS];
  Entry *entries[MIN_SLOTS];
  NotificationIndexTable *before;
  guint n_removed = 0;

  g_test_summary ("A table full of entries and tombstones is rebuilt at the same size "
                  "without the tombstones, and keeps every live entry");

  /* As many keys of one home group as the smallest table takes: they
   * fill the home group, then part of the next. */
  colliding_senders (0, senders, G_N_ELEMENTS (senders));
  for (guint i = 0; i < capacity; i++)
    entries[i] = add (index, "t", senders[i]);
  g_assert_cmpuint (n_slots (index), ==, MIN_SLOTS);
  g_assert_cmpuint (count_lanes (index, NOTIFICATION_INDEX_EMPTY), ==, MIN_SLOTS - capacity);
  assert_consistent (index);

  /* Emptying the full home group leaves a tombstone per slot. */
  for (guint i = 0; i < capacity; i++)
    if (slot_of (index, entries[i]) / GROUP == 0)
      {
        remove_entry (index, entries[i]);
        entries[i] = NULL;
        n_removed++;
      }
  g_assert_cmpuint (n_removed, ==, GROUP);
  g_assert_cmpuint (count_lanes (index, NOTIFICATION_INDEX_DELETED), ==, GROUP);
  g_assert_cmpuint (index->n_live, ==, capacity - GROUP);
  g_assert_cmpuint (index->n_used, ==, capacity);
  assert_consistent (index);

  /* The next insertion rebuilds first, at the same size (at most half
   * of what it holds is live). */
  before = current_table (index);
  entries[capacity] = add (index, "t", senders[capacity]);
  g_assert_true (current_table (index) != before);
  g_assert_cmpuint (n_slots (index), ==, MIN_SLOTS);
  g_assert_cmpuint (count_lanes (index, NOTIFICATION_INDEX_DELETED), ==, 0);
  g_assert_cmpuint (index->n_live, ==, capacity - GROUP + 1);
  g_assert_cmpuint (index->n_used, ==, index->n_live);
  assert_consistent (index);

  for (guint i = 0; i <= capacity; i++)
    if (entries[i] != NULL)
      g_assert_true (lookup (index, "t", senders[i]) == entries[i]);
    else
      g_assert_null (lookup (index, "t", senders[i]));

  free_index (index);
}

static void
test_shrink (void)
{
  NotificationIndex *index = notification_index_new (&owner_lock);
  const guint n = 1000;
  Entry **entries = g_new0 (Entry *, n);

  g_test_summary ("Removing most entries rebuilds a smaller table without tombstones, "
                  "down to the smallest, and the remaining entries are found");

  for (guint i = 0; i < n; i++)
    entries[i] = add (index, "s", SENDER (i));
  g_assert_cmpuint (n_slots (index), ==, 2048);

  for (guint i = 0; i < n; i++)
    {
      NotificationIndexTable *before = current_table (index);
      gsize slots_before = n_slots (index);

      remove_entry (index, entries[i]);
      if (current_table (index) != before)
        {
          /* A rebuild: smaller, and only live entries... */
          g_assert_cmpuint (n_slots (index), <, slots_before);
          g_assert_cmpuint (count_lanes (index, NOTIFICATION_INDEX_DELETED), ==, 0);
          g_assert_cmpuint (index->n_used, ==, index->n_live);
          assert_consistent (index);
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
  Entry *entry, *replacement, *neighbour;
  gsize slot;

  g_test_summary ("Replacing an entry puts the new one of the same key in its slot, "
                  "counts unchanged");

  entry = add (index, "x", SENDER (1));
  neighbour = add (index, "y", SENDER (1));
  slot = slot_of (index, entry);

  replacement = entry_new ("x", SENDER (1));
  g_assert_cmphex (replacement->key.hash, ==, entry->key.hash);
  notification_index_replace (index, &entry->key, &replacement->key);
  entry_retire (entry);

  g_assert_cmpuint (slot_of (index, replacement), ==, slot);
  g_assert_true (lookup (index, "x", SENDER (1)) == replacement);
  g_assert_true (lookup (index, "y", SENDER (1)) == neighbour);
  g_assert_cmpuint (index->n_live, ==, 2);
  g_assert_cmpuint (index->n_used, ==, 2);
  assert_consistent (index);

  free_index (index);
}

static void
count_cb (NotificationIndexKey *key,
          gpointer              data)
{
  g_assert_true (g_hash_table_remove (data, entry_from_key (key)));
}

static void
test_steal_all (void)
{
  NotificationIndex *index = notification_index_new (&owner_lock);
  const guint n = 100;
  Entry **entries = g_new0 (Entry *, n);
  GHashTable *expected = g_hash_table_new (NULL, NULL);
  GHashTable *visited = g_hash_table_new (NULL, NULL);
  GPtrArray *stolen;

  g_test_summary ("Foreach visits and stealing returns every live entry once, no "
                  "tombstone, and stealing leaves an empty index of the smallest size "
                  "that can be used again");

  for (guint i = 0; i < n; i++)
    {
      entries[i] = add (index, "z", SENDER (i));
      g_hash_table_add (expected, entries[i]);
    }
  for (guint i = 0; i < n; i += 3)
    {
      g_hash_table_remove (expected, entries[i]);
      remove_entry (index, entries[i]);
    }

  for (guint i = 0; i < n; i++)
    if (i % 3 != 0)
      g_hash_table_add (visited, entries[i]);
  notification_index_foreach (index, count_cb, visited);
  g_assert_cmpuint (g_hash_table_size (visited), ==, 0);

  stolen = notification_index_steal_all (index);
  g_assert_cmpuint (stolen->len, ==, g_hash_table_size (expected));
  for (guint i = 0; i < stolen->len; i++)
    {
      Entry *entry = entry_from_key (stolen->pdata[i]);

      g_assert_true (g_hash_table_remove (expected, entry));
      entry_retire (entry);
    }
  g_assert_cmpuint (g_hash_table_size (expected), ==, 0);
  g_ptr_array_unref (stolen);

  g_assert_cmpuint (index->n_live, ==, 0);
  g_assert_cmpuint (index->n_used, ==, 0);
  g_assert_cmpuint (n_slots (index), ==, MIN_SLOTS);
  g_assert_cmpuint (count_lanes (index, NOTIFICATION_INDEX_EMPTY), ==, MIN_SLOTS);
  for (guint i = 0; i < n; i++)
    g_assert_null (lookup (index, "z", SENDER (i)));

  /* Still usable. */
  entries[0] = add (index, "z", SENDER (0));
  g_assert_true (lookup (index, "z", SENDER (0)) == entries[0]);

  free_index (index);
  g_hash_table_unref (expected);
  g_hash_table_unref (visited);
  g_free (entries);
}

static void
test_group_match (void)
{
  guint64 group;
  guint max_tag = NOTIFICATION_INDEX_DELETED - 1;

  g_test_summary ("A group's lanes: a tag matches its own full lanes (and at most lanes "
                  "above a match), never an empty or deleted lane; empty lanes are told "
                  "from deleted ones");

  /* Lanes, low to high: tag 0x12, EMPTY, DELETED, tag 0x01, then EMPTY. */
  group = G_GUINT64_CONSTANT (0xffffffffffffffff) << (4 * LANE_BITS);
  group |= 0x12 | ((guint64) NOTIFICATION_INDEX_EMPTY << LANE_BITS) |
           ((guint64) NOTIFICATION_INDEX_DELETED << (2 * LANE_BITS)) | ((guint64) 0x01 << (3 * LANE_BITS));
  g_assert_cmphex (notification_index_group_match (group, 0x12), ==, 0x80);
  g_assert_cmphex (notification_index_group_match (group, 0x01), ==, (guint64) 0x80 << (3 * LANE_BITS));
  g_assert_cmphex (notification_index_group_match (group, max_tag), ==, 0);
  g_assert_cmphex (notification_index_group_match_empty (group), ==,
                   G_GUINT64_CONSTANT (0x8080808000008000));
  /* A false match can only sit above a true one (a borrow): rejected by
   * the key comparison. */
  group = 0x01 | ((guint64) 0x00 << LANE_BITS) | (G_GUINT64_CONSTANT (0xffffffffffff) << (2 * LANE_BITS));
  g_assert_cmphex (notification_index_group_match (group, 0x00) & 0x8080, !=, 0);
  g_assert_cmphex (notification_index_group_match (group, 0x00) & 0x80, ==, 0);

  /* Every tag against a group holding it in each lane. */
  for (guint tag = 0; tag <= max_tag; tag++)
    for (guint i = 0; i < GROUP; i++)
      {
        guint64 g = G_GUINT64_CONSTANT (0xffffffffffffffff);
        guint64 lane_high = (guint64) 0x80 << (LANE_BITS * i);
        guint64 m;

        g &= ~((guint64) NOTIFICATION_INDEX_LANE_MASK << (LANE_BITS * i));
        g |= (guint64) tag << (LANE_BITS * i);
        m = notification_index_group_match (g, tag);
        g_assert_cmphex (m, ==, lane_high);
        g_assert_cmphex (notification_index_group_match_empty (g) & lane_high, ==, 0);
        g_assert_cmphex (notification_index_group_match_empty (g), ==, G_GUINT64_CONSTANT (0x8080808080808080) & ~lane_high);
        /* No other tag matches it. */
        g_assert_cmphex (notification_index_group_match (g, tag ^ 1), ==, 0);
      }

  /* Tags come from the hash's top bits: a full lane's top bit is clear. */
  g_assert_cmphex (notification_index_tag (G_MAXUINT32), ==, max_tag);
  g_assert_cmphex (notification_index_tag (0x01ffffff), ==, 0);
}

int
main (int    argc,
      char **argv)
{
  int result;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/index/add-lookup-remove", test_add_lookup_remove);
  g_test_add_func ("/index/growth", test_growth);
  g_test_add_func ("/index/entry-size", test_entry_size);
  g_test_add_func ("/index/probing", test_probing);
  g_test_add_func ("/index/group-match", test_group_match);
  g_test_add_func ("/index/tag-collisions", test_tag_collisions);
  g_test_add_func ("/index/rebuild-drops-tombstones", test_rebuild_drops_tombstones);
  g_test_add_func ("/index/shrink", test_shrink);
  g_test_add_func ("/index/replace", test_replace);
  g_test_add_func ("/index/steal-all", test_steal_all);

  notification_lock (&owner_lock);
  result = g_test_run ();
  notification_unlock (&owner_lock);

  return result;
}
