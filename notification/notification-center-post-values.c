/* notification-center-post-values.c: posting user info as key, format
 * and value triples
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "notification-center-private.h"

/* The pointer a one-value string or GVariant format takes ("s", "&s",
 * "o", "g", "v", "@…", "*", "?", "r"), checked before GLib sees it: for a
 * bad string GLib builds a placeholder that would be posted, and for a
 * GVariant of the wrong type it aborts. */
static gboolean
post_values_pointer_valid (const char *format,
                           va_list    *args)
{
  const char *f = format[0] == '&' ? format + 1 : format;
  gconstpointer pointer;
  va_list copy;

  if (f[0] == '\0' || strchr ("sogv*?r@", f[0]) == NULL || (f[0] != '@' && f[1] != '\0'))
    return TRUE;

  va_copy (copy, *args);
  pointer = va_arg (copy, gconstpointer);
  va_end (copy);

  switch (f[0])
    {
    case 's':
      return pointer != NULL && g_utf8_validate (pointer, -1, NULL);
    case 'o':
      return pointer != NULL && g_variant_is_object_path (pointer);
    case 'g':
      return pointer != NULL && g_variant_is_signature (pointer);
    case '@':
      /* A bad type string is GLib's to report. */
      return pointer != NULL &&
             (!g_variant_type_string_is_valid (f + 1) ||
              g_variant_is_of_type ((GVariant *) pointer, (const GVariantType *) (f + 1)));
    case '?':
      return pointer != NULL && g_variant_type_is_basic (g_variant_get_type ((GVariant *) pointer));
    case 'r':
      return pointer != NULL && g_variant_type_is_tuple (g_variant_get_type ((GVariant *) pointer));
    default:
      return pointer != NULL;
    }
}

/**
 * notification_center_post_values: (skip)
 * @self: a center
 * @type: the notification type, a non-empty string
 * @sender: (nullable): the object posting the notification, or `NULL`
 * @first_key: (nullable): the first user info key, or `NULL` for none
 * @...: the first key's [GVariant format string](https://docs.gtk.org/glib/gvariant-format-strings.html)
 *   and value(s), then more key, format, value triples, then `NULL`
 *
 * Posts a notification whose user info is given as key, format and value
 * triples, building the `a{sv}` dictionary only if someone will receive
 * it:
 *
 * ```c
 * notification_center_post_values (center, "stdout", interpreter,
 *                                  "out_string", "s", text,
 *                                  "line", "u", line,
 *                                  NULL);
 * ```
 *
 * With nobody observing, this costs what [method@Center.has_observers]
 * costs and allocates nothing (building a two-key dictionary costs about
 * seventy unobserved posts). A dictionary that is not built is not
 * checked against the type's schema either: the check happens whenever
 * the post is received.
 *
 * With [property@Center:strict-schemas], a type that has a schema is
 * built and checked even when nobody observes it.
 *
 * A key that is not UTF-8, a format that is not that of exactly one value
 * (`"Z"`, `"ss"`, `NULL`) or a value that does not fit its format (a
 * `NULL` string for `"s"`) is a programmer error: it is reported as a
 * critical warning, when the post would be received, and nothing is
 * posted.
 */
void
notification_center_post_values (NotificationCenter *self,
                                 const char         *type,
                                 gpointer            sender,
                                 const char         *first_key,
                                 ...)
{
  GVariantBuilder builder;
  va_list args;

  g_return_if_fail (NOTIFICATION_IS_CENTER (self));
  g_return_if_fail (type != NULL && *type != '\0');

  /* The common case: no observer and no signal at all. */
  if (!self->emits_signal && !notification_registry_has_any (self->registry) &&
      !self->strict_schemas)
    return;

  g_return_if_fail (sender == NULL || G_IS_OBJECT (sender));

  if (!notification_center_has_observers (self, type, sender) &&
      !(self->strict_schemas && notification_registry_has_schema (self->registry, type)))
    return;

  g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
  va_start (args, first_key);
  for (const char *key = first_key; key != NULL; key = va_arg (args, const char *))
    {
      const char *format = va_arg (args, const char *);
      const char *end = NULL;
      GVariant *value = NULL;

      /* A bad triple is a programmer error: the arguments after it cannot
       * be read, so nothing is posted. GLib reports a format it cannot
       * parse itself. */
      if (!g_utf8_validate (key, -1, NULL))
        g_critical ("%s: key is not valid UTF-8: nothing posted", G_STRFUNC);
      else if (format == NULL)
        g_critical ("%s: key “%s” has no format: nothing posted", G_STRFUNC, key);
      else if (!post_values_pointer_valid (format, &args))
        g_critical ("%s: key “%s”: the value is not a valid “%s”: nothing posted",
                    G_STRFUNC, key, format);
      else if ((value = g_variant_new_va (format, &end, &args)) == NULL || *end != '\0')
        g_critical ("%s: key “%s”: “%s” is not the format of one value, or the "
                    "value does not fit it: nothing posted", G_STRFUNC, key, format);

      if (value != NULL && *end != '\0')
        g_clear_pointer (&value, g_variant_unref);

      if (value == NULL)
        {
          va_end (args);
          g_variant_builder_clear (&builder);
          return;
        }

      g_variant_builder_add (&builder, "{sv}", key, value);
    }
  va_end (args);

  notification_center_post (self, type, sender, g_variant_builder_end (&builder));
}
