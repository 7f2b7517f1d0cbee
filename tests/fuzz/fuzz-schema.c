/* fuzz-schema.c: schema declarations and validation from untrusted bytes
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Input: declarations, one per line, up to the first empty line:
 *
 *   *            allow unknown keys
 *   !KEY=TYPE    a required key of GVariant type TYPE
 *   KEY=TYPE     an optional key (no '=': an empty type string)
 *
 * then one byte that selects the type of the user info (see
 * user_info_types: 0 means no user info) and its serialized data, read
 * with g_variant_new_from_bytes (…, trusted = FALSE).
 *
 * Checks, besides the sanitizers: malformed declarations are GErrors
 * with UTF-8 messages,
 * the schema reads back what was declared, list_keys() is sorted,
 * validate() gives the verdict (validity, error code and message) that
 * GLib's readers give (reference_validate()), and where the library's
 * reader of serialised a{sv} is sure of the user info, it read each key
 * and value type as GVariantIter does (reader_agrees()).
 */

#include "fuzz.h"
#include "../schema-reference.h"

static const char * const user_info_types[] = {
  NULL, "a{sv}", "a{ss}", "av", "v", "s", "a{sv}", "a{sv}",
};

int
LLVMFuzzerTestOneInput (const unsigned char *data,
                        size_t               size)
{
  g_autoptr(NotificationSchema) schema = NULL;
  g_autoptr(GHashTable) declared = NULL;
  g_autoptr(GVariant) user_info = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) reference_error = NULL;
  g_autoptr(GPtrArray) required_keys = g_ptr_array_new_with_free_func (g_free);
  g_auto(GStrv) keys = NULL;
  gboolean valid, reference_valid;
  guint n_keys = 0;

  fuzz_set_up ();

  schema = notification_schema_new ();
  declared = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  while (size > 0)
    {
      g_autofree char *line = fuzz_next_line (&data, &size);
      g_autoptr(GError) key_error = NULL;
      const char *key = line;
      const char *type_string = "";
      gboolean required = FALSE;
      char *eq;

      if (*line == '\0')
        break;

      if (strcmp (line, "*") == 0)
        {
          notification_schema_set_allow_unknown_keys (schema, TRUE);
          continue;
        }

      if (*key == '!')
        {
          required = TRUE;
          key++;
        }
      eq = strchr (key, '=');
      if (eq != NULL)
        {
          *eq = '\0';
          type_string = eq + 1;
        }

      if (notification_schema_add_key (schema, key, type_string, required, &key_error))
        {
          g_assert_no_error (key_error);
          g_assert_false (g_hash_table_contains (declared, key));
          g_hash_table_add (declared, g_strdup (key));
          if (required)
            g_ptr_array_add (required_keys, g_strdup (key));
          n_keys++;

          /* Reads back what was declared. */
          g_assert_cmpstr (g_variant_type_peek_string (notification_schema_get_key_type (schema, key)),
                           ==, type_string);
          g_assert_cmpint (g_variant_type_get_string_length (notification_schema_get_key_type (schema, key)),
                           ==, strlen (type_string));
          g_assert_cmpint (notification_schema_get_key_required (schema, key), ==, required);
        }
      else
        {
          g_assert_error (key_error, NOTIFICATION_ERROR, NOTIFICATION_ERROR_INVALID_SCHEMA);
          /* A GError message is UTF-8 (bindings turn it into a string),
           * whatever bytes the declaration had. */
          if (!g_utf8_validate (key_error->message, -1, NULL))
            g_error ("notification_schema_add_key(): error message is not UTF-8: %s",
                     g_strescape (key_error->message, NULL));
        }
    }

  keys = notification_schema_list_keys (schema);
  g_assert_cmpuint (g_strv_length (keys), ==, n_keys);
  for (guint i = 0; keys[i] != NULL; i++)
    {
      g_assert_true (g_hash_table_contains (declared, keys[i]));
      if (i > 0 && strcmp (keys[i - 1], keys[i]) >= 0)
        g_error ("notification_schema_list_keys(): not sorted: “%s” before “%s”",
                 keys[i - 1], keys[i]);
    }

  if (size > 0)
    {
      const char *type = user_info_types[data[0] % G_N_ELEMENTS (user_info_types)];

      if (type != NULL)
        user_info = fuzz_variant_new (G_VARIANT_TYPE (type), data + 1, size - 1);
    }

  g_ptr_array_add (required_keys, NULL);
  reference_valid = reference_validate (schema, (const char * const *) required_keys->pdata,
                                        "fuzz", user_info, &reference_error);
  valid = notification_schema_validate (schema, "fuzz", user_info, &error);
  if (valid)
    g_assert_no_error (error);
  else
    g_assert_true (error != NULL && error->domain == NOTIFICATION_ERROR);
  assert_same_verdict (valid, error, reference_valid, reference_error);

  if (user_info != NULL && g_variant_is_of_type (user_info, G_VARIANT_TYPE_VARDICT))
    reader_agrees (user_info);

  return 0;
}
