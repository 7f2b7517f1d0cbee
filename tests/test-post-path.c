/* test-post-path.c: the lookup of a post, where two types share a hash
 *
 * A post looks its keys up without comparing types
 * (notification_registry_lookup_observed()) and confirms a typed match
 * afterwards; another type with the same hash and sender makes it look
 * up again comparing types (notification_registry_match_exact()). Two
 * such types are found here by a birthday search over the key hash,
 * which is the library's own (linked with the library's objects, see
 * tests/meson.build), so that path is taken on purpose.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "notification-center-private.h"
#include "notification-index-private.h"

static char *type_a;
static char *type_b;

static guint
key_hash (const char    *type,
          gconstpointer  sender)
{
  return notification_index_hash (notification_index_hash_type (type), sender);
}

/* Two types whose keys have the same hash with @sender. */
static void
find_colliding_types (gconstpointer   sender,
                      char          **a,
                      char          **b)
{
  GHashTable *seen = g_hash_table_new (NULL, NULL);

  for (guint i = 1;; i++)
    {
      char *type = g_strdup_printf ("collide-%u", i);
      guint hash = key_hash (type, sender);
      gpointer other;

      if (g_hash_table_lookup_extended (seen, GUINT_TO_POINTER (hash), NULL, &other))
        {
          *a = g_strdup_printf ("collide-%u", GPOINTER_TO_UINT (other));
          *b = type;
          break;
        }
      g_hash_table_insert (seen, GUINT_TO_POINTER (hash), GUINT_TO_POINTER (i));
      g_free (type);
    }
  g_hash_table_unref (seen);

  g_assert_cmpstr (*a, !=, *b);
  g_assert_cmphex (key_hash (*a, sender), ==, key_hash (*b, sender));
}

static void
count_cb (NotificationCenter *center,
          const char         *type,
          GObject            *sender,
          GVariant           *user_info,
          gpointer            user_data)
{
  (*(guint *) user_data)++;
}

static void
handler_cb (NotificationCenter *center,
            const char         *type,
            GObject            *sender,
            GVariant           *user_info,
            gpointer            user_data)
{
  (*(guint *) user_data)++;
}

static void
test_same_hash_every_sender (void)
{
  NotificationCenter *center = g_object_new (NOTIFICATION_TYPE_CENTER, "emits-signal", FALSE, NULL);
  GObject *sender = g_object_new (G_TYPE_OBJECT, NULL);
  guint n_a = 0, n_b = 0;
  gulong id_a, id_b;

  g_test_summary ("A post of a type whose key has the hash of an observed type's key "
                  "reaches the observers of its own type only");

  id_a = notification_center_add_observer (center, type_a, NULL, count_cb, &n_a, NULL);

  notification_center_post (center, type_b, NULL, NULL);
  notification_center_post (center, type_b, sender, NULL);
  g_assert_cmpuint (n_a, ==, 0);
  g_assert_false (notification_center_has_observers (center, type_b, NULL));
  notification_center_post (center, type_a, sender, NULL);
  g_assert_cmpuint (n_a, ==, 1);

  id_b = notification_center_add_observer (center, type_b, NULL, count_cb, &n_b, NULL);
  notification_center_post (center, type_b, sender, NULL);
  g_assert_cmpuint (n_a, ==, 1);
  g_assert_cmpuint (n_b, ==, 1);
  notification_center_post (center, type_a, NULL, NULL);
  g_assert_cmpuint (n_a, ==, 2);
  g_assert_cmpuint (n_b, ==, 1);

  /* An entry without observers (of every sender, it stays) is passed
   * over, whichever of the two it is. */
  notification_center_remove_observer (center, id_a);
  notification_center_post (center, type_b, NULL, NULL);
  notification_center_post (center, type_a, NULL, NULL);
  g_assert_cmpuint (n_a, ==, 2);
  g_assert_cmpuint (n_b, ==, 2);
  notification_center_remove_observer (center, id_b);
  id_a = notification_center_add_observer (center, type_a, NULL, count_cb, &n_a, NULL);
  notification_center_post (center, type_b, NULL, NULL);
  notification_center_post (center, type_a, NULL, NULL);
  g_assert_cmpuint (n_a, ==, 3);
  g_assert_cmpuint (n_b, ==, 2);

  notification_center_remove_observer (center, id_a);
  g_object_unref (sender);
  g_object_unref (center);
}

static void
test_same_hash_signal (void)
{
  NotificationCenter *center = notification_center_new ();
  guint n_a = 0, n_handled = 0;
  char *detailed = g_strconcat ("notification::", type_b, NULL);

  g_test_summary ("On a center that emits the signal, a post that a same-hash type's "
                  "observer does not want still reaches the handlers of its type");

  notification_center_add_observer (center, type_a, NULL, count_cb, &n_a, NULL);
  g_signal_connect (center, detailed, G_CALLBACK (handler_cb), &n_handled);

  notification_center_post (center, type_b, NULL, NULL);
  g_assert_cmpuint (n_a, ==, 0);
  g_assert_cmpuint (n_handled, ==, 1);
  notification_center_post (center, type_a, NULL, NULL);
  g_assert_cmpuint (n_a, ==, 1);
  g_assert_cmpuint (n_handled, ==, 1);

  g_free (detailed);
  g_object_unref (center);
}

static void
test_same_hash_sender (void)
{
  NotificationCenter *center = g_object_new (NOTIFICATION_TYPE_CENTER, "emits-signal", FALSE, NULL);
  GObject *sender = g_object_new (G_TYPE_OBJECT, NULL);
  char *a, *b;
  guint n_a = 0, n_any = 0;

  g_test_summary ("The same for the observers of one sender, with observers of every "
                  "type and sender still reached");

  find_colliding_types (sender, &a, &b);
  notification_center_add_observer (center, a, sender, count_cb, &n_a, NULL);
  notification_center_add_observer (center, NULL, NULL, count_cb, &n_any, NULL);

  notification_center_post (center, b, sender, NULL);
  g_assert_cmpuint (n_a, ==, 0);
  g_assert_cmpuint (n_any, ==, 1);
  notification_center_post (center, a, sender, NULL);
  g_assert_cmpuint (n_a, ==, 1);
  g_assert_cmpuint (n_any, ==, 2);

  g_free (a);
  g_free (b);
  g_object_unref (center);
  g_object_unref (sender);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  find_colliding_types (NULL, &type_a, &type_b);

  g_test_add_func ("/post-path/same-hash/every-sender", test_same_hash_every_sender);
  g_test_add_func ("/post-path/same-hash/signal", test_same_hash_signal);
  g_test_add_func ("/post-path/same-hash/sender", test_same_hash_sender);

  status = g_test_run ();
  g_free (type_a);
  g_free (type_b);

  return status;
}
