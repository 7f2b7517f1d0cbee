/* schema-reference.h: what checking user info against a schema means,
 * computed with GLib's own readers, and a check of the library's reader of
 * serialised a{sv} (notification-vardict.c) against them
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Shared by test-schema-agreement.c and the fuzz targets, which link the
 * reader's object file (it is not exported by the library).
 */

#pragma once

#include <string.h>

#include <notification/notification.h>

#include "notification-vardict-private.h"

/* notification_schema_validate () as it was before it read serialised
 * bytes: the first required key (in @required, the order declared) that
 * g_variant_lookup_value () does not find, else the first entry that
 * GVariantIter gives that is undeclared (and not allowed) or of another
 * type. The messages are the library's, word for word. */
static inline gboolean
reference_validate (NotificationSchema  *schema,
                    const char * const  *required,
                    const char          *type,
                    GVariant            *user_info,
                    GError             **error)
{
  GVariantIter iter;
  const char *key;
  GVariant *value;

  if (user_info != NULL && !g_variant_is_of_type (user_info, G_VARIANT_TYPE_VARDICT))
    {
      g_set_error (error, NOTIFICATION_ERROR, NOTIFICATION_ERROR_INVALID_USER_INFO,
                   "Notification “%s”: user info must be of type “a{sv}”, not “%s”",
                   type, g_variant_get_type_string (user_info));
      return FALSE;
    }

  for (guint i = 0; required[i] != NULL; i++)
    {
      g_autoptr(GVariant) found = NULL;

      if (user_info != NULL)
        found = g_variant_lookup_value (user_info, required[i], NULL);
      if (found == NULL)
        {
          g_autofree char *expected =
            g_variant_type_dup_string (notification_schema_get_key_type (schema, required[i]));

          g_set_error (error, NOTIFICATION_ERROR, NOTIFICATION_ERROR_MISSING_KEY,
                       "Notification “%s”: required key “%s” of type “%s” is missing",
                       type, required[i], expected);
          return FALSE;
        }
    }

  if (user_info == NULL)
    return TRUE;

  g_variant_iter_init (&iter, user_info);
  while (g_variant_iter_loop (&iter, "{&sv}", &key, &value))
    {
      const GVariantType *expected = notification_schema_get_key_type (schema, key);

      if (expected == NULL && !notification_schema_get_allow_unknown_keys (schema))
        {
          g_set_error (error, NOTIFICATION_ERROR, NOTIFICATION_ERROR_UNKNOWN_KEY,
                       "Notification “%s”: key “%s” (of type “%s”) is not declared by the schema",
                       type, key, g_variant_get_type_string (value));
          g_variant_unref (value);
          return FALSE;
        }

      if (expected != NULL && !g_variant_is_of_type (value, expected))
        {
          g_autofree char *expected_string = g_variant_type_dup_string (expected);

          g_set_error (error, NOTIFICATION_ERROR, NOTIFICATION_ERROR_WRONG_TYPE,
                       "Notification “%s”: key “%s” must be of type “%s”, not “%s”",
                       type, key, expected_string, g_variant_get_type_string (value));
          g_variant_unref (value);
          return FALSE;
        }
    }

  return TRUE;
}

/* Aborts unless two verdicts are the same: validity, error code and
 * message. */
static inline void
assert_same_verdict (gboolean      valid,
                     const GError *error,
                     gboolean      reference_valid,
                     const GError *reference_error)
{
  if (valid != reference_valid ||
      (error == NULL) != (reference_error == NULL) ||
      (error != NULL &&
       (error->domain != reference_error->domain ||
        error->code != reference_error->code ||
        strcmp (error->message, reference_error->message) != 0)))
    g_error ("validate () says %s (%s), the reference says %s (%s)",
             valid ? "valid" : "invalid", error != NULL ? error->message : "no error",
             reference_valid ? "valid" : "invalid",
             reference_error != NULL ? reference_error->message : "no error");
}

/* Reads @dict (an a{sv}) with the library's reader. Returns FALSE if the
 * reader is unsure of it (the library then uses GLib's readers); else
 * aborts unless it read every key and value type as GVariantIter does. */
static inline gboolean
reader_agrees (GVariant *dict)
{
  NotificationVardictIter reader;
  NotificationVardictStep step;
  g_autoptr(GPtrArray) keys = g_ptr_array_new ();
  g_autoptr(GPtrArray) types = g_ptr_array_new ();
  GVariantIter iter;
  const char *key;
  const GVariantType *value_type;
  GVariant *value;
  guint i = 0;

  if (!notification_vardict_iter_init (&reader, g_variant_get_data (dict), g_variant_get_size (dict)))
    return FALSE;

  while ((step = notification_vardict_iter_next (&reader, &key, &value_type)) == NOTIFICATION_VARDICT_ENTRY)
    {
      g_ptr_array_add (keys, (gpointer) key);
      g_ptr_array_add (types, (gpointer) value_type);
    }
  if (step == NOTIFICATION_VARDICT_UNSURE)
    return FALSE;

  g_variant_iter_init (&iter, dict);
  while (g_variant_iter_loop (&iter, "{&sv}", &key, &value))
    {
      const char *type_string = g_variant_get_type_string (value);

      if (i >= keys->len)
        g_error ("the reader found %u entries, GLib more", keys->len);
      if (strcmp (key, keys->pdata[i]) != 0)
        g_error ("entry %u: the reader read key “%s”, GLib “%s”", i,
                 (const char *) keys->pdata[i], key);
      if (g_variant_type_get_string_length (types->pdata[i]) != strlen (type_string) ||
          memcmp (g_variant_type_peek_string (types->pdata[i]), type_string, strlen (type_string)) != 0)
        g_error ("entry %u (“%s”): the reader read type “%.*s”, GLib “%s”", i, key,
                 (int) g_variant_type_get_string_length (types->pdata[i]),
                 g_variant_type_peek_string (types->pdata[i]), type_string);
      i++;
    }
  if (i != keys->len)
    g_error ("the reader found %u entries, GLib %u", keys->len, i);

  return TRUE;
}
