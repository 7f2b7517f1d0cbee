/* test-schema-replace.c: replacing a type's schema while others post
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A type always has a schema that requires a key. One thread registers an
 * equivalent schema again and again while another posts without that key:
 * every post must be rejected, because readers see the old schema or the
 * new one, never none.
 */

#include "test-util.h"

#define N_REPLACEMENTS 20000

static NotificationSchema *
make_schema (void)
{
  NotificationSchema *schema = notification_schema_new ();

  g_assert_true (notification_schema_add_key (schema, "out_string", "s", TRUE, NULL));
  return schema;
}

typedef struct
{
  NotificationCenter *center;
  gint                done;       /* (atomic) */
} Replacer;

static gpointer
replace_schemas (gpointer data)
{
  Replacer *replacer = data;

  for (guint i = 0; i < N_REPLACEMENTS; i++)
    {
      g_autoptr(NotificationSchema) schema = make_schema ();

      notification_center_register_schema (replacer->center, "stdout", schema);
    }
  g_atomic_int_set (&replacer->done, 1);

  return NULL;
}

static void
test_replace_while_posting (gconstpointer data)
{
  gboolean emits_signal = GPOINTER_TO_INT (data);
  g_autoptr(NotificationCenter) center =
    g_object_new (NOTIFICATION_TYPE_CENTER, "emits-signal", emits_signal, NULL);
  g_autoptr(NotificationSchema) first = make_schema ();
  g_autoptr(GVariant) bad = g_variant_ref_sink (g_variant_new_parsed ("@a{sv} {'line': <@u 3>}"));
  Replacer replacer = { center, 0 };
  int delivered = 0;
  guint64 n_posts = 0, n_missing = 0;
  GThread *thread;

  g_test_summary ("Posts checked while another thread keeps replacing the schema "
                  "always meet a schema, never none, and an invalid post is never "
                  "delivered");

  notification_center_register_schema (center, "stdout", first);
  notification_center_add_observer (center, "stdout", NULL, count_cb, &delivered, NULL);

  thread = g_thread_new ("replacer", replace_schemas, &replacer);
  /* At least a few thousand posts, and posts for as long as it runs. */
  while (!g_atomic_int_get (&replacer.done) || n_posts < 10000)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(NotificationSchema) seen = NULL;

      g_assert_false (notification_center_post_checked (center, "stdout", NULL, bad, &error));
      g_assert_error (error, NOTIFICATION_ERROR, NOTIFICATION_ERROR_MISSING_KEY);
      n_posts++;

      seen = notification_center_lookup_schema (center, "stdout");
      if (seen == NULL)
        n_missing++;
    }
  g_thread_join (thread);

  g_test_message ("%" G_GUINT64_FORMAT " posts during %d replacements", n_posts, N_REPLACEMENTS);
  g_assert_cmpint (g_atomic_int_get (&delivered), ==, 0);
  g_assert_cmpuint (n_missing, ==, 0);
}

/* Removing the schema (NULL) is not a replacement: posts are plain
 * again, and registering again makes them checked again. */
static void
test_remove_and_register_again (void)
{
  g_autoptr(NotificationCenter) center = notification_center_new ();
  g_autoptr(NotificationSchema) schema = make_schema ();
  g_autoptr(GVariant) bad = g_variant_ref_sink (g_variant_new_parsed ("@a{sv} {}"));
  g_autoptr(GError) error = NULL;

  g_test_summary ("Registering NULL removes the schema, so posts are no longer "
                  "checked, and registering it again makes them checked again");

  notification_center_register_schema (center, "stdout", schema);
  g_assert_false (notification_center_post_checked (center, "stdout", NULL, bad, &error));
  g_clear_error (&error);

  notification_center_register_schema (center, "stdout", NULL);
  g_assert_null (notification_center_lookup_schema (center, "stdout"));
  g_assert_true (notification_center_post_checked (center, "stdout", NULL, bad, &error));
  g_assert_no_error (error);

  notification_center_register_schema (center, "stdout", schema);
  g_assert_false (notification_center_post_checked (center, "stdout", NULL, bad, &error));
  g_assert_error (error, NOTIFICATION_ERROR, NOTIFICATION_ERROR_MISSING_KEY);
}

/* A schema made by a binding has only a toggle reference: the center's
 * reference calls the toggle notify, which takes the binding's lock (the
 * GIL). Its holder meanwhile disposes an observed sender, which takes the
 * registry lock: the reference must not be taken under that lock. A
 * deadlock hangs the test until meson's timeout fails it. */
typedef struct
{
  GMutex              gil;
  GMutex              mutex;
  GCond               cond;
  gboolean            in_toggle;
  NotificationCenter *center;
  NotificationSchema *schema;
} Toggle;

static void
toggle_notify (gpointer  data,
               GObject  *object,
               gboolean  is_last_ref)
{
  Toggle *t = data;

  if (is_last_ref)
    return;
  g_mutex_lock (&t->mutex);
  t->in_toggle = TRUE;
  g_cond_broadcast (&t->cond);
  g_mutex_unlock (&t->mutex);
  g_mutex_lock (&t->gil);
  g_mutex_unlock (&t->gil);
}

static gpointer
register_thread (gpointer data)
{
  Toggle *t = data;

  notification_center_register_schema (t->center, "t", t->schema);
  return NULL;
}

static void
test_toggle_reference (void)
{
  g_autoptr(NotificationCenter) center = notification_center_new ();
  GObject *sender = g_object_new (G_TYPE_OBJECT, NULL);
  Toggle t = { .center = center };
  g_autoptr(NotificationSchema) registered = NULL;
  GThread *thread;

  g_test_summary ("Registering a schema held by a toggle reference does not deadlock "
                  "with a thread that disposes an observed sender");

  g_mutex_init (&t.gil);
  g_mutex_init (&t.mutex);
  g_cond_init (&t.cond);
  t.schema = notification_schema_new ();
  g_object_add_toggle_ref (G_OBJECT (t.schema), toggle_notify, &t);
  g_object_unref (t.schema);
  notification_center_add_observer (center, "t", sender, noop_cb, NULL, NULL);

  g_mutex_lock (&t.gil);
  thread = g_thread_new ("register", register_thread, &t);
  g_mutex_lock (&t.mutex);
  while (!t.in_toggle)
    g_cond_wait (&t.cond, &t.mutex);
  g_mutex_unlock (&t.mutex);
  g_object_unref (sender);  /* its dispose takes the registry lock */
  g_mutex_unlock (&t.gil);
  g_thread_join (thread);

  registered = notification_center_lookup_schema (center, "t");
  g_assert_true (registered == t.schema);
  g_object_remove_toggle_ref (G_OBJECT (t.schema), toggle_notify, &t);
  g_mutex_clear (&t.gil);
  g_mutex_clear (&t.mutex);
  g_cond_clear (&t.cond);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_summary ("A type whose schema is being replaced keeps rejecting invalid posts");

  g_test_add_data_func ("/schema/replace/while-posting/emits-signal",
                        GINT_TO_POINTER (TRUE), test_replace_while_posting);
  g_test_add_data_func ("/schema/replace/while-posting/no-signal",
                        GINT_TO_POINTER (FALSE), test_replace_while_posting);
  g_test_add_func ("/schema/replace/remove-and-register-again", test_remove_and_register_again);
  g_test_add_func ("/schema/replace/toggle-reference", test_toggle_reference);

  return g_test_run ();
}
