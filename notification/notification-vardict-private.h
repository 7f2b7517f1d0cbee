/* notification-vardict-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <string.h>

#include <glib.h>

G_BEGIN_DECLS

/* Whether @value is an a{sv}: g_variant_is_of_type (value,
 * G_VARIANT_TYPE_VARDICT), which is a general subtype check (about 210
 * instructions for this one answer), as one compare of the type string. */
static inline gboolean
notification_variant_is_vardict (GVariant *value)
{
  return strcmp (g_variant_get_type_string (value), "a{sv}") == 0;
}

/* Reads the entries of a serialised a{sv} without making a GVariant for
 * any of them (see notification-vardict.c). */
typedef struct
{
  const guchar *data;
  gsize         table;        /* where the framing offsets start */
  gsize         n_entries;
  gsize         index;        /* of the next entry */
  gsize         end;          /* of the previous entry */
  guint         offset_size;
} NotificationVardictIter;

typedef enum
{
  NOTIFICATION_VARDICT_END,
  NOTIFICATION_VARDICT_ENTRY,
  /* The data is not in a form GLib is certain to read the same way: read
   * it with GLib's readers instead. */
  NOTIFICATION_VARDICT_UNSURE,
} NotificationVardictStep;

/* Deepest value type the reader answers for (see notification-vardict.c). */
#define NOTIFICATION_VARDICT_MAX_TYPE_DEPTH 32

gboolean                notification_vardict_iter_init (NotificationVardictIter  *iter,
                                                        gconstpointer             data,
                                                        gsize                     size);
NotificationVardictStep notification_vardict_iter_next (NotificationVardictIter  *iter,
                                                        const char              **key,
                                                        const GVariantType      **value_type);

G_END_DECLS
