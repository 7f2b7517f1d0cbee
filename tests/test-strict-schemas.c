/* test-strict-schemas.c: schemas checked even when nobody observes
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * post_values() builds user info only for a post someone receives, so an
 * unobserved post with bad user info goes unnoticed. The strict-schemas
 * property, or NOTIFICATION_DEBUG=schemas, makes it a critical.
 */

#include "test-util.h"

static NotificationCenter *
center_with_schema (gboolean strict)
{
  NotificationCenter *center;
  g_autoptr(NotificationSchema) schema = notification_schema_new ();

  if (strict)
    center = g_object_new (NOTIFICATION_TYPE_CENTER, "strict-schemas", TRUE, NULL);
  else
    center = notification_center_new ();
  g_assert_true (notification_schema_add_key (schema, "out_string", "s", TRUE, NULL));
  notification_center_register_schema (center, "stdout", schema);

  return center;
}

static void
test_default_is_lenient (void)
{
  g_autoptr(NotificationCenter) center = center_with_schema (FALSE);

  g_test_summary ("strict-schemas is off by default, and user info that nobody "
                  "observes is then not checked");

  g_assert_false (notification_center_get_strict_schemas (center));
  /* Nobody observes: nothing is built, nothing is checked. */
  notification_center_post_values (center, "stdout", NULL, "line", "u", 3, NULL);
}

static void
test_strict_unobserved (void)
{
  g_test_summary ("With strict-schemas, user info that breaks the schema is a "
                  "critical even when nobody observes, and valid user info or other "
                  "types are not");

  if (g_test_subprocess ())
    {
      g_autoptr(NotificationCenter) center = center_with_schema (TRUE);

      g_assert_true (notification_center_get_strict_schemas (center));
      make_criticals_non_fatal ();
      /* Valid user info and other types: no critical. */
      notification_center_post_values (center, "stdout", NULL, "out_string", "s", "x", NULL);
      notification_center_post_values (center, "other", NULL, "line", "u", 3, NULL);
      notification_center_post_values (center, "stdout", NULL, "line", "u", 3, NULL);
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("*CRITICAL*stdout*out_string*");
}

static void
test_environment (void)
{
  g_test_summary ("NOTIFICATION_DEBUG=schemas makes every center strict, the default "
                  "one and those asked not to be");

  if (g_test_subprocess ())
    {
      g_autoptr(NotificationCenter) center = center_with_schema (FALSE);
      g_autoptr(NotificationCenter) lenient =
        g_object_new (NOTIFICATION_TYPE_CENTER, "strict-schemas", FALSE, NULL);

      g_assert_true (notification_center_get_strict_schemas (center));
      g_assert_true (notification_center_get_strict_schemas (notification_center_get_default ()));
      /* The environment wins: it is for running a program's tests. */
      g_assert_true (notification_center_get_strict_schemas (lenient));
      return;
    }

  g_setenv ("NOTIFICATION_DEBUG", "schemas", TRUE);
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_unsetenv ("NOTIFICATION_DEBUG");
  g_test_trap_assert_passed ();
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_summary ("strict-schemas checks unobserved posts of declared types");

  g_test_add_func ("/schema/strict/default-is-lenient", test_default_is_lenient);
  g_test_add_func ("/schema/strict/unobserved", test_strict_unobserved);
  g_test_add_func ("/schema/strict/environment", test_environment);

  return g_test_run ();
}
