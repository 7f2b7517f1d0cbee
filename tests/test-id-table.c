/* test-id-table.c: the table of observers by id, on its own
 *
 * Linked with the library's objects (tests/meson.build): the table's
 * functions are hidden in the shared library. The table only reads an
 * observer's id, so the observers here are bare structures.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "notification-id-table-private.h"

#define MIN_SLOTS 8

/* notification-id-table.c's hash, to know where an id belongs. */
static gsize
home_slot (gulong id,
           gsize  mask)
{
  guint64 h = (guint64) id * G_GUINT64_CONSTANT (0x9e3779b97f4a7c15);

  return (gsize) (h ^ (h >> 32)) & mask;
}

static NotificationObserverExt *
observer_new (gulong id)
{
  NotificationObserverExt *observer = g_new0 (NotificationObserverExt, 1);

  observer->id = id;

  return observer;
}

static gsize
n_slots (NotificationIdTable *table)
{
  return table->mask + 1;
}

/* Every slot that is set holds one of @observers[0, n), each once, and
 * the count agrees. */
static void
check_contents (NotificationIdTable      *table,
                NotificationObserverExt **observers,
                gsize                     n)
{
  GHashTable *present = g_hash_table_new (NULL, NULL);
  gsize n_set = 0;

  for (gsize i = 0; i < n; i++)
    g_hash_table_add (present, observers[i]);
  for (gsize i = 0; i < n_slots (table); i++)
    if (table->slots[i] != NULL)
      {
        g_assert_true (g_hash_table_remove (present, table->slots[i]));
        n_set++;
      }
  g_assert_cmpuint (n_set, ==, n);
  g_assert_cmpuint (table->len, ==, n);
  g_assert_cmpuint (g_hash_table_size (present), ==, 0);
  g_hash_table_unref (present);

  /* No hole between an observer and its home slot. */
  for (gsize i = 0; i < n_slots (table); i++)
    if (table->slots[i] != NULL)
      for (gsize j = home_slot (table->slots[i]->id, table->mask); j != i; j = (j + 1) & table->mask)
        g_assert_nonnull (table->slots[j]);
}

static void
test_add_lookup_remove (void)
{
  NotificationIdTable table;
  NotificationObserverExt *a = observer_new (1);
  NotificationObserverExt *b = observer_new (2);
  NotificationObserverExt *c = observer_new (G_MAXULONG);

  g_test_summary ("Observers added are found by their id, unknown ids are not, "
                  "and a removed observer is no longer found");

  notification_id_table_init (&table);
  g_assert_cmpuint (table.len, ==, 0);
  g_assert_cmpuint (n_slots (&table), ==, MIN_SLOTS);
  g_assert_null (notification_id_table_lookup (&table, 1));

  notification_id_table_add (&table, a);
  notification_id_table_add (&table, b);
  notification_id_table_add (&table, c);
  g_assert_cmpuint (table.len, ==, 3);

  g_assert_true (notification_id_table_lookup (&table, 1) == a);
  g_assert_true (notification_id_table_lookup (&table, 2) == b);
  g_assert_true (notification_id_table_lookup (&table, G_MAXULONG) == c);
  g_assert_null (notification_id_table_lookup (&table, 3));
  g_assert_null (notification_id_table_lookup (&table, 0));

  notification_id_table_remove (&table, b);
  g_assert_cmpuint (table.len, ==, 2);
  g_assert_null (notification_id_table_lookup (&table, 2));
  g_assert_true (notification_id_table_lookup (&table, 1) == a);
  g_assert_true (notification_id_table_lookup (&table, G_MAXULONG) == c);

  notification_id_table_remove (&table, a);
  notification_id_table_remove (&table, c);
  g_assert_cmpuint (table.len, ==, 0);
  g_assert_null (notification_id_table_lookup (&table, 1));
  g_assert_null (notification_id_table_lookup (&table, G_MAXULONG));

  notification_id_table_clear (&table);
  g_free (a);
  g_free (b);
  g_free (c);
}

/* Removes the observers in a random order, checking after each removal
 * that every one left is found, every one removed is not, and that no
 * slot is left empty inside a cluster (each observer is reachable from
 * its home slot without crossing an empty slot). */
static void
check_random_removal (guint32 seed,
                      gsize   n,
                      gulong  id_step)
{
  NotificationIdTable table;
  NotificationObserverExt **observers = g_new0 (NotificationObserverExt *, n);
  GRand *rand = g_rand_new_with_seed (seed);
  gsize n_left = n;

  notification_id_table_init (&table);
  for (gsize i = 0; i < n; i++)
    {
      observers[i] = observer_new (1 + i * id_step);
      notification_id_table_add (&table, observers[i]);
    }
  check_contents (&table, observers, n);

  while (n_left > 0)
    {
      gsize k = g_rand_int_range (rand, 0, n_left);
      NotificationObserverExt *gone = observers[k];

      observers[k] = observers[--n_left];
      observers[n_left] = gone;
      notification_id_table_remove (&table, gone);

      g_assert_null (notification_id_table_lookup (&table, gone->id));
      for (gsize i = 0; i < n_left; i++)
        g_assert_true (notification_id_table_lookup (&table, observers[i]->id) == observers[i]);
      check_contents (&table, observers, n_left);
    }

  notification_id_table_clear (&table);
  for (gsize i = 0; i < n; i++)
    g_free (observers[i]);
  g_free (observers);
  g_rand_free (rand);
}

static void
test_backward_shift (void)
{
  g_test_summary ("Removing observers in random orders keeps every other one found: "
                  "backward-shift deletion leaves no hole inside a probe sequence");

  for (guint32 seed = 1; seed <= 20; seed++)
    {
      /* Consecutive ids, as the center hands them out, and spread ids. */
      check_random_removal (seed, 100, 1);
      check_random_removal (seed, 100, 0x10001);
      /* Few enough to stay in the smallest table, so clusters wrap. */
      check_random_removal (seed, 4, 1);
      check_random_removal (seed, 4, 8);
    }
}

static void
test_wrapping_cluster (void)
{
  NotificationIdTable table;
  NotificationObserverExt *at_end[3], *at_start;
  gulong id;
  guint n = 0;

  g_test_summary ("Backward shift across the end of the slot array: removing the head "
                  "of a cluster that wraps moves each later member to the first slot "
                  "it may take");

  notification_id_table_init (&table);

  /* Three ids whose home is the last slot, and one whose home is the
   * first. */
  for (id = 1; n < G_N_ELEMENTS (at_end); id++)
    if (home_slot (id, MIN_SLOTS - 1) == MIN_SLOTS - 1)
      at_end[n++] = observer_new (id);
  for (id = 1; home_slot (id, MIN_SLOTS - 1) != 0; id++)
    ;
  at_start = observer_new (id);

  /* The hash here is the table's: alone, an observer is in its home. */
  notification_id_table_add (&table, at_end[0]);
  g_assert_true (table.slots[MIN_SLOTS - 1] == at_end[0]);

  /* The cluster wraps: 7, 0, 1, and the one at home in 0 goes to 2. */
  notification_id_table_add (&table, at_end[1]);
  notification_id_table_add (&table, at_end[2]);
  notification_id_table_add (&table, at_start);
  g_assert_cmpuint (n_slots (&table), ==, MIN_SLOTS);
  g_assert_true (table.slots[0] == at_end[1]);
  g_assert_true (table.slots[1] == at_end[2]);
  g_assert_true (table.slots[2] == at_start);

  notification_id_table_remove (&table, at_end[0]);
  g_assert_true (table.slots[MIN_SLOTS - 1] == at_end[1]);
  g_assert_true (table.slots[0] == at_end[2]);
  g_assert_true (table.slots[1] == at_start);
  g_assert_null (table.slots[2]);
  for (guint i = 1; i < G_N_ELEMENTS (at_end); i++)
    g_assert_true (notification_id_table_lookup (&table, at_end[i]->id) == at_end[i]);
  g_assert_true (notification_id_table_lookup (&table, at_start->id) == at_start);

  /* The one at home in slot 0 sits there now that it may. */
  notification_id_table_remove (&table, at_end[1]);
  g_assert_true (table.slots[MIN_SLOTS - 1] == at_end[2]);
  g_assert_true (table.slots[0] == at_start);
  g_assert_null (table.slots[1]);

  notification_id_table_clear (&table);
  for (guint i = 0; i < G_N_ELEMENTS (at_end); i++)
    g_free (at_end[i]);
  g_free (at_start);
}

static void
test_growth_shrink (void)
{
  NotificationIdTable table;
  const gsize n = 1000;
  NotificationObserverExt **observers = g_new0 (NotificationObserverExt *, n);
  gsize max_slots;

  g_test_summary ("The table doubles to stay at most half full, and halves once less "
                  "than an eighth is used, down to its smallest size, finding every "
                  "observer throughout");

  notification_id_table_init (&table);
  for (gsize i = 0; i < n; i++)
    {
      observers[i] = observer_new (1000 + i);
      notification_id_table_add (&table, observers[i]);
      g_assert_cmpuint (table.len, ==, i + 1);
      g_assert_cmpuint (table.len * 2, <=, n_slots (&table));
      /* Grown only when needed: not twice what is needed. */
      g_assert_true (n_slots (&table) == MIN_SLOTS || table.len * 4 > n_slots (&table));
      g_assert_cmpuint (n_slots (&table) & (n_slots (&table) - 1), ==, 0);
    }
  max_slots = n_slots (&table);
  g_assert_cmpuint (max_slots, ==, 2048);
  for (gsize i = 0; i < n; i++)
    g_assert_true (notification_id_table_lookup (&table, 1000 + i) == observers[i]);

  for (gsize i = 0; i < n; i++)
    {
      notification_id_table_remove (&table, observers[i]);
      g_assert_cmpuint (table.len, ==, n - i - 1);
      /* At least an eighth used, unless at the smallest size. */
      g_assert_true (n_slots (&table) == MIN_SLOTS || table.len * 8 >= n_slots (&table));
      g_assert_cmpuint (n_slots (&table), <=, max_slots);
      if (i % 97 == 0)
        for (gsize j = i + 1; j < n; j++)
          g_assert_true (notification_id_table_lookup (&table, 1000 + j) == observers[j]);
    }
  g_assert_cmpuint (n_slots (&table), ==, MIN_SLOTS);

  notification_id_table_clear (&table);
  for (gsize i = 0; i < n; i++)
    g_free (observers[i]);
  g_free (observers);
}

static void
test_clear (void)
{
  NotificationIdTable table;
  NotificationObserverExt *observers[20];

  g_test_summary ("Clearing frees the slots without touching the observers, "
                  "and a cleared table can be initialised and used again");

  notification_id_table_init (&table);
  for (guint i = 0; i < G_N_ELEMENTS (observers); i++)
    {
      observers[i] = observer_new (i + 1);
      notification_id_table_add (&table, observers[i]);
    }

  notification_id_table_clear (&table);
  g_assert_null (table.slots);
  g_assert_cmpuint (table.len, ==, 0);
  g_assert_cmpuint (table.mask, ==, 0);
  /* Clearing twice is harmless. */
  notification_id_table_clear (&table);
  g_assert_null (table.slots);

  /* The observers are the caller's: still there. */
  for (guint i = 0; i < G_N_ELEMENTS (observers); i++)
    g_assert_cmpuint (observers[i]->id, ==, i + 1);

  notification_id_table_init (&table);
  g_assert_null (notification_id_table_lookup (&table, 1));
  notification_id_table_add (&table, observers[0]);
  g_assert_true (notification_id_table_lookup (&table, 1) == observers[0]);
  notification_id_table_clear (&table);

  for (guint i = 0; i < G_N_ELEMENTS (observers); i++)
    g_free (observers[i]);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/id-table/add-lookup-remove", test_add_lookup_remove);
  g_test_add_func ("/id-table/backward-shift", test_backward_shift);
  g_test_add_func ("/id-table/wrapping-cluster", test_wrapping_cluster);
  g_test_add_func ("/id-table/growth-shrink", test_growth_shrink);
  g_test_add_func ("/id-table/clear", test_clear);

  return g_test_run ();
}
