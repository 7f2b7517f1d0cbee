/* test-lifetimes.c: observers tied to an owner object, sender-specific
 * observers holding the sender weakly, and the ownership of the user info
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <notification/notification.h>

#include "test-util.h"

static gulong
probe_add_owned (NotificationCenter *center,
                 const char         *type,
                 gpointer            sender,
                 GObject            *owner,
                 Probe              *probe)
{
  gulong id;

  id = notification_center_add_observer_full (center, type, sender, owner, NULL,
                                              probe_cb, probe, probe_destroy);
  g_assert_cmpuint (id, >, 0);
  return id;
}

/* Observers tied to an owner object: its finalization removes them */

static void
test_owner_finalized (void)
{
  Probe owned, other;
  g_autoptr(NotificationCenter) center = notification_center_new ();
  GObject *owner = g_object_new (G_TYPE_OBJECT, NULL);
  gboolean owner_gone = FALSE;

  g_test_summary ("An observer tied to an owner does not keep it alive, and the "
                  "owner's finalization removes it, running its destroy notify, while "
                  "other observers stay");

  probe_init (&owned, "owned", NULL);
  probe_init (&other, "other", NULL);
  g_object_weak_ref (owner, flag_weak_notify, &owner_gone);

  probe_add_owned (center, "t", NULL, owner, &owned);
  probe_add (center, "t", NULL, &other);
  /* the observer does not keep its owner alive */
  g_assert_cmpuint (owner->ref_count, ==, 1);
  g_assert_cmpuint (notification_center_get_n_observers (center), ==, 2);

  notification_center_post (center, "t", NULL, NULL);
  g_assert_cmpint (probe_calls (&owned), ==, 1);

  g_object_unref (owner);
  g_assert_true (owner_gone);
  g_assert_cmpint (probe_destroys (&owned), ==, 1);
  g_assert_cmpint (probe_destroys (&other), ==, 0);
  g_assert_cmpuint (notification_center_get_n_observers (center), ==, 1);

  notification_center_post (center, "t", NULL, NULL);
  g_assert_cmpint (probe_calls (&owned), ==, 1);
  g_assert_cmpint (probe_calls (&other), ==, 2);

  g_clear_object (&center);
  g_assert_cmpint (probe_destroys (&owned), ==, 1);
  g_assert_cmpint (probe_destroys (&other), ==, 1);

  probe_clear (&owned);
  probe_clear (&other);
}

static void
test_owner_many_observers (void)
{
  Probe probes[10][3];
  g_autoptr(NotificationCenter) center = notification_center_new ();
  GObject *owners[10];
  gsize i, j;

  g_test_summary ("Finalizing some of many owners removes exactly their observers, "
                  "of every type, and the others keep receiving posts");

  for (i = 0; i < G_N_ELEMENTS (owners); i++)
    {
      owners[i] = g_object_new (G_TYPE_OBJECT, NULL);
      for (j = 0; j < 3; j++)
        {
          probe_init (&probes[i][j], "p", NULL);
          probe_add_owned (center, j == 0 ? NULL : "t", NULL, owners[i], &probes[i][j]);
        }
    }
  g_assert_cmpuint (notification_center_get_n_observers (center), ==, 30);

  /* finalize every other owner */
  for (i = 0; i < G_N_ELEMENTS (owners); i += 2)
    g_clear_object (&owners[i]);
  g_assert_cmpuint (notification_center_get_n_observers (center), ==, 15);

  notification_center_post (center, "t", NULL, NULL);
  for (i = 0; i < G_N_ELEMENTS (owners); i++)
    for (j = 0; j < 3; j++)
      {
        g_assert_cmpint (probe_calls (&probes[i][j]), ==, i % 2 ? 1 : 0);
        g_assert_cmpint (probe_destroys (&probes[i][j]), ==, i % 2 ? 0 : 1);
      }

  for (i = 1; i < G_N_ELEMENTS (owners); i += 2)
    g_clear_object (&owners[i]);
  g_assert_cmpuint (notification_center_get_n_observers (center), ==, 0);
  g_assert_false (notification_center_has_observers (center, "t", NULL));

  for (i = 0; i < G_N_ELEMENTS (owners); i++)
    for (j = 0; j < 3; j++)
      {
        g_assert_cmpint (probe_destroys (&probes[i][j]), ==, 1);
        probe_clear (&probes[i][j]);
      }
}

static void
test_owner_removed_first (void)
{
  Probe probe;
  g_autoptr(NotificationCenter) center = notification_center_new ();
  GObject *owner = g_object_new (G_TYPE_OBJECT, NULL);
  gulong id;

  g_test_summary ("Observers removed, one by one or all, before their owner is "
                  "finalized get one destroy notify and nothing more when the owner "
                  "goes");

  probe_init (&probe, "p", NULL);
  id = probe_add_owned (center, "t", NULL, owner, &probe);
  notification_center_remove_observer (center, id);
  g_assert_cmpint (probe_destroys (&probe), ==, 1);

  g_object_unref (owner);
  g_assert_cmpint (probe_destroys (&probe), ==, 1);

  /* same with remove_all */
  owner = g_object_new (G_TYPE_OBJECT, NULL);
  probe_init (&probe, "p", NULL);
  probe_add_owned (center, "t", NULL, owner, &probe);
  notification_center_remove_all_observers (center);
  g_assert_cmpint (probe_destroys (&probe), ==, 1);
  g_object_unref (owner);
  g_assert_cmpint (probe_destroys (&probe), ==, 1);

  probe_clear (&probe);
}

static void
test_owner_center_finalized_first (void)
{
  NotificationCenter *center = notification_center_new ();
  GObject *owner = g_object_new (G_TYPE_OBJECT, NULL);
  Probe probe;

  g_test_summary ("Finalizing the center before an observer's owner runs the destroy "
                  "notify once, and the owner's finalization afterwards is harmless");

  probe_init (&probe, "p", NULL);
  probe_add_owned (center, "t", NULL, owner, &probe);

  g_object_unref (center);
  g_assert_cmpint (probe_destroys (&probe), ==, 1);
  g_assert_cmpuint (owner->ref_count, ==, 1);

  g_object_unref (owner);
  g_assert_cmpint (probe_destroys (&probe), ==, 1);

  probe_clear (&probe);
}

/* The owner is also the sender: one finalization removes it once. */
static void
test_owner_is_sender (void)
{
  Probe probe;
  g_autoptr(NotificationCenter) center = notification_center_new ();
  GObject *obj = g_object_new (G_TYPE_OBJECT, NULL);

  g_test_summary ("An observer whose owner is also its sender is removed once when "
                  "that object is finalized");

  probe_init (&probe, "p", NULL);
  probe_add_owned (center, "t", obj, obj, &probe);
  notification_center_post (center, "t", obj, NULL);
  g_assert_cmpint (probe_calls (&probe), ==, 1);

  g_object_unref (obj);
  g_assert_cmpint (probe_destroys (&probe), ==, 1);
  g_assert_cmpuint (notification_center_get_n_observers (center), ==, 0);

  probe_clear (&probe);
}

/* Sender-specific observers hold the sender weakly: its finalization
 * removes them */

static void
test_sender_held_weakly (void)
{
  Probe typed, any_type, other_probe;
  g_autoptr(NotificationCenter) center = notification_center_new ();
  GObject *sender = g_object_new (G_TYPE_OBJECT, NULL);
  g_autoptr(GObject) other = g_object_new (G_TYPE_OBJECT, NULL);
  gboolean sender_gone = FALSE;

  g_test_summary ("Observers of a specific sender hold it weakly: its finalization "
                  "removes them, destroy notifies included, and leaves other senders' "
                  "observers");

  probe_init (&typed, "typed", NULL);
  probe_init (&any_type, "any_type", NULL);
  probe_init (&other_probe, "other", NULL);
  g_object_weak_ref (sender, flag_weak_notify, &sender_gone);

  probe_add (center, "t", sender, &typed);
  probe_add (center, NULL, sender, &any_type);
  probe_add (center, "t", other, &other_probe);
  g_assert_cmpuint (sender->ref_count, ==, 1);

  notification_center_post (center, "t", sender, NULL);
  g_assert_cmpint (probe_calls (&typed), ==, 1);
  g_assert_cmpint (probe_calls (&any_type), ==, 1);
  g_assert_cmpuint (sender->ref_count, ==, 1);

  g_object_unref (sender);
  g_assert_true (sender_gone);
  /* removed, destroy notify included, by the time the sender is gone */
  g_assert_cmpint (probe_destroys (&typed), ==, 1);
  g_assert_cmpint (probe_destroys (&any_type), ==, 1);
  g_assert_cmpint (probe_destroys (&other_probe), ==, 0);
  g_assert_cmpuint (notification_center_get_n_observers (center), ==, 1);

  probe_clear (&typed);
  probe_clear (&any_type);
  probe_clear (&other_probe);
}

/* A new object at the address of a finalized sender does not receive
 * the old sender's observers. */
static void
test_sender_address_reuse (void)
{
  Probe probe;
  g_autoptr(NotificationCenter) center = notification_center_new ();
  g_autoptr(GPtrArray) fresh = g_ptr_array_new_with_free_func (g_object_unref);
  GObject *sender = g_object_new (G_TYPE_OBJECT, NULL);
  gpointer old_address = sender;
  gboolean reused = FALSE;
  guint i;

  g_test_summary ("A new object at the address of a finalized sender does not "
                  "receive the old sender's observers");

  probe_init (&probe, "p", NULL);
  probe_add (center, "t", sender, &probe);
  g_object_unref (sender);
  g_assert_cmpint (probe_destroys (&probe), ==, 1);

  for (i = 0; i < 64 && !reused; i++)
    {
      GObject *obj = g_object_new (G_TYPE_OBJECT, NULL);

      g_ptr_array_add (fresh, obj);
      if ((gpointer) obj == old_address)
        reused = TRUE;
    }
  if (!reused)
    g_test_message ("the allocator did not reuse the sender's address");

  for (i = 0; i < fresh->len; i++)
    {
      GObject *obj = g_ptr_array_index (fresh, i);

      g_assert_false (notification_center_has_observers (center, "t", obj));
      notification_center_post (center, "t", obj, NULL);
    }
  g_assert_cmpint (probe_calls (&probe), ==, 0);

  probe_clear (&probe);
}

static void
test_sender_center_finalized_first (void)
{
  NotificationCenter *center = notification_center_new ();
  GObject *sender = g_object_new (G_TYPE_OBJECT, NULL);
  Probe probe;

  g_test_summary ("Finalizing the center before an observed sender runs the destroy "
                  "notify once, and the sender's finalization afterwards is harmless");

  probe_init (&probe, "p", NULL);
  probe_add (center, "t", sender, &probe);
  g_object_unref (center);
  g_assert_cmpint (probe_destroys (&probe), ==, 1);
  g_object_unref (sender);
  g_assert_cmpint (probe_destroys (&probe), ==, 1);

  probe_clear (&probe);
}

static void
test_sender_removed_first (void)
{
  Probe a, b;
  g_autoptr(NotificationCenter) center = notification_center_new ();
  GObject *sender = g_object_new (G_TYPE_OBJECT, NULL);
  gulong id;

  g_test_summary ("An observer of a sender removed before the sender is finalized "
                  "gets one destroy notify; the sender's other observer goes with the "
                  "sender");

  probe_init (&a, "a", NULL);
  probe_init (&b, "b", NULL);
  id = probe_add (center, "t", sender, &a);
  probe_add (center, "u", sender, &b);
  notification_center_remove_observer (center, id);
  g_assert_cmpint (probe_destroys (&a), ==, 1);

  g_object_unref (sender);
  g_assert_cmpint (probe_destroys (&a), ==, 1);
  g_assert_cmpint (probe_destroys (&b), ==, 1);
  g_assert_cmpuint (notification_center_get_n_observers (center), ==, 0);

  probe_clear (&a);
  probe_clear (&b);
}

/* The sender is observed in two centers. */
static void
test_sender_two_centers (void)
{
  Probe a, b;
  g_autoptr(NotificationCenter) c1 = notification_center_new ();
  g_autoptr(NotificationCenter) c2 = notification_center_new ();
  GObject *sender = g_object_new (G_TYPE_OBJECT, NULL);

  g_test_summary ("A sender observed in two centers is removed from both when it is "
                  "finalized");

  probe_init (&a, "a", NULL);
  probe_init (&b, "b", NULL);
  probe_add (c1, "t", sender, &a);
  probe_add (c2, "t", sender, &b);
  g_object_unref (sender);
  g_assert_cmpint (probe_destroys (&a), ==, 1);
  g_assert_cmpint (probe_destroys (&b), ==, 1);

  probe_clear (&a);
  probe_clear (&b);
}

/* User info ownership */

static void
test_user_info_same_pointer (void)
{
  Probe p[3];
  g_autoptr(NotificationCenter) center = notification_center_new ();
  GVariant *info;
  gboolean freed;
  gsize i;

  g_test_summary ("Every observer gets the posted user info itself, and a "
                  "non-floating reference is neither stolen nor kept after the post");

  for (i = 0; i < G_N_ELEMENTS (p); i++)
    {
      probe_init (&p[i], "p", NULL);
      probe_add (center, i == 1 ? NULL : "t", NULL, &p[i]);
    }

  info = g_variant_ref_sink (tracked_vardict_new (&freed));
  notification_center_post (center, "t", NULL, info);

  for (i = 0; i < G_N_ELEMENTS (p); i++)
    g_assert_true (p[i].last_user_info == info);

  /* a non-floating reference is not stolen */
  g_assert_false (freed);
  g_assert_false (g_variant_is_floating (info));
  g_variant_unref (info);
  g_assert_true (freed);

  for (i = 0; i < G_N_ELEMENTS (p); i++)
    probe_clear (&p[i]);
}

typedef struct
{
  GVariant *seen;
  gboolean  was_floating;
  GVariant *kept;
} Keeper;

static void
keeper_cb (NotificationCenter *center,
           const char         *type,
           GObject            *sender,
           GVariant           *user_info,
           gpointer            user_data)
{
  Keeper *k = user_data;

  k->seen = user_info;
  k->was_floating = g_variant_is_floating (user_info);
  if (k->kept == NULL)
    k->kept = g_variant_ref (user_info);
}

static void
test_user_info_floating_consumed (void)
{
  g_autoptr(NotificationCenter) center = notification_center_new ();
  Keeper k = { 0, };
  GVariant *info;
  gboolean freed;
  gulong id;

  g_test_summary ("A floating user info is consumed by the post, whether nobody, "
                  "another type's observer, a looking or a keeping observer receives "
                  "it");

  /* no observer: the floating reference is consumed (and released) */
  info = tracked_vardict_new (&freed);
  notification_center_post (center, "t", NULL, info);
  g_assert_true (freed);

  /* an observer of another type only */
  id = notification_center_add_observer (center, "other", NULL, noop_cb, NULL, NULL);
  info = tracked_vardict_new (&freed);
  notification_center_post (center, "t", NULL, info);
  g_assert_true (freed);
  notification_center_remove_observer (center, id);

  /* an observer that only looks: sunk before the call, released after */
  id = notification_center_add_observer (center, "t", NULL, keeper_cb, &k, NULL);
  k.kept = (GVariant *) 1; /* do not keep */
  info = tracked_vardict_new (&freed);
  notification_center_post (center, "t", NULL, info);
  g_assert_true (k.seen == info);
  g_assert_false (k.was_floating);
  g_assert_true (freed);

  /* an observer that keeps a reference */
  k.kept = NULL;
  info = tracked_vardict_new (&freed);
  notification_center_post (center, "t", NULL, info);
  g_assert_true (k.seen == info);
  g_assert_true (k.kept == info);
  g_assert_false (freed);
  g_variant_unref (k.kept);
  g_assert_true (freed);

  notification_center_remove_observer (center, id);
}

static void
test_user_info_null (void)
{
  Probe probe;
  g_autoptr(NotificationCenter) center = notification_center_new ();

  g_test_summary ("A post without user info gives the observers NULL");

  probe_init (&probe, "p", NULL);
  probe_add (center, "t", NULL, &probe);
  probe.last_user_info = (GVariant *) 1;
  notification_center_post (center, "t", NULL, NULL);
  g_assert_cmpint (probe_calls (&probe), ==, 1);
  g_assert_null (probe.last_user_info);

  probe_clear (&probe);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/center/lifetime/owner/finalized", test_owner_finalized);
  g_test_add_func ("/center/lifetime/owner/many-observers", test_owner_many_observers);
  g_test_add_func ("/center/lifetime/owner/removed-first", test_owner_removed_first);
  g_test_add_func ("/center/lifetime/owner/center-finalized-first", test_owner_center_finalized_first);
  g_test_add_func ("/center/lifetime/owner/is-sender", test_owner_is_sender);
  g_test_add_func ("/center/lifetime/sender/held-weakly", test_sender_held_weakly);
  g_test_add_func ("/center/lifetime/sender/address-reuse", test_sender_address_reuse);
  g_test_add_func ("/center/lifetime/sender/center-finalized-first", test_sender_center_finalized_first);
  g_test_add_func ("/center/lifetime/sender/removed-first", test_sender_removed_first);
  g_test_add_func ("/center/lifetime/sender/two-centers", test_sender_two_centers);
  g_test_add_func ("/center/user-info/same-pointer", test_user_info_same_pointer);
  g_test_add_func ("/center/user-info/floating-consumed", test_user_info_floating_consumed);
  g_test_add_func ("/center/user-info/null", test_user_info_null);

  return g_test_run ();
}
