/* fuzz-post-checked.c: a checked post of untrusted serialized user info
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Input: the notification type (first line; it may be empty or not
 * UTF-8), then one byte that selects the GVariant type of the user info
 * (see user_info_types: 0 means none, most values a{sv}), then its
 * serialized data, read with g_variant_new_from_bytes (…, trusted =
 * FALSE). It is posted with notification_center_post_checked() to a
 * center where "stdout" and "progress" have schemas and observers walk
 * the whole dictionary.
 *
 * Checks, besides the sanitizers: bad input is a GError (never a
 * critical), nothing is delivered then, a post that is accepted
 * reaches each matching observer exactly once with the very dictionary,
 * the verdict on a type with a schema is the one GLib's readers give
 * (reference_validate()), and where the library's reader of serialised
 * a{sv} is sure of the user info, it read each key and value type as
 * GVariantIter does (reader_agrees()).
 */

#include "fuzz.h"
#include "../schema-reference.h"

static const char * const user_info_types[] = {
  NULL, "a{sv}", "a{sv}", "a{sv}", "a{sv}", "a{sv}", "a{ss}", "v", "av", "s",
};

typedef struct
{
  guint     n_calls;
  GVariant *expected;
} Probe;

/* Touches everything, the way a real observer would. */
static void
walk (GVariant *value,
      guint     depth)
{
  if (depth > 64)
    return;

  if (g_variant_is_container (value))
    {
      gsize n = g_variant_n_children (value);

      for (gsize i = 0; i < n; i++)
        {
          g_autoptr(GVariant) child = g_variant_get_child_value (value, i);

          walk (child, depth + 1);
        }
    }
  else if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING) ||
           g_variant_is_of_type (value, G_VARIANT_TYPE_OBJECT_PATH) ||
           g_variant_is_of_type (value, G_VARIANT_TYPE_SIGNATURE))
    {
      g_assert_true (g_utf8_validate (g_variant_get_string (value, NULL), -1, NULL));
    }
  else
    {
      g_autofree char *text = g_variant_print (value, TRUE);

      g_assert_nonnull (text);
    }
}

static void
observer_cb (NotificationCenter *center,
             const char         *type,
             GObject            *sender,
             GVariant           *user_info,
             gpointer            user_data)
{
  Probe *probe = user_data;

  probe->n_calls++;
  g_assert_true (user_info == probe->expected);
  g_assert_true (g_utf8_validate (type, -1, NULL));

  if (user_info != NULL)
    {
      GVariantIter iter;
      const char *key;
      GVariant *value;

      g_assert_true (g_variant_is_of_type (user_info, G_VARIANT_TYPE_VARDICT));
      g_variant_iter_init (&iter, user_info);
      while (g_variant_iter_next (&iter, "{&sv}", &key, &value))
        {
          g_assert_true (g_utf8_validate (key, -1, NULL));
          walk (value, 0);
          g_variant_unref (value);
        }
    }
}

/* The required keys of each schema, in the order declared. */
static const char * const stdout_required[] = { "out_string", NULL };
static const char * const progress_required[] = { "fraction", NULL };

static NotificationCenter *
fuzz_center (Probe *all,
             Probe *stdout_probe)
{
  static NotificationCenter *center;

  if (center == NULL)
    {
      g_autoptr(NotificationSchema) out = notification_schema_new ();
      g_autoptr(NotificationSchema) progress = notification_schema_new ();

      center = g_object_new (NOTIFICATION_TYPE_CENTER, "emits-signal", FALSE, NULL);

      g_assert_true (notification_schema_add_key (out, "out_string", "s", TRUE, NULL));
      g_assert_true (notification_schema_add_key (out, "line", "u", FALSE, NULL));
      g_assert_true (notification_schema_add_key (out, "extra", "a{sv}", FALSE, NULL));
      notification_center_register_schema (center, "stdout", out);

      g_assert_true (notification_schema_add_key (progress, "fraction", "d", TRUE, NULL));
      g_assert_true (notification_schema_add_key (progress, "label", "ms", FALSE, NULL));
      notification_schema_set_allow_unknown_keys (progress, TRUE);
      notification_center_register_schema (center, "progress", progress);

      notification_center_add_observer (center, NULL, NULL, observer_cb, all, NULL);
      notification_center_add_observer (center, "stdout", NULL, observer_cb, stdout_probe, NULL);
    }

  return center;
}

int
LLVMFuzzerTestOneInput (const unsigned char *data,
                        size_t               size)
{
  static Probe all, stdout_probe;
  NotificationCenter *center;
  g_autofree char *type = NULL;
  g_autoptr(GVariant) user_info = NULL;
  g_autoptr(GError) error = NULL;
  gboolean delivered;

  fuzz_set_up ();
  center = fuzz_center (&all, &stdout_probe);

  type = fuzz_next_line (&data, &size);
  if (size > 0)
    {
      const char *variant_type = user_info_types[data[0] % G_N_ELEMENTS (user_info_types)];

      if (variant_type != NULL)
        user_info = fuzz_variant_new (G_VARIANT_TYPE (variant_type), data + 1, size - 1);
    }

  all.n_calls = stdout_probe.n_calls = 0;
  all.expected = stdout_probe.expected = user_info;

  delivered = notification_center_post_checked (center, type, NULL, user_info, &error);

  if (strcmp (type, "stdout") == 0 || strcmp (type, "progress") == 0)
    {
      g_autoptr(NotificationSchema) schema = notification_center_lookup_schema (center, type);
      g_autoptr(GError) reference_error = NULL;
      gboolean reference_valid;

      reference_valid = reference_validate (schema,
                                            strcmp (type, "stdout") == 0 ? stdout_required : progress_required,
                                            type, user_info, &reference_error);
      assert_same_verdict (delivered, error, reference_valid, reference_error);
    }

  if (user_info != NULL && g_variant_is_of_type (user_info, G_VARIANT_TYPE_VARDICT))
    reader_agrees (user_info);

  if (delivered)
    {
      g_assert_no_error (error);
      g_assert_cmpuint (all.n_calls, ==, 1);
      g_assert_cmpuint (stdout_probe.n_calls, ==, strcmp (type, "stdout") == 0 ? 1 : 0);
    }
  else
    {
      g_assert_true (error != NULL && error->domain == NOTIFICATION_ERROR);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      g_assert_cmpuint (all.n_calls, ==, 0);
      g_assert_cmpuint (stdout_probe.n_calls, ==, 0);
    }

  return 0;
}
